//! The contract between compiled code and the runtime, below both: the compiler and the
//! runtime each depend on this module and never on each other.
//!
//! - `vmctx`: the memory layout compiled code reads (instance context, function references,
//!   memories, tables, limits) and the calling conventions.
//! - `builtins`: runtime functions compiled code calls, declared once.
//! - `traps`: trap kinds, the codes compiled code raises for them and their messages.
//! - `gc`: the layout of GC objects (structs, arrays, host objects) and reference values.
//! - `code_memory`: executable memory holding compiled code.
//! - `compiled`: what compiling a module produces (code, trap sites, address maps), the
//!   settings it depends on, and the `Compiler` interface through which the runtime asks for it.

pub mod builtins;
pub mod code_memory;
pub mod compiled;
pub mod gc;
pub mod traps;
pub mod vmctx;
