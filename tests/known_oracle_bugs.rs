//! The oracle bugs listed in fuzz/KNOWN-ORACLE-BUGS.md, each as its minimal reproduction: the
//! module runs in wasmlift (through the C API) and in wasmi. wasmlift must give the result the
//! spec requires; the test also checks that wasmi still gets it wrong, so that an entry is
//! removed from the list (and its divergence pattern from the fuzzer) once the oracle is fixed.

#[path = "../fuzz/src/capi.rs"]
#[allow(dead_code)]
mod capi;

use capi::*;
use std::ptr;

#[path = "../fuzz/src/oracle_bugs.rs"]
mod oracle_bugs;

/// Calls export `name` with i32 arguments in wasmlift; the single i32 result.
fn wasmlift_i32(wat: &str, name: &str, args: &[i32], extra: bool) -> i32 {
    let wasm = wat2wasm(wat);
    // SAFETY: every handle is created and deleted here, once.
    unsafe {
        let engine = new_engine(EngineConfig::Default, extra);
        let store = wasm_store_new(engine);
        let module = compile(store, &wasm);
        assert!(!module.is_null(), "{}", last_error());
        let imports = wasm_extern_vec_t::empty();
        let instance = wasm_instance_new(store, module, &imports, ptr::null_mut());
        assert!(!instance.is_null(), "{}", last_error());
        let mut exports = wasm_extern_vec_t::empty();
        wasm_instance_exports(instance, &mut exports);
        let mut etypes = wasm_exporttype_vec_t::empty();
        wasm_module_exports(module, &mut etypes);
        let idx = etypes
            .as_slice()
            .iter()
            .position(|t| (*wasm_exporttype_name(*t)).bytes() == name.as_bytes())
            .expect("export");
        wasm_exporttype_vec_delete(&mut etypes);
        let f = wasm_extern_as_func(exports.as_slice()[idx]);
        let mut a: Vec<wasm_val_t> =
            args.iter().map(|x| wasm_val_t { kind: WASM_I32, of: wasm_val_union { i32: *x } }).collect();
        let mut r = [zero_val(WASM_I32)];
        let av = wasm_val_vec_t { size: a.len(), data: a.as_mut_ptr() };
        let mut rv = wasm_val_vec_t { size: 1, data: r.as_mut_ptr() };
        let t = wasm_func_call(f, &av, &mut rv);
        assert!(t.is_null(), "trap: {}", trap_message(t));
        wasm_extern_vec_delete(&mut exports);
        wasm_instance_delete(instance);
        wasm_module_delete(module);
        wasm_store_delete(store);
        wasm_engine_delete(engine);
        r[0].of.i32
    }
}

fn wasmi_i32(wat: &str, name: &str, args: &[i32]) -> i32 {
    let mut config = wasmi::Config::default();
    config.wasm_simd(true).wasm_multi_memory(true);
    let engine = wasmi::Engine::new(&config);
    let module = wasmi::Module::new(&engine, wat2wasm(wat)).expect("wasmi compiles");
    let mut store = wasmi::Store::new(&engine, ());
    let instance = wasmi::Instance::new(&mut store, &module, &[]).expect("wasmi instantiates");
    let f = instance.get_func(&store, name).expect("export");
    let a: Vec<wasmi::Val> = args.iter().map(|x| wasmi::Val::I32(*x)).collect();
    let mut r = [wasmi::Val::I32(0)];
    f.call(&mut store, &a, &mut r).expect("no trap in wasmi");
    match r[0] {
        wasmi::Val::I32(x) => x,
        _ => unreachable!(),
    }
}

/// (select a b (i32.eqz b)) where b is a local: wasmi picks the wrong operand.
pub const SELECT_EQZ_SAME_LOCAL: &str = r#"(module
  (func (export "f") (param i32) (result i32)
    (select (i32.const 1) (local.get 0) (i32.eqz (local.get 0)))))"#;

#[test]
fn select_of_local_and_eqz_of_the_same_local() {
    // eqz(-1) = 0, so select yields its second operand, local 0 = -1.
    assert_eq!(wasmlift_i32(SELECT_EQZ_SAME_LOCAL, "f", &[-1], false), -1);
    assert_eq!(wasmi_i32(SELECT_EQZ_SAME_LOCAL, "f", &[-1]), 1, "wasmi fixed: drop KNOWN-ORACLE-BUGS.md entry 1");
}

