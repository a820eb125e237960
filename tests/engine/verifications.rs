//! The engine's rules, natively, with a fixed clock and deterministic "random" bytes.

use verify_edge::engine::code::{codes_match, generate_code};
use verify_edge::engine::time::iso8601;
use verify_edge::engine::verification::{
    check, invoke_sna, start, undo_resend, update_status, CheckRequest, Owner, ServiceRules,
    StartRequest, VerificationState, DEFAULT_LIFETIME_MS, MAX_SENDS,
};
use verify_edge::engine::Randomness;
use verify_edge::verify::model::{Channel, Status};
use verify_edge::verify::sid::{AccountSid, ServiceSid, VerificationSid};

/// Bytes from a counter: deterministic, different on every call.
struct Counter(u8);

impl Randomness for Counter {
    fn fill(&mut self, buf: &mut [u8]) {
        for b in buf {
            self.0 = self.0.wrapping_add(97);
            *b = self.0;
        }
    }
}

const T0: u64 = 1_700_000_000_000;

fn service() -> ServiceRules {
    ServiceRules {
        code_length: 6,
        custom_code_enabled: false,
        psd2_enabled: false,
        lifetime_ms: DEFAULT_LIFETIME_MS,
    }
}

fn owner_sids() -> (ServiceSid, AccountSid) {
    (
        ServiceSid::from_random_bytes([0xAA; 16]),
        AccountSid::from_random_bytes([0xBB; 16]),
    )
}

fn owner<'a>(service_sid: &'a ServiceSid, account_sid: &'a AccountSid) -> Owner<'a> {
    Owner {
        service_sid,
        account_sid,
        new_sid: VerificationSid::from_random_bytes([0x5E; 16]),
    }
}

fn sms(to: &str) -> StartRequest {
    StartRequest {
        to: to.into(),
        channel: Some(Channel::Sms),
        ..Default::default()
    }
}

fn started(rules: &ServiceRules, request: StartRequest) -> VerificationState {
    let (service_sid, account_sid) = owner_sids();
    let who = owner(&service_sid, &account_sid);
    start(None, request, rules, who, T0, &mut Counter(1))
        .expect("starts")
        .0
}

fn check_code(state: &VerificationState, code: &str, now: u64) -> Result<VerificationState, u32> {
    let request = CheckRequest {
        code: Some(code.into()),
        ..Default::default()
    };
    check(state, &request, &service(), now).map_err(|e| e.code)
}

#[test]
fn codes_are_digits_of_the_service_length_and_differ() {
    let mut random = Counter(0);
    for length in 4..=10 {
        let code = generate_code(length, &mut random);
        assert_eq!(code.len(), length);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
    }
    assert_ne!(generate_code(6, &mut random), generate_code(6, &mut random));
}

#[test]
fn bytes_that_would_bias_a_digit_are_drawn_again() {
    /// 250..=255 first (all to be rejected), then 7s.
    struct Biased(usize);
    impl Randomness for Biased {
        fn fill(&mut self, buf: &mut [u8]) {
            for b in buf {
                *b = if self.0 < 6 { 250 + self.0 as u8 } else { 7 };
                self.0 += 1;
            }
        }
    }
    assert_eq!(generate_code(4, &mut Biased(0)), "7777");
}

#[test]
fn codes_compare_exactly() {
    assert!(codes_match("123456", "123456"));
    assert!(!codes_match("123456", "123457"));
    assert!(!codes_match("123456", "12345"));
    assert!(!codes_match("123456", "1234567"));
    assert!(!codes_match("123456", ""));
}

#[test]
fn dates_are_iso_8601_utc() {
    assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
    assert_eq!(iso8601(1_438_286_400_000), "2015-07-30T20:00:00Z");
    assert_eq!(iso8601(1_709_164_799_999), "2024-02-28T23:59:59Z");
    assert_eq!(iso8601(1_709_164_800_000), "2024-02-29T00:00:00Z");
    assert_eq!(iso8601(4_102_444_800_000), "2100-01-01T00:00:00Z");
}

