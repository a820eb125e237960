//! Passkeys in the page, the package's `verify-edge/passkey` entry (its own wasm, paid for only by pages that use
//! passkeys): the device's half of WebAuthn, and `PasskeyClient` for the Worker's `/verify/passkey/*` routes.
//! `createPasskey(options)` and `getPasskey(options)` take the options a Verify service answers (JSON, binary
//! members base64url, with or without the `publicKey` wrapper), call `navigator.credentials.create()` / `.get()`,
//! and resolve with the credential as JSON (the `RegistrationResponseJSON` / `AuthenticationResponseJSON` shapes,
//! base64url), ready to send back: the boilerplate every integrator otherwise writes by hand. The browser's
//! refusals become `VerifyEdgeError`s with codes for the cases people hit (`PASSKEY_CANCELLED`,
//! `PASSKEY_WRONG_SITE`, `PASSKEY_INSECURE_CONTEXT`, ...).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize, Serializer};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::endpoint::{Endpoint, VerifyClientOptions};
use super::error::{client_error, ClientErrorCode, VerifyEdgeError};
use super::js_values::{json_of, promise, read_options, to_js};

/// A relying party, as creation options name it.
#[derive(Debug, Clone, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PasskeyRelyingParty {
    /// The RP ID (a domain); the page's own when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub id: Option<String>,
    /// The name authenticators show.
    pub name: String,
}

/// The user a passkey is created for.
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PasskeyUser {
    /// The user handle, base64url (a Verify Entity's SID).
    pub id: String,
    /// The account name.
    pub name: String,
    /// The name shown.
    pub display_name: String,
}

/// An algorithm offered (`{type: "public-key", alg: -7}`).
#[derive(Debug, Clone, Serialize, Deserialize, Tsify)]
pub struct PasskeyAlgorithm {
    /// `public-key`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A COSE algorithm: -7 (ES256), -8 (EdDSA), -257 (RS256).
    pub alg: i32,
}

/// A credential to exclude or to allow, by id.
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PasskeyDescriptor {
    /// `public-key`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The credential id, base64url.
    pub id: String,
    /// Transports the authenticator reported.
    #[serde(default)]
    #[tsify(optional)]
    pub transports: Option<Vec<String>>,
}

/// Which authenticators, and what they must do.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PasskeyAuthenticatorSelection {
    /// `platform` or `cross-platform`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub authenticator_attachment: Option<String>,
    /// `required`, `preferred` or `discouraged`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub resident_key: Option<String>,
    /// Level 1's flag for a required resident key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub require_resident_key: Option<bool>,
    /// `required`, `preferred` or `discouraged`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub user_verification: Option<String>,
}

/// `navigator.credentials.create()`'s options as JSON (`PublicKeyCredentialCreationOptionsJSON`).
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PasskeyCreationOptions {
    /// The relying party.
    pub rp: PasskeyRelyingParty,
    /// The user.
    pub user: PasskeyUser,
    /// The challenge, base64url.
    pub challenge: String,
    /// The algorithms offered.
    pub pub_key_cred_params: Vec<PasskeyAlgorithm>,
    /// Milliseconds.
    #[serde(default)]
    #[tsify(optional)]
    pub timeout: Option<f64>,
    /// Credentials the user already has here (not created twice).
    #[serde(default)]
    #[tsify(optional)]
    pub exclude_credentials: Option<Vec<PasskeyDescriptor>>,
    /// The authenticator criteria.
    #[serde(default)]
    #[tsify(optional)]
    pub authenticator_selection: Option<PasskeyAuthenticatorSelection>,
    /// `none` (what Verify asks), `indirect`, `direct` or `enterprise`.
    #[serde(default)]
    #[tsify(optional)]
    pub attestation: Option<String>,
}

/// `navigator.credentials.get()`'s options as JSON (`PublicKeyCredentialRequestOptionsJSON`).
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PasskeyRequestOptions {
    /// The challenge, base64url.
    pub challenge: String,
    /// Milliseconds.
    #[serde(default)]
    #[tsify(optional)]
    pub timeout: Option<f64>,
    /// The RP ID; the page's own when absent.
    #[serde(default)]
    #[tsify(optional)]
    pub rp_id: Option<String>,
    /// The credentials that may answer; none for a discoverable sign-in.
    #[serde(default)]
    #[tsify(optional)]
    pub allow_credentials: Option<Vec<PasskeyDescriptor>>,
    /// `required`, `preferred` or `discouraged`.
    #[serde(default)]
    #[tsify(optional)]
    pub user_verification: Option<String>,
}

