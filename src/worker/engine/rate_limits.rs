//! Rate Limits and their Buckets (`/v2/Services/{sid}/RateLimits[/{sid}[/Buckets[/{sid}]]]`): each request read
//! into a [`RateLimitCommand`] for the object that holds the Service's Rate Limits.

use worker::{Env, Method, Response, Result};

use super::services::Services;
use super::V2Request;
use crate::engine::rate_limit;
use crate::verify::model::{Service, TwilioError};
use crate::verify::sid::{BucketSid, RateLimitSid, ServiceSid};
use crate::worker::objects::protocol::RateLimitCommand;
use crate::worker::objects::{self, Store};
use crate::worker::respond::error_response;

/// `/v2/Services/{sid}/RateLimits/...`; `rest` is the path after `RateLimits`.
pub async fn serve(request: &V2Request<'_>, service_sid: &str, rest: &[&str]) -> Result<Response> {
    let services = Services::new(request.env, &request.account.account_sid, &request.base_url);
    let service = match services.load(service_sid).await? {
        Ok(service) => service,
        Err(e) => return error_response(&e),
    };
    let command = match rate_limit_command(
        request.method.clone(),
        &service,
        rest,
        request.body.clone(),
        request.query.clone(),
        &request.base_url,
    ) {
        Ok(command) => command,
        Err(e) => return error_response(&e),
    };
    match service.sid.as_ref() {
        Some(sid) => call(request.env, sid, &command).await,
        None => error_response(&TwilioError::not_found()),
    }
}

async fn call(env: &Env, service_sid: &ServiceSid, command: &RateLimitCommand) -> Result<Response> {
    objects::call(
        env,
        Store::RateLimits,
        &rate_limit::object_name(service_sid),
        command,
    )
    .await
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
