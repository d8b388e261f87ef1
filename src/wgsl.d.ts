/** WGSL sources are imported as text (Vite plugin in vite.config.ts, esbuild's text loader for the CLI). */
declare module "*.wgsl" {
  const source: string;
  export default source;
}
