//! Linear memories. With guard pages (the default) a 32-bit memory reserves 8 GiB of inaccessible
//! address space — enough that any u32 index plus any u32 offset plus the access size stays
//! inside it — and commits pages on growth, so compiled code needs no bounds checks. Otherwise
//! the reservation covers only the maximum size and compiled code checks every access.
//! The base address never moves.
//!
//! memory64 memories (i64 indices) cannot be covered by any guard region, so compiled code
//! always checks their accesses; they reserve their maximum size (declared maximum ∧ engine
//! ceiling, at most `MEMORY64_RESERVATION_CAP`) and, with guard pages on, `MEMORY64_GUARD_BYTES`
//! more, which lets compiled code check only the index against the length for accesses with
//! small static offsets (see `abi::vmctx::MEMORY64_GUARD_BYTES`). They are never pooled.
//!
//! Released guarded reservations go to a process-wide pool instead of being unmapped: a new
//! memory then costs no mmap (and no mprotect when the size matches), and releasing one costs
//! an madvise instead of a munmap of 8 GiB. A small memory is zeroed in place and pooled with
//! its pages resident (within a pool-wide budget), so the next instance writes its data
//! segments without a page fault.
//!
//! Transparent huge pages (on unless the engine's `huge_pages` is off): reservations of at least
//! 2 MiB start on a 2 MiB boundary and are marked MADV_HUGEPAGE, so every whole 2 MiB stretch of
//! the accessible part can be backed by one huge page (one TLB entry instead of 512). Kernels in
//! THP "madvise" mode only use huge pages where asked. The mark sits on the whole reservation,
//! guard region included; it costs no memory there because PROT_NONE pages are never populated.
//! The cost is resident memory: a touched byte in a whole 2 MiB stretch may commit all of it.
//! The tail of a memory that is not a whole 2 MiB stretch stays on small pages.

use super::host_info::HostInfo;
use crate::abi::vmctx::VMMemory;
use crate::types::MemoryType;
use std::cell::UnsafeCell;
use std::sync::Mutex;

pub const PAGE_SIZE: u64 = 65536;
/// Pages addressable by a 32-bit memory.
pub const MAX_PAGES_32: u64 = 65536;
const GUARDED_RESERVATION: u64 = 8 << 30;
/// The spec's limit on a memory64 memory: 2^48 pages of 64 KiB (2^64 bytes).
pub const MAX_PAGES_64: u64 = 1 << 48;
/// Most address space one memory64 memory reserves (1 TiB, an eighth of x86-64's user address
/// space); it can grow no further than this, whatever its type and the engine allow.
const MEMORY64_RESERVATION_CAP: u64 = 1 << 40;

/// A released guarded reservation: `[0, accessible)` is read-write and reads as zero (its
/// resident pages were zeroed in place or dropped, the others dropped with MADV_DONTNEED), the
/// rest is PROT_NONE and was never accessible.
struct FreeReservation {
    base: usize,
    accessible: usize,
    /// Reserved by `reserve` with huge pages requested (only reused for the same choice).
    huge_pages: bool,
    /// Bytes of `[0, accessible)` kept resident (zeroed), counted in `POOL_RESIDENT`.
    resident: usize,
}

/// The size and alignment of an x86-64 (and common aarch64) transparent huge page.
const HUGE_PAGE: usize = 2 << 20;

/// False when the kernel has transparent huge pages off (or lacks them): then nothing is
/// aligned or marked.
fn transparent_huge_pages_usable() -> bool {
    static USABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *USABLE.get_or_init(|| match std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled") {
        // The active mode is the bracketed one: "always [madvise] never".
        Ok(modes) => !modes.contains("[never]"),
        Err(_) => false,
    })
}

