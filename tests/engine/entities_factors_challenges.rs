//! Entities, TOTP Factors and Challenges, natively: Twilio's rules (identity, factor types and settings, the code
//! window, attempt limits, expiry, unverified factors) and the one beyond Twilio (a code is good once), with a fixed
//! clock and codes computed by the TOTP module at chosen steps.

use verify_edge::engine::challenge::{
    self, create_challenge, to_forget, update_challenge, ChallengeFilter, ChallengeState,
    ChallengeUpdate, NewChallengeRequest, DEFAULT_LIFETIME_MS, MAX_ATTEMPTS, MAX_KEPT,
    MAX_LIFETIME_MS,
};
use verify_edge::engine::entity::{self, check_identity, create_entity, EntityState};
use verify_edge::engine::factor::{
    self, create_factor, rescale_step, update_factor, FactorKind, FactorState, FactorUpdate,
    NewFactorRequest, TotpDefaults, MAX_VERIFICATION_ATTEMPTS, UNVERIFIED_LIFETIME_MS,
};
use verify_edge::engine::form::Form;
use verify_edge::engine::service::create_service;
use verify_edge::engine::time::iso8601;
use verify_edge::engine::totp::{base32_decode, code_at, counter_at, TotpAlgorithm, TotpConfig};
use verify_edge::engine::Randomness;
use verify_edge::verify::model::{ChallengeStatus, FactorStatus, TwilioError};
use verify_edge::verify::sid::{AccountSid, ServiceSid};

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

/// A time on a step boundary of 30 s (and of 20, 60): 1_700_000_040 s.
const T0: u64 = 1_700_000_040_000;
const BASE: &str = "https://verify.example";
/// Twilio's own example secret (its `createTotp` example), 20 bytes.
const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

fn form(body: &str) -> Form {
    Form::parse(body.as_bytes())
}

fn err<T: std::fmt::Debug>(result: Result<T, TwilioError>) -> (u32, u16, Option<String>) {
    let e = result.expect_err("expected a Twilio error");
    (e.code, e.status, e.reason().map(str::to_owned))
}

fn service_sid() -> ServiceSid {
    ServiceSid::from_random_bytes([0xAA; 16])
}

fn entity() -> EntityState {
    create_entity(
        None,
        "user-0000-0001",
        &service_sid(),
        &AccountSid::from_random_bytes([0xBB; 16]),
        T0,
        &mut Counter(1),
    )
    .unwrap()
}

fn defaults() -> TotpDefaults {
    TotpDefaults {
        issuer: "Acme".to_owned(),
        config: TotpConfig::default(),
    }
}

fn new_factor(body: &str) -> Result<FactorState, TwilioError> {
    let request = NewFactorRequest::from_form(&form(body))?;
    create_factor(&entity(), &request, &defaults(), T0, &mut Counter(7))
}

fn totp(factor: &FactorState) -> (Vec<u8>, TotpConfig) {
    let FactorKind::Totp(t) = &factor.kind else {
        panic!("a TOTP factor")
    };
    (base32_decode(&t.secret).unwrap(), t.config)
}

/// The code of `factor` at `step` steps from the step of `at`.
fn code(factor: &FactorState, at: u64, step: i64) -> String {
    let (secret, config) = totp(factor);
    let now = counter_at(&config, at / 1000);
    code_at(&secret, &config, now.checked_add_signed(step).unwrap())
}

fn wrong(factor: &FactorState, at: u64) -> String {
    let (secret, config) = totp(factor);
    let now = counter_at(&config, at / 1000);
    // A code no step of a wide window has.
    (0..1000)
        .map(|n| format!("{n:06}"))
        .find(|c| (now - 5..=now + 5).all(|s| &code_at(&secret, &config, s) != c))
        .unwrap()
}

fn verify(factor: &FactorState, code: &str, at: u64) -> Result<FactorState, TwilioError> {
    let update = FactorUpdate::from_form(&form(&format!("AuthPayload={code}")))?;
    update_factor(factor, &update, at)
}

fn verified() -> FactorState {
    let factor = new_factor(&format!(
        "FriendlyName=Phone&FactorType=totp&Binding.Secret={SECRET}"
    ))
    .unwrap();
    let done = verify(&factor, &code(&factor, T0, 0), T0).unwrap();
    assert_eq!(done.status, FactorStatus::Verified);
    done
}

