//! Lazy and tiered compilation.
//!
//! A lazily compiled module compiles no function body in `wasm_module_new`. Every defined
//! function is reached through its entry in the module's `CodeRegion` (calls, function
//! references, tables, exports), which jumps through a patchable slot. Slots start at the
//! lazy-compile stub: the first call of a function compiles it (baseline tier), patches its
//! slot and continues into it with the original arguments. Concurrent first calls (threads
//! sharing the module) compile it once, under the module's compile lock.
//!
//! In tiered mode, baseline code counts function entries and loop iterations against a budget
//! per function; a function that uses up its budget is queued for the optimising tier, and the
//! engine's tier-up thread compiles those first (hot functions first), then the whole module
//! with the eager compiler, patching the slots as code becomes ready.
//! Replaced code stays mapped until the module is dropped (a frame may still run in it):
//! `LazyCode::code_bytes` accounts for it, and `wasmlift_module_code_bytes` reports it.

use super::code_registry::{self, Registration};
use super::instance::WasmInstance;
use super::module::CompiledModule;
use crate::abi::code_memory::CodeRegion;
use crate::abi::compiled::{CompiledCode, Tier};
use crate::types::{FuncType, ValType};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};

/// How modules are compiled (`wasmlift_config_compilation`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompilationMode {
    /// Every function with the optimising compiler before `wasm_module_new` returns.
    Eager,
    /// Each function at the baseline tier on its first call; never recompiled.
    Lazy,
    /// Baseline on first call, then the optimising tier in the background.
    Tiered,
}

impl CompilationMode {
    /// Tiered where this build supports it (start-up like a browser, optimised code soon after:
    /// see README "Compilation modes"), eager elsewhere.
    pub fn default_mode() -> CompilationMode {
        if CompilationMode::Tiered.supported() {
            CompilationMode::Tiered
        } else {
            CompilationMode::Eager
        }
    }

    /// Whether this build can compile lazily (the entries are x86-64 code).
    pub fn supported(self) -> bool {
        self == CompilationMode::Eager || cfg!(all(target_arch = "x86_64", target_os = "linux"))
    }
}

const NOT_COMPILED: u8 = 0;
const BASELINE: u8 = 1;
const OPTIMIZED: u8 = 2;

/// The lazily compiled part of a module.
pub struct LazyCode {
    /// Code compiled so far, kept alive (and registered with the trap handler) with the module.
    /// Declared before `region` so that it is dropped first: the functions are unregistered
    /// before the region holding their code is unmapped. The other way round, another thread
    /// could map a new module's region at the freed addresses and register a function there,
    /// which a late unregistration would then remove: the signal handler would no longer know
    /// its trap sites and a wasm trap would kill the process.
    compiled: Mutex<Vec<(Arc<CompiledCode>, Option<Registration>)>>,
    pub region: CodeRegion,
    /// Per defined function: NOT_COMPILED, BASELINE or OPTIMIZED.
    tiers: Box<[AtomicU8]>,
    /// Held while compiling into the region or patching slots.
    compile_lock: Mutex<()>,
    /// Set once the whole module is at the optimising tier.
    complete: AtomicBool,
    /// Set once the whole-module tier-up has been queued.
    tiered_queued: AtomicBool,
    /// Function compilations done so far (either tier; the whole-module compile counts each
    /// function it compiled).
    compilations: std::sync::atomic::AtomicUsize,
    /// Tier-up budgets, one per defined function, counted down by baseline code (read and
    /// written by compiled code through `VMContextHeader::tiering_budgets`).
    budgets: Box<[std::sync::atomic::AtomicI32]>,
    /// Per defined function: bytes of the machine code its entry points at now (0 before its
    /// first compile).
    live_len: Box<[AtomicU32]>,
    /// Bytes of code no entry points at any more: baseline code replaced by optimised code,
    /// and whole-module copies of functions that were already optimised one by one.
    superseded: AtomicUsize,
}

/// Function entries plus loop iterations of baseline code before a function is queued for the
/// optimising tier.
pub const TIER_UP_BUDGET: i32 = 10_000;

impl LazyCode {
    /// For a function entry of this module at `address`: its slot, and the value the slot holds
    /// while the function is not compiled (see `WasmEntry::code`).
    pub fn slot_of_entry(&self, address: usize) -> Option<(*const AtomicUsize, usize)> {
        let defined = self.region.function_at_entry(address)?;
        Some((self.region.slot_address(defined), lazy_stub_address()))
    }

