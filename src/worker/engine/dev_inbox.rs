//! The development inbox (`GET /dev/inbox?to=...`): the codes the engine "sent" to a recipient, when
//! `DEV_INBOX` is on. The engine sends nothing itself; in development this is where its codes go.

use worker::{Env, Request, Response, Result};

use super::verifications::shard_call;
use crate::engine::shard::shard_of_recipient;
use crate::verify::model::TwilioError;
use crate::verify::recipient::classify_recipient_any_channel;
use crate::worker::config::WorkerConfig;
use crate::worker::objects::protocol::ShardCommand;
use crate::worker::respond::error_response;

/// `GET /dev/inbox?to=...`: the codes the engine "sent" to a recipient, when `DEV_INBOX` is on; 404 otherwise.
pub async fn serve_dev_inbox(req: &Request, env: &Env, config: &WorkerConfig) -> Result<Response> {
    if !config.dev_inbox {
        return error_response(&TwilioError::not_found());
    }
    let url = req.url()?;
    let to = url
        .query_pairs()
        .find(|(k, _)| k == "to")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let to = match classify_recipient_any_channel(&to) {
        Ok(recipient) => recipient.as_str().to_owned(),
        Err(e) => return error_response(&e.to_twilio_error()),
    };
    shard_call(env, &shard_of_recipient(&to), &ShardCommand::Inbox { to }).await
}
