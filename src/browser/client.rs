//! `VerifyClient`: the typed client of the Worker's public API (`/verify/start`, `/verify/check`,
//! `/verify/status/{sid}`).
//!
//! Parameters are read and the recipient normalized by the same core code the Worker runs ([`crate::api`]), so a
//! bad number is refused before any request leaves the browser, with the error the Worker would have answered.

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use super::error::{client_error, internal_error, twilio_error, ClientErrorCode, VerifyEdgeError};
use super::http;
use super::js_values::{json_of, promise, read_options, to_js};
use super::sna::{self, SnaInvokeOptions, SnaMethod, SnaMode, SnaResult};
use crate::api::{BodyKind, CheckParams, StartParams, Verification, VerificationCheck};
use crate::verify::model::{RequestedChannel, TwilioError};
use crate::verify::Target;

/// What `new VerifyClient(baseUrl, options)` takes beside the URL.
#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifyClientOptions {
    /// How long each request may take, answer included, in milliseconds (default 10000).
    #[serde(default)]
    #[tsify(optional)]
    pub timeout_ms: Option<f64>,
}

/// What `verifySna(to, options)` takes beside the number.
#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifySnaOptions {
    /// The region (ISO 3166-1 alpha-2) a national number is read in.
    #[serde(default)]
    #[tsify(optional)]
    pub default_region: Option<String>,
    /// Ask for a client token in the carrier's answer and send it with the check. Needs a readable answer
    /// (`mode: "cors"` with a chain that sends CORS headers); with an opaque one the check cannot approve.
    #[serde(default)]
    #[tsify(optional)]
    pub enable_sna_client_token: Option<bool>,
    /// How `sna.url` is invoked (`POST` by default, as Twilio asks for production).
    #[serde(default)]
    #[tsify(optional)]
    pub method: Option<SnaMethod>,
    /// How long the carrier may take, in milliseconds (default 10000).
    #[serde(default)]
    #[tsify(optional)]
    pub timeout_ms: Option<f64>,
    /// `no-cors` (default) or `cors`; see `invokeSnaUrl`.
    #[serde(default)]
    #[tsify(optional)]
    pub mode: Option<SnaMode>,
    /// The Turnstile token, when the Worker requires one for starts.
    #[serde(default)]
    #[tsify(optional)]
    pub turnstile_token: Option<String>,
}

/// The client of a verify-edge Worker's public API. Holds no credential and names no Service: the Worker adds
/// both. Every method returns a promise and rejects with a `VerifyEdgeError`.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct VerifyClient {
    /// Origin and path prefix, without a trailing slash.
    base_url: String,
    timeout_ms: u32,
}

