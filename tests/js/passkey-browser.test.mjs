// The device's half of passkeys in headless Chromium: the package's createPasskey and getPasskey drive
// navigator.credentials against Chrome DevTools Protocol's virtual authenticators (internal and roaming, with and
// without resident keys and user verification), from a page the Worker serves at http://localhost (a secure
// context; RP ID `localhost`). What they answer is judged by @simplewebauthn/server, an independent WebAuthn server
// library: the registration verifies, and the sign-in verifies with the registered key. The browser's refusals
// come back as the package's codes.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { verifyAuthenticationResponse, verifyRegistrationResponse } from "@simplewebauthn/server";
import { launchChromium, startWrangler } from "./support.mjs";

let worker;
let browser;
let origin;
before(async () => {
  worker = await startWrangler();
  browser = await launchChromium();
  origin = worker.url.replace("127.0.0.1", "localhost");
});
after(async () => {
  await browser?.close();
  await worker?.stop();
});

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");

/** A page of the Worker's origin with the package loaded and a virtual authenticator of `options` attached. */
async function pageWithAuthenticator(options) {
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  await page.waitForSelector("body[data-ready=true]");
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", automaticPresenceSimulation: true, ...options },
  });
  return { page, cdp, authenticatorId };
}

/** Calls an export of the page's package with `args`; resolves with its value, or `{error: {name, code}}`. */
function callPackage(page, name, ...args) {
  return page.evaluate(async ([name, args]) => {
    const pkg = await import("/pkg/passkey/index.js");
    try {
      return { value: await pkg[name](...args) };
    } catch (e) {
      return { error: { name: e.name, code: e.code, message: e.message } };
    }
  }, [name, args]);
}

function creationOptions({ userVerification = "required", residentKey = "required", attachment, exclude = [] } = {}) {
  const challenge = randomBytes(32);
  const userId = `YE${randomBytes(16).toString("hex")}`;
  return {
    challenge,
    userId,
    options: { publicKey: {
      rp: { id: "localhost", name: "verify-edge test" },
      user: { id: b64url(userId), name: "ada", displayName: "Ada" },
      challenge: b64url(challenge),
      pubKeyCredParams: [{ type: "public-key", alg: -7 }, { type: "public-key", alg: -8 }, { type: "public-key", alg: -257 }],
      timeout: 10000,
      excludeCredentials: exclude.map((id) => ({ type: "public-key", id })),
      authenticatorSelection: { residentKey, userVerification, ...(attachment ? { authenticatorAttachment: attachment } : {}) },
      attestation: "none",
    } },
  };
}

const kinds = [
  { name: "internal, resident key, user verification", authenticator: { transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true }, userVerification: "required", residentKey: "required", discoverable: true },
  { name: "roaming (usb), no resident key, no user verification", authenticator: { transport: "usb", hasResidentKey: false, hasUserVerification: false }, userVerification: "discouraged", residentKey: "discouraged", discoverable: false },
];

describe("passkeys in Chromium through the package (virtual authenticators)", () => {
  for (const kind of kinds) {
    test(`${kind.name}: createPasskey registers, getPasskey signs in; @simplewebauthn/server verifies both`, async () => {
      const { page } = await pageWithAuthenticator(kind.authenticator);
      const created = creationOptions(kind);
      const registered = await callPackage(page, "createPasskey", created.options);
      assert.ok(registered.value, JSON.stringify(registered.error));
      const registration = registered.value;
      assert.equal(registration.id, registration.rawId);
      assert.equal(registration.type, "public-key");
      const judged = await verifyRegistrationResponse({
        response: registration,
        expectedChallenge: b64url(created.challenge),
        expectedOrigin: origin,
        expectedRPID: "localhost",
        requireUserVerification: kind.userVerification === "required",
      });
      assert.equal(judged.verified, true);
      const { credential } = judged.registrationInfo;

      const challenge = randomBytes(32);
      const allow = kind.discoverable ? [] : [{ type: "public-key", id: registration.id }];
      const signedIn = await callPackage(page, "getPasskey", { publicKey: {
        challenge: b64url(challenge), rpId: "localhost", allowCredentials: allow, userVerification: kind.userVerification, timeout: 10000,
      } });
      assert.ok(signedIn.value, JSON.stringify(signedIn.error));
      const assertion = signedIn.value;
      assert.equal(assertion.id, registration.id);
      if (kind.discoverable) {
        assert.equal(Buffer.from(assertion.response.userHandle, "base64url").toString(), created.userId,
          "a discoverable passkey says whose it is: the user id it was created with");
      }
      const verdict = await verifyAuthenticationResponse({
        response: assertion,
        expectedChallenge: b64url(challenge),
        expectedOrigin: origin,
        expectedRPID: "localhost",
        credential,
        requireUserVerification: kind.userVerification === "required",
      });
      assert.equal(verdict.verified, true);
      // A changed signature byte: the judge refuses it, so the verdict above could have failed.
      const signature = Buffer.from(assertion.response.signature, "base64url");
      signature[signature.length - 1] ^= 1;
      await assert.rejects(verifyAuthenticationResponse({
        response: { ...assertion, response: { ...assertion.response, signature: b64url(signature) } },
        expectedChallenge: b64url(challenge), expectedOrigin: origin, expectedRPID: "localhost", credential,
      }).then((v) => { if (!v.verified) throw new Error("refused"); }));
      await page.close();
    });
  }

  test("the browser's refusals are the package's codes: already registered, wrong site, cancelled; bad options before any prompt", async () => {
    const { page, cdp, authenticatorId } = await pageWithAuthenticator({ transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true });
    const first = creationOptions();
    const registered = await callPackage(page, "createPasskey", first.options);
    assert.ok(registered.value, JSON.stringify(registered.error));
    const again = creationOptions({ exclude: [registered.value.id] });
    assert.equal((await callPackage(page, "createPasskey", again.options)).error?.code, "PASSKEY_ALREADY_REGISTERED");
    const elsewhere = creationOptions();
    elsewhere.options.publicKey.rp.id = "example.com";
    assert.equal((await callPackage(page, "createPasskey", elsewhere.options)).error?.code, "PASSKEY_WRONG_SITE");
    // The user does not touch the authenticator: the prompt times out.
    await cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId, enabled: false });
    const timedOut = await callPackage(page, "getPasskey", { challenge: b64url(randomBytes(32)), rpId: "localhost", timeout: 1000 });
    assert.equal(timedOut.error?.code, "PASSKEY_CANCELLED", JSON.stringify(timedOut));
    assert.equal(timedOut.error?.name, "VerifyEdgeError");
    // Options that are not WebAuthn's JSON, and a bad mediation, are refused before the browser is asked.
    const bad = creationOptions();
    bad.options.publicKey.challenge = "not base64url!";
    assert.equal((await callPackage(page, "createPasskey", bad.options)).error?.code, "INVALID_ARGUMENT");
    assert.equal((await callPackage(page, "createPasskey", { publicKey: { rp: {} } })).error?.code, "INVALID_ARGUMENT");
    const mediation = await callPackage(page, "getPasskey", { challenge: b64url(randomBytes(32)) }, { mediation: "sometimes" });
    assert.equal(mediation.error?.code, "INVALID_ARGUMENT");
    const autofill = await callPackage(page, "isPasskeyAutofillAvailable");
    assert.equal(typeof autofill.value, "boolean");
    await page.close();
  });
});
