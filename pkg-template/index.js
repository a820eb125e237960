// Browsers and bundlers: fetch and instantiate the wasm once, at import, so every export is synchronous after.
import init from "./verify_edge.js";

await init({ module_or_path: new URL("./verify_edge_bg.wasm", import.meta.url) });

export * from "./verify_edge.js";
export { VerifyEdgeError } from "__ERROR_MODULE__";
