//! Instances and host functions under the collector's care ("owners"): what function
//! references point into, once such references may sit where no handle follows them.
//!
//! A function reference (`*const VMFuncRef`) is a plain pointer into its owner: into an
//! instance's vmctx (its own functions, and the copies of the functions it imports) or into a
//! host function. Wasm may keep it in tables, globals, struct and array fields, exception
//! payloads and element segments, none of which holds the owner. So an owner whose references
//! may escape — an instance of a module that can pass function references around
//! (`CompiledModule::pins_instances`), or any function whose reference the host hands to wasm
//! (`capi::val::funcref_bits`) — is adopted by the store's heap: the heap holds it strongly and
//! each collection decides whether it is still reachable. Adopting an instance adopts the
//! instances and host functions it imports too (they are what its vmctx copies point at), so an
//! adopted owner only ever holds (by `Arc`) other adopted owners, tables and globals.
//!
//! Reachable means:
//! - held from outside: an `Arc` to the owner that is not the heap's and not one of another
//!   owner's import edges (an embedder handle, a call in progress, an instance that was not
//!   adopted). The heap counts those edges and subtracts them from the strong count (trial
//!   deletion, as CPython's cycle collector does), so owners holding each other — instance A's
//!   table holding B's function and B's holding A's, or A importing B — do not keep themselves
//!   alive;
//! - or reached by marking: a function reference in a root (a table or global held from outside,
//!   an exception, a root GC object) or in a reached table, global, element segment, GC object or
//!   exception marks the owner whose address range contains it; a marked instance marks its
//!   tables, globals, element segments and imported owners. Tables and globals that only
//!   adopted instances hold are roots no more: they are scanned when such an instance is marked.
//!
//! Exceptions are kept the same way (`keep_exception`): an exnref is the address of the
//! `ExnObject`, so exnrefs found in roots, tables, globals, fields and payloads mark the kept
//! exception, whose payload is then scanned; a kept exception a trap or handle holds is a root.
//!
//! Owners are freed only by collections that run with no activation of the store on the
//! thread (`StoreState::wasm_exits` empty: the host called `wasm_func_call`,
//! `wasm_instance_new` or `wasmlift_store_gc` from outside any callback). Wasm frames hold
//! function references in locals that no stack map describes, and a running function's own
//! instance may have lost every handle (a callback deleted them): in a nested collection every
//! owner, table and global is a root, as before owners existed. Quiescent collections need no
//! frame information at all, and a host that keeps one store and instantiates repeatedly calls
//! in from outside anyway.

use super::{mark, Garbage, GcHeap, GcKind, VMGcHeader, ARRAY_ELEMENTS_OFFSET};
use crate::abi::vmctx::VMFuncRef;
use crate::runtime::exception::ExnObject;
use crate::runtime::func::{Func, HostFunc};
use crate::runtime::global::WasmGlobal;
use crate::runtime::instance::WasmInstance;
use crate::runtime::table::WasmTable;
use crate::runtime::type_hash::TypeHashState;
use crate::types::{StorageType, ValType};
use std::collections::{HashMap, HashSet};
use std::ptr::NonNull;
use std::sync::Arc;

/// A collection is due once this many owners were adopted since the last one, or as many as
/// were alive after it if that is more (the set may double between collections).
pub const MIN_OWNER_BUDGET: usize = 256;

/// An instance or host function adopted by a store's heap.
#[derive(Clone)]
pub enum Owner {
    Instance(Arc<WasmInstance>),
    Host(Arc<HostFunc>),
}

impl Owner {
    /// The owner of `f`'s code and context (the defining instance of a wasm function).
    pub fn of_func(f: &Func) -> Owner {
        match f {
            Func::Wasm { instance, .. } => Owner::Instance(instance.clone()),
            Func::Host(h) => Owner::Host(h.clone()),
        }
    }

    /// Where function references into the owner lie: [start, end).
    fn range(&self) -> (usize, usize) {
        match self {
            Owner::Instance(i) => instance_range(i),
            Owner::Host(h) => host_range(h),
        }
    }

    fn strong_count(&self) -> usize {
        match self {
            Owner::Instance(i) => Arc::strong_count(i),
            Owner::Host(h) => Arc::strong_count(h),
        }
    }
}

fn instance_range(i: &WasmInstance) -> (usize, usize) {
    let start = i.vmctx() as usize;
    (start, start + i.module.offsets.size.max(16) as usize)
}

