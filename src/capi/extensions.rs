//! wasmlift's extensions to the standard C API (`wasmlift_*`), emitted into `include/wasmlift.h`
//! instead of `wasm.h` (see build.rs). Every item here must be written out literally so that
//! cbindgen sees it.

use crate::capi::engine::wasm_config_t;
use crate::capi::types::wasm_valkind_t;

/// The `wasm_valkind_t` of 128-bit SIMD values (`v128`), which the standard API has no kind
/// for. `wasm_valtype_new(WASMLIFT_V128)` creates the type; it appears in the function types
/// of modules that use SIMD. `wasm_valkind_is_num` is true for it.
pub const WASMLIFT_V128: wasm_valkind_t = 4;

/// Bytes of native stack that WebAssembly code may use per call from the host; deeper
/// recursion traps with "call stack exhausted". Default 1 MiB.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_max_wasm_stack(config: *mut wasm_config_t, size: usize) {
    if let Some(c) = config.as_mut() {
        c.config.max_wasm_stack = size;
    }
}

/// Compile explicit bounds checks into memory accesses instead of relying on guard pages
/// and the signal handler. Default false.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_explicit_bounds_checks(config: *mut wasm_config_t, enable: bool) {
    if let Some(c) = config.as_mut() {
        c.config.explicit_bounds_checks = enable;
    }
}

/// Threads used to compile one module; 0 (the default) uses every available core.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_compile_threads(config: *mut wasm_config_t, threads: usize) {
    if let Some(c) = config.as_mut() {
        c.config.compile_threads = threads;
    }
}

/// Engine-wide ceiling on any linear memory's size, in 64 KiB pages (default 65536 = 4 GiB);
/// `memory.grow` past it fails and module instantiation needing more traps.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_config_max_memory_pages(config: *mut wasm_config_t, pages: u64) {
    if let Some(c) = config.as_mut() {
        c.config.max_memory_pages = pages;
    }
}

#[cfg(test)]
mod config_tests {
    use super::*;
    use crate::capi::engine::{wasm_config_delete, wasm_config_new};

    #[test]
    fn setters_change_the_config_and_ignore_null() {
        unsafe {
            let c = wasm_config_new();
            wasmlift_config_max_wasm_stack(c, 4096);
            wasmlift_config_explicit_bounds_checks(c, true);
            wasmlift_config_compile_threads(c, 1);
            wasmlift_config_max_memory_pages(c, 10);
            let cfg = &(*c).config;
            assert_eq!((cfg.max_wasm_stack, cfg.explicit_bounds_checks, cfg.compile_threads, cfg.max_memory_pages), (4096, true, 1, 10));
            wasm_config_delete(c);
            wasmlift_config_max_wasm_stack(std::ptr::null_mut(), 1);
        }
    }
}
