//! Abuse protection for the public API, decided before anything is paid for: rate limits, geo permissions, number
//! types that SMS pumping uses, and the per-prefix pumping detector. Plain Rust: the Worker keeps the counters in
//! Durable Objects and asks this module what they mean.

use serde::{Deserialize, Serialize};

use crate::limits::SlidingWindow;
use crate::phone::{NumberType, PhoneNumber};
use crate::verify::model::{Channel, TwilioError};
use crate::verify::Reason;

/// A limit: at most `max` hits per `window_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Hits allowed per window.
    pub max: u32,
    /// The window, in ms.
    pub window_ms: u64,
}

impl Limit {
    /// Reads `"max/seconds"` (e.g. `"10/3600"`); `"off"` is no limit.
    pub fn parse(text: &str) -> Result<Option<Self>, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let (max, seconds) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not max/seconds or off"))?;
        let max = max
            .trim()
            .parse::<u32>()
            .map_err(|_| format!("`{text}`: bad max"))?;
        let seconds = seconds
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|&s| s > 0)
            .ok_or_else(|| format!("`{text}`: bad seconds"))?;
        Ok(Some(Self {
            max,
            window_ms: seconds.saturating_mul(1000),
        }))
    }
}

/// The pumping detector's settings: a prefix whose approvals fall under `floor` of its sends, once it has had
/// `min_sends` in `window_ms`, is blocked for `cooldown_ms`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PumpingPolicy {
    /// The sliding window sends and approvals are counted over.
    pub window_ms: u64,
    /// How many sends a prefix needs in the window before its conversion rate is judged.
    pub min_sends: u32,
    /// The lowest acceptable approvals / sends, 0 to 1.
    pub floor: f64,
    /// How long a block lasts.
    pub cooldown_ms: u64,
}

/// Which countries a channel may send to: an allow-list (if any) and a deny-list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GeoList {
    /// When not empty, only these regions (ISO 3166-1 alpha-2, upper case).
    pub allow: Vec<String>,
    /// Never these.
    pub deny: Vec<String>,
}

/// Everything the public API holds requests to, from the Worker's vars (see [`Protections::from_vars`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Protections {
    /// Starts per client IP (`CF-Connecting-IP`): 20429.
    pub starts_per_ip: Option<Limit>,
    /// Starts per recipient: 60203, as Twilio answers too many sends.
    pub starts_per_to: Option<Limit>,
    /// Starts per number prefix (country code and the first national digits): 20429.
    pub starts_per_prefix: Option<Limit>,
    /// Starts for the whole Service, from everyone: 20429.
    pub starts_per_service: Option<Limit>,
    /// Checks per verification (its SID, or its recipient when checked by `to`): 20429.
    pub checks_per_verification: Option<Limit>,
    /// Checks per client IP: 20429.
    pub checks_per_ip: Option<Limit>,
    /// Authenticator-app attempts per identity (enrollments, confirmations and checks together): 20429. What
    /// bounds guessing a TOTP code, whatever the number of challenges.
    pub totp_attempts_per_identity: Option<Limit>,
    /// National digits after the country code that make a prefix.
    pub prefix_digits: usize,
    /// Per channel (`sms`, `call`, `whatsapp`, `sna`), the geo permissions; channels not listed use `all`.
    pub geo: Vec<(Channel, GeoList)>,
    /// Geo permissions for channels without their own.
    pub geo_all: GeoList,
    /// Number types refused on sms, call and whatsapp.
    pub refused_types: Vec<NumberType>,
    /// The pumping detector, unless off.
    pub pumping: Option<PumpingPolicy>,
    /// Sends one client (an IP, an IPv6 /64) may add to a prefix's count per pumping window: one client alone
    /// cannot trip the detector and block a prefix for everyone.
    pub pumping_sends_per_client: u32,
    /// Requests per client on every public route, never given back (refusals included): 20429.
    pub requests_per_ip: Option<Limit>,
    /// Failed `/v2` logins per client: past it, every login from that client is 20429 until the window ends.
    pub auth_failures_per_ip: Option<Limit>,
    /// Starts per legacy API key (`/protected/...`): what one key, leaked or not, can send.
    pub starts_per_api_key: Option<Limit>,
    /// Checks and status requests per legacy API key.
    pub checks_per_api_key: Option<Limit>,
    /// How much of an IPv6 address is one client (64, 56 or 48 bits): a subscriber holds at least a /64.
    pub ipv6_prefix_bits: u8,
}

