//! E.164 phone-number normalization.
//!
//! The metadata (number patterns, prefixes, lengths) is libphonenumber's `PhoneNumberMetadata.xml`, compiled at
//! generation time (`scripts/phone-tables.sh`) into static tables and its patterns into bytecode for a small matcher
//! (`tables.rs`, `matcher.rs`): nothing is compiled at run time, and the regions' byte records are decoded once, on
//! first use (`metadata.rs`). The parsing is ours, a port of Google's `PhoneNumberUtil.parse`, region and type logic: the crate's own parser reads
//! `+54 11 2345-6789` as `+5423456789` when the default region is US (it applies the default region's national
//! prefix to any country's number) and strips national prefixes that belong to the number (`+7 800 ...` becomes
//! `+7 00 ...`), and its type lookup drops leading zeros. A verification product must never send a code to a number
//! the user did not type, so every answer is held to Google's libphonenumber on a generated corpus
//! (`tests/data/phone-oracle.json`, `tests/phone/oracle.rs`).

use std::fmt;

use serde::{Deserialize, Serialize};

mod as_you_type;
mod bytecode;
mod format;
mod matcher;
mod metadata;
mod parse;
mod records;
mod text;
#[rustfmt::skip]
mod tables;
/// The unit tests' random inputs: the seeded generator the integration tests use.
#[cfg(test)]
#[path = "../../tests/support/rng.rs"]
mod rng;

use metadata::Region;

pub use as_you_type::AsYouType;
pub use format::PhoneFormat;

/// Longest input accepted, in bytes. Anything longer is refused before it is parsed.
pub const MAX_INPUT_BYTES: usize = 64 * 1024;

/// A phone number in E.164 form, with what is known about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    all(feature = "browser-phone", target_arch = "wasm32"),
    derive(tsify::Tsify),
    tsify(missing_as_null)
)]
pub struct PhoneNumber {
    /// The number in E.164 form: `+`, the country calling code and the national number, digits only.
    pub e164: String,
    /// The ISO 3166-1 alpha-2 region the number belongs to; empty (`null`) for numbers of no country (`+800`
    /// freephone, satellite services) and for numbers none of their country code's regions match.
    pub region: Option<String>,
    /// The country calling code, without `+` (`44` for the UK).
    pub country_code: u16,
    /// The national significant number: the digits after the country calling code, leading zeros included.
    pub national_number: String,
    /// What kind of line the number is, from the region's number patterns.
    pub number_type: NumberType,
    /// Whether the number matches a pattern of its region: a number that can be dialled, not just one of the right
    /// length.
    pub valid: bool,
    /// Why the number is not valid: `TOO_SHORT`, `TOO_LONG` or `INVALID_FOR_REGION`; empty (`null`) when it is.
    pub invalid_reason: Option<PhoneErrorCode>,
}

/// The kind of line a number is, as libphonenumber classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    all(feature = "browser-phone", target_arch = "wasm32"),
    derive(tsify::Tsify)
)]
pub enum NumberType {
    /// A landline.
    FixedLine,
    /// A mobile phone.
    Mobile,
    /// A number that can be either (the US and Canada, among others, do not tell them apart).
    FixedLineOrMobile,
    /// Freephone.
    TollFree,
    /// Premium rate: the caller pays more, and a favourite target of SMS pumping.
    PremiumRate,
    /// Shared cost between caller and recipient.
    SharedCost,
    /// Voice over IP.
    Voip,
    /// A personal number that routes to another line.
    Personal,
    /// A pager.
    Pager,
    /// A universal access ("company") number.
    Uan,
    /// Direct access to a voicemail box.
    Voicemail,
    /// No pattern of the region matches.
    Unknown,
}

/// The stable machine code of a phone-number error. Callers branch on these; they never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(
    all(
        any(feature = "browser-phone", feature = "browser"),
        target_arch = "wasm32"
    ),
    derive(tsify::Tsify)
)]
pub enum PhoneErrorCode {
    /// The input holds no phone number (no digits, or letters where digits belong).
    NotANumber,
    /// Fewer digits than any number of its country can have.
    TooShort,
    /// More digits than any number of its country can have.
    TooLong,
    /// The number starts with `+` (or an international prefix) and a country calling code that does not exist.
    InvalidCountryCode,
    /// A national number (no `+`) was given without a default region to read it in.
    MissingRegion,
    /// The number has a plausible length but matches none of its region's patterns.
    InvalidForRegion,
    /// The default region is not an ISO 3166-1 alpha-2 code libphonenumber knows.
    UnknownRegion,
    /// The input is longer than 64 KiB.
    InputTooLong,
}

impl PhoneErrorCode {
    /// Every code, in declaration order.
    pub const ALL: [Self; 8] = [
        Self::NotANumber,
        Self::TooShort,
        Self::TooLong,
        Self::InvalidCountryCode,
        Self::MissingRegion,
        Self::InvalidForRegion,
        Self::UnknownRegion,
        Self::InputTooLong,
    ];

    /// The code as a string, as it appears in JSON and on the JS error's `code` property.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotANumber => "NOT_A_NUMBER",
            Self::TooShort => "TOO_SHORT",
            Self::TooLong => "TOO_LONG",
            Self::InvalidCountryCode => "INVALID_COUNTRY_CODE",
            Self::MissingRegion => "MISSING_REGION",
            Self::InvalidForRegion => "INVALID_FOR_REGION",
            Self::UnknownRegion => "UNKNOWN_REGION",
            Self::InputTooLong => "INPUT_TOO_LONG",
        }
    }
}

impl std::str::FromStr for PhoneErrorCode {
    type Err = ();

