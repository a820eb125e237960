//! `VerifyClient`, `invokeSnaUrl` and `verifySna` in headless Chromium and Firefox, against this repository's Worker
//! under `wrangler dev` and a stand-in for a carrier's redirect chain (tests/js/carrier.mjs). Run through
//! `node tests/js/browser-harness.mjs chrome|firefox`, which starts both and passes their URLs at compile time.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use js_sys::{Object, Reflect, JSON};
use serde_json::Value;
use tsify::Ts;
use verify_edge::api::VerificationCheck;
use verify_edge::browser::{
    invoke_sna_url, link_phone, normalize_phone, SnaInvocation, SnaOutcome, SnaResult,
    VerifyClient, VerifyClientOptions, VerifyEdgeError,
};
use verify_edge::verify::model::Status;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

/// A URL the harness passed at compile time. Without it (clippy, a bare `wasm-pack test`) the tests still compile
/// and then fail, naming the harness.
fn from_harness(value: Option<&'static str>) -> &'static str {
    value.unwrap_or_else(|| {
        panic!("set by tests/js/browser-harness.mjs: run the browser tests through it")
    })
}

/// The Worker under `wrangler dev`.
fn api() -> &'static str {
    from_harness(option_env!("VERIFY_EDGE_TEST_API"))
}

/// The carrier stand-in, on 127.0.0.1.
fn carrier() -> &'static str {
    from_harness(option_env!("VERIFY_EDGE_TEST_CARRIER"))
}

/// The stand-in's port: it listens on 127.0.0.2 too, so a request that should never leave would be seen.
fn carrier_port() -> &'static str {
    from_harness(option_env!("VERIFY_EDGE_TEST_CARRIER_PORT"))
}

/// A key no other test (or earlier run) uses, so each test reads only its own hits.
fn unique_key(name: &str) -> String {
    format!("{name}-{}", js_sys::Date::now() as u64)
}

fn object(json: &str) -> JsValue {
    JSON::parse(json).expect("test JSON")
}

fn field(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).expect("a readable property")
}

fn text(value: &JsValue, key: &str) -> Option<String> {
    field(value, key).as_string()
}

fn keys(value: &JsValue) -> Vec<String> {
    let mut keys: Vec<String> = Object::keys(value.unchecked_ref::<Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    keys.sort();
    keys
}

async fn resolved(promise: js_sys::Promise) -> JsValue {
    match JsFuture::from(promise).await {
        Ok(value) => value,
        Err(error) => panic!(
            "rejected: {:?} {:?}",
            text(&error, "code").or_else(|| field(&error, "code").as_f64().map(|c| c.to_string())),
            text(&error, "message")
        ),
    }
}

/// The error a promise rejected with: a `VerifyEdgeError`.
async fn rejected(promise: js_sys::Promise) -> JsValue {
    let error = JsFuture::from(promise)
        .await
        .expect_err("the promise should reject");
    assert!(error.is_instance_of::<js_sys::Error>(), "an Error subclass");
    assert_eq!(text(&error, "name").as_deref(), Some("VerifyEdgeError"));
    error
}

fn string_code(error: &JsValue) -> String {
    text(error, "code").expect("a string code")
}

fn number_code(error: &JsValue) -> f64 {
    field(error, "code")
        .as_f64()
        .expect("Twilio's numeric code")
}

/// What the stand-in received for `key`.
async fn hits(key: &str) -> Vec<Value> {
    let response = gloo_net::http::Request::get(&format!("{}/hits?key={key}", carrier()))
        .send()
        .await
        .expect("the stand-in answers");
    serde_json::from_str(&response.text().await.expect("a body")).expect("JSON")
}

/// The codes the engine "sent" to `to`, relayed with CORS by the stand-in from the Worker's /dev/inbox.
async fn inbox(to: &str) -> Vec<String> {
    let url = format!(
        "{}/inbox?to={}",
        carrier(),
        js_sys::encode_uri_component(to)
    );
    let response = gloo_net::http::Request::get(&url)
        .send()
        .await
        .expect("the inbox answers");
    let body: Value = serde_json::from_str(&response.text().await.expect("a body")).expect("JSON");
    body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["code"].as_str().map(str::to_owned))
        .collect()
}

