// Link errors of wasm_instance_new: missing imports (short vector, NULL element, no vector),
// wrong extern kind, function type mismatch, global type and mutability mismatch, table element
// type and limits mismatch, memory limits mismatch. Each returns NULL with a trap whose message
// names the import (module and name), the expected type and the given one; the same call with a
// NULL trap out-parameter returns NULL without crashing; nothing of the module runs (no start
// function, no data segment written). Matching imports (including subtyping of limits) succeed.
#include "test_util.h"

// What the engine prints for types (module/name are quoted).
static const char* MODULE_WAT =
    "(module"
    "  (import \"host_env\" \"the_func\" (func (param i32) (result i32)))"
    "  (import \"host_env\" \"the_global\" (global i32))"
    "  (import \"host_env\" \"mut_global\" (global (mut i64)))"
    "  (import \"host_env\" \"the_table\" (table 2 10 funcref))"
    "  (import \"host_env\" \"the_memory\" (memory 1 4))"
    "  (import \"host_env\" \"start_hook\" (func))"
    "  (data (i32.const 0) \"written\")"
    "  (start 1))";

enum { I_FUNC, I_GLOBAL, I_MUT_GLOBAL, I_TABLE, I_MEMORY, I_START, NIMPORTS };

static int start_calls = 0;

static wasm_trap_t* start_hook(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  start_calls++;
  return NULL;
}

static wasm_trap_t* i32_to_i32(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32;
  return NULL;
}

static wasm_trap_t* any_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  for (size_t i = 0; i < results->size; i++) {
    results->data[i].kind = WASM_I32;
    results->data[i].of.i64 = 0;
  }
  return NULL;
}

typedef struct {
  wasm_store_t* store;
  wasm_module_t* module;
  wasm_extern_t* good[NIMPORTS];
  wasm_memory_t* memory;  // the good memory import, to see that no data segment was written
} fixture_t;

static wasm_global_t* make_global(wasm_store_t* store, wasm_valkind_t kind, wasm_mutability_t mut) {
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new(kind), mut);
  wasm_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = kind;
  wasm_global_t* g = wasm_global_new(store, gt, &v);
  wasm_globaltype_delete(gt);
  REQUIRE(g != NULL);
  return g;
}

static wasm_table_t* make_table(wasm_store_t* store, wasm_valkind_t kind, uint32_t min, uint32_t max) {
  wasm_limits_t l = {min, max};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new(kind), &l);
  wasm_table_t* t = wasm_table_new(store, tt, NULL);
  wasm_tabletype_delete(tt);
  REQUIRE(t != NULL);
  return t;
}

static wasm_memory_t* make_memory(wasm_store_t* store, uint32_t min, uint32_t max) {
  wasm_limits_t l = {min, max};
  wasm_memorytype_t* mt = wasm_memorytype_new(&l);
  wasm_memory_t* m = wasm_memory_new(store, mt);
  wasm_memorytype_delete(mt);
  REQUIRE(m != NULL);
  return m;
}

// Instantiation with `imports` (n of them) must fail with a message containing every needle.
#define EXPECT_LINK_ERROR(fx, imports, n, ...) \
  expect_link_error_(__FILE__, __LINE__, (fx), (imports), (n), (const char*[]){__VA_ARGS__, NULL})
