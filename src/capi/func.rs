//! `wasm_func_t`: host functions (`wasm_func_new[_with_env]`) and calls (`wasm_func_call`).
//! Calls with up to `INLINE_SLOTS` values use stack buffers only: no allocation, no locking.
#![allow(non_camel_case_types)]

use crate::abi::vmctx::HostInvoke;
use crate::abi::vmctx::VMVal;
use crate::capi::r#ref::{wasm_func_t, wasm_ref_t, wasm_trap_t};
use crate::capi::store::wasm_store_t;
use crate::capi::types::{valkind_of, wasm_functype_t, WASM_I32};
use crate::capi::val::{from_slot, to_slot, wasm_val_t, wasm_val_union};
use crate::capi::vec::vec_slice;
use crate::capi::vecs::wasm_val_vec_t;
use crate::runtime::func::{
    host_store, host_trap, scalar_route, Func, HostCallback, HostFunc, ScalarHost, ScalarSig, WasmEntry, SCALAR_MAX,
};
use crate::runtime::instance::WasmInstance;
use crate::runtime::object::Object;
use crate::runtime::store::{StoreHandle, StoreRoot};
use crate::runtime::trap::TrapRecord;
use crate::types::FuncType;
use std::ffi::c_void;
use std::sync::{Arc, Weak};

pub type wasm_func_callback_t =
    Option<unsafe extern "C" fn(args: *const wasm_val_vec_t, results: *mut wasm_val_vec_t) -> *mut wasm_trap_t>;
pub type wasm_func_callback_with_env_t = Option<
    unsafe extern "C" fn(
        env: *mut c_void,
        args: *const wasm_val_vec_t,
        results: *mut wasm_val_vec_t,
    ) -> *mut wasm_trap_t,
>;

const INLINE_SLOTS: usize = 8;
// `ScalarSig::results_word` packs a count up to 8 and 8 kinds into one u32.
const _: () = assert!(SCALAR_MAX == 8);

impl wasm_func_t {
    pub(crate) fn func(&self) -> &Func {
        match &self.r.obj {
            Object::Func(f) => f,
            _ => unreachable!("a wasm_func_t always holds a function"),
        }
    }
}

/// The env pointer and its finalizer; the finalizer runs once, when the function is gone, and
/// only if the function was created (`armed`).
struct Env {
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
    armed: Arc<std::sync::atomic::AtomicBool>,
}
// SAFETY: `Env` holds a raw pointer only because the embedder's `env` is opaque to us: this
// library never dereferences it, it only passes it back to the embedder's callback and
// finalizer. Whatever `env` points at is the embedder's to synchronise (wasm.h leaves it to
// them), and the `armed` flag is an atomic. So moving an `Env` to another thread (the host
// function may be dropped wherever its last reference goes) adds no data race of ours.
unsafe impl Send for Env {}
// SAFETY: as for `Send`: through `&Env` the library only reads the pointer value, the
// finalizer and the atomic flag, all of which are immutable or atomic.
unsafe impl Sync for Env {}
impl Drop for Env {
    fn drop(&mut self) {
        if let (Some(f), true) = (self.finalizer, self.armed.load(std::sync::atomic::Ordering::Relaxed)) {
            // SAFETY: the embedder gave us `env` with this finalizer to run once when the
            // function is gone; this is that one time.
            unsafe { f(self.env) }
        }
    }
}

