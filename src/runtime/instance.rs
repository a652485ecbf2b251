//! Instances and instantiation, in the order a production engine uses: check imports →
//! allocate memories, tables and globals → build the vmctx → evaluate initialisers → table
//! initialisers → element segments → data segments → start function. Also the builtin
//! functions compiled code calls (memory/table bulk operations and growth).

use super::exception::WasmTag;
use super::func::Func;
use super::global::{GlobalRef, WasmGlobal};
use super::host_info::HostInfo;
use super::memory::LinearMemory;
use super::module::Module;
use super::store::{Store, StoreHandle};
use super::table::{TableRef, WasmTable};
use super::trap::{Trap, TrapRecord};
use super::type_registry;
use crate::abi::traps::TrapKind;
use crate::abi::vmctx::*;
use crate::decode::{ConstExpr, ConstOp, DataMode, ElementItems, ElementMode, ExportKind, ImportKind};
use crate::types::{ExternType, GlobalType, TableType};
use std::cell::UnsafeCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Something an instance imports or exports.
#[derive(Clone)]
pub enum Extern {
    Func(Func),
    Global(GlobalRef),
    Table(TableRef),
    Memory(Arc<LinearMemory>),
    Tag(Arc<WasmTag>),
}

impl Extern {
    /// The id of the store the object belongs to.
    pub fn store_id(&self) -> u64 {
        match self {
            Extern::Func(f) => f.store().id,
            Extern::Global(g) => g.global.store_id,
            Extern::Table(t) => t.table.store_id,
            Extern::Memory(m) => m.store_id,
            Extern::Tag(t) => t.store_id,
        }
    }

    pub fn ty(&self) -> ExternType {
        match self {
            Extern::Func(f) => ExternType::Func(f.ty().clone()),
            Extern::Global(g) => ExternType::Global(g.ty),
            Extern::Table(t) => ExternType::Table(t.ty()),
            Extern::Memory(m) => ExternType::Memory(m.ty()),
            Extern::Tag(t) => ExternType::Tag(t.ty.clone()),
        }
    }
}

pub struct WasmInstance {
    pub module: Module,
    pub store: Store,
    vmctx: *mut u8,
    pub memories: Vec<Arc<LinearMemory>>,
    pub tables: Vec<Arc<WasmTable>>,
    pub globals: Vec<Arc<WasmGlobal>>,
    pub imported_funcs: Vec<Func>,
    /// Exception tags, imported ones first (their addresses are the identities in the vmctx).
    pub tags: Vec<Arc<WasmTag>>,
    /// Owners of imported tables and globals, re-exported with them. (Every `Arc` to another
    /// instance an instance holds is here or in `imported_funcs`: the collector counts them.)
    imported_owners: ImportedOwners,
    /// Items of each element segment until dropped (evaluated once at instantiation).
    elements: UnsafeCell<Vec<Option<Box<[usize]>>>>,
    dropped_data: UnsafeCell<Vec<bool>>,
    pub host_info: HostInfo,
    pub func_host_info: Mutex<HashMap<u32, HostInfo>>,
    /// This instance, counted against its store's instance limit.
    _charge: super::resources::Charge,
}

// SAFETY: store-confined (see store.rs): the vmctx and the cells are only accessed on the
// thread using the store; the rest is immutable after instantiation.
unsafe impl Send for WasmInstance {}
unsafe impl Sync for WasmInstance {}

impl Drop for WasmInstance {
    fn drop(&mut self) {
        // SAFETY: allocated in `allocate` with this very layout; the last reference is gone, so
        // no code runs on this vmctx any more (every call holds the instance).
        unsafe { std::alloc::dealloc(self.vmctx, vmctx_layout(self.module.offsets.size)) }
    }
}

fn vmctx_layout(size: u32) -> std::alloc::Layout {
    std::alloc::Layout::from_size_align(size.max(16) as usize, 16).unwrap()
}

/// The instances that defined this instance's imported tables and globals (by index).
#[derive(Default)]
struct ImportedOwners {
    tables: Vec<Option<Arc<WasmInstance>>>,
    globals: Vec<Option<Arc<WasmInstance>>>,
}

/// Why instantiation failed.
pub enum InstantiationError {
    /// An import is missing or has the wrong type.
    Link(String),
    /// Resources could not be allocated.
    Resource(String),
    /// A segment was out of bounds or the start function trapped.
    Trap(Trap),
}

