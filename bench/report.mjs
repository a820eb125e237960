// Turns the measurements into the markdown report printed at the end and written to BENCHMARKS.md.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";
import { join } from "node:path";
import { version as esbuildVersion } from "esbuild";
import { describeAnswer } from "./agreement.mjs";
import { FIRST_INPUT } from "./inputs.mjs";
import { THROUGHPUT_PLAN } from "./measure.mjs";

/** The heading the report lives under in BENCHMARKS.md; a rerun replaces that section and nothing else. */
export const HEADING = "## Phone normalization";

/**
 * The engine before issue 5 (the phonenumber crate's database and the regex crate, compiled into the wasm), as this
 * same command measured it at 7cfc13f on this machine (BENCHMARKS.md of that commit): the "before" of the
 * before-and-after table.
 */
const BEFORE = {
  commit: "7cfc13f",
  package: { gzip: 548.1e3, brotli: 320.7e3 },
  node: { opsPerSecond: 95143, firstMs: 393.8, firstParseMs: 379.0 },
  chromium: { opsPerSecond: 107994, firstMs: 509.2, firstParseMs: 368.2 },
};

const kB = (bytes) =>
  `${(bytes / 1000).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} kB`;
const ms = (value) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
const perSecond = (value) => Math.round(value).toLocaleString("en-US");
const times = (a, b) => `${(a / b).toFixed(a / b < 10 ? 1 : 0)}×`;
const quote = ({ input, region }) => `\`${input}\`${region ? ` (${region})` : ""}`;
/** A median with the range of the samples it came from: "1,982 (1,901–2,040)". */
const withRange = (value, samples, format) =>
  `${format(value)} (${format(Math.min(...samples))}–${format(Math.max(...samples))})`;

/** A markdown table. */
function table(header, rows) {
  return [header, header.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

/** The commit dist/npm was built from, and whether the build inputs had uncommitted changes. */
function describeCommit(root) {
  try {
    const git = (...args) => execFileSync("git", ["-C", root, ...args], { encoding: "utf8" }).trim();
    const dirty = git("status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock", "pkg-template", "scripts");
    return `${git("rev-parse", "--short", "HEAD")}${dirty ? " plus uncommitted changes" : ""}`;
  } catch {
    return "an unknown commit";
  }
}

/** The machine and software the numbers were taken on. */
export function describeMachine(root, chromiumVersion) {
  const cpu = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.+)$/m)?.[1] ?? "unknown CPU";
  const os = readFileSync("/etc/os-release", "utf8").match(/^PRETTY_NAME="?([^"\n]+)/m)?.[1] ?? "Linux";
  const versionOf = (packageJson) => JSON.parse(readFileSync(join(root, packageJson), "utf8")).version;
  return {
    cpu,
    cores: availableParallelism(),
    memoryGiB: (totalmem() / 2 ** 30).toFixed(1),
    os,
    node: process.version,
    chromium: chromiumVersion,
    esbuild: esbuildVersion,
    verifyEdge: `${versionOf("dist/npm/package.json")} (dist/npm built from the working tree at ${describeCommit(root)})`,
    libphonenumberJs: versionOf("node_modules/libphonenumber-js/package.json"),
    google: versionOf("node_modules/google-libphonenumber/package.json"),
  };
}

/** The agreement table, then every disagreement, one line each. */
function agreementSection(libraries, agreement, inputs, reference) {
  const header = ["library", `same E.164, region and validity as ${reference.name}`, "number type differs (not checked)"];
  const rows = libraries.map((l) => {
    const { agreed, typeMismatches } = agreement[l.id];
    return [l.name, `${agreed} / ${inputs.length}`, String(typeMismatches.length)];
  });
  const disagreements = libraries.flatMap((l) =>
    agreement[l.id].mismatches.map((m) =>
      `- ${l.name}: ${quote(m.item)} gives ${describeAnswer(m.actual)}; ` +
        `${reference.name} gives ${describeAnswer(m.expected)}`));
  return [table(header, rows), ...(disagreements.length ? ["", ...disagreements] : [])].join("\n");
}

