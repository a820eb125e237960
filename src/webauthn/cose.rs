//! The credential's public key as COSE (RFC 9052/9053, and RFC 8230 for RSA): read from its CBOR map, and the
//! signatures it verifies. ES256 (-7, P-256, signatures ASN.1 DER as WebAuthn has them), EdDSA (-8, Ed25519) and
//! RS256 (-257, PKCS#1 v1.5 with SHA-256): what browsers and authenticators create, and what relying parties are
//! told to offer.

use ciborium::Value;

use super::WebAuthnError;

/// COSE's ES256.
pub const ES256: i64 = -7;
/// COSE's EdDSA (Ed25519 here).
pub const EDDSA: i64 = -8;
/// COSE's RS256.
pub const RS256: i64 = -257;
/// What the relying party offers, most preferred first (`pubKeyCredParams`).
pub const OFFERED: [i64; 3] = [ES256, EDDSA, RS256];

/// A credential public key, ready to verify.
#[derive(Debug, Clone)]
pub enum CredentialKey {
    /// P-256 with SHA-256.
    Es256(p256::ecdsa::VerifyingKey),
    /// Ed25519.
    EdDsa(ed25519_dalek::VerifyingKey),
    /// RSA, PKCS#1 v1.5, SHA-256.
    Rs256(rsa::PublicKey),
}

impl CredentialKey {
    /// Reads a COSE_Key: its `kty` (1), `alg` (3) and parameters; anything else (another curve, a point off the
    /// curve, an RSA key out of 2048..=4096 bits) is [`WebAuthnError::CredentialKey`].
    pub fn from_cose(cbor: &[u8]) -> Result<Self, WebAuthnError> {
        let bad = || WebAuthnError::CredentialKey;
        let value: Value = ciborium::from_reader(cbor).map_err(|_| bad())?;
        let map = value.as_map().ok_or_else(bad)?;
        let get = |label: i64| {
            map.iter()
                .find(|(k, _)| k.as_integer().and_then(|i| i64::try_from(i).ok()) == Some(label))
                .map(|(_, v)| v)
        };
        let int = |label: i64| {
            get(label)
                .and_then(Value::as_integer)
                .and_then(|i| i64::try_from(i).ok())
        };
        let bytes = |label: i64| get(label).and_then(Value::as_bytes);
        match (int(1), int(3)) {
            // EC2, ES256, crv P-256, x and y.
            (Some(2), Some(ES256)) => {
                let (Some(1), Some(x), Some(y)) = (int(-1), bytes(-2), bytes(-3)) else {
                    return Err(bad());
                };
                if x.len() != 32 || y.len() != 32 {
                    return Err(bad());
                }
                let mut point = vec![0x04];
                point.extend_from_slice(x);
                point.extend_from_slice(y);
                Self::from_parts(ES256, &[&point])
            }
            // OKP, EdDSA, crv Ed25519, x.
            (Some(1), Some(EDDSA)) => {
                let (Some(6), Some(x)) = (int(-1), bytes(-2)) else {
                    return Err(bad());
                };
                Self::from_parts(EDDSA, &[x])
            }
            // RSA, RS256, n and e.
            (Some(3), Some(RS256)) => {
                let (Some(n), Some(e)) = (bytes(-1), bytes(-2)) else {
                    return Err(bad());
                };
                Self::from_parts(RS256, &[n, e])
            }
            _ => Err(bad()),
        }
    }

    /// The key of `algorithm` from its raw parts: ES256 an uncompressed SEC1 point, EdDSA the 32-byte Ed25519 key,
    /// RS256 the modulus and the exponent (big-endian). Anything else is [`WebAuthnError::CredentialKey`].
    pub fn from_parts(algorithm: i64, parts: &[&[u8]]) -> Result<Self, WebAuthnError> {
        let key = match (algorithm, parts) {
            (ES256, [point]) => p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .ok()
                .map(Self::Es256),
            (EDDSA, [x]) => <&[u8; 32]>::try_from(*x)
                .ok()
                .and_then(|x| ed25519_dalek::VerifyingKey::from_bytes(x).ok())
                .map(Self::EdDsa),
            (RS256, [n, e]) => {
                let n = rsa::BoxedUint::from_be_slice_vartime(n);
                let e = rsa::BoxedUint::from_be_slice_vartime(e);
                rsa::PublicKey::new(n, e).ok().map(Self::Rs256)
            }
            _ => None,
        };
        key.ok_or(WebAuthnError::CredentialKey)
    }

    /// A P-256 key from its DER `SubjectPublicKeyInfo` (`id-ecPublicKey`, `prime256v1`), as certificates carry it.
    pub fn from_p256_spki(der: &[u8]) -> Result<Self, WebAuthnError> {
        use p256::pkcs8::DecodePublicKey as _;
        p256::ecdsa::VerifyingKey::from_public_key_der(der)
            .map(Self::Es256)
            .map_err(|_| WebAuthnError::CredentialKey)
    }

    /// The key's COSE algorithm.
    pub fn algorithm(&self) -> i64 {
        match self {
            Self::Es256(_) => ES256,
            Self::EdDsa(_) => EDDSA,
            Self::Rs256(_) => RS256,
        }
    }

    /// Whether `signature` is this key's signature of `message` (ES256 in DER, as WebAuthn carries it).
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            Self::Es256(key) => {
                use p256::ecdsa::signature::Verifier as _;
                p256::ecdsa::Signature::from_der(signature)
                    .is_ok_and(|signature| key.verify(message, &signature).is_ok())
            }
            Self::EdDsa(key) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|signature| key.verify_strict(message, &signature).is_ok()),
            Self::Rs256(key) => key
                .pkcs1v15_verify::<sha2::Sha256>(message, signature)
                .is_ok(),
        }
    }
}
