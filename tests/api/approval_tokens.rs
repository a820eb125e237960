//! Approval tokens, natively: the ES256 primitive against published vectors, the token's claims, each step of the
//! check refusing what it must, key rotation and the settings. Tokens from a running Worker are also judged by
//! `jose` (tests/js/approval.test.mjs) and PyJWT (tests/python/approval_tokens.py).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use verify_edge::approval::keys::{KeyError, PublicKey, SigningKey};
use verify_edge::approval::token::{self, Approval, Claims, Expected, TokenError};
use verify_edge::approval::{Approvals, SetupError, DEFAULT_TTL_S};
use verify_edge::verify::model::{Channel, TwilioError};

/// RFC 6979 A.2.5's P-256 private key (x = C9AFA9D8...0F6721), as PKCS#8 PEM (written by Python's `cryptography`).
const RFC6979_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgya+p2EW6dRZrXCFX
Z7HWk05Qw9s26JsSe4piKxIPZyGhRANCAARg/tS6JVqdMclh63TGNW1owEm4kjth
+mzmaWIuYPKftnkD/hAIuLyZpBrp6VYovGTy8bIMLX6fUXejwpTURiKZ
-----END PRIVATE KEY-----";

/// RFC 7515 A.3's ES256 key, public half (SPKI) and private (SEC1), converted from its JWK.
const RFC7515_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV7
6e8Tus9uPHvRVEXH8UTNG72bfocs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==
-----END PUBLIC KEY-----";
const RFC7515_PRIVATE_SEC1: &str = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEII6bEJ5xkJi/mASH3x9dd+nLKWBuvtImO19XwhPfhPSyoAoGCCqGSM49
AwEHoUQDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEXH8UTNG72b
focs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==
-----END EC PRIVATE KEY-----";
/// RFC 7515 A.3.1's JWS.
const RFC7515_JWS: &str = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

const NOW_MS: u64 = 1_800_000_000_000;
const ORIGIN: &str = "https://verify.example.com";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

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

fn approvals(key: &str) -> Approvals {
    Approvals::from_settings(&settings(&[
        ("APPROVAL_SIGNING_KEY", key),
        ("APPROVAL_AUDIENCE", "my-app"),
    ]))
    .expect("settings")
}

fn sms_approval() -> Approval {
    Approval {
        verification_sid: "VE0123456789abcdef0123456789abcdef".to_owned(),
        to: "+14155550100".to_owned(),
        channel: Channel::Sms,
    }
}

#[test]
fn signatures_are_rfc6979_deterministic_es256() {
    // RFC 6979 A.2.5, P-256 with SHA-256, message "sample".
    let key = SigningKey::from_pem(RFC6979_KEY).unwrap();
    let signature = key.sign(b"sample");
    assert_eq!(
        hex(&signature[..32]),
        "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716"
    );
    assert_eq!(
        hex(&signature[32..]),
        "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"
    );
    assert!(key.public_key().verifies(b"sample", &signature));
    assert!(!key.public_key().verifies(b"samplf", &signature));
}

#[test]
fn the_rfc7515_es256_example_verifies_and_a_changed_byte_does_not() {
    let keys = PublicKey::all_from_pem(RFC7515_PUBLIC).unwrap();
    let (signed, signature) = RFC7515_JWS.rsplit_once('.').unwrap();
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
    assert!(keys[0].verifies(signed.as_bytes(), &signature));
    let mut tampered = signature.clone();
    tampered[10] ^= 1;
    assert!(!keys[0].verifies(signed.as_bytes(), &tampered));
    // The SEC1 private key reads too, and is the same key.
    let private = SigningKey::from_pem(RFC7515_PRIVATE_SEC1).unwrap();
    assert_eq!(private.kid(), keys[0].kid());
    let jwk = keys[0].jwk();
    assert_eq!(jwk.x, "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU");
    assert_eq!(jwk.y, "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0");
    assert_eq!(
        (jwk.kty, jwk.crv, jwk.alg, jwk.use_),
        ("EC", "P-256", "ES256", "sig")
    );
}