// The issue that set up the fuzzing reports two more wasmi 2.0.0 bugs: v128.storeN_lane with a
// static offset >= 64 KiB or on a memory other than 0 drops the store or crashes, and a value
// left on the stack across an `if (param i32)` whose untaken branch assigns the local is read
// wrong. The store-lane forms below (and the variants listed in KNOWN-ORACLE-BUGS.md) do NOT
// reproduce in wasmi 2.0.0, so no divergence is attributed to them. The `if (param i32)` one is
// entry 2 (below); the form here, with a constant condition, does not show it (wasmi translates
// neither the untaken arm nor its copy). The forms stay here as wasmlift regression tests,
// checked against both engines.

/// v128.storeN_lane with a static offset of 64 KiB or more.
pub const STORE_LANE_BIG_OFFSET: &str = r#"(module
  (memory 2)
  (func (export "f") (param i32) (result i32)
    (v128.store8_lane offset=65536 0 (local.get 0) (i8x16.splat (i32.const 7)))
    (i32.load8_u offset=65536 (local.get 0))))"#;

/// v128.store16_lane on memory 1 (multi-memory).
pub const STORE_LANE_MEMORY_1: &str = r#"(module
  (memory 1) (memory 1)
  (func (export "f") (param i32) (result i32)
    (v128.store16_lane 1 offset=4 1 (local.get 0) (i16x8.splat (i32.const 0x1234)))
    (i32.load16_u 1 offset=4 (local.get 0))))"#;

/// A value on the stack across an `if (param i32)` whose untaken branch assigns its local.
pub const IF_PARAM_LOCAL_SET: &str = r#"(module
  (func (export "f") (param i32) (result i32)
    (local.get 0)
    (i32.const 10)
    (if (param i32) (result i32) (i32.const 0)
      (then (local.set 0 (i32.const 99)))
      (else))
    (i32.add)))"#;

#[test]
fn reported_but_unreproduced_forms_agree() {
    for (wat, arg, extra, expected) in [
        (STORE_LANE_BIG_OFFSET, 3, false, 7),
        (STORE_LANE_MEMORY_1, 10, true, 0x1234),
        (IF_PARAM_LOCAL_SET, 1, false, 11),
    ] {
        assert_eq!(wasmlift_i32(wat, "f", &[arg], extra), expected, "{wat}");
        assert_eq!(wasmi_i32(wat, "f", &[arg]), expected, "{wat}");
    }
}

/// The module pattern `known_oracle_bug` attributes to entry 1 is recognised in its reproduction.
#[test]
fn the_select_pattern_is_recognised() {
    assert_eq!(oracle_bugs::known_oracle_bug(&wat2wasm(SELECT_EQZ_SAME_LOCAL)), Some("select-eqz-same-local"));
    assert_eq!(oracle_bugs::known_oracle_bug(&wat2wasm(STORE_LANE_BIG_OFFSET)), None);
}

/// Allowed divergence (KNOWN-ORACLE-BUGS.md, "allowed by the spec"): `table.grow` by about 4e9
/// elements on a table without a maximum. The spec lets it fail at any size; wasmi grows the
/// table, wasmlift returns -1. wasmlift's answer must be one of the two and agree with
/// `table.size`.
pub const HUGE_TABLE_GROW: &str = r#"(module
  (table 4 externref)
  (func (export "f") (result i32) (table.grow 0 (ref.null extern) (i32.const -265060862)))
  (func (export "size") (result i32) (table.size 0)))"#;

