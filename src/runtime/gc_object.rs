//! Struct and array objects seen from the runtime: allocating them with their fields written
//! (constant expressions, `array.new*` builtins), and reading or writing one field or element
//! (builtins, the C API). Compiled code does the same inline with the layout of `abi::gc`.

use super::store::StoreState;
use super::type_registry::{self, GcLayout};
use crate::abi::gc::{GcKind, VMGcHeader, ARRAY_ELEMENTS_OFFSET, I31_TAG};
use crate::abi::vmctx::VMVal;
use crate::types::{FieldType, HeapType, StorageType, ValType};
use std::sync::Arc;

/// Writes `v` (a value of `storage`'s unpacked type) at `at`.
///
/// # Safety
/// `at` is valid for writes of `storage.size()` bytes.
pub unsafe fn write_storage(at: *mut u8, storage: StorageType, v: &VMVal) {
    let n = storage.size() as usize;
    // SAFETY: `at` has room for `n` bytes (this function's contract); VMVal holds 16 bytes,
    // little-endian, its low `n` bytes being the (wrapped) value.
    unsafe { std::ptr::copy_nonoverlapping(v.0.as_ptr(), at, n) };
}

/// Reads a field or element of `storage` at `at` as its unpacked value (packed ones
/// zero-extended).
///
/// # Safety
/// `at` is valid for reads of `storage.size()` bytes.
pub unsafe fn read_storage(at: *const u8, storage: StorageType) -> VMVal {
    let mut v = VMVal::default();
    // SAFETY: as in `write_storage`.
    unsafe { std::ptr::copy_nonoverlapping(at, v.0.as_mut_ptr(), storage.size() as usize) };
    v
}

/// The layout of canonical type `type_id` when it is a struct or array type of `kind`.
fn layout_of(type_id: u32, kind: GcKind) -> Result<Arc<GcLayout>, String> {
    match type_registry::gc_layout(type_id) {
        Some(l) if l.kind == kind => Ok(l),
        _ => Err(format!("type {type_id} is not a {kind:?} type")),
    }
}

/// A new struct of canonical type `type_id` with `fields` (one value per field, in order).
pub fn new_struct(store: &StoreState, type_id: u32, fields: &[VMVal]) -> Result<usize, String> {
    let layout = layout_of(type_id, GcKind::Struct)?;
    if fields.len() != layout.fields.len() {
        return Err(format!("struct type {type_id} has {} fields, got {}", layout.fields.len(), fields.len()));
    }
    let object = lock(store).alloc(GcKind::Struct, type_id, 0, layout.size)?;
    let base = object.as_ptr().cast::<u8>();
    for ((offset, field), v) in layout.fields.iter().zip(fields) {
        // SAFETY: the object is `layout.size` bytes and the field lies inside it (struct_layout).
        unsafe { write_storage(base.add(*offset as usize), field.storage, v) };
    }
    Ok(base as usize)
}

/// A new array of canonical type `type_id` with the elements produced by `element(i)`
/// (constant expressions: never collects).
pub fn new_array(
    store: &StoreState,
    type_id: u32,
    len: u32,
    element: impl FnMut(u32) -> VMVal,
) -> Result<usize, String> {
    new_array_with(type_id, len, false, |size| lock(store).alloc(GcKind::Array, type_id, len, size), element)
}

/// A new array of canonical type `type_id` whose elements are all zero (null, 0, +0.0).
pub fn new_zeroed_array(store: &StoreState, type_id: u32, len: u32) -> Result<usize, String> {
    new_array_with(
        type_id,
        len,
        true,
        |size| lock(store).alloc(GcKind::Array, type_id, len, size),
        |_| VMVal::default(),
    )
}

/// `new_array` for an allocation builtin entered through a `gc_builtin_stub!` stub with
/// `exit_fp`: may collect first (see `gc::alloc_from_wasm`).
///
/// # Safety
/// As `gc::alloc_from_wasm` (no reference arguments to keep: `element` must not produce
/// references it held across this call).
pub unsafe fn new_array_from_wasm(
    store: &StoreState,
    exit_fp: usize,
    type_id: u32,
    len: u32,
    element: impl FnMut(u32) -> VMVal,
) -> Result<usize, String> {
    new_array_with(
        type_id,
        len,
        false,
        // SAFETY: the caller's obligation.
        |size| unsafe { super::gc::alloc_from_wasm(store, exit_fp, GcKind::Array, type_id, len, size, &[]) },
        element,
    )
}