/// Reserves `size` bytes of inaccessible address space (`size` is a multiple of the system page
/// size). With `huge_pages` (and a reservation big enough to hold one) the start is aligned
/// to 2 MiB and the range marked MADV_HUGEPAGE; the mark carries over to the parts later made
/// accessible by mprotect.
fn reserve_address_space(size: usize, huge_pages: bool) -> Option<*mut u8> {
    let huge = huge_pages && size >= HUGE_PAGE && transparent_huge_pages_usable();
    // Over-reserve by enough to find a 2 MiB boundary inside, then give back both ends.
    let slack = if huge { HUGE_PAGE - region::page::size() } else { 0 };
    let mapped = size.checked_add(slack)?;
    // SAFETY: a fresh anonymous PROT_NONE mapping at an address of the kernel's choice; it
    // touches no existing memory.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            mapped,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return None;
    }
    let start = p as usize;
    if !huge {
        return Some(p as *mut u8);
    }
    let aligned = start.next_multiple_of(HUGE_PAGE);
    let head = aligned - start;
    let tail = slack - head;
    // SAFETY: both ranges are page-aligned parts of the mapping made above that lie outside
    // `[aligned, aligned + size)`, which is all this function hands out; nothing refers to them.
    // madvise only sets a paging hint on that range; its failure (a kernel without THP) leaves
    // an ordinary reservation, so it is ignored.
    unsafe {
        if head > 0 {
            libc::munmap(start as *mut _, head);
        }
        if tail > 0 {
            libc::munmap((aligned + size) as *mut _, tail);
        }
        libc::madvise(aligned as *mut _, size, libc::MADV_HUGEPAGE);
    }
    Some(aligned as *mut u8)
}

/// At most this many released reservations (of 8 GiB address space each) are kept for reuse:
/// enough that a store keeping a hundred instances alive at a time, or a server churning
/// through them, keeps taking reservations from the pool rather than from mmap.
const POOL_SLOTS: usize = 128;
static POOL: Mutex<Vec<FreeReservation>> = Mutex::new(Vec::new());

/// A released memory whose resident part is at most this big is zeroed in place and pooled with
/// its pages still resident: the next memory then starts without page faults for what its
/// instantiation writes (data segments), and no pages are freed and zeroed again by the kernel.
/// Bigger ones drop their pages (MADV_DONTNEED).
const KEEP_RESIDENT_MAX: usize = 256 << 10;
/// Bound on all resident bytes kept in the pool together.
const POOL_RESIDENT_MAX: usize = 8 << 20;
/// Resident bytes kept in pooled reservations now (changed under the `POOL` lock).
static POOL_RESIDENT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A pooled reservation, made with the same huge-page choice, with exactly `[0, initial)`
/// accessible (all zero), or None.
fn take_pooled(initial: usize, huge_pages: bool) -> Option<*mut u8> {
    use std::sync::atomic::Ordering::Relaxed;
    let slot = {
        let mut pool = POOL.lock().ok()?;
        // The most recently released one of the same size (nothing to re-protect, pages
        // likely cached), else the most recent one.
        let i = pool
            .iter()
            .rposition(|s| s.huge_pages == huge_pages && s.accessible == initial)
            .or_else(|| pool.iter().rposition(|s| s.huge_pages == huge_pages))?;
        let slot = pool.swap_remove(i);
        POOL_RESIDENT.fetch_sub(slot.resident, Relaxed);
        slot
    };
    let base = slot.base as *mut u8;
    let rw = libc::PROT_READ | libc::PROT_WRITE;
    // SAFETY: the pooled reservation is ours alone (popped from the pool) and spans
    // GUARDED_RESERVATION bytes, far more than any `initial` of a 32-bit memory; changing the
    // protection of its pages (and dropping pages that become inaccessible, so that no
    // resident memory hides behind PROT_NONE) affects nothing else.
    let ok = unsafe {
        if slot.accessible < initial {
            libc::mprotect(base.add(slot.accessible) as *mut _, initial - slot.accessible, rw) == 0
        } else if slot.accessible > initial {
            let excess = slot.accessible - initial;
            libc::madvise(base.add(initial) as *mut _, excess, libc::MADV_DONTNEED) == 0
                && libc::mprotect(base.add(initial) as *mut _, excess, libc::PROT_NONE) == 0
        } else {
            true
        }
    };
    if ok {
        Some(base)
    } else {
        // SAFETY: as above; the reservation is dropped, not returned.
        unsafe { libc::munmap(base as *mut _, GUARDED_RESERVATION as usize) };
        None
    }
}

