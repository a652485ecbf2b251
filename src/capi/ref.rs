//! References (`wasm_ref_t`) and the reference functions every object type shares
//! (`WASM_DECLARE_REF`): copy, same, host info, and conversions to and from `wasm_ref_t`.
//! Every object handle is a boxed `wasm_ref_t`; the typed handle structs are transparent
//! wrappers, so the standard's `as_ref`/`as_extern` conversions are pointer casts.
#![allow(non_camel_case_types)]

use crate::runtime::host_info::Finalizer;
use crate::runtime::object::{ForeignObject, Object};
use crate::runtime::store::StoreHandle;
use std::ffi::c_void;
use std::sync::Arc;

/// A handle to a runtime object. Deleting a handle never deletes the object while other
/// handles (or other objects) still refer to it.
pub struct wasm_ref_t {
    pub(crate) obj: Object,
    pub(crate) store: StoreHandle,
}

impl wasm_ref_t {
    pub(crate) fn boxed(obj: Object, store: StoreHandle) -> *mut wasm_ref_t {
        Box::into_raw(Box::new(wasm_ref_t { obj, store }))
    }
}

impl Drop for wasm_ref_t {
    fn drop(&mut self) {
        // A handle deleted by a host callback may be the very one a call in progress on this
        // thread borrows what it runs from (`wasm_func_call` takes no counted references):
        // its contents then stay alive until the outermost call returns.
        if crate::runtime::signals::is_borrowed(self as *const wasm_ref_t as *const u8) {
            crate::runtime::signals::defer_drop(Box::new((self.obj.clone(), self.store.clone())));
        }
    }
}

impl Clone for wasm_ref_t {
    fn clone(&self) -> Self {
        wasm_ref_t { obj: self.obj.clone(), store: self.store.clone() }
    }
}

// The shared functions below take `wasm_ref_t` pointers. The typed handles (`wasm_func_t`,
// ...) are `repr(transparent)` wrappers of `wasm_ref_t`, so a live typed handle cast to
// `*const wasm_ref_t` is a live `wasm_ref_t`.

/// # Safety
/// `r` is NULL or a live handle (C API contract, rule 1).
unsafe fn copy_handle(r: *const wasm_ref_t) -> *mut wasm_ref_t {
    // SAFETY: `r` is NULL or a live handle (this function's contract).
    unsafe { crate::capi::copy_boxed(r) }
}

/// # Safety
/// `a` and `b` are each NULL or a live handle (C API contract, rule 1).
unsafe fn same_handle(a: *const wasm_ref_t, b: *const wasm_ref_t) -> bool {
    // SAFETY: `a` and `b` are NULL or live handles (this function's contract).
    match unsafe { (a.as_ref(), b.as_ref()) } {
        (Some(a), Some(b)) => a.obj.same(&b.obj),
        (None, None) => true,
        _ => false,
    }
}

/// # Safety
/// `r` is NULL or a live handle (C API contract, rule 1).
unsafe fn host_info(r: *const wasm_ref_t) -> *mut c_void {
    // SAFETY: `r` is NULL or a live handle (this function's contract).
    unsafe { r.as_ref() }.map_or(std::ptr::null_mut(), |r| r.obj.host_info())
}

/// # Safety
/// `r` is NULL or a live handle (C API contract, rule 1); `finalizer`, if any, may be called
/// once with `info` (rule 7).
unsafe fn set_host_info(r: *mut wasm_ref_t, info: *mut c_void, finalizer: Option<Finalizer>) {
    // SAFETY: `r` is NULL or a live handle (this function's contract). Host info lives
    // behind the object's own lock, so a shared reference suffices.
    if let Some(r) = unsafe { r.as_ref() } {
        r.obj.set_host_info(info, finalizer)
    }
}

