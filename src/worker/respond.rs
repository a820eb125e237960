//! How every route answers: JSON, never cached, and every failure in Twilio's error shape through one door.

use worker::{Response, Result};

use crate::verify::model::TwilioError;

/// The one door out for errors: Twilio's body with Twilio's HTTP status.
pub fn error_response(error: &TwilioError) -> Result<Response> {
    json_response(error, error.status)
}

/// A JSON answer with `status`, never cached (verification state changes under it).
pub fn json_response(body: &impl serde::Serialize, status: u16) -> Result<Response> {
    let mut response = Response::from_json(body)?.with_status(status);
    response.headers_mut().set("Cache-Control", "no-store")?;
    Ok(response)
}

/// 20004 (405) with the methods the route takes in `Allow`.
pub fn method_not_allowed(allow: &str) -> Result<Response> {
    let mut response = error_response(&TwilioError::method_not_allowed())?;
    response.headers_mut().set("Allow", allow)?;
    Ok(response)
}

/// No content (204).
pub fn no_content() -> Result<Response> {
    Ok(Response::empty()?.with_status(204))
}
