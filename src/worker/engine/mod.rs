//! The embedded Verify v2 engine's REST API at `/v2/...`, as Twilio serves it: HTTP Basic, form bodies, JSON
//! answers, Twilio's errors. This front authenticates and routes; each resource's room reads its requests with
//! the core's readers (`crate::engine::request`) and hands each operation to the Durable Object that owns the
//! state (`super::objects`).
//!
//! The public API's engine upstream calls the rooms' typed operations ([`verifications::start`],
//! [`verifications::check`], ...) in-process, with no URL or form in between.

pub mod carrier;
pub mod dev_inbox;
mod rate_limits;
pub mod safe_list;
pub mod services;
pub mod verifications;

use worker::{Env, Method, Request, Response, Result};

use super::body::{read_capped, MAX_V2_BODY_BYTES};
use super::config::{EngineAccount, WorkerConfig};
use super::objects::counters;
use super::public::protect::{self, client_ip};
use super::respond::error_response;
use crate::engine::access::authenticate;
use crate::engine::form::Form;
use crate::engine::rate_limit::retry_after_seconds;
use crate::limits::Decision;
use crate::verify::model::TwilioError;
use crate::verify::Reason;

/// One authenticated `/v2` request, as the resources' rooms take it.
pub struct V2Request<'a> {
    /// The Worker's bindings.
    pub env: &'a Env,
    /// The Worker's configuration.
    pub config: &'a WorkerConfig,
    /// The engine's account.
    pub account: &'a EngineAccount,
    /// The HTTP method.
    pub method: Method,
    /// The form body (POST), as sent.
    pub body: String,
    /// The query string (lists' paging), as sent.
    pub query: String,
    /// This Worker's origin, for the URLs in answers.
    pub base_url: String,
}

impl V2Request<'_> {
    /// The form body, parsed.
    pub fn form(&self) -> Form {
        Form::parse(self.body.as_bytes())
    }
}

/// The counter name of failed `/v2` logins within a client's key.
const AUTH_FAILURES: &str = "auth failures";

/// Serves `/v2/...`. Browsers never call it (Twilio's API is server to server): a cross-site browser request is
/// refused before anything else, so a page elsewhere cannot replay credentials a browser remembered. Failed
/// logins are counted per client; past `LIMIT_AUTH_FAILURES_PER_IP` every login from it waits.
pub async fn serve_rest(mut req: Request, env: &Env, config: &WorkerConfig) -> Result<Response> {
    let account = match &config.engine {
        Ok(account) => account,
        Err(e) => return error_response(e),
    };
    let url = req.url()?;
    if is_cross_site(&req, &url)? {
        return error_response(&TwilioError::forbidden().with_reason(
            Reason::CrossSiteRefused,
            "the engine's API is for servers; browsers on other sites may not call it",
        ));
    }
    let protections = match protect::protections(config) {
        Ok(protections) => protections,
        Err(e) => return error_response(&e),
    };
    let failures = protections.auth_failures_per_ip.map(|limit| {
        let client = protections.client_key(&client_ip(&req));
        (format!("ip:{client}"), limit)
    });
    if let Some((key, limit)) = &failures {
        // A counter that cannot be reached refuses, as every limit does.
        let decision = counters::peek(env, key, AUTH_FAILURES, limit.max, limit.window_ms)
            .await
            .unwrap_or(Decision {
                allowed: false,
                retry_after_ms: 1000,
            });
        if !decision.allowed {
            return too_many_failures(decision.retry_after_ms);
        }
    }
    let credentials = req.headers().get("Authorization")?;
    if let Err(e) = authenticate(credentials.as_deref(), &account.credentials) {
        if let Some((key, limit)) = &failures {
            if let Err(err) =
                counters::take(env, key, AUTH_FAILURES, limit.max, limit.window_ms).await
            {
                worker::console_log!("verify-edge: could not count a failed login: {err}");
            }
        }
        worker::console_log!(
            "verify-edge: refused a /v2 request with wrong or missing credentials"
        );
        return error_response(&e);
    }
    let body = if matches!(req.method(), Method::Post) {
        match read_capped(&mut req, MAX_V2_BODY_BYTES).await {
            Ok(body) => body,
            Err(e) => return error_response(&e),
        }
    } else {
        Vec::new()
    };
    let segments: Vec<String> = url
        .path_segments()
        .map(|s| s.map(str::to_owned).collect())
        .unwrap_or_default();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let request = V2Request {
        env,
        config,
        account,
        method: req.method(),
        body: String::from_utf8_lossy(&body).into_owned(),
        query: url.query().unwrap_or_default().to_owned(),
        base_url: url.origin().ascii_serialization(),
    };
    route(&request, &segments).await
}

/// The resources of `/v2`: a new one adds its line here and its room beside this file.
async fn route(request: &V2Request<'_>, segments: &[&str]) -> Result<Response> {
    match segments {
        ["v2", "Services"] => services::serve_collection(request).await,
        ["v2", "Services", sid] => services::serve_one(request, sid).await,
        ["v2", "Services", sid, "Verifications", rest @ ..] => {
            verifications::serve(request, sid, rest).await
        }
        ["v2", "Services", sid, "VerificationCheck"] => {
            verifications::serve_check(request, sid).await
        }
        ["v2", "Services", sid, "RateLimits", rest @ ..] => {
            rate_limits::serve(request, sid, rest).await
        }
        ["v2", "SafeList", "Numbers", rest @ ..] => safe_list::serve(request, rest).await,
        _ => error_response(&TwilioError::not_found()),
    }
}

/// Whether a browser sent this request from another site: `Sec-Fetch-Site` says so (every current browser sends
/// it), or an `Origin` other than this Worker's does. Servers and Twilio's SDKs send neither.
fn is_cross_site(req: &Request, url: &worker::Url) -> Result<bool> {
    let headers = req.headers();
    if let Some(site) = headers.get("Sec-Fetch-Site")? {
        if !matches!(site.as_str(), "same-origin" | "none") {
            return Ok(true);
        }
    }
    Ok(headers
        .get("Origin")?
        .is_some_and(|origin| origin != url.origin().ascii_serialization()))
}

/// 20429 with `Retry-After`: this client failed to log in too often.
fn too_many_failures(retry_after_ms: u64) -> Result<Response> {
    let mut response = error_response(&TwilioError::too_many_requests().with_reason(
        Reason::TooManyLoginFailures,
        "too many failed logins from this client; see Retry-After",
    ))?;
    response.headers_mut().set(
        "Retry-After",
        &retry_after_seconds(retry_after_ms).to_string(),
    )?;
    Ok(response)
}
