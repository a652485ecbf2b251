//! A store's GC heap and its precise, non-moving mark-sweep collector.
//!
//! Objects (structs, arrays, and host objects: what entered wasm as an externref) are zeroed,
//! 8-aligned, with a `VMGcHeader` (abi/gc.rs), kept in the heap's `ObjectSpace` (gc_space.rs:
//! size classes in chunks, large objects apart). Every byte the space takes from the system is
//! charged to the store's account (`Resource::GcHeapBytes`), so the embedder's limit bounds
//! the heap and allocation past it fails (compiled code traps) instead of exhausting the host.
//!
//! Collection marks from the roots with an explicit worklist (never recursion: a guest can build
//! a chain of millions of objects) and frees every unmarked object. The roots are:
//! - the live references of every wasm frame of the store's activations on this thread, found
//!   through Cranelift's user stack maps at the call each frame is stopped at (see `WasmExit`);
//! - the globals, tables and exception payloads of GC or function reference type of the store
//!   (weak registries: a dead global or table roots nothing; in a collection with no activation
//!   of the store running, one that only adopted instances hold is reached through them);
//! - embedder handles to struct/array objects (`GcRef`), counted in the header's `gc_word`;
//! - the instances and host functions the heap adopted that are held from outside; function
//!   references mark their owners, which mark what they hold (owners.rs, which also frees the
//!   unreachable ones).
//!
//! Host objects hold the embedder's `Object` (a foreign object, a function, ...); handles to
//! them hold that `Object`, not the heap object, so the heap object is only a box wasm's
//! references point at: collecting it while the embedder still holds the `Object` is harmless,
//! and the same `Object` entering wasm again gets the same box while the box lives (`host_objects`).
//!
//! When a collection may run (the invariant everything else relies on): only where no raw,
//! unrooted reference is held outside the roots above — at `collect_if_needed`/`collect` calls
//! made (1) by the host with no wasm of the store running below except frames stopped at a call
//! into the host (`wasm_func_call` before converting its arguments, `wasm_instance_new`,
//! `wasmlift_store_gc`), (2) by
//! a host function's adapter after its arguments became handles and before its callback runs,
//! and (3) by allocation builtins called from compiled code (`alloc_from_wasm`). Conversions of
//! host values into references (`externref_bits`) allocate but never collect.

mod owners;
pub use owners::{Owner, OwnerStats};

use super::exception::ExnObject;
use super::gc_space::ObjectSpace;
use super::global::WasmGlobal;
use super::host_info::HostInfo;
use super::instance::WasmInstance;
use super::object::Object;
use super::resources::{Account, Resource};
use super::store::{Store, StoreState};
use super::table::WasmTable;
use crate::abi::gc::{GcKind, VMGcHeader, ARRAY_ELEMENTS_OFFSET, HEADER_SIZE, HOST_TYPE_ID, I31_TAG};
use crate::types::ValType;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ptr::NonNull;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

/// `gc_bits`: reached in the current collection.
const MARKED: u8 = 1;
/// `gc_bits`: a host object whose `Object` was already taken out (`GcHeap::release`).
const EMPTIED: u8 = 2;
/// `gc_bits`: a struct/array object in `GcHeap::handle_rooted`.
const LISTED: u8 = 4;

/// A collection starts once this many bytes were allocated since the last one, or as many as
/// were live after it if that is more (the heap may double between collections).
pub const MIN_BUDGET: u64 = 1 << 20;

/// Where a host object keeps its `Object`.
const HOST_PAYLOAD_OFFSET: usize = HEADER_SIZE as usize;
/// The size of a host object.
const HOST_OBJECT_SIZE: u32 = HEADER_SIZE + std::mem::size_of::<Object>() as u32;

/// Whether values of `ty` may point into the GC heap: every reference type except function and
/// exception references, which live outside it.
pub fn is_gc_ref(ty: ValType) -> bool {
    ty.is_gc_ref()
}

/// Whether values of `ty` are references the collector follows: GC references, function
/// references (which lead to their owners) and exception references (to the exceptions the
/// heap keeps; see owners.rs) — every reference type.
fn holds_traced_refs(ty: ValType) -> bool {
    matches!(ty, ValType::Ref(_))
}

/// Which words of a struct or array object are references the collector follows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GcLayout {
    /// Offsets (from the header) of a struct's reference fields.
    Struct { ref_offsets: Box<[u32]> },
    /// An array; when `elements_are_refs`, every element is an 8-byte reference.
    Array { elements_are_refs: bool },
}

/// What a heap knows of a struct or array type.
struct TypeInfo {
    trace: GcLayout,
    kind: GcKind,
    /// A struct object's size, or an array's element size; 0 when not known (a layout given
    /// by `set_layout`: only `alloc` with an explicit size can make such objects).
    size: u32,
}

/// The hasher of the type-id map: one multiplication (ids are the registry's small indices,
/// not chosen by a guest).
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Counters of a heap's collections.
#[derive(Clone, Copy, Debug, Default)]
pub struct GcStats {
    pub collections: u64,
    pub freed_objects: u64,
    pub last_pause: Duration,
    pub max_pause: Duration,
    pub total_pause: Duration,
}

/// How many of the most recent pause times a heap keeps (`GcHeap::recent_pauses`).
pub const PAUSE_LOG_LEN: usize = 1024;

/// The pause times of a heap's most recent collections, in nanoseconds: a ring of at most
/// `PAUSE_LOG_LEN`, so that a benchmark can take the median (the stats keep only sums).
#[derive(Default)]
struct PauseLog {
    ns: Vec<u64>,
    /// Where the next pause goes once the ring is full (the oldest one).
    next: usize,
}

impl PauseLog {
    fn record(&mut self, pause: Duration) {
        let ns = u64::try_from(pause.as_nanos()).unwrap_or(u64::MAX);
        if self.ns.len() < PAUSE_LOG_LEN {
            // A pause not recorded for want of memory only leaves the log short.
            if self.ns.try_reserve(1).is_ok() {
                self.ns.push(ns);
            }
        } else {
            self.ns[self.next] = ns;
            self.next = (self.next + 1) % PAUSE_LOG_LEN;
        }
    }

    /// Oldest first.
    fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.ns[self.next..].iter().chain(&self.ns[..self.next]).copied()
    }
}

/// What a collection or release took out of the heap: dropped once the heap's lock is released,
/// because dropping may run embedder finalizers, which may call back into the store.
#[derive(Default)]
pub struct Garbage {
    objects: Vec<Object>,
    host_infos: Vec<HostInfo>,
    tables: Vec<Arc<WasmTable>>,
    instances: Vec<Arc<WasmInstance>>,
    globals: Vec<Arc<WasmGlobal>>,
    exceptions: Vec<Arc<ExnObject>>,
    /// Instances and host functions no longer reachable (see owners.rs).
    owners: Vec<Owner>,
}

