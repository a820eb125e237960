//! `ApprovalRedemption`: one object per approval token (named by its `jti`), holding whether it was redeemed.
//! The read and the write of a redeem happen in one request of the object, its input gate closed between them,
//! so of racing redeems exactly one finds the token unredeemed. The record is deleted by an alarm once the token
//! has expired (a redeem after that is refused for the expiry, before it gets here).

use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

use super::protocol::RedemptionCommand;
use crate::verify::model::TwilioError;
use crate::verify::Reason;
use crate::worker::respond::{error_response, json_response};

/// The storage key of the token's `exp` (milliseconds), present once redeemed.
const REDEEMED_UNTIL: &str = "redeemed_until";

/// One approval token's redemption.
#[durable_object]
pub struct ApprovalRedemption {
    state: State,
}

impl DurableObject for ApprovalRedemption {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let RedemptionCommand::Redeem { expires_at_ms } = req.json().await?;
        let storage = self.state.storage();
        if storage.get::<u64>(REDEEMED_UNTIL).await?.is_some() {
            return error_response(&TwilioError::token_redeemed().with_reason(
                Reason::TokenRedeemed,
                "this approval token was already redeemed; each is redeemed once",
            ));
        }
        // The clean-up first, a minute past expiry (so a redeem racing the expiry still finds the record): should
        // the record's write then fail, the alarm deletes nothing, and the token was not redeemed.
        storage
            .set_alarm(std::time::Duration::from_millis(
                expires_at_ms
                    .saturating_add(60_000)
                    .saturating_sub(worker::Date::now().as_millis()),
            ))
            .await?;
        storage.put(REDEEMED_UNTIL, expires_at_ms).await?;
        json_response(&serde_json::json!({ "redeemed": true }), 200)
    }

    async fn alarm(&self) -> Result<Response> {
        self.state.storage().delete_all().await?;
        Response::empty()
    }
}
