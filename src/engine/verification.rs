//! A verification's life: started (and resent), checked, approved, canceled, expired or out of attempts, with the
//! limits Twilio Verify v2 applies. The state is plain data the Worker stores; each operation takes it and the
//! clock, and either changes it completely or not at all.

use serde::{Deserialize, Serialize};

use super::code::{codes_match, generate_code, has_valid_length};
use super::time::{iso8601, Millis};
use super::Randomness;
use crate::verify::model::{
    Channel, Lookup, SendCodeAttempt, Sna, SnaAttemptError, Status, TwilioError, Verification,
    VerificationCheck,
};
use crate::verify::sid::{AccountSid, ServiceSid, VerificationAttemptSid, VerificationSid};

/// How long a verification stays pending: Twilio's 10 minutes.
pub const DEFAULT_LIFETIME_MS: Millis = 10 * 60 * 1000;
/// Sends allowed within one verification: the 6th fails with 60203.
pub const MAX_SENDS: usize = 5;
/// Wrong checks allowed: the 5th sets `max_attempts_reached`.
pub const MAX_WRONG_CHECKS: u8 = 5;

/// What the rules need to know of a Service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRules {
    /// Digits in a generated code, 4 to 10.
    pub code_length: usize,
    /// Whether `CustomCode` is allowed.
    pub custom_code_enabled: bool,
    /// Whether starts and checks must carry the PSD2 `Amount` and `Payee`.
    pub psd2_enabled: bool,
    /// How long a verification stays pending (Twilio's is 10 minutes; tests shorten it).
    pub lifetime_ms: Millis,
}

/// A verification as the engine stores it. Holds the code: never sent to a client as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationState {
    /// `VE...`.
    pub sid: VerificationSid,
    /// The Service it belongs to.
    pub service_sid: ServiceSid,
    /// The account of that Service.
    pub account_sid: AccountSid,
    /// E.164 phone number or normalized email.
    pub to: String,
    /// The channel of the latest send.
    pub channel: Channel,
    /// The code the user must give back.
    pub code: String,
    /// Where it is in its life.
    pub status: Status,
    /// When it was started.
    pub created_ms: Millis,
    /// When it last changed.
    pub updated_ms: Millis,
    /// When it stops being pending.
    pub expires_ms: Millis,
    /// Every send, first to last.
    pub sends: Vec<Send>,
    /// Wrong checks so far.
    pub wrong_checks: u8,
    /// PSD2 transaction amount.
    pub amount: Option<String>,
    /// PSD2 transaction payee.
    pub payee: Option<String>,
    /// The message locale asked for.
    pub locale: Option<String>,
    /// A friendly name for this verification's message.
    pub custom_friendly_name: Option<String>,
    /// The Silent Network Auth attempt, for the `sna` channel.
    #[serde(default)]
    pub sna: Option<SnaState>,
}

/// A Silent Network Auth attempt: the single-use URL the device invokes and what came of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnaState {
    /// The secret part of the URL (32 hex digits).
    pub token: String,
    /// The token the invocation answers with and the check must repeat, with `EnableSnaClientToken`.
    pub client_token: Option<String>,
    /// When the URL stops working.
    pub expires_ms: Millis,
    /// What the invocation did.
    pub outcome: SnaOutcome,
    /// Every SNA error so far, with the send it belongs to: `sna_attempts_error_codes`.
    pub errors: Vec<(VerificationAttemptSid, u32)>,
}

/// What invoking the SNA URL did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SnaOutcome {
    /// Not invoked yet: a check now is 60519 (result pending).
    NotInvoked,
    /// The carrier confirmed the number.
    Confirmed,
    /// The carrier failed with this 605xx code.
    Failed(u32),
}

/// SNA's "the URL failed" (used up, or late).
pub const SNA_URL_FAILED: u32 = 60520;
/// SNA's "checked before the URL was invoked".
pub const SNA_RESULT_PENDING: u32 = 60519;

/// One send of the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Send {
    /// When.
    pub time_ms: Millis,
    /// Over which channel.
    pub channel: Channel,
    /// `VL...`.
    pub attempt_sid: VerificationAttemptSid,
}

