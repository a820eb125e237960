//! Attestation statements (WebAuthn §8): what a registration's `attStmt` proves about the credential. `none`
//! (§8.7) proves nothing and must be empty; `packed` (§8.2) is either self attestation (signed by the credential's
//! own key) or full attestation, signed by an attestation certificate (`x5c`) that must meet §8.2.1.
//!
//! Trust: full attestation is checked as far as the statement itself goes (the signature, the certificate's
//! requirements and validity, its AAGUID extension) and then treated as WebAuthn's note to §7.1 step 24 permits, as
//! self attestation: the Worker holds no list of attestation roots (no FIDO Metadata Service), so the chain in
//! `x5c` is not judged and [`Attestation::Basic`] says so.

use ciborium::Value;
use x509_cert::der::asn1::OctetString;
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::BasicConstraints;
use x509_cert::{Certificate, Version};

use super::cose::{CredentialKey, EDDSA, ES256, RS256};
use super::WebAuthnError;

/// `id-fido-gen-ce-aaguid` (1.3.6.1.4.1.45724.1.1.4): the authenticator model's AAGUID in its certificate.
const ID_FIDO_GEN_CE_AAGUID: x509_cert::der::oid::ObjectIdentifier =
    x509_cert::der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.45724.1.1.4");
/// `id-Ed25519` (RFC 8410).
const ID_ED25519: x509_cert::der::oid::ObjectIdentifier =
    x509_cert::der::oid::ObjectIdentifier::new_unwrap("1.3.101.112");
/// `rsaEncryption` (RFC 8017).
const RSA_ENCRYPTION: x509_cert::der::oid::ObjectIdentifier =
    x509_cert::der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// The subject's OU that §8.2.1 requires, literally.
const ATTESTATION_OU: &str = "Authenticator Attestation";

/// What an attestation statement proved (WebAuthn §6.5.4's attestation types, as far as this relying party can
/// tell them apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attestation {
    /// `none`: nothing about the authenticator.
    None,
    /// `packed` without a certificate: the credential signed its own registration.
    SelfAttestation,
    /// `packed` with a certificate (`x5c`) that meets §8.2.1 and signed the registration. Whether the certificate
    /// chains to a trusted root is not judged (no attestation roots are configured).
    Basic,
}

/// What the statement signs, and what it is checked against.
pub(super) struct Signed<'a> {
    /// The credential's key (self attestation signs with it, and its algorithm is the statement's `alg`).
    pub key: &'a CredentialKey,
    /// The authenticator data, as signed.
    pub auth_data: &'a [u8],
    /// SHA-256 of `clientDataJSON`.
    pub client_data_hash: &'a [u8; 32],
    /// The AAGUID the authenticator data names.
    pub aaguid: &'a [u8; 16],
    /// Now, in seconds since the Unix epoch: the certificate must be within its validity period.
    pub now_secs: u64,
}

/// §7.1 steps 19-21: the statement of format `fmt` verified by its format's procedure.
pub(super) fn verify(
    fmt: &str,
    statement: &[(Value, Value)],
    signed: &Signed<'_>,
) -> Result<Attestation, WebAuthnError> {
    match fmt {
        "none" if statement.is_empty() => Ok(Attestation::None),
        "none" => Err(WebAuthnError::AttestationStatement),
        "packed" => packed(statement, signed),
        _ => Err(WebAuthnError::AttestationFormat),
    }
}

/// `packed` (§8.2): `alg` and `sig`, and for full attestation `x5c`, the attestation certificate first. With `x5c`,
/// `sig` is the certificate key's signature (with `alg`) of authenticator data followed by the client data's hash,
/// and the certificate meets §8.2.1; without, `alg` is the credential's and so is the signature.
fn packed(statement: &[(Value, Value)], signed: &Signed<'_>) -> Result<Attestation, WebAuthnError> {
    let field = |name: &str| {
        statement
            .iter()
            .find(|(k, _)| k.as_text() == Some(name))
            .map(|(_, v)| v)
    };
    let alg = field("alg")
        .and_then(Value::as_integer)
        .and_then(|i| i64::try_from(i).ok());
    let sig = field("sig").and_then(Value::as_bytes);
    let (Some(alg), Some(sig)) = (alg, sig) else {
        return Err(WebAuthnError::AttestationStatement);
    };
    let mut message = signed.auth_data.to_vec();
    message.extend_from_slice(signed.client_data_hash);
    let (verifier, attestation) = match field("x5c") {
        None => (signed.key.clone(), Attestation::SelfAttestation),
        Some(x5c) => {
            let chain = x5c.as_array().ok_or(WebAuthnError::AttestationStatement)?;
            let mut certificates = chain.iter().map(Value::as_bytes);
            let Some(Some(first)) = certificates.next() else {
                return Err(WebAuthnError::AttestationStatement);
            };
            // The rest of the chain must at least be certificates (byte strings); it is not judged (no roots).
            if certificates.any(|c| c.is_none()) {
                return Err(WebAuthnError::AttestationStatement);
            }
            let key = attestation_certificate(first, signed.aaguid, signed.now_secs)?;
            (key, Attestation::Basic)
        }
    };
    if alg != verifier.algorithm() || !verifier.verifies(&message, sig) {
        return Err(WebAuthnError::AttestationStatement);
    }
    Ok(attestation)
}