#[wasm_bindgen]
impl VerifyClient {
    /// A client of the Worker at `baseUrl` (e.g. `https://verify.example.com`, or a path prefix under it). In a
    /// page, a relative URL is read against the page's address. Throws `INVALID_URL` for anything but https (or
    /// http on loopback).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = baseUrl)] base_url: &str,
        options: Option<Ts<VerifyClientOptions>>,
    ) -> Result<VerifyClient, VerifyEdgeError> {
        let options = read_options(options)?;
        let url = http::parse_url(base_url, page_address().as_deref())?;
        http::refuse_insecure(&url)?;
        let path = url.pathname();
        let base_url = format!("{}{}", url.origin(), path.trim_end_matches('/'));
        Ok(Self {
            base_url,
            timeout_ms: http::timeout_ms(options.timeout_ms)?,
        })
    }

    /// The API's address this client talks to, without a trailing slash.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// Starts a verification (`POST /verify/start`). `to` is normalized here first (E.164, or the email
    /// address for channel `email`); a bad one rejects with 60200 and no request is sent.
    #[wasm_bindgen(unchecked_return_type = "Promise<Verification>")]
    pub fn start(&self, params: Ts<StartParams>) -> js_sys::Promise {
        let client = self.clone();
        let params = params.js_value();
        promise(async move {
            let start = StartParams::from_body(&json_of(&params), BodyKind::Json)
                .map_err(|e| twilio_error(&e, None, None))?;
            let verification = client.start_verification(start).await?;
            to_js(&verification)
        })
    }

    /// Checks a code, or for `sna` the carrier's answer (`POST /verify/check`). A wrong code resolves with
    /// `status: "pending"`, `valid: false` and `token: null`; it does not reject. An approval resolves with
    /// `token`, a signed approval token (ES256 JWT): send it to your server, which verifies it against the
    /// Worker's `/.well-known/jwks.json` with any JWT library. Never trust the browser's word that it was approved.
    #[wasm_bindgen(unchecked_return_type = "Promise<VerificationCheck>")]
    pub fn check(&self, params: Ts<CheckParams>) -> js_sys::Promise {
        let client = self.clone();
        let params = params.js_value();
        promise(async move {
            let check = CheckParams::from_body(&json_of(&params), BodyKind::Json)
                .map_err(|e| twilio_error(&e, None, None))?;
            let check = client.check_verification(check).await?;
            to_js(&check)
        })
    }

    /// A verification by its SID (`GET /verify/status/{sid}`); rejects with 20404 when there is none.
    #[wasm_bindgen(unchecked_return_type = "Promise<Verification>")]
    pub fn status(&self, sid: &str) -> js_sys::Promise {
        let client = self.clone();
        let path = format!("/verify/status/{}", js_sys::encode_uri_component(sid));
        promise(async move {
            let request = Request::get(&client.url(&path))
                .header("Accept", "application/json")
                .abort_signal(Some(&http::timeout_signal(client.timeout_ms)))
                .build()
                .map_err(|e| internal_error(&e))?;
            let verification: Verification = client.send(request).await?;
            to_js(&verification)
        })
    }

    /// Silent Network Auth in one call: starts a verification with channel `sna` for `to`, invokes its `sna.url`
    /// once (see `invokeSnaUrl`), then checks it. Resolves with `approved`, `pending` (the carrier's answer has
    /// not arrived: 60519) or `failed` (with the SNA error code), and whether falling back to another channel is
    /// allowed (not after 60540). An approval carries `token`, the signed approval token (ES256 JWT, channel
    /// `sna`) for your server to verify against the Worker's `/.well-known/jwks.json`, as `check`'s. Rejects when
    /// start or check do (and for a `sna.url` refused before sending).
    #[wasm_bindgen(js_name = verifySna, unchecked_return_type = "Promise<SnaResult>")]
    pub fn verify_sna(&self, to: String, options: Option<Ts<VerifySnaOptions>>) -> js_sys::Promise {
        let client = self.clone();
        promise(async move {
            let options = read_options(options)?;
            let result = client.verify_sna_flow(to, options).await?;
            to_js(&result)
        })
    }
}

impl VerifyClient {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Normalizes the recipient with the core's code, then sends it.
    async fn start_verification(
        &self,
        mut start: StartParams,
    ) -> Result<Verification, VerifyEdgeError> {
        start.to = start
            .to_upstream()
            .map_err(|e| twilio_error(&e, None, None))?
            .to;
        self.post("/verify/start", &start).await
    }

    /// Normalizes `to` (when the check names one) with the core's code, then sends it.
    async fn check_verification(
        &self,
        mut check: CheckParams,
    ) -> Result<VerificationCheck, VerifyEdgeError> {
        if let Target::To(to) = check
            .to_upstream()
            .map_err(|e| twilio_error(&e, None, None))?
            .target
        {
            check.to = Some(to);
        }
        self.post("/verify/check", &check).await
    }

    async fn verify_sna_flow(
        &self,
        to: String,
        options: VerifySnaOptions,
    ) -> Result<SnaResult, VerifyEdgeError> {
        let invoke_options = SnaInvokeOptions {
            method: options.method,
            timeout_ms: options.timeout_ms,
            mode: options.mode,
        };
        // Read the options before anything is sent, so a bad one costs no verification.
        let invoke_options = invoke_options.checked()?;
        let start = StartParams {
            to,
            channel: RequestedChannel::Sna,
            default_region: options.default_region,
            locale: None,
            custom_friendly_name: None,
            enable_sna_client_token: options.enable_sna_client_token,
            turnstile_token: options.turnstile_token,
        };
        let verification = self.start_verification(start).await?;
        let Some(sna_url) = verification.sna.as_ref().map(|s| s.url.clone()) else {
            return Err(client_error(
                ClientErrorCode::BadResponse,
                "the verification was started without an sna.url",
                None,
                None,
            ));
        };
        // The URL is single use: invoked once, never retried. A refusal (nothing was sent) rejects; any failure
        // after the request may have left is left to the check, which asks the service what the carrier said.
        let invocation = sna::invoke(&sna_url, &invoke_options).await;
        let (invocation, invocation_error) = match invocation {
            Ok(invocation) => (Some(invocation), None),
            Err(sna::InvokeError::Refused(error)) => return Err(error),
            Err(sna::InvokeError::AfterSending(failure)) => (None, Some(failure)),
        };
        let check = CheckParams {
            verification_sid: Some(verification.sid.clone()),
            sna_client_token: invocation.as_ref().and_then(|i| i.client_token()),
            ..CheckParams::default()
        };
        let check = self.check_verification(check).await?;
        Ok(SnaResult::new(check, invocation, invocation_error))
    }