/// Number types SMS pumping favours, refused unless `REFUSED_NUMBER_TYPES` says otherwise.
pub const DEFAULT_REFUSED_TYPES: [NumberType; 4] = [
    NumberType::PremiumRate,
    NumberType::SharedCost,
    NumberType::Uan,
    NumberType::Unknown,
];

impl Protections {
    /// Reads the protections from the Worker's vars (`get(name)`); every one has a default, so none needs setting:
    ///
    /// | var | default | |
    /// |---|---|---|
    /// | `LIMIT_STARTS_PER_IP` | `20/3600` | max/seconds, or `off` |
    /// | `LIMIT_STARTS_PER_TO` | `5/3600` | |
    /// | `LIMIT_STARTS_PER_PREFIX` | `200/3600` | |
    /// | `LIMIT_STARTS_PER_SERVICE` | `5000/3600` | |
    /// | `LIMIT_CHECKS_PER_VERIFICATION` | `10/600` | |
    /// | `LIMIT_CHECKS_PER_IP` | `60/3600` | |
    /// | `LIMIT_TOTP_ATTEMPTS_PER_IDENTITY` | `10/3600` | authenticator-app requests per identity |
    /// | `LIMIT_AUTH_FAILURES_PER_IP` | `10/600` | failed `/v2` logins per client |
    /// | `LIMIT_REQUESTS_PER_IP` | `600/3600` | every public request, refusals included |
    /// | `LIMIT_STARTS_PER_API_KEY` | `1000/3600` | legacy (Authy v1) starts per API key |
    /// | `LIMIT_CHECKS_PER_API_KEY` | `3000/3600` | legacy checks and status requests per API key |
    /// | `PUMPING_MAX_SENDS_PER_CLIENT` | `3` | sends one client adds to a prefix's count |
    /// | `IPV6_PREFIX_BITS` | `64` | one client per IPv6 /64 (or `56`, `48`) |
    /// | `PREFIX_DIGITS` | `3` | national digits in a prefix |
    /// | `GEO_ALLOW`, `GEO_DENY` | none | ISO codes, comma-separated, every phone channel |
    /// | `GEO_ALLOW_SMS`, `GEO_DENY_SMS`, ... (`CALL`, `WHATSAPP`, `SNA`) | none | per channel, in place of the above |
    /// | `REFUSED_NUMBER_TYPES` | `premium_rate,shared_cost,uan,unknown` | for sms, call and whatsapp; `none` for none |
    /// | `PUMPING` | `on` | `off` turns the detector off |
    /// | `PUMPING_WINDOW_SECONDS` | `3600` | |
    /// | `PUMPING_MIN_SENDS` | `30` | |
    /// | `PUMPING_MIN_CONVERSION` | `0.1` | approvals / sends |
    /// | `PUMPING_COOLDOWN_SECONDS` | `43200` | 12 hours, as Fraud Guard blocks |
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let limit = |name: &str, default: &str| {
            Limit::parse(&get(name).unwrap_or_else(|| default.to_owned()))
                .map_err(|e| format!("{name}: {e}"))
        };
        let number = |name: &str, default: u64| -> Result<u64, String> {
            get(name).map_or(Ok(default), |v| {
                v.trim()
                    .parse::<u64>()
                    .map_err(|_| format!("{name}: `{v}` is not a whole number"))
            })
        };
        let regions = |name: &str| -> Result<Vec<String>, String> {
            let Some(list) = get(name) else {
                return Ok(Vec::new());
            };
            list.split([',', ' '])
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(|r| {
                    let upper = r.to_ascii_uppercase();
                    if upper.len() == 2 && upper.bytes().all(|b| b.is_ascii_uppercase()) {
                        Ok(upper)
                    } else {
                        Err(format!("{name}: `{r}` is not an ISO 3166-1 alpha-2 code"))
                    }
                })
                .collect()
        };
        let mut geo = Vec::new();
        for channel in [Channel::Sms, Channel::Call, Channel::Whatsapp, Channel::Sna] {
            let suffix = channel.as_str().to_ascii_uppercase();
            let allow = regions(&format!("GEO_ALLOW_{suffix}"))?;
            let deny = regions(&format!("GEO_DENY_{suffix}"))?;
            if !allow.is_empty() || !deny.is_empty() {
                geo.push((channel, GeoList { allow, deny }));
            }
        }
        let refused_types = match get("REFUSED_NUMBER_TYPES") {
            None => DEFAULT_REFUSED_TYPES.to_vec(),
            Some(list) if list.trim().eq_ignore_ascii_case("none") => Vec::new(),
            Some(list) => list
                .split([',', ' '])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| {
                    serde_json::from_value::<NumberType>(serde_json::Value::String(t.to_owned()))
                        .map_err(|_| format!("REFUSED_NUMBER_TYPES: `{t}` is not a number type"))
                })
                .collect::<Result<_, _>>()?,
        };
        let pumping = match get("PUMPING").as_deref().map(str::trim) {
            Some("off") => None,
            None | Some("on") => {
                let floor = get("PUMPING_MIN_CONVERSION").map_or(Ok(0.1), |v| {
                    v.trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|f| (0.0..=1.0).contains(f))
                        .ok_or_else(|| {
                            format!("PUMPING_MIN_CONVERSION: `{v}` is not between 0 and 1")
                        })
                })?;
                Some(PumpingPolicy {
                    window_ms: number("PUMPING_WINDOW_SECONDS", 3600)?
                        .max(1)
                        .saturating_mul(1000),
                    min_sends: u32::try_from(number("PUMPING_MIN_SENDS", 30)?).unwrap_or(u32::MAX),
                    floor,
                    cooldown_ms: number("PUMPING_COOLDOWN_SECONDS", 43_200)?.saturating_mul(1000),
                })
            }
            Some(other) => return Err(format!("PUMPING: `{other}` is not on or off")),
        };
        Ok(Self {
            starts_per_ip: limit("LIMIT_STARTS_PER_IP", "20/3600")?,
            starts_per_to: limit("LIMIT_STARTS_PER_TO", "5/3600")?,
            starts_per_prefix: limit("LIMIT_STARTS_PER_PREFIX", "200/3600")?,
            starts_per_service: limit("LIMIT_STARTS_PER_SERVICE", "5000/3600")?,
            checks_per_verification: limit("LIMIT_CHECKS_PER_VERIFICATION", "10/600")?,
            checks_per_ip: limit("LIMIT_CHECKS_PER_IP", "60/3600")?,
            totp_attempts_per_identity: limit("LIMIT_TOTP_ATTEMPTS_PER_IDENTITY", "10/3600")?,
            prefix_digits: usize::try_from(number("PREFIX_DIGITS", 3)?.min(12)).unwrap_or(3),
            geo,
            geo_all: GeoList {
                allow: regions("GEO_ALLOW")?,
                deny: regions("GEO_DENY")?,
            },
            refused_types,
            pumping,
            auth_failures_per_ip: limit("LIMIT_AUTH_FAILURES_PER_IP", "10/600")?,
            requests_per_ip: limit("LIMIT_REQUESTS_PER_IP", "600/3600")?,
            starts_per_api_key: limit("LIMIT_STARTS_PER_API_KEY", "1000/3600")?,
            checks_per_api_key: limit("LIMIT_CHECKS_PER_API_KEY", "3000/3600")?,
            pumping_sends_per_client: u32::try_from(
                number("PUMPING_MAX_SENDS_PER_CLIENT", 3)?.max(1),
            )
            .unwrap_or(u32::MAX),
            ipv6_prefix_bits: match get("IPV6_PREFIX_BITS").as_deref().map(str::trim) {
                None | Some("64") => 64,
                Some("56") => 56,
                Some("48") => 48,
                Some(other) => {
                    return Err(format!("IPV6_PREFIX_BITS: `{other}` is not 64, 56 or 48"))
                }
            },
        })
    }

    /// The client a per-IP counter counts for: an IPv4 address as it is, an IPv6 address by its first
    /// [`Self::ipv6_prefix_bits`] (one subscriber holds a whole /64, so counting whole addresses would give it 2^64
    /// allowances). Anything else (no address) is `unknown`, one client.
    pub fn client_key(&self, ip: &str) -> String {
        match ip.trim().parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
            Ok(std::net::IpAddr::V6(v6)) => {
                let bits = u32::from(self.ipv6_prefix_bits.min(128));
                let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
                let network = std::net::Ipv6Addr::from(u128::from(v6) & mask);
                format!("{network}/{bits}")
            }
            Err(_) => "unknown".to_owned(),
        }
    }

    /// The prefix a number's traffic is counted under: `+`, its country code and its first national digits.
    pub fn prefix_of(&self, number: &PhoneNumber) -> String {
        let national: String = number
            .national_number
            .chars()
            .take(self.prefix_digits)
            .collect();
        format!("+{}{national}", number.country_code)
    }

    /// 60605 (403) when `channel` may not send to the number's region. A number of no region (`+800`, ...) is
    /// refused whenever an allow-list applies.
    pub fn check_geo(&self, channel: Channel, number: &PhoneNumber) -> Result<(), TwilioError> {
        if channel == Channel::Email {
            return Ok(());
        }
        let list = self
            .geo
            .iter()
            .find(|(c, _)| *c == channel)
            .map_or(&self.geo_all, |(_, list)| list);
        let region = number.region.as_deref();
        let denied = region.is_some_and(|r| list.deny.iter().any(|d| d == r));
        let not_allowed =
            !list.allow.is_empty() && !region.is_some_and(|r| list.allow.iter().any(|a| a == r));
        if denied || not_allowed {
            return Err(TwilioError::geo_permission_blocked().with_reason(
                Reason::GeoPermission,
                &format!(
                    "the {channel} channel may not send to {}",
                    region.unwrap_or("numbers of no region")
                ),
            ));
        }
        Ok(())
    }

    /// 60605 (403) for a number type refused on a channel that costs money per message (sms, call, whatsapp).
    pub fn check_number_type(
        &self,
        channel: Channel,
        number: &PhoneNumber,
    ) -> Result<(), TwilioError> {
        if !matches!(channel, Channel::Sms | Channel::Call | Channel::Whatsapp) {
            return Ok(());
        }
        if self.refused_types.contains(&number.number_type) {
            let kind = serde_json::to_value(number.number_type)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            return Err(TwilioError::geo_permission_blocked().with_reason(
                Reason::NumberTypeRefused,
                &format!("{kind} numbers are refused on the {channel} channel"),
            ));
        }
        Ok(())
    }
}

