// Deterministic fuel (wasmlift_config_consume_fuel): a runaway loop or recursion stops with
// "all fuel consumed", the same work always costs the same fuel, a store without fuel runs
// nothing, and a store that ran out works again once refuelled.
#define _GNU_SOURCE  // POSIX/GNU declarations (usleep, sigaction, fork, setrlimit) under -std=c11
#include <stdio.h>
#include <string.h>

#include "test_util.h"

static const char* WAT =
    "(module"
    "  (func (export \"spin\") (loop $l (br $l)))"
    "  (func $r (export \"recurse\") (call $r))"
    "  (func (export \"count\") (param i32) (result i32) (local i32)"
    "    (loop $l (local.set 1 (i32.add (local.get 1) (i32.const 1)))"
    "      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))"
    "    (local.get 1)))";

int main(void) {
  wasm_config_t* config = wasm_config_new();
  wasmlift_config_consume_fuel(config, true);
  wasmlift_config_max_wasm_stack(config, 64 << 20);  // fuel, not the stack, stops the recursion
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* m = module_from_wat(store, WAT);
  wasm_instance_t* inst = instantiate(store, m, NULL, 0);
  wasm_func_t* spin = export_func(m, inst, "spin");
  wasm_func_t* recurse = export_func(m, inst, "recurse");
  wasm_func_t* count = export_func(m, inst, "count");

  CHECK_EQ(wasmlift_store_get_fuel(store), 0);
  CHECK_CALL0_TRAPS(spin, "all fuel consumed");
  wasmlift_store_set_fuel(store, 100000);
  CHECK_CALL0_TRAPS(spin, "all fuel consumed");
  CHECK_EQ(wasmlift_store_get_fuel(store), 0);
  wasmlift_store_set_fuel(store, 10000);
  CHECK_CALL0_TRAPS(recurse, "all fuel consumed");

  // The same call costs the same fuel every time, and more work costs more.
  uint64_t start = 1000000000;
  wasmlift_store_set_fuel(store, start);
  CHECK_EQ(CALL_I32(count, 1000), 1000);
  uint64_t cost1 = start - wasmlift_store_get_fuel(store);
  wasmlift_store_set_fuel(store, start);
  CHECK_EQ(CALL_I32(count, 1000), 1000);
  uint64_t cost2 = start - wasmlift_store_get_fuel(store);
  wasmlift_store_set_fuel(store, start);
  CHECK_EQ(CALL_I32(count, 2000), 2000);
  uint64_t cost3 = start - wasmlift_store_get_fuel(store);
  CHECK_MSG(cost1 == cost2 && cost1 > 1000, "costs %llu and %llu", (unsigned long long)cost1, (unsigned long long)cost2);
  CHECK_MSG(cost3 > cost1 + 1000, "2000 iterations cost %llu, 1000 cost %llu", (unsigned long long)cost3,
            (unsigned long long)cost1);
  // Exactly enough fuel for the measured cost runs; far too little does not.
  wasmlift_store_set_fuel(store, cost1);
  CHECK_EQ(CALL_I32(count, 1000), 1000);
  wasmlift_store_set_fuel(store, cost1 / 2);
  wasm_val_t arg = WASM_I32_VAL(1000), res = WASM_INIT_VAL;
  wasm_trap_t* t = call(count, &arg, 1, &res, 1);
  CHECK(t != NULL);
  if (t) {
    CHECK_TRAP_IS(t, "all fuel consumed");
    wasm_trap_delete(t);
  }

  wasm_func_delete(spin);
  wasm_func_delete(recurse);
  wasm_func_delete(count);
  wasm_instance_delete(inst);
  wasm_module_delete(m);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return test_report("fuel_test");
}
