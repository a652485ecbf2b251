//! A compiled module: the decoded module, its machine code (shared by every instance in every
//! store of the engine) and the data instantiation needs. `Send + Sync`.

use super::code_registry::{self, Registration};
use super::engine::Engine;
use super::host_info::HostInfo;
use super::lazy::{CompilationMode, LazyCode};
use super::type_registry::TypeRef;
use crate::abi::compiled::CompiledCode;
use crate::abi::vmctx::{EntryTrampoline, VMOffsets};
use crate::decode::{self, ModuleInfo};
use crate::types::{FuncType, ValType};
use std::sync::Arc;

pub struct CompiledModule {
    pub engine: Engine,
    pub info: ModuleInfo,
    pub code: Arc<CompiledCode>,
    pub offsets: VMOffsets,
    /// Canonical type id per type index (read by compiled code through the vmctx)...
    pub type_ids: Box<[u32]>,
    /// Per type index: the function type with concrete references as canonical ids.
    pub canonical_types: Box<[FuncType]>,
    /// ... and the references that keep those ids registered while the module lives.
    _type_refs: Box<[TypeRef]>,
    /// Instances are adopted by their store's collector when function references into them may
    /// outlive the instance's handles (see `function_references_may_escape` and gc/owners.rs).
    pub pins_instances: bool,
    pub host_info: HostInfo,
    /// For lazily compiled modules: the function entries and the code compiled on demand
    /// (`code` then holds only the entry trampolines).
    pub lazy: Option<LazyCode>,
    _registration: Registration,
}

pub type Module = Arc<CompiledModule>;

impl CompiledModule {
    pub fn new(engine: &Engine, bytes: Vec<u8>) -> Result<Module, String> {
        let info = decode::decode_with(bytes, engine.config().features)?;
        if engine.config().compilation == CompilationMode::Eager {
            let code = engine.0.compiler.compile_module(&info, &engine.0.tunables, engine.config().compile_threads)?;
            return Self::from_parts(engine, info, code, None);
        }
        // Lazy and tiered: bodies were validated by decoding; only the entry trampolines are
        // compiled now, every function on its first call.
        let code = engine.0.compiler.compile_entry_trampolines(&info)?;
        let lazy = LazyCode::new(info.num_defined_funcs(), info.bytes.len(), |defined| {
            info.func_type(info.num_imported_funcs + defined as u32)
        })?;
        Self::from_parts(engine, info, code, Some(lazy))
    }

    pub fn from_parts(
        engine: &Engine,
        info: ModuleInfo,
        code: CompiledCode,
        lazy: Option<LazyCode>,
    ) -> Result<Module, String> {
        let code = Arc::new(code);
        let body_starts: Arc<[u32]> = info.bodies.iter().map(|b| b.range.start as u32).collect();
        let module_key = code.code.base() as usize;
        let registration =
            code_registry::register(code.clone(), true, body_starts, info.num_imported_funcs, module_key);
        let type_refs: Box<[TypeRef]> = TypeRef::for_module(&info.composite, &info.subtypes)?.into();
        let type_ids: Box<[u32]> = type_refs.iter().map(TypeRef::id).collect();
        let canonical_types = info.types.iter().map(|t| canonical_func_type(t, &type_ids)).collect();
        let offsets = VMOffsets::new(&info);
        let pins_instances = function_references_may_escape(&info);
        Ok(Arc::new(CompiledModule {
            engine: engine.clone(),
            info,
            code,
            offsets,
            type_ids,
            canonical_types,
            _type_refs: type_refs,
            pins_instances,
            host_info: HostInfo::default(),
            lazy,
            _registration: registration,
        }))
    }

    /// `ty` (a type of this module) with concrete references as canonical ids: the form in
    /// which types are compared with other modules' and checked against host values.
    pub fn canonical_valtype(&self, ty: ValType) -> ValType {
        canonical_valtype(ty, &self.type_ids)
    }

    /// How far compilation has got: (defined functions, compiled at either tier, optimised,
    /// function compilations done). An eager module is complete.
    pub fn compilation_stats(&self) -> (usize, usize, usize, usize) {
        let n = self.info.num_defined_funcs();
        match &self.lazy {
            Some(lazy) => (n, lazy.compiled_functions(), lazy.optimized_functions(), lazy.compilations()),
            None => (n, n, n, n),
        }
    }

