// Our WebAuthn relying-party procedures (src/webauthn/, natively through examples/webauthn_verify.rs) judged against an
// independent, widely used implementation, npm `@simplewebauthn/server`: registrations and sign-ins made here by a
// software authenticator (node:crypto's P-256, Ed25519 and RSA-2048 keys, authenticator data written byte by byte,
// COSE keys in CBOR by the small encoder below, `none` and `packed` attestation, self or by a certificate made with
// @peculiar/x509), a valid baseline for each
// algorithm, then each tampering a relying party must catch (origin, RP ID hash, challenge, ceremony type, the UP, UV
// and BS/BE flags, the counter, the signature, the algorithm, a changed byte of authenticator data or of
// clientDataJSON). For each case both verdicts are pinned: they agree, and each is the expected one (our refusal at
// the expected step, theirs for the expected reason). Where the two differ by design, each side's verdict is asserted
// on its own and the comment says why.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createHash, generateKeyPairSync, randomBytes, sign, webcrypto } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import * as x509 from "@peculiar/x509";
import { verifyAuthenticationResponse, verifyRegistrationResponse } from "@simplewebauthn/server";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const RP_ID = "example.com";
const ORIGIN = "https://example.com";
/** What we offer (src/webauthn/cose.rs OFFERED); simplewebauthn is told the same (`supportedAlgorithmIDs`). */
const OFFERED = [-7, -8, -257];

// ---------------------------------------------------------------------------------------------------------------
// Our verdicts: one native process, one JSON request per line.

let child;
let lines;
const pending = [];
before(() => {
  // The example built once (cargo honours CARGO_TARGET_DIR); its path as cargo reports it.
  const messages = execFileSync(
    "cargo",
    ["build", "--quiet", "--example", "webauthn_verify", "--message-format=json-render-diagnostics"],
    { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20 },
  );
  const executable = messages
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line))
    .find((m) => m.reason === "compiler-artifact" && m.target?.name === "webauthn_verify" && m.executable)?.executable;
  assert.ok(executable, "cargo reported the example's executable");
  child = spawn(executable, [], { stdio: ["pipe", "pipe", "inherit"] });
  lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => pending.shift()?.resolve(JSON.parse(line)));
  child.on("exit", (code) => {
    for (const p of pending.splice(0)) p.reject(new Error(`webauthn_verify exited (${code})`));
  });
});
after(() => {
  lines?.close();
  if (child?.exitCode === null) process.kill(child.pid);
});

/** Our verdict on `request` (answers come back in order). */
function ours(request) {
  return new Promise((resolve, reject) => {
    pending.push({ resolve, reject });
    child.stdin.write(`${JSON.stringify(request)}\n`);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The software authenticator.

const b64u = (bytes) => Buffer.from(bytes).toString("base64url");
const sha256 = (bytes) => createHash("sha256").update(bytes).digest();
const u16 = (n) => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** CBOR (RFC 8949) of what COSE keys and attestation objects hold: integers, byte strings, text, maps (a `Map`). */
function cbor(value) {
  const head = (major, n) => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
    if (n < 0x10000) return Buffer.concat([Buffer.from([(major << 5) | 25]), u16(n)]);
    return Buffer.concat([Buffer.from([(major << 5) | 26]), u32(n)]);
  };
  if (Number.isInteger(value)) return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  if (typeof value === "string") {
    const text = Buffer.from(value, "utf8");
    return Buffer.concat([head(3, text.length), text]);
  }
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(cbor)]);
  if (value instanceof Map) {
    return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
  }
  throw new TypeError(`no CBOR for ${value}`);
}
// The encoder, held to RFC 8949 Appendix A's examples.
test("the test's CBOR encoder writes RFC 8949's examples", () => {
  const hex = (v) => cbor(v).toString("hex");
  assert.equal(hex(10), "0a");
  assert.equal(hex(24), "1818");
  assert.equal(hex(1000), "1903e8");
  assert.equal(hex(1000000), "1a000f4240");
  assert.equal(hex(-1), "20");
  assert.equal(hex(-100), "3863");
  assert.equal(hex(-1000), "3903e7");
  assert.equal(hex(Buffer.from("01020304", "hex")), "4401020304");
  assert.equal(hex("IETF"), "6449455446");
  assert.equal(hex(new Map([[1, 2], [3, 4]])), "a201020304");
});

