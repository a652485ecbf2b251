//! Loop-invariant code motion after Cranelift's egraph pass.
//!
//! The egraph elaborator is meant to hoist loop-invariant pure instructions, but in Cranelift
//! 0.135 it walks the dominator tree with one loop stack that it pops when it enters a block
//! outside the innermost loop and never restores for that loop's remaining blocks. Whenever the
//! walk reaches a loop's exit before the rest of its body (common with wasm's `block`/`loop`
//! nesting), instructions in that rest stay in the loop: mandelbrot's `cr` division, for one.
//! Hoisting before the egraph pass would not help (it re-places every pure instruction), so
//! this pass runs on its output: every pure, non-trapping instruction in a loop whose operands
//! are all defined outside the loop moves to the end of the loop header's immediate dominator
//! (the block the elaborator itself would have chosen), out of as many nested loops as its
//! operands allow.
//!
//! Only instructions that cannot trap, touch memory, call, branch or have other side effects
//! move: executing them earlier, or when the loop then runs zero times, is unobservable.
//! Instructions without operands (integer constants, addresses of symbols) and the cheap ones
//! Cranelift rematerializes on purpose (an add or logic operation with a constant) stay where
//! they are: recomputing them next to their uses is cheaper than keeping them live across a
//! loop, and hoisting them only makes register allocation slower.
//!
//! Three small rewrites inside loops ride along, each explained where it is done: float
//! constants leave innermost loops (`hoist_float_constant`), `eqz` of a float comparison becomes
//! the complemented comparison (`fold_negated_float_compare`), and bounded 32-bit index
//! arithmetic is done in 64 bits so x86 can fold it into the address (`widen_bounded_index`).

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::dominator_tree::DominatorTree;
use cranelift_codegen::ir::condcodes::{CondCode, IntCC};
use cranelift_codegen::ir::{self, types, Block, Function, Inst, InstBuilder, InstructionData, Opcode, Type, ValueDef};
use cranelift_codegen::isa::TargetIsa;
use cranelift_codegen::loop_analysis::{Loop, LoopAnalysis};
use cranelift_codegen::{CodegenResult, CompiledCode, Context};
use std::cell::RefCell;
use std::collections::HashMap;

/// Runs Cranelift's mid-end on `ctx.func` as `Context::optimize` does at opt_level=speed (the
/// same steps in the same order, as of 0.135.8), then this pass. The function must then be
/// compiled with `compile_backend`, which skips the mid-end (it would re-place the hoisted
/// instructions and repeat the analyses).
pub(crate) fn optimize(isa: &dyn TargetIsa, ctx: &mut Context) -> CodegenResult<()> {
    let mut ctrl_plane = Default::default();
    if isa.flags().enable_nan_canonicalization() {
        ctx.canonicalize_nans(isa)?;
    }
    ctx.verify_if(isa)?;
    ctx.compute_cfg();
    ctx.compute_domtree();
    ctx.eliminate_unreachable_code(isa)?;
    ctx.remove_constant_phis(isa)?;
    ctx.func.dfg.resolve_all_aliases();
    ctx.egraph_pass(isa, &mut ctrl_plane)?;
    // The egraph pass leaves the CFG and dominator tree up to date, not the loop analysis.
    ctx.compute_loop_analysis();
    let (_, made_aliases) = hoist_loop_invariants(&mut ctx.func, &ctx.domtree, &ctx.loop_analysis);
    // Merged constants and widened indices leave aliases, which lowering does not accept (a
    // full pass over the function, so only when needed).
    if made_aliases {
        ctx.func.dfg.resolve_all_aliases();
    }
    ctx.verify_if(isa)
}

/// Whether `func` compiled with `isa` goes through `optimize` and `compile_backend`: only at
/// the optimizing tier (the baseline tier runs no mid-end at all) and only when it may contain
/// a loop. Everything else goes through `Context::compile` as usual.
pub(crate) fn applies(isa: &dyn TargetIsa, func: &Function) -> bool {
    isa.flags().opt_level() != cranelift_codegen::settings::OptLevel::None && may_have_loops(func)
}

