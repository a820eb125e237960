// Authenticator apps against the embedded engine under workerd (`wrangler dev`): Verify v2's Entities, Factors and
// Challenges driven by Twilio's official Node SDK (npm `twilio`), the codes computed by an independent TOTP
// implementation (npm `otpauth`, from the otpauth:// URI the engine answers), and every answer the SDK received held
// to its operation's response schema in Twilio's spec (./contract.mjs), field for field.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as OTPAuth from "otpauth";
import twilio from "twilio";
import { RecordingClient, assertContract } from "./contract.mjs";
import { restRejects, startWrangler } from "./support.mjs";

const ACCOUNT_SID = "ACdec0de00000000000000000000000001";
const AUTH_TOKEN = "dev-auth-token-not-secret";

let worker;
let http;
let verify;
before(async () => {
  worker = await startWrangler();
  http = new RecordingClient();
  const client = twilio(ACCOUNT_SID, AUTH_TOKEN, { autoRetry: false, httpClient: http });
  client.verify.baseUrl = worker.url;
  verify = client.verify.v2;
});
after(() => worker?.stop());

/** Awaits an SDK call and holds the answer it received to `operation`'s success schema; resolves to the SDK's value. */
async function judged(operation, promise) {
  const value = await promise;
  assertContract(operation, http.answers.at(-1));
  return value;
}

let n = 0;
/** A fresh identity per use, in Twilio's format. */
const nextIdentity = () => `user-${process.pid}-${String(n++).padStart(4, "0")}`;

/** The TOTP an authenticator app would hold after scanning `uri` (otpauth's parser, not ours). */
const app = (uri) => OTPAuth.URI.parse(uri);

/** The code of `totp` at `steps` periods from `from` (now by default). */
const codeAt = (totp, steps = 0, from = Date.now()) => totp.generate({ timestamp: from + steps * totp.period * 1000 });

/** A 6-digit code no step from -5 to +5 of `totp` has. */
function wrongCode(totp) {
  const taken = new Set([-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5].map((s) => codeAt(totp, s)));
  for (let i = 0; ; i++) {
    const candidate = String(i).padStart(totp.digits, "0");
    if (!taken.has(candidate)) return candidate;
  }
}

async function newService(friendlyName = "TOTP", extra = {}) {
  return (await verify.services.create({ friendlyName, ...extra })).sid;
}

/**
 * An Entity with a TOTP factor verified by the code of the time step of `verifiedAt`: the factor, its app, the
 * Entity's handle, the code used and `next`, the code of the step after (the one that may approve next: within the
 * skew of 1, and after the step used).
 */
async function enrolled(service, extra = {}) {
  const identity = nextIdentity();
  const entity = verify.services(service).entities(identity);
  const factor = await entity.newFactors.create({ friendlyName: "Phone", factorType: "totp", ...extra });
  const totp = app(factor.binding.uri);
  const verifiedAt = Date.now();
  const used = codeAt(totp, 0, verifiedAt);
  const done = await entity.factors(factor.sid).update({ authPayload: used });
  assert.equal(done.status, "verified");
  return { identity, entity, factor, totp, used, next: codeAt(totp, 1, verifiedAt) };
}

describe("Entities through Twilio's Node SDK", () => {
  test("create, fetch, list with Twilio's paging, delete; a taken identity is 60301, a malformed one 60306", async () => {
    const service = await newService("Entities");
    const entities = verify.services(service).entities;
    const identities = [nextIdentity(), nextIdentity(), nextIdentity()];
    for (const identity of identities) {
      const created = await judged("CreateEntity", entities.create({ identity }));
      assert.equal(created.identity, identity);
      assert.match(created.sid, /^YE[0-9a-f]{32}$/);
      assert.equal(created.serviceSid, service);
      assert.equal(created.links.factors, `${worker.url}/v2/Services/${service}/Entities/${identity}/Factors`);
    }
    const fetched = await judged("FetchEntity", entities(identities[0]).fetch());
    assert.equal(fetched.identity, identities[0]);
    const page = await judged("ListEntity", entities.page({ pageSize: 2 }));
    assert.equal(page.instances.length, 2);
    const all = await entities.list({ pageSize: 2 });
    assert.deepEqual(all.map((e) => e.identity).sort(), [...identities].sort());
    await restRejects(entities.create({ identity: identities[0] }), 60301, 409);
    for (const bad of ["short", "x".repeat(65), "user_0001_name", "a@example.com"]) {
      await restRejects(entities.create({ identity: bad }), 60306, 400);
    }
    assert.equal(await entities(identities[1]).remove(), true);
    await restRejects(entities(identities[1]).fetch(), 20404, 404);
    assert.deepEqual((await entities.list()).map((e) => e.identity).sort(), [identities[0], identities[2]].sort());
    await restRejects(verify.services("VA" + "0".repeat(32)).entities.create({ identity: nextIdentity() }), 20404, 404);
  });
});

