// Unpacks normalizePhone's answer (see pack() in phone.rs) into the PhoneNumber object the package documents.
// The two lists follow the Rust enums NumberType and PhoneErrorCode, variant by variant; the corpus run against
// the built package (scripts/phone-corpus-node.mjs) checks every type and reason it meets.
const NUMBER_TYPES = [
  "fixed_line", "mobile", "fixed_line_or_mobile", "toll_free", "premium_rate", "shared_cost", "voip", "personal",
  "pager", "uan", "voicemail", "unknown",
];
const ERROR_CODES = [
  "NOT_A_NUMBER", "TOO_SHORT", "TOO_LONG", "INVALID_COUNTRY_CODE", "MISSING_REGION", "INVALID_FOR_REGION",
  "UNKNOWN_REGION", "INPUT_TOO_LONG",
];
const A = 97; // "a"
const ZERO = 48; // "0"

export function phoneNumber(packed) {
  const codeDigits = packed.charCodeAt(2) - ZERO;
  const regionEnd = 4 + packed.charCodeAt(3) - ZERO;
  const e164 = packed.slice(regionEnd);
  const valid = packed.charCodeAt(1) === 45; // "-": no invalid reason
  return {
    e164,
    region: regionEnd === 4 ? null : packed.slice(4, regionEnd),
    countryCode: +e164.slice(1, 1 + codeDigits),
    nationalNumber: e164.slice(1 + codeDigits),
    numberType: NUMBER_TYPES[packed.charCodeAt(0) - A],
    valid,
    invalidReason: valid ? null : ERROR_CODES[packed.charCodeAt(1) - A],
  };
}

// Unpacks supportedRegions' answer: the two-letter ids back to back.
export function regionList(packed) {
  const ids = [];
  for (let i = 0; i < packed.length; i += 2) ids.push(packed.slice(i, i + 2));
  return ids;
}
