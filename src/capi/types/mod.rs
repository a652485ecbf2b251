//! Type objects of wasm.h: value, function, global, table, memory, extern, import and export
//! types, plus `wasm_limits_t`. Each object keeps both the C-facing representation (so accessors
//! can hand out pointers into it) and a cached copy of the engine's own type for the runtime.
#![allow(non_camel_case_types)]

mod exporttype;
mod externtype;
mod functype;
mod globaltype;
mod importtype;
mod limits;
mod memorytype;
mod tabletype;
mod tagtype;
mod valtype;

pub use exporttype::*;
pub use externtype::*;
pub use functype::*;
pub use globaltype::*;
pub use importtype::*;
pub use limits::*;
pub use memorytype::*;
pub use tabletype::*;
pub use tagtype::*;
pub use valtype::*;

/// Moves the contents of a caller-owned vector out (the standard's `own wasm_xxx_vec_t*`
/// parameters), leaving an empty vector behind so a double free is impossible.
///
/// # Safety
/// `v` must be null or point at a valid vector whose buffer this library allocated.
pub(crate) unsafe fn take_vec<V: crate::capi::vec::CVec>(v: *mut V) -> V {
    // SAFETY: `v` is NULL or a valid vector (this function's contract), not otherwise
    // referenced during this call.
    let Some(v) = (unsafe { v.as_mut() }) else { return V::empty() };
    std::mem::replace(v, V::empty())
}
