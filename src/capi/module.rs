//! `wasm_module_t`: compile, validate, reflect (imports/exports), share across threads.
#![allow(non_camel_case_types)]

use crate::capi::extensions::set_error;
use crate::capi::r#ref::{wasm_module_t, wasm_ref_t};
use crate::capi::store::wasm_store_t;
use crate::capi::types::{wasm_exporttype_t, wasm_importtype_t};
use crate::capi::vec::{wasm_byte_vec_t, CVec};
use crate::capi::vecs::{wasm_exporttype_vec_t, wasm_importtype_vec_t};
use crate::runtime::module::{CompiledModule, Module};
use crate::runtime::object::Object;

impl wasm_module_t {
    pub(crate) fn module(&self) -> &Module {
        match &self.r.obj {
            Object::Module(m) => m,
            _ => unreachable!("a wasm_module_t always holds a module"),
        }
    }
}

/// A module that may be sent to other threads and obtained in their stores.
pub struct wasm_shared_module_t {
    module: Module,
}

/// Decodes, validates and compiles a module. On failure returns NULL and
/// `wasmlift_error_message()` says why (with the byte offset for malformed or invalid input).
#[no_mangle]
pub unsafe extern "C" fn wasm_module_new(
    store: *mut wasm_store_t,
    binary: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    // SAFETY: `store` is NULL or a live `wasm_store_t`, `binary` NULL or a valid byte vector
    // (C API contract, rules 1 and 3).
    let (Some(store), Some(binary)) = (unsafe { store.as_ref() }, unsafe { binary.as_ref() }) else {
        set_error("wasm_module_new: store and binary must not be NULL");
        return std::ptr::null_mut();
    };
    // SAFETY: `binary` is a valid byte vector (rule 3), copied before anything else runs.
    let bytes = unsafe { binary.bytes() }.to_vec();
    match CompiledModule::new(&store.store.engine, bytes) {
        Ok(m) => wasm_ref_t::boxed(Object::Module(m), store.store.clone()) as *mut wasm_module_t,
        Err(e) => {
            set_error(&e);
            std::ptr::null_mut()
        }
    }
}

/// True when the binary is a valid module this engine supports (sets the error message if not).
#[no_mangle]
pub unsafe extern "C" fn wasm_module_validate(store: *mut wasm_store_t, binary: *const wasm_byte_vec_t) -> bool {
    // SAFETY: `store` is NULL or a live `wasm_store_t`, `binary` NULL or a valid byte vector
    // (C API contract, rules 1 and 3).
    let (Some(store), Some(binary)) = (unsafe { store.as_ref() }, unsafe { binary.as_ref() }) else {
        set_error("wasm_module_validate: store and binary must not be NULL");
        return false;
    };
    // SAFETY: `binary` is a valid byte vector (rule 3) that the caller does not change during
    // the call.
    let bytes = unsafe { binary.bytes() };
    match crate::decode::validate_with(bytes, store.store.engine.config().features) {
        Ok(()) => true,
        Err(e) => {
            set_error(&e);
            false
        }
    }
}

/// The imports, with full types, in declaration order.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_imports(module: *const wasm_module_t, out: *mut wasm_importtype_vec_t) {
    if out.is_null() {
        return;
    }
    // SAFETY: `module` is NULL or a live `wasm_module_t` (C API contract, rule 1).
    let items = match unsafe { module.as_ref() } {
        Some(m) => {
            let info = &m.module().info;
            info.imports
                .iter()
                .map(|i| Box::into_raw(wasm_importtype_t::from_core(&i.module, &i.name, &info.import_extern_type(i))))
                .collect()
        }
        None => Vec::new(),
    };
    // SAFETY: `out` is non-NULL, so writable storage for one vector (C API contract, rule 2).
    unsafe { out.write(wasm_importtype_vec_t::from_vec(items)) };
}

