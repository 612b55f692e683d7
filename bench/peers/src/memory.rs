//! Resident memory of this process, from `/proc/self/status` (Linux).

use crate::BenchError;

/// One reading of this process' memory, in KiB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Memory {
    /// Resident set size now (`VmRSS`).
    pub rss_kib: u64,
    /// Peak resident set size so far (`VmHWM`).
    pub hwm_kib: u64,
}

/// Reads `VmRSS` and `VmHWM` of this process.
pub fn read() -> Result<Memory, BenchError> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|e| BenchError::Memory(format!("/proc/self/status: {e}")))?;
    parse(&status)
}

/// Reads `VmRSS` and `VmHWM` out of the text of a `/proc/<pid>/status` file.
pub fn parse(status: &str) -> Result<Memory, BenchError> {
    Ok(Memory {
        rss_kib: field(status, "VmRSS:")?,
        hwm_kib: field(status, "VmHWM:")?,
    })
}

fn field(status: &str, name: &str) -> Result<u64, BenchError> {
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .ok_or_else(|| BenchError::Memory(format!("no {name} line")))?;
    let number = line.trim().trim_end_matches("kB").trim();
    number
        .parse()
        .map_err(|e| BenchError::Memory(format!("{name} {number:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_fields_in_kib() {
        let status = "Name:\tx\nVmHWM:\t  20480 kB\nVmRSS:\t   10240 kB\n";
        assert_eq!(
            parse(status).ok(),
            Some(Memory {
                rss_kib: 10240,
                hwm_kib: 20480
            })
        );
    }

    #[test]
    fn a_missing_field_is_an_error() {
        assert!(parse("VmRSS:\t1 kB\n").is_err());
    }

    #[test]
    fn this_process_has_memory() -> Result<(), BenchError> {
        let m = read()?;
        assert!(m.rss_kib > 0 && m.hwm_kib >= m.rss_kib);
        Ok(())
    }
}
