//! The account's SafeList (`/v2/SafeList/Numbers`): phone numbers that Twilio's fraud controls (Geo Permissions,
//! Fraud Guard) let through. In verify-edge the public API's geo permissions and SMS-pumping blocks skip them.
//!
//! Each number is its own record, held by the object [`object_name`] names, so asking "is this number safe-listed?"
//! costs one lookup of one key and never queues behind other numbers.

use crate::verify::model::{SafeListNumber, TwilioError};
use crate::verify::recipient::{classify_recipient, Recipient};
use crate::verify::sid::SafeListSid;
use crate::verify::Reason;
use crate::verify::RequestedChannel;

/// Reads a SafeList `PhoneNumber` (a form field, or a path segment already percent-decoded). A valid phone number
/// (`+` first; spaces and punctuation as a start's `To` allows) is normalized exactly as a start's `To` is, so the
/// same number always finds the same record. Any other text in strict E.164 form (`+`, then 2 to 15 digits, the
/// first not 0) is taken as it is: Twilio's own example, `+18001234567`, is not a valid NANP number, so Twilio
/// checks the form, not the numbering plan. Anything else is 60200 `Invalid parameter: PhoneNumber`.
pub fn safe_list_number(text: &str) -> Result<String, TwilioError> {
    let invalid = || TwilioError::invalid_parameter("PhoneNumber");
    if !text.trim_start().starts_with('+') {
        return Err(invalid().with_reason(
            Reason::NotE164,
            "PhoneNumber must be in E.164 format, starting with +",
        ));
    }
    match classify_recipient(text, RequestedChannel::Sms, None) {
        Ok(Recipient::Phone(number)) => Ok(number.e164),
        Ok(Recipient::Email(_)) => Err(invalid()),
        Err(_) if is_e164_form(text) => Ok(text.to_owned()),
        Err(e) => Err(invalid().with_reason(e.reason(), &e.to_string())),
    }
}

/// `+`, then 2 to 15 ASCII digits, the first not 0.
fn is_e164_form(text: &str) -> bool {
    let Some(digits) = text.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// The name of the object that holds the SafeList record of `e164` (from [`safe_list_number`]).
pub fn object_name(e164: &str) -> String {
    format!("safelist:{e164}")
}

/// The SafeList resource of `e164`, with its URL under `base_url` (`{base}/v2/SafeList/Numbers/+1...`, as
/// Twilio's examples write it).
pub fn with_url(sid: SafeListSid, e164: &str, base_url: &str) -> SafeListNumber {
    SafeListNumber {
        sid: Some(sid),
        phone_number: Some(e164.to_owned()),
        url: Some(format!("{base_url}/v2/SafeList/Numbers/{e164}")),
    }
}
