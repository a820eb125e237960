//! `AsYouType`: a phone field's text formatted as the user types, as Google's `AsYouTypeFormatter` shows it.

use wasm_bindgen::prelude::*;

use crate::phone;

/// Formats a phone number as it is typed: `new AsYouType("US").input("6502530")` is `"650-2530"`. National
/// numbers are read in the default region; a number typed with `+` (or the region's international prefix) in the
/// country of its code. Text with punctuation of the user's own, or digits no format fits, comes back as typed.
#[wasm_bindgen(js_name = AsYouType)]
pub struct AsYouTypeFormatter {
    inner: phone::AsYouType,
}

#[wasm_bindgen(js_class = AsYouType)]
impl AsYouTypeFormatter {
    /// A formatter for numbers typed in `defaultRegion` (ISO 3166-1 alpha-2); without one, only numbers typed
    /// with `+` are formatted.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = defaultRegion)] default_region: Option<String>,
    ) -> AsYouTypeFormatter {
        AsYouTypeFormatter {
            inner: phone::AsYouType::new(default_region.as_deref().unwrap_or_default()),
        }
    }

    /// Formats the field's whole text (everything typed so far, not only what was added) and returns it.
    pub fn input(&mut self, text: &str) -> String {
        self.inner.input(text)
    }

    /// Types one more character after what was typed before and returns all of it, formatted.
    #[wasm_bindgen(js_name = inputDigit)]
    pub fn input_digit(&mut self, character: char) -> String {
        self.inner.input_digit(character)
    }

    /// Forgets what was typed.
    pub fn clear(&mut self) {
        self.inner.clear();
    }

    /// The E.164 form of what was typed when it is a valid number (as `normalizePhone` reads it), else `null`.
    #[wasm_bindgen(js_name = getNumber, unchecked_return_type = "string | null")]
    pub fn get_number(&self) -> JsValue {
        // An empty region is no default region to `normalize_phone`, as it is to the formatter.
        phone::normalize_phone(self.inner.typed(), Some(self.inner.region()))
            .ok()
            .filter(|n| n.valid)
            .map_or(JsValue::NULL, |n| JsValue::from(n.e164))
    }
}
