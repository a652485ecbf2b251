//! WebAssembly → Cranelift IR → machine code. Compiles every defined function of a module (in
//! parallel), the module's entry trampolines, and the engine's host-call trampolines.
//!
//! INTERFACE CONTRACT (used by src/runtime): see src/runtime/vmctx.rs for the vmctx layout,
//! calling conventions, builtins and trap codes.
//!
//! Code layout of a module: defined functions in function-index order, then the entry
//! trampolines in type-index order, each aligned to the ISA's preferred function alignment.
//! All relocations (direct calls between defined functions, libcalls) are resolved before the
//! code is published, so the runtime never has to patch anything.
//!
//! What the runtime can rely on:
//! - Module code is position independent (calls between functions and constant-pool accesses
//!   are PC-relative), so a copy of the blob runs at any address. The one exception is a CPU
//!   without SSE4.1, where Cranelift turns scalar `ceil`/`floor`/`trunc`/`nearest` into calls
//!   through absolute addresses of Rust functions (valid only in the compiling process).
//!   Host trampolines call what the host function's context names (`HOST_CTX_INVOKE_OFFSET`).
//! - Trap sites cover every trapping instruction: `ud2` (SIGILL) for explicit checks, faulting
//!   loads/stores (SIGSEGV/SIGBUS, `MemoryOutOfBounds`), and x86 `div`/`idiv` (SIGFPE: unsigned
//!   division by zero and signed `MIN / -1` are detected by the instruction itself).
//! - Every non-leaf function checks the stack limit in its prologue after pushing the frame
//!   pointer; leaf functions without a frame skip the check, so the limit needs a small slack.

mod exceptions;
mod gc;
mod hoist;
mod inline;
mod link;
mod simd;
mod trampolines;
mod translate;

#[cfg(test)]
mod tests;

use crate::abi::code_memory::CodeRegion;
pub use crate::abi::compiled::{
    CompiledCode, CompiledFunction, ExceptionHandler, StackMapSite, Tier, TrapSite, Tunables,
};
use crate::abi::traps::{trap_codes, TrapKind};
use crate::decode::ModuleInfo;
use crate::types::FuncType;
use cranelift_codegen::ir::{self, TrapCode};
use cranelift_codegen::isa::TargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::Context;
use cranelift_frontend::FunctionBuilderContext;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The Cranelift code generator for the host, as the runtime's `Compiler`.
pub struct Cranelift {
    isa: Arc<dyn TargetIsa>,
    /// The baseline tier's settings: no optimisation, the single-pass register allocator.
    baseline_isa: Arc<dyn TargetIsa>,
}

impl Cranelift {
    /// A code generator for the host CPU (see `build_isa`).
    pub fn for_host() -> Result<Cranelift, String> {
        Ok(Cranelift { isa: build_isa()?, baseline_isa: build_isa_with(cfg!(debug_assertions), Tier::Baseline)? })
    }

    pub fn isa(&self) -> &dyn TargetIsa {
        &*self.isa
    }
}

impl crate::abi::compiled::Compiler for Cranelift {
    fn compile_module(&self, module: &ModuleInfo, tunables: &Tunables, threads: usize) -> Result<CompiledCode, String> {
        compile_module(&*self.isa, module, tunables, threads)
    }

