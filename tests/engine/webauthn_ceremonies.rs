//! WebAuthn's relying-party procedures, natively: a real registration (the `none` attestation in Twilio's
//! Verify v2 spec examples, made by a browser for example.com) and assertions signed here with RustCrypto's P-256
//! and dalek's Ed25519 (libraries, not our code), each step's refusal, and the counter rule. The differential test
//! against `@simplewebauthn/server` is tests/js/webauthn-differential.test.mjs; the virtual authenticator in Chromium
//! comes with the Worker's routes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use verify_edge::webauthn::authenticator_data::{AuthenticatorData, AT, BE, BS, UP, UV};
use verify_edge::webauthn::ceremony::{
    verify_authentication, verify_registration, Assertion, Expected, Registration,
    StoredCredential, UserVerification,
};
use verify_edge::webauthn::cose::{CredentialKey, EDDSA, ES256, OFFERED, RS256};
use verify_edge::webauthn::WebAuthnError;

/// Twilio's example `VerifyPasskeysFactorRequest` (twilio_verify_v2.json, UpdatePasskeysFactor).
const TWILIO_ATTESTATION: &str = "o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YViko3mm9u6vuaVeN4wRgDTidR5oL6ufLTCrE9ISVYbOGUdFAAAAAAAAAAAAAAAAAAAAAAAAAAAAIOskpoSXeqhlDArYYqrM8m-DneFOkxZ9L9wy8_tRGazUpQECAyYgASFYIOP8op-6gZJ1H0wHNLe2k7cgBqaSUR4pdcBqtOHPaYUhIlggsXZWuWfZS-6YpbeU9dsB2UoroACSKXJOrdE_auaUIf4";
const TWILIO_CLIENT_DATA: &str = "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiV1VZd05EaGtNV0UzWldNellUSmhOamszTURBMU9XTXlOelkyWW1Kak4yVXdaZyIsIm9yaWdpbiI6Imh0dHBzOi8vZXhhbXBsZS5jb20iLCJjcm9zc09yaWdpbiI6ZmFsc2V9";
/// The example's `rawId` (hex of the credential id, which `id` is in base64url).
const TWILIO_RAW_ID: &str = "eb24a684977aa8650c0ad862aaccf26f839de14e93167d2fdc32f3fb5119acd4";

fn b64(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).unwrap()
}

fn origins() -> Vec<String> {
    vec!["https://example.com".to_owned()]
}

fn twilio_challenge() -> Vec<u8> {
    b64("WUYwNDhkMWE3ZWMzYTJhNjk3MDA1OWMyNzY2YmJjN2UwZg")
}