/// Whether `func` may contain a loop: some branch targets a block at or before its own
/// position in the layout (in any linear order, every cycle has such an edge).
fn may_have_loops(func: &Function) -> bool {
    let mut position = cranelift_codegen::entity::SecondaryMap::<Block, u32>::with_default(u32::MAX);
    for (i, block) in func.layout.blocks().enumerate() {
        position[block] = i as u32;
    }
    func.layout.blocks().any(|block| func.block_successors(block).any(|succ| position[succ] <= position[block]))
}

/// Compiles `ctx.func`, already through `optimize`, with Cranelift's back end alone (lowering,
/// register allocation, emission), as `Context::compile` does after its own mid-end.
pub(crate) fn compile_backend(isa: &dyn TargetIsa, ctx: &Context, want_disasm: bool) -> CodegenResult<CompiledCode> {
    thread_local! {
        // The register allocator's reusable buffers, one set per compiling thread.
        static REGALLOC: RefCell<regalloc2::Ctx> = RefCell::new(regalloc2::Ctx::default());
    }
    REGALLOC.with(|regalloc| {
        let stencil = isa.compile_function(
            &ctx.func,
            &ctx.domtree,
            &mut regalloc.borrow_mut(),
            want_disasm,
            &mut Default::default(),
        )?;
        Ok(stencil.apply_params(&ctx.func.params))
    })
}

/// Moves loop-invariant instructions of `func` out of their loops (and applies the small
/// rewrites below inside loops); returns how many instructions moved and whether values were
/// turned into aliases (which must be resolved before lowering). `domtree` and `loops` must
/// describe `func` as it is (the pass changes no control flow, so they stay valid).
pub(crate) fn hoist_loop_invariants(
    func: &mut Function,
    domtree: &DominatorTree,
    loops: &LoopAnalysis,
) -> (usize, bool) {
    // Everything here is about loops: a function without any is left alone.
    if loops.loops().next().is_none() {
        return (0, false);
    }
    let mut moved = 0;
    let mut made_aliases = false;
    let mut insts: Vec<Inst> = Vec::new();
    let mut hoisted_constants: HashMap<(Block, Type, u128), ir::Value> = HashMap::new();
    // Reverse post-order visits definitions before their uses, so a chain of invariant
    // instructions moves together, each placed after the ones it depends on.
    let rpo: Vec<Block> = domtree.cfg_rpo().copied().collect();
    for block in rpo {
        let Some(innermost) = loops.innermost_loop(block) else { continue };
        insts.clear();
        insts.extend(func.layout.block_insts(block));
        for &inst in &insts {
            fold_negated_float_compare(func, inst);
            made_aliases |= widen_bounded_index(func, inst);
            if is_float_constant(func, inst) {
                moved += hoist_float_constant(
                    func,
                    domtree,
                    loops,
                    inst,
                    innermost,
                    &mut hoisted_constants,
                    &mut made_aliases,
                ) as usize;
                continue;
            }
            if !movable(func, inst) {
                continue;
            }
            let Some(target) = outermost_invariant_loop(func, loops, inst, innermost) else { continue };
            let Some(preheader) = preheader(domtree, loops, target) else { continue };
            let Some(terminator) = func.layout.last_inst(preheader) else { continue };
            // Constant operands defined inside the loop (the elaborator puts constants next
            // to their uses) get a copy of their own in front of the moved instruction.
            for i in 0..func.dfg.inst_args(inst).len() {
                let arg = func.dfg.inst_args(inst)[i];
                let Some(def) = constant_def(func, arg) else { continue };
                if func.layout.inst_block(def).is_some_and(|b| loops.is_in_loop(b, target)) {
                    let copy = func.dfg.clone_inst(def);
                    func.layout.insert_inst(copy, terminator);
                    func.dfg.inst_args_mut(inst)[i] = func.dfg.first_result(copy);
                }
            }
            func.layout.remove_inst(inst);
            func.layout.insert_inst(inst, terminator);
            moved += 1;
        }
    }
    (moved, made_aliases)
}

