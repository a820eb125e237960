// The npm package through the bundlers its README names (Vite, webpack 5, esbuild), as a frontend developer uses
// them: the packed tarball installed into a scratch project, one page importing all four entries, bundled, served
// over loopback and opened in headless Chromium. Each page must answer, throw the package's one VerifyEdgeError class
// from every entry, and download each wasm once; under Vite the page's preload of the phone wasm must be the
// download the package uses.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { after, before, describe, test } from "node:test";
import * as esbuild from "esbuild";
import * as vite from "vite";
import webpack from "webpack";
import { ROOT, launchChromium } from "./support.mjs";

const version = JSON.parse(readFileSync(join(ROOT, "dist/npm/package.json"), "utf8")).version;
const tarball = join(ROOT, "dist", `verify-edge-${version}.tgz`);
const PHONE_WASM = "node_modules/verify-edge/phone/verify_edge_phone_bg.wasm";

// The page's script: every entry, an answer from each, and the error class check. It writes JSON into #out.
const MAIN_JS = `
import { normalizePhone, VerifyEdgeError } from "verify-edge";
import { AsYouType, formatPhone, normalizePhone as normalizeOnly } from "verify-edge/phone";
import { qrCodeSvg } from "verify-edge/totp";
import { PasskeyClient } from "verify-edge/passkey";
let thrown;
try { normalizePhone("hello", "US"); } catch (e) { thrown = { ours: e instanceof VerifyEdgeError, code: e.code }; }
try { normalizeOnly("hello", "US"); } catch (e) { thrown.fromPhoneEntry = e instanceof VerifyEdgeError; }
try { qrCodeSvg("x".repeat(5000)); } catch (e) { thrown.fromTotpEntry = [e instanceof VerifyEdgeError, e.code]; }
try { new PasskeyClient("ftp://example.com"); } catch (e) { thrown.fromPasskeyEntry = [e instanceof VerifyEdgeError, e.code]; }
document.getElementById("out").textContent = JSON.stringify({
  main: normalizePhone("(650) 253-0000", "US").e164,
  phone: normalizeOnly("07400 123456", "GB"),
  international: formatPhone("0301234567", "INTERNATIONAL", "DE"),
  typed: new AsYouType("US").input("6502530000"),
  qr: qrCodeSvg("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP").slice(0, 4),
  thrown,
});
`;

/** index.html; `preload` adds the README's preload of the phone wasm, as a path into node_modules for Vite. */
const page = ({ script, module = true, preload = false }) => `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,">
${preload ? `<link rel="preload" href="./${PHONE_WASM}" as="fetch" type="application/wasm" crossorigin>` : ""}
</head><body><pre id="out"></pre><script ${module ? 'type="module" ' : ""}src="${script}"></script></body></html>
`;

let project;
let browser;

