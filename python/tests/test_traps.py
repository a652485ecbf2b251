# Traps: wasmlift.Trap with the engine's message and wasm frames (function index, function
# offset, module offset), and Python exceptions raised in host functions coming back out of
# wasm with their original type, identity and traceback (never aborting the process).
import traceback

import pytest

import wasmlift as wl
from wasmlift import FuncType, ValType

TRAPS = """
(module
  (func $div (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func $mid (export "mid") (param i32 i32) (result i32) local.get 0 local.get 1 call $div)
  (func $rec (export "rec") (param i32) (result i32) local.get 0 i32.const 1 i32.add call $rec)
  (func (export "oob") (result i32) i32.const 70000 i32.load)
  (func (export "boom") unreachable)
  (memory 1))
"""


@pytest.fixture
def traps(store):
    binary = wl.wat2wasm(TRAPS)
    return binary, wl.Instance(store, wl.Module(store, binary)).exports


def test_trap_message_and_origin(traps):
    binary, ex = traps
    with pytest.raises(wl.Trap) as e:
        ex.div(1, 0)
    t = e.value
    assert t.message == "integer divide by zero"
    assert isinstance(t, wl.WasmError)
    assert len(t.frames) == 1
    f = t.origin
    assert f is t.frames[0] and f.func_index == 0
    # The module offset points at the trapping instruction: i32.div_s (0x6d).
    assert binary[f.module_offset] == 0x6D
    assert 0 < f.func_offset < f.module_offset
    assert "wasm backtrace" in str(t) and "func 0" in str(t)


def test_trap_frames_innermost_first(traps):
    binary, ex = traps
    with pytest.raises(wl.Trap) as e:
        ex.mid(5, 0)
    frames = e.value.frames
    assert [f.func_index for f in frames] == [0, 1]
    assert binary[frames[0].module_offset] == 0x6D
    assert binary[frames[1].module_offset] == 0x10  # the `call $div` in $mid


def test_other_traps(traps):
    _, ex = traps
    with pytest.raises(wl.Trap, match="integer overflow"):
        ex.div(-(2**31), -1)
    with pytest.raises(wl.Trap, match="out of bounds"):
        ex.oob()
    with pytest.raises(wl.Trap, match="unreachable"):
        ex.boom()
    with pytest.raises(wl.Trap, match="call stack exhausted") as e:
        ex.rec(0)
    assert len(e.value.frames) > 10 and all(f.func_index == 2 for f in e.value.frames)
    assert ex.div(7, 2) == 3  # the instance still works after traps


class HostFailure(Exception):
    pass


def failing_host(x):
    if x < 0:
        raise HostFailure(f"negative: {x}")
    return x * 2


def test_host_exception_reraised_with_type_and_traceback(store):
    f = wl.Func(store, FuncType([ValType.i32()], [ValType.i32()]), failing_host)
    m = wl.Module(store, """(module (import "" "h" (func $h (param i32) (result i32)))
      (func (export "go") (param i32) (result i32) local.get 0 call $h))""")
    go = wl.Instance(store, m, [f]).exports.go
    assert go(4) == 8
    with pytest.raises(HostFailure, match="negative: -3") as e:
        go(-3)
    names = [fr.name for fr in traceback.extract_tb(e.value.__traceback__)]
    assert "failing_host" in names  # the original traceback, down to the raise
    assert names.index("test_host_exception_reraised_with_type_and_traceback") < names.index("failing_host")
    assert go(5) == 10  # and everything keeps working


def test_host_exception_identity_preserved(store):
    err = KeyError("the very object")

    def raiser():
        raise err

    f = wl.Func(store, FuncType([], []), raiser)
    with pytest.raises(KeyError) as e:
        f()
    assert e.value is err


def test_host_exception_through_nested_wasm_and_host_calls(store):
    # python -> wasm outer -> host a -> wasm inner -> host b (raises)
    m_inner = wl.Module(store, """(module (import "" "b" (func $b))
      (func (export "inner") call $b))""")

    def b():
        raise ZeroDivisionError("deep")

    inner = wl.Instance(store, m_inner, [wl.Func(store, FuncType([], []), b)]).exports.inner
    a_calls = []

    def a():
        a_calls.append(1)
        inner()

    m_outer = wl.Module(store, """(module (import "" "a" (func $a))
      (func (export "outer") call $a))""")
    outer = wl.Instance(store, m_outer, [wl.Func(store, FuncType([], []), a)]).exports.outer
    with pytest.raises(ZeroDivisionError, match="deep") as e:
        outer()
    assert a_calls == [1]
    names = [fr.name for fr in traceback.extract_tb(e.value.__traceback__)]
    assert names.index("a") < names.index("b")


def test_host_exception_caught_by_host_does_not_leak(store):
    def b():
        raise RuntimeError("inner")

    inner = wl.Func(store, FuncType([], []), b)

    def a():
        try:
            inner()
        except RuntimeError:
            return 1
        return 0

    outer = wl.Func(store, FuncType([], [ValType.i32()]), a)
    assert outer() == 1
    from wasmlift import _errors

    assert _errors._pending == {}


def test_trap_inside_host_called_wasm_propagates_as_trap(store):
    boom = wl.Instance(store, wl.Module(store, '(module (func (export "boom") unreachable))')).exports.boom
    f = wl.Func(store, FuncType([], []), lambda: boom())
    with pytest.raises(wl.Trap, match="unreachable"):
        f()


def test_system_exit_and_keyboard_interrupt_pass_through(store):
    def leave():
        raise SystemExit(3)

    f = wl.Func(store, FuncType([], []), leave)
    with pytest.raises(SystemExit) as e:
        f()
    assert e.value.code == 3


def test_start_function_trap_and_host_exception(store):
    with pytest.raises(wl.Trap, match="unreachable") as e:
        wl.Instance(store, wl.Module(store, "(module (func $s unreachable) (start $s))"))
    assert e.value.frames and e.value.frames[0].func_index == 0

    def bad():
        raise LookupError("from start")

    m = wl.Module(store, '(module (import "" "f" (func $f)) (start $f))')
    with pytest.raises(LookupError, match="from start"):
        wl.Instance(store, m, [wl.Func(store, FuncType([], []), bad)])
