//! The two boundary trampolines: host → wasm (entry, one per function type of a module) and
//! wasm → host (one per host function type, cached by the engine).

use super::{finish_compile, translate::ir_type, translate::readonly, wasm_signature, FuncOutput};
use crate::abi::traps::trap_codes;
use crate::abi::vmctx::HOST_CTX_INVOKE_OFFSET;
use crate::types::FuncType;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    self, types::I32, types::I64, AbiParam, InstBuilder, MemFlagsData, StackSlotData, StackSlotKind, TrapCode,
    UserFuncName,
};
use cranelift_codegen::isa::{CallConv, TargetIsa};
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

/// Size of one `VMVal` slot.
const SLOT: i32 = 16;

/// `extern "C" fn(callee_vmctx, callee_code, values: *mut VMVal)`: loads the arguments from
/// `values`, calls the wasm function and stores its results back from slot 0.
pub(crate) fn entry_trampoline(
    isa: &dyn TargetIsa,
    ty: &FuncType,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
) -> Result<FuncOutput, String> {
    ctx.clear();
    let mut sig = ir::Signature::new(isa.default_call_conv());
    sig.params.extend([AbiParam::new(I64), AbiParam::new(I64), AbiParam::new(I64)]);
    ctx.func = ir::Function::with_name_signature(UserFuncName::default(), sig);
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
        let block = b.create_block();
        b.append_block_params_for_function_params(block);
        b.switch_to_block(block);
        b.seal_block(block);
        let (callee_vmctx, code, values) = {
            let p = b.block_params(block);
            (p[0], p[1], p[2])
        };
        // The array is the runtime's, valid and 16-byte aligned (`VMVal` is `align(16)`).
        let flags = MemFlagsData::trusted();
        let mut args = Vec::with_capacity(ty.params.len() + 1);
        args.push(callee_vmctx);
        for (i, p) in ty.params.iter().enumerate() {
            args.push(b.ins().load(ir_type(*p), flags, values, i as i32 * SLOT));
        }
        let sigref = b.import_signature(wasm_signature(ty));
        let call = b.ins().call_indirect(sigref, code, &args);
        let results = b.inst_results(call).to_vec();
        for (i, r) in results.into_iter().enumerate() {
            b.ins().store(flags, r, values, i as i32 * SLOT);
        }
        b.ins().return_(&[]);
        b.finalize(isa.frontend_config());
    }
    finish_compile(isa, ctx)
}

/// Wasm-convention function `(host_ctx, params...) -> results` that calls the context's
/// `HostInvoke` (`invoke(host_ctx, args, results, frame_pointer) -> u32`, loaded from
/// `HOST_CTX_INVOKE_OFFSET`) with the params spilled to an array on its stack and the results
/// read back from another. The frame pointer leads the collector into the calling wasm frames
/// while the host function runs (see runtime::gc::WasmExit).
pub(crate) fn host_trampoline(
    isa: &dyn TargetIsa,
    ty: &FuncType,
    rethrow: usize,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
) -> Result<FuncOutput, String> {
    ctx.clear();
    ctx.func = ir::Function::with_name_signature(UserFuncName::default(), wasm_signature(ty));
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
        let block = b.create_block();
        b.append_block_params_for_function_params(block);
        b.switch_to_block(block);
        b.seal_block(block);
        let params = b.block_params(block).to_vec();
        let host_ctx = params[0];
        // One spare slot before each array: `HostInvoke` may use the 8 bytes before it (the
        // kind byte of a `wasm_val_t` overlaid on the first slot).
        let np = ty.params.len() as u32;
        let nr = ty.results.len().max(1) as u32;
        let slot =
            b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, (np + nr + 2) * SLOT as u32, 4));
        let args = b.ins().stack_addr(I64, slot, SLOT);
        let results_at = b.ins().stack_addr(I64, slot, (np as i32 + 2) * SLOT);
        let flags = MemFlagsData::trusted();
        for (i, v) in params[1..].iter().enumerate() {
            b.ins().store(flags, *v, args, i as i32 * SLOT);
        }
        let mut hsig = ir::Signature::new(isa.default_call_conv());
        hsig.params.extend([AbiParam::new(I64), AbiParam::new(I64), AbiParam::new(I64), AbiParam::new(I64)]);
        hsig.returns.push(AbiParam::new(I32));
        let hsig = b.import_signature(hsig);
        // The context is the runtime's `HostFunc`, alive while compiled code can reach it, and
        // its invoke pointer never changes.
        let callee = b.ins().load(I64, readonly(), host_ctx, HOST_CTX_INVOKE_OFFSET);
        // This frame's pointer: the saved frame pointer and return address above it lead the
        // collector into the calling wasm frames (see runtime::gc::WasmExit).
        let fp = b.ins().get_frame_pointer(I64);
        let call = b.ins().call_indirect(hsig, callee, &[host_ctx, args, results_at, fp]);
        let rc = b.inst_results(call)[0];
        let failed = b.create_block();
        let done = b.create_block();
        b.set_cold_block(failed);
        b.ins().brif(rc, failed, &[], done, &[]);
        b.seal_block(failed);
        b.switch_to_block(failed);
        // 2: the callback ended with a wasm exception of this store (exnref in results[0]), which
        // continues unwinding from this frame into the calling wasm code; 1: a plain trap.
        let is_exception = b.ins().icmp_imm_u(IntCC::Equal, rc, 2);
        let rethrow_block = b.create_block();
        let trap_block = b.create_block();
        b.set_cold_block(rethrow_block);
        b.set_cold_block(trap_block);
        b.ins().brif(is_exception, rethrow_block, &[], trap_block, &[]);
        b.seal_block(rethrow_block);
        b.seal_block(trap_block);
        b.switch_to_block(trap_block);
        b.ins().trap(TrapCode::unwrap_user(trap_codes::HOST_TRAP));
        b.switch_to_block(rethrow_block);
        let exn = b.ins().load(I64, flags, results_at, 0);
        let mut rsig = ir::Signature::new(CallConv::Tail);
        rsig.params.extend([AbiParam::new(I64), AbiParam::new(I64)]);
        let rsig = b.import_signature(rsig);
        let rethrow = b.ins().iconst(I64, rethrow as i64);
        b.ins().call_indirect(rsig, rethrow, &[host_ctx, exn]);
        // The stub never returns.
        b.ins().trap(TrapCode::unwrap_user(trap_codes::HOST_TRAP));
        b.switch_to_block(done);
        b.seal_block(done);
        let results: Vec<_> = ty
            .results
            .iter()
            .enumerate()
            .map(|(i, r)| b.ins().load(ir_type(*r), flags, results_at, i as i32 * SLOT))
            .collect();
        b.ins().return_(&results);
        b.finalize(isa.frontend_config());
    }
    finish_compile(isa, ctx)
}

/// A function whose only instruction traps with `HOST_TRAP`: where a failed lazy compile sends
/// the call (jumped to with the stack as at a function entry; it never returns).
pub(crate) fn trap_stub(
    isa: &dyn TargetIsa,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
) -> Result<FuncOutput, String> {
    ctx.clear();
    ctx.func = ir::Function::with_name_signature(UserFuncName::default(), ir::Signature::new(isa.default_call_conv()));
    {
        let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
        let block = b.create_block();
        b.switch_to_block(block);
        b.seal_block(block);
        b.ins().trap(TrapCode::unwrap_user(trap_codes::HOST_TRAP));
        b.finalize(isa.frontend_config());
    }
    finish_compile(isa, ctx)
}
