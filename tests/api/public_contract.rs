//! The public API's contract in the core: reading parameters, building the upstream's form, the safe views and
//! the mapping of upstream errors. (The Worker serving it is tested under workerd in tests/js/public-api.test.mjs.)

use verify_edge::api::{
    mask_recipient, public_error, BodyKind, CheckParams, StartParams,
    Verification as PublicVerification, VerificationCheck as PublicCheck,
};
use verify_edge::verify::model::{RequestedChannel, Verification, VerificationCheck};
use verify_edge::verify::Target;

fn reason(error: &verify_edge::verify::TwilioError) -> &str {
    error.details.as_ref().map_or("", |d| d.reason.as_str())
}

#[test]
fn json_and_form_bodies_read_the_same() {
    let json = StartParams::from_body(
        br#"{"to":"07400 123456","channel":"sms","defaultRegion":"GB","locale":"en-GB"}"#,
        BodyKind::Json,
    )
    .unwrap();
    let form = StartParams::from_body(
        b"to=07400+123456&channel=sms&defaultRegion=GB&locale=en-GB",
        BodyKind::Form,
    )
    .unwrap();
    assert_eq!(json, form);
    assert_eq!(json.channel, RequestedChannel::Sms);
    let upstream = json.to_upstream().unwrap();
    assert_eq!(upstream.to, "+447400123456");
    assert_eq!(
        upstream.form(),
        vec![
            ("To", "+447400123456".to_owned()),
            ("Channel", "sms".to_owned()),
            ("Locale", "en-GB".to_owned()),
        ]
    );
}

