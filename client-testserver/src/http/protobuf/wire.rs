//! The protobuf wire format: keys, varints, fixed-width values and
//! length-delimited bytes, read from a borrowed buffer. Every read is
//! checked against the bytes that remain, so a length or a varint from a
//! hostile body can neither overrun the buffer nor allocate.

use super::Reason;

/// One value on the wire, by wire type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum WireValue<'a> {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 1: eight little-endian bytes.
    Fixed64(u64),
    /// Wire type 2: length-delimited bytes (strings, bytes, messages,
    /// packed repeated scalars).
    Bytes(&'a [u8]),
    /// Wire type 5: four little-endian bytes.
    Fixed32(u32),
}

impl WireValue<'_> {
    /// The wire type's number, for error messages.
    pub(crate) fn wire_type(&self) -> u8 {
        match self {
            WireValue::Varint(_) => 0,
            WireValue::Fixed64(_) => 1,
            WireValue::Bytes(_) => 2,
            WireValue::Fixed32(_) => 5,
        }
    }
}

/// The largest field number protobuf allows (2^29 - 1).
const MAX_FIELD_NUMBER: u64 = (1 << 29) - 1;

/// Reads the fields of one message in order.
pub(crate) struct Fields<'a> {
    buf: &'a [u8],
}

impl<'a> Fields<'a> {
    /// The fields of `buf`, which holds exactly one message.
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Fields { buf }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Reason> {
        if n > self.buf.len() {
            return Err(Reason::Truncated);
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    fn field(&mut self) -> Result<(u32, WireValue<'a>), Reason> {
        let key = varint(&mut self.buf)?;
        let number = key >> 3;
        let wire = u8::try_from(key & 7).unwrap_or(u8::MAX);
        if number == 0 || number > MAX_FIELD_NUMBER {
            return Err(Reason::IllegalTag { number, wire });
        }
        let value = match wire {
            0 => WireValue::Varint(varint(&mut self.buf)?),
            1 => {
                let b = self.take(8)?;
                WireValue::Fixed64(u64::from_le_bytes(
                    b.try_into().map_err(|_| Reason::Truncated)?,
                ))
            }
            2 => {
                let len = varint(&mut self.buf)?;
                let n = usize::try_from(len)
                    .ok()
                    .filter(|n| *n <= self.buf.len())
                    .ok_or(Reason::Length {
                        len,
                        available: self.buf.len(),
                    })?;
                WireValue::Bytes(self.take(n)?)
            }
            5 => {
                let b = self.take(4)?;
                WireValue::Fixed32(u32::from_le_bytes(
                    b.try_into().map_err(|_| Reason::Truncated)?,
                ))
            }
            other => return Err(Reason::UnsupportedWireType(other)),
        };
        // `number` is at most 2^29 - 1.
        Ok((u32::try_from(number).unwrap_or(u32::MAX), value))
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u32, WireValue<'a>), Reason>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.buf.is_empty() {
            return None;
        }
        let item = self.field();
        if item.is_err() {
            // One error ends the message.
            self.buf = &[];
        }
        Some(item)
    }
}

/// Reads one varint (at most ten bytes) from the front of `buf`.
///
/// # Errors
/// [`Reason::Truncated`] when `buf` ends inside it, [`Reason::VarintOverflow`]
/// when it does not end within ten bytes or overflows 64 bits.
pub(crate) fn varint(buf: &mut &[u8]) -> Result<u64, Reason> {
    let mut value = 0u64;
    for i in 0..10 {
        let (&b, rest) = buf.split_first().ok_or(Reason::Truncated)?;
        *buf = rest;
        // The tenth byte may only carry the 64th bit.
        if i == 9 && b > 1 {
            return Err(Reason::VarintOverflow);
        }
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(Reason::VarintOverflow)
}

/// The values of a packed repeated scalar field: varints (`wire` 0) or
/// fixed-width values (`wire` 1 or 5) back to back.
///
/// # Errors
/// As [`varint`]; a fixed-width run whose length is not a multiple of the
/// width is [`Reason::Truncated`].
pub(crate) fn packed<'a>(mut buf: &'a [u8], wire: u8) -> Result<Vec<WireValue<'a>>, Reason> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        let v = match wire {
            0 => WireValue::Varint(varint(&mut buf)?),
            1 => {
                let (head, rest) = buf.split_at_checked(8).ok_or(Reason::Truncated)?;
                buf = rest;
                WireValue::Fixed64(u64::from_le_bytes(
                    head.try_into().map_err(|_| Reason::Truncated)?,
                ))
            }
            _ => {
                let (head, rest) = buf.split_at_checked(4).ok_or(Reason::Truncated)?;
                buf = rest;
                WireValue::Fixed32(u32::from_le_bytes(
                    head.try_into().map_err(|_| Reason::Truncated)?,
                ))
            }
        };
        out.push(v);
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn all(buf: &[u8]) -> Result<Vec<(u32, WireValue<'_>)>, Reason> {
        Fields::new(buf).collect()
    }

    #[test]
    fn reads_each_wire_type() {
        let buf = [
            0x08, 0x96, 0x01, // 1: varint 150
            0x11, 1, 0, 0, 0, 0, 0, 0, 0, // 2: fixed64 1
            0x1a, 2, b'h', b'i', // 3: bytes "hi"
            0x25, 2, 0, 0, 0, // 4: fixed32 2
        ];
        assert_eq!(
            all(&buf).unwrap(),
            vec![
                (1, WireValue::Varint(150)),
                (2, WireValue::Fixed64(1)),
                (3, WireValue::Bytes(b"hi")),
                (4, WireValue::Fixed32(2)),
            ]
        );
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        // Truncated varint, key only, short fixed values.
        assert_eq!(all(&[0x08, 0x80]), Err(Reason::Truncated));
        assert_eq!(all(&[0x08]), Err(Reason::Truncated));
        assert_eq!(all(&[0x11, 1, 2]), Err(Reason::Truncated));
        assert_eq!(all(&[0x25, 1]), Err(Reason::Truncated));
        // A varint of eleven bytes, and one whose tenth byte overflows.
        assert_eq!(
            all(&[
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
            ]),
            Err(Reason::VarintOverflow)
        );
        assert_eq!(
            all(&[
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02
            ]),
            Err(Reason::VarintOverflow)
        );
        // Groups (3, 4) and the unused wire types 6 and 7.
        for wire in [3u8, 4, 6, 7] {
            assert_eq!(all(&[0x08 | wire]), Err(Reason::UnsupportedWireType(wire)));
        }
        // Field number 0.
        assert_eq!(
            all(&[0x02, 0]),
            Err(Reason::IllegalTag { number: 0, wire: 2 })
        );
        // A length far beyond the buffer, and the largest varint as a length.
        assert_eq!(
            all(&[0x0a, 5, b'a']),
            Err(Reason::Length {
                len: 5,
                available: 1
            })
        );
        let huge = [
            0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ];
        assert_eq!(
            all(&huge),
            Err(Reason::Length {
                len: u64::MAX,
                available: 0
            })
        );
    }

    #[test]
    fn the_largest_varint_reads() {
        let mut buf: &[u8] = &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(varint(&mut buf), Ok(u64::MAX));
        assert!(buf.is_empty());
    }

    #[test]
    fn packed_runs() {
        assert_eq!(
            packed(&[1, 0x96, 0x01], 0).unwrap(),
            vec![WireValue::Varint(1), WireValue::Varint(150)]
        );
        assert_eq!(
            packed(&[1, 0, 0, 0], 5).unwrap(),
            vec![WireValue::Fixed32(1)]
        );
        assert_eq!(packed(&[1, 0, 0], 5), Err(Reason::Truncated));
        assert_eq!(packed(&[0x80], 0), Err(Reason::Truncated));
    }
}