/// Adapts a C callback to the runtime's slot-based host call: arguments become `wasm_val_t`s
/// (stack arrays for small signatures), results are checked against the declared types.
///
/// # Safety
/// Every time it is called, `call` (the embedder's callback) must leave each value of the
/// results vector a valid `wasm_val_t` (C API contract, rule 5; the values it does not write
/// stay as given), must not change or take ownership of the arguments, and must return NULL or
/// a `wasm_trap_t` of this library whose ownership passes to us (rule 4).
unsafe fn host_callback(
    ty: FuncType,
    store: Weak<StoreRoot>,
    call: impl Fn(*const wasm_val_vec_t, *mut wasm_val_vec_t) -> *mut wasm_trap_t + Send + Sync + 'static,
) -> HostCallback {
    Box::new(move |slots: &mut [VMVal]| {
        let Some(store) = store.upgrade() else {
            return Err(TrapRecord::new("host function called after its store was deleted"));
        };
        let np = ty.params.len();
        let nr = ty.results.len();
        // Each buffer is initialised on its own: copying one freshly written array into the
        // other (`res_buf = arg_buf`) made the compiler reload narrow stores with wide loads,
        // a store-forwarding stall that cost about a third of a wasm->host call.
        const ZERO: wasm_val_t = wasm_val_t { kind: WASM_I32, of: wasm_val_union { i64: 0 } };
        let mut arg_buf = [ZERO; INLINE_SLOTS];
        let mut res_buf = [ZERO; INLINE_SLOTS];
        let mut arg_heap = Vec::new();
        let mut res_heap = Vec::new();
        let args: &mut [wasm_val_t] = if np <= INLINE_SLOTS {
            &mut arg_buf[..np]
        } else {
            arg_heap.resize(np, ZERO);
            &mut arg_heap
        };
        let results: &mut [wasm_val_t] = if nr <= INLINE_SLOTS {
            &mut res_buf[..nr]
        } else {
            res_heap.resize(nr, ZERO);
            &mut res_heap
        };
        for (i, t) in ty.params.iter().enumerate() {
            // SAFETY: the runtime calls a host function with its parameters in `slots`, each of
            // its declared type `t`; a function reference among them is null or live (held by
            // the running caller, or its owner adopted by the store and reachable: gc/owners.rs).
            args[i] = unsafe { from_slot(&slots[i], *t, &store) };
        }
        for (i, t) in ty.results.iter().enumerate() {
            results[i] = wasm_val_t { kind: valkind_of(*t), of: wasm_val_union { i64: 0 } };
        }
        // A safepoint: the arguments are handles now, and the calling wasm frames are stopped
        // at this call (linked by `host_call`).
        // SAFETY: nothing here holds reference bits outside the roots any more (`slots` is
        // only written below).
        unsafe { crate::runtime::gc::collect_if_needed(&store.inner) };
        let args_vec = wasm_val_vec_t { size: np, data: args.as_mut_ptr() };
        let mut results_vec = wasm_val_vec_t { size: nr, data: results.as_mut_ptr() };
        let trap = call(&args_vec, &mut results_vec);
        for a in args.iter_mut() {
            // SAFETY: `a` was made by `from_slot` above, and the callback neither changed nor
            // took it (this function's contract), so a reference in it is the handle we own.
            unsafe { crate::capi::val::wasm_val_delete(a) };
        }
        if !trap.is_null() {
            // SAFETY: a non-NULL result of the callback is a trap of this library whose
            // ownership passes to us (this function's contract); it is freed here, once.
            let t = unsafe { Box::from_raw(trap) };
            for r in results.iter_mut() {
                // SAFETY: each result is a valid value owned by us (this function's contract).
                unsafe { crate::capi::val::wasm_val_delete(r) };
            }
            return Err(t.trap().clone());
        }
        let mut outcome = Ok(());
        // Converted results sit in `slots`, unrooted, while the next result's handle is
        // deleted (which may run a finalizer that collects).
        let _no_gc = crate::runtime::gc::NoGc::new(&store.inner);
        for (i, t) in ty.results.iter().enumerate() {
            let mut keep_err = None;
            // SAFETY: the callback left `results[i]` a valid value (this function's contract).
            match unsafe { to_slot(&results[i], *t, &store) } {
                Ok(v) => slots[i] = v,
                Err(e) => keep_err = Some(e),
            }
            if let (Some(e), Ok(())) = (keep_err, &outcome) {
                outcome = Err(TrapRecord::new(format!("host function returned a bad result {i}: {e}")));
            }
            // SAFETY: `results[i]` is a valid value owned by us; `to_slot` copied out what wasm
            // keeps (pinning or registering what a reference points at).
            unsafe { crate::capi::val::wasm_val_delete(&mut results[i]) };
        }
        outcome
    })
}

