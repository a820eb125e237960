//! The Worker's configuration, read once per request (and once per Durable Object call) from its vars and
//! secrets into [`WorkerConfig`], then passed down. No other module reads a setting: each is parsed here, in one
//! place, with one meaning.

use worker::Env;

use super::public::cors::Cors;
use crate::abuse::Protections;
use crate::approval::identity::{IssuerSetupError, TrustedIssuer};
use crate::approval::{Approvals, SetupError};
use crate::engine::access::Credential;
use crate::engine::shard::ShardKey;
use crate::engine::verification::DEFAULT_LIFETIME_MS;
use crate::verify::model::TwilioError;
use crate::verify::sid::{AccountSid, ServiceSid};
use crate::verify::Reason;
use base64::Engine as _;
use worker::Url;

/// How long a finished verification's record is kept after its lifetime, by default (`TOMBSTONE_SECONDS`).
const DEFAULT_TOMBSTONE_MS: u64 = 60 * 60 * 1000;
/// How long the delivery webhook may take, by default (`DELIVERY_TIMEOUT_MS`).
const DEFAULT_DELIVERY_TIMEOUT_MS: u32 = 5_000;

/// Everything the Worker's routes and objects are configured with.
pub struct WorkerConfig {
    /// The engine's account and the credentials `/v2` accepts; an error when `ENGINE_ACCOUNT_SID` is missing.
    pub engine: Result<EngineAccount, TwilioError>,
    /// The secret the engine's shard hash is keyed with (`SHARD_KEY`, at least 16 bytes): required by the
    /// engine, generated into `.dev.vars` for development.
    pub shard_key: Option<ShardKey>,
    /// How long a verification lives (`VERIFICATION_LIFETIME_SECONDS`, 10 minutes by default).
    pub lifetime_ms: u64,
    /// How long a finished verification's record is kept so a 404 can say why (`TOMBSTONE_SECONDS`).
    pub tombstone_ms: u64,
    /// Development: codes go to the log and `GET /dev/inbox` (`DEV_INBOX`).
    pub dev_inbox: bool,
    /// Where each code is POSTed, when a self-hoster has a gateway (`DELIVERY_WEBHOOK_URL`).
    pub delivery_webhook_url: Option<String>,
    /// The secret each POST to the gateway is signed with (`DELIVERY_WEBHOOK_SECRET`); required with a URL.
    pub delivery_webhook_secret: Option<String>,
    /// How long the gateway may take (`DELIVERY_TIMEOUT_MS`, 5 seconds by default).
    pub delivery_timeout_ms: u32,
    /// Development: the engine offers Silent Network Auth through its simulated carrier (`/sna/...`), which
    /// confirms any number to whoever opens the URL (`SNA_SIMULATOR`). Off, `sna` starts are 60223, `auto` sends
    /// SMS, and `/sna/...` does not exist.
    pub sna_simulator: bool,
    /// The simulated carrier fails with this 605xx code (`SNA_SIMULATE_ERROR`), for tests.
    pub sna_simulate_error: Option<u32>,
    /// Browser origins allowed to call the public API (`ALLOWED_ORIGINS`).
    pub cors: Cors,
    /// The public API's abuse protection; an error names the setting that does not parse.
    pub protections: Result<Protections, String>,
    /// Where the public API forwards to: the engine, or Twilio; an error says what is missing.
    pub upstream: Result<Upstream, String>,
    /// How long Twilio mode waits before looking for a create that got no answer (`UPSTREAM_RECONCILE_DELAY_MS`,
    /// 1 second by default).
    pub reconcile_delay_ms: u64,
    /// The Turnstile bot check, when `TURNSTILE_SECRET_KEY` is set.
    pub turnstile: Option<Turnstile>,
    /// The Turnstile site key the demo page renders the widget with (public by design).
    pub turnstile_site_key: Option<String>,
    /// The `customFriendlyName` values the public API lets callers choose (`ALLOWED_FRIENDLY_NAMES`, exact,
    /// comma-separated); none by default.
    pub allowed_friendly_names: Vec<String>,
    /// The bearer token of the admin routes (`ADMIN_TOKEN`); without one they do not exist.
    pub admin_token: Option<String>,
    /// How approval tokens are signed (`APPROVAL_*`); an error names the setting that is missing or unreadable,
    /// and then no route answers an approval (20500).
    pub approvals: Result<Approvals, SetupError>,
    /// The operator's server as an issuer of identity tokens (`IDENTITY_TOKEN_KEYS`, `IDENTITY_TOKEN_ISSUER`):
    /// `None` when unset (only this Worker's approval tokens vouch); an error when half set or unreadable, and
    /// then the routes that need an identity answer 20500.
    pub identity_issuer: Result<Option<TrustedIssuer>, IssuerSetupError>,
    /// The relying party passkeys are registered for through the public API (`PASSKEY_*`): `None` when
    /// `PASSKEY_RP_ID` is unset (the passkey routes answer 20500 and say so in the log), an error naming the setting
    /// that cannot be read.
    pub passkeys: Result<Option<crate::api::passkey::PasskeySettings>, String>,
    /// The bearer secret of `POST /verify/redeem` (`APPROVAL_REDEEM_SECRET`); without one the route does not
    /// exist.
    pub redeem_secret: Option<String>,
    /// Where each approval token is POSTed (`APPROVAL_WEBHOOK_URL`, https, or http on loopback); an error when
    /// the URL is not one.
    pub approval_webhook_url: Result<Option<Url>, String>,
    /// How long the approval webhook may take per attempt (`APPROVAL_WEBHOOK_TIMEOUT_MS`, 5 seconds by default).
    pub approval_webhook_timeout_ms: u32,
    /// The legacy Authy API (`/protected/...`): its keys and Services, `None` when `AUTHY_API_KEYS` is unset (the
    /// routes do not exist); an error says what is misconfigured.
    pub authy: Result<Option<AuthyConfig>, String>,
}

