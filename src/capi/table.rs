//! `wasm_table_t`: tables created by the host or exported by instances.
#![allow(non_camel_case_types)]

use crate::capi::r#ref::{wasm_ref_t, wasm_table_t};
use crate::capi::store::wasm_store_t;
use crate::capi::types::wasm_tabletype_t;
use crate::capi::val::typed_funcref_bits;
use crate::runtime::func::Func;
use crate::runtime::object::Object;
use crate::runtime::store::StoreHandle;
use crate::runtime::table::{TableRef, WasmTable};
use crate::types::ValType;
use std::sync::Arc;

impl wasm_table_t {
    pub(crate) fn table(&self) -> &Arc<WasmTable> {
        match &self.r.obj {
            Object::Table(t) => &t.table,
            _ => unreachable!("a wasm_table_t always holds a table"),
        }
    }
}

/// The element bits for `r` in a table of element type `ty` (see `funcref_bits`), or None when
/// the reference has the wrong kind or belongs to another store.
///
/// # Safety
/// `r` is NULL or a live `wasm_ref_t` (C API contract, rule 1).
unsafe fn element_bits(r: *const wasm_ref_t, ty: ValType, store: &StoreHandle) -> Result<usize, String> {
    let ValType::Ref(rt) = ty else { return Err("not a reference type".into()) };
    // SAFETY: `r` is NULL or a live handle (this function's contract).
    let Some(r) = (unsafe { r.as_ref() }) else {
        // Non-nullable tables (typed references) cannot hold null.
        return if rt.nullable { Ok(0) } else { Err(format!("null is not a value of the non-nullable type {rt}")) };
    };
    match ty {
        ValType::Ref(r_ty) if r_ty.is_func() => match &r.obj {
            Object::Func(f) => typed_funcref_bits(f, r_ty, store),
            _ => Err("expected a function reference".into()),
        },
        ValType::Ref(r_ty) if r_ty.heap.is_exn() => crate::capi::val::exnref_bits(&r.obj, store),
        _ if !Arc::ptr_eq(&r.store, store) => Err("the reference belongs to another store".into()),
        ValType::Ref(r_ty) => crate::capi::val::gc_ref_bits(&r.obj, r_ty, store),
        _ => Err("not a reference type".into()),
    }
}

/// A new handle for the element `bits` of a table of element type `ty` in `store` (NULL for
/// null).
///
/// # Safety
/// `bits` was read from such a table: for a funcref table it is 0 or a live `VMFuncRef`, for an
/// exnref table 0 or an exnref of the store, for any other table 0, an i31 or a live object of
/// the store's GC heap.
unsafe fn element_ref(bits: usize, ty: ValType, store: &StoreHandle) -> *mut wasm_ref_t {
    let obj = match ty {
        // SAFETY: a funcref element is 0 or a live `VMFuncRef` (this function's contract).
        ValType::Ref(r) if r.is_func() => unsafe { Func::from_funcref(bits as *const _) }.map(Object::Func),
        // SAFETY: an exnref element is 0 or an exnref of this store (this function's contract).
        ValType::Ref(r) if r.heap.is_exn() => return unsafe { crate::capi::val::exnref_handle(bits, store) },
        // SAFETY: any other element of the table is null, an i31 or a live object of the
        // store's heap (the table is one of its roots) (this function's contract).
        _ => return unsafe { crate::capi::val::gc_ref_handle(bits, store) },
    };
    match obj {
        Some(o) => wasm_ref_t::boxed(o, store.clone()),
        None => std::ptr::null_mut(),
    }
}