/// What a scalar route is made of: the choice of `HostInvoke` (an `invoke_scalar`) for a
/// signature, the callback and its env.
type DirectCallback = (fn(&ScalarSig) -> HostInvoke, usize, *mut c_void);

/// The `invoke_scalar` for `sig`: one unrolled for its counts when they are among the common
/// small ones, otherwise the one that reads them from `sig`.
fn scalar_invoker<const WITH_ENV: bool>(sig: &ScalarSig) -> HostInvoke {
    macro_rules! pick {
        ($(($np:literal, $nr:literal)),*) => {
            match (sig.params, sig.results) {
                $(($np, $nr) => invoke_scalar::<WITH_ENV, true, $np, $nr>,)*
                _ => invoke_scalar::<WITH_ENV, false, 0, 0>,
            }
        };
    }
    pick!((0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (0, 1), (1, 1), (2, 1), (3, 1), (4, 1))
}

/// The value in a slot as a wasm.h value of scalar kind `kind` (0 i32, 1 i64, 2 f32, 3 f64): the
/// 32-bit kinds are zero-extended, as `from_slot` writes them.
#[inline(always)]
fn scalar_val(slot: &VMVal, kind: u8) -> wasm_val_t {
    // Loads exactly as wide as what compiled code stored: a wider load right after a narrow
    // store cannot be forwarded from the store buffer and stalls.
    let bytes = &slot.0;
    let bits = if kind & 1 == 0 {
        u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as u64
    } else {
        u64::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]])
    };
    wasm_val_t { kind, of: wasm_val_union { i64: bits as i64 } }
}

/// The slot for a wasm.h value of scalar kind `kind` (its union field of that kind).
///
/// # Safety
/// `v.kind == kind`, so the union field of that kind is set (C API contract, rule 5).
#[inline(always)]
unsafe fn scalar_slot(v: &wasm_val_t, kind: u8) -> VMVal {
    // SAFETY: the 32-bit kinds (i32, f32) set the 4-byte field, the others the 8-byte one
    // (this function's contract); the bits are read without conversion.
    if kind & 1 == 0 {
        VMVal::from_u32(unsafe { v.of.i32 } as u32)
    } else {
        VMVal::from_u64(unsafe { v.of.i64 } as u64)
    }
}

