// The engine's Programmable Rate Limits (RateLimits, Buckets, the `RateLimits` parameter of a start) and SafeList
// under workerd (`wrangler dev`), driven by Twilio's official Node SDK pointed at it, and Twilio's Python SDK for
// the parameter as Python sends it.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import twilio from "twilio";
import { ROOT, devInbox, restRejects, startWrangler } from "./support.mjs";

// The development credentials: ENGINE_ACCOUNT_SID in wrangler.toml, ENGINE_AUTH_TOKEN in .dev.vars.example.
const ACCOUNT_SID = "ACdec0de00000000000000000000000001";
const AUTH_TOKEN = "dev-auth-token-not-secret";
const AUTH = `Basic ${btoa(`${ACCOUNT_SID}:${AUTH_TOKEN}`)}`;

let worker;
let verify;
before(async () => {
  worker = await startWrangler();
  const c = twilio(ACCOUNT_SID, AUTH_TOKEN, { autoRetry: false });
  c.verify.baseUrl = worker.url;
  verify = c.verify.v2;
});
after(() => worker?.stop());

/** What the dev inbox holds for `to` (the codes the engine "sent"). */
const inbox = (to) => devInbox(worker.url, to);

/** A raw CreateVerification, to read the headers the SDK does not expose. */
async function rawStart(service, form) {
  const response = await fetch(`${worker.url}/v2/Services/${service}/Verifications`, {
    method: "POST",
    headers: { authorization: AUTH, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

let n = 0;
/** A fresh valid US number per start, so starts never share a verification or an inbox. */
const nextNumber = () => `+1650556${String(1000 + n++).padStart(4, "0")}`;
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

describe("Programmable Rate Limits through Twilio's Node SDK", () => {
  test("RateLimits: create, fetch, update, list with paging, delete", async () => {
    const service = await verify.services.create({ friendlyName: "Limits CRUD" });
    const limits = verify.services(service.sid).rateLimits;
    const created = await limits.create({ uniqueName: "end_user_ip", description: "Per IP" });
    assert.match(created.sid, /^RK[0-9a-f]{32}$/);
    assert.equal(created.serviceSid, service.sid);
    assert.equal(created.accountSid, ACCOUNT_SID);
    assert.equal(created.uniqueName, "end_user_ip");
    assert.equal(created.description, "Per IP");
    assert.equal(created.url, `${worker.url}/v2/Services/${service.sid}/RateLimits/${created.sid}`);
    assert.equal(created.links.buckets, `${created.url}/Buckets`);

    const fetched = await verify.services(service.sid).rateLimits(created.sid).fetch();
    assert.equal(fetched.uniqueName, "end_user_ip");
    const updated = await verify.services(service.sid).rateLimits(created.sid).update({ description: "Per end-user IP" });
    assert.equal(updated.description, "Per end-user IP");
    assert.equal(updated.uniqueName, "end_user_ip");

    await limits.create({ uniqueName: "user.id" });
    await limits.create({ uniqueName: "session-id" });
    const page = await limits.page({ pageSize: 2 });
    assert.equal(page.instances.length, 2);
    const all = await limits.list({ pageSize: 2 });
    assert.deepEqual(all.map((r) => r.uniqueName), ["end_user_ip", "user.id", "session-id"]);

    assert.equal(await verify.services(service.sid).rateLimits(created.sid).remove(), true);
    await restRejects(verify.services(service.sid).rateLimits(created.sid).fetch(), 20404, 404);
    assert.equal((await limits.list()).length, 2);
  });

  test("Buckets: create, fetch, update, list, delete", async () => {
    const service = await verify.services.create({ friendlyName: "Buckets CRUD" });
    const limit = await verify.services(service.sid).rateLimits.create({ uniqueName: "phone" });
    const buckets = verify.services(service.sid).rateLimits(limit.sid).buckets;
    const created = await buckets.create({ max: 5, interval: 60 });
    assert.match(created.sid, /^BL[0-9a-f]{32}$/);
    assert.equal(created.rateLimitSid, limit.sid);
    assert.equal(created.serviceSid, service.sid);
    assert.equal(created.accountSid, ACCOUNT_SID);
    assert.equal(created.max, 5);
    assert.equal(created.interval, 60);
    assert.equal(created.url, `${limit.url}/Buckets/${created.sid}`);

    const bucket = verify.services(service.sid).rateLimits(limit.sid).buckets(created.sid);
    assert.equal((await bucket.fetch()).max, 5);
    const updated = await bucket.update({ max: 8, interval: 120 });
    assert.equal(updated.max, 8);
    assert.equal(updated.interval, 120);
    await buckets.create({ max: 100, interval: 3600 });
    const listed = await buckets.list({ pageSize: 1 });
    assert.deepEqual(listed.map((b) => [b.max, b.interval]), [[8, 120], [100, 3600]]);
    assert.equal(await bucket.remove(), true);
    await restRejects(bucket.fetch(), 20404, 404);
    await restRejects(verify.services(service.sid).rateLimits("RK" + "0".repeat(32)).buckets.list(), 20404, 404);
  });

  test("definition errors: 60207, 60208, 60209, 60210, 60211, 60200 (all HTTP 400)", async () => {
    const service = await verify.services.create({ friendlyName: "Limits errors" });
    const limits = verify.services(service.sid).rateLimits;
    await restRejects(limits.create({ uniqueName: "has space" }), 60209, 400);
    await restRejects(limits.create({ uniqueName: "a/b" }), 60209, 400);
    const first = await limits.create({ uniqueName: "l0" });
    await restRejects(limits.create({ uniqueName: "l0" }), 60208, 400);
    for (let i = 1; i < 10; i++) await limits.create({ uniqueName: `l${i}` });
    await restRejects(limits.create({ uniqueName: "l10" }), 60207, 400);

    const buckets = verify.services(service.sid).rateLimits(first.sid).buckets;
    await restRejects(buckets.create({ max: 0, interval: 60 }), 60200, 400);
    await restRejects(buckets.create({ max: 5, interval: 0 }), 60200, 400);
    for (let i = 1; i <= 5; i++) await buckets.create({ max: 5, interval: 60 * i });
    await restRejects(buckets.create({ max: 9, interval: 60 }), 60211, 400);
    await restRejects(buckets.create({ max: 9, interval: 999 }), 60210, 400);
    const [one] = await buckets.list({ limit: 1 });
    await restRejects(verify.services(service.sid).rateLimits(first.sid).buckets(one.sid).update({ interval: 120 }), 60211, 400);
    // Under an unknown Service, nothing exists.
    await restRejects(verify.services("VA" + "0".repeat(32)).rateLimits.create({ uniqueName: "x" }), 20404, 404);
  });
});

describe("the RateLimits parameter of a start", () => {
  test("a breach is 429 with 20429 and Retry-After, sends nothing, and passes again after the interval", async () => {
    const service = await verify.services.create({ friendlyName: "Limits start" });
    const limit = await verify.services(service.sid).rateLimits.create({ uniqueName: "end_user_ip" });
    await verify.services(service.sid).rateLimits(limit.sid).buckets.create({ max: 2, interval: 2 });
    const start = (to, ip) =>
      verify.services(service.sid).verifications.create({ to, channel: "sms", rateLimits: { end_user_ip: ip } });

    for (let i = 0; i < 2; i++) {
      const to = nextNumber();
      assert.equal((await start(to, "203.0.113.7")).status, "pending");
      assert.equal((await inbox(to)).length, 1);
    }
    const refused = nextNumber();
    await restRejects(start(refused, "203.0.113.7"), 20429, 429);
    assert.deepEqual(await inbox(refused), [], "a refused start sends nothing");

    const raw = await rawStart(service.sid, { To: refused, Channel: "sms", RateLimits: '{"end_user_ip":"203.0.113.7"}' });
    assert.equal(raw.status, 429);
    assert.deepEqual(
      { code: raw.body.code, status: raw.body.status, message: raw.body.message, more_info: raw.body.more_info },
      { code: 20429, status: 429, message: "Too many requests", more_info: "https://www.twilio.com/docs/errors/20429" },
    );
    const retryAfter = Number(raw.headers.get("retry-after"));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 4, `Retry-After: ${retryAfter}`);
    assert.equal(raw.headers.get("twilio-reached-rate-limit"), "end_user_ip");
    assert.deepEqual(await inbox(refused), []);

    // Another value has its own count.
    assert.equal((await start(nextNumber(), "198.51.100.1")).status, "pending");

    await sleep(retryAfter * 1000 + 200);
    const later = nextNumber();
    assert.equal((await start(later, "203.0.113.7")).status, "pending");
    assert.equal((await inbox(later)).length, 1);
  });

  test("counting is all or none: a refusal by one Bucket gives back the counts of the others", async () => {
    const service = await verify.services.create({ friendlyName: "Limits atomic" });
    const limits = verify.services(service.sid).rateLimits;
    // Names are counted in name order: `a_wide` first, so `b_narrow`'s refusal has a count of a_wide's to give back.
    const wide = await limits.create({ uniqueName: "a_wide" });
    const narrow = await limits.create({ uniqueName: "b_narrow" });
    await limits(wide.sid).buckets.create({ max: 5, interval: 600 });
    await limits(narrow.sid).buckets.create({ max: 1, interval: 600 });
    const start = (rateLimits) => verify.services(service.sid).verifications.create({ to: nextNumber(), channel: "sms", rateLimits });

    await start({ a_wide: "k", b_narrow: "k" }); // a_wide 1, b_narrow 1
    await restRejects(start({ a_wide: "k", b_narrow: "k" }), 20429, 429); // b_narrow refuses; a_wide's count goes back
    await restRejects(start({ a_wide: "k", b_narrow: "k" }), 20429, 429);
    for (let i = 0; i < 4; i++) await start({ a_wide: "k" }); // a_wide 2..5: the refused starts left nothing behind
    await restRejects(start({ a_wide: "k" }), 20429, 429);
  });

  test("a start that fails sends nothing and counts nothing", async () => {
    const service = await verify.services.create({ friendlyName: "Limits failed start" });
    const limit = await verify.services(service.sid).rateLimits.create({ uniqueName: "user" });
    await verify.services(service.sid).rateLimits(limit.sid).buckets.create({ max: 1, interval: 600 });
    const to = nextNumber();
    // CustomCode on a Service without it: refused after the count is taken, so the count is given back.
    await restRejects(
      verify.services(service.sid).verifications.create({ to, channel: "sms", customCode: "123456", rateLimits: { user: "u1" } }),
      60204, 403,
    );
    assert.deepEqual(await inbox(to), []);
    assert.equal((await verify.services(service.sid).verifications.create({ to, channel: "sms", rateLimits: { user: "u1" } })).status, "pending");
    await restRejects(verify.services(service.sid).verifications.create({ to: nextNumber(), channel: "sms", rateLimits: { user: "u1" } }), 20429, 429);
  });

  test("unknown unique names and malformed values are 60200 and send nothing", async () => {
    const service = await verify.services.create({ friendlyName: "Limits unknown" });
    await verify.services(service.sid).rateLimits.create({ uniqueName: "known" });
    const to = nextNumber();
    await restRejects(verify.services(service.sid).verifications.create({ to, channel: "sms", rateLimits: { nope: "x" } }), 60200, 400);
    await restRejects(verify.services(service.sid).verifications.create({ to, channel: "sms", rateLimits: { known: "" } }), 60200, 400);
    const raw = await rawStart(service.sid, { To: to, Channel: "sms", RateLimits: "not json" });
    assert.equal(raw.status, 400);
    assert.equal(raw.body.message, "Invalid parameter: RateLimits");
    assert.deepEqual(await inbox(to), []);
    // A Rate Limit without Buckets limits nothing.
    for (let i = 0; i < 3; i++) {
      await verify.services(service.sid).verifications.create({ to: nextNumber(), channel: "sms", rateLimits: { known: "x" } });
    }
  });

  test("a deleted Service's Rate Limits go with it", async () => {
    const service = await verify.services.create({ friendlyName: "Limits deleted" });
    const limit = await verify.services(service.sid).rateLimits.create({ uniqueName: "ip" });
    await verify.services(service.sid).remove();
    await restRejects(verify.services(service.sid).rateLimits(limit.sid).fetch(), 20404, 404);
  });

  test("Twilio's Python SDK: Rate Limits, Buckets and a breach with Python's JSON", async () => {
    const cacheDir = process.env.VERIFY_EDGE_CACHE ?? join(process.env.HOME, ".cache/verify-edge");
    const { stdout } = await promisify(execFile)("python3", [join(ROOT, "tests/python/engine_limits_sdk.py"), worker.url], {
      env: { ...process.env, PYTHONPATH: join(cacheDir, "python") },
      timeout: 120_000,
    });
    const result = JSON.parse(stdout.trim().split("\n").at(-1));
    assert.equal(result.sdk, "twilio-python");
    assert.deepEqual(result.checked, ["rate limit and bucket CRUD", "60208, 60209, 60211", "start within the limit", "20429 breach", "safe list"]);
  });
});

describe("SafeList through Twilio's Node SDK", () => {
  test("create, fetch, delete, field for field", async () => {
    const number = "+18001234567";
    const created = await verify.safelist.create({ phoneNumber: number });
    assert.match(created.sid, /^GN[0-9a-f]{32}$/);
    assert.equal(created.phoneNumber, number);
    assert.equal(created.url, `${worker.url}/v2/SafeList/Numbers/${number}`);
    const fetched = await verify.safelist(number).fetch();
    assert.deepEqual([fetched.sid, fetched.phoneNumber, fetched.url], [created.sid, number, created.url]);
    // Adding it again keeps the entry.
    assert.equal((await verify.safelist.create({ phoneNumber: number })).sid, created.sid);
    assert.equal(await verify.safelist(number).remove(), true);
    await restRejects(verify.safelist(number).fetch(), 20404, 404);
    await restRejects(verify.safelist(number).remove(), 20404, 404);
  });

  test("numbers must be E.164: 60200 otherwise", async () => {
    await restRejects(verify.safelist.create({ phoneNumber: "6505551234" }), 60200, 400);
    await restRejects(verify.safelist.create({ phoneNumber: "+1" }), 60200, 400);
    await restRejects(verify.safelist.create({ phoneNumber: "user@example.com" }), 60200, 400);
    // A percent-encoded `+` in the path is the same number.
    await verify.safelist.create({ phoneNumber: "+16505550100" });
    const response = await fetch(`${worker.url}/v2/SafeList/Numbers/%2B16505550100`, { headers: { authorization: AUTH } });
    assert.equal(response.status, 200);
    assert.equal((await response.json()).phone_number, "+16505550100");
  });
});