#[test]
fn twilios_example_registration_verifies_and_gives_the_credential() {
    let (attestation, client_data, challenge, origins) = (
        b64(TWILIO_ATTESTATION),
        b64(TWILIO_CLIENT_DATA),
        twilio_challenge(),
        origins(),
    );
    let expected = Expected {
        challenge: &challenge,
        rp_id: "example.com",
        origins: &origins,
        user_verification: UserVerification::Preferred,
        algorithms: &OFFERED,
    };
    let registration = Registration {
        client_data_json: &client_data,
        attestation_object: &attestation,
        now_secs: 1_796_428_800,
    };
    let credential = verify_registration(&registration, &expected).unwrap();
    let id_hex: String = credential.id.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(id_hex, TWILIO_RAW_ID);
    assert_eq!(
        URL_SAFE_NO_PAD.encode(&credential.id),
        "6ySmhJd6qGUMCthiqszyb4Od4U6TFn0v3DLz-1EZrNQ"
    );
    assert_eq!(
        (credential.algorithm, credential.attestation_format.as_str()),
        (ES256, "none")
    );
    assert!(credential.user_verified, "flags 0x45: UP, UV, AT");
    assert!(!credential.backup_eligible && !credential.backed_up);
    assert_eq!(credential.sign_count, 0);
    assert!(matches!(
        CredentialKey::from_cose(&credential.public_key_cose),
        Ok(CredentialKey::Es256(_))
    ));

    // Each expectation the example does not meet is refused at its own step.
    let refused =
        |expected: Expected<'_>| verify_registration(&registration, &expected).unwrap_err();
    let other_origins = vec!["https://evil.example".to_owned()];
    assert_eq!(
        refused(Expected {
            origins: &other_origins,
            ..expected
        }),
        WebAuthnError::Origin
    );
    assert_eq!(
        refused(Expected {
            rp_id: "evil.example",
            ..expected
        }),
        WebAuthnError::RpIdHash
    );
    let other_challenge = b"another challenge".to_vec();
    assert_eq!(
        refused(Expected {
            challenge: &other_challenge,
            ..expected
        }),
        WebAuthnError::Challenge
    );
    assert_eq!(
        refused(Expected {
            algorithms: &[EDDSA, RS256],
            ..expected
        }),
        WebAuthnError::Algorithm
    );
    // The same answer offered as a sign-in is the wrong ceremony.
    let as_assertion = Assertion {
        client_data_json: &client_data,
        authenticator_data: &[0; 37],
        signature: &[],
    };
    let stored = StoredCredential {
        public_key_cose: &credential.public_key_cose,
        sign_count: 0,
        backup_eligible: false,
    };
    assert_eq!(
        verify_authentication(&as_assertion, &expected, &stored),
        Err(WebAuthnError::CeremonyType)
    );
    // A changed byte of the attestation object's authenticator data (the RP ID hash) is refused.
    let mut tampered = attestation.clone();
    let at = tampered
        .windows(4)
        .position(|w| w == [0xa3, 0x79, 0xa6, 0xf6])
        .unwrap();
    tampered[at] ^= 1;
    let registration = Registration {
        client_data_json: &client_data,
        attestation_object: &tampered,
        now_secs: 1_796_428_800,
    };
    assert_eq!(
        verify_registration(&registration, &expected),
        Err(WebAuthnError::RpIdHash)
    );
    assert_eq!(
        verify_registration(
            &Registration {
                client_data_json: &client_data,
                attestation_object: b"\xa0",
                now_secs: 1_796_428_800,
            },
            &expected
        ),
        Err(WebAuthnError::AttestationObject)
    );
}

/// Authenticator data for example.com with `flags` and `count`, and (registration) a credential.
fn auth_data(flags: u8, count: u32, credential: Option<(&[u8], &[u8])>) -> Vec<u8> {
    let mut data = Sha256::digest(b"example.com").to_vec();
    data.push(flags);
    data.extend_from_slice(&count.to_be_bytes());
    if let Some((id, cose)) = credential {
        data.extend_from_slice(&[0; 16]);
        data.extend_from_slice(&u16::try_from(id.len()).unwrap().to_be_bytes());
        data.extend_from_slice(id);
        data.extend_from_slice(cose);
    }
    data
}

fn client_data(kind: &str, challenge: &[u8], origin: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "type": kind, "challenge": URL_SAFE_NO_PAD.encode(challenge), "origin": origin, "crossOrigin": false,
    }))
    .unwrap()
}

/// A COSE map as CBOR.
fn cose(entries: Vec<(i64, ciborium::Value)>) -> Vec<u8> {
    let map = ciborium::Value::Map(
        entries
            .into_iter()
            .map(|(k, v)| (ciborium::Value::Integer(k.into()), v))
            .collect(),
    );
    let mut out = Vec::new();
    ciborium::into_writer(&map, &mut out).unwrap();
    out
}

/// An authenticator's P-256 key (RustCrypto's signer) and its COSE public key.
fn p256_authenticator() -> (p256::ecdsa::SigningKey, Vec<u8>) {
    let key = p256::ecdsa::SigningKey::from_slice(&[7; 32]).unwrap();
    let point = key.verifying_key().to_sec1_point(false);
    let bytes = point.as_bytes();
    let cose = cose(vec![
        (1, 2.into()),
        (3, ES256.into()),
        (-1, 1.into()),
        (-2, ciborium::Value::Bytes(bytes[1..33].to_vec())),
        (-3, ciborium::Value::Bytes(bytes[33..65].to_vec())),
    ]);
    (key, cose)
}

fn sign_p256(key: &p256::ecdsa::SigningKey, data: &[u8], client: &[u8]) -> Vec<u8> {
    use p256::ecdsa::signature::Signer as _;
    let mut message = data.to_vec();
    message.extend_from_slice(&Sha256::digest(client));
    let signature: p256::ecdsa::Signature = key.sign(&message);
    signature.to_der().as_bytes().to_vec()
}

