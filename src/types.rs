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
    /// A defined function type (the function hierarchy).
    Concrete(TypeIndex),
    /// The top of the internal (GC) hierarchy: structs, arrays, i31 and host values converted
    /// with `any.convert_extern`.
    Any,
    /// Values comparable with `ref.eq`: structs, arrays and i31.
    Eq,
    /// Unboxed 31-bit integers.
    I31,
    /// Any struct.
    Struct,
    /// Any array.
    Array,
    /// The bottom of the internal hierarchy (`none`): only null has this type.
    None,
    /// A defined struct type.
    ConcreteStruct(TypeIndex),
    /// A defined array type.
    ConcreteArray(TypeIndex),
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

    /// Whether this heap type belongs to the internal (GC) hierarchy under `any`.
    pub fn is_any(self) -> bool {
        matches!(
            self,
            HeapType::Any
                | HeapType::Eq
                | HeapType::I31
                | HeapType::Struct
                | HeapType::Array
                | HeapType::None
                | HeapType::ConcreteStruct(_)
                | HeapType::ConcreteArray(_)
        )
    }

    /// Whether a value of this heap type may point into a store's GC heap (what the collector
    /// must find in frames): the internal and extern hierarchies.
    pub fn is_gc(self) -> bool {
        self.is_any() || self.is_extern()
    }

    /// The type index of a defined (concrete) heap type.
    pub fn concrete_index(self) -> Option<TypeIndex> {
        match self {
            HeapType::Concrete(i) | HeapType::ConcreteStruct(i) | HeapType::ConcreteArray(i) => Some(i),
            _ => Option::None,
        }
    }

    /// The same heap type with its concrete index (if any) replaced by `f(index)`.
    pub fn map_index(self, f: impl FnOnce(TypeIndex) -> TypeIndex) -> HeapType {
        match self {
            HeapType::Concrete(i) => HeapType::Concrete(f(i)),
            HeapType::ConcreteStruct(i) => HeapType::ConcreteStruct(f(i)),
            HeapType::ConcreteArray(i) => HeapType::ConcreteArray(f(i)),
            other => other,
        }
    }

    /// The top type of this heap type's hierarchy.
    pub fn top(self) -> HeapType {
        if self.is_func() {
            HeapType::Func
        } else if self.is_extern() {
            HeapType::Extern
        } else if self.is_exn() {
            HeapType::Exn
        } else {
            HeapType::Any
        }
    }

    /// The bottom type of this heap type's hierarchy.
    pub fn bottom(self) -> HeapType {
        match self.top() {
            HeapType::Func => HeapType::NoFunc,
            HeapType::Extern => HeapType::NoExtern,
            HeapType::Exn => HeapType::NoExn,
            _ => HeapType::None,
        }
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

    /// Whether values of this type may point into a store's GC heap (see `HeapType::is_gc`).
    pub fn is_gc_ref(self) -> bool {
        matches!(self, ValType::Ref(r) if r.heap.is_gc())
    }

    /// The same type with its concrete index (if any) replaced by `f(index)`.
    pub fn map_index(self, f: impl FnOnce(TypeIndex) -> TypeIndex) -> ValType {
        match self {
            ValType::Ref(r) => ValType::Ref(RefType { nullable: r.nullable, heap: r.heap.map_index(f) }),
            other => other,
        }
    }

    /// Converts from wasmparser; `None` for types the engine does not support (shared heap
    /// types). Concrete heap types keep the module's type index and are taken to be function
    /// types: `ModuleInfo::valtype` gives struct and array types their own variants.
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
    /// Converts from wasmparser; `None` for shared heap types (concrete ones as in
    /// `ValType::from_wasmparser`).
    pub fn from_wasmparser(r: wasmparser::RefType) -> Option<RefType> {
        Some(RefType { nullable: r.is_nullable(), heap: HeapType::from_wasmparser(r.heap_type())? })
    }
}

impl HeapType {
    /// Converts from wasmparser; `None` for shared heap types (concrete ones as in
    /// `ValType::from_wasmparser`).
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
                A::Any => HeapType::Any,
                A::Eq => HeapType::Eq,
                A::I31 => HeapType::I31,
                A::Struct => HeapType::Struct,
                A::Array => HeapType::Array,
                A::None => HeapType::None,
                _ => return Option::None,
            },
            wasmparser::HeapType::Concrete(i) => HeapType::Concrete(i.as_module_index()?),
            _ => return Option::None,
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
            HeapType::Any => f.write_str("any"),
            HeapType::Eq => f.write_str("eq"),
            HeapType::I31 => f.write_str("i31"),
            HeapType::Struct => f.write_str("struct"),
            HeapType::Array => f.write_str("array"),
            HeapType::None => f.write_str("none"),
            HeapType::Concrete(i) | HeapType::ConcreteStruct(i) | HeapType::ConcreteArray(i) => write!(f, "{i}"),
        }
    }
}

impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.nullable, self.heap) {
            (true, HeapType::Func) => f.write_str("funcref"),
            (true, HeapType::Extern) => f.write_str("externref"),
            (true, HeapType::Exn) => f.write_str("exnref"),
            (true, HeapType::Any) => f.write_str("anyref"),
            (true, HeapType::Eq) => f.write_str("eqref"),
            (true, HeapType::I31) => f.write_str("i31ref"),
            (true, HeapType::Struct) => f.write_str("structref"),
            (true, HeapType::Array) => f.write_str("arrayref"),
            (true, HeapType::None) => f.write_str("nullref"),
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuncType {
    pub params: Box<[ValType]>,
    pub results: Box<[ValType]>,
}

impl ValType {
    /// A number naming this type, different for different types: what it hashes as. Bits 0-3:
    /// the kind; for references bits 4-7 the heap type, bit 8 nullability, bits 32-63 a
    /// concrete type's index.
    fn hash_code(self) -> u64 {
        let ValType::Ref(r) = self else {
            return match self {
                ValType::I32 => 0,
                ValType::I64 => 1,
                ValType::F32 => 2,
                ValType::F64 => 3,
                _ => 4,
            };
        };
        let (heap, index) = match r.heap {
            HeapType::Func => (0, 0),
            HeapType::Extern => (1, 0),
            HeapType::Exn => (2, 0),
            HeapType::NoFunc => (3, 0),
            HeapType::NoExtern => (4, 0),
            HeapType::NoExn => (5, 0),
            HeapType::Concrete(i) => (6, i),
            HeapType::Any => (7, 0),
            HeapType::Eq => (8, 0),
            HeapType::I31 => (9, 0),
            HeapType::Struct => (10, 0),
            HeapType::Array => (11, 0),
            HeapType::None => (12, 0),
            HeapType::ConcreteStruct(i) => (13, i),
            HeapType::ConcreteArray(i) => (14, i),
        };
        5 | heap << 4 | (r.nullable as u64) << 8 | (index as u64) << 32
    }
}

// Types are hashed in the hot path of `wasm_func_new` (the engine's host-trampoline cache and
// the type registry look a function type up several times), with std's keyed SipHash, since
// guests and embedders choose these types. The derived hashes fed every enum discriminant and
// field to the hasher separately (about 800 instructions for a type of seven values); these
// feed one number per value, and a function type's values in one write.
impl std::hash::Hash for ValType {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash_code());
    }
}

impl std::hash::Hash for FuncType {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        const INLINE: usize = 15;
        let counts = self.params.len() as u64 | (self.results.len() as u64) << 32;
        let values = self.params.iter().chain(self.results.iter());
        if self.params.len() + self.results.len() <= INLINE {
            let mut bytes = [0u8; 8 * (INLINE + 1)];
            let mut used = 8;
            bytes[..8].copy_from_slice(&counts.to_ne_bytes());
            for v in values {
                bytes[used..used + 8].copy_from_slice(&v.hash_code().to_ne_bytes());
                used += 8;
            }
            state.write(&bytes[..used]);
        } else {
            state.write_u64(counts);
            for v in values {
                state.write_u64(v.hash_code());
            }
        }
    }
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

/// What a struct field or array element holds: a value type, or a packed integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StorageType {
    I8,
    I16,
    Val(ValType),
}

impl StorageType {
    /// Bytes one field or element takes in an object (see `abi::gc`).
    pub fn size(self) -> u32 {
        match self {
            StorageType::I8 => 1,
            StorageType::I16 => 2,
            StorageType::Val(ValType::I32 | ValType::F32) => 4,
            StorageType::Val(ValType::I64 | ValType::F64 | ValType::Ref(_)) => 8,
            StorageType::Val(ValType::V128) => 16,
        }
    }

    /// The value type the field reads as on the operand stack (packed fields as i32).
    pub fn unpacked(self) -> ValType {
        match self {
            StorageType::I8 | StorageType::I16 => ValType::I32,
            StorageType::Val(v) => v,
        }
    }

    pub fn map_index(self, f: impl FnOnce(TypeIndex) -> TypeIndex) -> StorageType {
        match self {
            StorageType::Val(v) => StorageType::Val(v.map_index(f)),
            other => other,
        }
    }
}

impl fmt::Display for StorageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageType::I8 => f.write_str("i8"),
            StorageType::I16 => f.write_str("i16"),
            StorageType::Val(v) => v.fmt(f),
        }
    }
}

