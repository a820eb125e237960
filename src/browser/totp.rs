//! Authenticator apps (TOTP), the package's `verify-edge/totp` entry: `TotpClient.enrollTotp`, `confirmTotp` and
//! `checkTotp` (the Worker's `/verify/totp/*`), and `qrCodeSvg`, which draws the enrollment's `otpauth://` URI for
//! the app to scan. Its own wasm, so only a page that enrolls or checks an app downloads the QR code generator.
//! Parameters are read by the same core code the Worker runs ([`crate::api::totp`]), so a bad code is refused
//! before any request leaves the page.

use serde::{Deserialize, Serialize};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use super::endpoint::{Endpoint, VerifyClientOptions};
use super::error::{client_error, ClientErrorCode, VerifyEdgeError};
use super::js_values::{promise, read_params, to_js};
use crate::api::totp::{
    ConfirmParams, EnrollParams, Enrollment, FactorView, TotpCheck, TotpCheckParams,
};
use crate::verify::model::FactorStatus;

/// What `enrollTotp` resolves with: the new factor, its secret (shown this once), and the QR code to scan.
#[derive(Debug, Clone, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct TotpEnrollment {
    /// The new factor (`YF...`): confirm it with `confirmTotp` and the app's first code.
    pub factor_sid: String,
    /// `unverified` until confirmed.
    pub status: FactorStatus,
    /// The account name the app shows.
    pub friendly_name: String,
    /// The `otpauth://totp/...` URI (what the QR code holds; a link on a phone opens the app with it).
    pub uri: String,
    /// The base32 secret, for typing into an app by hand.
    pub secret: String,
    /// `uri` as a QR code: an SVG document (black on white, with its quiet zone), to put in the page as it is.
    pub qr_svg: String,
}

/// The client of a verify-edge Worker's authenticator-app routes (`/verify/totp/*`). Like `VerifyClient`, it
/// holds no credential; every method returns a promise and rejects with a `VerifyEdgeError`.
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct TotpClient {
    endpoint: Endpoint,
}

#[wasm_bindgen]
impl TotpClient {
    /// A client of the Worker at `baseUrl`, as `new VerifyClient(baseUrl, options)` takes it. Throws
    /// `INVALID_URL` for anything but https (or http on loopback).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = baseUrl)] base_url: &str,
        options: Option<Ts<VerifyClientOptions>>,
    ) -> Result<TotpClient, VerifyEdgeError> {
        Endpoint::new(base_url, options).map(|endpoint| Self { endpoint })
    }

    /// The API's address this client talks to, without a trailing slash.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.endpoint.base_url().to_owned()
    }

    /// Enrolls an authenticator app (`POST /verify/totp/enroll`) for the identity `identityToken` vouches for: an
    /// approval token from `check` (minutes old at most), or a token your server signs for its signed-in user
    /// (see the README). Resolves with the secret, its `otpauth://` URI and that URI as a QR code (SVG) to show
    /// once; then ask for the app's first code and pass it to `confirmTotp`.
    #[wasm_bindgen(js_name = enrollTotp, unchecked_return_type = "Promise<TotpEnrollment>")]
    pub fn enroll_totp(&self, params: Ts<EnrollParams>) -> js_sys::Promise {
        let client = self.clone();
        let params = params.js_value();
        promise(async move {
            let params = read_params(&params, EnrollParams::from_values)?;
            let enrollment: Enrollment =
                client.endpoint.post("/verify/totp/enroll", &params).await?;
            let qr_svg = draw(&enrollment.uri)?;
            to_js(&TotpEnrollment {
                factor_sid: enrollment.factor_sid,
                status: enrollment.status,
                friendly_name: enrollment.friendly_name,
                uri: enrollment.uri,
                secret: enrollment.secret,
                qr_svg,
            })
        })
    }

    /// Confirms an enrolled app with the code it shows (`POST /verify/totp/confirm`). Resolves with
    /// `status: "verified"`, or `"unverified"` after a wrong code (not a rejection; after 5 wrong ones, 60310).
    #[wasm_bindgen(js_name = confirmTotp, unchecked_return_type = "Promise<FactorView>")]
    pub fn confirm_totp(&self, params: Ts<ConfirmParams>) -> js_sys::Promise {
        let client = self.clone();
        let params = params.js_value();
        promise(async move {
            let (params, _) = read_params(&params, ConfirmParams::from_values)?;
            let factor: FactorView = client
                .endpoint
                .post("/verify/totp/confirm", &params)
                .await?;
            to_js(&factor)
        })
    }

    /// Signs in (or confirms an action) with a code from a confirmed app (`POST /verify/totp/check`). A wrong code
    /// resolves with `status: "pending"`, `valid: false`, `token: null`; a right one with `token`, a signed
    /// approval token (ES256 JWT, `sub` the identity, `amr: ["otp"]`) for your server to verify against the
    /// Worker's `/.well-known/jwks.json`. A code is good once.
    #[wasm_bindgen(js_name = checkTotp, unchecked_return_type = "Promise<TotpCheck>")]
    pub fn check_totp(&self, params: Ts<TotpCheckParams>) -> js_sys::Promise {
        let client = self.clone();
        let params = params.js_value();
        promise(async move {
            let (params, _) = read_params(&params, TotpCheckParams::from_values)?;
            let check: TotpCheck = client.endpoint.post("/verify/totp/check", &params).await?;
            to_js(&check)
        })
    }
}

/// `text` (an `otpauth://` URI) as a QR code: an SVG document, black modules on white with the quiet zone, one
/// unit per module (size it with CSS). Throws `INVALID_ARGUMENT` when the text cannot fit in a QR code.
#[wasm_bindgen(js_name = qrCodeSvg)]
pub fn qr_code_svg(text: &str) -> Result<String, VerifyEdgeError> {
    draw(text)
}

fn draw(text: &str) -> Result<String, VerifyEdgeError> {
    crate::qr::svg(text)
        .map_err(|e| client_error(ClientErrorCode::InvalidArgument, &e.to_string(), None, None))
}
