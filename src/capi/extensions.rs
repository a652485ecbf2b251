//! wasmlift's extensions to the standard C API (`wasmlift_*`), emitted into `include/wasmlift.h`
//! instead of `wasm.h` (see build.rs). Every item here must be written out literally so that
//! cbindgen sees it.

use crate::capi::engine::wasm_config_t;
use crate::capi::r#ref::wasm_module_t;
use crate::capi::types::wasm_valkind_t;
use crate::decode::Features;
use crate::runtime::lazy::CompilationMode;

/// The `wasm_valkind_t` of 128-bit SIMD values (`v128`), which the standard API has no kind
/// for. `wasm_valtype_new(WASMLIFT_V128)` creates the type; it appears in the function types
/// of modules that use SIMD. `wasm_valkind_is_num` is true for it.
pub const WASMLIFT_V128: wasm_valkind_t = 4;

/// Bytes of native stack that WebAssembly code may use per call from the host; deeper
/// recursion traps with "call stack exhausted". Default 1 MiB.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_max_wasm_stack(config: *mut wasm_config_t, size: usize) {
    // SAFETY: `config` is NULL or a live `wasm_config_t` the caller still owns (C API
    // contract, rule 1); no other reference to it exists during this call.
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.max_wasm_stack = size;
    }
}

/// Compile explicit bounds checks into memory accesses instead of relying on guard pages
/// and the signal handler. Default false.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_explicit_bounds_checks(config: *mut wasm_config_t, enable: bool) {
    // SAFETY: `config` is NULL or a live `wasm_config_t` the caller still owns (C API
    // contract, rule 1); no other reference to it exists during this call.
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.explicit_bounds_checks = enable;
    }
}

/// Threads used to compile one module; 0 (the default) uses every available core.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_compile_threads(config: *mut wasm_config_t, threads: usize) {
    // SAFETY: `config` is NULL or a live `wasm_config_t` the caller still owns (C API
    // contract, rule 1); no other reference to it exists during this call.
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.compile_threads = threads;
    }
}

/// Engine-wide ceiling on any linear memory's size, in 64 KiB pages (default 262144 = 16 GiB;
/// 32-bit memories never exceed 65536 pages = 4 GiB anyway); `memory.grow` past it fails and
/// module instantiation needing more fails. A memory64 memory reserves (uncommitted) address
/// space for its maximum size, its declared maximum or else this ceiling, at most 1 TiB.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_max_memory_pages(config: *mut wasm_config_t, pages: u64) {
    // SAFETY: `config` is NULL or a live `wasm_config_t` the caller still owns (C API
    // contract, rule 1); no other reference to it exists during this call.
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.max_memory_pages = pages;
    }
}

/// Ask the kernel for transparent huge pages (2 MiB) for linear memories: their reservations
/// start on a 2 MiB boundary and are marked MADV_HUGEPAGE, so code walking large memories needs
/// far fewer TLB entries. The price is paid at first touch: the kernel zeroes (and may compact
/// memory for) a whole 2 MiB page at once, which makes instantiating modules with memories of
/// 2 MiB or more much slower (4 µs → 170 µs and more, bench/RESULTS.md), and touching one byte
/// may commit 2 MiB. Off by default, as no kernel of the bench gained measurably on this
/// machine (the environment variable WASMLIFT_HUGE_PAGES=1 turns it on by default); no effect
/// when the kernel has them off.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_huge_pages(config: *mut wasm_config_t, enable: bool) {
    // SAFETY: `config` is NULL or a live `wasm_config_t` the caller still owns (C API
    // contract, rule 1); no other reference to it exists during this call.
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.huge_pages = enable;
    }
}

/// Inline small direct callees (and small recursive functions into themselves) in optimized
/// code. On by default; traps in inlined code still report every wasm frame with its own
/// function index and offsets. Turning it off (or the environment variable
/// WASMLIFT_INLINING=0) gives one machine frame per wasm call, to compare or profile.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_inlining(config: *mut wasm_config_t, enable: bool) {
    // SAFETY: `config` is NULL or a live `wasm_config_t` the caller still owns (C API
    // contract, rule 1); no other reference to it exists during this call.
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.inlining = enable;
    }
}

