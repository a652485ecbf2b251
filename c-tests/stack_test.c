// Stack exhaustion: unbounded recursion traps "call stack exhausted" (repeatedly) and normal
// calls on the same thread work afterwards; recursion through a host callback that re-enters
// wasm exhausts just as cleanly; on a thread with a small native stack (smaller than the
// engine's default wasm stack budget) recursion still ends in the trap, not a crash; and
// wasmlift_config_max_wasm_stack with a small value makes a moderately deep recursion trap
// that succeeds with the default.
#define _POSIX_C_SOURCE 200809L  // pthread_attr_setstacksize
#include "test_util.h"

#include <pthread.h>

static const char* RECURSION_WAT =
    "(module (import \"\" \"host\" (func $host (param i32) (result i32)))"
    // Unbounded recursion with a little state per frame.
    "  (func $forever (export \"forever\") (param i32) (result i32)"
    "    (local i64 f64)"
    "    (local.set 1 (i64.extend_i32_u (local.get 0)))"
    "    (i32.add (call $forever (i32.add (local.get 0) (i32.const 1))) (i32.wrap_i64 (local.get 1))))"
    // Recursion to depth n: returns n.
    "  (func $depth (export \"depth\") (param i32) (result i32)"
    "    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))"
    "      (else (i32.add (i32.const 1) (call $depth (i32.sub (local.get 0) (i32.const 1)))))))"
    // Recursion through the host: wasm → host → wasm → ...
    "  (func (export \"via_host\") (param i32) (result i32)"
    "    (i32.add (call $host (i32.add (local.get 0) (i32.const 1))) (i32.const 1))))";

typedef struct {
  wasm_func_t* via_host;  // re-entered by the host callback
  int max_depth;
  int traps_seen;
} host_env_t;

// Re-enters wasm with n; propagates whatever trap comes back.
static wasm_trap_t* reenter(void* envp, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  host_env_t* env = (host_env_t*)envp;
  int32_t n = args->data[0].of.i32;
  if (n > env->max_depth) env->max_depth = n;
  wasm_val_t a[1] = {WASM_I32_VAL(n)}, r[1] = {WASM_INIT_VAL};
  wasm_trap_t* t = call(env->via_host, a, 1, r, 1);
  if (t) {
    env->traps_seen++;
    return t;
  }
  results->data[0] = r[0];
  return NULL;
}

typedef struct {
  wasm_store_t* store;
  wasm_module_t* module;
  wasm_instance_t* inst;
  wasm_func_t* host;
  host_env_t env;
  wasm_func_t *forever, *depth;
} fixture_t;

static void setup(fixture_t* fx, wasm_engine_t* engine) {
  memset(fx, 0, sizeof *fx);
  fx->store = wasm_store_new(engine);
  fx->module = module_from_wat(fx->store, RECURSION_WAT);
  wasm_valkind_t i[] = {WASM_I32};
  wasm_functype_t* ty = functype(1, i, 1, i);
  fx->host = wasm_func_new_with_env(fx->store, ty, reenter, &fx->env, NULL);
  wasm_functype_delete(ty);
  wasm_extern_t* imports[] = {wasm_func_as_extern(fx->host)};
  fx->inst = instantiate(fx->store, fx->module, imports, 1);
  fx->env.via_host = export_func(fx->module, fx->inst, "via_host");
  fx->forever = export_func(fx->module, fx->inst, "forever");
  fx->depth = export_func(fx->module, fx->inst, "depth");
}

static void teardown(fixture_t* fx) {
  wasm_func_delete(fx->env.via_host);
  wasm_func_delete(fx->forever);
  wasm_func_delete(fx->depth);
  wasm_func_delete(fx->host);
  wasm_instance_delete(fx->inst);
  wasm_module_delete(fx->module);
  wasm_store_delete(fx->store);
}