pub struct GcHeap {
    account: Arc<Account>,
    /// Every object.
    space: ObjectSpace,
    /// Objects that had embedder handles (a `gc_word` count) since the last collection, each
    /// once (`LISTED`): the handle roots are among them, so a collection need not look at every
    /// object's header. When the list could not grow, `scan_for_handle_roots` says to look at
    /// every header (and list what is found) until every object with a count is listed.
    handle_rooted: Vec<NonNull<VMGcHeader>>,
    scan_for_handle_roots: bool,
    /// Live host objects by the identity of the `Object` they hold.
    host_objects: HashMap<usize, NonNull<VMGcHeader>>,
    /// Reference layouts and sizes of struct and array types, by canonical type id (looked up
    /// for every allocation and every traced object: a cheap hash).
    layouts: HashMap<u32, TypeInfo, BuildHasherDefault<IdHasher>>,
    /// The types of `layouts` learnt from the registry, held while the heap lives.
    type_holds: Vec<super::type_registry::TypeRef>,
    /// Host info set on struct/array/i31 references through the C API, by reference bits.
    host_infos: HashMap<usize, Box<HostInfo>>,
    globals: Vec<Weak<WasmGlobal>>,
    tables: Vec<Weak<WasmTable>>,
    /// Instances with element segments of GC reference type (their items are roots).
    instances: Vec<Weak<WasmInstance>>,
    exceptions: Vec<Weak<ExnObject>>,
    /// The store's last handle is gone: host objects no longer hold anything.
    released: bool,
    stats: GcStats,
    pauses: PauseLog,
    /// Instances and host functions whose function references may escape (see owners.rs).
    owners: owners::Owners,
}

// SAFETY: the heap owns its allocations exclusively; it is reached only through its store's
// lock, and the `Object`s in host objects are `Send` themselves.
unsafe impl Send for GcHeap {}

impl GcHeap {
    pub fn new(account: Arc<Account>) -> GcHeap {
        let mut space = ObjectSpace::new(account.clone());
        space.set_budget(MIN_BUDGET);
        GcHeap {
            space,
            account,
            handle_rooted: Vec::new(),
            scan_for_handle_roots: false,
            host_objects: HashMap::new(),
            layouts: HashMap::default(),
            type_holds: Vec::new(),
            host_infos: HashMap::new(),
            globals: Vec::new(),
            tables: Vec::new(),
            instances: Vec::new(),
            exceptions: Vec::new(),
            released: false,
            stats: GcStats::default(),
            pauses: PauseLog::default(),
            owners: owners::Owners::default(),
        }
    }

    /// A zeroed object of `size` bytes (header included, at least `HEADER_SIZE`) with its header
    /// set to `kind`, `type_id` and `array_len`. Fails with a message past the store's limit or
    /// when the system has no memory left, and for a struct or array type whose layout was not
    /// given (`set_layout`): the collector could not trace it. Never collects.
    pub fn alloc(
        &mut self,
        kind: GcKind,
        type_id: u32,
        array_len: u32,
        size: u32,
    ) -> Result<NonNull<VMGcHeader>, String> {
        if kind != GcKind::Host && !self.layouts.contains_key(&type_id) {
            self.learn_layout(type_id)?;
        }
        self.alloc_known(kind, type_id, array_len, size)
    }

    /// `alloc` of a host object or of a type whose layout the heap has.
    #[inline]
    fn alloc_known(
        &mut self,
        kind: GcKind,
        type_id: u32,
        array_len: u32,
        size: u32,
    ) -> Result<NonNull<VMGcHeader>, String> {
        let (object, _) = self.space.alloc(size)?;
        let header = VMGcHeader { type_id, kind: kind as u8, gc_bits: 0, reserved: 0, array_len, gc_word: 0 };
        // SAFETY: the space is fresh, zeroed, 8-aligned and at least a header long; its kind
        // becomes nonzero (a live object) here.
        unsafe { object.as_ptr().write(header) };
        Ok(object)
    }

    /// Takes the reference layout of struct or array type `type_id` from the type registry, and
    /// holds the type for the heap's lifetime: an object of it may outlive every module that
    /// declares it, and its id must not name another type while the collector traces it.
    /// The caller holds the type (the allocating instance's module does).
    fn learn_layout(&mut self, type_id: u32) -> Result<(), String> {
        let layout = super::type_registry::gc_layout(type_id)
            .ok_or_else(|| format!("no GC layout known for type id {type_id}"))?;
        let refs = |field: &crate::types::FieldType| matches!(field.storage, crate::types::StorageType::Val(v) if is_gc_ref(v));
        let trace = match (layout.kind, layout.element) {
            (GcKind::Array, Some(element)) => GcLayout::Array { elements_are_refs: refs(&element) },
            _ => GcLayout::Struct {
                ref_offsets: layout.fields.iter().filter(|(_, f)| refs(f)).map(|(offset, _)| *offset).collect(),
            },
        };
        let size = match layout.element {
            Some(element) => element.storage.size(),
            None => layout.size,
        };
        self.type_holds.try_reserve(1).map_err(|_| out_of_memory(0))?;
        self.layouts.try_reserve(1).map_err(|_| out_of_memory(0))?;
        self.type_holds.push(super::type_registry::TypeRef::hold(type_id));
        self.layouts.insert(type_id, TypeInfo { trace, kind: layout.kind, size });
        Ok(())
    }

    /// The kind, array length (0 for a struct) and byte size of an object of struct or array
    /// type `type_id` (`len` elements for an array), learning the type first if needed; fails
    /// for an array past `u32::MAX` bytes.
    pub fn object_shape(&mut self, type_id: u32, len: u32) -> Result<(GcKind, u32, u32), String> {
        let (kind, size) = match self.space.remembered(type_id) {
            Some(shape) => shape,
            None => {
                let info = match self.layouts.get(&type_id) {
                    Some(info) => info,
                    None => {
                        self.learn_layout(type_id)?;
                        &self.layouts[&type_id]
                    }
                };
                if info.size == 0 {
                    return Err(format!("no object size known for type id {type_id}"));
                }
                let shape = (info.kind, info.size);
                // The next allocations of this type may take `alloc_fast` (ids learnt stay
                // held, so never change meaning).
                self.space.remember_type(type_id, shape.0, shape.1);
                shape
            }
        };
        match kind {
            GcKind::Array => {
                let size = crate::abi::gc::array_size(size, len).ok_or_else(|| out_of_memory(u32::MAX))?;
                Ok((GcKind::Array, len, size))
            }
            kind => Ok((kind, 0, size)),
        }
    }

    /// Gives the reference layout of struct or array type `type_id` (canonical ids never
    /// change meaning, so a layout given once stays right).
    pub fn set_layout(&mut self, type_id: u32, layout: GcLayout) {
        let kind = match layout {
            GcLayout::Struct { .. } => GcKind::Struct,
            GcLayout::Array { .. } => GcKind::Array,
        };
        self.layouts.entry(type_id).or_insert(TypeInfo { trace: layout, kind, size: 0 });
    }

