//! Compiler tests: small WAT modules compiled by this compiler and run through the real runtime
//! (`tests/instance.rs`); trap sites and address maps are also checked as data. The spec suite
//! runs through the C API in `tests/spec.rs`.

mod index64;
mod inlining;
mod instance;

use super::*;
use crate::abi::traps::TrapKind;
use crate::decode;
use instance::{isa, Instance, NO_CHECKS};

fn i(v: i32) -> u128 {
    v as u32 as u128
}
fn l(v: i64) -> u128 {
    v as u64 as u128
}
fn f(v: f32) -> u128 {
    v.to_bits() as u128
}
fn d(v: f64) -> u128 {
    v.to_bits() as u128
}

#[test]
fn integer_arithmetic() {
    let m = Instance::new(
        r#"(module
        (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
        (func (export "sub") (param i32 i32) (result i32) local.get 0 local.get 1 i32.sub)
        (func (export "mul") (param i32 i32) (result i32) local.get 0 local.get 1 i32.mul)
        (func (export "div_s") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
        (func (export "div_u") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_u)
        (func (export "rem_s") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rem_s)
        (func (export "rem_u") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rem_u)
        (func (export "shl") (param i32 i32) (result i32) local.get 0 local.get 1 i32.shl)
        (func (export "shr_s") (param i32 i32) (result i32) local.get 0 local.get 1 i32.shr_s)
        (func (export "shr_u") (param i32 i32) (result i32) local.get 0 local.get 1 i32.shr_u)
        (func (export "rotl") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rotl)
        (func (export "rotr") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rotr)
        (func (export "clz") (param i32) (result i32) local.get 0 i32.clz)
        (func (export "ctz") (param i32) (result i32) local.get 0 i32.ctz)
        (func (export "popcnt") (param i32) (result i32) local.get 0 i32.popcnt)
        (func (export "eqz") (param i32) (result i32) local.get 0 i32.eqz)
        (func (export "lt_s") (param i32 i32) (result i32) local.get 0 local.get 1 i32.lt_s)
        (func (export "lt_u") (param i32 i32) (result i32) local.get 0 local.get 1 i32.lt_u)
        (func (export "ge_u") (param i32 i32) (result i32) local.get 0 local.get 1 i32.ge_u)
        (func (export "ext8") (param i32) (result i32) local.get 0 i32.extend8_s)
        (func (export "ext16") (param i32) (result i32) local.get 0 i32.extend16_s)
        (func (export "and_or_xor") (param i32 i32) (result i32)
            local.get 0 local.get 1 i32.and local.get 0 local.get 1 i32.or i32.xor)
        (func (export "i64_mul") (param i64 i64) (result i64) local.get 0 local.get 1 i64.mul)
        (func (export "i64_div_s") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_s)
        (func (export "i64_rem_s") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rem_s)
        (func (export "i64_rem_u") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rem_u)
        (func (export "i64_shr_s") (param i64 i64) (result i64) local.get 0 local.get 1 i64.shr_s)
        (func (export "i64_rotl") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rotl)
        (func (export "i64_clz") (param i64) (result i64) local.get 0 i64.clz)
        (func (export "i64_popcnt") (param i64) (result i64) local.get 0 i64.popcnt)
        (func (export "i64_eqz") (param i64) (result i32) local.get 0 i64.eqz)
        (func (export "i64_gt_u") (param i64 i64) (result i32) local.get 0 local.get 1 i64.gt_u)
        (func (export "i64_ext32") (param i64) (result i64) local.get 0 i64.extend32_s)
        (func (export "i64_ext8") (param i64) (result i64) local.get 0 i64.extend8_s)
        (func (export "wrap") (param i64) (result i32) local.get 0 i32.wrap_i64)
        (func (export "extend_s") (param i32) (result i64) local.get 0 i64.extend_i32_s)
        (func (export "extend_u") (param i32) (result i64) local.get 0 i64.extend_i32_u)
    )"#,
    );
    assert_eq!(m.i32("add", &[i(i32::MAX), i(1)]), i32::MIN);
    assert_eq!(m.i32("sub", &[i(3), i(5)]), -2);
    assert_eq!(m.i32("mul", &[i(0x10000), i(0x10000)]), 0);
    assert_eq!(m.i32("div_s", &[i(-7), i(2)]), -3);
    assert_eq!(m.i32("div_u", &[i(-7), i(2)]), 0x7fff_fffc);
    assert_eq!(m.i32("rem_s", &[i(-7), i(2)]), -1);
    assert_eq!(m.i32("rem_s", &[i(i32::MIN), i(-1)]), 0);
    assert_eq!(m.i32("rem_u", &[i(-7), i(2)]), 1);
    assert_eq!(m.i32("shl", &[i(1), i(33)]), 2);
    assert_eq!(m.i32("shr_s", &[i(-8), i(1)]), -4);
    assert_eq!(m.i32("shr_u", &[i(-8), i(33)]), 0x7fff_fffc);
    assert_eq!(m.i32("rotl", &[i(0x8000_0001u32 as i32), i(1)]), 3);
    assert_eq!(m.i32("rotr", &[i(3), i(1)]), 0x8000_0001u32 as i32);
    assert_eq!(m.i32("clz", &[i(0)]), 32);
    assert_eq!(m.i32("clz", &[i(1)]), 31);
    assert_eq!(m.i32("ctz", &[i(0x80)]), 7);
    assert_eq!(m.i32("popcnt", &[i(-1)]), 32);
    assert_eq!(m.i32("eqz", &[i(0)]), 1);
    assert_eq!(m.i32("eqz", &[i(5)]), 0);
    assert_eq!(m.i32("lt_s", &[i(-1), i(0)]), 1);
    assert_eq!(m.i32("lt_u", &[i(-1), i(0)]), 0);
    assert_eq!(m.i32("ge_u", &[i(-1), i(0)]), 1);
    assert_eq!(m.i32("ext8", &[i(0x80)]), -128);
    assert_eq!(m.i32("ext16", &[i(0x1_7fff)]), 0x7fff);
    assert_eq!(m.i32("and_or_xor", &[i(0b1100), i(0b1010)]), 0b0110);
    assert_eq!(m.i64("i64_mul", &[l(1 << 32), l(3)]), 3 << 32);
    assert_eq!(m.i64("i64_div_s", &[l(i64::MIN), l(2)]), i64::MIN / 2);
    assert_eq!(m.i64("i64_rem_s", &[l(i64::MIN), l(-1)]), 0);
    assert_eq!(m.i64("i64_rem_u", &[l(-1), l(10)]), (u64::MAX % 10) as i64);
    assert_eq!(m.i64("i64_shr_s", &[l(-16), l(66)]), -4);
    assert_eq!(m.i64("i64_rotl", &[l(i64::MIN), l(1)]), 1);
    assert_eq!(m.i64("i64_clz", &[l(1)]), 63);
    assert_eq!(m.i64("i64_popcnt", &[l(-1)]), 64);
    assert_eq!(m.i32("i64_eqz", &[l(1 << 40)]), 0);
    assert_eq!(m.i32("i64_gt_u", &[l(-1), l(1)]), 1);
    assert_eq!(m.i64("i64_ext32", &[l(0x8000_0000)]), -0x8000_0000);
    assert_eq!(m.i64("i64_ext8", &[l(0xff)]), -1);
    assert_eq!(m.i32("wrap", &[l(0x1_0000_0005)]), 5);
    assert_eq!(m.i64("extend_s", &[i(-1)]), -1);
    assert_eq!(m.i64("extend_u", &[i(-1)]), 0xffff_ffff);
}

#[test]
fn floating_point() {
    let m = Instance::new(
        r#"(module
        (func (export "min") (param f32 f32) (result f32) local.get 0 local.get 1 f32.min)
        (func (export "max") (param f32 f32) (result f32) local.get 0 local.get 1 f32.max)
        (func (export "dmin") (param f64 f64) (result f64) local.get 0 local.get 1 f64.min)
        (func (export "dmax") (param f64 f64) (result f64) local.get 0 local.get 1 f64.max)
        (func (export "nearest") (param f32) (result f32) local.get 0 f32.nearest)
        (func (export "dnearest") (param f64) (result f64) local.get 0 f64.nearest)
        (func (export "ceil") (param f64) (result f64) local.get 0 f64.ceil)
        (func (export "floor") (param f32) (result f32) local.get 0 f32.floor)
        (func (export "trunc") (param f64) (result f64) local.get 0 f64.trunc)
        (func (export "sqrt") (param f64) (result f64) local.get 0 f64.sqrt)
        (func (export "copysign") (param f32 f32) (result f32) local.get 0 local.get 1 f32.copysign)
        (func (export "dcopysign") (param f64 f64) (result f64) local.get 0 local.get 1 f64.copysign)
        (func (export "neg") (param f64) (result f64) local.get 0 f64.neg)
        (func (export "abs") (param f32) (result f32) local.get 0 f32.abs)
        (func (export "div") (param f64 f64) (result f64) local.get 0 local.get 1 f64.div)
        (func (export "ne") (param f32 f32) (result i32) local.get 0 local.get 1 f32.ne)
        (func (export "lt") (param f64 f64) (result i32) local.get 0 local.get 1 f64.lt)
        (func (export "trunc_s") (param f32) (result i32) local.get 0 i32.trunc_f32_s)
        (func (export "trunc_u") (param f64) (result i32) local.get 0 i32.trunc_f64_u)
        (func (export "trunc_u64") (param f64) (result i64) local.get 0 i64.trunc_f64_u)
        (func (export "sat_s") (param f32) (result i32) local.get 0 i32.trunc_sat_f32_s)
        (func (export "sat_u") (param f64) (result i32) local.get 0 i32.trunc_sat_f64_u)
        (func (export "sat_s64") (param f64) (result i64) local.get 0 i64.trunc_sat_f64_s)
        (func (export "sat_u64") (param f32) (result i64) local.get 0 i64.trunc_sat_f32_u)
        (func (export "conv_u64") (param i64) (result f64) local.get 0 f64.convert_i64_u)
        (func (export "conv_u32") (param i32) (result f32) local.get 0 f32.convert_i32_u)
        (func (export "conv_s32") (param i32) (result f64) local.get 0 f64.convert_i32_s)
        (func (export "demote") (param f64) (result f32) local.get 0 f32.demote_f64)
        (func (export "promote") (param f32) (result f64) local.get 0 f64.promote_f32)
        (func (export "reinterpret") (param f32) (result i32) local.get 0 i32.reinterpret_f32)
        (func (export "reinterpret64") (param i64) (result f64) local.get 0 f64.reinterpret_i64)
        (func (export "consts") (result f64) f32.const 1.5 f64.promote_f32 f64.const -2.25 f64.add)
    )"#,
    );
    assert!(m.f32("min", &[f(f32::NAN), f(1.0)]).is_nan());
    assert!(m.f32("min", &[f(1.0), f(f32::NAN)]).is_nan());
    assert!(m.f32("max", &[f(f32::NAN), f(1.0)]).is_nan());
    assert_eq!(m.f32("min", &[f(0.0), f(-0.0)]).to_bits(), (-0.0f32).to_bits());
    assert_eq!(m.f32("min", &[f(-0.0), f(0.0)]).to_bits(), (-0.0f32).to_bits());
    assert_eq!(m.f32("max", &[f(-0.0), f(0.0)]).to_bits(), 0.0f32.to_bits());
    assert_eq!(m.f32("max", &[f(0.0), f(-0.0)]).to_bits(), 0.0f32.to_bits());
    assert_eq!(m.f32("min", &[f(1.0), f(2.0)]), 1.0);
    assert_eq!(m.f32("max", &[f(1.0), f(2.0)]), 2.0);
    assert!(m.f64("dmin", &[d(f64::NAN), d(0.0)]).is_nan());
    assert!(m.f64("dmax", &[d(0.0), d(f64::NAN)]).is_nan());
    assert_eq!(m.f64("dmin", &[d(0.0), d(-0.0)]).to_bits(), (-0.0f64).to_bits());
    assert_eq!(m.f64("dmax", &[d(-0.0), d(0.0)]).to_bits(), 0.0f64.to_bits());
    assert_eq!(m.f32("nearest", &[f(2.5)]), 2.0);
    assert_eq!(m.f32("nearest", &[f(3.5)]), 4.0);
    assert_eq!(m.f32("nearest", &[f(-0.5)]).to_bits(), (-0.0f32).to_bits());
    assert_eq!(m.f64("dnearest", &[d(-1.5)]), -2.0);
    assert_eq!(m.f64("dnearest", &[d(4503599627370497.0)]), 4503599627370497.0);
    assert_eq!(m.f64("ceil", &[d(-0.5)]).to_bits(), (-0.0f64).to_bits());
    assert_eq!(m.f64("ceil", &[d(1.1)]), 2.0);
    assert_eq!(m.f32("floor", &[f(-1.1)]), -2.0);
    assert_eq!(m.f64("trunc", &[d(-1.9)]), -1.0);
    assert_eq!(m.f64("sqrt", &[d(2.0)]), 2f64.sqrt());
    assert_eq!(m.f32("copysign", &[f(1.5), f(-0.0)]), -1.5);
    assert_eq!(m.f32("copysign", &[f(-1.5), f(f32::NAN)]), 1.5);
    assert_eq!(m.f64("dcopysign", &[d(2.0), d(-3.0)]), -2.0);
    assert_eq!(m.f64("neg", &[d(0.0)]).to_bits(), (-0.0f64).to_bits());
    assert_eq!(m.f32("abs", &[f(-3.0)]), 3.0);
    assert_eq!(m.f64("div", &[d(1.0), d(0.0)]), f64::INFINITY);
    assert_eq!(m.i32("ne", &[f(f32::NAN), f(f32::NAN)]), 1);
    assert_eq!(m.i32("lt", &[d(f64::NAN), d(1.0)]), 0);
    assert_eq!(m.i32("lt", &[d(-1.0), d(1.0)]), 1);
    assert_eq!(m.i32("trunc_s", &[f(-3.9)]), -3);
    assert_eq!(m.i32("trunc_u", &[d(4294967295.9)]), -1);
    assert_eq!(m.i64("trunc_u64", &[d(1e19)]), 10_000_000_000_000_000_000u64 as i64);
    assert_eq!(m.i32("sat_s", &[f(f32::NAN)]), 0);
    assert_eq!(m.i32("sat_s", &[f(1e10)]), i32::MAX);
    assert_eq!(m.i32("sat_s", &[f(-1e10)]), i32::MIN);
    assert_eq!(m.i32("sat_u", &[d(-5.0)]), 0);
    assert_eq!(m.i32("sat_u", &[d(1e10)]), -1);
    assert_eq!(m.i64("sat_s64", &[d(f64::INFINITY)]), i64::MAX);
    assert_eq!(m.i64("sat_u64", &[f(f32::NAN)]), 0);
    assert_eq!(m.i64("sat_u64", &[f(3.7)]), 3);
    assert_eq!(m.f64("conv_u64", &[l(-1)]), 18446744073709551616.0);
    assert_eq!(m.f32("conv_u32", &[i(-1)]), 4294967296.0);
    assert_eq!(m.f64("conv_s32", &[i(-7)]), -7.0);
    assert_eq!(m.f32("demote", &[d(1.0e300)]), f32::INFINITY);
    assert_eq!(m.f64("promote", &[f(0.1)]), 0.1f32 as f64);
    assert_eq!(m.i32("reinterpret", &[f(-0.0)]), i32::MIN);
    assert_eq!(m.f64("reinterpret64", &[l(0x3ff0_0000_0000_0000)]), 1.0);
    assert_eq!(m.f64("consts", &[]), -0.75);
}

