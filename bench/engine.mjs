// The embedded Verify v2 engine's throughput (issue 3): verification start + check pairs per second through the
// engine's REST API, beside the same Worker's GET /health as the ceiling, under the same bounded load, in one run;
// and the Worker's wasm size. Writes its section of BENCHMARKS.md (pass --no-write to only print).
//
//   node bench/engine.mjs        (after scripts/build-worker.sh)
//
// The load comes from this process (Node's fetch, a fixed number of concurrent loops for a fixed time) against
// `wrangler dev` (workerd) on loopback. A benchmark, not a test: it fails only when an answer is wrong.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { ROOT, startWrangler } from "../tests/js/support.mjs";
import { replaceSection } from "./report.mjs";

const CONCURRENCY = 8;
const SECONDS = 10;
const AUTH = `Basic ${btoa("ACdec0de00000000000000000000000001:dev-auth-token-not-secret")}`;
const FORM = { authorization: AUTH, "content-type": "application/x-www-form-urlencoded" };

const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

/**
 * Runs `operation(index, loop)` in CONCURRENCY loops for SECONDS (`index` counts operations across the loops, `loop`
 * is the loop's own number); returns operations per second and latency percentiles (ms).
 */
async function load(operation) {
  const latencies = [];
  const deadline = performance.now() + SECONDS * 1000;
  let index = 0;
  const loop = async (_, loopNumber) => {
    while (performance.now() < deadline) {
      const started = performance.now();
      await operation(index++, loopNumber);
      latencies.push(performance.now() - started);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  const elapsed = (performance.now() - t0) / 1000;
  return { perSecond: latencies.length / elapsed, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), count: latencies.length };
}

const worker = await startWrangler();
let hello;
let pairs;
let reused;
try {
  const service = await (await fetch(`${worker.url}/v2/Services`, {
    method: "POST", headers: FORM, body: new URLSearchParams({ FriendlyName: "Bench", CustomCodeEnabled: "true" }),
  })).json();
  const base = `${worker.url}/v2/Services/${service.sid}`;
  // Warm both routes before measuring.
  for (let i = 0; i < 20; i++) await (await fetch(`${worker.url}/health`)).text();

  hello = await load(async () => {
    const response = await fetch(`${worker.url}/health`);
    if (response.status !== 200) throw new Error(`/health answered ${response.status}`);
    await response.text();
  });
  // A custom code lets the client check without reading the dev inbox: one start + one check per pair, each to a
  // new number (valid US numbers +1 650 2xx xxxx), so no pair meets another's limits.
  /** One start + check for `to`, with a custom code so the client needs no inbox. */
  const pair = async (to) => {
    const started = await fetch(`${base}/Verifications`, { method: "POST", headers: FORM, body: new URLSearchParams({ To: to, Channel: "sms", CustomCode: "424242" }) });
    const verification = await started.json();
    if (started.status !== 201) throw new Error(`start answered ${started.status}: ${JSON.stringify(verification)}`);
    const checked = await (await fetch(`${base}/VerificationCheck`, { method: "POST", headers: FORM, body: new URLSearchParams({ To: to, Code: "424242" }) })).json();
    if (checked.status !== "approved") throw new Error(`check answered ${JSON.stringify(checked)}`);
  };
  // Each pair to a new number (valid US numbers +1 650 2xx xxxx): a new recipient shard every time.
  pairs = await load((i) => pair(`+1650${String(2_000_000 + i).padStart(7, "0")}`));
  // The same load over 8 numbers, one per loop (never two pairs on one number at once, which would race: one
  // check approving the verification the other is about to check): shards already there (an approved verification
  // makes room for the next start).
  reused = await load((_, loopNumber) => pair(`+1650${String(3_000_000 + loopNumber).padStart(7, "0")}`));
} finally {
  await worker.stop();
}

const wasm = readFileSync(`${ROOT}/build/worker/index_bg.wasm`);
const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
const row = (name, r) => `| ${name} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.count} |`;
const report = `## Verify engine (issue 3)

Command: \`node bench/engine.mjs\` (after \`scripts/build-worker.sh\`), ${new Date().toISOString().slice(0, 10)}, on
${cpus()[0].model}, ${cpus().length} cores, Node ${process.version}. The load: ${CONCURRENCY} concurrent loops for
${SECONDS} s each, from the benchmark's process, against \`wrangler dev\` (workerd) on loopback; both share the 2 cores.

| route (same Worker, same load) | per second | p50 ms | p99 ms | completed |
|---|---|---|---|---|
${row("GET /health (ceiling)", hello)}
${row("start + check pair, a new number each (2 engine requests)", pairs)}
${row("start + check pair, 8 numbers reused", reused)}

A pair is two authenticated engine requests, each crossing the Worker and two Durable Objects (the account's Services
and the recipient's shard): ${(pairs.perSecond * 2).toFixed(0)} engine requests per second against
${hello.perSecond.toFixed(0)} for the bare route. Worker wasm: ${kb(wasm.length)} raw, ${kb(gzipSync(wasm, { level: 9 }).length)} gzip.
A new number means a new recipient shard: under \`wrangler dev\` a new SQLite-backed object (a file on disk), which
the reused-numbers row shows the cost of. Through \`wrangler dev\` the ceiling is its local proxy's, not Cloudflare's:
compare the rows, not the absolutes.
`;
process.stdout.write(report);
if (!process.argv.includes("--no-write")) replaceSection(`${ROOT}/BENCHMARKS.md`, "## Verify engine (issue 3)", report);
