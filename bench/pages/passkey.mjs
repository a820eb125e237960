// A page that registers a passkey and signs in with one, through `verify-edge/passkey` only. Bundled by
// bench/pages.mjs, never run.
import { PasskeyClient, isPasskeyAutofillAvailable } from "../../dist/npm/passkey/index.js";

/** Wires passkey registration and sign-in (with autofill where the browser offers it). */
export async function passkeyButtons({ register, signIn }, identityToken) {
  const passkeys = new PasskeyClient("/api");
  register.onclick = () => passkeys.registerPasskey({ identityToken });
  signIn.onclick = async () => (await passkeys.signInWithPasskey()).token;
  if (await isPasskeyAutofillAvailable()) return passkeys.signInWithPasskey({ mediation: "conditional" });
  return null;
}
