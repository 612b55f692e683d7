//! Writing `apiVersion` and `kind` in front of an object: [`WithTypeMeta`] and [`apply_body`].
//!
//! A Rust type's own `Serialize` does not know its Kubernetes identity, and a
//! derive cannot change it. The client therefore serializes writes through
//! [`WithTypeMeta`], which wraps the serializer so that the object's struct
//! (or map) starts with the two entries taken from the [`Resource`] constants.

use std::fmt;

use serde::ser::{self, Impossible, Serialize, SerializeMap, SerializeStruct, Serializer};

use crate::resource::Resource;

/// Serializes a [`Resource`] with `"apiVersion"` and `"kind"` first, from `K`'s constants.
///
/// A bare `serde_json::to_string(&obj)` omits them (the type's own
/// `Serialize` does not know them); write `WithTypeMeta(&obj)` instead. No
/// intermediate `serde_json::Value` is built: the wrapper intercepts
/// `serialize_struct` / `serialize_map`, writes the two entries and hands the
/// rest of the object to its own `Serialize`. The object must serialize as a
/// struct or map (any derived struct does, with or without `#[serde(flatten)]`)
/// and must not write `apiVersion` or `kind` itself.
///
/// # Errors
///
/// Serializing fails if the object serializes as anything other than a struct
/// or a map (a newtype, a sequence, a scalar).
///
/// ```
/// use client_core::{ObjectMeta, Namespaced, Resource, WithTypeMeta};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize)]
/// struct Widget { metadata: ObjectMeta, size: u32 }
/// impl Resource for Widget {
///     const GROUP: &'static str = "example.com";
///     const VERSION: &'static str = "v1";
///     const API_VERSION: &'static str = "example.com/v1";
///     const KIND: &'static str = "Widget";
///     const PLURAL: &'static str = "widgets";
///     const SINGULAR: &'static str = "widget";
///     const SHORT_NAMES: &'static [&'static str] = &[];
///     const CATEGORIES: &'static [&'static str] = &[];
///     type Scope = Namespaced;
///     type Meta = ObjectMeta;
///     fn metadata(&self) -> &ObjectMeta { &self.metadata }
///     fn metadata_mut(&mut self) -> &mut ObjectMeta { &mut self.metadata }
/// }
///
/// let w = Widget { metadata: ObjectMeta::named("a"), size: 3 };
/// assert_eq!(
///     serde_json::to_string(&WithTypeMeta(&w)).unwrap(),
///     r#"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"a"},"size":3}"#,
/// );
/// ```
pub struct WithTypeMeta<'a, K: Resource>(pub &'a K);

impl<K: Resource> fmt::Debug for WithTypeMeta<'_, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("WithTypeMeta").field(&K::KIND).finish()
    }
}

impl<K: Resource> Serialize for WithTypeMeta<'_, K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if K::SERIALIZES_TYPE_META {
            return self.0.serialize(serializer);
        }
        self.0.serialize(TypeMetaSerializer {
            inner: serializer,
            api_version: K::API_VERSION,
            kind: K::KIND,
        })
    }
}

/// A serializer that forwards a struct or map to `inner` after writing the type meta.
struct TypeMetaSerializer<S> {
    inner: S,
    api_version: &'static str,
    kind: &'static str,
}

impl<S: Serializer> TypeMetaSerializer<S> {
    fn not_an_object(&self, what: &str) -> S::Error {
        ser::Error::custom(format_args!(
            "cannot write apiVersion/kind for {} {}: it serializes as {what}, not as a struct or map",
            self.api_version, self.kind
        ))
    }
}

macro_rules! reject {
    ($($method:ident($($arg:ident: $ty:ty),*) => $what:literal;)*) => {
        $(
            fn $method(self, $($arg: $ty),*) -> Result<S::Ok, S::Error> {
                $(let _ = $arg;)*
                Err(self.not_an_object($what))
            }
        )*
    };
}

