//! The Worker's Durable Objects: every piece of state lives in one of them, each a thin shell that loads its
//! records, applies a rule of the core and stores the result in one write. A Durable Object runs one such
//! read-modify-write at a time (storage calls keep its input gate closed), so nothing interleaves.
//!
//! - [`services`]: `ServiceDirectory`, one per account: the account's Services. The same class also holds, under
//!   other names, each Service's Rate Limits ([`rate_limits`]) and each SafeList number ([`safe_list`]), so neither
//!   queues behind the account's directory.
//! - [`verifications`]: `VerificationShard`, one per recipient: its verifications and its dev inbox.
//! - [`counters`]: `RateCounter`, one per counter key: the public API's limits, the engine's Buckets and the
//!   pumping detector.
//! - [`redemptions`]: `ApprovalRedemption`, one per approval token: whether it was redeemed.
//! - [`entities`]: `EntityShard`, one per Service and Identity: the Entity, its Factors and its Challenges. Each
//!   Service's list of Entities ([`entity_index`]) lives in a `ServiceDirectory` under another name.
//!
//! What the front asks of each is one JSON command of [`protocol`], sent with [`call`]; a change that spans keys is
//! one [`commit`].

pub mod commit;
pub mod counters;
pub mod entities;
pub mod entity_index;
pub mod identities;
pub mod passkey_ceremonies;
pub mod protocol;
pub mod rate_limits;
pub mod redemptions;
pub mod safe_list;
pub mod services;
pub mod verifications;

use serde::Serialize;
use worker::{Env, Method, Request, RequestInit, Response, Result};

use crate::engine::{Randomness, SystemRandomness};

/// Which store a command goes to: a Durable Object binding, and the path that tells an object holding more than
/// one kind of record which one is meant.
#[derive(Clone, Copy)]
pub enum Store {
    /// An account's Services ([`protocol::ServiceCommand`]).
    Services,
    /// A Service's Rate Limits and Buckets ([`protocol::RateLimitCommand`]).
    RateLimits,
    /// One SafeList number ([`protocol::SafeListCommand`]).
    SafeList,
    /// One recipient's verifications ([`protocol::ShardCommand`]).
    Verifications,
    /// One counter key ([`protocol::CounterCommand`]).
    Counters,
    /// One approval token's redemption ([`protocol::RedemptionCommand`]).
    Redemptions,
    /// One Entity, its Factors and Challenges ([`protocol::EntityCall`]).
    Entities,
    /// A Service's list of Entities ([`protocol::EntityIndexCommand`]).
    EntityIndex,
    /// One passkey ceremony in flight ([`protocol::CeremonyCommand`]).
    PasskeyCeremonies,
    /// Whom one Entity stands for ([`protocol::IdentityCommand`]).
    Identities,
}

impl Store {
    fn binding(self) -> &'static str {
        match self {
            Self::Services
            | Self::RateLimits
            | Self::SafeList
            | Self::EntityIndex
            | Self::PasskeyCeremonies
            | Self::Identities => "SERVICES",
            Self::Verifications => "VERIFICATIONS",
            Self::Counters => "LIMITS",
            Self::Redemptions => "REDEMPTIONS",
            Self::Entities => "ENTITIES",
        }
    }

    /// The path a command of this store is sent to.
    pub const fn path(self) -> &'static str {
        match self {
            Self::RateLimits => "/rate-limits",
            Self::SafeList => "/safe-list",
            Self::EntityIndex => "/entity-index",
            Self::PasskeyCeremonies => "/passkey-ceremony",
            Self::Identities => "/identity",
            Self::Services
            | Self::Verifications
            | Self::Counters
            | Self::Redemptions
            | Self::Entities => "/",
        }
    }
}

/// Sends `command` to the object `name` of `store`; its answer is the answer.
pub async fn call(
    env: &Env,
    store: Store,
    name: &str,
    command: &impl Serialize,
) -> Result<Response> {
    let stub = env
        .durable_object(store.binding())?
        .id_from_name(name)?
        .get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(serde_json::to_string(command)?.into()));
    let url = format!("https://object.internal{}", store.path());
    stub.fetch_with_request(Request::new_with_init(&url, &init)?)
        .await
}

/// 16 random bytes for a new SID, from the CSPRNG.
fn random_bytes() -> [u8; 16] {
    SystemRandomness.sid_bytes()
}
