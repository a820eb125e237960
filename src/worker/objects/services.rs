//! `ServiceDirectory`: one per account (named by the account SID), holding the account's Services in creation
//! order. The class also serves, under other object names, a Service's Rate Limits ([`super::rate_limits`]), a
//! SafeList number ([`super::safe_list`]), a Service's list of Entities ([`super::entity_index`]) and a passkey
//! ceremony in flight ([`super::passkey_ceremonies`], the only one that sets an alarm): the path of the command says
//! which.

use worker::{durable_object, Date, DurableObject, Env, Request, Response, Result, State};

use super::protocol::ServiceCommand;
use super::{
    entity_index, identities, passkey_ceremonies, random_bytes, rate_limits, safe_list, Store,
};
use crate::engine::form::Form;
use crate::engine::service::{self, with_urls};
use crate::verify::model::{Service, TwilioError};
use crate::verify::sid::ServiceSid;
use crate::worker::respond::{error_response, json_response, no_content};

/// Services of one account, in creation order; and, under other names, Rate Limits, SafeList numbers and lists of
/// Entities.
#[durable_object]
pub struct ServiceDirectory {
    state: State,
}

impl DurableObject for ServiceDirectory {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let storage = self.state.storage();
        match req.path().as_str() {
            path if path == Store::RateLimits.path() => {
                rate_limits::serve(&storage, req.json().await?).await
            }
            path if path == Store::SafeList.path() => {
                safe_list::serve(&storage, req.json().await?).await
            }
            path if path == Store::EntityIndex.path() => {
                entity_index::serve(&storage, req.json().await?).await
            }
            path if path == Store::Identities.path() => {
                identities::serve(&storage, req.json().await?).await
            }
            path if path == Store::PasskeyCeremonies.path() => {
                passkey_ceremonies::serve(&storage, req.json().await?).await
            }
            _ => serve_services(&storage, req.json().await?).await,
        }
    }

    /// Only a passkey ceremony's object sets an alarm: it expired unanswered.
    async fn alarm(&self) -> Result<Response> {
        passkey_ceremonies::expire(&self.state.storage()).await?;
        Response::empty()
    }
}

/// One account's Services: every rule is `crate::engine::service`'s; this loads and stores.
async fn serve_services(storage: &worker::Storage, command: ServiceCommand) -> Result<Response> {
    let mut services: Vec<Service> = storage.get("services").await?.unwrap_or_default();
    let now = Date::now().as_millis();
    let position = |sid: &ServiceSid| services.iter().position(|s| s.sid.as_ref() == Some(sid));
    match command {
        ServiceCommand::Create {
            account_sid,
            body,
            base_url,
        } => {
            let sid = ServiceSid::from_random_bytes(random_bytes());
            let created =
                match service::create_service(&Form::parse(body.as_bytes()), sid, account_sid, now)
                {
                    Ok(created) => created,
                    Err(e) => return error_response(&e),
                };
            services.push(created.clone());
            storage.put("services", &services).await?;
            json_response(&with_urls(created, &base_url), 201)
        }
        ServiceCommand::Fetch { sid, base_url } => match position(&sid) {
            Some(i) => json_response(&with_urls(services[i].clone(), &base_url), 200),
            None => error_response(&TwilioError::not_found()),
        },
        ServiceCommand::Update {
            sid,
            body,
            base_url,
        } => {
            let Some(i) = position(&sid) else {
                return error_response(&TwilioError::not_found());
            };
            match service::update_service(&services[i], &Form::parse(body.as_bytes()), now) {
                Ok(updated) => {
                    services[i] = updated.clone();
                    storage.put("services", &services).await?;
                    json_response(&with_urls(updated, &base_url), 200)
                }
                Err(e) => error_response(&e),
            }
        }
        ServiceCommand::Delete { sid } => {
            let Some(i) = position(&sid) else {
                return error_response(&TwilioError::not_found());
            };
            services.remove(i);
            storage.put("services", &services).await?;
            no_content()
        }
        ServiceCommand::Ensure {
            account_sid,
            sid,
            friendly_name,
        } => {
            if position(&sid).is_some() {
                return json_response(&serde_json::json!({ "sid": sid }), 200);
            }
            let form: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("FriendlyName", &friendly_name)
                .finish();
            let created =
                match service::create_service(&Form::parse(form.as_bytes()), sid, account_sid, now)
                {
                    Ok(created) => created,
                    Err(e) => return error_response(&e),
                };
            services.push(created);
            storage.put("services", &services).await?;
            json_response(&serde_json::json!({ "created": true }), 201)
        }
        ServiceCommand::List { query, base_url } => {
            match service::page(&services, &Form::parse(query.as_bytes()), &base_url) {
                Ok(page) => json_response(&page, 200),
                Err(e) => error_response(&e),
            }
        }
    }
}
