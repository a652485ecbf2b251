//! memory64 and table64 beyond the spec suite (hostile operands: addresses that wrap u64, huge
//! offsets and lengths, indices past 2^32, bulk operations at the edges, 32/64-bit mixes), and
//! the exact x86-64 results chosen for relaxed SIMD (see the table in simd.rs).

use super::instance::Instance;
use crate::abi::compiled::Tunables;

const EXPLICIT: Tunables = Tunables {
    explicit_bounds_checks: true,
    epoch_interruption: false,
    consume_fuel: false,
    tier_up: false,
    inlining: true,
};
const OOB: &str = "out of bounds memory access";
const TABLE_OOB: &str = "out of bounds table access";

fn l(v: i64) -> u128 {
    v as u64 as u128
}
fn i(v: i32) -> u128 {
    v as u32 as u128
}

const MEMORY64_WAT: &str = r#"(module
    (memory $m64 i64 2 4)
    (memory $m32 1)
    (data $d "abcdefgh")
    (func (export "load") (param i64) (result i64) (i64.load (local.get 0)))
    (func (export "load_off") (param i64) (result i32) (i32.load8_u offset=0x10000 (local.get 0)))
    (func (export "load_2g") (param i64) (result i32) (i32.load8_u offset=0x80000000 (local.get 0)))
    (func (export "load_max_off") (param i64) (result i32) (i32.load8_u offset=0xfffffffffffffff0 (local.get 0)))
    (func (export "store") (param i64 i64) (i64.store (local.get 0) (local.get 1)))
    (func (export "size") (result i64) (memory.size $m64))
    (func (export "grow") (param i64) (result i64) (memory.grow $m64 (local.get 0)))
    (func (export "fill") (param i64 i64) (memory.fill $m64 (local.get 0) (i32.const 0x5a) (local.get 1)))
    (func (export "copy") (param i64 i64 i64) (memory.copy $m64 $m64 (local.get 0) (local.get 1) (local.get 2)))
    ;; Between a 64-bit and a 32-bit memory the length is an i32.
    (func (export "copy_to32") (param i32 i64 i32) (memory.copy $m32 $m64 (local.get 0) (local.get 1) (local.get 2)))
    (func (export "copy_from32") (param i64 i32 i32) (memory.copy $m64 $m32 (local.get 0) (local.get 1) (local.get 2)))
    (func (export "load32") (param i32) (result i32) (i32.load8_u $m32 (local.get 0)))
    (func (export "init") (param i64 i32 i32) (memory.init $m64 $d (local.get 0) (local.get 1) (local.get 2)))
    ;; A loop with a call inside: the length register must be reread after the call, which
    ;; grows the memory.
    (func $grow1 (drop (memory.grow $m64 (i64.const 1))))
    (func (export "grow_in_loop") (result i64) (local $i i64)
      (loop $l
        (call $grow1)
        (i64.store (i64.sub (i64.mul (memory.size $m64) (i64.const 65536)) (i64.const 8)) (local.get $i))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br_if $l (i64.lt_u (local.get $i) (i64.const 2))))
      (i64.load (i64.const 0x3fff8)))
)"#;

