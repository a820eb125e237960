//! Email addresses as a verification's recipient: the common form of RFC 5321/5322 addresses, refused with a stable
//! [`EmailErrorCode`] when they are not one we accept.

/// Longest email address accepted, in bytes (RFC 5321's limit on a forward path, less the angle brackets).
pub const MAX_EMAIL_BYTES: usize = 254;
/// Longest local part (before the `@`), in bytes.
const MAX_LOCAL_PART_BYTES: usize = 64;
/// Longest domain label (between dots), in bytes.
const MAX_LABEL_BYTES: usize = 63;

/// The stable machine code of an email-address error. Callers branch on these; they never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailErrorCode {
    /// Nothing but whitespace was given.
    Empty,
    /// The address is longer than [`MAX_EMAIL_BYTES`].
    TooLong,
    /// There is no `@`.
    MissingAt,
    /// There is more than one `@`: more than one address, or a quoted local part (not accepted).
    MultipleAt,
    /// Nothing comes before the `@`.
    LocalPartEmpty,
    /// The part before the `@` is longer than 64 bytes.
    LocalPartTooLong,
    /// The part before the `@` has a character an unquoted address may not have (space, quote, comma, non-ASCII...).
    LocalPartInvalid,
    /// The part before the `@` starts or ends with a dot, or has two dots in a row.
    LocalPartDots,
    /// Nothing comes after the `@`.
    DomainEmpty,
    /// The domain is written in non-ASCII letters; its `xn--` (punycode) form is accepted.
    DomainUnicode,
    /// The domain has a character other than letters, digits, `-` and `.`, an empty label (leading, trailing or
    /// double dot), a label that starts or ends with `-`, or is an IP address literal.
    DomainInvalid,
    /// A label of the domain (between dots) is longer than 63 bytes.
    DomainLabelTooLong,
    /// The domain is a single label (`localhost`): a domain on the internet has at least two.
    DomainNotQualified,
    /// The top-level domain is all digits, as in an IP address (`user@192.168.0.1`).
    TldNumeric,
}

impl EmailErrorCode {
    /// The code as a string, e.g. `EMAIL_MISSING_AT`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Empty => "EMAIL_EMPTY",
            Self::TooLong => "EMAIL_TOO_LONG",
            Self::MissingAt => "EMAIL_MISSING_AT",
            Self::MultipleAt => "EMAIL_MULTIPLE_AT",
            Self::LocalPartEmpty => "EMAIL_LOCAL_PART_EMPTY",
            Self::LocalPartTooLong => "EMAIL_LOCAL_PART_TOO_LONG",
            Self::LocalPartInvalid => "EMAIL_LOCAL_PART_INVALID",
            Self::LocalPartDots => "EMAIL_LOCAL_PART_DOTS",
            Self::DomainEmpty => "EMAIL_DOMAIN_EMPTY",
            Self::DomainUnicode => "EMAIL_DOMAIN_UNICODE",
            Self::DomainInvalid => "EMAIL_DOMAIN_INVALID",
            Self::DomainLabelTooLong => "EMAIL_DOMAIN_LABEL_TOO_LONG",
            Self::DomainNotQualified => "EMAIL_DOMAIN_NOT_QUALIFIED",
            Self::TldNumeric => "EMAIL_TLD_NUMERIC",
        }
    }
}

/// Why an email address was refused: a stable [`EmailErrorCode`] and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EmailError {
    /// The stable machine code.
    pub code: EmailErrorCode,
    /// What went wrong, in words; never echoes the address (at most one offending ASCII character).
    pub message: String,
}

