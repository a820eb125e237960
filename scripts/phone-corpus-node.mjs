// Runs the phone agreement corpus (tests/data/phone-oracle.json, Google's libphonenumber's answers) against the
// built npm package in Node (dist/npm/node.js, or with --phone the phone entry dist/npm/phone/node.js, after
// scripts/build-package.sh), so each wasm build is held to the same answers as the native one
// (tests/phone/oracle.rs), `formatPhone` included: every parsed number in Google's international, national and
// RFC 3966 formats, and `AsYouType` on every example number typed. Exits 1 if any case differs that is not a known
// difference. Also reports, not asserts, libphonenumber-js's agreement on the same cases.
//
//   node scripts/phone-corpus-node.mjs [--phone] [--json]
import { readFileSync } from "node:fs";

const corpus = JSON.parse(readFileSync(new URL("../tests/data/phone-oracle.json", import.meta.url), "utf8"));
const entry = process.argv.includes("--phone") ? "dist/npm/phone" : "dist/npm";
const ours = await import(new URL(`../${entry}/node.js`, import.meta.url));

// The cases tests/phone/oracle.rs lists, with their causes: Google's bundled metadata is newer than 9.0.33 for
// Gambia, Ascension and Tanzania, and its JavaScript port reads fewer scripts' digits than Java's libphonenumber.
const KNOWN = new Set(["+22056612349|null", "+22030123459|null", "+24772889|null", "+255721234567|null",
  "\u0967\u0968\u0969\u096A\u096B\u096C\u096D|IN"]);

// The numbers tests/phone/oracle.rs lists as formatted differently, all for newer metadata in Google's bundle:
// the Faroe Islands' six digits in three groups, and an invalid Zimbabwe number no longer grouped.
const KNOWN_FORMATS = new Set(["+298201234", "+298211234", "+298301234", "+298311234", "+298601234", "+298701234",
  "+298802123", "+298901123", "+298902123", "+2639001234"]);

/** Our formats of a case, in the corpus's shape. */
function formatsOf(input, region) {
  return {
    international: ours.formatPhone(input, "INTERNATIONAL", region),
    national: ours.formatPhone(input, "NATIONAL", region),
    rfc3966: ours.formatPhone(input, "RFC3966", region),
  };
}

