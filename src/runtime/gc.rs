//! A store's GC heap: the memory of its struct, array and host (externref) objects.
//!
//! This first version allocates each object separately (zeroed, 8-aligned, header written) and
//! frees them all when the store's state goes; it does not collect yet. Every byte is charged to
//! the store's account (`Resource::GcHeapBytes`), so a guest that allocates without end reaches
//! the embedder's limit and traps instead of exhausting the host.

use super::resources::{Account, Resource};
use crate::abi::gc::{GcKind, VMGcHeader, HEADER_SIZE};
use std::alloc::Layout;
use std::ptr::NonNull;
use std::sync::Arc;

pub struct GcHeap {
    account: Arc<Account>,
    /// Every live object with its allocation layout.
    objects: Vec<(NonNull<VMGcHeader>, Layout)>,
    /// Bytes allocated and not yet freed.
    bytes: u64,
}

// SAFETY: the heap owns its allocations exclusively; it is reached only through its store's
// lock.
unsafe impl Send for GcHeap {}

impl GcHeap {
    pub fn new(account: Arc<Account>) -> GcHeap {
        GcHeap { account, objects: Vec::new(), bytes: 0 }
    }

    /// A zeroed object of `size` bytes (header included, at least `HEADER_SIZE`) with its header
    /// set to `kind`, `type_id` and `array_len`. Fails with a message past the store's limit or
    /// when the system has no memory left.
    pub fn alloc(
        &mut self,
        kind: GcKind,
        type_id: u32,
        array_len: u32,
        size: u32,
    ) -> Result<NonNull<VMGcHeader>, String> {
        let size = size.max(HEADER_SIZE).next_multiple_of(8);
        let layout = Layout::from_size_align(size as usize, 8).map_err(|e| e.to_string())?;
        self.objects.try_reserve(1).map_err(|_| out_of_memory(size))?;
        self.account.charge(Resource::GcHeapBytes, size as u64)?;
        // SAFETY: `layout` has a nonzero size (at least the header).
        let Some(object) = NonNull::new(unsafe { std::alloc::alloc_zeroed(layout) }.cast::<VMGcHeader>()) else {
            self.account.refund(Resource::GcHeapBytes, size as u64);
            return Err(out_of_memory(size));
        };
        let header = VMGcHeader { type_id, kind: kind as u8, gc_bits: 0, reserved: 0, array_len, gc_word: 0 };
        // SAFETY: the allocation is fresh, 8-aligned and at least a header long.
        unsafe { object.as_ptr().write(header) };
        self.objects.push((object, layout));
        self.bytes += size as u64;
        Ok(object)
    }

    /// Bytes of live objects.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Number of live objects.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}

fn out_of_memory(size: u32) -> String {
    format!("out of memory allocating a {size}-byte GC object")
}

impl Drop for GcHeap {
    fn drop(&mut self) {
        for (object, layout) in self.objects.drain(..) {
            // SAFETY: allocated in `alloc` with this layout and freed only here, once; nothing
            // can reach the store's objects once its state is gone.
            unsafe { std::alloc::dealloc(object.as_ptr().cast(), layout) };
        }
        self.account.refund(Resource::GcHeapBytes, self.bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_zeroed_charged_and_limited() {
        let account = Arc::new(Account::default());
        account.set_limit(Resource::GcHeapBytes, 100);
        let mut heap = GcHeap::new(account.clone());
        let a = heap.alloc(GcKind::Struct, 7, 0, 20).unwrap();
        // SAFETY: `a` is a live 24-byte object of this heap.
        unsafe {
            assert_eq!((*a.as_ptr()).type_id, 7);
            assert_eq!(*a.as_ptr().cast::<u8>().add(16), 0);
        }
        assert_eq!(heap.bytes(), 24);
        heap.alloc(GcKind::Array, 8, 8, 80).unwrap_err();
        assert_eq!(heap.len(), 1);
        drop(heap);
        account.charge(Resource::GcHeapBytes, 100).unwrap();
    }
}
