// The engine's Passkeys API (/v2/Services/{sid}/Passkeys/...) driven by Twilio's official Node SDK (npm `twilio`:
// newFactors, newVerifyFactors, newChallenge, approveChallenge), with the device's half played by headless
// Chromium: the package's createPasskey and getPasskey against a CDP virtual authenticator, on a page the Worker
// serves at http://localhost (RP ID `localhost`). Every answer the SDK received is held to its operation's response
// schema in Twilio's spec (./contract.mjs). Registration, sign-in with a named identity and a discoverable one,
// and the refusals: a replayed answer, another origin's page, a tampered signature, an answer nobody asked for.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import twilio from "twilio";
import { RecordingClient, assertContract } from "./contract.mjs";
import { launchChromium, startWrangler } from "./support.mjs";

const ACCOUNT_SID = "ACdec0de00000000000000000000000001";
const AUTH_TOKEN = "dev-auth-token-not-secret";

let worker;
let browser;
let http;
let verify;
let service;
let origin;
before(async () => {
  worker = await startWrangler();
  origin = worker.url.replace("127.0.0.1", "localhost");
  browser = await launchChromium();
  http = new RecordingClient();
  const client = twilio(ACCOUNT_SID, AUTH_TOKEN, { autoRetry: false, httpClient: http });
  client.verify.baseUrl = worker.url;
  verify = client.verify.v2;
  const created = await verify.services.create({ friendlyName: "Passkeys test" });
  service = verify.services(created.sid);
});
after(async () => {
  await browser?.close();
  await worker?.stop();
});

async function judged(operation, promise) {
  const value = await promise;
  assertContract(operation, http.answers.at(-1));
  return value;
}

/** The Twilio error an SDK call rejects with: its code and HTTP status. */
async function refusal(promise) {
  try {
    await promise;
  } catch (e) {
    return { code: e.code, status: e.status, reason: e.details?.reason };
  }
  assert.fail("the call was not refused");
}

let n = 0;
const nextIdentity = () => `passkey-user-${process.pid}-${String(n++).padStart(4, "0")}`;

const config = (extra = {}) => ({
  relying_party: { id: "localhost", name: "verify-edge", origins: [origin] },
  authenticator_attachment: "platform",
  discoverable_credentials: "required",
  user_verification: "required",
  ...extra,
});

/** A page of the Worker's origin (or `at`) with the package loaded and an internal, verifying authenticator. */
async function device(at = origin) {
  const page = await browser.newPage();
  await page.goto(`${at}/`);
  await page.waitForSelector("body[data-ready=true]");
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, automaticPresenceSimulation: true },
  });
  const run = (name, ...args) => page.evaluate(async ([name, args]) => {
    const pkg = await import("/pkg/passkey/index.js");
    try {
      return { value: await pkg[name](...args) };
    } catch (e) {
      return { error: { code: e.code, message: e.message } };
    }
  }, [name, args]);
  return { page, cdp, authenticatorId, run };
}

/** Registers a passkey for a new identity through the SDK and the device; the identity, its Factor and the device. */
async function registered(dev) {
  const identity = nextIdentity();
  const factor = await judged("CreateNewFactorPasskey",
    service.newFactors.create({ friendlyName: "Ada", identity, config: config() }));
  assert.equal(factor.status, "unverified");
  assert.equal(factor.factorType, "passkeys");
  const created = await dev.run("createPasskey", factor.options);
  assert.ok(created.value, JSON.stringify(created.error));
  const verified = await judged("UpdatePasskeysFactor", service.newVerifyFactors.update(created.value));
  return { identity, factor, verified, registration: created.value };
}