/** The size table: every library as an esbuild bundle of its adapter, plus what the bundle fetches beside it. */
function sizeSection(libraries, sizeOnly, sizes) {
  const row = (what, s) => [what, kB(s.raw), kB(s.gzip), kB(s.brotli)];
  const rows = libraries.flatMap((l) => {
    const { bundle, assets, total } = sizes.bundles[l.id];
    if (!assets) return [row(`${l.name}: esbuild bundle`, bundle)];
    return [row(`${l.name}: esbuild bundle (JS)`, bundle), row(`${l.name}: wasm`, assets),
      row(`**${l.name}: total**`, total)];
  });
  rows.push(...sizeOnly.map((l) => row(`${l.name}: esbuild bundle`, sizes.bundles[l.id].bundle)));
  rows.push(row("verify-edge main entry (`verify-edge`, with VerifyClient): its files as shipped", sizes.mainEntry));
  return table(["what the browser downloads", "raw", "gzip -9", "brotli 11"], rows);
}

/** The Node table: throughput and time to first result. */
function nodeSection(libraries, node) {
  const header = ["library", "warm ops/s, median (range)", "import → first result, median (range)",
    "first parse alone", "process start → first result"];
  const rows = libraries.map((l) => {
    const { first, throughput } = node[l.id];
    return [l.name, withRange(throughput.opsPerSecond, throughput.samples, perSecond),
      withRange(first.totalMs, first.totals, ms), ms(first.firstParseMs), ms(first.sinceProcessStartMs)];
  });
  return table(header, rows);
}

/** The Chromium table: throughput and time to first result. */
function chromiumSection(libraries, chromium) {
  const header = ["library", "warm ops/s, median (range)", "script start → first result, median (range)",
    "first parse alone"];
  const rows = libraries.flatMap((l) => {
    const { first, firstPreloaded, throughput } = chromium.results[l.id];
    const row = [l.name, withRange(throughput.opsPerSecond, throughput.samples, perSecond),
      withRange(first.totalMs, first.totals, ms), ms(first.firstParseMs)];
    if (!firstPreloaded) return [row];
    return [row, [`${l.name}, its wasm preloaded by the page`, "(the same)",
      withRange(firstPreloaded.totalMs, firstPreloaded.totals, ms), ms(firstPreloaded.firstParseMs)]];
  });
  return table(header, rows);
}

/** The engine before issue 5 beside this run's verify-edge. */
function beforeAfterSection(sizes, node, chromium) {
  const ours = "verify-edge";
  const row = (what, before, now, format) => [what, format(before), format(now)];
  const rows = [
    row("browser download, gzip -9", BEFORE.package.gzip, sizes.bundles[ours].total.gzip, kB),
    row("browser download, brotli 11", BEFORE.package.brotli, sizes.bundles[ours].total.brotli, kB),
    row("Node: import → first result", BEFORE.node.firstMs, node[ours].first.totalMs, ms),
    row("Node: first parse alone", BEFORE.node.firstParseMs, node[ours].first.firstParseMs, ms),
    row("Node: warm ops/s", BEFORE.node.opsPerSecond, node[ours].throughput.opsPerSecond, perSecond),
    row("Chromium: script start → first result", BEFORE.chromium.firstMs, chromium.results[ours].first.totalMs, ms),
    row("Chromium: first parse alone", BEFORE.chromium.firstParseMs, chromium.results[ours].first.firstParseMs, ms),
    row("Chromium: warm ops/s", BEFORE.chromium.opsPerSecond, chromium.results[ours].throughput.opsPerSecond, perSecond),
  ];
  return table(["verify-edge", `before: phonenumber crate + regex (${BEFORE.commit})`, "now: generated tables"], rows);
}

/** "27× slower than X" or "1.4× faster than X", for a higher-is-better rate. */
function compareRate(ours, theirs, name) {
  return ours < theirs ? `${times(theirs, ours)} slower than ${name}` : `${times(ours, theirs)} faster than ${name}`;
}

/** "6.8× as long as X (80.3 ms)" or "2.0× quicker than X (80.3 ms)", for a lower-is-better duration. */
function compareDuration(ours, theirs, name) {
  return ours > theirs
    ? `${times(ours, theirs)} as long as ${name} (${ms(theirs)})`
    : `${times(theirs, ours)} quicker than ${name} (${ms(theirs)})`;
}