/// A start (or resend) as the engine takes it: `to` already normalized and matched to the channel.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StartRequest {
    /// E.164 phone number or normalized email.
    pub to: String,
    /// The channel to send over.
    pub channel: Option<Channel>,
    /// A code chosen by the caller (`CustomCode`), when the Service allows it.
    pub custom_code: Option<String>,
    /// PSD2 amount.
    pub amount: Option<String>,
    /// PSD2 payee.
    pub payee: Option<String>,
    /// Message locale.
    pub locale: Option<String>,
    /// Friendly name for the message.
    pub custom_friendly_name: Option<String>,
    /// For `sna`: answer the invocation with a client token that the check must repeat.
    pub enable_sna_client_token: bool,
}

/// What must be delivered after a start: the code, to whom, how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The verification it belongs to.
    pub verification_sid: VerificationSid,
    /// E.164 phone number or email.
    pub to: String,
    /// The channel.
    pub channel: Channel,
    /// The code.
    pub code: String,
    /// The locale asked for.
    pub locale: Option<String>,
    /// The friendly name to show.
    pub friendly_name: Option<String>,
}

/// Who a new verification belongs to, and the SID it gets if one is created (the caller picks it, so that the SID
/// can name the shard that stores it: see [`super::shard`]).
pub struct Owner<'a> {
    /// The Service.
    pub service_sid: &'a ServiceSid,
    /// Its account.
    pub account_sid: &'a AccountSid,
    /// The SID for a new verification.
    pub new_sid: VerificationSid,
}

impl VerificationState {
    /// Whether it is still pending at `now`: not ended, not expired.
    pub fn is_pending(&self, now: Millis) -> bool {
        self.status == Status::Pending && now < self.expires_ms
    }

    /// Whether a code went out for this verification: a send on any channel but Silent Network Auth.
    pub fn code_sent(&self) -> bool {
        self.sends.iter().any(|send| send.channel != Channel::Sna)
    }

    /// The status at `now`: a pending verification past its lifetime is `expired`.
    pub fn status_at(&self, now: Millis) -> Status {
        if self.status == Status::Pending && now >= self.expires_ms {
            Status::Expired
        } else {
            self.status
        }
    }
}

/// Starts a verification for `request.to`, or resends the pending one: within its lifetime a start keeps the same
/// verification and code and adds a send, up to [`MAX_SENDS`]; after that, 60203.
pub fn start(
    existing: Option<&VerificationState>,
    request: StartRequest,
    service: &ServiceRules,
    owner: Owner<'_>,
    now: Millis,
    random: &mut dyn Randomness,
) -> Result<(VerificationState, Delivery), TwilioError> {
    let channel = request
        .channel
        .ok_or_else(|| TwilioError::invalid_parameter("Channel"))?;
    if service.psd2_enabled && (blank(&request.amount) || blank(&request.payee)) {
        return Err(TwilioError::psd2_parameters_required());
    }
    if let Some(custom) = &request.custom_code {
        if !service.custom_code_enabled {
            return Err(TwilioError::feature_not_supported());
        }
        if !has_valid_length(custom) {
            return Err(TwilioError::invalid_parameter("CustomCode"));
        }
    }
    let send = Send {
        time_ms: now,
        channel,
        attempt_sid: VerificationAttemptSid::from_random_bytes(random.sid_bytes()),
    };
    let sna = (channel == Channel::Sna).then(|| SnaState {
        token: hex(&random.sid_bytes()),
        client_token: request
            .enable_sna_client_token
            .then(|| hex(&random.sid_bytes())),
        expires_ms: now.saturating_add(service.lifetime_ms),
        outcome: SnaOutcome::NotInvoked,
        errors: Vec::new(),
    });
    let state = match existing.filter(|v| v.is_pending(now)) {
        Some(pending) => {
            if pending.sends.len() >= MAX_SENDS {
                return Err(TwilioError::max_send_attempts());
            }
            let mut next = pending.clone();
            next.channel = channel;
            next.updated_ms = now;
            next.sends.push(send);
            // A new SNA send is a new URL; earlier errors stay on record.
            let earlier_errors = next.sna.take().map(|s| s.errors).unwrap_or_default();
            next.sna = sna.map(|s| SnaState {
                errors: earlier_errors,
                ..s
            });
            if let Some(custom) = request.custom_code {
                next.code = custom;
            }
            next.locale = request.locale.or(next.locale);
            next.custom_friendly_name = request.custom_friendly_name.or(next.custom_friendly_name);
            next
        }
        None => VerificationState {
            sid: owner.new_sid,
            service_sid: owner.service_sid.clone(),
            account_sid: owner.account_sid.clone(),
            to: request.to,
            channel,
            code: request
                .custom_code
                .unwrap_or_else(|| generate_code(service.code_length, random)),
            status: Status::Pending,
            created_ms: now,
            updated_ms: now,
            expires_ms: now.saturating_add(service.lifetime_ms),
            sends: vec![send],
            wrong_checks: 0,
            amount: request.amount,
            payee: request.payee,
            locale: request.locale,
            custom_friendly_name: request.custom_friendly_name,
            sna,
        },
    };
    let delivery = Delivery {
        verification_sid: state.sid.clone(),
        to: state.to.clone(),
        channel,
        code: state.code.clone(),
        locale: state.locale.clone(),
        friendly_name: state.custom_friendly_name.clone(),
    };
    Ok((state, delivery))
}

