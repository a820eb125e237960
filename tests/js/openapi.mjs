// Holds the Worker's public answers to openapi/public-api.json (OpenAPI 3.1, JSON Schema 2020-12), with Ajv.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import { ROOT } from "./support.mjs";

export const OPENAPI = JSON.parse(readFileSync(`${ROOT}/openapi/public-api.json`, "utf8"));

const ajv = new Ajv2020({ strict: false, allErrors: true });
// "uri" and "date-time" as the document means them; Ajv knows no formats without ajv-formats.
ajv.addFormat("uri", /^https?:\/\/[^\s]+$/);
ajv.addFormat("date-time", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
ajv.addSchema({ ...OPENAPI, $id: "openapi" });

function resolve(node) {
  while (node?.$ref) {
    node = node.$ref.replace("#/", "").split("/").reduce((at, key) => at[key], OPENAPI);
  }
  return node;
}

/** The path template of the document that `path` matches. */
function template(path) {
  for (const candidate of Object.keys(OPENAPI.paths)) {
    const pattern = new RegExp(`^${candidate.replace(/\{[^}]+\}/g, "[^/]+")}$`);
    if (pattern.test(path)) return candidate;
  }
  return undefined;
}

/** Asserts that an answer (`status`, `headers`, parsed `json`) is one the document allows for `method path`. */
export function assertDocumented(method, path, { status, headers, json }) {
  const at = template(path);
  assert.ok(at, `${path} is not in the OpenAPI document`);
  const operation = OPENAPI.paths[at][method.toLowerCase()];
  // A method the path does not take: 405 with the error body, as every operation documents it.
  const responses = operation?.responses ?? (status === 405 ? OPENAPI.components.responses : undefined);
  assert.ok(responses, `${method} ${at} is not in the OpenAPI document`);
  const response = resolve(operation ? responses[String(status)] : responses.MethodNotAllowed);
  assert.ok(response, `${method} ${at} does not document HTTP ${status}`);
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    if (header.required) assert.ok(headers.get(name), `HTTP ${status} must carry ${name}`);
  }
  const content = response.content?.["application/json"] ?? response.content?.["application/jwk-set+json"];
  if (!content) return;
  const ref = content.schema.$ref.replace("#", "openapi#");
  const validate = ajv.getSchema(ref);
  assert.ok(validate(json), `${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(json)}`);
}