#[test]
fn a_start_creates_a_pending_verification_with_one_send() {
    let v = started(&service(), sms("+15017122661"));
    assert_eq!(v.status, Status::Pending);
    assert_eq!(v.code.len(), 6);
    assert_eq!(v.sends.len(), 1);
    assert_eq!(v.expires_ms, T0 + 600_000);
    let json = serde_json::to_string(&v.to_resource(T0, "https://verify.example")).unwrap();
    assert!(
        !json.contains(&v.code),
        "the resource never carries the code: {json}"
    );
    assert!(json.contains(r#""status":"pending""#) && json.contains(r#""valid":false"#));
    // As Twilio's own answers have them: an empty lookup, and the attempt's channel in capitals for SMS.
    assert!(json.contains(r#""lookup":{}"#), "{json}");
    assert!(
        json.contains(r#""channel":"SMS","attempt_sid":"VL"#),
        "{json}"
    );
    assert!(json.contains(&format!(
        r#""url":"https://verify.example/v2/Services/{}/Verifications/{}""#,
        v.service_sid, v.sid
    )));
}

#[test]
fn starting_again_in_the_window_keeps_the_verification_and_code_up_to_five_sends() {
    let rules = service();
    let (service_sid, account_sid) = owner_sids();
    let first = started(&rules, sms("+15017122661"));
    let mut current = first.clone();
    for n in 2..=MAX_SENDS {
        let who = owner(&service_sid, &account_sid);
        let request = StartRequest {
            channel: Some(Channel::Call),
            ..sms("+15017122661")
        };
        let (next, delivery) = start(
            Some(&current),
            request,
            &rules,
            who,
            T0 + n as u64,
            &mut Counter(n as u8),
        )
        .unwrap();
        assert_eq!(
            (next.sid.clone(), next.code.clone()),
            (first.sid.clone(), first.code.clone())
        );
        assert_eq!(next.sends.len(), n);
        assert_eq!(
            (delivery.code.as_str(), delivery.channel),
            (first.code.as_str(), Channel::Call)
        );
        current = next;
    }
    let who = owner(&service_sid, &account_sid);
    let sixth = start(
        Some(&current),
        sms("+15017122661"),
        &rules,
        who,
        T0 + 10,
        &mut Counter(9),
    )
    .unwrap_err();
    assert_eq!((sixth.code, sixth.status), (60203, 429));

    // After the window, a start is a new verification with a new SID and code.
    let who = Owner {
        new_sid: VerificationSid::from_random_bytes([0x77; 16]),
        ..owner(&service_sid, &account_sid)
    };
    let later = T0 + DEFAULT_LIFETIME_MS;
    let (fresh, _) = start(
        Some(&current),
        sms("+15017122661"),
        &rules,
        who,
        later,
        &mut Counter(50),
    )
    .unwrap();
    assert_ne!(fresh.sid, first.sid);
    assert_eq!(fresh.sends.len(), 1);
}

#[test]
fn wrong_codes_stay_pending_until_the_fifth_then_60202() {
    let mut v = started(&service(), sms("+15017122661"));
    let wrong = if v.code == "000000" {
        "111111"
    } else {
        "000000"
    };
    for n in 1..=4 {
        v = check_code(&v, wrong, T0 + n).unwrap();
        assert_eq!((v.status, v.wrong_checks), (Status::Pending, n as u8));
    }
    v = check_code(&v, wrong, T0 + 5).unwrap();
    assert_eq!(v.status, Status::MaxAttemptsReached);
    let code = v.code.clone();
    assert_eq!(
        check_code(&v, &code, T0 + 6).unwrap_err(),
        60202,
        "not even the right code now"
    );
}

#[test]
fn the_right_code_approves_once_then_the_verification_is_gone() {
    let v = started(&service(), sms("+15017122661"));
    let approved = check_code(&v, &v.code.clone(), T0 + 1).unwrap();
    assert_eq!(approved.status, Status::Approved);
    assert_eq!(approved.to_check_resource(T0 + 1).valid, Some(true));
    assert_eq!(check_code(&approved, &v.code, T0 + 2).unwrap_err(), 20404);
}

#[test]
fn an_expired_verification_is_gone() {
    let v = started(&service(), sms("+15017122661"));
    let end = T0 + DEFAULT_LIFETIME_MS;
    assert_eq!(v.status_at(end - 1), Status::Pending);
    assert_eq!(v.status_at(end), Status::Expired);
    assert_eq!(check_code(&v, &v.code.clone(), end).unwrap_err(), 20404);
}

#[test]
fn a_code_of_the_wrong_length_is_a_bad_parameter_and_no_attempt() {
    let v = started(&service(), sms("+15017122661"));
    for code in ["123", "12345678901", ""] {
        assert_eq!(check_code(&v, code, T0 + 1).unwrap_err(), 60200, "{code:?}");
    }
    let missing = check(&v, &CheckRequest::default(), &service(), T0 + 1).unwrap_err();
    assert_eq!(missing.message, "Invalid parameter: Code");
}

#[test]
fn custom_codes_need_the_service_to_allow_them() {
    let (service_sid, account_sid) = owner_sids();
    let request = || StartRequest {
        custom_code: Some("Zq9X7".into()),
        ..sms("+15017122661")
    };
    let who = owner(&service_sid, &account_sid);
    let refused = start(None, request(), &service(), who, T0, &mut Counter(0)).unwrap_err();
    assert_eq!((refused.code, refused.status), (60204, 403));
    let allowing = ServiceRules {
        custom_code_enabled: true,
        ..service()
    };
    let v = started(&allowing, request());
    assert_eq!(v.code, "Zq9X7");
    let too_short = StartRequest {
        custom_code: Some("123".into()),
        ..sms("+15017122661")
    };
    let who = owner(&service_sid, &account_sid);
    assert_eq!(
        start(None, too_short, &allowing, who, T0, &mut Counter(0))
            .unwrap_err()
            .code,
        60200
    );
}

#[test]
fn psd2_services_need_amount_and_payee_and_a_check_with_other_values_fails() {
    let psd2 = ServiceRules {
        psd2_enabled: true,
        ..service()
    };
    let (service_sid, account_sid) = owner_sids();
    let who = owner(&service_sid, &account_sid);
    let missing = start(None, sms("+15017122661"), &psd2, who, T0, &mut Counter(0)).unwrap_err();
    assert_eq!((missing.code, missing.status), (60206, 400));
    let v = started(
        &psd2,
        StartRequest {
            amount: Some("€39.99".into()),
            payee: Some("Acme".into()),
            ..sms("+15017122661")
        },
    );
    let with = |amount: &str| CheckRequest {
        code: Some(v.code.clone()),
        amount: Some(amount.into()),
        payee: Some("Acme".into()),
        ..Default::default()
    };
    let other = check(&v, &with("€99.99"), &psd2, T0 + 1).unwrap();
    assert_eq!((other.status, other.wrong_checks), (Status::Pending, 1));
    assert_eq!(
        check(&v, &with("€39.99"), &psd2, T0 + 1).unwrap().status,
        Status::Approved
    );
    let bare = CheckRequest {
        code: Some(v.code.clone()),
        ..Default::default()
    };
    assert_eq!(check(&v, &bare, &psd2, T0 + 1).unwrap_err().code, 60206);
}

#[test]
fn a_pending_verification_can_be_canceled_or_approved_by_hand_once() {
    let v = started(&service(), sms("+15017122661"));
    let canceled = update_status(&v, Status::Canceled, T0 + 1).unwrap();
    assert_eq!(canceled.status, Status::Canceled);
    assert_eq!(check_code(&canceled, &v.code, T0 + 2).unwrap_err(), 20404);
    assert_eq!(
        update_status(&canceled, Status::Approved, T0 + 2)
            .unwrap_err()
            .code,
        20404
    );
    assert_eq!(
        update_status(&v, Status::Approved, T0 + 1).unwrap().status,
        Status::Approved
    );
    assert_eq!(
        update_status(&v, Status::Pending, T0 + 1).unwrap_err().code,
        60200
    );
    let end = T0 + DEFAULT_LIFETIME_MS;
    assert_eq!(
        update_status(&v, Status::Canceled, end).unwrap_err().code,
        20404
    );
}

fn sna_start(client_token: bool) -> VerificationState {
    let request = StartRequest {
        channel: Some(Channel::Sna),
        enable_sna_client_token: client_token,
        ..sms("+15017122661")
    };
    started(&service(), request)
}

fn sna_errors(v: &VerificationState) -> Vec<u32> {
    v.to_check_resource(T0)
        .sna_attempts_error_codes
        .unwrap_or_default()
        .iter()
        .map(|e| e.code)
        .collect()
}

fn token_of(v: &VerificationState) -> String {
    v.sna.as_ref().expect("an sna verification").token.clone()
}

#[test]
fn sna_gives_a_url_and_a_check_before_it_is_invoked_is_pending_with_60519() {
    let v = sna_start(false);
    let resource = v.to_resource(T0, "https://engine.example");
    let url = resource.sna.expect("sna.url").url;
    assert_eq!(
        url,
        format!("https://engine.example/sna/{}/{}", v.sid, token_of(&v))
    );
    let early = check(&v, &CheckRequest::default(), &service(), T0 + 1).unwrap();
    assert_eq!(early.status, Status::Pending);
    assert_eq!(sna_errors(&early), vec![60519]);
}

#[test]
fn invoking_the_sna_url_then_checking_with_no_code_approves() {
    let v = sna_start(false);
    let (invoked, answer) = invoke_sna(&v, &token_of(&v), T0 + 1, None).unwrap();
    assert_eq!(
        answer.body("SIMULATED"),
        "ErrorCode=0&ErrorDescription=Success&Carrier=SIMULATED"
    );
    let checked = check(&invoked, &CheckRequest::default(), &service(), T0 + 2).unwrap();
    assert_eq!(checked.status, Status::Approved);
    assert!(sna_errors(&checked).is_empty());
}

#[test]
fn the_sna_url_is_single_use_secret_and_expires() {
    let v = sna_start(false);
    assert_eq!(
        invoke_sna(&v, "0".repeat(32).as_str(), T0 + 1, None)
            .unwrap_err()
            .code,
        20404
    );
    let (once, _) = invoke_sna(&v, &token_of(&v), T0 + 1, None).unwrap();
    let (twice, answer) = invoke_sna(&once, &token_of(&v), T0 + 2, None).unwrap();
    assert_eq!(answer.error_code, -10);
    assert_eq!(sna_errors(&twice), vec![60520]);
    let late = T0 + DEFAULT_LIFETIME_MS;
    let (_, answer) = invoke_sna(&v, &token_of(&v), late, None).unwrap();
    assert_eq!(answer.error_code, -10);
}

#[test]
fn with_a_client_token_the_check_must_repeat_it() {
    let v = sna_start(true);
    let (invoked, answer) = invoke_sna(&v, &token_of(&v), T0 + 1, None).unwrap();
    let token = answer.client_token.clone().expect("a client token");
    assert!(answer
        .body("X")
        .ends_with(&format!("&SnaClientToken={token}")));
    let without = check(&invoked, &CheckRequest::default(), &service(), T0 + 2).unwrap();
    assert_eq!(without.status, Status::Pending);
    let with = CheckRequest {
        sna_client_token: Some(token),
        ..Default::default()
    };
    assert_eq!(
        check(&invoked, &with, &service(), T0 + 2).unwrap().status,
        Status::Approved
    );
}

#[test]
fn a_failing_carrier_leaves_the_verification_pending_with_its_code() {
    let v = sna_start(false);
    let (failed, answer) = invoke_sna(&v, &token_of(&v), T0 + 1, Some(60500)).unwrap();
    assert_eq!(
        answer.body("X"),
        "ErrorCode=-10&ErrorDescription=Carrier+could+not+verify+the+number&Carrier=X"
    );
    let checked = check(&failed, &CheckRequest::default(), &service(), T0 + 2).unwrap();
    assert_eq!(checked.status, Status::Pending);
    assert_eq!(sna_errors(&checked), vec![60500]);
}

#[test]
fn an_sna_url_never_approves_a_verification_whose_code_went_out() {
    let (service_sid, account_sid) = owner_sids();
    let by_sms = started(&service(), sms("+15017122661"));
    // A resend switches the pending SMS verification to sna: same SID, a fresh URL anyone may open.
    let sna = StartRequest {
        channel: Some(Channel::Sna),
        ..sms("+15017122661")
    };
    let who = owner(&service_sid, &account_sid);
    let (switched, _) =
        start(Some(&by_sms), sna, &service(), who, T0 + 1, &mut Counter(9)).unwrap();
    assert_eq!(switched.sid, by_sms.sid);
    assert!(switched.code_sent());
    let (invoked, _) = invoke_sna(&switched, &token_of(&switched), T0 + 2, None).unwrap();
    let no_code = check(&invoked, &CheckRequest::default(), &service(), T0 + 3).unwrap_err();
    assert_eq!(no_code.message, "Invalid parameter: Code");
    let made_up = check_code(&invoked, "000000", T0 + 3).unwrap();
    assert_eq!(made_up.status, Status::Pending);
    let right = check_code(&invoked, &by_sms.code, T0 + 3).unwrap();
    assert_eq!(right.status, Status::Approved);
    // A verification that never sent a code is still Silent Network Auth's to decide.
    assert!(!sna_start(false).code_sent());
}

#[test]
fn a_failed_resend_is_taken_back_and_what_landed_meanwhile_stays() {
    let (service_sid, account_sid) = owner_sids();
    let before = started(&service(), sms("+15017122661"));
    let resend = StartRequest {
        channel: Some(Channel::Call),
        locale: Some("fr".into()),
        ..sms("+15017122661")
    };
    let who = owner(&service_sid, &account_sid);
    let (resent, _) = start(
        Some(&before),
        resend,
        &service(),
        who,
        T0 + 1,
        &mut Counter(5),
    )
    .unwrap();
    // While the gateway was slow, a wrong check landed.
    let meanwhile = check_code(&resent, "000000", T0 + 2).unwrap();
    let attempt = &resent.sends.last().unwrap().attempt_sid;
    let restored = undo_resend(&meanwhile, &before, attempt);
    assert_eq!(restored.sends, before.sends);
    assert_eq!(restored.channel, Channel::Sms);
    assert_eq!(restored.locale, before.locale);
    assert_eq!(restored.code, before.code);
    assert_eq!(
        restored.wrong_checks, 1,
        "the check that landed meanwhile stays counted"
    );
}
