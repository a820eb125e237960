// The legacy Authy phone verification API (/protected/{json|xml}/phones/verification/...) of a running Worker
// (workerd, `wrangler dev`), driven by the official clients, unchanged, pointed at it: npm `authy` 1.4.0 (the key in
// the query, a form body even on GET), npm `authy-client` 1.1.4 (which holds every answer to its own asserts) and
// PyPI `authy` 2.2.6 (tests/python/authy_v1.py). In engine mode, and in Twilio mode: a second Worker whose
// VERIFY_BASE_URL is the first's /v2, with a Verify Service per code length (AUTHY_SERVICE_SIDS). Codes come from
// the engine's dev inbox, as a phone would receive them.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { ROOT, UNPROTECTED, cacheDir, devInbox, startWrangler } from "./support.mjs";

const require = createRequire(import.meta.url);
const Authy = require("authy");
const { Client: AuthyClient } = require("authy-client");

const KEY = "authy-v1-test-key-0123456789abcdef";
const OTHER_KEY = "authy-v1-test-other-key-0123456789ab";
const API_KEY = "SKdec0de00000000000000000000000001";
const API_SECRET = "authy-v1-test-api-secret";
const ACCOUNT = "ACdec0de00000000000000000000000001";
const V2 = { authorization: `Basic ${btoa(`${API_KEY}:${API_SECRET}`)}` };
const LIFETIME_SECONDS = 4;
const STARTS_PER_KEY = 4;

const vars = (extra = {}) => ({
  ...UNPROTECTED,
  AUTHY_API_KEYS: `${KEY}, ${OTHER_KEY}`,
  ENGINE_API_KEY_SID: API_KEY, ENGINE_API_KEY_SECRET: API_SECRET,
  ...extra,
});

/** A Service of the engine at `base` for `length`-digit codes, custom codes allowed (as Twilio support enables). */
async function createService(base, length) {
  const response = await fetch(`${base}/v2/Services`, {
    method: "POST",
    headers: { ...V2, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ FriendlyName: `Legacy ${length}`, CodeLength: String(length), CustomCodeEnabled: "true" }),
  });
  const text = await response.text();
  assert.equal(response.status, 201, text);
  return JSON.parse(text).sid;
}

/** An engine Worker and a Twilio-mode Worker in front of it, both with the legacy API on; `extra` vars for both. */
async function startPair(extra = {}) {
  const engine = await startWrangler({ vars: vars(extra) });
  const services = [];
  for (const length of [4, 6, 8]) services.push(`${length}=${await createService(engine.url, length)}`);
  const proxy = await startWrangler({
    vars: vars({
      TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_API_KEY: API_KEY, TWILIO_API_SECRET: API_SECRET,
      VERIFY_SERVICE_SID: services[0].slice(2), VERIFY_BASE_URL: engine.url,
      AUTHY_SERVICE_SIDS: services.join(","),
      ...extra,
    }),
  });
  return { engine, proxy, stop: async () => { await proxy.stop(); await engine.stop(); } };
}

let pair;
let short;
before(async () => {
  pair = await startPair();
  // The short-lived pair also carries the limits and rules the security tests below hold the legacy API to.
  short = await startPair({
    VERIFICATION_LIFETIME_SECONDS: String(LIFETIME_SECONDS), TOMBSTONE_SECONDS: "60",
    LIMIT_STARTS_PER_API_KEY: `${STARTS_PER_KEY}/3600`, GEO_DENY: "GB", REFUSED_NUMBER_TYPES: "premium_rate",
  });
});
after(async () => {
  await pair?.stop();
  await short?.stop();
});

let n = 0;
/** A fresh US number, national digits with dashes (as Authy's examples write them). */
const nextNumber = () => {
  const line = String(2000 + n++).padStart(4, "0");
  return { national: `650-555-${line}`, e164: `+1650555${line}` };
};

/** The codes the engine sent to `e164` (the engine's inbox in both modes: it is the one that sends). */
const codes = async (engineUrl, e164) => (await devInbox(engineUrl, e164)).map((m) => m.code);

/** npm `authy`'s callback API as a promise: `{ err, res }`. */
const call = (fn, ...args) => new Promise((ok) => fn(...args, (err, res) => ok({ err, res })));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