/** A credential key pair of COSE algorithm `alg`: its COSE public key and its signing function. */
function credentialKey(alg) {
  const jwkBytes = (text) => Buffer.from(text, "base64url");
  switch (alg) {
    case -7: // ES256: EC2, P-256, signatures ASN.1 DER (node:crypto's default for EC keys).
    case -35: {
      // ES384 (P-384): a real algorithm we do not implement.
      const es256 = alg === -7;
      const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: es256 ? "P-256" : "P-384" });
      const { x, y } = publicKey.export({ format: "jwk" });
      const cose = new Map([[1, 2], [3, alg], [-1, es256 ? 1 : 2], [-2, jwkBytes(x)], [-3, jwkBytes(y)]]);
      return { alg, cose: cbor(cose), sign: (data) => sign(es256 ? "sha256" : "sha384", data, privateKey) };
    }
    case -8: {
      // EdDSA: OKP, Ed25519.
      const { publicKey, privateKey } = generateKeyPairSync("ed25519");
      const cose = new Map([[1, 1], [3, -8], [-1, 6], [-2, jwkBytes(publicKey.export({ format: "jwk" }).x)]]);
      return { alg, cose: cbor(cose), sign: (data) => sign(null, data, privateKey) };
    }
    case -257: {
      // RS256: RSA-2048, PKCS#1 v1.5 with SHA-256 (node:crypto's default padding).
      const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const { n, e } = publicKey.export({ format: "jwk" });
      const cose = new Map([[1, 3], [3, -257], [-1, jwkBytes(n)], [-2, jwkBytes(e)]]);
      return { alg, cose: cbor(cose), sign: (data) => sign("sha256", data, privateKey) };
    }
    default:
      throw new Error(`no key for ${alg}`);
  }
}
const KEYS = { ES256: credentialKey(-7), EdDSA: credentialKey(-8), RS256: credentialKey(-257) };
const ES384 = credentialKey(-35);

const UP = 0x01;
const UV = 0x04;
const BE = 0x08;
const BS = 0x10;
const AT = 0x40;
const AAGUID = Buffer.from("00112233445566778899aabbccddeeff", "hex");

/** Authenticator data (WebAuthn §6.1), byte by byte: rpIdHash, flags, counter, then attested credential data. */
function authenticatorData({ rpId = RP_ID, flags, counter, credential }) {
  const parts = [sha256(rpId), Buffer.from([flags]), u32(counter)];
  if (credential) parts.push(AAGUID, u16(credential.id.length), credential.id, credential.key.cose);
  return Buffer.concat(parts);
}

/** clientDataJSON as Chromium writes it, with a member the relying party must not care about (but signs over). */
function clientDataJSON({ type, challenge, origin = ORIGIN, extra = {} }) {
  return Buffer.from(
    JSON.stringify({
      type,
      challenge,
      origin,
      crossOrigin: false,
      other_keys_can_be_added_here: "do not compare clientDataJSON against a template",
      ...extra,
    }),
  );
}

/** Changes one byte of `bytes` (a copy, XOR `mask`): at index `at` (from the end if negative), or at the first byte
 * of the text `at`. */
function changed(bytes, at, mask = 0x01) {
  const copy = Buffer.from(bytes);
  const i = typeof at === "string" ? copy.indexOf(at) : at < 0 ? copy.length + at : at;
  assert.ok(i >= 0 && i < copy.length, `byte ${at} is in the data`);
  copy[i] ^= mask;
  return copy;
}

const newChallenge = () => b64u(randomBytes(32));

/**
 * A registration as a browser and the authenticator would answer `challenge`; `tamper` changes what was produced
 * (after signing) as an attacker would.
 */
function register({
  key = KEYS.ES256,
  fmt = "none",
  flags = UP | UV | AT,
  rpId,
  challenge,
  type = "webauthn.create",
  origin,
  extra,
  statementAlg = key.alg,
  attestation,
  tamper = {},
}) {
  const credential = { id: randomBytes(16), key };
  const client = clientDataJSON({ type, challenge, origin, extra });
  const data = authenticatorData({ rpId, flags, counter: 0, credential });
  let statement = new Map();
  if (fmt === "packed" && attestation) {
    // Full attestation (§8.2): the attestation certificate's key signs, and `x5c` carries the certificate (first)
    // and its chain.
    const sig = attestation.sign(Buffer.concat([data, sha256(client)]));
    statement = new Map([
      ["alg", attestation.alg],
      ["sig", tamper.statementSignature?.(sig) ?? sig],
      ["x5c", attestation.x5c],
    ]);
  } else if (fmt === "packed") {
    // Self attestation (§8.2): the credential key signs authenticator data and the client data's hash.
    const sig = key.sign(Buffer.concat([data, sha256(client)]));
    statement = new Map([["alg", statementAlg], ["sig", tamper.statementSignature?.(sig) ?? sig]]);
  }
  const attestationObject = cbor(
    new Map([["fmt", fmt], ["attStmt", statement], ["authData", tamper.authenticatorData?.(data) ?? data]]),
  );
  return {
    id: b64u(credential.id),
    clientDataJSON: b64u(tamper.clientDataJSON?.(client) ?? client),
    attestationObject: b64u(attestationObject),
  };
}

