//! The public API's abuse protection, run before anything goes upstream: rate limits in `RateCounter` Durable
//! Objects, the Turnstile bot check, geo permissions and refused number types, and the pumping detector. What each
//! rule means lives in the core ([`crate::abuse`]); this module reads the request and the counters.

use worker::{console_log, AbortSignal, Fetch, Headers, Method, Request, RequestInit, Result};

use crate::abuse::{self, Limit, Protections};
use crate::api::{mask_recipient, UpstreamStart};
use crate::engine::rate_limit::retry_after_seconds;
use crate::limits::Decision;
use crate::verify::model::{Channel, TwilioError};
use crate::verify::recipient::{recipient_key, Recipient};
use crate::verify::Reason;
use crate::worker::config::Upstream;
use crate::worker::config::{Turnstile, WorkerConfig};
use crate::worker::objects::counters::{self, Taken};

/// How long siteverify may take.
const SITEVERIFY_TIMEOUT_MS: u32 = 5_000;

/// The protections as configured; a var that does not parse fails every request closed, and says why in the log.
pub fn protections(config: &WorkerConfig) -> Result<&Protections, TwilioError> {
    config.protections.as_ref().map_err(|e| {
        console_log!("verify-edge: protections misconfigured: {e}");
        TwilioError::internal_error()
    })
}

/// The client's IP as Cloudflare gives it; `unknown` when absent (never so behind Cloudflare).
pub fn client_ip(req: &Request) -> String {
    req.headers()
        .get("CF-Connecting-IP")
        .ok()
        .flatten()
        .filter(|ip| !ip.is_empty() && ip.len() <= 64)
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Who is asking, as the counters see it: a browser, by its IP, or a server holding a legacy API key, by the key.
pub enum Client<'a> {
    /// A browser on the public API (`CF-Connecting-IP`; a whole IPv6 /64 is one client), held to the bot check on
    /// starts.
    Browser {
        /// The client's IP.
        ip: String,
        /// The Turnstile token the start carried.
        turnstile_token: Option<&'a str>,
    },
    /// A server on the legacy Authy API: counted by its key (the first bytes of the key's hash), no bot check.
    ApiKey {
        /// The key's counter name.
        key_id: String,
    },
}

impl<'a> Client<'a> {
    /// The browser behind `req`, with the Turnstile token its start carried.
    pub fn browser(req: &Request, turnstile_token: Option<&'a str>) -> Self {
        Self::Browser {
            ip: client_ip(req),
            turnstile_token,
        }
    }

    /// The counter this client's requests are counted under.
    fn counter(&self, protections: &Protections) -> String {
        match self {
            Self::Browser { ip, .. } => format!("ip:{}", protections.client_key(ip)),
            Self::ApiKey { key_id } => format!("key:{key_id}"),
        }
    }
}

/// A refusal: the error for the browser, with `Retry-After` seconds for 429s.
pub struct Refusal {
    /// Twilio's body.
    pub error: TwilioError,
    /// Seconds, for 429s.
    pub retry_after: Option<u64>,
}

impl Refusal {
    /// The refusal as an answer: Twilio's body, and `Retry-After` when there is a wait.
    pub fn response(&self) -> Result<worker::Response> {
        let mut response = crate::worker::respond::error_response(&self.error)?;
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .set("Retry-After", &seconds.max(1).to_string())?;
        }
        Ok(response)
    }
}

/// The counter name of a client's failed logins.
const AUTH_FAILURES: &str = "auth failures";

/// A server's login (the engine's `/v2`, `/verify/redeem`): refused while this client's failed logins are over
/// `LIMIT_AUTH_FAILURES_PER_IP` (a counter that cannot be reached refuses, as every limit does); a failed
/// `authenticate` is counted, and answered with its own error.
pub async fn guard_login(
    env: &worker::Env,
    req: &Request,
    protections: &Protections,
    authenticate: impl FnOnce() -> std::result::Result<(), TwilioError>,
) -> std::result::Result<(), Refusal> {
    let failures = protections.auth_failures_per_ip.map(|limit| {
        let client = protections.client_key(&client_ip(req));
        (format!("ip:{client}"), limit)
    });
    if let Some((key, limit)) = &failures {
        let decision = counters::peek(env, key, AUTH_FAILURES, limit.max, limit.window_ms)
            .await
            .unwrap_or(Decision {
                allowed: false,
                retry_after_ms: 1000,
            });
        if !decision.allowed {
            return Err(Refusal {
                error: TwilioError::too_many_requests().with_reason(
                    Reason::TooManyLoginFailures,
                    "too many failed logins from this client; see Retry-After",
                ),
                retry_after: Some(retry_after_seconds(decision.retry_after_ms)),
            });
        }
    }
    if let Err(error) = authenticate() {
        if let Some((key, limit)) = &failures {
            if let Err(err) =
                counters::take(env, key, AUTH_FAILURES, limit.max, limit.window_ms).await
            {
                console_log!("verify-edge: could not count a failed login: {err}");
            }
        }
        return Err(error.into());
    }
    Ok(())
}

