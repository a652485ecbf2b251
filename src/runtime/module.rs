//! A compiled module: the decoded module, its machine code (shared by every instance in every
//! store of the engine) and the data instantiation needs. `Send + Sync`.

use super::code_registry::{self, Registration};
use super::engine::Engine;
use super::host_info::HostInfo;
use super::vmctx::VMOffsets;
use crate::compiler::{self, CompiledCode};
use crate::module::{self as decode, ModuleInfo};
use crate::types::ValType;
use std::sync::Arc;

pub struct ModuleInner {
    pub engine: Engine,
    pub info: ModuleInfo,
    pub code: Arc<CompiledCode>,
    pub offsets: VMOffsets,
    /// Engine-wide type id per type index.
    pub type_ids: Box<[u32]>,
    /// Instances of modules with tables or funcref globals, or whose code uses `ref.func`, are
    /// pinned in their store, because function references into them may outlive the instance
    /// handle (see store.rs).
    pub pins_instances: bool,
    pub host_info: HostInfo,
    _registration: Registration,
}

pub type Module = Arc<ModuleInner>;

impl ModuleInner {
    pub fn new(engine: &Engine, bytes: Vec<u8>) -> Result<Module, String> {
        let info = decode::decode_with(bytes, engine.config().features)?;
        let code = compiler::compile_module(&*engine.0.isa, &info, &engine.0.tunables, engine.config().compile_threads)?;
        Ok(Self::from_parts(engine, info, code))
    }

    pub fn from_parts(engine: &Engine, info: ModuleInfo, code: CompiledCode) -> Module {
        let code = Arc::new(code);
        let body_starts: Arc<[u32]> = info.bodies.iter().map(|b| b.range.start as u32).collect();
        let registration = code_registry::register(code.clone(), true, body_starts, info.num_imported_funcs);
        let type_ids = info.types.iter().map(|t| engine.type_id(t)).collect();
        let offsets = VMOffsets::new(&info);
        let pins_instances = !info.tables.is_empty()
            || info.globals.iter().any(|g| g.content == ValType::FuncRef)
            || code_uses_ref_func(&info);
        Arc::new(ModuleInner {
            engine: engine.clone(),
            info,
            code,
            offsets,
            type_ids,
            pins_instances,
            host_info: HostInfo::default(),
            _registration: registration,
        })
    }

    /// Address of the entry trampoline for type index `type_index`.
    pub fn entry_trampoline(&self, type_index: u32) -> usize {
        self.code.code.base() as usize + self.code.entry_trampolines[type_index as usize] as usize
    }

    /// Address of defined function `func_index`'s code.
    pub fn function_code(&self, func_index: u32) -> usize {
        let defined = (func_index - self.info.num_imported_funcs) as usize;
        self.code.code.base() as usize + self.code.functions[defined].offset as usize
    }

    /// Function index of the defined function whose code starts at `addr`, if any.
    pub fn function_at_code(&self, addr: usize) -> Option<u32> {
        let base = self.code.code.base() as usize;
        if addr < base {
            return None;
        }
        let off = (addr - base) as u32;
        let i = self.code.functions.binary_search_by_key(&off, |f| f.offset).ok()?;
        Some(self.info.num_imported_funcs + i as u32)
    }
}

/// Whether a function body contains `ref.func`. Such a reference points into the instance's own
/// vmctx, and wasm code can hand it to another instance without the runtime seeing it (as an
/// argument of a call to an imported wasm function, or a result of an exported one) which may
/// store it in its table: the instance must then live as long as its store. Only functions in
/// the module's declared references can be named, so modules without any skip the scan; a body
/// that cannot be read is assumed to use `ref.func`.
fn code_uses_ref_func(info: &ModuleInfo) -> bool {
    if !info.escaping_funcs.iter().any(|e| *e) {
        return false;
    }
    info.bodies.iter().any(|b| {
        let Some(bytes) = info.bytes.get(b.range.clone()) else { return true };
        let body = wasmparser::FunctionBody::new(wasmparser::BinaryReader::new(bytes, b.range.start as u64));
        let Ok(mut ops) = body.get_operators_reader() else { return true };
        while !ops.eof() {
            match ops.read() {
                Ok(wasmparser::Operator::RefFunc { .. }) | Err(_) => return true,
                Ok(_) => {}
            }
        }
        false
    })
}
