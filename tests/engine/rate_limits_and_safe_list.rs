//! The engine's Programmable Rate Limits and SafeList rules, natively: definitions and their errors (60207-60211),
//! the `RateLimits` parameter of a start, and SafeList numbers.

use verify_edge::engine::form::Form;
use verify_edge::engine::paging::page;
use verify_edge::engine::rate_limit::{
    bucket_hits, bucket_with_urls, check_unique_name, counter_key, create_bucket,
    create_rate_limit, parse_rate_limits, rate_limit_exceeded, rate_limit_with_urls,
    retry_after_seconds, update_bucket, update_rate_limit, StoredRateLimit,
    MAX_BUCKETS_PER_RATE_LIMIT, MAX_RATE_LIMITS_PER_SERVICE,
};
use verify_edge::engine::safe_list::{object_name, safe_list_number, with_url};
use verify_edge::verify::model::TwilioError;
use verify_edge::verify::sid::{AccountSid, BucketSid, RateLimitSid, SafeListSid, ServiceSid};

const T0: u64 = 1_700_000_000_000;
const BASE: &str = "https://verify.example";

fn form(body: &str) -> Form {
    Form::parse(body.as_bytes())
}

fn code(result: Result<impl std::fmt::Debug, TwilioError>) -> (u32, u16) {
    let e = result.expect_err("expected a Twilio error");
    (e.code, e.status)
}

fn service_sid() -> ServiceSid {
    ServiceSid::from_random_bytes([0xAA; 16])
}

fn rate_limit(
    existing: &[StoredRateLimit],
    body: &str,
    n: u8,
) -> Result<StoredRateLimit, TwilioError> {
    create_rate_limit(
        existing,
        &form(body),
        RateLimitSid::from_random_bytes([n; 16]),
        service_sid(),
        AccountSid::from_random_bytes([0xBB; 16]),
        T0,
    )
}

fn with_bucket(mut limit: StoredRateLimit, max: u32, interval: u32, n: u8) -> StoredRateLimit {
    let bucket = create_bucket(
        &limit,
        &form(&format!("Max={max}&Interval={interval}")),
        BucketSid::from_random_bytes([n; 16]),
        T0,
    )
    .expect("bucket");
    limit.buckets.push(bucket);
    limit
}

#[test]
fn creates_a_rate_limit_with_twilio_fields_and_urls() {
    let created = rate_limit(&[], "UniqueName=end_user_ip&Description=Per+IP", 1).unwrap();
    let r = &created.rate_limit;
    assert_eq!(r.unique_name.as_deref(), Some("end_user_ip"));
    assert_eq!(r.description.as_deref(), Some("Per IP"));
    assert_eq!(r.date_created.as_deref(), Some("2023-11-14T22:13:20Z"));
    assert!(created.buckets.is_empty());
    let shown = rate_limit_with_urls(r.clone(), BASE);
    let url = format!(
        "{BASE}/v2/Services/{}/RateLimits/{}",
        service_sid(),
        r.sid.as_ref().unwrap()
    );
    assert_eq!(shown.url.as_deref(), Some(url.as_str()));
    assert_eq!(shown.links.unwrap()["buckets"], format!("{url}/Buckets"));
}

#[test]
fn unique_name_rules_60200_60209_60208_60207() {
    assert_eq!(code(rate_limit(&[], "Description=x", 1)), (60200, 400));
    assert_eq!(code(rate_limit(&[], "UniqueName=", 1)), (60200, 400));
    for bad in [
        "has space",
        "emoji😀",
        "slash/",
        "a+b",
        "%24",
        &"x".repeat(65),
    ] {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("UniqueName", bad)
            .finish();
        assert_eq!(code(rate_limit(&[], &body, 1)), (60209, 400), "{bad:?}");
    }
    for good in ["a", "end_user.ip-v4", "ABC123", &"x".repeat(64)] {
        assert!(check_unique_name(good).is_ok(), "{good:?}");
    }
    let first = rate_limit(&[], "UniqueName=ip", 1).unwrap();
    assert_eq!(
        code(rate_limit(std::slice::from_ref(&first), "UniqueName=ip", 2)),
        (60208, 400)
    );
    // Case matters, as for any unique name compared byte for byte.
    assert!(rate_limit(&[first], "UniqueName=IP", 2).is_ok());
    let full: Vec<_> = (0..MAX_RATE_LIMITS_PER_SERVICE)
        .map(|i| rate_limit(&[], &format!("UniqueName=l{i}"), i as u8).unwrap())
        .collect();
    assert_eq!(
        code(rate_limit(&full, "UniqueName=one_more", 99)),
        (60207, 400)
    );
}

