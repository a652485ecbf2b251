//! Fuzz target 4: wasm-smith modules with host imports that trap, re-enter or delete things
//! (see src/hostile.rs).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wasmlift_fuzz::hostile::{Hostile, HostileCounters};

struct Shared(Hostile);
// SAFETY: libFuzzer calls the target from one thread only.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}
static HOSTILE: OnceLock<Shared> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let h = HOSTILE.get_or_init(|| Shared(Hostile::new()));
    h.0.run(data, &mut HostileCounters::default());
});
