// Per-store resource limits (wasmlift_store_limits): a guest growing memories or tables, or an
// embedder instantiating over and over, stops at the limits with -1 / NULL and a message, and
// everything given back (deleted instances) can be used again.
#define _GNU_SOURCE  // POSIX/GNU declarations (usleep, sigaction, fork, setrlimit) under -std=c11
#include <stdio.h>
#include <string.h>

#include "test_util.h"

static const char* GROWER_WAT =
    "(module (memory (export \"m0\") 1) (memory $m1 1)"
    "  (table $t 10 funcref) (table $u 0 externref)"
    "  (func (export \"grow0\") (param i32) (result i32) (memory.grow 0 (local.get 0)))"
    "  (func (export \"grow1\") (param i32) (result i32) (memory.grow $m1 (local.get 0)))"
    "  (func (export \"growt\") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))"
    "  (func (export \"growu\") (param i32) (result i32) (table.grow $u (ref.null extern) (local.get 0))))";

int main(void) {
  wasm_config_t* config = wasm_config_new();
  wasmlift_config_multi_memory(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  // 4 pages of memory in all, 100 table elements, 2 instances, 3 memories, 2 tables.
  wasmlift_store_limits(store, 4 * 65536, 100, 2, 3, 2);
  wasm_module_t* m = module_from_wat(store, GROWER_WAT);
  wasm_instance_t* a = instantiate(store, m, NULL, 0);
  wasm_func_t* grow0 = export_func(m, a, "grow0");
  wasm_func_t* grow1 = export_func(m, a, "grow1");
  wasm_func_t* growt = export_func(m, a, "growt");
  wasm_func_t* growu = export_func(m, a, "growu");

  // Memory: 2 pages used by the two memories; both memories share the remaining 2.
  CHECK_EQ(CALL_I32(grow0, 1), 1);
  CHECK_EQ(CALL_I32(grow1, 1), 1);
  CHECK_EQ(CALL_I32(grow0, 1), -1);
  CHECK_EQ(CALL_I32(grow1, 1), -1);
  CHECK_EQ(CALL_I32(grow0, 0), 2);
  wasm_memory_t* m0 = export_memory(m, a, "m0");
  CHECK(!wasm_memory_grow(m0, 1));
  // Tables: 10 used; both tables share the remaining 90.
  CHECK_EQ(CALL_I32(growt, 50), 10);
  CHECK_EQ(CALL_I32(growu, 41), -1);
  CHECK_EQ(CALL_I32(growu, 40), 0);
  CHECK_EQ(CALL_I32(growt, 1), -1);
  // A huge growth is refused by the limit before anything is allocated.
  CHECK_EQ(CALL_I32(growt, 10000000), -1);

  // A second instance needs 2 more memories (limit 3) and 2 more tables: refused, with a message.
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  wasm_instance_t* b = wasm_instance_new(store, m, &none, &trap);
  CHECK(b == NULL);
  CHECK_MSG(strstr(wasmlift_error_message(), "limit") != NULL, "message: %s", wasmlift_error_message());
  if (trap) wasm_trap_delete(trap);
  // Host-created memories and tables count too.
  wasm_limits_t lim = {1, 1};
  wasm_memorytype_t* mt = wasm_memorytype_new(&lim);
  wasm_memory_t* hm = wasm_memory_new(store, mt);  // a third memory: allowed by count, not by bytes
  CHECK(hm == NULL);
  wasm_memorytype_delete(mt);

  // Instances without memories or tables: limited to 2 in all.
  wasm_module_t* empty = module_from_wat(store, "(module)");
  wasm_instance_t* e1 = instantiate(store, empty, NULL, 0);
  wasm_instance_t* e2 = wasm_instance_new(store, empty, &none, NULL);
  CHECK(e2 == NULL);
  // Deleting an instance gives its share back.
  wasm_instance_delete(e1);
  e2 = wasm_instance_new(store, empty, &none, NULL);
  CHECK(e2 != NULL);
  if (e2) wasm_instance_delete(e2);

  // Without limits (another store), the same growth succeeds.
  wasm_store_t* free_store = wasm_store_new(engine);
  wasm_instance_t* f = instantiate(free_store, m, NULL, 0);
  wasm_func_t* fgrow = export_func(m, f, "grow0");
  CHECK_EQ(CALL_I32(fgrow, 10), 1);
  wasm_func_delete(fgrow);
  wasm_instance_delete(f);
  wasm_store_delete(free_store);

  wasm_memory_delete(m0);
  wasm_func_delete(grow0);
  wasm_func_delete(grow1);
  wasm_func_delete(growt);
  wasm_func_delete(growu);
  wasm_instance_delete(a);
  wasm_module_delete(empty);
  wasm_module_delete(m);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return test_report("limits_test");
}
