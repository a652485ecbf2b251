//! `wasm_store_t`: a store of runtime objects, used by one thread at a time.
#![allow(non_camel_case_types)]

use crate::capi::engine::wasm_engine_t;
use crate::runtime::store::{Store, StoreInner};

pub struct wasm_store_t {
    pub(crate) store: Store,
}

#[no_mangle]
pub unsafe extern "C" fn wasm_store_new(engine: *mut wasm_engine_t) -> *mut wasm_store_t {
    match engine.as_ref() {
        Some(e) => Box::into_raw(Box::new(wasm_store_t { store: StoreInner::new(e.engine.clone()) })),
        None => std::ptr::null_mut(),
    }
}

/// Deletes the store. Objects still referenced by handles stay usable; what only the store kept
/// alive (externref values held by wasm, pinned instances) is released now.
#[no_mangle]
pub unsafe extern "C" fn wasm_store_delete(store: *mut wasm_store_t) {
    if store.is_null() {
        return;
    }
    let s = Box::from_raw(store);
    s.store.release();
}
