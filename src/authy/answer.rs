//! The legacy API's answers, as Authy gave them, in its two formats: JSON (`/protected/json/...`, what every
//! official client asks for) and XML (`/protected/xml/...`). No XML answer of this API was ever published; ours is
//! what Authy's Rails application produced for a hash (`Hash#to_xml`): a `<hash>` root, dasherized names, and
//! `type="boolean"`/`type="integer"` and `nil="true"` attributes.

use super::error::AuthyError;

/// Which format the path asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `/protected/json/...`.
    Json,
    /// `/protected/xml/...`.
    Xml,
}

impl Format {
    /// The answer's `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json; charset=utf-8",
            Self::Xml => "application/xml; charset=utf-8",
        }
    }
}

/// One value of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Text.
    Text(String),
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Integer(u64),
    /// `null`.
    Null,
    /// A nested object (`errors`).
    Hash(Vec<(&'static str, Value)>),
}

/// An answer: its fields in order, and its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// The fields, in Authy's order.
    pub fields: Vec<(&'static str, Value)>,
}

impl Answer {
    /// A started verification: `carrier` (`null` when unknown), `is_cellphone`, `message` ("Text message sent to
    /// +1 987-654-3210."), `seconds_to_expire`, `uuid`, `sms_id` when the code was the caller's, `success`.
    pub fn started(started: &Started) -> Self {
        let mut fields = vec![
            (
                "carrier",
                started.carrier.clone().map_or(Value::Null, Value::Text),
            ),
            ("is_cellphone", Value::Bool(started.is_cellphone)),
            ("message", Value::Text(started.message.clone())),
            (
                "seconds_to_expire",
                Value::Integer(started.seconds_to_expire),
            ),
            ("uuid", Value::Text(started.uuid.clone())),
        ];
        if let Some(sms_id) = &started.sms_id {
            fields.push(("sms_id", Value::Text(sms_id.clone())));
        }
        fields.push(("success", Value::Bool(true)));
        Self {
            status: 200,
            fields,
        }
    }

    /// A right code.
    pub fn correct() -> Self {
        Self {
            status: 200,
            fields: vec![
                (
                    "message",
                    Value::Text("Verification code is correct.".to_owned()),
                ),
                ("success", Value::Bool(true)),
            ],
        }
    }

    /// A verification's status: `pending`, `verified` or `expired`, and the seconds its code has left.
    pub fn status(status: &str, seconds_to_expire: u64) -> Self {
        Self {
            status: 200,
            fields: vec![
                (
                    "message",
                    Value::Text("Phone Verification status.".to_owned()),
                ),
                ("status", Value::Text(status.to_owned())),
                ("seconds_to_expire", Value::Integer(seconds_to_expire)),
                ("success", Value::Bool(true)),
            ],
        }
    }

    /// An error: `error_code` (a string, as Authy sent it), `message`, `errors.message`, `success: false`.
    pub fn error(error: &AuthyError) -> Self {
        Self {
            status: error.status,
            fields: vec![
                ("error_code", Value::Text(error.code.to_string())),
                ("message", Value::Text(error.message.clone())),
                (
                    "errors",
                    Value::Hash(vec![("message", Value::Text(error.message.clone()))]),
                ),
                ("success", Value::Bool(false)),
            ],
        }
    }

    /// The body in `format`.
    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Json => json(&self.fields),
            Format::Xml => {
                let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hash>\n");
                xml(&self.fields, 1, &mut out);
                out.push_str("</hash>\n");
                out
            }
        }
    }
}

/// What a start answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    /// The carrier's name, when the upstream looked it up.
    pub carrier: Option<String>,
    /// Whether the number is a mobile line.
    pub is_cellphone: bool,
    /// "Text message sent to +1 987-654-3210." or "Call to +1 987-654-3210 initiated."
    pub message: String,
    /// Seconds until the code expires.
    pub seconds_to_expire: u64,
    /// The verification, as a UUID ([`super::uuid_of_sid`]).
    pub uuid: String,
    /// The send, as a UUID, when the code was the caller's (`custom_code`).
    pub sms_id: Option<String>,
}

fn json(fields: &[(&'static str, Value)]) -> String {
    let members: Vec<String> = fields
        .iter()
        .map(|(name, value)| {
            let value = match value {
                Value::Text(text) => serde_json::Value::String(text.clone()).to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Integer(n) => n.to_string(),
                Value::Null => "null".to_owned(),
                Value::Hash(inner) => json(inner),
            };
            format!("\"{name}\":{value}")
        })
        .collect();
    format!("{{{}}}", members.join(","))
}

fn xml(fields: &[(&'static str, Value)], depth: usize, out: &mut String) {
    for (name, value) in fields {
        let tag = name.replace('_', "-");
        out.push_str(&"  ".repeat(depth));
        match value {
            Value::Text(text) => out.push_str(&format!("<{tag}>{}</{tag}>\n", escape(text))),
            Value::Bool(b) => out.push_str(&format!("<{tag} type=\"boolean\">{b}</{tag}>\n")),
            Value::Integer(n) => out.push_str(&format!("<{tag} type=\"integer\">{n}</{tag}>\n")),
            Value::Null => out.push_str(&format!("<{tag} nil=\"true\"/>\n")),
            Value::Hash(inner) => {
                out.push_str(&format!("<{tag}>\n"));
                xml(inner, depth + 1, out);
                out.push_str(&"  ".repeat(depth));
                out.push_str(&format!("</{tag}>\n"));
            }
        }
    }
}

/// XML character data: `&`, `<`, `>` and quotes escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}
