//! CPU time this process has used, from `getrusage(RUSAGE_SELF)`: user plus
//! system time of every thread, so a runtime's worker threads count too.

use std::time::Duration;

use crate::BenchError;

/// User plus system CPU time of this process so far.
#[allow(unsafe_code)]
pub fn cpu_time() -> Result<Duration, BenchError> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `usage` points to writable memory the size of a `rusage`;
    // getrusage only writes to it, and we read it only when it returned 0.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) };
    if rc != 0 {
        return Err(BenchError::Io(std::io::Error::last_os_error()));
    }
    // SAFETY: getrusage returned 0, so it filled the whole struct (and the
    // zeroed start already made every field a valid integer).
    let usage = unsafe { usage.assume_init() };
    Ok(timeval(usage.ru_utime) + timeval(usage.ru_stime))
}

/// A `timeval` as a duration (negative fields, which the kernel never
/// reports, count as zero).
fn timeval(t: libc::timeval) -> Duration {
    let secs = u64::try_from(t.tv_sec).unwrap_or(0);
    let micros = u64::try_from(t.tv_usec).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_micros(micros)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spinning_adds_cpu_time_and_sleeping_little() -> Result<(), BenchError> {
        // On a loaded machine spinning may get little of the CPU: spin until
        // the counter moved 20 ms, which must happen well within 20 s.
        let before = cpu_time()?;
        let start = std::time::Instant::now();
        let mut x = 0u64;
        while cpu_time()?.saturating_sub(before) < Duration::from_millis(20) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "CPU time never moved"
            );
            x = std::hint::black_box(x.wrapping_add(1));
        }
        let before_sleep = cpu_time()?;
        std::thread::sleep(Duration::from_millis(100));
        let slept = cpu_time()?.saturating_sub(before_sleep);
        assert!(slept < Duration::from_millis(50), "{slept:?} while asleep");
        Ok(())
    }
}
