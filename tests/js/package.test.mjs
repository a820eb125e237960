// The npm package as a user gets it: `npm pack`'s tarball (built by scripts/build-package.sh --pack) installed into
// a scratch project and imported by its name, in Node, in TypeScript, and in a Worker through the workerd condition.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createPublicKey, verify } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import jsQR from "jsqr";
import * as otplib from "otplib";
import { bundleSizes, compressedSizes } from "../../bench/size.mjs";
import { ROOT, UNPROTECTED, startWrangler } from "./support.mjs";

const version = JSON.parse(readFileSync(join(ROOT, "dist/npm/package.json"), "utf8")).version;
const tarball = join(ROOT, "dist", `verify-edge-${version}.tgz`);
let project;

before(() => {
  project = mkdtempSync(join(tmpdir(), "verify-edge-consumer-"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--silent", tarball], { cwd: project, stdio: "pipe" });
});

/** A JWT's header and payload, base64url-decoded, once it is asserted to be three unpadded base64url parts. */
function decodeJwt(token) {
  assert.equal(typeof token, "string", `a token: ${token}`);
  const parts = token.split(".");
  assert.equal(parts.length, 3, `header.payload.signature: ${token}`);
  for (const part of parts) assert.match(part, /^[A-Za-z0-9_-]+$/, "base64url without padding");
  const [header, payload] = parts.slice(0, 2).map((p) => JSON.parse(Buffer.from(p, "base64url").toString("utf8")));
  return { header, payload };
}

/** Reads the package's QR code SVG (one path of unit squares in a viewBox) into pixels, 8 per module, and decodes
 * them with jsQR, an independent QR decoder. */
function decodeQrSvg(svg) {
  const side = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)[1]);
  const scale = 8;
  const width = side * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const [, x, y] of svg.matchAll(/M(\d+),(\d+)h1v1h-1z/g)) {
    for (let dy = 0; dy < scale; dy += 1) {
      for (let dx = 0; dx < scale; dx += 1) {
        const at = ((Number(y) * scale + dy) * width + Number(x) * scale + dx) * 4;
        pixels.fill(0, at, at + 3);
      }
    }
  }
  return jsQR(pixels, width, width)?.data;
}

