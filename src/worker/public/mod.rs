//! The public API that browsers call: `POST /verify/start`, `POST /verify/check`, `GET /verify/status/{sid}`, and
//! authenticator apps' `POST /verify/totp/{enroll,confirm,check}` ([`totp`]).
//!
//! In order, every request is held to: its method, its `Origin` ([`cors`], from `ALLOWED_ORIGINS`), its content
//! type (415), its size (413) and its parameters (60200, read by [`crate::api`]); then the abuse protections
//! ([`protect`]); only then does it go upstream ([`upstream`]), with the Worker's credentials. Upstream answers
//! come back as the safe views of [`crate::api`], errors as [`crate::api::public_error`] makes them.

pub mod cors;
mod passkey;
pub mod protect;
mod totp;
pub mod upstream;

use worker::{console_log, Date, Env, Method, Request, Response, Result, Url};

use self::cors::{access, finish, preflight, Access};
use self::protect::{Client, Refusal};
use self::upstream::{Answer, Call, Retry};
use super::approval;
use super::body::read_capped;
use super::config::{Upstream, WorkerConfig};
use super::respond::{error_response, json_response};
use crate::api::{self, mask_recipient, BodyKind, CheckParams, StartParams, MAX_BODY_BYTES};
use crate::approval::token::Approval;
use crate::engine::time::parse_iso8601;
use crate::verify::model::{self, TwilioError};
use crate::verify::sid::VerificationSid;
use crate::verify::Reason;
use crate::verify::Target;

/// The OpenAPI 3.1 description of this API, served at `/openapi.json`.
const OPENAPI: &str = include_str!("../../../openapi/public-api.json");

/// A public API request's context: the Worker, its configuration and this Worker's origin.
struct Context<'a> {
    env: &'a Env,
    config: &'a WorkerConfig,
    origin: Url,
    /// The origin as text (`https://host`): the approval tokens' issuer unless `APPROVAL_ISSUER` says otherwise.
    own_origin: &'a str,
    /// The request's execution context: the approval webhook runs after the answer, within it.
    ctx: &'a worker::Context,
}