#[test]
fn a_packed_self_attested_registration_then_sign_ins_with_a_growing_counter() {
    let (key, public) = p256_authenticator();
    let origins = origins();
    let challenge = b"registration challenge, 32 bytes".to_vec();
    let expected = Expected {
        challenge: &challenge,
        rp_id: "example.com",
        origins: &origins,
        user_verification: UserVerification::Required,
        algorithms: &OFFERED,
    };
    let data = auth_data(UP | UV | BE | AT, 1, Some((b"credential-1", &public)));
    let client = client_data("webauthn.create", &challenge, "https://example.com");
    let attestation = |sig: Vec<u8>, alg: i64| {
        let value = ciborium::Value::Map(vec![
            ("fmt".into(), "packed".into()),
            (
                "attStmt".into(),
                ciborium::Value::Map(vec![
                    ("alg".into(), alg.into()),
                    ("sig".into(), ciborium::Value::Bytes(sig)),
                ]),
            ),
            ("authData".into(), ciborium::Value::Bytes(data.clone())),
        ]);
        let mut out = Vec::new();
        ciborium::into_writer(&value, &mut out).unwrap();
        out
    };
    let good = attestation(sign_p256(&key, &data, &client), ES256);
    let credential = verify_registration(
        &Registration {
            client_data_json: &client,
            attestation_object: &good,
            now_secs: 1_796_428_800,
        },
        &expected,
    )
    .unwrap();
    assert_eq!(
        (credential.id.as_slice(), credential.sign_count),
        (&b"credential-1"[..], 1)
    );
    assert!(credential.backup_eligible && !credential.backed_up);
    let wrong_alg = attestation(sign_p256(&key, &data, &client), RS256);
    let forged = attestation(sign_p256(&key, &data, b"other client data"), ES256);
    for bad in [wrong_alg, forged] {
        let registration = Registration {
            client_data_json: &client,
            attestation_object: &bad,
            now_secs: 1_796_428_800,
        };
        assert_eq!(
            verify_registration(&registration, &expected),
            Err(WebAuthnError::AttestationStatement)
        );
    }

    // Sign-ins: the counter must grow; flags are held to the policy; a changed byte breaks the signature.
    let login = b"sign-in challenge".to_vec();
    let expected = Expected {
        challenge: &login,
        ..expected
    };
    let stored = StoredCredential {
        public_key_cose: &credential.public_key_cose,
        sign_count: 1,
        backup_eligible: true,
    };
    let get = client_data("webauthn.get", &login, "https://example.com");
    let assert_with = |flags: u8, count: u32, stored: &StoredCredential<'_>| {
        let data = auth_data(flags, count, None);
        let signature = sign_p256(&key, &data, &get);
        verify_authentication(
            &Assertion {
                client_data_json: &get,
                authenticator_data: &data,
                signature: &signature,
            },
            &expected,
            stored,
        )
    };
    let outcome = assert_with(UP | UV | BE | BS, 2, &stored).unwrap();
    assert_eq!(
        (outcome.sign_count, outcome.user_verified, outcome.backed_up),
        (2, true, true)
    );
    assert_eq!(
        assert_with(UP | UV | BE, 1, &stored),
        Err(WebAuthnError::Counter),
        "a counter that did not grow: a clone"
    );
    assert_eq!(
        assert_with(UP | BE, 5, &stored),
        Err(WebAuthnError::UserVerification)
    );
    assert_eq!(
        assert_with(UV | BE, 5, &stored),
        Err(WebAuthnError::UserPresence)
    );
    assert_eq!(
        assert_with(UP | UV | BS, 5, &stored),
        Err(WebAuthnError::BackupFlags),
        "BS without BE"
    );
    assert_eq!(
        assert_with(UP | UV, 5, &stored),
        Err(WebAuthnError::BackupFlags),
        "BE changed since registration"
    );
    let data = auth_data(UP | UV | BE, 9, None);
    let mut signature = sign_p256(&key, &data, &get);
    let last = signature.len() - 1;
    signature[last] ^= 1;
    let tampered = Assertion {
        client_data_json: &get,
        authenticator_data: &data,
        signature: &signature,
    };
    assert_eq!(
        verify_authentication(&tampered, &expected, &stored),
        Err(WebAuthnError::Signature)
    );
    // Zero counters on both sides (authenticators that keep none) are fine.
    let zero = StoredCredential {
        sign_count: 0,
        ..stored
    };
    assert!(assert_with(UP | UV | BE, 0, &zero).is_ok());
    // Another page's origin, or the same page in a cross-origin frame.
    let elsewhere = client_data("webauthn.get", &login, "https://evil.example");
    let data = auth_data(UP | UV | BE, 10, None);
    let signature = sign_p256(&key, &data, &elsewhere);
    let phished = Assertion {
        client_data_json: &elsewhere,
        authenticator_data: &data,
        signature: &signature,
    };
    assert_eq!(
        verify_authentication(&phished, &expected, &stored),
        Err(WebAuthnError::Origin)
    );
    let framed = serde_json::to_vec(&serde_json::json!({
        "type": "webauthn.get", "challenge": URL_SAFE_NO_PAD.encode(&login), "origin": "https://example.com",
        "crossOrigin": true, "topOrigin": "https://evil.example",
    }))
    .unwrap();
    let signature = sign_p256(&key, &data, &framed);
    let framed = Assertion {
        client_data_json: &framed,
        authenticator_data: &data,
        signature: &signature,
    };
    assert_eq!(
        verify_authentication(&framed, &expected, &stored),
        Err(WebAuthnError::CrossOrigin)
    );
}

