//! The operator's routes, behind `Authorization: Bearer <ADMIN_TOKEN>` (a secret); without a token set they do
//! not exist (404):
//! - `GET /admin/pumping-blocks`: the prefixes the pumping detector blocks now;
//! - `DELETE /admin/pumping-blocks/{prefix}` (`%2B1650` for `+1650`): lifts that block and forgets the traffic
//!   that caused it (204; 404 when the prefix is not blocked).

use worker::{console_log, Env, Method, Request, Response, Result};

use super::config::WorkerConfig;
use super::objects::counters;
use super::respond::{error_response, json_response, method_not_allowed, no_content};
use crate::engine::access::same_secret;
use crate::engine::request::percent_decode;
use crate::verify::model::TwilioError;

/// Serves `/admin/pumping-blocks` and `/admin/pumping-blocks/{prefix}`.
pub async fn serve_blocks(req: &Request, env: &Env, config: &WorkerConfig) -> Result<Response> {
    let Some(token) = &config.admin_token else {
        return error_response(&TwilioError::not_found());
    };
    let given = req.headers().get("Authorization")?.unwrap_or_default();
    let given = given.strip_prefix("Bearer ").unwrap_or_default();
    if !same_secret(given, token) {
        console_log!("verify-edge: refused an admin request without the admin token");
        let mut response = error_response(&TwilioError::authenticate())?;
        response
            .headers_mut()
            .set("WWW-Authenticate", "Bearer realm=\"verify-edge admin\"")?;
        return Ok(response);
    }
    let path = req.path();
    match (req.method(), path.strip_prefix("/admin/pumping-blocks/")) {
        (Method::Get, None) => list(env).await,
        (Method::Delete, Some(prefix)) => lift(env, &percent_decode(prefix)).await,
        (_, None) => method_not_allowed("GET"),
        (_, Some(_)) => method_not_allowed("DELETE"),
    }
}

async fn list(env: &Env) -> Result<Response> {
    let blocks: Vec<serde_json::Value> = counters::blocks(env)
        .await?
        .into_iter()
        .map(|b| {
            serde_json::json!({
                "prefix": b.prefix,
                "blockedUntil": crate::engine::time::iso8601(b.until),
                "code": 60410,
            })
        })
        .collect();
    json_response(&serde_json::json!({ "blocks": blocks }), 200)
}

async fn lift(env: &Env, prefix: &str) -> Result<Response> {
    if !counters::blocks(env)
        .await?
        .iter()
        .any(|b| b.prefix == prefix)
    {
        return error_response(&TwilioError::not_found());
    }
    counters::pump_lift(env, prefix).await?;
    console_log!("verify-edge: the operator lifted the pumping block on {prefix}");
    no_content()
}
