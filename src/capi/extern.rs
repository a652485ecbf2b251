//! Externals (`wasm_extern_t`): the kind-erased view of functions, globals, tables and memories
//! that imports and exports use.
#![allow(non_camel_case_types)]

pub use crate::capi::r#ref::wasm_extern_t;
use crate::capi::r#ref::wasm_func_t;
use crate::capi::r#ref::wasm_global_t;
use crate::capi::r#ref::wasm_memory_t;
use crate::capi::r#ref::wasm_ref_t;
use crate::capi::r#ref::wasm_table_t;
use crate::capi::types::{
    wasm_externkind_t, wasm_externtype_t, WASM_EXTERN_FUNC, WASM_EXTERN_GLOBAL, WASM_EXTERN_MEMORY, WASM_EXTERN_TABLE,
};
use crate::capi::vec::BoxedElem;
use crate::runtime::instance::Extern;
use crate::runtime::object::Object;
use crate::runtime::store::StoreHandle;

impl BoxedElem for wasm_extern_t {}

impl wasm_extern_t {
    pub(crate) fn to_extern(&self) -> Option<Extern> {
        Some(match &self.r.obj {
            Object::Func(f) => Extern::Func(f.clone()),
            Object::Global(g) => Extern::Global(g.clone()),
            Object::Table(t) => Extern::Table(t.clone()),
            Object::Memory(m) => Extern::Memory(m.clone()),
            Object::Tag(t) => Extern::Tag(t.clone()),
            _ => return None,
        })
    }