before(async () => {
  project = mkdtempSync(join(tmpdir(), "verify-edge-bundlers-"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "bundled", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--silent", tarball], { cwd: project, stdio: "pipe" });
  writeFileSync(join(project, "main.js"), MAIN_JS);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

/** Serves `dir` on loopback, as any static host would; returns its URL and a close function. */
async function serve(dir) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    try {
      const body = readFileSync(join(dir, path.endsWith("/") ? `${path}index.html` : path));
      res.writeHead(200, { "content-type": TYPES[extname(path) || ".html"] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(ok); }),
  };
}

/** Opens `url`; returns the page's answer, every wasm request, and how the browser fetched each wasm. */
async function open(url) {
  const tab = await browser.newPage();
  const wasmRequests = [];
  const problems = [];
  tab.on("request", (r) => { if (new URL(r.url()).pathname.endsWith(".wasm")) wasmRequests.push(r.url()); });
  tab.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`); });
  tab.on("pageerror", (e) => problems.push(String(e)));
  try {
    await tab.goto(url);
    await tab.waitForFunction(() => document.getElementById("out")?.textContent, null, { timeout: 20_000 })
      .catch(() => assert.fail(`the page never answered: ${problems.join("; ")}`));
    const answer = JSON.parse(await tab.textContent("#out"));
    const initiators = await tab.evaluate(() => performance.getEntriesByType("resource")
      .filter((e) => new URL(e.name).pathname.endsWith(".wasm"))
      .map((e) => ({ file: new URL(e.name).pathname.split("/").pop(), initiator: e.initiatorType })));
    return { answer, wasmRequests, initiators, problems };
  } finally {
    await tab.close();
  }
}

/** What every bundler's page must show. */
function assertAnswers({ answer, wasmRequests, problems }) {
  assert.deepEqual(problems, []);
  assert.equal(answer.main, "+16502530000");
  assert.equal(answer.phone.e164, "+447400123456");
  assert.equal(answer.phone.numberType, "mobile");
  assert.equal(answer.phone.valid, true);
  assert.equal(answer.international, "+49 30 1234567");
  assert.equal(answer.typed, "(650) 253-0000");
  assert.equal(answer.qr, "<svg");
  // Every entry's error is an instance of the class the main entry exports: the bundle holds one class.
  assert.deepEqual(answer.thrown, { ours: true, code: "NOT_A_NUMBER", fromPhoneEntry: true,
    fromTotpEntry: [true, "INVALID_ARGUMENT"], fromPasskeyEntry: [true, "INVALID_URL"] });
  // Four entries, four wasm files, each downloaded once.
  assert.equal(wasmRequests.length, 4, wasmRequests.join("\n"));
  assert.equal(new Set(wasmRequests).size, 4, wasmRequests.join("\n"));
}

/** The preloaded phone wasm is the one the package instantiated: its one download started from the <link>. */
function assertPreloadUsed(initiators) {
  const phone = initiators.filter((e) => e.file.startsWith("verify_edge_phone_bg"));
  assert.deepEqual(phone.map((e) => e.initiator), ["link"], JSON.stringify(initiators));
}

/**
 * Opens the page `server` serves at the address `url()` resolves to, asserts what every page must show (and, with
 * `preloaded`, that the preload was the phone wasm's download), and closes the server whatever happens.
 */
async function checkPage(server, url, { preloaded = false } = {}) {
  try {
    const seen = await open(await url());
    assertAnswers(seen);
    if (preloaded) assertPreloadUsed(seen.initiators);
  } finally {
    await server.close();
  }
}

describe("the npm package in bundlers, in Chromium", () => {
  test("Vite build: every wasm file becomes a hashed asset, the preload is rewritten to the phone wasm's", async () => {
    writeFileSync(join(project, "index.html"), page({ script: "/main.js", preload: true }));
    const outDir = join(project, "vite-dist");
    await vite.build({ root: project, logLevel: "error", build: { outDir, emptyOutDir: true } });
    const assets = readdirSync(join(outDir, "assets"));
    const phoneWasm = assets.find((f) => /^verify_edge_phone_bg-[\w-]+\.wasm$/.test(f));
    assert.ok(phoneWasm, `no hashed phone wasm in ${assets}`);
    for (const name of ["verify_edge_bg", "verify_edge_totp_bg", "verify_edge_passkey_bg"]) {
      assert.ok(assets.some((f) => new RegExp(`^${name}-[\\w-]+\\.wasm$`).test(f)), `no hashed ${name} in ${assets}`);
    }
    assert.ok(readFileSync(join(outDir, "index.html"), "utf8").includes(`href="/assets/${phoneWasm}"`),
      "the preload does not name the emitted phone wasm");

    const server = await vite.preview({
      root: project, logLevel: "error", build: { outDir }, preview: { port: 0, host: "127.0.0.1" },
    });
    await checkPage(server, () => server.resolvedUrls.local[0], { preloaded: true });
  });

  test("Vite dev server: the package loads unbundled, the preload is the download the package uses", async () => {
    writeFileSync(join(project, "index.html"), page({ script: "/main.js", preload: true }));
    const server = await vite.createServer({
      root: project, logLevel: "error", server: { port: 0, host: "127.0.0.1" },
    });
    await checkPage(server, async () => (await server.listen()).resolvedUrls.local[0], { preloaded: true });
  });

  test("webpack 5 (production): every wasm file becomes an asset, found from the script's own URL", async () => {
    const outDir = join(project, "webpack-dist");
    rmSync(outDir, { recursive: true, force: true });
    const stats = await new Promise((ok, fail) => webpack({
      mode: "production",
      context: project,
      entry: "./main.js",
      output: { path: outDir, filename: "main.js" },
      infrastructureLogging: { level: "error" },
    }, (error, result) => (error ? fail(error) : ok(result))));
    assert.equal(stats.hasErrors(), false, stats.toString("errors-only"));
    assert.equal(readdirSync(outDir).filter((f) => f.endsWith(".wasm")).length, 4);
    writeFileSync(join(outDir, "index.html"), page({ script: "main.js", module: false }));
    const server = await serve(outDir);
    await checkPage(server, () => server.url);
  });

  test("esbuild: the bundle finds the wasm files copied beside it, as the README says", async () => {
    const outDir = join(project, "esbuild-dist");
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir);
    await esbuild.build({
      entryPoints: [join(project, "main.js")], bundle: true, format: "esm", minify: true,
      outfile: join(outDir, "main.js"), logLevel: "error",
    });
    // esbuild keeps `new URL("./…_bg.wasm", import.meta.url)` as written: the files go beside the bundle.
    copyFileSync(join(project, "node_modules/verify-edge/verify_edge_bg.wasm"), join(outDir, "verify_edge_bg.wasm"));
    copyFileSync(join(project, PHONE_WASM), join(outDir, "verify_edge_phone_bg.wasm"));
    for (const entry of ["totp", "passkey"]) {
      const wasm = `verify_edge_${entry}_bg.wasm`;
      copyFileSync(join(project, "node_modules/verify-edge", entry, wasm), join(outDir, wasm));
    }
    writeFileSync(join(outDir, "index.html"), page({ script: "main.js" }));
    const server = await serve(outDir);
    await checkPage(server, () => server.url);
  });
});
