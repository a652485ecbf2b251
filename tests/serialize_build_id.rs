//! Regression test for a finding of the deserialize fuzz target: serialized modules carried only
//! the package version, target and configuration as their fingerprint, so machine code
//! serialized by an older build of the same version (e.g. before a change of the runtime's
//! layouts) was loaded by a newer one — whoever shares a cache key across an upgrade would run
//! stale code against a runtime it was not compiled for. The fingerprint now includes a build
//! id (build.rs: a hash of src/, Cargo.lock and `rustc -vV`).
//! tests/data/serialized-by-an-older-build.bin was serialized (key `FUZZ_SERIALIZE_KEY`;
//! explicit bounds checks, multi-memory and tail calls) by a wasmlift 0.1.0 build from before
//! the 2026-12 refactor; every build since must refuse it.

#[path = "../fuzz/src/capi.rs"]
#[allow(dead_code)]
mod capi;

use capi::*;

#[test]
fn a_serialization_by_another_build_is_refused() {
    let old =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/serialized-by-an-older-build.bin")).unwrap();
    for (config, extra) in
        [(EngineConfig::Default, false), (EngineConfig::ExplicitBoundsChecks, true), (EngineConfig::Default, true)]
    {
        // SAFETY: every handle is created and deleted here, once.
        unsafe {
            let engine = new_engine(config, extra);
            let store = wasm_store_new(engine);
            let mut bytes = wasm_byte_vec_t::from_bytes(&old);
            let m = wasm_module_deserialize(store, &bytes);
            wasm_byte_vec_delete(&mut bytes);
            assert!(m.is_null(), "a module serialized by another build was loaded ({config:?}, extra {extra})");
            let e = last_error();
            // Refused by the format version (bumped when the layout changes), the build
            // fingerprint or the MAC, whichever differs first.
            assert!(
                e.contains("another wasmlift version") || e.contains("rejected") || e.contains("format version"),
                "{e}"
            );

            // This build still loads what it serialized itself (the test is not vacuous).
            let wasm = wat2wasm("(module (func (export \"f\") (result i32) i32.const 42))");
            let fresh = compile(store, &wasm);
            let mut ser = wasm_byte_vec_t::empty();
            wasm_module_serialize(fresh, &mut ser);
            let back = wasm_module_deserialize(store, &ser);
            assert!(!back.is_null(), "{}", last_error());
            wasm_module_delete(back);
            wasm_byte_vec_delete(&mut ser);
            wasm_module_delete(fresh);
            wasm_store_delete(store);
            wasm_engine_delete(engine);
        }
    }
}
