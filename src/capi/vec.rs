//! `wasm_*_vec_t`: the standard's vectors, with its ownership rules — `new` takes ownership of
//! the elements, `copy` is deep, `delete` frees the elements and the buffer.

pub use crate::capi::vecs::wasm_byte_vec_t;
use std::ptr;

/// How a vector element is deep-copied and released.
pub trait VecElem: Sized {
    /// The value `new_uninitialized` fills with (zero bytes, null pointers).
    fn empty() -> Self;
    /// # Safety
    /// `self` must be a valid element (owned pointers point at live objects or are null).
    unsafe fn deep_copy(&self) -> Self;
    /// Releases what the element owns.
    /// # Safety
    /// `self` must be a valid element that owns what it points at; it is not used afterwards.
    unsafe fn release(self);
}

impl VecElem for std::os::raw::c_char {
    fn empty() -> Self {
        0
    }
    unsafe fn deep_copy(&self) -> Self {
        *self
    }
    unsafe fn release(self) {}
}

/// Elements that are owned boxed objects (`wasm_valtype_t*`, `wasm_frame_t*`, ...): copied with
/// `Clone`, freed by dropping the box. Null elements stay null.
pub trait BoxedElem: Clone {}

impl<T: BoxedElem> VecElem for *mut T {
    fn empty() -> Self {
        ptr::null_mut()
    }
    unsafe fn deep_copy(&self) -> Self {
        // SAFETY: the element is NULL or points at a live `T` (`VecElem::deep_copy`'s contract).
        unsafe { crate::capi::copy_boxed(*self) }
    }
    unsafe fn release(self) {
        // SAFETY: an owned element is NULL or a box of ours (`VecElem::release`'s contract:
        // the element owns it and is not used afterwards).
        unsafe { crate::capi::delete_boxed(self) }
    }
}

/// Moves `items` into a freshly allocated buffer owned by a C vector.
pub fn into_raw_parts<E>(items: Vec<E>) -> (usize, *mut E) {
    if items.is_empty() {
        return (0, ptr::null_mut());
    }
    let boxed = items.into_boxed_slice();
    let size = boxed.len();
    (size, Box::into_raw(boxed) as *mut E)
}

/// # Safety
/// `data`/`size` must come from `into_raw_parts` (or be null/0), and the buffer must not be
/// used through `data` afterwards.
pub unsafe fn from_raw_parts<E>(size: usize, data: *mut E) -> Vec<E> {
    if data.is_null() || size == 0 {
        return Vec::new();
    }
    // SAFETY: by this function's contract the pointer and length are those of a boxed slice
    // made by `into_raw_parts`, whose ownership the caller gives up.
    unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(data, size)) }.into_vec()
}

/// A C vector type: `size` elements at `data`.
pub trait CVec: Sized {
    type Elem: VecElem;
    fn parts(&self) -> (usize, *mut Self::Elem);
    fn from_parts(size: usize, data: *mut Self::Elem) -> Self;

    fn from_vec(items: Vec<Self::Elem>) -> Self {
        let (size, data) = into_raw_parts(items);
        Self::from_parts(size, data)
    }
    fn empty() -> Self {
        Self::from_parts(0, ptr::null_mut())
    }
    /// # Safety
    /// The vector must be valid (data points at `size` initialised elements, or is null), and
    /// the elements must not be changed through another pointer while the slice is in use.
    unsafe fn as_slice(&self) -> &[Self::Elem] {
        let (size, data) = self.parts();
        if data.is_null() || size == 0 {
            &[]
        } else {
            // SAFETY: non-null `data` points at `size` initialised elements (this function's
            // contract), borrowed for as long as `self` is.
            unsafe { std::slice::from_raw_parts(data, size) }
        }
    }
    /// Takes the elements out, leaving the vector empty (ownership moves to the caller).
    /// # Safety
    /// The vector must own a buffer allocated by this library (`into_raw_parts`) with exactly
    /// `size` elements, or be empty.
    unsafe fn take(&mut self) -> Vec<Self::Elem> {
        let (size, data) = self.parts();
        *self = Self::empty();
        // SAFETY: the parts are this library's boxed slice (this function's contract), and
        // `self` no longer refers to it, so the buffer has exactly one owner again.
        unsafe { from_raw_parts(size, data) }
    }
}

/// The elements of a vector the caller passes in to be read; NULL reads as empty.
///
/// # Safety
/// `v` is NULL or a valid vector (C API contract, rule 3) whose elements stay unchanged while
/// the slice is used (the caller picks `'a` accordingly).
pub unsafe fn vec_slice<'a, V: CVec + 'a>(v: *const V) -> &'a [V::Elem] {
    // SAFETY: `v` is NULL or a valid vector (this function's contract).
    match unsafe { v.as_ref() } {
        // SAFETY: a valid vector's data/size describe initialised elements.
        Some(v) => unsafe { v.as_slice() },
        None => &[],
    }
}

/// `wasm_*_vec_new_empty`.
///
/// # Safety
/// `out` is NULL or writable storage for one `V` (C API contract, rule 2).
pub unsafe fn vec_new_empty<V: CVec>(out: *mut V) {
    if !out.is_null() {
        // SAFETY: non-NULL, so writable for one `V` (this function's contract); the old
        // contents are garbage by rule 2 and are not dropped.
        unsafe { out.write(V::empty()) };
    }
}

