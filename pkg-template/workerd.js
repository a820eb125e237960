// Cloudflare Workers (workerd): the bundler hands over the compiled module; instantiate it synchronously.
import wasmModule from "./verify_edge_bg.wasm";
import { initSync } from "./verify_edge.js";

initSync({ module: wasmModule });

export * from "./verify_edge.js";
export { VerifyEdgeError } from "__ERROR_MODULE__";
