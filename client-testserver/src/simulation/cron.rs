//! CronJob schedules: the five-field grammar of robfig/cron (which kube's
//! CronJob controller uses): `*`, numbers, ranges `a-b`, steps `*/n` and
//! `a-b/n`, lists, month and weekday names, and the `@hourly`-style
//! macros. Times are UTC (`timeZone` is not simulated).

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// Why a schedule does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum CronError {
    /// Not five fields (nor a macro).
    #[error("expected exactly 5 fields, found {0}: {1}")]
    Fields(usize, String),
    /// A field holds something else than the grammar allows.
    #[error("failed to parse {0}: {1}")]
    Value(String, String),
}

/// A parsed schedule: the allowed values of each field as bit sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Schedule {
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    /// Both day fields were restricted: either may match (cron's rule).
    day_or: bool,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

fn value(text: &str, names: &[&str], offset: u32) -> Option<u32> {
    if let Ok(n) = text.parse() {
        return Some(n);
    }
    let lower = text.to_ascii_lowercase();
    names
        .iter()
        .position(|n| *n == lower)
        .map(|i| i as u32 + offset)
}

/// One field: the bit set of its values, and whether it was `*` or `?`.
fn field(text: &str, min: u32, max: u32, names: &[&str]) -> Result<(u64, bool), CronError> {
    let bad = || CronError::Value(text.to_string(), format!("want {min}-{max}"));
    let mut bits = 0u64;
    let mut star = false;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, Some(s.parse::<u32>().map_err(|_| bad())?)),
            None => (part, None),
        };
        let (lo, hi) = if range == "*" || range == "?" {
            star = step.is_none();
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (
                value(a, names, min).ok_or_else(bad)?,
                value(b, names, min).ok_or_else(bad)?,
            )
        } else {
            let v = value(range, names, min).ok_or_else(bad)?;
            (v, if step.is_some() { max } else { v })
        };
        let step = step.unwrap_or(1);
        if lo < min || hi > max || lo > hi || step == 0 {
            return Err(bad());
        }
        let mut v = lo;
        while v <= hi {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok((bits, star))
}

impl Schedule {
    /// Parses a schedule.
    ///
    /// # Errors
    /// [`CronError`] naming the field at fault.
    pub(crate) fn parse(text: &str) -> Result<Schedule, CronError> {
        let expanded = match text.trim() {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            other => other,
        };
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(CronError::Fields(fields.len(), text.to_string()));
        }
        let (minutes, _) = field(fields[0], 0, 59, &[])?;
        let (hours, _) = field(fields[1], 0, 23, &[])?;
        let (days, dom_star) = field(fields[2], 1, 31, &[])?;
        let (months, _) = field(fields[3], 1, 12, &MONTHS)?;
        let (mut weekdays, dow_star) = field(fields[4], 0, 7, &WEEKDAYS)?;
        if weekdays & (1 << 7) != 0 {
            weekdays |= 1;
        }
        Ok(Schedule {
            minutes,
            hours,
            days,
            months,
            weekdays,
            day_or: !dom_star && !dow_star,
        })
    }

    fn day_matches(&self, t: DateTime) -> bool {
        let dom = self.days & (1 << t.day()) != 0;
        let dow = self.weekdays & (1 << t.weekday().to_sunday_zero_offset()) != 0;
        if self.day_or { dom || dow } else { dom && dow }
    }

    /// The first scheduled minute strictly after `after`; `None` when
    /// there is none within five years (e.g. `0 0 30 2 *`).
    pub(crate) fn next_after(&self, after: Timestamp) -> Option<Timestamp> {
        let tz = TimeZone::UTC;
        let start = after.to_zoned(tz.clone()).datetime();
        let mut t = start
            .with()
            .second(0)
            .subsec_nanosecond(0)
            .build()
            .ok()?
            .checked_add(1.minute())
            .ok()?;
        let limit = start.checked_add(5.years()).ok()?;
        while t <= limit {
            if self.months & (1 << t.month()) == 0 || !self.day_matches(t) {
                t = t
                    .date()
                    .tomorrow()
                    .ok()?
                    .to_datetime(jiff::civil::Time::midnight());
                continue;
            }
            if self.hours & (1 << t.hour()) == 0 {
                t = t
                    .with()
                    .minute(0)
                    .build()
                    .ok()?
                    .checked_add(1.hour())
                    .ok()?;
                continue;
            }
            if self.minutes & (1 << t.minute()) == 0 {
                t = t.checked_add(1.minute()).ok()?;
                continue;
            }
            return t.to_zoned(tz).ok().map(|z| z.timestamp());
        }
        None
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn next(s: &str, after: &str) -> String {
        let t: Timestamp = after.parse().unwrap();
        Schedule::parse(s)
            .unwrap()
            .next_after(t)
            .unwrap()
            .to_string()
    }

    #[test]
    fn next_times_follow_the_grammar() {
        assert_eq!(
            next("* * * * *", "2030-01-01T00:00:30Z"),
            "2030-01-01T00:01:00Z"
        );
        assert_eq!(
            next("*/15 * * * *", "2030-01-01T00:01:00Z"),
            "2030-01-01T00:15:00Z"
        );
        assert_eq!(
            next("30 2 * * *", "2030-01-01T03:00:00Z"),
            "2030-01-02T02:30:00Z"
        );
        assert_eq!(
            next("@hourly", "2030-01-01T03:00:00Z"),
            "2030-01-01T04:00:00Z"
        );
        // 2030-01-01 is a Tuesday; the next Monday is the 7th.
        assert_eq!(
            next("0 9 * * mon", "2030-01-01T00:00:00Z"),
            "2030-01-07T09:00:00Z"
        );
        // Both day fields restricted: either matches.
        assert_eq!(
            next("0 0 15 * 1", "2030-01-01T00:00:00Z"),
            "2030-01-07T00:00:00Z"
        );
        assert_eq!(
            next("0 0 1 feb *", "2030-01-01T00:00:00Z"),
            "2030-02-01T00:00:00Z"
        );
        assert!(
            Schedule::parse("0 0 30 2 *")
                .unwrap()
                .next_after(Timestamp::UNIX_EPOCH)
                .is_none()
        );
        assert!(matches!(
            Schedule::parse("* * *"),
            Err(CronError::Fields(3, _))
        ));
        assert!(matches!(
            Schedule::parse("61 * * * *"),
            Err(CronError::Value(..))
        ));
    }
}
