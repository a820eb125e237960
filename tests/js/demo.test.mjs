// The demo page's whole flow in headless Chromium (Playwright), against the Worker under workerd with the engine
// as upstream: the page uses the npm package's VerifyClient; codes are read from the engine's dev inbox, and the
// silent network auth flow runs through the engine's simulated carrier.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import jsQR from "jsqr";
import * as otplib from "otplib";
import { devInbox, launchChromium, startWrangler } from "./support.mjs";

let worker;
let browser;
before(async () => {
  worker = await startWrangler();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await worker?.stop();
});

let serial = 0;
/** A UK mobile number no other test uses, in national form. */
function freshNational() {
  serial += 1;
  return `074${String(Date.now() % 1e5).padStart(5, "0")}${String(serial).padStart(3, "0")}`.slice(0, 11);
}

const inbox = (to) => devInbox(worker.url, to);

async function openDemo() {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await page.goto(`${worker.url}/`);
  await page.waitForSelector("body[data-ready=true]");
  return { page, errors };
}

async function outcome(page, code) {
  await page.waitForSelector(`#outcome[data-code="${code}"]`, { timeout: 15_000 });
  return page.textContent("#outcome");
}

/**
 * The approval token the page shows and the header and claims it shows decoded, once they are asserted to be what
 * Node's own base64url decoder reads from that token, beside the sentence that decoding is not verification.
 */
async function shownApproval(page) {
  await page.waitForSelector("#approval:not([hidden])");
  const token = await page.textContent("#token");
  const parts = token.split(".");
  assert.equal(parts.length, 3, `a three-part JWT: ${token}`);
  const [header, claims] = parts.slice(0, 2).map((p) => JSON.parse(Buffer.from(p, "base64url").toString("utf8")));
  assert.deepEqual(JSON.parse(await page.textContent("#token-header")), header);
  assert.deepEqual(JSON.parse(await page.textContent("#token-claims")), claims);
  assert.equal(header.alg, "ES256");
  const note = await page.textContent("#approval .hint");
  assert.match(note, /must verify it against\s+\/\.well-known\/jwks\.json/);
  assert.match(note, /not verification/);
  assert.equal(await page.getAttribute("#approval a", "href"), "/.well-known/jwks.json");
  return { token, header, claims };
}

