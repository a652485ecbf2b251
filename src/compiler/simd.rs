//! Lowering of the WebAssembly SIMD (v128) operators to Cranelift vector instructions.
//!
//! A v128 on the operand stack may have any Cranelift vector type; each operator reinterprets
//! its operands to the lane shape it needs (`bitcast`s between vector types are free) and
//! pushes its result in its natural shape. `FuncTranslator::canon` turns values back into
//! `i8x16` wherever they cross a block, call, local or global boundary.
//!
//! Relaxed SIMD: each relaxed operator may give one of several results; wasmlift picks one per
//! ISA, always the same on every host of that ISA (so a module's results never depend on the
//! CPU it happens to run on), the fastest such choice on x86-64:
//!
//! | operator                         | x86-64                                  | other ISAs                |
//! |----------------------------------|-----------------------------------------|---------------------------|
//! | i8x16.relaxed_swizzle            | `pshufb`: index >= 128 gives 0, other   | `i8x16.swizzle`           |
//! |                                  | indices pick lane `index % 16`          |                           |
//! | i32x4.relaxed_trunc_f32x4_s      | `cvttps2dq`: NaN/out of range gives     | `trunc_sat` (saturating)  |
//! |                                  | i32::MIN                                |                           |
//! | i32x4.relaxed_trunc_f64x2_s_zero | `cvttpd2dq`: likewise                   | `trunc_sat`               |
//! | i32x4.relaxed_trunc_f32x4_u,     | `trunc_sat` (saturating; x86 has no     | `trunc_sat`               |
//! | ..._f64x2_u_zero                 | unsigned vector conversion)             |                           |
//! | f32x4/f64x2.relaxed_madd, nmadd  | fused (`vfmadd`; hosts without FMA get  | fused                     |
//! |                                  | the same fused result from a libcall)   |                           |
//! | iNxM.relaxed_laneselect          | bitwise select (`v128.bitselect`)       | bitwise select            |
//! | f32x4/f64x2.relaxed_min, max     | `minps`/`maxps`: `a < b ? a : b` (NaN   | `fmin`/`fmax` (wasm       |
//! |                                  | or ±0 pairs give the second operand)    | semantics)                |
//! | i16x8.relaxed_q15mulr_s          | `pmulhrsw`: MIN * MIN gives MIN         | `q15mulr_sat_s`           |
//! | i16x8.relaxed_dot_i8x16_i7x16_s  | `pmaddubsw`: second operand unsigned,   | second operand signed,    |
//! |                                  | pair sums saturate to i16               | sums wrap                 |
//! | i32x4.relaxed_dot_..._add_s      | `pmaddubsw`, then `pmaddwd` by 1, add   | as above, widened, add    |
//!
//! The x86-64 choices need SSSE3, which every SIMD lowering here already assumes.

use super::translate::{lane_cast, FuncTranslator};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::types::*;
use cranelift_codegen::ir::{ConstantData, InstBuilder, Type, Value};
use wasmparser::{MemArg, Operator};

macro_rules! vbin {
    ($s:ident, $ty:expr, $op:ident) => {{
        let (a, b) = $s.pop2_as($ty);
        let v = $s.b.ins().$op(a, b);
        $s.push(v);
    }};
}
macro_rules! vun {
    ($s:ident, $ty:expr, $op:ident) => {{
        let a = $s.pop_as($ty);
        let v = $s.b.ins().$op(a);
        $s.push(v);
    }};
}
macro_rules! vicmp {
    ($s:ident, $ty:expr, $cc:expr) => {{
        let (a, b) = $s.pop2_as($ty);
        let v = $s.b.ins().icmp($cc, a, b);
        $s.push(v);
    }};
}
macro_rules! vfcmp {
    ($s:ident, $ty:expr, $cc:expr) => {{
        let (a, b) = $s.pop2_as($ty);
        let v = $s.b.ins().fcmp($cc, a, b);
        $s.push(v);
    }};
}
macro_rules! vconv {
    ($s:ident, $from:expr, $op:ident, $to:expr) => {{
        let a = $s.pop_as($from);
        let v = $s.b.ins().$op($to, a);
        $s.push(v);
    }};
}

impl<'e, 'f> FuncTranslator<'e, 'f> {
    fn as_type(&mut self, v: Value, ty: Type) -> Value {
        if self.ty(v) == ty {
            v
        } else {
            self.b.ins().bitcast(ty, lane_cast(), v)
        }
    }

    fn pop_as(&mut self, ty: Type) -> Value {
        let v = self.pop();
        self.as_type(v, ty)
    }

    fn pop2_as(&mut self, ty: Type) -> (Value, Value) {
        let (a, b) = self.pop2();
        (self.as_type(a, ty), self.as_type(b, ty))
    }

    fn vconst(&mut self, ty: Type, bytes: [u8; 16]) -> Value {
        let c = self.b.func.dfg.constants.insert(ConstantData::from(bytes.to_vec()));
        self.b.ins().vconst(ty, c)
    }

    /// Pops the address, loads `size` bytes and lets `f` turn the loaded scalar (or vector) into
    /// the result vector.
    fn vload(&mut self, memarg: &MemArg, ty: Type, f: impl FnOnce(&mut Self, Value) -> Value) -> Result<(), String> {
        let index = self.pop();
        let (addr, off) = self.heap_addr(memarg, index, ty.bytes())?;
        let fl = self.heap_flags();
        let x = self.b.ins().load(ty, fl, addr, off);
        let v = f(self, x);
        self.push(v);
        Ok(())
    }

