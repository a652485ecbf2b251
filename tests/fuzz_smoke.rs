//! Robustness smoke test: random valid modules from `wasm-smith` (WebAssembly 2.0 features, made
//! to terminate with fuel) go through the same wasm.h entry points a C embedder uses — compile,
//! instantiate with host imports of every kind, call every exported function — and the process
//! must survive: every outcome is a module, a link error or a trap, never a crash. The seeds are
//! fixed, so a failure reproduces; `FUZZ_SMOKE_CASES` sets how many modules run (default 1000).

use arbitrary::Unstructured;
use std::ptr;
use wasmlift::capi::engine::*;
use wasmlift::capi::extensions::*;
use wasmlift::capi::func::*;
use wasmlift::capi::global::*;
use wasmlift::capi::instance::*;
use wasmlift::capi::memory::*;
use wasmlift::capi::module::*;
use wasmlift::capi::r#extern::*;
use wasmlift::capi::r#ref::*;
use wasmlift::capi::store::*;
use wasmlift::capi::table::*;
use wasmlift::capi::types::*;
use wasmlift::capi::val::*;
use wasmlift::capi::vec::{wasm_byte_vec_t, CVec};
use wasmlift::capi::vecs::*;

/// A host function that leaves its results zeroed (the engine pre-sets their kinds).
unsafe extern "C" fn zero_results(_args: *const wasm_val_vec_t, _results: *mut wasm_val_vec_t) -> *mut wasm_trap_t {
    ptr::null_mut()
}

fn zero_val(kind: wasm_valkind_t) -> wasm_val_t {
    wasm_val_t { kind, of: wasm_val_union { i64: 0 } }
}

fn smith_config() -> wasm_smith::Config {
    wasm_smith::Config {
        // Exactly the WebAssembly 2.0 feature set the engine runs by default.
        simd_enabled: true,
        relaxed_simd_enabled: false,
        reference_types_enabled: true,
        bulk_memory_enabled: true,
        multi_value_enabled: true,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        extended_const_enabled: true,
        gc_enabled: false,
        exceptions_enabled: false,
        memory64_enabled: false,
        threads_enabled: false,
        tail_call_enabled: false,
        wide_arithmetic_enabled: false,
        custom_page_sizes_enabled: false,
        compact_imports_enabled: false,
        max_memories: 1,
        max_tables: 3,
        max_memory32_bytes: 1 << 24,
        max_funcs: 30,
        min_funcs: 1,
        export_everything: true,
        ..wasm_smith::Config::default()
    }
}

