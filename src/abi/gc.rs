//! The layout of garbage-collected objects (WebAssembly 3.0 GC), shared by compiled code and
//! the runtime.
//!
//! A reference value is one pointer-sized word; 0 is null (for every reference type):
//! - `i31ref`: `(value << 1) | 1`, the 31-bit value in bits 1..32 (heap objects are 8-aligned,
//!   so bit 0 tells an i31 from an object);
//! - struct and array objects, and host objects that entered wasm as `externref`: the address of
//!   the object's `VMGcHeader` in its store's GC heap;
//! - `funcref`: a `*const VMFuncRef` (not in the GC heap); `exnref`: an exception object.
//!
//! `any.convert_extern` and `extern.convert_any` therefore change no bits.
//!
//! An object is a 16-byte header followed by its payload: a struct's fields in declaration
//! order, each at its natural alignment (`struct_layout`), or an array's elements
//! (`ARRAY_ELEMENTS_OFFSET`, element size from `storage_size`).

/// Bit 0 of an i31ref.
pub const I31_TAG: u64 = 1;

/// What kind of object a header starts.
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GcKind {
    Struct = 1,
    Array = 2,
    /// A host value that entered wasm as an externref (no wasm-visible fields).
    Host = 3,
}

/// The header at the start of every GC object.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct VMGcHeader {
    /// The canonical type id (runtime::type_registry) of a struct or array; `u32::MAX` for a
    /// host object.
    pub type_id: u32,
    /// A `GcKind`.
    pub kind: u8,
    /// The collector's own bits (marking); compiled code never reads or writes them.
    pub gc_bits: u8,
    pub reserved: u16,
    /// An array's element count; 0 for other kinds. Immutable after allocation.
    pub array_len: u32,
    /// The collector's own word.
    pub gc_word: u32,
}

pub const HEADER_SIZE: u32 = std::mem::size_of::<VMGcHeader>() as u32;
pub const TYPE_ID_OFFSET: i32 = std::mem::offset_of!(VMGcHeader, type_id) as i32;
pub const KIND_OFFSET: i32 = std::mem::offset_of!(VMGcHeader, kind) as i32;
pub const ARRAY_LEN_OFFSET: i32 = std::mem::offset_of!(VMGcHeader, array_len) as i32;
/// Where an array's first element is.
pub const ARRAY_ELEMENTS_OFFSET: u32 = HEADER_SIZE;
/// The type id a host object's header carries.
pub const HOST_TYPE_ID: u32 = u32::MAX;

/// Bytes one field or element of a storage type takes: `i8` 1, `i16` 2, `i32`/`f32` 4,
/// `i64`/`f64`/references 8, `v128` 16. Callers pass the size they computed from the type;
/// this only checks it is one of those.
pub fn storage_size_is_valid(size: u32) -> bool {
    matches!(size, 1 | 2 | 4 | 8 | 16)
}

/// The offsets of a struct's fields (given their sizes, in declaration order) and the object's
/// total size: each field at its natural alignment (at most 8) after the header, the total
/// rounded up to 8.
pub fn struct_layout(field_sizes: &[u32]) -> (Box<[u32]>, u32) {
    let mut offset = HEADER_SIZE;
    let offsets = field_sizes
        .iter()
        .map(|&size| {
            let align = size.clamp(1, 8);
            offset = offset.next_multiple_of(align);
            let at = offset;
            offset += size;
            at
        })
        .collect();
    (offsets, offset.next_multiple_of(8))
}

/// The size of an array object of `len` elements of `element_size` bytes, or None past
/// `u32::MAX` bytes (such an allocation fails).
pub fn array_size(element_size: u32, len: u32) -> Option<u32> {
    (element_size as u64)
        .checked_mul(len as u64)
        .and_then(|bytes| bytes.checked_add(ARRAY_ELEMENTS_OFFSET as u64 + 7))
        .map(|bytes| bytes & !7)
        .and_then(|bytes| u32::try_from(bytes).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_sixteen_bytes_and_fields_align() {
        assert_eq!(HEADER_SIZE, 16);
        let (offsets, size) = struct_layout(&[1, 8, 2, 4, 16]);
        assert_eq!(&*offsets, &[16, 24, 32, 36, 40]);
        assert_eq!(size, 56);
        assert_eq!(struct_layout(&[]).1, 16);
        assert_eq!(array_size(1, 3), Some(24));
        assert_eq!(array_size(16, u32::MAX), None);
    }
}
