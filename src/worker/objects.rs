//! The engine's Durable Objects, thin shells around `crate::engine`: one `ServiceDirectory` per account and one
//! `VerificationShard` per recipient (see `crate::engine::shard` for the key scheme). The `ServiceDirectory` class
//! also holds, under other names, each Service's Rate Limits (`rate-limits:{ServiceSid}`, path `/rate-limits`) and
//! each SafeList number (`safelist:{E.164}`, path `/safe-list`), so neither queues behind the account's directory. Each takes one JSON command,
//! loads its state, applies the core rule and stores the result; a Durable Object runs one such read-modify-write
//! at a time (storage calls keep its input gate closed), so nothing interleaves and nothing is half-written.

use std::cell::RefCell;
use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use worker::{
    durable_object, Date, DurableObject, Env, Fetch, Headers, Method, Request, RequestInit,
    Response, Result, State,
};

use super::{error_response, json_response};
use crate::engine::form::Form;
use crate::engine::paging;
use crate::engine::rate_limit::{self, bucket_with_urls, rate_limit_with_urls, StoredRateLimit};
use crate::engine::safe_list;
use crate::engine::service::{self, rules, with_urls};
use crate::engine::verification::{
    self, CheckRequest, Delivery, Owner, StartRequest, VerificationState,
};
use crate::engine::SystemRandomness;
use crate::verify::model::{Service, Status, TwilioError};
use crate::verify::sid::{
    AccountSid, BucketSid, RateLimitSid, SafeListSid, ServiceSid, VerificationSid,
};

/// What the front Worker asks of a `ServiceDirectory`.
#[derive(Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ServiceCommand {
    /// CreateService, with its form body.
    Create {
        account_sid: AccountSid,
        body: String,
        base_url: String,
    },
    /// FetchService.
    Fetch { sid: ServiceSid, base_url: String },
    /// UpdateService, with its form body.
    Update {
        sid: ServiceSid,
        body: String,
        base_url: String,
    },
    /// DeleteService.
    Delete { sid: ServiceSid },
    /// ListService, with its query string.
    List { query: String, base_url: String },
    /// Creates the Service `sid` unless it exists: the public API's Service when the engine is its upstream.
    Ensure {
        account_sid: AccountSid,
        sid: ServiceSid,
        friendly_name: String,
    },
}

/// What the front Worker asks of the object that holds one Service's Rate Limits and their Buckets (a
/// `ServiceDirectory` named by [`rate_limit::object_name`], sent to the path [`RATE_LIMITS_PATH`]).
#[derive(Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum RateLimitCommand {
    /// CreateRateLimit, with its form body.
    Create {
        service_sid: ServiceSid,
        account_sid: AccountSid,
        body: String,
        base_url: String,
    },
    /// FetchRateLimit.
    Fetch { sid: RateLimitSid, base_url: String },
    /// UpdateRateLimit, with its form body.
    Update {
        sid: RateLimitSid,
        body: String,
        base_url: String,
    },
    /// DeleteRateLimit, with its Buckets.
    Delete { sid: RateLimitSid },
    /// ListRateLimit, with its query string.
    List {
        service_sid: ServiceSid,
        query: String,
        base_url: String,
    },
    /// CreateBucket, with its form body.
    CreateBucket {
        rate_limit_sid: RateLimitSid,
        body: String,
        base_url: String,
    },
    /// FetchBucket.
    FetchBucket {
        rate_limit_sid: RateLimitSid,
        sid: BucketSid,
        base_url: String,
    },
    /// UpdateBucket, with its form body.
    UpdateBucket {
        rate_limit_sid: RateLimitSid,
        sid: BucketSid,
        body: String,
        base_url: String,
    },
    /// DeleteBucket.
    DeleteBucket {
        rate_limit_sid: RateLimitSid,
        sid: BucketSid,
    },
    /// ListBucket, with its query string.
    ListBuckets {
        rate_limit_sid: RateLimitSid,
        query: String,
        base_url: String,
    },
    /// The counts a start's `RateLimits` (unique name, value) takes: answers a JSON array of
    /// [`rate_limit::BucketHit`], or 60200 for a unique name the Service does not have.
    Resolve { values: Vec<(String, String)> },
    /// Forgets every Rate Limit (the Service was deleted).
    DeleteAll,
}