#[test]
fn huge_table_grow_fails_cleanly_or_grows() {
    let wasm = wat2wasm(HUGE_TABLE_GROW);
    // SAFETY: every handle is created and deleted here, once.
    unsafe {
        let engine = new_engine(EngineConfig::Default, false);
        let store = wasm_store_new(engine);
        let module = compile(store, &wasm);
        let imports = wasm_extern_vec_t::empty();
        let instance = wasm_instance_new(store, module, &imports, ptr::null_mut());
        let mut exports = wasm_extern_vec_t::empty();
        wasm_instance_exports(instance, &mut exports);
        let call = |i: usize| {
            let f = wasm_extern_as_func(exports.as_slice()[i]);
            let mut r = [zero_val(WASM_I32)];
            let args = wasm_val_vec_t::empty();
            let mut rv = wasm_val_vec_t { size: 1, data: r.as_mut_ptr() };
            assert!(wasm_func_call(f, &args, &mut rv).is_null());
            r[0].of.i32
        };
        let grown = call(0);
        let size = call(1) as u32;
        assert!((grown == -1 && size == 4) || (grown == 4 && size == 4 + 4_029_906_434), "grow {grown}, size {size}");
        wasm_extern_vec_delete(&mut exports);
        wasm_instance_delete(instance);
        wasm_module_delete(module);
        wasm_store_delete(store);
        wasm_engine_delete(engine);
    }
}

/// Calls export `name` in wasmlift (every function import a host function returning zeros)
/// with i32 arguments; the first result's 64 bits.
fn wasmlift_call(wat: &str, name: &str, args: &[i32], result: wasm_valkind_t) -> i64 {
    unsafe extern "C" fn nothing(_: *const wasm_val_vec_t, _: *mut wasm_val_vec_t) -> *mut wasm_trap_t {
        ptr::null_mut()
    }
    let wasm = wat2wasm(wat);
    // SAFETY: every handle is created and deleted here, once, in reverse order.
    unsafe {
        let engine = new_engine_with(EngineConfig::Default, true, Some((true, false)));
        let store = wasm_store_new(engine);
        let module = compile(store, &wasm);
        assert!(!module.is_null(), "{}", last_error());
        let mut import_types = wasm_importtype_vec_t::empty();
        wasm_module_imports(module, &mut import_types);
        let mut externs: Vec<*mut wasm_extern_t> = import_types
            .as_slice()
            .iter()
            .map(|t| {
                let ft = wasm_externtype_as_functype_const(wasm_importtype_type(*t));
                wasm_func_as_extern(wasm_func_new(store, ft, Some(nothing)))
            })
            .collect();
        wasm_importtype_vec_delete(&mut import_types);
        let imports = wasm_extern_vec_t { size: externs.len(), data: externs.as_mut_ptr() };
        let instance = wasm_instance_new(store, module, &imports, ptr::null_mut());
        assert!(!instance.is_null(), "{}", last_error());
        let mut exports = wasm_extern_vec_t::empty();
        wasm_instance_exports(instance, &mut exports);
        let mut etypes = wasm_exporttype_vec_t::empty();
        wasm_module_exports(module, &mut etypes);
        let idx = etypes
            .as_slice()
            .iter()
            .position(|t| (*wasm_exporttype_name(*t)).bytes() == name.as_bytes())
            .expect("export");
        wasm_exporttype_vec_delete(&mut etypes);
        let f = wasm_extern_as_func(exports.as_slice()[idx]);
        let mut a: Vec<wasm_val_t> =
            args.iter().map(|x| wasm_val_t { kind: WASM_I32, of: wasm_val_union { i32: *x } }).collect();
        let mut r = [zero_val(result)];
        let av = wasm_val_vec_t { size: a.len(), data: a.as_mut_ptr() };
        let mut rv = wasm_val_vec_t { size: 1, data: r.as_mut_ptr() };
        let t = wasm_func_call(f, &av, &mut rv);
        assert!(t.is_null(), "trap: {}", trap_message(t));
        wasm_extern_vec_delete(&mut exports);
        wasm_instance_delete(instance);
        for e in externs {
            wasm_extern_delete(e);
        }
        wasm_module_delete(module);
        wasm_store_delete(store);
        wasm_engine_delete(engine);
        r[0].of.i64
    }
}

