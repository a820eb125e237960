//! Who a verification is sent to: Verify's `To` parameter read as a phone number or an email address, as the
//! channel requires.

use crate::phone::{normalize_phone, PhoneError, PhoneErrorCode, PhoneNumber};

use super::error::Reason;
use super::model::{RequestedChannel, TwilioError};

/// Longest email address accepted, in bytes (RFC 5321's limit on a forward path, less the angle brackets).
pub const MAX_EMAIL_BYTES: usize = 254;
/// Longest local part (before the `@`), in bytes.
const MAX_LOCAL_PART_BYTES: usize = 64;
/// Longest domain label (between dots), in bytes.
const MAX_LABEL_BYTES: usize = 63;

/// The recipient of a verification, read from `To`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// A valid phone number, for the `sms`, `call`, `whatsapp`, `sna` and `auto` channels.
    Phone(PhoneNumber),
    /// An email address, for the `email` channel: trimmed, its domain in lower case.
    Email(String),
}

impl Recipient {
    /// The recipient as a Verification's `to` carries it: the E.164 number or the normalized email address.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Phone(number) => &number.e164,
            Self::Email(address) => address,
        }
    }
}

/// The stable machine code of an email-address error. Callers branch on these; they never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailErrorCode {
    /// Nothing but whitespace was given.
    Empty,
    /// The address is longer than [`MAX_EMAIL_BYTES`].
    TooLong,
    /// There is no `@`.
    MissingAt,
    /// There is more than one `@`: more than one address, or a quoted local part (not accepted).
    MultipleAt,
    /// Nothing comes before the `@`.
    LocalPartEmpty,
    /// The part before the `@` is longer than 64 bytes.
    LocalPartTooLong,
    /// The part before the `@` has a character an unquoted address may not have (space, quote, comma, non-ASCII...).
    LocalPartInvalid,
    /// The part before the `@` starts or ends with a dot, or has two dots in a row.
    LocalPartDots,
    /// Nothing comes after the `@`.
    DomainEmpty,
    /// The domain is written in non-ASCII letters; its `xn--` (punycode) form is accepted.
    DomainUnicode,
    /// The domain has a character other than letters, digits, `-` and `.`, an empty label (leading, trailing or
    /// double dot), a label that starts or ends with `-`, or is an IP address literal.
    DomainInvalid,
    /// A label of the domain (between dots) is longer than 63 bytes.
    DomainLabelTooLong,
    /// The domain is a single label (`localhost`): a domain on the internet has at least two.
    DomainNotQualified,
    /// The top-level domain is all digits, as in an IP address (`user@192.168.0.1`).
    TldNumeric,
}

impl EmailErrorCode {
    /// The code as a string, e.g. `EMAIL_MISSING_AT`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Empty => "EMAIL_EMPTY",
            Self::TooLong => "EMAIL_TOO_LONG",
            Self::MissingAt => "EMAIL_MISSING_AT",
            Self::MultipleAt => "EMAIL_MULTIPLE_AT",
            Self::LocalPartEmpty => "EMAIL_LOCAL_PART_EMPTY",
            Self::LocalPartTooLong => "EMAIL_LOCAL_PART_TOO_LONG",
            Self::LocalPartInvalid => "EMAIL_LOCAL_PART_INVALID",
            Self::LocalPartDots => "EMAIL_LOCAL_PART_DOTS",
            Self::DomainEmpty => "EMAIL_DOMAIN_EMPTY",
            Self::DomainUnicode => "EMAIL_DOMAIN_UNICODE",
            Self::DomainInvalid => "EMAIL_DOMAIN_INVALID",
            Self::DomainLabelTooLong => "EMAIL_DOMAIN_LABEL_TOO_LONG",
            Self::DomainNotQualified => "EMAIL_DOMAIN_NOT_QUALIFIED",
            Self::TldNumeric => "EMAIL_TLD_NUMERIC",
        }
    }
}

/// Why an email address was refused: a stable [`EmailErrorCode`] and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EmailError {
    /// The stable machine code.
    pub code: EmailErrorCode,
    /// What went wrong, in words; never echoes the address (at most one offending ASCII character).
    pub message: String,
}

