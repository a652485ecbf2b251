//! `wasm_tabletype_t`: a table type object (element reference type and limits), an extern type
//! of kind table with a cached engine `TableType`.
#![allow(non_camel_case_types)]

use super::externtype::extern_subtype;
use super::externtype::wasm_externtype_t;
use super::limits::wasm_limits_t;
use super::valtype::wasm_valtype_t;
use crate::types::TableType;
use std::ptr;

/// The table-type payload of an extern type.
#[derive(Clone)]
pub struct TableTypeData {
    element: wasm_valtype_t,
    /// The limits as wasm.h can state them, or None when they do not fit (table64).
    limits: Option<wasm_limits_t>,
    core: TableType,
}

impl TableTypeData {
    pub(crate) fn from_core(core: &TableType) -> TableTypeData {
        TableTypeData {
            element: wasm_valtype_t::new(core.element),
            limits: wasm_limits_t::exact_from_core(&core.limits, core.table64),
            core: *core,
        }
    }

    pub(crate) fn core(&self) -> &TableType {
        &self.core
    }
}

/// A table type object: an extern type whose payload is always `ExternTypeData::Table`.
#[repr(C)]
#[derive(Clone)]
pub struct wasm_tabletype_t {
    pub(crate) ext: wasm_externtype_t,
}

extern_subtype!(wasm_tabletype_t, Table, TableTypeData, TableType);

/// Takes ownership of `element`; NULL if an argument is null or the element is not a
/// reference type (tables hold references only).
#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_new(
    element: *mut wasm_valtype_t,
    limits: *const wasm_limits_t,
) -> *mut wasm_tabletype_t {
    if element.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: `element` is a non-NULL value type box whose ownership the caller hands over
    // (C API contract, rule 4); it is freed when this function returns.
    let element = unsafe { Box::from_raw(element) };
    // SAFETY: `limits` is NULL or points at a readable `wasm_limits_t` (rule 1).
    let Some(limits) = (unsafe { limits.as_ref() }) else { return ptr::null_mut() };
    if !element.ty().is_ref() {
        return ptr::null_mut();
    }
    Box::into_raw(wasm_tabletype_t::from_core(&TableType {
        element: element.ty(),
        limits: limits.to_core(),
        table64: false,
    }))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_delete(t: *mut wasm_tabletype_t) {
    // SAFETY: `t` is NULL or a `wasm_tabletype_t` box of ours that the caller owns and gives up (C API
    // contract, rule 4). It may have been made as an extern type and cast by
    // `wasm_externtype_as_*`: the wrapper is `repr(C)` with the extern type as its only field,
    // so the allocation's layout and the value dropped are the same.
    unsafe { crate::capi::delete_boxed(t) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_copy(t: *const wasm_tabletype_t) -> *mut wasm_tabletype_t {
    // SAFETY: `t` is NULL or a live `wasm_tabletype_t` (C API contract, rule 1).
    unsafe { crate::capi::copy_boxed(t) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_element(t: *const wasm_tabletype_t) -> *const wasm_valtype_t {
    // SAFETY: `t` is NULL or a live `wasm_tabletype_t` (C API contract, rule 1).
    match unsafe { t.as_ref() } {
        Some(t) => &t.data().element,
        None => ptr::null(),
    }
}

/// The limits in elements. NULL, with `wasmlift_error_message` saying why, when a 64-bit
/// table's limits do not fit `wasm_limits_t` (beyond 32 bits, or a maximum of exactly
/// 0xffffffff): `wasmlift_tabletype_limits64` reads them in full.
#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_limits(t: *const wasm_tabletype_t) -> *const wasm_limits_t {
    // SAFETY: `t` is NULL or a live `wasm_tabletype_t` (C API contract, rule 1).
    match unsafe { t.as_ref() } {
        Some(t) => match &t.data().limits {
            Some(l) => l,
            None => {
                crate::capi::extensions::set_error(&format!(
                    "wasm_tabletype_limits: the limits of {} do not fit wasm_limits_t; use wasmlift_tabletype_limits64",
                    t.data().core
                ));
                ptr::null()
            }
        },
        None => ptr::null(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::types::valtype::*;
    use crate::types::{Limits, ValType};

    #[test]
    fn new_and_accessors() {
        // SAFETY: every pointer used is NULL or a live type object of this test, deleted once.
        unsafe {
            let limits = wasm_limits_t { min: 3, max: 0xffff_ffff };
            let t = wasm_tabletype_new(wasm_valtype_new(WASM_FUNCREF), &limits);
            assert_eq!(wasm_valtype_kind(wasm_tabletype_element(t)), WASM_FUNCREF);
            assert_eq!(*wasm_tabletype_limits(t), limits);
            assert_eq!(
                (*t).to_core(),
                TableType { element: ValType::FUNCREF, limits: Limits { min: 3, max: None }, table64: false }
            );
            wasm_tabletype_delete(t);
            assert!(wasm_tabletype_new(wasm_valtype_new(WASM_I32), &limits).is_null());
            assert!(wasm_tabletype_new(wasm_valtype_new(WASM_EXTERNREF), ptr::null()).is_null());
        }
    }
}
