//! Differential fuzzing aimed at memory64 bounds checks and their elision. wasmlift drops the
//! bounds check of an i64 address it can bound by its computation (constants, masks, shifts,
//! `rem_u`, non-wrapping add/mul, or/xor, zero-extending narrow loads) when the access stays
//! within the memory's declared minimum (plus the guard region with guard pages). wasm-smith
//! rarely writes such address computations, so this generator does: each function computes an
//! address from its i64 parameter with a random expression of those shapes, near-miss constants
//! and offsets around the minimum, and loads, stores, fills or copies there; a `grow` export
//! grows the memory between calls. The module is then compared with wasmi (Differential::run_wasm)
//! in the configuration the caller gives, so a wrongly elided check shows as a missing trap.

use crate::capi::{wat2wasm, EngineConfig};
use crate::differential::{Counters, Differential, Divergence};
use crate::smith::Flavour;
use arbitrary::Unstructured;
use std::fmt::Write;

const PAGE: u64 = 65536;

/// A constant near an interesting boundary of a memory of `min` pages.
fn edge_constant(u: &mut Unstructured, min: u64) -> u64 {
    let bytes = min * PAGE;
    let near =
        |u: &mut Unstructured, base: u64| base.wrapping_add(u.int_in_range(0..=16u64).unwrap_or(0)).wrapping_sub(8);
    match u.int_in_range(0u8..=9).unwrap_or(0) {
        0 => u.int_in_range(0..=64).unwrap_or(0),
        1 => near(u, bytes),
        2 => near(u, bytes.saturating_sub(PAGE)),
        3 => near(u, 1 << 32),
        4 => near(u, 2 << 30), // the guard region's size on 64-bit hosts is a few GiB
        5 => near(u, 4 << 30),
        6 => near(u, u64::MAX),
        7 => near(u, 1 << 63),
        8 => (1u64 << u.int_in_range(0..=63u32).unwrap_or(0)).wrapping_sub(1),
        _ => u.arbitrary().unwrap_or(0),
    }
}

/// An i64 address expression over `(local.get 0)`, of the shapes the bound analysis knows and a
/// few it must not trust (wrapping arithmetic, signed shifts, sign-extending loads).
fn address(u: &mut Unstructured, min: u64, depth: u32, out: &mut String) {
    let x = "(local.get 0)";
    let leaf = depth == 0 || u.ratio(1, 3).unwrap_or(true);
    if leaf {
        match u.int_in_range(0u8..=2).unwrap_or(0) {
            0 => out.push_str(x),
            _ => {
                let _ = write!(out, "(i64.const {})", edge_constant(u, min) as i64);
            }
        }
        return;
    }
    let k = edge_constant(u, min) as i64;
    match u.int_in_range(0u8..=13).unwrap_or(0) {
        0 => {
            // A mask: the analysis bounds the result by the constant.
            let bits = u.int_in_range(0..=40u32).unwrap_or(16);
            let mask = (1u64 << bits).wrapping_sub(1) as i64;
            let _ = write!(out, "(i64.and (i64.const {}) ", if u.arbitrary().unwrap_or(false) { mask } else { k });
            address(u, min, depth - 1, out);
            out.push(')');
        }
        1 => {
            let _ = write!(out, "(i64.shr_u ");
            address(u, min, depth - 1, out);
            let _ = write!(out, " (i64.const {}))", u.int_in_range(0..=70i64).unwrap_or(0));
        }
        2 => {
            let _ = write!(out, "(i64.shr_s ");
            address(u, min, depth - 1, out);
            let _ = write!(out, " (i64.const {}))", u.int_in_range(0..=70i64).unwrap_or(0));
        }
        3 => {
            let _ = write!(out, "(i64.shl ");
            address(u, min, depth - 1, out);
            let _ = write!(out, " (i64.const {}))", u.int_in_range(0..=70i64).unwrap_or(0));
        }
        4 => {
            // rem_u by a constant (0 traps "integer divide by zero" in both engines).
            let _ = write!(out, "(i64.rem_u ");
            address(u, min, depth - 1, out);
            let _ = write!(out, " (i64.const {k}))");
        }
        5 | 6 => {
            let op = if u.arbitrary().unwrap_or(false) { "add" } else { "mul" };
            let _ = write!(out, "(i64.{op} ");
            address(u, min, depth - 1, out);
            out.push(' ');
            address(u, min, depth - 1, out);
            out.push(')');
        }
        7 | 8 => {
            let op = if u.arbitrary().unwrap_or(false) { "or" } else { "xor" };
            let _ = write!(out, "(i64.{op} ");
            address(u, min, depth - 1, out);
            out.push(' ');
            address(u, min, depth - 1, out);
            out.push(')');
        }
        9 => {
            // A zero-extending narrow load of memory 0 (bounded by its width), or a
            // sign-extending one (not bounded).
            let load = *u
                .choose(&["i64.load8_u", "i64.load16_u", "i64.load32_u", "i64.load8_s", "i64.load16_s", "i64.load"])
                .unwrap_or(&"i64.load8_u");
            let _ = write!(out, "({load} (i64.and (i64.const 0xfff) ");
            address(u, min, depth - 1, out);
            out.push_str("))");
        }
        10 => {
            let _ = write!(out, "(i64.extend_i32_u (i32.wrap_i64 ");
            address(u, min, depth - 1, out);
            out.push_str("))");
        }
        11 => {
            let _ = write!(out, "(i64.sub ");
            address(u, min, depth - 1, out);
            out.push(' ');
            address(u, min, depth - 1, out);
            out.push(')');
        }
        12 => {
            let _ = write!(out, "(select ");
            address(u, min, depth - 1, out);
            out.push(' ');
            address(u, min, depth - 1, out);
            out.push_str(" (i64.eqz (local.get 0)))");
        }
        _ => {
            // An address kept in a local across a loop iteration.
            let _ = write!(out, "(local.tee 1 ");
            address(u, min, depth - 1, out);
            out.push(')');
        }
    }
}

