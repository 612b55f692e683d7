//! The server's request body decoders: the first byte picks JSON, YAML or
//! protobuf, the rest is the body.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((which, body)) = data.split_first() else {
        return;
    };
    let ct = match which % 3 {
        0 => "application/json",
        1 => "application/yaml",
        _ => "application/vnd.kubernetes.protobuf",
    };
    let _ = client_testserver::fuzzing::decode_body(ct, body);
});
