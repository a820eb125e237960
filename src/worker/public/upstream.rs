//! The Verify v2 upstream the public API forwards to: Twilio (or anything speaking its API) over HTTPS with the
//! Worker's credentials, or the engine inside this Worker when no Twilio credentials are configured.
//!
//! Twilio mode sends what a Twilio client sends: form-encoded PascalCase parameters to
//! `/v2/Services/{ServiceSid}/...`. Credentials live only here, in the `Authorization` header; they are never
//! logged and never reach an answer. The engine is called in-process through its typed operations
//! (`crate::worker::engine::verifications`), with no URL or form in between.

use worker::{AbortSignal, Env, Fetch, Headers, Method, Request, RequestInit, Url};

use crate::api::{UpstreamCheck, UpstreamStart};
use crate::verify::sid::ServiceSid;
use crate::verify::Target;
use crate::worker::config::{Upstream, WorkerConfig};
use crate::worker::engine::services::Services;
use crate::worker::engine::{self, safe_list, verifications};
use crate::worker::respond::error_response;

/// The name the engine's Service for the public API is created with.
const ENGINE_SERVICE_NAME: &str = "verify-edge";

/// What the public API asks of the upstream.
pub enum Call<'a> {
    /// CreateVerification.
    Start(&'a UpstreamStart),
    /// CreateVerificationCheck.
    Check(&'a UpstreamCheck),
    /// FetchVerification, by SID or by recipient.
    Fetch(&'a Target),
    /// A call on an Entity's Factors or Challenges (authenticator apps): the method, the path under the Service
    /// (`Entities/{Identity}/...`, with a query for a GET) and the form of a POST.
    Entity {
        /// GET or POST.
        method: Method,
        /// Under `/v2/Services/{ServiceSid}/`.
        path: String,
        /// A POST's parameters.
        form: Vec<(&'static str, String)>,
    },
    /// A Passkeys operation (`Passkeys/...` under the Service): a JSON POST, as Twilio's Passkeys API takes.
    Passkeys {
        /// Under `/v2/Services/{ServiceSid}/`.
        path: String,
        /// The JSON body.
        body: serde_json::Value,
    },
}

impl Call<'_> {
    /// The Verify v2 resource the call is on, for the log.
    fn resource(&self) -> &'static str {
        match self {
            Self::Start(_) | Self::Fetch(_) => "Verifications",
            Self::Check(_) => "VerificationCheck",
            Self::Entity { .. } => "Entities",
            Self::Passkeys { .. } => "Passkeys",
        }
    }

    /// The Verify v2 request for this call: method, path under the Service, form body.
    fn wire(&self) -> (Method, String, Vec<(&'static str, String)>) {
        match self {
            Self::Start(start) => (Method::Post, "Verifications".to_owned(), start.form()),
            Self::Check(check) => (Method::Post, "VerificationCheck".to_owned(), check.form()),
            Self::Fetch(target) => (
                Method::Get,
                format!("Verifications/{}", target.path_segment()),
                Vec::new(),
            ),
            Self::Entity { method, path, form } => (method.clone(), path.clone(), form.clone()),
            Self::Passkeys { path, .. } => (Method::Post, path.clone(), Vec::new()),
        }
    }
}

/// An upstream answer: its HTTP status, body and `Retry-After`.
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The body, unread.
    pub body: Vec<u8>,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
}

/// Why no answer came. The text is for the Worker's log: it never holds a credential.
pub enum Failure {
    /// No answer within the timeout.
    Timeout,
    /// The request could not be made or its answer read.
    Network(String),
}

impl Failure {
    /// What to log.
    pub fn describe(&self) -> String {
        match self {
            Self::Timeout => "no answer within UPSTREAM_TIMEOUT_MS".to_owned(),
            Self::Network(what) => format!("network: {what}"),
        }
    }
}

/// Whether a request may be sent again when no answer came.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Safe to repeat (a fetch): one more attempt after a network failure or a timeout.
    Idempotent,
    /// Never repeated here: creates and checks change state upstream, and workerd's fetch cannot say whether a
    /// failed request was sent ("Network connection lost." both for a refused connection and a dropped one). The
    /// caller reconciles instead (see `super::start`).
    Never,
}

