//! Script values for the spec runner: turning `.wast` arguments into `wasm_val_t`s or 16-byte
//! v128 slots, and checking results against expected patterns (exact bits, `nan:canonical`,
//! `nan:arithmetic`, v128 lane by lane, null/non-null references, host identities).

use super::api::{
    Foreigns, Store, V128Slot, Val, ValUnion, WASM_EXTERNREF, WASM_F32, WASM_F64, WASM_FUNCREF, WASM_I32, WASM_I64,
    WASM_V128,
};
use wasmlift::capi::gcref::{
    wasmlift_ref_gc_kind, WASMLIFT_GCREF_ARRAY, WASMLIFT_GCREF_I31, WASMLIFT_GCREF_OTHER, WASMLIFT_GCREF_STRUCT,
};
use wasmlift::capi::r#ref::wasm_ref_t;
use wasmlift::capi::types::wasm_valkind_t;
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::{WastArg, WastRet};

/// Host identities used by a script: one `wasm_foreign_t` per N, which `ref.extern N` and
/// `ref.host N` both name (as in the reference interpreter, where `ref.extern N` is the host
/// value N seen as an externref, and `any.convert_extern` of it is `ref.host N`).
#[derive(Default)]
pub struct Hosts {
    pub externs: Foreigns,
}

fn core_arg<'a, 'b>(arg: &'b WastArg<'a>) -> Result<&'b WastArgCore<'a>, String> {
    match arg {
        WastArg::Core(c) => Ok(c),
        other => Err(format!("unsupported argument {other:?}")),
    }
}

fn core_ret<'a, 'b>(ret: &'b WastRet<'a>) -> Result<&'b WastRetCore<'a>, String> {
    match ret {
        WastRet::Core(c) => Ok(c),
        other => Err(format!("unsupported result pattern {other:?}")),
    }
}

/// The reference kind a `ref.null` heap type denotes (None for heap types outside wasm 2.0).
fn null_kind(ht: &HeapType<'_>) -> Option<wasm_valkind_t> {
    match ht {
        HeapType::Abstract { ty: AbstractHeapType::Func | AbstractHeapType::NoFunc, .. } => Some(WASM_FUNCREF),
        HeapType::Abstract { ty: AbstractHeapType::Extern | AbstractHeapType::NoExtern, .. } => Some(WASM_EXTERNREF),
        // wasm.h shows GC references (any, eq, i31, struct, array, none) as externref handles.
        HeapType::Abstract {
            ty:
                AbstractHeapType::Any
                | AbstractHeapType::Eq
                | AbstractHeapType::I31
                | AbstractHeapType::Struct
                | AbstractHeapType::Array
                | AbstractHeapType::None,
            ..
        } => Some(WASM_EXTERNREF),
        _ => None,
    }
}