/// Makes `[base, base + len)` (page-aligned, read-write, ours alone) read as zero, keeping
/// resident pages resident: they are zeroed in place, every other page is dropped with
/// MADV_DONTNEED (a page that is not resident may be swapped out, holding old contents).
/// Returns the resident bytes kept, or None when the part is too big, too much of it is
/// resident or the kernel does not say; the caller then drops every page.
///
/// # Safety
/// The range is an accessible part of a reservation nobody else uses any more.
unsafe fn zero_keeping_resident(base: *mut u8, len: usize, budget: usize) -> Option<usize> {
    let page = region::page::size();
    let pages = len / page;
    if len == 0 {
        return Some(0);
    }
    if len > 64 * KEEP_RESIDENT_MAX || len % page != 0 {
        return None;
    }
    let mut resident = vec![0u8; pages];
    // SAFETY: `base` is page-aligned and the range mapped (this function's contract); the
    // vector has one byte per page.
    if unsafe { libc::mincore(base as *mut _, len, resident.as_mut_ptr()) } != 0 {
        return None;
    }
    let kept = resident.iter().filter(|r| *r & 1 != 0).count() * page;
    if kept > KEEP_RESIDENT_MAX || kept > budget {
        return None;
    }
    let mut i = 0;
    while i < pages {
        let is_resident = resident[i] & 1 != 0;
        let run = resident[i..].iter().take_while(|r| (*r & 1 != 0) == is_resident).count();
        // SAFETY: pages `[i, i + run)` lie inside the range (this function's contract).
        unsafe {
            let start = base.add(i * page);
            if is_resident {
                std::ptr::write_bytes(start, 0, run * page);
            } else if libc::madvise(start as *mut _, run * page, libc::MADV_DONTNEED) != 0 {
                return None;
            }
        }
        i += run;
    }
    Some(kept)
}

/// Zeroes a guarded reservation's accessible part and pools it; unmaps it if the pool is full.
fn release_guarded(base: *mut u8, accessible: usize, huge_pages: bool) {
    use std::sync::atomic::Ordering::Relaxed;
    let room = POOL.lock().map(|pool| pool.len() < POOL_SLOTS).unwrap_or(false);
    let budget = POOL_RESIDENT_MAX.saturating_sub(POOL_RESIDENT.load(Relaxed));
    // SAFETY: called once by the dropping memory, which owned the reservation at `base`; no code
    // can use it any more (every instance using the memory holds it). Zeroing or discarding
    // the pages clears them for the next user.
    let zeroed = room
        && match unsafe { zero_keeping_resident(base, accessible, budget) } {
            Some(kept) => Some(kept),
            None => (accessible == 0 || unsafe { libc::madvise(base as *mut _, accessible, libc::MADV_DONTNEED) } == 0)
                .then_some(0),
        }
        .map(|resident| match POOL.lock() {
            Ok(mut pool) if pool.len() < POOL_SLOTS => {
                POOL_RESIDENT.fetch_add(resident, Relaxed);
                pool.push(FreeReservation { base: base as usize, accessible, huge_pages, resident });
                true
            }
            _ => false,
        })
        .unwrap_or(false);
    if !zeroed {
        // SAFETY: as above; the reservation is not pooled, so nothing refers to it.
        unsafe { libc::munmap(base as *mut _, GUARDED_RESERVATION as usize) };
    }
}

pub struct LinearMemory {
    /// What compiled code reads (through the pointer stored in each vmctx).
    def: UnsafeCell<VMMemory>,
    reserved: usize,
    /// The reservation is a pooled 8 GiB guarded one (32-bit memories with guard pages).
    pooled: bool,
    /// The reservation was made with huge pages requested (see `reserve_address_space`).
    huge_pages: bool,
    ty: MemoryType,
    /// Largest size in pages this memory may grow to (declared maximum ∧ engine limit).
    max_pages: u64,
    pub host_info: HostInfo,
    /// The store the memory belongs to (`StoreState::id`; 0 until the creator sets it).
    pub store_id: u64,
    /// Its bytes and itself, charged to the store (see `attach`).
    charges: super::resources::SizeCharge,
}

