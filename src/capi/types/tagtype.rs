//! `wasmlift_tagtype_t` (wasmlift extension): the type of an exception tag, an extern type of
//! kind `WASMLIFT_EXTERN_TAG` whose payload is a function type without results.
#![allow(non_camel_case_types)]

use super::externtype::{extern_subtype, wasm_externtype_t};
use super::functype::{wasm_functype_t, FuncTypeData};
use super::valtype::WASMLIFT_EXTERN_TAG;
use crate::capi::extensions::set_error;
use crate::capi::vecs::wasm_valtype_vec_t;
use crate::types::FuncType;
use std::ptr;

/// A tag type: the payload's parameter types (a function type without results). It is an
/// extern type of kind `WASMLIFT_EXTERN_TAG` (`wasmlift_tagtype_as_externtype` is a cast).
#[repr(C)]
#[derive(Clone)]
pub struct wasmlift_tagtype_t {
    pub(crate) ext: wasm_externtype_t,
}

extern_subtype!(wasmlift_tagtype_t, Tag, FuncTypeData, FuncType);

/// A tag type whose payload has the parameters of `functype` (taken over; it must have no
/// results). NULL (with `wasmlift_error_message`) otherwise.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_tagtype_new(functype: *mut wasm_functype_t) -> *mut wasmlift_tagtype_t {
    if functype.is_null() {
        set_error("wasmlift_tagtype_new: the function type is NULL");
        return ptr::null_mut();
    }
    // SAFETY: a live function type box of ours that the caller gives up (rules 1 and 4).
    let f = unsafe { Box::from_raw(functype) };
    let core = f.core().clone();
    if !core.results.is_empty() {
        set_error("wasmlift_tagtype_new: a tag type has no results");
        return ptr::null_mut();
    }
    Box::into_raw(wasmlift_tagtype_t::from_core(&core))
}

#[no_mangle]
pub unsafe extern "C" fn wasmlift_tagtype_delete(t: *mut wasmlift_tagtype_t) {
    // SAFETY: NULL or a box of ours the caller gives up (rule 4); made as a tag type or cast
    // from an extern type of the same layout.
    unsafe { crate::capi::delete_boxed(t) }
}

#[no_mangle]
pub unsafe extern "C" fn wasmlift_tagtype_copy(t: *const wasmlift_tagtype_t) -> *mut wasmlift_tagtype_t {
    // SAFETY: NULL or a live tag type (rule 1).
    unsafe { crate::capi::copy_boxed(t) }
}

/// The payload's types (owned by the tag type).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_tagtype_params(t: *const wasmlift_tagtype_t) -> *const wasm_valtype_vec_t {
    // SAFETY: NULL or a live tag type (rule 1).
    match unsafe { t.as_ref() } {
        Some(t) => t.data().params_vec(),
        None => ptr::null(),
    }
}

#[no_mangle]
pub extern "C" fn wasmlift_tagtype_as_externtype(t: *mut wasmlift_tagtype_t) -> *mut wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasmlift_tagtype_as_externtype_const(t: *const wasmlift_tagtype_t) -> *const wasm_externtype_t {
    t.cast()
}

/// The extern type as a tag type, or NULL when it is of another kind.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_externtype_as_tagtype(t: *mut wasm_externtype_t) -> *mut wasmlift_tagtype_t {
    // SAFETY: NULL or a live extern type (rule 1).
    match unsafe { t.as_ref() } {
        Some(e) if e.kind() == WASMLIFT_EXTERN_TAG => t.cast(),
        _ => ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasmlift_externtype_as_tagtype_const(
    t: *const wasm_externtype_t,
) -> *const wasmlift_tagtype_t {
    // SAFETY: NULL or a live extern type (rule 1).
    match unsafe { t.as_ref() } {
        Some(e) if e.kind() == WASMLIFT_EXTERN_TAG => t.cast(),
        _ => ptr::null(),
    }
}
