// The demo: the whole verification flow with the verify-edge npm package (built into ./pkg/). The phone field is
// formatted as you type and normalized on every keystroke; start, check, resend and silent network auth go through
// this Worker's public API. An approval's token is shown decoded, for reading only: the app's server verifies it.
// After an approval, an authenticator app can be enrolled (its QR code drawn by the package) and used to sign in.
import { AsYouType, normalizePhone, supportedRegions, VerifyClient, VerifyEdgeError } from "./pkg/index.js";

const $ = (id) => document.getElementById(id);
const regionSelect = $("region");
const phoneInput = $("phone");
const emailInput = $("email");
const result = $("result");
const e164Output = $("e164");
const details = $("details");
const errorLine = $("error");
const startForm = $("start-form");
const checkForm = $("check-form");
const outcome = $("outcome");
const fallback = $("fallback");
const approval = $("approval");

const client = new VerifyClient(location.origin);

// Authenticator apps and passkeys are entries of their own (`verify-edge/totp`, `verify-edge/passkey`, each its own
// wasm): the page imports each on first use, so a visitor who only verifies a number downloads neither.
let totpClient;
async function totp() {
  totpClient ??= new (await import("./pkg/totp/index.js")).TotpClient(location.origin);
  return totpClient;
}
let passkeyClient;
async function passkeys() {
  passkeyClient ??= new (await import("./pkg/passkey/index.js")).PasskeyClient(location.origin);
  return passkeyClient;
}

// What each phone error code means to the person typing (normalizePhone's codes, and 60200's `reason`).
const PHONE_TEXT = {
  NOT_A_NUMBER: "That doesn't look like a phone number.",
  TOO_SHORT: "Too few digits for a phone number.",
  TOO_LONG: "Too many digits for a phone number.",
  INVALID_COUNTRY_CODE: "That country code doesn't exist.",
  MISSING_REGION: "Pick a country, or start the number with + and its country code.",
  UNKNOWN_REGION: "That country isn't supported.",
  INPUT_TOO_LONG: "That's far too long to be a phone number.",
  INVALID_FOR_REGION: "No number in that country looks like this.",
  CHANNEL_MISMATCH: "That channel needs the other kind of address: a phone number, or an email address for email.",
};

const CHANNEL_NAME = { sms: "SMS", call: "a voice call", whatsapp: "WhatsApp", email: "email", sna: "silent network auth" };

const minutes = (seconds) => Math.max(1, Math.ceil(seconds / 60));

/** A sentence for every error the page can get: the API's Twilio codes, the client's own codes, SNA codes. */
function describe(error) {
  if (!(error instanceof VerifyEdgeError)) return `Something went wrong: ${error?.message ?? error}`;
  const wait = error.retryAfter ?? 600;
  switch (error.code) {
    case 60200:
      if (PHONE_TEXT[error.reason]) return PHONE_TEXT[error.reason];
      if (error.reason === "TOKEN_EXPIRED") return "The approval is more than a few minutes old: verify your number again.";
      if (error.reason?.startsWith("EMAIL_")) return "That email address doesn't look right.";
      if (error.message.endsWith(": code")) return "A code has 4 to 10 characters.";
      if (error.reason === "TURNSTILE_MISSING") return "Complete the bot check first.";
      return `Please check what you entered (${error.message}).`;
    case 60202: return `Too many wrong codes. Send a new code in about ${minutes(wait)} min.`;
    case 60203: return `Too many codes were sent to this recipient. Try again in about ${minutes(wait)} min.`;
    case 60212: return "A code is already on its way. Wait a moment and try again.";
    case 20429: return `Too many requests. Try again in ${wait} s.`;
    case 20404:
      if (error.reason === "NO_VERIFIED_FACTOR") return "No confirmed authenticator app yet: confirm it first.";
      if (error.reason === "NO_SUCH_FACTOR") return "That authenticator app isn't enrolled any more. Add it again.";
      return "This verification has expired, was already used, or ran out of tries. Send a new code.";
    case 60310: return "Too many wrong codes for this app. Add it again.";
    case 60204: return "This verification service doesn't support that option.";
    case 60205: return "That's a landline, which can't receive SMS. Try a voice call.";
    case 60223: return "This service has that delivery channel turned off. Try another.";
    case 60605:
      if (error.reason === "NUMBER_TYPE_REFUSED") return "Codes can't be sent to this kind of number (premium rate, shared cost…).";
      return "Codes can't be sent to this country on this channel. Try another channel.";
    case 60410: return "Codes to numbers like this one are paused for now. Try another channel or later.";
    case 60238: case 60413:
      return "Codes can't be sent to this number. Try another number or channel.";
    case 20403:
      if (error.reason === "TURNSTILE_FAILED") return "The bot check failed. Try it again.";
      return "This page isn't allowed to use this verification service.";
    case 20503: return "The bot check could not be completed. Try again in a moment.";
    case 20500: return "The verification service is misconfigured.";
    case 20413: case 20415: return "The request was malformed.";
    case 20502: return "The verification service is unavailable right now. Try again shortly.";
    case "PASSKEY_CANCELLED": return "No passkey was used (the prompt was closed, timed out, or found none for this site).";
    case "PASSKEY_ALREADY_REGISTERED": return "This device already has a passkey for you.";
    case "PASSKEY_WRONG_SITE": return "Passkeys here are for another site: open this page as http://localhost.";
    case "PASSKEY_INSECURE_CONTEXT": return "Passkeys need a secure page (https, or http://localhost).";
    case "PASSKEY_UNSUPPORTED": return "This browser or device can't use passkeys.";
    case "NETWORK_ERROR": return "Can't reach the verification service. Check your connection.";
    case "TIMEOUT": return "The verification service took too long to answer. Try again.";
    case "BAD_RESPONSE": return "The verification service answered something unexpected.";
    default:
      if (PHONE_TEXT[error.code]) return PHONE_TEXT[error.code];
      return `${error.message} (${error.code})`;
  }
}

