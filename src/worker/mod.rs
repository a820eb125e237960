//! The Worker's door onto the core: HTTP in, JSON out, every failure in Twilio's error shape. This file is the
//! entry and the routes; each route's room is beside it:
//!
//! - [`public`]: the public API for browsers (`/verify/*`), its CORS, abuse protection and upstream;
//! - [`engine`]: the embedded Verify v2 engine's REST API (`/v2/*`), its simulated carrier and dev inbox;
//! - [`objects`]: the Durable Objects that hold all state, and the protocol the front speaks to them;
//! - [`approval`]: the approval tokens' JWKS (`/.well-known/jwks.json`), `POST /verify/redeem` and the approval
//!   webhook;
//! - [`normalize`]: `POST /normalize`; [`admin`]: the operator's routes;
//! - [`config`]: every setting, read once; [`respond`] and [`body`]: how answers are made and bodies read.

use worker::{event, Context, Env, Method, Request, Response, Result};

use crate::phone;
use crate::verify::model::TwilioError;

use self::config::WorkerConfig;
use self::respond::{error_response, json_response, method_not_allowed};

mod admin;
mod approval;
mod authy;
mod body;
mod config;
mod engine;
mod normalize;
mod objects;
mod public;
mod respond;

/// Runs once when the isolate starts, before any request: pays the phone metadata's one-time cost there.
#[event(start)]
fn start() {
    phone::warm_up();
}

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, ctx: Context) -> Result<Response> {
    let config = WorkerConfig::from_env(&env);
    config.log_misconfiguration_once();
    let path = req.path();
    if path.starts_with("/v2/") {
        return engine::serve_rest(req, &env, &config).await;
    }
    if authy::is_route(&path) {
        return authy::serve(req, &env, &config).await;
    }
    if path == "/verify/redeem" {
        return approval::serve_redeem(req, &env, &config).await;
    }
    if path.starts_with("/verify/") || path == "/openapi.json" {
        return public::serve(req, &env, &config, &ctx).await;
    }
    let public_route = (path.starts_with("/sna/")
        && matches!(req.method(), Method::Get | Method::Post))
        || path == "/normalize";
    if public_route {
        if let Some(refused) = public::refuse_over_allowance(&req, &env, &config).await? {
            return Ok(refused);
        }
    }
    if path.starts_with("/sna/") && matches!(req.method(), Method::Get | Method::Post) {
        return engine::carrier::serve_sna(&req, &env, &config).await;
    }
    match (req.method(), path.as_str()) {
        (Method::Get, "/dev/inbox") => {
            engine::dev_inbox::serve_dev_inbox(&req, &env, &config).await
        }
        (_, "/admin/pumping-blocks") => admin::serve_blocks(&req, &env, &config).await,
        (_, p) if p.starts_with("/admin/pumping-blocks/") => {
            admin::serve_blocks(&req, &env, &config).await
        }
        (Method::Get | Method::Head, "/.well-known/jwks.json") => approval::serve_jwks(&config),
        (_, "/.well-known/jwks.json") => method_not_allowed("GET, HEAD"),
        (Method::Get | Method::Head, "/health") => health(),
        (Method::Post, "/normalize") => normalize::serve(&mut req).await,
        (_, "/health") => method_not_allowed("GET, HEAD"),
        (_, "/normalize") => method_not_allowed("POST"),
        _ => error_response(&TwilioError::not_found()),
    }
}

fn health() -> Result<Response> {
    json_response(
        &serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }),
        200,
    )
}
