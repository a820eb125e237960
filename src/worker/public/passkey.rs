//! Passkeys through the public API ([`crate::api::passkey`] is their contract):
//!
//! - `POST /verify/passkey/register/options` (`identityToken`, `userName`): a new passkey Factor for the proven
//!   identity's Entity, with the Worker's relying party (`PASSKEY_*`); answers `{sid, options}` for
//!   `navigator.credentials.create()`. Whom the Entity stands for is recorded for discoverable sign-ins.
//! - `POST /verify/passkey/register` (`identityToken`, `credential`): the browser's answer, verified upstream;
//!   the Factor must be the proven identity's.
//! - `POST /verify/passkey/signin/options` (`identityToken` optional): a Challenge for that identity's passkeys, or
//!   a discoverable one; answers `{sid, options}` for `navigator.credentials.get()`.
//! - `POST /verify/passkey/signin` (`credential`): the assertion, approved upstream; answers an approval token for
//!   the identity the passkey belongs to.

use serde_json::{json, Value};
use worker::{Date, Request};

use super::protect::{self, Refusal};
use super::upstream::{Answer, Call, Retry};
use super::{factor_refusal, proven_identity, send, unreadable, upstream_of, Context};
use crate::api::passkey::{
    self, CredentialParams, PasskeySettings, RegisterOptionsParams, SignInOptionsParams,
};
use crate::api::BodyKind;
use crate::approval::identity::Vouched;
use crate::approval::token::{FactorApproval, FactorMethod};
use crate::verify::model::TwilioError;
use crate::worker::approval;
use crate::worker::config::Upstream;
use crate::worker::objects::protocol::IdentityCommand;
use crate::worker::objects::{self, identities, Store};

/// The Worker's relying party; 20500 (and the log says why) when passkeys are not configured.
fn settings<'a>(cx: &Context<'a>) -> Result<&'a PasskeySettings, TwilioError> {
    match &cx.config.passkeys {
        Ok(Some(settings)) => Ok(settings),
        Ok(None) => {
            worker::console_log!(
                "verify-edge: passkeys are not offered: set PASSKEY_RP_ID and PASSKEY_ORIGINS"
            );
            Err(TwilioError::internal_error())
        }
        Err(e) => {
            worker::console_log!("verify-edge: passkeys cannot be offered: {e}");
            Err(TwilioError::internal_error())
        }
    }
}

/// A Passkeys operation upstream; an error answer becomes the browser's ([`passkey::public_error`]).
async fn passkeys(
    cx: &Context<'_>,
    upstream: &Upstream,
    path: &str,
    body: Value,
    ok: u16,
) -> Result<Value, Refusal> {
    let call = Call::Passkeys {
        path: format!("Passkeys/{path}"),
        body,
    };
    let answer: Answer = send(cx, upstream, call, Retry::Never).await?;
    if answer.status != ok {
        let error = passkey::public_error(answer.status, &answer.body);
        return Err(factor_refusal(
            upstream,
            &answer,
            error,
            &format!("Passkeys/{path}"),
        ));
    }
    serde_json::from_slice(&answer.body).map_err(|_| unreadable(upstream, answer.status))
}

/// `POST /verify/passkey/register/options`.
pub async fn register_options(
    cx: &Context<'_>,
    req: &Request,
    body: &[u8],
    kind: BodyKind,
) -> Result<Value, Refusal> {
    let params = RegisterOptionsParams::from_body(body, kind)?;
    let settings = settings(cx)?;
    let vouched = proven_identity(cx, req, &params.identity_token).await?;
    let upstream = upstream_of(cx)?;
    let identity = vouched.entity_identity();
    remember(cx, &identity, &vouched).await?;
    let user_name = params
        .user_name
        .unwrap_or_else(|| vouched.subject.chars().take(64).collect());
    let upstream_body = RegisterOptionsParams::upstream(&identity, &user_name, settings);
    let factor = passkeys(cx, upstream, "Factors", upstream_body, 201).await?;
    passkey::options_view(&factor).ok_or_else(|| unreadable(upstream, 201))
}

