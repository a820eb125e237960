//! Programmable Rate Limits, as Twilio's `/v2/Services/{ServiceSid}/RateLimits` (and their `Buckets`) define them,
//! and the `RateLimits` parameter of a start that counts against them.
//!
//! A Rate Limit is a name (`UniqueName`) that a start gives a value: `RateLimits={"end_user_ip":"203.0.113.7"}`.
//! Each of its Buckets then counts one start for that value, and refuses the start once `Max` were counted in the
//! last `Interval` seconds. The counting itself is [`crate::limits`]'s sliding window, one counter per
//! [`counter_key`]; this module only defines, checks and resolves.

use serde::{Deserialize, Serialize};

use super::form::Form;
use super::time::{iso8601, Millis};
use crate::verify::model::{Bucket, RateLimit, TwilioError};
use crate::verify::sid::{AccountSid, BucketSid, RateLimitSid, ServiceSid};
use crate::verify::Reason;

/// Rate Limits a Service may have. Twilio enforces a maximum (60207) without publishing it; this is ours.
pub const MAX_RATE_LIMITS_PER_SERVICE: usize = 10;
/// Buckets a Rate Limit may have. Twilio enforces a maximum (60210) without publishing it; this is ours.
pub const MAX_BUCKETS_PER_RATE_LIMIT: usize = 5;
/// Longest `UniqueName`, in characters (Twilio's unique names elsewhere stop at 64 to 256; we take the short end).
pub const MAX_UNIQUE_NAME: usize = 64;
/// Longest `Description`, in characters.
pub const MAX_DESCRIPTION: usize = 255;
/// Longest `Interval`: 30 days, in seconds (the counters keep a key for two intervals after its last hit).
pub const MAX_INTERVAL_SECONDS: u32 = 30 * 24 * 60 * 60;
/// Longest value a start may give a Rate Limit, in characters (it names a counter).
pub const MAX_VALUE_CHARS: usize = 256;

/// A Rate Limit as the engine stores it: the resource (without its URLs) and its Buckets, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRateLimit {
    /// The Rate Limit.
    pub rate_limit: RateLimit,
    /// Its Buckets.
    pub buckets: Vec<Bucket>,
}

impl StoredRateLimit {
    /// The unique name (every stored Rate Limit has one).
    pub fn unique_name(&self) -> &str {
        self.rate_limit.unique_name.as_deref().unwrap_or_default()
    }
}

/// The name of the object that holds the Rate Limits of `service_sid` (one per Service, so a start's lookup never
/// queues behind the account's other Services).
pub fn object_name(service_sid: &ServiceSid) -> String {
    format!("rate-limits:{service_sid}")
}

/// 60209, HTTP 400: a `UniqueName` with characters other than letters, digits, `-`, `_` and `.`.
pub fn invalid_unique_name() -> TwilioError {
    TwilioError::invalid_unique_name()
}

