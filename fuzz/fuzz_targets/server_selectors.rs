//! Label and field selectors: `label \0 field`, matched against a fixed
//! ConfigMap.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (label, field) = text.split_once('\0').unwrap_or((text, ""));
    let obj = serde_json::json!({
        "metadata": {"name": "a", "namespace": "default", "labels": {"app": "web", "tier": "1"}}
    });
    let _ = client_testserver::fuzzing::selectors(label, field, &obj);
});
