//! Where a store's GC objects live: segregated size classes for small objects, separate
//! allocations for large ones (the storage under `gc::GcHeap`; the collector's marks are in
//! the objects' headers).
//!
//! A small object (at most `MAX_SMALL` bytes) takes a cell of its size class in a chunk: a
//! `CHUNK_SIZE` block of equal cells of one class. A new chunk's cells all go on its class's
//! free list at once; allocation pops the list (zeroing the object's bytes), else starts a
//! chunk. A free cell has kind 0 in its header (live objects never do) and the next free cell
//! of its class in its second word. Sweeping walks every chunk's cells once: live objects stay,
//! dead ones become free cells, and a chunk with nothing live goes back to the system. Large
//! objects are one allocation each.
//!
//! The free lists, the live counts and the allocation budget are in a `FreeLists` of their
//! own, which `alloc_fast` uses without the heap's lock: the `gc_alloc` builtin reaches it
//! through the store's `VMLimits::gc_alloc`. Like everything else of a store, it is touched
//! only by the thread using the store, and never by two of these at once (none of them calls
//! into wasm or the embedder).
//!
//! What the heap takes from the system (chunks and large objects) is charged to the store's
//! `GcHeapBytes` account when taken and refunded when given back, so the embedder's limit
//! bounds the real memory, fragmentation included; allocation past it fails.

use super::resources::{Account, Resource};
use crate::abi::gc::{GcKind, VMGcHeader, HEADER_SIZE};
use std::alloc::Layout;
use std::ptr::NonNull;
use std::sync::Arc;

/// The size of a chunk of small objects.
pub const CHUNK_SIZE: usize = 32 * 1024;

/// The largest object that takes a cell of a size class.
pub const MAX_SMALL: u32 = 256;

/// The cell sizes: every multiple of 8 up to 64 bytes (the common structs waste nothing), then
/// steps of a quarter of the size or less (at most ~20% of a cell is lost to rounding).
const CLASS_SIZES: [u32; 16] = [16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 0];
const CLASSES: usize = 15;

/// The class of an object of `size` bytes (a multiple of 8, 16..=MAX_SMALL), by `size / 8`.
const CLASS_OF: [u8; (MAX_SMALL / 8 + 1) as usize] = {
    let mut table = [0u8; (MAX_SMALL / 8 + 1) as usize];
    let mut words = 0;
    while words < table.len() {
        let mut class = 0;
        while CLASS_SIZES[class] < words as u32 * 8 {
            class += 1;
        }
        table[words] = class as u8;
        words += 1;
    }
    table
};

/// The byte offset in a free cell of the link to the next free cell of its class (after the
/// header's first word, where `kind` is 0).
const FREE_LINK_OFFSET: usize = 8;

struct Chunk {
    base: NonNull<u8>,
    class: u8,
}

/// The state allocation shares with `alloc_fast` (see the module comment).
pub struct FreeLists {
    /// Each class's first free cell (a header with kind 0), or null.
    free: [*mut VMGcHeader; CLASSES],
    /// Live objects and their bytes (cell sizes for small objects).
    objects: usize,
    object_bytes: u64,
    /// Bytes allocated since the budget was set, and how many make a collection due.
    allocated: u64,
    budget: u64,
    /// The struct and array types `alloc_fast` may allocate, at `type_id % FAST_TYPES`.
    types: [FastType; FAST_TYPES],
}

/// How many types `alloc_fast` knows at a time (the last one given per slot).
const FAST_TYPES: usize = 8;

/// A type `alloc_fast` may allocate: its id, kind (0: none) and size (a struct's, or an
/// array's element size).
#[derive(Clone, Copy)]
struct FastType {
    type_id: u32,
    kind: u8,
    size: u32,
}

pub struct ObjectSpace {
    account: Arc<Account>,
    /// Owned (made by `Box::into_raw` in `new`, freed in `drop`).
    lists: NonNull<FreeLists>,
    chunks: Vec<Chunk>,
    /// Large objects with their sizes.
    large: Vec<(NonNull<VMGcHeader>, u32)>,
    /// Bytes taken from the system and charged: chunks and large objects.
    reserved_bytes: u64,
}

fn cells_per_chunk(class: usize) -> u32 {
    (CHUNK_SIZE / CLASS_SIZES[class] as usize) as u32
}

fn chunk_layout() -> Layout {
    // A constant, valid layout: the size is a power of two and the alignment 16.
    Layout::from_size_align(CHUNK_SIZE, 16).expect("chunk layout")
}

