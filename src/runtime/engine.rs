//! The engine: compilation settings, the target ISA, the serialization key and the cache of
//! host-call trampolines. Canonical function type ids are process-wide (see type_registry.rs).

use super::code_registry;
use super::lazy::{CompilationMode, TierUp};
use super::type_hash::TypeHashState;
use crate::abi::compiled::{CompiledCode, Compiler, Tunables};
use crate::types::{FuncType, ValType};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

/// Default engine ceiling on a memory's size: 16 GiB, beyond the 4 GiB every 32-bit memory may
/// reach, for memory64 memories (each reserves address space for its maximum).
pub const DEFAULT_MAX_MEMORY_PAGES: u64 = 1 << 18;

/// Engine configuration (`wasm_config_t`).
#[derive(Clone, Debug)]
pub struct Config {
    /// Use explicit bounds checks instead of guard pages for linear memories.
    pub explicit_bounds_checks: bool,
    /// Bytes of native stack wasm may use below the outermost host → wasm entry.
    pub max_wasm_stack: usize,
    /// Threads used to compile a module; 0 means every available core.
    pub compile_threads: usize,
    /// Engine-wide ceiling on the size of any linear memory, in 64 KiB pages (32-bit memories
    /// stop at 65536 pages whatever it says; memory64 memories reserve address space up to it).
    pub max_memory_pages: u64,
    /// Proposals enabled beyond WebAssembly 2.0.
    pub features: crate::decode::Features,
    /// Key authenticating serialized modules; `None` gives each engine a random key of its own.
    pub serialize_key: Option<[u8; 32]>,
    /// Compile epoch checks into function entries and loop headers (see `Engine::epoch`).
    pub epoch_interruption: bool,
    /// Count executed operators against each store's fuel (see `StoreState::set_fuel`).
    pub consume_fuel: bool,
    /// Eager, lazy or tiered compilation of module bodies (see lazy.rs).
    pub compilation: CompilationMode,
    /// Ask the kernel for transparent huge pages for linear memories (see runtime/memory.rs).
    pub huge_pages: bool,
    /// Inline small direct callees in optimized code (see compiler/inline.rs).
    pub inlining: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            explicit_bounds_checks: false,
            max_wasm_stack: 1 << 20,
            compile_threads: 0,
            max_memory_pages: DEFAULT_MAX_MEMORY_PAGES,
            features: Default::default(),
            serialize_key: None,
            epoch_interruption: false,
            consume_fuel: false,
            compilation: CompilationMode::default_mode(),
            huge_pages: false,
            inlining: true,
        }
    }
}

pub struct EngineState {
    pub config: Config,
    /// The code generator modules and host trampolines are compiled with.
    pub compiler: Arc<dyn Compiler>,
    pub tunables: Tunables,
    /// The key of the MAC on serialized modules (see serialize.rs).
    pub serialize_key: [u8; 32],
    /// The epoch: advanced by the embedder (any thread, or a signal handler), compared by
    /// compiled code with its store's deadline. Boxed so its address is stable.
    pub epoch: Box<std::sync::atomic::AtomicU64>,
    /// Host-call trampolines by function type, held weakly: a trampoline lives as long as a
    /// host function of its type, so types that come and go do not accumulate code.
    host_trampolines: Mutex<HashMap<FuncType, Weak<HostTrampoline>, TypeHashState>>,
    /// The most recently used trampolines, kept alive so that host functions of one type
    /// created and deleted in turn do not compile it every time; bounded, so types that come
    /// and go still release their code.
    recent_trampolines: Mutex<std::collections::VecDeque<Arc<HostTrampoline>>>,
    /// The background tier-up thread's queue (used in tiered mode; the thread starts with the
    /// first job and stops with the engine).
    tier_up: Arc<TierUp>,
    /// Where a failed lazy compile sends its call (compiled with the engine in lazy and tiered
    /// modes, so that the failure path itself cannot fail).
    trap_stub: Option<(Arc<CompiledCode>, code_registry::Registration)>,
}

impl Drop for EngineState {
    fn drop(&mut self) {
        self.tier_up.stop();
    }
}

/// How many recently used host trampolines an engine keeps alive beyond their users.
const RECENT_TRAMPOLINES: usize = 32;

/// The compiled wasm → host trampoline for one function type, registered with the trap
/// handler (for its HOST_TRAP site) for as long as it lives.
pub struct HostTrampoline {
    pub code: Arc<CompiledCode>,
    _registration: code_registry::Registration,
}

impl HostTrampoline {
    /// Address of the trampoline's first instruction.
    pub fn entry(&self) -> usize {
        self.code.code.base() as usize + self.code.functions[0].offset as usize
    }
}

/// A shared handle to an engine; cheap to clone, `Send + Sync`.
#[derive(Clone)]
pub struct Engine(pub Arc<EngineState>);

impl Engine {
    pub fn new(config: Config, compiler: Arc<dyn Compiler>) -> Result<Engine, String> {
        if !config.compilation.supported() {
            return Err(format!("{:?} compilation is not supported on this platform", config.compilation));
        }
        let trap_stub = if config.compilation == CompilationMode::Eager {
            None
        } else {
            let code = Arc::new(compiler.compile_trap_stub()?);
            let registration = code_registry::register(code.clone(), false, Arc::from(Vec::new()), 0, 0);
            Some((code, registration))
        };
        let tunables = Tunables {
            explicit_bounds_checks: config.explicit_bounds_checks,
            epoch_interruption: config.epoch_interruption,
            consume_fuel: config.consume_fuel,
            tier_up: config.compilation == CompilationMode::Tiered,
            inlining: config.inlining,
        };
        let serialize_key = match config.serialize_key {
            Some(key) => key,
            None => random_key()?,
        };
        Ok(Engine(Arc::new(EngineState {
            config,
            compiler,
            tunables,
            serialize_key,
            epoch: Box::new(std::sync::atomic::AtomicU64::new(0)),
            host_trampolines: Mutex::new(HashMap::default()),
            recent_trampolines: Mutex::new(std::collections::VecDeque::new()),
            tier_up: TierUp::new(),
            trap_stub,
        })))
    }

