//! WebAuthn (Level 3) in the core: what a relying party checks when a passkey is registered
//! ([`ceremony::verify_registration`], §7.1) and when it signs in ([`ceremony::verify_authentication`], §7.2).
//! Plain Rust and plain data: the engine supplies the challenge it issued, the relying party's settings and the
//! stored credential; the answer is the new credential, or the counter to store, or the step that refused.
//!
//! Parsing: `clientDataJSON` ([`client_data`]), authenticator data ([`authenticator_data`]), the attestation object
//! and the credential's COSE key ([`cose`], CBOR read by `ciborium`), the attestation statement ([`attestation`],
//! certificates read by `x509-cert`). Signatures: ES256 (`p256`), EdDSA
//! (`ed25519-dalek`), RS256 (`rsa`), never our own primitives.

pub mod attestation;
pub mod authenticator_data;
pub mod ceremony;
pub mod client_data;
pub mod cose;

/// Why a registration or an authentication is refused: the step of WebAuthn's procedure that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WebAuthnError {
    /// `clientDataJSON` is not the JSON a WebAuthn client writes (base64url, UTF-8, its members).
    #[error("clientDataJSON is not the JSON a WebAuthn client writes")]
    ClientData,
    /// `clientDataJSON.type` is not the ceremony's (`webauthn.create` or `webauthn.get`).
    #[error("clientDataJSON.type is not this ceremony's")]
    CeremonyType,
    /// `clientDataJSON.challenge` is not the challenge the relying party issued.
    #[error("the challenge is not the one issued")]
    Challenge,
    /// `clientDataJSON.origin` is not one of the relying party's origins.
    #[error("the origin is not one of the relying party's")]
    Origin,
    /// The ceremony ran in a cross-origin frame (`crossOrigin` true, or a `topOrigin`), which is not accepted.
    #[error("the ceremony ran in a cross-origin frame")]
    CrossOrigin,
    /// The attestation object is not CBOR of `fmt`, `attStmt` and `authData`.
    #[error("the attestation object is not CBOR of fmt, attStmt and authData")]
    AttestationObject,
    /// Authenticator data too short, or its lengths do not add up.
    #[error("the authenticator data is malformed")]
    AuthenticatorData,
    /// `rpIdHash` is not SHA-256 of the relying party's id.
    #[error("the authenticator data is for another relying party id")]
    RpIdHash,
    /// The user-present flag (UP) is not set.
    #[error("the user was not present (UP flag)")]
    UserPresence,
    /// User verification is required and the UV flag is not set.
    #[error("user verification is required and was not performed (UV flag)")]
    UserVerification,
    /// Backed up (BS) without backup eligibility (BE), or eligibility changed since registration.
    #[error("the backup flags are inconsistent (BS without BE, or BE changed)")]
    BackupFlags,
    /// A registration without attested credential data (the AT flag).
    #[error("the registration carries no credential (AT flag)")]
    NoCredential,
    /// A credential id over 1023 bytes.
    #[error("the credential id is longer than 1023 bytes")]
    CredentialId,
    /// The credential's public key is not a COSE key of a supported algorithm.
    #[error("the credential's public key is not a supported COSE key")]
    CredentialKey,
    /// The credential's algorithm is not one the relying party offered.
    #[error("the credential's algorithm was not offered")]
    Algorithm,
    /// An attestation format other than `none` and `packed`.
    #[error("the attestation format is not supported (none, packed)")]
    AttestationFormat,
    /// A `packed` (or `none`) attestation statement that does not verify or is not well-formed.
    #[error("the attestation statement does not verify")]
    AttestationStatement,
    /// A `packed` attestation certificate that does not meet WebAuthn §8.2.1 (version 3; subject C, O, CN and the OU
    /// "Authenticator Attestation"; not a CA; an AAGUID extension not critical and matching), is outside its
    /// validity period, or whose key is not one we verify.
    #[error("the attestation certificate does not meet WebAuthn's requirements (§8.2.1) or is not valid now")]
    AttestationCertificate,
    /// The assertion's signature does not verify with the stored credential's key.
    #[error("the signature does not verify")]
    Signature,
    /// The signature counter did not increase: a cloned authenticator (unless both counters are zero).
    #[error("the signature counter did not increase (a cloned authenticator?)")]
    Counter,
}

impl WebAuthnError {
    /// Every step, for the error catalogue's tests.
    pub const ALL: [Self; 20] = [
        Self::ClientData,
        Self::CeremonyType,
        Self::Challenge,
        Self::Origin,
        Self::CrossOrigin,
        Self::AttestationObject,
        Self::AuthenticatorData,
        Self::RpIdHash,
        Self::UserPresence,
        Self::UserVerification,
        Self::BackupFlags,
        Self::NoCredential,
        Self::CredentialId,
        Self::CredentialKey,
        Self::Algorithm,
        Self::AttestationFormat,
        Self::AttestationStatement,
        Self::AttestationCertificate,
        Self::Signature,
        Self::Counter,
    ];

    /// The step as `details.reason` names it.
    pub fn reason(self) -> &'static str {
        match self {
            Self::ClientData => "WEBAUTHN_CLIENT_DATA",
            Self::CeremonyType => "WEBAUTHN_CEREMONY_TYPE",
            Self::Challenge => "WEBAUTHN_CHALLENGE",
            Self::Origin => "WEBAUTHN_ORIGIN",
            Self::CrossOrigin => "WEBAUTHN_CROSS_ORIGIN",
            Self::AttestationObject => "WEBAUTHN_ATTESTATION_OBJECT",
            Self::AuthenticatorData => "WEBAUTHN_AUTHENTICATOR_DATA",
            Self::RpIdHash => "WEBAUTHN_RP_ID_HASH",
            Self::UserPresence => "WEBAUTHN_USER_PRESENCE",
            Self::UserVerification => "WEBAUTHN_USER_VERIFICATION",
            Self::BackupFlags => "WEBAUTHN_BACKUP_FLAGS",
            Self::NoCredential => "WEBAUTHN_NO_CREDENTIAL",
            Self::CredentialId => "WEBAUTHN_CREDENTIAL_ID",
            Self::CredentialKey => "WEBAUTHN_CREDENTIAL_KEY",
            Self::Algorithm => "WEBAUTHN_ALGORITHM",
            Self::AttestationFormat => "WEBAUTHN_ATTESTATION_FORMAT",
            Self::AttestationStatement => "WEBAUTHN_ATTESTATION_STATEMENT",
            Self::AttestationCertificate => "WEBAUTHN_ATTESTATION_CERTIFICATE",
            Self::Signature => "WEBAUTHN_SIGNATURE",
            Self::Counter => "WEBAUTHN_COUNTER",
        }
    }
}