impl InstantiationError {
    pub fn message(&self) -> String {
        match self {
            InstantiationError::Link(m) | InstantiationError::Resource(m) => m.clone(),
            InstantiationError::Trap(t) => t.message.clone(),
        }
    }
}

impl WasmInstance {
    /// # Safety
    /// `vmctx` must be the vmctx of a live instance.
    pub unsafe fn from_vmctx(vmctx: *mut u8) -> Arc<WasmInstance> {
        // SAFETY: the header's instance field was set at instantiation to the pointer of the
        // instance's `Arc` (`Arc::as_ptr`), which is alive (the caller's obligation); taking
        // one more count makes the returned `Arc` own it.
        unsafe {
            let p = *(vmctx.add(VMCTX_INSTANCE as usize) as *const *const WasmInstance);
            Arc::increment_strong_count(p);
            Arc::from_raw(p)
        }
    }

    /// The instance a vmctx belongs to, borrowed for the duration of a builtin call.
    ///
    /// # Safety
    /// `vmctx` must be the vmctx of a live instance, and the reference must not outlive the
    /// call that received `vmctx` (the running code keeps the instance alive until then).
    pub(crate) unsafe fn borrow_vmctx<'a>(vmctx: *mut u8) -> &'a WasmInstance {
        // SAFETY: the header's instance field was written at instantiation and points at the
        // live `WasmInstance` owning this vmctx (the caller's obligation).
        unsafe { &**(vmctx.add(VMCTX_INSTANCE as usize) as *const *const WasmInstance) }
    }

    pub fn vmctx(&self) -> *mut u8 {
        self.vmctx
    }

    pub fn funcref(&self, index: u32) -> *const VMFuncRef {
        assert!(index < self.module.offsets.num_funcs, "function index {index} out of range");
        // SAFETY: the funcref array lies inside the vmctx allocation and `index` is in range.
        unsafe { self.vmctx.add(self.module.offsets.funcref(index) as usize) as *const VMFuncRef }
    }

    /// The export named `name`, if any.
    pub fn export_named(self: &Arc<Self>, name: &str) -> Option<Extern> {
        let index = self.module.info.exports.iter().position(|e| e.name == name)?;
        self.export(index)
    }

    /// The exports, in the module's export order.
    pub fn exports(self: &Arc<Self>) -> impl Iterator<Item = Extern> + '_ {
        (0..self.module.info.exports.len()).filter_map(|k| self.export(k))
    }

    /// The canonical function for function index `index`.
    pub fn func(self: &Arc<Self>, index: u32) -> Func {
        if index < self.module.info.num_imported_funcs {
            self.imported_funcs[index as usize].clone()
        } else {
            Func::wasm(self.clone(), index)
        }
    }

    pub fn export(self: &Arc<Self>, i: usize) -> Option<Extern> {
        let e = self.module.info.exports.get(i)?;
        let idx = e.index as usize;
        Some(match e.kind {
            ExportKind::Func => Extern::Func(self.func(e.index)),
            ExportKind::Global => Extern::Global(self.global_ref(idx)),
            ExportKind::Table => Extern::Table(self.table_ref(idx)),
            ExportKind::Memory => Extern::Memory(self.memories[idx].clone()),
            ExportKind::Tag => Extern::Tag(self.tags[idx].clone()),
        })
    }

    /// Global `idx` as handed out: a funcref global this instance defines keeps it alive.
    pub fn global_ref(self: &Arc<Self>, idx: usize) -> GlobalRef {
        let global = self.globals[idx].clone();
        let defined = idx >= self.module.info.num_imported_globals as usize;
        let owner = (defined && global.ty.content.is_func_ref()).then(|| self.clone());
        GlobalRef { global, owner: owner.or_else(|| self.imported_owners.globals.get(idx).cloned().flatten()) }
    }

    /// Table `idx` as handed out: a funcref table this instance defines keeps it alive.
    pub fn table_ref(self: &Arc<Self>, idx: usize) -> TableRef {
        let table = self.tables[idx].clone();
        let defined = idx >= self.module.info.num_imported_tables as usize;
        let owner = (defined && table.element_type().is_func_ref()).then(|| self.clone());
        TableRef { table, owner: owner.or_else(|| self.imported_owners.tables.get(idx).cloned().flatten()) }
    }

    /// The instances that defined the tables and globals this instance imports (each `Arc` it
    /// holds, one per import that has one; the collector counts them, see gc/owners.rs).
    pub(crate) fn imported_owner_instances(&self) -> impl Iterator<Item = &Arc<WasmInstance>> + '_ {
        self.imported_owners.tables.iter().chain(self.imported_owners.globals.iter()).flatten()
    }

    /// The element segments, mutably.
    ///
    /// # Safety
    /// Only on the store's thread, for one operation (instantiation or one builtin), with no
    /// other reference to them live.
    #[allow(clippy::mut_from_ref)] // exclusivity is the caller's obligation (# Safety)
    pub(crate) unsafe fn elements(&self) -> &mut Vec<Option<Box<[usize]>>> {
        // SAFETY: exclusivity is the caller's obligation (see above).
        unsafe { &mut *self.elements.get() }
    }

    /// Which data segments were dropped, mutably. Same contract as `elements`.
    #[allow(clippy::mut_from_ref)] // exclusivity is the caller's obligation (# Safety)
    pub(crate) unsafe fn dropped_data(&self) -> &mut Vec<bool> {
        // SAFETY: exclusivity is the caller's obligation (see `elements`).
        unsafe { &mut *self.dropped_data.get() }
    }

    pub(crate) fn data_bytes(&self, index: u32) -> &[u8] {
        // SAFETY: a read on the store's thread; no mutable reference is live meanwhile.
        if unsafe { self.dropped_data() }[index as usize] {
            return &[];
        }
        let d = &self.module.info.data[index as usize];
        &self.module.info.bytes[d.range.clone()]
    }
}

