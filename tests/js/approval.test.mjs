// Approval tokens from a running Worker (workerd, `wrangler dev`), judged by independent implementations: `jose`
// (npm) and PyJWT (PyPI, tests/python/approval_tokens.py) verify them against the served JWKS and refuse what they
// must; /verify/redeem answers each token once; key rotation; the approval webhook; a misconfigured key.
import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import * as jose from "jose";
import { assertDocumented } from "./openapi.mjs";
import { ROOT, UNPROTECTED, cacheDir, devInbox, startWrangler } from "./support.mjs";

const ISSUER = "https://verify.example.test";
const AUDIENCE = "https://app.example.test";
const REDEEM_SECRET = randomBytes(24).toString("hex");
const ENGINE = { authorization: `Basic ${btoa("ACdec0de00000000000000000000000001:dev-auth-token-not-secret")}` };

/** A new P-256 private key as PKCS#8 PEM on one line (`\n` for its breaks), as `.dev.vars` holds it. */
function newKey() {
  const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" });
  return pem.trim().replaceAll("\n", "\\n");
}
const KEY_1 = newKey();
const KEY_2 = newKey();

function vars(extra = {}) {
  return {
    ...UNPROTECTED,
    APPROVAL_SIGNING_KEY: KEY_1, APPROVAL_ISSUER: ISSUER, APPROVAL_AUDIENCE: AUDIENCE,
    APPROVAL_REDEEM_SECRET: REDEEM_SECRET,
    ...extra,
  };
}

async function call(base, method, path, { json, body, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers["content-type"] = "application/json";
  } else if (body !== undefined) init.body = body;
  const response = await fetch(base + path, init);
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {}
  const answer = { status: response.status, headers: response.headers, json: parsed, text };
  assertDocumented(method, path.split("?")[0], answer);
  return answer;
}

function assertError(answer, code, status, reason) {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.json.code, code, answer.text);
  if (reason) assert.equal(answer.json.details?.reason, reason, answer.text);
}

let serial = 0;
function freshNumber() {
  serial += 1;
  return `+4477${String(Date.now() % 1e6).padStart(6, "0")}${String(serial).padStart(2, "0")}`.slice(0, 13);
}

/** Starts a verification of `to` and checks it with the code the dev inbox shows; the check's answer. */
async function approve(base, to, channel = "sms") {
  const started = await call(base, "POST", "/verify/start", { json: { to, channel } });
  assert.equal(started.status, 201, started.text);
  const code = (await devInbox(base, started.json.to)).at(-1).code;
  const checked = await call(base, "POST", "/verify/check", { json: { to: started.json.to, code } });
  assert.equal(checked.json.status, "approved", checked.text);
  return checked.json;
}

function redeem(base, token, headers = {}) {
  return call(base, "POST", "/verify/redeem", {
    json: { token }, headers: { authorization: `Bearer ${REDEEM_SECRET}`, ...headers },
  });
}

const b64 = (data) => Buffer.from(data).toString("base64url");
const decode = (part) => JSON.parse(Buffer.from(part, "base64url").toString());

/** The approval webhook's stand-in for the operator's server: records each POST; answers as `hook.plan` says. */
const hook = { received: [], plan: [] };
let hookServer;
let worker;
/** A Worker with the same key and issuer whose tokens live one second, verifications two, and whose clients may
 * fail three logins in ten minutes. */
let shortLived;

before(async () => {
  hookServer = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const step = hook.plan.shift() ?? { status: 200 };
    hook.received.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString() });
    if (step.hang) return; // never answers: the Worker's timeout must end it
    setTimeout(() => res.writeHead(step.status).end(), step.delayMs ?? 0);
  });
  await new Promise((ok) => hookServer.listen(0, "127.0.0.1", ok));
  worker = await startWrangler({
    vars: vars({
      APPROVAL_WEBHOOK_URL: `http://127.0.0.1:${hookServer.address().port}/approved`,
      APPROVAL_WEBHOOK_TIMEOUT_MS: "1000",
    }),
  });
  shortLived = await startWrangler({
    vars: vars({ APPROVAL_TOKEN_TTL_SECONDS: "1", VERIFICATION_LIFETIME_SECONDS: "2", LIMIT_AUTH_FAILURES_PER_IP: "3/600" }),
  });
});

after(async () => {
  await worker?.stop();
  await shortLived?.stop();
  hookServer?.closeAllConnections();
  hookServer?.close();
});