/** Whether the Worker's JWKS holds the key that signed `token` (ES256), as an app's server checks it. */
async function signedByWorker(baseUrl, token) {
  const jwks = await (await fetch(`${baseUrl}/.well-known/jwks.json`)).json();
  const [header, payload, signature] = token.split(".");
  const jwk = jwks.keys.find((k) => k.kid === JSON.parse(Buffer.from(header, "base64url")).kid);
  if (!jwk) return false;
  return verify("sha256", Buffer.from(`${header}.${payload}`),
    { key: createPublicKey({ key: jwk, format: "jwk" }), dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
}

/** Runs ESM `code` in the scratch project with Node and returns what it printed, parsed as JSON. */
// What a page of bench/pages/ downloads, measured as bench/pages.mjs measures it (esbuild, minified, each file gzip
// -9 on its own): the wasm files its bundle fetches, by name and sorted, and the gzip bytes of its JS, of each of
// `wasmFiles` (paths under dist/npm) and in all.
async function pageDownload(page, wasmFiles) {
  const out = mkdtempSync(join(tmpdir(), "verify-edge-budget-"));
  try {
    const { bundle } = await bundleSizes(join(ROOT, "bench/pages", page), join(out, "page.js"));
    const fetched = [...readFileSync(join(out, "page.js"), "utf8").matchAll(/new URL\("\.\/([^"]+\.wasm)"/g)].map((m) => m[1]);
    const wasm = wasmFiles.map((file) => compressedSizes(readFileSync(join(ROOT, "dist/npm", file)), { text: false }).gzip);
    return { fetched: fetched.sort(), js: bundle.gzip, wasm, total: wasm.reduce((sum, bytes) => sum + bytes, bundle.gzip) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function runInProject(code) {
  return JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: project }).toString());
}

describe("the npm package", () => {
  test("the tarball ships exactly the files the package needs", () => {
    const listing = execFileSync("tar", ["-tzf", tarball]).toString().trim().split("\n").sort();
    for (const file of ["package/index.js", "package/download.js", "package/node.js", "package/workerd.js", "package/index.d.ts",
      "package/verify_edge.js", "package/verify_edge.d.ts", "package/verify_edge_bg.wasm", "package/README.md",
      "package/package.json", "package/phone/index.js", "package/phone/node.js", "package/phone/workerd.js",
      "package/phone/index.d.ts", "package/phone/verify_edge_phone.js", "package/phone/verify_edge_phone.d.ts",
      "package/phone/verify_edge_phone_bg.wasm", "package/totp/index.js", "package/totp/node.js",
      "package/totp/workerd.js", "package/totp/index.d.ts", "package/totp/verify_edge_totp.js",
      "package/totp/verify_edge_totp_bg.wasm", "package/passkey/index.js", "package/passkey/node.js",
      "package/passkey/workerd.js", "package/passkey/index.d.ts", "package/passkey/verify_edge_passkey.js",
      "package/passkey/verify_edge_passkey_bg.wasm"]) {
      assert.ok(listing.includes(file), `${file} missing from ${listing}`);
    }
    assert.ok(listing.some((f) => f.endsWith("/src/browser/error.js")), "the error class snippet is missing");
    assert.ok(listing.some((f) => f.endsWith("/src/browser/phone-link.js")), "the phone link snippet is missing");
  });

  test("imports by its name in Node and normalizes", () => {
    const out = runInProject(`
      import { normalizePhone, supportedRegions } from "verify-edge";
      console.log(JSON.stringify({ n: normalizePhone("(650) 253-0000", "US"), regions: supportedRegions() }));`);
    assert.equal(out.n.e164, "+16502530000");
    assert.equal(out.n.region, "US");
    assert.ok(out.regions.length > 240 && out.regions.includes("GB") && !out.regions.includes("001"));
    assert.ok(out.regions.every((id, i) => /^[A-Z]{2}$/.test(id) && (i === 0 || out.regions[i - 1] < id)),
      "supportedRegions: two capital letters each, sorted, no repeats");
  });

  test("its phone entry gives the same answers and carries nothing but phone numbers", () => {
    const out = runInProject(`
      import * as main from "verify-edge";
      import * as phone from "verify-edge/phone";
      const inputs = [["(650) 253-0000", "US"], ["+44 20 7031 3000", null], ["07700 900123", "GB"], ["+800 1234 5678", null],
        ["030 123456", "DE"], ["+1 900 555 0100", null], ["12", "FR"]];
      const answers = inputs.map(([i, r]) => [main.normalizePhone(i, r), phone.normalizePhone(i, r)]);
      const formats = inputs.map(([i, r]) => [main.formatPhone(i, "INTERNATIONAL", r), phone.formatPhone(i, "INTERNATIONAL", r)]);
      const typed = [[new main.AsYouType("US").input("6502530000"), new phone.AsYouType("US").input("6502530000")]];
      let error;
      try { phone.normalizePhone("hello", "US"); }
      catch (e) { error = [e instanceof phone.VerifyEdgeError, e instanceof main.VerifyEdgeError, e.code]; }
      try { main.normalizePhone("hello", "US"); } catch (e) { error.push(e instanceof phone.VerifyEdgeError); }
      console.log(JSON.stringify({ answers, formats, typed, error, exports: Object.keys(phone).sort(),
        regions: phone.supportedRegions().join() === main.supportedRegions().join() }));`);
    for (const [fromMain, fromPhone] of [...out.answers, ...out.formats, ...out.typed]) assert.deepEqual(fromPhone, fromMain);
    assert.equal(out.formats[0][1], "+1 650-253-0000");
    assert.equal(out.typed[0][1], "(650) 253-0000");
    assert.deepEqual(out.answers[2][1], { e164: "+447700900123", region: null, countryCode: 44,
      nationalNumber: "7700900123", numberType: "unknown", valid: false, invalidReason: "INVALID_FOR_REGION" });
    // One class for both entries: a page that loads both can test either error against either export.
    assert.deepEqual(out.error, [true, true, "NOT_A_NUMBER", true]);
    assert.deepEqual(out.exports, ["AsYouType", "VerifyEdgeError", "formatPhone", "initSync", "normalizePhone", "supportedRegions"]);
    assert.equal(out.regions, true);
  });

  test("the main entry carries no phone engine: its phone functions are the phone entry's, and VerifyClient reads numbers with that engine", async () => {
    const out = runInProject(`
      import { readFileSync } from "node:fs";
      import * as main from "verify-edge";
      import * as phone from "verify-edge/phone";
      const wasmExports = (file) => WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(file))).map((e) => e.name);
      const same = ["normalizePhone", "formatPhone", "AsYouType", "supportedRegions"].map((name) => main[name] === phone[name]);
      // Port 9 (discard) answers nothing: a request that left would fail as NETWORK_ERROR, not 60200.
      const client = new main.VerifyClient("http://127.0.0.1:9");
      const refusals = [];
      for (const params of [{ to: "650 253 000", channel: "sms", defaultRegion: "US" }, { to: "hello", channel: "sms" },
        { to: "+1 650 253 0000", channel: "email" }, { to: "650 253 0000", channel: "sms", defaultRegion: "ZZ" }]) {
        try { await client.start(params); refusals.push("sent"); }
        catch (e) { refusals.push([e instanceof phone.VerifyEdgeError, e.code, e.reason, e.status, e.message]); }
      }
      let checkRefusal;
      try { await client.check({ to: "650 253 000", defaultRegion: "US", code: "123456" }); }
      catch (e) { checkRefusal = [e.code, e.reason]; }
      let phoneMessage;
      try { phone.normalizePhone("hello"); } catch (e) { phoneMessage = e.message; }
      console.log(JSON.stringify({ same, refusals, checkRefusal, phoneMessage,
        main: wasmExports("node_modules/verify-edge/verify_edge_bg.wasm"),
        phone: wasmExports("node_modules/verify-edge/phone/verify_edge_phone_bg.wasm") }));`);
    assert.deepEqual(out.same, [true, true, true, true], "the main entry re-exports the phone entry's functions");
    assert.ok(out.phone.includes("normalizePhone"), `the phone entry's wasm exports ${out.phone}`);
    for (const name of ["normalizePhone", "formatPhone", "supportedRegions"]) {
      assert.ok(!out.main.includes(name), `the main entry's wasm has its own ${name}`);
    }
    assert.ok(!out.main.some((name) => /asyoutype/i.test(name)), "the main entry's wasm has its own AsYouType");
    // The core's rules, with the phone entry's engine: the same codes, reasons and messages the Worker answers.
    assert.deepEqual(out.refusals.map((r) => r.slice(0, 4)), [
      [true, 60200, "TOO_SHORT", null],
      [true, 60200, "NOT_A_NUMBER", null],
      [true, 60200, "CHANNEL_MISMATCH", null],
      [true, 60200, "UNKNOWN_REGION", null],
    ]);
    assert.ok(out.refusals[1][4].endsWith(out.phoneMessage), `${out.refusals[1][4]} carries the engine's message`);
    assert.match(out.refusals[3][4], /defaultRegion/, "a bad region is named as such");
    assert.deepEqual(out.checkRefusal, [60200, "TOO_SHORT"]);
  });

  test("a phone field through verify-edge/phone stays within issue 22's 70.5 kB gzip, as an app bundles it", async () => {
    // The budget is the issue's: the phone entry may not grow past what it downloaded when the issue was filed
    // (70,494 bytes at f20dbec, so any growth of its wasm, its glue or the shared error class shows here first).
    const page = await pageDownload("phone-field.mjs", ["phone/verify_edge_phone_bg.wasm"]);
    assert.deepEqual(page.fetched, ["verify_edge_phone_bg.wasm"], "the page fetches the phone entry's wasm alone");
    assert.ok(page.total <= 70_500, `the phone field page downloads ${page.total} bytes gzip (JS ${page.js}, wasm ${page.wasm})`);
  });

  test("the full-flow page (phone field, VerifyClient, verifySna) holds issue 22's cuts: 129.0 kB gzip", async () => {
    // 128,724 bytes when the client's own reader and writer of JS values (src/browser/js_de.rs, js_ser.rs) landed,
    // 128,927 since that reader stops at 128 nested levels (a crash fix: 203 bytes). Issue 22's goal is 80 kB, so
    // this budget comes down with every cut, and goes up only for a fix that says what it costs.
    const page = await pageDownload("full-flow.mjs", ["verify_edge_bg.wasm", "phone/verify_edge_phone_bg.wasm"]);
    assert.deepEqual(page.fetched, ["verify_edge_bg.wasm", "verify_edge_phone_bg.wasm"], "the client's wasm and the engine's, once each");
    assert.ok(page.total <= 129_000, `the full-flow page downloads ${page.total} bytes gzip (JS ${page.js}, wasm ${page.wasm.join(" + ")})`);
  });

  test("authenticator apps and passkeys are entries of their own: the main entry carries neither", () => {
    const out = runInProject(`
      import * as main from "verify-edge";
      import * as totp from "verify-edge/totp";
      import * as passkey from "verify-edge/passkey";
      let error;
      try { new passkey.PasskeyClient("http://verify.example.com"); } catch (e) { error = [e instanceof main.VerifyEdgeError, e.code]; }
      console.log(JSON.stringify({ main: Object.keys(main), client: Object.getOwnPropertyNames(main.VerifyClient.prototype),
        totp: Object.keys(totp).sort(), passkey: Object.keys(passkey).sort(), error }));`);
    assert.deepEqual(out.totp, ["TotpClient", "VerifyEdgeError", "initSync", "qrCodeSvg"]);
    assert.deepEqual(out.passkey, ["PasskeyClient", "VerifyEdgeError", "createPasskey", "getPasskey", "initSync",
      "isPasskeyAutofillAvailable"]);
    for (const name of ["TotpClient", "qrCodeSvg", "PasskeyClient", "createPasskey", "getPasskey"]) {
      assert.ok(!out.main.includes(name), `the main entry exports ${name}`);
    }
    for (const method of ["enrollTotp", "registerPasskey", "signInWithPasskey"]) {
      assert.ok(!out.client.includes(method), `VerifyClient still has ${method}`);
    }
    assert.deepEqual(out.error, [true, "INSECURE_URL"], "the passkey entry throws the main entry's error class");
  });

  test("a Worker answer nested past 128 levels is refused as BAD_RESPONSE, not read until the stack runs out", () => {
    // A stand-in for the Worker, started by the script itself (runInProject blocks this process), answers the
    // passkey sign-in's options request with \`options\` nested \`depth\` objects deep, then stops.
    const outcome = (depth) => runInProject(`
      import { createServer } from "node:http";
      import { PasskeyClient, VerifyEdgeError } from "verify-edge/passkey";
      const options = '{"a":'.repeat(${depth}) + "1" + "}".repeat(${depth});
      const server = createServer((req, res) => {
        req.resume();
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"sid":"YC00000000000000000000000000000000","options":' + options + "}");
      });
      await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
      const client = new PasskeyClient("http://127.0.0.1:" + server.address().port, { timeoutMs: 5000 });
      let error;
      try { await client.signInWithPasskey(); error = "resolved"; }
      catch (e) { error = [e instanceof VerifyEdgeError, e.code ?? String(e), e.message]; }
      server.close();
      console.log(JSON.stringify(error));`);
    const deep = outcome(20000);
    assert.equal(deep[0], true, `a VerifyEdgeError: ${deep}`);
    assert.equal(deep[1], "BAD_RESPONSE");
    assert.match(deep[2], /nested too deeply/);
    // 100 levels are read: the client goes on to the browser's passkey API, which Node does not have.
    const shallow = outcome(100);
    assert.equal(shallow[0], true, `a VerifyEdgeError: ${shallow}`);
    assert.notEqual(shallow[1], "BAD_RESPONSE", `100 levels are read: ${shallow}`);
  });

  test("formats in Google's four formats and as you type, and throws VerifyEdgeError as normalizePhone does", () => {
    const out = runInProject(`
      import { AsYouType, formatPhone, VerifyEdgeError } from "verify-edge";
      const formats = ["E164", "INTERNATIONAL", "NATIONAL", "RFC3966"].map((f) => formatPhone("(650) 253-0000", f, "US"));
      const errors = [["hello", "NATIONAL"], ["6502530000", "E.164"]].map(([input, format]) => {
        try { formatPhone(input, format, "US"); return "no error"; }
        catch (e) { return [e instanceof VerifyEdgeError, e.code]; }
      });
      const typing = new AsYouType("US");
      const shown = [typing.input("650253"), typing.input("6502530000"), typing.getNumber()];
      console.log(JSON.stringify({ formats, uk: formatPhone("+442070313000", "NATIONAL"), errors, shown }));`);
    assert.deepEqual(out.shown, ["650-253", "(650) 253-0000", "+16502530000"]);
    assert.deepEqual(out.formats, ["+16502530000", "+1 650-253-0000", "(650) 253-0000", "tel:+1-650-253-0000"]);
    assert.equal(out.uk, "020 7031 3000");
    assert.deepEqual(out.errors, [[true, "NOT_A_NUMBER"], [true, "INVALID_ARGUMENT"]]);
  });

  test("throws VerifyEdgeError, an Error subclass exported by the package, with the stable code", () => {
    const out = runInProject(`
      import { normalizePhone, VerifyEdgeError } from "verify-edge";
      const seen = [];
      for (const [input, region] of [["650 253 0000", null], ["hello", "US"], ["+1 650", "ZZ"], ["x".repeat(70000), "US"]]) {
        try { normalizePhone(input, region); seen.push("no error"); }
        catch (e) { seen.push([e instanceof VerifyEdgeError, e instanceof Error, e.name, e.code, typeof e.message]); }
      }
      console.log(JSON.stringify(seen));`);
    assert.deepEqual(out, [
      [true, true, "VerifyEdgeError", "MISSING_REGION", "string"],
      [true, true, "VerifyEdgeError", "NOT_A_NUMBER", "string"],
      [true, true, "VerifyEdgeError", "UNKNOWN_REGION", "string"],
      [true, true, "VerifyEdgeError", "INPUT_TOO_LONG", "string"],
    ]);
  });

  test("its TypeScript types are precise: no any, and a strict consumer type-checks", () => {
    const dts = ["index.d.ts", "verify_edge.d.ts", "phone/index.d.ts", "phone/verify_edge_phone.d.ts",
      "totp/index.d.ts", "totp/verify_edge_totp.d.ts", "passkey/index.d.ts", "passkey/verify_edge_passkey.d.ts"].map((f) => readFileSync(join(project, "node_modules/verify-edge", f), "utf8")).join("\n");
    // Doc comments may say "any" in English; declarations may not use the type.
    const declarations = dts.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
    assert.doesNotMatch(declarations, /\bany\b/, "a declaration uses any");
    writeFileSync(join(project, "check.ts"), `
      import { normalizePhone, supportedRegions, VerifyEdgeError, VerifyClient, invokeSnaUrl, type PhoneNumber,
        formatPhone, AsYouType, type PhoneFormat, type NumberType, type ErrorCode, type Verification, type VerificationCheck, type SnaInvocation,
        type SnaResult } from "verify-edge";
      import * as phone from "verify-edge/phone";
      // @ts-expect-error: the phone entry has no client
      import { VerifyClient as NoClient } from "verify-edge/phone";
      import { TotpClient, qrCodeSvg, type TotpEnrollment } from "verify-edge/totp";
      import { PasskeyClient, createPasskey, type PasskeySignIn } from "verify-edge/passkey";
      // @ts-expect-error: authenticator apps are the totp entry's
      import { TotpClient as NotHere } from "verify-edge";
      async function factors(): Promise<void> {
        const totp = new TotpClient("https://verify.example.com", { timeoutMs: 5000 });
        const enrolled: TotpEnrollment = await totp.enrollTotp({ identityToken: "t", friendlyName: "Laptop" });
        const svg: string = qrCodeSvg(enrolled.uri);
        const passkeys = new PasskeyClient("https://verify.example.com");
        const signedIn: PasskeySignIn = await passkeys.signInWithPasskey();
        const approval: string | null = signedIn.token;
        console.log(svg, approval, createPasskey, NotHere);
      }
      console.log(factors);
      const p: phone.PhoneNumber = phone.normalizePhone("020 7031 3000", "GB");
      const pValid: boolean = p.valid;
      console.log(pValid, NoClient);
      const n: PhoneNumber = normalizePhone("+44 20 7031 3000");
      const e164: string = n.e164;
      const region: string | null = n.region;
      const kind: NumberType = n.numberType;
      const regions: string[] = supportedRegions();
      try { normalizePhone("x", "US"); } catch (e) {
        if (e instanceof VerifyEdgeError) { const code: ErrorCode = e.code; console.log(code); }
      }
      const client = new VerifyClient("https://verify.example.com", { timeoutMs: 5000 });
      async function flow(): Promise<void> {
        const v: Verification = await client.start({ to: "+16502530000", channel: "sms" });
        const url: string | undefined = v.sna?.url;
        const c: VerificationCheck = await client.check({ verificationSid: v.sid, code: "123456" });
        const snaCode: number | null = c.snaErrorCode;
        const approval: string | null = c.token;
        // @ts-expect-error: null unless the check approved
        const alwaysThere: string = c.token;
        const s: SnaResult = await client.verifySna("+16502530000", { method: "GET", mode: "cors" });
        const fallback: boolean = s.fallbackAllowed;
        const snaApproval: string | null = s.token;
        console.log(approval, alwaysThere, snaApproval);
        const i: SnaInvocation = await invokeSnaUrl("https://carrier.example/x", { timeoutMs: 100 });
        if (i.kind === "readable") { const code: number | null = i.errorCode; console.log(code); }
        try { await client.status(v.sid); } catch (e) {
          if (e instanceof VerifyEdgeError) {
            const status: number | null = e.status;
            const wait: number | null = e.retryAfter;
            const reason: string | null = e.reason;
            console.log(status, wait, reason, e.moreInfo);
          }
        }
        // @ts-expect-error: not a channel
        await client.start({ to: "+16502530000", channel: "fax" });
        // @ts-expect-error: not an option
        await invokeSnaUrl("https://carrier.example/x", { method: "PUT" });
        console.log(url, snaCode, fallback);
      }
      console.log(flow, new VerifyEdgeError("TIMEOUT", "still constructible"));
      // @ts-expect-error: not a code the package throws
      console.log(new VerifyEdgeError("MY_CODE", "x"));
      // @ts-expect-error: the input is a string
      normalizePhone(6502530000);
      // @ts-expect-error: region may be null, so it is not a string
      const wrong: string = n.region;
      // @ts-expect-error: not a number type
      const notAType: NumberType = "landline";
      const format: PhoneFormat = "RFC3966";
      const written: string = formatPhone("+44 20 7031 3000", format);
      // @ts-expect-error: not a format
      formatPhone("+44 20 7031 3000", "E.164");
      const typing = new AsYouType("GB");
      const shown: string = typing.input("0207031");
      const typedNumber: string | null = typing.getNumber();
      console.log(shown, typedNumber);
      console.log(e164, kind, regions, wrong, notAType, written);
    `);
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022",
        lib: ["es2022", "dom"], skipLibCheck: false, types: [] },
      files: ["check.ts"],
    }));
    try {
      execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", project], { cwd: project, stdio: "pipe" });
    } catch (e) {
      assert.fail(`tsc refused check.ts:\n${e.stdout}${e.stderr}`);
    }
  });
});

