//! `VerificationShard`: one per recipient (named as `crate::engine::shard` says), holding that recipient's
//! verifications across Services, the SID index that finds them, their clean-up schedule and the dev inbox.

use std::cell::RefCell;
use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use worker::{
    durable_object, AbortSignal, Date, DurableObject, Env, Fetch, Headers, Method, Request,
    RequestInit, Response, Result, State,
};

use super::commit::{commit, Change};
use super::protocol::ShardCommand;
use crate::engine::delivery::{signature, SIGNATURE_HEADER};
use crate::engine::service::rules;
use crate::engine::verification::{self, Delivery, Owner, StartRequest, VerificationState};
use crate::engine::SystemRandomness;
use crate::verify::model::Service;
use crate::verify::model::TwilioError;
use crate::verify::recipient::recipient_key;
use crate::verify::sid::{ServiceSid, VerificationSid};
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
            Target::Sid(sid) => self.state.storage().get::<String>(&sid_key(sid)).await?,
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
        // The settings are read only by the commands that use them: a fetch, an update or an inbox read needs none.
        let config = || WorkerConfig::from_env(&self.env);
        let now = Date::now().as_millis();
        match command {
            ShardCommand::Start {
                service,
                request,
                base_url,
            } => {
                self.start(&config(), service, request, &base_url, now)
                    .await
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
            } => {
                let lifetime_ms = config().lifetime_ms;
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
            ShardCommand::InvokeSna { sid, token } => {
                let Some(key) = storage.get::<String>(&sid_key(&sid)).await? else {
                    return error_response(&TwilioError::not_found());
                };
                let Some(state) = storage.get::<VerificationState>(&key).await? else {
                    return error_response(&TwilioError::not_found());
                };
                match verification::invoke_sna(&state, &token, now, config().sna_simulate_error) {
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
                let messages: Vec<InboxMessage> =
                    storage.get(&inbox_key(&to)).await?.unwrap_or_default();
                json_response(&serde_json::json!({ "to": to, "messages": messages }), 200)
            }
        }
    }
}

impl VerificationShard {
    /// CreateVerification: the verification (new, or the pending one with one more send) is stored in one commit
    /// before its code goes out, so nothing that lands while the gateway is slow (a check, a cancel, a carrier
    /// result) is overwritten by a state read before it. A delivery that fails takes back only this start.
    async fn start(
        &self,
        config: &WorkerConfig,
        service: Service,
        request: StartRequest,
        base_url: &str,
        now: u64,
    ) -> Result<Response> {
        let storage = self.state.storage();
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
        let mut random = SystemRandomness;
        let new_sid = match config.shard_key() {
            Ok(shard_key) => shard_key.new_verification_sid(&request.to, &mut random),
            Err(e) => return error_response(&e),
        };
        let existing: Option<VerificationState> = storage.get(&key).await?;
        let owner = Owner {
            service_sid: &service_sid,
            account_sid: &account_sid,
            new_sid,
        };
        let rules = rules(&service, config.lifetime_ms);
        let started =
            verification::start(existing.as_ref(), request, &rules, owner, now, &mut random);
        let (state, delivery) = match started {
            Ok(done) => done,
            Err(e) => return error_response(&e),
        };
        let replaced = existing.as_ref().filter(|e| e.sid != state.sid);
        let mut change = Change::default();
        change.put(&key, &state)?;
        change.put(&sid_key(&state.sid), &key)?;
        if let Some(replaced) = replaced {
            change.delete(sid_key(&replaced.sid));
        }
        let cleanup_at = state.expires_ms.saturating_add(config.tombstone_ms);
        self.commit(change.with_cleanup(&storage, &key, cleanup_at).await?, now)
            .await?;
        if let Some(url) = &config.delivery_webhook_url {
            self.delivering.borrow_mut().insert(key.clone());
            let sent = post_to_webhook(config, url, &delivery, now).await;
            self.delivering.borrow_mut().remove(&key);
            if let Err(reason) = sent {
                self.undo_start(&key, &state, existing.as_ref()).await?;
                return error_response(
                    &TwilioError::delivery_failed()
                        .with_reason(Reason::DeliveryWebhookFailed, &reason),
                );
            }
        }
        deliver(&self.state, delivery, now, config.dev_inbox).await?;
        json_response(&state.to_resource(now, base_url), 201)
    }

    /// Takes back a start whose code could not be delivered, leaving what others changed meanwhile: a resend loses
    /// its send ([`verification::undo_resend`]); a new verification is gone, and the one it replaced (if any) is
    /// back.
    async fn undo_start(
        &self,
        key: &str,
        started: &VerificationState,
        before: Option<&VerificationState>,
    ) -> Result<()> {
        let storage = self.state.storage();
        let Some(current) = storage
            .get::<VerificationState>(key)
            .await?
            .filter(|current| current.sid == started.sid)
        else {
            return Ok(());
        };
        let mut change = Change::default();
        match before {
            Some(before) if before.sid == started.sid => {
                let attempt = &started.sends.last().expect("a start sends").attempt_sid;
                change.put(key, &verification::undo_resend(&current, before, attempt))?;
            }
            Some(before) => {
                change.put(key, before)?;
                change.put(&sid_key(&before.sid), &key)?;
                change.delete(sid_key(&started.sid));
            }
            None => {
                change.delete(key.to_owned());
                change.delete(sid_key(&started.sid));
            }
        }
        self.commit(change, Date::now().as_millis()).await
    }