    /// A region for `num_defined` functions; `wasm_bytes` sizes the code part; `ty(defined)`
    /// is each function's type.
    pub fn new<'a>(
        num_defined: usize,
        wasm_bytes: usize,
        ty: impl Fn(usize) -> &'a FuncType,
    ) -> Result<LazyCode, String> {
        // Baseline code is a few times larger than the wasm, and every function takes whole
        // pages: reserve generously (address space only).
        let capacity = (64 << 20) + wasm_bytes.saturating_mul(16) + num_defined.saturating_mul(8192);
        Ok(LazyCode {
            region: CodeRegion::new(num_defined, capacity, lazy_stub_address(), |defined| {
                defined as u32 | if uses_return_area(ty(defined)) { RETURN_AREA_TAG } else { 0 }
            })?,
            tiers: (0..num_defined).map(|_| AtomicU8::new(NOT_COMPILED)).collect(),
            compiled: Mutex::new(Vec::new()),
            compile_lock: Mutex::new(()),
            complete: AtomicBool::new(false),
            tiered_queued: AtomicBool::new(false),
            compilations: std::sync::atomic::AtomicUsize::new(0),
            budgets: (0..num_defined).map(|_| std::sync::atomic::AtomicI32::new(TIER_UP_BUDGET)).collect(),
            live_len: (0..num_defined).map(|_| AtomicU32::new(0)).collect(),
            superseded: AtomicUsize::new(0),
        })
    }

    /// The budgets array compiled code counts down (see `budgets`).
    pub fn budgets_ptr(&self) -> *mut i32 {
        // `AtomicI32` has the layout of `i32`; compiled code accesses the elements with plain
        // loads and stores (a racy count is fine: it only decides when to ask for tier-up).
        self.budgets.as_ptr() as *mut i32
    }

    /// The tier-up budget defined function `defined` has left.
    pub fn budget(&self, defined: usize) -> i32 {
        self.budgets[defined].load(Ordering::Relaxed)
    }

    /// How many defined functions have been compiled at either tier.
    pub fn compiled_functions(&self) -> usize {
        self.tiers.iter().filter(|t| t.load(Ordering::Relaxed) != NOT_COMPILED).count()
    }

    /// How many defined functions run optimised code.
    pub fn optimized_functions(&self) -> usize {
        self.tiers.iter().filter(|t| t.load(Ordering::Relaxed) == OPTIMIZED).count()
    }

    /// Function compilations done so far (a function compiled twice by mistake would count
    /// twice: tests use this to check that concurrent first calls compile once).
    pub fn compilations(&self) -> usize {
        self.compilations.load(Ordering::Relaxed)
    }

    /// Bytes of function code compiled on demand so far: (what the entries point at now, what
    /// was replaced but stays mapped until the module is dropped).
    pub fn code_bytes(&self) -> (usize, usize) {
        let live = self.live_len.iter().map(|l| l.load(Ordering::Relaxed) as usize).sum();
        (live, self.superseded.load(Ordering::Relaxed))
    }

    /// Records that `defined` now runs `len` bytes of code; the code it ran before is superseded.
    fn replace_code(&self, defined: usize, len: u32) {
        let old = self.live_len[defined].swap(len, Ordering::Relaxed);
        self.superseded.fetch_add(old as usize, Ordering::Relaxed);
    }

    fn keep(&self, code: Arc<CompiledCode>, registration: Option<Registration>) {
        self.compiled.lock().unwrap_or_else(|e| e.into_inner()).push((code, registration));
    }
}

impl CompiledModule {
    /// Compiles defined function `defined` of a lazily compiled module if it is not compiled
    /// yet, and returns the address its entry jumps to now.
    pub fn compile_on_first_call(self: &Arc<Self>, defined: usize) -> Result<usize, String> {
        let lazy = self.lazy.as_ref().ok_or("the module is not lazily compiled")?;
        let _guard = lazy.compile_lock.lock().unwrap_or_else(|e| e.into_inner());
        if lazy.tiers[defined].load(Ordering::Acquire) != NOT_COMPILED {
            return Ok(lazy.region.target(defined));
        }
        let address = self.compile_one(defined, Tier::Baseline)?;
        lazy.tiers[defined].store(BASELINE, Ordering::Release);
        if self.engine.config().compilation == CompilationMode::Tiered
            && !lazy.tiered_queued.swap(true, Ordering::AcqRel)
        {
            // The module is in use: compile all of it at the optimising tier in the background
            // (after any function that runs out of its budget meanwhile).
            self.engine.tier_up().enqueue(Arc::downgrade(self), None);
        }
        Ok(address)
    }