impl From<TwilioError> for Refusal {
    fn from(error: TwilioError) -> Self {
        Self {
            error,
            retry_after: None,
        }
    }
}

/// Takes a hit of `limit` on `key` for one request; a refusal gives back every hit taken before it. A counter that
/// cannot be reached refuses (fails closed): better a retry than an unmetered send.
async fn take(
    taken: &mut Taken<'_>,
    key: String,
    name: &'static str,
    limit: Option<Limit>,
    error: impl FnOnce() -> TwilioError,
) -> Result<(), Refusal> {
    let Some(limit) = limit else {
        return Ok(());
    };
    let decision = taken
        .take(&key, name, limit.max, limit.window_ms)
        .await
        .unwrap_or_else(|e| {
            console_log!("verify-edge: rate counter {name} unavailable: {e}");
            Decision {
                allowed: false,
                retry_after_ms: 1000,
            }
        });
    if decision.allowed {
        return Ok(());
    }
    console_log!("verify-edge: refused by the {name} limit");
    Err(Refusal {
        error: error(),
        retry_after: Some(decision.retry_after_ms.div_ceil(1000).max(1)),
    })
}

/// Everything a start must pass before it goes upstream, cheapest and broadest first: the per-IP limit, the bot
/// check, geo permissions and number types, the pumping detector, then the per-recipient, per-prefix and
/// per-Service limits. A refusal gives back the hits taken before it.
pub async fn guard_start(
    env: &worker::Env,
    config: &WorkerConfig,
    client: &Client<'_>,
    protections: &Protections,
    start: &UpstreamStart,
    upstream: &Upstream,
) -> Result<(), Refusal> {
    let masked = mask_recipient(&start.to);
    let mut taken = Taken::new(env);
    let (name, limit) = match client {
        Client::Browser { .. } => ("starts per IP", protections.starts_per_ip),
        Client::ApiKey { .. } => ("starts per API key", protections.starts_per_api_key),
    };
    take(&mut taken, client.counter(protections), name, limit, || {
        abuse::too_many_requests(name)
    })
    .await?;
    if let Client::Browser {
        ip,
        turnstile_token,
    } = client
    {
        if let Err(refusal) = turnstile(config.turnstile.as_ref(), ip, *turnstile_token).await {
            taken.give_back().await;
            console_log!(
                "verify-edge: refused start to {masked}: {}",
                reason(&refusal.error)
            );
            return Err(refusal);
        }
    }
    let number = match &start.recipient {
        Recipient::Phone(number) => Some(number),
        Recipient::Email(_) => None,
    };
    // `auto` may end as SMS: judged as SMS, the channel that costs.
    let channel = start.channel.channel().unwrap_or(Channel::Sms);
    // The upstream's SafeList lifts geo permissions, number types and pumping blocks; asked only when one of them
    // would refuse, so a start that passes costs no lookup.
    let mut safe_listed = None;
    if let Some(number) = number {
        let rules = protections
            .check_geo(channel, number)
            .and_then(|()| protections.check_number_type(channel, number));
        if let Err(error) = rules {
            if *safe_listed.get_or_insert(upstream.is_safe_listed(env, &start.to).await) {
                console_log!(
                    "verify-edge: {masked} is safe-listed: {} lifted",
                    reason(&error)
                );
            } else {
                taken.give_back().await;
                console_log!("verify-edge: refused start to {masked}: {}", reason(&error));
                return Err(error.into());
            }
        }
    }
    take(
        &mut taken,
        format!("to:{}", recipient_key(&start.to)),
        "starts per recipient",
        protections.starts_per_to,
        TwilioError::max_send_attempts,
    )
    .await?;
    if let Some(number) = number {
        let prefix = protections.prefix_of(number);
        take(
            &mut taken,
            format!("prefix:{prefix}"),
            "starts per prefix",
            protections.starts_per_prefix,
            || abuse::too_many_requests("starts per prefix"),
        )
        .await?;
        if let Some(policy) = &protections.pumping {
            match counters::pump_judge(env, &prefix, policy).await {
                Ok(verdict) if verdict.allowed => {}
                Ok(verdict)
                    if match safe_listed {
                        Some(listed) => listed,
                        None => upstream.is_safe_listed(env, &start.to).await,
                    } =>
                {
                    if verdict.newly_blocked {
                        console_log!("verify-edge: pumping detector blocked {prefix}");
                    }
                    console_log!("verify-edge: {masked} is safe-listed: PREFIX_BLOCKED lifted");
                }
                Ok(verdict) => {
                    taken.give_back().await;
                    if verdict.newly_blocked {
                        console_log!(
                            "verify-edge: pumping detector blocked {prefix} for {} s: approvals under {} of sends",
                            policy.cooldown_ms / 1000,
                            policy.floor
                        );
                    }
                    console_log!("verify-edge: refused start to {masked}: PREFIX_BLOCKED");
                    return Err(abuse::prefix_blocked(&prefix).into());
                }
                Err(e) => {
                    // Fails closed, as every counter does: better a retry than an unjudged send.
                    taken.give_back().await;
                    console_log!("verify-edge: pumping detector unavailable: {e}");
                    return Err(Refusal {
                        error: abuse::too_many_requests("pumping detector"),
                        retry_after: Some(1),
                    });
                }
            }
        }
    }
    take(
        &mut taken,
        "service:starts".to_owned(),
        "starts per Service",
        protections.starts_per_service,
        || abuse::too_many_requests("starts per Service"),
    )
    .await?;
    Ok(())
}