/// The path a [`RateLimitCommand`] is sent to.
pub const RATE_LIMITS_PATH: &str = "/rate-limits";

/// What the front Worker asks of the object that holds one SafeList number (a `ServiceDirectory` named by
/// [`safe_list::object_name`], sent to the path [`SAFE_LIST_PATH`]). Numbers are E.164, from
/// [`safe_list::safe_list_number`].
#[derive(Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum SafeListCommand {
    /// CreateSafelist: adds the number (201); a number already on the list keeps its SID and answers 201 again.
    Create {
        phone_number: String,
        base_url: String,
    },
    /// FetchSafelist: the entry (200), or 20404 when the number is not on the list.
    Fetch {
        phone_number: String,
        base_url: String,
    },
    /// DeleteSafelist: 204, or 20404 when the number is not on the list.
    Delete { phone_number: String },
    /// Whether the number is on the list: `{"safe_listed": true|false}`, for the public API.
    Contains { phone_number: String },
}

/// The path a [`SafeListCommand`] is sent to.
pub const SAFE_LIST_PATH: &str = "/safe-list";

/// A SafeList record as stored.
#[derive(Serialize, Deserialize)]
struct SafeListEntry {
    sid: SafeListSid,
    phone_number: String,
}

/// Services of one account, in creation order.
#[durable_object]
pub struct ServiceDirectory {
    state: State,
}

impl DurableObject for ServiceDirectory {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        match req.path().as_str() {
            RATE_LIMITS_PATH => return self.serve_rate_limits(req.json().await?).await,
            SAFE_LIST_PATH => return self.serve_safe_list(req.json().await?).await,
            _ => {}
        }
        let command: ServiceCommand = req.json().await?;
        let storage = self.state.storage();
        let mut services: Vec<Service> = storage.get("services").await?.unwrap_or_default();
        let now = Date::now().as_millis();
        let position = |sid: &ServiceSid| services.iter().position(|s| s.sid.as_ref() == Some(sid));
        match command {
            ServiceCommand::Create {
                account_sid,
                body,
                base_url,
            } => {
                let sid = ServiceSid::from_random_bytes(random_bytes());
                let created = match service::create_service(
                    &Form::parse(body.as_bytes()),
                    sid,
                    account_sid,
                    now,
                ) {
                    Ok(created) => created,
                    Err(e) => return error_response(&e),
                };
                services.push(created.clone());
                storage.put("services", &services).await?;
                json_response(&with_urls(created, &base_url), 201)
            }
            ServiceCommand::Fetch { sid, base_url } => match position(&sid) {
                Some(i) => json_response(&with_urls(services[i].clone(), &base_url), 200),
                None => error_response(&TwilioError::not_found()),
            },
            ServiceCommand::Update {
                sid,
                body,
                base_url,
            } => {
                let Some(i) = position(&sid) else {
                    return error_response(&TwilioError::not_found());
                };
                match service::update_service(&services[i], &Form::parse(body.as_bytes()), now) {
                    Ok(updated) => {
                        services[i] = updated.clone();
                        storage.put("services", &services).await?;
                        json_response(&with_urls(updated, &base_url), 200)
                    }
                    Err(e) => error_response(&e),
                }
            }
            ServiceCommand::Delete { sid } => {
                let Some(i) = position(&sid) else {
                    return error_response(&TwilioError::not_found());
                };
                services.remove(i);
                storage.put("services", &services).await?;
                Ok(Response::empty()?.with_status(204))
            }
            ServiceCommand::Ensure {
                account_sid,
                sid,
                friendly_name,
            } => {
                if position(&sid).is_some() {
                    return json_response(&serde_json::json!({ "sid": sid }), 200);
                }
                let form: String = form_urlencoded::Serializer::new(String::new())
                    .append_pair("FriendlyName", &friendly_name)
                    .finish();
                let created = match service::create_service(
                    &Form::parse(form.as_bytes()),
                    sid,
                    account_sid,
                    now,
                ) {
                    Ok(created) => created,
                    Err(e) => return error_response(&e),
                };
                services.push(created);
                storage.put("services", &services).await?;
                json_response(&serde_json::json!({ "created": true }), 201)
            }
            ServiceCommand::List { query, base_url } => {
                match service::page(&services, &Form::parse(query.as_bytes()), &base_url) {
                    Ok(page) => json_response(&page, 200),
                    Err(e) => error_response(&e),
                }
            }
        }
    }
}

