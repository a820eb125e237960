// Timing shared by Node and Chromium, so both measure throughput the same way. No Node-only APIs here.

/** How throughput is measured: warm-up rounds over all inputs, then `repetitions` timings of `rounds` rounds each. */
export const THROUGHPUT_PLAN = { warmupRounds: 50, rounds: 100, repetitions: 7 };

/** The median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The medians of repeated first-result samples (each `{totalMs, loadMs, firstParseMs, ...}`), and the totals. */
export function summarizeFirstResults(samples) {
  const medianOf = (key) => median(samples.map((r) => r[key]));
  const summary = { totalMs: medianOf("totalMs"), totals: samples.map((r) => r.totalMs), loadMs: medianOf("loadMs"), firstParseMs: medianOf("firstParseMs"), runs: samples.length };
  if (samples.every((r) => "sinceProcessStartMs" in r)) summary.sinceProcessStartMs = medianOf("sinceProcessStartMs");
  return summary;
}

/** One library's answer for one input, or `{ error }` when it throws: inputs that throw are part of the work. */
export function answerFor(normalize, { input, region }) {
  try {
    return normalize(input, region);
  } catch (error) {
    return { error: error?.code ?? error?.message ?? String(error) };
  }
}

/** Normalizes every input `rounds` times; returns a checksum of the answers so no engine can skip the work. */
function normalizeRounds(normalize, inputs, rounds) {
  let checksum = 0;
  for (let round = 0; round < rounds; round++) {
    for (const item of inputs) {
      const answer = answerFor(normalize, item);
      checksum += answer.e164 ? answer.e164.length + (answer.valid ? 1 : 0) : 1;
    }
  }
  return checksum;
}

/**
 * Warm normalizations per second: warm up, then time `repetitions` runs of `rounds` rounds over all inputs.
 * Returns the median and every repetition's figure.
 */
export function measureThroughput(normalize, inputs, plan = THROUGHPUT_PLAN) {
  normalizeRounds(normalize, inputs, plan.warmupRounds);
  const samples = [];
  let checksum = 0;
  for (let repetition = 0; repetition < plan.repetitions; repetition++) {
    const started = performance.now();
    checksum += normalizeRounds(normalize, inputs, plan.rounds);
    const seconds = (performance.now() - started) / 1000;
    samples.push((plan.rounds * inputs.length) / seconds);
  }
  return { opsPerSecond: median(samples), samples, checksum };
}