fn challenge_request(body: &str) -> Result<NewChallengeRequest, TwilioError> {
    NewChallengeRequest::from_form(&form(body))
}

fn challenge_of(factor: &FactorState, extra: &str, at: u64) -> (ChallengeState, FactorState) {
    let request = challenge_request(&format!("FactorSid={}{extra}", factor.sid)).unwrap();
    create_challenge(&entity(), factor, &request, at, &mut Counter(9)).unwrap()
}

fn answer(
    challenge: &ChallengeState,
    factor: &FactorState,
    code: &str,
    at: u64,
) -> Result<(ChallengeState, FactorState), TwilioError> {
    let update = ChallengeUpdate::from_form(&form(&format!("AuthPayload={code}")))?;
    update_challenge(challenge, factor, &update, at)
}

#[test]
fn identities_are_8_to_64_letters_digits_and_dashes() {
    for good in [
        "abcd1234",
        "ff483d1ff591898a9942916050d2ca3f",
        "123e4567-e89b-12d3-a456-426614174000",
        &"a".repeat(64),
    ] {
        assert!(check_identity(good).is_ok(), "{good}");
    }
    for bad in [
        "abc1234",
        &"a".repeat(65),
        "user_0001",
        "user.0001",
        "someone@example.com",
        "user 0001",
        "üser-0001",
        "",
    ] {
        assert_eq!(
            err(check_identity(bad)),
            (60306, 400, Some("IDENTITY_FORMAT".to_owned())),
            "{bad}"
        );
    }
    assert_eq!(
        err(entity::identity_from_form(&form(""))).0,
        60306,
        "Identity is required"
    );
}

#[test]
fn an_entity_is_created_once_with_twilio_fields_and_links() {
    let first = entity();
    assert!(first.sid.as_str().starts_with("YE"));
    assert_eq!(
        err(create_entity(
            Some(&first),
            "user-0000-0001",
            &service_sid(),
            &first.account_sid,
            T0,
            &mut Counter(2)
        )),
        (60301, 409, None)
    );
    let shown = first.to_resource(BASE);
    let url = format!(
        "{BASE}/v2/Services/{}/Entities/user-0000-0001",
        service_sid()
    );
    assert_eq!(shown.url.as_deref(), Some(url.as_str()));
    let links = shown.links.unwrap();
    assert_eq!(links["factors"], format!("{url}/Factors"));
    assert_eq!(links["new_factors"], format!("{url}/Factors"));
    assert_eq!(links["challenges"], format!("{url}/Challenges"));
    assert_eq!(shown.date_created.as_deref(), Some(iso8601(T0).as_str()));
}

#[test]
fn entities_list_with_twilio_paging_and_60306_for_bad_paging() {
    let entities: Vec<EntityState> = (0..3)
        .map(|i| {
            create_entity(
                None,
                &format!("user-000{i}-0000"),
                &service_sid(),
                &AccountSid::from_random_bytes([0xBB; 16]),
                T0 + i,
                &mut Counter(i as u8),
            )
            .unwrap()
        })
        .collect();
    let page = entity::page(&entities, &service_sid(), &form("PageSize=2"), BASE).unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.meta.key, "entities");
    assert!(page
        .meta
        .next_page_url
        .unwrap()
        .ends_with("PageSize=2&Page=1&PageToken=PT1"));
    let second = entity::page(
        &entities,
        &service_sid(),
        &form("PageSize=2&PageToken=PT1"),
        BASE,
    );
    assert_eq!(
        second.unwrap().items[0].identity.as_deref(),
        Some("user-0002-0000")
    );
    assert_eq!(
        err(entity::page(
            &entities,
            &service_sid(),
            &form("PageSize=0"),
            BASE
        ))
        .0,
        60306
    );
}