/// The block to hoist out of `lp` into: the immediate dominator of its header, when that lies
/// in the loop around `lp` (or outside all loops). Normally it does; when it sits inside a
/// sibling loop (a branch from that loop's body straight into this one), moving there would
/// run the instruction more often, not less.
fn preheader(domtree: &DominatorTree, loops: &LoopAnalysis, lp: Loop) -> Option<Block> {
    let block = domtree.idom(loops.loop_header(lp))?;
    (loops.innermost_loop(block) == loops.loop_parent(lp)).then_some(block)
}

/// f32/f64/v128 constants: inside a loop x86 rebuilds one on every iteration (a 64-bit
/// immediate moved into a vector register, or a constant-pool load) wherever it cannot be a
/// memory operand, e.g. mandelbrot's `4.0` in `zr*zr + zi*zi <= 4.0`. Integer constants stay:
/// they are immediates of the instructions using them.
fn is_float_constant(func: &Function, inst: Inst) -> bool {
    matches!(func.dfg.insts[inst].opcode(), Opcode::F32const | Opcode::F64const | Opcode::Vconst)
}

/// Moves a float constant out of its innermost loop only (keeping it live across outer loops
/// would cost registers for little gain), reusing an equal constant already moved to the same
/// block. Returns whether it moved.
fn hoist_float_constant(
    func: &mut Function,
    domtree: &DominatorTree,
    loops: &LoopAnalysis,
    inst: Inst,
    innermost: Loop,
    hoisted: &mut HashMap<(Block, Type, u128), ir::Value>,
    made_aliases: &mut bool,
) -> bool {
    let Some(target) = preheader(domtree, loops, innermost) else { return false };
    let Some(terminator) = func.layout.last_inst(target) else { return false };
    let bits = match func.dfg.insts[inst] {
        InstructionData::UnaryIeee32 { imm, .. } => u128::from(imm.bits()),
        InstructionData::UnaryIeee64 { imm, .. } => u128::from(imm.bits()),
        // Equal handles are equal constants (unequal ones may be too; they just stay apart).
        InstructionData::UnaryConst { constant_handle, .. } => constant_handle.as_u32() as u128,
        _ => return false,
    };
    let result = func.dfg.first_result(inst);
    let key = (target, func.dfg.value_type(result), bits);
    func.layout.remove_inst(inst);
    match hoisted.get(&key) {
        // The existing copy dominates every use of this one (it is in a dominator of the loop).
        Some(&existing) => {
            func.dfg.detach_inst_results(inst);
            func.dfg.change_to_alias(result, existing);
            *made_aliases = true;
        }
        None => {
            func.layout.insert_inst(inst, terminator);
            hoisted.insert(key, result);
        }
    }
    true
}

/// `icmp eq (uextend? (fcmp cc x y)), 0` — wasm's `eqz` of a float comparison, as in `while
/// (zr*zr + zi*zi <= 4.0)` — becomes `fcmp (complement cc) x y`, which a branch uses directly
/// instead of materializing, widening and testing the flag. (Cranelift's egraph rules do this
/// for integer comparisons but not for float ones.) The complement is exact for NaN operands:
/// `le` turns into `ugt`, "unordered or greater than".
fn fold_negated_float_compare(func: &mut Function, inst: Inst) {
    let InstructionData::IntCompare { cond, args: [lhs, rhs], .. } = func.dfg.insts[inst] else { return };
    if cond != IntCC::Equal {
        return;
    }
    let is_zero = |v: ir::Value| match func.dfg.value_def(v) {
        ValueDef::Result(d, _) => {
            matches!(func.dfg.insts[d], InstructionData::UnaryImm { opcode: Opcode::Iconst, imm, .. } if imm.bits() == 0)
        }
        _ => false,
    };
    let tested = if is_zero(rhs) {
        lhs
    } else if is_zero(lhs) {
        rhs
    } else {
        return;
    };
    // Look through one zero extension (wasm comparisons produce i32).
    let mut flag = tested;
    if let ValueDef::Result(d, _) = func.dfg.value_def(flag) {
        if let InstructionData::Unary { opcode: Opcode::Uextend, arg } = func.dfg.insts[d] {
            flag = arg;
        }
    }
    let ValueDef::Result(cmp, _) = func.dfg.value_def(flag) else { return };
    let InstructionData::FloatCompare { cond: fcc, args: [x, y], .. } = func.dfg.insts[cmp] else { return };
    if !func.dfg.value_type(x).is_float() {
        // A vector comparison yields a lane mask, not one i8.
        return;
    }
    // Both produce an i8 (0 or 1), so the result keeps its type and users.
    func.dfg.insts[inst] = InstructionData::FloatCompare { opcode: Opcode::Fcmp, cond: fcc.complement(), args: [x, y] };
}