/// What a check carries besides the verification it names.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CheckRequest {
    /// The code the user typed.
    pub code: Option<String>,
    /// PSD2 amount, which must match the start's.
    pub amount: Option<String>,
    /// PSD2 payee, which must match the start's.
    pub payee: Option<String>,
    /// For `sna` with a client token: the token the invocation answered with.
    pub sna_client_token: Option<String>,
}

/// Checks a code. A right code approves; a wrong one leaves it pending and counts, and the 5th wrong one sets
/// `max_attempts_reached`. A verification that is no longer pending is gone (20404), except one out of attempts,
/// which answers 60202.
pub fn check(
    state: &VerificationState,
    request: &CheckRequest,
    service: &ServiceRules,
    now: Millis,
) -> Result<VerificationState, TwilioError> {
    match state.status_at(now) {
        Status::Pending => {}
        Status::MaxAttemptsReached => return Err(TwilioError::max_check_attempts()),
        _ => return Err(TwilioError::not_found()),
    }
    // Silent Network Auth decides only a verification no code went out for: once a code was sent (an SMS that a
    // resend then switched to `sna`), only that code approves it, so opening an SNA URL cannot stand in for it.
    if let (Channel::Sna, Some(sna), false) = (state.channel, &state.sna, state.code_sent()) {
        return Ok(check_sna(state, sna, request, now));
    }
    let code = request
        .code
        .as_deref()
        .filter(|c| has_valid_length(c))
        .ok_or_else(|| TwilioError::invalid_parameter("Code"))?;
    if service.psd2_enabled && (blank(&request.amount) || blank(&request.payee)) {
        return Err(TwilioError::psd2_parameters_required());
    }
    // Every comparison runs, so the time taken says nothing about which one failed.
    let code_matches = codes_match(&state.code, code);
    let transaction_matches =
        !service.psd2_enabled || (request.amount == state.amount && request.payee == state.payee);
    let mut next = state.clone();
    next.updated_ms = now;
    if code_matches && transaction_matches {
        next.status = Status::Approved;
    } else {
        next.wrong_checks = next.wrong_checks.saturating_add(1);
        if next.wrong_checks >= MAX_WRONG_CHECKS {
            next.status = Status::MaxAttemptsReached;
        }
    }
    Ok(next)
}

