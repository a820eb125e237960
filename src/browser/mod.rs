//! The npm package's door onto the core: JS names, JS values and one JS error class.
//!
//! Two builds share this door. The phone entry (`verify-edge/phone`, feature `browser-phone`) has the phone
//! functions: `normalizePhone` and `supportedRegions` (`phone.rs`), `formatPhone` (`format.rs`) and `AsYouType`
//! (`as_you_type.rs`). The main entry (feature `browser`) adds `VerifyClient` for the Worker's public API
//! (`client.rs`), its authenticator-app methods and `qrCodeSvg` (`totp.rs`), the device's half of passkeys and the client's
//! (`passkey.rs`: `createPasskey`, `getPasskey`, `isPasskeyAutofillAvailable`, `registerPasskey`,
//! `signInWithPasskey`), and `invokeSnaUrl` and `verifySna` for
//! Silent Network Auth (`sna.rs`), which share URL rules and
//! fetch (`http.rs`) and the crossing of options and answers (`js_values.rs`); `client.rs` uses `sna.rs`, never the
//! other way. Both builds throw one error class, `VerifyEdgeError` (`error.rs`).

mod as_you_type;
#[cfg(feature = "browser")]
mod client;
mod error;
mod format;
#[cfg(feature = "browser")]
mod http;
#[cfg(feature = "browser")]
mod js_values;
#[cfg(feature = "browser")]
mod passkey;
mod phone;
#[cfg(feature = "browser")]
mod sna;
#[cfg(feature = "browser")]
mod totp;

pub use as_you_type::AsYouTypeFormatter;
#[cfg(feature = "browser")]
pub use client::{VerifyClient, VerifyClientOptions, VerifySnaOptions};
#[cfg(feature = "browser")]
pub use error::ClientErrorCode;
pub use error::VerifyEdgeError;
pub use format::format_phone;
#[cfg(feature = "browser")]
pub use passkey::{
    create_passkey, get_passkey, is_passkey_autofill_available, PasskeySignIn,
    RegisterPasskeyParams, RegisteredPasskey, SignInWithPasskeyParams,
};
pub use phone::{normalize_phone, supported_regions};
#[cfg(feature = "browser")]
pub use sna::{
    invoke_sna_url, SnaInvocation, SnaInvokeOptions, SnaMethod, SnaMode, SnaOutcome, SnaResult,
};
#[cfg(feature = "browser")]
pub use totp::{qr_code_svg, TotpEnrollment};
