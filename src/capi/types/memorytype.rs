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
    limits: wasm_limits_t,
    core: MemoryType,
}

impl MemoryTypeData {
    pub(crate) fn from_core(core: &MemoryType) -> MemoryTypeData {
        MemoryTypeData { limits: wasm_limits_t::from_core(&core.limits), core: *core }
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
    match limits.as_ref() {
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
    if !t.is_null() {
        drop(Box::from_raw(t));
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_copy(t: *const wasm_memorytype_t) -> *mut wasm_memorytype_t {
    match t.as_ref() {
        Some(t) => Box::into_raw(Box::new(t.clone())),
        None => ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_limits(t: *const wasm_memorytype_t) -> *const wasm_limits_t {
    match t.as_ref() {
        Some(t) => &t.data().limits,
        None => ptr::null(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Limits;

    #[test]
    fn new_and_accessors() {
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