#[test]
fn ed25519_credentials_verify_and_unsupported_keys_are_refused() {
    use ed25519_dalek::Signer as _;
    let key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
    let public = cose(vec![
        (1, 1.into()),
        (3, EDDSA.into()),
        (-1, 6.into()),
        (
            -2,
            ciborium::Value::Bytes(key.verifying_key().to_bytes().to_vec()),
        ),
    ]);
    let origins = origins();
    let challenge = b"c".to_vec();
    let expected = Expected {
        challenge: &challenge,
        rp_id: "example.com",
        origins: &origins,
        user_verification: UserVerification::Discouraged,
        algorithms: &OFFERED,
    };
    let get = client_data("webauthn.get", &challenge, "https://example.com");
    let data = auth_data(UP, 3, None);
    let mut message = data.clone();
    message.extend_from_slice(&Sha256::digest(&get));
    let signature = key.sign(&message).to_bytes();
    let stored = StoredCredential {
        public_key_cose: &public,
        sign_count: 2,
        backup_eligible: false,
    };
    let assertion = Assertion {
        client_data_json: &get,
        authenticator_data: &data,
        signature: &signature,
    };
    assert_eq!(
        verify_authentication(&assertion, &expected, &stored)
            .unwrap()
            .sign_count,
        3
    );
    // P-384 (crv 2), a key with no alg, a point off the curve.
    let p384 = cose(vec![
        (1, 2.into()),
        (3, ES256.into()),
        (-1, 2.into()),
        (-2, ciborium::Value::Bytes(vec![1; 32])),
        (-3, ciborium::Value::Bytes(vec![1; 32])),
    ]);
    let no_alg = cose(vec![(1, 2.into()), (-1, 1.into())]);
    let off_curve = cose(vec![
        (1, 2.into()),
        (3, ES256.into()),
        (-1, 1.into()),
        (-2, ciborium::Value::Bytes(vec![1; 32])),
        (-3, ciborium::Value::Bytes(vec![1; 32])),
    ]);
    for bad in [p384, no_alg, off_curve, b"not cbor".to_vec()] {
        assert!(matches!(
            CredentialKey::from_cose(&bad),
            Err(WebAuthnError::CredentialKey)
        ));
    }
    // Authenticator data: too short, a credential id over 1023 bytes, trailing bytes.
    assert_eq!(
        AuthenticatorData::parse(&[0; 36]),
        Err(WebAuthnError::AuthenticatorData)
    );
    let long_id = vec![0; 1024];
    assert_eq!(
        AuthenticatorData::parse(&auth_data(UP | AT, 0, Some((&long_id, &public)))),
        Err(WebAuthnError::CredentialId)
    );
    let mut trailing = auth_data(UP | AT, 0, Some((b"id", &public)));
    trailing.push(0);
    assert_eq!(
        AuthenticatorData::parse(&trailing),
        Err(WebAuthnError::AuthenticatorData)
    );
}

