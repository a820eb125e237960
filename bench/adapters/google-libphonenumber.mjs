// google-libphonenumber's full answer for one input: the reference the others are checked against.
// Also the esbuild entry whose bundle size is measured, so it imports only what the answer needs.
import libphonenumber from "google-libphonenumber";

const { PhoneNumberUtil, PhoneNumberFormat } = libphonenumber;
const util = PhoneNumberUtil.getInstance();

/** Parses `input` (national numbers in `region`): E.164, region, number type, validity. Throws if unparseable. */
export function normalize(input, region) {
  const number = util.parse(input, region);
  return {
    e164: util.format(number, PhoneNumberFormat.E164),
    region: util.getRegionCodeForNumber(number),
    type: util.getNumberType(number),
    valid: util.isValidNumber(number),
  };
}