    fn compile_module_unless(
        &self,
        module: &ModuleInfo,
        tunables: &Tunables,
        threads: usize,
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Result<CompiledCode, String> {
        compile_module_unless(&*self.isa, module, tunables, threads, cancelled)
    }

    fn compile_host_trampoline(&self, ty: &FuncType, rethrow: usize) -> Result<CompiledCode, String> {
        compile_host_trampoline(&*self.isa, ty, rethrow)
    }

    fn compile_trap_stub(&self) -> Result<CompiledCode, String> {
        let mut ctx = Context::new();
        let mut fctx = FunctionBuilderContext::new();
        let out = trampolines::trap_stub(&*self.isa, &mut ctx, &mut fctx)?;
        let align = self.isa.function_alignment().preferred.max(16);
        let (code, functions, _, position_independent) = link::link(vec![out], Vec::new(), 0, align)?;
        Ok(CompiledCode { code: Arc::new(code), functions, entry_trampolines: Vec::new(), position_independent })
    }

    fn compile_entry_trampolines(&self, module: &ModuleInfo) -> Result<CompiledCode, String> {
        let mut ctx = Context::new();
        let mut fctx = FunctionBuilderContext::new();
        let tramps = module
            .types
            .iter()
            .map(|ty| trampolines::entry_trampoline(&*self.isa, ty, &mut ctx, &mut fctx))
            .collect::<Result<Vec<_>, _>>()?;
        let align = self.isa.function_alignment().preferred.max(16);
        let (code, functions, entry_trampolines, position_independent) =
            link::link(Vec::new(), tramps, module.num_imported_funcs, align)?;
        Ok(CompiledCode { code: Arc::new(code), functions, entry_trampolines, position_independent })
    }

    fn compile_function(
        &self,
        module: &ModuleInfo,
        func_index: u32,
        tunables: &Tunables,
        tier: Tier,
        region: &CodeRegion,
    ) -> Result<CompiledCode, String> {
        let isa = match tier {
            Tier::Baseline => &*self.baseline_isa,
            Tier::Optimized => &*self.isa,
        };
        let mut env = translate::ModuleEnv::new(isa, module, tunables);
        env.count_for_tier_up = tier == Tier::Baseline && tunables.tier_up;
        env.inline = tier == Tier::Optimized && tunables.inlining;
        let mut ctx = Context::new();
        let mut fctx = FunctionBuilderContext::new();
        let out = compile_function(&env, func_index - module.num_imported_funcs, &mut ctx, &mut fctx)?;
        let (code, function) = link::link_into_region(out, region, module.num_imported_funcs)?;
        Ok(CompiledCode {
            code: Arc::new(code),
            functions: vec![function],
            entry_trampolines: Vec::new(),
            position_independent: false,
        })
    }

    fn target_fingerprint(&self) -> String {
        let isa_flags = self.isa.isa_flags().iter().map(|f| f.to_string()).collect::<Vec<_>>().join(",");
        format!("{} | {} | {}", self.isa.triple(), self.isa.flags(), isa_flags)
    }
}

/// Builds the host's Cranelift ISA with the settings the engine relies on (opt_level=speed,
/// frame pointers preserved, native CPU features, verifier in debug builds).
pub fn build_isa() -> Result<Arc<dyn TargetIsa>, String> {
    build_isa_with_verifier(cfg!(debug_assertions))
}

pub(crate) fn build_isa_with_verifier(verifier: bool) -> Result<Arc<dyn TargetIsa>, String> {
    build_isa_with(verifier, Tier::Optimized)
}

fn build_isa_with(verifier: bool, tier: Tier) -> Result<Arc<dyn TargetIsa>, String> {
    let mut flags = settings::builder();
    let set = |flags: &mut settings::Builder, name: &str, value: &str| {
        flags.set(name, value).map_err(|e| format!("cranelift setting {name}={value}: {e}"))
    };
    match tier {
        Tier::Optimized => set(&mut flags, "opt_level", "speed")?,
        Tier::Baseline => {
            set(&mut flags, "opt_level", "none")?;
            set(&mut flags, "regalloc_algorithm", "single_pass")?;
        }
    }
    // Trap handling and backtraces walk frame pointers instead of unwind tables.
    set(&mut flags, "preserve_frame_pointers", "true")?;
    set(&mut flags, "enable_verifier", if verifier { "true" } else { "false" })?;
    // Stack overflow is caught by the per-function stack-limit check, not by probes.
    set(&mut flags, "enable_probestack", "false")?;
    // Wasm functions may return more values than there are return registers.
    set(&mut flags, "enable_multi_ret_implicit_sret", "true")?;
    set(&mut flags, "is_pic", "false")?;
    set(&mut flags, "unwind_info", "false")?;
    // The engine's own bounds checks are the contract; Cranelift's heap/table Spectre
    // settings only affect wasmtime's translator and are irrelevant here.
    let isa_builder = cranelift_native::builder().map_err(|e| format!("unsupported host: {e}"))?;
    let isa =
        isa_builder.finish(settings::Flags::new(flags)).map_err(|e| format!("cannot build the Cranelift ISA: {e}"))?;
    Ok(isa)
}

/// The output of compiling one function (or trampoline), before layout.
pub(crate) struct FuncOutput {
    pub code: Vec<u8>,
    pub traps: Vec<TrapSite>,
    pub address_map: Vec<(u32, u32)>,
    pub relocs: Vec<link::Reloc>,
    pub handlers: Vec<ExceptionHandler>,
    pub inlined: Vec<crate::abi::compiled::InlineFrame>,
    pub stack_maps: Vec<StackMapSite>,
}

/// What one compilation job produces.
enum Job {
    Function(u32),
    EntryTrampoline(u32),
}

/// Compiles every defined function of `module` and one entry trampoline per type, using up to
/// `threads` threads (0 = all cores). The result does not depend on the thread count.
pub fn compile_module(
    isa: &dyn TargetIsa,
    module: &ModuleInfo,
    tunables: &Tunables,
    threads: usize,
) -> Result<CompiledCode, String> {
    compile_module_unless(isa, module, tunables, threads, &|| false)
}

/// `compile_module`, giving up (with an error) as soon as `cancelled()` says so; it is asked
/// between functions.
pub fn compile_module_unless(
    isa: &dyn TargetIsa,
    module: &ModuleInfo,
    tunables: &Tunables,
    threads: usize,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<CompiledCode, String> {
    let env = translate::ModuleEnv::new(isa, module, tunables);
    let num_defined = module.num_defined_funcs();
    let num_types = module.types.len();

    // Big functions first, so that one large function compiled last does not leave the other
    // threads idle; the output order is fixed by index regardless.
    let mut jobs: Vec<(usize, Job)> = (0..num_defined)
        .map(|i| (module.bodies[i].range.len(), Job::Function(i as u32)))
        .chain((0..num_types).map(|t| (0, Job::EntryTrampoline(t as u32))))
        .collect();
    jobs.sort_by_key(|j| std::cmp::Reverse(j.0));
    let total = jobs.len();

    let threads =
        if threads == 0 { std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) } else { threads };
    let threads = threads.min(total).max(1);

    let mut func_out: Vec<Option<FuncOutput>> = (0..num_defined).map(|_| None).collect();
    let mut tramp_out: Vec<Option<FuncOutput>> = (0..num_types).map(|_| None).collect();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Result<FuncOutput, String>)>> = Mutex::new(Vec::with_capacity(total));

