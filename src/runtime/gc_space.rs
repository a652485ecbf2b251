//! Where a store's GC objects live: segregated size classes for small objects, separate
//! allocations for large ones (the storage under `gc::GcHeap`; the collector's marks are in
//! the objects' headers).
//!
//! A small object (at most `MAX_SMALL` bytes) takes a cell of its size class in a chunk: a
//! `CHUNK_SIZE` block of equal cells of one class. Allocation pops the class's free list, else
//! hands out the next never-used cell of the class's current chunk (still zero from the
//! chunk's zeroed allocation), else starts a chunk. A free cell has kind 0 in its header (live
//! objects never do) and the next free cell of its class in its second word. Sweeping walks
//! every chunk's used cells once: live objects stay, dead ones become free cells, and a chunk
//! with nothing live goes back to the system. Large objects are one allocation each.
//!
//! What the heap takes from the system (chunks and large objects) is charged to the store's
//! `GcHeapBytes` account when taken and refunded when given back, so the embedder's limit
//! bounds the real memory, fragmentation included; allocation past it fails.

use super::resources::{Account, Resource};
use crate::abi::gc::{VMGcHeader, HEADER_SIZE};
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
    /// Cells handed out so far (the used prefix); the ones after are untouched zeroes.
    used: u32,
}

#[derive(Clone, Copy)]
struct SizeClass {
    /// The first free cell (a header with kind 0), or null.
    free: *mut VMGcHeader,
    /// The chunk (index in `chunks`) whose unused cells are handed out next, if any.
    current: Option<usize>,
}

