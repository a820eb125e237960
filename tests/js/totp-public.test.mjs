// Authenticator apps through the public API (/verify/totp/enroll, /confirm, /check) of a running Worker (workerd,
// `wrangler dev`), in engine mode and in Twilio mode (a second Worker whose VERIFY_BASE_URL is the first's /v2).
// Codes come from an independent TOTP implementation (npm `otpauth`, reading the otpauth:// URI the Worker
// answers); identity tokens are signed by `jose` as an operator's server would; approval tokens are verified by
// `jose` against the served JWKS. Every answer is held to the OpenAPI document.
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync } from "node:crypto";
import { after, before, describe, test } from "node:test";
import * as jose from "jose";
import * as OTPAuth from "otpauth";
import { assertDocumented } from "./openapi.mjs";
import { UNPROTECTED, devInbox, startWrangler } from "./support.mjs";

const AUDIENCE = "https://app.example.test";
const OPERATOR_ISSUER = "https://app.example.test/auth";
const API_KEY = "SKdec0de00000000000000000000000001";
const API_SECRET = "totp-public-test-api-secret";
const ACCOUNT = "ACdec0de00000000000000000000000001";
const V2 = { authorization: `Basic ${btoa(`${API_KEY}:${API_SECRET}`)}` };

const oneLine = (pem) => pem.trim().replaceAll("\n", "\\n");
const workerKey = () =>
  oneLine(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }));
/** The operator's key pair: the private half signs identity tokens here, the public half is IDENTITY_TOKEN_KEYS. */
const operator = generateKeyPairSync("ec", { namedCurve: "P-256" });
/** A key the Worker does not trust. */
const stranger = generateKeyPairSync("ec", { namedCurve: "P-256" });

const PER_IDENTITY = 8;
const vars = (extra = {}) => ({
  ...UNPROTECTED,
  APPROVAL_SIGNING_KEY: workerKey(), APPROVAL_AUDIENCE: AUDIENCE,
  IDENTITY_TOKEN_KEYS: oneLine(operator.publicKey.export({ type: "spki", format: "pem" })),
  IDENTITY_TOKEN_ISSUER: OPERATOR_ISSUER,
  LIMIT_TOTP_ATTEMPTS_PER_IDENTITY: `${PER_IDENTITY}/600`,
  ENGINE_API_KEY_SID: API_KEY, ENGINE_API_KEY_SECRET: API_SECRET,
  ...extra,
});

let engine;
let proxy;

before(async () => {
  engine = await startWrangler({ vars: vars() });
  const created = await fetch(`${engine.url}/v2/Services`, {
    method: "POST",
    headers: { ...V2, "content-type": "application/x-www-form-urlencoded" },
    body: "FriendlyName=Acme",
  });
  assert.equal(created.status, 201);
  const service = (await created.json()).sid;
  proxy = await startWrangler({
    vars: vars({
      TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_API_KEY: API_KEY, TWILIO_API_SECRET: API_SECRET,
      VERIFY_SERVICE_SID: service, VERIFY_BASE_URL: engine.url,
    }),
  });
});

after(async () => {
  await proxy?.stop();
  await engine?.stop();
});

async function post(base, path, json) {
  const response = await fetch(base + path, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(json),
  });
  const text = await response.text();
  const answer = { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined, text };
  assertDocumented("POST", path, answer);
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
  return `+4478${String(Date.now() % 1e6).padStart(6, "0")}${String(serial).padStart(2, "0")}`.slice(0, 13);
}

/** An approval token for a fresh number, from a real verification (the dev inbox shows the code). */
async function phoneToken(base) {
  const to = freshNumber();
  const started = await post(base, "/verify/start", { to, channel: "sms" });
  assert.equal(started.status, 201, started.text);
  const code = (await devInbox(engine.url, started.json.to)).at(-1).code;
  const checked = await post(base, "/verify/check", { to: started.json.to, code });
  assert.equal(checked.json.status, "approved", checked.text);
  return { to: started.json.to, token: checked.json.token };
}