/// Serves `/verify/...` and `/openapi.json`.
pub async fn serve(
    mut req: Request,
    env: &Env,
    config: &WorkerConfig,
    ctx: &worker::Context,
) -> Result<Response> {
    let url = req.url()?;
    let own_origin = url.origin().ascii_serialization();
    let path = url.path().to_owned();
    if path == "/openapi.json" {
        return openapi(&req);
    }
    let access = access(&req, &config.cors, &own_origin)?;
    let mut origin = url.clone();
    origin.set_path("/");
    origin.set_query(None);
    let cx = Context {
        env,
        config,
        origin,
        own_origin: &own_origin,
        ctx,
    };
    let method = req.method();
    let route = match path.as_str() {
        "/verify/config" => Route::Config,
        "/verify/start" => Route::Start,
        "/verify/check" => Route::Check,
        "/verify/totp/enroll" => Route::TotpEnroll,
        "/verify/totp/confirm" => Route::TotpConfirm,
        "/verify/totp/check" => Route::TotpCheck,
        "/verify/passkey/register/options" => Route::PasskeyRegisterOptions,
        "/verify/passkey/register" => Route::PasskeyRegister,
        "/verify/passkey/signin/options" => Route::PasskeySignInOptions,
        "/verify/passkey/signin" => Route::PasskeySignIn,
        _ => match path.strip_prefix("/verify/status/") {
            Some(sid) if !sid.is_empty() && !sid.contains('/') => Route::Status(sid.to_owned()),
            _ => return finish(error_response(&TwilioError::not_found()), &access),
        },
    };
    if method == Method::Options {
        return preflight(&access, route.allow());
    }
    if let Access::Refused = access {
        console_log!("verify-edge: refused a call from an origin not in ALLOWED_ORIGINS");
        return error_response(&api::origin_not_allowed());
    }
    // Every request costs its client, whatever it answers.
    if let Err(refusal) = guard(cx.env, &req, cx.config).await {
        return finish(answer::<()>(Err(refusal), 200), &access);
    }
    let response = match (route, method) {
        (Route::Start, Method::Post) => match read_body(&mut req).await {
            Ok((body, kind)) => answer(start(&cx, &req, &body, kind).await, 201),
            Err(e) => error_response(&e),
        },
        (Route::Check, Method::Post) => match read_body(&mut req).await {
            Ok((body, kind)) => answer(check(&cx, &req, &body, kind).await, 200),
            Err(e) => error_response(&e),
        },
        (Route::TotpEnroll, Method::Post) => match read_body(&mut req).await {
            Ok((body, kind)) => answer(totp::enroll(&cx, &req, &body, kind).await, 201),
            Err(e) => error_response(&e),
        },
        (Route::TotpConfirm, Method::Post) => match read_body(&mut req).await {
            Ok((body, kind)) => answer(totp::confirm(&cx, &req, &body, kind).await, 200),
            Err(e) => error_response(&e),
        },
        (Route::TotpCheck, Method::Post) => match read_body(&mut req).await {
            Ok((body, kind)) => answer(totp::check(&cx, &req, &body, kind).await, 200),
            Err(e) => error_response(&e),
        },
        (Route::PasskeyRegisterOptions, Method::Post) => match read_body(&mut req).await {
            Ok((body, kind)) => {
                answer(passkey::register_options(&cx, &req, &body, kind).await, 201)
            }
            Err(e) => error_response(&e),
        },
        (Route::PasskeyRegister, Method::Post) => match read_body(&mut req).await {
            Ok((body, kind)) => answer(passkey::register(&cx, &req, &body, kind).await, 200),
            Err(e) => error_response(&e),
        },
        (Route::PasskeySignInOptions, Method::Post) => match read_body(&mut req).await {
            Ok((body, kind)) => answer(passkey::signin_options(&cx, &req, &body, kind).await, 201),
            Err(e) => error_response(&e),
        },
        (Route::PasskeySignIn, Method::Post) => match read_body(&mut req).await {
            Ok((body, kind)) => answer(passkey::signin(&cx, &req, &body, kind).await, 200),
            Err(e) => error_response(&e),
        },
        (Route::Status(sid), Method::Get | Method::Head) => answer(status(&cx, &sid).await, 200),
        (Route::Config, Method::Get | Method::Head) => page_config(config),
        (route, _) => {
            let mut response = error_response(&TwilioError::method_not_allowed())?;
            response.headers_mut().set("Allow", route.allow())?;
            Ok(response)
        }
    };
    finish(response, &access)
}

enum Route {
    Config,
    Start,
    Check,
    TotpEnroll,
    TotpConfirm,
    TotpCheck,
    PasskeyRegisterOptions,
    PasskeyRegister,
    PasskeySignInOptions,
    PasskeySignIn,
    Status(String),
}

impl Route {
    fn allow(&self) -> &'static str {
        match self {
            Self::Start
            | Self::Check
            | Self::TotpEnroll
            | Self::TotpConfirm
            | Self::TotpCheck
            | Self::PasskeyRegisterOptions
            | Self::PasskeyRegister
            | Self::PasskeySignInOptions
            | Self::PasskeySignIn => "POST, OPTIONS",
            Self::Status(_) | Self::Config => "GET, HEAD, OPTIONS",
        }
    }
}

fn openapi(req: &Request) -> Result<Response> {
    if !matches!(req.method(), Method::Get | Method::Head) {
        let mut response = error_response(&TwilioError::method_not_allowed())?;
        response.headers_mut().set("Allow", "GET, HEAD")?;
        return Ok(response);
    }
    let mut response = Response::ok(OPENAPI)?;
    let headers = response.headers_mut();
    headers.set("Content-Type", "application/json")?;
    headers.set("Access-Control-Allow-Origin", "*")?;
    headers.set("Cache-Control", "public, max-age=300")?;
    Ok(response)
}

/// `GET /verify/config`: what a page needs to know to call this API: the Turnstile site key (public by design)
/// when starts need a token, and whether the development inbox is on.
fn page_config(config: &WorkerConfig) -> Result<Response> {
    json_response(
        &serde_json::json!({
            "turnstileSiteKey": config.turnstile_site_key,
            "devInbox": config.dev_inbox,
        }),
        200,
    )
}

