//! The decoded, validated module: everything the compiler and the instantiator need, read once
//! from the binary with wasmparser.

use crate::types::*;
use std::ops::Range;
use wasmparser::{Parser, Payload, Validator, WasmFeatures};

/// One operation of a constant expression (globals, segment offsets, element items).
#[derive(Clone, Debug, PartialEq)]
pub enum ConstOp {
    I32Const(i32),
    I64Const(i64),
    F32Const(u32),
    F64Const(u64),
    V128Const(u128),
    GlobalGet(u32),
    RefNull(ValType),
    RefFunc(u32),
    /// `ref.i31`: the i32 on top becomes an i31ref.
    RefI31,
    /// `struct.new $t`: the fields' values on the stack, in order.
    StructNew(u32),
    StructNewDefault(u32),
    /// `array.new $t`: an initial value and a length.
    ArrayNew(u32),
    /// `array.new_default $t`: a length.
    ArrayNewDefault(u32),
    /// `array.new_fixed $t n`: n values.
    ArrayNewFixed(u32, u32),
    AnyConvertExtern,
    ExternConvertAny,
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConstExpr(pub Vec<ConstOp>);

#[derive(Clone, Debug)]
pub struct Import {
    pub module: String,
    pub name: String,
    pub kind: ImportKind,
}

/// What an import provides, by index into the module's index spaces.
#[derive(Clone, Debug)]
pub enum ImportKind {
    Func {
        type_index: u32,
    },
    Global(GlobalType),
    Table(TableType),
    Memory(MemoryType),
    /// An exception tag whose payload has the parameters of type `type_index`.
    Tag {
        type_index: u32,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    Func,
    Global,
    Table,
    Memory,
    Tag,
}

#[derive(Clone, Debug)]
pub struct Export {
    pub name: String,
    pub kind: ExportKind,
    pub index: u32,
}

#[derive(Clone, Debug)]
pub enum ElementItems {
    Funcs(Vec<u32>),
    Exprs(Vec<ConstExpr>),
}

#[derive(Clone, Debug)]
pub enum ElementMode {
    Passive,
    Active { table: u32, offset: ConstExpr },
    Declared,
}

#[derive(Clone, Debug)]
pub struct Element {
    pub ty: ValType,
    pub mode: ElementMode,
    pub items: ElementItems,
}

impl Element {
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len(&self) -> usize {
        match &self.items {
            ElementItems::Funcs(f) => f.len(),
            ElementItems::Exprs(e) => e.len(),
        }
    }
}

#[derive(Clone, Debug)]
pub enum DataMode {
    Passive,
    Active { memory: u32, offset: ConstExpr },
}

#[derive(Clone, Debug)]
pub struct Data {
    pub mode: DataMode,
    /// Byte range of the payload inside `ModuleInfo::bytes`.
    pub range: Range<usize>,
}

/// A function body: its byte range inside `ModuleInfo::bytes` (locals and operators included).
#[derive(Clone, Debug)]
pub struct FunctionBody {
    pub range: Range<usize>,
}

/// Where a type sits in the WebAssembly 3.0 type system: its recursive group and its declared
/// supertype. Type identity is structural over whole rec groups (see `runtime::type_registry`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubTypeInfo {
    /// `final` types have no subtypes (the default for `(type (func ...))`).
    pub is_final: bool,
    /// The declared supertype, a module type index (always of an earlier type).
    pub supertype: Option<u32>,
    /// The rec group: its first type index and how many types it holds.
    pub group_start: u32,
    pub group_len: u32,
}

/// A decoded and validated module.
#[derive(Debug)]
pub struct ModuleInfo {
    /// The original binary; function bodies and data segments point into it.
    pub bytes: Vec<u8>,
    /// The signature of every function type, by type index. Struct and array types have an
    /// empty signature here (validated code only asks this list about function types); their
    /// definitions are in `composite`.
    pub types: Vec<FuncType>,
    /// Every defined type, by type index.
    pub composite: Vec<CompositeType>,
    /// Per type index: its rec group and supertype.
    pub subtypes: Vec<SubTypeInfo>,
    pub imports: Vec<Import>,
    /// Type index of every function, imported ones first.
    pub functions: Vec<u32>,
    pub num_imported_funcs: u32,
    pub tables: Vec<TableType>,
    pub num_imported_tables: u32,
    /// Initialisers of the defined tables (index `i` is table `num_imported_tables + i`).
    pub table_inits: Vec<Option<ConstExpr>>,
    pub memories: Vec<MemoryType>,
    pub num_imported_memories: u32,
    pub globals: Vec<GlobalType>,
    pub num_imported_globals: u32,
    /// Initialisers of the defined globals.
    pub global_inits: Vec<ConstExpr>,
    pub exports: Vec<Export>,
    pub start: Option<u32>,
    pub elements: Vec<Element>,
    pub data: Vec<Data>,
    /// Type index of every exception tag, imported ones first.
    pub tags: Vec<u32>,
    pub num_imported_tags: u32,
    pub bodies: Vec<FunctionBody>,
    /// Names from the `name` section, when present (for traces).
    pub func_names: std::collections::HashMap<u32, String>,
}

impl ModuleInfo {
    /// Converts a wasmparser value type of this module (concrete heap types get the variant of
    /// the type they name); `None` for shared heap types.
    pub fn valtype(&self, ty: wasmparser::ValType) -> Option<ValType> {
        Some(resolve_val(ValType::from_wasmparser(ty)?, &self.composite))
    }