fn check_memory64(m: &Instance) {
    let end = 2 * 65536i64;
    m.call("store", &[l(end - 8), l(0x1122_3344_5566_7788)]);
    assert_eq!(m.i64("load", &[l(end - 8)]), 0x1122_3344_5566_7788);
    for bad in [end - 7, end, end + 1, 1 << 32, (1 << 32) + 8, i64::MAX, -1, -8] {
        assert_eq!(m.trap("load", &[l(bad)]), OOB, "load at {bad:#x}");
        assert_eq!(m.trap("store", &[l(bad), l(1)]), OOB, "store at {bad:#x}");
    }
    // A failed store writes nothing, even partly in bounds.
    assert_eq!(m.i64("load", &[l(end - 8)]), 0x1122_3344_5566_7788);
    // Static offsets: past the end with a small index; 2 GiB (beyond the guard region's
    // shortcut); one that wraps u64 with any nonzero index.
    assert_eq!(m.i32("load_off", &[l(end - 0x10001)]), 0x11);
    assert_eq!(m.trap("load_off", &[l(end - 0x10000)]), OOB);
    assert_eq!(m.trap("load_2g", &[l(0)]), OOB);
    assert_eq!(m.trap("load_max_off", &[l(0)]), OOB);
    assert_eq!(m.trap("load_max_off", &[l(0x20)]), OOB);
    assert_eq!(m.trap("load_max_off", &[l(-1)]), OOB);

    // memory.size/grow in pages as i64; failures are -1 whatever the delta.
    assert_eq!(m.i64("size", &[]), 2);
    for delta in [3, 1 << 32, 1 << 48, i64::MAX, -1] {
        assert_eq!(m.i64("grow", &[l(delta)]), -1, "grow by {delta:#x}");
    }
    assert_eq!(m.i64("size", &[]), 2);

    // Bulk operations at the edges and with wrapping operands.
    m.call("fill", &[l(end - 4), l(4)]);
    assert_eq!(m.memory(0)[end as usize - 4..], [0x5a; 4]);
    m.call("fill", &[l(end), l(0)]);
    assert_eq!(m.trap("fill", &[l(end + 1), l(0)]), OOB);
    assert_eq!(m.trap("fill", &[l(end - 4), l(5)]), OOB);
    assert_eq!(m.trap("fill", &[l(-1), l(2)]), OOB);
    assert_eq!(m.trap("fill", &[l(1), l(-1)]), OOB);
    assert_eq!(m.trap("copy", &[l(0), l(-4), l(8)]), OOB);
    assert_eq!(m.trap("copy", &[l(-4), l(0), l(8)]), OOB);
    assert_eq!(m.trap("copy", &[l(0), l(1 << 32), l(1)]), OOB);
    m.call("copy", &[l(0), l(end - 8), l(8)]);
    assert_eq!(m.i64("load", &[l(0)]), 0x5a5a_5a5a_5566_7788);

    // 64-bit to 32-bit memory and back (i32 length); sources past 2^32 must not alias low ones.
    m.call("copy_to32", &[i(100), l(0), i(8)]);
    assert_eq!(m.i32("load32", &[i(100)]), 0x88);
    assert_eq!(m.trap("copy_to32", &[i(0), l(1 << 32), i(1)]), OOB);
    assert_eq!(m.trap("copy_to32", &[i(65535), l(0), i(2)]), OOB);
    m.call("copy_from32", &[l(16), i(100), i(1)]);
    assert_eq!(m.memory(0)[16], 0x88);
    assert_eq!(m.trap("copy_from32", &[l(1 << 32), i(0), i(1)]), OOB);
    assert_eq!(m.trap("copy_from32", &[l(0), i(-1), i(2)]), OOB);

    // memory.init: an i64 destination, i32 source and length.
    m.call("init", &[l(end - 8), i(0), i(8)]);
    assert_eq!(&m.memory(0)[end as usize - 8..], b"abcdefgh");
    assert_eq!(m.trap("init", &[l((1 << 32) + 8), i(0), i(1)]), OOB);
    assert_eq!(m.trap("init", &[l(-1), i(0), i(1)]), OOB);
    assert_eq!(m.trap("init", &[l(0), i(4), i(5)]), OOB);

    // Grown inside a loop by a callee: accesses at the new end work at once.
    assert_eq!(m.i64("grow_in_loop", &[]), 1);
    assert_eq!(m.i64("size", &[]), 4);
    assert_eq!(m.i64("grow", &[l(1)]), -1);
}

#[test]
fn memory64_with_guard_pages() {
    check_memory64(&Instance::new(MEMORY64_WAT));
}

#[test]
fn memory64_with_explicit_checks() {
    check_memory64(&Instance::with(MEMORY64_WAT, &EXPLICIT, 1));
}

/// A function growing one of two memory64 memories and using both right after: the grown
/// one's length register is reread (`memory.grow` rereads them all, since two imports may name
/// one memory), the other one's stays right.
#[test]
fn memory64_second_memory_grows() {
    let m = Instance::new(
        r#"(module
        (memory $a i64 1)
        (memory $b i64 0)
        (func (export "f") (result i64)
          (drop (memory.grow $b (i64.const 1)))
          (i64.store $b (i64.const 65528) (i64.const 5))
          (i64.add (i64.load $b (i64.const 65528)) (i64.load $a (i64.const 0))))
        (func (export "oob") (i64.store $b (i64.const 65529) (i64.const 5))))"#,
    );
    assert_eq!(m.i64("f", &[]), 5);
    assert_eq!(m.trap("oob", &[]), OOB);
}

