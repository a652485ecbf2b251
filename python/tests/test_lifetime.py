# Ownership: handles are deleted once, objects keep their store alive, host function registry
# entries go away with the functions, and many create/destroy cycles neither crash nor leak
# registry entries.
import gc
import weakref

import wasmlift as wl
from wasmlift import FuncType, ValType
from wasmlift._func import live_host_functions

ADD = '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))'


def test_objects_keep_their_store_alive(engine):
    store = wl.Store(engine)
    store_ref = weakref.ref(store)
    add = wl.Instance(store, wl.Module(store, ADD)).exports.add
    del store
    gc.collect()
    assert store_ref() is not None
    assert add(1, 2) == 3
    del add
    gc.collect()
    assert store_ref() is None


def test_memory_view_outlives_everything_else(engine):
    store = wl.Store(engine)
    view = wl.Instance(store, wl.Module(store, '(module (memory (export "m") 1))')).exports.m.view()
    del store
    gc.collect()
    view[0] = 1
    assert view[0] == 1


def test_host_function_entries_released(engine):
    gc.collect()
    base = live_host_functions()
    store = wl.Store(engine)
    funcs = [wl.Func(store, FuncType([ValType.i32()], [ValType.i32()]), lambda x, k=k: x + k) for k in range(20)]
    assert live_host_functions() == base + 20
    assert [f(1) for f in funcs] == list(range(1, 21))
    del funcs
    gc.collect()
    assert live_host_functions() == base


def test_imported_host_function_released_with_store(engine):
    gc.collect()
    base = live_host_functions()
    store = wl.Store(engine)
    m = wl.Module(store, '(module (import "" "f" (func $f (result i32))) (func (export "g") (result i32) call $f))')
    inst = wl.Instance(store, m, [wl.Func(store, FuncType([], [ValType.i32()]), lambda: 7)])
    assert inst.exports.g() == 7
    assert live_host_functions() == base + 1
    del inst, m, store
    gc.collect()
    assert live_host_functions() == base


def test_many_cycles(engine):
    gc.collect()
    base = live_host_functions()
    for i in range(200):
        store = wl.Store(engine)
        m = wl.Module(store, '(module (import "" "f" (func $f (param i32) (result i32))) (memory (export "m") 1)'
                             ' (func (export "g") (param i32) (result i32) local.get 0 call $f))')
        inst = wl.Instance(store, m, {"": {"f": lambda x: x + 1}})
        assert inst.exports.g(i) == i + 1
        inst.exports.m.view()[0] = i & 0xFF
    del store, m, inst
    gc.collect()
    assert live_host_functions() == base


def test_config_is_consumed_once():
    config = wl.Config(max_wasm_stack=256 * 1024, compile_threads=1)
    config.explicit_bounds_checks = True
    config.max_memory_pages = 4
    engine = wl.Engine(config)
    try:
        wl.Engine(config)
    except wl.WasmError as e:
        assert "already used" in str(e)
    else:
        raise AssertionError("a Config can only make one Engine")
    store = wl.Store(engine)
    mem = wl.Instance(store, wl.Module(store, '(module (memory (export "m") 1))')).exports.m
    assert mem.grow(3) == 1
    try:
        mem.grow(1)  # the engine-wide ceiling of 4 pages
    except wl.WasmError:
        pass
    else:
        raise AssertionError("max_memory_pages was not applied")


def test_small_stack_config_traps_early():
    engine = wl.Engine(wl.Config(max_wasm_stack=64 * 1024))
    store = wl.Store(engine)
    rec = wl.Instance(store, wl.Module(store, """(module (func $r (export "r") (param i32) (result i32)
      local.get 0 i32.eqz if (result i32) i32.const 0 else local.get 0 i32.const 1 i32.sub call $r i32.const 1 i32.add end))""")).exports.r
    assert rec(100) == 100
    try:
        rec(1_000_000)
    except wl.Trap as t:
        assert "call stack exhausted" in t.message
    else:
        raise AssertionError("expected stack exhaustion with a 64 KiB wasm stack")


def test_inlining_and_huge_page_switches():
    # The same trap with and without inlining: $leaf and $mid are small enough to be inlined
    # into "top", and the trace still names all three functions at the same offsets.
    wat = """(module (memory (export "m") 40)
      (func $leaf (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))
      (func $mid (param i32) (result i32) (i32.add (call $leaf (local.get 0)) (i32.const 1)))
      (func (export "top") (param i32) (result i32) (i32.mul (call $mid (local.get 0)) (i32.const 3))))"""
    traces = []
    for inlining in (True, False):
        store = wl.Store(wl.Engine(wl.Config(inlining=inlining, huge_pages=not inlining)))
        exports = wl.Instance(store, wl.Module(store, wat)).exports
        assert exports.top(5) == 63
        exports.m.view()[40 * 65536 - 1] = 7
        try:
            exports.top(0)
        except wl.Trap as t:
            assert "divide by zero" in t.message
            traces.append([(f.func_index, f.func_offset, f.module_offset) for f in t.frames])
        else:
            raise AssertionError("top(0) should trap")
    assert [f[0] for f in traces[0]] == [0, 1, 2]
    assert traces[0] == traces[1]
