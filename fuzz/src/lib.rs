//! Harness shared by wasmlift's fuzz targets (fuzz_targets/, libFuzzer on nightly) and by the
//! stable smoke test (tests/fuzz_smoke.rs includes this file by path). It drives the engine only
//! through its C API (`wasm_*`/`wasmlift_*`), never through internal Rust types, so that the
//! targets keep working while src/compiler and src/runtime change underneath.

pub mod api_sequence;
pub mod bounds64;
pub mod bytes;
pub mod capi;
pub mod differential;
pub mod gc_stress;
pub mod hostile;
pub mod oracle_bugs;
pub mod smith;
pub mod wasi_paths;
