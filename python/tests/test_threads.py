# Threads: wasm calls release the GIL (ctypes) and host functions re-acquire it, so several
# threads, each with its own store, can run wasm and Python host functions at once; host
# exceptions are delivered to the thread whose call raised them.
import threading

import wasmlift as wl
from wasmlift import FuncType, ValType

LOOP = """(module (import "" "cb" (func $cb (param i32) (result i32)))
  (func (export "run") (param i32) (result i32) (local $acc i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get 0)))
      (local.set $acc (i32.add (local.get $acc) (call $cb (local.get 0))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br $l)))
    local.get $acc))"""


def test_threads_with_their_own_stores(engine):
    results = {}
    errors = {}

    def worker(tid):
        try:
            store = wl.Store(engine)

            def cb(x):
                if tid == 3 and x == 5:
                    raise ValueError(f"thread {tid}")
                return x * tid

            run = wl.Instance(store, wl.Module(store, LOOP), [wl.Func(store, FuncType([ValType.i32()], [ValType.i32()]), cb)]).exports.run
            results[tid] = run(200)
        except Exception as e:  # noqa: BLE001 - recorded and checked below
            errors[tid] = e

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {t: t * 200 * 201 // 2 for t in (1, 2, 4)}
    assert list(errors) == [3] and isinstance(errors[3], ValueError) and str(errors[3]) == "thread 3"