static void expect_link_error_(const char* file, int line, fixture_t* fx, wasm_extern_t** imports, size_t n,
                               const char** needles) {
  wasm_extern_vec_t vec = {n, imports};
  wasm_trap_t* trap = NULL;
  int starts = start_calls;
  wasm_instance_t* inst = wasm_instance_new(fx->store, fx->module, &vec, &trap);
  __atomic_fetch_add(&test_checks_, 1, __ATOMIC_RELAXED);
  if (inst != NULL) {
    test_fail_(file, line, "instantiation succeeded, expected a link error naming \"%s\"", needles[0]);
    wasm_instance_delete(inst);
  } else if (trap == NULL) {
    test_fail_(file, line, "instantiation failed without a trap (error message: \"%s\")", wasmlift_error_message());
  } else {
    char* msg = trap_message(trap);
    for (const char** n = needles; *n; n++)
      if (strstr(msg, *n) == NULL) test_fail_(file, line, "link error \"%s\" does not mention \"%s\"", msg, *n);
    // The thread's error message says the same.
    if (strstr(wasmlift_error_message(), needles[0]) == NULL)
      test_fail_(file, line, "wasmlift_error_message() \"%s\" does not mention \"%s\"", wasmlift_error_message(), needles[0]);
    // A link error happens before anything runs: the trap has no wasm frames.
    wasm_frame_t* origin = wasm_trap_origin(trap);
    if (origin != NULL) {
      test_fail_(file, line, "link error trap has an origin frame");
      wasm_frame_delete(origin);
    }
    free(msg);
    wasm_trap_delete(trap);
  }
  // The same failure without a trap out-parameter.
  __atomic_fetch_add(&test_checks_, 1, __ATOMIC_RELAXED);
  inst = wasm_instance_new(fx->store, fx->module, &vec, NULL);
  if (inst != NULL) {
    test_fail_(file, line, "instantiation with a NULL trap pointer succeeded");
    wasm_instance_delete(inst);
  }
  // Nothing of the module ran.
  __atomic_fetch_add(&test_checks_, 1, __ATOMIC_RELAXED);
  if (start_calls != starts) test_fail_(file, line, "the start function ran despite the link error");
  if (memcmp(wasm_memory_data(fx->memory), "written", 7) == 0)
    test_fail_(file, line, "the data segment was written despite the link error");
}

