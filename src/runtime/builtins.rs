//! The bodies of the builtins compiled code calls (declared in `abi::builtins`), and the
//! table every vmctx points at. Each is entered from compiled code of a live instance on the
//! store's thread, with the vmctx of the calling instance; indices of memories, tables and
//! segments were validated at compile time, while every offset and length from the guest is
//! checked here.

use super::instance::WasmInstance;
use crate::abi::builtins::Builtins;

/// The table every instance's vmctx header points at.
pub static BUILTINS: Builtins = crate::builtin_table!(bodies);

mod bodies {
    use super::WasmInstance;
    use crate::abi::gc::{GcKind, ARRAY_ELEMENTS_OFFSET};
    use crate::abi::vmctx::VMVal;
    use crate::runtime::type_registry::{self, GcLayout};
    use crate::runtime::{gc, gc_object};
    use crate::types::FieldType;

    // Assembly stubs: they capture the calling wasm frame before entering the unwinder.
    pub use crate::runtime::exception::{wasmlift_throw_ref_stub as throw_ref, wasmlift_throw_stub as throw};

    /// The calling instance.
    ///
    /// # Safety
    /// Only for the vmctx compiled code passed to a builtin: its instance is alive for the call.
    unsafe fn caller<'a>(vmctx: *mut u8) -> &'a WasmInstance {
        // SAFETY: compiled code passes its own instance's vmctx, and its frame keeps the
        // instance alive until the builtin returns.
        unsafe { WasmInstance::borrow_vmctx(vmctx) }
    }

    pub unsafe extern "C" fn memory_grow(vmctx: *mut u8, memory: u32, delta: u64) -> u64 {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        inst.memories[memory as usize].grow(delta).unwrap_or(u64::MAX)
    }

    pub unsafe extern "C" fn memory_fill(vmctx: *mut u8, memory: u32, dst: u64, value: u32, len: u64) -> u32 {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        // SAFETY: on the store's thread, for this one operation; no other view of the bytes
        // is live (wasm code is suspended in this call).
        match unsafe { inst.memories[memory as usize].slice_mut(dst, len) } {
            Some(s) => {
                s.fill(value as u8);
                0
            }
            None => 1,
        }
    }

    pub unsafe extern "C" fn memory_copy(
        vmctx: *mut u8,
        dst_mem: u32,
        src_mem: u32,
        dst: u64,
        src: u64,
        len: u64,
    ) -> u32 {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        let d = &inst.memories[dst_mem as usize];
        let s = &inst.memories[src_mem as usize];
        // memory64 operands can be anywhere in u64: the sums are checked.
        let in_bounds = |at: u64, len_bytes: usize| at.checked_add(len).is_some_and(|end| end <= len_bytes as u64);
        if !in_bounds(dst, d.byte_len()) || !in_bounds(src, s.byte_len()) {
            return 1;
        }
        // SAFETY: both ranges lie inside their memories (checked above, without overflow);
        // `copy` allows overlap, as `memory.copy` within one memory needs.
        unsafe { std::ptr::copy(s.base().add(src as usize), d.base().add(dst as usize), len as usize) };
        0
    }

    pub unsafe extern "C" fn memory_init(vmctx: *mut u8, memory: u32, data: u32, dst: u64, src: u32, len: u32) -> u32 {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        let bytes = inst.data_bytes(data);
        let (src, len) = (src as usize, len as usize);
        if src.checked_add(len).is_none_or(|end| end > bytes.len()) {
            return 1;
        }
        // SAFETY: as in `memory_fill`; `bytes` is the module's binary, not linear memory.
        match unsafe { inst.memories[memory as usize].slice_mut(dst, len as u64) } {
            Some(d) => {
                d.copy_from_slice(&bytes[src..src + len]);
                0
            }
            None => 1,
        }
    }

    pub unsafe extern "C" fn data_drop(vmctx: *mut u8, data: u32) {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        // SAFETY: on the store's thread, one access, no other reference live.
        (unsafe { inst.dropped_data() })[data as usize] = true;
    }

    pub unsafe extern "C" fn table_grow(vmctx: *mut u8, table: u32, delta: u64, init: usize) -> u64 {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        inst.tables[table as usize].grow(delta, init).unwrap_or(u64::MAX)
    }