    /// The fields of struct type `type_index` (a validated index of a struct type).
    pub fn struct_fields(&self, type_index: u32) -> &[FieldType] {
        match &self.composite[type_index as usize] {
            CompositeType::Struct(f) => f,
            other => panic!("type {type_index} is not a struct type: {other}"),
        }
    }

    /// The element type of array type `type_index` (a validated index of an array type).
    pub fn array_element(&self, type_index: u32) -> FieldType {
        match &self.composite[type_index as usize] {
            CompositeType::Array(e) => *e,
            other => panic!("type {type_index} is not an array type: {other}"),
        }
    }

    pub fn num_defined_funcs(&self) -> usize {
        self.functions.len() - self.num_imported_funcs as usize
    }
    pub fn func_type(&self, func_index: u32) -> &FuncType {
        &self.types[self.functions[func_index as usize] as usize]
    }
    /// The payload type of tag `tag_index` (a function type without results).
    pub fn tag_type(&self, tag_index: u32) -> &FuncType {
        &self.types[self.tags[tag_index as usize] as usize]
    }
    pub fn import_extern_type(&self, import: &Import) -> ExternType {
        match &import.kind {
            ImportKind::Func { type_index } => ExternType::Func(self.types[*type_index as usize].clone()),
            ImportKind::Global(g) => ExternType::Global(*g),
            ImportKind::Table(t) => ExternType::Table(*t),
            ImportKind::Memory(m) => ExternType::Memory(*m),
            ImportKind::Tag { type_index } => ExternType::Tag(self.types[*type_index as usize].clone()),
        }
    }
    pub fn export_extern_type(&self, export: &Export) -> ExternType {
        let i = export.index as usize;
        match export.kind {
            ExportKind::Func => ExternType::Func(self.func_type(export.index).clone()),
            ExportKind::Global => ExternType::Global(self.globals[i]),
            ExportKind::Table => ExternType::Table(self.tables[i]),
            ExportKind::Memory => ExternType::Memory(self.memories[i]),
            ExportKind::Tag => ExternType::Tag(self.tag_type(export.index).clone()),
        }
    }
}

/// The WebAssembly proposals an engine accepts beyond 2.0. `Default` is the 3.0 feature set as
/// far as the engine implements it; `Features::WASM2` is exactly 2.0 (hosts that must reject
/// newer modules). Each proposal can also be switched on its own (`wasmlift_config_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    /// Several memories per module.
    pub multi_memory: bool,
    /// `return_call`, `return_call_indirect` (and `return_call_ref` with typed references).
    pub tail_call: bool,
    /// `global.get`, `i32/i64.add/sub/mul` in constant expressions.
    pub extended_const: bool,
    /// i64-indexed memories and tables.
    pub memory64: bool,
    /// Typed function references: `(ref $t)`, `call_ref`, `br_on_null`, ...
    pub function_references: bool,
    /// Exception handling with `exnref`: tags, `throw`, `throw_ref`, `try_table`.
    pub exceptions: bool,
    /// Relaxed SIMD instructions.
    pub relaxed_simd: bool,
    /// Garbage-collected structs, arrays and i31 references.
    pub gc: bool,
}

