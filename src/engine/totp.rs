//! The TOTP rules of authenticator-app factors (Twilio Verify's `factor_type=totp`): RFC 6238 codes over RFC 4226's
//! HOTP, the factor's settings and their bounds as Twilio enforces them, the window of steps a code may come from, the
//! base32 secret and the `otpauth://` URI an app scans.
//!
//! A code is checked against every step of its window, each in constant time and all of them whatever matches, so
//! how long a check takes says nothing of which step (if any) the code came from.

use std::fmt::Write as _;
use std::ops::RangeInclusive;

use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};
use sha1::Sha1;
use sha2::{Sha256, Sha512};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

use super::Randomness;

/// The HMAC hash of a factor's codes: sha1 (default), sha256, sha512; serde lowercase, as Twilio writes `config.alg`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TotpAlgorithm {
    /// HMAC-SHA1: RFC 6238's default, and the one every authenticator app implements.
    #[default]
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl TotpAlgorithm {
    /// Twilio's name for it (`Config.Alg`, `config.alg`): `sha1`, `sha256` or `sha512`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
            Self::Sha512 => "sha512",
        }
    }

    /// The algorithm Twilio's name stands for; `None` for any other text.
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Sha1, Self::Sha256, Self::Sha512]
            .into_iter()
            .find(|alg| alg.name() == name)
    }

    /// The `algorithm` parameter of an `otpauth://` URI: `SHA1`, `SHA256` or `SHA512`.
    pub fn uri_name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
            Self::Sha512 => "SHA512",
        }
    }
}

/// The seconds a code lasts (`Config.TimeStep`) that Twilio accepts.
pub const TIME_STEP_RANGE: RangeInclusive<u32> = 20..=60;
/// The steps either side of now a code may come from (`Config.Skew`) that Twilio accepts.
pub const SKEW_RANGE: RangeInclusive<u32> = 0..=2;
/// The digits of a code (`Config.CodeLength`) that Twilio accepts.
pub const CODE_LENGTH_RANGE: RangeInclusive<u32> = 3..=8;
/// The bytes of a new secret: 160 bits, RFC 4226's recommendation (and SHA-1's output size).
pub const SECRET_LENGTH: usize = 20;

/// A factor's TOTP settings (Twilio's `Config.TimeStep` 20..=60 default 30, `Config.Skew` 0..=2 default 1,
/// `Config.CodeLength` 3..=8 default 6, `Config.Alg` default sha1), with Twilio's JSON names; a field missing from
/// the JSON takes its default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct TotpConfig {
    /// Seconds each code lasts.
    pub time_step: u32,
    /// Steps before and after now whose codes are also accepted (clock drift between the app and us).
    pub skew: u32,
    /// Digits in a code.
    pub code_length: u32,
    /// The HMAC hash.
    pub alg: TotpAlgorithm,
}

impl Default for TotpConfig {
    fn default() -> Self {
        Self {
            time_step: 30,
            skew: 1,
            code_length: 6,
            alg: TotpAlgorithm::Sha1,
        }
    }
}

/// The setting of a [`TotpConfig`] that is out of Twilio's range, with the value given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TotpConfigError {
    /// `Config.TimeStep` is not 20 to 60 seconds.
    #[error("Config.TimeStep must be 20 to 60 seconds, not {0}")]
    TimeStep(u32),
    /// `Config.Skew` is not 0 to 2 steps.
    #[error("Config.Skew must be 0 to 2 steps, not {0}")]
    Skew(u32),
    /// `Config.CodeLength` is not 3 to 8 digits.
    #[error("Config.CodeLength must be 3 to 8 digits, not {0}")]
    CodeLength(u32),
}

impl TotpConfigError {
    /// The request parameter at fault, as Twilio names it: `Config.TimeStep`, `Config.Skew` or `Config.CodeLength`.
    pub fn parameter(&self) -> &'static str {
        match self {
            Self::TimeStep(_) => "Config.TimeStep",
            Self::Skew(_) => "Config.Skew",
            Self::CodeLength(_) => "Config.CodeLength",
        }
    }
}

impl TotpConfig {
    /// `Ok` when every setting is within Twilio's bounds; otherwise the first that is not (time step, skew, code
    /// length, in that order).
    pub fn validate(&self) -> Result<(), TotpConfigError> {
        if !TIME_STEP_RANGE.contains(&self.time_step) {
            return Err(TotpConfigError::TimeStep(self.time_step));
        }
        if !SKEW_RANGE.contains(&self.skew) {
            return Err(TotpConfigError::Skew(self.skew));
        }
        if !CODE_LENGTH_RANGE.contains(&self.code_length) {
            return Err(TotpConfigError::CodeLength(self.code_length));
        }
        Ok(())
    }
}

/// HMAC of the counter's 8 big-endian bytes under `secret` (RFC 4226 §5.2).
fn hmac_of_counter(secret: &[u8], alg: TotpAlgorithm, counter: u64) -> Vec<u8> {
    fn mac<M: Mac + KeyInit>(secret: &[u8], counter: u64) -> Vec<u8> {
        let mut mac =
            <M as KeyInit>::new_from_slice(secret).expect("HMAC takes keys of any length");
        mac.update(&counter.to_be_bytes());
        mac.finalize().into_bytes().to_vec()
    }
    match alg {
        TotpAlgorithm::Sha1 => mac::<Hmac<Sha1>>(secret, counter),
        TotpAlgorithm::Sha256 => mac::<Hmac<Sha256>>(secret, counter),
        TotpAlgorithm::Sha512 => mac::<Hmac<Sha512>>(secret, counter),
    }
}

