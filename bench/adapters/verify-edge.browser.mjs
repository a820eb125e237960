// verify-edge's full answer for one input, through the package's browser entry as shipped: served unbundled from
// /npm/, it fetches and instantiates the wasm with top-level await.
import { normalizePhone } from "/npm/index.js";

/** Parses `input` (national numbers in `region`): E.164, region, number type, validity. Throws if unparseable. */
export function normalize(input, region) {
  const number = normalizePhone(input, region);
  return { e164: number.e164, region: number.region, type: number.numberType, valid: number.valid };
}
