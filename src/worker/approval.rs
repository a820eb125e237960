//! Approval tokens at the Worker's door: the core ([`crate::approval`]) signs and checks them; this room supplies
//! the settings, the clock and the origin, and serves what goes with them:
//!
//! - `GET /.well-known/jwks.json`: the public keys (the current one, then those still accepted after a rotation);
//! - `POST /verify/redeem`: for the operator's server (`Authorization: Bearer <APPROVAL_REDEEM_SECRET>`, never a
//!   browser): checks a token and answers its claims, once per token;
//! - the approval webhook (`APPROVAL_WEBHOOK_URL`): each token POSTed to the operator's server after the answer,
//!   with a timeout and a bounded retry, never delaying or failing the user's check.

use worker::{
    console_log, AbortSignal, Context, Date, Env, Fetch, Headers, Method, Request, RequestInit,
    Response, Result, Url,
};

use super::body::read_capped;
use super::config::WorkerConfig;
use super::objects::protocol::RedemptionCommand;
use super::objects::{call, Store};
use super::public::protect;
use super::respond::{error_response, json_response, method_not_allowed};
use crate::api::{BodyKind, RedeemParams, MAX_BODY_BYTES};
use crate::approval::token::{Approval, Claims, FactorApproval};
use crate::engine::access::same_secret;
use crate::verify::model::TwilioError;
use crate::verify::Reason;

/// How many times the approval webhook is tried for one token.
const WEBHOOK_ATTEMPTS: u32 = 3;
/// The wait before the second attempt; doubled before each later one.
const WEBHOOK_FIRST_BACKOFF_MS: u64 = 500;

/// The token for `approval`, signed now by the Worker at `origin`; 20500 (and the log says why) when tokens
/// cannot be signed.
pub fn mint(
    config: &WorkerConfig,
    approval: &Approval,
    origin: &str,
) -> std::result::Result<String, TwilioError> {
    let approvals = config.approvals()?;
    Ok(approvals.mint(approval, origin, Date::now().as_millis()))
}

/// The token for a factor's `approval` (a TOTP challenge), signed now by the Worker at `origin`; 20500 when tokens
/// cannot be signed.
pub fn mint_factor(
    config: &WorkerConfig,
    approval: &FactorApproval<'_>,
    origin: &str,
) -> std::result::Result<String, TwilioError> {
    let approvals = config.approvals()?;
    Ok(approvals.mint_factor(approval, origin, Date::now().as_millis()))
}

/// `GET /.well-known/jwks.json`: public, cacheable for five minutes (so a key removed after a rotation stops
/// verifying within five minutes of its removal, at apps that cache as told).
pub fn serve_jwks(config: &WorkerConfig) -> Result<Response> {
    let approvals = match config.approvals() {
        Ok(approvals) => approvals,
        Err(e) => return error_response(&e),
    };
    let mut response = json_response(&approvals.jwks(), 200)?;
    let headers = response.headers_mut();
    headers.set("Content-Type", "application/jwk-set+json")?;
    headers.set("Access-Control-Allow-Origin", "*")?;
    headers.set("Cache-Control", "public, max-age=300")?;
    Ok(response)
}

/// `POST /verify/redeem`.
pub async fn serve_redeem(mut req: Request, env: &Env, config: &WorkerConfig) -> Result<Response> {
    let Some(secret) = &config.redeem_secret else {
        return error_response(&TwilioError::not_found());
    };
    if req.method() != Method::Post {
        return method_not_allowed("POST");
    }
    if is_browser(&req)? {
        console_log!("verify-edge: refused a redeem from a browser");
        return error_response(&TwilioError::forbidden().with_reason(
            Reason::CrossSiteRefused,
            "redeem is for the app's server, with its secret; browsers may not call it",
        ));
    }
    let protections = match protect::protections(config) {
        Ok(protections) => protections,
        Err(e) => return error_response(&e),
    };
    let given = req.headers().get("Authorization")?.unwrap_or_default();
    let login = protect::guard_login(env, &req, protections, || {
        let given = given.strip_prefix("Bearer ").unwrap_or_default();
        if same_secret(given, secret) {
            Ok(())
        } else {
            Err(TwilioError::authenticate())
        }
    })
    .await;
    if let Err(refusal) = login {
        console_log!("verify-edge: refused a redeem without the redeem secret");
        let mut response = refusal.response()?;
        if refusal.error.status == 401 {
            response
                .headers_mut()
                .set("WWW-Authenticate", "Bearer realm=\"verify-edge redeem\"")?;
        }
        return Ok(response);
    }
    match redeem(&mut req, env, config).await {
        Ok(claims) => json_response(&claims, 200),
        Err(e) => error_response(&e),
    }
}