/** What an SNA error code means, and what to do. */
const SNA_TEXT = {
  60500: "Your carrier says this phone's SIM has another number.",
  60510: "Silent network auth needs cellular data: turn off Wi-Fi and try again.",
  60511: "The carrier's check could not complete.",
  60517: "The carrier's check was interrupted.",
  60519: "Your carrier hasn't confirmed the number yet. On a phone, use cellular data (not Wi-Fi).",
  60520: "The carrier link failed or expired.",
  60531: "No mobile carrier was detected: silent network auth needs cellular data, not Wi-Fi.",
  60533: "The carrier's check could not complete.",
  60534: "The carrier's check failed.",
  60540: "Your carrier says this number is not valid.",
};

function say(kind, text, code) {
  outcome.hidden = false;
  outcome.dataset.kind = kind;
  outcome.dataset.code = code ?? "";
  outcome.textContent = text;
}

function fail(error) {
  say("error", describe(error), error instanceof VerifyEdgeError ? String(error.code) : "");
}

// --- the approval token ---

/** A JWT segment's text: base64url without padding, then UTF-8 (an email address in `sub` may not be ASCII). */
function base64urlText(segment) {
  const base64 = segment.replaceAll("-", "+").replaceAll("_", "/").padEnd(Math.ceil(segment.length / 4) * 4, "=");
  return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}

/**
 * Shows the approval token, and its header and claims decoded for people to read. Decoding checks nothing: the
 * app's server must verify the token against the Worker's /.well-known/jwks.json, never trust this page.
 */
function showApproval(token) {
  approval.hidden = !token;
  if (!token) return;
  $("token").textContent = token;
  try {
    const [header, claims, signature, ...rest] = token.split(".");
    if (signature === undefined || rest.length > 0) throw new Error("not three parts");
    $("token-header").textContent = JSON.stringify(JSON.parse(base64urlText(header)), null, 2);
    $("token-claims").textContent = JSON.stringify(JSON.parse(base64urlText(claims)), null, 2);
  } catch (error) {
    $("token-header").textContent = `This is not a JWT this page can read (${error.message}).`;
    $("token-claims").textContent = "";
  }
}

// --- the recipient ---

const regionName = new Intl.DisplayNames([navigator.language, "en"], { type: "region" });
const guess = (navigator.language.split("-")[1] ?? "US").toUpperCase();
for (const code of supportedRegions()) {
  regionSelect.add(new Option(`${regionName.of(code) ?? code} (${code})`, code, false, code === guess));
}

const channel = () => startForm.querySelector("input[name=channel]:checked").value;

function showNumber() {
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
      ["Valid", number.valid ? "yes" : `no: ${PHONE_TEXT[number.invalidReason] ?? number.invalidReason}`],
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
    errorLine.textContent = `${PHONE_TEXT[error.code] ?? error.message} (${error.code})`;
  }
}

let formatter = null;

/**
 * Formats the phone field as Google's as-you-type formatter would show the digits typed so far (a leading + kept).
 * Text with letters (vanity numbers, extensions) is left as typed. The caret stays after the same digit, so typing
 * at the end stays at the end.
 */