/// `POST /verify/passkey/register`.
pub async fn register(
    cx: &Context<'_>,
    req: &Request,
    body: &[u8],
    kind: BodyKind,
) -> Result<Value, Refusal> {
    let params = CredentialParams::from_body(body, kind, true)?;
    settings(cx)?;
    let vouched = proven_identity(
        cx,
        req,
        params.identity_token.as_deref().unwrap_or_default(),
    )
    .await?;
    let upstream = upstream_of(cx)?;
    let factor = passkeys(
        cx,
        upstream,
        "VerifyFactor",
        Value::Object(params.credential),
        200,
    )
    .await?;
    // The ceremony's challenge ties the answer to the Factor it was issued for; the Factor must be this identity's.
    if factor.get("identity").and_then(Value::as_str) != Some(vouched.entity_identity().as_str()) {
        return Err(TwilioError::forbidden().with_reason(
            crate::verify::Reason::NotAllowed,
            "this passkey was registered for another identity",
        ))?;
    }
    Ok(json!({
        "sid": factor.get("sid"),
        "status": factor.get("status"),
    }))
}

/// `POST /verify/passkey/signin/options`.
pub async fn signin_options(
    cx: &Context<'_>,
    req: &Request,
    body: &[u8],
    kind: BodyKind,
) -> Result<Value, Refusal> {
    let params = SignInOptionsParams::from_body(body, kind)?;
    settings(cx)?;
    let upstream_body = match &params.identity_token {
        Some(token) => {
            json!({ "identity": proven_identity(cx, req, token).await?.entity_identity() })
        }
        None => {
            // Anyone may ask for a discoverable sign-in's options: counted as a check of its client.
            let protections = protect::protections(cx.config)?;
            protect::guard_client_check(cx.env, &protect::Client::browser(req, None), protections)
                .await?;
            json!({})
        }
    };
    let upstream = upstream_of(cx)?;
    let challenge = passkeys(cx, upstream, "Challenges", upstream_body, 201).await?;
    passkey::options_view(&challenge).ok_or_else(|| unreadable(upstream, 201))
}

/// `POST /verify/passkey/signin`.
pub async fn signin(
    cx: &Context<'_>,
    req: &Request,
    body: &[u8],
    kind: BodyKind,
) -> Result<Value, Refusal> {
    let params = CredentialParams::from_body(body, kind, false)?;
    settings(cx)?;
    let approvals = cx.config.approvals()?;
    let protections = protect::protections(cx.config)?;
    protect::guard_client_check(cx.env, &protect::Client::browser(req, None), protections).await?;
    let upstream = upstream_of(cx)?;
    let challenge = passkeys(
        cx,
        upstream,
        "ApproveChallenge",
        Value::Object(params.credential),
        200,
    )
    .await?;
    let (Some(sid), Some(identity)) = (
        challenge.get("sid").and_then(Value::as_str),
        challenge.get("identity").and_then(Value::as_str),
    ) else {
        return Err(unreadable(upstream, 200));
    };
    if challenge.get("status").and_then(Value::as_str) != Some("approved") {
        return Ok(json!({ "sid": sid, "status": challenge.get("status"), "token": null }));
    }
    let vouched = recall(cx, identity).await?;
    let approval = FactorApproval {
        identity: &vouched,
        challenge_sid: sid.to_owned(),
        method: FactorMethod::Passkey,
    };
    let token = approvals.mint_factor(&approval, cx.own_origin, Date::now().as_millis());
    approval::push(cx.ctx, cx.config, &token);
    worker::console_log!("verify-edge: approved {sid} by a passkey");
    Ok(json!({ "sid": sid, "status": "approved", "token": token }))
}

/// Records whom the Entity `identity` stands for.
async fn remember(cx: &Context<'_>, identity: &str, vouched: &Vouched) -> Result<(), Refusal> {
    let command = IdentityCommand::Put {
        vouched: vouched.clone(),
    };
    let response = objects::call(
        cx.env,
        Store::Identities,
        &identities::name(identity),
        &command,
    )
    .await
    .map_err(|_| TwilioError::internal_error())?;
    if !(200..300).contains(&response.status_code()) {
        return Err(TwilioError::internal_error().into());
    }
    Ok(())
}

/// Whom the Entity `identity` stands for (recorded at registration); 20500 when no one recorded it (a passkey
/// registered upstream without this Worker).
async fn recall(cx: &Context<'_>, identity: &str) -> Result<Vouched, Refusal> {
    let mut response = objects::call(
        cx.env,
        Store::Identities,
        &identities::name(identity),
        &IdentityCommand::Get,
    )
    .await
    .map_err(|_| TwilioError::internal_error())?;
    if response.status_code() != 200 {
        worker::console_log!(
            "verify-edge: a passkey signed in for an Entity this Worker did not register"
        );
        return Err(TwilioError::internal_error().into());
    }
    response
        .json::<Vouched>()
        .await
        .map_err(|_| TwilioError::internal_error().into())
}
