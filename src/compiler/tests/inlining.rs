//! Inlining (compiler/inline.rs): every module here is compiled twice, with and without
//! inlining, and must behave identically, including the frames of its traps (function index
//! and offsets of every frame, innermost first). Each test also checks that inlining really
//! happened (the functions carry inline frames), so that the comparison is not vacuous, and
//! checks the frames against offsets read from the binary.

use super::instance::{Instance, NO_CHECKS};
use crate::abi::compiled::Tunables;
use wasmparser::Operator;

/// The module compiled with inlining and without.
fn both(wat: &str, tunables: &Tunables) -> (Instance, Instance) {
    let inlined = Instance::with(wat, &Tunables { inlining: true, ..tunables.clone() }, 1);
    let plain = Instance::with(wat, &Tunables { inlining: false, ..tunables.clone() }, 1);
    assert!(plain.code.functions.iter().all(|f| f.inlined.is_empty()), "inlining off inlines nothing");
    (inlined, plain)
}

/// Functions inlined into defined function `defined` (by index, deduplicated).
fn inlined_into(inst: &Instance, defined: usize) -> Vec<u32> {
    let mut v: Vec<u32> = inst.code.functions[defined].inlined.iter().map(|f| f.func_index).collect();
    v.sort();
    v.dedup();
    v
}

/// Module offsets of the operators of function `func` that `pred` selects.
fn op_offsets(inst: &Instance, func: u32, pred: impl Fn(&Operator) -> bool) -> Vec<usize> {
    let info = &inst.module.info;
    let range = info.bodies[(func - info.num_imported_funcs) as usize].range.clone();
    let reader = wasmparser::BinaryReader::new(&info.bytes[range.clone()], range.start as u64);
    let body = wasmparser::FunctionBody::new(reader);
    let mut ops = body.get_operators_reader().unwrap();
    let mut out = Vec::new();
    while !ops.eof() {
        let (op, offset) = ops.read_with_offset().unwrap();
        if pred(&op) {
            out.push(offset as usize);
        }
    }
    out
}

fn is_call(op: &Operator) -> bool {
    matches!(op, Operator::Call { .. })
}

/// The trap of `name(args)` in both builds: same message, same frames; returns them.
fn same_trap(inlined: &Instance, plain: &Instance, name: &str, args: &[u128]) -> (String, Vec<(u32, usize, usize)>) {
    let a = inlined.trap_frames(name, args);
    let b = plain.trap_frames(name, args);
    assert_eq!(a, b, "{name}{args:?}: inlined vs not inlined");
    for &(func, module_offset, func_offset) in &a.1 {
        let info = &inlined.module.info;
        let start = info.bodies[(func - info.num_imported_funcs) as usize].range.start;
        assert_eq!(func_offset, module_offset - start, "function offset of a frame in {func}");
    }
    a
}

#[test]
fn trap_in_inlined_callees_shows_every_frame() {
    let wat = r#"(module
      (func $leaf (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))
      (func $mid (param i32) (result i32) (i32.add (call $leaf (local.get 0)) (i32.const 1)))
      (func (export "top") (param i32) (result i32) (i32.mul (call $mid (local.get 0)) (i32.const 3))))"#;
    let (inlined, plain) = both(wat, &NO_CHECKS);
    assert_eq!(inlined_into(&inlined, 2), vec![0, 1], "leaf and mid inlined into top");
    assert_eq!(inlined.i32("top", &[5]), 63);
    assert_eq!(plain.i32("top", &[5]), 63);
    let (message, frames) = same_trap(&inlined, &plain, "top", &[0]);
    assert_eq!(message, "integer divide by zero");
    let div = op_offsets(&inlined, 0, |op| matches!(op, Operator::I32DivU))[0];
    let call_leaf = op_offsets(&inlined, 1, is_call)[0];
    let call_mid = op_offsets(&inlined, 2, is_call)[0];
    let where_: Vec<(u32, usize)> = frames.iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(where_, vec![(0, div), (1, call_leaf), (2, call_mid)]);
}

