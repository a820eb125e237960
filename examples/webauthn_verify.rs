//! The WebAuthn ceremonies of `src/webauthn/` as a line-oriented process, for the differential test against
//! `@simplewebauthn/server` (tests/js/webauthn-differential.test.mjs): it exists so that test can start one
//! native process and judge many cases, and for nothing else.
//!
//! One JSON request per line on stdin, one JSON verdict per line on stdout, in order:
//!
//! ```text
//! {"ceremony":"registration", "clientDataJSON":b64url, "attestationObject":b64url, "expectedChallenge":b64url,
//!  "rpId":"example.com", "origins":["https://example.com"], "userVerification":"required"|"preferred"|"discouraged",
//!  "algorithms":[-7,-8,-257] (optional, the COSE algorithms offered; all three by default)}
//! {"ceremony":"authentication", "clientDataJSON":b64url, "authenticatorData":b64url, "signature":b64url,
//!  "credentialPublicKey":b64url (COSE), "counter":n, "backupEligible":bool, ...the same expectations}
//! ```
//!
//! A verdict is `{"ok":true, ...the credential or the outcome...}` or `{"ok":false,"error":"<WebAuthnError variant>"}`;
//! a request that is not one of the above is `{"ok":false,"error":"BadRequest","detail":"..."}`.

use std::io::{BufRead as _, Write as _};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};
use verify_edge::webauthn::ceremony::{
    verify_authentication, verify_registration, Assertion, Expected, Registration,
    StoredCredential, UserVerification,
};
use verify_edge::webauthn::cose::OFFERED;

/// One request line.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Request {
    ceremony: String,
    #[serde(rename = "clientDataJSON")]
    client_data_json: String,
    attestation_object: Option<String>,
    authenticator_data: Option<String>,
    signature: Option<String>,
    credential_public_key: Option<String>,
    counter: Option<u32>,
    backup_eligible: Option<bool>,
    expected_challenge: String,
    rp_id: String,
    origins: Vec<String>,
    user_verification: String,
    algorithms: Option<Vec<i64>>,
}

fn b64(name: &str, text: Option<&str>) -> Result<Vec<u8>, String> {
    let text = text.ok_or_else(|| format!("{name} is missing"))?;
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| format!("{name} is not base64url: {e}"))
}

/// The verdict on one request line.
fn verdict(line: &str) -> Result<Value, String> {
    let request: Request = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let challenge = b64("expectedChallenge", Some(&request.expected_challenge))?;
    let client_data_json = b64("clientDataJSON", Some(&request.client_data_json))?;
    let user_verification = match request.user_verification.as_str() {
        "required" => UserVerification::Required,
        "preferred" => UserVerification::Preferred,
        "discouraged" => UserVerification::Discouraged,
        other => return Err(format!("userVerification {other:?}")),
    };
    let algorithms = request.algorithms.unwrap_or_else(|| OFFERED.to_vec());
    let expected = Expected {
        challenge: &challenge,
        rp_id: &request.rp_id,
        origins: &request.origins,
        user_verification,
        algorithms: &algorithms,
    };
    let refused =
        |e: verify_edge::webauthn::WebAuthnError| json!({"ok": false, "error": format!("{e:?}")});
    match request.ceremony.as_str() {
        "registration" => {
            let attestation_object =
                b64("attestationObject", request.attestation_object.as_deref())?;
            let registration = Registration {
                client_data_json: &client_data_json,
                attestation_object: &attestation_object,
                // The clock simplewebauthn judges certificate validity by: this machine's.
                now_secs: std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_err(|e| e.to_string())?
                    .as_secs(),
            };
            Ok(match verify_registration(&registration, &expected) {
                Ok(credential) => json!({
                    "ok": true,
                    "id": URL_SAFE_NO_PAD.encode(&credential.id),
                    "publicKey": URL_SAFE_NO_PAD.encode(&credential.public_key_cose),
                    "algorithm": credential.algorithm,
                    "counter": credential.sign_count,
                    "userVerified": credential.user_verified,
                    "backupEligible": credential.backup_eligible,
                    "backedUp": credential.backed_up,
                    "aaguid": credential.aaguid.iter().map(|b| format!("{b:02x}")).collect::<String>(),
                    "fmt": credential.attestation_format,
                    "attestation": format!("{:?}", credential.attestation),
                }),
                Err(e) => refused(e),
            })
        }
        "authentication" => {
            let authenticator_data =
                b64("authenticatorData", request.authenticator_data.as_deref())?;
            let signature = b64("signature", request.signature.as_deref())?;
            let public_key_cose = b64(
                "credentialPublicKey",
                request.credential_public_key.as_deref(),
            )?;
            let assertion = Assertion {
                client_data_json: &client_data_json,
                authenticator_data: &authenticator_data,
                signature: &signature,
            };
            let stored = StoredCredential {
                public_key_cose: &public_key_cose,
                sign_count: request.counter.ok_or("counter is missing")?,
                backup_eligible: request.backup_eligible.ok_or("backupEligible is missing")?,
            };
            Ok(
                match verify_authentication(&assertion, &expected, &stored) {
                    Ok(outcome) => json!({
                        "ok": true,
                        "counter": outcome.sign_count,
                        "userVerified": outcome.user_verified,
                        "backedUp": outcome.backed_up,
                    }),
                    Err(e) => refused(e),
                },
            )
        }
        other => Err(format!("ceremony {other:?}")),
    }
}

fn main() {
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lines() {
        let line = line.expect("stdin is UTF-8 lines");
        if line.trim().is_empty() {
            continue;
        }
        let answer = verdict(&line)
            .unwrap_or_else(|detail| json!({"ok": false, "error": "BadRequest", "detail": detail}));
        writeln!(stdout, "{answer}").expect("stdout is writable");
        stdout.flush().expect("stdout is writable");
    }
}