/// Creation options as a Verify answer carries them: `{publicKey: {...}}`, or the inner object.
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(untagged)]
pub enum PasskeyCreationInput {
    /// `{publicKey: {...}}`, as Verify's `options`.
    #[serde(rename_all = "camelCase")]
    Wrapped {
        /// The options.
        public_key: PasskeyCreationOptions,
    },
    /// The options themselves.
    Bare(PasskeyCreationOptions),
}

/// Request options as a Verify answer carries them: `{publicKey: {...}}`, or the inner object.
#[derive(Debug, Clone, Deserialize, Tsify)]
#[serde(untagged)]
pub enum PasskeyRequestInput {
    /// `{publicKey: {...}}`, as Verify's `options`.
    #[serde(rename_all = "camelCase")]
    Wrapped {
        /// The options.
        public_key: PasskeyRequestOptions,
    },
    /// The options themselves.
    Bare(PasskeyRequestOptions),
}

/// How `getPasskey` asks.
#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GetPasskeyOptions {
    /// `conditional` for passkey autofill (the username field offers the passkeys; put
    /// `autocomplete="username webauthn"` on it and check `isPasskeyAutofillAvailable()` first); by default the
    /// browser's modal prompt.
    #[serde(default)]
    #[tsify(optional)]
    pub mediation: Option<String>,
}

/// What `createPasskey` resolves with (`RegistrationResponseJSON`): send it to Verify's `VerifyFactor`.
#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PasskeyRegistration {
    /// The credential id, base64url.
    pub id: String,
    /// The same, as `rawId`.
    pub raw_id: String,
    /// `public-key`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `platform` or `cross-platform`, when the browser says.
    pub authenticator_attachment: Option<String>,
    /// The authenticator's answer.
    pub response: PasskeyAttestationResponse,
}

/// The registration's `response`.
#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PasskeyAttestationResponse {
    /// base64url.
    #[serde(rename = "clientDataJSON")]
    pub client_data_json: String,
    /// base64url.
    pub attestation_object: String,
    /// How the authenticator can be reached (`internal`, `hybrid`, `usb`, ...).
    pub transports: Vec<String>,
}

/// What `getPasskey` resolves with (`AuthenticationResponseJSON`): send it to Verify's `ApproveChallenge`.
#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PasskeyAssertion {
    /// The credential id, base64url.
    pub id: String,
    /// The same, as `rawId`.
    pub raw_id: String,
    /// `public-key`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `platform` or `cross-platform`, when the browser says.
    pub authenticator_attachment: Option<String>,
    /// The authenticator's answer.
    pub response: PasskeyAssertionResponse,
}

/// The sign-in's `response`.
#[derive(Debug, Clone, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PasskeyAssertionResponse {
    /// base64url.
    #[serde(rename = "clientDataJSON")]
    pub client_data_json: String,
    /// base64url.
    pub authenticator_data: String,
    /// base64url.
    pub signature: String,
    /// The user handle (a discoverable passkey says whose it is), base64url; null otherwise.
    pub user_handle: Option<String>,
}

/// A base64url member as the bytes WebAuthn wants (a `Uint8Array` once serialized for the browser).
fn bytes_of(member: &str, text: &str) -> Result<Bytes, VerifyEdgeError> {
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map(Bytes)
        .map_err(|_| {
            client_error(
                ClientErrorCode::InvalidArgument,
                &format!("options: `{member}` must be base64url"),
                None,
                None,
            )
        })
}