    pub fn has_layout(&self, type_id: u32) -> bool {
        self.layouts.contains_key(&type_id)
    }

    /// Bytes of live objects (with their size classes' rounding).
    pub fn bytes(&self) -> u64 {
        self.space.object_bytes()
    }

    /// Bytes the heap holds from the system (what the store's account is charged).
    pub fn reserved_bytes(&self) -> u64 {
        self.space.reserved_bytes()
    }

    /// Number of live objects.
    pub fn len(&self) -> usize {
        self.space.len()
    }

    pub fn is_empty(&self) -> bool {
        self.space.is_empty()
    }

    pub fn stats(&self) -> GcStats {
        self.stats
    }

    /// The pause times (ns) of the most recent collections, at most `PAUSE_LOG_LEN`, oldest
    /// first.
    pub fn recent_pauses(&self) -> impl Iterator<Item = u64> + '_ {
        self.pauses.iter()
    }

    /// Whether the next safepoint should collect: the allocation budget is spent, or the heap
    /// is within a quarter of the store's limit (and something was allocated since the last
    /// collection: otherwise it would find nothing new).
    pub fn needs_collection(&self) -> bool {
        if self.owners_need_collection() {
            return true;
        }
        if self.space.allocated() == 0 {
            return false;
        }
        let limit = self.account.limit(Resource::GcHeapBytes);
        self.space.allocated() >= self.space.budget() || self.space.reserved_bytes() >= limit - limit / 4
    }

    /// Registers the globals, tables and exceptions that may hold GC or function references:
    /// weakly, so that they root nothing once gone. (Held only by adopted instances, they are
    /// scanned through those instead: see owners.rs.)
    pub fn register_global(&mut self, global: &Arc<WasmGlobal>) {
        if holds_traced_refs(global.ty.content) {
            self.globals.push(Arc::downgrade(global));
        }
    }

    pub fn register_table(&mut self, table: &Arc<WasmTable>) {
        if holds_traced_refs(table.element_type()) {
            self.tables.push(Arc::downgrade(table));
        }
    }

    /// Roots the element segments of GC reference type of `instance` (what `array.new_elem`
    /// and `table.init` read; evaluated constant expressions may have allocated them).
    pub fn register_elements(&mut self, instance: &Arc<WasmInstance>) {
        if instance.module.info.elements.iter().any(|e| is_gc_ref(e.ty)) {
            self.instances.push(Arc::downgrade(instance));
        }
    }

    pub fn register_exception(&mut self, exn: &Arc<ExnObject>) {
        if exn.tag.ty.params.iter().any(|t| holds_traced_refs(*t)) {
            self.exceptions.push(Arc::downgrade(exn));
        }
    }

    /// The reference bits of a host object holding `obj` (the one already made for it while it
    /// lives). Never collects.
    pub fn host_object_bits(&mut self, obj: &Object) -> Result<usize, String> {
        if self.released {
            return Err("the store is being deleted".into());
        }
        let id = obj.identity();
        if let Some(existing) = self.host_objects.get(&id) {
            // SAFETY: a live host object of this heap (removed from the map when freed), whose
            // payload is an `Object` (not emptied: the heap is not released).
            if unsafe { host_payload(*existing) }.same(obj) {
                return Ok(existing.as_ptr() as usize);
            }
        }
        self.host_objects.try_reserve(1).map_err(|_| out_of_memory(HOST_OBJECT_SIZE))?;
        let object = self.alloc(GcKind::Host, HOST_TYPE_ID, 0, HOST_OBJECT_SIZE)?;
        // SAFETY: the object is fresh and `HOST_OBJECT_SIZE` long: its payload has room for an
        // `Object`, 8-aligned (objects are 8-aligned, the header is 16 bytes, `Object` needs 8).
        unsafe { object.as_ptr().cast::<u8>().add(HOST_PAYLOAD_OFFSET).cast::<Object>().write(obj.clone()) };
        self.host_objects.insert(id, object);
        Ok(object.as_ptr() as usize)
    }

    /// Adds a root for the struct/array object `bits` (an embedder handle to it).
    ///
    /// # Safety
    /// `bits` is a live struct/array object of this heap.
    unsafe fn root(&mut self, bits: usize) {
        // SAFETY: the caller's obligation; the heap's lock (our `&mut`) serialises the count.
        let header = unsafe { &mut *(bits as *mut VMGcHeader) };
        // Saturated: the object stays rooted for the heap's life (4 billion handles).
        header.gc_word = header.gc_word.saturating_add(1);
        if header.gc_bits & LISTED == 0 {
            if self.handle_rooted.try_reserve(1).is_ok() {
                header.gc_bits |= LISTED;
                // SAFETY: `bits` is a live object's address, so not null.
                self.handle_rooted.push(unsafe { NonNull::new_unchecked(bits as *mut VMGcHeader) });
            } else {
                self.scan_for_handle_roots = true;
            }
        }
    }

    /// Marks every object with embedder handles: the listed ones whose count is not 0 (the
    /// others leave the list), and when the list is incomplete, every object with a count
    /// (listing those it can: the list is complete again once all are listed).
    fn mark_handle_roots(&mut self, worklist: &mut Vec<NonNull<VMGcHeader>>) {
        self.handle_rooted.retain(|&object| {
            // SAFETY: a listed object is live: it leaves the list here, before any sweep can
            // free it, once its count is 0 (and while it is not 0, it is marked below).
            let header = unsafe { &mut *object.as_ptr() };
            if header.gc_word == 0 {
                header.gc_bits &= !LISTED;
                return false;
            }
            // SAFETY: as above.
            unsafe { mark(object.as_ptr() as usize, worklist) };
            true
        });
        if self.scan_for_handle_roots {
            let mut complete = true;
            let list = &mut self.handle_rooted;
            self.space.for_each(|object| {
                // SAFETY: a live object of this heap.
                let header = unsafe { &mut *object.as_ptr() };
                if header.gc_word == 0 {
                    return;
                }
                if header.gc_bits & LISTED == 0 {
                    if list.try_reserve(1).is_ok() {
                        header.gc_bits |= LISTED;
                        list.push(object);
                    } else {
                        complete = false;
                    }
                }
                // SAFETY: as above.
                unsafe { mark(object.as_ptr() as usize, worklist) };
            });
            self.scan_for_handle_roots = !complete;
        }
    }

    /// Takes back a root added by `root`.
    ///
    /// # Safety
    /// `bits` was rooted by `root` and not unrooted since (so it is live).
    unsafe fn unroot(&mut self, bits: usize) {
        // SAFETY: the caller's obligation.
        let header = unsafe { &mut *(bits as *mut VMGcHeader) };
        if header.gc_word != u32::MAX {
            header.gc_word -= 1;
        }
    }

    /// Marks from `stack_roots` (reference bits found in wasm frames) and every other root,
    /// then frees every unmarked object. Returns what must be dropped after the lock.
    fn collect(&mut self, stack_roots: &[usize], started: Instant) -> Garbage {
        let mut garbage = Garbage::default();
        self.mark_reachable(stack_roots, &mut garbage);
        self.sweep(&mut garbage);
        self.sweep_owners(&mut garbage);
        self.space.set_budget(MIN_BUDGET.max(self.space.object_bytes()));
        let pause = started.elapsed();
        self.stats.collections += 1;
        self.stats.last_pause = pause;
        self.stats.max_pause = self.stats.max_pause.max(pause);
        self.stats.total_pause += pause;
        self.pauses.record(pause);
        garbage
    }

    /// Marks everything reachable from the objects on `worklist`; the function references in
    /// their fields go to `funcrefs` (see `mark_reachable`).
    fn trace(&self, worklist: &mut Vec<NonNull<VMGcHeader>>, funcrefs: &mut Vec<usize>) {
        while let Some(object) = worklist.pop() {
            let p = object.as_ptr();
            // SAFETY: only live objects of this heap are pushed (see `mark`).
            let header = unsafe { *p };
            let base = p as usize;
            if header.kind == GcKind::Host as u8 {
                continue;
            }
            // SAFETY: a live struct or array object of this heap with this header.
            unsafe { self.owners.func_fields_of(header.type_id, base, header.array_len, funcrefs) };
            // `alloc` refuses struct and array types without a layout.
            match self.layouts.get(&header.type_id).map(|info| &info.trace) {
                Some(GcLayout::Struct { ref_offsets }) => {
                    for &off in ref_offsets.iter() {
                        // SAFETY: the layout's reference fields lie inside the object.
                        unsafe { mark(*((base + off as usize) as *const usize), worklist) };
                    }
                }
                Some(GcLayout::Array { elements_are_refs: true }) => {
                    let elements = (base + ARRAY_ELEMENTS_OFFSET as usize) as *const usize;
                    for i in 0..header.array_len as usize {
                        // SAFETY: an array of references has `array_len` 8-byte elements.
                        unsafe { mark(*elements.add(i), worklist) };
                    }
                }
                Some(GcLayout::Array { elements_are_refs: false }) | None => {}
            }
        }
    }

    /// Frees every unmarked object and clears the marks of the others.
    fn sweep(&mut self, garbage: &mut Garbage) {
        let host_objects = &mut self.host_objects;
        let host_infos = &mut self.host_infos;
        let keep = |object: NonNull<VMGcHeader>| {
            let p = object.as_ptr();
            // SAFETY: a live object of this heap.
            let header = unsafe { &mut *p };
            if header.gc_bits & MARKED != 0 {
                header.gc_bits &= !MARKED;
                return true;
            }
            if header.kind == GcKind::Host as u8 && header.gc_bits & EMPTIED == 0 {
                // SAFETY: a host object's payload is an `Object` (not emptied); it is read out
                // once, here, and the object freed by the space.
                let obj = unsafe { host_payload_take(object) };
                if host_objects.get(&obj.identity()) == Some(&object) {
                    host_objects.remove(&obj.identity());
                }
                garbage.objects.push(obj);
            }
            if !host_infos.is_empty() {
                if let Some(info) = host_infos.remove(&(p as usize)) {
                    garbage.host_infos.push(*info);
                }
            }
            false
        };
        // SAFETY: what `keep` refuses is unmarked: nothing reaches it any more.
        let (freed, _) = unsafe { self.space.sweep(keep) };
        self.stats.freed_objects += freed;
    }

    /// The store's last handle is gone: takes the `Object`s out of the host objects (they may
    /// hold the store itself, a cycle) and the host infos, to be dropped after the lock.
    pub fn release(&mut self) -> Garbage {
        let mut garbage = Garbage::default();
        self.released = true;
        self.host_objects.clear();
        self.space.for_each(|object| {
            // SAFETY: a live object of this heap.
            let header = unsafe { &mut *object.as_ptr() };
            if header.kind == GcKind::Host as u8 && header.gc_bits & EMPTIED == 0 {
                header.gc_bits |= EMPTIED;
                // SAFETY: a host object's payload is an `Object`, read out once (now EMPTIED).
                garbage.objects.push(unsafe { host_payload_take(object) });
            }
        });
        garbage.host_infos.extend(self.host_infos.drain().map(|(_, info)| *info));
        garbage
    }

    /// The host info of the struct/array/i31 reference `bits`, made on first use. The box stays
    /// put until the object is freed (an i31's until the heap goes).
    fn host_info(&mut self, bits: usize) -> *const HostInfo {
        &**self.host_infos.entry(bits).or_default()
    }
}

