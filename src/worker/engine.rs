//! The embedded Verify v2 engine's REST API at `/v2/...`, as Twilio serves it: HTTP Basic, form bodies, JSON
//! answers, Twilio's errors. This front authenticates, validates and normalizes, then hands each operation to the
//! Durable Object that owns the state (`objects.rs`).

use std::cell::RefCell;
use std::collections::HashMap;

use worker::{Date, Env, Method, Request, Response, Result};

use super::counters;
use super::objects::{
    RateLimitCommand, SafeListCommand, ServiceCommand, ShardCommand, Target, RATE_LIMITS_PATH,
    SAFE_LIST_PATH,
};
use super::{error_response, object_call, object_call_at, setting};
use crate::engine::access::{authenticate, Credential};
use crate::engine::form::Form;
use crate::engine::rate_limit::{self, BucketHit};
use crate::engine::safe_list;
use crate::engine::shard::{shard_of_recipient, shard_of_sid};
use crate::engine::verification::{CheckRequest, StartRequest, DEFAULT_LIFETIME_MS};
use crate::verify::model::{Channel, RequestedChannel, Service, Status, TwilioError};
use crate::verify::recipient::{classify_recipient, classify_recipient_any_channel, Recipient};
use crate::verify::sid::{
    AccountSid, BucketSid, RateLimitSid, ServiceSid, TemplateSid, VerificationSid,
};

/// The engine's configuration, from the Worker's vars and secrets.
struct Config {
    account_sid: AccountSid,
    credentials: Vec<Credential>,
    lifetime_ms: u64,
    dev_inbox: bool,
    webhook_url: Option<String>,
}

impl Config {
    fn from_env(env: &Env) -> std::result::Result<Self, TwilioError> {
        let account_sid = setting(env, "ENGINE_ACCOUNT_SID")
            .and_then(|s| s.parse::<AccountSid>().ok())
            .ok_or_else(engine_not_configured)?;
        let mut credentials = Vec::new();
        if let Some(token) = setting(env, "ENGINE_AUTH_TOKEN") {
            credentials.push(Credential {
                username: account_sid.to_string(),
                password: token,
            });
        }
        if let (Some(key), Some(secret)) = (
            setting(env, "ENGINE_API_KEY_SID"),
            setting(env, "ENGINE_API_KEY_SECRET"),
        ) {
            credentials.push(Credential {
                username: key,
                password: secret,
            });
        }
        let lifetime_ms = lifetime_ms(env);
        let dev_inbox = setting(env, "DEV_INBOX").is_some_and(|v| v == "true" || v == "1");
        Ok(Self {
            account_sid,
            credentials,
            lifetime_ms,
            dev_inbox,
            webhook_url: setting(env, "DELIVERY_WEBHOOK_URL"),
        })
    }
}

/// How long a verification lives: `VERIFICATION_LIFETIME_SECONDS`, 10 minutes by default.
pub fn lifetime_ms(env: &Env) -> u64 {
    setting(env, "VERIFICATION_LIFETIME_SECONDS")
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|&s| s > 0)
        .map_or(DEFAULT_LIFETIME_MS, |s| s.saturating_mul(1000))
}

fn engine_not_configured() -> TwilioError {
    TwilioError::authenticate().with_reason(
        "ENGINE_NOT_CONFIGURED",
        "the engine has no ENGINE_ACCOUNT_SID configured",
    )
}

