//! Identity tokens, natively: which tokens vouch for an identity (this Worker's approval tokens, the operator's
//! identity tokens from `IDENTITY_TOKEN_KEYS`), each refusal, the Entity an identity lands on, and the approval
//! token a factor's challenge earns. A running Worker is judged with tokens `jose` signs (tests/js/totp-public).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use verify_edge::approval::identity::{
    vouch, TrustedIssuer, Vouched, VouchedBy, MAX_OPERATOR_TOKEN_S,
};
use verify_edge::approval::keys::SigningKey;
use verify_edge::approval::token::{Approval, FactorApproval, FactorMethod, TokenError};
use verify_edge::approval::Approvals;
use verify_edge::verify::model::Channel;

const WORKER_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgya+p2EW6dRZrXCFX
Z7HWk05Qw9s26JsSe4piKxIPZyGhRANCAARg/tS6JVqdMclh63TGNW1owEm4kjth
+mzmaWIuYPKftnkD/hAIuLyZpBrp6VYovGTy8bIMLX6fUXejwpTURiKZ
-----END PRIVATE KEY-----";
/// The operator's key (RFC 7515 A.3's), private for signing here, public in the Worker's settings.
const OPERATOR_PRIVATE: &str = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEII6bEJ5xkJi/mASH3x9dd+nLKWBuvtImO19XwhPfhPSyoAoGCCqGSM49
AwEHoUQDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEXH8UTNG72b
focs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==
-----END EC PRIVATE KEY-----";
const OPERATOR_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV7
6e8Tus9uPHvRVEXH8UTNG72bfocs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==
-----END PUBLIC KEY-----";
const NOW_MS: u64 = 1_800_000_000_000;
const NOW_S: u64 = NOW_MS / 1000;
const ORIGIN: &str = "https://verify.example.com";

