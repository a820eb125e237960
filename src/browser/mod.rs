//! The npm package's door onto the core: JS names, JS values and one JS error class.
//!
//! Four builds share this door, one per entry of the package, so a page downloads only what it uses:
//! - the phone entry (`verify-edge/phone`, feature `browser-phone`): `normalizePhone` and `supportedRegions`
//!   (`phone.rs`), `formatPhone` (`format.rs`) and `AsYouType` (`as_you_type.rs`);
//! - the main entry (feature `browser`): `VerifyClient` for the Worker's public API (`client.rs`), and
//!   `invokeSnaUrl` and `verifySna` for Silent Network Auth (`sna.rs`); `client.rs` uses `sna.rs`, never the other
//!   way. Its wasm has no phone engine: its loader re-exports the phone entry's functions and links the phone
//!   entry's `normalizePhone` (`phone_link.rs`), which `VerifyClient` normalizes recipients with;
//! - the authenticator-app entry (`verify-edge/totp`, feature `browser-totp`): `TotpClient` and `qrCodeSvg`
//!   (`totp.rs`);
//! - the passkey entry (`verify-edge/passkey`, feature `browser-passkey`): `PasskeyClient`, `createPasskey`,
//!   `getPasskey` and `isPasskeyAutofillAvailable` (`passkey.rs`: WebAuthn's JSON options to
//!   `navigator.credentials` and back).
//!
//! The three client entries (feature `browser-http`) share the way to the Worker (`endpoint.rs`), URL rules and
//! fetch (`http.rs`) and the crossing of options and answers (`js_values.rs`). Every build throws one error class,
//! `VerifyEdgeError` (`error.rs`).

#[cfg(feature = "browser-phone")]
mod as_you_type;
#[cfg(feature = "browser")]
mod client;
#[cfg(feature = "browser-http")]
mod endpoint;
mod error;
#[cfg(feature = "browser-phone")]
mod format;
#[cfg(feature = "browser-http")]
mod http;
#[cfg(feature = "browser-http")]
mod js_de;
#[cfg(feature = "browser-http")]
mod js_ser;
#[cfg(feature = "browser-http")]
mod js_values;
#[cfg(feature = "browser-passkey")]
mod passkey;
#[cfg(feature = "browser-phone")]
mod phone;
#[cfg(feature = "browser")]
mod phone_link;
#[cfg(feature = "browser")]
mod sna;
#[cfg(feature = "browser-totp")]
mod totp;

#[cfg(feature = "browser-phone")]
pub use as_you_type::AsYouTypeFormatter;
#[cfg(feature = "browser")]
pub use client::{VerifyClient, VerifySnaOptions};
#[cfg(feature = "browser-http")]
pub use endpoint::VerifyClientOptions;
#[cfg(feature = "browser-http")]
pub use error::ClientErrorCode;
pub use error::VerifyEdgeError;
#[cfg(feature = "browser-phone")]
pub use format::format_phone;
#[cfg(feature = "browser-passkey")]
pub use passkey::{
    create_passkey, get_passkey, is_passkey_autofill_available, PasskeyClient, PasskeySignIn,
    RegisterPasskeyParams, RegisteredPasskey, SignInWithPasskeyParams,
};
#[cfg(feature = "browser-phone")]
pub use phone::{normalize_phone, supported_regions};
#[cfg(feature = "browser")]
pub use phone_link::link_phone;
#[cfg(feature = "browser")]
pub use sna::{
    invoke_sna_url, SnaInvocation, SnaInvokeOptions, SnaMethod, SnaMode, SnaOutcome, SnaResult,
};
#[cfg(feature = "browser-totp")]
pub use totp::{qr_code_svg, TotpClient, TotpEnrollment};
