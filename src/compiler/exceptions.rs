//! Exception handling in compiled code: `try_table`, `throw`, `throw_ref`.
//!
//! Inside a `try_table`, every call becomes a Cranelift `try_call` with one catch-all entry in
//! its exception table, leading to the `try_table`'s handler block (created on first use). The
//! unwinder (runtime/exception.rs) resumes there with the exnref in the first payload register.
//! The handler tests the catch clauses in order, comparing the exception's tag identity with
//! the instance's tag identities (tags are runtime objects: an imported tag is the exporter's),
//! and branches to the clause's label with the payload (and the exnref for the `_ref` forms);
//! when nothing matches it throws the exception on, from inside the enclosing `try_table` if
//! any. `throw` and `throw_ref` are calls of builtins with the wasm `Tail` convention (so that
//! Cranelift treats all registers as clobbered on the exceptional edge) that never return.

use super::translate::{ir_type, readonly, trusted, user_trap, FuncTranslator};
use crate::abi::builtins::{signatures as builtin, ArgType, BuiltinSignature};
use crate::abi::traps::trap_codes;
use crate::abi::vmctx;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I32, I64};
use cranelift_codegen::ir::{
    self, AbiParam, Block, BlockArg, BlockCall, ExceptionTableData, ExceptionTableItem, InstBuilder, SigRef,
    StackSlotData, StackSlotKind, Value,
};
use cranelift_codegen::isa::CallConv;
use wasmparser::Catch;

/// Size of one payload slot (`VMVal`).
const SLOT: i32 = 16;

/// An open `try_table`.
pub(crate) struct TryScope {
    /// Index in the translator's frames of the `try_table`'s own frame.
    pub frame: usize,
    pub catches: Vec<Catch>,
    /// Where calls inside it land on an exception (exnref parameter); made on first use.
    pub handler: Option<Block>,
}

/// What a call calls.
pub(crate) enum Callee {
    Direct(ir::FuncRef),
    Indirect(SigRef, Value),
}

impl FuncTranslator<'_, '_> {
    /// Opens a `try_table` whose frame was just pushed.
    pub(crate) fn open_try(&mut self, catches: Vec<Catch>) {
        let frame = self.frames.len() - 1;
        self.try_scopes.push(TryScope { frame, catches, handler: None });
    }

    /// At the `end` of frame `frame` (already popped, control of its body finished): closes the
    /// `try_table` it was, emitting its handler in the context around it.
    pub(crate) fn close_try(&mut self, frame: usize) {
        if self.try_scopes.last().is_none_or(|s| s.frame != frame) {
            return;
        }
        let scope = self.try_scopes.pop().expect("checked above");
        let Some(handler) = scope.handler else { return };
        self.b.seal_block(handler);
        self.b.switch_to_block(handler);
        let exn = self.b.block_params(handler)[0];
        // The callees ran: fuel, deadline and memory64 lengths may have changed.
        self.after_call();
        let thrown_tag = self.b.ins().load(I64, trusted(), exn, vmctx::EXCEPTION_TAG);
        for catch in scope.catches {
            let (tag, label, with_ref) = match catch {
                Catch::One { tag, label } => (Some(tag), label, false),
                Catch::OneRef { tag, label } => (Some(tag), label, true),
                Catch::All { label } => (None, label, false),
                Catch::AllRef { label } => (None, label, true),
            };
            let mut args = Vec::new();
            let next = match tag {
                Some(tag) => {
                    let off = self.env.offsets.tag_ptr(tag);
                    let identity = self.b.ins().load(I64, readonly(), self.vmctx, off);
                    let same = self.b.ins().icmp(IntCC::Equal, thrown_tag, identity);
                    let matched = self.b.create_block();
                    let next = self.b.create_block();
                    self.b.ins().brif(same, matched, &[], next, &[]);
                    self.b.seal_block(matched);
                    self.b.seal_block(next);
                    self.b.switch_to_block(matched);
                    let values = self.b.ins().load(I64, trusted(), exn, vmctx::EXCEPTION_VALUES);
                    let params = self.env.module.tag_type(tag).params.clone();
                    for (i, p) in params.iter().enumerate() {
                        let v = self.b.ins().load(ir_type(*p), trusted(), values, i as i32 * SLOT);
                        self.declare_gc_ref(v, *p);
                        args.push(v);
                    }
                    Some(next)
                }
                None => None,
            };
            if with_ref {
                // The exnref becomes a value: its store must keep the exception from now on.
                let one = self.b.ins().iconst(I64, 1);
                self.b.ins().store(trusted(), one, exn, vmctx::EXCEPTION_EXPOSED);
                args.push(exn);
            } else {
                // Nothing else can reach the exception unless it was exposed before; the
                // payload is in registers by now.
                self.call_builtin(builtin::exn_release, &[exn]);
            }
            let (target, _) = self.branch_target(label);
            let block_args: Vec<BlockArg> = args.iter().map(|v| BlockArg::Value(*v)).collect();
            self.b.ins().jump(target, &block_args);
            match next {
                Some(next) => self.b.switch_to_block(next),
                // A catch-all: later clauses can never match.
                None => return,
            }
        }
        self.throw_exnref(exn);
    }

