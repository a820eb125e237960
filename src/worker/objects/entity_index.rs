//! One Service's list of Entities, for `ListEntity` (a `ServiceDirectory` named by
//! [`crate::engine::entity::index_name`]): one record per Entity, written by that Entity's own object
//! ([`super::entities`]) when it is created and deleted, so a list never queues behind an Entity's traffic and an
//! Entity's requests never wait for the list.

use worker::{Response, Result};

use super::protocol::EntityIndexCommand;
use crate::engine::entity::{self, EntityState};
use crate::engine::form::Form;
use crate::worker::respond::{error_response, json_response, no_content};

/// The prefix of an Entity's record: `e:{identity}`.
const PREFIX: &str = "e:";

/// One Service's list of Entities: the paging is `crate::engine::entity`'s; this loads and stores.
pub async fn serve(storage: &worker::Storage, command: EntityIndexCommand) -> Result<Response> {
    match command {
        EntityIndexCommand::Add { entity } => {
            storage
                .put(&format!("{PREFIX}{}", entity.identity), &entity)
                .await?;
            no_content()
        }
        EntityIndexCommand::Remove { identity } => {
            storage.delete(&format!("{PREFIX}{identity}")).await?;
            no_content()
        }
        EntityIndexCommand::IdentityOf { entity_sid } => {
            // One pass over the list: a discoverable passkey's sign-in names its Entity by SID.
            match all(storage)
                .await?
                .into_iter()
                .find(|e| e.sid == entity_sid)
            {
                Some(entity) => {
                    json_response(&serde_json::json!({ "identity": entity.identity }), 200)
                }
                None => error_response(&crate::verify::model::TwilioError::entity_not_found()),
            }
        }
        EntityIndexCommand::List {
            service_sid,
            query,
            base_url,
        } => {
            let entities = all(storage).await?;
            match entity::page(
                &entities,
                &service_sid,
                &Form::parse(query.as_bytes()),
                &base_url,
            ) {
                Ok(page) => json_response(&page, 200),
                Err(e) => error_response(&e),
            }
        }
    }
}

/// Every Entity on the list.
async fn all(storage: &worker::Storage) -> Result<Vec<EntityState>> {
    let listed = storage
        .list_with_options(worker::ListOptions::new().prefix(PREFIX))
        .await?;
    let mut entities = Vec::with_capacity(listed.size() as usize);
    for value in listed.values() {
        let value = value.map_err(worker::Error::from)?;
        entities.push(
            serde_wasm_bindgen::from_value(value)
                .map_err(|e| worker::Error::RustError(e.to_string()))?,
        );
    }
    Ok(entities)
}
