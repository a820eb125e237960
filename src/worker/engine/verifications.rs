//! Verifications (`/v2/Services/{sid}/Verifications[/{sid or To}]`) and checks
//! (`/v2/Services/{sid}/VerificationCheck`). The typed operations ([`start`], [`fetch`], [`check`]) are also the
//! public API's engine upstream, called in-process.

use worker::{Env, Method, Response, Result};

use super::services::Services;
use super::V2Request;
use crate::engine::rate_limit::{self, BucketHit};
use crate::engine::request::{check_channel_offered, status_update};
use crate::engine::shard::shard_of_sid;
use crate::engine::verification::{CheckRequest, StartRequest};
use crate::verify::model::{Service, Status, TwilioError};
use crate::verify::sid::ServiceSid;
use crate::verify::Target;
use crate::worker::config::WorkerConfig;
use crate::worker::objects::counters::Taken;
use crate::worker::objects::protocol::{RateLimitCommand, ShardCommand};
use crate::worker::objects::{self, Store};
use crate::worker::respond::error_response;

/// The counter name every Bucket count uses within its key.
const BUCKET_LIMIT: &str = "bucket";

/// `/v2/Services/{sid}/Verifications[/{target}]`: CreateVerification, FetchVerification, UpdateVerification.
pub async fn serve(request: &V2Request<'_>, service_sid: &str, rest: &[&str]) -> Result<Response> {
    let env = request.env;
    let base_url = &request.base_url;
    match (&request.method, rest) {
        (Method::Post, []) => {
            let services = Services::new(env, &request.account.account_sid, base_url);
            let service = match services.load(service_sid).await? {
                Ok(service) => service,
                Err(e) => return error_response(&e),
            };
            let form = match StartRequest::from_form(&request.form(), request.config.sna_simulator)
            {
                Ok(form) => form,
                Err(e) => return error_response(&e),
            };
            start(
                env,
                request.config,
                service,
                form.request,
                form.rate_limits,
                base_url,
            )
            .await
        }
        (method @ (Method::Get | Method::Post), [target]) => {
            let Ok(service_sid) = service_sid.parse::<ServiceSid>() else {
                return error_response(&TwilioError::not_found());
            };
            let target = match Target::from_path_segment(target) {
                Ok(target) => target,
                Err(e) => return error_response(&e),
            };
            if matches!(method, Method::Get) {
                return fetch(env, request.config, service_sid, target, base_url).await;
            }
            match status_update(&request.form()) {
                Ok(status) => {
                    update(env, request.config, service_sid, target, status, base_url).await
                }
                Err(e) => error_response(&e),
            }
        }
        _ => error_response(&TwilioError::not_found()),
    }
}

/// `/v2/Services/{sid}/VerificationCheck`: CreateVerificationCheck.
pub async fn serve_check(request: &V2Request<'_>, service_sid: &str) -> Result<Response> {
    if request.method != Method::Post {
        return error_response(&TwilioError::not_found());
    }
    let services = Services::new(request.env, &request.account.account_sid, &request.base_url);
    let service = match services.load(service_sid).await? {
        Ok(service) => service,
        Err(e) => return error_response(&e),
    };
    match CheckRequest::from_form(&request.form()) {
        Ok((target, check_request)) => {
            check(request.env, request.config, service, target, check_request).await
        }
        Err(e) => error_response(&e),
    }
}

/// Starts (or resends) a verification of `service`. `rate_limits` (unique name, value) count one hit in every
/// Bucket of each named Rate Limit, all or none, and a start that sends nothing gives them back.
pub async fn start(
    env: &Env,
    config: &WorkerConfig,
    service: Service,
    request: StartRequest,
    rate_limits: Vec<(String, String)>,
    base_url: &str,
) -> Result<Response> {
    if let Some(channel) = request.channel {
        if let Err(e) = check_channel_offered(channel, config.sna_simulator) {
            return error_response(&e);
        }
    }
    let mut taken = Taken::new(env);
    if !rate_limits.is_empty() {
        let Some(service_sid) = service.sid.clone() else {
            return error_response(&TwilioError::not_found());
        };
        let resolve = RateLimitCommand::Resolve {
            values: rate_limits,
        };
        let mut resolved = objects::call(
            env,
            Store::RateLimits,
            &rate_limit::object_name(&service_sid),
            &resolve,
        )
        .await?;
        if resolved.status_code() != 200 {
            return Ok(resolved);
        }
        let hits: Vec<BucketHit> = resolved.json().await?;
        for hit in &hits {
            let decision = taken
                .take(&hit.key, BUCKET_LIMIT, hit.max, hit.window_ms)
                .await?;
            if !decision.allowed {
                return rate_limit_refusal(&hit.unique_name, decision.retry_after_ms);
            }
        }
    }
    let command = ShardCommand::Start {
        service,
        request,
        base_url: base_url.to_owned(),
    };
    let response = shard_call(env, config, &command).await;
    // A start that sent nothing (refused, or failed) gives its counts back.
    if !matches!(&response, Ok(r) if (200..300).contains(&r.status_code())) {
        taken.give_back().await;
    }
    response
}

/// The verification `target` of the Service `service_sid`, if it is pending.
pub async fn fetch(
    env: &Env,
    config: &WorkerConfig,
    service_sid: ServiceSid,
    target: Target,
    base_url: &str,
) -> Result<Response> {
    let command = ShardCommand::Fetch {
        service_sid,
        target,
        base_url: base_url.to_owned(),
    };
    shard_call(env, config, &command).await
}

/// Sets a pending verification `canceled` or `approved` by hand.
async fn update(
    env: &Env,
    config: &WorkerConfig,
    service_sid: ServiceSid,
    target: Target,
    status: Status,
    base_url: &str,
) -> Result<Response> {
    let command = ShardCommand::Update {
        service_sid,
        target,
        status,
        base_url: base_url.to_owned(),
    };
    shard_call(env, config, &command).await
}

/// Checks the verification `target` of `service`.
pub async fn check(
    env: &Env,
    config: &WorkerConfig,
    service: Service,
    target: Target,
    request: CheckRequest,
) -> Result<Response> {
    let command = ShardCommand::Check {
        service,
        target,
        request,
    };
    shard_call(env, config, &command).await
}

/// 20429 (HTTP 429) with `Retry-After` in seconds and `Twilio-Reached-Rate-Limit` naming the Rate Limit, as
/// Twilio's spec declares for `CreateVerification`.
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

/// The verification shard `command` is for: named by a SID's shard digits, or by a recipient under the shard key.
fn shard_of(
    command: &ShardCommand,
    config: &WorkerConfig,
) -> std::result::Result<String, TwilioError> {
    let of_recipient = |to: &str| config.shard_key().map(|key| key.shard_of_recipient(to));
    match command {
        ShardCommand::Start { request, .. } => of_recipient(&request.to),
        ShardCommand::Fetch { target, .. }
        | ShardCommand::Update { target, .. }
        | ShardCommand::Check { target, .. } => match target {
            Target::Sid(sid) => Ok(shard_of_sid(sid)),
            Target::To(to) => of_recipient(to),
        },
        ShardCommand::InvokeSna { sid, .. } => Ok(shard_of_sid(sid)),
        ShardCommand::Inbox { to } => of_recipient(to),
    }
}

/// Sends `command` to the verification shard it is for.
pub async fn shard_call(
    env: &Env,
    config: &WorkerConfig,
    command: &ShardCommand,
) -> Result<Response> {
    match shard_of(command, config) {
        Ok(shard) => objects::call(env, Store::Verifications, &shard, command).await,
        Err(e) => error_response(&e),
    }
}
