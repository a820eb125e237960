// Where the bytes of each wasm go (issue 22: find them before cutting): twiggy's per-item sizes (`twiggy top`, on
// the builds that still carry their function names: the Worker's build/worker-names.wasm (scripts/build-worker.sh
// keeps it beside the stripped build it ships), and wasm-pack's output
// for the package's entries before wasm-opt strips them), summed by owner: our modules (`verify_edge::phone`, ...),
// each other crate, the read-only data, the name section. Prints Markdown.
//
//   scripts/build-worker.sh && scripts/build-package.sh && node bench/wasm-breakdown.mjs [TOP]
//
// twiggy installs from crates.io: `cargo install --locked twiggy` (0.8.0 here). Shallow sizes of the unoptimized
// builds: wasm-opt and gzip change the totals, not the shares much (BENCHMARKS.md gives the shipped sizes beside).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TOP = Number(process.argv[2] ?? 12);
const WASMS = [
  ["Worker", "build/worker-names.wasm"],
  ["npm main entry (`verify-edge`)", "build/browser/verify_edge_bg.wasm"],
  ["npm phone entry (`verify-edge/phone`)", "build/browser-phone/verify_edge_phone_bg.wasm"],
  ["npm authenticator-app entry (`verify-edge/totp`)", "build/browser-totp/verify_edge_totp_bg.wasm"],
  ["npm passkey entry (`verify-edge/passkey`)", "build/browser-passkey/verify_edge_passkey_bg.wasm"],
];

/** The owner an item's bytes are counted under. */
function owner(item) {
  if (item === '"function names" subsection') return "the name section (function names)";
  if (item.startsWith("data segment") || item.startsWith("data[")) return "read-only data (tables, strings)";
  if (item.startsWith("import ")) return "imports (the JS glue's functions)";
  // `<a::B as c::D>::f` is a's; `<u32 as core::fmt::Display>::fmt` is core's; `core[hash]::x` is core's.
  const path = item.replace(/^</, "").replace(/^&(mut )?/, "").replace(/\[[0-9a-f]+\]/g, "");
  const segments = path.split("::");
  if (segments.length < 2) return "other (glue, unnamed)";
  const first = segments[0].includes(" as ") ? segments[0].split(" as ").at(-1) : segments[0];
  if (first === "verify_edge") return `verify_edge::${segments[1].replace(/[<>{} ].*$/, "")}`;
  return first.replace(/[<>{} ].*$/, "");
}

for (const [name, path] of WASMS) {
  const file = `${ROOT}/${path}`;
  if (!existsSync(file)) {
    console.log(`${name}: ${path} is not built\n`);
    continue;
  }
  const csv = execFileSync("twiggy", ["top", "--format", "csv", file], { encoding: "utf8", maxBuffer: 256 << 20 });
  const rows = csv.trim().split("\n").slice(1).map((line) => {
    // Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent: the name may hold commas, so read the
    // numbers from the right.
    const parts = line.split(",");
    return { item: parts.slice(0, -4).join(",").replace(/^"|"$/g, "").replace(/""/g, '"'), bytes: Number(parts.at(-4)) };
  });
  const total = rows.reduce((sum, r) => sum + r.bytes, 0);
  const byOwner = new Map();
  for (const row of rows) byOwner.set(owner(row.item), (byOwner.get(owner(row.item)) ?? 0) + row.bytes);
  const ranked = [...byOwner].sort((a, b) => b[1] - a[1]);
  const kB = (n) => (n / 1000).toFixed(1);
  console.log(`### ${name}: ${path}, ${kB(total)} kB before wasm-opt\n`);
  console.log("| owner | kB | share |\n|---|---|---|");
  for (const [who, bytes] of ranked.slice(0, TOP)) {
    console.log(`| ${who} | ${kB(bytes)} | ${((100 * bytes) / total).toFixed(1)}% |`);
  }
  const rest = ranked.slice(TOP).reduce((sum, [, b]) => sum + b, 0);
  if (ranked.length > TOP) {
    console.log(`| ${ranked.length - TOP} others | ${kB(rest)} | ${((100 * rest) / total).toFixed(1)}% |`);
  }
  console.log("");
}
