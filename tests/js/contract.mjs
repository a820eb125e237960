// Twilio's response schemas (vendored in tests/data/twilio-schemas.json by scripts/extract-twilio-schemas.mjs) as a
// judge of the engine's answers. Stricter than the spec: every property the schema names must be present, and no
// other (field for field with Twilio), besides types, nullability, patterns and enums.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import twilio from "twilio";
import { ROOT } from "./support.mjs";

const { responses, components } = JSON.parse(readFileSync(`${ROOT}/tests/data/twilio-schemas.json`, "utf8"));

/** Every way `value` breaks `schema`, as "path: problem" lines. */
export function violations(value, schema, path = "$") {
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

/** Asserts that an answer (`{ status, body }`) is `operation`'s success in Twilio's spec: its status, and its body
 * field for field with the operation's response schema. */
export function assertContract(operation, { status, body }) {
  assert.equal(status, responses[operation].status, `${operation}: ${JSON.stringify(body)}`);
  const problems = violations(body, responses[operation].schema);
  assert.deepEqual(problems, [], `${operation} breaks Twilio's schema:\n${problems.join("\n")}`);
}

/** twilio-node's own HTTP client, keeping each raw answer so it can be judged against Twilio's schemas. */
export class RecordingClient extends twilio.RequestClient {
  answers = [];
  async request(opts) {
    const response = await super.request(opts);
    const body = typeof response.body === "string" && response.body ? JSON.parse(response.body) : response.body;
    this.answers.push({ method: opts.method, uri: opts.uri, status: response.statusCode, body });
    return response;
  }
}