/// Bytes that serialize as a `Uint8Array`.
#[derive(Debug, Clone)]
struct Bytes(Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsUser {
    id: Bytes,
    name: String,
    display_name: String,
}

#[derive(Serialize)]
struct JsDescriptor {
    #[serde(rename = "type")]
    kind: String,
    id: Bytes,
    #[serde(skip_serializing_if = "Option::is_none")]
    transports: Option<Vec<String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsCreation {
    rp: PasskeyRelyingParty,
    user: JsUser,
    challenge: Bytes,
    pub_key_cred_params: Vec<PasskeyAlgorithm>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout: Option<f64>,
    exclude_credentials: Vec<JsDescriptor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authenticator_selection: Option<PasskeyAuthenticatorSelection>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attestation: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsRequest {
    challenge: Bytes,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rp_id: Option<String>,
    allow_credentials: Vec<JsDescriptor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_verification: Option<String>,
}

fn descriptors(
    member: &str,
    list: Option<Vec<PasskeyDescriptor>>,
) -> Result<Vec<JsDescriptor>, VerifyEdgeError> {
    list.unwrap_or_default()
        .into_iter()
        .map(|d| {
            Ok(JsDescriptor {
                kind: d.kind,
                id: bytes_of(member, &d.id)?,
                transports: d.transports,
            })
        })
        .collect()
}

fn invalid_options(error: &serde_json::Error) -> VerifyEdgeError {
    client_error(
        ClientErrorCode::InvalidArgument,
        &format!("options are not WebAuthn's JSON options: {error}"),
        None,
        None,
    )
}

/// Creates a passkey (`navigator.credentials.create()`) from a Verify service's creation `options` (with or
/// without the `publicKey` wrapper); resolves with the credential as JSON for `VerifyFactor`. Rejects with
/// `PASSKEY_CANCELLED` (the user dismissed the prompt, or it timed out), `PASSKEY_ALREADY_REGISTERED` (an
/// excluded credential is on this authenticator), `PASSKEY_WRONG_SITE` (the RP ID is not this page's domain),
/// `PASSKEY_INSECURE_CONTEXT` (not https or localhost), `PASSKEY_UNSUPPORTED`, or `INVALID_ARGUMENT`.
#[wasm_bindgen(js_name = createPasskey, unchecked_return_type = "Promise<PasskeyRegistration>")]
pub fn create_passkey(options: Ts<PasskeyCreationInput>) -> js_sys::Promise {
    let options = options.js_value();
    promise(async move { to_js(&create(&json_of(&options)).await?) })
}

/// `navigator.credentials.create()` from creation options as JSON.
pub(super) async fn create(options: &[u8]) -> Result<PasskeyRegistration, VerifyEdgeError> {
    let input: PasskeyCreationInput =
        serde_json::from_slice(options).map_err(|e| invalid_options(&e))?;
    let (PasskeyCreationInput::Wrapped { public_key: o } | PasskeyCreationInput::Bare(o)) = input;
    let public_key = JsCreation {
        user: JsUser {
            id: bytes_of("user.id", &o.user.id)?,
            name: o.user.name,
            display_name: o.user.display_name,
        },
        challenge: bytes_of("challenge", &o.challenge)?,
        exclude_credentials: descriptors("excludeCredentials", o.exclude_credentials)?,
        rp: o.rp,
        pub_key_cred_params: o.pub_key_cred_params,
        timeout: o.timeout,
        authenticator_selection: o.authenticator_selection,
        attestation: o.attestation,
    };
    let credential = call_credentials("create", &public_key, None).await?;
    let response = member(&credential, "response")?;
    let transports = js_sys::Reflect::get(&response, &"getTransports".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(&response).ok())
        .map(|list| {
            js_sys::Array::from(&list)
                .iter()
                .filter_map(|t| t.as_string())
                .collect()
        })
        .unwrap_or_default();
    let raw_id = buffer(&credential, "rawId")?;
    Ok(PasskeyRegistration {
        id: raw_id.clone(),
        raw_id,
        kind: "public-key".to_owned(),
        authenticator_attachment: text(&credential, "authenticatorAttachment"),
        response: PasskeyAttestationResponse {
            client_data_json: buffer(&response, "clientDataJSON")?,
            attestation_object: buffer(&response, "attestationObject")?,
            transports,
        },
    })
}

/// Signs in with a passkey (`navigator.credentials.get()`) from a Verify service's request `options` (with or
/// without the `publicKey` wrapper); resolves with the assertion as JSON for `ApproveChallenge`. With
/// `{mediation: "conditional"}` it waits for the user to pick a passkey from the username field's autofill.
/// Rejects as `createPasskey` does; `PASSKEY_CANCELLED` also covers "no passkey for this site" (browsers do not
/// tell the two apart, by design).
#[wasm_bindgen(js_name = getPasskey, unchecked_return_type = "Promise<PasskeyAssertion>")]
pub fn get_passkey(
    options: Ts<PasskeyRequestInput>,
    ceremony: Option<Ts<GetPasskeyOptions>>,
) -> js_sys::Promise {
    let options = options.js_value();
    let ceremony = read_options(ceremony);
    promise(async move { to_js(&get(&json_of(&options), ceremony?.mediation.as_deref()).await?) })
}

/// `navigator.credentials.get()` from request options as JSON, with `mediation` if any.
pub(super) async fn get(
    options: &[u8],
    mediation: Option<&str>,
) -> Result<PasskeyAssertion, VerifyEdgeError> {
    let input: PasskeyRequestInput =
        serde_json::from_slice(options).map_err(|e| invalid_options(&e))?;
    let (PasskeyRequestInput::Wrapped { public_key: o } | PasskeyRequestInput::Bare(o)) = input;
    let public_key = JsRequest {
        challenge: bytes_of("challenge", &o.challenge)?,
        timeout: o.timeout,
        rp_id: o.rp_id,
        allow_credentials: descriptors("allowCredentials", o.allow_credentials)?,
        user_verification: o.user_verification,
    };
    let mediation = match mediation {
        None => None,
        Some(m @ ("conditional" | "optional" | "required" | "silent")) => Some(m),
        Some(_) => {
            return Err(client_error(
                ClientErrorCode::InvalidArgument,
                "mediation must be conditional, optional, required or silent",
                None,
                None,
            ))
        }
    };
    let credential = call_credentials("get", &public_key, mediation).await?;
    let response = member(&credential, "response")?;
    let user_handle = js_sys::Reflect::get(&response, &"userHandle".into())
        .ok()
        .filter(|h| !h.is_null() && !h.is_undefined())
        .map(|h| URL_SAFE_NO_PAD.encode(js_sys::Uint8Array::new(&h).to_vec()));
    let raw_id = buffer(&credential, "rawId")?;
    Ok(PasskeyAssertion {
        id: raw_id.clone(),
        raw_id,
        kind: "public-key".to_owned(),
        authenticator_attachment: text(&credential, "authenticatorAttachment"),
        response: PasskeyAssertionResponse {
            client_data_json: buffer(&response, "clientDataJSON")?,
            authenticator_data: buffer(&response, "authenticatorData")?,
            signature: buffer(&response, "signature")?,
            user_handle,
        },
    })
}

/// Whether the browser offers passkeys in autofill (`getPasskey(options, {mediation: "conditional"})`).
#[wasm_bindgen(js_name = isPasskeyAutofillAvailable, unchecked_return_type = "Promise<boolean>")]
pub fn is_passkey_autofill_available() -> js_sys::Promise {
    promise(async move {
        let global = js_sys::global();
        let class =
            js_sys::Reflect::get(&global, &"PublicKeyCredential".into()).unwrap_or_default();
        let check = js_sys::Reflect::get(&class, &"isConditionalMediationAvailable".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        let Some(check) = check else {
            return Ok(JsValue::FALSE);
        };
        let answer = check.call0(&class).map_err(|e| browser_error(&e))?;
        let answer = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&answer))
            .await
            .map_err(|e| browser_error(&e))?;
        Ok(JsValue::from_bool(answer.is_truthy()))
    })
}

/// `navigator.credentials[method]({publicKey, mediation})`, after checking the page can ask at all.
async fn call_credentials(
    method: &str,
    public_key: &impl Serialize,
    mediation: Option<&str>,
) -> Result<JsValue, VerifyEdgeError> {
    let global = js_sys::global();
    let secure = js_sys::Reflect::get(&global, &"isSecureContext".into())
        .map(|v| v.is_truthy())
        .unwrap_or(false);
    if !secure {
        return Err(client_error(
            ClientErrorCode::PasskeyInsecureContext,
            "passkeys need a secure page: https, or http://localhost",
            None,
            None,
        ));
    }
    let credentials = js_sys::Reflect::get(&global, &"navigator".into())
        .and_then(|n| js_sys::Reflect::get(&n, &"credentials".into()))
        .ok()
        .filter(|c| !c.is_undefined() && !c.is_null());
    let function = credentials
        .as_ref()
        .and_then(|c| js_sys::Reflect::get(c, &method.into()).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let (Some(credentials), Some(function)) = (credentials, function) else {
        return Err(client_error(
            ClientErrorCode::PasskeyUnsupported,
            "this browser has no WebAuthn (navigator.credentials)",
            None,
            None,
        ));
    };
    let public_key = super::js_ser::to_js_value(public_key, super::js_ser::Absent::Undefined)
        .map_err(|e| super::error::internal_error(&e))?;
    let request = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&request, &key.into(), value);
    set("publicKey", &public_key).map_err(|e| browser_error(&e))?;
    if let Some(mediation) = mediation {
        set("mediation", &mediation.into()).map_err(|e| browser_error(&e))?;
    }
    let pending = function
        .call1(&credentials, &request)
        .map_err(|e| browser_error(&e))?;
    let credential = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&pending))
        .await
        .map_err(|e| browser_error(&e))?;
    if credential.is_null() || credential.is_undefined() {
        return Err(client_error(
            ClientErrorCode::PasskeyCancelled,
            "no passkey was chosen",
            None,
            None,
        ));
    }
    Ok(credential)
}

