//! One message into one JSON value, by its descriptor: fields under Go's
//! JSON names, inlined structs merged into their parent, and zero scalars
//! left out where Go's `omitempty` would leave them out (a non-pointer
//! field; a pointer's explicit zero is kept, as `replicas: 0` must be),
//! and fields Go writes without `omitempty` present even when absent on
//! the wire (`null` or their zero), so the result is what `encoding/json`
//! writes for the decoded Go struct. Unknown field numbers are skipped, as
//! Go's generated decoders do.

use std::cell::Cell;
use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Number, Value};

use super::schema::{Field, Form, Label, Scalar, Schema, Ty};
use super::special;
use super::wire::{Fields, WireValue, packed};
use super::{DecodeError, Reason};

/// How deeply messages may nest (an object inside a `RawExtension`
/// counts from its parent's depth). Kubernetes' deepest built-in types
/// (CRD schemas) stay far below; a hostile body stops here instead of
/// exhausting the stack.
pub(crate) const MAX_DEPTH: usize = 100;

/// How many JSON values a body may decode into: this many per input byte,
/// plus [`VALUES_BASE`]. Every value on the wire costs at least two bytes;
/// what is not on the wire (Go's `null`s and zeros for fields without
/// `omitempty`, up to five per object) costs none, so without a bound a
/// body of empty list items would expand several hundredfold in memory.
/// At one value per byte the worst case is about what a JSON body of
/// one-field objects costs. kubectl's bodies use at most 0.3.
pub(crate) const VALUES_PER_BYTE: usize = 1;

/// The values every body may decode into whatever its size.
pub(crate) const VALUES_BASE: usize = 4096;

/// Decodes messages of one [`Schema`], within a budget of JSON values.
pub(crate) struct Decoder<'s> {
    schema: &'s Schema,
    budget: Cell<usize>,
}

/// The values of one field, as the message's bytes are read.
enum Slot {
    Single(Value),
    Repeated(Vec<Value>),
    Map(Map<String, Value>),
}

impl<'s> Decoder<'s> {
    /// A decoder over `schema` for a body of `len` bytes.
    pub(crate) fn new(schema: &'s Schema, len: usize) -> Self {
        Decoder {
            schema,
            budget: Cell::new(
                len.saturating_mul(VALUES_PER_BYTE)
                    .saturating_add(VALUES_BASE),
            ),
        }
    }

    /// Takes one value from the budget.
    fn spend(&self) -> Result<(), Reason> {
        let left = self.budget.get();
        if left == 0 {
            return Err(Reason::TooLarge);
        }
        self.budget.set(left - 1);
        Ok(())
    }

    /// What is left of the budget.
    #[cfg(test)]
    pub(crate) fn budget_left(&self) -> usize {
        self.budget.get()
    }