/// Marks the object `bits` refers to (if any) and queues it for tracing.
///
/// # Safety
/// `bits` is null, an i31 or a live object of the heap being collected.
#[inline]
unsafe fn mark(bits: usize, worklist: &mut Vec<NonNull<VMGcHeader>>) {
    if bits == 0 || bits as u64 & I31_TAG != 0 {
        return;
    }
    let p = bits as *mut VMGcHeader;
    // SAFETY: a live object (the caller's obligation).
    let header = unsafe { &mut *p };
    if header.gc_bits & MARKED == 0 {
        header.gc_bits |= MARKED;
        // SAFETY: `p` came from a non-null `bits`.
        worklist.push(unsafe { NonNull::new_unchecked(p) });
    }
}

/// The `Object` a host object holds.
///
/// # Safety
/// `object` is a live host object whose payload was not taken.
unsafe fn host_payload<'a>(object: NonNull<VMGcHeader>) -> &'a Object {
    // SAFETY: the caller's obligation; `host_object_bits` wrote an `Object` there.
    unsafe { &*object.as_ptr().cast::<u8>().add(HOST_PAYLOAD_OFFSET).cast::<Object>() }
}

/// Moves the `Object` out of a host object.
///
/// # Safety
/// As `host_payload`; the payload must not be read again.
unsafe fn host_payload_take(object: NonNull<VMGcHeader>) -> Object {
    // SAFETY: the caller's obligation.
    unsafe { object.as_ptr().cast::<u8>().add(HOST_PAYLOAD_OFFSET).cast::<Object>().read() }
}

fn out_of_memory(size: u32) -> String {
    format!("out of memory allocating a {size}-byte GC object")
}