    /// A function of this (tiered) module used up its tier-up budget: refill it and queue the
    /// function for the optimising tier, ahead of the whole-module compile.
    pub fn hot(self: &Arc<Self>, defined: usize) {
        let Some(lazy) = &self.lazy else { return };
        // Refilled to the maximum: one request per function is enough.
        lazy.budgets[defined].store(i32::MAX, Ordering::Relaxed);
        if lazy.tiers[defined].load(Ordering::Acquire) != OPTIMIZED {
            self.engine.tier_up().enqueue(Arc::downgrade(self), Some(defined));
        }
    }

    /// Compiles one function into the region at `tier`, registers it and patches its slot.
    /// The caller holds the compile lock.
    fn compile_one(&self, defined: usize, tier: Tier) -> Result<usize, String> {
        let lazy = self.lazy.as_ref().expect("lazy module");
        let func_index = self.info.num_imported_funcs + defined as u32;
        let code = self.engine.0.compiler.compile_function(
            &self.info,
            func_index,
            &self.engine.0.tunables,
            tier,
            &lazy.region,
        )?;
        let code = Arc::new(code);
        let body_start: Arc<[u32]> = Arc::from(vec![self.info.bodies[defined].range.start as u32]);
        let registration =
            code_registry::register(code.clone(), true, body_start, func_index, self.code.code.base() as usize);
        let address = code.code.base() as usize + code.functions[0].offset as usize;
        lazy.region.set_target(defined, address);
        lazy.replace_code(defined, code.functions[0].len);
        lazy.keep(code, Some(registration));
        lazy.compilations.fetch_add(1, Ordering::Relaxed);
        Ok(address)
    }

    /// Tier-up of one function (from the tier-up thread): optimised code replaces the baseline.
    fn optimize_one(&self, defined: usize) -> Result<(), String> {
        let lazy = self.lazy.as_ref().expect("lazy module");
        let _guard = lazy.compile_lock.lock().unwrap_or_else(|e| e.into_inner());
        if lazy.tiers[defined].load(Ordering::Acquire) == OPTIMIZED {
            return Ok(());
        }
        self.compile_one(defined, Tier::Optimized)?;
        lazy.tiers[defined].store(OPTIMIZED, Ordering::Release);
        Ok(())
    }

    /// Compiles the whole module with the eager compiler and points every entry at it. Gives
    /// up when `cancelled()` says so (the engine is stopping, or nobody else holds the module).
    fn optimize_all(&self, cancelled: &(dyn Fn() -> bool + Sync)) -> Result<(), String> {
        let lazy = self.lazy.as_ref().expect("lazy module");
        if lazy.complete.load(Ordering::Acquire) {
            return Ok(());
        }
        let engine = &self.engine.0;
        let code = engine.compiler.compile_module_unless(
            &self.info,
            &engine.tunables,
            engine.config.compile_threads,
            cancelled,
        )?;
        let code = Arc::new(code);
        let body_starts: Arc<[u32]> = self.info.bodies.iter().map(|b| b.range.start as u32).collect();
        let registration = code_registry::register(
            code.clone(),
            true,
            body_starts,
            self.info.num_imported_funcs,
            self.code.code.base() as usize,
        );
        let _guard = lazy.compile_lock.lock().unwrap_or_else(|e| e.into_inner());
        for (defined, f) in code.functions.iter().enumerate() {
            if lazy.tiers[defined].load(Ordering::Acquire) != OPTIMIZED {
                lazy.region.set_target(defined, code.code.base() as usize + f.offset as usize);
                lazy.replace_code(defined, f.len);
                lazy.tiers[defined].store(OPTIMIZED, Ordering::Release);
            } else {
                // Already optimised on its own: this copy is never used.
                lazy.superseded.fetch_add(f.len as usize, Ordering::Relaxed);
            }
        }
        lazy.compilations.fetch_add(code.functions.len(), Ordering::Relaxed);
        lazy.keep(code, Some(registration));
        lazy.complete.store(true, Ordering::Release);
        Ok(())
    }

    /// Waits until the tier-up thread has brought every function of this (tiered) module to the
    /// optimising tier. Returns at once for other modules.
    pub fn wait_for_tier_up(self: &Arc<Self>) {
        if let Some(lazy) = &self.lazy {
            if self.engine.config().compilation == CompilationMode::Tiered {
                // The whole-module compile is queued by the first call of a function; a module
                // none of whose functions ran yet has none, and would be waited for forever.
                if !lazy.tiered_queued.swap(true, Ordering::AcqRel) {
                    self.engine.tier_up().enqueue(Arc::downgrade(self), None);
                }
                self.engine.tier_up().wait_until(|| lazy.complete.load(Ordering::Acquire));
            }
        }
    }
}

