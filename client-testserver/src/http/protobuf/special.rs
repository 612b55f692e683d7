//! The messages whose JSON is not an object of their fields: each has a
//! `MarshalJSON` of its own in Go, and this module writes what it writes.

use jiff::Timestamp;
use serde_json::{Map, Value};

use super::envelope::{self, MAGIC};
use super::message::{Decoder, scalar};
use super::schema::{Scalar, Special, Ty};
use super::wire::{Fields, WireValue};
use super::{DecodeError, Reason};

/// The message a `JSONSchemaPropsOr*` wraps.
const SCHEMA_PROPS: &str =
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps";

/// Seconds of Go's zero `time.Time` (0001-01-01T00:00:00Z), which
/// `metav1.Time` writes as `null`.
const GO_ZERO_TIME_SECONDS: i64 = -62_135_596_800;

/// The fields of a small message: the last value of each number, and every
/// value of each for the repeated ones.
fn read(buf: &[u8]) -> Result<Vec<(u32, WireValue<'_>)>, DecodeError> {
    Fields::new(buf)
        .map(|f| f.map_err(DecodeError::from))
        .collect()
}

fn last<'a>(fields: &[(u32, WireValue<'a>)], number: u32) -> Option<WireValue<'a>> {
    fields
        .iter()
        .rev()
        .find(|(n, _)| *n == number)
        .map(|(_, v)| *v)
}

fn int(fields: &[(u32, WireValue<'_>)], number: u32) -> Result<i64, DecodeError> {
    match last(fields, number) {
        None => Ok(0),
        Some(v) => scalar(Scalar::Int64, v)?
            .as_i64()
            .ok_or_else(|| Reason::Invalid("not an integer".into()).into()),
    }
}

fn bytes<'a>(fields: &[(u32, WireValue<'a>)], number: u32) -> Result<&'a [u8], DecodeError> {
    match last(fields, number) {
        None => Ok(&[]),
        Some(WireValue::Bytes(b)) => Ok(b),
        Some(other) => Err(Reason::WrongWireType(other.wire_type()).into()),
    }
}

