//! The relying party's two procedures: registering a new credential (WebAuthn §7.1) and verifying an
//! authentication assertion (§7.2), each step in the specification's order, each failure its own
//! [`WebAuthnError`].

use ciborium::Value;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::attestation::{self, Attestation, Signed};
use super::authenticator_data::{AuthenticatorData, BE, BS, UP, UV};
use super::client_data::ClientData;
use super::cose::CredentialKey;
use super::WebAuthnError;

/// Whether the user must be verified (a PIN, a biometric), as `userVerification` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserVerification {
    /// The UV flag must be set.
    Required,
    /// Asked for, not required.
    Preferred,
    /// Not asked for.
    Discouraged,
}

/// What the relying party expects of a ceremony.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The challenge it issued, as bytes.
    pub challenge: &'a [u8],
    /// Its RP ID (a domain, e.g. `example.com`).
    pub rp_id: &'a str,
    /// The origins its pages are served from (`https://example.com`).
    pub origins: &'a [String],
    /// Whether the user must be verified.
    pub user_verification: UserVerification,
    /// The COSE algorithms it offered (registration only).
    pub algorithms: &'a [i64],
}

/// A registration's answer (`AuthenticatorAttestationResponse`), decoded from base64url.
#[derive(Debug, Clone, Copy)]
pub struct Registration<'a> {
    /// `clientDataJSON`.
    pub client_data_json: &'a [u8],
    /// `attestationObject`.
    pub attestation_object: &'a [u8],
    /// When it arrived, in seconds since the Unix epoch: an attestation certificate must be valid then.
    pub now_secs: u64,
}

/// A registered credential: what the relying party stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCredential {
    /// The credential id.
    pub id: Vec<u8>,
    /// Its public key, COSE in CBOR.
    pub public_key_cose: Vec<u8>,
    /// Its COSE algorithm.
    pub algorithm: i64,
    /// The signature counter at registration.
    pub sign_count: u32,
    /// Whether the user was verified.
    pub user_verified: bool,
    /// Backup eligible (a synced passkey may be backed up).
    pub backup_eligible: bool,
    /// Backed up now.
    pub backed_up: bool,
    /// The authenticator model's AAGUID.
    pub aaguid: [u8; 16],
    /// The attestation format (`none` or `packed`).
    pub attestation_format: String,
    /// What the attestation statement proved.
    pub attestation: Attestation,
}

/// A sign-in's answer (`AuthenticatorAssertionResponse`), decoded from base64url.
#[derive(Debug, Clone, Copy)]
pub struct Assertion<'a> {
    /// `clientDataJSON`.
    pub client_data_json: &'a [u8],
    /// `authenticatorData`.
    pub authenticator_data: &'a [u8],
    /// `signature`.
    pub signature: &'a [u8],
}

/// The stored credential an assertion names.
#[derive(Debug, Clone, Copy)]
pub struct StoredCredential<'a> {
    /// Its public key, COSE in CBOR.
    pub public_key_cose: &'a [u8],
    /// The last signature counter seen.
    pub sign_count: u32,
    /// Its backup eligibility at registration (which never changes).
    pub backup_eligible: bool,
}

/// What a verified assertion changes: the counter to store, and the flags seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssertionOutcome {
    /// The new signature counter.
    pub sign_count: u32,
    /// Whether the user was verified.
    pub user_verified: bool,
    /// Backed up now.
    pub backed_up: bool,
}

/// §7.1 steps 5-12: the client data of `kind`, for `expected`; returns SHA-256 of the JSON.
fn check_client_data(
    json: &[u8],
    kind: &str,
    expected: &Expected<'_>,
) -> Result<[u8; 32], WebAuthnError> {
    let client = ClientData::parse(json)?;
    if client.kind != kind {
        return Err(WebAuthnError::CeremonyType);
    }
    let challenge = client.challenge_bytes()?;
    if !bool::from(challenge.as_slice().ct_eq(expected.challenge)) {
        return Err(WebAuthnError::Challenge);
    }
    if !expected.origins.contains(&client.origin) {
        return Err(WebAuthnError::Origin);
    }
    if client.cross_origin == Some(true) || client.top_origin.is_some() {
        return Err(WebAuthnError::CrossOrigin);
    }
    Ok(Sha256::digest(json).into())
}

