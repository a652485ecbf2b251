# Instances whose function references went into a shared table are freed by the collector once
# nothing reaches them (Store.lifetime_stats, Store.gc): a loop instantiating such a module in
# one store keeps a bounded number alive, and the one the table still holds keeps working.
import gc as pygc

import wasmlift as wl
from wasmlift import Limits, TableType, ValType

WRITER = """
(module
  (import "env" "t" (table 1 funcref))
  (global $n (mut i32) (i32.const 0))
  (func $mine (result i32) (global.get $n))
  (elem declare func $mine)
  (func (export "publish") (param i32)
    (global.set $n (local.get 0))
    (table.set (i32.const 0) (ref.func $mine))))
"""

READER = """
(module
  (import "env" "t" (table 1 funcref))
  (type $r (func (result i32)))
  (func (export "read") (result i32) (call_indirect (type $r) (i32.const 0))))
"""


def test_instances_behind_a_shared_table_are_collected():
    store = wl.Store(wl.Engine())
    table = wl.Table(store, TableType(ValType.funcref(), Limits(1)))
    writer = wl.Module(store, WRITER)
    read = wl.Instance(store, wl.Module(store, READER), {"env": {"t": table}}).exports.read
    most = 0
    for i in range(2000):
        inst = wl.Instance(store, writer, {"env": {"t": table}})
        inst.exports.publish(i)
        del inst
        pygc.collect()
        most = max(most, store.lifetime_stats()["live_instances"])
    assert read() == 1999
    store.gc()
    stats = store.lifetime_stats()
    # The reader and the last writer (in the table); the collector freed the others.
    assert stats["live_instances"] == 2
    assert stats["freed_instances"] == 1999
    assert most < 600
    assert read() == 1999
    # The table lets go of the last writer: the next collection frees it.
    table.set(0, None)
    store.gc()
    assert store.lifetime_stats()["live_instances"] == 1
    assert store.lifetime_stats()["freed_instances"] == 2000
