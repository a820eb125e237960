// Abuse protection in the public API, under workerd (`wrangler dev`): every rate limit under a burst of concurrent
// requests from a second process, Turnstile (against a loopback stand-in that speaks siteverify's wire format:
// Cloudflare's API is out of reach from here), geo permissions and number types, and the pumping detector with its
// admin route. Limits are set small (a few per 3 s) so windows pass within the test.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { promisify } from "node:util";
import libphonenumber from "google-libphonenumber";
import { after, before, describe, test } from "node:test";
import { ROOT, devInbox, safeList as safeListOn, startWrangler } from "./support.mjs";

const run = promisify(execFile);
const { PhoneNumberUtil } = libphonenumber;
const SECRET = "turnstile-secret-for-tests";
const ADMIN = "admin-token-for-tests";
const PASS = "token-that-passes";

let worker;
let strict;
let siteverify;
const siteverifyCalls = [];
let siteverifyDown = false;

/** Fires `requests` at once from a second Node process; returns each answer's status, Retry-After, code, reason. */
async function burst(requests) {
  const { stdout } = await run(process.execPath, [`${ROOT}/tests/js/burst.mjs`, JSON.stringify(requests)], { timeout: 60_000 });
  return JSON.parse(stdout);
}

let ipSerial = 0;
const ip = () => `198.51.100.${(ipSerial = (ipSerial % 250) + 1)}`;

async function start(base, body, headers = {}) {
  const response = await fetch(`${base}/verify/start`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": ip(), ...headers },
    body: JSON.stringify({ turnstileToken: PASS, ...body }),
  });
  return { status: response.status, headers: response.headers, json: await response.json() };
}

async function codeFor(to) {
  return (await devInbox(worker.url, to)).at(-1)?.code;
}

/** Puts a number on the engine's SafeList, with the dev account's credentials. */
const safeList = (number) =>
  safeListOn(worker.url, number, "ACdec0de00000000000000000000000001:dev-auth-token-not-secret");

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Asserts at most `limit` passed and every other answer is a 429 with `code` and a Retry-After. */
function assertLimited(answers, limit, code, passStatus = 201) {
  const passed = answers.filter((a) => a.status === passStatus);
  const refused = answers.filter((a) => a.status === 429);
  assert.equal(passed.length + refused.length, answers.length, JSON.stringify(answers));
  assert.ok(passed.length <= limit, `${passed.length} passed, limit ${limit}`);
  assert.ok(passed.length >= 1, "the limit let none through");
  assert.ok(refused.length >= answers.length - limit);
  for (const a of refused) {
    assert.equal(a.code, code);
    assert.ok(Number(a.retryAfter) >= 1, `Retry-After ${a.retryAfter}`);
  }
  return Math.max(...refused.map((a) => Number(a.retryAfter)));
}

// Distinct US area codes, one number prefix each (country code + 3 national digits): those where Google's
// libphonenumber finds +1 AAA 555 1xxx valid.
const phoneUtil = PhoneNumberUtil.getInstance();
const AREAS = [];
for (let area = 201; area < 990; area++) {
  if (phoneUtil.isValidNumber(phoneUtil.parse(`+1${area}5551000`))) AREAS.push(area);
}
let areaIndex = 0;
const nextArea = () => {
  assert.ok(areaIndex < AREAS.length, "out of area codes");
  return AREAS[areaIndex++];
};
const us = (area, n) => `+1${area}555${String(1000 + n).slice(-4)}`;

