//! The Worker's door onto the core: HTTP in, JSON out, every failure in Twilio's error shape.

use serde::{Deserialize, Serialize};
use worker::{event, Context, Env, Method, Request, RequestInit, Response, Result};

use crate::phone::{self, PhoneErrorCode};
use crate::verify::model::TwilioError;

pub(crate) mod counters;
mod engine;
mod objects;
mod protect;
mod public;
mod upstream;

/// Runs once when the isolate starts, before any request: pays the phone metadata's one-time cost there.
#[event(start)]
fn start() {
    phone::warm_up();
}

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let path = req.path();
    if path.starts_with("/v2/") {
        return engine::serve_rest(req, &env).await;
    }
    if path.starts_with("/verify/") || path == "/openapi.json" {
        return public::serve(req, &env).await;
    }
    if path.starts_with("/sna/") && matches!(req.method(), Method::Get | Method::Post) {
        return engine::serve_sna(&req, &env).await;
    }
    match (req.method(), path.as_str()) {
        (Method::Get, "/dev/inbox") => engine::serve_dev_inbox(&req, &env).await,
        (Method::Get, "/admin/pumping-blocks") => protect::serve_blocks(&req, &env).await,
        (Method::Get | Method::Head, "/health") => health(),
        (Method::Post, "/normalize") => normalize(&mut req).await,
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

/// The body of `POST /normalize`: `{"to": "...", "defaultRegion": "US"}`, `defaultRegion` optional.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NormalizeRequest {
    #[serde(default)]
    to: serde_json::Value,
    #[serde(default)]
    default_region: serde_json::Value,
}

async fn normalize(req: &mut Request) -> Result<Response> {
    let body = req.text().await.unwrap_or_default();
    let Ok(request) = serde_json::from_str::<NormalizeRequest>(&body) else {
        return error_response(&TwilioError::invalid_parameter("to").with_reason(
            "NOT_JSON",
            "the body must be a JSON object with a `to` string",
        ));
    };
    let to = match request.to {
        serde_json::Value::String(to) => to,
        serde_json::Value::Null => {
            return error_response(
                &TwilioError::invalid_parameter("to").with_reason("MISSING", "`to` is required"),
            )
        }
        _ => {
            return error_response(
                &TwilioError::invalid_parameter("to")
                    .with_reason("NOT_A_STRING", "`to` must be a string"),
            )
        }
    };
    let region = match request.default_region {
        serde_json::Value::Null => None,
        serde_json::Value::String(region) => Some(region),
        _ => {
            return error_response(
                &TwilioError::invalid_parameter("defaultRegion")
                    .with_reason("NOT_A_STRING", "`defaultRegion` must be a string"),
            )
        }
    };
    match phone::normalize_phone(&to, region.as_deref()) {
        Ok(number) => json_response(&number, 200),
        Err(e) => {
            let parameter = if e.code == PhoneErrorCode::UnknownRegion {
                "defaultRegion"
            } else {
                "to"
            };
            error_response(
                &TwilioError::invalid_parameter(parameter).with_reason(e.code.as_str(), &e.message),
            )
        }
    }
}

fn method_not_allowed(allow: &str) -> Result<Response> {
    let mut response = error_response(&TwilioError::method_not_allowed())?;
    response.headers_mut().set("Allow", allow)?;
    Ok(response)
}

/// A setting of the Worker: a secret or a var of that name, trimmed; `None` when unset or empty.
pub(crate) fn setting(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Sends `command` to the Durable Object `name` of `binding`; its answer is the answer.
pub(crate) async fn object_call(
    env: &Env,
    binding: &str,
    name: &str,
    command: &impl Serialize,
) -> Result<Response> {
    object_call_at(env, binding, name, "/", command).await
}

/// [`object_call`] at `path`, which tells an object holding more than one kind of record which one is meant.
pub(crate) async fn object_call_at(
    env: &Env,
    binding: &str,
    name: &str,
    path: &str,
    command: &impl Serialize,
) -> Result<Response> {
    let stub = env
        .durable_object(binding)?
        .id_from_name(name)?
        .get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(serde_json::to_string(command)?.into()));
    let request = Request::new_with_init(&format!("https://object.internal{path}"), &init)?;
    stub.fetch_with_request(request).await
}

/// The one door out for errors: Twilio's body with Twilio's HTTP status.
pub(crate) fn error_response(error: &TwilioError) -> Result<Response> {
    json_response(error, error.status)
}

/// A JSON answer with `status`, never cached (verification state changes under it).
pub(crate) fn json_response(body: &impl serde::Serialize, status: u16) -> Result<Response> {
    let mut response = Response::from_json(body)?.with_status(status);
    response.headers_mut().set("Cache-Control", "no-store")?;
    Ok(response)
}
