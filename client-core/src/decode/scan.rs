//! [`ValueScan`]: finds where one JSON value ends, across chunk boundaries,
//! without parsing it.
//!
//! The scan follows only what decides a value's extent: string quotes and
//! their escapes, and the nesting of `{}` / `[]`. Everything else (numbers,
//! literals, mismatched brackets, control characters in strings) is left to
//! `serde_json`, which decodes the value once its bytes are complete. The
//! scan keeps a counter, never a stack, so nesting costs no memory; it still
//! stops at [`MAX_DEPTH`], the depth `serde_json` refuses anyway.

/// The deepest nesting a value may have (`serde_json`'s recursion limit):
/// deeper input is refused as soon as it is seen, not when its end arrives.
pub(crate) const MAX_DEPTH: u32 = 128;

/// Where a scan stands inside one value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Shape {
    /// No byte of the value seen yet.
    #[default]
    Unstarted,
    /// An object or array (possibly inside a string of it).
    Nested,
    /// A string at the top of the value.
    Text,
    /// A number or literal: it ends before a delimiter or whitespace.
    Bare,
}

/// How a scan step ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scanned {
    /// The value ends just before this index of the input.
    Complete(usize),
    /// The input ran out inside the value.
    NeedMore,
}

/// Nesting beyond [`MAX_DEPTH`], at this index of the scanned input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TooDeep(pub(crate) usize);

/// The state of a scan over one JSON value, kept between chunks.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ValueScan {
    shape: Shape,
    depth: u32,
    in_string: bool,
    escaped: bool,
}

impl ValueScan {
    /// Continues the scan at `input[pos..]` (`pos` is where the previous
    /// step stopped; the value's first byte is at or after it, whitespace
    /// already skipped).
    ///
    /// # Errors
    /// [`TooDeep`] when the nesting passes [`MAX_DEPTH`].
    pub(crate) fn step(&mut self, input: &[u8], mut pos: usize) -> Result<Scanned, TooDeep> {
        if self.shape == Shape::Unstarted {
            let Some(&first) = input.get(pos) else {
                return Ok(Scanned::NeedMore);
            };
            self.shape = match first {
                b'{' | b'[' => {
                    self.depth = 1;
                    Shape::Nested
                }
                b'"' => {
                    self.in_string = true;
                    Shape::Text
                }
                _ => Shape::Bare,
            };
            pos += 1;
        }
        match self.shape {
            Shape::Bare => Ok(bare_end(input, pos)),
            Shape::Text | Shape::Nested => self.nested(input, pos),
            Shape::Unstarted => Ok(Scanned::NeedMore),
        }
    }

    /// The scan of a string or a nested value from `pos`.
    fn nested(&mut self, input: &[u8], mut pos: usize) -> Result<Scanned, TooDeep> {
        while pos < input.len() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    pos += 1;
                    continue;
                }
                // Most bytes are inside strings: skip to the next quote or backslash.
                match find_quote_or_backslash(&input[pos..]) {
                    None => return Ok(Scanned::NeedMore),
                    Some(skip) => pos += skip,
                }
                if input[pos] == b'\\' {
                    self.escaped = true;
                } else {
                    self.in_string = false;
                    if self.depth == 0 {
                        return Ok(Scanned::Complete(pos + 1));
                    }
                }
                pos += 1;
                continue;
            }
            match input[pos] {
                b'"' => self.in_string = true,
                b'{' | b'[' => {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(TooDeep(pos));
                    }
                }
                b'}' | b']' => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        return Ok(Scanned::Complete(pos + 1));
                    }
                }
                _ => {}
            }
            pos += 1;
        }
        Ok(Scanned::NeedMore)
    }
}

