//! `RateCounter`: one Durable Object per counter key (`ip:...`, `to:...`, `pump:+4474...`, a Bucket's key, ...),
//! holding a sliding window per limit, and for the pumping detector a prefix's traffic; one more object,
//! `pumping-blocks`, lists the prefixes blocked now. Durable Objects run one request at a time, so a limit holds
//! across isolates and any number of concurrent requests.
//!
//! [`Taken`] is how a request counts against several limits at once, all or none: the public API's protections
//! and the engine's Buckets both count through it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;
use worker::{durable_object, Date, DurableObject, Env, Request, Response, Result, State};

use super::protocol::CounterCommand;
use super::Store;
use crate::abuse::{PrefixTraffic, PumpVerdict, PumpingPolicy};
use crate::limits::{Decision, SlidingWindow};

/// The object that lists blocked prefixes.
const BLOCKS_KEY: &str = "pumping-blocks";
/// How far past the last moment that matters a key's clean-up alarm is set.
const ALARM_SLACK_MS: u64 = 60_000;

/// A prefix blocked by the pumping detector.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct Block {
    /// `+` and the prefix's digits.
    pub prefix: String,
    /// Until when (ms since the epoch).
    pub until: u64,
}

/// One limit's window, with its length.
#[derive(Serialize, Deserialize)]
struct Counted {
    window: SlidingWindow,
    window_ms: u64,
}

/// Counters of one key.
#[durable_object]
pub struct RateCounter {
    state: State,
}

impl DurableObject for RateCounter {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let command: CounterCommand = req.json().await?;
        let storage = self.state.storage();
        let now = Date::now().as_millis();
        // Each key forgets itself once nothing it holds can matter: `keep_until`, then the alarm.
        let mut keep_until: u64 = storage.get("keep_until").await?.unwrap_or(0);
        let response = match command {
            CounterCommand::Take {
                limit,
                max,
                window_ms,
            } => {
                let mut windows = Windows::load(&storage).await?;
                let counted = windows.0.entry(limit).or_insert(Counted {
                    window: SlidingWindow::default(),
                    window_ms,
                });
                counted.window_ms = window_ms;
                let decision = counted.window.take(now, window_ms, max);
                keep_until = keep_until.max(windows.save(&storage, now).await?);
                Response::from_json(&decision)?
            }
            CounterCommand::Peek {
                limit,
                max,
                window_ms,
            } => {
                let mut windows = Windows::load(&storage).await?;
                let decision = match windows.0.get_mut(&limit) {
                    Some(counted) => counted.window.peek(now, window_ms, max),
                    None => SlidingWindow::default().peek(now, window_ms, max),
                };
                Response::from_json(&decision)?
            }
            CounterCommand::Refund { limit, window_ms } => {
                let mut windows = Windows::load(&storage).await?;
                if let Some(counted) = windows.0.get_mut(&limit) {
                    counted.window.refund(now, window_ms);
                }
                keep_until = keep_until.max(windows.save(&storage, now).await?);
                Response::from_json(&Decision {
                    allowed: true,
                    retry_after_ms: 0,
                })?
            }
            CounterCommand::PumpJudge(policy)
            | CounterCommand::PumpCount(policy)
            | CounterCommand::PumpApprove(policy) => {
                let mut traffic: PrefixTraffic = storage.get("pump").await?.unwrap_or_default();
                let policy = PumpingPolicy::from(policy);
                let passed = PumpVerdict {
                    allowed: true,
                    blocked_until: 0,
                    newly_blocked: false,
                };
                let verdict = match command {
                    CounterCommand::PumpJudge(_) => traffic.judge(now, &policy),
                    CounterCommand::PumpCount(_) => {
                        traffic.count_send(now, &policy);
                        passed
                    }
                    _ => {
                        traffic.approve(now, &policy);
                        passed
                    }
                };
                keep_until = keep_until
                    .max(now.saturating_add(policy.window_ms.saturating_mul(2)))
                    .max(traffic.blocked_until);
                storage.put("pump", &traffic).await?;
                Response::from_json(&verdict)?
            }
            CounterCommand::PumpLift => {
                storage.delete("pump").await?;
                Response::from_json(&serde_json::json!({ "lifted": true }))?
            }
            CounterCommand::RemoveBlock { prefix } => {
                let mut blocks = live_blocks(&storage, now).await?;
                blocks.retain(|b| b.prefix != prefix);
                storage.put("blocks", &blocks).await?;
                Response::from_json(&blocks)?
            }
            CounterCommand::RecordBlock { prefix, until } => {
                let mut blocks = live_blocks(&storage, now).await?;
                blocks.retain(|b| b.prefix != prefix);
                blocks.push(Block { prefix, until });
                keep_until = keep_until.max(until);
                storage.put("blocks", &blocks).await?;
                Response::from_json(&blocks)?
            }
            CounterCommand::ListBlocks => Response::from_json(&live_blocks(&storage, now).await?)?,
        };
        storage.put("keep_until", keep_until).await?;
        // The alarm is moved only when it would come too early, and then a minute past what is needed, so a busy
        // key writes it about once a minute rather than on every hit.
        let alarm_at: u64 = storage.get("alarm_at").await?.unwrap_or(0);
        if keep_until > now && alarm_at < keep_until {
            let at = keep_until.saturating_add(ALARM_SLACK_MS);
            storage.set_alarm(Duration::from_millis(at - now)).await?;
            storage.put("alarm_at", at).await?;
        }
        Ok(response)
    }

    async fn alarm(&self) -> Result<Response> {
        let storage = self.state.storage();
        let keep_until: u64 = storage.get("keep_until").await?.unwrap_or(0);
        let now = Date::now().as_millis();
        if now >= keep_until {
            storage.delete_all().await?;
        } else {
            let at = keep_until.saturating_add(ALARM_SLACK_MS);
            storage.set_alarm(Duration::from_millis(at - now)).await?;
            storage.put("alarm_at", at).await?;
        }
        Response::ok("")
    }
}