impl Features {
    /// Exactly WebAssembly 2.0.
    pub const WASM2: Features = Features {
        multi_memory: false,
        tail_call: false,
        extended_const: false,
        memory64: false,
        function_references: false,
        exceptions: false,
        relaxed_simd: false,
        gc: false,
    };

    /// WebAssembly 3.0 as far as this engine implements it: the default. Proposals not yet
    /// implemented stay off here, so their modules fail validation with a clear message.
    pub const WASM3: Features = Features {
        multi_memory: true,
        tail_call: true,
        extended_const: true,
        memory64: true,
        function_references: true,
        exceptions: true,
        relaxed_simd: true,
        gc: true,
    };

    /// Whether modules may use the 3.0 type system (rec groups, `sub`) while GC is off.
    /// wasmparser only accepts those with its GC feature, so such modules are validated a second
    /// time with it (see `decode_impl`), and then rejected if they use anything of GC proper.
    fn type_system_needs_gc_validator(self) -> bool {
        self.function_references && !self.gc
    }

    pub fn to_wasmparser(self) -> WasmFeatures {
        let mut f = WasmFeatures::WASM2;
        let switches = [
            (self.multi_memory, WasmFeatures::MULTI_MEMORY),
            (self.tail_call, WasmFeatures::TAIL_CALL),
            (self.extended_const, WasmFeatures::EXTENDED_CONST),
            (self.memory64, WasmFeatures::MEMORY64),
            (self.function_references, WasmFeatures::FUNCTION_REFERENCES),
            (self.exceptions, WasmFeatures::EXCEPTIONS),
            (self.relaxed_simd, WasmFeatures::RELAXED_SIMD),
            (self.gc, WasmFeatures::GC | WasmFeatures::FUNCTION_REFERENCES),
        ];
        for (on, feature) in switches {
            if on {
                f |= feature;
            }
        }
        f
    }
}

impl Default for Features {
    fn default() -> Features {
        Features::WASM3
    }
}

/// Validates a binary (the default feature set) without building anything.
pub fn validate(bytes: &[u8]) -> Result<(), String> {
    validate_with(bytes, Features::default())
}

/// Validates a binary with the given features enabled.
pub fn validate_with(bytes: &[u8], features: Features) -> Result<(), String> {
    let mut validator = Validator::new_with_features(features.to_wasmparser());
    let first = match validator.validate_all(bytes) {
        Ok(_) => return Ok(()),
        Err(e) => format_error(&e),
    };
    // As `decode_impl` does: the 3.0 type system without GC, which wasmparser gates behind GC.
    if features.type_system_needs_gc_validator() && decode_with(bytes.to_vec(), features).is_ok() {
        return Ok(());
    }
    Err(first)
}

fn format_error(e: &wasmparser::BinaryReaderError) -> String {
    format!("{} (at offset 0x{:x})", e.message(), e.offset())
}

fn unsupported(what: &str) -> String {
    format!("unsupported: {what}")
}

/// Gives a concrete heap type the variant of the type it names (`types` has every type up to
/// the index: validation checked it).
fn resolve_heap(h: HeapType, types: &[CompositeType]) -> HeapType {
    match h {
        HeapType::Concrete(i) => match types.get(i as usize) {
            Some(t) => t.heap_type(i),
            None => h,
        },
        other => other,
    }
}

fn resolve_val(v: ValType, types: &[CompositeType]) -> ValType {
    match v {
        ValType::Ref(r) => ValType::Ref(RefType { nullable: r.nullable, heap: resolve_heap(r.heap, types) }),
        other => other,
    }
}

fn valtype(ty: wasmparser::ValType, types: &[CompositeType]) -> Result<ValType, String> {
    let v = ValType::from_wasmparser(ty).ok_or_else(|| unsupported(&format!("value type {ty}")))?;
    Ok(resolve_val(v, types))
}

fn reftype(ty: wasmparser::RefType, types: &[CompositeType]) -> Result<ValType, String> {
    valtype(wasmparser::ValType::Ref(ty), types)
}

fn storage_type(ty: wasmparser::StorageType, types: &[CompositeType]) -> Result<StorageType, String> {
    Ok(match ty {
        wasmparser::StorageType::I8 => StorageType::I8,
        wasmparser::StorageType::I16 => StorageType::I16,
        wasmparser::StorageType::Val(v) => StorageType::Val(valtype(v, types)?),
    })
}