/// Checks one provided extern against the import's declared type (the spec's matching rules).
fn check_import(module: &Module, index: usize, provided: Option<&Extern>) -> Result<(), String> {
    let import = &module.info.imports[index];
    // With canonical ids in place of the module's type indices, as the provided type has them.
    let expected = match &import.kind {
        ImportKind::Func { type_index } => ExternType::Func(module.canonical_types[*type_index as usize].clone()),
        ImportKind::Global(g) => ExternType::Global(GlobalType { content: module.canonical_valtype(g.content), ..*g }),
        ImportKind::Table(t) => ExternType::Table(TableType { element: module.canonical_valtype(t.element), ..*t }),
        ImportKind::Memory(m) => ExternType::Memory(*m),
        ImportKind::Tag { type_index } => ExternType::Tag(module.canonical_types[*type_index as usize].clone()),
    };
    let name = format!("import {} \"{}\" \"{}\"", index, import.module, import.name);
    let Some(provided) = provided else {
        // wasm.h has no tag object: say where one comes from.
        let hint = match import.kind {
            ImportKind::Tag { .. } => {
                "; a tag is provided as a wasmlift_tag_t extern (wasmlift.h: another instance's tag export or wasmlift_tag_new)"
            }
            _ => "",
        };
        return Err(format!("unknown import: {name} was not provided (expected {}){hint}", expected));
    };
    let got = provided.ty();
    let ok = match (&import.kind, provided) {
        // 3.0 matching: a function of a subtype of the declared type; an immutable global of
        // a subtype; mutable globals and tables exactly the declared type. Types compare by
        // canonical id (rec-group structure), never by either module's numbering.
        (ImportKind::Func { type_index }, Extern::Func(f)) => {
            type_registry::is_subtype(f.type_id(), module.type_ids[*type_index as usize])
        }
        (ImportKind::Global(g), Extern::Global(p)) => {
            let want = module.canonical_valtype(g.content);
            g.mutable == p.ty.mutable
                && if g.mutable { want == p.ty.content } else { type_registry::val_is_subtype(p.ty.content, want) }
        }
        (ImportKind::Table(t), Extern::Table(p)) => {
            let pt = p.ty();
            module.canonical_valtype(t.element) == pt.element && t.table64 == pt.table64 && pt.limits.matches(&t.limits)
        }
        (ImportKind::Memory(m), Extern::Memory(p)) => {
            let pt = p.ty();
            m.memory64 == pt.memory64 && pt.limits.matches(&m.limits)
        }
        // Tag types must be equal (type ids are engine-wide and structural).
        (ImportKind::Tag { type_index }, Extern::Tag(t)) => module.type_ids[*type_index as usize] == t.type_id,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        // Types that print alike can still differ (rec group, supertype, finality, or the
        // types they refer to): say so rather than print two equal-looking types.
        let why = if matches!(expected, ExternType::Func(_)) && expected.to_string() == got.to_string() {
            " (the same signature, but not the same type or a declared subtype: types are identified by their rec group and supertypes)"
        } else {
            ""
        };
        Err(format!("incompatible import type: {name} expected {}, got {}{why}", expected, got))
    }
}

