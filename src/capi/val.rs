//! `wasm_val_t`: values crossing the C boundary, and their conversion to and from the 16-byte
//! slots compiled code uses. References become new `wasm_ref_t` handles owned by the receiver.
#![allow(non_camel_case_types)]

use crate::abi::vmctx::VMVal;
use crate::capi::r#ref::wasm_ref_t;
use crate::capi::types::{valkind_of, wasm_valkind_t, WASM_EXTERNREF, WASM_FUNCREF};
use crate::capi::vec::VecElem;
use crate::runtime::func::Func;
use crate::runtime::gc_object;
use crate::runtime::object::Object;
use crate::runtime::store::StoreHandle;
use crate::runtime::type_registry;
use crate::types::{HeapType, RefType, ValType};
use std::sync::Arc;

#[repr(C)]
#[derive(Clone, Copy)]
pub union wasm_val_union {
    pub i32: i32,
    pub i64: i64,
    pub f32: f32,
    pub f64: f64,
    pub r#ref: *mut wasm_ref_t,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasm_val_t {
    pub kind: wasm_valkind_t,
    pub of: wasm_val_union,
}

impl VecElem for wasm_val_t {
    fn empty() -> Self {
        wasm_val_t { kind: WASM_EXTERNREF, of: wasm_val_union { r#ref: std::ptr::null_mut() } }
    }
    unsafe fn deep_copy(&self) -> Self {
        let mut out = wasm_val_t::empty();
        // SAFETY: `out` is a local value, and `self` a valid value (`deep_copy`'s contract).
        unsafe { wasm_val_copy(&mut out, self) };
        out
    }
    unsafe fn release(mut self) {
        // SAFETY: `self` is a valid value that owns its reference (`release`'s contract).
        unsafe { wasm_val_delete(&mut self) }
    }
}

/// Releases the reference a value owns (if any).
#[no_mangle]
pub unsafe extern "C" fn wasm_val_delete(v: *mut wasm_val_t) {
    // SAFETY: `v` is NULL or a valid value the caller owns (C API contract, rules 1 and 5).
    let Some(v) = (unsafe { v.as_mut() }) else { return };
    if is_ref_kind(v.kind) {
        // SAFETY: a reference kind means `ref` is the union field set (rule 5).
        let r = unsafe { v.of.r#ref };
        if !r.is_null() {
            // SAFETY: a reference value owns its handle (rule 5), a box of ours; it is freed
            // once, and the value forgets it right after.
            unsafe { crate::capi::delete_boxed(r) };
            v.of.r#ref = std::ptr::null_mut();
        }
    }
}

/// Whether a value of `kind` holds a reference handle. Only the two reference kinds do: a value
/// with any other kind, including numbers no kind has, owns nothing (deleting or copying a
/// value of a forged kind must not free or copy whatever its payload bits point at).
fn is_ref_kind(kind: wasm_valkind_t) -> bool {
    kind == WASM_EXTERNREF || kind == WASM_FUNCREF
}

/// Copies a value; a reference is copied into a new handle.
#[no_mangle]
pub unsafe extern "C" fn wasm_val_copy(out: *mut wasm_val_t, src: *const wasm_val_t) {
    if out.is_null() {
        return;
    }
    // SAFETY: `src` is NULL or a valid value (C API contract, rules 1 and 5).
    let Some(src) = (unsafe { src.as_ref() }) else {
        // SAFETY: `out` is non-NULL, so writable storage for one value (rule 2).
        unsafe { out.write(wasm_val_t::empty()) };
        return;
    };
    let mut v = *src;
    if is_ref_kind(v.kind) {
        // SAFETY: a reference kind means `ref` is the union field set, and it is NULL or a live
        // handle (rule 5); the copy gets a handle of its own.
        v.of.r#ref = unsafe { crate::capi::copy_boxed(v.of.r#ref) };
    }
    // SAFETY: `out` is non-NULL, so writable storage for one value (rule 2).
    unsafe { out.write(v) };
}

/// Converts a C value of type `ty` into a slot (a function reference's owner is adopted, see
/// `funcref_bits`). Returns an error message on a kind mismatch.
///
/// # Safety
/// `v` is a valid value: its kind names the union field set, and a reference is NULL or a
/// live handle (C API contract, rule 5).
// Inlined (like from_slot) into the call paths: returned through memory, the 16-byte value
// was re-read with one wide load right after narrower stores, a store-forwarding stall on
// every argument and result of a host call.
#[inline]
pub unsafe fn to_slot(v: &wasm_val_t, ty: ValType, store: &StoreHandle) -> Result<VMVal, String> {
    if v.kind != valkind_of(ty) {
        return Err(format!("expected a value of type {ty}, got value kind {}", v.kind));
    }
    Ok(match ty {
        // SAFETY: the kind is `WASM_I32` (checked above), so `i32` is the field set (rule 5).
        ValType::I32 => VMVal::from_u32(unsafe { v.of.i32 } as u32),
        // SAFETY: the kind is `WASM_I64` (checked above), so `i64` is the field set (rule 5).
        ValType::I64 => VMVal::from_u64(unsafe { v.of.i64 } as u64),
        // SAFETY: the kind is `WASM_F32` (checked above), so `f32` is the field set (rule 5).
        ValType::F32 => VMVal::from_u32(unsafe { v.of.f32 }.to_bits()),
        // SAFETY: the kind is `WASM_F64` (checked above), so `f64` is the field set (rule 5).
        ValType::F64 => VMVal::from_u64(unsafe { v.of.f64 }.to_bits()),
        ValType::V128 => return Err("v128 values cannot be passed as wasm_val_t; use wasmlift_func_call_v128".into()),
        // SAFETY: a reference kind (checked above) means `ref` is set, NULL or a live handle
        // (this function's contract).
        ValType::Ref(rt) if rt.is_func() => match unsafe { v.of.r#ref.as_ref() } {
            None => {
                type_registry::check_funcref(None, rt)?;
                VMVal::default()
            }
            Some(r) => match &r.obj {
                Object::Func(f) => VMVal::from_u64(typed_funcref_bits(f, rt, store)? as u64),
                _ => return Err("expected a function reference".into()),
            },
        },
        // Exception references: only exceptions of this store that left wasm as handles (an
        // exnref is a pointer compiled code reads through, so nothing else may become one).
        // SAFETY: as for function references: `ref` is set, NULL or a live handle.
        ValType::Ref(r) if r.heap.is_exn() => match unsafe { v.of.r#ref.as_ref() } {
            None => VMVal::default(),
            Some(r) => VMVal::from_u64(exnref_bits(&r.obj, store)? as u64),
        },
        // SAFETY: as for function references: `ref` is set, NULL or a live handle.
        ValType::Ref(rt) => match unsafe { v.of.r#ref.as_ref() } {
            None if !rt.nullable => return Err(format!("null is not a value of the non-nullable type {rt}")),
            None => VMVal::default(),
            Some(r) if !Arc::ptr_eq(&r.store, store) => return Err("the reference belongs to another store".into()),
            Some(r) => VMVal::from_u64(gc_ref_bits(&r.obj, rt, store)? as u64),
        },
    })
}

/// The bits of a host handle entering a slot of the extern or any hierarchy of type `ty` (the
/// handle is of `store`). Compiled code trusts a value's static type (a `(ref $s)` is read as
/// struct `$s` without a check), so the value is checked against `ty` as `ref.test` would: a
/// host object is an `externref`, or an `anyref` (the `any.convert_extern` of it); structs,
/// arrays and i31s are values of their types and supertypes, and of `externref` (as
/// `extern.convert_any` makes them).
pub fn gc_ref_bits(obj: &Object, ty: RefType, store: &StoreHandle) -> Result<usize, String> {
    let matches = match obj {
        // SAFETY: the handle's bits are an i31 or a live object of this store (the handle's
        // store, checked by the caller, which the handle keeps alive).
        Object::Gc(g) => ty.heap == HeapType::Extern || unsafe { gc_object::value_matches(g.bits(), ty.heap) },
        _ => matches!(ty.heap, HeapType::Extern | HeapType::Any),
    };
    if !matches {
        return Err(format!("the reference is not a value of type {ty}"));
    }
    store.externref_bits(obj)
}

/// The handle for reference bits of the extern or any hierarchy leaving wasm (null for 0): the
/// host object that entered as them, or a struct, array or i31 (rooted while the handle lives).
///
/// # Safety
/// `bits` is null, an i31 or a live object of `store`'s heap, read from one of its roots (a
/// slot of a wasm call, a global, a table or an exception payload).
pub unsafe fn gc_ref_handle(bits: usize, store: &StoreHandle) -> *mut wasm_ref_t {
    // SAFETY: the caller's obligation.
    match unsafe { store.externref_object(bits) } {
        Some(o) => wasm_ref_t::boxed(o, store.clone()),
        None => std::ptr::null_mut(),
    }
}

/// The exnref bits of `obj` entering wasm: only an exception of `store` (which then keeps it
/// while wasm may reach it, as it does every exception wasm may hold).
pub fn exnref_bits(obj: &Object, store: &StoreHandle) -> Result<usize, String> {
    match obj {
        Object::Exn(e) if e.store_id == store.id => {
            e.expose();
            store.keep_exception(e.clone());
            Ok(e.exnref())
        }
        Object::Exn(_) => Err("the exception reference belongs to another store".into()),
        _ => Err("expected an exception reference (exnref): only exceptions that came out of wasm".into()),
    }
}

/// The handle for exnref `bits` that leave wasm (null for 0).
///
/// # Safety
/// `bits` is 0 or an exnref produced by compiled code of `store` (the store keeps it while it is reachable).
pub unsafe fn exnref_handle(bits: usize, store: &StoreHandle) -> *mut wasm_ref_t {
    if bits == 0 {
        return std::ptr::null_mut();
    }
    // SAFETY: a live exnref of this store (this function's contract).
    let exn = unsafe { crate::runtime::exception::ExnObject::from_exnref(bits) };
    exn.expose();
    wasm_ref_t::boxed(Object::Exn(exn), store.clone())
}

/// The bits of a function reference that enters wasm (an argument, a host function's result, a
/// global or table element). Wasm may keep it anywhere, so the function's owner is adopted by
/// the store's collector (runtime/gc/owners.rs), which keeps it while a root reaches it — not
/// held by the receiving instance, table or global, which may belong to that very owner and
/// would then keep itself alive.
///
/// A function of another store is refused: its code would run against the other store's
/// limits and lifetime rules, and type identity is only meaningful within one engine.
pub fn funcref_bits(f: &Func, store: &StoreHandle) -> Result<usize, String> {
    if f.store().id != store.id {
        return Err("the function reference belongs to another store".into());
    }
    store.adopt(crate::runtime::gc::Owner::of_func(f))?;
    Ok(f.funcref() as usize)
}

/// `funcref_bits` for a slot of reference type `ty`: typed references (WebAssembly 3.0) also
/// check that the function's type is a subtype of `ty`'s, since compiled code trusts a value of
/// type `(ref $t)` to be callable with `$t`'s signature. Checked before the owner is adopted.
pub fn typed_funcref_bits(f: &Func, ty: RefType, store: &StoreHandle) -> Result<usize, String> {
    if f.store().id != store.id {
        return Err("the function reference belongs to another store".into());
    }
    type_registry::check_funcref(Some(f.type_id()), ty)?;
    funcref_bits(f, store)
}

/// Converts a slot of type `ty` into a C value (references become new owned handles).
///
/// # Safety
/// `slot` holds a value of type `ty` of `store`: a function reference is null or a live
/// `VMFuncRef` (its owner adopted by the store's collector and reachable, or held by someone), an exception
/// reference null or an exnref of the store, any other reference null, an i31 or a live object
/// of the store's GC heap (read from one of its roots, with no collection since).
#[inline]
pub unsafe fn from_slot(slot: &VMVal, ty: ValType, store: &StoreHandle) -> wasm_val_t {
    let of = match ty {
        ValType::I32 | ValType::F32 => wasm_val_union { i32: slot.u32() as i32 },
        ValType::I64 | ValType::F64 => wasm_val_union { i64: slot.u64() as i64 },
        ValType::V128 => wasm_val_union { i64: slot.u64() as i64 },
        ValType::Ref(r) if r.is_func() => wasm_val_union {
            // SAFETY: a funcref slot is null or a live `VMFuncRef` (this function's contract).
            r#ref: match unsafe { Func::from_funcref(slot.ptr()) } {
                Some(f) => wasm_ref_t::boxed(Object::Func(f), store.clone()),
                None => std::ptr::null_mut(),
            },
        },
        // SAFETY: an exnref slot is 0 or an exnref of this store (this function's contract).
        ValType::Ref(r) if r.heap.is_exn() => {
            wasm_val_union { r#ref: unsafe { exnref_handle(slot.u64() as usize, store) } }
        }
        // SAFETY: a slot of any other reference type holds null, an i31 or a live object of the
        // store's heap (this function's contract).
        ValType::Ref(_) => wasm_val_union { r#ref: unsafe { gc_ref_handle(slot.u64() as usize, store) } },
    };
    wasm_val_t { kind: valkind_of(ty), of }
}