    pub(crate) fn boxed(e: Extern, store: &StoreHandle) -> *mut wasm_extern_t {
        let obj = match e {
            Extern::Func(f) => Object::Func(f),
            Extern::Global(g) => Object::Global(g),
            Extern::Table(t) => Object::Table(t),
            Extern::Memory(m) => Object::Memory(m),
            Extern::Tag(t) => Object::Tag(t),
        };
        wasm_ref_t::boxed(obj, store.clone()) as *mut wasm_extern_t
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_kind(e: *const wasm_extern_t) -> wasm_externkind_t {
    // SAFETY: `e` is NULL or a live `wasm_extern_t` (C API contract, rule 1).
    match unsafe { e.as_ref() }.map(|e| &e.r.obj) {
        Some(Object::Func(_)) => WASM_EXTERN_FUNC,
        Some(Object::Global(_)) => WASM_EXTERN_GLOBAL,
        Some(Object::Table(_)) => WASM_EXTERN_TABLE,
        Some(Object::Memory(_)) => WASM_EXTERN_MEMORY,
        Some(Object::Tag(_)) => crate::capi::tag::WASMLIFT_EXTERN_TAG,
        _ => 0xff,
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_type(e: *const wasm_extern_t) -> *mut wasm_externtype_t {
    // SAFETY: `e` is NULL or a live `wasm_extern_t` (C API contract, rule 1).
    match unsafe { e.as_ref() }.and_then(|e| e.to_extern()) {
        Some(x) => Box::into_raw(wasm_externtype_t::from_core(&x.ty())),
        None => std::ptr::null_mut(),
    }
}

fn is_func(e: &wasm_extern_t) -> bool {
    matches!(e.r.obj, Object::Func(_))
}
fn is_global(e: &wasm_extern_t) -> bool {
    matches!(e.r.obj, Object::Global(_))
}
fn is_table(e: &wasm_extern_t) -> bool {
    matches!(e.r.obj, Object::Table(_))
}
fn is_memory(e: &wasm_extern_t) -> bool {
    matches!(e.r.obj, Object::Memory(_))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_func_as_extern(f: *mut wasm_func_t) -> *mut wasm_extern_t {
    f as *mut wasm_extern_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_global_as_extern(g: *mut wasm_global_t) -> *mut wasm_extern_t {
    g as *mut wasm_extern_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_table_as_extern(t: *mut wasm_table_t) -> *mut wasm_extern_t {
    t as *mut wasm_extern_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_as_extern(m: *mut wasm_memory_t) -> *mut wasm_extern_t {
    m as *mut wasm_extern_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_func_as_extern_const(f: *const wasm_func_t) -> *const wasm_extern_t {
    f as *const wasm_extern_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_global_as_extern_const(g: *const wasm_global_t) -> *const wasm_extern_t {
    g as *const wasm_extern_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_table_as_extern_const(t: *const wasm_table_t) -> *const wasm_extern_t {
    t as *const wasm_extern_t
}
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_as_extern_const(m: *const wasm_memory_t) -> *const wasm_extern_t {
    m as *const wasm_extern_t
}

#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_func(e: *mut wasm_extern_t) -> *mut wasm_func_t {
    // SAFETY: `e` is NULL or a live `wasm_extern_t` (C API contract, rule 1); the cast is made
    // only for a matching object, and every typed handle is a transparent `wasm_ref_t`.
    if unsafe { e.as_ref() }.is_some_and(is_func) {
        e as *mut wasm_func_t
    } else {
        std::ptr::null_mut()
    }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_global(e: *mut wasm_extern_t) -> *mut wasm_global_t {
    // SAFETY: `e` is NULL or a live `wasm_extern_t` (C API contract, rule 1); the cast is made
    // only for a matching object, and every typed handle is a transparent `wasm_ref_t`.
    if unsafe { e.as_ref() }.is_some_and(is_global) {
        e as *mut wasm_global_t
    } else {
        std::ptr::null_mut()
    }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_table(e: *mut wasm_extern_t) -> *mut wasm_table_t {
    // SAFETY: `e` is NULL or a live `wasm_extern_t` (C API contract, rule 1); the cast is made
    // only for a matching object, and every typed handle is a transparent `wasm_ref_t`.
    if unsafe { e.as_ref() }.is_some_and(is_table) {
        e as *mut wasm_table_t
    } else {
        std::ptr::null_mut()
    }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_memory(e: *mut wasm_extern_t) -> *mut wasm_memory_t {
    // SAFETY: `e` is NULL or a live `wasm_extern_t` (C API contract, rule 1); the cast is made
    // only for a matching object, and every typed handle is a transparent `wasm_ref_t`.
    if unsafe { e.as_ref() }.is_some_and(is_memory) {
        e as *mut wasm_memory_t
    } else {
        std::ptr::null_mut()
    }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_func_const(e: *const wasm_extern_t) -> *const wasm_func_t {
    // SAFETY: `e` is NULL or a live `wasm_extern_t` (C API contract, rule 1); the cast is made
    // only for a matching object, and every typed handle is a transparent `wasm_ref_t`.
    if unsafe { e.as_ref() }.is_some_and(is_func) {
        e as *const wasm_func_t
    } else {
        std::ptr::null()
    }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_global_const(e: *const wasm_extern_t) -> *const wasm_global_t {
    // SAFETY: `e` is NULL or a live `wasm_extern_t` (C API contract, rule 1); the cast is made
    // only for a matching object, and every typed handle is a transparent `wasm_ref_t`.
    if unsafe { e.as_ref() }.is_some_and(is_global) {
        e as *const wasm_global_t
    } else {
        std::ptr::null()
    }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_table_const(e: *const wasm_extern_t) -> *const wasm_table_t {
    // SAFETY: `e` is NULL or a live `wasm_extern_t` (C API contract, rule 1); the cast is made
    // only for a matching object, and every typed handle is a transparent `wasm_ref_t`.
    if unsafe { e.as_ref() }.is_some_and(is_table) {
        e as *const wasm_table_t
    } else {
        std::ptr::null()
    }
}
#[no_mangle]
pub unsafe extern "C" fn wasm_extern_as_memory_const(e: *const wasm_extern_t) -> *const wasm_memory_t {
    // SAFETY: `e` is NULL or a live `wasm_extern_t` (C API contract, rule 1); the cast is made
    // only for a matching object, and every typed handle is a transparent `wasm_ref_t`.
    if unsafe { e.as_ref() }.is_some_and(is_memory) {
        e as *const wasm_memory_t
    } else {
        std::ptr::null()
    }
}
