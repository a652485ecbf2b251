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
        }
    }
}
