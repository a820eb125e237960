//! The protocol between the front Worker and its Durable Objects, in one place: one command enum per store
//! ([`super::Store`]), sent as JSON by [`super::call`]. Settings are not sent: each object reads its own
//! (`crate::worker::config::WorkerConfig`). Each object answers with the HTTP response the front
//! passes on (Twilio's JSON, or Twilio's error body).
//!
//! Each command crosses as serde's default, externally tagged JSON (`{"start":{...}}`, `"fetch"`), never as an
//! internally tagged one (`{"op":"start",...}`): to read an internally tagged enum, serde buffers the whole command
//! into its `Content` tree and instantiates a second deserializer for every field type, which cost the Worker
//! 250 kB of wasm (44 kB gzip; BENCHMARKS.md, "Where the bytes go"). Nothing stores these commands: a change of
//! their form only affects a request that crosses a deploy between the front and an object.

use serde::{Deserialize, Serialize};

use crate::abuse::PumpingPolicy;
use crate::engine::challenge::{ChallengeFilter, ChallengeUpdate, NewChallengeRequest};
use crate::engine::entity::EntityState;
use crate::engine::factor::{FactorUpdate, NewFactorRequest, TotpDefaults};
use crate::engine::passkey::{
    Ceremony, NewPasskeyRequest, PasskeyAssertion, PasskeyConfig, PasskeyRegistration, Requirement,
};
use crate::engine::verification::{CheckRequest, StartRequest};
use crate::verify::model::{Service, Status};
use crate::verify::sid::{
    AccountSid, BucketSid, ChallengeSid, EntitySid, FactorSid, RateLimitSid, ServiceSid,
    VerificationSid,
};
use crate::verify::Target;

/// What the front Worker asks of a `ServiceDirectory`.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
/// `ServiceDirectory` named by [`crate::engine::rate_limit::object_name`], [`super::Store::RateLimits`]).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    /// [`crate::engine::rate_limit::BucketHit`], or 60200 for a unique name the Service does not have.
    Resolve { values: Vec<(String, String)> },
    /// Forgets every Rate Limit (the Service was deleted).
    DeleteAll,
}

/// What the front Worker asks of the object that holds one SafeList number (a `ServiceDirectory` named by
/// [`crate::engine::safe_list::object_name`], [`super::Store::SafeList`]). Numbers are E.164, from
/// [`crate::engine::safe_list::safe_list_number`].
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

/// What the front Worker asks of a `VerificationShard`.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShardCommand {
    /// CreateVerification.
    Start {
        service: Service,
        request: StartRequest,
        base_url: String,
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
    },
    /// The device invoking an SNA URL (the simulated carrier's last hop).
    InvokeSna { sid: VerificationSid, token: String },
    /// The dev inbox of a recipient.
    Inbox { to: String },
}

/// What the front Worker asks of an `EntityShard` (one per Service and Identity, named by
/// [`crate::engine::shard::ShardKey::shard_of_entity`]): the Entity it is for, and the operation.
#[derive(Serialize, Deserialize)]
pub struct EntityCall {
    /// The Service.
    pub service_sid: ServiceSid,
    /// The Service's account.
    pub account_sid: AccountSid,
    /// The Entity's identity (checked).
    pub identity: String,
    /// This Worker's origin, for the URLs in answers.
    pub base_url: String,
    /// The operation.
    pub command: EntityCommand,
}

/// An operation on one Entity, its Factors or its Challenges; requests arrive read and checked by the core's
/// readers (`crate::engine::factor`, `crate::engine::challenge`).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityCommand {
    /// CreateEntity.
    Create,
    /// FetchEntity.
    Fetch,
    /// DeleteEntity, with its Factors and Challenges.
    Delete,
    /// CreateNewFactor (creating the Entity if it does not exist, as Twilio does), with the Service's TOTP defaults.
    CreateFactor {
        defaults: TotpDefaults,
        request: NewFactorRequest,
    },
    /// FetchFactor.
    FetchFactor { sid: FactorSid },
    /// UpdateFactor.
    UpdateFactor {
        sid: FactorSid,
        update: FactorUpdate,
    },
    /// DeleteFactor, with its Challenges.
    DeleteFactor { sid: FactorSid },
    /// ListFactor, with its query string.
    ListFactors { query: String },
    /// CreateChallenge.
    CreateChallenge { request: NewChallengeRequest },
    /// FetchChallenge.
    FetchChallenge { sid: ChallengeSid },
    /// UpdateChallenge.
    UpdateChallenge {
        sid: ChallengeSid,
        update: ChallengeUpdate,
    },
    /// ListChallenge, with its filters and query string.
    ListChallenges {
        filter: ChallengeFilter,
        query: String,
    },
    /// CreateNewFactorPasskey (creating the Entity if it does not exist), with its settings and challenge.
    CreatePasskeyFactor {
        request: NewPasskeyRequest,
        config: PasskeyConfig,
        challenge: Vec<u8>,
    },
    /// UpdatePasskeysFactor: the registration of `factor_sid`, for the challenge its ceremony gave back.
    VerifyPasskeyFactor {
        factor_sid: FactorSid,
        challenge: Vec<u8>,
        registration: PasskeyRegistration,
    },
    /// What a passkeys Challenge of this Entity needs (its verified passkeys; `factor_sid`'s alone if named):
    /// answers [`PasskeySignInTarget`].
    PasskeySignIn { factor_sid: Option<FactorSid> },
    /// UpdateChallengePasskeys on this Entity: the assertion checked against the passkey it names.
    ApprovePasskey {
        challenge: Vec<u8>,
        assertion: PasskeyAssertion,
        factor_sid: Option<FactorSid>,
    },
}