/// The legacy Authy API's settings.
pub struct AuthyConfig {
    /// SHA-256 of each key of `AUTHY_API_KEYS` (comma-separated; several while one is rotated out): a presented key
    /// is hashed and compared with each in constant time, and its counters are named by its hash's first bytes.
    pub key_hashes: Vec<[u8; 32]>,
    /// Where codes of each length are sent from: the engine's own Services, or `AUTHY_SERVICE_SIDS` for Twilio.
    pub services: crate::authy::ServicesByLength,
}

impl AuthyConfig {
    /// Reads `AUTHY_API_KEYS` (each at least 32 characters) and, with a Twilio upstream, `AUTHY_SERVICE_SIDS`.
    fn from_settings(
        get: &impl Fn(&str) -> Option<String>,
        twilio: bool,
    ) -> Result<Option<Self>, String> {
        use sha2::Digest as _;
        let Some(keys) = get("AUTHY_API_KEYS") else {
            return Ok(None);
        };
        let keys: Vec<&str> = keys
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .collect();
        if keys.is_empty() || keys.iter().any(|k| k.len() < 32) {
            return Err("AUTHY_API_KEYS: each key must be at least 32 characters".to_owned());
        }
        let services = match get("AUTHY_SERVICE_SIDS") {
            Some(list) => crate::authy::ServicesByLength::parse(&list)?,
            None if twilio => {
                return Err(
                    "AUTHY_SERVICE_SIDS is required with a Twilio upstream (4=VA...: a Service per code length)"
                        .to_owned(),
                )
            }
            None => crate::authy::ServicesByLength::Engine,
        };
        Ok(Some(Self {
            key_hashes: keys
                .iter()
                .map(|k| sha2::Sha256::digest(k.as_bytes()).into())
                .collect(),
            services,
        }))
    }
}

/// The engine's account, and who may call its `/v2` API.
pub struct EngineAccount {
    /// `ENGINE_ACCOUNT_SID`.
    pub account_sid: AccountSid,
    /// The account SID with `ENGINE_AUTH_TOKEN`, and `ENGINE_API_KEY_SID` with `ENGINE_API_KEY_SECRET`.
    pub credentials: Vec<Credential>,
}

/// Cloudflare Turnstile's server side.
pub struct Turnstile {
    /// `TURNSTILE_SECRET_KEY`.
    pub secret: String,
    /// siteverify (`TURNSTILE_VERIFY_URL`; Cloudflare's by default).
    pub verify_url: String,
}

/// Cloudflare's siteverify endpoint, unless `TURNSTILE_VERIFY_URL` names another (tests run a local one).
const SITEVERIFY: &str = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

