# Exception handling from Python: tags imported and exported between instances, uncaught wasm
# exceptions raised as WasmException with their tag and payload, and exceptions crossing a
# Python host function in both directions (a wasm exception propagating through it, and one
# raised by it), plus the hostile cases: wrong payloads and tags from another store.
import pytest

import wasmlift as wl
from wasmlift import FuncType, TagType, ValType

THROWER = """
(module
  (tag $e (export "e") (param i32 i64))
  (func (export "throw") (param i32) (throw $e (local.get 0) (i64.const 7))))
"""

CATCHER = """
(module
  (import "env" "e" (tag $e (param i32 i64)))
  (import "env" "host" (func $host (param i32)))
  (func (export "catch") (param i32) (result i32)
    (block $h (result i32 i64)
      (try_table (catch $e $h) (call $host (local.get 0)))
      (return (i32.const -1)))
    (drop)))
"""


def test_tags_exceptions_and_host_frames(store):
    thrower = wl.Instance(store, wl.Module(store, THROWER)).exports
    tag = thrower.e
    assert isinstance(tag, wl.Tag) and tag.type == TagType([ValType.i32(), ValType.i64()])
    assert wl.Module(store, THROWER).exports[0].type == TagType([ValType.i32(), ValType.i64()])

    # Uncaught: a WasmException naming the tag, with the payload.
    with pytest.raises(wl.WasmException) as info:
        thrower.throw(41)
    assert info.value.tag == tag and info.value.payload == (41, 7)
    assert "uncaught exception" in info.value.message

    # Through a Python host function: the wasm exception propagates out of it and is caught by
    # the outer wasm handler; a WasmException raised by Python itself is caught too.
    def host(x):
        if x >= 0:
            thrower.throw(x)
        raise wl.WasmException(tag, (100 - x, 0))

    host_func = wl.Func(store, FuncType([ValType.i32()], []), host)
    catcher = wl.Instance(store, wl.Module(store, CATCHER), {"env": {"e": tag, "host": host_func}}).exports
    assert catcher.catch(5) == 5
    assert catcher.catch(-3) == 103

    # A tag of the same type made elsewhere is a different tag: not caught, and it says so.
    other = wl.Tag(store, TagType([ValType.i32(), ValType.i64()]))
    assert other != tag

    def other_host(x):
        raise wl.WasmException(other, (x, 0))

    f = wl.Func(store, FuncType([ValType.i32()], []), other_host)
    c2 = wl.Instance(store, wl.Module(store, CATCHER), {"env": {"e": tag, "host": f}}).exports
    with pytest.raises(wl.WasmException) as info:
        c2.catch(1)
    assert info.value.tag == other

    # Hostile: a payload of the wrong shape is not thrown as an exception.
    def bad_host(x):
        raise wl.WasmException(tag, (x,))

    f = wl.Func(store, FuncType([ValType.i32()], []), bad_host)
    c3 = wl.Instance(store, wl.Module(store, CATCHER), {"env": {"e": tag, "host": f}}).exports
    with pytest.raises(wl.WasmError):
        c3.catch(1)

    # A tag from another store cannot be imported.
    store2 = wl.Store(store.engine)
    with pytest.raises(wl.WasmError):
        wl.Instance(store2, wl.Module(store2, CATCHER), {"env": {"e": tag, "host": wl.Func(store2, FuncType([ValType.i32()], []), host)}})