function formatAsTyped() {
  const value = phoneInput.value;
  if (/[^\d\s+()./-]/.test(value)) return;
  formatter ??= new AsYouType(regionSelect.value);
  const dialled = value.replace(/(?!^\+)[^\d]/g, "");
  if (dialled === "") return;
  const formatted = formatter.input(dialled);
  if (formatted === value) return;
  const caret = phoneInput.selectionStart ?? value.length;
  const digitsBefore = value.slice(0, caret).replace(/[^\d+]/g, "").length;
  phoneInput.value = formatted;
  let at = caret >= value.length ? formatted.length : 0;
  for (let seen = 0; at < formatted.length && seen < digitsBefore; at += 1) {
    if (/[\d+]/.test(formatted[at])) seen += 1;
  }
  phoneInput.setSelectionRange(at, at);
}

function showChannel() {
  const email = channel() === "email";
  $("phone-fields").hidden = email;
  $("email-fields").hidden = !email;
  $("sna-help").hidden = channel() !== "sna";
  $("start").textContent = channel() === "sna" ? "Verify silently" : "Send code";
}

// --- the flow ---

/** The verification under way: what started it, and its SID. */
let current = null;

function startParams(channelName = channel()) {
  return channelName === "email"
    ? { to: emailInput.value, channel: "email" }
    : { to: phoneInput.value, channel: channelName, defaultRegion: regionSelect.value };
}

/** The Turnstile token when the Worker asks for one (each token is good once: the widget is reset after use). */
function withBotCheck(params) {
  // `typeof` guards: the widget's script may not have loaded (blocked, offline).
  const widget = typeof window.turnstile?.getResponse === "function" ? window.turnstile : null;
  const token = widget?.getResponse() ?? startForm.querySelector("[name=cf-turnstile-response]")?.value;
  widget?.reset();
  return token ? { ...params, turnstileToken: token } : params;
}

/** What this Worker asks of pages: a Turnstile widget when it checks for bots, and whether the dev inbox is on. */
async function loadConfig() {
  const config = await fetch("/verify/config").then((r) => (r.ok ? r.json() : {}), () => ({}));
  if (config.turnstileSiteKey) {
    const widget = Object.assign(document.createElement("div"), { className: "cf-turnstile" });
    widget.dataset.sitekey = config.turnstileSiteKey;
    $("start").before(widget);
    const script = Object.assign(document.createElement("script"), {
      src: "https://challenges.cloudflare.com/turnstile/v0/api.js", async: true, defer: true,
    });
    document.head.append(script);
  }
  return config;
}
const config = loadConfig();

async function busy(button, work) {
  button.disabled = true;
  try {
    await work();
  } catch (error) {
    fail(error);
  } finally {
    button.disabled = false;
  }
}

async function showDevInbox(to) {
  $("dev-inbox").hidden = !(await config).devInbox;
  $("dev-inbox-link").href = `/dev/inbox?to=${encodeURIComponent(to)}`;
}

async function start(params) {
  outcome.hidden = true;
  fallback.hidden = true;
  approval.hidden = true;
  authenticator.hidden = true;
  if (params.channel === "sna") return silently(params);
  const verification = await client.start(withBotCheck(params));
  current = { params, verification };
  startForm.hidden = true;
  checkForm.hidden = false;
  $("sent-to").textContent = `A code is on its way to ${verification.to} by ${CHANNEL_NAME[verification.channel]}.`;
  $("code").value = "";
  $("code").focus();
  await showDevInbox(verification.to);
}

async function silently(params) {
  say("info", "Asking your carrier…");
  const sna = await client.verifySna(normalizePhone(params.to, params.defaultRegion).e164, withBotCheck({}));
  current = { params, verification: { sid: sna.sid } };
  if (sna.outcome === "approved") {
    say("success", "Verified: your carrier confirmed the number.", "approved");
    showApproval(sna.token);
    offerAuthenticator(sna.token);
    return;
  }
  const text = SNA_TEXT[sna.snaErrorCode] ?? `Silent network auth didn't confirm the number (${sna.snaErrorCode ?? sna.invocationError ?? "no answer"}).`;
  say(sna.outcome === "pending" ? "warning" : "error", text, String(sna.snaErrorCode ?? sna.outcome));
  fallback.hidden = !sna.fallbackAllowed;
}

async function check() {
  const code = $("code").value.trim();
  const result = await client.check({ verificationSid: current.verification.sid, code });
  if (result.status === "approved") {
    checkForm.hidden = true;
    startForm.hidden = false;
    say("success", `Verified: ${current.verification.to} is yours.`, "approved");
    showApproval(result.token);
    offerAuthenticator(result.token);
    current = null;
  } else {
    say("warning", "That code isn't right. Check it and try again.", "pending");
    $("code").select();
  }
}