#[cfg(test)]
mod config_tests {
    use super::*;
    use crate::capi::engine::{wasm_config_delete, wasm_config_new};

    #[test]
    fn setters_change_the_config_and_ignore_null() {
        // SAFETY: `c` is a live config from `wasm_config_new` until it is deleted at the end;
        // the other pointer is NULL.
        unsafe {
            let c = wasm_config_new();
            wasmlift_config_max_wasm_stack(c, 4096);
            wasmlift_config_explicit_bounds_checks(c, true);
            wasmlift_config_compile_threads(c, 1);
            wasmlift_config_max_memory_pages(c, 10);
            let inlining_default = (*c).config.inlining;
            wasmlift_config_inlining(c, !inlining_default);
            let cfg = &(*c).config;
            assert_eq!(
                (cfg.max_wasm_stack, cfg.explicit_bounds_checks, cfg.compile_threads, cfg.max_memory_pages),
                (4096, true, 1, 10)
            );
            assert_eq!(cfg.inlining, !inlining_default);
            wasm_config_delete(c);
            wasmlift_config_max_wasm_stack(std::ptr::null_mut(), 1);
            wasmlift_config_inlining(std::ptr::null_mut(), false);
        }
    }
}

thread_local! {
    static LAST_ERROR: std::cell::RefCell<std::ffi::CString> = std::cell::RefCell::new(std::ffi::CString::default());
}

/// Records the message `wasmlift_error_message` returns on this thread.
pub(crate) fn set_error(message: &str) {
    let c = std::ffi::CString::new(message.replace('\0', " ")).unwrap_or_default();
    LAST_ERROR.with(|e| *e.borrow_mut() = c);
}

/// The message of the last failure on this thread (e.g. why `wasm_module_new` returned NULL:
/// the validator's message with its byte offset). Empty when nothing failed yet. The pointer
/// stays valid until the next failing call on the same thread.
#[no_mangle]
pub extern "C" fn wasmlift_error_message() -> *const std::os::raw::c_char {
    LAST_ERROR.with(|e| e.borrow().as_ptr())
}

/// Translates WebAssembly text (`len` bytes at `wat`) to a binary module in `out`. Returns false
/// and sets `wasmlift_error_message()` on a syntax error (`out` is then empty).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_wat2wasm(
    wat: *const std::os::raw::c_char,
    len: usize,
    out: *mut crate::capi::vec::wasm_byte_vec_t,
) -> bool {
    use crate::capi::vec::CVec;
    if out.is_null() {
        return false;
    }
    // SAFETY: `out` is non-NULL, so writable storage for one byte vector (C API contract, rule 2).
    unsafe { out.write(crate::capi::vec::wasm_byte_vec_t::empty()) };
    if wat.is_null() {
        set_error("wasmlift_wat2wasm: text must not be NULL");
        return false;
    }
    // SAFETY: `wat` is non-NULL (checked above) and the caller passes `len` readable bytes
    // there (C API contract, rule 6), only read during this call.
    let bytes = unsafe { std::slice::from_raw_parts(wat as *const u8, len) };
    let Ok(text) = std::str::from_utf8(bytes) else {
        set_error("wasmlift_wat2wasm: text is not UTF-8");
        return false;
    };
    match wat::parse_str(text) {
        Ok(binary) => {
            // SAFETY: `out` is non-NULL and writable (rule 2); it holds the empty vector written
            // above, which owns nothing, so overwriting it leaks nothing.
            unsafe { out.write(crate::capi::vec::wasm_byte_vec_t::from_bytes(&binary)) };
            true
        }
        Err(e) => {
            set_error(&e.to_string());
            false
        }
    }
}

/// A raw 16-byte value slot for `wasmlift_func_call_v128`: i32/f32 in the low 4 bytes,
/// i64/f64 in the low 8 bytes, v128 in all 16 (little-endian lanes).
#[repr(C, align(16))]
#[derive(Clone, Copy)]
pub struct wasmlift_v128_slot_t {
    pub bytes: [u8; 16],
}

