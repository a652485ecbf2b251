//! A minimal stand-in for the runtime, for compiler tests: builds a vmctx by hand per
//! `VMOffsets` (memories, tables, globals, funcrefs), implements the builtins, instantiates
//! import-free modules (plus host-function imports served by compiled host trampolines) and calls
//! exports through the entry trampolines. No signal handler: trapping code must not be run.

use super::super::*;
use crate::module::{
    self, ConstExpr, ConstOp, DataMode, ElementItems, ElementMode, ExportKind, ImportKind, ModuleInfo,
};
use crate::runtime::vmctx::*;
use std::cell::RefCell;
use std::sync::OnceLock;

pub fn isa() -> &'static dyn TargetIsa {
    static ISA: OnceLock<Arc<dyn TargetIsa>> = OnceLock::new();
    &**ISA.get_or_init(|| build_isa().expect("host ISA"))
}

pub const PAGE: u64 = 65536;
/// Like the runtime: every memory reserves 8 GiB, of which only `length` bytes are accessible.
const RESERVATION: usize = 8 << 30;

/// Runtime-side state the builtins reach through `VMContextHeader::instance`.
struct TestCtx {
    offsets: VMOffsets,
    data: RefCell<Vec<Vec<u8>>>,
    elems: RefCell<Vec<Vec<usize>>>,
    tables: RefCell<Vec<Vec<usize>>>,
    table_max: Vec<u64>,
    memory_max: Vec<u64>,
}

pub struct Instance {
    pub module: ModuleInfo,
    pub code: CompiledCode,
    /// 16-byte aligned vmctx storage; never resized, so the vmctx address is stable.
    vmctx: Vec<u128>,
    ctx: Box<TestCtx>,
    _limits: Box<VMLimits>,
    _builtins: Box<Builtins>,
    _type_ids: Vec<u32>,
    memories: Vec<*mut u8>,
    _host: Vec<CompiledCode>,
}

impl Drop for Instance {
    fn drop(&mut self) {
        for m in &self.memories {
            unsafe { libc::munmap(*m as *mut _, RESERVATION) };
        }
    }
}

unsafe fn ctx_of<'a>(vmctx: *mut u8) -> &'a TestCtx {
    &*((*(vmctx as *const VMContextHeader)).instance as *const TestCtx)
}

unsafe fn memory_of<'a>(vmctx: *mut u8, mem: u32) -> &'a mut VMMemory {
    let ctx = ctx_of(vmctx);
    &mut **(vmctx.add(ctx.offsets.memory_ptr(mem) as usize) as *mut *mut VMMemory)
}

unsafe fn table_of<'a>(vmctx: *mut u8, table: u32) -> &'a mut VMTable {
    let ctx = ctx_of(vmctx);
    &mut **(vmctx.add(ctx.offsets.table_ptr(table) as usize) as *mut *mut VMTable)
}

fn in_bounds(start: u32, len: u32, size: u64) -> bool {
    start as u64 + len as u64 <= size
}