/// The body, if it is JSON or a form (415 otherwise) of at most [`MAX_BODY_BYTES`] (413 otherwise).
async fn read_body(req: &mut Request) -> std::result::Result<(Vec<u8>, BodyKind), TwilioError> {
    let content_type = req.headers().get("Content-Type").ok().flatten();
    let kind = BodyKind::from_content_type(content_type.as_deref())?;
    Ok((read_capped(req, MAX_BODY_BYTES).await?, kind))
}

/// Counts the request against its client's allowance ([`protect::guard_request`]).
async fn guard(
    env: &Env,
    req: &Request,
    config: &WorkerConfig,
) -> std::result::Result<(), Refusal> {
    let protections = protect::protections(config)?;
    protect::guard_request(env, req, protections).await
}

/// For the other public routes (the simulated carrier, `/normalize`): counts the request against its client's
/// allowance, and answers the refusal (429 with `Retry-After`) when it is spent.
pub async fn refuse_over_allowance(
    req: &Request,
    env: &Env,
    config: &WorkerConfig,
) -> Result<Option<Response>> {
    match guard(env, req, config).await {
        Ok(()) => Ok(None),
        Err(refusal) => answer::<()>(Err(refusal), 200).map(Some),
    }
}

/// Checks `identityToken` as proof of identity (an approval token of this Worker, or the operator's identity token;
/// 60200 naming `identityToken` otherwise), then counts the request against that identity's allowance and its
/// client's checks: what authenticator apps and passkey registrations ask first.
async fn proven_identity(
    cx: &Context<'_>,
    req: &Request,
    identity_token: &str,
) -> std::result::Result<crate::approval::identity::Vouched, Refusal> {
    let approvals = cx.config.approvals()?;
    let operator = cx.config.identity_issuer()?;
    let vouched = crate::approval::identity::vouch(
        identity_token,
        approvals,
        operator,
        cx.own_origin,
        Date::now().as_millis(),
    )
    .map_err(|e| e.as_twilio_error("identityToken"))?;
    let protections = protect::protections(cx.config)?;
    protect::guard_identity(cx.env, req, protections, &vouched.entity_identity()).await?;
    Ok(vouched)
}

/// The configured upstream; a misconfigured one is logged and answered with a generic 502.
fn upstream_of<'a>(cx: &Context<'a>) -> std::result::Result<&'a Upstream, TwilioError> {
    cx.config.upstream.as_ref().map_err(|failure| {
        console_log!("verify-edge: upstream misconfigured: {failure}");
        TwilioError::upstream_failed()
    })
}

async fn start(
    cx: &Context<'_>,
    req: &Request,
    body: &[u8],
    kind: BodyKind,
) -> std::result::Result<api::Verification, Refusal> {
    let params = StartParams::from_body(body, kind)?;
    params.check_friendly_name(&cx.config.allowed_friendly_names)?;
    let prepared = params.to_upstream()?;
    let protections = protect::protections(cx.config)?;
    let upstream = upstream_of(cx)?;
    let client = Client::browser(req, params.turnstile_token.as_deref());
    protect::guard_start(cx.env, cx.config, &client, protections, &prepared, upstream).await?;
    let answer = create(cx, upstream, &prepared).await?;
    if answer.status != 201 && answer.status != 200 {
        let target = Target::To(prepared.to);
        return Err(refused(cx, upstream, &answer, Some(&target)).await);
    }
    protect::sent(cx.env, &client, protections, &prepared).await;
    let view =
        verification_view(&answer.body).ok_or_else(|| unreadable(upstream, answer.status))?;
    console_log!(
        "verify-edge: started {} to {} by {}",
        view.sid,
        mask_recipient(&view.to),
        view.channel.as_str()
    );
    Ok(view)
}

