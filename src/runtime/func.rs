//! Functions: wasm functions of an instance and host functions, calls into them from the host,
//! and the landing point of calls from compiled code into host callbacks.

use super::engine::HostTrampoline;
use super::host_info::HostInfo;
use super::instance::WasmInstance;
use super::signals::{self, RawTrap};
use super::store::{Store, StoreState};
use super::trap::{frames_from_pcs, Trap, TrapRecord};
use super::type_registry::TypeRef;
use crate::abi::traps::TrapKind;
use crate::abi::vmctx::{
    EntryTrampoline, HostInvoke, VMFuncRef, VMVal, HOST_CTX_INVOKE_OFFSET, HOST_CTX_MAGIC, VMCTX_MAGIC,
};
use crate::types::{FuncType, ValType};
use std::cell::RefCell;
use std::sync::Arc;

/// A host callback: reads the arguments from `values[..params]` and writes the results to
/// `values[..results]` (the slice is long enough for both).
pub type HostCallback = Box<dyn Fn(&mut [VMVal]) -> Result<(), Trap> + Send + Sync>;

/// Most parameters, and most results, a signature may have to take the scalar fast paths.
pub const SCALAR_MAX: usize = 8;

/// A function type made only of i32/i64/f32/f64, at most `SCALAR_MAX` parameters and results,
/// flattened so that a call crossing the boundary walks no `FuncType`: the kind codes are
/// those of wasm.h (`wasm_valkind_t`: i32 0, i64 1, f32 2, f64 3), parameters in the first
/// half of `kinds`, results in the second.
#[derive(Clone, Copy, Debug)]
pub struct ScalarSig {
    pub params: u8,
    pub results: u8,
    pub kinds: [u8; 2 * SCALAR_MAX],
    /// The results in one word, for a caller to keep across a call: their count in bits 0..4,
    /// then two bits per kind (result i in bits 4 + 2i..6 + 2i).
    pub results_word: u32,
}

impl ScalarSig {
    /// The flattened form of `ty`, if it has one.
    pub fn of(ty: &FuncType) -> Option<ScalarSig> {
        if ty.params.len() > SCALAR_MAX || ty.results.len() > SCALAR_MAX {
            return None;
        }
        let mut kinds = [0u8; 2 * SCALAR_MAX];
        let (param_kinds, result_kinds) = kinds.split_at_mut(SCALAR_MAX);
        for (k, t) in param_kinds.iter_mut().zip(&ty.params).chain(result_kinds.iter_mut().zip(&ty.results)) {
            *k = match t {
                ValType::I32 => 0,
                ValType::I64 => 1,
                ValType::F32 => 2,
                ValType::F64 => 3,
                _ => return None,
            };
        }
        let mut results_word = ty.results.len() as u32;
        for (i, k) in result_kinds.iter().take(ty.results.len()).enumerate() {
            results_word |= (*k as u32) << (4 + 2 * i);
        }
        Some(ScalarSig { params: ty.params.len() as u8, results: ty.results.len() as u8, kinds, results_word })
    }

    pub fn param_kinds(&self) -> &[u8] {
        &self.kinds[..self.params as usize]
    }

    pub fn result_kinds(&self) -> &[u8] {
        &self.kinds[SCALAR_MAX..SCALAR_MAX + self.results as usize]
    }
}

/// The direct route of a host function with a scalar signature: the host trampoline calls
/// `invoke(host_ctx, values)` itself (it is the function's `HostInvoke`), with no boxed closure,
/// store lookup, type walk or dispatch in between. `target` and `env` are whatever `invoke`
/// needs (for wasm.h: the C callback and its env), read through `scalar_route`; a trap it ends
/// with goes to `host_trap`, as for any host function.
pub struct ScalarHost {
    pub sig: ScalarSig,
    pub invoke: HostInvoke,
    pub target: usize,
    pub env: *mut std::ffi::c_void,
}

