//! Target 4: wasm-smith modules whose host imports misbehave. Each host call does what the data
//! says next: return normally, trap, re-enter the instance through another export, delete
//! handles (the instance, exports, the module, the store) while wasm code is on the stack, grow
//! the memory or table under the caller, overwrite globals, or hand back results of the wrong
//! kind, or references of the wrong type (an externref, funcref or exnref argument of an earlier
//! host call handed back where another reference type is expected). Modules come in the flavours
//! of `Flavour::HOSTILE`, including memory64 and exceptions with relaxed SIMD. Nothing may
//! crash; every call ends in results or a trap.

use crate::capi::*;
use crate::smith;
use crate::smith::Flavour;
use arbitrary::Unstructured;
use std::ffi::c_void;
use std::ptr;

/// What the host functions see (their env): the handles they may use or delete.
struct HostContext {
    store: *mut wasm_store_t,
    module: *mut wasm_module_t,
    instance: *mut wasm_instance_t,
    /// Copies of the instance's exports; NULL once a host function deleted one.
    exports: Vec<*mut wasm_extern_t>,
    /// The data's script for the host calls.
    script: Vec<u8>,
    cursor: usize,
    depth: u32,
    host_calls: u64,
    /// Copies of reference arguments host functions received (funcrefs, externrefs, exnrefs),
    /// handed back later as results, possibly where another reference type is expected.
    saved_refs: Vec<*mut wasm_ref_t>,
    /// Tags the host may throw exceptions of: those it provided as imports and the instance's
    /// exported ones (our own handles).
    tags: Vec<*mut wasmlift_tag_t>,
    /// Exceptions host functions threw, and reference results they handed back.
    host_throws: u64,
    refs_handed_back: u64,
}

impl HostContext {
    fn next(&mut self) -> u8 {
        let b = self.script.get(self.cursor).copied().unwrap_or(0);
        self.cursor += 1;
        b
    }
}

unsafe fn new_trap(store: *mut wasm_store_t, text: &str) -> *mut wasm_trap_t {
    let mut msg = wasm_byte_vec_t::from_bytes(format!("{text}\0").as_bytes());
    let t = wasm_trap_new(store, &msg);
    wasm_byte_vec_delete(&mut msg);
    t
}

