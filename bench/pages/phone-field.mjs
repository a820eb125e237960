// A page with a phone field only: as-you-type formatting and the E.164 form, through the phone entry
// (`verify-edge/phone`). Bundled by bench/pages.mjs, never run.
import { AsYouType, normalizePhone } from "../../dist/npm/phone/index.js";

/** Formats the field as the user types and returns the number to send. */
export function phoneField(input, region) {
  const typing = new AsYouType(region);
  input.addEventListener("input", () => {
    typing.clear();
    input.value = typing.input(input.value);
  });
  return () => normalizePhone(input.value, region).e164;
}