/// A function implemented by the embedder. `#[repr(C)]` because compiled code receives a pointer
/// to it as its "vmctx": the magic word comes first (see vmctx.rs).
#[repr(C)]
pub struct HostFunc {
    magic: u32,
    _pad: u32,
    /// What the trampoline calls, at `HOST_CTX_INVOKE_OFFSET`: the scalar route's `invoke`, or
    /// `host_call` (the boxed callback).
    invoke: HostInvoke,
    /// The fast route for scalar signatures (see `ScalarHost`); `callback` serves the rest and
    /// calls from the host side. Next to `invoke`: a call reads both.
    scalar: Option<ScalarHost>,
    pub funcref: VMFuncRef,
    pub ty: FuncType,
    pub type_id: u32,
    /// Keeps `type_id` registered while the function lives.
    _type_ref: TypeRef,
    pub store: Store,
    callback: HostCallback,
    _trampoline: Arc<HostTrampoline>,
    pub host_info: HostInfo,
}

// SAFETY: store-confined (see store.rs): the raw pointers in `funcref` point at this HostFunc
// and its immutable trampoline; the callback itself is Send + Sync, and the scalar route's
// `env` is the embedder's opaque pointer, only passed back to the embedder's callback (which
// wasm.h makes responsible for its synchronisation), exactly as the callback does.
unsafe impl Send for HostFunc {}
unsafe impl Sync for HostFunc {}

const _: () = assert!(std::mem::offset_of!(HostFunc, invoke) == HOST_CTX_INVOKE_OFFSET as usize);

impl HostFunc {
    pub fn new(
        store: &Store,
        ty: FuncType,
        callback: HostCallback,
        scalar: Option<ScalarHost>,
    ) -> Result<Arc<HostFunc>, String> {
        let engine = &store.engine;
        let type_ref = TypeRef::new(&ty);
        let type_id = type_ref.id();
        let trampoline = engine.host_trampoline(&ty)?;
        let code = trampoline.entry();
        let invoke = scalar.as_ref().map_or(host_call as HostInvoke, |s| s.invoke);
        let mut f = Arc::new(HostFunc {
            magic: HOST_CTX_MAGIC,
            _pad: 0,
            invoke,
            scalar,
            funcref: VMFuncRef { code: code as *const u8, vmctx: std::ptr::null_mut(), type_id },
            ty,
            type_id,
            _type_ref: type_ref,
            store: store.clone(),
            callback,
            _trampoline: trampoline,
            host_info: HostInfo::default(),
        });
        let self_ptr = Arc::as_ptr(&f) as *mut u8;
        Arc::get_mut(&mut f).unwrap().funcref.vmctx = self_ptr;
        Ok(f)
    }
}

thread_local! {
    /// The trap a host callback returned, waiting for the unwind to reach the entry.
    static PENDING_HOST_TRAP: RefCell<Option<Trap>> = const { RefCell::new(None) };
}

/// Makes `message` the trap a following HOST_TRAP reports (see `trap_from_raw`).
pub(crate) fn set_pending_trap(message: String) {
    set_pending(TrapRecord::new(message));
}

/// Makes `trap` the trap a following HOST_TRAP reports (see `trap_from_raw`).
pub(crate) fn set_pending(trap: Trap) {
    PENDING_HOST_TRAP.with(|p| *p.borrow_mut() = Some(trap));
}

/// The route of a scalar host function whose context is `ctx` (see `ScalarHost`).
///
/// # Safety
/// `ctx` is the context of a live `HostFunc` made with a scalar route, whose `invoke` (the
/// caller) that route is; the reference does not outlive the call that `ctx` was passed to.
#[inline(always)]
pub unsafe fn scalar_route<'a>(ctx: *mut u8) -> &'a ScalarHost {
    // SAFETY: `ctx` is a live `HostFunc` whose trampoline calls its scalar route, which exists
    // (`HostFunc::new` only makes `invoke` a scalar route's when there is one).
    unsafe { (*(ctx as *const HostFunc)).scalar.as_ref().unwrap_unchecked() }
}

/// The store of the host function whose context is `ctx`.
///
/// # Safety
/// `ctx` is the context of a live `HostFunc`; the reference does not outlive the call that
/// `ctx` was passed to.
#[inline(always)]
pub unsafe fn host_store<'a>(ctx: *mut u8) -> &'a StoreState {
    // SAFETY: the caller's obligation.
    unsafe { &(*(ctx as *const HostFunc)).store }
}

