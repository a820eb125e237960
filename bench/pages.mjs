// What a page downloads (issue 22): each page of bench/pages/ bundled as a browser app ships it (esbuild: bundled,
// minified, ESM, platform browser), plus every wasm the bundle fetches (`new URL("./….wasm", import.meta.url)`),
// each file compressed on its own (gzip -9 and brotli 11, node:zlib), side by side in one run with the same page
// written on libphonenumber-js and fetch.
//
//   scripts/build-package.sh && node bench/pages.mjs [--no-write]
//
// A wasm that exports `normalizePhone` carries the phone engine: the "engine copies" column counts them.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { version as esbuildVersion } from "esbuild";
import { replaceSection } from "./report.mjs";
import { bundleSizes, compressedSizes } from "./size.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PACKAGE_DIR = join(ROOT, "dist/npm");

/** The pages, each with what issue 22 asks of it. */
const PAGES = [
  { file: "full-flow.mjs", name: "the full flow through `verify-edge`: phone field, `VerifyClient` start/check/status, `verifySna`", target: "80 kB" },
  { file: "full-flow-libphonenumber-js.mjs", name: "the same page on libphonenumber-js (max, as-you-type) and `fetch`", target: "(the comparison)" },
  { file: "phone-field.mjs", name: "a phone field through `verify-edge/phone`", target: "70.5 kB" },
  { file: "both-entries.mjs", name: "both entries: the field from `verify-edge/phone`, `VerifyClient` from `verify-edge`", target: "the engine once" },
  { file: "totp.mjs", name: "an authenticator app (enroll with its QR code, confirm, sign in) through `verify-edge/totp`", target: "paid only here" },
  { file: "passkey.mjs", name: "passkeys (register, sign in, autofill) through `verify-edge/passkey`", target: "paid only here" },
];

/** Every file under `dir`, by base name (the package's wasm names are unique). */
function filesByName(dir, found = new Map()) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) filesByName(path, found);
    else found.set(entry, path);
  }
  return found;
}

/** This command's figures at 8b423d7, before the factor entries (the main entry then carried TOTP and passkeys). */
const BEFORE = { commit: "8b423d7", fullFlow: 201.3e3, bothEntries: 269.4e3 };

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

const packageFiles = filesByName(PACKAGE_DIR);
const outDir = mkdtempSync(join(tmpdir(), "verify-edge-pages-"));
const rows = [];
try {
  for (const page of PAGES) {
    const outfile = join(outDir, page.file.replace(/\.mjs$/, ".js"));
    const { bundle: js } = await bundleSizes(join(ROOT, "bench/pages", page.file), outfile);
    const bundle = readFileSync(outfile);
    const wasmNames = [...new Set([...bundle.toString().matchAll(/new URL\("\.\/([^"]+\.wasm)"/g)].map((m) => m[1]))];
    const wasms = wasmNames.map((name) => {
      const path = packageFiles.get(basename(name));
      if (!path) throw new Error(`${page.file}: the bundle fetches ${name}, which dist/npm does not have`);
      const bytes = readFileSync(path);
      const exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name);
      return { name: path.slice(PACKAGE_DIR.length + 1), sizes: compressedSizes(bytes, { text: false }), engine: exports.includes("normalizePhone") };
    });
    const sum = (key) => js[key] + wasms.reduce((total, w) => total + w.sizes[key], 0);
    rows.push({ ...page, js, wasms, gzip: sum("gzip"), brotli: sum("brotli") });
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}

const table = [
  "| page | JS bundle, gzip | wasm fetched, gzip | engine copies | total gzip -9 | total brotli 11 | issue 22's target (gzip) |",
  "|---|---|---|---|---|---|---|",
  ...rows.map((r) => `| ${r.name} | ${kB(r.js.gzip)} | ${r.wasms.length ? r.wasms.map((w) => `\`${w.name}\` ${kB(w.sizes.gzip)}`).join(" + ") : "none"} | ${r.wasms.filter((w) => w.engine).length} | **${kB(r.gzip)}** | ${kB(r.brotli)} | ${r.target} |`),
].join("\n");
const [fullFlow, libphonenumber, , bothEntries] = rows;
const report = `## What a page downloads (issue 22)

Command: \`scripts/build-package.sh && node bench/pages.mjs\`, ${new Date().toISOString().slice(0, 10)}; esbuild ${esbuildVersion}. Each page of
\`bench/pages/\` is bundled as a browser app ships it (minified ESM, platform browser) and measured with every wasm
its bundle fetches, each file compressed on its own; 1 kB = 1,000 bytes. "Engine copies" counts the fetched wasm
files that carry the phone engine (they export \`normalizePhone\`).

${table}

The full-flow page downloads ${kB(fullFlow.gzip)} gzip, ${(fullFlow.gzip / libphonenumber.gzip).toFixed(1)}× the ${kB(libphonenumber.gzip)} of the
same page on libphonenumber-js and \`fetch\`; the page with both entries ${kB(bothEntries.gzip)}. At ${BEFORE.commit}, before this
issue's cuts, they were ${kB(BEFORE.fullFlow)} and ${kB(BEFORE.bothEntries)}.
`;
process.stdout.write(report);
if (!process.argv.includes("--no-write")) replaceSection(join(ROOT, "BENCHMARKS.md"), "## What a page downloads", report);
