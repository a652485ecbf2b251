//! `wasm_externtype_t`: the common object behind function, global, table and memory types.
//! The four specific type objects are `#[repr(C)]` wrappers around it, so the standard's
//! `*_as_externtype` / `externtype_as_*` conversions are pointer casts (checked by kind).
#![allow(non_camel_case_types)]

use super::functype::{wasm_functype_t, FuncTypeData};
use super::globaltype::{wasm_globaltype_t, GlobalTypeData};
use super::memorytype::{wasm_memorytype_t, MemoryTypeData};
use super::tabletype::{wasm_tabletype_t, TableTypeData};
use super::valtype::*;
use crate::capi::vec::BoxedElem;
use crate::types::ExternType;
use std::ptr;

/// The shared part of the four specific type objects (`wasm_functype_t`, ...), each a wrapper
/// of an extern type whose payload is always variant `$variant`: conversion from and to the
/// engine's type and access to the payload.
macro_rules! extern_subtype {
    ($name:ident, $variant:ident, $data:ident, $core:ty) => {
        impl crate::capi::vec::BoxedElem for $name {}

        // The `*_as_externtype` casts, and deleting one type object through the other's
        // `*_delete`, rely on the wrapper having exactly the extern type's layout.
        const _: () = assert!(
            std::mem::size_of::<$name>() == std::mem::size_of::<super::externtype::wasm_externtype_t>()
                && std::mem::align_of::<$name>() == std::mem::align_of::<super::externtype::wasm_externtype_t>()
        );

        impl $name {
            pub fn from_core(ty: &$core) -> Box<$name> {
                Box::new($name {
                    ext: super::externtype::wasm_externtype_t::from_data(super::externtype::ExternTypeData::$variant(
                        $data::from_core(ty),
                    )),
                })
            }

            pub fn to_core(&self) -> $core {
                self.core().clone()
            }

            pub fn core(&self) -> &$core {
                self.data().core()
            }

            fn data(&self) -> &$data {
                match &self.ext.which {
                    super::externtype::ExternTypeData::$variant(d) => d,
                    _ => unreachable!(concat!(stringify!($name), " always holds its own kind of type")),
                }
            }
        }
    };
}
pub(crate) use extern_subtype;

/// What an extern type describes, with the C-facing representation of each.
#[derive(Clone)]
pub enum ExternTypeData {
    Func(FuncTypeData),
    Global(GlobalTypeData),
    Table(TableTypeData),
    Memory(MemoryTypeData),
    /// A tag's payload type (kind `WASMLIFT_EXTERN_TAG`).
    Tag(FuncTypeData),
}

/// An extern type object.
#[derive(Clone)]
pub struct wasm_externtype_t {
    pub(crate) which: ExternTypeData,
}

impl BoxedElem for wasm_externtype_t {}

impl wasm_externtype_t {
    pub(crate) fn from_data(which: ExternTypeData) -> wasm_externtype_t {
        wasm_externtype_t { which }
    }

    pub fn from_core(ty: &ExternType) -> Box<wasm_externtype_t> {
        Box::new(Self::from_data(match ty {
            ExternType::Func(f) => ExternTypeData::Func(FuncTypeData::from_core(f)),
            ExternType::Global(g) => ExternTypeData::Global(GlobalTypeData::from_core(g)),
            ExternType::Table(t) => ExternTypeData::Table(TableTypeData::from_core(t)),
            ExternType::Memory(m) => ExternTypeData::Memory(MemoryTypeData::from_core(m)),
            ExternType::Tag(t) => ExternTypeData::Tag(FuncTypeData::from_core(t)),
        }))
    }

    pub fn to_core(&self) -> ExternType {
        match &self.which {
            ExternTypeData::Func(f) => ExternType::Func(f.core().clone()),
            ExternTypeData::Global(g) => ExternType::Global(*g.core()),
            ExternTypeData::Table(t) => ExternType::Table(*t.core()),
            ExternTypeData::Memory(m) => ExternType::Memory(*m.core()),
            ExternTypeData::Tag(t) => ExternType::Tag(t.core().clone()),
        }
    }

