//! Challenges (`/v2/Services/{ServiceSid}/Entities/{Identity}/Challenges[/{Sid}]`), as Twilio's Verify v2 has them
//! for TOTP: a Challenge of a verified Factor is `pending` until a right code (`AuthPayload`, at creation or on an
//! update) approves it, and `expired` once past its `expiration_date` (5 minutes after creation unless the request
//! says otherwise, at most 60). A wrong code is no error: it stays `pending`, and after 5 wrong codes every further
//! attempt is 60308. A responded Challenge answers 60322, an expired one 60323, an unverified Factor 60318.
//!
//! A code that approves consumes its time step on the Factor ([`super::factor::fresh_step`]): the same code cannot
//! approve another Challenge, nor verify anything, again.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::entity::{entity_url, EntityState};
use super::factor::{auth_payload, fresh_step, string_map, FactorKind, FactorState};
use super::form::Form;
use super::paging::{self, Listing};
use super::time::{iso8601, parse_rfc3339, Millis};
use super::Randomness;
use crate::verify::model::{
    Challenge, ChallengeReason, ChallengeStatus, FactorStatus, FactorType, ListPage, TwilioError,
};
use crate::verify::sid::{AccountSid, ChallengeSid, EntitySid, FactorSid, ServiceSid};
use crate::verify::Reason;

/// How long a Challenge takes responses unless `ExpirationDate` says otherwise: Twilio's 5 minutes.
pub const DEFAULT_LIFETIME_MS: Millis = 5 * 60 * 1000;
/// The latest `ExpirationDate` Twilio allows: 60 minutes after creation.
pub const MAX_LIFETIME_MS: Millis = 60 * 60 * 1000;
/// Wrong codes a Challenge takes: the next attempt is 60308.
pub const MAX_ATTEMPTS: u8 = 5;
/// The longest `Details.Message`, in characters.
pub const MAX_MESSAGE: usize = 256;
/// At most this many `Details.Fields`.
pub const MAX_FIELDS: usize = 20;
/// The longest label of a field.
pub const MAX_FIELD_LABEL: usize = 36;
/// The longest value of a field.
pub const MAX_FIELD_VALUE: usize = 128;
/// Challenges an Entity keeps: past this many, creating one forgets the oldest (Twilio publishes no retention).
pub const MAX_KEPT: usize = 100;

/// A Challenge as the engine stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeState {
    /// `YC...`.
    pub sid: ChallengeSid,
    /// The Factor it challenges.
    pub factor_sid: FactorSid,
    /// That Factor's type.
    pub factor_type: FactorType,
    /// The Entity.
    pub entity_sid: EntitySid,
    /// Its identity.
    pub identity: String,
    /// The Service.
    pub service_sid: ServiceSid,
    /// The Service's account.
    pub account_sid: AccountSid,
    /// When it was created.
    pub created_ms: Millis,
    /// When it last changed.
    pub updated_ms: Millis,
    /// When it was approved.
    pub responded_ms: Option<Millis>,
    /// When it stops taking responses.
    pub expires_ms: Millis,
    /// `pending` or `approved` as stored; `expired` is read off the clock ([`ChallengeState::status_at`]).
    pub status: ChallengeStatus,
    /// What the user is shown.
    pub details: Option<ChallengeDetails>,
    /// What the user is not shown.
    pub hidden_details: Option<BTreeMap<String, String>>,
    /// What the responding device said of itself.
    pub metadata: Option<BTreeMap<String, String>>,
    /// Wrong codes so far.
    pub failed_attempts: u8,
}

/// `Details.Message` and `Details.Fields`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeDetails {
    /// The message.
    pub message: Option<String>,
    /// Label and value pairs.
    pub fields: Vec<DetailField>,
}

/// One of `Details.Fields`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailField {
    /// Up to 36 characters.
    pub label: String,
    /// Up to 128 characters.
    pub value: String,
}

/// A `CreateChallenge` request, read and checked (all but the expiration's range, which needs the clock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewChallengeRequest {
    /// `FactorSid`.
    pub factor_sid: FactorSid,
    /// `ExpirationDate`, in ms since the epoch.
    pub expiration_ms: Option<Millis>,
    /// `Details.Message` and `Details.Fields`.
    pub details: Option<ChallengeDetails>,
    /// `HiddenDetails`.
    pub hidden_details: Option<BTreeMap<String, String>>,
    /// `AuthPayload`: a code that approves it at once.
    pub auth_payload: Option<String>,
}

