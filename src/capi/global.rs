//! `wasm_global_t`: globals created by the host or exported by instances.
#![allow(non_camel_case_types)]

use crate::capi::r#ref::{wasm_global_t, wasm_ref_t};
use crate::capi::store::wasm_store_t;
use crate::capi::types::wasm_globaltype_t;
use crate::capi::val::{from_slot, to_slot, wasm_val_t};
use crate::runtime::global::{GlobalRef, WasmGlobal};
use crate::runtime::object::Object;
use std::sync::Arc;

impl wasm_global_t {
    pub(crate) fn global(&self) -> &Arc<WasmGlobal> {
        match &self.r.obj {
            Object::Global(g) => &g.global,
            _ => unreachable!("a wasm_global_t always holds a global"),
        }
    }
}

/// Creates a global of type `ty` holding `val` (which must have the content type's kind).
#[no_mangle]
pub unsafe extern "C" fn wasm_global_new(
    store: *mut wasm_store_t,
    ty: *const wasm_globaltype_t,
    val: *const wasm_val_t,
) -> *mut wasm_global_t {
    // SAFETY: `store`, `ty` and `val` are each NULL or a live object of its type (C API
    // contract, rules 1 and 5).
    let (Some(store), Some(ty), Some(val)) =
        (unsafe { store.as_ref() }, unsafe { ty.as_ref() }, unsafe { val.as_ref() })
    else {
        return std::ptr::null_mut();
    };
    let ty = ty.to_core();
    // SAFETY: `val` is a valid value (C API contract, rule 5).
    match unsafe { to_slot(val, ty.content, &store.store) } {
        Ok(slot) => {
            let g = Arc::new(WasmGlobal::new_in(&store.store.inner, ty, slot));
            store.store.gc_heap.lock().unwrap_or_else(|e| e.into_inner()).register_global(&g);
            wasm_ref_t::boxed(Object::Global(GlobalRef::new(g)), store.store.clone()) as *mut wasm_global_t
        }
        Err(e) => {
            crate::capi::extensions::set_error(&format!("wasm_global_new: {e}"));
            std::ptr::null_mut()
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_global_type(g: *const wasm_global_t) -> *mut wasm_globaltype_t {
    // SAFETY: `g` is NULL or a live `wasm_global_t` (C API contract, rule 1).
    match unsafe { g.as_ref() } {
        Some(g) => Box::into_raw(wasm_globaltype_t::from_core(&g.global().ty)),
        None => std::ptr::null_mut(),
    }
}

/// Reads the value; a reference result is a new handle owned by `out`.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_get(g: *const wasm_global_t, out: *mut wasm_val_t) {
    // SAFETY: `g` is NULL or a live `wasm_global_t` (C API contract, rule 1).
    let (Some(g), false) = (unsafe { g.as_ref() }, out.is_null()) else { return };
    let global = g.global();
    // SAFETY: the global holds a value of its content type; a function reference in it is null
    // or live (its owner adopted when it was set, and reached by the collector through this
    // global, which the handle holds; or the defining instance the handle's `GlobalRef` holds).
    let value = unsafe { from_slot(&global.get(), global.ty.content, &g.r.store) };
    // SAFETY: `out` is non-NULL, so writable storage for one value (C API contract, rule 2).
    unsafe { out.write(value) };
}

/// Writes the value. Setting an immutable global, or a value of the wrong kind, changes
/// nothing and records an error message.
#[no_mangle]
pub unsafe extern "C" fn wasm_global_set(g: *mut wasm_global_t, val: *const wasm_val_t) {
    // SAFETY: `g` is NULL or a live `wasm_global_t`, `val` NULL or a valid value (C API
    // contract, rules 1 and 5).
    let (Some(g), Some(val)) = (unsafe { g.as_ref() }, unsafe { val.as_ref() }) else { return };
    let global = g.global();
    if !global.ty.mutable {
        crate::capi::extensions::set_error("wasm_global_set: the global is immutable");
        return;
    }
    // A safepoint before the value becomes reference bits (a host that only sets globals
    // must not grow the heap without end).
    // SAFETY: the embedder holds references only through handles; wasm of the store below,
    // if any, is stopped at a call into the host.
    unsafe { crate::runtime::gc::collect_if_needed(&g.r.store.inner) };
    // SAFETY: `val` is a valid value (C API contract, rule 5).
    match unsafe { to_slot(val, global.ty.content, &g.r.store) } {
        Ok(slot) => global.set(slot),
        Err(e) => crate::capi::extensions::set_error(&format!("wasm_global_set: {e}")),
    }
}
