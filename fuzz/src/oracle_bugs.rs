//! Recognises modules that show a documented bug of the oracle (wasmi 2.0.0); see
//! fuzz/KNOWN-ORACLE-BUGS.md, where each pattern has its minimal reproduction (also run by
//! tests/known_oracle_bugs.rs). Only a divergence in a module matching one of these patterns is
//! attributed to the oracle; any other divergence is reported as a wasmlift bug. Modules that
//! would crash the oracle (`oracle_crash`) run in it with the crash avoided (see
//! `Differential::compare`); modules it cannot translate (`oracle_panic`) are not compared.

use wasmparser::{
    BlockType, FuncToValidate, FunctionBody, ModuleArity, Operator, Parser, Payload, TypeRef, ValidPayload, Validator,
    ValidatorResources, WasmFeatures,
};

/// The name of the documented oracle bug `wasm` may trigger, if any.
pub fn known_oracle_bug(wasm: &[u8]) -> Option<&'static str> {
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(Payload::CodeSectionEntry(body)) = payload else { continue };
        let Ok(reader) = body.get_operators_reader() else { continue };
        let ops: Vec<Operator> = reader.into_iter().filter_map(|o| o.ok()).collect();
        for w in ops.windows(4) {
            // Entry 1: (select X (local.get L) (i32.eqz (local.get L))).
            if let [Operator::LocalGet { local_index: a }, Operator::LocalGet { local_index: b }, Operator::I32Eqz, Operator::Select | Operator::TypedSelect { .. }] =
                w
            {
                if a == b {
                    return Some("select-eqz-same-local");
                }
            }
        }
    }
    if skips_local_below_block_params(wasm) {
        return Some("block-params-skip-local");
    }
    None
}

/// The name of the documented oracle crash `wasm` may trigger, if any: such a module must not
/// reach the oracle at all (a crash of the oracle would end the whole fuzzing process).
pub fn oracle_crash(wasm: &[u8]) -> Option<&'static str> {
    if tail_calls_empty_host_function(wasm) {
        return Some("tail-call-to-empty-host-function");
    }
    None
}

/// The name of the documented oracle panic `wasm` may trigger, if any: wasmi cannot translate
/// such a module at all, so it is not compared (wasmi's panic would end the fuzzing run, and a
/// panic inside its engine may leave the shared engine in an unknown state).
pub fn oracle_panic(wasm: &[u8]) -> Option<&'static str> {
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(Payload::CodeSectionEntry(body)) = payload else { continue };
        let Ok(reader) = body.get_operators_reader() else { continue };
        let ops: Vec<Operator> = reader.into_iter().filter_map(|o| o.ok()).collect();
        for w in ops.windows(3) {
            if stores_one_local_twice(w) {
                return Some("integer-store-of-a-local-to-itself");
            }
        }
    }
    None
}

/// Entry 4 (KNOWN-ORACLE-BUGS.md), a panic: an integer store whose address and value are both
/// the same local (`local.get`/`local.tee L` twice, the last two operators before the store) to
/// a memory other than 0 or with an offset above 0xffff. When L was last assigned a computed
/// value, wasmi 2.0.0 finds both operands in its integer register, has no store operator for
/// that on this path (`choose_store_op_vt`: `store_rr` exists only for f32 and f64 stores) and
/// panics with "internal error: entered unreachable code". (Whether L is in the register
/// depends on the code before; the pattern does not follow it.)
fn stores_one_local_twice(w: &[Operator]) -> bool {
    let local = |op: &Operator| match op {
        Operator::LocalGet { local_index } | Operator::LocalTee { local_index } => Some(*local_index),
        _ => None,
    };
    let memarg = match &w[2] {
        Operator::I32Store { memarg }
        | Operator::I32Store8 { memarg }
        | Operator::I32Store16 { memarg }
        | Operator::I64Store { memarg }
        | Operator::I64Store8 { memarg }
        | Operator::I64Store16 { memarg }
        | Operator::I64Store32 { memarg } => memarg,
        _ => return false,
    };
    let default_memory = memarg.target == wasmparser::MemArgTarget::Memory(0);
    (!default_memory || memarg.offset > 0xffff) && local(&w[0]).is_some() && local(&w[0]) == local(&w[1])
}