describe("TOTP factors through Twilio's Node SDK", () => {
  test("a new factor is unverified, shows its secret and URI once, and otpauth's code verifies it", async () => {
    const service = await newService("Acme Shop");
    const identity = nextIdentity();
    const entity = verify.services(service).entities(identity);
    // No Entity yet: the first Factor creates it, as Twilio does.
    const factor = await judged("CreateNewFactor", entity.newFactors.create({ friendlyName: "Ann's phone", factorType: "totp" }));
    assert.match(factor.sid, /^YF[0-9a-f]{32}$/);
    assert.equal(factor.status, "unverified");
    assert.equal(factor.factorType, "totp");
    assert.deepEqual(factor.config, { alg: "sha1", skew: 1, code_length: 6, time_step: 30 });
    assert.match(factor.binding.secret, /^[A-Z2-7]{32}$/);
    const totp = app(factor.binding.uri);
    assert.equal(totp.issuer, "Acme Shop", "the Service's name is the issuer");
    assert.equal(totp.label, "Ann's phone");
    assert.equal(totp.secret.base32, factor.binding.secret);
    assert.deepEqual([totp.algorithm, totp.digits, totp.period], ["SHA1", 6, 30]);
    assert.equal((await entity.fetch()).identity, identity);
    assert.deepEqual((await verify.services(service).entities.list()).map((e) => e.identity), [identity]);
    // Never again: fetch, list and update carry no binding.
    const fetched = await judged("FetchFactor", entity.factors(factor.sid).fetch());
    assert.equal(fetched.status, "unverified");
    assert.equal(JSON.stringify(http.answers.at(-1).body).includes(factor.binding.secret), false);
    await judged("ListFactor", entity.factors.page({ pageSize: 10 }));
    assert.equal(JSON.stringify(http.answers.at(-1).body).includes(factor.binding.secret), false);
    // A wrong code is no error; the right one verifies.
    const wrong = await judged("UpdateFactor", entity.factors(factor.sid).update({ authPayload: wrongCode(totp) }));
    assert.equal(wrong.status, "unverified");
    const right = await judged("UpdateFactor", entity.factors(factor.sid).update({ authPayload: codeAt(totp) }));
    assert.equal(right.status, "verified");
    assert.equal(JSON.stringify(http.answers.at(-1).body).includes(factor.binding.secret), false);
    // Rename.
    const renamed = await judged("UpdateFactor", entity.factors(factor.sid).update({ friendlyName: "Work phone" }));
    assert.equal(renamed.friendlyName, "Work phone");
    assert.equal(renamed.status, "verified");
  });

  test("the Service's Totp settings are the defaults, Config.* overrides them, and each algorithm's codes verify", async () => {
    const service = await newService("Defaults", { "totp.issuer": "Acme Inc", "totp.timeStep": 60, "totp.codeLength": 8, "totp.skew": 0 });
    const entity = verify.services(service).entities(nextIdentity());
    const plain = await entity.newFactors.create({ friendlyName: "A", factorType: "totp" });
    assert.deepEqual(plain.config, { alg: "sha1", skew: 0, code_length: 8, time_step: 60 });
    assert.equal(app(plain.binding.uri).issuer, "Acme Inc");
    for (const [alg, digits, period] of [["sha256", 7, 20], ["sha512", 3, 45]]) {
      const factor = await judged("CreateNewFactor", entity.newFactors.create({
        friendlyName: alg, factorType: "totp", "config.alg": alg, "config.codeLength": digits, "config.timeStep": period, "config.skew": 1,
      }));
      assert.deepEqual(factor.config, { alg, skew: 1, code_length: digits, time_step: period });
      const totp = app(factor.binding.uri);
      assert.deepEqual([totp.algorithm, totp.digits, totp.period], [alg.toUpperCase(), digits, period]);
      assert.equal((await entity.factors(factor.sid).update({ authPayload: codeAt(totp) })).status, "verified", alg);
    }
    // Config can change later; codes then follow the new settings.
    const changed = await judged("UpdateFactor", entity.factors(plain.sid).update({ "config.codeLength": 6, "config.timeStep": 30, "config.skew": 1 }));
    assert.deepEqual(changed.config, { alg: "sha1", skew: 1, code_length: 6, time_step: 30 });
    const totp = new OTPAuth.TOTP({ secret: plain.binding.secret, digits: 6, period: 30 });
    assert.equal((await entity.factors(plain.sid).update({ authPayload: codeAt(totp) })).status, "verified");
  });

  test("a given Binding.Secret is kept; a bad one is 60306, bad settings 60370, push and passkeys 60369", async () => {
    const service = await newService("Given secret");
    const entity = verify.services(service).entities(nextIdentity());
    const secret = new OTPAuth.Secret({ size: 20 }).base32;
    const factor = await entity.newFactors.create({ friendlyName: "Mine", factorType: "totp", "binding.secret": secret.toLowerCase() });
    assert.equal(factor.binding.secret, secret);
    const totp = new OTPAuth.TOTP({ secret });
    assert.equal((await entity.factors(factor.sid).update({ authPayload: codeAt(totp) })).status, "verified");
    await restRejects(entity.newFactors.create({ friendlyName: "X", factorType: "totp", "binding.secret": "not base32!" }), 60306, 400);
    await restRejects(entity.newFactors.create({ friendlyName: "X", factorType: "totp", "binding.secret": "GEZDGNBVGY3TQOJQ" }), 60306, 400);
    for (const config of [{ "config.timeStep": 10 }, { "config.skew": 3 }, { "config.codeLength": 9 }, { "config.alg": "md5" }]) {
      await restRejects(entity.newFactors.create({ friendlyName: "X", factorType: "totp", ...config }), 60370, 400);
    }
    for (const factorType of ["push", "passkeys"]) {
      await assert.rejects(entity.newFactors.create({ friendlyName: "X", factorType }), (e) => {
        assert.equal(e.code, 60369);
        assert.equal(e.status, 400);
        assert.equal(e.details?.reason, "FACTOR_TYPE_UNSUPPORTED");
        return true;
      });
    }
    await restRejects(entity.newFactors.create({ friendlyName: "x".repeat(65), factorType: "totp" }), 60306, 400);
    await restRejects(entity.factors(factor.sid).update({ authPayload: "12ab" }), 60306, 400);
    await restRejects(entity.factors("YF" + "0".repeat(32)).fetch(), 20404, 404);
  });

  test("five wrong codes, then every verification attempt is 60310, the right code included", async () => {
    const service = await newService("Factor attempts");
    const entity = verify.services(service).entities(nextIdentity());
    const factor = await entity.newFactors.create({ friendlyName: "P", factorType: "totp" });
    const totp = app(factor.binding.uri);
    for (let i = 0; i < 5; i++) {
      assert.equal((await entity.factors(factor.sid).update({ authPayload: wrongCode(totp) })).status, "unverified");
    }
    await restRejects(entity.factors(factor.sid).update({ authPayload: codeAt(totp) }), 60310, 429);
  });
});

