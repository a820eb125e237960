// Issue 22's floor for the Worker: what its wasm still ships once none of our code and none of serde's is in it.
//
// Reads the Worker's build with function names (build/worker-names.wasm, which scripts/build-worker.sh keeps),
// empties the body of every function whose name mentions `verify_edge` or `serde` (our modules, and serde's
// generated (de)serializers, serde_json, serde_wasm_bindgen: `unreachable` in place of the body), strips the
// names as the shipped build is stripped, and prints both sizes, gzip -9. What is left is the code of every other
// crate the Worker's features call (workers-rs, wasm-bindgen, the url crate and its IDNA tables, the crypto crates,
// core and alloc) and all of its read-only data. That is not a Worker that runs: it is the part no rewrite of our
// code or of how it serializes can remove. Only dropping a feature, or moving it to another Worker, does.
//
//   scripts/build-worker.sh && node bench/worker-floor.mjs
import binaryen from "binaryen";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const named = readFileSync(`${ROOT}/build/worker-names.wasm`);
const shipped = readFileSync(`${ROOT}/build/worker/index_bg.wasm`);
// The gzip command, as BENCHMARKS.md's Worker sizes are measured (node:zlib's level 9 comes out about 1% larger).
const gzip = (bytes) => execFileSync("gzip", ["-9", "-c"], { input: bytes, maxBuffer: 64 << 20 }).length;
const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

const module = binaryen.readBinary(named);
module.setFeatures(binaryen.Features.All);
let emptied = 0;
const count = module.getNumFunctions();
for (let i = 0; i < count; i += 1) {
  const fn = module.getFunctionByIndex(i);
  const info = binaryen.getFunctionInfo(fn);
  if (info.base) continue; // an import: no body
  if (/verify_edge|serde/.test(info.name)) {
    binaryen._BinaryenFunctionSetBody(fn, module.unreachable());
    emptied += 1;
  }
}
// As scripts/build-worker.sh ships it: no name section, no producers section.
module.runPasses(["strip-debug", "strip-producers"]);
const floor = module.emitBinary();

/** `wasm` without its data section (id 11): not a module that loads, only a measure of its code and the rest. */
function withoutData(wasm) {
  const parts = [wasm.subarray(0, 8)];
  let at = 8;
  while (at < wasm.length) {
    const start = at;
    const id = wasm[at++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = wasm[at++];
      size += (byte & 0x7f) * 2 ** shift;
      if (!(byte & 0x80)) break;
    }
    at += size;
    if (id !== 11) parts.push(wasm.subarray(start, at));
  }
  return Buffer.concat(parts);
}

let data = [];
for (let i = 0; i < module.getNumDataSegments(); i += 1) {
  data.push(Buffer.from(module.getDataSegmentInfo(module.getDataSegmentByIndex(i)).data));
}
data = Buffer.concat(data);
module.dispose();

console.log(`the Worker as shipped (build/worker/index_bg.wasm): ${kB(shipped.length)} raw, ${kB(gzip(shipped))} gzip -9`);
console.log(
  `without our code and serde's (${emptied} of ${count} functions emptied): ${kB(floor.length)} raw, ` +
    `${kB(gzip(floor))} gzip -9`,
);
console.log(`  of which read-only data (ours included): ${kB(data.length)} raw, ${kB(gzip(data))} gzip -9 on its own`);
console.log(`  its code alone (the data section left out): ${kB(gzip(withoutData(Buffer.from(floor))))} gzip -9`);
console.log(`issue 22's target: 300 KiB = ${kB(300 * 1024)} gzip -9`);