#[test]
fn only_totp_factors_are_created_and_other_types_are_refused_clearly() {
    for (body, reason) in [
        (
            "FriendlyName=Phone&FactorType=push",
            "FACTOR_TYPE_UNSUPPORTED",
        ),
        (
            "FriendlyName=Phone&FactorType=passkeys",
            "FACTOR_TYPE_UNSUPPORTED",
        ),
        (
            "FriendlyName=Phone&FactorType=sms",
            "FACTOR_TYPE_UNSUPPORTED",
        ),
        ("FriendlyName=Phone", "FACTOR_TYPE_UNSUPPORTED"),
    ] {
        assert_eq!(
            err(new_factor(body)),
            (60369, 400, Some(reason.to_owned())),
            "{body}"
        );
    }
    let push = NewFactorRequest::from_form(&form("FriendlyName=P&FactorType=push")).unwrap_err();
    assert!(push.details.unwrap().description.contains("push"));
}

#[test]
fn bad_factor_parameters_are_60306_or_60370_naming_them() {
    let named = |body: &str| {
        let e = new_factor(body).unwrap_err();
        (e.code, e.message.clone(), e.reason().map(str::to_owned))
    };
    assert_eq!(
        named("FactorType=totp"),
        (
            60306,
            "Invalid Request: FriendlyName".into(),
            Some("MISSING".into())
        )
    );
    assert_eq!(
        named(&format!("FactorType=totp&FriendlyName={}", "x".repeat(65))).2,
        Some("TOO_LONG".into())
    );
    assert_eq!(
        named("FactorType=totp&FriendlyName=P&Binding.Secret=not-base32!"),
        (
            60306,
            "Invalid Request: Binding.Secret".into(),
            Some("SECRET_NOT_BASE32".into())
        )
    );
    // 80 bits: what some old apps used, under RFC 4226's 128.
    assert_eq!(
        named("FactorType=totp&FriendlyName=P&Binding.Secret=GEZDGNBVGY3TQOJQ").2,
        Some("SECRET_TOO_SHORT".into())
    );
    for (param, value) in [
        ("Config.TimeStep", "19"),
        ("Config.TimeStep", "61"),
        ("Config.Skew", "3"),
        ("Config.CodeLength", "2"),
        ("Config.CodeLength", "9"),
        ("Config.CodeLength", "six"),
        ("Config.Alg", "md5"),
    ] {
        let (code, message, reason) =
            named(&format!("FactorType=totp&FriendlyName=P&{param}={value}"));
        assert_eq!(code, 60370, "{param}={value}");
        assert_eq!(message, format!("Factor config invalid: {param}"));
        assert_eq!(reason.as_deref(), Some("OUT_OF_RANGE"));
    }
    assert_eq!(
        named("FactorType=totp&FriendlyName=P&Metadata=%7B%22os%22%3A1%7D").2,
        Some("NOT_A_STRING_MAP".into())
    );
}

#[test]
fn a_factor_takes_the_services_totp_settings_unless_the_request_changes_them() {
    let service = create_service(
        &form("FriendlyName=Shop&Totp.TimeStep=45&Totp.Skew=2&Totp.CodeLength=8"),
        service_sid(),
        AccountSid::from_random_bytes([0xBB; 16]),
        T0,
    )
    .unwrap();
    let defaults = TotpDefaults::of_service(&service);
    assert_eq!(
        defaults.issuer, "Shop",
        "the Service's name when it has no Totp.Issuer"
    );
    assert_eq!(
        defaults.config,
        TotpConfig {
            time_step: 45,
            skew: 2,
            code_length: 8,
            alg: TotpAlgorithm::Sha1
        }
    );
    let request = NewFactorRequest::from_form(&form(
        "FriendlyName=P&FactorType=totp&Config.CodeLength=7&Config.Alg=sha512",
    ))
    .unwrap();
    let created = create_factor(&entity(), &request, &defaults, T0, &mut Counter(3)).unwrap();
    assert_eq!(
        totp(&created).1,
        TotpConfig {
            time_step: 45,
            skew: 2,
            code_length: 7,
            alg: TotpAlgorithm::Sha512
        }
    );
    let named = create_service(
        &form("FriendlyName=Shop&Totp.Issuer=Acme+Inc"),
        service_sid(),
        AccountSid::from_random_bytes([0xBB; 16]),
        T0,
    )
    .unwrap();
    assert_eq!(TotpDefaults::of_service(&named).issuer, "Acme Inc");
    assert_eq!(
        TotpDefaults::of_service(&named).config,
        TotpConfig::default(),
        "Twilio's 30 s, skew 1, 6 digits, sha1"
    );
}