    /// `[start, start + len)` as a range of `usize` when it lies within `bound` elements.
    fn range_within(start: u64, len: u64, bound: usize) -> Option<std::ops::Range<usize>> {
        let end = start.checked_add(len)?;
        (end <= bound as u64).then_some(start as usize..end as usize)
    }

    pub unsafe extern "C" fn table_fill(vmctx: *mut u8, table: u32, dst: u64, value: usize, len: u64) -> u32 {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        // SAFETY: one access to this table's elements on the store's thread.
        let t = unsafe { inst.tables[table as usize].elements() };
        match range_within(dst, len, t.len()) {
            Some(r) => {
                t[r].fill(value);
                0
            }
            None => 1,
        }
    }

    pub unsafe extern "C" fn table_copy(vmctx: *mut u8, dst_t: u32, src_t: u32, dst: u64, src: u64, len: u64) -> u32 {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        let d = &inst.tables[dst_t as usize];
        let s = &inst.tables[src_t as usize];
        let (Some(dr), Some(sr)) = (range_within(dst, len, d.len()), range_within(src, len, s.len())) else {
            return 1;
        };
        // SAFETY: raw pointers, not `elements()`: source and destination may be the same table,
        // and two `&mut` to one table would alias. Both ranges were checked against the
        // lengths above (without overflow); `copy` allows overlap.
        unsafe { std::ptr::copy(s.base_ptr().add(sr.start), d.base_ptr().add(dr.start), dr.len()) };
        0
    }

    pub unsafe extern "C" fn table_init(vmctx: *mut u8, table: u32, elem: u32, dst: u64, src: u32, len: u32) -> u32 {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        // SAFETY: the segments and the table are distinct allocations, each accessed once here
        // on the store's thread.
        let items: &[usize] = unsafe { inst.elements() }[elem as usize].as_deref().unwrap_or(&[]);
        // SAFETY: as above.
        let t = unsafe { inst.tables[table as usize].elements() };
        let (Some(sr), Some(dr)) =
            (range_within(src as u64, len as u64, items.len()), range_within(dst, len as u64, t.len()))
        else {
            return 1;
        };
        t[dr].copy_from_slice(&items[sr]);
        0
    }

    pub unsafe extern "C" fn tier_up(vmctx: *mut u8, defined: u32) {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        inst.module.hot(defined as usize);
    }

    pub unsafe extern "C" fn exn_release(vmctx: *mut u8, exn: usize) {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        // SAFETY: a handler passes the (non-null) exnref it received, of this store.
        unsafe { inst.store.release_exception(exn) };
    }

    pub unsafe extern "C" fn type_mismatch(_vmctx: *mut u8, actual: u32, expected: u32) -> u32 {
        // Both ids are held: `expected` by the calling module, `actual` by the owner of the
        // function reference being called.
        !crate::runtime::type_registry::is_subtype(actual, expected) as u32
    }

    /// The layout and canonical id of the calling module's type `type_index`.
    fn gc_type(inst: &WasmInstance, type_index: u32) -> Option<(u32, std::sync::Arc<GcLayout>)> {
        let id = *inst.module.type_ids.get(type_index as usize)?;
        Some((id, type_registry::gc_layout(id)?))
    }

    // Allocations may collect: compiled code enters them through stubs that pass the frame
    // pointer the collector reaches the calling wasm frames through (`gc::alloc_from_wasm`).
    crate::gc_builtin_stub!(
        wasmlift_gc_alloc_stub,
        gc_alloc_body,
        (vmctx: *mut u8, type_index: u32, len: u32) -> usize
    );
    crate::gc_builtin_stub!(
        wasmlift_array_new_data_stub,
        array_new_data_body,
        (vmctx: *mut u8, type_index: u32, data: u32, offset: u32, len: u32) -> usize
    );
    crate::gc_builtin_stub!(
        wasmlift_array_new_elem_stub,
        array_new_elem_body,
        (vmctx: *mut u8, type_index: u32, elem: u32, offset: u32, len: u32) -> usize
    );
    pub use self::{
        wasmlift_array_new_data_stub as array_new_data, wasmlift_array_new_elem_stub as array_new_elem,
        wasmlift_gc_alloc_stub as gc_alloc,
    };

