//! Core WebAssembly types shared by the decoder, the compiler, the runtime and the C API.

use std::fmt;

/// A type index as written in a module (its position in the type section). Where types cross
/// module boundaries, the runtime maps these to engine-wide canonical ids (`type_registry`).
pub type TypeIndex = u32;

/// The heap type a reference points to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeapType {
    /// Any function (the top of the function hierarchy).
    Func,
    /// Any host reference (the top of the extern hierarchy).
    Extern,
    /// Any exception (the top of the exception hierarchy).
    Exn,
    /// No function: the bottom of the function hierarchy (only null has this type).
    NoFunc,
    /// No host reference: the bottom of the extern hierarchy.
    NoExtern,
    /// No exception: the bottom of the exception hierarchy.
    NoExn,
    /// A defined type. Until GC, every defined type is a function type, so a concrete heap type
    /// belongs to the function hierarchy.
    Concrete(TypeIndex),
}

impl HeapType {
    /// Whether values of this heap type are function references (top, bottom or concrete).
    pub fn is_func(self) -> bool {
        matches!(self, HeapType::Func | HeapType::NoFunc | HeapType::Concrete(_))
    }

    /// Whether values of this heap type are host (extern) references.
    pub fn is_extern(self) -> bool {
        matches!(self, HeapType::Extern | HeapType::NoExtern)
    }

    /// Whether values of this heap type are exception references.
    pub fn is_exn(self) -> bool {
        matches!(self, HeapType::Exn | HeapType::NoExn)
    }
}

/// A reference type: a heap type and whether null is a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RefType {
    pub nullable: bool,
    pub heap: HeapType,
}

impl RefType {
    /// `funcref`, i.e. `(ref null func)`.
    pub const FUNCREF: RefType = RefType { nullable: true, heap: HeapType::Func };
    /// `externref`, i.e. `(ref null extern)`.
    pub const EXTERNREF: RefType = RefType { nullable: true, heap: HeapType::Extern };
    /// `exnref`, i.e. `(ref null exn)`.
    pub const EXNREF: RefType = RefType { nullable: true, heap: HeapType::Exn };

    /// Whether values of this type are function references.
    pub fn is_func(self) -> bool {
        self.heap.is_func()
    }

    /// Whether values of this type are host (extern) references.
    pub fn is_extern(self) -> bool {
        self.heap.is_extern()
    }
}

/// A value type as the engine sees it (the C API's `wasm_valkind_t` has no v128; see `capi`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    Ref(RefType),
}

impl ValType {
    pub const FUNCREF: ValType = ValType::Ref(RefType::FUNCREF);
    pub const EXTERNREF: ValType = ValType::Ref(RefType::EXTERNREF);
    pub const EXNREF: ValType = ValType::Ref(RefType::EXNREF);

    pub fn is_ref(self) -> bool {
        matches!(self, ValType::Ref(_))
    }

    /// Whether this is a reference type whose values are function references.
    pub fn is_func_ref(self) -> bool {
        matches!(self, ValType::Ref(r) if r.is_func())
    }

    /// Whether this is a reference type whose values are host (extern) references.
    pub fn is_extern_ref(self) -> bool {
        matches!(self, ValType::Ref(r) if r.is_extern())
    }

    /// Converts from wasmparser; `None` for types the engine does not support (GC and shared
    /// heap types). Concrete heap types keep the module's type index.
    pub fn from_wasmparser(ty: wasmparser::ValType) -> Option<ValType> {
        use wasmparser::ValType as W;
        Some(match ty {
            W::I32 => ValType::I32,
            W::I64 => ValType::I64,
            W::F32 => ValType::F32,
            W::F64 => ValType::F64,
            W::V128 => ValType::V128,
            W::Ref(r) => ValType::Ref(RefType::from_wasmparser(r)?),
        })
    }
}

impl RefType {
    /// Converts from wasmparser; `None` for GC and shared heap types.
    pub fn from_wasmparser(r: wasmparser::RefType) -> Option<RefType> {
        Some(RefType { nullable: r.is_nullable(), heap: HeapType::from_wasmparser(r.heap_type())? })
    }
}

