// The latency the public API adds (issue 4): start and check through `/verify/*` against the same operations sent
// straight to the engine's `/v2` REST API, same Service, same load, one run; plus the public API in Twilio mode (a
// second Worker forwarding over loopback HTTP, as it would to Twilio). And the Worker's bundle size. Writes its
// section of BENCHMARKS.md (pass --no-write to only print).
//
//   node bench/proxy.mjs        (after scripts/build-worker.sh)
//
// The load comes from this process (Node's fetch, CONCURRENCY loops for SECONDS per row) against `wrangler dev`
// (workerd) on loopback. Each loop starts a verification for a new number, reads the code from the dev inbox
// (not timed), and checks it. A benchmark, not a test: it fails only when an answer is wrong.
import { readFileSync } from "node:fs";
import { gzipSync, brotliCompressSync } from "node:zlib";
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { ROOT, UNPROTECTED, devInbox, startWrangler } from "../tests/js/support.mjs";
import { replaceSection } from "./report.mjs";

// Light load: the point is the latency one request sees, not how requests queue on 2 cores.
const CONCURRENCY = 2;
const SECONDS = 8;
const ACCOUNT = "ACdec0de00000000000000000000000001";
const TOKEN = "dev-auth-token-not-secret";
const SERVICE = "VAdec0de00000000000000000000000001"; // the public API's Service in the engine when none is set
const FORM = { authorization: `Basic ${btoa(`${ACCOUNT}:${TOKEN}`)}`, "content-type": "application/x-www-form-urlencoded" };
const JSON_BODY = { "content-type": "application/json" };

