//! Holds the Verify model to Twilio's wire format: every response example of Twilio's OpenAPI spec for the
//! verification, verification-check, service, entity, factor and challenge operations (push and passkeys factors
//! included: the model reads what Twilio answers for every factor type) (`tests/data/twilio-examples.json`, written by
//! `python3 scripts/extract-twilio-examples.py`) must read into the Rust type and write back as the same JSON.
//! Plus the SIDs, the enums and the error body.

use std::str::FromStr;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use verify_edge::verify::model::{
    Challenge, Entity, Factor, NewFactor, SendCodeAttempt, ServicePage,
};
use verify_edge::verify::{
    AccountSid, Channel, RequestedChannel, Service, ServiceSid, SidError, Status, TwilioError,
    Verification, VerificationAttemptSid, VerificationCheck, VerificationSid,
};

#[derive(Deserialize)]
struct Examples {
    examples: Vec<Example>,
}

#[derive(Deserialize)]
struct Example {
    operation: String,
    status: u16,
    example: String,
    schema: String,
    value: Value,
}

fn load_examples() -> Vec<Example> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/twilio-examples.json"
    );
    let text = std::fs::read_to_string(path).expect("tests/data/twilio-examples.json is readable");
    let examples: Examples =
        serde_json::from_str(&text).expect("tests/data/twilio-examples.json parses");
    examples.examples
}

/// Reads `value` as `T` and writes it back; the JSON must come back unchanged.
fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<(), String> {
    let typed: T =
        serde_json::from_value(value.clone()).map_err(|e| format!("does not read: {e}"))?;
    let back = serde_json::to_value(&typed).map_err(|e| format!("does not write: {e}"))?;
    if &back == value {
        Ok(())
    } else {
        Err(format!(
            "changed on the way back:\n  spec: {value}\n  ours: {back}"
        ))
    }
}