pub struct ObjectSpace {
    account: Arc<Account>,
    classes: [SizeClass; CLASSES],
    chunks: Vec<Chunk>,
    /// Large objects with their sizes.
    large: Vec<(NonNull<VMGcHeader>, u32)>,
    /// Live objects and their bytes (cell sizes for small objects).
    objects: usize,
    object_bytes: u64,
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
        ObjectSpace {
            account,
            classes: [SizeClass { free: std::ptr::null_mut(), current: None }; CLASSES],
            chunks: Vec::new(),
            large: Vec::new(),
            objects: 0,
            object_bytes: 0,
            reserved_bytes: 0,
        }
    }

    /// Live objects.
    pub fn len(&self) -> usize {
        self.objects
    }

    pub fn is_empty(&self) -> bool {
        self.objects == 0
    }

    /// Bytes of live objects (what their cells take).
    pub fn object_bytes(&self) -> u64 {
        self.object_bytes
    }

    /// Bytes held from the system (and charged to the account).
    pub fn reserved_bytes(&self) -> u64 {
        self.reserved_bytes
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
    /// no memory; never aborts.
    #[inline]
    pub fn alloc(&mut self, size: u32) -> Result<(NonNull<VMGcHeader>, u32), String> {
        let size = size.max(HEADER_SIZE).checked_next_multiple_of(8).ok_or_else(|| out_of_memory(size))?;
        if size > MAX_SMALL {
            return self.alloc_large(size).map(|p| (p, size));
        }
        let class = CLASS_OF[size as usize / 8] as usize;
        let cell = CLASS_SIZES[class];
        let free = self.classes[class].free;
        let object = if let Some(object) = NonNull::new(free) {
            // SAFETY: a free cell of this class (see `sweep`): `cell` bytes of a chunk of
            // ours, holding the next free cell at `FREE_LINK_OFFSET`. Zeroing `size` bytes
            // clears the link and what a dead object left; the rest of the cell is never read.
            unsafe {
                self.classes[class].free =
                    *object.as_ptr().cast::<u8>().add(FREE_LINK_OFFSET).cast::<*mut VMGcHeader>();
                std::ptr::write_bytes(object.as_ptr().cast::<u8>(), 0, size as usize);
            }
            object
        } else {
            self.alloc_unused_cell(class)?
        };
        self.objects += 1;
        self.object_bytes += cell as u64;
        Ok((object, cell))
    }

    /// The next never-used (zero) cell of `class`, from its current chunk or a new one.
    fn alloc_unused_cell(&mut self, class: usize) -> Result<NonNull<VMGcHeader>, String> {
        let cell = CLASS_SIZES[class];
        let capacity = cells_per_chunk(class);
        let index = match self.classes[class].current {
            Some(i) if self.chunks[i].used < capacity => i,
            _ => {
                self.chunks.try_reserve(1).map_err(|_| out_of_memory(cell))?;
                self.account.charge(Resource::GcHeapBytes, CHUNK_SIZE as u64)?;
                // SAFETY: a nonzero size.
                let Some(base) = NonNull::new(unsafe { std::alloc::alloc_zeroed(chunk_layout()) }) else {
                    self.account.refund(Resource::GcHeapBytes, CHUNK_SIZE as u64);
                    return Err(out_of_memory(cell));
                };
                self.reserved_bytes += CHUNK_SIZE as u64;
                self.chunks.push(Chunk { base, class: class as u8, used: 0 });
                self.classes[class].current = Some(self.chunks.len() - 1);
                self.chunks.len() - 1
            }
        };
        let chunk = &mut self.chunks[index];
        // SAFETY: cell `used` < capacity lies inside the chunk; never handed out, so zero.
        let object = unsafe { chunk.base.add(chunk.used as usize * cell as usize) }.cast::<VMGcHeader>();
        chunk.used += 1;
        Ok(object)
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
        self.objects += 1;
        self.object_bytes += size as u64;
        Ok(object)
    }

    /// Calls `f` on every live object.
    pub fn for_each(&self, mut f: impl FnMut(NonNull<VMGcHeader>)) {
        for chunk in &self.chunks {
            let cell = CLASS_SIZES[chunk.class as usize] as usize;
            for i in 0..chunk.used as usize {
                // SAFETY: a used cell of a live chunk: a live object or a free cell, told
                // apart by the kind in their headers.
                let object = unsafe { chunk.base.add(i * cell) }.cast::<VMGcHeader>();
                // SAFETY: as above; a used cell starts with a header.
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
        for class in self.classes.iter_mut() {
            *class = SizeClass { free: std::ptr::null_mut(), current: None };
        }
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
            for c in 0..chunk.used as usize {
                // SAFETY: a used cell of this chunk (see `for_each`).
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
                // SAFETY: allocated in `alloc_unused_cell` with this layout; nothing in it is
                // live, and no free list holds its cells (lists are rebuilt by this sweep).
                unsafe { std::alloc::dealloc(chunk.base.as_ptr(), chunk_layout()) };
                released += CHUNK_SIZE as u64;
                continue;
            }
            let list = &mut self.classes[class];
            if !first_free.is_null() {
                // SAFETY: `link` is the last free cell's link word in this chunk.
                unsafe { *link = list.free };
                list.free = first_free;
            }
            if chunk.used < cells_per_chunk(class) {
                list.current = Some(i);
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
        self.objects -= freed as usize;
        self.object_bytes -= freed_bytes;
        self.reserved_bytes -= released;
        self.account.refund(Resource::GcHeapBytes, released);
        (freed, freed_bytes)
    }
}

impl Drop for ObjectSpace {
    fn drop(&mut self) {
        for chunk in self.chunks.drain(..) {
            // SAFETY: allocated in `alloc_unused_cell` with this layout, freed once, here.
            unsafe { std::alloc::dealloc(chunk.base.as_ptr(), chunk_layout()) };
        }
        for (object, size) in self.large.drain(..) {
            // SAFETY: allocated in `alloc_large` with this size and alignment, freed once.
            unsafe { std::alloc::dealloc(object.as_ptr().cast(), Layout::from_size_align_unchecked(size as usize, 8)) };
        }
        self.account.refund(Resource::GcHeapBytes, self.reserved_bytes);
    }
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