/// What an Entity answers to [`EntityCommand::PasskeySignIn`] (and, with `allow` empty, to an approval).
#[derive(Serialize, Deserialize)]
pub struct PasskeySignInTarget {
    /// The Entity.
    pub entity_sid: EntitySid,
    /// The Factor that was named or that answered.
    pub factor_sid: Option<FactorSid>,
    /// The RP ID of its passkeys.
    pub rp_id: String,
    /// Their user verification.
    pub user_verification: Requirement,
    /// The credentials that may answer.
    pub allow: Vec<Vec<u8>>,
}

/// What is asked of a passkey ceremony's object (a `ServiceDirectory` named by
/// [`crate::engine::shard::ShardKey::shard_of_ceremony`], [`super::Store::PasskeyCeremonies`]).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CeremonyCommand {
    /// Keeps the ceremony until it expires.
    Begin { ceremony: Ceremony },
    /// Gives the ceremony back and forgets it (once); 404 when there is none or it expired.
    Take,
}

/// What is asked of the object that lists one Service's Entities (a `ServiceDirectory` named by
/// [`crate::engine::entity::index_name`], [`super::Store::EntityIndex`]). Each Entity's own object keeps it up to
/// date; the front only lists.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityIndexCommand {
    /// Lists the Entity (again: idempotent).
    Add { entity: EntityState },
    /// Takes the Entity `identity` off the list (idempotent).
    Remove { identity: String },
    /// The identity of the Entity `entity_sid` (a discoverable passkey names its Entity by SID): 200
    /// `{"identity": ...}`, or 404.
    IdentityOf { entity_sid: EntitySid },
    /// ListEntity, with its query string.
    List {
        service_sid: ServiceSid,
        query: String,
        base_url: String,
    },
}

/// What is asked of a `RateCounter`.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
    /// What a `Take` would decide, counting nothing.
    Peek {
        /// The limit's name within this key.
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
    /// The pumping detector: judge one more send to this prefix, counting nothing.
    PumpJudge(Policy),
    /// The pumping detector: count a send to this prefix that the upstream accepted.
    PumpCount(Policy),
    /// The operator lifts this prefix's block and its traffic is forgotten.
    PumpLift,
    /// The pumping detector: count one approval for this prefix.
    PumpApprove(Policy),
    /// Note that `prefix` is blocked until `until` (on the `pumping-blocks` object).
    RecordBlock {
        /// The prefix.
        prefix: String,
        /// Until when (ms since the epoch).
        until: u64,
    },
    /// The prefixes blocked now (on the `pumping-blocks` object).
    ListBlocks,
    /// Takes `prefix` off the list (on the `pumping-blocks` object).
    RemoveBlock {
        /// The prefix.
        prefix: String,
    },
}

/// [`PumpingPolicy`] on the wire.
#[derive(Serialize, Deserialize, Clone, Copy)]
pub struct Policy {
    window_ms: u64,
    min_sends: u32,
    floor: f64,
    cooldown_ms: u64,
}

impl From<&PumpingPolicy> for Policy {
    fn from(p: &PumpingPolicy) -> Self {
        Self {
            window_ms: p.window_ms,
            min_sends: p.min_sends,
            floor: p.floor,
            cooldown_ms: p.cooldown_ms,
        }
    }
}

impl From<Policy> for PumpingPolicy {
    fn from(p: Policy) -> Self {
        Self {
            window_ms: p.window_ms,
            min_sends: p.min_sends,
            floor: p.floor,
            cooldown_ms: p.cooldown_ms,
        }
    }
}

/// What is asked of an `ApprovalRedemption` (one per approval token's `jti`).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedemptionCommand {
    /// Redeems the token: 200 the first time, 409 (20409) after. The record is kept until the token expires
    /// (`expires_at_ms`), after which the token is refused anyway.
    Redeem {
        /// The token's `exp`, in milliseconds.
        expires_at_ms: u64,
    },
}

/// What is asked of the object that keeps whom an Entity stands for ([`super::Store::Identities`]).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityCommand {
    /// Records it (again: the same identity always hashes to the same Entity).
    Put {
        vouched: crate::approval::identity::Vouched,
    },
    /// Reads it: 200 with it, or 404 (60392).
    Get,
}