    /// The schema it decodes with.
    pub(crate) fn schema(&self) -> &'s Schema {
        self.schema
    }

    /// Decodes `buf` as message `index` at nesting `depth`.
    ///
    /// # Errors
    /// [`DecodeError`] for malformed bytes, values without a JSON form,
    /// or nesting past [`MAX_DEPTH`].
    pub(crate) fn message(
        &self,
        index: usize,
        buf: &[u8],
        depth: usize,
    ) -> Result<Value, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(Reason::TooDeep(MAX_DEPTH).into());
        }
        let msg = self
            .schema
            .message(index)
            .ok_or_else(|| Reason::Invalid(format!("no message {index}")))?;
        match msg.form {
            Form::Object => self.object(&msg.fields, buf, depth),
            Form::List => {
                let mut items = Vec::new();
                for item in Fields::new(buf) {
                    let (number, value) = item?;
                    if let Some(field) = msg.field(number) {
                        self.repeated(field, value, depth, &mut items)
                            .map_err(|e| e.at(format!("[{}]", items.len())))?;
                    }
                }
                Ok(Value::Array(items))
            }
            Form::Special(kind) => special::decode(self, kind, buf, depth),
            Form::Unknown => Err(Reason::Invalid(format!("{} has no JSON form", msg.name)).into()),
        }
    }

    fn object(&self, fields: &[Field], buf: &[u8], depth: usize) -> Result<Value, DecodeError> {
        let mut slots: BTreeMap<u32, Slot> = BTreeMap::new();
        for item in Fields::new(buf) {
            let (number, value) = item?;
            let Some(field) = fields
                .binary_search_by_key(&number, |f| f.number)
                .ok()
                .and_then(|i| fields.get(i))
            else {
                continue;
            };
            let name = if field.json.is_empty() {
                format!("({})", field.number)
            } else {
                field.json.clone()
            };
            self.field(field, value, depth, &mut slots)
                .map_err(|e| e.at(name))?;
        }
        let mut inlined = Map::new();
        let mut own = Map::new();
        for field in fields {
            let Some(slot) = slots.remove(&field.number) else {
                if let Some(v) = self.absent(field, depth)? {
                    own.insert(field.json.clone(), v);
                }
                continue;
            };
            let value = match slot {
                Slot::Single(v) => {
                    let scalar = matches!(field.ty, Ty::Scalar(_));
                    if scalar && field.omitempty && !field.pointer && is_zero(&v) {
                        continue;
                    }
                    v
                }
                Slot::Repeated(items) => Value::Array(items),
                Slot::Map(m) => Value::Object(m),
            };
            if field.inline {
                if let Value::Object(m) = value {
                    inlined.extend(m);
                }
            } else {
                own.insert(field.json.clone(), value);
            }
        }
        // Go's encoder lets a field of the outer struct win over an
        // inlined one of the same name.
        inlined.extend(own);
        Ok(Value::Object(inlined))
    }

    /// What Go's encoder writes for a field that was not on the wire:
    /// nothing under `omitempty` (or for an inlined struct), `null` for a
    /// nil pointer, slice or map, and the zero value otherwise.
    fn absent(&self, field: &Field, depth: usize) -> Result<Option<Value>, DecodeError> {
        if field.omitempty || field.inline {
            return Ok(None);
        }
        self.spend()?;
        if field.pointer || field.label != Label::Single {
            return Ok(Some(Value::Null));
        }
        Ok(Some(match field.ty {
            Ty::Scalar(s) => zero(s),
            // A nil slice type (`Verbs`) is `null` too.
            Ty::Message(index)
                if self.schema.message(index).map(|m| m.form) == Some(Form::List) =>
            {
                Value::Null
            }
            Ty::Message(index) => self.message(index, &[], depth + 1)?,
        }))
    }

    fn field(
        &self,
        field: &Field,
        value: WireValue<'_>,
        depth: usize,
        slots: &mut BTreeMap<u32, Slot>,
    ) -> Result<(), DecodeError> {
        match field.label {
            Label::Single => {
                let v = self.value(field.ty, value, depth)?;
                match (slots.get_mut(&field.number), v) {
                    // A message that occurs twice is merged, as protobuf does.
                    (Some(Slot::Single(Value::Object(old))), Value::Object(new))
                        if matches!(field.ty, Ty::Message(_)) =>
                    {
                        old.extend(new);
                    }
                    (_, v) => {
                        slots.insert(field.number, Slot::Single(v));
                    }
                }
            }
            Label::Repeated => {
                let slot = slots
                    .entry(field.number)
                    .or_insert_with(|| Slot::Repeated(Vec::new()));
                if let Slot::Repeated(items) = slot {
                    let at = items.len();
                    self.repeated(field, value, depth, items)
                        .map_err(|e| e.at(format!("[{at}]")))?;
                }
            }
            Label::Map => {
                let WireValue::Bytes(entry) = value else {
                    return Err(Reason::WrongWireType(value.wire_type()).into());
                };
                let (key, v) = self.entry(field.ty, entry, depth)?;
                let slot = slots
                    .entry(field.number)
                    .or_insert_with(|| Slot::Map(Map::new()));
                if let Slot::Map(m) = slot {
                    m.insert(key, v);
                }
            }
        }
        Ok(())
    }

    /// One occurrence of a repeated field: one value, or a packed run of
    /// numeric scalars.
    fn repeated(
        &self,
        field: &Field,
        value: WireValue<'_>,
        depth: usize,
        items: &mut Vec<Value>,
    ) -> Result<(), DecodeError> {
        if let (Ty::Scalar(s), WireValue::Bytes(run)) = (field.ty, value)
            && let Some(wire) = packed_wire_type(s)
        {
            for v in packed(run, wire)? {
                self.spend()?;
                items.push(scalar(s, v)?);
            }
            return Ok(());
        }
        items.push(self.value(field.ty, value, depth)?);
        Ok(())
    }

    /// A map entry: key 1 (a string), value 2. A missing value is the
    /// value type's zero, as Go's decoder leaves it.
    fn entry(&self, ty: Ty, buf: &[u8], depth: usize) -> Result<(String, Value), DecodeError> {
        let mut key = String::new();
        let mut value = None;
        for item in Fields::new(buf) {
            match item? {
                (1, WireValue::Bytes(k)) => key = String::from_utf8_lossy(k).into_owned(),
                (1, other) => return Err(Reason::WrongWireType(other.wire_type()).into()),
                (2, v) => {
                    value = Some(
                        self.value(ty, v, depth)
                            .map_err(|e| e.at(format!("[{key}]")))?,
                    )
                }
                _ => {}
            }
        }
        let value = match value {
            Some(v) => v,
            None => match ty {
                Ty::Scalar(s) => zero(s),
                Ty::Message(index) => self.message(index, &[], depth + 1)?,
            },
        };
        Ok((key, value))
    }

    /// One value of type `ty`.
    pub(crate) fn value(
        &self,
        ty: Ty,
        value: WireValue<'_>,
        depth: usize,
    ) -> Result<Value, DecodeError> {
        self.spend()?;
        match ty {
            Ty::Scalar(s) => Ok(scalar(s, value)?),
            Ty::Message(index) => match value {
                WireValue::Bytes(b) => self.message(index, b, depth + 1),
                other => Err(Reason::WrongWireType(other.wire_type()).into()),
            },
        }
    }
}

