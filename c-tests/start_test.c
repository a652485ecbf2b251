// Start functions, in the style of the upstream wasm-c-api start.c example: a trapping start
// function makes wasm_instance_new return NULL with the trap (message, origin frame, trace); a
// trap deeper in the start function's calls, and a trap returned by a host function the start
// function calls, are reported the same way; a successful start function runs exactly once,
// before wasm_instance_new returns; segments that do not fit trap before the start function
// runs, leaving the effects of earlier segments in imported memories and tables.
#include "test_util.h"

static int host_calls = 0;

static wasm_trap_t* counting_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  host_calls++;
  return NULL;
}

static wasm_store_t* trap_store;

static wasm_trap_t* trapping_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  host_calls++;
  return make_trap(trap_store, "refused by the host");
}

// Instantiation must fail with a trap whose message is `message` and whose trace holds at least
// the function indices `trace` (innermost first).
static void expect_start_trap_(const char* file, int line, wasm_store_t* store, const wasm_module_t* module,
                               wasm_extern_t** imports, size_t nimports, const char* message, const uint32_t* trace,
                               size_t n) {
  wasm_extern_vec_t vec = {nimports, imports};
  wasm_trap_t* trap = NULL;
  wasm_instance_t* inst = wasm_instance_new(store, module, &vec, &trap);
  __atomic_fetch_add(&test_checks_, 1, __ATOMIC_RELAXED);
  if (inst != NULL) {
    test_fail_(file, line, "instantiation succeeded, expected trap \"%s\"", message);
    wasm_instance_delete(inst);
    if (trap) wasm_trap_delete(trap);
    return;
  }
  if (trap == NULL) {
    test_fail_(file, line, "instantiation failed without a trap, expected \"%s\"", message);
    return;
  }
  char* msg = trap_message(trap);
  if (strcmp(msg, message) != 0) test_fail_(file, line, "trap \"%s\", expected \"%s\"", msg, message);
  free(msg);
  if (n > 0) {
    wasm_frame_t* origin = wasm_trap_origin(trap);
    if (origin == NULL) {
      test_fail_(file, line, "the trap has no origin frame");
    } else {
      if (wasm_frame_func_index(origin) != trace[0])
        test_fail_(file, line, "origin in function %u, expected %u", wasm_frame_func_index(origin), trace[0]);
      if (wasm_frame_module_offset(origin) == 0) test_fail_(file, line, "origin has no module offset");
      wasm_frame_delete(origin);
    }
    wasm_frame_vec_t frames;
    wasm_trap_trace(trap, &frames);
    if (frames.size < n) test_fail_(file, line, "trace has %zu frames, expected at least %zu", frames.size, n);
    for (size_t i = 0; i < n && i < frames.size; i++)
      if (wasm_frame_func_index(frames.data[i]) != trace[i])
        test_fail_(file, line, "trace frame %zu in function %u, expected %u", i, wasm_frame_func_index(frames.data[i]),
                   trace[i]);
    wasm_frame_vec_delete(&frames);
  }
  wasm_trap_delete(trap);
  // The same without a trap out-parameter: NULL, no crash.
  __atomic_fetch_add(&test_checks_, 1, __ATOMIC_RELAXED);
  inst = wasm_instance_new(store, module, &vec, NULL);
  if (inst != NULL) {
    test_fail_(file, line, "instantiation with a NULL trap pointer succeeded");
    wasm_instance_delete(inst);
  }
}
#define EXPECT_START_TRAP(store, module, imports, n, message, ...)                                          \
  expect_start_trap_(__FILE__, __LINE__, (store), (module), (imports), (n), (message),                   \
                     (const uint32_t[]){__VA_ARGS__}, sizeof((const uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t))

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  REQUIRE(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);
  trap_store = store;

  // The upstream example: the start function is `unreachable`.
  wasm_module_t* module = module_from_wat(store, "(module (func $start (unreachable)) (start $start))");
  EXPECT_START_TRAP(store, module, NULL, 0, "unreachable", 0);
  wasm_module_delete(module);

  // A trap two calls below the start function (index 2, after an import).
  module = module_from_wat(store,
      "(module (import \"\" \"count\" (func $count))"
      "  (import \"\" \"mem\" (memory 1))"
      "  (func $inner (drop (i32.load (i32.const 65536))))"
      "  (func $start (call $count) (call $inner))"
      "  (start $start))");
  wasm_func_t* count = host_func(store, 0, NULL, 0, NULL, counting_callback);
  wasm_limits_t one = {1, 1};
  wasm_memorytype_t* one_mt = wasm_memorytype_new(&one);
  wasm_memory_t* oob_mem = wasm_memory_new(store, one_mt);
  wasm_memorytype_delete(one_mt);
  expect_guard_faults(oob_mem);
  wasm_extern_t* oob_imports[] = {wasm_func_as_extern(count), wasm_memory_as_extern(oob_mem)};
  host_calls = 0;
  EXPECT_START_TRAP(store, module, oob_imports, 2, "out of bounds memory access", 1, 2);
  CHECK_EQ(host_calls, 2);  // the start function ran (once per attempt) up to the trap
  unexpect_guard_faults(oob_mem);
  wasm_memory_delete(oob_mem);
  wasm_module_delete(module);
  wasm_extern_t* imports[] = {wasm_func_as_extern(count)};

  // The start function calls a host function that returns a trap: that trap, unchanged.
  module = module_from_wat(store,
      "(module (import \"\" \"refuse\" (func $refuse)) (func $start (call $refuse)) (start $start))");
  wasm_func_t* refuse = host_func(store, 0, NULL, 0, NULL, trapping_callback);
  wasm_extern_t* refuse_imports[] = {wasm_func_as_extern(refuse)};
  host_calls = 0;
  EXPECT_START_TRAP(store, module, refuse_imports, 1, "refused by the host", 1);
  CHECK_EQ(host_calls, 2);
  wasm_module_delete(module);

  // A successful start function runs once, before wasm_instance_new returns.
  module = module_from_wat(store,
      "(module (import \"\" \"count\" (func $count))"
      "  (global $g (export \"g\") (mut i32) (i32.const 1))"
      "  (func $start (call $count) (global.set $g (i32.mul (global.get $g) (i32.const 10))))"
      "  (start $start))");
  host_calls = 0;
  wasm_instance_t* inst = instantiate(store, module, imports, 1);
  CHECK_EQ(host_calls, 1);
  wasm_global_t* g = export_global(module, inst, "g");
  wasm_val_t v;
  wasm_global_get(g, &v);
  CHECK_EQ(v.of.i32, 10);
  wasm_global_delete(g);
  wasm_instance_delete(inst);
  CHECK_EQ(host_calls, 1);
  wasm_module_delete(module);

  // Segments out of bounds trap before the start function; earlier segments stay applied to
  // imported memories and tables (the spec's instantiation order).
  wasm_limits_t limits = {1, 1};
  wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  wasm_memory_t* memory = wasm_memory_new(store, mt);
  wasm_memorytype_delete(mt);
  wasm_limits_t tlimits = {2, 2};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new(WASM_FUNCREF), &tlimits);
  wasm_table_t* table = wasm_table_new(store, tt, NULL);
  wasm_tabletype_delete(tt);
  module = module_from_wat(store,
      "(module (import \"\" \"count\" (func $count))"
      "  (import \"\" \"mem\" (memory 1 1)) (import \"\" \"tab\" (table 2 2 funcref))"
      "  (func $f (result i32) (i32.const 99))"
      "  (elem (i32.const 1) func $f)"
      "  (data (i32.const 0) \"first\")"
      "  (data (i32.const 65534) \"does not fit\")"
      "  (start $count))");
  wasm_extern_t* seg_imports[] = {wasm_func_as_extern(count), wasm_memory_as_extern(memory),
                                  wasm_table_as_extern(table)};
  host_calls = 0;
  expect_start_trap_(__FILE__, __LINE__, store, module, seg_imports, 3, "out of bounds memory access", NULL, 0);
  CHECK_EQ(host_calls, 0);
  CHECK(memcmp(wasm_memory_data(memory), "first", 5) == 0);
  CHECK(((unsigned char*)wasm_memory_data(memory))[65534] == 0);
  wasm_ref_t* r = wasm_table_get(table, 1);
  CHECK(r != NULL && wasm_ref_as_func(r) != NULL);
  if (r && wasm_ref_as_func(r)) CHECK_EQ(CALL_I32_0(wasm_ref_as_func(r)), 99);
  if (r) wasm_ref_delete(r);
  wasm_module_delete(module);
  // An element segment out of bounds: the table-out-of-bounds trap, no data written after it.
  memset(wasm_memory_data(memory), 0, 8);
  module = module_from_wat(store,
      "(module (import \"\" \"count\" (func $count))"
      "  (import \"\" \"mem\" (memory 1 1)) (import \"\" \"tab\" (table 2 2 funcref))"
      "  (elem (i32.const 2) func $count)"
      "  (data (i32.const 0) \"second\")"
      "  (start $count))");
  expect_start_trap_(__FILE__, __LINE__, store, module, seg_imports, 3, "out of bounds table access", NULL, 0);
  CHECK_EQ(host_calls, 0);
  CHECK(((unsigned char*)wasm_memory_data(memory))[0] == 0);
  wasm_module_delete(module);

  wasm_memory_delete(memory);
  wasm_table_delete(table);
  wasm_func_delete(count);
  wasm_func_delete(refuse);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return test_report("start_test");
}