/// The storage key of a Service's Rate Limits (in their own object).
const RATE_LIMITS: &str = "rate_limits";
/// The storage key of a SafeList number's record (in its own object).
const SAFE_LIST_ENTRY: &str = "entry";

impl ServiceDirectory {
    /// One Service's Rate Limits and Buckets: every rule is `crate::engine::rate_limit`'s; this loads and stores.
    async fn serve_rate_limits(&self, command: RateLimitCommand) -> Result<Response> {
        let storage = self.state.storage();
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
                match rate_limit::create_rate_limit(
                    &limits,
                    &form,
                    sid,
                    service_sid,
                    account_sid,
                    now,
                ) {
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
                Ok(Response::empty()?.with_status(204))
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
                Ok(Response::empty()?.with_status(204))
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
            RateLimitCommand::Resolve { values } => {
                match rate_limit::bucket_hits(&limits, &values) {
                    Ok(hits) => json_response(&hits, 200),
                    Err(e) => error_response(&e),
                }
            }
            RateLimitCommand::DeleteAll => {
                storage.delete_all().await?;
                Ok(Response::empty()?.with_status(204))
            }
        }
    }

    /// One SafeList number's record.
    async fn serve_safe_list(&self, command: SafeListCommand) -> Result<Response> {
        let storage = self.state.storage();
        let entry: Option<SafeListEntry> = storage.get(SAFE_LIST_ENTRY).await?;
        // The object is named by the number; a record of another number would be a bug, and is no match.
        let entry_of = |number: &str| entry.as_ref().filter(|e| e.phone_number == number);
        match command {
            SafeListCommand::Create {
                phone_number,
                base_url,
            } => {
                let sid = match entry_of(&phone_number) {
                    Some(existing) => existing.sid.clone(),
                    None => {
                        let sid = SafeListSid::from_random_bytes(random_bytes());
                        let record = SafeListEntry {
                            sid: sid.clone(),
                            phone_number: phone_number.clone(),
                        };
                        storage.put(SAFE_LIST_ENTRY, &record).await?;
                        sid
                    }
                };
                json_response(&safe_list::with_url(sid, &phone_number, &base_url), 201)
            }
            SafeListCommand::Fetch {
                phone_number,
                base_url,
            } => match entry_of(&phone_number) {
                Some(e) => json_response(
                    &safe_list::with_url(e.sid.clone(), &phone_number, &base_url),
                    200,
                ),
                None => error_response(&TwilioError::not_found()),
            },
            SafeListCommand::Delete { phone_number } => {
                if entry_of(&phone_number).is_none() {
                    return error_response(&TwilioError::not_found());
                }
                storage.delete(SAFE_LIST_ENTRY).await?;
                Ok(Response::empty()?.with_status(204))
            }
            SafeListCommand::Contains { phone_number } => json_response(
                &serde_json::json!({ "safe_listed": entry_of(&phone_number).is_some() }),
                200,
            ),
        }
    }
}

/// A verification named by its SID, or by its recipient.
#[derive(Serialize, Deserialize, Clone)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// `VE...`.
    Sid(VerificationSid),
    /// E.164 or normalized email.
    To(String),
}

/// What the front Worker asks of a `VerificationShard`.
#[derive(Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ShardCommand {
    /// CreateVerification.
    Start {
        service: Service,
        request: StartRequest,
        lifetime_ms: u64,
        base_url: String,
        dev_inbox: bool,
        /// Where to POST each code, when a self-hoster has a gateway (`DELIVERY_WEBHOOK_URL`).
        webhook_url: Option<String>,
    },
    /// FetchVerification.
    Fetch {
        service_sid: ServiceSid,
        target: Target,
        base_url: String,
    },
    /// UpdateVerification.
    Update {
        service_sid: ServiceSid,
        target: Target,
        status: Status,
        base_url: String,
    },
    /// CreateVerificationCheck.
    Check {
        service: Service,
        target: Target,
        request: CheckRequest,
        lifetime_ms: u64,
    },
    /// The device invoking an SNA URL (the simulated carrier's last hop).
    InvokeSna {
        sid: VerificationSid,
        token: String,
        carrier_error: Option<u32>,
    },
    /// The dev inbox of a recipient.
    Inbox { to: String },
}