impl Upstream {
    /// Makes `call`, as [`Self::call`]; when no answer comes, the log says why (never a credential) and the caller
    /// learns only that it failed.
    pub async fn call_or_log(
        &self,
        env: &Env,
        config: &WorkerConfig,
        origin: &Url,
        call: Call<'_>,
        retry: Retry,
    ) -> Result<Answer, ()> {
        let resource = call.resource();
        self.call(env, config, origin, call, retry)
            .await
            .map_err(|failure| {
                worker::console_log!(
                    "verify-edge: {} upstream failed on {resource}: {}",
                    self.kind(),
                    failure.describe()
                );
            })
    }

    /// `engine` or `twilio`, for the log.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Engine { .. } => "engine",
            Self::Twilio { .. } => "twilio",
        }
    }

    /// Makes `call` and returns the upstream's answer. `origin` is this Worker's, for the URLs in the engine's
    /// answers (`sna.url`). Twilio mode repeats an [`Retry::Idempotent`] call once when no answer came.
    pub async fn call(
        &self,
        env: &Env,
        config: &WorkerConfig,
        origin: &Url,
        call: Call<'_>,
        retry: Retry,
    ) -> Result<Answer, Failure> {
        match self {
            Self::Engine { service_sid } => {
                let response = engine_call(env, config, origin, service_sid, call)
                    .await
                    .map_err(|e| Failure::Network(e.to_string()))?;
                read(response).await
            }
            Self::Twilio {
                base_url,
                service_sid,
                authorization,
                timeout_ms,
            } => {
                let (method, path, form) = call.wire();
                let (body, content_type) = match &call {
                    Call::Passkeys { body, .. } => (body.to_string(), "application/json"),
                    _ if matches!(method, Method::Post) => {
                        (form_body(&form), "application/x-www-form-urlencoded")
                    }
                    _ => (String::new(), ""),
                };
                let url = base_url
                    .join(&format!("/v2/Services/{service_sid}/{path}"))
                    .map_err(|e| Failure::Network(e.to_string()))?;
                let attempts = if retry == Retry::Idempotent { 2 } else { 1 };
                let mut outcome = Err(Failure::Network("not sent".to_owned()));
                for _ in 0..attempts {
                    outcome = fetch_once(
                        &url,
                        &method,
                        (&body, content_type),
                        authorization,
                        *timeout_ms,
                    )
                    .await;
                    if outcome.is_ok() {
                        break;
                    }
                }
                outcome
            }
        }
    }
}

/// `call` on the engine's Service `service_sid`, in-process. A start finds the Service, or creates it when it
/// does not exist (first use, or deleted through `/v2` since).
async fn engine_call(
    env: &Env,
    config: &WorkerConfig,
    origin: &Url,
    service_sid: &ServiceSid,
    call: Call<'_>,
) -> worker::Result<worker::Response> {
    let account = match &config.engine {
        Ok(account) => account,
        Err(e) => return error_response(e),
    };
    let base_url = origin.origin().ascii_serialization();
    let services = Services::new(env, &account.account_sid, &base_url);
    match call {
        Call::Start(start) => {
            let service = services
                .load_or_create(service_sid, ENGINE_SERVICE_NAME)
                .await?;
            let request = start.engine_request(config.sna_simulator);
            verifications::start(env, config, service, request, Vec::new(), &base_url).await
        }
        Call::Check(check) => match services.load_sid(service_sid).await? {
            Ok(service) => {
                let target = check.target.clone();
                verifications::check(env, config, service, target, check.engine_request()).await
            }
            Err(e) => error_response(&e),
        },
        Call::Fetch(target) => {
            verifications::fetch(env, config, service_sid.clone(), target.clone(), &base_url).await
        }
        Call::Passkeys { path, body } => {
            let service = services
                .load_or_create(service_sid, ENGINE_SERVICE_NAME)
                .await?;
            // A discoverable sign-in's Challenge takes its relying party from the Service: the Worker's
            // PASSKEY_* settings, written to the engine's Service when they differ.
            if let Ok(Some(settings)) = &config.passkeys {
                if !settings.matches(&service) {
                    let form = form_body(&settings.service_form());
                    let updated = engine::update_service_in_process(
                        env,
                        config,
                        service_sid,
                        form,
                        &base_url,
                    )
                    .await?;
                    if updated.status_code() != 200 {
                        return Ok(updated);
                    }
                }
            }
            engine::serve_in_process(
                env,
                config,
                Method::Post,
                service_sid,
                &path,
                "",
                body.to_string(),
                &base_url,
            )
            .await
        }
        Call::Entity { method, path, form } => {
            // An authenticator may be enrolled before any verification has created the Service.
            services
                .load_or_create(service_sid, ENGINE_SERVICE_NAME)
                .await?;
            let (path, query) = path.split_once('?').unwrap_or((path.as_str(), ""));
            let body = form_body(&form);
            engine::serve_in_process(
                env,
                config,
                method,
                service_sid,
                path,
                query,
                body,
                &base_url,
            )
            .await
        }
    }
}

