//! Go's `time.Parse` of the two layouts `metav1.Time` and
//! `metav1.MicroTime` decode with (`time.RFC3339` and
//! `2006-01-02T15:04:05.000000Z07:00`), for the same answers and the same
//! `ParseError` wording: `parsing time "2024-01-01" as
//! "2006-01-02T15:04:05Z07:00": cannot parse "" as "T"`, `parsing time
//! "2024-13-01T00:00:00Z": month out of range`.

/// One element of a layout.
#[derive(Clone, Copy)]
enum Chunk {
    /// Literal text.
    Lit(&'static str),
    /// `2006`.
    Year,
    /// `01`.
    Month,
    /// `02`.
    Day,
    /// `15`.
    Hour,
    /// `04`.
    Minute,
    /// `05` (with optional fractional seconds when the layout has none).
    Second,
    /// `.000000`.
    Micros,
    /// `Z07:00`.
    Zone,
}

impl Chunk {
    fn text(self) -> &'static str {
        match self {
            Chunk::Lit(s) => s,
            Chunk::Year => "2006",
            Chunk::Month => "01",
            Chunk::Day => "02",
            Chunk::Hour => "15",
            Chunk::Minute => "04",
            Chunk::Second => "05",
            Chunk::Micros => ".000000",
            Chunk::Zone => "Z07:00",
        }
    }
}

/// A Go time layout.
pub(crate) struct Layout {
    text: &'static str,
    chunks: &'static [Chunk],
}

/// `time.RFC3339`, what `metav1.Time` parses.
pub(crate) const RFC3339: Layout = Layout {
    text: "2006-01-02T15:04:05Z07:00",
    chunks: &[
        Chunk::Year,
        Chunk::Lit("-"),
        Chunk::Month,
        Chunk::Lit("-"),
        Chunk::Day,
        Chunk::Lit("T"),
        Chunk::Hour,
        Chunk::Lit(":"),
        Chunk::Minute,
        Chunk::Lit(":"),
        Chunk::Second,
        Chunk::Zone,
    ],
};

/// `metav1.RFC3339Micro`, what `metav1.MicroTime` parses.
pub(crate) const RFC3339_MICRO: Layout = Layout {
    text: "2006-01-02T15:04:05.000000Z07:00",
    chunks: &[
        Chunk::Year,
        Chunk::Lit("-"),
        Chunk::Month,
        Chunk::Lit("-"),
        Chunk::Day,
        Chunk::Lit("T"),
        Chunk::Hour,
        Chunk::Lit(":"),
        Chunk::Minute,
        Chunk::Lit(":"),
        Chunk::Second,
        Chunk::Micros,
        Chunk::Zone,
    ],
};

/// Go's `time.quote`: double quotes, `"` and `\` escaped, other bytes
/// outside printable ASCII as `\xNN`.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for b in s.bytes() {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

/// `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    let d0 = b.first().filter(|c| c.is_ascii_digit())?;
    match b.get(1).filter(|c| c.is_ascii_digit()) {
        Some(d1) => Some((i64::from((d0 - b'0') * 10 + (d1 - b'0')), &s[2..])),
        None if fixed => None,
        None => Some((i64::from(d0 - b'0'), &s[1..])),
    }
}

