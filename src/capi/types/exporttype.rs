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
        Box::new(wasm_exporttype_t { name: wasm_name_t::from_bytes(name.as_bytes()), ty: wasm_externtype_t::from_core(ty) })
    }

    pub fn name_bytes(&self) -> &[u8] {
        unsafe { self.name.bytes() }
    }

    pub fn ty(&self) -> &wasm_externtype_t {
        &self.ty
    }
}

impl Clone for wasm_exporttype_t {
    fn clone(&self) -> wasm_exporttype_t {
        let mut name = wasm_name_t::empty();
        unsafe { vec_copy(&mut name, &self.name) };
        wasm_exporttype_t { name, ty: self.ty.clone() }
    }
}

impl Drop for wasm_exporttype_t {
    fn drop(&mut self) {
        unsafe { vec_delete(&mut self.name) };
    }
}

/// Takes ownership of the name's contents and of the extern type; NULL (after freeing them)
/// if an argument is null.
#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_new(name: *mut wasm_name_t, ty: *mut wasm_externtype_t) -> *mut wasm_exporttype_t {
    let mut n = take_vec(name);
    if name.is_null() || ty.is_null() {
        vec_delete(&mut n);
        if !ty.is_null() {
            drop(Box::from_raw(ty));
        }
        return ptr::null_mut();
    }
    Box::into_raw(Box::new(wasm_exporttype_t { name: n, ty: Box::from_raw(ty) }))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_delete(t: *mut wasm_exporttype_t) {
    if !t.is_null() {
        drop(Box::from_raw(t));
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_copy(t: *const wasm_exporttype_t) -> *mut wasm_exporttype_t {
    match t.as_ref() {
        Some(t) => Box::into_raw(Box::new(t.clone())),
        None => ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_name(t: *const wasm_exporttype_t) -> *const wasm_name_t {
    match t.as_ref() {
        Some(t) => &t.name,
        None => ptr::null(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_type(t: *const wasm_exporttype_t) -> *const wasm_externtype_t {
    match t.as_ref() {
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
        let ty = ExternType::Memory(MemoryType { limits: Limits { min: 1, max: None }, memory64: false, shared: false });
        let e = wasm_exporttype_t::from_core("mem", &ty);
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
