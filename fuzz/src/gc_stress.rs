//! Self-differential testing of the garbage collector: a random GC module (wasm-smith with the
//! gc proposal) runs twice, once in a store that rarely collects (a roomy heap, collected once
//! per MiB allocated) and once in a store whose GC heap is so small that nearly every
//! allocation collects, with a forced collection between calls.
//! A collector that misses a root (a frame's reference, a global, a table element, a field) frees
//! a live object; the second run then reads freed or reused memory and its results differ (or
//! AddressSanitizer reports it, under `cargo fuzz`). No other engine is needed as an oracle: a
//! correct collector is invisible, apart from running out of memory sooner.
//!
//! Both runs call every export twice in module order, so objects that earlier calls left in
//! globals and tables are used again after collections. Results are compared as observed
//! through the C API: scalars bit for bit, references by what they are (null, i31 value, a
//! struct's fields, an array's length and first elements, recursively a few levels deep).

use crate::capi::*;
use arbitrary::Unstructured;
use std::fmt::Write as _;

/// The wasm-smith configuration: GC on, no imports (every export is called with zeros).
pub fn config() -> wasm_smith::Config {
    wasm_smith::Config {
        gc_enabled: true,
        max_imports: 0,
        max_instructions: 300,
        // Enough types that struct and array types come up in most modules.
        min_types: 6,
        max_types: 20,
        min_funcs: 2,
        ..crate::smith::config_of(crate::smith::Flavour::Wasm2)
    }
}

/// A random valid, terminating GC module; None when the bytes run out or the module would build
/// arrays too large for a test machine (see `has_huge_array`).
pub fn module(u: &mut Unstructured) -> Option<Vec<u8>> {
    let mut m = wasm_smith::Module::new(config(), u).ok()?;
    m.ensure_termination(crate::smith::TERMINATION_FUEL).ok()?;
    let wasm = m.to_bytes();
    (!has_huge_array(&wasm)).then_some(wasm)
}

/// An engine with GC on (explicitly: the fuzzers do not depend on defaults), compiled lazily
/// (baseline code) or eagerly. Never tiered: where optimised code replaces baseline code at a
/// moment that depends on a background thread, frames change size mid-run, and the depth at
/// which deep recursion runs out of stack (which the spec leaves to the implementation) varies.
pub fn engine(lazy: bool) -> *mut wasm_engine_t {
    // SAFETY: a fresh config handed to wasm_engine_new_with_config, which takes it over.
    unsafe {
        let c = wasm_config_new();
        wasmlift_config_compile_threads(c, 1);
        wasmlift_config_gc(c, true);
        let mode = if lazy { WASMLIFT_COMPILATION_LAZY } else { WASMLIFT_COMPILATION_EAGER };
        assert!(wasmlift_config_compilation(c, mode));
        let e = wasm_engine_new_with_config(c);
        assert!(!e.is_null());
        e
    }
}

/// What one run observed: one line per call (or instantiation failure), and whether the GC heap
/// ran out (after which the runs may rightly differ).
#[derive(Debug, Default)]
pub struct Observed {
    pub lines: Vec<String>,
    pub out_of_memory: bool,
    /// Collections in all, and those forced between calls.
    pub collections: u64,
    pub forced: u64,
}

/// Runs `wasm` in a fresh store of `engine`: instantiates it and calls every exported function
/// twice with zero/null arguments. The store's GC heap is limited to `heap_limit` bytes; with
/// `force`, a collection is also forced after every call.
/// bytes and a collection is forced after every call.
pub fn run(engine: *mut wasm_engine_t, wasm: &[u8], heap_limit: u64, force: bool) -> Observed {
    let mut seen = Observed::default();
    // SAFETY (the whole function): live objects of this store, vectors we own and delete, and
    // values written by the calls, which we delete after describing them.
    unsafe {
        let store = wasm_store_new(engine);
        wasmlift_store_gc_heap_limit(store, heap_limit);
        let module = compile(store, wasm);
        assert!(!module.is_null(), "a valid GC module was rejected: {}", last_error());
        let imports = wasm_extern_vec_t::empty();
        let mut trap = null_trap();
        let instance = wasm_instance_new(store, module, &imports, &mut trap);
        if instance.is_null() {
            let message = if trap.is_null() { last_error() } else { trap_message(trap) };
            if !trap.is_null() {
                wasm_trap_delete(trap);
            }
            seen.out_of_memory |= message.contains("out of memory");
            seen.lines.push(format!("instantiation failed: {message}"));
        } else {
            let mut exports = wasm_extern_vec_t::empty();
            wasm_instance_exports(instance, &mut exports);
            'passes: for pass in 0..2 {
                for (i, &e) in exports.as_slice().iter().enumerate() {
                    let f = wasm_extern_as_func(e);
                    if f.is_null() {
                        continue;
                    }
                    if std::env::var_os("GC_STRESS_VERBOSE").is_some() {
                        eprintln!("pass {pass} export {i}");
                    }
                    let Some(line) = call(f) else { continue };
                    if std::env::var_os("GC_STRESS_VERBOSE").is_some() {
                        eprintln!("  {line}");
                    }
                    seen.out_of_memory |= line.contains("out of memory");
                    seen.lines.push(format!("pass {pass} export {i}: {line}"));
                    if seen.out_of_memory {
                        break 'passes;
                    }
                    if force {
                        wasmlift_store_gc(store);
                        seen.forced += 1;
                    }
                }
            }
            wasm_extern_vec_delete(&mut exports);
            wasm_instance_delete(instance);
        }
        let mut stats: wasmlift_gc_stats_t = std::mem::zeroed();
        assert!(wasmlift_store_gc_stats(store, &mut stats));
        seen.collections = stats.collections;
        wasm_module_delete(module);
        wasm_store_delete(store);
    }
    seen
}

