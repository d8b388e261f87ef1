/** .wasm files are imported as bytes (esbuild's binary loader), embedded in the one-file CLI. */
declare module "*.wasm" {
  const bytes: Uint8Array;
  export default bytes;
}
