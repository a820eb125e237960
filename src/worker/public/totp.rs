//! Authenticator apps through the public API: `POST /verify/totp/enroll`, `/verify/totp/confirm` and
//! `/verify/totp/check` ([`crate::api::totp`] is their contract).
//!
//! Each request proves whom it acts for with `identityToken` ([`crate::approval::identity::vouch`]) before
//! anything else is read upstream; the Entity is the one that identity hashes to, so a page can neither name nor
//! reach anyone else's. Then the identity's allowance (`protect::guard_identity`), then the upstream's
//! Factors and Challenges (the engine's in-process, or Twilio's with the Worker's credentials). A right code on a
//! check earns an approval token with the identity as `sub`, pushed to the approval webhook like any other.

use worker::{Method, Request};

use super::protect::Refusal;
use super::upstream::{Answer, Call, Retry};
use super::{factor_refusal, proven_identity, send, unreadable, upstream_of, Context};
use crate::api::totp::{
    self, ConfirmParams, EnrollParams, Enrollment, FactorView, TotpCheck, TotpCheckParams,
};
use crate::api::BodyKind;
use crate::approval::identity::Vouched;
use crate::approval::token::{FactorApproval, FactorMethod};
use crate::verify::model::{self, ChallengeStatus};
use crate::verify::sid::FactorSid;
use crate::worker::approval;
use crate::worker::config::Upstream;

/// An identity proven, and its allowance counted.
struct Proven<'a> {
    vouched: Vouched,
    /// The Entity's `Identity`.
    entity: String,
    upstream: &'a Upstream,
}

/// Checks `identity_token` and counts the request against the identity's allowance. Approval tokens must be
/// issuable too: a check that approves has to answer with one.
async fn prove<'a>(
    cx: &Context<'a>,
    req: &Request,
    identity_token: &str,
) -> Result<Proven<'a>, Refusal> {
    let vouched = proven_identity(cx, req, identity_token).await?;
    let entity = vouched.entity_identity();
    Ok(Proven {
        vouched,
        entity,
        upstream: upstream_of(cx)?,
    })
}