/// §8.2.1: the attestation certificate is X.509 version 3; its subject has C (two letters, ISO 3166, either case),
/// O, the OU "Authenticator Attestation" and CN; it is not a CA (Basic Constraints); it is within its validity period
/// at `now_secs`; and an `id-fido-gen-ce-aaguid` extension, if present, is not critical and holds `aaguid`. Returns
/// its public key (P-256, Ed25519 or RSA).
fn attestation_certificate(
    der: &[u8],
    aaguid: &[u8; 16],
    now_secs: u64,
) -> Result<CredentialKey, WebAuthnError> {
    let bad = || WebAuthnError::AttestationCertificate;
    let certificate = Certificate::from_der(der).map_err(|_| bad())?;
    let tbs = certificate.tbs_certificate();
    if tbs.version() != Version::V3 {
        return Err(bad());
    }
    let subject = tbs.subject();
    let country = subject.country().ok().flatten().ok_or_else(bad)?;
    let country = country.as_str();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(bad());
    }
    let text = |value: Option<x509_cert::ext::pkix::name::DirectoryString>| {
        value.map(|v| v.value().into_owned())
    };
    let organization = text(subject.organization().ok().flatten());
    let unit = text(subject.organization_unit().ok().flatten());
    let common_name = text(subject.common_name().ok().flatten());
    if organization.is_none_or(|o| o.is_empty())
        || unit.as_deref() != Some(ATTESTATION_OU)
        || common_name.is_none_or(|cn| cn.is_empty())
    {
        return Err(bad());
    }
    let validity = tbs.validity();
    if now_secs < validity.not_before.to_unix_duration().as_secs()
        || now_secs > validity.not_after.to_unix_duration().as_secs()
    {
        return Err(bad());
    }
    match tbs.get_extension::<BasicConstraints>() {
        Ok(None) | Ok(Some((_, BasicConstraints { ca: false, .. }))) => {}
        _ => return Err(bad()),
    }
    let mut aaguid_extensions = tbs
        .extensions()
        .into_iter()
        .flatten()
        .filter(|extension| extension.extn_id == ID_FIDO_GEN_CE_AAGUID);
    if let Some(extension) = aaguid_extensions.next() {
        let value = OctetString::from_der(extension.extn_value.as_bytes()).map_err(|_| bad())?;
        if extension.critical
            || value.as_bytes() != aaguid.as_slice()
            || aaguid_extensions.next().is_some()
        {
            return Err(bad());
        }
    }
    public_key(tbs.subject_public_key_info()).ok_or_else(bad)
}

/// The certificate's key, as the algorithm it signs with: P-256 (ES256), Ed25519 (EdDSA) or RSA (RS256).
fn public_key(spki: &x509_cert::spki::SubjectPublicKeyInfoOwned) -> Option<CredentialKey> {
    let algorithm = spki.algorithm.oid;
    let bits = spki.subject_public_key.as_bytes()?;
    if algorithm == ID_ED25519 {
        return CredentialKey::from_parts(EDDSA, &[bits]).ok();
    }
    if algorithm == RSA_ENCRYPTION {
        // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1).
        let (n, e) = rsa_public_key(bits)?;
        return CredentialKey::from_parts(RS256, &[n, e]).ok();
    }
    // id-ecPublicKey on P-256: p256 checks the algorithm and curve identifiers itself.
    let der = spki.to_der().ok()?;
    CredentialKey::from_p256_spki(&der)
        .ok()
        .filter(|k| k.algorithm() == ES256)
}

/// The modulus and exponent of a DER `RSAPublicKey`, big-endian, without leading zeros.
fn rsa_public_key(der: &[u8]) -> Option<(&[u8], &[u8])> {
    use x509_cert::der::asn1::UintRef;
    use x509_cert::der::{Reader, SliceReader};
    let mut reader = SliceReader::new(der).ok()?;
    let (n, e) = reader
        .sequence(|sequence| {
            let n = UintRef::decode(sequence)?;
            let e = UintRef::decode(sequence)?;
            Ok::<_, x509_cert::der::Error>((n.as_bytes(), e.as_bytes()))
        })
        .ok()?;
    reader.finish().ok()?;
    Some((n, e))
}