    /// Reads a code as [`PhoneErrorCode::as_str`] writes it.
    fn from_str(code: &str) -> Result<Self, ()> {
        Self::ALL.into_iter().find(|c| c.as_str() == code).ok_or(())
    }
}

impl fmt::Display for PhoneErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a phone number could not be normalized: a stable [`PhoneErrorCode`] and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PhoneError {
    /// The stable machine code.
    pub code: PhoneErrorCode,
    /// What went wrong, in words; never echoes more than a short prefix of the input.
    pub message: String,
}

impl PhoneError {
    pub(crate) fn new(code: PhoneErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// The regions (ISO 3166-1 alpha-2) a default region may be, sorted.
pub fn supported_regions() -> Vec<&'static str> {
    metadata::region_ids().collect()
}

/// The SHA-256 of the libphonenumber `PhoneNumberMetadata.xml` the tables were generated from.
pub fn metadata_sha256() -> &'static str {
    tables::SOURCE_SHA256
}

/// Runs a few numbers through the engine: decodes the regions' records (well under a millisecond) and touches the
/// code and tables the first real number would, so the Worker's start-up hook takes that off the first request.
pub fn warm_up() {
    for (number, region) in [
        ("+1 650 253 0000", None),
        ("020 7031 3000", Some("GB")),
        ("+49 30 123456", None),
    ] {
        let _ = normalize_phone(number, region);
    }
}

/// Normalizes `input` to E.164, reading national numbers in `default_region` (ISO 3166-1 alpha-2, any case).
///
/// Accepts national and international forms with spaces, dashes, dots, slashes and parentheses, a leading `+`,
/// international dialling prefixes (`00`, `011`, ...) as dialled from `default_region`, `tel:` URIs (with
/// `;phone-context=`), vanity letters (`1-800-FLOWERS`), extensions (dropped: E.164 has none) and digits of any
/// script. A number that parses but is not valid still comes back, with `valid: false` and the reason; use
/// [`PhoneNumber::require_valid`] where only a dialable number will do.
pub fn normalize_phone(
    input: &str,
    default_region: Option<&str>,
) -> Result<PhoneNumber, PhoneError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(PhoneError::new(
            PhoneErrorCode::InputTooLong,
            text::concat(&[
                "the phone number is ",
                &text::decimal(input.len()),
                " bytes long; at most ",
                &text::decimal(MAX_INPUT_BYTES),
                " are accepted",
            ]),
        ));
    }
    let region = match default_region.map(str::trim).filter(|r| !r.is_empty()) {
        None => None,
        Some(code) => Some(region_metadata(code)?),
    };
    let (country_code, national_number) = parse::parse(input, region)?;
    Ok(describe(country_code, national_number))
}

impl PhoneNumber {
    /// Returns the number if it is valid, else the error that says why not.
    pub fn require_valid(self) -> Result<PhoneNumber, PhoneError> {
        match self.invalid_reason {
            None => Ok(self),
            Some(code) => Err(PhoneError::new(
                code,
                match code {
                    PhoneErrorCode::TooShort => {
                        "the phone number has too few digits for its country"
                    }
                    PhoneErrorCode::TooLong => {
                        "the phone number has too many digits for its country"
                    }
                    _ => "the phone number is not a valid number in its region",
                },
            )),
        }
    }
}

/// Fills in region, type and validity for a country calling code and national significant number.
fn describe(country_code: u16, national_number: String) -> PhoneNumber {
    let meta = parse::region_for_number(country_code, &national_number);
    let number_type = meta.map_or(NumberType::Unknown, |m| {
        parse::number_type(m, &national_number)
    });
    let valid = number_type != NumberType::Unknown;
    let invalid_reason = (!valid).then(|| invalid_reason(country_code, &national_number));
    PhoneNumber {
        e164: format::format_number(country_code, &national_number, PhoneFormat::E164),
        region: meta
            .map(Region::id)
            .filter(|id| *id != parse::NON_GEOGRAPHIC)
            .map(str::to_owned),
        country_code,
        national_number,
        number_type,
        valid,
        invalid_reason,
    }
}

fn region_metadata(code: &str) -> Result<&'static Region, PhoneError> {
    let upper = code.to_ascii_uppercase();
    // "001" (non-geographic) and anything that is not a two-letter region are no default region.
    let found = (upper.len() == 2)
        .then(|| metadata::by_id(upper.as_str()))
        .flatten();
    found.ok_or_else(|| {
        PhoneError::new(
            PhoneErrorCode::UnknownRegion,
            // Quoted by hand, not with `{:?}`, whose escaping brings Unicode's printable tables into the wasm.
            text::concat(&[
                "the default region \"",
                &short(code)
                    .chars()
                    .map(|c| {
                        if c.is_control() {
                            char::REPLACEMENT_CHARACTER
                        } else {
                            c
                        }
                    })
                    .collect::<String>(),
                "\" is not an ISO 3166-1 alpha-2 code with phone numbers",
            ]),
        )
    })
}

/// Why a parsed number is not valid, as Google's `isPossibleNumberWithReason` says: its length against the lengths
/// of its country's main region.
fn invalid_reason(code: u16, national: &str) -> PhoneErrorCode {
    match parse::length_check(code, national) {
        Some(parse::Length::TooShort) => PhoneErrorCode::TooShort,
        Some(parse::Length::TooLong) => PhoneErrorCode::TooLong,
        Some(_) => PhoneErrorCode::InvalidForRegion,
        None => PhoneErrorCode::InvalidCountryCode,
    }
}

/// The first characters of untrusted input, for an error message.
pub(crate) fn short(s: &str) -> String {
    s.chars().take(16).collect()
}
