//! Regression test for a hang the differential fuzzer found: `wasmlift_module_wait_for_tier_up`
//! on a tiered module none of whose functions had been called waited forever (the whole-module
//! tier-up was only queued by a function's first call). It must return, with every function
//! optimised.

#[path = "../fuzz/src/capi.rs"]
#[allow(dead_code)]
mod capi;

use capi::*;

#[test]
fn waiting_for_the_tier_up_of_a_module_never_called_returns() {
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let wasm = wat2wasm(
            r#"(module
                 (func (export "a") (result i32) i32.const 1)
                 (func (export "b") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3))))"#,
        );
        // SAFETY: every handle is created and deleted here, once.
        unsafe {
            let engine = new_engine(EngineConfig::Tiered, false);
            let store = wasm_store_new(engine);
            let module = compile(store, &wasm);
            assert!(!module.is_null(), "{}", last_error());
            // No function has run: no tier-up was queued by a call.
            wasmlift_module_wait_for_tier_up(module);
            let (mut total, mut compiled, mut optimized, mut compilations) = (0, 0, 0, 0);
            assert!(wasmlift_module_compilation_stats(
                module,
                &mut total,
                &mut compiled,
                &mut optimized,
                &mut compilations
            ));
            assert_eq!((total, optimized), (2, 2));
            wasm_module_delete(module);
            wasm_store_delete(store);
            wasm_engine_delete(engine);
        }
        done.send(()).unwrap();
    });
    finished
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("wasmlift_module_wait_for_tier_up did not return");
}
