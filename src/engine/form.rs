//! Twilio's request bodies: `application/x-www-form-urlencoded`, PascalCase names. Every bad value is a 60200
//! naming the parameter.

use crate::verify::model::TwilioError;

/// A parsed form body.
#[derive(Debug, Default, Clone)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    /// Parses a form body (or a query string). Malformed percent-escapes are kept as they are, as browsers do.
    pub fn parse(body: &[u8]) -> Self {
        Self {
            pairs: form_urlencoded::parse(body).into_owned().collect(),
        }
    }

    /// Every name and value, in order; a name given twice appears twice.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The last value given for `name`, if any.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A required value.
    pub fn required(&self, name: &str) -> Result<&str, TwilioError> {
        self.get(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| TwilioError::invalid_parameter(name))
    }

    /// A boolean: `true` or `false`, in any case, as Twilio's SDKs send them.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, TwilioError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(_) => Err(TwilioError::invalid_parameter(name)),
        }
    }

    /// An integer within `range`.
    pub fn int_in(
        &self,
        name: &str,
        range: std::ops::RangeInclusive<u32>,
    ) -> Result<Option<u32>, TwilioError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| range.contains(n))
                .map(Some)
                .ok_or_else(|| TwilioError::invalid_parameter(name)),
        }
    }

    /// A string of at most `max_chars` characters.
    pub fn text(&self, name: &str, max_chars: usize) -> Result<Option<String>, TwilioError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.chars().count() <= max_chars => Ok(Some(v.to_owned())),
            Some(_) => Err(TwilioError::invalid_parameter(name)),
        }
    }
}