/// `uextend.i64 (iadd.i32 (ishl.i32 x, 2), 1024)` — a wasm address like `table[(crc ^ b) &
/// 0xff]` — computed in 64 bits instead when the 32-bit arithmetic provably cannot wrap (here
/// x <= 255), so that x86 folds the shift and the constant into the memory operand
/// (`1024(base, x, 4)`) instead of computing them with two extra instructions on the
/// load's dependency chain. Only `iadd`/`ishl` chains whose operands have known bounds change.
/// Returns whether it rewrote (leaving an alias).
fn widen_bounded_index(func: &mut Function, inst: Inst) -> bool {
    let InstructionData::Unary { opcode: Opcode::Uextend, arg } = func.dfg.insts[inst] else { return false };
    if func.dfg.value_type(arg) != types::I32 || func.dfg.value_type(func.dfg.first_result(inst)) != types::I64 {
        return false;
    }
    let ValueDef::Result(def, _) = func.dfg.value_def(arg) else { return false };
    if !matches!(func.dfg.insts[def].opcode(), Opcode::Iadd | Opcode::Ishl) || upper_bound(func, arg, 0).is_none() {
        return false;
    }
    let mut cursor = FuncCursor::new(func).at_inst(inst);
    let wide = widen(&mut cursor, arg);
    // The uextend becomes a copy of the 64-bit computation (an alias, resolved before lowering).
    let result = cursor.func.dfg.first_result(inst);
    cursor.func.layout.remove_inst(inst);
    cursor.func.dfg.detach_inst_results(inst);
    cursor.func.dfg.change_to_alias(result, wide);
    true
}

/// The i64 equal to the zero-extended i32 `value`, whose `iadd`/`ishl` steps do not wrap
/// (checked by `upper_bound` before), built in front of the cursor.
fn widen(cursor: &mut FuncCursor, value: ir::Value) -> ir::Value {
    if let ValueDef::Result(def, _) = cursor.func.dfg.value_def(value) {
        match cursor.func.dfg.insts[def] {
            InstructionData::UnaryImm { opcode: Opcode::Iconst, imm, .. } => {
                return cursor.ins().iconst(types::I64, i64::from(imm.bits() as u32));
            }
            InstructionData::Binary { opcode: Opcode::Iadd, args: [a, b] } => {
                let (a, b) = (widen(cursor, a), widen(cursor, b));
                return cursor.ins().iadd(a, b);
            }
            InstructionData::Binary { opcode: Opcode::Ishl, args: [a, amount] }
                if constant(cursor.func, amount).is_some() =>
            {
                let a = widen(cursor, a);
                return cursor.ins().ishl(a, amount);
            }
            _ => {}
        }
    }
    cursor.ins().uextend(types::I64, value)
}

/// The value of an `iconst`, zero-extended.
fn constant(func: &Function, value: ir::Value) -> Option<u64> {
    let ValueDef::Result(def, _) = func.dfg.value_def(value) else { return None };
    match func.dfg.insts[def] {
        InstructionData::UnaryImm { opcode: Opcode::Iconst, imm, .. } => {
            let bits = func.dfg.value_type(value).bits();
            Some(imm.bits() as u64 & if bits >= 64 { u64::MAX } else { (1u64 << bits) - 1 })
        }
        _ => None,
    }
}

