// Every export, with types generated from the Rust source by wasm-bindgen and tsify.
export * from "./__MODULE__.js";
//main: // The phone functions are the phone entry's (`verify-edge/phone`).
//main: export { AsYouType, formatPhone, normalizePhone, supportedRegions } from "./phone/index.js";
//main: export type { NumberType, PhoneFormat, PhoneNumber } from "./phone/index.js";