// `wasmlift_func_call_v128` runs calls directly on the caller's slots.
const _: () = assert!(
    std::mem::size_of::<wasmlift_v128_slot_t>() == std::mem::size_of::<crate::abi::vmctx::VMVal>()
        && std::mem::align_of::<wasmlift_v128_slot_t>() == std::mem::align_of::<crate::abi::vmctx::VMVal>()
);

/// Calls a function whose signature uses only numeric and v128 types (which `wasm_val_t` cannot
/// carry). Arguments are read from `slots[0..params]`, results written to `slots[0..results]`;
/// `nslots` must be at least max(params, results). Returns NULL or a trap (owned by the caller).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_func_call_v128(
    func: *const crate::capi::r#ref::wasm_func_t,
    slots: *mut wasmlift_v128_slot_t,
    nslots: usize,
) -> *mut crate::capi::r#ref::wasm_trap_t {
    use crate::capi::r#ref::wasm_trap_t;
    use crate::runtime::trap::TrapRecord;
    // SAFETY: `func` is NULL or a live `wasm_func_t` (C API contract, rule 1).
    let Some(f) = (unsafe { func.as_ref() }) else { return std::ptr::null_mut() };
    // Owned for the whole call: a host callback may delete the handle `f` mid-call.
    let func = f.func().clone();
    let store = f.r.store.clone();
    let ty = func.ty();
    let need = ty.params.len().max(ty.results.len());
    if ty.params.iter().chain(ty.results.iter()).any(|t| t.is_ref()) {
        return wasm_trap_t::new_boxed(
            TrapRecord::new("wasmlift_func_call_v128: reference types are not supported here"),
            &store,
        );
    }
    if slots.is_null() && need > 0 || nslots < need {
        return wasm_trap_t::new_boxed(
            TrapRecord::new(format!("wasmlift_func_call_v128: need {need} slots, got {nslots}")),
            &store,
        );
    }
    // The caller's slots have the layout of the engine's own value slots (16 bytes, 16-aligned),
    // so the call runs on them directly: no copy, no allocation.
    let values: &mut [crate::abi::vmctx::VMVal] = if need == 0 {
        &mut []
    } else {
        // SAFETY: `slots` is non-NULL here (checked above) and the caller passes `nslots` >=
        // `need` readable and writable slots (C API contract, rule 6) that nothing else
        // touches during the call. `wasmlift_v128_slot_t` has `VMVal`'s size and alignment
        // (asserted above), and both are plain 16 bytes for which every bit pattern is valid.
        unsafe { std::slice::from_raw_parts_mut(slots as *mut crate::abi::vmctx::VMVal, need) }
    };
    match func.call_raw(values) {
        Ok(()) => std::ptr::null_mut(),
        Err(t) => wasm_trap_t::new_boxed(t, &store),
    }
}

/// `wasmlift_config_feature_set`: exactly the WebAssembly 2.0 features.
pub const WASMLIFT_FEATURES_WASM2: u32 = 2;
/// `wasmlift_config_feature_set`: the WebAssembly 3.0 features (the default).
pub const WASMLIFT_FEATURES_WASM3: u32 = 3;

/// Selects a whole feature set: `WASMLIFT_FEATURES_WASM3` (the default) or
/// `WASMLIFT_FEATURES_WASM2`, for hosts that must reject modules using newer features. Later
/// `wasmlift_config_<proposal>` calls adjust single proposals. Returns false (and changes
/// nothing) for NULL or an unknown set; `wasmlift_error_message()` says which.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_feature_set(config: *mut wasm_config_t, set: u32) -> bool {
    // SAFETY: `config` is NULL or a live `wasm_config_t` the caller still owns (C API
    // contract, rule 1); no other reference to it exists during this call.
    let Some(c) = (unsafe { config.as_mut() }) else {
        set_error("wasmlift_config_feature_set: config is NULL");
        return false;
    };
    c.config.features = match set {
        WASMLIFT_FEATURES_WASM2 => Features::WASM2,
        WASMLIFT_FEATURES_WASM3 => Features::WASM3,
        other => {
            set_error(&format!("wasmlift_config_feature_set: unknown feature set {other} (2 or 3)"));
            return false;
        }
    };
    true
}

