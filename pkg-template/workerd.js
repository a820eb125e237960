// Cloudflare Workers (workerd): the bundler hands over the compiled module; instantiate it synchronously.
import wasmModule from "./__MODULE___bg.wasm";
import { initSync } from "./__MODULE__.js";

initSync({ module: wasmModule });

export * from "./__MODULE__.js";
export { VerifyEdgeError } from "__ERROR_MODULE__";
