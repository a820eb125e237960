// Vendors the response schemas the engine must honour from Twilio's Verify v2 OpenAPI spec (in the steering repo's
// shared/reference, beside this checkout) into tests/data/twilio-schemas.json, with every $ref they use.
//
//   node scripts/extract-twilio-schemas.mjs > tests/data/twilio-schemas.json
import { readFileSync } from "node:fs";

const spec = JSON.parse(readFileSync(new URL("../../shared/reference/twilio_verify_v2.json", import.meta.url), "utf8"));
const OPERATIONS = {
  CreateService: ["/v2/Services", "post", "201"],
  ListService: ["/v2/Services", "get", "200"],
  FetchService: ["/v2/Services/{Sid}", "get", "200"],
  UpdateService: ["/v2/Services/{Sid}", "post", "200"],
  CreateVerification: ["/v2/Services/{ServiceSid}/Verifications", "post", "201"],
  FetchVerification: ["/v2/Services/{ServiceSid}/Verifications/{Sid}", "get", "200"],
  UpdateVerification: ["/v2/Services/{ServiceSid}/Verifications/{Sid}", "post", "200"],
  CreateVerificationCheck: ["/v2/Services/{ServiceSid}/VerificationCheck", "post", "200"],
  CreateRateLimit: ["/v2/Services/{ServiceSid}/RateLimits", "post", "201"],
  ListRateLimit: ["/v2/Services/{ServiceSid}/RateLimits", "get", "200"],
  FetchRateLimit: ["/v2/Services/{ServiceSid}/RateLimits/{Sid}", "get", "200"],
  UpdateRateLimit: ["/v2/Services/{ServiceSid}/RateLimits/{Sid}", "post", "200"],
  CreateBucket: ["/v2/Services/{ServiceSid}/RateLimits/{RateLimitSid}/Buckets", "post", "201"],
  ListBucket: ["/v2/Services/{ServiceSid}/RateLimits/{RateLimitSid}/Buckets", "get", "200"],
  FetchBucket: ["/v2/Services/{ServiceSid}/RateLimits/{RateLimitSid}/Buckets/{Sid}", "get", "200"],
  UpdateBucket: ["/v2/Services/{ServiceSid}/RateLimits/{RateLimitSid}/Buckets/{Sid}", "post", "200"],
  CreateSafelist: ["/v2/SafeList/Numbers", "post", "201"],
  FetchSafelist: ["/v2/SafeList/Numbers/{PhoneNumber}", "get", "200"],
  CreateEntity: ["/v2/Services/{ServiceSid}/Entities", "post", "201"],
  ListEntity: ["/v2/Services/{ServiceSid}/Entities", "get", "200"],
  FetchEntity: ["/v2/Services/{ServiceSid}/Entities/{Identity}", "get", "200"],
  CreateNewFactor: ["/v2/Services/{ServiceSid}/Entities/{Identity}/Factors", "post", "201"],
  ListFactor: ["/v2/Services/{ServiceSid}/Entities/{Identity}/Factors", "get", "200"],
  FetchFactor: ["/v2/Services/{ServiceSid}/Entities/{Identity}/Factors/{Sid}", "get", "200"],
  UpdateFactor: ["/v2/Services/{ServiceSid}/Entities/{Identity}/Factors/{Sid}", "post", "200"],
  CreateChallenge: ["/v2/Services/{ServiceSid}/Entities/{Identity}/Challenges", "post", "201"],
  ListChallenge: ["/v2/Services/{ServiceSid}/Entities/{Identity}/Challenges", "get", "200"],
  FetchChallenge: ["/v2/Services/{ServiceSid}/Entities/{Identity}/Challenges/{Sid}", "get", "200"],
  UpdateChallenge: ["/v2/Services/{ServiceSid}/Entities/{Identity}/Challenges/{Sid}", "post", "200"],
  CreateNewFactorPasskey: ["/v2/Services/{ServiceSid}/Passkeys/Factors", "post", "201"],
  UpdatePasskeysFactor: ["/v2/Services/{ServiceSid}/Passkeys/VerifyFactor", "post", "200"],
  CreateChallengePasskeys: ["/v2/Services/{ServiceSid}/Passkeys/Challenges", "post", "201"],
  UpdateChallengePasskeys: ["/v2/Services/{ServiceSid}/Passkeys/ApproveChallenge", "post", "200"],
};
const responses = {};
const components = {};
const collect = (node) => {
  if (Array.isArray(node)) return node.forEach(collect);
  if (!node || typeof node !== "object") return;
  if (typeof node.$ref === "string") {
    const name = node.$ref.replace("#/components/schemas/", "");
    if (!(name in components)) {
      components[name] = spec.components.schemas[name];
      collect(components[name]);
    }
  }
  Object.values(node).forEach(collect);
};
for (const [operation, [path, method, status]] of Object.entries(OPERATIONS)) {
  const schema = spec.paths[path][method].responses[status].content["application/json"].schema;
  responses[operation] = { status: Number(status), schema };
  collect(schema);
}
process.stdout.write(`${JSON.stringify({ source: "twilio_verify_v2.json", responses, components }, null, 1)}\n`);