impl Drop for GcHeap {
    fn drop(&mut self) {
        // The host objects' payloads not taken yet are dropped; the space frees the memory
        // (and refunds it) when it drops, after this.
        self.space.for_each(|object| {
            // SAFETY: a live object of this heap; nothing can reach the store's objects once
            // its state is gone, and each payload is taken once (then marked EMPTIED).
            unsafe {
                let header = &mut *object.as_ptr();
                if header.kind == GcKind::Host as u8 && header.gc_bits & EMPTIED == 0 {
                    header.gc_bits |= EMPTIED;
                    drop(host_payload_take(object));
                }
            }
        });
    }
}

// ---------------------------------------------------------------- roots in wasm frames

/// A call from wasm into the host that is still running: its frame pointer leads to the
/// calling wasm frames. Linked on the host-call frame, innermost first, per store
/// (`StoreState::wasm_exits`); every activation of the store on this thread below the innermost
/// one is stopped at such a call (that is how activations nest), and the innermost one too
/// when the collection runs inside a host function.
pub struct WasmExit {
    /// The frame pointer of the frame the wasm code called (a host trampoline, or a builtin's
    /// entry stub): the saved frame pointer and return address above it are the wasm caller's.
    fp: usize,
    prev: *const WasmExit,
}

impl WasmExit {
    pub fn new(fp: usize, store: &StoreState) -> WasmExit {
        WasmExit { fp, prev: store.wasm_exits.get() }
    }

    /// Links this exit; it must stay where it is until `end`.
    pub fn begin(&self, store: &StoreState) {
        store.wasm_exits.set(self);
    }

    /// Unlinks it (the call into the host returns).
    pub fn end(&self, store: &StoreState) {
        store.wasm_exits.set(self.prev);
    }
}

/// Appends the live references of every wasm frame of `store` on this thread to `roots`.
///
/// # Safety
/// Runs on the thread using the store, with every linked `WasmExit` a running host call whose
/// wasm callers are stopped at that call (compiled code keeps frame pointers).
unsafe fn stack_roots(store: &StoreState, roots: &mut Vec<usize>) {
    let mut exit = store.wasm_exits.get();
    while !exit.is_null() {
        // SAFETY: linked exits live on the frames of running host calls (the caller's
        // obligation), unlinked before those return.
        let e = unsafe { &*exit };
        let mut fp = e.fp;
        loop {
            if fp == 0 || fp % std::mem::align_of::<usize>() != 0 {
                break;
            }
            // SAFETY: `fp` is the frame pointer of a live frame (a host trampoline or a wasm
            // frame reached below), which saved its caller's frame pointer and return address.
            let (caller_fp, ret) = unsafe { (*(fp as *const usize), *((fp + 8) as *const usize)) };
            let in_wasm = super::code_registry::stack_map_at(ret, |frame_size, slots| {
                let sp = caller_fp - frame_size as usize;
                for &s in slots {
                    // SAFETY: the stack map of the call the caller is stopped at: these slots
                    // of its frame hold its live references.
                    roots.push(unsafe { *((sp + s as usize) as *const usize) });
                }
            });
            // Above the activation's outermost wasm frame is its entry trampoline.
            if !in_wasm || caller_fp <= fp {
                break;
            }
            fp = caller_fp;
        }
        exit = e.prev;
    }
}

/// Collects `store`'s heap now.
///
/// # Safety
/// Called at a safepoint of `store` (see the module's comment): on the thread using the store,
/// with no reference of the store held anywhere but the roots, and not while its heap is locked.
pub unsafe fn collect(store: &StoreState) {
    // SAFETY: the caller's obligation.
    unsafe { collect_with(store, &[]) }
}

/// `collect` with `extra_roots` (reference bits of the store) kept alive as well.
///
/// # Safety
/// As `collect`, except that the references in `extra_roots` may be held outside the roots.
unsafe fn collect_with(store: &StoreState, extra_roots: &[usize]) {
    if store.gc_forbidden.get() > 0 {
        return;
    }
    let started = Instant::now();
    let mut roots = extra_roots.to_vec();
    // SAFETY: the caller's obligation.
    unsafe { stack_roots(store, &mut roots) };
    let garbage = {
        let mut heap = lock(store);
        // Owners are freed only with no activation of the store running (see owners.rs).
        heap.owners.may_free = store.wasm_exits.get().is_null();
        let garbage = heap.collect(&roots, started);
        heap.owners.may_free = false;
        garbage
    };
    drop(garbage);
}

/// Forbids collections of a store while it lives: around conversions that hold reference bits
/// outside the roots (in a slot array) and may run embedder code meanwhile (a finalizer, when
/// deleting a handle, can call `wasmlift_store_gc` or even run wasm).
pub struct NoGc<'a>(&'a StoreState);

impl<'a> NoGc<'a> {
    pub fn new(store: &'a StoreState) -> NoGc<'a> {
        store.gc_forbidden.set(store.gc_forbidden.get() + 1);
        NoGc(store)
    }
}

impl Drop for NoGc<'_> {
    fn drop(&mut self) {
        self.0.gc_forbidden.set(self.0.gc_forbidden.get() - 1);
    }
}

/// Collects when the allocation budget is spent (see `GcHeap::needs_collection`).
///
/// # Safety
/// As `collect`.
pub unsafe fn collect_if_needed(store: &StoreState) {
    if lock(store).needs_collection() {
        // SAFETY: the caller's obligation.
        unsafe { collect(store) }
    }
}

/// An allocation made by compiled code through an allocation builtin: collects first when the
/// budget is spent, and once more before giving up when the heap is full. `exit_fp` is the
/// frame pointer the builtin's entry stub passed it (see `gc_builtin_stub!`): the collector
/// reaches the calling wasm frames through it.
///
/// `arg_roots` are the reference arguments the builtin still needs after the allocation (an
/// `array.new`'s initial value, a `struct.new`'s field values): the compiled caller may hold
/// them nowhere else, so they are roots of the collection.
///
/// # Safety
/// Called by a builtin entered from compiled code of `store` through a `gc_builtin_stub!`
/// stub, with that stub's `exit_fp`; the compiled caller holds every reference it still needs
/// in values declared with `declare_gc_ref`, and the builtin every one it needs in `arg_roots`
/// (each null, an i31 or a live object of the store).
pub unsafe fn alloc_from_wasm(
    store: &StoreState,
    exit_fp: usize,
    kind: GcKind,
    type_id: u32,
    array_len: u32,
    size: u32,
    arg_roots: &[usize],
) -> Result<NonNull<VMGcHeader>, String> {
    // SAFETY: the caller's obligation.
    unsafe { alloc_from_wasm_with(store, exit_fp, arg_roots, |heap| heap.alloc(kind, type_id, array_len, size)) }
}

