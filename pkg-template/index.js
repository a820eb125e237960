// Browsers and bundlers: fetch and instantiate the wasm once, at import, so every export is synchronous after.
import init from "./__MODULE__.js";
//main: // The phone functions are the phone entry's (`verify-edge/phone`), and VerifyClient normalizes with its engine:
//main: // a page that imports both entries downloads one engine. download.js comes first: it requests this entry's wasm
//main: // before the phone entry's top-level await holds the rest back, so the two download at once.
//main: import { wasm } from "./download.js";
//main: import { normalizePhone } from "./phone/index.js";
//main: import { linkPhone } from "__PHONE_LINK_MODULE__";

//main: await init({ module_or_path: wasm });
//main: linkPhone(normalizePhone);
//entry: await init({ module_or_path: new URL("./__MODULE___bg.wasm", import.meta.url) });

export * from "./__MODULE__.js";
export { VerifyEdgeError } from "__ERROR_MODULE__";
//main: export { AsYouType, formatPhone, normalizePhone, supportedRegions } from "./phone/index.js";
