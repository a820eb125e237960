// A page that enrolls an authenticator app and signs in with it, through `verify-edge/totp` only (its identity
// token comes from an earlier verification or the app's server). Bundled by bench/pages.mjs, never run.
import { TotpClient } from "../../dist/npm/totp/index.js";

/** Enrolls an app (showing its QR code), confirms it, and signs in with a code. */
export function authenticatorApp({ qr, code, confirm, signIn }, identityToken) {
  const totp = new TotpClient("/api");
  let factorSid = null;
  return {
    async enroll() {
      const enrollment = await totp.enrollTotp({ identityToken, friendlyName: "Laptop" });
      factorSid = enrollment.factorSid;
      qr.innerHTML = enrollment.qrSvg;
      confirm.onclick = () => totp.confirmTotp({ identityToken, factorSid, code: code.value });
      signIn.onclick = async () => (await totp.checkTotp({ identityToken, code: code.value })).token;
    },
  };
}