describe("Challenges through Twilio's Node SDK", () => {
  test("an unverified factor cannot be challenged (60318)", async () => {
    const service = await newService("Unverified");
    const entity = verify.services(service).entities(nextIdentity());
    const factor = await entity.newFactors.create({ friendlyName: "P", factorType: "totp" });
    await restRejects(entity.challenges.create({ factorSid: factor.sid }), 60318, 403);
    await restRejects(entity.challenges.create({ factorSid: "YF" + "1".repeat(32) }), 20404, 404);
  });

  test("pending, a wrong code stays pending, the right one approves, then 60322; details as given", async () => {
    const service = await newService("Challenges");
    const { entity, factor, totp, next } = await enrolled(service);
    const before = Date.now();
    const challenge = await judged("CreateChallenge", entity.challenges.create({
      factorSid: factor.sid,
      "details.message": "Sign in to Acme",
      "details.fields": [{ label: "Action", value: "Sign in" }, { label: "IP", value: "203.0.113.7" }],
      hiddenDetails: { ip: "203.0.113.7" },
    }));
    assert.match(challenge.sid, /^YC[0-9a-f]{32}$/);
    assert.equal(challenge.status, "pending");
    assert.equal(challenge.respondedReason, "none");
    assert.equal(challenge.factorType, "totp");
    assert.equal(challenge.dateResponded, null);
    const lifetime = challenge.expirationDate.getTime() - challenge.dateCreated.getTime();
    assert.equal(lifetime, 5 * 60 * 1000, "5 minutes by default");
    assert.ok(challenge.dateCreated.getTime() >= before - 1000);
    assert.deepEqual(challenge.details, {
      message: "Sign in to Acme", fields: [{ label: "Action", value: "Sign in" }, { label: "IP", value: "203.0.113.7" }],
    });
    assert.deepEqual(challenge.hiddenDetails, { ip: "203.0.113.7" });
    const wrong = await judged("UpdateChallenge", entity.challenges(challenge.sid).update({ authPayload: wrongCode(totp) }));
    assert.equal(wrong.status, "pending");
    // The code that verified the factor was used; the next step's (within the skew) approves.
    const approved = await judged("UpdateChallenge", entity.challenges(challenge.sid).update({
      authPayload: next, metadata: { os: "Android" },
    }));
    assert.equal(approved.status, "approved");
    assert.ok(approved.dateResponded instanceof Date);
    assert.deepEqual(approved.metadata, { os: "Android" });
    const fetched = await judged("FetchChallenge", entity.challenges(challenge.sid).fetch());
    assert.equal(fetched.status, "approved");
    await restRejects(entity.challenges(challenge.sid).update({ authPayload: next }), 60322, 403);
    await restRejects(entity.challenges("YC" + "0".repeat(32)).fetch(), 20404, 404);
  });

  test("a code approves once: the factor's verification code and an approving code are refused after", async () => {
    const service = await newService("Replay");
    const { entity, factor, used, next: code } = await enrolled(service);
    // The code that just verified the factor, replayed at once.
    const replayed = await entity.challenges.create({ factorSid: factor.sid, authPayload: used });
    assert.equal(replayed.status, "pending", "the verification's code does not approve");
    const first = await judged("CreateChallenge", entity.challenges.create({ factorSid: factor.sid, authPayload: code }));
    assert.equal(first.status, "approved", "an AuthPayload at creation approves at once");
    const second = await entity.challenges.create({ factorSid: factor.sid });
    assert.equal((await entity.challenges(second.sid).update({ authPayload: code })).status, "pending");
    assert.equal((await entity.challenges(replayed.sid).update({ authPayload: code })).status, "pending");
  });

  test("five wrong codes, then 60308; racing right codes approve exactly once", async () => {
    const service = await newService("Challenge attempts");
    const { entity, factor, totp, next: code } = await enrolled(service);
    const challenge = await entity.challenges.create({ factorSid: factor.sid });
    for (let i = 0; i < 5; i++) {
      assert.equal((await entity.challenges(challenge.sid).update({ authPayload: wrongCode(totp) })).status, "pending");
    }
    await restRejects(entity.challenges(challenge.sid).update({ authPayload: code }), 60308, 429);
    const raced = await entity.challenges.create({ factorSid: factor.sid });
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => entity.challenges(raced.sid).update({ authPayload: code })));
    const approved = results.filter((r) => r.status === "fulfilled" && r.value.status === "approved");
    assert.equal(approved.length, 1, JSON.stringify(results.map((r) => r.status === "fulfilled" ? r.value.status : r.reason.code)));
    for (const r of results.filter((r) => r.status === "rejected")) assert.equal(r.reason.code, 60322);
  });

  test("an expired challenge is 60323 and lists as expired; ExpirationDate past 60 minutes is 60306", async () => {
    const service = await newService("Expiry");
    const { entity, factor, next } = await enrolled(service);
    const soon = await entity.challenges.create({ factorSid: factor.sid, expirationDate: new Date(Date.now() + 2500) });
    assert.equal(soon.status, "pending");
    const hour = await entity.challenges.create({ factorSid: factor.sid, expirationDate: new Date(Date.now() + 59 * 60 * 1000) });
    assert.ok(hour.expirationDate.getTime() - hour.dateCreated.getTime() > 58 * 60 * 1000);
    await restRejects(entity.challenges.create({ factorSid: factor.sid, expirationDate: new Date(Date.now() + 61 * 60 * 1000) }), 60306, 400);
    await restRejects(entity.challenges.create({ factorSid: factor.sid, expirationDate: new Date(Date.now() - 60 * 1000) }), 60306, 400);
    await new Promise((ok) => setTimeout(ok, 3500));
    assert.equal((await entity.challenges(soon.sid).fetch()).status, "expired");
    await restRejects(entity.challenges(soon.sid).update({ authPayload: next }), 60323, 403);
    const expired = await judged("ListChallenge", entity.challenges.page({ status: "expired" }));
    assert.deepEqual(expired.instances.map((c) => c.sid), [soon.sid]);
  });

  test("challenges list by factor, status and order, with Twilio's paging keeping the filters", async () => {
    const service = await newService("Lists");
    const { entity, factor, next } = await enrolled(service);
    const other = await entity.newFactors.create({ friendlyName: "Other", factorType: "totp" });
    const otherTotp = app(other.binding.uri);
    await entity.factors(other.sid).update({ authPayload: codeAt(otherTotp) });
    const a = await entity.challenges.create({ factorSid: factor.sid });
    const b = await entity.challenges.create({ factorSid: factor.sid, authPayload: next });
    const c = await entity.challenges.create({ factorSid: other.sid });
    const sids = (list) => list.map((x) => x.sid);
    assert.deepEqual(sids(await entity.challenges.list({ factorSid: factor.sid })), [a.sid, b.sid]);
    assert.deepEqual(sids(await entity.challenges.list({ status: "approved" })), [b.sid]);
    assert.deepEqual(sids(await entity.challenges.list({ status: "pending", order: "desc" })), [c.sid, a.sid]);
    // One per page: the SDK follows next_page_url, which must keep the filters.
    assert.deepEqual(sids(await entity.challenges.list({ status: "pending", order: "desc", pageSize: 1 })), [c.sid, a.sid]);
    const page = await judged("ListChallenge", entity.challenges.page({ factorSid: factor.sid, pageSize: 1 }));
    assert.deepEqual(sids(page.instances), [a.sid]);
    assert.match(http.answers.at(-1).body.meta.next_page_url, new RegExp(`FactorSid=${factor.sid}&PageSize=1&Page=1`));
    await restRejects(entity.challenges.page({ status: "done" }), 60306, 400);
  });

  test("deleting a factor deletes its challenges; deleting the entity deletes everything", async () => {
    const service = await newService("Deletes");
    const { identity, entity, factor } = await enrolled(service);
    const challenge = await entity.challenges.create({ factorSid: factor.sid });
    assert.equal(await entity.factors(factor.sid).remove(), true);
    await restRejects(entity.factors(factor.sid).fetch(), 20404, 404);
    await restRejects(entity.challenges(challenge.sid).fetch(), 20404, 404);
    const again = await entity.newFactors.create({ friendlyName: "Again", factorType: "totp" });
    await entity.factors(again.sid).update({ authPayload: codeAt(app(again.binding.uri)) });
    const kept = await entity.challenges.create({ factorSid: again.sid });
    assert.equal(await entity.remove(), true);
    await restRejects(entity.fetch(), 20404, 404);
    await restRejects(entity.factors(again.sid).fetch(), 20404, 404);
    await restRejects(entity.challenges(kept.sid).fetch(), 20404, 404);
    assert.equal((await verify.services(service).entities.list()).some((e) => e.identity === identity), false);
    // The identity can start over, with nothing of before.
    await verify.services(service).entities.create({ identity });
    assert.deepEqual(await entity.factors.list(), []);
    assert.deepEqual(await entity.challenges.list(), []);
  });
});
