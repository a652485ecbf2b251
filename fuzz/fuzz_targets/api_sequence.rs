//! Fuzz target 3: random sequences of C API calls (see src/api_sequence.rs).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    wasmlift_fuzz::api_sequence::run(data);
});
