//! `wasm_functype_t`: a function type object. It is an extern type of kind func, so that
//! `wasm_functype_as_externtype` is a pointer cast; the parameter and result vectors the
//! accessors return live inside it, next to a cached engine `FuncType`.
#![allow(non_camel_case_types)]

use super::externtype::extern_subtype;
use super::externtype::{wasm_externtype_t, ExternTypeData};
use super::take_vec;
use super::valtype::wasm_valtype_t;
use crate::capi::vec::{vec_copy, vec_delete, CVec};
use crate::capi::vecs::wasm_valtype_vec_t;
use crate::types::{FuncType, ValType};
use std::ptr;

/// The function-type payload of an extern type.
pub struct FuncTypeData {
    params: wasm_valtype_vec_t,
    results: wasm_valtype_vec_t,
    core: FuncType,
}

fn valtype_vec(types: &[ValType]) -> wasm_valtype_vec_t {
    wasm_valtype_vec_t::from_vec(types.iter().map(|t| wasm_valtype_t::new(*t).into_raw()).collect())
}

impl FuncTypeData {
    pub(crate) fn from_core(core: &FuncType) -> FuncTypeData {
        FuncTypeData { params: valtype_vec(&core.params), results: valtype_vec(&core.results), core: core.clone() }
    }

    pub(crate) fn core(&self) -> &FuncType {
        &self.core
    }

    pub(crate) fn params_vec(&self) -> &wasm_valtype_vec_t {
        &self.params
    }

    /// Takes ownership of two C vectors; `None` (after freeing them) if an element is null.
    ///
    /// # Safety
    /// Both are vectors of ours (rule 3) whose elements are NULL or owned `wasm_valtype_t`s.
    unsafe fn from_vecs(params: wasm_valtype_vec_t, results: wasm_valtype_vec_t) -> Option<FuncTypeData> {
        let collect = |v: &wasm_valtype_vec_t| -> Option<Vec<ValType>> {
            // SAFETY: `v` is a valid vector whose elements are NULL or live value types (this
            // function's contract).
            unsafe { v.as_slice() }.iter().map(|t| unsafe { t.as_ref() }.map(|t| t.ty())).collect()
        };
        match (collect(&params), collect(&results)) {
            (Some(p), Some(r)) => Some(FuncTypeData { params, results, core: FuncType::new(p, r) }),
            _ => {
                let (mut params, mut results) = (params, results);
                // SAFETY: both vectors are ours and owned here (this function's contract), and
                // dropped unused after this.
                unsafe {
                    vec_delete(&mut params);
                    vec_delete(&mut results);
                }
                None
            }
        }
    }
}

impl Clone for FuncTypeData {
    fn clone(&self) -> FuncTypeData {
        let mut params = wasm_valtype_vec_t::empty();
        let mut results = wasm_valtype_vec_t::empty();
        // SAFETY: `params` and `results` are local vectors; `self`'s are valid vectors of owned
        // value types.
        unsafe {
            vec_copy(&mut params, &self.params);
            vec_copy(&mut results, &self.results);
        }
        FuncTypeData { params, results, core: self.core.clone() }
    }
}

impl Drop for FuncTypeData {
    fn drop(&mut self) {
        // SAFETY: both vectors are ours, owned by this object and never used again.
        unsafe {
            vec_delete(&mut self.params);
            vec_delete(&mut self.results);
        }
    }
}

/// A function type object: an extern type whose payload is always `ExternTypeData::Func`.
#[repr(C)]
#[derive(Clone)]
pub struct wasm_functype_t {
    pub(crate) ext: wasm_externtype_t,
}

extern_subtype!(wasm_functype_t, Func, FuncTypeData, FuncType);

