//! Fuzz target 1: arbitrary bytes (and mutations of the valid seed modules) through
//! wasm_module_validate and wasm_module_new, which must agree and never crash.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wasmlift_fuzz::bytes::ByteTargets;

struct Shared(ByteTargets);
// SAFETY: libFuzzer runs the target on one thread (-jobs starts processes, not threads).
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}
static TARGETS: OnceLock<Shared> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    TARGETS.get_or_init(|| Shared(ByteTargets::new())).0.module_new(data);
});