/// §7.1 steps 13-17 and §7.2 steps 15-18: the RP ID hash, UP, UV as required, and BS only with BE.
fn check_flags(data: &AuthenticatorData, expected: &Expected<'_>) -> Result<(), WebAuthnError> {
    let rp_id_hash: [u8; 32] = Sha256::digest(expected.rp_id.as_bytes()).into();
    if !bool::from(data.rp_id_hash.ct_eq(&rp_id_hash)) {
        return Err(WebAuthnError::RpIdHash);
    }
    if !data.has(UP) {
        return Err(WebAuthnError::UserPresence);
    }
    if expected.user_verification == UserVerification::Required && !data.has(UV) {
        return Err(WebAuthnError::UserVerification);
    }
    if data.has(BS) && !data.has(BE) {
        return Err(WebAuthnError::BackupFlags);
    }
    Ok(())
}

/// Registers a credential (WebAuthn §7.1): the client data, the attestation object, the authenticator data, the
/// credential's key and algorithm, and the attestation statement (`none`, or `packed`: self or full attestation).
pub fn verify_registration(
    response: &Registration<'_>,
    expected: &Expected<'_>,
) -> Result<NewCredential, WebAuthnError> {
    let client_data_hash =
        check_client_data(response.client_data_json, "webauthn.create", expected)?;
    let attestation: Value = ciborium::from_reader(response.attestation_object)
        .map_err(|_| WebAuthnError::AttestationObject)?;
    let map = attestation
        .as_map()
        .ok_or(WebAuthnError::AttestationObject)?;
    let field = |name: &str| {
        map.iter()
            .find(|(k, _)| k.as_text() == Some(name))
            .map(|(_, v)| v)
    };
    let (Some(fmt), Some(statement), Some(auth_data)) = (
        field("fmt").and_then(Value::as_text),
        field("attStmt").and_then(Value::as_map),
        field("authData").and_then(Value::as_bytes),
    ) else {
        return Err(WebAuthnError::AttestationObject);
    };
    let data = AuthenticatorData::parse(auth_data)?;
    check_flags(&data, expected)?;
    let attested = data.attested.as_ref().ok_or(WebAuthnError::NoCredential)?;
    let key = CredentialKey::from_cose(&attested.public_key_cose)?;
    if !expected.algorithms.contains(&key.algorithm()) {
        return Err(WebAuthnError::Algorithm);
    }
    let attestation = attestation::verify(
        fmt,
        statement,
        &Signed {
            key: &key,
            auth_data,
            client_data_hash: &client_data_hash,
            aaguid: &attested.aaguid,
            now_secs: response.now_secs,
        },
    )?;
    Ok(NewCredential {
        id: attested.credential_id.clone(),
        public_key_cose: attested.public_key_cose.clone(),
        algorithm: key.algorithm(),
        sign_count: data.sign_count,
        user_verified: data.has(UV),
        backup_eligible: data.has(BE),
        backed_up: data.has(BS),
        aaguid: attested.aaguid,
        attestation_format: fmt.to_owned(),
        attestation,
    })
}

/// Verifies an assertion (WebAuthn §7.2) by `stored`: the client data, the authenticator data's RP ID hash and
/// flags, backup eligibility unchanged, the signature over authenticator data and the client data's hash, and
/// the counter: it must grow, unless both it and the stored one are zero (authenticators that keep none).
pub fn verify_authentication(
    assertion: &Assertion<'_>,
    expected: &Expected<'_>,
    stored: &StoredCredential<'_>,
) -> Result<AssertionOutcome, WebAuthnError> {
    let client_data_hash = check_client_data(assertion.client_data_json, "webauthn.get", expected)?;
    let data = AuthenticatorData::parse(assertion.authenticator_data)?;
    check_flags(&data, expected)?;
    if data.has(BE) != stored.backup_eligible {
        return Err(WebAuthnError::BackupFlags);
    }
    let key = CredentialKey::from_cose(stored.public_key_cose)?;
    let mut signed = assertion.authenticator_data.to_vec();
    signed.extend_from_slice(&client_data_hash);
    if !key.verifies(&signed, assertion.signature) {
        return Err(WebAuthnError::Signature);
    }
    if (data.sign_count != 0 || stored.sign_count != 0) && data.sign_count <= stored.sign_count {
        return Err(WebAuthnError::Counter);
    }
    Ok(AssertionOutcome {
        sign_count: data.sign_count,
        user_verified: data.has(UV),
        backed_up: data.has(BS),
    })
}