/// Instantiates `module` in `store` with `imports` given in the module's import order, in the
/// spec's order: check the imports, allocate the instance, initialise its vmctx, run the
/// initialisers and segments, run the start function. Instances whose function references may
/// outlive their handles (see `CompiledModule::pins_instances`) are adopted by the store's
/// collector as soon as they exist (gc/owners.rs), so that partial effects of a failed
/// instantiation (a function of it written to an imported table) stay valid.
pub fn instantiate(
    store: &StoreHandle,
    module: &Module,
    imports: &[Option<Extern>],
) -> Result<Arc<WasmInstance>, InstantiationError> {
    check_imports(&store.inner, module, imports)?;
    let instance = allocate(&store.inner, module, imports)?;
    init_vmctx(&instance);
    if module.pins_instances {
        store.adopt(super::gc::Owner::Instance(instance.clone())).map_err(InstantiationError::Resource)?;
    }
    run_initializers(&instance)?;
    run_start(&instance)?;
    Ok(instance)
}

/// Step 1: the module belongs to the store's engine, every import to the store, and every
/// import has the declared type.
fn check_imports(store: &Store, module: &Module, imports: &[Option<Extern>]) -> Result<(), InstantiationError> {
    let info = &module.info;
    // The module's code was compiled for its engine's configuration (guard pages or explicit
    // bounds checks, features) and with its engine's type ids: it may only run in stores of
    // that engine.
    if !Arc::ptr_eq(&module.engine.0, &store.engine.0) {
        return Err(InstantiationError::Link(
            "module and store belong to different engines: a module can only be instantiated in a store of the engine that compiled it".into(),
        ));
    }
    for (i, ext) in imports.iter().take(info.imports.len()).enumerate() {
        if let Some(ext) = ext {
            if ext.store_id() != store.id {
                let import = &info.imports[i];
                return Err(InstantiationError::Link(format!(
                    "import {} \"{}\" \"{}\" belongs to another store: objects of one store cannot be imported into another",
                    i, import.module, import.name
                )));
            }
        }
    }
    for i in 0..info.imports.len() {
        check_import(module, i, imports.get(i).and_then(|e| e.as_ref())).map_err(InstantiationError::Link)?;
    }
    Ok(())
}