/// How long a finished verification's record is kept after its lifetime, by default.
const TOMBSTONE_MS: u64 = 60 * 60 * 1000;
/// The storage key of the cleanup schedule: `(when, record key)`, earliest first.
const CLEANUP: &str = "cleanup";

/// A code the engine "sent", as the dev inbox shows it.
#[derive(Serialize, Deserialize, Clone)]
pub struct InboxMessage {
    /// When, ISO 8601.
    pub date_sent: String,
    /// What was sent, where, how.
    #[serde(flatten)]
    pub delivery: Delivery,
}

/// Messages kept per recipient in the dev inbox.
const INBOX_SIZE: usize = 20;

/// The verifications of one recipient (across Services), and its dev inbox.
#[durable_object]
pub struct VerificationShard {
    state: State,
    env: Env,
    /// Verifications whose code is out at the delivery webhook, not yet stored: a second start for one of them
    /// meanwhile gets 60212 rather than interleaving with the first.
    delivering: RefCell<HashSet<String>>,
}

fn state_key(service_sid: &ServiceSid, to: &str) -> String {
    format!("v:{service_sid}:{to}")
}

impl VerificationShard {
    /// The storage key of the verification `target` names in `service_sid`, if there is one.
    async fn key_of(&self, service_sid: &ServiceSid, target: &Target) -> Result<Option<String>> {
        Ok(match target {
            Target::To(to) => Some(state_key(service_sid, to)),
            Target::Sid(sid) => {
                self.state
                    .storage()
                    .get::<String>(&format!("sid:{sid}"))
                    .await?
            }
        })
    }

    /// Stores the outcome of a rule applied to `state` and answers with `render` of it; a verification that is no
    /// longer pending answers 20404 saying why.
    async fn save<T: Serialize>(
        &self,
        key: &str,
        state: &VerificationState,
        outcome: std::result::Result<VerificationState, TwilioError>,
        now: u64,
        render: impl FnOnce(&VerificationState) -> T,
    ) -> Result<Response> {
        match outcome {
            Ok(next) => {
                self.state.storage().put(key, &next).await?;
                json_response(&render(&next), 200)
            }
            Err(e) if e.code == 20404 => error_response(&gone(state, now)),
            Err(e) => error_response(&e),
        }
    }

    async fn load(
        &self,
        service_sid: &ServiceSid,
        target: &Target,
    ) -> Result<Option<(String, VerificationState)>> {
        let Some(key) = self.key_of(service_sid, target).await? else {
            return Ok(None);
        };
        let state: Option<VerificationState> = self.state.storage().get(&key).await?;
        // A SID's record may since hold a newer verification for the same To: that one is not this SID's.
        let same = |s: &VerificationState| match target {
            Target::Sid(sid) => &s.sid == sid,
            Target::To(_) => true,
        };
        Ok(state
            .filter(|s| &s.service_sid == service_sid && same(s))
            .map(|s| (key, s)))
    }

    /// How long a finished verification is kept, so that a 404 can say why it is gone (`TOMBSTONE_SECONDS`).
    fn tombstone_ms(&self) -> u64 {
        self.env
            .var("TOMBSTONE_SECONDS")
            .ok()
            .and_then(|v| v.to_string().parse::<u64>().ok())
            .map_or(TOMBSTONE_MS, |s| s.saturating_mul(1000))
    }

    /// Deletes the record at `key` at `at` (epoch ms), by the object's alarm.
    async fn schedule_cleanup(&self, key: &str, at: u64, now: u64) -> Result<()> {
        let storage = self.state.storage();
        let mut due: Vec<(u64, String)> = storage.get(CLEANUP).await?.unwrap_or_default();
        due.retain(|(_, k)| k != key);
        due.push((at, key.to_owned()));
        due.sort();
        storage.put(CLEANUP, &due).await?;
        let first = due[0].0;
        if !matches!(storage.get_alarm().await?, Some(t) if (t.max(0) as u64) <= first) {
            storage.set_alarm(first.saturating_sub(now) as i64).await?;
        }
        Ok(())
    }
}

