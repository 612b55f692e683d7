//! The server's protobuf message decoder: the first two bytes pick one of
//! the built-in kinds (by name order), the rest is that kind's message.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((selector, raw)) = data.split_first_chunk::<2>() else {
        return;
    };
    let _ = client_testserver::fuzzing::protobuf_object(u16::from_le_bytes(*selector), raw);
});