fn host_range(h: &HostFunc) -> (usize, usize) {
    let start = &h.funcref as *const VMFuncRef as usize;
    (start, start + std::mem::size_of::<VMFuncRef>())
}

/// The key (range start) of `f`'s owner.
fn func_key(f: &Func) -> usize {
    match f {
        Func::Wasm { instance, .. } => instance.vmctx() as usize,
        Func::Host(h) => host_range(h).0,
    }
}

/// Where a struct or array type keeps function or exception references (pointers into what
/// the heap keeps outside its objects).
enum FuncFields {
    /// Offsets of a struct's function- and exception-reference fields (possibly none).
    Struct(Box<[u32]>),
    /// An array whose elements are function or exception references.
    Array,
}

/// Whether values of `ty` are exception references.
fn is_exn_ref(ty: ValType) -> bool {
    matches!(ty, ValType::Ref(r) if r.heap.is_exn())
}

struct Entry {
    owner: Owner,
    marked: bool,
}

/// An exception the heap keeps (`StoreState::keep_exception`), by its exnref.
struct KeptException {
    exn: Arc<ExnObject>,
    marked: bool,
}

/// The owners a heap holds, by the start of their address range.
#[derive(Default)]
pub struct Owners {
    entries: HashMap<usize, Entry>,
    /// Exceptions thrown in the store or whose exnref entered wasm, by exnref: kept while
    /// reachable (exnrefs are pointers into them, like function references into owners).
    exceptions: HashMap<usize, KeptException>,
    adopted_since_gc: usize,
    /// 0 until the first collection sets it (read as `MIN_OWNER_BUDGET`).
    budget: usize,
    /// Set by the caller of a collection: no activation of the store is running, so unreachable
    /// owners may be freed.
    pub(super) may_free: bool,
    /// The current collection decided reachability for every owner (see `mark_reachable`).
    marking_complete: bool,
    /// The tables and globals (by address) that collection scanned: the others are held by
    /// unreachable owners only (see `sweep_owners`).
    scanned: HashSet<usize>,
    /// Function-reference fields of the struct and array types the heap learnt, by type id.
    /// Looked up for every object traced: the fast keyed hash (SipHash cost ~0.4 ms per
    /// collection of binary-trees).
    func_fields: HashMap<u32, FuncFields, TypeHashState>,
    freed_instances: u64,
    freed_host_functions: u64,
    /// The store's last handle is gone: nothing is adopted any more.
    released: bool,
}

/// What `GcHeap::owner_stats` reports.
#[derive(Clone, Copy, Debug, Default)]
pub struct OwnerStats {
    /// Adopted instances and host functions alive now.
    pub instances: u64,
    pub host_functions: u64,
    /// Exceptions kept now.
    pub exceptions: u64,
    /// How many of each collections have freed so far.
    pub freed_instances: u64,
    pub freed_host_functions: u64,
}

/// How many `Arc`s to each owner, table and global the adopted instances hold (by address).
#[derive(Default)]
struct HeldCounts {
    owners: HashMap<usize, usize>,
    tables: HashMap<usize, usize>,
    globals: HashMap<usize, usize>,
}

impl Owners {
    /// Pushes the function references held in the fields of object `base` (of type `type_id`,
    /// with `array_len` elements if an array) to `out`.
    ///
    /// # Safety
    /// `base` is a live struct or array object of type `type_id` of the heap owning `self`.
    pub(super) unsafe fn func_fields_of(&self, type_id: u32, base: usize, array_len: u32, out: &mut Vec<usize>) {
        match self.func_fields.get(&type_id) {
            Some(FuncFields::Struct(offsets)) => {
                for &off in offsets.iter() {
                    // SAFETY: the registry's layout of this type puts a function reference
                    // (8 bytes) at `off`, inside the object (the caller's obligation).
                    out.push(unsafe { *((base + off as usize) as *const usize) });
                }
            }
            Some(FuncFields::Array) => {
                let elements = (base + ARRAY_ELEMENTS_OFFSET as usize) as *const usize;
                for i in 0..array_len as usize {
                    // SAFETY: an array of function references has `array_len` 8-byte elements.
                    out.push(unsafe { *elements.add(i) });
                }
            }
            None => {}
        }
    }

