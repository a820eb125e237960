// Twilio's Python SDK against the engine under workerd: runs tests/python/engine_sdk.py with the SDK that
// scripts/setup.sh --test installs (pip --target, into the cache).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
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
