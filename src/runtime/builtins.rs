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

    pub unsafe extern "C" fn elem_drop(vmctx: *mut u8, elem: u32) {
        // SAFETY: called by compiled code with its vmctx.
        let inst = unsafe { caller(vmctx) };
        // SAFETY: one access on the store's thread.
        (unsafe { inst.elements() })[elem as usize] = None;
    }
}
