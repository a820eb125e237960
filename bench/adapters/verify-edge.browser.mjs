// verify-edge's full answer for one input, through the package's phone entry (`verify-edge/phone`) as a browser app
// bundles it: esbuild inlines the JS, and the wasm is fetched beside the bundle (`new URL(..., import.meta.url)`)
// and instantiated with top-level await.
import { normalizePhone } from "../../dist/npm/phone/index.js";

/** Parses `input` (national numbers in `region`): E.164, region, number type, validity. Throws if unparseable. */
export function normalize(input, region) {
  const number = normalizePhone(input, region);
  return { e164: number.e164, region: number.region, type: number.numberType, valid: number.valid };
}
