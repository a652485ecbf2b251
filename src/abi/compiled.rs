//! What the compiler hands the runtime: a module's machine code with, per function, its trap
//! sites and wasm address map; the code-generation settings compiled code depends on; and the
//! `Compiler` interface the runtime compiles through (the engine is given an implementation,
//! so the runtime never names the compiler).

use super::code_memory::CodeMemory;
use super::traps::TrapKind;
use crate::decode::ModuleInfo;
use crate::types::FuncType;
use std::sync::Arc;

/// Code-generation choices fixed per engine.
#[derive(Clone, Debug)]
pub struct Tunables {
    /// Emit explicit bounds checks on every memory access instead of relying on the 8 GiB
    /// guard-page reservation (base + u32 index + u32 offset never leaves the reservation).
    pub explicit_bounds_checks: bool,
    /// Check the engine's epoch against the store's deadline at every function entry and loop
    /// header, trapping with `trap_codes::INTERRUPTED` once it is reached.
    pub epoch_interruption: bool,
    /// Charge one unit of fuel per operator (flushed to the store's counter before every
    /// control operator and call), trapping with `trap_codes::OUT_OF_FUEL` at function entries
    /// and loop headers once the counter is negative.
    pub consume_fuel: bool,
    /// Tiered compilation: baseline code counts function entries and loop iterations against
    /// the function's budget (`VMContextHeader::tiering_budgets`) and asks for tier-up (the
    /// `tier_up` builtin) when it runs out.
    pub tier_up: bool,
    /// Inline small direct callees at the optimizing tier (see compiler/inline.rs).
    pub inlining: bool,
}

/// A trapping instruction inside a compiled function.
#[derive(Clone, Debug)]
pub struct TrapSite {
    /// Offset of the instruction from the start of its function's code.
    pub offset: u32,
    pub kind: TrapKind,
}

/// A call inside a `try_table` (a Cranelift `try_call`): where an exception thrown by the callee
/// resumes in this function. Offsets are relative to the function start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExceptionHandler {
    /// The call's return address.
    pub ret_offset: u32,
    /// The handler's first instruction; it expects the exception in the first payload register.
    pub handler_offset: u32,
    /// Frame pointer minus stack pointer at the call site (the stack pointer to resume with).
    pub frame_offset: u32,
}

/// Marks a wasm location in `CompiledFunction::address_map` as inlined code: the low bits index
/// `CompiledFunction::inlined`. Plain locations are offsets in the module binary (below 2 GiB
/// wherever inlining is done).
pub const INLINED_LOC: u32 = 1 << 31;

/// One frame of a function inlined into a compiled function: where in the callee the code is,
/// and where the call it replaced was (`outer`: a plain module offset in the physical function,
/// or `INLINED_LOC | i` for entry `i`, a call made from inside another inlined function).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InlineFrame {
    pub func_index: u32,
    /// Offset of the operator in the module binary.
    pub module_offset: u32,
    /// Offset of the operator from the start of the callee's body.
    pub func_offset: u32,
    pub outer: u32,
}

#[derive(Clone, Debug)]
pub struct CompiledFunction {
    /// Offset of the function's first instruction inside `CompiledCode::code`.
    pub offset: u32,
    pub len: u32,
    /// Sorted by offset.
    pub traps: Vec<TrapSite>,
    /// (offset of an instruction from the function start, wasm offset in the module binary of
    /// the operator it came from, or `INLINED_LOC | i` for inlined code), sorted by code offset.
    pub address_map: Vec<(u32, u32)>,
    /// Calls with an exception handler, sorted by return address.
    pub handlers: Vec<ExceptionHandler>,
    /// Frames of inlined callees, referred to by `address_map` locations with `INLINED_LOC`.
    pub inlined: Vec<InlineFrame>,
    /// Calls at which GC references live in the frame (Cranelift user stack maps), sorted by
    /// return address.
    pub stack_maps: Vec<StackMapSite>,
}

/// A call (a GC safepoint) after which GC references are still live: where the collector finds
/// them in the calling frame while the callee runs. Offsets are relative to the function start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackMapSite {
    /// The call's return address.
    pub ret_offset: u32,
    /// Frame pointer minus stack pointer at the call.
    pub frame_size: u32,
    /// Offsets from the stack pointer at the call of the 8-byte slots holding live references.
    pub slots: Box<[u32]>,
}

/// The machine code of a module (or of a standalone trampoline), ready to run.
pub struct CompiledCode {
    pub code: Arc<CodeMemory>,
    /// One per defined function, in function-index order (imports excluded).
    pub functions: Vec<CompiledFunction>,
    /// For each type index of the module: offset in `code` of its entry trampoline.
    pub entry_trampolines: Vec<u32>,
    /// False when the code holds absolute addresses of this process (libcalls on CPUs without
    /// SSE4.1, host-call addresses): it then cannot be serialized and loaded elsewhere.
    pub position_independent: bool,
}

/// How much effort the compiler spends on a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tier {
    /// Quick to compile, slower code (first calls of lazily compiled functions).
    Baseline,
    /// The optimising compiler (eager compilation and tier-up).
    Optimized,
}

/// A code generator, as the runtime sees it.
pub trait Compiler: Send + Sync {
    /// Compiles every defined function of `module` and one entry trampoline per type, with up
    /// to `threads` threads (0 = all cores). The result does not depend on the thread count.
    fn compile_module(&self, module: &ModuleInfo, tunables: &Tunables, threads: usize) -> Result<CompiledCode, String>;

    /// `compile_module` for background work: gives up with an error as soon as `cancelled()`
    /// returns true (it is asked between functions).
    fn compile_module_unless(
        &self,
        module: &ModuleInfo,
        tunables: &Tunables,
        threads: usize,
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Result<CompiledCode, String>;

    /// Compiles only the module's entry trampolines (one per type index; `functions` is empty),
    /// for modules whose functions are compiled on demand.
    fn compile_entry_trampolines(&self, module: &ModuleInfo) -> Result<CompiledCode, String>;

    /// Compiles defined function `func_index` of `module` at `tier` into `region`'s code part.
    /// Its calls to defined functions go through their entries in `region`. The result holds
    /// the one function (`functions[0]`, offsets relative to its `code`).
    fn compile_function(
        &self,
        module: &ModuleInfo,
        func_index: u32,
        tunables: &Tunables,
        tier: Tier,
        region: &super::code_memory::CodeRegion,
    ) -> Result<CompiledCode, String>;

    /// Compiles a function that traps with `HOST_TRAP` as its first instruction whatever it is
    /// called with (`functions[0]`): where a failed lazy compile sends the call.
    fn compile_trap_stub(&self) -> Result<CompiledCode, String>;

    /// Compiles the wasm → host trampoline for functions of type `ty`, calling the host
    /// context's `HostInvoke` (see `vmctx.rs` for its convention). `functions[0]` of the result
    /// describes it. When it returns 2 the callback ended with a wasm exception (its exnref in value
    /// slot 0): the trampoline then calls `rethrow(host_ctx, exnref)` (the runtime's throw stub,
    /// wasm `Tail` convention) which continues unwinding into the calling wasm code.
    fn compile_host_trampoline(&self, ty: &FuncType, rethrow: usize) -> Result<CompiledCode, String>;

    /// The target and code-generation settings compiled code depends on (architecture, CPU
    /// features, flags): serialized code is only loaded by an engine with the same fingerprint.
    fn target_fingerprint(&self) -> String;
}
