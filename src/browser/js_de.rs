//! Reads a JS value into a Rust type through its derived `Deserialize`: options objects, the Worker's answers (after
//! the runtime's `JSON.parse`) and the phone entry's numbers.
//!
//! `serde_wasm_bindgen::from_value` did this before, and serde's stock error messages cost the main entry about a
//! tenth of its wasm: a JS number that lands where a string belongs is reported by serde as
//! ``invalid type: floating point `1.5` ``, and that one message links Rust's float printing (Grisu and Dragon4,
//! with their bignum tables) into every page. This reader walks the value with `js_sys` only, and its error names
//! the kind of value it found (`a number`), never the value itself, so nothing prints a float.
//!
//! Arrays and objects are read at most [`MAX_DEPTH`] deep, as serde_json reads JSON: a `serde_json::Value` field
//! (the passkey ceremony's `options`, from the Worker's answer) would otherwise recurse as deep as the value goes,
//! until the wasm stack ran out.

use std::fmt::Display;

use serde::de::value::StringDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Expected, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, Visitor,
};
use wasm_bindgen::{JsCast, JsValue};

use super::js_values::own_entries;

/// Reads `value` as `T`. The error says what was wrong where serde found it (`invalid type: a string, expected
/// u32`), for people.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, Error> {
    T::deserialize(JsDeserializer(value, 0))
}

/// How many arrays and objects deep a value is read (serde_json's own limit for JSON text).
pub const MAX_DEPTH: u32 = 128;

/// Why a JS value is not the type asked for.
#[derive(Debug)]
pub struct Error(String);

impl Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<M: Display>(message: M) -> Self {
        Self(message.to_string())
    }

    // serde's defaults print `Unexpected` with its Display, which prints floats (see the module's comment).
    fn invalid_type(found: Unexpected<'_>, expected: &dyn Expected) -> Self {
        Self::mismatch("invalid type: ", found, expected)
    }

    fn invalid_value(found: Unexpected<'_>, expected: &dyn Expected) -> Self {
        Self::mismatch("invalid value: ", found, expected)
    }
}

impl Error {
    /// An error with `message`.
    pub(super) fn new(message: String) -> Self {
        Self(message)
    }

    fn mismatch(what: &str, found: Unexpected<'_>, expected: &dyn Expected) -> Self {
        Self([what, kind(&found), ", expected ", &expected.to_string()].concat())
    }
}