/** The plain statement of where verify-edge stands, every comparison computed from the numbers. */
function whatThisShows(libraries, { inputs, agreement, sizes, node, chromium }) {
  const byId = (id) => ({ id, name: libraries.find((l) => l.id === id).name });
  const [ours, min, max, google] =
    ["verify-edge", "libphonenumber-js-min", "libphonenumber-js-max", "google-libphonenumber"].map(byId);
  const gzip = (l) => sizes.bundles[l.id].total.gzip;
  const total = sizes.bundles[ours.id].total;
  const nodeFirst = (l) => node[l.id].first;
  const webFirst = (l) => chromium.results[l.id].first;
  const webPreloaded = chromium.results[ours.id].firstPreloaded;
  const nodeRate = (l) => node[l.id].throughput.opsPerSecond;
  const webRate = (l) => chromium.results[l.id].throughput.opsPerSecond;
  const differs = (l) => agreement[l.id].mismatches.length;
  const paragraphs = [
    `**Size.** A page using verify-edge's phone entry downloads ${kB(total.gzip)} gzip ` +
      `(${kB(total.brotli)} brotli; the wasm alone is ${kB(sizes.bundles[ours.id].assets.raw)} raw), against ` +
      `${kB(gzip(max))} gzip for ${max.name}, ${kB(gzip(min))} for ${min.name} and ${kB(gzip(google))} for ` +
      `${google.name}: ${times(total.gzip, gzip(max))}, ${times(total.gzip, gzip(min))} and ` +
      `${times(total.gzip, gzip(google))} as much to download, and a browser must compile the wasm too. ` +
      `The wasm holds every phone function, formatting and as-you-type included; ${max.name} bundled with those ` +
      `too is ${kB(sizes.bundles["libphonenumber-js-max-full"].bundle.gzip)} gzip. The main entry, which also ` +
      `carries VerifyClient, is ${kB(sizes.mainEntry.gzip)} gzip.`,
    `**Start-up.** Its first answer takes ${ms(nodeFirst(ours).totalMs)} after import in Node, ` +
      `${compareDuration(nodeFirst(ours).totalMs, nodeFirst(max).totalMs, max.name)} and ` +
      `${compareDuration(nodeFirst(ours).totalMs, nodeFirst(google).totalMs, google.name)}; ` +
      `in Chromium ${ms(webFirst(ours).totalMs)} from script start, ` +
      `${compareDuration(webFirst(ours).totalMs, webFirst(max).totalMs, max.name)} and ` +
      `${compareDuration(webFirst(ours).totalMs, webFirst(google).totalMs, google.name)}. ` +
      `When the page's HTML preloads the wasm (as the README shows), the wasm downloads while the bundle loads ` +
      `rather than after it, and the first answer takes ${ms(webPreloaded.totalMs)}, ` +
      `${compareDuration(webPreloaded.totalMs, webFirst(max).totalMs, max.name)}. ` +
      `Of that, the first parse takes ${ms(nodeFirst(ours).firstParseMs)} in Node and ` +
      `${ms(webFirst(ours).firstParseMs)} in Chromium; loading, compiling and instantiating the wasm takes ` +
      `${ms(nodeFirst(ours).loadMs)} in Node and ${ms(webFirst(ours).loadMs)} in Chromium.`,
    `**Throughput.** Warm, it normalizes ${perSecond(nodeRate(ours))} numbers a second in Node, ` +
      `${compareRate(nodeRate(ours), nodeRate(max), max.name)} and ` +
      `${compareRate(nodeRate(ours), nodeRate(google), google.name)}; ${perSecond(webRate(ours))} in Chromium, ` +
      `${compareRate(webRate(ours), webRate(max), max.name)} and ${compareRate(webRate(ours), webRate(google), google.name)}. ` +
      `This benchmark does not break down where the warm time goes.`,
    `**Answers.** The same E.164, region and validity as ${google.name} on ${agreement[ours.id].agreed} of ` +
      `${inputs.length} inputs; libphonenumber-js differs on ${differs(min)} (min metadata) and ${differs(max)} ` +
      `(max metadata), listed above.`,
  ];
  paragraphs.splice(3, 0,
    `**Engine.** libphonenumber's metadata is compiled at build time (\`scripts/phone-tables.sh\`) into compact ` +
      `byte records, decoded once on first use, and its patterns into bytecode for a small backtracking matcher: ` +
      `no pattern is compiled at run time, and neither the phonenumber crate nor the regex crate is in the wasm. Against the ` +
      `engine it replaced (the table above): ${times(BEFORE.package.gzip, total.gzip)} smaller (gzip), a first ` +
      `answer ${times(BEFORE.node.firstMs, nodeFirst(ours).totalMs)} sooner in Node and ` +
      `${times(BEFORE.chromium.firstMs, webFirst(ours).totalMs)} sooner in Chromium.`);
  return paragraphs.join("\n\n");
}

