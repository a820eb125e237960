// The Worker under workerd (`wrangler dev`, as the README's run command starts it), driven over loopback HTTP,
// and the demo page it serves, driven in headless Chromium by Playwright.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { launchChromium, startWrangler } from "./support.mjs";

let worker;
before(async () => {
  worker = await startWrangler();
});
after(() => worker?.stop());

async function post(path, body, headers = { "content-type": "application/json" }) {
  const response = await fetch(worker.url + path, { method: "POST", headers, body });
  return { status: response.status, headers: response.headers, json: await response.json() };
}

function assertTwilioError(json, code, status, message) {
  assert.deepEqual(Object.keys(json).sort().filter((k) => k !== "details"), ["code", "message", "more_info", "status"]);
  assert.equal(json.code, code);
  assert.equal(json.status, status);
  assert.equal(json.message, message);
  assert.equal(json.more_info, `https://www.twilio.com/docs/errors/${code}`);
}

describe("the Worker API", () => {
  test("GET /health answers ok", async () => {
    const response = await fetch(`${worker.url}/health`);
    assert.equal(response.status, 200);
    assert.equal((await response.json()).status, "ok");
  });

  test("POST /normalize returns the E.164 form and what is known of the number", async () => {
    const { status, json } = await post("/normalize", JSON.stringify({ to: "020 7031 3000", defaultRegion: "GB" }));
    assert.equal(status, 200);
    assert.deepEqual(json, {
      e164: "+442070313000", region: "GB", countryCode: 44, nationalNumber: "2070313000",
      numberType: "fixed_line", valid: true, invalidReason: null,
    });
  });

  test("the number the crate used to change comes out as typed", async () => {
    const { json } = await post("/normalize", JSON.stringify({ to: "+376 1800 1234", defaultRegion: "US" }));
    assert.equal(json.e164, "+37618001234");
    assert.equal(json.numberType, "toll_free");
  });

  test("a number of the wrong length is normalized but marked invalid, with the reason", async () => {
    const { status, json } = await post("/normalize", JSON.stringify({ to: "+1 650 253 000" }));
    assert.equal(status, 200);
    assert.equal(json.valid, false);
    assert.equal(json.invalidReason, "TOO_SHORT");
  });

  const bad = [
    ["not a number", { to: "hello" }, "to", "NOT_A_NUMBER"],
    ["national with no region", { to: "650 253 0000" }, "to", "MISSING_REGION"],
    ["unknown country code", { to: "+999 123 4567" }, "to", "INVALID_COUNTRY_CODE"],
    ["unknown region", { to: "650 253 0000", defaultRegion: "XX" }, "defaultRegion", "UNKNOWN_REGION"],
    ["to not a string", { to: 6502530000 }, "to", "NOT_A_STRING"],
    ["to missing", { defaultRegion: "US" }, "to", "MISSING"],
    ["region not a string", { to: "650 253 0000", defaultRegion: 1 }, "defaultRegion", "NOT_A_STRING"],
    ["over 64 KiB", { to: "1".repeat(64 * 1024 + 1) }, "to", "INPUT_TOO_LONG"],
  ];
  for (const [name, body, parameter, reason] of bad) {
    test(`400 with Twilio's body naming the parameter: ${name}`, async () => {
      const { status, json } = await post("/normalize", JSON.stringify(body));
      assert.equal(status, 400);
      assertTwilioError(json, 60200, 400, `Invalid parameter: ${parameter}`);
      assert.equal(json.details.reason, reason);
    });
  }

  test("malformed JSON is a 400, not a crash", async () => {
    for (const body of ["{", "null", "[]", "\u0000\uffff", '{"to": "\\ud800"}']) {
      const { status, json } = await post("/normalize", body);
      assert.equal(status, 400, body);
      assert.equal(json.code, 60200);
    }
  });

  test("wrong method gets 405 with Allow; unknown path gets Twilio's 404", async () => {
    const wrong = await fetch(`${worker.url}/normalize`);
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "POST");
    assertTwilioError(await wrong.json(), 20004, 405, "Method not allowed");
    const missing = await fetch(`${worker.url}/no/such/route`, { method: "POST" });
    assert.equal(missing.status, 404);
    assertTwilioError(await missing.json(), 20404, 404, "The requested resource was not found");
  });
});

describe("the demo page in headless Chromium", () => {
  let browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(() => browser?.close());

  test("shows the E.164 form as the user types, and the error for bad input", async () => {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e));
    await page.goto(`${worker.url}/`);
    await page.waitForSelector("body[data-ready=true]");
    await page.selectOption("#region", "GB");
    await page.locator("#phone").pressSequentially("020 7031 3000");
    assert.equal(await page.textContent("#e164"), "+442070313000");
    assert.equal(await page.getAttribute("#result", "data-state"), "valid");

    await page.selectOption("#region", "US");
    await page.fill("#phone", "");
    await page.locator("#phone").pressSequentially("+54 11 2345-6789");
    assert.equal(await page.textContent("#e164"), "+541123456789");

    await page.fill("#phone", "hello");
    assert.equal(await page.getAttribute("#result", "data-state"), "error");
    assert.equal(await page.getAttribute("#error", "data-code"), "NOT_A_NUMBER");
    assert.deepEqual(errors, []);
  });
});
