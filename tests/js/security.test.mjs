// The ways around a verification (issue 16), tried as an attacker on the internet would, against the Worker under
// workerd (`wrangler dev`). Each test here failed on the code before its defence.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { NODE22, ROOT, UNPROTECTED, devInbox, startWrangler } from "./support.mjs";

const ACCOUNT = "ACdec0de00000000000000000000000001";
const ENGINE_TOKEN = "dev-auth-token-not-secret";
const BASIC = `Basic ${btoa(`${ACCOUNT}:${ENGINE_TOKEN}`)}`;

/** Settings that development turns on, and that a Worker deployed from the committed wrangler.toml must not have. */
const DEVELOPMENT_ONLY = ["DEV_INBOX", "SNA_SIMULATOR", "SNA_SIMULATE_ERROR", "ENGINE_AUTH_TOKEN", "ENGINE_API_KEY_SECRET",
  "LIMIT_STARTS_PER_IP", "LIMIT_CHECKS_PER_IP", "LIMIT_REQUESTS_PER_IP", "VERIFICATION_LIFETIME_SECONDS", "TOMBSTONE_SECONDS",
  "SHARD_KEY", "ADMIN_TOKEN", "DELIVERY_WEBHOOK_SECRET", "TWILIO_AUTH_TOKEN", "TWILIO_API_SECRET", "TURNSTILE_SECRET_KEY",
  "APPROVAL_SIGNING_KEY", "APPROVAL_PREVIOUS_KEYS", "APPROVAL_REDEEM_SECRET", "AUTHY_API_KEYS"];

let serial = 0;
/** A fresh valid UK mobile number per call. */
const freshNumber = () => `+44740${String(process.pid % 1000).padStart(3, "0")}${String(4000 + serial++).padStart(4, "0")}`;
/** A fresh documentation IPv4 address per call. */
const freshIp = () => `198.51.100.${(serial++ % 250) + 1}`;

async function call(base, method, path, { json, headers = {}, body } = {}) {
  const init = { method, headers: { ...headers }, redirect: "manual" };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers["content-type"] = "application/json";
  } else if (body !== undefined) {
    init.body = body;
  }
  const response = await fetch(base + path, init);
  const text = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, json: parsed, text };
}

function assertError(answer, code, status, reason) {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.json.code, code, answer.text);
  if (reason) assert.equal(answer.json.details?.reason, reason, answer.text);
}

