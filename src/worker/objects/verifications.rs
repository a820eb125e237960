//! `VerificationShard`: one per recipient (named as `crate::engine::shard` says), holding that recipient's
//! verifications across Services, the SID index that finds them, their clean-up schedule and the dev inbox.

use std::cell::RefCell;
use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use worker::{
    durable_object, Date, DurableObject, Env, Fetch, Headers, Method, Request, RequestInit,
    Response, Result, State,
};

use super::protocol::ShardCommand;
use crate::engine::service::rules;
use crate::engine::verification::{self, Delivery, Owner, VerificationState};
use crate::engine::SystemRandomness;
use crate::verify::model::TwilioError;
use crate::verify::recipient::recipient_key;
use crate::verify::sid::ServiceSid;
use crate::verify::Reason;
use crate::verify::Target;
use crate::worker::config::WorkerConfig;
use crate::worker::respond::{error_response, json_response};

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
    format!("v:{service_sid}:{}", recipient_key(to))
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
        WorkerConfig::from_env(&self.env).tombstone_ms
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
                    return error_response(&TwilioError::concurrent_requests());
                }
                let existing: Option<VerificationState> = storage.get(&key).await?;
                let mut random = SystemRandomness;
                let config = WorkerConfig::from_env(&self.env);
                let new_sid = match config.shard_key() {
                    Ok(key) => key.new_verification_sid(&request.to, &mut random),
                    Err(e) => return error_response(&e),
                };
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
                            &TwilioError::delivery_failed()
                                .with_reason(Reason::DeliveryWebhookFailed, &reason),
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
                    .get(&format!("inbox:{}", recipient_key(&to)))
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
        Reason::VerificationGone(status),
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
    let key = format!("inbox:{}", recipient_key(&delivery.to));
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