/// A call on the proven identity's Entity: `path` under `Entities/{Identity}/`.
async fn entity_call(
    cx: &Context<'_>,
    proven: &Proven<'_>,
    method: Method,
    path: &str,
    form: Vec<(&'static str, String)>,
) -> Result<Answer, Refusal> {
    let call = Call::Entity {
        method,
        path: format!("Entities/{}/{path}", proven.entity),
        form,
    };
    Ok(send(cx, proven.upstream, call, Retry::Never).await?)
}

/// The identity's authenticator apps, newest first (none when the Entity does not exist yet).
async fn list_factors(
    cx: &Context<'_>,
    proven: &Proven<'_>,
) -> Result<Vec<model::Factor>, Refusal> {
    let answer = entity_call(cx, proven, Method::Get, "Factors?PageSize=50", Vec::new()).await?;
    match answer.status {
        200 => totp::totp_factors(&answer.body).ok_or_else(|| unreadable(proven.upstream, 200)),
        404 => Ok(Vec::new()),
        _ => Err(refused(proven.upstream, &answer)),
    }
}

/// `POST /verify/totp/enroll`: a new, unverified TOTP factor for the identity, and its secret, shown this once.
pub async fn enroll(
    cx: &Context<'_>,
    req: &Request,
    body: &[u8],
    kind: BodyKind,
) -> Result<Enrollment, Refusal> {
    let params = EnrollParams::from_body(body, kind)?;
    let proven = prove(cx, req, &params.identity_token).await?;
    totp::check_room_for_factor(&list_factors(cx, &proven).await?)?;
    let answer = entity_call(cx, &proven, Method::Post, "Factors", params.form()).await?;
    if answer.status != 201 && answer.status != 200 {
        return Err(refused(proven.upstream, &answer));
    }
    let enrollment = serde_json::from_slice::<model::NewFactor>(&answer.body)
        .ok()
        .as_ref()
        .and_then(Enrollment::from_upstream)
        .ok_or_else(|| unreadable(proven.upstream, answer.status))?;
    worker::console_log!(
        "verify-edge: enrolled an authenticator app {} ({} vouched)",
        enrollment.factor_sid,
        by_whom(&proven.vouched)
    );
    Ok(enrollment)
}

/// `POST /verify/totp/confirm`: the app's first code verifies the factor (a wrong one leaves it unverified).
pub async fn confirm(
    cx: &Context<'_>,
    req: &Request,
    body: &[u8],
    kind: BodyKind,
) -> Result<FactorView, Refusal> {
    let (params, sid) = ConfirmParams::from_body(body, kind)?;
    let proven = prove(cx, req, &params.identity_token).await?;
    let answer = entity_call(
        cx,
        &proven,
        Method::Post,
        &format!("Factors/{sid}"),
        params.form(),
    )
    .await?;
    if answer.status != 200 {
        return Err(refused(proven.upstream, &answer));
    }
    serde_json::from_slice::<model::Factor>(&answer.body)
        .ok()
        .as_ref()
        .and_then(FactorView::from_upstream)
        .ok_or_else(|| unreadable(proven.upstream, answer.status))
}

/// `POST /verify/totp/check`: a challenge answered with the code on each verified app (or the one named), newest
/// first, until one approves; the approval carries a token for the identity.
pub async fn check(
    cx: &Context<'_>,
    req: &Request,
    body: &[u8],
    kind: BodyKind,
) -> Result<TotpCheck, Refusal> {
    let (params, wanted) = TotpCheckParams::from_body(body, kind)?;
    let proven = prove(cx, req, &params.identity_token).await?;
    let factors = list_factors(cx, &proven).await?;
    let mut last = None;
    for factor in totp::factors_to_try(&factors, wanted.as_ref())? {
        let view = challenge(cx, &proven, &params, &factor).await?;
        if view.status == ChallengeStatus::Approved {
            return approve(cx, &proven, view);
        }
        last = Some(view);
    }
    last.ok_or_else(|| unreadable(proven.upstream, 200))
}

/// One challenge of `factor`, answered with the code as it is made.
async fn challenge(
    cx: &Context<'_>,
    proven: &Proven<'_>,
    params: &TotpCheckParams,
    factor: &FactorSid,
) -> Result<TotpCheck, Refusal> {
    let answer = entity_call(cx, proven, Method::Post, "Challenges", params.form(factor)).await?;
    if answer.status != 201 && answer.status != 200 {
        return Err(refused(proven.upstream, &answer));
    }
    serde_json::from_slice::<model::Challenge>(&answer.body)
        .ok()
        .as_ref()
        .and_then(TotpCheck::from_upstream)
        .ok_or_else(|| unreadable(proven.upstream, answer.status))
}

/// An approved challenge's view, with its token (minted now, pushed to the webhook after the answer).
fn approve(
    cx: &Context<'_>,
    proven: &Proven<'_>,
    mut view: TotpCheck,
) -> Result<TotpCheck, Refusal> {
    let approval = FactorApproval {
        identity: &proven.vouched,
        challenge_sid: view.sid.clone(),
        method: FactorMethod::Totp,
    };
    let token = approval::mint_factor(cx.config, &approval, cx.own_origin)?;
    approval::push(cx.ctx, cx.config, &token);
    view.token = Some(token);
    worker::console_log!(
        "verify-edge: approved {} by an authenticator app ({} vouched)",
        view.sid,
        by_whom(&proven.vouched)
    );
    Ok(view)
}

/// An upstream error answer, as the browser gets it ([`totp::public_error`]); 429s carry `Retry-After`.
fn refused(upstream: &Upstream, answer: &Answer) -> Refusal {
    let error = totp::public_error(answer.status, &answer.body);
    factor_refusal(upstream, answer, error, "an Entity")
}

/// Who vouched, for the log (never the subject: it may be a phone number).
fn by_whom(vouched: &Vouched) -> &'static str {
    match vouched.by {
        crate::approval::identity::VouchedBy::Approval => "an approval token",
        crate::approval::identity::VouchedBy::Operator => "the operator's identity token",
    }
}
