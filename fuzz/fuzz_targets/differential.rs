//! Differential target: wasm-smith modules in wasmlift (every engine configuration) against the
//! wasmi oracle (see src/differential.rs). Set WASMLIFT_FUZZ_CONFIG=default|explicit-bounds-checks|
//! epoch|fuel to pin the configuration; otherwise the data picks it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use wasmlift_fuzz::capi::EngineConfig;
use wasmlift_fuzz::differential::{Counters, Differential};

struct Shared(Differential, Option<EngineConfig>, std::sync::Mutex<(Counters, u64, Option<std::time::Instant>)>);
// SAFETY: libFuzzer calls the target from one thread only.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}
static DIFF: OnceLock<Shared> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let d = DIFF.get_or_init(|| {
        let pinned = std::env::var("WASMLIFT_FUZZ_CONFIG").ok().map(|n| {
            *EngineConfig::ALL.iter().find(|c| c.name() == n).expect("unknown WASMLIFT_FUZZ_CONFIG")
        });
        Shared(Differential::new(), pinned, Default::default())
    });
    let mut counters = Counters::default();
    if let Err(div) = d.0.run(data, d.1, &mut counters) {
        panic!("divergence in configuration {}: {}", div.config.name(), div.what);
    }
    // Running totals on stderr (the fuzzer's log), every 1000 inputs.
    let mut total = d.2.lock().unwrap();
    let start = *total.2.get_or_insert_with(std::time::Instant::now);
    total.0.add(&counters);
    total.1 += 1;
    if total.1 % 1000 == 0 {
        eprintln!("DIFFERENTIAL inputs={} secs={} {:?}", total.1, start.elapsed().as_secs(), total.0);
    }
});