/// Applies `change` to the feature set of `config` (NULL is ignored, as for every setter).
unsafe fn change_features(config: *mut wasm_config_t, change: impl FnOnce(&mut Features)) {
    // SAFETY: `config` is NULL or a live `wasm_config_t` the caller still owns (C API
    // contract, rule 1); no other reference to it exists during this call.
    if let Some(c) = unsafe { config.as_mut() } {
        change(&mut c.config.features);
    }
}

/// Switches the multi-memory proposal (several memories per module). On by default.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_multi_memory(config: *mut wasm_config_t, enable: bool) {
    // SAFETY: forwarded under the same contract as this function's.
    unsafe { change_features(config, |f| f.multi_memory = enable) }
}

/// Switches the tail-call proposal (`return_call*`). On by default.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_tail_call(config: *mut wasm_config_t, enable: bool) {
    // SAFETY: forwarded under the same contract as this function's.
    unsafe { change_features(config, |f| f.tail_call = enable) }
}

/// Switches extended constant expressions (arithmetic in initialisers). On by default.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_extended_const(config: *mut wasm_config_t, enable: bool) {
    // SAFETY: forwarded under the same contract as this function's.
    unsafe { change_features(config, |f| f.extended_const = enable) }
}

/// Switches memory64 (i64-indexed memories and tables).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_memory64(config: *mut wasm_config_t, enable: bool) {
    // SAFETY: forwarded under the same contract as this function's.
    unsafe { change_features(config, |f| f.memory64 = enable) }
}

/// Switches typed function references (`call_ref`, non-nullable references, ...).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_function_references(config: *mut wasm_config_t, enable: bool) {
    // SAFETY: forwarded under the same contract as this function's.
    unsafe { change_features(config, |f| f.function_references = enable) }
}

/// Switches exception handling (tags, `throw`, `throw_ref`, `try_table`, `exnref`).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_exceptions(config: *mut wasm_config_t, enable: bool) {
    // SAFETY: forwarded under the same contract as this function's.
    unsafe { change_features(config, |f| f.exceptions = enable) }
}

/// Switches relaxed SIMD.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_relaxed_simd(config: *mut wasm_config_t, enable: bool) {
    // SAFETY: forwarded under the same contract as this function's.
    unsafe { change_features(config, |f| f.relaxed_simd = enable) }
}

/// Switches garbage collection (structs, arrays, i31 references).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_gc(config: *mut wasm_config_t, enable: bool) {
    // SAFETY: forwarded under the same contract as this function's.
    unsafe { change_features(config, |f| f.gc = enable) }
}

/// Sets the key that authenticates serialized modules (`wasm_module_serialize` appends a keyed
/// BLAKE3 MAC; `wasm_module_deserialize` accepts only bytes whose MAC verifies under the
/// engine's key). Without this call every engine has a random key of its own, so an engine only
/// loads what it serialized itself. Engines given the same key (at least 16 bytes of secret,
/// random material) accept each other's modules: use it for an on-disk cache shared between
/// processes, and keep the key as secret as the right to run native code in your process —
/// whoever knows it can make bytes that will run. Returns false (config unchanged) when `key`
/// is NULL or shorter than 16 bytes.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_serialize_key(config: *mut wasm_config_t, key: *const u8, len: usize) -> bool {
    // SAFETY: `config` is NULL or a live `wasm_config_t` the caller still owns (C API
    // contract, rule 1); no other reference to it exists during this call.
    let Some(c) = (unsafe { config.as_mut() }) else { return false };
    if key.is_null() || len < 16 {
        set_error("wasmlift_config_serialize_key: the key must be at least 16 bytes");
        return false;
    }
    // SAFETY: the caller passes `len` readable bytes at `key` (checked non-NULL above; C API
    // contract, rule 6), only read during this call.
    let bytes = unsafe { std::slice::from_raw_parts(key, len) };
    c.config.serialize_key = Some(blake3::derive_key("wasmlift 2026 serialized-module MAC key", bytes));
    true
}

