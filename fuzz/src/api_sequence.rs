//! An interpreter over random sequences of C API calls: engines, stores, modules, instances,
//! functions, globals, tables, memories, references and traps are created, used and deleted in
//! any order the data says, across stores and engines. Nothing may crash, and misuse (wrong
//! kinds, wrong arity, objects of another store or engine) must fail cleanly: NULL, false or a
//! trap. The interpreter only ever passes live handles, as a correct C program would.

use crate::capi::*;
use arbitrary::Unstructured;
use std::ptr;
use std::sync::OnceLock;

/// Modules the sequences compile (text, converted once through wasmlift_wat2wasm).
const MODULES: &[&str] = &[
    "(module)",
    r#"(module
        (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
        (memory (export "mem") 1 3)
        (global (export "g") (mut i32) (i32.const 7))
        (table (export "tab") 2 funcref)
        (elem (i32.const 0) $add)
        (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
        (func (export "ci") (param i32) (result i32) (call_indirect (param i32 i32) (result i32) (i32.const 1) (i32.const 2) (local.get 0))))"#,
    r#"(module
        (import "env" "f" (func $f (param i32) (result i32)))
        (import "env" "m" (memory 1))
        (import "env" "g" (global (mut i32)))
        (import "env" "t" (table 1 funcref))
        (func (export "call_import") (param i32) (result i32) (call $f (local.get 0)))
        (func (export "via_table") (param i32) (result i32) (call_indirect (param i32) (result i32) (local.get 0) (i32.const 0)))
        (func (export "tgrow") (param funcref i32) (result i32) (table.grow 0 (local.get 0) (local.get 1)))
        (func (export "gset") (param i32) (global.set 0 (local.get 0)))
        (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
        (export "f" (func $f)))"#,
    r#"(module (func $boom unreachable) (start $boom))"#,
    r#"(module
        (global (export "eg") (mut externref) (ref.null extern))
        (table (export "et") 3 externref)
        (func (export "id") (param externref) (result externref) (local.get 0))
        (func (export "fr") (param funcref) (result funcref) (local.get 0))
        (func (export "v") (param v128) (result v128) (i64x2.add (local.get 0) (local.get 0)))
        (func (export "put") (param i32 externref) (table.set 0 (local.get 0) (local.get 1))))"#,
    r#"(module (func $r (export "recurse") (param i32) (result i32) (call $r (i32.add (local.get 0) (i32.const 1)))))"#,
    // At most 2^20 iterations: long enough for epoch and fuel to stop it, short enough for the
    // smoke test.
    r#"(module (memory (export "big") 0 65536) (func (export "spin") (param i32)
        (local.set 0 (i32.and (local.get 0) (i32.const 0xfffff)))
        (loop (br_if 0 (i32.gt_s (local.tee 0 (i32.sub (local.get 0) (i32.const 1))) (i32.const 0))))))"#,
];

fn module_binaries() -> &'static Vec<Vec<u8>> {
    static BINARIES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    BINARIES.get_or_init(|| MODULES.iter().map(|t| wat2wasm(t)).collect())
}

/// Every live handle, with the ids of the store/engine it belongs to.
struct World {
    next_id: u64,
    engines: Vec<(u64, *mut wasm_engine_t, EngineConfig)>,
    /// (store id, handle, engine id)
    stores: Vec<(u64, *mut wasm_store_t, u64)>,
    /// (handle, store id, engine id)
    modules: Vec<(*mut wasm_module_t, u64, u64)>,
    shared: Vec<(*mut wasm_shared_module_t, u64)>,
    instances: Vec<(*mut wasm_instance_t, u64)>,
    externs: Vec<(*mut wasm_extern_t, u64)>,
    refs: Vec<(*mut wasm_ref_t, u64)>,
    traps: Vec<*mut wasm_trap_t>,
}

static FINALIZED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
unsafe extern "C" fn count_finalizer(_: *mut std::ffi::c_void) {
    FINALIZED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

unsafe extern "C" fn zero_results(_args: *const wasm_val_vec_t, _results: *mut wasm_val_vec_t) -> *mut wasm_trap_t {
    ptr::null_mut()
}

/// Removes and returns a random element.
fn take<T>(u: &mut Unstructured, v: &mut Vec<T>) -> Option<T> {
    if v.is_empty() {
        return None;
    }
    let i = u.choose_index(v.len()).ok()?;
    Some(v.swap_remove(i))
}

fn pick<'a, T>(u: &mut Unstructured, v: &'a [T]) -> Option<&'a T> {
    if v.is_empty() {
        None
    } else {
        u.choose(v).ok()
    }
}

