// Passkeys end to end through the public API, in the demo, in headless Chromium with a CDP virtual authenticator:
// verify a phone number, add a passkey for it (the package's registerPasskey: the Worker's options, the
// authenticator, the Worker's check), reload, and sign in with it, no identity given (a discoverable passkey says
// whose it is). Both upstreams: the engine inside the Worker, and Twilio mode (a second Worker whose
// VERIFY_BASE_URL is the first one's /v2, its Service's Passkeys.* set as an operator sets them at Twilio). The
// approval token the sign-in ends with is verified by `jose` against the Worker's JWKS. Then what a stranger
// cannot do: register without a valid identity token, or sign in with a forged answer.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as jose from "jose";
import { assertDocumented } from "./openapi.mjs";
import { UNPROTECTED, devInbox, freePort, launchChromium, startWrangler } from "./support.mjs";

const API_KEY = "SKdec0de00000000000000000000000002";
const API_SECRET = "passkey-public-test-api-secret";
const ACCOUNT = "ACdec0de00000000000000000000000001";
const V2 = { authorization: `Basic ${btoa(`${API_KEY}:${API_SECRET}`)}`, "content-type": "application/x-www-form-urlencoded" };

/** The engine Worker's checks per client: the demo's flow takes 5 from loopback (a code, a passkey's two steps
 * to register, two to sign in). */
const CHECKS_PER_IP = 8;
let engine;
let proxy;
let browser;
const workers = {};

before(async () => {
  browser = await launchChromium();
  const enginePort = await freePort();
  engine = await startWrangler({
    port: enginePort,
    vars: { ...UNPROTECTED, ENGINE_API_KEY_SID: API_KEY, ENGINE_API_KEY_SECRET: API_SECRET,
      PASSKEY_RP_ID: "localhost", PASSKEY_ORIGINS: `http://localhost:${enginePort}`, LIMIT_CHECKS_PER_IP: `${CHECKS_PER_IP}/600` },
  });
  const proxyPort = await freePort();
  const proxyOrigin = `http://localhost:${proxyPort}`;
  // The Twilio-mode Worker's Service, created at the upstream as an operator creates it at Twilio, with the
  // passkey settings a discoverable sign-in's Challenge takes.
  const created = await fetch(`${engine.url}/v2/Services`, {
    method: "POST", headers: V2,
    body: new URLSearchParams({ FriendlyName: "Passkeys upstream", "Passkeys.RelyingParty.Id": "localhost",
      "Passkeys.RelyingParty.Name": "verify-edge", "Passkeys.RelyingParty.Origins": proxyOrigin,
      "Passkeys.AuthenticatorAttachment": "any", "Passkeys.DiscoverableCredentials": "preferred",
      "Passkeys.UserVerification": "preferred" }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  proxy = await startWrangler({
    port: proxyPort,
    vars: { ...UNPROTECTED, TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_API_KEY: API_KEY, TWILIO_API_SECRET: API_SECRET,
      VERIFY_SERVICE_SID: (await created.json()).sid, VERIFY_BASE_URL: engine.url,
      PASSKEY_RP_ID: "localhost", PASSKEY_ORIGINS: proxyOrigin },
  });
  workers.engine = { worker: engine, origin: `http://localhost:${enginePort}` };
  workers.Twilio = { worker: proxy, origin: proxyOrigin };
});

after(async () => {
  await browser?.close();
  await proxy?.stop();
  await engine?.stop();
});

let serial = 0;
function freshNational() {
  serial += 1;
  return `075${String(Date.now() % 1e5).padStart(5, "0")}${String(serial).padStart(3, "0")}`.slice(0, 11);
}

async function outcome(page, code) {
  await page.waitForSelector(`#outcome[data-code="${code}"]`, { timeout: 20_000 });
  return page.textContent("#outcome");
}

for (const mode of ["engine", "Twilio"]) {
  describe(`passkeys in the demo (${mode} upstream)`, () => {
    test("verify a number, add a passkey, reload, sign in with it: the approval token names the number", async () => {
      const { origin } = workers[mode];
      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e));
      await page.goto(`${origin}/`);
      await page.waitForSelector("body[data-ready=true]");
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("WebAuthn.enable");
      const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
        options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true,
          isUserVerified: true, automaticPresenceSimulation: true },
      });
      const national = freshNational();
      const e164 = `+44${national.slice(1)}`;
      await page.selectOption("#region", "GB");
      await page.fill("#phone", national);
      await page.click("#start");
      await page.waitForSelector("#check-form:not([hidden])");
      await page.fill("#code", (await devInbox(engine.url, e164)).at(-1).code);
      await page.click("#check");
      await outcome(page, "approved");
      await page.click("#passkey-register");
      assert.match(await outcome(page, "passkey-registered"), /Passkey added/);
      const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
      assert.equal(credentials.length, 1);
      assert.equal(credentials[0].rpId, "localhost");
      assert.equal(credentials[0].isResidentCredential, true, "discoverable, so a sign-in needs no identity");

      await page.reload();
      await page.waitForSelector("body[data-ready=true]");
      await page.click("#passkey-signin");
      assert.match(await outcome(page, "passkey-approved"), /Signed in/);
      await page.waitForSelector("#approval:not([hidden])");
      const token = await page.textContent("#token");
      const jwks = jose.createRemoteJWKSet(new URL(`${workers[mode].worker.url}/.well-known/jwks.json`));
      const { payload } = await jose.jwtVerify(token, jwks, { algorithms: ["ES256"], issuer: origin, audience: "verify-edge-dev" });
      assert.deepEqual([payload.sub, payload.channel, payload.amr, payload.phone_number], [e164, "passkey", ["hwk", "user"], e164]);
      assert.match(payload.jti, /^YC[0-9a-f]{32}$/);
      const after = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
      assert.ok(after.credentials[0].signCount > credentials[0].signCount, "the authenticator counted the sign-in");
      assert.deepEqual(errors, []);
      await page.close();
    });
  });
}