describe("approval tokens, judged by jose against the served JWKS", () => {
  test("an approved code carries an ES256 token jose verifies: the number, the verification, the method", async () => {
    const to = freshNumber();
    const checked = await approve(worker.url, to);
    const jwks = jose.createRemoteJWKSet(new URL(`${worker.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jose.jwtVerify(checked.token, jwks, {
      algorithms: ["ES256"], issuer: ISSUER, audience: AUDIENCE, requiredClaims: ["exp", "iat", "sub", "jti"],
    });
    assert.equal(payload.sub, to);
    assert.equal(payload.jti, checked.sid);
    assert.equal(payload.channel, "sms");
    assert.deepEqual(payload.amr, ["sms", "otp"]);
    assert.equal(payload.phone_number, to);
    assert.equal(payload.phone_number_verified, true);
    assert.equal(payload.exp - payload.iat, 300, "5 minutes by default");
    assert.ok(Math.abs(payload.iat - Date.now() / 1000) < 30);
    assert.equal(protectedHeader.typ, "JWT");
    // The kid is the key's RFC 7638 thumbprint, as jose computes it.
    const served = await call(worker.url, "GET", "/.well-known/jwks.json");
    assert.equal(served.headers.get("content-type"), "application/jwk-set+json");
    assert.equal(served.json.keys.length, 1);
    assert.equal(protectedHeader.kid, await jose.calculateJwkThumbprint(served.json.keys[0], "sha256"));
    assert.equal(served.json.keys[0].d, undefined, "no private part");
  });

  test("an email approval names the canonical address; Silent Network Auth is hwk and mca", async () => {
    const email = await approve(worker.url, " Grace@Example.COM ", "email");
    const claims = decode(email.token.split(".")[1]);
    assert.equal(claims.sub, "Grace@example.com");
    assert.equal(claims.email, "Grace@example.com");
    assert.equal(claims.email_verified, true);
    assert.equal(claims.phone_number, undefined);
    assert.deepEqual(claims.amr, ["otp"]);

    const to = freshNumber();
    const started = await call(worker.url, "POST", "/verify/start", { json: { to, channel: "sna" } });
    const pending = await call(worker.url, "POST", "/verify/check", { json: { to } });
    assert.equal(pending.json.status, "pending");
    assert.equal(pending.json.token, null, "SNA pending carries no token");
    assert.equal((await fetch(started.json.sna.url, { method: "POST" })).status, 200);
    const approved = await call(worker.url, "POST", "/verify/check", { json: { to } });
    assert.equal(approved.json.status, "approved");
    const { payload } = await jose.jwtVerify(approved.json.token,
      jose.createRemoteJWKSet(new URL(`${worker.url}/.well-known/jwks.json`)),
      { algorithms: ["ES256"], issuer: ISSUER, audience: AUDIENCE });
    assert.equal(payload.channel, "sna");
    assert.deepEqual(payload.amr, ["hwk", "mca"]);
    assert.equal(payload.sub, to);
  });

  test("jose refuses a tampered payload, a wrong aud, an expired token, an unknown kid, alg none and HS256", async () => {
    const { token } = await approve(worker.url, freshNumber());
    const jwks = jose.createRemoteJWKSet(new URL(`${worker.url}/.well-known/jwks.json`));
    const verify = (t, options = {}) => jose.jwtVerify(t, jwks, { algorithms: ["ES256"], issuer: ISSUER, audience: AUDIENCE, ...options });
    const [header, payload, signature] = token.split(".");
    const claims = decode(payload);
    const kid = decode(header).kid;

    const tampered = `${header}.${b64(JSON.stringify({ ...claims, sub: "+10000000000" }))}.${signature}`;
    await assert.rejects(verify(tampered), { code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });
    await assert.rejects(verify(token, { audience: "https://another.example" }), { code: "ERR_JWT_CLAIM_VALIDATION_FAILED", claim: "aud" });
    await assert.rejects(verify(token, { issuer: "https://someone.else" }), { code: "ERR_JWT_CLAIM_VALIDATION_FAILED", claim: "iss" });
    await assert.rejects(verify(token, { currentDate: new Date((claims.exp + 1) * 1000) }), { code: "ERR_JWT_EXPIRED" });

    const stranger = await jose.generateKeyPair("ES256");
    const foreign = await new jose.SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: "not-ours" }).sign(stranger.privateKey);
    await assert.rejects(verify(foreign), { code: "ERR_JWKS_NO_MATCHING_KEY" });
    const underOurKid = await new jose.SignJWT(claims).setProtectedHeader({ alg: "ES256", kid }).sign(stranger.privateKey);
    await assert.rejects(verify(underOurKid), { code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });

    const none = `${b64(JSON.stringify({ alg: "none", kid }))}.${payload}.`;
    await assert.rejects(verify(none));
    const publicPem = (await jose.exportSPKI(await jwks({ alg: "ES256", kid }, {})));
    const hsHeader = b64(JSON.stringify({ alg: "HS256", typ: "JWT", kid }));
    const hs256 = `${hsHeader}.${payload}.${createHmac("sha256", publicPem).update(`${hsHeader}.${payload}`).digest("base64url")}`;
    await assert.rejects(verify(hs256), { code: "ERR_JOSE_ALG_NOT_ALLOWED" });

    // The Worker's own check (/verify/redeem) refuses them too, naming the step.
    const steps = [
      [tampered, "TOKEN_SIGNATURE"], [foreign, "TOKEN_UNKNOWN_KEY"], [underOurKid, "TOKEN_SIGNATURE"],
      [none, "TOKEN_ALGORITHM"], [hs256, "TOKEN_ALGORITHM"], ["not.a.jwt", "TOKEN_MALFORMED"],
    ];
    for (const [bad, reason] of steps) {
      const refused = await redeem(worker.url, bad);
      assertError(refused, 60200, 400, reason);
      assert.equal(refused.json.message, "Invalid parameter: token");
    }
    // None of them spent the real token.
    assert.equal((await redeem(worker.url, token)).status, 200);
  });

  test("PyJWT verifies the token with the JWKS and refuses the same forgeries, and a token past its exp", async () => {
    const { token } = await approve(worker.url, freshNumber());
    const expired = (await approve(shortLived.url, freshNumber())).token;
    await new Promise((ok) => setTimeout(ok, 2100));
    const { stdout } = await promisify(execFile)("python3",
      [join(ROOT, "tests/python/approval_tokens.py"), worker.url, ISSUER, AUDIENCE, token, expired],
      { env: { ...process.env, PYTHONPATH: join(cacheDir, "python") }, timeout: 60_000 });
    const result = JSON.parse(stdout);
    assert.equal(result.claims.jti, decode(token.split(".")[1]).jti);
    assert.deepEqual(result.refusals, {
      tampered: "InvalidSignatureError",
      wrong_aud: "InvalidAudienceError",
      expired: "ExpiredSignatureError",
      unknown_kid: "PyJWKClientError",
      stranger_under_our_kid: "InvalidSignatureError",
      alg_none: "InvalidAlgorithmError",
      hs256_with_public_key: "InvalidAlgorithmError",
    });
    // The Worker refuses the expired one too.
    assertError(await redeem(shortLived.url, expired), 60200, 400, "TOKEN_EXPIRED");
  });
});

describe("no approval, no token", () => {
  test("pending, a wrong code, max attempts, canceled and expired verifications never carry a token", async () => {
    const to = freshNumber();
    const started = await call(worker.url, "POST", "/verify/start", { json: { to, channel: "sms" } });
    const code = (await devInbox(worker.url, to)).at(-1).code;
    const wrong = code === "000000" ? "111111" : "000000";
    const miss = await call(worker.url, "POST", "/verify/check", { json: { to, code: wrong } });
    assert.deepEqual(miss.json, { sid: started.json.sid, status: "pending", valid: false, snaErrorCode: null, token: null });
    let last;
    for (let i = 0; i < 6; i++) last = await call(worker.url, "POST", "/verify/check", { json: { to, code: wrong } });
    assertError(last, 60202, 429);
    assert.equal(last.json.token, undefined);
    const after = await call(worker.url, "POST", "/verify/check", { json: { to, code } });
    assert.notEqual(after.status, 200, "the right code after max attempts approves nothing");
    assert.equal(after.json.token, undefined);

    const canceledTo = freshNumber();
    const toCancel = await call(worker.url, "POST", "/verify/start", { json: { to: canceledTo, channel: "sms" } });
    const cancel = await fetch(`${worker.url}/v2/Services/VAdec0de00000000000000000000000001/Verifications/${toCancel.json.sid}`, {
      method: "POST", headers: { ...ENGINE, "content-type": "application/x-www-form-urlencoded" }, body: "Status=canceled",
    });
    assert.equal(cancel.status, 200);
    const canceled = await call(worker.url, "POST", "/verify/check", { json: { to: canceledTo, code: (await devInbox(worker.url, canceledTo)).at(-1).code } });
    assertError(canceled, 20404, 404);
    assert.equal(canceled.json.token, undefined);

    const expiringTo = freshNumber();
    await call(shortLived.url, "POST", "/verify/start", { json: { to: expiringTo, channel: "sms" } });
    const expiringCode = (await devInbox(shortLived.url, expiringTo)).at(-1).code;
    await new Promise((ok) => setTimeout(ok, 2500));
    const expired = await call(shortLived.url, "POST", "/verify/check", { json: { to: expiringTo, code: expiringCode } });
    assertError(expired, 20404, 404);
    assert.equal(expired.json.token, undefined);
  });
});

describe("POST /verify/redeem", () => {
  test("of many concurrent redeems of one token exactly one succeeds, with the claims", async () => {
    const { token } = await approve(worker.url, freshNumber());
    const answers = await Promise.all(Array.from({ length: 20 }, () => redeem(worker.url, token)));
    const won = answers.filter((a) => a.status === 200);
    assert.equal(won.length, 1, answers.map((a) => a.status).join(","));
    assert.deepEqual(won[0].json, decode(token.split(".")[1]));
    for (const lost of answers.filter((a) => a.status !== 200)) assertError(lost, 20409, 409, "TOKEN_REDEEMED");
    assertError(await redeem(worker.url, token), 20409, 409, "TOKEN_REDEEMED");
  });

  test("only the operator's server: the secret is required, browsers are refused, the body is checked", async () => {
    const { token } = await approve(worker.url, freshNumber());
    const wrong = await redeem(worker.url, token, { authorization: "Bearer not-the-secret" });
    assertError(wrong, 20003, 401);
    assert.match(wrong.headers.get("www-authenticate"), /^Bearer /);
    assertError(await call(worker.url, "POST", "/verify/redeem", { json: { token } }), 20003, 401);
    for (const header of [{ origin: "https://app.example.test" }, { "sec-fetch-site": "same-origin" }, { "sec-fetch-dest": "empty" }]) {
      assertError(await redeem(worker.url, token, header), 20403, 403, "CROSS_SITE_REFUSED");
    }
    assertError(await call(worker.url, "GET", "/verify/redeem"), 20004, 405);
    assertError(await redeem(worker.url, ""), 60200, 400, "MISSING");
    assertError(await call(worker.url, "POST", "/verify/redeem", {
      json: { token, extra: 1 }, headers: { authorization: `Bearer ${REDEEM_SECRET}` },
    }), 60200, 400, "UNKNOWN_PARAMETER");
    // A form body works as JSON does; the refusals above spent nothing.
    const form = await call(worker.url, "POST", "/verify/redeem", {
      body: new URLSearchParams({ token }), headers: { authorization: `Bearer ${REDEEM_SECRET}` },
    });
    assert.equal(form.status, 200, form.text);
  });
});

describe("POST /verify/redeem, guessing the secret", () => {
  test("failed logins are counted per client: past LIMIT_AUTH_FAILURES_PER_IP even the right secret waits", async () => {
    for (let i = 0; i < 3; i++) {
      assertError(await redeem(shortLived.url, "a.b.c", { authorization: `Bearer guess-${i}` }), 20003, 401);
    }
    const locked = await redeem(shortLived.url, "a.b.c");
    assertError(locked, 20429, 429, "TOO_MANY_LOGIN_FAILURES");
    assert.ok(Number(locked.headers.get("retry-after")) >= 1);
  });
});

describe("key rotation", () => {
  test("a token signed with the previous key verifies while the key is listed, and fails once it is removed", async () => {
    const old = (await approve(worker.url, freshNumber())).token;
    const rotated = await startWrangler({ vars: vars({ APPROVAL_SIGNING_KEY: KEY_2, APPROVAL_PREVIOUS_KEYS: KEY_1 }) });
    let removed;
    try {
      const keys = (await call(rotated.url, "GET", "/.well-known/jwks.json")).json.keys;
      assert.equal(keys.length, 2, "the new key, then the previous one");
      const oldKid = decode(old.split(".")[0]).kid;
      assert.equal(keys[1].kid, oldKid);
      const fresh = (await approve(rotated.url, freshNumber())).token;
      assert.equal(decode(fresh.split(".")[0]).kid, keys[0].kid, "new tokens are signed with the new key");
      const jwks = jose.createRemoteJWKSet(new URL(`${rotated.url}/.well-known/jwks.json`));
      const options = { algorithms: ["ES256"], issuer: ISSUER, audience: AUDIENCE };
      await jose.jwtVerify(old, jwks, options);
      await jose.jwtVerify(fresh, jwks, options);
      assert.equal((await redeem(rotated.url, old)).status, 200);

      removed = await startWrangler({ vars: vars({ APPROVAL_SIGNING_KEY: KEY_2 }) });
      const after = jose.createRemoteJWKSet(new URL(`${removed.url}/.well-known/jwks.json`));
      await assert.rejects(jose.jwtVerify(old, after, options), { code: "ERR_JWKS_NO_MATCHING_KEY" });
      await jose.jwtVerify(fresh, after, options);
      // A token of another Worker's key (here: a key no longer this Worker's) is refused by redeem.
      const other = (await approve(worker.url, freshNumber())).token;
      assertError(await redeem(removed.url, other), 60200, 400, "TOKEN_UNKNOWN_KEY");
    } finally {
      await rotated.stop();
      await removed?.stop();
    }
  });
});

describe("the approval webhook", () => {
  test("each approval is POSTed after the answer, retried after a failure, and never delays the check", async () => {
    hook.received.length = 0;
    hook.plan = [{ status: 503, delayMs: 1500 }, { status: 200 }];
    const began = Date.now();
    const { token } = await approve(worker.url, freshNumber());
    const answeredAt = Date.now();
    assert.ok(answeredAt - began < 1500 + 1000, "the check did not wait for the webhook");
    const deadline = Date.now() + 10_000;
    while (hook.received.length < 2 && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 100));
    assert.equal(hook.received.length, 2, "a 503 is retried once it answers, and a 200 ends it");
    for (const { body, headers } of hook.received) {
      assert.equal(headers["content-type"], "application/json");
      assert.deepEqual(JSON.parse(body), { token });
    }
    await new Promise((ok) => setTimeout(ok, 1500));
    assert.equal(hook.received.length, 2, "no push after a 200");
  });

  test("a webhook that never answers is cut off by its timeout and tried a bounded number of times", async () => {
    hook.received.length = 0;
    hook.plan = [{ hang: true }, { hang: true }, { hang: true }, { hang: true }];
    const began = Date.now();
    const checked = await approve(worker.url, freshNumber());
    assert.ok(checked.token);
    assert.ok(Date.now() - began < 2000, "the check did not wait for the webhook");
    await new Promise((ok) => setTimeout(ok, 7000));
    assert.equal(hook.received.length, 3, "three attempts, then it gives up");
    hook.plan = [];
    hookServer.closeAllConnections();
  });
});

describe("a missing or malformed signing key", () => {
  test("is a startup error in the log and 20500 on approvals, with nothing spent; never an unsigned token", async () => {
    // The PKCS#8 structure's version byte changed: PEM still, no longer a key.
    const garbled = KEY_1.replace("MIGHAgEA", "MIGHAgEB");
    assert.notEqual(garbled, KEY_1);
    const broken = await startWrangler({ vars: vars({ APPROVAL_SIGNING_KEY: garbled }) });
    try {
      assertError(await call(broken.url, "GET", "/.well-known/jwks.json"), 20500, 500);
      const to = freshNumber();
      const started = await call(broken.url, "POST", "/verify/start", { json: { to, channel: "sms" } });
      assert.equal(started.status, 201, "starting needs no key");
      const code = (await devInbox(broken.url, to)).at(-1).code;
      const checked = await call(broken.url, "POST", "/verify/check", { json: { to, code } });
      assertError(checked, 20500, 500);
      assert.equal(checked.json.token, undefined);
      const status = await call(broken.url, "GET", `/verify/status/${started.json.sid}`);
      assert.equal(status.json.status, "pending", "the code was not spent");
      await new Promise((ok) => setTimeout(ok, 300));
      const log = broken.output();
      assert.match(log, /startup: approval tokens cannot be issued.*APPROVAL_SIGNING_KEY/);
      assert.ok(!log.includes(garbled.slice(40, 80)), "the key is never quoted");
    } finally {
      await broken.stop();
    }
    const keyless = await startWrangler({ vars: vars({ APPROVAL_SIGNING_KEY: "", APPROVAL_REDEEM_SECRET: "" }) });
    try {
      // Without APPROVAL_REDEEM_SECRET, /verify/redeem does not exist.
      assertError(await call(keyless.url, "POST", "/verify/redeem", { json: { token: "a.b.c" }, headers: { authorization: "Bearer " } }), 20404, 404);
      const to = freshNumber();
      await call(keyless.url, "POST", "/verify/start", { json: { to, channel: "sms" } });
      assertError(await call(keyless.url, "POST", "/verify/check", { json: { to, code: (await devInbox(keyless.url, to)).at(-1).code } }), 20500, 500);
      assert.match(keyless.output(), /APPROVAL_SIGNING_KEY is not set/);
    } finally {
      await keyless.stop();
    }
  });
});