/// The claims of an approval token, once it is asserted to be a three-part ES256 JWT (`header.payload.signature`,
/// each base64url without padding). Decoding is not verifying: tests/js/package.test.mjs checks the signature.
fn jwt_claims(token: &JsValue) -> Value {
    let token = token.as_string().expect("a token string");
    let parts: Vec<Vec<u8>> = token
        .split('.')
        .map(|part| {
            URL_SAFE_NO_PAD
                .decode(part)
                .unwrap_or_else(|e| panic!("base64url: {e}"))
        })
        .collect();
    let [header, claims, signature] = parts.as_slice() else {
        panic!("header.payload.signature: {token}");
    };
    let header: Value = serde_json::from_slice(header).expect("a JSON header");
    assert_eq!(header["alg"], "ES256");
    assert_eq!(signature.len(), 64, "ES256: r and s, 32 bytes each");
    serde_json::from_slice(claims).expect("JSON claims")
}

fn client() -> VerifyClient {
    new_client(api(), None).expect("a client of the Worker")
}

/// A client, with the phone engine linked as the package's loader links it: the engine is this test build's own
/// `normalizePhone` export (the package links the phone entry's), reached through the same JS call.
fn new_client(
    base_url: &str,
    options: Option<Ts<VerifyClientOptions>>,
) -> Result<VerifyClient, VerifyEdgeError> {
    thread_local! {
        static LINKED: () = {
            let engine = Closure::<dyn Fn(String, Option<String>) -> Result<JsValue, JsValue>>::new(
                |input: String, region: Option<String>| {
                    normalize_phone(&input, region).map_err(JsValue::from)
                },
            );
            link_phone(engine.as_ref().unchecked_ref());
            engine.forget();
        };
    }
    LINKED.with(|_| ());
    VerifyClient::new(base_url, options)
}

fn params<T: tsify::Tsify>(json: &str) -> Ts<T> {
    Ts::new_unchecked(object(json))
}

// ---- VerifyClient against the Worker ----

#[wasm_bindgen_test]
async fn start_sends_the_normalized_number_and_answers_the_safe_view() {
    let verification = resolved(client().start(params(
        r#"{"to": "(650) 253-0011", "channel": "sms", "defaultRegion": "US"}"#,
    )))
    .await;
    assert_eq!(text(&verification, "to").as_deref(), Some("+16502530011"));
    assert_eq!(text(&verification, "channel").as_deref(), Some("sms"));
    assert_eq!(text(&verification, "status").as_deref(), Some("pending"));
    assert!(field(&verification, "sna").is_null(), "null, not undefined");
    assert_eq!(field(&verification, "sendCodeAttempts").as_f64(), Some(1.0));
    let sid = text(&verification, "sid").expect("a sid");
    assert!(sid.starts_with("VE") && sid.len() == 34, "{sid}");
    assert_eq!(
        keys(&verification),
        [
            "channel",
            "dateCreated",
            "sendCodeAttempts",
            "sid",
            "sna",
            "status",
            "to"
        ]
    );

    let status = resolved(client().status(&sid)).await;
    assert_eq!(text(&status, "sid"), Some(sid));
    // A SID alone gives the number away no more than its last digits.
    assert_eq!(text(&status, "to").as_deref(), Some("+*******0011"));
}