    /// The handler of the innermost open `try_table`, if any.
    fn current_handler(&mut self) -> Option<Block> {
        let scope = self.try_scopes.last_mut()?;
        if let Some(h) = scope.handler {
            return Some(h);
        }
        let h = self.b.create_block();
        self.b.append_block_param(h, I64);
        self.b.set_cold_block(h);
        self.try_scopes.last_mut().expect("just seen").handler = Some(h);
        Some(h)
    }

    /// Emits a call; inside a `try_table` a `try_call` whose exceptions go to its handler.
    /// Returns the call's results.
    pub(crate) fn emit_call(&mut self, callee: Callee, args: &[Value]) -> Vec<Value> {
        let Some(handler) = self.current_handler() else {
            let call = match callee {
                Callee::Direct(f) => self.b.ins().call(f, args),
                Callee::Indirect(sig, code) => self.b.ins().call_indirect(sig, code, args),
            };
            return self.b.inst_results(call).to_vec();
        };
        let sig = match callee {
            Callee::Direct(f) => self.b.func.dfg.ext_funcs[f].signature,
            Callee::Indirect(sig, _) => sig,
        };
        let returns: Vec<ir::Type> = self.b.func.dfg.signatures[sig].returns.iter().map(|r| r.value_type).collect();
        let cont = self.b.create_block();
        for t in &returns {
            self.b.append_block_param(cont, *t);
        }
        let pool = &mut self.b.func.dfg.value_lists;
        let normal = BlockCall::new(cont, (0..returns.len() as u32).map(BlockArg::TryCallRet), pool);
        let on_exception = BlockCall::new(handler, [BlockArg::TryCallExn(0)], pool);
        let table = self.b.func.dfg.exception_tables.push(ExceptionTableData::new(
            sig,
            normal,
            [ExceptionTableItem::Default(on_exception)],
        ));
        match callee {
            Callee::Direct(f) => self.b.ins().try_call(f, args, table),
            Callee::Indirect(_, code) => self.b.ins().try_call_indirect(code, args, table),
        };
        self.b.seal_block(cont);
        self.b.switch_to_block(cont);
        self.b.block_params(cont).to_vec()
    }

    /// Calls a throwing builtin (wasm `Tail` convention, no results, never returns).
    fn call_throw_builtin(&mut self, which: BuiltinSignature, args: &[Value]) {
        let mut sig = ir::Signature::new(CallConv::Tail);
        sig.params.push(AbiParam::new(I64));
        for p in which.params {
            sig.params.push(AbiParam::new(match p {
                ArgType::I32 => I32,
                ArgType::I64 => I64,
            }));
        }
        let sig = self.b.import_signature(sig);
        let table = self.b.ins().load(I64, readonly(), self.vmctx, vmctx::VMCTX_BUILTINS);
        let f = self.b.ins().load(I64, readonly(), table, which.offset);
        let mut all = Vec::with_capacity(args.len() + 1);
        all.push(self.vmctx);
        all.extend_from_slice(args);
        self.emit_call(Callee::Indirect(sig, f), &all);
        // Not reached: the builtin resumes at a handler or ends the activation.
        self.b.ins().trap(user_trap(trap_codes::UNREACHABLE));
    }

    /// `throw tag`: the payload goes to a stack area the builtin copies into the exception.
    pub(crate) fn throw(&mut self, tag: u32) {
        let n = self.env.module.tag_type(tag).params.len();
        let values = self.popn_canon(n);
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (n.max(1) as u32) * SLOT as u32,
            4,
        ));
        let addr = self.b.ins().stack_addr(I64, slot, 0);
        for (i, v) in values.into_iter().enumerate() {
            self.b.ins().store(trusted(), v, addr, i as i32 * SLOT);
        }
        self.fuel_spill();
        let tag = self.b.ins().iconst(I32, tag as i64);
        self.call_throw_builtin(builtin::throw, &[tag, addr]);
        self.reachable = false;
    }

    /// `throw_ref`: traps on null, else throws the exception again.
    pub(crate) fn throw_ref(&mut self) {
        let exn = self.pop();
        self.fuel_spill();
        self.b.ins().trapz(exn, user_trap(trap_codes::NULL_EXCEPTION_REFERENCE));
        self.throw_exnref(exn);
        self.reachable = false;
    }

    /// Throws a non-null exnref (from the enclosing `try_table`, if any).
    fn throw_exnref(&mut self, exn: Value) {
        self.call_throw_builtin(builtin::throw_ref, &[exn]);
    }
}
