//! Whom an Entity stands for (a `ServiceDirectory` named `identity:{Identity}`): the issuer and subject of the token
//! that vouched when a passkey was registered through the public API. A discoverable passkey's sign-in names only
//! its Entity, whose `Identity` is a hash; this gives back the `sub` its approval token carries.

use worker::{Response, Result};

use super::protocol::IdentityCommand;
use crate::approval::identity::Vouched;
use crate::verify::model::TwilioError;
use crate::worker::respond::{error_response, json_response, no_content};

/// The storage key of the identity.
const VOUCHED: &str = "vouched";

/// Records or reads the identity of this object's Entity.
pub async fn serve(storage: &worker::Storage, command: IdentityCommand) -> Result<Response> {
    match command {
        IdentityCommand::Put { vouched } => {
            storage.put(VOUCHED, &vouched).await?;
            no_content()
        }
        IdentityCommand::Get => match storage.get::<Vouched>(VOUCHED).await? {
            Some(vouched) => json_response(&vouched, 200),
            None => error_response(&TwilioError::entity_not_found()),
        },
    }
}

/// The object of the Entity `identity`.
pub fn name(identity: &str) -> String {
    format!("identity:{identity}")
}