// --- The engine's passkey rules (src/engine/passkey.rs) on these procedures ---

use verify_edge::engine::passkey::{
    self, NewPasskeyChallengeRequest, NewPasskeyRequest, PasskeyAssertion, PasskeyConfig,
    PasskeyRegistration,
};
use verify_edge::verify::model::Service;

/// Twilio's example CreateNewFactorPasskey body (twilio_verify_v2.json).
const TWILIO_NEW_FACTOR: &str = r#"{"friendly_name":"FriendlyName","identity":"ff483d1ff591898a9942916050d2ca3f","config":{"relying_party":{"id":"example.com","name":"Example","origins":["https://example.com"]},"authenticator_attachment":"platform","discoverable_credentials":"preferred","user_verification":"preferred"}}"#;

fn no_settings() -> Service {
    serde_json::from_value(serde_json::json!({ "code_length": 6 })).unwrap()
}

#[test]
fn twilios_example_factor_and_verify_factor_bodies_register_the_passkey() {
    let request = NewPasskeyRequest::from_json(TWILIO_NEW_FACTOR.as_bytes()).unwrap();
    assert_eq!(
        (request.friendly_name.as_str(), request.identity.as_str()),
        ("FriendlyName", "ff483d1ff591898a9942916050d2ca3f")
    );
    let config = PasskeyConfig::resolve(request.config.as_ref(), &no_settings()).unwrap();
    assert_eq!(config.relying_party.origins, origins());
    let options = passkey::creation_options(
        &config,
        "YE4fd3aaf4e45324d0f3e134607b21912b",
        "FriendlyName",
        &twilio_challenge(),
        &[],
    );
    let public_key = &options["publicKey"];
    assert_eq!(
        public_key["user"]["id"], "WUU0ZmQzYWFmNGU0NTMyNGQwZjNlMTM0NjA3YjIxOTEyYg",
        "user.id: the Entity SID, as Twilio's example"
    );
    assert_eq!(
        public_key["challenge"],
        "WUYwNDhkMWE3ZWMzYTJhNjk3MDA1OWMyNzY2YmJjN2UwZg"
    );
    assert_eq!(
        public_key["rp"],
        serde_json::json!({"id": "example.com", "name": "Example"})
    );
    assert_eq!(
        public_key["authenticatorSelection"]["authenticatorAttachment"],
        "platform"
    );
    assert_eq!(
        public_key["pubKeyCredParams"][0],
        serde_json::json!({"type": "public-key", "alg": -7}),
        "a list, as WebAuthn takes it"
    );
    assert_eq!(public_key["attestation"], "none");

    // The example's VerifyFactor body, camelCase as the browser's toJSON() writes it, rawId in hex as Twilio's is.
    let body = serde_json::json!({
        "id": "6ySmhJd6qGUMCthiqszyb4Od4U6TFn0v3DLz-1EZrNQ", "rawId": TWILIO_RAW_ID, "authenticatorAttachment": "platform",
        "type": "public-key",
        "response": { "attestationObject": TWILIO_ATTESTATION, "clientDataJSON": TWILIO_CLIENT_DATA, "transports": ["internal"] },
    });
    let registration = PasskeyRegistration::from_json(&serde_json::to_vec(&body).unwrap()).unwrap();
    assert_eq!(
        registration.claimed_challenge().unwrap(),
        twilio_challenge()
    );
    let stored = passkey::register(
        &config,
        &twilio_challenge(),
        &registration,
        1_796_428_800_000,
    )
    .unwrap();
    assert_eq!(
        (
            stored.algorithm,
            stored.sign_count,
            stored.transports.clone()
        ),
        (ES256, 0, vec!["internal".to_owned()])
    );
    // Registered against another challenge (one not issued for it), it is refused, naming the step.
    let refused =
        passkey::register(&config, b"another", &registration, 1_796_428_800_000).unwrap_err();
    assert_eq!(
        (refused.code, refused.reason()),
        (60380, Some("WEBAUTHN_CHALLENGE"))
    );
    // Snake case is read too; an id that is not the rawId's bytes is 60376.
    let mut snake = body.clone();
    snake["raw_id"] = snake["rawId"].take();
    snake.as_object_mut().unwrap().remove("rawId");
    assert!(PasskeyRegistration::from_json(&serde_json::to_vec(&snake).unwrap()).is_ok());
    let mut wrong = body.clone();
    wrong["rawId"] = serde_json::json!("00");
    assert_eq!(
        PasskeyRegistration::from_json(&serde_json::to_vec(&wrong).unwrap())
            .unwrap_err()
            .code,
        60376
    );
    let mut no_response = body;
    no_response["response"] = serde_json::Value::Null;
    assert_eq!(
        PasskeyRegistration::from_json(&serde_json::to_vec(&no_response).unwrap())
            .unwrap_err()
            .code,
        60378
    );
}

