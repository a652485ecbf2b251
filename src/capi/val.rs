//! val (placeholder)
#[repr(C)] #[derive(Clone, Copy)] pub struct wasm_val_t { pub kind: u8 }
impl crate::capi::vec::VecElem for wasm_val_t { fn empty() -> Self { wasm_val_t { kind: 0 } } unsafe fn deep_copy(&self) -> Self { *self } unsafe fn release(self) {} }