/// Calls export `name` in wasmi on a fresh engine, with i32 arguments; the first result (i32 or
/// i64) as 64 bits. `empty_imports_as_wasm`: imports of type [] -> [] are a wasm function doing
/// nothing instead of a host function (the differential executor's way around entry 3).
fn wasmi_call(wat: &str, name: &str, args: &[i32], empty_imports_as_wasm: bool) -> i64 {
    let mut config = wasmi::Config::default();
    config.wasm_tail_call(true).wasm_multi_memory(true);
    let engine = wasmi::Engine::new(&config);
    let module = wasmi::Module::new(&engine, wat2wasm(wat)).expect("wasmi compiles");
    let mut store = wasmi::Store::new(&engine, ());
    let empty = wasmi::Module::new(&engine, wat2wasm(r#"(module (func (export "f")))"#)).unwrap();
    let empty = wasmi::Instance::new(&mut store, &empty, &[]).unwrap().get_func(&store, "f").unwrap();
    let imports: Vec<wasmi::Extern> = module
        .imports()
        .map(|i| {
            let ft = i.ty().func().expect("function imports only").clone();
            if empty_imports_as_wasm && ft.params().is_empty() && ft.results().is_empty() {
                return empty.into();
            }
            let results: Vec<wasmi::ValType> = ft.results().to_vec();
            wasmi::Func::new(&mut store, ft, move |_, _, out| {
                for (o, t) in out.iter_mut().zip(&results) {
                    *o = wasmi::Val::default_for_ty(*t);
                }
                Ok(())
            })
            .into()
        })
        .collect();
    let instance = wasmi::Instance::new(&mut store, &module, &imports).expect("wasmi instantiates");
    let f = instance.get_func(&store, name).expect("export");
    let a: Vec<wasmi::Val> = args.iter().map(|x| wasmi::Val::I32(*x)).collect();
    let mut r = [wasmi::Val::default_for_ty(f.ty(&store).results()[0])];
    f.call(&mut store, &a, &mut r).expect("no trap in wasmi");
    match r[0] {
        wasmi::Val::I32(x) => x as i64,
        wasmi::Val::I64(x) => x,
        _ => unreachable!(),
    }
}

/// Entry 2: at a block with parameters, wasmi leaves a `local.get` operand *below* the
/// parameters uncopied; the `block` inside the `then` arm copies it there, and when the arm does
/// not run the operand is read from a slot nobody wrote.
pub const BLOCK_PARAMS_SKIP_LOCAL: &str = r#"(module
  (func (export "f") (param i32) (result i64) (local i64)
    (local.set 1 (i64.const 0x5eedf00d))
    (local.get 1)
    (i32.const 7)
    (local.get 0)
    (if (param i32) (result i32) (then (block)))
    (drop)))"#;

/// The form the issue reported: the untaken arm of an `if (param i32)` assigns the local whose
/// value is on the stack below the parameter (the `local.set` copies the old value away, in the
/// arm only).
pub const IF_PARAM_UNTAKEN_LOCAL_SET: &str = r#"(module
  (func (export "f") (param i32 i32) (result i32)
    (local.get 0)
    (i32.const 10)
    (local.get 1)
    (if (param i32) (result i32) (then (local.set 0 (i32.const 99))))
    (i32.add)))"#;

#[test]
fn local_below_block_params_read_from_an_unwritten_slot() {
    // f(0): the `then` arm does not run; the value below the `if` is local 1 = 0x5eedf00d.
    assert_eq!(wasmlift_call(BLOCK_PARAMS_SKIP_LOCAL, "f", &[0], WASM_I64), 0x5eed_f00d);
    assert_eq!(wasmlift_call(BLOCK_PARAMS_SKIP_LOCAL, "f", &[1], WASM_I64), 0x5eed_f00d);
    // wasmi reads a slot that only the `then` arm writes: whatever a fresh engine's stack holds.
    assert_ne!(
        wasmi_call(BLOCK_PARAMS_SKIP_LOCAL, "f", &[0], false),
        0x5eed_f00d,
        "wasmi fixed: drop KNOWN-ORACLE-BUGS.md entry 2 and its pattern"
    );
    assert_eq!(wasmi_call(BLOCK_PARAMS_SKIP_LOCAL, "f", &[1], false), 0x5eed_f00d, "the arm that runs copies");
    // The reported form: f(5, 0) = 5 + 10 (the arm assigning local 0 does not run).
    assert_eq!(wasmlift_call(IF_PARAM_UNTAKEN_LOCAL_SET, "f", &[5, 0], WASM_I32) as i32, 15);
    assert_eq!(wasmlift_call(IF_PARAM_UNTAKEN_LOCAL_SET, "f", &[5, 1], WASM_I32) as i32, 15);
    assert_ne!(wasmi_call(IF_PARAM_UNTAKEN_LOCAL_SET, "f", &[5, 0], false) as i32, 15, "wasmi fixed: entry 2");
    assert_eq!(wasmi_call(IF_PARAM_UNTAKEN_LOCAL_SET, "f", &[5, 1], false) as i32, 15);
}