impl DurableObject for VerificationShard {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            delivering: RefCell::default(),
        }
    }

    async fn alarm(&self) -> Result<Response> {
        self.clean_up().await?;
        Response::ok("")
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let command: ShardCommand = req.json().await?;
        let storage = self.state.storage();
        let now = Date::now().as_millis();
        match command {
            ShardCommand::Start {
                service,
                request,
                lifetime_ms,
                base_url,
                dev_inbox,
                webhook_url,
            } => {
                // Every stored Service has both; one without is no Service.
                let (Some(service_sid), Some(account_sid)) =
                    (service.sid.clone(), service.account_sid.clone())
                else {
                    return error_response(&TwilioError::not_found());
                };
                let key = state_key(&service_sid, &request.to);
                if self.delivering.borrow().contains(&key) {
                    return error_response(&TwilioError::new(
                        60212,
                        429,
                        "Too many concurrent requests for phone number",
                    ));
                }
                let existing: Option<VerificationState> = storage.get(&key).await?;
                let mut random = SystemRandomness;
                let new_sid = crate::engine::shard::new_verification_sid(&request.to, &mut random);
                let owner = Owner {
                    service_sid: &service_sid,
                    account_sid: &account_sid,
                    new_sid,
                };
                let started = verification::start(
                    existing.as_ref(),
                    request,
                    &rules(&service, lifetime_ms),
                    owner,
                    now,
                    &mut random,
                );
                let (state, delivery) = match started {
                    Ok(done) => done,
                    Err(e) => return error_response(&e),
                };
                // The code goes out before anything is stored: a failed delivery leaves no verification behind.
                if let Some(url) = webhook_url {
                    self.delivering.borrow_mut().insert(key.clone());
                    let sent = post_to_webhook(&url, &delivery).await;
                    self.delivering.borrow_mut().remove(&key);
                    if let Err(reason) = sent {
                        return error_response(
                            &TwilioError::new(20500, 502, "The code could not be delivered")
                                .with_reason("DELIVERY_WEBHOOK_FAILED", &reason),
                        );
                    }
                }
                if let Some(replaced) = existing.as_ref().filter(|e| e.sid != state.sid) {
                    storage.delete(&format!("sid:{}", replaced.sid)).await?;
                }
                storage.put(&key, &state).await?;
                storage.put(&format!("sid:{}", state.sid), &key).await?;
                self.schedule_cleanup(
                    &key,
                    state.expires_ms.saturating_add(self.tombstone_ms()),
                    now,
                )
                .await?;
                deliver(&self.state, delivery, now, dev_inbox).await?;
                json_response(&state.to_resource(now, &base_url), 201)
            }
            ShardCommand::Fetch {
                service_sid,
                target,
                base_url,
            } => match self.load(&service_sid, &target).await? {
                Some((_, state)) if state.is_pending(now) => {
                    json_response(&state.to_resource(now, &base_url), 200)
                }
                Some((_, state)) => error_response(&gone(&state, now)),
                None => error_response(&TwilioError::not_found()),
            },
            ShardCommand::Update {
                service_sid,
                target,
                status,
                base_url,
            } => {
                let Some((key, state)) = self.load(&service_sid, &target).await? else {
                    return error_response(&TwilioError::not_found());
                };
                let next = verification::update_status(&state, status, now);
                self.save(&key, &state, next, now, |v| v.to_resource(now, &base_url))
                    .await
            }
            ShardCommand::Check {
                service,
                target,
                request,
                lifetime_ms,
            } => {
                let Some(service_sid) = service.sid.clone() else {
                    return error_response(&TwilioError::not_found());
                };
                let Some((key, state)) = self.load(&service_sid, &target).await? else {
                    return error_response(&TwilioError::not_found());
                };
                let next =
                    verification::check(&state, &request, &rules(&service, lifetime_ms), now);
                self.save(&key, &state, next, now, |v| v.to_check_resource(now))
                    .await
            }
            ShardCommand::InvokeSna {
                sid,
                token,
                carrier_error,
            } => {
                let Some(key) = storage.get::<String>(&format!("sid:{sid}")).await? else {
                    return error_response(&TwilioError::not_found());
                };
                let Some(state) = storage.get::<VerificationState>(&key).await? else {
                    return error_response(&TwilioError::not_found());
                };
                match verification::invoke_sna(&state, &token, now, carrier_error) {
                    Ok((next, invocation)) => {
                        storage.put(&key, &next).await?;
                        let mut response = Response::ok(invocation.body("SIMULATED"))?;
                        response
                            .headers_mut()
                            .set("Content-Type", "text/plain; charset=utf-8")?;
                        Ok(response)
                    }
                    Err(e) => error_response(&e),
                }
            }
            ShardCommand::Inbox { to } => {
                let messages: Vec<InboxMessage> = storage
                    .get(&format!("inbox:{to}"))
                    .await?
                    .unwrap_or_default();
                json_response(&serde_json::json!({ "to": to, "messages": messages }), 200)
            }
        }
    }
}