#[test]
fn every_spec_example_round_trips() {
    let examples = load_examples();
    let mut failures = Vec::new();
    for example in &examples {
        let result = match example.schema.as_str() {
            "verify.v2.service.verification" => round_trip::<Verification>(&example.value),
            "verify.v2.service.verification_check" => {
                round_trip::<VerificationCheck>(&example.value)
            }
            "verify.v2.service" => round_trip::<Service>(&example.value),
            "ListServiceResponse" => round_trip::<ServicePage>(&example.value),
            "verify.v2.service.entity" => round_trip::<Entity>(&example.value),
            "verify.v2.service.entity.factor" => round_trip::<Factor>(&example.value),
            "verify.v2.service.entity.new_factor" => round_trip::<NewFactor>(&example.value),
            "verify.v2.service.entity.challenge" => round_trip::<Challenge>(&example.value),
            "error" => round_trip::<TwilioError>(&example.value),
            other => Err(format!("no Rust type for schema {other}")),
        };
        if let Err(why) = result {
            failures.push(format!(
                "{} {} {}: {why}",
                example.operation, example.status, example.example
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_examples_cover_every_operation() {
    let examples = load_examples();
    for operation in [
        "CreateVerification",
        "FetchVerification",
        "UpdateVerification",
        "CreateVerificationCheck",
        "CreateService",
        "FetchService",
        "ListService",
        "CreateEntity",
        "FetchEntity",
        "CreateNewFactor",
        "FetchFactor",
        "UpdateFactor",
        "CreateChallenge",
        "FetchChallenge",
        "UpdateChallenge",
    ] {
        assert!(
            examples
                .iter()
                .any(|e| e.operation == operation && e.status < 300),
            "no success example of {operation}: rerun scripts/extract-twilio-examples.py"
        );
    }
    // Each channel the spec shows on a verification, so none of them can go untested.
    for channel in ["sms", "whatsapp", "email", "sna"] {
        assert!(
            examples.iter().any(|e| e.value["channel"] == channel),
            "no example with channel {channel}"
        );
    }
}

#[test]
fn examples_read_into_the_right_values() {
    let examples = load_examples();
    let sna = examples
        .iter()
        .find(|e| e.example == "createVerificationSna")
        .expect("the sna example is extracted");
    let verification: Verification = serde_json::from_value(sna.value.clone()).unwrap();
    assert_eq!(verification.channel, Channel::Sna);
    assert_eq!(verification.status, Some(Status::Pending));
    assert_eq!(
        verification.sid.as_ref().map(VerificationSid::as_str),
        Some("VEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
    );
    let carrier = verification
        .lookup
        .and_then(|l| l.carrier)
        .expect("the sna example has a carrier");
    assert_eq!(carrier.line_type.as_deref(), Some("mobile"));
    assert!(verification
        .sna
        .expect("the sna example has an sna url")
        .url
        .starts_with("https://"));

    let check = examples
        .iter()
        .find(|e| e.example == "snaVerificationChecks")
        .expect("the sna check example is extracted");
    let check: VerificationCheck = serde_json::from_value(check.value.clone()).unwrap();
    let errors = check
        .sna_attempts_error_codes
        .expect("the sna check has error codes");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, 60001);
}

#[test]
fn a_send_code_attempt_reads_its_channel_in_any_case() {
    let attempt = |channel: &str| SendCodeAttempt {
        time: "2015-07-30T20:00:00Z".to_owned(),
        channel: channel.to_owned(),
        attempt_sid: VerificationAttemptSid::from_random_bytes([0; 16]),
    };
    assert_eq!(attempt("SMS").channel(), Some(Channel::Sms));
    assert_eq!(attempt("EMAIL").channel(), Some(Channel::Email));
    assert_eq!(attempt("whatsapp").channel(), Some(Channel::Whatsapp));
    assert_eq!(attempt("rbm").channel(), None);
}

#[test]
fn unknown_fields_are_ignored_and_missing_nullable_fields_are_none() {
    let value = json!({
        "sid": "VEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "channel": "call",
        "status": "max_attempts_reached",
        "a_field_twilio_adds_next_year": {"nested": [1, 2, 3]}
    });
    let verification: Verification =
        serde_json::from_value(value).expect("reads with an unknown field");
    assert_eq!(verification.channel, Channel::Call);
    assert_eq!(verification.status, Some(Status::MaxAttemptsReached));
    assert_eq!(verification.to, None);
    assert_eq!(verification.send_code_attempts, None);
}

#[test]
fn a_bad_sid_in_a_response_is_an_error() {
    let wrong_prefix = json!({"sid": "VAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "channel": "sms"});
    let error = serde_json::from_value::<Verification>(wrong_prefix)
        .unwrap_err()
        .to_string();
    assert!(error.contains("VE"), "{error}");
    let short = json!({"sid": "VEaaaa", "channel": "sms"});
    assert!(serde_json::from_value::<Verification>(short).is_err());
    assert!(serde_json::from_value::<ServiceSid>(json!(42)).is_err());
}

#[test]
fn auto_is_not_a_verification_channel() {
    let value = json!({"channel": "auto"});
    assert!(serde_json::from_value::<Verification>(value).is_err());
    assert_eq!(
        serde_json::from_value::<RequestedChannel>(json!("auto")).unwrap(),
        RequestedChannel::Auto
    );
    assert_eq!(RequestedChannel::Auto.channel(), None);
}

// --- SIDs ---

const GOOD_VE: &str = "VE0123456789abcdefABCDEF0123456789";

#[test]
fn a_good_sid_parses_and_prints_as_given() {
    let sid = VerificationSid::from_str(GOOD_VE).expect("a good SID parses");
    assert_eq!(sid.as_str(), GOOD_VE);
    assert_eq!(sid.to_string(), GOOD_VE);
    assert_eq!(serde_json::to_value(&sid).unwrap(), json!(GOOD_VE));
    let back: VerificationSid = serde_json::from_value(json!(GOOD_VE)).unwrap();
    assert_eq!(back, sid);
    assert_eq!(VerificationSid::PREFIX, "VE");
}

fn sid_error(text: &str) -> SidError {
    VerificationSid::from_str(text).expect_err("the SID is refused")
}

#[test]
fn a_sid_of_another_kind_is_refused_naming_the_prefix() {
    let error = sid_error("VAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert_eq!(error.code(), "INVALID_SID");
    assert_eq!(error.expected_prefix, "VE");
    assert!(error.message.contains("VE"), "{}", error.message);
    assert!(error.message.contains("\"VA\""), "{}", error.message);
    // The prefix is upper case, as in the spec's pattern.
    sid_error("veaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert!(AccountSid::from_str("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").is_ok());
    assert!(AccountSid::from_str(GOOD_VE).is_err());
}

#[test]
fn a_sid_with_31_or_33_digits_is_refused() {
    let digits_31 = format!("VE{}", "a".repeat(31));
    let digits_33 = format!("VE{}", "a".repeat(33));
    assert!(sid_error(&digits_31).message.contains("31"));
    assert!(sid_error(&digits_33).message.contains("33"));
    sid_error("VE");
    sid_error("");
}

#[test]
fn a_sid_with_a_non_hex_digit_is_refused() {
    let error = sid_error("VEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaag");
    assert!(error.message.contains("hex"), "{}", error.message);
    sid_error("VEaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa a");
    sid_error("VE-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

#[test]
fn non_ascii_and_huge_sids_are_refused_without_panicking() {
    // 34 bytes, but not 34 characters: multi-byte characters where hex digits belong.
    let accented = format!("VE{}é", "a".repeat(30));
    assert_eq!(accented.len(), 34);
    sid_error(&accented);
    sid_error("VÉaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    sid_error("éé");
    sid_error("V\u{0301}E");
    let error = sid_error("😀aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert!(error.message.len() < 200, "{}", error.message);
    let huge = format!("VE{}", "a".repeat(1 << 20));
    let error = sid_error(&huge);
    assert!(
        error.message.len() < 200,
        "the message echoes the input: {} bytes",
        error.message.len()
    );
    let huge_wrong = "é".repeat(1 << 19);
    assert!(sid_error(&huge_wrong).message.len() < 200);
}

#[test]
fn a_sid_from_random_bytes_is_prefix_and_lowercase_hex() {
    let bytes = [
        0x00, 0x01, 0x0f, 0x10, 0xab, 0xcd, 0xef, 0xff, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde,
        0xf0,
    ];
    let sid = ServiceSid::from_random_bytes(bytes);
    assert_eq!(sid.as_str(), "VA00010f10abcdefff123456789abcdef0");
    assert_eq!(ServiceSid::from_str(sid.as_str()), Ok(sid));
    let check = VerificationSid::from_random_bytes([0xff; 16]);
    assert_eq!(check.as_str(), format!("VE{}", "f".repeat(32)));
}

// --- enums ---

#[test]
fn channels_are_written_in_lower_case() {
    for (channel, text) in [
        (Channel::Sms, "sms"),
        (Channel::Call, "call"),
        (Channel::Email, "email"),
        (Channel::Whatsapp, "whatsapp"),
        (Channel::Sna, "sna"),
    ] {
        assert_eq!(serde_json::to_value(channel).unwrap(), json!(text));
        assert_eq!(
            serde_json::from_value::<Channel>(json!(text)).unwrap(),
            channel
        );
        assert_eq!(channel.as_str(), text);
        assert_eq!(channel.to_string(), text);
        let requested = RequestedChannel::from(channel);
        assert_eq!(serde_json::to_value(requested).unwrap(), json!(text));
        assert_eq!(requested.channel(), Some(channel));
    }
    assert_eq!(Channel::ALL.len(), 5);
    assert_eq!(
        serde_json::to_value(RequestedChannel::Auto).unwrap(),
        json!("auto")
    );
    assert_eq!(RequestedChannel::Auto.to_string(), "auto");
    assert!(serde_json::from_value::<Channel>(json!("SMS")).is_err());
    assert!(serde_json::from_value::<Channel>(json!("rcs")).is_err());
}

#[test]
fn statuses_are_written_in_snake_case() {
    for (status, text) in [
        (Status::Pending, "pending"),
        (Status::Approved, "approved"),
        (Status::Canceled, "canceled"),
        (Status::MaxAttemptsReached, "max_attempts_reached"),
        (Status::Deleted, "deleted"),
        (Status::Failed, "failed"),
        (Status::Expired, "expired"),
    ] {
        assert_eq!(serde_json::to_value(status).unwrap(), json!(text));
        assert_eq!(
            serde_json::from_value::<Status>(json!(text)).unwrap(),
            status
        );
        assert_eq!(status.as_str(), text);
        assert_eq!(status.to_string(), text);
    }
    assert!(serde_json::from_value::<Status>(json!("cancelled")).is_err());
}

// --- errors ---

#[test]
fn invalid_parameter_has_twilios_exact_shape() {
    let body = serde_json::to_string(&TwilioError::invalid_parameter("To")).unwrap();
    assert_eq!(
        body,
        r#"{"code":60200,"message":"Invalid parameter: To","more_info":"https://www.twilio.com/docs/errors/60200","status":400}"#
    );
}

#[test]
fn each_error_helper_has_its_code_and_status() {
    for (error, code, status, message) in [
        (
            TwilioError::not_found(),
            20404,
            404,
            "The requested resource was not found",
        ),
        (TwilioError::authenticate(), 20003, 401, "Authenticate"),
        (
            TwilioError::max_check_attempts(),
            60202,
            429,
            "Max check attempts reached",
        ),
        (
            TwilioError::max_send_attempts(),
            60203,
            429,
            "Max send attempts reached",
        ),
        (
            TwilioError::invalid_parameter("Code"),
            60200,
            400,
            "Invalid parameter: Code",
        ),
    ] {
        assert_eq!(
            (error.code, error.status, error.message.as_str()),
            (code, status, message)
        );
        assert_eq!(
            error.more_info,
            format!("https://www.twilio.com/docs/errors/{code}")
        );
    }
    let custom = TwilioError::new(20429, 429, "Too many requests");
    assert_eq!(
        serde_json::to_value(&custom).unwrap(),
        json!({
            "code": 20429,
            "message": "Too many requests",
            "more_info": "https://www.twilio.com/docs/errors/20429",
            "status": 429
        })
    );
}

#[test]
fn twilios_totp_examples_read_into_the_engines_types() {
    use verify_edge::engine::totp::{base32_decode, otpauth_uri, TotpConfig};
    use verify_edge::verify::model::{ChallengeStatus, FactorStatus, FactorType};
    let examples = load_examples();
    let value = |name: &str| {
        examples
            .iter()
            .find(|e| e.example == name)
            .unwrap_or_else(|| panic!("the {name} example is extracted"))
            .value
            .clone()
    };
    let factor: NewFactor = serde_json::from_value(value("createTotp")).unwrap();
    assert_eq!(factor.factor_type, Some(FactorType::Totp));
    assert_eq!(factor.status, Some(FactorStatus::Unverified));
    let config: TotpConfig = serde_json::from_value(factor.config.unwrap()).unwrap();
    assert_eq!(config, TotpConfig::default());
    let binding = factor.binding.unwrap();
    let secret = base32_decode(binding["secret"].as_str().unwrap()).unwrap();
    assert_eq!(
        binding["uri"],
        otpauth_uri(
            "test-issuer",
            "John\u{2019}s Account Name",
            &secret,
            &config
        )
    );
    let challenge: Challenge = serde_json::from_value(value("createTotpWithAuthPayload")).unwrap();
    assert_eq!(challenge.status, Some(ChallengeStatus::Approved));
    assert_eq!(challenge.factor_type, Some(FactorType::Totp));
}
