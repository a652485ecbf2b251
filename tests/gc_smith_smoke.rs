//! Crash-only smoke test of the GC instructions: random valid modules from wasm-smith with the
//! gc proposal on (structs, arrays, i31, casts, GC types in globals, tables and segments) must
//! compile, and instantiating them and calling every export with zero/null arguments must end
//! in results or traps — never a crash, a rejected valid module or a wrong result count. No
//! oracle runs GC, so results are not compared (tests/wast/gc.wast checks values).

#[path = "../fuzz/src/capi.rs"]
#[allow(dead_code)]
mod capi;
#[path = "../fuzz/src/smith.rs"]
#[allow(dead_code)]
mod smith;
#[path = "../fuzz/src/gc_stress.rs"]
mod gc_stress;

use capi::*;

/// Instantiates `wasm` and calls each exported function once; returns (calls, traps).
///
/// # Safety
/// `store` is a live store of a gc engine.
unsafe fn run(store: *mut wasm_store_t, wasm: &[u8]) -> (usize, usize) {
    let module = compile(store, wasm);
    assert!(!module.is_null(), "a valid GC module was rejected: {}", last_error());
    let imports = wasm_extern_vec_t::empty();
    let mut trap = null_trap();
    // SAFETY (this block and below): live objects of this store, vectors we own and delete.
    let instance = unsafe { wasm_instance_new(store, module, &imports, &mut trap) };
    let (mut calls, mut traps) = (0, 0);
    if instance.is_null() {
        // A trapping initialiser or start function (wasm-smith's termination fuel included).
        if !trap.is_null() {
            unsafe { wasm_trap_delete(trap) };
        }
        unsafe { wasm_module_delete(module) };
        return (0, 1);
    }
    let mut exports = wasm_extern_vec_t::empty();
    unsafe { wasm_instance_exports(instance, &mut exports) };
    for &e in unsafe { exports.as_slice() } {
        let f = unsafe { wasm_extern_as_func(e) };
        if f.is_null() {
            continue;
        }
        let ft = unsafe { wasm_func_type(f) };
        let params: Vec<wasm_valkind_t> = unsafe { (*wasm_functype_params(ft)).as_slice() }
            .iter()
            .map(|t| unsafe { wasm_valtype_kind(*t) })
            .collect();
        let results: Vec<wasm_valkind_t> = unsafe { (*wasm_functype_results(ft)).as_slice() }
            .iter()
            .map(|t| unsafe { wasm_valtype_kind(*t) })
            .collect();
        unsafe { wasm_functype_delete(ft) };
        if params.iter().chain(&results).any(|k| *k == WASMLIFT_V128) {
            continue;
        }
        let mut args: Vec<wasm_val_t> = params.iter().map(|k| zero_val(*k)).collect();
        let mut outs: Vec<wasm_val_t> = results.iter().map(|k| zero_val(*k)).collect();
        let a = wasm_val_vec_t { size: args.len(), data: args.as_mut_ptr() };
        let mut r = wasm_val_vec_t { size: outs.len(), data: outs.as_mut_ptr() };
        let t = unsafe { wasm_func_call(f, &a, &mut r) };
        calls += 1;
        if t.is_null() {
            for (v, k) in outs.iter_mut().zip(&results) {
                assert_eq!(v.kind, *k, "result kind");
                unsafe { wasm_val_delete(v) };
            }
        } else {
            traps += 1;
            unsafe { wasm_trap_delete(t) };
        }
    }
    unsafe {
        wasm_extern_vec_delete(&mut exports);
        wasm_instance_delete(instance);
        wasm_module_delete(module);
    }
    (calls, traps)
}

#[test]
fn gc_modules_run_without_crashing() {
    let seeds: u64 = std::env::var("WASMLIFT_FUZZ_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1) * 100;
    let (mut modules, mut calls, mut traps, mut gc_modules, mut skipped) = (0, 0, 0, 0, 0);
    for lazy in [false, true] {
        let engine = gc_stress::engine(lazy);
        for seed in 0..seeds {
            let data = smith::seeded_bytes(seed, 8192);
            let mut u = arbitrary::Unstructured::new(&data);
            let Some(wasm) = gc_stress::module(&mut u) else {
                skipped += 1;
                continue;
            };
            // How many modules really use GC (a struct or array type, or a GC instruction).
            if gc_stress::uses_gc_types(&wasm) {
                gc_modules += 1;
            }
            // SAFETY: a fresh store of a live engine, deleted after the run.
            unsafe {
                let store = wasm_store_new(engine);
                let (c, t) = run(store, &wasm);
                wasm_store_delete(store);
                calls += c;
                traps += t;
            }
            modules += 1;
        }
        // SAFETY: every store of the engine is gone.
        unsafe { wasm_engine_delete(engine) };
    }
    println!(
        "gc smoke: {modules} modules ({gc_modules} with struct/array types), {calls} calls, {traps} traps; \
         {skipped} not generated or skipped for huge arrays"
    );
    assert!(gc_modules > modules / 4, "the generator hardly produced GC types ({gc_modules} of {modules})");
}

/// The collector's self-differential check (fuzz/src/gc_stress.rs): every module computes the
/// same in a store that rarely collects and in one whose tiny heap makes nearly every
/// allocation collect, with a forced collection between calls.
#[test]
fn collections_do_not_change_what_gc_modules_compute() {
    let seeds: u64 = std::env::var("WASMLIFT_FUZZ_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1) * 100;
    let engines = [gc_stress::engine(false), gc_stress::engine(true)];
    let (mut modules, mut collecting) = (0, 0);
    for seed in 0..seeds {
        let data = smith::seeded_bytes(1_000_000 + seed, 8192);
        let mut u = arbitrary::Unstructured::new(&data);
        let Some(wasm) = gc_stress::module(&mut u) else { continue };
        let limit = [1024, 4096, 32768][(seed % 3) as usize];
        let lazy = seed / 3 % 2 == 1;
        if std::env::var_os("GC_STRESS_VERBOSE").is_some() {
            eprintln!("seed {seed} lazy {lazy} limit {limit}");
            if let Ok(dir) = std::env::var("GC_STRESS_SAVE") {
                std::fs::write(format!("{dir}/gc-stress-{seed}.wasm"), &wasm).expect("saving the module");
            }
        }
        let collections = gc_stress::check(engines[lazy as usize], &wasm, limit).unwrap_or_else(|e| {
            if let Ok(dir) = std::env::var("GC_STRESS_SAVE") {
                std::fs::write(format!("{dir}/gc-stress-{seed}.wasm"), &wasm).expect("saving the module");
            }
            panic!("seed {seed} (lazy: {lazy}): {e}")
        });
        modules += 1;
        if collections > 0 {
            collecting += 1;
        }
    }
    for e in engines {
        // SAFETY: every store of the engine is gone.
        unsafe { wasm_engine_delete(e) };
    }
    println!("gc self-differential: {modules} modules, {collecting} collected during calls as well");
    assert!(modules > seeds as usize / 2, "{modules} modules of {seeds} seeds");
}