fn lock(store: &StoreState) -> std::sync::MutexGuard<'_, super::gc::GcHeap> {
    store.gc_heap.lock().unwrap_or_else(|e| e.into_inner())
}

/// Allocates an array of `len` elements of type `type_id` with `alloc(size)` and writes
/// `element(i)` into each (unless `zeroed`: the allocation is zeroed already).
fn new_array_with(
    type_id: u32,
    len: u32,
    zeroed: bool,
    alloc: impl FnOnce(u32) -> Result<std::ptr::NonNull<VMGcHeader>, String>,
    mut element: impl FnMut(u32) -> VMVal,
) -> Result<usize, String> {
    let layout = layout_of(type_id, GcKind::Array)?;
    let element_type = layout.element.expect("array layouts have an element type");
    let size = layout.array_size(len).ok_or_else(|| format!("an array of {len} elements is too large"))?;
    let object = alloc(size)?;
    let base = object.as_ptr().cast::<u8>();
    let step = element_type.storage.size() as usize;
    if zeroed {
        // The allocation is zeroed already (a large default array costs no writes).
        return Ok(base as usize);
    }
    for i in 0..len {
        let v = element(i);
        // SAFETY: element `i < len` lies inside the `size`-byte object (array_size).
        unsafe {
            write_storage(base.add(ARRAY_ELEMENTS_OFFSET as usize + i as usize * step), element_type.storage, &v)
        };
    }
    Ok(base as usize)
}

/// What a GC reference (non-null, from the any hierarchy) is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GcRefKind {
    I31,
    Struct,
    Array,
    /// A host value converted with `any.convert_extern`.
    Host,
}

/// Classifies non-null reference bits of the any hierarchy.
///
/// # Safety
/// `bits` is an i31 or a live object of the caller's store (header readable).
pub unsafe fn kind_of(bits: usize) -> GcRefKind {
    if bits as u64 & I31_TAG != 0 {
        return GcRefKind::I31;
    }
    // SAFETY: a live object starts with its header (this function's contract).
    let kind = unsafe { (*(bits as *const VMGcHeader)).kind };
    match kind {
        k if k == GcKind::Struct as u8 => GcRefKind::Struct,
        k if k == GcKind::Array as u8 => GcRefKind::Array,
        _ => GcRefKind::Host,
    }
}

/// Whether non-null reference `bits` (an i31, a struct or array, or a host object of the store)
/// is a value of heap type `heap` (concrete types as canonical ids): what `ref.test` computes
/// in compiled code, for values entering wasm from the host. Function and exception heap types
/// take no GC references.
///
/// # Safety
/// `bits` is an i31 or a live object (header readable) of the caller's store.
pub unsafe fn value_matches(bits: usize, heap: HeapType) -> bool {
    // SAFETY: this function's contract.
    let kind = unsafe { kind_of(bits) };
    let object_type = || {
        // SAFETY: a struct or array (kind checked by the caller below) has a header.
        unsafe { header(bits) }.type_id
    };
    match heap {
        HeapType::Any => true,
        HeapType::Extern => true,
        HeapType::Eq => kind != GcRefKind::Host,
        HeapType::I31 => kind == GcRefKind::I31,
        HeapType::Struct => kind == GcRefKind::Struct,
        HeapType::Array => kind == GcRefKind::Array,
        HeapType::ConcreteStruct(t) => kind == GcRefKind::Struct && type_registry::is_subtype(object_type(), t),
        HeapType::ConcreteArray(t) => kind == GcRefKind::Array && type_registry::is_subtype(object_type(), t),
        _ => false,
    }
}

