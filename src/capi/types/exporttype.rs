//! `wasm_exporttype_t`: a module export's name and extern type.
#![allow(non_camel_case_types)]

use super::externtype::wasm_externtype_t;
use super::take_vec;
use crate::capi::vec::{vec_copy, vec_delete, wasm_name_t, BoxedElem, CVec};
use crate::types::ExternType;
use std::ptr;

pub struct wasm_exporttype_t {
    name: wasm_name_t,
    ty: Box<wasm_externtype_t>,
}

impl BoxedElem for wasm_exporttype_t {}

impl wasm_exporttype_t {
    pub fn from_core(name: &str, ty: &ExternType) -> Box<wasm_exporttype_t> {
        Box::new(wasm_exporttype_t {
            name: wasm_name_t::from_bytes(name.as_bytes()),
            ty: wasm_externtype_t::from_core(ty),
        })
    }

    pub fn name_bytes(&self) -> &[u8] {
        // SAFETY: `name` is a vector this object owns (made by `from_bytes`, `vec_copy` or taken
        // from `wasm_exporttype_new`'s owned argument) and never hands out for writing.
        unsafe { self.name.bytes() }
    }

    pub fn ty(&self) -> &wasm_externtype_t {
        &self.ty
    }
}

impl Clone for wasm_exporttype_t {
    fn clone(&self) -> wasm_exporttype_t {
        let mut name = wasm_name_t::empty();
        // SAFETY: `name` is a local vector, `self.name` a valid vector this object owns.
        unsafe { vec_copy(&mut name, &self.name) };
        wasm_exporttype_t { name, ty: self.ty.clone() }
    }
}

impl Drop for wasm_exporttype_t {
    fn drop(&mut self) {
        // SAFETY: `self.name` is a vector of ours that this object owns and never uses again.
        unsafe { vec_delete(&mut self.name) };
    }
}

/// Takes ownership of the name's contents and of the extern type; NULL (after freeing them)
/// if an argument is null.
#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_new(
    name: *mut wasm_name_t,
    ty: *mut wasm_externtype_t,
) -> *mut wasm_exporttype_t {
    // SAFETY: `name` is NULL or a name vector of ours whose contents the caller hands over
    // (C API contract, rules 3 and 4).
    let mut n = unsafe { take_vec(name) };
    if name.is_null() || ty.is_null() {
        // SAFETY: `n` owns the contents taken from `name`, a buffer of ours, freed once here.
        unsafe { vec_delete(&mut n) };
        // SAFETY: `ty` is NULL or an extern type box whose ownership the caller hands over
        // (rule 4).
        unsafe { crate::capi::delete_boxed(ty) };
        return ptr::null_mut();
    }
    // SAFETY: `ty` is a non-NULL extern type box whose ownership the caller hands over (rule 4);
    // a specific type object cast by `wasm_*type_as_externtype` has the same layout.
    let ty = unsafe { Box::from_raw(ty) };
    Box::into_raw(Box::new(wasm_exporttype_t { name: n, ty }))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_delete(t: *mut wasm_exporttype_t) {
    // SAFETY: `t` is NULL or a `wasm_exporttype_t` box of ours that the caller owns and gives up (C API
    // contract, rule 4).
    unsafe { crate::capi::delete_boxed(t) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_copy(t: *const wasm_exporttype_t) -> *mut wasm_exporttype_t {
    // SAFETY: `t` is NULL or a live `wasm_exporttype_t` (C API contract, rule 1).
    unsafe { crate::capi::copy_boxed(t) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_name(t: *const wasm_exporttype_t) -> *const wasm_name_t {
    // SAFETY: `t` is NULL or a live `wasm_exporttype_t` (C API contract, rule 1).
    match unsafe { t.as_ref() } {
        Some(t) => &t.name,
        None => ptr::null(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_type(t: *const wasm_exporttype_t) -> *const wasm_externtype_t {
    // SAFETY: `t` is NULL or a live `wasm_exporttype_t` (C API contract, rule 1).
    match unsafe { t.as_ref() } {
        Some(t) => &*t.ty,
        None => ptr::null(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::types::*;
    use crate::types::{Limits, MemoryType};

    #[test]
    fn from_core_copy_and_accessors() {
        let ty =
            ExternType::Memory(MemoryType { limits: Limits { min: 1, max: None }, memory64: false, shared: false });
        let e = wasm_exporttype_t::from_core("mem", &ty);
        // SAFETY: every pointer used is NULL, a live object made in this test, or points into one;
        // each object is deleted once and not used after.
        unsafe {
            assert_eq!((*wasm_exporttype_name(&*e)).bytes(), b"mem");
            let c = wasm_exporttype_copy(&*e);
            drop(e);
            let m = wasm_externtype_as_memorytype_const(wasm_exporttype_type(c));
            assert_eq!((*wasm_memorytype_limits(m)).max, 0xffff_ffff);
            wasm_exporttype_delete(c);
            assert!(wasm_exporttype_new(ptr::null_mut(), ptr::null_mut()).is_null());
        }
    }
}