/// The scalar route of a host function made by `wasm_func_new` (`WITH_ENV` false: `target`
/// is a `wasm_func_callback_t`) or `wasm_func_new_with_env` (true: a
/// `wasm_func_callback_with_env_t`, called with `env`): the function's `HostInvoke`, called by
/// the host trampoline. The callback's argument and result vectors are the trampoline's own
/// arrays seen as `wasm_val_t`s (see `HostInvoke`): only the kinds (and the upper halves of
/// 32-bit arguments, zero as `from_slot` writes them) are filled in around the values the
/// trampoline stored, and the results the callback writes are where the trampoline loads them,
/// once their kinds are checked. So a value crosses with one store and one load each way. The
/// values the callback sees and gives back are exactly those of `host_callback`.
///
/// # Safety
/// Only called by the host trampoline of a function made with this route: `ctx` is that live
/// `HostFunc`, `args` / `results` / `exit_fp` the trampoline's arrays and frame (see `HostInvoke`) for a function of
/// type `host.sig`, where `host` is its `ScalarHost`; `host.target` (and `host.env`) are as
/// described above, the callback obeying wasm.h as `host_callback` requires.
/// With `FIXED`, the signature has exactly `NP` parameters and `NR` results (so the loops
/// unroll); otherwise the counts come from `host.sig`.
unsafe extern "C" fn invoke_scalar<const WITH_ENV: bool, const FIXED: bool, const NP: usize, const NR: usize>(
    ctx: *mut u8,
    args: *mut VMVal,
    results: *mut VMVal,
    exit_fp: usize,
) -> u32 {
    // SAFETY: `ctx` is a live host function made with this route (this function's contract).
    let host = unsafe { scalar_route(ctx) };
    // SAFETY: as above.
    let store = unsafe { host_store(ctx) };
    let sig = &host.sig;
    let (np, nr) = if FIXED { (NP, NR) } else { (sig.params as usize, sig.results as usize) };
    // SAFETY: 8 writable bytes precede each array, and each slot is 16 bytes: the `wasm_val_t`
    // at `array - 8 + 16 i` has its value field in the low 8 bytes of slot i and its kind byte
    // in the unused upper half of slot i - 1 (or in the bytes before slot 0). The arrays are
    // distinct, so the two views do not overlap (`HostInvoke`).
    let (arg_vals, result_vals) =
        unsafe { ((args as *mut u8).sub(8) as *mut wasm_val_t, (results as *mut u8).sub(8) as *mut wasm_val_t) };
    for i in 0..np {
        let kind = sig.kinds[i];
        // SAFETY: `arg_vals[i]` lies in the trampoline's array (see above); its value field
        // already holds argument i (the low 8 bytes of its slot).
        unsafe {
            let v = arg_vals.add(i);
            (*v).kind = kind;
            if kind & 1 == 0 {
                // i32 and f32 arrive in the low 4 bytes of a register-wide store: the upper 4
                // bytes are zero in a wasm.h value, as `from_slot` makes them.
                ((v as *mut u8).add(12) as *mut u32).write(0);
            }
        }
    }
    for i in 0..nr {
        // SAFETY: `result_vals[i]` lies in the trampoline's results array (see above).
        unsafe {
            result_vals.add(i).write(wasm_val_t { kind: sig.kinds[SCALAR_MAX + i], of: wasm_val_union { i64: 0 } })
        };
    }
    let args_vec = wasm_val_vec_t { size: np, data: arg_vals };
    let mut results_vec = wasm_val_vec_t { size: nr, data: result_vals };
    // While the callback runs, the store's collector reaches the calling wasm frames through
    // the trampoline's frame (the callback may collect, or call into wasm that does).
    let exit = crate::runtime::gc::WasmExit::new(exit_fp, store);
    exit.begin(store);
    let trap = if WITH_ENV {
        // SAFETY: `target` is a `wasm_func_callback_with_env_t` to be called with `env`
        // (this function's contract); both vectors are valid for the call.
        unsafe {
            let cb: unsafe extern "C" fn(*mut c_void, *const wasm_val_vec_t, *mut wasm_val_vec_t) -> *mut wasm_trap_t =
                std::mem::transmute(host.target);
            cb(host.env, &args_vec, &mut results_vec)
        }
    } else {
        // SAFETY: `target` is a `wasm_func_callback_t` (this function's contract).
        unsafe {
            let cb: unsafe extern "C" fn(*const wasm_val_vec_t, *mut wasm_val_vec_t) -> *mut wasm_trap_t =
                std::mem::transmute(host.target);
            cb(&args_vec, &mut results_vec)
        }
    };
    exit.end(store);
    // SAFETY: the callback has returned; the `nr` result values are valid (wasm.h rule 5).
    let result_slice = unsafe { std::slice::from_raw_parts_mut(result_vals, nr) };
    if !trap.is_null() {
        // SAFETY: a non-NULL result of the callback is a trap of this library whose ownership
        // passes to us (wasm.h rule 4); it is freed here, once.
        let t = unsafe { Box::from_raw(trap) };
        release_values(result_slice);
        // SAFETY: `ctx` and `results` are as the trampoline passed them; the callback is done.
        return unsafe { host_trap(ctx, t.trap().clone(), results) };
    }
    for (i, (r, &kind)) in result_slice.iter().zip(sig.result_kinds()).enumerate() {
        if r.kind != kind {
            // SAFETY: as for `host_trap` above.
            return unsafe { bad_result(ctx, results, result_slice, i, kind) };
        }
    }
    // The results of the checked kinds are where the trampoline loads them: i32 and f32 in the
    // low 4 bytes of their slots, i64 and f64 in the low 8.
    0
}

