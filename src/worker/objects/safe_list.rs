//! One SafeList number's record, in its own object (a `ServiceDirectory` named by
//! [`crate::engine::safe_list::object_name`]), so a lookup never queues behind another number.

use serde::{Deserialize, Serialize};
use worker::{Response, Result};

use super::protocol::SafeListCommand;
use super::random_bytes;
use crate::engine::safe_list;
use crate::verify::model::TwilioError;
use crate::verify::sid::SafeListSid;
use crate::worker::respond::{error_response, json_response, no_content};

/// The storage key of the number's record.
const SAFE_LIST_ENTRY: &str = "entry";

/// A SafeList record as stored.
#[derive(Serialize, Deserialize)]
struct SafeListEntry {
    sid: SafeListSid,
    phone_number: String,
}

/// One SafeList number's record.
pub async fn serve(storage: &worker::Storage, command: SafeListCommand) -> Result<Response> {
    let entry: Option<SafeListEntry> = storage.get(SAFE_LIST_ENTRY).await?;
    // The object is named by the number; a record of another number would be a bug, and is no match.
    let entry_of = |number: &str| entry.as_ref().filter(|e| e.phone_number == number);
    match command {
        SafeListCommand::Create {
            phone_number,
            base_url,
        } => {
            let sid = match entry_of(&phone_number) {
                Some(existing) => existing.sid.clone(),
                None => {
                    let sid = SafeListSid::from_random_bytes(random_bytes());
                    let record = SafeListEntry {
                        sid: sid.clone(),
                        phone_number: phone_number.clone(),
                    };
                    storage.put(SAFE_LIST_ENTRY, &record).await?;
                    sid
                }
            };
            json_response(&safe_list::with_url(sid, &phone_number, &base_url), 201)
        }
        SafeListCommand::Fetch {
            phone_number,
            base_url,
        } => match entry_of(&phone_number) {
            Some(e) => json_response(
                &safe_list::with_url(e.sid.clone(), &phone_number, &base_url),
                200,
            ),
            None => error_response(&TwilioError::not_found()),
        },
        SafeListCommand::Delete { phone_number } => {
            if entry_of(&phone_number).is_none() {
                return error_response(&TwilioError::not_found());
            }
            storage.delete(SAFE_LIST_ENTRY).await?;
            no_content()
        }
        SafeListCommand::Contains { phone_number } => json_response(
            &serde_json::json!({ "safe_listed": entry_of(&phone_number).is_some() }),
            200,
        ),
    }
}
