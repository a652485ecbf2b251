// Threads, in the style of the upstream wasm-c-api threads.c example: one engine, one module
// compiled once and shared (wasm_module_share / wasm_module_obtain); 8 threads each repeat
// (default 1000 times; argv[1] overrides, fewer under valgrind) store → obtain → instantiate
// with a host function and a global import → call → check → delete. Then 4 threads trap at the
// same time, each in its own way per iteration (host trap with a per-thread message,
// unreachable, out-of-bounds access, stack exhaustion) while two other threads keep compiling
// and dropping modules, and each checks its own trap.
#define _POSIX_C_SOURCE 200809L  // pthread_barrier_t
#include "test_util.h"

#include <pthread.h>

#define N_THREADS 8
#define N_TRAP_THREADS 4
#define N_COMPILE_THREADS 2

static const char* MODULE_WAT =
    "(module"
    "  (import \"\" \"callback\" (func $callback (param i32) (result i32)))"
    "  (import \"\" \"id\" (global $id i32))"
    "  (memory (export \"mem\") 1)"
    "  (global $calls (mut i32) (i32.const 0))"
    // run(x) = callback(id * 1000 + x) * 2 + calls (calls counts runs in this instance).
    "  (func (export \"run\") (param i32) (result i32)"
    "    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))"
    "    (i32.add (i32.mul (call $callback (i32.add (i32.mul (global.get $id) (i32.const 1000)) (local.get 0)))"
    "                      (i32.const 2))"
    "             (global.get $calls)))"
    // trap(kind, x): 0 host trap (through the callback), 1 unreachable, 2 out of bounds, 3 stack.
    "  (func $recurse (param i32) (result i32) (i32.add (call $recurse (local.get 0)) (i32.const 1)))"
    "  (func (export \"trap\") (param i32 i32) (result i32)"
    "    (block $b3 (block $b2 (block $b1 (block $b0 (br_table $b0 $b1 $b2 $b3 (local.get 0)))"
    "      (return (call $callback (local.get 1))))"
    "      (unreachable))"
    "      (return (i32.load (i32.const 65536))))"
    "    (call $recurse (local.get 1))))";

// Function indices (imports first): callback 0, run 1, recurse 2, trap 3.
enum { FUNC_CALLBACK = 0, FUNC_RUN = 1, FUNC_RECURSE = 2, FUNC_TRAP = 3 };

static wasm_engine_t* engine;
static wasm_shared_module_t* shared;
static long iterations;
static long trap_iterations;
static pthread_barrier_t barrier;

typedef struct {
  int id;
  int callback_calls;
  int trap_in_callback;  // the callback returns a trap instead of a result
  long iteration;
  wasm_store_t* store;   // of the current iteration
} thread_data_t;

// Checks it runs for its own thread, then returns x + 1 or a trap naming the thread.
static wasm_trap_t* callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  thread_data_t* t = (thread_data_t*)env;
  t->callback_calls++;
  int32_t x = args->data[0].of.i32;
  if (t->trap_in_callback) {
    char msg[64];
    snprintf(msg, sizeof msg, "host trap from thread %d iteration %ld", t->id, t->iteration);
    return make_trap(t->store, msg);
  }
  CHECK_MSG(x / 1000 == t->id, "thread %d's callback got argument %d", t->id, x);
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = x + 1;
  return NULL;
}

typedef struct {
  wasm_store_t* store;
  wasm_module_t* module;
  wasm_func_t* func;
  wasm_global_t* global;
  wasm_instance_t* instance;
  wasm_memory_t* memory;
} setup_t;

static void set_up(setup_t* s, thread_data_t* t) {
  s->store = wasm_store_new(engine);
  t->store = s->store;
  s->module = wasm_module_obtain(s->store, shared);
  CHECK(s->module != NULL);
  if (!s->module) exit(1);
  wasm_valkind_t i[] = {WASM_I32};
  wasm_functype_t* ft = functype(1, i, 1, i);
  s->func = wasm_func_new_with_env(s->store, ft, callback, t, NULL);
  wasm_functype_delete(ft);
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new(WASM_I32), WASM_CONST);
  wasm_val_t v = WASM_I32_VAL(t->id);
  s->global = wasm_global_new(s->store, gt, &v);
  wasm_globaltype_delete(gt);
  wasm_extern_t* imports[] = {wasm_func_as_extern(s->func), wasm_global_as_extern(s->global)};
  s->instance = instantiate(s->store, s->module, imports, 2);
  s->memory = export_memory(s->module, s->instance, "mem");
  expect_guard_faults(s->memory);
}

static void tear_down(setup_t* s) {
  unexpect_guard_faults(s->memory);
  wasm_memory_delete(s->memory);
  wasm_instance_delete(s->instance);
  wasm_global_delete(s->global);
  wasm_func_delete(s->func);
  wasm_module_delete(s->module);
  wasm_store_delete(s->store);
}

static void* run_thread(void* arg) {
  thread_data_t* t = (thread_data_t*)arg;
  for (long i = 0; i < iterations; i++) {
    t->iteration = i;
    setup_t s;
    set_up(&s, t);
    wasm_func_t* run = export_func(s.module, s.instance, "run");
    int before = t->callback_calls;
    int32_t x = (int32_t)(i % 1000);
    // callback(id*1000 + x) = id*1000 + x + 1; doubled; plus the instance's call count.
    CHECK_EQ(CALL_I32(run, x), 2 * (t->id * 1000 + x + 1) + 1);
    CHECK_EQ(CALL_I32(run, x), 2 * (t->id * 1000 + x + 1) + 2);
    CHECK_EQ(t->callback_calls, before + 2);
    wasm_func_delete(run);
    tear_down(&s);
    if (test_failures_ > 20) break;
  }
  return NULL;
}