    /// Learns where the types in `held` keep function references (types the heap took from
    /// the registry; layouts given directly, in tests, have none).
    fn learn_func_fields(&mut self, held: &[crate::runtime::type_registry::TypeRef]) {
        for t in held {
            let id = t.id();
            if self.func_fields.contains_key(&id) {
                continue;
            }
            let Some(layout) = crate::runtime::type_registry::gc_layout(id) else { continue };
            let is_func = |f: &crate::types::FieldType| matches!(f.storage, StorageType::Val(v) if v.is_func_ref() || is_exn_ref(v));
            let fields = match (layout.kind, layout.element) {
                (GcKind::Array, Some(element)) if is_func(&element) => FuncFields::Array,
                (GcKind::Array, _) => FuncFields::Struct(Box::new([])),
                _ => FuncFields::Struct(layout.fields.iter().filter(|(_, f)| is_func(f)).map(|(o, _)| *o).collect()),
            };
            self.func_fields.insert(id, fields);
        }
    }

    /// The owners' address ranges, sorted (for `owner_at`).
    fn index(&self) -> Option<Vec<(usize, usize)>> {
        let mut ranges = Vec::new();
        ranges.try_reserve_exact(self.entries.len()).ok()?;
        ranges.extend(self.entries.values().map(|e| e.owner.range()));
        ranges.sort_unstable();
        Some(ranges)
    }

    fn held_counts(&self) -> HeldCounts {
        let mut held = HeldCounts::default();
        for e in self.entries.values() {
            let Owner::Instance(i) = &e.owner else { continue };
            for t in &i.tables {
                *held.tables.entry(Arc::as_ptr(t) as usize).or_default() += 1;
            }
            for g in &i.globals {
                *held.globals.entry(Arc::as_ptr(g) as usize).or_default() += 1;
            }
            for f in &i.imported_funcs {
                *held.owners.entry(func_key(f)).or_default() += 1;
            }
            for o in i.imported_owner_instances() {
                *held.owners.entry(o.vmctx() as usize).or_default() += 1;
            }
        }
        held
    }

    /// Marks the owner with key `key` (if adopted and not yet marked) and queues it.
    fn mark(&mut self, key: usize, queue: &mut Vec<usize>) {
        if let Some(e) = self.entries.get_mut(&key) {
            if !e.marked {
                e.marked = true;
                queue.push(key);
            }
        }
    }
}

/// The key of the owner whose range contains `p`, if any.
fn owner_at(index: &[(usize, usize)], p: usize) -> Option<usize> {
    let i = index.partition_point(|&(start, _)| start <= p);
    let (start, end) = *index.get(i.checked_sub(1)?)?;
    (p < end).then_some(start)
}

/// Marks what a reference value of type `ty` read from a table, global, segment or payload
/// refers to: a GC object directly, a function or exception reference through `funcrefs`
/// (resolved against the owners' ranges and the kept exceptions).
///
/// # Safety
/// `bits` is a value of type `ty` of the store being collected (a GC reference null, an i31 or
/// a live object of its heap).
unsafe fn mark_value(bits: usize, ty: ValType, worklist: &mut Vec<NonNull<VMGcHeader>>, funcrefs: &mut Vec<usize>) {
    if ty.is_func_ref() || is_exn_ref(ty) {
        funcrefs.push(bits);
    } else if ty.is_gc_ref() {
        // SAFETY: the caller's obligation.
        unsafe { mark(bits, worklist) };
    }
}

/// Marks the contents of table `t`.
fn scan_table(t: &WasmTable, worklist: &mut Vec<NonNull<VMGcHeader>>, funcrefs: &mut Vec<usize>) {
    let ty = t.element_type();
    if !matches!(ty, ValType::Ref(_)) {
        return;
    }
    // SAFETY: the table's definition is live while the caller holds it; no table operation runs
    // during a collection (none collects), so `base..base+length` are its elements, each a value
    // of the table's type of this store.
    unsafe {
        let def = &*t.vm();
        for i in 0..def.length as usize {
            mark_value(*def.base.add(i), ty, worklist, funcrefs);
        }
    }
}

/// Marks the value of global `g`.
fn scan_global(g: &WasmGlobal, worklist: &mut Vec<NonNull<VMGcHeader>>, funcrefs: &mut Vec<usize>) {
    // SAFETY: a global of this store holds a value of its type (everything that writes it
    // converts through this store).
    unsafe { mark_value(g.get().u64() as usize, g.ty.content, worklist, funcrefs) };
}

/// Marks the payload of exception `e`.
fn scan_exception(e: &ExnObject, worklist: &mut Vec<NonNull<VMGcHeader>>, funcrefs: &mut Vec<usize>) {
    for (slot, ty) in e.payload().iter().zip(e.tag.ty.params.iter()) {
        // SAFETY: a payload slot of its tag's type of this store's exception.
        unsafe { mark_value(slot.u64() as usize, *ty, worklist, funcrefs) };
    }
}

