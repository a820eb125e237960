// verify-edge's full answer for one input, through the Node entry of the package's phone entry, `verify-edge/phone`
// (it instantiates the wasm at import).
import { normalizePhone } from "../../dist/npm/phone/node.js";

/** Parses `input` (national numbers in `region`): E.164, region, number type, validity. Throws if unparseable. */
export function normalize(input, region) {
  const number = normalizePhone(input, region);
  return { e164: number.e164, region: number.region, type: number.numberType, valid: number.valid };
}