describe("VerifyClient in Node against the Worker (wrangler dev)", () => {
  let api;
  before(async () => {
    api = await startWrangler({ vars: { ...UNPROTECTED, DEV_INBOX: "true" } });
  });
  after(() => api?.stop());

  test("start normalizes, a wrong code is pending with no token, the code from the inbox approves with a signed token", async () => {
    const out = runInProject(`
      import { VerifyClient } from "verify-edge";
      const client = new VerifyClient(${JSON.stringify(api.url)});
      const started = await client.start({ to: "020 7946 0123", channel: "sms", defaultRegion: "GB" });
      const inbox = await (await fetch(${JSON.stringify(api.url)} + "/dev/inbox?to=%2B442079460123")).json();
      const code = inbox.messages.at(-1).code;
      const wrong = await client.check({ to: "+44 20 7946 0123", code: code === "000000" ? "111111" : "000000" });
      const right = await client.check({ verificationSid: started.sid, code });
      console.log(JSON.stringify({ started, wrong, right }));`);
    assert.equal(out.started.to, "+442079460123");
    assert.equal(out.started.status, "pending");
    assert.equal(out.started.sna, null);
    assert.deepEqual(Object.keys(out.started).sort(),
      ["channel", "dateCreated", "sendCodeAttempts", "sid", "sna", "status", "to"]);
    assert.deepEqual(out.wrong, { sid: out.started.sid, status: "pending", valid: false, snaErrorCode: null, token: null });
    const { token, ...right } = out.right;
    assert.deepEqual(right, { sid: out.started.sid, status: "approved", valid: true, snaErrorCode: null });
    const { header, payload } = decodeJwt(token);
    assert.equal(header.alg, "ES256");
    assert.equal(payload.sub, "+442079460123", "the number verified, in E.164");
    assert.equal(payload.phone_number, "+442079460123");
    assert.equal(payload.phone_number_verified, true);
    assert.equal(payload.channel, "sms");
    assert.deepEqual(payload.amr, ["sms", "otp"]);
    assert.equal(payload.jti, out.started.sid);
    assert.ok(payload.exp > payload.iat, `exp ${payload.exp} after iat ${payload.iat}`);
    assert.ok(await signedByWorker(api.url, token), "signed by a key of the Worker's /.well-known/jwks.json");
  });

  test("the client and the Worker read parameters with the same code: each bad object refused alike, nothing sent", async () => {
    // The client reads a JS object's properties (no JSON in between); the Worker reads the JSON of the same object.
    const starts = [
      [],
      { channel: "sms" },
      { to: 447400123456, channel: "sms" },
      { to: "+447400123456", channel: 1 },
      { to: "+447400123456", channel: "sms", Channel: "sms", zeta: 1 },
      { to: "+447400123456", channel: "sna", enableSnaClientToken: "yes" },
      { to: "+447400123456", channel: "sms", locale: { tag: "en" } },
      { to: "+447400123456", channel: "sms", locale: "english please" },
      { to: "+447400123456", channel: "pigeon" },
      { to: "07400 123456", channel: "sms", defaultRegion: "XX" },
      { to: "x".repeat(321), channel: "sms" },
      { to: "+447400123456", channel: "email" },
    ];
    const checks = [{ code: "123456" }, { verificationSid: "VE123", code: "123456" }, { to: "+447400123456", code: 123456 },
      { to: "+447400123456", verificationSid: `VE${"a".repeat(32)}`, code: "123456" }, { to: "+447400123456", code: "12" }];
    const out = runInProject(`
      import { VerifyClient } from "verify-edge";
      const client = new VerifyClient(${JSON.stringify(api.url)});
      const refusal = async (call) => {
        try { await call(); return "sent"; } catch (e) { return { code: e.code, reason: e.reason, status: e.status, message: e.message }; }
      };
      const starts = [];
      for (const params of ${JSON.stringify(starts)}) starts.push(await refusal(() => client.start(params)));
      const checks = [];
      for (const params of ${JSON.stringify(checks)}) checks.push(await refusal(() => client.check(params)));
      // undefined is left out, as JSON leaves it out: not an unknown parameter.
      const undefinedLeftOut = await refusal(() => client.start({ to: "650 253 000", channel: "sms", defaultRegion: "US", extra: undefined }));
      console.log(JSON.stringify({ starts, checks, undefinedLeftOut }));`);
    const worker = async (path, params) => {
      const answer = await fetch(`${api.url}${path}`, { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify(params) });
      const body = await answer.json();
      return { code: body.code, reason: body.details?.reason ?? null, message: `${body.message}: ${body.details?.description}` };
    };
    for (const [i, params] of starts.entries()) {
      const expected = await worker("/verify/start", params);
      assert.equal(expected.code, 60200, `the Worker refuses ${JSON.stringify(params)}`);
      assert.deepEqual(out.starts[i], { ...expected, status: null }, `start ${JSON.stringify(params)}`);
    }
    for (const [i, params] of checks.entries()) {
      const expected = await worker("/verify/check", params);
      assert.equal(expected.code, 60200, `the Worker refuses ${JSON.stringify(params)}`);
      assert.deepEqual(out.checks[i], { ...expected, status: null }, `check ${JSON.stringify(params)}`);
    }
    assert.equal(out.undefinedLeftOut.reason, "TOO_SHORT");
  });

  test("an authenticator app: enrollTotp's QR code decodes (jsQR) to its URI, otplib's codes confirm it and sign in", async () => {
    const out = runInProject(`
      import { VerifyClient, VerifyEdgeError } from "verify-edge";
      import { TotpClient, qrCodeSvg } from "verify-edge/totp";
      const client = new VerifyClient(${JSON.stringify(api.url)});
      const totp = new TotpClient(${JSON.stringify(api.url)});
      const started = await client.start({ to: "+442079460199", channel: "sms" });
      const inbox = await (await fetch(${JSON.stringify(api.url)} + "/dev/inbox?to=%2B442079460199")).json();
      const approved = await client.check({ verificationSid: started.sid, code: inbox.messages.at(-1).code });
      const enrollment = await totp.enrollTotp({ identityToken: approved.token, friendlyName: "Laptop" });
      let refused;
      try { await totp.checkTotp({ identityToken: approved.token, code: "12ab56" }); }
      catch (e) { refused = { code: e.code, status: e.status, shared: e instanceof VerifyEdgeError }; }
      let tooLong;
      try { qrCodeSvg("x".repeat(5000)); } catch (e) { tooLong = e.code; }
      console.log(JSON.stringify({ token: approved.token, enrollment, refused, tooLong, baseUrl: totp.baseUrl }));`);
    const { enrollment } = out;
    assert.deepEqual(Object.keys(enrollment).sort(), ["factorSid", "friendlyName", "qrSvg", "secret", "status", "uri"]);
    assert.equal(enrollment.status, "unverified");
    assert.equal(decodeQrSvg(enrollment.qrSvg), enrollment.uri, "the QR code holds the otpauth:// URI");
    assert.deepEqual(out.refused, { code: 60200, status: null, shared: true },
      "a bad code is refused before sending (no HTTP status), with the main entry's error class");
    assert.equal(out.baseUrl, api.url);
    assert.equal(out.tooLong, "INVALID_ARGUMENT");
    const secret = new URL(enrollment.uri).searchParams.get("secret");
    assert.equal(secret, enrollment.secret);
    const now = Math.floor(Date.now() / 1000);
    const code = await otplib.generate({ secret, epoch: now });
    const next = await otplib.generate({ secret, epoch: now + 30 });
    const signedIn = runInProject(`
      import { TotpClient } from "verify-edge/totp";
      const client = new TotpClient(${JSON.stringify(api.url)});
      const identityToken = ${JSON.stringify(out.token)};
      const confirmed = await client.confirmTotp({ identityToken, factorSid: ${JSON.stringify(enrollment.factorSid)}, code: ${JSON.stringify(code)} });
      const checked = await client.checkTotp({ identityToken, code: ${JSON.stringify(next)} });
      console.log(JSON.stringify({ confirmed, checked }));`);
    assert.deepEqual(signedIn.confirmed, { factorSid: enrollment.factorSid, status: "verified" });
    assert.deepEqual([signedIn.checked.status, signedIn.checked.valid], ["approved", true]);
    const { payload } = decodeJwt(signedIn.checked.token);
    assert.deepEqual([payload.sub, payload.channel, payload.amr], ["+442079460199", "totp", ["otp"]]);
    assert.ok(await signedByWorker(api.url, signedIn.checked.token));
  });

  test("errors: Twilio's code and HTTP status from the API; refusals before sending; Retry-After on 429", () => {
    const out = runInProject(`
      import { VerifyClient, VerifyEdgeError } from "verify-edge";
      const client = new VerifyClient(${JSON.stringify(api.url)});
      const seen = [];
      const take = async (promise) => {
        try { await promise; seen.push("resolved"); }
        catch (e) { seen.push([e instanceof VerifyEdgeError, e.code, e.status, e.reason, e.retryAfter, e.moreInfo]); }
      };
      await take(client.status("VE" + "0".repeat(32)));
      await take(client.start({ to: "hello", channel: "sms", defaultRegion: "US" }));
      for (let i = 0; i < 5; i++) await client.start({ to: "+16502530021", channel: "sms" });
      await take(client.start({ to: "+16502530021", channel: "sms" }));
      await take(new VerifyClient("http://127.0.0.1:9").status("VE00"));
      console.log(JSON.stringify(seen));`);
    assert.deepEqual(out[0], [true, 20404, 404, "NO_PENDING_VERIFICATION", null, "https://www.twilio.com/docs/errors/20404"]);
    assert.deepEqual(out[1], [true, 60200, null, "NOT_A_NUMBER", null, "https://www.twilio.com/docs/errors/60200"]);
    assert.deepEqual(out[2].slice(0, 3), [true, 60203, 429]);
    assert.ok(out[2][4] > 0, `Retry-After in seconds: ${out[2][4]}`);
    assert.deepEqual(out[3], [true, "NETWORK_ERROR", null, null, null, null]);
  });

  test("verifySna approves through the engine's carrier with a token for channel sna; in Node the carrier's answer is readable", async () => {
    const out = runInProject(`
      import { VerifyClient, invokeSnaUrl } from "verify-edge";
      const client = new VerifyClient(${JSON.stringify(api.url)});
      const result = await client.verifySna("650 253 0022", { defaultRegion: "US", method: "GET" });
      let refused;
      try { await invokeSnaUrl("http://carrier.example/sna"); } catch (e) { refused = e.code; }
      console.log(JSON.stringify({ result, refused }));`);
    assert.equal(out.result.outcome, "approved");
    assert.equal(out.result.status, "approved");
    assert.equal(out.result.fallbackAllowed, false);
    assert.equal(out.result.invocationError, null);
    assert.equal(out.result.invocation.kind, "readable");
    assert.equal(out.result.invocation.status, 200);
    assert.equal(out.result.invocation.errorCode, 0);
    assert.equal(out.result.invocation.errorDescription, "Success");
    const { payload } = decodeJwt(out.result.token);
    assert.equal(payload.sub, "+16502530022");
    assert.equal(payload.channel, "sna");
    assert.deepEqual(payload.amr, ["hwk", "mca"]);
    assert.equal(payload.jti, out.result.sid);
    assert.ok(await signedByWorker(api.url, out.result.token), "signed by a key of the Worker's /.well-known/jwks.json");
    assert.equal(out.refused, "INSECURE_URL");
  });
});

