// Browsers and bundlers: fetch and instantiate the wasm once, at import, so every export is synchronous after.
import init from "./__MODULE__.js";

await init({ module_or_path: new URL("./__MODULE___bg.wasm", import.meta.url) });

export * from "./__MODULE__.js";
export { VerifyEdgeError } from "__ERROR_MODULE__";