    /// `load*x*`: extending loads of 8 bytes.
    fn vload_extend(&mut self, memarg: &MemArg, signed: bool, lanes: Type) -> Result<(), String> {
        let index = self.pop();
        let (addr, off) = self.heap_addr(memarg, index, 8)?;
        let fl = self.heap_flags();
        let v = match (lanes, signed) {
            (I16X8, true) => self.b.ins().sload8x8(fl, addr, off),
            (I16X8, false) => self.b.ins().uload8x8(fl, addr, off),
            (I32X4, true) => self.b.ins().sload16x4(fl, addr, off),
            (I32X4, false) => self.b.ins().uload16x4(fl, addr, off),
            (I64X2, true) => self.b.ins().sload32x2(fl, addr, off),
            _ => self.b.ins().uload32x2(fl, addr, off),
        };
        self.push(v);
        Ok(())
    }

    fn vload_lane(&mut self, memarg: &MemArg, lane: u8, vty: Type) -> Result<(), String> {
        let v = self.pop_as(vty);
        let index = self.pop();
        let (addr, off) = self.heap_addr(memarg, index, vty.lane_type().bytes())?;
        let fl = self.heap_flags();
        let x = self.b.ins().load(vty.lane_type(), fl, addr, off);
        let r = self.b.ins().insertlane(v, x, lane);
        self.push(r);
        Ok(())
    }

    fn vstore_lane(&mut self, memarg: &MemArg, lane: u8, vty: Type) -> Result<(), String> {
        let v = self.pop_as(vty);
        let index = self.pop();
        let (addr, off) = self.heap_addr(memarg, index, vty.lane_type().bytes())?;
        let x = self.b.ins().extractlane(v, lane);
        let fl = self.heap_flags();
        self.b.ins().store(fl, x, addr, off);
        Ok(())
    }

    fn extract_lane(&mut self, vty: Type, lane: u8, extend: Option<bool>) {
        let v = self.pop_as(vty);
        let x = self.b.ins().extractlane(v, lane);
        let x = match extend {
            Some(true) => self.b.ins().sextend(I32, x),
            Some(false) => self.b.ins().uextend(I32, x),
            None => x,
        };
        self.push(x);
    }

    fn replace_lane(&mut self, vty: Type, lane: u8) {
        let mut x = self.pop();
        let v = self.pop_as(vty);
        if vty.lane_type().bits() < 32 {
            x = self.b.ins().ireduce(vty.lane_type(), x);
        }
        let r = self.b.ins().insertlane(v, x, lane);
        self.push(r);
    }

    fn splat(&mut self, vty: Type) {
        let mut x = self.pop();
        if vty.lane_type().bits() < 32 {
            x = self.b.ins().ireduce(vty.lane_type(), x);
        }
        let v = self.b.ins().splat(vty, x);
        self.push(v);
    }

    /// Shifts take the amount modulo the lane width.
    fn vshift(&mut self, vty: Type, op: fn(&mut Self, Value, Value) -> Value) {
        let amount = self.pop();
        let v = self.pop_as(vty);
        let mask = self.b.ins().iconst(I32, (vty.lane_bits() - 1) as i64);
        let amount = self.b.ins().band(amount, mask);
        let r = op(self, v, amount);
        self.push(r);
    }

    fn all_true(&mut self, vty: Type) {
        let v = self.pop_as(vty);
        let c = self.b.ins().vall_true(v);
        let r = self.b.ins().uextend(I32, c);
        self.push(r);
    }

    fn bitmask(&mut self, vty: Type) {
        let v = self.pop_as(vty);
        let r = self.b.ins().vhigh_bits(I32, v);
        self.push(r);
    }

    /// Pairwise widening add of adjacent lanes.
    fn extadd_pairwise(&mut self, vty: Type, signed: bool) {
        let v = self.pop_as(vty);
        let (lo, hi) = if signed {
            (self.b.ins().swiden_low(v), self.b.ins().swiden_high(v))
        } else {
            (self.b.ins().uwiden_low(v), self.b.ins().uwiden_high(v))
        };
        let r = self.b.ins().iadd_pairwise(lo, hi);
        self.push(r);
    }

    fn widen(&mut self, v: Value, signed: bool, high: bool) -> Value {
        match (signed, high) {
            (true, false) => self.b.ins().swiden_low(v),
            (true, true) => self.b.ins().swiden_high(v),
            (false, false) => self.b.ins().uwiden_low(v),
            (false, true) => self.b.ins().uwiden_high(v),
        }
    }

    fn extend(&mut self, vty: Type, signed: bool, high: bool) {
        let v = self.pop_as(vty);
        let r = self.widen(v, signed, high);
        self.push(r);
    }

    fn extmul(&mut self, vty: Type, signed: bool, high: bool) {
        let (a, b) = self.pop2_as(vty);
        let a = self.widen(a, signed, high);
        let b = self.widen(b, signed, high);
        let r = self.b.ins().imul(a, b);
        self.push(r);
    }