#[test]
fn the_binding_is_twilios_secret_and_uri_and_only_creation_shows_it() {
    // Twilio's own example: its secret, issuer and account name give its URI, character for character.
    let request = NewFactorRequest::from_form(&form(&format!(
        "FriendlyName=John%E2%80%99s+Account+Name&FactorType=totp&Binding.Secret={}",
        SECRET.to_lowercase()
    )))
    .unwrap();
    let defaults = TotpDefaults {
        issuer: "test-issuer".to_owned(),
        config: TotpConfig::default(),
    };
    let factor = create_factor(&entity(), &request, &defaults, T0, &mut Counter(4)).unwrap();
    let new = factor.to_new_resource("test-issuer", BASE);
    let binding = new.binding.unwrap();
    assert_eq!(binding["secret"], SECRET, "normalized to upper case");
    assert_eq!(
        binding["uri"],
        "otpauth://totp/test-issuer:John%E2%80%99s%20Account%20Name?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=test-issuer&algorithm=SHA1&digits=6&period=30"
    );
    assert_eq!(new.options, None);
    assert_eq!(new.status, Some(FactorStatus::Unverified));
    assert_eq!(
        new.config.unwrap(),
        serde_json::json!({"alg": "sha1", "skew": 1, "code_length": 6, "time_step": 30})
    );
    // Every other answer is a Factor, which has no binding at all.
    let shown = serde_json::to_value(factor.to_resource(BASE)).unwrap();
    assert!(shown.get("binding").is_none());
    assert!(!shown.to_string().contains(SECRET));
}

#[test]
fn a_generated_secret_is_160_bits_from_the_randomness() {
    let a = new_factor("FriendlyName=P&FactorType=totp").unwrap();
    let FactorKind::Totp(t) = &a.kind else {
        panic!("a TOTP factor")
    };
    assert_eq!(t.secret.len(), 32);
    assert_eq!(base32_decode(&t.secret).unwrap().len(), 20);
    let request = NewFactorRequest::from_form(&form("FriendlyName=P&FactorType=totp")).unwrap();
    let b = create_factor(&entity(), &request, &defaults(), T0, &mut Counter(100)).unwrap();
    let FactorKind::Totp(u) = &b.kind else {
        panic!("a TOTP factor")
    };
    assert_ne!(t.secret, u.secret, "other bytes, another secret");
}

#[test]
fn a_right_code_verifies_a_factor_and_a_wrong_one_is_no_error() {
    let factor = new_factor(&format!(
        "FriendlyName=P&FactorType=totp&Binding.Secret={SECRET}"
    ))
    .unwrap();
    let after_wrong = verify(&factor, &wrong(&factor, T0), T0).unwrap();
    assert_eq!(after_wrong.status, FactorStatus::Unverified);
    let after_right = verify(&after_wrong, &code(&factor, T0, 0), T0 + 1000).unwrap();
    assert_eq!(after_right.status, FactorStatus::Verified);
    assert_eq!(after_right.updated_ms, T0 + 1000);
    // A code to a verified Factor changes nothing.
    let again = verify(&after_right, &wrong(&factor, T0), T0 + 2000).unwrap();
    assert_eq!(again.status, FactorStatus::Verified);
    // An AuthPayload that is no code is a bad request, not a wrong code.
    for bad in ["12", "123456789", "12a456", ""] {
        let e = FactorUpdate::from_form(&form(&format!("AuthPayload={bad}"))).unwrap_err();
        assert_eq!(
            (e.code, e.reason()),
            (60306, Some("AUTH_PAYLOAD_FORMAT")),
            "{bad:?}"
        );
    }
}

#[test]
fn five_wrong_codes_then_every_factor_verification_is_60310() {
    let mut factor = new_factor(&format!(
        "FriendlyName=P&FactorType=totp&Binding.Secret={SECRET}"
    ))
    .unwrap();
    for _ in 0..MAX_VERIFICATION_ATTEMPTS {
        factor = verify(&factor, &wrong(&factor, T0), T0).unwrap();
        assert_eq!(factor.status, FactorStatus::Unverified);
    }
    assert_eq!(
        err(verify(&factor, &code(&factor, T0, 0), T0)),
        (60310, 429, None),
        "even the right code"
    );
    // Renaming it is still allowed.
    let renamed = update_factor(
        &factor,
        &FactorUpdate::from_form(&form("FriendlyName=Old+phone")).unwrap(),
        T0,
    )
    .unwrap();
    assert_eq!(renamed.friendly_name, "Old phone");
}

