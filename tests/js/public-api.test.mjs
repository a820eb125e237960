// The public API browsers call (/verify/start, /verify/check, /verify/status/{sid}) under workerd (`wrangler dev`):
// with the engine as upstream, and in Twilio mode (a second Worker whose VERIFY_BASE_URL is the first one's /v2,
// with API-key credentials), every answer held to openapi/public-api.json.
//
// A small loopback HTTP server in front of the engine stands in for the network between the Worker and Twilio
// (out of reach from here): it forwards Twilio's wire format untouched, or drops, stalls or fails on request.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import * as jose from "jose";
import { assertDocumented } from "./openapi.mjs";
import { ROOT, UNPROTECTED, devInbox, safeList, startWrangler } from "./support.mjs";

const ACCOUNT = "ACdec0de00000000000000000000000001";
const API_KEY = `SK${randomBytes(16).toString("hex")}`;
const API_SECRET = `secret-${randomBytes(12).toString("hex")}`;
const ENGINE_TOKEN = "dev-auth-token-not-secret";
const APP_ORIGIN = "https://app.example";

/** Everything any Worker said: bodies and header values of every answer, for the no-secrets check. */
const seen = [];

async function call(base, method, path, { body, json, headers = {} } = {}) {
  const init = { method, headers: { ...headers }, redirect: "manual" };
  if (json !== undefined) {
    init.body = typeof json === "string" ? json : JSON.stringify(json);
    init.headers["content-type"] ??= "application/json";
  } else if (body !== undefined) {
    init.body = body;
  }
  const response = await fetch(base + path, init);
  const text = await response.text();
  seen.push(text, ...[...response.headers].map(([k, v]) => `${k}: ${v}`));
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: response.status, headers: response.headers, json: parsed, text };
}

/** A call whose answer must be one the OpenAPI document allows. */
async function api(base, method, path, options) {
  const answer = await call(base, method, path, options);
  assertDocumented(method, path.split("?")[0], answer);
  return answer;
}

function assertError(answer, code, status, message, reason) {
  assert.equal(answer.status, status, JSON.stringify(answer.json));
  assert.equal(answer.json.code, code);
  assert.equal(answer.json.status, status);
  if (message) assert.equal(answer.json.message, message);
  if (reason) assert.equal(answer.json.details?.reason, reason);
  assert.equal(answer.json.more_info, `https://www.twilio.com/docs/errors/${code}`);
}

async function latestCode(base, to) {
  const messages = await devInbox(base, to);
  assert.ok(messages.length > 0, `no code was sent to ${to}`);
  return messages.at(-1).code;
}

/** A fresh, valid UK mobile number per call, so tests never share a verification. */
let serial = 0;
function freshNumber() {
  serial += 1;
  return `+4474${String(Date.now() % 1e6).padStart(6, "0")}${String(serial).padStart(2, "0")}`.slice(0, 13);
}

let engine;
let proxy;
let flaky;
let flakyProxy;
const network = { mode: "forward", creates: 0 };
/** The SafeList lookups that reached the loopback network: method, path and credentials of each. */
const safeListLookups = [];