    pub fn kind(&self) -> wasm_externkind_t {
        match &self.which {
            ExternTypeData::Func(_) => WASM_EXTERN_FUNC,
            ExternTypeData::Global(_) => WASM_EXTERN_GLOBAL,
            ExternTypeData::Table(_) => WASM_EXTERN_TABLE,
            ExternTypeData::Memory(_) => WASM_EXTERN_MEMORY,
            ExternTypeData::Tag(_) => WASMLIFT_EXTERN_TAG,
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_delete(t: *mut wasm_externtype_t) {
    // SAFETY: `t` is NULL or an extern type box of ours that the caller owns and gives up (C API
    // contract, rule 4). It may have been made as a specific type object and cast here by
    // `wasm_*type_as_externtype`: those are `repr(C)` wrappers whose only field is the extern
    // type, so the allocation's layout and the value dropped are the same.
    unsafe { crate::capi::delete_boxed(t) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_copy(t: *const wasm_externtype_t) -> *mut wasm_externtype_t {
    // SAFETY: `t` is NULL or a live `wasm_externtype_t` (C API contract, rule 1).
    unsafe { crate::capi::copy_boxed(t) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_kind(t: *const wasm_externtype_t) -> wasm_externkind_t {
    // SAFETY: `t` is NULL or a live `wasm_externtype_t` (C API contract, rule 1).
    match unsafe { t.as_ref() } {
        Some(t) => t.kind(),
        None => 0,
    }
}

// Specific → extern: the wrapper's only field is the extern type, so the addresses are equal.

#[no_mangle]
pub extern "C" fn wasm_functype_as_externtype(t: *mut wasm_functype_t) -> *mut wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_globaltype_as_externtype(t: *mut wasm_globaltype_t) -> *mut wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_tabletype_as_externtype(t: *mut wasm_tabletype_t) -> *mut wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_memorytype_as_externtype(t: *mut wasm_memorytype_t) -> *mut wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_functype_as_externtype_const(t: *const wasm_functype_t) -> *const wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_globaltype_as_externtype_const(t: *const wasm_globaltype_t) -> *const wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_tabletype_as_externtype_const(t: *const wasm_tabletype_t) -> *const wasm_externtype_t {
    t.cast()
}

#[no_mangle]
pub extern "C" fn wasm_memorytype_as_externtype_const(t: *const wasm_memorytype_t) -> *const wasm_externtype_t {
    t.cast()
}

// Extern → specific: the same cast back, or NULL when the kind differs.

/// `t` cast to the specific type object `T` if its kind is `kind`, else NULL.
///
/// # Safety
/// `t` is NULL or a live `wasm_externtype_t` (C API contract, rule 1). `T` must be the
/// `repr(C)` wrapper whose payload is of kind `kind`.
unsafe fn cast_if<T>(t: *const wasm_externtype_t, kind: wasm_externkind_t) -> *const T {
    // SAFETY: `t` is NULL or a live `wasm_externtype_t` (this function's contract).
    match unsafe { t.as_ref() } {
        Some(e) if e.kind() == kind => t.cast(),
        _ => ptr::null(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_functype(t: *mut wasm_externtype_t) -> *mut wasm_functype_t {
    // SAFETY: `t` is NULL or a live extern type (C API contract, rule 1); `wasm_functype_t`
    // wraps the func kind.
    unsafe { cast_if::<wasm_functype_t>(t, WASM_EXTERN_FUNC) }.cast_mut()
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_globaltype(t: *mut wasm_externtype_t) -> *mut wasm_globaltype_t {
    // SAFETY: `t` is NULL or a live extern type (C API contract, rule 1); `wasm_globaltype_t`
    // wraps the global kind.
    unsafe { cast_if::<wasm_globaltype_t>(t, WASM_EXTERN_GLOBAL) }.cast_mut()
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_tabletype(t: *mut wasm_externtype_t) -> *mut wasm_tabletype_t {
    // SAFETY: `t` is NULL or a live extern type (C API contract, rule 1); `wasm_tabletype_t`
    // wraps the table kind.
    unsafe { cast_if::<wasm_tabletype_t>(t, WASM_EXTERN_TABLE) }.cast_mut()
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_memorytype(t: *mut wasm_externtype_t) -> *mut wasm_memorytype_t {
    // SAFETY: `t` is NULL or a live extern type (C API contract, rule 1); `wasm_memorytype_t`
    // wraps the memory kind.
    unsafe { cast_if::<wasm_memorytype_t>(t, WASM_EXTERN_MEMORY) }.cast_mut()
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_functype_const(t: *const wasm_externtype_t) -> *const wasm_functype_t {
    // SAFETY: `t` is NULL or a live extern type (C API contract, rule 1); `wasm_functype_t`
    // wraps the func kind.
    unsafe { cast_if(t, WASM_EXTERN_FUNC) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_globaltype_const(t: *const wasm_externtype_t) -> *const wasm_globaltype_t {
    // SAFETY: `t` is NULL or a live extern type (C API contract, rule 1); `wasm_globaltype_t`
    // wraps the global kind.
    unsafe { cast_if(t, WASM_EXTERN_GLOBAL) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_tabletype_const(t: *const wasm_externtype_t) -> *const wasm_tabletype_t {
    // SAFETY: `t` is NULL or a live extern type (C API contract, rule 1); `wasm_tabletype_t`
    // wraps the table kind.
    unsafe { cast_if(t, WASM_EXTERN_TABLE) }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_as_memorytype_const(t: *const wasm_externtype_t) -> *const wasm_memorytype_t {
    // SAFETY: `t` is NULL or a live extern type (C API contract, rule 1); `wasm_memorytype_t`
    // wraps the memory kind.
    unsafe { cast_if(t, WASM_EXTERN_MEMORY) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::types::*;
    use crate::types::*;

    #[test]
    fn casts_are_address_preserving_and_kind_checked() {
        // SAFETY: every pointer used is NULL or a live type object made in this test; each is
        // deleted once.
        unsafe {
            let g = wasm_globaltype_new(wasm_valtype_new(WASM_F32), WASM_CONST);
            let e = wasm_globaltype_as_externtype(g);
            assert_eq!(e as usize, g as usize);
            assert_eq!(wasm_externtype_kind(e), WASM_EXTERN_GLOBAL);
            assert_eq!(wasm_externtype_as_globaltype(e), g);
            assert!(wasm_externtype_as_functype(e).is_null());
            assert!(wasm_externtype_as_tabletype_const(e).is_null());
            assert!(wasm_externtype_as_memorytype(e).is_null());
            assert!(wasm_externtype_as_functype(ptr::null_mut()).is_null());
            // A copy made through the generic type is still a valid global type.
            let c = wasm_externtype_copy(e);
            assert_eq!(wasm_globaltype_mutability(wasm_externtype_as_globaltype_const(c)), WASM_CONST);
            // Deleting through the generic type frees the specific object.
            wasm_externtype_delete(c);
            wasm_globaltype_delete(g);
        }
    }

    #[test]
    fn core_round_trip() {
        let types = [
            ExternType::Func(FuncType::new(vec![ValType::I32], vec![])),
            ExternType::Global(GlobalType { content: ValType::EXTERNREF, mutable: true }),
            ExternType::Table(TableType {
                element: ValType::FUNCREF,
                limits: Limits { min: 0, max: Some(10) },
                table64: false,
            }),
            ExternType::Memory(MemoryType { limits: Limits { min: 1, max: None }, memory64: false, shared: false }),
        ];
        for (i, ty) in types.iter().enumerate() {
            let e = wasm_externtype_t::from_core(ty);
            assert_eq!(e.kind() as usize, i);
            assert_eq!(&e.to_core(), ty);
        }
    }
}