/// A key's limits by name.
struct Windows(BTreeMap<String, Counted>);

impl Windows {
    async fn load(storage: &worker::Storage) -> Result<Self> {
        Ok(Self(storage.get("windows").await?.unwrap_or_default()))
    }

    /// Stores them; returns until when they matter (two of the longest windows from `now`).
    async fn save(&self, storage: &worker::Storage, now: u64) -> Result<u64> {
        storage.put("windows", &self.0).await?;
        let longest = self.0.values().map(|c| c.window_ms).max().unwrap_or(0);
        Ok(now.saturating_add(longest.saturating_mul(2)))
    }
}

async fn live_blocks(storage: &worker::Storage, now: u64) -> Result<Vec<Block>> {
    let blocks: Vec<Block> = storage.get("blocks").await?.unwrap_or_default();
    Ok(blocks.into_iter().filter(|b| b.until > now).collect())
}

/// Hits taken so far for one request, counted all or none: when a limit refuses (or its counter cannot be
/// reached), the hits taken before it are given back, so a refused request uses up no one's allowance.
pub struct Taken<'a> {
    env: &'a Env,
    hits: Vec<(String, String, u64)>,
}

impl<'a> Taken<'a> {
    /// Nothing taken yet.
    pub fn new(env: &'a Env) -> Self {
        Self {
            env,
            hits: Vec::new(),
        }
    }

    /// Takes one hit of `limit` (`max` per `window_ms`) on the counter `key`. A refusal, or a counter that cannot
    /// be reached, first gives back every hit taken before it.
    pub async fn take(
        &mut self,
        key: &str,
        limit: &str,
        max: u32,
        window_ms: u64,
    ) -> Result<Decision> {
        match take(self.env, key, limit, max, window_ms).await {
            Ok(decision) if decision.allowed => {
                self.hits
                    .push((key.to_owned(), limit.to_owned(), window_ms));
                Ok(decision)
            }
            outcome => {
                self.give_back().await;
                outcome
            }
        }
    }

    /// Gives back every hit taken. A refund that fails only over-counts (never lets more through), so it is
    /// logged, not raised.
    pub async fn give_back(&mut self) {
        for (key, limit, window_ms) in self.hits.drain(..) {
            if let Err(e) = refund(self.env, &key, &limit, window_ms).await {
                worker::console_log!("verify-edge: could not give back a {limit} hit: {e}");
            }
        }
    }
}

/// Takes one hit of `limit` (`max` per `window_ms`) on the counter `key`.
pub async fn take(env: &Env, key: &str, limit: &str, max: u32, window_ms: u64) -> Result<Decision> {
    let command = CounterCommand::Take {
        limit: limit.to_owned(),
        max,
        window_ms,
    };
    call(env, key, &command).await?.json().await
}

/// What [`take`] would decide for `limit` on `key` now, counting nothing.
pub async fn peek(env: &Env, key: &str, limit: &str, max: u32, window_ms: u64) -> Result<Decision> {
    let command = CounterCommand::Peek {
        limit: limit.to_owned(),
        max,
        window_ms,
    };
    call(env, key, &command).await?.json().await
}

/// Gives back a hit taken with [`take`].
pub async fn refund(env: &Env, key: &str, limit: &str, window_ms: u64) -> Result<()> {
    let command = CounterCommand::Refund {
        limit: limit.to_owned(),
        window_ms,
    };
    call(env, key, &command).await.map(|_| ())
}

/// The pumping detector's verdict on one more send to `prefix`, counting nothing; a new block is listed.
pub async fn pump_judge(env: &Env, prefix: &str, policy: &PumpingPolicy) -> Result<PumpVerdict> {
    let command = CounterCommand::PumpJudge(policy.into());
    let verdict: PumpVerdict = call(env, &format!("pump:{prefix}"), &command)
        .await?
        .json()
        .await?;
    if verdict.newly_blocked {
        let record = CounterCommand::RecordBlock {
            prefix: prefix.to_owned(),
            until: verdict.blocked_until,
        };
        call(env, BLOCKS_KEY, &record).await?;
    }
    Ok(verdict)
}

/// Counts a send to `prefix` that the upstream accepted.
pub async fn pump_count(env: &Env, prefix: &str, policy: &PumpingPolicy) -> Result<()> {
    let command = CounterCommand::PumpCount(policy.into());
    call(env, &format!("pump:{prefix}"), &command)
        .await
        .map(|_| ())
}

/// Lifts the block on `prefix` (the operator's decision) and takes it off the list.
pub async fn pump_lift(env: &Env, prefix: &str) -> Result<()> {
    call(env, &format!("pump:{prefix}"), &CounterCommand::PumpLift).await?;
    let remove = CounterCommand::RemoveBlock {
        prefix: prefix.to_owned(),
    };
    call(env, BLOCKS_KEY, &remove).await.map(|_| ())
}

/// Counts an approved verification for `prefix`.
pub async fn pump_approve(env: &Env, prefix: &str, policy: &PumpingPolicy) -> Result<()> {
    let command = CounterCommand::PumpApprove(policy.into());
    call(env, &format!("pump:{prefix}"), &command)
        .await
        .map(|_| ())
}

/// The prefixes the pumping detector blocks now.
pub async fn blocks(env: &Env) -> Result<Vec<Block>> {
    call(env, BLOCKS_KEY, &CounterCommand::ListBlocks)
        .await?
        .json()
        .await
}

async fn call(env: &Env, key: &str, command: &CounterCommand) -> Result<Response> {
    super::call(env, Store::Counters, key, command).await
}
