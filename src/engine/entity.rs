//! Entities (`/v2/Services/{ServiceSid}/Entities[/{Identity}]`), as Twilio's Verify v2 has them: one user of a
//! Service, named by the operator's own `Identity`, holding Factors ([`super::factor`]) and Challenges
//! ([`super::challenge`]). Everything an Entity holds lives in one place (in the Worker, one Durable Object per
//! Service and Identity: [`super::shard::ShardKey::shard_of_entity`]), so every rule that spans a Factor and its
//! Challenges (attempt counts, replay) is one read-modify-write.
//!
//! Plain data in, plain data out: the clock and the randomness are the caller's.

use serde::{Deserialize, Serialize};

use super::form::Form;
use super::paging::{self, Listing};
use super::time::{iso8601, Millis};
use super::Randomness;
use crate::verify::model::{Entity, ListPage, TwilioError};
use crate::verify::sid::{AccountSid, EntitySid, ServiceSid};
use crate::verify::Reason;

/// The shortest `Identity` Twilio accepts.
pub const MIN_IDENTITY: usize = 8;
/// The longest.
pub const MAX_IDENTITY: usize = 64;

/// An Entity as the engine stores it (its resource without URLs, and the times as numbers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityState {
    /// `YE...`.
    pub sid: EntitySid,
    /// The operator's identifier.
    pub identity: String,
    /// The Service it belongs to.
    pub service_sid: ServiceSid,
    /// That Service's account.
    pub account_sid: AccountSid,
    /// When it was created.
    pub created_ms: Millis,
    /// When it last changed (an Entity never does: as created).
    pub updated_ms: Millis,
}

/// Checks an `Identity` as Twilio states it: 8 to 64 characters, only ASCII letters, digits and dashes ("dash (-)
/// separated alphanumeric characters"; an underscore, a dot or an `@` is refused, so an email address is not an
/// identity). Anything else is 60306 `IDENTITY_FORMAT`.
pub fn check_identity(identity: &str) -> Result<(), TwilioError> {
    let length_ok = (MIN_IDENTITY..=MAX_IDENTITY).contains(&identity.len());
    if length_ok
        && identity
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Ok(());
    }
    Err(TwilioError::invalid_request("Identity").with_reason(
        Reason::IdentityFormat,
        "Identity must be 8 to 64 characters: letters, digits and dashes",
    ))
}

/// The `Identity` of a `CreateEntity` form, checked.
pub fn identity_from_form(form: &Form) -> Result<String, TwilioError> {
    let identity = form.get("Identity").unwrap_or_default();
    check_identity(identity)?;
    Ok(identity.to_owned())
}

/// A new Entity `identity` of the Service, its SID from `random`.
pub fn new_entity(
    identity: &str,
    service_sid: &ServiceSid,
    account_sid: &AccountSid,
    now: Millis,
    random: &mut dyn Randomness,
) -> EntityState {
    EntityState {
        sid: EntitySid::from_random_bytes(random.sid_bytes()),
        identity: identity.to_owned(),
        service_sid: service_sid.clone(),
        account_sid: account_sid.clone(),
        created_ms: now,
        updated_ms: now,
    }
}

/// `CreateEntity` beside what the object holds: 60301 (409) when the Entity exists already.
pub fn create_entity(
    existing: Option<&EntityState>,
    identity: &str,
    service_sid: &ServiceSid,
    account_sid: &AccountSid,
    now: Millis,
    random: &mut dyn Randomness,
) -> Result<EntityState, TwilioError> {
    if existing.is_some() {
        return Err(TwilioError::entity_exists());
    }
    Ok(new_entity(identity, service_sid, account_sid, now, random))
}

/// The URL of the Entities of `service_sid`.
pub fn entities_url(base_url: &str, service_sid: &ServiceSid) -> String {
    format!("{base_url}/v2/Services/{service_sid}/Entities")
}

/// The URL of the Entity `identity` of `service_sid` (an identity needs no escaping in a path).
pub fn entity_url(base_url: &str, service_sid: &ServiceSid, identity: &str) -> String {
    format!("{}/{identity}", entities_url(base_url, service_sid))
}

impl EntityState {
    /// The Entity resource, with its `url` and `links` (`factors`, `new_factors`, `challenges`) under `base_url`.
    pub fn to_resource(&self, base_url: &str) -> Entity {
        let url = entity_url(base_url, &self.service_sid, &self.identity);
        let links = [
            ("factors", format!("{url}/Factors")),
            ("new_factors", format!("{url}/Factors")),
            ("challenges", format!("{url}/Challenges")),
        ];
        Entity {
            sid: Some(self.sid.clone()),
            identity: Some(self.identity.clone()),
            account_sid: Some(self.account_sid.clone()),
            service_sid: Some(self.service_sid.clone()),
            date_created: Some(iso8601(self.created_ms)),
            date_updated: Some(iso8601(self.updated_ms)),
            url: Some(url),
            links: Some(links.map(|(k, v)| (k.to_owned(), v)).into()),
        }
    }
}

/// The name of the object that lists the Entities of `service_sid` (one per Service, beside the Entities' own
/// objects: `ListEntity` is the one request that spans them).
pub fn index_name(service_sid: &ServiceSid) -> String {
    format!("entities:{service_sid}")
}

/// One page of a Service's `entities` (oldest first), with Twilio's paging; a bad paging parameter is 60306.
pub fn page(
    entities: &[EntityState],
    service_sid: &ServiceSid,
    query: &Form,
    base_url: &str,
) -> Result<ListPage<Entity>, TwilioError> {
    let mut sorted = entities.to_vec();
    sorted.sort_by(|a, b| (a.created_ms, &a.identity).cmp(&(b.created_ms, &b.identity)));
    let all: Vec<Entity> = sorted.iter().map(|e| e.to_resource(base_url)).collect();
    let url = entities_url(base_url, service_sid);
    let listing = Listing {
        url: &url,
        filters: &[],
        key: "entities",
        invalid: TwilioError::invalid_request,
    };
    paging::page_of(&all, query, &listing, |e| e)
}
