// Writes tests/data/phone_table_cases.rs: a readable table of phone inputs people really type, over 40+ regions, each with the
// exact E.164 (or error) that Google's libphonenumber gives. The inputs are chosen here; the answers are Google's.
//
//   node scripts/phone-table.mjs > tests/data/phone_table_cases.rs
//
// tests/phone/typed_inputs.rs runs it natively, tests/browser/phone_entry.rs in headless Chromium and Firefox through the npm build.
import lib from "google-libphonenumber";

const util = lib.PhoneNumberUtil.getInstance();
const { PhoneNumberFormat: Fmt, PhoneNumberType: T } = lib;
const ERRORS = new Map([
  ["Invalid country calling code", "InvalidCountryCode"], ["The string supplied did not seem to be a phone number", "NotANumber"],
  ["Phone number too short after IDD", "TooShort"], ["The string supplied is too short to be a phone number", "TooShort"],
  ["The string supplied is too long to be a phone number", "TooLong"],
]);

// Hand-picked: the forms people type, the prefixes they dial, and what goes wrong.
const HAND = [
  ["(650) 253-0000", "US"], ["650.253.0000", "US"], ["1-650-253-0000", "US"], ["+1 650 253 0000", null],
  ["tel:+1-650-253-0000", null], ["650 253 0000 ext. 123", "US"], ["1-800-FLOWERS", "US"], ["+1 (416) 555-0199", "CA"],
  ["020 7031 3000", "GB"], ["+44 (0)20 7031 3000", null], ["011 44 20 7031 3000", "US"], ["07400 123456", "GB"],
  ["030 123456", "DE"], ["0049 30 123456", "FR"], ["+49 1512 3456789", "US"], ["01 23 45 67 89", "FR"],
  ["06 12 34 56 78", "FR"], ["+33 6 12 34 56 78", "GB"], ["02 1234 5678", "IT"], ["+39 02 1234 5678", "US"],
  ["312 345 6789", "IT"], ["091 123 45 67", "ES"], ["+34 612 34 56 78", null], ["020 123 4567", "NL"],
  ["06 12345678", "NL"], ["08-123 456 78", "SE"], ["+46 70 123 45 67", "US"], ["22 12 34 56", "NO"],
  ["+7 800 123-45-67", null], ["8 (800) 123-45-67", "RU"], ["8 (912) 345-67-89", "RU"], ["8 (701) 123-45-67", "KZ"],
  ["+376 1800 1234", "US"], ["+376 712 345", "US"], ["8 801 123 4567", "BY"], ["+375 29 123-45-67", "US"],
  ["011 15 2345-6789", "AR"], ["+54 9 11 2345-6789", null], ["+54 11 2345-6789", "US"], ["(11) 96123-4567", "BR"],
  ["+55 11 96123-4567", "US"], ["55 1234 5678", "MX"], ["+52 1 55 1234 5678", null], ["(02) 9876 5432", "AU"],
  ["0412 345 678", "AU"], ["0011 44 20 7031 3000", "AU"], ["+61 4 1234 5678", "US"], ["021 123 4567", "NZ"],
  ["03-1234-5678", "JP"], ["090-1234-5678", "JP"], ["010 44 20 7031 3000", "JP"], ["010-1234-5678", "KR"],
  ["+82 2-312-3456", null], ["131 2345 6789", "CN"], ["+86 10 1234 5678", "US"], ["9123 4567", "HK"],
  ["8123 4567", "SG"], ["98765 43210", "IN"], ["+91 98765 43210", "GB"], ["0300 1234567", "PK"],
  ["01812-345678", "BD"], ["081 234 5678", "ID"], ["0917 123 4567", "PH"], ["081 234 5678", "TH"],
  ["091 234 56 78", "VN"], ["012-345 6789", "MY"], ["050 123 4567", "AE"], ["+971 50 123 4567", "US"],
  ["050 123 4567", "SA"], ["050-234-5678", "IL"], ["0532 123 45 67", "TR"], ["010 1234 5678", "EG"],
  ["0803 123 4567", "NG"], ["0712 345678", "KE"], ["071 123 4567", "ZA"], ["0612-345678", "MA"],
  ["024 123 4567", "GH"], ["0912 345 678", "ET"], ["+255 612 345 678", null], ["310 1234567", "CO"],
  ["+57 601 2345678", "US"], ["9 1234 5678", "CL"], ["912 345 678", "PE"], ["0412-1234567", "VE"],
  ["099 123 4567", "EC"], ["0991 123456", "UY"], ["0961 456789", "PY"], ["+43 664 123456", null],
  ["079 123 45 67", "CH"], ["0470 12 34 56", "BE"], ["20 12 34 56", "DK"], ["041 2345678", "FI"],
  ["512 345 678", "PL"], ["601 123 456", "CZ"], ["06 20 123 4567", "HU"], ["0712 034 567", "RO"],
  ["691 234 5678", "GR"], ["912 345 678", "PT"], ["085 123 4567", "IE"], ["067 123 4567", "UA"],
  ["+354 611 1234", null], ["+352 628 123 456", null], ["+356 9696 1234", null], ["+357 96 123456", null],
  ["+800 1234 5678", null], ["+882 13 123 4567", null], ["+١ ٦٥٠ ٢٥٣ ٠٠٠٠", null], ["＋４４ ２０ ７０３１ ３０００", null],
  ["tel:020-7031-3000;phone-context=+44", null], ["tel:+44-20-7031-3000;isub=123", null],
  // Bad input: every error code Google's parse raises, and invalid numbers it parses.
  ["", "US"], ["hello", "US"], ["+", null], ["12", null], ["650 253 0000", null], ["+999 123 4567", null],
  ["+0 650 253 0000", null], ["1", "US"], ["+44 1", null], ["1".repeat(18), "US"], ["x".repeat(300), "US"],
  ["+1 650 253 000", null], ["+1 650 253 00000", null], ["+44 20 7031 300", null], ["+49 30", null],
  ["011", "US"], ["00 44", "DE"], ["(650)", "US"], ["+1 123 456 7890", null], ["+44 99 9999 9999", null],
];

