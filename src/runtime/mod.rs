//! What compiled code runs against: engine, store, instances, memories, tables, globals,
//! host functions, calls across the boundary and trap handling.

pub mod builtins;
pub mod code_registry;
pub mod engine;
pub mod exception;
pub mod func;
pub mod gc;
pub mod gc_space;
pub mod gc_object;
pub mod global;
pub mod host_info;
pub mod instance;
pub mod lazy;
pub mod memory;
pub mod module;
pub mod object;
pub mod resources;
pub mod serialize;
pub mod signals;
pub mod store;
pub mod table;
pub mod type_hash;
pub mod trap;
pub mod type_registry;