/// Calls of every kind may grow the memory: the length register is reread after each (here
/// `call_indirect` and `call_ref`, each growing by one page before the access to the new page).
#[test]
fn memory64_length_reread_after_indirect_calls() {
    let m = Instance::new(
        r#"(module
        (memory i64 1)
        (type $v (func))
        (table 1 funcref)
        (elem (i32.const 0) $grow)
        (elem declare func $grow)
        (func $grow (type $v) (drop (memory.grow (i64.const 1))))
        (func (export "f") (result i64)
          (i64.store (i64.const 0) (i64.const 1))
          (call_indirect (type $v) (i32.const 0))
          (i64.store (i64.const 131064) (i64.const 2))
          (call_ref $v (ref.func $grow))
          (i64.store (i64.const 196600) (i64.const 3))
          (i64.add (i64.load (i64.const 131064)) (i64.load (i64.const 196600)))))"#,
    );
    assert_eq!(m.i64("f", &[]), 5);
}

/// Indices bounded by their computation need no check when the access provably stays within
/// the declared minimum (or, with guard pages, the minimum plus the guard region); bounds just
/// past that keep their check, and wider masks that rely on the guard region still trap.
#[test]
fn memory64_bounded_indices() {
    const WAT: &str = r#"(module
        (memory i64 1)
        (func (export "masked") (param i64) (result i64)
          (i64.load offset=8 (i64.and (local.get 0) (i64.const 0xfff0))))
        (func (export "table") (param i32) (result i32)
          (i32.load offset=1024 (i64.shl (i64.extend_i32_u (i32.and (local.get 0) (i32.const 255))) (i64.const 2))))
        (func (export "crc") (param i32 i64) (result i32)
          (i32.load offset=1024 (i64.shl (i64.extend_i32_u
            (i32.xor (i32.and (local.get 0) (i32.const 255)) (i32.load8_u (local.get 1)))) (i64.const 2))))
        (func (export "wide") (param i64) (result i32)
          (i32.load8_u (i64.and (local.get 0) (i64.const 0x1ffff))))
        (func (export "rem") (param i64) (result i32)
          (i32.load8_u (i64.add (i64.rem_u (local.get 0) (i64.const 65536)) (i64.const 1))))
        (func (export "shifted_out") (param i64) (result i32)
          (i32.load8_u (i64.shl (i64.and (local.get 0) (i64.const 0xff)) (i64.const 60))))
        (func (export "init") (i64.store (i64.const 65528) (i64.const 77)) (i32.store (i64.const 1028) (i32.const 5))))"#;
    for tunables in [super::instance::NO_CHECKS, EXPLICIT] {
        let m = Instance::with(WAT, &tunables, 1);
        m.call("init", &[]);
        assert_eq!(m.i64("masked", &[l(-1)]), 77);
        assert_eq!(m.i32("table", &[i(0x101)]), 5);
        assert_eq!(m.i32("crc", &[i(0x100), l(0)]), 0);
        assert_eq!(m.trap("crc", &[i(1), l(1 << 16)]), OOB);
        assert_eq!(m.i32("wide", &[l(0xffff)]), 0);
        assert_eq!(m.trap("wide", &[l(0x10000)]), OOB);
        assert_eq!(m.trap("wide", &[l(-1)]), OOB);
        assert_eq!(m.trap("rem", &[l(65535)]), OOB);
        assert_eq!(m.i32("rem", &[l(65534)]), 0);
        assert_eq!(m.trap("shifted_out", &[l(1)]), OOB);
        assert_eq!(m.i32("shifted_out", &[l(0x100)]), 0);
        // Trap sites of the out-of-bounds kind per function: the access itself (a fault is one
        // too) and, where a check remains, its trap. Only `shifted_out` (whose bound is lost
        // to the shift) keeps a check with guard pages; `wide` and `rem`, which end past the
        // declared minimum, also keep theirs with explicit checks. `init` has two accesses.
        let sites: Vec<usize> = m
            .code
            .functions
            .iter()
            .map(|f| f.traps.iter().filter(|t| t.kind == crate::abi::traps::TrapKind::MemoryOutOfBounds).count())
            .collect();
        // `crc` checks its byte load (a parameter address) but not the table lookup.
        let expected = if tunables.explicit_bounds_checks { [1, 1, 3, 2, 2, 2, 2] } else { [1, 1, 3, 1, 1, 2, 2] };
        assert_eq!(sites, expected);
    }
}