/// Creates the verification upstream. When no answer comes back, whether it was created is unknown (workerd's fetch
/// does not say whether a failed request was sent), so it is reconciled rather than blindly repeated: after
/// `UPSTREAM_RECONCILE_DELAY_MS`, a pending verification for the recipient means it went through (or one was
/// already out) and is answered as created, with no second message sent; none means it did not, and the create is
/// sent once more. What remains: an upstream that processes the first create later than the timeout plus that
/// delay sends a second message (README, "Upstream").
async fn create(
    cx: &Context<'_>,
    upstream: &Upstream,
    prepared: &api::UpstreamStart,
) -> std::result::Result<Answer, TwilioError> {
    let first = match upstream
        .call(
            cx.env,
            cx.config,
            &cx.origin,
            Call::Start(prepared),
            Retry::Never,
        )
        .await
    {
        Ok(answer) => return Ok(answer),
        Err(failure) => failure,
    };
    console_log!(
        "verify-edge: {} upstream failed on Verifications ({}); looking for the verification before any retry",
        upstream.kind(),
        first.describe()
    );
    // A create that got no answer may still be on its way to, or inside, the upstream: wait before looking, so a
    // create the upstream processes late is found rather than sent again.
    if let Upstream::Twilio { .. } = upstream {
        worker::Delay::from(std::time::Duration::from_millis(
            cx.config.reconcile_delay_ms,
        ))
        .await;
    }
    let target = Target::To(prepared.to.clone());
    let found = send(cx, upstream, Call::Fetch(&target), Retry::Idempotent).await?;
    let pending = serde_json::from_slice::<model::Verification>(&found.body)
        .is_ok_and(|v| v.status == Some(model::Status::Pending));
    match found.status {
        200 if pending => Ok(Answer {
            status: 201,
            ..found
        }),
        200 | 404 => send(cx, upstream, Call::Start(prepared), Retry::Never).await,
        _ => Err(TwilioError::upstream_failed()),
    }
}

async fn check(
    cx: &Context<'_>,
    req: &Request,
    body: &[u8],
    kind: BodyKind,
) -> std::result::Result<api::VerificationCheck, Refusal> {
    let prepared = CheckParams::from_body(body, kind)?.to_upstream()?;
    // An approval must come with its token: without a usable signing key, nothing is checked (so no code is
    // spent on an approval that could not be proven).
    cx.config.approvals()?;
    let protections = protect::protections(cx.config)?;
    let target = match &prepared.target {
        Target::Sid(sid) => sid.to_string(),
        Target::To(to) => to.clone(),
    };
    protect::guard_check(cx.env, &Client::browser(req, None), protections, &target).await?;
    let upstream = upstream_of(cx)?;
    let answer = send(cx, upstream, Call::Check(&prepared), Retry::Never).await?;
    if answer.status != 200 && answer.status != 201 {
        return Err(refused(cx, upstream, &answer, Some(&prepared.target)).await);
    }
    let upstream_check = serde_json::from_slice::<model::VerificationCheck>(&answer.body).ok();
    let (mut view, to, channel) = upstream_check
        .as_ref()
        .and_then(|c| {
            api::VerificationCheck::from_upstream(c).map(|view| (view, c.to.clone(), c.channel))
        })
        .ok_or_else(|| unreadable(upstream, answer.status))?;
    if view.status == model::Status::Approved {
        let to = to.ok_or_else(|| unreadable(upstream, answer.status))?;
        protect::approved(cx.env, protections, &to).await;
        let approval = Approval {
            verification_sid: view.sid.clone(),
            to,
            channel,
        };
        let token = approval::mint(cx.config, &approval, cx.own_origin)?;
        approval::push(cx.ctx, cx.config, &token);
        view.token = Some(token);
    }
    Ok(view)
}

async fn status(cx: &Context<'_>, sid: &str) -> std::result::Result<api::Verification, Refusal> {
    let sid = sid.parse::<VerificationSid>().map_err(|_| {
        TwilioError::not_found().with_reason(
            Reason::NotAVerificationSid,
            "a verification SID is VE and 32 hex digits",
        )
    })?;
    let upstream = upstream_of(cx)?;
    let target = Target::Sid(sid);
    let answer = send(cx, upstream, Call::Fetch(&target), Retry::Idempotent).await?;
    if answer.status != 200 {
        return Err(refused(cx, upstream, &answer, None).await);
    }
    let view =
        verification_view(&answer.body).ok_or_else(|| unreadable(upstream, answer.status))?;
    // Whoever holds a SID learns no more of the number than its last digits.
    Ok(api::Verification {
        to: mask_recipient(&view.to),
        ..view
    })
}

/// The public view of an upstream Verification's JSON, if it is one.
fn verification_view(body: &[u8]) -> Option<api::Verification> {
    serde_json::from_slice::<model::Verification>(body)
        .ok()
        .as_ref()
        .and_then(api::Verification::from_upstream)
}