/// An upper bound on the i32 `value` taken as unsigned, when one follows from how it is
/// computed, such that every `iadd`/`ishl` on the way cannot wrap; None otherwise.
fn upper_bound(func: &Function, value: ir::Value, depth: u32) -> Option<u64> {
    const MAX: u64 = u32::MAX as u64;
    if func.dfg.value_type(value) != types::I32 || depth > 8 {
        return None;
    }
    if let Some(c) = constant(func, value) {
        return Some(c);
    }
    let ValueDef::Result(def, _) = func.dfg.value_def(value) else { return None };
    let bound = |v| upper_bound(func, v, depth + 1);
    // The smallest all-ones mask covering `b`: a bound for or/xor of values up to `b`.
    let mask = |b: u64| if b == 0 { 0 } else { u64::MAX >> b.leading_zeros() };
    let result = match func.dfg.insts[def] {
        InstructionData::Binary { opcode: Opcode::Band, args: [a, b] } => match (bound(a), bound(b)) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (Some(x), None) | (None, Some(x)) => Some(x),
            (None, None) => None,
        },
        InstructionData::Binary { opcode: Opcode::Bor | Opcode::Bxor, args: [a, b] } => {
            Some(mask(bound(a)?.max(bound(b)?)))
        }
        InstructionData::Binary { opcode: Opcode::Ushr, args: [a, amount] } => {
            let k = constant(func, amount)? & 31;
            Some(bound(a).unwrap_or(MAX) >> k)
        }
        InstructionData::Binary { opcode: Opcode::Ishl, args: [a, amount] } => {
            let k = constant(func, amount)? & 31;
            Some(bound(a)? << k)
        }
        InstructionData::Binary { opcode: Opcode::Iadd, args: [a, b] } => Some(bound(a)? + bound(b)?),
        InstructionData::Load { opcode: Opcode::Uload8, .. } => Some(0xff),
        InstructionData::Load { opcode: Opcode::Uload16, .. } => Some(0xffff),
        InstructionData::Unary { opcode: Opcode::Uextend, arg } => {
            Some(u64::MAX >> (64 - func.dfg.value_type(arg).bits()))
        }
        _ => None,
    };
    result.filter(|&b| b <= MAX)
}

/// Pure and unable to trap, with at least one operand (see the module comment).
fn movable(func: &Function, inst: Inst) -> bool {
    let op = func.dfg.insts[inst].opcode();
    !(op.can_trap()
        || op.can_load()
        || op.can_store()
        || op.other_side_effects()
        || op.is_call()
        || op.is_branch()
        || op.is_terminator()
        || op.is_return())
        && !func.dfg.inst_args(inst).is_empty()
        && func.dfg.inst_results(inst).len() == 1
        && !rematerialized(func, inst)
}

/// What Cranelift's egraph deliberately recomputes in every block that uses it (its
/// `remat.isle`): an add, subtract, and, or, xor with a constant operand, and `bnot`. They cost
/// one cheap instruction, while keeping their result live across a loop costs a register.
fn rematerialized(func: &Function, inst: Inst) -> bool {
    match func.dfg.insts[inst] {
        InstructionData::Binary {
            opcode: Opcode::Iadd | Opcode::Isub | Opcode::Band | Opcode::Bor | Opcode::Bxor,
            args,
        } => args.iter().any(|&a| constant(func, a).is_some()),
        InstructionData::Unary { opcode: Opcode::Bnot, .. } => true,
        _ => false,
    }
}

/// The instruction defining `value` when it is a constant, which is invariant wherever it is
/// defined because it can be copied anywhere.
fn constant_def(func: &Function, value: ir::Value) -> Option<Inst> {
    let ValueDef::Result(def, _) = func.dfg.value_def(value) else { return None };
    matches!(
        func.dfg.insts[def].opcode(),
        Opcode::Iconst | Opcode::F16const | Opcode::F32const | Opcode::F64const | Opcode::F128const | Opcode::Vconst
    )
    .then_some(def)
}