/// Calls an exported function with zero arguments; None when it returned, Some(trap) if not.
/// Non-null reference results (exnrefs among them) are kept in `keep` (at most 16).
unsafe fn call_zero(f: *const wasm_func_t, keep: &mut Vec<*mut wasm_ref_t>) -> Option<*mut wasm_trap_t> {
    let ft = wasm_func_type(f);
    let kinds: Vec<wasm_valkind_t> =
        (*wasm_functype_params(ft)).as_slice().iter().map(|t| wasm_valtype_kind(*t)).collect();
    let rkinds: Vec<wasm_valkind_t> =
        (*wasm_functype_results(ft)).as_slice().iter().map(|t| wasm_valtype_kind(*t)).collect();
    wasm_functype_delete(ft);
    let any_v128 = kinds.iter().chain(&rkinds).any(|k| *k == WASM_V128);
    let t = if any_v128 {
        let mut slots = vec![wasmlift_v128_slot_t { bytes: [0; 16] }; kinds.len().max(rkinds.len()).max(1)];
        wasmlift_func_call_v128(f, slots.as_mut_ptr(), slots.len())
    } else {
        let mut args: Vec<wasm_val_t> = kinds.iter().map(|k| zero_val(*k)).collect();
        let mut outs: Vec<wasm_val_t> = rkinds.iter().map(|k| zero_val(*k)).collect();
        let a = wasm_val_vec_t { size: args.len(), data: args.as_mut_ptr() };
        let mut r = wasm_val_vec_t { size: outs.len(), data: outs.as_mut_ptr() };
        let t = wasm_func_call(f, &a, &mut r);
        if t.is_null() {
            for v in outs.iter_mut() {
                if v.kind >= WASM_EXTERNREF && !v.of.r#ref.is_null() && keep.len() < 16 {
                    keep.push(wasm_ref_copy(v.of.r#ref));
                }
                wasm_val_delete(v);
            }
        }
        t
    };
    if t.is_null() {
        None
    } else {
        Some(t)
    }
}

unsafe extern "C" fn hostile_host(
    env: *mut c_void,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    // SAFETY: env is the HostContext the run created; it outlives every call.
    let cx = &mut *(env as *mut HostContext);
    cx.host_calls += 1;
    let args_slice = (*args).as_slice();
    if cx.saved_refs.len() < 16 {
        for a in args_slice {
            if a.kind >= WASM_EXTERNREF && !a.of.r#ref.is_null() {
                cx.saved_refs.push(wasm_ref_copy(a.of.r#ref));
            }
        }
    }
    let action = cx.next() % 10;
    if std::env::var_os("FUZZ_HOSTILE_TRACE").is_some() {
        eprintln!("host call {} (depth {}): action {action}", cx.host_calls, cx.depth);
    }
    match action {
        1 if !cx.store.is_null() => return new_trap(cx.store, "host trap"),
        2 if cx.depth < 3 => {
            // Re-enter the instance through an export the data picks.
            let n = cx.exports.len().max(1);
            let i = cx.next() as usize % n;
            if let Some(&e) = cx.exports.get(i) {
                let f = if e.is_null() { ptr::null_mut() } else { wasm_extern_as_func(e) };
                if !f.is_null() {
                    cx.depth += 1;
                    let mut keep = Vec::new();
                    let t = call_zero(f, &mut keep);
                    cx.saved_refs.append(&mut keep);
                    cx.depth -= 1;
                    if let Some(t) = t {
                        // Pass the inner trap on, or swallow it.
                        if cx.next() & 1 == 0 {
                            return t;
                        }
                        wasm_trap_delete(t);
                    }
                }
            }
        }
        3 => {
            // Delete handles while wasm code that uses them is on the stack.
            match cx.next() % 4 {
                0 if !cx.instance.is_null() => {
                    wasm_instance_delete(cx.instance);
                    cx.instance = ptr::null_mut();
                }
                1 if !cx.module.is_null() => {
                    wasm_module_delete(cx.module);
                    cx.module = ptr::null_mut();
                }
                2 if !cx.store.is_null() => {
                    // The store handle too (the README promises this is fine); later host
                    // calls can then no longer make traps of their own.
                    wasm_store_delete(cx.store);
                    cx.store = ptr::null_mut();
                }
                _ => {
                    let n = cx.exports.len().max(1);
                    let i = cx.next() as usize % n;
                    if let Some(e) = cx.exports.get_mut(i) {
                        if !e.is_null() {
                            wasm_extern_delete(*e);
                            *e = ptr::null_mut();
                        }
                    }
                }
            }
        }
        4 => {
            for e in cx.exports.clone() {
                let m = if e.is_null() { ptr::null_mut() } else { wasm_extern_as_memory(e) };
                if !m.is_null() {
                    let delta = (cx.next() % 3) as u32;
                    let before = wasm_memory_size(m);
                    if wasm_memory_grow(m, delta) {
                        assert_eq!(wasm_memory_size(m), before + delta);
                    }
                    let len = wasm_memory_data_size(m);
                    if len > 0 {
                        *(wasm_memory_data(m) as *mut u8).add(len - 1) = 0x5a;
                    }
                }
            }
        }
        5 => {
            for e in cx.exports.clone() {
                let t = if e.is_null() { ptr::null_mut() } else { wasm_extern_as_table(e) };
                if !t.is_null() {
                    let size = wasm_table_size(t);
                    if size > 0 {
                        wasm_table_set(t, cx.next() as u32 % size, ptr::null_mut());
                    }
                    wasm_table_grow(t, (cx.next() % 4) as u32, ptr::null_mut());
                }
            }
        }
        6 => {
            for e in cx.exports.clone() {
                let g = if e.is_null() { ptr::null_mut() } else { wasm_extern_as_global(e) };
                if !g.is_null() {
                    let gt = wasm_global_type(g);
                    let kind = wasm_valtype_kind(wasm_globaltype_content(gt));
                    wasm_globaltype_delete(gt);
                    let v =
                        wasm_val_t { kind, of: wasm_val_union { i64: if kind >= WASM_EXTERNREF { 0 } else { -1 } } };
                    wasm_global_set(g, &v);
                }
            }
        }
        7 => {
            // Results of the wrong kind: the engine must refuse them with a trap.
            let (n, p) = (*results).parts();
            for r in std::slice::from_raw_parts_mut(p, if p.is_null() { 0 } else { n }) {
                r.kind = r.kind.wrapping_add(1 + cx.next() % 3);
                r.of.i64 = 0;
            }
        }
        8 if !cx.saved_refs.is_empty() => {
            // Reference results from earlier arguments, of whatever reference type they were: an
            // externref or funcref where an exnref is expected (which compiled code would read
            // through) must be refused with a trap, a matching one accepted.
            let (n, p) = (*results).parts();
            for r in std::slice::from_raw_parts_mut(p, if p.is_null() { 0 } else { n }) {
                if r.kind >= WASM_EXTERNREF {
                    let k = cx.next() as usize % cx.saved_refs.len();
                    r.of.r#ref = wasm_ref_copy(cx.saved_refs[k]);
                    cx.refs_handed_back += 1;
                }
            }
        }
        9 if !cx.tags.is_empty() && !cx.store.is_null() => {
            // Throw: an exception of a tag the module imports or exports, with a zero payload or
            // with earlier reference arguments (of whatever reference type) in its reference
            // slots, which wasmlift_exception_trap_new must refuse when they do not fit. The
            // exception unwinds into the calling wasm code, where a try_table may catch it.
            let pick = cx.next() as usize;
            let tag = cx.tags[pick % cx.tags.len()];
            let tt = wasmlift_tag_type(tag);
            let kinds: Vec<wasm_valkind_t> =
                (*wasmlift_tagtype_params(tt)).as_slice().iter().map(|t| wasm_valtype_kind(*t)).collect();
            wasmlift_tagtype_delete(tt);
            if !kinds.contains(&WASM_V128) {
                let pick = cx.next() as usize;
                let mut vals: Vec<wasm_val_t> = kinds
                    .iter()
                    .enumerate()
                    .map(|(i, k)| {
                        let mut v = zero_val(*k);
                        if *k >= WASM_EXTERNREF && pick & 1 == 1 && !cx.saved_refs.is_empty() {
                            // Borrowed: the payload keeps references as wasm_func_call does.
                            v.of.r#ref = cx.saved_refs[(pick / 2 + i) % cx.saved_refs.len()];
                        }
                        v
                    })
                    .collect();
                let a = wasm_val_vec_t { size: vals.len(), data: vals.as_mut_ptr() };
                let t = wasmlift_exception_trap_new(cx.store, tag, &a);
                if !t.is_null() {
                    cx.host_throws += 1;
                    return t;
                }
            }
        }
        _ => {}
    }
    ptr::null_mut()
}

/// Counts over runs.
#[derive(Default, Debug, Clone)]
pub struct HostileCounters {
    pub modules: u64,
    pub instantiated: u64,
    pub calls: u64,
    pub traps: u64,
    pub host_calls: u64,
    /// Export calls that ended in an uncaught exception (a trap carrying one).
    pub exceptions: u64,
    /// Exceptions thrown by host functions; reference results handed back from earlier
    /// arguments; tag imports the harness provided.
    pub host_throws: u64,
    pub refs_handed_back: u64,
    pub tag_imports: u64,
    /// Modules run per configuration, in EngineConfig::ALL order.
    pub modules_by_config: [u64; 6],
}

/// Engines reused across inputs, one per (configuration, flavour).
pub struct Hostile {
    engines: Vec<((EngineConfig, Flavour), *mut wasm_engine_t)>,
    /// The flavour every module is generated in; None: the data picks one of Flavour::HOSTILE.
    pinned_flavour: Option<Flavour>,
}

impl Default for Hostile {
    fn default() -> Self {
        Self::new()
    }
}

impl Hostile {
    pub fn new() -> Hostile {
        let mut engines = Vec::new();
        for c in EngineConfig::ALL {
            for f in Flavour::HOSTILE {
                engines.push(((c, f), smith::new_engine_flavour(c, f)));
            }
        }
        Hostile { engines, pinned_flavour: None }
    }

    /// Every module generated in `flavour`.
    pub fn pinned(flavour: Flavour) -> Hostile {
        Hostile { pinned_flavour: Some(flavour), ..Hostile::new() }
    }

    pub fn run(&self, data: &[u8], counters: &mut HostileCounters) {
        let mut u = Unstructured::new(data);
        let config = *u.choose(&EngineConfig::ALL).unwrap_or(&EngineConfig::Default);
        let flavour = self.pinned_flavour.unwrap_or_else(|| *u.choose(&Flavour::HOSTILE).unwrap_or(&Flavour::Wasm2));
        let engine = self.engines.iter().find(|(k, _)| *k == (config, flavour)).expect("an engine per flavour").1;
        let script: Vec<u8> = (0..64).map(|_| u.arbitrary().unwrap_or(0)).collect();
        let Some(wasm) = smith::module_of(&mut u, flavour) else { return };
        if let Some(path) = std::env::var_os("FUZZ_HOSTILE_TRACE") {
            eprintln!("configuration {}, flavour {}, module written to {:?}", config.name(), flavour.name(), path);
            let _ = std::fs::write(path, &wasm);
        }
        counters.modules += 1;
        let k = EngineConfig::ALL.iter().position(|c| *c == config).expect("a known configuration");
        counters.modules_by_config[k] += 1;
        // SAFETY: the context outlives every host call (it is freed after the store and every
        // handle are gone); handles are deleted once, and NULLed where the host deleted them.
        unsafe {
            let store = wasm_store_new(engine);
            match config {
                EngineConfig::Fuel => wasmlift_store_set_fuel(store, 200_000),
                EngineConfig::Epoch => wasmlift_store_set_epoch_deadline(store, 1_000_000),
                _ => {}
            }
            let module = compile(store, &wasm);
            assert!(!module.is_null(), "a generated module was rejected: {}", last_error());
            let cx = Box::into_raw(Box::new(HostContext {
                store,
                module,
                instance: ptr::null_mut(),
                exports: vec![],
                script,
                cursor: 0,
                depth: 0,
                host_calls: 0,
                saved_refs: Vec::new(),
                tags: Vec::new(),
                host_throws: 0,
                refs_handed_back: 0,
            }));
            let mut import_types = wasm_importtype_vec_t::empty();
            wasm_module_imports(module, &mut import_types);
            let mut externs = Vec::new();
            for it in import_types.as_slice() {
                let ty = wasm_importtype_type(*it);
                let ext = match wasm_externtype_kind(ty) {
                    WASM_EXTERN_FUNC => wasm_func_as_extern(wasm_func_new_with_env(
                        store,
                        wasm_externtype_as_functype_const(ty),
                        Some(hostile_host),
                        cx as *mut c_void,
                        None,
                    )),
                    WASM_EXTERN_GLOBAL => {
                        let gt = wasm_externtype_as_globaltype_const(ty);
                        let v = zero_val(wasm_valtype_kind(wasm_globaltype_content(gt)));
                        wasm_global_as_extern(wasm_global_new(store, gt, &v))
                    }
                    WASM_EXTERN_TABLE => wasm_table_as_extern(wasm_table_new(
                        store,
                        wasm_externtype_as_tabletype_const(ty),
                        ptr::null_mut(),
                    )),
                    WASMLIFT_EXTERN_TAG => {
                        // A tag of our own, which host functions then throw exceptions of.
                        let tag = wasmlift_tag_new(store, wasmlift_externtype_as_tagtype_const(ty));
                        if !tag.is_null() {
                            (*cx).tags.push(wasmlift_tag_copy(tag));
                        }
                        counters.tag_imports += 1;
                        wasmlift_tag_as_extern(tag)
                    }
                    _ => wasm_memory_as_extern(wasm_memory_new(store, wasm_externtype_as_memorytype_const(ty))),
                };
                externs.push(ext);
            }
            wasm_importtype_vec_delete(&mut import_types);
            let imports = wasm_extern_vec_t { size: externs.len(), data: externs.as_mut_ptr() };
            let mut trap: *mut wasm_trap_t = ptr::null_mut();
            let instance = wasm_instance_new(store, module, &imports, &mut trap);
            if !trap.is_null() {
                wasm_trap_delete(trap);
            }
            if !instance.is_null() {
                counters.instantiated += 1;
                (*cx).instance = instance;
                let mut exports = wasm_extern_vec_t::empty();
                wasm_instance_exports(instance, &mut exports);
                (*cx).exports = exports.as_slice().iter().map(|e| wasm_extern_copy(*e)).collect();
                // References of other types to hand back where exnrefs (or externrefs) are
                // expected: an exported function and a foreign object.
                if let Some(f) = exports.as_slice().iter().map(|e| wasm_extern_as_func(*e)).find(|f| !f.is_null()) {
                    (*cx).saved_refs.push(wasm_ref_copy(wasm_func_as_ref(f)));
                }
                // (Through the context: a host call of the start function may have deleted the
                // store handle.)
                let foreign = if (*cx).store.is_null() { ptr::null_mut() } else { wasm_foreign_new((*cx).store) };
                if !foreign.is_null() {
                    (*cx).saved_refs.push(wasm_ref_copy(wasm_foreign_as_ref(foreign)));
                    wasm_foreign_delete(foreign);
                }
                for e in exports.as_slice() {
                    let tag = wasmlift_extern_as_tag(*e);
                    if !tag.is_null() {
                        (*cx).tags.push(wasmlift_tag_copy(tag));
                    }
                }
                wasm_extern_vec_delete(&mut exports);
                // Short borrows only: host calls below mutate the context through the raw pointer.
                let n = (*cx).exports.len();
                for i in 0..n + 4 {
                    let idx = if i < n { i } else { u.choose_index(n.max(1)).unwrap_or(0) };
                    #[allow(clippy::needless_borrow)] // an explicit, short borrow through the raw pointer
                    let Some(e) = (&(*cx).exports).get(idx).copied() else {
                        break;
                    };
                    if e.is_null() {
                        continue;
                    }
                    let f = wasm_extern_as_func(e);
                    if f.is_null() {
                        continue;
                    }
                    // Take a handle of our own: the host may delete the export's copy mid-call.
                    let own = wasm_func_copy(f);
                    if std::env::var_os("FUZZ_HOSTILE_TRACE").is_some() {
                        eprintln!("calling export {idx}");
                    }
                    counters.calls += 1;
                    let mut keep = Vec::new();
                    let r = call_zero(own, &mut keep);
                    (*cx).saved_refs.append(&mut keep);
                    if let Some(t) = r {
                        counters.traps += 1;
                        let _ = trap_message(t);
                        // An uncaught exception: its tag and payload must be readable.
                        let tag = wasmlift_trap_exception_tag(t);
                        if !tag.is_null() {
                            counters.exceptions += 1;
                            let mut payload = wasm_val_vec_t::empty();
                            if wasmlift_trap_exception_args(t, &mut payload) {
                                wasm_val_vec_delete(&mut payload);
                            }
                            wasmlift_tag_delete(tag);
                        }
                        wasm_trap_delete(t);
                    }
                    wasm_func_delete(own);
                }
            }
            for e in externs {
                wasm_extern_delete(e);
            }
            let cxr = &mut *cx;
            for e in cxr.exports.drain(..) {
                wasm_extern_delete(e);
            }
            if !cxr.instance.is_null() {
                wasm_instance_delete(cxr.instance);
            }
            if !cxr.module.is_null() {
                wasm_module_delete(cxr.module);
            }
            counters.host_calls += cxr.host_calls;
            counters.host_throws += cxr.host_throws;
            counters.refs_handed_back += cxr.refs_handed_back;
            for r in cxr.saved_refs.drain(..) {
                wasm_ref_delete(r);
            }
            for t in cxr.tags.drain(..) {
                wasmlift_tag_delete(t);
            }
            if !cxr.store.is_null() {
                wasm_store_delete(cxr.store);
            }
            drop(Box::from_raw(cx));
        }
    }
}
