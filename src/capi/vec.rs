//! `wasm_*_vec_t`: the standard's vectors, with its ownership rules — `new` takes ownership of
//! the elements, `copy` is deep, `delete` frees the elements and the buffer.

use std::ptr;
pub use crate::capi::vecs::wasm_byte_vec_t;

/// How a vector element is deep-copied and released.
pub trait VecElem: Sized {
    /// The value `new_uninitialized` fills with (zero bytes, null pointers).
    fn empty() -> Self;
    /// # Safety
    /// `self` must be a valid element (owned pointers point at live objects or are null).
    unsafe fn deep_copy(&self) -> Self;
    /// # Safety
    /// Releases what the element owns; it must not be used afterwards.
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
        if self.is_null() {
            ptr::null_mut()
        } else {
            Box::into_raw(Box::new((**self).clone()))
        }
    }
    unsafe fn release(self) {
        if !self.is_null() {
            drop(Box::from_raw(self));
        }
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
/// `data`/`size` must come from `into_raw_parts` (or be null/0).
pub unsafe fn from_raw_parts<E>(size: usize, data: *mut E) -> Vec<E> {
    if data.is_null() || size == 0 {
        return Vec::new();
    }
    Box::from_raw(ptr::slice_from_raw_parts_mut(data, size)).into_vec()
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
    /// The vector must be valid (data points at `size` elements, or is null).
    unsafe fn as_slice(&self) -> &[Self::Elem] {
        let (size, data) = self.parts();
        if data.is_null() || size == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(data, size)
        }
    }
    /// Takes the elements out, leaving the vector empty (ownership moves to the caller).
    /// # Safety
    /// The vector must own a buffer allocated by this library.
    unsafe fn take(&mut self) -> Vec<Self::Elem> {
        let (size, data) = self.parts();
        *self = Self::empty();
        from_raw_parts(size, data)
    }
}

pub unsafe fn vec_new_empty<V: CVec>(out: *mut V) {
    if !out.is_null() {
        out.write(V::empty());
    }
}

pub unsafe fn vec_new_uninitialized<V: CVec>(out: *mut V, size: usize) {
    if !out.is_null() {
        out.write(V::from_vec((0..size).map(|_| V::Elem::empty()).collect()));
    }
}

pub unsafe fn vec_new<V: CVec>(out: *mut V, size: usize, data: *const V::Elem) {
    if out.is_null() {
        return;
    }
    if data.is_null() || size == 0 {
        out.write(V::empty());
        return;
    }
    let items = std::slice::from_raw_parts(data, size).iter().map(|e| ptr::read(e)).collect();
    out.write(V::from_vec(items));
}

pub unsafe fn vec_copy<V: CVec>(out: *mut V, src: *const V) {
    if out.is_null() {
        return;
    }
    if src.is_null() {
        out.write(V::empty());
        return;
    }
    let items = (*src).as_slice().iter().map(|e| e.deep_copy()).collect();
    out.write(V::from_vec(items));
}

pub unsafe fn vec_delete<V: CVec>(v: *mut V) {
    if v.is_null() {
        return;
    }
    for e in (*v).take() {
        e.release();
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
    /// The vector must be valid.
    pub unsafe fn bytes(&self) -> &[u8] {
        let s = self.as_slice();
        std::slice::from_raw_parts(s.as_ptr() as *const u8, s.len())
    }
}