for (const mode of ["engine", "twilio"]) {
  describe(`${mode} mode`, () => {
    const base = () => (mode === "engine" ? pair.engine.url : pair.proxy.url);
    const engineUrl = () => pair.engine.url;

    test("npm authy 1.4.0: start, repeat (same code), status, wrong code, right code, status verified, 60023", async () => {
      const phones = new Authy(KEY, base()).phones();
      const { national, e164 } = nextNumber();
      const started = await call(phones.verification_start, national, "1", { via: "sms", locale: "en" });
      assert.equal(started.err, null, JSON.stringify(started.err));
      assert.equal(started.res.success, true);
      assert.equal(started.res.message, `Text message sent to +1 ${national}.`);
      assert.match(started.res.uuid, UUID);
      assert.ok(started.res.seconds_to_expire > 590 && started.res.seconds_to_expire <= 600, started.res.seconds_to_expire);
      assert.equal(typeof started.res.is_cellphone, "boolean");
      assert.equal(started.res.sms_id, undefined, "no sms_id without a custom code");
      const [code] = await codes(engineUrl(), e164);
      assert.match(code, /^\d{4}$/, "4 digits by default");

      const again = await call(phones.verification_start, national, "1", "sms");
      assert.equal(again.err, null);
      assert.equal(again.res.uuid, started.res.uuid, "the same verification");
      assert.deepEqual(await codes(engineUrl(), e164), [code, code], "a repeat within the code's life sends the same code");

      const pending = await call(phones.verification_status, national, "1");
      assert.deepEqual([pending.err, pending.res.status, pending.res.message], [null, "pending", "Phone Verification status."]);

      const wrong = await call(phones.verification_check, national, "1", code === "0000" ? "1111" : "0000");
      assert.equal(wrong.res, undefined);
      assert.deepEqual(wrong.err, {
        error_code: "60022", message: "Verification code is incorrect",
        errors: { message: "Verification code is incorrect" }, success: false,
      });
      const right = await call(phones.verification_check, national, "1", code);
      assert.deepEqual(right, { err: null, res: { message: "Verification code is correct.", success: true } });

      const verified = await call(phones.verification_status, national, "1");
      assert.deepEqual([verified.err, verified.res.status], [null, "verified"]);
      const spent = await call(phones.verification_check, national, "1", code);
      assert.equal(spent.err.error_code, "60023");
      assert.equal(spent.err.message, `No pending verifications for +1 ${national} found.`);
    });

    test("npm authy 1.4.0: custom code (answered with sms_id), code_length 6, a call, a bad number, a bad key", async () => {
      const phones = new Authy(KEY, base()).phones();
      const custom = nextNumber();
      const started = await call(phones.verification_start, custom.national, "1", { via: "sms", custom_code: "80417" });
      assert.equal(started.err, null, JSON.stringify(started.err));
      assert.match(started.res.sms_id, UUID);
      assert.deepEqual(await codes(engineUrl(), custom.e164), ["80417"]);
      const right = await call(phones.verification_check, custom.national, "1", "80417");
      assert.equal(right.res?.message, "Verification code is correct.", JSON.stringify(right.err));

      const six = nextNumber();
      assert.equal((await call(phones.verification_start, six.national, "1", { via: "sms", code_length: "6" })).err, null);
      const [code] = await codes(engineUrl(), six.e164);
      assert.match(code, /^\d{6}$/);
      assert.equal((await call(phones.verification_check, six.national, "1", code)).res?.success, true);

      const voice = nextNumber();
      const called = await call(phones.verification_start, voice.national, "1", "call");
      assert.equal(called.res.message, `Call to +1 ${voice.national} initiated.`);
      assert.equal((await devInbox(engineUrl(), voice.e164))[0].channel, "call");

      const bad = await call(phones.verification_start, "555", "1", "sms");
      assert.deepEqual([bad.err.error_code, bad.err.message], ["60033", "Phone number is invalid"]);
      const missing = await call(phones.verification_start, "650-555-1234", undefined, "sms");
      assert.equal(missing.err.message, "Invalid parameter: country_code - Parameter is required");
      const wrongKey = await call(new Authy("not-a-key", base()).phones().verification_start, nextNumber().national, "1", "sms");
      assert.deepEqual([wrongKey.err.error_code, wrongKey.err.message], ["60001", "Invalid API key"]);
    });

    test("authy-client 1.1.4: start and verifyPhone pass its asserts; wrong code, bad key and unknown number are HttpErrors", async () => {
      const client = new AuthyClient({ key: OTHER_KEY }, { host: base() });
      const { national, e164 } = nextNumber();
      const started = await client.startPhoneVerification({ countryCode: "US", phone: national, via: "sms" });
      assert.equal(started.success, true);
      assert.equal(started.message, `Text message sent to +1 ${national}.`);
      const [code] = await codes(engineUrl(), e164);
      await assert.rejects(client.verifyPhone({ countryCode: "US", phone: national, token: code === "0000" ? "1111" : "0000" }), (e) => {
        assert.equal(e.name, "HttpError");
        assert.equal(e.code, 401);
        assert.equal(e.message, "Verification code is incorrect");
        assert.equal(e.body.error_code, "60022");
        return true;
      });
      const verified = await client.verifyPhone({ countryCode: "US", phone: national, token: code });
      assert.deepEqual(verified, { message: "Verification code is correct.", success: true });
      await assert.rejects(client.verifyPhone({ countryCode: "US", phone: national, token: code }), (e) => {
        assert.deepEqual([e.code, e.body.error_code], [404, "60023"]);
        return true;
      });
      const stranger = new AuthyClient({ key: "a-key-nobody-configured-0123456789" }, { host: base() });
      await assert.rejects(stranger.startPhoneVerification({ countryCode: "US", phone: nextNumber().national, via: "sms" }), (e) => {
        assert.deepEqual([e.code, e.message, e.body.error_code], [401, "Invalid API key", "60001"]);
        return true;
      });
    });

    test("PyPI authy 2.2.6: the same lifecycle, custom code and code length, bad number, bad key", async () => {
      const numbers = Array.from({ length: 4 }, nextNumber);
      const { stdout } = await promisify(execFile)(
        "python3",
        [join(ROOT, "tests/python/authy_v1.py"), base(), engineUrl(), KEY, JSON.stringify(numbers)],
        { env: { ...process.env, PYTHONPATH: join(cacheDir, "python") }, timeout: 120_000 },
      );
      const result = JSON.parse(stdout.trim().split("\n").at(-1));
      assert.equal(result.client, "authy-python 2.2.6");
      assert.deepEqual(result.checked, [
        "start: 4 digits, Authy's answer", "repeat start: same uuid, same code", "wrong code: 60022 (401)",
        "right code", "spent: 60023 (404)", "code_length 8", "bad number: 60033 (400)", "bad key: 60001 (401)",
      ]);
    });

    test("status by uuid, and in XML; a status for a uuid or a number nobody started is 60023", async () => {
      const { national, e164 } = nextNumber();
      const started = await call(new Authy(KEY, base()).phones().verification_start, national, "1", "sms");
      const headers = { "X-Authy-API-Key": KEY };
      const byUuid = await fetch(`${base()}/protected/json/phones/verification/status?uuid=${started.res.uuid}`, { headers });
      assert.equal(byUuid.status, 200);
      const body = await byUuid.json();
      assert.deepEqual(Object.keys(body), ["message", "status", "seconds_to_expire", "success"]);
      assert.equal(body.status, "pending");
      const xml = await fetch(`${base()}/protected/xml/phones/verification/status?uuid=${started.res.uuid}`, { headers });
      assert.equal(xml.status, 200);
      assert.match(xml.headers.get("content-type"), /^application\/xml/);
      const text = await xml.text();
      assert.match(text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<hash>\n/);
      assert.match(text, /<status>pending<\/status>/);
      assert.match(text, /<seconds-to-expire type="integer">\d+<\/seconds-to-expire>/);
      const [code] = await codes(engineUrl(), e164);
      const xmlCheck = await fetch(
        `${base()}/protected/xml/phones/verification/check?country_code=1&phone_number=${national}&verification_code=${code}`,
        { headers },
      );
      assert.equal(xmlCheck.status, 200);
      assert.match(await xmlCheck.text(), /<message>Verification code is correct.<\/message>\n  <success type="boolean">true<\/success>/);
      const unknown = await fetch(`${base()}/protected/json/phones/verification/status?uuid=00000000-0000-0000-0000-000000000000`, { headers });
      assert.deepEqual([unknown.status, (await unknown.json()).error_code], [404, "60023"]);
      const nobody = await fetch(`${base()}/protected/json/phones/verification/status?country_code=1&phone_number=${nextNumber().national}`, { headers });
      assert.deepEqual([nobody.status, (await nobody.json()).error_code], [404, "60023"]);
      const neither = await fetch(`${base()}/protected/json/phones/verification/status`, { headers });
      assert.deepEqual([neither.status, (await neither.json()).error_code], [400, "60042"]);
    });

    test("expiry: after the code's life, status says expired and a check is 60023", async () => {
      const target = mode === "engine" ? short.engine.url : short.proxy.url;
      const phones = new Authy(KEY, target).phones();
      const { national } = nextNumber();
      const started = await call(phones.verification_start, national, "1", "sms");
      assert.ok(started.res.seconds_to_expire <= LIFETIME_SECONDS, started.res.seconds_to_expire);
      await new Promise((ok) => setTimeout(ok, (LIFETIME_SECONDS + 1) * 1000));
      const status = await call(phones.verification_status, national, "1");
      assert.deepEqual([status.err, status.res?.status, status.res?.seconds_to_expire], [null, "expired", 0]);
      const check = await call(phones.verification_check, national, "1", "1234");
      assert.equal(check.err.error_code, "60023");
    });
  });
}

