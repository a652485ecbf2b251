//! The memory layout shared by compiled code and the runtime: the per-instance `VMContext`,
//! function references, memory/table/global definitions and the builtin-function table.
//!
//! Compiled code reads these structures at fixed offsets, so every `#[repr(C)]` type here and
//! every offset computed by `VMOffsets` is part of the compiler/runtime contract.
//!
//! Calling convention of every compiled wasm function (and of every host trampoline):
//! `CallConv::Tail`, signature `(vmctx: i64, params...) -> (results...)`, v128 as `i8x16`,
//! funcref/externref as `i64` pointers (0 is null).
//!
//! Entry trampolines (host → wasm, one per function type of a module): `CallConv::SystemV`
//! (the host's C convention), signature `(callee_vmctx: i64, callee_code: i64, values: i64)`;
//! `values` points at an array of `VMVal` (16 bytes each) holding the arguments, and receives
//! the results (from index 0) after the call.

use std::mem::{offset_of, size_of};

/// An entry trampoline (host → wasm), as the runtime calls it: `(callee_vmctx, callee_code,
/// values)`, with the arguments in `values` on entry and the results there on return.
pub type EntryTrampoline = unsafe extern "C" fn(callee_vmctx: *mut u8, callee_code: *const u8, values: *mut VMVal);

/// Magic in the first word of an instance `VMContext`.
pub const VMCTX_MAGIC: u32 = 0x5741_534d; // "WASM"
/// Magic in the first word of a host function's context.
pub const HOST_CTX_MAGIC: u32 = 0x484f_5354; // "HOST"

/// What a host trampoline calls (C convention) to run the host function whose context is
/// `host_ctx`: `args` holds the arguments (`args[i]`, one `VMVal` each), the results go to
/// `results[i]`; 0 means done, 1 a trap (its object left for the entry), 2 a wasm exception
/// whose exnref is in `results[0]`. Both arrays are 16-byte aligned, distinct, `results` has at
/// least one slot, and each has 8 writable bytes right before it: `args - 8` and `results - 8`
/// can be used as arrays of 16-byte `wasm_val_t` (kind byte, 8-byte value), whose value fields
/// are the low 8 bytes of the slots (where scalars are) and whose kind bytes fall into the
/// slots' unused upper halves. A scalar route hands them to a C callback with no copying.
/// `exit_fp` is the trampoline's frame pointer: while the host function runs, the store's
/// collector reaches the calling wasm frames through it (`runtime::gc::WasmExit`), so every
/// `HostInvoke` links it before running embedder code.
pub type HostInvoke =
    unsafe extern "C" fn(host_ctx: *mut u8, args: *mut VMVal, results: *mut VMVal, exit_fp: usize) -> u32;

/// Offset in a host function's context of its `HostInvoke`, which the trampoline loads and
/// calls: each function brings its own (the scalar C-callback routes go straight to the
/// callback, with no dispatch in between), so one trampoline serves functions of every kind.
pub const HOST_CTX_INVOKE_OFFSET: i32 = 8;

/// One value slot as it crosses the host boundary (args/results arrays, globals): 16 bytes,
/// little-endian, i32/f32 in the low 4 bytes, i64/f64/references in the low 8 bytes.
#[repr(C, align(16))]
#[derive(Clone, Copy, Default, Debug, PartialEq)]
pub struct VMVal(pub [u8; 16]);

impl VMVal {
    pub fn from_u128(v: u128) -> VMVal {
        VMVal(v.to_le_bytes())
    }
    pub fn from_u64(v: u64) -> VMVal {
        VMVal::from_u128(v as u128)
    }
    pub fn from_u32(v: u32) -> VMVal {
        VMVal::from_u128(v as u128)
    }
    pub fn u128(&self) -> u128 {
        u128::from_le_bytes(self.0)
    }
    pub fn u64(&self) -> u64 {
        self.u128() as u64
    }
    pub fn u32(&self) -> u32 {
        self.u128() as u32
    }
    pub fn ptr<T>(&self) -> *mut T {
        self.u64() as usize as *mut T
    }
}

/// A function reference: what `ref.func`, table elements (funcref tables hold `*const VMFuncRef`)
/// and imported-function calls go through.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct VMFuncRef {
    /// Entry point with the wasm calling convention.
    pub code: *const u8,
    /// First argument to pass: the owning instance's `VMContext`, or a host function's context.
    pub vmctx: *mut u8,
    /// Engine-wide canonical id of the function type (compared by `call_indirect`).
    pub type_id: u32,
}

pub const FUNCREF_CODE: i32 = offset_of!(VMFuncRef, code) as i32;
pub const FUNCREF_VMCTX: i32 = offset_of!(VMFuncRef, vmctx) as i32;
pub const FUNCREF_TYPE_ID: i32 = offset_of!(VMFuncRef, type_id) as i32;
pub const FUNCREF_SIZE: u32 = size_of::<VMFuncRef>() as u32;

