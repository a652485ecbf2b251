//! The runtime side of a store: the engine and the stack-limit slot read by function prologues.
//! What the C API's store adds (externref identities, pinned instances) lives in
//! `capi::store`, so that runtime objects never keep those alive (no reference cycles).

use super::engine::Engine;
use super::vmctx::VMLimits;
use std::cell::UnsafeCell;
use std::sync::Arc;

pub struct StoreInner {
    pub engine: Engine,
    limits: Box<UnsafeCell<VMLimits>>,
}

// A store is used by one thread at a time (documented rule).
unsafe impl Send for StoreInner {}
unsafe impl Sync for StoreInner {}

pub type Store = Arc<StoreInner>;

impl StoreInner {
    pub fn new(engine: Engine) -> Store {
        Arc::new(StoreInner { engine, limits: Box::new(UnsafeCell::new(VMLimits::default())) })
    }

    pub fn limits(&self) -> *mut VMLimits {
        self.limits.get()
    }

    pub fn stack_limit_slot(&self) -> *mut usize {
        unsafe { &raw mut (*self.limits.get()).stack_limit }
    }
}
