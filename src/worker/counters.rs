//! `RateCounter`: one Durable Object per rate-limit key (`ip:...`, `to:...`, a Bucket's key, ...), holding a
//! sliding window per limit. Durable Objects run one request at a time, so a limit holds across isolates and any
//! number of concurrent requests.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use worker::{
    durable_object, Date, DurableObject, Env, Method, Request, RequestInit, Response, Result, State,
};

use crate::limits::{Decision, SlidingWindow};

/// What is asked of a `RateCounter`.
#[derive(Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum CounterCommand {
    /// Count one hit against `max` per `window_ms`, or refuse it.
    Take {
        /// The limit's name within this key (one key can carry several limits).
        limit: String,
        /// Hits allowed per window.
        max: u32,
        /// The window, in ms.
        window_ms: u64,
    },
    /// Give back a hit taken for a request that another limit then refused.
    Refund {
        /// As taken.
        limit: String,
        /// As taken.
        window_ms: u64,
    },
}

/// One limit's window, with its length (the object forgets itself two of its longest windows after the last hit).
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
        let mut windows: BTreeMap<String, Counted> =
            storage.get("windows").await?.unwrap_or_default();
        let now = Date::now().as_millis();
        let decision = match command {
            CounterCommand::Take {
                limit,
                max,
                window_ms,
            } => {
                let counted = windows.entry(limit).or_insert(Counted {
                    window: SlidingWindow::default(),
                    window_ms,
                });
                counted.window_ms = window_ms;
                counted.window.take(now, window_ms, max)
            }
            CounterCommand::Refund { limit, window_ms } => {
                if let Some(counted) = windows.get_mut(&limit) {
                    counted.window.refund(now, window_ms);
                }
                Decision {
                    allowed: true,
                    retry_after_ms: 0,
                }
            }
        };
        let longest = windows.values().map(|c| c.window_ms).max().unwrap_or(0);
        storage.put("windows", &windows).await?;
        // Forget the key once every window has faded: two windows on, nothing it holds can matter.
        storage
            .set_alarm(std::time::Duration::from_millis(
                longest.saturating_mul(2).max(1000),
            ))
            .await?;
        Response::from_json(&decision)
    }

    async fn alarm(&self) -> Result<Response> {
        self.state.storage().delete_all().await?;
        Response::ok("")
    }
}

#[allow(dead_code)] // used by the public API's limits (issue 6) and the engine's Buckets
/// Takes one hit of `limit` (`max` per `window_ms`) on the counter `key`.
pub async fn take(env: &Env, key: &str, limit: &str, max: u32, window_ms: u64) -> Result<Decision> {
    let command = CounterCommand::Take {
        limit: limit.to_owned(),
        max,
        window_ms,
    };
    let mut response = call(env, key, &command).await?;
    response.json().await
}

#[allow(dead_code)] // used by the public API's limits (issue 6)
/// Gives back a hit taken with [`take`].
pub async fn refund(env: &Env, key: &str, limit: &str, window_ms: u64) -> Result<()> {
    let command = CounterCommand::Refund {
        limit: limit.to_owned(),
        window_ms,
    };
    call(env, key, &command).await.map(|_| ())
}

#[allow(dead_code)]
async fn call(env: &Env, key: &str, command: &CounterCommand) -> Result<Response> {
    let stub = env
        .durable_object("LIMITS")?
        .id_from_name(key)?
        .get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(serde_json::to_string(command)?.into()));
    stub.fetch_with_request(Request::new_with_init("https://limits.internal/", &init)?)
        .await
}