/// The value of an i31ref, sign- or zero-extended from 31 bits.
pub fn i31_value(bits: usize, signed: bool) -> i32 {
    let v = (bits as u32) >> 1;
    if signed {
        ((v << 1) as i32) >> 1
    } else {
        v as i32
    }
}

/// The bits of `ref.i31 v`.
pub fn i31_bits(v: i32) -> usize {
    (((v as u32) << 1) | I31_TAG as u32) as usize
}

/// The header of an object.
///
/// # Safety
/// `bits` is a live struct or array object.
pub unsafe fn header<'a>(bits: usize) -> &'a VMGcHeader {
    // SAFETY: this function's contract.
    unsafe { &*(bits as *const VMGcHeader) }
}

/// Field `index` of struct `bits` with its type, or None past the last field.
///
/// # Safety
/// `bits` is a live struct object.
pub unsafe fn struct_field(bits: usize, index: u32) -> Option<(FieldType, VMVal)> {
    // SAFETY: this function's contract.
    let layout = type_registry::gc_layout(unsafe { header(bits) }.type_id)?;
    let (offset, field) = *layout.fields.get(index as usize)?;
    // SAFETY: the field lies inside the object (its layout).
    Some((field, unsafe { read_storage((bits as *const u8).add(offset as usize), field.storage) }))
}

/// The number of fields of struct `bits`.
///
/// # Safety
/// `bits` is a live struct object.
pub unsafe fn struct_len(bits: usize) -> usize {
    // SAFETY: this function's contract.
    type_registry::gc_layout(unsafe { header(bits) }.type_id).map_or(0, |l| l.fields.len())
}

/// Element `index` of array `bits` with its type, or None out of bounds.
///
/// # Safety
/// `bits` is a live array object.
pub unsafe fn array_element(bits: usize, index: u32) -> Option<(FieldType, VMVal)> {
    // SAFETY: this function's contract.
    let h = unsafe { header(bits) };
    if index >= h.array_len {
        return None;
    }
    let element = type_registry::gc_layout(h.type_id)?.element?;
    let at = ARRAY_ELEMENTS_OFFSET as usize + index as usize * element.storage.size() as usize;
    // SAFETY: `index < array_len`, so the element lies inside the object.
    Some((element, unsafe { read_storage((bits as *const u8).add(at), element.storage) }))
}

/// Sign-extends a packed field's zero-extended value (for `get_s`).
pub fn sign_extend(storage: StorageType, v: VMVal) -> VMVal {
    match storage {
        StorageType::I8 => VMVal::from_u32(v.u32() as u8 as i8 as i32 as u32),
        StorageType::I16 => VMVal::from_u32(v.u32() as u16 as i16 as i32 as u32),
        _ => v,
    }
}

/// Whether a value of `storage` holds a reference.
pub fn is_ref(storage: StorageType) -> bool {
    matches!(storage, StorageType::Val(ValType::Ref(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn i31_wraps_to_31_bits_and_extends() {
        assert_eq!(i31_value(i31_bits(-1), true), -1);
        assert_eq!(i31_value(i31_bits(-1), false), 0x7fff_ffff);
        assert_eq!(i31_value(i31_bits(0x4000_0000), true), -0x4000_0000);
        // The top bit is dropped: both inputs give the same reference.
        assert_eq!(i31_bits(0x7fff_ffff), i31_bits(-1));
        assert_eq!(i31_bits(5) & 1, 1);
    }

    #[test]
    fn packed_values_extend() {
        assert_eq!(sign_extend(StorageType::I8, VMVal::from_u32(0xff)).u32(), u32::MAX);
        assert_eq!(sign_extend(StorageType::I16, VMVal::from_u32(0x7fff)).u32(), 0x7fff);
        let mut buf = [0u8; 4];
        // SAFETY: `buf` has 4 bytes; an i16 uses 2.
        unsafe { write_storage(buf.as_mut_ptr(), StorageType::I16, &VMVal::from_u32(0x1234_5678)) };
        assert_eq!(buf, [0x78, 0x56, 0, 0]);
        // SAFETY: as above.
        assert_eq!(unsafe { read_storage(buf.as_ptr(), StorageType::I8) }.u32(), 0x78);
    }
}
