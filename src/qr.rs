//! QR codes as SVG: what an authenticator app scans to enroll (the `otpauth://` URI). The code itself (encoding,
//! Reed-Solomon error correction, masking) is `qrcodegen`'s; this draws its dark modules as one SVG path, with the
//! four-module quiet zone ISO/IEC 18004 asks for. Plain Rust: the npm package exports it.

use qrcodegen::{QrCode, QrCodeEcc};

/// The quiet zone around the code, in modules.
const QUIET_ZONE: i32 = 4;

/// Why no QR code can be drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// The text does not fit in a QR code (version 40 at medium error correction holds 2,331 bytes).
    #[error("the text is too long for a QR code")]
    TooLong,
}

/// `text` as a QR code (medium error correction, as authenticator apps' enrollment codes use), drawn as a square
/// SVG document: black modules on white, one unit per module, scalable with CSS. Every byte of `text` is encoded
/// as given; none reaches the SVG's markup.
pub fn svg(text: &str) -> Result<String, QrError> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).map_err(|_| QrError::TooLong)?;
    let size = code.size();
    let side = size + 2 * QUIET_ZONE;
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if code.get_module(x, y) {
                if !path.is_empty() {
                    path.push(' ');
                }
                path.push_str(&format!("M{},{}h1v1h-1z", x + QUIET_ZONE, y + QUIET_ZONE));
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\" \
         role=\"img\" aria-label=\"QR code\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
         <path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}