impl WorkerConfig {
    /// Reads every setting of `env`.
    pub fn from_env(env: &Env) -> Self {
        Self::from_settings(|name| setting(env, name))
    }

    /// Reads every setting from `get` (a secret or a var of that name, trimmed; `None` when unset or empty).
    pub fn from_settings(get: impl Fn(&str) -> Option<String>) -> Self {
        let seconds = |name: &str| {
            get(name)
                .and_then(|s| s.parse::<u64>().ok())
                .map(|s| s.saturating_mul(1000))
        };
        let on = |name: &str| get(name).is_some_and(|v| v == "true" || v == "1");
        let (approvals, identity_issuer) = keys_cached(&get);
        Self {
            engine: EngineAccount::from_settings(&get),
            shard_key: get("SHARD_KEY").and_then(|key| ShardKey::new(&key)),
            lifetime_ms: seconds("VERIFICATION_LIFETIME_SECONDS")
                .filter(|&ms| ms > 0)
                .unwrap_or(DEFAULT_LIFETIME_MS),
            tombstone_ms: seconds("TOMBSTONE_SECONDS").unwrap_or(DEFAULT_TOMBSTONE_MS),
            dev_inbox: on("DEV_INBOX"),
            delivery_webhook_url: get("DELIVERY_WEBHOOK_URL"),
            delivery_webhook_secret: get("DELIVERY_WEBHOOK_SECRET"),
            delivery_timeout_ms: get("DELIVERY_TIMEOUT_MS")
                .and_then(|t| t.parse::<u32>().ok())
                .filter(|&t| t > 0)
                .unwrap_or(DEFAULT_DELIVERY_TIMEOUT_MS),
            sna_simulator: on("SNA_SIMULATOR"),
            sna_simulate_error: get("SNA_SIMULATE_ERROR").and_then(|c| c.parse::<u32>().ok()),
            cors: Cors::from_list(&get("ALLOWED_ORIGINS").unwrap_or_default()),
            protections: Protections::from_vars(&get),
            upstream: Upstream::from_settings(&get),
            authy: AuthyConfig::from_settings(
                &get,
                matches!(Upstream::from_settings(&get), Ok(Upstream::Twilio { .. })),
            ),
            reconcile_delay_ms: get("UPSTREAM_RECONCILE_DELAY_MS")
                .and_then(|ms| ms.parse::<u64>().ok())
                .unwrap_or(1_000),
            turnstile: get("TURNSTILE_SECRET_KEY").map(|secret| Turnstile {
                secret,
                verify_url: get("TURNSTILE_VERIFY_URL").unwrap_or_else(|| SITEVERIFY.to_owned()),
            }),
            turnstile_site_key: get("TURNSTILE_SITE_KEY"),
            allowed_friendly_names: get("ALLOWED_FRIENDLY_NAMES")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .map(str::to_owned)
                .collect(),
            admin_token: get("ADMIN_TOKEN"),
            approvals,
            identity_issuer,
            redeem_secret: get("APPROVAL_REDEEM_SECRET"),
            passkeys: crate::api::passkey::PasskeySettings::from_settings(&get),
            approval_webhook_url: get("APPROVAL_WEBHOOK_URL")
                .map(|url| {
                    Url::parse(&url)
                        .ok()
                        .filter(|url| {
                            url.scheme() == "https" || (url.scheme() == "http" && is_loopback(url))
                        })
                        .ok_or_else(|| {
                            "APPROVAL_WEBHOOK_URL must be an https URL (http only on loopback)"
                                .to_owned()
                        })
                })
                .transpose(),
            approval_webhook_timeout_ms: get("APPROVAL_WEBHOOK_TIMEOUT_MS")
                .and_then(|t| t.parse::<u32>().ok())
                .filter(|&t| t > 0)
                .unwrap_or(DEFAULT_DELIVERY_TIMEOUT_MS),
        }
    }
}

impl WorkerConfig {
    /// How approval tokens are signed; when they cannot be, the log says which setting is wrong (once per
    /// isolate, as it starts serving, and on each refused approval) and the answer is 20500: never an unsigned
    /// token, nor one signed with a key it was not given.
    pub fn approvals(&self) -> Result<&Approvals, TwilioError> {
        self.approvals.as_ref().map_err(|e| {
            worker::console_log!("verify-edge: approval tokens cannot be issued: {e}");
            TwilioError::internal_error()
        })
    }

