// Twilio's Python SDK against the engine under workerd: runs tests/python/engine_sdk.py (verifications) and
// tests/python/totp_sdk.py (authenticator apps, codes by pyotp) with what scripts/setup.sh --test installs (pip
// --target, into the cache), and holds the raw answers the latter records to Twilio's response schemas.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import { assertContract } from "./contract.mjs";
import { ROOT, startWrangler } from "./support.mjs";

const cacheDir = process.env.VERIFY_EDGE_CACHE ?? join(process.env.HOME, ".cache/verify-edge");
let worker;
before(async () => {
  worker = await startWrangler();
});
after(() => worker?.stop());

test("the Python SDK runs the verification lifecycle against the engine", async () => {
  const { stdout } = await promisify(execFile)("python3", [join(ROOT, "tests/python/engine_sdk.py"), worker.url], {
    env: { ...process.env, PYTHONPATH: join(cacheDir, "python") },
    timeout: 120_000,
  });
  const result = JSON.parse(stdout.trim().split("\n").at(-1));
  assert.equal(result.sdk, "twilio-python");
  assert.deepEqual(result.checked, [
    "service create/fetch", "start, wrong code, right code, 20404", "60202", "60203", "60200, 20003", "list with paging",
  ]);
});

test("the Python SDK drives Entities, TOTP Factors and Challenges, with pyotp's codes, every answer Twilio's shape", async () => {
  const { stdout } = await promisify(execFile)("python3", [join(ROOT, "tests/python/totp_sdk.py"), worker.url], {
    env: { ...process.env, PYTHONPATH: join(cacheDir, "python") },
    timeout: 120_000,
  });
  const result = JSON.parse(stdout.trim().split("\n").at(-1));
  assert.equal(result.sdk, "twilio-python");
  assert.deepEqual(result.checked, [
    "entities: create, fetch, list, 60301, 60306",
    "factor: create (binding once), fetch, list, wrong code, right code",
    "factor: sha256/8/20 settings, 60369 push, 60370, 60306",
    "60310, 60318",
    "challenge: create, wrong and replayed codes pending, approve, 60322, fetch, list filters",
    "60308, 60323, 60306 expiration",
    "delete factor and entity, cascading",
  ]);
  const operations = new Set(result.answers.map((a) => a.operation));
  assert.deepEqual([...operations].sort(), [
    "CreateChallenge", "CreateEntity", "CreateNewFactor", "FetchChallenge", "FetchEntity", "FetchFactor", "ListChallenge",
    "ListEntity", "ListFactor", "UpdateChallenge", "UpdateFactor",
  ]);
  for (const answer of result.answers) assertContract(answer.operation, answer);
});
