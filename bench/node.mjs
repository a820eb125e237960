// The Node side: every measurement in a fresh child process (bench/node-child.mjs), one library at a time.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { summarizeFirstResults } from "./measure.mjs";

const CHILD = fileURLToPath(new URL("./node-child.mjs", import.meta.url));

/** Runs bench/node-child.mjs in a new Node process and returns the JSON it prints. */
function runChild(mode, library) {
  const output = execFileSync(process.execPath, [CHILD, mode, library.id], { encoding: "utf8", timeout: 120_000 });
  return JSON.parse(output);
}

/**
 * Median time to first result over `runs` fresh processes per library (libraries taken in turn, so drift hits all
 * alike), then warm throughput in one more process each. Returns, per library id,
 * `{ first: { totalMs, totals, loadMs, firstParseMs, sinceProcessStartMs, runs }, throughput }`: medians, and
 * `totals` every run's.
 */
export function measureInNode(libraries, { runs }) {
  const samples = Object.fromEntries(libraries.map((l) => [l.id, []]));
  for (let run = 0; run < runs; run++) {
    for (const library of libraries) samples[library.id].push(runChild("first", library));
  }
  const results = {};
  for (const library of libraries) {
    const firsts = samples[library.id];
    results[library.id] = {
      first: summarizeFirstResults(firsts),
      throughput: runChild("throughput", library),
    };
  }
  return results;
}
