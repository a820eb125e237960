// The phone-normalization benchmark (issue 2), in one command: verify-edge against libphonenumber-js (min and max
// metadata) and google-libphonenumber. It checks the answers agree first, then measures size, Node and Chromium,
// prints a markdown report and writes it into BENCHMARKS.md.
//
// Usage: node bench/phone.mjs [--no-write]   (bench/run.sh builds dist/npm first, then runs this)
// A benchmark, not a test: it fails on a wrong answer from verify-edge, never on a slow one.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { checkAgreement, describeAnswer } from "./agreement.mjs";
import { measureInChromium } from "./browser.mjs";
import { INPUTS } from "./inputs.mjs";
import { LIBRARIES, REFERENCE_ID, SIZE_ONLY, SUBJECT_ID, adapterUrl, browserAdapterPath } from "./libraries.mjs";
import { measureInNode } from "./node.mjs";
import { describeMachine, renderReport, writeBenchmarks } from "./report.mjs";
import { bundleSizes, mainEntrySizes } from "./size.mjs";

const ROOT = resolve(import.meta.dirname, "..");
const BENCH_DIR = import.meta.dirname;
const PACKAGE_DIR = join(ROOT, "dist/npm");
/** How this run was started, for the report; bench/run.sh says so itself. */
const COMMAND = process.env.VERIFY_EDGE_BENCH_COMMAND ?? "node bench/phone.mjs";
/** Fresh processes (Node) and fresh browser contexts (Chromium) per library for time to first result. */
const NODE_FIRST_RUNS = 7;
const CHROMIUM_FIRST_RUNS = 11;

/** Progress goes to stderr, so stdout carries the report alone. */
const progress = (message) => process.stderr.write(`${message}\n`);

/** Stops early unless the package has been built. */
function requirePackage() {
  if (!existsSync(join(PACKAGE_DIR, "phone/verify_edge_phone_bg.wasm"))) {
    progress("dist/npm has no phone/verify_edge_phone_bg.wasm: run `bash scripts/build-package.sh` (or `bash bench/run.sh`).");
    process.exit(2);
  }
}

/** Every library's adapter, loaded into this process for the agreement check. */
async function loadLibraries() {
  const load = async (library) => ({ ...library, normalize: (await import(adapterUrl(library))).normalize });
  return Promise.all(LIBRARIES.map(load));
}

/** Prints every disagreement; if verify-edge differs from the reference, says so loudly and exits non-zero. */
function enforceAgreement(agreement, reference) {
  for (const library of LIBRARIES) {
    const { agreed, mismatches } = agreement[library.id];
    progress(`  ${library.name}: ${agreed}/${INPUTS.length} agree with ${reference.name}`);
    for (const m of mismatches) {
      const fields = m.fields.join(", ");
      progress(`    ${JSON.stringify(m.item)} [${fields}]: ${describeAnswer(m.actual)}`);
      progress(`      reference: ${describeAnswer(m.expected)}`);
    }
  }
  const subjectMismatches = agreement[SUBJECT_ID].mismatches;
  if (subjectMismatches.length) {
    const bar = "!".repeat(78);
    const count = subjectMismatches.length;
    progress(`\n${bar}`);
    progress(`!!! verify-edge DISAGREES with ${reference.name} on ${count} input(s) (listed above).`);
    progress(`!!! Fix the answers before timing them: no figures were taken.\n${bar}`);
    process.exit(1);
  }
}

/** Sizes of an esbuild bundle (and its assets) per library, written into `bundleDir`, and of the main entry. */
async function measureSizes(bundleDir) {
  const bundles = {};
  for (const library of [...LIBRARIES, ...SIZE_ONLY]) {
    const assets = (library.assets ?? []).map((file) => join(ROOT, file));
    bundles[library.id] = await bundleSizes(browserAdapterPath(library), join(bundleDir, `${library.id}.js`), assets);
  }
  return { mainEntry: mainEntrySizes(PACKAGE_DIR), bundles };
}

/** Seconds since `started`, for the progress lines. */
const since = (started) => `${((performance.now() - started) / 1000).toFixed(1)} s`;

async function main() {
  requirePackage();
  const reference = LIBRARIES.find((l) => l.id === REFERENCE_ID);

  progress(`Agreement: ${INPUTS.length} inputs, every library against ${reference.name}`);
  const agreement = checkAgreement(await loadLibraries(), INPUTS, REFERENCE_ID);
  enforceAgreement(agreement, reference);
  const regions = new Set(agreement[REFERENCE_ID].answers.map((a) => a.region).filter(Boolean)).size;

  const bundleDir = mkdtempSync(join(tmpdir(), "verify-edge-bench-"));
  try {
    let started = performance.now();
    const sizes = await measureSizes(bundleDir);
    progress(`Size: measured (${since(started)})`);

    started = performance.now();
    progress(`Node: ${NODE_FIRST_RUNS} fresh processes per library, then throughput...`);
    const node = measureInNode(LIBRARIES, { runs: NODE_FIRST_RUNS });
    progress(`Node: done (${since(started)})`);

    started = performance.now();
    progress(`Chromium: ${CHROMIUM_FIRST_RUNS} fresh contexts per library, then throughput...`);
    const folders = { benchDir: BENCH_DIR, bundleDir };
    const chromium = await measureInChromium(LIBRARIES, folders, { runs: CHROMIUM_FIRST_RUNS });
    progress(`Chromium: done (${since(started)})\n`);

    const report = renderReport({
      command: COMMAND,
      date: new Date().toISOString().slice(0, 10),
      machine: describeMachine(ROOT, chromium.version),
      libraries: LIBRARIES,
      sizeOnly: SIZE_ONLY,
      inputs: INPUTS,
      regions, // of the numbers, as the reference places them
      reference,
      agreement,
      sizes,
      node,
      chromium,
    });
    process.stdout.write(report);
    if (!process.argv.includes("--no-write")) {
      writeBenchmarks(join(ROOT, "BENCHMARKS.md"), report);
      progress("\nWritten to BENCHMARKS.md");
    }
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

await main();