/// The exports, with full types, in declaration order.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_exports(module: *const wasm_module_t, out: *mut wasm_exporttype_vec_t) {
    if out.is_null() {
        return;
    }
    // SAFETY: `module` is NULL or a live `wasm_module_t` (C API contract, rule 1).
    let items = match unsafe { module.as_ref() } {
        Some(m) => {
            let info = &m.module().info;
            info.exports
                .iter()
                .map(|e| Box::into_raw(wasm_exporttype_t::from_core(&e.name, &info.export_extern_type(e))))
                .collect()
        }
        None => Vec::new(),
    };
    // SAFETY: `out` is non-NULL, so writable storage for one vector (C API contract, rule 2).
    unsafe { out.write(wasm_exporttype_vec_t::from_vec(items)) };
}

#[no_mangle]
pub unsafe extern "C" fn wasm_module_share(module: *const wasm_module_t) -> *mut wasm_shared_module_t {
    // SAFETY: `module` is NULL or a live `wasm_module_t` (C API contract, rule 1).
    match unsafe { module.as_ref() } {
        Some(m) => Box::into_raw(Box::new(wasm_shared_module_t { module: m.module().clone() })),
        None => std::ptr::null_mut(),
    }
}

/// Gives a store (possibly on another thread) a handle to a shared module; no recompilation.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_obtain(
    store: *mut wasm_store_t,
    shared: *const wasm_shared_module_t,
) -> *mut wasm_module_t {
    // SAFETY: `store` is NULL or a live `wasm_store_t` and `shared` NULL or a live
    // `wasm_shared_module_t`, which may be used from any thread (C API contract, rule 1).
    match (unsafe { store.as_ref() }, unsafe { shared.as_ref() }) {
        (Some(s), Some(sh)) => {
            if !s.store.engine.same(&sh.module.engine) {
                set_error("wasm_module_obtain: the module was compiled by another engine");
                return std::ptr::null_mut();
            }
            wasm_ref_t::boxed(Object::Module(sh.module.clone()), s.store.clone()) as *mut wasm_module_t
        }
        _ => std::ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_shared_module_delete(shared: *mut wasm_shared_module_t) {
    // SAFETY: `shared` is NULL or a box from `wasm_module_share` that the caller owns and
    // gives up (C API contract, rule 4).
    unsafe { crate::capi::delete_boxed(shared) }
}

/// Serializes the compiled module (machine code and metadata) so that `wasm_module_deserialize`
/// can load it without compiling again.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_serialize(module: *const wasm_module_t, out: *mut wasm_byte_vec_t) {
    if out.is_null() {
        return;
    }
    // SAFETY: `module` is NULL or a live `wasm_module_t` (C API contract, rule 1).
    let serialized = match unsafe { module.as_ref() } {
        Some(m) => match crate::runtime::serialize::serialize(m.module()) {
            Ok(bytes) => wasm_byte_vec_t::from_bytes(&bytes),
            Err(e) => {
                set_error(&e);
                wasm_byte_vec_t::empty()
            }
        },
        None => wasm_byte_vec_t::empty(),
    };
    // SAFETY: `out` is non-NULL, so writable storage for one byte vector (C API contract, rule 2).
    unsafe { out.write(serialized) };
}

/// Loads a serialized module. Data from another engine version or CPU, or corrupted, truncated
/// or random bytes, give NULL and an error message.
#[no_mangle]
pub unsafe extern "C" fn wasm_module_deserialize(
    store: *mut wasm_store_t,
    bytes: *const wasm_byte_vec_t,
) -> *mut wasm_module_t {
    // SAFETY: `store` is NULL or a live `wasm_store_t`, `bytes` NULL or a valid byte vector
    // (C API contract, rules 1 and 3).
    let (Some(store), Some(bytes)) = (unsafe { store.as_ref() }, unsafe { bytes.as_ref() }) else {
        set_error("wasm_module_deserialize: store and bytes must not be NULL");
        return std::ptr::null_mut();
    };
    // SAFETY: `bytes` is a valid byte vector (rule 3) that the caller does not change during
    // the call. The contents themselves are untrusted: `deserialize` authenticates them.
    let bytes = unsafe { bytes.bytes() };
    match crate::runtime::serialize::deserialize(&store.store.engine, bytes) {
        Ok(m) => wasm_ref_t::boxed(Object::Module(m), store.store.clone()) as *mut wasm_module_t,
        Err(e) => {
            set_error(&e);
            std::ptr::null_mut()
        }
    }
}
