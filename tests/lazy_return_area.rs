//! Regression test for a crash the differential fuzzer found in the lazy configuration: the
//! first call of a function with more results than the calling convention returns in registers
//! (more than 8 integer or 8 float/vector results: the results go through a return area whose
//! pointer is the first argument, moving the vmctx to the second) reached the lazy-compile stub,
//! which took the return-area pointer for the vmctx and crashed. Each function is called first
//! from the host, from wasm (`call`) and through a table (`call_indirect`), in the lazy and
//! tiered configurations, and must return the right values.

#[path = "../fuzz/src/capi.rs"]
#[allow(dead_code)]
mod capi;

use capi::*;

/// f64 results: 10 values (return area); i64: 9 (return area); 8 + 8 (registers only).
const MODULE: &str = r#"(module
  (type $f10 (func (param f64) (result f64 f64 f64 f64 f64 f64 f64 f64 f64 f64)))
  (type $i9 (func (param i64) (result i64 i64 i64 i64 i64 i64 i64 i64 i64)))
  (func $f10 (export "f10") (type $f10)
    (local.get 0) (f64.const 1) (f64.const 2) (f64.const 3) (f64.const 4)
    (f64.const 5) (f64.const 6) (f64.const 7) (f64.const 8) (f64.add (local.get 0) (f64.const 9)))
  (func $i9 (export "i9") (type $i9)
    (local.get 0) (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4)
    (i64.const 5) (i64.const 6) (i64.const 7) (i64.mul (local.get 0) (i64.const 8)))
  (func $mixed (export "mixed") (param i32 f32) (result i32 i32 i32 i32 i32 i32 i32 i32 f32 f32 f32 f32 f32 f32 f32 f32)
    (local.get 0) (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5) (i32.const 6) (i32.const 7)
    (local.get 1) (f32.const 1) (f32.const 2) (f32.const 3) (f32.const 4) (f32.const 5) (f32.const 6) (f32.const 7))
  (table funcref (elem $f10 $i9))
  ;; Sums of all results, computed in wasm after a direct call and after an indirect one.
  (func (export "sum_f10_call") (param f64) (result f64)
    (local $a f64) (local $b f64) (local $c f64) (local $d f64) (local $e f64)
    (local $f f64) (local $g f64) (local $h f64) (local $i f64) (local $j f64)
    (call $f10 (local.get 0))
    (local.set $j) (local.set $i) (local.set $h) (local.set $g) (local.set $f)
    (local.set $e) (local.set $d) (local.set $c) (local.set $b) (local.set $a)
    (f64.add (local.get $a) (f64.add (local.get $b) (f64.add (local.get $c) (f64.add (local.get $d)
      (f64.add (local.get $e) (f64.add (local.get $f) (f64.add (local.get $g) (f64.add (local.get $h)
      (f64.add (local.get $i) (local.get $j)))))))))))
  (func (export "last_i9_indirect") (param i64) (result i64)
    (call_indirect (type $i9) (local.get 0) (i32.const 1))
    (return)))"#;

unsafe fn call(f: *const wasm_func_t, args: &[wasm_val_t], nresults: usize) -> Vec<wasm_val_t> {
    let mut a = args.to_vec();
    let mut r = vec![zero_val(WASM_I32); nresults];
    let av = wasm_val_vec_t { size: a.len(), data: a.as_mut_ptr() };
    let mut rv = wasm_val_vec_t { size: r.len(), data: r.as_mut_ptr() };
    let t = wasm_func_call(f, &av, &mut rv);
    assert!(t.is_null(), "trap: {}", trap_message(t));
    r
}

fn f64v(x: f64) -> wasm_val_t {
    wasm_val_t { kind: WASM_F64, of: wasm_val_union { f64: x } }
}
fn i64v(x: i64) -> wasm_val_t {
    wasm_val_t { kind: WASM_I64, of: wasm_val_union { i64: x } }
}

/// Runs every export once, the first call of each function coming from `first`.
fn run(config: EngineConfig, first: &str) {
    let wasm = wat2wasm(MODULE);
    // SAFETY: every handle is created and deleted here, once.
    unsafe {
        let engine = new_engine(config, false);
        let store = wasm_store_new(engine);
        let module = compile(store, &wasm);
        assert!(!module.is_null(), "{}", last_error());
        let imports = wasm_extern_vec_t::empty();
        let instance = wasm_instance_new(store, module, &imports, std::ptr::null_mut());
        assert!(!instance.is_null(), "{}", last_error());
        let mut exports = wasm_extern_vec_t::empty();
        wasm_instance_exports(instance, &mut exports);
        let e = |i: usize| wasm_extern_as_func(exports.as_slice()[i]);
        let (f10, i9, mixed, sum_call, last_indirect) = (e(0), e(1), e(2), e(3), e(4));
        let check_wasm_callers = || {
            assert_eq!(call(sum_call, &[f64v(0.5)], 1)[0].of.f64, 0.5 + 36.0 + 9.5);
            assert_eq!(call(last_indirect, &[i64v(5)], 1)[0].of.i64, 40);
        };
        if first == "wasm" {
            check_wasm_callers();
        }
        let r = call(f10, &[f64v(2.0)], 10);
        assert_eq!(r.iter().map(|v| v.of.f64).collect::<Vec<_>>(), [2.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 11.0]);
        let r = call(i9, &[i64v(3)], 9);
        assert_eq!(r.iter().map(|v| v.of.i64).collect::<Vec<_>>(), [3, 1, 2, 3, 4, 5, 6, 7, 24]);
        let r = call(
            mixed,
            &[
                wasm_val_t { kind: WASM_I32, of: wasm_val_union { i32: 9 } },
                wasm_val_t { kind: WASM_F32, of: wasm_val_union { f32: 0.5 } },
            ],
            16,
        );
        assert_eq!(r[0].of.i32, 9);
        assert_eq!(r[7].of.i32, 7);
        assert_eq!(r[8].of.f32, 0.5);
        assert_eq!(r[15].of.f32, 7.0);
        if first != "wasm" {
            check_wasm_callers();
        }
        wasm_extern_vec_delete(&mut exports);
        wasm_instance_delete(instance);
        wasm_module_delete(module);
        wasm_store_delete(store);
        wasm_engine_delete(engine);
    }
}

#[test]
fn functions_returning_through_a_return_area_compile_lazily() {
    for config in [EngineConfig::Lazy, EngineConfig::Tiered, EngineConfig::Default] {
        for first in ["host", "wasm"] {
            run(config, first);
        }
    }
}
