// Builds the phone-number agreement corpus from Google's libphonenumber (npm `google-libphonenumber`), the reference
// every other port follows. Each case is an input string and an optional default region; the expected answer is what
// Google's library says: E.164, region, number type and validity, the number written in its international, national
// and RFC 3966 formats, or the parse error it raises. Beside the cases, every example number typed one character at a
// time and what Google's AsYouTypeFormatter shows after each.
//
//   node scripts/phone-oracle.mjs > tests/data/phone-oracle.json
//
// The output is committed, so the Rust tests need no Node; scripts/test.sh checks it is up to date.
import { readFileSync } from "node:fs";
import lib from "google-libphonenumber";

const util = lib.PhoneNumberUtil.getInstance();
const { PhoneNumberFormat: Fmt, PhoneNumberType: T } = lib;

const TYPE_NAMES = new Map([
  [T.FIXED_LINE, "fixed_line"], [T.MOBILE, "mobile"], [T.FIXED_LINE_OR_MOBILE, "fixed_line_or_mobile"],
  [T.TOLL_FREE, "toll_free"], [T.PREMIUM_RATE, "premium_rate"], [T.SHARED_COST, "shared_cost"], [T.VOIP, "voip"],
  [T.PERSONAL_NUMBER, "personal"], [T.PAGER, "pager"], [T.UAN, "uan"], [T.VOICEMAIL, "voicemail"],
  [T.UNKNOWN, "unknown"],
]);
const EXAMPLE_TYPES = [T.FIXED_LINE, T.MOBILE, T.TOLL_FREE, T.PREMIUM_RATE, T.SHARED_COST, T.VOIP,
  T.PERSONAL_NUMBER, T.PAGER, T.UAN, T.VOICEMAIL];
// Google's parse errors, in the names our crate reports them by.
const PARSE_ERRORS = new Map([
  ["Invalid country calling code", "INVALID_COUNTRY_CODE"], ["The string supplied did not seem to be a phone number", "NOT_A_NUMBER"],
  ["Phone number too short after IDD", "TOO_SHORT"], ["The string supplied is too short to be a phone number", "TOO_SHORT"],
  ["The string supplied is too long to be a phone number", "TOO_LONG"],
]);

const R = lib.PhoneNumberUtil.ValidationResult;
// Why a parsed number is not valid; a possible length that matches no pattern is "invalid for its region".
const REASONS = new Map([[R.TOO_SHORT, "TOO_SHORT"], [R.TOO_LONG, "TOO_LONG"], [R.INVALID_COUNTRY_CODE, "INVALID_COUNTRY_CODE"]]);

/** What Google's libphonenumber makes of `input` with `region` as the default region. */
function expected(input, region) {
  let number;
  try {
    number = util.parse(input, region ?? "ZZ");
  } catch (e) {
    const code = PARSE_ERRORS.get(String(e.message ?? e));
    if (!code) throw new Error(`unmapped libphonenumber error ${e.message ?? e} for ${input}`);
    // Google says "invalid country code" for a national number with no region; we say what is missing.
    const national = region == null && !/^\s*[+\uFF0B]/.test(input) && !input.includes("phone-context=+");
    return { error: code === "INVALID_COUNTRY_CODE" && national ? "MISSING_REGION" : code };
  }
  // The JS port keeps national numbers as doubles: past 15 digits (E.164's limit) its answer is not Google's.
  if (util.getNationalSignificantNumber(number).length > 15) return null;
  return {
    e164: util.format(number, Fmt.E164),
    // "001" is Google's region for numbers of no country; we say null.
    region: [null, undefined, "001"].includes(util.getRegionCodeForNumber(number)) ? null : util.getRegionCodeForNumber(number),
    countryCode: number.getCountryCode(),
    type: TYPE_NAMES.get(util.getNumberType(number)),
    valid: util.isValidNumber(number),
    invalidReason: util.isValidNumber(number) ? null : REASONS.get(util.isPossibleNumberWithReason(number)) ?? "INVALID_FOR_REGION",
    // Formatted without the extension: we do not keep one (E.164 has none).
    formats: formatsOf(number),
  };
}

/** The number in Google's international, national and RFC 3966 formats, its extension (if any) left out. */
function formatsOf(parsed) {
  const number = parsed.clone();
  number.clearExtension();
  return {
    international: util.format(number, Fmt.INTERNATIONAL),
    national: util.format(number, Fmt.NATIONAL),
    rfc3966: util.format(number, Fmt.RFC3966),
  };
}

const cases = [];
const seen = new Set();
function add(input, region, form) {
  const key = `${input}\u0000${region}`;
  if (seen.has(key)) return;
  seen.add(key);
  const answer = expected(input, region);
  if (answer) cases.push({ input, defaultRegion: region ?? null, form, expected: answer });
}

