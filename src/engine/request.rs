//! The engine's `/v2` requests read into the rules' own types: a `CreateVerification` form into a
//! [`StartRequest`], a `CreateVerificationCheck` form into a [`CheckRequest`] and the verification it names, an
//! `UpdateVerification` form into its status, a verification path segment into a [`Target`]. Every bad parameter
//! is a 60200 naming it, as Twilio answers. Plain Rust: the Worker's `/v2` front calls these and tests run them
//! natively.

use super::form::Form;
use super::rate_limit;
use super::verification::{CheckRequest, StartRequest};
use crate::verify::model::{Channel, RequestedChannel, Status, TwilioError};
use crate::verify::recipient::{classify_recipient, classify_recipient_any_channel, Recipient};
use crate::verify::sid::{TemplateSid, VerificationSid};
use crate::verify::{Reason, Target};

/// A `CreateVerification` request: the start itself and the `RateLimits` values it counts against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartForm {
    /// The start, its recipient normalized and its channel resolved.
    pub request: StartRequest,
    /// `RateLimits`: (unique name, value), sorted by name.
    pub rate_limits: Vec<(String, String)>,
}

/// The channel a start sends on: the one asked for, or for `auto` the one the engine picks (Silent Network Auth
/// first for a phone number when `sna_available`, as Twilio tries it first; otherwise SMS; an address can only be
/// emailed). A verification records the channel picked, never `auto`.
pub fn pick_channel(
    requested: RequestedChannel,
    recipient: &Recipient,
    sna_available: bool,
) -> Channel {
    match (requested.channel(), recipient) {
        (Some(channel), _) => channel,
        (None, Recipient::Email(_)) => Channel::Email,
        (None, Recipient::Phone(_)) if sna_available => Channel::Sna,
        (None, Recipient::Phone(_)) => Channel::Sms,
    }
}

/// Whether the engine can send on `channel`: Silent Network Auth only where its simulated carrier is on
/// (`sna_available`, a development setting); without it an `sna` start is Twilio's 60223, as for a channel the
/// Service cannot use. The engine's start applies it to every start, read from `/v2` or from the public API.
pub fn check_channel_offered(channel: Channel, sna_available: bool) -> Result<(), TwilioError> {
    if channel == Channel::Sna && !sna_available {
        return Err(TwilioError::channel_disabled().with_reason(
            Reason::SnaUnavailable,
            "this engine has no carrier for Silent Network Auth (the simulated one is a development setting)",
        ));
    }
    Ok(())
}

impl StartRequest {
    /// Reads a `CreateVerification` form: `To` (E.164, or an address for `email`), `Channel`, and the optional
    /// `CustomCode`, `Amount`, `Payee`, `Locale`, `CustomFriendlyName`, `TemplateSid`, `EnableSnaClientToken` and
    /// `RateLimits`.
    pub fn from_form(form: &Form, sna_available: bool) -> Result<StartForm, TwilioError> {
        let to = form.required("To")?;
        let requested = form
            .required("Channel")
            .ok()
            .and_then(|c| c.parse::<RequestedChannel>().ok())
            .ok_or_else(|| TwilioError::invalid_parameter("Channel"))?;
        let recipient = classify_recipient(to, requested, None).map_err(|e| e.to_twilio_error())?;
        let channel = pick_channel(requested, &recipient, sna_available);
        if form
            .get("TemplateSid")
            .is_some_and(|sid| sid.parse::<TemplateSid>().is_err())
        {
            return Err(TwilioError::invalid_parameter("TemplateSid"));
        }
        let enable_sna_client_token = form.bool("EnableSnaClientToken")?.unwrap_or(false);
        let request = StartRequest {
            to: recipient.as_str().to_owned(),
            channel: Some(channel),
            custom_code: form.text("CustomCode", 64)?,
            amount: form.text("Amount", 64)?,
            payee: form.text("Payee", 256)?,
            locale: form.text("Locale", 16)?,
            custom_friendly_name: form.text("CustomFriendlyName", 64)?,
            enable_sna_client_token,
        };
        Ok(StartForm {
            request,
            rate_limits: rate_limit::parse_rate_limits(form)?,
        })
    }
}