/// A check of an `sna` verification: no code; the carrier's answer decides.
fn check_sna(
    state: &VerificationState,
    sna: &SnaState,
    request: &CheckRequest,
    now: Millis,
) -> VerificationState {
    let mut next = state.clone();
    next.updated_ms = now;
    let attempt = state.sends.last().map(|s| s.attempt_sid.clone());
    match sna.outcome {
        SnaOutcome::Confirmed => {
            let token_ok = match (&sna.client_token, &request.sna_client_token) {
                (None, _) => true,
                (Some(expected), Some(given)) => codes_match(expected, given),
                (Some(_), None) => false,
            };
            if token_ok {
                next.status = Status::Approved;
            } else {
                next.wrong_checks = next.wrong_checks.saturating_add(1);
                if next.wrong_checks >= MAX_WRONG_CHECKS {
                    next.status = Status::MaxAttemptsReached;
                }
            }
        }
        SnaOutcome::NotInvoked => {
            if let (Some(sna), Some(attempt)) = (next.sna.as_mut(), attempt) {
                sna.errors.push((attempt, SNA_RESULT_PENDING));
            }
        }
        // The carrier's error is on record already; the verification stays pending (fall back to another channel).
        SnaOutcome::Failed(_) => {}
    }
    next
}

/// What invoking an SNA URL answers: the body the carrier's last hop returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnaInvocation {
    /// `0` on success, `-10` on failure, as carriers answer.
    pub error_code: i32,
    /// `Success`, or what went wrong.
    pub description: &'static str,
    /// The client token, when the verification asked for one and the invocation succeeded.
    pub client_token: Option<String>,
}

impl SnaInvocation {
    /// The response body: `ErrorCode=0&ErrorDescription=Success&Carrier=...`, with `&SnaClientToken=...` when there
    /// is one (where a real carrier puts the token is not documented; this name matches the check's parameter).
    pub fn body(&self, carrier: &str) -> String {
        let mut body = format!(
            "ErrorCode={}&ErrorDescription={}&Carrier={carrier}",
            self.error_code,
            self.description.replace(' ', "+")
        );
        if let Some(token) = &self.client_token {
            body.push_str("&SnaClientToken=");
            body.push_str(token);
        }
        body
    }
}

/// The device invokes the SNA URL whose secret part is `token`. Single use: a second invocation, or one after the
/// URL's lifetime, fails (60520). `carrier_error` makes the simulated carrier fail with that 605xx code.
pub fn invoke_sna(
    state: &VerificationState,
    token: &str,
    now: Millis,
    carrier_error: Option<u32>,
) -> Result<(VerificationState, SnaInvocation), TwilioError> {
    let Some(sna) = state.sna.as_ref().filter(|s| codes_match(&s.token, token)) else {
        return Err(TwilioError::not_found());
    };
    let attempt = state.sends.last().map(|s| s.attempt_sid.clone());
    let mut next_sna = sna.clone();
    let failure = |description| SnaInvocation {
        error_code: -10,
        description,
        client_token: None,
    };
    let invocation =
        if sna.outcome != SnaOutcome::NotInvoked || now >= sna.expires_ms || !state.is_pending(now)
        {
            next_sna.errors.extend(attempt.map(|a| (a, SNA_URL_FAILED)));
            failure("SNA URL already used or expired")
        } else if let Some(code) = carrier_error {
            next_sna.outcome = SnaOutcome::Failed(code);
            next_sna.errors.extend(attempt.map(|a| (a, code)));
            failure("Carrier could not verify the number")
        } else {
            next_sna.outcome = SnaOutcome::Confirmed;
            SnaInvocation {
                error_code: 0,
                description: "Success",
                client_token: sna.client_token.clone(),
            }
        };
    let mut next = state.clone();
    next.updated_ms = now;
    next.sna = Some(next_sna);
    Ok((next, invocation))
}

