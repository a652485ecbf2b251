//! Fuzz target 5: WASI path calls with hostile paths against a preopened temporary directory;
//! nothing outside it may change (see src/wasi_paths.rs).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wasmlift_fuzz::capi::{new_engine, wasm_engine_t, EngineConfig};

struct Shared(*mut wasm_engine_t);
// SAFETY: libFuzzer calls the target from one thread only.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}
static ENGINE: OnceLock<Shared> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let e = ENGINE.get_or_init(|| Shared(new_engine(EngineConfig::Default, false)));
    wasmlift_fuzz::wasi_paths::run(data, e.0);
});
