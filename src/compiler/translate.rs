//! Translation of one WebAssembly function body to Cranelift IR: the operand stack, structured
//! control flow, locals, globals, memories, tables and calls. SIMD operators live in `simd.rs`.

use super::exceptions::Callee;
use super::link::FUNC_NAMESPACE;
use super::{wasm_signature, Tunables};
use crate::abi::builtins::{signatures as builtin, ArgType, BuiltinSignature};
use crate::abi::traps::trap_codes;
use crate::abi::vmctx::{self, VMOffsets};
use crate::decode::ModuleInfo;
use crate::types::{FuncType, ValType};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64};
use cranelift_codegen::ir::types::*;
use cranelift_codegen::ir::{
    self, AbiParam, AliasRegion, AliasRegionData, Block, BlockArg, Endianness, ExtFuncData, ExternalName, InstBuilder,
    MemFlagsData, SigRef, SourceLoc, TrapCode, Type, UserExternalName, UserFuncName, Value,
};
use cranelift_codegen::isa::TargetIsa;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use std::collections::HashMap;
use wasmparser::{BlockType, MemArg, MemArgTarget, Operator};

/// Everything about the module that translating a function needs; shared by all threads.
pub(crate) struct ModuleEnv<'a> {
    pub isa: &'a dyn TargetIsa,
    pub module: &'a ModuleInfo,
    pub offsets: VMOffsets,
    pub tunables: &'a Tunables,
    /// Emit tier-up budget counting (baseline code of tiered modules).
    pub count_for_tier_up: bool,
    /// Inline small callees (optimizing tier with `Tunables::inlining`, see inline.rs).
    pub inline: bool,
}

impl<'a> ModuleEnv<'a> {
    pub fn new(isa: &'a dyn TargetIsa, module: &'a ModuleInfo, tunables: &'a Tunables) -> ModuleEnv<'a> {
        ModuleEnv {
            isa,
            module,
            offsets: VMOffsets::new(module),
            tunables,
            count_for_tier_up: false,
            inline: tunables.inlining && isa.flags().opt_level() != cranelift_codegen::settings::OptLevel::None,
        }
    }
}

/// The Cranelift type a wasm value has in registers and at ABI boundaries.
pub(crate) fn ir_type(ty: ValType) -> Type {
    match ty {
        ValType::I32 => I32,
        ValType::I64 => I64,
        ValType::F32 => F32,
        ValType::F64 => F64,
        ValType::V128 => I8X16,
        ValType::Ref(_) => I64,
    }
}

pub(crate) fn user_trap(code: u8) -> TrapCode {
    TrapCode::unwrap_user(code)
}

/// Loads from the vmctx or runtime structures that never change while code runs.
pub(crate) fn readonly() -> MemFlagsData {
    MemFlagsData::trusted().with_readonly().with_can_move()
}

/// Loads/stores of runtime structures that may change (lengths, table elements).
pub(crate) fn trusted() -> MemFlagsData {
    MemFlagsData::trusted()
}

/// Linear-memory accesses: any fault is an out-of-bounds access.
pub(crate) fn heap_flags() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little).with_trap_code(Some(TrapCode::HEAP_OUT_OF_BOUNDS))
}

/// Flags for bitcasts between vector types of different lane counts.
pub(crate) fn lane_cast() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Block,
    Loop { header: Block },
    If { else_block: Block, else_seen: bool },
}

pub(super) struct Frame {
    kind: FrameKind,
    num_params: usize,
    num_results: usize,
    /// Operand-stack height below the frame's parameters.
    height: usize,
    /// Continuation after `end`; its parameters are the frame's results.
    next: Block,
    /// Whether any branch (or fallthrough) reaches `next`.
    next_used: bool,
    /// The parameters the `else` arm starts with (only for `if`).
    else_params: Vec<Value>,
}

/// Disjoint kinds of memory wasm code touches, so that alias analysis knows that e.g. a heap
/// store cannot change a global or a table length.
#[derive(Clone, Copy)]
struct Regions {
    heap: AliasRegion,
    table: AliasRegion,
    globals: AliasRegion,
    /// Runtime metadata wasm code only reads (memory lengths, funcref fields); it changes only
    /// across calls, which clobber every region anyway.
    vm: AliasRegion,
    /// The memory64 length loads of `memory_lengths_reload` (also runtime metadata), in a region
    /// of their own so that the unused ones can be found and removed after translation.
    memory64_lengths: AliasRegion,
}

impl Regions {
    fn table_flags(&self) -> MemFlagsData {
        trusted().with_alias_region(Some(self.table))
    }

    fn global_flags(&self) -> MemFlagsData {
        trusted().with_alias_region(Some(self.globals))
    }

    fn vm_flags(&self) -> MemFlagsData {
        trusted().with_alias_region(Some(self.vm))
    }

    fn new(func: &mut ir::Function) -> Regions {
        let mut region = |user_id, description: &'static str| {
            func.dfg.alias_regions.insert(AliasRegionData { user_id, description: description.into() })
        };
        Regions {
            heap: region(1, "heap"),
            table: region(2, "table"),
            globals: region(3, "globals"),
            vm: region(4, "vm"),
            memory64_lengths: region(5, "memory64 lengths"),
        }
    }
}

pub(crate) struct FuncTranslator<'e, 'f> {
    pub env: &'e ModuleEnv<'e>,
    /// The function being translated.
    func_index: u32,
    pub b: FunctionBuilder<'f>,
    pub vmctx: Value,
    locals: Vec<Variable>,
    pub stack: Vec<Value>,
    pub(super) frames: Vec<Frame>,
    /// Open `try_table`s, innermost last (see exceptions.rs).
    pub(super) try_scopes: Vec<super::exceptions::TryScope>,
    /// False after an unconditional transfer of control until the enclosing `end`/`else`.
    pub(super) reachable: bool,
    /// Depth of blocks opened while unreachable (skipped entirely).
    unreachable_depth: u32,
    sigs: HashMap<u32, SigRef>,
    funcs: HashMap<u32, ir::FuncRef>,
    builtin_sigs: HashMap<i32, SigRef>,
    regions: Regions,
    /// Operators counted but not yet subtracted from `fuel`.
    fuel_pending: i64,
    /// With fuel consumption on: the fuel left, kept in a register between the points where
    /// another function can observe it (calls, returns, traps), where it is written back to
    /// the store's `VMLimits::fuel` (`fuel_spill`) and read again after calls (`fuel_reload`).
    fuel: Option<Variable>,
    /// With epoch interruption on: the store's epoch deadline, read on entry and after calls
    /// (only a call can move it: the embedder sets it from the store's thread). Checks compare
    /// the engine's epoch against this register; reaching it rereads the deadline from the
    /// store before trapping.
    epoch_deadline: Option<Variable>,
    /// Per memory index: for memory64 memories, the current length in bytes, read on entry and
    /// again after calls and `memory.grow` (nothing else changes a length while this function
    /// runs), so that bounds checks compare against a register: loop-invariant in loops
    /// without calls.
    memory_lengths: Vec<Option<Variable>>,
}

