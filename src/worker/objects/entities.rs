//! `EntityShard`: one per Service and Identity (named as `crate::engine::shard` says), holding that Entity, its
//! Factors and its Challenges. Every rule is `crate::engine::{entity, factor, challenge}`'s; this loads, applies,
//! and stores each change in one commit (a Factor with the Challenge it approved, a Factor with its Challenges
//! deleted).
//!
//! Each request runs start to finish with the object's input closed (`blockConcurrencyWhile`), the call that keeps
//! the Service's list of Entities up to date included: two requests for one Entity never interleave, so a code
//! approves once and a delete cannot race a create into the list.
//!
//! Storage: `entity` (the Entity and whether the Service's list has it), `factor:{sid}`, `challenge:{sid}`.

use std::collections::HashSet;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use worker::{durable_object, Date, DurableObject, Env, Request, Response, Result, State};

use super::commit::{commit, Change};
use super::protocol::{EntityCall, EntityCommand, EntityIndexCommand, PasskeySignInTarget};
use super::{call, Store};
use crate::engine::challenge::{self, ChallengeFilter, ChallengeState};
use crate::engine::entity::{self, EntityState};
use crate::engine::factor::{self, FactorKind, FactorState, TotpDefaults};
use crate::engine::form::Form;
use crate::engine::passkey;
use crate::engine::SystemRandomness;
use crate::verify::model::{FactorStatus, TwilioError};
use crate::verify::sid::{AccountSid, ChallengeSid, FactorSid, ServiceSid};
use crate::worker::respond::{error_response, json_response, no_content};

/// The storage key of the Entity.
const ENTITY: &str = "entity";
/// The prefix of a Factor's key.
const FACTOR: &str = "factor:";
/// The prefix of a Challenge's key.
const CHALLENGE: &str = "challenge:";

fn factor_key(sid: &FactorSid) -> String {
    format!("{FACTOR}{sid}")
}

fn challenge_key(sid: &ChallengeSid) -> String {
    format!("{CHALLENGE}{sid}")
}

/// The Entity as stored, with whether the Service's list of Entities has it (set once the list said so; an Entity
/// the list missed is listed again on its next request).
#[derive(Serialize, Deserialize)]
struct EntityRecord {
    state: EntityState,
    listed: bool,
}

/// One Entity of one Service, with its Factors and Challenges.
#[durable_object]
pub struct EntityShard {
    state: State,
    env: Env,
}

impl DurableObject for EntityShard {
    fn new(state: State, env: Env) -> Self {
        Self { state, env }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let request: EntityCall = req.json().await?;
        let shard = Shard {
            storage: self.state.storage(),
            env: self.env.clone(),
        };
        self.state
            .block_concurrency_while(async move { shard.serve(request).await })
            .await
    }
}

/// What a request needs of the object, owned (the request runs as a `'static` future).
struct Shard {
    storage: worker::Storage,
    env: Env,
}

impl Shard {
    async fn serve(&self, request: EntityCall) -> Result<Response> {
        let now = Date::now().as_millis();
        let EntityCall {
            service_sid,
            account_sid,
            identity,
            base_url,
            command,
        } = request;
        let mut record: Option<EntityRecord> = self.storage.get(ENTITY).await?;
        // This object's name is a keyed hash of Service and identity; the record must be theirs.
        if let Some(r) = &record {
            if r.state.service_sid != service_sid || r.state.identity != identity {
                return error_response(&TwilioError::not_found());
            }
        }
        if let Some(r) = record.as_mut().filter(|r| !r.listed) {
            self.list(r).await?;
        }
        let mut random = SystemRandomness;
        let base = base_url.as_str();
        match command {
            EntityCommand::Create => {
                let existing = record.as_ref().map(|r| &r.state);
                let created = entity::create_entity(
                    existing,
                    &identity,
                    &service_sid,
                    &account_sid,
                    now,
                    &mut random,
                );
                match created {
                    Ok(state) => {
                        let record = self.store_new_entity(state, now).await?;
                        json_response(&record.state.to_resource(base), 201)
                    }
                    Err(e) => error_response(&e),
                }
            }
            EntityCommand::Fetch => match &record {
                Some(r) => json_response(&r.state.to_resource(base), 200),
                None => error_response(&TwilioError::not_found()),
            },
            EntityCommand::Delete => {
                if let Some(mut r) = record {
                    // Off the list first (marked unlisted, so a crash part-way lists it again), then gone.
                    r.listed = false;
                    self.storage.put(ENTITY, &r).await?;
                    self.index(&service_sid, EntityIndexCommand::Remove { identity })
                        .await?;
                    self.storage.delete_all().await?;
                    no_content()
                } else {
                    // Nothing here; a stale line in the list (if any) goes.
                    self.index(&service_sid, EntityIndexCommand::Remove { identity })
                        .await?;
                    error_response(&TwilioError::not_found())
                }
            }
            EntityCommand::CreateFactor { defaults, request } => {
                let record = self
                    .existing_or_new(record, &identity, &service_sid, &account_sid, now)
                    .await?;
                self.create_factor(&record.state, &defaults, &request, now, base)
                    .await
            }
            EntityCommand::CreatePasskeyFactor {
                request,
                config,
                challenge,
            } => {
                let record = self
                    .existing_or_new(record, &identity, &service_sid, &account_sid, now)
                    .await?;
                self.create_passkey_factor(&record.state, &request, config, challenge, now, base)
                    .await
            }
            command @ (EntityCommand::VerifyPasskeyFactor { .. }
            | EntityCommand::PasskeySignIn { .. }
            | EntityCommand::ApprovePasskey { .. }) => {
                let Some(record) = record else {
                    return error_response(&TwilioError::entity_not_found());
                };
                self.serve_passkey(&record.state, command, now, base).await
            }
            command => {
                let Some(record) = record else {
                    return error_response(&TwilioError::not_found());
                };
                self.serve_existing(&record.state, command, now, base).await
            }
        }
    }

