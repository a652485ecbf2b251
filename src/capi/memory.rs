//! `wasm_memory_t`: linear memories created by the host or exported by instances.
#![allow(non_camel_case_types)]

use crate::capi::r#ref::{wasm_memory_t, wasm_ref_t};
use crate::capi::store::wasm_store_t;
use crate::capi::types::wasm_memorytype_t;
use crate::runtime::memory::LinearMemory;
use crate::runtime::object::Object;
use std::sync::Arc;

impl wasm_memory_t {
    pub(crate) fn memory(&self) -> &Arc<LinearMemory> {
        match &self.r.obj {
            Object::Memory(m) => m,
            _ => unreachable!("a wasm_memory_t always holds a memory"),
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_new(store: *mut wasm_store_t, ty: *const wasm_memorytype_t) -> *mut wasm_memory_t {
    // SAFETY: `store` is NULL or a live `wasm_store_t`, `ty` NULL or a live
    // `wasm_memorytype_t` (C API contract, rule 1).
    let (Some(store), Some(ty)) = (unsafe { store.as_ref() }, unsafe { ty.as_ref() }) else {
        return std::ptr::null_mut();
    };
    match LinearMemory::new_in(&store.store.inner, ty.to_core()) {
        Ok(m) => wasm_ref_t::boxed(Object::Memory(Arc::new(m)), store.store.clone()) as *mut wasm_memory_t,
        Err(e) => {
            crate::capi::extensions::set_error(&e);
            std::ptr::null_mut()
        }
    }
}

/// The type, with the current size as minimum.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_type(m: *const wasm_memory_t) -> *mut wasm_memorytype_t {
    // SAFETY: `m` is NULL or a live `wasm_memory_t` (C API contract, rule 1).
    match unsafe { m.as_ref() } {
        Some(m) => Box::into_raw(wasm_memorytype_t::from_core(&m.memory().ty())),
        None => std::ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_data(m: *mut wasm_memory_t) -> *mut std::os::raw::c_char {
    // SAFETY: `m` is NULL or a live `wasm_memory_t` (C API contract, rule 1). Handing out the
    // base pointer is not itself unsafe; using it is the caller's business (valid until the
    // memory grows or goes away, as wasm.h says).
    unsafe { m.as_ref() }.map_or(std::ptr::null_mut(), |m| m.memory().base() as *mut _)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memory_data_size(m: *const wasm_memory_t) -> usize {
    // SAFETY: `m` is NULL or a live `wasm_memory_t` (C API contract, rule 1).
    unsafe { m.as_ref() }.map_or(0, |m| m.memory().byte_len())
}

/// The size in pages. A size beyond 32 bits of pages (possible only for a memory64 memory, and
/// only with far more address space than wasmlift reserves) returns 0xffffffff, which no real
/// size can be, with `wasmlift_error_message` saying so; `wasmlift_memory_size64` reads it.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_size(m: *const wasm_memory_t) -> u32 {
    // SAFETY: `m` is NULL or a live `wasm_memory_t` (C API contract, rule 1).
    unsafe { m.as_ref() }.map_or(0, |m| {
        let pages = m.memory().pages();
        u32::try_from(pages).unwrap_or_else(|_| {
            crate::capi::extensions::set_error(&format!(
                "wasm_memory_size: {pages} pages do not fit 32 bits; use wasmlift_memory_size64"
            ));
            u32::MAX
        })
    })
}

/// Grows by `delta` pages; false (and no change) past the maximum.
#[no_mangle]
pub unsafe extern "C" fn wasm_memory_grow(m: *mut wasm_memory_t, delta: u32) -> bool {
    // SAFETY: `m` is NULL or a live `wasm_memory_t` (C API contract, rule 1).
    unsafe { m.as_ref() }.is_some_and(|m| m.memory().grow(delta as u64).is_some())
}