unsafe extern "C" fn b_memory_grow(vmctx: *mut u8, mem: u32, delta: u32) -> u32 {
    let max = ctx_of(vmctx).memory_max[mem as usize];
    let m = memory_of(vmctx, mem);
    let old = m.length / PAGE;
    if old + delta as u64 > max {
        return u32::MAX;
    }
    let new_len = (old + delta as u64) * PAGE;
    if new_len > 0 && libc::mprotect(m.base as *mut _, new_len as usize, libc::PROT_READ | libc::PROT_WRITE) != 0 {
        return u32::MAX;
    }
    m.length = new_len;
    old as u32
}
unsafe extern "C" fn b_memory_fill(vmctx: *mut u8, mem: u32, dst: u32, val: u32, len: u32) -> u32 {
    let m = memory_of(vmctx, mem);
    if !in_bounds(dst, len, m.length) {
        return 1;
    }
    std::ptr::write_bytes(m.base.add(dst as usize), val as u8, len as usize);
    0
}
unsafe extern "C" fn b_memory_copy(vmctx: *mut u8, dm: u32, sm: u32, dst: u32, src: u32, len: u32) -> u32 {
    let (d, s) = (memory_of(vmctx, dm), memory_of(vmctx, sm));
    if !in_bounds(src, len, s.length) || !in_bounds(dst, len, d.length) {
        return 1;
    }
    std::ptr::copy(s.base.add(src as usize), d.base.add(dst as usize), len as usize);
    0
}
unsafe extern "C" fn b_memory_init(vmctx: *mut u8, mem: u32, data: u32, dst: u32, src: u32, len: u32) -> u32 {
    let all = ctx_of(vmctx).data.borrow();
    let seg = &all[data as usize];
    let m = memory_of(vmctx, mem);
    if !in_bounds(src, len, seg.len() as u64) || !in_bounds(dst, len, m.length) {
        return 1;
    }
    std::ptr::copy_nonoverlapping(seg.as_ptr().add(src as usize), m.base.add(dst as usize), len as usize);
    0
}
unsafe extern "C" fn b_data_drop(vmctx: *mut u8, data: u32) {
    ctx_of(vmctx).data.borrow_mut()[data as usize] = Vec::new();
}
unsafe extern "C" fn b_table_grow(vmctx: *mut u8, table: u32, delta: u32, init: usize) -> u32 {
    let ctx = ctx_of(vmctx);
    let mut tables = ctx.tables.borrow_mut();
    let t = &mut tables[table as usize];
    let old = t.len() as u64;
    if old + delta as u64 > ctx.table_max[table as usize].min(10_000_000) {
        return u32::MAX;
    }
    t.resize((old + delta as u64) as usize, init);
    let vt = table_of(vmctx, table);
    vt.base = t.as_mut_ptr();
    vt.length = t.len() as u64;
    old as u32
}
unsafe extern "C" fn b_table_fill(vmctx: *mut u8, table: u32, dst: u32, val: usize, len: u32) -> u32 {
    let t = table_of(vmctx, table);
    if !in_bounds(dst, len, t.length) {
        return 1;
    }
    for i in 0..len as usize {
        *t.base.add(dst as usize + i) = val;
    }
    0
}
unsafe extern "C" fn b_table_copy(vmctx: *mut u8, dt: u32, st: u32, dst: u32, src: u32, len: u32) -> u32 {
    let (d, s) = (table_of(vmctx, dt), table_of(vmctx, st));
    if !in_bounds(src, len, s.length) || !in_bounds(dst, len, d.length) {
        return 1;
    }
    std::ptr::copy(s.base.add(src as usize), d.base.add(dst as usize), len as usize);
    0
}
unsafe extern "C" fn b_table_init(vmctx: *mut u8, table: u32, elem: u32, dst: u32, src: u32, len: u32) -> u32 {
    let elems = ctx_of(vmctx).elems.borrow();
    let seg = &elems[elem as usize];
    let t = table_of(vmctx, table);
    if !in_bounds(src, len, seg.len() as u64) || !in_bounds(dst, len, t.length) {
        return 1;
    }
    std::ptr::copy_nonoverlapping(seg.as_ptr().add(src as usize), t.base.add(dst as usize), len as usize);
    0
}
unsafe extern "C" fn b_elem_drop(vmctx: *mut u8, elem: u32) {
    ctx_of(vmctx).elems.borrow_mut()[elem as usize] = Vec::new();
}

/// Every imported function is served by this host function (through a compiled host
/// trampoline): it returns its first argument plus 1000 if it has a result.
unsafe extern "C" fn host_add_1000(_ctx: *mut u8, values: *mut VMVal) -> u32 {
    let v = (*values).u32();
    *values = VMVal::from_u32(v.wrapping_add(1000));
    0
}

impl Instance {
    pub fn new(wat: &str) -> Instance {
        Instance::with(wat, &Tunables { explicit_bounds_checks: false, epoch_interruption: false, consume_fuel: false }, 1)
    }