/// Step 2: the instance's own memories, tables and globals (charged to the store), and its
/// zeroed vmctx.
fn allocate(
    store: &Store,
    module: &Module,
    imports: &[Option<Extern>],
) -> Result<Arc<WasmInstance>, InstantiationError> {
    let info = &module.info;
    let charge = super::resources::Charge::new(&store.account, super::resources::Resource::Instances, 1)
        .map_err(InstantiationError::Resource)?;
    let mut memories = Vec::with_capacity(info.memories.len());
    let mut tables = Vec::with_capacity(info.tables.len());
    let mut globals = Vec::with_capacity(info.globals.len());
    let mut imported_funcs = Vec::with_capacity(info.num_imported_funcs as usize);
    let mut tags = Vec::with_capacity(info.tags.len());
    let mut imported_owners = ImportedOwners::default();
    for ext in imports.iter().take(info.imports.len()).flatten() {
        match ext {
            Extern::Func(f) => imported_funcs.push(f.clone()),
            Extern::Global(g) => {
                globals.push(g.global.clone());
                imported_owners.globals.push(g.owner.clone());
            }
            Extern::Table(t) => {
                tables.push(t.table.clone());
                imported_owners.tables.push(t.owner.clone());
            }
            Extern::Memory(m) => memories.push(m.clone()),
            Extern::Tag(t) => tags.push(t.clone()),
        }
    }
    for i in info.num_imported_tags..info.tags.len() as u32 {
        let export = info.exports.iter().find(|e| e.kind == ExportKind::Tag && e.index == i);
        let name = match export {
            Some(e) => format!("{:?}", e.name),
            None => format!("index {i}"),
        };
        let type_index = info.tags[i as usize];
        let ty = module.canonical_types[type_index as usize].clone();
        tags.push(WasmTag::new(store.id, ty, module.type_ref(type_index), name));
    }
    let config = store.engine.config();
    for ty in &info.memories[info.num_imported_memories as usize..] {
        let mut m = LinearMemory::new(*ty, !config.explicit_bounds_checks, config.huge_pages, config.max_memory_pages)
            .map_err(InstantiationError::Resource)?;
        m.attach(store).map_err(InstantiationError::Resource)?;
        memories.push(Arc::new(m));
    }
    for ty in &info.tables[info.num_imported_tables as usize..] {
        // Canonical element types: tables may be shared with other modules and the host.
        let ty = TableType { element: module.canonical_valtype(ty.element), ..*ty };
        let mut t = WasmTable::new(ty, 0).map_err(InstantiationError::Resource)?;
        t.attach(store).map_err(InstantiationError::Resource)?;
        let t = Arc::new(t);
        store.gc_heap.lock().unwrap_or_else(|e| e.into_inner()).register_table(&t);
        tables.push(t);
    }
    for g in &info.globals[info.num_imported_globals as usize..] {
        let g = GlobalType { content: module.canonical_valtype(g.content), ..*g };
        let mut global = WasmGlobal::new(g, VMVal::default());
        global.store_id = store.id;
        let global = Arc::new(global);
        store.gc_heap.lock().unwrap_or_else(|e| e.into_inner()).register_global(&global);
        globals.push(global);
    }

    let offsets = &module.offsets;
    // SAFETY: the layout has a non-zero size (the header alone is) and a valid alignment.
    let vmctx = unsafe { std::alloc::alloc_zeroed(vmctx_layout(offsets.size)) };
    if vmctx.is_null() {
        return Err(InstantiationError::Resource("out of memory allocating an instance".into()));
    }
    let instance = Arc::new(WasmInstance {
        module: module.clone(),
        store: store.clone(),
        vmctx,
        memories,
        tables,
        globals,
        imported_funcs,
        tags,
        imported_owners,
        elements: UnsafeCell::new(Vec::new()),
        dropped_data: UnsafeCell::new(vec![false; info.data.len()]),
        host_info: HostInfo::default(),
        func_host_info: Mutex::new(HashMap::new()),
        _charge: charge,
    });
    Ok(instance)
}

/// Step 3: the vmctx header and the pointers to memories, tables, globals and functions.
fn init_vmctx(instance: &Arc<WasmInstance>) {
    let module = &instance.module;
    let info = &module.info;
    let vmctx = instance.vmctx;
    let offsets = &module.offsets;
    let store = &instance.store;
    // SAFETY: `vmctx` is a fresh zeroed allocation of `offsets.size` bytes, 16-byte aligned,
    // owned by `instance` and not yet reachable by any code; every offset written below lies
    // inside it (VMOffsets computed the layout from the same module).
    unsafe {
        let header = vmctx as *mut VMContextHeader;
        (*header).magic = VMCTX_MAGIC;
        (*header).instance = Arc::as_ptr(instance) as *const u8;
        (*header).limits = store.limits();
        (*header).epoch = (*store.limits()).epoch;
        (*header).builtins = &super::builtins::BUILTINS;
        (*header).type_ids = module.type_ids.as_ptr();
        (*header).tiering_budgets = module.lazy.as_ref().map_or(std::ptr::null_mut(), |l| l.budgets_ptr());
        for (i, m) in instance.memories.iter().enumerate() {
            *(vmctx.add(offsets.memory_ptr(i as u32) as usize) as *mut *mut VMMemory) = m.vm();
        }
        for (i, t) in instance.tables.iter().enumerate() {
            *(vmctx.add(offsets.table_ptr(i as u32) as usize) as *mut *mut VMTable) = t.vm();
        }
        for (i, g) in instance.globals.iter().enumerate() {
            *(vmctx.add(offsets.global_ptr(i as u32) as usize) as *mut *mut VMVal) = g.vm();
        }
        for (i, t) in instance.tags.iter().enumerate() {
            *(vmctx.add(offsets.tag_ptr(i as u32) as usize) as *mut *const u8) = t.identity();
        }
        for (i, f) in instance.imported_funcs.iter().enumerate() {
            *(instance.funcref(i as u32) as *mut VMFuncRef) = *f.funcref();
        }
        for i in info.num_imported_funcs..info.functions.len() as u32 {
            *(instance.funcref(i) as *mut VMFuncRef) = VMFuncRef {
                code: module.function_code(i) as *const u8,
                vmctx,
                type_id: module.type_ids[info.functions[i as usize] as usize],
            };
        }
    }
}