#[test]
fn a_minted_token_carries_the_claims_and_checks() {
    let approvals = approvals(RFC6979_KEY);
    let token = approvals.mint(&sms_approval(), ORIGIN, NOW_MS);
    let header: serde_json::Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["typ"], "JWT");
    assert_eq!(header["kid"], approvals.signing_key.kid());
    let claims = approvals.check(&token, ORIGIN, NOW_MS + 1000).unwrap();
    assert_eq!(claims.iss, ORIGIN);
    assert_eq!(claims.aud, "my-app");
    assert_eq!(claims.sub, "+14155550100");
    assert_eq!(claims.iat, NOW_MS / 1000);
    assert_eq!(claims.exp, NOW_MS / 1000 + DEFAULT_TTL_S);
    assert_eq!(claims.jti, "VE0123456789abcdef0123456789abcdef");
    assert_eq!(claims.channel, "sms");
    assert_eq!(claims.amr, ["sms", "otp"]);
    assert_eq!(claims.phone_number.as_deref(), Some("+14155550100"));
    assert_eq!(claims.phone_number_verified, Some(true));
    assert_eq!(claims.email, None);
}

#[test]
fn each_channel_names_its_methods_and_an_address_is_an_email_claim() {
    let expected = Expected {
        issuer: ORIGIN,
        audience: "my-app",
    };
    let cases = [
        (Channel::Sms, vec!["sms", "otp"]),
        (Channel::Call, vec!["tel", "otp"]),
        (Channel::Whatsapp, vec!["otp"]),
        (Channel::Sna, vec!["hwk", "mca"]),
    ];
    for (channel, amr) in cases {
        let approval = Approval {
            channel,
            ..sms_approval()
        };
        let claims = Claims::for_approval(&approval, &expected, 1, 60);
        assert_eq!(claims.amr, amr, "{channel:?}");
        assert_eq!(claims.channel, channel.as_str());
    }
    let email = Approval {
        to: "ada@example.com".to_owned(),
        channel: Channel::Email,
        ..sms_approval()
    };
    let claims = Claims::for_approval(&email, &expected, 1, 60);
    assert_eq!(claims.amr, ["otp"]);
    assert_eq!(claims.email.as_deref(), Some("ada@example.com"));
    assert_eq!(claims.email_verified, Some(true));
    assert_eq!(claims.phone_number, None);
    let json = serde_json::to_value(&claims).unwrap();
    assert!(json.get("phone_number").is_none(), "{json}");
}

/// `token` with its payload replaced by `claims` (its signature left as it was).
fn with_payload(token: &str, claims: &serde_json::Value) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap());
    format!("{}.{payload}.{}", parts[0], parts[2])
}

fn with_header(token: &str, header: &serde_json::Value) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let header = URL_SAFE_NO_PAD.encode(serde_json::to_vec(header).unwrap());
    format!("{header}.{}.{}", parts[1], parts[2])
}

