# Func: calling exports with Python numbers (results as a value, tuple or None), argument
# checking, host functions with declared types, and v128 calls.
import math

import pytest

import wasmlift as wl
from wasmlift import FuncType, ValType

NUMS = """
(module
  (func (export "i32") (param i32) (result i32) local.get 0)
  (func (export "i64") (param i64) (result i64) local.get 0)
  (func (export "f32") (param f32) (result f32) local.get 0)
  (func (export "f64") (param f64) (result f64) local.get 0)
  (func (export "none"))
  (func (export "swap") (param i32 f64) (result f64 i32) local.get 1 local.get 0)
  (func (export "mix") (param i32 i64 f32 f64) (result f64)
    local.get 0 f64.convert_i32_s
    local.get 1 f64.convert_i64_s f64.add
    local.get 2 f64.promote_f32 f64.add
    local.get 3 f64.add))
"""


@pytest.fixture
def nums(store):
    return wl.Instance(store, wl.Module(store, NUMS)).exports


def test_numbers_round_trip(nums):
    assert nums.i32(-5) == -5
    assert nums.i32(0xFFFFFFFF) == -1  # unsigned input wraps to the signed result
    assert nums.i64(2**63 - 1) == 2**63 - 1
    assert nums.i64(-(2**63)) == -(2**63)
    assert nums.f32(1.5) == 1.5
    assert nums.f32(0.1) == pytest.approx(0.1, rel=1e-7) and nums.f32(0.1) != 0.1
    assert nums.f64(0.1) == 0.1
    assert math.isnan(nums.f64(float("nan")))
    assert nums.f64(3) == 3.0 and isinstance(nums.f64(3), float)


def test_result_shapes(nums):
    assert nums.none() is None
    assert nums.swap(7, 2.5) == (2.5, 7)
    assert nums.mix(1, 2, 3.0, 4.0) == 10.0


def test_argument_checks(nums):
    with pytest.raises(TypeError, match="expects 1 arguments"):
        nums.i32()
    with pytest.raises(TypeError):
        nums.i32("1")
    with pytest.raises(TypeError):
        nums.i32(1.0)
    with pytest.raises(OverflowError):
        nums.i32(2**32)
    with pytest.raises(OverflowError):
        nums.i64(-(2**63) - 1)
    with pytest.raises(TypeError):
        nums.f64("x")


def test_func_type(nums):
    assert nums.swap.type == FuncType([ValType.i32(), ValType.f64()], [ValType.f64(), ValType.i32()])


def test_host_function_declared_types(store):
    calls = []

    def add(a, b):
        calls.append((a, b))
        return a + b

    f = wl.Func(store, FuncType([ValType.i32(), ValType.i32()], [ValType.i32()]), add)
    assert f(2, 3) == 5  # callable directly from Python, through the engine
    m = wl.Module(store, """(module
      (import "host" "add" (func $add (param i32 i32) (result i32)))
      (func (export "twice") (param i32) (result i32) local.get 0 local.get 0 call $add))""")
    inst = wl.Instance(store, m, [f])
    assert inst.exports.twice(21) == 42
    assert calls == [(2, 3), (21, 21)]


def test_host_function_multiple_results_and_floats(store):
    f = wl.Func(store, FuncType([ValType.f64()], [ValType.f64(), ValType.i64()]), lambda x: (x / 2, int(x)))
    m = wl.Module(store, """(module
      (import "" "split" (func $s (param f64) (result f64 i64)))
      (func (export "go") (param f64) (result f64 i64) local.get 0 call $s))""")
    assert wl.Instance(store, m, [f]).exports.go(9.0) == (4.5, 9)


def test_host_function_no_results(store):
    seen = []
    f = wl.Func(store, FuncType([ValType.i64()], []), seen.append)
    m = wl.Module(store, """(module (import "" "f" (func $f (param i64)))
      (func (export "go") i64.const -3 call $f))""")
    assert wl.Instance(store, m, [f]).exports.go() is None
    assert seen == [-3]


def test_host_function_bad_result_is_reported(store):
    f = wl.Func(store, FuncType([], [ValType.i32()]), lambda: "nope")
    with pytest.raises(TypeError):
        f()
    g = wl.Func(store, FuncType([], [ValType.i32(), ValType.i32()]), lambda: 1)
    with pytest.raises(TypeError, match="tuple of 2"):
        g()
    h = wl.Func(store, FuncType([], []), lambda: 5)
    with pytest.raises(TypeError, match="no results"):
        h()


def test_plain_callable_in_import_dict_is_typed_by_the_import(store):
    m = wl.Module(store, """(module (import "env" "neg" (func $n (param i32) (result i32)))
      (func (export "go") (param i32) (result i32) local.get 0 call $n))""")
    inst = wl.Instance(store, m, {"env": {"neg": lambda x: -x}})
    assert inst.exports.go(5) == -5


def test_funcref_values(store):
    m = wl.Module(store, """(module
      (func $f (export "f") (result i32) i32.const 11)
      (func (export "get") (result funcref) ref.func $f)
      (func (export "is_null") (param funcref) (result i32) local.get 0 ref.is_null))""")
    ex = wl.Instance(store, m).exports
    g = ex.get()
    assert isinstance(g, wl.Func) and g() == 11 and g.same(ex.f)
    assert ex.is_null(None) == 1
    assert ex.is_null(ex.f) == 0
    host = wl.Func(store, FuncType([ValType.funcref()], [ValType.i32()]), lambda fn: fn())
    assert host(ex.f) == 11


def test_v128(store):
    m = wl.Module(store, """(module
      (func (export "add") (param v128 v128) (result v128) local.get 0 local.get 1 i32x4.add)
      (func (export "lane") (param v128 i32) (result i32) local.get 0 i32x4.extract_lane 2))""")
    ex = wl.Instance(store, m).exports
    a = (1 | (2 << 32) | (3 << 64) | (4 << 96))
    assert ex.add(a, a) == (2 | (4 << 32) | (6 << 64) | (8 << 96))
    assert ex.lane(a, 0) == 3
    assert ex.add(bytes(range(16)), bytes(16)) == int.from_bytes(bytes(range(16)), "little")
    with pytest.raises(TypeError):
        wl.Func(store, FuncType([ValType.v128()], []), lambda v: None)