/// A send attempt's channel as Twilio's answers spell it: `SMS`, `CALL` and `EMAIL`, but `whatsapp` and `sna`.
fn attempt_channel(channel: Channel) -> &'static str {
    match channel {
        Channel::Sms => "SMS",
        Channel::Call => "CALL",
        Channel::Email => "EMAIL",
        other => other.as_str(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Sets `canceled` or `approved` by hand, as `UpdateVerification` does. Only a pending verification changes.
pub fn update_status(
    state: &VerificationState,
    status: Status,
    now: Millis,
) -> Result<VerificationState, TwilioError> {
    if !matches!(status, Status::Canceled | Status::Approved) {
        return Err(TwilioError::invalid_parameter("Status"));
    }
    if !state.is_pending(now) {
        return Err(TwilioError::not_found());
    }
    let mut next = state.clone();
    next.status = status;
    next.updated_ms = now;
    Ok(next)
}

impl VerificationState {
    /// The Verification resource as Twilio's JSON has it, at `now`, under `base_url` (e.g.
    /// `https://verify.twilio.com`). Never includes the code.
    pub fn to_resource(&self, now: Millis, base_url: &str) -> Verification {
        Verification {
            sid: Some(self.sid.clone()),
            service_sid: Some(self.service_sid.clone()),
            account_sid: Some(self.account_sid.clone()),
            to: Some(self.to.clone()),
            channel: self.channel,
            status: Some(self.status_at(now)),
            valid: Some(self.status == Status::Approved),
            // Twilio answers `{}` when no lookup was made.
            lookup: Some(Lookup::default()),
            amount: self.amount.clone(),
            payee: self.payee.clone(),
            send_code_attempts: Some(
                self.sends
                    .iter()
                    .map(|s| SendCodeAttempt {
                        time: iso8601(s.time_ms),
                        channel: attempt_channel(s.channel).to_owned(),
                        attempt_sid: s.attempt_sid.clone(),
                    })
                    .collect(),
            ),
            date_created: Some(iso8601(self.created_ms)),
            date_updated: Some(iso8601(self.updated_ms)),
            sna: self
                .sna
                .as_ref()
                .filter(|_| self.channel == Channel::Sna)
                .map(|sna| Sna {
                    url: format!("{base_url}/sna/{}/{}", self.sid, sna.token),
                }),
            url: Some(format!(
                "{base_url}/v2/Services/{}/Verifications/{}",
                self.service_sid, self.sid
            )),
        }
    }

    /// The VerificationCheck resource for the check that produced this state.
    pub fn to_check_resource(&self, now: Millis) -> VerificationCheck {
        VerificationCheck {
            sid: Some(self.sid.clone()),
            service_sid: Some(self.service_sid.clone()),
            account_sid: Some(self.account_sid.clone()),
            to: Some(self.to.clone()),
            channel: self.channel,
            status: Some(self.status_at(now)),
            valid: Some(self.status == Status::Approved),
            amount: self.amount.clone(),
            payee: self.payee.clone(),
            date_created: Some(iso8601(self.created_ms)),
            date_updated: Some(iso8601(self.updated_ms)),
            sna_attempts_error_codes: Some(
                self.sna
                    .iter()
                    .flat_map(|sna| &sna.errors)
                    .map(|(attempt_sid, code)| SnaAttemptError {
                        attempt_sid: attempt_sid.clone(),
                        code: *code,
                    })
                    .collect(),
            ),
        }
    }
}

fn blank(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(|v| v.trim().is_empty())
}

/// Takes back a resend whose code could not be delivered, from the verification as it is now (`current`: checks,
/// cancels and carrier results may have landed while the code was out at the gateway, and they stay): the send
/// `attempt` is removed, and what the resend changed (its channel, SNA URL, custom code, locale and friendly name)
/// returns to what it was `before`.
pub fn undo_resend(
    current: &VerificationState,
    before: &VerificationState,
    attempt: &VerificationAttemptSid,
) -> VerificationState {
    let mut restored = current.clone();
    restored.sends.retain(|send| &send.attempt_sid != attempt);
    restored.channel = before.channel;
    restored.code.clone_from(&before.code);
    restored.locale.clone_from(&before.locale);
    restored
        .custom_friendly_name
        .clone_from(&before.custom_friendly_name);
    // The URL the resend made goes; errors recorded meanwhile stay on record.
    let errors = current
        .sna
        .as_ref()
        .map(|s| s.errors.clone())
        .unwrap_or_default();
    restored.sna = before.sna.clone().map(|sna| SnaState { errors, ..sna });
    restored
}
