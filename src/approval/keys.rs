//! The keys approval tokens are signed and checked with: P-256 (ES256) keys read from PEM, each named by its
//! RFC 7638 JWK thumbprint (`kid`), and the JWKS that publishes the public halves.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use p256::ecdsa::{SigningKey as EcdsaSigningKey, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use p256::SecretKey;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The private key approval tokens are signed with, and its `kid`.
#[derive(Clone)]
pub struct SigningKey {
    key: EcdsaSigningKey,
    public: PublicKey,
}

/// A public key tokens are checked with, and its `kid`.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
    kid: String,
}

/// Why a key setting cannot be used. Never quotes the setting (it may hold a private key).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// No `-----BEGIN ...-----` block where one was expected.
    #[error("holds no PEM block")]
    NoPem,
    /// A PEM block that is not a P-256 key of the kind expected.
    #[error("block {0} is not a P-256 key (PKCS#8 or SEC1 private key, or SPKI public key)")]
    NotP256(usize),
    /// A public key where the signing key must be private.
    #[error("is a public key; the signing key must be the private key")]
    PublicOnly,
    /// More than one key where one is expected.
    #[error("holds more than one key")]
    MoreThanOne,
}

/// One JWK of the JWKS (RFC 7517): an EC P-256 public key for ES256 signatures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Jwk {
    /// `EC`.
    pub kty: &'static str,
    /// `P-256`.
    pub crv: &'static str,
    /// The x coordinate, base64url.
    pub x: String,
    /// The y coordinate, base64url.
    pub y: String,
    /// The key's id: its RFC 7638 thumbprint.
    pub kid: String,
    /// `sig`.
    #[serde(rename = "use")]
    pub use_: &'static str,
    /// `ES256`.
    pub alg: &'static str,
}

/// A JSON Web Key Set: what `/.well-known/jwks.json` serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Jwks {
    /// The current key first, then the previous ones still accepted.
    pub keys: Vec<Jwk>,
}

impl SigningKey {
    /// Reads the signing key: one PEM private key (PKCS#8 `PRIVATE KEY` as `openssl genpkey` writes it, or SEC1
    /// `EC PRIVATE KEY`). Literal `\n` stand for line breaks, so the key also fits on one line of `.dev.vars`.
    pub fn from_pem(text: &str) -> Result<Self, KeyError> {
        let mut keys = read_pem_keys(text)?;
        if keys.len() > 1 {
            return Err(KeyError::MoreThanOne);
        }
        match keys.pop() {
            Some(PemKey::Private(secret)) => Ok(Self::from_secret(&secret)),
            Some(PemKey::Public(_)) => Err(KeyError::PublicOnly),
            None => Err(KeyError::NoPem),
        }
    }

    fn from_secret(secret: &SecretKey) -> Self {
        let key = EcdsaSigningKey::from(secret);
        let public = PublicKey::new(*key.verifying_key());
        Self { key, public }
    }

    /// The key's id.
    pub fn kid(&self) -> &str {
        &self.public.kid
    }

    /// Its public half.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The ES256 signature of `message`: r and s, 32 bytes each (RFC 7518 §3.4), deterministic (RFC 6979).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        use p256::ecdsa::signature::Signer as _;
        let signature: p256::ecdsa::Signature = self.key.sign(message);
        let mut bytes = [0u8; 64];
        bytes.copy_from_slice(&signature.to_bytes());
        bytes
    }
}

impl PublicKey {
    fn new(key: VerifyingKey) -> Self {
        let kid = thumbprint(&key);
        Self { key, kid }
    }

    /// Reads public keys: PEM blocks of SPKI `PUBLIC KEY`s, or of private keys (their public halves are taken, so
    /// a retired signing key can be moved here as it is). Literal `\n` stand for line breaks.
    pub fn all_from_pem(text: &str) -> Result<Vec<Self>, KeyError> {
        Ok(read_pem_keys(text)?
            .into_iter()
            .map(|key| match key {
                PemKey::Private(secret) => SigningKey::from_secret(&secret).public,
                PemKey::Public(public) => public,
            })
            .collect())
    }

    /// The key's id: its RFC 7638 JWK thumbprint (SHA-256, base64url), the same whoever computes it.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Whether `signature` (r and s, 64 bytes) is this key's ES256 signature of `message`.
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        use p256::ecdsa::signature::Verifier as _;
        p256::ecdsa::Signature::from_slice(signature)
            .is_ok_and(|signature| self.key.verify(message, &signature).is_ok())
    }

    /// The key as a JWK.
    pub fn jwk(&self) -> Jwk {
        let (x, y) = coordinates(&self.key);
        Jwk {
            kty: "EC",
            crv: "P-256",
            x,
            y,
            kid: self.kid.clone(),
            use_: "sig",
            alg: "ES256",
        }
    }
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the private key.
        write!(f, "SigningKey({})", self.kid())
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.kid)
    }
}

enum PemKey {
    Private(SecretKey),
    Public(PublicKey),
}

/// Every PEM block of `text`, as a P-256 key.
fn read_pem_keys(text: &str) -> Result<Vec<PemKey>, KeyError> {
    let text = text.replace("\\n", "\n");
    let mut keys = Vec::new();
    let mut rest = text.as_str();
    while let Some(begin) = rest.find("-----BEGIN ") {
        let block = &rest[begin..];
        let Some(label_end) = block["-----BEGIN ".len()..].find("-----") else {
            break;
        };
        let label = &block["-----BEGIN ".len().."-----BEGIN ".len() + label_end];
        let end_marker = format!("-----END {label}-----");
        let Some(end) = block.find(&end_marker) else {
            return Err(KeyError::NotP256(keys.len() + 1));
        };
        let pem = block[..end + end_marker.len()].trim();
        let key = if label == "PUBLIC KEY" {
            p256::PublicKey::from_public_key_pem(pem)
                .ok()
                .map(|public| PemKey::Public(PublicKey::new(VerifyingKey::from(public))))
        } else {
            SecretKey::from_pem(pem).ok().map(PemKey::Private)
        };
        keys.push(key.ok_or(KeyError::NotP256(keys.len() + 1))?);
        rest = &block[end + end_marker.len()..];
    }
    if keys.is_empty() {
        return Err(KeyError::NoPem);
    }
    Ok(keys)
}

fn coordinates(key: &VerifyingKey) -> (String, String) {
    let point = key.to_sec1_point(false);
    let x = point
        .x()
        .map(|x| URL_SAFE_NO_PAD.encode(x))
        .unwrap_or_default();
    let y = point
        .y()
        .map(|y| URL_SAFE_NO_PAD.encode(y))
        .unwrap_or_default();
    (x, y)
}

/// RFC 7638: SHA-256 of the required members in lexicographic order, no whitespace.
fn thumbprint(key: &VerifyingKey) -> String {
    let (x, y) = coordinates(key);
    let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}
