//! Small helpers over wasmlift's C API used by every target: engines in each configuration the
//! fuzzers exercise, error messages, and calling an exported function with `wasm_val_t`s.

#![allow(unused_imports)]

use std::ffi::CStr;
use std::ptr;
pub use wasmlift::capi::engine::*;
pub use wasmlift::capi::extensions::*;
pub use wasmlift::capi::func::*;
pub use wasmlift::capi::gcref::*;
pub use wasmlift::capi::global::*;
pub use wasmlift::capi::instance::*;
pub use wasmlift::capi::memory::*;
pub use wasmlift::capi::module::*;
pub use wasmlift::capi::r#extern::*;
pub use wasmlift::capi::r#ref::*;
pub use wasmlift::capi::store::*;
pub use wasmlift::capi::table::*;
pub use wasmlift::capi::tag::*;
pub use wasmlift::capi::trap::*;
pub use wasmlift::capi::types::*;
pub use wasmlift::capi::val::*;
pub use wasmlift::capi::vec::{wasm_byte_vec_t, CVec};
pub use wasmlift::capi::vecs::*;
pub use wasmlift::capi::wasi::*;

/// The engine configurations the fuzzers run modules under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineConfig {
    /// Defaults: guard pages and the signal handler catch out-of-bounds accesses.
    Default,
    /// `wasmlift_config_explicit_bounds_checks`: compiled bounds checks, no guard-page reliance.
    ExplicitBoundsChecks,
    /// `wasmlift_config_epoch_interruption` on (checks in every function entry and loop).
    Epoch,
    /// `wasmlift_config_consume_fuel` on.
    Fuel,
    /// `wasmlift_config_compilation(WASMLIFT_COMPILATION_LAZY)`: baseline code compiled on
    /// each function's first call (through lazy stubs).
    Lazy,
    /// `WASMLIFT_COMPILATION_TIERED`: lazy baseline code, patched to optimised code by a
    /// background thread while calls run.
    Tiered,
}

impl EngineConfig {
    pub const ALL: [EngineConfig; 6] = [
        EngineConfig::Default,
        EngineConfig::ExplicitBoundsChecks,
        EngineConfig::Epoch,
        EngineConfig::Fuel,
        EngineConfig::Lazy,
        EngineConfig::Tiered,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EngineConfig::Default => "default",
            EngineConfig::ExplicitBoundsChecks => "explicit-bounds-checks",
            EngineConfig::Epoch => "epoch",
            EngineConfig::Fuel => "fuel",
            EngineConfig::Lazy => "lazy",
            EngineConfig::Tiered => "tiered",
        }
    }
}

/// A fixed serialization key, so that serialized seeds stay authentic from run to run.
pub const FUZZ_SERIALIZE_KEY: &[u8; 32] = b"wasmlift fuzzing key, not secret";

/// Creates an engine in `config` through the C API; `extra` enables the 3.0 features the
/// engine has knobs for (multi-memory, tail calls). Compiles single-threaded: fuzzing runs
/// many small modules, and threads would only add noise to the sanitizers.
pub fn new_engine(config: EngineConfig, extra: bool) -> *mut wasm_engine_t {
    new_engine_with(config, extra, None)
}

/// `new_engine` with `knobs`: (memory64, exceptions + relaxed SIMD) set explicitly on or off,
/// or None for the engine's defaults (see `smith::new_engine_flavour`).
pub fn new_engine_with(config: EngineConfig, extra: bool, knobs: Option<(bool, bool)>) -> *mut wasm_engine_t {
    // SAFETY: a fresh config is handed to wasm_engine_new_with_config, which takes ownership.
    unsafe {
        let c = wasm_config_new();
        wasmlift_config_compile_threads(c, 1);
        assert!(wasmlift_config_serialize_key(c, FUZZ_SERIALIZE_KEY.as_ptr(), FUZZ_SERIALIZE_KEY.len()));
        match config {
            EngineConfig::Default => {}
            EngineConfig::ExplicitBoundsChecks => wasmlift_config_explicit_bounds_checks(c, true),
            EngineConfig::Epoch => wasmlift_config_epoch_interruption(c, true),
            EngineConfig::Fuel => wasmlift_config_consume_fuel(c, true),
            EngineConfig::Lazy => assert!(wasmlift_config_compilation(c, WASMLIFT_COMPILATION_LAZY)),
            EngineConfig::Tiered => assert!(wasmlift_config_compilation(c, WASMLIFT_COMPILATION_TIERED)),
        }
        if extra {
            wasmlift_config_multi_memory(c, true);
            wasmlift_config_tail_call(c, true);
        }
        if let Some((memory64, exn_relaxed)) = knobs {
            wasmlift_config_memory64(c, memory64);
            wasmlift_config_relaxed_simd(c, exn_relaxed);
            wasmlift_config_exceptions(c, exn_relaxed);
        }
        let e = wasm_engine_new_with_config(c);
        assert!(!e.is_null(), "engine creation failed");
        e
    }
}

/// The message of the last failed call on this thread.
pub fn last_error() -> String {
    // SAFETY: wasmlift_error_message returns a valid NUL-terminated string owned by the library.
    unsafe { CStr::from_ptr(wasmlift_error_message()).to_string_lossy().into_owned() }
}

/// A trap's message (the trap stays owned by the caller).
pub fn trap_message(trap: *const wasm_trap_t) -> String {
    // SAFETY: `trap` is a live trap; the message vector is ours to delete.
    unsafe {
        let mut msg = wasm_byte_vec_t::empty();
        wasm_trap_message(trap, &mut msg);
        let s = String::from_utf8_lossy(msg.bytes()).trim_end_matches('\0').to_string();
        wasm_byte_vec_delete(&mut msg);
        s
    }
}

/// Compiles `wasm` in `store`; NULL when rejected.
pub fn compile(store: *mut wasm_store_t, wasm: &[u8]) -> *mut wasm_module_t {
    let mut binary = wasm_byte_vec_t::from_bytes(wasm);
    // SAFETY: `binary` is a valid byte vector we own and delete after the call.
    unsafe {
        let m = wasm_module_new(store, &binary);
        wasm_byte_vec_delete(&mut binary);
        m
    }
}

/// Text to binary through `wasmlift_wat2wasm`.
pub fn wat2wasm(text: &str) -> Vec<u8> {
    // SAFETY: text/len describe a valid buffer; `out` is always written.
    unsafe {
        let mut out = wasm_byte_vec_t::empty();
        assert!(
            wasmlift_wat2wasm(text.as_ptr() as *const _, text.len(), &mut out),
            "bad test module: {}",
            last_error()
        );
        let v = out.bytes().to_vec();
        wasm_byte_vec_delete(&mut out);
        v
    }
}

pub fn zero_val(kind: wasm_valkind_t) -> wasm_val_t {
    wasm_val_t { kind, of: wasm_val_union { i64: 0 } }
}

pub fn null_trap() -> *mut wasm_trap_t {
    ptr::null_mut()
}
