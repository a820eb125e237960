//! The legacy Authy phone verification API's door: `POST /protected/{json|xml}/phones/verification/start`,
//! `GET .../check` and `GET .../status`, for servers still written against `api.authy.com`.
//!
//! In order, every request is held to: `AUTHY_API_KEYS` being set (else the routes do not exist), its method, its
//! API key (`X-Authy-API-Key` or `api_key`, compared in constant time; failures counted per client as `/v2` logins
//! are), its body (8 KiB, read even on GET); then the public API's protections with the key as the client
//! ([`protect::Client::ApiKey`]), and only then the Verify v2 upstream, through the same calls the public API makes.
//! The core ([`crate::authy`]) reads the parameters and writes Authy's answers.

use subtle::ConstantTimeEq;
use worker::{console_log, Date, Env, Method, Request, Response, Result, Url};

use super::body::read_capped_any_method;
use super::config::{AuthyConfig, Upstream, WorkerConfig};
use super::public::protect::{self, Client, Refusal};
use super::public::upstream::{Answer, Call, Retry};
use crate::abuse::Protections;
use crate::api::UpstreamCheck;
use crate::authy::answer::{Answer as AuthyAnswer, Format, Started};
use crate::authy::error::AuthyError;
use crate::authy::params::{self, Check, Params, Start, Status};
use crate::authy::{self, ServicesByLength};
use crate::engine::time::parse_iso8601;
use crate::verify::model::{self, TwilioError};
use crate::verify::sid::ServiceSid;
use crate::verify::Target;

/// The largest body a legacy request may carry.
const MAX_BODY_BYTES: usize = 8 * 1024;

/// The three operations.
#[derive(Clone, Copy)]
enum Operation {
    Start,
    Check,
    Status,
}

/// Whether `path` is one of the legacy API's.
pub fn is_route(path: &str) -> bool {
    path.starts_with("/protected/")
}

/// Serves `/protected/...`.
pub async fn serve(mut req: Request, env: &Env, config: &WorkerConfig) -> Result<Response> {
    let url = req.url()?;
    let Some((format, operation)) = route(url.path()) else {
        return super::respond::error_response(&TwilioError::not_found());
    };
    let settings = match &config.authy {
        Ok(Some(settings)) => settings,
        // Off unless configured: the routes do not exist.
        Ok(None) => return super::respond::error_response(&TwilioError::not_found()),
        Err(e) => {
            console_log!("verify-edge: the legacy Authy API is misconfigured: {e}");
            return respond(format, Err(AuthyError::internal()));
        }
    };
    let allowed = match operation {
        Operation::Start => Method::Post,
        Operation::Check | Operation::Status => Method::Get,
    };
    if req.method() != allowed {
        let mut response = respond(
            format,
            Err(AuthyError::method_not_allowed(allowed.as_ref())),
        )?;
        response.headers_mut().set("Allow", allowed.as_ref())?;
        return Ok(response);
    }
    let outcome = answer(&mut req, &url, env, config, settings, operation).await;
    respond(format, outcome)
}

/// `(format, operation)` of `/protected/{json|xml}/phones/verification/{start|check|status}`.
fn route(path: &str) -> Option<(Format, Operation)> {
    let rest = path.strip_prefix("/protected/")?;
    let (format, rest) = rest.split_once('/')?;
    let format = match format {
        "json" => Format::Json,
        "xml" => Format::Xml,
        _ => return None,
    };
    let operation = match rest.strip_prefix("phones/verification/")? {
        "start" => Operation::Start,
        "check" => Operation::Check,
        "status" => Operation::Status,
        _ => return None,
    };
    Some((format, operation))
}

/// What one request needs: the Worker, its settings, this Worker's origin and the caller.
struct Context<'a> {
    env: &'a Env,
    config: &'a WorkerConfig,
    settings: &'a AuthyConfig,
    protections: &'a Protections,
    upstream: &'a Upstream,
    origin: Url,
    client: Client<'a>,
}

