//! Linear memories. With guard pages (the default) a 32-bit memory reserves 8 GiB of inaccessible
//! address space — enough that any u32 index plus any u32 offset plus the access size stays
//! inside it — and commits pages on growth, so compiled code needs no bounds checks. Otherwise
//! the reservation covers only the maximum size and compiled code checks every access.
//! The base address never moves.
//!
//! Released guarded reservations go to a small process-wide pool instead of being unmapped:
//! a new memory then costs no mmap (and no mprotect when the size matches), and releasing one
//! costs an madvise instead of a munmap of 8 GiB.

use super::host_info::HostInfo;
use crate::abi::vmctx::VMMemory;
use crate::types::MemoryType;
use std::cell::UnsafeCell;
use std::sync::Mutex;

pub const PAGE_SIZE: u64 = 65536;
/// Pages addressable by a 32-bit memory.
pub const MAX_PAGES_32: u64 = 65536;
const GUARDED_RESERVATION: u64 = 8 << 30;

/// A released guarded reservation: `[0, accessible)` is read-write and reads as zero (its pages
/// were dropped with MADV_DONTNEED), the rest is PROT_NONE and was never accessible.
struct FreeReservation {
    base: usize,
    accessible: usize,
}

/// At most this many released reservations (of 8 GiB address space each, no resident memory)
/// are kept for reuse.
const POOL_SLOTS: usize = 16;
static POOL: Mutex<Vec<FreeReservation>> = Mutex::new(Vec::new());

/// A pooled reservation with exactly `[0, initial)` accessible, or None.
fn take_pooled(initial: usize) -> Option<*mut u8> {
    let slot = POOL.lock().ok()?.pop()?;
    let base = slot.base as *mut u8;
    let rw = libc::PROT_READ | libc::PROT_WRITE;
    // SAFETY: the pooled reservation is ours alone (popped from the pool) and spans
    // GUARDED_RESERVATION bytes, far more than any `initial` of a 32-bit memory; changing the
    // protection of its pages affects nothing else.
    let ok = unsafe {
        if slot.accessible < initial {
            libc::mprotect(base.add(slot.accessible) as *mut _, initial - slot.accessible, rw) == 0
        } else if slot.accessible > initial {
            libc::mprotect(base.add(initial) as *mut _, slot.accessible - initial, libc::PROT_NONE) == 0
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

/// Zeroes a guarded reservation's accessible part and pools it; unmaps it if the pool is full.
fn release_guarded(base: *mut u8, accessible: usize) {
    // SAFETY: called once by the dropping memory, which owned the reservation at `base`; no code
    // can use it any more (every instance using the memory holds it). Discarding the pages
    // zeroes them for the next user.
    let pooled = unsafe { accessible == 0 || libc::madvise(base as *mut _, accessible, libc::MADV_DONTNEED) == 0 }
        && match POOL.lock() {
            Ok(mut pool) if pool.len() < POOL_SLOTS => {
                pool.push(FreeReservation { base: base as usize, accessible });
                true
            }
            _ => false,
        };
    if !pooled {
        // SAFETY: as above; the reservation is not pooled, so nothing refers to it.
        unsafe { libc::munmap(base as *mut _, GUARDED_RESERVATION as usize) };
    }
}

pub struct MemoryInner {
    /// What compiled code reads (through the pointer stored in each vmctx).
    def: UnsafeCell<VMMemory>,
    reserved: usize,
    ty: MemoryType,
    /// Largest size in pages this memory may grow to (declared maximum ∧ engine limit).
    max_pages: u64,
    pub host_info: HostInfo,
    /// The store the memory belongs to (`StoreInner::id`; 0 until the creator sets it).
    pub store_id: u64,
    /// Its bytes and itself, charged to the store (see `attach`).
    charges: super::resources::SizeCharge,
}

// SAFETY: a memory belongs to one store, which one thread uses at a time (see the threading
// rules in the README); the engine never touches it concurrently, and the reservation it owns
// may be released from any thread.
unsafe impl Send for MemoryInner {}
unsafe impl Sync for MemoryInner {}

impl MemoryInner {
    pub fn new(ty: MemoryType, guard_pages: bool, engine_max_pages: u64) -> Result<MemoryInner, String> {
        let declared_max = ty.limits.max.unwrap_or(MAX_PAGES_32).min(MAX_PAGES_32);
        let max_pages = declared_max.min(engine_max_pages);
        if ty.limits.min > max_pages {
            return Err(format!(
                "memory of {} pages exceeds the limit of {} pages",
                ty.limits.min, max_pages
            ));
        }
        let reserve = if guard_pages {
            GUARDED_RESERVATION
        } else {
            // Explicit bounds checks: reserve the maximum so the base never moves (at least one
            // page so an empty memory still has a distinct address).
            (max_pages * PAGE_SIZE).max(region::page::size() as u64)
        } as usize;
        let initial = ty.limits.min * PAGE_SIZE;
        if guard_pages {
            if let Some(base) = take_pooled(initial as usize) {
                return Ok(MemoryInner {
                    def: UnsafeCell::new(VMMemory { base, length: initial }),
                    reserved: reserve,
                    ty,
                    max_pages,
                    host_info: HostInfo::default(),
                    store_id: 0,
                    charges: Default::default(),
                });
            }
        }
        // SAFETY: a fresh private reservation, inaccessible until committed below; on failure
        // it is released before returning.
        let base = unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                reserve,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            );
            if p == libc::MAP_FAILED {
                return Err(format!("failed to reserve {reserve} bytes of address space for a linear memory"));
            }
            p as *mut u8
        };
        // SAFETY: `initial` <= max_pages * PAGE_SIZE <= `reserve` bytes of our own reservation.
        if initial > 0 && unsafe { libc::mprotect(base as *mut _, initial as usize, libc::PROT_READ | libc::PROT_WRITE) } != 0 {
            unsafe { libc::munmap(base as *mut _, reserve) };
            return Err("failed to commit linear memory".to_string());
        }
        Ok(MemoryInner {
            def: UnsafeCell::new(VMMemory { base, length: initial }),
            reserved: reserve,
            ty,
            max_pages,
            host_info: HostInfo::default(),
            store_id: 0,
            charges: Default::default(),
        })
    }

    /// Makes the memory belong to `store`, charging its current size and itself to the
    /// store's resource limits.
    pub fn attach(&mut self, store: &super::store::StoreInner) -> Result<(), String> {
        use super::resources::Resource;
        self.charges.attach(&store.account, Resource::MemoryBytes, Resource::Memories, self.byte_len() as u64)?;
        self.store_id = store.id;
        Ok(())
    }

    /// A memory of type `ty` for `store` (its engine's bounds-check mode and size limit),
    /// charged to the store.
    pub fn new_in(store: &super::store::Store, ty: MemoryType) -> Result<MemoryInner, String> {
        let config = store.engine.config();
        let mut m = MemoryInner::new(ty, !config.explicit_bounds_checks, config.max_memory_pages)?;
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

impl Drop for MemoryInner {
    fn drop(&mut self) {
        if self.reserved == GUARDED_RESERVATION as usize {
            release_guarded(self.base(), self.byte_len());
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
            let m = MemoryInner::new(ty(1 + round % 3), true, MAX_PAGES_32).unwrap();
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
}
