//! Builtins: runtime functions compiled code calls for operations too large to inline.
//!
//! They are declared once, in `for_each_builtin!`. From that list come the `Builtins` table
//! of function pointers every vmctx points at (filled by the runtime with `builtin_table!`),
//! the offset of each entry in it, and the signature the compiler gives each call
//! (`signatures`). Adding a builtin means one line in the list and its body in the runtime
//! (`runtime::builtins`).
//!
//! Convention: the host C convention (`CallConv::SystemV` on x86-64 Linux). The first
//! parameter is always the calling instance's vmctx. Entity indices are `u32` (i32 in IR);
//! addresses, table indices and lengths are `u64` (i64 in IR: compiled code zero-extends the
//! operands of 32-bit memories and tables, so one builtin serves both index types), references
//! are `usize` (i64). Builtins that can fail return a `u32` that is nonzero on failure; compiled
//! code then traps with the code its doc comment names.

/// The builtin list: `name(params) [-> u32];`, the vmctx parameter implied. Invokes `$m!` with
/// `[args]` followed by the whole list.
#[macro_export]
macro_rules! for_each_builtin {
    ($m:ident $(, $arg:tt)*) => {
        $crate::$m! {
            [$($arg)*]
            /// `memory.grow`: the old size in pages, or -1 (u64::MAX) when it cannot grow.
            memory_grow(memory: u32, delta_pages: u64) -> u64;
            /// `memory.fill`; fails with HEAP_OUT_OF_BOUNDS.
            memory_fill(memory: u32, dst: u64, value: u32, len: u64) -> u32;
            /// `memory.copy`; fails with HEAP_OUT_OF_BOUNDS.
            memory_copy(dst_memory: u32, src_memory: u32, dst: u64, src: u64, len: u64) -> u32;
            /// `memory.init`; fails with HEAP_OUT_OF_BOUNDS.
            memory_init(memory: u32, data_index: u32, dst: u64, src: u32, len: u32) -> u32;
            /// `data.drop`.
            data_drop(data_index: u32);
            /// `table.grow` with `init` as the new elements: the old size, or -1 (u64::MAX).
            table_grow(table: u32, delta: u64, init: usize) -> u64;
            /// `table.fill`; fails with TABLE_OUT_OF_BOUNDS.
            table_fill(table: u32, dst: u64, value: usize, len: u64) -> u32;
            /// `table.copy`; fails with TABLE_OUT_OF_BOUNDS.
            table_copy(dst_table: u32, src_table: u32, dst: u64, src: u64, len: u64) -> u32;
            /// `table.init`; fails with TABLE_OUT_OF_BOUNDS.
            table_init(table: u32, elem_index: u32, dst: u64, src: u32, len: u32) -> u32;
            /// `elem.drop`.
            elem_drop(elem_index: u32);
            /// `call_indirect`/`call_ref` with a non-final expected type whose id differs from
            /// the callee's: nonzero (trap INDIRECT_CALL_TYPE_MISMATCH) unless the callee's
            /// type declares the expected one as a supertype.
            type_mismatch(actual_type_id: u32, expected_type_id: u32) -> u32;
            /// `struct.new*`, `array.new*`: a zeroed struct or array (of `len` elements) of the
            /// module's type `type_index`; 0 when it cannot be allocated (trap ALLOCATION_FAILED).
            gc_alloc(type_index: u32, len: u32) -> usize;
            /// `array.fill` of a non-null array (and `array.new`'s initial value): elements
            /// `[offset, offset + len)` set to the value whose bits are `lo` (and `hi`, the upper
            /// half of a v128); fails with ARRAY_OUT_OF_BOUNDS.
            array_fill(array: usize, offset: u32, lo: u64, hi: u64, len: u32) -> u32;
            /// `array.copy` between non-null arrays; fails with ARRAY_OUT_OF_BOUNDS.
            array_copy(dst: usize, dst_offset: u32, src: usize, src_offset: u32, len: u32) -> u32;
            /// `array.new_data`: the array, or 0 when it cannot be allocated (ALLOCATION_FAILED),
            /// or 1 when the bytes lie outside the data segment (HEAP_OUT_OF_BOUNDS).
            array_new_data(type_index: u32, data_index: u32, offset: u32, len: u32) -> usize;
            /// `array.new_elem`: as `array_new_data`, 1 meaning TABLE_OUT_OF_BOUNDS.
            array_new_elem(type_index: u32, elem_index: u32, offset: u32, len: u32) -> usize;
            /// `array.init_data` into a non-null array: 0, or 1 for ARRAY_OUT_OF_BOUNDS, 2 for
            /// HEAP_OUT_OF_BOUNDS.
            array_init_data(array: usize, dst: u32, data_index: u32, src: u32, len: u32) -> u32;
            /// `array.init_elem` into a non-null array: 0, or 1 for ARRAY_OUT_OF_BOUNDS, 2 for
            /// TABLE_OUT_OF_BOUNDS.
            array_init_elem(array: usize, dst: u32, elem_index: u32, src: u32, len: u32) -> u32;
            /// Tiered compilation: defined function `defined_index` used up its budget (see
            /// `VMContextHeader::tiering_budgets`); queues it for the optimising tier.
            tier_up(defined_index: u32);
            /// `throw`: an exception of tag `tag` with the payload at `values` (one `VMVal` per
            /// parameter). Called with the wasm `Tail` convention (a try_call inside a
            /// `try_table`); never returns: it resumes at a handler or ends the activation.
            throw(tag: u32, values: usize);
            /// `throw_ref` of a non-null exnref; as `throw`.
            throw_ref(exn: usize);
            /// A `catch`/`catch_all` clause took the exception (payload already read): unless an
            /// exnref to it was ever a value, nothing can reach it any more and its store lets
            /// it go (bounded memory for code that throws and catches in a loop).
            exn_release(exn: usize);
        }
    };
}

