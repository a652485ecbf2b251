# Module: compiling from binary bytes, WAT text and files; validation and the engine's error
# messages; import/export types; serialization round trips; wat2wasm.
import pytest

import wasmlift as wl
from wasmlift import ExportType, FuncType, GlobalType, ImportType, Limits, MemoryType, TableType, ValType

WAT = """
(module
  (import "env" "f" (func (param i32 i64) (result f32)))
  (import "env" "g" (global (mut f64)))
  (import "env" "t" (table 1 5 externref))
  (import "other" "m" (memory 2))
  (export "imported_mem" (memory 0))
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (global (export "k") i32 (i32.const 7))
  (table (export "tab") 3 funcref))
"""

ADD = '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))'


def test_from_text_bytes_and_binary(store):
    binary = wl.wat2wasm(ADD)
    assert binary[:4] == b"\0asm"
    for source in (ADD, ADD.encode(), binary, bytearray(binary), memoryview(binary)):
        inst = wl.Instance(store, wl.Module(store, source))
        assert inst.exports.add(40, 2) == 42


def test_from_file(store, tmp_path):
    (tmp_path / "add.wasm").write_bytes(wl.wat2wasm(ADD))
    (tmp_path / "add.wat").write_text(ADD)
    for name in ("add.wasm", "add.wat"):
        m = wl.Module.from_file(store, tmp_path / name)
        assert wl.Instance(store, m).exports.add(1, 2) == 3


def test_invalid_module_raises_with_engine_message(store):
    with pytest.raises(wl.WasmError) as e:
        wl.Module(store, b"\0asm\x01\0\0\0\x01")
    assert "at offset" in e.value.message and "end" in e.value.message
    with pytest.raises(wl.WasmError) as e:
        wl.Module(store, "(module (func (result i32)))")
    assert "type mismatch" in e.value.message
    assert str(e.value) == e.value.message


def test_validate(store):
    assert wl.Module.validate(store, wl.wat2wasm(ADD)) is None
    with pytest.raises(wl.WasmError, match="type mismatch"):
        wl.Module.validate(store, "(module (func (result i32)))")
    with pytest.raises(wl.WasmError):
        wl.Module.validate(store, b"\0asm\x02\0\0\0")


def test_wat_syntax_error(store):
    with pytest.raises(wl.WasmError, match="unknown operator"):
        wl.wat2wasm("(module (func (i32.bogus)))")
    with pytest.raises(wl.WasmError):
        wl.Module(store, "(module (func (i32.bogus)))")


def test_imports_and_exports_with_types(store):
    m = wl.Module(store, WAT)
    assert m.imports == [
        ImportType("env", "f", FuncType([ValType.i32(), ValType.i64()], [ValType.f32()])),
        ImportType("env", "g", GlobalType(ValType.f64(), mutable=True)),
        ImportType("env", "t", TableType(ValType.externref(), Limits(1, 5))),
        ImportType("other", "m", MemoryType(Limits(2))),
    ]
    assert m.exports == [
        ExportType("imported_mem", MemoryType(Limits(2))),
        ExportType("add", FuncType([ValType.i32(), ValType.i32()], [ValType.i32()])),
        ExportType("k", GlobalType(ValType.i32(), mutable=False)),
        ExportType("tab", TableType(ValType.funcref(), Limits(3))),
    ]
    assert m.exports[1:] and repr(m.exports[1].type) == "FuncType([ValType.i32(), ValType.i32()], [ValType.i32()])"


def test_memory_limits_in_types(store):
    m = wl.Module(store, '(module (memory (export "mem") 1 4))')
    assert m.exports == [ExportType("mem", MemoryType(Limits(1, 4)))]


def test_serialize_roundtrip(store, engine):
    m = wl.Module(store, ADD)
    data = m.serialize()
    assert isinstance(data, bytes) and len(data) > 0
    other = wl.Store(engine)
    m2 = wl.Module.deserialize(other, data)
    assert m2.exports == m.exports
    assert wl.Instance(other, m2).exports.add(20, 22) == 42


def test_deserialize_garbage_raises(store):
    with pytest.raises(wl.WasmError, match="serialized"):
        wl.Module.deserialize(store, b"not a module at all")
    data = wl.Module(store, ADD).serialize()
    with pytest.raises(wl.WasmError):
        wl.Module.deserialize(store, data[: len(data) // 2])


def test_module_needs_store():
    with pytest.raises(TypeError):
        wl.Module(wl.Engine(), ADD)


TWO_MEMORIES = "(module (memory 1) (memory 1))"
TAIL_CALL = "(module (func $f (return_call $f)))"


def test_feature_sets_and_proposal_switches():
    # WebAssembly 3.0 is the default; 2.0 rejects its modules, naming the feature.
    assert wl.Module(wl.Store(wl.Engine()), TWO_MEMORIES)
    store2 = wl.Store(wl.Engine(wl.Config(features="2.0")))
    with pytest.raises(wl.WasmError, match="multiple memories"):
        wl.Module(store2, TWO_MEMORIES)
    with pytest.raises(wl.WasmError, match="tail calls"):
        wl.Module.validate(store2, TAIL_CALL)
    wl.Module.validate(wl.Store(wl.Engine()), TAIL_CALL)
    # One proposal back on top of 2.0, or off under 3.0.
    assert wl.Module(wl.Store(wl.Engine(wl.Config(features="2.0", tail_call=True))), TAIL_CALL)
    with pytest.raises(wl.WasmError, match="multiple memories"):
        wl.Module(wl.Store(wl.Engine(wl.Config(multi_memory=False))), TWO_MEMORIES)
    # Misspelt settings and unknown sets are refused before anything is created.
    with pytest.raises(TypeError, match="unknown setting"):
        wl.Config(memory_64=True)
    with pytest.raises(ValueError, match="features must be"):
        wl.Config(features="4.0")