#[test]
fn control_flow() {
    let m = Instance::new(
        r#"(module
        (func (export "br_table") (param i32) (result i32)
            (block $d (block $c (block $b (block $a
                (br_table $a $b $c $d (local.get 0)))
                (return (i32.const 10)))
              (return (i32.const 11)))
            (return (i32.const 12)))
          (i32.const 13))
        (func (export "br_table_value") (param i32) (result i32)
          (block $out (result i32)
            (block $x (result i32)
              (i32.const 100)
              (local.get 0)
              (br_table $x $out $x))
            (i32.const 1) (i32.add)))
        (func (export "fac") (param i64) (result i64) (local i64)
          (local.set 1 (i64.const 1))
          (block $done
            (loop $top
              (br_if $done (i64.eqz (local.get 0)))
              (local.set 1 (i64.mul (local.get 1) (local.get 0)))
              (local.set 0 (i64.sub (local.get 0) (i64.const 1)))
              (br $top)))
          (local.get 1))
        (func (export "multi") (param i32 i32) (result i32)
          (local.get 0) (local.get 1)
          (block (param i32 i32) (result i32 i32 i32)
            (i32.const 7))
          (i32.sub) (i32.mul))
        (func (export "if_params") (param i32) (result i32)
          (i32.const 10) (i32.const 3)
          (if (param i32 i32) (result i32) (local.get 0)
            (then (i32.add))
            (else (i32.sub))))
        (func (export "if_no_else") (param i32) (result i32)
          (i32.const 5)
          (if (param i32) (result i32) (local.get 0) (then (i32.const 100) (i32.add))))
        (func (export "loop_params") (param i32) (result i32)
          ;; sums 1..n with the accumulator and counter as loop parameters
          (i32.const 0) (local.get 0)
          (loop $l (param i32 i32) (result i32)
            (local.set 0)
            (local.get 0) (i32.add)
            (local.get 0) (i32.const 1) (i32.sub) (local.tee 0)
            (local.get 0)
            (br_if $l)
            (drop)))
        (func (export "unreachable_after_br") (param i32) (result i32)
          (block (result i32)
            (i32.const 1)
            (br 0)
            (i32.add)
            (unreachable)
            (block (loop (if (i32.const 0) (then))))
            (drop)))
        (func (export "select") (param i32 i64 i64) (result i64)
          (select (local.get 1) (local.get 2) (local.get 0)))
        (func (export "select_typed") (param i32 f64 f64) (result f64)
          (select (result f64) (local.get 1) (local.get 2) (local.get 0)))
        (func (export "early_return") (param i32) (result i32 i32)
          (if (local.get 0) (then (return (i32.const 1) (i32.const 2))))
          (i32.const 3) (i32.const 4))
        (func (export "nested_br") (param i32) (result i32)
          (block $outer (result i32)
            (block $inner
              (br_if $inner (local.get 0))
              (br $outer (i32.const 20)))
            (i32.const 30)))
    )"#,
    );
    for (arg, want) in [(0, 10), (1, 11), (2, 12), (3, 13), (4, 13), (-1, 13)] {
        assert_eq!(m.i32("br_table", &[i(arg)]), want, "br_table {arg}");
    }
    assert_eq!(m.i32("br_table_value", &[i(0)]), 101);
    assert_eq!(m.i32("br_table_value", &[i(1)]), 100);
    assert_eq!(m.i32("br_table_value", &[i(2)]), 101);
    assert_eq!(m.i32("br_table_value", &[i(9)]), 101);
    assert_eq!(m.i64("fac", &[l(20)]), 2432902008176640000);
    assert_eq!(m.i32("multi", &[i(3), i(10)]), 3 * (10 - 7));
    assert_eq!(m.i32("if_params", &[i(1)]), 13);
    assert_eq!(m.i32("if_params", &[i(0)]), 7);
    assert_eq!(m.i32("if_no_else", &[i(1)]), 105);
    assert_eq!(m.i32("if_no_else", &[i(0)]), 5);
    assert_eq!(m.i32("loop_params", &[i(10)]), 55);
    assert_eq!(m.i32("unreachable_after_br", &[i(0)]), 1);
    assert_eq!(m.i64("select", &[i(1), l(5), l(6)]), 5);
    assert_eq!(m.i64("select", &[i(0), l(5), l(6)]), 6);
    assert_eq!(m.f64("select_typed", &[i(0), d(5.0), d(6.5)]), 6.5);
    assert_eq!(m.call("early_return", &[i(1)]), vec![1, 2]);
    assert_eq!(m.call("early_return", &[i(0)]), vec![3, 4]);
    assert_eq!(m.i32("nested_br", &[i(0)]), 20);
    assert_eq!(m.i32("nested_br", &[i(1)]), 30);
}

