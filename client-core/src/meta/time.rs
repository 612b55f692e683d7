//! Timestamps as the API writes them: [`Time`] (`metav1.Time`) and [`MicroTime`].

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

/// A point in time with second precision on the wire (`metav1.Time`).
///
/// Serializes as RFC 3339 in UTC with whole seconds (`2024-05-01T12:30:00Z`;
/// sub-second digits are dropped, as Go does). Parses any RFC 3339 timestamp,
/// with or without fractional seconds and with any offset.
///
/// ```
/// use client_core::Time;
///
/// let t: Time = "2024-05-01T14:30:00.75+02:00".parse().unwrap();
/// assert_eq!(t.to_string(), "2024-05-01T12:30:00Z");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub jiff::Timestamp);

/// A point in time with microsecond precision on the wire (`metav1.MicroTime`).
///
/// Serializes as RFC 3339 in UTC with exactly six fractional digits
/// (`2024-05-01T12:30:00.000000Z`). Parses any RFC 3339 timestamp.
///
/// ```
/// use client_core::MicroTime;
///
/// let t: MicroTime = "2024-05-01T12:30:00.1234567Z".parse().unwrap();
/// assert_eq!(t.to_string(), "2024-05-01T12:30:00.123456Z");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MicroTime(pub jiff::Timestamp);

/// The error for a string that is not an RFC 3339 timestamp.
#[derive(Debug, Clone, thiserror::Error)]
#[error("invalid RFC 3339 timestamp: {reason}")]
pub struct TimeParseError {
    reason: String,
}

fn parse_rfc3339(s: &str) -> Result<jiff::Timestamp, TimeParseError> {
    jiff::Timestamp::from_str(s).map_err(|e| TimeParseError {
        reason: e.to_string(),
    })
}

macro_rules! time_impls {
    ($ty:ident, $format:literal, $expecting:literal) => {
        impl $ty {
            /// The current time.
            pub fn now() -> Self {
                Self(jiff::Timestamp::now())
            }

            /// The wrapped timestamp.
            pub fn timestamp(&self) -> jiff::Timestamp {
                self.0
            }
        }

        impl From<jiff::Timestamp> for $ty {
            fn from(ts: jiff::Timestamp) -> Self {
                Self(ts)
            }
        }

        impl From<$ty> for jiff::Timestamp {
            fn from(t: $ty) -> Self {
                t.0
            }
        }

        impl FromStr for $ty {
            type Err = TimeParseError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_rfc3339(s).map(Self)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.strftime($format), f)
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct TimeVisitor;

                impl Visitor<'_> for TimeVisitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }

                    fn visit_str<E: de::Error>(self, s: &str) -> Result<$ty, E> {
                        s.parse().map_err(E::custom)
                    }
                }

                deserializer.deserialize_str(TimeVisitor)
            }
        }
    };
}

time_impls!(
    Time,
    "%Y-%m-%dT%H:%M:%SZ",
    "an RFC 3339 timestamp such as 2024-05-01T12:30:00Z"
);
time_impls!(
    MicroTime,
    "%Y-%m-%dT%H:%M:%S%.6fZ",
    "an RFC 3339 timestamp such as 2024-05-01T12:30:00.000000Z"
);