async fn answer(
    req: &mut Request,
    url: &Url,
    env: &Env,
    config: &WorkerConfig,
    settings: &AuthyConfig,
    operation: Operation,
) -> std::result::Result<AuthyAnswer, AuthyError> {
    let protections = protect::protections(config).map_err(|_| AuthyError::internal())?;
    let key_id = authenticate(req, url, env, protections, settings).await?;
    let body = read_capped_any_method(req, MAX_BODY_BYTES)
        .await
        .map_err(|_| AuthyError::too_large())?;
    let content_type = req.headers().get("Content-Type").ok().flatten();
    let params = Params::read(url.query().unwrap_or(""), &body, content_type.as_deref())?;
    let upstream = config.upstream.as_ref().map_err(|failure| {
        console_log!("verify-edge: upstream misconfigured: {failure}");
        AuthyError::internal()
    })?;
    let mut origin = url.clone();
    origin.set_path("/");
    origin.set_query(None);
    let cx = Context {
        env,
        config,
        settings,
        protections,
        upstream,
        origin,
        client: Client::ApiKey { key_id },
    };
    match operation {
        Operation::Start => start(&cx, &Start::read(&params)?).await,
        Operation::Check => check(&cx, &Check::read(&params)?).await,
        Operation::Status => status(&cx, &Status::read(&params)?).await,
    }
}

/// The key of the request (`X-Authy-API-Key`, or the `api_key` parameter of the query), checked against each of
/// `AUTHY_API_KEYS` by SHA-256 in constant time; its counter name (the first 8 bytes of its hash, in hex). A wrong
/// or missing key is 60001, and counts against the client's failed logins (`LIMIT_AUTH_FAILURES_PER_IP`), past
/// which every attempt is 60003 until the window ends.
async fn authenticate(
    req: &Request,
    url: &Url,
    env: &Env,
    protections: &Protections,
    settings: &AuthyConfig,
) -> std::result::Result<String, AuthyError> {
    use sha2::Digest as _;
    let presented = req
        .headers()
        .get("X-Authy-API-Key")
        .ok()
        .flatten()
        .or_else(|| {
            url.query_pairs()
                .find(|(name, _)| name == "api_key")
                .map(|(_, value)| value.into_owned())
        })
        .unwrap_or_default();
    let hash: [u8; 32] = sha2::Sha256::digest(presented.trim().as_bytes()).into();
    let known = settings
        .key_hashes
        .iter()
        .fold(subtle::Choice::from(0), |found, key| {
            found | key.ct_eq(&hash)
        });
    protect::guard_login(env, req, protections, || {
        if bool::from(known) {
            Ok(())
        } else {
            Err(TwilioError::authenticate())
        }
    })
    .await
    .map_err(|refusal| match refusal.error.status {
        429 => AuthyError::dos_protection(refusal.retry_after),
        _ => AuthyError::invalid_api_key(),
    })?;
    Ok(hash[..8].iter().map(|b| format!("{b:02x}")).collect())
}

/// `POST .../start`: the code length's Service, the public API's protections for a start, then CreateVerification
/// upstream (a repeat within the code's life resends the same code, as v2 does).
async fn start(cx: &Context<'_>, start: &Start) -> std::result::Result<AuthyAnswer, AuthyError> {
    let service_sid = cx.settings.services.for_length(start.code_length)?;
    let upstream = cx.upstream.for_service(service_sid.clone());
    if cx.settings.services == ServicesByLength::Engine {
        ensure_engine_service(cx, &service_sid, start.code_length).await?;
    }
    let prepared = start.to_upstream();
    let phone = authy::display(&start.phone);
    protect::guard_start(
        cx.env,
        cx.config,
        &cx.client,
        cx.protections,
        &prepared,
        &upstream,
    )
    .await
    .map_err(|refusal| refused(&refusal, Some(&phone)))?;
    let answer = send(cx, &upstream, Call::Start(&prepared), Retry::Never).await?;
    if !matches!(answer.status, 200 | 201) {
        return Err(upstream_refusal(&answer, Some(&phone)));
    }
    protect::sent(cx.env, &cx.client, cx.protections, &prepared).await;
    let verification = serde_json::from_slice::<model::Verification>(&answer.body)
        .ok()
        .filter(|v| v.sid.is_some())
        .ok_or_else(|| unreadable(&upstream, answer.status))?;
    let sid = verification
        .sid
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let carrier = verification
        .lookup
        .as_ref()
        .and_then(|lookup| lookup.carrier.as_ref());
    let is_cellphone = match carrier.and_then(|c| c.line_type.as_deref()) {
        Some(line) => line == "mobile",
        None => params::is_cellphone(&start.phone),
    };
    let sms_id = start.custom_code.as_ref().and_then(|_| {
        verification
            .send_code_attempts
            .as_ref()
            .and_then(|attempts| attempts.last())
            .map(|attempt| authy::uuid_of_sid(&attempt.attempt_sid.to_string()))
    });
    console_log!(
        "verify-edge: legacy start {sid} to {} by {}",
        crate::api::mask_recipient(&start.phone.e164),
        start.via.channel().as_str()
    );
    Ok(AuthyAnswer::started(&Started {
        carrier: carrier.and_then(|c| c.name.clone()),
        is_cellphone,
        message: authy::sent_message(start.via, &start.phone),
        seconds_to_expire: seconds_left(cx, verification.date_created.as_deref()),
        uuid: authy::uuid_of_sid(&sid),
        sms_id,
    }))
}