    /// The operations on the Factors and Challenges of an Entity that exists.
    async fn serve_existing(
        &self,
        entity: &EntityState,
        command: EntityCommand,
        now: u64,
        base: &str,
    ) -> Result<Response> {
        match command {
            EntityCommand::FetchFactor { sid } => match self.factor(&sid, now).await? {
                Some(f) => json_response(&f.to_resource(base), 200),
                None => error_response(&TwilioError::not_found()),
            },
            EntityCommand::UpdateFactor { sid, update } => {
                let Some(current) = self.factor(&sid, now).await? else {
                    return error_response(&TwilioError::not_found());
                };
                match factor::update_factor(&current, &update, now) {
                    Ok(next) => {
                        self.storage.put(&factor_key(&sid), &next).await?;
                        json_response(&next.to_resource(base), 200)
                    }
                    Err(e) => error_response(&e),
                }
            }
            EntityCommand::DeleteFactor { sid } => {
                if self.factor(&sid, now).await?.is_none() {
                    return error_response(&TwilioError::not_found());
                }
                let mut change = Change::default();
                change.delete(factor_key(&sid));
                for c in self.challenges().await? {
                    if c.factor_sid == sid {
                        change.delete(challenge_key(&c.sid));
                    }
                }
                commit(&self.storage, change, now).await?;
                no_content()
            }
            EntityCommand::ListFactors { query } => {
                let factors = self.factors(now).await?;
                match factor::page(&factors, entity, &Form::parse(query.as_bytes()), base) {
                    Ok(page) => json_response(&page, 200),
                    Err(e) => error_response(&e),
                }
            }
            EntityCommand::CreateChallenge { request } => {
                let Some(current) = self.factor(&request.factor_sid, now).await? else {
                    return error_response(&TwilioError::not_found());
                };
                let created = challenge::create_challenge(
                    entity,
                    &current,
                    &request,
                    now,
                    &mut SystemRandomness,
                );
                let (created, next) = match created {
                    Ok(done) => done,
                    Err(e) => return error_response(&e),
                };
                let mut change = Change::default();
                for old in challenge::to_forget(&self.challenges().await?) {
                    change.delete(challenge_key(&old));
                }
                change.put(&challenge_key(&created.sid), &created)?;
                if next != current {
                    change.put(&factor_key(&next.sid), &next)?;
                }
                commit(&self.storage, change, now).await?;
                json_response(&created.to_resource(now, base), 201)
            }
            EntityCommand::FetchChallenge { sid } => {
                match self
                    .storage
                    .get::<ChallengeState>(&challenge_key(&sid))
                    .await?
                {
                    Some(c) => json_response(&c.to_resource(now, base), 200),
                    None => error_response(&TwilioError::not_found()),
                }
            }
            EntityCommand::UpdateChallenge { sid, update } => {
                let Some(current) = self
                    .storage
                    .get::<ChallengeState>(&challenge_key(&sid))
                    .await?
                else {
                    return error_response(&TwilioError::not_found());
                };
                let Some(factor) = self.factor(&current.factor_sid, now).await? else {
                    return error_response(&TwilioError::not_found());
                };
                match challenge::update_challenge(&current, &factor, &update, now) {
                    Ok((next, next_factor)) => {
                        let mut change = Change::default();
                        change.put(&challenge_key(&sid), &next)?;
                        if next_factor != factor {
                            change.put(&factor_key(&next_factor.sid), &next_factor)?;
                        }
                        commit(&self.storage, change, now).await?;
                        json_response(&next.to_resource(now, base), 200)
                    }
                    Err(e) => error_response(&e),
                }
            }
            EntityCommand::ListChallenges { filter, query } => {
                self.list_challenges(entity, &filter, &query, now, base)
                    .await
            }
            EntityCommand::Create
            | EntityCommand::Fetch
            | EntityCommand::Delete
            | EntityCommand::CreateFactor { .. }
            | EntityCommand::CreatePasskeyFactor { .. }
            | EntityCommand::VerifyPasskeyFactor { .. }
            | EntityCommand::PasskeySignIn { .. }
            | EntityCommand::ApprovePasskey { .. } => error_response(&TwilioError::not_found()),
        }
    }

