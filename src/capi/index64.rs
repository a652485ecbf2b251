//! wasmlift's C API extensions for memory64: creating and inspecting 64-bit memory and table
//! types, whose limits `wasm_limits_t` (32-bit) cannot hold, and sizing memories in 64 bits.
//! Emitted into `include/wasmlift.h` (see build.rs); every item is written out literally so
//! that cbindgen sees it.

use crate::capi::extensions::set_error;
use crate::capi::r#ref::wasm_memory_t;
use crate::capi::types::{wasm_memorytype_t, wasm_tabletype_t, wasm_valtype_t};
use crate::runtime::memory::{MAX_PAGES_32, MAX_PAGES_64};
use crate::types::{Limits, MemoryType, TableType};
use std::ptr;

fn limits(min: u64, has_max: bool, max: u64, largest: u64, what: &str) -> Result<Limits, String> {
    let max = has_max.then_some(max);
    if min > largest || max.is_some_and(|m| m > largest) {
        return Err(format!("{what}: limits beyond {largest}"));
    }
    if max.is_some_and(|m| m < min) {
        return Err(format!("{what}: maximum {} below minimum {min}", max.unwrap_or_default()));
    }
    Ok(Limits { min, max })
}

/// A memory type with 64-bit limits in pages (`max` counts only with `has_max`), indexed by
/// i64 with `is64` (memory64) or by i32. NULL, with `wasmlift_error_message` saying why, when
/// the limits are invalid: beyond 65536 pages for a 32-bit memory or 2^48 for a 64-bit one,
/// or a maximum below the minimum.
#[no_mangle]
pub extern "C" fn wasmlift_memorytype_new64(min: u64, has_max: bool, max: u64, is64: bool) -> *mut wasm_memorytype_t {
    let largest = if is64 { MAX_PAGES_64 } else { MAX_PAGES_32 };
    match limits(min, has_max, max, largest, "wasmlift_memorytype_new64") {
        Ok(limits) => {
            Box::into_raw(wasm_memorytype_t::from_core(&MemoryType { limits, memory64: is64, shared: false }))
        }
        Err(e) => {
            set_error(&e);
            ptr::null_mut()
        }
    }
}

/// Whether the memory type is indexed by i64 (memory64). False for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_memorytype_is64(t: *const wasm_memorytype_t) -> bool {
    // SAFETY: `t` is NULL or a live `wasm_memorytype_t` (C API contract, rule 1).
    unsafe { t.as_ref() }.is_some_and(|t| t.to_core().memory64)
}

/// Writes the limits in pages to `*min`, `*has_max` and `*max` (`*max` is 0 without a
/// maximum); any of the three may be NULL. False, writing nothing, for a NULL type.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_memorytype_limits64(
    t: *const wasm_memorytype_t,
    min: *mut u64,
    has_max: *mut bool,
    max: *mut u64,
) -> bool {
    // SAFETY: `t` is NULL or a live `wasm_memorytype_t` (C API contract, rule 1).
    let Some(t) = (unsafe { t.as_ref() }) else { return false };
    // SAFETY: the out-parameters are NULL or writable (C API contract, rule 2).
    unsafe { write_limits(&t.to_core().limits, min, has_max, max) };
    true
}

/// # Safety
/// Each pointer is NULL or writable.
unsafe fn write_limits(l: &Limits, min: *mut u64, has_max: *mut bool, max: *mut u64) {
    // SAFETY: each pointer is NULL or writable (the caller's obligation).
    unsafe {
        if let Some(p) = min.as_mut() {
            *p = l.min;
        }
        if let Some(p) = has_max.as_mut() {
            *p = l.max.is_some();
        }
        if let Some(p) = max.as_mut() {
            *p = l.max.unwrap_or(0);
        }
    }
}

/// A table type with 64-bit limits in elements, indexed by i64 with `is64` (memory64's table64)
/// or by i32. Takes ownership of `element`. NULL, with `wasmlift_error_message` saying why, when
/// `element` is NULL or not a reference type, or the limits are invalid (beyond 2^32 - 1 for a
/// 32-bit table, or a maximum below the minimum).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_tabletype_new64(
    element: *mut wasm_valtype_t,
    min: u64,
    has_max: bool,
    max: u64,
    is64: bool,
) -> *mut wasm_tabletype_t {
    if element.is_null() {
        set_error("wasmlift_tabletype_new64: element type must not be NULL");
        return ptr::null_mut();
    }
    // SAFETY: `element` is a non-NULL value type box whose ownership the caller hands over
    // (C API contract, rule 4); it is freed when this function returns.
    let element = unsafe { Box::from_raw(element) };
    if !element.ty().is_ref() {
        set_error("wasmlift_tabletype_new64: tables hold references only");
        return ptr::null_mut();
    }
    let largest = if is64 { u64::MAX } else { u32::MAX as u64 };
    match limits(min, has_max, max, largest, "wasmlift_tabletype_new64") {
        Ok(limits) => {
            Box::into_raw(wasm_tabletype_t::from_core(&TableType { element: element.ty(), limits, table64: is64 }))
        }
        Err(e) => {
            set_error(&e);
            ptr::null_mut()
        }
    }
}

/// Whether the table type is indexed by i64 (table64). False for NULL.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_tabletype_is64(t: *const wasm_tabletype_t) -> bool {
    // SAFETY: `t` is NULL or a live `wasm_tabletype_t` (C API contract, rule 1).
    unsafe { t.as_ref() }.is_some_and(|t| t.to_core().table64)
}