impl<S: Serializer> Serializer for TypeMetaSerializer<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Impossible<S::Ok, S::Error>;
    type SerializeTuple = Impossible<S::Ok, S::Error>;
    type SerializeTupleStruct = Impossible<S::Ok, S::Error>;
    type SerializeTupleVariant = Impossible<S::Ok, S::Error>;
    type SerializeMap = S::SerializeMap;
    type SerializeStruct = SkipOwnTypeMeta<S::SerializeStruct>;
    type SerializeStructVariant = Impossible<S::Ok, S::Error>;

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, Self::Error> {
        let mut s = self.inner.serialize_struct(name, len + 2)?;
        s.serialize_field("apiVersion", self.api_version)?;
        s.serialize_field("kind", self.kind)?;
        Ok(SkipOwnTypeMeta(s))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, Self::Error> {
        let mut m = self.inner.serialize_map(len.map(|l| l + 2))?;
        m.serialize_entry("apiVersion", self.api_version)?;
        m.serialize_entry("kind", self.kind)?;
        Ok(m)
    }

    reject! {
        serialize_bool(v: bool) => "a boolean";
        serialize_i8(v: i8) => "a number";
        serialize_i16(v: i16) => "a number";
        serialize_i32(v: i32) => "a number";
        serialize_i64(v: i64) => "a number";
        serialize_i128(v: i128) => "a number";
        serialize_u8(v: u8) => "a number";
        serialize_u16(v: u16) => "a number";
        serialize_u32(v: u32) => "a number";
        serialize_u64(v: u64) => "a number";
        serialize_u128(v: u128) => "a number";
        serialize_f32(v: f32) => "a number";
        serialize_f64(v: f64) => "a number";
        serialize_char(v: char) => "a character";
        serialize_str(v: &str) => "a string";
        serialize_bytes(v: &[u8]) => "bytes";
        serialize_none() => "null";
        serialize_unit() => "a unit";
        serialize_unit_struct(name: &'static str) => "a unit struct";
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str) => "an enum variant";
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<S::Ok, S::Error> {
        let _ = value;
        Err(self.not_an_object("an option"))
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        let _ = (name, value);
        Err(self.not_an_object("a newtype struct"))
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        let _ = (name, index, variant, value);
        Err(self.not_an_object("an enum variant"))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        let _ = len;
        Err(self.not_an_object("a sequence"))
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        let _ = len;
        Err(self.not_an_object("a tuple"))
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        let _ = (name, len);
        Err(self.not_an_object("a tuple struct"))
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        let _ = (name, index, variant, len);
        Err(self.not_an_object("an enum variant"))
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        let _ = (name, index, variant, len);
        Err(self.not_an_object("an enum variant"))
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// A struct's fields after the type meta was written: a type whose own
/// `Serialize` writes `apiVersion` and `kind` (such as
/// [`CustomResourceDefinition`](crate::CustomResourceDefinition), so that a
/// plain `serde_json::to_string` of it is a manifest) does not write them
/// twice.
struct SkipOwnTypeMeta<S>(S);

impl<S: SerializeStruct> SerializeStruct for SkipOwnTypeMeta<S> {
    type Ok = S::Ok;
    type Error = S::Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        if key == "apiVersion" || key == "kind" {
            return Ok(());
        }
        self.0.serialize_field(key, value)
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), S::Error> {
        self.0.skip_field(key)
    }

    fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

/// The JSON body of a server-side apply for kind `K`: `obj` with `apiVersion` and
/// `kind` set from `K`'s constants and `metadata.managedFields` removed.
///
/// `obj` may be any `Serialize` value that forms a JSON object: a full `K` or a
/// partial object that names only the fields this field manager owns. Apply is
/// not on the hot path, so this goes through a `serde_json::Value`: that makes
/// removing `managedFields` simple and works for any shape of `obj`. An
/// `apiVersion` or `kind` written by `obj` itself is replaced.
///
/// # Errors
///
/// Fails if `obj` cannot be serialized or does not serialize as a JSON object.
///
/// ```
/// use client_core::apply_body;
/// # use client_core::{ObjectMeta, Namespaced, Resource};
/// # #[derive(serde::Serialize, serde::Deserialize)]
/// # struct Widget { metadata: ObjectMeta }
/// # impl Resource for Widget {
/// #     const GROUP: &'static str = "example.com";
/// #     const VERSION: &'static str = "v1";
/// #     const API_VERSION: &'static str = "example.com/v1";
/// #     const KIND: &'static str = "Widget";
/// #     const PLURAL: &'static str = "widgets";
/// #     const SINGULAR: &'static str = "widget";
/// #     const SHORT_NAMES: &'static [&'static str] = &[];
/// #     const CATEGORIES: &'static [&'static str] = &[];
/// #     type Scope = Namespaced;
/// #     type Meta = ObjectMeta;
/// #     fn metadata(&self) -> &ObjectMeta { &self.metadata }
/// #     fn metadata_mut(&mut self) -> &mut ObjectMeta { &mut self.metadata }
/// # }
///
/// let partial = serde_json::json!({
///     "metadata": {"name": "a", "managedFields": [{"manager": "x"}]},
///     "spec": {"size": 3},
/// });
/// let body = apply_body::<Widget>(&partial).unwrap();
/// assert_eq!(
///     String::from_utf8(body).unwrap(),
///     r#"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"a"},"spec":{"size":3}}"#,
/// );
/// ```
pub fn apply_body<K: Resource>(obj: &impl Serialize) -> Result<Vec<u8>, serde_json::Error> {
    let value = serde_json::to_value(obj)?;
    let serde_json::Value::Object(mut fields) = value else {
        return Err(ser::Error::custom(format_args!(
            "an apply body for {} must serialize as a JSON object",
            K::KIND
        )));
    };
    strip_managed_fields(&mut fields);
    fields.remove("apiVersion");
    fields.remove("kind");
    let mut out = serde_json::Map::with_capacity(fields.len() + 2);
    out.insert("apiVersion".to_owned(), K::API_VERSION.into());
    out.insert("kind".to_owned(), K::KIND.into());
    out.extend(fields);
    serde_json::to_vec(&serde_json::Value::Object(out))
}

/// Removes `metadata.managedFields` from a JSON object, if present.
pub(crate) fn strip_managed_fields(fields: &mut serde_json::Map<String, serde_json::Value>) {
    if let Some(serde_json::Value::Object(meta)) = fields.get_mut("metadata") {
        meta.remove("managedFields");
    }
}