let users = 0;
/** An identity token the operator's server signs for `sub` (jose, ES256, no kid), valid `seconds`. */
async function operatorToken({ sub = `user-${Date.now()}-${++users}`, aud, key = operator.privateKey, iss = OPERATOR_ISSUER, seconds = 300, iat } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const token = await new jose.SignJWT({})
    .setProtectedHeader({ alg: "ES256", typ: "JWT" })
    .setIssuer(iss)
    .setAudience(aud)
    .setSubject(sub)
    .setIssuedAt(iat ?? now)
    .setExpirationTime((iat ?? now) + seconds)
    .sign(key);
  return { sub, token };
}

/** The app a user's phone holds after scanning the enrollment's QR code (otpauth's URI parser, not ours). */
const app = (uri) => OTPAuth.URI.parse(uri);
/** The app's code `steps` periods from now. */
const codeAt = (totp, steps = 0) => totp.generate({ timestamp: Date.now() + steps * totp.period * 1000 });

/** Enrolls and confirms an app for `identityToken`; the app and its factor. */
async function enrolled(base, identityToken) {
  const enrollment = await post(base, "/verify/totp/enroll", { identityToken, friendlyName: "Work phone" });
  assert.equal(enrollment.status, 201, enrollment.text);
  const totp = app(enrollment.json.uri);
  const confirmed = await post(base, "/verify/totp/confirm", {
    identityToken, factorSid: enrollment.json.factorSid, code: codeAt(totp),
  });
  assert.equal(confirmed.json.status, "verified", confirmed.text);
  return { totp, factorSid: enrollment.json.factorSid };
}