/** The whole report, as markdown: how it was run, on what, and the tables. One sentence per source line. */
export function renderReport(run) {
  const { command, date, machine, libraries, sizeOnly, inputs, regions, reference, agreement, sizes, node, chromium } = run;
  const plan = THROUGHPUT_PLAN;
  const nodeRuns = node[libraries[0].id].first.runs;
  const chromiumRuns = chromium.results[libraries[0].id].first.runs;
  return `${HEADING}

- Command: \`${command}\`
- Date: ${date}
- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; ${machine.os}; Node ${machine.node}; Chromium ${machine.chromium}; esbuild ${machine.esbuild}
- Versions: verify-edge ${machine.verifyEdge}; libphonenumber-js ${machine.libphonenumberJs}; google-libphonenumber ${machine.google}
- Work: each library's full answer for one input: parse with a default region, then E.164, region, number type and validity (adapters in \`bench/adapters/\`).
- Inputs: ${inputs.length} numbers of ${regions} regions as people type them, national forms with a default region and international forms (\`bench/inputs.mjs\`).

### Agreement with ${reference.name} (checked first; the run fails if verify-edge differs)

${agreementSection(libraries, agreement, inputs, reference)}

libphonenumber-js's min metadata has no number-type patterns, so its \`getType()\` is mostly \`undefined\`.

### Size

${sizeSection(libraries, sizeOnly, sizes)}

Every library is bundled by esbuild (minified, ESM, platform browser) from its adapter, as a browser app ships it; verify-edge through its phone entry (\`verify-edge/phone\`, \`dist/npm/phone\`), whose wasm is fetched beside the bundle.
Files are fetched, so compressed, one by one; the main entry's row is its files as \`dist/npm\` ships them, unbundled and unminified.
gzip level 9 and brotli quality 11 by \`node:zlib\`; 1 kB = 1,000 bytes.

### Node

${nodeSection(libraries, node)}

Throughput: ${plan.warmupRounds} warm-up rounds over all inputs, then ${plan.repetitions} timed repetitions of ${plan.rounds} rounds (${(plan.rounds * inputs.length).toLocaleString("en-US")} normalizations each); one fresh process per library.
First result: a fresh \`node\` process each time, timed from before \`await import()\` of the adapter to the first answer, for ${quote(FIRST_INPUT)}; ${nodeRuns} processes per library.
verify-edge is imported through its phone entry's Node loader, \`dist/npm/phone/node.js\` (it reads and instantiates the wasm at import), the others from \`node_modules\` as Node users import them.
"Process start" adds Node's own start-up.
Ranges are run-to-run spread on a 2-core machine shared with other work: compare medians, and trust only large ratios.

### Chromium (headless)

${chromiumSection(libraries, chromium)}

Served from a loopback \`node:http\` server (uncompressed, \`no-store\`): the esbuild bundles above; verify-edge's bundle fetches its wasm by \`instantiateStreaming\` once the bundle runs, or, in the "preloaded" row, takes the response of a \`<link rel="preload" as="fetch" crossorigin>\` the page's HTML started.
First result: a new browser context (empty cache) each time, from the page script's start to the first answer, ${chromiumRuns} contexts per library.
Throughput: the same plan as in Node, in one page per library.

### Before and after (issue 5)

${beforeAfterSection(sizes, node, chromium)}

"Before" is this same command's run at ${BEFORE.commit}, on this machine, with the engine issue 5 replaced.

### What this shows

${whatThisShows(libraries, { inputs, agreement, sizes, node, chromium })}
`;
}

/** Writes the report into BENCHMARKS.md under its heading, replacing an earlier run's section and keeping the rest. */
export function writeBenchmarks(file, report) {
  replaceSection(file, HEADING, report);
}

/** Writes `report` (which starts with `heading`) into `file` in place of that section, or at its end. */
export function replaceSection(file, heading, report) {
  const current = existsSync(file)
    ? readFileSync(file, "utf8")
    : "# Benchmarks\n\nEach section says the command that produced it, on what machine, and when.\n";
  const start = current.indexOf(heading);
  if (start < 0) {
    writeFileSync(file, `${current.trimEnd()}\n\n${report}`);
    return;
  }
  const next = current.indexOf("\n## ", start + heading.length);
  const rest = next < 0 ? "" : current.slice(next + 1);
  writeFileSync(file, `${current.slice(0, start)}${report}${rest ? `\n${rest}` : ""}`);
}
