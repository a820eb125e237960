//! Verify Services: created, updated, listed and deleted as Twilio's `/v2/Services` does.

use std::collections::BTreeMap;
use std::str::FromStr;

use super::form::Form;
use super::paging;
use super::time::{iso8601, Millis};
use super::verification::ServiceRules;
use crate::verify::model::{
    PushSettings, Service, ServicePage, TotpSettings, TwilioError, WhatsappSettings,
};
use crate::verify::sid::{AccountSid, CredentialSid, MessagingServiceSid, ServiceSid, TemplateSid};

/// Twilio's default code length.
pub const DEFAULT_CODE_LENGTH: u32 = 6;
/// Twilio's limit on `FriendlyName`.
pub const MAX_FRIENDLY_NAME: usize = 32;

/// A new Service from a `CreateService` form. `FriendlyName` is required.
pub fn create_service(
    form: &Form,
    sid: ServiceSid,
    account_sid: AccountSid,
    now: Millis,
) -> Result<Service, TwilioError> {
    form.required("FriendlyName")?;
    let created = Service {
        sid: Some(sid),
        account_sid: Some(account_sid),
        friendly_name: None,
        code_length: DEFAULT_CODE_LENGTH,
        lookup_enabled: Some(false),
        psd2_enabled: Some(false),
        skip_sms_to_landlines: Some(false),
        dtmf_input_required: Some(false),
        tts_name: None,
        do_not_share_warning_enabled: Some(false),
        custom_code_enabled: Some(false),
        push: Some(PushSettings {
            include_date: Some(false),
            apn_credential_sid: None,
            fcm_credential_sid: None,
        }),
        totp: Some(TotpSettings {
            issuer: None,
            time_step: Some(30),
            code_length: Some(6),
            skew: Some(1),
        }),
        default_template_sid: None,
        whatsapp: Some(WhatsappSettings {
            msg_service_sid: None,
            from: None,
        }),
        passkeys: None,
        verify_event_subscription_enabled: Some(false),
        date_created: Some(iso8601(now)),
        date_updated: Some(iso8601(now)),
        url: None,
        links: None,
    };
    let mut service = update_service(&created, form, now)?;
    if let Some(totp) = service.totp.as_mut() {
        totp.issuer = totp.issuer.take().or_else(|| service.friendly_name.clone());
    }
    Ok(service)
}

