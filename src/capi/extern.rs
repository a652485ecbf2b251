//! extern (placeholder)
#[derive(Clone)] pub struct wasm_extern_t { _p: () } impl crate::capi::vec::BoxedElem for wasm_extern_t {}
