//! The device's side of Silent Network Auth: invoking `sna.url` once, and reading what the browser lets us read.
//!
//! A carrier's redirect chain rarely sends CORS headers, and in `cors` mode the browser checks them on every hop,
//! redirects included: the chain would stop at its first hop. So the default is `no-cors`, which follows every
//! redirect and hands back an opaque answer (readable only when same-origin); the check then asks the service what
//! the carrier said. `cors` mode is for chains known to send CORS headers, which makes the answer readable.

use gloo_net::http::{Method, Request};
use serde::{Deserialize, Serialize};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;
use web_sys::{ReferrerPolicy, RequestCache, RequestCredentials, RequestMode, RequestRedirect};

use super::error::{client_error, ClientErrorCode, VerifyEdgeError};
use super::http::{self, FetchFailure};
use super::js_values::{promise, read_options, to_js};
use crate::api::VerificationCheck;
use crate::verify::model::Status;

/// The SNA error code that means the carrier's answer has not reached the service yet.
pub const SNA_RESULT_PENDING: u32 = 60519;
/// The SNA error code after which no other channel may be tried (Twilio's error-handling guide).
pub const SNA_NO_FALLBACK: u32 = 60540;

/// How `sna.url` is requested.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "UPPERCASE")]
pub enum SnaMethod {
    /// What Twilio asks for in production.
    #[default]
    Post,
    /// What Twilio's Android and current iOS SDKs send.
    Get,
}

/// The fetch mode `sna.url` is requested in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "kebab-case")]
pub enum SnaMode {
    /// Follows every redirect whatever headers the carrier sends; the answer is opaque unless same-origin.
    #[default]
    NoCors,
    /// Readable answers, but only if every hop of the chain sends CORS headers; otherwise the browser stops at the
    /// first hop that does not, after that hop received the request.
    Cors,
}

/// What `invokeSnaUrl(url, options)` takes beside the URL.
#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnaInvokeOptions {
    /// `POST` (default) or `GET`.
    #[serde(default)]
    #[tsify(optional)]
    pub method: Option<SnaMethod>,
    /// How long the whole chain, answer included, may take in milliseconds (default 10000).
    #[serde(default)]
    #[tsify(optional)]
    pub timeout_ms: Option<f64>,
    /// `no-cors` (default) or `cors`.
    #[serde(default)]
    #[tsify(optional)]
    pub mode: Option<SnaMode>,
}

/// [`SnaInvokeOptions`] with its defaults filled in and its timeout checked.
#[derive(Debug, Clone, Copy)]
pub struct CheckedInvokeOptions {
    method: SnaMethod,
    timeout_ms: u32,
    mode: SnaMode,
}

impl SnaInvokeOptions {
    /// Fills in the defaults; a timeout out of range is `INVALID_ARGUMENT`.
    pub fn checked(&self) -> Result<CheckedInvokeOptions, VerifyEdgeError> {
        Ok(CheckedInvokeOptions {
            method: self.method.unwrap_or_default(),
            timeout_ms: http::timeout_ms(self.timeout_ms)?,
            mode: self.mode.unwrap_or_default(),
        })
    }
}

/// What invoking `sna.url` let us see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(tag = "kind", rename_all = "lowercase")]
#[tsify(missing_as_null)]
pub enum SnaInvocation {
    /// The browser let us read the last hop's answer: its status and the fields of its `key=value&...` body
    /// (`null` when the body has no such field).
    #[serde(rename_all = "camelCase")]
    Readable {
        /// The last hop's HTTP status (200 when the carrier answered).
        status: u16,
        /// `ErrorCode`: `0` on success, negative (e.g. `-10`) on failure.
        error_code: Option<i32>,
        /// `ErrorDescription`, e.g. `Success`.
        error_description: Option<String>,
        /// `SnaClientToken` (or `ClientToken`): what `check` must send back when the verification asked for one.
        client_token: Option<String>,
        /// `Carrier`, e.g. `VZW`.
        carrier: Option<String>,
    },
    /// The request was sent and the chain followed, but the browser hides the answer (a cross-origin `no-cors`
    /// answer, or a `cors` request the browser refused to hand over): the check decides.
    Opaque,
}