/// A linear memory as compiled code sees it. `base` never moves for the memory's lifetime.
#[repr(C)]
#[derive(Debug)]
pub struct VMMemory {
    pub base: *mut u8,
    /// Current size in bytes.
    pub length: u64,
}

/// Bytes of inaccessible address space that follow the largest size a memory64 memory can
/// reach when the engine uses guard pages. Compiled code then checks only `index <= length`
/// for accesses whose static offset plus size fits in this guard: anything past `length` up to
/// `length + MEMORY64_GUARD_BYTES` faults. (32-bit memories get a guard region covering every
/// u32 index and offset instead, and no check at all.)
pub const MEMORY64_GUARD_BYTES: u64 = 2 << 30;

pub const MEMORY_BASE: i32 = offset_of!(VMMemory, base) as i32;
pub const MEMORY_LENGTH: i32 = offset_of!(VMMemory, length) as i32;

/// A table as compiled code sees it: `length` pointer-sized elements at `base` (may move on grow).
/// Elements are `*const VMFuncRef` for funcref tables and `*const ExternRef object` for
/// externref tables; 0 is null.
#[repr(C)]
#[derive(Debug)]
pub struct VMTable {
    pub base: *mut usize,
    /// Current number of elements.
    pub length: u64,
}

pub const TABLE_BASE: i32 = offset_of!(VMTable, base) as i32;
pub const TABLE_LENGTH: i32 = offset_of!(VMTable, length) as i32;

/// Per-store limits read by function prologues (and, with epoch interruption, loop headers).
#[repr(C)]
#[derive(Debug)]
pub struct VMLimits {
    /// Lowest stack address wasm code may use; prologues trap with STACK_OVERFLOW below it.
    pub stack_limit: usize,
    /// The engine's epoch counter (`EngineState::epoch`), read with plain loads.
    pub epoch: *const std::sync::atomic::AtomicU64,
    /// Code traps with INTERRUPTED once the epoch is at or past this value.
    pub epoch_deadline: u64,
    /// Fuel left (with fuel consumption on); code traps with OUT_OF_FUEL once it is negative.
    pub fuel: i64,
    /// The store's GC allocation state (`runtime::gc_space::FreeLists`) for allocations
    /// without the heap's lock; null until the heap publishes it.
    pub gc_alloc: *mut u8,
}

impl Default for VMLimits {
    fn default() -> VMLimits {
        static NEVER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        VMLimits { stack_limit: 0, epoch: &NEVER, epoch_deadline: u64::MAX, fuel: 0, gc_alloc: std::ptr::null_mut() }
    }
}

pub const LIMITS_STACK_LIMIT: i32 = offset_of!(VMLimits, stack_limit) as i32;
pub const LIMITS_EPOCH: i32 = offset_of!(VMLimits, epoch) as i32;
pub const LIMITS_EPOCH_DEADLINE: i32 = offset_of!(VMLimits, epoch_deadline) as i32;
pub const LIMITS_FUEL: i32 = offset_of!(VMLimits, fuel) as i32;

/// Fixed header of every instance `VMContext`; per-module arrays follow (see `VMOffsets`).
#[repr(C)]
pub struct VMContextHeader {
    pub magic: u32,
    pub _pad: u32,
    /// Back pointer to the runtime's instance (`*const runtime::instance::WasmInstance`).
    pub instance: *const u8,
    pub limits: *const VMLimits,
    /// The engine's epoch counter (the same as `VMLimits::epoch`), one load closer to the
    /// code that checks it on function entry and loop headers.
    pub epoch: *const std::sync::atomic::AtomicU64,
    pub builtins: *const super::builtins::Builtins,
    /// Engine-wide type id of every type index of the module.
    pub type_ids: *const u32,
    /// Tiered modules: one i32 budget per defined function, shared by all instances of the
    /// module (null otherwise).
    pub tiering_budgets: *mut i32,
}

pub const VMCTX_MAGIC_OFFSET: i32 = offset_of!(VMContextHeader, magic) as i32;
pub const VMCTX_INSTANCE: i32 = offset_of!(VMContextHeader, instance) as i32;
pub const VMCTX_LIMITS: i32 = offset_of!(VMContextHeader, limits) as i32;
pub const VMCTX_EPOCH: i32 = offset_of!(VMContextHeader, epoch) as i32;
pub const VMCTX_BUILTINS: i32 = offset_of!(VMContextHeader, builtins) as i32;
pub const VMCTX_TYPE_IDS: i32 = offset_of!(VMContextHeader, type_ids) as i32;
pub const VMCTX_TIERING_BUDGETS: i32 = offset_of!(VMContextHeader, tiering_budgets) as i32;

