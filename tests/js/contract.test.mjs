// Contract: the engine's answers against the response schemas of Twilio's OpenAPI spec (vendored in
// tests/data/twilio-schemas.json by scripts/extract-twilio-schemas.mjs). Stricter than the spec: every property
// the schema names must be present, and no other (field for field with Twilio), besides types, nullability,
// patterns and enums.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { ROOT, startWrangler } from "./support.mjs";

const { responses, components } = JSON.parse(readFileSync(`${ROOT}/tests/data/twilio-schemas.json`, "utf8"));
const AUTH = `Basic ${btoa("ACdec0de00000000000000000000000001:dev-auth-token-not-secret")}`;

/** Every way `value` breaks `schema`, as "path: problem" lines. */
function violations(value, schema, path = "$") {
  if (schema.$ref) return violations(value, components[schema.$ref.replace("#/components/schemas/", "")], path);
  if (value === null) return schema.nullable || schema.type === undefined ? [] : [`${path}: null, not nullable`];
  const out = [];
  const type = Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
  if (schema.type && !(schema.type === type || (schema.type === "number" && type === "integer"))) {
    return [`${path}: ${type}, expected ${schema.type}`];
  }
  if (schema.enum && !schema.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} not in ${schema.enum}`);
  if (schema.pattern && !new RegExp(schema.pattern).test(value)) out.push(`${path}: ${value} does not match ${schema.pattern}`);
  if (schema.format === "date-time" && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(value)) out.push(`${path}: ${value} is not ISO 8601 UTC`);
  if (schema.format === "uri" && !/^https?:\/\//.test(value)) out.push(`${path}: ${value} is not a URL`);
  if (type === "array" && schema.items) value.forEach((item, i) => out.push(...violations(item, schema.items, `${path}[${i}]`)));
  if (type === "object" && schema.properties) {
    const expected = Object.keys(schema.properties).sort();
    const actual = Object.keys(value).sort();
    for (const key of expected.filter((k) => !actual.includes(k))) out.push(`${path}.${key}: missing`);
    for (const key of actual.filter((k) => !expected.includes(k))) out.push(`${path}.${key}: not in Twilio's schema`);
    for (const key of expected.filter((k) => actual.includes(k))) out.push(...violations(value[key], schema.properties[key], `${path}.${key}`));
  }
  return out;
}

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

function assertContract(operation, { status, body }) {
  assert.equal(status, responses[operation].status, `${operation}: ${JSON.stringify(body)}`);
  const problems = violations(body, responses[operation].schema);
  assert.deepEqual(problems, [], `${operation} breaks Twilio's schema:\n${problems.join("\n")}`);
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