impl SnaInvocation {
    /// The client token the carrier's answer carried, if it could be read.
    pub fn client_token(&self) -> Option<String> {
        match self {
            Self::Readable { client_token, .. } => client_token.clone(),
            Self::Opaque => None,
        }
    }

    /// Reads a carrier's `ErrorCode=0&ErrorDescription=Success&Carrier=...` body (form encoding: `+` is a space).
    pub fn from_body(status: u16, body: &str) -> Self {
        let mut error_code = None;
        let mut error_description = None;
        let mut client_token = None;
        let mut carrier = None;
        for (name, value) in form_urlencoded::parse(body.trim().as_bytes()) {
            let slot = match name.to_ascii_lowercase().as_str() {
                "errorcode" => {
                    error_code = error_code.or_else(|| value.trim().parse::<i32>().ok());
                    continue;
                }
                "errordescription" => &mut error_description,
                // Where a real carrier puts the token is not documented; the engine uses the check's name.
                "snaclienttoken" | "clienttoken" => &mut client_token,
                "carrier" => &mut carrier,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value.into_owned());
            }
        }
        Self::Readable {
            status,
            error_code,
            error_description,
            client_token,
            carrier,
        }
    }
}

/// Why an invocation ended without an [`SnaInvocation`].
#[derive(Debug)]
pub enum InvokeError {
    /// Nothing was sent: the URL was refused (`INVALID_URL`, `INSECURE_URL`) or an option was wrong.
    Refused(VerifyEdgeError),
    /// The request may have reached the carrier, and then timed out or failed: only the check can tell.
    AfterSending(FetchFailure),
}

/// Requests `url` once with `options`. Never retried: `sna.url` is single use, and a second request could only
/// fail (60520) or, worse, race the first.
pub async fn invoke(
    url: &str,
    options: &CheckedInvokeOptions,
) -> Result<SnaInvocation, InvokeError> {
    let parsed = http::parse_url(url, None).map_err(InvokeError::Refused)?;
    http::refuse_insecure(&parsed).map_err(InvokeError::Refused)?;
    let method = match options.method {
        SnaMethod::Post => Method::POST,
        SnaMethod::Get => Method::GET,
    };
    let mode = match options.mode {
        SnaMode::NoCors => RequestMode::NoCors,
        SnaMode::Cors => RequestMode::Cors,
    };
    let request = Request::get(&parsed.href())
        .method(method)
        .mode(mode)
        // No cookies or HTTP auth to the carrier; no page address in a Referer; never an answer from a cache.
        .credentials(RequestCredentials::Omit)
        .referrer_policy(ReferrerPolicy::NoReferrer)
        .cache(RequestCache::NoStore)
        .redirect(RequestRedirect::Follow)
        .abort_signal(Some(&http::timeout_signal(options.timeout_ms)))
        .build()
        .map_err(|e| {
            InvokeError::Refused(client_error(
                ClientErrorCode::InvalidUrl,
                &format!("this runtime cannot build the request: {e}"),
                None,
                None,
            ))
        })?;
    let response = match http::send(request).await {
        Ok(response) => response,
        // In cors mode a chain without CORS headers fails exactly like a network error, after its first hop got
        // the request: opaque, and the check decides.
        Err(FetchFailure::Network(_)) if options.mode == SnaMode::Cors => {
            return Ok(SnaInvocation::Opaque)
        }
        Err(failure) => return Err(InvokeError::AfterSending(failure)),
    };
    if matches!(
        response.type_(),
        web_sys::ResponseType::Opaque | web_sys::ResponseType::Opaqueredirect
    ) {
        return Ok(SnaInvocation::Opaque);
    }
    let body = http::text(&response)
        .await
        .map_err(InvokeError::AfterSending)?;
    Ok(SnaInvocation::from_body(response.status(), &body))
}

