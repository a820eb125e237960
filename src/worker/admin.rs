//! The operator's routes, behind `Authorization: Bearer <ADMIN_TOKEN>` (a secret); without a token set they do
//! not exist (404). `GET /admin/pumping-blocks` lists the prefixes the pumping detector blocks now.

use worker::{console_log, Env, Request, Response, Result};

use super::config::WorkerConfig;
use super::objects::counters;
use super::respond::{error_response, json_response};
use crate::engine::access::same_secret;
use crate::verify::model::TwilioError;

/// `GET /admin/pumping-blocks`: the prefixes the pumping detector blocks now, for `Authorization: Bearer
/// <ADMIN_TOKEN>`. 404 when no `ADMIN_TOKEN` is set (the route does not exist then).
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
