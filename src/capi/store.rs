//! `wasm_store_t`: a store of runtime objects, used by one thread at a time.
//!
//! Lifetime rule: every handle keeps the store's state alive, and every object keeps alive what
//! it refers to (a function its instance, an instance its module and imports), so handles may be
//! deleted in any order, the store first included. What only the store holds — externref
//! values that entered wasm, and instances pinned because function references into them may sit
//! in tables or globals — is released when the last handle of the store is gone.
#![allow(non_camel_case_types)]

use crate::capi::engine::wasm_engine_t;
use crate::runtime::object::Object;
use crate::runtime::store::StoreInner;
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub struct StoreRoot {
    pub(crate) inner: crate::runtime::store::Store,
    /// Objects passed into wasm as externref, by identity pointer (the externref's bits).
    externrefs: Mutex<HashMap<usize, Object>>,
    /// Owners kept alive for the store's lifetime, by address (each at most once).
    pinned: Mutex<HashMap<usize, Arc<dyn Any + Send + Sync>>>,
}

/// What every C handle holds: the store's root.
pub type Store = Arc<StoreRoot>;

impl StoreRoot {
    /// Returns the externref bits for `obj`, keeping it alive while the store lives.
    pub fn externref_bits(&self, obj: &Object) -> usize {
        let id = obj.identity();
        self.externrefs.lock().unwrap().entry(id).or_insert_with(|| obj.clone());
        id
    }

    /// The object behind externref bits produced by `externref_bits`.
    pub fn externref_object(&self, bits: usize) -> Option<Object> {
        self.externrefs.lock().unwrap().get(&bits).cloned()
    }

    /// Keeps `object` alive until the store's last handle is gone. Function references that
    /// enter tables, globals or wasm code pin their owner here rather than in the receiving
    /// object: a table or global holding its own instance would be a reference cycle.
    pub fn pin(&self, object: Arc<dyn Any + Send + Sync>) {
        let key = Arc::as_ptr(&object) as *const u8 as usize;
        self.pinned.lock().unwrap().entry(key).or_insert(object);
    }
}

pub struct wasm_store_t {
    pub(crate) store: Store,
}

#[no_mangle]
pub unsafe extern "C" fn wasm_store_new(engine: *mut wasm_engine_t) -> *mut wasm_store_t {
    match engine.as_ref() {
        Some(e) => Box::into_raw(Box::new(wasm_store_t {
            store: Arc::new(StoreRoot {
                inner: StoreInner::new(e.engine.clone()),
                externrefs: Mutex::new(HashMap::new()),
                pinned: Mutex::new(HashMap::new()),
            }),
        })),
        None => std::ptr::null_mut(),
    }
}

/// Deletes the store handle. Objects still referenced by other handles stay usable.
#[no_mangle]
pub unsafe extern "C" fn wasm_store_delete(store: *mut wasm_store_t) {
    if !store.is_null() {
        drop(Box::from_raw(store));
    }
}