    pub fn with(wat: &str, tunables: &Tunables, threads: usize) -> Instance {
        let bytes = wat::parse_str(wat).expect("valid wat");
        let module = module::decode(bytes).expect("valid module");
        Instance::instantiate(module, tunables, threads).expect("instantiates")
    }

    /// Compiles and instantiates; `Err` if the module needs something the harness lacks or
    /// instantiation itself would trap (out-of-bounds segments).
    pub fn instantiate(module: ModuleInfo, tunables: &Tunables, threads: usize) -> Result<Instance, String> {
        for imp in &module.imports {
            if !matches!(imp.kind, ImportKind::Func { .. }) {
                return Err(format!("harness: unsupported import {}.{}", imp.module, imp.name));
            }
        }
        let code = compile_module(isa(), &module, tunables, threads)?;
        let offsets = VMOffsets::new(&module);
        let mut vmctx = vec![0u128; offsets.size as usize / 16 + 1];
        let v = vmctx.as_mut_ptr() as *mut u8;

        // Equal types get equal ids, as the engine's registry would assign.
        let type_ids: Vec<u32> =
            module.types.iter().map(|t| module.types.iter().position(|u| u == t).unwrap() as u32).collect();
        let ctx = Box::new(TestCtx {
            offsets: offsets.clone(),
            data: RefCell::new(module.data.iter().map(|d| module.bytes[d.range.clone()].to_vec()).collect()),
            elems: RefCell::new(Vec::new()),
            tables: RefCell::new(Vec::new()),
            table_max: module.tables.iter().map(|t| t.limits.max.unwrap_or(u32::MAX as u64)).collect(),
            memory_max: module.memories.iter().map(|m| m.limits.max.unwrap_or(65536).min(65536)).collect(),
        });
        let limits = Box::new(VMLimits::default());
        let builtins = Box::new(Builtins {
            memory_grow: b_memory_grow,
            memory_fill: b_memory_fill,
            memory_copy: b_memory_copy,
            memory_init: b_memory_init,
            data_drop: b_data_drop,
            table_grow: b_table_grow,
            table_fill: b_table_fill,
            table_copy: b_table_copy,
            table_init: b_table_init,
            elem_drop: b_elem_drop,
        });
        let mut inst = Instance {
            module,
            code,
            vmctx: Vec::new(),
            ctx,
            _limits: limits,
            _builtins: builtins,
            _type_ids: type_ids,
            memories: Vec::new(),
            _host: Vec::new(),
        };
        let module = &inst.module;
        unsafe {
            let header = &mut *(v as *mut VMContextHeader);
            header.magic = VMCTX_MAGIC;
            header.instance = &*inst.ctx as *const TestCtx as *const u8;
            header.limits = &*inst._limits;
            header.epoch = inst._limits.epoch;
            header.builtins = &*inst._builtins;
            header.type_ids = inst._type_ids.as_ptr();
            let put = |off: i32, val: usize| *(v.add(off as usize) as *mut usize) = val;

            for f in 0..module.functions.len() as u32 {
                let ty_index = module.functions[f as usize];
                let type_id = inst._type_ids[ty_index as usize];
                let fr = if f < module.num_imported_funcs {
                    let ty = &module.types[ty_index as usize];
                    let h = compile_host_trampoline(isa(), ty, host_add_1000 as *const () as usize)?;
                    let fr = VMFuncRef {
                        code: h.code.base().add(h.functions[0].offset as usize),
                        vmctx: std::ptr::null_mut(),
                        type_id,
                    };
                    inst._host.push(h);
                    fr
                } else {
                    let cf = &inst.code.functions[(f - module.num_imported_funcs) as usize];
                    VMFuncRef { code: inst.code.code.base().add(cf.offset as usize), vmctx: v, type_id }
                };
                *(v.add(offsets.funcref(f) as usize) as *mut VMFuncRef) = fr;
            }

            for (i, g) in module.globals.iter().enumerate() {
                let def = offsets.defined_global(i as u32);
                let val = eval(&module.global_inits[i], v, &offsets);
                let _ = g;
                *(v.add(def as usize) as *mut u128) = val;
                put(offsets.global_ptr(i as u32), v as usize + def as usize);
            }

            for (i, mt) in module.memories.iter().enumerate() {
                let base = libc::mmap(
                    std::ptr::null_mut(),
                    RESERVATION,
                    libc::PROT_NONE,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                    -1,
                    0,
                );
                assert_ne!(base, libc::MAP_FAILED);
                let base = base as *mut u8;
                inst.memories.push(base);
                let length = mt.limits.min * PAGE;
                if length > 0 {
                    assert_eq!(libc::mprotect(base as *mut _, length as usize, libc::PROT_READ | libc::PROT_WRITE), 0);
                }
                let def = offsets.defined_memory(i as u32);
                *(v.add(def as usize) as *mut VMMemory) = VMMemory { base, length };
                put(offsets.memory_ptr(i as u32), v as usize + def as usize);
            }

            {
                let mut tables = inst.ctx.tables.borrow_mut();
                for (i, tt) in module.tables.iter().enumerate() {
                    let init = module.table_inits[i].as_ref().map_or(0, |e| eval(e, v, &offsets) as usize);
                    tables.push(vec![init; tt.limits.min as usize]);
                }
                for (i, t) in tables.iter_mut().enumerate() {
                    let def = offsets.defined_table(i as u32);
                    *(v.add(def as usize) as *mut VMTable) = VMTable { base: t.as_mut_ptr(), length: t.len() as u64 };
                    put(offsets.table_ptr(i as u32), v as usize + def as usize);
                }
            }

            let mut elems = Vec::new();
            for e in &module.elements {
                let items: Vec<usize> = match &e.items {
                    ElementItems::Funcs(fs) => fs.iter().map(|f| v as usize + offsets.funcref(*f) as usize).collect(),
                    ElementItems::Exprs(es) => es.iter().map(|x| eval(x, v, &offsets) as usize).collect(),
                };
                elems.push(items);
            }
            *inst.ctx.elems.borrow_mut() = elems;
            for (k, e) in module.elements.iter().enumerate() {
                match &e.mode {
                    ElementMode::Active { table, offset } => {
                        let at = eval(offset, v, &offsets) as u32;
                        let n = e.len() as u32;
                        if b_table_init(v, *table, k as u32, at, 0, n) != 0 {
                            return Err("harness: out-of-bounds element segment".to_string());
                        }
                        b_elem_drop(v, k as u32);
                    }
                    ElementMode::Declared => b_elem_drop(v, k as u32),
                    ElementMode::Passive => {}
                }
            }
            for (k, d) in module.data.iter().enumerate() {
                if let DataMode::Active { memory, offset } = &d.mode {
                    let at = eval(offset, v, &offsets) as u32;
                    if b_memory_init(v, *memory, k as u32, at, 0, d.range.len() as u32) != 0 {
                        return Err("harness: out-of-bounds data segment".to_string());
                    }
                    b_data_drop(v, k as u32);
                }
            }
        }
        inst.vmctx = vmctx;
        if let Some(start) = inst.module.start {
            inst.call_index(start, &[]);
        }
        Ok(inst)
    }

