//! List and watch query strings, as they arrive in a URL.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(q) = std::str::from_utf8(data) {
        let _ = client_testserver::fuzzing::list_query(q);
    }
});
