// A guest that never stops — a loop, a recursion-free loop of calls, a deep recursion — is
// interrupted by epoch interruption: from another thread, from a signal handler, and by a
// deadline set before the call. Code of engines without epoch interruption is unaffected, and a
// store keeps working after an interruption.
#define _GNU_SOURCE  // POSIX/GNU declarations (usleep, sigaction, fork, setrlimit) under -std=c11
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "test_util.h"

static const char* SPIN_WAT =
    "(module"
    "  (func (export \"spin\") (loop $l (br $l)))"
    "  (func $tick (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))"
    "  (func (export \"spin_calls\") (local i32)"
    "    (loop $l (local.set 0 (call $tick (local.get 0))) (br $l)))"
    "  (func (export \"count\") (param i32) (result i32) (local i32)"
    "    (loop $l (local.set 1 (i32.add (local.get 1) (i32.const 1)))"
    "      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))"
    "    (local.get 1)))";

static wasm_engine_t* engine;
static wasm_store_t* the_store;
static int extend_deadline;  // what `yield` does after advancing the epoch

// A host import the guest calls from its loop: it advances the epoch past the store's deadline
// and, when extend_deadline is set, moves the deadline past it again (the embedder's way of
// letting a well-behaved guest run on). The guest must see the moved deadline at once.
static wasm_trap_t* yield(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  wasmlift_engine_increment_epoch(engine);
  if (extend_deadline) wasmlift_store_set_epoch_deadline(the_store, 1);
  return NULL;
}

static const char* YIELD_WAT =
    "(module (import \"host\" \"yield\" (func $yield))"
    "  (func (export \"run\") (param i32) (result i32) (local i32)"
    "    (loop $l (call $yield) (local.set 1 (i32.add (local.get 1) (i32.const 1)))"
    "      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))"
    "    (local.get 1)))";

static void deadline_moved_by_host(void) {
  wasm_store_t* store = wasm_store_new(engine);
  the_store = store;
  wasm_module_t* m = module_from_wat(store, YIELD_WAT);
  wasm_functype_t* ty = wasm_functype_new_0_0();
  wasm_func_t* host = wasm_func_new(store, ty, yield);
  wasm_functype_delete(ty);
  wasm_extern_t* import = wasm_func_as_extern(host);
  wasm_instance_t* inst = instantiate(store, m, &import, 1);
  wasm_func_t* run = export_func(m, inst, "run");
  // Each call passes the deadline and moves it on: the loop runs to the end.
  extend_deadline = 1;
  wasmlift_store_set_epoch_deadline(store, 1);
  CHECK_EQ(CALL_I32(run, 1000), 1000);
  // Without the move, the first check after the first call interrupts.
  extend_deadline = 0;
  wasmlift_store_set_epoch_deadline(store, 1);
  wasm_val_t arg = WASM_I32_VAL(1000), res = WASM_INIT_VAL;
  wasm_trap_t* trap = call(run, &arg, 1, &res, 1);
  CHECK(trap != NULL);
  if (trap) {
    CHECK_TRAP_HAS(trap, "interrupted");
    wasm_trap_delete(trap);
  }
  wasm_func_delete(run);
  wasm_instance_delete(inst);
  wasm_func_delete(host);
  wasm_module_delete(m);
  wasm_store_delete(store);
}

static void* ticker(void* arg) {
  (void)arg;
  usleep(50 * 1000);
  wasmlift_engine_increment_epoch(engine);
  return NULL;
}

static void on_alarm(int sig) {
  (void)sig;
  wasmlift_engine_increment_epoch(engine);  // async-signal-safe
}

int main(void) {
  wasm_config_t* config = wasm_config_new();
  wasmlift_config_epoch_interruption(config, true);
  engine = wasm_engine_new_with_config(config);
  REQUIRE(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* m = module_from_wat(store, SPIN_WAT);
  wasm_instance_t* inst = instantiate(store, m, NULL, 0);
  wasm_func_t* spin = export_func(m, inst, "spin");
  wasm_func_t* spin_calls = export_func(m, inst, "spin_calls");
  wasm_func_t* count = export_func(m, inst, "count");

  // Before any tick, code runs normally (a new store's deadline is one tick ahead).
  CHECK_EQ(CALL_I32(count, 1000000), 1000000);

  // Interrupted from another thread.
  for (int k = 0; k < 2; k++) {
    wasmlift_store_set_epoch_deadline(store, 1);
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, ticker, NULL) == 0);
    CHECK_CALL0_TRAPS(k == 0 ? spin : spin_calls, "interrupted");
    pthread_join(t, NULL);
  }

  // Interrupted from a signal handler (SIGALRM after 50 ms).
  wasmlift_store_set_epoch_deadline(store, 1);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  REQUIRE(sigaction(SIGALRM, &sa, NULL) == 0);
  struct itimerval it = {{0, 0}, {0, 50 * 1000}};
  REQUIRE(setitimer(ITIMER_REAL, &it, NULL) == 0);
  CHECK_CALL0_TRAPS(spin, "interrupted");

  // A deadline already reached interrupts at once; the store works again after a new deadline.
  wasmlift_store_set_epoch_deadline(store, 0);
  CHECK_CALL0_TRAPS(spin, "interrupted");
  wasmlift_store_set_epoch_deadline(store, 1000);
  CHECK_EQ(CALL_I32(count, 1000), 1000);

  deadline_moved_by_host();

  // An engine without epoch interruption ignores the epoch.
  wasm_engine_t* plain = wasm_engine_new();
  wasm_store_t* ps = wasm_store_new(plain);
  wasm_module_t* pm = module_from_wat(ps, SPIN_WAT);
  wasm_instance_t* pi = instantiate(ps, pm, NULL, 0);
  wasm_func_t* pcount = export_func(pm, pi, "count");
  wasmlift_store_set_epoch_deadline(ps, 0);
  wasmlift_engine_increment_epoch(plain);
  CHECK_EQ(CALL_I32(pcount, 1000), 1000);

  wasm_func_delete(pcount);
  wasm_instance_delete(pi);
  wasm_module_delete(pm);
  wasm_store_delete(ps);
  wasm_engine_delete(plain);
  wasm_func_delete(spin);
  wasm_func_delete(spin_calls);
  wasm_func_delete(count);
  wasm_instance_delete(inst);
  wasm_module_delete(m);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return test_report("interrupt_test");
}
