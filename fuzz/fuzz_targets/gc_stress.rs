//! Fuzz target: the garbage collector's self-differential check (src/gc_stress.rs). A random GC
//! module runs in a store that rarely collects and in one whose tiny heap makes nearly every
//! allocation collect; they must compute the same, and under AddressSanitizer a collector that
//! frees a live object is caught at the first read of it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wasmlift_fuzz::capi::wasm_engine_t;
use wasmlift_fuzz::gc_stress;

struct Engines([*mut wasm_engine_t; 2]);
// SAFETY: libFuzzer runs the target on one thread (-jobs starts processes, not threads).
unsafe impl Send for Engines {}
unsafe impl Sync for Engines {}
static ENGINES: OnceLock<Engines> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some((&knobs, rest)) = data.split_first() else { return };
    let engines = &ENGINES.get_or_init(|| Engines([gc_stress::engine(false), gc_stress::engine(true)])).0;
    let mut u = arbitrary::Unstructured::new(rest);
    let Some(wasm) = gc_stress::module(&mut u) else { return };
    let limit = [512, 1024, 4096, 32768][(knobs & 3) as usize];
    let engine = engines[(knobs >> 2 & 1) as usize];
    if let Err(report) = gc_stress::check(engine, &wasm, limit) {
        panic!("{report}");
    }
});
