//! `wasm_config_t` and `wasm_engine_t`: engine configuration and the engine itself, thin
//! owners of the runtime's `Config` and `Engine`. wasmlift's configuration setters live in
//! `extensions.rs` (`wasmlift_config_*`).
//!
//! Environment: `WASMLIFT_EXPLICIT_BOUNDS_CHECKS=1` makes the default configuration use explicit
//! bounds checks instead of guard pages. Memory checkers such as valgrind report every
//! deliberate guard-page hit as an invalid access; the C tests set it when run under valgrind.
//! `WASMLIFT_EPOCH_INTERRUPTION=1` turns on epoch checks and `WASMLIFT_CONSUME_FUEL=1` fuel
//! metering by default (bench/sandbox-cost.sh measures their cost with them).
//! `WASMLIFT_COMPILATION=eager|lazy|tiered` sets the default compilation mode.
//! `WASMLIFT_HUGE_PAGES=0` turns transparent huge pages for linear memories off by default
//! (to compare, or where resident memory matters more than speed).
//! `WASMLIFT_INLINING=0` turns inlining of small callees off by default (to compare).
#![allow(non_camel_case_types)]

use crate::runtime::engine::{Config, Engine};
use std::ptr;

/// Engine settings, consumed by `wasm_engine_new_with_config`.
pub struct wasm_config_t {
    pub(crate) config: Config,
}

/// A compilation engine; stores created from it keep it alive internally.
pub struct wasm_engine_t {
    pub(crate) engine: Engine,
}

/// The configuration `wasm_config_new` and `wasm_engine_new` start from.
fn default_config() -> Config {
    let mut config = Config::default();
    if let Ok(v) = std::env::var("WASMLIFT_EXPLICIT_BOUNDS_CHECKS") {
        config.explicit_bounds_checks = matches!(v.as_str(), "1" | "true" | "yes" | "on");
    }
    if let Ok(v) = std::env::var("WASMLIFT_EPOCH_INTERRUPTION") {
        config.epoch_interruption = matches!(v.as_str(), "1" | "true" | "yes" | "on");
    }
    if let Ok(v) = std::env::var("WASMLIFT_COMPILATION") {
        let mode = match v.as_str() {
            "lazy" => crate::runtime::lazy::CompilationMode::Lazy,
            "tiered" => crate::runtime::lazy::CompilationMode::Tiered,
            "eager" => crate::runtime::lazy::CompilationMode::Eager,
            _ => crate::runtime::lazy::CompilationMode::default_mode(),
        };
        if mode.supported() {
            config.compilation = mode;
        }
    }
    if let Ok(v) = std::env::var("WASMLIFT_CONSUME_FUEL") {
        config.consume_fuel = matches!(v.as_str(), "1" | "true" | "yes" | "on");
    }
    if let Ok(v) = std::env::var("WASMLIFT_HUGE_PAGES") {
        config.huge_pages = matches!(v.as_str(), "1" | "true" | "yes" | "on");
    }
    if let Ok(v) = std::env::var("WASMLIFT_INLINING") {
        config.inlining = !matches!(v.as_str(), "0" | "false" | "no" | "off");
    }
    config
}

#[no_mangle]
pub extern "C" fn wasm_config_new() -> *mut wasm_config_t {
    Box::into_raw(Box::new(wasm_config_t { config: default_config() }))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_config_delete(config: *mut wasm_config_t) {
    // SAFETY: `config` is NULL or a box from `wasm_config_new` that the caller owns and gives
    // up (C API contract, rule 4).
    unsafe { crate::capi::delete_boxed(config) }
}

fn engine_from(config: Config) -> *mut wasm_engine_t {
    let compiler = match crate::compiler::Cranelift::for_host() {
        Ok(c) => std::sync::Arc::new(c),
        Err(_) => return ptr::null_mut(),
    };
    match Engine::new(config, compiler) {
        Ok(engine) => Box::into_raw(Box::new(wasm_engine_t { engine })),
        Err(_) => ptr::null_mut(),
    }
}

/// An engine with the default configuration; NULL if the host is unsupported.
#[no_mangle]
pub extern "C" fn wasm_engine_new() -> *mut wasm_engine_t {
    engine_from(default_config())
}

/// Takes ownership of `config` (which may be NULL for the defaults).
#[no_mangle]
pub unsafe extern "C" fn wasm_engine_new_with_config(config: *mut wasm_config_t) -> *mut wasm_engine_t {
    if config.is_null() {
        return engine_from(default_config());
    }
    // SAFETY: non-NULL, so a box from `wasm_config_new` whose ownership the caller hands over
    // (`own wasm_config_t*`, C API contract rule 4); it is freed here, once.
    let config = unsafe { Box::from_raw(config) };
    engine_from(config.config)
}

#[no_mangle]
pub unsafe extern "C" fn wasm_engine_delete(engine: *mut wasm_engine_t) {
    // SAFETY: `engine` is NULL or a box from `wasm_engine_new*` that the caller owns and gives
    // up (C API contract, rule 4). Stores keep their own reference to the engine.
    unsafe { crate::capi::delete_boxed(engine) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_takes_config_settings() {
        // SAFETY: every pointer used is NULL or was just returned by the function under test
        // and is deleted once.
        unsafe {
            let c = wasm_config_new();
            (*c).config.max_wasm_stack = 12345;
            let e = wasm_engine_new_with_config(c);
            assert!(!e.is_null());
            assert_eq!((*e).engine.config().max_wasm_stack, 12345);
            wasm_engine_delete(e);
            let e = wasm_engine_new();
            assert!(!e.is_null());
            wasm_engine_delete(e);
            wasm_engine_delete(ptr::null_mut());
            wasm_config_delete(ptr::null_mut());
            wasm_config_delete(wasm_config_new());
        }
    }
}