impl HeapType {
    /// Converts from wasmparser; `None` for GC and shared heap types.
    pub fn from_wasmparser(h: wasmparser::HeapType) -> Option<HeapType> {
        use wasmparser::AbstractHeapType as A;
        Some(match h {
            wasmparser::HeapType::Abstract { shared: false, ty } => match ty {
                A::Func => HeapType::Func,
                A::Extern => HeapType::Extern,
                A::Exn => HeapType::Exn,
                A::NoFunc => HeapType::NoFunc,
                A::NoExtern => HeapType::NoExtern,
                A::NoExn => HeapType::NoExn,
                _ => return None,
            },
            wasmparser::HeapType::Concrete(i) => HeapType::Concrete(i.as_module_index()?),
            _ => return None,
        })
    }
}

impl fmt::Display for HeapType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeapType::Func => f.write_str("func"),
            HeapType::Extern => f.write_str("extern"),
            HeapType::Exn => f.write_str("exn"),
            HeapType::NoFunc => f.write_str("nofunc"),
            HeapType::NoExtern => f.write_str("noextern"),
            HeapType::NoExn => f.write_str("noexn"),
            HeapType::Concrete(i) => write!(f, "{i}"),
        }
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.nullable, self.heap) {
            (true, HeapType::Func) => f.write_str("funcref"),
            (true, HeapType::Extern) => f.write_str("externref"),
            (true, HeapType::Exn) => f.write_str("exnref"),
            (true, h) => write!(f, "(ref null {h})"),
            (false, h) => write!(f, "(ref {h})"),
        }
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValType::I32 => f.write_str("i32"),
            ValType::I64 => f.write_str("i64"),
            ValType::F32 => f.write_str("f32"),
            ValType::F64 => f.write_str("f64"),
            ValType::V128 => f.write_str("v128"),
            ValType::Ref(r) => r.fmt(f),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FuncType {
    pub params: Box<[ValType]>,
    pub results: Box<[ValType]>,
}

impl FuncType {
    pub fn new(params: impl Into<Box<[ValType]>>, results: impl Into<Box<[ValType]>>) -> FuncType {
        FuncType { params: params.into(), results: results.into() }
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "func(")?;
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                write!(f, " ")?;
            }
            write!(f, "{p}")?;
        }
        write!(f, ") -> (")?;
        for (i, r) in self.results.iter().enumerate() {
            if i > 0 {
                write!(f, " ")?;
            }
            write!(f, "{r}")?;
        }
        write!(f, ")")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalType {
    pub content: ValType,
    pub mutable: bool,
}

impl fmt::Display for GlobalType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mutable {
            write!(f, "global(mut {})", self.content)
        } else {
            write!(f, "global({})", self.content)
        }
    }
}

/// Limits in units of the entity (pages for memories, elements for tables).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    pub min: u64,
    pub max: Option<u64>,
}

impl Limits {
    /// The spec's import subtyping: `self` (what is provided) matches `required`.
    pub fn matches(&self, required: &Limits) -> bool {
        if self.min < required.min {
            return false;
        }
        match (self.max, required.max) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => a <= b,
        }
    }
}

impl fmt::Display for Limits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.max {
            Some(max) => write!(f, "{} {}", self.min, max),
            None => write!(f, "{}", self.min),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TableType {
    pub element: ValType,
    pub limits: Limits,
    /// Indexed by i64 (memory64's table64) instead of i32.
    pub table64: bool,
}

impl fmt::Display for TableType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let index = if self.table64 { "i64 " } else { "" };
        write!(f, "table({index}{} {})", self.limits, self.element)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemoryType {
    pub limits: Limits,
    pub memory64: bool,
    pub shared: bool,
}

impl fmt::Display for MemoryType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let index = if self.memory64 { "i64 " } else { "" };
        write!(f, "memory({index}{})", self.limits)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ExternType {
    Func(FuncType),
    Global(GlobalType),
    Table(TableType),
    Memory(MemoryType),
    /// An exception tag, with the type of its payload (a function type without results).
    Tag(FuncType),
}

impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternType::Func(t) => t.fmt(f),
            ExternType::Global(t) => t.fmt(f),
            ExternType::Table(t) => t.fmt(f),
            ExternType::Memory(t) => t.fmt(f),
            ExternType::Tag(t) => write!(f, "tag({t})"),
        }
    }
}