/// The browser's refusal (a `DOMException`) as the package's code.
fn browser_error(error: &JsValue) -> VerifyEdgeError {
    let name = text(error, "name").unwrap_or_default();
    let (code, message) = match name.as_str() {
        "NotAllowedError" => (
            ClientErrorCode::PasskeyCancelled,
            "the passkey prompt was dismissed, timed out, or found no passkey for this site",
        ),
        "InvalidStateError" => (
            ClientErrorCode::PasskeyAlreadyRegistered,
            "this authenticator already holds a passkey for this account",
        ),
        "SecurityError" => (
            ClientErrorCode::PasskeyWrongSite,
            "the relying party id is not this page's domain (or a parent of it)",
        ),
        "NotSupportedError" => (
            ClientErrorCode::PasskeyUnsupported,
            "no authenticator here supports what the options ask for",
        ),
        "AbortError" => (
            ClientErrorCode::PasskeyCancelled,
            "the passkey request was aborted",
        ),
        _ => (
            ClientErrorCode::PasskeyFailed,
            "the browser refused the passkey request",
        ),
    };
    client_error(code, message, None, Some(error))
}

fn member(object: &JsValue, name: &str) -> Result<JsValue, VerifyEdgeError> {
    js_sys::Reflect::get(object, &name.into())
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
        .ok_or_else(|| {
            client_error(
                ClientErrorCode::PasskeyFailed,
                &format!("the browser's credential has no {name}"),
                None,
                None,
            )
        })
}

