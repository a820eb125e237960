//! Entities (`/v2/Services/{sid}/Entities[/{Identity}]`): CreateEntity, ListEntity, FetchEntity, DeleteEntity; and
//! the way every Entity, Factor and Challenge request reaches the one object that holds the Entity ([`call`]).

use worker::{Method, Response, Result};

use super::services::Services;
use super::V2Request;
use crate::engine::entity::{self, check_identity};
use crate::verify::model::{Service, TwilioError};
use crate::worker::objects::protocol::{EntityCall, EntityCommand, EntityIndexCommand};
use crate::worker::objects::{self, Store};
use crate::worker::respond::error_response;

/// `/v2/Services/{sid}/Entities[/{Identity}]`; `rest` is the path after `Entities`.
pub async fn serve(request: &V2Request<'_>, service_sid: &str, rest: &[&str]) -> Result<Response> {
    let service = match load_service(request, service_sid).await? {
        Ok(service) => service,
        Err(e) => return error_response(&e),
    };
    match (&request.method, rest) {
        (Method::Post, []) => match entity::identity_from_form(&request.form()) {
            Ok(identity) => call(request, &service, &identity, EntityCommand::Create).await,
            Err(e) => error_response(&e),
        },
        (Method::Get, []) => {
            let Some(service_sid) = service.sid.clone() else {
                return error_response(&TwilioError::not_found());
            };
            let command = EntityIndexCommand::List {
                service_sid: service_sid.clone(),
                query: request.query.clone(),
                base_url: request.base_url.clone(),
            };
            objects::call(
                request.env,
                Store::EntityIndex,
                &entity::index_name(&service_sid),
                &command,
            )
            .await
        }
        (Method::Get, [identity]) => call(request, &service, identity, EntityCommand::Fetch).await,
        (Method::Delete, [identity]) => {
            call(request, &service, identity, EntityCommand::Delete).await
        }
        (_, [] | [_]) => error_response(&TwilioError::method_not_allowed()),
        _ => error_response(&TwilioError::not_found()),
    }
}

/// The Service a path names, or 20404.
pub async fn load_service(
    request: &V2Request<'_>,
    service_sid: &str,
) -> Result<std::result::Result<Service, TwilioError>> {
    Services::new(request.env, &request.account.account_sid, &request.base_url)
        .load(service_sid)
        .await
}

/// Sends `command` for the Entity `identity` of `service` to the object that holds it (named by the keyed hash of
/// both: `crate::engine::shard`). An identity out of Twilio's format is 60306, before any object is reached.
pub async fn call(
    request: &V2Request<'_>,
    service: &Service,
    identity: &str,
    command: EntityCommand,
) -> Result<Response> {
    if let Err(e) = check_identity(identity) {
        return error_response(&e);
    }
    let (Some(service_sid), Some(account_sid)) = (service.sid.clone(), service.account_sid.clone())
    else {
        return error_response(&TwilioError::not_found());
    };
    let name = match request.config.shard_key() {
        Ok(key) => key.shard_of_entity(&service_sid, identity),
        Err(e) => return error_response(&e),
    };
    let call = EntityCall {
        service_sid,
        account_sid,
        identity: identity.to_owned(),
        base_url: request.base_url.clone(),
        command,
    };
    objects::call(request.env, Store::Entities, &name, &call).await
}