/// Serves `/v2/...`.
pub async fn serve_rest(mut req: Request, env: &Env) -> Result<Response> {
    let config = match Config::from_env(env) {
        Ok(config) => config,
        Err(e) => return error_response(&e),
    };
    if let Err(e) = authenticate(
        req.headers().get("Authorization")?.as_deref(),
        &config.credentials,
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
    route(
        env,
        &config,
        req.method(),
        &url,
        String::from_utf8_lossy(&body).into_owned(),
    )
    .await
}

/// The public API's way in: the same operations as `/v2/...`, called in-process with no credentials (the caller is
/// this Worker). `url` is the operation's URL on this Worker's origin, which the answers' URLs (`sna.url`) use.
pub async fn call(env: &Env, method: Method, url: &worker::Url, body: String) -> Result<Response> {
    match Config::from_env(env) {
        Ok(config) => route(env, &config, method, url, body).await,
        Err(e) => error_response(&e),
    }
}

/// Creates the Service `sid` (named `friendly_name`) in the engine unless it exists.
pub async fn ensure_service(env: &Env, sid: &ServiceSid, friendly_name: &str) -> Result<()> {
    let config = match Config::from_env(env) {
        Ok(config) => config,
        Err(e) => return Err(worker::Error::RustError(e.message)),
    };
    let command = ServiceCommand::Ensure {
        account_sid: config.account_sid.clone(),
        sid: sid.clone(),
        friendly_name: friendly_name.to_owned(),
    };
    let response = object_call(env, "SERVICES", &config.account_sid.to_string(), &command).await?;
    match response.status_code() {
        200 | 201 => Ok(()),
        status => Err(worker::Error::RustError(format!(
            "the engine could not create Service {sid}: HTTP {status}"
        ))),
    }
}

async fn route(
    env: &Env,
    config: &Config,
    method: Method,
    url: &worker::Url,
    body: String,
) -> Result<Response> {
    let base_url = url.origin().ascii_serialization();
    let path: Vec<String> = url
        .path_segments()
        .map(|s| s.map(str::to_owned).collect())
        .unwrap_or_default();
    let segments: Vec<&str> = path.iter().map(String::as_str).collect();
    let query = url.query().unwrap_or_default().to_owned();
    let services = Services {
        env,
        account_sid: &config.account_sid,
        base_url: &base_url,
    };

    match (method, segments.as_slice()) {
        (Method::Post, ["v2", "Services"]) => {
            services
                .call(&ServiceCommand::Create {
                    account_sid: config.account_sid.clone(),
                    body,
                    base_url: base_url.clone(),
                })
                .await
        }
        (Method::Get, ["v2", "Services"]) => {
            services
                .call(&ServiceCommand::List {
                    query,
                    base_url: base_url.clone(),
                })
                .await
        }
        (method, ["v2", "Services", sid]) => {
            let Ok(sid) = sid.parse::<ServiceSid>() else {
                return error_response(&TwilioError::not_found());
            };
            let command = match method {
                Method::Get => ServiceCommand::Fetch {
                    sid: sid.clone(),
                    base_url: base_url.clone(),
                },
                Method::Post => ServiceCommand::Update {
                    sid: sid.clone(),
                    body,
                    base_url: base_url.clone(),
                },
                Method::Delete => ServiceCommand::Delete { sid: sid.clone() },
                _ => return error_response(&TwilioError::method_not_allowed()),
            };
            let response = services.call(&command).await?;
            if matches!(command, ServiceCommand::Delete { .. }) && response.status_code() == 204 {
                // A deleted Service's Rate Limits go with it.
                rate_limits_call(env, &sid, &RateLimitCommand::DeleteAll).await?;
            }
            Ok(response)
        }
        (method, ["v2", "Services", service_sid, "RateLimits", rest @ ..]) => {
            let service = match services.load(service_sid).await? {
                Ok(service) => service,
                Err(e) => return error_response(&e),
            };
            let command = match rate_limit_command(method, &service, rest, body, query, &base_url) {
                Ok(command) => command,
                Err(e) => return error_response(&e),
            };
            match service.sid.as_ref() {
                Some(sid) => rate_limits_call(env, sid, &command).await,
                None => error_response(&TwilioError::not_found()),
            }
        }
        (method, ["v2", "SafeList", "Numbers", rest @ ..]) => {
            let (number, command) = match safe_list_command(method, rest, &body, &base_url) {
                Ok(found) => found,
                Err(e) => return error_response(&e),
            };
            object_call_at(
                env,
                "SERVICES",
                &safe_list::object_name(&number),
                SAFE_LIST_PATH,
                &command,
            )
            .await
        }
        (Method::Post, ["v2", "Services", service_sid, "Verifications"]) => {
            let service = match services.load(service_sid).await? {
                Ok(service) => service,
                Err(e) => return error_response(&e),
            };
            start_verification(
                env,
                config,
                service,
                &Form::parse(body.as_bytes()),
                &base_url,
            )
            .await
        }
        (
            method @ (Method::Get | Method::Post),
            ["v2", "Services", service_sid, "Verifications", target],
        ) => {
            let Ok(service_sid) = service_sid.parse::<ServiceSid>() else {
                return error_response(&TwilioError::not_found());
            };
            let target = match target_of(target) {
                Ok(target) => target,
                Err(e) => return error_response(&e),
            };
            let command = if matches!(method, Method::Get) {
                ShardCommand::Fetch {
                    service_sid,
                    target: target.clone(),
                    base_url,
                }
            } else {
                let status = match Form::parse(body.as_bytes()).required("Status") {
                    Ok("canceled") => Status::Canceled,
                    Ok("approved") => Status::Approved,
                    _ => return error_response(&TwilioError::invalid_parameter("Status")),
                };
                ShardCommand::Update {
                    service_sid,
                    target: target.clone(),
                    status,
                    base_url,
                }
            };
            shard_call(env, &shard_for(&target), &command).await
        }
        (Method::Post, ["v2", "Services", service_sid, "VerificationCheck"]) => {
            let service = match services.load(service_sid).await? {
                Ok(service) => service,
                Err(e) => return error_response(&e),
            };
            check_verification(env, config, service, &Form::parse(body.as_bytes())).await
        }
        (_, ["v2", ..]) => error_response(&TwilioError::not_found()),
        _ => error_response(&TwilioError::not_found()),
    }
}

/// The simulated carrier behind `sna.url` (`/sna/{sid}/{token}`), invoked by the device with GET or POST and no
/// credentials: two redirects, as a carrier's chain has, then the single-use hop that answers
/// `ErrorCode=...&ErrorDescription=...`. `SNA_SIMULATE_ERROR` (e.g. `60500`) makes the carrier fail, for tests.
pub async fn serve_sna(req: &Request, env: &Env) -> Result<Response> {
    let url = req.url()?;
    let segments: Vec<&str> = url.path_segments().map(|s| s.collect()).unwrap_or_default();
    let (sid, token, hop) = match segments.as_slice() {
        ["sna", sid, token] => (*sid, *token, None),
        ["sna", sid, token, hop] => (*sid, *token, Some(*hop)),
        _ => return error_response(&TwilioError::not_found()),
    };
    let Ok(sid) = sid.parse::<VerificationSid>() else {
        return error_response(&TwilioError::not_found());
    };
    let next = match hop {
        None => Some("carrier"),
        Some("carrier") => Some("result"),
        Some("result") => None,
        Some(_) => return error_response(&TwilioError::not_found()),
    };
    if let Some(next) = next {
        // 307 keeps the method (a POST stays a POST), as carriers' redirect chains must.
        let mut location = url.clone();
        location.set_path(&format!("/sna/{sid}/{token}/{next}"));
        let mut response = Response::empty()?.with_status(307);
        response.headers_mut().set("Location", location.as_str())?;
        return Ok(response);
    }
    let carrier_error = setting(env, "SNA_SIMULATE_ERROR").and_then(|c| c.parse::<u32>().ok());
    let command = ShardCommand::InvokeSna {
        sid: sid.clone(),
        token: token.to_owned(),
        carrier_error,
    };
    shard_call(env, &shard_of_sid(&sid), &command).await
}

/// `GET /dev/inbox?to=...`: the codes the engine "sent" to a recipient, when `DEV_INBOX` is on; 404 otherwise.
pub async fn serve_dev_inbox(req: &Request, env: &Env) -> Result<Response> {
    let dev_inbox = Config::from_env(env).map(|c| c.dev_inbox).unwrap_or(false);
    if !dev_inbox {
        return error_response(&TwilioError::not_found());
    }
    let url = req.url()?;
    let to = url
        .query_pairs()
        .find(|(k, _)| k == "to")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let to = match classify_recipient_any_channel(&to) {
        Ok(recipient) => recipient.as_str().to_owned(),
        Err(e) => return error_response(&e.to_twilio_error()),
    };
    shard_call(env, &shard_of_recipient(&to), &ShardCommand::Inbox { to }).await
}

async fn start_verification(
    env: &Env,
    config: &Config,
    service: Service,
    form: &Form,
    base_url: &str,
) -> Result<Response> {
    let to = match form.required("To") {
        Ok(to) => to,
        Err(e) => return error_response(&e),
    };
    let requested = match form
        .required("Channel")
        .ok()
        .and_then(|c| c.parse::<RequestedChannel>().ok())
    {
        Some(channel) => channel,
        None => return error_response(&TwilioError::invalid_parameter("Channel")),
    };
    let recipient = match classify_recipient(to, requested, None) {
        Ok(recipient) => recipient,
        Err(e) => return error_response(&e.to_twilio_error()),
    };
    let channel = match (requested.channel(), &recipient) {
        (Some(channel), _) => channel,
        // `auto`: Twilio tries Silent Network Auth first for a phone number, and the simulated carrier is always
        // there; an address can only be emailed. The verification records the channel picked, never `auto`.
        (None, Recipient::Email(_)) => Channel::Email,
        (None, Recipient::Phone(_)) => Channel::Sna,
    };
    if form
        .get("TemplateSid")
        .is_some_and(|sid| sid.parse::<TemplateSid>().is_err())
    {
        return error_response(&TwilioError::invalid_parameter("TemplateSid"));
    }
    let enable_sna_client_token = match form.bool("EnableSnaClientToken") {
        Ok(value) => value.unwrap_or(false),
        Err(e) => return error_response(&e),
    };
    let optional = |name: &str, max: usize| form.text(name, max);
    let fields = (|| {
        Ok::<_, TwilioError>((
            optional("CustomCode", 64)?,
            optional("Amount", 64)?,
            optional("Payee", 256)?,
            optional("Locale", 16)?,
            optional("CustomFriendlyName", 64)?,
        ))
    })();
    let (custom_code, amount, payee, locale, custom_friendly_name) = match fields {
        Ok(fields) => fields,
        Err(e) => return error_response(&e),
    };
    let rate_limit_values = match rate_limit::parse_rate_limits(form) {
        Ok(values) => values,
        Err(e) => return error_response(&e),
    };
    let service_sid = service.sid.clone();
    let to = recipient.as_str().to_owned();
    let shard = shard_of_recipient(&to);
    let request = StartRequest {
        to,
        channel: Some(channel),
        custom_code,
        amount,
        payee,
        locale,
        custom_friendly_name,
        enable_sna_client_token,
    };
    let command = ShardCommand::Start {
        service,
        request,
        lifetime_ms: config.lifetime_ms,
        base_url: base_url.to_owned(),
        dev_inbox: config.dev_inbox,
        webhook_url: config.webhook_url.clone(),
    };
    let taken = if rate_limit_values.is_empty() {
        Vec::new()
    } else {
        let Some(service_sid) = service_sid else {
            return error_response(&TwilioError::not_found());
        };
        let resolve = RateLimitCommand::Resolve {
            values: rate_limit_values,
        };
        let mut resolved = rate_limits_call(env, &service_sid, &resolve).await?;
        if resolved.status_code() != 200 {
            return Ok(resolved);
        }
        let hits: Vec<BucketHit> = resolved.json().await?;
        match take_buckets(env, &hits).await? {
            Ok(()) => hits,
            Err(refused) => return refused,
        }
    };
    let response = shard_call(env, &shard, &command).await;
    // A start that sent nothing (refused, or failed) gives its counts back.
    if !matches!(&response, Ok(r) if (200..300).contains(&r.status_code())) {
        refund_buckets(env, &taken).await;
    }
    response
}

/// The counter name every Bucket count uses within its key.
const BUCKET_LIMIT: &str = "bucket";

/// Counts one start in each of `hits`, all or none: when a Bucket refuses (or a counter cannot be reached), the
/// counts already taken are given back, and the refusal is 20429 (HTTP 429) with `Retry-After` in seconds and
/// `Twilio-Reached-Rate-Limit` naming the Rate Limit, as Twilio's spec declares for `CreateVerification`.
async fn take_buckets(
    env: &Env,
    hits: &[BucketHit],
) -> Result<std::result::Result<(), Result<Response>>> {
    for (i, hit) in hits.iter().enumerate() {
        let decision = counters::take(env, &hit.key, BUCKET_LIMIT, hit.max, hit.window_ms).await;
        match decision {
            Ok(d) if d.allowed => continue,
            Ok(d) => {
                refund_buckets(env, &hits[..i]).await;
                return Ok(Err(rate_limit_refusal(&hit.unique_name, d.retry_after_ms)));
            }
            Err(e) => {
                refund_buckets(env, &hits[..i]).await;
                return Err(e);
            }
        }
    }
    Ok(Ok(()))
}

fn rate_limit_refusal(unique_name: &str, retry_after_ms: u64) -> Result<Response> {
    let mut response = error_response(&rate_limit::rate_limit_exceeded(unique_name))?;
    let headers = response.headers_mut();
    headers.set(
        "Retry-After",
        &rate_limit::retry_after_seconds(retry_after_ms).to_string(),
    )?;
    headers.set("Twilio-Reached-Rate-Limit", unique_name)?;
    Ok(response)
}

/// Gives back counts taken with [`take_buckets`]. A refund that fails only over-counts (never lets more through),
/// so it is logged, not raised.
async fn refund_buckets(env: &Env, hits: &[BucketHit]) {
    for hit in hits {
        if let Err(e) = counters::refund(env, &hit.key, BUCKET_LIMIT, hit.window_ms).await {
            worker::console_error!("verify-edge: a Bucket refund failed: {e}");
        }
    }
}

/// The Rate Limit operation a `/v2/Services/{sid}/RateLimits/...` request asks for (`rest` is the path after
/// `RateLimits`).
fn rate_limit_command(
    method: Method,
    service: &Service,
    rest: &[&str],
    body: String,
    query: String,
    base_url: &str,
) -> std::result::Result<RateLimitCommand, TwilioError> {
    let (Some(service_sid), Some(account_sid)) = (service.sid.clone(), service.account_sid.clone())
    else {
        return Err(TwilioError::not_found());
    };
    let base_url = base_url.to_owned();
    let rate_limit_sid = |s: &str| {
        s.parse::<RateLimitSid>()
            .map_err(|_| TwilioError::not_found())
    };
    let bucket_sid = |s: &str| s.parse::<BucketSid>().map_err(|_| TwilioError::not_found());
    Ok(match (method, rest) {
        (Method::Post, []) => RateLimitCommand::Create {
            service_sid,
            account_sid,
            body,
            base_url,
        },
        (Method::Get, []) => RateLimitCommand::List {
            service_sid,
            query,
            base_url,
        },
        (Method::Get, [sid]) => RateLimitCommand::Fetch {
            sid: rate_limit_sid(sid)?,
            base_url,
        },
        (Method::Post, [sid]) => RateLimitCommand::Update {
            sid: rate_limit_sid(sid)?,
            body,
            base_url,
        },
        (Method::Delete, [sid]) => RateLimitCommand::Delete {
            sid: rate_limit_sid(sid)?,
        },
        (Method::Post, [sid, "Buckets"]) => RateLimitCommand::CreateBucket {
            rate_limit_sid: rate_limit_sid(sid)?,
            body,
            base_url,
        },
        (Method::Get, [sid, "Buckets"]) => RateLimitCommand::ListBuckets {
            rate_limit_sid: rate_limit_sid(sid)?,
            query,
            base_url,
        },
        (Method::Get, [sid, "Buckets", bucket]) => RateLimitCommand::FetchBucket {
            rate_limit_sid: rate_limit_sid(sid)?,
            sid: bucket_sid(bucket)?,
            base_url,
        },
        (Method::Post, [sid, "Buckets", bucket]) => RateLimitCommand::UpdateBucket {
            rate_limit_sid: rate_limit_sid(sid)?,
            sid: bucket_sid(bucket)?,
            body,
            base_url,
        },
        (Method::Delete, [sid, "Buckets", bucket]) => RateLimitCommand::DeleteBucket {
            rate_limit_sid: rate_limit_sid(sid)?,
            sid: bucket_sid(bucket)?,
        },
        (_, [] | [_] | [_, "Buckets"] | [_, "Buckets", _]) => {
            return Err(TwilioError::method_not_allowed())
        }
        _ => return Err(TwilioError::not_found()),
    })
}

/// The SafeList operation a `/v2/SafeList/Numbers/...` request asks for, with the E.164 number it is about.
fn safe_list_command(
    method: Method,
    rest: &[&str],
    body: &str,
    base_url: &str,
) -> std::result::Result<(String, SafeListCommand), TwilioError> {
    let base_url = base_url.to_owned();
    match (method, rest) {
        (Method::Post, []) => {
            let form = Form::parse(body.as_bytes());
            let number = safe_list::safe_list_number(form.required("PhoneNumber")?)?;
            Ok((
                number.clone(),
                SafeListCommand::Create {
                    phone_number: number,
                    base_url,
                },
            ))
        }
        (method @ (Method::Get | Method::Delete), [segment]) => {
            let number = safe_list::safe_list_number(&percent_decode(segment))?;
            let command = if matches!(method, Method::Get) {
                SafeListCommand::Fetch {
                    phone_number: number.clone(),
                    base_url,
                }
            } else {
                SafeListCommand::Delete {
                    phone_number: number.clone(),
                }
            };
            Ok((number, command))
        }
        (_, [] | [_]) => Err(TwilioError::method_not_allowed()),
        _ => Err(TwilioError::not_found()),
    }
}

/// Whether `phone_number` is on the engine's SafeList (`/v2/SafeList/Numbers`): for the public API, whose geo
/// permissions and SMS-pumping blocks let safe-listed numbers through. `phone_number` is read as the SafeList reads
/// it (E.164, normalized as a start's `To`); one that is not a valid number is not on the list. One Durable Object
/// call, to the object of that number alone.
pub async fn is_safe_listed(env: &Env, phone_number: &str) -> Result<bool> {
    let Ok(number) = safe_list::safe_list_number(phone_number) else {
        return Ok(false);
    };
    let command = SafeListCommand::Contains {
        phone_number: number.clone(),
    };
    let mut response = object_call_at(
        env,
        "SERVICES",
        &safe_list::object_name(&number),
        SAFE_LIST_PATH,
        &command,
    )
    .await?;
    let answer: serde_json::Value = response.json().await?;
    Ok(answer["safe_listed"] == serde_json::Value::Bool(true))
}

async fn rate_limits_call(
    env: &Env,
    service_sid: &ServiceSid,
    command: &RateLimitCommand,
) -> Result<Response> {
    object_call_at(
        env,
        "SERVICES",
        &rate_limit::object_name(service_sid),
        RATE_LIMITS_PATH,
        command,
    )
    .await
}

async fn check_verification(
    env: &Env,
    config: &Config,
    service: Service,
    form: &Form,
) -> Result<Response> {
    let target = match (form.get("VerificationSid"), form.get("To")) {
        (Some(sid), _) => match sid.parse::<VerificationSid>() {
            Ok(sid) => Target::Sid(sid),
            Err(_) => return error_response(&TwilioError::invalid_parameter("VerificationSid")),
        },
        (None, Some(to)) => match classify_recipient_any_channel(to) {
            Ok(recipient) => Target::To(recipient.as_str().to_owned()),
            Err(e) => return error_response(&e.to_twilio_error()),
        },
        (None, None) => return error_response(&TwilioError::invalid_parameter("To")),
    };
    let request = CheckRequest {
        code: form.get("Code").map(str::to_owned),
        amount: form.get("Amount").map(str::to_owned),
        payee: form.get("Payee").map(str::to_owned),
        sna_client_token: form.get("SnaClientToken").map(str::to_owned),
    };
    let command = ShardCommand::Check {
        service,
        target: target.clone(),
        request,
        lifetime_ms: config.lifetime_ms,
    };
    shard_call(env, &shard_for(&target), &command).await
}

/// A verification path segment: a `VE` SID, or (as Twilio allows for updates) the `To` in its place.
fn target_of(segment: &str) -> std::result::Result<Target, TwilioError> {
    if let Ok(sid) = segment.parse::<VerificationSid>() {
        return Ok(Target::Sid(sid));
    }
    match classify_recipient_any_channel(&percent_decode(segment)) {
        Ok(recipient) => Ok(Target::To(recipient.as_str().to_owned())),
        Err(_) => Err(TwilioError::not_found()),
    }
}

/// A path segment as written: `%2B` is `+`, and a bare `+` stays `+` (paths are not form bodies).
fn percent_decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

fn shard_for(target: &Target) -> String {
    match target {
        Target::Sid(sid) => shard_of_sid(sid),
        Target::To(to) => shard_of_recipient(to),
    }
}

/// The account's Service directory.
struct Services<'a> {
    env: &'a Env,
    account_sid: &'a AccountSid,
    base_url: &'a str,
}

