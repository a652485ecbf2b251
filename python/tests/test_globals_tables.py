# Global (get/set/.value, host globals imported by a module, mutability) and Table
# (get/set/grow/size with funcref and externref elements, host tables imported).
import pytest

import wasmlift as wl
from wasmlift import FuncType, GlobalType, Limits, TableType, ValType


def test_exported_globals(store):
    m = wl.Module(store, """(module
      (global (export "c") i32 (i32.const 7))
      (global $v (export "v") (mut f64) (f64.const 1.5))
      (func (export "read") (result f64) global.get $v)
      (func (export "write") (param f64) local.get 0 global.set $v))""")
    ex = wl.Instance(store, m).exports
    assert ex.c.value == 7 and ex.c.get() == 7
    assert ex.c.type == GlobalType(ValType.i32(), mutable=False)
    with pytest.raises(wl.WasmError, match="immutable"):
        ex.c.value = 8
    assert ex.c.value == 7
    assert ex.v.value == 1.5
    ex.v.value = 2.25
    assert ex.read() == 2.25
    ex.write(-1.0)
    assert ex.v.get() == -1.0


def test_host_global_imported(store):
    g = wl.Global(store, GlobalType(ValType.i64(), mutable=True), 2**40)
    k = wl.Global(store, GlobalType(ValType.i32()), -9)
    assert g.value == 2**40 and k.value == -9
    m = wl.Module(store, """(module
      (import "env" "g" (global $g (mut i64)))
      (import "env" "k" (global $k i32))
      (func (export "bump") global.get $g i64.const 1 i64.add global.set $g)
      (func (export "k") (result i32) global.get $k))""")
    ex = wl.Instance(store, m, {"env": {"g": g, "k": k}}).exports
    ex.bump()
    assert g.value == 2**40 + 1  # wasm wrote the host's global
    g.set(5)
    ex.bump()
    assert g.get() == 6
    assert ex.k() == -9


def test_global_type_mismatch_is_a_link_error(store):
    g = wl.Global(store, GlobalType(ValType.i32()), 1)
    m = wl.Module(store, '(module (import "env" "g" (global (mut i32))))')
    with pytest.raises(wl.LinkError, match="incompatible import type"):
        wl.Instance(store, m, {"env": {"g": g}})


def test_global_value_checks(store):
    with pytest.raises(TypeError):
        wl.Global(store, GlobalType(ValType.i32()), 1.5)
    with pytest.raises(TypeError):
        wl.Global(store, ValType.i32(), 1)


def test_funcref_table(store):
    m = wl.Module(store, """(module
      (table (export "t") 2 10 funcref)
      (func $a (result i32) i32.const 1)
      (func $b (export "b") (result i32) i32.const 2)
      (elem (i32.const 0) $a)
      (type $t (func (result i32)))
      (func (export "call") (param i32) (result i32) local.get 0 call_indirect (type $t)))""")
    ex = wl.Instance(store, m).exports
    t = ex.t
    assert t.size() == 2 and len(t) == 2
    assert t.type == TableType(ValType.funcref(), Limits(2, 10))
    assert t.get(0)() == 1
    assert t.get(1) is None
    t.set(1, ex.b)
    assert ex.call(1) == 2 and t[1].same(ex.b)
    host = wl.Func(store, FuncType([], [ValType.i32()]), lambda: 99)
    t[0] = host
    assert ex.call(0) == 99  # wasm calls the host function through the table
    assert t.grow(3, host) == 2
    assert t.size() == 5 and ex.call(4) == 99
    t.set(4, None)
    with pytest.raises(wl.Trap):
        ex.call(4)
    with pytest.raises(IndexError):
        t.get(5)
    with pytest.raises(wl.WasmError):
        t.grow(6)  # past the maximum of 10
    with pytest.raises(TypeError):
        t.set(0, object())


def test_host_externref_table_imported(store):
    t = wl.Table(store, TableType(ValType.externref(), Limits(2)), init="fill")
    assert t.get(0) == "fill" and t.get(1) == "fill"
    m = wl.Module(store, """(module (import "env" "t" (table 2 externref))
      (func (export "get") (param i32) (result externref) local.get 0 table.get 0)
      (func (export "set") (param i32 externref) local.get 0 local.get 1 table.set 0)
      (func (export "size") (result i32) table.size 0))""")
    ex = wl.Instance(store, m, {"env": {"t": t}}).exports
    obj = {"key": [1, 2]}
    t.set(1, obj)
    assert ex.get(1) is obj
    other = object()
    ex.set(0, other)
    assert t.get(0) is other
    assert t.grow(1) == 2 and ex.size() == 3 and t.get(2) is None
