//! The embedded Verify v2 engine's rules, as Twilio applies them: plain data in, plain data out. Whoever runs it
//! (the Worker, on Durable Objects) stores the state and supplies the clock and the randomness, so every rule is
//! tested natively with a fixed clock and fixed random bytes.

pub mod access;
pub mod challenge;
pub mod code;
pub mod delivery;
pub mod entity;
pub mod factor;
pub mod form;
pub mod paging;
pub mod passkey;
pub mod rate_limit;
pub mod request;
pub mod safe_list;
pub mod service;
pub mod shard;
pub mod time;
pub mod totp;
pub mod verification;

/// A source of cryptographically secure random bytes (the Worker's is `crypto.getRandomValues`).
pub trait Randomness {
    /// Fills `buf` with random bytes.
    fn fill(&mut self, buf: &mut [u8]);

    /// 16 random bytes, as a SID's 32 hex digits need.
    fn sid_bytes(&mut self) -> [u8; 16] {
        let mut bytes = [0; 16];
        self.fill(&mut bytes);
        bytes
    }
}

/// The system's CSPRNG: the OS natively, `crypto.getRandomValues` in browsers and Workers.
pub struct SystemRandomness;

impl Randomness for SystemRandomness {
    fn fill(&mut self, buf: &mut [u8]) {
        // A code must never come from anything weaker: if the CSPRNG fails, the request fails (500).
        if let Err(e) = getrandom::fill(buf) {
            panic!("the system CSPRNG failed: {e}");
        }
    }
}