// SAFETY: a memory belongs to one store, which one thread uses at a time (see the threading
// rules in the README); the engine never touches it concurrently, and the reservation it owns
// may be released from any thread.
unsafe impl Send for LinearMemory {}
unsafe impl Sync for LinearMemory {}

impl LinearMemory {
    /// A memory of type `ty`; `guard_pages` selects the 8 GiB guarded reservation (compiled code
    /// without bounds checks), `huge_pages` asks for transparent huge pages (see the module
    /// comment).
    pub fn new(
        ty: MemoryType,
        guard_pages: bool,
        huge_pages: bool,
        engine_max_pages: u64,
    ) -> Result<LinearMemory, String> {
        let spec_max = if ty.memory64 { MAX_PAGES_64 } else { MAX_PAGES_32 };
        let declared_max = ty.limits.max.unwrap_or(spec_max).min(spec_max);
        let mut max_pages = declared_max.min(engine_max_pages);
        if ty.memory64 {
            max_pages = max_pages.min(MEMORY64_RESERVATION_CAP / PAGE_SIZE);
        }
        if ty.limits.min > max_pages {
            return Err(format!("memory of {} pages exceeds the limit of {} pages", ty.limits.min, max_pages));
        }
        let pooled = guard_pages && !ty.memory64;
        // Explicit bounds checks: reserve the maximum so the base never moves (at least one
        // page so an empty memory still has a distinct address); memory64 with guard pages
        // adds its guard region (max_pages <= 2^24 here, so nothing overflows).
        let reserve = if pooled {
            GUARDED_RESERVATION
        } else if ty.memory64 && guard_pages {
            max_pages * PAGE_SIZE + crate::abi::vmctx::MEMORY64_GUARD_BYTES
        } else {
            (max_pages * PAGE_SIZE).max(region::page::size() as u64)
        } as usize;
        let initial = ty.limits.min * PAGE_SIZE;
        if pooled {
            if let Some(base) = take_pooled(initial as usize, huge_pages) {
                return Ok(LinearMemory {
                    def: UnsafeCell::new(VMMemory { base, length: initial }),
                    reserved: reserve,
                    pooled,
                    huge_pages,
                    ty,
                    max_pages,
                    host_info: HostInfo::default(),
                    store_id: 0,
                    charges: Default::default(),
                });
            }
        }
        let Some(base) = reserve_address_space(reserve, huge_pages) else {
            return Err(format!("failed to reserve {reserve} bytes of address space for a linear memory"));
        };
        // SAFETY: `initial` <= max_pages * PAGE_SIZE <= `reserve` bytes of our own reservation.
        if initial > 0
            && unsafe { libc::mprotect(base as *mut _, initial as usize, libc::PROT_READ | libc::PROT_WRITE) } != 0
        {
            unsafe { libc::munmap(base as *mut _, reserve) };
            return Err("failed to commit linear memory".to_string());
        }
        Ok(LinearMemory {
            def: UnsafeCell::new(VMMemory { base, length: initial }),
            reserved: reserve,
            pooled,
            huge_pages,
            ty,
            max_pages,
            host_info: HostInfo::default(),
            store_id: 0,
            charges: Default::default(),
        })
    }

    /// Makes the memory belong to `store`, charging its current size and itself to the
    /// store's resource limits.
    pub fn attach(&mut self, store: &super::store::StoreState) -> Result<(), String> {
        use super::resources::Resource;
        self.charges.attach(&store.account, Resource::MemoryBytes, Resource::Memories, self.byte_len() as u64)?;
        self.store_id = store.id;
        Ok(())
    }

