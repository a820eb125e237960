//! The legacy Authy API's core, natively: what the official clients send (shapes captured from npm `authy` 1.4.0,
//! npm `authy-client` 1.1.4 and PyPI `authy` 2.2.6 on the wire) is read, what they expect is written.

use verify_edge::authy::answer::{Answer, Format, Started};
use verify_edge::authy::error::AuthyError;
use verify_edge::authy::params::{Check, Params, Start, Status, Via};
use verify_edge::authy::{
    display, engine_service_sid, seconds_to_expire, sent_message, sid_of_uuid, uuid_of_sid,
    ServicesByLength,
};
use verify_edge::verify::model::TwilioError;

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");
const JSON: Option<&str> = Some("application/json");

fn params(query: &str, body: &str, content_type: Option<&str>) -> Params {
    Params::read(query, body.as_bytes(), content_type).unwrap()
}

#[test]
fn a_start_is_read_from_each_clients_shape() {
    // npm `authy`: a form body, the key in the query (never a parameter).
    let npm = params(
        "api_key=secret",
        "phone_number=650-555-1000&country_code=1&via=sms&locale=pl&custom_message=Hi&code_length=6&custom_code=12345",
        FORM,
    );
    let start = Start::read(&npm).unwrap();
    assert_eq!(start.phone.e164, "+16505551000");
    assert_eq!((start.via, start.code_length), (Via::Sms, 6));
    assert_eq!(start.locale.as_deref(), Some("pl"));
    assert_eq!(start.custom_code.as_deref(), Some("12345"));
    assert_eq!(npm.get("api_key"), None, "the key is never a parameter");
    // authy-client: JSON, country_code a number, no code_length (4 by default).
    let client = params(
        "",
        r#"{"country_code":1,"phone_number":"6505551000","via":"call"}"#,
        JSON,
    );
    let start = Start::read(&client).unwrap();
    assert_eq!((start.via, start.code_length), (Via::Call, 4));
    // PyPI `authy`: JSON with ", " separators, country_code a string, code_length a number.
    let python = params(
        "",
        r#"{"phone_number": "650.555.1000", "country_code": "1", "via": "sms", "code_length": 4}"#,
        JSON,
    );
    assert_eq!(Start::read(&python).unwrap().phone.e164, "+16505551000");
    // Spaces, and a `+` before the country code.
    let spaced = params(
        "country_code=%2B44&phone_number=7400%20123456&via=sms",
        "",
        None,
    );
    assert_eq!(Start::read(&spaced).unwrap().phone.e164, "+447400123456");
}

#[test]
fn a_check_and_a_status_are_read_from_a_get_body_or_the_query() {
    // npm `authy` sends its check as a form body on GET.
    let body = params(
        "api_key=k",
        "phone_number=650-555-1000&country_code=1&verification_code=0042",
        FORM,
    );
    let check = Check::read(&body).unwrap();
    assert_eq!(
        (check.phone.e164.as_str(), check.code.as_str()),
        ("+16505551000", "0042")
    );
    let query = params(
        "country_code=1&phone_number=6505551000&verification_code=12345678",
        "",
        None,
    );
    assert_eq!(Check::read(&query).unwrap().code, "12345678");
    let uuid = uuid_of_sid("VE0123456789abcdef0123456789abcdef");
    assert_eq!(uuid, "01234567-89ab-cdef-0123-456789abcdef");
    match Status::read(&params(&format!("uuid={uuid}"), "", None)).unwrap() {
        Status::Uuid(sid) => assert_eq!(sid.to_string(), "VE0123456789abcdef0123456789abcdef"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        Status::read(&params("", "phone_number=650-555-1000&country_code=1", FORM)).unwrap(),
        Status::Phone(p) if p.e164 == "+16505551000"
    ));
}

