//! Global variables: one 16-byte `VMVal` slot that every instance importing the global points
//! at, so writes from any instance or from the host are seen by all.

use super::host_info::HostInfo;
use crate::abi::vmctx::VMVal;
use crate::types::GlobalType;
use std::cell::UnsafeCell;
use std::sync::Arc;

/// A global as it is handed around, with the defining instance for a funcref global (see
/// `TableRef` for why).
#[derive(Clone)]
pub struct GlobalRef {
    pub global: Arc<WasmGlobal>,
    pub owner: Option<Arc<super::instance::WasmInstance>>,
}

impl GlobalRef {
    pub fn new(global: Arc<WasmGlobal>) -> GlobalRef {
        GlobalRef { global, owner: None }
    }
}

impl std::ops::Deref for GlobalRef {
    type Target = WasmGlobal;
    fn deref(&self) -> &WasmGlobal {
        &self.global
    }
}

pub struct WasmGlobal {
    value: UnsafeCell<VMVal>,
    pub ty: GlobalType,
    pub host_info: HostInfo,
    /// The store the global belongs to (`StoreState::id`; 0 until the creator sets it).
    pub store_id: u64,
}

// SAFETY: store-confined like memories (see memory.rs): the value cell is only accessed on the
// thread using the store.
unsafe impl Send for WasmGlobal {}
unsafe impl Sync for WasmGlobal {}

impl WasmGlobal {
    pub fn new(ty: GlobalType, value: VMVal) -> WasmGlobal {
        WasmGlobal { value: UnsafeCell::new(value), ty, host_info: HostInfo::default(), store_id: 0 }
    }

    /// A global of `store`.
    pub fn new_in(store: &super::store::Store, ty: GlobalType, value: VMVal) -> WasmGlobal {
        WasmGlobal { store_id: store.id, ..WasmGlobal::new(ty, value) }
    }

    pub fn vm(&self) -> *mut VMVal {
        self.value.get()
    }

    pub fn get(&self) -> VMVal {
        // SAFETY: a copy out of the cell on the store's thread; compiled code writing it runs on
        // the same thread, never concurrently.
        unsafe { *self.value.get() }
    }

    pub fn set(&self, v: VMVal) {
        // SAFETY: as in `get`; no reference into the cell is ever handed out.
        unsafe { *self.value.get() = v }
    }
}
