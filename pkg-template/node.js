// Node: read and instantiate the wasm synchronously at import.
import { readFileSync } from "node:fs";
import { initSync } from "./__MODULE__.js";
//main: // The phone functions are the phone entry's (`verify-edge/phone`), and VerifyClient normalizes with its engine.
//main: import { normalizePhone } from "./phone/node.js";
//main: import { linkPhone } from "__PHONE_LINK_MODULE__";

initSync({ module: readFileSync(new URL("./__MODULE___bg.wasm", import.meta.url)) });
//main: linkPhone(normalizePhone);

export * from "./__MODULE__.js";
export { VerifyEdgeError } from "__ERROR_MODULE__";
//main: export { AsYouType, formatPhone, normalizePhone, supportedRegions } from "./phone/node.js";