/** A sign-in by `key` answering `challenge`, with `tamper` as in `register`. */
function authenticate({
  key = KEYS.ES256,
  flags = UP | UV,
  counter = 6,
  rpId,
  challenge,
  type = "webauthn.get",
  origin,
  extra,
  tamper = {},
}) {
  const client = clientDataJSON({ type, challenge, origin, extra });
  const data = authenticatorData({ rpId, flags, counter });
  const signature = key.sign(Buffer.concat([data, sha256(client)]));
  return {
    clientDataJSON: b64u(tamper.clientDataJSON?.(client) ?? client),
    authenticatorData: b64u(tamper.authenticatorData?.(data) ?? data),
    signature: b64u(tamper.signature?.(signature) ?? signature),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The two judges, and the comparison.

const VARIANTS = new Set([
  "ClientData", "CeremonyType", "Challenge", "Origin", "CrossOrigin", "AttestationObject", "AuthenticatorData",
  "RpIdHash", "UserPresence", "UserVerification", "BackupFlags", "NoCredential", "CredentialId", "CredentialKey",
  "Algorithm", "AttestationFormat", "AttestationStatement", "AttestationCertificate", "Signature", "Counter",
]);

/** simplewebauthn's verdict: `{ ok, result }` or `{ ok: false, error }` (a throw and `verified: false` both refuse). */
async function theirs(promise) {
  try {
    const result = await promise;
    return { ok: result.verified === true, result, error: result.verified ? undefined : "verified: false" };
  } catch (error) {
    return { ok: false, error: error.message };
  }
}

/** Both verdicts on a registration made for `challenge`, under `userVerification` and `algorithms`. */
async function judgeRegistration(response, challenge, { userVerification = "required", algorithms } = {}) {
  const our = await ours({
    ceremony: "registration",
    clientDataJSON: response.clientDataJSON,
    attestationObject: response.attestationObject,
    expectedChallenge: challenge,
    rpId: RP_ID,
    origins: [ORIGIN],
    userVerification,
    ...(algorithms ? { algorithms } : {}),
  });
  const their = await theirs(
    verifyRegistrationResponse({
      response: {
        id: response.id,
        rawId: response.id,
        type: "public-key",
        response: { clientDataJSON: response.clientDataJSON, attestationObject: response.attestationObject },
        clientExtensionResults: {},
      },
      expectedChallenge: challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      requireUserVerification: userVerification === "required",
      supportedAlgorithmIDs: algorithms ?? OFFERED,
    }),
  );
  return { our, their };
}

/** Both verdicts on a sign-in, by the stored credential `stored` ({ key, counter, backupEligible }). */
async function judgeAuthentication(response, challenge, stored, { userVerification = "required" } = {}) {
  const id = b64u(randomBytes(16));
  const our = await ours({
    ceremony: "authentication",
    ...response,
    credentialPublicKey: b64u(stored.key.cose),
    counter: stored.counter,
    backupEligible: stored.backupEligible ?? false,
    expectedChallenge: challenge,
    rpId: RP_ID,
    origins: [ORIGIN],
    userVerification,
  });
  const their = await theirs(
    verifyAuthenticationResponse({
      response: { id, rawId: id, type: "public-key", response, clientExtensionResults: {} },
      expectedChallenge: challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      credential: { id, publicKey: new Uint8Array(stored.key.cose), counter: stored.counter },
      requireUserVerification: userVerification === "required",
    }),
  );
  return { our, their };
}

/**
 * The verdicts agree, and are the expected ones: `expected` is "ok" or our refusal's variant; `reason` matches
 * simplewebauthn's error when it refuses. On an acceptance, what each side reads of the credential agrees too.
 */
function assertAgree({ our, their }, expected, reason) {
  assert.ok(our.error !== "BadRequest", `our harness understood the request: ${our.detail}`);
  assert.equal(our.ok, their.ok, `the same verdict (ours ${JSON.stringify(our)}, theirs ${their.error ?? "verified"})`);
  if (expected === "ok") {
    assert.equal(our.ok, true, `accepted (ours: ${our.error}, theirs: ${their.error})`);
    return;
  }
  assert.ok(VARIANTS.has(expected), `${expected} is a WebAuthnError variant`);
  assert.equal(our.error, expected, "refused at the expected step");
  assert.match(their.error, reason, "simplewebauthn refused for the expected reason");
}

/** A registration both accept: the credential each read is the same. */
function assertSameCredential({ our, their }, response, key, fmt) {
  assertAgree({ our, their }, "ok");
  const info = their.result.registrationInfo;
  assert.equal(our.id, info.credential.id);
  assert.equal(our.id, response.id);
  assert.equal(our.publicKey, b64u(info.credential.publicKey));
  assert.equal(our.publicKey, b64u(key.cose));
  assert.equal(our.algorithm, key.alg);
  assert.equal(our.counter, info.credential.counter);
  assert.equal(our.userVerified, info.userVerified);
  assert.equal(our.backedUp, info.credentialBackedUp);
  assert.equal(our.backupEligible, info.credentialDeviceType === "multiDevice");
  assert.equal(our.aaguid, info.aaguid.replaceAll("-", ""));
  assert.equal(our.fmt, info.fmt);
  assert.equal(our.fmt, fmt);
}

/** A sign-in both accept: the counter to store and the flags each read are the same. */
function assertSameOutcome({ our, their }, counter) {
  assertAgree({ our, their }, "ok");
  const info = their.result.authenticationInfo;
  assert.equal(our.counter, info.newCounter);
  assert.equal(our.counter, counter);
  assert.equal(our.userVerified, info.userVerified);
  assert.equal(our.backedUp, info.credentialBackedUp);
}

// ---------------------------------------------------------------------------------------------------------------
// Registration.

describe("registration: our verdict is simplewebauthn's", () => {
  for (const [name, key] of Object.entries(KEYS)) {
    for (const fmt of ["none", "packed"]) {
      test(`a valid ${name} registration, ${fmt} attestation`, async () => {
        const challenge = newChallenge();
        const response = register({ key, fmt, challenge });
        assertSameCredential(await judgeRegistration(response, challenge), response, key, fmt);
      });
    }
  }

  test("backup eligible and backed up (a synced passkey), UV not required and not done", async () => {
    const challenge = newChallenge();
    const response = register({ flags: UP | BE | BS | AT, challenge });
    const verdicts = await judgeRegistration(response, challenge, { userVerification: "preferred" });
    assertSameCredential(verdicts, response, KEYS.ES256, "none");
    assert.equal(verdicts.our.backupEligible && verdicts.our.backedUp && !verdicts.our.userVerified, true);
  });

  const refusals = [
    ["another origin", { origin: "https://evil.example" }, "Origin", /origin/],
    ["another RP ID (rpIdHash)", { rpId: "evil.example" }, "RpIdHash", /RP ?ID/i],
    ["another challenge", { challenge: "other" }, "Challenge", /challenge/],
    ["clientData type webauthn.get", { type: "webauthn.get" }, "CeremonyType", /type/],
    ["UP off", { flags: UV | AT }, "UserPresence", /presen/],
    ["UV off, user verification required", { flags: UP | AT }, "UserVerification", /verification/],
    ["BS without BE", { flags: UP | UV | BS | AT }, "BackupFlags", /backed up/],
  ];
  for (const fmt of ["none", "packed"]) {
    for (const [what, change, variant, reason] of refusals) {
      test(`${what} (${fmt}) is refused by both`, async () => {
        const challenge = newChallenge();
        // "another challenge": the authenticator answered a challenge other than the one expected.
        const response = register({ fmt, ...change, challenge: change.challenge ? newChallenge() : challenge });
        assertAgree(await judgeRegistration(response, challenge), variant, reason);
      });
    }
  }

  test("UV off is accepted by both when user verification is only preferred", async () => {
    const challenge = newChallenge();
    const response = register({ flags: UP | AT, challenge });
    const verdicts = await judgeRegistration(response, challenge, { userVerification: "preferred" });
    assertSameCredential(verdicts, response, KEYS.ES256, "none");
    assert.equal(verdicts.our.userVerified, false);
  });

  test("an ES256 credential when only EdDSA and RS256 were offered is refused by both", async () => {
    const challenge = newChallenge();
    const response = register({ challenge });
    assertAgree(await judgeRegistration(response, challenge, { algorithms: [-8, -257] }), "Algorithm", /alg/);
  });

  test("an ES384 (P-384) credential, an algorithm we neither offer nor implement, is refused by both", async () => {
    const challenge = newChallenge();
    const response = register({ key: ES384, fmt: "packed", challenge });
    // We refuse at reading the key (no P-384 verifier), simplewebauthn at the offered-algorithms check.
    assertAgree(await judgeRegistration(response, challenge), "CredentialKey", /Unexpected public key alg "-35"/);
  });

  test("a flipped byte of the packed attestation signature is refused by both", async () => {
    const challenge = newChallenge();
    const response = register({ fmt: "packed", challenge, tamper: { statementSignature: (sig) => changed(sig, 10) } });
    assertAgree(await judgeRegistration(response, challenge), "AttestationStatement", /verified: false/);
  });

  // Authenticator data: an AAGUID byte changed after the authenticator answered. `none` attestation signs nothing,
  // so both accept (and read the changed AAGUID); `packed` signs authenticator data, so both refuse.
  test("a changed authenticator data byte (AAGUID), none attestation: accepted by both, nothing signs it", async () => {
    const challenge = newChallenge();
    const response = register({ challenge, tamper: { authenticatorData: (data) => changed(data, 37) } });
    const verdicts = await judgeRegistration(response, challenge);
    assertSameCredential(verdicts, response, KEYS.ES256, "none");
    assert.equal(verdicts.our.aaguid, changed(AAGUID, 0).toString("hex"));
  });
  test("a changed authenticator data byte (AAGUID), packed attestation: refused by both", async () => {
    const challenge = newChallenge();
    const response = register({ fmt: "packed", challenge, tamper: { authenticatorData: (data) => changed(data, 37) } });
    assertAgree(await judgeRegistration(response, challenge), "AttestationStatement", /verified: false/);
  });
  test("a changed clientDataJSON byte (a member nobody checks), none attestation: accepted by both", async () => {
    const challenge = newChallenge();
    const response = register({ challenge, tamper: { clientDataJSON: (c) => changed(c, "template") } });
    assertSameCredential(await judgeRegistration(response, challenge), response, KEYS.ES256, "none");
  });
  test("a changed clientDataJSON byte (a member nobody checks), packed attestation: refused by both", async () => {
    const challenge = newChallenge();
    const response = register({ fmt: "packed", challenge, tamper: { clientDataJSON: (c) => changed(c, "template") } });
    assertAgree(await judgeRegistration(response, challenge), "AttestationStatement", /verified: false/);
  });

  // DIFFERENCE BY DESIGN. We refuse any ceremony run in a cross-origin iframe (`crossOrigin: true`, or a
  // `topOrigin`): WebAuthn Level 3 (§7.1 step 9-10, §7.2 step 12-13) leaves embedding to the relying party's policy,
  // and ours embeds nowhere. simplewebauthn reads neither member and accepts.
  for (const [what, extra] of [
    ["crossOrigin true", { crossOrigin: true }],
    ["a topOrigin", { crossOrigin: true, topOrigin: "https://embedder.example" }],
  ]) {
    test(`${what}: we refuse (CrossOrigin), simplewebauthn accepts`, async () => {
      const challenge = newChallenge();
      const { our, their } = await judgeRegistration(register({ challenge, extra }), challenge);
      assert.deepEqual([our.ok, our.error], [false, "CrossOrigin"]);
      assert.equal(their.ok, true, `simplewebauthn accepts (${their.error})`);
    });
  }

  // DIFFERENCE: simplewebauthn deviates from the specification here. WebAuthn §8.2 (packed, self attestation):
  // "Validate that alg matches the algorithm of the credentialPublicKey in authenticatorData." simplewebauthn 13
  // verifies `sig` with the credential key and takes `attStmt.alg` only as the hash to use, never comparing it with
  // the key's `alg`; RS256 (-257) names SHA-256 as ES256 does, and Ed25519 verification ignores the hash, so a
  // statement claiming another algorithm passes. We refuse it (AttestationStatement).
  for (const [name, key, statementAlg] of [
    ["ES256", KEYS.ES256, -257],
    ["EdDSA", KEYS.EdDSA, -7],
  ]) {
    test(`packed self attestation, alg ${statementAlg} with an ${name} key: we refuse, simplewebauthn accepts`, async () => {
      const challenge = newChallenge();
      const response = register({ key, fmt: "packed", challenge, statementAlg });
      const { our, their } = await judgeRegistration(response, challenge);
      assert.deepEqual([our.ok, our.error], [false, "AttestationStatement"]);
      assert.equal(their.ok, true, `simplewebauthn accepts (${their.error})`);
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Full attestation: `packed` with an attestation certificate (`x5c`), the certificates made by @peculiar/x509 (the
// X.509 library simplewebauthn itself reads them with), signed by a test CA.

x509.cryptoProvider.set(webcrypto);
const DAY = 24 * 60 * 60 * 1000;
const GOOD_SUBJECT = "C=US, O=Example Vendor, OU=Authenticator Attestation, CN=Example Authenticator";

/** A key pair for a certificate: node:crypto's (to sign attestations, ES256 in DER) and WebCrypto's (for x509). */
async function certificateKey(kind) {
  const algorithms = {
    ES256: [["ec", { namedCurve: "P-256" }], { name: "ECDSA", namedCurve: "P-256" }, -7, "sha256"],
    RS256: [["rsa", { modulusLength: 2048 }], { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, -257, "sha256"],
    EdDSA: [["ed25519", {}], { name: "Ed25519" }, -8, null],
  };
  const [[type, options], webAlgorithm, alg, hash] = algorithms[kind];
  const { publicKey, privateKey } = generateKeyPairSync(type, options);
  const spki = publicKey.export({ format: "der", type: "spki" });
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
  return {
    alg,
    sign: (data) => sign(hash, data, privateKey),
    public: await webcrypto.subtle.importKey("spki", spki, webAlgorithm, true, ["verify"]),
    private: await webcrypto.subtle.importKey("pkcs8", pkcs8, webAlgorithm, true, ["sign"]),
  };
}

/** A test CA of key `kind`: its key, its self-signed certificate and the algorithm it signs certificates with. */
async function certificateAuthority(kind) {
  const key = await certificateKey(kind);
  const signingAlgorithm = kind === "ES256" ? { name: "ECDSA", hash: "SHA-256" } : { name: "RSASSA-PKCS1-v1_5" };
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: `C=US, O=Example Vendor, OU=Authenticator Attestation CA, CN=Example ${kind} Attestation Root`,
    notBefore: new Date(Date.now() - 365 * DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    signingAlgorithm,
    keys: { publicKey: key.public, privateKey: key.private },
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  return { key, certificate, signingAlgorithm };
}
const CAS = { ES256: await certificateAuthority("ES256"), RS256: await certificateAuthority("RS256") };

/** DER of an OCTET STRING holding `bytes` (the value of `id-fido-gen-ce-aaguid`). */
const octetString = (bytes) => Buffer.concat([Buffer.from([0x04, bytes.length]), bytes]);

/**
 * An attestation (`{ alg, sign, x5c }`) by a certificate of key `kind`, issued by the test CA; each option breaks one
 * requirement of WebAuthn §8.2.1 (or keeps it).
 */
async function attestation({
  kind = "ES256",
  issuer = CAS.ES256,
  subject = GOOD_SUBJECT,
  ca = false,
  aaguid,
  aaguidCritical = false,
  notBefore = new Date(Date.now() - DAY),
  notAfter = new Date(Date.now() + 365 * DAY),
  chain = false,
  der = (bytes) => bytes,
} = {}) {
  const key = await certificateKey(kind);
  const extensions = [new x509.BasicConstraintsExtension(ca, undefined, true)];
  if (aaguid) extensions.push(new x509.Extension("1.3.6.1.4.1.45724.1.1.4", aaguidCritical, octetString(aaguid)));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8).toString("hex").replace(/^./, "1"),
    issuer: issuer.certificate.subject,
    subject,
    notBefore,
    notAfter,
    signingAlgorithm: issuer.signingAlgorithm,
    publicKey: key.public,
    signingKey: issuer.key.private,
    extensions,
  });
  const leaf = der(Buffer.from(certificate.rawData));
  return { alg: key.alg, sign: key.sign, x5c: chain ? [leaf, Buffer.from(issuer.certificate.rawData)] : [leaf] };
}

describe("full attestation (packed, x5c): our verdict is simplewebauthn's", () => {
  for (const kind of ["ES256", "RS256"]) {
    test(`a valid attestation by an ${kind} certificate (from an ${kind} CA) registers with both`, async () => {
      const challenge = newChallenge();
      const options = { kind, issuer: CAS[kind] };
      const response = register({ fmt: "packed", attestation: await attestation(options), challenge });
      const verdicts = await judgeRegistration(response, challenge);
      assertSameCredential(verdicts, response, KEYS.ES256, "packed");
      assert.equal(verdicts.our.attestation, "Basic");
    });
  }

  // DIFFERENCE: §8.2 verifies `sig` "using the attestation public key in attestnCert with the algorithm specified in
  // alg". simplewebauthn takes the key's algorithm from the certificate's own signature algorithm (how the CA signed
  // it: convertX509PublicKeyToCOSE), so an RSA attestation key certified by an ECDSA CA fails there, and it reads no
  // Ed25519 certificate key at all. We verify with the certificate's key as `alg` says, and accept both.
  for (const [kind, reason] of [
    ["RS256", /Unexpected RSA key algorithm -7/],
    ["EdDSA", /unexpected algorithm ID 1.3.101.112/],
  ]) {
    test(`an ${kind} attestation certificate from an ECDSA CA: we accept, simplewebauthn refuses`, async () => {
      const challenge = newChallenge();
      const response = register({ fmt: "packed", attestation: await attestation({ kind }), challenge });
      const { our, their } = await judgeRegistration(response, challenge);
      assert.deepEqual([our.ok, our.attestation, our.fmt], [true, "Basic", "packed"]);
      assert.equal(their.ok, false);
      assert.match(their.error, reason);
    });
  }

  test("with its chain (the CA certificate after the leaf), an RS256 credential, the AAGUID extension matching", async () => {
    const challenge = newChallenge();
    const response = register({
      key: KEYS.RS256,
      fmt: "packed",
      attestation: await attestation({ chain: true, aaguid: AAGUID }),
      challenge,
    });
    const verdicts = await judgeRegistration(response, challenge);
    assertSameCredential(verdicts, response, KEYS.RS256, "packed");
    assert.equal(verdicts.our.attestation, "Basic");
  });

  // Each of §8.2.1's requirements broken, one at a time: both refuse, we at the certificate.
  const broken = [
    ["the OU is not \"Authenticator Attestation\"", { subject: "C=US, O=Example Vendor, OU=Attestation, CN=Example" }, /OU/],
    ["the subject has no O", { subject: "C=US, OU=Authenticator Attestation, CN=Example" }, /O was empty/],
    ["the subject has no CN", { subject: "C=US, O=Example Vendor, OU=Authenticator Attestation" }, /CN was empty/],
    ["the subject's C is not two letters", { subject: "C=USA, O=Example Vendor, OU=Authenticator Attestation, CN=Example" }, /ISO 3166/],
    ["the certificate is a CA (basic constraints)", { ca: true }, /basic constraints/],
    ["the certificate has expired", { notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) }, /not good after/],
    ["the certificate is not yet valid", { notBefore: new Date(Date.now() + DAY) }, /not good before/],
    ["the AAGUID extension names another model", { aaguid: Buffer.alloc(16, 7) }, /id-fido-gen-ce-aaguid/],
    [
      "the certificate says version 2, not 3",
      // The TBS's version, [0] EXPLICIT INTEGER 2, made 1 (no signature over the certificate is checked here: its
      // issuer is not known to either side, so the certificate's own signature still "holds").
      { der: (bytes) => changed(bytes, bytes.indexOf(Buffer.from("a003020102", "hex")) + 4, 0x03) },
      /version was not `3`/,
    ],
  ];
  for (const [what, options, reason] of broken) {
    test(`${what}: refused by both`, async () => {
      const challenge = newChallenge();
      const response = register({ fmt: "packed", attestation: await attestation(options), challenge });
      assertAgree(await judgeRegistration(response, challenge), "AttestationCertificate", reason);
    });
  }

  test("a signature by another key than the certificate's: refused by both", async () => {
    const challenge = newChallenge();
    const other = await certificateKey("ES256");
    const response = register({ fmt: "packed", attestation: { ...(await attestation()), sign: other.sign }, challenge });
    assertAgree(await judgeRegistration(response, challenge), "AttestationStatement", /verified: false/);
  });

  test("authenticator data changed after the certificate's key signed it: refused by both", async () => {
    const challenge = newChallenge();
    const response = register({
      fmt: "packed",
      attestation: await attestation(),
      challenge,
      tamper: { authenticatorData: (data) => changed(data, 37) },
    });
    assertAgree(await judgeRegistration(response, challenge), "AttestationStatement", /verified: false/);
  });

  // DIFFERENCE BY DESIGN: §8.2.1 says the `id-fido-gen-ce-aaguid` extension "MUST NOT be marked as critical".
  // simplewebauthn compares its value only; we also refuse it marked critical.
  test("the AAGUID extension marked critical: we refuse (AttestationCertificate), simplewebauthn accepts", async () => {
    const challenge = newChallenge();
    const options = { aaguid: AAGUID, aaguidCritical: true };
    const response = register({ fmt: "packed", attestation: await attestation(options), challenge });
    const { our, their } = await judgeRegistration(response, challenge);
    assert.deepEqual([our.ok, our.error], [false, "AttestationCertificate"]);
    assert.equal(their.ok, true, `simplewebauthn accepts (${their.error})`);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Authentication.

describe("authentication: our verdict is simplewebauthn's", () => {
  for (const [name, key] of Object.entries(KEYS)) {
    test(`a valid ${name} sign-in (counter 5 to 6)`, async () => {
      const challenge = newChallenge();
      assertSameOutcome(await judgeAuthentication(authenticate({ key, challenge }), challenge, { key, counter: 5 }), 6);
    });
    test(`a flipped signature byte (${name}) is refused by both`, async () => {
      const challenge = newChallenge();
      const response = authenticate({ key, challenge, tamper: { signature: (sig) => changed(sig, 10) } });
      assertAgree(await judgeAuthentication(response, challenge, { key, counter: 5 }), "Signature", /verified: false/);
    });
  }

  test("a synced passkey (BE and BS), UV not required and not done", async () => {
    const challenge = newChallenge();
    const response = authenticate({ flags: UP | BE | BS, challenge });
    const verdicts = await judgeAuthentication(
      response,
      challenge,
      { key: KEYS.ES256, counter: 5, backupEligible: true },
      { userVerification: "preferred" },
    );
    assertSameOutcome(verdicts, 6);
    assert.equal(verdicts.our.backedUp && !verdicts.our.userVerified, true);
  });

  const stored = { key: KEYS.ES256, counter: 5 };
  const refusals = [
    ["another origin", { origin: "https://evil.example" }, stored, "Origin", /origin/],
    ["another RP ID (rpIdHash)", { rpId: "evil.example" }, stored, "RpIdHash", /RP ?ID/i],
    ["another challenge", { challenge: "other" }, stored, "Challenge", /challenge/],
    ["clientData type webauthn.create", { type: "webauthn.create" }, stored, "CeremonyType", /type/],
    ["UP off", { flags: UV }, stored, "UserPresence", /present/],
    ["UV off, user verification required", { flags: UP }, stored, "UserVerification", /verification/],
    ["BS without BE", { flags: UP | UV | BS }, stored, "BackupFlags", /backed up/],
    ["an equal counter (5 after 5)", { counter: 5 }, stored, "Counter", /counter/],
    ["a lower counter (4 after 5)", { counter: 4 }, stored, "Counter", /counter/],
    ["a counter back to zero (0 after 5)", { counter: 0 }, stored, "Counter", /counter/],
    ["another credential's key", {}, { key: credentialKey(-7), counter: 5 }, "Signature", /verified: false/],
    [
      "a changed authenticator data byte (the counter, 6 to 7, after signing)",
      { tamper: { authenticatorData: (data) => changed(data, 36) } },
      stored,
      "Signature",
      /verified: false/,
    ],
    [
      "a changed authenticator data byte (UV cleared, after signing), UV not required",
      { tamper: { authenticatorData: (data) => changed(data, 32, UV) } },
      stored,
      "Signature",
      /verified: false/,
    ],
    [
      "a changed clientDataJSON byte (a member nobody checks)",
      { tamper: { clientDataJSON: (c) => changed(c, "template") } },
      stored,
      "Signature",
      /verified: false/,
    ],
  ];
  for (const [what, change, credential, variant, reason] of refusals) {
    test(`${what} is refused by both`, async () => {
      const challenge = newChallenge();
      const response = authenticate({ ...change, challenge: change.challenge ? newChallenge() : challenge });
      const userVerification = what.includes("UV not required") ? "preferred" : "required";
      assertAgree(await judgeAuthentication(response, challenge, credential, { userVerification }), variant, reason);
    });
  }

  test("UV off is accepted by both when user verification is only preferred", async () => {
    const challenge = newChallenge();
    const verdicts = await judgeAuthentication(authenticate({ flags: UP, challenge }), challenge, stored, {
      userVerification: "preferred",
    });
    assertSameOutcome(verdicts, 6);
    assert.equal(verdicts.our.userVerified, false);
  });

  test("both counters zero (an authenticator that keeps none) is accepted by both", async () => {
    const challenge = newChallenge();
    assertSameOutcome(
      await judgeAuthentication(authenticate({ counter: 0, challenge }), challenge, { key: KEYS.ES256, counter: 0 }),
      0,
    );
  });

  test("a counter from zero (1 after 0) and a jump (1000 after 5) are accepted by both", async () => {
    let challenge = newChallenge();
    assertSameOutcome(
      await judgeAuthentication(authenticate({ counter: 1, challenge }), challenge, { key: KEYS.ES256, counter: 0 }),
      1,
    );
    challenge = newChallenge();
    assertSameOutcome(await judgeAuthentication(authenticate({ counter: 1000, challenge }), challenge, stored), 1000);
  });

  // DIFFERENCE BY DESIGN: as at registration, we refuse a cross-origin iframe; simplewebauthn does not look.
  test("crossOrigin true: we refuse (CrossOrigin), simplewebauthn accepts", async () => {
    const challenge = newChallenge();
    const response = authenticate({ challenge, extra: { crossOrigin: true } });
    const { our, their } = await judgeAuthentication(response, challenge, stored);
    assert.deepEqual([our.ok, our.error], [false, "CrossOrigin"]);
    assert.equal(their.ok, true, `simplewebauthn accepts (${their.error})`);
  });

  // DIFFERENCE: WebAuthn Level 3 §7.2 (the BE step): "If credentialRecord.backupEligible is set, verify that the BE
  // bit of the flags in authData is set. If credentialRecord.backupEligible is not set, verify that the BE bit ...
  // is not set." simplewebauthn's `credential` carries no backup eligibility, so it cannot check this, and accepts;
  // we are given the stored eligibility and refuse the change (BackupFlags).
  for (const [what, flags, backupEligible] of [
    ["BE set now, not at registration", UP | UV | BE, false],
    ["BE clear now, set at registration", UP | UV, true],
  ]) {
    test(`${what}: we refuse (BackupFlags), simplewebauthn accepts`, async () => {
      const challenge = newChallenge();
      const response = authenticate({ flags, challenge });
      const { our, their } = await judgeAuthentication(response, challenge, { ...stored, backupEligible });
      assert.deepEqual([our.ok, our.error], [false, "BackupFlags"]);
      assert.equal(their.ok, true, `simplewebauthn accepts (${their.error})`);
    });
  }

  // DIFFERENCE BY DESIGN: a stored ES384 (P-384) credential. We implement ES256, EdDSA and RS256 only, and never
  // register anything else (see the registration case above), so such a record cannot be ours: we refuse
  // (CredentialKey). simplewebauthn verifies any COSE algorithm it knows at sign-in, whatever was offered.
  test("a stored ES384 credential: we refuse (CredentialKey), simplewebauthn accepts", async () => {
    const challenge = newChallenge();
    const response = authenticate({ key: ES384, challenge });
    const { our, their } = await judgeAuthentication(response, challenge, { key: ES384, counter: 5 });
    assert.deepEqual([our.ok, our.error], [false, "CredentialKey"]);
    assert.equal(their.ok, true, `simplewebauthn accepts (${their.error})`);
  });
});
