// libphonenumber-js with its "max" metadata and everything verify-edge's phone entry offers: parsing, formatting
// (international, national, RFC 3966) and as-you-type formatting. Only bundled, for the size table: the package's
// wasm carries all of its phone functions whichever a page calls, so this is the bundle doing the same work.
import { AsYouType, parsePhoneNumber } from "libphonenumber-js/max";

/** Parses `input` (national numbers in `region`): E.164, region, number type, validity. Throws if unparseable. */
export function normalize(input, region) {
  const number = parsePhoneNumber(input, region);
  return { e164: number.number, region: number.country, type: number.getType(), valid: number.isValid() };
}

/** The number written internationally, nationally and as an RFC 3966 URI. */
export function format(input, region) {
  const number = parsePhoneNumber(input, region);
  return [number.formatInternational(), number.formatNational(), number.getURI()];
}

/** What a phone field shows after `text` is typed. */
export function asYouType(text, region) {
  return new AsYouType(region).input(text);
}