/// Compiles epoch checks into every function entry and loop header, so that a running guest
/// can be stopped: once the engine's epoch (advanced by `wasmlift_engine_increment_epoch`)
/// reaches a store's deadline (`wasmlift_store_set_epoch_deadline`), that store's wasm code
/// traps with "interrupted". Off by default (the checks cost a little on every loop iteration).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_epoch_interruption(config: *mut wasm_config_t, enable: bool) {
    // SAFETY: `config` is NULL or a live `wasm_config_t` the caller still owns (C API
    // contract, rule 1); no other reference to it exists during this call.
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.epoch_interruption = enable;
    }
}

/// Advances the engine's epoch by one. Safe to call from any thread and from a signal handler
/// (it is one atomic add); running code notices at its next function entry or loop back-edge.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_engine_increment_epoch(engine: *const crate::capi::engine::wasm_engine_t) {
    // SAFETY: `engine` is NULL or a live `wasm_engine_t`, which any thread may use (C API
    // contract, rule 1).
    if let Some(e) = unsafe { engine.as_ref() } {
        e.engine.increment_epoch();
    }
}

/// Sets the store's deadline `ticks` epochs after the engine's current epoch: once the epoch
/// reaches it, the store's wasm code traps with "interrupted" (with epoch interruption enabled
/// on the engine). A new store's deadline is one tick ahead. Call it from the store's thread,
/// before a call or from a host function the guest called.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_store_set_epoch_deadline(store: *mut crate::capi::store::wasm_store_t, ticks: u64) {
    // SAFETY: `store` is NULL or a live `wasm_store_t` (C API contract, rule 1).
    if let Some(s) = unsafe { store.as_ref() } {
        s.store.set_epoch_deadline(ticks);
    }
}

/// Limits what one store may hold at once; 0 in a field means "no limit". `memory_bytes` caps
/// the total size of all its linear memories (every memory of a multi-memory module counts),
/// `table_elements` the total elements of all its tables, and `instances`, `memories`, `tables`
/// how many of each may exist. Instantiation, `wasm_memory_new`/`wasm_table_new` and growth
/// check them: `memory.grow`/`table.grow` then return -1, `wasm_*_grow` false, and creation
/// fails with a message. Objects already over a new limit stay; they only cannot grow.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_store_limits(
    store: *mut crate::capi::store::wasm_store_t,
    memory_bytes: u64,
    table_elements: u64,
    instances: u64,
    memories: u64,
    tables: u64,
) {
    use crate::runtime::resources::Resource;
    // SAFETY: `store` is NULL or a live `wasm_store_t` (C API contract, rule 1).
    let Some(s) = (unsafe { store.as_ref() }) else { return };
    let account = &s.store.account;
    for (what, limit) in [
        (Resource::MemoryBytes, memory_bytes),
        (Resource::TableElements, table_elements),
        (Resource::Instances, instances),
        (Resource::Memories, memories),
        (Resource::Tables, tables),
    ] {
        account.set_limit(what, if limit == 0 { u64::MAX } else { limit });
    }
}

/// Makes code count executed operators against its store's fuel (deterministic: the same
/// module, input and fuel always stop at the same point). Once the fuel is exhausted the guest
/// traps with "all fuel consumed" at its next function entry or loop header. A store starts
/// with no fuel: set it with `wasmlift_store_set_fuel` before calling. Off by default.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_consume_fuel(config: *mut wasm_config_t, enable: bool) {
    // SAFETY: `config` is NULL or a live `wasm_config_t` the caller still owns (C API
    // contract, rule 1); no other reference to it exists during this call.
    if let Some(c) = unsafe { config.as_mut() } {
        c.config.consume_fuel = enable;
    }
}

