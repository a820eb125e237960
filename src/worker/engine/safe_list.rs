//! The account's SafeList (`/v2/SafeList/Numbers[/{PhoneNumber}]`): one object per number. The public API asks
//! it too, through [`is_safe_listed`]: safe-listed numbers pass its geo permissions and SMS-pumping blocks.

use worker::{Env, Method, Response, Result};

use super::V2Request;
use crate::engine::form::Form;
use crate::engine::request::percent_decode;
use crate::engine::safe_list;
use crate::verify::model::TwilioError;
use crate::worker::objects::protocol::SafeListCommand;
use crate::worker::objects::{self, Store};
use crate::worker::respond::error_response;

/// `/v2/SafeList/Numbers/...`; `rest` is the path after `Numbers`.
pub async fn serve(request: &V2Request<'_>, rest: &[&str]) -> Result<Response> {
    match safe_list_command(
        request.method.clone(),
        rest,
        &request.body,
        &request.base_url,
    ) {
        Ok((number, command)) => call(request.env, &number, &command).await,
        Err(e) => error_response(&e),
    }
}

async fn call(env: &Env, number: &str, command: &SafeListCommand) -> Result<Response> {
    objects::call(
        env,
        Store::SafeList,
        &safe_list::object_name(number),
        command,
    )
    .await
}

/// The SafeList operation a `/v2/SafeList/Numbers/...` request asks for, with the E.164 number it is about.
fn safe_list_command(
    method: Method,
    rest: &[&str],
    body: &str,
    base_url: &str,
) -> std::result::Result<(String, SafeListCommand), TwilioError> {
    let base_url = base_url.to_owned();
    match (method, rest) {
        (Method::Post, []) => {
            let form = Form::parse(body.as_bytes());
            let number = safe_list::safe_list_number(form.required("PhoneNumber")?)?;
            Ok((
                number.clone(),
                SafeListCommand::Create {
                    phone_number: number,
                    base_url,
                },
            ))
        }
        (method @ (Method::Get | Method::Delete), [segment]) => {
            let number = safe_list::safe_list_number(&percent_decode(segment))?;
            let command = if matches!(method, Method::Get) {
                SafeListCommand::Fetch {
                    phone_number: number.clone(),
                    base_url,
                }
            } else {
                SafeListCommand::Delete {
                    phone_number: number.clone(),
                }
            };
            Ok((number, command))
        }
        (_, [] | [_]) => Err(TwilioError::method_not_allowed()),
        _ => Err(TwilioError::not_found()),
    }
}

/// Whether `phone_number` is on the engine's SafeList (`/v2/SafeList/Numbers`): for the public API, whose geo
/// permissions and SMS-pumping blocks let safe-listed numbers through. `phone_number` is read as the SafeList reads
/// it (E.164, normalized as a start's `To`); one that is not a valid number is not on the list. One Durable Object
/// call, to the object of that number alone.
pub async fn is_safe_listed(env: &Env, phone_number: &str) -> Result<bool> {
    let Ok(number) = safe_list::safe_list_number(phone_number) else {
        return Ok(false);
    };
    let command = SafeListCommand::Contains {
        phone_number: number.clone(),
    };
    let mut response = call(env, &number, &command).await?;
    let answer: serde_json::Value = response.json().await?;
    Ok(answer["safe_listed"] == serde_json::Value::Bool(true))
}
