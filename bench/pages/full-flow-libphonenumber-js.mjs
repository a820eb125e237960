// The full-flow page written without verify-edge, as issue 22 compares: libphonenumber-js (max metadata, with
// as-you-type) for the field, and a few lines of fetch for the Worker's public API and the request to `sna.url`.
// Bundled by bench/pages.mjs, never run.
import { AsYouType, parsePhoneNumber } from "libphonenumber-js/max";

async function call(path, body) {
  const response = await fetch(`/api${path}`, {
    method: body ? "POST" : "GET",
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  const answer = await response.json();
  if (!response.ok) throw Object.assign(new Error(answer.message), { code: answer.code, status: response.status });
  return answer;
}

/** Wires a phone field, a code field and the three buttons of a verification form. */
export function verificationForm({ phone, code, send, confirm, silent }, region) {
  phone.addEventListener("input", () => {
    phone.value = new AsYouType(region).input(phone.value);
  });
  const e164 = () => parsePhoneNumber(phone.value, region).number;
  let sid = null;
  send.onclick = async () => {
    sid = (await call("/verify/start", { to: e164(), channel: "sms" })).sid;
  };
  confirm.onclick = async () => {
    const check = await call("/verify/check", { verificationSid: sid, code: code.value });
    if (check.status !== "approved") return (await call(`/verify/status/${encodeURIComponent(sid)}`)).status;
    return check.token;
  };
  silent.onclick = async () => {
    const started = await call("/verify/start", { to: e164(), channel: "sna" });
    await fetch(started.sna.url, { method: "POST", mode: "no-cors", redirect: "follow", signal: AbortSignal.timeout(10_000) })
      .catch(() => {});
    return (await call("/verify/check", { verificationSid: started.sid })).token;
  };
}