#[test]
fn codes_count_within_the_skew_window_only() {
    for (skew, accepted) in [(0u32, 0i64..=0), (1, -1..=1), (2, -2..=2)] {
        let factor = new_factor(&format!(
            "FriendlyName=P&FactorType=totp&Binding.Secret={SECRET}&Config.Skew={skew}"
        ))
        .unwrap();
        for step in -3i64..=3 {
            let result = verify(&factor, &code(&factor, T0, step), T0).unwrap();
            assert_eq!(
                result.status == FactorStatus::Verified,
                accepted.contains(&step),
                "skew {skew}, step {step}"
            );
        }
    }
}

#[test]
fn each_algorithm_and_length_verifies_with_its_own_codes() {
    for alg in ["sha1", "sha256", "sha512"] {
        for (digits, step) in [(3, 20), (6, 30), (8, 60)] {
            let factor = new_factor(&format!(
                "FriendlyName=P&FactorType=totp&Config.Alg={alg}&Config.CodeLength={digits}&Config.TimeStep={step}"
            ))
            .unwrap();
            let right = code(&factor, T0, 0);
            assert_eq!(right.len(), digits);
            assert_eq!(
                verify(&factor, &right, T0).unwrap().status,
                FactorStatus::Verified,
                "{alg} {digits} {step}"
            );
        }
    }
}

#[test]
fn a_code_is_good_once_replays_within_the_window_count_as_wrong() {
    let factor = verified(); // verified with the code of step 0
                             // That same code, within its window, does not approve a challenge.
    let (challenge, factor) = challenge_of(&factor, "", T0 + 1000);
    let (after, factor) = answer(&challenge, &factor, &code(&factor, T0, 0), T0 + 2000).unwrap();
    assert_eq!(after.status, ChallengeStatus::Pending);
    assert_eq!(after.failed_attempts, 1);
    // The next step's code (within skew 1) approves it...
    let next = code(&factor, T0, 1);
    let (approved, factor) = answer(&after, &factor, &next, T0 + 3000).unwrap();
    assert_eq!(approved.status, ChallengeStatus::Approved);
    // ...and cannot approve another challenge, even at creation.
    let request =
        challenge_request(&format!("FactorSid={}&AuthPayload={next}", factor.sid)).unwrap();
    let (other, factor) =
        create_challenge(&entity(), &factor, &request, T0 + 4000, &mut Counter(5)).unwrap();
    assert_eq!(other.status, ChallengeStatus::Pending);
    // A code from before the last used step is refused too; a later one approves.
    let (still, factor) = answer(&other, &factor, &code(&factor, T0, -1), T0 + 5000).unwrap();
    assert_eq!(still.status, ChallengeStatus::Pending);
    let later = T0 + 30_000;
    let (done, _) = answer(&still, &factor, &code(&factor, later, 1), later).unwrap();
    assert_eq!(done.status, ChallengeStatus::Approved);
}

#[test]
fn changing_the_time_step_keeps_used_time_used() {
    // Step 10 of 30 s ended at 330 s: under 20 s steps, 15 (300-320 s) and 16 (320-340 s) are used, 17 is not.
    assert_eq!(rescale_step(10, 30, 20), 16);
    assert_eq!(rescale_step(10, 30, 60), 5);
    assert_eq!(rescale_step(10, 30, 30), 10);
    let factor = verified();
    let changed = update_factor(
        &factor,
        &FactorUpdate::from_form(&form("Config.TimeStep=60&Config.Skew=0")).unwrap(),
        T0,
    )
    .unwrap();
    let FactorKind::Totp(t) = &changed.kind else {
        panic!("a TOTP factor")
    };
    assert_eq!(t.config.time_step, 60);
    assert_eq!(t.last_step, Some(counter_at(&t.config, T0 / 1000)));
    // The code of the current 60 s step overlaps the used 30 s step: refused; the next minute's is fine.
    let (challenge, changed) = challenge_of(&changed, "", T0);
    let (same, changed) = answer(&challenge, &changed, &code(&changed, T0, 0), T0).unwrap();
    assert_eq!(same.status, ChallengeStatus::Pending);
    let later = T0 + 60_000;
    let (next, _) = answer(&same, &changed, &code(&changed, later, 0), later).unwrap();
    assert_eq!(next.status, ChallengeStatus::Approved);
    assert_eq!(
        err(update_factor(
            &factor,
            &FactorUpdate::from_form(&form("Config.Skew=5")).unwrap(),
            T0
        ))
        .0,
        60370
    );
}

