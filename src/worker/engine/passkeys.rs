//! Passkeys (`/v2/Services/{sid}/Passkeys/...`): CreateNewFactorPasskey (`Factors`), UpdatePasskeysFactor
//! (`VerifyFactor`), CreateChallengePasskeys (`Challenges`) and UpdateChallengePasskeys (`ApproveChallenge`).
//! Bodies are JSON, read by the core (`crate::engine::passkey`). Each ceremony's challenge is kept in its own
//! object (`objects::passkey_ceremonies`) from the options to the answer, which finds it by the challenge it
//! carries and takes it once; the Entity's object ([`super::entities::call`]) then runs WebAuthn's checks against
//! the Factor and stores the result.

use worker::{Date, Method, Response, Result};

use super::entities::{call, load_service};
use super::V2Request;
use crate::engine::passkey::{
    self, Ceremony, CeremonyKind, NewPasskeyChallengeRequest, NewPasskeyRequest, PasskeyAssertion,
    PasskeyChallenge, PasskeyConfig, PasskeyRegistration, CEREMONY_TIMEOUT_MS,
};
use crate::engine::SystemRandomness;
use crate::verify::model::{Service, TwilioError};
use crate::verify::sid::{ChallengeSid, EntitySid, FactorSid, ServiceSid};
use crate::verify::Reason;
use crate::worker::objects::protocol::{
    CeremonyCommand, EntityCommand, EntityIndexCommand, PasskeySignInTarget,
};
use crate::worker::objects::{self, Store};
use crate::worker::respond::{error_response, json_response};

/// `/v2/Services/{sid}/Passkeys/...`; `rest` is the path after `Passkeys`.
pub async fn serve(request: &V2Request<'_>, service_sid: &str, rest: &[&str]) -> Result<Response> {
    let service = match load_service(request, service_sid).await? {
        Ok(service) => service,
        Err(e) => return error_response(&e),
    };
    let body = request.body.as_bytes();
    let outcome = match (&request.method, rest) {
        (Method::Post, ["Factors"]) => create_factor(request, &service, body).await?,
        (Method::Post, ["VerifyFactor"]) => verify_factor(request, &service, body).await?,
        (Method::Post, ["Challenges"]) => create_challenge(request, &service, body).await?,
        (Method::Post, ["ApproveChallenge"]) => approve(request, &service, body).await?,
        (_, ["Factors" | "VerifyFactor" | "Challenges" | "ApproveChallenge"]) => {
            Err(TwilioError::method_not_allowed())
        }
        _ => Err(TwilioError::not_found()),
    };
    match outcome {
        Ok(response) => Ok(response),
        Err(e) => error_response(&e),
    }
}

/// An operation's answer, or its refusal.
type Outcome = std::result::Result<Response, TwilioError>;

fn service_sid_of(service: &Service) -> std::result::Result<ServiceSid, TwilioError> {
    service.sid.clone().ok_or_else(TwilioError::not_found)
}

/// The object of the ceremony of `challenge`.
fn ceremony_name(
    request: &V2Request<'_>,
    service: &Service,
    challenge: &[u8],
) -> std::result::Result<String, TwilioError> {
    let key = request.config.shard_key()?;
    Ok(key.shard_of_ceremony(&service_sid_of(service)?, challenge))
}

/// Keeps `ceremony` until its answer comes (or it expires).
async fn begin(request: &V2Request<'_>, service: &Service, ceremony: &Ceremony) -> Result<bool> {
    let Ok(name) = ceremony_name(request, service, &ceremony.challenge) else {
        return Ok(false);
    };
    let command = CeremonyCommand::Begin {
        ceremony: ceremony.clone(),
    };
    let response = objects::call(request.env, Store::PasskeyCeremonies, &name, &command).await?;
    Ok((200..300).contains(&response.status_code()))
}

/// The ceremony an answer's `challenge` belongs to, taken (once); 60391 when there is none.
async fn take(
    request: &V2Request<'_>,
    service: &Service,
    challenge: &[u8],
) -> Result<std::result::Result<Ceremony, TwilioError>> {
    let name = match ceremony_name(request, service, challenge) {
        Ok(name) => name,
        Err(e) => return Ok(Err(e)),
    };
    let mut response = objects::call(
        request.env,
        Store::PasskeyCeremonies,
        &name,
        &CeremonyCommand::Take,
    )
    .await?;
    if response.status_code() != 200 {
        return Ok(Err(response.json::<TwilioError>().await?));
    }
    let ceremony: Ceremony = response.json().await?;
    // The object is named by a hash of the challenge; the challenge itself must be the one kept.
    if !bool::from(subtle::ConstantTimeEq::ct_eq(
        ceremony.challenge.as_slice(),
        challenge,
    )) {
        return Ok(Err(TwilioError::challenge_not_found()));
    }
    Ok(Ok(ceremony))
}