before(async () => {
  siteverify = createServer(async (req, res) => {
    if (siteverifyDown) return req.socket.destroy();
    let body = "";
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    siteverifyCalls.push({ contentType: req.headers["content-type"], secret: form.get("secret"), response: form.get("response"), remoteip: form.get("remoteip") });
    const ok = form.get("secret") === SECRET && form.get("response") === PASS;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(ok
      ? { success: true, challenge_ts: new Date().toISOString(), hostname: "127.0.0.1", "error-codes": [], action: "", cdata: "" }
      : { success: false, "error-codes": ["invalid-input-response"] }));
  });
  await new Promise((ok) => siteverify.listen(0, "127.0.0.1", ok));
  const common = {
    ADMIN_TOKEN: ADMIN,
    LIMIT_STARTS_PER_IP: "4/3",
    LIMIT_STARTS_PER_TO: "3/3",
    LIMIT_STARTS_PER_PREFIX: "4/3",
    LIMIT_CHECKS_PER_IP: "5/3",
    LIMIT_CHECKS_PER_VERIFICATION: "3/3",
    LIMIT_STARTS_PER_SERVICE: "off",
    GEO_DENY_SMS: "CU",
    GEO_ALLOW_CALL: "US,GB",
    PUMPING_MIN_SENDS: "6",
    PUMPING_MIN_CONVERSION: "0.3",
    PUMPING_WINDOW_SECONDS: "600",
    PUMPING_COOLDOWN_SECONDS: "600",
  };
  worker = await startWrangler({
    vars: { ...common, TURNSTILE_SECRET_KEY: SECRET, TURNSTILE_VERIFY_URL: `http://127.0.0.1:${siteverify.address().port}/siteverify` },
  });
  // A second Worker with a Service-wide cap (and no bot check).
  strict = await startWrangler({ vars: { ...common, LIMIT_STARTS_PER_SERVICE: "5/3", LIMIT_STARTS_PER_IP: "off" } });
});

after(async () => {
  await Promise.all([worker?.stop(), strict?.stop()]);
  await new Promise((ok) => (siteverify ? siteverify.close(ok) : ok()));
});

describe("rate limits under concurrent bursts", () => {
  test("starts per IP: at most the limit, the rest 429 20429 with Retry-After, and after it they pass again", async () => {
    const client = "203.0.113.7";
    const requests = Array.from({ length: 10 }, (_, i) => ({
      url: `${worker.url}/verify/start`,
      headers: { "cf-connecting-ip": client },
      body: { to: us(nextArea(), i), channel: "sms", turnstileToken: PASS },
    }));
    const wait = assertLimited(await burst(requests), 4, 20429);
    await sleep(wait * 1000 + 200);
    const again = await start(worker.url, { to: us(nextArea(), 1), channel: "sms" }, { "cf-connecting-ip": client });
    assert.equal(again.status, 201, JSON.stringify(again.json));
  });

  test("starts per recipient: 60203, as Twilio answers too many sends", async () => {
    const to = us(nextArea(), 7);
    const requests = Array.from({ length: 8 }, () => ({
      url: `${worker.url}/verify/start`, headers: { "cf-connecting-ip": ip() }, body: { to, channel: "sms", turnstileToken: PASS },
    }));
    const wait = assertLimited(await burst(requests), 3, 60203);
    const messages = await devInbox(worker.url, to);
    assert.ok(messages.length <= 3, `${messages.length} codes went out`);
    await sleep(wait * 1000 + 200);
    assert.equal((await start(worker.url, { to, channel: "sms" })).status, 201);
  });

  test("starts per number prefix", async () => {
    const area = nextArea();
    const requests = Array.from({ length: 9 }, (_, i) => ({
      url: `${worker.url}/verify/start`, headers: { "cf-connecting-ip": ip() }, body: { to: us(area, i), channel: "sms", turnstileToken: PASS },
    }));
    assertLimited(await burst(requests), 4, 20429);
  });

  test("checks per verification, and checks per IP", async () => {
    const to = us(nextArea(), 3);
    assert.equal((await start(worker.url, { to, channel: "sms" })).status, 201);
    const perVerification = Array.from({ length: 7 }, () => ({
      url: `${worker.url}/verify/check`, headers: { "cf-connecting-ip": ip() }, body: { to, code: "0000" },
    }));
    assertLimited(await burst(perVerification), 3, 20429, 200);

    const client = "203.0.113.8";
    const perIp = Array.from({ length: 9 }, (_, i) => ({
      url: `${worker.url}/verify/check`, headers: { "cf-connecting-ip": client }, body: { to: us(nextArea(), i), code: "0000" },
    }));
    const answers = await burst(perIp);
    const refused = answers.filter((a) => a.status === 429);
    assert.ok(refused.length >= 4, JSON.stringify(answers));
    assert.ok(refused.every((a) => a.code === 20429 && Number(a.retryAfter) >= 1));
    assert.ok(answers.filter((a) => a.status !== 429).length <= 5);
  });

  test("a Service-wide cap holds across many clients", async () => {
    const requests = Array.from({ length: 12 }, (_, i) => ({
      url: `${strict.url}/verify/start`, headers: { "cf-connecting-ip": ip() }, body: { to: us(nextArea(), i), channel: "sms" },
    }));
    const wait = assertLimited(await burst(requests), 5, 20429);
    await sleep(wait * 1000 + 200);
    assert.equal((await start(strict.url, { to: us(nextArea(), 9), channel: "sms" })).status, 201);
  });
});

