//! `wasm_instance_t`: instantiation and exports.
#![allow(non_camel_case_types)]

use crate::capi::extensions::set_error;
use crate::capi::r#extern::wasm_extern_t;
use crate::capi::r#ref::{wasm_instance_t, wasm_module_t, wasm_ref_t, wasm_trap_t};
use crate::capi::store::wasm_store_t;
use crate::capi::vec::{vec_slice, CVec};
use crate::capi::vecs::wasm_extern_vec_t;
use crate::runtime::instance::{instantiate, InstantiationError, WasmInstance};
use crate::runtime::object::Object;
use crate::runtime::trap::TrapRecord;
use std::sync::Arc;

impl wasm_instance_t {
    pub(crate) fn instance(&self) -> &Arc<WasmInstance> {
        match &self.r.obj {
            Object::Instance(i) => i,
            _ => unreachable!("a wasm_instance_t always holds an instance"),
        }
    }
}

/// Instantiates `module` with `imports` in the module's import order. On failure returns NULL
/// and, when `trap` is not NULL, stores a trap saying why (a link error names the import).
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_new(
    store: *mut wasm_store_t,
    module: *const wasm_module_t,
    imports: *const wasm_extern_vec_t,
    trap: *mut *mut wasm_trap_t,
) -> *mut wasm_instance_t {
    if !trap.is_null() {
        // SAFETY: `trap` is non-NULL, so writable storage for one pointer (C API contract,
        // rule 2); its old contents are not read.
        unsafe { trap.write(std::ptr::null_mut()) };
    }
    // SAFETY: `store` is NULL or a live `wasm_store_t`, `module` NULL or a live
    // `wasm_module_t` (C API contract, rule 1).
    let (Some(store), Some(module)) = (unsafe { store.as_ref() }, unsafe { module.as_ref() }) else {
        set_error("wasm_instance_new: store and module must not be NULL");
        return std::ptr::null_mut();
    };
    // SAFETY: `imports` is NULL or a valid vector (C API contract, rule 3), unchanged during
    // this call.
    let given = unsafe { vec_slice(imports) };
    // SAFETY: each element is NULL or a live `wasm_extern_t` (rule 1); the runtime object is
    // cloned out of it before anything runs.
    let provided: Vec<_> = given.iter().map(|e| unsafe { e.as_ref() }.and_then(|e| e.to_extern())).collect();
    // Owned for the whole instantiation: the start function may call a host function that
    // deletes the store or module handle (which the handles themselves would then not survive).
    let (store, module) = (store.store.clone(), module.module().clone());
    // A safepoint, as at `wasm_func_call`: the imports are held as counted references, and wasm
    // of this store running below (this call is made from a host function) is stopped at a call
    // into the host. A host instantiating in a loop gets its unreachable instances freed here.
    // SAFETY: as said; no reference bits are held outside the roots.
    unsafe { crate::runtime::gc::collect_if_needed(&store.inner) };
    let mut outcome = instantiate(&store, &module, &provided);
    if let Err(InstantiationError::Resource(_)) = &outcome {
        // Past a limit (instances, memory): unreachable instances may still hold what is
        // needed. Nothing of the failed attempt survives (allocation fails before any effect).
        // SAFETY: as above.
        unsafe { crate::runtime::gc::collect(&store.inner) };
        outcome = instantiate(&store, &module, &provided);
    }
    // Handles the start function's host calls deleted (see `signals::defer_drop`).
    crate::runtime::signals::release_deferred();
    match outcome {
        Ok(instance) => wasm_ref_t::boxed(Object::Instance(instance), store) as *mut wasm_instance_t,
        Err(e) => {
            let message = e.message();
            set_error(&message);
            if !trap.is_null() {
                let t = match e {
                    InstantiationError::Trap(t) => t,
                    _ => TrapRecord::new(message),
                };
                // SAFETY: `trap` is non-NULL, so writable storage for one pointer (rule 2).
                unsafe { trap.write(wasm_trap_t::new_boxed(t, &store)) };
            }
            std::ptr::null_mut()
        }
    }
}

/// The exports, in the module's export order (each a new handle owned by `out`).
#[no_mangle]
pub unsafe extern "C" fn wasm_instance_exports(instance: *const wasm_instance_t, out: *mut wasm_extern_vec_t) {
    if out.is_null() {
        return;
    }
    // SAFETY: `instance` is NULL or a live `wasm_instance_t` (C API contract, rule 1).
    let items = match unsafe { instance.as_ref() } {
        Some(i) => {
            let inst = i.instance();
            inst.exports().map(|e| wasm_extern_t::boxed(e, &i.r.store)).collect()
        }
        None => Vec::new(),
    };
    // SAFETY: `out` is non-NULL, so writable storage for one vector (C API contract, rule 2).
    unsafe { out.write(wasm_extern_vec_t::from_vec(items)) };
}