/// Sets the fuel the store's code may consume (one unit per WebAssembly operator).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_store_set_fuel(store: *mut crate::capi::store::wasm_store_t, fuel: u64) {
    // SAFETY: `store` is NULL or a live `wasm_store_t` (C API contract, rule 1).
    if let Some(s) = unsafe { store.as_ref() } {
        s.store.set_fuel(fuel);
    }
}

/// The fuel left in the store (0 once exhausted). After a trap it reflects the operators
/// counted up to the last branch, call or block boundary before the trap.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_store_get_fuel(store: *const crate::capi::store::wasm_store_t) -> u64 {
    // SAFETY: `store` is NULL or a live `wasm_store_t` (C API contract, rule 1).
    unsafe { store.as_ref() }.map_or(0, |s| s.store.fuel())
}

/// How `wasm_module_new` compiles (`wasmlift_config_compilation`).
#[allow(non_camel_case_types)]
pub type wasmlift_compilation_t = u8;
/// Every function with the optimising compiler before `wasm_module_new` returns.
pub const WASMLIFT_COMPILATION_EAGER: wasmlift_compilation_t = 0;
/// `wasm_module_new` validates and returns; each function is compiled by the quick baseline
/// compiler on its first call, and stays at that tier.
pub const WASMLIFT_COMPILATION_LAZY: wasmlift_compilation_t = 1;
/// Like lazy, and a background thread recompiles called functions (first called first) and
/// then the whole module with the optimising compiler; calls switch to the new code as it
/// becomes ready. The default on x86-64 Linux (eager elsewhere).
pub const WASMLIFT_COMPILATION_TIERED: wasmlift_compilation_t = 2;

/// Selects how modules are compiled. Returns false (and changes nothing) for an unknown mode
/// or one this platform does not support (lazy and tiered need x86-64 Linux).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_compilation(config: *mut wasm_config_t, mode: wasmlift_compilation_t) -> bool {
    let Some(mode) = compilation_mode(mode) else { return false };
    if !mode.supported() {
        return false;
    }
    // SAFETY: `config` is NULL or a live `wasm_config_t` the caller still owns (C API
    // contract, rule 1); no other reference to it exists during this call.
    match unsafe { config.as_mut() } {
        Some(c) => {
            c.config.compilation = mode;
            true
        }
        None => false,
    }
}

pub(crate) fn compilation_mode(mode: wasmlift_compilation_t) -> Option<CompilationMode> {
    match mode {
        WASMLIFT_COMPILATION_EAGER => Some(CompilationMode::Eager),
        WASMLIFT_COMPILATION_LAZY => Some(CompilationMode::Lazy),
        WASMLIFT_COMPILATION_TIERED => Some(CompilationMode::Tiered),
        _ => None,
    }
}

/// How far compilation of `module` has got: its defined functions (`total`), how many have been
/// compiled at either tier (`compiled`), how many run optimised code (`optimized`), and how
/// many function compilations were done in all (`compilations`: a function compiled at both
/// tiers counts twice). For an eagerly compiled module the first three are equal. Any
/// out-pointer may be NULL. False if `module` is NULL.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_module_compilation_stats(
    module: *const wasm_module_t,
    total: *mut usize,
    compiled: *mut usize,
    optimized: *mut usize,
    compilations: *mut usize,
) -> bool {
    // SAFETY: `module` is NULL or a live `wasm_module_t` (C API contract, rule 1).
    let Some(module) = (unsafe { module.as_ref() }) else { return false };
    let (n, c, o, k) = module.module().compilation_stats();
    for (out, v) in [(total, n), (compiled, c), (optimized, o), (compilations, k)] {
        if !out.is_null() {
            // SAFETY: a non-NULL out-pointer is writable storage for one `usize` (C API
            // contract, rule 2); it is written without being read.
            unsafe { out.write(v) };
        }
    }
    true
}