impl CheckRequest {
    /// Reads a `CreateVerificationCheck` form: the verification (`VerificationSid`, or `To` in its place) and what
    /// the check carries (`Code`, `Amount`, `Payee`, `SnaClientToken`).
    pub fn from_form(form: &Form) -> Result<(Target, Self), TwilioError> {
        let target = match (form.get("VerificationSid"), form.get("To")) {
            (Some(sid), _) => Target::Sid(
                sid.parse::<VerificationSid>()
                    .map_err(|_| TwilioError::invalid_parameter("VerificationSid"))?,
            ),
            (None, Some(to)) => Target::To(
                classify_recipient_any_channel(to)
                    .map_err(|e| e.to_twilio_error())?
                    .as_str()
                    .to_owned(),
            ),
            (None, None) => return Err(TwilioError::invalid_parameter("To")),
        };
        let request = Self {
            code: form.get("Code").map(str::to_owned),
            amount: form.get("Amount").map(str::to_owned),
            payee: form.get("Payee").map(str::to_owned),
            sna_client_token: form.get("SnaClientToken").map(str::to_owned),
        };
        Ok((target, request))
    }
}

/// The status an `UpdateVerification` form sets: `canceled` or `approved`.
pub fn status_update(form: &Form) -> Result<Status, TwilioError> {
    match form.required("Status") {
        Ok("canceled") => Ok(Status::Canceled),
        Ok("approved") => Ok(Status::Approved),
        _ => Err(TwilioError::invalid_parameter("Status")),
    }
}

impl Target {
    /// A verification path segment: a `VE` SID, or (as Twilio allows) the `To` in its place, percent-encoded or
    /// not. Anything else names no verification (20404).
    pub fn from_path_segment(segment: &str) -> Result<Self, TwilioError> {
        if let Ok(sid) = segment.parse::<VerificationSid>() {
            return Ok(Self::Sid(sid));
        }
        classify_recipient_any_channel(&percent_decode(segment))
            .map(|recipient| Self::To(recipient.as_str().to_owned()))
            .map_err(|_| TwilioError::not_found())
    }
}