    /// A memory of type `ty` for `store` (its engine's bounds-check mode and size limit),
    /// charged to the store.
    pub fn new_in(store: &super::store::Store, ty: MemoryType) -> Result<LinearMemory, String> {
        let config = store.engine.config();
        let mut m = LinearMemory::new(ty, !config.explicit_bounds_checks, config.huge_pages, config.max_memory_pages)?;
        m.attach(store)?;
        Ok(m)
    }

    pub fn vm(&self) -> *mut VMMemory {
        self.def.get()
    }

    pub fn base(&self) -> *mut u8 {
        // SAFETY: a plain read of the definition; only `grow` writes it, on the store's thread
        // (the thread calling this).
        unsafe { (*self.def.get()).base }
    }

    pub fn byte_len(&self) -> usize {
        // SAFETY: as in `base`.
        unsafe { (*self.def.get()).length as usize }
    }

    pub fn pages(&self) -> u64 {
        self.byte_len() as u64 / PAGE_SIZE
    }

    /// The type with the current size as minimum, as import matching and `wasm_memory_type` use.
    pub fn ty(&self) -> MemoryType {
        let mut t = self.ty;
        t.limits.min = self.pages();
        t
    }

    /// Grows by `delta` pages; returns the old size in pages, or `None` when the maximum (or the
    /// engine's limit) would be exceeded.
    pub fn grow(&self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages {
            return None;
        }
        if delta == 0 {
            return Some(old);
        }
        let old_len = self.byte_len();
        // new <= max_pages <= 2^24 (memory64) or 2^16 pages: no overflow.
        let new_len = (new * PAGE_SIZE) as usize;
        if new_len > self.reserved {
            return None;
        }
        if !self.charges.grow((new_len - old_len) as u64) {
            return None;
        }
        // SAFETY: `[old_len, new_len)` lies inside our reservation (`new_len` <= `reserved`,
        // checked above). Only the store's thread grows or reads the definition, so writing the
        // length through the cell races with nothing (compiled code reads it on the same thread).
        unsafe {
            let start = self.base().add(old_len);
            if libc::mprotect(start as *mut _, new_len - old_len, libc::PROT_READ | libc::PROT_WRITE) != 0 {
                self.charges.shrink((new_len - old_len) as u64);
                return None;
            }
            (*self.def.get()).length = new_len as u64;
        }
        Some(old)
    }

    /// The bytes `[offset, offset + len)` when they are in bounds.
    ///
    /// # Safety
    /// No other reference to these bytes may be live while the slice is used: take it on the
    /// store's thread for one operation, with no wasm code running on the memory meanwhile
    /// (wasm code is suspended in a builtin or not entered yet), and never across a grow.
    #[allow(clippy::mut_from_ref)] // exclusivity is the caller's obligation (# Safety)
    pub unsafe fn slice_mut(&self, offset: u64, len: u64) -> Option<&mut [u8]> {
        let end = offset.checked_add(len)?;
        if end > self.byte_len() as u64 {
            return None;
        }
        // SAFETY: the range lies within the accessible `byte_len` bytes from `base` (checked
        // above); exclusivity is the caller's obligation.
        Some(unsafe { std::slice::from_raw_parts_mut(self.base().add(offset as usize), len as usize) })
    }
}

