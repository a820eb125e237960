//! Verify's `To` read for each channel: email addresses people type (valid, and each way one can be wrong, with its
//! exact code), phone numbers, and the two mixed up.

use verify_edge::verify::{
    classify_recipient, normalize_email, Channel, Recipient, RecipientError, RequestedChannel,
    TwilioError,
};

/// The normalized address, or the error code.
type Expected = Result<&'static str, &'static str>;

const EMAILS: &[(&str, Expected)] = &[
    // Valid, and how each is normalized.
    ("user@example.com", Ok("user@example.com")),
    ("  User.Name@Example.COM \n", Ok("User.Name@example.com")),
    (
        "first.last+tag@sub.example.co.uk",
        Ok("first.last+tag@sub.example.co.uk"),
    ),
    ("o'brien@example.ie", Ok("o'brien@example.ie")),
    ("x@a-b.example", Ok("x@a-b.example")),
    (
        "!#$%&'*+-/=?^_`{|}~@example.org",
        Ok("!#$%&'*+-/=?^_`{|}~@example.org"),
    ),
    (
        "user@xn--bcher-kva.example",
        Ok("user@xn--bcher-kva.example"),
    ),
    ("user@123.example", Ok("user@123.example")),
    ("user@example.c0m", Ok("user@example.c0m")),
    ("a@b.co", Ok("a@b.co")),
    ("mail@email.com", Ok("mail@email.com")),
    // Empty and too long.
    ("", Err("EMAIL_EMPTY")),
    ("   \t ", Err("EMAIL_EMPTY")),
    // The @.
    ("user.example.com", Err("EMAIL_MISSING_AT")),
    ("user", Err("EMAIL_MISSING_AT")),
    ("a@b@example.com", Err("EMAIL_MULTIPLE_AT")),
    ("a@example.com, b@example.com", Err("EMAIL_MULTIPLE_AT")),
    ("\"a@b\"@example.com", Err("EMAIL_MULTIPLE_AT")),
    // The local part.
    ("@example.com", Err("EMAIL_LOCAL_PART_EMPTY")),
    ("john doe@example.com", Err("EMAIL_LOCAL_PART_INVALID")),
    ("\"john\"@example.com", Err("EMAIL_LOCAL_PART_INVALID")),
    ("John <john@example.com>", Err("EMAIL_LOCAL_PART_INVALID")),
    ("jöhn@example.com", Err("EMAIL_LOCAL_PART_INVALID")),
    ("a,b@example.com", Err("EMAIL_LOCAL_PART_INVALID")),
    ("a\u{0}b@example.com", Err("EMAIL_LOCAL_PART_INVALID")),
    (".user@example.com", Err("EMAIL_LOCAL_PART_DOTS")),
    ("user.@example.com", Err("EMAIL_LOCAL_PART_DOTS")),
    ("us..er@example.com", Err("EMAIL_LOCAL_PART_DOTS")),
    // The domain.
    ("user@", Err("EMAIL_DOMAIN_EMPTY")),
    ("user@bücher.example", Err("EMAIL_DOMAIN_UNICODE")),
    ("user@例え.jp", Err("EMAIL_DOMAIN_UNICODE")),
    ("user@exa_mple.com", Err("EMAIL_DOMAIN_INVALID")),
    ("user@example..com", Err("EMAIL_DOMAIN_INVALID")),
    ("user@.example.com", Err("EMAIL_DOMAIN_INVALID")),
    ("user@example.com.", Err("EMAIL_DOMAIN_INVALID")),
    ("user@-example.com", Err("EMAIL_DOMAIN_INVALID")),
    ("user@example-.com", Err("EMAIL_DOMAIN_INVALID")),
    ("user@[192.168.0.1]", Err("EMAIL_DOMAIN_INVALID")),
    ("user@exam ple.com", Err("EMAIL_DOMAIN_INVALID")),
    ("user@localhost", Err("EMAIL_DOMAIN_NOT_QUALIFIED")),
    ("user@192.168.0.1", Err("EMAIL_TLD_NUMERIC")),
    ("user@example.123", Err("EMAIL_TLD_NUMERIC")),
];

