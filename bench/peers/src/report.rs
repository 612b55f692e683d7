//! The result lines a side prints and `run.py` reads: `RESULT <metric> <value>`.

/// Prints one metric as `RESULT <name> <value>` on stdout.
pub fn result(name: &str, value: f64) {
    println!("RESULT {name} {value:.3}");
}

/// Kibibytes as mebibytes.
pub fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// Kibibytes gained between two readings, as mebibytes (0 when it shrank).
pub fn mib_between(before_kib: u64, after_kib: u64) -> f64 {
    mib(after_kib.saturating_sub(before_kib))
}