/// The Service with what an `UpdateService` (or `CreateService`) form sets; every value is checked before any is
/// applied, so a bad one changes nothing.
pub fn update_service(service: &Service, form: &Form, now: Millis) -> Result<Service, TwilioError> {
    let mut next = service.clone();
    if let Some(name) = form.text("FriendlyName", MAX_FRIENDLY_NAME)? {
        if name.trim().is_empty() {
            return Err(TwilioError::invalid_parameter("FriendlyName"));
        }
        next.friendly_name = Some(name);
    }
    if let Some(length) = form.int_in("CodeLength", 4..=10)? {
        next.code_length = length;
    }
    for (name, field) in [
        ("LookupEnabled", &mut next.lookup_enabled),
        ("Psd2Enabled", &mut next.psd2_enabled),
        ("SkipSmsToLandlines", &mut next.skip_sms_to_landlines),
        ("DtmfInputRequired", &mut next.dtmf_input_required),
        (
            "DoNotShareWarningEnabled",
            &mut next.do_not_share_warning_enabled,
        ),
        ("CustomCodeEnabled", &mut next.custom_code_enabled),
        (
            "VerifyEventSubscriptionEnabled",
            &mut next.verify_event_subscription_enabled,
        ),
    ] {
        if let Some(value) = form.bool(name)? {
            *field = Some(value);
        }
    }
    if let Some(tts) = form.text("TtsName", 255)? {
        next.tts_name = Some(tts);
    }
    if let Some(sid) = sid_param::<TemplateSid>(form, "DefaultTemplateSid")? {
        next.default_template_sid = Some(sid);
    }
    let push = next.push.get_or_insert_with(Default::default);
    if let Some(include) = form.bool("Push.IncludeDate")? {
        push.include_date = Some(include);
    }
    if let Some(sid) = sid_param::<CredentialSid>(form, "Push.ApnCredentialSid")? {
        push.apn_credential_sid = Some(sid);
    }
    if let Some(sid) = sid_param::<CredentialSid>(form, "Push.FcmCredentialSid")? {
        push.fcm_credential_sid = Some(sid);
    }
    let totp = next.totp.get_or_insert_with(Default::default);
    if let Some(issuer) = form.text("Totp.Issuer", 255)? {
        totp.issuer = Some(issuer);
    }
    if let Some(step) = form.int_in("Totp.TimeStep", 20..=60)? {
        totp.time_step = Some(step);
    }
    if let Some(length) = form.int_in("Totp.CodeLength", 3..=8)? {
        totp.code_length = Some(length);
    }
    if let Some(skew) = form.int_in("Totp.Skew", 0..=2)? {
        totp.skew = Some(skew);
    }
    let whatsapp = next.whatsapp.get_or_insert_with(Default::default);
    if let Some(sid) = sid_param::<MessagingServiceSid>(form, "Whatsapp.MsgServiceSid")? {
        whatsapp.msg_service_sid = Some(sid);
    }
    if let Some(from) = form.text("Whatsapp.From", 64)? {
        whatsapp.from = Some(from);
    }
    let passkey_fields = [
        "Passkeys.RelyingParty.Id",
        "Passkeys.RelyingParty.Name",
        "Passkeys.RelyingParty.Origins",
        "Passkeys.AuthenticatorAttachment",
        "Passkeys.DiscoverableCredentials",
        "Passkeys.UserVerification",
    ];
    if passkey_fields.iter().any(|f| form.get(f).is_some()) {
        let passkeys = next.passkeys.get_or_insert_with(Default::default);
        let party = passkeys.relying_party.get_or_insert_with(Default::default);
        if let Some(id) = form.text("Passkeys.RelyingParty.Id", 255)? {
            party.id = Some(id);
        }
        if let Some(name) = form.text("Passkeys.RelyingParty.Name", 255)? {
            party.name = Some(name);
        }
        if let Some(origins) = form.text("Passkeys.RelyingParty.Origins", 2048)? {
            party.origins = Some(
                origins
                    .split(',')
                    .map(|o| o.trim().to_owned())
                    .filter(|o| !o.is_empty())
                    .collect(),
            );
        }
        for (name, field, allowed) in [
            (
                "Passkeys.AuthenticatorAttachment",
                &mut passkeys.authenticator_attachment,
                &["", "platform", "cross-platform", "any"][..],
            ),
            (
                "Passkeys.DiscoverableCredentials",
                &mut passkeys.discoverable_credentials,
                &["", "required", "preferred", "discouraged"][..],
            ),
            (
                "Passkeys.UserVerification",
                &mut passkeys.user_verification,
                &["", "required", "preferred", "discouraged"][..],
            ),
        ] {
            if let Some(value) = form.get(name) {
                if !allowed.contains(&value) {
                    return Err(TwilioError::invalid_parameter(name));
                }
                *field = Some(value.to_owned());
            }
        }
    }
    next.date_updated = Some(iso8601(now));
    Ok(next)
}

fn sid_param<T: FromStr>(form: &Form, name: &str) -> Result<Option<T>, TwilioError> {
    form.get(name)
        .map(|v| {
            v.parse::<T>()
                .map_err(|_| TwilioError::invalid_parameter(name))
        })
        .transpose()
}

/// The rules a Service sets for its verifications.
pub fn rules(service: &Service, lifetime_ms: Millis) -> ServiceRules {
    ServiceRules {
        code_length: service.code_length as usize,
        custom_code_enabled: service.custom_code_enabled == Some(true),
        psd2_enabled: service.psd2_enabled == Some(true),
        lifetime_ms,
    }
}

/// The Service as a response, with its `url` and `links` under `base_url`.
pub fn with_urls(mut service: Service, base_url: &str) -> Service {
    let sid = service
        .sid
        .as_ref()
        .map(|s| s.to_string())
        .unwrap_or_default();
    let url = format!("{base_url}/v2/Services/{sid}");
    let links = [
        ("verification_checks", "VerificationCheck"),
        ("verifications", "Verifications"),
        ("rate_limits", "RateLimits"),
        ("messaging_configurations", "MessagingConfigurations"),
        ("entities", "Entities"),
        ("webhooks", "Webhooks"),
        ("access_tokens", "AccessTokens"),
    ];
    service.links = Some(
        links
            .iter()
            .map(|(k, path)| (k.to_string(), format!("{url}/{path}")))
            .collect::<BTreeMap<_, _>>(),
    );
    service.url = Some(url);
    service
}

/// One page of `services` (oldest first), as `ListService` answers: `PageSize` 1-1000 (default 50), `Page` from 0.
/// `PageToken` is accepted as Twilio's SDKs send it back (`PT<page>`).
pub fn page(
    services: &[Service],
    query: &Form,
    base_url: &str,
) -> Result<ServicePage, TwilioError> {
    let list = format!("{base_url}/v2/Services");
    let page = paging::page(services, query, &list, "services", |s| {
        with_urls(s, base_url)
    })?;
    Ok(ServicePage {
        services: page.items,
        meta: page.meta,
    })
}
