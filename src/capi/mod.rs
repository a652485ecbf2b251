//! The C ABI: one file per wasm.h concept. Each function checks its arguments, converts, and
//! calls into the runtime. Every `*_delete(NULL)` is a no-op.

pub mod vec;
pub mod vecs;
pub mod types;
pub mod val;
pub mod engine;
pub mod store;
pub mod module;
pub mod instance;
pub mod func;
pub mod global;
pub mod table;
pub mod memory;
pub mod r#extern;
pub mod r#ref;
pub mod trap;
pub mod extensions;
pub mod version;
