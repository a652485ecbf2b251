//! The C ABI: one file per wasm.h concept. Each function checks its arguments, converts, and
//! calls into the runtime. Every `*_delete(NULL)` is a no-op.
//!
//! # The C caller's contract
//!
//! A C caller cannot be checked the way Rust code is, so every `unsafe extern "C"` function
//! here relies on the rules wasm.h sets for its callers. The `// SAFETY:` comments in this
//! module call them "the C API contract" and name the rule they rely on:
//!
//! 1. **Live objects.** A pointer to an object (`wasm_store_t*`, `wasm_func_t*`, a type object,
//!    a frame, ...) is NULL or points at a live object of that type created by this library and
//!    not yet deleted. Only the thread using the object's store touches it at a time (engines
//!    and shared modules excepted).
//! 2. **Out-parameters** (`out`, `trap`, `results`, ...) are NULL or point at writable storage
//!    for one value of their type. Their old contents are overwritten, never read or released.
//! 3. **Vectors** given to read are NULL or have `data` NULL or pointing at `size` initialised
//!    elements. A vector whose contents the caller hands back to the library (`*_vec_delete`,
//!    an `own wasm_xxx_vec_t*` parameter) was filled by this library (`wasm_*_vec_new*`, an
//!    out-parameter), so its buffer is a boxed slice of exactly `size` elements.
//! 4. **Ownership** (wasm.h's `own`): an `own` parameter moves to the library, and the caller
//!    does not use it again; an `own` result belongs to the caller, who deletes it exactly once
//!    with the matching `*_delete`. Results without `own` (`wasm_functype_params`,
//!    `wasm_frame_instance`, ...) are borrowed: they live as long as the object they came from
//!    and are never deleted by the caller.
//! 5. **Values**: a `wasm_val_t`'s `kind` says which union field is set; a reference value's
//!    `ref` is NULL or a live handle, owned by the value.
//! 6. **Memory ranges** given as pointer + length (`wasmlift_wat2wasm`,
//!    `wasmlift_config_serialize_key`, `wasmlift_func_call_v128`) are readable (and, for slots,
//!    writable) for that length.
//! 7. **Callbacks and finalizers** given to the library may be called with the arguments wasm.h
//!    describes: a host function's callback with its `env` (if any) and argument and result
//!    vectors, a finalizer once with its data.
//!
//! The library checks everything it can: NULL is accepted everywhere (answered with NULL, false
//! or an empty vector), kinds are checked before casts, objects of another store are refused,
//! value kinds are checked against types. What it cannot check — a dangling or forged pointer,
//! a vector whose `size` lies — is undefined behaviour here as in every wasm.h implementation.
//!
//! Every unsafe operation sits in its own `unsafe` block with a `// SAFETY:` comment
//! (`unsafe_op_in_unsafe_fn` is denied below), so that the reason is stated where it is needed.
#![deny(unsafe_op_in_unsafe_fn)]
#![allow(clippy::missing_safety_doc, reason = "the entry points' shared safety contract is the module doc above")]

pub mod vec;
pub mod vecs;
pub mod types;
pub mod val;
pub mod engine;
pub mod store;
pub mod module;
pub mod instance;
pub mod func;
pub mod global;
pub mod table;
pub mod memory;
pub mod r#extern;
pub mod r#ref;
pub mod trap;
pub mod tag;
pub mod extensions;
pub mod gcref;
pub mod index64;
pub mod version;
pub mod wasi;

/// Frees an object the library handed to C as an `own` pointer (`Box::into_raw`); NULL is a
/// no-op. The `*_delete` functions of boxed objects are this.
///
/// # Safety
/// `p` is NULL or came from `Box::into_raw(Box<T>)` in this library, and is neither used nor
/// deleted again afterwards (contract rules 1 and 4).
pub(crate) unsafe fn delete_boxed<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: non-NULL, so by this function's contract it is an unshared box of ours.
        drop(unsafe { Box::from_raw(p) });
    }
}

/// A new boxed copy of `*p` (NULL for NULL): the `*_copy` functions of boxed objects.
///
/// # Safety
/// `p` is NULL or points at a live `T` (contract rule 1).
pub(crate) unsafe fn copy_boxed<T: Clone>(p: *const T) -> *mut T {
    // SAFETY: NULL or a live `T`, by this function's contract.
    match unsafe { p.as_ref() } {
        Some(t) => Box::into_raw(Box::new(t.clone())),
        None => std::ptr::null_mut(),
    }
}