/// `wasm_*_vec_new_uninitialized`: `size` empty elements (zero bytes, null pointers).
///
/// # Safety
/// `out` is NULL or writable storage for one `V` (C API contract, rule 2).
pub unsafe fn vec_new_uninitialized<V: CVec>(out: *mut V, size: usize) {
    if !out.is_null() {
        // SAFETY: non-NULL, so writable for one `V` (this function's contract).
        unsafe { out.write(V::from_vec((0..size).map(|_| V::Elem::empty()).collect())) };
    }
}

/// `wasm_*_vec_new`: moves `size` elements from `data` into a new vector.
///
/// # Safety
/// `out` is NULL or writable storage for one `V`; `data` is NULL or points at `size`
/// initialised elements whose ownership moves into the vector (C API contract, rules 2-4).
pub unsafe fn vec_new<V: CVec>(out: *mut V, size: usize, data: *const V::Elem) {
    if out.is_null() {
        return;
    }
    if data.is_null() || size == 0 {
        // SAFETY: `out` is non-NULL, so writable for one `V` (this function's contract).
        unsafe { out.write(V::empty()) };
        return;
    }
    // SAFETY: `data` points at `size` initialised elements (this function's contract).
    let given = unsafe { std::slice::from_raw_parts(data, size) };
    // SAFETY: each element is read once and its ownership moves into the new vector: the
    // caller gave it up (wasm.h `own`), so the bitwise copy is the only owner from now on.
    let items = given.iter().map(|e| unsafe { ptr::read(e) }).collect();
    // SAFETY: `out` is non-NULL, so writable for one `V` (this function's contract).
    unsafe { out.write(V::from_vec(items)) };
}

/// `wasm_*_vec_copy`: a deep copy (owned elements are copied, not shared).
///
/// # Safety
/// `out` is NULL or writable storage for one `V`; `src` is NULL or a valid vector whose
/// elements are live (C API contract, rules 1-3).
pub unsafe fn vec_copy<V: CVec>(out: *mut V, src: *const V) {
    if out.is_null() {
        return;
    }
    // SAFETY: `src` is NULL or a valid vector (this function's contract).
    let Some(src) = (unsafe { src.as_ref() }) else {
        // SAFETY: `out` is non-NULL, so writable for one `V` (this function's contract).
        unsafe { out.write(V::empty()) };
        return;
    };
    // SAFETY: `src` is a valid vector, so its data/size describe initialised elements, and
    // those elements are live, as `deep_copy` requires (this function's contract).
    let items = unsafe { src.as_slice() }.iter().map(|e| unsafe { e.deep_copy() }).collect();
    // SAFETY: `out` is non-NULL, so writable for one `V` (this function's contract). `out`
    // may equal `src`: the copy is complete before the write, which only forgets the old parts.
    unsafe { out.write(V::from_vec(items)) };
}

/// `wasm_*_vec_delete`: releases the elements and the buffer, leaving `*v` empty.
///
/// # Safety
/// `v` is NULL or a vector the caller owns whose buffer this library allocated, and whose
/// elements are not used afterwards (C API contract, rules 3 and 4).
pub unsafe fn vec_delete<V: CVec>(v: *mut V) {
    // SAFETY: `v` is NULL or a valid, caller-owned vector (this function's contract); the
    // mutable borrow ends before anything else can see `*v`.
    let Some(v) = (unsafe { v.as_mut() }) else { return };
    // SAFETY: the buffer is this library's boxed slice of `size` elements (contract rule 3).
    for e in unsafe { v.take() } {
        // SAFETY: each element is owned by the vector and released exactly once here.
        unsafe { e.release() };
    }
}

macro_rules! impl_cvec {
    ($vec:ident, $elem:ty) => {
        impl $crate::capi::vec::CVec for $vec {
            type Elem = $elem;
            fn parts(&self) -> (usize, *mut $elem) {
                (self.size, self.data)
            }
            fn from_parts(size: usize, data: *mut $elem) -> Self {
                $vec { size, data }
            }
        }
    };
}
pub(crate) use impl_cvec;

#[allow(non_camel_case_types)]
pub type wasm_byte_t = std::os::raw::c_char;
#[allow(non_camel_case_types)]
pub type wasm_name_t = wasm_byte_vec_t;
/// A NUL-terminated message.
#[allow(non_camel_case_types)]
pub type wasm_message_t = wasm_name_t;

impl wasm_byte_vec_t {
    pub fn from_bytes(bytes: &[u8]) -> wasm_byte_vec_t {
        wasm_byte_vec_t::from_vec(bytes.iter().map(|b| *b as wasm_byte_t).collect())
    }
    /// # Safety
    /// The vector must be valid (see `CVec::as_slice`).
    pub unsafe fn bytes(&self) -> &[u8] {
        // SAFETY: the vector is valid (this function's contract).
        let s = unsafe { self.as_slice() };
        // SAFETY: `c_char` and `u8` have the same size and alignment and every bit pattern is
        // valid for both, so the same memory reads as bytes for the same lifetime.
        unsafe { std::slice::from_raw_parts(s.as_ptr() as *const u8, s.len()) }
    }
}