/// 60410 (403): the prefix is blocked by the pumping detector until `until` (ms).
pub fn prefix_blocked(prefix: &str) -> TwilioError {
    TwilioError::delivery_blocked().with_reason(
        Reason::PrefixBlocked,
        &format!("too few verifications to {prefix}... are completed: sends to it are paused"),
    )
}

/// 20429 (429), from a public API limit.
pub fn too_many_requests(limit: &str) -> TwilioError {
    TwilioError::too_many_requests().with_reason(
        Reason::RateLimited,
        &format!("the {limit} limit is reached"),
    )
}

/// One prefix's traffic, as the pumping detector keeps it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefixTraffic {
    /// Sends let through.
    pub sends: SlidingWindow,
    /// Verifications approved.
    pub approvals: SlidingWindow,
    /// Blocked until then (ms since the epoch); 0 when not blocked.
    pub blocked_until: u64,
}

/// What the detector says about one more send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PumpVerdict {
    /// Whether the send may go.
    pub allowed: bool,
    /// When refused: until when (ms since the epoch).
    pub blocked_until: u64,
    /// Whether this send is what tripped the block (log it, list it).
    pub newly_blocked: bool,
}

impl PrefixTraffic {
    /// Judges one more send at `now`, and counts it if it may go ([`Self::judge`] then [`Self::count_send`]).
    pub fn send(&mut self, now: u64, policy: &PumpingPolicy) -> PumpVerdict {
        let verdict = self.judge(now, policy);
        if verdict.allowed {
            self.count_send(now, policy);
        }
        verdict
    }