/** Runs `wrangler deploy --dry-run` on the committed wrangler.toml: what `wrangler deploy` would upload and bind. */
function dryRun() {
  const outdir = mkdtempSync(join(tmpdir(), "verify-edge-dry-run-"));
  return new Promise((resolve, reject) => {
    const child = spawn(NODE22, [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", outdir],
      { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      code === 0 ? resolve(output) : reject(new Error(`wrangler deploy --dry-run exited ${code}:\n${output.slice(-3000)}`));
    });
  });
}

describe("the committed wrangler.toml deploys a Worker with no development feature", () => {
  test("wrangler deploy --dry-run binds none of the development settings", async () => {
    const output = await dryRun();
    const vars = [...output.matchAll(/env\.([A-Z0-9_]+) \("[^"]*"\)\s+Environment Variable/g)].map((m) => m[1]);
    assert.ok(vars.includes("ENGINE_ACCOUNT_SID"), `the binding list was not read:\n${output.slice(-2000)}`);
    for (const name of DEVELOPMENT_ONLY) assert.ok(!vars.includes(name), `wrangler.toml binds ${name}`);
  });

  let deployed;
  let bare;
  before(async () => {
    // The committed wrangler.toml, as deploy reads it: no .dev.vars beside it. Its [build] step is what made
    // build/ already (this run built it), so the copy points at that build instead of building again.
    const dir = mkdtempSync(join(tmpdir(), "verify-edge-deployed-"));
    const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8").replace(/\[build\][^[]*/, "");
    writeFileSync(join(dir, "wrangler.toml"), toml);
    symlinkSync(join(ROOT, "build"), join(dir, "build"));
    // The secret an operator sets with `wrangler secret put SHARD_KEY`; one Worker runs without it.
    deployed = await startWrangler({ cwd: dir, vars: { SHARD_KEY: "a-production-shard-key-of-32-chars" } });
    bare = await startWrangler({ cwd: dir });
  });
  after(async () => {
    await deployed?.stop();
    await bare?.stop();
  });

  test("without its SHARD_KEY secret the engine fails closed", async () => {
    const refused = await call(bare.url, "POST", "/verify/start", { json: { to: freshNumber(), channel: "sms" } });
    // The engine's 20500 reaches the browser as the public API's generic upstream failure.
    assertError(refused, 20502, 502);
    assert.ok(!refused.text.includes("SHARD_KEY"), "the answer names no secret");
  });

  test("no dev inbox, no simulated carrier, and production's per-IP limit", async () => {
    const to = freshNumber();
    const config = await call(deployed.url, "GET", "/verify/config");
    assert.equal(config.json.devInbox, false);
    const ip = freshIp();
    const started = await call(deployed.url, "POST", "/verify/start", { json: { to, channel: "sms" }, headers: { "cf-connecting-ip": ip } });
    assert.equal(started.status, 201, started.text);
    assertError(await call(deployed.url, "GET", `/dev/inbox?to=${encodeURIComponent(to)}`), 20404, 404);
    assertError(await call(deployed.url, "GET", `/dev/inbox?to=${encodeURIComponent(to)}`, { headers: { authorization: BASIC } }), 20404, 404);
    // No approval key in the committed file: no JWKS and no token (never a development-signed one) until the
    // operator sets APPROVAL_SIGNING_KEY.
    assertError(await call(deployed.url, "GET", "/.well-known/jwks.json"), 20500, 500);
    // Silent Network Auth: refused as a channel the engine cannot use, and `auto` sends SMS.
    const sna = await call(deployed.url, "POST", "/verify/start", { json: { to: freshNumber(), channel: "sna" }, headers: { "cf-connecting-ip": ip } });
    assertError(sna, 60223, 400);
    const auto = await call(deployed.url, "POST", "/verify/start", { json: { to: freshNumber(), channel: "auto" }, headers: { "cf-connecting-ip": ip } });
    assert.equal(auto.status, 201, auto.text);
    assert.equal(auto.json.channel, "sms");
    assert.equal(auto.json.sna, null);
    assertError(await call(deployed.url, "GET", `/sna/${started.json.sid}/${"0".repeat(32)}`), 20404, 404);
    // No legacy Authy API until the operator sets AUTHY_API_KEYS: its routes do not exist, whatever key is sent.
    for (const operation of ["start", "check", "status"]) {
      const legacy = await call(deployed.url, operation === "start" ? "POST" : "GET", `/protected/json/phones/verification/${operation}`, {
        headers: { "x-authy-api-key": "any-key-0123456789abcdef0123456789ab" },
      });
      assertError(legacy, 20404, 404);
    }
    // The default per-IP start limit (20 an hour), not development's 200: 17 more pass, the next is refused.
    for (let i = 0; i < 17; i++) {
      const more = await call(deployed.url, "POST", "/verify/start", { json: { to: freshNumber(), channel: "sms" }, headers: { "cf-connecting-ip": ip } });
      assert.equal(more.status, 201, more.text);
    }
    const over = await call(deployed.url, "POST", "/verify/start", { json: { to: freshNumber(), channel: "sms" }, headers: { "cf-connecting-ip": ip } });
    assertError(over, 20429, 429, "RATE_LIMITED");
  });
});

describe("attacks on a development Worker", () => {
  let worker;
  before(async () => {
    worker = await startWrangler({
      vars: { ...UNPROTECTED, LIMIT_STARTS_PER_IP: "2/3600", LIMIT_AUTH_FAILURES_PER_IP: "3/600", ALLOWED_FRIENDLY_NAMES: "Acme, Acme Bank" },
    });
  });
  after(() => worker?.stop());

  test("opening an SNA URL never approves a verification whose code went out", async () => {
    const to = freshNumber();
    const client = { "cf-connecting-ip": freshIp() };
    const sms = await call(worker.url, "POST", "/verify/start", { json: { to, channel: "sms" }, headers: client });
    assert.equal(sms.status, 201, sms.text);
    // The attacker resends on sna: the same verification, now with an SNA URL the attacker can open.
    const switched = await call(worker.url, "POST", "/verify/start", { json: { to, channel: "sna" }, headers: client });
    assert.equal(switched.status, 201, switched.text);
    assert.equal(switched.json.sid, sms.json.sid);
    const opened = await fetch(switched.json.sna.url, { redirect: "follow" });
    assert.match(await opened.text(), /ErrorCode=0/);
    const noCode = await call(worker.url, "POST", "/verify/check", { json: { to } });
    assertError(noCode, 60200, 400);
    const madeUp = await call(worker.url, "POST", "/verify/check", { json: { to, code: "000000" } });
    assert.equal(madeUp.json.status, "pending", madeUp.text);
    const code = (await devInbox(worker.url, to)).at(-1).code;
    const right = await call(worker.url, "POST", "/verify/check", { json: { to, code } });
    assert.equal(right.json.status, "approved", right.text);
  });

  test("the dev inbox answers loopback clients and the engine's credentials only", async () => {
    const to = freshNumber();
    const started = await call(worker.url, "POST", "/verify/start", { json: { to, channel: "sms" }, headers: { "cf-connecting-ip": freshIp() } });
    assert.equal(started.status, 201, started.text);
    const path = `/dev/inbox?to=${encodeURIComponent(to)}`;
    assert.equal((await call(worker.url, "GET", path)).status, 200);
    const remote = { "cf-connecting-ip": "203.0.113.9" };
    assertError(await call(worker.url, "GET", path, { headers: remote }), 20003, 401);
    const withCredentials = await call(worker.url, "GET", path, { headers: { ...remote, authorization: BASIC } });
    assert.equal(withCredentials.status, 200, withCredentials.text);
    assert.equal(withCredentials.json.messages.length, 1);
  });

  test("/v2 refuses cross-site browsers, never challenges for Basic, and throttles wrong passwords", async () => {
    const services = `/v2/Services`;
    const ok = await call(worker.url, "GET", services, { headers: { authorization: BASIC } });
    assert.equal(ok.status, 200, ok.text);
    // A page elsewhere that makes the browser POST Status=approved with credentials it remembered.
    const fromPage = { authorization: BASIC, origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" };
    assertError(await call(worker.url, "POST", `${services}`, { headers: fromPage, body: "FriendlyName=x" }), 20403, 403, "CROSS_SITE_REFUSED");
    const fetchMetadata = { authorization: BASIC, "sec-fetch-site": "cross-site" };
    assertError(await call(worker.url, "GET", services, { headers: fetchMetadata }), 20403, 403, "CROSS_SITE_REFUSED");
    const wrong = await call(worker.url, "GET", services, { headers: { authorization: `Basic ${btoa(`${ACCOUNT}:guess`)}` } });
    assertError(wrong, 20003, 401);
    assert.equal(wrong.headers.get("www-authenticate"), null);
    // Three wrong passwords from one client (an IPv6 /64), then even the right one waits; another client does not.
    const guesser = (host) => ({ "cf-connecting-ip": `2001:db8:77:1::${host}` });
    for (let i = 1; i <= 3; i++) {
      assertError(await call(worker.url, "GET", services, { headers: { ...guesser(i), authorization: `Basic ${btoa(`${ACCOUNT}:guess${i}`)}` } }), 20003, 401);
    }
    const locked = await call(worker.url, "GET", services, { headers: { ...guesser(99), authorization: BASIC } });
    assertError(locked, 20429, 429, "TOO_MANY_LOGIN_FAILURES");
    assert.ok(Number(locked.headers.get("retry-after")) >= 1);
    const other = await call(worker.url, "GET", services, { headers: { "cf-connecting-ip": "2001:db8:77:2::1", authorization: BASIC } });
    assert.equal(other.status, 200, other.text);
  });

  test("every route stops reading its body at its cap, chunked or not", async () => {
    const chunked = (bytes) => new ReadableStream({
      start(controller) {
        for (let sent = 0; sent < bytes; sent += 1024) controller.enqueue(new TextEncoder().encode(" ".repeat(1024)));
        controller.close();
      },
    });
    const post = async (path, bytes, headers) => {
      const response = await fetch(worker.url + path, { method: "POST", headers, body: chunked(bytes), duplex: "half" });
      await response.body?.cancel();
      return response.status;
    };
    const json = { "content-type": "application/json", "cf-connecting-ip": freshIp() };
    assert.equal(await post("/verify/start", 17 * 1024, json), 413);
    assert.equal(await post("/verify/check", 17 * 1024, json), 413);
    assert.equal(await post("/normalize", 129 * 1024, json), 413);
    const form = { "content-type": "application/x-www-form-urlencoded", authorization: BASIC };
    assert.equal(await post("/v2/Services", 65 * 1024, form), 413);
    // Under the caps the same routes read the body as before.
    const small = await call(worker.url, "POST", "/normalize", { json: { to: "+447400123456" } });
    assert.equal(small.status, 200, small.text);
  });

  test("a SID gives away no more than the number's last digits", async () => {
    const to = "+447400123987";
    const started = await call(worker.url, "POST", "/verify/start", { json: { to, channel: "sms" }, headers: { "cf-connecting-ip": freshIp() } });
    assert.equal(started.status, 201, started.text);
    const status = await call(worker.url, "GET", `/verify/status/${started.json.sid}`);
    assert.equal(status.status, 200, status.text);
    assert.equal(status.json.to, "+********3987");
    assert.ok(!status.text.includes("7400123"), status.text);
  });

  test("an IPv6 client is one client for its whole /64", async () => {
    const start = (ip) => call(worker.url, "POST", "/verify/start", { json: { to: freshNumber(), channel: "sms" }, headers: { "cf-connecting-ip": ip } });
    assert.equal((await start("2001:db8:aa:bb::1")).status, 201);
    assert.equal((await start("2001:db8:aa:bb:ffff:ffff:ffff:fffe")).status, 201);
    assertError(await start("2001:db8:aa:bb:1234::5"), 20429, 429, "RATE_LIMITED");
    assert.equal((await start("2001:db8:aa:bc::1")).status, 201);
  });

  test("an email address is one verification and one counter whatever its case", async () => {
    const ip = freshIp();
    const local = `victim${serial++}`;
    const first = await call(worker.url, "POST", "/verify/start", { json: { to: `${local}@example.com`, channel: "email" }, headers: { "cf-connecting-ip": ip } });
    assert.equal(first.status, 201, first.text);
    const again = await call(worker.url, "POST", "/verify/start", { json: { to: `${local.toUpperCase()}@Example.com`, channel: "email" }, headers: { "cf-connecting-ip": freshIp() } });
    assert.equal(again.status, 201, again.text);
    assert.equal(again.json.sid, first.json.sid);
    assert.equal(again.json.sendCodeAttempts, 2);
  });

  test("callers may not write the sender name, except a name the operator allows", async () => {
    const refused = await call(worker.url, "POST", "/verify/start", { json: { to: freshNumber(), channel: "sms", customFriendlyName: "Your bank: call +1 555 0100" }, headers: { "cf-connecting-ip": freshIp() } });
    assertError(refused, 60200, 400, "NOT_ALLOWED");
    assert.equal(refused.json.message, "Invalid parameter: customFriendlyName");
    const allowed = await call(worker.url, "POST", "/verify/start", { json: { to: freshNumber(), channel: "sms", customFriendlyName: "Acme Bank" }, headers: { "cf-connecting-ip": freshIp() } });
    assert.equal(allowed.status, 201, allowed.text);
  });
});

describe("the pumping detector and refusals that cost", () => {
  const ADMIN = "admin-token-for-tests";
  let pumping;
  let metered;
  before(async () => {
    const detector = { ...UNPROTECTED, PUMPING: "on", PUMPING_MIN_SENDS: "6", PUMPING_MIN_CONVERSION: "0.3", ADMIN_TOKEN: ADMIN };
    pumping = await startWrangler({ vars: detector });
    metered = await startWrangler({ vars: { ...UNPROTECTED, LIMIT_REQUESTS_PER_IP: "5/3600" } });
  });
  after(async () => {
    await pumping?.stop();
    await metered?.stop();
  });

  /** Valid US area codes, one per test: each its own prefix. */
  const AREAS = ["212", "312", "415", "503", "617", "713", "919"];
  const nextArea = () => AREAS.shift();
  const us = (code, i) => `+1${code}555${String(1000 + i).padStart(4, "0")}`;
  const start = (base, to, ip) => call(base, "POST", "/verify/start", { json: { to, channel: "sms" }, headers: { "cf-connecting-ip": ip } });

  test("a send the upstream refused is not counted", async () => {
    const to = us(nextArea(), 1);
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await start(pumping.url, to, freshIp())).json?.code ?? 201);
    // Five sends, then the engine's own 60203: never the pumping detector's 60410.
    assert.deepEqual(statuses, [201, 201, 201, 201, 201, 60203, 60203, 60203, 60203, 60203]);
  });

  test("one client alone cannot trip the detector for everyone", async () => {
    const prefix = nextArea();
    const ip = freshIp();
    for (let i = 0; i < 12; i++) {
      const answer = await start(pumping.url, us(prefix, i), ip);
      assert.equal(answer.status, 201, `send ${i}: ${answer.text}`);
    }
  });

  test("many clients trip it, and the operator lifts the block", async () => {
    const prefix = nextArea();
    const statuses = [];
    for (let i = 0; i < 10; i++) {
      const answer = await start(pumping.url, us(prefix, i), freshIp());
      statuses.push(answer.json?.code ?? answer.status);
      if (answer.status === 403) break;
    }
    assert.deepEqual(statuses.at(-1), 60410, JSON.stringify(statuses));
    const admin = { authorization: `Bearer ${ADMIN}` };
    const listed = await call(pumping.url, "GET", "/admin/pumping-blocks", { headers: admin });
    assert.ok(listed.json.blocks.some((b) => b.prefix === `+1${prefix}`), listed.text);
    assertError(await call(pumping.url, "DELETE", `/admin/pumping-blocks/${encodeURIComponent(`+1${prefix}`)}`), 20003, 401);
    const lifted = await call(pumping.url, "DELETE", `/admin/pumping-blocks/${encodeURIComponent(`+1${prefix}`)}`, { headers: admin });
    assert.equal(lifted.status, 204, lifted.text);
    assert.equal((await start(pumping.url, us(prefix, 50), freshIp())).status, 201);
    const after = await call(pumping.url, "GET", "/admin/pumping-blocks", { headers: admin });
    assert.ok(!after.json.blocks.some((b) => b.prefix === `+1${prefix}`), after.text);
    assertError(await call(pumping.url, "DELETE", `/admin/pumping-blocks/${encodeURIComponent("+1999")}`, { headers: admin }), 20404, 404);
  });

  test("every public request costs its client, refusals included", async () => {
    for (const [path, method] of [["/verify/status/VE" + "0".repeat(32), "GET"], ["/sna/VE" + "0".repeat(32) + "/x", "GET"], ["/normalize", "POST"]]) {
      const ip = freshIp();
      for (let i = 0; i < 5; i++) {
        const answer = await call(metered.url, method, path, { headers: { "cf-connecting-ip": ip }, json: method === "POST" ? { to: "nope" } : undefined });
        assert.notEqual(answer.status, 429, `${path} ${i}: ${answer.text}`);
      }
      const over = await call(metered.url, method, path, { headers: { "cf-connecting-ip": ip }, json: method === "POST" ? { to: "nope" } : undefined });
      assertError(over, 20429, 429, "RATE_LIMITED");
      assert.ok(Number(over.headers.get("retry-after")) >= 1);
    }
  });
});
