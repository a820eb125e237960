//! Abuse protection's rules in the core: configuration, geo permissions, number types and the pumping detector.
//! (The Worker enforcing them under concurrent load is tested in tests/js/protections.test.mjs.)

use std::collections::HashMap;

use verify_edge::abuse::{Limit, PrefixTraffic, Protections, PumpingPolicy};
use verify_edge::phone::normalize_phone;
use verify_edge::verify::model::Channel;

fn protections(vars: &[(&str, &str)]) -> Result<Protections, String> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Protections::from_vars(|name| vars.get(name).cloned())
}

#[test]
fn limits_read_max_per_seconds_or_off() {
    assert_eq!(
        Limit::parse("10/60"),
        Ok(Some(Limit {
            max: 10,
            window_ms: 60_000
        }))
    );
    assert_eq!(Limit::parse(" OFF "), Ok(None));
    for bad in ["10", "10/0", "x/60", "10/-1", "", "/"] {
        assert!(Limit::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn every_setting_has_a_default_and_bad_ones_are_named() {
    let defaults = protections(&[]).unwrap();
    assert_eq!(
        defaults.starts_per_to,
        Some(Limit {
            max: 5,
            window_ms: 3_600_000
        })
    );
    assert!(defaults.pumping.is_some());
    assert_eq!(defaults.refused_types.len(), 4);
    for (name, value) in [
        ("LIMIT_STARTS_PER_IP", "lots"),
        ("GEO_ALLOW_SMS", "USA"),
        ("REFUSED_NUMBER_TYPES", "premium"),
        ("PUMPING", "maybe"),
        ("PUMPING_MIN_CONVERSION", "1.5"),
        ("PREFIX_DIGITS", "three"),
    ] {
        let error = protections(&[(name, value)]).unwrap_err();
        assert!(error.starts_with(name), "{error}");
    }
    assert!(protections(&[("REFUSED_NUMBER_TYPES", "none")])
        .unwrap()
        .refused_types
        .is_empty());
}

#[test]
fn prefixes_are_the_country_code_and_leading_national_digits() {
    let p = protections(&[]).unwrap();
    let number = normalize_phone("+44 7400 123456", None).unwrap();
    assert_eq!(p.prefix_of(&number), "+44740");
    let wider = protections(&[("PREFIX_DIGITS", "5")]).unwrap();
    assert_eq!(wider.prefix_of(&number), "+4474001");
}

#[test]
fn geo_permissions_per_channel_with_a_fallback_for_all() {
    let p = protections(&[
        ("GEO_DENY", "ru"),
        ("GEO_ALLOW_CALL", "US, GB"),
        ("GEO_DENY_WHATSAPP", "CU"),
    ])
    .unwrap();
    let ru = normalize_phone("+7 912 345 67 89", None).unwrap();
    let us = normalize_phone("+1 650 253 0000", None).unwrap();
    let de = normalize_phone("+49 151 23456789", None).unwrap();
    let global = normalize_phone("+800 1234 5678", None).unwrap();
    let refused = p.check_geo(Channel::Sms, &ru).unwrap_err();
    assert_eq!((refused.code, refused.status), (60605, 403));
    assert!(p.check_geo(Channel::Sms, &de).is_ok());
    assert!(p.check_geo(Channel::Call, &us).is_ok());
    assert!(
        p.check_geo(Channel::Call, &de).is_err(),
        "the call allow-list"
    );
    assert!(
        p.check_geo(Channel::Whatsapp, &ru).is_ok(),
        "a channel's own list replaces GEO_DENY"
    );
    assert!(
        p.check_geo(Channel::Call, &global).is_err(),
        "no region, not on an allow-list"
    );
    assert!(p.check_geo(Channel::Email, &ru).is_ok());
}

#[test]
fn pumping_types_are_refused_only_where_they_cost() {
    let p = protections(&[]).unwrap();
    let premium = normalize_phone("+1 900 234 5678", None).unwrap();
    let error = p.check_number_type(Channel::Sms, &premium).unwrap_err();
    assert_eq!(error.code, 60605);
    assert_eq!(error.details.unwrap().reason, "NUMBER_TYPE_REFUSED");
    assert!(p.check_number_type(Channel::Whatsapp, &premium).is_err());
    assert!(p.check_number_type(Channel::Sna, &premium).is_ok());
    let mobile = normalize_phone("+44 7400 123456", None).unwrap();
    assert!(p.check_number_type(Channel::Sms, &mobile).is_ok());
}

#[test]
fn the_detector_blocks_a_prefix_that_stops_converting_and_not_one_that_converts() {
    let policy = PumpingPolicy {
        window_ms: 60_000,
        min_sends: 10,
        floor: 0.2,
        cooldown_ms: 30_000,
    };
    let mut attacked = PrefixTraffic::default();
    let mut healthy = PrefixTraffic::default();
    let t0 = 1_000_000;
    let mut blocked_at = None;
    for i in 0..40 {
        let now = t0 + i * 100;
        let verdict = attacked.send(now, &policy);
        if !verdict.allowed {
            assert!(verdict.newly_blocked);
            assert_eq!(verdict.blocked_until, now + 30_000);
            blocked_at = Some(i);
            break;
        }
        assert!(healthy.send(now, &policy).allowed, "send {i}");
        healthy.approve(now + 50, &policy);
    }
    assert_eq!(blocked_at, Some(10), "judged only after the minimum volume");
    let later = attacked.send(t0 + 20_000, &policy);
    assert!(!later.allowed && !later.newly_blocked, "still blocked");
    assert!(
        attacked.send(t0 + 1_000 + 30_000, &policy).allowed,
        "the cool-down ends"
    );
}

#[test]
fn an_ipv6_client_is_its_slash_64_and_an_ipv4_client_its_address() {
    let default = protections(&[]).unwrap();
    assert_eq!(default.client_key("203.0.113.7"), "203.0.113.7");
    assert_eq!(
        default.client_key("2001:db8:1:2:3:4:5:6"),
        "2001:db8:1:2::/64"
    );
    assert_eq!(
        default.client_key("2001:db8:1:2:ffff::1"),
        default.client_key("2001:db8:1:2::9")
    );
    assert_ne!(
        default.client_key("2001:db8:1:3::1"),
        default.client_key("2001:db8:1:2::1")
    );
    assert_eq!(default.client_key("not an address"), "unknown");
    let wide = protections(&[("IPV6_PREFIX_BITS", "48")]).unwrap();
    assert_eq!(wide.client_key("2001:db8:1:2::1"), "2001:db8:1::/48");
    assert!(protections(&[("IPV6_PREFIX_BITS", "32")]).is_err());
}