/// Invokes an `sna.url` from this device, once: https only (http on loopback, for tests), redirects followed,
/// no credentials, aborted after `timeoutMs` (default 10000). Resolves with `{kind: "readable", status,
/// errorCode, errorDescription, clientToken, carrier}` when the browser lets us read the answer, or `{kind:
/// "opaque"}` when it does not (then the check decides). Rejects with `INVALID_URL`/`INSECURE_URL` before
/// sending anything, or `TIMEOUT`/`NETWORK_ERROR` (`no-cors` mode) after the request may have left: never retry
/// then, the URL is single use; check instead.
#[wasm_bindgen(js_name = invokeSnaUrl, unchecked_return_type = "Promise<SnaInvocation>")]
pub fn invoke_sna_url(url: String, options: Option<Ts<SnaInvokeOptions>>) -> js_sys::Promise {
    promise(async move {
        let options = read_options(options)?.checked()?;
        let timeout_ms = options.timeout_ms;
        let invocation = invoke(&url, &options).await.map_err(|e| match e {
            InvokeError::Refused(error) => error,
            InvokeError::AfterSending(failure) => failure.into_error(timeout_ms),
        })?;
        to_js(&invocation)
    })
}

/// Where a Silent Network Auth attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum SnaOutcome {
    /// The carrier confirmed the number; the verification is approved.
    Approved,
    /// The carrier's answer has not reached the service (60519, or no attempt recorded yet): check again later,
    /// or fall back.
    Pending,
    /// The carrier could not confirm the number (`snaErrorCode` says why), or the verification is over.
    Failed,
}

/// What `verifySna` resolves with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct SnaResult {
    /// `approved`, `pending` or `failed`.
    pub outcome: SnaOutcome,
    /// The verification's SID, for a later `check({verificationSid})` or `status(sid)`.
    pub sid: String,
    /// The verification's status after the check.
    pub status: Status,
    /// The SNA error code of the latest carrier attempt (60519 while pending; 605xx on failure), if any.
    pub sna_error_code: Option<u32>,
    /// Whether the page may offer another channel (SMS, call, ...): always, except after approval and 60540.
    pub fallback_allowed: bool,
    /// What invoking `sna.url` let us see; `null` when it timed out or failed after sending.
    pub invocation: Option<SnaInvocation>,
    /// `TIMEOUT` or `NETWORK_ERROR` when the invocation ended so; the check still ran.
    #[tsify(type = "\"TIMEOUT\" | \"NETWORK_ERROR\" | null")]
    pub invocation_error: Option<&'static str>,
    /// When approved: the signed approval token (an ES256 JWT, channel `sna`) to send to the app's server, which
    /// checks it against the Worker's `/.well-known/jwks.json` (see `VerificationCheck.token`); `null` otherwise.
    /// `outcome` is for the page; only the verified token proves the approval to a server.
    pub token: Option<String>,
}

impl SnaResult {
    /// The result of a check made after invoking `sna.url`.
    pub fn new(
        check: VerificationCheck,
        invocation: Option<SnaInvocation>,
        invocation_error: Option<FetchFailure>,
    ) -> Self {
        let outcome = match (check.status, check.sna_error_code) {
            (Status::Approved, _) => SnaOutcome::Approved,
            (Status::Pending, None | Some(SNA_RESULT_PENDING)) => SnaOutcome::Pending,
            _ => SnaOutcome::Failed,
        };
        Self {
            outcome,
            sid: check.sid,
            status: check.status,
            sna_error_code: check.sna_error_code,
            token: check.token,
            fallback_allowed: outcome != SnaOutcome::Approved
                && check.sna_error_code != Some(SNA_NO_FALLBACK),
            invocation,
            invocation_error: invocation_error.map(|f| match f {
                FetchFailure::Timeout => ClientErrorCode::Timeout.as_str(),
                FetchFailure::Network(_) => ClientErrorCode::NetworkError.as_str(),
            }),
        }
    }
}