// Example numbers of more regions, in national form with dots and in international form dialled from elsewhere.
const MORE = ["IS", "LU", "MT", "CY", "EE", "LV", "LT", "SK", "SI", "HR", "RS", "BG", "BA", "MK", "AL", "GE", "AM",
  "AZ", "UZ", "MN", "NP", "LK", "MM", "KH", "LA", "QA", "KW", "BH", "OM", "JO", "LB", "TN", "DZ", "SN", "CI", "CM",
  "UG", "TZ", "ZM", "ZW", "CR", "PA", "GT", "DO", "JM", "TT", "BO", "FJ", "PG"];

function expected(input, region) {
  try {
    const n = util.parse(input, region ?? "ZZ");
    // The JS port keeps national numbers as doubles: past 15 digits (E.164's limit) its answer is not Google's.
    if (util.getNationalSignificantNumber(n).length > 15) throw new Error(`${input}: beyond the oracle's precision`);
    return { e164: util.format(n, Fmt.E164), valid: util.isValidNumber(n) };
  } catch (e) {
    const code = ERRORS.get(String(e.message ?? e));
    if (!code) throw new Error(`unmapped ${e.message} for ${input}`);
    // Google says "invalid country code" for a national number with no region; we say what is missing.
    return { error: code === "InvalidCountryCode" && region == null && !/^\s*[+＋]/.test(input) && !input.includes("phone-context") ? "MissingRegion" : code };
  }
}

const rows = HAND.map(([input, region]) => [input, region]);
for (const region of MORE) {
  for (const type of [T.FIXED_LINE, T.MOBILE]) {
    const n = util.getExampleNumberForType(region, type);
    if (!n) continue;
    rows.push([util.format(n, Fmt.NATIONAL).replace(/ /g, "."), region]);
    rows.push([util.format(n, Fmt.INTERNATIONAL), type === T.MOBILE ? "US" : "DE"]);
  }
}

const rust = (s) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
const lines = rows.map(([input, region]) => {
  const e = expected(input, region);
  const r = region ? `Some(${rust(region)})` : "None";
  const out = e.error ? `Err(${e.error})` : `Ok((${rust(e.e164)}, ${e.valid}))`;
  return `    (${rust(input)}, ${r}, ${out}),`;
});
const regions = new Set(rows.map(([input, region]) => region).filter(Boolean));
process.stdout.write(`// Phone inputs people type, over ${regions.size} default regions, each with the exact answer of Google's
// libphonenumber: E.164 and validity, or the error. Generated by \`node scripts/phone-table.mjs\` (inputs chosen
// there, answers Google's); \`scripts/test.sh\` checks that this file is what the generator writes.

/// Google's answer: the E.164 form and its validity, or the error code.
type Expected = Result<(&'static str, bool), verify_edge::phone::PhoneErrorCode>;

/// (input, default region, Google's answer)
const CASES: &[(&str, Option<&str>, Expected)] = {
    use verify_edge::phone::PhoneErrorCode::*;
    &[
${lines.map((l) => "    " + l).join("\n")}
    ]
};
`);
process.stderr.write(`${rows.length} cases over ${regions.size} regions\n`);