/// Converts an argument for a `wasm_func_call` parameter of kind `param`. The returned value
/// borrows any reference (the `Hosts` cache owns it).
pub fn to_val(arg: &WastArg<'_>, param: wasm_valkind_t, store: &Store, hosts: &mut Hosts) -> Result<Val, String> {
    let null = |kind| Val { kind, of: ValUnion { r#ref: std::ptr::null_mut() } };
    Ok(match core_arg(arg)? {
        WastArgCore::I32(v) => Val { kind: WASM_I32, of: ValUnion { i32: *v } },
        WastArgCore::I64(v) => Val { kind: WASM_I64, of: ValUnion { i64: *v } },
        WastArgCore::F32(v) => Val { kind: WASM_F32, of: ValUnion { f32: f32::from_bits(v.bits) } },
        WastArgCore::F64(v) => Val { kind: WASM_F64, of: ValUnion { f64: f64::from_bits(v.bits) } },
        WastArgCore::V128(_) => return Err("v128 argument for a wasm_val_t call".into()),
        WastArgCore::RefNull(ht) => null(null_kind(ht).unwrap_or(param)),
        WastArgCore::RefExtern(n) => Val { kind: WASM_EXTERNREF, of: ValUnion { r#ref: hosts.externs.get(store, *n) } },
        WastArgCore::RefHost(n) => Val { kind: param, of: ValUnion { r#ref: hosts.externs.get(store, *n) } },
    })
}

/// Converts a numeric or v128 argument into a 16-byte slot (`wasmlift_func_call_v128`).
pub fn to_slot(arg: &WastArg<'_>) -> Result<V128Slot, String> {
    let mut bytes = [0u8; 16];
    match core_arg(arg)? {
        WastArgCore::I32(v) => bytes[..4].copy_from_slice(&v.to_le_bytes()),
        WastArgCore::I64(v) => bytes[..8].copy_from_slice(&v.to_le_bytes()),
        WastArgCore::F32(v) => bytes[..4].copy_from_slice(&v.bits.to_le_bytes()),
        WastArgCore::F64(v) => bytes[..8].copy_from_slice(&v.bits.to_le_bytes()),
        WastArgCore::V128(v) => bytes = v.to_le_bytes(),
        other => return Err(format!("reference argument {other:?} in a v128 call")),
    }
    Ok(V128Slot { bytes })
}

/// A result as the runner sees it.
pub enum Got {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128([u8; 16]),
    /// Non-null flag of a function reference.
    FuncRef(bool),
    /// The reference (null for `ref.null extern`); borrowed from the results being checked.
    ExternRef(*const wasm_ref_t),
}

impl Got {
    pub fn from_val(v: &Val) -> Got {
        unsafe {
            match v.kind {
                WASM_I32 => Got::I32(v.of.i32),
                WASM_I64 => Got::I64(v.of.i64),
                WASM_F32 => Got::F32(v.of.f32.to_bits()),
                WASM_F64 => Got::F64(v.of.f64.to_bits()),
                WASM_FUNCREF => Got::FuncRef(!v.of.r#ref.is_null()),
                _ => Got::ExternRef(v.of.r#ref),
            }
        }
    }

    pub fn from_slot(kind: wasm_valkind_t, s: &V128Slot) -> Got {
        let b = &s.bytes;
        match kind {
            WASM_I32 => Got::I32(i32::from_le_bytes(b[..4].try_into().unwrap())),
            WASM_I64 => Got::I64(i64::from_le_bytes(b[..8].try_into().unwrap())),
            WASM_F32 => Got::F32(u32::from_le_bytes(b[..4].try_into().unwrap())),
            WASM_F64 => Got::F64(u64::from_le_bytes(b[..8].try_into().unwrap())),
            WASM_V128 => Got::V128(*b),
            other => panic!("value kind {other} cannot come from a v128 slot"),
        }
    }

    pub fn describe(&self, hosts: &Hosts) -> String {
        match self {
            Got::I32(v) => format!("i32:{v} (0x{:x})", *v as u32),
            Got::I64(v) => format!("i64:{v} (0x{:x})", *v as u64),
            Got::F32(b) => format!("f32:{} (0x{b:08x})", f32::from_bits(*b)),
            Got::F64(b) => format!("f64:{} (0x{b:016x})", f64::from_bits(*b)),
            Got::V128(b) => format!("v128:{}", hex_lanes(b)),
            Got::FuncRef(false) => "ref.null func".into(),
            Got::FuncRef(true) => "ref.func".into(),
            Got::ExternRef(r) if r.is_null() => "ref.null extern".into(),
            Got::ExternRef(r) if gc_kind(*r) == WASMLIFT_GCREF_I31 => "ref.i31".into(),
            Got::ExternRef(r) if gc_kind(*r) == WASMLIFT_GCREF_STRUCT => "ref.struct".into(),
            Got::ExternRef(r) if gc_kind(*r) == WASMLIFT_GCREF_ARRAY => "ref.array".into(),
            Got::ExternRef(r) => match hosts.externs.index_of(*r) {
                Some(n) => format!("ref.extern {n} (ref.host {n})"),
                None => format!("an unknown externref (host info {:#x})", Foreigns::host_info(*r)),
            },
        }
    }
}

fn hex_lanes(b: &[u8; 16]) -> String {
    let lanes: Vec<String> =
        b.chunks(4).map(|c| format!("{:08x}", u32::from_le_bytes(c.try_into().unwrap()))).collect();
    format!("i32x4 [{}]", lanes.join(" "))
}

fn f32_matches(p: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    match p {
        // Canonical NaN: only the quiet bit set in the payload (either sign).
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        // Arithmetic NaN: exponent all ones and the quiet bit set.
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn f64_matches(p: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

/// Which lanes of a v128 result differ from the pattern (empty when it matches).
fn v128_mismatches(p: &V128Pattern, b: &[u8; 16]) -> Vec<usize> {
    fn lanes<const N: usize>(b: &[u8; 16]) -> impl Iterator<Item = [u8; N]> + '_ {
        b.chunks(N).map(|c| c.try_into().unwrap())
    }
    let ok: Vec<bool> = match p {
        V128Pattern::I8x16(e) => lanes::<1>(b).zip(e).map(|(g, e)| g[0] as i8 == *e).collect(),
        V128Pattern::I16x8(e) => lanes::<2>(b).zip(e).map(|(g, e)| i16::from_le_bytes(g) == *e).collect(),
        V128Pattern::I32x4(e) => lanes::<4>(b).zip(e).map(|(g, e)| i32::from_le_bytes(g) == *e).collect(),
        V128Pattern::I64x2(e) => lanes::<8>(b).zip(e).map(|(g, e)| i64::from_le_bytes(g) == *e).collect(),
        V128Pattern::F32x4(e) => lanes::<4>(b).zip(e).map(|(g, e)| f32_matches(e, u32::from_le_bytes(g))).collect(),
        V128Pattern::F64x2(e) => lanes::<8>(b).zip(e).map(|(g, e)| f64_matches(e, u64::from_le_bytes(g))).collect(),
    };
    ok.iter().enumerate().filter(|(_, ok)| !**ok).map(|(i, _)| i).collect()
}

/// Checks one result against one expected pattern.
pub fn check(expected: &WastRet<'_>, got: &Got, store: &Store, hosts: &mut Hosts) -> Result<(), String> {
    let expected = core_ret(expected)?;
    if check_core(expected, got, store, hosts)? {
        Ok(())
    } else {
        let mut msg = format!("expected {}, got {}", describe_expected(expected), got.describe(hosts));
        if let (WastRetCore::V128(p), Got::V128(b)) = (expected, got) {
            msg.push_str(&format!(" (lanes {:?} differ)", v128_mismatches(p, b)));
        }
        Err(msg)
    }
}

fn check_core(expected: &WastRetCore<'_>, got: &Got, store: &Store, hosts: &mut Hosts) -> Result<bool, String> {
    Ok(match (expected, got) {
        (WastRetCore::I32(e), Got::I32(g)) => e == g,
        (WastRetCore::I64(e), Got::I64(g)) => e == g,
        (WastRetCore::F32(p), Got::F32(g)) => f32_matches(p, *g),
        (WastRetCore::F64(p), Got::F64(g)) => f64_matches(p, *g),
        (WastRetCore::V128(p), Got::V128(b)) => v128_mismatches(p, b).is_empty(),
        (WastRetCore::RefNull(ht), Got::FuncRef(nonnull)) => {
            !nonnull && ht.as_ref().and_then(null_kind).is_none_or(|k| k == WASM_FUNCREF)
        }
        (WastRetCore::RefNull(ht), Got::ExternRef(r)) => {
            r.is_null() && ht.as_ref().and_then(null_kind).is_none_or(|k| k == WASM_EXTERNREF)
        }
        (WastRetCore::RefFunc(_), Got::FuncRef(nonnull)) => *nonnull,
        (WastRetCore::RefExtern(None), Got::ExternRef(r)) => !r.is_null(),
        (WastRetCore::RefExtern(Some(n)), Got::ExternRef(r)) => !r.is_null() && hosts.externs.same(store, *r, *n),
        (WastRetCore::RefHost(n), Got::ExternRef(r)) => !r.is_null() && hosts.externs.same(store, *r, *n),
        (WastRetCore::Either(alts), g) => {
            for a in alts {
                if check_core(a, g, store, hosts)? {
                    return Ok(true);
                }
            }
            false
        }
        // GC references, told apart with wasmlift's extension (wasmlift.h).
        (WastRetCore::RefAny, Got::ExternRef(r)) => !r.is_null(),
        (WastRetCore::RefEq, Got::ExternRef(r)) => gc_kind(*r) != WASMLIFT_GCREF_OTHER,
        (WastRetCore::RefStruct, Got::ExternRef(r)) => gc_kind(*r) == WASMLIFT_GCREF_STRUCT,
        (WastRetCore::RefArray, Got::ExternRef(r)) => gc_kind(*r) == WASMLIFT_GCREF_ARRAY,
        (WastRetCore::RefI31, Got::ExternRef(r)) => gc_kind(*r) == WASMLIFT_GCREF_I31,
        (WastRetCore::RefI31Shared, _) => return Err(format!("unsupported result pattern {expected:?}")),
        _ => false,
    })
}

fn gc_kind(r: *const wasm_ref_t) -> u8 {
    // SAFETY: `r` is NULL or a handle of the results being checked.
    unsafe { wasmlift_ref_gc_kind(r) }
}

fn describe_nan<T>(p: &NanPattern<T>, value: impl Fn(&T) -> String) -> String {
    match p {
        NanPattern::CanonicalNan => "nan:canonical".into(),
        NanPattern::ArithmeticNan => "nan:arithmetic".into(),
        NanPattern::Value(v) => value(v),
    }
}

pub fn describe_expected(e: &WastRetCore<'_>) -> String {
    match e {
        WastRetCore::I32(v) => format!("i32:{v} (0x{:x})", *v as u32),
        WastRetCore::I64(v) => format!("i64:{v} (0x{:x})", *v as u64),
        WastRetCore::F32(p) => {
            format!("f32:{}", describe_nan(p, |v| format!("{} (0x{:08x})", f32::from_bits(v.bits), v.bits)))
        }
        WastRetCore::F64(p) => {
            format!("f64:{}", describe_nan(p, |v| format!("{} (0x{:016x})", f64::from_bits(v.bits), v.bits)))
        }
        WastRetCore::V128(p) => match p {
            V128Pattern::F32x4(l) => {
                let l: Vec<String> = l.iter().map(|p| describe_nan(p, |v| format!("{:08x}", v.bits))).collect();
                format!("v128:f32x4 [{}]", l.join(" "))
            }
            V128Pattern::F64x2(l) => {
                let l: Vec<String> = l.iter().map(|p| describe_nan(p, |v| format!("{:016x}", v.bits))).collect();
                format!("v128:f64x2 [{}]", l.join(" "))
            }
            V128Pattern::I8x16(l) => format!("v128:i8x16 {l:?}"),
            V128Pattern::I16x8(l) => format!("v128:i16x8 {l:?}"),
            V128Pattern::I32x4(l) => format!("v128:i32x4 {l:?}"),
            V128Pattern::I64x2(l) => format!("v128:i64x2 {l:?}"),
        },
        WastRetCore::RefNull(Some(ht)) => match null_kind(ht) {
            Some(WASM_FUNCREF) => "ref.null func".into(),
            Some(_) => "ref.null extern".into(),
            None => format!("ref.null {ht:?}"),
        },
        WastRetCore::RefNull(None) => "ref.null".into(),
        WastRetCore::RefExtern(Some(n)) => format!("ref.extern {n}"),
        WastRetCore::RefExtern(None) => "ref.extern".into(),
        WastRetCore::RefHost(n) => format!("ref.host {n}"),
        WastRetCore::RefFunc(_) => "ref.func".into(),
        WastRetCore::Either(alts) => {
            let alts: Vec<String> = alts.iter().map(describe_expected).collect();
            format!("either({})", alts.join(" | "))
        }
        other => format!("{other:?}"),
    }
}