const MEMORY_WAT: &str = r#"(module
    (memory 1 4)
    (data (i32.const 16) "\01\02\03\04\05\06\07\08\f0\ff\ff\ff\ff\ff\ff\ff")
    (data $passive "hello")
    (func (export "load8_s") (param i32) (result i32) (i32.load8_s (local.get 0)))
    (func (export "load8_u") (param i32) (result i32) (i32.load8_u (local.get 0)))
    (func (export "load16_s") (param i32) (result i32) (i32.load16_s offset=1 (local.get 0)))
    (func (export "load16_u") (param i32) (result i32) (i32.load16_u (local.get 0)))
    (func (export "load32") (param i32) (result i32) (i32.load offset=16 (local.get 0)))
    (func (export "i64_load8_s") (param i32) (result i64) (i64.load8_s (local.get 0)))
    (func (export "i64_load16_u") (param i32) (result i64) (i64.load16_u (local.get 0)))
    (func (export "i64_load32_s") (param i32) (result i64) (i64.load32_s (local.get 0)))
    (func (export "i64_load32_u") (param i32) (result i64) (i64.load32_u (local.get 0)))
    (func (export "i64_load") (param i32) (result i64) (i64.load (local.get 0)))
    (func (export "f32_load") (param i32) (result f32) (f32.load (local.get 0)))
    (func (export "f64_load") (param i32) (result f64) (f64.load (local.get 0)))
    (func (export "stores") (param i32)
      (i32.store8 (local.get 0) (i32.const 0x1ff))
      (i32.store16 offset=2 (local.get 0) (i32.const 0x12345))
      (i64.store8 offset=4 (local.get 0) (i64.const 0xab))
      (i64.store16 offset=6 (local.get 0) (i64.const 0xcdef))
      (i64.store32 offset=8 (local.get 0) (i64.const 0x1_2233_4455))
      (i32.store offset=12 (local.get 0) (i32.const -2))
      (i64.store offset=16 (local.get 0) (i64.const 0x0102030405060708))
      (f32.store offset=24 (local.get 0) (f32.const 1.5))
      (f64.store offset=28 (local.get 0) (f64.const -2.5)))
    (func (export "size") (result i32) (memory.size))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
    (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
    (func (export "init") (param i32) (memory.init $passive (local.get 0) (i32.const 1) (i32.const 4)) (data.drop $passive))
    (func (export "high") (result i32)
      ;; an address above 2 GiB in the index plus a large offset must not be sign-extended
      (i32.store offset=0x7fff_fff0 (i32.const 0x8000_0020) (i32.const 77))
      (i32.load offset=0x7fff_fff0 (i32.const 0x8000_0020)))
)"#;