    /// Applies `change` as one commit ([`commit`]).
    async fn commit(&self, change: Change, now: u64) -> Result<()> {
        commit(&self.state.storage(), change, now).await
    }
}

impl Change {
    /// Adds to the change the clean-up of `key` at `at` (epoch ms), by the object's alarm, and the alarm's move
    /// when it would come later than that.
    async fn with_cleanup(mut self, storage: &worker::Storage, key: &str, at: u64) -> Result<Self> {
        let mut due: Vec<(u64, String)> = storage.get(CLEANUP).await?.unwrap_or_default();
        due.retain(|(_, k)| k != key);
        due.push((at, key.to_owned()));
        due.sort();
        let first = due[0].0;
        if !matches!(storage.get_alarm().await?, Some(t) if (t.max(0) as u64) <= first) {
            self.alarm_at = Some(first);
        }
        self.put(CLEANUP, &due)?;
        Ok(self)
    }
}

/// The storage key of a recipient's dev inbox.
fn inbox_key(to: &str) -> String {
    format!("inbox:{}", recipient_key(to))
}

/// The storage key of a SID's index entry (which record holds it).
fn sid_key(sid: &VerificationSid) -> String {
    format!("sid:{sid}")
}

impl VerificationShard {
    /// The alarm: deletes the records whose tombstone time has come (with their SID index and the recipient's dev
    /// inbox), and sets the alarm for the next; one commit.
    async fn clean_up(&self) -> Result<()> {
        let storage = self.state.storage();
        let now = Date::now().as_millis();
        let due: Vec<(u64, String)> = storage.get(CLEANUP).await?.unwrap_or_default();
        let (ready, later): (Vec<_>, Vec<_>) = due.into_iter().partition(|(at, _)| *at <= now);
        let tombstone = WorkerConfig::from_env(&self.env).tombstone_ms;
        let mut change = Change::default();
        for (_, key) in ready {
            let state: Option<VerificationState> = storage.get(&key).await?;
            // A newer verification may have replaced the record since; it has its own entry.
            if let Some(state) = state.filter(|s| s.expires_ms.saturating_add(tombstone) <= now) {
                change.delete(sid_key(&state.sid));
                change.delete(inbox_key(&state.to));
                change.delete(key);
            }
        }
        change.put(CLEANUP, &later)?;
        change.alarm_at = later.first().map(|(first, _)| *first);
        self.commit(change, now).await
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
    let key = inbox_key(&delivery.to);
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

/// POSTs a delivery as JSON to the self-hoster's gateway, signed ([`SIGNATURE_HEADER`]) and cut off after
/// `DELIVERY_TIMEOUT_MS`; any answer but 2xx is a failure. The reason never carries the code, nor the gateway's
/// body (which could).
async fn post_to_webhook(
    config: &WorkerConfig,
    url: &str,
    delivery: &Delivery,
    now: u64,
) -> std::result::Result<(), String> {
    let Some(secret) = &config.delivery_webhook_secret else {
        worker::console_log!(
            "verify-edge: DELIVERY_WEBHOOK_URL is set without DELIVERY_WEBHOOK_SECRET"
        );
        return Err(
            "the delivery webhook has no signing secret (DELIVERY_WEBHOOK_SECRET)".to_owned(),
        );
    };
    let body = serde_json::to_string(delivery).map_err(|e| e.to_string())?;
    let headers = Headers::new();
    headers
        .set("Content-Type", "application/json")
        .and_then(|()| headers.set(SIGNATURE_HEADER, &signature(secret, now / 1000, &body)))
        .map_err(|e| e.to_string())?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(body.into()));
    let request = Request::new_with_init(url, &init)
        .map_err(|_| "DELIVERY_WEBHOOK_URL is not a valid URL".to_owned())?;
    let signal = AbortSignal::from(web_sys::AbortSignal::timeout_with_u32(
        config.delivery_timeout_ms,
    ));
    match Fetch::Request(request).send_with_signal(&signal).await {
        Ok(response) if (200..300).contains(&response.status_code()) => Ok(()),
        Ok(response) => Err(format!(
            "the delivery webhook answered HTTP {}",
            response.status_code()
        )),
        Err(_) if signal.aborted() => Err(format!(
            "the delivery webhook did not answer within {} ms",
            config.delivery_timeout_ms
        )),
        Err(_) => Err("the delivery webhook could not be reached".to_owned()),
    }
}
