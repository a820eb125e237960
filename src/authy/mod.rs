//! The legacy Authy phone verification API (Verify v1: `/protected/{json|xml}/phones/verification/start`, `check`
//! and `status`), spoken to apps that still call `api.authy.com`, over a Verify v2 upstream. Plain Rust: reading
//! the parameters ([`params`]), Authy's errors ([`error`]) and answers ([`answer`]); the Worker's door
//! (`crate::worker::authy`) checks the key, applies the limits and calls the upstream.
//!
//! What maps to what: a v1 verification is a v2 Verification; its `uuid` is the Verification's SID in UUID form
//! ([`uuid_of_sid`]). Verify v2 sets the code length per Service, v1 per request, so each code length has its own
//! Service ([`ServicesByLength`]).

pub mod answer;
pub mod error;
pub mod params;

use crate::phone::PhoneNumber;
use crate::verify::sid::{ServiceSid, VerificationSid};

use self::error::AuthyError;
use self::params::{Via, CODE_LENGTHS};

/// A Verification SID (`VE` and 32 hex digits) as a UUID (`8-4-4-4-12`), as v1's `uuid` was written.
pub fn uuid_of_sid(sid: &str) -> String {
    let hex = sid.get(2..).unwrap_or_default();
    if hex.len() != 32 {
        return hex.to_owned();
    }
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The Verification SID a `uuid` stands for ([`uuid_of_sid`] undone); `None` when it is not one of ours.
pub fn sid_of_uuid(uuid: &str) -> Option<VerificationSid> {
    let groups: Vec<&str> = uuid.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    if lengths != [8, 4, 4, 4, 12] {
        return None;
    }
    format!("VE{}", groups.concat().to_ascii_lowercase())
        .parse()
        .ok()
}

/// A phone number as Authy wrote it in messages: `+1 987-654-3210` (the country code, then the national number
/// with its last four digits and the three before them set off by dashes).
pub fn display(phone: &PhoneNumber) -> String {
    let national = &phone.national_number;
    let n = national.len();
    let grouped = match n {
        0..=4 => national.clone(),
        5..=7 => format!("{}-{}", &national[..n - 4], &national[n - 4..]),
        _ => format!(
            "{}-{}-{}",
            &national[..n - 7],
            &national[n - 7..n - 4],
            &national[n - 4..]
        ),
    };
    format!("+{} {grouped}", phone.country_code)
}

/// What a start says it did: "Text message sent to +1 987-654-3210." or "Call to +1 987-654-3210 initiated."
pub fn sent_message(via: Via, phone: &PhoneNumber) -> String {
    match via {
        Via::Sms => format!("Text message sent to {}.", display(phone)),
        Via::Call => format!("Call to {} initiated.", display(phone)),
    }
}

/// Seconds left of a code created at `created_ms` that lives `lifetime_ms`, at `now_ms` (0 once it has expired).
pub fn seconds_to_expire(created_ms: u64, lifetime_ms: u64, now_ms: u64) -> u64 {
    created_ms
        .saturating_add(lifetime_ms)
        .saturating_sub(now_ms)
        / 1000
}

/// Which Verify v2 Service sends codes of each length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServicesByLength {
    /// The engine: one Service per length, named by [`engine_service_sid`], created (with its `CodeLength` and
    /// custom codes allowed) when first used.
    Engine,
    /// Twilio: the Services the operator created, by code length (`AUTHY_SERVICE_SIDS`, `4=VA...,6=VA...`).
    Configured(Vec<(u8, ServiceSid)>),
}

impl ServicesByLength {
    /// Reads `AUTHY_SERVICE_SIDS` (`length=VA...`, comma-separated); every length 4 to 10 at most once.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut services: Vec<(u8, ServiceSid)> = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (length, sid) = entry
                .split_once('=')
                .ok_or_else(|| format!("AUTHY_SERVICE_SIDS: `{entry}` is not length=VA..."))?;
            let length = length
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|n| CODE_LENGTHS.contains(n))
                .ok_or_else(|| format!("AUTHY_SERVICE_SIDS: `{length}` is not a length 4 to 10"))?;
            let sid = sid
                .trim()
                .parse::<ServiceSid>()
                .map_err(|_| format!("AUTHY_SERVICE_SIDS: `{sid}` is not a Service SID"))?;
            if services.iter().any(|(l, _)| *l == length) {
                return Err(format!(
                    "AUTHY_SERVICE_SIDS: length {length} is given twice"
                ));
            }
            services.push((length, sid));
        }
        if services.is_empty() {
            return Err("AUTHY_SERVICE_SIDS is empty".to_owned());
        }
        Ok(Self::Configured(services))
    }

    /// The Service for codes of `length`; 60004 naming `code_length` when none is configured for it.
    pub fn for_length(&self, length: u8) -> Result<ServiceSid, AuthyError> {
        match self {
            Self::Engine => Ok(engine_service_sid(length)),
            Self::Configured(services) => services
                .iter()
                .find(|(l, _)| *l == length)
                .map(|(_, sid)| sid.clone())
                .ok_or_else(|| {
                    AuthyError::invalid_parameter(
                        "code_length",
                        &format!("No Verify Service is configured for {length} digits"),
                    )
                }),
        }
    }

    /// Every Service a verification may be in, by length: where a check or a status looks.
    pub fn all(&self) -> Vec<(u8, ServiceSid)> {
        match self {
            Self::Engine => CODE_LENGTHS.map(|l| (l, engine_service_sid(l))).collect(),
            Self::Configured(services) => services.clone(),
        }
    }
}

/// The engine's Service for legacy codes of `length` digits: `VAdec0de` then `a1` and the length, zero-padded.
pub fn engine_service_sid(length: u8) -> ServiceSid {
    format!("VAdec0de{:0>26}", format!("a1{length:04}"))
        .parse()
        .expect("a Service SID of 32 hex digits")
}
