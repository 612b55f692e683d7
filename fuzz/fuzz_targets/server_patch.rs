//! Patch application: the input is `doc \0 patch`; the first byte picks a
//! JSON patch or a merge patch (both are also server-side applied).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((which, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.splitn(2, |b| *b == 0);
    let (Some(doc), Some(patch)) = (parts.next(), parts.next()) else {
        return;
    };
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(doc) else {
        return;
    };
    let _ = client_testserver::fuzzing::patch(&doc, patch, which % 2 == 0);
});
