//! `wasm_func_t`: host functions (`wasm_func_new[_with_env]`) and calls (`wasm_func_call`).
//! Calls with up to `INLINE_SLOTS` values use stack buffers only: no allocation, no locking.
#![allow(non_camel_case_types)]

use crate::abi::vmctx::VMVal;
use crate::capi::r#ref::{wasm_func_t, wasm_ref_t, wasm_trap_t};
use crate::capi::store::wasm_store_t;
use crate::capi::types::{valkind_of, wasm_functype_t, WASM_I32};
use crate::capi::val::{from_slot, to_slot, wasm_val_t, wasm_val_union};
use crate::capi::vec::vec_slice;
use crate::capi::vecs::wasm_val_vec_t;
use crate::runtime::func::{Func, HostCallback, HostFunc};
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
            // the running caller or pinned in the store, runtime::store's lifetime rule).
            args[i] = unsafe { from_slot(&slots[i], *t, &store) };
        }
        for (i, t) in ty.results.iter().enumerate() {
            results[i] = wasm_val_t { kind: valkind_of(*t), of: wasm_val_union { i64: 0 } };
        }
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

/// # Safety
/// `store` is NULL or a live `wasm_store_t`, `ty` NULL or a live `wasm_functype_t` (C API
/// contract, rule 1).
unsafe fn new_host_func(
    store: *mut wasm_store_t,
    ty: *const wasm_functype_t,
    make: impl FnOnce(FuncType, Weak<StoreRoot>) -> HostCallback,
) -> *mut wasm_func_t {
    // SAFETY: `store` and `ty` are NULL or live objects of their types (this function's contract).
    let (Some(store), Some(ty)) = (unsafe { store.as_ref() }, unsafe { ty.as_ref() }) else {
        return std::ptr::null_mut();
    };
    let core = ty.to_core();
    // The callback holds the store weakly: a host function must not keep its store's root
    // (and with it everything the store pins) alive.
    let callback = make(core.clone(), Arc::downgrade(&store.store));
    match HostFunc::new(&store.store.inner, core, callback) {
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
    // SAFETY: `store` is NULL or a live `wasm_store_t`, `ty` NULL or a live
    // `wasm_functype_t` (C API contract, rule 1).
    unsafe { new_host_func(store, ty, make) }
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
    // `wasm_functype_t` (C API contract, rule 1).
    let created = unsafe { new_host_func(store, ty, make) };
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
