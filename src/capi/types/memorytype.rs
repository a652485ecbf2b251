//! `wasm_memorytype_t`: a memory type object (limits in 64 KiB pages), an extern type of kind
//! memory with a cached engine `MemoryType`.
#![allow(non_camel_case_types)]

use super::externtype::extern_subtype;
use super::externtype::wasm_externtype_t;
use super::limits::wasm_limits_t;
use crate::types::MemoryType;
use std::ptr;

/// The memory-type payload of an extern type.
#[derive(Clone)]
pub struct MemoryTypeData {
    /// The limits as wasm.h can state them, or None when they do not fit (memory64).
    limits: Option<wasm_limits_t>,
    core: MemoryType,
}

impl MemoryTypeData {
    pub(crate) fn from_core(core: &MemoryType) -> MemoryTypeData {
        MemoryTypeData { limits: wasm_limits_t::exact_from_core(&core.limits, core.memory64), core: *core }
    }

    pub(crate) fn core(&self) -> &MemoryType {
        &self.core
    }
}

/// A memory type object: an extern type whose payload is always `ExternTypeData::Memory`.
#[repr(C)]
#[derive(Clone)]
pub struct wasm_memorytype_t {
    pub(crate) ext: wasm_externtype_t,
}

extern_subtype!(wasm_memorytype_t, Memory, MemoryTypeData, MemoryType);

/// A 32-bit, unshared memory type with the given limits (in pages).
#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_new(limits: *const wasm_limits_t) -> *mut wasm_memorytype_t {
    // SAFETY: `limits` is NULL or points at a readable `wasm_limits_t` (C API contract, rule 1).
    match unsafe { limits.as_ref() } {
        Some(l) => Box::into_raw(wasm_memorytype_t::from_core(&MemoryType {
            limits: l.to_core(),
            memory64: false,
            shared: false,
        })),
        None => ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_delete(t: *mut wasm_memorytype_t) {
    // SAFETY: `t` is NULL or a `wasm_memorytype_t` box of ours that the caller owns and gives up (C API
    // contract, rule 4). It may have been made as an extern type and cast by
    // `wasm_externtype_as_*`: the wrapper is `repr(C)` with the extern type as its only field,
    // so the allocation's layout and the value dropped are the same.
    unsafe { crate::capi::delete_boxed(t) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_copy(t: *const wasm_memorytype_t) -> *mut wasm_memorytype_t {
    // SAFETY: `t` is NULL or a live `wasm_memorytype_t` (C API contract, rule 1).
    unsafe { crate::capi::copy_boxed(t) }
}

/// The limits in pages. NULL, with `wasmlift_error_message` saying why, when a 64-bit memory's
/// limits do not fit `wasm_limits_t` (a minimum or maximum beyond 32 bits, or a maximum of
/// exactly 0xffffffff, which would read as "no maximum"): `wasmlift_memorytype_limits64` reads
/// them in full.
#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_limits(t: *const wasm_memorytype_t) -> *const wasm_limits_t {
    // SAFETY: `t` is NULL or a live `wasm_memorytype_t` (C API contract, rule 1).
    match unsafe { t.as_ref() } {
        Some(t) => match &t.data().limits {
            Some(l) => l,
            None => {
                crate::capi::extensions::set_error(&format!(
                    "wasm_memorytype_limits: the limits of {} do not fit wasm_limits_t; use wasmlift_memorytype_limits64",
                    t.data().core
                ));
                ptr::null()
            }
        },
        None => ptr::null(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Limits;

    #[test]
    fn new_and_accessors() {
        // SAFETY: every pointer used is NULL or a live type object of this test, deleted once.
        unsafe {
            let m = wasm_memorytype_new(&wasm_limits_t { min: 1, max: 2 });
            assert_eq!(*wasm_memorytype_limits(m), wasm_limits_t { min: 1, max: 2 });
            assert_eq!((*m).core().limits, Limits { min: 1, max: Some(2) });
            assert!(!(*m).core().memory64);
            let c = wasm_memorytype_copy(m);
            wasm_memorytype_delete(m);
            assert_eq!((*wasm_memorytype_limits(c)).max, 2);
            wasm_memorytype_delete(c);
            assert!(wasm_memorytype_new(ptr::null()).is_null());
        }
    }
}