    /// The operator's identity-token issuer, if configured; when its settings are unusable, the log says which
    /// and the answer is 20500 (no identity is taken on a half-read configuration).
    pub fn identity_issuer(&self) -> Result<Option<&TrustedIssuer>, TwilioError> {
        self.identity_issuer
            .as_ref()
            .map(Option::as_ref)
            .map_err(|e| {
                worker::console_log!("verify-edge: identity tokens cannot be checked: {e}");
                TwilioError::internal_error()
            })
    }

    /// Says once per isolate, in the log, what is wrong with the settings that make a route fail closed.
    pub fn log_misconfiguration_once(&self) {
        static SAID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        if SAID.swap(true, std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        if let Err(e) = &self.approvals {
            worker::console_error!("verify-edge: startup: approval tokens cannot be issued, approvals answer 20500: {e}");
        }
        if let Err(e) = &self.identity_issuer {
            worker::console_error!("verify-edge: startup: identity tokens cannot be checked, authenticator routes answer 20500: {e}");
        }
        if let Err(e) = &self.approval_webhook_url {
            worker::console_error!("verify-edge: startup: {e}; no approval is pushed");
        }
    }

    /// The engine's shard key; without one (or one too short) the engine cannot place a verification: the log
    /// says so, the answer is 20500.
    pub fn shard_key(&self) -> Result<&ShardKey, TwilioError> {
        self.shard_key.as_ref().ok_or_else(|| {
            worker::console_log!(
                "verify-edge: SHARD_KEY is not set (or shorter than 16 bytes): `wrangler secret put SHARD_KEY`"
            );
            TwilioError::internal_error()
        })
    }
}

impl EngineAccount {
    fn from_settings(get: &impl Fn(&str) -> Option<String>) -> Result<Self, TwilioError> {
        let account_sid = get("ENGINE_ACCOUNT_SID")
            .and_then(|s| s.parse::<AccountSid>().ok())
            .ok_or_else(|| {
                TwilioError::authenticate().with_reason(
                    Reason::EngineNotConfigured,
                    "the engine has no ENGINE_ACCOUNT_SID configured",
                )
            })?;
        let mut credentials = Vec::new();
        if let Some(token) = get("ENGINE_AUTH_TOKEN") {
            credentials.push(Credential {
                username: account_sid.to_string(),
                password: token,
            });
        }
        if let (Some(key), Some(secret)) = (get("ENGINE_API_KEY_SID"), get("ENGINE_API_KEY_SECRET"))
        {
            credentials.push(Credential {
                username: key,
                password: secret,
            });
        }
        Ok(Self {
            account_sid,
            credentials,
        })
    }
}

/// The `APPROVAL_*` and `IDENTITY_TOKEN_*` settings read once per isolate: reading a key (PEM, the public point,
/// the kid) costs about 1.8 ms of CPU warm and more cold (`bench/approval.mjs`), which every request to every route
/// would otherwise pay. Keyed by the settings' own text, so a changed secret is read again.
fn keys_cached(get: &impl Fn(&str) -> Option<String>) -> ReadKeys {
    thread_local! {
        static CACHE: std::cell::RefCell<Option<(Vec<Option<String>>, ReadKeys)>> =
            const { std::cell::RefCell::new(None) };
    }
    let settings: Vec<Option<String>> = crate::approval::SETTINGS
        .iter()
        .chain(crate::approval::identity::SETTINGS.iter())
        .map(|name| get(name))
        .collect();
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((seen, keys)) = cache.as_ref() {
            if *seen == settings {
                return keys.clone();
            }
        }
        let keys = (
            Approvals::from_settings(get),
            TrustedIssuer::from_settings(get),
        );
        *cache = Some((settings, keys.clone()));
        keys
    })
}

/// What the key settings gave: the approval tokens' keys, and the operator's identity-token issuer.
type ReadKeys = (
    Result<Approvals, SetupError>,
    Result<Option<TrustedIssuer>, IssuerSetupError>,
);