    pub fn vmctx_ptr(&self) -> *mut u8 {
        self.vmctx.as_ptr() as *mut u8
    }

    pub fn export_func(&self, name: &str) -> Option<u32> {
        self.module.exports.iter().find(|e| e.name == name && e.kind == ExportKind::Func).map(|e| e.index)
    }

    pub fn export_global(&self, name: &str) -> Option<u128> {
        let e = self.module.exports.iter().find(|e| e.name == name && e.kind == ExportKind::Global)?;
        let offsets = VMOffsets::new(&self.module);
        unsafe {
            let p = *(self.vmctx_ptr().add(offsets.global_ptr(e.index) as usize) as *const *const u128);
            Some(*p)
        }
    }

    /// Calls function `f` through its entry trampoline; arguments and results are raw slots.
    pub fn call_index(&self, f: u32, args: &[u128]) -> Vec<u128> {
        let type_index = self.module.functions[f as usize];
        let ty = &self.module.types[type_index as usize];
        assert_eq!(ty.params.len(), args.len(), "arity of function {f}");
        let mut values: Vec<VMVal> = vec![VMVal::default(); ty.params.len().max(ty.results.len()).max(1)];
        for (slot, a) in values.iter_mut().zip(args) {
            *slot = VMVal::from_u128(*a);
        }
        let v = self.vmctx_ptr();
        unsafe {
            let fr = &*(v.add(VMOffsets::new(&self.module).funcref(f) as usize) as *const VMFuncRef);
            let tramp = self.code.code.base().add(self.code.entry_trampolines[type_index as usize] as usize);
            let tramp: unsafe extern "C" fn(*mut u8, *const u8, *mut VMVal) = std::mem::transmute(tramp);
            tramp(fr.vmctx, fr.code, values.as_mut_ptr());
        }
        values.truncate(ty.results.len());
        values.iter().map(|x| x.u128()).collect()
    }

