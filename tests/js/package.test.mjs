// The npm package as a user gets it: `npm pack`'s tarball (built by scripts/build-package.sh --pack) installed into
// a scratch project and imported by its name, in Node, in TypeScript, and in a Worker through the workerd condition.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ROOT, startWrangler } from "./support.mjs";

const version = JSON.parse(readFileSync(join(ROOT, "dist/npm/package.json"), "utf8")).version;
const tarball = join(ROOT, "dist", `verify-edge-${version}.tgz`);
let project;

before(() => {
  project = mkdtempSync(join(tmpdir(), "verify-edge-consumer-"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--silent", tarball], { cwd: project, stdio: "pipe" });
});

/** Runs ESM `code` in the scratch project with Node and returns what it printed, parsed as JSON. */
function runInProject(code) {
  return JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: project }).toString());
}

describe("the npm package", () => {
  test("the tarball ships exactly the files the package needs", () => {
    const listing = execFileSync("tar", ["-tzf", tarball]).toString().trim().split("\n").sort();
    for (const file of ["package/index.js", "package/node.js", "package/workerd.js", "package/index.d.ts",
      "package/verify_edge.js", "package/verify_edge.d.ts", "package/verify_edge_bg.wasm", "package/README.md",
      "package/package.json"]) {
      assert.ok(listing.includes(file), `${file} missing from ${listing}`);
    }
    assert.ok(listing.some((f) => f.endsWith("/src/browser/error.js")), "the error class snippet is missing");
  });

  test("imports by its name in Node and normalizes", () => {
    const out = runInProject(`
      import { normalizePhone, supportedRegions } from "verify-edge";
      console.log(JSON.stringify({ n: normalizePhone("(650) 253-0000", "US"), regions: supportedRegions() }));`);
    assert.equal(out.n.e164, "+16502530000");
    assert.equal(out.n.region, "US");
    assert.ok(out.regions.length > 240 && out.regions.includes("GB") && !out.regions.includes("001"));
  });

  test("throws VerifyEdgeError, an Error subclass exported by the package, with the stable code", () => {
    const out = runInProject(`
      import { normalizePhone, VerifyEdgeError } from "verify-edge";
      const seen = [];
      for (const [input, region] of [["650 253 0000", null], ["hello", "US"], ["+1 650", "ZZ"], ["x".repeat(70000), "US"]]) {
        try { normalizePhone(input, region); seen.push("no error"); }
        catch (e) { seen.push([e instanceof VerifyEdgeError, e instanceof Error, e.name, e.code, typeof e.message]); }
      }
      console.log(JSON.stringify(seen));`);
    assert.deepEqual(out, [
      [true, true, "VerifyEdgeError", "MISSING_REGION", "string"],
      [true, true, "VerifyEdgeError", "NOT_A_NUMBER", "string"],
      [true, true, "VerifyEdgeError", "UNKNOWN_REGION", "string"],
      [true, true, "VerifyEdgeError", "INPUT_TOO_LONG", "string"],
    ]);
  });

  test("its TypeScript types are precise: no any, and a strict consumer type-checks", () => {
    const dts = ["index.d.ts", "verify_edge.d.ts"].map((f) => readFileSync(join(project, "node_modules/verify-edge", f), "utf8")).join("\n");
    assert.doesNotMatch(dts, /\bany\b/, "a declaration uses any");
    writeFileSync(join(project, "check.ts"), `
      import { normalizePhone, supportedRegions, VerifyEdgeError, type PhoneNumber, type NumberType, type ErrorCode } from "verify-edge";
      const n: PhoneNumber = normalizePhone("+44 20 7031 3000");
      const e164: string = n.e164;
      const region: string | null = n.region;
      const kind: NumberType = n.numberType;
      const regions: string[] = supportedRegions();
      try { normalizePhone("x", "US"); } catch (e) {
        if (e instanceof VerifyEdgeError) { const code: ErrorCode = e.code; console.log(code); }
      }
      // @ts-expect-error: the input is a string
      normalizePhone(6502530000);
      // @ts-expect-error: region may be null, so it is not a string
      const wrong: string = n.region;
      // @ts-expect-error: not a number type
      const notAType: NumberType = "landline";
      console.log(e164, kind, regions, wrong, notAType);
    `);
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022",
        lib: ["es2022", "dom"], skipLibCheck: false, types: [] },
      files: ["check.ts"],
    }));
    execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", project], { cwd: project, stdio: "pipe" });
  });
});

describe("the npm package in a Worker (workerd condition)", () => {
  let worker;
  before(async () => {
    writeFileSync(join(project, "worker.js"), `
      import { normalizePhone, VerifyEdgeError } from "verify-edge";
      export default {
        async fetch(request) {
          const url = new URL(request.url);
          try {
            return Response.json(normalizePhone(url.searchParams.get("to"), url.searchParams.get("region")));
          } catch (e) {
            return Response.json({ error: e instanceof VerifyEdgeError ? e.code : String(e) }, { status: 400 });
          }
        },
      };`);
    writeFileSync(join(project, "wrangler.toml"), 'name = "consumer"\nmain = "worker.js"\ncompatibility_date = "2026-11-01"\n');
    worker = await startWrangler({ cwd: project, readyPath: "/?to=%2B16502530000" });
  });
  after(() => worker?.stop());

  test("bundles and runs with the wasm imported as a module", async () => {
    const ok = await (await fetch(`${worker.url}/?to=030%20123456&region=DE`)).json();
    assert.equal(ok.e164, "+4930123456");
    const bad = await fetch(`${worker.url}/?to=nope&region=DE`);
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { error: "NOT_A_NUMBER" });
  });
});
