// The demo: normalizes the phone field on every keystroke with the verify-edge npm package (built into ./pkg/).
import { normalizePhone, supportedRegions, VerifyEdgeError } from "./pkg/index.js";

const regionSelect = document.getElementById("region");
const phoneInput = document.getElementById("phone");
const result = document.getElementById("result");
const e164Output = document.getElementById("e164");
const details = document.getElementById("details");
const errorLine = document.getElementById("error");

// What each error code means to the person typing.
const ERROR_TEXT = {
  NOT_A_NUMBER: "That doesn't look like a phone number.",
  TOO_SHORT: "Too few digits for a phone number.",
  TOO_LONG: "Too many digits for a phone number.",
  INVALID_COUNTRY_CODE: "That country code doesn't exist.",
  MISSING_REGION: "Pick a country, or start the number with + and its country code.",
  UNKNOWN_REGION: "That country isn't supported.",
  INPUT_TOO_LONG: "That's far too long to be a phone number.",
  INVALID_FOR_REGION: "No number in that country looks like this.",
};

const regionName = new Intl.DisplayNames([navigator.language, "en"], { type: "region" });
const guess = (navigator.language.split("-")[1] ?? "US").toUpperCase();
for (const code of supportedRegions()) {
  const option = new Option(`${regionName.of(code) ?? code} (${code})`, code, false, code === guess);
  regionSelect.add(option);
}

function show() {
  const input = phoneInput.value;
  details.replaceChildren();
  errorLine.hidden = true;
  if (input.trim() === "") {
    result.dataset.state = "empty";
    e164Output.textContent = "—";
    return;
  }
  try {
    const number = normalizePhone(input, regionSelect.value);
    e164Output.textContent = number.e164;
    result.dataset.state = number.valid ? "valid" : "invalid";
    const rows = [
      ["Region", number.region ? `${regionName.of(number.region) ?? number.region} (${number.region})` : "none (global)"],
      ["Country code", `+${number.countryCode}`],
      ["National number", number.nationalNumber],
      ["Type", number.numberType.replaceAll("_", " ")],
      ["Valid", number.valid ? "yes" : `no: ${ERROR_TEXT[number.invalidReason] ?? number.invalidReason}`],
    ];
    for (const [term, value] of rows) {
      details.append(Object.assign(document.createElement("dt"), { textContent: term }));
      details.append(Object.assign(document.createElement("dd"), { textContent: value }));
    }
  } catch (error) {
    if (!(error instanceof VerifyEdgeError)) throw error;
    result.dataset.state = "error";
    e164Output.textContent = "—";
    errorLine.hidden = false;
    errorLine.dataset.code = error.code;
    errorLine.textContent = `${ERROR_TEXT[error.code] ?? error.message} (${error.code})`;
  }
}

phoneInput.addEventListener("input", show);
regionSelect.addEventListener("change", show);
document.getElementById("phone-form").addEventListener("submit", (event) => event.preventDefault());
document.getElementById("load-status").textContent = "Ready: the package is loaded.";
document.body.dataset.ready = "true";
show();