/// `known_oracle_bug` recognises entry 2 where wasmi skips a local, and not where the skipped
/// local operand is the parameter itself (what wasmi's skip is meant for).
#[test]
fn the_block_params_pattern_is_recognised() {
    for wat in [BLOCK_PARAMS_SKIP_LOCAL, IF_PARAM_UNTAKEN_LOCAL_SET] {
        assert_eq!(oracle_bugs::known_oracle_bug(&wat2wasm(wat)), Some("block-params-skip-local"), "{wat}");
    }
    // The constant-condition form also skips the local (the copy never happens, so it agrees).
    assert_eq!(oracle_bugs::known_oracle_bug(&wat2wasm(IF_PARAM_LOCAL_SET)), Some("block-params-skip-local"));
    for wat in [
        // The parameter is the local operand: skipped as intended, local 1 below is copied.
        r#"(module (func (param i32 i32) (result i32)
             (local.get 1) (local.get 0) (local.get 0)
             (if (param i32) (result i32) (then (block)))
             (i32.add)))"#,
        // No parameters.
        r#"(module (func (param i32) (result i32)
             (local.get 0) (local.get 0) (if (then (block)))))"#,
        // Parameters but nothing from `local.get` below them.
        r#"(module (func (param i32) (result i32)
             (i32.const 1) (i32.const 7) (local.get 0)
             (if (param i32) (result i32) (then (block)))
             (i32.add)))"#,
        // The local below was copied by an earlier block already.
        r#"(module (func (param i32) (result i32)
             (local.get 0) (block) (i32.const 7) (local.get 0)
             (if (param i32) (result i32) (then (block)))
             (i32.add)))"#,
    ] {
        assert_eq!(oracle_bugs::known_oracle_bug(&wat2wasm(wat)), None, "{wat}");
    }
}

/// Entry 3: a tail call to a host function of type [] -> [] (here from $t, called by "f") hands
/// "f" a dangling stack pointer in wasmi; f's next stack write (the result of $w) faults.
pub const TAIL_CALL_EMPTY_HOST: &str = r#"(module
  (import "" "h" (func $h))
  (func $t (return_call $h))
  (func $w (result i64) (i64.const 7))
  (func (export "f") (result i64) (call $t) (call $w)))"#;

/// The same through `return_call_indirect`.
pub const TAIL_CALL_INDIRECT_EMPTY_HOST: &str = r#"(module
  (type $v (func))
  (import "" "h" (func $h (type $v)))
  (table funcref (elem $h))
  (func $t (return_call_indirect (type $v) (i32.const 0)))
  (func $w (result i64) (i64.const 7))
  (func (export "f") (result i64) (call $t) (call $w)))"#;

/// Set in the child process that runs the crashing module in wasmi.
const CRASH_CHILD: &str = "WASMLIFT_ORACLE_CRASH_CHILD";

#[test]
fn tail_call_to_empty_host_function_crashes_wasmi() {
    if let Ok(which) = std::env::var(CRASH_CHILD) {
        // The child: dies here while wasmi is broken.
        let wat = if which == "indirect" { TAIL_CALL_INDIRECT_EMPTY_HOST } else { TAIL_CALL_EMPTY_HOST };
        println!("wasmi returned {}", wasmi_call(wat, "f", &[], false));
        return;
    }
    for (which, wat) in [("direct", TAIL_CALL_EMPTY_HOST), ("indirect", TAIL_CALL_INDIRECT_EMPTY_HOST)] {
        assert_eq!(wasmlift_call(wat, "f", &[], WASM_I64), 7, "{which}");
        assert_eq!(oracle_bugs::oracle_crash(&wat2wasm(wat)), Some("tail-call-to-empty-host-function"));
        // The differential executor's way around it: a wasm function instead of the host one.
        assert_eq!(wasmi_call(wat, "f", &[], true), 7, "{which}");
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "tail_call_to_empty_host_function_crashes_wasmi", "--nocapture", "--test-threads=1"])
            .env(CRASH_CHILD, which)
            .output()
            .expect("the child test process runs");
        use std::os::unix::process::ExitStatusExt;
        assert!(
            status.status.signal().is_some(),
            "wasmi fixed ({which}: {:?}, {}): drop KNOWN-ORACLE-BUGS.md entry 3, its pattern and workaround",
            status.status,
            String::from_utf8_lossy(&status.stdout)
        );
    }
    // Not the pattern: the host function has a parameter (wasmi handles it).
    let with_param = r#"(module
      (import "" "h" (func $h (param i32)))
      (func $t (return_call $h (i32.const 1)))
      (func (export "f") (result i64) (call $t) (i64.const 7)))"#;
    assert_eq!(oracle_bugs::oracle_crash(&wat2wasm(with_param)), None);
    assert_eq!(wasmi_call(with_param, "f", &[], false), 7);
}