describe("passkeys through the public API: what a stranger cannot do", () => {
  async function post(path, json, client = "203.0.113.7") {
    const response = await fetch(`${engine.url}${path}`, {
      method: "POST", headers: { "content-type": "application/json", "cf-connecting-ip": client }, body: JSON.stringify(json),
    });
    const text = await response.text();
    const answer = { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined, text };
    assertDocumented("POST", path, answer);
    return answer;
  }

  test("no identity token, no registration; a forged or replayed answer signs no one in", async () => {
    const noToken = await post("/verify/passkey/register/options", {});
    assert.equal(noToken.json.code, 60200);
    assert.match(noToken.json.message, /identityToken/);
    const forgedToken = await post("/verify/passkey/register/options", { identityToken: "a.b.c" });
    assert.deepEqual([forgedToken.status, forgedToken.json.details?.reason], [400, "TOKEN_MALFORMED"]);
    // Anyone may ask for a discoverable sign-in's options; an answer to them that no authenticator made is refused.
    const options = await post("/verify/passkey/signin/options", {});
    assert.equal(options.status, 201, options.text);
    const challenge = options.json.options.publicKey.challenge;
    const clientDataJSON = Buffer.from(JSON.stringify({ type: "webauthn.get", challenge, origin: workers.engine.origin })).toString("base64url");
    const forged = { id: "AAAA", rawId: "AAAA", type: "public-key", authenticatorAttachment: "platform",
      response: { clientDataJSON, authenticatorData: Buffer.alloc(37).toString("base64url"), signature: "AAAA", userHandle: Buffer.from("YE" + "0".repeat(32)).toString("base64url") } };
    const refused = await post("/verify/passkey/signin", { credential: forged });
    assert.equal(refused.status, 404, refused.text);
    assert.equal(refused.json.token, undefined);
    // Its challenge is spent: the same answer again finds no ceremony.
    const again = await post("/verify/passkey/signin", { credential: forged });
    assert.deepEqual([again.status, again.json.code], [404, 60391]);
    // A credential that is not an object is refused before anything goes upstream.
    assert.equal((await post("/verify/passkey/signin", { credential: "nope" })).json.code, 60200);
  });

  test("discoverable sign-in options need no identity, so each client may ask LIMIT_CHECKS_PER_IP times, and no more", async () => {
    for (let i = 0; i < CHECKS_PER_IP; i += 1) {
      assert.equal((await post("/verify/passkey/signin/options", {}, "203.0.113.9")).status, 201);
    }
    const limited = await post("/verify/passkey/signin/options", {}, "203.0.113.9");
    assert.deepEqual([limited.status, limited.json.code], [429, 20429]);
    assert.ok(Number(limited.headers.get("retry-after")) > 0);
    // One client's spent allowance is its own: another client still gets options.
    assert.equal((await post("/verify/passkey/signin/options", {}, "203.0.113.10")).status, 201);
  });
});