/// How long this isolate trusts a Service it read: every start and check needs its Service, and without this each
/// would queue at the account's one `ServiceDirectory`. A change made through another isolate shows here within this.
const SERVICE_CACHE_MS: u64 = 5_000;

thread_local! {
    /// Services read recently, by SID, with when they were read. Bounded by the account's Services.
    static SERVICE_CACHE: RefCell<HashMap<ServiceSid, (Service, u64)>> = RefCell::default();
}

impl Services<'_> {
    async fn call(&self, command: &ServiceCommand) -> Result<Response> {
        if let ServiceCommand::Update { sid, .. } | ServiceCommand::Delete { sid } = command {
            SERVICE_CACHE.with_borrow_mut(|cache| cache.remove(sid));
        }
        object_call(self.env, "SERVICES", &self.account_sid.to_string(), command).await
    }

    /// The Service `sid`, or 20404.
    async fn load(&self, sid: &str) -> Result<std::result::Result<Service, TwilioError>> {
        let Ok(sid) = sid.parse::<ServiceSid>() else {
            return Ok(Err(TwilioError::not_found()));
        };
        let now = Date::now().as_millis();
        let cached = SERVICE_CACHE.with_borrow(|cache| {
            cache
                .get(&sid)
                .filter(|(_, read)| now.saturating_sub(*read) < SERVICE_CACHE_MS)
                .map(|(service, _)| service.clone())
        });
        if let Some(service) = cached {
            return Ok(Ok(service));
        }
        let command = ServiceCommand::Fetch {
            sid: sid.clone(),
            base_url: self.base_url.to_owned(),
        };
        let mut response = self.call(&command).await?;
        if response.status_code() != 200 {
            return Ok(Err(TwilioError::not_found()));
        }
        let service: Service = response.json().await?;
        SERVICE_CACHE.with_borrow_mut(|cache| cache.insert(sid, (service.clone(), now)));
        Ok(Ok(service))
    }
}

async fn shard_call(env: &Env, shard: &str, command: &ShardCommand) -> Result<Response> {
    object_call(env, "VERIFICATIONS", shard, command).await
}