/// Marks the items of `inst`'s element segments.
fn scan_segments(inst: &WasmInstance, worklist: &mut Vec<NonNull<VMGcHeader>>, funcrefs: &mut Vec<usize>) {
    // SAFETY: a collection runs on the store's thread while no builtin holds the segments (they
    // are read only outside allocations), so this is the one access.
    let segments = unsafe { inst.elements() };
    for (segment, e) in segments.iter().zip(inst.module.info.elements.iter()) {
        if let Some(items) = segment {
            for &bits in items.iter() {
                // SAFETY: an evaluated item of the segment's type of this store's instance.
                unsafe { mark_value(bits, e.ty, worklist, funcrefs) };
            }
        }
    }
}

impl GcHeap {
    /// Puts `owner` (and, for an instance, the owners it imports) under the collector's care.
    /// Never collects. Fails when the store is being deleted or memory is short.
    pub fn adopt(&mut self, owner: Owner) -> Result<(), String> {
        if self.owners.released {
            return Err("the store is being deleted".into());
        }
        let mut pending = vec![owner];
        while let Some(owner) = pending.pop() {
            let key = owner.range().0;
            if self.owners.entries.contains_key(&key) {
                // Already adopted, with its imports.
                continue;
            }
            self.owners.entries.try_reserve(1).map_err(|_| "out of memory adopting an instance".to_string())?;
            if let Owner::Instance(i) = &owner {
                pending.extend(i.imported_funcs.iter().map(Owner::of_func));
                pending.extend(i.imported_owner_instances().map(|o| Owner::Instance(o.clone())));
            }
            self.owners.entries.insert(key, Entry { owner, marked: false });
            self.owners.adopted_since_gc += 1;
        }
        Ok(())
    }

    /// Keeps `exn` while it is reachable (see `StoreState::keep_exception`).
    pub fn keep_exception(&mut self, exn: Arc<ExnObject>) {
        let key = exn.exnref();
        if let std::collections::hash_map::Entry::Vacant(v) = self.owners.exceptions.entry(key) {
            v.insert(KeptException { exn, marked: false });
            // Counted like adopted owners: a collection is due after as many.
            self.owners.adopted_since_gc += 1;
        }
    }

    /// Stops keeping the exception `exnref` (a `catch` took it and no exnref to it was ever a
    /// value); returns it, to be dropped after the lock.
    pub fn release_exception(&mut self, exnref: usize) -> Option<Arc<ExnObject>> {
        self.owners.exceptions.remove(&exnref).map(|k| k.exn)
    }

    pub fn owner_stats(&self) -> OwnerStats {
        let instances = self.owners.entries.values().filter(|e| matches!(e.owner, Owner::Instance(_))).count() as u64;
        OwnerStats {
            instances,
            host_functions: self.owners.entries.len() as u64 - instances,
            exceptions: self.owners.exceptions.len() as u64,
            freed_instances: self.owners.freed_instances,
            freed_host_functions: self.owners.freed_host_functions,
        }
    }

    /// Whether enough owners were adopted since the last collection to collect again.
    pub(super) fn owners_need_collection(&self) -> bool {
        self.owners.adopted_since_gc >= self.owners.budget.max(MIN_OWNER_BUDGET)
    }

    /// The store's last handle is gone: hands every owner back, to be dropped after the lock
    /// (they hold the store; dropping them may run embedder finalizers).
    pub fn release_owners(&mut self) -> Vec<Owner> {
        self.owners.released = true;
        self.owners.entries.drain().map(|(_, e)| e.owner).collect()
    }