before(async () => {
  engine = await startWrangler({
    vars: { ...UNPROTECTED, ALLOWED_ORIGINS: APP_ORIGIN, ENGINE_API_KEY_SID: API_KEY, ENGINE_API_KEY_SECRET: API_SECRET },
  });
  // The Service the Twilio-mode Worker is configured with, created through the engine's REST API as one would
  // create it at Twilio.
  const created = await fetch(`${engine.url}/v2/Services`, {
    method: "POST",
    headers: { authorization: `Basic ${btoa(`${API_KEY}:${API_SECRET}`)}`, "content-type": "application/x-www-form-urlencoded" },
    body: "FriendlyName=Proxy+test",
  });
  assert.equal(created.status, 201);
  const service = (await created.json()).sid;
  const twilioVars = {
    ...UNPROTECTED,
    TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_API_KEY: API_KEY, TWILIO_API_SECRET: API_SECRET,
    VERIFY_SERVICE_SID: service, ALLOWED_ORIGINS: "*",
  };
  proxy = await startWrangler({ vars: { ...twilioVars, VERIFY_BASE_URL: engine.url } });

  flaky = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    if (req.url.includes("/SafeList/")) safeListLookups.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    const isCreate = req.method === "POST" && req.url.endsWith("/Verifications");
    const mode = isCreate || network.mode === "hang" || network.mode === "fail" || network.mode === "badauth" ? network.mode : "forward";
    if (isCreate) network.mode = "forward"; // one failure per arming
    if (mode === "drop-before") return req.socket.destroy();
    if (mode === "late") {
      // The upstream takes the create but processes it after the Worker has given up waiting for the answer.
      setTimeout(async () => {
        network.creates += 1;
        const headers = { ...req.headers };
        delete headers.host;
        delete headers["content-length"];
        await fetch(engine.url + req.url, { method: req.method, headers, body });
        req.socket.destroy();
      }, 1800);
      return;
    }
    if (mode === "hang") return; // never answers; the Worker's timeout must end it
    if (mode === "fail") {
      res.writeHead(500, { "content-type": "application/json" });
      return res.end(JSON.stringify({ code: 20500, message: `internal trace at db-7 ${API_SECRET}`, status: 500 }));
    }
    const headers = { ...req.headers };
    delete headers.host;
    delete headers["content-length"];
    if (mode === "badauth") headers.authorization = `Basic ${btoa(`${API_KEY}:wrong`)}`;
    if (isCreate) network.creates += 1;
    const upstream = await fetch(engine.url + req.url, { method: req.method, headers, body: req.method === "GET" ? undefined : body });
    const answer = Buffer.from(await upstream.arrayBuffer());
    if (mode === "drop-after") return req.socket.destroy();
    res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
    res.end(answer);
  });
  await new Promise((ok) => flaky.listen(0, "127.0.0.1", ok));
  flakyProxy = await startWrangler({
    // Geo permissions refuse sms to Cuba, so a start there asks the upstream's SafeList.
    vars: { ...twilioVars, VERIFY_BASE_URL: `http://127.0.0.1:${flaky.address().port}`, UPSTREAM_TIMEOUT_MS: "1500", GEO_DENY_SMS: "CU" },
  });
});

after(async () => {
  await Promise.all([engine?.stop(), proxy?.stop(), flakyProxy?.stop()]);
  flaky?.closeAllConnections();
  await new Promise((ok) => (flaky ? flaky.close(ok) : ok()));
});