#[test]
fn an_unverified_factor_cannot_be_challenged_and_is_gone_after_a_day() {
    let factor = new_factor("FriendlyName=P&FactorType=totp").unwrap();
    let request = challenge_request(&format!("FactorSid={}", factor.sid)).unwrap();
    assert_eq!(
        err(create_challenge(
            &entity(),
            &factor,
            &request,
            T0,
            &mut Counter(1)
        )),
        (60318, 403, None)
    );
    assert!(factor.is_live(T0 + UNVERIFIED_LIFETIME_MS - 1));
    assert!(!factor.is_live(T0 + UNVERIFIED_LIFETIME_MS));
    assert!(verified().is_live(T0 + 10 * UNVERIFIED_LIFETIME_MS));
}

#[test]
fn a_challenge_lasts_5_minutes_unless_asked_up_to_60_and_then_is_60323() {
    let factor = verified();
    let (challenge, _) = challenge_of(&factor, "", T0);
    assert_eq!(challenge.expires_ms, T0 + DEFAULT_LIFETIME_MS);
    assert_eq!(
        challenge.status_at(T0 + DEFAULT_LIFETIME_MS - 1),
        ChallengeStatus::Pending
    );
    assert_eq!(
        challenge.status_at(T0 + DEFAULT_LIFETIME_MS),
        ChallengeStatus::Expired
    );
    let late = T0 + DEFAULT_LIFETIME_MS;
    assert_eq!(
        err(answer(&challenge, &factor, &code(&factor, late, 1), late)),
        (60323, 403, None)
    );
    let at = |ms: u64| format!("&ExpirationDate={}", iso8601(ms));
    let (long, _) = challenge_of(&factor, &at(T0 + MAX_LIFETIME_MS), T0);
    assert_eq!(long.expires_ms, T0 + MAX_LIFETIME_MS);
    // twilio-node sends milliseconds.
    let (node, _) = challenge_of(&factor, "&ExpirationDate=2023-11-14T22:24:00.000Z", T0);
    assert_eq!(node.expires_ms, 1_700_000_640_000);
    for bad in [
        at(T0 + MAX_LIFETIME_MS + 1000),
        at(T0 - 1000),
        at(T0),
        "&ExpirationDate=tomorrow".to_owned(),
    ] {
        let result = challenge_request(&format!("FactorSid={}{bad}", factor.sid))
            .and_then(|r| create_challenge(&entity(), &factor, &r, T0, &mut Counter(1)));
        assert_eq!(
            err(result),
            (60306, 400, Some("EXPIRATION_OUT_OF_RANGE".to_owned())),
            "{bad}"
        );
    }
}

#[test]
fn a_challenge_takes_five_wrong_codes_then_60308_and_answers_60322_once_approved() {
    let factor = verified();
    let (mut challenge, mut factor) = challenge_of(&factor, "", T0);
    for n in 1..=MAX_ATTEMPTS {
        (challenge, factor) = answer(&challenge, &factor, &wrong(&factor, T0), T0).unwrap();
        assert_eq!(challenge.status, ChallengeStatus::Pending);
        assert_eq!(challenge.failed_attempts, n);
    }
    assert_eq!(
        err(answer(&challenge, &factor, &code(&factor, T0, 1), T0)),
        (60308, 429, None)
    );
    let (fresh, factor) = challenge_of(&factor, "", T0);
    let (approved, factor) = answer(&fresh, &factor, &code(&factor, T0, 1), T0).unwrap();
    assert_eq!(approved.status, ChallengeStatus::Approved);
    assert_eq!(approved.responded_ms, Some(T0));
    let shown = approved.to_resource(T0, BASE);
    assert_eq!(shown.date_responded.as_deref(), Some(iso8601(T0).as_str()));
    assert_eq!(
        err(answer(&approved, &factor, &code(&factor, T0, 1), T0)),
        (60322, 403, None)
    );
    // An update without a code is a bad request.
    let (pending, factor) = challenge_of(&factor, "", T0);
    assert_eq!(
        err(update_challenge(
            &pending,
            &factor,
            &ChallengeUpdate::default(),
            T0
        ))
        .0,
        60306
    );
}