/// A setting of the Worker: a secret or a var of that name, trimmed; `None` when unset or empty.
fn setting(env: &Env, name: &str) -> Option<String> {
    env.secret(name)
        .map(|s| s.to_string())
        .or_else(|_| env.var(name).map(|v| v.to_string()))
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Twilio's Verify API.
const DEFAULT_BASE_URL: &str = "https://verify.twilio.com";
/// How long one upstream request may take, unless `UPSTREAM_TIMEOUT_MS` says otherwise.
const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// The engine's Service for the public API when `VERIFY_SERVICE_SID` is not set.
const DEFAULT_ENGINE_SERVICE: &str = "VAdec0de00000000000000000000000001";

/// Where start and check go.
#[derive(Clone)]
pub enum Upstream {
    /// The engine in this Worker, called in-process.
    Engine {
        /// The engine's Service the public API uses.
        service_sid: ServiceSid,
    },
    /// Twilio's API, or another server speaking it (`VERIFY_BASE_URL`).
    Twilio {
        /// `https://verify.twilio.com`, or the configured base.
        base_url: Url,
        /// The Verify Service.
        service_sid: ServiceSid,
        /// `Basic ...` with the API key (or account SID) and its secret.
        authorization: String,
        /// Per request.
        timeout_ms: u32,
    },
}

impl Upstream {
    /// The same upstream, on the Service `service_sid` (the legacy API's Service for a code length).
    pub fn for_service(&self, service_sid: ServiceSid) -> Self {
        match self {
            Self::Engine { .. } => Self::Engine { service_sid },
            Self::Twilio {
                base_url,
                authorization,
                timeout_ms,
                ..
            } => Self::Twilio {
                base_url: base_url.clone(),
                service_sid,
                authorization: authorization.clone(),
                timeout_ms: *timeout_ms,
            },
        }
    }

    /// Reads the configuration: Twilio when `TWILIO_ACCOUNT_SID` (or any Twilio credential) is set, else the
    /// engine. A half-configured Twilio upstream is an error, never a silent fall-back to the engine.
    pub fn from_settings(get: &impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let account = get("TWILIO_ACCOUNT_SID");
        let key = get("TWILIO_API_KEY");
        let secret = get("TWILIO_API_SECRET");
        let token = get("TWILIO_AUTH_TOKEN");
        let service = get("VERIFY_SERVICE_SID");
        if account.is_none() && key.is_none() && secret.is_none() && token.is_none() {
            let service = service.unwrap_or_else(|| DEFAULT_ENGINE_SERVICE.to_owned());
            let service_sid = service
                .parse::<ServiceSid>()
                .map_err(|_| "VERIFY_SERVICE_SID is not a Service SID (VA...)".to_owned())?;
            return Ok(Self::Engine { service_sid });
        }
        let account = account
            .ok_or_else(|| "Twilio credentials are set but TWILIO_ACCOUNT_SID is not".to_owned())?;
        if !account.starts_with("AC") {
            return Err("TWILIO_ACCOUNT_SID must start with AC".to_owned());
        }
        let (username, password) = match (key, secret, token) {
            (Some(key), Some(secret), _) => (key, secret),
            (None, None, Some(token)) => (account, token),
            _ => {
                return Err(
                    "set TWILIO_API_KEY with TWILIO_API_SECRET, or TWILIO_AUTH_TOKEN".to_owned(),
                )
            }
        };
        let service_sid = service
            .ok_or_else(|| "VERIFY_SERVICE_SID is not set".to_owned())?
            .parse::<ServiceSid>()
            .map_err(|_| "VERIFY_SERVICE_SID is not a Service SID (VA...)".to_owned())?;
        let base = get("VERIFY_BASE_URL").unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        let base_url = Url::parse(&base)
            .ok()
            .filter(|url| url.scheme() == "https" || (url.scheme() == "http" && is_loopback(url)))
            .ok_or_else(|| {
                "VERIFY_BASE_URL must be an https URL (http only on loopback)".to_owned()
            })?;
        let timeout_ms = get("UPSTREAM_TIMEOUT_MS")
            .and_then(|t| t.parse::<u32>().ok())
            .filter(|&t| t > 0)
            .unwrap_or(DEFAULT_TIMEOUT_MS);
        let credentials =
            base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
        Ok(Self::Twilio {
            base_url,
            service_sid,
            authorization: format!("Basic {credentials}"),
            timeout_ms,
        })
    }
}

/// `127.0.0.1`, `localhost` or `[::1]`: where tests run an upstream over plain HTTP.
fn is_loopback(url: &Url) -> bool {
    match url.host_str() {
        Some("localhost" | "[::1]") => true,
        Some(host) => host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}