/// Makes `call` upstream; a failure is logged and becomes the generic 502.
async fn send(
    cx: &Context<'_>,
    upstream: &Upstream,
    call: Call<'_>,
    retry: Retry,
) -> std::result::Result<Answer, TwilioError> {
    upstream
        .call_or_log(cx.env, cx.config, &cx.origin, call, retry)
        .await
        .map_err(|()| TwilioError::upstream_failed())
}

/// The one door out of the public API's operations: their view with `status`, or their refusal, with `Retry-After`
/// when it is a 429.
fn answer<T: serde::Serialize>(
    outcome: std::result::Result<T, Refusal>,
    status: u16,
) -> Result<Response> {
    let refusal = match outcome {
        Ok(view) => return json_response(&view, status),
        Err(refusal) => refusal,
    };
    let mut response = error_response(&refusal.error)?;
    if let Some(seconds) = refusal.retry_after {
        response
            .headers_mut()
            .set("Retry-After", &seconds.max(1).to_string())?;
    }
    Ok(response)
}

/// An upstream answer that is not what Verify v2 sends: logged, and a generic 502 for the browser.
fn unreadable(upstream: &Upstream, status: u16) -> Refusal {
    console_log!(
        "verify-edge: {} upstream answered HTTP {status} with a body that is not what Verify v2 sends",
        upstream.kind()
    );
    TwilioError::upstream_failed().into()
}

/// An upstream error answer, as the browser gets it; 429s carry `Retry-After`.
async fn refused(
    cx: &Context<'_>,
    upstream: &Upstream,
    answer: &Answer,
    target: Option<&Target>,
) -> Refusal {
    let error = api::public_error(answer.status, &answer.body);
    if error.code == 20502 {
        let code = serde_json::from_slice::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("code").and_then(serde_json::Value::as_u64));
        console_log!(
            "verify-edge: {} upstream answered HTTP {} (code {})",
            upstream.kind(),
            answer.status,
            code.map_or_else(|| "none".to_owned(), |c| c.to_string())
        );
    }
    let retry_after = match error.code {
        60202 | 60203 => Some(seconds_until_expiry(cx, upstream, target).await),
        _ if error.status == 429 => Some(retry_after_of(answer)),
        _ => None,
    };
    Refusal { error, retry_after }
}

/// The upstream's `Retry-After`, in seconds (1 when it sent none or none readable).
fn retry_after_of(answer: &Answer) -> u64 {
    answer
        .retry_after
        .as_deref()
        .and_then(|r| r.trim().parse::<u64>().ok())
        .unwrap_or(1)
}

/// An upstream's error answer on a factor (`error`: as the browser gets it), with `Retry-After` on a 429; a
/// generic 502 is logged with the upstream's HTTP status and `what` was asked.
fn factor_refusal(upstream: &Upstream, answer: &Answer, error: TwilioError, what: &str) -> Refusal {
    if error.code == 20502 {
        console_log!(
            "verify-edge: {} upstream answered HTTP {} on {what}",
            upstream.kind(),
            answer.status
        );
    }
    let retry_after = (error.status == 429).then(|| retry_after_of(answer));
    Refusal { error, retry_after }
}

/// How long until the verification that hit its limit ends and a new one can start: its creation plus the
/// configured lifetime (`VERIFICATION_LIFETIME_SECONDS`, 10 minutes by default), read from the upstream; the whole
/// lifetime when it cannot be read.
async fn seconds_until_expiry(
    cx: &Context<'_>,
    upstream: &Upstream,
    target: Option<&Target>,
) -> u64 {
    let lifetime_ms = cx.config.lifetime_ms;
    let full = lifetime_ms.div_ceil(1000);
    let Some(target) = target else {
        return full;
    };
    let Ok(answer) = upstream
        .call(
            cx.env,
            cx.config,
            &cx.origin,
            Call::Fetch(target),
            Retry::Idempotent,
        )
        .await
    else {
        return full;
    };
    let created = serde_json::from_slice::<model::Verification>(&answer.body)
        .ok()
        .and_then(|v| v.date_created)
        .and_then(|d| parse_iso8601(&d));
    match created {
        Some(created) => {
            let ends = created.saturating_add(lifetime_ms);
            ends.saturating_sub(Date::now().as_millis()).div_ceil(1000)
        }
        None => full,
    }
}