    /// Pseudo-minimum/maximum: `pmin(a, b) = b < a ? b : a`, `pmax(a, b) = a < b ? b : a`.
    fn pminmax(&mut self, vty: Type, max: bool) {
        let (a, b) = self.pop2_as(vty);
        let cmp =
            if max { self.b.ins().fcmp(FloatCC::LessThan, a, b) } else { self.b.ins().fcmp(FloatCC::LessThan, b, a) };
        let mask = self.as_type(cmp, vty);
        let r = self.b.ins().bitselect(mask, b, a);
        self.push(r);
    }

    /// Bitwise binary operators accept any vector shape; mixed shapes go through `i8x16`.
    fn vbitwise(&mut self, op: fn(&mut Self, Value, Value) -> Value) {
        let (mut a, mut b) = self.pop2();
        if self.ty(a) != self.ty(b) {
            a = self.as_type(a, I8X16);
            b = self.as_type(b, I8X16);
        }
        let r = op(self, a, b);
        self.push(r);
    }

    fn on_x86_64(&self) -> bool {
        self.env.isa.name() == "x64"
    }

    /// `relaxed_min`/`relaxed_max` (see the table at the top).
    fn relaxed_minmax(&mut self, vty: Type, max: bool) {
        if !self.on_x86_64() {
            let (a, b) = self.pop2_as(vty);
            let v = if max { self.b.ins().fmax(a, b) } else { self.b.ins().fmin(a, b) };
            self.push(v);
            return;
        }
        // Shaped as Cranelift's x64 back end matches `minps`/`maxps`: min is `a < b ? a : b`,
        // max is `b < a ? a : b`.
        let (a, b) = self.pop2_as(vty);
        let cmp =
            if max { self.b.ins().fcmp(FloatCC::LessThan, b, a) } else { self.b.ins().fcmp(FloatCC::LessThan, a, b) };
        let mask = self.as_type(cmp, vty);
        let r = self.b.ins().bitselect(mask, a, b);
        self.push(r);
    }

    /// `relaxed_madd` (`a * b + c`) and `relaxed_nmadd` (`-(a * b) + c`), fused.
    fn relaxed_madd(&mut self, vty: Type, negate: bool) {
        let c = self.pop_as(vty);
        let (mut a, b) = self.pop2_as(vty);
        if negate {
            a = self.b.ins().fneg(a);
        }
        let r = self.b.ins().fma(a, b, c);
        self.push(r);
    }

    /// The i16 pair sums of `relaxed_dot_i8x16_i7x16_s` (see the table at the top).
    fn relaxed_dot_i16(&mut self, a: Value, b: Value) -> Value {
        if self.on_x86_64() {
            return self.b.ins().x86_pmaddubsw(a, b);
        }
        let (alo, blo) = (self.b.ins().swiden_low(a), self.b.ins().swiden_low(b));
        let lo = self.b.ins().imul(alo, blo);
        let (ahi, bhi) = (self.b.ins().swiden_high(a), self.b.ins().swiden_high(b));
        let hi = self.b.ins().imul(ahi, bhi);
        self.b.ins().iadd_pairwise(lo, hi)
    }