impl EmailError {
    fn new(code: EmailErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// Why a `To` cannot receive a verification on the channel asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecipientError {
    /// The channel needs a phone number and this one is not valid; keeps the phone error's code.
    #[error(transparent)]
    Phone(#[from] PhoneError),
    /// The channel is `email` and this is not an address we accept.
    #[error(transparent)]
    Email(#[from] EmailError),
    /// An email address for a phone channel, or a phone number for the `email` channel.
    #[error("{}", channel_mismatch_message(*.channel))]
    ChannelMismatch {
        /// The channel asked for.
        channel: RequestedChannel,
    },
}

impl RecipientError {
    /// The stable machine code: the phone error's code (`TOO_SHORT`, ...), an `EMAIL_...` code, or
    /// `CHANNEL_MISMATCH`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Phone(error) => error.code.as_str(),
            Self::Email(error) => error.code.as_str(),
            Self::ChannelMismatch { .. } => "CHANNEL_MISMATCH",
        }
    }

    /// The rule this error names, as `details.reason` writes it ([`RecipientError::code`]).
    pub fn reason(&self) -> Reason {
        match self {
            Self::Phone(error) => Reason::Phone(error.code),
            Self::Email(error) => Reason::Email(error.code),
            Self::ChannelMismatch { .. } => Reason::ChannelMismatch,
        }
    }

    /// The error Twilio answers every one of these with: 60200 `Invalid parameter: To`, HTTP 400.
    pub fn to_twilio_error(&self) -> TwilioError {
        TwilioError::invalid_parameter("To").with_reason(self.reason(), &self.to_string())
    }
}

fn channel_mismatch_message(channel: RequestedChannel) -> String {
    match channel {
        RequestedChannel::Email => {
            "the email channel sends to an email address, and this looks like a phone number"
                .to_owned()
        }
        other => format!(
            "the {other} channel sends to a phone number, and this looks like an email address"
        ),
    }
}

/// Reads Verify's `To` for `channel`: an email address for `email`, a valid phone number for every other channel
/// (`auto` included). National phone numbers are read in `default_region` (ISO 3166-1 alpha-2).
///
/// An email address given for a phone channel, or a phone number for `email`, is a
/// [`RecipientError::ChannelMismatch`] rather than a parse error, so the message says what went wrong.
pub fn classify_recipient(
    to: &str,
    channel: impl Into<RequestedChannel>,
    default_region: Option<&str>,
) -> Result<Recipient, RecipientError> {
    let channel = channel.into();
    if channel == RequestedChannel::Email {
        return match normalize_email(to) {
            Ok(address) => Ok(Recipient::Email(address)),
            Err(error)
                if error.code == EmailErrorCode::MissingAt
                    && looks_like_phone(to, default_region) =>
            {
                Err(RecipientError::ChannelMismatch { channel })
            }
            Err(error) => Err(error.into()),
        };
    }
    if to.contains('@') {
        return Err(RecipientError::ChannelMismatch { channel });
    }
    let number = normalize_phone(to, default_region)?.require_valid()?;
    Ok(Recipient::Phone(number))
}

/// Reads a `To` given without a channel (a check by `To`, a verification named by its `To`): an email address if it
/// has an `@`, else a phone number, normalized exactly as a start with that channel normalizes it.
pub fn classify_recipient_any_channel(to: &str) -> Result<Recipient, RecipientError> {
    let channel = if to.contains('@') {
        RequestedChannel::Email
    } else {
        RequestedChannel::Sms
    };
    classify_recipient(to, channel, None)
}

/// Whether the phone parser finds a number in `to` at all, valid or not.
fn looks_like_phone(to: &str, default_region: Option<&str>) -> bool {
    use PhoneErrorCode as C;
    match normalize_phone(to, default_region) {
        Ok(_) => true,
        Err(error) => matches!(
            error.code,
            C::TooShort
                | C::TooLong
                | C::InvalidCountryCode
                | C::MissingRegion
                | C::InvalidForRegion
        ),
    }
}

/// The form a recipient is counted and stored under: an email address in lower case (mailbox providers ignore
/// the case of the local part, so `Victim@` and `vIctim@` are one mailbox and must be one verification and one
/// counter), a phone number as it is (E.164 has one form). The address a code goes to keeps its case.
pub fn recipient_key(to: &str) -> String {
    if to.contains('@') {
        to.to_lowercase()
    } else {
        to.to_owned()
    }
}

/// Checks one email address and returns it trimmed, with its domain in lower case (the local part keeps its case:
/// it may matter to the receiving server).
///
/// Accepts the common form of RFC 5321/5322 addresses: a dot-atom local part of 1-64 bytes, `@`, and a domain of
/// at least two labels of letters, digits and inner hyphens, the top-level one not all digits; at most
/// [`MAX_EMAIL_BYTES`] in all. Refuses quoted local parts, comments, IP address literals, non-ASCII local parts and
/// domains written in Unicode (their `xn--` form is accepted).
pub fn normalize_email(input: &str) -> Result<String, EmailError> {
    use EmailErrorCode as C;
    let address = input.trim();
    if address.is_empty() {
        return Err(EmailError::new(C::Empty, "the email address is empty"));
    }
    if address.len() > MAX_EMAIL_BYTES {
        return Err(EmailError::new(
            C::TooLong,
            format!(
                "the email address is {} bytes long; at most {MAX_EMAIL_BYTES} are accepted",
                address.len()
            ),
        ));
    }
    let mut parts = address.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(if address.contains('@') {
            EmailError::new(
                C::MultipleAt,
                "an email address has exactly one @; this has more than one",
            )
        } else {
            EmailError::new(
                C::MissingAt,
                "an email address needs an @ between the name and the domain",
            )
        });
    };
    check_local_part(local)?;
    check_domain(domain)?;
    Ok(format!("{local}@{}", domain.to_ascii_lowercase()))
}

