// comlink ships its Node adapter as a module without types beside it; these are its types.
declare module "comlink/dist/esm/node-adapter.mjs" {
  export { default } from "comlink/dist/esm/node-adapter";
}
