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

use capi::*;

fn gc_config() -> wasm_smith::Config {
    wasm_smith::Config {
        gc_enabled: true,
        // Every export is called; imports would need providers.
        max_imports: 0,
        max_instructions: 300,
        // Enough types that struct and array types come up in most modules.
        min_types: 6,
        max_types: 20,
        min_funcs: 2,
        ..smith::config_of(smith::Flavour::Wasm2)
    }
}

/// An engine with gc (and the typed references it builds on) switched on, compiled as `lazy`
/// says (baseline code on first call) or eagerly.
fn gc_engine(lazy: bool) -> *mut wasm_engine_t {
    // SAFETY: a fresh config handed to wasm_engine_new_with_config, which takes it over.
    unsafe {
        let c = wasm_config_new();
        wasmlift_config_compile_threads(c, 1);
        wasmlift_config_gc(c, true);
        if lazy {
            assert!(wasmlift_config_compilation(c, WASMLIFT_COMPILATION_LAZY));
        }
        let e = wasm_engine_new_with_config(c);
        assert!(!e.is_null());
        e
    }
}

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

/// Whether the module creates an array whose length is an `i32.const` above 2^20 (the operator
/// right before `array.new*`, in code or constant expressions): such modules are skipped, since
/// a few GiB-sized arrays filled element by element would exhaust the test machine (the store
/// limits that bound them belong to the embedder; tests/wast/gc.wast checks huge lengths).
fn has_huge_array(wasm: &[u8]) -> bool {
    use wasmparser::Operator as O;
    let huge = |ops: &mut dyn Iterator<Item = O>| {
        let mut large_before = false;
        for op in ops {
            let new_array = matches!(
                op,
                O::ArrayNew { .. } | O::ArrayNewDefault { .. } | O::ArrayNewData { .. } | O::ArrayNewElem { .. }
            );
            if new_array && large_before {
                return true;
            }
            large_before = matches!(op, O::I32Const { value } if value as u32 > 1 << 20);
        }
        false
    };
    let expr = |e: &wasmparser::ConstExpr| huge(&mut e.get_operators_reader().into_iter().flatten());
    wasmparser::Parser::new(0).parse_all(wasm).any(|p| match p {
        Ok(wasmparser::Payload::CodeSectionEntry(body)) => {
            body.get_operators_reader().is_ok_and(|r| huge(&mut r.into_iter().flatten()))
        }
        Ok(wasmparser::Payload::GlobalSection(r)) => r.into_iter().flatten().any(|g| expr(&g.init_expr)),
        Ok(wasmparser::Payload::ElementSection(r)) => r.into_iter().flatten().any(|e| match e.items {
            wasmparser::ElementItems::Expressions(_, exprs) => exprs.into_iter().flatten().any(|x| expr(&x)),
            _ => false,
        }),
        Ok(wasmparser::Payload::TableSection(r)) => r.into_iter().flatten().any(|t| match &t.init {
            wasmparser::TableInit::Expr(e) => expr(e),
            _ => false,
        }),
        _ => false,
    })
}

/// Whether the module declares a struct or array type.
fn uses_gc_types(wasm: &[u8]) -> bool {
    wasmparser::Parser::new(0).parse_all(wasm).any(|p| match p {
        Ok(wasmparser::Payload::TypeSection(r)) => r
            .into_iter()
            .flatten()
            .any(|g| g.types().any(|t| !matches!(t.composite_type.inner, wasmparser::CompositeInnerType::Func(_)))),
        _ => false,
    })
}

#[test]
fn gc_modules_run_without_crashing() {
    let seeds: u64 = std::env::var("WASMLIFT_FUZZ_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1) * 100;
    let (mut modules, mut calls, mut traps, mut gc_modules, mut skipped) = (0, 0, 0, 0, 0);
    for lazy in [false, true] {
        let engine = gc_engine(lazy);
        for seed in 0..seeds {
            let data = smith::seeded_bytes(seed, 8192);
            let mut u = arbitrary::Unstructured::new(&data);
            let Ok(mut m) = wasm_smith::Module::new(gc_config(), &mut u) else { continue };
            if m.ensure_termination(smith::TERMINATION_FUEL).is_err() {
                continue;
            }
            let wasm = m.to_bytes();
            if has_huge_array(&wasm) {
                skipped += 1;
                continue;
            }
            // How many modules really use GC (a struct or array type, or a GC instruction).
            if uses_gc_types(&wasm) {
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
         {skipped} skipped for huge arrays"
    );
    assert!(gc_modules > modules / 4, "the generator hardly produced GC types ({gc_modules} of {modules})");
}
