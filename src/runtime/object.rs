//! Every runtime object the C API can hold a reference to, with identity and host info.

use super::func::Func;
use super::global::GlobalRef;
use super::host_info::HostInfo;
use super::instance::WasmInstance;
use super::memory::LinearMemory;
use super::module::CompiledModule;
use super::table::TableRef;
use super::trap::TrapRecord;
use std::ffi::c_void;
use std::sync::Arc;

/// An object with no behaviour of its own (`wasm_foreign_t`), used to pass host identities.
#[derive(Default)]
pub struct ForeignObject {
    pub host_info: HostInfo,
}

#[derive(Clone)]
pub enum Object {
    Func(Func),
    Global(GlobalRef),
    Table(TableRef),
    Memory(Arc<LinearMemory>),
    Instance(Arc<WasmInstance>),
    Module(Arc<CompiledModule>),
    Trap(Arc<TrapRecord>),
    Foreign(Arc<ForeignObject>),
    Tag(Arc<super::exception::WasmTag>),
    /// An exception (an exnref value that left wasm; wasm.h shows it as an externref handle).
    Exn(Arc<super::exception::ExnObject>),
    /// A struct, array or i31 reference of a store's GC heap (rooted while held).
    Gc(super::gc::GcRef),
}

impl Object {
    /// A pointer naming the underlying object: equal for every handle to it.
    pub fn identity(&self) -> usize {
        match self {
            Object::Func(f) => f.funcref() as usize,
            Object::Global(g) => Arc::as_ptr(&g.global) as usize,
            Object::Table(t) => Arc::as_ptr(&t.table) as usize,
            Object::Memory(m) => Arc::as_ptr(m) as usize,
            Object::Instance(i) => Arc::as_ptr(i) as usize,
            Object::Module(m) => Arc::as_ptr(m) as usize,
            Object::Trap(t) => Arc::as_ptr(t) as usize,
            Object::Foreign(f) => Arc::as_ptr(f) as usize,
            Object::Tag(t) => Arc::as_ptr(t) as usize,
            Object::Exn(e) => Arc::as_ptr(e) as usize,
            Object::Gc(r) => r.bits(),
        }
    }

    pub fn same(&self, other: &Object) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other) && self.identity() == other.identity()
    }

    fn with_host_info<R>(&self, f: impl FnOnce(&HostInfo) -> R) -> R {
        match self {
            Object::Func(Func::Wasm { instance, index, .. }) => {
                let mut map = instance.func_host_info.lock().unwrap();
                f(map.entry(*index).or_default())
            }
            Object::Func(Func::Host(h)) => f(&h.host_info),
            Object::Global(g) => f(&g.host_info),
            Object::Table(t) => f(&t.host_info),
            Object::Memory(m) => f(&m.host_info),
            Object::Instance(i) => f(&i.host_info),
            Object::Module(m) => f(&m.host_info),
            Object::Trap(t) => f(&t.host_info),
            Object::Foreign(o) => f(&o.host_info),
            Object::Tag(t) => f(&t.host_info),
            Object::Exn(e) => f(&e.host_info),
            Object::Gc(r) => r.with_host_info(f),
        }
    }

    pub fn host_info(&self) -> *mut c_void {
        self.with_host_info(|h| h.get())
    }

    pub fn set_host_info(&self, info: *mut c_void, finalizer: Option<super::host_info::Finalizer>) {
        // The previous info's finalizer runs after every lock is released: it may call back into
        // the API for this very object.
        let old = self.with_host_info(|h| h.replace(info, finalizer));
        drop(old);
    }
}