/// Calls `f` with zero/null arguments and describes the outcome; None for signatures with v128
/// (which wasm.h cannot pass).
///
/// # Safety
/// `f` is a live function.
unsafe fn call(f: *mut wasm_func_t) -> Option<String> {
    // SAFETY: as the caller promises; the type and value vectors are ours to delete.
    unsafe {
        let ft = wasm_func_type(f);
        let kinds = |v: *const wasm_valtype_vec_t| -> Vec<wasm_valkind_t> {
            (*v).as_slice().iter().map(|t| wasm_valtype_kind(*t)).collect()
        };
        let params = kinds(wasm_functype_params(ft));
        let results = kinds(wasm_functype_results(ft));
        wasm_functype_delete(ft);
        if params.iter().chain(&results).any(|k| *k == WASMLIFT_V128) {
            return None;
        }
        let mut args: Vec<wasm_val_t> = params.iter().map(|k| zero_val(*k)).collect();
        let mut outs: Vec<wasm_val_t> = results.iter().map(|k| zero_val(*k)).collect();
        let a = wasm_val_vec_t { size: args.len(), data: args.as_mut_ptr() };
        let mut r = wasm_val_vec_t { size: outs.len(), data: outs.as_mut_ptr() };
        let t = wasm_func_call(f, &a, &mut r);
        if !t.is_null() {
            let message = trap_message(t);
            // Where it trapped is part of what is compared.
            let origin = wasm_trap_origin(t);
            let at = if origin.is_null() {
                String::from("no origin")
            } else {
                let at =
                    format!("function {} offset {:#x}", wasm_frame_func_index(origin), wasm_frame_func_offset(origin));
                wasm_frame_delete(origin);
                at
            };
            wasm_trap_delete(t);
            return Some(format!("trap {message} at {at}"));
        }
        let mut line = String::from("ok");
        for v in outs.iter_mut() {
            line.push(' ');
            describe(v, 0, &mut line);
            wasm_val_delete(v);
        }
        Some(line)
    }
}