/// One generated module: imports satisfied by host objects, every exported function called
/// with zero arguments. Returns (compiled, instantiated, calls, traps).
unsafe fn run_one(store: *mut wasm_store_t, bytes: &[u8]) -> (bool, bool, usize, usize) {
    let binary = wasm_byte_vec_t::from_bytes(bytes);
    let module = wasm_module_new(store, &binary);
    let mut binary = binary;
    wasm_byte_vec_delete(&mut binary);
    if module.is_null() {
        return (false, false, 0, 0);
    }
    let mut import_types = wasm_importtype_vec_t { size: 0, data: ptr::null_mut() };
    wasm_module_imports(module, &mut import_types);
    let mut externs: Vec<*mut wasm_extern_t> = Vec::new();
    for it in import_types.as_slice() {
        let ty = wasm_importtype_type(*it);
        let ext = match wasm_externtype_kind(ty) {
            0 => wasm_func_as_extern(wasm_func_new(store, wasm_externtype_as_functype_const(ty), Some(zero_results))),
            1 => {
                let gt = wasm_externtype_as_globaltype_const(ty);
                let v = zero_val(wasm_valtype_kind(wasm_globaltype_content(gt)));
                wasm_global_as_extern(wasm_global_new(store, gt, &v))
            }
            2 => wasm_table_as_extern(wasm_table_new(store, wasm_externtype_as_tabletype_const(ty), ptr::null_mut())),
            _ => wasm_memory_as_extern(wasm_memory_new(store, wasm_externtype_as_memorytype_const(ty))),
        };
        externs.push(ext);
    }
    wasm_importtype_vec_delete(&mut import_types);
    let imports = wasm_extern_vec_t { size: externs.len(), data: externs.as_mut_ptr() };
    let mut trap: *mut wasm_trap_t = ptr::null_mut();
    let instance = wasm_instance_new(store, module, &imports, &mut trap);
    for e in externs {
        wasm_extern_delete(e);
    }
    if !trap.is_null() {
        wasm_trap_delete(trap);
    }
    let (mut calls, mut traps) = (0, 0);
    if !instance.is_null() {
        let mut exports = wasm_extern_vec_t { size: 0, data: ptr::null_mut() };
        wasm_instance_exports(instance, &mut exports);
        for e in exports.as_slice() {
            let f = wasm_extern_as_func(*e);
            if f.is_null() {
                continue;
            }
            let ft = wasm_func_type(f);
            let params: Vec<wasm_valkind_t> =
                (*wasm_functype_params(ft)).as_slice().iter().map(|t| wasm_valtype_kind(*t)).collect();
            let results: Vec<wasm_valkind_t> =
                (*wasm_functype_results(ft)).as_slice().iter().map(|t| wasm_valtype_kind(*t)).collect();
            wasm_functype_delete(ft);
            let t = if params.iter().chain(results.iter()).any(|k| *k == WASM_V128) {
                if params.iter().chain(results.iter()).any(|k| *k >= WASM_EXTERNREF) {
                    continue;
                }
                let mut slots = vec![wasmlift_v128_slot_t { bytes: [0; 16] }; params.len().max(results.len()).max(1)];
                wasmlift_func_call_v128(f, slots.as_mut_ptr(), slots.len())
            } else {
                let mut args: Vec<wasm_val_t> = params.iter().map(|k| zero_val(*k)).collect();
                let mut outs: Vec<wasm_val_t> = results.iter().map(|k| zero_val(*k)).collect();
                let a = wasm_val_vec_t { size: args.len(), data: args.as_mut_ptr() };
                let mut r = wasm_val_vec_t { size: outs.len(), data: outs.as_mut_ptr() };
                let t = wasm_func_call(f, &a, &mut r);
                if t.is_null() {
                    for v in outs.iter_mut() {
                        wasm_val_delete(v);
                    }
                }
                t
            };
            calls += 1;
            if !t.is_null() {
                traps += 1;
                wasm_trap_delete(t);
            }
        }
        wasm_extern_vec_delete(&mut exports);
        wasm_instance_delete(instance);
    }
    wasm_module_delete(module);
    (true, !instance.is_null(), calls, traps)
}

#[test]
fn random_modules_never_crash_the_host() {
    let cases: u64 = std::env::var("FUZZ_SMOKE_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let (mut compiled, mut instantiated, mut calls, mut traps) = (0, 0, 0, 0);
    unsafe {
        let engine = wasm_engine_new();
        let store = wasm_store_new(engine);
        for seed in 0..cases {
            // A deterministic byte stream per seed (xorshift), enough for wasm-smith's choices.
            let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
            let bytes: Vec<u8> = (0..16 * 1024)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 24) as u8
                })
                .collect();
            let mut u = Unstructured::new(&bytes);
            let Ok(mut module) = wasm_smith::Module::new(smith_config(), &mut u) else { continue };
            if module.ensure_termination(10_000).is_err() {
                continue;
            }
            let wasm = module.to_bytes();
            let (c, i, n, t) = run_one(store, &wasm);
            assert!(c, "seed {seed}: a valid WebAssembly 2.0 module was rejected: {}", std::ffi::CStr::from_ptr(wasmlift_error_message()).to_string_lossy());
            compiled += c as usize;
            instantiated += i as usize;
            calls += n;
            traps += t;
        }
        wasm_store_delete(store);
        wasm_engine_delete(engine);
    }
    println!("fuzz smoke: {cases} seeds, {compiled} compiled, {instantiated} instantiated, {calls} calls ({traps} trapped)");
    assert!(compiled > cases as usize / 2, "too few modules generated");
}
