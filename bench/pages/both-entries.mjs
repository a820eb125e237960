// A page that imports both entries: the phone field from `verify-edge/phone` (as a page that started with the
// phone entry does) and VerifyClient from `verify-edge`. Bundled by bench/pages.mjs, never run.
import { AsYouType } from "../../dist/npm/phone/index.js";
import { VerifyClient } from "../../dist/npm/index.js";

/** Wires a phone field and a send button. */
export function verificationForm({ phone, send }, region) {
  const typing = new AsYouType(region);
  phone.addEventListener("input", () => {
    typing.clear();
    phone.value = typing.input(phone.value);
  });
  const client = new VerifyClient("/api");
  send.onclick = () => client.start({ to: phone.value, channel: "sms", defaultRegion: region });
}