#[test]
fn calls_out_of_inlined_code_keep_the_inlined_frame() {
    // $deep is too big to inline; $mid (inlined into top) calls it, so the trace passes through
    // a return address inside inlined code.
    let wat = r#"(module
      (func $deep (param i32) (result i32)
        (local.set 0 (i32.add (local.get 0) (i32.div_u (i32.const 1) (local.get 0))))
        (i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.add (i32.mul (local.get 0) (local.get 0))
          (i32.add (i32.xor (local.get 0) (i32.const 0x55)) (i32.add (i32.shl (local.get 0) (i32.const 2))
            (i32.add (i32.rotl (local.get 0) (i32.const 7)) (i32.sub (local.get 0) (i32.const 9))))))))
      (func $mid (param i32) (result i32) (i32.add (call $deep (local.get 0)) (i32.const 1)))
      (func (export "top") (param i32) (result i32) (call $mid (local.get 0))))"#;
    let (inlined, plain) = both(wat, &NO_CHECKS);
    assert_eq!(inlined_into(&inlined, 2), vec![1], "only mid is inlined into top");
    assert_eq!(inlined.i32("top", &[4]), plain.i32("top", &[4]));
    let (message, frames) = same_trap(&inlined, &plain, "top", &[0]);
    assert_eq!(message, "integer divide by zero");
    let div = op_offsets(&inlined, 0, |op| matches!(op, Operator::I32DivU))[0];
    let where_: Vec<(u32, usize)> = frames.iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(
        where_,
        vec![(0, div), (1, op_offsets(&inlined, 1, is_call)[0]), (2, op_offsets(&inlined, 2, is_call)[0])]
    );
}

#[test]
fn recursion_inlined_into_itself_traps_and_overflows_cleanly() {
    let wat = r#"(module
      (func $rec (export "rec") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.div_u (i32.const 1) (local.get 0)))
          (else (i32.add (call $rec (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
      (func $sum (export "sum") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (i32.add (local.get 0) (call $sum (i32.sub (local.get 0) (i32.const 1)))))))
      (func $forever (export "forever") (param i32) (result i32)
        (i32.add (call $forever (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))"#;
    let (inlined, plain) = both(wat, &NO_CHECKS);
    for f in 0..3 {
        assert_eq!(inlined_into(&inlined, f), vec![f as u32], "function {f} inlined into itself");
    }
    // Seven calls deep: eight frames, the innermost at the division, the others at the call.
    let (message, frames) = same_trap(&inlined, &plain, "rec", &[7]);
    assert_eq!(message, "integer divide by zero");
    let div = op_offsets(&inlined, 0, |op| matches!(op, Operator::I32DivU))[0];
    let call = op_offsets(&inlined, 0, is_call)[0];
    let mut expected = vec![(0u32, div)];
    expected.extend(std::iter::repeat_n((0u32, call), 7));
    assert_eq!(frames.iter().map(|f| (f.0, f.1)).collect::<Vec<_>>(), expected);
    for inst in [&inlined, &plain] {
        assert_eq!(inst.i32("sum", &[10_000]), 50_005_000);
        let (message, frames) = inst.trap_frames("forever", &[0]);
        assert_eq!(message, "call stack exhausted");
        assert!(!frames.is_empty() && frames.iter().all(|f| f.0 == 2));
        // The overflow left the instance usable.
        assert_eq!(inst.i32("sum", &[100]), 5050);
    }
}

#[test]
fn exceptions_cross_inlined_calls() {
    let wat = r#"(module
      (tag $e (param i32))
      (func $thrower (param i32) (result i32) (throw $e (local.get 0)))
      (func $mid (param i32) (result i32) (i32.add (call $thrower (local.get 0)) (i32.const 1)))
      (func (export "catch_outside") (param i32) (result i32)
        (block $h (result i32) (try_table (result i32) (catch $e $h) (call $mid (local.get 0)))))
      (func $safe (param i32) (result i32)
        (block $h (result i32) (try_table (result i32) (catch $e $h) (throw $e (local.get 0)))))
      (func (export "catch_inside") (param i32) (result i32) (i32.add (call $safe (local.get 0)) (i32.const 100)))
      (func $safe_call (param i32) (result i32)
        (block $h (result i32) (try_table (result i32) (catch $e $h) (call $thrower (local.get 0)))))
      (func (export "catch_call_inside") (param i32) (result i32)
        (i32.add (call $safe_call (local.get 0)) (i32.const 1000)))
      (func (export "uncaught") (param i32) (result i32) (call $mid (local.get 0))))"#;
    let (inlined, plain) = both(wat, &NO_CHECKS);
    assert_eq!(inlined_into(&inlined, 1), vec![0], "thrower inlined into mid");
    assert!(inlined_into(&inlined, 2).is_empty(), "calls inside try_table stay calls");
    assert_eq!(inlined_into(&inlined, 4), vec![3], "safe inlined");
    assert_eq!(inlined_into(&inlined, 6), vec![5], "safe_call inlined");
    assert_eq!(inlined_into(&inlined, 7), vec![0, 1], "mid and thrower inlined");
    for inst in [&inlined, &plain] {
        assert_eq!(inst.i32("catch_outside", &[7]), 7);
        assert_eq!(inst.i32("catch_inside", &[4]), 104);
        assert_eq!(inst.i32("catch_inside", &[0]), 100);
        assert_eq!(inst.i32("catch_call_inside", &[9]), 1009);
    }
    let a = inlined.trap_frames("uncaught", &[3]).0;
    assert_eq!(a, plain.trap_frames("uncaught", &[3]).0);
    assert!(a.contains("uncaught exception"), "{a}");
}

const SPIN: &str = r#"(module
  (func $count (param i32) (result i32)
    (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 0))
  (func (export "count") (param i32) (result i32) (i32.add (call $count (local.get 0)) (i32.const 1)))
  (func $spin (loop $l (br $l)))
  (func (export "spin") (call $spin)))"#;

#[test]
fn fuel_is_counted_and_enforced_inside_inlined_loops() {
    let fuel = Tunables { consume_fuel: true, ..NO_CHECKS };
    let (inlined, plain) = both(SPIN, &fuel);
    assert_eq!(inlined_into(&inlined, 1), vec![0]);
    assert_eq!(inlined_into(&inlined, 3), vec![2]);
    // The same operators are charged either way.
    let mut left = Vec::new();
    for inst in [&inlined, &plain] {
        inst.store.set_fuel(1_000_000);
        assert_eq!(inst.i32("count", &[1000]), 1);
        left.push(inst.store.fuel());
    }
    assert_eq!(left[0], left[1]);
    assert!(left[0] < 1_000_000 - 1000 * 4);
    for inst in [&inlined, &plain] {
        inst.store.set_fuel(10_000);
    }
    let (message, frames) = same_trap(&inlined, &plain, "spin", &[]);
    assert_eq!(message, "all fuel consumed");
    assert_eq!(frames.iter().map(|f| f.0).collect::<Vec<_>>(), vec![2, 3]);
}

#[test]
fn epoch_interrupts_inlined_loops() {
    let epoch = Tunables { epoch_interruption: true, ..NO_CHECKS };
    let (inlined, plain) = both(SPIN, &epoch);
    assert_eq!(inlined_into(&inlined, 3), vec![2]);
    let mut traps = Vec::new();
    for inst in [&inlined, &plain] {
        inst.store.set_epoch_deadline(1);
        let engine = inst.store.engine.clone();
        let ticker = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(20));
            engine.increment_epoch();
        });
        traps.push(inst.trap_frames("spin", &[]));
        ticker.join().unwrap();
    }
    assert_eq!(traps[0], traps[1]);
    assert_eq!(traps[0].0, "interrupted");
    assert_eq!(traps[0].1.iter().map(|f| f.0).collect::<Vec<_>>(), vec![2, 3]);
}

