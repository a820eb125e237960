// Where the phone metadata's one-time cost lands in the Worker, and what it is.
//
//   node bench/worker-startup.mjs        (after scripts/build-worker.sh and scripts/build-package.sh)
//
// 1. In V8 (Node, the engine workerd runs): instantiating the wasm, then the first normalization (which builds the
//    metadata database and compiles the first patterns), then a warm one. This is the CPU the Worker spends in
//    #[event(start)] (src/worker/mod.rs calls phone::warm_up there), at isolate start-up rather than in a request.
// 2. Under workerd (`wrangler dev` on loopback): the latency of the first POST /normalize after start-up, beside
//    the median of the next 200. workerd freezes timers inside a request, so this is measured by the client.
import { performance } from "node:perf_hooks";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { ROOT, startWrangler } from "../tests/js/support.mjs";
import { replaceSection } from "./report.mjs";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One fresh Node process: instantiate, first number, warm number (ms). */
function v8Costs() {
  const script = `
    import { performance } from "node:perf_hooks";
    import { readFileSync } from "node:fs";
    const bytes = readFileSync(${JSON.stringify(`${ROOT}/dist/npm/verify_edge_bg.wasm`)});
    const glue = await import(${JSON.stringify(`${ROOT}/dist/npm/verify_edge.js`)});
    const t0 = performance.now();
    glue.initSync({ module: bytes });
    const t1 = performance.now();
    glue.normalizePhone("+1 650 253 0000");
    const t2 = performance.now();
    glue.normalizePhone("020 7031 3000", "GB");
    glue.normalizePhone("+49 30 123456");
    const t3 = performance.now();
    glue.normalizePhone("+33 6 12 34 56 78");
    const t4 = performance.now();
    console.log(JSON.stringify({ instantiate: t1 - t0, firstNumber: t2 - t1, warmUp: t3 - t1, afterWarmUp: t4 - t3 }));`;
  return JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script]).toString());
}

const runs = Array.from({ length: 5 }, v8Costs);
const v8 = Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((r) => r[k]))]));

const worker = await startWrangler();
const latencies = [];
try {
  const body = JSON.stringify({ to: "+33 6 12 34 56 78" });
  for (let i = 0; i < 201; i++) {
    const t0 = performance.now();
    const response = await fetch(`${worker.url}/normalize`, { method: "POST", body, headers: { "content-type": "application/json" } });
    await response.json();
    latencies.push(performance.now() - t0);
  }
} finally {
  await worker.stop();
}

const wasmBytes = readFileSync(`${ROOT}/build/worker/index_bg.wasm`).length;
const f = (ms) => `${ms.toFixed(1)} ms`;
const report = `## Worker start-up: where the phone metadata's cost lands (issue 2)

Command: \`node bench/worker-startup.mjs\` (after \`scripts/build-worker.sh\` and \`scripts/build-package.sh\`),
${new Date().toISOString().slice(0, 10)}, on ${cpus()[0].model}, ${cpus().length} cores. Worker wasm: ${(wasmBytes / 1024).toFixed(0)} KiB.

| in V8 (Node ${process.version}, the engine workerd runs; median of 5 fresh processes) | ms |
|---|---|
| instantiate the wasm | ${f(v8.instantiate)} |
| first normalization (builds the metadata database) | ${f(v8.firstNumber)} |
| \`phone::warm_up()\`, as \`#[event(start)]\` runs it at isolate start-up | ${f(v8.warmUp)} |
| a normalization after the warm-up (a region not warmed: its patterns compile) | ${f(v8.afterWarmUp)} |

| under workerd (\`wrangler dev\`, loopback, client-side wall time) | ms |
|---|---|
| first \`POST /normalize\` after start-up | ${f(latencies[0])} |
| median of the next 200 | ${f(median(latencies.slice(1)))} |

The cost lands at start-up, which Cloudflare does not bill to a request (and allows 1 s of); the first request pays
only for the patterns of a region not yet warmed. Issue #5 moves the metadata to build time.
`;
process.stdout.write(report);
if (!process.argv.includes("--no-write")) {
  replaceSection(`${ROOT}/BENCHMARKS.md`, "## Worker start-up: where the phone metadata's cost lands (issue 2)", report);
}