#[no_mangle]
pub unsafe extern "C" fn wasm_functype_new(
    params: *mut wasm_valtype_vec_t,
    results: *mut wasm_valtype_vec_t,
) -> *mut wasm_functype_t {
    // SAFETY: `params` and `results` are each NULL or a vector of ours whose contents (owned
    // value types) the caller hands over (C API contract, rules 3 and 4).
    let (p, r) = unsafe { (take_vec(params), take_vec(results)) };
    // SAFETY: `p` and `r` are those contents, now owned here.
    let data = unsafe { FuncTypeData::from_vecs(p, r) };
    match data {
        Some(data) if !params.is_null() && !results.is_null() => {
            Box::into_raw(Box::new(wasm_functype_t { ext: wasm_externtype_t::from_data(ExternTypeData::Func(data)) }))
        }
        _ => ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_functype_delete(t: *mut wasm_functype_t) {
    // SAFETY: `t` is NULL or a `wasm_functype_t` box of ours that the caller owns and gives up (C API
    // contract, rule 4). It may have been made as an extern type and cast by
    // `wasm_externtype_as_*`: the wrapper is `repr(C)` with the extern type as its only field,
    // so the allocation's layout and the value dropped are the same.
    unsafe { crate::capi::delete_boxed(t) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_functype_copy(t: *const wasm_functype_t) -> *mut wasm_functype_t {
    // SAFETY: `t` is NULL or a live `wasm_functype_t` (C API contract, rule 1).
    unsafe { crate::capi::copy_boxed(t) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_functype_params(t: *const wasm_functype_t) -> *const wasm_valtype_vec_t {
    // SAFETY: `t` is NULL or a live `wasm_functype_t` (C API contract, rule 1).
    match unsafe { t.as_ref() } {
        Some(t) => &t.data().params,
        None => ptr::null(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_functype_results(t: *const wasm_functype_t) -> *const wasm_valtype_vec_t {
    // SAFETY: `t` is NULL or a live `wasm_functype_t` (C API contract, rule 1).
    match unsafe { t.as_ref() } {
        Some(t) => &t.data().results,
        None => ptr::null(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::types::valtype::*;

    #[test]
    fn new_takes_vectors_and_caches_core_type() {
        // SAFETY: every pointer used is NULL, a live object made in this test, or points into one;
        // each object is deleted once and not used after.
        unsafe {
            let mut params = wasm_valtype_vec_t::from_vec(vec![wasm_valtype_new(WASM_I32), wasm_valtype_new(WASM_F64)]);
            let mut results = wasm_valtype_vec_t::from_vec(vec![wasm_valtype_new(WASM_FUNCREF)]);
            let f = wasm_functype_new(&mut params, &mut results);
            assert!(!f.is_null());
            assert_eq!(params.size, 0, "ownership of the elements moved into the function type");
            assert_eq!((*f).to_core(), FuncType::new(vec![ValType::I32, ValType::F64], vec![ValType::FUNCREF]));
            let p = &*wasm_functype_params(f);
            assert_eq!(p.size, 2);
            assert_eq!(wasm_valtype_kind(*p.data.add(1)), WASM_F64);
            let c = wasm_functype_copy(f);
            assert_ne!((*wasm_functype_params(c)).data, p.data, "copies are deep");
            assert_eq!((*c).core(), (*f).core());
            wasm_functype_delete(f);
            wasm_functype_delete(c);
        }
    }

    #[test]
    fn null_elements_and_vectors_are_rejected() {
        // SAFETY: every pointer used is NULL, a live object made in this test, or points into one;
        // each object is deleted once and not used after.
        unsafe {
            let mut params = wasm_valtype_vec_t::from_vec(vec![ptr::null_mut()]);
            let mut results = wasm_valtype_vec_t::empty();
            assert!(wasm_functype_new(&mut params, &mut results).is_null());
            let mut results = wasm_valtype_vec_t::from_vec(vec![wasm_valtype_new(WASM_I32)]);
            assert!(wasm_functype_new(ptr::null_mut(), &mut results).is_null());
            assert!(wasm_functype_params(ptr::null()).is_null());
        }
    }

    #[test]
    fn from_core_builds_c_vectors() {
        let ty = FuncType::new(vec![ValType::V128], vec![ValType::I64, ValType::EXTERNREF]);
        let f = wasm_functype_t::from_core(&ty);
        // SAFETY: every pointer used is NULL, a live object made in this test, or points into one;
        // each object is deleted once and not used after.
        unsafe {
            let r = &*wasm_functype_results(&*f);
            assert_eq!(r.size, 2);
            assert_eq!(wasm_valtype_kind(*r.data), WASM_I64);
            assert_eq!(wasm_valtype_kind(*r.data.add(1)), WASM_EXTERNREF);
            assert_eq!(wasm_valtype_kind(*(*wasm_functype_params(&*f)).data), WASM_V128);
        }
        assert_eq!(f.to_core(), ty);
    }
}
