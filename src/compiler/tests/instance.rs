//! The compiler tests' view of an instance: modules compiled by the compiler under test and
//! instantiated and called through the real runtime (the same `instantiate` and call path as
//! the C API), so that the tests exercise one runtime, not a stand-in. Every imported function
//! is served by one host function: it returns its first argument plus 1000 when it has a result.

use super::super::*;
use crate::abi::vmctx::VMVal;
use crate::decode::{ExportKind, ImportKind};
use crate::runtime::engine::{Config, Engine};
use crate::runtime::func::{Func, HostFunc};
use crate::runtime::instance::{instantiate, Extern, WasmInstance};
use crate::runtime::lazy::CompilationMode;
use crate::runtime::module::{CompiledModule, Module};
use crate::runtime::store::{StoreHandle, StoreRoot};
use std::sync::OnceLock;

/// The host ISA, for tests that call the compiler directly.
pub fn isa() -> &'static dyn TargetIsa {
    static ISA: OnceLock<Arc<dyn TargetIsa>> = OnceLock::new();
    &**ISA.get_or_init(|| build_isa().expect("host ISA"))
}

pub const NO_CHECKS: Tunables = Tunables {
    explicit_bounds_checks: false,
    epoch_interruption: false,
    consume_fuel: false,
    tier_up: false,
    inlining: true,
};

pub struct Instance {
    pub module: Module,
    pub code: Arc<CompiledCode>,
    instance: Arc<WasmInstance>,
    pub store: StoreHandle,
}

impl Instance {
    pub fn new(wat: &str) -> Instance {
        Instance::with(wat, &NO_CHECKS, 1)
    }

    pub fn with(wat: &str, tunables: &Tunables, threads: usize) -> Instance {
        let bytes = wat::parse_str(wat).expect("valid wat");
        Instance::from_binary(bytes, tunables, threads).expect("instantiates")
    }

    /// Compiles (with `threads` compile threads) and instantiates, with every feature the
    /// compiler supports enabled.
    pub fn from_binary(bytes: Vec<u8>, tunables: &Tunables, threads: usize) -> Result<Instance, String> {
        // The tests look at the compiled code of the whole module.
        Instance::build(bytes, tunables, threads, CompilationMode::Eager)
    }

    /// A tiered module whose engine never tiers up in the background (its tier-up thread is
    /// stopped first): functions stay at the baseline tier and count their budgets exactly.
    pub fn tiered_without_tier_up(wat: &str) -> Instance {
        let bytes = wat::parse_str(wat).expect("valid wat");
        Instance::build(bytes, &NO_CHECKS, 1, CompilationMode::Tiered).expect("instantiates")
    }

    /// The tier-up budget left to defined function `defined` (tiered modules).
    pub fn tier_up_budget(&self, defined: usize) -> i32 {
        self.module.lazy.as_ref().expect("tiered module").budget(defined)
    }

    fn build(bytes: Vec<u8>, tunables: &Tunables, threads: usize, mode: CompilationMode) -> Result<Instance, String> {
        let config = Config {
            explicit_bounds_checks: tunables.explicit_bounds_checks,
            epoch_interruption: tunables.epoch_interruption,
            consume_fuel: tunables.consume_fuel,
            inlining: tunables.inlining,
            compile_threads: threads,
            compilation: mode,
            features: crate::decode::Features::WASM3,
            ..Config::default()
        };
        let engine = Engine::new(config, Arc::new(Cranelift::for_host()?))?;
        if mode == CompilationMode::Tiered {
            engine.tier_up().stop();
        }
        let store = StoreRoot::new(engine.clone());
        let module = CompiledModule::new(&engine, bytes)?;
        let mut imports = Vec::new();
        for import in &module.info.imports {
            let ImportKind::Func { type_index } = import.kind else {
                return Err(format!("test instance: unsupported import {}.{}", import.module, import.name));
            };
            let ty = module.info.types[type_index as usize].clone();
            let returns = !ty.results.is_empty();
            let host = HostFunc::new(
                &store.inner,
                ty,
                Box::new(move |values: &mut [VMVal]| {
                    if returns {
                        values[0] = VMVal::from_u32(values[0].u32().wrapping_add(1000));
                    }
                    Ok(())
                }),
                None,
            )?;
            imports.push(Some(Extern::Func(Func::Host(host))));
        }
        let instance = instantiate(&store, &module, &imports).map_err(|e| e.message())?;
        Ok(Instance { code: module.code.clone(), module, instance, store })
    }

    fn export(&self, name: &str, kind: ExportKind) -> Option<u32> {
        self.module.info.exports.iter().find(|e| e.name == name && e.kind == kind).map(|e| e.index)
    }

    /// Calls function `f` with raw argument slots; panics if it traps.
    pub fn call_index(&self, f: u32, args: &[u128]) -> Vec<u128> {
        self.try_call_index(f, args).unwrap_or_else(|message| panic!("function {f} trapped: {message}"))
    }

    /// Calls export `name`, expecting a trap; returns its message.
    pub fn trap(&self, name: &str, args: &[u128]) -> String {
        let f = self.export(name, ExportKind::Func).unwrap_or_else(|| panic!("no export {name}"));
        match self.try_call_index(f, args) {
            Ok(results) => panic!("{name} returned {results:?} instead of trapping"),
            Err(message) => message,
        }
    }

    /// Calls export `name`, expecting a trap; returns its message and its frames (function
    /// index, module offset, function offset), innermost first.
    pub fn trap_frames(&self, name: &str, args: &[u128]) -> (String, Vec<(u32, usize, usize)>) {
        let f = self.export(name, ExportKind::Func).unwrap_or_else(|| panic!("no export {name}"));
        let func = self.instance.func(f);
        let ty = func.ty().clone();
        let mut values = vec![VMVal::default(); ty.params.len().max(ty.results.len()).max(1)];
        for (slot, a) in values.iter_mut().zip(args) {
            *slot = VMVal::from_u128(*a);
        }
        match func.call_raw(&mut values) {
            Ok(()) => panic!("{name} returned instead of trapping"),
            Err(trap) => (
                trap.message.clone(),
                trap.frames().iter().map(|fr| (fr.func_index, fr.module_offset, fr.func_offset)).collect(),
            ),
        }
    }

    fn try_call_index(&self, f: u32, args: &[u128]) -> Result<Vec<u128>, String> {
        let func = self.instance.func(f);
        let ty = func.ty().clone();
        assert_eq!(ty.params.len(), args.len(), "arity of function {f}");
        let mut values = vec![VMVal::default(); ty.params.len().max(ty.results.len()).max(1)];
        for (slot, a) in values.iter_mut().zip(args) {
            *slot = VMVal::from_u128(*a);
        }
        func.call_raw(&mut values).map_err(|trap| trap.message.clone())?;
        values.truncate(ty.results.len());
        Ok(values.iter().map(|x| x.u128()).collect())
    }

    pub fn call(&self, name: &str, args: &[u128]) -> Vec<u128> {
        let f = self.export(name, ExportKind::Func).unwrap_or_else(|| panic!("no export {name}"));
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

    /// A copy of memory `i`'s current contents.
    pub fn memory(&self, i: usize) -> Vec<u8> {
        let m = &self.instance.memories[i];
        // SAFETY: no wasm code runs while the test copies the bytes.
        unsafe { m.slice_mut(0, m.byte_len() as u64) }.expect("whole memory").to_vec()
    }
}
