//! libFuzzer target: what `sigc check` and `sigc build --target all` do with one file's bytes.
#![no_main]

#[path = "../harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::check_and_build(data));
