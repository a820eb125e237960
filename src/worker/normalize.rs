//! `POST /normalize`: a phone number to E.164 with what is known of it, for servers and pages that want the Worker's
//! answer rather than the package's (the same code runs in both).

use serde::Deserialize;
use worker::{Request, Response, Result};

use super::body::{read_capped, MAX_NORMALIZE_BODY_BYTES};
use super::respond::{error_response, json_response};
use crate::phone::{self, PhoneErrorCode};
use crate::verify::model::TwilioError;
use crate::verify::Reason;

/// The body of `POST /normalize`: `{"to": "...", "defaultRegion": "US"}`, `defaultRegion` optional.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NormalizeRequest {
    #[serde(default)]
    to: serde_json::Value,
    #[serde(default)]
    default_region: serde_json::Value,
}

/// Serves `POST /normalize`: the same object as the package's `normalizePhone`, or Twilio's error naming the
/// parameter.
pub async fn serve(req: &mut Request) -> Result<Response> {
    let body = match read_capped(req, MAX_NORMALIZE_BODY_BYTES).await {
        Ok(body) => body,
        Err(e) => return error_response(&e),
    };
    let Ok(request) = serde_json::from_slice::<NormalizeRequest>(&body) else {
        return error_response(&TwilioError::invalid_parameter("to").with_reason(
            Reason::NotJson,
            "the body must be a JSON object with a `to` string",
        ));
    };
    let to = match request.to {
        serde_json::Value::String(to) => to,
        serde_json::Value::Null => {
            return error_response(
                &TwilioError::invalid_parameter("to")
                    .with_reason(Reason::Missing, "`to` is required"),
            )
        }
        _ => {
            return error_response(
                &TwilioError::invalid_parameter("to")
                    .with_reason(Reason::NotAString, "`to` must be a string"),
            )
        }
    };
    let region = match request.default_region {
        serde_json::Value::Null => None,
        serde_json::Value::String(region) => Some(region),
        _ => {
            return error_response(
                &TwilioError::invalid_parameter("defaultRegion")
                    .with_reason(Reason::NotAString, "`defaultRegion` must be a string"),
            )
        }
    };
    match phone::normalize_phone(&to, region.as_deref()) {
        Ok(number) => json_response(&number, 200),
        Err(e) => {
            let parameter = if e.code == PhoneErrorCode::UnknownRegion {
                "defaultRegion"
            } else {
                "to"
            };
            error_response(
                &TwilioError::invalid_parameter(parameter)
                    .with_reason(Reason::Phone(e.code), &e.message),
            )
        }
    }
}