const jwks = (base) => jose.createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`));

/** The Entity identity an operator computes for an identity: SHA-256(iss NUL sub), first 16 bytes in hex. */
const entityIdentity = (iss, sub) => createHash("sha256").update(`${iss}\0${sub}`).digest("hex").slice(0, 32);

for (const mode of ["engine", "Twilio"]) {
  describe(`authenticator apps through the public API (${mode} upstream)`, () => {
    const base = () => (mode === "engine" ? engine.url : proxy.url);

    test("a number verified minutes ago enrolls an app, confirms it with the app's code, and signs in with a later one", async () => {
      const { to, token } = await phoneToken(base());
      const enrollment = await post(base(), "/verify/totp/enroll", { identityToken: token, friendlyName: "Work phone" });
      assert.equal(enrollment.status, 201, enrollment.text);
      assert.equal(enrollment.json.status, "unverified");
      const totp = app(enrollment.json.uri);
      assert.equal(totp.secret.base32, enrollment.json.secret);
      assert.equal(totp.label, "Work phone");
      // Before confirmation the app cannot sign in.
      assertError(await post(base(), "/verify/totp/check", { identityToken: token, code: codeAt(totp) }), 20404, 404, "NO_VERIFIED_FACTOR");
      const wrong = await post(base(), "/verify/totp/confirm", {
        identityToken: token, factorSid: enrollment.json.factorSid, code: codeAt(totp, 10),
      });
      assert.deepEqual(wrong.json, { factorSid: enrollment.json.factorSid, status: "unverified" });
      const confirmed = await post(base(), "/verify/totp/confirm", {
        identityToken: token, factorSid: enrollment.json.factorSid, code: codeAt(totp),
      });
      assert.deepEqual(confirmed.json, { factorSid: enrollment.json.factorSid, status: "verified" });
      // The confirmation's code is spent; the next period's is good (within the skew), once.
      const replayed = await post(base(), "/verify/totp/check", { identityToken: token, code: codeAt(totp) });
      assert.equal(replayed.status, 200, replayed.text);
      assert.deepEqual([replayed.json.status, replayed.json.valid, replayed.json.token], ["pending", false, null]);
      const next = codeAt(totp, 1);
      const signedIn = await post(base(), "/verify/totp/check", { identityToken: token, code: next });
      assert.deepEqual([signedIn.json.status, signedIn.json.valid], ["approved", true], signedIn.text);
      const { payload, protectedHeader } = await jose.jwtVerify(signedIn.json.token, jwks(base()), {
        algorithms: ["ES256"], issuer: base(), audience: AUDIENCE,
      });
      assert.equal(protectedHeader.alg, "ES256");
      assert.deepEqual([payload.sub, payload.channel, payload.amr, payload.jti], [to, "totp", ["otp"], signedIn.json.sid]);
      assert.equal(payload.phone_number, to);
      const again = await post(base(), "/verify/totp/check", { identityToken: token, code: next });
      assert.deepEqual([again.json.status, again.json.token], ["pending", null]);
      // No answer but the enrollment's ever shows the secret.
      for (const answer of [confirmed, replayed, signedIn, again]) assert.ok(!answer.text.includes(enrollment.json.secret));
    });

    test("the operator's identity token (jose, ES256) enrolls and signs in its user; the Entity is the documented hash", async () => {
      const { sub, token } = await operatorToken({ aud: base() });
      const { totp } = await enrolled(base(), token);
      const checked = await post(base(), "/verify/totp/check", { identityToken: token, code: codeAt(totp, 1) });
      assert.equal(checked.json.status, "approved", checked.text);
      const { payload } = await jose.jwtVerify(checked.json.token, jwks(base()), { algorithms: ["ES256"], issuer: base(), audience: AUDIENCE });
      assert.equal(payload.sub, sub);
      assert.equal(payload.phone_number, undefined);
      // Where the factors are: the Entity named by SHA-256(iss NUL sub), at the engine (Twilio's stand-in in Twilio mode).
      const identity = entityIdentity(OPERATOR_ISSUER, sub);
      const factors = await fetch(`${engine.url}/v2/Services/${await serviceOf(mode)}/Entities/${identity}/Factors`, { headers: V2 });
      assert.equal(factors.status, 200);
      const listed = (await factors.json()).factors;
      assert.deepEqual(listed.map((f) => [f.factor_type, f.status, f.friendly_name]), [["totp", "verified", "Work phone"]]);
    });

    test("no identity, no factor: each bad identity token is refused, naming identityToken and why", async () => {
      const refusedFor = async (identityToken, reason) => {
        const answer = await post(base(), "/verify/totp/enroll", { identityToken });
        assertError(answer, 60200, 400, reason);
        assert.match(answer.json.message, /identityToken/);
      };
      assertError(await post(base(), "/verify/totp/enroll", {}), 60200, 400, "MISSING");
      await refusedFor("not-a-token", "TOKEN_MALFORMED");
      await refusedFor((await operatorToken({ aud: base(), key: stranger.privateKey })).token, "TOKEN_SIGNATURE");
      await refusedFor((await operatorToken({ aud: "https://elsewhere.example" })).token, "TOKEN_AUDIENCE");
      await refusedFor((await operatorToken({ aud: base(), iss: "https://evil.example" })).token, "TOKEN_ISSUER");
      await refusedFor((await operatorToken({ aud: base(), iat: Math.floor(Date.now() / 1000) - 400 })).token, "TOKEN_EXPIRED");
      await refusedFor((await operatorToken({ aud: base(), seconds: 3600 })).token, "TOKEN_LIFETIME");
      // A payload changed under the operator's signature (another user).
      const { token } = await operatorToken({ aud: base() });
      const [h, , s] = token.split(".");
      const other = Buffer.from(JSON.stringify({ iss: OPERATOR_ISSUER, aud: base(), sub: "admin", iat: 1, exp: 9e9 })).toString("base64url");
      await refusedFor(`${h}.${other}.${s}`, "TOKEN_SIGNATURE");
      // alg none, and HS256 keyed with the operator's public key (algorithm confusion).
      const claims = { iss: OPERATOR_ISSUER, aud: base(), sub: "admin" };
      await refusedFor(new jose.UnsecuredJWT(claims).setIssuedAt().setExpirationTime("5m").encode(), "TOKEN_ALGORITHM");
      const hs = await new jose.SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt().setExpirationTime("5m")
        .sign(new TextEncoder().encode(operator.publicKey.export({ type: "spki", format: "pem" })));
      await refusedFor(hs, "TOKEN_ALGORITHM");
    });

    test("a page cannot reach another identity's app: confirming or checking its factor is 404", async () => {
      const alice = await operatorToken({ aud: base() });
      const mallory = await operatorToken({ aud: base() });
      const enrollment = await post(base(), "/verify/totp/enroll", { identityToken: alice.token });
      const totp = app(enrollment.json.uri);
      const stolen = await post(base(), "/verify/totp/confirm", {
        identityToken: mallory.token, factorSid: enrollment.json.factorSid, code: codeAt(totp),
      });
      assertError(stolen, 20404, 404);
      const { totp: malloryApp } = await enrolled(base(), mallory.token);
      assert.ok(malloryApp);
      const check = await post(base(), "/verify/totp/check", {
        identityToken: mallory.token, factorSid: enrollment.json.factorSid, code: codeAt(totp),
      });
      assertError(check, 20404, 404, "NO_VERIFIED_FACTOR");
      // Alice's factor is untouched: still unverified, and her own code confirms it.
      const confirmed = await post(base(), "/verify/totp/confirm", {
        identityToken: alice.token, factorSid: enrollment.json.factorSid, code: codeAt(totp),
      });
      assert.equal(confirmed.json.status, "verified", confirmed.text);
    });
  });
}

const services = {};
/** The Service that holds the public API's Entities: the engine's default, or the one the Twilio-mode Worker names. */
async function serviceOf(mode) {
  if (services[mode]) return services[mode];
  const listed = await (await fetch(`${engine.url}/v2/Services`, { headers: V2 })).json();
  const names = Object.fromEntries(listed.services.map((s) => [s.friendly_name, s.sid]));
  services[mode] = mode === "engine" ? names["verify-edge"] : names.Acme;
  return services[mode];
}

describe("authenticator apps: limits", () => {
  test("an identity's attempts are limited (LIMIT_TOTP_ATTEMPTS_PER_IDENTITY), whichever route and factor, then 429 with Retry-After", async () => {
    const { token } = await operatorToken({ aud: engine.url });
    const { totp, factorSid } = await enrolled(engine.url, token); // 2 attempts
    for (let i = 2; i < PER_IDENTITY; i += 1) {
      const wrong = await post(engine.url, "/verify/totp/check", { identityToken: token, code: codeAt(totp, 20), factorSid });
      assert.equal(wrong.json.status, "pending", wrong.text);
    }
    const limited = await post(engine.url, "/verify/totp/check", { identityToken: token, code: codeAt(totp, 1) });
    assertError(limited, 20429, 429);
    assert.ok(Number(limited.headers.get("retry-after")) > 0);
    // Another identity is not held back by it.
    const other = await operatorToken({ aud: engine.url });
    assert.equal((await post(engine.url, "/verify/totp/enroll", { identityToken: other.token })).status, 201);
  });

  test("one identity holds at most 5 apps: the sixth enrollment is 403 TOO_MANY_FACTORS", async () => {
    const { token } = await operatorToken({ aud: engine.url });
    for (let i = 0; i < 5; i += 1) {
      assert.equal((await post(engine.url, "/verify/totp/enroll", { identityToken: token })).status, 201);
    }
    assertError(await post(engine.url, "/verify/totp/enroll", { identityToken: token }), 20403, 403, "TOO_MANY_FACTORS");
  });

  test("a bad code or factor SID is refused before any upstream call, naming the parameter", async () => {
    const { token } = await operatorToken({ aud: engine.url });
    for (const [body, name] of [
      [{ identityToken: token, code: "12ab56" }, "code"],
      [{ identityToken: token, code: "123456", factorSid: "YFnope" }, "factorSid"],
      [{ identityToken: token, code: "123456", identity: "someone" }, "identity"],
    ]) {
      const answer = await post(engine.url, "/verify/totp/check", body);
      assertError(answer, 60200, 400);
      assert.match(answer.json.message, new RegExp(name));
    }
  });
});
