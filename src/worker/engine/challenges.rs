//! Challenges (`/v2/Services/{sid}/Entities/{Identity}/Challenges[/{sid}]`): CreateChallenge, ListChallenge (with
//! `FactorSid`, `Status` and `Order`), FetchChallenge, UpdateChallenge. Each request is read by the core
//! (`crate::engine::challenge`) and sent to the Entity's object.

use worker::{Method, Response, Result};

use super::entities::{call, load_service};
use super::V2Request;
use crate::engine::challenge::{ChallengeFilter, ChallengeUpdate, NewChallengeRequest};
use crate::engine::entity::check_identity;
use crate::engine::form::Form;
use crate::verify::model::TwilioError;
use crate::verify::sid::ChallengeSid;
use crate::worker::objects::protocol::EntityCommand;
use crate::worker::respond::error_response;

/// `/v2/Services/{sid}/Entities/{Identity}/Challenges...`; `rest` is the path after `Challenges`.
pub async fn serve(
    request: &V2Request<'_>,
    service_sid: &str,
    identity: &str,
    rest: &[&str],
) -> Result<Response> {
    let service = match load_service(request, service_sid).await? {
        Ok(service) => service,
        Err(e) => return error_response(&e),
    };
    if let Err(e) = check_identity(identity) {
        return error_response(&e);
    }
    let command = match challenge_command(request, rest) {
        Ok(command) => command,
        Err(e) => return error_response(&e),
    };
    call(request, &service, identity, command).await
}

/// The Challenge operation a request asks for.
fn challenge_command(
    request: &V2Request<'_>,
    rest: &[&str],
) -> std::result::Result<EntityCommand, TwilioError> {
    let sid = |s: &str| {
        s.parse::<ChallengeSid>()
            .map_err(|_| TwilioError::not_found())
    };
    Ok(match (&request.method, rest) {
        (Method::Post, []) => EntityCommand::CreateChallenge {
            request: NewChallengeRequest::from_form(&request.form())?,
        },
        (Method::Get, []) => EntityCommand::ListChallenges {
            filter: ChallengeFilter::from_query(&Form::parse(request.query.as_bytes()))?,
            query: request.query.clone(),
        },
        (Method::Get, [s]) => EntityCommand::FetchChallenge { sid: sid(s)? },
        (Method::Post, [s]) => EntityCommand::UpdateChallenge {
            sid: sid(s)?,
            update: ChallengeUpdate::from_form(&request.form())?,
        },
        (_, [] | [_]) => return Err(TwilioError::method_not_allowed()),
        _ => return Err(TwilioError::not_found()),
    })
}