fn settings(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

fn approvals() -> Approvals {
    Approvals::from_settings(&settings(&[
        ("APPROVAL_SIGNING_KEY", WORKER_KEY),
        ("APPROVAL_AUDIENCE", "my-app"),
    ]))
    .unwrap()
}

fn operator() -> TrustedIssuer {
    TrustedIssuer::from_settings(&settings(&[
        ("IDENTITY_TOKEN_KEYS", OPERATOR_PUBLIC),
        ("IDENTITY_TOKEN_ISSUER", "https://app.example.com"),
    ]))
    .unwrap()
    .unwrap()
}

/// A compact ES256 JWS of `header` and `claims`, signed with `key` (PEM).
fn jws(header: serde_json::Value, claims: serde_json::Value, key: &str) -> String {
    let key = SigningKey::from_pem(key).unwrap();
    let part = |v: &serde_json::Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    let signed = format!("{}.{}", part(&header), part(&claims));
    format!(
        "{signed}.{}",
        URL_SAFE_NO_PAD.encode(key.sign(signed.as_bytes()))
    )
}

fn operator_claims() -> serde_json::Value {
    serde_json::json!({
        "iss": "https://app.example.com", "aud": ORIGIN, "sub": "user-42",
        "iat": NOW_S - 10, "exp": NOW_S + 290,
    })
}

fn operator_token(claims: serde_json::Value) -> String {
    jws(
        serde_json::json!({"alg": "ES256", "typ": "JWT"}),
        claims,
        OPERATOR_PRIVATE,
    )
}

fn check(token: &str) -> Result<Vouched, TokenError> {
    vouch(token, &approvals(), Some(&operator()), ORIGIN, NOW_MS)
}

#[test]
fn an_approval_token_of_this_worker_vouches_for_its_number() {
    let token = approvals().mint(
        &Approval {
            verification_sid: "VE".to_owned() + &"a".repeat(32),
            to: "+15017122661".to_owned(),
            channel: Channel::Sms,
        },
        ORIGIN,
        NOW_MS,
    );
    let vouched = check(&token).unwrap();
    assert_eq!(
        (vouched.subject.as_str(), vouched.by),
        ("+15017122661", VouchedBy::Approval)
    );
    assert_eq!(vouched.issuer, ORIGIN);
    // Expired: not after its five minutes.
    assert_eq!(
        vouch(&token, &approvals(), None, ORIGIN, NOW_MS + 301_000),
        Err(TokenError::Expired)
    );
    // Only this Worker's: the same token is refused by a Worker at another origin (another issuer).
    assert_eq!(
        vouch(
            &token,
            &approvals(),
            Some(&operator()),
            "https://other.example",
            NOW_MS
        ),
        Err(TokenError::Issuer)
    );
}

#[test]
fn an_operator_token_vouches_for_its_user_with_or_without_a_kid() {
    let vouched = check(&operator_token(operator_claims())).unwrap();
    assert_eq!(
        (vouched.subject.as_str(), vouched.by),
        ("user-42", VouchedBy::Operator)
    );
    let kid = operator().keys[0].kid().to_owned();
    let with_kid = jws(
        serde_json::json!({"alg": "ES256", "kid": kid}),
        operator_claims(),
        OPERATOR_PRIVATE,
    );
    assert!(check(&with_kid).is_ok());
    let mut listed = operator_claims();
    listed["aud"] = serde_json::json!(["someone-else", ORIGIN]);
    assert!(check(&operator_token(listed)).is_ok());
}

#[test]
fn every_bad_identity_token_is_refused_for_its_reason() {
    let with = |name: &str, value: serde_json::Value| {
        let mut claims = operator_claims();
        claims[name] = value;
        operator_token(claims)
    };
    assert_eq!(
        check(&with("aud", serde_json::json!("https://elsewhere.example"))),
        Err(TokenError::Audience)
    );
    assert_eq!(
        check(&with("iss", serde_json::json!("https://evil.example"))),
        Err(TokenError::Issuer)
    );
    assert_eq!(
        check(&with("exp", serde_json::json!(NOW_S))),
        Err(TokenError::Expired)
    );
    assert_eq!(
        check(&with("iat", serde_json::json!(NOW_S + 3600))),
        Err(TokenError::NotYetValid)
    );
    assert_eq!(
        check(&with(
            "exp",
            serde_json::json!(NOW_S - 10 + MAX_OPERATOR_TOKEN_S + 1)
        )),
        Err(TokenError::Lifetime)
    );
    assert_eq!(
        check(&with("sub", serde_json::json!(""))),
        Err(TokenError::Malformed)
    );
    // Signed by a key the Worker does not trust (its own approval key, posing as the operator).
    let forged = jws(
        serde_json::json!({"alg": "ES256"}),
        operator_claims(),
        WORKER_KEY,
    );
    assert_eq!(check(&forged), Err(TokenError::Signature));
    // A kid the Worker does not know.
    let unknown = jws(
        serde_json::json!({"alg": "ES256", "kid": "nope"}),
        operator_claims(),
        OPERATOR_PRIVATE,
    );
    assert_eq!(check(&unknown), Err(TokenError::UnknownKey));
    // alg none, and HS256 keyed with the public key's text (algorithm confusion).
    let part = |v: serde_json::Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(&v).unwrap());
    let none = format!(
        "{}.{}.",
        part(serde_json::json!({"alg": "none"})),
        part(operator_claims())
    );
    assert_eq!(check(&none), Err(TokenError::Algorithm));
    let hs = format!(
        "{}.{}.AAAA",
        part(serde_json::json!({"alg": "HS256"})),
        part(operator_claims())
    );
    assert_eq!(check(&hs), Err(TokenError::Algorithm));
    // A changed payload under the original signature.
    let good = operator_token(operator_claims());
    let mut parts: Vec<&str> = good.split('.').collect();
    let other = part(serde_json::json!({
        "iss": "https://app.example.com", "aud": ORIGIN, "sub": "user-43", "iat": NOW_S - 10, "exp": NOW_S + 290,
    }));
    parts[1] = &other;
    assert_eq!(check(&parts.join(".")), Err(TokenError::Signature));
    // Without IDENTITY_TOKEN_KEYS no operator token vouches at all.
    assert_eq!(
        vouch(&good, &approvals(), None, ORIGIN, NOW_MS),
        Err(TokenError::Issuer)
    );
    assert_eq!(check("not.a-token"), Err(TokenError::Malformed));
}

