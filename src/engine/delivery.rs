//! The delivery webhook's signature: the engine sends nothing itself, it POSTs each code to the self-hoster's
//! gateway, and signs each POST so the gateway can tell it from anyone else's. The header
//! `X-Verify-Edge-Signature: t={unix seconds},v1={hex}` carries HMAC-SHA256 under `DELIVERY_WEBHOOK_SECRET` of
//! `{t}.{body}`, as Stripe's webhooks do: the timestamp inside the MAC lets the gateway refuse replays of an old POST.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The header the signature travels in.
pub const SIGNATURE_HEADER: &str = "X-Verify-Edge-Signature";

/// The signature header's value for `body` sent at `unix_seconds`.
pub fn signature(secret: &str, unix_seconds: u64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(format!("{unix_seconds}.{body}").as_bytes());
    let digest: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={unix_seconds},v1={digest}")
}

#[cfg(test)]
mod tests {
    use super::signature;

    #[test]
    fn the_signature_is_hmac_sha256_of_the_timestamped_body() {
        // Computed independently: printf '1.what do ya want for nothing?' | openssl dgst -sha256 -hmac Jefe
        assert_eq!(
            signature("Jefe", 1, "what do ya want for nothing?"),
            "t=1,v1=a9049465ce89cfb8e9aac62333abda66f80e3403f51f57f6bae3c3a4485eca38"
        );
    }
}
