//! Twilio Verify v2: its resources as JSON carries them ([`model`](crate::verify::model)), the SIDs that name
//! them ([`sid`](crate::verify::sid)), and who a verification is sent to ([`recipient`](crate::verify::recipient)).
//!
//! Plain Rust, no WebAssembly code: the `browser` and `worker` doors build on it.

pub mod email;
pub mod error;
pub mod model;
pub mod recipient;
pub mod sid;
pub mod target;

pub use email::{normalize_email, EmailError, EmailErrorCode};
pub use error::Reason;
pub use model::{
    Channel, RequestedChannel, Service, Status, TwilioError, Verification, VerificationCheck,
};
pub use recipient::{
    classify_recipient, classify_recipient_any_channel, Recipient, RecipientError,
};
pub use sid::{
    AccountSid, BucketSid, ChallengeSid, CredentialSid, EntitySid, FactorSid, MessagingServiceSid,
    RateLimitSid, SafeListSid, ServiceSid, SidError, TemplateSid, VerificationAttemptSid,
    VerificationSid,
};
pub use target::Target;
