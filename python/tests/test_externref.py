# externref values: any Python object goes into wasm and comes back as the same object
# (identity), through parameters, results, globals and host functions; registry entries are
# released when the engine lets go of the reference.
import gc

import pytest

import wasmlift as wl
from wasmlift import FuncType, GlobalType, ValType
from wasmlift._values import live_externrefs

REFS = """
(module
  (global $keep (mut externref) (ref.null extern))
  (func (export "id") (param externref) (result externref) local.get 0)
  (func (export "is_null") (param externref) (result i32) local.get 0 ref.is_null)
  (func (export "keep") (param externref) local.get 0 global.set $keep)
  (func (export "kept") (result externref) global.get $keep)
  (func (export "pair") (param externref externref) (result externref externref) local.get 1 local.get 0))
"""


class Thing:
    pass


@pytest.fixture
def refs(store):
    return wl.Instance(store, wl.Module(store, REFS)).exports


def test_identity_round_trip(refs):
    for obj in (Thing(), [1, 2, 3], "text", 42, 3.5, (1,), refs):
        assert refs.id(obj) is obj
    assert refs.id(None) is None
    assert refs.is_null(None) == 1 and refs.is_null(Thing()) == 0
    a, b = Thing(), Thing()
    assert refs.pair(a, b) == (b, a) and refs.pair(a, b)[0] is b


def test_kept_by_wasm(refs):
    obj = Thing()
    refs.keep(obj)
    del obj
    gc.collect()
    got = refs.kept()
    assert isinstance(got, Thing)
    assert refs.kept() is got


def test_host_function_receives_and_returns_objects(store):
    seen = []

    def host(x):
        seen.append(x)
        return {"wrapped": x}

    f = wl.Func(store, FuncType([ValType.externref()], [ValType.externref()]), host)
    m = wl.Module(store, """(module (import "" "h" (func $h (param externref) (result externref)))
      (func (export "go") (param externref) (result externref) local.get 0 call $h))""")
    go = wl.Instance(store, m, [f]).exports.go
    obj = Thing()
    out = go(obj)
    assert seen[0] is obj and out == {"wrapped": obj} and out["wrapped"] is obj


def test_externref_global(store):
    obj = Thing()
    g = wl.Global(store, GlobalType(ValType.externref(), mutable=True), obj)
    assert g.value is obj
    g.value = None
    assert g.value is None


def test_registry_entries_are_released(engine):
    # The engine keeps externrefs that entered wasm alive until the store is deleted; the
    # binding reuses one foreign object per Python object, and frees all of them with the store.
    store = wl.Store(engine)
    inst = wl.Instance(store, wl.Module(store, REFS))
    base = live_externrefs()
    obj = Thing()
    for _ in range(100):
        assert inst.exports.id(obj) is obj
    assert live_externrefs() == base + 1  # the same object is one entry however often passed
    for _ in range(10):
        inst.exports.id(Thing())
    assert live_externrefs() == base + 11
    del inst, store
    gc.collect()
    assert live_externrefs() == base


def test_object_is_freed_after_its_store(engine):
    import weakref

    store = wl.Store(engine)
    inst = wl.Instance(store, wl.Module(store, REFS))
    obj = Thing()
    ref = weakref.ref(obj)
    inst.exports.keep(obj)
    del obj
    gc.collect()
    assert ref() is not None  # wasm still holds it
    del inst, store
    gc.collect()
    assert ref() is None


def test_foreign_refs_made_outside_python_round_trip(store, refs):
    # A foreign object created through the C API directly (no Python object behind it).
    from ctypes import byref

    from wasmlift import _ffi

    g = wl.Global(store, GlobalType(ValType.externref(), mutable=True), None)
    raw = _ffi.wasm_foreign_new(store._ptr)
    val = _ffi.wasm_val_t()
    val.kind = _ffi.WASM_EXTERNREF
    val.of.ref = _ffi.wasm_foreign_as_ref(raw)
    _ffi.wasm_global_set(g._ptr, byref(val))
    _ffi.wasm_foreign_delete(raw)
    got = g.value
    assert isinstance(got, wl.ForeignRef)
    back = refs.id(got)
    assert isinstance(back, wl.ForeignRef) and back == got and back is not got
    assert refs.is_null(got) == 0
    assert got != wl.ForeignRef(_ffi.wasm_foreign_as_ref(_ffi.wasm_foreign_new(store._ptr)))
