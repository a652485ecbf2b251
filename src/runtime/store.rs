//! Stores, in two parts.
//!
//! `StoreState` (shared as `Store`) is what every runtime object holds: the engine, the store's
//! id, its resource account and the limits compiled code reads (stack limit, epoch deadline,
//! fuel). `StoreRoot` (shared as `StoreHandle`) is what the embedder's handles hold: the
//! `StoreState` plus what only the store keeps alive.
//!
//! Lifetime rule: every handle keeps the store alive, and every object keeps alive what it
//! refers to (a function its instance, an instance its module and imports), so handles may be
//! deleted in any order, the store first included. What wasm holds without a handle is the
//! collector's (gc.rs): host values that entered wasm as externrefs live in the store's GC
//! heap, and instances and host functions whose function references may sit in tables,
//! globals, GC objects or exceptions are adopted by it, as are thrown exceptions
//! (gc/owners.rs); all are freed once nothing reaches them. What the heap still holds when the last handle of the store is gone is
//! released then. Runtime objects never hold the `StoreRoot`, so the heap's holds form no
//! reference cycle with it.

use super::engine::Engine;
use super::object::Object;
use crate::abi::vmctx::VMLimits;
use std::cell::{Cell, UnsafeCell};
use std::sync::Arc;
use std::sync::Mutex;

pub struct StoreState {
    pub engine: Engine,
    /// Unique for the process's lifetime (never reused, never 0): what every object created in
    /// the store records, so that objects of different stores are never mixed.
    pub id: u64,
    /// Resource limits and usage (see resources.rs).
    pub account: Arc<super::resources::Account>,
    limits: Box<UnsafeCell<VMLimits>>,
    /// Calls from this store's wasm code into the host that are running, innermost first (see
    /// `gc::WasmExit`): where the collector finds the wasm frames.
    pub wasm_exits: Cell<*const super::gc::WasmExit>,
    /// Nonzero while values are converted between the host and wasm (see `gc::NoGc`).
    pub gc_forbidden: Cell<u32>,
    /// The store's GC objects (see gc.rs). Declared last: dropped after everything above.
    pub gc_heap: Mutex<super::gc::GcHeap>,
}

// SAFETY: a store is used by one thread at a time (the documented rule); the limits cell is
// read and written only by that thread (and by the code it runs), the rest is immutable or
// synchronised (the account is atomic).
unsafe impl Send for StoreState {}
unsafe impl Sync for StoreState {}

pub type Store = Arc<StoreState>;

impl StoreState {
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
        let account: Arc<super::resources::Account> = Default::default();
        Arc::new(StoreState {
            engine,
            id,
            gc_heap: Mutex::new(super::gc::GcHeap::new(account.clone())),
            account,
            limits: Box::new(UnsafeCell::new(limits)),
            wasm_exits: Cell::new(std::ptr::null()),
            gc_forbidden: Cell::new(0),
        })
    }

    /// Keeps a thrown exception (or one whose exnref enters wasm) alive while wasm may reach
    /// it: exnrefs are plain pointers that wasm may keep in locals, globals, tables, struct
    /// fields and other exceptions' payloads, so the store's collector holds the object and
    /// frees it once nothing reaches it (gc/owners.rs).
    pub fn keep_exception(&self, exn: Arc<super::exception::ExnObject>) {
        if exn.mark_kept() {
            self.gc_heap.lock().unwrap_or_else(|e| e.into_inner()).keep_exception(exn);
        }
    }

    /// Lets go of the exception behind `exnref` if no exnref to it was ever a value (see
    /// `ExnObject::expose`): a `catch` without `_ref` just took it, so wasm cannot reach it any
    /// more. Traps or handles that carry it keep it alive on their own.
    ///
    /// # Safety
    /// `exnref` is a live exnref of this store (the collector or a trap keeps it alive).
    pub unsafe fn release_exception(&self, exnref: usize) {
        // SAFETY: the caller's obligation.
        let exn = unsafe { &*(exnref as *const super::exception::ExnObject) };
        if exn.is_exposed() {
            return;
        }
        let released = self.gc_heap.lock().unwrap_or_else(|e| e.into_inner()).release_exception(exnref);
        if let Some(e) = released {
            e.unmark_kept();
            // Dropped here, after the lock: the last owner may be this reference.
            drop(e);
        }
    }

    /// Puts `owner` (an instance, or a function's owner) under the collector's care: function
    /// references into it may now be kept where no handle follows them (see gc/owners.rs).
    /// Never collects.
    pub fn adopt(&self, owner: super::gc::Owner) -> Result<(), String> {
        self.gc_heap.lock().unwrap_or_else(|e| e.into_inner()).adopt(owner)
    }

    pub fn limits(&self) -> *mut VMLimits {
        self.limits.get()
    }

    pub fn stack_limit_slot(&self) -> *mut usize {
        // SAFETY: only computes the field's address inside the live boxed limits; no reference.
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

pub struct StoreRoot {
    pub inner: Store,
}

/// What every embedder handle holds: the store's root.
pub type StoreHandle = Arc<StoreRoot>;

impl std::ops::Deref for StoreRoot {
    type Target = StoreState;

    fn deref(&self) -> &StoreState {
        &self.inner
    }
}

impl StoreRoot {
    pub fn new(engine: Engine) -> StoreHandle {
        Arc::new(StoreRoot { inner: StoreState::new(engine) })
    }

    /// The reference bits for `obj` entering wasm (see `gc::externref_bits`): a host object
    /// in the store's GC heap, alive while wasm can reach it. Never collects.
    pub fn externref_bits(&self, obj: &Object) -> Result<usize, String> {
        super::gc::externref_bits(&self.inner, obj)
    }

    /// The object behind reference bits of this store leaving wasm (None for null).
    ///
    /// # Safety
    /// As `gc::ref_object`: `bits` was read from a root of this store.
    pub unsafe fn externref_object(&self, bits: usize) -> Option<Object> {
        // SAFETY: the caller's obligation.
        unsafe { super::gc::ref_object(&self.inner, bits) }
    }
}

impl Drop for StoreRoot {
    fn drop(&mut self) {
        // No embedder handle is left, so no wasm of this store can run again: the host
        // objects' contents (which may hold runtime objects holding the store) are released.
        // The adopted instances and host functions hold the store (through their `Store`):
        // released too, which breaks that cycle. Both are dropped after the lock (finalizers).
        let (garbage, owners) = {
            let mut heap = self.inner.gc_heap.lock().unwrap_or_else(|e| e.into_inner());
            (heap.release(), heap.release_owners())
        };
        drop(garbage);
        drop(owners);
    }
}
