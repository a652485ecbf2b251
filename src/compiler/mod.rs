//! WebAssembly → Cranelift IR → machine code. Compiles every defined function of a module (in
//! parallel), the module's entry trampolines, and the engine's host-call trampolines.
//!
//! INTERFACE CONTRACT (used by src/runtime): see src/runtime/vmctx.rs for the vmctx layout,
//! calling conventions, builtins and trap codes.

use crate::module::ModuleInfo;
use crate::runtime::code_memory::CodeMemory;
use crate::runtime::vmctx::TrapKind;
use crate::types::FuncType;
use cranelift_codegen::isa::TargetIsa;
use std::sync::Arc;

/// Code-generation choices fixed per engine.
#[derive(Clone, Debug)]
pub struct Tunables {
    /// Emit explicit bounds checks on every memory access instead of relying on the 8 GiB
    /// guard-page reservation (base + u32 index + u32 offset never leaves the reservation).
    pub explicit_bounds_checks: bool,
}

/// A trapping instruction inside a compiled function.
#[derive(Clone, Debug)]
pub struct TrapSite {
    /// Offset of the instruction from the start of its function's code.
    pub offset: u32,
    pub kind: TrapKind,
}

#[derive(Clone, Debug)]
pub struct CompiledFunction {
    /// Offset of the function's first instruction inside `CompiledCode::code`.
    pub offset: u32,
    pub len: u32,
    /// Sorted by offset.
    pub traps: Vec<TrapSite>,
    /// (offset of an instruction from the function start, wasm offset in the module binary of
    /// the operator it came from), sorted by code offset.
    pub address_map: Vec<(u32, u32)>,
}

/// The machine code of a module (or of a standalone trampoline), ready to run.
pub struct CompiledCode {
    pub code: Arc<CodeMemory>,
    /// One per defined function, in function-index order (imports excluded).
    pub functions: Vec<CompiledFunction>,
    /// For each type index of the module: offset in `code` of its entry trampoline.
    pub entry_trampolines: Vec<u32>,
}

/// Builds the host's Cranelift ISA with the settings the engine relies on (opt_level=speed,
/// frame pointers preserved, native CPU features, verifier in debug builds).
pub fn build_isa() -> Result<Arc<dyn TargetIsa>, String> {
    todo_compiler()
}

/// Compiles every defined function of `module` and one entry trampoline per type, using up to
/// `threads` threads (0 = all cores). The result does not depend on the thread count.
pub fn compile_module(
    _isa: &dyn TargetIsa,
    _module: &ModuleInfo,
    _tunables: &Tunables,
    _threads: usize,
) -> Result<CompiledCode, String> {
    todo_compiler()
}

/// Compiles the wasm → host trampoline for functions of type `ty`: a function with the wasm
/// calling convention `(host_ctx, params...) -> results` that spills the params into a
/// `VMVal` array on its stack, calls `host_call(host_ctx, values) -> u32` (C convention; the
/// address is given), traps with `trap_codes::HOST_TRAP` when it returns nonzero, and otherwise
/// returns the results read back from the array. `functions[0]` describes it.
pub fn compile_host_trampoline(
    _isa: &dyn TargetIsa,
    _ty: &FuncType,
    _host_call: usize,
) -> Result<CompiledCode, String> {
    todo_compiler()
}

fn todo_compiler<T>() -> Result<T, String> {
    Err("compiler not built yet".to_string())
}