/// `atoi`: an optional sign, then digits only.
fn atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses `value` with `layout` as Go's `time.Parse` does.
///
/// # Errors
/// Go's `ParseError` text.
pub(crate) fn parse(layout: &Layout, value: &str) -> Result<(), String> {
    let cannot = |elem: &str, rest: &str| {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(value),
            quote(layout.text),
            quote(rest),
            quote(elem)
        )
    };
    let out_of = |what: &str| format!("parsing time {}: {what} out of range", quote(value));
    let (mut year, mut month, mut day) = (0, 0, 0);
    let mut rest = value;
    for (i, chunk) in layout.chunks.iter().enumerate() {
        let hold = rest;
        let bad = || cannot(chunk.text(), hold);
        match *chunk {
            Chunk::Lit(l) => {
                // `skip` stops at the first differing byte.
                let same = rest
                    .bytes()
                    .zip(l.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                if same < l.len() {
                    return Err(cannot(l, &rest[same..]));
                }
                rest = &rest[l.len()..];
            }
            Chunk::Year => {
                let y = rest.get(..4).and_then(atoi).ok_or_else(bad)?;
                year = y;
                rest = &rest[4..];
            }
            Chunk::Month => {
                let (m, r) = getnum(rest, true).ok_or_else(bad)?;
                if !(1..=12).contains(&m) {
                    return Err(out_of("month"));
                }
                (month, rest) = (m, r);
            }
            Chunk::Day => (day, rest) = getnum(rest, true).ok_or_else(bad)?,
            Chunk::Hour => {
                let (h, r) = getnum(rest, false).ok_or_else(bad)?;
                if !(0..24).contains(&h) {
                    return Err(out_of("hour"));
                }
                rest = r;
            }
            Chunk::Minute => {
                let (m, r) = getnum(rest, true).ok_or_else(bad)?;
                if !(0..60).contains(&m) {
                    return Err(out_of("minute"));
                }
                rest = r;
            }
            Chunk::Second => {
                let (s, r) = getnum(rest, true).ok_or_else(bad)?;
                if !(0..60).contains(&s) {
                    return Err(out_of("second"));
                }
                rest = r;
                let b = rest.as_bytes();
                let next_is_micros = matches!(layout.chunks.get(i + 1), Some(Chunk::Micros));
                if b.len() >= 2
                    && matches!(b[0], b'.' | b',')
                    && b[1].is_ascii_digit()
                    && !next_is_micros
                {
                    let n = 1 + b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                    rest = &rest[n..];
                }
            }
            Chunk::Micros => {
                let b = rest.as_bytes();
                if b.len() < 7 || !matches!(b[0], b'.' | b',') || atoi(&rest[1..7]).is_none() {
                    return Err(bad());
                }
                rest = &rest[7..];
            }
            Chunk::Zone => {
                if let Some(r) = rest.strip_prefix('Z') {
                    rest = r;
                    continue;
                }
                let b = rest.as_bytes();
                if b.len() < 6 || b[3] != b':' {
                    return Err(bad());
                }
                let hr = getnum(&rest[1..3], true);
                let mm = getnum(&rest[4..6], true);
                let (Some((hr, _)), Some((mm, _))) = (hr, mm) else {
                    return Err(bad());
                };
                if mm > 60 {
                    return Err(out_of("time zone offset minute"));
                }
                if hr > 24 {
                    return Err(out_of("time zone offset hour"));
                }
                if !matches!(b[0], b'+' | b'-') {
                    return Err(bad());
                }
                rest = &rest[6..];
            }
        }
    }
    if !rest.is_empty() {
        return Err(format!(
            "parsing time {}: extra text: {}",
            quote(value),
            quote(rest)
        ));
    }
    if day < 1 || day > days_in(month, year) {
        return Err(format!("parsing time {}: day out of range", quote(value)));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_go_accepts() {
        for ok in [
            "2024-01-01T00:00:00Z",
            "2024-02-29T23:59:59+01:00",
            "2024-01-01T00:00:00.123Z",
            "2024-01-01T7:00:00Z",
            "2024-01-01T00:00:00-24:00",
        ] {
            assert_eq!(parse(&RFC3339, ok), Ok(()), "{ok}");
        }
        assert_eq!(parse(&RFC3339_MICRO, "2024-01-01T00:00:00.123456Z"), Ok(()));
    }

    #[test]
    fn go_parse_errors() {
        let l = "\"2006-01-02T15:04:05Z07:00\"";
        for (bad, msg) in [
            (
                "abc",
                format!("parsing time \"abc\" as {l}: cannot parse \"abc\" as \"2006\""),
            ),
            (
                "",
                format!("parsing time \"\" as {l}: cannot parse \"\" as \"2006\""),
            ),
            (
                "2024-01-01",
                format!("parsing time \"2024-01-01\" as {l}: cannot parse \"\" as \"T\""),
            ),
            (
                "2024/01/01T00:00:00Z",
                format!(
                    "parsing time \"2024/01/01T00:00:00Z\" as {l}: cannot parse \"/01/01T00:00:00Z\" as \"-\""
                ),
            ),
            (
                "2024-1-01T00:00:00Z",
                format!(
                    "parsing time \"2024-1-01T00:00:00Z\" as {l}: cannot parse \"1-01T00:00:00Z\" as \"01\""
                ),
            ),
            (
                "2024-01-01T00:00:00",
                format!(
                    "parsing time \"2024-01-01T00:00:00\" as {l}: cannot parse \"\" as \"Z07:00\""
                ),
            ),
            (
                "2024-13-01T00:00:00Z",
                "parsing time \"2024-13-01T00:00:00Z\": month out of range".into(),
            ),
            (
                "2023-02-29T00:00:00Z",
                "parsing time \"2023-02-29T00:00:00Z\": day out of range".into(),
            ),
            (
                "2024-01-01T25:00:00Z",
                "parsing time \"2024-01-01T25:00:00Z\": hour out of range".into(),
            ),
            (
                "2024-01-01T00:00:00Zx",
                "parsing time \"2024-01-01T00:00:00Zx\": extra text: \"x\"".into(),
            ),
        ] {
            assert_eq!(parse(&RFC3339, bad).unwrap_err(), msg, "{bad}");
        }
        assert_eq!(
            parse(&RFC3339_MICRO, "2024-01-01T00:00:00Z").unwrap_err(),
            "parsing time \"2024-01-01T00:00:00Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"Z\" as \".000000\""
        );
    }
}