/// Appends what `v` is to `out`: scalars as bits, references by their contents, `depth` levels
/// of nested references at most (cycles are cut there).
///
/// # Safety
/// `v` is a valid value (a reference one holds NULL or a live `wasm_ref_t`).
unsafe fn describe(v: &wasm_val_t, depth: usize, out: &mut String) {
    // SAFETY: the union member read is the one `kind` names.
    unsafe {
        match v.kind {
            WASM_I32 => write!(out, "i32:{}", v.of.i32),
            WASM_I64 => write!(out, "i64:{}", v.of.i64),
            WASM_F32 => write!(out, "f32:{:#x}", v.of.f32.to_bits()),
            WASM_F64 => write!(out, "f64:{:#x}", v.of.f64.to_bits()),
            _ => {
                describe_ref(v.of.r#ref, depth, out);
                Ok(())
            }
        }
        .expect("writing to a String");
    }
}

/// # Safety
/// `r` is NULL or a live reference (which stays the caller's).
unsafe fn describe_ref(r: *mut wasm_ref_t, depth: usize, out: &mut String) {
    if r.is_null() {
        out.push_str("null");
        return;
    }
    // SAFETY: `r` is live; values read out of it are ours to delete.
    unsafe {
        match wasmlift_ref_gc_kind(r) {
            WASMLIFT_GCREF_I31 => {
                let mut value = 0;
                assert!(wasmlift_ref_i31_get(r, true, &mut value));
                write!(out, "i31:{value}").expect("writing to a String");
            }
            WASMLIFT_GCREF_STRUCT if depth >= 3 => out.push_str("struct{..}"),
            WASMLIFT_GCREF_STRUCT => {
                out.push_str("struct{");
                describe_items(r, wasmlift_ref_struct_len(r), wasmlift_ref_struct_get, depth, out);
                out.push('}');
            }
            WASMLIFT_GCREF_ARRAY => {
                let len = wasmlift_ref_array_len(r);
                write!(out, "array[{len}]{{").expect("writing to a String");
                if depth < 3 {
                    describe_items(r, len.min(4), wasmlift_ref_array_get, depth, out);
                }
                out.push('}');
            }
            _ => out.push_str(if wasm_ref_as_func(r).is_null() { "ref" } else { "func" }),
        }
    }
}

/// The GC heap of the run that rarely collects: roomy, but not what a guest can make of
/// computed array lengths (a 4 GiB `array.new` in a constant expression, with extended-const
/// arithmetic) on a test machine.
pub const ROOMY_HEAP: u64 = 256 << 20;

/// Appends items `0..count` of struct or array `r` as read by `get` (a `wasmlift_ref_*_get`),
/// each followed by a comma; a v128 item (which wasm.h cannot hold) as `v128`.
///
/// # Safety
/// `r` is a live struct or array reference with at least `count` items.
unsafe fn describe_items(
    r: *mut wasm_ref_t,
    count: usize,
    get: unsafe extern "C" fn(*const wasm_ref_t, usize, bool, *mut wasm_val_t) -> bool,
    depth: usize,
    out: &mut String,
) {
    for i in 0..count {
        let mut item = zero_val(WASM_I32);
        // SAFETY: `r` is live with `count` items (the caller's obligation); a value read out is
        // ours to delete.
        unsafe {
            if get(r, i, true, &mut item) {
                describe(&item, depth + 1, out);
                wasm_val_delete(&mut item);
            } else {
                out.push_str("v128");
            }
        }
        out.push(',');
    }
}

/// Runs `wasm` in stores of `engine` with a roomy heap and under a `heap_limit`-byte heap that
/// makes nearly every allocation collect, and reports both transcripts when a collection changed
/// what wasm computed. Returns how many collections of the constrained run were not forced
/// between calls. (One engine for both runs: code compiled another way may run out of stack at
/// another depth.)
pub fn check(engine: *mut wasm_engine_t, wasm: &[u8], heap_limit: u64) -> Result<u64, String> {
    let free = run(engine, wasm, ROOMY_HEAP, false);
    let tight = run(engine, wasm, heap_limit, true);
    // Up to the first allocation failure of either run (the last line of its transcript), the
    // two must agree line for line; without one, they must be the same length too.
    let comparable = |o: &Observed| if o.out_of_memory { o.lines.len() - 1 } else { o.lines.len() };
    let n = comparable(&free).min(comparable(&tight));
    let agree = free.lines.len() >= n && tight.lines.len() >= n && free.lines[..n] == tight.lines[..n];
    let same_length = free.out_of_memory || tight.out_of_memory || free.lines.len() == tight.lines.len();
    if !agree || !same_length {
        return Err(format!(
            "collections changed the results (heap limit {heap_limit} bytes, {} collections)\n\
             with few collections:\n  {}\nwith collections:\n  {}",
            tight.collections,
            free.lines.join("\n  "),
            tight.lines.join("\n  ")
        ));
    }
    Ok(tight.collections.saturating_sub(tight.forced))
}

/// Whether the module creates an array whose length is an `i32.const` above 2^20 (the operator
/// right before `array.new*`, in code or constant expressions): a few GiB-sized arrays filled
/// element by element would exhaust the test machine (store limits bound them for embedders;
/// tests/wast/gc.wast checks huge lengths).
pub fn has_huge_array(wasm: &[u8]) -> bool {
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
pub fn uses_gc_types(wasm: &[u8]) -> bool {
    wasmparser::Parser::new(0).parse_all(wasm).any(|p| match p {
        Ok(wasmparser::Payload::TypeSection(r)) => r
            .into_iter()
            .flatten()
            .any(|g| g.types().any(|t| !matches!(t.composite_type.inner, wasmparser::CompositeInnerType::Func(_)))),
        _ => false,
    })
}
