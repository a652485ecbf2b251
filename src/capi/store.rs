//! `wasm_store_t`: a store of runtime objects, used by one thread at a time. Every C handle
//! holds the store's `StoreHandle`; the lifetime rules are the runtime's (`runtime::store`).
#![allow(non_camel_case_types)]

use crate::capi::engine::wasm_engine_t;
use crate::runtime::store::{StoreHandle, StoreRoot};

pub struct wasm_store_t {
    pub(crate) store: StoreHandle,
}

#[no_mangle]
pub unsafe extern "C" fn wasm_store_new(engine: *mut wasm_engine_t) -> *mut wasm_store_t {
    // SAFETY: `engine` is NULL or a live `wasm_engine_t` (C API contract, rule 1).
    match unsafe { engine.as_ref() } {
        Some(e) => Box::into_raw(Box::new(wasm_store_t { store: StoreRoot::new(e.engine.clone()) })),
        None => std::ptr::null_mut(),
    }
}

/// Deletes the store handle. Objects still referenced by other handles stay usable.
#[no_mangle]
pub unsafe extern "C" fn wasm_store_delete(store: *mut wasm_store_t) {
    // SAFETY: `store` is NULL or a box from `wasm_store_new` that the caller owns and gives
    // up (C API contract, rule 4); objects of the store hold their own `StoreHandle`.
    unsafe { crate::capi::delete_boxed(store) }
}