/// `alloc_from_wasm` of an object of struct or array type `type_id` (`len` elements for an
/// array), its size from the heap's knowledge of the type: the `gc_alloc` builtin.
///
/// # Safety
/// As `alloc_from_wasm`.
pub unsafe fn alloc_type_from_wasm(
    store: &StoreState,
    exit_fp: usize,
    type_id: u32,
    len: u32,
) -> Result<NonNull<VMGcHeader>, String> {
    // SAFETY: the caller's obligation.
    // Without the heap's lock: a free cell for the type allocated last, within the budget. The
    // space's free lists are published in the store's limits by the heap's path below.
    // SAFETY: read on the store's thread (the caller runs wasm of the store).
    let lists = unsafe { (*store.limits()).gc_alloc }.cast::<super::gc_space::FreeLists>();
    if let Some(lists) = NonNull::new(lists) {
        // SAFETY: published by the store's heap, which lives as long as the store; used on the
        // store's thread while no method of the heap runs (this is not one of them).
        if let Some(object) = unsafe { super::gc_space::alloc_fast(lists, type_id, len) } {
            return Ok(object);
        }
    }
    let attempt = |heap: &mut GcHeap| {
        // SAFETY: the store's thread (as above); the space lives as long as the store.
        unsafe { (*store.limits()).gc_alloc = heap.space.free_lists().as_ptr().cast() };
        let (kind, len, size) = heap.object_shape(type_id, len)?;
        // `object_shape` learnt the type.
        heap.alloc_known(kind, type_id, len, size)
    };
    // SAFETY: the caller's obligation.
    unsafe { alloc_from_wasm_with(store, exit_fp, &[], attempt) }
}

/// The allocation of `alloc_from_wasm`, made by `attempt` under the heap's lock. Without a
/// collection due, it takes the heap's lock once and links nothing; otherwise the wasm caller
/// is linked for the collections.
///
/// # Safety
/// As `alloc_from_wasm`.
#[inline]
unsafe fn alloc_from_wasm_with(
    store: &StoreState,
    exit_fp: usize,
    arg_roots: &[usize],
    attempt: impl Fn(&mut GcHeap) -> Result<NonNull<VMGcHeader>, String>,
) -> Result<NonNull<VMGcHeader>, String> {
    let try_alloc = |heap: &mut GcHeap| attempt(heap);
    {
        let mut heap = lock(store);
        if !heap.needs_collection() {
            if let Ok(object) = try_alloc(&mut heap) {
                return Ok(object);
            }
        }
    }
    let exit = WasmExit::new(exit_fp, store);
    exit.begin(store);
    // SAFETY: the caller's obligation; the wasm caller is linked by `exit` until `end`.
    let result = unsafe {
        if lock(store).needs_collection() {
            collect_with(store, arg_roots);
        }
        // Bound first: a `match` on the call would hold the lock through its arms.
        let first = try_alloc(&mut lock(store));
        match first {
            Ok(object) => Ok(object),
            Err(_) => {
                collect_with(store, arg_roots);
                try_alloc(&mut lock(store))
            }
        }
    };
    exit.end(store);
    result
}

/// Defines `$stub`, the entry compiled code calls instead of the builtin `$target` when that
/// builtin may collect (an allocation): the stub gives itself a frame, passes its frame pointer
/// as `$target`'s sixth integer argument and calls it, so that the builtin can hand the
/// collector a way into its wasm caller (`alloc_from_wasm`). `$target` is an
/// `unsafe extern "C" fn` with at most five integer arguments of its own (the vmctx first),
/// padded to five, then `exit_fp: usize`. The stub keeps the C convention, so the builtin
/// table may point at it like at any builtin. The last macro argument is the stub's own
/// parameter list and result (`$target`'s without `exit_fp`).
#[macro_export]
macro_rules! gc_builtin_stub {
    ($stub:ident, $target:path, ($($arg:ident: $ty:ty),*) $(-> $ret:ty)?) => {
        #[cfg(target_arch = "x86_64")]
        std::arch::global_asm!(
            ".text",
            ".p2align 4",
            concat!(".globl ", stringify!($stub)),
            concat!(".hidden ", stringify!($stub)),
            concat!(stringify!($stub), ":"),
            "push rbp",
            "mov rbp, rsp",
            "mov r9, rbp",
            "call {target}",
            "pop rbp",
            "ret",
            target = sym $target,
        );
        #[cfg(target_arch = "aarch64")]
        std::arch::global_asm!(
            ".text",
            ".p2align 4",
            concat!(".globl ", stringify!($stub)),
            concat!(".hidden ", stringify!($stub)),
            concat!(stringify!($stub), ":"),
            "stp x29, x30, [sp, #-16]!",
            "mov x29, sp",
            "mov x5, x29",
            "bl {target}",
            "ldp x29, x30, [sp], #16",
            "ret",
            target = sym $target,
        );
        extern "C" {
            pub fn $stub($($arg: $ty),*) $(-> $ret)?;
        }
    };
}

fn lock(store: &StoreState) -> std::sync::MutexGuard<'_, GcHeap> {
    store.gc_heap.lock().unwrap_or_else(|e| e.into_inner())
}

// ---------------------------------------------------------------- references and the host

/// The reference bits of `obj` entering wasm as a reference of `store`: a struct/array/i31
/// reference of the store as it is, anything else as a host object (allocated, never
/// collecting).
pub fn externref_bits(store: &StoreState, obj: &Object) -> Result<usize, String> {
    match obj {
        Object::Gc(r) if r.store.id == store.id => Ok(r.bits),
        Object::Gc(_) => Err("the reference belongs to another store".into()),
        _ => lock(store).host_object_bits(obj),
    }
}

/// The object behind reference bits of `store` leaving wasm (None for null).
///
/// # Safety
/// `bits` is null, an i31 or a live object of `store`'s heap (read from a root: a slot of a
/// wasm call, a global, table or exception of the store).
pub unsafe fn ref_object(store: &Store, bits: usize) -> Option<Object> {
    if bits == 0 {
        return None;
    }
    if bits as u64 & I31_TAG != 0 {
        return Some(Object::Gc(GcRef { store: store.clone(), bits }));
    }
    let mut heap = lock(store);
    let object = bits as *mut VMGcHeader;
    // SAFETY: a live object of this heap (the caller's obligation).
    let header = unsafe { *object };
    if header.kind == GcKind::Host as u8 {
        if header.gc_bits & EMPTIED != 0 {
            return None;
        }
        // SAFETY: a live host object whose payload was not taken.
        return Some(unsafe { host_payload(NonNull::new_unchecked(object)) }.clone());
    }
    // SAFETY: a live struct/array object of this heap.
    unsafe { heap.root(bits) };
    Some(Object::Gc(GcRef { store: store.clone(), bits }))
}

/// An embedder's reference to a struct, array or i31 value of a store. Keeps a struct or array
/// object alive (a root counted in its header) until dropped.
pub struct GcRef {
    store: Store,
    bits: usize,
}

impl GcRef {
    /// The reference's bits (an i31 or the object's address).
    pub fn bits(&self) -> usize {
        self.bits
    }

    fn is_object(&self) -> bool {
        self.bits as u64 & I31_TAG == 0
    }