impl Drop for LinearMemory {
    fn drop(&mut self) {
        if self.pooled {
            release_guarded(self.base(), self.byte_len(), self.huge_pages);
        } else {
            // SAFETY: the reservation is ours and no code can use it (see release_guarded).
            unsafe {
                libc::munmap(self.base() as *mut _, self.reserved);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Limits;

    fn ty(min: u64) -> MemoryType {
        MemoryType { limits: Limits { min, max: None }, memory64: false, shared: false }
    }

    /// Reused (pooled) reservations come back zeroed, with exactly the new size accessible.
    #[test]
    fn pooled_memories_are_zeroed_and_sized() {
        for round in 0..8u64 {
            let m = LinearMemory::new(ty(1 + round % 3), true, round % 2 == 0, MAX_PAGES_32).unwrap();
            assert_eq!(m.pages(), 1 + round % 3);
            let len = m.byte_len() as u64;
            // SAFETY (these calls): the test is the memory's only user.
            assert!(unsafe { m.slice_mut(0, len) }.unwrap().iter().all(|&b| b == 0));
            unsafe { m.slice_mut(0, len) }.unwrap().fill(0xAB);
            assert_eq!(m.grow(2), Some(1 + round % 3));
            let grown = m.byte_len() as u64;
            assert!(unsafe { m.slice_mut(len, grown - len) }.unwrap().iter().all(|&b| b == 0));
            unsafe { m.slice_mut(len, grown - len) }.unwrap().fill(0xCD);
            // SAFETY: as above.
            assert!(unsafe { m.slice_mut(0, grown + 1) }.is_none());
        }
    }

    /// The VmFlags of the mapping of this process that contains `addr` (from /proc/self/smaps).
    fn vm_flags(addr: usize) -> String {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut inside = false;
        for line in smaps.lines() {
            if let Some((range, _)) = line.split_once(' ') {
                if let Some((lo, hi)) = range.split_once('-') {
                    if let (Ok(lo), Ok(hi)) = (usize::from_str_radix(lo, 16), usize::from_str_radix(hi, 16)) {
                        inside = (lo..hi).contains(&addr);
                        continue;
                    }
                }
            }
            if inside {
                if let Some(flags) = line.strip_prefix("VmFlags:") {
                    return flags.to_string();
                }
            }
        }
        panic!("no mapping contains {addr:#x}");
    }

    /// With huge pages on, a memory starts on a 2 MiB boundary and its mapping carries the
    /// MADV_HUGEPAGE mark ("hg"), also after growing and when it comes from the pool; with
    /// them off it never does, even when the pool holds a reservation made with them.
    #[test]
    fn huge_pages_follow_the_setting() {
        if !transparent_huge_pages_usable() {
            eprintln!("transparent huge pages are off on this kernel; nothing to check");
            return;
        }
        let has_hg = |m: &LinearMemory| vm_flags(m.base() as usize).split_whitespace().any(|f| f == "hg");
        for guard_pages in [true, false] {
            let bounded = MemoryType { limits: Limits { min: 40, max: Some(200) }, memory64: false, shared: false };
            // Several rounds so that the second and later ones come from the pool.
            for _ in 0..3 {
                let huge = LinearMemory::new(bounded, guard_pages, true, MAX_PAGES_32).unwrap();
                let small = LinearMemory::new(bounded, guard_pages, false, MAX_PAGES_32).unwrap();
                assert_eq!(huge.base() as usize % HUGE_PAGE, 0);
                assert!(has_hg(&huge), "guard_pages={guard_pages}");
                assert!(!has_hg(&small), "guard_pages={guard_pages}");
                assert_eq!(huge.grow(100), Some(40));
                // SAFETY: no compiled code runs against these memories, so nothing else
                // accesses their bytes while the slices live.
                unsafe { huge.slice_mut(0, huge.byte_len() as u64) }.unwrap().fill(7);
                assert!(has_hg(&huge));
                assert!(unsafe { huge.slice_mut(0, huge.byte_len() as u64) }.unwrap().iter().all(|&b| b == 7));
                // Dropped in this order, the pool's last slot is the huge one: a request without
                // huge pages must skip it.
                drop(small);
                drop(huge);
                let again = LinearMemory::new(bounded, guard_pages, false, MAX_PAGES_32).unwrap();
                assert!(!has_hg(&again));
                assert!(unsafe { again.slice_mut(0, again.byte_len() as u64) }.unwrap().iter().all(|&b| b == 0));
            }
        }
        // A reservation smaller than one huge page is neither aligned on purpose nor marked.
        let tiny = MemoryType { limits: Limits { min: 1, max: Some(2) }, memory64: false, shared: false };
        let m = LinearMemory::new(tiny, false, true, MAX_PAGES_32).unwrap();
        assert!(!has_hg(&m));
    }
}
