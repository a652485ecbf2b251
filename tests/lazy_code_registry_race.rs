//! Regression test for a crash the memory64 differential fuzzer found in the lazy and tiered
//! configurations (fuzz/src/bounds64.rs, `differential_long` with FUZZ_DIFF_BOUNDS64): a wasm
//! trap in a lazily compiled function killed the process (SIGILL or SIGSEGV) instead of ending
//! the call with a trap, now and then, while another thread dropped a lazily compiled module.
//! The dropping module unmapped its code region before unregistering the functions compiled
//! into it; the kernel handed the same addresses to a new module on another thread, whose first
//! function registered at the very start address the old one had; the old module's late
//! unregistration then removed the new function's entry, and the signal handler no longer knew
//! its trap sites. Threads here create lazy modules, trap in their functions and drop them, in a
//! tight loop; every call must end in the expected trap.

#[path = "../fuzz/src/capi.rs"]
#[allow(dead_code)]
mod capi;

use capi::*;
use std::time::{Duration, Instant};

const MODULE: &str = r#"(module
  (memory 1 1)
  (func (export "unreachable") (unreachable))
  (func (export "oob") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0))))"#;

fn i32v(x: i32) -> wasm_val_t {
    wasm_val_t { kind: WASM_I32, of: wasm_val_union { i32: x } }
}

/// Creates, calls (each call traps) and drops modules until `until`; returns the calls made.
fn churn(config: EngineConfig, wasm: &[u8], until: Instant) -> u64 {
    let engine = new_engine(config, false);
    let mut calls = 0;
    // SAFETY: every handle is created and deleted here, in order; calls get arguments and
    // result vectors of the exports' types.
    unsafe {
        let store = wasm_store_new(engine);
        while Instant::now() < until {
            let module = compile(store, wasm);
            assert!(!module.is_null(), "{}", last_error());
            let imports = wasm_extern_vec_t::empty();
            let mut trap = std::ptr::null_mut();
            let instance = wasm_instance_new(store, module, &imports, &mut trap);
            assert!(!instance.is_null());
            let mut exports = wasm_extern_vec_t::empty();
            wasm_instance_exports(instance, &mut exports);
            for (i, expected) in
                ["unreachable", "out of bounds memory access", "integer divide by zero"].iter().enumerate()
            {
                let f = wasm_extern_as_func(exports.as_slice()[i]);
                let mut args = if i == 0 { vec![] } else { vec![i32v(if i == 1 { 70_000 } else { 0 })] };
                let mut results = if i == 0 { vec![] } else { vec![zero_val(WASM_I32)] };
                let a = wasm_val_vec_t { size: args.len(), data: args.as_mut_ptr() };
                let mut r = wasm_val_vec_t { size: results.len(), data: results.as_mut_ptr() };
                let t = wasm_func_call(f, &a, &mut r);
                assert!(!t.is_null(), "no trap");
                assert_eq!(trap_message(t), *expected);
                wasm_trap_delete(t);
                calls += 1;
            }
            wasm_extern_vec_delete(&mut exports);
            wasm_instance_delete(instance);
            wasm_module_delete(module);
        }
        wasm_store_delete(store);
        wasm_engine_delete(engine);
    }
    calls
}

#[test]
fn traps_in_lazy_code_while_other_threads_drop_lazy_modules() {
    let wasm = wat2wasm(MODULE);
    let until = Instant::now() + Duration::from_secs(3);
    let threads: Vec<_> = [EngineConfig::Lazy, EngineConfig::Tiered, EngineConfig::Lazy, EngineConfig::Tiered]
        .into_iter()
        .map(|c| {
            let wasm = wasm.clone();
            std::thread::spawn(move || churn(c, &wasm, until))
        })
        .collect();
    let calls: u64 = threads.into_iter().map(|t| t.join().expect("a churning thread panicked")).sum();
    assert!(calls > 100, "only {calls} calls");
}
