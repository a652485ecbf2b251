// Lazy and tiered compilation through wasm.h: a lazy module compiles nothing until a function
// is first called, and then exactly the functions called; eight threads making first calls on
// one shared module compile each function once; calls through tables and through another
// instance reach uncompiled functions with the right instance; traps in baseline and optimised
// code carry the same messages and frames; threads keep calling while the tier-up thread
// patches entries; engines, stores and modules are deleted while the tier-up thread works; a
// lazy module serializes to complete code that an eager engine loads.
#define _GNU_SOURCE  // pthread barriers under -std=c11
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

static wasm_engine_t* engine_in_mode(wasmlift_compilation_t mode, const char* key) {
  wasm_config_t* config = wasm_config_new();
  REQUIRE(wasmlift_config_compilation(config, mode));
  if (key) REQUIRE(wasmlift_config_serialize_key(config, (const uint8_t*)key, strlen(key)));
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  REQUIRE(engine != NULL);
  return engine;
}

typedef struct {
  size_t total, compiled, optimized, compilations;
} stats_t;

static stats_t stats(const wasm_module_t* m) {
  stats_t s = {0, 0, 0, 0};
  REQUIRE(wasmlift_module_compilation_stats(m, &s.total, &s.compiled, &s.optimized, &s.compilations));
  return s;
}

// f0..f(N-1): f(k) returns k + f(k+1) (the last returns its index); "sum" calls f0; "other"
// is never called; "via_table" calls f3 through a table; "trap" divides by its argument three
// calls deep.
#define CHAIN 40
static char* chain_wat(void) {
  size_t cap = 64 * 1024;
  char* w = malloc(cap);
  REQUIRE(w != NULL);
  int n = snprintf(w, cap, "(module (type $v_i (func (result i32))) (table (export \"tab\") 1 funcref)"
                            " (elem (i32.const 0) $f3)");
  for (int k = 0; k < CHAIN; k++) {
    if (k + 1 < CHAIN) {
      n += snprintf(w + n, cap - n, "(func $f%d (result i32) (i32.add (i32.const %d) (call $f%d)))", k, k, k + 1);
    } else {
      n += snprintf(w + n, cap - n, "(func $f%d (result i32) (i32.const %d))", k, k);
    }
  }
  snprintf(w + n, cap - n,
           "(func (export \"sum\") (result i32) (call $f0))"
           "(func (export \"other\") (result i32) (i32.const -1))"
           "(func (export \"via_table\") (result i32) (call_indirect (type $v_i) (i32.const 0)))"
           "(func $div (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))"
           "(func $mid (param i32) (result i32) (call $div (local.get 0)))"
           "(func (export \"trap\") (param i32) (result i32) (call $mid (local.get 0))))");
  return w;
}

// The chain module, compiled in `store`.
static wasm_module_t* chain_module(wasm_store_t* store) {
  char* wat = chain_wat();
  wasm_module_t* m = module_from_wat(store, wat);
  free(wat);
  return m;
}

// Sum of k over k = 0..CHAIN-2, plus CHAIN-1 for the last.
static int32_t chain_sum(void) {
  int32_t s = 0;
  for (int k = 0; k < CHAIN; k++) s += k;
  return s;
}

