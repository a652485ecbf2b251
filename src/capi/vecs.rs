//! Every standard `wasm_*_vec_t` type and its five functions, written out so that cbindgen
//! sees them; the behaviour lives in the generic functions of `vec.rs`.
#![allow(non_camel_case_types)]

use crate::capi::r#extern::wasm_extern_t;
use crate::capi::trap::wasm_frame_t;
use crate::capi::types::*;
use crate::capi::val::wasm_val_t;
use crate::capi::vec::*;

#[repr(C)]
pub struct wasm_byte_vec_t {
    pub size: usize,
    pub data: *mut wasm_byte_t,
}
impl_cvec!(wasm_byte_vec_t, wasm_byte_t);

#[no_mangle]
pub unsafe extern "C" fn wasm_byte_vec_new_empty(out: *mut wasm_byte_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_empty(out) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_byte_vec_new_uninitialized(out: *mut wasm_byte_vec_t, size: usize) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_uninitialized(out, size) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_byte_vec_new(out: *mut wasm_byte_vec_t, size: usize, data: *const wasm_byte_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `data` is NULL or
    // points at `size` initialised elements whose ownership moves into the vector (rules 3, 4).
    unsafe { vec_new(out, size, data) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_byte_vec_copy(out: *mut wasm_byte_vec_t, src: *const wasm_byte_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `src` is NULL or a
    // valid vector of live elements (rules 1, 3).
    unsafe { vec_copy(out, src) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_byte_vec_delete(v: *mut wasm_byte_vec_t) {
    // SAFETY: `v` is NULL or a vector the caller owns, filled by this library, whose elements
    // the caller does not use afterwards (C API contract, rules 3 and 4).
    unsafe { vec_delete(v) }
}

#[repr(C)]
pub struct wasm_valtype_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_valtype_t,
}
impl_cvec!(wasm_valtype_vec_t, *mut wasm_valtype_t);

#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_vec_new_empty(out: *mut wasm_valtype_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_empty(out) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_vec_new_uninitialized(out: *mut wasm_valtype_vec_t, size: usize) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_uninitialized(out, size) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_vec_new(
    out: *mut wasm_valtype_vec_t,
    size: usize,
    data: *const *mut wasm_valtype_t,
) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `data` is NULL or
    // points at `size` initialised elements whose ownership moves into the vector (rules 3, 4).
    unsafe { vec_new(out, size, data) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_vec_copy(out: *mut wasm_valtype_vec_t, src: *const wasm_valtype_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `src` is NULL or a
    // valid vector of live elements (rules 1, 3).
    unsafe { vec_copy(out, src) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_vec_delete(v: *mut wasm_valtype_vec_t) {
    // SAFETY: `v` is NULL or a vector the caller owns, filled by this library, whose elements
    // the caller does not use afterwards (C API contract, rules 3 and 4).
    unsafe { vec_delete(v) }
}

#[repr(C)]
pub struct wasm_functype_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_functype_t,
}
impl_cvec!(wasm_functype_vec_t, *mut wasm_functype_t);

#[no_mangle]
pub unsafe extern "C" fn wasm_functype_vec_new_empty(out: *mut wasm_functype_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_empty(out) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_functype_vec_new_uninitialized(out: *mut wasm_functype_vec_t, size: usize) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_uninitialized(out, size) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_functype_vec_new(
    out: *mut wasm_functype_vec_t,
    size: usize,
    data: *const *mut wasm_functype_t,
) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `data` is NULL or
    // points at `size` initialised elements whose ownership moves into the vector (rules 3, 4).
    unsafe { vec_new(out, size, data) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_functype_vec_copy(out: *mut wasm_functype_vec_t, src: *const wasm_functype_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `src` is NULL or a
    // valid vector of live elements (rules 1, 3).
    unsafe { vec_copy(out, src) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_functype_vec_delete(v: *mut wasm_functype_vec_t) {
    // SAFETY: `v` is NULL or a vector the caller owns, filled by this library, whose elements
    // the caller does not use afterwards (C API contract, rules 3 and 4).
    unsafe { vec_delete(v) }
}

#[repr(C)]
pub struct wasm_globaltype_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_globaltype_t,
}
impl_cvec!(wasm_globaltype_vec_t, *mut wasm_globaltype_t);

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_vec_new_empty(out: *mut wasm_globaltype_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_empty(out) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_vec_new_uninitialized(out: *mut wasm_globaltype_vec_t, size: usize) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_uninitialized(out, size) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_vec_new(
    out: *mut wasm_globaltype_vec_t,
    size: usize,
    data: *const *mut wasm_globaltype_t,
) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `data` is NULL or
    // points at `size` initialised elements whose ownership moves into the vector (rules 3, 4).
    unsafe { vec_new(out, size, data) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_vec_copy(out: *mut wasm_globaltype_vec_t, src: *const wasm_globaltype_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `src` is NULL or a
    // valid vector of live elements (rules 1, 3).
    unsafe { vec_copy(out, src) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_vec_delete(v: *mut wasm_globaltype_vec_t) {
    // SAFETY: `v` is NULL or a vector the caller owns, filled by this library, whose elements
    // the caller does not use afterwards (C API contract, rules 3 and 4).
    unsafe { vec_delete(v) }
}

#[repr(C)]
pub struct wasm_tabletype_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_tabletype_t,
}
impl_cvec!(wasm_tabletype_vec_t, *mut wasm_tabletype_t);

#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_vec_new_empty(out: *mut wasm_tabletype_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_empty(out) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_vec_new_uninitialized(out: *mut wasm_tabletype_vec_t, size: usize) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_uninitialized(out, size) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_vec_new(
    out: *mut wasm_tabletype_vec_t,
    size: usize,
    data: *const *mut wasm_tabletype_t,
) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `data` is NULL or
    // points at `size` initialised elements whose ownership moves into the vector (rules 3, 4).
    unsafe { vec_new(out, size, data) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_vec_copy(out: *mut wasm_tabletype_vec_t, src: *const wasm_tabletype_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `src` is NULL or a
    // valid vector of live elements (rules 1, 3).
    unsafe { vec_copy(out, src) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_vec_delete(v: *mut wasm_tabletype_vec_t) {
    // SAFETY: `v` is NULL or a vector the caller owns, filled by this library, whose elements
    // the caller does not use afterwards (C API contract, rules 3 and 4).
    unsafe { vec_delete(v) }
}

#[repr(C)]
pub struct wasm_memorytype_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_memorytype_t,
}
impl_cvec!(wasm_memorytype_vec_t, *mut wasm_memorytype_t);

#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_vec_new_empty(out: *mut wasm_memorytype_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_empty(out) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_vec_new_uninitialized(out: *mut wasm_memorytype_vec_t, size: usize) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_uninitialized(out, size) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_vec_new(
    out: *mut wasm_memorytype_vec_t,
    size: usize,
    data: *const *mut wasm_memorytype_t,
) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `data` is NULL or
    // points at `size` initialised elements whose ownership moves into the vector (rules 3, 4).
    unsafe { vec_new(out, size, data) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_vec_copy(out: *mut wasm_memorytype_vec_t, src: *const wasm_memorytype_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `src` is NULL or a
    // valid vector of live elements (rules 1, 3).
    unsafe { vec_copy(out, src) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_vec_delete(v: *mut wasm_memorytype_vec_t) {
    // SAFETY: `v` is NULL or a vector the caller owns, filled by this library, whose elements
    // the caller does not use afterwards (C API contract, rules 3 and 4).
    unsafe { vec_delete(v) }
}

#[repr(C)]
pub struct wasm_externtype_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_externtype_t,
}
impl_cvec!(wasm_externtype_vec_t, *mut wasm_externtype_t);

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_vec_new_empty(out: *mut wasm_externtype_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_empty(out) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_vec_new_uninitialized(out: *mut wasm_externtype_vec_t, size: usize) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_uninitialized(out, size) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_vec_new(
    out: *mut wasm_externtype_vec_t,
    size: usize,
    data: *const *mut wasm_externtype_t,
) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `data` is NULL or
    // points at `size` initialised elements whose ownership moves into the vector (rules 3, 4).
    unsafe { vec_new(out, size, data) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_vec_copy(out: *mut wasm_externtype_vec_t, src: *const wasm_externtype_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `src` is NULL or a
    // valid vector of live elements (rules 1, 3).
    unsafe { vec_copy(out, src) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_vec_delete(v: *mut wasm_externtype_vec_t) {
    // SAFETY: `v` is NULL or a vector the caller owns, filled by this library, whose elements
    // the caller does not use afterwards (C API contract, rules 3 and 4).
    unsafe { vec_delete(v) }
}

#[repr(C)]
pub struct wasm_importtype_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_importtype_t,
}
impl_cvec!(wasm_importtype_vec_t, *mut wasm_importtype_t);

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_vec_new_empty(out: *mut wasm_importtype_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_empty(out) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_vec_new_uninitialized(out: *mut wasm_importtype_vec_t, size: usize) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_uninitialized(out, size) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_vec_new(
    out: *mut wasm_importtype_vec_t,
    size: usize,
    data: *const *mut wasm_importtype_t,
) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `data` is NULL or
    // points at `size` initialised elements whose ownership moves into the vector (rules 3, 4).
    unsafe { vec_new(out, size, data) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_vec_copy(out: *mut wasm_importtype_vec_t, src: *const wasm_importtype_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `src` is NULL or a
    // valid vector of live elements (rules 1, 3).
    unsafe { vec_copy(out, src) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_vec_delete(v: *mut wasm_importtype_vec_t) {
    // SAFETY: `v` is NULL or a vector the caller owns, filled by this library, whose elements
    // the caller does not use afterwards (C API contract, rules 3 and 4).
    unsafe { vec_delete(v) }
}

#[repr(C)]
pub struct wasm_exporttype_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_exporttype_t,
}
impl_cvec!(wasm_exporttype_vec_t, *mut wasm_exporttype_t);

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_vec_new_empty(out: *mut wasm_exporttype_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_empty(out) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_vec_new_uninitialized(out: *mut wasm_exporttype_vec_t, size: usize) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_uninitialized(out, size) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_vec_new(
    out: *mut wasm_exporttype_vec_t,
    size: usize,
    data: *const *mut wasm_exporttype_t,
) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `data` is NULL or
    // points at `size` initialised elements whose ownership moves into the vector (rules 3, 4).
    unsafe { vec_new(out, size, data) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_vec_copy(out: *mut wasm_exporttype_vec_t, src: *const wasm_exporttype_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `src` is NULL or a
    // valid vector of live elements (rules 1, 3).
    unsafe { vec_copy(out, src) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_vec_delete(v: *mut wasm_exporttype_vec_t) {
    // SAFETY: `v` is NULL or a vector the caller owns, filled by this library, whose elements
    // the caller does not use afterwards (C API contract, rules 3 and 4).
    unsafe { vec_delete(v) }
}

#[repr(C)]
pub struct wasm_val_vec_t {
    pub size: usize,
    pub data: *mut wasm_val_t,
}
impl_cvec!(wasm_val_vec_t, wasm_val_t);

#[no_mangle]
pub unsafe extern "C" fn wasm_val_vec_new_empty(out: *mut wasm_val_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_empty(out) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_val_vec_new_uninitialized(out: *mut wasm_val_vec_t, size: usize) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_uninitialized(out, size) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_val_vec_new(out: *mut wasm_val_vec_t, size: usize, data: *const wasm_val_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `data` is NULL or
    // points at `size` initialised elements whose ownership moves into the vector (rules 3, 4).
    unsafe { vec_new(out, size, data) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_val_vec_copy(out: *mut wasm_val_vec_t, src: *const wasm_val_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `src` is NULL or a
    // valid vector of live elements (rules 1, 3).
    unsafe { vec_copy(out, src) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_val_vec_delete(v: *mut wasm_val_vec_t) {
    // SAFETY: `v` is NULL or a vector the caller owns, filled by this library, whose elements
    // the caller does not use afterwards (C API contract, rules 3 and 4).
    unsafe { vec_delete(v) }
}

#[repr(C)]
pub struct wasm_frame_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_frame_t,
}
impl_cvec!(wasm_frame_vec_t, *mut wasm_frame_t);

#[no_mangle]
pub unsafe extern "C" fn wasm_frame_vec_new_empty(out: *mut wasm_frame_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_empty(out) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_vec_new_uninitialized(out: *mut wasm_frame_vec_t, size: usize) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_uninitialized(out, size) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_vec_new(out: *mut wasm_frame_vec_t, size: usize, data: *const *mut wasm_frame_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `data` is NULL or
    // points at `size` initialised elements whose ownership moves into the vector (rules 3, 4).
    unsafe { vec_new(out, size, data) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_vec_copy(out: *mut wasm_frame_vec_t, src: *const wasm_frame_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `src` is NULL or a
    // valid vector of live elements (rules 1, 3).
    unsafe { vec_copy(out, src) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_frame_vec_delete(v: *mut wasm_frame_vec_t) {
    // SAFETY: `v` is NULL or a vector the caller owns, filled by this library, whose elements
    // the caller does not use afterwards (C API contract, rules 3 and 4).
    unsafe { vec_delete(v) }
}

#[repr(C)]
pub struct wasm_extern_vec_t {
    pub size: usize,
    pub data: *mut *mut wasm_extern_t,
}
impl_cvec!(wasm_extern_vec_t, *mut wasm_extern_t);

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_vec_new_empty(out: *mut wasm_extern_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_empty(out) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_vec_new_uninitialized(out: *mut wasm_extern_vec_t, size: usize) {
    // SAFETY: `out` is NULL or writable storage for one vector (C API contract, rule 2).
    unsafe { vec_new_uninitialized(out, size) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_vec_new(
    out: *mut wasm_extern_vec_t,
    size: usize,
    data: *const *mut wasm_extern_t,
) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `data` is NULL or
    // points at `size` initialised elements whose ownership moves into the vector (rules 3, 4).
    unsafe { vec_new(out, size, data) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_vec_copy(out: *mut wasm_extern_vec_t, src: *const wasm_extern_vec_t) {
    // SAFETY: `out` is NULL or writable storage for one vector (rule 2); `src` is NULL or a
    // valid vector of live elements (rules 1, 3).
    unsafe { vec_copy(out, src) }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_vec_delete(v: *mut wasm_extern_vec_t) {
    // SAFETY: `v` is NULL or a vector the caller owns, filled by this library, whose elements
    // the caller does not use afterwards (C API contract, rules 3 and 4).
    unsafe { vec_delete(v) }
}