describe("the demo's verification flow in headless Chromium", () => {
  test("sms: a wrong code, then the right one from the dev inbox", async () => {
    const { page, errors } = await openDemo();
    const national = freshNational();
    const e164 = `+44${national.slice(1)}`;
    await page.selectOption("#region", "GB");
    await page.locator("#phone").pressSequentially(national);
    assert.match(await page.inputValue("#phone"), /^07\d{3} \d{6}$/, "formatted as typed");
    assert.equal(await page.evaluate(() => document.activeElement.selectionStart), national.length + 1, "caret at the end");
    assert.equal(await page.textContent("#e164"), e164, "normalized as typed");
    await page.click("#start");
    await page.waitForSelector("#check-form:not([hidden])");
    assert.match(await page.textContent("#sent-to"), new RegExp(`\\${e164} by SMS`));
    await page.waitForSelector("#dev-inbox:not([hidden])");

    const [message] = await inbox(e164);
    assert.ok(message, "the engine sent a code");
    const wrong = message.code === "000000" ? "111111" : "000000";
    await page.fill("#code", wrong);
    await page.click("#check");
    assert.match(await outcome(page, "pending"), /isn't right/);
    assert.ok(await page.isHidden("#approval"), "no token before approval");

    await page.fill("#code", message.code);
    await page.click("#check");
    assert.match(await outcome(page, "approved"), /Verified/);
    assert.ok(await page.isHidden("#check-form"));
    const { claims } = await shownApproval(page);
    assert.equal(claims.sub, e164, "the number verified");
    assert.equal(claims.channel, "sms");
    assert.ok(Array.isArray(claims.amr) && claims.amr.length > 0, `amr: ${claims.amr}`);
    // A new verification takes the old token off the page.
    await page.click("#start");
    await page.waitForSelector("#check-form:not([hidden])");
    assert.ok(await page.isHidden("#approval"));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("an authenticator app: enrolled after the number is verified, its QR code scanned, confirmed and used to sign in", async () => {
    const { page, errors } = await openDemo();
    const national = freshNational();
    const e164 = `+44${national.slice(1)}`;
    await page.selectOption("#region", "GB");
    await page.fill("#phone", national);
    await page.click("#start");
    await page.waitForSelector("#check-form:not([hidden])");
    await page.fill("#code", (await inbox(e164)).at(-1).code);
    await page.click("#check");
    await outcome(page, "approved");
    await page.waitForSelector("#authenticator:not([hidden])");
    await page.click("#totp-enroll");
    await page.waitForSelector("#totp-confirm-form:not([hidden])");
    // The QR code as Chromium draws it (the SVG rendered to a canvas), read by jsQR like a phone's camera would.
    const image = await page.evaluate(async () => {
      const svg = new XMLSerializer().serializeToString(document.querySelector("#totp-qr svg"));
      const img = new Image();
      img.src = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
      await img.decode();
      const canvas = Object.assign(document.createElement("canvas"), { width: 400, height: 400 });
      const context = canvas.getContext("2d");
      context.drawImage(img, 0, 0, 400, 400);
      return { data: Array.from(context.getImageData(0, 0, 400, 400).data), width: 400, height: 400 };
    });
    const scanned = jsQR(Uint8ClampedArray.from(image.data), image.width, image.height)?.data;
    assert.match(scanned ?? "", /^otpauth:\/\/totp\//, `the QR code holds an otpauth:// URI: ${scanned}`);
    const secret = new URL(scanned).searchParams.get("secret");
    assert.equal(await page.textContent("#totp-secret"), secret, "the secret shown is the one in the QR code");
    const now = Math.floor(Date.now() / 1000);
    const wrong = await otplib.generate({ secret, epoch: now + 600 });
    await page.fill("#totp-confirm-code", wrong);
    await page.click("#totp-confirm");
    assert.match(await outcome(page, "unverified"), /isn't right/);
    await page.fill("#totp-confirm-code", await otplib.generate({ secret, epoch: now }));
    await page.click("#totp-confirm");
    assert.match(await outcome(page, "verified"), /confirmed/);
    await page.waitForSelector("#totp-signin-form:not([hidden])");
    const next = await otplib.generate({ secret, epoch: now + 30 });
    await page.fill("#totp-code", next);
    await page.click("#totp-check");
    assert.match(await outcome(page, "totp-approved"), /Signed in/);
    const { claims } = await shownApproval(page);
    assert.deepEqual([claims.sub, claims.channel, claims.amr], [e164, "totp", ["otp"]]);
    // The same code again does not sign in.
    await page.fill("#totp-code", next);
    await page.click("#totp-check");
    assert.match(await outcome(page, "totp-pending"), /already used/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("resend sends another code to the same number", async () => {
    const { page } = await openDemo();
    const national = freshNational();
    const e164 = `+44${national.slice(1)}`;
    await page.selectOption("#region", "GB");
    await page.fill("#phone", national);
    await page.click("#start");
    await page.waitForSelector("#check-form:not([hidden])");
    await page.click("#resend");
    assert.match(await outcome(page, "resent"), /2 sent/);
    assert.equal((await inbox(e164)).length, 2);
    await page.close();
  });

  test("silent network auth approves through the simulated carrier, with no code", async () => {
    const { page, errors } = await openDemo();
    const national = freshNational();
    await page.selectOption("#region", "GB");
    await page.fill("#phone", national);
    await page.check("input[name=channel][value=sna]");
    assert.equal(await page.textContent("#start"), "Verify silently");
    assert.ok(await page.isVisible("#sna-help"));
    await page.click("#start");
    assert.match(await outcome(page, "approved"), /carrier confirmed/);
    assert.ok(await page.isHidden("#fallback"));
    const { claims } = await shownApproval(page);
    assert.equal(claims.sub, `+44${national.slice(1)}`, "the number verified");
    assert.equal(claims.channel, "sna");
    assert.ok(Array.isArray(claims.amr) && claims.amr.length > 0, `amr: ${claims.amr}`);
    const sent = await inbox(`+44${national.slice(1)}`);
    assert.deepEqual(sent.map((m) => m.channel), ["sna"], "no code went out by SMS or any other channel");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("errors get a clear sentence, with their code", async () => {
    const { page } = await openDemo();
    await page.check("input[name=channel][value=email]");
    assert.ok(await page.isVisible("#email"));
    await page.fill("#email", "ada@@example");
    await page.click("#start");
    assert.match(await outcome(page, "60200"), /email address doesn't look right/);

    await page.check("input[name=channel][value=sms]");
    await page.selectOption("#region", "US");
    await page.fill("#phone", "650 253 000");
    await page.click("#start");
    assert.match(await outcome(page, "60200"), /Too few digits|No number in that country/);
    await page.close();
  });
});

describe("the demo's loading", () => {
  test("downloads each wasm once, the phone engine included: the package's fetches take the page's preloads", async () => {
    const page = await browser.newPage();
    const wasmRequests = [];
    const warnings = [];
    page.on("request", (request) => {
      if (request.url().endsWith("_bg.wasm")) wasmRequests.push(request.url());
    });
    page.on("console", (message) => {
      if (message.type() === "warning") warnings.push(message.text());
    });
    await page.goto(`${worker.url}/`);
    await page.waitForSelector("body[data-ready=true]");
    assert.deepEqual(wasmRequests.sort(), [
      `${worker.url}/pkg/phone/verify_edge_phone_bg.wasm`,
      `${worker.url}/pkg/verify_edge_bg.wasm`,
    ]);
    assert.deepEqual(warnings.filter((w) => /preload/i.test(w)), [], "no unused-preload warning");
    await page.close();
  });
});

describe("the demo's phone field", () => {
  test("formats as you type, and keeps the caret after the digit typed in the middle", async () => {
    const { page, errors } = await openDemo();
    await page.selectOption("#region", "US");
    const phone = page.locator("#phone");
    await phone.pressSequentially("650253000");
    assert.equal(await page.inputValue("#phone"), "(650) 253-000");
    await phone.evaluate((field) => field.setSelectionRange(7, 7)); // after "(650) 2"
    await page.keyboard.type("9");
    assert.equal(await page.inputValue("#phone"), "(650) 295-3000");
    assert.equal(await phone.evaluate((field) => field.selectionStart), 8, "the caret after the 9");
    assert.equal(await page.textContent("#e164"), "+16502953000");
    await phone.fill("1-800-FLOWERS");
    assert.equal(await page.inputValue("#phone"), "1-800-FLOWERS", "letters are left as typed");
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe("the demo with a bot check configured", () => {
  let guarded;
  before(async () => {
    guarded = await startWrangler({ vars: { TURNSTILE_SITE_KEY: "1x00000000000000000000AA", TURNSTILE_SECRET_KEY: "secret" } });
  });
  after(() => guarded?.stop());

  test("renders the Turnstile widget with the site key, and names the refusal when no token comes", async () => {
    const page = await browser.newPage();
    // Cloudflare's widget script cannot load here (no network): the page must still work, and say what is missing.
    await page.route("https://challenges.cloudflare.com/**", (route) => route.abort());
    await page.goto(`${guarded.url}/`);
    await page.waitForSelector("body[data-ready=true]");
    await page.waitForSelector(".cf-turnstile[data-sitekey='1x00000000000000000000AA']", { state: "attached" });
    assert.equal(await page.locator("script[src^='https://challenges.cloudflare.com/turnstile/']").count(), 1);
    await page.selectOption("#region", "GB");
    await page.fill("#phone", freshNational());
    await page.click("#start");
    assert.match(await outcome(page, "60200"), /bot check/);
    await page.close();
  });
});