/// Entry 2 (KNOWN-ORACLE-BUGS.md): at a `block`, `loop` or `if` with N > 0 parameters, wasmi
/// copies every `local.get` operand still on its operand stack to a slot of its own (so that
/// writes to the local inside the block do not change it), except the first N such operands it
/// finds from the top, meant to be the block's parameters. When fewer than N of the parameters
/// are `local.get` operands, it skips `local.get` operands *below* the parameters instead; the
/// next block (or `local.set` of that local) inside a conditionally executed arm then copies
/// them there, and on the path that does not run that arm the operand is read from a slot that
/// was never written (stale memory). This follows wasmi's translator over every function: the
/// operand stack with, for each operand, the local it still is (from `local.get`/`local.tee`),
/// copied away the way wasmi copies (at blocks, and at `local.set`/`local.tee` of that local).
/// True when some block skips a `local.get` operand below its parameters.
fn skips_local_below_block_params(wasm: &[u8]) -> bool {
    let mut validator = Validator::new_with_features(WasmFeatures::all());
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(payload) = payload else { return false };
        match validator.payload(&payload) {
            Ok(ValidPayload::Func(func, body)) => {
                if function_skips_local(func, &body).unwrap_or(false) {
                    return true;
                }
            }
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    false
}

fn function_skips_local(func: FuncToValidate<ValidatorResources>, body: &FunctionBody) -> wasmparser::Result<bool> {
    let mut fv = func.into_validator(Default::default());
    let mut locals = body.get_binary_reader();
    fv.read_locals(&mut locals)?;
    let mut reader = wasmparser::OperatorsReader::new(locals);
    // For each operand on the validator's stack: Some(local index) while it is a `local.get`
    // operand in wasmi's translator, None once it is a value of its own.
    let mut shadow: Vec<Option<u32>> = Vec::new();
    while !reader.eof() {
        let (op, offset) = reader.read_with_offset()?;
        let height = fv.operand_stack_height() as usize;
        shadow.resize(height, None);
        // wasmi does not translate unreachable code.
        let reachable = fv.get_control_frame(0).is_some_and(|f| !f.unreachable);
        let (pops, _) = op.operator_arity(&fv).unwrap_or((0, 0));
        let (block_params, condition) = match op {
            Operator::Block { blockty } | Operator::Loop { blockty } => (params_of(&fv, blockty), 0),
            Operator::If { blockty } => (params_of(&fv, blockty), 1),
            _ => (0, 0),
        };
        let mut kept_params: Vec<Option<u32>> = Vec::new();
        if reachable && matches!(op, Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. }) {
            let top = height.saturating_sub(condition);
            let first_param = top.saturating_sub(block_params);
            // A loop copies its parameters to its own slots first: they are no locals then.
            if matches!(op, Operator::Loop { .. }) {
                shadow[first_param..top].iter_mut().for_each(|s| *s = None);
            }
            // wasmi's preserve_all_locals(skip = N): from the top, the first N local operands
            // are left alone (wherever they are), every other one is copied away.
            let mut skip = block_params;
            for (pos, s) in shadow[..top].iter_mut().enumerate().rev() {
                if s.is_none() {
                    continue;
                }
                if skip > 0 {
                    skip -= 1;
                    if pos < first_param {
                        return Ok(true);
                    }
                    continue;
                }
                *s = None;
            }
            if !matches!(op, Operator::Loop { .. }) {
                kept_params = shadow[first_param..top].to_vec();
            }
        }
        if reachable {
            if let Operator::LocalSet { local_index } | Operator::LocalTee { local_index } = op {
                // Writing a local first copies its pending `local.get` operands away.
                shadow.iter_mut().filter(|s| **s == Some(local_index)).for_each(|s| *s = None);
            }
        }
        fv.op(offset, &op)?;
        let after = fv.operand_stack_height() as usize;
        shadow.truncate(height.saturating_sub(pops as usize));
        let pushed = match op {
            Operator::LocalGet { local_index } | Operator::LocalTee { local_index } if reachable => Some(local_index),
            _ => None,
        };
        // A block or if keeps its parameters as they are; anything else pushes new values.
        for p in kept_params {
            shadow.push(p);
        }
        while shadow.len() < after {
            shadow.push(pushed);
        }
        shadow.truncate(after);
    }
    Ok(false)
}

fn params_of(fv: &impl ModuleArity, blockty: BlockType) -> usize {
    fv.block_type_arity(blockty).map_or(0, |(params, _)| params as usize)
}

/// Entry 3 (KNOWN-ORACLE-BUGS.md), a crash: a tail call (`return_call`, `return_call_indirect`,
/// `return_call_ref`) to a host function without parameters and results hands the calling wasm
/// frame a dangling stack pointer in wasmi 2.0.0 when the tail-calling function's frame starts
/// where its caller's does; the caller's next write to its stack then faults (SIGSEGV). The
/// harness provides every imported function as a host function, so: true when the module
/// imports a function of type [] -> [] and tail-calls it directly, or makes an indirect tail
/// call of type [] -> [] (a table or reference may hold the import).
fn tail_calls_empty_host_function(wasm: &[u8]) -> bool {
    let mut empty_types: Vec<bool> = Vec::new();
    let mut empty_imports: Vec<u32> = Vec::new();
    let mut imported_funcs = 0u32;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload {
            Ok(Payload::TypeSection(reader)) => {
                for group in reader.into_iter().flatten() {
                    for sub in group.types() {
                        let empty = match &sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(f) => f.params().is_empty() && f.results().is_empty(),
                            _ => false,
                        };
                        empty_types.push(empty);
                    }
                }
            }
            Ok(Payload::ImportSection(reader)) => {
                for import in reader.into_imports().flatten() {
                    if let TypeRef::Func(t) = import.ty {
                        if empty_types.get(t as usize) == Some(&true) {
                            empty_imports.push(imported_funcs);
                        }
                        imported_funcs += 1;
                    }
                }
            }
            Ok(Payload::CodeSectionEntry(body)) => {
                if empty_imports.is_empty() {
                    return false;
                }
                let Ok(reader) = body.get_operators_reader() else { continue };
                for op in reader.into_iter().flatten() {
                    let hit = match op {
                        Operator::ReturnCall { function_index } => empty_imports.contains(&function_index),
                        Operator::ReturnCallIndirect { type_index, .. } | Operator::ReturnCallRef { type_index } => {
                            empty_types.get(type_index as usize) == Some(&true)
                        }
                        _ => false,
                    };
                    if hit {
                        return true;
                    }
                }
            }
            _ => {}
        }
    }
    false
}
