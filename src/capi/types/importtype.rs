//! `wasm_importtype_t`: a module import's module name, field name and extern type.
#![allow(non_camel_case_types)]

use super::externtype::wasm_externtype_t;
use super::take_vec;
use crate::capi::vec::{vec_copy, vec_delete, wasm_name_t, BoxedElem, CVec};
use crate::types::ExternType;
use std::ptr;

pub struct wasm_importtype_t {
    module: wasm_name_t,
    name: wasm_name_t,
    ty: Box<wasm_externtype_t>,
}

impl BoxedElem for wasm_importtype_t {}

impl wasm_importtype_t {
    pub fn from_core(module: &str, name: &str, ty: &ExternType) -> Box<wasm_importtype_t> {
        Box::new(wasm_importtype_t {
            module: wasm_name_t::from_bytes(module.as_bytes()),
            name: wasm_name_t::from_bytes(name.as_bytes()),
            ty: wasm_externtype_t::from_core(ty),
        })
    }

    pub fn module_bytes(&self) -> &[u8] {
        // SAFETY: `module` is a vector this object owns (made by `from_bytes`, `vec_copy` or
        // taken from `wasm_importtype_new`'s owned argument) and never hands out for writing.
        unsafe { self.module.bytes() }
    }

    pub fn name_bytes(&self) -> &[u8] {
        // SAFETY: as for `module`: a vector this object owns, never handed out for writing.
        unsafe { self.name.bytes() }
    }

    pub fn ty(&self) -> &wasm_externtype_t {
        &self.ty
    }
}

impl Clone for wasm_importtype_t {
    fn clone(&self) -> wasm_importtype_t {
        let (mut module, mut name) = (wasm_name_t::empty(), wasm_name_t::empty());
        // SAFETY: `module` and `name` are local vectors; `self`'s are valid vectors it owns.
        unsafe {
            vec_copy(&mut module, &self.module);
            vec_copy(&mut name, &self.name);
        }
        wasm_importtype_t { module, name, ty: self.ty.clone() }
    }
}

impl Drop for wasm_importtype_t {
    fn drop(&mut self) {
        // SAFETY: both vectors are ours, owned by this object and never used again.
        unsafe {
            vec_delete(&mut self.module);
            vec_delete(&mut self.name);
        }
    }
}

/// Takes ownership of both names' contents and of the extern type; NULL (after freeing them)
/// if any argument is null.
#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_new(
    module: *mut wasm_name_t,
    name: *mut wasm_name_t,
    ty: *mut wasm_externtype_t,
) -> *mut wasm_importtype_t {
    // SAFETY: `module` and `name` are each NULL or a name vector of ours whose contents the
    // caller hands over (C API contract, rules 3 and 4).
    let (mut m, mut n) = unsafe { (take_vec(module), take_vec(name)) };
    if module.is_null() || name.is_null() || ty.is_null() {
        // SAFETY: `m` and `n` own the contents taken above, buffers of ours, freed once here.
        unsafe {
            vec_delete(&mut m);
            vec_delete(&mut n);
        }
        // SAFETY: `ty` is NULL or an extern type box whose ownership the caller hands over
        // (rule 4).
        unsafe { crate::capi::delete_boxed(ty) };
        return ptr::null_mut();
    }
    // SAFETY: `ty` is a non-NULL extern type box whose ownership the caller hands over (rule 4);
    // a specific type object cast by `wasm_*type_as_externtype` has the same layout.
    let ty = unsafe { Box::from_raw(ty) };
    Box::into_raw(Box::new(wasm_importtype_t { module: m, name: n, ty }))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_delete(t: *mut wasm_importtype_t) {
    // SAFETY: `t` is NULL or a `wasm_importtype_t` box of ours that the caller owns and gives up (C API
    // contract, rule 4).
    unsafe { crate::capi::delete_boxed(t) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_copy(t: *const wasm_importtype_t) -> *mut wasm_importtype_t {
    // SAFETY: `t` is NULL or a live `wasm_importtype_t` (C API contract, rule 1).
    unsafe { crate::capi::copy_boxed(t) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_module(t: *const wasm_importtype_t) -> *const wasm_name_t {
    // SAFETY: `t` is NULL or a live `wasm_importtype_t` (C API contract, rule 1).
    match unsafe { t.as_ref() } {
        Some(t) => &t.module,
        None => ptr::null(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_name(t: *const wasm_importtype_t) -> *const wasm_name_t {
    // SAFETY: `t` is NULL or a live `wasm_importtype_t` (C API contract, rule 1).
    match unsafe { t.as_ref() } {
        Some(t) => &t.name,
        None => ptr::null(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_type(t: *const wasm_importtype_t) -> *const wasm_externtype_t {
    // SAFETY: `t` is NULL or a live `wasm_importtype_t` (C API contract, rule 1).
    match unsafe { t.as_ref() } {
        Some(t) => &*t.ty,
        None => ptr::null(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::types::*;
    use crate::types::{GlobalType, ValType};

    #[test]
    fn from_core_and_accessors() {
        let ty = ExternType::Global(GlobalType { content: ValType::I32, mutable: false });
        let i = wasm_importtype_t::from_core("env", "g", &ty);
        // SAFETY: every pointer used is NULL, a live object made in this test, or points into one;
        // each object is deleted once and not used after.
        unsafe {
            assert_eq!((*wasm_importtype_module(&*i)).bytes(), b"env");
            assert_eq!((*wasm_importtype_name(&*i)).bytes(), b"g");
            assert_eq!(wasm_externtype_kind(wasm_importtype_type(&*i)), WASM_EXTERN_GLOBAL);
            let c = wasm_importtype_copy(&*i);
            drop(i);
            assert_eq!((*c).module_bytes(), b"env");
            assert_eq!((*c).ty().to_core(), ty);
            wasm_importtype_delete(c);
        }
    }

    #[test]
    fn new_takes_ownership_and_rejects_null() {
        // SAFETY: every pointer used is NULL, a live object made in this test, or points into one;
        // each object is deleted once and not used after.
        unsafe {
            let mut m = wasm_name_t::from_bytes(b"a");
            let mut n = wasm_name_t::from_bytes(b"b");
            let e = Box::into_raw(wasm_externtype_t::from_core(&ExternType::Func(crate::types::FuncType::new(
                vec![],
                vec![],
            ))));
            let i = wasm_importtype_new(&mut m, &mut n, e);
            assert_eq!(m.size, 0);
            assert_eq!((*i).name_bytes(), b"b");
            wasm_importtype_delete(i);
            let mut m = wasm_name_t::from_bytes(b"a");
            assert!(wasm_importtype_new(&mut m, ptr::null_mut(), ptr::null_mut()).is_null());
        }
    }
}