fn valkind(u: &mut Unstructured) -> wasm_valkind_t {
    *pick(u, &[WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASM_EXTERNREF, WASM_FUNCREF, WASM_V128, 77])
        .unwrap_or(&WASM_I32)
}

/// The limits a fuzzer may ask for, including absurd ones.
fn limits(u: &mut Unstructured) -> wasm_limits_t {
    let min = *pick(u, &[0u32, 1, 2, 10, 65536, u32::MAX]).unwrap_or(&0);
    let max = *pick(u, &[0u32, 1, 5, 100, 65536, u32::MAX]).unwrap_or(&u32::MAX);
    wasm_limits_t { min, max }
}

impl World {
    fn new() -> World {
        World {
            next_id: 1,
            engines: vec![],
            stores: vec![],
            modules: vec![],
            shared: vec![],
            instances: vec![],
            externs: vec![],
            refs: vec![],
            traps: vec![],
        }
    }

    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// A random value, sometimes of the wrong kind or holding a reference of another store.
    fn value(&self, u: &mut Unstructured, kind: wasm_valkind_t) -> wasm_val_t {
        let kind = if u.ratio(1u8, 8).unwrap_or(false) { valkind(u) } else { kind };
        match kind {
            WASM_EXTERNREF | WASM_FUNCREF => {
                let r = if u.arbitrary().unwrap_or(false) {
                    pick(u, &self.refs).map_or(ptr::null_mut(), |r| r.0)
                } else {
                    ptr::null_mut()
                };
                wasm_val_t { kind, of: wasm_val_union { r#ref: r } }
            }
            _ => wasm_val_t { kind, of: wasm_val_union { i64: u.arbitrary().unwrap_or(0) } },
        }
    }

    /// One operation; false when the data is used up.
    #[allow(clippy::collapsible_match)] // one arm per operation reads better than guards
    unsafe fn step(&mut self, u: &mut Unstructured) -> bool {
        let Ok(op) = u.int_in_range(0u8..=31) else { return false };
        match op {
            0 if self.engines.len() < 3 => {
                let config = *pick(u, &EngineConfig::ALL).unwrap_or(&EngineConfig::Default);
                let extra = u.arbitrary().unwrap_or(false);
                let id = self.id();
                self.engines.push((id, new_engine(config, extra), config));
            }
            1 => {
                if let Some((_, e, _)) = take(u, &mut self.engines) {
                    // Stores, modules and everything else made with it stay usable.
                    wasm_engine_delete(e);
                }
            }
            2 if self.stores.len() < 4 => {
                if let Some(&(eid, e, config)) = pick(u, &self.engines) {
                    let s = wasm_store_new(e);
                    assert!(!s.is_null());
                    match config {
                        EngineConfig::Fuel => wasmlift_store_set_fuel(s, u.int_in_range(0..=100_000u64).unwrap_or(0)),
                        EngineConfig::Epoch => {
                            wasmlift_store_set_epoch_deadline(s, u.int_in_range(0..=3u64).unwrap_or(1))
                        }
                        _ => {}
                    }
                    let id = self.id();
                    self.stores.push((id, s, eid));
                }
            }
            3 => {
                if let Some((_, s, _)) = take(u, &mut self.stores) {
                    wasm_store_delete(s);
                }
            }
            4 if self.modules.len() < 6 => {
                if let Some(&(sid, s, eid)) = pick(u, &self.stores) {
                    let bins = module_binaries();
                    let wasm = &bins[u.choose_index(bins.len()).unwrap_or(0)];
                    let m = compile(s, wasm);
                    assert!(!m.is_null(), "a test module was rejected: {}", last_error());
                    self.modules.push((m, sid, eid));
                }
            }
            5 => {
                if let Some((m, _, _)) = take(u, &mut self.modules) {
                    wasm_module_delete(m);
                }
            }
            6 => {
                if let Some(&(m, _, eid)) = pick(u, &self.modules) {
                    let sh = wasm_module_share(m);
                    assert!(!sh.is_null());
                    self.shared.push((sh, eid));
                }
            }
            7 => {
                if let (Some(&(sh, eid)), Some(&(sid, s, seid))) = (pick(u, &self.shared), pick(u, &self.stores)) {
                    let m = wasm_module_obtain(s, sh);
                    // Only a store of the engine that compiled the module may obtain it.
                    assert_eq!(m.is_null(), eid != seid, "wasm_module_obtain across engines: {}", last_error());
                    if !m.is_null() {
                        self.modules.push((m, sid, seid));
                    }
                }
            }
            8 => {
                if let Some((sh, _)) = take(u, &mut self.shared) {
                    wasm_shared_module_delete(sh);
                }
            }
            9 => {
                // Serialized bytes load in a store of the same configuration only; a flipped
                // byte is always rejected.
                if let (Some(&(m, _, _)), Some(&(sid, s, seid))) = (pick(u, &self.modules), pick(u, &self.stores)) {
                    let mut bytes = wasm_byte_vec_t::empty();
                    wasm_module_serialize(m, &mut bytes);
                    let mut data = bytes.bytes().to_vec();
                    wasm_byte_vec_delete(&mut bytes);
                    let flip = u.arbitrary().unwrap_or(false);
                    if flip && !data.is_empty() {
                        let i = u.choose_index(data.len()).unwrap_or(0);
                        data[i] ^= 1 << u.int_in_range(0..=7).unwrap_or(0);
                    }
                    let mut v = wasm_byte_vec_t::from_bytes(&data);
                    let d = wasm_module_deserialize(s, &v);
                    wasm_byte_vec_delete(&mut v);
                    assert!(!flip || d.is_null(), "a modified serialized module was accepted");
                    if !d.is_null() {
                        self.modules.push((d, sid, seid));
                    }
                }
            }
            10 if self.instances.len() < 6 => self.instantiate(u),
            11 => {
                if let Some((i, _)) = take(u, &mut self.instances) {
                    wasm_instance_delete(i);
                }
            }
            12 => {
                if let Some(&(i, sid)) = pick(u, &self.instances) {
                    let mut exports = wasm_extern_vec_t::empty();
                    wasm_instance_exports(i, &mut exports);
                    for e in exports.as_slice() {
                        if self.externs.len() < 24 {
                            self.externs.push((wasm_extern_copy(*e), sid));
                        }
                    }
                    wasm_extern_vec_delete(&mut exports);
                }
            }
            13 => self.new_extern(u),
            14 => {
                if let Some((e, _)) = take(u, &mut self.externs) {
                    wasm_extern_delete(e);
                }
            }
            15 => self.call(u),
            16 => {
                if let Some(&(e, _)) = pick(u, &self.externs) {
                    let m = wasm_extern_as_memory(e);
                    if !m.is_null() {
                        let before = wasm_memory_size(m);
                        let delta = *pick(u, &[0u32, 1, 2, 100, 65536, u32::MAX]).unwrap_or(&1);
                        let ok = wasm_memory_grow(m, delta);
                        let after = wasm_memory_size(m);
                        assert_eq!(
                            after as u64,
                            if ok { before as u64 + delta as u64 } else { before as u64 },
                            "wasm_memory_grow"
                        );
                        assert_eq!(wasm_memory_data_size(m), after as usize * 65536);
                    }
                }
            }
            17 => {
                if let Some(&(e, _)) = pick(u, &self.externs) {
                    let m = wasm_extern_as_memory(e);
                    let len = if m.is_null() { 0 } else { wasm_memory_data_size(m) };
                    if len > 0 {
                        // Host writes anywhere inside data_size must be fine.
                        let at = u.int_in_range(0..=len - 1).unwrap_or(0);
                        let p = wasm_memory_data(m) as *mut u8;
                        *p.add(at) = p.add(at).read().wrapping_add(1);
                        *p.add(len - 1) = 0xa5;
                    }
                }
            }
            18 => {
                if let Some(&(e, _)) = pick(u, &self.externs) {
                    let g = wasm_extern_as_global(e);
                    if !g.is_null() {
                        let gt = wasm_global_type(g);
                        let kind = wasm_valtype_kind(wasm_globaltype_content(gt));
                        let mutable = wasm_globaltype_mutability(gt) == WASM_VAR;
                        wasm_globaltype_delete(gt);
                        let v = self.value(u, kind);
                        let mut before = zero_val(kind);
                        wasm_global_get(g, &mut before);
                        wasm_global_set(g, &v);
                        let mut after = zero_val(kind);
                        wasm_global_get(g, &mut after);
                        if !mutable || v.kind != kind {
                            // Rejected: the value is unchanged.
                            if kind < WASM_EXTERNREF && kind != WASM_V128 {
                                assert_eq!(
                                    before.of.i64 & mask(kind),
                                    after.of.i64 & mask(kind),
                                    "a rejected wasm_global_set changed the global"
                                );
                            }
                        } else if kind < WASM_EXTERNREF && kind != WASM_V128 {
                            assert_eq!(v.of.i64 & mask(kind), after.of.i64 & mask(kind), "wasm_global_set did not set");
                        }
                        wasm_val_delete(&mut before);
                        wasm_val_delete(&mut after);
                    }
                }
            }
            19 => self.table_op(u),
            20 => {
                // References of any extern, instance or module; copies and casts.
                if self.refs.len() < 16 {
                    let which = u.int_in_range(0..=2u8).unwrap_or(0);
                    let (r, sid) = match which {
                        0 => match pick(u, &self.externs) {
                            Some(&(e, sid)) => (wasm_ref_copy(wasm_extern_as_ref(e)), sid),
                            None => (ptr::null_mut(), 0),
                        },
                        1 => match pick(u, &self.instances) {
                            Some(&(i, sid)) => (wasm_ref_copy(wasm_instance_as_ref(i)), sid),
                            None => (ptr::null_mut(), 0),
                        },
                        _ => match pick(u, &self.stores) {
                            Some(&(sid, s, _)) => (wasm_foreign_as_ref(wasm_foreign_new(s)), sid),
                            None => (ptr::null_mut(), 0),
                        },
                    };
                    if !r.is_null() {
                        self.refs.push((r, sid));
                    }
                }
            }
            21 => {
                if let Some((r, _)) = take(u, &mut self.refs) {
                    let f = wasm_ref_as_func(r);
                    if !f.is_null() {
                        let ft = wasm_func_type(f);
                        wasm_functype_delete(ft);
                    }
                    wasm_ref_delete(r);
                }
            }
            22 => {
                if let Some(&(sid, s, _)) = pick(u, &self.stores) {
                    let text = b"fuzz trap\0";
                    let msg = wasm_byte_vec_t::from_bytes(text);
                    let t = wasm_trap_new(s, &msg);
                    let mut msg = msg;
                    wasm_byte_vec_delete(&mut msg);
                    assert!(!t.is_null());
                    assert_eq!(trap_message(t), "fuzz trap");
                    let _ = sid;
                    self.traps.push(t);
                }
            }
            23 => {
                if let Some(t) = take(u, &mut self.traps) {
                    let mut frames = wasm_frame_vec_t::empty();
                    wasm_trap_trace(t, &mut frames);
                    wasm_frame_vec_delete(&mut frames);
                    let origin = wasm_trap_origin(t);
                    if !origin.is_null() {
                        let _ = wasm_frame_func_index(origin);
                        wasm_frame_delete(origin);
                    }
                    wasm_trap_delete(t);
                }
            }
            24 => {
                // Host info with a finalizer on a random object; the finalizer runs once.
                if let Some(&(e, _)) = pick(u, &self.externs) {
                    wasm_extern_set_host_info_with_finalizer(e, std::ptr::dangling_mut(), Some(count_finalizer));
                }
            }
            25 => {
                if let Some(&(_, s, _)) = pick(u, &self.stores) {
                    let lim = |u: &mut Unstructured| *pick(u, &[0u64, 1, 2, 65536, 1 << 20]).unwrap_or(&0);
                    wasmlift_store_limits(s, lim(u), lim(u), lim(u), lim(u), lim(u));
                }
            }
            26 => {
                if let Some(&(_, s, _)) = pick(u, &self.stores) {
                    wasmlift_store_set_fuel(s, u.int_in_range(0..=50_000u64).unwrap_or(0));
                    wasmlift_store_set_epoch_deadline(s, u.int_in_range(0..=2u64).unwrap_or(1));
                }
                if let Some(&(_, e, _)) = pick(u, &self.engines) {
                    wasmlift_engine_increment_epoch(e);
                }
            }
            27 => {
                if let Some(&(e, _)) = pick(u, &self.externs) {
                    let t = wasm_extern_type(e);
                    assert!(!t.is_null());
                    wasm_externtype_delete(t);
                }
            }
            28 => {
                if let Some(&(m, _, _)) = pick(u, &self.modules) {
                    let mut imports = wasm_importtype_vec_t::empty();
                    wasm_module_imports(m, &mut imports);
                    let mut copy = wasm_importtype_vec_t::empty();
                    wasm_importtype_vec_copy(&mut copy, &imports);
                    wasm_importtype_vec_delete(&mut imports);
                    wasm_importtype_vec_delete(&mut copy);
                }
            }
            29 => {
                if let Some(&(e, sid)) = pick(u, &self.externs) {
                    if self.externs.len() < 24 {
                        self.externs.push((wasm_extern_copy(e), sid));
                    }
                }
            }
            _ => {}
        }
        true
    }

    unsafe fn instantiate(&mut self, u: &mut Unstructured) {
        let (Some(&(m, _, meid)), Some(&(sid, s, seid))) = (pick(u, &self.modules), pick(u, &self.stores)) else {
            return;
        };
        let mut import_types = wasm_importtype_vec_t::empty();
        wasm_module_imports(m, &mut import_types);
        let needed = import_types.size;
        wasm_importtype_vec_delete(&mut import_types);
        // Usually the right number of imports; sometimes fewer or more.
        let n = match u.int_in_range(0..=5u8).unwrap_or(0) {
            0 => needed.saturating_sub(1),
            1 => needed + 1,
            _ => needed,
        };
        let mut chosen: Vec<*mut wasm_extern_t> = Vec::new();
        // A module may be instantiated in any store of its engine; imports only in their own.
        let mut foreign = meid != seid;
        let mut import_stores = Vec::new();
        for k in 0..n {
            match pick(u, &self.externs) {
                Some(&(e, esid)) => {
                    import_stores.push(esid);
                    // Imports past the module's own are ignored (link_errors_test.c).
                    foreign |= esid != sid && k < needed;
                    chosen.push(e);
                }
                None => return,
            }
        }
        let imports = wasm_extern_vec_t { size: chosen.len(), data: chosen.as_mut_ptr() };
        let mut trap: *mut wasm_trap_t = ptr::null_mut();
        let i = wasm_instance_new(s, m, &imports, &mut trap);
        if foreign {
            // A module of another engine, or an import of another store, is refused.
            assert!(
                i.is_null(),
                "wasm_instance_new accepted an object of another store or engine: module engine {meid}, store {sid} of engine {seid}, imports from stores {import_stores:?}"
            );
        }
        if n < needed {
            assert!(i.is_null(), "wasm_instance_new accepted {n} imports for {needed}");
        }
        if !trap.is_null() {
            assert!(i.is_null());
            self.traps.push(trap);
        }
        if !i.is_null() {
            self.instances.push((i, sid));
        }
    }

    unsafe fn new_extern(&mut self, u: &mut Unstructured) {
        if self.externs.len() >= 24 {
            return;
        }
        let Some(&(sid, s, _)) = pick(u, &self.stores) else { return };
        let e = match u.int_in_range(0..=3u8).unwrap_or(0) {
            0 => {
                let nparams = u.int_in_range(0..=3usize).unwrap_or(0);
                let nresults = u.int_in_range(0..=2usize).unwrap_or(0);
                let mut params = wasm_valtype_vec_t::empty();
                let p: Vec<*mut wasm_valtype_t> =
                    (0..nparams).map(|_| wasm_valtype_new(valkind(u) % 130)).filter(|t| !t.is_null()).collect();
                wasm_valtype_vec_new(&mut params, p.len(), p.as_ptr());
                let mut results = wasm_valtype_vec_t::empty();
                let r: Vec<*mut wasm_valtype_t> =
                    (0..nresults).map(|_| wasm_valtype_new(valkind(u) % 130)).filter(|t| !t.is_null()).collect();
                wasm_valtype_vec_new(&mut results, r.len(), r.as_ptr());
                let ft = wasm_functype_new(&mut params, &mut results);
                let f = wasm_func_new(s, ft, Some(zero_results));
                wasm_functype_delete(ft);
                wasm_func_as_extern(f)
            }
            1 => {
                let kind = valkind(u);
                let vt = wasm_valtype_new(kind);
                if vt.is_null() {
                    return;
                }
                let gt = wasm_globaltype_new(vt, if u.arbitrary().unwrap_or(true) { WASM_VAR } else { WASM_CONST });
                let v = self.value(u, kind);
                let g = wasm_global_new(s, gt, &v);
                wasm_globaltype_delete(gt);
                wasm_global_as_extern(g)
            }
            2 => {
                let kind = if u.arbitrary().unwrap_or(true) { WASM_FUNCREF } else { WASM_EXTERNREF };
                let vt = wasm_valtype_new(kind);
                let l = limits(u);
                let l = wasm_limits_t { min: l.min % 100_000, max: l.max };
                let tt = wasm_tabletype_new(vt, &l);
                let init = if u.arbitrary().unwrap_or(false) {
                    pick(u, &self.refs).map_or(ptr::null_mut(), |r| r.0)
                } else {
                    ptr::null_mut()
                };
                let t = wasm_table_new(s, tt, init);
                wasm_tabletype_delete(tt);
                wasm_table_as_extern(t)
            }
            _ => {
                let l = limits(u);
                let l = wasm_limits_t { min: l.min.min(100), max: l.max };
                let mt = wasm_memorytype_new(&l);
                let m = wasm_memory_new(s, mt);
                wasm_memorytype_delete(mt);
                wasm_memory_as_extern(m)
            }
        };
        if !e.is_null() {
            self.externs.push((e, sid));
        }
    }

    unsafe fn call(&mut self, u: &mut Unstructured) {
        let Some(&(e, sid)) = pick(u, &self.externs) else { return };
        let f = wasm_extern_as_func(e);
        if f.is_null() {
            return;
        }
        let ft = wasm_func_type(f);
        let kinds: Vec<wasm_valkind_t> =
            (*wasm_functype_params(ft)).as_slice().iter().map(|t| wasm_valtype_kind(*t)).collect();
        let rkinds: Vec<wasm_valkind_t> =
            (*wasm_functype_results(ft)).as_slice().iter().map(|t| wasm_valtype_kind(*t)).collect();
        wasm_functype_delete(ft);
        if u.ratio(1u8, 6).unwrap_or(false) {
            let mut slots = vec![wasmlift_v128_slot_t { bytes: [0; 16] }; u.int_in_range(0..=4usize).unwrap_or(1)];
            for s in slots.iter_mut() {
                s.bytes = u.arbitrary().unwrap_or([0; 16]);
            }
            let t = wasmlift_func_call_v128(f, slots.as_mut_ptr(), slots.len());
            if !t.is_null() {
                self.traps.push(t);
            }
            return;
        }
        // Usually the right arity and kinds; sometimes not (which must trap, not crash).
        let wrong = u.ratio(1u8, 5).unwrap_or(false);
        let nargs = if wrong { u.int_in_range(0..=4usize).unwrap_or(0) } else { kinds.len() };
        let mut args: Vec<wasm_val_t> = (0..nargs).map(|i| self.value(u, *kinds.get(i).unwrap_or(&WASM_I32))).collect();
        // Keep the common i32 arguments small so memory and table accesses sometimes succeed.
        for a in args.iter_mut() {
            if a.kind == WASM_I32 && u.arbitrary().unwrap_or(true) {
                a.of.i32 &= 0xffff;
            }
        }
        let nres = if wrong { u.int_in_range(0..=3usize).unwrap_or(0) } else { rkinds.len() };
        let mut outs: Vec<wasm_val_t> = (0..nres).map(|i| zero_val(*rkinds.get(i).unwrap_or(&WASM_I32))).collect();
        let a = wasm_val_vec_t { size: args.len(), data: args.as_mut_ptr() };
        let mut r = wasm_val_vec_t { size: outs.len(), data: outs.as_mut_ptr() };
        let t = wasm_func_call(f, &a, &mut r);
        let _ = sid;
        if t.is_null() {
            // Extra room in the results vector is allowed; too little, or a wrong argument
            // count, is not.
            assert!(
                nargs == kinds.len() && (nres >= rkinds.len() || rkinds.is_empty()),
                "wasm_func_call accepted the wrong arity"
            );
            for v in outs.iter_mut() {
                if v.kind >= WASM_EXTERNREF && !v.of.r#ref.is_null() && self.refs.len() < 16 {
                    let sid = self.externs.iter().find(|x| x.0 == e).map_or(0, |x| x.1);
                    self.refs.push((v.of.r#ref, sid));
                } else {
                    wasm_val_delete(v);
                }
            }
        } else if self.traps.len() < 8 {
            self.traps.push(t);
        } else {
            wasm_trap_delete(t);
        }
    }

    unsafe fn table_op(&mut self, u: &mut Unstructured) {
        let Some(&(e, sid)) = pick(u, &self.externs) else { return };
        let t = wasm_extern_as_table(e);
        if t.is_null() {
            return;
        }
        let size = wasm_table_size(t);
        let index = match u.int_in_range(0..=3u8).unwrap_or(0) {
            0 => size,
            1 => u32::MAX,
            _ if size > 0 => u.int_in_range(0..=size - 1).unwrap_or(0),
            _ => 0,
        };
        let r = if u.arbitrary().unwrap_or(false) { pick(u, &self.refs).copied() } else { None };
        match u.int_in_range(0..=2u8).unwrap_or(0) {
            0 => {
                let got = wasm_table_get(t, index);
                if index >= size {
                    assert!(got.is_null(), "wasm_table_get out of bounds returned a reference");
                }
                if !got.is_null() {
                    if self.refs.len() < 16 {
                        self.refs.push((got, sid));
                    } else {
                        wasm_ref_delete(got);
                    }
                }
            }
            1 => {
                let ok = wasm_table_set(t, index, r.map_or(ptr::null_mut(), |x| x.0));
                if index >= size {
                    assert!(!ok, "wasm_table_set out of bounds succeeded");
                }
                if let Some((_, rsid)) = r {
                    // A reference of another store never enters the table.
                    assert!(rsid == sid || !ok, "wasm_table_set accepted a reference of another store");
                }
            }
            _ => {
                let delta = *pick(u, &[0u32, 1, 10, 1000, u32::MAX]).unwrap_or(&1);
                let ok = wasm_table_grow(t, delta, r.map_or(ptr::null_mut(), |x| x.0));
                let after = wasm_table_size(t);
                assert_eq!(after as u64, if ok { size as u64 + delta as u64 } else { size as u64 }, "wasm_table_grow");
            }
        }
    }

    unsafe fn teardown(&mut self, u: &mut Unstructured) {
        // Delete everything in an order the data picks (the kinds interleaved).
        loop {
            let kinds = [
                !self.engines.is_empty(),
                !self.stores.is_empty(),
                !self.modules.is_empty(),
                !self.shared.is_empty(),
                !self.instances.is_empty(),
                !self.externs.is_empty(),
                !self.refs.is_empty(),
                !self.traps.is_empty(),
            ];
            let live: Vec<usize> = (0..kinds.len()).filter(|i| kinds[*i]).collect();
            let Some(&k) = pick(u, &live).or(live.first()) else { break };
            match k {
                0 => wasm_engine_delete(self.engines.pop().unwrap().1),
                1 => wasm_store_delete(self.stores.pop().unwrap().1),
                2 => wasm_module_delete(self.modules.pop().unwrap().0),
                3 => wasm_shared_module_delete(self.shared.pop().unwrap().0),
                4 => wasm_instance_delete(self.instances.pop().unwrap().0),
                5 => wasm_extern_delete(self.externs.pop().unwrap().0),
                6 => wasm_ref_delete(self.refs.pop().unwrap().0),
                _ => wasm_trap_delete(self.traps.pop().unwrap()),
            }
        }
    }
}

fn mask(kind: wasm_valkind_t) -> i64 {
    if kind == WASM_I32 || kind == WASM_F32 {
        0xffff_ffff
    } else {
        -1
    }
}

/// Runs one sequence. Panics (a finding) on a broken contract; a crash is a finding too.
pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let mut w = World::new();
    // SAFETY: World only holds live handles and passes them to the C API as documented.
    unsafe {
        // Always one engine and store to start with, so short inputs do something.
        let id = w.id();
        w.engines.push((id, new_engine(EngineConfig::Default, false), EngineConfig::Default));
        let sid = w.id();
        w.stores.push((sid, wasm_store_new(w.engines[0].1), id));
        let mut steps = 0;
        while steps < 200 && w.step(&mut u) {
            steps += 1;
        }
        w.teardown(&mut u);
    }
}