/// Step 4: global initialisers, table initialisers, element segments and data segments, in
/// order; an out-of-bounds segment traps (earlier effects stay, as the spec requires).
fn run_initializers(instance: &Arc<WasmInstance>) -> Result<(), InstantiationError> {
    let instance = instance.clone();
    let info = &instance.module.info;
    // Globals, in order (an initialiser may read imported and earlier globals).
    for (i, init) in info.global_inits.iter().enumerate() {
        let v = eval_init(&instance, init)?;
        instance.globals[info.num_imported_globals as usize + i].set(v);
    }
    // Table initialisers of defined tables.
    for (i, init) in info.table_inits.iter().enumerate() {
        if let Some(init) = init {
            let v = eval_init(&instance, init)?.u64() as usize;
            let t = &instance.tables[info.num_imported_tables as usize + i];
            // SAFETY: instantiation runs on the store's thread; nothing else uses the new table.
            (unsafe { t.elements() }).fill(v);
        }
    }
    // Evaluate every element segment once; active ones are applied and then dropped.
    let evaluated: Vec<Option<Box<[usize]>>> = info
        .elements
        .iter()
        .map(|e| {
            let items: Box<[usize]> = match &e.items {
                ElementItems::Funcs(funcs) => funcs.iter().map(|f| instance.funcref(*f) as usize).collect(),
                ElementItems::Exprs(exprs) => {
                    exprs.iter().map(|x| eval_init(&instance, x).map(|v| v.u64() as usize)).collect::<Result<_, _>>()?
                }
            };
            Ok(match e.mode {
                ElementMode::Passive => Some(items),
                ElementMode::Active { .. } => Some(items),
                ElementMode::Declared => None,
            })
        })
        .collect::<Result<_, InstantiationError>>()?;
    // SAFETY: the instance is not shared yet beyond this thread; no other reference is live.
    *unsafe { instance.elements() } = evaluated;
    instance.store.gc_heap.lock().unwrap_or_else(|e| e.into_inner()).register_elements(&instance);
    for (i, e) in info.elements.iter().enumerate() {
        if let ElementMode::Active { table, offset } = &e.mode {
            let offset = eval_init(&instance, offset)?;
            let offset = if info.tables[*table as usize].table64 { offset.u64() } else { offset.u32() as u64 };
            // SAFETY: as above.
            let items = unsafe { instance.elements() }[i].take().unwrap_or_default();
            let t = &instance.tables[*table as usize];
            let end = offset.checked_add(items.len() as u64);
            if end.is_none_or(|end| end > t.len() as u64) {
                return Err(InstantiationError::Trap(TrapRecord::new(TrapKind::TableOutOfBounds.message())));
            }
            // SAFETY: on the store's thread, one access; `items` is a separate allocation.
            (unsafe { t.elements() })[offset as usize..offset as usize + items.len()].copy_from_slice(&items);
        }
    }
    for (i, d) in info.data.iter().enumerate() {
        if let DataMode::Active { memory, offset } = &d.mode {
            let offset = eval_init(&instance, offset)?;
            let offset = if info.memories[*memory as usize].memory64 { offset.u64() } else { offset.u32() as u64 };
            let bytes = &info.bytes[d.range.clone()];
            let m = &instance.memories[*memory as usize];
            // SAFETY: instantiation runs on the store's thread before any code of this instance;
            // the slice is used for this one copy.
            match unsafe { m.slice_mut(offset, bytes.len() as u64) } {
                Some(dst) => dst.copy_from_slice(bytes),
                None => return Err(InstantiationError::Trap(TrapRecord::new(TrapKind::MemoryOutOfBounds.message()))),
            }
            // SAFETY: on the store's thread, one access.
            (unsafe { instance.dropped_data() })[i] = true;
        }
    }
    Ok(())
}