fn out_of_memory(size: u32) -> String {
    format!("out of memory allocating a {size}-byte GC object")
}

impl ObjectSpace {
    pub fn new(account: Arc<Account>) -> ObjectSpace {
        let lists = Box::new(FreeLists {
            free: [std::ptr::null_mut(); CLASSES],
            objects: 0,
            object_bytes: 0,
            allocated: 0,
            budget: u64::MAX,
            types: [FastType { type_id: 0, kind: 0, size: 0 }; FAST_TYPES],
        });
        ObjectSpace {
            account,
            lists: NonNull::from(Box::leak(lists)),
            chunks: Vec::new(),
            large: Vec::new(),
            reserved_bytes: 0,
        }
    }

    fn lists(&self) -> &FreeLists {
        // SAFETY: owned by this space; `alloc_fast` does not run while a method of the space
        // does (module comment), so nothing writes it meanwhile.
        unsafe { self.lists.as_ref() }
    }

    fn lists_mut(&mut self) -> &mut FreeLists {
        // SAFETY: as in `lists`; `&mut self` excludes every other use through the space.
        unsafe { self.lists.as_mut() }
    }

    /// The state `alloc_fast` takes (valid while the space lives).
    pub fn free_lists(&self) -> NonNull<FreeLists> {
        self.lists
    }