fn check_memory(m: &Instance, guard_pages: bool) {
    assert_eq!(m.i32("load8_s", &[i(24)]), -16);
    assert_eq!(m.i32("load8_u", &[i(24)]), 0xf0);
    assert_eq!(m.i32("load16_s", &[i(24)]), -1);
    assert_eq!(m.i32("load16_u", &[i(16)]), 0x0201);
    assert_eq!(m.i32("load32", &[i(0)]), 0x04030201);
    assert_eq!(m.i64("i64_load8_s", &[i(25)]), -1);
    assert_eq!(m.i64("i64_load16_u", &[i(24)]), 0xfff0);
    assert_eq!(m.i64("i64_load32_s", &[i(24)]), -16);
    assert_eq!(m.i64("i64_load32_u", &[i(24)]), 0xffff_fff0);
    assert_eq!(m.i64("i64_load", &[i(16)]), 0x0807060504030201);
    m.call("stores", &[i(100)]);
    assert_eq!(m.memory(0)[100], 0xff);
    assert_eq!(&m.memory(0)[102..104], &[0x45, 0x23]);
    assert_eq!(m.memory(0)[104], 0xab);
    assert_eq!(&m.memory(0)[106..108], &[0xef, 0xcd]);
    assert_eq!(&m.memory(0)[108..112], &[0x55, 0x44, 0x33, 0x22]);
    assert_eq!(m.i32("load32", &[i(112 - 16)]), -2);
    assert_eq!(m.i64("i64_load", &[i(116)]), 0x0102030405060708);
    assert_eq!(m.f32("f32_load", &[i(124)]), 1.5);
    assert_eq!(m.f64("f64_load", &[i(128)]), -2.5);
    assert_eq!(m.i32("size", &[]), 1);
    assert_eq!(m.i32("grow", &[i(2)]), 1);
    assert_eq!(m.i32("size", &[]), 3);
    assert_eq!(m.i32("grow", &[i(2)]), -1);
    assert_eq!(m.i32("size", &[]), 3);
    m.call("fill", &[i(200), i(0x5a), i(3)]);
    assert_eq!(&m.memory(0)[199..204], &[0, 0x5a, 0x5a, 0x5a, 0]);
    m.call("copy", &[i(201), i(16), i(4)]);
    assert_eq!(&m.memory(0)[200..206], &[0x5a, 1, 2, 3, 4, 0]);
    m.call("init", &[i(300)]);
    assert_eq!(&m.memory(0)[300..304], b"ello");
    // Past the end (3 pages now), just past it, and far beyond: caught by the guard region or
    // by the explicit checks, with the spec's message either way.
    for addr in [3 * 65536 - 3, 3 * 65536, 0x7fff_0000u32, 0xffff_fff0] {
        assert_eq!(m.trap("load32", &[i(addr as i32)]), "out of bounds memory access", "address {addr:#x}");
    }
    let _ = guard_pages;
}

