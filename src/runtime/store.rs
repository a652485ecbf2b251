//! Stores: the owner of per-store runtime state (stack limit slot read by prologues, externref
//! identities that wasm code holds, instances pinned until the store goes).
//!
//! Lifetime rule: every object keeps alive what it refers to (a function its instance, an
//! instance its module and imports), and every object keeps its store's state alive, so objects
//! may be deleted in any order, the store first included. Deleting the store releases what only
//! the store held: externref values that entered wasm, and instances that are pinned because
//! their function references may sit in tables or globals that outlive them.

use super::engine::Engine;
use super::object::Object;
use super::vmctx::VMLimits;
use std::any::Any;
use std::cell::UnsafeCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub struct StoreInner {
    pub engine: Engine,
    limits: Box<UnsafeCell<VMLimits>>,
    /// Objects passed into wasm as externref, by identity pointer (the externref's bits).
    externrefs: Mutex<HashMap<usize, Object>>,
    /// Objects that must live as long as the store (see the module comment).
    pinned: Mutex<Vec<Arc<dyn Any + Send + Sync>>>,
}

// A store is used by one thread at a time (documented rule); the mutexes make the handful of
// shared-state operations safe anyway.
unsafe impl Send for StoreInner {}
unsafe impl Sync for StoreInner {}

pub type Store = Arc<StoreInner>;

impl StoreInner {
    pub fn new(engine: Engine) -> Store {
        Arc::new(StoreInner {
            engine,
            limits: Box::new(UnsafeCell::new(VMLimits::default())),
            externrefs: Mutex::new(HashMap::new()),
            pinned: Mutex::new(Vec::new()),
        })
    }

    pub fn limits(&self) -> *mut VMLimits {
        self.limits.get()
    }

    pub fn stack_limit_slot(&self) -> *mut usize {
        unsafe { &raw mut (*self.limits.get()).stack_limit }
    }

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

    pub fn pin(&self, object: Arc<dyn Any + Send + Sync>) {
        self.pinned.lock().unwrap().push(object);
    }

    /// Called when the user deletes the store: drops what only the store kept alive.
    pub fn release(&self) {
        let refs = std::mem::take(&mut *self.externrefs.lock().unwrap());
        let pinned = std::mem::take(&mut *self.pinned.lock().unwrap());
        drop(refs);
        drop(pinned);
    }
}