#[test]
fn every_email_gets_its_exact_answer() {
    let mut wrong = Vec::new();
    for &(input, expected) in EMAILS {
        let got = normalize_email(input);
        let got = got.as_deref().map_err(|e| e.code.as_str());
        if got != expected {
            wrong.push(format!("{input:?}: got {got:?}, expected {expected:?}"));
        }
        // The email channel gives the same answer, through RecipientError.
        let through_channel = match classify_recipient(input, Channel::Email, None) {
            Ok(Recipient::Email(address)) => Ok(address),
            Ok(other) => Err(format!("not an email: {other:?}")),
            Err(error) => Err(error.code().to_owned()),
        };
        if through_channel.as_deref().map_err(String::as_str) != expected {
            wrong.push(format!(
                "{input:?} on the email channel: got {through_channel:?}, expected {expected:?}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} differ:\n{}",
        wrong.len(),
        EMAILS.len(),
        wrong.join("\n")
    );
}

#[test]
fn the_length_limits_are_exact() {
    let local_64 = "a".repeat(64);
    let local_65 = "a".repeat(65);
    assert!(normalize_email(&format!("{local_64}@example.com")).is_ok());
    assert_eq!(
        code(normalize_email(&format!("{local_65}@example.com"))),
        "EMAIL_LOCAL_PART_TOO_LONG"
    );

    let label_63 = "b".repeat(63);
    let label_64 = "b".repeat(64);
    assert!(normalize_email(&format!("user@{label_63}.com")).is_ok());
    assert_eq!(
        code(normalize_email(&format!("user@{label_64}.com"))),
        "EMAIL_DOMAIN_LABEL_TOO_LONG"
    );

    // 254 bytes in all is the most: 64 + 1 + 189.
    let domain_189 = format!(
        "{}.{}.{}.com",
        "c".repeat(61),
        "d".repeat(61),
        "e".repeat(61)
    );
    let address_254 = format!("{local_64}@{domain_189}");
    assert_eq!(address_254.len(), 254);
    assert!(normalize_email(&address_254).is_ok());
    let address_255 = format!("{local_64}@f{domain_189}");
    assert_eq!(code(normalize_email(&address_255)), "EMAIL_TOO_LONG");
}

#[test]
fn huge_and_hostile_input_is_refused_without_echoing_it() {
    let huge = format!("{}@example.com", "a".repeat(1 << 20));
    let error = normalize_email(&huge).unwrap_err();
    assert_eq!(error.code.as_str(), "EMAIL_TOO_LONG");
    assert!(error.message.len() < 200);
    for input in [
        "é@é",
        "😀@😀.com",
        "\u{202e}user@example.com",
        "user@exa\u{301}mple.com",
        "user\r\n@example.com",
    ] {
        let error = normalize_email(input).unwrap_err();
        assert!(
            !error.message.contains(input),
            "{input:?}: {}",
            error.message
        );
    }
    let secret = "sécret.person@example.com";
    let error = normalize_email(secret).unwrap_err();
    assert!(!error.message.contains("person"), "{}", error.message);
}

fn code<T>(result: Result<T, verify_edge::verify::EmailError>) -> &'static str {
    result.err().map_or("OK", |e| e.code.as_str())
}

/// The E.164 number, or the error code.
type PhoneExpected = Result<&'static str, &'static str>;

const PHONES: &[(&str, RequestedChannel, Option<&str>, PhoneExpected)] = &[
    (
        "+1 650 253 0000",
        RequestedChannel::Sms,
        None,
        Ok("+16502530000"),
    ),
    (
        "(650) 253-0000",
        RequestedChannel::Call,
        Some("US"),
        Ok("+16502530000"),
    ),
    (
        "+44 20 7031 3000",
        RequestedChannel::Call,
        Some("US"),
        Ok("+442070313000"),
    ),
    (
        "07400 123456",
        RequestedChannel::Whatsapp,
        Some("GB"),
        Ok("+447400123456"),
    ),
    (
        "+15017122661",
        RequestedChannel::Sna,
        None,
        Ok("+15017122661"),
    ),
    (
        "+49 1512 3456789",
        RequestedChannel::Auto,
        None,
        Ok("+4915123456789"),
    ),
    // Phone errors keep the phone module's code.
    (
        "650 253 0000",
        RequestedChannel::Sms,
        None,
        Err("MISSING_REGION"),
    ),
    ("+1 650 253", RequestedChannel::Sms, None, Err("TOO_SHORT")),
    (
        "hello",
        RequestedChannel::Sms,
        Some("US"),
        Err("NOT_A_NUMBER"),
    ),
    ("", RequestedChannel::Sms, Some("US"), Err("NOT_A_NUMBER")),
    (
        "+1 650 253 0000",
        RequestedChannel::Sms,
        Some("ZZ"),
        Err("UNKNOWN_REGION"),
    ),
    (
        "091 123 45 67",
        RequestedChannel::Sms,
        Some("ES"),
        Err("TOO_LONG"),
    ),
    (
        "9 1234 5678",
        RequestedChannel::Sms,
        Some("CL"),
        Err("INVALID_FOR_REGION"),
    ),
    // An email on a phone channel, and a phone number on the email channel.
    (
        "user@example.com",
        RequestedChannel::Sms,
        None,
        Err("CHANNEL_MISMATCH"),
    ),
    (
        "user@example.com",
        RequestedChannel::Call,
        Some("US"),
        Err("CHANNEL_MISMATCH"),
    ),
    (
        "user@example.com",
        RequestedChannel::Whatsapp,
        None,
        Err("CHANNEL_MISMATCH"),
    ),
    (
        "user@example.com",
        RequestedChannel::Auto,
        None,
        Err("CHANNEL_MISMATCH"),
    ),
    (
        "+1 650 253 0000",
        RequestedChannel::Email,
        None,
        Err("CHANNEL_MISMATCH"),
    ),
    (
        "650 253 0000",
        RequestedChannel::Email,
        None,
        Err("CHANNEL_MISMATCH"),
    ),
    (
        "john",
        RequestedChannel::Email,
        Some("ZZ"),
        Err("EMAIL_MISSING_AT"),
    ),
    (
        "(650) 253-0000",
        RequestedChannel::Email,
        Some("US"),
        Err("CHANNEL_MISMATCH"),
    ),
];

#[test]
fn every_phone_and_channel_gets_its_exact_answer() {
    let mut wrong = Vec::new();
    for &(input, channel, region, expected) in PHONES {
        let got = match classify_recipient(input, channel, region) {
            Ok(Recipient::Phone(number)) => Ok(number.e164),
            Ok(Recipient::Email(address)) => Err(format!("an email: {address}")),
            Err(error) => Err(error.code().to_owned()),
        };
        if got.as_deref().map_err(String::as_str) != expected {
            wrong.push(format!(
                "{input:?} on {channel} in {region:?}: got {got:?}, expected {expected:?}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} differ:\n{}",
        wrong.len(),
        PHONES.len(),
        wrong.join("\n")
    );
}

#[test]
fn a_channel_mismatch_says_what_the_channel_needs() {
    let error = classify_recipient("user@example.com", Channel::Sms, None).unwrap_err();
    assert_eq!(
        error,
        RecipientError::ChannelMismatch {
            channel: RequestedChannel::Sms
        }
    );
    assert!(error.to_string().contains("sms"), "{error}");
    assert!(error.to_string().contains("phone number"), "{error}");
    let error = classify_recipient("+16502530000", Channel::Email, None).unwrap_err();
    assert!(error.to_string().contains("email address"), "{error}");
}

#[test]
fn a_recipient_reads_as_twilios_to() {
    let phone = classify_recipient("(650) 253-0000", RequestedChannel::Sms, Some("us")).unwrap();
    assert_eq!(phone.as_str(), "+16502530000");
    let email = classify_recipient(" Ann@Example.ORG ", Channel::Email, Some("US")).unwrap();
    assert_eq!(email, Recipient::Email("Ann@example.org".to_owned()));
    assert_eq!(email.as_str(), "Ann@example.org");
}

#[test]
fn every_recipient_error_is_twilios_invalid_parameter_to() {
    let errors = [
        classify_recipient("user@example.com", Channel::Sms, None),
        classify_recipient("nope", Channel::Email, None),
        classify_recipient("+1 650", Channel::Call, None),
    ];
    for error in errors.iter().map(|r| r.as_ref().unwrap_err()) {
        let twilio = error.to_twilio_error();
        let details = twilio.details.clone().expect("the rule that was broken");
        assert_eq!(
            TwilioError {
                details: None,
                ..twilio
            },
            TwilioError::invalid_parameter("To")
        );
        assert_eq!(details.reason, error.code());
        assert_eq!(details.description, error.to_string());
    }
}

#[test]
fn huge_input_on_any_channel_is_refused_without_panicking() {
    let huge = "9".repeat(1 << 20);
    let huge_at = format!("{huge}@example.com");
    for channel in [
        RequestedChannel::Sms,
        RequestedChannel::Email,
        RequestedChannel::Auto,
    ] {
        for input in [huge.as_str(), huge_at.as_str(), "\u{feff}", "@", "+"] {
            if let Err(error) = classify_recipient(input, channel, Some("US")) {
                assert!(
                    error.to_string().len() < 300,
                    "{channel} {}: {error}",
                    error.code()
                );
            }
        }
    }
}

#[test]
fn a_to_without_a_channel_is_read_as_a_start_would_read_it() {
    use verify_edge::verify::classify_recipient_any_channel;
    assert_eq!(
        classify_recipient_any_channel(" Ann@Example.ORG ")
            .unwrap()
            .as_str(),
        "Ann@example.org"
    );
    assert_eq!(
        classify_recipient_any_channel("+1 (650) 253-0000")
            .unwrap()
            .as_str(),
        "+16502530000"
    );
    assert_eq!(
        classify_recipient_any_channel("650 253 0000")
            .unwrap_err()
            .code(),
        "MISSING_REGION"
    );
    assert_eq!(
        classify_recipient_any_channel("ann@").unwrap_err().code(),
        classify_recipient("ann@", Channel::Email, None)
            .unwrap_err()
            .code()
    );
}