/// The `HostInvoke` of host functions without a scalar route: runs the boxed callback on a
/// copy of the arguments (the callback's slice serves for the arguments and then the results),
/// with the calling wasm frames linked for the collector through `exit_fp` meanwhile (the
/// callback may collect, or call into wasm that does).
///
/// # Safety
/// Only called by a host trampoline: `ctx` is the `HostFunc` whose funcref the trampoline was
/// reached through (alive: the caller's instance or table holds it), `args` / `results` are the
/// trampoline's arrays for the function's type and `exit_fp` its frame pointer (see
/// `HostInvoke`).
unsafe extern "C" fn host_call(ctx: *mut u8, args: *mut VMVal, results: *mut VMVal, exit_fp: usize) -> u32 {
    // SAFETY: see the function's contract.
    let f = unsafe { &*(ctx as *const HostFunc) };
    let exit = super::gc::WasmExit::new(exit_fp, &f.store);
    exit.begin(&f.store);
    // SAFETY: this function's contract; `exit` stays linked (and in place) until `end`.
    let rc = unsafe { run_host_call(ctx, f, args, results) };
    exit.end(&f.store);
    rc
}

/// The body of `host_call`.
///
/// # Safety
/// As `host_call`, with `f` the `HostFunc` at `ctx`.
#[inline(always)]
unsafe fn run_host_call(ctx: *mut u8, f: &HostFunc, args: *mut VMVal, results: *mut VMVal) -> u32 {
    let (np, nr) = (f.ty.params.len(), f.ty.results.len());
    let n = np.max(nr);
    let mut inline = [VMVal::default(); SCALAR_MAX];
    let mut heap = Vec::new();
    let slots: &mut [VMVal] = if n <= SCALAR_MAX {
        &mut inline[..n]
    } else {
        heap.resize(n, VMVal::default());
        &mut heap
    };
    // SAFETY: the trampoline's `args` array holds the `np` arguments.
    slots[..np].copy_from_slice(unsafe { std::slice::from_raw_parts(args, np) });
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (f.callback)(&mut *slots)));
    let trap = match result {
        Ok(Ok(())) => {
            // SAFETY: the trampoline's `results` array has room for the `nr` results, and
            // does not overlap `slots` (a local).
            unsafe { std::ptr::copy_nonoverlapping(slots.as_ptr(), results, nr) };
            return 0;
        }
        Ok(Err(trap)) => trap,
        Err(_) => TrapRecord::new("host function panicked"),
    };
    // SAFETY: as this function's contract.
    unsafe { host_trap(ctx, trap, results) }
}

/// How a `HostInvoke` reports the trap its host function ended with (its return value): 1,
/// with the trap object left in `PENDING_HOST_TRAP`; or 2 when it carries a wasm exception of
/// this store, whose exnref goes to `results[0]`: the trampoline throws it on into the calling
/// wasm code.
///
/// # Safety
/// `ctx` and `results` are as a `HostInvoke` received them (a live `HostFunc`, the trampoline's
/// results array), and nothing borrows `results` any more.
#[cold]
#[inline(never)]
pub unsafe fn host_trap(ctx: *mut u8, trap: Trap, results: *mut VMVal) -> u32 {
    // SAFETY: see the function's contract.
    let f = unsafe { &*(ctx as *const HostFunc) };
    if let Some(exn) = &trap.exception {
        if exn.store_id == f.store.id {
            // The exception may have been created by the embedder: make sure the store owns it
            // before wasm holds its exnref (idempotent for exceptions thrown in wasm).
            f.store.keep_exception(exn.clone());
            // SAFETY: the trampoline's results array always has at least one slot (see
            // `HostInvoke`); nothing else borrows it (this function's contract).
            unsafe { *results = VMVal::from_u64(exn.exnref() as u64) };
            return 2;
        }
        let trap = TrapRecord::new(format!(
            "host function returned an exception of another store ({}): exceptions cannot cross stores",
            exn.uncaught_message()
        ));
        PENDING_HOST_TRAP.with(|p| *p.borrow_mut() = Some(trap));
        return 1;
    }
    PENDING_HOST_TRAP.with(|p| *p.borrow_mut() = Some(trap));
    1
}

/// A function as the C API sees it. Canonical: a wasm function is always named by the instance
/// that defines it (never by one that imports it), so equal functions compare equal.
#[derive(Clone)]
pub enum Func {
    Wasm { instance: Arc<WasmInstance>, index: u32, entry: WasmEntry },
    Host(Arc<HostFunc>),
}