/// What kind of value serde found, without the value: a JS value can only be one of these.
fn kind(found: &Unexpected<'_>) -> &'static str {
    match found {
        Unexpected::Bool(_) => "a boolean",
        Unexpected::Unsigned(_) | Unexpected::Signed(_) | Unexpected::Float(_) => "a number",
        Unexpected::Char(_) | Unexpected::Str(_) => "a string",
        Unexpected::Unit | Unexpected::Option => "null",
        Unexpected::Seq => "an array",
        Unexpected::Map => "an object",
        _ => "another kind of value",
    }
}

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A JS value, read as JSON's data model: `null` and `undefined` as unit, numbers as integers when they are whole
/// (so integer fields read them), arrays as sequences, other objects as maps of their own enumerable properties.
/// The number is how many arrays and objects hold the value.
struct JsDeserializer(JsValue, u32);

impl JsDeserializer {
    /// The value's kind, an array or object past [`MAX_DEPTH`] refused before any of its members is read. Only
    /// `deserialize_any` asks: it is what reads data of no fixed shape (`serde_json::Value`), while a typed
    /// field nests only as deep as its type.
    fn node(self) -> Node {
        match Node::of(self.0) {
            Node::Array(_) | Node::Object(_) if self.1 >= MAX_DEPTH => {
                Node::Other("arrays and objects nested too deeply (more than 128 levels)")
            }
            node => node,
        }
    }
}

impl<'de> de::Deserializer<'de> for JsDeserializer {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let depth = self.1 + 1;
        match self.node() {
            Node::Unit => visitor.visit_unit(),
            Node::Bool(flag) => visitor.visit_bool(flag),
            Node::Unsigned(number) => visitor.visit_u64(number),
            Node::Signed(number) => visitor.visit_i64(number),
            Node::Float(number) => visitor.visit_f64(number),
            Node::Text(text) => visitor.visit_string(text),
            Node::Array(array) => visitor.visit_seq(Items {
                array,
                next: 0,
                depth,
            }),
            Node::Object(entries) => visitor.visit_map(Properties {
                entries,
                value: None,
                depth,
            }),
            Node::Other(why) => Err(Error(why.to_owned())),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        // Every enum that crosses here is a name (`"sms"`, `"approved"`).
        match self.0.as_string() {
            Some(name) => visitor.visit_enum(IntoDeserializer::<Error>::into_deserializer(name)),
            None => Err(Error(
                "expected the name of a variant, as a string".to_owned(),
            )),
        }
    }

    // Structs and maps take an object and nothing else: asking for one straight away keeps each type's copy of
    // this code to its `visit_map`, rather than every `visit_*` serde writes for it.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let depth = self.1 + 1;
        match Node::of(self.0) {
            Node::Object(entries) => visitor.visit_map(Properties {
                entries,
                value: None,
                depth,
            }),
            other => Err(Error::mismatch(
                "invalid type: ",
                other.unexpected(),
                &visitor,
            )),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        seq tuple tuple_struct identifier
    }
}

/// A JS value sorted by kind, once for every type read (the generic `deserialize_any` only dispatches on it, so
/// each type's copy of it stays small).
enum Node {
    Unit,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(String),
    Array(js_sys::Array),
    /// Own enumerable properties, last first.
    Object(Vec<(String, JsValue)>),
    /// Not data (a function, symbol or bigint), or an array or object nested too deeply: why.
    Other(&'static str),
}

impl Node {
    /// The kind of value this is, as serde's errors name it.
    fn unexpected(&self) -> Unexpected<'static> {
        match self {
            Self::Unit => Unexpected::Unit,
            Self::Bool(flag) => Unexpected::Bool(*flag),
            Self::Unsigned(number) => Unexpected::Unsigned(*number),
            Self::Signed(number) => Unexpected::Signed(*number),
            Self::Float(number) => Unexpected::Float(*number),
            Self::Text(_) => Unexpected::Str(""),
            Self::Array(_) => Unexpected::Seq,
            Self::Object(_) => Unexpected::Map,
            Self::Other(_) => Unexpected::Other("another kind of value"),
        }
    }

    fn of(value: JsValue) -> Self {
        if value.is_null() || value.is_undefined() {
            return Self::Unit;
        }
        if let Some(flag) = value.as_bool() {
            return Self::Bool(flag);
        }
        if let Some(number) = value.as_f64() {
            return if number.fract() != 0.0 || number.abs() > MAX_SAFE_INTEGER {
                Self::Float(number) // NaN and the infinities included
            } else if number >= 0.0 {
                Self::Unsigned(number as u64)
            } else {
                Self::Signed(number as i64)
            };
        }
        if let Some(text) = value.as_string() {
            return Self::Text(text);
        }
        if js_sys::Array::is_array(&value) {
            return Self::Array(value.unchecked_into());
        }
        match own_entries(&value) {
            Some(mut entries) => {
                entries.reverse(); // popped from the end, in the object's order
                Self::Object(entries)
            }
            None => Self::Other("a function, symbol or bigint cannot be read as data"),
        }
    }
}

/// An array's items, in order, `depth` arrays and objects deep.
struct Items {
    array: js_sys::Array,
    next: u32,
    depth: u32,
}

impl<'de> SeqAccess<'de> for Items {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.next >= self.array.length() {
            return Ok(None);
        }
        let item = self.array.get(self.next);
        self.next += 1;
        seed.deserialize(JsDeserializer(item, self.depth)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.array.length().saturating_sub(self.next) as usize)
    }
}

/// An object's properties, last first (so each is popped), the value of the name just read, and how many arrays
/// and objects deep they are.
struct Properties {
    entries: Vec<(String, JsValue)>,
    value: Option<JsValue>,
    depth: u32,
}

impl<'de> MapAccess<'de> for Properties {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((name, value)) = self.entries.pop() else {
            return Ok(None);
        };
        self.value = Some(value);
        let name: StringDeserializer<Error> = name.into_deserializer();
        seed.deserialize(name).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self.value.take().unwrap_or(JsValue::NULL);
        seed.deserialize(JsDeserializer(value, self.depth))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}
