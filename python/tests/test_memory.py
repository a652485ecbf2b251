# Memory: zero-copy views over linear memory (writes through the view are seen by wasm and
# vice versa), growth, sizes, read/write, and host-created memories imported by a module.
import pytest

import wasmlift as wl
from wasmlift import Limits, MemoryType

MEM = """
(module
  (memory (export "mem") 1 3)
  (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u)
  (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store8)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func (export "pages") (result i32) memory.size))
"""


@pytest.fixture
def mem_exports(store):
    return wl.Instance(store, wl.Module(store, MEM)).exports


def test_view_is_zero_copy_both_ways(mem_exports):
    ex = mem_exports
    mem = ex.mem
    view = mem.view()
    assert len(view) == 65536 and view.format == "B" and not view.readonly
    view[100] = 0xAB
    assert ex.load(100) == 0xAB  # wasm sees the write through the view
    ex.store(200, 0x5C)
    assert view[200] == 0x5C  # the view sees wasm's write without re-reading
    view[300:304] = b"wasm"
    assert bytes(view[300:304]) == b"wasm" == mem.read(300, 4)
    assert mem.buffer[300] == ord("w")


def test_view_address_is_wasm_memory_data(mem_exports):
    import ctypes

    mem = mem_exports.mem
    view = mem.view()
    arr = view.obj
    assert ctypes.addressof(arr) == mem.data_ptr  # no copy: the view's buffer is the memory


def test_read_write_and_bounds(mem_exports):
    mem = mem_exports.mem
    mem.write(65530, b"abcdef")
    assert mem.read(65530, 6) == b"abcdef"
    assert mem_exports.load(65535) == ord("f")
    with pytest.raises(IndexError):
        mem.read(65533, 4)
    with pytest.raises(IndexError):
        mem.write(65536, b"x")
    with pytest.raises(IndexError):
        mem.read(-1, 1)


def test_grow_from_python_and_wasm(mem_exports):
    ex = mem_exports
    mem = ex.mem
    old_view = mem.view()
    old_view[10] = 42
    assert mem.size() == 1 and mem.data_len == 65536
    assert mem.grow(1) == 1
    assert mem.size() == 2 and mem.data_len == 2 * 65536 and ex.pages() == 2
    new_view = mem.view()
    assert len(new_view) == 2 * 65536 and len(old_view) == 65536
    assert new_view[10] == 42 and old_view[10] == 42  # the old view still points at live memory
    new_view[65536 + 5] = 9
    assert ex.load(65536 + 5) == 9
    assert ex.grow(1) == 2 and mem.size() == 3
    with pytest.raises(wl.WasmError, match="cannot grow"):
        mem.grow(1)  # past the maximum of 3
    assert ex.grow(1) == -1
    assert mem.size() == 3
    assert mem.type == MemoryType(Limits(3, 3))


def test_view_keeps_memory_alive(store):
    inst = wl.Instance(store, wl.Module(store, MEM))
    view = inst.exports.mem.view()
    ex_load = inst.exports.load
    del inst
    import gc

    gc.collect()
    view[7] = 77
    assert view[7] == 77 and ex_load(7) == 77


def test_host_memory_imported(store):
    mem = wl.Memory(store, MemoryType(Limits(1, 2)))
    assert mem.size() == 1 and mem.type == MemoryType(Limits(1, 2))
    mem.write(0, b"\x11\x22")
    m = wl.Module(store, """(module (import "env" "memory" (memory 1))
      (func (export "sum") (result i32) (i32.add (i32.load8_u (i32.const 0)) (i32.load8_u (i32.const 1))))
      (func (export "put") (param i32 i32) local.get 0 local.get 1 i32.store8)
      (func (export "grow") (result i32) i32.const 1 memory.grow))""")
    ex = wl.Instance(store, m, {"env": {"memory": mem}}).exports
    assert ex.sum() == 0x33
    ex.put(5, 0x7F)
    assert mem.view()[5] == 0x7F
    assert ex.grow() == 1 and mem.size() == 2 and mem.data_len == 131072
    with pytest.raises(wl.WasmError):
        mem.grow(1)


def test_host_memory_limits_checked(store):
    small = wl.Memory(store, MemoryType(Limits(1)))
    m = wl.Module(store, '(module (import "env" "memory" (memory 2)))')
    with pytest.raises(wl.LinkError, match="incompatible import type"):
        wl.Instance(store, m, {"env": {"memory": small}})


def test_memory64_types_sizes_and_imports(store):
    # An i64-indexed memory created by the host, imported by a memory64 module.
    ty = MemoryType(Limits(1, 1 << 20), is64=True)
    mem = wl.Memory(store, ty)
    assert mem.type == ty and mem.type.is64 and mem.size() == 1
    m = wl.Module(store, """(module (import "env" "memory" (memory i64 1))
      (func (export "put") (param i64 i32) local.get 0 local.get 1 i32.store8)
      (func (export "get") (param i64) (result i32) local.get 0 i32.load8_u))""")
    assert m.imports[0].type == MemoryType(Limits(1), is64=True)
    ex = wl.Instance(store, m, {"env": {"memory": mem}}).exports
    ex.put(65535, 9)
    assert mem.view()[65535] == 9 and ex.get(65535) == 9
    with pytest.raises(wl.Trap, match="out of bounds"):
        ex.get(1 << 40)
    assert mem.grow(2) == 1 and mem.size() == 3
    # A 32-bit memory cannot stand in for a 64-bit one, nor the reverse.
    with pytest.raises(wl.LinkError):
        wl.Instance(store, m, {"env": {"memory": wl.Memory(store, MemoryType(Limits(1)))}})
    # Limits beyond wasm.h's 32 bits round-trip through the 64-bit extension.
    big = MemoryType(Limits(1, 1 << 40), is64=True)
    assert wl.Module(store, "(module (memory (export \"m\") i64 1 0x10000000000))").exports[0].type == big
    # Invalid 64-bit limits are refused with the engine's reason, never truncated.
    with pytest.raises(wl.WasmError):
        wl.Memory(store, MemoryType(Limits(1, 1 << 50), is64=True))
    with pytest.raises(wl.WasmError):
        mem.grow(1 << 63)