describe("Turnstile", () => {
  test("missing, refused and accepted tokens; siteverify gets the secret, the token and the client IP", async () => {
    const to = us(nextArea(), 1);
    const missing = await fetch(`${worker.url}/verify/start`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to, channel: "sms" }),
    });
    assert.equal(missing.status, 400);
    const m = await missing.json();
    assert.equal(m.message, "Invalid parameter: turnstileToken");
    assert.equal(m.details.reason, "TURNSTILE_MISSING");

    const refused = await start(worker.url, { to, channel: "sms", turnstileToken: "forged" });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.code, 20403);
    assert.equal(refused.json.details.reason, "TURNSTILE_FAILED");
    assert.match(refused.json.details.description, /invalid-input-response/);

    const calls = siteverifyCalls.length;
    const form = await fetch(`${worker.url}/verify/start`, {
      method: "POST",
      headers: { "cf-connecting-ip": "192.0.2.44" },
      body: new URLSearchParams({ to, channel: "sms", "cf-turnstile-response": PASS }),
    });
    assert.equal(form.status, 201, "the widget's own form field is read");
    const call = siteverifyCalls[calls];
    assert.deepEqual(call, { contentType: "application/x-www-form-urlencoded", secret: SECRET, response: PASS, remoteip: "192.0.2.44" });
    assert.ok(!JSON.stringify(await form.json()).includes(SECRET));
  });

  test("siteverify unreachable fails closed with a clear error", async () => {
    siteverifyDown = true;
    const answer = await start(worker.url, { to: us(nextArea(), 2), channel: "sms" });
    siteverifyDown = false;
    assert.equal(answer.status, 503);
    assert.equal(answer.json.code, 20503);
    assert.equal(answer.json.details.reason, "TURNSTILE_UNAVAILABLE");
  });
});

describe("geo permissions and number types", () => {
  test("a denied country is 60605 (403) on that channel only; an allow-list refuses everything else", async () => {
    const cuba = "+5352345678";
    const sms = await start(worker.url, { to: cuba, channel: "sms" });
    assert.equal(sms.status, 403);
    assert.equal(sms.json.code, 60605);
    assert.equal(sms.json.details.reason, "GEO_PERMISSION");
    assert.equal((await start(worker.url, { to: cuba, channel: "whatsapp" })).status, 201, "GEO_DENY_SMS is for sms");
    const germany = await start(worker.url, { to: "+4915123456789", channel: "call" });
    assert.equal(germany.status, 403, "GEO_ALLOW_CALL lists US and GB only");
    assert.equal(germany.json.code, 60605);
    assert.equal((await start(worker.url, { to: us(nextArea(), 4), channel: "call" })).status, 201);

    await safeList("+5352345670");
    assert.equal((await start(worker.url, { to: "+5352345670", channel: "sms" })).status, 201, "the SafeList lifts geo permissions");
  });

  test("premium-rate and shared-cost numbers are refused for sms, call and whatsapp, not for sna, unless safe-listed", async () => {
    for (const [to, kind] of [["+19002345678", "premium_rate"], ["+33884012345", "shared_cost"]]) {
      const refused = await start(worker.url, { to, channel: "sms" });
      assert.equal(refused.status, 403, `${to}: ${JSON.stringify(refused.json)}`);
      assert.equal(refused.json.code, 60605);
      assert.equal(refused.json.details.reason, "NUMBER_TYPE_REFUSED");
      assert.match(refused.json.details.description, new RegExp(kind));
    }
    assert.equal((await start(worker.url, { to: "+19002345678", channel: "sna" })).status, 201);
    await safeList("+19002345679");
    assert.equal((await start(worker.url, { to: "+19002345679", channel: "sms" })).status, 201);
  });
});