    /// Marks every GC object and owner reachable from the roots: `stack_roots` (references in
    /// wasm frames), handle-rooted objects, and the registered globals, tables, exceptions and
    /// element segments — all of them in a nested collection, only those held from outside the
    /// adopted owners in a quiescent one (see the module's comment), which also finds out which
    /// owners are reachable. The registered objects scanned go to `garbage` (dropped after the
    /// lock).
    pub(super) fn mark_reachable(&mut self, stack_roots: &[usize], garbage: &mut Garbage) {
        let mut worklist: Vec<NonNull<VMGcHeader>> = Vec::new();
        let mut funcrefs: Vec<usize> = Vec::new();
        for &bits in stack_roots {
            // SAFETY: stack-map slots of live frames hold references of this store: null, i31
            // or live objects of this heap.
            unsafe { mark(bits, &mut worklist) };
        }
        self.mark_handle_roots(&mut worklist);
        self.owners.learn_func_fields(&self.type_holds);
        // Owners are judged only in a quiescent collection that could index them; otherwise
        // every owner and everything registered is a root.
        let index = if self.owners.may_free { self.owners.index() } else { None };
        self.owners.marking_complete = index.is_some();
        let held = index.as_ref().map(|_| self.owners.held_counts()).unwrap_or_default();
        let mut queue: Vec<usize> = Vec::new();
        if index.is_some() {
            // Before anything below takes a count of its own: owners held from outside.
            let roots: Vec<usize> = self
                .owners
                .entries
                .iter()
                .filter(|(key, e)| e.owner.strong_count() > 1 + held.owners.get(key).copied().unwrap_or(0))
                .map(|(key, _)| *key)
                .collect();
            for key in roots {
                self.owners.mark(key, &mut queue);
            }
        }
        // Kept exceptions: in a quiescent collection, the ones a trap or handle holds (every
        // other holder is the heap); otherwise all of them.
        let mut exn_queue: Vec<usize> = Vec::new();
        for (key, k) in self.owners.exceptions.iter_mut() {
            if index.is_none() || Arc::strong_count(&k.exn) > 1 {
                k.marked = true;
                exn_queue.push(*key);
            }
        }
        let judging = index.is_some();
        let held_from_outside =
            |strong: usize, internal: Option<&usize>| !judging || strong > internal.copied().unwrap_or(0);
        let mut scanned: HashSet<usize> = HashSet::new();
        self.globals.retain(|g| g.strong_count() > 0);
        for g in &self.globals {
            if !held_from_outside(g.strong_count(), held.globals.get(&(g.as_ptr() as usize))) {
                continue;
            }
            let Some(g) = g.upgrade() else { continue };
            scanned.insert(Arc::as_ptr(&g) as usize);
            scan_global(&g, &mut worklist, &mut funcrefs);
            garbage.globals.push(g);
        }
        self.tables.retain(|t| t.strong_count() > 0);
        for t in &self.tables {
            if !held_from_outside(t.strong_count(), held.tables.get(&(t.as_ptr() as usize))) {
                continue;
            }
            let Some(t) = t.upgrade() else { continue };
            scanned.insert(Arc::as_ptr(&t) as usize);
            scan_table(&t, &mut worklist, &mut funcrefs);
            garbage.tables.push(t);
        }
        // Registered exceptions the heap does not keep are held by traps or handles: roots.
        // (Kept ones were judged above.)
        self.exceptions.retain(|e| e.strong_count() > 0);
        for e in &self.exceptions {
            if self.owners.exceptions.contains_key(&(e.as_ptr() as usize)) {
                continue;
            }
            let Some(e) = e.upgrade() else { continue };
            scan_exception(&e, &mut worklist, &mut funcrefs);
            garbage.exceptions.push(e);
        }
        self.instances.retain(|i| i.strong_count() > 0);
        for inst in &self.instances {
            let Some(inst) = inst.upgrade() else { continue };
            if judging && self.owners.entries.contains_key(&(inst.vmctx() as usize)) {
                // Adopted: its segments are scanned if it is marked.
                continue;
            }
            scan_segments(&inst, &mut worklist, &mut funcrefs);
            garbage.instances.push(inst);
        }
        let empty_index = Vec::new();
        let index_or_empty = index.as_ref().unwrap_or(&empty_index);
        loop {
            self.trace(&mut worklist, &mut funcrefs);
            for p in funcrefs.drain(..) {
                if let Some(key) = owner_at(index_or_empty, p) {
                    self.owners.mark(key, &mut queue);
                } else if let Some(k) = self.owners.exceptions.get_mut(&p) {
                    if !k.marked {
                        k.marked = true;
                        exn_queue.push(p);
                    }
                }
            }
            if let Some(p) = exn_queue.pop() {
                if let Some(k) = self.owners.exceptions.get(&p) {
                    let exn = k.exn.clone();
                    scan_exception(&exn, &mut worklist, &mut funcrefs);
                }
                continue;
            }
            if index.is_none() {
                // Every owner is a root (and everything it holds is registered, so scanned).
                break;
            }
            let Some(key) = queue.pop() else { break };
            let Some(Owner::Instance(inst)) = self.owners.entries.get(&key).map(|e| e.owner.clone()) else { continue };
            for t in &inst.tables {
                if scanned.insert(Arc::as_ptr(t) as usize) {
                    scan_table(t, &mut worklist, &mut funcrefs);
                }
            }
            for g in &inst.globals {
                if scanned.insert(Arc::as_ptr(g) as usize) {
                    scan_global(g, &mut worklist, &mut funcrefs);
                }
            }
            scan_segments(&inst, &mut worklist, &mut funcrefs);
            for f in &inst.imported_funcs {
                self.owners.mark(func_key(f), &mut queue);
            }
            for o in inst.imported_owner_instances() {
                self.owners.mark(o.vmctx() as usize, &mut queue);
            }
        }
        self.owners.scanned = scanned;
    }

