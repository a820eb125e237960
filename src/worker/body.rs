//! Request bodies, read with a cap: a route reads at most its limit and answers 413 past it, whether the body
//! declares its length or comes in chunks without one (the body is read as a stream and dropped at the cap).

use futures_util::StreamExt;
use worker::{Method, Request};

use crate::api::payload_too_large;
use crate::verify::model::TwilioError;

/// The engine's `/v2` forms: Twilio's largest (a Service with every setting) are a few KiB.
pub const MAX_V2_BODY_BYTES: usize = 64 * 1024;
/// `/normalize`: room for the longest input the phone engine reads (`phone::MAX_INPUT_BYTES`, 64 KiB) as JSON, so
/// an over-long number gets the phone engine's own `INPUT_TOO_LONG`, as the npm package does; past it, 413.
pub const MAX_NORMALIZE_BODY_BYTES: usize = 128 * 1024;

/// The body of `req`, at most `max` bytes (`crate::api::MAX_BODY_BYTES` for the public API);
/// 20413 (413) past it. A GET or HEAD has none.
pub async fn read_capped(req: &mut Request, max: usize) -> Result<Vec<u8>, TwilioError> {
    if matches!(req.method(), Method::Get | Method::Head) {
        return Ok(Vec::new());
    }
    read_capped_any_method(req, max).await
}

/// The body of `req` whatever its method, at most `max` bytes; 20413 past it. For the legacy Authy API, whose npm
/// client sends its parameters as a form body on GET: workerd hands such a body to the Worker when it comes with a
/// `Content-Length` (a chunked GET body arrives empty).
pub async fn read_capped_any_method(req: &mut Request, max: usize) -> Result<Vec<u8>, TwilioError> {
    let too_large = || payload_too_large(max);
    let declared = req
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|l| l.trim().parse::<u64>().ok());
    if declared.is_some_and(|l| l > max as u64) {
        return Err(too_large());
    }
    // No body at all is an empty one.
    let Ok(mut stream) = req.stream() else {
        return Ok(Vec::new());
    };
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| too_large())?;
        if body.len() + chunk.len() > max {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
