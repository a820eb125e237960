//! A Service's Rate Limits and their Buckets, as one record in one object (a `ServiceDirectory` named by
//! [`crate::engine::rate_limit::object_name`]): every rule is `crate::engine::rate_limit`'s; this loads and stores.

use worker::{Date, Response, Result};

use super::protocol::RateLimitCommand;
use super::random_bytes;
use crate::engine::form::Form;
use crate::engine::paging;
use crate::engine::rate_limit::{self, bucket_with_urls, rate_limit_with_urls, StoredRateLimit};
use crate::verify::model::TwilioError;
use crate::verify::sid::{BucketSid, RateLimitSid};
use crate::worker::respond::{error_response, json_response, no_content};

/// The storage key of a Service's Rate Limits.
const RATE_LIMITS: &str = "rate_limits";

/// One Service's Rate Limits and Buckets: every rule is `crate::engine::rate_limit`'s; this loads and stores.
pub async fn serve(storage: &worker::Storage, command: RateLimitCommand) -> Result<Response> {
    let mut limits: Vec<StoredRateLimit> = storage.get(RATE_LIMITS).await?.unwrap_or_default();
    let now = Date::now().as_millis();
    let find = |limits: &[StoredRateLimit], sid: &RateLimitSid| {
        limits
            .iter()
            .position(|l| l.rate_limit.sid.as_ref() == Some(sid))
    };
    let find_bucket = |limit: &StoredRateLimit, sid: &BucketSid| {
        limit
            .buckets
            .iter()
            .position(|b| b.sid.as_ref() == Some(sid))
    };
    match command {
        RateLimitCommand::Create {
            service_sid,
            account_sid,
            body,
            base_url,
        } => {
            let sid = RateLimitSid::from_random_bytes(random_bytes());
            let form = Form::parse(body.as_bytes());
            match rate_limit::create_rate_limit(&limits, &form, sid, service_sid, account_sid, now)
            {
                Ok(created) => {
                    let answer = rate_limit_with_urls(created.rate_limit.clone(), &base_url);
                    limits.push(created);
                    storage.put(RATE_LIMITS, &limits).await?;
                    json_response(&answer, 201)
                }
                Err(e) => error_response(&e),
            }
        }
        RateLimitCommand::Fetch { sid, base_url } => match find(&limits, &sid) {
            Some(i) => json_response(
                &rate_limit_with_urls(limits[i].rate_limit.clone(), &base_url),
                200,
            ),
            None => error_response(&TwilioError::not_found()),
        },
        RateLimitCommand::Update {
            sid,
            body,
            base_url,
        } => {
            let Some(i) = find(&limits, &sid) else {
                return error_response(&TwilioError::not_found());
            };
            let form = Form::parse(body.as_bytes());
            match rate_limit::update_rate_limit(&limits[i].rate_limit, &form, now) {
                Ok(updated) => {
                    limits[i].rate_limit = updated.clone();
                    storage.put(RATE_LIMITS, &limits).await?;
                    json_response(&rate_limit_with_urls(updated, &base_url), 200)
                }
                Err(e) => error_response(&e),
            }
        }
        RateLimitCommand::Delete { sid } => {
            let Some(i) = find(&limits, &sid) else {
                return error_response(&TwilioError::not_found());
            };
            limits.remove(i);
            storage.put(RATE_LIMITS, &limits).await?;
            no_content()
        }
        RateLimitCommand::List {
            service_sid,
            query,
            base_url,
        } => {
            let all: Vec<_> = limits.into_iter().map(|l| l.rate_limit).collect();
            let list_url = rate_limit::rate_limits_url(&base_url, &service_sid);
            match paging::page(
                &all,
                &Form::parse(query.as_bytes()),
                &list_url,
                "rate_limits",
                |r| rate_limit_with_urls(r, &base_url),
            ) {
                Ok(page) => json_response(&page, 200),
                Err(e) => error_response(&e),
            }
        }
        RateLimitCommand::CreateBucket {
            rate_limit_sid,
            body,
            base_url,
        } => {
            let Some(i) = find(&limits, &rate_limit_sid) else {
                return error_response(&TwilioError::not_found());
            };
            let sid = BucketSid::from_random_bytes(random_bytes());
            let form = Form::parse(body.as_bytes());
            match rate_limit::create_bucket(&limits[i], &form, sid, now) {
                Ok(bucket) => {
                    limits[i].buckets.push(bucket.clone());
                    storage.put(RATE_LIMITS, &limits).await?;
                    json_response(&bucket_with_urls(bucket, &base_url), 201)
                }
                Err(e) => error_response(&e),
            }
        }
        RateLimitCommand::FetchBucket {
            rate_limit_sid,
            sid,
            base_url,
        } => {
            let found = find(&limits, &rate_limit_sid)
                .and_then(|i| find_bucket(&limits[i], &sid).map(|j| (i, j)));
            match found {
                Some((i, j)) => json_response(
                    &bucket_with_urls(limits[i].buckets[j].clone(), &base_url),
                    200,
                ),
                None => error_response(&TwilioError::not_found()),
            }
        }
        RateLimitCommand::UpdateBucket {
            rate_limit_sid,
            sid,
            body,
            base_url,
        } => {
            let found = find(&limits, &rate_limit_sid)
                .and_then(|i| find_bucket(&limits[i], &sid).map(|j| (i, j)));
            let Some((i, j)) = found else {
                return error_response(&TwilioError::not_found());
            };
            let form = Form::parse(body.as_bytes());
            match rate_limit::update_bucket(&limits[i], j, &form, now) {
                Ok(bucket) => {
                    limits[i].buckets[j] = bucket.clone();
                    storage.put(RATE_LIMITS, &limits).await?;
                    json_response(&bucket_with_urls(bucket, &base_url), 200)
                }
                Err(e) => error_response(&e),
            }
        }
        RateLimitCommand::DeleteBucket {
            rate_limit_sid,
            sid,
        } => {
            let found = find(&limits, &rate_limit_sid)
                .and_then(|i| find_bucket(&limits[i], &sid).map(|j| (i, j)));
            let Some((i, j)) = found else {
                return error_response(&TwilioError::not_found());
            };
            limits[i].buckets.remove(j);
            storage.put(RATE_LIMITS, &limits).await?;
            no_content()
        }
        RateLimitCommand::ListBuckets {
            rate_limit_sid,
            query,
            base_url,
        } => {
            let Some(i) = find(&limits, &rate_limit_sid) else {
                return error_response(&TwilioError::not_found());
            };
            let list_url = format!(
                "{}/{rate_limit_sid}/Buckets",
                limits[i]
                    .rate_limit
                    .service_sid
                    .as_ref()
                    .map(|s| rate_limit::rate_limits_url(&base_url, s))
                    .unwrap_or_default()
            );
            match paging::page(
                &limits[i].buckets,
                &Form::parse(query.as_bytes()),
                &list_url,
                "buckets",
                |b| bucket_with_urls(b, &base_url),
            ) {
                Ok(page) => json_response(&page, 200),
                Err(e) => error_response(&e),
            }
        }
        RateLimitCommand::Resolve { values } => match rate_limit::bucket_hits(&limits, &values) {
            Ok(hits) => json_response(&hits, 200),
            Err(e) => error_response(&e),
        },
        RateLimitCommand::DeleteAll => {
            storage.delete_all().await?;
            no_content()
        }
    }
}
