//! Inlining of small direct callees at the optimizing tier, with exact trap frames.
//!
//! Cranelift's inliner (`Context::inline`) copies a callee's instructions into the caller but
//! not their source locations, and the runtime names a frame by the code range a PC lies in, so
//! without help a trap inside an inlined callee would be reported in the caller at no wasm
//! offset. What keeps frames exact: before inlining, every direct call of the caller and every
//! instruction of each callee body handed to the inliner carries one debug tag, its wasm offset
//! (the inliner copies tags, prefixing those of the call it replaces). After inlining, an
//! instruction's tags are the chain of call sites from the physical function down to its own
//! offset; `InlineTable` turns each chain into entries of `CompiledFunction::inlined` and the
//! instruction's source location into `INLINED_LOC | entry` (see abi/compiled.rs), from which
//! the runtime rebuilds one frame per inlined function (code_registry::frame_info). The tags are
//! then removed, so the back end sees the function as if it had been translated this way.
//!
//! What is inlined: direct `call`s (not `return_call`, whose frame wasm drops, nor calls inside
//! a `try_table`) of defined functions whose body is at most `SMALL_BODY` bytes, and recursive
//! calls of a function of at most `SMALL_RECURSIVE_BODY` bytes into itself, up to `MAX_DEPTH`
//! levels and `BUDGET` bytes of inlined bodies per function. Callees that tail-call are left
//! alone (inlined, their tail calls would become ordinary calls and keep frames alive).
//!
//! Semantics are unchanged: a callee's body is its own translation, with its fuel and epoch
//! checks, its operators counted the same way; the stack limit is checked by the physical
//! function's prologue for its whole (now larger) frame.

use super::translate::{self, ModuleEnv};
use crate::abi::compiled::{InlineFrame, INLINED_LOC};
use cranelift_codegen::inline::{Inline, InlineCommand};
use cranelift_codegen::ir::{self, DebugTag, ExternalName, Opcode, RelSourceLoc, SourceLoc};
use cranelift_codegen::Context;
use cranelift_frontend::FunctionBuilderContext;
use std::borrow::Cow;
use std::collections::HashMap;

/// Callees whose body (locals included) is at most this many bytes are inlined anywhere:
/// wrappers, accessors, one-line helpers. The limit holds compile time back: on the 4 MB
/// bench module (callgrind, eager compile) inlining up to 12 bytes costs +1.5% instructions,
/// 16 bytes +3.8%, 40 bytes +7.7%.
const SMALL_BODY: usize = 16;
/// A function calling itself is inlined into itself when its body is at most this big.
const SMALL_RECURSIVE_BODY: usize = 96;
/// Call sites nested deeper than this inside inlined bodies stay calls.
const MAX_DEPTH: usize = 2;
/// Bytes of callee bodies inlined into one function, at most.
const BUDGET: usize = 400;

/// Inlines the qualifying direct calls of `ctx.func` (defined function `func_index`, just
/// translated) and returns the inline-frame table its source locations now refer to (empty
/// when nothing was inlined).
pub(crate) fn inline_calls(
    env: &ModuleEnv,
    func_index: u32,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
) -> Result<Vec<InlineFrame>, String> {
    // Offsets must stay below the marker bit (modules of 2 GiB and more are not inlined).
    if env.module.bytes.len() >= INLINED_LOC as usize || !tag_candidate_calls(env, func_index, &mut ctx.func) {
        ctx.func.debug_tags.clear();
        return Ok(Vec::new());
    }
    let mut inliner = Inliner { env, caller_index: func_index, fctx, bodies: HashMap::new(), budget: BUDGET };
    let inlined = ctx.inline(&mut inliner).map_err(|e| format!("inlining failed: {e:?}"))?;
    let mut table = InlineTable::default();
    if inlined {
        table.relocate(env, &mut ctx.func);
    }
    ctx.func.debug_tags.clear();
    Ok(table.frames)
}

/// Tags every direct call with its wasm offset (the start of the chains built by inlining);
/// false when none of them could be inlined, so the inliner need not run.
fn tag_candidate_calls(env: &ModuleEnv, func_index: u32, func: &mut ir::Function) -> bool {
    let base = func.params.base_srcloc();
    let mut calls = Vec::new();
    for block in func.layout.blocks() {
        for inst in func.layout.block_insts(block) {
            if let ir::InstructionData::Call { opcode: Opcode::Call, func_ref, .. } = func.dfg.insts[inst] {
                let loc = func.srclocs[inst].expand(base);
                if !loc.is_default() {
                    calls.push((inst, func_ref, loc.bits()));
                }
            }
        }
    }
    let mut any = false;
    for (inst, func_ref, offset) in calls {
        func.debug_tags.set(inst, [DebugTag::User(offset)]);
        if let Some(callee) = callee_index(func, func_ref) {
            any |= worth_inlining(env, func_index, callee).is_some();
        }
    }
    any
}

/// The wasm function index a direct call's `FuncRef` names (defined functions only).
fn callee_index(func: &ir::Function, func_ref: ir::FuncRef) -> Option<u32> {
    let ExternalName::User(name) = func.dfg.ext_funcs[func_ref].name else { return None };
    let name = &func.params.user_named_funcs()[name];
    (name.namespace == super::link::FUNC_NAMESPACE).then_some(name.index)
}