static void first_call_compiles(void) {
  wasm_engine_t* engine = engine_in_mode(WASMLIFT_COMPILATION_LAZY, NULL);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* m = chain_module(store);
  stats_t s = stats(m);
  CHECK_EQ(s.total, (size_t)(CHAIN + 6));
  CHECK_EQ(s.compiled, (size_t)0);  // nothing compiled by wasm_module_new
  wasm_instance_t* inst = instantiate(store, m, NULL, 0);
  CHECK_EQ(stats(m).compiled, (size_t)0);  // nor by instantiation
  wasm_func_t* sum = export_func(m, inst, "sum");
  CHECK_EQ(CALL_I32_0(sum), chain_sum());
  s = stats(m);
  CHECK_EQ(s.compiled, (size_t)(CHAIN + 1));  // "sum" and the chain, nothing else
  CHECK_EQ(s.compilations, (size_t)(CHAIN + 1));
  CHECK_EQ(s.optimized, (size_t)0);  // lazy: no tier-up
  CHECK_EQ(CALL_I32_0(sum), chain_sum());
  CHECK_EQ(stats(m).compilations, (size_t)(CHAIN + 1));  // second call: no compilation
  // Through the table: f3 is compiled already, via_table is not.
  wasm_func_t* via_table = export_func(m, inst, "via_table");
  int32_t from3 = 0;
  for (int k = 3; k < CHAIN; k++) from3 += k;
  CHECK_EQ(CALL_I32_0(via_table), from3);
  CHECK_EQ(stats(m).compiled, (size_t)(CHAIN + 2));
  // The table's function, called from the host through wasm_table_get, and from a second
  // instance that imports it: each runs in the instance that defines it.
  wasm_table_t* tab = export_table(m, inst, "tab");
  wasm_ref_t* r = wasm_table_get(tab, 0);
  REQUIRE(r != NULL);
  wasm_func_t* f3 = wasm_ref_as_func(r);
  CHECK_EQ(CALL_I32_0(f3), from3);
  wasm_module_t* user = module_from_wat(store,
                                        "(module (import \"m\" \"f3\" (func $f3 (result i32)))"
                                        "  (func (export \"run\") (result i32) (i32.mul (call $f3) (i32.const 2))))");
  wasm_extern_t* imp = wasm_func_as_extern(f3);
  wasm_instance_t* ui = instantiate(store, user, &imp, 1);
  wasm_func_t* run = export_func(user, ui, "run");
  CHECK_EQ(CALL_I32_0(run), 2 * from3);
  CHECK_EQ(stats(m).compiled, (size_t)(CHAIN + 2));  // "other" and the trap path still not
  wasm_func_delete(run);
  wasm_instance_delete(ui);
  wasm_module_delete(user);
  wasm_ref_delete(r);
  wasm_table_delete(tab);
  wasm_func_delete(via_table);
  wasm_func_delete(sum);
  wasm_instance_delete(inst);
  wasm_module_delete(m);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

// ---- Eight threads make first calls on one shared module -------------------------------------

typedef struct {
  wasm_engine_t* engine;
  wasm_shared_module_t* shared;
  pthread_barrier_t* start;
  int32_t result;
  int32_t table_result;
} worker_t;

static void* first_caller(void* arg) {
  worker_t* w = arg;
  wasm_store_t* store = wasm_store_new(w->engine);
  wasm_module_t* m = wasm_module_obtain(store, w->shared);
  wasm_instance_t* inst = m ? instantiate(store, m, NULL, 0) : NULL;
  wasm_func_t* sum = inst ? export_func(m, inst, "sum") : NULL;
  wasm_func_t* via_table = inst ? export_func(m, inst, "via_table") : NULL;
  pthread_barrier_wait(w->start);
  if (sum && via_table) {
    wasm_val_t res = WASM_INIT_VAL;
    if (call(sum, NULL, 0, &res, 1) == NULL) w->result = res.of.i32;
    if (call(via_table, NULL, 0, &res, 1) == NULL) w->table_result = res.of.i32;
  }
  if (via_table) wasm_func_delete(via_table);
  if (sum) wasm_func_delete(sum);
  if (inst) wasm_instance_delete(inst);
  if (m) wasm_module_delete(m);
  wasm_store_delete(store);
  return NULL;
}

static void concurrent_first_calls(wasmlift_compilation_t mode) {
  enum { THREADS = 8 };
  wasm_engine_t* engine = engine_in_mode(mode, NULL);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* m = chain_module(store);
  wasm_shared_module_t* shared = wasm_module_share(m);
  pthread_barrier_t start;
  REQUIRE(pthread_barrier_init(&start, NULL, THREADS) == 0);
  worker_t workers[THREADS];
  pthread_t threads[THREADS];
  for (int t = 0; t < THREADS; t++) {
    workers[t] = (worker_t){engine, shared, &start, 0, 0};
    REQUIRE(pthread_create(&threads[t], NULL, first_caller, &workers[t]) == 0);
  }
  int32_t from3 = 0;
  for (int k = 3; k < CHAIN; k++) from3 += k;
  for (int t = 0; t < THREADS; t++) {
    pthread_join(threads[t], NULL);
    CHECK_EQ(workers[t].result, chain_sum());
    CHECK_EQ(workers[t].table_result, from3);
  }
  stats_t s = stats(m);
  CHECK_EQ(s.compiled >= (size_t)(CHAIN + 2), 1);
  if (mode == WASMLIFT_COMPILATION_LAZY) {
    // Each called function compiled exactly once, whatever the race.
    CHECK_EQ(s.compiled, (size_t)(CHAIN + 2));
    CHECK_EQ(s.compilations, (size_t)(CHAIN + 2));
  }
  pthread_barrier_destroy(&start);
  wasm_shared_module_delete(shared);
  wasm_module_delete(m);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

// ---- Traps: the same in baseline and optimised code ------------------------------------------

typedef struct {
  char message[128];
  size_t frames;
  uint32_t func[4];
  size_t offset[4];
} trap_info_t;

static trap_info_t divide_by_zero(wasm_func_t* trap_fn) {
  trap_info_t info;
  memset(&info, 0, sizeof info);
  wasm_val_t arg = WASM_I32_VAL(0), res = WASM_INIT_VAL;
  wasm_trap_t* trap = call(trap_fn, &arg, 1, &res, 1);
  CHECK(trap != NULL);
  if (!trap) return info;
  char* msg = trap_message(trap);
  snprintf(info.message, sizeof info.message, "%s", msg);
  free(msg);
  wasm_frame_vec_t frames;
  wasm_trap_trace(trap, &frames);
  info.frames = frames.size;
  for (size_t i = 0; i < frames.size && i < 4; i++) {
    info.func[i] = wasm_frame_func_index(frames.data[i]);
    info.offset[i] = wasm_frame_module_offset(frames.data[i]);
  }
  wasm_frame_vec_delete(&frames);
  wasm_trap_delete(trap);
  return info;
}

static void traps_in_both_tiers(void) {
  wasm_engine_t* engine = engine_in_mode(WASMLIFT_COMPILATION_TIERED, NULL);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* m = chain_module(store);
  wasm_instance_t* inst = instantiate(store, m, NULL, 0);
  wasm_func_t* trap_fn = export_func(m, inst, "trap");
  size_t live0 = 1, superseded0 = 1;
  CHECK(wasmlift_module_code_bytes(m, &live0, &superseded0));
  CHECK_EQ(live0, (size_t)0);  // nothing compiled before the first call
  CHECK_EQ(superseded0, (size_t)0);
  trap_info_t baseline = divide_by_zero(trap_fn);  // the first call compiles at the baseline tier
  size_t live1 = 0, superseded1 = 1;
  CHECK(wasmlift_module_code_bytes(m, &live1, &superseded1));
  wasmlift_module_wait_for_tier_up(m);
  stats_t s = stats(m);
  CHECK_EQ(s.optimized, s.total);
  // Tier-up replaced the baseline code, which stays mapped (a call may still run in it) and
  // is accounted for: at least the baseline code of the functions the first call compiled.
  size_t live2 = 0, superseded2 = 0;
  CHECK(wasmlift_module_code_bytes(m, &live2, &superseded2));
  CHECK(live1 > 0);
  CHECK(live2 > 0);
  if (superseded1 == 0)  // all baseline code at the first measurement (tier-up had not finished)
    CHECK_MSG(superseded2 >= live1, "superseded %zu, baseline %zu", superseded2, live1);
  trap_info_t optimized = divide_by_zero(trap_fn);
  CHECK_MSG(strcmp(baseline.message, "integer divide by zero") == 0, "message: %s", baseline.message);
  CHECK_MSG(strcmp(baseline.message, optimized.message) == 0, "%s vs %s", baseline.message, optimized.message);
  CHECK_EQ(baseline.frames, (size_t)3);
  CHECK_EQ(optimized.frames, baseline.frames);
  for (size_t i = 0; i < baseline.frames && i < 4; i++) {
    CHECK_EQ(optimized.func[i], baseline.func[i]);
    CHECK_EQ(optimized.offset[i], baseline.offset[i]);
  }
  // Optimised code computes what the baseline did.
  wasm_val_t arg = WASM_I32_VAL(7), res = WASM_INIT_VAL;
  CHECK_NO_TRAP(call(trap_fn, &arg, 1, &res, 1));
  CHECK_EQ(res.of.i32, 14);
  wasm_func_delete(trap_fn);
  wasm_instance_delete(inst);
  wasm_module_delete(m);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

// ---- Calls keep working while the tier-up thread patches entries -----------------------------

typedef struct {
  wasm_func_t* sum;
  int calls;
  int wrong;
} caller_t;

static void* keep_calling(void* arg) {
  caller_t* c = arg;
  for (int i = 0; i < c->calls; i++) {
    wasm_val_t res = WASM_INIT_VAL;
    wasm_trap_t* t = call(c->sum, NULL, 0, &res, 1);
    if (t) {
      wasm_trap_delete(t);
      c->wrong++;
    } else if (res.of.i32 != chain_sum()) {
      c->wrong++;
    }
  }
  return NULL;
}

static void calls_during_tier_up(void) {
  enum { THREADS = 4 };
  wasm_engine_t* engine = engine_in_mode(WASMLIFT_COMPILATION_TIERED, NULL);
  wasm_store_t* stores[THREADS];
  wasm_module_t* modules[THREADS];
  wasm_instance_t* instances[THREADS];
  caller_t callers[THREADS];
  pthread_t threads[THREADS];
  wasm_store_t* first = wasm_store_new(engine);
  wasm_module_t* m = chain_module(first);
  wasm_shared_module_t* shared = wasm_module_share(m);
  for (int t = 0; t < THREADS; t++) {
    stores[t] = wasm_store_new(engine);
    modules[t] = wasm_module_obtain(stores[t], shared);
    REQUIRE(modules[t] != NULL);
    instances[t] = instantiate(stores[t], modules[t], NULL, 0);
    callers[t] = (caller_t){export_func(modules[t], instances[t], "sum"), test_under_valgrind() ? 200 : 20000, 0};
  }
  for (int t = 0; t < THREADS; t++) REQUIRE(pthread_create(&threads[t], NULL, keep_calling, &callers[t]) == 0);
  for (int t = 0; t < THREADS; t++) {
    pthread_join(threads[t], NULL);
    CHECK_EQ(callers[t].wrong, 0);
  }
  wasmlift_module_wait_for_tier_up(m);
  CHECK_EQ(stats(m).optimized, stats(m).total);
  for (int t = 0; t < THREADS; t++) {
    CHECK_EQ(CALL_I32_0(callers[t].sum), chain_sum());
    wasm_func_delete(callers[t].sum);
    wasm_instance_delete(instances[t]);
    wasm_module_delete(modules[t]);
    wasm_store_delete(stores[t]);
  }
  wasm_shared_module_delete(shared);
  wasm_module_delete(m);
  wasm_store_delete(first);
  wasm_engine_delete(engine);
}

// ---- Everything deleted while the tier-up thread compiles ------------------------------------

static void delete_during_tier_up(void) {
  int rounds = test_under_valgrind() ? 2 : 10;
  for (int round = 0; round < rounds; round++) {
    wasm_engine_t* engine = engine_in_mode(WASMLIFT_COMPILATION_TIERED, NULL);
    wasm_store_t* store = wasm_store_new(engine);
    wasm_module_t* m = chain_module(store);
    wasm_instance_t* inst = instantiate(store, m, NULL, 0);
    wasm_func_t* sum = export_func(m, inst, "sum");
    CHECK_EQ(CALL_I32_0(sum), chain_sum());  // queues tier-up work
    // Delete in a different order each round; the engine goes first in odd rounds.
    if (round % 2) wasm_engine_delete(engine);
    wasm_func_delete(sum);
    wasm_instance_delete(inst);
    wasm_module_delete(m);
    wasm_store_delete(store);
    if (round % 2 == 0) wasm_engine_delete(engine);
  }
}

// ---- Serialize a lazy module -----------------------------------------------------------------

static void serialize_lazy(void) {
  const char* key = "lazy-test-serialize-key";
  wasm_engine_t* lazy = engine_in_mode(WASMLIFT_COMPILATION_LAZY, key);
  wasm_store_t* store = wasm_store_new(lazy);
  wasm_module_t* m = chain_module(store);
  wasm_byte_vec_t bytes;
  wasm_module_serialize(m, &bytes);  // nothing called yet: all of it is compiled for this
  REQUIRE(bytes.size > 0);
  CHECK_EQ(stats(m).compiled, (size_t)0);  // the lazy module itself is unchanged
  wasm_engine_t* eager = engine_in_mode(WASMLIFT_COMPILATION_EAGER, key);
  wasm_store_t* es = wasm_store_new(eager);
  wasm_module_t* loaded = wasm_module_deserialize(es, &bytes);
  CHECK(loaded != NULL);
  if (loaded) {
    stats_t s = stats(loaded);
    CHECK_EQ(s.compiled, s.total);
    wasm_instance_t* inst = instantiate(es, loaded, NULL, 0);
    wasm_func_t* sum = export_func(loaded, inst, "sum");
    CHECK_EQ(CALL_I32_0(sum), chain_sum());
    wasm_func_delete(sum);
    wasm_instance_delete(inst);
    wasm_module_delete(loaded);
  }
  wasm_byte_vec_delete(&bytes);
  wasm_store_delete(es);
  wasm_engine_delete(eager);
  wasm_module_delete(m);
  wasm_store_delete(store);
  wasm_engine_delete(lazy);
}

static void configuration(void) {
  wasm_config_t* config = wasm_config_new();
  CHECK(!wasmlift_config_compilation(config, 3));  // unknown mode: refused
  CHECK(!wasmlift_config_compilation(NULL, WASMLIFT_COMPILATION_LAZY));
  CHECK(wasmlift_config_compilation(config, WASMLIFT_COMPILATION_EAGER));
  wasm_config_delete(config);
  CHECK(!wasmlift_module_compilation_stats(NULL, NULL, NULL, NULL, NULL));
  wasmlift_module_wait_for_tier_up(NULL);
  // An eager module reports everything compiled and optimised.
  wasm_engine_t* engine = engine_in_mode(WASMLIFT_COMPILATION_EAGER, NULL);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* m = module_from_wat(store, "(module (func) (func))");
  stats_t s = stats(m);
  CHECK_EQ(s.total, (size_t)2);
  CHECK_EQ(s.compiled, (size_t)2);
  CHECK_EQ(s.optimized, (size_t)2);
  wasmlift_module_wait_for_tier_up(m);  // returns at once
  size_t live = 0, superseded = 1;
  CHECK(wasmlift_module_code_bytes(m, &live, NULL));
  CHECK(wasmlift_module_code_bytes(m, NULL, &superseded));
  CHECK(live > 0);
  CHECK_EQ(superseded, (size_t)0);  // eager code is never replaced
  CHECK(!wasmlift_module_code_bytes(NULL, &live, &superseded));
  wasm_module_delete(m);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

int main(void) {
  configuration();
  first_call_compiles();
  concurrent_first_calls(WASMLIFT_COMPILATION_LAZY);
  concurrent_first_calls(WASMLIFT_COMPILATION_TIERED);
  traps_in_both_tiers();
  calls_during_tier_up();
  delete_during_tier_up();
  serialize_lazy();
  return test_report("lazy_test");
}
