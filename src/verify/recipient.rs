//! Who a verification is sent to: Verify's `To` parameter read as a phone number or an email address, as the
//! channel requires.

use crate::phone::{normalize_phone, PhoneError, PhoneErrorCode, PhoneNumber};

use super::email::{has_at_sign, normalize_email, EmailError, EmailErrorCode};
use super::error::Reason;
use super::model::{RequestedChannel, TwilioError};

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

/// The phone engine as [`classify_recipient_with`] calls it: [`normalize_phone`]'s signature. The Worker passes
/// the engine itself; the npm package's main entry passes the phone entry's engine (another wasm), so a page that
/// loads both carries one copy of it.
pub type PhoneNormalizer<'a> = &'a dyn Fn(&str, Option<&str>) -> Result<PhoneNumber, PhoneError>;

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
    classify_recipient_with(to, channel.into(), default_region, &normalize_phone)
}

/// [`classify_recipient`] with the phone engine given: the same rules, whichever engine reads the number.
pub fn classify_recipient_with(
    to: &str,
    channel: RequestedChannel,
    default_region: Option<&str>,
    normalize: PhoneNormalizer<'_>,
) -> Result<Recipient, RecipientError> {
    if channel == RequestedChannel::Email {
        return match normalize_email(to) {
            Ok(address) => Ok(Recipient::Email(address)),
            Err(error)
                if error.code == EmailErrorCode::MissingAt
                    && looks_like_phone(to, default_region, normalize) =>
            {
                Err(RecipientError::ChannelMismatch { channel })
            }
            Err(error) => Err(error.into()),
        };
    }
    if has_at_sign(to) {
        return Err(RecipientError::ChannelMismatch { channel });
    }
    let number = normalize(to, default_region)?.require_valid()?;
    Ok(Recipient::Phone(number))
}

/// Reads a `To` given without a channel (a check by `To`, a verification named by its `To`): an email address if it
/// has an `@`, else a phone number, normalized exactly as a start with that channel normalizes it.
pub fn classify_recipient_any_channel(to: &str) -> Result<Recipient, RecipientError> {
    let channel = if has_at_sign(to) {
        RequestedChannel::Email
    } else {
        RequestedChannel::Sms
    };
    classify_recipient(to, channel, None)
}

/// Whether the phone parser finds a number in `to` at all, valid or not.
fn looks_like_phone(
    to: &str,
    default_region: Option<&str>,
    normalize: PhoneNormalizer<'_>,
) -> bool {
    use PhoneErrorCode as C;
    match normalize(to, default_region) {
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
    if has_at_sign(to) {
        to.to_lowercase()
    } else {
        to.to_owned()
    }
}
