# WebAssembly GC references in Python: structs, arrays and i31s come out of wasm as GcRef
# objects (kind, fields, elements, i31 values read through wasmlift_ref_*), go back in as the
# same reference, and are checked against typed parameters (a host object or a struct of
# another type is refused before any code runs).
import pytest

import wasmlift as wl

GC = """
(module
  (type $point (struct (field (mut i8)) (field i32) (field f64) (field anyref)))
  (type $other (struct (field i32)))
  (type $shorts (array (mut i16)))
  (type $v (array v128))
  (func (export "point") (result anyref)
    (struct.new $point (i32.const -2) (i32.const 7) (f64.const 2.5) (ref.i31 (i32.const -3))))
  (func (export "other") (result anyref) (struct.new $other (i32.const 1)))
  (func (export "shorts") (param i32) (result anyref) (array.new $shorts (i32.const 0xfffe) (local.get 0)))
  (func (export "vectors") (result anyref) (array.new_default $v (i32.const 1)))
  (func (export "i31") (param i32) (result anyref) (ref.i31 (local.get 0)))
  (func (export "x") (param (ref $point)) (result i32) (struct.get $point 1 (local.get 0)))
  (func (export "same") (param anyref anyref) (result i32)
    (ref.eq (ref.cast eqref (local.get 0)) (ref.cast eqref (local.get 1))))
  (func (export "unbox") (param anyref) (result externref) (extern.convert_any (local.get 0))))
"""


@pytest.fixture
def gc():
    store = wl.Store(wl.Engine(wl.Config(gc=True)))
    return wl.Instance(store, wl.Module(store, GC)).exports


def test_struct_fields(gc):
    p = gc.point()
    assert isinstance(p, wl.GcRef) and p.kind == "struct" and len(p) == 4
    assert p[0] == -2 and p.get(0, signed=False) == 0xFE
    assert p[1] == 7 and p[2] == 2.5 and p[-1].kind == "i31" and p[3].i31 == -3
    assert p[3].i31_unsigned == 0x7FFFFFFD
    with pytest.raises(IndexError):
        p[4]
    with pytest.raises(TypeError):
        p.i31
    with pytest.raises(TypeError):
        p["0"]


def test_arrays_and_i31(gc):
    a = gc.shorts(3)
    assert a.kind == "array" and len(a) == 3 and a[2] == -2 and a.get(2, signed=False) == 0xFFFE
    with pytest.raises(IndexError):
        a[3]
    assert len(gc.shorts(0)) == 0
    # v128 elements have no wasm_val_t form.
    with pytest.raises(TypeError):
        gc.vectors()[0]
    i = gc.i31(-5)
    assert i.kind == "i31" and i.i31 == -5 and i == gc.i31(-5) and i != gc.i31(5)
    with pytest.raises(TypeError):
        len(i)
    assert gc.i31(0x40000000).i31 == -0x40000000


def test_round_trip_and_identity(gc):
    p = gc.point()
    assert gc.x(p) == 7
    assert gc.same(p, p) == 1 and gc.same(p, gc.point()) == 0
    assert p == p and p != gc.point()
    # extern.convert_any hands the same struct to the host as an externref.
    assert gc.unbox(p) == p


def test_typed_parameters_refuse_the_wrong_values(gc):
    with pytest.raises(wl.WasmError, match="not a value of type"):
        gc.x(gc.other())
    with pytest.raises(wl.WasmError, match="not a value of type"):
        gc.x(object())
    with pytest.raises(wl.WasmError):
        gc.x(None)


def test_references_from_another_store_are_refused(gc):
    other = wl.Store(wl.Engine(wl.Config(gc=True)))
    foreign = wl.Instance(other, wl.Module(other, GC)).exports.point()
    with pytest.raises(wl.WasmError, match="another store"):
        gc.x(foreign)


def test_gc_is_on_by_default_and_can_be_switched_off(store):
    wl.Module(store, GC)
    off = wl.Store(wl.Engine(wl.Config(gc=False)))
    with pytest.raises(wl.WasmError, match="gc"):
        wl.Module(off, GC)


CHURN = """
(module
  (type $node (struct (field $v i32) (field $next (ref null $node))))
  (global $kept (mut (ref null $node)) (ref.null $node))
  (func (export "churn") (param $n i32) (local $i i32)
    (loop $l
      (drop (struct.new $node (local.get $i) (ref.null $node)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "grow") (param $n i32) (local $i i32)
    (loop $l
      (global.set $kept (struct.new $node (local.get $i) (global.get $kept)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
  (func (export "reset") (global.set $kept (ref.null $node))))
"""


def test_collector_from_python():
    store = wl.Store(wl.Engine(wl.Config(gc=True)))
    ex = wl.Instance(store, wl.Module(store, CHURN)).exports
    ex.churn(200_000)
    stats = store.gc_stats()
    # 200 k structs of 24 bytes: several 1 MiB budgets, most of it freed along the way.
    assert stats["collections"] > 0 and stats["freed_objects"] > 0
    assert stats["live_bytes"] < 4 << 20
    ex.grow(1000)
    store.gc()
    after = store.gc_stats()
    assert after["collections"] == stats["collections"] + 1
    assert 1000 <= after["live_objects"] < 1100 and after["last_pause_ns"] > 0
    # A heap limit: a list growing without end traps, and room comes back once it is dropped.
    store.set_gc_heap_limit(128 * 1024)
    with pytest.raises(wl.Trap, match="out of memory: GC allocation failed"):
        ex.grow(100_000)
    ex.reset()
    store.gc()
    ex.grow(1000)
    store.set_gc_heap_limit(None)
    ex.grow(20_000)
    with pytest.raises(ValueError):
        store.set_gc_heap_limit(0)