/// A scalar route's report of a result of the wrong kind (`i`; `kind` was expected).
///
/// # Safety
/// As `host_trap`, with `results` the callback's result values (a view of the same array).
#[cold]
#[inline(never)]
unsafe fn bad_result(ctx: *mut u8, results: *mut VMVal, values: &mut [wasm_val_t], i: usize, kind: u8) -> u32 {
    let expected = crate::capi::types::valtype_of_kind(kind).map_or(String::new(), |t| t.to_string());
    let message = format!(
        "host function returned a bad result {i}: expected a value of type {expected}, got value kind {}",
        values[i].kind
    );
    release_values(values);
    // SAFETY: the caller's contract: `ctx` and `results` are as the trampoline passed them.
    unsafe { host_trap(ctx, TrapRecord::new(message), results) }
}

/// Releases what a host callback left in result values it gave back with a trap or a wrong
/// kind (a reference it wrote is ours to free, as `host_callback` does).
fn release_values(values: &mut [wasm_val_t]) {
    for v in values {
        // SAFETY: each value is valid and owned by us (wasm.h rules 4 and 5).
        unsafe { crate::capi::val::wasm_val_delete(v) };
    }
}

/// # Safety
/// `store` is NULL or a live `wasm_store_t`, `ty` NULL or a live `wasm_functype_t` (C API
/// contract, rule 1).
unsafe fn new_host_func(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    make: impl FnOnce(FuncType, Weak<StoreRoot>) -> HostCallback,
    direct: DirectCallback,
) -> *mut wasm_func_t {
    // SAFETY: `store` and `ty` are NULL or live objects of their types (this function's contract).
    let (Some(store), Some(ty)) = (unsafe { store.as_ref() }, unsafe { ty.as_ref() }) else {
        return std::ptr::null_mut();
    };
    let core = ty.to_core();
    let scalar = ScalarSig::of(&core).map(|sig| {
        let (choose, target, env) = direct;
        ScalarHost { sig, invoke: choose(&sig), target, env }
    });
    // The callback holds the store weakly: a host function must not keep its store's root
    // (and with it everything the store pins) alive.
    let callback = make(core.clone(), Arc::downgrade(&store.store));
    match HostFunc::new(&store.store.inner, core, callback, scalar) {
        Ok(h) => wasm_ref_t::boxed(Object::Func(Func::Host(h)), store.store.clone()) as *mut wasm_func_t,
        Err(e) => {
            crate::capi::extensions::set_error(&e);
            std::ptr::null_mut()
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_new(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: wasm_func_callback_t,
) -> *mut wasm_func_t {
    let Some(cb) = callback else { return std::ptr::null_mut() };
    let make = |ty: FuncType, store: Weak<StoreRoot>| {
        let call = move |args: *const wasm_val_vec_t, results: *mut wasm_val_vec_t| {
            // SAFETY: `cb` may be called with an argument and a results vector (C API contract,
            // rule 7); `host_callback` passes valid ones that live for the call.
            unsafe { cb(args, results) }
        };
        // SAFETY: `call` is the embedder's callback, which wasm.h obliges to write valid
        // results, leave the arguments alone and return NULL or an owned trap (rules 4, 5 and
        // 7): what `host_callback` requires.
        unsafe { host_callback(ty, store, call) }
    };
    let direct: DirectCallback = (scalar_invoker::<false>, cb as usize, std::ptr::null_mut());
    // SAFETY: `store` is NULL or a live `wasm_store_t`, `ty` NULL or a live
    // `wasm_functype_t` (C API contract, rule 1); `direct` names `cb` as `invoke_scalar::<false, ..>`
    // expects.
    unsafe { new_host_func(store, ty, make, direct) }
}

/// Like `wasm_func_new`, passing `env` to the callback; `finalizer(env)` runs once when the
/// function is gone.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_new_with_env(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    callback: wasm_func_callback_with_env_t,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> *mut wasm_func_t {
    let Some(cb) = callback else { return std::ptr::null_mut() };
    // The env (and its finalizer) is handed over only once the function exists: when creation
    // fails, the embedder still owns `env` and the finalizer must not run (the reference
    // implementation behaves the same way).
    let armed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    // The scalar route passes the same `env` as the closure (which owns it, with its finalizer,
    // for as long as the function lives; both go together).
    let direct: DirectCallback = (scalar_invoker::<true>, cb as usize, env);
    let env = Env { env, finalizer, armed: armed.clone() };
    let make = move |ty: FuncType, store: Weak<StoreRoot>| {
        let call = move |args: *const wasm_val_vec_t, results: *mut wasm_val_vec_t| {
            let env = &env;
            // SAFETY: `cb` may be called with the embedder's `env` and an argument and a
            // results vector (C API contract, rule 7); `host_callback` passes valid ones that
            // live for the call.
            unsafe { cb(env.env, args, results) }
        };
        // SAFETY: `call` is the embedder's callback, which wasm.h obliges to write valid
        // results, leave the arguments alone and return NULL or an owned trap (rules 4, 5 and
        // 7): what `host_callback` requires.
        unsafe { host_callback(ty, store, call) }
    };
    // SAFETY: `store` is NULL or a live `wasm_store_t`, `ty` NULL or a live
    // `wasm_functype_t` (C API contract, rule 1); `direct` names `cb` and its env as
    // `invoke_scalar::<true, ..>` expects.
    let created = unsafe { new_host_func(store, ty, make, direct) };
    if !created.is_null() {
        armed.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    created
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_type(f: *const wasm_func_t) -> *mut wasm_functype_t {
    // SAFETY: `f` is NULL or a live `wasm_func_t` (C API contract, rule 1).
    match unsafe { f.as_ref() } {
        Some(f) => Box::into_raw(wasm_functype_t::from_core(f.func().ty())),
        None => std::ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_param_arity(f: *const wasm_func_t) -> usize {
    // SAFETY: `f` is NULL or a live `wasm_func_t` (C API contract, rule 1).
    unsafe { f.as_ref() }.map_or(0, |f| f.func().ty().params.len())
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_result_arity(f: *const wasm_func_t) -> usize {
    // SAFETY: `f` is NULL or a live `wasm_func_t` (C API contract, rule 1).
    unsafe { f.as_ref() }.map_or(0, |f| f.func().ty().results.len())
}

fn trap(store: &StoreHandle, message: String) -> *mut wasm_trap_t {
    wasm_trap_t::new_boxed(TrapRecord::new(message), store)
}

/// Calls the function. Arguments must match the parameter types (count and kinds), otherwise a
/// trap says what is wrong and nothing runs. Results are written to `results`, which must have
/// room for them; if it is too small the function still runs (its own trap wins) and then a
/// trap reports the short vector. Returns NULL on success.
#[no_mangle]
pub unsafe extern "C" fn wasm_func_call(
    f: *const wasm_func_t,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    // SAFETY: `f` is NULL or a live `wasm_func_t` (C API contract, rule 1).
    let Some(f) = (unsafe { f.as_ref() }) else { return std::ptr::null_mut() };
    if let Func::Wasm { instance, entry, .. } = f.func() {
        if let Some(sig) = &entry.scalar {
            // SAFETY: `f` is live, `instance` and `entry` are its own; `args` and `results` are
            // as this function's contract (C API rules 2, 3 and 5) says.
            if let Some(trap) = unsafe { call_scalar(f, &f.r.store, instance, entry, sig, args, results) } {
                return trap;
            }
        }
    }
    // SAFETY: as above.
    let trap = unsafe { call_general(f, args, results) };
    crate::runtime::signals::release_deferred();
    trap
}

/// `wasm_func_call` of a wasm function with a scalar signature: arguments go straight from
/// the `wasm_val_t`s into the entry's slots and results straight back. Borrows the instance
/// and store from the caller's handle without counting references: a host callback deleting
/// that handle mid-call leaves its contents with `signals::defer_drop` until the call is over
/// (wasm_ref_t's `Drop`). Returns `None`, having run nothing, when the arguments do not match
/// the signature or the results vector is too small: the general path then reports what is
/// wrong.
///
/// # Safety
/// `store`, `instance` and `entry` belong to the live `handle` and `sig` is `entry.scalar`;
/// `args` is NULL or a valid vector and `results` NULL or an out-vector of the caller (C API
/// contract, rules 2, 3 and 5).
#[inline(always)]
unsafe fn call_scalar(
    handle: &wasm_func_t,
    store: &StoreHandle,
    instance: &Arc<WasmInstance>,
    entry: &WasmEntry,
    sig: &ScalarSig,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> Option<*mut wasm_trap_t> {
    let np = sig.params as usize;
    // SAFETY: `args` is NULL or a valid vector (this function's contract), whose `data` is
    // readable for `size` values when `size` is not 0 (a NULL vector or NULL data is empty,
    // as `vec_slice` reads them).
    let args: &[wasm_val_t] = unsafe {
        match args.as_ref() {
            None => &[],
            Some(v) if v.size != np => return None,
            Some(_) if np == 0 => &[],
            Some(v) if v.data.is_null() => return None,
            Some(v) => std::slice::from_raw_parts(v.data, np),
        }
    };
    if args.len() != np {
        return None;
    }
    // Only the slots the entry trampoline reads (the arguments) are written here; it writes
    // the results, which are all that is read back.
    let mut slots = [const { std::mem::MaybeUninit::<VMVal>::uninit() }; SCALAR_MAX];
    for ((slot, a), &kind) in slots.iter_mut().zip(args).zip(sig.param_kinds()) {
        if a.kind != kind {
            return None;
        }
        // SAFETY: the kind matches (checked just above).
        slot.write(unsafe { scalar_slot(a, kind) });
    }
    let nr = sig.results as usize;
    let out: *mut wasm_val_t = if nr == 0 {
        std::ptr::null_mut()
    } else {
        // SAFETY: `results` is NULL or a vector the caller lends us (this function's contract).
        match unsafe { results.as_ref() } {
            Some(r) if r.size >= nr && !r.data.is_null() => r.data,
            // A results vector too small: the general path runs the function and reports it.
            _ => return None,
        }
    };
    // Raw pointers from here on: the handle these came from may be freed by a callback (its
    // contents are then kept by `defer_drop` until the call is over).
    let store_ptr = Arc::as_ptr(store);
    let instance_ptr = Arc::as_ptr(instance);
    // The results' count and kinds in one word kept on the stack (`sig` lives in the handle).
    let results_word = sig.results_word;
    // SAFETY: the entry belongs to the live instance, the slots hold the arguments of its
    // scalar type and have room for its results. `call_and_release` reads what it needs from
    // `entry` before any code runs; after `Ok`, only locals and the caller's results vector
    // are used.
    let handle = handle as *const wasm_func_t as *const u8;
    match unsafe { entry.call_and_release(slots.as_mut_ptr() as *mut VMVal, handle) } {
        Ok(()) => {
            let nr = (results_word & 15) as usize;
            for (i, slot) in slots.iter().take(nr).enumerate() {
                let kind = ((results_word >> (4 + 2 * i)) & 3) as u8;
                // SAFETY: the call wrote its `nr` results to the first slots (the entry
                // trampoline's contract); `out` is writable for `nr` values (checked above; the
                // caller's vector).
                unsafe { *out.add(i) = scalar_val(slot.assume_init_ref(), kind) };
            }
            Some(std::ptr::null_mut())
        }
        Err(raw) => {
            // Counted references for the trap: both pointees are still alive (nothing is
            // released before `release_deferred` below) and were `Arc`s; one more count
            // each makes the new `Arc`s own them.
            // SAFETY: as just said.
            let (instance, store) = unsafe {
                Arc::increment_strong_count(instance_ptr);
                Arc::increment_strong_count(store_ptr);
                (Arc::from_raw(instance_ptr), Arc::from_raw(store_ptr))
            };
            let t = crate::runtime::func::trap_from_raw(raw, Some(&instance));
            let trap = wasm_trap_t::new_boxed(t, &store);
            crate::runtime::signals::release_deferred();
            // A safepoint on the way out of a trap (calls that end normally collect in no
            // scalar path): a host calling a function that throws in a loop gets the
            // exceptions its deleted traps carried collected. Every reference left is a handle.
            // SAFETY: the activation is over; wasm of this store running below (if this call is
            // made from a host function) is stopped at a call into the host.
            unsafe { crate::runtime::gc::collect_if_needed(&store.inner) };
            drop((instance, store));
            Some(trap)
        }
    }
}

/// `wasm_func_call` for any function. Kept out of line (and out of the way of the scalar
/// route's code layout): it costs hundreds of nanoseconds anyway.
///
/// # Safety
/// As `wasm_func_call`, with `f` live.
#[cold]
#[inline(never)]
unsafe fn call_general(f: &wasm_func_t, args: *const wasm_val_vec_t, results: *mut wasm_val_vec_t) -> *mut wasm_trap_t {
    // The call owns what it runs: a host callback may delete this very handle (and every other
    // handle to the instance) while the function executes, so nothing below may read `f`.
    let func = f.func().clone();
    let store = &f.r.store.clone();
    let ty = func.ty();
    let (np, nr) = (ty.params.len(), ty.results.len());
    // SAFETY: `args` is NULL or a valid vector (C API contract, rule 3); the values are
    // converted into `slots` before anything runs, so a callee cannot change them under us.
    let args: &[wasm_val_t] = unsafe { vec_slice(args) };
    if args.len() != np {
        return trap(store, format!("wasm_func_call: expected {np} arguments, got {}", args.len()));
    }
    // A safepoint: every reference the host holds is a handle, and wasm of this store running
    // below (this call is made from a host function) is stopped at a call into the host.
    // SAFETY: as said; the arguments are converted below.
    unsafe { crate::runtime::gc::collect_if_needed(&store.inner) };
    let n = np.max(nr).max(1);
    let mut inline = [VMVal::default(); INLINE_SLOTS];
    let mut heap = Vec::new();
    let slots: &mut [VMVal] = if n <= INLINE_SLOTS {
        &mut inline[..n]
    } else {
        heap.resize(n, VMVal::default());
        &mut heap
    };
    for (i, (a, t)) in args.iter().zip(ty.params.iter()).enumerate() {
        // SAFETY: `a` is a valid value (C API contract, rule 5).
        match unsafe { to_slot(a, *t, store) } {
            Ok(v) => slots[i] = v,
            Err(e) => return trap(store, format!("wasm_func_call: argument {i}: {e}")),
        }
    }
    if let Err(t) = func.call_raw(slots) {
        return wasm_trap_t::new_boxed(t, store);
    }
    // SAFETY: `slots` now hold the results of a completed call of `func`, which is of type
    // `ty`; `results` is NULL or an out-vector of the caller (C API contract, rules 2 and 3).
    unsafe { write_results(store, ty, slots, results) }
}

/// Writes the results of a call into the caller's vector, or returns a trap if it is too small.
///
/// # Safety
/// `slots` hold the results of a completed call of a function of type `ty` in `store` (a
/// function reference among them is null or live). `results` is NULL or points at a vector
/// whose `data`, if non-NULL, is writable for `size` values; the old values are overwritten
/// without being released (C API contract, rules 2 and 3).
unsafe fn write_results(
    store: &StoreHandle,
    ty: &FuncType,
    slots: &[VMVal],
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    let nr = ty.results.len();
    if nr == 0 {
        return std::ptr::null_mut();
    }
    // SAFETY: `results` is NULL or a vector the caller lends us to write (this function's contract).
    let out = match unsafe { results.as_ref() } {
        // SAFETY: non-NULL `data` is writable for `size` >= `nr` values (this function's
        // contract), and nothing else accesses them until we return.
        Some(r) if r.size >= nr && !r.data.is_null() => unsafe { std::slice::from_raw_parts_mut(r.data, nr) },
        Some(r) => {
            return trap(
                store,
                format!("wasm_func_call: results vector has room for {} values, the function returns {nr}", r.size),
            )
        }
        None => return trap(store, format!("wasm_func_call: no results vector for {nr} results")),
    };
    for (i, t) in ty.results.iter().enumerate() {
        // SAFETY: `slots[i]` is a result of type `t` of the completed call (this function's
        // contract).
        out[i] = unsafe { from_slot(&slots[i], *t, store) };
    }
    std::ptr::null_mut()
}
