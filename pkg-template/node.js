// Node: read and instantiate the wasm synchronously at import.
import { readFileSync } from "node:fs";
import { initSync } from "./__MODULE__.js";

initSync({ module: readFileSync(new URL("./__MODULE___bg.wasm", import.meta.url)) });

export * from "./__MODULE__.js";
export { VerifyEdgeError } from "__ERROR_MODULE__";
