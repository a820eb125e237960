// The embedded Verify v2 engine under workerd (`wrangler dev`), driven by Twilio's official Node SDK (npm
// `twilio`) pointed at it with `client.verify.baseUrl`, as a user of the engine would.
import assert from "node:assert/strict";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import twilio from "twilio";
import { devInbox, freePort, restRejects, startWrangler } from "./support.mjs";

// The development credentials: ENGINE_ACCOUNT_SID in wrangler.toml, ENGINE_AUTH_TOKEN in .dev.vars.example.
const ACCOUNT_SID = "ACdec0de00000000000000000000000001";
const AUTH_TOKEN = "dev-auth-token-not-secret";

let worker;
let verify;
before(async () => {
  worker = await startWrangler();
  verify = client(worker.url, AUTH_TOKEN);
});
after(() => worker?.stop());

function client(url, token) {
  const c = twilio(ACCOUNT_SID, token, { autoRetry: false });
  c.verify.baseUrl = url;
  return c.verify.v2;
}

/** The last code the engine "sent" to `to`, from the dev inbox. */
async function lastCode(to) {
  return (await devInbox(worker.url, to)).at(-1).code;
}

let n = 0;
/** A fresh valid US number per test, so tests do not share verifications. */
const nextNumber = () => `+1650555${String(1000 + n++).padStart(4, "0")}`;

