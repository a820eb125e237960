//! CORS for the public API: `ALLOWED_ORIGINS` lists the browser origins allowed besides the Worker's own. An
//! allowed origin gets `Access-Control-Allow-Origin`; any other gets 403 with no CORS headers, for preflights
//! and requests alike, so a page elsewhere cannot make the Worker send a code.

use worker::{Request, Response, Result};

use crate::api;
use crate::worker::respond::error_response;

/// Who may call from a browser, from `ALLOWED_ORIGINS`: exact origins separated by commas or spaces, or `*`.
pub struct Cors {
    any: bool,
    origins: Vec<String>,
}

impl Cors {
    /// Reads `ALLOWED_ORIGINS`.
    pub fn from_list(list: &str) -> Self {
        let origins: Vec<String> = list
            .split([',', ' ', '\n', '\t'])
            .map(|o| o.trim().trim_end_matches('/').to_owned())
            .filter(|o| !o.is_empty())
            .collect();
        Self {
            any: origins.iter().any(|o| o == "*"),
            origins,
        }
    }
}

/// What a request's `Origin` allows.
pub enum Access {
    /// No `Origin` header: not a browser's cross-origin call (a server, curl). No CORS headers.
    NoOrigin,
    /// A browser on an allowed origin (or this Worker's own): the value for `Access-Control-Allow-Origin`.
    Allowed(String),
    /// A browser on an origin that is not allowed: refused with 403 and no CORS headers.
    Refused,
}

/// What the request's `Origin` is allowed, by `cors`; `own_origin` is this Worker's.
pub fn access(req: &Request, cors: &Cors, own_origin: &str) -> Result<Access> {
    let Some(origin) = req.headers().get("Origin")? else {
        return Ok(Access::NoOrigin);
    };
    Ok(if origin == own_origin || cors.origins.contains(&origin) {
        Access::Allowed(origin)
    } else if cors.any {
        Access::Allowed("*".to_owned())
    } else {
        Access::Refused
    })
}

/// A CORS preflight: 204 with what may be sent, for an allowed origin; 403 for any other.
pub fn preflight(access: &Access, allow: &str) -> Result<Response> {
    match access {
        Access::Refused => error_response(&api::origin_not_allowed()),
        Access::NoOrigin => {
            let mut response = Response::empty()?.with_status(204);
            response.headers_mut().set("Allow", allow)?;
            Ok(response)
        }
        Access::Allowed(origin) => {
            let mut response = Response::empty()?.with_status(204);
            let headers = response.headers_mut();
            headers.set("Access-Control-Allow-Origin", origin)?;
            headers.set("Access-Control-Allow-Methods", allow)?;
            headers.set("Access-Control-Allow-Headers", "Content-Type")?;
            headers.set("Access-Control-Max-Age", "600")?;
            if origin != "*" {
                headers.set("Vary", "Origin")?;
            }
            Ok(response)
        }
    }
}

/// Adds the CORS headers an allowed origin needs to read the answer (and its `Retry-After`).
pub fn finish(response: Result<Response>, access: &Access) -> Result<Response> {
    let mut response = response?;
    if let Access::Allowed(origin) = access {
        let headers = response.headers_mut();
        headers.set("Access-Control-Allow-Origin", origin)?;
        headers.set("Access-Control-Expose-Headers", "Retry-After")?;
        if origin != "*" {
            headers.set("Vary", "Origin")?;
        }
    }
    Ok(response)
}