describe("the public API, engine upstream", () => {
  test("the first start after the engine's Service was deleted through /v2 succeeds (the Service comes back)", async () => {
    const own = await startWrangler({ vars: UNPROTECTED });
    try {
      const first = await api(own.url, "POST", "/verify/start", { json: { to: freshNumber(), channel: "sms" } });
      assert.equal(first.status, 201, first.text);
      const deleted = await call(own.url, "DELETE", "/v2/Services/VAdec0de00000000000000000000000001", {
        headers: { authorization: `Basic ${btoa(`${ACCOUNT}:${ENGINE_TOKEN}`)}` },
      });
      assert.equal(deleted.status, 204, deleted.text);
      const next = await api(own.url, "POST", "/verify/start", { json: { to: freshNumber(), channel: "sms" } });
      assert.equal(next.status, 201, next.text);
    } finally {
      await own.stop();
    }
  });

  test("start normalizes a national number; a wrong code is 200 pending; the right code approves", async () => {
    const national = "07400 123456";
    const started = await api(engine.url, "POST", "/verify/start", { json: { to: national, channel: "sms", defaultRegion: "GB" } });
    assert.equal(started.status, 201);
    const v = started.json;
    assert.equal(v.to, "+447400123456");
    assert.equal(v.channel, "sms");
    assert.equal(v.status, "pending");
    assert.equal(v.sna, null);
    assert.ok(v.sendCodeAttempts >= 1);
    for (const hidden of ["account_sid", "service_sid", "lookup", "accountSid", "serviceSid", "url", "links"]) {
      assert.ok(!(hidden in v), `${hidden} must not reach the browser`);
    }

    const status = await api(engine.url, "GET", `/verify/status/${v.sid}`);
    assert.equal(status.status, 200);
    assert.equal(status.json.sid, v.sid);
    assert.equal(status.json.status, "pending");

    const code = await latestCode(engine.url, v.to);
    const wrong = code === "000000" ? "111111" : "000000";
    const miss = await api(engine.url, "POST", "/verify/check", { json: { to: national, defaultRegion: "GB", code: wrong } });
    assert.equal(miss.status, 200);
    assert.deepEqual(miss.json, { sid: v.sid, status: "pending", valid: false, snaErrorCode: null, token: null });

    const hit = await api(engine.url, "POST", "/verify/check", { json: { verificationSid: v.sid, code } });
    assert.equal(hit.status, 200);
    const { token, ...rest } = hit.json;
    assert.deepEqual(rest, { sid: v.sid, status: "approved", valid: true, snaErrorCode: null });
    assert.equal(JSON.parse(Buffer.from(token.split(".")[1], "base64url")).sub, v.to, "the approval token names the number");

    const again = await api(engine.url, "POST", "/verify/check", { json: { to: v.to, code } });
    assertError(again, 20404, 404, "The requested resource was not found", "NO_PENDING_VERIFICATION");
  });

  test("form bodies work as JSON does, for an email", async () => {
    const started = await api(engine.url, "POST", "/verify/start", {
      body: new URLSearchParams({ to: " Ada@Example.COM ", channel: "email", locale: "en-GB" }),
    });
    assert.equal(started.status, 201);
    assert.equal(started.json.to, "Ada@example.com");
    assert.equal(started.json.channel, "email");
    const code = await latestCode(engine.url, "Ada@example.com");
    const hit = await api(engine.url, "POST", "/verify/check", { body: new URLSearchParams({ to: "Ada@example.com", code }) });
    assert.equal(hit.json.status, "approved");
  });

  test("sna: pending (60519) before the device opens the URL; approved after, with the client token", async () => {
    const to = freshNumber();
    const started = await api(engine.url, "POST", "/verify/start", { json: { to, channel: "sna", enableSnaClientToken: true } });
    assert.equal(started.status, 201);
    const url = new URL(started.json.sna.url);
    assert.equal(url.origin, engine.url, "the simulated carrier is on the Worker's own origin");

    const early = await api(engine.url, "POST", "/verify/check", { json: { to } });
    assert.equal(early.json.status, "pending");
    assert.equal(early.json.snaErrorCode, 60519);

    const carrier = await fetch(url, { method: "POST" }); // follows the carrier's redirects
    assert.equal(carrier.status, 200);
    const answer = new URLSearchParams(await carrier.text());
    assert.equal(answer.get("ErrorCode"), "0");
    const token = answer.get("SnaClientToken");
    assert.ok(token);

    const wrongToken = await api(engine.url, "POST", "/verify/check", { json: { to, snaClientToken: "not-the-token" } });
    assert.notEqual(wrongToken.json.status, "approved");
    const done = await api(engine.url, "POST", "/verify/check", { json: { to, snaClientToken: token } });
    assert.equal(done.json.status, "approved");
    assert.equal(done.json.valid, true);
  });

  test("a sixth send is 429 60203 with a Retry-After within the verification's lifetime", async () => {
    const to = freshNumber();
    for (let i = 0; i < 5; i++) {
      const started = await api(engine.url, "POST", "/verify/start", { json: { to, channel: "sms" } });
      assert.equal(started.status, 201);
    }
    const refused = await api(engine.url, "POST", "/verify/start", { json: { to, channel: "sms" } });
    assertError(refused, 60203, 429, "Max send attempts reached");
    const retryAfter = Number(refused.headers.get("retry-after"));
    assert.ok(retryAfter >= 1 && retryAfter <= 600, `Retry-After ${retryAfter}`);
    assert.equal((await devInbox(engine.url, to)).length, 5, "the refused send sent nothing");
  });

  test("after five wrong codes, a check is 429 60202 with Retry-After", async () => {
    const to = freshNumber();
    await api(engine.url, "POST", "/verify/start", { json: { to, channel: "sms" } });
    const code = await latestCode(engine.url, to);
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) {
      const miss = await api(engine.url, "POST", "/verify/check", { json: { to, code: wrong } });
      assert.equal(miss.status, 200);
      assert.equal(miss.json.valid, false);
    }
    const refused = await api(engine.url, "POST", "/verify/check", { json: { to, code } });
    assert.equal(refused.status, 429);
    assert.ok([60202, 20404].includes(refused.json.code));
    if (refused.json.code === 60202) assert.ok(Number(refused.headers.get("retry-after")) >= 1);
  });

  const bad = [
    ["malformed JSON", { json: "{" }, "body", "MALFORMED_JSON"],
    ["a JSON array", { json: "[]" }, "body", "NOT_AN_OBJECT"],
    ["to missing", { json: { channel: "sms" } }, "to", "MISSING"],
    ["to not a string", { json: { to: 447400123456, channel: "sms" } }, "to", "NOT_A_STRING"],
    ["channel not a string", { json: { to: "+447400123456", channel: 1 } }, "channel", "NOT_A_STRING"],
    ["unknown channel", { json: { to: "+447400123456", channel: "pigeon" } }, "channel", "UNKNOWN_CHANNEL"],
    ["unknown parameter", { json: { to: "+447400123456", channel: "sms", Channel: "sms" } }, "Channel", "UNKNOWN_PARAMETER"],
    ["enableSnaClientToken not a boolean", { json: { to: "+447400123456", channel: "sna", enableSnaClientToken: "yes" } }, "enableSnaClientToken", "NOT_A_BOOLEAN"],
    ["bad locale", { json: { to: "+447400123456", channel: "sms", locale: "english please" } }, "locale", "NOT_A_LOCALE"],
    ["not a phone number", { json: { to: "hello", channel: "sms" } }, "to", "NOT_A_NUMBER"],
    ["national number without a region", { json: { to: "07400 123456", channel: "sms" } }, "to", "MISSING_REGION"],
    ["unknown region", { json: { to: "07400 123456", channel: "sms", defaultRegion: "XX" } }, "defaultRegion", "UNKNOWN_REGION"],
    ["a phone number for email", { json: { to: "+447400123456", channel: "email" } }, "to", "CHANNEL_MISMATCH"],
    ["a form with a bad boolean", { body: new URLSearchParams({ to: "+447400123456", channel: "sna", enableSnaClientToken: "1" }) }, "enableSnaClientToken", "NOT_A_BOOLEAN"],
  ];
  for (const [name, options, parameter, reason] of bad) {
    test(`start: ${name} is 400 60200 naming ${parameter}`, async () => {
      const answer = await api(engine.url, "POST", "/verify/start", options);
      assertError(answer, 60200, 400, `Invalid parameter: ${parameter}`, reason);
    });
  }

  const badChecks = [
    ["neither to nor verificationSid", { code: "123456" }, "to", "MISSING"],
    ["both to and verificationSid", { to: "+447400123456", verificationSid: `VE${"a".repeat(32)}`, code: "123456" }, "verificationSid", "TO_AND_SID"],
    ["a malformed verificationSid", { verificationSid: "VE123", code: "123456" }, "verificationSid", "NOT_A_VERIFICATION_SID"],
    ["a code too short", { to: "+447400123456", code: "12" }, "code", "TOO_SHORT"],
    ["a code too long", { to: "+447400123456", code: "12345678901" }, "code", "TOO_LONG"],
    ["code not a string", { to: "+447400123456", code: 123456 }, "code", "NOT_A_STRING"],
  ];
  for (const [name, json, parameter, reason] of badChecks) {
    test(`check: ${name} is 400 60200 naming ${parameter}`, async () => {
      const answer = await api(engine.url, "POST", "/verify/check", { json });
      assertError(answer, 60200, 400, `Invalid parameter: ${parameter}`, reason);
    });
  }

  test("415 for bodies that are neither JSON nor a form; 413 over 16 KiB; 405 and 404 where they belong", async () => {
    const text = await api(engine.url, "POST", "/verify/start", { body: "to=+447400123456", headers: { "content-type": "text/plain" } });
    assertError(text, 20415, 415, "Unsupported media type", "UNSUPPORTED_CONTENT_TYPE");
    const none = await api(engine.url, "POST", "/verify/check", { body: new Blob(["{}"]) });
    assertError(none, 20415, 415);
    const big = await api(engine.url, "POST", "/verify/start", { json: { to: "+447400123456", channel: "sms", customFriendlyName: "x".repeat(17 * 1024) } });
    assertError(big, 20413, 413, "Request body too large", "BODY_TOO_LARGE");
    const justOver = await api(engine.url, "POST", "/verify/check", { json: " ".repeat(16 * 1024 + 1) });
    assertError(justOver, 20413, 413);

    const get = await api(engine.url, "GET", "/verify/start");
    assertError(get, 20004, 405, "Method not allowed");
    assert.equal(get.headers.get("allow"), "POST, OPTIONS");
    const post = await api(engine.url, "POST", `/verify/status/VE${"0".repeat(32)}`, { json: {} });
    assertError(post, 20004, 405);
    const unknown = await api(engine.url, "GET", `/verify/status/VE${"0".repeat(32)}`);
    assertError(unknown, 20404, 404);
    const notSid = await api(engine.url, "GET", "/verify/status/%2B447400123456");
    assertError(notSid, 20404, 404, undefined, "NOT_A_VERIFICATION_SID");
  });

  test("CORS: an allowed origin may read the answer and Retry-After; another is refused before anything is sent", async () => {
    const to = freshNumber();
    const allowed = await api(engine.url, "POST", "/verify/start", { json: { to, channel: "sms" }, headers: { origin: APP_ORIGIN } });
    assert.equal(allowed.status, 201);
    assert.equal(allowed.headers.get("access-control-allow-origin"), APP_ORIGIN);
    assert.equal(allowed.headers.get("access-control-expose-headers"), "Retry-After");
    assert.match(allowed.headers.get("vary") ?? "", /Origin/);

    const other = freshNumber();
    const refused = await api(engine.url, "POST", "/verify/start", { json: { to: other, channel: "sms" }, headers: { origin: "https://evil.example" } });
    assertError(refused, 20403, 403, "Forbidden", "ORIGIN_NOT_ALLOWED");
    assert.equal(refused.headers.get("access-control-allow-origin"), null);
    assert.equal((await devInbox(engine.url, other)).length, 0, "nothing was sent for the refused origin");

    const own = await api(engine.url, "POST", "/verify/check", { json: { to, code: "0000" }, headers: { origin: engine.url } });
    assert.equal(own.status, 200, "the Worker's own origin (the demo page) is always allowed");
  });

  test("CORS preflight: allowed origins get what they may send; others get 403 without CORS headers", async () => {
    const preflight = (origin) => ({
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    const ok = await api(engine.url, "OPTIONS", "/verify/start", preflight(APP_ORIGIN));
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get("access-control-allow-origin"), APP_ORIGIN);
    assert.match(ok.headers.get("access-control-allow-methods"), /POST/);
    assert.match(ok.headers.get("access-control-allow-headers"), /Content-Type/i);
    assert.ok(Number(ok.headers.get("access-control-max-age")) > 0);

    const no = await api(engine.url, "OPTIONS", "/verify/check", preflight("https://evil.example"));
    assertError(no, 20403, 403);
    assert.equal(no.headers.get("access-control-allow-origin"), null);

    const star = await api(proxy.url, "OPTIONS", "/verify/start", preflight("https://anyone.example"));
    assert.equal(star.status, 204);
    assert.equal(star.headers.get("access-control-allow-origin"), "*", "ALLOWED_ORIGINS=* allows any origin");
  });

  test("the OpenAPI document is served as shipped", async () => {
    const served = await fetch(`${engine.url}/openapi.json`);
    assert.equal(served.status, 200);
    assert.match(served.headers.get("content-type"), /application\/json/);
    assert.deepEqual(await served.json(), JSON.parse(readFileSync(`${ROOT}/openapi/public-api.json`, "utf8")));
  });
});