describe("the engine through Twilio's Node SDK", () => {
  test("creates, fetches, updates and deletes a Service", async () => {
    const created = await verify.services.create({ friendlyName: "Demo", codeLength: 8 });
    assert.match(created.sid, /^VA[0-9a-f]{32}$/);
    assert.equal(created.accountSid, ACCOUNT_SID);
    assert.equal(created.codeLength, 8);
    assert.equal((await verify.services(created.sid).fetch()).friendlyName, "Demo");
    const updated = await verify.services(created.sid).update({ friendlyName: "Renamed", customCodeEnabled: true });
    assert.equal(updated.friendlyName, "Renamed");
    assert.equal(updated.customCodeEnabled, true);
    assert.equal(await verify.services(created.sid).remove(), true);
    await restRejects(verify.services(created.sid).fetch(), 20404, 404);
  });

  test("refuses bad Service parameters with 60200", async () => {
    await restRejects(verify.services.create({ friendlyName: "x", codeLength: 11 }), 60200, 400);
    await restRejects(verify.services.create({ friendlyName: "y".repeat(33) }), 60200, 400);
  });

  test("lists Services with Twilio's paging", async () => {
    const names = ["List A", "List B", "List C"];
    for (const friendlyName of names) await verify.services.create({ friendlyName });
    const page = await verify.services.page({ pageSize: 2 });
    assert.equal(page.instances.length, 2);
    const all = await verify.services.list({ pageSize: 2 });
    for (const name of names) assert.ok(all.some((s) => s.friendlyName === name), name);
    assert.ok(all.length >= 3);
  });

  test("start, wrong code stays pending, right code approves, a later check is 20404", async () => {
    const service = await verify.services.create({ friendlyName: "Lifecycle" });
    const to = nextNumber();
    const started = await verify.services(service.sid).verifications.create({ to, channel: "sms" });
    assert.equal(started.status, "pending");
    assert.equal(started.to, to);
    assert.match(started.sid, /^VE[0-9a-f]{32}$/);
    assert.equal(started.sendCodeAttempts.length, 1);
    const code = await lastCode(to);
    assert.match(code, /^\d{6}$/);
    const wrong = await verify.services(service.sid).verificationChecks.create({ to, code: code === "000000" ? "111111" : "000000" });
    assert.equal(wrong.status, "pending");
    assert.equal(wrong.valid, false);
    const right = await verify.services(service.sid).verificationChecks.create({ verificationSid: started.sid, code });
    assert.equal(right.status, "approved");
    assert.equal(right.valid, true);
    await restRejects(verify.services(service.sid).verificationChecks.create({ to, code }), 20404, 404);
    await restRejects(verify.services(service.sid).verifications(started.sid).fetch(), 20404, 404);
  });

  test("five wrong codes give max_attempts_reached, then 60202", async () => {
    const service = await verify.services.create({ friendlyName: "Attempts" });
    const to = nextNumber();
    await verify.services(service.sid).verifications.create({ to, channel: "sms" });
    const code = await lastCode(to);
    const wrong = code === "000000" ? "111111" : "000000";
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await verify.services(service.sid).verificationChecks.create({ to, code: wrong })).status);
    }
    assert.deepEqual(statuses, ["pending", "pending", "pending", "pending", "max_attempts_reached"]);
    await restRejects(verify.services(service.sid).verificationChecks.create({ to, code }), 60202, 429);
  });

  test("a sixth start in the window gives 60203; resends keep the verification and the code", async () => {
    const service = await verify.services.create({ friendlyName: "Sends" });
    const to = nextNumber();
    const sids = new Set();
    const codes = new Set();
    for (let i = 0; i < 5; i++) {
      const v = await verify.services(service.sid).verifications.create({ to, channel: i % 2 ? "call" : "sms" });
      sids.add(v.sid);
      codes.add(await lastCode(to));
      assert.equal(v.sendCodeAttempts.length, i + 1);
    }
    assert.equal(sids.size, 1);
    assert.equal(codes.size, 1);
    await restRejects(verify.services(service.sid).verifications.create({ to, channel: "sms" }), 60203, 429);
  });

  test("custom codes need CustomCodeEnabled (60204)", async () => {
    const plain = await verify.services.create({ friendlyName: "Plain" });
    const to = nextNumber();
    await restRejects(verify.services(plain.sid).verifications.create({ to, channel: "sms", customCode: "4242" }), 60204, 403);
    const custom = await verify.services.create({ friendlyName: "Custom", customCodeEnabled: true });
    await verify.services(custom.sid).verifications.create({ to, channel: "sms", customCode: "4242" });
    assert.equal(await lastCode(to), "4242");
    const check = await verify.services(custom.sid).verificationChecks.create({ to, code: "4242" });
    assert.equal(check.status, "approved");
  });

  test("a Service update applies to the next start at once", async () => {
    const service = await verify.services.create({ friendlyName: "Changing" });
    const to = nextNumber();
    await verify.services(service.sid).verifications.create({ to: nextNumber(), channel: "sms" }); // the Service is now cached
    await restRejects(verify.services(service.sid).verifications.create({ to, channel: "sms", customCode: "9876" }), 60204, 403);
    await verify.services(service.sid).update({ customCodeEnabled: true });
    await verify.services(service.sid).verifications.create({ to, channel: "sms", customCode: "9876" });
    assert.equal(await lastCode(to), "9876");
    await verify.services(service.sid).remove();
    await restRejects(verify.services(service.sid).verifications.create({ to: nextNumber(), channel: "sms" }), 20404, 404);
  });

  test("PSD2 services require Amount and Payee (60206), and a check must repeat them", async () => {
    const service = await verify.services.create({ friendlyName: "PSD2", psd2Enabled: true });
    const to = nextNumber();
    await restRejects(verify.services(service.sid).verifications.create({ to, channel: "sms" }), 60206, 400);
    const started = await verify.services(service.sid).verifications.create({ to, channel: "sms", amount: "€39.99", payee: "Acme" });
    assert.equal(started.amount, "€39.99");
    const code = await lastCode(to);
    const other = await verify.services(service.sid).verificationChecks.create({ to, code, amount: "€99.99", payee: "Acme" });
    assert.equal(other.status, "pending");
    const right = await verify.services(service.sid).verificationChecks.create({ to, code, amount: "€39.99", payee: "Acme" });
    assert.equal(right.status, "approved");
  });

  test("a verification can be canceled by SID, or approved by To in place of the SID", async () => {
    const service = await verify.services.create({ friendlyName: "Update" });
    const a = nextNumber();
    const first = await verify.services(service.sid).verifications.create({ to: a, channel: "sms" });
    assert.equal((await verify.services(service.sid).verifications(first.sid).fetch()).status, "pending");
    const canceled = await verify.services(service.sid).verifications(first.sid).update({ status: "canceled" });
    assert.equal(canceled.status, "canceled");
    await restRejects(verify.services(service.sid).verifications(first.sid).fetch(), 20404, 404);
    const b = nextNumber();
    await verify.services(service.sid).verifications.create({ to: b, channel: "sms" });
    const approved = await verify.services(service.sid).verifications(b).update({ status: "approved" });
    assert.equal(approved.status, "approved");
  });

  test("an old SID does not reach a newer verification for the same To", async () => {
    const service = await verify.services.create({ friendlyName: "Old SID" });
    const to = nextNumber();
    const first = await verify.services(service.sid).verifications.create({ to, channel: "sms" });
    await verify.services(service.sid).verifications(first.sid).update({ status: "canceled" });
    const second = await verify.services(service.sid).verifications.create({ to, channel: "sms" });
    assert.notEqual(second.sid, first.sid);
    await restRejects(verify.services(service.sid).verifications(first.sid).fetch(), 20404, 404);
    await restRejects(verify.services(service.sid).verificationChecks.create({ verificationSid: first.sid, code: await lastCode(to) }), 20404, 404);
    assert.equal((await verify.services(service.sid).verifications(second.sid).fetch()).status, "pending");
  });

  test("bad starts get 60200 naming the parameter", async () => {
    const service = await verify.services.create({ friendlyName: "Bad" });
    for (const [params, name] of [
      [{ to: "not a number", channel: "sms" }, "To"],
      [{ to: "650 555 0100", channel: "sms" }, "To"],
      [{ to: "someone@example.com", channel: "sms" }, "To"],
      [{ to: nextNumber(), channel: "pigeon" }, "Channel"],
      [{ to: "not-an-email", channel: "email" }, "To"],
      [{ to: nextNumber(), channel: "sms", templateSid: "HJnot-a-sid" }, "TemplateSid"],
    ]) {
      await assert.rejects(verify.services(service.sid).verifications.create(params), (e) => {
        assert.equal(e.code, 60200);
        assert.equal(e.message, `Invalid parameter: ${name}`);
        return true;
      });
    }
    await restRejects(verify.services("VA" + "0".repeat(32)).verifications.create({ to: nextNumber(), channel: "sms" }), 20404, 404);
  });

  test("email verifications go to the normalized address", async () => {
    const service = await verify.services.create({ friendlyName: "Email" });
    const v = await verify.services(service.sid).verifications.create({ to: "Ann@Example.ORG", channel: "email" });
    assert.equal(v.to, "Ann@example.org");
    assert.equal(v.channel, "email");
    assert.match(await lastCode("Ann@example.org"), /^\d{6}$/);
  });

  test("wrong credentials get 20003 (401), and the token never appears in an answer", async () => {
    await restRejects(client(worker.url, "wrong-token").services.list(), 20003, 401);
    const raw = await fetch(`${worker.url}/v2/Services`, { headers: { authorization: "Basic !!!" } });
    assert.equal(raw.status, 401);
    const body = await raw.text();
    assert.ok(!body.includes(AUTH_TOKEN));
    assert.ok(!worker.output().includes(AUTH_TOKEN), "the token is in the Worker's log");
  });

  test("sna: a check before the URL is invoked is pending with 60519; after it, a check with no code approves", async () => {
    const service = await verify.services.create({ friendlyName: "SNA" });
    const to = nextNumber();
    const started = await verify.services(service.sid).verifications.create({ to, channel: "sna" });
    assert.equal(started.channel, "sna");
    assert.match(started.sna.url, new RegExp(`^${worker.url}/sna/${started.sid}/[0-9a-f]{32}$`));
    const early = await verify.services(service.sid).verificationChecks.create({ to });
    assert.equal(early.status, "pending");
    assert.deepEqual(early.snaAttemptsErrorCodes.map((e) => e.code), [60519]);
    // The device: POST, following the carrier's redirects.
    const invoked = await fetch(started.sna.url, { method: "POST", redirect: "follow" });
    assert.equal(invoked.status, 200);
    assert.equal(await invoked.text(), "ErrorCode=0&ErrorDescription=Success&Carrier=SIMULATED");
    assert.ok(invoked.redirected, "through a redirect chain");
    const again = await fetch(started.sna.url);
    assert.match(await again.text(), /^ErrorCode=-10&/, "the URL is single-use");
    const checked = await verify.services(service.sid).verificationChecks.create({ to });
    assert.equal(checked.status, "approved");
  });

  test("sna with a client token: the check must repeat it; auto picks sna for a phone number", async () => {
    const service = await verify.services.create({ friendlyName: "SNA token" });
    const to = nextNumber();
    const started = await verify.services(service.sid).verifications.create({ to, channel: "auto", enableSnaClientToken: true });
    assert.equal(started.channel, "sna");
    const body = await (await fetch(started.sna.url)).text();
    const token = new URLSearchParams(body).get("SnaClientToken");
    assert.match(token, /^[0-9a-f]{32}$/);
    assert.equal((await verify.services(service.sid).verificationChecks.create({ to })).status, "pending");
    const checked = await verify.services(service.sid).verificationChecks.create({ to, snaClientToken: token });
    assert.equal(checked.status, "approved");
  });

  test("two racing checks with the right code approve once; two racing starts make one verification", async () => {
    const service = await verify.services.create({ friendlyName: "Races" });
    const to = nextNumber();
    const starts = await Promise.all([1, 2, 3].map(() => verify.services(service.sid).verifications.create({ to, channel: "sms" })));
    assert.equal(new Set(starts.map((s) => s.sid)).size, 1);
    const code = await lastCode(to);
    const checks = await Promise.allSettled([1, 2, 3, 4].map(() => verify.services(service.sid).verificationChecks.create({ to, code })));
    const approved = checks.filter((c) => c.status === "fulfilled" && c.value.status === "approved");
    assert.equal(approved.length, 1, JSON.stringify(checks.map((c) => c.status === "fulfilled" ? c.value.status : c.reason.code)));
    for (const c of checks.filter((c) => c.status === "rejected")) assert.equal(c.reason.code, 20404);
  });
});