fn text(fields: &[(u32, WireValue<'_>)], number: u32) -> Result<String, DecodeError> {
    Ok(String::from_utf8_lossy(bytes(fields, number)?).into_owned())
}

/// Decodes `buf` as the special message `kind`.
///
/// # Errors
/// [`DecodeError`] for malformed bytes and values Go could not encode.
pub(crate) fn decode(
    d: &Decoder<'_>,
    kind: Special,
    buf: &[u8],
    depth: usize,
) -> Result<Value, DecodeError> {
    let f = read(buf)?;
    match kind {
        // A zero Quantity writes "0".
        Special::Quantity => {
            let s = text(&f, 1)?;
            Ok(Value::String(if s.is_empty() { "0".into() } else { s }))
        }
        Special::IntOrString => match int(&f, 1)? {
            0 => {
                let v = int(&f, 2)?;
                // intVal is an int32 on the wire.
                #[allow(clippy::cast_possible_truncation)]
                Ok(Value::from(v as i32))
            }
            1 => Ok(Value::String(text(&f, 3)?)),
            other => Err(Reason::Invalid(format!("impossible IntOrString.Type {other}")).into()),
        },
        Special::Time => {
            if buf.is_empty() {
                return Ok(Value::Null);
            }
            let seconds = int(&f, 1)?;
            if seconds == GO_ZERO_TIME_SECONDS {
                return Ok(Value::Null);
            }
            // metav1.Time keeps whole seconds: the nanos are dropped.
            Ok(Value::String(format!("{}Z", civil(seconds)?)))
        }
        Special::MicroTime => {
            if buf.is_empty() {
                return Ok(Value::Null);
            }
            let seconds = int(&f, 1)?;
            let nanos = int(&f, 2)?;
            if seconds == GO_ZERO_TIME_SECONDS && nanos == 0 {
                return Ok(Value::Null);
            }
            if !(0..1_000_000_000).contains(&nanos) {
                return Err(Reason::Invalid(format!("nanos {nanos} out of range")).into());
            }
            Ok(Value::String(format!(
                "{}.{:06}Z",
                civil(seconds)?,
                nanos / 1000
            )))
        }
        Special::Duration => Ok(Value::String(go_duration(int(&f, 1)?))),
        Special::Timestamp => {
            let mut m = Map::new();
            for (n, name) in [(1, "seconds"), (2, "nanos")] {
                let v = int(&f, n)?;
                if v != 0 {
                    m.insert(name.into(), Value::from(v));
                }
            }
            Ok(Value::Object(m))
        }
        Special::FieldsV1 | Special::Json => raw_json(d, bytes(&f, 1)?, depth),
        Special::RawExtension => raw_json(d, bytes(&f, 1)?, depth),
        Special::Unknown => raw_json(d, bytes(&f, 2)?, depth),
        Special::SchemaOrArray => {
            let props = schema_props(d)?;
            if let Some(v) = last(&f, 1) {
                return d.value(props, v, depth).map_err(|e| e.at("schema"));
            }
            let mut items = Vec::new();
            for (n, v) in &f {
                if *n == 2 {
                    items.push(
                        d.value(props, *v, depth)
                            .map_err(|e| e.at(format!("[{}]", items.len())))?,
                    );
                }
            }
            Ok(if items.is_empty() {
                Value::Null
            } else {
                Value::Array(items)
            })
        }
        Special::SchemaOrBool => {
            let props = schema_props(d)?;
            if let Some(v) = last(&f, 2) {
                return d.value(props, v, depth).map_err(|e| e.at("schema"));
            }
            match last(&f, 1) {
                None => Ok(Value::Bool(false)),
                Some(v) => Ok(scalar(Scalar::Bool, v)?),
            }
        }
        Special::SchemaOrStringArray => {
            let mut property = Vec::new();
            for (n, v) in &f {
                if *n == 2 {
                    property.push(scalar(Scalar::String, *v)?);
                }
            }
            if !property.is_empty() {
                return Ok(Value::Array(property));
            }
            match last(&f, 1) {
                Some(v) => d
                    .value(schema_props(d)?, v, depth)
                    .map_err(|e| e.at("schema")),
                None => Ok(Value::Null),
            }
        }
    }
}

fn schema_props(d: &Decoder<'_>) -> Result<Ty, DecodeError> {
    d.schema()
        .by_name(SCHEMA_PROPS)
        .map(Ty::Message)
        .ok_or_else(|| Reason::Invalid(format!("no message {SCHEMA_PROPS}")).into())
}

/// Raw bytes that Go writes verbatim into JSON: JSON text, or (inside a
/// protobuf body) an enveloped protobuf object. Empty is `null`.
fn raw_json(d: &Decoder<'_>, raw: &[u8], depth: usize) -> Result<Value, DecodeError> {
    if raw.is_empty() {
        return Ok(Value::Null);
    }
    if raw.starts_with(MAGIC) {
        return envelope::decode_with(d, raw, depth)
            .map_err(|e| Reason::Invalid(format!("embedded object: {e}")).into());
    }
    serde_json::from_slice(raw).map_err(|e| {
        Reason::Invalid(format!(
            "raw data is neither JSON nor a protobuf object: {e}"
        ))
        .into()
    })
}

/// `seconds` since the epoch as `YYYY-MM-DDTHH:MM:SS` in UTC.
fn civil(seconds: i64) -> Result<String, DecodeError> {
    let ts = Timestamp::from_second(seconds)
        .map_err(|_| Reason::Invalid(format!("time {seconds} is out of range")))?;
    let s = ts.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    // RFC 3339 has four-digit years only.
    if s.starts_with('-') || s.len() != 19 {
        return Err(Reason::Invalid(format!("time {seconds} is outside years 0000-9999")).into());
    }
    Ok(s)
}

/// Go's `time.Duration.String()`: `1h2m3.5s`, `1.5ms`, `0s`.
pub(crate) fn go_duration(nanos: i64) -> String {
    const UNITS_BELOW_SECOND: [(u64, u32, &str); 3] = [
        (1_000, 0, "ns"),
        (1_000_000, 3, "µs"),
        (1_000_000_000, 6, "ms"),
    ];
    let sign = if nanos < 0 { "-" } else { "" };
    let u = nanos.unsigned_abs();
    if u == 0 {
        return "0s".into();
    }
    if u < 1_000_000_000 {
        for (limit, precision, unit) in UNITS_BELOW_SECOND {
            if u < limit {
                let (whole, frac) = split(u, precision);
                return format!("{sign}{whole}{frac}{unit}");
            }
        }
    }
    let (seconds, frac) = split(u, 9);
    let (h, m, s) = (seconds / 3600, (seconds / 60) % 60, seconds % 60);
    if h > 0 {
        format!("{sign}{h}h{m}m{s}{frac}s")
    } else if m > 0 {
        format!("{sign}{m}m{s}{frac}s")
    } else {
        format!("{sign}{s}{frac}s")
    }
}

/// `v / 10^precision` and the fraction as `.5` (trailing zeros dropped;
/// empty when it is zero).
fn split(v: u64, precision: u32) -> (u64, String) {
    let scale = 10u64.pow(precision);
    let (whole, frac) = (v / scale, v % scale);
    if frac == 0 {
        return (whole, String::new());
    }
    let digits = format!("{frac:0width$}", width = precision as usize);
    (whole, format!(".{}", digits.trim_end_matches('0')))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_go_writes_them() {
        for (nanos, want) in [
            (0, "0s"),
            (1, "1ns"),
            (1_500, "1.5µs"),
            (2_000_000, "2ms"),
            (1_500_000_000, "1.5s"),
            (60_000_000_000, "1m0s"),
            (3_600_000_000_000, "1h0m0s"),
            (3_723_000_000_000, "1h2m3s"),
            (-90_000_000_000, "-1m30s"),
            (i64::MIN, "-2562047h47m16.854775808s"),
        ] {
            assert_eq!(go_duration(nanos), want, "{nanos}");
        }
    }

    #[test]
    fn civil_time_bounds() {
        assert_eq!(civil(0).unwrap(), "1970-01-01T00:00:00");
        assert_eq!(civil(1_700_000_000).unwrap(), "2023-11-14T22:13:20");
        assert!(civil(i64::MAX).is_err());
        assert!(civil(-70_000_000_000).is_err());
    }
}