// What a stranger can do with these routes (SECURITY.md, "The legacy Authy API"), on the short-lived pair's engine
// Worker, after its expiry test (one start by KEY).
describe("the legacy API's defences", () => {
  const url = () => short.engine.url;
  const start = (key, national, extra = {}) =>
    fetch(`${url()}/protected/json/phones/verification/start`, {
      method: "POST",
      headers: { "X-Authy-API-Key": key, "content-type": "application/json", origin: "https://evil.example" },
      body: JSON.stringify({ via: "sms", country_code: extra.country_code ?? 1, phone_number: national }),
    });

  test("geo permissions and refused number types apply: 60021, and nothing is sent", async () => {
    for (const [cc, national] of [[44, "7400 123456"], [1, "900-234-5678"]]) {
      const response = await start(OTHER_KEY, national, { country_code: cc });
      const body = await response.json();
      assert.deepEqual([response.status, body.error_code, body.success], [403, "60021", false], `${cc} ${national}`);
    }
    assert.deepEqual(await devInbox(url(), "+447400123456"), []);
  });

  test("no CORS: a page on another site gets no Access-Control-Allow-Origin, and a preflight is refused", async () => {
    const response = await start(OTHER_KEY, nextNumber().national);
    assert.equal(response.headers.get("access-control-allow-origin"), null);
    const preflight = await fetch(`${url()}/protected/json/phones/verification/start`, {
      method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    assert.equal(preflight.status, 405);
    assert.equal(preflight.headers.get("access-control-allow-origin"), null);
    assert.equal(preflight.headers.get("allow"), "POST");
  });

  test("one key's starts are limited (LIMIT_STARTS_PER_API_KEY): 60003 with Retry-After; another key is not", async () => {
    // KEY started once in the expiry test.
    for (let i = 1; i < STARTS_PER_KEY; i++) assert.equal((await start(KEY, nextNumber().national)).status, 200);
    const refused = await start(KEY, nextNumber().national);
    const body = await refused.json();
    assert.deepEqual([refused.status, body.error_code, body.message], [429, "60003", "DoS protection"]);
    assert.ok(Number(refused.headers.get("retry-after")) > 0);
    assert.equal((await start(OTHER_KEY, nextNumber().national)).status, 200, "another key has its own allowance");
  });

  test("guessing keys: each wrong key is 60001, and past LIMIT_AUTH_FAILURES_PER_IP (10) every key is 60003", async () => {
    for (let i = 0; i < 10; i++) {
      const response = await start(`guess-${i}-0123456789abcdef0123456789`, nextNumber().national);
      assert.deepEqual([response.status, (await response.json()).error_code], [401, "60001"]);
    }
    const right = await start(OTHER_KEY, nextNumber().national);
    assert.deepEqual([right.status, (await right.json()).error_code], [429, "60003"], "even the right key, until the window ends");
  });
});