/// Entry 4: an integer store whose address and value are the same local, last assigned a
/// computed value, with an offset above 0xffff (or to a memory other than 0): wasmi 2.0.0 finds
/// both operands in its one integer register and panics translating the function.
pub const STORE_LOCAL_TO_ITSELF: &str = r#"(module
  (memory 2)
  (func (export "f") (param i32) (result i32) (local i32)
    (i32.store offset=70000 (local.tee 1 (i32.add (local.get 0) (i32.const 1))) (local.get 1))
    (i32.load offset=70000 (local.get 1))))"#;

/// The same on a second memory (the form the fuzzer found: `i64.store8` to an i64 memory).
pub const STORE_LOCAL_TO_ITSELF_MEMORY_1: &str = r#"(module
  (memory 1) (memory i64 1)
  (func (export "f") (param i32) (result i64) (local i64)
    (i64.store8 1 (local.tee 1 (i64.add (i64.extend_i32_u (local.get 0)) (i64.const 1))) (local.get 1))
    (i64.load8_u 1 (local.get 1))))"#;

#[test]
fn integer_store_of_a_local_to_itself_panics_wasmi() {
    for (wat, arg, expected) in [(STORE_LOCAL_TO_ITSELF, 5, 6), (STORE_LOCAL_TO_ITSELF_MEMORY_1, 9, 10)] {
        // f(x): the value x + 1 stored at address x + 1 (a byte of it, for i64.store8) and read back.
        assert_eq!(wasmlift_call(wat, "f", &[arg], if wat.contains("i64") { WASM_I64 } else { WASM_I32 }), expected);
        assert_eq!(oracle_bugs::oracle_panic(&wat2wasm(wat)), Some("integer-store-of-a-local-to-itself"), "{wat}");
        let wasmi = std::panic::catch_unwind(|| wasmi_call_memory64(wat, "f", &[arg]));
        assert!(wasmi.is_err(), "wasmi fixed ({wat}): drop KNOWN-ORACLE-BUGS.md entry 4 and its pattern");
    }
    // Not the pattern: memory 0 with a small offset (wasmi copies one operand there).
    let small_offset = STORE_LOCAL_TO_ITSELF.replace("offset=70000", "offset=7000");
    assert_eq!(oracle_bugs::oracle_panic(&wat2wasm(&small_offset)), None);
    assert_eq!(wasmi_call_memory64(&small_offset, "f", &[5]), 6);
    assert_eq!(wasmlift_call(&small_offset, "f", &[5], WASM_I32), 6);
}

/// `wasmi_call` with memory64 on (and no imports).
fn wasmi_call_memory64(wat: &str, name: &str, args: &[i32]) -> i64 {
    let mut config = wasmi::Config::default();
    config.wasm_multi_memory(true).wasm_memory64(true);
    let engine = wasmi::Engine::new(&config);
    let module = wasmi::Module::new(&engine, wat2wasm(wat)).expect("wasmi compiles");
    let mut store = wasmi::Store::new(&engine, ());
    let instance = wasmi::Instance::new(&mut store, &module, &[]).expect("wasmi instantiates");
    let f = instance.get_func(&store, name).expect("export");
    let a: Vec<wasmi::Val> = args.iter().map(|x| wasmi::Val::I32(*x)).collect();
    let mut r = [wasmi::Val::default_for_ty(f.ty(&store).results()[0])];
    f.call(&mut store, &a, &mut r).expect("no trap in wasmi");
    match r[0] {
        wasmi::Val::I32(x) => x as i64,
        wasmi::Val::I64(x) => x,
        _ => unreachable!(),
    }
}