/// # Safety
/// `r` is NULL or a handle the caller owns (a box made by `wasm_ref_t::boxed` or a copy) and
/// does not use afterwards (C API contract, rules 1 and 4).
unsafe fn delete_handle(r: *mut wasm_ref_t) {
    // SAFETY: NULL or a caller-owned box of ours, deleted once (this function's contract).
    unsafe { crate::capi::delete_boxed(r) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_ref_delete(r: *mut wasm_ref_t) {
    // SAFETY: `r` is NULL or a handle the caller owns and gives up (C API contract, rule 4).
    unsafe { delete_handle(r) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_copy(r: *const wasm_ref_t) -> *mut wasm_ref_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1).
    unsafe { copy_handle(r) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_same(a: *const wasm_ref_t, b: *const wasm_ref_t) -> bool {
    // SAFETY: `a` and `b` are NULL or live handles (C API contract, rule 1).
    unsafe { same_handle(a, b) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_get_host_info(r: *const wasm_ref_t) -> *mut c_void {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1).
    unsafe { host_info(r) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_set_host_info(r: *mut wasm_ref_t, info: *mut c_void) {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1).
    unsafe { set_host_info(r, info, None) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_set_host_info_with_finalizer(
    r: *mut wasm_ref_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: `r` is NULL or a live handle (rule 1); the caller vouches for `finalizer` (rule 7).
    unsafe { set_host_info(r, info, finalizer) }
}

/// A new foreign object: an identity the host can pass through wasm as an externref.
#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_new(store: *mut crate::capi::store::wasm_store_t) -> *mut wasm_foreign_t {
    // SAFETY: `store` is NULL or a live `wasm_store_t` (C API contract, rule 1).
    match unsafe { store.as_ref() } {
        Some(s) => wasm_ref_t::boxed(Object::Foreign(Arc::new(ForeignObject::default())), s.store.clone())
            as *mut wasm_foreign_t,
        None => std::ptr::null_mut(),
    }
}

#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_trap_t {
    pub(crate) r: wasm_ref_t,
}

#[no_mangle]
pub unsafe extern "C" fn wasm_trap_delete(p: *mut wasm_trap_t) {
    // SAFETY: `p` is NULL or a handle the caller owns and gives up (C API contract, rule 4);
    // the typed handle is a transparent `wasm_ref_t`.
    unsafe { delete_handle(p as *mut wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_copy(p: *const wasm_trap_t) -> *mut wasm_trap_t {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`;
    // the copy holds the same object, so it is a handle of the same type.
    (unsafe { copy_handle(p as *const wasm_ref_t) }) as *mut wasm_trap_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_same(a: *const wasm_trap_t, b: *const wasm_trap_t) -> bool {
    // SAFETY: `a` and `b` are NULL or live handles (C API contract, rule 1), transparent `wasm_ref_t`s.
    unsafe { same_handle(a as *const wasm_ref_t, b as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_get_host_info(p: *const wasm_trap_t) -> *mut c_void {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { host_info(p as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_set_host_info(p: *mut wasm_trap_t, info: *mut c_void) {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { set_host_info(p as *mut wasm_ref_t, info, None) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_set_host_info_with_finalizer(
    p: *mut wasm_trap_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: `p` is NULL or a live handle (rule 1), a transparent `wasm_ref_t`; the caller
    // vouches for `finalizer` (rule 7).
    unsafe { set_host_info(p as *mut wasm_ref_t, info, finalizer) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_as_ref(p: *mut wasm_trap_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_trap_as_ref_const(p: *const wasm_trap_t) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_trap(r: *mut wasm_ref_t) -> *mut wasm_trap_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Trap(_)) => r as *mut wasm_trap_t,
        _ => std::ptr::null_mut(),
    }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_trap_const(r: *const wasm_ref_t) -> *const wasm_trap_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Trap(_)) => r as *const wasm_trap_t,
        _ => std::ptr::null(),
    }
}

#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_foreign_t {
    pub(crate) r: wasm_ref_t,
}

#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_delete(p: *mut wasm_foreign_t) {
    // SAFETY: `p` is NULL or a handle the caller owns and gives up (C API contract, rule 4);
    // the typed handle is a transparent `wasm_ref_t`.
    unsafe { delete_handle(p as *mut wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_copy(p: *const wasm_foreign_t) -> *mut wasm_foreign_t {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`;
    // the copy holds the same object, so it is a handle of the same type.
    (unsafe { copy_handle(p as *const wasm_ref_t) }) as *mut wasm_foreign_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_same(a: *const wasm_foreign_t, b: *const wasm_foreign_t) -> bool {
    // SAFETY: `a` and `b` are NULL or live handles (C API contract, rule 1), transparent `wasm_ref_t`s.
    unsafe { same_handle(a as *const wasm_ref_t, b as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_get_host_info(p: *const wasm_foreign_t) -> *mut c_void {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { host_info(p as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_set_host_info(p: *mut wasm_foreign_t, info: *mut c_void) {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { set_host_info(p as *mut wasm_ref_t, info, None) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_set_host_info_with_finalizer(
    p: *mut wasm_foreign_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: `p` is NULL or a live handle (rule 1), a transparent `wasm_ref_t`; the caller
    // vouches for `finalizer` (rule 7).
    unsafe { set_host_info(p as *mut wasm_ref_t, info, finalizer) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_as_ref(p: *mut wasm_foreign_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_foreign_as_ref_const(p: *const wasm_foreign_t) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_foreign(r: *mut wasm_ref_t) -> *mut wasm_foreign_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Foreign(_)) => r as *mut wasm_foreign_t,
        _ => std::ptr::null_mut(),
    }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_foreign_const(r: *const wasm_ref_t) -> *const wasm_foreign_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Foreign(_)) => r as *const wasm_foreign_t,
        _ => std::ptr::null(),
    }
}

#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_module_t {
    pub(crate) r: wasm_ref_t,
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_delete(p: *mut wasm_module_t) {
    // SAFETY: `p` is NULL or a handle the caller owns and gives up (C API contract, rule 4);
    // the typed handle is a transparent `wasm_ref_t`.
    unsafe { delete_handle(p as *mut wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_module_copy(p: *const wasm_module_t) -> *mut wasm_module_t {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`;
    // the copy holds the same object, so it is a handle of the same type.
    (unsafe { copy_handle(p as *const wasm_ref_t) }) as *mut wasm_module_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_module_same(a: *const wasm_module_t, b: *const wasm_module_t) -> bool {
    // SAFETY: `a` and `b` are NULL or live handles (C API contract, rule 1), transparent `wasm_ref_t`s.
    unsafe { same_handle(a as *const wasm_ref_t, b as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_module_get_host_info(p: *const wasm_module_t) -> *mut c_void {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { host_info(p as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_module_set_host_info(p: *mut wasm_module_t, info: *mut c_void) {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { set_host_info(p as *mut wasm_ref_t, info, None) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_module_set_host_info_with_finalizer(
    p: *mut wasm_module_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: `p` is NULL or a live handle (rule 1), a transparent `wasm_ref_t`; the caller
    // vouches for `finalizer` (rule 7).
    unsafe { set_host_info(p as *mut wasm_ref_t, info, finalizer) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_module_as_ref(p: *mut wasm_module_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_module_as_ref_const(p: *const wasm_module_t) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_module(r: *mut wasm_ref_t) -> *mut wasm_module_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Module(_)) => r as *mut wasm_module_t,
        _ => std::ptr::null_mut(),
    }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_module_const(r: *const wasm_ref_t) -> *const wasm_module_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Module(_)) => r as *const wasm_module_t,
        _ => std::ptr::null(),
    }
}

#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_func_t {
    pub(crate) r: wasm_ref_t,
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_delete(p: *mut wasm_func_t) {
    // SAFETY: `p` is NULL or a handle the caller owns and gives up (C API contract, rule 4);
    // the typed handle is a transparent `wasm_ref_t`.
    unsafe { delete_handle(p as *mut wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_func_copy(p: *const wasm_func_t) -> *mut wasm_func_t {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`;
    // the copy holds the same object, so it is a handle of the same type.
    (unsafe { copy_handle(p as *const wasm_ref_t) }) as *mut wasm_func_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_func_same(a: *const wasm_func_t, b: *const wasm_func_t) -> bool {
    // SAFETY: `a` and `b` are NULL or live handles (C API contract, rule 1), transparent `wasm_ref_t`s.
    unsafe { same_handle(a as *const wasm_ref_t, b as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_func_get_host_info(p: *const wasm_func_t) -> *mut c_void {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { host_info(p as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_func_set_host_info(p: *mut wasm_func_t, info: *mut c_void) {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { set_host_info(p as *mut wasm_ref_t, info, None) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_func_set_host_info_with_finalizer(
    p: *mut wasm_func_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: `p` is NULL or a live handle (rule 1), a transparent `wasm_ref_t`; the caller
    // vouches for `finalizer` (rule 7).
    unsafe { set_host_info(p as *mut wasm_ref_t, info, finalizer) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_func_as_ref(p: *mut wasm_func_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_func_as_ref_const(p: *const wasm_func_t) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_func(r: *mut wasm_ref_t) -> *mut wasm_func_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Func(_)) => r as *mut wasm_func_t,
        _ => std::ptr::null_mut(),
    }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_func_const(r: *const wasm_ref_t) -> *const wasm_func_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Func(_)) => r as *const wasm_func_t,
        _ => std::ptr::null(),
    }
}

#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_global_t {
    pub(crate) r: wasm_ref_t,
}

#[no_mangle]
pub unsafe extern "C" fn wasm_global_delete(p: *mut wasm_global_t) {
    // SAFETY: `p` is NULL or a handle the caller owns and gives up (C API contract, rule 4);
    // the typed handle is a transparent `wasm_ref_t`.
    unsafe { delete_handle(p as *mut wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_global_copy(p: *const wasm_global_t) -> *mut wasm_global_t {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`;
    // the copy holds the same object, so it is a handle of the same type.
    (unsafe { copy_handle(p as *const wasm_ref_t) }) as *mut wasm_global_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_global_same(a: *const wasm_global_t, b: *const wasm_global_t) -> bool {
    // SAFETY: `a` and `b` are NULL or live handles (C API contract, rule 1), transparent `wasm_ref_t`s.
    unsafe { same_handle(a as *const wasm_ref_t, b as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_global_get_host_info(p: *const wasm_global_t) -> *mut c_void {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { host_info(p as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_global_set_host_info(p: *mut wasm_global_t, info: *mut c_void) {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { set_host_info(p as *mut wasm_ref_t, info, None) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_global_set_host_info_with_finalizer(
    p: *mut wasm_global_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: `p` is NULL or a live handle (rule 1), a transparent `wasm_ref_t`; the caller
    // vouches for `finalizer` (rule 7).
    unsafe { set_host_info(p as *mut wasm_ref_t, info, finalizer) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_global_as_ref(p: *mut wasm_global_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_global_as_ref_const(p: *const wasm_global_t) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_global(r: *mut wasm_ref_t) -> *mut wasm_global_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Global(_)) => r as *mut wasm_global_t,
        _ => std::ptr::null_mut(),
    }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_global_const(r: *const wasm_ref_t) -> *const wasm_global_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Global(_)) => r as *const wasm_global_t,
        _ => std::ptr::null(),
    }
}

#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_table_t {
    pub(crate) r: wasm_ref_t,
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_delete(p: *mut wasm_table_t) {
    // SAFETY: `p` is NULL or a handle the caller owns and gives up (C API contract, rule 4);
    // the typed handle is a transparent `wasm_ref_t`.
    unsafe { delete_handle(p as *mut wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_table_copy(p: *const wasm_table_t) -> *mut wasm_table_t {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`;
    // the copy holds the same object, so it is a handle of the same type.
    (unsafe { copy_handle(p as *const wasm_ref_t) }) as *mut wasm_table_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_table_same(a: *const wasm_table_t, b: *const wasm_table_t) -> bool {
    // SAFETY: `a` and `b` are NULL or live handles (C API contract, rule 1), transparent `wasm_ref_t`s.
    unsafe { same_handle(a as *const wasm_ref_t, b as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_table_get_host_info(p: *const wasm_table_t) -> *mut c_void {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { host_info(p as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_table_set_host_info(p: *mut wasm_table_t, info: *mut c_void) {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { set_host_info(p as *mut wasm_ref_t, info, None) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_table_set_host_info_with_finalizer(
    p: *mut wasm_table_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: `p` is NULL or a live handle (rule 1), a transparent `wasm_ref_t`; the caller
    // vouches for `finalizer` (rule 7).
    unsafe { set_host_info(p as *mut wasm_ref_t, info, finalizer) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_table_as_ref(p: *mut wasm_table_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_table_as_ref_const(p: *const wasm_table_t) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_table(r: *mut wasm_ref_t) -> *mut wasm_table_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Table(_)) => r as *mut wasm_table_t,
        _ => std::ptr::null_mut(),
    }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_table_const(r: *const wasm_ref_t) -> *const wasm_table_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Table(_)) => r as *const wasm_table_t,
        _ => std::ptr::null(),
    }
}

#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_memory_t {
    pub(crate) r: wasm_ref_t,
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_delete(p: *mut wasm_memory_t) {
    // SAFETY: `p` is NULL or a handle the caller owns and gives up (C API contract, rule 4);
    // the typed handle is a transparent `wasm_ref_t`.
    unsafe { delete_handle(p as *mut wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_copy(p: *const wasm_memory_t) -> *mut wasm_memory_t {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`;
    // the copy holds the same object, so it is a handle of the same type.
    (unsafe { copy_handle(p as *const wasm_ref_t) }) as *mut wasm_memory_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_same(a: *const wasm_memory_t, b: *const wasm_memory_t) -> bool {
    // SAFETY: `a` and `b` are NULL or live handles (C API contract, rule 1), transparent `wasm_ref_t`s.
    unsafe { same_handle(a as *const wasm_ref_t, b as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_get_host_info(p: *const wasm_memory_t) -> *mut c_void {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { host_info(p as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_set_host_info(p: *mut wasm_memory_t, info: *mut c_void) {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { set_host_info(p as *mut wasm_ref_t, info, None) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_set_host_info_with_finalizer(
    p: *mut wasm_memory_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: `p` is NULL or a live handle (rule 1), a transparent `wasm_ref_t`; the caller
    // vouches for `finalizer` (rule 7).
    unsafe { set_host_info(p as *mut wasm_ref_t, info, finalizer) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_as_ref(p: *mut wasm_memory_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_as_ref_const(p: *const wasm_memory_t) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_memory(r: *mut wasm_ref_t) -> *mut wasm_memory_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Memory(_)) => r as *mut wasm_memory_t,
        _ => std::ptr::null_mut(),
    }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_memory_const(r: *const wasm_ref_t) -> *const wasm_memory_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Memory(_)) => r as *const wasm_memory_t,
        _ => std::ptr::null(),
    }
}

#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_extern_t {
    pub(crate) r: wasm_ref_t,
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_delete(p: *mut wasm_extern_t) {
    // SAFETY: `p` is NULL or a handle the caller owns and gives up (C API contract, rule 4);
    // the typed handle is a transparent `wasm_ref_t`.
    unsafe { delete_handle(p as *mut wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_copy(p: *const wasm_extern_t) -> *mut wasm_extern_t {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`;
    // the copy holds the same object, so it is a handle of the same type.
    (unsafe { copy_handle(p as *const wasm_ref_t) }) as *mut wasm_extern_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_same(a: *const wasm_extern_t, b: *const wasm_extern_t) -> bool {
    // SAFETY: `a` and `b` are NULL or live handles (C API contract, rule 1), transparent `wasm_ref_t`s.
    unsafe { same_handle(a as *const wasm_ref_t, b as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_get_host_info(p: *const wasm_extern_t) -> *mut c_void {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { host_info(p as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_set_host_info(p: *mut wasm_extern_t, info: *mut c_void) {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { set_host_info(p as *mut wasm_ref_t, info, None) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_set_host_info_with_finalizer(
    p: *mut wasm_extern_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: `p` is NULL or a live handle (rule 1), a transparent `wasm_ref_t`; the caller
    // vouches for `finalizer` (rule 7).
    unsafe { set_host_info(p as *mut wasm_ref_t, info, finalizer) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_ref(p: *mut wasm_extern_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_ref_const(p: *const wasm_extern_t) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_extern(r: *mut wasm_ref_t) -> *mut wasm_extern_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Func(_) | Object::Global(_) | Object::Table(_) | Object::Memory(_)) => r as *mut wasm_extern_t,
        _ => std::ptr::null_mut(),
    }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_extern_const(r: *const wasm_ref_t) -> *const wasm_extern_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Func(_) | Object::Global(_) | Object::Table(_) | Object::Memory(_)) => r as *const wasm_extern_t,
        _ => std::ptr::null(),
    }
}

#[repr(transparent)]
#[derive(Clone)]
pub struct wasm_instance_t {
    pub(crate) r: wasm_ref_t,
}

#[no_mangle]
pub unsafe extern "C" fn wasm_instance_delete(p: *mut wasm_instance_t) {
    // SAFETY: `p` is NULL or a handle the caller owns and gives up (C API contract, rule 4);
    // the typed handle is a transparent `wasm_ref_t`.
    unsafe { delete_handle(p as *mut wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_copy(p: *const wasm_instance_t) -> *mut wasm_instance_t {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`;
    // the copy holds the same object, so it is a handle of the same type.
    (unsafe { copy_handle(p as *const wasm_ref_t) }) as *mut wasm_instance_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_same(a: *const wasm_instance_t, b: *const wasm_instance_t) -> bool {
    // SAFETY: `a` and `b` are NULL or live handles (C API contract, rule 1), transparent `wasm_ref_t`s.
    unsafe { same_handle(a as *const wasm_ref_t, b as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_get_host_info(p: *const wasm_instance_t) -> *mut c_void {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { host_info(p as *const wasm_ref_t) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_set_host_info(p: *mut wasm_instance_t, info: *mut c_void) {
    // SAFETY: `p` is NULL or a live handle (C API contract, rule 1), a transparent `wasm_ref_t`.
    unsafe { set_host_info(p as *mut wasm_ref_t, info, None) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_set_host_info_with_finalizer(
    p: *mut wasm_instance_t,
    info: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    // SAFETY: `p` is NULL or a live handle (rule 1), a transparent `wasm_ref_t`; the caller
    // vouches for `finalizer` (rule 7).
    unsafe { set_host_info(p as *mut wasm_ref_t, info, finalizer) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_as_ref(p: *mut wasm_instance_t) -> *mut wasm_ref_t {
    p as *mut wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_as_ref_const(p: *const wasm_instance_t) -> *const wasm_ref_t {
    p as *const wasm_ref_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_instance(r: *mut wasm_ref_t) -> *mut wasm_instance_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Instance(_)) => r as *mut wasm_instance_t,
        _ => std::ptr::null_mut(),
    }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_ref_as_instance_const(r: *const wasm_ref_t) -> *const wasm_instance_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1). The cast below is only
    // made for a matching object, and the typed handle is a transparent `wasm_ref_t`.
    match unsafe { r.as_ref() }.map(|r| &r.obj) {
        Some(Object::Instance(_)) => r as *const wasm_instance_t,
        _ => std::ptr::null(),
    }
}