// The good imports with entry `i` replaced by `e`.
static wasm_extern_t** with(fixture_t* fx, wasm_extern_t** buf, int i, wasm_extern_t* e) {
  memcpy(buf, fx->good, sizeof fx->good);
  buf[i] = e;
  return buf;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  REQUIRE(engine != NULL);
  fixture_t fx;
  fx.store = wasm_store_new(engine);
  wasm_store_t* store = fx.store;
  fx.module = module_from_wat(store, MODULE_WAT);
  wasm_valkind_t i32k[] = {WASM_I32}, i64k[] = {WASM_I64}, i32i32[] = {WASM_I32, WASM_I32};
  wasm_func_t* func = host_func(store, 1, i32k, 1, i32k, i32_to_i32);
  wasm_global_t* global = make_global(store, WASM_I32, WASM_CONST);
  wasm_global_t* mut_global = make_global(store, WASM_I64, WASM_VAR);
  wasm_table_t* table = make_table(store, WASM_FUNCREF, 2, 10);
  fx.memory = make_memory(store, 1, 4);
  wasm_func_t* hook = host_func(store, 0, NULL, 0, NULL, start_hook);
  fx.good[I_FUNC] = wasm_func_as_extern(func);
  fx.good[I_GLOBAL] = wasm_global_as_extern(global);
  fx.good[I_MUT_GLOBAL] = wasm_global_as_extern(mut_global);
  fx.good[I_TABLE] = wasm_table_as_extern(table);
  fx.good[I_MEMORY] = wasm_memory_as_extern(fx.memory);
  fx.good[I_START] = wasm_func_as_extern(hook);
  wasm_extern_t* buf[NIMPORTS];

  // Missing imports.
  EXPECT_LINK_ERROR(&fx, fx.good, 0, "host_env", "the_func", "func(i32) -> (i32)");
  EXPECT_LINK_ERROR(&fx, fx.good, 1, "host_env", "the_global", "global(i32)");
  EXPECT_LINK_ERROR(&fx, fx.good, 5, "host_env", "start_hook", "func() -> ()");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_FUNC, NULL), NIMPORTS, "the_func", "func(i32) -> (i32)");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_MEMORY, NULL), NIMPORTS, "the_memory", "memory(1 4)");
  {
    wasm_trap_t* trap = NULL;
    CHECK(wasm_instance_new(store, fx.module, NULL, &trap) == NULL);
    CHECK_TRAP_HAS(trap, "the_func");
    if (trap) wasm_trap_delete(trap);
    CHECK(wasm_instance_new(store, fx.module, NULL, NULL) == NULL);
  }

  // Wrong extern kinds.
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_FUNC, wasm_global_as_extern(global)), NIMPORTS, "the_func",
                    "func(i32) -> (i32)", "global(i32)");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_GLOBAL, wasm_func_as_extern(func)), NIMPORTS, "the_global", "global(i32)",
                    "func(i32) -> (i32)");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_TABLE, wasm_memory_as_extern(fx.memory)), NIMPORTS, "the_table",
                    "table(2 10 funcref)", "memory(1 4)");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_MEMORY, wasm_table_as_extern(table)), NIMPORTS, "the_memory", "memory(1 4)",
                    "table(2 10 funcref)");

  // Function type mismatches: parameter, result, arity.
  wasm_func_t* f_i64 = host_func(store, 1, i64k, 1, i32k, any_callback);
  wasm_func_t* f_noresult = host_func(store, 1, i32k, 0, NULL, any_callback);
  wasm_func_t* f_two = host_func(store, 2, i32i32, 1, i32k, any_callback);
  wasm_func_t* f_tworesults = host_func(store, 1, i32k, 2, i32i32, any_callback);
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_FUNC, wasm_func_as_extern(f_i64)), NIMPORTS, "the_func",
                    "func(i32) -> (i32)", "func(i64) -> (i32)");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_FUNC, wasm_func_as_extern(f_noresult)), NIMPORTS, "the_func",
                    "func(i32) -> (i32)", "func(i32) -> ()");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_FUNC, wasm_func_as_extern(f_two)), NIMPORTS, "the_func",
                    "func(i32 i32) -> (i32)");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_FUNC, wasm_func_as_extern(f_tworesults)), NIMPORTS, "the_func",
                    "func(i32) -> (i32 i32)");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_START, wasm_func_as_extern(func)), NIMPORTS, "start_hook", "func() -> ()",
                    "func(i32) -> (i32)");
  // A wasm function of the wrong type (exported by another instance) is refused the same way.
  wasm_module_t* other = module_from_wat(store, "(module (func (export \"f\") (param f32) (result i32) (i32.const 0)))");
  wasm_instance_t* other_inst = instantiate(store, other, NULL, 0);
  wasm_extern_t* other_f = get_export(other, other_inst, "f");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_FUNC, other_f), NIMPORTS, "the_func", "func(i32) -> (i32)",
                    "func(f32) -> (i32)");

  // Global type and mutability mismatches.
  wasm_global_t* g_i64 = make_global(store, WASM_I64, WASM_CONST);
  wasm_global_t* g_mut_i32 = make_global(store, WASM_I32, WASM_VAR);
  wasm_global_t* g_f32 = make_global(store, WASM_F32, WASM_CONST);
  wasm_global_t* g_const_i64 = make_global(store, WASM_I64, WASM_CONST);
  wasm_global_t* g_mut_i32b = make_global(store, WASM_I32, WASM_VAR);
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_GLOBAL, wasm_global_as_extern(g_i64)), NIMPORTS, "the_global", "global(i32)",
                    "global(i64)");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_GLOBAL, wasm_global_as_extern(g_f32)), NIMPORTS, "the_global", "global(i32)",
                    "global(f32)");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_GLOBAL, wasm_global_as_extern(g_mut_i32)), NIMPORTS, "the_global",
                    "global(i32)", "global(mut i32)");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_MUT_GLOBAL, wasm_global_as_extern(g_const_i64)), NIMPORTS, "mut_global",
                    "global(mut i64)", "global(i64)");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_MUT_GLOBAL, wasm_global_as_extern(g_mut_i32b)), NIMPORTS, "mut_global",
                    "global(mut i64)", "global(mut i32)");

  // Table element type and limits.
  wasm_table_t* t_extern = make_table(store, WASM_EXTERNREF, 2, 10);
  wasm_table_t* t_small = make_table(store, WASM_FUNCREF, 1, 10);
  wasm_table_t* t_nomax = make_table(store, WASM_FUNCREF, 2, wasm_limits_max_default);
  wasm_table_t* t_bigmax = make_table(store, WASM_FUNCREF, 2, 11);
  wasm_table_t* t_ok = make_table(store, WASM_FUNCREF, 3, 5);  // larger min, smaller max: fine
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_TABLE, wasm_table_as_extern(t_extern)), NIMPORTS, "the_table",
                    "table(2 10 funcref)", "table(2 10 externref)");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_TABLE, wasm_table_as_extern(t_small)), NIMPORTS, "the_table",
                    "table(2 10 funcref)", "table(1 10 funcref)");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_TABLE, wasm_table_as_extern(t_nomax)), NIMPORTS, "the_table",
                    "table(2 10 funcref)", "table(2 funcref)");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_TABLE, wasm_table_as_extern(t_bigmax)), NIMPORTS, "the_table",
                    "table(2 10 funcref)", "table(2 11 funcref)");
  // A table that grew to the required minimum is fine: the current size counts.
  CHECK(wasm_table_grow(t_small, 1, NULL));

  // Memory limits.
  wasm_memory_t* m_small = make_memory(store, 0, 4);
  wasm_memory_t* m_nomax = make_memory(store, 1, wasm_limits_max_default);
  wasm_memory_t* m_bigmax = make_memory(store, 1, 5);
  wasm_memory_t* m_ok = make_memory(store, 2, 3);
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_MEMORY, wasm_memory_as_extern(m_small)), NIMPORTS, "the_memory",
                    "memory(1 4)", "memory(0 4)");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_MEMORY, wasm_memory_as_extern(m_nomax)), NIMPORTS, "the_memory",
                    "memory(1 4)", "memory(1)");
  EXPECT_LINK_ERROR(&fx, with(&fx, buf, I_MEMORY, wasm_memory_as_extern(m_bigmax)), NIMPORTS, "the_memory",
                    "memory(1 4)", "memory(1 5)");
  CHECK(wasm_memory_grow(m_small, 1));

  // Several problems: the first one in import order is reported.
  with(&fx, buf, I_TABLE, wasm_table_as_extern(t_extern));
  buf[I_GLOBAL] = wasm_global_as_extern(g_i64);
  EXPECT_LINK_ERROR(&fx, buf, NIMPORTS, "the_global");

  CHECK_EQ(start_calls, 0);
  // Positive controls: the good imports, and ones matching by subtyping, instantiate; only now
  // does the start function run and the data segment land.
  wasm_instance_t* inst = instantiate(store, fx.module, fx.good, NIMPORTS);
  CHECK_EQ(start_calls, 1);
  CHECK(memcmp(wasm_memory_data(fx.memory), "written", 7) == 0);
  wasm_instance_delete(inst);
  with(&fx, buf, I_TABLE, wasm_table_as_extern(t_ok));
  buf[I_MEMORY] = wasm_memory_as_extern(m_ok);
  inst = instantiate(store, fx.module, buf, NIMPORTS);
  CHECK_EQ(start_calls, 2);
  wasm_instance_delete(inst);
  with(&fx, buf, I_TABLE, wasm_table_as_extern(t_small));  // grown to 2
  buf[I_MEMORY] = wasm_memory_as_extern(m_small);          // grown to 1
  inst = instantiate(store, fx.module, buf, NIMPORTS);
  CHECK_EQ(start_calls, 3);
  CHECK(memcmp(wasm_memory_data(m_small), "written", 7) == 0);
  wasm_instance_delete(inst);
  // Extra imports beyond the module's are ignored.
  wasm_extern_t* extra[NIMPORTS + 1];
  memcpy(extra, fx.good, sizeof fx.good);
  extra[NIMPORTS] = wasm_func_as_extern(func);
  inst = instantiate(store, fx.module, extra, NIMPORTS + 1);
  wasm_instance_delete(inst);

  // NULL store or module: NULL, no crash.
  wasm_trap_t* trap = NULL;
  wasm_extern_vec_t vec = {NIMPORTS, fx.good};
  CHECK(wasm_instance_new(store, NULL, &vec, &trap) == NULL);
  if (trap) wasm_trap_delete(trap);
  CHECK(wasm_instance_new(store, NULL, &vec, NULL) == NULL);

  wasm_func_t* funcs[] = {func, hook, f_i64, f_noresult, f_two, f_tworesults};
  for (size_t i = 0; i < sizeof funcs / sizeof *funcs; i++) wasm_func_delete(funcs[i]);
  wasm_global_t* globals[] = {global, mut_global, g_i64, g_mut_i32, g_f32, g_const_i64, g_mut_i32b};
  for (size_t i = 0; i < sizeof globals / sizeof *globals; i++) wasm_global_delete(globals[i]);
  wasm_table_t* tables[] = {table, t_extern, t_small, t_nomax, t_bigmax, t_ok};
  for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) wasm_table_delete(tables[i]);
  wasm_memory_t* memories[] = {fx.memory, m_small, m_nomax, m_bigmax, m_ok};
  for (size_t i = 0; i < sizeof memories / sizeof *memories; i++) wasm_memory_delete(memories[i]);
  wasm_extern_delete(other_f);
  wasm_instance_delete(other_inst);
  wasm_module_delete(other);
  wasm_module_delete(fx.module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return test_report("link_errors_test");
}