describe("the engine's Passkeys API, through twilio-node, answered by Chromium's virtual authenticator", () => {
  test("a passkey registers (newFactors, newVerifyFactors) and signs its Entity in (newChallenge, approveChallenge)", async () => {
    const dev = await device();
    const { identity, factor, verified, registration } = await registered(dev);
    assert.equal(verified.sid, factor.sid);
    assert.equal(verified.status, "verified");
    assert.deepEqual(verified.config.relying_party, config().relying_party);
    const options = factor.options.publicKey;
    assert.equal(Buffer.from(options.user.id, "base64url").toString(), factor.entitySid, "user.id: the Entity's SID");
    assert.equal(options.rp.id, "localhost");
    // The Factor is one of the Entity's, listed as Twilio lists them.
    const listed = await service.entities(identity).factors.list();
    assert.deepEqual(listed.map((f) => [f.sid, f.factorType, f.status]), [[factor.sid, "passkeys", "verified"]]);

    const challenge = await judged("CreateChallengePasskeys", service.newChallenge().create({ identity }));
    assert.equal(challenge.status, "pending");
    assert.equal(challenge.identity, identity);
    assert.equal(challenge.options.publicKey.rpId, "localhost");
    assert.deepEqual(challenge.options.publicKey.allowCredentials.map((c) => c.id), [registration.id]);
    const answer = await dev.run("getPasskey", challenge.options);
    assert.ok(answer.value, JSON.stringify(answer.error));
    const approved = await judged("UpdateChallengePasskeys", service.approveChallenge.update(answer.value));
    assert.equal(approved.status, "approved");
    assert.equal(approved.sid, challenge.sid);
    assert.equal(approved.factorSid, factor.sid);
    assert.equal(approved.identity, identity);
    // The same answer again: its challenge was taken by the first, 60391.
    assert.deepEqual(await refusal(service.approveChallenge.update(answer.value)),
      { code: 60391, status: 404, reason: "PASSKEY_CHALLENGE_SPENT" });
    await dev.page.close();
  });

  test("a discoverable sign-in: no identity asked, the passkey says whose it is (its user handle, the Entity's SID)", async () => {
    const dev = await device();
    const { identity, factor } = await registered(dev);
    await service.update({
      "passkeys.relyingParty.id": "localhost", "passkeys.relyingParty.name": "verify-edge",
      "passkeys.relyingParty.origins": origin, "passkeys.authenticatorAttachment": "platform",
      "passkeys.discoverableCredentials": "required", "passkeys.userVerification": "required",
    });
    const challenge = await judged("CreateChallengePasskeys", service.newChallenge().create({}));
    assert.equal(challenge.identity, null);
    assert.deepEqual(challenge.options.publicKey.allowCredentials, []);
    const answer = await dev.run("getPasskey", challenge.options);
    assert.ok(answer.value, JSON.stringify(answer.error));
    assert.equal(Buffer.from(answer.value.response.userHandle, "base64url").toString(), factor.entitySid);
    const approved = await judged("UpdateChallengePasskeys", service.approveChallenge.update(answer.value));
    assert.deepEqual([approved.status, approved.identity, approved.factorSid, approved.entitySid],
      ["approved", identity, factor.sid, factor.entitySid]);
    await dev.page.close();
  });

  test("refused: a page of another origin, a tampered signature, an answer nobody asked for, a factor in the wrong place", async () => {
    const dev = await device();
    const { identity } = await registered(dev);
    // The page at 127.0.0.1 is not one of the relying party's origins (its RP ID is not even valid there).
    const stranger = await device(worker.url);
    const challenge = await service.newChallenge().create({ identity });
    const elsewhere = await stranger.run("getPasskey", challenge.options);
    assert.equal(elsewhere.error?.code, "PASSKEY_WRONG_SITE");
    // A flipped signature byte: 60381, naming the WebAuthn step.
    const answer = await dev.run("getPasskey", challenge.options);
    const signature = Buffer.from(answer.value.response.signature, "base64url");
    signature[signature.length - 1] ^= 1;
    const tampered = { ...answer.value, response: { ...answer.value.response, signature: signature.toString("base64url") } };
    assert.deepEqual(await refusal(service.approveChallenge.update(tampered)), { code: 60381, status: 400, reason: "WEBAUTHN_SIGNATURE" });
    // That answer spent the challenge: the untampered one finds nothing now.
    assert.equal((await refusal(service.approveChallenge.update(answer.value))).code, 60391);
    // A registration answer nobody asked for (its challenge was never issued here).
    const fresh = await service.newFactors.create({ friendlyName: "Ada", identity: nextIdentity(), config: config() });
    const made = await dev.run("createPasskey", fresh.options);
    const forged = JSON.parse(Buffer.from(made.value.response.clientDataJSON, "base64url"));
    forged.challenge = Buffer.from("never issued").toString("base64url");
    const unknown = { ...made.value, response: { ...made.value.response, clientDataJSON: Buffer.from(JSON.stringify(forged)).toString("base64url") } };
    assert.equal((await refusal(service.newVerifyFactors.update(unknown))).code, 60390);
    // A passkey Factor through the TOTP routes: 60369; config without criteria: 60393; a bad RP ID: 60372.
    const [passkeyFactor] = await service.entities(identity).factors.list();
    assert.equal((await refusal(service.entities(identity).factors(passkeyFactor.sid).update({ authPayload: "123456" }))).code, 60369);
    assert.equal((await refusal(service.newFactors.create({ friendlyName: "A", identity: nextIdentity(),
      config: { relying_party: config().relying_party } }))).code, 60393);
    assert.equal((await refusal(service.newFactors.create({ friendlyName: "A", identity: nextIdentity(),
      config: config({ relying_party: { id: "https://localhost", name: "x", origins: [origin] } }) }))).code, 60372);
    await dev.page.close();
    await stranger.page.close();
  });
});