/// A path segment as written: `%2B` is `+`, and a bare `+` stays `+` (paths are not form bodies).
pub fn percent_decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(body: &str) -> Form {
        Form::parse(body.as_bytes())
    }

    #[test]
    fn a_start_form_is_read_into_the_rules_request() {
        let read = StartRequest::from_form(
            &form("To=%2B447400123456&Channel=sms&Locale=en&CustomFriendlyName=Shop&RateLimits=%7B%22ip%22%3A%221.2.3.4%22%7D"),
            true,
        )
        .unwrap();
        assert_eq!(read.request.to, "+447400123456");
        assert_eq!(read.request.channel, Some(Channel::Sms));
        assert_eq!(read.request.locale.as_deref(), Some("en"));
        assert_eq!(read.request.custom_friendly_name.as_deref(), Some("Shop"));
        assert_eq!(
            read.rate_limits,
            vec![("ip".to_owned(), "1.2.3.4".to_owned())]
        );
    }

    #[test]
    fn auto_picks_sna_only_where_it_is_offered() {
        let auto = |sna| {
            StartRequest::from_form(&form("To=%2B447400123456&Channel=auto"), sna)
                .unwrap()
                .request
                .channel
        };
        assert_eq!(auto(true), Some(Channel::Sna));
        assert_eq!(auto(false), Some(Channel::Sms));
        let sna = StartRequest::from_form(&form("To=%2B447400123456&Channel=sna"), true).unwrap();
        assert_eq!(sna.request.channel, Some(Channel::Sna));
        // The engine's start holds every start (from /v2 and from the public API) to what it offers.
        assert!(check_channel_offered(Channel::Sna, true).is_ok());
        assert!(check_channel_offered(Channel::Sms, false).is_ok());
        let refused = check_channel_offered(Channel::Sna, false).unwrap_err();
        assert_eq!((refused.code, refused.status), (60223, 400));
        assert_eq!(refused.reason(), Some("SNA_UNAVAILABLE"));
        // `auto` is for phone numbers: an address must ask for `email`.
        let email =
            StartRequest::from_form(&form("To=a%40example.com&Channel=auto"), true).unwrap_err();
        assert_eq!(email.reason(), Some("CHANNEL_MISMATCH"));
    }

    #[test]
    fn every_bad_start_parameter_is_named() {
        let named = |body: &str| {
            let e = StartRequest::from_form(&form(body), true).unwrap_err();
            assert_eq!((e.code, e.status), (60200, 400), "{body}");
            e.message
        };
        assert_eq!(named("Channel=sms"), "Invalid parameter: To");
        assert_eq!(
            named("To=%2B447400123456&Channel=fax"),
            "Invalid parameter: Channel"
        );
        assert_eq!(named("To=12&Channel=sms"), "Invalid parameter: To");
        assert_eq!(
            named("To=%2B447400123456&Channel=sms&TemplateSid=HJ1"),
            "Invalid parameter: TemplateSid"
        );
        assert_eq!(
            named("To=%2B447400123456&Channel=sna&EnableSnaClientToken=maybe"),
            "Invalid parameter: EnableSnaClientToken"
        );
        assert_eq!(
            named(&format!(
                "To=%2B447400123456&Channel=sms&CustomCode={}",
                "1".repeat(65)
            )),
            "Invalid parameter: CustomCode"
        );
        assert_eq!(
            named("To=%2B447400123456&Channel=sms&RateLimits=nope"),
            "Invalid parameter: RateLimits"
        );
    }

    #[test]
    fn a_check_names_its_verification_by_sid_or_by_to() {
        let sid = format!("VE{}", "ab".repeat(16));
        let (target, request) =
            CheckRequest::from_form(&form(&format!("VerificationSid={sid}&Code=123456"))).unwrap();
        assert_eq!(target, Target::Sid(sid.parse().unwrap()));
        assert_eq!(request.code.as_deref(), Some("123456"));
        let (target, _) = CheckRequest::from_form(&form("To=%2B447400123456&Code=1234")).unwrap();
        assert_eq!(target, Target::To("+447400123456".to_owned()));
        let neither = CheckRequest::from_form(&form("Code=1234")).unwrap_err();
        assert_eq!(neither.message, "Invalid parameter: To");
        let bad_sid = CheckRequest::from_form(&form("VerificationSid=VE12&Code=1234")).unwrap_err();
        assert_eq!(bad_sid.message, "Invalid parameter: VerificationSid");
    }

    #[test]
    fn a_path_segment_names_a_verification_or_nothing() {
        let sid = format!("VE{}", "cd".repeat(16));
        assert_eq!(
            Target::from_path_segment(&sid).unwrap(),
            Target::Sid(sid.parse().unwrap())
        );
        assert_eq!(
            Target::from_path_segment("%2B447400123456").unwrap(),
            Target::To("+447400123456".to_owned())
        );
        assert_eq!(
            Target::To("+447400123456".to_owned()).path_segment(),
            "%2B447400123456"
        );
        assert_eq!(Target::from_path_segment("nobody").unwrap_err().code, 20404);
    }

    #[test]
    fn an_update_sets_canceled_or_approved_only() {
        assert_eq!(
            status_update(&form("Status=canceled")).unwrap(),
            Status::Canceled
        );
        assert_eq!(
            status_update(&form("Status=approved")).unwrap(),
            Status::Approved
        );
        assert_eq!(
            status_update(&form("Status=pending")).unwrap_err().message,
            "Invalid parameter: Status"
        );
    }
}
