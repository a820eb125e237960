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
    };
    assert_eq!(
        verify_registration(&registration, &expected),
        Err(WebAuthnError::RpIdHash)
    );
    assert_eq!(
        verify_registration(
            &Registration {
                client_data_json: &client_data,
                attestation_object: b"\xa0"
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