    /// `gc_alloc`, entered through its stub (`_pad*`: registers the stub leaves as they are).
    unsafe extern "C" fn gc_alloc_body(
        vmctx: *mut u8,
        type_index: u32,
        len: u32,
        _pad1: usize,
        _pad2: usize,
        exit_fp: usize,
    ) -> usize {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        let Some(&id) = inst.module.type_ids.get(type_index as usize) else { return 0 };
        // SAFETY: entered through the stub with its frame pointer; the caller holds every
        // reference it still needs in declared values (struct.new's fields are written after).
        match unsafe { gc::alloc_type_from_wasm(&inst.store, exit_fp, id, len) } {
            Ok(p) => p.as_ptr() as usize,
            Err(_) => 0,
        }
    }

    /// The element type and length of a live array, and the address of element 0.
    ///
    /// # Safety
    /// `array` is a live array object of the caller's store.
    unsafe fn array_parts(array: usize) -> Option<(FieldType, u32, *mut u8)> {
        // SAFETY: this function's contract.
        let h = unsafe { gc_object::header(array) };
        let element = type_registry::gc_layout(h.type_id)?.element?;
        // SAFETY: the elements follow the header inside the object.
        Some((element, h.array_len, unsafe { (array as *mut u8).add(ARRAY_ELEMENTS_OFFSET as usize) }))
    }

    /// The element type of a live array, the address of element 0 and the element range
    /// `offset..offset + len`, or None when the range leaves the array.
    ///
    /// # Safety
    /// As `array_parts`.
    unsafe fn array_range(array: usize, offset: u32, len: u32) -> Option<(FieldType, *mut u8, std::ops::Range<usize>)> {
        // SAFETY: this function's contract.
        let (element, array_len, base) = unsafe { array_parts(array) }?;
        Some((element, base, range_within(offset as u64, len as u64, array_len as usize)?))
    }

    pub unsafe extern "C" fn array_fill(_vmctx: *mut u8, array: usize, offset: u32, lo: u64, hi: u64, len: u32) -> u32 {
        // SAFETY: compiled code passes a non-null array reference of its store.
        let Some((element, base, r)) = (unsafe { array_range(array, offset, len) }) else { return 1 };
        let size = element.storage.size() as usize;
        if lo == 0 && hi == 0 {
            // SAFETY: the range lies inside the array (checked above).
            unsafe { std::ptr::write_bytes(base.add(r.start * size), 0, r.len() * size) };
            return 0;
        }
        let value = VMVal::from_u128(lo as u128 | (hi as u128) << 64);
        for i in r {
            // SAFETY: `i < array_len` (checked above): the element lies inside the object.
            unsafe { gc_object::write_storage(base.add(i * size), element.storage, &value) };
        }
        0
    }

    pub unsafe extern "C" fn array_copy(
        _vmctx: *mut u8,
        dst: usize,
        dst_offset: u32,
        src: usize,
        src_offset: u32,
        len: u32,
    ) -> u32 {
        // SAFETY: compiled code passes non-null array references of its store.
        let (Some((element, dst_len, dst_base)), Some((_, src_len, src_base))) =
            (unsafe { array_parts(dst) }, unsafe { array_parts(src) })
        else {
            return 1;
        };
        let (Some(dr), Some(sr)) = (
            range_within(dst_offset as u64, len as u64, dst_len as usize),
            range_within(src_offset as u64, len as u64, src_len as usize),
        ) else {
            return 1;
        };
        // Validation made the element types the same size (the source's is a subtype).
        let size = element.storage.size() as usize;
        // SAFETY: both ranges lie inside their arrays (checked above); `copy` allows overlap
        // (the same array on both sides).
        unsafe { std::ptr::copy(src_base.add(sr.start * size), dst_base.add(dr.start * size), dr.len() * size) };
        0
    }

    /// `array_new_data`, entered through its stub.
    unsafe extern "C" fn array_new_data_body(
        vmctx: *mut u8,
        type_index: u32,
        data: u32,
        offset: u32,
        len: u32,
        exit_fp: usize,
    ) -> usize {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        let Some((id, layout)) = gc_type(inst, type_index) else { return 0 };
        let Some(element) = layout.element else { return 0 };
        let size = element.storage.size() as u64;
        // The module's bytes: they stay in place even if the segment is dropped meanwhile.
        let bytes = inst.data_bytes(data);
        let Some(r) = range_within(offset as u64, len as u64 * size, bytes.len()) else { return 1 };
        let bytes = &bytes[r];
        // SAFETY: entered through the stub with its frame pointer; no reference is held.
        let new = unsafe {
            gc_object::new_array_from_wasm(&inst.store, exit_fp, id, len, |i| {
                let mut v = VMVal::default();
                let at = i as usize * size as usize;
                v.0[..size as usize].copy_from_slice(&bytes[at..at + size as usize]);
                v
            })
        };
        new.unwrap_or(0)
    }

