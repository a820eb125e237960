// What abuse protection costs (issue 6): requests per second and latency of the public start endpoint with every
// protection on (rate limits in Durable Objects, Turnstile against a loopback siteverify stand-in, geo and
// number-type rules, the pumping detector) against the same Worker with all of them off; same load, same run; and
// the CPU each start costs, read from /proc for the `wrangler dev` process group (workerd and its proxy), so the
// difference is the protections' own cost. Writes its section of BENCHMARKS.md (--no-write to only print).
//
//   node bench/protections.mjs        (after scripts/build-worker.sh)
import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { ROOT, UNPROTECTED, startWrangler } from "../tests/js/support.mjs";
import { replaceSection } from "./report.mjs";

const CONCURRENCY = 8;
const SECONDS = 8;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

/** CPU seconds used so far by every process in process group `pgid`. */
function groupCpuSeconds(pgid) {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue; // field 5: pgrp
      ticks += Number(fields[11]) + Number(fields[12]); // fields 14, 15: utime, stime
    } catch {}
  }
  return ticks / TICKS_PER_SECOND;
}

const siteverify = createServer(async (req, res) => {
  for await (const _ of req);
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ success: true, "error-codes": [], hostname: "127.0.0.1" }));
});
await new Promise((ok) => siteverify.listen(0, "127.0.0.1", ok));

const OFF = { ...UNPROTECTED, REFUSED_NUMBER_TYPES: "none" };
// Every protection on, with limits the load stays under (the cost of checking, not of refusing).
const ON = {
  LIMIT_REQUESTS_PER_IP: "1000000/3600", LIMIT_STARTS_PER_IP: "100000/3600", LIMIT_STARTS_PER_TO: "5/3600",
  LIMIT_STARTS_PER_PREFIX: "100000/3600",
  LIMIT_STARTS_PER_SERVICE: "1000000/3600", PUMPING: "on", PUMPING_MIN_SENDS: "1000000", GEO_DENY: "CU,KP",
  TURNSTILE_SECRET_KEY: "bench-secret", TURNSTILE_VERIFY_URL: `http://127.0.0.1:${siteverify.address().port}/siteverify`,
};

async function measure(worker, base) {
  const latencies = [];
  let index = 0;
  const cpu0 = groupCpuSeconds(worker.pid);
  const deadline = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < deadline) {
      const i = index++;
      const started = performance.now();
      const response = await fetch(`${worker.url}/verify/start`, {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": `10.0.${(i >> 8) & 255}.${i & 255}` },
        body: JSON.stringify({ to: `+1650${String(base + i).padStart(7, "0")}`, channel: "sms", turnstileToken: "t" }),
      });
      if (response.status !== 201) throw new Error(`start answered ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
    }
  }));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = groupCpuSeconds(worker.pid) - cpu0;
  return { perSecond: latencies.length / elapsed, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), count: latencies.length, cpuMs: (cpu * 1000) / latencies.length };
}

const off = await startWrangler({ vars: OFF });
const on = await startWrangler({ vars: ON });
const rows = { off: [], on: [] };
try {
  for (const w of [off, on]) await measure(w, 2_990_000).catch(() => {}); // warm-up (ignored)
  // Alternate, twice each, so drift over the run hits both the same.
  for (let round = 0; round < 2; round++) {
    rows.off.push(await measure(off, 2_000_000 + round * 100_000));
    rows.on.push(await measure(on, 3_000_000 + round * 100_000));
  }
} finally {
  await Promise.all([off.stop(), on.stop()]);
  siteverify.close();
}

const mean = (xs, key) => xs.reduce((a, r) => a + r[key], 0) / xs.length;
const summary = (rs) => ({ perSecond: mean(rs, "perSecond"), p50: mean(rs, "p50"), p99: mean(rs, "p99"), cpuMs: mean(rs, "cpuMs"), count: rs.reduce((a, r) => a + r.count, 0) });
const [a, b] = [summary(rows.off), summary(rows.on)];
const row = (name, r) => `| ${name} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.cpuMs.toFixed(2)} | ${r.count} |`;
const report = `## Abuse protection: what it costs (issue 6)

Command: \`node bench/protections.mjs\` (after \`scripts/build-worker.sh\`), ${new Date().toISOString().slice(0, 10)}, on
${cpus()[0].model}, ${cpus().length} cores, Node ${process.version}. Two \`wrangler dev\` Workers, one with every
protection off, one with all on (the per-request count, four start limits, Turnstile against a loopback
siteverify stand-in, geo and number-type rules, the pumping detector; limits set above the load, so this is the cost
of checking, not of refusing); ${CONCURRENCY} concurrent loops for ${SECONDS} s per measurement, each a \`POST /verify/start\` for a new
number from a new IP, alternated off/on twice and averaged. CPU is the \`wrangler dev\` process group's (workerd,
its Durable Objects, wrangler's proxy) per start, from /proc.

| protections | starts/s | p50 ms | p99 ms | CPU ms per start | starts |
|---|---|---|---|---|---|
${row("off", a)}
${row("on", b)}

With everything on, a start costs ${(b.cpuMs - a.cpuMs).toFixed(2)} ms more CPU and ${(b.p50 - a.p50).toFixed(1)} ms more at the
median: the per-request count, four start limits and the pumping detector's judgement before the upstream, and its
count of the accepted send after (eight Durable Object round trips), and one siteverify
request. Throughput ${b.perSecond < a.perSecond ? "falls" : "changes"} by ${(100 * (1 - b.perSecond / a.perSecond)).toFixed(0)}%. This is the worst case: every start
comes from a new IP to a new number, so each counter is a new Durable Object, which under \`wrangler dev\` is a new
SQLite file on disk (the "off" row pays the same for the verification's own shard). On 2 shared cores the load
generator, wrangler's proxy and workerd compete; compare the rows, not the absolutes.
`;
process.stdout.write(report);
if (!process.argv.includes("--no-write")) replaceSection(`${ROOT}/BENCHMARKS.md`, "## Abuse protection: what it costs (issue 6)", report);
