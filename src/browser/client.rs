//! `VerifyClient`: the typed client of the Worker's public API (`/verify/start`, `/verify/check`,
//! `/verify/status/{sid}`).
//!
//! Parameters are read and the recipient normalized by the same core code the Worker runs ([`crate::api`]), so a
//! bad number is refused before any request leaves the browser, with the error the Worker would have answered.

use serde::Deserialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use super::endpoint::{Endpoint, VerifyClientOptions};
use super::error::{client_error, twilio_error, ClientErrorCode, VerifyEdgeError};
use super::js_values::{promise, read_options, read_params, to_js};
use super::phone_link::with_linked_engine;
use super::sna::{self, SnaInvokeOptions, SnaMethod, SnaMode, SnaResult};
use crate::api::{CheckParams, StartParams, Verification, VerificationCheck};
use crate::verify::model::RequestedChannel;
use crate::verify::Target;

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
    endpoint: Endpoint,
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
        Endpoint::new(base_url, options).map(|endpoint| Self { endpoint })
    }

    /// The API's address this client talks to, without a trailing slash.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.endpoint.base_url().to_owned()
    }

    /// Starts a verification (`POST /verify/start`). `to` is normalized here first (E.164, or the email
    /// address for channel `email`); a bad one rejects with 60200 and no request is sent.
    #[wasm_bindgen(unchecked_return_type = "Promise<Verification>")]
    pub fn start(&self, params: Ts<StartParams>) -> js_sys::Promise {
        let client = self.clone();
        let params = params.js_value();
        promise(async move {
            let start = read_params(&params, StartParams::from_values)?;
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
            let check = read_params(&params, CheckParams::from_values)?;
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
            let verification: Verification = client.endpoint.get(&path).await?;
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
    /// Normalizes the recipient with the core's code (and the phone entry's engine), then sends it.
    async fn start_verification(
        &self,
        mut start: StartParams,
    ) -> Result<Verification, VerifyEdgeError> {
        start.to = with_linked_engine(|engine| start.to_upstream_with(engine))?
            .map_err(|e| twilio_error(&e, None, None))?
            .to;
        self.endpoint.post("/verify/start", &start).await
    }

    /// Normalizes `to` (when the check names one) with the core's code, then sends it.
    async fn check_verification(
        &self,
        mut check: CheckParams,
    ) -> Result<VerificationCheck, VerifyEdgeError> {
        if let Target::To(to) = with_linked_engine(|engine| check.to_upstream_with(engine))?
            .map_err(|e| twilio_error(&e, None, None))?
            .target
        {
            check.to = Some(to);
        }
        self.endpoint.post("/verify/check", &check).await
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
}