impl VerificationShard {
    /// The alarm: deletes the records whose tombstone time has come, and sets the alarm for the next.
    async fn clean_up(&self) -> Result<()> {
        let storage = self.state.storage();
        let now = Date::now().as_millis();
        let due: Vec<(u64, String)> = storage.get(CLEANUP).await?.unwrap_or_default();
        let (ready, later): (Vec<_>, Vec<_>) = due.into_iter().partition(|(at, _)| *at <= now);
        let tombstone = self.tombstone_ms();
        for (_, key) in ready {
            let state: Option<VerificationState> = storage.get(&key).await?;
            // A newer verification may have replaced the record since; it has its own entry.
            if let Some(state) = state.filter(|s| s.expires_ms.saturating_add(tombstone) <= now) {
                storage.delete(&format!("sid:{}", state.sid)).await?;
                storage.delete(&key).await?;
            }
        }
        storage.put(CLEANUP, &later).await?;
        if let Some((first, _)) = later.first() {
            storage.set_alarm(first.saturating_sub(now) as i64).await?;
        }
        Ok(())
    }
}

/// 20404, saying why in `details` (Twilio's clients ignore it): "can't tell approved from a wrong SID" is a
/// long-standing complaint of Twilio's users.
fn gone(state: &VerificationState, now: u64) -> TwilioError {
    let status = state.status_at(now);
    TwilioError::not_found().with_reason(
        &format!("VERIFICATION_{}", status.as_str().to_ascii_uppercase()),
        &format!(
            "the verification is no longer pending: it is {}",
            status.as_str()
        ),
    )
}

/// The engine sends nothing itself: in dev (`DEV_INBOX`), a code goes to the log and the dev inbox; otherwise the
/// log says only that a code went out, never the code.
async fn deliver(state: &State, delivery: Delivery, now: u64, dev_inbox: bool) -> Result<()> {
    if !dev_inbox {
        worker::console_log!(
            "verify-edge: sent a {} code for {}",
            delivery.channel.as_str(),
            delivery.verification_sid
        );
        return Ok(());
    }
    worker::console_log!(
        "verify-edge dev inbox: {} code {} to {} for {}",
        delivery.channel.as_str(),
        delivery.code,
        delivery.to,
        delivery.verification_sid
    );
    let key = format!("inbox:{}", delivery.to);
    let mut messages: Vec<InboxMessage> = state.storage().get(&key).await?.unwrap_or_default();
    messages.push(InboxMessage {
        date_sent: crate::engine::time::iso8601(now),
        delivery,
    });
    if messages.len() > INBOX_SIZE {
        messages.remove(0);
    }
    state.storage().put(&key, &messages).await
}

/// POSTs a delivery as JSON to the self-hoster's gateway; any answer but 2xx is a failure. The reason never
/// carries the code, and never the gateway's body (which could).
async fn post_to_webhook(url: &str, delivery: &Delivery) -> std::result::Result<(), String> {
    let headers = Headers::new();
    headers
        .set("Content-Type", "application/json")
        .map_err(|e| e.to_string())?;
    let body = serde_json::to_string(delivery).map_err(|e| e.to_string())?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(body.into()));
    let request = Request::new_with_init(url, &init)
        .map_err(|_| "DELIVERY_WEBHOOK_URL is not a valid URL".to_owned())?;
    match Fetch::Request(request).send().await {
        Ok(response) if (200..300).contains(&response.status_code()) => Ok(()),
        Ok(response) => Err(format!(
            "the delivery webhook answered HTTP {}",
            response.status_code()
        )),
        Err(_) => Err("the delivery webhook could not be reached".to_owned()),
    }
}

fn random_bytes() -> [u8; 16] {
    use crate::engine::Randomness;
    SystemRandomness.sid_bytes()
}