#[test]
fn an_identity_lands_on_one_entity_per_issuer_and_subject() {
    let identity = |issuer: &str, subject: &str| {
        Vouched {
            issuer: issuer.to_owned(),
            subject: subject.to_owned(),
            by: VouchedBy::Operator,
        }
        .entity_identity()
    };
    let one = identity("https://app.example.com", "user-42");
    assert_eq!(one, identity("https://app.example.com", "user-42"));
    assert_eq!(one.len(), 32);
    assert!(one.bytes().all(|b| b.is_ascii_hexdigit()));
    verify_edge::engine::entity::check_identity(&one).unwrap();
    assert_ne!(one, identity("https://other.example.com", "user-42"));
    assert_ne!(one, identity("https://app.example.com", "user-43"));
    // The separator keeps ("ab", "c") and ("a", "bc") apart.
    assert_ne!(identity("ab", "c"), identity("a", "bc"));
    // SHA-256("https://app.example.com" NUL "user-42"), first 16 bytes, as `printf ... | sha256sum` gives it.
    assert_eq!(one, "b7633014a0f64970c8ad5fbf8effbf2b");
}

#[test]
fn a_challenge_approval_names_the_identity_and_the_method() {
    let phone = Vouched {
        issuer: ORIGIN.to_owned(),
        subject: "+15017122661".to_owned(),
        by: VouchedBy::Approval,
    };
    let user = Vouched {
        issuer: "https://app.example.com".to_owned(),
        subject: "user-42".to_owned(),
        by: VouchedBy::Operator,
    };
    for (vouched, phone_claim) in [(&phone, Some("+15017122661")), (&user, None)] {
        let approval = FactorApproval {
            identity: vouched,
            challenge_sid: "YC".to_owned() + &"b".repeat(32),
            method: FactorMethod::Totp,
        };
        let token = approvals().mint_factor(&approval, ORIGIN, NOW_MS);
        let claims = approvals().check(&token, ORIGIN, NOW_MS).unwrap();
        assert_eq!(claims.sub, vouched.subject);
        assert_eq!(claims.jti, approval.challenge_sid);
        assert_eq!(
            (claims.channel.as_str(), claims.amr),
            ("totp", vec!["otp".to_owned()])
        );
        assert_eq!(claims.phone_number.as_deref(), phone_claim);
        assert_eq!(claims.exp - claims.iat, 300);
    }
}

#[test]
fn identity_settings_come_together_or_not_at_all() {
    assert!(TrustedIssuer::from_settings(&settings(&[]))
        .unwrap()
        .is_none());
    assert!(
        TrustedIssuer::from_settings(&settings(&[("IDENTITY_TOKEN_KEYS", OPERATOR_PUBLIC)]))
            .is_err()
    );
    assert!(TrustedIssuer::from_settings(&settings(&[("IDENTITY_TOKEN_ISSUER", "x")])).is_err());
    let bad = TrustedIssuer::from_settings(&settings(&[
        ("IDENTITY_TOKEN_KEYS", "nope"),
        ("IDENTITY_TOKEN_ISSUER", "x"),
    ]));
    assert!(!bad.unwrap_err().to_string().contains("nope"));
}

#[test]
fn identity_settings_lists_every_setting_read() {
    // The Worker caches the issuer per isolate, keyed by the values of SETTINGS: one read but not listed would be
    // missed when it changes.
    let read = std::cell::RefCell::new(Vec::new());
    let get = |name: &str| {
        read.borrow_mut().push(name.to_owned());
        match name {
            "IDENTITY_TOKEN_KEYS" => Some(OPERATOR_PUBLIC.to_owned()),
            "IDENTITY_TOKEN_ISSUER" => Some("x".to_owned()),
            _ => None,
        }
    };
    TrustedIssuer::from_settings(&get).unwrap();
    let mut read = read.into_inner();
    read.sort();
    let mut listed: Vec<String> = verify_edge::approval::identity::SETTINGS
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    listed.sort();
    assert_eq!(read, listed);
}
