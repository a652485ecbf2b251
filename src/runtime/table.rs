//! Tables of references. Elements are raw pointers as compiled code uses them: `*const VMFuncRef`
//! for funcref tables, an externref identity pointer for externref tables, 0 for null. Whatever
//! an element points at is kept alive by the store's collector while the table is reachable
//! (see capi::val::funcref_bits and gc/owners.rs) or by the instance that defined the table
//! (`TableRef`).

use super::host_info::HostInfo;
use crate::abi::vmctx::VMTable;
use crate::types::TableType;
use std::cell::UnsafeCell;
use std::sync::Arc;

/// Largest table the engine will create or grow to.
pub const MAX_TABLE_ELEMENTS: u64 = 10_000_000;

/// A table as it is handed around (exports, handles, imports): the table, and for a funcref
/// table that an instance defines, that instance — kept alive by whoever holds the table,
/// because the table's elements may point into it. (The instance cannot hold this itself: it
/// holds the table, and the two would keep each other alive forever.)
#[derive(Clone)]
pub struct TableRef {
    pub table: Arc<WasmTable>,
    pub owner: Option<Arc<super::instance::WasmInstance>>,
}

impl TableRef {
    pub fn new(table: Arc<WasmTable>) -> TableRef {
        TableRef { table, owner: None }
    }
}

impl std::ops::Deref for TableRef {
    type Target = WasmTable;
    fn deref(&self) -> &WasmTable {
        &self.table
    }
}

pub struct WasmTable {
    def: UnsafeCell<VMTable>,
    elements: UnsafeCell<Vec<usize>>,
    ty: TableType,
    pub host_info: HostInfo,
    /// The store the table belongs to (`StoreState::id`; 0 until the creator sets it).
    pub store_id: u64,
    /// Its elements and itself, charged to the store (see `attach`).
    charges: super::resources::SizeCharge,
}

// SAFETY: store-confined like memories (see memory.rs): the elements are only accessed on the
// thread using the store.
unsafe impl Send for WasmTable {}
unsafe impl Sync for WasmTable {}

impl WasmTable {
    pub fn new(ty: TableType, init: usize) -> Result<WasmTable, String> {
        if ty.limits.min > MAX_TABLE_ELEMENTS {
            return Err(format!("table of {} elements exceeds the limit of {}", ty.limits.min, MAX_TABLE_ELEMENTS));
        }
        // Allocation failure is an error, never an abort: the size comes from the guest.
        let mut elements = Vec::new();
        elements
            .try_reserve_exact(ty.limits.min as usize)
            .map_err(|_| format!("out of memory allocating a table of {} elements", ty.limits.min))?;
        elements.resize(ty.limits.min as usize, init);
        let def = VMTable { base: elements.as_mut_ptr(), length: elements.len() as u64 };
        Ok(WasmTable {
            def: UnsafeCell::new(def),
            elements: UnsafeCell::new(elements),
            ty,
            host_info: HostInfo::default(),
            store_id: 0,
            charges: Default::default(),
        })
    }

    /// Makes the table belong to `store`, charging its elements and itself to the store's
    /// resource limits.
    pub fn attach(&mut self, store: &super::store::StoreState) -> Result<(), String> {
        use super::resources::Resource;
        self.charges.attach(&store.account, Resource::TableElements, Resource::Tables, self.len() as u64)?;
        self.store_id = store.id;
        Ok(())
    }

    pub fn vm(&self) -> *mut VMTable {
        self.def.get()
    }

    pub fn element_type(&self) -> crate::types::ValType {
        self.ty.element
    }

    pub fn ty(&self) -> TableType {
        let mut t = self.ty;
        t.limits.min = self.len() as u64;
        t
    }

    pub fn len(&self) -> usize {
        // SAFETY: a read of the vector's length on the store's thread; no `&mut` from
        // `elements()` is live across this call (they last one operation).
        unsafe { (*self.elements.get()).len() }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The elements, mutably.
    ///
    /// # Safety
    /// No other reference to the elements may be live while the returned one is used: callers
    /// take it for one operation on the store's thread (the only thread that may use the
    /// table), never across a call into wasm or the host, and never twice for one table (a
    /// copy within a table goes through `base_ptr`).
    #[allow(clippy::mut_from_ref)] // exclusivity is the caller's obligation (# Safety)
    pub unsafe fn elements(&self) -> &mut [usize] {
        // SAFETY: exclusivity is the caller's obligation (see above).
        unsafe { &mut *self.elements.get() }
    }

    /// The first element, as a raw pointer (valid for `len()` elements until the next grow).
    pub fn base_ptr(&self) -> *mut usize {
        // SAFETY: reading the VMTable header, which only `grow` writes (on this thread).
        unsafe { (*self.def.get()).base }
    }

    pub fn get(&self, index: u64) -> Option<usize> {
        // SAFETY: one short-lived access on the store's thread.
        unsafe { self.elements() }.get(index as usize).copied()
    }

    pub fn set(&self, index: u64, value: usize) -> bool {
        // SAFETY: one short-lived access on the store's thread.
        match unsafe { self.elements() }.get_mut(index as usize) {
            Some(slot) => {
                *slot = value;
                true
            }
            None => false,
        }
    }

    /// Grows by `delta` elements set to `init`; returns the old size or `None` past the maximum.
    pub fn grow(&self, delta: u64, init: usize) -> Option<u64> {
        let old = self.len() as u64;
        let new = old.checked_add(delta)?;
        let max = self.ty.limits.max.unwrap_or(u32::MAX as u64).min(MAX_TABLE_ELEMENTS);
        if new > max {
            return None;
        }
        if !self.charges.grow(delta) {
            return None;
        }
        // SAFETY: the table belongs to one store, used by one thread at a time, and no reference
        // into `elements` is live across this call (callers hold none while growing).
        unsafe {
            let v = &mut *self.elements.get();
            // Allocation failure makes `table.grow` return -1 instead of aborting the process.
            if v.try_reserve(delta as usize).is_err() {
                self.charges.shrink(delta);
                return None;
            }
            v.resize(new as usize, init);
            *self.def.get() = VMTable { base: v.as_mut_ptr(), length: v.len() as u64 };
        }
        Some(old)
    }
}