describe("the pumping detector", () => {
  test("blocks a prefix under a synthetic attack (no approvals) while a prefix with normal conversion keeps working", async () => {
    const attacked = nextArea();
    const healthy = nextArea();
    const statuses = [];
    // Sequential, from many IPs, under the per-prefix limit's pace: what a distributed pumping run looks like.
    for (let i = 0; i < 9; i++) {
      const answer = await start(worker.url, { to: us(attacked, 100 + i), channel: "sms" });
      statuses.push([answer.status, answer.json.code]);
      if (answer.status === 429) {
        await sleep(Number(answer.headers.get("retry-after")) * 1000);
        i -= 1;
        statuses.pop();
      }
      if (answer.status === 403) break;
    }
    const last = statuses.at(-1);
    assert.deepEqual(last, [403, 60410], JSON.stringify(statuses));
    assert.ok(statuses.length >= 6, "blocked only after the minimum volume");
    const after = await start(worker.url, { to: us(attacked, 200), channel: "sms" });
    assert.equal(after.status, 403);
    assert.equal(after.json.details.reason, "PREFIX_BLOCKED");
    await safeList(us(attacked, 201));
    assert.equal((await start(worker.url, { to: us(attacked, 201), channel: "sms" })).status, 201, "the SafeList lifts a pumping block");

    // The healthy prefix: every verification completed.
    for (let i = 0; i < 8; i++) {
      const to = us(healthy, 300 + i);
      let started = await start(worker.url, { to, channel: "sms" });
      while (started.status === 429) {
        await sleep(Number(started.headers.get("retry-after")) * 1000);
        started = await start(worker.url, { to, channel: "sms" });
      }
      assert.equal(started.status, 201, JSON.stringify(started.json));
      const checked = await fetch(`${worker.url}/verify/check`, {
        method: "POST", headers: { "content-type": "application/json", "cf-connecting-ip": ip() }, body: JSON.stringify({ to, code: await codeFor(to) }),
      });
      assert.equal((await checked.json()).status, "approved");
    }

    const unauthorized = await fetch(`${worker.url}/admin/pumping-blocks`, { headers: { authorization: "Bearer wrong" } });
    assert.equal(unauthorized.status, 401);
    const listed = await fetch(`${worker.url}/admin/pumping-blocks`, { headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(listed.status, 200);
    const { blocks } = await listed.json();
    assert.ok(blocks.some((b) => b.prefix === `+1${attacked}` && b.code === 60410 && Date.parse(b.blockedUntil) > Date.now()), JSON.stringify(blocks));
    assert.ok(!blocks.some((b) => b.prefix === `+1${healthy}`));
  });

  test("refusals are logged with their reason, never with the whole number", async () => {
    await sleep(300);
    const log = worker.output();
    assert.match(log, /refused start to \+\*+\d{4}: (GEO_PERMISSION|NUMBER_TYPE_REFUSED|PREFIX_BLOCKED)/);
    for (const full of ["+4915123456789", "+33884012345"]) {
      assert.ok(!log.includes(full), `${full} is in the log`);
    }
    assert.match(log, /pumping detector blocked \+1\d{3}/);
  });
});