#[test]
fn update_changes_only_the_description() {
    let created = rate_limit(&[], "UniqueName=ip&Description=old", 1).unwrap();
    let updated = update_rate_limit(
        &created.rate_limit,
        &form("Description=new&UniqueName=renamed"),
        T0 + 5_000,
    )
    .unwrap();
    assert_eq!(updated.description.as_deref(), Some("new"));
    assert_eq!(updated.unique_name.as_deref(), Some("ip"));
    assert_eq!(
        updated.date_updated.as_deref(),
        Some("2023-11-14T22:13:25Z")
    );
    assert_eq!(updated.date_created, created.rate_limit.date_created);
}

#[test]
fn bucket_rules_60200_60211_60210() {
    let limit = rate_limit(&[], "UniqueName=ip", 1).unwrap();
    let sid = || BucketSid::from_random_bytes([7; 16]);
    for bad in [
        "Max=5",
        "Interval=60",
        "Max=0&Interval=60",
        "Max=5&Interval=0",
        "Max=x&Interval=60",
        "Max=5&Interval=2592001",
        "Max=-1&Interval=60",
    ] {
        assert_eq!(
            code(create_bucket(&limit, &form(bad), sid(), T0)),
            (60200, 400),
            "{bad}"
        );
    }
    let limit = with_bucket(limit, 5, 60, 1);
    let b = &limit.buckets[0];
    assert_eq!((b.max, b.interval), (5, 60));
    assert_eq!(b.rate_limit_sid, limit.rate_limit.sid);
    assert_eq!(b.service_sid, Some(service_sid()));
    assert_eq!(
        code(create_bucket(&limit, &form("Max=9&Interval=60"), sid(), T0)),
        (60211, 400)
    );
    let mut full = limit.clone();
    for i in 1..MAX_BUCKETS_PER_RATE_LIMIT {
        full = with_bucket(full, 5, 60 + i as u32, i as u8 + 1);
    }
    assert_eq!(
        code(create_bucket(&full, &form("Max=1&Interval=1"), sid(), T0)),
        (60210, 400)
    );
    let shown = bucket_with_urls(b.clone(), BASE);
    assert!(shown
        .url
        .unwrap()
        .ends_with(&format!("/Buckets/{}", b.sid.as_ref().unwrap())));
}

#[test]
fn bucket_update_keeps_intervals_unique() {
    let limit = with_bucket(
        with_bucket(rate_limit(&[], "UniqueName=ip", 1).unwrap(), 5, 60, 1),
        50,
        3600,
        2,
    );
    assert_eq!(
        code(update_bucket(&limit, 1, &form("Interval=60"), T0)),
        (60211, 400)
    );
    // Its own interval is no clash.
    let same = update_bucket(&limit, 0, &form("Interval=60&Max=7"), T0).unwrap();
    assert_eq!((same.max, same.interval), (7, 60));
    assert_eq!(
        code(update_bucket(&limit, 0, &form("Max=0"), T0)),
        (60200, 400)
    );
    assert_eq!(
        code(update_bucket(&limit, 9, &form("Max=1"), T0)),
        (20404, 404)
    );
}

#[test]
fn pages_like_twilio() {
    let items: Vec<u32> = (0..5).collect();
    let list = format!("{BASE}/v2/Services/VA/RateLimits");
    let first = page(&items, &form("PageSize=2"), &list, "rate_limits", |x| x).unwrap();
    assert_eq!(first.items, vec![0, 1]);
    assert_eq!(first.meta.key, "rate_limits");
    assert_eq!(first.meta.previous_page_url, None);
    let next = first.meta.next_page_url.clone().unwrap();
    assert!(next.ends_with("?PageSize=2&Page=1&PageToken=PT1"), "{next}");
    let last = page(
        &items,
        &form("PageSize=2&Page=2&PageToken=PT2"),
        &list,
        "rate_limits",
        |x| x,
    )
    .unwrap();
    assert_eq!(last.items, vec![4]);
    assert_eq!(last.meta.next_page_url, None);
    let json = serde_json::to_value(&last).unwrap();
    assert_eq!(json["rate_limits"], serde_json::json!([4]));
    assert_eq!(json["meta"]["page"], 2);
    assert_eq!(
        code(page(&items, &form("PageSize=0"), &list, "k", |x| x)),
        (60200, 400)
    );
    assert_eq!(
        code(page(&items, &form("PageToken=zz"), &list, "k", |x| x)),
        (60200, 400)
    );
}

#[test]
fn rate_limits_parameter_reads_node_and_python_json() {
    // twilio-node: JSON.stringify; twilio-python: json.dumps (a space after each colon and comma).
    for text in [
        r#"{"ip":"203.0.113.7","user":"u-1"}"#,
        r#"{"ip": "203.0.113.7", "user": "u-1"}"#,
    ] {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("RateLimits", text)
            .finish();
        let values = parse_rate_limits(&form(&body)).unwrap();
        assert_eq!(
            values,
            vec![
                ("ip".into(), "203.0.113.7".into()),
                ("user".into(), "u-1".into())
            ]
        );
    }
    assert!(parse_rate_limits(&form("To=x")).unwrap().is_empty());
    let numeric = parse_rate_limits(&form("RateLimits=%7B%22user_id%22%3A42%7D")).unwrap();
    assert_eq!(numeric, vec![("user_id".into(), "42".into())]);
}