/// An `ArrayBuffer` member, base64url.
fn buffer(object: &JsValue, name: &str) -> Result<String, VerifyEdgeError> {
    let value = member(object, name)?;
    Ok(URL_SAFE_NO_PAD.encode(js_sys::Uint8Array::new(&value).to_vec()))
}

fn text(object: &JsValue, name: &str) -> Option<String> {
    js_sys::Reflect::get(object, &name.into())
        .ok()
        .and_then(|v| v.as_string())
}

/// What `registerPasskey` takes.
#[derive(Debug, Clone, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterPasskeyParams {
    /// Whom the passkey is for: an approval token from `check`, or your server's identity token (see the README).
    pub identity_token: String,
    /// The account name the authenticator shows; the identity's `sub` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub user_name: Option<String>,
}

/// What `signInWithPasskey` takes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignInWithPasskeyParams {
    /// Whom it is for; none for a discoverable sign-in (the passkey says whose it is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub identity_token: Option<String>,
    /// `conditional` for passkey autofill in the username field; the browser's modal prompt by default.
    #[serde(default, skip_serializing)]
    #[tsify(optional)]
    pub mediation: Option<String>,
}

/// What `registerPasskey` resolves with.
#[derive(Debug, Clone, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RegisteredPasskey {
    /// The passkey's Factor (`YF...`).
    pub sid: String,
    /// `verified`.
    pub status: String,
}