const TABLE64_WAT: &str = r#"(module
    (table $t64 i64 2 10 funcref)
    (table $t32 2 funcref)
    (type $v (func (result i32)))
    (func $one (result i32) (i32.const 1))
    (func $two (result i32) (i32.const 2))
    (elem $e func $one $two)
    (elem (table $t64) (i64.const 0) func $one)
    (func (export "size") (result i64) (table.size $t64))
    (func (export "grow") (param i64) (result i64) (table.grow $t64 (ref.null func) (local.get 0)))
    (func (export "call") (param i64) (result i32) (call_indirect $t64 (type $v) (local.get 0)))
    (func (export "set") (param i64) (table.set $t64 (local.get 0) (ref.func $two)))
    (func (export "is_null") (param i64) (result i32) (ref.is_null (table.get $t64 (local.get 0))))
    (func (export "fill") (param i64 i64) (table.fill $t64 (local.get 0) (ref.func $two) (local.get 1)))
    (func (export "copy") (param i64 i64 i64) (table.copy $t64 $t64 (local.get 0) (local.get 1) (local.get 2)))
    (func (export "copy_to32") (param i32 i64 i32) (table.copy $t32 $t64 (local.get 0) (local.get 1) (local.get 2)))
    (func (export "call32") (param i32) (result i32) (call_indirect $t32 (type $v) (local.get 0)))
    (func (export "init") (param i64 i32 i32) (table.init $t64 $e (local.get 0) (local.get 1) (local.get 2)))
)"#;

#[test]
fn table64_operations_and_hostile_indices() {
    let m = Instance::new(TABLE64_WAT);
    assert_eq!(m.i32("call", &[l(0)]), 1);
    // 2^32 would be element 0 if truncated to 32 bits.
    for bad in [2, 1 << 32, (1 << 32) + 1, i64::MAX, -1] {
        assert_eq!(m.trap("call", &[l(bad)]), "undefined element", "call_indirect at {bad:#x}");
        assert_eq!(m.trap("is_null", &[l(bad)]), TABLE_OOB, "table.get at {bad:#x}");
        assert_eq!(m.trap("set", &[l(bad)]), TABLE_OOB, "table.set at {bad:#x}");
    }
    assert_eq!(m.i64("size", &[]), 2);
    for delta in [9, 1 << 32, i64::MAX, -1] {
        assert_eq!(m.i64("grow", &[l(delta)]), -1, "grow by {delta:#x}");
    }
    assert_eq!(m.i64("grow", &[l(3)]), 2);
    assert_eq!(m.i64("size", &[]), 5);
    assert_eq!(m.i32("is_null", &[l(4)]), 1);
    m.set_and_fill_checks();
    // table.copy between a 64-bit and a 32-bit table takes an i32 length.
    m.call("copy_to32", &[i(1), l(4), i(1)]);
    assert_eq!(m.i32("call32", &[i(1)]), 2);
    assert_eq!(m.trap("copy_to32", &[i(0), l(1 << 32), i(1)]), TABLE_OOB);
    // table.init with an i64 destination.
    m.call("init", &[l(3), i(0), i(2)]);
    assert_eq!((m.i32("call", &[l(3)]), m.i32("call", &[l(4)])), (1, 2));
    assert_eq!(m.trap("init", &[l((1 << 32) + 3), i(0), i(1)]), TABLE_OOB);
    assert_eq!(m.trap("init", &[l(-1), i(0), i(1)]), TABLE_OOB);
}