    /// CreateNewFactorPasskey: the Factor (with the removal of unverified Factors past their lifetime, in one
    /// commit), answered with its creation options, which exclude the Entity's registered passkeys.
    async fn create_passkey_factor(
        &self,
        entity: &EntityState,
        request: &passkey::NewPasskeyRequest,
        config: passkey::PasskeyConfig,
        challenge: Vec<u8>,
        now: u64,
        base: &str,
    ) -> Result<Response> {
        let created = passkey::create_factor(
            entity,
            request,
            config,
            challenge,
            now,
            &mut SystemRandomness,
        );
        let all = self.all::<FactorState>(FACTOR).await?;
        let mut change = Change::default();
        for stale in all.iter().filter(|f| !f.is_live(now)) {
            change.delete(factor_key(&stale.sid));
        }
        change.put(&factor_key(&created.sid), &created)?;
        commit(&self.storage, change, now).await?;
        let mut answer = created.to_new_resource("", base);
        answer.options = passkey::factor_options(&created, &all);
        json_response(&answer, 201)
    }

    /// The passkey operations on an Entity that exists.
    async fn serve_passkey(
        &self,
        entity: &EntityState,
        command: EntityCommand,
        now: u64,
        base: &str,
    ) -> Result<Response> {
        match command {
            EntityCommand::VerifyPasskeyFactor {
                factor_sid,
                challenge,
                registration,
            } => {
                let Some(current) = self.factor(&factor_sid, now).await? else {
                    return error_response(&TwilioError::factor_not_found());
                };
                match passkey::verify_factor(&current, &challenge, &registration, now) {
                    Ok(next) => {
                        self.storage.put(&factor_key(&factor_sid), &next).await?;
                        json_response(&next.to_resource(base), 200)
                    }
                    Err(e) => error_response(&e),
                }
            }
            EntityCommand::PasskeySignIn { factor_sid } => {
                let passkeys: Vec<FactorState> = self
                    .factors(now)
                    .await?
                    .into_iter()
                    .filter(|f| f.status == FactorStatus::Verified)
                    .filter(|f| factor_sid.as_ref().is_none_or(|sid| *sid == f.sid))
                    .filter(|f| passkey::credential_id_of(f).is_some())
                    .collect();
                let Some(FactorKind::Passkeys(first)) = passkeys.first().map(|f| &f.kind) else {
                    return error_response(&TwilioError::factor_not_found());
                };
                json_response(
                    &PasskeySignInTarget {
                        entity_sid: entity.sid.clone(),
                        factor_sid,
                        rp_id: first.config.relying_party.id.clone(),
                        user_verification: first.config.user_verification,
                        allow: passkeys
                            .iter()
                            .filter_map(passkey::credential_id_of)
                            .collect(),
                    },
                    200,
                )
            }
            EntityCommand::ApprovePasskey {
                challenge,
                assertion,
                factor_sid,
            } => {
                let factors = self.factors(now).await?;
                let found = match passkey::factor_for(&factors, &assertion, factor_sid.as_ref()) {
                    Ok(found) => found,
                    Err(e) => return error_response(&e),
                };
                match passkey::approve_factor(found, &challenge, &assertion, now) {
                    Ok(next) => {
                        self.storage.put(&factor_key(&next.sid), &next).await?;
                        let FactorKind::Passkeys(approved) = &next.kind else {
                            return error_response(&TwilioError::illegal_factor_status());
                        };
                        json_response(
                            &PasskeySignInTarget {
                                entity_sid: entity.sid.clone(),
                                factor_sid: Some(next.sid.clone()),
                                rp_id: approved.config.relying_party.id.clone(),
                                user_verification: approved.config.user_verification,
                                allow: Vec::new(),
                            },
                            200,
                        )
                    }
                    Err(e) => error_response(&e),
                }
            }
            _ => error_response(&TwilioError::not_found()),
        }
    }