/// One check of `client` (`LIMIT_CHECKS_PER_IP`, or `LIMIT_CHECKS_PER_API_KEY`), taken with whatever else `taken`
/// holds.
async fn take_check_of_client(
    taken: &mut Taken<'_>,
    client: &Client<'_>,
    protections: &Protections,
) -> Result<(), Refusal> {
    let (name, limit) = match client {
        Client::Browser { .. } => ("checks per IP", protections.checks_per_ip),
        Client::ApiKey { .. } => ("checks per API key", protections.checks_per_api_key),
    };
    take(taken, client.counter(protections), name, limit, || {
        abuse::too_many_requests(name)
    })
    .await
}

/// The limits a check must pass: per client, then per verification (`target`: its SID or recipient).
pub async fn guard_check(
    env: &worker::Env,
    client: &Client<'_>,
    protections: &Protections,
    target: &str,
) -> Result<(), Refusal> {
    let mut taken = Taken::new(env);
    take_check_of_client(&mut taken, client, protections).await?;
    take(
        &mut taken,
        format!("check:{}", recipient_key(target)),
        "checks per verification",
        protections.checks_per_verification,
        || abuse::too_many_requests("checks per verification"),
    )
    .await
}

/// A request that names no one (a discoverable passkey sign-in) counts as a check of its client, and nothing else:
/// no counter is shared between clients, so no one can spend everyone's sign-ins.
pub async fn guard_client_check(
    env: &worker::Env,
    client: &Client<'_>,
    protections: &Protections,
) -> Result<(), Refusal> {
    let mut taken = Taken::new(env);
    take_check_of_client(&mut taken, client, protections).await
}

/// Everything an authenticator-app request must pass once its identity is proven: the per-IP check limit, then the
/// identity's own (`LIMIT_TOTP_ATTEMPTS_PER_IDENTITY`), whichever route it is and whichever factor it names.
pub async fn guard_identity(
    env: &worker::Env,
    req: &Request,
    protections: &Protections,
    entity_identity: &str,
) -> Result<(), Refusal> {
    let mut taken = Taken::new(env);
    take_check_of_client(&mut taken, &Client::browser(req, None), protections).await?;
    take(
        &mut taken,
        format!("identity:{entity_identity}"),
        "authenticator attempts per identity",
        protections.totp_attempts_per_identity,
        || abuse::too_many_requests("authenticator attempts per identity"),
    )
    .await
}

/// Every public request from a client counts here first, and is never given back: refusals (a bot check, geo
/// permissions, a bad parameter) cost the caller as much as a pass, so hammering the Worker (and, in Twilio mode,
/// its SafeList lookups) is bounded per client.
pub async fn guard_request(
    env: &worker::Env,
    req: &Request,
    protections: &Protections,
) -> Result<(), Refusal> {
    let mut taken = Taken::new(env);
    take(
        &mut taken,
        format!("ip:{}", protections.client_key(&client_ip(req))),
        "requests per IP",
        protections.requests_per_ip,
        || abuse::too_many_requests("requests per IP"),
    )
    .await
}

