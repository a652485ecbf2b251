//! wasmlift: a WebAssembly engine that compiles modules to native code with Cranelift and
//! exposes the standard WebAssembly C API (`wasm.h`).
//!
//! Layers (see ARCHITECTURE.md), each importing only those below it: `decode` parses and
//! validates binaries; `abi` is the contract between generated code and the runtime; `compiler`
//! turns modules into machine code and `runtime` holds what that code runs against (neither
//! imports the other); `capi` is the thin C ABI on top.
//!
//! Panic policy: a panic inside the library is a bug. Every C entry point is `extern "C"`, so
//! Rust aborts the process with a message if a panic would cross into C (release builds also use
//! `panic = "abort"`); no panic ever unwinds into C code.

#![deny(unsafe_op_in_unsafe_fn)]

pub mod abi;
pub mod capi;
pub mod compiler;
pub mod decode;
pub mod runtime;
pub mod types;
pub mod wasi;
