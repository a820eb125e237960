//! Writes a Rust value as a plain JS value through its derived `Serialize`: the answers the clients resolve with,
//! and the WebAuthn options handed to `navigator.credentials`. [`super::js_de`]'s other half, in place of
//! `serde_wasm_bindgen`'s serializer, whose string cache (a hash map behind a thread local) and general options
//! the package does not need.

use serde::ser::{self, Impossible, Serialize};
use wasm_bindgen::JsValue;

use super::js_de::Error;

impl ser::Error for Error {
    fn custom<M: std::fmt::Display>(message: M) -> Self {
        Self::new(message.to_string())
    }
}

/// How absent values are written.
#[derive(Debug, Clone, Copy)]
pub enum Absent {
    /// `null`, as JSON has it: the API's answers (`token: null`), so a field is never `undefined`.
    Null,
    /// `undefined`: WebAuthn's dictionaries, where a member that is `null` is a wrong type, not an absent one.
    #[cfg_attr(not(feature = "browser-passkey"), allow(dead_code))]
    // only the passkey entry calls WebAuthn
    Undefined,
}

/// `value` as a JS value: structs and maps as plain objects, sequences as arrays, numbers as numbers, bytes as a
/// `Uint8Array`, unit variants as their names, a variant with data as `{name: data}`.
pub fn to_js_value<T: Serialize + ?Sized>(value: &T, absent: Absent) -> Result<JsValue, Error> {
    value.serialize(JsSerializer(absent))
}

#[derive(Clone, Copy)]
struct JsSerializer(Absent);

impl JsSerializer {
    fn absent(self) -> JsValue {
        match self.0 {
            Absent::Null => JsValue::NULL,
            Absent::Undefined => JsValue::UNDEFINED,
        }
    }
}

impl ser::Serializer for JsSerializer {
    type Ok = JsValue;
    type Error = Error;
    type SerializeSeq = Items;
    type SerializeTuple = Items;
    type SerializeTupleStruct = Items;
    type SerializeTupleVariant = Impossible<JsValue, Error>;
    type SerializeMap = Properties;
    type SerializeStruct = Properties;
    type SerializeStructVariant = Impossible<JsValue, Error>;

    fn serialize_bool(self, v: bool) -> Result<JsValue, Error> {
        Ok(JsValue::from_bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<JsValue, Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<JsValue, Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<JsValue, Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<JsValue, Error> {
        // Counts and codes: far inside the 2^53 a JS number holds exactly.
        self.serialize_f64(v as f64)
    }
    fn serialize_u8(self, v: u8) -> Result<JsValue, Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<JsValue, Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<JsValue, Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<JsValue, Error> {
        self.serialize_f64(v as f64)
    }
    fn serialize_f32(self, v: f32) -> Result<JsValue, Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<JsValue, Error> {
        Ok(JsValue::from_f64(v))
    }
    fn serialize_char(self, v: char) -> Result<JsValue, Error> {
        Ok(JsValue::from_str(v.encode_utf8(&mut [0; 4])))
    }
    fn serialize_str(self, v: &str) -> Result<JsValue, Error> {
        Ok(JsValue::from_str(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<JsValue, Error> {
        Ok(js_sys::Uint8Array::from(v).into())
    }
    fn serialize_none(self) -> Result<JsValue, Error> {
        Ok(self.absent())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<JsValue, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<JsValue, Error> {
        Ok(self.absent())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<JsValue, Error> {
        Ok(self.absent())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<JsValue, Error> {
        Ok(JsValue::from_str(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<JsValue, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<JsValue, Error> {
        let object = Properties::new(self);
        object.set(&JsValue::from_str(variant), &value.serialize(self)?)?;
        Ok(object.object.into())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Items, Error> {
        Ok(Items {
            array: js_sys::Array::new(),
            serializer: self,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Items, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Items, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Impossible<JsValue, Error>, Error> {
        Err(Error::new(
            "no type the package writes has tuple variants".to_owned(),
        ))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Properties, Error> {
        Ok(Properties::new(self))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Properties, Error> {
        Ok(Properties::new(self))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Impossible<JsValue, Error>, Error> {
        Err(Error::new(
            "no type the package writes has struct variants".to_owned(),
        ))
    }
}

/// An array being written.
struct Items {
    array: js_sys::Array,
    serializer: JsSerializer,
}

impl ser::SerializeSeq for Items {
    type Ok = JsValue;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.array.push(&value.serialize(self.serializer)?);
        Ok(())
    }
    fn end(self) -> Result<JsValue, Error> {
        Ok(self.array.into())
    }
}

impl ser::SerializeTuple for Items {
    type Ok = JsValue;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<JsValue, Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Items {
    type Ok = JsValue;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<JsValue, Error> {
        ser::SerializeSeq::end(self)
    }
}

/// A plain object being written, and a map's key waiting for its value.
struct Properties {
    object: js_sys::Object,
    key: Option<JsValue>,
    serializer: JsSerializer,
}

impl Properties {
    fn new(serializer: JsSerializer) -> Self {
        Self {
            object: js_sys::Object::new(),
            key: None,
            serializer,
        }
    }

    fn set(&self, key: &JsValue, value: &JsValue) -> Result<(), Error> {
        js_sys::Reflect::set(&self.object, key, value)
            .map(drop)
            .map_err(|_| Error::new("a property could not be set".to_owned()))
    }
}

impl ser::SerializeMap for Properties {
    type Ok = JsValue;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let key = key.serialize(self.serializer)?;
        if !key.is_string() {
            return Err(Error::new("a map's keys must be strings".to_owned()));
        }
        self.key = Some(key);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self.key.take().unwrap_or(JsValue::UNDEFINED);
        self.set(&key, &value.serialize(self.serializer)?)
    }
    fn end(self) -> Result<JsValue, Error> {
        Ok(self.object.into())
    }
}

impl ser::SerializeStruct for Properties {
    type Ok = JsValue;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.set(&JsValue::from_str(key), &value.serialize(self.serializer)?)
    }
    fn end(self) -> Result<JsValue, Error> {
        Ok(self.object.into())
    }
}