// ---- The tier-up thread --------------------------------------------------------------------

/// Work for the engine's tier-up thread: functions to optimise (first called first), then
/// whole modules. Stops when the engine is dropped.
pub struct TierUp {
    /// Set by `stop`: running compilations give up at the next function.
    stopping: AtomicBool,
    state: Mutex<TierUpState>,
    wake: Condvar,
    /// Notified whenever a job finishes (for `wait_until`).
    progress: Condvar,
}

struct TierUpState {
    functions: VecDeque<(Weak<CompiledModule>, usize)>,
    modules: VecDeque<Weak<CompiledModule>>,
    stop: bool,
    started: bool,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TierUp {
    pub fn new() -> Arc<TierUp> {
        Arc::new(TierUp {
            stopping: AtomicBool::new(false),
            state: Mutex::new(TierUpState {
                functions: VecDeque::new(),
                modules: VecDeque::new(),
                stop: false,
                started: false,
                thread: None,
            }),
            wake: Condvar::new(),
            progress: Condvar::new(),
        })
    }

    /// Queues `defined` of `module` for the optimising tier (or, with `None`, the whole module
    /// once the functions before it are done).
    pub fn enqueue(self: &Arc<Self>, module: Weak<CompiledModule>, defined: Option<usize>) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if st.stop {
            return;
        }
        match defined {
            Some(d) => st.functions.push_back((module, d)),
            None => st.modules.push_back(module),
        }
        if !st.started {
            st.started = true;
            let me = Arc::downgrade(self);
            let spawned = std::thread::Builder::new().name("wasmlift-tier-up".into()).spawn(move || worker(me));
            match spawned {
                Ok(handle) => st.thread = Some(handle),
                // No thread: functions stay at the baseline tier (correct, only slower).
                Err(_) => st.stop = true,
            }
        }
        self.wake.notify_one();
    }

    /// Blocks until `done()` holds, rechecking whenever a job finishes.
    pub fn wait_until(&self, done: impl Fn() -> bool) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while !done() && !st.stop {
            st = self
                .progress
                .wait_timeout(st, std::time::Duration::from_millis(50))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Stops the thread after its current job and waits for it (not from the thread itself).
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::Release);
        let handle = {
            let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
            st.stop = true;
            st.functions.clear();
            st.modules.clear();
            self.wake.notify_all();
            self.progress.notify_all();
            st.thread.take()
        };
        if let Some(handle) = handle {
            if handle.thread().id() != std::thread::current().id() {
                let _ = handle.join();
            }
        }
    }
}

fn worker(tier_up: Weak<TierUp>) {
    loop {
        let Some(t) = tier_up.upgrade() else { return };
        let job = {
            let mut st = t.state.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if st.stop {
                    return;
                }
                if let Some((m, d)) = st.functions.pop_front() {
                    break (m, Some(d));
                }
                if let Some(m) = st.modules.pop_front() {
                    break (m, None);
                }
                st = t.wake.wait(st).unwrap_or_else(|e| e.into_inner());
            }
        };
        drop(t);
        // A module deleted meanwhile is skipped; one alive is kept alive for the job.
        if let Some(module) = job.0.upgrade() {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match job.1 {
                Some(defined) => module.optimize_one(defined),
                None => {
                    let stopping = tier_up.upgrade();
                    let cancelled = || {
                        stopping.as_ref().is_none_or(|t| t.stopping.load(Ordering::Acquire))
                            || Arc::strong_count(&module) == 1
                    };
                    module.optimize_all(&cancelled)
                }
            }));
            // A failed tier-up leaves the baseline code in place: still correct.
            let _ = result;
            drop(module);
        }
        if let Some(t) = tier_up.upgrade() {
            let _st = t.state.lock().unwrap_or_else(|e| e.into_inner());
            t.progress.notify_all();
        }
    }
}

// ---- The lazy-compile stub -----------------------------------------------------------------

/// Set in an entry's r11d value when the function returns through a return area: Cranelift then
/// passes the return-area pointer as the first argument (rdi) and the vmctx second (rsi).
const RETURN_AREA_TAG: u32 = 1 << 31;

