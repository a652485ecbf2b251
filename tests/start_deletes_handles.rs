//! Regression test for a use-after-free the hostile-imports fuzzer found: a start function
//! calling a host function that deletes the store or module handle passed to
//! `wasm_instance_new` (which the README allows: "a host function may delete every handle")
//! left `wasm_instance_new` using the freed handles once the start function returned (a crash
//! in the epoch configuration). Instantiation must now finish normally.

#[path = "../fuzz/src/capi.rs"]
#[allow(dead_code)]
mod capi;

use capi::*;
use std::ffi::c_void;

struct Handles {
    store: *mut wasm_store_t,
    module: *mut wasm_module_t,
    delete_store: bool,
    delete_module: bool,
    calls: u32,
}

unsafe extern "C" fn delete_handles(
    env: *mut c_void,
    _args: *const wasm_val_vec_t,
    _results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    // SAFETY: env is the test's Handles, alive for the whole instantiation.
    let h = &mut *(env as *mut Handles);
    h.calls += 1;
    if h.delete_module && !h.module.is_null() {
        wasm_module_delete(h.module);
        h.module = std::ptr::null_mut();
    }
    if h.delete_store && !h.store.is_null() {
        wasm_store_delete(h.store);
        h.store = std::ptr::null_mut();
    }
    std::ptr::null_mut()
}

#[test]
fn the_start_function_may_delete_the_store_and_module_handles() {
    let wasm = wat2wasm(
        r#"(module
             (import "host" "f" (func $f))
             (memory (export "m") 1)
             (func $start (call $f) (i32.store (i32.const 8) (i32.const 42)))
             (start $start)
             (func (export "read") (result i32) (i32.load (i32.const 8))))"#,
    );
    for config in [EngineConfig::Default, EngineConfig::Epoch, EngineConfig::Lazy] {
        for (delete_store, delete_module) in [(true, false), (false, true), (true, true)] {
            // SAFETY: each handle is deleted exactly once, by the host function or below.
            unsafe {
                let engine = new_engine(config, false);
                let store = wasm_store_new(engine);
                wasmlift_store_set_epoch_deadline(store, 1000);
                let module = compile(store, &wasm);
                let mut h = Handles { store, module, delete_store, delete_module, calls: 0 };
                let mut imports_types = wasm_importtype_vec_t::empty();
                wasm_module_imports(module, &mut imports_types);
                let ft = wasm_externtype_as_functype_const(wasm_importtype_type(imports_types.as_slice()[0]));
                let f = wasm_func_new_with_env(
                    store,
                    ft,
                    Some(delete_handles),
                    &mut h as *mut Handles as *mut c_void,
                    None,
                );
                wasm_importtype_vec_delete(&mut imports_types);
                let mut externs = [wasm_func_as_extern(f)];
                let imports = wasm_extern_vec_t { size: 1, data: externs.as_mut_ptr() };
                let mut trap: *mut wasm_trap_t = std::ptr::null_mut();
                let instance = wasm_instance_new(store, module, &imports, &mut trap);
                assert!(trap.is_null(), "{}", trap_message(trap));
                assert!(!instance.is_null(), "{}", last_error());
                assert_eq!(h.calls, 1);
                // The instance works after its store and module handles are gone.
                let mut exports = wasm_extern_vec_t::empty();
                wasm_instance_exports(instance, &mut exports);
                let read = wasm_extern_as_func(exports.as_slice()[1]);
                let mut r = [zero_val(WASM_I32)];
                let args = wasm_val_vec_t::empty();
                let mut rv = wasm_val_vec_t { size: 1, data: r.as_mut_ptr() };
                assert!(wasm_func_call(read, &args, &mut rv).is_null());
                assert_eq!(r[0].of.i32, 42);
                wasm_extern_vec_delete(&mut exports);
                wasm_instance_delete(instance);
                wasm_func_delete(f);
                if !h.module.is_null() {
                    wasm_module_delete(h.module);
                }
                if !h.store.is_null() {
                    wasm_store_delete(h.store);
                }
                wasm_engine_delete(engine);
            }
        }
    }
}
