//! The client's ExecCredential parser over arbitrary plugin stdout.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = client_core::fuzzing::exec_credential(data);
});
