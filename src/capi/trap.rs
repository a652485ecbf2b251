//! trap (placeholder)
#[derive(Clone)] pub struct wasm_frame_t { _p: () } impl crate::capi::vec::BoxedElem for wasm_frame_t {}