/// What `signInWithPasskey` resolves with.
#[derive(Debug, Clone, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct PasskeySignIn {
    /// The Challenge (`YC...`): the approval token's `jti`.
    pub sid: String,
    /// `approved`.
    pub status: String,
    /// The signed approval token (ES256 JWT, `sub` the identity, `channel` `passkey`, `amr` `["hwk", "user"]`) for
    /// your server to verify against the Worker's `/.well-known/jwks.json`.
    pub token: Option<String>,
}

/// The options a route answers: `{sid, options}`.
#[derive(Deserialize)]
struct Ceremony {
    options: serde_json::Value,
}

/// The client of a verify-edge Worker's passkey routes (`/verify/passkey/*`). Like `VerifyClient`, it holds no
/// credential; every method returns a promise and rejects with a `VerifyEdgeError`.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct PasskeyClient {
    endpoint: Endpoint,
}

#[wasm_bindgen]
impl PasskeyClient {
    /// A client of the Worker at `baseUrl`, as `new VerifyClient(baseUrl, options)` takes it. Throws
    /// `INVALID_URL` for anything but https (or http on loopback).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = baseUrl)] base_url: &str,
        options: Option<Ts<VerifyClientOptions>>,
    ) -> Result<PasskeyClient, VerifyEdgeError> {
        Endpoint::new(base_url, options).map(|endpoint| Self { endpoint })
    }

    /// The API's address this client talks to, without a trailing slash.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.endpoint.base_url().to_owned()
    }

    /// Registers a passkey for the identity `identityToken` vouches for: asks the Worker for creation options
    /// (`/verify/passkey/register/options`), runs `navigator.credentials.create()` (see `createPasskey`), and sends
    /// the answer back (`/verify/passkey/register`). Resolves once the passkey is verified; rejects with the
    /// Worker's error (Twilio's code) or the browser's (`PASSKEY_*`).
    #[wasm_bindgen(js_name = registerPasskey, unchecked_return_type = "Promise<RegisteredPasskey>")]
    pub fn register_passkey(&self, params: Ts<RegisterPasskeyParams>) -> js_sys::Promise {
        let client = self.clone();
        let params = params.js_value();
        promise(async move {
            let params: RegisterPasskeyParams =
                serde_json::from_slice(&json_of(&params)).map_err(|e| invalid_options(&e))?;
            let ceremony: Ceremony = client
                .endpoint
                .post("/verify/passkey/register/options", &params)
                .await?;
            let options = serde_json::to_vec(&ceremony.options).map_err(|e| invalid_options(&e))?;
            let credential = create(&options).await?;
            let registered: RegisteredPasskey = client
                .endpoint
                .post_json(
                    "/verify/passkey/register",
                    &serde_json::json!({ "identityToken": params.identity_token, "credential": credential }),
                )
                .await?;
            to_js(&registered)
        })
    }

    /// Signs in with a passkey: asks the Worker for request options (`/verify/passkey/signin/options`, for the
    /// identity `identityToken` vouches for, or for any passkey of the site without one), runs
    /// `navigator.credentials.get()` (see `getPasskey`; `mediation: "conditional"` for autofill), and sends the
    /// answer back (`/verify/passkey/signin`). Resolves with `status: "approved"` and `token`, a signed approval token
    /// for your server.
    #[wasm_bindgen(js_name = signInWithPasskey, unchecked_return_type = "Promise<PasskeySignIn>")]
    pub fn sign_in_with_passkey(
        &self,
        params: Option<Ts<SignInWithPasskeyParams>>,
    ) -> js_sys::Promise {
        let client = self.clone();
        let params = read_options(params);
        promise(async move {
            let params = params?;
            let ceremony: Ceremony = client
                .endpoint
                .post("/verify/passkey/signin/options", &params)
                .await?;
            let options = serde_json::to_vec(&ceremony.options).map_err(|e| invalid_options(&e))?;
            let credential = get(&options, params.mediation.as_deref()).await?;
            let signed_in: PasskeySignIn = client
                .endpoint
                .post_json(
                    "/verify/passkey/signin",
                    &serde_json::json!({ "credential": credential }),
                )
                .await?;
            to_js(&signed_in)
        })
    }
}