/// Counts a send the upstream accepted for the pumping detector: at most `PUMPING_MAX_SENDS_PER_CLIENT` of one
/// client's sends to a prefix count per window, so no single client trips the detector for everyone.
pub async fn sent(
    env: &worker::Env,
    client: &Client<'_>,
    protections: &Protections,
    start: &UpstreamStart,
) {
    let (Some(policy), Recipient::Phone(number)) = (&protections.pumping, &start.recipient) else {
        return;
    };
    let prefix = protections.prefix_of(number);
    let key = format!("pump:{prefix}:{}", client.counter(protections));
    let counts = counters::take(
        env,
        &key,
        "pumping sends per client",
        protections.pumping_sends_per_client,
        policy.window_ms,
    )
    .await;
    let outcome = match counts {
        Ok(decision) if decision.allowed => counters::pump_count(env, &prefix, policy).await,
        Ok(_) => Ok(()),
        Err(e) => Err(e),
    };
    if let Err(e) = outcome {
        console_log!("verify-edge: pumping detector could not count a send: {e}");
    }
}

/// Counts an approval for the pumping detector.
pub async fn approved(env: &worker::Env, protections: &Protections, to: &str) {
    let Some(policy) = &protections.pumping else {
        return;
    };
    let Ok(number) = crate::phone::normalize_phone(to, None) else {
        return; // an email address
    };
    if let Err(e) = counters::pump_approve(env, &protections.prefix_of(&number), policy).await {
        console_log!("verify-edge: pumping detector unavailable: {e}");
    }
}

fn reason(error: &TwilioError) -> String {
    error
        .details
        .as_ref()
        .map_or_else(|| error.code.to_string(), |d| d.reason.clone())
}

/// The Turnstile check, when `TURNSTILE_SECRET_KEY` is set: the token must be there and siteverify must accept it.
/// Fails closed: a siteverify that cannot be reached refuses the start.
async fn turnstile(
    config: Option<&Turnstile>,
    ip: &str,
    token: Option<&str>,
) -> Result<(), Refusal> {
    let Some(Turnstile { secret, verify_url }) = config else {
        return Ok(());
    };
    let Some(token) = token else {
        return Err(TwilioError::invalid_parameter("turnstileToken")
            .with_reason(Reason::TurnstileMissing,
                "this Worker requires a Turnstile token (turnstileToken, or the form's cf-turnstile-response)",
            )
            .into());
    };
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("secret", secret)
        .append_pair("response", token);
    if ip != "unknown" {
        form.append_pair("remoteip", ip);
    }
    let unavailable = || -> Refusal {
        TwilioError::service_unavailable()
            .with_reason(
                Reason::TurnstileUnavailable,
                "the bot check could not be completed; try again",
            )
            .into()
    };
    let headers = Headers::new();
    headers
        .set("Content-Type", "application/x-www-form-urlencoded")
        .map_err(|_| unavailable())?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(form.finish().into()));
    let request = Request::new_with_init(verify_url, &init).map_err(|_| unavailable())?;
    let signal = AbortSignal::from(web_sys::AbortSignal::timeout_with_u32(
        SITEVERIFY_TIMEOUT_MS,
    ));
    let mut response = match Fetch::Request(request).send_with_signal(&signal).await {
        Ok(response) => response,
        Err(e) => {
            console_log!("verify-edge: Turnstile siteverify unreachable: {e}");
            return Err(unavailable());
        }
    };
    #[derive(serde::Deserialize)]
    struct Siteverify {
        success: bool,
        #[serde(default, rename = "error-codes")]
        error_codes: Vec<String>,
    }
    let verdict = match response.json::<Siteverify>().await {
        Ok(verdict) if response.status_code() == 200 => verdict,
        _ => {
            console_log!(
                "verify-edge: Turnstile siteverify answered HTTP {} without a verdict",
                response.status_code()
            );
            return Err(unavailable());
        }
    };
    if verdict.success {
        return Ok(());
    }
    let codes: Vec<&str> = verdict
        .error_codes
        .iter()
        .map(String::as_str)
        .filter(|c| c.len() <= 40 && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .collect();
    Err(TwilioError::forbidden()
        .with_reason(
            Reason::TurnstileFailed,
            &format!("the Turnstile token was refused ({})", codes.join(", ")),
        )
        .into())
}
