//! `wasm_globaltype_t`: a global type object (content value type and mutability), an extern
//! type of kind global with a cached engine `GlobalType`.
#![allow(non_camel_case_types)]

use super::externtype::extern_subtype;
use super::externtype::wasm_externtype_t;
use super::valtype::{wasm_mutability_t, wasm_valtype_t, WASM_CONST, WASM_VAR};
use crate::types::GlobalType;
use std::ptr;

/// The global-type payload of an extern type.
#[derive(Clone)]
pub struct GlobalTypeData {
    content: wasm_valtype_t,
    core: GlobalType,
}

impl GlobalTypeData {
    pub(crate) fn from_core(core: &GlobalType) -> GlobalTypeData {
        GlobalTypeData { content: wasm_valtype_t::new(core.content), core: *core }
    }

    pub(crate) fn core(&self) -> &GlobalType {
        &self.core
    }
}

/// A global type object: an extern type whose payload is always `ExternTypeData::Global`.
#[repr(C)]
#[derive(Clone)]
pub struct wasm_globaltype_t {
    pub(crate) ext: wasm_externtype_t,
}

extern_subtype!(wasm_globaltype_t, Global, GlobalTypeData, GlobalType);

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_new(
    content: *mut wasm_valtype_t,
    mutability: wasm_mutability_t,
) -> *mut wasm_globaltype_t {
    if content.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: `content` is a non-NULL value type box whose ownership the caller hands over
    // (C API contract, rule 4); it is freed when this function returns.
    let content = unsafe { Box::from_raw(content) };
    let mutable = match mutability {
        WASM_CONST => false,
        WASM_VAR => true,
        _ => return ptr::null_mut(),
    };
    Box::into_raw(wasm_globaltype_t::from_core(&GlobalType { content: content.ty(), mutable }))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_delete(t: *mut wasm_globaltype_t) {
    // SAFETY: `t` is NULL or a `wasm_globaltype_t` box of ours that the caller owns and gives up (C API
    // contract, rule 4). It may have been made as an extern type and cast by
    // `wasm_externtype_as_*`: the wrapper is `repr(C)` with the extern type as its only field,
    // so the allocation's layout and the value dropped are the same.
    unsafe { crate::capi::delete_boxed(t) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_copy(t: *const wasm_globaltype_t) -> *mut wasm_globaltype_t {
    // SAFETY: `t` is NULL or a live `wasm_globaltype_t` (C API contract, rule 1).
    unsafe { crate::capi::copy_boxed(t) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_content(t: *const wasm_globaltype_t) -> *const wasm_valtype_t {
    // SAFETY: `t` is NULL or a live `wasm_globaltype_t` (C API contract, rule 1).
    match unsafe { t.as_ref() } {
        Some(t) => &t.data().content,
        None => ptr::null(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_mutability(t: *const wasm_globaltype_t) -> wasm_mutability_t {
    // SAFETY: `t` is NULL or a live `wasm_globaltype_t` (C API contract, rule 1).
    match unsafe { t.as_ref() } {
        Some(t) if t.core().mutable => WASM_VAR,
        _ => WASM_CONST,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::types::valtype::*;
    use crate::types::ValType;

    #[test]
    fn new_and_accessors() {
        // SAFETY: every pointer used is NULL or a live type object of this test, deleted once.
        unsafe {
            let g = wasm_globaltype_new(wasm_valtype_new(WASM_I64), WASM_VAR);
            assert_eq!(wasm_valtype_kind(wasm_globaltype_content(g)), WASM_I64);
            assert_eq!(wasm_globaltype_mutability(g), WASM_VAR);
            assert_eq!((*g).to_core(), GlobalType { content: ValType::I64, mutable: true });
            let c = wasm_globaltype_copy(g);
            wasm_globaltype_delete(g);
            assert_eq!(wasm_globaltype_mutability(c), WASM_VAR);
            wasm_globaltype_delete(c);
            assert!(wasm_globaltype_new(wasm_valtype_new(WASM_I32), 7).is_null());
            assert!(wasm_globaltype_new(ptr::null_mut(), WASM_CONST).is_null());
        }
    }
}