/// Offsets of the per-module parts of a `VMContext`, all relative to the vmctx pointer:
///
/// ```text
/// header                      VMContextHeader
/// memories[num_memories]      *mut VMMemory   (imported ones point into the exporter)
/// tables[num_tables]          *mut VMTable
/// globals[num_globals]        *mut VMVal      (imported ones point into the exporter)
/// funcrefs[num_funcs]         VMFuncRef       (imports copied from the provided function)
/// tags[num_tags]              *const u8       (identity of each tag: the runtime's tag object)
/// defined_memories[..]        VMMemory        (storage for memories this module defines)
/// defined_tables[..]          VMTable
/// defined_globals[..]         VMVal           (16-byte aligned)
/// ```
#[derive(Clone, Debug)]
pub struct VMOffsets {
    pub num_memories: u32,
    pub num_tables: u32,
    pub num_globals: u32,
    pub num_funcs: u32,
    pub num_tags: u32,
    pub num_defined_memories: u32,
    pub num_defined_tables: u32,
    pub num_defined_globals: u32,
    pub memories: u32,
    pub tables: u32,
    pub globals: u32,
    pub funcrefs: u32,
    pub tags: u32,
    pub defined_memories: u32,
    pub defined_tables: u32,
    pub defined_globals: u32,
    pub size: u32,
}

impl VMOffsets {
    pub fn new(m: &crate::decode::ModuleInfo) -> VMOffsets {
        let num_memories = m.memories.len() as u32;
        let num_tables = m.tables.len() as u32;
        let num_globals = m.globals.len() as u32;
        let num_funcs = m.functions.len() as u32;
        let num_tags = m.tags.len() as u32;
        let num_defined_memories = num_memories - m.num_imported_memories;
        let num_defined_tables = num_tables - m.num_imported_tables;
        let num_defined_globals = num_globals - m.num_imported_globals;
        let memories = size_of::<VMContextHeader>() as u32;
        let tables = memories + 8 * num_memories;
        let globals = tables + 8 * num_tables;
        let funcrefs = globals + 8 * num_globals;
        let tags = funcrefs + FUNCREF_SIZE * num_funcs;
        let defined_memories = tags + 8 * num_tags;
        let defined_tables = defined_memories + size_of::<VMMemory>() as u32 * num_defined_memories;
        let defined_globals = (defined_tables + size_of::<VMTable>() as u32 * num_defined_tables + 15) & !15;
        let size = defined_globals + 16 * num_defined_globals;
        VMOffsets {
            num_memories,
            num_tables,
            num_globals,
            num_funcs,
            num_tags,
            num_defined_memories,
            num_defined_tables,
            num_defined_globals,
            memories,
            tables,
            globals,
            funcrefs,
            tags,
            defined_memories,
            defined_tables,
            defined_globals,
            size,
        }
    }
    /// Offset of the `*mut VMMemory` of memory `index`.
    pub fn memory_ptr(&self, index: u32) -> i32 {
        (self.memories + 8 * index) as i32
    }
    pub fn table_ptr(&self, index: u32) -> i32 {
        (self.tables + 8 * index) as i32
    }
    pub fn global_ptr(&self, index: u32) -> i32 {
        (self.globals + 8 * index) as i32
    }
    pub fn funcref(&self, func_index: u32) -> i32 {
        (self.funcrefs + FUNCREF_SIZE * func_index) as i32
    }
    /// Offset of the identity pointer of tag `index`.
    pub fn tag_ptr(&self, index: u32) -> i32 {
        (self.tags + 8 * index) as i32
    }
    pub fn defined_memory(&self, defined_index: u32) -> i32 {
        (self.defined_memories + size_of::<VMMemory>() as u32 * defined_index) as i32
    }
    pub fn defined_table(&self, defined_index: u32) -> i32 {
        (self.defined_tables + size_of::<VMTable>() as u32 * defined_index) as i32
    }
    pub fn defined_global(&self, defined_index: u32) -> i32 {
        (self.defined_globals + 16 * defined_index) as i32
    }
}

/// The start of a thrown exception as compiled code reads it (an `exnref` points here): the
/// identity of its tag (compared with `VMOffsets::tag_ptr` entries by `catch` clauses), its
/// payload, one `VMVal` per parameter of the tag's type, and whether an exnref to it ever
/// became a value (nonzero: caught by `catch_ref`/`catch_all_ref`, or passed in by the host),
/// which compiled code sets and the runtime reads on the store's thread.
#[repr(C)]
#[derive(Debug)]
pub struct VMException {
    pub tag: *const u8,
    pub values: *const VMVal,
    pub exposed: std::sync::atomic::AtomicU64,
}

pub const EXCEPTION_TAG: i32 = offset_of!(VMException, tag) as i32;
pub const EXCEPTION_VALUES: i32 = offset_of!(VMException, values) as i32;
pub const EXCEPTION_EXPOSED: i32 = offset_of!(VMException, exposed) as i32;