// Dialling out from these regions puts their international prefix in front of the country code.
const DIAL_FROM = [["US", "011"], ["DE", "00"], ["AU", "0011"], ["JP", "010"]];
const regions = [...util.getSupportedRegions()].sort();
for (const region of regions) {
  for (const type of EXAMPLE_TYPES) {
    const example = util.getExampleNumberForType(region, type);
    if (!example) continue;
    const e164 = util.format(example, Fmt.E164);
    const national = util.format(example, Fmt.NATIONAL);
    const intl = util.format(example, Fmt.INTERNATIONAL);
    const cc = example.getCountryCode();
    add(national, region, "national");
    add(e164, null, "e164");
    add(intl, "US", "international");
    add(national.replace(/[\s()-]+/g, "."), region, "national-dots");
    add(intl.replace(/\s+/g, "-"), "GB", "international-dashes");
    const [from, idd] = DIAL_FROM[(cc + type) % DIAL_FROM.length];
    if (from !== region) add(`${idd} ${intl.slice(1)}`, from, `idd-${idd}`);
    add(util.format(example, Fmt.RFC3966), null, "tel-uri");
    const nsn = util.getNationalSignificantNumber(example);
    add(`tel:${nsn};phone-context=+${cc}`, null, "tel-phone-context");
    add(`${e164}9`, null, "one-digit-too-many");
    add(e164.slice(0, -1), null, "one-digit-too-few");
    add(`(${national})`, region, "national-parenthesised");
    // A wrong leading digit: the national number's first digit moved on by one.
    const wrong = `${(Number(nsn[0]) + 1) % 10}${nsn.slice(1)}`;
    add(`+${cc}${wrong}`, null, "wrong-leading-digit");
    // Digits of other scripts, as phones and keyboards type them.
    add(national.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d))), region, "national-arabic-indic");
    add(e164.replace(/[0-9+]/g, (c) => (c === "+" ? "\uFF0B" : String.fromCharCode(0xFF10 + Number(c)))), null, "e164-fullwidth");
    add(`${intl} ext. ${(cc * 7) % 1000}`, "US", "international-extension");
  }
}
// Numbers of no region (international freephone, satellite, ...).
for (const cc of util.getSupportedGlobalNetworkCallingCodes()) {
  const example = util.getExampleNumberForNonGeoEntity(cc);
  if (example) {
    add(util.format(example, Fmt.E164), null, "non-geo");
    add(util.format(example, Fmt.INTERNATIONAL), "FR", "non-geo-international");
  }
}
// As-you-type formatting: every example number typed one character at a time in its region, nationally (digits
// only) and internationally (+, country code, national number), with what Google's AsYouTypeFormatter shows after
// each character.
const asYouType = [];
function typeIn(region, typed, form) {
  const formatter = new lib.AsYouTypeFormatter(region);
  asYouType.push({ region, typed, form, shown: [...typed].map((c) => formatter.inputDigit(c)) });
}
for (const region of regions) {
  for (const type of EXAMPLE_TYPES) {
    const example = util.getExampleNumberForType(region, type);
    if (!example) continue;
    typeIn(region, util.format(example, Fmt.NATIONAL).replace(/[^0-9]/g, ""), "national");
    typeIn(region, util.format(example, Fmt.E164), "international");
  }
}

// Hostile and malformed input.
for (const [input, region] of [
  ["", "US"], ["   ", "US"], ["abc", "US"], ["+", null], ["++1 650 253 0000", null], ["+0 123 456 789", null],
  ["650 253 0000", null], ["+999 123 456 789", null], ["12", "US"], ["+1 2", null], ["1".repeat(40), "US"],
  ["+44 20 7031 3000 ext. 1234", null], ["650-CALL-NOW", "US"], ["tel:+1-650-253-0000", null],
  ["+١-٦٥٠-٢٥٣-٠٠٠٠", null], ["+１ ６５０ ２５３ ００００", null], ["(+49) 30 123456", "GB"], ["0049 30 123456", "FR"],
  ["+376 1800 1234", "US"], ["+376 18001234", null], ["011 44 20 7031 3000", "US"], ["00 44 20 7031 3000", "US"],
  ["+1 650 253 0000 x1234", null], ["+1 (650) 253-0000 / x1234", null], ["tel:+16502530000;isub=12345", null],
  ["tel:6502530000;phone-context=example.com", "US"], ["tel:2530000;phone-context=+1-650", null],
  ["tel:2530000;phone-context=+", null], ["+44 (0) 20 7031 3000", null], ["+1 800 FLOWERS", null],
  ["1-800-FLOWERS", "CA"], ["+1 650 253 0000#", null], ["+1 650 253 0000 доб 12", null], ["+1 650 253 0000 ;ext=99", null],
  ["\u{1D7D4}\u{1D7D3}\u{1D7CE} 253 0000", "US"], ["\u0967\u0968\u0969\u096A\u096B\u096C\u096D", "IN"],
  ["0" + "1".repeat(248), "DE"], ["+1 650 253 0000" + " ".repeat(235), null], ["+1 650 253 0000" + " ".repeat(236), null],
  ["+" + "9".repeat(20), null], ["a".repeat(250), "US"], ["*#06#", "US"], ["+1 650 253 0000\n", null],
  ["0800 FLOWERS", "GB"], ["+49 (0)30 123456", "FR"], ["00 00 44 20 7031 3000", "FR"], ["+0044 20 7031 3000", "FR"],
]) add(input, region, "hostile");

const { version } = JSON.parse(readFileSync(new URL(import.meta.resolve("google-libphonenumber/package.json")), "utf8"));
process.stdout.write(`{"source":"google-libphonenumber ${version}","cases":[\n`);
process.stdout.write(cases.map((c) => JSON.stringify(c)).join(",\n"));
process.stdout.write("\n],\"asYouType\":[\n");
process.stdout.write(asYouType.map((c) => JSON.stringify(c)).join(",\n"));
process.stdout.write("\n]}\n");
process.stderr.write(`${cases.length} cases over ${regions.length} regions\n`);