fn field_type(f: wasmparser::FieldType, types: &[CompositeType]) -> Result<FieldType, String> {
    Ok(FieldType { storage: storage_type(f.element_type, types)?, mutable: f.mutable })
}

fn limits(initial: u64, maximum: Option<u64>) -> Limits {
    Limits { min: initial, max: maximum }
}

fn table_type(t: &wasmparser::TableType, types: &[CompositeType]) -> Result<TableType, String> {
    Ok(TableType { element: reftype(t.element_type, types)?, limits: limits(t.initial, t.maximum), table64: t.table64 })
}

fn memory_type(m: &wasmparser::MemoryType) -> Result<MemoryType, String> {
    if m.page_size_log2.is_some() {
        return Err(unsupported("custom page sizes"));
    }
    Ok(MemoryType { limits: limits(m.initial, m.maximum), memory64: m.memory64, shared: m.shared })
}

fn global_type(g: &wasmparser::GlobalType, types: &[CompositeType]) -> Result<GlobalType, String> {
    Ok(GlobalType { content: valtype(g.content_type, types)?, mutable: g.mutable })
}

/// Decodes a constant expression; `types` resolves the heap type of `ref.null`.
pub fn const_expr(expr: &wasmparser::ConstExpr, types: &[CompositeType]) -> Result<ConstExpr, String> {
    use wasmparser::Operator as O;
    let mut ops = Vec::new();
    let mut reader = expr.get_operators_reader();
    while !reader.eof() {
        let op = reader.read().map_err(|e| format_error(&e))?;
        ops.push(match op {
            O::I32Const { value } => ConstOp::I32Const(value),
            O::I64Const { value } => ConstOp::I64Const(value),
            O::F32Const { value } => ConstOp::F32Const(value.bits()),
            O::F64Const { value } => ConstOp::F64Const(value.bits()),
            O::V128Const { value } => ConstOp::V128Const(u128::from_le_bytes(*value.bytes())),
            O::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
            O::RefNull { hty } => {
                ConstOp::RefNull(reftype(wasmparser::RefType::new(true, hty).ok_or("bad ref type")?, types)?)
            }
            O::RefFunc { function_index } => ConstOp::RefFunc(function_index),
            O::RefI31 => ConstOp::RefI31,
            O::StructNew { struct_type_index } => ConstOp::StructNew(struct_type_index),
            O::StructNewDefault { struct_type_index } => ConstOp::StructNewDefault(struct_type_index),
            O::ArrayNew { array_type_index } => ConstOp::ArrayNew(array_type_index),
            O::ArrayNewDefault { array_type_index } => ConstOp::ArrayNewDefault(array_type_index),
            O::ArrayNewFixed { array_type_index, array_size } => ConstOp::ArrayNewFixed(array_type_index, array_size),
            O::AnyConvertExtern => ConstOp::AnyConvertExtern,
            O::ExternConvertAny => ConstOp::ExternConvertAny,
            O::I32Add => ConstOp::I32Add,
            O::I32Sub => ConstOp::I32Sub,
            O::I32Mul => ConstOp::I32Mul,
            O::I64Add => ConstOp::I64Add,
            O::I64Sub => ConstOp::I64Sub,
            O::I64Mul => ConstOp::I64Mul,
            O::End => break,
            other => return Err(unsupported(&format!("constant expression operator {other:?}"))),
        });
    }
    Ok(ConstExpr(ops))
}

/// Decodes and fully validates a binary (the default feature set).
pub fn decode(bytes: Vec<u8>) -> Result<ModuleInfo, String> {
    decode_impl(bytes, Features::default(), true)
}

/// Decodes and fully validates a binary with the given features enabled.
pub fn decode_with(bytes: Vec<u8>, features: Features) -> Result<ModuleInfo, String> {
    decode_impl(bytes, features, true)
}

/// Decodes a binary this engine validated before (a deserialized module whose checksum matched):
/// the module structure is validated again, function bodies are not.
pub fn decode_trusted(bytes: Vec<u8>, features: Features) -> Result<ModuleInfo, String> {
    decode_impl(bytes, features, false)
}