/// What a call from the host into a wasm function needs, resolved once when the function
/// handle is made rather than on every call. The `Arc` to the instance in the same `Func`
/// keeps everything these point at alive.
#[derive(Clone, Copy)]
pub struct WasmEntry {
    /// The function's type, with canonical ids (`CompiledModule::canonical_types`).
    ty: *const FuncType,
    /// The entry trampoline for the function's type.
    trampoline: EntryTrampoline,
    /// The function's `VMFuncRef` inside the instance's vmctx.
    funcref: *const VMFuncRef,
    /// The function's type flattened, when it is scalar (the fast path of `wasm_func_call`).
    pub scalar: Option<ScalarSig>,
    /// The store's stack-limit slot and the engine's wasm stack size (see `catch_traps`).
    stack_limit: *mut usize,
    max_stack: usize,
    /// Where the function's code address is read from for a call: the patchable slot of a
    /// lazily compiled function, or else `funcref.code`. Calling the slot's target directly
    /// skips the entry's jump through it (up to 1.7 ns of an empty `wasm_func_call` in tiered
    /// mode); while it is still `lazy_stub`, the call goes through the entry, which hands the
    /// stub the function's index.
    code_slot: *const std::sync::atomic::AtomicUsize,
    /// The lazy-compile stub's address for a lazily compiled function, else 0.
    lazy_stub: usize,
}

// SAFETY: the pointers refer to immutable data (the module's types, its code, the instance's
// function references, which never change after instantiation) or to a code slot accessed only
// atomically, all owned by the instance that the enclosing `Func` keeps alive; sharing them
// between threads shares only reads.
unsafe impl Send for WasmEntry {}
unsafe impl Sync for WasmEntry {}

impl WasmEntry {
    /// Calls the function with arguments in `values[..params]`; results land in
    /// `values[..results]`.
    ///
    /// # Safety
    /// The instance this entry was resolved from is alive for the call, and `values` holds the arguments (of the function's types) with room for
    /// max(params, results) slots.
    #[inline(always)]
    pub unsafe fn call(&self, values: *mut VMVal) -> Result<(), RawTrap> {
        // SAFETY: the callee's vmctx and code come from its live function reference, the
        // trampoline matches its type, `values` is as required and the stack-limit slot is the
        // live store's (this function's contract). Traps come back as `Err`.
        unsafe {
            let fr = &*self.funcref;
            signals::catch_traps(self.stack_limit, self.max_stack, self.trampoline, fr.vmctx, self.code(), values)
        }
    }

    /// The address to call: the function's current code, or its entry while it has none.
    ///
    /// # Safety
    /// The instance this entry was resolved from is alive.
    #[inline(always)]
    unsafe fn code(&self) -> *const u8 {
        // SAFETY: `code_slot` is the function's slot in its module's code region or its
        // funcref's code field, both aligned words alive with the instance (the caller's
        // obligation). Other threads only store a slot atomically (`CodeRegion::set_target`,
        // after the code it points to became executable), so the load sees the old or the new
        // target, both callable; a funcref's code field never changes after instantiation.
        let target = unsafe { (*self.code_slot).load(std::sync::atomic::Ordering::Acquire) };
        if target == self.lazy_stub {
            // SAFETY: as above.
            unsafe { (*self.funcref).code }
        } else {
            target as *const u8
        }
    }

    /// `call` through `signals::catch_traps_and_release`, borrowing from the embedder's handle
    /// at `handle`: after an `Ok` nothing borrowed from it may be used any more; after an
    /// `Err`, `signals::release_deferred` is the caller's to call.
    ///
    /// # Safety
    /// As `call`.
    #[inline(always)]
    pub unsafe fn call_and_release(&self, values: *mut VMVal, handle: *const u8) -> Result<(), RawTrap> {
        // SAFETY: as in `call`.
        unsafe {
            let fr = &*self.funcref;
            signals::catch_traps_and_release(
                self.stack_limit,
                self.max_stack,
                self.trampoline,
                fr.vmctx,
                self.code(),
                values,
                handle,
            )
        }
    }
}