describe("the engine's clock and storage", () => {
  test("a verification expires after its lifetime, the 404 says why, and the tombstone (and dev inbox) go after TOMBSTONE_SECONDS", async () => {
    const short = await startWrangler({ vars: { VERIFICATION_LIFETIME_SECONDS: "2", TOMBSTONE_SECONDS: "1" } });
    try {
      const v2 = client(short.url, AUTH_TOKEN);
      const service = await v2.services.create({ friendlyName: "Expiry" });
      const to = nextNumber();
      await v2.services(service.sid).verifications.create({ to, channel: "sms" });
      await new Promise((ok) => setTimeout(ok, 2500));
      const response = await fetch(`${short.url}/v2/Services/${service.sid}/VerificationCheck`, {
        method: "POST",
        headers: { authorization: `Basic ${btoa(`${ACCOUNT_SID}:${AUTH_TOKEN}`)}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ To: to, Code: "123456" }),
      });
      assert.equal(response.status, 404);
      const body = await response.json();
      assert.equal(body.code, 20404);
      assert.equal(body.details.reason, "VERIFICATION_EXPIRED");
      // Lifetime 2 s + tombstone 1 s: the record is deleted by the object's alarm, and the 404 no longer knows why.
      await new Promise((ok) => setTimeout(ok, 2500));
      const later = await fetch(`${short.url}/v2/Services/${service.sid}/Verifications/${encodeURIComponent(to)}`, {
        headers: { authorization: `Basic ${btoa(`${ACCOUNT_SID}:${AUTH_TOKEN}`)}` },
      });
      assert.equal(later.status, 404);
      assert.equal((await later.json()).details, undefined, "the tombstone is gone");
      assert.deepEqual(await devInbox(short.url, to), [], "the recipient's dev inbox goes with it");
    } finally {
      await short.stop();
    }
  });

  test("state persists across a restart of the Worker", async () => {
    const first = await startWrangler();
    const v2 = client(first.url, AUTH_TOKEN);
    const service = await v2.services.create({ friendlyName: "Persistent" });
    const to = nextNumber();
    const started = await v2.services(service.sid).verifications.create({ to, channel: "sms" });
    await first.stop();
    const second = await startWrangler({ persistDir: first.persist });
    try {
      const again = client(second.url, AUTH_TOKEN);
      assert.equal((await again.services(service.sid).fetch()).friendlyName, "Persistent");
      const fetched = await again.services(service.sid).verifications(started.sid).fetch();
      assert.equal(fetched.status, "pending");
      assert.equal(fetched.sid, started.sid);
    } finally {
      await second.stop();
    }
  });
});

describe("an engine with a delivery webhook and a failing carrier", () => {
  let gateway;
  let worker2;
  const received = [];
  let failing = false;
  /** How long the gateway holds each answer, in ms: a slow gateway. */
  let stallMs = 0;
  const WEBHOOK_SECRET = "gateway-signing-secret";
  before(async () => {
    // A stand-in for a self-hoster's SMS gateway: records what it is sent (and whether the signature holds, checked
    // with node:crypto as a gateway would), answers late, or fails, on demand.
    gateway = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", async () => {
        if (stallMs) await new Promise((ok) => setTimeout(ok, stallMs));
        if (failing) {
          res.writeHead(500).end("gateway down");
          return;
        }
        const [t, v1] = (req.headers["x-verify-edge-signature"] ?? "").split(",").map((p) => p.split("=")[1]);
        const expected = createHmac("sha256", WEBHOOK_SECRET).update(`${t}.${body}`).digest("hex");
        const signed = typeof v1 === "string" && v1.length === expected.length
          && timingSafeEqual(Buffer.from(v1), Buffer.from(expected)) && Math.abs(Date.now() / 1000 - Number(t)) < 300;
        received.push({ contentType: req.headers["content-type"], body: JSON.parse(body), signed });
        res.writeHead(204).end();
      });
    });
    const port = await freePort();
    await new Promise((ok) => gateway.listen(port, "127.0.0.1", ok));
    worker2 = await startWrangler({
      vars: {
        DELIVERY_WEBHOOK_URL: `http://127.0.0.1:${port}/deliver`, DELIVERY_WEBHOOK_SECRET: WEBHOOK_SECRET,
        DELIVERY_TIMEOUT_MS: "1500", SNA_SIMULATE_ERROR: "60500",
      },
    });
  });
  after(async () => {
    await worker2?.stop();
    gateway?.close();
  });

  test("each code is POSTed as JSON; a failing gateway fails the start and leaves nothing behind", async () => {
    const v2 = client(worker2.url, AUTH_TOKEN);
    const service = await v2.services.create({ friendlyName: "Gateway" });
    const to = nextNumber();
    const started = await v2.services(service.sid).verifications.create({ to, channel: "whatsapp", locale: "fr", customFriendlyName: "Acme" });
    assert.equal(received.length, 1);
    const sent = received[0];
    assert.equal(sent.contentType, "application/json");
    assert.equal(sent.signed, true, "the POST carries a valid X-Verify-Edge-Signature");
    assert.deepEqual(Object.keys(sent.body).sort(), ["channel", "code", "friendly_name", "locale", "to", "verification_sid"]);
    assert.equal(sent.body.to, to);
    assert.equal(sent.body.channel, "whatsapp");
    assert.equal(sent.body.locale, "fr");
    assert.equal(sent.body.friendly_name, "Acme");
    assert.equal(sent.body.verification_sid, started.sid);
    assert.equal((await v2.services(service.sid).verificationChecks.create({ to, code: sent.body.code })).status, "approved");

    failing = true;
    const other = nextNumber();
    await assert.rejects(v2.services(service.sid).verifications.create({ to: other, channel: "sms" }), (e) => {
      assert.equal(e.status, 502);
      assert.equal(e.code, 20500);
      return true;
    });
    failing = false;
    const retried = await v2.services(service.sid).verifications.create({ to: other, channel: "sms" });
    assert.equal(retried.sendCodeAttempts.length, 1, "the failed start left no verification");
    assert.equal(received.at(-1).body.verification_sid, retried.sid);
  });

  test("nothing that lands while the gateway is slow is lost or undone", async () => {
    const v2 = client(worker2.url, AUTH_TOKEN);
    const service = await v2.services.create({ friendlyName: "Slow gateway" });
    const verifications = v2.services(service.sid).verifications;
    const checks = v2.services(service.sid).verificationChecks;
    const to = nextNumber();
    await verifications.create({ to, channel: "sms" });
    const code = received.at(-1).body.code;
    // A resend whose delivery takes 800 ms; the right code is checked while it is out.
    stallMs = 800;
    const resend = verifications.create({ to, channel: "sms" });
    await new Promise((ok) => setTimeout(ok, 300));
    assert.equal((await checks.create({ to, code })).status, "approved");
    const resent = await resend;
    stallMs = 0;
    assert.equal(resent.sendCodeAttempts.length, 2);
    // The approval stands: the code does not approve a second time.
    await restRejects(checks.create({ to, code }), 20404, 404);

    // A resend whose gateway fails after a wrong check landed: the start is taken back, the wrong check stays.
    const other = nextNumber();
    await verifications.create({ to: other, channel: "sms" });
    const otherCode = received.at(-1).body.code;
    stallMs = 800;
    failing = true;
    const failed = verifications.create({ to: other, channel: "call" });
    await new Promise((ok) => setTimeout(ok, 300));
    assert.equal((await checks.create({ to: other, code: otherCode === "000000" ? "111111" : "000000" })).status, "pending");
    await restRejects(failed, 20500, 502);
    failing = false;
    stallMs = 0;
    const after = await verifications(encodeURIComponent(other)).fetch();
    assert.equal(after.sendCodeAttempts.length, 1, "the failed resend's send is taken back");
    assert.equal(after.channel, "sms");
    // Four more wrong checks end it: the one that landed during the delivery was counted.
    for (let i = 0; i < 3; i++) assert.equal((await checks.create({ to: other, code: "999999" })).status, "pending");
    assert.equal((await checks.create({ to: other, code: "999999" })).status, "max_attempts_reached");
  });

  test("a gateway that does not answer within DELIVERY_TIMEOUT_MS fails the start and leaves nothing", async () => {
    const v2 = client(worker2.url, AUTH_TOKEN);
    const service = await v2.services.create({ friendlyName: "Stalled gateway" });
    const to = nextNumber();
    stallMs = 4000;
    const began = Date.now();
    await assert.rejects(v2.services(service.sid).verifications.create({ to, channel: "sms" }), (e) => {
      assert.equal(e.code, 20500);
      assert.match(e.details?.description ?? "", /within 1500 ms/);
      return true;
    });
    stallMs = 0;
    assert.ok(Date.now() - began < 3500, "the timeout, not the gateway, ended the wait");
    await restRejects(v2.services(service.sid).verifications(encodeURIComponent(to)).fetch(), 20404, 404);
  });

  test("a failing carrier (SNA_SIMULATE_ERROR) leaves the verification pending with the carrier's code", async () => {
    const v2 = client(worker2.url, AUTH_TOKEN);
    const service = await v2.services.create({ friendlyName: "Carrier down" });
    const to = nextNumber();
    const started = await v2.services(service.sid).verifications.create({ to, channel: "sna" });
    const body = await (await fetch(started.sna.url, { method: "POST" })).text();
    assert.match(body, /^ErrorCode=-10&/);
    const checked = await v2.services(service.sid).verificationChecks.create({ to });
    assert.equal(checked.status, "pending");
    assert.deepEqual(checked.snaAttemptsErrorCodes.map((e) => e.code), [60500]);
  });
});
