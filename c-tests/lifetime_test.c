// Lifetimes of objects that hold function references: a funcref table or global exported by an
// instance stays usable — its elements callable — after every handle to the instance itself is
// deleted, through the table's own handle, through another instance that imported it, and
// after the store handle is deleted too. Instances whose references cannot escape are freed
// with their last handle (their finalizer runs at once); run under valgrind to catch any
// use-after-free.
#include "test_util.h"

static int finalized = 0;
static void count_finalizer(void* p) {
  (void)p;
  finalized++;
}

static const char* producer_wat =
    "(module"
    "  (func $seven (result i32) (i32.const 7))"
    "  (func $eight (result i32) (i32.const 8))"
    "  (table (export \"tab\") 2 funcref)"
    "  (elem (i32.const 0) $seven $eight)"
    "  (global (export \"g\") funcref (ref.func $eight)))";

static const char* consumer_wat =
    "(module"
    "  (import \"p\" \"tab\" (table 2 funcref))"
    "  (type $r (func (result i32)))"
    "  (func (export \"call\") (param i32) (result i32) (call_indirect (type $r) (local.get 0))))";

static int32_t call_i32(wasm_func_t* f, int32_t arg, int nargs) {
  wasm_val_t args[1] = {WASM_I32_VAL(arg)};
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t a = {(size_t)nargs, args};
  wasm_val_vec_t r = WASM_ARRAY_VEC(results);
  wasm_trap_t* trap = wasm_func_call(f, &a, &r);
  CHECK(trap == NULL);
  if (trap) wasm_trap_delete(trap);
  return results[0].of.i32;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* producer = module_from_wat(store, producer_wat);
  wasm_module_t* consumer = module_from_wat(store, consumer_wat);

  // 1. The table's handle alone keeps the producer's functions callable.
  wasm_instance_t* p = wasm_instance_new(store, producer, NULL, NULL);
  REQUIRE(p != NULL);
  wasm_instance_set_host_info_with_finalizer(p, NULL, count_finalizer);
  wasm_table_t* tab = export_table(producer, p, "tab");
  wasm_global_t* g = export_global(producer, p, "g");
  wasm_instance_delete(p);
  CHECK_EQ(finalized, 0);  // still referenced through the table and global handles
  wasm_ref_t* r0 = wasm_table_get(tab, 0);
  REQUIRE(r0 != NULL);
  wasm_func_t* f0 = wasm_ref_as_func(r0);
  REQUIRE(f0 != NULL);
  CHECK_EQ(call_i32(f0, 0, 0), 7);
  wasm_ref_delete(r0);
  wasm_val_t gv;
  wasm_global_get(g, &gv);
  CHECK_EQ(gv.kind, WASM_FUNCREF);
  REQUIRE(gv.of.ref != NULL);
  CHECK_EQ(call_i32(wasm_ref_as_func(gv.of.ref), 0, 0), 8);
  wasm_val_delete(&gv);

  // 2. Another instance imports the table; the table handle goes; calls still work.
  wasm_extern_t* imports_arr[] = {wasm_table_as_extern(tab)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_arr);
  wasm_instance_t* c = wasm_instance_new(store, consumer, &imports, NULL);
  REQUIRE(c != NULL);
  wasm_table_delete(tab);
  wasm_global_delete(g);
  wasm_func_t* call = export_func(consumer, c, "call");
  CHECK_EQ(call_i32(call, 0, 1), 7);
  CHECK_EQ(call_i32(call, 1, 1), 8);

  // 3. Deleting the store handle too changes nothing while handles remain. The consumer imports
  // a funcref table, so it is pinned until the store's last handle (the modules' included) is
  // gone; it holds the producer.
  wasm_store_delete(store);
  CHECK_EQ(call_i32(call, 1, 1), 8);
  CHECK_EQ(finalized, 0);
  wasm_func_delete(call);
  wasm_instance_delete(c);
  CHECK_EQ(finalized, 0);
  wasm_module_delete(producer);
  wasm_module_delete(consumer);
  CHECK_EQ(finalized, 1);  // the producer goes with the last holder of its table

  // 4. An instance with a private table and no funcref in its types is freed with its handle.
  store = wasm_store_new(engine);
  wasm_module_t* private_table = module_from_wat(store,
      "(module (func $f (result i32) (i32.const 1)) (table 1 funcref) (elem (i32.const 0) $f)"
      "  (type $r (func (result i32)))"
      "  (func (export \"run\") (result i32) (call_indirect (type $r) (i32.const 0))))");
  for (int i = 0; i < 100; i++) {
    wasm_instance_t* inst = wasm_instance_new(store, private_table, NULL, NULL);
    REQUIRE(inst != NULL);
    wasm_instance_set_host_info_with_finalizer(inst, NULL, count_finalizer);
    wasm_func_t* run = export_func(private_table, inst, "run");
    CHECK_EQ(call_i32(run, 0, 0), 1);
    wasm_func_delete(run);
    wasm_instance_delete(inst);
    CHECK_EQ(finalized, 2 + i);
  }

  wasm_module_delete(private_table);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return test_report("lifetime_test");
}