    /// `array_new_elem`, entered through its stub.
    unsafe extern "C" fn array_new_elem_body(
        vmctx: *mut u8,
        type_index: u32,
        elem: u32,
        offset: u32,
        len: u32,
        exit_fp: usize,
    ) -> usize {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        let Some((id, layout)) = gc_type(inst, type_index) else { return 0 };
        let segment_len = |inst: &WasmInstance| {
            // SAFETY: one access to the segments on the store's thread, not held.
            (unsafe { inst.elements() })[elem as usize].as_deref().map_or(0, |items| items.len())
        };
        if range_within(offset as u64, len as u64, segment_len(inst)).is_none() {
            return 1;
        }
        let Some(size) = layout.array_size(len) else { return 0 };
        // SAFETY: entered through the stub with its frame pointer; no reference is held (the
        // segment's items are roots of the collection, read only after it).
        let Ok(object) = (unsafe { gc::alloc_from_wasm(&inst.store, exit_fp, GcKind::Array, id, len, size, &[]) })
        else {
            return 0;
        };
        // Embedder code run by the collection (a finalizer) may have run wasm dropping the
        // segment: check again, and read the items only now.
        let Some(r) = range_within(offset as u64, len as u64, segment_len(inst)) else { return 1 };
        // SAFETY: as above; the items are copied before anything else runs.
        let items: &[usize] = unsafe { inst.elements() }[elem as usize].as_deref().unwrap_or(&[]);
        let elements = (object.as_ptr() as usize + ARRAY_ELEMENTS_OFFSET as usize) as *mut usize;
        for (i, item) in items[r].iter().enumerate() {
            // SAFETY: `i < len` elements of 8 bytes (reference arrays) lie inside the object.
            unsafe { elements.add(i).write(*item) };
        }
        object.as_ptr() as usize
    }

    pub unsafe extern "C" fn array_init_data(
        vmctx: *mut u8,
        array: usize,
        dst: u32,
        data: u32,
        src: u32,
        len: u32,
    ) -> u32 {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        // SAFETY: compiled code passes a non-null array reference of its store.
        let Some((element, base, dr)) = (unsafe { array_range(array, dst, len) }) else { return 1 };
        let size = element.storage.size() as usize;
        let bytes = inst.data_bytes(data);
        let Some(sr) = range_within(src as u64, len as u64 * size as u64, bytes.len()) else { return 2 };
        // SAFETY: the destination range lies inside the array (checked above); the source is the
        // module's binary, never GC memory.
        unsafe { std::ptr::copy_nonoverlapping(bytes[sr].as_ptr(), base.add(dr.start * size), dr.len() * size) };
        0
    }

    pub unsafe extern "C" fn array_init_elem(
        vmctx: *mut u8,
        array: usize,
        dst: u32,
        elem: u32,
        src: u32,
        len: u32,
    ) -> u32 {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        // SAFETY: compiled code passes a non-null array reference of its store.
        let Some((element, base, dr)) = (unsafe { array_range(array, dst, len) }) else { return 1 };
        // SAFETY: one access to the segments on the store's thread.
        let items: &[usize] = unsafe { inst.elements() }[elem as usize].as_deref().unwrap_or(&[]);
        let Some(sr) = range_within(src as u64, len as u64, items.len()) else { return 2 };
        let size = element.storage.size() as usize;
        for (i, item) in dr.zip(&items[sr]) {
            // SAFETY: `i` lies inside the array (checked above).
            unsafe { gc_object::write_storage(base.add(i * size), element.storage, &VMVal::from_u64(*item as u64)) };
        }
        0
    }

    pub unsafe extern "C" fn elem_drop(vmctx: *mut u8, elem: u32) {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        // SAFETY: one access on the store's thread.
        (unsafe { inst.elements() })[elem as usize] = None;
    }
}