    /// Runs `f` on the host info of the reference (shared by every handle to it).
    pub fn with_host_info<R>(&self, f: impl FnOnce(&HostInfo) -> R) -> R {
        let info = lock(&self.store).host_info(self.bits);
        // SAFETY: the boxed info is freed only when its object is (this handle roots it) or
        // with the heap (this handle holds the store); `HostInfo` synchronises itself.
        f(unsafe { &*info })
    }
}

impl Clone for GcRef {
    fn clone(&self) -> GcRef {
        if self.is_object() {
            // SAFETY: `self` roots the object, so it is live.
            unsafe { lock(&self.store).root(self.bits) };
        }
        GcRef { store: self.store.clone(), bits: self.bits }
    }
}

impl Drop for GcRef {
    fn drop(&mut self) {
        if self.is_object() {
            // SAFETY: rooted when this reference was made (or cloned), once.
            unsafe { lock(&self.store).unroot(self.bits) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::gc_space::CHUNK_SIZE;
    use super::*;

    /// What `probe` saw, checked by the test.
    static PROBED: std::sync::Mutex<Option<([usize; 5], usize, usize)>> = std::sync::Mutex::new(None);

    unsafe extern "C" fn probe(a: usize, b: usize, c: usize, d: usize, e: usize, exit_fp: usize) -> usize {
        let local = 0u8;
        // SAFETY: the stub's frame pointer addresses its saved frame pointer, on this stack.
        let saved_fp = unsafe { *(exit_fp as *const usize) };
        let _ = saved_fp;
        *PROBED.lock().unwrap() = Some(([a, b, c, d, e], exit_fp, &local as *const u8 as usize));
        a + b + c + d + e
    }

    crate::gc_builtin_stub!(wasmlift_test_probe_stub, probe, (a: usize, b: usize, c: usize, d: usize, e: usize) -> usize);

    #[test]
    fn builtin_stubs_pass_arguments_results_and_their_frame() {
        let caller_local = 0u8;
        // SAFETY: the stub follows the C convention of `probe` minus its last argument, which
        // it supplies itself; `probe` only reads its own stack.
        let sum = unsafe { wasmlift_test_probe_stub(1, 2, 3, 4, 5) };
        assert_eq!(sum, 15);
        let (args, exit_fp, probe_local) = PROBED.lock().unwrap().take().unwrap();
        assert_eq!(args, [1, 2, 3, 4, 5]);
        // The stub's frame lies between the probe's frame and this one, 16-aligned.
        assert!(probe_local < exit_fp && exit_fp < &caller_local as *const u8 as usize);
        assert_eq!(exit_fp % 16, 0);
    }

    fn heap() -> (Arc<Account>, GcHeap) {
        let account = Arc::new(Account::default());
        (account.clone(), GcHeap::new(account))
    }

    #[test]
    fn objects_are_zeroed_charged_and_limited() {
        let (account, mut heap) = heap();
        // One chunk of small objects and a little more.
        let limit = CHUNK_SIZE as u64 + 100;
        account.set_limit(Resource::GcHeapBytes, limit);
        // Ids far above any registered type: only the layouts given here describe them.
        heap.alloc(GcKind::Struct, 0x7fff_fff0, 0, 20).unwrap_err();
        heap.set_layout(0x7fff_fff0, GcLayout::Struct { ref_offsets: Box::new([]) });
        heap.set_layout(0x7fff_fff1, GcLayout::Array { elements_are_refs: false });
        let a = heap.alloc(GcKind::Struct, 0x7fff_fff0, 0, 20).unwrap();
        // SAFETY: `a` is a live 24-byte object of this heap.
        unsafe {
            assert_eq!((*a.as_ptr()).type_id, 0x7fff_fff0);
            assert_eq!(*a.as_ptr().cast::<u8>().add(16), 0);
        }
        assert_eq!(heap.bytes(), 24);
        assert_eq!(heap.reserved_bytes(), CHUNK_SIZE as u64);
        // An 80-byte array needs a chunk of another size class: past the limit.
        heap.alloc(GcKind::Array, 0x7fff_fff1, 8, 80).unwrap_err();
        assert_eq!(heap.len(), 1);
        // A large one is charged its own size: 100 bytes do not fit either.
        heap.alloc(GcKind::Array, 0x7fff_fff1, 300, 316).unwrap_err();
        drop(heap);
        account.charge(Resource::GcHeapBytes, limit).unwrap();
    }

    /// A struct type with one reference field at offset 16 (a list node).
    const NODE: u32 = 1;
    /// An array of references.
    const REFS: u32 = 2;

    fn node(heap: &mut GcHeap, next: usize) -> usize {
        let p = heap.alloc(GcKind::Struct, NODE, 0, 24).unwrap().as_ptr() as usize;
        // SAFETY: a fresh 24-byte object; its field lies at 16.
        unsafe { *((p + 16) as *mut usize) = next };
        p
    }

    /// The addresses of every live object of `heap`.
    fn objects(heap: &GcHeap) -> Vec<usize> {
        let mut all = Vec::new();
        heap.space.for_each(|o| all.push(o.as_ptr() as usize));
        all
    }

    fn layouts(heap: &mut GcHeap) {
        heap.set_layout(NODE, GcLayout::Struct { ref_offsets: Box::new([16]) });
        heap.set_layout(REFS, GcLayout::Array { elements_are_refs: true });
    }

    #[test]
    fn unreachable_objects_are_freed_and_reachable_ones_kept() {
        let (account, mut heap) = heap();
        layouts(&mut heap);
        let kept_tail = node(&mut heap, 0);
        let kept = node(&mut heap, kept_tail);
        // A cycle nothing points at.
        let a = node(&mut heap, 0);
        let b = node(&mut heap, a);
        // SAFETY: `a` is live; its field closes the cycle.
        unsafe { *((a + 16) as *mut usize) = b };
        // An array holding an i31, null and `kept` (again).
        let arr = heap.alloc(GcKind::Array, REFS, 3, ARRAY_ELEMENTS_OFFSET + 24).unwrap().as_ptr() as usize;
        // SAFETY: three fresh elements.
        unsafe {
            let e = (arr + 16) as *mut usize;
            *e = (5 << 1) | 1;
            *e.add(2) = kept;
        }
        let _garbage = heap.collect(&[kept, arr], Instant::now());
        assert_eq!(heap.len(), 3);
        assert_eq!(heap.bytes(), 24 * 2 + 40);
        let _garbage = heap.collect(&[arr], Instant::now());
        assert_eq!(heap.len(), 3, "the array keeps `kept` and its tail");
        let _garbage = heap.collect(&[], Instant::now());
        assert!(heap.is_empty());
        assert_eq!(heap.stats().collections, 3);
        assert_eq!(heap.stats().freed_objects, 5);
        // Everything was refunded: the whole limit is available again.
        account.set_limit(Resource::GcHeapBytes, 64);
        account.charge(Resource::GcHeapBytes, 64).unwrap();
    }

    #[test]
    fn marking_a_long_chain_uses_no_recursion() {
        let (_, mut heap) = heap();
        layouts(&mut heap);
        let mut head = 0;
        for _ in 0..1_000_000 {
            head = node(&mut heap, head);
        }
        // A recursive marker would overflow the test thread's stack here.
        let _garbage = heap.collect(&[head], Instant::now());
        assert_eq!(heap.len(), 1_000_000);
        let _garbage = heap.collect(&[], Instant::now());
        assert!(heap.is_empty());
    }

    #[test]
    fn handle_roots_are_counted() {
        let (_, mut heap) = heap();
        layouts(&mut heap);
        let tail = node(&mut heap, 0);
        let head = node(&mut heap, tail);
        // SAFETY: `head` is live.
        unsafe {
            heap.root(head);
            heap.root(head);
        }
        assert_eq!(heap.handle_rooted.len(), 1, "listed once");
        let _garbage = heap.collect(&[], Instant::now());
        assert_eq!(heap.len(), 2);
        // SAFETY: rooted twice above.
        unsafe { heap.unroot(head) };
        let _garbage = heap.collect(&[], Instant::now());
        assert_eq!(heap.len(), 2);
        // SAFETY: rooted once more.
        unsafe { heap.unroot(head) };
        let _garbage = heap.collect(&[], Instant::now());
        assert!(heap.is_empty());
        assert!(heap.handle_rooted.is_empty(), "unrooted objects leave the list");
        // When the list could not grow, every header is looked at.
        let lone = node(&mut heap, 0);
        let listed = node(&mut heap, 0);
        // SAFETY: both are live.
        unsafe {
            heap.root(lone);
            heap.root(listed);
        }
        // As if `root` could not list `lone`.
        heap.handle_rooted.retain(|o| o.as_ptr() as usize != lone);
        // SAFETY: `lone` is live.
        unsafe { (*(lone as *mut VMGcHeader)).gc_bits &= !LISTED };
        heap.scan_for_handle_roots = true;
        let _garbage = heap.collect(&[], Instant::now());
        assert_eq!(objects(&heap).len(), 2);
        // The scan listed it: later collections find it without scanning.
        assert!(!heap.scan_for_handle_roots);
        assert_eq!(heap.handle_rooted.len(), 2);
        let _garbage = heap.collect(&[], Instant::now());
        assert_eq!(objects(&heap).len(), 2, "still rooted");
        // SAFETY: both were rooted once.
        unsafe {
            heap.unroot(lone);
            heap.unroot(listed);
        }
        let _garbage = heap.collect(&[], Instant::now());
        assert!(heap.is_empty());
    }

    #[test]
    fn host_objects_are_shared_while_alive_and_give_their_object_back() {
        let (_, mut heap) = heap();
        let foreign = Arc::new(super::super::object::ForeignObject::default());
        let obj = Object::Foreign(foreign.clone());
        let a = heap.host_object_bits(&obj).unwrap();
        assert_eq!(heap.host_object_bits(&obj).unwrap(), a, "one box per object while it lives");
        assert_eq!(Arc::strong_count(&foreign), 3);
        let garbage = heap.collect(&[a], Instant::now());
        drop(garbage);
        assert_eq!(Arc::strong_count(&foreign), 3);
        let garbage = heap.collect(&[], Instant::now());
        assert_eq!(Arc::strong_count(&foreign), 3, "dropped only with the garbage, after the lock");
        drop(garbage);
        assert_eq!(Arc::strong_count(&foreign), 2);
        assert!(heap.is_empty());
        // A new box after the old one went; release empties it.
        heap.host_object_bits(&obj).unwrap();
        drop(heap.release());
        assert_eq!(Arc::strong_count(&foreign), 2);
        heap.host_object_bits(&obj).unwrap_err();
    }

    #[test]
    fn allocations_from_wasm_collect_and_keep_their_argument_roots() {
        let engine = super::super::engine::Engine::new(
            super::super::engine::Config::default(),
            Arc::new(crate::compiler::Cranelift::for_host().unwrap()),
        )
        .unwrap();
        let store = super::super::store::StoreRoot::new(engine);
        // Arrays of 40 references: large objects, charged exactly (336 bytes).
        const SIZE: u32 = ARRAY_ELEMENTS_OFFSET + 40 * 8;
        let init = {
            let mut heap = lock(&store);
            layouts(&mut heap);
            heap.alloc(GcKind::Array, REFS, 40, SIZE).unwrap().as_ptr() as usize
        };
        store.account.set_limit(Resource::GcHeapBytes, 2 * SIZE as u64);
        // Two arrays fill the heap; the third allocation collects first. With no wasm frames
        // (exit_fp 0 ends the walk at once), `init` survives only as an argument root.
        // SAFETY: no wasm runs; `init` is a live object of the store.
        let second = unsafe { alloc_from_wasm(&store, 0, GcKind::Array, REFS, 40, SIZE, &[init]) }.unwrap();
        assert_eq!(lock(&store).len(), 2);
        // SAFETY: as above; `second` is unreachable: collected to make room.
        unsafe { alloc_from_wasm(&store, 0, GcKind::Array, REFS, 40, SIZE, &[init]) }.unwrap();
        assert_eq!(lock(&store).len(), 2);
        let both = objects(&lock(&store));
        assert!(!both.contains(&(second.as_ptr() as usize)));
        // Full of live objects: the allocation fails after one more collection.
        // SAFETY: as above; both objects are live.
        unsafe { alloc_from_wasm(&store, 0, GcKind::Array, REFS, 40, SIZE, &both) }.unwrap_err();
        assert_eq!(lock(&store).len(), 2);
        // Collections are refused while conversions forbid them.
        let _no_gc = NoGc::new(&store);
        // SAFETY: as above.
        unsafe { collect(&store) };
        assert_eq!(lock(&store).len(), 2);
    }

    #[test]
    fn budget_and_limit_ask_for_collections() {
        let (account, mut heap) = heap();
        assert!(!heap.needs_collection());
        layouts(&mut heap);
        node(&mut heap, 0);
        assert!(!heap.needs_collection());
        // The node's chunk is all but a quarter of the limit.
        account.set_limit(Resource::GcHeapBytes, CHUNK_SIZE as u64 * 5 / 4);
        assert!(heap.needs_collection(), "a chunk in use, of 1.25");
        let _garbage = heap.collect(&[], Instant::now());
        assert!(!heap.needs_collection());
        account.set_limit(Resource::GcHeapBytes, u64::MAX);
        while heap.bytes() < MIN_BUDGET {
            node(&mut heap, 0);
        }
        assert!(heap.needs_collection());
    }
}
