//! `Endpoint`: where a client of the package sends its requests (a Worker's public API, and how long each may
//! take), and how it reads the answers. `VerifyClient` (the main entry), `TotpClient` (`verify-edge/totp`) and
//! `PasskeyClient` (`verify-edge/passkey`) each hold one, so each entry's wasm carries only its own routes.

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tsify::{Ts, Tsify};
use wasm_bindgen::JsCast;

use super::error::{client_error, internal_error, twilio_error, ClientErrorCode, VerifyEdgeError};
use super::http;
use super::js_values::{from_json, read_options, to_js};
use crate::verify::model::TwilioError;

/// What a client's constructor (`new VerifyClient(baseUrl, options)`, `TotpClient`, `PasskeyClient`) takes beside
/// the URL.
#[derive(Debug, Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifyClientOptions {
    /// How long each request may take, answer included, in milliseconds (default 10000).
    #[serde(default)]
    #[tsify(optional)]
    pub timeout_ms: Option<f64>,
}

/// A Worker's public API: its address and the timeout of each request.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// Origin and path prefix, without a trailing slash.
    base_url: String,
    timeout_ms: u32,
}

impl Endpoint {
    /// The API at `base_url` (in a page, a relative URL is read against the page's address). `INVALID_URL` for
    /// anything but https (or http on loopback), `INVALID_ARGUMENT` for a bad option.
    pub fn new(
        base_url: &str,
        options: Option<Ts<VerifyClientOptions>>,
    ) -> Result<Self, VerifyEdgeError> {
        let options = read_options(options)?;
        let url = http::parse_url(base_url, page_address().as_deref())?;
        http::refuse_insecure(&url)?;
        let path = url.pathname();
        let base_url = format!("{}{}", url.origin(), path.trim_end_matches('/'));
        Ok(Self {
            base_url,
            timeout_ms: http::timeout_ms(options.timeout_ms)?,
        })
    }

    /// The API's address, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// GETs `path` (already percent-encoded) and reads the answer (or the API's error).
    #[cfg(feature = "browser")]
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, VerifyEdgeError> {
        let request = Request::get(&self.url(path))
            .header("Accept", "application/json")
            .abort_signal(Some(&http::timeout_signal(self.timeout_ms)))
            .build()
            .map_err(|e| internal_error(&e))?;
        self.send(request).await
    }

    /// POSTs `params` as JSON to `path` (a body a form cannot carry: a passkey's credential) and reads the answer.
    #[cfg(feature = "browser-passkey")]
    pub async fn post_json<P: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        params: &P,
    ) -> Result<T, VerifyEdgeError> {
        let body = serde_json::to_string(params).map_err(|e| internal_error(&e))?;
        let request = Request::post(&self.url(path))
            .header("Accept", "application/json")
            .header("Content-Type", "application/json")
            .abort_signal(Some(&http::timeout_signal(self.timeout_ms)))
            .body(body)
            .map_err(|e| internal_error(&e))?;
        self.send(request).await
    }

    /// POSTs `params` as a form to `path` and reads the answer (or the API's error).
    pub async fn post<P: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        params: &P,
    ) -> Result<T, VerifyEdgeError> {
        // A URL-encoded form is a CORS "simple" request: no preflight, one round trip fewer than JSON.
        let request = Request::post(&self.url(path))
            .header("Accept", "application/json")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .abort_signal(Some(&http::timeout_signal(self.timeout_ms)))
            .body(form_of(params)?)
            .map_err(|e| internal_error(&e))?;
        self.send(request).await
    }

    async fn send<T: DeserializeOwned>(&self, request: Request) -> Result<T, VerifyEdgeError> {
        let response = http::send(request)
            .await
            .map_err(|e| e.into_error(self.timeout_ms))?;
        read_answer(&response, self.timeout_ms).await
    }
}

/// The answer's JSON as `T` on 2xx; otherwise the API's error, in Twilio's shape, with the HTTP status and
/// `Retry-After`.
async fn read_answer<T: DeserializeOwned>(
    response: &Response,
    timeout_ms: u32,
) -> Result<T, VerifyEdgeError> {
    let status = response.status();
    let body = http::text(response)
        .await
        .map_err(|e| e.into_error(timeout_ms))?;
    if (200..300).contains(&status) {
        return from_json::<T>(&body).map_err(|e| {
            client_error(
                ClientErrorCode::BadResponse,
                &format!("the answer (HTTP {status}) is not what the API sends: {e}"),
                Some(status),
                None,
            )
        });
    }
    match from_json::<TwilioError>(&body) {
        Ok(error) => Err(twilio_error(&error, Some(status), retry_after(response))),
        Err(_) => Err(client_error(
            ClientErrorCode::BadResponse,
            &format!("HTTP {status} without an error in Twilio's shape"),
            Some(status),
            None,
        )),
    }
}

/// `Retry-After` in seconds: a number of seconds, or an HTTP date. Cross-origin, the Worker must list it in
/// `Access-Control-Expose-Headers` or the browser hides it.
fn retry_after(response: &Response) -> Option<u32> {
    let value = response.headers().get("retry-after")?;
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u32>() {
        return Some(seconds);
    }
    let at = js_sys::Date::parse(value);
    if at.is_nan() {
        return None;
    }
    let seconds = ((at - js_sys::Date::now()) / 1000.0).ceil().max(0.0);
    Some(seconds.min(f64::from(u32::MAX)) as u32)
}

/// The parameters as a URL-encoded form: strings as they are, booleans as `true`/`false`, absent ones left out.
fn form_of<P: Serialize>(params: &P) -> Result<String, VerifyEdgeError> {
    let object = to_js(params)?;
    let mut form = form_urlencoded::Serializer::new(String::new());
    for entry in js_sys::Object::entries(object.unchecked_ref()).iter() {
        let entry: js_sys::Array = entry.unchecked_into();
        let (Some(name), value) = (entry.get(0).as_string(), entry.get(1)) else {
            continue;
        };
        if let Some(text) = value.as_string() {
            form.append_pair(&name, &text);
        } else if let Some(flag) = value.as_bool() {
            form.append_pair(&name, if flag { "true" } else { "false" });
        } else if !value.is_null() && !value.is_undefined() {
            return Err(internal_error(
                &"a parameter that is neither text nor true/false",
            ));
        }
    }
    Ok(form.finish())
}

/// The page's address (`location.href`), when there is a page: relative base URLs resolve against it.
fn page_address() -> Option<String> {
    let location = js_sys::Reflect::get(&js_sys::global(), &"location".into()).ok()?;
    js_sys::Reflect::get(&location, &"href".into())
        .ok()?
        .as_string()
}