#[test]
fn a_factors_settings_come_from_its_config_or_the_service_and_each_gap_has_its_code() {
    let resolve = |config: serde_json::Value, service: &Service| {
        PasskeyConfig::resolve(Some(&config).filter(|c| !c.is_null()), service)
    };
    let code = |config: serde_json::Value| resolve(config, &no_settings()).unwrap_err().code;
    let party = serde_json::json!({"id": "example.com", "name": "Example", "origins": ["https://example.com"]});
    let full = |party: serde_json::Value| serde_json::json!({"relying_party": party, "authenticator_attachment": "any", "discoverable_credentials": "required", "user_verification": "required"});
    assert!(resolve(full(party.clone()), &no_settings()).is_ok());
    assert_eq!(
        code(full(
            serde_json::json!({"id": "https://example.com", "name": "E", "origins": ["https://example.com"]})
        )),
        60372,
        "a scheme in the RP ID"
    );
    assert_eq!(
        code(full(
            serde_json::json!({"id": "example.com", "name": "E", "origins": []})
        )),
        60371,
        "no origins"
    );
    assert_eq!(
        code(full(
            serde_json::json!({"id": "example.com", "name": "E", "origins": ["https://evil.example"]})
        )),
        60371,
        "an origin not of the RP ID"
    );
    assert!(resolve(full(serde_json::json!({"id": "example.com", "name": "E", "origins": ["https://login.example.com:8443"]})), &no_settings()).is_ok(), "a subdomain, any port");
    let err = resolve(serde_json::json!({"relying_party": party}), &no_settings()).unwrap_err();
    assert_eq!(err.code, 60393);
    assert!(
        err.message
            .contains("authenticator_attachment, discoverable_credentials, user_verification"),
        "{}",
        err.message
    );
    assert_eq!(
        code(
            serde_json::json!({"relying_party": party, "authenticator_attachment": "usb", "discoverable_credentials": "required", "user_verification": "required"})
        ),
        60370
    );
    // No config: the Service's Passkeys.* settings.
    let service: Service = serde_json::from_value(serde_json::json!({
        "code_length": 6,
        "passkeys": {"relying_party": {"id": "localhost", "name": "Dev", "origins": ["http://localhost:8787"]},
                     "authenticator_attachment": "cross-platform", "discoverable_credentials": "discouraged", "user_verification": "discouraged"},
    }))
    .unwrap();
    let config = resolve(serde_json::Value::Null, &service).unwrap();
    assert_eq!(config.relying_party.id, "localhost");
    assert_eq!(
        resolve(serde_json::Value::Null, &no_settings())
            .unwrap_err()
            .code,
        60372
    );
    // 60388 without a friendly name; an identity out of Twilio's format.
    assert_eq!(
        NewPasskeyRequest::from_json(br#"{"identity":"ff483d1ff591898a9942916050d2ca3f"}"#)
            .unwrap_err()
            .code,
        60388
    );
    assert_eq!(
        NewPasskeyRequest::from_json(br#"{"friendly_name":"a","identity":"x@y"}"#)
            .unwrap_err()
            .code,
        60306
    );
    assert_eq!(
        NewPasskeyChallengeRequest::from_json(b"{}").unwrap(),
        NewPasskeyChallengeRequest::default()
    );
    assert!(NewPasskeyChallengeRequest::from_json(b"[]").is_err());
}

#[test]
fn a_sign_in_is_approved_once_per_counter_and_refused_for_each_wrong_step() {
    let (key, public) = p256_authenticator();
    let config = PasskeyConfig::resolve(
        Some(&serde_json::json!({"relying_party": {"id": "example.com", "name": "Example", "origins": ["https://example.com"]},
            "authenticator_attachment": "platform", "discoverable_credentials": "required", "user_verification": "required"})),
        &no_settings(),
    )
    .unwrap();
    let stored = passkey::StoredPasskey {
        credential_id: b"credential-1".to_vec(),
        public_key_cose: public,
        algorithm: ES256,
        sign_count: 4,
        backup_eligible: true,
        backed_up: false,
        transports: vec![],
    };
    let challenge = b"a challenge of the Challenge".to_vec();
    let options = passkey::request_options(
        "example.com",
        config.user_verification,
        &challenge,
        std::slice::from_ref(&stored.credential_id),
    );
    assert_eq!(options["publicKey"]["rpId"], "example.com");
    assert_eq!(
        options["publicKey"]["allowCredentials"][0]["id"],
        URL_SAFE_NO_PAD.encode(b"credential-1")
    );
    let body = |count: u32, flags: u8| {
        let get = client_data("webauthn.get", &challenge, "https://example.com");
        let data = auth_data(flags, count, None);
        let signature = sign_p256(&key, &data, &get);
        serde_json::to_vec(&serde_json::json!({
            "id": URL_SAFE_NO_PAD.encode(b"credential-1"), "rawId": URL_SAFE_NO_PAD.encode(b"credential-1"),
            "authenticatorAttachment": "platform", "type": "public-key",
            "response": { "clientDataJSON": URL_SAFE_NO_PAD.encode(&get), "authenticatorData": URL_SAFE_NO_PAD.encode(&data),
                          "signature": URL_SAFE_NO_PAD.encode(&signature), "userHandle": URL_SAFE_NO_PAD.encode("YE0123") },
        }))
        .unwrap()
    };
    let assertion = PasskeyAssertion::from_json(&body(5, UP | UV | BE | BS)).unwrap();
    assert_eq!(assertion.user_handle.as_deref(), Some(&b"YE0123"[..]));
    let updated = passkey::approve(&config, &challenge, &stored, &assertion).unwrap();
    assert_eq!((updated.sign_count, updated.backed_up), (5, true));
    // The same answer again (the counter did not grow): a cloned authenticator, 60379 WEBAUTHN_COUNTER.
    let again = passkey::approve(&config, &challenge, &updated, &assertion).unwrap_err();
    assert_eq!(
        (again.code, again.reason()),
        (60379, Some("WEBAUTHN_COUNTER"))
    );
    let unverified = PasskeyAssertion::from_json(&body(6, UP | BE)).unwrap();
    let refused = passkey::approve(&config, &challenge, &updated, &unverified).unwrap_err();
    assert_eq!(
        (refused.code, refused.reason()),
        (60379, Some("WEBAUTHN_USER_VERIFICATION"))
    );
    let other_credential = passkey::StoredPasskey {
        credential_id: b"credential-2".to_vec(),
        ..updated.clone()
    };
    assert_eq!(
        passkey::approve(&config, &challenge, &other_credential, &assertion)
            .unwrap_err()
            .code,
        60375
    );
    // Each required member missing has its code.
    for (member, code) in [
        ("authenticatorAttachment", 60377),
        ("rawId", 60376),
        ("id", 60375),
    ] {
        let mut value: serde_json::Value = serde_json::from_slice(&body(7, UP | UV | BE)).unwrap();
        value.as_object_mut().unwrap().remove(member);
        assert_eq!(
            PasskeyAssertion::from_json(&serde_json::to_vec(&value).unwrap())
                .unwrap_err()
                .code,
            code,
            "{member}"
        );
    }
    for (member, code) in [
        ("signature", 60381),
        ("authenticatorData", 60379),
        ("clientDataJSON", 60380),
    ] {
        let mut value: serde_json::Value = serde_json::from_slice(&body(7, UP | UV | BE)).unwrap();
        value["response"].as_object_mut().unwrap().remove(member);
        assert_eq!(
            PasskeyAssertion::from_json(&serde_json::to_vec(&value).unwrap())
                .unwrap_err()
                .code,
            code,
            "{member}"
        );
    }
}