#[test]
fn inlining_follows_the_size_limits() {
    // A callee over the size limit stays a call; so does every call once nothing qualifies.
    let big_body: String = (0..40).map(|i| format!("(local.set 0 (i32.add (local.get 0) (i32.const {i})))")).collect();
    let wat = format!(
        r#"(module
          (func $big (param i32) (result i32) {big_body} (local.get 0))
          (func $small (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
          (func (export "f") (param i32) (result i32) (call $small (call $big (local.get 0)))))"#
    );
    let (inlined, plain) = both(&wat, &NO_CHECKS);
    assert_eq!(inlined_into(&inlined, 2), vec![1]);
    assert_eq!(inlined.i32("f", &[1]), plain.i32("f", &[1]));
    assert_eq!(inlined.i32("f", &[1]), 1 + 780 + 1);
}

#[test]
fn inline_frames_survive_serialization() {
    let wat = r#"(module
      (func $leaf (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))
      (func $mid (param i32) (result i32) (i32.add (call $leaf (local.get 0)) (i32.const 1)))
      (func (export "top") (param i32) (result i32) (i32.mul (call $mid (local.get 0)) (i32.const 3))))"#;
    let inlined = Instance::new(wat);
    assert!(!inlined.code.functions[2].inlined.is_empty());
    let bytes = crate::runtime::serialize::serialize(&inlined.module).unwrap();
    let back = crate::runtime::serialize::deserialize(&inlined.store.engine, &bytes).unwrap();
    for (a, b) in inlined.code.functions.iter().zip(&back.code.functions) {
        assert_eq!(a.inlined, b.inlined);
        assert_eq!(a.address_map, b.address_map);
    }
}