/// CreateNewFactorPasskey.
async fn create_factor(request: &V2Request<'_>, service: &Service, body: &[u8]) -> Result<Outcome> {
    let parsed = NewPasskeyRequest::from_json(body)
        .and_then(|r| PasskeyConfig::resolve(r.config.as_ref(), service).map(|c| (r, c)));
    let (new_factor, config) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => return Ok(Err(e)),
    };
    let challenge = passkey::new_challenge(&mut SystemRandomness);
    let identity = new_factor.identity.clone();
    let command = EntityCommand::CreatePasskeyFactor {
        request: new_factor,
        config,
        challenge: challenge.clone(),
    };
    let mut response = call(request, service, &identity, command).await?;
    if response.status_code() != 201 {
        return Ok(Ok(response));
    }
    let answer: serde_json::Value = response.json().await?;
    let Some(factor_sid) = answer
        .get("sid")
        .and_then(|s| s.as_str())
        .and_then(|s| s.parse::<FactorSid>().ok())
    else {
        return Ok(Err(TwilioError::internal_error()));
    };
    let ceremony = Ceremony {
        challenge,
        expires_ms: Date::now().as_millis().saturating_add(CEREMONY_TIMEOUT_MS),
        kind: CeremonyKind::Registration {
            identity,
            factor_sid,
        },
    };
    if !begin(request, service, &ceremony).await? {
        return Ok(Err(TwilioError::internal_error()));
    }
    Ok(Ok(json_response(&answer, 201)?))
}