#[test]
fn every_step_of_the_check_refuses_what_it_must() {
    let approvals = approvals(RFC6979_KEY);
    let token = approvals.mint(&sms_approval(), ORIGIN, NOW_MS);
    let check = |t: &str| approvals.check(t, ORIGIN, NOW_MS);
    let claims = serde_json::to_value(check(&token).unwrap()).unwrap();
    let kid = approvals.signing_key.kid().to_owned();

    // A changed claim, the signature kept.
    let mut changed = claims.clone();
    changed["sub"] = "+14155550199".into();
    assert_eq!(
        check(&with_payload(&token, &changed)),
        Err(TokenError::Signature)
    );

    // alg none, no signature; HS256 keyed with the public key (algorithm confusion); ES384.
    for alg in ["none", "HS256", "ES384", "es256"] {
        let header = serde_json::json!({"alg": alg, "kid": kid});
        assert_eq!(
            check(&with_header(&token, &header)),
            Err(TokenError::Algorithm),
            "{alg}"
        );
    }
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
        token.split('.').nth(1).unwrap()
    );
    assert_eq!(check(&unsigned), Err(TokenError::Algorithm));

    // Another key's kid, and another Worker's key with its own (valid) signature.
    let header = serde_json::json!({"alg": "ES256", "kid": "someone-else"});
    assert_eq!(
        check(&with_header(&token, &header)),
        Err(TokenError::UnknownKey)
    );
    let other = self::approvals(RFC7515_PRIVATE_SEC1);
    let foreign = other.mint(&sms_approval(), ORIGIN, NOW_MS);
    assert_eq!(check(&foreign), Err(TokenError::UnknownKey));
    // ... even when it claims our kid.
    let header = serde_json::json!({"alg": "ES256", "typ": "JWT", "kid": kid});
    let relabelled = with_header(&foreign, &header);
    assert_eq!(check(&relabelled), Err(TokenError::Signature));

    // Signed by us, for another audience or issuer.
    let expected = Expected {
        issuer: ORIGIN,
        audience: "another-app",
    };
    let claims_other_aud = Claims::for_approval(&sms_approval(), &expected, NOW_MS / 1000, 60);
    let other_aud = token::sign(&claims_other_aud, &approvals.signing_key);
    assert_eq!(check(&other_aud), Err(TokenError::Audience));
    assert_eq!(
        approvals.check(&token, "https://elsewhere.example", NOW_MS),
        Err(TokenError::Issuer)
    );

    // Time: valid until exp, refused at exp; issued more than a minute ahead of the clock.
    let exp_ms = (NOW_MS / 1000 + DEFAULT_TTL_S) * 1000;
    assert!(approvals.check(&token, ORIGIN, exp_ms - 1000).is_ok());
    assert_eq!(
        approvals.check(&token, ORIGIN, exp_ms),
        Err(TokenError::Expired)
    );
    assert_eq!(
        approvals.check(&token, ORIGIN, NOW_MS - 120_000),
        Err(TokenError::NotYetValid)
    );

    // Not a JWS.
    for bad in ["", "a.b", "a.b.c.d", "!!.??.**", &format!("{token}x.")] {
        assert_eq!(check(bad), Err(TokenError::Malformed), "{bad:?}");
    }

    // Each refusal is 60200 naming `token`, with the step.
    let error = TwilioError::from(TokenError::Expired);
    assert_eq!((error.code, error.status), (60200, 400));
    assert_eq!(error.message, "Invalid parameter: token");
    assert_eq!(error.reason(), Some("TOKEN_EXPIRED"));
}

#[test]
fn after_a_rotation_the_previous_key_verifies_until_it_is_removed() {
    let old = approvals(RFC7515_PRIVATE_SEC1);
    let old_token = old.mint(&sms_approval(), ORIGIN, NOW_MS);
    // The new key signs; the old one, moved to APPROVAL_PREVIOUS_KEYS as it was (private) or as its public half.
    for previous in [RFC7515_PRIVATE_SEC1, RFC7515_PUBLIC] {
        let rotated = Approvals::from_settings(&settings(&[
            ("APPROVAL_SIGNING_KEY", RFC6979_KEY),
            ("APPROVAL_PREVIOUS_KEYS", previous),
            ("APPROVAL_AUDIENCE", "my-app"),
        ]))
        .unwrap();
        assert!(rotated.check(&old_token, ORIGIN, NOW_MS).is_ok());
        let new_token = rotated.mint(&sms_approval(), ORIGIN, NOW_MS);
        assert!(new_token.contains('.'));
        assert_eq!(
            rotated
                .jwks()
                .keys
                .iter()
                .map(|k| k.kid.as_str())
                .collect::<Vec<_>>(),
            [rotated.signing_key.kid(), old.signing_key.kid()],
            "the current key first"
        );
        assert!(!serde_json::to_string(&rotated.jwks())
            .unwrap()
            .contains("\"d\""));
    }
    let removed = approvals(RFC6979_KEY);
    assert_eq!(
        removed.check(&old_token, ORIGIN, NOW_MS),
        Err(TokenError::UnknownKey)
    );
    assert_eq!(removed.jwks().keys.len(), 1);
}