static void expect_exhausted(const wasm_func_t* f, int32_t arg) {
  wasm_val_t a[1] = {WASM_I32_VAL(arg)}, r[1] = {WASM_INIT_VAL};
  wasm_trap_t* t = call(f, a, 1, r, 1);
  CHECK_TRAP_IS(t, "call stack exhausted");
  if (t) wasm_trap_delete(t);
}

// The basic cases, run on whatever thread calls this.
static void exhaust_and_recover(fixture_t* fx, int rounds) {
  for (int round = 0; round < rounds; round++) {
    expect_exhausted(fx->forever, 0);
    CHECK_EQ(CALL_I32(fx->depth, 1000), 1000);  // normal (fairly deep) calls work afterwards
    CHECK_EQ(CALL_I32(fx->depth, 0), 0);
  }
  // Through the host: every level sees and propagates the trap.
  fx->env.max_depth = 0;
  fx->env.traps_seen = 0;
  expect_exhausted(fx->env.via_host, 0);
  CHECK_MSG(fx->env.max_depth > 10, "recursion through the host reached depth %d only", fx->env.max_depth);
  CHECK_EQ(fx->env.traps_seen, fx->env.max_depth);
  CHECK_EQ(CALL_I32(fx->depth, 500), 500);
  // And once more, to see nothing was left behind by the host frames.
  expect_exhausted(fx->env.via_host, 0);
  expect_exhausted(fx->forever, 0);
  CHECK_EQ(CALL_I32(fx->depth, 100), 100);
}

static void* small_stack_thread(void* arg) {
  exhaust_and_recover((fixture_t*)arg, 3);
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  REQUIRE(engine != NULL);
  fixture_t fx;
  setup(&fx, engine);
  exhaust_and_recover(&fx, test_under_valgrind() ? 5 : 20);
  // Moderately deep recursion is fine with the default budget.
  CHECK_EQ(CALL_I32(fx.depth, 2000), 2000);

  // A thread whose whole native stack (256 KiB) is smaller than the default wasm budget
  // (1 MiB): the engine must stop at the real stack, with a trap.
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  REQUIRE(pthread_attr_setstacksize(&attr, 256 * 1024) == 0);
  pthread_t thread;
  REQUIRE(pthread_create(&thread, &attr, small_stack_thread, &fx) == 0);
  pthread_join(thread, NULL);
  pthread_attr_destroy(&attr);
  // The main thread is unaffected.
  CHECK_EQ(CALL_I32(fx.depth, 2000), 2000);
  teardown(&fx);
  wasm_engine_delete(engine);

  // A 16 KiB budget: depth 2000 needs more (at least 16 bytes of return address and frame
  // pointer per call) and traps; shallow calls work; the trap leaves the engine usable.
  wasm_config_t* config = wasm_config_new();
  wasmlift_config_max_wasm_stack(config, 16 * 1024);
  engine = wasm_engine_new_with_config(config);
  REQUIRE(engine != NULL);
  setup(&fx, engine);
  CHECK_EQ(CALL_I32(fx.depth, 10), 10);
  expect_exhausted(fx.depth, 2000);
  CHECK_EQ(CALL_I32(fx.depth, 10), 10);
  expect_exhausted(fx.forever, 0);
  expect_exhausted(fx.depth, 2000);
  // The budget counts from the outermost entry: re-entering through the host does not reset it.
  fx.env.max_depth = 0;
  expect_exhausted(fx.env.via_host, 0);
  int small_depth = fx.env.max_depth;
  teardown(&fx);
  wasm_engine_delete(engine);

  // The same host recursion gets much deeper with the default budget.
  engine = wasm_engine_new();
  setup(&fx, engine);
  expect_exhausted(fx.env.via_host, 0);
  CHECK_MSG(fx.env.max_depth > small_depth, "host recursion depth %d with the default budget, %d with 16 KiB",
            fx.env.max_depth, small_depth);
  teardown(&fx);
  wasm_engine_delete(engine);
  return test_report("stack_test");
}
