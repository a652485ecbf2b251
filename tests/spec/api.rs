//! The spec runner's view of the engine: small wrappers over the wasm.h functions (the same
//! entry points a C embedder calls), plus the `spectest` host module built from host objects.
//! Every handle created here is deleted again, so the runner also exercises ownership rules.

use std::ffi::{c_void, CStr};
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
use wasmlift::capi::trap::*;
use wasmlift::capi::types::*;
use wasmlift::capi::val::*;
use wasmlift::capi::vecs::*;

pub use wasmlift::capi::extensions::wasmlift_v128_slot_t as V128Slot;
pub use wasmlift::capi::types::{WASM_EXTERNREF, WASM_F32, WASM_F64, WASM_FUNCREF, WASM_I32, WASM_I64, WASM_V128};
pub use wasmlift::capi::val::{wasm_val_t as Val, wasm_val_union as ValUnion};

/// The last error message recorded by the engine on this thread.
pub fn last_error() -> String {
    unsafe { CStr::from_ptr(wasmlift_error_message()).to_string_lossy().into_owned() }
}

/// Copies a `wasm_name_t`/`wasm_message_t` into a Rust string (dropping a trailing NUL).
unsafe fn name_string(v: *const wasm_byte_vec_t) -> String {
    let Some(v) = v.as_ref() else { return String::new() };
    if v.data.is_null() || v.size == 0 {
        return String::new();
    }
    let bytes = std::slice::from_raw_parts(v.data as *const u8, v.size);
    let bytes = bytes.strip_suffix(&[0]).unwrap_or(bytes);
    String::from_utf8_lossy(bytes).into_owned()
}

/// An owned trap; the message is read once.
pub struct Trap(*mut wasm_trap_t);

/// How `describe` marks a trap that carries an uncaught wasm exception (asked through
/// `wasmlift_trap_exception_tag`, not read from the message).
pub const EXCEPTION_MARK: &str = "[exception] ";

impl Trap {
    /// The message, marked with `EXCEPTION_MARK` when the trap carries a wasm exception.
    pub fn describe(&self) -> String {
        unsafe {
            let tag = wasmlift::capi::tag::wasmlift_trap_exception_tag(self.0);
            if tag.is_null() {
                return self.message();
            }
            wasmlift::capi::tag::wasmlift_tag_delete(tag);
        }
        format!("{EXCEPTION_MARK}{}", self.message())
    }

    pub fn message(&self) -> String {
        unsafe {
            let mut msg = wasm_byte_vec_t { size: 0, data: ptr::null_mut() };
            wasm_trap_message(self.0, &mut msg);
            let s = name_string(&msg);
            wasm_byte_vec_delete(&mut msg);
            s
        }
    }
}

impl Drop for Trap {
    fn drop(&mut self) {
        unsafe { wasm_trap_delete(self.0) }
    }
}

fn take_trap(t: *mut wasm_trap_t) -> Option<Trap> {
    if t.is_null() {
        None
    } else {
        Some(Trap(t))
    }
}

/// One engine and one store, for one script.
pub struct Store {
    engine: *mut wasm_engine_t,
    pub store: *mut wasm_store_t,
}