#[test]
fn every_bad_parameter_is_named() {
    let cases: &[(&[u8], BodyKind, &str, &str)] = &[
        (b"{", BodyKind::Json, "body", "MALFORMED_JSON"),
        (b"\"x\"", BodyKind::Json, "body", "NOT_AN_OBJECT"),
        (
            b"to=%FF%FE&channel=sms",
            BodyKind::Form,
            "to",
            "NOT_A_NUMBER",
        ),
        (br#"{"channel":"sms"}"#, BodyKind::Json, "to", "MISSING"),
        (
            br#"{"to":"+447400123456"}"#,
            BodyKind::Json,
            "channel",
            "MISSING",
        ),
        (
            br#"{"to":"+447400123456","channel":"SMS"}"#,
            BodyKind::Json,
            "channel",
            "UNKNOWN_CHANNEL",
        ),
        (
            br#"{"to":"+447400123456","channel":"sms","x":1}"#,
            BodyKind::Json,
            "x",
            "UNKNOWN_PARAMETER",
        ),
        (
            br#"{"to":[],"channel":"sms"}"#,
            BodyKind::Json,
            "to",
            "NOT_A_STRING",
        ),
        (
            br#"{"to":"+447400123456","channel":"sms","locale":"e"}"#,
            BodyKind::Json,
            "locale",
            "NOT_A_LOCALE",
        ),
        (
            br#"{"to":"+447400123456","channel":"sms","enableSnaClientToken":1}"#,
            BodyKind::Json,
            "enableSnaClientToken",
            "NOT_A_BOOLEAN",
        ),
        (
            br#"{"to":"+447400123456","channel":"sms","enableSnaClientToken":true}"#,
            BodyKind::Json,
            "enableSnaClientToken",
            "NOT_SNA",
        ),
        (
            br#"{"to":"7400 123456","channel":"sms","defaultRegion":"ZZ"}"#,
            BodyKind::Json,
            "defaultRegion",
            "UNKNOWN_REGION",
        ),
        (
            br#"{"to":"ada@example.com","channel":"sms"}"#,
            BodyKind::Json,
            "to",
            "CHANNEL_MISMATCH",
        ),
    ];
    for (body, kind, parameter, expected) in cases {
        let error = StartParams::from_body(body, *kind)
            .and_then(|p| p.to_upstream())
            .expect_err(&String::from_utf8_lossy(body));
        assert_eq!(error.code, 60200);
        assert_eq!(error.status, 400);
        assert_eq!(error.message, format!("Invalid parameter: {parameter}"));
        assert_eq!(
            reason(&error),
            *expected,
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn a_check_names_its_verification_once() {
    let by_to = CheckParams::from_body(
        br#"{"to":"+44 7400 123456","code":"123456"}"#,
        BodyKind::Json,
    )
    .unwrap()
    .to_upstream()
    .unwrap();
    assert_eq!(by_to.target, Target::To("+447400123456".into()));
    assert_eq!(
        by_to.form(),
        vec![("To", "+447400123456".into()), ("Code", "123456".into())]
    );
    let sid = format!("VE{}", "ab".repeat(16));
    let by_sid = CheckParams::from_body(
        format!(r#"{{"verificationSid":"{sid}","snaClientToken":"t"}}"#).as_bytes(),
        BodyKind::Json,
    )
    .unwrap()
    .to_upstream()
    .unwrap();
    assert_eq!(
        by_sid.form(),
        vec![
            ("VerificationSid", sid.clone()),
            ("SnaClientToken", "t".into())
        ]
    );
    let both = CheckParams {
        to: Some("+447400123456".into()),
        verification_sid: Some(sid),
        ..CheckParams::default()
    };
    assert_eq!(reason(&both.to_upstream().unwrap_err()), "TO_AND_SID");
    assert_eq!(
        reason(&CheckParams::default().to_upstream().unwrap_err()),
        "MISSING"
    );
}

#[test]
fn content_types() {
    assert_eq!(
        BodyKind::from_content_type(Some("application/json; charset=utf-8")),
        Ok(BodyKind::Json)
    );
    assert_eq!(
        BodyKind::from_content_type(Some("Application/X-WWW-Form-Urlencoded")),
        Ok(BodyKind::Form)
    );
    for bad in [
        None,
        Some(""),
        Some("text/plain"),
        Some("multipart/form-data; boundary=x"),
    ] {
        assert_eq!(BodyKind::from_content_type(bad).unwrap_err().status, 415);
    }
}

#[test]
fn the_views_keep_only_what_a_browser_needs() {
    let upstream: Verification = serde_json::from_value(serde_json::json!({
        "sid": format!("VE{}", "1".repeat(32)),
        "service_sid": format!("VA{}", "2".repeat(32)),
        "account_sid": format!("AC{}", "3".repeat(32)),
        "to": "+15017122661", "channel": "sna", "status": "pending", "valid": false,
        "lookup": {}, "amount": null, "payee": null,
        "send_code_attempts": [{"time": "2015-07-30T20:00:00Z", "channel": "sna", "attempt_sid": format!("VL{}", "4".repeat(32))}],
        "date_created": "2015-07-30T20:00:00Z", "date_updated": "2015-07-30T20:00:00Z",
        "sna": {"url": "https://mi.dnlsrv.com/m/id/ANBByzx7"},
        "url": "https://verify.twilio.com/v2/Services/VA/Verifications/VE"
    }))
    .unwrap();
    let view = PublicVerification::from_upstream(&upstream).unwrap();
    let json = serde_json::to_value(&view).unwrap();
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "channel",
            "dateCreated",
            "sendCodeAttempts",
            "sid",
            "sna",
            "status",
            "to"
        ]
    );
    assert_eq!(json["sna"]["url"], "https://mi.dnlsrv.com/m/id/ANBByzx7");
    assert_eq!(json["sendCodeAttempts"], 1);

    let check: VerificationCheck = serde_json::from_value(serde_json::json!({
        "sid": format!("VE{}", "1".repeat(32)), "to": "+15017122661", "channel": "sna",
        "status": "pending", "valid": false,
        "sna_attempts_error_codes": [
            {"attempt_sid": format!("VL{}", "4".repeat(32)), "code": 60500},
            {"attempt_sid": format!("VL{}", "5".repeat(32)), "code": 60519}
        ]
    }))
    .unwrap();
    let view = PublicCheck::from_upstream(&check).unwrap();
    assert_eq!(
        view.sna_error_code,
        Some(60519),
        "the latest attempt's code"
    );
    assert!(!view.valid);
}

#[test]
fn upstream_errors_pass_by_code_never_by_body() {
    let body = |code: u32, message: &str| {
        serde_json::to_vec(&serde_json::json!({"code": code, "message": message, "status": 400}))
            .unwrap()
    };
    let invalid = public_error(400, &body(60200, "Invalid parameter: To"));
    assert_eq!(invalid.message, "Invalid parameter: to");
    let unknown_parameter = public_error(400, &body(60200, "Invalid parameter: RateLimits"));
    assert_eq!(unknown_parameter.message, "Invalid parameter");
    assert_eq!(public_error(429, &body(60203, "x")).status, 429);
    assert_eq!(public_error(429, &body(60202, "x")).status, 429);
    assert_eq!(public_error(404, &body(20404, "x")).status, 404);
    assert_eq!(public_error(403, &body(60605, "x")).status, 403);
    for (status, raw) in [
        (401, body(20003, "Authenticate AC123 with secret")),
        (500, body(60200, "Invalid parameter: To")),
        (400, b"<html>proxy error</html>".to_vec()),
        (400, b"{}".to_vec()),
        (418, body(99999, "teapot")),
    ] {
        let error = public_error(status, &raw);
        assert_eq!((error.code, error.status), (20502, 502), "{status}");
        assert_eq!(error.message, "The verification service is unavailable");
    }
}

#[test]
fn logs_see_only_the_end_of_a_recipient() {
    assert_eq!(mask_recipient("+447400123456"), "+********3456");
    assert_eq!(
        mask_recipient("ada.lovelace@example.com"),
        "a***@example.com"
    );
    assert_eq!(mask_recipient("+12"), "+12");
}

#[test]
fn callers_may_write_only_the_sender_names_the_operator_allows() {
    let start = |name: &str| {
        StartParams::from_body(
            format!(r#"{{"to":"+447400123456","channel":"sms","customFriendlyName":"{name}"}}"#)
                .as_bytes(),
            BodyKind::Json,
        )
        .unwrap()
    };
    let allowed = vec!["Acme".to_owned()];
    assert!(start("Acme").check_friendly_name(&allowed).is_ok());
    let refused = start("Your bank")
        .check_friendly_name(&allowed)
        .unwrap_err();
    assert_eq!(refused.message, "Invalid parameter: customFriendlyName");
    assert_eq!(reason(&refused), "NOT_ALLOWED");
    assert!(start("Acme").check_friendly_name(&[]).is_err());
    let without =
        StartParams::from_body(br#"{"to":"+447400123456","channel":"sms"}"#, BodyKind::Json)
            .unwrap();
    assert!(without.check_friendly_name(&[]).is_ok());
}

/// The main npm entry hands the core another wasm's engine (`to_upstream_with`): the rules stay the core's, the
/// engine's answer decides, and the codes cross back as the engine wrote them.
#[test]
fn a_borrowed_phone_engine_is_the_one_that_reads_the_number() {
    use verify_edge::phone::{normalize_phone, PhoneError, PhoneErrorCode};
    let start = |to: &str, channel: &str, region: Option<&str>| {
        let mut body = serde_json::json!({ "to": to, "channel": channel });
        if let Some(region) = region {
            body["defaultRegion"] = region.into();
        }
        StartParams::from_body(body.to_string().as_bytes(), BodyKind::Json).expect("a start")
    };
    // The same engine, borrowed: the same answers as `to_upstream`.
    for (to, channel, region) in [
        ("(650) 253-0000", "sms", Some("US")),
        ("650 253 000", "sms", Some("US")),
        ("+1 650 253 0000", "email", None),
        ("650 253 0000", "sms", Some("ZZ")),
        ("Jo@Example.COM", "email", None),
    ] {
        let params = start(to, channel, region);
        assert_eq!(
            params.to_upstream_with(&normalize_phone),
            params.to_upstream(),
            "{to}"
        );
    }
    // An engine that refuses everything: its code is the reason, its message the description.
    let refuse = |_: &str, _: Option<&str>| {
        Err(PhoneError {
            code: PhoneErrorCode::InvalidCountryCode,
            message: "refused by the borrowed engine".to_owned(),
        })
    };
    let error = start("+1 650 253 0000", "sms", None)
        .to_upstream_with(&refuse)
        .expect_err("the engine refused it");
    assert_eq!(reason(&error), "INVALID_COUNTRY_CODE");
    assert!(error
        .details
        .expect("details")
        .description
        .contains("refused by the borrowed engine"));
    // An email address never reaches the engine.
    assert!(start("jo@example.com", "email", None)
        .to_upstream_with(&refuse)
        .is_ok());
    let check = CheckParams::from_body(br#"{"to":"+16502530000","code":"123456"}"#, BodyKind::Json)
        .expect("a check");
    assert_eq!(
        reason(&check.to_upstream_with(&refuse).expect_err("refused")),
        "INVALID_COUNTRY_CODE"
    );
}

#[test]
fn phone_error_codes_read_back_as_written() {
    use verify_edge::phone::PhoneErrorCode;
    for code in PhoneErrorCode::ALL {
        assert_eq!(code.as_str().parse::<PhoneErrorCode>(), Ok(code));
    }
    assert!("too_short".parse::<PhoneErrorCode>().is_err());
}

/// The client's door (`from_values`, a JS object's properties) and the Worker's (`from_body`, JSON) read alike:
/// the same parameters, or the same 60200 naming the same one.
#[test]
fn a_clients_object_and_a_json_body_read_alike() {
    use verify_edge::api::totp::{ConfirmParams, EnrollParams, TotpCheckParams};
    use verify_edge::api::ParamValue;
    fn values(json: &str) -> Vec<(String, ParamValue)> {
        let serde_json::Value::Object(object) = serde_json::from_str(json).expect("test JSON")
        else {
            panic!("an object");
        };
        object
            .into_iter()
            .map(|(k, v)| (k, ParamValue::from(v)))
            .collect()
    }
    let token = "t".repeat(40);
    let bodies = [
        r#"{"to": "+16502530000", "channel": "sms"}"#.to_owned(),
        r#"{"to": 6502530000, "channel": "sms"}"#.to_owned(),
        r#"{"to": "+16502530000", "channel": "sms", "zeta": 1, "Channel": "sms"}"#.to_owned(),
        r#"{"to": "+16502530000", "channel": "sna", "enableSnaClientToken": "true"}"#.to_owned(),
        r#"{"to": "+16502530000", "channel": "sna", "enableSnaClientToken": {"a": 1}}"#.to_owned(),
        r#"{"to": "+16502530000", "code": "12"}"#.to_owned(),
        r#"{"verificationSid": "VE12", "code": "123456"}"#.to_owned(),
        format!(r#"{{"identityToken": "{token}", "friendlyName": "Laptop"}}"#),
        format!(r#"{{"identityToken": "{token}", "friendlyName": " "}}"#),
        format!(r#"{{"identityToken": "{token}", "factorSid": "YF12", "code": "123456"}}"#),
        format!(
            r#"{{"identityToken": "{token}", "factorSid": "YF{}", "code": "12ab56"}}"#,
            "0".repeat(32)
        ),
        format!(r#"{{"identityToken": "{token}", "code": "123456", "to": null}}"#),
        r#"{"identityToken": null, "code": "123456"}"#.to_owned(),
    ];
    for body in &bodies {
        let json = body.as_bytes();
        assert_eq!(
            StartParams::from_values(values(body)),
            StartParams::from_body(json, BodyKind::Json),
            "{body}"
        );
        assert_eq!(
            CheckParams::from_values(values(body)),
            CheckParams::from_body(json, BodyKind::Json),
            "{body}"
        );
        assert_eq!(
            EnrollParams::from_values(values(body)),
            EnrollParams::from_body(json, BodyKind::Json),
            "{body}"
        );
        assert_eq!(
            ConfirmParams::from_values(values(body)),
            ConfirmParams::from_body(json, BodyKind::Json),
            "{body}"
        );
        assert_eq!(
            TotpCheckParams::from_values(values(body)),
            TotpCheckParams::from_body(json, BodyKind::Json),
            "{body}"
        );
    }
}
