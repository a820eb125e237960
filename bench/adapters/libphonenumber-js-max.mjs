// libphonenumber-js with its "max" metadata: its full answer for one input.
// Also the esbuild entry whose bundle size is measured, so it imports only what the answer needs.
import { parsePhoneNumber } from "libphonenumber-js/max";

/** Parses `input` (national numbers in `region`): E.164, region, number type, validity. Throws if unparseable. */
export function normalize(input, region) {
  const number = parsePhoneNumber(input, region);
  return { e164: number.number, region: number.country, type: number.getType(), valid: number.isValid() };
}