    /// After a quiescent collection's marking: hands the unmarked owners to `garbage` and clears
    /// the marks of the others.
    pub(super) fn sweep_owners(&mut self, garbage: &mut Garbage) {
        let owners = &mut self.owners;
        owners.adopted_since_gc = 0;
        if !std::mem::take(&mut owners.marking_complete) {
            for k in owners.exceptions.values_mut() {
                k.marked = false;
            }
            return;
        }
        // Unreachable exceptions leave the heap, and its registry too: their payloads refer to
        // objects just swept, and until they are dropped (after the lock) a collection started
        // by a finalizer meanwhile must not scan them.
        let dead: Vec<usize> = owners.exceptions.iter().filter(|(_, k)| !k.marked).map(|(p, _)| *p).collect();
        if !dead.is_empty() {
            let dead_set: HashSet<usize> = dead.iter().copied().collect();
            self.exceptions.retain(|e| !dead_set.contains(&(e.as_ptr() as usize)));
            for p in dead {
                if let Some(k) = owners.exceptions.remove(&p) {
                    k.exn.unmark_kept();
                    garbage.exceptions.push(k.exn);
                }
            }
        }
        for k in owners.exceptions.values_mut() {
            k.marked = false;
        }
        let scanned = std::mem::take(&mut owners.scanned);
        let dead: Vec<usize> = owners.entries.iter().filter(|(_, e)| !e.marked).map(|(k, _)| *k).collect();
        for key in dead {
            if let Some(e) = owners.entries.remove(&key) {
                if let Owner::Instance(i) = &e.owner {
                    forget_contents(i, &scanned);
                }
                match e.owner {
                    Owner::Instance(_) => owners.freed_instances += 1,
                    Owner::Host(_) => owners.freed_host_functions += 1,
                }
                garbage.owners.push(e.owner);
            }
        }
        for e in owners.entries.values_mut() {
            e.marked = false;
        }
        owners.budget = owners.entries.len() + owners.exceptions.len();
    }
}

/// Empties what only unreachable owners hold — `inst`'s tables and globals this collection did
/// not scan, and its element segments — before the owners are dropped after the lock: the
/// objects they refer to were just swept, and until `inst` is gone a collection started by a
/// finalizer meanwhile (of an owner dropped before it) would see them as held from outside
/// (`inst` is no longer adopted) and scan them. Nothing else reads them: every holder of such a
/// table or global is an unreachable owner, whose code no frame runs (a quiescent collection)
/// and no handle reaches.
fn forget_contents(inst: &WasmInstance, scanned: &HashSet<usize>) {
    for t in &inst.tables {
        if !scanned.contains(&(Arc::as_ptr(t) as usize)) {
            // SAFETY: one access on the store's thread during a collection (no table operation
            // runs; see above, nothing will read the table again).
            unsafe { t.elements() }.fill(0);
        }
    }
    for g in &inst.globals {
        if !scanned.contains(&(Arc::as_ptr(g) as usize)) {
            g.set(crate::abi::vmctx::VMVal::default());
        }
    }
    // SAFETY: as in `scan_segments`; the instance's code runs no more.
    for segment in unsafe { inst.elements() }.iter_mut() {
        *segment = None;
    }
}

#[cfg(test)]
mod tests {
    use super::owner_at;

    #[test]
    fn owner_ranges_are_found_by_any_address_inside() {
        let index = [(100, 116), (200, 300), (300, 310)];
        assert_eq!(owner_at(&index, 99), None);
        assert_eq!(owner_at(&index, 100), Some(100));
        assert_eq!(owner_at(&index, 115), Some(100));
        assert_eq!(owner_at(&index, 116), None);
        assert_eq!(owner_at(&index, 299), Some(200));
        assert_eq!(owner_at(&index, 300), Some(300));
        assert_eq!(owner_at(&index, 310), None);
        assert_eq!(owner_at(&[], 5), None);
    }
}
