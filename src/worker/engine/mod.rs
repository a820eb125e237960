//! The embedded Verify v2 engine's REST API at `/v2/...`, as Twilio serves it: HTTP Basic, form bodies, JSON
//! answers, Twilio's errors. This front authenticates and routes; each resource's room reads its requests with
//! the core's readers (`crate::engine::request`) and hands each operation to the Durable Object that owns the
//! state (`super::objects`).
//!
//! The public API's engine upstream calls the rooms' typed operations ([`verifications::start`],
//! [`verifications::check`], ...) in-process, with no URL or form in between.

pub mod carrier;
mod challenges;
pub mod dev_inbox;
mod entities;
mod factors;
mod passkeys;
mod rate_limits;
pub mod safe_list;
pub mod services;
pub mod verifications;

use worker::{Env, Method, Request, Response, Result};

use super::body::{read_capped, MAX_V2_BODY_BYTES};
use super::config::{EngineAccount, WorkerConfig};
use super::public::protect;
use super::respond::error_response;
use crate::engine::access::authenticate;
use crate::engine::form::Form;
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
    let credentials = req.headers().get("Authorization")?;
    let login = protect::guard_login(env, &req, protections, || {
        authenticate(credentials.as_deref(), &account.credentials)
    })
    .await;
    if let Err(refusal) = login {
        if refusal.error.status == 401 {
            worker::console_log!(
                "verify-edge: refused a /v2 request with wrong or missing credentials"
            );
        }
        return refusal.response();
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

/// Serves a call on one of the engine Service's Entities or Passkeys (`path` under `/v2/Services/{service_sid}/`)
/// for the public API, in-process: the Worker is its own caller, so no credentials are sent or checked. Only those
/// paths are served this way.
#[allow(clippy::too_many_arguments)]
pub async fn serve_in_process(
    env: &Env,
    config: &WorkerConfig,
    method: Method,
    service_sid: &crate::verify::sid::ServiceSid,
    path: &str,
    query: &str,
    body: String,
    base_url: &str,
) -> Result<Response> {
    let account = match &config.engine {
        Ok(account) => account,
        Err(e) => return error_response(e),
    };
    let service_sid = service_sid.to_string();
    let mut segments = vec!["v2", "Services", service_sid.as_str()];
    segments.extend(path.split('/'));
    if !matches!(segments.get(3), Some(&"Entities" | &"Passkeys")) {
        return error_response(&TwilioError::not_found());
    }
    let request = V2Request {
        env,
        config,
        account,
        method,
        body,
        query: query.to_owned(),
        base_url: base_url.to_owned(),
    };
    route(&request, &segments).await
}

/// Updates the engine Service `service_sid` with `form` (UpdateService), in-process, for the public API.
pub async fn update_service_in_process(
    env: &Env,
    config: &WorkerConfig,
    service_sid: &crate::verify::sid::ServiceSid,
    form: String,
    base_url: &str,
) -> Result<Response> {
    let account = match &config.engine {
        Ok(account) => account,
        Err(e) => return error_response(e),
    };
    let request = V2Request {
        env,
        config,
        account,
        method: Method::Post,
        body: form,
        query: String::new(),
        base_url: base_url.to_owned(),
    };
    services::serve_one(&request, service_sid.as_str()).await
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
        ["v2", "Services", sid, "Entities", identity, "Factors", rest @ ..] => {
            factors::serve(request, sid, identity, rest).await
        }
        ["v2", "Services", sid, "Entities", identity, "Challenges", rest @ ..] => {
            challenges::serve(request, sid, identity, rest).await
        }
        ["v2", "Services", sid, "Entities", rest @ ..] => entities::serve(request, sid, rest).await,
        ["v2", "Services", sid, "Passkeys", rest @ ..] => passkeys::serve(request, sid, rest).await,
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