/// RFC 5322's dot-atom: atoms of letters, digits and ``!#$%&'*+-/=?^_`{|}~``, joined by single dots.
fn check_local_part(local: &str) -> Result<(), EmailError> {
    use EmailErrorCode as C;
    if local.is_empty() {
        return Err(EmailError::new(
            C::LocalPartEmpty,
            "the email address has nothing before the @",
        ));
    }
    if local.len() > MAX_LOCAL_PART_BYTES {
        return Err(EmailError::new(
            C::LocalPartTooLong,
            format!("the part before the @ is {} bytes long; at most {MAX_LOCAL_PART_BYTES} are accepted", local.len()),
        ));
    }
    let is_atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    if let Some(bad) = local.chars().find(|&c| c != '.' && !is_atext(c)) {
        return Err(EmailError::new(
            C::LocalPartInvalid,
            format!(
                "the part before the @ contains {}, which an email address may not",
                describe(bad)
            ),
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(EmailError::new(
            C::LocalPartDots,
            "the part before the @ may not start or end with a dot, or have two dots in a row",
        ));
    }
    Ok(())
}

/// A domain name of at least two labels, each 1-63 of letters, digits and inner hyphens; the last not all digits.
fn check_domain(domain: &str) -> Result<(), EmailError> {
    use EmailErrorCode as C;
    if domain.is_empty() {
        return Err(EmailError::new(
            C::DomainEmpty,
            "the email address has nothing after the @",
        ));
    }
    if !domain.is_ascii() {
        return Err(EmailError::new(
            C::DomainUnicode,
            "the domain has non-ASCII letters; give an internationalized domain in its xn-- (punycode) form",
        ));
    }
    if domain.starts_with('[') {
        return Err(EmailError::new(
            C::DomainInvalid,
            "IP address literals are not accepted as email domains",
        ));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Err(EmailError::new(
                C::DomainInvalid,
                "the domain may not start or end with a dot, or have two dots in a row",
            ));
        }
        if label.len() > MAX_LABEL_BYTES {
            return Err(EmailError::new(
                C::DomainLabelTooLong,
                format!(
                    "a part of the domain is {} bytes long; at most {MAX_LABEL_BYTES} are accepted",
                    label.len()
                ),
            ));
        }
        if let Some(bad) = label
            .chars()
            .find(|&c| !c.is_ascii_alphanumeric() && c != '-')
        {
            return Err(EmailError::new(
                C::DomainInvalid,
                format!(
                    "the domain contains {}; only letters, digits, - and . are accepted",
                    describe(bad)
                ),
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(EmailError::new(
                C::DomainInvalid,
                "a part of the domain starts or ends with -",
            ));
        }
    }
    match labels.last() {
        Some(tld) if labels.len() >= 2 => {
            if tld.bytes().all(|b| b.is_ascii_digit()) {
                return Err(EmailError::new(
                    C::TldNumeric,
                    "the domain ends in digits, like an IP address; an email domain ends in a name",
                ));
            }
            Ok(())
        }
        _ => Err(EmailError::new(
            C::DomainNotQualified,
            "the domain needs at least two parts, like example.com",
        )),
    }
}

/// Names a refused character without echoing anything but plain ASCII punctuation.
fn describe(c: char) -> String {
    match c {
        '"' => "a quote (quoted local parts are not accepted)".to_owned(),
        c if c.is_whitespace() => "whitespace".to_owned(),
        c if !c.is_ascii() => "a non-ASCII character".to_owned(),
        c if c.is_ascii_control() => "a control character".to_owned(),
        c => format!("{c:?}"),
    }
}