#[test]
fn each_bad_parameter_is_authys_error_naming_it() {
    let code = |query: &str| Start::read(&params(query, "", None)).unwrap_err();
    let missing = code("phone_number=6505551000&via=sms");
    assert_eq!((missing.code, missing.status), (60004, 400));
    assert_eq!(
        missing.message,
        "Invalid parameter: country_code - Parameter is required"
    );
    assert_eq!(
        code("country_code=1&via=sms").message,
        "Invalid parameter: phone_number - Parameter is required"
    );
    assert_eq!(
        code("country_code=1&phone_number=6505551000").message,
        "Invalid parameter: via - Parameter is required"
    );
    assert_eq!(
        code("country_code=1&phone_number=6505551000&via=fax").code,
        60004
    );
    assert_eq!(
        code("country_code=zzz&phone_number=6505551000&via=sms").message,
        "Invalid parameter: country_code - 'zzz' is not a valid Integer"
    );
    for bad in ["3", "11", "x"] {
        let e = code(&format!(
            "country_code=1&phone_number=6505551000&via=sms&code_length={bad}"
        ));
        assert!(
            e.message.starts_with("Invalid parameter: code_length"),
            "{bad}: {e:?}"
        );
    }
    for bad in ["123", "12345678901", "12a4"] {
        let e = code(&format!(
            "country_code=1&phone_number=6505551000&via=sms&custom_code={bad}"
        ));
        assert!(
            e.message.starts_with("Invalid parameter: custom_code"),
            "{bad}: {e:?}"
        );
    }
    // Not a number of its country (too short, a country code that does not exist, letters).
    for (cc, number) in [("1", "555"), ("222", "6505551000"), ("1", "650-CALL-NOW")] {
        let e = code(&format!("country_code={cc}&phone_number={number}&via=sms"));
        assert_eq!(
            (e.code, e.status, e.message.as_str()),
            (60033, 400, "Phone number is invalid"),
            "{cc} {number}"
        );
    }
    let e = Status::read(&params("", "", None)).unwrap_err();
    assert_eq!((e.code, e.status), (60042, 400));
    let e = Check::read(&params(
        "country_code=1&phone_number=6505551000&verification_code=12",
        "",
        None,
    ))
    .unwrap_err();
    assert!(e
        .message
        .starts_with("Invalid parameter: verification_code"));
    // The same name twice with different values (query and body) is refused, not guessed.
    let e = Params::read("country_code=1", b"country_code=44", FORM).unwrap_err();
    assert_eq!(e.code, 60004);
    assert!(Params::read("country_code=1", b"country_code=1", FORM).is_ok());
    // A body that is neither JSON nor a form, invalid JSON, and bytes that are not UTF-8.
    assert_eq!(
        Params::read("", b"<x/>", Some("text/xml"))
            .unwrap_err()
            .code,
        60002
    );
    assert_eq!(Params::read("", b"{", JSON).unwrap_err().code, 60002);
    assert_eq!(Params::read("", b"\xff\xfe", FORM).unwrap_err().code, 60005);
    assert_eq!(
        Params::read("", br#"{"via":["sms"]}"#, JSON)
            .unwrap_err()
            .code,
        60004
    );
}

#[test]
fn answers_are_authys_in_json_and_in_xml() {
    let start = Start::read(&params(
        "country_code=1&phone_number=9876543210&via=sms",
        "",
        None,
    ));
    // 987 is not an area code: the docs' example number is not a valid one; ours is.
    assert_eq!(start.unwrap_err().code, 60033);
    let phone = Start::read(&params(
        "country_code=1&phone_number=6505551000&via=sms",
        "",
        None,
    ))
    .unwrap()
    .phone;
    assert_eq!(display(&phone), "+1 650-555-1000");
    assert_eq!(
        sent_message(Via::Sms, &phone),
        "Text message sent to +1 650-555-1000."
    );
    assert_eq!(
        sent_message(Via::Call, &phone),
        "Call to +1 650-555-1000 initiated."
    );
    let started = Answer::started(&Started {
        carrier: None,
        is_cellphone: true,
        message: sent_message(Via::Sms, &phone),
        seconds_to_expire: 599,
        uuid: "b8ebcd40-1234-5678-3fb5-0e5d6a065904".to_owned(),
        sms_id: None,
    });
    assert_eq!(
        started.render(Format::Json),
        r#"{"carrier":null,"is_cellphone":true,"message":"Text message sent to +1 650-555-1000.","seconds_to_expire":599,"uuid":"b8ebcd40-1234-5678-3fb5-0e5d6a065904","success":true}"#
    );
    assert_eq!(
        Answer::correct().render(Format::Json),
        r#"{"message":"Verification code is correct.","success":true}"#
    );
    let wrong = Answer::error(&AuthyError::incorrect_code());
    assert_eq!(wrong.status, 401);
    assert_eq!(
        wrong.render(Format::Json),
        r#"{"error_code":"60022","message":"Verification code is incorrect","errors":{"message":"Verification code is incorrect"},"success":false}"#
    );
    assert_eq!(
        wrong.render(Format::Xml),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hash>\n  <error-code>60022</error-code>\n  \
         <message>Verification code is incorrect</message>\n  <errors>\n    \
         <message>Verification code is incorrect</message>\n  </errors>\n  \
         <success type=\"boolean\">false</success>\n</hash>\n"
    );
    let xml = Answer::started(&Started {
        carrier: Some("AT&T <Wireless>".to_owned()),
        is_cellphone: false,
        message: "m".to_owned(),
        seconds_to_expire: 5,
        uuid: "u".to_owned(),
        sms_id: Some("s".to_owned()),
    })
    .render(Format::Xml);
    assert!(
        xml.contains("<carrier>AT&amp;T &lt;Wireless&gt;</carrier>"),
        "{xml}"
    );
    assert!(xml.contains("<is-cellphone type=\"boolean\">false</is-cellphone>"));
    assert!(xml.contains("<seconds-to-expire type=\"integer\">5</seconds-to-expire>"));
    assert!(xml.contains("<sms-id>s</sms-id>"));
    assert!(Answer::started(&Started {
        carrier: None,
        ..started_fields()
    })
    .render(Format::Xml)
    .contains("<carrier nil=\"true\"/>"));
    assert_eq!(
        Answer::status("pending", 474).render(Format::Json),
        r#"{"message":"Phone Verification status.","status":"pending","seconds_to_expire":474,"success":true}"#
    );
}

fn started_fields() -> Started {
    Started {
        carrier: Some("c".to_owned()),
        is_cellphone: true,
        message: "m".to_owned(),
        seconds_to_expire: 1,
        uuid: "u".to_owned(),
        sms_id: None,
    }
}

#[test]
fn the_catalogue_holds_authys_codes_and_v2_refusals_map_onto_it() {
    for error in AuthyError::all() {
        assert!((60000..60100).contains(&error.code), "{error:?}");
        assert!(
            matches!(error.status, 400 | 401 | 403 | 404 | 405 | 413 | 429 | 503),
            "{error:?}"
        );
        assert!(!error.message.is_empty());
    }
    assert_eq!(AuthyError::invalid_api_key().status, 401);
    let phone = Some("+1 650-555-1000");
    let map = |e: TwilioError| AuthyError::from_verify(&e, phone, None);
    assert_eq!(
        map(TwilioError::not_found()).message,
        "No pending verifications for +1 650-555-1000 found."
    );
    assert_eq!(
        AuthyError::from_verify(&TwilioError::not_found(), None, None).code,
        60023
    );
    assert_eq!(
        (
            map(TwilioError::max_send_attempts()).code,
            map(TwilioError::max_send_attempts()).status
        ),
        (60003, 429)
    );
    assert_eq!(map(TwilioError::max_check_attempts()).code, 60003);
    assert_eq!(
        AuthyError::from_verify(&TwilioError::too_many_requests(), None, Some(7)).retry_after,
        Some(7)
    );
    assert_eq!(
        map(TwilioError::invalid_parameter("Locale")).message,
        "Invalid parameter: locale - Is not valid"
    );
    assert_eq!(
        map(TwilioError::invalid_parameter("CustomCode")).message,
        "Invalid parameter: custom_code - Is not valid"
    );
    assert_eq!(map(TwilioError::invalid_parameter("To")).code, 60033);
    assert_eq!(
        (
            map(TwilioError::forbidden()).code,
            map(TwilioError::forbidden()).status
        ),
        (60021, 403)
    );
    assert_eq!(map(TwilioError::upstream_failed()).code, 60000);
}

#[test]
fn uuids_are_verification_sids_and_services_go_by_code_length() {
    for sid in [
        "VE0123456789abcdef0123456789abcdef",
        "VEffffffffffffffffffffffffffffffff",
    ] {
        assert_eq!(sid_of_uuid(&uuid_of_sid(sid)).unwrap().to_string(), sid);
    }
    assert!(sid_of_uuid("b8ebcd40-1234-5678-3fb5-0e5d6a06590").is_none());
    assert!(sid_of_uuid("zzzzzzzz-1234-5678-3fb5-0e5d6a065904").is_none());
    assert!(sid_of_uuid("0123456789abcdef0123456789abcdef").is_none());
    let engine: Vec<String> = ServicesByLength::Engine
        .all()
        .iter()
        .map(|(_, s)| s.to_string())
        .collect();
    assert_eq!(engine.len(), 7);
    assert_eq!(engine[0], "VAdec0de00000000000000000000a10004");
    assert_eq!(
        engine_service_sid(10).to_string(),
        "VAdec0de00000000000000000000a10010"
    );
    let configured = ServicesByLength::parse(
        "4=VA00000000000000000000000000000004, 6=VA00000000000000000000000000000006",
    )
    .unwrap();
    assert_eq!(
        configured.for_length(6).unwrap().to_string(),
        "VA00000000000000000000000000000006"
    );
    let e = configured.for_length(8).unwrap_err();
    assert!(
        e.message.starts_with("Invalid parameter: code_length"),
        "{e:?}"
    );
    for bad in [
        "",
        "4",
        "3=VA00000000000000000000000000000004",
        "4=AC00000000000000000000000000000004",
        "4=VA00000000000000000000000000000004,4=VA00000000000000000000000000000005",
    ] {
        assert!(ServicesByLength::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(seconds_to_expire(1_000, 600_000, 2_000), 599);
    assert_eq!(seconds_to_expire(1_000, 600_000, 700_000), 0);
}