    let work = || {
        let mut ctx = Context::new();
        let mut fctx = FunctionBuilderContext::new();
        loop {
            let j = next.fetch_add(1, Ordering::Relaxed);
            if j >= total {
                break;
            }
            if cancelled() {
                results.lock().unwrap().push((j, Err("compilation cancelled".to_string())));
                next.store(total, Ordering::Relaxed);
                break;
            }
            let r = match &jobs[j].1 {
                Job::Function(i) => compile_function(&env, *i, &mut ctx, &mut fctx),
                Job::EntryTrampoline(t) => {
                    trampolines::entry_trampoline(isa, &module.types[*t as usize], &mut ctx, &mut fctx)
                }
            };
            let failed = r.is_err();
            results.lock().unwrap().push((j, r));
            if failed {
                // Stop handing out work; the error is reported below.
                next.store(total, Ordering::Relaxed);
            }
        }
    };
    if threads <= 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 1..threads {
                s.spawn(work);
            }
            work();
        });
    }

    // Report the error of the lowest-indexed failing function, like a serial compiler would.
    let mut errors: Vec<(usize, String)> = Vec::new();
    for (j, r) in results.into_inner().unwrap() {
        match (r, &jobs[j].1) {
            (Ok(out), Job::Function(i)) => func_out[*i as usize] = Some(out),
            (Ok(out), Job::EntryTrampoline(t)) => tramp_out[*t as usize] = Some(out),
            (Err(e), Job::Function(i)) => errors.push((*i as usize, e)),
            (Err(e), Job::EntryTrampoline(t)) => errors.push((num_defined + *t as usize, e)),
        }
    }
    if let Some((_, e)) = errors.into_iter().min_by_key(|(i, _)| *i) {
        return Err(e);
    }

    let funcs: Vec<FuncOutput> = func_out.into_iter().map(|o| o.expect("every function compiled")).collect();
    let tramps: Vec<FuncOutput> = tramp_out.into_iter().map(|o| o.expect("every trampoline compiled")).collect();
    let align = isa.function_alignment().preferred.max(16);
    let (code, functions, tramp_offsets, position_independent) =
        link::link(funcs, tramps, module.num_imported_funcs, align)?;
    Ok(CompiledCode { code: Arc::new(code), functions, entry_trampolines: tramp_offsets, position_independent })
}