impl NewChallengeRequest {
    /// Reads a `CreateChallenge` form: `FactorSid` (required), `ExpirationDate` (RFC 3339), `Details.Message`
    /// (up to 256 characters), `Details.Fields` (each a JSON object `{"label", "value"}`, one form value per field, as
    /// Twilio's SDKs send them; at most 20), `HiddenDetails` (a JSON object of strings) and `AuthPayload`. Anything
    /// malformed is 60306 naming it.
    pub fn from_form(form: &Form) -> Result<Self, TwilioError> {
        let factor_sid = form
            .get("FactorSid")
            .and_then(|sid| sid.parse::<FactorSid>().ok())
            .ok_or_else(|| TwilioError::invalid_request("FactorSid"))?;
        let expiration_ms = form
            .get("ExpirationDate")
            .map(|text| parse_rfc3339(text).ok_or_else(expiration_error))
            .transpose()?;
        Ok(Self {
            factor_sid,
            expiration_ms,
            details: details(form)?,
            hidden_details: string_map(form, "HiddenDetails")?,
            auth_payload: form.get("AuthPayload").map(auth_payload).transpose()?,
        })
    }
}

fn expiration_error() -> TwilioError {
    TwilioError::invalid_request("ExpirationDate").with_reason(
        Reason::ExpirationOutOfRange,
        "ExpirationDate must be an ISO 8601 date-time after now and at most 60 minutes after it",
    )
}

/// `Details.Message` and `Details.Fields`, if either is given.
fn details(form: &Form) -> Result<Option<ChallengeDetails>, TwilioError> {
    let message = match form.get("Details.Message") {
        Some(m) if m.chars().count() > MAX_MESSAGE => {
            return Err(TwilioError::invalid_request("Details.Message").with_reason(
                Reason::TooLong,
                "Details.Message has at most 256 characters",
            ))
        }
        other => other.map(str::to_owned),
    };
    let bad_fields = || {
        TwilioError::invalid_request("Details.Fields").with_reason(
            Reason::DetailsFields,
            "Details.Fields must be up to 20 JSON objects {\"label\": up to 36 characters, \"value\": up to 128}",
        )
    };
    let mut fields = Vec::new();
    for (_, text) in form.pairs().filter(|(k, _)| *k == "Details.Fields") {
        let field: DetailField = serde_json::from_str(text).map_err(|_| bad_fields())?;
        if field.label.chars().count() > MAX_FIELD_LABEL
            || field.value.chars().count() > MAX_FIELD_VALUE
        {
            return Err(bad_fields());
        }
        fields.push(field);
    }
    if fields.len() > MAX_FIELDS {
        return Err(bad_fields());
    }
    Ok((message.is_some() || !fields.is_empty()).then_some(ChallengeDetails { message, fields }))
}

/// An `UpdateChallenge` request, read and checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeUpdate {
    /// `AuthPayload`: the code.
    pub auth_payload: Option<String>,
    /// `Metadata`: what the responding device says of itself.
    pub metadata: Option<BTreeMap<String, String>>,
}

impl ChallengeUpdate {
    /// Reads an `UpdateChallenge` form: `AuthPayload` (3 to 8 digits) and `Metadata` (a JSON object of strings).
    pub fn from_form(form: &Form) -> Result<Self, TwilioError> {
        Ok(Self {
            auth_payload: form.get("AuthPayload").map(auth_payload).transpose()?,
            metadata: string_map(form, "Metadata")?,
        })
    }
}

impl ChallengeState {
    /// The status at `now`: a `pending` Challenge past its expiration is `expired`.
    pub fn status_at(&self, now: Millis) -> ChallengeStatus {
        if self.status == ChallengeStatus::Pending && now >= self.expires_ms {
            ChallengeStatus::Expired
        } else {
            self.status
        }
    }
}

/// Checks `code` against the Challenge's TOTP Factor: a right, unused code approves the Challenge and consumes its
/// step on the Factor; anything else counts as a wrong attempt.
fn respond(challenge: &mut ChallengeState, factor: &mut FactorState, code: &str, now: Millis) {
    let FactorKind::Totp(totp) = &mut factor.kind else {
        // A passkey's Challenges are never made here (create_challenge refuses them): nothing approves.
        challenge.failed_attempts = challenge.failed_attempts.saturating_add(1);
        return;
    };
    challenge.updated_ms = now;
    match fresh_step(totp, code, now) {
        Some(step) => {
            totp.last_step = Some(step);
            factor.updated_ms = now;
            challenge.status = ChallengeStatus::Approved;
            challenge.responded_ms = Some(now);
        }
        None => challenge.failed_attempts = challenge.failed_attempts.saturating_add(1),
    }
}