const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function expect(response, status, what) {
  const body = await response.json();
  if (response.status !== status) throw new Error(`${what} answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/** Runs `pair(i)` in CONCURRENCY loops for SECONDS; `pair` reports its start and check latencies. */
async function load(pair) {
  const starts = [];
  const checks = [];
  const deadline = performance.now() + SECONDS * 1000;
  let index = 0;
  const loop = async () => {
    while (performance.now() < deadline) await pair(index++, starts, checks);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  const stats = (xs) => ({ p50: percentile(xs, 0.5), p99: percentile(xs, 0.99), count: xs.length });
  return { start: stats(starts), check: stats(checks) };
}

async function timed(into, work) {
  const t0 = performance.now();
  const result = await work();
  into.push(performance.now() - t0);
  return result;
}

// The proxy's own cost, without abuse protection (bench/protections.mjs measures that).
const engine = await startWrangler({ vars: UNPROTECTED });
const rows = {};
try {
  // The public API makes its Service on first use; one call, before anything is measured.
  await expect(await fetch(`${engine.url}/verify/start`, { method: "POST", headers: JSON_BODY, body: JSON.stringify({ to: "+16502999999", channel: "sms" }) }), 201, "warm-up");
  const proxy = await startWrangler({
    vars: { ...UNPROTECTED, TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: TOKEN, VERIFY_SERVICE_SID: SERVICE, VERIFY_BASE_URL: engine.url },
  });
  try {
    const code = async (to) => {
      return (await devInbox(engine.url, to)).at(-1).code;
    };
    const number = (base, i) => `+1650${String(base + i).padStart(7, "0")}`;
    const direct = async (base, i, starts, checks) => {
      const to = number(base, i);
      await timed(starts, async () => expect(await fetch(`${engine.url}/v2/Services/${SERVICE}/Verifications`, { method: "POST", headers: FORM, body: new URLSearchParams({ To: to, Channel: "sms" }) }), 201, "direct start"));
      const c = await code(to);
      const checked = await timed(checks, async () => expect(await fetch(`${engine.url}/v2/Services/${SERVICE}/VerificationCheck`, { method: "POST", headers: FORM, body: new URLSearchParams({ To: to, Code: c }) }), 200, "direct check"));
      if (checked.status !== "approved") throw new Error(`direct check: ${JSON.stringify(checked)}`);
    };
    const publicApi = (url) => async (base, i, starts, checks) => {
      const to = number(base, i);
      await timed(starts, async () => expect(await fetch(`${url}/verify/start`, { method: "POST", headers: JSON_BODY, body: JSON.stringify({ to, channel: "sms" }) }), 201, "public start"));
      const c = await code(to);
      const checked = await timed(checks, async () => expect(await fetch(`${url}/verify/check`, { method: "POST", headers: JSON_BODY, body: JSON.stringify({ to, code: c }) }), 200, "public check"));
      if (checked.status !== "approved") throw new Error(`public check: ${JSON.stringify(checked)}`);
    };
    // Warm every path, then measure the rows twice, interleaved, and keep the second of each (less start-up noise).
    for (const [base, run] of [[2_900_000, direct], [2_910_000, publicApi(engine.url)], [2_920_000, publicApi(proxy.url)]]) {
      for (let i = 0; i < 10; i++) await run(base, i, [], []);
    }
    const plan = [
      ["engine /v2, direct (Basic auth, form)", (i, s, c) => direct(2_000_000, i, s, c)],
      ["public API, engine upstream (in-process)", (i, s, c) => publicApi(engine.url)(3_000_000, i, s, c)],
      ["public API, Twilio mode (second Worker, HTTP)", (i, s, c) => publicApi(proxy.url)(4_000_000, i, s, c)],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [name, pair] of plan) {
        rows[name] = await load((i, s, c) => pair(round * 500_000 + i, s, c));
      }
    }
  } finally {
    await proxy.stop();
  }
} finally {
  await engine.stop();
}

const wasm = readFileSync(`${ROOT}/build/worker/index_bg.wasm`);
const shim = readFileSync(`${ROOT}/build/worker/index.js`);
const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
const ms = (x) => x.toFixed(1);
const [directRow] = Object.values(rows);
const table = Object.entries(rows).map(([name, r]) =>
  `| ${name} | ${ms(r.start.p50)} | ${ms(r.start.p99)} | ${ms(r.check.p50)} | ${ms(r.check.p99)} | ${r.start.count} |`).join("\n");
const signed = (x) => `${x >= 0 ? "+" : "−"}${ms(Math.abs(x))}`;
const added = (r) => `${signed(r.start.p50 - directRow.start.p50)} ms on start and ${signed(r.check.p50 - directRow.check.p50)} ms on check`;
const [, inProcess, twilioMode] = Object.values(rows);
const report = `## Public API: the latency the proxy adds (issue 4)

Command: \`node bench/proxy.mjs\` (after \`scripts/build-worker.sh\`), ${new Date().toISOString().slice(0, 10)}, on
${cpus()[0].model}, ${cpus().length} cores, Node ${process.version}. Load: ${CONCURRENCY} concurrent loops for ${SECONDS} s
per row, each loop a start for a new number, the code read from the dev inbox (not timed), and a check; the rows run
twice, interleaved, and the second round is shown. All against \`wrangler dev\` on loopback, sharing the 2 cores.

| path (same Service, same load) | start p50 ms | start p99 ms | check p50 ms | check p99 ms | pairs |
|---|---|---|---|---|---|
${table}

Against the direct engine call, at the median: ${added(inProcess)} with the engine in-process (reading and checking
the body, normalizing the number, CORS, mapping the answer to the safe view), and ${added(twilioMode)} in Twilio mode,
where a second Worker and a loopback HTTP hop with Basic auth come on top. Differences of a few ms either way are
within this machine's run-to-run spread; the p99 columns show how much.

Worker bundle: wasm ${kb(wasm.length)} raw, ${kb(gzipSync(wasm, { level: 9 }).length)} gzip,
${kb(brotliCompressSync(wasm).length)} brotli; JS shim ${kb(shim.length)}. (Cloudflare's limit is 3 MiB gzip on the free
plan, 10 MiB paid.)
`;
process.stdout.write(report);
if (!process.argv.includes("--no-write")) replaceSection(`${ROOT}/BENCHMARKS.md`, "## Public API: the latency the proxy adds (issue 4)", report);