#[test]
fn an_auth_payload_at_creation_approves_at_once() {
    let factor = verified();
    let (challenge, factor) = challenge_of(
        &factor,
        &format!("&AuthPayload={}", code(&verified(), T0, 1)),
        T0,
    );
    assert_eq!(challenge.status, ChallengeStatus::Approved);
    let FactorKind::Totp(t) = &factor.kind else {
        panic!("a TOTP factor")
    };
    assert_eq!(t.last_step, Some(counter_at(&t.config, T0 / 1000) + 1));
}

#[test]
fn challenge_details_hidden_details_and_metadata_are_twilios_shapes() {
    let factor = verified();
    let fields = [
        r#"{"label":"Action","value":"Sign up in portal"}"#,
        r#"{"label":"Amount","value":"$10"}"#,
    ];
    let body = format!(
        "&Details.Message=Hi&Details.Fields={}&Details.Fields={}&HiddenDetails={}",
        urlencode(fields[0]),
        urlencode(fields[1]),
        urlencode(r#"{"ip":"172.168.1.234"}"#)
    );
    let (challenge, factor) = challenge_of(&factor, &body, T0);
    let shown = serde_json::to_value(challenge.to_resource(T0, BASE)).unwrap();
    assert_eq!(
        shown["details"],
        serde_json::json!({"message": "Hi", "fields": [
            {"label": "Action", "value": "Sign up in portal"}, {"label": "Amount", "value": "$10"}]})
    );
    assert_eq!(
        shown["hidden_details"],
        serde_json::json!({"ip": "172.168.1.234"})
    );
    assert_eq!(shown["responded_reason"], "none");
    assert_eq!(shown["factor_type"], "totp");
    assert_eq!(shown["metadata"], serde_json::Value::Null);
    assert_eq!(
        shown["links"]["notifications"],
        format!("{}/Notifications", shown["url"].as_str().unwrap())
    );
    let update = ChallengeUpdate::from_form(&form(&format!(
        "AuthPayload={}&Metadata={}",
        code(&factor, T0, 1),
        urlencode(r#"{"os":"Android"}"#)
    )))
    .unwrap();
    let (done, _) = update_challenge(&challenge, &factor, &update, T0).unwrap();
    assert_eq!(
        serde_json::to_value(done.to_resource(T0, BASE)).unwrap()["metadata"],
        serde_json::json!({"os": "Android"})
    );
    // None given: details null.
    let (plain, _) = challenge_of(&factor, "", T0);
    assert_eq!(plain.to_resource(T0, BASE).details, None);
    for (bad, reason) in [
        (format!("&Details.Message={}", "m".repeat(257)), "TOO_LONG"),
        ("&Details.Fields=nope".to_owned(), "DETAILS_FIELDS"),
        (
            format!(
                "&Details.Fields={}",
                urlencode(&format!(r#"{{"label":"{}","value":"v"}}"#, "l".repeat(37)))
            ),
            "DETAILS_FIELDS",
        ),
        (
            format!("&Details.Fields={}", urlencode(r#"{"label":"l"}"#)).repeat(21),
            "DETAILS_FIELDS",
        ),
        (
            format!("&HiddenDetails={}", urlencode(r#"{"ip":1}"#)),
            "NOT_A_STRING_MAP",
        ),
        ("&HiddenDetails=%5B%5D".to_owned(), "NOT_A_STRING_MAP"),
    ] {
        let e = challenge_request(&format!("FactorSid={}{bad}", factor.sid)).unwrap_err();
        assert_eq!((e.code, e.reason()), (60306, Some(reason)), "{bad}");
    }
    for bad in [
        "",
        "FactorSid=YC00000000000000000000000000000000",
        "FactorSid=YF12",
    ] {
        assert_eq!(
            challenge_request(bad).unwrap_err().message,
            "Invalid Request: FactorSid",
            "{bad}"
        );
    }
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[test]
fn challenges_list_by_factor_status_and_order_and_each_page_keeps_the_filters() {
    let factor = verified();
    let second = {
        let f = new_factor("FriendlyName=Other&FactorType=totp").unwrap();
        verify(&f, &code(&f, T0, 0), T0).unwrap()
    };
    let mut all = Vec::new();
    let (a, factor) = challenge_of(&factor, "", T0);
    all.push(a.clone());
    let (b, factor) = challenge_of(&factor, "", T0 + 1000);
    let (b, factor) = answer(&b, &factor, &code(&factor, T0, 1), T0 + 1000).unwrap();
    all.push(b.clone());
    let (c, _) = challenge_of(&second, "", T0 + 2000);
    all.push(c.clone());
    let list = |query: &str, now: u64| {
        let query = form(query);
        let filter = ChallengeFilter::from_query(&query).unwrap();
        challenge::page(&all, &entity(), &filter, &query, now, BASE).unwrap()
    };
    let sids =
        |page: &verify_edge::verify::model::ListPage<verify_edge::verify::model::Challenge>| {
            page.items
                .iter()
                .map(|c| c.sid.clone().unwrap())
                .collect::<Vec<_>>()
        };
    assert_eq!(
        sids(&list("", T0 + 3000)),
        vec![a.sid.clone(), b.sid.clone(), c.sid.clone()]
    );
    assert_eq!(
        sids(&list("Order=desc", T0 + 3000)),
        vec![c.sid.clone(), b.sid.clone(), a.sid.clone()]
    );
    assert_eq!(
        sids(&list(&format!("FactorSid={}", factor.sid), T0 + 3000)),
        vec![a.sid.clone(), b.sid.clone()]
    );
    assert_eq!(
        sids(&list("Status=approved", T0 + 3000)),
        vec![b.sid.clone()]
    );
    assert_eq!(
        sids(&list("Status=pending", T0 + 3000)),
        vec![a.sid.clone(), c.sid.clone()]
    );
    // Read off the clock: after 5 minutes the pending ones are expired.
    let later = T0 + 2000 + DEFAULT_LIFETIME_MS;
    assert_eq!(
        sids(&list("Status=expired", later)),
        vec![a.sid.clone(), c.sid.clone()]
    );
    let page = list(
        &format!(
            "FactorSid={}&Status=pending&Order=desc&PageSize=1",
            second.sid
        ),
        T0,
    );
    assert_eq!(page.meta.key, "challenges");
    assert!(page.meta.url.contains(&format!(
        "FactorSid={}&Status=pending&Order=desc&PageSize=1",
        second.sid
    )));
    let filtered = list("Order=asc&PageSize=1", T0 + 3000);
    let next = filtered.meta.next_page_url.unwrap();
    assert!(
        next.contains("?Order=asc&PageSize=1&Page=1&PageToken=PT1"),
        "{next}"
    );
    for bad in ["Status=done", "Order=up", "FactorSid=YF1"] {
        assert_eq!(
            ChallengeFilter::from_query(&form(bad)).unwrap_err().code,
            60306,
            "{bad}"
        );
    }
}

#[test]
fn an_entity_keeps_its_newest_challenges() {
    let factor = verified();
    let mut kept = Vec::new();
    let mut f = factor;
    for i in 0..MAX_KEPT as u64 {
        let (c, next) = challenge_of(&f, "", T0 + i);
        f = next;
        kept.push(c);
    }
    let forget = to_forget(&kept);
    assert_eq!(
        forget,
        vec![kept[0].sid.clone()],
        "the oldest goes as the next comes"
    );
    assert!(to_forget(&kept[1..]).is_empty());
}

#[test]
fn factors_list_with_paging_and_no_binding() {
    let factors = vec![
        verified(),
        new_factor("FriendlyName=B&FactorType=totp").unwrap(),
    ];
    let page = factor::page(&factors, &entity(), &form("PageSize=1"), BASE).unwrap();
    assert_eq!(page.meta.key, "factors");
    assert_eq!(page.items.len(), 1);
    assert!(page.meta.next_page_url.is_some());
    assert!(
        !serde_json::to_string(&serde_json::to_value(&page.items).unwrap())
            .unwrap()
            .contains("binding")
    );
    assert_eq!(
        err(factor::page(&factors, &entity(), &form("Page=x"), BASE)).0,
        60306
    );
}