static void* trap_thread(void* arg) {
  thread_data_t* t = (thread_data_t*)arg;
  setup_t s;
  set_up(&s, t);
  wasm_func_t* trap = export_func(s.module, s.instance, "trap");
  for (long i = 0; i < trap_iterations; i++) {
    t->iteration = i;
    int kind = (int)((t->id + i) % 4);
    t->trap_in_callback = kind == 0;
    pthread_barrier_wait(&barrier);  // all four trap at once
    wasm_val_t args[2] = {WASM_I32_VAL(kind), WASM_I32_VAL(t->id * 1000)};
    wasm_val_t r[1] = {WASM_INIT_VAL};
    wasm_trap_t* tr = call(trap, args, 2, r, 1);
    char expected[64];
    uint32_t origin_func = FUNC_TRAP;
    switch (kind) {
      case 0:
        snprintf(expected, sizeof expected, "host trap from thread %d iteration %ld", t->id, i);
        break;
      case 1:
        snprintf(expected, sizeof expected, "unreachable");
        break;
      case 2:
        snprintf(expected, sizeof expected, "out of bounds memory access");
        break;
      default:
        snprintf(expected, sizeof expected, "call stack exhausted");
        origin_func = FUNC_RECURSE;
        break;
    }
    CHECK_TRAP_IS(tr, expected);
    if (tr) {
      wasm_frame_t* origin = wasm_trap_origin(tr);
      CHECK_MSG(origin && wasm_frame_func_index(origin) == origin_func,
                "thread %d: trap \"%s\" has origin in function %d, expected %u", t->id, expected,
                origin ? (int)wasm_frame_func_index(origin) : -1, origin_func);
      if (origin) wasm_frame_delete(origin);
      wasm_trap_delete(tr);
    }
    t->trap_in_callback = 0;
  }
  // After all that the instance works.
  wasm_func_t* run = export_func(s.module, s.instance, "run");
  CHECK_EQ(CALL_I32(run, 5), 2 * (t->id * 1000 + 5 + 1) + 1);
  wasm_func_delete(run);
  wasm_func_delete(trap);
  tear_down(&s);
  return NULL;
}

// Compiles and drops small modules until told to stop.
static int stop_compiling = 0;
static long modules_compiled = 0;

static void* compile_thread(void* arg) {
  (void)arg;
  wasm_store_t* store = wasm_store_new(engine);
  while (!__atomic_load_n(&stop_compiling, __ATOMIC_SEQ_CST)) {
    wasm_module_t* m = module_from_wat(store, "(module (func (export \"f\") (result i32) (i32.const 1)))");
    wasm_module_delete(m);
    __atomic_fetch_add(&modules_compiled, 1, __ATOMIC_RELAXED);
  }
  wasm_store_delete(store);
  return NULL;
}

int main(int argc, char** argv) {
  iterations = test_iterations(argc, argv, 1000, 25);
  trap_iterations = test_under_valgrind() ? 12 : 2000;
  engine = wasm_engine_new();
  REQUIRE(engine != NULL);
  {
    wasm_store_t* store = wasm_store_new(engine);
    wasm_module_t* module = module_from_wat(store, MODULE_WAT);
    shared = wasm_module_share(module);
    REQUIRE(shared != NULL);
    wasm_module_delete(module);
    wasm_store_delete(store);  // the shared module outlives the store it was compiled in
  }

  pthread_t threads[N_THREADS];
  thread_data_t data[N_THREADS];
  for (int i = 0; i < N_THREADS; i++) {
    memset(&data[i], 0, sizeof data[i]);
    data[i].id = i + 1;
    REQUIRE(pthread_create(&threads[i], NULL, run_thread, &data[i]) == 0);
  }
  for (int i = 0; i < N_THREADS; i++) pthread_join(threads[i], NULL);
  for (int i = 0; i < N_THREADS; i++) CHECK_EQ(data[i].callback_calls, 2 * iterations);

  // The trapping threads, while two more threads compile and drop modules all the time (the
  // registry of compiled code the signal handler consults is being updated meanwhile).
  REQUIRE(pthread_barrier_init(&barrier, NULL, N_TRAP_THREADS) == 0);
  pthread_t compilers[N_COMPILE_THREADS];
  for (int i = 0; i < N_COMPILE_THREADS; i++) REQUIRE(pthread_create(&compilers[i], NULL, compile_thread, NULL) == 0);
  for (int i = 0; i < N_TRAP_THREADS; i++) {
    memset(&data[i], 0, sizeof data[i]);
    data[i].id = i + 1;
    REQUIRE(pthread_create(&threads[i], NULL, trap_thread, &data[i]) == 0);
  }
  for (int i = 0; i < N_TRAP_THREADS; i++) pthread_join(threads[i], NULL);
  __atomic_store_n(&stop_compiling, 1, __ATOMIC_SEQ_CST);
  for (int i = 0; i < N_COMPILE_THREADS; i++) pthread_join(compilers[i], NULL);
  pthread_barrier_destroy(&barrier);
  CHECK(modules_compiled > 0);

  // A module obtained in another engine's store is refused.
  wasm_engine_t* other = wasm_engine_new();
  wasm_store_t* other_store = wasm_store_new(other);
  CHECK(wasm_module_obtain(other_store, shared) == NULL);
  wasm_store_delete(other_store);
  wasm_engine_delete(other);

  wasm_shared_module_delete(shared);
  wasm_engine_delete(engine);
  printf("threads_test: %d threads x %ld iterations, %d trapping threads x %ld (%ld modules compiled meanwhile)\n",
         N_THREADS, iterations, N_TRAP_THREADS, trap_iterations, modules_compiled);
  return test_report("threads_test");
}