    /// POSTs `params` as JSON to `path` (a body a form cannot carry: a passkey's credential) and reads the answer.
    pub(super) async fn post_json<P: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        params: &P,
    ) -> Result<T, VerifyEdgeError> {
        let body = serde_json::to_string(params).map_err(|e| internal_error(&e))?;
        let request = Request::post(&self.url(path))
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .abort_signal(Some(&http::timeout_signal(self.timeout_ms)))
            .body(body)
            .map_err(|e| internal_error(&e))?;
        self.send(request).await
    }

    /// POSTs `params` as a form to `path` and reads the answer (or the API's error).
    pub(super) async fn post<P: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        params: &P,
    ) -> Result<T, VerifyEdgeError> {
        // A URL-encoded form is a CORS "simple" request: no preflight, one round trip fewer than JSON.
        let request = Request::post(&self.url(path))
            .header("Accept", "application/json")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .abort_signal(Some(&http::timeout_signal(self.timeout_ms)))
            .body(form_of(params)?)
            .map_err(|e| internal_error(&e))?;
        self.send(request).await
    }

    async fn send<T: DeserializeOwned>(&self, request: Request) -> Result<T, VerifyEdgeError> {
        let response = http::send(request)
            .await
            .map_err(|e| e.into_error(self.timeout_ms))?;
        read_answer(&response, self.timeout_ms).await
    }
}

/// The answer's JSON as `T` on 2xx; otherwise the API's error, in Twilio's shape, with the HTTP status and
/// `Retry-After`.
async fn read_answer<T: DeserializeOwned>(
    response: &Response,
    timeout_ms: u32,
) -> Result<T, VerifyEdgeError> {
    let status = response.status();
    let body = http::text(response)
        .await
        .map_err(|e| e.into_error(timeout_ms))?;
    if (200..300).contains(&status) {
        return serde_json::from_str::<T>(&body).map_err(|e| {
            client_error(
                ClientErrorCode::BadResponse,
                &format!("the answer (HTTP {status}) is not what the API sends: {e}"),
                Some(status),
                None,
            )
        });
    }
    match serde_json::from_str::<TwilioError>(&body) {
        Ok(error) => Err(twilio_error(&error, Some(status), retry_after(response))),
        Err(_) => Err(client_error(
            ClientErrorCode::BadResponse,
            &format!("HTTP {status} without an error in Twilio's shape"),
            Some(status),
            None,
        )),
    }
}

/// `Retry-After` in seconds: a number of seconds, or an HTTP date. Cross-origin, the Worker must list it in
/// `Access-Control-Expose-Headers` or the browser hides it.
fn retry_after(response: &Response) -> Option<u32> {
    let value = response.headers().get("retry-after")?;
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u32>() {
        return Some(seconds);
    }
    let at = js_sys::Date::parse(value);
    if at.is_nan() {
        return None;
    }
    let seconds = ((at - js_sys::Date::now()) / 1000.0).ceil().max(0.0);
    Some(seconds.min(f64::from(u32::MAX)) as u32)
}

/// The parameters as a URL-encoded form: strings as they are, booleans as `true`/`false`, absent ones left out.
fn form_of<P: Serialize>(params: &P) -> Result<String, VerifyEdgeError> {
    let Value::Object(fields) = serde_json::to_value(params).map_err(|e| internal_error(&e))?
    else {
        return Err(internal_error(&"parameters that are not an object"));
    };
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        match value {
            Value::String(s) => form.append_pair(&name, &s),
            Value::Bool(b) => form.append_pair(&name, if b { "true" } else { "false" }),
            Value::Null => &mut form,
            other => form.append_pair(&name, &other.to_string()),
        };
    }
    Ok(form.finish())
}

/// The page's address (`location.href`), when there is a page: relative base URLs resolve against it.
fn page_address() -> Option<String> {
    let location = js_sys::Reflect::get(&js_sys::global(), &"location".into()).ok()?;
    js_sys::Reflect::get(&location, &"href".into())
        .ok()?
        .as_string()
}