/// RFC 6238/4226 code for the time-step counter: the HMAC's dynamic truncation to 31 bits, its last `code_length`
/// decimal digits, zero-padded to `code_length`. `config` is one [`TotpConfig::validate`] accepted.
pub fn code_at(secret: &[u8], config: &TotpConfig, counter: u64) -> String {
    let hash = hmac_of_counter(secret, config.alg, counter);
    // RFC 4226 §5.3: the low nibble of the last byte picks where 4 bytes are read; the top bit is dropped.
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    let word = u32::from_be_bytes([
        hash[offset],
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]) & 0x7fff_ffff;
    // The last `code_length` digits, zero-padded: one digit per turn whatever the value, so leading zeros take no
    // less time (31 bits have at most 10 digits; past those the padding is zeros).
    let mut digits = vec![b'0'; config.code_length as usize];
    let mut rest = word;
    for digit in digits.iter_mut().rev() {
        *digit = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    String::from_utf8(digits).expect("ASCII digits")
}

/// The counter of the time step `unix_seconds` falls in (RFC 6238 §4.2, T0 = 0).
pub fn counter_at(config: &TotpConfig, unix_seconds: u64) -> u64 {
    // A zero step never passes validate(); never dividing by it keeps a stray config from panicking a request.
    unix_seconds / u64::from(config.time_step.max(1))
}

/// The time-step counter whose code equals `code`, searching now-skew ..= now+skew; every candidate compared in
/// constant time, and all candidates computed whatever matches (no early exit that leaks which step). Should two
/// steps of the window share the code, the later one is answered, so that refusing steps at or before the last one
/// used still refuses the code. A code of the wrong length or with anything but digits never matches.
pub fn matching_step(
    secret: &[u8],
    config: &TotpConfig,
    code: &str,
    unix_seconds: u64,
) -> Option<u64> {
    let now = counter_at(config, unix_seconds);
    let skew = u64::from(config.skew);
    let mut found = Choice::from(0);
    let mut step = 0u64;
    // Steps before the epoch or past u64::MAX do not exist; which exist depends on the clock, not on the secret.
    for candidate in now.saturating_sub(skew)..=now.saturating_add(skew) {
        let expected = code_at(secret, config, candidate);
        // Lengths are public (the factor's code length): ct_eq is constant time in the contents.
        let matches = expected.as_bytes().ct_eq(code.as_bytes());
        step = u64::conditional_select(&step, &candidate, matches);
        found |= matches;
    }
    bool::from(found).then_some(step)
}

/// RFC 4648's base32 alphabet.
const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32, upper case, no padding (what authenticator apps take).
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut bits = 0u32;
    let mut count = 0u32;
    for &byte in bytes {
        bits = (bits << 8) | u32::from(byte);
        count += 8;
        while count >= 5 {
            count -= 5;
            text.push(char::from(BASE32_ALPHABET[(bits >> count) as usize & 31]));
        }
    }
    if count > 0 {
        // The last bits, left-aligned in a final character (zero-filled on the right).
        text.push(char::from(
            BASE32_ALPHABET[(bits << (5 - count)) as usize & 31],
        ));
    }
    text
}

/// RFC 4648 base32, case-insensitive, padding and spaces tolerated (apps show secrets in groups); `None` when not
/// base32: a character outside the alphabet, data after `=`, or a length no encoding has (1, 3 or 6 characters past a
/// multiple of 8).
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(text.len() * 5 / 8);
    let mut bits = 0u32;
    let mut count = 0u32;
    let mut characters = 0usize;
    let mut padded = false;
    for c in text.chars() {
        match c {
            ' ' => continue,
            '=' => padded = true,
            _ if padded => return None,
            _ => {
                let value = match c.to_ascii_uppercase() {
                    upper @ 'A'..='Z' => u32::from(upper) - u32::from('A'),
                    digit @ '2'..='7' => u32::from(digit) - u32::from('2') + 26,
                    _ => return None,
                };
                bits = (bits << 5) | value;
                count += 5;
                characters += 1;
                if count >= 8 {
                    count -= 8;
                    bytes.push((bits >> count) as u8);
                }
            }
        }
    }
    // Leftover bits (fewer than 8) are the encoder's zero fill.
    matches!(characters % 8, 0 | 2 | 4 | 5 | 7).then_some(bytes)
}

/// A new secret from the CSPRNG: 20 bytes (160 bits, RFC 4226's recommendation).
pub fn new_secret(randomness: &mut (impl Randomness + ?Sized)) -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_LENGTH];
    randomness.fill(&mut secret);
    secret
}

/// What stays literal in the URI's label and issuer: RFC 3986's unreserved characters; a space is `%20`.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The otpauth:// URI authenticator apps read, exactly as Twilio writes `binding.uri`, e.g.
/// `otpauth://totp/test-issuer:John%E2%80%99s%20Account%20Name?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=test-issuer&algorithm=SHA1&digits=6&period=30`.
/// Issuer and account name are percent-encoded (UTF-8); an empty issuer leaves the label's prefix and the `issuer`
/// parameter out.
pub fn otpauth_uri(issuer: &str, account_name: &str, secret: &[u8], config: &TotpConfig) -> String {
    let issuer = utf8_percent_encode(issuer, URI_COMPONENT).to_string();
    let account_name = utf8_percent_encode(account_name, URI_COMPONENT);
    let mut uri = String::from("otpauth://totp/");
    if issuer.is_empty() {
        let _ = write!(uri, "{account_name}?secret={}", base32_encode(secret));
    } else {
        let _ = write!(
            uri,
            "{issuer}:{account_name}?secret={}&issuer={issuer}",
            base32_encode(secret)
        );
    }
    let _ = write!(
        uri,
        "&algorithm={}&digits={}&period={}",
        config.alg.uri_name(),
        config.code_length,
        config.time_step
    );
    uri
}
