// The agreement check: every library answers every input, and each answer is compared with the reference's
// on E.164, region and validity (number types are compared too, but only reported).
import { answerFor } from "./measure.mjs";

/** Google's `PhoneNumberType` values, as names. */
const GOOGLE_TYPES = ["fixed_line", "mobile", "fixed_line_or_mobile", "toll_free", "premium_rate", "shared_cost",
  "voip", "personal", "pager", "uan", "voicemail"];

/** One spelling of a number type across libraries: Google's enum numbers, libphonenumber-js's and ours' names. */
function canonicalType(type) {
  if (typeof type === "number") return GOOGLE_TYPES[type] ?? "unknown";
  if (!type) return "unknown";
  const name = type.toLowerCase();
  return name === "personal_number" ? "personal" : name;
}

/** One spelling of "no region": Google says null or "001" (non-geographic), libphonenumber-js undefined. */
function canonicalRegion(region) {
  return region && region !== "001" && region !== "ZZ" ? region : null;
}

/** An answer in one shape for every library, so answers compare with `===`. */
export function canonicalAnswer(answer) {
  if (answer.error) return { error: String(answer.error) };
  const { e164, valid } = answer;
  return { e164, region: canonicalRegion(answer.region), valid, type: canonicalType(answer.type) };
}

/** How `answer` differs from `expected` on what must agree: the names of the differing fields, empty if none. */
function differences(expected, answer) {
  if (expected.error || answer.error) return expected.error && answer.error ? [] : ["parsed"];
  return ["e164", "region", "valid"].filter((field) => expected[field] !== answer[field]);
}

/** A short human form of a canonical answer. */
export function describeAnswer(answer) {
  if (answer.error) return `throws ${answer.error}`;
  return `${answer.e164} ${answer.region ?? "-"} ${answer.valid ? "valid" : "invalid"} ${answer.type}`;
}

/**
 * Runs every library on every input. Returns, per library id, its canonical `answers`, the inputs where it disagrees
 * with the reference (`mismatches`) and those where only the number type differs (`typeMismatches`).
 * @param {{ id: string, normalize: Function }[]} libraries
 */
export function checkAgreement(libraries, inputs, referenceId) {
  const answersOf = (library) => inputs.map((item) => canonicalAnswer(answerFor(library.normalize, item)));
  const answers = new Map(libraries.map((library) => [library.id, answersOf(library)]));
  const reference = answers.get(referenceId);
  const report = {};
  for (const library of libraries) {
    const mismatches = [];
    const typeMismatches = [];
    answers.get(library.id).forEach((answer, i) => {
      const fields = differences(reference[i], answer);
      const entry = { item: inputs[i], expected: reference[i], actual: answer, fields };
      if (fields.length) mismatches.push(entry);
      else if (!answer.error && answer.type !== reference[i].type) typeMismatches.push(entry);
    });
    const agreed = inputs.length - mismatches.length;
    report[library.id] = { answers: answers.get(library.id), mismatches, typeMismatches, agreed };
  }
  return report;
}
