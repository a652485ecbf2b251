//! wasmlift extension: exception tags and the exceptions traps carry. wasm.h has no tag object,
//! so tags are `wasmlift_tag_t` handles (an extern of kind `WASMLIFT_EXTERN_TAG`) with their
//! type `wasmlift_tagtype_t` (an extern type of the same kind), and a trap that ends with an
//! uncaught wasm exception can be inspected, or made by the host, with the functions here.
#![allow(non_camel_case_types)]

use crate::capi::extensions::set_error;
use crate::capi::r#ref::{wasm_extern_t, wasm_ref_t, wasm_trap_t};
use crate::capi::store::wasm_store_t;
use crate::capi::types::wasm_externkind_t;
pub use crate::capi::types::wasmlift_tagtype_t;
use crate::capi::val::{from_slot, to_slot, wasm_val_t};
use crate::capi::vec::CVec;
use crate::capi::vecs::wasm_val_vec_t;
use crate::runtime::exception::{uncaught_trap, ExnObject, WasmTag};
use crate::runtime::object::Object;
use crate::types::ValType;
use std::ptr;

/// The extern kind of tags, as `wasm_extern_kind` and `wasm_externtype_kind` report it for tag
/// exports, tag imports and `wasmlift_tag_t` externs. wasm.h defines kinds 0 to 3 only: code
/// that switches over `wasm_externkind_t` without a default branch never sees this value unless
/// it handles modules that use exceptions, and must then treat unknown kinds as "skip" (an
/// embedder that knows only wasm.h cannot provide a tag import: instantiation fails with an
/// "unknown import ... expected tag(...)" link error naming the import).
pub const WASMLIFT_EXTERN_TAG: wasm_externkind_t = 4;

/// A tag handle (an exception tag of a store).
#[repr(transparent)]
#[derive(Clone)]
pub struct wasmlift_tag_t {
    pub(crate) r: wasm_ref_t,
}

impl wasmlift_tag_t {
    fn tag(&self) -> &std::sync::Arc<WasmTag> {
        match &self.r.obj {
            Object::Tag(t) => t,
            _ => unreachable!("a wasmlift_tag_t always holds a tag"),
        }
    }
}

/// A new tag of `store` with type `type` (not taken over). Each call makes a distinct tag: an
/// exception matches a `catch` only for the very tag it was thrown with.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_tag_new(
    store: *mut wasm_store_t,
    ty: *const wasmlift_tagtype_t,
) -> *mut wasmlift_tag_t {
    // SAFETY: NULL or live objects of ours (rule 1).
    let (Some(store), Some(ty)) = (unsafe { store.as_ref() }, unsafe { ty.as_ref() }) else {
        set_error("wasmlift_tag_new: NULL store or type");
        return ptr::null_mut();
    };
    let core = ty.core().clone();
    let type_ref = crate::runtime::type_registry::TypeRef::new(&core);
    let tag = WasmTag::new(store.store.id, core, type_ref, "created by the host".to_string());
    wasm_ref_t::boxed(Object::Tag(tag), store.store.clone()) as *mut wasmlift_tag_t
}

#[no_mangle]
pub unsafe extern "C" fn wasmlift_tag_delete(t: *mut wasmlift_tag_t) {
    // SAFETY: NULL or a handle the caller owns and gives up (rule 4), a transparent wasm_ref_t.
    unsafe { crate::capi::delete_boxed(t) }
}

#[no_mangle]
pub unsafe extern "C" fn wasmlift_tag_copy(t: *const wasmlift_tag_t) -> *mut wasmlift_tag_t {
    // SAFETY: NULL or a live handle (rule 1).
    unsafe { crate::capi::copy_boxed(t) }
}

/// Whether two handles name the same tag.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_tag_same(a: *const wasmlift_tag_t, b: *const wasmlift_tag_t) -> bool {
    // SAFETY: NULL or live handles (rule 1).
    match unsafe { (a.as_ref(), b.as_ref()) } {
        (Some(a), Some(b)) => a.r.obj.same(&b.r.obj),
        _ => false,
    }
}

/// The tag's type (owned by the caller).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_tag_type(t: *const wasmlift_tag_t) -> *mut wasmlift_tagtype_t {
    // SAFETY: NULL or a live handle (rule 1).
    match unsafe { t.as_ref() } {
        Some(t) => Box::into_raw(wasmlift_tagtype_t::from_core(&t.tag().ty)),
        None => ptr::null_mut(),
    }
}

#[no_mangle]
pub extern "C" fn wasmlift_tag_as_extern(t: *mut wasmlift_tag_t) -> *mut wasm_extern_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasmlift_tag_as_extern_const(t: *const wasmlift_tag_t) -> *const wasm_extern_t {
    t.cast()
}