#[test]
fn rate_limits_parameter_refuses_what_is_not_an_object_of_names_to_values() {
    let long = format!(r#"{{"ip":"{}"}}"#, "x".repeat(257));
    for text in [
        "",
        "not json",
        "[1]",
        "\"s\"",
        r#"{"ip":null}"#,
        r#"{"ip":{"a":1}}"#,
        r#"{"ip":true}"#,
        r#"{"ip":""}"#,
        r#"{"bad name":"x"}"#,
        long.as_str(),
    ] {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("RateLimits", text)
            .finish();
        let e = parse_rate_limits(&form(&body)).expect_err(text);
        assert_eq!(
            (e.code, e.status, e.message.as_str()),
            (60200, 400, "Invalid parameter: RateLimits"),
            "{text}"
        );
    }
}

#[test]
fn a_start_counts_once_in_every_bucket_of_every_named_rate_limit() {
    let ip = with_bucket(
        with_bucket(rate_limit(&[], "UniqueName=ip", 1).unwrap(), 5, 60, 1),
        50,
        3600,
        2,
    );
    let user = with_bucket(rate_limit(&[], "UniqueName=user", 2).unwrap(), 3, 2, 3);
    let empty = rate_limit(&[], "UniqueName=unused", 3).unwrap();
    let limits = vec![ip.clone(), user, empty];
    let hits = bucket_hits(
        &limits,
        &[
            ("ip".into(), "203.0.113.7".into()),
            ("user".into(), "u-1".into()),
            ("unused".into(), "x".into()),
        ],
    )
    .unwrap();
    let keys: Vec<_> = hits
        .iter()
        .map(|h| (h.key.as_str(), h.max, h.window_ms))
        .collect();
    let b = |n: u8| BucketSid::from_random_bytes([n; 16]);
    assert_eq!(
        keys,
        vec![
            (counter_key(&b(1), "203.0.113.7").as_str(), 5, 60_000),
            (counter_key(&b(2), "203.0.113.7").as_str(), 50, 3_600_000),
            (counter_key(&b(3), "u-1").as_str(), 3, 2_000),
        ]
    );
    assert!(hits[0].key.starts_with("bucket:BL"));
    assert_eq!(hits[2].unique_name, "user");
    let unknown = bucket_hits(
        &limits,
        &[("ip".into(), "1".into()), ("nope".into(), "1".into())],
    )
    .unwrap_err();
    assert_eq!((unknown.code, unknown.status), (60200, 400));
    assert_eq!(unknown.details.unwrap().reason, "UNKNOWN_RATE_LIMIT");
}

#[test]
fn a_breach_is_20429_with_retry_after_in_whole_seconds() {
    let e = rate_limit_exceeded("ip");
    assert_eq!(
        (e.code, e.status, e.message.as_str()),
        (20429, 429, "Too many requests")
    );
    assert_eq!(e.more_info, "https://www.twilio.com/docs/errors/20429");
    assert_eq!(retry_after_seconds(1), 1);
    assert_eq!(retry_after_seconds(1000), 1);
    assert_eq!(retry_after_seconds(1001), 2);
    assert_eq!(retry_after_seconds(0), 1);
}

#[test]
fn safe_list_numbers_are_e164_normalized_like_a_start_to() {
    assert_eq!(safe_list_number("+18001234567").unwrap(), "+18001234567");
    assert_eq!(
        safe_list_number("+1 (650) 555-1234").unwrap(),
        "+16505551234"
    );
    assert_eq!(
        safe_list_number(" +44 20 7946 0958").unwrap(),
        "+442079460958"
    );
    // Twilio's own example is not a valid NANP number; its E.164 form is enough.
    assert_eq!(safe_list_number("+999999").unwrap(), "+999999");
    for bad in [
        "",
        "6505551234",
        "+1",
        "+0123456",
        "+1234567890123456",
        "+1 800 123 456x",
        "user@example.com",
        "+1 650 555 12345678",
        "abc",
    ] {
        let e = safe_list_number(bad).expect_err(bad);
        assert_eq!(
            (e.code, e.status, e.message.as_str()),
            (60200, 400, "Invalid parameter: PhoneNumber"),
            "{bad}"
        );
    }
    assert_eq!(object_name("+18001234567"), "safelist:+18001234567");
    let entry = with_url(
        SafeListSid::from_random_bytes([1; 16]),
        "+18001234567",
        BASE,
    );
    assert_eq!(
        serde_json::to_value(entry).unwrap(),
        serde_json::json!({
            "sid": "GN01010101010101010101010101010101",
            "phone_number": "+18001234567",
            "url": "https://verify.example/v2/SafeList/Numbers/+18001234567",
        })
    );
}