/// The IR type of a builtin's parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgType {
    I32,
    I64,
}

/// Maps the Rust parameter types of the list to IR types.
pub trait BuiltinArg {
    const TYPE: ArgType;
}
impl BuiltinArg for u32 {
    const TYPE: ArgType = ArgType::I32;
}
impl BuiltinArg for usize {
    const TYPE: ArgType = ArgType::I64;
}
impl BuiltinArg for u64 {
    const TYPE: ArgType = ArgType::I64;
}

/// What the compiler needs to call a builtin: where its pointer sits in `Builtins`, and its
/// parameters after the vmctx.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinSignature {
    pub name: &'static str,
    pub offset: i32,
    pub params: &'static [ArgType],
    /// The type of its result (a size or a failure status), if it has one.
    pub returns: Option<ArgType>,
}

#[doc(hidden)]
#[macro_export]
macro_rules! define_builtin_table_and_signatures {
    ([] $( $(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)?; )*) => {
        /// The table of builtin entry points; every vmctx header points at one.
        #[repr(C)]
        pub struct Builtins {
            $( $(#[$doc])* pub $name: unsafe extern "C" fn(vmctx: *mut u8 $(, $arg: $ty)*) $(-> $ret)?, )*
        }

        /// One `BuiltinSignature` per builtin, named after it.
        #[allow(non_upper_case_globals)]
        pub mod signatures {
            use super::*;
            $(
                $(#[$doc])*
                pub const $name: BuiltinSignature = BuiltinSignature {
                    name: stringify!($name),
                    offset: std::mem::offset_of!(Builtins, $name) as i32,
                    params: &[$(<$ty as BuiltinArg>::TYPE),*],
                    returns: {
                        #[allow(unused_variables)]
                        let ret: Option<ArgType> = None;
                        $(let ret = Some(<$ret as BuiltinArg>::TYPE);)?
                        ret
                    },
                };
            )*
        }
    };
}
for_each_builtin!(define_builtin_table_and_signatures);

/// Builds a `Builtins` value whose entries are the functions of the same names in module
/// `$bodies` (an identifier in scope; used by the runtime, which owns the bodies).
#[macro_export]
macro_rules! builtin_table {
    ($bodies:ident) => {
        $crate::for_each_builtin!(fill_builtin_table, $bodies)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! fill_builtin_table {
    ([$bodies:ident] $( $(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)?; )*) => {
        $crate::abi::builtins::Builtins { $( $name: $bodies::$name, )* }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_follow_the_list() {
        assert_eq!(signatures::memory_grow.offset, 0);
        assert_eq!(signatures::memory_grow.params, &[ArgType::I32, ArgType::I64]);
        assert_eq!(
            (signatures::memory_grow.returns, signatures::memory_fill.returns, signatures::data_drop.returns),
            (Some(ArgType::I64), Some(ArgType::I32), None)
        );
        assert_eq!(signatures::table_grow.params, &[ArgType::I32, ArgType::I64, ArgType::I64]);
        assert_eq!(signatures::exn_release.offset as usize, std::mem::size_of::<Builtins>() - 8);
    }
}
