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

use super::config::{EngineAccount, WorkerConfig};
use super::respond::error_response;
use crate::engine::access::authenticate;
use crate::engine::form::Form;
use crate::verify::model::TwilioError;

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

/// Serves `/v2/...`.
pub async fn serve_rest(mut req: Request, env: &Env, config: &WorkerConfig) -> Result<Response> {
    let account = match &config.engine {
        Ok(account) => account,
        Err(e) => return error_response(e),
    };
    if let Err(e) = authenticate(
        req.headers().get("Authorization")?.as_deref(),
        &account.credentials,
    ) {
        let mut response = error_response(&e)?;
        response
            .headers_mut()
            .set("WWW-Authenticate", "Basic realm=\"Twilio API\"")?;
        return Ok(response);
    }
    let url = req.url()?;
    let body = if matches!(req.method(), Method::Post) {
        req.bytes().await.unwrap_or_default()
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
