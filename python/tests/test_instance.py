# Instance: imports as a list or a nested dict, link errors with the engine's message, exports
# by name, by index and as attributes, and a module importing host functions, a host global
# and a host memory together.
import pytest

import wasmlift as wl
from wasmlift import FuncType, GlobalType, Limits, MemoryType, ValType

APP = """
(module
  (import "env" "log" (func $log (param i32 i32)))
  (import "env" "scale" (global $scale i32))
  (import "env" "memory" (memory 1))
  (import "math" "square" (func $square (param i32) (result i32)))
  (data (i32.const 16) "hello")
  (global $calls (export "calls") (mut i32) (i32.const 0))
  (func (export "run") (param i32) (result i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (call $log (i32.const 16) (i32.const 5))
    (i32.mul (call $square (local.get 0)) (global.get $scale))))
"""


def make_app_imports(store, logged):
    memory = wl.Memory(store, MemoryType(Limits(1)))

    def log(ptr, n):
        logged.append(memory.read(ptr, n).decode())

    return memory, {
        "env": {
            "log": wl.Func(store, FuncType([ValType.i32(), ValType.i32()], []), log),
            "scale": wl.Global(store, GlobalType(ValType.i32()), 3),
            "memory": memory,
        },
        "math": {"square": wl.Func(store, FuncType([ValType.i32()], [ValType.i32()]), lambda x: x * x)},
    }


def test_host_functions_global_and_memory(store):
    logged = []
    memory, imports = make_app_imports(store, logged)
    inst = wl.Instance(store, wl.Module(store, APP), imports)
    assert inst.exports.run(4) == 48
    assert logged == ["hello"]  # the host function read the data segment from the host memory
    assert memory.read(16, 5) == b"hello"
    assert inst.exports.calls.value == 1


def test_imports_as_list_in_module_order(store):
    logged = []
    _, d = make_app_imports(store, logged)
    module = wl.Module(store, APP)
    as_list = [d[i.module][i.name] for i in module.imports]
    inst = wl.Instance(store, module, as_list)
    assert inst.exports.run(2) == 12 and logged == ["hello"]


def test_exports_access(store):
    m = wl.Module(store, """(module
      (func (export "one") (result i32) i32.const 1)
      (func (export "get") (result i32) i32.const 2)
      (memory (export "memory") 1)
      (global (export "two words") i32 (i32.const 3)))""")
    inst = wl.Instance(store, m)
    ex = inst.exports
    assert len(ex) == 4 and list(ex) == ["one", "get", "memory", "two words"]
    assert ex["one"]() == 1 and ex[0]() == 1 and ex.one() == 1 and inst.one() == 1
    assert ex.get() == 2  # an export named like a method wins as an attribute
    assert wl.Exports.get(ex, "one")() == 1 and ex["get"]() == 2
    assert isinstance(ex.memory, wl.Memory) and isinstance(ex["two words"], wl.Global)
    assert "one" in ex and "three" not in ex
    assert [k for k, _ in ex.items()] == ex.keys()
    with pytest.raises(KeyError, match="no export named 'three'"):
        ex["three"]
    with pytest.raises(AttributeError):
        ex.three
    with pytest.raises(AttributeError):
        inst.three


def test_missing_import_dict(store):
    m = wl.Module(store, '(module (import "env" "f" (func)))')
    with pytest.raises(wl.LinkError, match="env::f"):
        wl.Instance(store, m, {"env": {}})
    with pytest.raises(wl.LinkError):
        wl.Instance(store, m)


def test_wrong_import_count_list(store):
    m = wl.Module(store, '(module (import "env" "f" (func)))')
    with pytest.raises(wl.LinkError, match="1 imports but 0"):
        wl.Instance(store, m, [])


def test_link_error_message_from_engine(store):
    m = wl.Module(store, '(module (import "env" "f" (func (param i32))))')
    wrong = wl.Func(store, FuncType([ValType.i64()], []), lambda x: None)
    with pytest.raises(wl.LinkError) as e:
        wl.Instance(store, m, [wrong])
    assert "incompatible import type" in e.value.message and "env" in e.value.message
    assert isinstance(e.value, wl.WasmError)
    glob = wl.Global(store, GlobalType(ValType.i32()), 0)
    with pytest.raises(wl.LinkError, match="incompatible import type"):
        wl.Instance(store, m, [glob])


def test_non_extern_import_rejected(store):
    m = wl.Module(store, '(module (import "env" "g" (global i32)))')
    with pytest.raises(TypeError, match="env::g"):
        wl.Instance(store, m, {"env": {"g": 5}})


def test_data_segment_out_of_bounds_is_a_trap(store):
    m = wl.Module(store, '(module (memory 1) (data (i32.const 65535) "ab"))')
    with pytest.raises(wl.Trap, match="out of bounds"):
        wl.Instance(store, m)


def test_instance_functions_work_across_instances(store):
    lib = wl.Instance(store, wl.Module(store, '(module (func (export "inc") (param i32) (result i32) local.get 0 i32.const 1 i32.add))'))
    m = wl.Module(store, """(module (import "lib" "inc" (func $inc (param i32) (result i32)))
      (func (export "add2") (param i32) (result i32) local.get 0 call $inc call $inc))""")
    assert wl.Instance(store, m, {"lib": {"inc": lib.exports.inc}}).exports.add2(40) == 42