    /// Live objects.
    pub fn len(&self) -> usize {
        self.lists().objects
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of live objects (what their cells take).
    pub fn object_bytes(&self) -> u64 {
        self.lists().object_bytes
    }

    /// Bytes held from the system (and charged to the account).
    pub fn reserved_bytes(&self) -> u64 {
        self.reserved_bytes
    }

    /// Bytes allocated since the budget was last set.
    pub fn allocated(&self) -> u64 {
        self.lists().allocated
    }

    pub fn budget(&self) -> u64 {
        self.lists().budget
    }

    /// Starts counting allocations afresh towards `budget` bytes (after a collection):
    /// `alloc_fast` refuses allocations past it, so that the heap's path collects.
    pub fn set_budget(&mut self, budget: u64) {
        let lists = self.lists_mut();
        lists.allocated = 0;
        lists.budget = budget;
    }

    /// Lets `alloc_fast` allocate objects of struct or array type `type_id` (until another
    /// type takes its slot): `size` is a struct's size or an array's element size. The type's
    /// id must keep its meaning while the space lives (the heap holds it).
    pub fn remember_type(&mut self, type_id: u32, kind: GcKind, size: u32) {
        self.lists_mut().types[type_id as usize % FAST_TYPES] = FastType { type_id, kind: kind as u8, size };
    }

    /// The kind and size `remember_type` was given for `type_id`, while it is remembered.
    pub fn remembered(&self, type_id: u32) -> Option<(GcKind, u32)> {
        let t = self.lists().types[type_id as usize % FAST_TYPES];
        match t.kind {
            k if t.type_id != type_id || k == 0 => None,
            k if k == GcKind::Array as u8 => Some((GcKind::Array, t.size)),
            _ => Some((GcKind::Struct, t.size)),
        }
    }

    /// The bytes an object of `size` takes (its cell, or itself when large), or None past
    /// `u32::MAX`.
    pub fn footprint(size: u32) -> Option<u32> {
        let size = size.max(HEADER_SIZE).checked_next_multiple_of(8)?;
        Some(if size <= MAX_SMALL { CLASS_SIZES[CLASS_OF[size as usize / 8] as usize] } else { size })
    }

    /// Zeroed, 8-aligned memory for an object of `size` bytes (at least a header), and the
    /// bytes it takes (`footprint`). The caller writes a header with a nonzero kind before
    /// anything else can see the space. Fails past the account's limit or when the system has
    /// no memory; never aborts. Counts towards the budget but does not stop at it.
    #[inline]
    pub fn alloc(&mut self, size: u32) -> Result<(NonNull<VMGcHeader>, u32), String> {
        let size = size.max(HEADER_SIZE).checked_next_multiple_of(8).ok_or_else(|| out_of_memory(size))?;
        if size > MAX_SMALL {
            return self.alloc_large(size).map(|p| (p, size));
        }
        let class = CLASS_OF[size as usize / 8] as usize;
        if self.lists().free[class].is_null() {
            self.add_chunk(class)?;
        }
        // SAFETY: the list is not empty (a chunk was just added otherwise), and the space's
        // `&mut self` excludes every other use of the lists.
        let object = unsafe { pop(self.lists, class, size) }.expect("a free cell");
        Ok((object, CLASS_SIZES[class]))
    }

    /// A new chunk of `class`, all its cells free.
    fn add_chunk(&mut self, class: usize) -> Result<(), String> {
        let cell = CLASS_SIZES[class] as usize;
        self.chunks.try_reserve(1).map_err(|_| out_of_memory(cell as u32))?;
        self.account.charge(Resource::GcHeapBytes, CHUNK_SIZE as u64)?;
        // SAFETY: a nonzero size. (Not zeroed: every cell's header is written below, and an
        // allocation zeroes its object.)
        let Some(base) = NonNull::new(unsafe { std::alloc::alloc(chunk_layout()) }) else {
            self.account.refund(Resource::GcHeapBytes, CHUNK_SIZE as u64);
            return Err(out_of_memory(cell as u32));
        };
        self.reserved_bytes += CHUNK_SIZE as u64;
        self.chunks.push(Chunk { base, class: class as u8 });
        let mut next = self.lists().free[class];
        for c in (0..cells_per_chunk(class) as usize).rev() {
            // SAFETY: cell `c` lies inside the chunk; it becomes a free cell (kind 0 in its
            // first word, the next free cell in its second), the list threading them in
            // address order.
            unsafe {
                let object = base.as_ptr().add(c * cell);
                object.cast::<u64>().write(0);
                object.add(FREE_LINK_OFFSET).cast::<*mut VMGcHeader>().write(next);
                next = object.cast::<VMGcHeader>();
            }
        }
        self.lists_mut().free[class] = next;
        Ok(())
    }

    fn alloc_large(&mut self, size: u32) -> Result<NonNull<VMGcHeader>, String> {
        let layout = Layout::from_size_align(size as usize, 8).map_err(|e| e.to_string())?;
        self.large.try_reserve(1).map_err(|_| out_of_memory(size))?;
        self.account.charge(Resource::GcHeapBytes, size as u64)?;
        // SAFETY: `layout` has a nonzero size (more than `MAX_SMALL`).
        let Some(object) = NonNull::new(unsafe { std::alloc::alloc_zeroed(layout) }.cast::<VMGcHeader>()) else {
            self.account.refund(Resource::GcHeapBytes, size as u64);
            return Err(out_of_memory(size));
        };
        self.reserved_bytes += size as u64;
        self.large.push((object, size));
        let lists = self.lists_mut();
        lists.objects += 1;
        lists.object_bytes += size as u64;
        lists.allocated += size as u64;
        Ok(object)
    }

    /// Calls `f` on every live object.
    pub fn for_each(&self, mut f: impl FnMut(NonNull<VMGcHeader>)) {
        for chunk in &self.chunks {
            let cell = CLASS_SIZES[chunk.class as usize] as usize;
            for i in 0..cells_per_chunk(chunk.class as usize) as usize {
                // SAFETY: a cell of a live chunk: a live object or a free cell, told apart by
                // the kind in their headers.
                let object = unsafe { chunk.base.add(i * cell) }.cast::<VMGcHeader>();
                // SAFETY: as above; every cell starts with a header.
                if unsafe { (*object.as_ptr()).kind } != 0 {
                    f(object);
                }
            }
        }
        for &(object, _) in &self.large {
            f(object);
        }
    }

    /// Calls `keep` on every live object; those it answers false for are freed (their cells
    /// become free cells, chunks left without a live object and dead large objects go back to
    /// the system). Returns the objects and bytes freed.
    ///
    /// # Safety
    /// After `keep` returns false for an object, nothing reaches it any more.
    pub unsafe fn sweep(&mut self, mut keep: impl FnMut(NonNull<VMGcHeader>) -> bool) -> (u64, u64) {
        let (mut freed, mut freed_bytes) = (0u64, 0u64);
        let mut free = [std::ptr::null_mut::<VMGcHeader>(); CLASSES];
        let mut released = 0u64;
        let mut i = 0;
        while i < self.chunks.len() {
            let chunk = &self.chunks[i];
            let class = chunk.class as usize;
            let cell = CLASS_SIZES[class] as usize;
            // This chunk's free cells, linked in address order, spliced into the class's list
            // only if the chunk stays.
            let mut first_free: *mut VMGcHeader = std::ptr::null_mut();
            let mut link: *mut *mut VMGcHeader = &mut first_free;
            let mut live = 0u32;
            for c in 0..cells_per_chunk(class) as usize {
                // SAFETY: a cell of this chunk (see `for_each`).
                let object = unsafe { chunk.base.add(c * cell) }.cast::<VMGcHeader>();
                // SAFETY: as above.
                let header = unsafe { &mut *object.as_ptr() };
                if header.kind != 0 {
                    if keep(object) {
                        live += 1;
                        continue;
                    }
                    // Dead: a free cell from now on (the caller's obligation: unreachable).
                    header.kind = 0;
                    freed += 1;
                    freed_bytes += cell as u64;
                }
                // SAFETY: a free cell of this chunk, at least 16 bytes: its link word is in it.
                unsafe {
                    let next = object.as_ptr().cast::<u8>().add(FREE_LINK_OFFSET).cast::<*mut VMGcHeader>();
                    *link = object.as_ptr();
                    *next = std::ptr::null_mut();
                    link = next;
                }
            }
            if live == 0 {
                let chunk = self.chunks.swap_remove(i);
                // SAFETY: allocated in `add_chunk` with this layout; nothing in it is
                // live, and no free list holds its cells (lists are rebuilt by this sweep).
                unsafe { std::alloc::dealloc(chunk.base.as_ptr(), chunk_layout()) };
                released += CHUNK_SIZE as u64;
                continue;
            }
            if !first_free.is_null() {
                // SAFETY: `link` is the last free cell's link word in this chunk.
                unsafe { *link = free[class] };
                free[class] = first_free;
            }
            i += 1;
        }
        let mut j = 0;
        while j < self.large.len() {
            let (object, size) = self.large[j];
            if keep(object) {
                j += 1;
                continue;
            }
            self.large.swap_remove(j);
            // SAFETY: allocated in `alloc_large` with this size and alignment; unreachable.
            unsafe { std::alloc::dealloc(object.as_ptr().cast(), Layout::from_size_align_unchecked(size as usize, 8)) };
            freed += 1;
            freed_bytes += size as u64;
            released += size as u64;
        }
        let lists = self.lists_mut();
        lists.free = free;
        lists.objects -= freed as usize;
        lists.object_bytes -= freed_bytes;
        self.reserved_bytes -= released;
        self.account.refund(Resource::GcHeapBytes, released);
        (freed, freed_bytes)
    }
}

impl Drop for ObjectSpace {
    fn drop(&mut self) {
        for chunk in self.chunks.drain(..) {
            // SAFETY: allocated in `add_chunk` with this layout, freed once, here.
            unsafe { std::alloc::dealloc(chunk.base.as_ptr(), chunk_layout()) };
        }
        for (object, size) in self.large.drain(..) {
            // SAFETY: allocated in `alloc_large` with this size and alignment, freed once.
            unsafe { std::alloc::dealloc(object.as_ptr().cast(), Layout::from_size_align_unchecked(size as usize, 8)) };
        }
        self.account.refund(Resource::GcHeapBytes, self.reserved_bytes);
        // SAFETY: made by `Box::leak` in `new`, freed once, here; whoever was given it by
        // `free_lists` does not use it after the space (the store's limits go first).
        drop(unsafe { Box::from_raw(self.lists.as_ptr()) });
    }
}

/// Pops a free cell of `class` for an object of `size` bytes (the class's size or less), zeroes
/// the object and counts it (towards the budget too); None when the list is empty.
///
/// # Safety
/// `lists` is a live space's, not in use by anything else meanwhile (module comment).
#[inline]
unsafe fn pop(lists: NonNull<FreeLists>, class: usize, size: u32) -> Option<NonNull<VMGcHeader>> {
    // SAFETY: the caller's obligation.
    let lists = unsafe { &mut *lists.as_ptr() };
    let object = NonNull::new(lists.free[class])?;
    // SAFETY: a free cell of this class: at least `size` bytes of a chunk of the space, holding
    // the next free cell at `FREE_LINK_OFFSET`. Zeroing `size` bytes clears the link and what a
    // dead object left; the rest of the cell is never read.
    unsafe {
        lists.free[class] = *object.as_ptr().cast::<u8>().add(FREE_LINK_OFFSET).cast::<*mut VMGcHeader>();
        std::ptr::write_bytes(object.as_ptr().cast::<u8>(), 0, size as usize);
    }
    let cell = CLASS_SIZES[class] as u64;
    lists.objects += 1;
    lists.object_bytes += cell;
    lists.allocated += cell;
    Some(object)
}

/// An object of the remembered type `type_id` (`len` elements for an array; see
/// `ObjectSpace::remember_type`) from a free cell, with its header written, without the heap's
/// lock. None (the heap's path must allocate) for another type, a large object, an empty list,
/// or when the object would pass the budget (a collection is due).
///
/// # Safety
/// `lists` is a live space's (`ObjectSpace::free_lists`), used on the thread using its store,
/// and no method of that space runs meanwhile (module comment).
#[inline]
pub unsafe fn alloc_fast(lists: NonNull<FreeLists>, type_id: u32, len: u32) -> Option<NonNull<VMGcHeader>> {
    // SAFETY: the caller's obligation.
    let l = unsafe { lists.as_ref() };
    let t = l.types[type_id as usize % FAST_TYPES];
    if t.kind == 0 || t.type_id != type_id {
        return None;
    }
    let (size, array_len) =
        if t.kind == GcKind::Array as u8 { (crate::abi::gc::array_size(t.size, len)?, len) } else { (t.size, 0) };
    let size = size.max(HEADER_SIZE).next_multiple_of(8);
    if size > MAX_SMALL {
        return None;
    }
    let class = CLASS_OF[size as usize / 8] as usize;
    if l.allocated + CLASS_SIZES[class] as u64 > l.budget {
        return None;
    }
    let kind = t.kind;
    // SAFETY: the caller's obligation.
    let object = unsafe { pop(lists, class, size) }?;
    let header = VMGcHeader { type_id, kind, gc_bits: 0, reserved: 0, array_len, gc_word: 0 };
    // SAFETY: a fresh zeroed object of at least a header; its kind becomes nonzero here.
    unsafe { object.as_ptr().write(header) };
    Some(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_cover_every_small_size() {
        for size in (16..=MAX_SMALL).step_by(8) {
            let cell = ObjectSpace::footprint(size).unwrap();
            assert!(cell >= size && cell as f64 <= size as f64 * 1.25, "{size} -> {cell}");
        }
        assert_eq!(ObjectSpace::footprint(1), Some(16));
        assert_eq!(ObjectSpace::footprint(MAX_SMALL + 1), Some(MAX_SMALL + 8));
        assert_eq!(ObjectSpace::footprint(u32::MAX), None);
    }

    fn set_kind(p: NonNull<VMGcHeader>) {
        // SAFETY: a fresh object of the space.
        unsafe { (*p.as_ptr()).kind = 1 };
    }

    #[test]
    fn cells_are_zeroed_reused_and_chunks_given_back() {
        let account = Arc::new(Account::default());
        let mut space = ObjectSpace::new(account.clone());
        let mut objects = Vec::new();
        // Three chunks' worth of 32-byte objects, all dirtied.
        for _ in 0..3 * cells_per_chunk(2) {
            let (p, cell) = space.alloc(32).unwrap();
            assert_eq!(cell, 32);
            assert_eq!(p.as_ptr() as usize % 8, 0);
            // SAFETY: a fresh 32-byte object.
            unsafe {
                assert!(std::slice::from_raw_parts(p.as_ptr().cast::<u8>(), 32).iter().all(|&b| b == 0));
                std::ptr::write_bytes(p.as_ptr().cast::<u8>(), 0xAB, 32);
            }
            set_kind(p);
            objects.push(p);
        }
        assert_eq!(space.reserved_bytes(), 3 * CHUNK_SIZE as u64);
        assert_eq!(space.len(), objects.len());
        // Keep every other object of the first chunk only: two chunks go back.
        let first_chunk: Vec<_> = objects[..cells_per_chunk(2) as usize].iter().step_by(2).copied().collect();
        // SAFETY: the dropped objects are not used again.
        let (freed, _) = unsafe { space.sweep(|p| first_chunk.contains(&p)) };
        assert_eq!(freed as usize, objects.len() - first_chunk.len());
        assert_eq!(space.reserved_bytes(), CHUNK_SIZE as u64);
        assert_eq!(space.object_bytes(), 32 * first_chunk.len() as u64);
        // The freed cells of the first chunk come back zeroed, before any new chunk.
        for _ in 0..cells_per_chunk(2) as usize - first_chunk.len() {
            // 28 bytes: rounded to 32, of the same class.
            let (p, cell) = space.alloc(28).unwrap();
            assert_eq!(cell, 32);
            assert!(!first_chunk.contains(&p));
            // SAFETY: a fresh object in a 32-byte cell.
            unsafe { assert!(std::slice::from_raw_parts(p.as_ptr().cast::<u8>(), 32).iter().all(|&b| b == 0)) };
            set_kind(p);
        }
        assert_eq!(space.reserved_bytes(), CHUNK_SIZE as u64, "the free cells were used first");
        let mut seen = 0;
        space.for_each(|_| seen += 1);
        assert_eq!(seen, cells_per_chunk(2));
        // Large objects are charged exactly, and everything is refunded with the space.
        let (big, size) = space.alloc(1000).unwrap();
        set_kind(big);
        assert_eq!(size, 1000);
        assert_eq!(space.reserved_bytes(), CHUNK_SIZE as u64 + 1000);
        drop(space);
        account.set_limit(Resource::GcHeapBytes, 10);
        account.charge(Resource::GcHeapBytes, 10).unwrap();
    }

    #[test]
    fn the_fast_path_takes_remembered_types_within_the_budget() {
        let account = Arc::new(Account::default());
        let mut space = ObjectSpace::new(account);
        let lists = space.free_lists();
        // SAFETY (all `alloc_fast` calls): the space is live and no method of it runs meanwhile.
        assert!(unsafe { alloc_fast(lists, 7, 0) }.is_none(), "an unknown type");
        // A chunk kept by one live object, and a cell dirtied by a dead one.
        let (kept, _) = space.alloc(32).unwrap();
        set_kind(kept);
        let (dirty, _) = space.alloc(32).unwrap();
        set_kind(dirty);
        // SAFETY: a live 32-byte object.
        unsafe { std::ptr::write_bytes(dirty.as_ptr().cast::<u8>(), 0xAB, 32) };
        // SAFETY: `dirty` is not used again.
        unsafe { space.sweep(|p| p != dirty) };
        assert_eq!(space.len(), 1);
        space.set_budget(3 * 32);
        space.remember_type(7, GcKind::Struct, 32);
        space.remember_type(9, GcKind::Array, 8);
        assert_eq!(space.remembered(7), Some((GcKind::Struct, 32)));
        assert_eq!(space.remembered(15), None, "another type in the same slot");
        let a = unsafe { alloc_fast(lists, 7, 0) }.unwrap();
        // SAFETY: a fresh 32-byte object.
        unsafe {
            let h = *a.as_ptr();
            assert_eq!((h.type_id, h.kind, h.array_len, h.gc_bits, h.gc_word), (7, GcKind::Struct as u8, 0, 0, 0));
            assert!(std::slice::from_raw_parts(a.as_ptr().cast::<u8>().add(16), 16).iter().all(|&b| b == 0));
        }
        // An array of 2 i64s is 32 bytes too; one of 40 is large: the heap's path.
        let b = unsafe { alloc_fast(lists, 9, 2) }.unwrap();
        // SAFETY: a fresh array object.
        assert_eq!(unsafe { (*b.as_ptr()).array_len }, 2);
        assert!(unsafe { alloc_fast(lists, 9, 40) }.is_none());
        assert_eq!((space.len(), space.allocated()), (3, 64));
        // The budget allows one more 32-byte cell, then refuses (a collection is due).
        assert!(unsafe { alloc_fast(lists, 7, 0) }.is_some());
        assert!(unsafe { alloc_fast(lists, 7, 0) }.is_none());
        space.set_budget(u64::MAX);
        // Every cell of the chunk, then the list is empty: the heap's path makes a chunk.
        let mut n = 4;
        while unsafe { alloc_fast(lists, 7, 0) }.is_some() {
            n += 1;
        }
        assert_eq!(n, cells_per_chunk(2) as usize);
        assert_eq!(space.len(), n);
        assert_eq!(space.reserved_bytes(), CHUNK_SIZE as u64);
    }

    #[test]
    fn the_limit_counts_chunks_and_failure_leaves_no_charge() {
        let account = Arc::new(Account::default());
        account.set_limit(Resource::GcHeapBytes, CHUNK_SIZE as u64 + 500);
        let mut space = ObjectSpace::new(account.clone());
        set_kind(space.alloc(16).unwrap().0);
        // Another class needs a chunk of its own: past the limit.
        space.alloc(64).unwrap_err();
        set_kind(space.alloc(400).unwrap().0);
        space.alloc(400).unwrap_err();
        // The first chunk still has room.
        set_kind(space.alloc(16).unwrap().0);
        assert_eq!(space.reserved_bytes(), CHUNK_SIZE as u64 + 400);
        // SAFETY: nothing is used again.
        unsafe { space.sweep(|_| false) };
        assert_eq!(space.reserved_bytes(), 0);
        assert_eq!(space.len(), 0);
        account.charge(Resource::GcHeapBytes, CHUNK_SIZE as u64 + 500).unwrap();
    }
}