/// The extern as a tag, or NULL when it is of another kind.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_extern_as_tag(e: *mut wasm_extern_t) -> *mut wasmlift_tag_t {
    // SAFETY: NULL or a live extern (rule 1); both are transparent wasm_ref_t handles.
    match unsafe { e.as_ref() } {
        Some(x) if matches!(x.r.obj, Object::Tag(_)) => e.cast(),
        _ => ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasmlift_extern_as_tag_const(e: *const wasm_extern_t) -> *const wasmlift_tag_t {
    // SAFETY: as above.
    match unsafe { e.as_ref() } {
        Some(x) if matches!(x.r.obj, Object::Tag(_)) => e.cast(),
        _ => ptr::null(),
    }
}

/// A trap carrying a new exception of `tag` with payload `args` (one value per parameter of the
/// tag's type; references are kept as `wasm_func_call` arguments are). Returned from a host
/// function called by wasm, the exception is thrown into the calling wasm code, where a
/// `try_table` may catch it; uncaught, it ends the call like any trap. NULL (with
/// `wasmlift_error_message`) when the tag is of another store or the values do not match.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_exception_trap_new(
    store: *mut wasm_store_t,
    tag: *const wasmlift_tag_t,
    args: *const wasm_val_vec_t,
) -> *mut wasm_trap_t {
    // SAFETY: NULL or live objects of ours (rule 1).
    let (Some(store), Some(tag)) = (unsafe { store.as_ref() }, unsafe { tag.as_ref() }) else {
        set_error("wasmlift_exception_trap_new: NULL store or tag");
        return ptr::null_mut();
    };
    let tag = tag.tag().clone();
    if tag.store_id != store.store.id {
        set_error("wasmlift_exception_trap_new: the tag belongs to another store");
        return ptr::null_mut();
    }
    // SAFETY: NULL or a valid vector (rule 3).
    let vals: &[wasm_val_t] = match unsafe { args.as_ref() } {
        // SAFETY: a valid vector's elements (rule 3).
        Some(v) => unsafe { v.as_slice() },
        None => &[],
    };
    if vals.len() != tag.ty.params.len() {
        set_error(&format!(
            "wasmlift_exception_trap_new: the tag's payload has {} values, {} given",
            tag.ty.params.len(),
            vals.len()
        ));
        return ptr::null_mut();
    }
    let mut payload = Vec::with_capacity(vals.len());
    for (i, (v, ty)) in vals.iter().zip(tag.ty.params.iter()).enumerate() {
        // SAFETY: each element is a valid value (rule 5).
        match unsafe { to_slot(v, *ty, &store.store) } {
            Ok(slot) => payload.push(slot),
            Err(e) => {
                set_error(&format!("wasmlift_exception_trap_new: value {i}: {e}"));
                return ptr::null_mut();
            }
        }
    }
    let exn = ExnObject::new(tag, payload.into());
    // Its payload's references stay alive as long as the exception does.
    store.store.gc_heap.lock().unwrap_or_else(|e| e.into_inner()).register_exception(&exn);
    store.store.keep_exception(exn.clone());
    wasm_trap_t::new_boxed(uncaught_trap(exn), &store.store)
}

/// The trap and the exception it carries, if any.
///
/// # Safety
/// `trap` is NULL or a live trap (C API contract, rule 1) for the lifetime `'a`.
unsafe fn exception_of<'a>(trap: *const wasm_trap_t) -> Option<(&'a wasm_trap_t, std::sync::Arc<ExnObject>)> {
    // SAFETY: this function's contract.
    let t: &'a wasm_trap_t = unsafe { trap.as_ref() }?;
    let exn = t.trap().exception.clone()?;
    Some((t, exn))
}

/// The tag of the exception the trap carries (a new handle), or NULL when the trap is not an
/// uncaught wasm exception.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_trap_exception_tag(trap: *const wasm_trap_t) -> *mut wasmlift_tag_t {
    // SAFETY: NULL or a live trap (rule 1), used during this call only.
    match unsafe { exception_of(trap) } {
        Some((t, exn)) => wasm_ref_t::boxed(Object::Tag(exn.tag.clone()), t.r.store.clone()) as *mut wasmlift_tag_t,
        None => ptr::null_mut(),
    }
}

/// Writes the payload of the exception the trap carries into `out` (owned by the caller) and
/// returns true; false (with `wasmlift_error_message`, `out` empty) when the trap carries none,
/// or a value cannot be expressed as a `wasm_val_t` (v128; an exnref becomes an externref-kind
/// handle of the exception).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_trap_exception_args(trap: *const wasm_trap_t, out: *mut wasm_val_vec_t) -> bool {
    if out.is_null() {
        set_error("wasmlift_trap_exception_args: NULL output vector");
        return false;
    }
    // SAFETY: `out` is writable (rule 2).
    unsafe { out.write(wasm_val_vec_t::empty()) };
    // SAFETY: NULL or a live trap (rule 1), used during this call only.
    let Some((t, exn)) = (unsafe { exception_of(trap) }) else {
        set_error("wasmlift_trap_exception_args: the trap carries no exception");
        return false;
    };
    let store = &t.r.store;
    if exn.store_id != store.id {
        set_error("wasmlift_trap_exception_args: the exception belongs to another store");
        return false;
    }
    let mut vals = Vec::with_capacity(exn.payload().len());
    for (slot, ty) in exn.payload().iter().zip(exn.tag.ty.params.iter()) {
        if *ty == ValType::V128 {
            set_error(&format!("wasmlift_trap_exception_args: a {ty} value has no wasm_val_t form"));
            return false;
        }
        // SAFETY: the slot holds a value of type `ty` of this store (its references are kept
        // alive by the store, whose handle the trap holds).
        vals.push(unsafe { from_slot(slot, *ty, store) });
    }
    // SAFETY: as above.
    unsafe { out.write(wasm_val_vec_t::from_vec(vals)) };
    true
}