/// `CreateChallenge` for `factor` (the one `request.factor_sid` names): 60318 unless it is verified; the
/// expiration is `request`'s (after now, at most 60 minutes away; 60306 otherwise) or 5 minutes. With an
/// `AuthPayload` the code is checked at once. Answers the Challenge and the Factor as they are after it.
pub fn create_challenge(
    entity: &EntityState,
    factor: &FactorState,
    request: &NewChallengeRequest,
    now: Millis,
    random: &mut dyn Randomness,
) -> Result<(ChallengeState, FactorState), TwilioError> {
    if let FactorKind::Passkeys(_) = factor.kind {
        return Err(super::factor::not_for_passkeys());
    }
    if factor.status != FactorStatus::Verified {
        return Err(TwilioError::factor_unverified());
    }
    let expires_ms = match request.expiration_ms {
        Some(at) if at <= now || at > now.saturating_add(MAX_LIFETIME_MS) => {
            return Err(expiration_error())
        }
        Some(at) => at,
        None => now.saturating_add(DEFAULT_LIFETIME_MS),
    };
    let mut challenge = ChallengeState {
        sid: ChallengeSid::from_random_bytes(random.sid_bytes()),
        factor_sid: factor.sid.clone(),
        factor_type: factor.factor_type(),
        entity_sid: entity.sid.clone(),
        identity: entity.identity.clone(),
        service_sid: entity.service_sid.clone(),
        account_sid: entity.account_sid.clone(),
        created_ms: now,
        updated_ms: now,
        responded_ms: None,
        expires_ms,
        status: ChallengeStatus::Pending,
        details: request.details.clone(),
        hidden_details: request.hidden_details.clone(),
        metadata: None,
        failed_attempts: 0,
    };
    let mut factor = factor.clone();
    if let Some(code) = &request.auth_payload {
        respond(&mut challenge, &mut factor, code, now);
    }
    Ok((challenge, factor))
}

/// `UpdateChallenge`: 60322 when it was responded to, 60323 when it expired, 60306 without an `AuthPayload`,
/// 60308 after [`MAX_ATTEMPTS`] wrong codes; otherwise the code is checked. Answers the Challenge and its Factor as
/// they are after it.
pub fn update_challenge(
    challenge: &ChallengeState,
    factor: &FactorState,
    update: &ChallengeUpdate,
    now: Millis,
) -> Result<(ChallengeState, FactorState), TwilioError> {
    match challenge.status_at(now) {
        ChallengeStatus::Pending => {}
        ChallengeStatus::Expired => return Err(TwilioError::challenge_expired()),
        ChallengeStatus::Approved | ChallengeStatus::Denied => {
            return Err(TwilioError::challenge_already_responded())
        }
    }
    let code = update.auth_payload.as_deref().ok_or_else(|| {
        TwilioError::invalid_request("AuthPayload").with_reason(
            Reason::AuthPayloadFormat,
            "a TOTP Challenge is answered with its code in AuthPayload",
        )
    })?;
    if challenge.failed_attempts >= MAX_ATTEMPTS {
        return Err(TwilioError::max_challenge_attempts());
    }
    let (mut challenge, mut factor) = (challenge.clone(), factor.clone());
    if update.metadata.is_some() {
        challenge.metadata.clone_from(&update.metadata);
    }
    respond(&mut challenge, &mut factor, code, now);
    Ok((challenge, factor))
}

/// The order of a Challenge list: `Order=asc` (the default) or `desc`, by creation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Oldest first.
    #[default]
    Asc,
    /// Newest first.
    Desc,
}

/// The filters of a `ListChallenge` request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeFilter {
    /// `FactorSid`: only that Factor's.
    pub factor_sid: Option<FactorSid>,
    /// `Status`: only those in it now.
    pub status: Option<ChallengeStatus>,
    /// `Order`.
    pub order: Option<Order>,
}

impl ChallengeFilter {
    /// Reads `FactorSid`, `Status` (`pending`, `expired`, `approved`, `denied`) and `Order` (`asc`, `desc`) from a
    /// query; anything else is 60306 naming it.
    pub fn from_query(query: &Form) -> Result<Self, TwilioError> {
        Ok(Self {
            factor_sid: query
                .get("FactorSid")
                .map(|s| {
                    s.parse::<FactorSid>()
                        .map_err(|_| TwilioError::invalid_request("FactorSid"))
                })
                .transpose()?,
            status: query
                .get("Status")
                .map(|s| {
                    ChallengeStatus::from_name(s)
                        .ok_or_else(|| TwilioError::invalid_request("Status"))
                })
                .transpose()?,
            order: query
                .get("Order")
                .map(|s| match s {
                    "asc" => Ok(Order::Asc),
                    "desc" => Ok(Order::Desc),
                    _ => Err(TwilioError::invalid_request("Order")),
                })
                .transpose()?,
        })
    }