/// Decodes with `features`. Typed function references come with the 3.0 type system (rec groups,
/// declared subtypes), which wasmparser validates only with its GC feature on: a module that
/// fails without it is validated again with it and accepted when it then uses nothing of GC
/// proper (struct/array types, GC heap types and instructions; see `reject_gc_constructs`).
/// When the first pass failed only for want of wasmparser's GC feature, the second pass's error
/// is the real one; otherwise the first pass's error stands.
fn decode_impl(bytes: Vec<u8>, features: Features, validate_bodies: bool) -> Result<ModuleInfo, String> {
    let first = match decode_pass(&bytes, features.to_wasmparser(), validate_bodies) {
        Ok(m) => return Ok(ModuleInfo { bytes, ..m }),
        Err(e) => e,
    };
    if !features.type_system_needs_gc_validator() {
        return Err(first);
    }
    let second = decode_pass(&bytes, features.to_wasmparser() | WasmFeatures::GC, validate_bodies)
        .and_then(|m| reject_gc_constructs(&bytes, &m).map(|()| m));
    match second {
        Ok(m) => Ok(ModuleInfo { bytes, ..m }),
        Err(second) if mentions_gc_feature(&first) => Err(second),
        Err(_) => Err(first),
    }
}

/// Whether a wasmparser error says that a GC feature was missing (its wordings vary).
fn mentions_gc_feature(e: &str) -> bool {
    ["gc proposal", "`gc` proposal", "gc feature", "requires gc"].iter().any(|w| e.contains(w))
}

macro_rules! define_is_gc_operator {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        /// Whether `op` belongs to the GC proposal (struct, array, i31, casts, `ref.eq`, ...).
        fn is_gc_operator(op: &wasmparser::Operator) -> bool {
            match op {
                $( wasmparser::Operator::$op { .. } => stringify!($proposal) == "gc", )*
                #[allow(unreachable_patterns)]
                _ => false,
            }
        }
    };
}
wasmparser::for_each_operator!(define_is_gc_operator);

/// Whether a value type names the internal (GC) hierarchy: any, eq, i31, struct, array, none
/// or a defined struct/array type.
fn is_gc_valtype(v: ValType) -> bool {
    matches!(v, ValType::Ref(r) if r.heap.is_any())
}

/// Fails when a module (validated with wasmparser's GC feature on, for the 3.0 type system while
/// GC is switched off) uses GC proper: a struct or array type, a GC heap type anywhere (types,
/// imports, tables, globals, elements, locals, block types, `select`, `ref.null`) or a GC
/// instruction.
fn reject_gc_constructs(bytes: &[u8], m: &ModuleInfo) -> Result<(), String> {
    use wasmparser::Operator as O;
    let needs_gc = |what: String| Err(unsupported(&format!("{what} needs the `gc` proposal (switched off)")));
    for (i, t) in m.composite.iter().enumerate() {
        match t {
            CompositeType::Func(f) if !f.params.iter().chain(f.results.iter()).any(|v| is_gc_valtype(*v)) => {}
            other => return needs_gc(format!("type {i} ({other})")),
        }
    }
    let module_types = m
        .globals
        .iter()
        .map(|g| g.content)
        .chain(m.tables.iter().map(|t| t.element))
        .chain(m.elements.iter().map(|e| e.ty));
    for v in module_types {
        if is_gc_valtype(v) {
            return needs_gc(format!("value type {v}"));
        }
    }
    let exprs =
        m.global_inits.iter().chain(m.table_inits.iter().flatten()).chain(m.elements.iter().flat_map(
            |e| match &e.items {
                ElementItems::Exprs(x) => x.as_slice(),
                ElementItems::Funcs(_) => &[],
            },
        ));
    for e in exprs {
        for op in &e.0 {
            let gc = match op {
                ConstOp::RefNull(v) => is_gc_valtype(*v),
                ConstOp::RefI31
                | ConstOp::StructNew(_)
                | ConstOp::StructNewDefault(_)
                | ConstOp::ArrayNew(_)
                | ConstOp::ArrayNewDefault(_)
                | ConstOp::ArrayNewFixed(..)
                | ConstOp::AnyConvertExtern
                | ConstOp::ExternConvertAny => true,
                _ => false,
            };
            if gc {
                return needs_gc(format!("constant expression operator {op:?}"));
            }
        }
    }
    let gc_type = |t: wasmparser::ValType| m.valtype(t).is_none_or(is_gc_valtype);
    for body in &m.bodies {
        let reader = wasmparser::BinaryReader::new(&bytes[body.range.clone()], body.range.start as u64);
        let body = wasmparser::FunctionBody::new(reader);
        for local in body.get_locals_reader().map_err(|e| format_error(&e))? {
            let (_, ty) = local.map_err(|e| format_error(&e))?;
            if gc_type(ty) {
                return needs_gc(format!("local type {ty}"));
            }
        }
        let mut ops = body.get_operators_reader().map_err(|e| format_error(&e))?;
        while !ops.eof() {
            let op = ops.read().map_err(|e| format_error(&e))?;
            if is_gc_operator(&op) {
                return needs_gc(format!("instruction {op:?}"));
            }
            let gc = match &op {
                O::RefNull { hty } => {
                    gc_type(wasmparser::ValType::Ref(wasmparser::RefType::new(true, *hty).ok_or("bad ref type")?))
                }
                O::TypedSelect { ty } => gc_type(*ty),
                O::TypedSelectMulti { tys } => tys.iter().any(|t| gc_type(*t)),
                O::Block { blockty } | O::Loop { blockty } | O::If { blockty } => match blockty {
                    wasmparser::BlockType::Type(t) => gc_type(*t),
                    _ => false,
                },
                O::TryTable { try_table } => match try_table.ty {
                    wasmparser::BlockType::Type(t) => gc_type(t),
                    _ => false,
                },
                _ => false,
            };
            if gc {
                return needs_gc(format!("a GC heap type in {op:?}"));
            }
        }
    }
    Ok(())
}

