//! Type objects of wasm.h (placeholder until the type system lands).
#![allow(non_camel_case_types)]
use crate::capi::vec::BoxedElem;
macro_rules! placeholder { ($($t:ident),*) => { $( #[derive(Clone)] pub struct $t { _p: () } impl BoxedElem for $t {} )* } }
placeholder!(wasm_valtype_t, wasm_functype_t, wasm_globaltype_t, wasm_tabletype_t, wasm_memorytype_t, wasm_externtype_t, wasm_importtype_t, wasm_exporttype_t);