/// UpdatePasskeysFactor.
async fn verify_factor(request: &V2Request<'_>, service: &Service, body: &[u8]) -> Result<Outcome> {
    let registration = match PasskeyRegistration::from_json(body) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    let challenge = match registration.claimed_challenge() {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let ceremony = match take(request, service, &challenge).await? {
        Ok(Ceremony {
            kind:
                CeremonyKind::Registration {
                    identity,
                    factor_sid,
                },
            challenge,
            ..
        }) => (identity, factor_sid, challenge),
        Ok(_) | Err(_) => {
            return Ok(Err(TwilioError::factor_not_found().with_reason(
                Reason::PasskeyChallengeSpent,
                "no registration waits for this challenge: never issued here, answered already, or expired",
            )))
        }
    };
    let (identity, factor_sid, challenge) = ceremony;
    let command = EntityCommand::VerifyPasskeyFactor {
        factor_sid,
        challenge,
        registration,
    };
    // The Entity's answer, as it is (an error passes through).
    Ok(Ok(call(request, service, &identity, command).await?))
}

/// CreateChallengePasskeys: for the Entity named (its verified passkeys allowed), or for any discoverable passkey
/// of the Service (none listed: the passkey says whose it is).
async fn create_challenge(
    request: &V2Request<'_>,
    service: &Service,
    body: &[u8],
) -> Result<Outcome> {
    let wanted = match NewPasskeyChallengeRequest::from_json(body) {
        Ok(w) => w,
        Err(e) => return Ok(Err(e)),
    };
    let factor_sid = match wanted.factor_sid.as_deref().map(str::parse::<FactorSid>) {
        None => None,
        Some(Ok(sid)) => Some(sid),
        Some(Err(_)) => return Ok(Err(TwilioError::factor_not_found())),
    };
    let challenge = passkey::new_challenge(&mut SystemRandomness);
    let (entity_sid, options) = match &wanted.identity {
        Some(identity) => {
            let command = EntityCommand::PasskeySignIn {
                factor_sid: factor_sid.clone(),
            };
            let mut response = call(request, service, identity, command).await?;
            if response.status_code() != 200 {
                return Ok(Ok(response));
            }
            let target: PasskeySignInTarget = response.json().await?;
            let options = passkey::request_options(
                &target.rp_id,
                target.user_verification,
                &challenge,
                &target.allow,
            );
            (Some(target.entity_sid), options)
        }
        None => match PasskeyConfig::resolve(None, service) {
            Ok(config) => (
                None,
                passkey::request_options(
                    &config.relying_party.id,
                    config.user_verification,
                    &challenge,
                    &[],
                ),
            ),
            Err(e) => return Ok(Err(e)),
        },
    };
    let (Some(account_sid), Ok(service_sid)) =
        (service.account_sid.clone(), service_sid_of(service))
    else {
        return Ok(Err(TwilioError::not_found()));
    };
    let now = Date::now().as_millis();
    let created = PasskeyChallenge {
        sid: ChallengeSid::from_random_bytes(crate::engine::Randomness::sid_bytes(
            &mut SystemRandomness,
        )),
        account_sid,
        service_sid: service_sid.clone(),
        entity_sid,
        identity: wanted.identity.clone(),
        factor_sid,
        created_ms: now,
        expires_ms: now.saturating_add(CEREMONY_TIMEOUT_MS),
        options,
    };
    let ceremony = Ceremony {
        challenge,
        expires_ms: created.expires_ms,
        kind: CeremonyKind::SignIn {
            challenge: created.clone(),
        },
    };
    if !begin(request, service, &ceremony).await? {
        return Ok(Err(TwilioError::internal_error()));
    }
    let url = format!(
        "{}/v2/Services/{service_sid}/Passkeys/Challenges",
        request.base_url
    );
    Ok(Ok(json_response(
        &created.to_json("pending", None, &url),
        201,
    )?))
}

/// UpdateChallengePasskeys: the assertion, for the Challenge its challenge names, checked by the Entity (named by
/// the Challenge, or by a discoverable passkey's user handle, the Entity's SID).
async fn approve(request: &V2Request<'_>, service: &Service, body: &[u8]) -> Result<Outcome> {
    let assertion = match PasskeyAssertion::from_json(body) {
        Ok(a) => a,
        Err(e) => return Ok(Err(e)),
    };
    let challenge = match assertion.claimed_challenge() {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let (mut record, challenge) = match take(request, service, &challenge).await? {
        Ok(Ceremony {
            kind: CeremonyKind::SignIn { challenge: record },
            challenge,
            ..
        }) => (record, challenge),
        Ok(_) => return Ok(Err(TwilioError::challenge_not_found())),
        Err(e) => return Ok(Err(e)),
    };
    let identity = match &record.identity {
        Some(identity) => identity.clone(),
        None => match discoverable_identity(request, service, &assertion).await? {
            Ok(identity) => identity,
            Err(e) => return Ok(Err(e)),
        },
    };
    let command = EntityCommand::ApprovePasskey {
        challenge,
        assertion,
        factor_sid: record.factor_sid.clone(),
    };
    let mut response = call(request, service, &identity, command).await?;
    if response.status_code() != 200 {
        return Ok(Ok(response));
    }
    let approved: PasskeySignInTarget = response.json().await?;
    record.entity_sid = Some(approved.entity_sid);
    record.identity = Some(identity);
    record.factor_sid = approved.factor_sid;
    let url = format!(
        "{}/v2/Services/{}/Passkeys/ApproveChallenge",
        request.base_url, record.service_sid
    );
    let now = Date::now().as_millis();
    Ok(Ok(json_response(
        &record.to_json("approved", Some(now), &url),
        200,
    )?))
}

/// The identity of a discoverable passkey's Entity: its user handle is the Entity's SID (as the creation options
/// set it); 60392 when it names none of the Service's Entities.
async fn discoverable_identity(
    request: &V2Request<'_>,
    service: &Service,
    assertion: &PasskeyAssertion,
) -> Result<std::result::Result<String, TwilioError>> {
    let Some(entity_sid) = assertion
        .user_handle
        .as_deref()
        .and_then(|h| std::str::from_utf8(h).ok())
        .and_then(|h| h.parse::<EntitySid>().ok())
    else {
        return Ok(Err(TwilioError::entity_not_found()));
    };
    let service_sid = match service_sid_of(service) {
        Ok(sid) => sid,
        Err(e) => return Ok(Err(e)),
    };
    let mut response = objects::call(
        request.env,
        Store::EntityIndex,
        &crate::engine::entity::index_name(&service_sid),
        &EntityIndexCommand::IdentityOf { entity_sid },
    )
    .await?;
    if response.status_code() != 200 {
        return Ok(Err(TwilioError::entity_not_found()));
    }
    let found: serde_json::Value = response.json().await?;
    Ok(found
        .get("identity")
        .and_then(|i| i.as_str())
        .map(str::to_owned)
        .ok_or_else(TwilioError::entity_not_found))
}