/// The outermost loop, starting from `innermost` (the loop of the instruction's block) and
/// going outwards, that none of the operands of `inst` is defined in (constants aside); None
/// when an operand is defined in `innermost` itself.
fn outermost_invariant_loop(func: &Function, loops: &LoopAnalysis, inst: Inst, innermost: Loop) -> Option<Loop> {
    let mut found = None;
    let mut current = Some(innermost);
    while let Some(lp) = current {
        let invariant = func.dfg.inst_args(inst).iter().all(|&arg| {
            if constant_def(func, arg).is_some() {
                return true;
            }
            let def_block = match func.dfg.value_def(arg) {
                ValueDef::Result(def, _) => func.layout.inst_block(def),
                ValueDef::Param(block, _) => Some(block),
                ValueDef::Union(..) => None,
            };
            def_block.is_some_and(|b| !loops.is_in_loop(b, lp))
        });
        if !invariant {
            break;
        }
        found = Some(lp);
        current = loops.loop_parent(lp);
    }
    found
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::compiler::{build_isa, translate, Tunables};
    use cranelift_codegen::ir::condcodes::FloatCC;

    /// A loop whose body is the `then` arm of an `if` (the shape that defeats the elaborator:
    /// the dominator-tree walk reaches the exit before the body) with invariant operands for a
    /// float division, an integer division and a trapping conversion, a float division that
    /// depends on the loop, and a back edge taken on `eqz` of a float comparison with a constant.
    pub(crate) const LOOP_WAT: &str = r#"(module
      (func (export "f") (param $n i32) (param $a f64) (param $b f64) (param $x i32) (param $y i32) (result f64)
        (local $i i32) (local $acc f64) (local $q i32)
        (loop $l
          (if (i32.lt_s (local.get $i) (local.get $n))
            (then
              (local.set $acc (f64.add (local.get $acc) (f64.div (local.get $a) (local.get $b))))
              (local.set $acc (f64.div (local.get $acc) (local.get $b)))
              (local.set $q (i32.add (local.get $q) (i32.div_u (local.get $x) (local.get $y))))
              (local.set $q (i32.add (local.get $q) (i32.trunc_f64_s (local.get $a))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $l (i32.eqz (f64.gt (local.get $acc) (f64.const 1e9)))))))
        (f64.add (local.get $acc) (f64.convert_i32_u (local.get $q)))))"#;

    /// (opcode, inside a loop) for every instruction of the optimized function, and how many
    /// branches inside loops test an `fcmp ule` directly.
    fn placement(wat: &str) -> (Vec<(Opcode, bool)>, usize) {
        let isa = build_isa().unwrap();
        let module = crate::decode::decode(wat::parse_str(wat).unwrap()).unwrap();
        let tunables = Tunables {
            explicit_bounds_checks: false,
            epoch_interruption: false,
            consume_fuel: false,
            tier_up: false,
            inlining: true,
        };
        let env = translate::ModuleEnv::new(&*isa, &module, &tunables);
        let mut ctx = Context::new();
        let mut fctx = cranelift_frontend::FunctionBuilderContext::new();
        translate::translate_function(&env, module.num_imported_funcs, &mut ctx.func, &mut fctx).unwrap();
        optimize(&*isa, &mut ctx).unwrap();
        ctx.verify(&*isa).unwrap();
        let mut out = Vec::new();
        let mut ule_branches = 0;
        for block in ctx.func.layout.blocks() {
            let in_loop = ctx.loop_analysis.innermost_loop(block).is_some();
            for i in ctx.func.layout.block_insts(block) {
                let data = &ctx.func.dfg.insts[i];
                if let (InstructionData::Brif { arg, .. }, true) = (data, in_loop) {
                    if let ValueDef::Result(d, _) = ctx.func.dfg.value_def(*arg) {
                        if let InstructionData::FloatCompare { cond: FloatCC::UnorderedOrLessThanOrEqual, .. } =
                            ctx.func.dfg.insts[d]
                        {
                            ule_branches += 1;
                        }
                    }
                }
                out.push((data.opcode(), in_loop));
            }
        }
        (out, ule_branches)
    }

    #[test]
    fn invariant_pure_instructions_leave_the_loop_and_trapping_ones_stay() {
        let (placed, ule_branches) = placement(LOOP_WAT);
        let count = |op: Opcode, in_loop: bool| placed.iter().filter(|&&p| p == (op, in_loop)).count();
        // a / b leaves the loop; acc / b depends on the loop and stays.
        assert_eq!(count(Opcode::Fdiv, false), 1, "{placed:?}");
        assert_eq!(count(Opcode::Fdiv, true), 1, "{placed:?}");
        // x / y and trunc(a) could trap: hoisting them would trap when the loop runs zero times.
        assert_eq!(count(Opcode::Udiv, true), 1, "{placed:?}");
        assert_eq!(count(Opcode::Udiv, false), 0, "{placed:?}");
        assert_eq!(count(Opcode::FcvtToSint, false), 0, "{placed:?}");
        // The constant 1e9 is built once, and eqz(acc > 1e9) is one comparison (acc <= 1e9
        // or unordered), with no flag widened and tested.
        assert_eq!(count(Opcode::F64const, true), 0, "{placed:?}");
        assert_eq!(ule_branches, 1, "{placed:?}");
    }

    /// A nest: what depends only on the outer loop's variable leaves the inner loop but not
    /// the outer one; what depends on neither leaves both.
    #[test]
    fn nested_loops_hoist_as_far_as_the_operands_allow() {
        let placed_levels = {
            let wat = r#"(module
              (func (export "g") (param $n i32) (param $a f64) (result f64)
                (local $i i32) (local $j i32) (local $acc f64)
                (loop $outer
                  (if (i32.lt_s (local.get $i) (local.get $n))
                    (then
                      (local.set $j (i32.const 0))
                      (loop $inner
                        (if (i32.lt_s (local.get $j) (local.get $n))
                          (then
                            (local.set $acc (f64.add (local.get $acc)
                              (f64.mul (f64.sqrt (local.get $a)) (f64.convert_i32_s (local.get $i)))))
                            (local.set $j (i32.add (local.get $j) (i32.const 1)))
                            (br $inner))))
                      (local.set $i (i32.add (local.get $i) (i32.const 1)))
                      (br $outer))))
                (local.get $acc)))"#;
            let isa = build_isa().unwrap();
            let module = crate::decode::decode(wat::parse_str(wat).unwrap()).unwrap();
            let tunables = Tunables {
                explicit_bounds_checks: false,
                epoch_interruption: false,
                consume_fuel: false,
                tier_up: false,
                inlining: true,
            };
            let env = translate::ModuleEnv::new(&*isa, &module, &tunables);
            let mut ctx = Context::new();
            let mut fctx = cranelift_frontend::FunctionBuilderContext::new();
            translate::translate_function(&env, module.num_imported_funcs, &mut ctx.func, &mut fctx).unwrap();
            optimize(&*isa, &mut ctx).unwrap();
            ctx.verify(&*isa).unwrap();
            let mut out = Vec::new();
            for block in ctx.func.layout.blocks() {
                let level = ctx.loop_analysis.loop_level(block).level();
                out.extend(ctx.func.layout.block_insts(block).map(|i| (ctx.func.dfg.insts[i].opcode(), level)));
            }
            out
        };
        let level_of = |op: Opcode| placed_levels.iter().find(|p| p.0 == op).map(|p| p.1);
        assert_eq!(level_of(Opcode::Sqrt), Some(0), "{placed_levels:?}");
        assert_eq!(level_of(Opcode::FcvtFromSint), Some(1), "{placed_levels:?}");
        assert_eq!(level_of(Opcode::Fmul), Some(1), "{placed_levels:?}");
        assert_eq!(level_of(Opcode::Fadd), Some(2), "{placed_levels:?}");
    }
}