    pub fn call(&self, name: &str, args: &[u128]) -> Vec<u128> {
        let f = self.export_func(name).unwrap_or_else(|| panic!("no export {name}"));
        self.call_index(f, args)
    }

    pub fn i32(&self, name: &str, args: &[u128]) -> i32 {
        self.call(name, args)[0] as u32 as i32
    }
    pub fn i64(&self, name: &str, args: &[u128]) -> i64 {
        self.call(name, args)[0] as u64 as i64
    }
    pub fn f32(&self, name: &str, args: &[u128]) -> f32 {
        f32::from_bits(self.call(name, args)[0] as u32)
    }
    pub fn f64(&self, name: &str, args: &[u128]) -> f64 {
        f64::from_bits(self.call(name, args)[0] as u64)
    }
    pub fn v128(&self, name: &str, args: &[u128]) -> u128 {
        self.call(name, args)[0]
    }
    #[allow(clippy::mut_from_ref)]
    pub fn memory(&self, i: usize) -> &mut [u8] {
        let len = unsafe {
            (*(self.vmctx_ptr().add(VMOffsets::new(&self.module).defined_memory(i as u32) as usize) as *const VMMemory))
                .length
        };
        unsafe { std::slice::from_raw_parts_mut(self.memories[i], len as usize) }
    }
}

/// Evaluates a constant expression of the module (globals are defined ones, read from vmctx).
unsafe fn eval(expr: &ConstExpr, v: *mut u8, offsets: &VMOffsets) -> u128 {
    let mut stack: Vec<u128> = Vec::new();
    for op in &expr.0 {
        let x = match op {
            ConstOp::I32Const(x) => *x as u32 as u128,
            ConstOp::I64Const(x) => *x as u64 as u128,
            ConstOp::F32Const(x) => *x as u128,
            ConstOp::F64Const(x) => *x as u128,
            ConstOp::V128Const(x) => *x,
            ConstOp::RefNull(_) => 0,
            ConstOp::RefFunc(f) => (v as usize + offsets.funcref(*f) as usize) as u128,
            ConstOp::GlobalGet(g) => **(v.add(offsets.global_ptr(*g) as usize) as *const *const u128),
            ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                let (b, a) = (stack.pop().unwrap() as u32, stack.pop().unwrap() as u32);
                (match op {
                    ConstOp::I32Add => a.wrapping_add(b),
                    ConstOp::I32Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                }) as u128
            }
            ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                let (b, a) = (stack.pop().unwrap() as u64, stack.pop().unwrap() as u64);
                (match op {
                    ConstOp::I64Add => a.wrapping_add(b),
                    ConstOp::I64Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                }) as u128
            }
        };
        stack.push(x);
    }
    stack.pop().unwrap_or(0)
}
