// The whole verification flow as issue 22 counts it: the phone field (as-you-type), VerifyClient's start, check and
// status, and Silent Network Auth, through the main entry (`verify-edge`). Bundled by bench/pages.mjs, never run.
import { AsYouType, VerifyClient, normalizePhone } from "../../dist/npm/index.js";

/** Wires a phone field, a code field and the three buttons of a verification form. */
export function verificationForm({ phone, code, send, confirm, silent }, region) {
  const typing = new AsYouType(region);
  phone.addEventListener("input", () => {
    typing.clear();
    phone.value = typing.input(phone.value);
  });
  const client = new VerifyClient("/api");
  let sid = null;
  send.onclick = async () => {
    const to = normalizePhone(phone.value, region).e164;
    sid = (await client.start({ to, channel: "sms" })).sid;
  };
  confirm.onclick = async () => {
    const check = await client.check({ verificationSid: sid, code: code.value });
    if (check.status !== "approved") return (await client.status(sid)).status;
    return check.token;
  };
  silent.onclick = async () => (await client.verifySna(phone.value, { defaultRegion: region })).token;
}
