//! The simulated carrier behind `sna.url` (`/sna/{sid}/{token}`): what a mobile carrier's Silent Network Auth
//! endpoint does, so the `sna` channel runs end to end with no carrier.

use worker::{Env, Request, Response, Result};

use super::verifications::shard_call;
use crate::verify::model::TwilioError;
use crate::verify::sid::VerificationSid;
use crate::worker::config::WorkerConfig;
use crate::worker::objects::protocol::ShardCommand;
use crate::worker::respond::error_response;

/// The simulated carrier behind `sna.url` (`/sna/{sid}/{token}`), invoked by the device with GET or POST and no
/// credentials: two redirects, as a carrier's chain has, then the single-use hop that answers
/// `ErrorCode=...&ErrorDescription=...`. `SNA_SIMULATE_ERROR` (e.g. `60500`) makes the carrier fail, for tests.
pub async fn serve_sna(req: &Request, env: &Env, config: &WorkerConfig) -> Result<Response> {
    if !config.sna_simulator {
        return error_response(&TwilioError::not_found());
    }
    let url = req.url()?;
    let segments: Vec<&str> = url.path_segments().map(|s| s.collect()).unwrap_or_default();
    let (sid, token, hop) = match segments.as_slice() {
        ["sna", sid, token] => (*sid, *token, None),
        ["sna", sid, token, hop] => (*sid, *token, Some(*hop)),
        _ => return error_response(&TwilioError::not_found()),
    };
    let Ok(sid) = sid.parse::<VerificationSid>() else {
        return error_response(&TwilioError::not_found());
    };
    let next = match hop {
        None => Some("carrier"),
        Some("carrier") => Some("result"),
        Some("result") => None,
        Some(_) => return error_response(&TwilioError::not_found()),
    };
    if let Some(next) = next {
        // 307 keeps the method (a POST stays a POST), as carriers' redirect chains must.
        let mut location = url.clone();
        location.set_path(&format!("/sna/{sid}/{token}/{next}"));
        let mut response = Response::empty()?.with_status(307);
        response.headers_mut().set("Location", location.as_str())?;
        return Ok(response);
    }
    let command = ShardCommand::InvokeSna {
        sid: sid.clone(),
        token: token.to_owned(),
    };
    shard_call(env, config, &command).await
}