    pub(crate) fn simd_operator(&mut self, op: Operator) -> Result<(), String> {
        match op {
            // ------------------------------------------------------------ relaxed SIMD
            // One fixed choice per ISA for each; see the table at the top of this file.
            Operator::I8x16RelaxedSwizzle => {
                let (a, idx) = self.pop2_as(I8X16);
                let v = if self.on_x86_64() { self.b.ins().x86_pshufb(a, idx) } else { self.b.ins().swizzle(a, idx) };
                self.push(v);
            }
            Operator::I32x4RelaxedTruncF32x4S => {
                if self.on_x86_64() {
                    vconv!(self, F32X4, x86_cvtt2dq, I32X4)
                } else {
                    vconv!(self, F32X4, fcvt_to_sint_sat, I32X4)
                }
            }
            Operator::I32x4RelaxedTruncF32x4U => vconv!(self, F32X4, fcvt_to_uint_sat, I32X4),
            Operator::I32x4RelaxedTruncF64x2SZero => {
                let v = self.pop_as(F64X2);
                // `snarrow(x86_cvtt2dq(v), 0)` is what the x64 back end lowers to one `cvttpd2dq`.
                let t = if self.on_x86_64() {
                    self.b.ins().x86_cvtt2dq(I64X2, v)
                } else {
                    self.b.ins().fcvt_to_sint_sat(I64X2, v)
                };
                let zero = self.vconst(I64X2, [0; 16]);
                let r = self.b.ins().snarrow(t, zero);
                self.push(r);
            }
            Operator::I32x4RelaxedTruncF64x2UZero => {
                let v = self.pop_as(F64X2);
                let t = self.b.ins().fcvt_to_uint_sat(I64X2, v);
                let zero = self.vconst(I64X2, [0; 16]);
                let r = self.b.ins().uunarrow(t, zero);
                self.push(r);
            }
            Operator::F32x4RelaxedMadd => self.relaxed_madd(F32X4, false),
            Operator::F32x4RelaxedNmadd => self.relaxed_madd(F32X4, true),
            Operator::F64x2RelaxedMadd => self.relaxed_madd(F64X2, false),
            Operator::F64x2RelaxedNmadd => self.relaxed_madd(F64X2, true),
            Operator::I8x16RelaxedLaneselect
            | Operator::I16x8RelaxedLaneselect
            | Operator::I32x4RelaxedLaneselect
            | Operator::I64x2RelaxedLaneselect => {
                let c = self.pop_as(I8X16);
                let (a, b) = self.pop2_as(I8X16);
                let v = self.b.ins().bitselect(c, a, b);
                self.push(v);
            }
            Operator::F32x4RelaxedMin => self.relaxed_minmax(F32X4, false),
            Operator::F32x4RelaxedMax => self.relaxed_minmax(F32X4, true),
            Operator::F64x2RelaxedMin => self.relaxed_minmax(F64X2, false),
            Operator::F64x2RelaxedMax => self.relaxed_minmax(F64X2, true),
            Operator::I16x8RelaxedQ15mulrS => {
                if self.on_x86_64() {
                    vbin!(self, I16X8, x86_pmulhrsw)
                } else {
                    vbin!(self, I16X8, sqmul_round_sat)
                }
            }
            Operator::I16x8RelaxedDotI8x16I7x16S => {
                let (a, b) = self.pop2_as(I8X16);
                let v = self.relaxed_dot_i16(a, b);
                self.push(v);
            }
            Operator::I32x4RelaxedDotI8x16I7x16AddS => {
                let c = self.pop_as(I32X4);
                let (a, b) = self.pop2_as(I8X16);
                let pairs = self.relaxed_dot_i16(a, b);
                // Shaped as the x64 back end matches `pmaddwd` with ones.
                let lo = self.b.ins().swiden_low(pairs);
                let hi = self.b.ins().swiden_high(pairs);
                let quads = self.b.ins().iadd_pairwise(lo, hi);
                let v = self.b.ins().iadd(quads, c);
                self.push(v);
            }

            // ------------------------------------------------------------ memory
            Operator::V128Load { memarg } => self.vload(&memarg, I8X16, |_, x| x)?,
            Operator::V128Load8x8S { memarg } => self.vload_extend(&memarg, true, I16X8)?,
            Operator::V128Load8x8U { memarg } => self.vload_extend(&memarg, false, I16X8)?,
            Operator::V128Load16x4S { memarg } => self.vload_extend(&memarg, true, I32X4)?,
            Operator::V128Load16x4U { memarg } => self.vload_extend(&memarg, false, I32X4)?,
            Operator::V128Load32x2S { memarg } => self.vload_extend(&memarg, true, I64X2)?,
            Operator::V128Load32x2U { memarg } => self.vload_extend(&memarg, false, I64X2)?,
            Operator::V128Load8Splat { memarg } => self.vload(&memarg, I8, |t, x| t.b.ins().splat(I8X16, x))?,
            Operator::V128Load16Splat { memarg } => self.vload(&memarg, I16, |t, x| t.b.ins().splat(I16X8, x))?,
            Operator::V128Load32Splat { memarg } => self.vload(&memarg, I32, |t, x| t.b.ins().splat(I32X4, x))?,
            Operator::V128Load64Splat { memarg } => self.vload(&memarg, I64, |t, x| t.b.ins().splat(I64X2, x))?,
            Operator::V128Load32Zero { memarg } => {
                self.vload(&memarg, I32, |t, x| t.b.ins().scalar_to_vector(I32X4, x))?
            }
            Operator::V128Load64Zero { memarg } => {
                self.vload(&memarg, I64, |t, x| t.b.ins().scalar_to_vector(I64X2, x))?
            }
            Operator::V128Store { memarg } => {
                let v = self.pop();
                let index = self.pop();
                let (addr, off) = self.heap_addr(&memarg, index, 16)?;
                let fl = self.heap_flags();
                self.b.ins().store(fl, v, addr, off);
            }
            Operator::V128Load8Lane { memarg, lane } => self.vload_lane(&memarg, lane, I8X16)?,
            Operator::V128Load16Lane { memarg, lane } => self.vload_lane(&memarg, lane, I16X8)?,
            Operator::V128Load32Lane { memarg, lane } => self.vload_lane(&memarg, lane, I32X4)?,
            Operator::V128Load64Lane { memarg, lane } => self.vload_lane(&memarg, lane, I64X2)?,
            Operator::V128Store8Lane { memarg, lane } => self.vstore_lane(&memarg, lane, I8X16)?,
            Operator::V128Store16Lane { memarg, lane } => self.vstore_lane(&memarg, lane, I16X8)?,
            Operator::V128Store32Lane { memarg, lane } => self.vstore_lane(&memarg, lane, I32X4)?,
            Operator::V128Store64Lane { memarg, lane } => self.vstore_lane(&memarg, lane, I64X2)?,

            // ------------------------------------------------------------ constants & lanes
            Operator::V128Const { value } => {
                let v = self.vconst(I8X16, *value.bytes());
                self.push(v);
            }
            Operator::I8x16Shuffle { lanes } => {
                let (a, b) = self.pop2_as(I8X16);
                let mask = self.b.func.dfg.immediates.push(ConstantData::from(lanes.to_vec()));
                let v = self.b.ins().shuffle(a, b, mask);
                self.push(v);
            }
            Operator::I8x16ExtractLaneS { lane } => self.extract_lane(I8X16, lane, Some(true)),
            Operator::I8x16ExtractLaneU { lane } => self.extract_lane(I8X16, lane, Some(false)),
            Operator::I16x8ExtractLaneS { lane } => self.extract_lane(I16X8, lane, Some(true)),
            Operator::I16x8ExtractLaneU { lane } => self.extract_lane(I16X8, lane, Some(false)),
            Operator::I32x4ExtractLane { lane } => self.extract_lane(I32X4, lane, None),
            Operator::I64x2ExtractLane { lane } => self.extract_lane(I64X2, lane, None),
            Operator::F32x4ExtractLane { lane } => self.extract_lane(F32X4, lane, None),
            Operator::F64x2ExtractLane { lane } => self.extract_lane(F64X2, lane, None),
            Operator::I8x16ReplaceLane { lane } => self.replace_lane(I8X16, lane),
            Operator::I16x8ReplaceLane { lane } => self.replace_lane(I16X8, lane),
            Operator::I32x4ReplaceLane { lane } => self.replace_lane(I32X4, lane),
            Operator::I64x2ReplaceLane { lane } => self.replace_lane(I64X2, lane),
            Operator::F32x4ReplaceLane { lane } => self.replace_lane(F32X4, lane),
            Operator::F64x2ReplaceLane { lane } => self.replace_lane(F64X2, lane),
            // Cranelift's swizzle yields 0 for out-of-range indices, as wasm requires.
            Operator::I8x16Swizzle => vbin!(self, I8X16, swizzle),
            Operator::I8x16Splat => self.splat(I8X16),
            Operator::I16x8Splat => self.splat(I16X8),
            Operator::I32x4Splat => self.splat(I32X4),
            Operator::I64x2Splat => self.splat(I64X2),
            Operator::F32x4Splat => self.splat(F32X4),
            Operator::F64x2Splat => self.splat(F64X2),

            // ------------------------------------------------------------ comparisons
            Operator::I8x16Eq => vicmp!(self, I8X16, IntCC::Equal),
            Operator::I8x16Ne => vicmp!(self, I8X16, IntCC::NotEqual),
            Operator::I8x16LtS => vicmp!(self, I8X16, IntCC::SignedLessThan),
            Operator::I8x16LtU => vicmp!(self, I8X16, IntCC::UnsignedLessThan),
            Operator::I8x16GtS => vicmp!(self, I8X16, IntCC::SignedGreaterThan),
            Operator::I8x16GtU => vicmp!(self, I8X16, IntCC::UnsignedGreaterThan),
            Operator::I8x16LeS => vicmp!(self, I8X16, IntCC::SignedLessThanOrEqual),
            Operator::I8x16LeU => vicmp!(self, I8X16, IntCC::UnsignedLessThanOrEqual),
            Operator::I8x16GeS => vicmp!(self, I8X16, IntCC::SignedGreaterThanOrEqual),
            Operator::I8x16GeU => vicmp!(self, I8X16, IntCC::UnsignedGreaterThanOrEqual),
            Operator::I16x8Eq => vicmp!(self, I16X8, IntCC::Equal),
            Operator::I16x8Ne => vicmp!(self, I16X8, IntCC::NotEqual),
            Operator::I16x8LtS => vicmp!(self, I16X8, IntCC::SignedLessThan),
            Operator::I16x8LtU => vicmp!(self, I16X8, IntCC::UnsignedLessThan),
            Operator::I16x8GtS => vicmp!(self, I16X8, IntCC::SignedGreaterThan),
            Operator::I16x8GtU => vicmp!(self, I16X8, IntCC::UnsignedGreaterThan),
            Operator::I16x8LeS => vicmp!(self, I16X8, IntCC::SignedLessThanOrEqual),
            Operator::I16x8LeU => vicmp!(self, I16X8, IntCC::UnsignedLessThanOrEqual),
            Operator::I16x8GeS => vicmp!(self, I16X8, IntCC::SignedGreaterThanOrEqual),
            Operator::I16x8GeU => vicmp!(self, I16X8, IntCC::UnsignedGreaterThanOrEqual),
            Operator::I32x4Eq => vicmp!(self, I32X4, IntCC::Equal),
            Operator::I32x4Ne => vicmp!(self, I32X4, IntCC::NotEqual),
            Operator::I32x4LtS => vicmp!(self, I32X4, IntCC::SignedLessThan),
            Operator::I32x4LtU => vicmp!(self, I32X4, IntCC::UnsignedLessThan),
            Operator::I32x4GtS => vicmp!(self, I32X4, IntCC::SignedGreaterThan),
            Operator::I32x4GtU => vicmp!(self, I32X4, IntCC::UnsignedGreaterThan),
            Operator::I32x4LeS => vicmp!(self, I32X4, IntCC::SignedLessThanOrEqual),
            Operator::I32x4LeU => vicmp!(self, I32X4, IntCC::UnsignedLessThanOrEqual),
            Operator::I32x4GeS => vicmp!(self, I32X4, IntCC::SignedGreaterThanOrEqual),
            Operator::I32x4GeU => vicmp!(self, I32X4, IntCC::UnsignedGreaterThanOrEqual),
            Operator::I64x2Eq => vicmp!(self, I64X2, IntCC::Equal),
            Operator::I64x2Ne => vicmp!(self, I64X2, IntCC::NotEqual),
            Operator::I64x2LtS => vicmp!(self, I64X2, IntCC::SignedLessThan),
            Operator::I64x2GtS => vicmp!(self, I64X2, IntCC::SignedGreaterThan),
            Operator::I64x2LeS => vicmp!(self, I64X2, IntCC::SignedLessThanOrEqual),
            Operator::I64x2GeS => vicmp!(self, I64X2, IntCC::SignedGreaterThanOrEqual),
            Operator::F32x4Eq => vfcmp!(self, F32X4, FloatCC::Equal),
            Operator::F32x4Ne => vfcmp!(self, F32X4, FloatCC::NotEqual),
            Operator::F32x4Lt => vfcmp!(self, F32X4, FloatCC::LessThan),
            Operator::F32x4Gt => vfcmp!(self, F32X4, FloatCC::GreaterThan),
            Operator::F32x4Le => vfcmp!(self, F32X4, FloatCC::LessThanOrEqual),
            Operator::F32x4Ge => vfcmp!(self, F32X4, FloatCC::GreaterThanOrEqual),
            Operator::F64x2Eq => vfcmp!(self, F64X2, FloatCC::Equal),
            Operator::F64x2Ne => vfcmp!(self, F64X2, FloatCC::NotEqual),
            Operator::F64x2Lt => vfcmp!(self, F64X2, FloatCC::LessThan),
            Operator::F64x2Gt => vfcmp!(self, F64X2, FloatCC::GreaterThan),
            Operator::F64x2Le => vfcmp!(self, F64X2, FloatCC::LessThanOrEqual),
            Operator::F64x2Ge => vfcmp!(self, F64X2, FloatCC::GreaterThanOrEqual),

            // ------------------------------------------------------------ bitwise
            Operator::V128Not => {
                let a = self.pop();
                let v = self.b.ins().bnot(a);
                self.push(v);
            }
            Operator::V128And => self.vbitwise(|t, a, b| t.b.ins().band(a, b)),
            Operator::V128AndNot => self.vbitwise(|t, a, b| t.b.ins().band_not(a, b)),
            Operator::V128Or => self.vbitwise(|t, a, b| t.b.ins().bor(a, b)),
            Operator::V128Xor => self.vbitwise(|t, a, b| t.b.ins().bxor(a, b)),
            Operator::V128Bitselect => {
                let c = self.pop_as(I8X16);
                let (a, b) = self.pop2_as(I8X16);
                let v = self.b.ins().bitselect(c, a, b);
                self.push(v);
            }
            Operator::V128AnyTrue => {
                let a = self.pop();
                let c = self.b.ins().vany_true(a);
                let v = self.b.ins().uextend(I32, c);
                self.push(v);
            }

            // ------------------------------------------------------------ i8x16
            Operator::I8x16Abs => vun!(self, I8X16, iabs),
            Operator::I8x16Neg => vun!(self, I8X16, ineg),
            Operator::I8x16Popcnt => vun!(self, I8X16, popcnt),
            Operator::I8x16AllTrue => self.all_true(I8X16),
            Operator::I8x16Bitmask => self.bitmask(I8X16),
            Operator::I8x16NarrowI16x8S => vbin!(self, I16X8, snarrow),
            Operator::I8x16NarrowI16x8U => vbin!(self, I16X8, unarrow),
            Operator::I8x16Shl => self.vshift(I8X16, |t, a, b| t.b.ins().ishl(a, b)),
            Operator::I8x16ShrS => self.vshift(I8X16, |t, a, b| t.b.ins().sshr(a, b)),
            Operator::I8x16ShrU => self.vshift(I8X16, |t, a, b| t.b.ins().ushr(a, b)),
            Operator::I8x16Add => vbin!(self, I8X16, iadd),
            Operator::I8x16AddSatS => vbin!(self, I8X16, sadd_sat),
            Operator::I8x16AddSatU => vbin!(self, I8X16, uadd_sat),
            Operator::I8x16Sub => vbin!(self, I8X16, isub),
            Operator::I8x16SubSatS => vbin!(self, I8X16, ssub_sat),
            Operator::I8x16SubSatU => vbin!(self, I8X16, usub_sat),
            Operator::I8x16MinS => vbin!(self, I8X16, smin),
            Operator::I8x16MinU => vbin!(self, I8X16, umin),
            Operator::I8x16MaxS => vbin!(self, I8X16, smax),
            Operator::I8x16MaxU => vbin!(self, I8X16, umax),
            Operator::I8x16AvgrU => vbin!(self, I8X16, avg_round),

            // ------------------------------------------------------------ i16x8
            Operator::I16x8ExtAddPairwiseI8x16S => self.extadd_pairwise(I8X16, true),
            Operator::I16x8ExtAddPairwiseI8x16U => self.extadd_pairwise(I8X16, false),
            Operator::I16x8Abs => vun!(self, I16X8, iabs),
            Operator::I16x8Neg => vun!(self, I16X8, ineg),
            Operator::I16x8Q15MulrSatS => vbin!(self, I16X8, sqmul_round_sat),
            Operator::I16x8AllTrue => self.all_true(I16X8),
            Operator::I16x8Bitmask => self.bitmask(I16X8),
            Operator::I16x8NarrowI32x4S => vbin!(self, I32X4, snarrow),
            Operator::I16x8NarrowI32x4U => vbin!(self, I32X4, unarrow),
            Operator::I16x8ExtendLowI8x16S => self.extend(I8X16, true, false),
            Operator::I16x8ExtendHighI8x16S => self.extend(I8X16, true, true),
            Operator::I16x8ExtendLowI8x16U => self.extend(I8X16, false, false),
            Operator::I16x8ExtendHighI8x16U => self.extend(I8X16, false, true),
            Operator::I16x8Shl => self.vshift(I16X8, |t, a, b| t.b.ins().ishl(a, b)),
            Operator::I16x8ShrS => self.vshift(I16X8, |t, a, b| t.b.ins().sshr(a, b)),
            Operator::I16x8ShrU => self.vshift(I16X8, |t, a, b| t.b.ins().ushr(a, b)),
            Operator::I16x8Add => vbin!(self, I16X8, iadd),
            Operator::I16x8AddSatS => vbin!(self, I16X8, sadd_sat),
            Operator::I16x8AddSatU => vbin!(self, I16X8, uadd_sat),
            Operator::I16x8Sub => vbin!(self, I16X8, isub),
            Operator::I16x8SubSatS => vbin!(self, I16X8, ssub_sat),
            Operator::I16x8SubSatU => vbin!(self, I16X8, usub_sat),
            Operator::I16x8Mul => vbin!(self, I16X8, imul),
            Operator::I16x8MinS => vbin!(self, I16X8, smin),
            Operator::I16x8MinU => vbin!(self, I16X8, umin),
            Operator::I16x8MaxS => vbin!(self, I16X8, smax),
            Operator::I16x8MaxU => vbin!(self, I16X8, umax),
            Operator::I16x8AvgrU => vbin!(self, I16X8, avg_round),
            Operator::I16x8ExtMulLowI8x16S => self.extmul(I8X16, true, false),
            Operator::I16x8ExtMulHighI8x16S => self.extmul(I8X16, true, true),
            Operator::I16x8ExtMulLowI8x16U => self.extmul(I8X16, false, false),
            Operator::I16x8ExtMulHighI8x16U => self.extmul(I8X16, false, true),

            // ------------------------------------------------------------ i32x4
            Operator::I32x4ExtAddPairwiseI16x8S => self.extadd_pairwise(I16X8, true),
            Operator::I32x4ExtAddPairwiseI16x8U => self.extadd_pairwise(I16X8, false),
            Operator::I32x4Abs => vun!(self, I32X4, iabs),
            Operator::I32x4Neg => vun!(self, I32X4, ineg),
            Operator::I32x4AllTrue => self.all_true(I32X4),
            Operator::I32x4Bitmask => self.bitmask(I32X4),
            Operator::I32x4ExtendLowI16x8S => self.extend(I16X8, true, false),
            Operator::I32x4ExtendHighI16x8S => self.extend(I16X8, true, true),
            Operator::I32x4ExtendLowI16x8U => self.extend(I16X8, false, false),
            Operator::I32x4ExtendHighI16x8U => self.extend(I16X8, false, true),
            Operator::I32x4Shl => self.vshift(I32X4, |t, a, b| t.b.ins().ishl(a, b)),
            Operator::I32x4ShrS => self.vshift(I32X4, |t, a, b| t.b.ins().sshr(a, b)),
            Operator::I32x4ShrU => self.vshift(I32X4, |t, a, b| t.b.ins().ushr(a, b)),
            Operator::I32x4Add => vbin!(self, I32X4, iadd),
            Operator::I32x4Sub => vbin!(self, I32X4, isub),
            Operator::I32x4Mul => vbin!(self, I32X4, imul),
            Operator::I32x4MinS => vbin!(self, I32X4, smin),
            Operator::I32x4MinU => vbin!(self, I32X4, umin),
            Operator::I32x4MaxS => vbin!(self, I32X4, smax),
            Operator::I32x4MaxU => vbin!(self, I32X4, umax),
            Operator::I32x4DotI16x8S => {
                // Shaped so that the x64 backend recognises it as `pmaddwd`.
                let (a, b) = self.pop2_as(I16X8);
                let (alo, blo) = (self.b.ins().swiden_low(a), self.b.ins().swiden_low(b));
                let lo = self.b.ins().imul(alo, blo);
                let (ahi, bhi) = (self.b.ins().swiden_high(a), self.b.ins().swiden_high(b));
                let hi = self.b.ins().imul(ahi, bhi);
                let v = self.b.ins().iadd_pairwise(lo, hi);
                self.push(v);
            }
            Operator::I32x4ExtMulLowI16x8S => self.extmul(I16X8, true, false),
            Operator::I32x4ExtMulHighI16x8S => self.extmul(I16X8, true, true),
            Operator::I32x4ExtMulLowI16x8U => self.extmul(I16X8, false, false),
            Operator::I32x4ExtMulHighI16x8U => self.extmul(I16X8, false, true),

            // ------------------------------------------------------------ i64x2
            Operator::I64x2Abs => vun!(self, I64X2, iabs),
            Operator::I64x2Neg => vun!(self, I64X2, ineg),
            Operator::I64x2AllTrue => self.all_true(I64X2),
            Operator::I64x2Bitmask => self.bitmask(I64X2),
            Operator::I64x2ExtendLowI32x4S => self.extend(I32X4, true, false),
            Operator::I64x2ExtendHighI32x4S => self.extend(I32X4, true, true),
            Operator::I64x2ExtendLowI32x4U => self.extend(I32X4, false, false),
            Operator::I64x2ExtendHighI32x4U => self.extend(I32X4, false, true),
            Operator::I64x2Shl => self.vshift(I64X2, |t, a, b| t.b.ins().ishl(a, b)),
            Operator::I64x2ShrS => self.vshift(I64X2, |t, a, b| t.b.ins().sshr(a, b)),
            Operator::I64x2ShrU => self.vshift(I64X2, |t, a, b| t.b.ins().ushr(a, b)),
            Operator::I64x2Add => vbin!(self, I64X2, iadd),
            Operator::I64x2Sub => vbin!(self, I64X2, isub),
            Operator::I64x2Mul => vbin!(self, I64X2, imul),
            Operator::I64x2ExtMulLowI32x4S => self.extmul(I32X4, true, false),
            Operator::I64x2ExtMulHighI32x4S => self.extmul(I32X4, true, true),
            Operator::I64x2ExtMulLowI32x4U => self.extmul(I32X4, false, false),
            Operator::I64x2ExtMulHighI32x4U => self.extmul(I32X4, false, true),

            // ------------------------------------------------------------ f32x4 / f64x2
            Operator::F32x4Ceil => vun!(self, F32X4, ceil),
            Operator::F32x4Floor => vun!(self, F32X4, floor),
            Operator::F32x4Trunc => vun!(self, F32X4, trunc),
            Operator::F32x4Nearest => vun!(self, F32X4, nearest),
            Operator::F32x4Abs => vun!(self, F32X4, fabs),
            Operator::F32x4Neg => vun!(self, F32X4, fneg),
            Operator::F32x4Sqrt => vun!(self, F32X4, sqrt),
            Operator::F32x4Add => vbin!(self, F32X4, fadd),
            Operator::F32x4Sub => vbin!(self, F32X4, fsub),
            Operator::F32x4Mul => vbin!(self, F32X4, fmul),
            Operator::F32x4Div => vbin!(self, F32X4, fdiv),
            Operator::F32x4Min => vbin!(self, F32X4, fmin),
            Operator::F32x4Max => vbin!(self, F32X4, fmax),
            Operator::F32x4PMin => self.pminmax(F32X4, false),
            Operator::F32x4PMax => self.pminmax(F32X4, true),
            Operator::F64x2Ceil => vun!(self, F64X2, ceil),
            Operator::F64x2Floor => vun!(self, F64X2, floor),
            Operator::F64x2Trunc => vun!(self, F64X2, trunc),
            Operator::F64x2Nearest => vun!(self, F64X2, nearest),
            Operator::F64x2Abs => vun!(self, F64X2, fabs),
            Operator::F64x2Neg => vun!(self, F64X2, fneg),
            Operator::F64x2Sqrt => vun!(self, F64X2, sqrt),
            Operator::F64x2Add => vbin!(self, F64X2, fadd),
            Operator::F64x2Sub => vbin!(self, F64X2, fsub),
            Operator::F64x2Mul => vbin!(self, F64X2, fmul),
            Operator::F64x2Div => vbin!(self, F64X2, fdiv),
            Operator::F64x2Min => vbin!(self, F64X2, fmin),
            Operator::F64x2Max => vbin!(self, F64X2, fmax),
            Operator::F64x2PMin => self.pminmax(F64X2, false),
            Operator::F64x2PMax => self.pminmax(F64X2, true),

            // ------------------------------------------------------------ conversions
            Operator::I32x4TruncSatF32x4S => vconv!(self, F32X4, fcvt_to_sint_sat, I32X4),
            Operator::I32x4TruncSatF32x4U => vconv!(self, F32X4, fcvt_to_uint_sat, I32X4),
            Operator::F32x4ConvertI32x4S => vconv!(self, I32X4, fcvt_from_sint, F32X4),
            Operator::F32x4ConvertI32x4U => vconv!(self, I32X4, fcvt_from_uint, F32X4),
            Operator::I32x4TruncSatF64x2SZero => {
                let v = self.pop_as(F64X2);
                let t = self.b.ins().fcvt_to_sint_sat(I64X2, v);
                let zero = self.vconst(I64X2, [0; 16]);
                let r = self.b.ins().snarrow(t, zero);
                self.push(r);
            }
            Operator::I32x4TruncSatF64x2UZero => {
                let v = self.pop_as(F64X2);
                let t = self.b.ins().fcvt_to_uint_sat(I64X2, v);
                let zero = self.vconst(I64X2, [0; 16]);
                let r = self.b.ins().uunarrow(t, zero);
                self.push(r);
            }
            Operator::F64x2ConvertLowI32x4S => {
                let v = self.pop_as(I32X4);
                let w = self.b.ins().swiden_low(v);
                let r = self.b.ins().fcvt_from_sint(F64X2, w);
                self.push(r);
            }
            Operator::F64x2ConvertLowI32x4U => {
                let v = self.pop_as(I32X4);
                let w = self.b.ins().uwiden_low(v);
                let r = self.b.ins().fcvt_from_uint(F64X2, w);
                self.push(r);
            }
            Operator::F32x4DemoteF64x2Zero => vun!(self, F64X2, fvdemote),
            Operator::F64x2PromoteLowF32x4 => vun!(self, F32X4, fvpromote_low),

            op => return Err(format!("unsupported operator {op:?} (not part of WebAssembly 2.0)")),
        }
        Ok(())
    }
}