/** Our answer in the corpus's shape. */
function answerOf(input, region) {
  try {
    const n = ours.normalizePhone(input, region);
    return { e164: n.e164, region: n.region, countryCode: n.countryCode, type: n.numberType, valid: n.valid,
      invalidReason: n.invalidReason };
  } catch (e) {
    if (!(e instanceof ours.VerifyEdgeError)) throw e;
    return { error: e.code };
  }
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const differ = [];
let knownSeen = 0;
let parseDiffer = 0;
let formatDiffer = 0;
let formatsCompared = 0;
let formatsKnown = 0;
for (const c of corpus.cases) {
  const got = answerOf(c.input, c.defaultRegion);
  const { formats, ...answer } = c.expected;
  const expected = c.expected.error ? { error: c.expected.error } : answer;
  const known = KNOWN.has(`${c.input}|${c.defaultRegion}`);
  if (known) knownSeen += 1;
  if (!same(got, expected) !== known) {
    differ.push({ ...c, got });
    parseDiffer += 1;
  }
  // Formats of the numbers we parse as Google does (a number parsed differently is a difference above).
  if (formats && got.e164 === c.expected.e164) {
    formatsCompared += 1;
    const gotFormats = formatsOf(c.input, c.defaultRegion);
    const e164 = ours.formatPhone(c.input, "E164", c.defaultRegion);
    const knownFormat = KNOWN_FORMATS.has(c.expected.e164);
    if (knownFormat) formatsKnown += 1;
    if (e164 !== c.expected.e164 || !same(gotFormats, formats) !== knownFormat) {
      differ.push({ ...c, expected: formats, got: { e164, ...gotFormats } });
      formatDiffer += 1;
    }
  }
}

// As-you-type formatting: the built package's AsYouType shows what Google's AsYouTypeFormatter shows after every
// character (the Faroe Islands' numbers differ for newer metadata, as tests/phone/oracle.rs lists).
let typedAgree = 0;
let typedKnown = 0;
const typedDiffer = [];
for (const t of corpus.asYouType) {
  const formatter = new ours.AsYouType(t.region);
  const shown = [...t.typed].map((c) => formatter.inputDigit(c));
  formatter.free();
  const known = t.region === "FO";
  if (known) typedKnown += 1;
  if (same(shown, t.shown)) typedAgree += 1;
  if (!same(shown, t.shown) !== known) {
    typedDiffer.push(t);
    differ.push({ form: `as-you-type ${t.form}`, input: t.typed, defaultRegion: t.region, expected: t.shown, got: shown });
  }
}

// libphonenumber-js (max metadata) on E.164, region, type and validity, and whether it refuses what Google refuses.
const js = await import("libphonenumber-js/max");
let jsAgree = 0;
let jsAgreeE164 = 0;
for (const c of corpus.cases) {
  const e = c.expected;
  let n;
  try {
    n = js.parsePhoneNumber(c.input, c.defaultRegion ?? undefined);
  } catch {
    n = null;
  }
  if (e.error) {
    if (!n) { jsAgree += 1; jsAgreeE164 += 1; }
    continue;
  }
  if (!n) continue;
  const type = (n.getType() ?? "unknown").toLowerCase().replace("personal_number", "personal");
  const region = n.country ?? null;
  if (n.number === e.e164) jsAgreeE164 += 1;
  if (n.number === e.e164 && region === e.region && type === e.type && n.isValid() === e.valid) jsAgree += 1;
}

const total = corpus.cases.length;
const pct = (n) => `${((100 * n) / total).toFixed(2)}%`;
const summary = {
  corpus: corpus.source,
  cases: total,
  verifyEdgeWasm: { agree: total - parseDiffer - knownSeen, knownDifferences: knownSeen, unexpected: differ.length,
    formats: { compared: formatsCompared, knownDifferences: formatsKnown },
    asYouType: { typed: corpus.asYouType.length, agree: typedAgree, knownDifferences: typedKnown } },
  libphonenumberJsMax: { version: JSON.parse(readFileSync(new URL("../node_modules/libphonenumber-js/package.json", import.meta.url), "utf8")).version, agreeAll: jsAgree, agreeE164: jsAgreeE164 },
};
if (process.argv.includes("--json")) {
  console.log(JSON.stringify(summary));
} else {
  console.log(`${total} cases from ${corpus.source}`);
  console.log(`verify-edge (wasm, ${entry} in Node): ${summary.verifyEdgeWasm.agree} agree, ${knownSeen} known differences, ${parseDiffer} unexpected`);
  console.log(`verify-edge AsYouType: ${typedAgree} of ${corpus.asYouType.length} typed numbers shown as Google shows them, ${typedKnown} known differences, ${typedDiffer.length} unexpected`);
  console.log(`verify-edge formatPhone: ${formatsCompared - formatsKnown - formatDiffer} of ${formatsCompared} parsed numbers formatted as Google formats them, ${formatsKnown} known differences, ${formatDiffer} unexpected`);
  console.log(`libphonenumber-js ${summary.libphonenumberJsMax.version} (max): E.164 ${jsAgreeE164} (${pct(jsAgreeE164)}); E.164, region, type and validity ${jsAgree} (${pct(jsAgree)})`);
}
for (const d of differ.slice(0, 20)) {
  console.error(`${d.form} ${JSON.stringify(d.input)} in ${d.defaultRegion}: we say ${JSON.stringify(d.got)}, Google ${JSON.stringify(d.expected)}`);
}
process.exit(differ.length ? 1 : 0);