/// Machine code held by `module`, in bytes: `*live` is the code its functions run now, and
/// `*superseded` is code that was replaced (baseline code after tier-up) but stays mapped until
/// the module is deleted, since a call may still be running in it. NULL out-pointers are
/// skipped; returns false for a NULL module.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_module_code_bytes(
    module: *const wasm_module_t,
    live: *mut usize,
    superseded: *mut usize,
) -> bool {
    // SAFETY: `module` is NULL or a live `wasm_module_t` (C API contract, rule 1).
    let Some(module) = (unsafe { module.as_ref() }) else { return false };
    let (l, s) = module.module().code_bytes();
    for (out, v) in [(live, l), (superseded, s)] {
        if !out.is_null() {
            // SAFETY: a non-NULL out-pointer is writable storage for one `usize` (C API
            // contract, rule 2); it is written without being read.
            unsafe { out.write(v) };
        }
    }
    true
}

/// Blocks until every function of `module` runs optimised code (tiered compilation; returns at
/// once for other modules, or if the engine's background thread cannot run).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_module_wait_for_tier_up(module: *const wasm_module_t) {
    // SAFETY: `module` is NULL or a live `wasm_module_t` (C API contract, rule 1).
    if let Some(module) = unsafe { module.as_ref() } {
        module.module().wait_for_tier_up();
    }
}

/// Collects the store's GC heap now: every struct, array and externref object that neither
/// wasm (its frames, globals, tables and exceptions) nor a handle of the embedder can reach is
/// freed. Called from outside any callback, it also frees the instances and host functions
/// whose function references were let into tables, globals, GC objects or exceptions once
/// nothing reaches them (see `wasmlift_store_lifetime_stats`). Collections also run on their
/// own once enough was allocated (or enough such instances were created) since the last one.
/// May be called from a host function's callback (the calling wasm frames are roots, and no
/// instance or host function is freed then); does nothing while the store is converting values
/// between the host and wasm (a finalizer running then).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_store_gc(store: *mut crate::capi::store::wasm_store_t) {
    // SAFETY: `store` is NULL or a live `wasm_store_t` (C API contract, rule 1).
    if let Some(s) = unsafe { store.as_ref() } {
        // SAFETY: called by the embedder on the store's thread: every wasm frame of the store
        // below is stopped at a call into the host (linked as a `WasmExit`), and the host
        // holds references only through handles; conversions in progress forbid collecting.
        unsafe { crate::runtime::gc::collect(&s.store.inner) };
    }
}

/// Limits the bytes of the store's GC heap (struct, array and externref objects); 0 means no
/// limit. What counts is the memory the heap holds: objects up to 256 bytes live in 32 KiB
/// chunks, one per size class in use, larger ones count their own size (so the limit bounds
/// fragmentation too; `wasmlift_gc_stats_t::live_bytes` counts the objects alone).
/// An allocation that would pass it collects first; if that does not free enough,
/// compiled code traps with "out of memory" and a host value entering wasm as an externref
/// fails the call (or `wasm_global_set`, `wasm_table_set`, ...) with that message. A heap
/// already over a new limit only stops growing.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_store_gc_heap_limit(store: *mut crate::capi::store::wasm_store_t, bytes: u64) {
    // SAFETY: `store` is NULL or a live `wasm_store_t` (C API contract, rule 1).
    if let Some(s) = unsafe { store.as_ref() } {
        let limit = if bytes == 0 { u64::MAX } else { bytes };
        s.store.account.set_limit(crate::runtime::resources::Resource::GcHeapBytes, limit);
    }
}

/// What `wasmlift_store_gc_stats` reports about a store's GC heap.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct wasmlift_gc_stats_t {
    /// Objects and bytes in the heap now.
    pub live_objects: u64,
    pub live_bytes: u64,
    /// Collections so far and the objects they freed.
    pub collections: u64,
    pub freed_objects: u64,
    /// Pause times of the collections, in nanoseconds.
    pub last_pause_ns: u64,
    pub max_pause_ns: u64,
    pub total_pause_ns: u64,
}

