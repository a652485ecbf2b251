//! The runtime side of a store: the engine and the stack-limit slot read by function prologues.
//! What the C API's store adds (externref identities, pinned instances) lives in
//! `capi::store`, so that runtime objects never keep those alive (no reference cycles).

use super::engine::Engine;
use super::vmctx::VMLimits;
use std::cell::UnsafeCell;
use std::sync::Arc;

pub struct StoreInner {
    pub engine: Engine,
    /// Unique for the process's lifetime (never reused, never 0): what every object created in
    /// the store records, so that objects of different stores are never mixed.
    pub id: u64,
    /// Resource limits and usage (see resources.rs).
    pub account: Arc<super::resources::Account>,
    limits: Box<UnsafeCell<VMLimits>>,
}

// A store is used by one thread at a time (documented rule).
unsafe impl Send for StoreInner {}
unsafe impl Sync for StoreInner {}

pub type Store = Arc<StoreInner>;

impl StoreInner {
    pub fn new(engine: Engine) -> Store {
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // The deadline starts one tick ahead: with epoch interruption on, the next increment of
        // the engine's epoch interrupts this store's code unless the embedder sets a deadline.
        let epoch: &std::sync::atomic::AtomicU64 = &engine.0.epoch;
        let limits = VMLimits {
            epoch,
            epoch_deadline: epoch.load(std::sync::atomic::Ordering::Relaxed).saturating_add(1),
            ..VMLimits::default()
        };
        Arc::new(StoreInner { engine, id, account: Default::default(), limits: Box::new(UnsafeCell::new(limits)) })
    }

    pub fn limits(&self) -> *mut VMLimits {
        self.limits.get()
    }

    pub fn stack_limit_slot(&self) -> *mut usize {
        unsafe { &raw mut (*self.limits.get()).stack_limit }
    }

    /// Code of this store traps "interrupted" once the engine's epoch is `ticks` past its
    /// current value.
    pub fn set_epoch_deadline(&self, ticks: u64) {
        let now = self.engine.0.epoch.load(std::sync::atomic::Ordering::Relaxed);
        // SAFETY: the store is used by one thread at a time, and compiled code only reads the
        // deadline while this thread runs it (never concurrently with this write).
        unsafe { (*self.limits.get()).epoch_deadline = now.saturating_add(ticks) };
    }

    /// Sets the fuel left for this store's code (with fuel consumption on in the engine).
    pub fn set_fuel(&self, fuel: u64) {
        // SAFETY: store-confined; compiled code of this store only runs on this thread.
        unsafe { (*self.limits.get()).fuel = fuel.min(i64::MAX as u64) as i64 };
    }

    /// The fuel left (0 once exhausted).
    pub fn fuel(&self) -> u64 {
        // SAFETY: as in `set_fuel`.
        unsafe { (*self.limits.get()).fuel.max(0) as u64 }
    }
}
