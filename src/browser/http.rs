//! What the client's requests share: URL rules, a timeout on every request, and one reading of fetch's failures.

use gloo_net::http::{Request, Response};
use web_sys::AbortSignal;

use super::error::{client_error, ClientErrorCode, VerifyEdgeError};

/// How long a request may take, answer included, when the caller does not say: OkHttp's default read timeout,
/// which Twilio's Android SNA SDK runs with.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;

/// The longest timeout an option may ask for: ten minutes, the lifetime of an `sna.url`.
pub const MAX_TIMEOUT_MS: u32 = 600_000;

/// Checks a `timeoutMs` option: 1 ms to [`MAX_TIMEOUT_MS`]; `None` is the default.
pub fn timeout_ms(option: Option<f64>) -> Result<u32, VerifyEdgeError> {
    match option {
        None => Ok(DEFAULT_TIMEOUT_MS),
        Some(ms) if ms.fract() == 0.0 && (1.0..=f64::from(MAX_TIMEOUT_MS)).contains(&ms) => {
            Ok(ms as u32)
        }
        Some(_) => Err(client_error(
            ClientErrorCode::InvalidArgument,
            "timeoutMs must be a whole number of milliseconds from 1 to 600000",
            None,
            None,
        )),
    }
}

/// A signal that aborts after `ms`: `AbortSignal.timeout` exists in every runtime the package supports (Chrome
/// 103, Firefox 100, Safari 16, Node 17.3, workerd), and it rejects with a `TimeoutError` we can tell apart.
pub fn timeout_signal(ms: u32) -> AbortSignal {
    AbortSignal::timeout_with_u32(ms)
}

/// Whether `host` (as `URL.hostname` gives it) is this machine: the only hosts plain `http:` may reach.
pub fn is_loopback(host: &str) -> bool {
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

/// Parses an absolute URL with the runtime's own `URL` (no `window` needed); `base` resolves a relative one.
pub fn parse_url(url: &str, base: Option<&str>) -> Result<web_sys::Url, VerifyEdgeError> {
    let parsed = match base {
        Some(base) => web_sys::Url::new_with_base(url, base),
        None => web_sys::Url::new(url),
    };
    let refused = |message: &str| {
        Err(client_error(
            ClientErrorCode::InvalidUrl,
            message,
            None,
            None,
        ))
    };
    let Ok(parsed) = parsed else {
        return refused("not an absolute URL");
    };
    if !matches!(parsed.protocol().as_str(), "https:" | "http:") {
        return refused("only https: URLs (and http: on loopback) are allowed");
    }
    if !parsed.username().is_empty() || !parsed.password().is_empty() {
        return refused("a URL with a user name or password in it is refused");
    }
    Ok(parsed)
}

/// Plain `http:` is for this machine only: codes and SNA URLs must not cross a network in the clear.
pub fn refuse_insecure(url: &web_sys::Url) -> Result<(), VerifyEdgeError> {
    if url.protocol() == "http:" && !is_loopback(&url.hostname()) {
        return Err(client_error(
            ClientErrorCode::InsecureUrl,
            &format!(
                "http: is allowed only on loopback (127.0.0.1, localhost, [::1]), not {}",
                url.hostname()
            ),
            None,
            None,
        ));
    }
    Ok(())
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchFailure {
    /// Our timeout's signal aborted it.
    Timeout,
    /// fetch rejected: offline, DNS, a refused connection, a CORS refusal, mixed content. Browsers do not say
    /// which; the text is the runtime's, for people.
    Network(String),
}

impl FetchFailure {
    /// The failure as the package's error.
    pub fn into_error(self, timeout_ms: u32) -> VerifyEdgeError {
        match self {
            Self::Timeout => client_error(
                ClientErrorCode::Timeout,
                &format!("no answer within {timeout_ms} ms; the request was aborted"),
                None,
                None,
            ),
            Self::Network(detail) => client_error(
                ClientErrorCode::NetworkError,
                &format!("the request failed before an answer arrived ({detail})"),
                None,
                None,
            ),
        }
    }
}

/// Sends `request` through the global `fetch`.
pub async fn send(request: Request) -> Result<Response, FetchFailure> {
    request.send().await.map_err(|e| fetch_failure(&e))
}

/// Reads the body as text; the request's timeout covers the body too.
pub async fn text(response: &Response) -> Result<String, FetchFailure> {
    response.text().await.map_err(|e| fetch_failure(&e))
}

fn fetch_failure(error: &gloo_net::Error) -> FetchFailure {
    let (name, message) = match error {
        gloo_net::Error::JsError(e) => (e.name.clone(), e.message.clone()),
        other => ("Error".to_owned(), other.to_string()),
    };
    // Only our own signal aborts these requests; older engines reject with AbortError rather than its reason.
    if name == "TimeoutError" || name == "AbortError" {
        FetchFailure::Timeout
    } else {
        FetchFailure::Network(format!("{name}: {message}"))
    }
}