/// Translates defined function `func_index` into `func` (which must be clear).
pub(crate) fn translate_function(
    env: &ModuleEnv,
    func_index: u32,
    func: &mut ir::Function,
    fctx: &mut FunctionBuilderContext,
) -> Result<(), String> {
    let module = env.module;
    let ty = module.func_type(func_index);
    *func = ir::Function::with_name_signature(UserFuncName::user(FUNC_NAMESPACE, func_index), wasm_signature(ty));

    // Prologue stack check: the limit is read through vmctx → VMLimits on every entry.
    let vmctx_gv = func.create_global_value(ir::GlobalValueData::VMContext);
    let gv_flags = func.dfg.mem_flags.insert(MemFlagsData::trusted().with_readonly()).map_err(|_| "memflags")?;
    let limits = func.create_global_value(ir::GlobalValueData::Load {
        base: vmctx_gv,
        offset: vmctx::VMCTX_LIMITS.into(),
        global_type: I64,
        flags: gv_flags,
    });
    let limit = func.create_global_value(ir::GlobalValueData::Load {
        base: limits,
        offset: vmctx::LIMITS_STACK_LIMIT.into(),
        global_type: I64,
        flags: gv_flags,
    });
    func.stack_limit = Some(limit);

    let defined = (func_index - module.num_imported_funcs) as usize;
    let range = module.bodies[defined].range.clone();
    let reader = wasmparser::BinaryReader::new(&module.bytes[range.clone()], range.start as u64);
    let body = wasmparser::FunctionBody::new(reader);

    let regions = Regions::new(func);
    let mut b = FunctionBuilder::new(func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    let params = b.block_params(entry).to_vec();
    let vmctx = params[0];

    let mut locals = Vec::new();
    for (i, p) in ty.params.iter().enumerate() {
        let var = b.declare_var(ir_type(*p));
        if p.is_gc_ref() {
            b.declare_var_needs_stack_map(var);
        }
        b.def_var(var, params[i + 1]);
        locals.push(var);
    }
    let mut locals_reader = body.get_locals_reader().map_err(|e| e.to_string())?;
    for _ in 0..locals_reader.get_count() {
        let (count, wty) = locals_reader.read().map_err(|e| e.to_string())?;
        let vt = module.valtype(wty).ok_or_else(|| format!("unsupported local type {wty}"))?;
        if count == 0 {
            continue;
        }
        let zero = zero_value(&mut b, vt);
        for _ in 0..count {
            let var = b.declare_var(ir_type(vt));
            if vt.is_gc_ref() {
                b.declare_var_needs_stack_map(var);
            }
            b.def_var(var, zero);
            locals.push(var);
        }
    }

    let exit = b.create_block();
    for r in ty.results.iter() {
        let v = b.append_block_param(exit, ir_type(*r));
        if r.is_gc_ref() {
            b.declare_value_needs_stack_map(v);
        }
    }

    let mut t = FuncTranslator {
        env,
        func_index,
        b,
        vmctx,
        locals,
        stack: Vec::new(),
        frames: vec![Frame {
            kind: FrameKind::Block,
            num_params: 0,
            num_results: ty.results.len(),
            height: 0,
            next: exit,
            next_used: false,
            else_params: Vec::new(),
        }],
        try_scopes: Vec::new(),
        reachable: true,
        unreachable_depth: 0,
        sigs: HashMap::new(),
        funcs: HashMap::new(),
        builtin_sigs: HashMap::new(),
        regions,
        fuel_pending: 0,
        fuel: None,
        epoch_deadline: None,
        memory_lengths: Vec::new(),
    };
    for memory in &module.memories {
        let var = memory.memory64.then(|| t.b.declare_var(I64));
        t.memory_lengths.push(var);
    }
    t.memory_lengths_reload();

    if t.env.tunables.epoch_interruption {
        let deadline = t.b.declare_var(I64);
        t.epoch_deadline = Some(deadline);
        t.epoch_deadline_reload();
        if body_makes_calls(&body)? {
            // Functions without calls run for a bounded time apart from their loops, whose
            // headers check the epoch; only callers need the check on entry.
            t.epoch_check();
        }
    }
    if t.env.tunables.consume_fuel {
        let fuel = t.b.declare_var(I64);
        t.fuel = Some(fuel);
        t.fuel_reload();
        t.fuel_check();
    }
    t.count_for_tier_up();
    let mut ops = body.get_operators_reader().map_err(|e| e.to_string())?;
    while !ops.eof() {
        let (op, offset) = ops.read_with_offset().map_err(|e| e.to_string())?;
        t.b.set_srcloc(SourceLoc::new(offset as u32));
        t.operator(op)?;
    }
    if !t.frames.is_empty() {
        return Err("function body ended with open blocks".to_string());
    }
    let lengths_region = t.regions.memory64_lengths;
    let has_memory64 = t.memory_lengths.iter().any(Option::is_some);
    t.b.finalize(env.isa.frontend_config());
    if has_memory64 {
        remove_unused_length_loads(func, lengths_region);
    }
    Ok(())
}

/// Removes the memory64 length loads (alias region `region`) whose value nothing uses. They have
/// no effect besides their value (trusted, cannot trap), but Cranelift keeps loads that are not
/// read-only even when unused.
fn remove_unused_length_loads(func: &mut ir::Function, region: AliasRegion) {
    let mut used = std::collections::HashSet::new();
    for block in func.layout.blocks() {
        for inst in func.layout.block_insts(block) {
            for v in func.dfg.inst_values(inst) {
                used.insert(func.dfg.resolve_aliases(v));
            }
        }
    }
    let mut unused = Vec::new();
    for block in func.layout.blocks() {
        for inst in func.layout.block_insts(block) {
            if let ir::InstructionData::Load { opcode: ir::Opcode::Load, flags, .. } = func.dfg.insts[inst] {
                let results = func.dfg.inst_results(inst);
                if func.dfg.mem_flags[flags].alias_region() == Some(region) && !used.contains(&results[0]) {
                    unused.push(inst);
                }
            }
        }
    }
    for inst in unused {
        func.layout.remove_inst(inst);
    }
}

/// True when the body contains a call of any kind (a pre-pass over the operators, done only
/// when the epoch check placement depends on it).
fn body_makes_calls(body: &wasmparser::FunctionBody) -> Result<bool, String> {
    let mut ops = body.get_operators_reader().map_err(|e| e.to_string())?;
    while !ops.eof() {
        match ops.read().map_err(|e| e.to_string())? {
            Operator::Call { .. }
            | Operator::CallIndirect { .. }
            | Operator::ReturnCall { .. }
            | Operator::ReturnCallIndirect { .. }
            | Operator::CallRef { .. }
            | Operator::ReturnCallRef { .. } => return Ok(true),
            _ => {}
        }
    }
    Ok(false)
}

fn zero_value(b: &mut FunctionBuilder, vt: ValType) -> Value {
    match vt {
        ValType::I32 => b.ins().iconst(I32, 0),
        ValType::I64 | ValType::Ref(_) => b.ins().iconst(I64, 0),
        ValType::F32 => b.ins().f32const(Ieee32::with_bits(0)),
        ValType::F64 => b.ins().f64const(Ieee64::with_bits(0)),
        ValType::V128 => {
            let c = b.func.dfg.constants.insert(vec![0u8; 16].into());
            b.ins().vconst(I8X16, c)
        }
    }
}

fn block_args(vals: &[Value]) -> Vec<BlockArg> {
    vals.iter().map(|v| BlockArg::Value(*v)).collect()
}

macro_rules! binop {
    ($s:ident, $op:ident) => {{
        let (a, b) = $s.pop2();
        let v = $s.b.ins().$op(a, b);
        $s.push(v);
    }};
}
macro_rules! unop {
    ($s:ident, $op:ident) => {{
        let a = $s.pop();
        let v = $s.b.ins().$op(a);
        $s.push(v);
    }};
}
macro_rules! convert {
    ($s:ident, $op:ident, $ty:expr) => {{
        let a = $s.pop();
        let v = $s.b.ins().$op($ty, a);
        $s.push(v);
    }};
}
macro_rules! icmp {
    ($s:ident, $cc:expr) => {{
        let (a, b) = $s.pop2();
        let c = $s.b.ins().icmp($cc, a, b);
        let v = $s.b.ins().uextend(I32, c);
        $s.push(v);
    }};
}
macro_rules! fcmp {
    ($s:ident, $cc:expr) => {{
        let (a, b) = $s.pop2();
        let c = $s.b.ins().fcmp($cc, a, b);
        let v = $s.b.ins().uextend(I32, c);
        $s.push(v);
    }};
}

impl<'e, 'f> FuncTranslator<'e, 'f> {
    // ---------------------------------------------------------------- operand stack

    pub fn push(&mut self, v: Value) {
        self.stack.push(v);
    }

    pub fn pop(&mut self) -> Value {
        self.stack.pop().expect("operand stack underflow (validated module)")
    }

    pub fn pop2(&mut self) -> (Value, Value) {
        let b = self.pop();
        let a = self.pop();
        (a, b)
    }

    pub fn pop3(&mut self) -> (Value, Value, Value) {
        let c = self.pop();
        let b = self.pop();
        let a = self.pop();
        (a, b, c)
    }

    /// Pops `n` values, canonicalised for crossing a block/call boundary.
    pub(super) fn popn_canon(&mut self, n: usize) -> Vec<Value> {
        let at = self.stack.len() - n;
        let vals: Vec<Value> = self.stack.split_off(at);
        vals.into_iter().map(|v| self.canon(v)).collect()
    }

    /// Canonicalises the top `n` stack values in place and returns them.
    pub(super) fn peekn_canon(&mut self, n: usize) -> Vec<Value> {
        let at = self.stack.len() - n;
        for i in at..self.stack.len() {
            self.stack[i] = self.canon(self.stack[i]);
        }
        self.stack[at..].to_vec()
    }

    pub fn ty(&self, v: Value) -> Type {
        self.b.func.dfg.value_type(v)
    }

    /// v128 values travel as `i8x16` across blocks, calls, locals and globals; inside a block
    /// they keep whatever lane type the last operation produced.
    pub fn canon(&mut self, v: Value) -> Value {
        let ty = self.ty(v);
        if ty.is_vector() && ty != I8X16 {
            self.b.ins().bitcast(I8X16, lane_cast(), v)
        } else {
            v
        }
    }

    /// Flags of a linear-memory access.
    pub fn heap_flags(&self) -> MemFlagsData {
        heap_flags().with_alias_region(Some(self.regions.heap))
    }

    pub fn iconst32(&mut self, v: i32) -> Value {
        self.b.ins().iconst(I32, v as u32 as i64)
    }

    // ---------------------------------------------------------------- vmctx access

    pub(super) fn load_vmctx_ptr(&mut self, offset: i32) -> Value {
        self.b.ins().load(I64, readonly(), self.vmctx, offset)
    }

    fn memory_index(memarg: &MemArg) -> Result<u32, String> {
        match memarg.target {
            MemArgTarget::Memory(m) => Ok(m),
            MemArgTarget::Array(_) => Err("unsupported: GC array memory access".to_string()),
        }
    }

    /// The `*mut VMMemory` of memory `mem` (fixed for the instance's lifetime).
    fn memory_def(&mut self, mem: u32) -> Value {
        let off = self.env.offsets.memory_ptr(mem);
        self.load_vmctx_ptr(off)
    }

    fn memory_base(&mut self, mem: u32) -> Value {
        let def = self.memory_def(mem);
        // `base` never moves for the memory's lifetime.
        self.b.ins().load(I64, readonly(), def, vmctx::MEMORY_BASE)
    }

    fn memory_length(&mut self, mem: u32) -> Value {
        let def = self.memory_def(mem);
        self.b.ins().load(I64, self.regions.vm_flags(), def, vmctx::MEMORY_LENGTH)
    }

    fn is_memory64(&self, mem: u32) -> bool {
        self.env.module.memories[mem as usize].memory64
    }

    fn is_table64(&self, table: u32) -> bool {
        self.env.module.tables[table as usize].table64
    }

    /// An address, index or length operand as the u64 builtins take it (i32 zero-extended).
    fn widen_to_u64(&mut self, v: Value) -> Value {
        if self.ty(v) == I32 {
            self.b.ins().uextend(I64, v)
        } else {
            v
        }
    }

    /// Rereads what a call may have changed: fuel, the epoch deadline, memory lengths.
    pub(super) fn after_call(&mut self) {
        self.fuel_reload();
        self.epoch_deadline_reload();
        self.memory_lengths_reload();
    }

    /// Reads the length of every memory64 memory into its register (see `memory_lengths`).
    ///
    /// Every function of a module with a memory64 memory reads the lengths on entry and after
    /// each call; the reads nothing uses are removed after translation
    /// (`remove_unused_length_loads`), so functions that never touch memory, and calls after the
    /// last access, cost nothing.
    fn memory_lengths_reload(&mut self) {
        for mem in 0..self.memory_lengths.len() {
            if let Some(var) = self.memory_lengths[mem] {
                let def = self.memory_def(mem as u32);
                let flags = trusted().with_alias_region(Some(self.regions.memory64_lengths));
                let len = self.b.ins().load(I64, flags, def, vmctx::MEMORY_LENGTH);
                self.b.def_var(var, len);
            }
        }
    }

    /// Computes the native address of an access of `size` bytes at `index` (i32, or i64 for a
    /// memory64 memory), bounds checking it if needed. Returns (address, immediate offset).
    ///
    /// 32-bit memories need a check only with explicit bounds checks (otherwise every u32 index
    /// and offset lands in the guard region). memory64 accesses are always checked, with the
    /// same trap as the guard pages ("out of bounds memory access"):
    /// - with guard pages, when offset + size fits in `MEMORY64_GUARD_BYTES`: `index > length`
    ///   traps; an index up to the length reaches at most the guard region, which faults. One
    ///   compare against the length register, the same for every access of the function.
    /// - otherwise, when offset + size is at most the memory's declared minimum (so at most its
    ///   length, and `length - (offset + size)` cannot wrap): `index > length - (offset + size)`.
    /// - otherwise: `index + offset + size` with a trap on u64 overflow, then `> length`.
    pub fn heap_addr(&mut self, memarg: &MemArg, index: Value, size: u32) -> Result<(Value, i32), String> {
        let mem = Self::memory_index(memarg)?;
        let offset = memarg.offset;
        let base = self.memory_base(mem);
        if let Some(len_var) = self.memory_lengths[mem as usize] {
            let min_bytes = self.env.module.memories[mem as usize].limits.min.saturating_mul(65536);
            let guard = if self.env.tunables.explicit_bounds_checks { 0 } else { vmctx::MEMORY64_GUARD_BYTES };
            // An index whose computation bounds it (a constant address, a masked or shifted
            // value, ...) may need no check: when the access ends within the declared minimum
            // it is always in bounds, and with guard pages, when it ends within the minimum plus
            // the guard region, anything past the length faults.
            let reach_end = offset.checked_add(size as u64).and_then(|r| r.checked_add(self.index_bound(index, 6)));
            if reach_end.is_some_and(|end| end <= min_bytes.saturating_add(guard)) {
                let addr = self.b.ins().iadd(base, index);
                return Ok(if offset <= i32::MAX as u64 {
                    (addr, offset as i32)
                } else {
                    (self.b.ins().iadd_imm_u(addr, offset as i64), 0)
                });
            }
            let len = self.b.use_var(len_var);
            let oob = match offset.checked_add(size as u64) {
                Some(reach) if !self.env.tunables.explicit_bounds_checks && reach <= vmctx::MEMORY64_GUARD_BYTES => {
                    self.b.ins().icmp(IntCC::UnsignedGreaterThan, index, len)
                }
                Some(reach) if reach <= self.env.module.memories[mem as usize].limits.min.saturating_mul(65536) => {
                    let last_start = self.b.ins().iadd_imm_s(len, -(reach as i64));
                    self.b.ins().icmp(IntCC::UnsignedGreaterThan, index, last_start)
                }
                Some(reach) => {
                    let reach = self.b.ins().iconst(I64, reach as i64);
                    let end = self.b.ins().uadd_overflow_trap(index, reach, TrapCode::HEAP_OUT_OF_BOUNDS);
                    self.b.ins().icmp(IntCC::UnsignedGreaterThan, end, len)
                }
                // offset + size wraps u64: no index is in bounds.
                None => self.b.ins().iconst(I8, 1),
            };
            self.b.ins().trapnz(oob, TrapCode::HEAP_OUT_OF_BOUNDS);
            let addr = self.b.ins().iadd(base, index);
            // In bounds, so offset < length < 2^40: the sum cannot wrap.
            return Ok(if offset <= i32::MAX as u64 {
                (addr, offset as i32)
            } else {
                (self.b.ins().iadd_imm_u(addr, offset as i64), 0)
            });
        }
        let index = self.b.ins().uextend(I64, index);
        if self.env.tunables.explicit_bounds_checks {
            // index + offset + size < 2^34: no overflow in 64 bits.
            let len = self.memory_length(mem);
            let end = self.b.ins().iadd_imm_u(index, (offset + size as u64) as i64);
            let oob = self.b.ins().icmp(IntCC::UnsignedGreaterThan, end, len);
            self.b.ins().trapnz(oob, TrapCode::HEAP_OUT_OF_BOUNDS);
        }
        let addr = self.b.ins().iadd(base, index);
        if offset <= i32::MAX as u64 {
            Ok((addr, offset as i32))
        } else {
            Ok((self.b.ins().iadd_imm_u(addr, offset as i64), 0))
        }
    }

    /// An upper bound of the unsigned value of `v`, from the instructions that computed it in
    /// this function (constants, zero extension, zero-extending narrow loads, `and`/`or`/`xor`,
    /// shifts by constants, `urem` by a constant, and `add`/`mul` that cannot wrap), looking
    /// `depth` definitions deep; the
    /// type's maximum when nothing better is known (block parameters, loads, calls, ...).
    fn index_bound(&self, v: Value, depth: u32) -> u64 {
        use ir::{InstructionData as D, Opcode as Op};
        let dfg = &self.b.func.dfg;
        let v = dfg.resolve_aliases(v);
        let ty = dfg.value_type(v);
        let type_max = match ty {
            I32 => u32::MAX as u64,
            I64 => u64::MAX,
            _ => return u64::MAX,
        };
        let ir::ValueDef::Result(inst, 0) = dfg.value_def(v) else { return type_max };
        if depth == 0 {
            return type_max;
        }
        let bound = |x: Value| self.index_bound(x, depth - 1);
        let constant = |x: Value| match dfg.value_def(dfg.resolve_aliases(x)) {
            ir::ValueDef::Result(i, 0) => match dfg.insts[i] {
                D::UnaryImm { opcode: Op::Iconst, imm } => Some((imm.bits() as u64) & type_max),
                _ => None,
            },
            _ => None,
        };
        let fits = |x: Option<u64>| x.filter(|&x| x <= type_max).unwrap_or(type_max);
        let bits = ty.bits() as u64;
        match dfg.insts[inst] {
            D::UnaryImm { opcode: Op::Iconst, imm } => (imm.bits() as u64) & type_max,
            D::Unary { opcode: Op::Uextend, arg } => bound(arg),
            D::Binary { opcode: Op::Band, args: [a, b] } => bound(a).min(bound(b)),
            // Neither sets a bit above the highest either operand may have.
            D::Binary { opcode: Op::Bor | Op::Bxor, args: [a, b] } => {
                let high = bound(a).max(bound(b));
                if high == 0 {
                    0
                } else {
                    u64::MAX >> high.leading_zeros()
                }
            }
            D::Load { opcode: Op::Uload8, .. } => u8::MAX as u64,
            D::Load { opcode: Op::Uload16, .. } => u16::MAX as u64,
            D::Load { opcode: Op::Uload32, .. } => u32::MAX as u64,
            D::Binary { opcode: Op::Iadd, args: [a, b] } => fits(bound(a).checked_add(bound(b))),
            D::Binary { opcode: Op::Imul, args: [a, b] } => fits(bound(a).checked_mul(bound(b))),
            D::Binary { opcode: Op::Ushr, args: [a, k] } => match constant(k) {
                Some(k) => bound(a) >> (k % bits),
                None => type_max,
            },
            // A shift loses no bits (so cannot wrap) only if the bound shifted back is unchanged.
            D::Binary { opcode: Op::Ishl, args: [a, k] } => match constant(k) {
                Some(k) => {
                    let (b, k) = (bound(a), k % bits);
                    fits(Some(b << k).filter(|&s| s >> k == b))
                }
                None => type_max,
            },
            D::Binary { opcode: Op::Urem, args: [a, d] } => match constant(d) {
                Some(d) if d > 0 => bound(a).min(d - 1),
                _ => type_max,
            },
            _ => type_max,
        }
    }

    /// Pops the address operand and loads `ty` with the given load opcode helper.
    fn load_op(
        &mut self,
        memarg: &MemArg,
        size: u32,
        f: impl FnOnce(&mut Self, Value, i32, MemFlagsData) -> Value,
    ) -> Result<(), String> {
        let index = self.pop();
        let (addr, off) = self.heap_addr(memarg, index, size)?;
        let fl = self.heap_flags();
        let v = f(self, addr, off, fl);
        self.push(v);
        Ok(())
    }

    fn store_op(
        &mut self,
        memarg: &MemArg,
        size: u32,
        f: impl FnOnce(&mut Self, Value, Value, i32, MemFlagsData),
    ) -> Result<(), String> {
        let value = self.pop();
        let index = self.pop();
        let (addr, off) = self.heap_addr(memarg, index, size)?;
        let fl = self.heap_flags();
        f(self, value, addr, off, fl);
        Ok(())
    }

    fn global_addr(&mut self, index: u32) -> Value {
        let off = self.env.offsets.global_ptr(index);
        self.load_vmctx_ptr(off)
    }

    fn table_def(&mut self, table: u32) -> Value {
        let off = self.env.offsets.table_ptr(table);
        self.load_vmctx_ptr(off)
    }

    /// Address of element `index` of `table` after checking it against the current length.
    fn table_elem_addr(&mut self, table: u32, index: Value, code: TrapCode) -> Value {
        let def = self.table_def(table);
        let len = self.b.ins().load(I64, self.regions.table_flags(), def, vmctx::TABLE_LENGTH);
        // table64 indices are compared in full: an index of 2^32 + i is not element i.
        let index = self.widen_to_u64(index);
        let oob = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        self.b.ins().trapnz(oob, code);
        let base = self.b.ins().load(I64, self.regions.table_flags(), def, vmctx::TABLE_BASE);
        let scaled = self.b.ins().ishl_imm_u(index, 3);
        self.b.ins().iadd(base, scaled)
    }

    pub(super) fn call_builtin(&mut self, builtin: BuiltinSignature, args: &[Value]) -> Option<Value> {
        let sig = match self.builtin_sigs.get(&builtin.offset) {
            Some(s) => *s,
            None => {
                let mut sig = ir::Signature::new(self.env.isa.default_call_conv());
                sig.params.push(AbiParam::new(I64));
                for p in builtin.params {
                    sig.params.push(AbiParam::new(match p {
                        ArgType::I32 => I32,
                        ArgType::I64 => I64,
                    }));
                }
                if let Some(ret) = builtin.returns {
                    sig.returns.push(AbiParam::new(match ret {
                        ArgType::I32 => I32,
                        ArgType::I64 => I64,
                    }));
                }
                let s = self.b.import_signature(sig);
                self.builtin_sigs.insert(builtin.offset, s);
                s
            }
        };
        let table = self.load_vmctx_ptr(vmctx::VMCTX_BUILTINS);
        let f = self.b.ins().load(I64, readonly(), table, builtin.offset);
        let mut all = Vec::with_capacity(args.len() + 1);
        all.push(self.vmctx);
        all.extend_from_slice(args);
        let call = self.b.ins().call_indirect(sig, f, &all);
        self.b.inst_results(call).first().copied()
    }

    /// Calls a builtin that returns nonzero on failure and traps with `code` then.
    pub(super) fn call_builtin_checked(&mut self, builtin: BuiltinSignature, args: &[Value], code: TrapCode) {
        let rc = self.call_builtin(builtin, args).expect("checked builtins return a status");
        self.b.ins().trapnz(rc, code);
    }

    fn sig_for_type(&mut self, type_index: u32) -> SigRef {
        if let Some(s) = self.sigs.get(&type_index) {
            return *s;
        }
        let sig = wasm_signature(&self.env.module.types[type_index as usize]);
        let s = self.b.import_signature(sig);
        self.sigs.insert(type_index, s);
        s
    }

    fn func_ref(&mut self, func_index: u32) -> ir::FuncRef {
        if let Some(f) = self.funcs.get(&func_index) {
            return *f;
        }
        let type_index = self.env.module.functions[func_index as usize];
        let signature = self.sig_for_type(type_index);
        let name = self.b.func.declare_imported_user_function(UserExternalName::new(FUNC_NAMESPACE, func_index));
        let f = self.b.import_function(ExtFuncData {
            name: ExternalName::user(name),
            signature,
            colocated: true,
            patchable: false,
        });
        self.funcs.insert(func_index, f);
        f
    }

    // ---------------------------------------------------------------- control flow

    fn block_type(&self, bt: BlockType) -> Result<(Vec<ValType>, Vec<ValType>), String> {
        Ok(match bt {
            BlockType::Empty => (Vec::new(), Vec::new()),
            BlockType::Type(t) => {
                (Vec::new(), vec![self.env.module.valtype(t).ok_or_else(|| format!("unsupported block type {t}"))?])
            }
            BlockType::FuncType(i) => {
                let ft: &FuncType = &self.env.module.types[i as usize];
                (ft.params.to_vec(), ft.results.to_vec())
            }
        })
    }

    fn block_with_params(&mut self, tys: &[ValType]) -> Block {
        let block = self.b.create_block();
        for t in tys {
            let v = self.b.append_block_param(block, ir_type(*t));
            self.declare_gc_ref(v, *t);
        }
        block
    }

    /// Makes `v`, a value of wasm type `ty`, part of the stack maps of every call it is live
    /// across when `ty`'s values may point into the GC heap (does nothing for other types):
    /// the collector then finds it in the frame and keeps what it points at alive.
    pub(super) fn declare_gc_ref(&mut self, v: Value, ty: ValType) {
        if ty.is_gc_ref() {
            self.b.declare_value_needs_stack_map(v);
        }
    }

    /// The block a branch to relative depth `depth` jumps to, and how many values it carries.
    pub(super) fn branch_target(&mut self, depth: u32) -> (Block, usize) {
        let i = self.frames.len() - 1 - depth as usize;
        let frame = &mut self.frames[i];
        match frame.kind {
            FrameKind::Loop { header } => (header, frame.num_params),
            _ => {
                frame.next_used = true;
                (frame.next, frame.num_results)
            }
        }
    }

    /// Reads the store's epoch deadline into its register.
    pub(super) fn epoch_deadline_reload(&mut self) {
        let Some(deadline) = self.epoch_deadline else { return };
        let limits = self.b.ins().load(I64, readonly(), self.vmctx, vmctx::VMCTX_LIMITS);
        let value = self.b.ins().load(I64, trusted(), limits, vmctx::LIMITS_EPOCH_DEADLINE);
        self.b.def_var(deadline, value);
    }

    /// Traps with INTERRUPTED when the engine's epoch has reached the store's deadline. The
    /// epoch is reloaded every time (another thread advances it); the deadline comes from its
    /// register, and is reread from the store out of line once the epoch reaches it.
    fn epoch_check(&mut self) {
        let Some(deadline_var) = self.epoch_deadline else { return };
        let epoch_ptr = self.b.ins().load(I64, readonly(), self.vmctx, vmctx::VMCTX_EPOCH);
        // An atomic load: never merged with an earlier load of the epoch (a loop without
        // stores would otherwise read it once and spin forever).
        let epoch = self.b.ins().atomic_load(I64, trusted(), epoch_ptr);
        let deadline = self.b.use_var(deadline_var);
        let reached = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, epoch, deadline);
        let recheck = self.b.create_block();
        let go_on = self.b.create_block();
        self.b.set_cold_block(recheck);
        self.b.ins().brif(reached, recheck, &[], go_on, &[]);
        self.b.seal_block(recheck);
        self.b.switch_to_block(recheck);
        self.epoch_deadline_reload();
        let deadline = self.b.use_var(deadline_var);
        let reached = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, epoch, deadline);
        self.b.ins().trapnz(reached, user_trap(trap_codes::INTERRUPTED));
        self.b.ins().jump(go_on, &[]);
        self.b.seal_block(go_on);
        self.b.switch_to_block(go_on);
    }

    /// Baseline code of tiered modules: one unit off the function's tier-up budget (at entry and
    /// per loop iteration); when it runs out, the `tier_up` builtin queues the function for the
    /// optimising tier (and refills the budget).
    fn count_for_tier_up(&mut self) {
        if !self.env.count_for_tier_up {
            return;
        }
        let defined = self.func_index - self.env.module.num_imported_funcs;
        let budgets = self.b.ins().load(I64, readonly(), self.vmctx, vmctx::VMCTX_TIERING_BUDGETS);
        let offset = (defined * 4) as i32;
        let left = self.b.ins().load(I32, trusted(), budgets, offset);
        let left = self.b.ins().iadd_imm_s(left, -1);
        self.b.ins().store(trusted(), left, budgets, offset);
        let spent = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, left, 0);
        let ask = self.b.create_block();
        let go_on = self.b.create_block();
        self.b.set_cold_block(ask);
        self.b.ins().brif(spent, ask, &[], go_on, &[]);
        self.b.seal_block(ask);
        self.b.switch_to_block(ask);
        let index = self.b.ins().iconst(I32, defined as i64);
        self.call_builtin(builtin::tier_up, &[index]);
        self.b.ins().jump(go_on, &[]);
        self.b.seal_block(go_on);
        self.b.switch_to_block(go_on);
    }

    /// Subtracts the operators counted since the last flush from the fuel register.
    fn fuel_flush(&mut self) {
        let Some(fuel) = self.fuel else { return };
        if self.fuel_pending == 0 {
            return;
        }
        let left = self.b.use_var(fuel);
        let left = self.b.ins().iadd_imm_s(left, -self.fuel_pending);
        self.b.def_var(fuel, left);
        self.fuel_pending = 0;
    }

    /// Flushes and writes the fuel register back to the store, before control leaves this
    /// function (calls, returns, traps) so that callees, host functions and the embedder see
    /// the exact amount left.
    pub(super) fn fuel_spill(&mut self) {
        let Some(fuel) = self.fuel else { return };
        self.fuel_flush();
        let left = self.b.use_var(fuel);
        let limits = self.b.ins().load(I64, readonly(), self.vmctx, vmctx::VMCTX_LIMITS);
        self.b.ins().store(trusted(), left, limits, vmctx::LIMITS_FUEL);
    }

    /// Reads the store's fuel into the register (on entry and after calls, which consume it).
    pub(super) fn fuel_reload(&mut self) {
        let Some(fuel) = self.fuel else { return };
        let limits = self.b.ins().load(I64, readonly(), self.vmctx, vmctx::VMCTX_LIMITS);
        let left = self.b.ins().load(I64, trusted(), limits, vmctx::LIMITS_FUEL);
        self.b.def_var(fuel, left);
    }

    /// Traps with OUT_OF_FUEL when the fuel register is negative, storing it first so the
    /// store reports what was consumed. The trapping path is a cold block out of line.
    fn fuel_check(&mut self) {
        let Some(fuel) = self.fuel else { return };
        let left = self.b.use_var(fuel);
        let out = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, left, 0);
        let out_of_fuel = self.b.create_block();
        let go_on = self.b.create_block();
        self.b.set_cold_block(out_of_fuel);
        self.b.ins().brif(out, out_of_fuel, &[], go_on, &[]);
        self.b.seal_block(out_of_fuel);
        self.b.seal_block(go_on);
        self.b.switch_to_block(out_of_fuel);
        let limits = self.b.ins().load(I64, readonly(), self.vmctx, vmctx::VMCTX_LIMITS);
        self.b.ins().store(trusted(), left, limits, vmctx::LIMITS_FUEL);
        self.b.ins().trap(user_trap(trap_codes::OUT_OF_FUEL));
        self.b.switch_to_block(go_on);
    }

    fn jump(&mut self, block: Block, args: &[Value]) {
        let args = block_args(args);
        self.b.ins().jump(block, &args);
    }

    /// Opens a `block` (or the block part of a `try_table`) of type `blockty`.
    fn push_block(&mut self, blockty: BlockType) -> Result<(), String> {
        let (params, results) = self.block_type(blockty)?;
        let next = self.block_with_params(&results);
        self.frames.push(Frame {
            kind: FrameKind::Block,
            num_params: params.len(),
            num_results: results.len(),
            height: self.stack.len() - params.len(),
            next,
            next_used: false,
            else_params: Vec::new(),
        });
        Ok(())
    }

    /// Control operators are handled even in unreachable code (to track nesting).
    fn control(&mut self, op: &Operator) -> Result<bool, String> {
        match *op {
            Operator::Block { blockty } => {
                if !self.reachable {
                    self.unreachable_depth += 1;
                    return Ok(true);
                }
                self.push_block(blockty)?;
            }
            Operator::TryTable { ref try_table } => {
                if !self.reachable {
                    self.unreachable_depth += 1;
                    return Ok(true);
                }
                // A block whose calls get handlers (see `open_try`).
                self.push_block(try_table.ty)?;
                self.open_try(try_table.catches.clone());
            }
            Operator::Loop { blockty } => {
                if !self.reachable {
                    self.unreachable_depth += 1;
                    return Ok(true);
                }
                let (params, results) = self.block_type(blockty)?;
                let header = self.block_with_params(&params);
                let next = self.block_with_params(&results);
                let args = self.popn_canon(params.len());
                self.jump(header, &args);
                self.b.switch_to_block(header);
                // The wasm parameters first: the checks below read variables, which adds
                // further parameters to the (still unsealed) header.
                let hp = self.b.block_params(header).to_vec();
                self.epoch_check();
                self.fuel_check();
                self.count_for_tier_up();
                let height = self.stack.len();
                self.stack.extend(hp);
                self.frames.push(Frame {
                    kind: FrameKind::Loop { header },
                    num_params: params.len(),
                    num_results: results.len(),
                    height,
                    next,
                    next_used: false,
                    else_params: Vec::new(),
                });
            }
            Operator::If { blockty } => {
                if !self.reachable {
                    self.unreachable_depth += 1;
                    return Ok(true);
                }
                let (params, results) = self.block_type(blockty)?;
                let cond = self.pop();
                // Canonicalised before the branch so that both arms see the same values.
                let else_params = self.peekn_canon(params.len());
                let then_block = self.b.create_block();
                let else_block = self.b.create_block();
                let next = self.block_with_params(&results);
                self.b.ins().brif(cond, then_block, &[], else_block, &[]);
                self.b.seal_block(then_block);
                self.b.seal_block(else_block);
                self.b.switch_to_block(then_block);
                self.frames.push(Frame {
                    kind: FrameKind::If { else_block, else_seen: false },
                    num_params: params.len(),
                    num_results: results.len(),
                    height: self.stack.len() - params.len(),
                    next,
                    next_used: false,
                    else_params,
                });
            }
            Operator::Else => {
                if self.unreachable_depth > 0 {
                    return Ok(true);
                }
                let frame = self.frames.last().unwrap();
                let (next, n, height) = (frame.next, frame.num_results, frame.height);
                let FrameKind::If { else_block, .. } = frame.kind else {
                    return Err("else outside if".to_string());
                };
                if self.reachable {
                    let args = self.popn_canon(n);
                    self.jump(next, &args);
                    self.frames.last_mut().unwrap().next_used = true;
                }
                self.stack.truncate(height);
                let frame = self.frames.last_mut().unwrap();
                frame.kind = FrameKind::If { else_block, else_seen: true };
                let params = frame.else_params.clone();
                self.stack.extend(params);
                self.b.switch_to_block(else_block);
                self.reachable = true;
            }
            Operator::End => {
                if self.unreachable_depth > 0 {
                    self.unreachable_depth -= 1;
                    return Ok(true);
                }
                let mut frame = self.frames.pop().unwrap();
                if self.reachable {
                    let args = self.popn_canon(frame.num_results);
                    self.jump(frame.next, &args);
                    frame.next_used = true;
                }
                match frame.kind {
                    FrameKind::If { else_block, else_seen: false } => {
                        // No `else`: the false arm passes the parameters straight through.
                        self.b.switch_to_block(else_block);
                        let args = frame.else_params.clone();
                        self.jump(frame.next, &args);
                        frame.next_used = true;
                    }
                    FrameKind::Loop { header } => self.b.seal_block(header),
                    _ => {}
                }
                // A `try_table`'s handler branches to labels around it: emitted now.
                self.close_try(self.frames.len());
                self.stack.truncate(frame.height);
                if frame.next_used {
                    self.b.switch_to_block(frame.next);
                    self.b.seal_block(frame.next);
                    let params = self.b.block_params(frame.next).to_vec();
                    if self.frames.is_empty() {
                        self.fuel_spill();
                        self.b.ins().return_(&params);
                        self.reachable = false;
                    } else {
                        self.stack.extend(params);
                        self.reachable = true;
                    }
                } else {
                    self.reachable = false;
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    // ---------------------------------------------------------------- operators

    fn operator(&mut self, op: Operator) -> Result<(), String> {
        if self.env.tunables.consume_fuel && self.reachable && self.unreachable_depth == 0 {
            // One unit per operator; flushed to the store before anything that leaves the
            // current straight-line run (branches, block boundaries, calls, returns, traps).
            self.fuel_pending += 1;
            let leaves_block = matches!(
                op,
                Operator::Block { .. }
                    | Operator::Loop { .. }
                    | Operator::If { .. }
                    | Operator::Else
                    | Operator::End
                    | Operator::Br { .. }
                    | Operator::BrIf { .. }
                    | Operator::BrTable { .. }
                    | Operator::Return
                    | Operator::Unreachable
                    | Operator::Call { .. }
                    | Operator::CallIndirect { .. }
                    | Operator::ReturnCall { .. }
                    | Operator::ReturnCallIndirect { .. }
                    | Operator::CallRef { .. }
                    | Operator::ReturnCallRef { .. }
                    | Operator::BrOnNull { .. }
                    | Operator::BrOnNonNull { .. }
                    | Operator::BrOnCast { .. }
                    | Operator::BrOnCastFail { .. }
                    | Operator::TryTable { .. }
                    | Operator::Throw { .. }
                    | Operator::ThrowRef
            );
            if leaves_block {
                self.fuel_flush();
            }
        }
        if self.control(&op)? || !self.reachable {
            return Ok(());
        }
        match op {
            Operator::Unreachable => {
                self.fuel_spill();
                self.b.ins().trap(user_trap(trap_codes::UNREACHABLE));
                self.reachable = false;
            }
            Operator::Nop => {}
            Operator::Br { relative_depth } => {
                let (block, n) = self.branch_target(relative_depth);
                let args = self.popn_canon(n);
                self.jump(block, &args);
                self.reachable = false;
            }
            Operator::BrIf { relative_depth } => {
                let cond = self.pop();
                let (block, n) = self.branch_target(relative_depth);
                let args = block_args(&self.peekn_canon(n));
                let cont = self.b.create_block();
                self.b.ins().brif(cond, block, &args, cont, &[]);
                self.b.seal_block(cont);
                self.b.switch_to_block(cont);
            }
            Operator::BrTable { targets } => {
                let index = self.pop();
                let default = targets.default();
                let depths: Vec<u32> = targets.targets().collect::<Result<_, _>>().map_err(|e| e.to_string())?;
                let (_, n) = self.branch_target(default);
                let args = self.popn_canon(n);
                let mut calls = Vec::with_capacity(depths.len());
                let mut edge_blocks: HashMap<u32, Block> = HashMap::new();
                let mut edges: Vec<(Block, Block)> = Vec::new();
                let mut target_of = |t: &mut Self, depth: u32| -> ir::BlockCall {
                    let (block, _) = t.branch_target(depth);
                    let dest = if n == 0 {
                        block
                    } else {
                        // Jump-table entries carry no arguments: route through an edge block.
                        *edge_blocks.entry(depth).or_insert_with(|| {
                            let e = t.b.create_block();
                            edges.push((e, block));
                            e
                        })
                    };
                    t.b.func.dfg.block_call(dest, &[])
                };
                for d in &depths {
                    let c = target_of(self, *d);
                    calls.push(c);
                }
                let def = target_of(self, default);
                let jt = self.b.create_jump_table(ir::JumpTableData::new(def, &calls));
                self.b.ins().br_table(index, jt);
                for (e, block) in edges {
                    self.b.seal_block(e);
                    self.b.switch_to_block(e);
                    self.jump(block, &args);
                }
                self.reachable = false;
            }
            Operator::Return => {
                let n = self.frames[0].num_results;
                let vals = self.popn_canon(n);
                self.fuel_spill();
                self.b.ins().return_(&vals);
                self.reachable = false;
            }
            Operator::Throw { tag_index } => self.throw(tag_index),
            Operator::ThrowRef => self.throw_ref(),
            Operator::Call { function_index } => self.call(function_index, false)?,
            Operator::CallIndirect { type_index, table_index } => self.call_indirect(type_index, table_index, false)?,
            // Tail calls (WebAssembly 3.0): every wasm function uses the Tail convention, so
            // Cranelift's return_call replaces this frame with the callee's.
            Operator::ReturnCall { function_index } => {
                self.call(function_index, true)?;
                self.reachable = false;
            }
            Operator::ReturnCallIndirect { type_index, table_index } => {
                self.call_indirect(type_index, table_index, true)?;
                self.reachable = false;
            }
            // Typed function references (WebAssembly 3.0).
            Operator::CallRef { type_index } => self.call_ref(type_index, false)?,
            Operator::ReturnCallRef { type_index } => {
                self.call_ref(type_index, true)?;
                self.reachable = false;
            }
            Operator::RefAsNonNull => {
                let r = self.pop();
                self.b.ins().trapz(r, user_trap(trap_codes::NULL_REFERENCE_AS_NON_NULL));
                self.push(r);
            }
            Operator::BrOnNull { relative_depth } => {
                // Null: branch with the values below the reference. Otherwise the reference
                // stays on the stack.
                let r = self.pop();
                let (block, n) = self.branch_target(relative_depth);
                let args = block_args(&self.peekn_canon(n));
                let cont = self.b.create_block();
                let is_null = self.b.ins().icmp_imm_u(IntCC::Equal, r, 0);
                self.b.ins().brif(is_null, block, &args, cont, &[]);
                self.b.seal_block(cont);
                self.b.switch_to_block(cont);
                self.push(r);
            }
            Operator::BrOnNonNull { relative_depth } => {
                // Not null: branch with the reference on top of the label's other values.
                // Otherwise the null is dropped.
                let r = self.pop();
                let (block, n) = self.branch_target(relative_depth);
                let mut vals = self.peekn_canon(n - 1);
                vals.push(r);
                let args = block_args(&vals);
                let cont = self.b.create_block();
                self.b.ins().brif(r, block, &args, cont, &[]);
                self.b.seal_block(cont);
                self.b.switch_to_block(cont);
            }
            Operator::Drop => {
                self.pop();
            }
            Operator::Select | Operator::TypedSelect { .. } => {
                let cond = self.pop();
                let (mut a, mut b) = self.pop2();
                if self.ty(a) != self.ty(b) {
                    a = self.canon(a);
                    b = self.canon(b);
                }
                let v = self.b.ins().select(cond, a, b);
                if let Operator::TypedSelect { ty } = op {
                    if let Some(ty) = ValType::from_wasmparser(ty) {
                        self.declare_gc_ref(v, ty);
                    }
                }
                self.push(v);
            }
            Operator::LocalGet { local_index } => {
                let v = self.b.use_var(self.locals[local_index as usize]);
                self.push(v);
            }
            Operator::LocalSet { local_index } => {
                let v = self.pop();
                let v = self.canon(v);
                self.b.def_var(self.locals[local_index as usize], v);
            }
            Operator::LocalTee { local_index } => {
                let v = self.pop();
                let v = self.canon(v);
                self.b.def_var(self.locals[local_index as usize], v);
                self.push(v);
            }
            Operator::GlobalGet { global_index } => {
                let gt = self.env.module.globals[global_index as usize];
                let addr = self.global_addr(global_index);
                let flags = if gt.mutable { self.regions.global_flags() } else { readonly() };
                let v = self.b.ins().load(ir_type(gt.content), flags, addr, 0);
                self.declare_gc_ref(v, gt.content);
                self.push(v);
            }
            Operator::GlobalSet { global_index } => {
                let v = self.pop();
                let v = self.canon(v);
                let addr = self.global_addr(global_index);
                self.b.ins().store(self.regions.global_flags(), v, addr, 0);
            }

            // ------------------------------------------------------------ memory
            Operator::I32Load { memarg } => self.load_op(&memarg, 4, |t, a, o, fl| t.b.ins().load(I32, fl, a, o))?,
            Operator::I64Load { memarg } => self.load_op(&memarg, 8, |t, a, o, fl| t.b.ins().load(I64, fl, a, o))?,
            Operator::F32Load { memarg } => self.load_op(&memarg, 4, |t, a, o, fl| t.b.ins().load(F32, fl, a, o))?,
            Operator::F64Load { memarg } => self.load_op(&memarg, 8, |t, a, o, fl| t.b.ins().load(F64, fl, a, o))?,
            Operator::I32Load8S { memarg } => {
                self.load_op(&memarg, 1, |t, a, o, fl| t.b.ins().sload8(I32, fl, a, o))?
            }
            Operator::I32Load8U { memarg } => {
                self.load_op(&memarg, 1, |t, a, o, fl| t.b.ins().uload8(I32, fl, a, o))?
            }
            Operator::I32Load16S { memarg } => {
                self.load_op(&memarg, 2, |t, a, o, fl| t.b.ins().sload16(I32, fl, a, o))?
            }
            Operator::I32Load16U { memarg } => {
                self.load_op(&memarg, 2, |t, a, o, fl| t.b.ins().uload16(I32, fl, a, o))?
            }
            Operator::I64Load8S { memarg } => {
                self.load_op(&memarg, 1, |t, a, o, fl| t.b.ins().sload8(I64, fl, a, o))?
            }
            Operator::I64Load8U { memarg } => {
                self.load_op(&memarg, 1, |t, a, o, fl| t.b.ins().uload8(I64, fl, a, o))?
            }
            Operator::I64Load16S { memarg } => {
                self.load_op(&memarg, 2, |t, a, o, fl| t.b.ins().sload16(I64, fl, a, o))?
            }
            Operator::I64Load16U { memarg } => {
                self.load_op(&memarg, 2, |t, a, o, fl| t.b.ins().uload16(I64, fl, a, o))?
            }
            Operator::I64Load32S { memarg } => self.load_op(&memarg, 4, |t, a, o, fl| t.b.ins().sload32(fl, a, o))?,
            Operator::I64Load32U { memarg } => self.load_op(&memarg, 4, |t, a, o, fl| t.b.ins().uload32(fl, a, o))?,
            Operator::I32Store { memarg } | Operator::F32Store { memarg } => {
                self.store_op(&memarg, 4, |t, v, a, o, fl| {
                    t.b.ins().store(fl, v, a, o);
                })?
            }
            Operator::I64Store { memarg } | Operator::F64Store { memarg } => {
                self.store_op(&memarg, 8, |t, v, a, o, fl| {
                    t.b.ins().store(fl, v, a, o);
                })?
            }
            Operator::I32Store8 { memarg } | Operator::I64Store8 { memarg } => {
                self.store_op(&memarg, 1, |t, v, a, o, fl| {
                    t.b.ins().istore8(fl, v, a, o);
                })?
            }
            Operator::I32Store16 { memarg } | Operator::I64Store16 { memarg } => {
                self.store_op(&memarg, 2, |t, v, a, o, fl| {
                    t.b.ins().istore16(fl, v, a, o);
                })?
            }
            Operator::I64Store32 { memarg } => self.store_op(&memarg, 4, |t, v, a, o, fl| {
                t.b.ins().istore32(fl, v, a, o);
            })?,
            Operator::MemorySize { mem } => {
                let len = self.memory_length(mem);
                let pages = self.b.ins().ushr_imm_u(len, 16);
                let v = if self.is_memory64(mem) { pages } else { self.b.ins().ireduce(I32, pages) };
                self.push(v);
            }
            Operator::MemoryGrow { mem } => {
                let delta = self.pop();
                let delta = self.widen_to_u64(delta);
                let m = self.iconst32(mem as i32);
                // The old size, or u64::MAX: reduced to i32, -1 stays -1.
                let old = self.call_builtin(builtin::memory_grow, &[m, delta]).unwrap();
                let v = if self.is_memory64(mem) { old } else { self.b.ins().ireduce(I32, old) };
                // Another memory index may name the same (imported) memory: reload them all.
                self.memory_lengths_reload();
                self.push(v);
            }
            Operator::MemoryFill { mem } => {
                let (dst, val, len) = self.pop3();
                let (dst, len) = (self.widen_to_u64(dst), self.widen_to_u64(len));
                let m = self.iconst32(mem as i32);
                self.call_builtin_checked(builtin::memory_fill, &[m, dst, val, len], TrapCode::HEAP_OUT_OF_BOUNDS);
            }
            Operator::MemoryCopy { dst_mem, src_mem } => {
                // Between a 32-bit and a 64-bit memory the length is an i32 (the smaller index
                // type); every operand reaches the builtin as a u64.
                let (dst, src, len) = self.pop3();
                let (dst, src, len) = (self.widen_to_u64(dst), self.widen_to_u64(src), self.widen_to_u64(len));
                let dm = self.iconst32(dst_mem as i32);
                let sm = self.iconst32(src_mem as i32);
                self.call_builtin_checked(builtin::memory_copy, &[dm, sm, dst, src, len], TrapCode::HEAP_OUT_OF_BOUNDS);
            }
            Operator::MemoryInit { data_index, mem } => {
                let (dst, src, len) = self.pop3();
                let dst = self.widen_to_u64(dst);
                let m = self.iconst32(mem as i32);
                let d = self.iconst32(data_index as i32);
                self.call_builtin_checked(builtin::memory_init, &[m, d, dst, src, len], TrapCode::HEAP_OUT_OF_BOUNDS);
            }
            Operator::DataDrop { data_index } => {
                let d = self.iconst32(data_index as i32);
                self.call_builtin(builtin::data_drop, &[d]);
            }

            // ------------------------------------------------------------ tables & references
            Operator::TableGet { table } => {
                let index = self.pop();
                let addr = self.table_elem_addr(table, index, user_trap(trap_codes::TABLE_OUT_OF_BOUNDS));
                let v = self.b.ins().load(I64, self.regions.table_flags(), addr, 0);
                self.declare_gc_ref(v, self.env.module.tables[table as usize].element);
                self.push(v);
            }
            Operator::TableSet { table } => {
                let (index, value) = self.pop2();
                let addr = self.table_elem_addr(table, index, user_trap(trap_codes::TABLE_OUT_OF_BOUNDS));
                self.b.ins().store(self.regions.table_flags(), value, addr, 0);
            }
            Operator::TableSize { table } => {
                let def = self.table_def(table);
                let len = self.b.ins().load(I64, self.regions.table_flags(), def, vmctx::TABLE_LENGTH);
                let v = if self.is_table64(table) { len } else { self.b.ins().ireduce(I32, len) };
                self.push(v);
            }
            Operator::TableGrow { table } => {
                let (init, delta) = self.pop2();
                let delta = self.widen_to_u64(delta);
                let t = self.iconst32(table as i32);
                let old = self.call_builtin(builtin::table_grow, &[t, delta, init]).unwrap();
                let v = if self.is_table64(table) { old } else { self.b.ins().ireduce(I32, old) };
                self.push(v);
            }
            Operator::TableFill { table } => {
                let (dst, val, len) = self.pop3();
                let (dst, len) = (self.widen_to_u64(dst), self.widen_to_u64(len));
                let t = self.iconst32(table as i32);
                self.call_builtin_checked(
                    builtin::table_fill,
                    &[t, dst, val, len],
                    user_trap(trap_codes::TABLE_OUT_OF_BOUNDS),
                );
            }
            Operator::TableCopy { dst_table, src_table } => {
                let (dst, src, len) = self.pop3();
                let (dst, src, len) = (self.widen_to_u64(dst), self.widen_to_u64(src), self.widen_to_u64(len));
                let dt = self.iconst32(dst_table as i32);
                let st = self.iconst32(src_table as i32);
                self.call_builtin_checked(
                    builtin::table_copy,
                    &[dt, st, dst, src, len],
                    user_trap(trap_codes::TABLE_OUT_OF_BOUNDS),
                );
            }
            Operator::TableInit { elem_index, table } => {
                let (dst, src, len) = self.pop3();
                let dst = self.widen_to_u64(dst);
                let t = self.iconst32(table as i32);
                let e = self.iconst32(elem_index as i32);
                self.call_builtin_checked(
                    builtin::table_init,
                    &[t, e, dst, src, len],
                    user_trap(trap_codes::TABLE_OUT_OF_BOUNDS),
                );
            }
            Operator::ElemDrop { elem_index } => {
                let e = self.iconst32(elem_index as i32);
                self.call_builtin(builtin::elem_drop, &[e]);
            }
            Operator::RefNull { .. } => {
                let v = self.b.ins().iconst(I64, 0);
                self.push(v);
            }
            Operator::RefIsNull => {
                let r = self.pop();
                let c = self.b.ins().icmp_imm_u(IntCC::Equal, r, 0);
                let v = self.b.ins().uextend(I32, c);
                self.push(v);
            }
            Operator::RefFunc { function_index } => {
                let off = self.env.offsets.funcref(function_index);
                let v = self.b.ins().iadd_imm_u(self.vmctx, off as i64);
                self.push(v);
            }

            // ------------------------------------------------------------ constants
            Operator::I32Const { value } => {
                let v = self.iconst32(value);
                self.push(v);
            }
            Operator::I64Const { value } => {
                let v = self.b.ins().iconst(I64, value);
                self.push(v);
            }
            Operator::F32Const { value } => {
                let v = self.b.ins().f32const(Ieee32::with_bits(value.bits()));
                self.push(v);
            }
            Operator::F64Const { value } => {
                let v = self.b.ins().f64const(Ieee64::with_bits(value.bits()));
                self.push(v);
            }

            // ------------------------------------------------------------ integer
            Operator::I32Eqz | Operator::I64Eqz => {
                let a = self.pop();
                let c = self.b.ins().icmp_imm_u(IntCC::Equal, a, 0);
                let v = self.b.ins().uextend(I32, c);
                self.push(v);
            }
            Operator::I32Eq | Operator::I64Eq => icmp!(self, IntCC::Equal),
            Operator::I32Ne | Operator::I64Ne => icmp!(self, IntCC::NotEqual),
            Operator::I32LtS | Operator::I64LtS => icmp!(self, IntCC::SignedLessThan),
            Operator::I32LtU | Operator::I64LtU => icmp!(self, IntCC::UnsignedLessThan),
            Operator::I32GtS | Operator::I64GtS => icmp!(self, IntCC::SignedGreaterThan),
            Operator::I32GtU | Operator::I64GtU => icmp!(self, IntCC::UnsignedGreaterThan),
            Operator::I32LeS | Operator::I64LeS => icmp!(self, IntCC::SignedLessThanOrEqual),
            Operator::I32LeU | Operator::I64LeU => icmp!(self, IntCC::UnsignedLessThanOrEqual),
            Operator::I32GeS | Operator::I64GeS => icmp!(self, IntCC::SignedGreaterThanOrEqual),
            Operator::I32GeU | Operator::I64GeU => icmp!(self, IntCC::UnsignedGreaterThanOrEqual),
            Operator::I32Clz | Operator::I64Clz => unop!(self, clz),
            Operator::I32Ctz | Operator::I64Ctz => unop!(self, ctz),
            Operator::I32Popcnt | Operator::I64Popcnt => unop!(self, popcnt),
            Operator::I32Add | Operator::I64Add => binop!(self, iadd),
            Operator::I32Sub | Operator::I64Sub => binop!(self, isub),
            Operator::I32Mul | Operator::I64Mul => binop!(self, imul),
            // Cranelift's division traps exactly as wasm requires: by zero with
            // INTEGER_DIVISION_BY_ZERO, MIN / -1 with INTEGER_OVERFLOW; srem(MIN, -1) is 0.
            Operator::I32DivS | Operator::I64DivS => binop!(self, sdiv),
            Operator::I32DivU | Operator::I64DivU => binop!(self, udiv),
            Operator::I32RemS | Operator::I64RemS => binop!(self, srem),
            Operator::I32RemU | Operator::I64RemU => binop!(self, urem),
            Operator::I32And | Operator::I64And => binop!(self, band),
            Operator::I32Or | Operator::I64Or => binop!(self, bor),
            Operator::I32Xor | Operator::I64Xor => binop!(self, bxor),
            // Scalar shift and rotate amounts are taken modulo the bit width, as in wasm.
            Operator::I32Shl | Operator::I64Shl => binop!(self, ishl),
            Operator::I32ShrS | Operator::I64ShrS => binop!(self, sshr),
            Operator::I32ShrU | Operator::I64ShrU => binop!(self, ushr),
            Operator::I32Rotl | Operator::I64Rotl => binop!(self, rotl),
            Operator::I32Rotr | Operator::I64Rotr => binop!(self, rotr),
            Operator::I32WrapI64 => convert!(self, ireduce, I32),
            Operator::I64ExtendI32S => convert!(self, sextend, I64),
            Operator::I64ExtendI32U => convert!(self, uextend, I64),
            Operator::I32Extend8S => self.sign_extend(I8, I32),
            Operator::I32Extend16S => self.sign_extend(I16, I32),
            Operator::I64Extend8S => self.sign_extend(I8, I64),
            Operator::I64Extend16S => self.sign_extend(I16, I64),
            Operator::I64Extend32S => self.sign_extend(I32, I64),

            // ------------------------------------------------------------ floating point
            Operator::F32Eq | Operator::F64Eq => fcmp!(self, FloatCC::Equal),
            Operator::F32Ne | Operator::F64Ne => fcmp!(self, FloatCC::NotEqual),
            Operator::F32Lt | Operator::F64Lt => fcmp!(self, FloatCC::LessThan),
            Operator::F32Gt | Operator::F64Gt => fcmp!(self, FloatCC::GreaterThan),
            Operator::F32Le | Operator::F64Le => fcmp!(self, FloatCC::LessThanOrEqual),
            Operator::F32Ge | Operator::F64Ge => fcmp!(self, FloatCC::GreaterThanOrEqual),
            Operator::F32Abs | Operator::F64Abs => unop!(self, fabs),
            Operator::F32Neg | Operator::F64Neg => unop!(self, fneg),
            Operator::F32Ceil | Operator::F64Ceil => unop!(self, ceil),
            Operator::F32Floor | Operator::F64Floor => unop!(self, floor),
            Operator::F32Trunc | Operator::F64Trunc => unop!(self, trunc),
            Operator::F32Nearest | Operator::F64Nearest => unop!(self, nearest),
            Operator::F32Sqrt | Operator::F64Sqrt => unop!(self, sqrt),
            Operator::F32Add | Operator::F64Add => binop!(self, fadd),
            Operator::F32Sub | Operator::F64Sub => binop!(self, fsub),
            Operator::F32Mul | Operator::F64Mul => binop!(self, fmul),
            Operator::F32Div | Operator::F64Div => binop!(self, fdiv),
            // Cranelift's fmin/fmax follow wasm: NaN if either input is NaN, -0 < +0.
            Operator::F32Min | Operator::F64Min => binop!(self, fmin),
            Operator::F32Max | Operator::F64Max => binop!(self, fmax),
            Operator::F32Copysign | Operator::F64Copysign => binop!(self, fcopysign),
            // Trapping conversions: NaN → BAD_CONVERSION_TO_INTEGER, out of range → INTEGER_OVERFLOW.
            Operator::I32TruncF32S | Operator::I32TruncF64S => convert!(self, fcvt_to_sint, I32),
            Operator::I32TruncF32U | Operator::I32TruncF64U => convert!(self, fcvt_to_uint, I32),
            Operator::I64TruncF32S | Operator::I64TruncF64S => convert!(self, fcvt_to_sint, I64),
            Operator::I64TruncF32U | Operator::I64TruncF64U => convert!(self, fcvt_to_uint, I64),
            Operator::I32TruncSatF32S | Operator::I32TruncSatF64S => convert!(self, fcvt_to_sint_sat, I32),
            Operator::I32TruncSatF32U | Operator::I32TruncSatF64U => convert!(self, fcvt_to_uint_sat, I32),
            Operator::I64TruncSatF32S | Operator::I64TruncSatF64S => convert!(self, fcvt_to_sint_sat, I64),
            Operator::I64TruncSatF32U | Operator::I64TruncSatF64U => convert!(self, fcvt_to_uint_sat, I64),
            Operator::F32ConvertI32S | Operator::F32ConvertI64S => convert!(self, fcvt_from_sint, F32),
            Operator::F32ConvertI32U | Operator::F32ConvertI64U => convert!(self, fcvt_from_uint, F32),
            Operator::F64ConvertI32S | Operator::F64ConvertI64S => convert!(self, fcvt_from_sint, F64),
            Operator::F64ConvertI32U | Operator::F64ConvertI64U => convert!(self, fcvt_from_uint, F64),
            Operator::F32DemoteF64 => convert!(self, fdemote, F32),
            Operator::F64PromoteF32 => convert!(self, fpromote, F64),
            Operator::I32ReinterpretF32 => self.reinterpret(I32),
            Operator::I64ReinterpretF64 => self.reinterpret(I64),
            Operator::F32ReinterpretI32 => self.reinterpret(F32),
            Operator::F64ReinterpretI64 => self.reinterpret(F64),

            op => return self.gc_operator(op),
        }
        Ok(())
    }

    fn sign_extend(&mut self, from: Type, to: Type) {
        let a = self.pop();
        let narrow = self.b.ins().ireduce(from, a);
        let v = self.b.ins().sextend(to, narrow);
        self.push(v);
    }

    fn reinterpret(&mut self, to: Type) {
        let a = self.pop();
        let v = self.b.ins().bitcast(to, MemFlagsData::new(), a);
        self.push(v);
    }

    /// A call, or with `tail` a tail call (which ends the block: no results are pushed).
    fn call(&mut self, function_index: u32, tail: bool) -> Result<(), String> {
        let module = self.env.module;
        let type_index = module.functions[function_index as usize];
        let n = module.types[type_index as usize].params.len();
        let mut args = Vec::with_capacity(n + 1);
        args.push(self.vmctx);
        args.extend(self.popn_canon(n));
        self.fuel_spill();
        let call = if function_index < module.num_imported_funcs {
            // Imports go through their VMFuncRef, filled in at instantiation and fixed after.
            let off = self.env.offsets.funcref(function_index);
            let code = self.b.ins().load(I64, readonly(), self.vmctx, off + vmctx::FUNCREF_CODE);
            args[0] = self.b.ins().load(I64, readonly(), self.vmctx, off + vmctx::FUNCREF_VMCTX);
            let sig = self.sig_for_type(type_index);
            if tail {
                self.b.ins().return_call_indirect(sig, code, &args);
                return Ok(());
            }
            self.emit_call(Callee::Indirect(sig, code), &args)
        } else {
            let f = self.func_ref(function_index);
            if tail {
                self.b.ins().return_call(f, &args);
                return Ok(());
            }
            self.emit_call(Callee::Direct(f), &args)
        };
        self.push_call_results(call, type_index);
        self.after_call();
        Ok(())
    }

    /// Traps with INDIRECT_CALL_TYPE_MISMATCH unless the (non-null) `funcref`'s type is
    /// `type_index` or a subtype of it. Canonical ids compare types engine-wide; equal ids are
    /// the fast path. A final type has no subtypes, so a different id is a mismatch; for a
    /// non-final type the `type_mismatch` builtin walks the callee type's supertype chain.
    fn check_callee_type(&mut self, funcref: Value, type_index: u32) {
        let actual = self.b.ins().load(I32, self.regions.vm_flags(), funcref, vmctx::FUNCREF_TYPE_ID);
        let type_ids = self.load_vmctx_ptr(vmctx::VMCTX_TYPE_IDS);
        let expected = self.b.ins().load(I32, readonly(), type_ids, (type_index * 4) as i32);
        let mismatch = self.b.ins().icmp(IntCC::NotEqual, actual, expected);
        let is_final = self.env.module.subtypes.get(type_index as usize).is_none_or(|s| s.is_final);
        if is_final {
            self.b.ins().trapnz(mismatch, user_trap(trap_codes::INDIRECT_CALL_TYPE_MISMATCH));
            return;
        }
        let slow = self.b.create_block();
        let go_on = self.b.create_block();
        self.b.set_cold_block(slow);
        self.b.ins().brif(mismatch, slow, &[], go_on, &[]);
        self.b.seal_block(slow);
        self.b.switch_to_block(slow);
        self.call_builtin_checked(
            builtin::type_mismatch,
            &[actual, expected],
            user_trap(trap_codes::INDIRECT_CALL_TYPE_MISMATCH),
        );
        self.b.ins().jump(go_on, &[]);
        self.b.seal_block(go_on);
        self.b.switch_to_block(go_on);
    }

    /// `call_ref`/`return_call_ref $t`: a call through a function reference of type
    /// `(ref null $t)`. Null traps. Validation already guarantees the reference's type; the
    /// callee type is checked again all the same (one compare on the fast path), so that a
    /// reference that entered from the host unchecked can never become a call with the wrong
    /// signature.
    fn call_ref(&mut self, type_index: u32, tail: bool) -> Result<(), String> {
        let n = self.env.module.types[type_index as usize].params.len();
        let funcref = self.pop();
        let params = self.popn_canon(n);
        self.b.ins().trapz(funcref, user_trap(trap_codes::NULL_REFERENCE));
        self.call_funcref(funcref, type_index, params, tail)
    }

    /// Calls the non-null function reference `funcref` (call_ref, call_indirect) after checking
    /// its type against `type_index`, with `params` (or tail-calls it).
    fn call_funcref(&mut self, funcref: Value, type_index: u32, params: Vec<Value>, tail: bool) -> Result<(), String> {
        self.check_callee_type(funcref, type_index);
        let code = self.b.ins().load(I64, self.regions.vm_flags(), funcref, vmctx::FUNCREF_CODE);
        let callee_vmctx = self.b.ins().load(I64, self.regions.vm_flags(), funcref, vmctx::FUNCREF_VMCTX);
        let mut args = Vec::with_capacity(params.len() + 1);
        args.push(callee_vmctx);
        args.extend(params);
        let sig = self.sig_for_type(type_index);
        self.fuel_spill();
        if tail {
            self.b.ins().return_call_indirect(sig, code, &args);
            return Ok(());
        }
        let results = self.emit_call(Callee::Indirect(sig, code), &args);
        self.push_call_results(results, type_index);
        self.after_call();
        Ok(())
    }

    /// Pushes the results of a call of type `type_index`, declaring GC references among them.
    fn push_call_results(&mut self, results: Vec<Value>, type_index: u32) {
        let module = self.env.module;
        for (v, ty) in results.into_iter().zip(module.types[type_index as usize].results.iter()) {
            self.declare_gc_ref(v, *ty);
            self.push(v);
        }
    }

    fn call_indirect(&mut self, type_index: u32, table: u32, tail: bool) -> Result<(), String> {
        let n = self.env.module.types[type_index as usize].params.len();
        let index = self.pop();
        let params = self.popn_canon(n);
        let slot = self.table_elem_addr(table, index, user_trap(trap_codes::UNDEFINED_ELEMENT));
        let funcref = self.b.ins().load(I64, self.regions.table_flags(), slot, 0);
        self.b.ins().trapz(funcref, user_trap(trap_codes::UNINITIALIZED_ELEMENT));
        self.call_funcref(funcref, type_index, params, tail)
    }
}