describe("the npm package in a Worker (workerd condition)", () => {
  let worker;
  before(async () => {
    writeFileSync(join(project, "worker.js"), `
      import { normalizePhone, VerifyClient, VerifyEdgeError } from "verify-edge";
      import * as phone from "verify-edge/phone";
      export default {
        async fetch(request) {
          const url = new URL(request.url);
          if (url.pathname === "/phone") {
            return Response.json(phone.normalizePhone(url.searchParams.get("to"), url.searchParams.get("region")));
          }
          if (url.pathname === "/client") {
            // The client in workerd: global fetch, no window. The API is out of reach here, so a refused connection
            // must come back as the package's NETWORK_ERROR, and a refused URL before any fetch.
            const seen = [];
            for (const base of ["http://127.0.0.1:9", "http://api.example"]) {
              try { await new VerifyClient(base).status("VE00"); seen.push("resolved"); }
              catch (e) { seen.push(e instanceof VerifyEdgeError ? e.code : String(e)); }
            }
            return Response.json(seen);
          }
          try {
            return Response.json(normalizePhone(url.searchParams.get("to"), url.searchParams.get("region")));
          } catch (e) {
            return Response.json({ error: e instanceof VerifyEdgeError ? e.code : String(e) }, { status: 400 });
          }
        },
      };`);
    writeFileSync(join(project, "wrangler.toml"), 'name = "consumer"\nmain = "worker.js"\ncompatibility_date = "2026-11-01"\n');
    worker = await startWrangler({ cwd: project, readyPath: "/?to=%2B16502530000" });
  });
  after(() => worker?.stop());

  test("bundles and runs with the wasm imported as a module", async () => {
    const ok = await (await fetch(`${worker.url}/?to=030%20123456&region=DE`)).json();
    assert.equal(ok.e164, "+4930123456");
    const bad = await fetch(`${worker.url}/?to=nope&region=DE`);
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { error: "NOT_A_NUMBER" });
    const fromPhoneEntry = await (await fetch(`${worker.url}/phone?to=030%20123456&region=DE`)).json();
    assert.deepEqual(fromPhoneEntry, ok);
  });

  test("VerifyClient runs in workerd and maps its failures to the package's codes", async () => {
    assert.deepEqual(await (await fetch(`${worker.url}/client`)).json(), ["NETWORK_ERROR", "INSECURE_URL"]);
  });
});
