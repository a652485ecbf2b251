//! What compiled code runs against: engine, store, instances, memories, tables, globals,
//! host functions, calls across the boundary and trap handling.

pub mod code_memory;
pub mod engine;
pub mod vmctx;
