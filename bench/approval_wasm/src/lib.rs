//! The approval-token core behind a few wasm-bindgen exports, for bench/approval.mjs. Each timed loop runs inside
//! the wasm, so a figure is the core's cost, not the JS-to-wasm crossing's.

use std::hint::black_box;

use verify_edge::approval::token::Approval;
use verify_edge::approval::Approvals;
use verify_edge::verify::model::Channel;
use wasm_bindgen::prelude::*;

/// The origin the Worker passes as the token's issuer.
const ORIGIN: &str = "https://verify.example.com";

/// `Approvals` read from settings as the Worker reads them, and one approval to mint tokens for.
#[wasm_bindgen]
pub struct ApprovalBench {
    approvals: Approvals,
    approval: Approval,
}

/// The settings the Worker would read: the signing key's PEM and an audience.
fn read(pem: &str, audience: &str) -> Approvals {
    let get = |name: &str| match name {
        "APPROVAL_SIGNING_KEY" => Some(pem.to_owned()),
        "APPROVAL_AUDIENCE" => Some(audience.to_owned()),
        _ => None,
    };
    Approvals::from_settings(&get).expect_throw("approval settings")
}

#[wasm_bindgen]
impl ApprovalBench {
    /// `Approvals::from_settings` on a PEM private key: what `WorkerConfig::from_env` does for approvals.
    #[wasm_bindgen(constructor)]
    pub fn new(pem: &str, audience: &str) -> ApprovalBench {
        ApprovalBench {
            approvals: read(pem, audience),
            approval: Approval {
                verification_sid: "VE0123456789abcdef0123456789abcdef".to_owned(),
                to: "+14155550123".to_owned(),
                channel: Channel::Sms,
            },
        }
    }

    /// The key's id, so a token signed elsewhere can carry it.
    pub fn kid(&self) -> String {
        self.approvals.signing_key.kid().to_owned()
    }

    /// One token, as the Worker mints it on an approved check.
    pub fn mint(&self, now_ms: f64) -> String {
        self.approvals.mint(&self.approval, ORIGIN, now_ms as u64)
    }

    /// `n` tokens, one a second apart (each a new `iat`, so a new message to sign); returns the last.
    pub fn mint_many(&self, n: u32, now_ms: f64) -> String {
        let mut token = String::new();
        for i in 0..n {
            token = black_box(self.approvals.mint(
                black_box(&self.approval),
                ORIGIN,
                now_ms as u64 + 1000 * u64::from(i),
            ));
        }
        token
    }

    /// Checks a token (signature, then claims): the subject when accepted, else why not.
    pub fn check(&self, token: &str, now_ms: f64) -> String {
        match self.approvals.check(token, ORIGIN, now_ms as u64) {
            Ok(claims) => claims.sub,
            Err(e) => format!("refused: {e}"),
        }
    }

    /// Checks `token` `n` times; returns how many were accepted.
    pub fn check_many(&self, token: &str, n: u32, now_ms: f64) -> u32 {
        (0..n)
            .filter(|_| {
                self.approvals
                    .check(black_box(token), ORIGIN, now_ms as u64)
                    .is_ok()
            })
            .count() as u32
    }
}

/// `Approvals::from_settings` `n` times: what every Worker request pays to read the approval settings.
#[wasm_bindgen]
pub fn read_settings_many(pem: &str, audience: &str, n: u32) -> String {
    let mut kid = String::new();
    for _ in 0..n {
        kid = black_box(read(black_box(pem), audience)).signing_key.kid().to_owned();
    }
    kid
}