/// Whether wasm functions of type `ty` return through a return area in the engine's calling
/// convention (Cranelift's `tail` on x86-64 returns up to 8 integer/reference values in rax,
/// rcx, rdx, rsi, rdi, r8, r9, r10 and up to 8 float/vector values in xmm0-xmm7; any more
/// and every result goes through memory, with the pointer as an extra first argument).
fn uses_return_area(ty: &FuncType) -> bool {
    let vector = ty.results.iter().filter(|t| matches!(t, ValType::F32 | ValType::F64 | ValType::V128)).count();
    vector > 8 || ty.results.len() - vector > 8
}

/// Called by the stub with the function's first two arguments and the value from its entry
/// (the function index, and RETURN_AREA_TAG when the vmctx is the second argument): compiles
/// the function (if another thread has not) and returns the code to continue in. A failure
/// cannot be returned to the wasm caller: it becomes a trap at the entry's call.
extern "C" fn lazy_compile(first: *mut u8, entry_value: u32, second: *mut u8) -> usize {
    let (vmctx, func_index) = if entry_value & RETURN_AREA_TAG != 0 {
        (second, entry_value & !RETURN_AREA_TAG)
    } else {
        (first, entry_value)
    };
    // SAFETY: the stub is only reached through an entry of a live instance's module, called
    // with that instance's vmctx as its first argument, or its second after the return-area
    // pointer (the wasm calling convention; the entry's tag says which).
    let instance = unsafe { WasmInstance::borrow_vmctx(vmctx) };
    let module = &instance.module;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let defined = func_index as usize;
        module.compile_on_first_call(defined).map_err(|e| {
            format!("compiling function {} failed: {e}", module.info.num_imported_funcs as usize + defined)
        })
    }));
    let message = match result {
        Ok(Ok(address)) => return address,
        Ok(Err(message)) => message,
        Err(_) => "compiling a function panicked".to_string(),
    };
    super::func::set_pending_trap(message);
    // Continue in code that traps with HOST_TRAP whatever the arguments: the pending trap then
    // reaches the caller of the wasm call.
    module.engine.trap_stub()
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
std::arch::global_asm!(
    ".pushsection .text.wasmlift_lazy_stub,\"ax\",@progbits",
    ".p2align 4",
    ".globl wasmlift_lazy_stub",
    ".hidden wasmlift_lazy_stub",
    ".type wasmlift_lazy_stub,@function",
    // Entered by a jump from a function's entry, in place of the function: the wasm arguments
    // are in rdi (the callee's vmctx, or the return-area pointer), rsi, rdx, rcx, r8, r9,
    // xmm0-xmm7 and on the stack; r11 holds the entry's value (the defined function's index
    // and RETURN_AREA_TAG). Saves the argument registers, calls lazy_compile(rdi, r11d, rsi)
    // and jumps to the code it returns with everything as the caller left it.
    "wasmlift_lazy_stub:",
    "push rbp",
    "mov rbp, rsp",
    "push rdi",
    "push rsi",
    "push rdx",
    "push rcx",
    "push r8",
    "push r9",
    "sub rsp, 128",
    "movdqu [rsp], xmm0",
    "movdqu [rsp + 16], xmm1",
    "movdqu [rsp + 32], xmm2",
    "movdqu [rsp + 48], xmm3",
    "movdqu [rsp + 64], xmm4",
    "movdqu [rsp + 80], xmm5",
    "movdqu [rsp + 96], xmm6",
    "movdqu [rsp + 112], xmm7",
    "mov rdx, rsi",
    "mov esi, r11d",
    "call {compile}",
    "movdqu xmm0, [rsp]",
    "movdqu xmm1, [rsp + 16]",
    "movdqu xmm2, [rsp + 32]",
    "movdqu xmm3, [rsp + 48]",
    "movdqu xmm4, [rsp + 64]",
    "movdqu xmm5, [rsp + 80]",
    "movdqu xmm6, [rsp + 96]",
    "movdqu xmm7, [rsp + 112]",
    "add rsp, 128",
    "pop r9",
    "pop r8",
    "pop rcx",
    "pop rdx",
    "pop rsi",
    "pop rdi",
    "pop rbp",
    "jmp rax",
    ".size wasmlift_lazy_stub, . - wasmlift_lazy_stub",
    ".popsection",
    compile = sym lazy_compile,
);

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
fn lazy_stub_address() -> usize {
    extern "C" {
        fn wasmlift_lazy_stub();
    }
    wasmlift_lazy_stub as *const () as usize
}

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
fn lazy_stub_address() -> usize {
    unreachable!("lazy compilation is only enabled on x86-64 Linux (CompilationMode::supported)")
}
