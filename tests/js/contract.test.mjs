// Contract: the engine's answers against the response schemas of Twilio's OpenAPI spec (./contract.mjs judges).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { assertContract, violations } from "./contract.mjs";
import { startWrangler } from "./support.mjs";

const AUTH = `Basic ${btoa("ACdec0de00000000000000000000000001:dev-auth-token-not-secret")}`;

let worker;
before(async () => {
  worker = await startWrangler();
});
after(() => worker?.stop());

async function call(method, path, form) {
  const response = await fetch(worker.url + path, {
    method,
    headers: { authorization: AUTH, ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
    body: form ? new URLSearchParams(form) : undefined,
  });
  return { status: response.status, body: await response.json() };
}

describe("the engine's answers match Twilio's response schemas, field for field", () => {
  test("Services", async () => {
    const created = await call("POST", "/v2/Services", { FriendlyName: "Contract", CodeLength: "7" });
    assertContract("CreateService", created);
    const sid = created.body.sid;
    assertContract("FetchService", await call("GET", `/v2/Services/${sid}`));
    assertContract("UpdateService", await call("POST", `/v2/Services/${sid}`, { Psd2Enabled: "true" }));
    assertContract("ListService", await call("GET", "/v2/Services?PageSize=1"));
  });

  test("Verifications and VerificationCheck", async () => {
    const service = (await call("POST", "/v2/Services", { FriendlyName: "Contract V" })).body.sid;
    const to = "+16505550999";
    const started = await call("POST", `/v2/Services/${service}/Verifications`, { To: to, Channel: "sms" });
    assertContract("CreateVerification", started);
    assertContract("FetchVerification", await call("GET", `/v2/Services/${service}/Verifications/${started.body.sid}`));
    assertContract("CreateVerificationCheck", await call("POST", `/v2/Services/${service}/VerificationCheck`, { To: to, Code: "0000000" }));
    assertContract("UpdateVerification", await call("POST", `/v2/Services/${service}/Verifications/${started.body.sid}`, { Status: "canceled" }));
  });

  test("RateLimits and Buckets", async () => {
    const service = (await call("POST", "/v2/Services", { FriendlyName: "Contract RL" })).body.sid;
    const created = await call("POST", `/v2/Services/${service}/RateLimits`, { UniqueName: "end_user_ip", Description: "Per IP" });
    assertContract("CreateRateLimit", created);
    const limit = `/v2/Services/${service}/RateLimits/${created.body.sid}`;
    assertContract("FetchRateLimit", await call("GET", limit));
    assertContract("UpdateRateLimit", await call("POST", limit, { Description: "Per end-user IP" }));
    assertContract("ListRateLimit", await call("GET", `/v2/Services/${service}/RateLimits?PageSize=1`));
    const bucket = await call("POST", `${limit}/Buckets`, { Max: "5", Interval: "60" });
    assertContract("CreateBucket", bucket);
    assertContract("FetchBucket", await call("GET", `${limit}/Buckets/${bucket.body.sid}`));
    assertContract("UpdateBucket", await call("POST", `${limit}/Buckets/${bucket.body.sid}`, { Max: "6" }));
    assertContract("ListBucket", await call("GET", `${limit}/Buckets?PageSize=1`));
  });

  test("SafeList", async () => {
    assertContract("CreateSafelist", await call("POST", "/v2/SafeList/Numbers", { PhoneNumber: "+18001234567" }));
    assertContract("FetchSafelist", await call("GET", "/v2/SafeList/Numbers/+18001234567"));
  });

  test("the validator itself catches a missing field, an extra one and a wrong type", () => {
    const schema = { type: "object", properties: { sid: { type: "string", pattern: "^VE" }, n: { type: "integer", nullable: true } } };
    assert.deepEqual(violations({ sid: "VE1", n: null }, schema), []);
    assert.equal(violations({ sid: "VE1" }, schema).length, 1);
    assert.equal(violations({ sid: "VE1", n: 1, extra: true }, schema).length, 1);
    assert.equal(violations({ sid: "XX1", n: "1" }, schema).length, 2);
  });
});