describe("the public API, Twilio upstream (VERIFY_BASE_URL at another Worker's engine)", () => {
  test("start and check go upstream with the configured Service and credentials, as Twilio's wire format", async () => {
    const to = freshNumber();
    const started = await api(proxy.url, "POST", "/verify/start", { json: { to, channel: "sms" }, headers: { origin: "https://anyone.example" } });
    assert.equal(started.status, 201);
    assert.equal(started.headers.get("access-control-allow-origin"), "*");
    // The verification exists in the engine under the Service the proxy was configured with.
    const upstream = await fetch(`${engine.url}/v2/Services/${(await serviceOfProxy())}/Verifications/${started.json.sid}`, {
      headers: { authorization: `Basic ${btoa(`${ACCOUNT}:${ENGINE_TOKEN}`)}` },
    });
    assert.equal(upstream.status, 200);
    const code = await latestCode(engine.url, to);
    const hit = await api(proxy.url, "POST", "/verify/check", { json: { to, code } });
    const { token, ...rest } = hit.json;
    assert.deepEqual(rest, { sid: started.json.sid, status: "approved", valid: true, snaErrorCode: null });
    // Twilio answered approved, so the Worker signs the token itself: its key, its origin as the issuer.
    const { payload } = await jose.jwtVerify(token, jose.createRemoteJWKSet(new URL(`${proxy.url}/.well-known/jwks.json`)), {
      algorithms: ["ES256"], issuer: proxy.url, audience: "verify-edge-dev",
    });
    assert.equal(payload.sub, to);
    assert.equal(payload.jti, started.json.sid);
    const gone = await api(proxy.url, "GET", `/verify/status/${started.json.sid}`);
    assert.ok([200, 404].includes(gone.status));
  });

  test("upstream errors keep their Verify code; 60203 is 429 with Retry-After", async () => {
    const to = freshNumber();
    for (let i = 0; i < 5; i++) assert.equal((await api(proxy.url, "POST", "/verify/start", { json: { to, channel: "call" } })).status, 201);
    const refused = await api(proxy.url, "POST", "/verify/start", { json: { to, channel: "call" } });
    assertError(refused, 60203, 429, "Max send attempts reached");
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);
  });

  test("a create whose answer was lost is not sent twice: the proxy finds the verification", async () => {
    const to = freshNumber();
    network.mode = "drop-after";
    const creates = network.creates;
    const started = await api(flakyProxy.url, "POST", "/verify/start", { json: { to, channel: "sms" } });
    assert.equal(started.status, 201, JSON.stringify(started.json));
    assert.equal(network.creates - creates, 1, "one create reached the upstream");
    assert.equal((await devInbox(engine.url, to)).length, 1, "one code was sent");
    assert.equal(started.json.to, to);
  });

  test("a create the upstream processes after the timeout is found by the reconciliation, not sent twice", async () => {
    network.mode = "late";
    const to = freshNumber();
    const creates = network.creates;
    const started = await api(flakyProxy.url, "POST", "/verify/start", { json: { to, channel: "sms" } });
    assert.equal(started.status, 201, started.text);
    assert.equal(started.json.sendCodeAttempts, 1);
    await new Promise((ok) => setTimeout(ok, 500));
    assert.equal(network.creates - creates, 1, "one create reached the upstream");
    assert.equal((await devInbox(engine.url, to)).length, 1, "one message was sent");
  });

  test("a create that never reached the upstream is sent again, once", async () => {
    const to = freshNumber();
    network.mode = "drop-before";
    const creates = network.creates;
    const started = await api(flakyProxy.url, "POST", "/verify/start", { json: { to, channel: "sms" } });
    assert.equal(started.status, 201, JSON.stringify(started.json));
    assert.equal(network.creates - creates, 1);
    assert.equal((await devInbox(engine.url, to)).length, 1);
  });

  test("a stalled upstream is cut off by UPSTREAM_TIMEOUT_MS: 502, generic", async () => {
    network.mode = "hang";
    const started = Date.now();
    const answer = await api(flakyProxy.url, "POST", "/verify/check", { json: { to: freshNumber(), code: "123456" } });
    network.mode = "forward";
    assertError(answer, 20502, 502, "The verification service is unavailable");
    assert.ok(Date.now() - started < 10_000, "the timeout, not the test, ended it");
  });

  test("upstream server errors and refused credentials become a generic 502; the upstream body never passes", async () => {
    network.mode = "fail";
    const failed = await api(flakyProxy.url, "POST", "/verify/check", { json: { to: freshNumber(), code: "123456" } });
    assertError(failed, 20502, 502, "The verification service is unavailable");
    assert.ok(!failed.text.includes("db-7"), "the upstream's message is not passed through");
    network.mode = "badauth";
    const refused = await api(flakyProxy.url, "POST", "/verify/check", { json: { to: freshNumber(), code: "123456" } });
    network.mode = "forward";
    assertError(refused, 20502, 502);
    assert.equal(refused.json.details, undefined);
  });

  test("a refused start asks Twilio's SafeList (GET /v2/SafeList/Numbers/{n}); only a 200 lifts the refusal", async () => {
    const [listed, unlisted] = ["+5352345681", "+5352345682"];
    await safeList(engine.url, listed, `${API_KEY}:${API_SECRET}`);

    const before = safeListLookups.length;
    const refused = await api(flakyProxy.url, "POST", "/verify/start", { json: { to: unlisted, channel: "sms" } });
    assertError(refused, 60605, 403, undefined, "GEO_PERMISSION");
    assert.deepEqual(safeListLookups.slice(before), [
      { method: "GET", url: "/v2/SafeList/Numbers/%2B5352345682", authorization: `Basic ${btoa(`${API_KEY}:${API_SECRET}`)}` },
    ]);
    const lifted = await api(flakyProxy.url, "POST", "/verify/start", { json: { to: listed, channel: "sms" } });
    assert.equal(lifted.status, 201, JSON.stringify(lifted.json));
    assert.equal(safeListLookups.length, before + 2);
    assert.equal((await devInbox(engine.url, listed)).length, 1, "the lifted start sent its code");

    // A lookup that fails or stalls is not a yes: the refusal stands, and the stall ends with the timeout.
    for (const mode of ["fail", "hang"]) {
      network.mode = mode;
      const startedAt = Date.now();
      const closed = await api(flakyProxy.url, "POST", "/verify/start", { json: { to: listed, channel: "sms" } });
      network.mode = "forward";
      assertError(closed, 60605, 403, undefined, "GEO_PERMISSION");
      assert.ok(Date.now() - startedAt < 10_000, `${mode}: the timeout, not the test, ended it`);
    }
    assert.equal(safeListLookups.length, before + 4);
  });

  test("no answer and no log line holds a credential", async () => {
    const basic = btoa(`${API_KEY}:${API_SECRET}`);
    // wrangler passes the Worker's console lines on a moment later.
    for (let i = 0; i < 40 && !flakyProxy.output().includes("upstream answered HTTP 401"); i++) {
      await new Promise((ok) => setTimeout(ok, 100));
    }
    const logs = [engine.output(), proxy.output(), flakyProxy.output()].join("\n");
    for (const secret of [API_SECRET, basic, ENGINE_TOKEN, btoa(`${ACCOUNT}:${ENGINE_TOKEN}`)]) {
      assert.ok(!seen.some((text) => text.includes(secret)), "a response carried a credential");
      assert.ok(!logs.includes(secret), "a log line carried a credential");
    }
    assert.ok(logs.includes("upstream answered HTTP 401"), "the refused credentials were logged, without them");
  });
});

async function serviceOfProxy() {
  const listed = await fetch(`${engine.url}/v2/Services?PageSize=50`, {
    headers: { authorization: `Basic ${btoa(`${ACCOUNT}:${ENGINE_TOKEN}`)}` },
  });
  const services = (await listed.json()).services;
  return services.find((s) => s.friendly_name === "Proxy test").sid;
}
