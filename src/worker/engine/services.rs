//! Services (`/v2/Services`, `/v2/Services/{sid}`), and the account's Service directory as every other room
//! reads it: through a short isolate cache, since every start and check needs its Service.

use std::cell::RefCell;
use std::collections::HashMap;

use worker::{Date, Env, Method, Response, Result};

use super::V2Request;
use crate::engine::rate_limit;
use crate::verify::model::{Service, TwilioError};
use crate::verify::sid::{AccountSid, ServiceSid};
use crate::worker::objects::protocol::{RateLimitCommand, ServiceCommand};
use crate::worker::objects::{self, Store};
use crate::worker::respond::error_response;

/// How long this isolate trusts a Service it read: every start and check needs its Service, and without this each
/// would queue at the account's one `ServiceDirectory`. A change made through another isolate shows here within this.
const SERVICE_CACHE_MS: u64 = 5_000;

thread_local! {
    /// Services read recently, by SID, with when they were read. Bounded by the account's Services.
    static SERVICE_CACHE: RefCell<HashMap<ServiceSid, (Service, u64)>> = RefCell::default();
}

/// The account's Service directory.
pub struct Services<'a> {
    env: &'a Env,
    account_sid: &'a AccountSid,
    base_url: &'a str,
}

impl<'a> Services<'a> {
    /// The directory of `account_sid`; answers carry URLs under `base_url`.
    pub fn new(env: &'a Env, account_sid: &'a AccountSid, base_url: &'a str) -> Self {
        Self {
            env,
            account_sid,
            base_url,
        }
    }

    async fn call(&self, command: &ServiceCommand) -> Result<Response> {
        if let ServiceCommand::Update { sid, .. } | ServiceCommand::Delete { sid } = command {
            SERVICE_CACHE.with_borrow_mut(|cache| cache.remove(sid));
        }
        objects::call(
            self.env,
            Store::Services,
            &self.account_sid.to_string(),
            command,
        )
        .await
    }

    /// The Service named by the path segment `sid`, or 20404.
    pub async fn load(&self, sid: &str) -> Result<std::result::Result<Service, TwilioError>> {
        match sid.parse::<ServiceSid>() {
            Ok(sid) => self.load_sid(&sid).await,
            Err(_) => Ok(Err(TwilioError::not_found())),
        }
    }

    /// The Service `sid`, or 20404.
    pub async fn load_sid(
        &self,
        sid: &ServiceSid,
    ) -> Result<std::result::Result<Service, TwilioError>> {
        let now = Date::now().as_millis();
        let cached = SERVICE_CACHE.with_borrow(|cache| {
            cache
                .get(sid)
                .filter(|(_, read)| now.saturating_sub(*read) < SERVICE_CACHE_MS)
                .map(|(service, _)| service.clone())
        });
        if let Some(service) = cached {
            return Ok(Ok(service));
        }
        let command = ServiceCommand::Fetch {
            sid: sid.clone(),
            base_url: self.base_url.to_owned(),
        };
        let mut response = self.call(&command).await?;
        if response.status_code() != 200 {
            return Ok(Err(TwilioError::not_found()));
        }
        let service: Service = response.json().await?;
        SERVICE_CACHE.with_borrow_mut(|cache| cache.insert(sid.clone(), (service.clone(), now)));
        Ok(Ok(service))
    }

    /// The Service `sid`, created (named `friendly_name`) if it does not exist: the public API's Service when the
    /// engine is its upstream, which must exist even after someone deleted it through `/v2`.
    pub async fn load_or_create(&self, sid: &ServiceSid, friendly_name: &str) -> Result<Service> {
        if let Ok(service) = self.load_sid(sid).await? {
            return Ok(service);
        }
        let command = ServiceCommand::Ensure {
            account_sid: self.account_sid.clone(),
            sid: sid.clone(),
            friendly_name: friendly_name.to_owned(),
        };
        let status = self.call(&command).await?.status_code();
        if !matches!(status, 200 | 201) {
            return Err(worker::Error::RustError(format!(
                "the engine could not create Service {sid}: HTTP {status}"
            )));
        }
        self.load_sid(sid)
            .await?
            .map_err(|e| worker::Error::RustError(e.message))
    }
}

/// `/v2/Services`: CreateService and ListService.
pub async fn serve_collection(request: &V2Request<'_>) -> Result<Response> {
    let account_sid = &request.account.account_sid;
    let services = Services::new(request.env, account_sid, &request.base_url);
    let base_url = request.base_url.clone();
    match request.method {
        Method::Post => {
            services
                .call(&ServiceCommand::Create {
                    account_sid: account_sid.clone(),
                    body: request.body.clone(),
                    base_url,
                })
                .await
        }
        Method::Get => {
            services
                .call(&ServiceCommand::List {
                    query: request.query.clone(),
                    base_url,
                })
                .await
        }
        _ => error_response(&TwilioError::not_found()),
    }
}

/// `/v2/Services/{sid}`: FetchService, UpdateService, DeleteService (which takes the Service's Rate Limits with
/// it).
pub async fn serve_one(request: &V2Request<'_>, sid: &str) -> Result<Response> {
    let Ok(sid) = sid.parse::<ServiceSid>() else {
        return error_response(&TwilioError::not_found());
    };
    let services = Services::new(request.env, &request.account.account_sid, &request.base_url);
    let base_url = request.base_url.clone();
    let command = match request.method {
        Method::Get => ServiceCommand::Fetch {
            sid: sid.clone(),
            base_url,
        },
        Method::Post => ServiceCommand::Update {
            sid: sid.clone(),
            body: request.body.clone(),
            base_url,
        },
        Method::Delete => ServiceCommand::Delete { sid: sid.clone() },
        _ => return error_response(&TwilioError::method_not_allowed()),
    };
    let response = services.call(&command).await?;
    if matches!(command, ServiceCommand::Delete { .. }) && response.status_code() == 204 {
        // A deleted Service's Rate Limits go with it.
        let name = rate_limit::object_name(&sid);
        objects::call(
            request.env,
            Store::RateLimits,
            &name,
            &RateLimitCommand::DeleteAll,
        )
        .await?;
    }
    Ok(response)
}
