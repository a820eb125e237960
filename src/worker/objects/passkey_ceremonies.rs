//! A passkey ceremony in flight (a `ServiceDirectory` named by the keyed hash of its Service and challenge,
//! [`crate::engine::shard::ShardKey::shard_of_ceremony`]): kept from the moment the options leave until the answer
//! comes back, then taken once (a challenge answers one registration or one sign-in), or deleted by an alarm once
//! it expired. The take's read and delete happen in one request of the object, so racing answers find it once.

use worker::{Date, Response, Result};

use super::protocol::CeremonyCommand;
use crate::engine::passkey::Ceremony;
use crate::verify::model::TwilioError;
use crate::verify::Reason;
use crate::worker::respond::{error_response, json_response, no_content};

/// The storage key of the ceremony.
const CEREMONY: &str = "ceremony";

/// Begins or takes the ceremony of this object.
pub async fn serve(storage: &worker::Storage, command: CeremonyCommand) -> Result<Response> {
    match command {
        CeremonyCommand::Begin { ceremony } => {
            let delay = ceremony
                .expires_ms
                .saturating_add(1_000)
                .saturating_sub(Date::now().as_millis());
            storage
                .set_alarm(std::time::Duration::from_millis(delay))
                .await?;
            storage.put(CEREMONY, &ceremony).await?;
            no_content()
        }
        CeremonyCommand::Take => {
            let found: Option<Ceremony> = storage.get(CEREMONY).await?;
            if found.is_some() {
                storage.delete(CEREMONY).await?;
            }
            match found.filter(|c| c.expires_ms > Date::now().as_millis()) {
                Some(ceremony) => json_response(&ceremony, 200),
                None => error_response(&TwilioError::challenge_not_found().with_reason(
                    Reason::PasskeyChallengeSpent,
                    "this answer's challenge was never issued here, was answered already, or expired",
                )),
            }
        }
    }
}

/// The alarm of a ceremony's object: it expired unanswered.
pub async fn expire(storage: &worker::Storage) -> Result<()> {
    storage.delete_all().await
}