/// Translates and compiles one defined function; at the optimizing tier small callees are
/// inlined first (inline.rs). One with loops (at the optimizing tier) goes through Cranelift's
/// mid-end, loop-invariant code motion (hoist.rs) and then the back end alone.
fn compile_function(
    env: &translate::ModuleEnv,
    defined_index: u32,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
) -> Result<FuncOutput, String> {
    let func_index = env.module.num_imported_funcs + defined_index;
    let in_function = |e: String| format!("{} (in function {})", e, func_display_name(env.module, func_index));
    ctx.clear();
    translate::translate_function(env, func_index, &mut ctx.func, fctx).map_err(in_function)?;
    let inlined =
        if env.inline { inline::inline_calls(env, func_index, ctx, fctx).map_err(in_function)? } else { Vec::new() };
    let mut out = if !hoist::applies(env.isa, &ctx.func) {
        finish_compile(env.isa, ctx).map_err(in_function)?
    } else {
        hoist::optimize(env.isa, ctx).map_err(|e| {
            format!(
                "optimization failed: {e:?} (in function {})\n{}",
                func_display_name(env.module, func_index),
                ctx.func.display()
            )
        })?;
        let compiled = hoist::compile_backend(env.isa, ctx, false).map_err(|e| {
            format!(
                "code generation failed: {e:?} (in function {})\n{}",
                func_display_name(env.module, func_index),
                ctx.func.display()
            )
        })?;
        extract_output(&compiled, &ctx.func).map_err(in_function)?
    };
    out.inlined = inlined;
    Ok(out)
}

fn func_display_name(module: &ModuleInfo, func_index: u32) -> String {
    match module.func_names.get(&func_index) {
        Some(name) => format!("{func_index} \"{name}\""),
        None => func_index.to_string(),
    }
}

/// Runs Cranelift on `ctx.func` and extracts what layout and the runtime need.
pub(crate) fn finish_compile(isa: &dyn TargetIsa, ctx: &mut Context) -> Result<FuncOutput, String> {
    let mut ctrl = Default::default();
    if let Err(e) = ctx.compile(isa, &mut ctrl) {
        let func = e.func.display().to_string();
        return Err(format!("code generation failed: {:?}\n{}", e.inner, func));
    }
    let compiled = ctx.compiled_code().expect("just compiled");
    extract_output(compiled, &ctx.func)
}

/// What layout and the runtime need from a compiled function: its code, trap sites, address
/// map and relocations.
fn extract_output(compiled: &cranelift_codegen::CompiledCode, func: &ir::Function) -> Result<FuncOutput, String> {
    let buffer = &compiled.buffer;
    let code = buffer.data().to_vec();
    let mut traps: Vec<TrapSite> =
        buffer.traps().iter().map(|t| TrapSite { offset: t.offset, kind: trap_kind(t.code) }).collect();
    traps.sort_by_key(|t| t.offset);
    let mut address_map: Vec<(u32, u32)> = Vec::new();
    for loc in buffer.get_srclocs_sorted() {
        if loc.loc.is_default() || loc.start == loc.end {
            continue;
        }
        if address_map.last().map(|&(_, w)| w) == Some(loc.loc.bits()) {
            continue;
        }
        address_map.push((loc.start, loc.loc.bits()));
    }
    let relocs = link::collect_relocs(buffer.relocs(), func)?;
    let mut handlers = Vec::new();
    for site in buffer.call_sites() {
        // Translation gives every try_call exactly one catch-all entry (the tag is matched by
        // the handler code itself, see translate.rs).
        let handler = site.exception_handlers.iter().find_map(|h| match h {
            cranelift_codegen::FinalizedMachExceptionHandler::Default(off) => Some(*off),
            _ => None,
        });
        let Some(handler_offset) = handler else { continue };
        let frame_offset = site.frame_offset.ok_or("a call with an exception handler has no frame offset")?;
        handlers.push(ExceptionHandler { ret_offset: site.ret_addr, handler_offset, frame_offset });
    }
    handlers.sort_by_key(|h| h.ret_offset);
    let mut stack_maps = Vec::with_capacity(buffer.user_stack_maps().len());
    for (ret_offset, frame_size, map) in buffer.user_stack_maps() {
        let mut slots = Vec::new();
        for (ty, offset) in map.entries() {
            // declare_gc_ref only declares pointer-sized values.
            if ty != ir::types::I64 {
                return Err(format!("a stack map entry of type {ty}, expected i64"));
            }
            slots.push(offset);
        }
        slots.sort_unstable();
        stack_maps.push(StackMapSite { ret_offset: *ret_offset, frame_size: *frame_size, slots: slots.into() });
    }
    stack_maps.sort_by_key(|m| m.ret_offset);
    Ok(FuncOutput { code, traps, address_map, relocs, handlers, inlined: Vec::new(), stack_maps })
}

