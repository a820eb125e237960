//! The development inbox (`GET /dev/inbox?to=...`): the codes the engine "sent" to a recipient, when
//! `DEV_INBOX` is on. The engine sends nothing itself; in development this is where its codes go.

use worker::{Env, Request, Response, Result};

use super::verifications::shard_call;
use crate::engine::access::authenticate;
use crate::verify::model::TwilioError;
use crate::verify::recipient::classify_recipient_any_channel;
use crate::worker::config::WorkerConfig;
use crate::worker::objects::protocol::ShardCommand;
use crate::worker::respond::error_response;

/// `GET /dev/inbox?to=...`: the codes the engine "sent" to a recipient, when `DEV_INBOX` is on; 404 otherwise.
pub async fn serve_dev_inbox(req: &Request, env: &Env, config: &WorkerConfig) -> Result<Response> {
    let Some(account) = config.engine.as_ref().ok().filter(|_| config.dev_inbox) else {
        return error_response(&TwilioError::not_found());
    };
    // Only the developer reads the inbox: a client on this machine, or one holding the engine's credentials.
    let credentials = req.headers().get("Authorization")?;
    if !is_loopback_client(req)?
        && authenticate(credentials.as_deref(), &account.credentials).is_err()
    {
        return error_response(&TwilioError::authenticate());
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
    shard_call(env, config, &ShardCommand::Inbox { to }).await
}

/// Whether the request comes from this machine: its client address (`CF-Connecting-IP`, which Cloudflare sets
/// and a client cannot) is a loopback one, or, where nothing set it, the URL's host is. Never so when deployed.
fn is_loopback_client(req: &Request) -> Result<bool> {
    if let Some(ip) = req.headers().get("CF-Connecting-IP")? {
        return Ok(ip
            .trim()
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()));
    }
    let url = req.url()?;
    Ok(matches!(
        url.host_str(),
        Some("localhost" | "127.0.0.1" | "[::1]")
    ))
}