async fn redeem(
    req: &mut Request,
    env: &Env,
    config: &WorkerConfig,
) -> std::result::Result<Claims, TwilioError> {
    let content_type = req.headers().get("Content-Type").ok().flatten();
    let kind = BodyKind::from_content_type(content_type.as_deref())?;
    let body = read_capped(req, MAX_BODY_BYTES).await?;
    let params = RedeemParams::from_body(&body, kind)?;
    let approvals = config.approvals()?;
    let origin = req
        .url()
        .map(|url| url.origin().ascii_serialization())
        .map_err(|_| TwilioError::internal_error())?;
    let claims = approvals.check(&params.token, &origin, Date::now().as_millis())?;
    let command = RedemptionCommand::Redeem {
        expires_at_ms: claims.exp.saturating_mul(1000),
    };
    let mut answer = call(env, Store::Redemptions, &claims.jti, &command)
        .await
        .map_err(|e| {
            console_log!("verify-edge: the redemption store failed: {e}");
            TwilioError::internal_error()
        })?;
    match answer.status_code() {
        200 => Ok(claims),
        _ => Err(answer
            .json::<TwilioError>()
            .await
            .unwrap_or_else(|_| TwilioError::internal_error())),
    }
}

/// Whether a browser sent this request: every current browser sends `Sec-Fetch-Site` and `Sec-Fetch-Dest` with
/// each request, and an `Origin` with each script's POST. Servers send none of them (Node's `fetch` sends only
/// `Sec-Fetch-Mode`, which is not looked at for that reason).
fn is_browser(req: &Request) -> Result<bool> {
    let headers = req.headers();
    Ok(headers.get("Sec-Fetch-Site")?.is_some()
        || headers.get("Sec-Fetch-Dest")?.is_some()
        || headers.get("Origin")?.is_some())
}

/// Pushes `token` to the approval webhook, if one is set, after the answer: the user's check neither waits for it
/// nor fails with it.
pub fn push(ctx: &Context, config: &WorkerConfig, token: &str) {
    let Ok(Some(url)) = &config.approval_webhook_url else {
        return;
    };
    let (url, token, timeout_ms) = (
        url.clone(),
        token.to_owned(),
        config.approval_webhook_timeout_ms,
    );
    ctx.wait_until(async move { deliver(url, token, timeout_ms).await });
}

/// Up to [`WEBHOOK_ATTEMPTS`] POSTs of `{"token": ...}`, each within `timeout_ms`, backing off between them; a
/// 2xx ends it, as does a 4xx other than 408 and 429 (the server refused it: asking again changes nothing).
async fn deliver(url: Url, token: String, timeout_ms: u32) {
    let body = serde_json::json!({ "token": token }).to_string();
    let mut backoff_ms = WEBHOOK_FIRST_BACKOFF_MS;
    for attempt in 1..=WEBHOOK_ATTEMPTS {
        let outcome = post(&url, &body, timeout_ms).await;
        let retry = match &outcome {
            Ok(status) if (200..300).contains(status) => return,
            Ok(status) => *status >= 500 || *status == 408 || *status == 429,
            Err(_) => true,
        };
        let what = match outcome {
            Ok(status) => format!("answered HTTP {status}"),
            Err(why) => why,
        };
        console_log!(
            "verify-edge: the approval webhook {what} (attempt {attempt} of {WEBHOOK_ATTEMPTS})"
        );
        if !retry || attempt == WEBHOOK_ATTEMPTS {
            return;
        }
        worker::Delay::from(std::time::Duration::from_millis(backoff_ms)).await;
        backoff_ms *= 2;
    }
}

async fn post(url: &Url, body: &str, timeout_ms: u32) -> std::result::Result<u16, String> {
    let headers = Headers::new();
    headers
        .set("Content-Type", "application/json")
        .and_then(|()| {
            headers.set(
                "User-Agent",
                concat!("verify-edge/", env!("CARGO_PKG_VERSION")),
            )
        })
        .map_err(|e| e.to_string())?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(body.into()));
    let request = Request::new_with_init(url.as_str(), &init).map_err(|e| e.to_string())?;
    let signal = AbortSignal::from(web_sys::AbortSignal::timeout_with_u32(timeout_ms));
    match Fetch::Request(request).send_with_signal(&signal).await {
        Ok(response) => Ok(response.status_code()),
        Err(_) if signal.aborted() => Err(format!("did not answer within {timeout_ms} ms")),
        Err(_) => Err("could not be reached".to_owned()),
    }
}