// --- an authenticator app, for the number just verified ---

/** The approval token of the latest verification: here it is what vouches for whom the app is enrolled. */
let identityToken = null;
let factorSid = null;
const authenticator = $("authenticator");

function offerAuthenticator(token) {
  identityToken = token;
  $("passkey-register").hidden = !token;
  factorSid = null;
  authenticator.hidden = !token;
  $("totp-enroll").hidden = false;
  $("totp-confirm-form").hidden = true;
  $("totp-signin-form").hidden = true;
}

async function enrollTotp() {
  const enrollment = await (await totp()).enrollTotp({ identityToken, friendlyName: "verify-edge demo" });
  factorSid = enrollment.factorSid;
  // The package's SVG, parsed as SVG (not HTML) and adopted: nothing in it runs.
  const svg = new DOMParser().parseFromString(enrollment.qrSvg, "image/svg+xml").documentElement;
  $("totp-qr").replaceChildren(document.importNode(svg, true));
  $("totp-secret").textContent = enrollment.secret;
  $("totp-enroll").hidden = true;
  $("totp-confirm-form").hidden = false;
  $("totp-confirm-code").value = "";
  $("totp-confirm-code").focus();
  say("info", "Scan the code, then type the code the app shows.", "enrolled");
}

async function confirmTotp() {
  const factor = await (await totp()).confirmTotp({ identityToken, factorSid, code: $("totp-confirm-code").value.trim() });
  if (factor.status !== "verified") {
    say("warning", "That code isn't right. Check the app and try again.", "unverified");
    $("totp-confirm-code").select();
    return;
  }
  $("totp-confirm-form").hidden = true;
  $("totp-signin-form").hidden = false;
  $("totp-code").value = "";
  $("totp-code").focus();
  say("success", "The authenticator app is confirmed.", "verified");
}

async function checkTotp() {
  const result = await (await totp()).checkTotp({ identityToken, code: $("totp-code").value.trim() });
  if (result.status === "approved") {
    say("success", "Signed in with the authenticator app.", "totp-approved");
    showApproval(result.token);
  } else {
    say("warning", "That code isn't right (or was already used). Wait for the next one.", "totp-pending");
    $("totp-code").select();
  }
}

// --- passkeys: add one for the number just verified; sign in with any passkey of this site ---

async function registerPasskey() {
  await (await passkeys()).registerPasskey({ identityToken });
  say("success", "Passkey added. Sign in with it any time, even after a reload.", "passkey-registered");
}

async function signInWithPasskey() {
  approval.hidden = true;
  const result = await (await passkeys()).signInWithPasskey();
  say("success", "Signed in with your passkey.", "passkey-approved");
  showApproval(result.token);
}

async function resend() {
  const verification = await client.start(withBotCheck(current.params));
  current.verification = verification;
  say("info", `Sent again (${verification.sendCodeAttempts} sent so far).`, "resent");
}

phoneInput.addEventListener("input", () => {
  formatAsTyped();
  showNumber();
});
regionSelect.addEventListener("change", () => {
  formatter?.free();
  formatter = new AsYouType(regionSelect.value);
  formatAsTyped();
  showNumber();
});
$("channels").addEventListener("change", showChannel);
startForm.addEventListener("submit", (event) => {
  event.preventDefault();
  busy($("start"), () => start(startParams()));
});
checkForm.addEventListener("submit", (event) => {
  event.preventDefault();
  busy($("check"), check);
});
$("resend").addEventListener("click", () => busy($("resend"), resend));
$("totp-enroll").addEventListener("click", () => busy($("totp-enroll"), enrollTotp));
$("passkey-register").addEventListener("click", () => busy($("passkey-register"), registerPasskey));
$("passkey-signin").addEventListener("click", () => busy($("passkey-signin"), signInWithPasskey));
$("totp-confirm-form").addEventListener("submit", (event) => {
  event.preventDefault();
  busy($("totp-confirm"), confirmTotp);
});
$("totp-signin-form").addEventListener("submit", (event) => {
  event.preventDefault();
  busy($("totp-check"), checkTotp);
});
$("restart").addEventListener("click", () => {
  checkForm.hidden = true;
  startForm.hidden = false;
  outcome.hidden = true;
  approval.hidden = true;
  current = null;
});
fallback.addEventListener("click", () => busy(fallback, () => start({ ...current.params, channel: "sms" })));

$("load-status").textContent = "Ready: the package is loaded.";
document.body.dataset.ready = "true";
showChannel();
showNumber();