    /// CreateNewFactor: the Factor, in one commit with the removal of unverified Factors past their lifetime.
    async fn create_factor(
        &self,
        entity: &EntityState,
        defaults: &TotpDefaults,
        request: &factor::NewFactorRequest,
        now: u64,
        base: &str,
    ) -> Result<Response> {
        let created =
            match factor::create_factor(entity, request, defaults, now, &mut SystemRandomness) {
                Ok(created) => created,
                Err(e) => return error_response(&e),
            };
        let mut change = Change::default();
        for stale in self
            .all::<FactorState>(FACTOR)
            .await?
            .into_iter()
            .filter(|f| !f.is_live(now))
        {
            change.delete(factor_key(&stale.sid));
        }
        change.put(&factor_key(&created.sid), &created)?;
        commit(&self.storage, change, now).await?;
        json_response(&created.to_new_resource(&defaults.issuer, base), 201)
    }

    async fn list_challenges(
        &self,
        entity: &EntityState,
        filter: &ChallengeFilter,
        query: &str,
        now: u64,
        base: &str,
    ) -> Result<Response> {
        // A Challenge of a Factor gone (an unverified one past its lifetime never had any) is not listed.
        let live: HashSet<FactorSid> = self
            .factors(now)
            .await?
            .into_iter()
            .map(|f| f.sid)
            .collect();
        let challenges: Vec<ChallengeState> = self
            .challenges()
            .await?
            .into_iter()
            .filter(|c| live.contains(&c.factor_sid))
            .collect();
        let query = Form::parse(query.as_bytes());
        match challenge::page(&challenges, entity, filter, &query, now, base) {
            Ok(page) => json_response(&page, 200),
            Err(e) => error_response(&e),
        }
    }

    /// The Entity, or (Twilio creates the Entity with its first Factor) a new one, stored and listed.
    async fn existing_or_new(
        &self,
        record: Option<EntityRecord>,
        identity: &str,
        service_sid: &ServiceSid,
        account_sid: &AccountSid,
        now: u64,
    ) -> Result<EntityRecord> {
        if let Some(record) = record {
            return Ok(record);
        }
        let state = entity::new_entity(
            identity,
            service_sid,
            account_sid,
            now,
            &mut SystemRandomness,
        );
        self.store_new_entity(state, now).await
    }

    /// Stores a new Entity and puts it on the Service's list.
    async fn store_new_entity(&self, state: EntityState, now: u64) -> Result<EntityRecord> {
        let mut record = EntityRecord {
            state,
            listed: false,
        };
        let mut change = Change::default();
        change.put(ENTITY, &record)?;
        commit(&self.storage, change, now).await?;
        self.list(&mut record).await?;
        Ok(record)
    }

    /// Puts the Entity on the Service's list, then notes that it is there.
    async fn list(&self, record: &mut EntityRecord) -> Result<()> {
        let entity = record.state.clone();
        let service_sid = entity.service_sid.clone();
        self.index(&service_sid, EntityIndexCommand::Add { entity })
            .await?;
        record.listed = true;
        self.storage.put(ENTITY, &*record).await
    }

    /// Sends `command` to the Service's list of Entities; anything but success is an error (the request fails,
    /// and the Entity's `listed` mark says what to redo).
    async fn index(&self, service_sid: &ServiceSid, command: EntityIndexCommand) -> Result<()> {
        let response = call(
            &self.env,
            Store::EntityIndex,
            &entity::index_name(service_sid),
            &command,
        )
        .await?;
        if !(200..300).contains(&response.status_code()) {
            return Err(worker::Error::RustError(format!(
                "the list of Entities answered HTTP {}",
                response.status_code()
            )));
        }
        Ok(())
    }

    /// The Factor `sid`, if it exists at `now`.
    async fn factor(&self, sid: &FactorSid, now: u64) -> Result<Option<FactorState>> {
        let found: Option<FactorState> = self.storage.get(&factor_key(sid)).await?;
        Ok(found.filter(|f| f.is_live(now)))
    }

    /// Every Factor that exists at `now`.
    async fn factors(&self, now: u64) -> Result<Vec<FactorState>> {
        let all: Vec<FactorState> = self.all(FACTOR).await?;
        Ok(all.into_iter().filter(|f| f.is_live(now)).collect())
    }

    /// Every Challenge.
    async fn challenges(&self) -> Result<Vec<ChallengeState>> {
        self.all(CHALLENGE).await
    }

    /// Every record whose key starts with `prefix`.
    async fn all<T: DeserializeOwned>(&self, prefix: &str) -> Result<Vec<T>> {
        let listed = self
            .storage
            .list_with_options(worker::ListOptions::new().prefix(prefix))
            .await?;
        let mut records = Vec::with_capacity(listed.size() as usize);
        for value in listed.values() {
            let value = value.map_err(worker::Error::from)?;
            records.push(
                serde_wasm_bindgen::from_value(value)
                    .map_err(|e| worker::Error::RustError(e.to_string()))?,
            );
        }
        Ok(records)
    }
}
