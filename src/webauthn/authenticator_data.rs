//! Authenticator data (WebAuthn §6.1): the RP ID hash, the flags, the signature counter, and at registration the
//! attested credential data (AAGUID, credential id, COSE public key).

use super::WebAuthnError;

/// User present.
pub const UP: u8 = 0x01;
/// User verified.
pub const UV: u8 = 0x04;
/// Backup eligible.
pub const BE: u8 = 0x08;
/// Backed up.
pub const BS: u8 = 0x10;
/// Attested credential data included.
pub const AT: u8 = 0x40;
/// Extension data included.
pub const ED: u8 = 0x80;

/// The longest credential id WebAuthn allows.
pub const MAX_CREDENTIAL_ID: usize = 1023;

/// Authenticator data, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatorData {
    /// SHA-256 of the RP ID the authenticator scoped the credential to.
    pub rp_id_hash: [u8; 32],
    /// UP, UV, BE, BS, AT, ED.
    pub flags: u8,
    /// The signature counter (0 when the authenticator keeps none).
    pub sign_count: u32,
    /// At registration (AT): the credential.
    pub attested: Option<AttestedCredential>,
}

/// Attested credential data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttestedCredential {
    /// The authenticator model's AAGUID (zeros for `none` attestation).
    pub aaguid: [u8; 16],
    /// The credential id.
    pub credential_id: Vec<u8>,
    /// The credential public key, a COSE_Key in CBOR, as the authenticator wrote it.
    pub public_key_cose: Vec<u8>,
}

impl AuthenticatorData {
    /// Reads authenticator data: 37 bytes, then the attested credential data when AT is set (its COSE key's
    /// length found by reading its CBOR), then extensions when ED is set.
    pub fn parse(bytes: &[u8]) -> Result<Self, WebAuthnError> {
        let malformed = || WebAuthnError::AuthenticatorData;
        if bytes.len() < 37 {
            return Err(malformed());
        }
        let mut rp_id_hash = [0; 32];
        rp_id_hash.copy_from_slice(&bytes[..32]);
        let flags = bytes[32];
        let sign_count = u32::from_be_bytes([bytes[33], bytes[34], bytes[35], bytes[36]]);
        let mut rest = &bytes[37..];
        let attested = if flags & AT != 0 {
            if rest.len() < 18 {
                return Err(malformed());
            }
            let mut aaguid = [0; 16];
            aaguid.copy_from_slice(&rest[..16]);
            let id_len = usize::from(u16::from_be_bytes([rest[16], rest[17]]));
            if id_len > MAX_CREDENTIAL_ID {
                return Err(WebAuthnError::CredentialId);
            }
            rest = &rest[18..];
            if rest.len() < id_len {
                return Err(malformed());
            }
            let credential_id = rest[..id_len].to_vec();
            rest = &rest[id_len..];
            let key_len = cbor_item_len(rest).ok_or_else(malformed)?;
            let public_key_cose = rest[..key_len].to_vec();
            rest = &rest[key_len..];
            Some(AttestedCredential {
                aaguid,
                credential_id,
                public_key_cose,
            })
        } else {
            None
        };
        if flags & ED != 0 {
            let len = cbor_item_len(rest).ok_or_else(malformed)?;
            rest = &rest[len..];
        }
        if !rest.is_empty() {
            return Err(malformed());
        }
        Ok(Self {
            rp_id_hash,
            flags,
            sign_count,
            attested,
        })
    }

    /// Whether `flag` is set.
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// The length in bytes of the one CBOR data item at the start of `bytes`, read by `ciborium` (so the COSE key's
/// end is where CBOR says, not where we guess).
fn cbor_item_len(bytes: &[u8]) -> Option<usize> {
    let mut reader = bytes;
    let _: ciborium::Value = ciborium::from_reader(&mut reader).ok()?;
    Some(bytes.len() - reader.len())
}