impl EmailError {
    fn new(code: EmailErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// Checks one email address and returns it trimmed, with its domain in lower case (the local part keeps its case:
/// it may matter to the receiving server).
///
/// Accepts the common form of RFC 5321/5322 addresses: a dot-atom local part of 1-64 bytes, `@`, and a domain of
/// at least two labels of letters, digits and inner hyphens, the top-level one not all digits; at most
/// [`MAX_EMAIL_BYTES`] in all. Refuses quoted local parts, comments, IP address literals, non-ASCII local parts and
/// domains written in Unicode (their `xn--` form is accepted).
pub fn normalize_email(input: &str) -> Result<String, EmailError> {
    use EmailErrorCode as C;
    let address = input.trim();
    if address.is_empty() {
        return Err(EmailError::new(C::Empty, "the email address is empty"));
    }
    if address.len() > MAX_EMAIL_BYTES {
        return Err(EmailError::new(
            C::TooLong,
            format!(
                "the email address is {} bytes long; at most {MAX_EMAIL_BYTES} are accepted",
                address.len()
            ),
        ));
    }
    let mut parts = address.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(if has_at_sign(address) {
            EmailError::new(
                C::MultipleAt,
                "an email address has exactly one @; this has more than one",
            )
        } else {
            EmailError::new(
                C::MissingAt,
                "an email address needs an @ between the name and the domain",
            )
        });
    };
    check_local_part(local)?;
    check_domain(domain)?;
    Ok(format!("{local}@{}", domain.to_ascii_lowercase()))
}

/// RFC 5322's dot-atom: atoms of letters, digits and ``!#$%&'*+-/=?^_`{|}~``, joined by single dots.
fn check_local_part(local: &str) -> Result<(), EmailError> {
    use EmailErrorCode as C;
    if local.is_empty() {
        return Err(EmailError::new(
            C::LocalPartEmpty,
            "the email address has nothing before the @",
        ));
    }
    if local.len() > MAX_LOCAL_PART_BYTES {
        return Err(EmailError::new(
            C::LocalPartTooLong,
            format!("the part before the @ is {} bytes long; at most {MAX_LOCAL_PART_BYTES} are accepted", local.len()),
        ));
    }
    let is_atext = |c: char| {
        c.is_ascii_alphanumeric() || (c.is_ascii() && b"!#$%&'*+-/=?^_`{|}~".contains(&(c as u8)))
    };
    if let Some(bad) = local.chars().find(|&c| c != '.' && !is_atext(c)) {
        return Err(EmailError::new(
            C::LocalPartInvalid,
            format!(
                "the part before the @ contains {}, which an email address may not",
                describe(bad)
            ),
        ));
    }
    if local.starts_with('.')
        || local.ends_with('.')
        || local.as_bytes().windows(2).any(|pair| pair == b"..")
    {
        return Err(EmailError::new(
            C::LocalPartDots,
            "the part before the @ may not start or end with a dot, or have two dots in a row",
        ));
    }
    Ok(())
}

/// A domain name of at least two labels, each 1-63 of letters, digits and inner hyphens; the last not all digits.
fn check_domain(domain: &str) -> Result<(), EmailError> {
    use EmailErrorCode as C;
    if domain.is_empty() {
        return Err(EmailError::new(
            C::DomainEmpty,
            "the email address has nothing after the @",
        ));
    }
    if !domain.is_ascii() {
        return Err(EmailError::new(
            C::DomainUnicode,
            "the domain has non-ASCII letters; give an internationalized domain in its xn-- (punycode) form",
        ));
    }
    if domain.starts_with('[') {
        return Err(EmailError::new(
            C::DomainInvalid,
            "IP address literals are not accepted as email domains",
        ));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Err(EmailError::new(
                C::DomainInvalid,
                "the domain may not start or end with a dot, or have two dots in a row",
            ));
        }
        if label.len() > MAX_LABEL_BYTES {
            return Err(EmailError::new(
                C::DomainLabelTooLong,
                format!(
                    "a part of the domain is {} bytes long; at most {MAX_LABEL_BYTES} are accepted",
                    label.len()
                ),
            ));
        }
        if let Some(bad) = label
            .chars()
            .find(|&c| !c.is_ascii_alphanumeric() && c != '-')
        {
            return Err(EmailError::new(
                C::DomainInvalid,
                format!(
                    "the domain contains {}; only letters, digits, - and . are accepted",
                    describe(bad)
                ),
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(EmailError::new(
                C::DomainInvalid,
                "a part of the domain starts or ends with -",
            ));
        }
    }
    match labels.last() {
        Some(tld) if labels.len() >= 2 => {
            if tld.bytes().all(|b| b.is_ascii_digit()) {
                return Err(EmailError::new(
                    C::TldNumeric,
                    "the domain ends in digits, like an IP address; an email domain ends in a name",
                ));
            }
            Ok(())
        }
        _ => Err(EmailError::new(
            C::DomainNotQualified,
            "the domain needs at least two parts, like example.com",
        )),
    }
}

/// Whether `text` has an `@`: an email address for more than one, and never a phone number. (A byte search:
/// `str::contains` with a `char` links the general substring searcher, for characters beyond ASCII, into the npm
/// package's wasm.)
pub(crate) fn has_at_sign(text: &str) -> bool {
    text.as_bytes().contains(&b'@')
}

/// Names a refused character without echoing anything but plain ASCII punctuation.
fn describe(c: char) -> String {
    match c {
        '"' => "a quote (quoted local parts are not accepted)".to_owned(),
        c if c.is_whitespace() => "whitespace".to_owned(),
        c if !c.is_ascii() => "a non-ASCII character".to_owned(),
        c if c.is_ascii_control() => "a control character".to_owned(),
        // As `{c:?}` writes printable ASCII, without Debug formatting's Unicode tables in the package's wasm.
        '\'' | '\\' => ["'\\", c.encode_utf8(&mut [0; 4]), "'"].concat(),
        c => ["'", c.encode_utf8(&mut [0; 4]), "'"].concat(),
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn a_refused_ascii_character_is_named_as_debug_formatting_writes_it() {
        for byte in 0x21u8..0x7f {
            let c = char::from(byte);
            if c != '"' {
                assert_eq!(describe(c), format!("{c:?}"), "{c}");
            }
        }
        assert_eq!(describe(' '), "whitespace");
        assert_eq!(describe('é'), "a non-ASCII character");
    }
}