impl Func {
    /// The defined function `index` of `instance`.
    pub fn wasm(instance: Arc<WasmInstance>, index: u32) -> Func {
        let module = &instance.module;
        let type_index = module.info.functions[index as usize];
        let ty = &module.canonical_types[type_index as usize];
        let funcref = instance.funcref(index);
        // SAFETY: the instance's own function reference, alive with it.
        let entry_address = unsafe { (*funcref).code } as usize;
        let (code_slot, lazy_stub) = match module.lazy.as_ref().and_then(|l| l.slot_of_entry(entry_address)) {
            Some((slot, stub)) => (slot, stub),
            // SAFETY: as above.
            None => (unsafe { std::ptr::addr_of!((*funcref).code) } as *const std::sync::atomic::AtomicUsize, 0),
        };
        let entry = WasmEntry {
            ty,
            scalar: ScalarSig::of(ty),
            trampoline: module.entry_trampoline(type_index),
            funcref,
            stack_limit: instance.store.stack_limit_slot(),
            max_stack: instance.store.engine.config().max_wasm_stack,
            code_slot,
            lazy_stub,
        };
        Func::Wasm { instance, index, entry }
    }

    pub fn funcref(&self) -> *const VMFuncRef {
        match self {
            Func::Wasm { entry, .. } => entry.funcref,
            Func::Host(h) => &h.funcref,
        }
    }

    /// The store the function belongs to.
    pub fn store(&self) -> &Store {
        match self {
            Func::Wasm { instance, .. } => &instance.store,
            Func::Host(h) => &h.store,
        }
    }

    pub fn ty(&self) -> &FuncType {
        match self {
            // SAFETY: the instance held by this Func keeps its module, and so the type, alive.
            Func::Wasm { entry, .. } => unsafe { &*entry.ty },
            Func::Host(h) => &h.ty,
        }
    }

    pub fn type_id(&self) -> u32 {
        // SAFETY: `funcref()` points into the instance or host function this Func keeps alive.
        unsafe { (*self.funcref()).type_id }
    }

    /// The canonical function behind a function reference produced by compiled code or stored
    /// in a table or global.
    ///
    /// # Safety
    /// `ptr` must be a live `VMFuncRef` (its owner is kept alive by whoever holds the pointer).
    pub unsafe fn from_funcref(ptr: *const VMFuncRef) -> Option<Func> {
        if ptr.is_null() {
            return None;
        }
        // SAFETY: a live VMFuncRef (the caller's obligation); its vmctx is either a host
        // function's context or an instance's vmctx, both starting with a magic word.
        let fr = unsafe { &*ptr };
        let magic = unsafe { *(fr.vmctx as *const u32) };
        if magic == HOST_CTX_MAGIC {
            let h = fr.vmctx as *const HostFunc;
            // SAFETY: a host function's context is the `HostFunc` inside its `Arc` (HostFunc::new
            // points the funcref at it), alive while the funcref is; we take one more count.
            return Some(Func::Host(unsafe {
                Arc::increment_strong_count(h);
                Arc::from_raw(h)
            }));
        }
        debug_assert_eq!(magic, VMCTX_MAGIC);
        // SAFETY: otherwise it is a live instance's vmctx.
        let instance = unsafe { WasmInstance::from_vmctx(fr.vmctx) };
        let index = instance.module.function_at_code(fr.code as usize)?;
        Some(Func::wasm(instance, index))
    }

    /// Calls the function with arguments in `values[..params]`; results land in
    /// `values[..results]`. The caller has checked the argument types and sized `values` to
    /// hold `max(params, results)` slots.
    pub fn call_raw(&self, values: &mut [VMVal]) -> Result<(), Trap> {
        match self {
            Func::Host(h) => (h.callback)(values),
            Func::Wasm { instance, entry, .. } => {
                // SAFETY: `entry` was resolved from this live instance (kept alive by `self`),
                // and `values` holds at least max(params, results) slots (the caller's
                // obligation above).
                let r = unsafe { entry.call(values.as_mut_ptr()) };
                r.map_err(|raw| trap_from_raw(raw, Some(instance)))
            }
        }
    }
}

/// Builds the trap object for a trap caught at an entry.
pub fn trap_from_raw(raw: RawTrap, instance: Option<&Arc<WasmInstance>>) -> Trap {
    let frames = frames_from_pcs(&raw, instance);
    if raw.kind == TrapKind::HostTrap {
        if let Some(t) = PENDING_HOST_TRAP.with(|p| p.borrow_mut().take()) {
            t.set_frames_if_unset(frames);
            return t;
        }
    }
    TrapRecord::with_frames(raw.kind.message(), frames)
}