impl Instance {
    fn set_and_fill_checks(&self) {
        let m = self;
        m.call("set", &[l(4)]);
        assert_eq!(m.i32("call", &[l(4)]), 2);
        m.call("fill", &[l(1), l(2)]);
        assert_eq!(m.i32("call", &[l(2)]), 2);
        m.call("fill", &[l(5), l(0)]);
        assert_eq!(m.trap("fill", &[l(6), l(0)]), TABLE_OOB);
        assert_eq!(m.trap("fill", &[l(4), l(2)]), TABLE_OOB);
        assert_eq!(m.trap("fill", &[l(-1), l(2)]), TABLE_OOB);
        assert_eq!(m.trap("fill", &[l(1), l(-1)]), TABLE_OOB);
        assert_eq!(m.trap("copy", &[l(0), l(-1), l(2)]), TABLE_OOB);
        assert_eq!(m.trap("copy", &[l(1 << 32), l(0), l(1)]), TABLE_OOB);
        m.call("copy", &[l(0), l(4), l(1)]);
        assert_eq!(m.i32("call", &[l(0)]), 2);
    }
}

/// The relaxed SIMD results on x86-64 are fixed (simd.rs documents each choice); these inputs
/// are the ones where the allowed results differ, so a change of lowering shows here.
#[cfg(target_arch = "x86_64")]
#[test]
fn relaxed_simd_x86_64_choices() {
    let m = Instance::new(
        r#"(module
        (func (export "swizzle") (param v128 v128) (result v128) (i8x16.relaxed_swizzle (local.get 0) (local.get 1)))
        (func (export "trunc_s") (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_s (local.get 0)))
        (func (export "trunc_u") (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_u (local.get 0)))
        (func (export "trunc_s_zero") (param v128) (result v128) (i32x4.relaxed_trunc_f64x2_s_zero (local.get 0)))
        (func (export "trunc_u_zero") (param v128) (result v128) (i32x4.relaxed_trunc_f64x2_u_zero (local.get 0)))
        (func (export "madd") (param v128 v128 v128) (result v128)
          (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
        (func (export "nmadd") (param v128 v128 v128) (result v128)
          (f32x4.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
        (func (export "madd64") (param v128 v128 v128) (result v128)
          (f64x2.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
        (func (export "min") (param v128 v128) (result v128) (f32x4.relaxed_min (local.get 0) (local.get 1)))
        (func (export "max") (param v128 v128) (result v128) (f32x4.relaxed_max (local.get 0) (local.get 1)))
        (func (export "min64") (param v128 v128) (result v128) (f64x2.relaxed_min (local.get 0) (local.get 1)))
        (func (export "q15") (param v128 v128) (result v128) (i16x8.relaxed_q15mulr_s (local.get 0) (local.get 1)))
        (func (export "dot") (param v128 v128) (result v128) (i16x8.relaxed_dot_i8x16_i7x16_s (local.get 0) (local.get 1)))
        (func (export "dot_add") (param v128 v128 v128) (result v128)
          (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2)))
        (func (export "select32") (param v128 v128 v128) (result v128)
          (i32x4.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
    )"#,
    );
    let bytes = |b: [u8; 16]| u128::from_le_bytes(b);
    let f32s = |v: [f32; 4]| u128::from_le_bytes(std::array::from_fn(|k| v[k / 4].to_le_bytes()[k % 4]));
    let i32s = |v: [i32; 4]| u128::from_le_bytes(std::array::from_fn(|k| v[k / 4].to_le_bytes()[k % 4]));
    let i16s = |v: [i16; 8]| u128::from_le_bytes(std::array::from_fn(|k| v[k / 2].to_le_bytes()[k % 2]));
    let f64s = |v: [f64; 2]| u128::from_le_bytes(std::array::from_fn(|k| v[k / 8].to_le_bytes()[k % 8]));
    let src = bytes(std::array::from_fn(|k| 100 + k as u8));

    // pshufb: indices 16..=127 pick lane index % 16, indices >= 128 give 0.
    let idx = bytes([0, 15, 16, 17, 31, 127, 128, 255, 0x8f, 0x70, 3, 3, 3, 3, 3, 3]);
    assert_eq!(
        m.v128("swizzle", &[src, idx]),
        bytes([100, 115, 100, 101, 115, 115, 0, 0, 0, 100, 103, 103, 103, 103, 103, 103])
    );

    // cvttps2dq: NaN and out-of-range lanes give i32::MIN; unsigned ones saturate.
    let nan = f32::NAN;
    assert_eq!(m.v128("trunc_s", &[f32s([nan, 3e9, -3e9, -1.5])]), i32s([i32::MIN, i32::MIN, i32::MIN, -1]));
    assert_eq!(m.v128("trunc_u", &[f32s([nan, 5e9, -1.0, 1.5])]), i32s([0, -1, 0, 1]));
    assert_eq!(m.v128("trunc_s_zero", &[f64s([f64::NAN, -1e10])]), i32s([i32::MIN, i32::MIN, 0, 0]));
    assert_eq!(m.v128("trunc_u_zero", &[f64s([-1.0, 1e10])]), i32s([0, -1, 0, 0]));

    // Fused: (1 + 2^-12)^2 - (1 + 2^-11) is exactly 2^-24; rounding the product first gives 0.
    let a = 1.0 + (2.0f32).powi(-12);
    let c = 1.0 + (2.0f32).powi(-11);
    let tiny = (2.0f32).powi(-24);
    assert_eq!(m.v128("madd", &[f32s([a; 4]), f32s([a; 4]), f32s([-c; 4])]), f32s([tiny; 4]));
    assert_eq!(m.v128("nmadd", &[f32s([a; 4]), f32s([a; 4]), f32s([c; 4])]), f32s([-tiny; 4]));
    let a64 = 1.0 + (2.0f64).powi(-30);
    let c64 = 1.0 + (2.0f64).powi(-29);
    assert_eq!(m.v128("madd64", &[f64s([a64; 2]), f64s([a64; 2]), f64s([-c64; 2])]), f64s([(2.0f64).powi(-60); 2]));

    // minps/maxps: with a NaN or a pair of zeros the second operand comes back.
    let min = m.v128("min", &[f32s([nan, 1.0, -0.0, 0.0]), f32s([1.0, nan, 0.0, -0.0])]);
    let min: [u32; 4] = std::array::from_fn(|k| (min >> (32 * k)) as u32);
    assert_eq!(min[0], 1.0f32.to_bits());
    assert!(f32::from_bits(min[1]).is_nan());
    assert_eq!((min[2], min[3]), (0.0f32.to_bits(), (-0.0f32).to_bits()));
    let max = m.v128("max", &[f32s([nan, 2.0, -0.0, 3.0]), f32s([1.0, 1.0, 0.0, 4.0])]);
    assert_eq!(max, f32s([1.0, 2.0, 0.0, 4.0]));
    assert_eq!(max >> 64 & 0xffff_ffff, 0.0f32.to_bits() as u128);
    assert_eq!(m.v128("min64", &[f64s([f64::NAN, -0.0]), f64s([5.0, 0.0])]), f64s([5.0, 0.0]));

    // pmulhrsw: MIN * MIN gives MIN (q15mulr_sat_s would give MAX).
    let q = m.v128(
        "q15",
        &[i16s([i16::MIN, 0x4000, -0x4000, 1, 0, 0, 0, 0]), i16s([i16::MIN, 0x4000, 0x4000, 1, 0, 0, 0, 0])],
    );
    assert_eq!(q, i16s([i16::MIN, 0x2000, -0x2000, 0, 0, 0, 0, 0]));

    // pmaddubsw: the second operand's bytes are unsigned (129, not -127) and pair sums saturate.
    let a8 = bytes([0x80, 0x80, 1, 2, 0x7f, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let b8 = bytes([0x81, 0x81, 3, 4, 0x7f, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(m.v128("dot", &[a8, b8]), i16s([i16::MIN, 11, 32258, 0, 0, 0, 0, 0]));
    // Then pairs of i16 sums added into i32 lanes: -32768 + 11 + 5, 32258 + 0 + 7.
    assert_eq!(m.v128("dot_add", &[a8, b8, i32s([5, 7, 0, -1])]), i32s([-32752, 32265, 0, -1]));

    // Bitwise select, not lane-wise by the top bit.
    let sel = m.v128("select32", &[i32s([-1; 4]), i32s([0; 4]), i32s([0x0f0f_0f0f, i32::MIN, 1, 0])]);
    assert_eq!(sel, i32s([0x0f0f_0f0f, i32::MIN, 1, 0]));
}