/// Checks a `UniqueName` as Twilio describes it (error 60209): only ASCII letters, digits, `-`, `_` and `.`, at
/// most [`MAX_UNIQUE_NAME`] characters. Empty is a missing parameter (60200).
pub fn check_unique_name(name: &str) -> Result<(), TwilioError> {
    if name.is_empty() {
        return Err(TwilioError::invalid_parameter("UniqueName"));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if name.chars().count() > MAX_UNIQUE_NAME || !name.chars().all(allowed) {
        return Err(invalid_unique_name());
    }
    Ok(())
}

/// A new Rate Limit from a `CreateRateLimit` form, beside the Service's `existing` ones: 60200 without
/// `UniqueName`, 60209 for a malformed one, 60208 when another Rate Limit has it, 60207 past
/// [`MAX_RATE_LIMITS_PER_SERVICE`].
pub fn create_rate_limit(
    existing: &[StoredRateLimit],
    form: &Form,
    sid: RateLimitSid,
    service_sid: ServiceSid,
    account_sid: AccountSid,
    now: Millis,
) -> Result<StoredRateLimit, TwilioError> {
    let unique_name = form.get("UniqueName").unwrap_or_default();
    check_unique_name(unique_name)?;
    let description = form.text("Description", MAX_DESCRIPTION)?;
    if existing.iter().any(|r| r.unique_name() == unique_name) {
        return Err(TwilioError::rate_limit_name_taken());
    }
    if existing.len() >= MAX_RATE_LIMITS_PER_SERVICE {
        return Err(TwilioError::too_many_rate_limits());
    }
    Ok(StoredRateLimit {
        rate_limit: RateLimit {
            sid: Some(sid),
            service_sid: Some(service_sid),
            account_sid: Some(account_sid),
            unique_name: Some(unique_name.to_owned()),
            description,
            date_created: Some(iso8601(now)),
            date_updated: Some(iso8601(now)),
            url: None,
            links: None,
        },
        buckets: Vec::new(),
    })
}

/// The Rate Limit with what an `UpdateRateLimit` form sets: only `Description` (the unique name is fixed).
pub fn update_rate_limit(
    rate_limit: &RateLimit,
    form: &Form,
    now: Millis,
) -> Result<RateLimit, TwilioError> {
    let mut next = rate_limit.clone();
    if let Some(description) = form.text("Description", MAX_DESCRIPTION)? {
        next.description = Some(description);
    }
    next.date_updated = Some(iso8601(now));
    Ok(next)
}

fn interval_exists() -> TwilioError {
    TwilioError::bucket_interval_taken()
}

/// A new Bucket of `rate_limit` from a `CreateBucket` form: `Max` (at least 1) and `Interval` (1 s to
/// [`MAX_INTERVAL_SECONDS`]) are required (60200); 60211 when another Bucket has that `Interval`, 60210 past
/// [`MAX_BUCKETS_PER_RATE_LIMIT`].
pub fn create_bucket(
    rate_limit: &StoredRateLimit,
    form: &Form,
    sid: BucketSid,
    now: Millis,
) -> Result<Bucket, TwilioError> {
    let max = form
        .int_in("Max", 1..=u32::MAX)?
        .ok_or_else(|| TwilioError::invalid_parameter("Max"))?;
    let interval = form
        .int_in("Interval", 1..=MAX_INTERVAL_SECONDS)?
        .ok_or_else(|| TwilioError::invalid_parameter("Interval"))?;
    if rate_limit.buckets.iter().any(|b| b.interval == interval) {
        return Err(interval_exists());
    }
    if rate_limit.buckets.len() >= MAX_BUCKETS_PER_RATE_LIMIT {
        return Err(TwilioError::too_many_buckets());
    }
    Ok(Bucket {
        sid: Some(sid),
        rate_limit_sid: rate_limit.rate_limit.sid.clone(),
        service_sid: rate_limit.rate_limit.service_sid.clone(),
        account_sid: rate_limit.rate_limit.account_sid.clone(),
        max,
        interval,
        date_created: Some(iso8601(now)),
        date_updated: Some(iso8601(now)),
        url: None,
    })
}

/// The Bucket at `index` of `rate_limit` with what an `UpdateBucket` form sets (`Max`, `Interval`); 60211 when
/// another Bucket of the Rate Limit has the new `Interval`.
pub fn update_bucket(
    rate_limit: &StoredRateLimit,
    index: usize,
    form: &Form,
    now: Millis,
) -> Result<Bucket, TwilioError> {
    let mut next = rate_limit
        .buckets
        .get(index)
        .cloned()
        .ok_or_else(TwilioError::not_found)?;
    if let Some(max) = form.int_in("Max", 1..=u32::MAX)? {
        next.max = max;
    }
    if let Some(interval) = form.int_in("Interval", 1..=MAX_INTERVAL_SECONDS)? {
        let taken = rate_limit
            .buckets
            .iter()
            .enumerate()
            .any(|(i, b)| i != index && b.interval == interval);
        if taken {
            return Err(interval_exists());
        }
        next.interval = interval;
    }
    next.date_updated = Some(iso8601(now));
    Ok(next)
}

/// The URL of the Rate Limits of `service_sid`.
pub fn rate_limits_url(base_url: &str, service_sid: &ServiceSid) -> String {
    format!("{base_url}/v2/Services/{service_sid}/RateLimits")
}

/// The Rate Limit as a response, with its `url` and `links.buckets` under `base_url`.
pub fn rate_limit_with_urls(mut rate_limit: RateLimit, base_url: &str) -> RateLimit {
    let (Some(service_sid), Some(sid)) = (&rate_limit.service_sid, &rate_limit.sid) else {
        return rate_limit;
    };
    let url = format!("{}/{sid}", rate_limits_url(base_url, service_sid));
    rate_limit.links = Some([("buckets".to_owned(), format!("{url}/Buckets"))].into());
    rate_limit.url = Some(url);
    rate_limit
}

/// The Bucket as a response, with its `url` under `base_url`.
pub fn bucket_with_urls(mut bucket: Bucket, base_url: &str) -> Bucket {
    if let (Some(service_sid), Some(rate_limit_sid), Some(sid)) =
        (&bucket.service_sid, &bucket.rate_limit_sid, &bucket.sid)
    {
        bucket.url = Some(format!(
            "{}/{rate_limit_sid}/Buckets/{sid}",
            rate_limits_url(base_url, service_sid)
        ));
    }
    bucket
}

/// A start's `RateLimits`: a JSON object of unique name to value, as a form field holding JSON text (Twilio's
/// Node SDK sends `{"a":"b"}`, its Python SDK `{"a": "b"}`). Values are strings or numbers (a number counts as its
/// JSON text); anything else, an empty or over-long value, a malformed name, or text that is not a JSON object is
/// 60200 `Invalid parameter: RateLimits`. Absent: no names. A name given twice counts once, with its last value.
/// Names come back sorted, the order they are counted in (whatever order the JSON had).
pub fn parse_rate_limits(form: &Form) -> Result<Vec<(String, String)>, TwilioError> {
    let Some(text) = form.get("RateLimits") else {
        return Ok(Vec::new());
    };
    let bad = |why: &str| {
        TwilioError::invalid_parameter("RateLimits").with_reason(Reason::InvalidRateLimits, why)
    };
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text)
        .map_err(|_| bad("RateLimits must be a JSON object of unique name to value"))?;
    let mut pairs = Vec::with_capacity(object.len());
    for (name, value) in object {
        if check_unique_name(&name).is_err() {
            return Err(bad("a key of RateLimits is not a valid UniqueName"));
        }
        let value = match value {
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            _ => return Err(bad("each value of RateLimits must be a string or a number")),
        };
        if value.is_empty() || value.chars().count() > MAX_VALUE_CHARS {
            return Err(bad(
                "each value of RateLimits must have 1 to 256 characters",
            ));
        }
        pairs.push((name, value));
    }
    pairs.sort();
    Ok(pairs)
}