/// A struct field or an array's element type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldType {
    pub storage: StorageType,
    pub mutable: bool,
}

impl FieldType {
    pub fn map_index(self, f: impl FnOnce(TypeIndex) -> TypeIndex) -> FieldType {
        FieldType { storage: self.storage.map_index(f), mutable: self.mutable }
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mutable {
            write!(f, "(mut {})", self.storage)
        } else {
            self.storage.fmt(f)
        }
    }
}

/// A defined type: a function, struct or array type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CompositeType {
    Func(FuncType),
    Struct(Box<[FieldType]>),
    Array(FieldType),
}

impl CompositeType {
    pub fn as_func(&self) -> Option<&FuncType> {
        match self {
            CompositeType::Func(f) => Some(f),
            _ => Option::None,
        }
    }

    /// The heap type naming defined type `index` when it is this type.
    pub fn heap_type(&self, index: TypeIndex) -> HeapType {
        match self {
            CompositeType::Func(_) => HeapType::Concrete(index),
            CompositeType::Struct(_) => HeapType::ConcreteStruct(index),
            CompositeType::Array(_) => HeapType::ConcreteArray(index),
        }
    }

    /// The same type with every concrete index `i` replaced by `f(i)` (`None` if `f` fails).
    pub fn try_map_index(&self, f: &mut impl FnMut(TypeIndex) -> Option<TypeIndex>) -> Option<CompositeType> {
        let mut failed = false;
        let mut g = |i| {
            f(i).unwrap_or_else(|| {
                failed = true;
                0
            })
        };
        let out = match self {
            CompositeType::Func(t) => CompositeType::Func(FuncType::new(
                t.params.iter().map(|v| v.map_index(&mut g)).collect::<Vec<_>>(),
                t.results.iter().map(|v| v.map_index(&mut g)).collect::<Vec<_>>(),
            )),
            CompositeType::Struct(fields) => {
                CompositeType::Struct(fields.iter().map(|x| x.map_index(&mut g)).collect())
            }
            CompositeType::Array(e) => CompositeType::Array(e.map_index(&mut g)),
        };
        (!failed).then_some(out)
    }
}

impl fmt::Display for CompositeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompositeType::Func(t) => t.fmt(f),
            CompositeType::Struct(fields) => {
                write!(f, "struct(")?;
                for (i, x) in fields.iter().enumerate() {
                    if i > 0 {
                        write!(f, " ")?;
                    }
                    write!(f, "{x}")?;
                }
                write!(f, ")")
            }
            CompositeType::Array(e) => write!(f, "array({e})"),
        }
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

#[cfg(test)]
mod hash_tests {
    use super::*;
    use std::collections::HashSet;
    use std::hash::{BuildHasher, RandomState};

    fn every_value_type() -> Vec<ValType> {
        let mut all = vec![ValType::I32, ValType::I64, ValType::F32, ValType::F64, ValType::V128];
        let heaps = [
            HeapType::Func,
            HeapType::Extern,
            HeapType::Exn,
            HeapType::NoFunc,
            HeapType::NoExtern,
            HeapType::NoExn,
            HeapType::Any,
            HeapType::Eq,
            HeapType::I31,
            HeapType::Struct,
            HeapType::Array,
            HeapType::None,
        ];
        for index in [0, 1, 7, u32::MAX >> 1, u32::MAX] {
            for heap in heaps.into_iter().chain([
                HeapType::Concrete(index),
                HeapType::ConcreteStruct(index),
                HeapType::ConcreteArray(index),
            ]) {
                for nullable in [false, true] {
                    all.push(ValType::Ref(RefType { nullable, heap }));
                }
            }
        }
        all.sort_by_key(|v| format!("{v:?}"));
        all.dedup();
        all
    }

    #[test]
    fn distinct_value_types_have_distinct_hash_codes() {
        let all = every_value_type();
        let codes: HashSet<u64> = all.iter().map(|v| v.hash_code()).collect();
        assert_eq!(codes.len(), all.len());
    }

    #[test]
    fn equal_function_types_hash_alike_and_lengths_are_part_of_the_hash() {
        let state = RandomState::new();
        let i32s = |n: usize| vec![ValType::I32; n];
        // Every split of the same values between parameters and results is a different type,
        // on both the inline path (<= 15 values) and the long one.
        for total in [0usize, 3, 15, 16, 40] {
            let hashes: HashSet<u64> = (0..=total)
                .map(|p| {
                    let a = FuncType::new(i32s(p), i32s(total - p));
                    let b = a.clone();
                    assert_eq!(state.hash_one(&a), state.hash_one(&b));
                    state.hash_one(&a)
                })
                .collect();
            assert_eq!(hashes.len(), total + 1, "{total} values");
        }
    }
}