/// Proposal directories written before multi-memory joined the standard (their binary.wast
/// requires the memory index byte of `memory.size`/`memory.grow` to be zero) run without it.
static WITHOUT_MULTI_MEMORY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn set_without_multi_memory(on: bool) {
    WITHOUT_MULTI_MEMORY.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// wasmlift's own scripts run with the default (3.0) feature set exactly, as embedders get it.
static DEFAULT_FEATURES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn set_default_features(on: bool) {
    DEFAULT_FEATURES.store(on, std::sync::atomic::Ordering::Relaxed);
}

impl Store {
    /// `compile_threads` is passed to `wasmlift_config_compile_threads` (0 = all cores);
    /// `proposals` selects the WebAssembly 3.0 feature set (every proposal the runner tests);
    /// without it, exactly WebAssembly 2.0.
    pub fn new(compile_threads: usize, proposals: bool) -> Store {
        unsafe {
            let config = wasm_config_new();
            wasmlift_config_compile_threads(config, compile_threads);
            if proposals {
                assert!(wasmlift_config_feature_set(config, WASMLIFT_FEATURES_WASM3));
                let extra: &[unsafe extern "C" fn(*mut wasm_config_t, bool)] =
                    if DEFAULT_FEATURES.load(std::sync::atomic::Ordering::Relaxed) {
                        &[]
                    } else {
                        &[
                            wasmlift_config_memory64,
                            wasmlift_config_function_references,
                            wasmlift_config_exceptions,
                            wasmlift_config_relaxed_simd,
                            wasmlift_config_gc,
                        ]
                    };
                for enable in extra {
                    enable(config, true);
                }
                if WITHOUT_MULTI_MEMORY.load(std::sync::atomic::Ordering::Relaxed) {
                    wasmlift_config_multi_memory(config, false);
                }
            } else {
                assert!(wasmlift_config_feature_set(config, WASMLIFT_FEATURES_WASM2));
            }
            let engine = wasm_engine_new_with_config(config);
            assert!(!engine.is_null(), "wasm_engine_new_with_config failed");
            let store = wasm_store_new(engine);
            assert!(!store.is_null(), "wasm_store_new failed");
            // Fuel for runs with WASMLIFT_CONSUME_FUEL=1 (metering on by default); without
            // metering the setting is unused.
            wasmlift_store_set_fuel(store, 1 << 62);
            Store { engine, store }
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        unsafe {
            wasm_store_delete(self.store);
            wasm_engine_delete(self.engine);
        }
    }
}

/// A compiled module handle.
pub struct Module(pub *mut wasm_module_t);

impl Module {
    /// `wasm_module_new`; the error is `wasmlift_error_message()`.
    pub fn new(store: &Store, binary: &[u8]) -> Result<Module, String> {
        let v = wasm_byte_vec_t { size: binary.len(), data: binary.as_ptr() as *mut _ };
        let m = unsafe { wasm_module_new(store.store, &v) };
        if m.is_null() {
            Err(last_error())
        } else {
            Ok(Module(m))
        }
    }

    /// (module name, field name, extern kind) of every import, in order.
    pub fn imports(&self) -> Vec<(String, String, wasm_externkind_t)> {
        unsafe {
            let mut v = wasm_importtype_vec_t { size: 0, data: ptr::null_mut() };
            wasm_module_imports(self.0, &mut v);
            let out = (0..v.size)
                .map(|i| {
                    let t = *v.data.add(i);
                    (
                        name_string(wasm_importtype_module(t)),
                        name_string(wasm_importtype_name(t)),
                        wasm_externtype_kind(wasm_importtype_type(t)),
                    )
                })
                .collect();
            wasm_importtype_vec_delete(&mut v);
            out
        }
    }

    /// Export names, in order (the order `wasm_instance_exports` uses).
    pub fn export_names(&self) -> Vec<String> {
        unsafe {
            let mut v = wasm_exporttype_vec_t { size: 0, data: ptr::null_mut() };
            wasm_module_exports(self.0, &mut v);
            let out = (0..v.size).map(|i| name_string(wasm_exporttype_name(*v.data.add(i)))).collect();
            wasm_exporttype_vec_delete(&mut v);
            out
        }
    }
}

impl Clone for Module {
    fn clone(&self) -> Module {
        Module(unsafe { wasm_module_copy(self.0) })
    }
}

impl Drop for Module {
    fn drop(&mut self) {
        unsafe { wasm_module_delete(self.0) }
    }
}

/// An owned extern handle (an export or a host object).
pub struct Extern(pub *mut wasm_extern_t);

impl Extern {
    pub fn as_func(&self) -> Option<*mut wasm_func_t> {
        let f = unsafe { wasm_extern_as_func(self.0) };
        (!f.is_null()).then_some(f)
    }
    pub fn as_global(&self) -> Option<*mut wasm_global_t> {
        let g = unsafe { wasm_extern_as_global(self.0) };
        (!g.is_null()).then_some(g)
    }
}

impl Clone for Extern {
    fn clone(&self) -> Extern {
        Extern(unsafe { wasm_extern_copy(self.0) })
    }
}

impl Drop for Extern {
    fn drop(&mut self) {
        unsafe { wasm_extern_delete(self.0) }
    }
}

/// Why `wasm_instance_new` failed: the trap it returned (link errors come as traps too).
pub struct InstantiateError {
    pub message: String,
}

/// An instance and its exports by name.
pub struct Instance {
    handle: *mut wasm_instance_t,
    pub exports: Vec<(String, Extern)>,
}

impl Instance {
    /// `wasm_instance_new` with `imports` in the module's import order (None = not provided).
    pub fn new(store: &Store, module: &Module, imports: &[Option<Extern>]) -> Result<Instance, InstantiateError> {
        unsafe {
            let mut ptrs: Vec<*mut wasm_extern_t> =
                imports.iter().map(|e| e.as_ref().map_or(ptr::null_mut(), |e| e.0)).collect();
            let v = wasm_extern_vec_t {
                size: ptrs.len(),
                data: if ptrs.is_empty() { ptr::null_mut() } else { ptrs.as_mut_ptr() },
            };
            let mut trap = ptr::null_mut();
            let inst = wasm_instance_new(store.store, module.0, &v, &mut trap);
            if inst.is_null() {
                let message = match take_trap(trap) {
                    Some(t) => t.message(),
                    None => format!("wasm_instance_new failed without a trap: {}", last_error()),
                };
                return Err(InstantiateError { message });
            }
            if let Some(t) = take_trap(trap) {
                return Err(InstantiateError {
                    message: format!("wasm_instance_new returned an instance and a trap: {}", t.message()),
                });
            }
            let names = module.export_names();
            let mut ev = wasm_extern_vec_t { size: 0, data: ptr::null_mut() };
            wasm_instance_exports(inst, &mut ev);
            assert_eq!(
                ev.size,
                names.len(),
                "wasm_instance_exports and wasm_module_exports disagree on the export count"
            );
            // Keep copies of the handles; the vector is deleted with the originals it owns.
            let exports =
                names.into_iter().enumerate().map(|(i, n)| (n, Extern(wasm_extern_copy(*ev.data.add(i))))).collect();
            wasm_extern_vec_delete(&mut ev);
            Ok(Instance { handle: inst, exports })
        }
    }

    pub fn export(&self, name: &str) -> Option<&Extern> {
        self.exports.iter().find(|(n, _)| n == name).map(|(_, e)| e)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        unsafe { wasm_instance_delete(self.handle) }
    }
}

/// Parameter and result value kinds of a function (`wasm_func_type`).
pub fn func_kinds(f: *const wasm_func_t) -> (Vec<wasm_valkind_t>, Vec<wasm_valkind_t>) {
    unsafe {
        let ty = wasm_func_type(f);
        let kinds = |v: *const wasm_valtype_vec_t| -> Vec<wasm_valkind_t> {
            let v = &*v;
            (0..v.size).map(|i| wasm_valtype_kind(*v.data.add(i))).collect()
        };
        let out = (kinds(wasm_functype_params(ty)), kinds(wasm_functype_results(ty)));
        wasm_functype_delete(ty);
        out
    }
}

/// Results of a call: owned values (references are released on drop).
pub struct Results(pub Vec<Val>);

impl Drop for Results {
    fn drop(&mut self) {
        for v in &mut self.0 {
            unsafe { wasm_val_delete(v) }
        }
    }
}

/// `wasm_func_call`: `args` are borrowed (their references stay owned by the caller).
pub fn call(f: *const wasm_func_t, args: &[Val], nresults: usize) -> Result<Results, String> {
    unsafe {
        let mut args = args.to_vec();
        let argv = wasm_val_vec_t {
            size: args.len(),
            data: if args.is_empty() { ptr::null_mut() } else { args.as_mut_ptr() },
        };
        let mut results = vec![Val { kind: WASM_I32, of: ValUnion { i64: 0 } }; nresults];
        let mut resv = wasm_val_vec_t {
            size: results.len(),
            data: if results.is_empty() { ptr::null_mut() } else { results.as_mut_ptr() },
        };
        match take_trap(wasm_func_call(f, &argv, &mut resv)) {
            Some(t) => Err(t.describe()),
            None => Ok(Results(results)),
        }
    }
}

/// `wasmlift_func_call_v128`: for signatures with v128 (and only numeric) values.
pub fn call_v128(f: *const wasm_func_t, args: &[V128Slot], nresults: usize) -> Result<Vec<V128Slot>, String> {
    unsafe {
        let n = args.len().max(nresults).max(1);
        let mut slots = vec![V128Slot { bytes: [0; 16] }; n];
        slots[..args.len()].copy_from_slice(args);
        match take_trap(wasmlift_func_call_v128(f, slots.as_mut_ptr(), slots.len())) {
            Some(t) => Err(t.describe()),
            None => {
                slots.truncate(nresults);
                Ok(slots)
            }
        }
    }
}

/// `wasm_global_get` (the value owns its reference, if any).
pub fn global_get(g: *const wasm_global_t) -> Results {
    unsafe {
        let mut v = Val { kind: WASM_I32, of: ValUnion { i64: 0 } };
        wasm_global_get(g, &mut v);
        Results(vec![v])
    }
}

/// The value kind of a global (`wasm_global_type`).
pub fn global_kind(g: *const wasm_global_t) -> wasm_valkind_t {
    unsafe {
        let t = wasm_global_type(g);
        let k = wasm_valtype_kind(wasm_globaltype_content(t));
        wasm_globaltype_delete(t);
        k
    }
}

/// Host identities for `ref.extern N` / `ref.host N`: one `wasm_foreign_t` per N, created on
/// first use, with N as its host info so results can be named in messages.
#[derive(Default)]
pub struct Foreigns {
    by_index: Vec<(u32, *mut wasm_foreign_t)>,
}

impl Foreigns {
    pub fn get(&mut self, store: &Store, n: u32) -> *mut wasm_ref_t {
        if let Some((_, f)) = self.by_index.iter().find(|(i, _)| *i == n) {
            return unsafe { wasm_foreign_as_ref(*f) };
        }
        unsafe {
            let f = wasm_foreign_new(store.store);
            assert!(!f.is_null(), "wasm_foreign_new failed");
            // Host info holds N + 1 so that 0 (unset) is distinguishable.
            wasm_foreign_set_host_info(f, (n as usize + 1) as *mut c_void);
            self.by_index.push((n, f));
            wasm_foreign_as_ref(f)
        }
    }

    /// The N of a reference this cache created, if it is one of them.
    pub fn index_of(&self, r: *const wasm_ref_t) -> Option<u32> {
        self.by_index.iter().find(|(_, f)| unsafe { wasm_ref_same(r, wasm_foreign_as_ref_const(*f)) }).map(|(n, _)| *n)
    }

    /// True when `r` is the same object as `ref.extern n`.
    pub fn same(&mut self, store: &Store, r: *const wasm_ref_t, n: u32) -> bool {
        let mine = self.get(store, n);
        unsafe { wasm_ref_same(r, mine) }
    }

    /// The host info recorded on an object (N + 1 for our foreigns), via the generic ref API.
    pub fn host_info(r: *const wasm_ref_t) -> usize {
        unsafe { wasm_ref_get_host_info(r) as usize }
    }
}

impl Drop for Foreigns {
    fn drop(&mut self) {
        for (_, f) in self.by_index.drain(..) {
            unsafe { wasm_foreign_delete(f) }
        }
    }
}

// ---- The `spectest` module ----

/// Whether `spectest.print*` calls echo their arguments (verbose runs).
static PRINT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn set_print(on: bool) {
    PRINT.store(on, std::sync::atomic::Ordering::Relaxed);
}

unsafe extern "C" fn spectest_print(args: *const wasm_val_vec_t, _results: *mut wasm_val_vec_t) -> *mut wasm_trap_t {
    if PRINT.load(std::sync::atomic::Ordering::Relaxed) {
        let args = &*args;
        let vals: Vec<String> = (0..args.size)
            .map(|i| {
                let v = &*args.data.add(i);
                match v.kind {
                    WASM_I32 => format!("{} : i32", v.of.i32),
                    WASM_I64 => format!("{} : i64", v.of.i64),
                    WASM_F32 => format!("{} : f32", v.of.f32),
                    WASM_F64 => format!("{} : f64", v.of.f64),
                    k => format!("<kind {k}>"),
                }
            })
            .collect();
        eprintln!("spectest print: {}", vals.join(", "));
    }
    ptr::null_mut()
}

unsafe fn valtype_vec(kinds: &[wasm_valkind_t]) -> wasm_valtype_vec_t {
    let mut types: Vec<*mut wasm_valtype_t> = kinds.iter().map(|k| wasm_valtype_new(*k)).collect();
    let mut v = wasm_valtype_vec_t { size: 0, data: ptr::null_mut() };
    wasm_valtype_vec_new(&mut v, types.len(), types.as_mut_ptr());
    v
}

/// The `spectest` exports, each built with the host-object constructors of wasm.h.
pub fn spectest(store: &Store) -> Vec<(String, Extern)> {
    let mut out = Vec::new();
    unsafe {
        let funcs: [(&str, &[wasm_valkind_t]); 7] = [
            ("print", &[]),
            ("print_i32", &[WASM_I32]),
            ("print_i64", &[WASM_I64]),
            ("print_f32", &[WASM_F32]),
            ("print_f64", &[WASM_F64]),
            ("print_i32_f32", &[WASM_I32, WASM_F32]),
            ("print_f64_f64", &[WASM_F64, WASM_F64]),
        ];
        for (name, params) in funcs {
            let mut p = valtype_vec(params);
            let mut r = valtype_vec(&[]);
            let ty = wasm_functype_new(&mut p, &mut r);
            let f = wasm_func_new(store.store, ty, Some(spectest_print));
            wasm_functype_delete(ty);
            assert!(!f.is_null(), "wasm_func_new({name}) failed");
            out.push((name.to_string(), Extern(wasm_func_as_extern(f))));
        }
        let globals = [
            ("global_i32", WASM_I32, ValUnion { i32: 666 }),
            ("global_i64", WASM_I64, ValUnion { i64: 666 }),
            ("global_f32", WASM_F32, ValUnion { f32: 666.6 }),
            ("global_f64", WASM_F64, ValUnion { f64: 666.6 }),
        ];
        for (name, kind, of) in globals {
            let gt = wasm_globaltype_new(wasm_valtype_new(kind), WASM_CONST);
            let val = Val { kind, of };
            let g = wasm_global_new(store.store, gt, &val);
            wasm_globaltype_delete(gt);
            assert!(!g.is_null(), "wasm_global_new({name}) failed: {}", last_error());
            out.push((name.to_string(), Extern(wasm_global_as_extern(g))));
        }
        let limits = wasm_limits_t { min: 10, max: 20 };
        let tt = wasm_tabletype_new(wasm_valtype_new(WASM_FUNCREF), &limits);
        let t = wasm_table_new(store.store, tt, ptr::null_mut());
        wasm_tabletype_delete(tt);
        assert!(!t.is_null(), "wasm_table_new failed: {}", last_error());
        out.push(("table".to_string(), Extern(wasm_table_as_extern(t))));
        let limits = wasm_limits_t { min: 1, max: 2 };
        let mt = wasm_memorytype_new(&limits);
        let m = wasm_memory_new(store.store, mt);
        wasm_memorytype_delete(mt);
        assert!(!m.is_null(), "wasm_memory_new failed: {}", last_error());
        out.push(("memory".to_string(), Extern(wasm_memory_as_extern(m))));
    }
    out
}
