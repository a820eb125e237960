// The Worker with and without its function names (the wasm `name` section), side by side in one run: what the
// names cost in bytes uploaded, and what stripping them does to start-up and the first request (issue 22).
//
//   node bench/worker-names.mjs [--no-write]      (after scripts/build-worker.sh; starts wrangler dev 2 x ROUNDS)
//
// 1. Sizes: build/worker-names.wasm (as worker-build leaves it) and build/worker/index_bg.wasm (stripped, as
//    scripts/build-worker.sh ships it), raw and gzip -9.
// 2. Under workerd (`wrangler dev` on loopback): the first `POST /normalize` after start-up and the median of the
//    next 100, for each build, alternating (VERIFY_EDGE_WORKER_NAMES=keep makes scripts/build-worker.sh ship the
//    names). Each start is checked to have served the build it claims.
// Node's V8 is not a judge here: Node 22 cannot compile the Worker's wasm (its exception-handling import,
// WebAssembly.JSTag, needs a newer V8 than Node 22's); workerd's V8 is the one that runs it.
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import { ROOT, startWrangler } from "../tests/js/support.mjs";
import { replaceSection } from "./report.mjs";

const NAMED = `${ROOT}/build/worker-names.wasm`;
const SHIPPED = `${ROOT}/build/worker/index_bg.wasm`;
const ROUNDS = 5;
const NEXT = 100;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const ms = (value) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
const range = (xs) => `${ms(median(xs))} (${ms(Math.min(...xs))}-${ms(Math.max(...xs))})`;

function sizes(file) {
  const bytes = readFileSync(file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/** One wrangler start with `names` (keep or strip): first request and the next ones, ms. */
async function firstRequests(names) {
  const worker = await startWrangler({ env: { VERIFY_EDGE_WORKER_NAMES: names } });
  const latencies = [];
  let served;
  try {
    served = statSync(SHIPPED).size;
    const body = JSON.stringify({ to: "+33 6 12 34 56 78" });
    for (let i = 0; i <= NEXT; i++) {
      const t0 = performance.now();
      const response = await fetch(`${worker.url}/normalize`, {
        method: "POST", body, headers: { "content-type": "application/json" },
      });
      const answer = await response.json();
      latencies.push(performance.now() - t0);
      if (answer.e164 !== "+33612345678") throw new Error(`unexpected answer ${JSON.stringify(answer)}`);
    }
  } finally {
    await worker.stop();
  }
  const named = statSync(NAMED).size;
  if ((names === "keep") !== (served === named)) {
    throw new Error(`asked for names=${names}, but the served wasm is ${served} bytes (with names: ${named})`);
  }
  return { first: latencies[0], next: median(latencies.slice(1)) };
}

const workerd = { keep: [], strip: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const names of ["keep", "strip"]) workerd[names].push(await firstRequests(names));
}
// Leave the shipped build behind.
execFileSync("bash", [`${ROOT}/scripts/build-worker.sh`], { stdio: "ignore" });

const named = sizes(NAMED);
const stripped = sizes(SHIPPED);
const row = (label, pick) => `| ${label} | ${pick("keep")} | ${pick("strip")} |`;
const report = `## Worker: its function names, side by side (issue 22)

Command: \`node bench/worker-names.mjs\` (after \`scripts/build-worker.sh\`), ${new Date().toISOString().slice(0, 10)},
on ${cpus()[0].model}, ${cpus().length} cores. Both builds come from one \`cargo\` build: \`scripts/build-worker.sh\`
strips the \`name\` section with binaryen (\`wasm-opt --strip-debug --strip-producers\`) and keeps the named copy in
\`build/worker-names.wasm\`.

| | with names (as \`worker-build\` leaves it) | stripped (what ships) |
|---|---|---|
${row("wasm, raw", (n) => kB(n === "keep" ? named.raw : stripped.raw))}
${row("wasm, gzip -9 (what Cloudflare counts against the size limit)", (n) => kB(n === "keep" ? named.gzip : stripped.gzip))}
${row(`first \`POST /normalize\` after \`wrangler dev\` starts, median (min-max) of ${ROUNDS} starts`, (n) => range(workerd[n].map((r) => r.first)))}
${row(`median of the next ${NEXT}, median of the ${ROUNDS} starts`, (n) => ms(median(workerd[n].map((r) => r.next))))}

The names cost ${kB(named.gzip - stripped.gzip)} of gzip (${kB(named.raw - stripped.raw)} raw), and buy only readable stack
traces: a trace of the stripped build names \`wasm-function[N]\`, and \`build/worker-names.wasm\` of the same commit
turns N back into a name (\`twiggy\`), so they need not ship. Stripped, the first request took
${ms(median(workerd.strip.map((r) => r.first)))} against ${ms(median(workerd.keep.map((r) => r.first)))} with the names
(medians of ${ROUNDS} starts, the two builds alternating). These are wall times seen by a client on loopback, most of
them \`wrangler dev\`'s proxy; the isolate has started on \`/health\` (the readiness probe) just before, so the
first row is the first normalization in a fresh isolate, as \`bench/worker-startup.mjs\` measures it. V8 decodes
the name section lazily, to write a trace, so the names' cost at start-up is their bytes. Node's V8 cannot judge here: Node 22 cannot compile this wasm (its exception-handling import,
\`WebAssembly.JSTag\`).
`;
process.stdout.write(report);
if (!process.argv.includes("--no-write")) {
  replaceSection(`${ROOT}/BENCHMARKS.md`, "## Worker: its function names", report);
}