/// The callee's body size when a call from `caller` to `callee` qualifies by size.
fn worth_inlining(env: &ModuleEnv, caller: u32, callee: u32) -> Option<usize> {
    let defined = callee.checked_sub(env.module.num_imported_funcs)? as usize;
    let size = env.module.bodies.get(defined)?.range.len();
    let limit = if callee == caller { SMALL_RECURSIVE_BODY } else { SMALL_BODY };
    (size <= limit).then_some(size)
}

struct Inliner<'e, 'f> {
    env: &'e ModuleEnv<'e>,
    caller_index: u32,
    fctx: &'f mut FunctionBuilderContext,
    /// Translated callee bodies, tagged (`None`: not inlinable, e.g. it tail-calls).
    bodies: HashMap<u32, Option<ir::Function>>,
    /// Bytes of callee bodies that may still be inlined.
    budget: usize,
}

impl Inliner<'_, '_> {
    /// The callee's translation with every instruction tagged with its wasm offset (those
    /// before the first operator with the body's start), or `None` when it must stay a call.
    fn translate(&mut self, callee: u32) -> Option<ir::Function> {
        let mut func = ir::Function::new();
        // A callee that fails to translate reports its error when compiled on its own. The
        // builder context is left half-used by a failed translation: start the next afresh.
        if translate::translate_function(self.env, callee, &mut func, self.fctx).is_err() {
            *self.fctx = FunctionBuilderContext::new();
            return None;
        }
        let body_start = self.env.module.bodies[(callee - self.env.module.num_imported_funcs) as usize].range.start;
        let mut insts = Vec::new();
        for block in func.layout.blocks() {
            for inst in func.layout.block_insts(block) {
                let opcode = func.dfg.insts[inst].opcode();
                if matches!(opcode, Opcode::ReturnCall | Opcode::ReturnCallIndirect) {
                    return None;
                }
                insts.push(inst);
            }
        }
        for inst in insts {
            let loc = func.srclocs[inst].expand(func.params.base_srcloc());
            let offset = if loc.is_default() { body_start as u32 } else { loc.bits() };
            func.debug_tags.set(inst, [DebugTag::User(offset)]);
        }
        Some(func)
    }
}

impl Inline for Inliner<'_, '_> {
    fn inline(
        &mut self,
        caller: &ir::Function,
        call_inst: ir::Inst,
        call_opcode: Opcode,
        callee: ir::FuncRef,
        _call_args: &[ir::Value],
    ) -> InlineCommand<'_> {
        // Only plain calls: a return_call's frame is gone in wasm, a try_call's handler would
        // have to be merged into every call of the body.
        if call_opcode != Opcode::Call {
            return InlineCommand::KeepCall;
        }
        // Untagged calls are none of the translation's (nothing to attribute them to).
        let depth = caller.debug_tags.get(call_inst).len();
        if depth == 0 || depth > MAX_DEPTH {
            return InlineCommand::KeepCall;
        }
        let Some(index) = callee_index(caller, callee) else { return InlineCommand::KeepCall };
        let Some(size) = worth_inlining(self.env, self.caller_index, index) else {
            return InlineCommand::KeepCall;
        };
        if size > self.budget {
            return InlineCommand::KeepCall;
        }
        if !self.bodies.contains_key(&index) {
            let body = self.translate(index);
            self.bodies.insert(index, body);
        }
        match &self.bodies[&index] {
            Some(body) => {
                self.budget -= size;
                InlineCommand::Inline { callee: Cow::Borrowed(body), visit_callee: true }
            }
            None => InlineCommand::KeepCall,
        }
    }
}

/// Builds `CompiledFunction::inlined` from the tag chains left by inlining.
#[derive(Default)]
struct InlineTable {
    frames: Vec<InlineFrame>,
    /// (wasm offset, encoded outer location) → index in `frames`.
    index: HashMap<(u32, u32), u32>,
}

impl InlineTable {
    /// Gives every inlined instruction (two tags or more) the encoded location of its chain.
    fn relocate(&mut self, env: &ModuleEnv, func: &mut ir::Function) {
        let mut updates = Vec::new();
        for block in func.layout.blocks() {
            for inst in func.layout.block_insts(block) {
                let tags = func.debug_tags.get(inst);
                if tags.len() < 2 {
                    continue;
                }
                let chain: Vec<u32> = tags
                    .iter()
                    .map(|t| match t {
                        DebugTag::User(offset) => *offset,
                        // Only user tags are ever set by this pass.
                        DebugTag::StackSlot(_) => 0,
                    })
                    .collect();
                updates.push((inst, self.encode(env, &chain)));
            }
        }
        let base = func.params.base_srcloc();
        for (inst, loc) in updates {
            func.srclocs[inst] = RelSourceLoc::from_base_offset(base, SourceLoc::new(loc));
        }
    }

    /// `chain[0]` is a wasm offset in the physical function, each later one an offset inside
    /// the function called from the previous one.
    fn encode(&mut self, env: &ModuleEnv, chain: &[u32]) -> u32 {
        let mut outer = chain[0];
        for &offset in &chain[1..] {
            let frames = &mut self.frames;
            let i = *self.index.entry((offset, outer)).or_insert_with(|| {
                let module = env.module;
                let defined = module.bodies.partition_point(|b| b.range.start <= offset as usize).saturating_sub(1);
                let body_start = module.bodies.get(defined).map_or(0, |b| b.range.start as u32);
                frames.push(InlineFrame {
                    func_index: module.num_imported_funcs + defined as u32,
                    module_offset: offset,
                    func_offset: offset.saturating_sub(body_start),
                    outer,
                });
                (frames.len() - 1) as u32
            });
            outer = INLINED_LOC | i;
        }
        outer
    }
}