/// A static offset: zero, small, near the minimum, near 2^32, or huge.
fn offset(u: &mut Unstructured, min: u64) -> u64 {
    match u.int_in_range(0u8..=5).unwrap_or(0) {
        0 => 0,
        1 => u.int_in_range(1..=64).unwrap_or(1),
        2 => (min * PAGE).wrapping_sub(u.int_in_range(0..=16).unwrap_or(0)),
        3 => (1u64 << 32).wrapping_sub(u.int_in_range(0..=16).unwrap_or(0)),
        4 => u64::MAX - u.int_in_range(0..=16).unwrap_or(0),
        _ => u.int_in_range(0..=(4 * PAGE)).unwrap_or(0),
    }
}

/// A module of random memory64 accesses (WAT), or None when the bytes run out.
pub fn module_text(u: &mut Unstructured) -> Option<String> {
    let min: u64 = u.int_in_range(0..=3).ok()?;
    let max = min + u.int_in_range(0..=3u64).ok()?;
    let guard_second = u.arbitrary::<bool>().ok()?;
    let mut wat = String::new();
    let _ = writeln!(wat, "(module");
    let _ = writeln!(wat, "  (memory (export \"mem\") i64 {min} {max})");
    if guard_second {
        // A second, i32 memory: accesses to memory 0 must use memory 0's bounds.
        let _ = writeln!(wat, "  (memory (export \"mem32\") 1 2)");
    }
    if min > 0 {
        let _ = writeln!(
            wat,
            "  (data (i64.const {}) \"\\01\\02\\03\\04\\05\\06\\07\\08\\ff\\fe\\fd\\fc\")",
            u.int_in_range(0..=(min * PAGE - 12)).ok()?
        );
    }
    let _ = writeln!(
        wat,
        "  (func (export \"grow\") (param i64) (result i64) (memory.grow (i64.and (local.get 0) (i64.const 3))))"
    );
    let _ = writeln!(wat, "  (func (export \"size\") (result i64) (memory.size))");
    let n = u.int_in_range(1..=6usize).ok()?;
    for f in 0..n {
        let mut addr = String::new();
        let depth = u.int_in_range(0..=3).ok()?;
        address(u, min, depth, &mut addr);
        let off = offset(u, min);
        let body = match u.int_in_range(0u8..=7).ok()? {
            0 => {
                let load = *u
                    .choose(&["i64.load", "i64.load8_u", "i64.load16_s", "i64.load32_u", "i64.load8_s", "i64.load16_u"])
                    .ok()?;
                format!("({load} offset={off} {addr})")
            }
            1 => format!("(i64.extend_i32_u (i32.load offset={off} {addr}))"),
            2 => format!("(i64.reinterpret_f64 (f64.load offset={off} {addr}))"),
            3 => {
                let store = *u.choose(&["i64.store", "i64.store8", "i64.store16", "i64.store32"]).ok()?;
                format!("({store} offset={off} {addr} (i64.const 0x1122334455667788)) (i64.const 7)")
            }
            4 => format!("(i64x2.extract_lane 1 (v128.load offset={off} {addr}))"),
            5 => format!("(v128.store64_lane offset={off} 1 {addr} (v128.const i64x2 -1 -2)) (i64.const 9)"),
            6 => {
                let mut len = String::new();
                address(u, min, 1, &mut len);
                format!("(memory.fill {addr} (i32.const 0xa5) {len}) (i64.const 5)")
            }
            _ => {
                let mut src = String::new();
                address(u, min, 1, &mut src);
                let len = u.int_in_range(0..=40u64).ok()?;
                format!("(memory.copy {addr} {src} (i64.const {len})) (i64.const 3)")
            }
        };
        // Twice in a loop, so that a hoisted or reused check is exercised too; the second
        // iteration sees the parameter shifted.
        let _ = writeln!(
            wat,
            "  (func (export \"f{f}\") (param i64) (result i64) (local i64 i64 i64)\n    (loop $l\n      (local.set 2 (i64.add (local.get 2) {body}))\n      (local.set 0 (i64.shr_u (local.get 0) (i64.const 1)))\n      (local.set 3 (i64.add (local.get 3) (i64.const 1)))\n      (br_if $l (i64.lt_u (local.get 3) (i64.const 2))))\n    (local.get 2))"
        );
    }
    let _ = writeln!(wat, ")");
    Some(wat)
}

/// Generates one module from `data` and compares it in `config` (memory64 flavour engines).
pub fn run(d: &Differential, data: &[u8], config: EngineConfig, counters: &mut Counters) -> Result<(), Divergence> {
    let mut u = Unstructured::new(data);
    let Some(text) = module_text(&mut u) else { return Ok(()) };
    let wasm = wat2wasm(&text);
    d.run_wasm(wasm, config, Flavour::Memory64, &mut u, counters)
}