#[wasm_bindgen_test]
async fn a_wrong_code_is_pending_and_the_right_one_approves() {
    let client = client();
    let verification =
        resolved(client.start(params(r#"{"to": "+16502530012", "channel": "sms"}"#))).await;
    let sid = text(&verification, "sid").expect("a sid");
    let code = inbox("+16502530012").await.pop().expect("a code was sent");
    let wrong = if code == "000000" { "111111" } else { "000000" };

    let check = resolved(client.check(params(&format!(
        r#"{{"to": "+1 650-253-0012", "code": "{wrong}"}}"#
    ))))
    .await;
    assert_eq!(text(&check, "status").as_deref(), Some("pending"));
    assert_eq!(field(&check, "valid").as_bool(), Some(false));
    assert!(field(&check, "snaErrorCode").is_null());
    assert!(field(&check, "token").is_null(), "null, not undefined");

    let check = resolved(client.check(params(&format!(
        r#"{{"verificationSid": "{sid}", "code": "{code}"}}"#
    ))))
    .await;
    assert_eq!(text(&check, "status").as_deref(), Some("approved"));
    assert_eq!(field(&check, "valid").as_bool(), Some(true));
    let claims = jwt_claims(&field(&check, "token"));
    assert_eq!(claims["sub"], "+16502530012");
    assert_eq!(claims["channel"], "sms");
    assert_eq!(claims["jti"], sid.as_str());
    assert!(claims["amr"].as_array().is_some_and(|amr| !amr.is_empty()));
    assert_eq!(text(&check, "sid"), Some(sid));
}

#[wasm_bindgen_test]
async fn bad_parameters_are_refused_before_any_request_leaves() {
    let key = unique_key("refused");
    let client = new_client(&format!("{}/api/{key}", carrier()), None).expect("a client");
    let cases = [
        (
            r#"{"to": "hello", "channel": "sms", "defaultRegion": "US"}"#,
            "NOT_A_NUMBER",
            "to",
        ),
        (
            r#"{"to": "650 253 0000", "channel": "sms"}"#,
            "MISSING_REGION",
            "to",
        ),
        (
            r#"{"to": "650 253 0000", "channel": "sms", "defaultRegion": "ZZ"}"#,
            "UNKNOWN_REGION",
            "defaultRegion",
        ),
        (
            r#"{"to": "+16502530000", "channel": "fax"}"#,
            "UNKNOWN_CHANNEL",
            "channel",
        ),
        (
            r#"{"to": "+16502530000", "channel": "sms", "serviceSid": "VA00"}"#,
            "UNKNOWN_PARAMETER",
            "serviceSid",
        ),
    ];
    for (json, reason, parameter) in cases {
        let error = rejected(client.start(params(json))).await;
        assert_eq!(number_code(&error), 60200.0, "{json}");
        assert_eq!(text(&error, "reason").as_deref(), Some(reason), "{json}");
        assert!(
            field(&error, "status").is_null(),
            "nothing was sent: {json}"
        );
        let message = text(&error, "message").unwrap_or_default();
        assert!(
            message.contains(&format!("Invalid parameter: {parameter}")),
            "{message}"
        );
    }
    let error = rejected(client.check(params("{}"))).await;
    assert_eq!(text(&error, "reason").as_deref(), Some("MISSING"));
    let error = rejected(client.check(params(r#"{"verificationSid": "VE12"}"#))).await;
    assert_eq!(
        text(&error, "reason").as_deref(),
        Some("NOT_A_VERIFICATION_SID")
    );
    assert_eq!(hits(&key).await, Vec::<Value>::new(), "no request left");
}

#[wasm_bindgen_test]
async fn api_errors_carry_twilios_code_the_http_status_and_more_info() {
    let no_such = format!("VE{}", "0".repeat(32));
    let error = rejected(client().check(params(&format!(
        r#"{{"verificationSid": "{no_such}", "code": "123456"}}"#
    ))))
    .await;
    assert_eq!(number_code(&error), 20404.0);
    assert_eq!(field(&error, "status").as_f64(), Some(404.0));
    assert_eq!(
        text(&error, "moreInfo").as_deref(),
        Some("https://www.twilio.com/docs/errors/20404")
    );
    assert!(field(&error, "retryAfter").is_null());

    let error = rejected(client().status(&no_such)).await;
    assert_eq!(number_code(&error), 20404.0);
    assert_eq!(field(&error, "status").as_f64(), Some(404.0));
}

#[wasm_bindgen_test]
async fn a_sixth_send_is_429_with_retry_after_in_seconds() {
    let client = client();
    for _ in 0..5 {
        resolved(client.start(params(r#"{"to": "+16502530013", "channel": "sms"}"#))).await;
    }
    let error = rejected(client.start(params(r#"{"to": "+16502530013", "channel": "sms"}"#))).await;
    assert_eq!(number_code(&error), 60203.0);
    assert_eq!(field(&error, "status").as_f64(), Some(429.0));
    let retry_after = field(&error, "retryAfter")
        .as_f64()
        .expect("Retry-After, exposed by the Worker's CORS headers");
    assert!(retry_after > 0.0 && retry_after <= 600.0, "{retry_after}");
}

#[wasm_bindgen_test]
async fn failures_without_an_api_answer_have_their_own_codes() {
    let key = unique_key("transport");
    let slow = new_client(
        &format!("{}/api/{key}/slow", carrier()),
        Some(params(r#"{"timeoutMs": 300}"#)),
    )
    .expect("a client");
    let started = js_sys::Date::now();
    let error = rejected(slow.status("VE00")).await;
    assert_eq!(string_code(&error), "TIMEOUT");
    assert!(field(&error, "status").is_null());
    assert!(js_sys::Date::now() - started < 3_000.0, "aborted in time");

    let html = new_client(&format!("{}/api/{key}/html502", carrier()), None).expect("a client");
    let error = rejected(html.status("VE00")).await;
    assert_eq!(string_code(&error), "BAD_RESPONSE");
    assert_eq!(field(&error, "status").as_f64(), Some(502.0));

    let wrong = new_client(&format!("{}/api/{key}/wrongjson", carrier()), None).expect("a client");
    let error = rejected(wrong.status("VE00")).await;
    assert_eq!(string_code(&error), "BAD_RESPONSE");
    assert_eq!(field(&error, "status").as_f64(), Some(200.0));

    let nobody = new_client("http://127.0.0.1:9", None).expect("a client");
    let error = rejected(nobody.status("VE00")).await;
    assert_eq!(string_code(&error), "NETWORK_ERROR");
    assert!(field(&error, "status").is_null());
    assert_eq!(hits(&key).await.len(), 3, "one request each, none retried");
}

#[wasm_bindgen_test]
fn the_constructor_takes_https_or_loopback_http_and_checks_its_options() {
    let client = new_client("https://verify.example.com/api/", None).expect("https");
    assert_eq!(client.base_url(), "https://verify.example.com/api");
    let relative = new_client("/api", None).expect("relative to the page");
    assert!(
        relative.base_url().starts_with("http://127.0.0.1:")
            && relative.base_url().ends_with("/api"),
        "{}",
        relative.base_url()
    );
    let code = |url: &str, options: Option<&str>| {
        let error = new_client(url, options.map(params)).expect_err(url);
        string_code(&error)
    };
    assert_eq!(code("ftp://verify.example.com", None), "INVALID_URL");
    assert_eq!(
        code("https://user:pw@verify.example.com", None),
        "INVALID_URL"
    );
    assert_eq!(code("http://verify.example.com", None), "INSECURE_URL");
    assert_eq!(code("http://127.0.0.2:8787", None), "INSECURE_URL");
    assert_eq!(code(api(), Some(r#"{"timeoutMs": 0}"#)), "INVALID_ARGUMENT");
    assert_eq!(
        code(api(), Some(r#"{"timeoutMs": 2.5}"#)),
        "INVALID_ARGUMENT"
    );
    assert_eq!(code(api(), Some(r#"{"timeout": 100}"#)), "INVALID_ARGUMENT");
}

// ---- verifySna against the Worker's simulated carrier ----

#[wasm_bindgen_test]
async fn verify_sna_approves_through_the_engines_carrier() {
    let result = resolved(client().verify_sna("+16502530014".into(), None)).await;
    assert_eq!(text(&result, "outcome").as_deref(), Some("approved"));
    assert_eq!(text(&result, "status").as_deref(), Some("approved"));
    assert_eq!(field(&result, "fallbackAllowed").as_bool(), Some(false));
    // Cross-origin and without CORS headers: the browser followed the chain but hides its answer.
    let invocation = field(&result, "invocation");
    assert_eq!(text(&invocation, "kind").as_deref(), Some("opaque"));
    assert!(field(&result, "invocationError").is_null());
    let claims = jwt_claims(&field(&result, "token"));
    assert_eq!(claims["sub"], "+16502530014");
    assert_eq!(claims["channel"], "sna");
    assert_eq!(claims["amr"], serde_json::json!(["hwk", "mca"]));
}

#[wasm_bindgen_test]
async fn verify_sna_in_cors_mode_stops_at_the_first_hop_and_stays_pending() {
    let options = params(r#"{"mode": "cors", "method": "GET", "defaultRegion": "US"}"#);
    let result = resolved(client().verify_sna("650 253 0015".into(), Some(options))).await;
    assert_eq!(text(&result, "outcome").as_deref(), Some("pending"));
    assert_eq!(field(&result, "snaErrorCode").as_f64(), Some(60519.0));
    assert_eq!(field(&result, "fallbackAllowed").as_bool(), Some(true));
    assert!(
        field(&result, "token").is_null(),
        "no token before approval"
    );
    assert_eq!(
        text(&field(&result, "invocation"), "kind").as_deref(),
        Some("opaque")
    );
}

#[wasm_bindgen_test]
async fn verify_sna_refuses_bad_options_before_starting() {
    let error =
        rejected(client().verify_sna("+16502530016".into(), Some(params(r#"{"method": "PUT"}"#))))
            .await;
    assert_eq!(string_code(&error), "INVALID_ARGUMENT");
    let error = rejected(client().verify_sna("nope".into(), None)).await;
    assert_eq!(number_code(&error), 60200.0);
}

#[wasm_bindgen_test]
fn sna_results_say_whether_to_fall_back() {
    let check = |status: Status, code: Option<u32>| {
        SnaResult::new(
            VerificationCheck {
                sid: "VE00".into(),
                status,
                valid: status == Status::Approved,
                sna_error_code: code,
                token: (status == Status::Approved).then(|| "header.claims.signature".into()),
            },
            Some(SnaInvocation::Opaque),
            None,
        )
    };
    let approved = check(Status::Approved, None);
    assert_eq!(
        (approved.outcome, approved.fallback_allowed),
        (SnaOutcome::Approved, false)
    );
    assert_eq!(approved.token.as_deref(), Some("header.claims.signature"));
    let pending = check(Status::Pending, Some(60519));
    assert_eq!(
        (pending.outcome, pending.fallback_allowed),
        (SnaOutcome::Pending, true)
    );
    assert_eq!(pending.token, None);
    let failed = check(Status::Pending, Some(60500));
    assert_eq!(
        (failed.outcome, failed.fallback_allowed),
        (SnaOutcome::Failed, true)
    );
    let final_failure = check(Status::Pending, Some(60540));
    assert_eq!(
        (final_failure.outcome, final_failure.fallback_allowed),
        (SnaOutcome::Failed, false)
    );
    let expired = check(Status::Expired, None);
    assert_eq!(expired.outcome, SnaOutcome::Failed);
}

// ---- invokeSnaUrl against the carrier stand-in ----

fn chain(key: &str, query: &str) -> String {
    format!("{}/chain/{key}/0?{query}", carrier())
}

fn invoke(url: &str, options: Option<&str>) -> js_sys::Promise {
    invoke_sna_url(url.to_owned(), options.map(params))
}

fn hops_and_methods(hits: &[Value]) -> Vec<(i64, String)> {
    hits.iter()
        .map(|h| {
            (
                h["hop"].as_i64().unwrap_or(-1),
                h["method"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[wasm_bindgen_test]
async fn follows_307_redirects_and_reads_the_carriers_answer_when_cors_allows() {
    let key = unique_key("cors307");
    let url = chain(&key, "cors=1&redirect=307&token=tok%2B1%2F2");
    let answer = resolved(invoke(&url, Some(r#"{"mode": "cors"}"#))).await;
    assert_eq!(text(&answer, "kind").as_deref(), Some("readable"));
    assert_eq!(field(&answer, "status").as_f64(), Some(200.0));
    assert_eq!(field(&answer, "errorCode").as_f64(), Some(0.0));
    assert_eq!(
        text(&answer, "errorDescription").as_deref(),
        Some("Success")
    );
    assert_eq!(text(&answer, "carrier").as_deref(), Some("TESTNET"));
    assert_eq!(text(&answer, "clientToken").as_deref(), Some("tok+1/2"));
    let hits = hits(&key).await;
    assert_eq!(
        hops_and_methods(&hits),
        [(0, "POST".into()), (1, "POST".into()), (2, "POST".into())],
        "POST by default, kept across 307s, each hop once"
    );
    for hit in &hits {
        assert!(
            hit["cookie"].is_null() && hit["authorization"].is_null(),
            "{hit}"
        );
        assert!(hit["referer"].is_null(), "no page address leaks: {hit}");
    }
}

#[wasm_bindgen_test]
async fn get_follows_302_redirects_and_reads_a_failure() {
    let key = unique_key("get302");
    let url = chain(&key, "cors=1&redirect=302&hops=3&code=-10");
    let answer = resolved(invoke(&url, Some(r#"{"mode": "cors", "method": "GET"}"#))).await;
    assert_eq!(field(&answer, "errorCode").as_f64(), Some(-10.0));
    assert_eq!(
        text(&answer, "errorDescription").as_deref(),
        Some("Carrier could not verify")
    );
    assert!(field(&answer, "clientToken").is_null());
    let methods: Vec<String> = hops_and_methods(&hits(&key).await)
        .into_iter()
        .map(|(_, m)| m)
        .collect();
    assert_eq!(methods, ["GET", "GET", "GET", "GET"]);
}

#[wasm_bindgen_test]
async fn without_cors_the_answer_is_opaque_but_the_whole_chain_ran_once() {
    let key = unique_key("opaque");
    let answer = resolved(invoke(&chain(&key, "redirect=307"), None)).await;
    assert_eq!(text(&answer, "kind").as_deref(), Some("opaque"));
    assert_eq!(keys(&answer), ["kind"]);
    assert_eq!(
        hops_and_methods(&hits(&key).await),
        [(0, "POST".into()), (1, "POST".into()), (2, "POST".into())]
    );
}

#[wasm_bindgen_test]
async fn cors_mode_without_cors_headers_is_opaque_after_the_first_hop() {
    let key = unique_key("corsfail");
    let answer = resolved(invoke(
        &chain(&key, "redirect=307"),
        Some(r#"{"mode": "cors"}"#),
    ))
    .await;
    assert_eq!(text(&answer, "kind").as_deref(), Some("opaque"));
    // The browser checks CORS on the redirect itself: hop 0 got the request, the chain went no further.
    assert_eq!(hops_and_methods(&hits(&key).await), [(0, "POST".into())]);
}

#[wasm_bindgen_test]
async fn a_slow_carrier_is_aborted_at_the_timeout_and_not_retried() {
    let key = unique_key("slow");
    let started = js_sys::Date::now();
    let error = rejected(invoke(
        &chain(&key, "cors=1&delay=4000"),
        Some(r#"{"timeoutMs": 300, "mode": "cors"}"#),
    ))
    .await;
    let elapsed = js_sys::Date::now() - started;
    assert_eq!(string_code(&error), "TIMEOUT");
    assert!((250.0..3_000.0).contains(&elapsed), "{elapsed} ms");
    assert_eq!(hits(&key).await.len(), 1, "sent once, never again");
}

#[wasm_bindgen_test]
async fn urls_that_are_not_https_or_loopback_are_refused_before_sending() {
    let key = unique_key("refused");
    // 127.0.0.2 reaches the stand-in too: had the request left, the stand-in would have seen it.
    let insecure = format!("http://127.0.0.2:{}/chain/{key}/0?cors=1", carrier_port());
    let error = rejected(invoke(&insecure, Some(r#"{"mode": "cors"}"#))).await;
    assert_eq!(string_code(&error), "INSECURE_URL");
    for url in [
        "ftp://127.0.0.1/x".to_owned(),
        "not a url".to_owned(),
        format!("http://user:pw@127.0.0.1:{}/chain/{key}/0", carrier_port()),
    ] {
        let error = rejected(invoke(&url, None)).await;
        assert_eq!(string_code(&error), "INVALID_URL", "{url}");
    }
    let error = rejected(invoke(&chain(&key, ""), Some(r#"{"method": "PUT"}"#))).await;
    assert_eq!(string_code(&error), "INVALID_ARGUMENT");
    assert_eq!(hits(&key).await, Vec::<Value>::new(), "nothing was sent");
}

#[wasm_bindgen_test]
fn reads_a_carriers_form_encoded_answer() {
    let answer = SnaInvocation::from_body(
        200,
        "ErrorCode=0&ErrorDescription=Success&Carrier=VZW&SnaClientToken=a%2Bb+c\n",
    );
    assert_eq!(
        answer,
        SnaInvocation::Readable {
            status: 200,
            error_code: Some(0),
            error_description: Some("Success".into()),
            client_token: Some("a+b c".into()),
            carrier: Some("VZW".into()),
        }
    );
    let nothing = SnaInvocation::from_body(502, "<html>");
    assert_eq!(nothing.client_token(), None);
    assert!(matches!(
        nothing,
        SnaInvocation::Readable {
            status: 502,
            error_code: None,
            ..
        }
    ));
}
