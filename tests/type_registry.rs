//! Function types are released with the last module (or host function) that uses them: a
//! long-running engine that compiles and drops modules with ever new types does not grow.

use std::sync::Arc;
use wasmlift::runtime::engine::{Config, Engine};
use wasmlift::runtime::module::CompiledModule;
use wasmlift::runtime::type_registry::live_types;

/// The tests count live types process-wide: they must not run at the same time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn new_engine() -> Engine {
    Engine::new(Config::default(), Arc::new(wasmlift::compiler::Cranelift::for_host().unwrap())).unwrap()
}

fn module_with_distinct_type(k: usize) -> Vec<u8> {
    // k i32 parameters and one i64 result: a type no other module here uses.
    let params = " i32".repeat(k + 1);
    wat::parse_str(format!("(module (func (export \"f\") (param{params}) (result i64) i64.const 1))")).unwrap()
}

#[test]
fn types_are_released_with_their_last_module() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let engine = new_engine();
    let baseline = live_types();
    let modules: Vec<_> =
        (0..160).map(|k| CompiledModule::new(&engine, module_with_distinct_type(k)).unwrap()).collect();
    assert_eq!(live_types(), baseline + 160);
    // Two modules sharing a type: the id stays until both are gone, and is the same id.
    let again = CompiledModule::new(&engine, module_with_distinct_type(7)).unwrap();
    assert_eq!(again.type_ids[0], modules[7].type_ids[0]);
    drop(modules);
    assert_eq!(live_types(), baseline + 1);
    // Another engine gets the same canonical id for the same structural type.
    let other = new_engine();
    let there = CompiledModule::new(&other, module_with_distinct_type(7)).unwrap();
    assert_eq!(there.type_ids[0], again.type_ids[0]);
    drop(again);
    drop(there);
    assert_eq!(live_types(), baseline);
}

#[test]
fn rec_groups_and_the_groups_they_refer_to_are_released() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let engine = new_engine();
    let baseline = live_types();
    // A group referring to an earlier one, and subtypes: five types in all.
    let wat = "(module (type $a (func (param i32 i32 i32 i32 i32 i32 i32)))
        (rec (type $f (sub (func (param (ref null $a) (ref null $g))))) (type $g (sub $f (func (param (ref null $a) (ref null $f))))))
        (type $h (sub final $g (func (param (ref null $a) (ref null $f)))))
        (type (func (param (ref $h)))))";
    let m = CompiledModule::new(&engine, wat::parse_str(wat).unwrap()).unwrap();
    assert_eq!(live_types(), baseline + 5);
    // The same module again shares every type.
    let again = CompiledModule::new(&engine, wat::parse_str(wat).unwrap()).unwrap();
    assert_eq!(again.type_ids, m.type_ids);
    assert_eq!(live_types(), baseline + 5);
    drop(m);
    assert_eq!(live_types(), baseline + 5);
    drop(again);
    assert_eq!(live_types(), baseline);
}

#[test]
fn a_deserialized_module_gets_the_same_type_ids() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let engine = new_engine();
    // Rec groups and `sub` are decoded through the GC-validator pass (see decode.rs): so must
    // they be when a serialized module is loaded.
    let wat =
        "(module (rec (type $f (sub (func (param (ref null $g))))) (type $g (sub $f (func (param (ref null $f))))))
        (func (export \"g\") (type $g)))";
    let m = CompiledModule::new(&engine, wat::parse_str(wat).unwrap()).unwrap();
    let bytes = wasmlift::runtime::serialize::serialize(&m).unwrap();
    let back = wasmlift::runtime::serialize::deserialize(&engine, &bytes).unwrap();
    assert_eq!(back.type_ids, m.type_ids);
    assert_eq!(back.info.subtypes, m.info.subtypes);
}