#[test]
fn memory_guard_pages() {
    let m = Instance::new(MEMORY_WAT);
    check_memory(&m, true);
}

#[test]
fn memory_explicit_bounds_checks() {
    let m = Instance::with(
        MEMORY_WAT,
        &Tunables {
            explicit_bounds_checks: true,
            epoch_interruption: false,
            consume_fuel: false,
            tier_up: false,
            inlining: true,
        },
        1,
    );
    check_memory(&m, false);
    // Every access is guarded by a check against the length, so trap sites are recorded.
    assert!(m.code.functions.iter().any(|f| f.traps.iter().any(|t| t.kind == TrapKind::MemoryOutOfBounds)));
}

#[test]
fn calls_globals_tables() {
    let m = Instance::new(
        r#"(module
        (import "host" "add1000" (func $host (param i32) (result i32)))
        (type $ii (func (param i32) (result i32)))
        (type $v_i (func (result i32)))
        (table $t 4 funcref)
        (elem (table $t) (i32.const 0) func $double $triple $fib)
        (global $g (mut i32) (i32.const 5))
        (global $h (mut i64) (i64.const -1))
        (global $k f64 (f64.const 2.5))
        (func $fib (export "fib") (param i32) (result i32)
          (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
            (then (local.get 0))
            (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                           (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
        (func $double (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
        (func $triple (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
        (func (export "indirect") (param i32 i32) (result i32)
          (call_indirect $t (type $ii) (local.get 1) (local.get 0)))
        (func (export "host") (param i32) (result i32) (call $host (local.get 0)))
        (func $swap (param i32 i64 f32 f64) (result f64 f32 i64 i32)
          (local.get 3) (local.get 2) (local.get 1) (local.get 0))
        (func (export "multi_ret") (result f64) (local f64 f32 i64 i32)
          (call $swap (i32.const 1) (i64.const 2) (f32.const 3) (f64.const 4))
          (local.set 3) (local.set 2) (local.set 1) (local.set 0)
          (f64.add
            (f64.add (f64.mul (local.get 0) (f64.const 1000)) (f64.mul (f64.promote_f32 (local.get 1)) (f64.const 100)))
            (f64.add (f64.mul (f64.convert_i64_s (local.get 2)) (f64.const 10)) (f64.convert_i32_s (local.get 3)))))
        (func $many (result i32 i32 i32 i32 i32 i32 i32 i32)
          (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4)
          (i32.const 5) (i32.const 6) (i32.const 7) (i32.const 8))
        (func (export "many_ret") (result i32)
          (call $many) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add))
        (func (export "globals") (result i32)
          (global.set $g (i32.add (global.get $g) (i32.const 10)))
          (global.set $h (i64.add (global.get $h) (i64.const 3)))
          (i32.add (global.get $g) (i32.wrap_i64 (global.get $h))))
        (func (export "global_f64") (result f64) (global.get $k))
        (func (export "table_ops") (result i32)
          ;; slot 3 := slot 1 (triple), then call through it; also ref.is_null and table.size
          (table.set $t (i32.const 3) (table.get $t (i32.const 1)))
          (i32.add
            (i32.add (call_indirect $t (type $ii) (i32.const 5) (i32.const 3)) (table.size $t))
            (ref.is_null (table.get $t (i32.const 0)))))
        (func (export "ref_func") (result i32)
          (table.set $t (i32.const 3) (ref.func $double))
          (call_indirect $t (type $ii) (i32.const 21) (i32.const 3)))
        (func (export "is_null") (result i32) (ref.is_null (ref.null func)))
        (func (export "table_fill_copy") (result i32)
          (table.fill $t (i32.const 2) (ref.func $triple) (i32.const 2))
          (table.copy $t $t (i32.const 0) (i32.const 2) (i32.const 1))
          (call_indirect $t (type $ii) (i32.const 7) (i32.const 0)))
    )"#,
    );
    assert_eq!(m.i32("fib", &[i(20)]), 6765);
    assert_eq!(m.i32("indirect", &[i(0), i(21)]), 42);
    assert_eq!(m.i32("indirect", &[i(1), i(5)]), 15);
    assert_eq!(m.i32("indirect", &[i(2), i(10)]), 55);
    assert_eq!(m.i32("host", &[i(5)]), 1005);
    assert_eq!(m.f64("multi_ret", &[]), 4321.0);
    assert_eq!(m.i32("many_ret", &[]), 36);
    assert_eq!(m.i32("globals", &[]), 17);
    assert_eq!(m.i32("globals", &[]), 30);
    assert_eq!(m.f64("global_f64", &[]), 2.5);
    assert_eq!(m.i32("table_ops", &[]), 15 + 4);
    assert_eq!(m.i32("ref_func", &[]), 42);
    assert_eq!(m.i32("is_null", &[]), 1);
    assert_eq!(m.i32("table_fill_copy", &[]), 21);
}

#[test]
fn trap_sites_and_address_map() {
    let m = Instance::new(
        r#"(module
        (type $t (func))
        (table 1 funcref)
        (memory 1)
        (func (export "traps") (param i32 i32) (result i32)
          (call_indirect (type $t) (local.get 0))
          (if (local.get 1) (then unreachable))
          (drop (i32.trunc_f32_s (f32.convert_i32_s (local.get 0))))
          (drop (i32.load (local.get 0)))
          (i32.div_s (local.get 0) (local.get 1)))
    )"#,
    );
    let f = &m.code.functions[0];
    let kinds: Vec<TrapKind> = f.traps.iter().map(|t| t.kind).collect();
    for k in [
        TrapKind::StackOverflow,
        TrapKind::UndefinedElement,
        TrapKind::UninitializedElement,
        TrapKind::IndirectCallTypeMismatch,
        TrapKind::Unreachable,
        TrapKind::BadConversionToInteger,
        TrapKind::IntegerOverflow,
        TrapKind::MemoryOutOfBounds,
        TrapKind::IntegerDivisionByZero,
    ] {
        assert!(kinds.contains(&k), "missing trap site {k:?} in {kinds:?}");
    }
    assert!(f.traps.windows(2).all(|w| w[0].offset <= w[1].offset));
    assert!(f.traps.iter().all(|t| t.offset < f.len));
    // The address map points into the function's body in the module binary.
    let body = &m.module.info.bodies[0].range;
    assert!(f.address_map.len() > 5);
    assert!(f.address_map.windows(2).all(|w| w[0].0 <= w[1].0));
    assert!(f.address_map.iter().all(|&(c, w)| c < f.len && body.contains(&(w as usize))));
}

#[test]
fn parallel_compilation_is_deterministic() {
    let mut wat = String::from("(module (memory 1)");
    for k in 0..24 {
        wat.push_str(&format!(
            "(func (export \"f{k}\") (param i32) (result i32) (local i32)
               (loop $l (local.set 1 (i32.add (local.get 1) (i32.load (local.get 0))))
                 (br_if $l (i32.gt_u (local.tee 0 (i32.sub (local.get 0) (i32.const {}))) (i32.const 100))))
               (i32.add (local.get 1) (call {} (local.get 1))))",
            k + 1,
            (k + 1) % 24
        ));
    }
    wat.push(')');
    let bytes = wat::parse_str(&wat).unwrap();
    let module = decode::decode(bytes).unwrap();
    let tunables = NO_CHECKS;
    let a = compile_module(isa(), &module, &tunables, 1).unwrap();
    let b = compile_module(isa(), &module, &tunables, 2).unwrap();
    assert_eq!(a.entry_trampolines, b.entry_trampolines);
    assert_eq!(a.functions.len(), 24);
    for (x, y) in a.functions.iter().zip(&b.functions) {
        assert_eq!((x.offset, x.len), (y.offset, y.len));
        let cx = &a.code.bytes()[x.offset as usize..][..x.len as usize];
        let cy = &b.code.bytes()[y.offset as usize..][..y.len as usize];
        // Call displacements are relative, so identical layouts give identical bytes.
        assert_eq!(cx, cy);
    }
}

fn v(lanes: [u32; 4]) -> u128 {
    lanes.iter().enumerate().fold(0u128, |acc, (k, x)| acc | (*x as u128) << (32 * k))
}

#[test]
fn simd_boundaries_and_ops() {
    let m = Instance::new(
        r#"(module
        (memory 1)
        (global $g (mut v128) (v128.const i64x2 0 0))
        (func $id (param v128) (result v128) (local.get 0))
        (func (export "mixed") (param v128 v128 i32) (result v128) (local v128)
          ;; values of different lane shapes meet at select, block results, calls, locals, globals
          (local.set 3
            (select (i32x4.add (local.get 0) (local.get 1))
                    (f32x4.add (local.get 0) (local.get 1))
                    (local.get 2)))
          (global.set $g (i16x8.sub (local.get 3) (local.get 0)))
          (block (result v128)
            (if (result v128) (local.get 2)
              (then (call $id (i8x16.abs (global.get $g))))
              (else (f64x2.neg (global.get $g))))))
        (func (export "loop") (param v128 i32) (result v128)
          (local.get 0)
          (loop $l (param v128) (result v128)
            (i32x4.mul (i32x4.splat (i32.const 2)))
            (local.tee 1 (i32.sub (local.get 1) (i32.const 1)))
            (br_if $l)))
        (func (export "ops") (param v128 v128) (result i32)
          (i32.add
            (i32.add (i8x16.bitmask (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0 (local.get 0) (local.get 1)))
                     (i32x4.extract_lane 3 (i32x4.dot_i16x8_s (local.get 0) (local.get 1))))
            (i32.add (v128.any_true (v128.and (local.get 0) (local.get 1)))
                     (i32x4.all_true (i32x4.ge_u (local.get 0) (local.get 1))))))
        (func (export "mem") (param i32) (result v128)
          (v128.store offset=16 (local.get 0) (v128.const i32x4 1 2 3 4))
          (v128.store8_lane offset=32 0 (local.get 0) (v128.const i8x16 9 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0))
          (v128.load32_lane offset=32 3
            (local.get 0)
            (i32x4.add (v128.load offset=16 (local.get 0)) (v128.load32_splat offset=20 (local.get 0)))))
        (func (export "convert") (param v128) (result v128)
          (f32x4.demote_f64x2_zero (f64x2.convert_low_i32x4_u (i32x4.trunc_sat_f32x4_s (local.get 0)))))
    )"#,
    );
    let a = v([1, 2, 3, 4]);
    let b = v([10, 20, 30, 40]);
    // cond=1: i32x4.add → g = (a+b)-a = b (as i16 lanes) → abs as i8 lanes = b (all positive)
    assert_eq!(m.v128("mixed", &[a, b, i(1)]), b);
    assert_eq!(m.v128("loop", &[a, i(3)]), v([8, 16, 24, 32]));
    let ones = u128::MAX;
    let r = m.i32("ops", &[ones, ones]);
    // bitmask of all-ones = 0xffff, dot(-1,-1) lanes = 2, any_true = 1, all ge_u = 1
    assert_eq!(r, 0xffff + 2 + 1 + 1);
    let got = m.v128("mem", &[i(64)]);
    assert_eq!(got, v([3, 4, 5, 9]));
    let fl = |x: f32| x.to_bits();
    let got = m.v128("convert", &[v([fl(1.9), fl(-3.5), fl(7.0), fl(8.0)])]);
    // trunc_sat → [1, -3, 7, 8]; convert_low_u → [1.0, 4294967293.0]; demote → f32 lanes, zeros
    assert_eq!(got, v([fl(1.0), fl(4294967293.0), 0, 0]));
}

/// Developer aid: prints the IR and machine code of function `$FUNC` (default: the first
/// defined one) of `$WASM` (a file) or `$WAT` (text), else of a sample loop; `EXPLICIT=1` selects explicit bounds checks. Run with `--ignored --nocapture`.
#[test]
#[ignore]
fn print_disasm() {
    let wat = std::env::var("WAT").unwrap_or_else(|_| {
        r#"(module (memory 1)
      (func (export "sum") (param i32 i32) (result i32) (local i32)
        (loop $l
          (local.set 2 (i32.add (local.get 2) (i32.load offset=8 (local.get 0))))
          (local.set 0 (i32.add (local.get 0) (i32.const 4)))
          (br_if $l (local.tee 1 (i32.sub (local.get 1) (i32.const 1)))))
        (local.get 2)))"#
            .to_string()
    });
    let bytes = match std::env::var("WASM") {
        Ok(path) => std::fs::read(path).unwrap(),
        Err(_) => wat::parse_str(&wat).unwrap(),
    };
    let module = decode::decode(bytes).unwrap();
    let func: u32 = std::env::var("FUNC").ok().and_then(|f| f.parse().ok()).unwrap_or(module.num_imported_funcs);
    let tunables = Tunables {
        explicit_bounds_checks: std::env::var_os("EXPLICIT").is_some(),
        epoch_interruption: false,
        consume_fuel: false,
        tier_up: false,
        inlining: std::env::var_os("NO_INLINE").is_none(),
    };
    let env = translate::ModuleEnv::new(isa(), &module, &tunables);
    let mut ctx = cranelift_codegen::Context::new();
    let mut fctx = cranelift_frontend::FunctionBuilderContext::new();
    translate::translate_function(&env, func, &mut ctx.func, &mut fctx).unwrap();
    println!("{}", ctx.func.display());
    // The same pipeline as compile_function: inlining (unless NO_INLINE), mid-end and hoisting,
    // then the back end.
    if env.inline {
        let frames = super::inline::inline_calls(&env, func, &mut ctx, &mut fctx).unwrap();
        println!("after inlining ({} inline frames):\n{}", frames.len(), ctx.func.display());
    }
    hoist::optimize(isa(), &mut ctx).unwrap();
    println!("after the mid-end and hoisting:\n{}", ctx.func.display());
    let c = hoist::compile_backend(isa(), &ctx, true).unwrap();
    println!("{}", c.vcode.clone().unwrap());
}

/// Developer aid: compiles the module at `$WASM` and prints timing (`--ignored --nocapture`;
/// `TIER=baseline` for the baseline tier, `THREADS=n`).
#[test]
#[ignore]
fn compile_file() {
    let path = std::env::var("WASM").expect("set WASM=path/to/module.wasm");
    let bytes = std::fs::read(&path).unwrap();
    let t = std::time::Instant::now();
    let module = decode::decode(bytes).unwrap();
    println!("decode+validate: {:?}", t.elapsed());
    let threads = std::env::var("THREADS").ok().and_then(|t| t.parse().ok()).unwrap_or(0);
    let t = std::time::Instant::now();
    // TIER=baseline: the lazy tier's settings (opt_level=none, single-pass register allocator).
    let tier = if std::env::var("TIER").as_deref() == Ok("baseline") { Tier::Baseline } else { Tier::Optimized };
    let isa = build_isa_with(std::env::var_os("VERIFY").is_some(), tier).unwrap();
    let code = compile_module(&*isa, &module, &NO_CHECKS, threads).unwrap();
    let elapsed = t.elapsed();
    println!(
        "compiled {} functions into {} bytes in {:?} ({:.1} MB/s of wasm)",
        code.functions.len(),
        code.code.len(),
        elapsed,
        module.bytes.len() as f64 / 1e6 / elapsed.as_secs_f64()
    );
}

/// Developer aid: runs the benchmark kernels (bench/kernels) through the runtime and prints each
/// checksum and time (`--ignored --nocapture`; `KERNELS=fib,sieve` selects some).
#[test]
#[ignore]
fn run_kernels() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/kernels");
    let list = std::fs::read_to_string(dir.join("kernels.tsv")).unwrap();
    let only = std::env::var("KERNELS").ok();
    for line in list.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        if only.as_ref().is_some_and(|o| !o.split(',').any(|k| k == cols[0])) {
            continue;
        }
        let n: i32 = cols[1].parse().unwrap();
        let bytes = std::fs::read(dir.join(format!("{}.wasm", cols[0]))).unwrap();
        let inst = Instance::from_binary(bytes, &NO_CHECKS, 0).unwrap();
        let mut best = f64::MAX;
        let mut r = 0;
        for _ in 0..3 {
            let t = std::time::Instant::now();
            r = inst.i64("run", &[i(n)]);
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("{:<12} {:>10.3} ms  checksum {r}", cols[0], best * 1e3);
    }
}

/// Loop-invariant code motion (hoist.rs) keeps results, and a loop that runs zero times never
/// executes the (unhoisted) division by zero in its body.
#[test]
fn hoisted_loops_compute_the_same_and_do_not_trap_early() {
    let m = Instance::new(hoist::tests::LOOP_WAT);
    // 3 rounds of acc = (acc + 1/4) / 4 and q += 7/2 + trunc(1.0) = 4.
    let mut acc = 0.0f64;
    for _ in 0..3 {
        acc = (acc + 0.25) / 4.0;
    }
    assert_eq!(m.f64("f", &[i(3), d(1.0), d(4.0), i(7), i(2)]), acc + 12.0);
    // n = 0: the body (7 / 0, trunc(NaN)) never runs, so nothing traps.
    assert_eq!(m.f64("f", &[i(0), d(f64::NAN), d(0.0), i(7), i(0)]), 0.0);
}

/// Address arithmetic widened to 64 bits by hoist.rs (`widen_bounded_index`) reads the same
/// table entries, and 32-bit additions that do wrap are left wrapping.
#[test]
fn widened_indices_read_the_same_and_wrapping_sums_still_wrap() {
    let m = Instance::new(
        r#"(module (memory 1)
      (func (export "wrap") (param $x i32) (result i64) (local $i i32) (local $s i64)
        (loop $l
          (local.set $s (i64.add (local.get $s) (i64.extend_i32_u
            (i32.add (i32.and (local.get $x) (i32.const 255)) (i32.const 0xffffff80)))))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 2))))
        (local.get $s))
      (func (export "lookup") (param $x i32) (result i32) (local $i i32) (local $s i32)
        (loop $fill
          (i32.store offset=1024 (i32.shl (local.get $i) (i32.const 2)) (i32.mul (local.get $i) (i32.const 3)))
          (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 256))))
        (local.set $i (i32.const 0))
        (loop $l
          (local.set $s (i32.add (local.get $s) (i32.load (i32.add
            (i32.shl (i32.and (i32.xor (local.get $x) (local.get $i)) (i32.const 255)) (i32.const 2))
            (i32.const 1024)))))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 300))))
        (local.get $s)))"#,
    );
    // (0x90 & 0xff) + 0xffffff80 wraps to 0x10 in 32 bits; twice.
    assert_eq!(m.i64("wrap", &[i(0x90)]), 0x20);
    for x in [0, 7, 0x1234_5678, -1] {
        let expected: i32 = (0..300).map(|k: i32| 3 * ((x ^ k) & 255)).sum();
        assert_eq!(m.i32("lookup", &[i(x)]), expected);
    }
}

