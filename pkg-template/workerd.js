// Cloudflare Workers (workerd): the bundler hands over the compiled module; instantiate it synchronously.
import wasmModule from "./__MODULE___bg.wasm";
import { initSync } from "./__MODULE__.js";
//main: // The phone functions are the phone entry's (`verify-edge/phone`), and VerifyClient normalizes with its engine.
//main: import { normalizePhone } from "./phone/workerd.js";
//main: import { linkPhone } from "__PHONE_LINK_MODULE__";

initSync({ module: wasmModule });
//main: linkPhone(normalizePhone);

export * from "./__MODULE__.js";
export { VerifyEdgeError } from "__ERROR_MODULE__";
//main: export { AsYouType, formatPhone, normalizePhone, supportedRegions } from "./phone/workerd.js";