    /// The filters as each page's URL repeats them.
    fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(sid) = &self.factor_sid {
            pairs.push(("FactorSid", sid.to_string()));
        }
        if let Some(status) = self.status {
            pairs.push(("Status", status.as_str().to_owned()));
        }
        if let Some(order) = self.order {
            let order = match order {
                Order::Asc => "asc",
                Order::Desc => "desc",
            };
            pairs.push(("Order", order.to_owned()));
        }
        pairs
    }
}

/// The URL of the Challenges of an Entity.
pub fn challenges_url(base_url: &str, service_sid: &ServiceSid, identity: &str) -> String {
    format!("{}/Challenges", entity_url(base_url, service_sid, identity))
}

impl ChallengeState {
    /// The Challenge resource at `now`, with its `url` and `links.notifications` under `base_url`.
    pub fn to_resource(&self, now: Millis, base_url: &str) -> Challenge {
        let url = format!(
            "{}/{}",
            challenges_url(base_url, &self.service_sid, &self.identity),
            self.sid
        );
        let json = |map: &Option<BTreeMap<String, String>>| {
            map.as_ref().and_then(|m| serde_json::to_value(m).ok())
        };
        Challenge {
            sid: Some(self.sid.clone()),
            account_sid: Some(self.account_sid.clone()),
            service_sid: Some(self.service_sid.clone()),
            entity_sid: Some(self.entity_sid.clone()),
            identity: Some(self.identity.clone()),
            factor_sid: Some(self.factor_sid.clone()),
            date_created: Some(iso8601(self.created_ms)),
            date_updated: Some(iso8601(self.updated_ms)),
            date_responded: self.responded_ms.map(iso8601),
            expiration_date: Some(iso8601(self.expires_ms)),
            status: Some(self.status_at(now)),
            responded_reason: Some(ChallengeReason::None),
            details: self
                .details
                .as_ref()
                .and_then(|d| serde_json::to_value(d).ok()),
            hidden_details: json(&self.hidden_details),
            metadata: json(&self.metadata),
            factor_type: Some(self.factor_type),
            links: Some(BTreeMap::from([(
                "notifications".to_owned(),
                format!("{url}/Notifications"),
            )])),
            url: Some(url),
        }
    }
}

/// One page of an Entity's `challenges` that pass `filter` at `now`, in its order (by creation), with Twilio's
/// paging; every page's URL repeats the filters. A bad paging parameter is 60306.
pub fn page(
    challenges: &[ChallengeState],
    entity: &EntityState,
    filter: &ChallengeFilter,
    query: &Form,
    now: Millis,
    base_url: &str,
) -> Result<ListPage<Challenge>, TwilioError> {
    let mut kept: Vec<&ChallengeState> = challenges
        .iter()
        .filter(|c| {
            filter
                .factor_sid
                .as_ref()
                .is_none_or(|f| &c.factor_sid == f)
        })
        .filter(|c| filter.status.is_none_or(|s| c.status_at(now) == s))
        .collect();
    kept.sort_by(|a, b| (a.created_ms, &a.sid).cmp(&(b.created_ms, &b.sid)));
    if filter.order == Some(Order::Desc) {
        kept.reverse();
    }
    let all: Vec<Challenge> = kept.iter().map(|c| c.to_resource(now, base_url)).collect();
    let url = challenges_url(base_url, &entity.service_sid, &entity.identity);
    let filters = filter.query_pairs();
    let listing = Listing {
        url: &url,
        filters: &filters,
        key: "challenges",
        invalid: TwilioError::invalid_request,
    };
    paging::page_of(&all, query, &listing, |c| c)
}

/// The Challenges to forget when one more is kept beside `existing`: the oldest past [`MAX_KEPT`].
pub fn to_forget(existing: &[ChallengeState]) -> Vec<ChallengeSid> {
    let mut by_age: Vec<&ChallengeState> = existing.iter().collect();
    by_age.sort_by(|a, b| (a.created_ms, &a.sid).cmp(&(b.created_ms, &b.sid)));
    let excess = (by_age.len() + 1).saturating_sub(MAX_KEPT);
    by_age
        .into_iter()
        .take(excess)
        .map(|c| c.sid.clone())
        .collect()
}