/// Baseline code counts one unit of the tier-up budget per function entry and per loop
/// iteration; the call that overdraws it asks for the optimising tier, which refills the budget
/// so that a function asks once. (No tier-up thread runs here: the counts are exact.)
#[test]
fn tier_up_budget_counts_entries_and_loop_iterations() {
    use crate::runtime::lazy::TIER_UP_BUDGET;
    let m = Instance::tiered_without_tier_up(
        r#"(module
        (func (export "spin") (param i32)
          (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))
        (func (export "leaf") (result i32) (i32.const 7))
        (func (export "calls_leaf") (param i32) (result i32)
          (loop $l (drop (call 1)) (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
          (i32.const 0)))"#,
    );
    // Functions are budgeted separately, and only once they run.
    assert_eq!(m.tier_up_budget(0), TIER_UP_BUDGET);
    m.call("spin", &[i(100)]);
    assert_eq!(m.tier_up_budget(0), TIER_UP_BUDGET - 101); // entry + 100 iterations
    assert_eq!(m.tier_up_budget(1), TIER_UP_BUDGET);
    m.call("calls_leaf", &[i(50)]);
    assert_eq!(m.tier_up_budget(2), TIER_UP_BUDGET - 51);
    assert_eq!(m.tier_up_budget(1), TIER_UP_BUDGET - 50); // one per entry of the callee
                                                          // Exactly exhausting the budget does not ask yet; the next unit does, and the budget is
                                                          // refilled so that the function is not queued again on every iteration.
    m.call("spin", &[i(TIER_UP_BUDGET - 101 - 1)]);
    assert_eq!(m.tier_up_budget(0), 0);
    m.call("spin", &[i(1)]);
    assert!(m.tier_up_budget(0) > TIER_UP_BUDGET, "refilled: {}", m.tier_up_budget(0));
    // The code is still the baseline's (no tier-up thread), and still computes the same.
    assert_eq!(m.i32("leaf", &[]), 7);
}