/// Creates a table of type `ty` with every element set to `init` (NULL for null).
#[no_mangle]
pub unsafe extern "C" fn wasm_table_new(
    store: *mut wasm_store_t,
    ty: *const wasm_tabletype_t,
    init: *mut wasm_ref_t,
) -> *mut wasm_table_t {
    // SAFETY: `store` is NULL or a live `wasm_store_t`, `ty` NULL or a live
    // `wasm_tabletype_t` (C API contract, rule 1).
    let (Some(store), Some(ty)) = (unsafe { store.as_ref() }, unsafe { ty.as_ref() }) else {
        return std::ptr::null_mut();
    };
    let ty = ty.to_core();
    // SAFETY: `init` is NULL or a live reference (C API contract, rule 1).
    let bits = match unsafe { element_bits(init, ty.element, &store.store) } {
        Ok(bits) => bits,
        Err(e) => {
            crate::capi::extensions::set_error(&format!("wasm_table_new: the initial value does not fit: {e}"));
            return std::ptr::null_mut();
        }
    };
    match WasmTable::new(ty, bits) {
        Ok(mut t) => {
            if let Err(e) = t.attach(&store.store.inner) {
                crate::capi::extensions::set_error(&e);
                return std::ptr::null_mut();
            }
            let t = Arc::new(t);
            store.store.gc_heap.lock().unwrap_or_else(|e| e.into_inner()).register_table(&t);
            wasm_ref_t::boxed(Object::Table(TableRef::new(t)), store.store.clone()) as *mut wasm_table_t
        }
        Err(e) => {
            crate::capi::extensions::set_error(&e);
            std::ptr::null_mut()
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_type(t: *const wasm_table_t) -> *mut wasm_tabletype_t {
    // SAFETY: `t` is NULL or a live `wasm_table_t` (C API contract, rule 1).
    match unsafe { t.as_ref() } {
        Some(t) => Box::into_raw(wasm_tabletype_t::from_core(&t.table().ty())),
        None => std::ptr::null_mut(),
    }
}

/// The element at `index` as a new handle (NULL for null or out of bounds).
#[no_mangle]
pub unsafe extern "C" fn wasm_table_get(t: *const wasm_table_t, index: u32) -> *mut wasm_ref_t {
    // SAFETY: `t` is NULL or a live `wasm_table_t` (C API contract, rule 1).
    let Some(t) = (unsafe { t.as_ref() }) else { return std::ptr::null_mut() };
    let table = t.table();
    match table.get(index as u64) {
        // SAFETY: `bits` was just read from this table, whose funcref elements are null or
        // live (their owners adopted and reached by the collector through this table, which
        // the handle holds, or the defining instance the handle's `TableRef` holds; see
        // runtime::table and gc/owners.rs).
        Some(bits) => unsafe { element_ref(bits, table.element_type(), &t.r.store) },
        None => std::ptr::null_mut(),
    }
}

/// Sets the element at `index`; false when out of bounds or of the wrong reference type.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_set(t: *mut wasm_table_t, index: u32, r: *mut wasm_ref_t) -> bool {
    // SAFETY: `t` is NULL or a live `wasm_table_t` (C API contract, rule 1).
    let Some(t) = (unsafe { t.as_ref() }) else { return false };
    let table = t.table();
    if index as usize >= table.len() {
        return false;
    }
    // A safepoint before the element becomes reference bits (as in `wasm_global_set`).
    // SAFETY: the embedder holds references only through handles; wasm of the store below,
    // if any, is stopped at a call into the host.
    unsafe { crate::runtime::gc::collect_if_needed(&t.r.store.inner) };
    // SAFETY: `r` is NULL or a live reference (C API contract, rule 1).
    match unsafe { element_bits(r, table.element_type(), &t.r.store) } {
        Ok(bits) => table.set(index as u64, bits),
        Err(e) => {
            crate::capi::extensions::set_error(&format!("wasm_table_set: {e}"));
            false
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_table_size(t: *const wasm_table_t) -> u32 {
    // SAFETY: `t` is NULL or a live `wasm_table_t` (C API contract, rule 1).
    unsafe { t.as_ref() }.map_or(0, |t| t.table().len() as u32)
}

/// Grows by `delta` elements set to `init`; false (and no change) past the maximum.
#[no_mangle]
pub unsafe extern "C" fn wasm_table_grow(t: *mut wasm_table_t, delta: u32, init: *mut wasm_ref_t) -> bool {
    // SAFETY: `t` is NULL or a live `wasm_table_t` (C API contract, rule 1).
    let Some(t) = (unsafe { t.as_ref() }) else { return false };
    let table = t.table();
    // A safepoint (as in `wasm_table_set`).
    // SAFETY: as there.
    unsafe { crate::runtime::gc::collect_if_needed(&t.r.store.inner) };
    // SAFETY: `init` is NULL or a live reference (C API contract, rule 1).
    match unsafe { element_bits(init, table.element_type(), &t.r.store) } {
        Ok(bits) => table.grow(delta as u64, bits).is_some(),
        Err(e) => {
            crate::capi::extensions::set_error(&format!("wasm_table_grow: {e}"));
            false
        }
    }
}