/// `GET .../check`: the per-key and per-verification check limits, the Service where the number's latest pending
/// verification is, then CreateVerificationCheck there. Right: "Verification code is correct."; wrong: 60022.
async fn check(cx: &Context<'_>, check: &Check) -> std::result::Result<AuthyAnswer, AuthyError> {
    let phone = authy::display(&check.phone);
    let to = check.phone.e164.clone();
    protect::guard_check(cx.env, &cx.client, cx.protections, &to)
        .await
        .map_err(|refusal| refused(&refusal, Some(&phone)))?;
    let found = find(cx, &Target::To(to.clone())).await?;
    let Some(Found::Pending { upstream, .. }) = found else {
        return Err(AuthyError::no_pending(&phone));
    };
    let request = UpstreamCheck {
        target: Target::To(to.clone()),
        code: Some(check.code.clone()),
        sna_client_token: None,
    };
    let answer = send(cx, &upstream, Call::Check(&request), Retry::Never).await?;
    if !matches!(answer.status, 200 | 201) {
        return Err(upstream_refusal(&answer, Some(&phone)));
    }
    let result = serde_json::from_slice::<model::VerificationCheck>(&answer.body)
        .map_err(|_| unreadable(&upstream, answer.status))?;
    if result.status == Some(model::Status::Approved) {
        protect::approved(cx.env, cx.protections, &to).await;
        Ok(AuthyAnswer::correct())
    } else {
        Err(AuthyError::incorrect_code())
    }
}

/// `GET .../status`: counted as a check of the key; the verification by `uuid`, or the number's latest, wherever
/// its Service is: `pending` (with the seconds its code has left), `verified`, or `expired` (also a canceled one).
async fn status(cx: &Context<'_>, status: &Status) -> std::result::Result<AuthyAnswer, AuthyError> {
    protect::guard_client_check(cx.env, &cx.client, cx.protections)
        .await
        .map_err(|refusal| refused(&refusal, None))?;
    let (target, phone) = match status {
        Status::Uuid(sid) => (Target::Sid(sid.clone()), None),
        Status::Phone(number) => (
            Target::To(number.e164.clone()),
            Some(authy::display(number)),
        ),
    };
    match find(cx, &target).await? {
        Some(Found::Pending { created, .. }) => Ok(AuthyAnswer::status(
            "pending",
            seconds_left(cx, created.as_deref()),
        )),
        Some(Found::Gone(model::Status::Approved)) => Ok(AuthyAnswer::status("verified", 0)),
        Some(Found::Gone(_)) => Ok(AuthyAnswer::status("expired", 0)),
        None => Err(phone.map_or_else(AuthyError::not_found, |p| AuthyError::no_pending(&p))),
    }
}

/// A verification found upstream.
enum Found {
    /// Pending, in the Service `upstream` calls, created at `created` (ISO 8601).
    Pending {
        upstream: Upstream,
        created: Option<String>,
    },
    /// No longer pending: the upstream said why (the engine does; Twilio answers a bare 404, which is `None`).
    Gone(model::Status),
}

/// Looks for `target` in every Service a legacy verification may be in (one per code length): the latest pending
/// one, or else what a Service said of one that is gone. Fetches only (idempotent).
async fn find(cx: &Context<'_>, target: &Target) -> std::result::Result<Option<Found>, AuthyError> {
    let mut latest: Option<(u64, Found)> = None;
    let mut gone = None;
    for (_, service_sid) in cx.settings.services.all() {
        let upstream = cx.upstream.for_service(service_sid);
        let answer = send(cx, &upstream, Call::Fetch(target), Retry::Idempotent).await?;
        match answer.status {
            200 => {
                let verification = serde_json::from_slice::<model::Verification>(&answer.body)
                    .map_err(|_| unreadable(&upstream, answer.status))?;
                if verification.status != Some(model::Status::Pending) {
                    continue;
                }
                let created = verification.date_created.clone();
                let at = created.as_deref().and_then(parse_iso8601).unwrap_or(0);
                if latest.as_ref().is_none_or(|(t, _)| at >= *t) {
                    latest = Some((at, Found::Pending { upstream, created }));
                }
            }
            404 => {
                gone = gone.or_else(|| gone_status(&answer.body));
            }
            _ => return Err(upstream_refusal(&answer, None)),
        }
    }
    Ok(latest.map(|(_, found)| found).or(gone.map(Found::Gone)))
}