    /// Judges one more send at `now` without counting it: refused while the prefix is blocked, and refused (the
    /// block starting now) when this send would take the prefix past the minimum volume with approvals under the
    /// floor.
    pub fn judge(&mut self, now: u64, policy: &PumpingPolicy) -> PumpVerdict {
        if now < self.blocked_until {
            return PumpVerdict {
                allowed: false,
                blocked_until: self.blocked_until,
                newly_blocked: false,
            };
        }
        let sends = self.sends.estimate(now, policy.window_ms) + 1.0;
        let approvals = self.approvals.estimate(now, policy.window_ms);
        if sends > f64::from(policy.min_sends) && approvals / sends < policy.floor {
            self.blocked_until = now.saturating_add(policy.cooldown_ms);
            // A fresh start after the cool-down: the old traffic is what the block answered.
            self.sends = SlidingWindow::default();
            self.approvals = SlidingWindow::default();
            return PumpVerdict {
                allowed: false,
                blocked_until: self.blocked_until,
                newly_blocked: true,
            };
        }
        PumpVerdict {
            allowed: true,
            blocked_until: 0,
            newly_blocked: false,
        }
    }

    /// Counts a send the upstream accepted at `now`.
    pub fn count_send(&mut self, now: u64, policy: &PumpingPolicy) {
        self.sends.take(now, policy.window_ms, u32::MAX);
    }

    /// Lifts a block (the operator's decision) and forgets the traffic that caused it.
    pub fn lift(&mut self) {
        *self = Self::default();
    }

    /// Counts an approved verification at `now`.
    pub fn approve(&mut self, now: u64, policy: &PumpingPolicy) {
        self.approvals.take(now, policy.window_ms, u32::MAX);
    }
}
