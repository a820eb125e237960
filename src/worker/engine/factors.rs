//! Factors (`/v2/Services/{sid}/Entities/{Identity}/Factors[/{sid}]`): CreateNewFactor, ListFactor, FetchFactor,
//! UpdateFactor, DeleteFactor. Each request is read by the core (`crate::engine::factor`) and sent to the Entity's
//! object.

use worker::{Method, Response, Result};

use super::entities::{call, load_service};
use super::V2Request;
use crate::engine::entity::check_identity;
use crate::engine::factor::{FactorUpdate, NewFactorRequest, TotpDefaults};
use crate::verify::model::TwilioError;
use crate::verify::sid::FactorSid;
use crate::worker::objects::protocol::EntityCommand;
use crate::worker::respond::error_response;

/// `/v2/Services/{sid}/Entities/{Identity}/Factors...`; `rest` is the path after `Factors`.
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
    let command = match factor_command(request, &service, rest) {
        Ok(command) => command,
        Err(e) => return error_response(&e),
    };
    call(request, &service, identity, command).await
}

/// The Factor operation a request asks for.
fn factor_command(
    request: &V2Request<'_>,
    service: &crate::verify::model::Service,
    rest: &[&str],
) -> std::result::Result<EntityCommand, TwilioError> {
    let sid = |s: &str| s.parse::<FactorSid>().map_err(|_| TwilioError::not_found());
    Ok(match (&request.method, rest) {
        (Method::Post, []) => EntityCommand::CreateFactor {
            defaults: TotpDefaults::of_service(service),
            request: NewFactorRequest::from_form(&request.form())?,
        },
        (Method::Get, []) => EntityCommand::ListFactors {
            query: request.query.clone(),
        },
        (Method::Get, [s]) => EntityCommand::FetchFactor { sid: sid(s)? },
        (Method::Post, [s]) => EntityCommand::UpdateFactor {
            sid: sid(s)?,
            update: FactorUpdate::from_form(&request.form())?,
        },
        (Method::Delete, [s]) => EntityCommand::DeleteFactor { sid: sid(s)? },
        (_, [] | [_]) => return Err(TwilioError::method_not_allowed()),
        _ => return Err(TwilioError::not_found()),
    })
}