impl Upstream {
    /// Whether `e164` is on the upstream's SafeList (`/v2/SafeList/Numbers/{PhoneNumber}`): the engine's, in-process,
    /// or Twilio's, over HTTP. Anything but a clear yes (an error, a timeout) is a no: the safe list only ever
    /// lifts a refusal, so failing closed keeps the refusal.
    pub async fn is_safe_listed(&self, env: &Env, e164: &str) -> bool {
        match self {
            Self::Engine { .. } => safe_list::is_safe_listed(env, e164).await.unwrap_or(false),
            Self::Twilio {
                base_url,
                authorization,
                timeout_ms,
                ..
            } => {
                let segment =
                    percent_encoding::utf8_percent_encode(e164, percent_encoding::NON_ALPHANUMERIC);
                let Ok(url) = base_url.join(&format!("/v2/SafeList/Numbers/{segment}")) else {
                    return false;
                };
                fetch_once(&url, &Method::Get, ("", ""), authorization, *timeout_ms)
                    .await
                    .is_ok_and(|answer| answer.status == 200)
            }
        }
    }
}

/// A form's parameters, URL-encoded as Twilio takes them.
fn form_body(form: &[(&'static str, String)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form {
        serializer.append_pair(name, value);
    }
    serializer.finish()
}

/// One attempt, aborted after `timeout_ms`.
async fn fetch_once(
    url: &Url,
    method: &Method,
    (body, content_type): (&str, &str),
    authorization: &str,
    timeout_ms: u32,
) -> Result<Answer, Failure> {
    let headers = Headers::new();
    let set = |name: &str, value: &str| {
        headers
            .set(name, value)
            .map_err(|e| Failure::Network(e.to_string()))
    };
    set("Authorization", authorization)?;
    set("Accept", "application/json")?;
    set(
        "User-Agent",
        concat!("verify-edge/", env!("CARGO_PKG_VERSION")),
    )?;
    let mut init = RequestInit::new();
    init.with_method(method.clone());
    if matches!(method, Method::Post) {
        set("Content-Type", content_type)?;
        init.with_body(Some(body.into()));
    }
    init.with_headers(headers.clone());
    let request =
        Request::new_with_init(url.as_str(), &init).map_err(|e| Failure::Network(e.to_string()))?;
    let signal = AbortSignal::from(web_sys::AbortSignal::timeout_with_u32(timeout_ms));
    match Fetch::Request(request).send_with_signal(&signal).await {
        Ok(response) => read(response).await,
        Err(_) if signal.aborted() => Err(Failure::Timeout),
        Err(error) => Err(Failure::Network(error.to_string())),
    }
}

async fn read(mut response: worker::Response) -> Result<Answer, Failure> {
    let status = response.status_code();
    let retry_after = response.headers().get("Retry-After").ok().flatten();
    let body = response
        .bytes()
        .await
        .map_err(|e| Failure::Network(e.to_string()))?;
    Ok(Answer {
        status,
        body,
        retry_after,
    })
}