/// One decoding pass over `bytes` with wasmparser features `wp_features` (`bytes` in the result
/// is left empty: `decode_impl` moves the binary in).
fn decode_pass(bytes: &[u8], wp_features: WasmFeatures, validate_bodies: bool) -> Result<ModuleInfo, String> {
    let mut validator = Validator::new_with_features(wp_features);
    let mut m = ModuleInfo {
        bytes: Vec::new(),
        types: Vec::new(),
        composite: Vec::new(),
        subtypes: Vec::new(),
        imports: Vec::new(),
        functions: Vec::new(),
        num_imported_funcs: 0,
        tables: Vec::new(),
        num_imported_tables: 0,
        table_inits: Vec::new(),
        memories: Vec::new(),
        num_imported_memories: 0,
        globals: Vec::new(),
        num_imported_globals: 0,
        global_inits: Vec::new(),
        exports: Vec::new(),
        start: None,
        elements: Vec::new(),
        data: Vec::new(),
        tags: Vec::new(),
        num_imported_tags: 0,
        bodies: Vec::new(),
        func_names: Default::default(),
    };
    let base = bytes.as_ptr() as usize;
    let range_of = |s: &[u8]| {
        let start = s.as_ptr() as usize - base;
        start..start + s.len()
    };
    let mut pending_bodies = Vec::new();
    // The parser must know the enabled features too: with its default (all features) it reads
    // 32-bit limits as memory64 LEBs and accepts overlong encodings the spec calls malformed.
    let mut parser = Parser::new(0);
    parser.set_features(wp_features);
    for payload in parser.parse_all(bytes) {
        let payload = payload.map_err(|e| format_error(&e))?;
        if let wasmparser::ValidPayload::Func(to_validate, _) =
            validator.payload(&payload).map_err(|e| format_error(&e))?
        {
            pending_bodies.push(to_validate);
        }
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader {
                    let group = group.map_err(|e| format_error(&e))?;
                    let group_start = m.types.len() as u32;
                    let group_len = group.types().len() as u32;
                    let subs: Vec<wasmparser::SubType> = group.into_types().collect();
                    // References inside the group may point forward: every member's kind is
                    // known before any member's fields are converted.
                    let mut kinds = m.composite.clone();
                    for sub in &subs {
                        kinds.push(match &sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(_) => {
                                CompositeType::Func(FuncType::new(vec![], vec![]))
                            }
                            wasmparser::CompositeInnerType::Struct(_) => CompositeType::Struct(Box::new([])),
                            wasmparser::CompositeInnerType::Array(_) => {
                                CompositeType::Array(FieldType { storage: StorageType::I8, mutable: false })
                            }
                            _ => return Err(unsupported("continuation types")),
                        });
                    }
                    for sub in subs {
                        let supertype = match sub.supertype_idxs.as_slice() {
                            [] => None,
                            [one] => Some(one.as_module_index().ok_or("bad supertype index")?),
                            _ => return Err(unsupported("several supertypes")),
                        };
                        if sub.composite_type.shared {
                            return Err(unsupported("shared types"));
                        }
                        m.subtypes.push(SubTypeInfo { is_final: sub.is_final, supertype, group_start, group_len });
                        let composite = match &sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(f) => {
                                let params =
                                    f.params().iter().map(|t| valtype(*t, &kinds)).collect::<Result<Vec<_>, _>>()?;
                                let results =
                                    f.results().iter().map(|t| valtype(*t, &kinds)).collect::<Result<Vec<_>, _>>()?;
                                CompositeType::Func(FuncType::new(params, results))
                            }
                            wasmparser::CompositeInnerType::Struct(st) => CompositeType::Struct(
                                st.fields.iter().map(|f| field_type(*f, &kinds)).collect::<Result<_, _>>()?,
                            ),
                            wasmparser::CompositeInnerType::Array(at) => {
                                CompositeType::Array(field_type(at.0, &kinds)?)
                            }
                            _ => return Err(unsupported("continuation types")),
                        };
                        m.types.push(composite.as_func().cloned().unwrap_or_else(|| FuncType::new(vec![], vec![])));
                        m.composite.push(composite);
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(|e| format_error(&e))?;
                    let kind = match import.ty {
                        wasmparser::TypeRef::Func(type_index) => {
                            m.functions.push(type_index);
                            m.num_imported_funcs += 1;
                            ImportKind::Func { type_index }
                        }
                        wasmparser::TypeRef::Table(t) => {
                            let t = table_type(&t, &m.composite)?;
                            m.tables.push(t);
                            m.num_imported_tables += 1;
                            ImportKind::Table(t)
                        }
                        wasmparser::TypeRef::Memory(mt) => {
                            let mt = memory_type(&mt)?;
                            m.memories.push(mt);
                            m.num_imported_memories += 1;
                            ImportKind::Memory(mt)
                        }
                        wasmparser::TypeRef::Global(g) => {
                            let g = global_type(&g, &m.composite)?;
                            m.globals.push(g);
                            m.num_imported_globals += 1;
                            ImportKind::Global(g)
                        }
                        wasmparser::TypeRef::Tag(t) => {
                            m.tags.push(t.func_type_idx);
                            m.num_imported_tags += 1;
                            ImportKind::Tag { type_index: t.func_type_idx }
                        }
                        _ => return Err(unsupported("import kind")),
                    };
                    m.imports.push(Import { module: import.module.to_string(), name: import.name.to_string(), kind });
                }
            }
            Payload::FunctionSection(reader) => {
                for f in reader {
                    m.functions.push(f.map_err(|e| format_error(&e))?);
                }
            }
            Payload::TableSection(reader) => {
                for t in reader {
                    let t = t.map_err(|e| format_error(&e))?;
                    m.tables.push(table_type(&t.ty, &m.composite)?);
                    m.table_inits.push(match &t.init {
                        wasmparser::TableInit::RefNull => None,
                        wasmparser::TableInit::Expr(e) => Some(const_expr(e, &m.composite)?),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                for mem in reader {
                    m.memories.push(memory_type(&mem.map_err(|e| format_error(&e))?)?);
                }
            }
            Payload::GlobalSection(reader) => {
                for g in reader {
                    let g = g.map_err(|e| format_error(&e))?;
                    m.globals.push(global_type(&g.ty, &m.composite)?);
                    let init = const_expr(&g.init_expr, &m.composite)?;
                    m.global_inits.push(init);
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader {
                    let e = e.map_err(|e| format_error(&e))?;
                    let kind = match e.kind {
                        wasmparser::ExternalKind::Func => ExportKind::Func,
                        wasmparser::ExternalKind::Global => ExportKind::Global,
                        wasmparser::ExternalKind::Table => ExportKind::Table,
                        wasmparser::ExternalKind::Memory => ExportKind::Memory,
                        wasmparser::ExternalKind::Tag => ExportKind::Tag,
                        _ => return Err(unsupported("export kind")),
                    };
                    m.exports.push(Export { name: e.name.to_string(), kind, index: e.index });
                }
            }
            Payload::TagSection(reader) => {
                for t in reader {
                    m.tags.push(t.map_err(|e| format_error(&e))?.func_type_idx);
                }
            }
            Payload::StartSection { func, .. } => m.start = Some(func),
            Payload::ElementSection(reader) => {
                for e in reader {
                    let e = e.map_err(|e| format_error(&e))?;
                    let (ty, items) = match e.items {
                        wasmparser::ElementItems::Functions(funcs) => {
                            let funcs =
                                funcs.into_iter().collect::<Result<Vec<u32>, _>>().map_err(|e| format_error(&e))?;
                            (ValType::FUNCREF, ElementItems::Funcs(funcs))
                        }
                        wasmparser::ElementItems::Expressions(rt, exprs) => {
                            let mut out = Vec::new();
                            for expr in exprs {
                                let expr = const_expr(&expr.map_err(|e| format_error(&e))?, &m.composite)?;
                                out.push(expr);
                            }
                            (reftype(rt, &m.composite)?, ElementItems::Exprs(out))
                        }
                    };
                    let mode = match e.kind {
                        wasmparser::ElementKind::Passive => ElementMode::Passive,
                        wasmparser::ElementKind::Declared => ElementMode::Declared,
                        wasmparser::ElementKind::Active { table_index, offset_expr } => ElementMode::Active {
                            table: table_index.unwrap_or(0),
                            offset: const_expr(&offset_expr, &m.composite)?,
                        },
                    };
                    m.elements.push(Element { ty, mode, items });
                }
            }
            Payload::DataSection(reader) => {
                for d in reader {
                    let d = d.map_err(|e| format_error(&e))?;
                    let mode = match d.kind {
                        wasmparser::DataKind::Passive => DataMode::Passive,
                        wasmparser::DataKind::Active { memory_index, offset_expr } => {
                            DataMode::Active { memory: memory_index, offset: const_expr(&offset_expr, &m.composite)? }
                        }
                    };
                    m.data.push(Data { mode, range: range_of(d.data) });
                }
            }
            Payload::CodeSectionStart { .. } => {}
            Payload::CodeSectionEntry(body) => {
                let r = body.range();
                m.bodies.push(FunctionBody { range: r.start as usize..r.end as usize });
            }
            Payload::CustomSection(c) => {
                if let wasmparser::KnownCustom::Name(names) = c.as_known() {
                    for name in names.into_iter().flatten() {
                        if let wasmparser::Name::Function(map) = name {
                            for n in map.into_iter().flatten() {
                                m.func_names.insert(n.index, n.name.to_string());
                            }
                        }
                    }
                }
            }
            Payload::End(_) => {}
            _ => {}
        }
    }
    if validate_bodies {
        validate_bodies_in_parallel(bytes, &m.bodies, pending_bodies)?;
    }
    Ok(m)
}

/// Function bodies are independent once the module header is validated, so they are checked on
/// all cores; the first error in body order is reported, as a serial validator would.
fn validate_bodies_in_parallel(
    bytes: &[u8],
    bodies: &[FunctionBody],
    pending: Vec<wasmparser::FuncToValidate<wasmparser::ValidatorResources>>,
) -> Result<(), String> {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(pending.len().max(1));
    let jobs: Vec<_> = pending.into_iter().zip(bodies.iter()).enumerate().collect();
    let total = jobs.len();
    let queue = std::sync::Mutex::new(jobs.into_iter());
    let first_error: std::sync::Mutex<Option<(usize, String)>> = std::sync::Mutex::new(None);
    let validate_one = |index: usize, func: wasmparser::FuncToValidate<_>, body: &FunctionBody, allocs| {
        let reader = wasmparser::BinaryReader::new(&bytes[body.range.clone()], body.range.start as u64);
        let fbody = wasmparser::FunctionBody::new(reader);
        let mut v = func.into_validator(allocs);
        let r = v.validate(&fbody).map_err(|e| format_error(&e));
        (r.map_err(|e| (index, e)), v.into_allocations())
    };
    if threads <= 1 || total < 16 {
        let mut allocs = Default::default();
        for (i, (func, body)) in queue.into_inner().unwrap() {
            let (r, a) = validate_one(i, func, body, allocs);
            allocs = a;
            r.map_err(|(_, e)| e)?;
        }
        return Ok(());
    }
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut allocs = Default::default();
                loop {
                    let next = queue.lock().unwrap().next();
                    let Some((i, (func, body))) = next else { break };
                    let (r, a) = validate_one(i, func, body, allocs);
                    allocs = a;
                    if let Err((i, e)) = r {
                        let mut slot = first_error.lock().unwrap();
                        if slot.as_ref().is_none_or(|(j, _)| i < *j) {
                            *slot = Some((i, e));
                        }
                    }
                }
            });
        }
    });
    match first_error.into_inner().unwrap() {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}