#[test]
fn settings_are_refused_clearly_and_never_quoted() {
    let read = |pairs: &[(&str, &str)]| Approvals::from_settings(&settings(pairs)).map(|_| ());
    assert_eq!(
        read(&[("APPROVAL_AUDIENCE", "a")]),
        Err(SetupError::NoSigningKey)
    );
    assert_eq!(
        read(&[("APPROVAL_SIGNING_KEY", RFC6979_KEY)]),
        Err(SetupError::NoAudience)
    );
    let garbled = RFC6979_KEY.replace("MIGHAgEA", "MIGHAgEB");
    let error = read(&[
        ("APPROVAL_SIGNING_KEY", &garbled),
        ("APPROVAL_AUDIENCE", "a"),
    ])
    .unwrap_err();
    assert_eq!(error, SetupError::SigningKey(KeyError::NotP256(1)));
    let text = error.to_string();
    assert!(
        text.starts_with("APPROVAL_SIGNING_KEY ") && !text.contains("MIG"),
        "{text}"
    );
    assert_eq!(
        read(&[
            ("APPROVAL_SIGNING_KEY", "not a key"),
            ("APPROVAL_AUDIENCE", "a")
        ]),
        Err(SetupError::SigningKey(KeyError::NoPem))
    );
    assert_eq!(
        read(&[
            ("APPROVAL_SIGNING_KEY", RFC7515_PUBLIC),
            ("APPROVAL_AUDIENCE", "a")
        ]),
        Err(SetupError::SigningKey(KeyError::PublicOnly))
    );
    let two = format!("{RFC6979_KEY}\n{RFC7515_PRIVATE_SEC1}");
    assert_eq!(
        read(&[("APPROVAL_SIGNING_KEY", &two), ("APPROVAL_AUDIENCE", "a")]),
        Err(SetupError::SigningKey(KeyError::MoreThanOne))
    );
    assert_eq!(
        read(&[
            ("APPROVAL_SIGNING_KEY", RFC6979_KEY),
            ("APPROVAL_AUDIENCE", "a"),
            ("APPROVAL_PREVIOUS_KEYS", "junk"),
        ]),
        Err(SetupError::PreviousKeys(KeyError::NoPem))
    );
    for ttl in ["0", "3601", "five"] {
        assert_eq!(
            read(&[
                ("APPROVAL_SIGNING_KEY", RFC6979_KEY),
                ("APPROVAL_AUDIENCE", "a"),
                ("APPROVAL_TOKEN_TTL_SECONDS", ttl),
            ]),
            Err(SetupError::Ttl),
            "{ttl}"
        );
    }
    // One line with \n for the breaks (as .dev.vars holds it) reads as the PEM does.
    let one_line = RFC6979_KEY.replace('\n', "\\n");
    assert_eq!(
        SigningKey::from_pem(&one_line).unwrap().kid(),
        SigningKey::from_pem(RFC6979_KEY).unwrap().kid()
    );
    // The key's Debug never shows it.
    let debug = format!("{:?}", approvals(RFC6979_KEY));
    assert!(
        !debug.contains("MIG") && debug.contains("SigningKey("),
        "{debug}"
    );
}

#[test]
fn the_issuer_is_the_setting_or_the_workers_origin() {
    let with_issuer = Approvals::from_settings(&settings(&[
        ("APPROVAL_SIGNING_KEY", RFC6979_KEY),
        ("APPROVAL_AUDIENCE", "my-app"),
        ("APPROVAL_ISSUER", "https://auth.example.com"),
        ("APPROVAL_TOKEN_TTL_SECONDS", "60"),
    ]))
    .unwrap();
    let token = with_issuer.mint(&sms_approval(), ORIGIN, NOW_MS);
    let claims = with_issuer
        .check(&token, "https://any.origin", NOW_MS)
        .unwrap();
    assert_eq!(claims.iss, "https://auth.example.com");
    assert_eq!(claims.exp - claims.iat, 60);
}

#[test]
fn settings_lists_every_setting_read() {
    // The Worker caches Approvals per isolate, keyed by the values of SETTINGS: a setting read but not listed
    // would be missed when it changes.
    let read = std::cell::RefCell::new(Vec::new());
    let get = |name: &str| {
        read.borrow_mut().push(name.to_owned());
        match name {
            "APPROVAL_SIGNING_KEY" => Some(RFC6979_KEY.to_owned()),
            "APPROVAL_AUDIENCE" => Some("a".to_owned()),
            _ => None,
        }
    };
    Approvals::from_settings(&get).unwrap();
    let mut read = read.into_inner();
    read.sort();
    let mut listed: Vec<String> = verify_edge::approval::SETTINGS
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    listed.sort();
    assert_eq!(read, listed);
}