/// Maps a Cranelift trap code back to the engine's trap kind.
pub(crate) fn trap_kind(code: TrapCode) -> TrapKind {
    match code {
        TrapCode::STACK_OVERFLOW => TrapKind::StackOverflow,
        TrapCode::HEAP_OUT_OF_BOUNDS => TrapKind::MemoryOutOfBounds,
        TrapCode::INTEGER_OVERFLOW => TrapKind::IntegerOverflow,
        TrapCode::INTEGER_DIVISION_BY_ZERO => TrapKind::IntegerDivisionByZero,
        TrapCode::BAD_CONVERSION_TO_INTEGER => TrapKind::BadConversionToInteger,
        c => match c.as_raw().get() {
            trap_codes::UNREACHABLE => TrapKind::Unreachable,
            trap_codes::TABLE_OUT_OF_BOUNDS => TrapKind::TableOutOfBounds,
            trap_codes::UNDEFINED_ELEMENT => TrapKind::UndefinedElement,
            trap_codes::UNINITIALIZED_ELEMENT => TrapKind::UninitializedElement,
            trap_codes::INDIRECT_CALL_TYPE_MISMATCH => TrapKind::IndirectCallTypeMismatch,
            trap_codes::NULL_REFERENCE => TrapKind::NullReference,
            trap_codes::NULL_REFERENCE_AS_NON_NULL => TrapKind::NullReferenceAsNonNull,
            trap_codes::HOST_TRAP => TrapKind::HostTrap,
            trap_codes::INTERRUPTED => TrapKind::Interrupted,
            trap_codes::OUT_OF_FUEL => TrapKind::OutOfFuel,
            trap_codes::NULL_EXCEPTION_REFERENCE => TrapKind::NullExceptionReference,
            trap_codes::NULL_STRUCT_REFERENCE => TrapKind::NullStructReference,
            trap_codes::NULL_ARRAY_REFERENCE => TrapKind::NullArrayReference,
            trap_codes::NULL_I31_REFERENCE => TrapKind::NullI31Reference,
            trap_codes::ARRAY_OUT_OF_BOUNDS => TrapKind::ArrayOutOfBounds,
            trap_codes::CAST_FAILURE => TrapKind::CastFailure,
            trap_codes::ALLOCATION_FAILED => TrapKind::AllocationFailed,
            // Only the codes above are ever emitted; an unknown one is a compiler bug, and
            // reporting it as `unreachable` is the least surprising fallback.
            _ => TrapKind::Unreachable,
        },
    }
}

/// Compiles the wasm → host trampoline for functions of type `ty`: a function with the wasm
/// calling convention `(host_ctx, params...) -> results` that spills the params into a
/// `VMVal` array on its stack, calls the context's `HostInvoke` (at `HOST_CTX_INVOKE_OFFSET`;
/// `invoke(host_ctx, values) -> u32`, C convention), traps with `trap_codes::HOST_TRAP` when it returns nonzero, and otherwise
/// returns the results read back from the array. When it returns 2 the callback ended with a wasm
/// exception (exnref in slot 0), handed to `rethrow(host_ctx, exnref)` (see `Compiler`).
/// `functions[0]` describes it.
pub fn compile_host_trampoline(isa: &dyn TargetIsa, ty: &FuncType, rethrow: usize) -> Result<CompiledCode, String> {
    let mut ctx = Context::new();
    let mut fctx = FunctionBuilderContext::new();
    let out = trampolines::host_trampoline(isa, ty, rethrow, &mut ctx, &mut fctx)?;
    let align = isa.function_alignment().preferred.max(16);
    let (code, functions, _, position_independent) = link::link(vec![out], Vec::new(), 0, align)?;
    Ok(CompiledCode { code: Arc::new(code), functions, entry_trampolines: Vec::new(), position_independent })
}

/// The Cranelift signature of a wasm function of type `ty` (the engine-wide convention).
pub(crate) fn wasm_signature(ty: &FuncType) -> ir::Signature {
    let mut sig = ir::Signature::new(cranelift_codegen::isa::CallConv::Tail);
    sig.params.push(ir::AbiParam::special(ir::types::I64, ir::ArgumentPurpose::VMContext));
    for p in ty.params.iter() {
        sig.params.push(ir::AbiParam::new(translate::ir_type(*p)));
    }
    for r in ty.results.iter() {
        sig.returns.push(ir::AbiParam::new(translate::ir_type(*r)));
    }
    sig
}