/// Writes the limits in elements, as `wasmlift_memorytype_limits64` does for memories.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_tabletype_limits64(
    t: *const wasm_tabletype_t,
    min: *mut u64,
    has_max: *mut bool,
    max: *mut u64,
) -> bool {
    // SAFETY: `t` is NULL or a live `wasm_tabletype_t` (C API contract, rule 1).
    let Some(t) = (unsafe { t.as_ref() }) else { return false };
    // SAFETY: the out-parameters are NULL or writable (C API contract, rule 2).
    unsafe { write_limits(&t.to_core().limits, min, has_max, max) };
    true
}

/// The memory's size in pages, in 64 bits (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_memory_size64(m: *const wasm_memory_t) -> u64 {
    // SAFETY: `m` is NULL or a live `wasm_memory_t` (C API contract, rule 1).
    unsafe { m.as_ref() }.map_or(0, |m| m.memory().pages())
}

/// Grows the memory by `delta` pages (any 64-bit count) and writes the old size in pages to
/// `*old_pages` (when not NULL). False, changing nothing, past the memory's maximum, the
/// engine's ceiling (`wasmlift_config_max_memory_pages`), the store's limits or available
/// memory.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_memory_grow64(m: *mut wasm_memory_t, delta: u64, old_pages: *mut u64) -> bool {
    // SAFETY: `m` is NULL or a live `wasm_memory_t` (C API contract, rule 1).
    let Some(m) = (unsafe { m.as_ref() }) else { return false };
    match m.memory().grow(delta) {
        Some(old) => {
            // SAFETY: `old_pages` is NULL or writable (C API contract, rule 2).
            if let Some(p) = unsafe { old_pages.as_mut() } {
                *p = old;
            }
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::types::{
        wasm_limits_t, wasm_memorytype_delete, wasm_memorytype_limits, wasm_memorytype_new, wasm_tabletype_delete,
        wasm_tabletype_limits, wasm_valtype_new, WASM_FUNCREF, WASM_I32,
    };

    fn error() -> String {
        // SAFETY: the message pointer is a live C string of this thread.
        unsafe { std::ffi::CStr::from_ptr(crate::capi::extensions::wasmlift_error_message()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn memory_types_round_trip_and_refuse_to_truncate() {
        // SAFETY: every pointer is NULL or a live type object of this test, deleted once.
        unsafe {
            let t = wasmlift_memorytype_new64(1 << 17, true, 1 << 33, true);
            assert!(wasmlift_memorytype_is64(t));
            let (mut min, mut has_max, mut max) = (0, false, 0);
            assert!(wasmlift_memorytype_limits64(t, &mut min, &mut has_max, &mut max));
            assert_eq!((min, has_max, max), (1 << 17, true, 1 << 33));
            // The standard accessor refuses limits it cannot state, and says why.
            assert!(wasm_memorytype_limits(t).is_null());
            assert!(error().contains("wasmlift_memorytype_limits64"), "{}", error());
            wasm_memorytype_delete(t);
            // A maximum of exactly 0xffffffff pages would read as "no maximum".
            let t = wasmlift_memorytype_new64(0, true, u32::MAX as u64, true);
            assert!(wasm_memorytype_limits(t).is_null());
            wasm_memorytype_delete(t);
            // Fitting limits of a 64-bit type are stated exactly.
            let t = wasmlift_memorytype_new64(2, false, 0, true);
            assert_eq!(*wasm_memorytype_limits(t), wasm_limits_t { min: 2, max: u32::MAX });
            assert!(wasmlift_memorytype_limits64(t, ptr::null_mut(), &mut has_max, &mut max));
            assert_eq!((has_max, max), (false, 0));
            wasm_memorytype_delete(t);
            // The standard constructor makes 32-bit types.
            let t = wasm_memorytype_new(&wasm_limits_t { min: 1, max: 2 });
            assert!(!wasmlift_memorytype_is64(t));
            wasm_memorytype_delete(t);
            // Invalid limits: past the spec's maxima, or max below min.
            assert!(wasmlift_memorytype_new64(0, true, MAX_PAGES_64 + 1, true).is_null());
            assert!(error().contains("beyond"));
            assert!(wasmlift_memorytype_new64(MAX_PAGES_32 + 1, false, 0, false).is_null());
            assert!(wasmlift_memorytype_new64(5, true, 4, true).is_null());
            assert!(error().contains("below"));
            assert!(!wasmlift_memorytype_is64(ptr::null()));
            assert!(!wasmlift_memorytype_limits64(ptr::null(), &mut min, &mut has_max, &mut max));
        }
    }

    #[test]
    fn table_types_round_trip_and_refuse_to_truncate() {
        // SAFETY: as above.
        unsafe {
            let t = wasmlift_tabletype_new64(wasm_valtype_new(WASM_FUNCREF), 3, true, u64::MAX, true);
            assert!(wasmlift_tabletype_is64(t));
            let (mut min, mut has_max, mut max) = (0, false, 0);
            assert!(wasmlift_tabletype_limits64(t, &mut min, &mut has_max, &mut max));
            assert_eq!((min, has_max, max), (3, true, u64::MAX));
            assert!(wasm_tabletype_limits(t).is_null());
            assert!(error().contains("wasmlift_tabletype_limits64"));
            wasm_tabletype_delete(t);
            assert!(wasmlift_tabletype_new64(wasm_valtype_new(WASM_FUNCREF), 0, true, 1 << 32, false).is_null());
            assert!(wasmlift_tabletype_new64(wasm_valtype_new(WASM_I32), 0, false, 0, true).is_null());
            assert!(error().contains("references"));
            assert!(wasmlift_tabletype_new64(ptr::null_mut(), 0, false, 0, true).is_null());
        }
    }
}