    pub fn config(&self) -> &Config {
        &self.0.config
    }

    /// Advances the epoch (any thread, or a signal handler: one atomic add).
    pub fn increment_epoch(&self) {
        self.0.epoch.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether two handles name the same engine.
    pub fn same(&self, other: &Engine) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The tier-up queue.
    pub fn tier_up(&self) -> &Arc<TierUp> {
        &self.0.tier_up
    }

    /// Address of the trap stub (lazy and tiered engines only).
    pub fn trap_stub(&self) -> usize {
        let (code, _) = self.0.trap_stub.as_ref().expect("lazy engines compile the trap stub");
        code.code.base() as usize + code.functions[0].offset as usize
    }

    /// The wasm → host trampoline for functions of type `ty`: shared by all live host
    /// functions of that type (and of every type passed the same way, see
    /// `host_trampoline_shape`), compiled again once they are all gone.
    pub fn host_trampoline(&self, ty: &FuncType) -> Result<Arc<HostTrampoline>, String> {
        // The map holds each trampoline under its shape and under every exact type that asked
        // for it, so the common case (a type seen before) finds it without computing the shape.
        let shape = {
            let mut cache = self.0.host_trampolines.lock().unwrap();
            if let Some(t) = cache.get(ty).and_then(Weak::upgrade) {
                return Ok(t);
            }
            let shape = host_trampoline_shape(ty);
            if let Some(t) = cache.get(&shape).and_then(Weak::upgrade) {
                cache.insert(ty.clone(), Arc::downgrade(&t));
                return Ok(t);
            }
            shape
        };
        let trampoline = self.compile_host_trampoline(&shape)?;
        if shape != *ty {
            self.0.host_trampolines.lock().unwrap().insert(ty.clone(), Arc::downgrade(&trampoline));
        }
        let mut recent = self.0.recent_trampolines.lock().unwrap();
        if recent.len() == RECENT_TRAMPOLINES {
            recent.pop_front();
        }
        recent.push_back(trampoline.clone());
        Ok(trampoline)
    }

    fn compile_host_trampoline(&self, ty: &FuncType) -> Result<Arc<HostTrampoline>, String> {
        let code = Arc::new(self.0.compiler.compile_host_trampoline(ty, super::exception::rethrow_stub_address())?);
        let mut cache = self.0.host_trampolines.lock().unwrap();
        if let Some(t) = cache.get(ty).and_then(Weak::upgrade) {
            return Ok(t); // another thread compiled it meanwhile
        }
        // Forget the types no host function uses any more (amortised: the map at most doubles
        // between sweeps).
        if cache.len() >= 64 && cache.len().is_power_of_two() {
            cache.retain(|_, t| t.strong_count() > 0);
        }
        // Registered so the signal handler recognises the trampoline's HOST_TRAP site.
        let registration = code_registry::register(code.clone(), false, Arc::from(Vec::new()), 0, 0);
        let trampoline = Arc::new(HostTrampoline { code, _registration: registration });
        cache.insert(ty.clone(), Arc::downgrade(&trampoline));
        Ok(trampoline)
    }
}

/// The type whose host trampoline serves functions of type `ty`: parameters of type i32
/// widened to i64 and f32 to f64. On x86-64 the two of each pair travel identically in the
/// engine's calling convention (the same register class and sequence, 8-byte stack slots), and
/// a host trampoline only stores whole parameter registers into 16-byte slots, whose low bytes
/// are what the runtime reads for the narrow types (`VMVal`). So one compiled trampoline serves
/// every type of the same shape, and a module importing functions of many types (Go's are all
/// i32/i64) needs few compiles in `wasm_func_new`. Results keep their exact type: the
/// trampoline then loads exactly the bytes a C callback stored for them (a wider load of a
/// narrower store just made waits for the store to retire: `capi::func::invoke_scalar`
/// leaves the callback's values in place). Elsewhere: `ty` itself.
pub fn host_trampoline_shape(ty: &FuncType) -> FuncType {
    if !cfg!(target_arch = "x86_64") {
        return ty.clone();
    }
    let widen = |t: &ValType| match t {
        ValType::I32 => ValType::I64,
        ValType::F32 => ValType::F64,
        other => *other,
    };
    FuncType { params: ty.params.iter().map(widen).collect(), results: ty.results.clone() }
}

/// 32 bytes from the kernel's random number generator.
fn random_key() -> Result<[u8; 32], String> {
    let mut key = [0u8; 32];
    let mut filled = 0;
    while filled < key.len() {
        // SAFETY: the pointer and length describe the unfilled tail of `key`.
        let n = unsafe { libc::getrandom(key[filled..].as_mut_ptr() as *mut libc::c_void, key.len() - filled, 0) };
        if n < 0 {
            if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            return Err("cannot read random bytes for the engine's serialization key".into());
        }
        filled += n as usize;
    }
    Ok(key)
}
