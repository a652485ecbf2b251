//! Fuzz target 2: mutations of serialized modules through wasm_module_deserialize, which
//! must reject everything that is not byte-identical to an authentic serialization.
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
    TARGETS.get_or_init(|| Shared(ByteTargets::new())).0.deserialize(data);
});