    /// Bytes of compiled function code: (what runs now, what was replaced by other code but
    /// stays mapped until the module is dropped, because a frame may still run in it).
    pub fn code_bytes(&self) -> (usize, usize) {
        let eager: usize = self.code.functions.iter().map(|f| f.len as usize).sum();
        match &self.lazy {
            Some(lazy) => {
                let (live, superseded) = lazy.code_bytes();
                (eager + live, superseded)
            }
            None => (eager, 0),
        }
    }

    /// The entry trampoline for type index `type_index` (valid while this module lives).
    /// One more reference to the canonical id of type `type_index` (for objects, like tags,
    /// that may outlive the module).
    pub fn type_ref(&self, type_index: u32) -> TypeRef {
        self._type_refs[type_index as usize].clone()
    }

    pub fn entry_trampoline(&self, type_index: u32) -> EntryTrampoline {
        let offset = self.code.entry_trampolines[type_index as usize] as usize;
        // SAFETY: the compiler placed the entry trampoline of this type at `offset` in the
        // module's code (see `CompiledCode::entry_trampolines`), compiled with exactly the
        // `EntryTrampoline` signature and the host's C convention; the code is mapped
        // executable for as long as `self.code` lives.
        unsafe { std::mem::transmute::<*const u8, EntryTrampoline>(self.code.code.base().add(offset)) }
    }

    /// Address of defined function `func_index`'s code.
    pub fn function_code(&self, func_index: u32) -> usize {
        let defined = (func_index - self.info.num_imported_funcs) as usize;
        match &self.lazy {
            // Everything goes through the function's entry, whatever tier it is at.
            Some(lazy) => lazy.region.entry(defined),
            None => self.code.code.base() as usize + self.code.functions[defined].offset as usize,
        }
    }

    /// Function index of the defined function whose code starts at `addr`, if any.
    pub fn function_at_code(&self, addr: usize) -> Option<u32> {
        if let Some(lazy) = &self.lazy {
            return lazy.region.function_at_entry(addr).map(|d| self.info.num_imported_funcs + d as u32);
        }
        let base = self.code.code.base() as usize;
        if addr < base {
            return None;
        }
        let off = (addr - base) as u32;
        let i = self.code.functions.binary_search_by_key(&off, |f| f.offset).ok()?;
        Some(self.info.num_imported_funcs + i as u32)
    }
}

/// `ty` with its concrete type index (if any) replaced by the canonical id in `type_ids`.
pub fn canonical_valtype(ty: ValType, type_ids: &[u32]) -> ValType {
    // Validation guarantees the index is in range; out of range becomes an id that matches
    // nothing.
    ty.map_index(|i| type_ids.get(i as usize).copied().unwrap_or(u32::MAX))
}

fn canonical_func_type(ty: &FuncType, type_ids: &[u32]) -> FuncType {
    let map = |v: &ValType| canonical_valtype(*v, type_ids);
    FuncType::new(ty.params.iter().map(map).collect::<Vec<_>>(), ty.results.iter().map(map).collect::<Vec<_>>())
}

/// Whether function references into an instance of this module can end up somewhere that
/// outlives the instance's handles without keeping it alive. A reference into the instance can
/// only leave it through a shared table or global (one it imports or exports), or as a value
/// passed to or returned from a call — which needs a function type mentioning funcref. (Calls
/// from and to the host are safe: the host's handles keep the instance alive.) Everything else
/// stays inside the instance, whose lifetime it shares.
fn function_references_may_escape(info: &ModuleInfo) -> bool {
    use crate::decode::ImportKind;
    // Exported tables and globals are safe: whoever holds one holds its defining instance too
    // (`TableRef`/`GlobalRef`). Imported ones may be owned by someone who outlives us.
    let shared_table = info.imports.iter().any(|i| matches!(&i.kind, ImportKind::Table(t) if t.element.is_func_ref()));
    let shared_global =
        info.imports.iter().any(|i| matches!(&i.kind, ImportKind::Global(g) if g.content.is_func_ref()));
    let passed_in_calls = info.types.iter().any(|t| t.params.iter().chain(t.results.iter()).any(|v| v.is_func_ref()));
    // A struct or array can carry a function reference anywhere its own reference goes.
    let gc_objects = info.composite.iter().any(|t| t.as_func().is_none());
    shared_table || shared_global || passed_in_calls || gc_objects
}