/// One count a start takes: one Bucket, for one value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketHit {
    /// The counter: see [`counter_key`].
    pub key: String,
    /// Starts allowed per window.
    pub max: u32,
    /// The window, in ms.
    pub window_ms: u64,
    /// The Rate Limit the Bucket belongs to (what a breach names in `Twilio-Reached-Rate-Limit`).
    pub unique_name: String,
}

/// The name of the counter of `bucket` for `value`: `bucket:{BucketSid}:{value}`. A Bucket's SID is never reused,
/// so a deleted and re-created Bucket starts from zero, and no other limit's key starts with `bucket:`.
pub fn counter_key(bucket: &BucketSid, value: &str) -> String {
    format!("bucket:{bucket}:{value}")
}

/// Every count a start with `values` (from [`parse_rate_limits`]) takes, Rate Limit by Rate Limit, Bucket by
/// Bucket. A unique name the Service has no Rate Limit for is 60200 `Invalid parameter: RateLimits` and counts
/// nothing. A Rate Limit without Buckets counts nothing, as Twilio's.
pub fn bucket_hits(
    limits: &[StoredRateLimit],
    values: &[(String, String)],
) -> Result<Vec<BucketHit>, TwilioError> {
    let mut hits = Vec::new();
    for (name, value) in values {
        let Some(limit) = limits.iter().find(|l| l.unique_name() == name) else {
            return Err(TwilioError::invalid_parameter("RateLimits").with_reason(
                Reason::UnknownRateLimit,
                &format!("the Service has no Rate Limit with UniqueName {name:?}"),
            ));
        };
        for bucket in &limit.buckets {
            let Some(sid) = &bucket.sid else { continue };
            hits.push(BucketHit {
                key: counter_key(sid, value),
                max: bucket.max,
                window_ms: u64::from(bucket.interval) * 1000,
                unique_name: name.clone(),
            });
        }
    }
    Ok(hits)
}

/// 20429, HTTP 429: a Bucket refused the start. Twilio's spec gives `CreateVerification` a 429 with this body, and
/// Twilio's error 20429 lists "exceeding Verify Service Rate Limits that you configure" among its causes.
pub fn rate_limit_exceeded(unique_name: &str) -> TwilioError {
    TwilioError::too_many_requests().with_reason(
        Reason::RateLimitExceeded,
        &format!("the Rate Limit {unique_name:?} refused this start; see Retry-After"),
    )
}

/// A wait in ms as `Retry-After` says it: whole seconds, rounded up, at least 1.
pub fn retry_after_seconds(ms: u64) -> u64 {
    ms.div_ceil(1000).max(1)
}
