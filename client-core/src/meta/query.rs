//! The one query encoder: what client-go's parameter codec and Go's
//! `url.Values.Encode` produce.
//!
//! Option types ([`ListOptions`](crate::ListOptions), ...) list their
//! parameters through [`QueryParams`]; a [`Request`](crate::Request) adds its
//! own (`watch`, `timeout`, [`Request::param`](crate::Request::param)) and
//! renders them here too, as client-go's `rest.Request` leaves encoding to
//! apimachinery: keys sorted (the values of one key keep their order), each key
//! and value escaped as Go's `url.QueryEscape` does (space as `+`, everything
//! but `A-Z a-z 0-9 - _ . ~` as `%XX`).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::time::Duration;

/// Options that encode into a request's query string.
pub trait QueryParams {
    /// Appends this value's query parameters to `out`, as client-go encodes them.
    ///
    /// Values are raw (not percent-encoded); keys may repeat.
    fn append_query(&self, out: &mut Vec<(&'static str, String)>);

    /// The query parameters as a new list.
    fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        self.append_query(&mut out);
        out
    }

    /// The encoded query string (without `?`), escaped as Go's `url.QueryEscape` does.
    ///
    /// ```
    /// use client_core::{ListOptions, QueryParams};
    ///
    /// let opts = ListOptions::default().labels("app in (a,b)").limit(10);
    /// assert_eq!(opts.to_query_string(), "labelSelector=app+in+%28a%2Cb%29&limit=10");
    /// ```
    fn to_query_string(&self) -> String {
        let mut pairs = self.query_pairs();
        let mut out = String::new();
        encode_sorted(&mut pairs, &mut out);
        out
    }
}

/// A query key and its raw value, as [`encode_sorted`] takes them.
pub(crate) trait Pair {
    fn key(&self) -> &str;
    fn value(&self) -> &str;
}

impl Pair for (&'static str, String) {
    fn key(&self) -> &str {
        self.0
    }
    fn value(&self) -> &str {
        &self.1
    }
}

impl Pair for (Cow<'static, str>, String) {
    fn key(&self) -> &str {
        &self.0
    }
    fn value(&self) -> &str {
        &self.1
    }
}

/// Sorts `pairs` by key in place (stable: the values of one key keep their
/// order) and appends them to `out` as `k=v&k=v`, escaped as Go does.
pub(crate) fn encode_sorted<P: Pair>(pairs: &mut [P], out: &mut String) {
    pairs.sort_by(|a, b| a.key().cmp(b.key()));
    for (i, pair) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        query_escape_into(pair.key(), out);
        out.push('=');
        query_escape_into(pair.value(), out);
    }
}

/// Appends `s` escaped as Go's `url.QueryEscape` does.
fn query_escape_into(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0x0f)]));
            }
        }
    }
}

/// Formats a duration as Go's `time.Duration.String` does (`30s`, `1m30s`, `1.5s`, `500ms`).
pub(crate) fn go_duration(d: Duration) -> String {
    let nanos = d.as_nanos();
    if nanos == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    if nanos < 1_000_000_000 {
        // Below one second Go picks the largest unit that keeps an integer part.
        let (unit, div) = if nanos < 1_000 {
            ("ns", 1)
        } else if nanos < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        write_fraction(&mut out, nanos, div);
        out.push_str(unit);
        return out;
    }
    let total_secs = nanos / 1_000_000_000;
    let hours = total_secs / 3600;
    let minutes = (total_secs % 3600) / 60;
    let sub_minute_nanos = nanos % 60_000_000_000;
    if hours > 0 {
        let _ = write!(out, "{hours}h");
    }
    if hours > 0 || minutes > 0 {
        let _ = write!(out, "{minutes}m");
    }
    write_fraction(&mut out, sub_minute_nanos, 1_000_000_000);
    out.push('s');
    out
}

/// Writes `value / div` with trailing zeros of the fraction trimmed.
fn write_fraction(out: &mut String, value: u128, div: u128) {
    let _ = write!(out, "{}", value / div);
    let frac = value % div;
    if frac != 0 {
        let width = div.ilog10() as usize;
        let digits = format!("{frac:0width$}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        let cases = [
            (Duration::from_secs(30), "30s"),
            (Duration::from_secs(90), "1m30s"),
            (Duration::from_secs(3600), "1h0m0s"),
            (Duration::from_secs(3661), "1h1m1s"),
            (Duration::from_millis(1500), "1.5s"),
            (Duration::from_millis(500), "500ms"),
            (Duration::from_micros(1500), "1.5ms"),
            (Duration::from_nanos(7), "7ns"),
            (Duration::ZERO, "0s"),
            (Duration::from_secs(60), "1m0s"),
        ];
        for (d, want) in cases {
            assert_eq!(go_duration(d), want, "{d:?}");
        }
    }

    #[test]
    fn keys_sort_stably_and_escape_as_go() {
        let mut pairs: Vec<(Cow<'static, str>, String)> = vec![
            ("z".into(), "1".to_owned()),
            ("a b".into(), "x/y".to_owned()),
            ("z".into(), "0".to_owned()),
        ];
        let mut out = String::new();
        encode_sorted(&mut pairs, &mut out);
        assert_eq!(out, "a+b=x%2Fy&z=1&z=0");
    }
}