/// The wire type of a packed run of `s`, `None` for length-delimited types.
fn packed_wire_type(s: Scalar) -> Option<u8> {
    match s {
        Scalar::String | Scalar::Bytes => None,
        Scalar::Bool | Scalar::Int32 | Scalar::Int64 | Scalar::Uint32 | Scalar::Uint64 => Some(0),
        Scalar::Double => Some(1),
        Scalar::Float => Some(5),
    }
}

/// A scalar's JSON value.
///
/// # Errors
/// [`Reason::WrongWireType`] when the wire type does not fit the type;
/// [`Reason::Invalid`] for a NaN or infinite float (Go's encoder refuses them).
pub(crate) fn scalar(s: Scalar, value: WireValue<'_>) -> Result<Value, Reason> {
    // Go's decoders truncate varints to the field's width, and so do these
    // `as` casts.
    #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
    Ok(match (s, value) {
        (Scalar::String, WireValue::Bytes(b)) => {
            Value::String(String::from_utf8_lossy(b).into_owned())
        }
        (Scalar::Bytes, WireValue::Bytes(b)) => Value::String(STANDARD.encode(b)),
        (Scalar::Bool, WireValue::Varint(v)) => Value::Bool(v != 0),
        (Scalar::Int32, WireValue::Varint(v)) => Value::from(v as i32),
        (Scalar::Int64, WireValue::Varint(v)) => Value::from(v as i64),
        (Scalar::Uint32, WireValue::Varint(v)) => Value::from(v as u32),
        (Scalar::Uint64, WireValue::Varint(v)) => Value::from(v),
        (Scalar::Double, WireValue::Fixed64(v)) => float(f64::from_bits(v))?,
        (Scalar::Float, WireValue::Fixed32(v)) => float(f64::from(f32::from_bits(v)))?,
        (_, other) => return Err(Reason::WrongWireType(other.wire_type())),
    })
}

fn float(f: f64) -> Result<Value, Reason> {
    Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| Reason::Invalid(format!("unsupported value: {f}")))
}

/// The JSON of a scalar Go leaves at its zero value.
fn zero(s: Scalar) -> Value {
    match s {
        Scalar::String | Scalar::Bytes => Value::String(String::new()),
        Scalar::Bool => Value::Bool(false),
        _ => Value::from(0),
    }
}

/// Whether `v` is the zero value `omitempty` leaves out.
fn is_zero(v: &Value) -> bool {
    match v {
        Value::String(s) => s.is_empty(),
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Null => true,
        Value::Array(_) | Value::Object(_) => false,
    }
}
