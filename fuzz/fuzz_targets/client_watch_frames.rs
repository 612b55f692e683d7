//! The client's watch frame decoder: the input is cut into chunks at each
//! 0xFF byte (chunk boundaries anywhere), every frame is decoded as an
//! event of a dynamic object.
#![no_main]
use client_core::bench_internals::{FrameDecoder, decode_event};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut decoder = FrameDecoder::with_max_frame_len(64 * 1024);
    for chunk in data.split(|b| *b == 0xFF) {
        decoder.push(chunk);
        loop {
            match decoder.next_frame() {
                Ok(Some(frame)) => {
                    let _ = decode_event::<serde_json::Value>(&frame);
                }
                Ok(None) | Err(_) => break,
            }
        }
    }
    let _ = decoder.finish();
});