/// Step 5: the start function, if any.
fn run_start(instance: &Arc<WasmInstance>) -> Result<(), InstantiationError> {
    let info = &instance.module.info;
    if let Some(start) = info.start {
        let f = instance.func(start);
        let n = f.ty().params.len().max(f.ty().results.len());
        let mut values = vec![VMVal::default(); n.max(1)];
        f.call_raw(&mut values).map_err(InstantiationError::Trap)?;
    }
    Ok(())
}

/// Evaluates a constant expression (validated, so the stack discipline holds). Fails only when
/// a struct or array cannot be allocated.
fn eval_const(instance: &WasmInstance, expr: &ConstExpr) -> Result<VMVal, String> {
    use super::gc_object;
    let mut stack: Vec<VMVal> = Vec::with_capacity(2);
    let type_id = |t: u32| instance.module.type_ids[t as usize];
    for op in &expr.0 {
        let v = match *op {
            ConstOp::RefI31 => VMVal::from_u64(gc_object::i31_bits(stack.pop().unwrap().u32() as i32) as u64),
            ConstOp::AnyConvertExtern | ConstOp::ExternConvertAny => stack.pop().unwrap(),
            ConstOp::StructNew(t) => {
                let n = instance.module.info.struct_fields(t).len();
                let fields = stack.split_off(stack.len() - n);
                VMVal::from_u64(gc_object::new_struct(&instance.store, type_id(t), &fields)? as u64)
            }
            ConstOp::StructNewDefault(t) => {
                let n = instance.module.info.struct_fields(t).len();
                VMVal::from_u64(gc_object::new_struct(&instance.store, type_id(t), &vec![VMVal::default(); n])? as u64)
            }
            ConstOp::ArrayNew(t) => {
                let len = stack.pop().unwrap().u32();
                let init = stack.pop().unwrap();
                let array = if init.0 == [0; 16] {
                    gc_object::new_zeroed_array(&instance.store, type_id(t), len)?
                } else {
                    gc_object::new_array(&instance.store, type_id(t), len, |_| init)?
                };
                VMVal::from_u64(array as u64)
            }
            ConstOp::ArrayNewDefault(t) => {
                let len = stack.pop().unwrap().u32();
                VMVal::from_u64(gc_object::new_zeroed_array(&instance.store, type_id(t), len)? as u64)
            }
            ConstOp::ArrayNewFixed(t, n) => {
                let items = stack.split_off(stack.len() - n as usize);
                VMVal::from_u64(gc_object::new_array(&instance.store, type_id(t), n, |i| items[i as usize])? as u64)
            }
            ConstOp::I32Const(v) => VMVal::from_u32(v as u32),
            ConstOp::I64Const(v) => VMVal::from_u64(v as u64),
            ConstOp::F32Const(b) => VMVal::from_u32(b),
            ConstOp::F64Const(b) => VMVal::from_u64(b),
            ConstOp::V128Const(b) => VMVal::from_u128(b),
            ConstOp::GlobalGet(g) => instance.globals[g as usize].get(),
            ConstOp::RefNull(_) => VMVal::default(),
            ConstOp::RefFunc(f) => VMVal::from_u64(instance.funcref(f) as u64),
            ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                let b = stack.pop().unwrap().u32();
                let a = stack.pop().unwrap().u32();
                VMVal::from_u32(match op {
                    ConstOp::I32Add => a.wrapping_add(b),
                    ConstOp::I32Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                })
            }
            ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                let b = stack.pop().unwrap().u64();
                let a = stack.pop().unwrap().u64();
                VMVal::from_u64(match op {
                    ConstOp::I64Add => a.wrapping_add(b),
                    ConstOp::I64Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                })
            }
        };
        stack.push(v);
    }
    Ok(stack.pop().unwrap_or_default())
}

/// `eval_const` at instantiation: an allocation failure traps.
fn eval_init(instance: &WasmInstance, expr: &ConstExpr) -> Result<VMVal, InstantiationError> {
    eval_const(instance, expr).map_err(|e| {
        InstantiationError::Trap(TrapRecord::new(format!("{}: {e}", TrapKind::AllocationFailed.message())))
    })
}