/// What a 404's `details.reason` says of a verification that is gone (`VERIFICATION_APPROVED`, ...).
fn gone_status(body: &[u8]) -> Option<model::Status> {
    let body: serde_json::Value = serde_json::from_slice(body).ok()?;
    match body.pointer("/details/reason")?.as_str()? {
        "VERIFICATION_APPROVED" => Some(model::Status::Approved),
        "VERIFICATION_CANCELED" => Some(model::Status::Canceled),
        "VERIFICATION_EXPIRED" => Some(model::Status::Expired),
        _ => None,
    }
}

/// Creates the engine's Service for `length`-digit codes, or sets its code length and custom codes when they
/// differ (someone changed it through `/v2`).
async fn ensure_engine_service(
    cx: &Context<'_>,
    sid: &ServiceSid,
    length: u8,
) -> std::result::Result<(), AuthyError> {
    let failed = |what: String| {
        console_log!("verify-edge: the legacy API's Service {sid}: {what}");
        AuthyError::internal()
    };
    let account = cx
        .config
        .engine
        .as_ref()
        .map_err(|e| failed(e.message.clone()))?;
    let base_url = cx.origin.origin().ascii_serialization();
    let services = super::engine::services::Services::new(cx.env, &account.account_sid, &base_url);
    let service = services
        .load_or_create(sid, &format!("verify-edge legacy ({length} digits)"))
        .await
        .map_err(|e| failed(e.to_string()))?;
    if service.code_length == u32::from(length) && service.custom_code_enabled == Some(true) {
        return Ok(());
    }
    let form = format!("CodeLength={length}&CustomCodeEnabled=true");
    let updated = super::engine::update_service_in_process(cx.env, cx.config, sid, form, &base_url)
        .await
        .map_err(|e| failed(e.to_string()))?;
    if updated.status_code() != 200 {
        return Err(failed(format!("update answered {}", updated.status_code())));
    }
    Ok(())
}

/// Seconds left of a code created at `created` (ISO 8601), by the configured lifetime.
fn seconds_left(cx: &Context<'_>, created: Option<&str>) -> u64 {
    let now = Date::now().as_millis();
    let created = created.and_then(parse_iso8601).unwrap_or(now);
    authy::seconds_to_expire(created, cx.config.lifetime_ms, now)
}

/// Makes `call`; a failure is logged and becomes 60000.
async fn send(
    cx: &Context<'_>,
    upstream: &Upstream,
    call: Call<'_>,
    retry: Retry,
) -> std::result::Result<Answer, AuthyError> {
    upstream
        .call_or_log(cx.env, cx.config, &cx.origin, call, retry)
        .await
        .map_err(|()| AuthyError::internal())
}

/// A refusal of the protections, as Authy says it.
fn refused(refusal: &Refusal, phone: Option<&str>) -> AuthyError {
    AuthyError::from_verify(&refusal.error, phone, refusal.retry_after)
}

/// An upstream error answer, as Authy says it.
fn upstream_refusal(answer: &Answer, phone: Option<&str>) -> AuthyError {
    let error = crate::api::public_error(answer.status, &answer.body);
    let retry_after = answer
        .retry_after
        .as_deref()
        .and_then(|r| r.trim().parse::<u64>().ok());
    AuthyError::from_verify(&error, phone, retry_after)
}

/// An upstream answer that is not Verify v2's: logged, 60000.
fn unreadable(upstream: &Upstream, status: u16) -> AuthyError {
    console_log!(
        "verify-edge: {} upstream answered HTTP {status} to a legacy call with a body that is not Verify v2's",
        upstream.kind()
    );
    AuthyError::internal()
}

/// The answer in `format`, with `Retry-After` on a 429. Never cached.
fn respond(
    format: Format,
    outcome: std::result::Result<AuthyAnswer, AuthyError>,
) -> Result<Response> {
    let (answer, retry_after) = match outcome {
        Ok(answer) => (answer, None),
        Err(error) => (AuthyAnswer::error(&error), error.retry_after),
    };
    let mut response = Response::ok(answer.render(format))?.with_status(answer.status);
    let headers = response.headers_mut();
    headers.set("Content-Type", format.content_type())?;
    headers.set("Cache-Control", "no-store")?;
    if let Some(seconds) = retry_after {
        headers.set("Retry-After", &seconds.max(1).to_string())?;
    }
    Ok(response)
}