/// What `wasmlift_store_lifetime_stats` reports about a store's instances and host functions.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct wasmlift_lifetime_stats_t {
    /// Instances of the store not yet freed (what the instance limit counts).
    pub live_instances: u64,
    /// Of those, the ones the store's collector looks after: instances whose function
    /// references may be kept where no handle follows them (tables, globals, GC objects...).
    /// They are freed by the first collection after nothing reaches them.
    pub collected_instances: u64,
    /// Host functions looked after by the collector (their function reference entered wasm).
    pub collected_host_functions: u64,
    /// Instances and host functions collections have freed so far.
    pub freed_instances: u64,
    pub freed_host_functions: u64,
    /// Exceptions the store keeps because wasm may reach them (thrown and not simply caught,
    /// or whose exnref became a value); freed by the first collection after nothing does.
    pub live_exceptions: u64,
}

/// Writes the store's instance and host-function statistics to `out`; false (nothing written)
/// for a NULL argument.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_store_lifetime_stats(
    store: *const crate::capi::store::wasm_store_t,
    out: *mut wasmlift_lifetime_stats_t,
) -> bool {
    // SAFETY: `store` is NULL or a live `wasm_store_t` (C API contract, rule 1).
    let Some(s) = (unsafe { store.as_ref() }) else { return false };
    if out.is_null() {
        return false;
    }
    let owners = s.store.gc_heap.lock().unwrap_or_else(|e| e.into_inner()).owner_stats();
    let stats = wasmlift_lifetime_stats_t {
        live_instances: s.store.account.usage(crate::runtime::resources::Resource::Instances),
        collected_instances: owners.instances,
        collected_host_functions: owners.host_functions,
        freed_instances: owners.freed_instances,
        freed_host_functions: owners.freed_host_functions,
        live_exceptions: owners.exceptions,
    };
    // SAFETY: a non-NULL out-pointer is writable storage for one value (C API contract,
    // rule 2); it is written without being read.
    unsafe { out.write(stats) };
    true
}

/// Writes the store's GC heap statistics to `out`; false (nothing written) for a NULL argument.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_store_gc_stats(
    store: *const crate::capi::store::wasm_store_t,
    out: *mut wasmlift_gc_stats_t,
) -> bool {
    // SAFETY: `store` is NULL or a live `wasm_store_t` (C API contract, rule 1).
    let Some(s) = (unsafe { store.as_ref() }) else { return false };
    if out.is_null() {
        return false;
    }
    let heap = s.store.gc_heap.lock().unwrap_or_else(|e| e.into_inner());
    let st = heap.stats();
    let stats = wasmlift_gc_stats_t {
        live_objects: heap.len() as u64,
        live_bytes: heap.bytes(),
        collections: st.collections,
        freed_objects: st.freed_objects,
        last_pause_ns: st.last_pause.as_nanos() as u64,
        max_pause_ns: st.max_pause.as_nanos() as u64,
        total_pause_ns: st.total_pause.as_nanos() as u64,
    };
    // SAFETY: a non-NULL out-pointer is writable storage for one value (C API contract,
    // rule 2); it is written without being read.
    unsafe { out.write(stats) };
    true
}

/// Copies the pause times (nanoseconds) of the store's most recent collections to
/// `out[0..capacity]`, oldest first, and returns how many it wrote: all collections so far up to
/// `capacity`, or the most recent ones (the store keeps the last 1024). 0 for a NULL argument.
/// Meant for benchmarks: `wasmlift_store_gc_stats` has only the longest and the total.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_store_gc_pauses(
    store: *const crate::capi::store::wasm_store_t,
    out: *mut u64,
    capacity: usize,
) -> usize {
    // SAFETY: `store` is NULL or a live `wasm_store_t` (C API contract, rule 1).
    let Some(s) = (unsafe { store.as_ref() }) else { return 0 };
    if out.is_null() {
        return 0;
    }
    let heap = s.store.gc_heap.lock().unwrap_or_else(|e| e.into_inner());
    let count = heap.recent_pauses().count();
    let mut written = 0;
    // The most recent `capacity` of them.
    for ns in heap.recent_pauses().skip(count.saturating_sub(capacity)) {
        // SAFETY: `out` is non-NULL, so writable for `capacity` values (C API contract, rule 6),
        // and `written < capacity`.
        unsafe { out.add(written).write(ns) };
        written += 1;
    }
    written
}