/// The index of the first `"` or `\\` in `bytes`: eight bytes at a time
/// (a byte equal to the one sought becomes zero; the lowest zero byte of a
/// word is found exactly), the tail one by one.
fn find_quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = ONES << 7;
    const QUOTES: u64 = ONES * b'"' as u64;
    const BACKSLASHES: u64 = ONES * b'\\' as u64;
    let has_zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGHS;
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let mut le = [0u8; 8];
        le.copy_from_slice(word);
        let w = u64::from_le_bytes(le);
        let hits = has_zero(w ^ QUOTES) | has_zero(w ^ BACKSLASHES);
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&b| b == b'"' || b == b'\\')
        .map(|p| at + p)
}

/// Where a number or literal that continues at `pos` ends: before the next
/// delimiter or whitespace.
fn bare_end(input: &[u8], pos: usize) -> Scanned {
    let rest = input.get(pos..).unwrap_or_default();
    match rest
        .iter()
        .position(|&b| matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r'))
    {
        Some(at) => Scanned::Complete(pos + at),
        None => Scanned::NeedMore,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scans `input` fed in pieces split at `cuts`; the end as an index of the whole input.
    fn scan_split(input: &[u8], cut: usize) -> Result<Option<usize>, TooDeep> {
        let mut scan = ValueScan::default();
        let (head, _) = input.split_at(cut);
        match scan.step(head, 0)? {
            Scanned::Complete(end) => return Ok(Some(end)),
            Scanned::NeedMore => {}
        }
        match scan.step(input, cut)? {
            Scanned::Complete(end) => Ok(Some(end)),
            Scanned::NeedMore => Ok(None),
        }
    }

    #[test]
    fn finds_the_end_of_every_kind_of_value_at_every_split() {
        let cases: &[(&str, usize)] = &[
            (r#"{"a":"x}\"]","b":[1,{"c":null}]} ,"#, 32),
            (r#""a \\" tail"#, 6),
            (r#""\"\\\"" ,"#, 8),
            ("[[],{}]]", 7),
            ("123,", 3),
            ("null]", 4),
            ("true}", 4),
            ("-1.5e3 ", 6),
        ];
        for &(input, end) in cases {
            for cut in 0..=input.len() {
                assert_eq!(
                    scan_split(input.as_bytes(), cut),
                    Ok(Some(end)),
                    "{input:?} cut at {cut}"
                );
            }
        }
    }

    #[test]
    fn quotes_and_backslashes_are_found_at_every_position() {
        for len in 0..40 {
            for at in 0..=len {
                for (byte, other) in [(b'"', b'\\'), (b'\\', b'"')] {
                    // High bytes and near-misses around the one sought.
                    let mut bytes: Vec<u8> = (0..len)
                        .map(|i| [b'a', 0x80, 0xff, b'!', b']'][i % 5])
                        .collect();
                    if at < len {
                        bytes[at] = byte;
                        if at + 1 < len {
                            bytes[at + 1] = other;
                        }
                    }
                    let want = bytes.iter().position(|&b| b == b'"' || b == b'\\');
                    assert_eq!(find_quote_or_backslash(&bytes), want, "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn an_unfinished_value_needs_more() {
        for input in [r#"{"a":"#, r#""never closed"#, "[[]", "12", r#""\"#] {
            for cut in 0..=input.len() {
                assert_eq!(scan_split(input.as_bytes(), cut), Ok(None), "{input:?}");
            }
        }
    }

    #[test]
    fn nesting_stops_at_the_limit() {
        let limit = MAX_DEPTH as usize;
        let ok = format!("{}{}", "[".repeat(limit), "]".repeat(limit));
        assert_eq!(scan_split(ok.as_bytes(), 0), Ok(Some(ok.len())));
        let bomb = "[".repeat(1_000_000);
        assert_eq!(scan_split(bomb.as_bytes(), 7), Err(TooDeep(limit)));
        // Brackets inside strings do not nest.
        let quoted = format!("\"{}\"", "[".repeat(1000));
        assert_eq!(scan_split(quoted.as_bytes(), 500), Ok(Some(quoted.len())));
    }
}
