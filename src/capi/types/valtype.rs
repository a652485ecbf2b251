//! `wasm_valtype_t`: a value type object, and the `wasm_valkind_t` codes (standard kinds plus
//! wasmlift's `WASMLIFT_V128` = 4 for SIMD values, which the standard does not cover).
#![allow(non_camel_case_types)]

use crate::capi::vec::BoxedElem;
use crate::types::ValType;

/// `uint8_t` in C; declared by hand in `include/wasm-prelude.h`.
pub type wasm_valkind_t = u8;
/// `uint8_t` in C; declared by hand in `include/wasm-prelude.h`.
pub type wasm_mutability_t = u8;
/// `uint8_t` in C; declared by hand in `include/wasm-prelude.h`.
pub type wasm_externkind_t = u8;

// Rust copies of the prelude's enumerators (not exported by cbindgen: constants are excluded).
pub const WASM_I32: wasm_valkind_t = 0;
pub const WASM_I64: wasm_valkind_t = 1;
pub const WASM_F32: wasm_valkind_t = 2;
pub const WASM_F64: wasm_valkind_t = 3;
/// wasmlift extension (see `WASMLIFT_V128` in wasmlift.h).
pub const WASM_V128: wasm_valkind_t = 4;
pub const WASM_EXTERNREF: wasm_valkind_t = 128;
pub const WASM_FUNCREF: wasm_valkind_t = 129;

pub const WASM_CONST: wasm_mutability_t = 0;
pub const WASM_VAR: wasm_mutability_t = 1;

pub const WASM_EXTERN_FUNC: wasm_externkind_t = 0;
pub const WASM_EXTERN_GLOBAL: wasm_externkind_t = 1;
pub const WASM_EXTERN_TABLE: wasm_externkind_t = 2;
pub const WASM_EXTERN_MEMORY: wasm_externkind_t = 3;
/// wasmlift extension: an exception tag (declared with the tag API in capi/tag.rs).
pub use crate::capi::tag::WASMLIFT_EXTERN_TAG;

/// The C code of an engine value type.
pub fn valkind_of(ty: ValType) -> wasm_valkind_t {
    match ty {
        ValType::I32 => WASM_I32,
        ValType::I64 => WASM_I64,
        ValType::F32 => WASM_F32,
        ValType::F64 => WASM_F64,
        ValType::V128 => WASM_V128,
        // wasm.h has only the two top kinds: any function-typed reference is a funcref and any
        // other (extern-typed) reference an externref.
        ValType::Ref(r) if r.is_func() => WASM_FUNCREF,
        ValType::Ref(_) => WASM_EXTERNREF,
    }
}

/// The engine value type of a C code; `None` for codes that name no type.
pub fn valtype_of_kind(kind: wasm_valkind_t) -> Option<ValType> {
    Some(match kind {
        WASM_I32 => ValType::I32,
        WASM_I64 => ValType::I64,
        WASM_F32 => ValType::F32,
        WASM_F64 => ValType::F64,
        WASM_V128 => ValType::V128,
        WASM_EXTERNREF => ValType::EXTERNREF,
        WASM_FUNCREF => ValType::FUNCREF,
        _ => return None,
    })
}

/// A value type object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wasm_valtype_t {
    ty: ValType,
}

impl BoxedElem for wasm_valtype_t {}

impl wasm_valtype_t {
    pub fn new(ty: ValType) -> wasm_valtype_t {
        wasm_valtype_t { ty }
    }

    /// A heap object owned by the caller, as `own wasm_valtype_t*` results are.
    pub fn into_raw(self) -> *mut wasm_valtype_t {
        Box::into_raw(Box::new(self))
    }

    pub fn ty(&self) -> ValType {
        self.ty
    }

    pub fn kind(&self) -> wasm_valkind_t {
        valkind_of(self.ty)
    }
}

#[no_mangle]
pub extern "C" fn wasm_valtype_new(kind: wasm_valkind_t) -> *mut wasm_valtype_t {
    match valtype_of_kind(kind) {
        Some(ty) => wasm_valtype_t::new(ty).into_raw(),
        None => std::ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_delete(t: *mut wasm_valtype_t) {
    // SAFETY: `t` is NULL or a `wasm_valtype_t` box of ours that the caller owns and gives up (C API
    // contract, rule 4).
    unsafe { crate::capi::delete_boxed(t) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_copy(t: *const wasm_valtype_t) -> *mut wasm_valtype_t {
    // SAFETY: `t` is NULL or a live `wasm_valtype_t` (C API contract, rule 1).
    unsafe { crate::capi::copy_boxed(t) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_kind(t: *const wasm_valtype_t) -> wasm_valkind_t {
    // SAFETY: `t` is NULL or a live `wasm_valtype_t` (C API contract, rule 1).
    match unsafe { t.as_ref() } {
        Some(t) => t.kind(),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for ty in [
            ValType::I32,
            ValType::I64,
            ValType::F32,
            ValType::F64,
            ValType::V128,
            ValType::FUNCREF,
            ValType::EXTERNREF,
        ] {
            assert_eq!(valtype_of_kind(valkind_of(ty)), Some(ty));
        }
        assert_eq!(valkind_of(ValType::FUNCREF), 129);
        assert_eq!(valkind_of(ValType::EXTERNREF), 128);
        assert_eq!(valtype_of_kind(5), None);
        assert_eq!(valtype_of_kind(130), None);
    }

    #[test]
    fn new_copy_delete() {
        // SAFETY: every pointer used is NULL, a live object made in this test, or points into one;
        // each object is deleted once and not used after.
        unsafe {
            assert!(wasm_valtype_new(200).is_null());
            let t = wasm_valtype_new(WASM_F64);
            assert_eq!(wasm_valtype_kind(t), WASM_F64);
            let c = wasm_valtype_copy(t);
            assert_ne!(c, t);
            assert_eq!((*c).ty(), ValType::F64);
            wasm_valtype_delete(t);
            wasm_valtype_delete(c);
            wasm_valtype_delete(std::ptr::null_mut());
            assert!(wasm_valtype_copy(std::ptr::null()).is_null());
        }
    }
}
