// Runs the wasm-pack tests (the `browser` test binary, tests/browser/) in one headless browser against real
// servers: this repository's Worker under `wrangler dev` (ALLOWED_ORIGINS=*) and the carrier stand-in
// (tests/js/carrier.mjs, on 127.0.0.1 and 127.0.0.2). Their URLs reach the tests at compile time (option_env!),
// since the tests run inside the browser. Everything started here is stopped by PID, every wait is bounded.
//
//   node tests/js/browser-harness.mjs chrome|firefox
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startCarrier } from "./carrier.mjs";
import { ROOT, UNPROTECTED, startWrangler } from "./support.mjs";

const browser = process.argv[2];
if (!["chrome", "firefox"].includes(browser)) {
  console.error("usage: node tests/js/browser-harness.mjs chrome|firefox");
  process.exit(2);
}
// The first run compiles the tests for wasm32; on 2 busy cores that alone can take minutes.
const WASM_PACK_TIMEOUT_MS = 25 * 60_000;

let worker;
let carrier;
let child;
const cleanup = async () => {
  if (child && child.exitCode === null) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
  }
  await carrier?.stop();
  await worker?.stop();
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => cleanup().finally(() => process.exit(130)));
}

let code = 1;
try {
  // wrangler refuses to start without the demo's assets folder; these tests never load the demo.
  mkdirSync(join(ROOT, "build/www"), { recursive: true });
  // The client's contract is under test, not abuse protection (tests/js/protections.test.mjs): limits off.
  worker = await startWrangler({ vars: { ...UNPROTECTED, ALLOWED_ORIGINS: "*", DEV_INBOX: "true" } });
  carrier = await startCarrier({ alsoHost: "127.0.0.2", inboxBase: worker.url });
  console.error(`browser-harness: Worker ${worker.url}, carrier stand-in ${carrier.url} (and 127.0.0.2)`);
  child = spawn(
    "wasm-pack",
    // The main entry's features and the phone entry's: the tests link the phone engine as the package's loader does.
    ["test", "--headless", `--${browser}`, "--features", "browser,browser-phone", "--test", "browser"],
    {
      cwd: ROOT,
      detached: true, // its own process group: the browser and its driver go with it
      stdio: "inherit",
      env: {
        ...process.env,
        VERIFY_EDGE_TEST_API: worker.url,
        VERIFY_EDGE_TEST_CARRIER: carrier.url,
        VERIFY_EDGE_TEST_CARRIER_PORT: String(carrier.port),
        // The runner serves its page cross-origin isolated (COEP require-corp), which blocks every no-cors answer
        // without a Cross-Origin-Resource-Policy header, as carriers' are. Test the page most sites are.
        WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION: "1",
      },
    },
  );
  const timer = setTimeout(() => {
    console.error(`browser-harness: wasm-pack test ran over ${WASM_PACK_TIMEOUT_MS / 60_000} min; stopping it`);
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
  }, WASM_PACK_TIMEOUT_MS);
  code = await new Promise((ok) => child.once("exit", (c, signal) => ok(c ?? (signal ? 1 : 0))));
  clearTimeout(timer);
  if (code !== 0) console.error(`browser-harness: wasm-pack test failed; Worker output:\n${worker.output().slice(-3000)}`);
} catch (e) {
  console.error(`browser-harness: ${e.stack ?? e}`);
} finally {
  await cleanup();
}
process.exit(code);
