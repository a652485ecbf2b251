//! Why compiled code stops: the trap kinds the runtime reports, the trap codes compiled code
//! raises for them, and the spec's message for each.

/// Why compiled code stopped; the runtime maps each to the spec's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrapKind {
    Unreachable,
    MemoryOutOfBounds,
    TableOutOfBounds,
    UndefinedElement,
    UninitializedElement,
    IndirectCallTypeMismatch,
    NullReference,
    /// `ref.as_non_null` on null.
    NullReferenceAsNonNull,
    IntegerDivisionByZero,
    IntegerOverflow,
    BadConversionToInteger,
    StackOverflow,
    HostTrap,
    /// The store's epoch deadline was reached.
    Interrupted,
    /// The store's fuel ran out.
    OutOfFuel,
    /// `throw_ref` of a null exnref.
    NullExceptionReference,
    /// `struct.get/set` on null.
    NullStructReference,
    /// `array.get/set/len/fill/copy/init_*` on null.
    NullArrayReference,
    /// `i31.get_s/u` on null.
    NullI31Reference,
    /// An array index or range outside the array.
    ArrayOutOfBounds,
    /// `ref.cast` of a value that is not of the target type.
    CastFailure,
    /// A struct or array could not be allocated (the store's GC heap limit, or no memory).
    AllocationFailed,
}

/// Trap codes compiled code uses (Cranelift user trap codes), beyond Cranelift's built-in
/// HEAP_OUT_OF_BOUNDS, INTEGER_OVERFLOW, INTEGER_DIVISION_BY_ZERO, BAD_CONVERSION_TO_INTEGER
/// and STACK_OVERFLOW.
pub mod trap_codes {
    pub const UNREACHABLE: u8 = 1;
    /// `table.get/set/…` index out of bounds: "out of bounds table access".
    pub const TABLE_OUT_OF_BOUNDS: u8 = 2;
    /// `call_indirect` index out of bounds: "undefined element".
    pub const UNDEFINED_ELEMENT: u8 = 3;
    /// `call_indirect` on a null entry: "uninitialized element".
    pub const UNINITIALIZED_ELEMENT: u8 = 4;
    /// `call_indirect` signature mismatch: "indirect call type mismatch".
    pub const INDIRECT_CALL_TYPE_MISMATCH: u8 = 5;
    /// `call_ref`/`return_call_ref` on null: "null function reference".
    pub const NULL_REFERENCE: u8 = 6;
    /// A host function returned a trap (raised by a host trampoline; the trap object is pending
    /// in thread-local state).
    pub const HOST_TRAP: u8 = 7;
    /// The engine's epoch reached the store's deadline: "interrupted".
    pub const INTERRUPTED: u8 = 8;
    /// The store's fuel is exhausted: "all fuel consumed".
    pub const OUT_OF_FUEL: u8 = 9;
    /// `ref.as_non_null` on null: "null reference".
    pub const NULL_REFERENCE_AS_NON_NULL: u8 = 10;
    /// `throw_ref` on null: "null exception reference".
    pub const NULL_EXCEPTION_REFERENCE: u8 = 11;
    /// `struct.get/set` on null: "null structure reference".
    pub const NULL_STRUCT_REFERENCE: u8 = 12;
    /// Array instructions on null: "null array reference".
    pub const NULL_ARRAY_REFERENCE: u8 = 13;
    /// `i31.get_s/u` on null: "null i31 reference".
    pub const NULL_I31_REFERENCE: u8 = 14;
    /// Array index or range out of bounds: "out of bounds array access".
    pub const ARRAY_OUT_OF_BOUNDS: u8 = 15;
    /// `ref.cast` failure: "cast failure".
    pub const CAST_FAILURE: u8 = 16;
    /// GC allocation failure: "out of memory: GC allocation failed".
    pub const ALLOCATION_FAILED: u8 = 17;
}

impl TrapKind {
    /// The message the spec tests expect for this trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapKind::Unreachable => "unreachable",
            TrapKind::MemoryOutOfBounds => "out of bounds memory access",
            TrapKind::TableOutOfBounds => "out of bounds table access",
            TrapKind::UndefinedElement => "undefined element",
            TrapKind::UninitializedElement => "uninitialized element",
            TrapKind::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapKind::NullReference => "null function reference",
            TrapKind::NullReferenceAsNonNull => "null reference",
            TrapKind::IntegerDivisionByZero => "integer divide by zero",
            TrapKind::IntegerOverflow => "integer overflow",
            TrapKind::BadConversionToInteger => "invalid conversion to integer",
            TrapKind::StackOverflow => "call stack exhausted",
            TrapKind::HostTrap => "host trap",
            TrapKind::Interrupted => "interrupted",
            TrapKind::OutOfFuel => "all fuel consumed",
            TrapKind::NullExceptionReference => "null exception reference",
            TrapKind::NullStructReference => "null structure reference",
            TrapKind::NullArrayReference => "null array reference",
            TrapKind::NullI31Reference => "null i31 reference",
            TrapKind::ArrayOutOfBounds => "out of bounds array access",
            TrapKind::CastFailure => "cast failure",
            TrapKind::AllocationFailed => "out of memory: GC allocation failed",
        }
    }
}
