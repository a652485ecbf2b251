//! wasmlift's C API for GC references (`wasmlift_ref_*`, in `include/wasmlift.h`): what kind of
//! reference a `wasm_ref_t` is (i31, struct, array or something else), an i31's value, and a
//! struct's fields and an array's elements read as `wasm_val_t`s. GC references reach the host
//! as ordinary `wasm_ref_t` handles of kind `WASM_EXTERNREF` (wasm.h has no kinds for the GC
//! types); these functions look inside them.
#![allow(non_camel_case_types)]

use crate::capi::r#ref::wasm_ref_t;
use crate::capi::val::{from_slot, wasm_val_t};
use crate::runtime::gc_object::{self, GcRefKind};
use crate::runtime::object::Object;
use crate::types::{FieldType, StorageType, ValType};

/// What a reference is, as `wasmlift_ref_gc_kind` reports it (`uint8_t` in C).
pub type wasmlift_gcref_kind_t = u8;
/// Not a GC reference: NULL, or a host object, function, exception, ...
pub const WASMLIFT_GCREF_OTHER: wasmlift_gcref_kind_t = 0;
/// An `i31ref` (also an `eqref` and an `anyref`).
pub const WASMLIFT_GCREF_I31: wasmlift_gcref_kind_t = 1;
/// A struct (a `structref`, `eqref` and `anyref`).
pub const WASMLIFT_GCREF_STRUCT: wasmlift_gcref_kind_t = 2;
/// An array (an `arrayref`, `eqref` and `anyref`).
pub const WASMLIFT_GCREF_ARRAY: wasmlift_gcref_kind_t = 3;

/// The GC reference bits and kind of a handle (None for NULL and non-GC references).
///
/// # Safety
/// `r` is NULL or a live handle (C API contract, rule 1).
unsafe fn gc_ref(r: *const wasm_ref_t) -> Option<(usize, GcRefKind)> {
    // SAFETY: this function's contract.
    let r = unsafe { r.as_ref() }?;
    match &r.obj {
        // SAFETY: a GC handle holds an i31 or a live object of its store, which the handle
        // keeps alive (and, with a collector, rooted).
        Object::Gc(g) => Some((g.bits(), unsafe { gc_object::kind_of(g.bits()) })),
        _ => None,
    }
}

/// The kind of GC reference `r` is: `WASMLIFT_GCREF_I31`, `_STRUCT`, `_ARRAY`, or
/// `WASMLIFT_GCREF_OTHER` for NULL and everything else (host objects, even when wasm saw them
/// as `anyref`; functions; ...).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_ref_gc_kind(r: *const wasm_ref_t) -> wasmlift_gcref_kind_t {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1).
    match unsafe { gc_ref(r) } {
        Some((_, GcRefKind::I31)) => WASMLIFT_GCREF_I31,
        Some((_, GcRefKind::Struct)) => WASMLIFT_GCREF_STRUCT,
        Some((_, GcRefKind::Array)) => WASMLIFT_GCREF_ARRAY,
        _ => WASMLIFT_GCREF_OTHER,
    }
}

/// The value of i31 reference `r`, sign-extended from 31 bits when `sign_extend` (as
/// `i31.get_s`), else zero-extended (`i31.get_u`), into `*out`. False (and `*out` untouched)
/// when `r` is not an i31.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_ref_i31_get(r: *const wasm_ref_t, sign_extend: bool, out: *mut i32) -> bool {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1).
    let Some((bits, GcRefKind::I31)) = (unsafe { gc_ref(r) }) else { return false };
    // SAFETY: `out` is NULL or writable for one i32 (rule 2).
    match unsafe { out.as_mut() } {
        Some(out) => {
            *out = gc_object::i31_value(bits, sign_extend);
            true
        }
        None => false,
    }
}

/// The number of fields of struct `r` (0 when `r` is not a struct).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_ref_struct_len(r: *const wasm_ref_t) -> usize {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1).
    match unsafe { gc_ref(r) } {
        // SAFETY: a live struct of the handle's store.
        Some((bits, GcRefKind::Struct)) => unsafe { gc_object::struct_len(bits) },
        _ => 0,
    }
}

/// The number of elements of array `r` (0 when `r` is not an array).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_ref_array_len(r: *const wasm_ref_t) -> usize {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1).
    match unsafe { gc_ref(r) } {
        // SAFETY: a live array of the handle's store.
        Some((bits, GcRefKind::Array)) => unsafe { gc_object::header(bits) }.array_len as usize,
        _ => 0,
    }
}

/// Writes a field or element value into `out` as a new value the caller owns.
///
/// # Safety
/// `out` is NULL or writable (rule 2); `value` is a value of `field` read from an object of
/// `r`'s store.
unsafe fn write_value(
    r: &wasm_ref_t,
    field: FieldType,
    value: crate::abi::vmctx::VMVal,
    sign_extend: bool,
    out: *mut wasm_val_t,
) -> bool {
    let ty = match field.storage {
        // wasm_val_t has no v128 (see wasmlift_func_call_v128 for SIMD values).
        StorageType::Val(ValType::V128) => return false,
        s => s.unpacked(),
    };
    let value = if sign_extend { gc_object::sign_extend(field.storage, value) } else { value };
    // SAFETY: `out` is NULL or writable for one value (rule 2).
    let Some(out) = (unsafe { out.as_mut() }) else { return false };
    // SAFETY: the value was read from a field of type `field` of a live object of this store:
    // a reference there is null, a function reference its store keeps alive, or a GC
    // reference of the store.
    *out = unsafe { from_slot(&value, ty, &r.store) };
    true
}

/// Reads field `index` of struct `r` into `*out` (a new value the caller owns and deletes with
/// `wasm_val_delete`); packed `i8`/`i16` fields are read as `WASM_I32`, sign-extended when
/// `sign_extend` (as `struct.get_s`), else zero-extended. False (and `*out` untouched) when `r`
/// is not a struct, `index` is past its last field, or the field is a `v128`.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_ref_struct_get(
    r: *const wasm_ref_t,
    index: usize,
    sign_extend: bool,
    out: *mut wasm_val_t,
) -> bool {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1).
    let Some((bits, GcRefKind::Struct)) = (unsafe { gc_ref(r) }) else { return false };
    let Ok(index) = u32::try_from(index) else { return false };
    // SAFETY: a live struct of the handle's store.
    let Some((field, value)) = (unsafe { gc_object::struct_field(bits, index) }) else { return false };
    // SAFETY: `r` is live (checked by `gc_ref`); `out` per rule 2; the value was read from it.
    unsafe { write_value(&*r, field, value, sign_extend, out) }
}

/// Reads element `index` of array `r` into `*out`, as `wasmlift_ref_struct_get` reads fields.
/// False (and `*out` untouched) when `r` is not an array, `index` is out of bounds, or the
/// elements are `v128`s.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_ref_array_get(
    r: *const wasm_ref_t,
    index: usize,
    sign_extend: bool,
    out: *mut wasm_val_t,
) -> bool {
    // SAFETY: `r` is NULL or a live handle (C API contract, rule 1).
    let Some((bits, GcRefKind::Array)) = (unsafe { gc_ref(r) }) else { return false };
    let Ok(index) = u32::try_from(index) else { return false };
    // SAFETY: a live array of the handle's store.
    let Some((element, value)) = (unsafe { gc_object::array_element(bits, index) }) else { return false };
    // SAFETY: as in `wasmlift_ref_struct_get`.
    unsafe { write_value(&*r, element, value, sign_extend, out) }
}
