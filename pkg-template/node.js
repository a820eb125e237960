// Node: read and instantiate the wasm synchronously at import.
import { readFileSync } from "node:fs";
import { initSync } from "./verify_edge.js";

initSync({ module: readFileSync(new URL("./verify_edge_bg.wasm", import.meta.url)) });

export * from "./verify_edge.js";
export { VerifyEdgeError } from "__ERROR_MODULE__";
