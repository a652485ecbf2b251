// Traps returned by host callbacks: wasm_trap_new(store, msg) with and without the terminating
// NUL, empty and non-ASCII messages. The trap unwinds every wasm frame between the host and the
// outermost wasm_func_call (code after the call does not run) and comes back with the message
// (and host info) unchanged; nested host → wasm → host → trap propagates through every level,
// or can be handled by an inner host function; the trace holds the wasm frames that called the
// host, at their call instructions; wasm_trap_message is always NUL-terminated.
#include "test_util.h"

static wasm_store_t* store;
static const char* next_message;  // what the trapping callback uses
static int next_with_nul;
static wasm_trap_t* last_created;  // a copy of the trap the callback returned
static int trapping_calls = 0;

static wasm_trap_t* trapping_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  trapping_calls++;
  wasm_message_t msg;
  size_t len = strlen(next_message);
  wasm_byte_vec_new(&msg, len + (next_with_nul ? 1 : 0), next_message);
  wasm_trap_t* trap = wasm_trap_new(store, &msg);
  wasm_byte_vec_delete(&msg);
  REQUIRE(trap != NULL);
  wasm_trap_set_host_info(trap, (void*)&trapping_calls);
  if (last_created) wasm_trap_delete(last_created);
  last_created = wasm_trap_copy(trap);
  return trap;
}

// Exact message check, including the NUL terminator being counted in the size.
static void check_message_(const char* file, int line, const wasm_trap_t* trap, const char* expected) {
  __atomic_fetch_add(&test_checks_, 1, __ATOMIC_RELAXED);
  if (trap == NULL) {
    test_fail_(file, line, "expected a trap \"%s\", got none", expected);
    return;
  }
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  size_t len = strlen(expected);
  if (msg.size != len + 1 || msg.data[len] != '\0' || memcmp(msg.data, expected, len) != 0)
    test_fail_(file, line, "trap message (%zu bytes) \"%.*s\", expected \"%s\" + NUL", msg.size, (int)msg.size,
               msg.data ? msg.data : "", expected);
  wasm_byte_vec_delete(&msg);
}
#define CHECK_MESSAGE(trap, expected) check_message_(__FILE__, __LINE__, (trap), (expected))

// The trap is the one the callback returned (same object, same host info).
static void check_is_last_created(const wasm_trap_t* trap) {
  CHECK(trap != NULL && last_created != NULL && wasm_trap_same(trap, last_created));
  CHECK(trap != NULL && wasm_trap_get_host_info(trap) == (void*)&trapping_calls);
}

static const char* CHAIN_WAT =
    "(module (import \"\" \"trap\" (func $trap (param i32) (result i32)))"
    "  (global $after (export \"after\") (mut i32) (i32.const 0))"
    // 1: calls the host, then records that it continued.
    "  (func $b (param i32) (result i32)"
    "    (call $trap (local.get 0))"
    "    (global.set $after (i32.add (global.get $after) (i32.const 1))))"
    // 2
    "  (func $a (export \"a\") (param i32) (result i32)"
    "    (call $b (local.get 0))"
    "    (global.set $after (i32.add (global.get $after) (i32.const 10))))"
    // 3: the host directly.
    "  (func (export \"direct\") (param i32) (result i32) (call $trap (local.get 0)))"
    "  (func (export \"ok\") (result i32) (i32.const 7)))";

static void test_simple(void) {
  wasm_module_t* module = module_from_wat(store, CHAIN_WAT);
  wasm_valkind_t i[] = {WASM_I32};
  wasm_func_t* trap = host_func(store, 1, i, 1, i, trapping_callback);
  wasm_extern_t* imports[] = {wasm_func_as_extern(trap)};
  wasm_instance_t* inst = instantiate(store, module, imports, 1);
  wasm_func_t* a = export_func(module, inst, "a");
  wasm_func_t* direct = export_func(module, inst, "direct");
  wasm_func_t* ok = export_func(module, inst, "ok");
  wasm_global_t* after = export_global(module, inst, "after");
  wasm_val_t arg = WASM_I32_VAL(1), res = WASM_INIT_VAL, v;

  const char* messages[] = {"plain message", "", "caf\xc3\xa9 \xe2\x98\x95 unicode", "a:b\n\"quoted\"\ttab"};
  for (size_t m = 0; m < sizeof messages / sizeof *messages; m++) {
    for (int nul = 0; nul < 2; nul++) {
      next_message = messages[m];
      next_with_nul = nul;
      int before = trapping_calls;
      wasm_trap_t* t = call(a, &arg, 1, &res, 1);
      CHECK_EQ(trapping_calls, before + 1);
      CHECK_MESSAGE(t, messages[m]);
      check_is_last_created(t);
      if (t) wasm_trap_delete(t);
      // Called directly from the host, the host function's trap is returned as is.
      t = call(trap, &arg, 1, &res, 1);
      CHECK_MESSAGE(t, messages[m]);
      check_is_last_created(t);
      if (t) wasm_trap_delete(t);
    }
  }
  // Every wasm frame was unwound: nothing after the calls ran.
  wasm_global_get(after, &v);
  CHECK_EQ(v.of.i32, 0);

  // The trace: $b at its call of the host, then $a at its call of $b (no host frames).
  next_message = "traced";
  next_with_nul = 1;
  wasm_trap_t* t = call(a, &arg, 1, &res, 1);
  CHECK_MESSAGE(t, "traced");
  wasm_frame_t* origin = t ? wasm_trap_origin(t) : NULL;
  CHECK(origin != NULL);
  if (origin) {
    CHECK_EQ(wasm_frame_func_index(origin), 1);
    CHECK(wasm_frame_func_offset(origin) > 0);
    wasm_instance_t* fi = wasm_frame_instance(origin);
    CHECK(fi != NULL && wasm_instance_same(fi, inst));
    wasm_frame_delete(origin);
  }
  wasm_frame_vec_t frames = WASM_EMPTY_VEC;
  if (t) wasm_trap_trace(t, &frames);
  CHECK_EQ(frames.size, 2);
  if (frames.size >= 2) {
    CHECK_EQ(wasm_frame_func_index(frames.data[0]), 1);
    CHECK_EQ(wasm_frame_func_index(frames.data[1]), 2);
    // $b's body (and its call) precedes $a's in the binary.
    CHECK(wasm_frame_module_offset(frames.data[0]) < wasm_frame_module_offset(frames.data[1]));
  }
  wasm_frame_vec_delete(&frames);
  if (t) wasm_trap_delete(t);
  // Only the host function's own frame: one wasm frame (the caller).
  t = call(direct, &arg, 1, &res, 1);
  CHECK_MESSAGE(t, "traced");
  if (t) {
    wasm_trap_trace(t, &frames);
    CHECK_EQ(frames.size, 1);
    if (frames.size >= 1) CHECK_EQ(wasm_frame_func_index(frames.data[0]), 3);
    wasm_frame_vec_delete(&frames);
    wasm_trap_delete(t);
  }
  // Called from the host directly, a host trap has no wasm frames.
  t = call(trap, &arg, 1, &res, 1);
  CHECK_MESSAGE(t, "traced");
  if (t) {
    CHECK(wasm_trap_origin(t) == NULL);
    wasm_trap_trace(t, &frames);
    CHECK_EQ(frames.size, 0);
    wasm_frame_vec_delete(&frames);
    wasm_trap_delete(t);
  }

  // Nothing is left over: the instance works normally afterwards.
  CHECK_EQ(CALL_I32_0(ok), 7);
  wasm_global_get(after, &v);
  CHECK_EQ(v.of.i32, 0);

  wasm_func_delete(a);
  wasm_func_delete(direct);
  wasm_func_delete(ok);
  wasm_global_delete(after);
  wasm_func_delete(trap);
  wasm_instance_delete(inst);
  wasm_module_delete(module);
}

// ---- Nesting: host → wasm → host → trap ----

typedef struct {
  wasm_func_t* inner;  // wasm function to call
  int handle;          // whether to swallow the inner trap instead of propagating it
  int calls;
  int saw_trap;
} outer_env_t;

// Host function that calls wasm and either propagates its trap or handles it (returning 99).
static wasm_trap_t* outer_callback(void* envp, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  outer_env_t* env = (outer_env_t*)envp;
  env->calls++;
  wasm_val_t a[1] = {args->data[0]}, r[1] = {WASM_INIT_VAL};
  wasm_trap_t* t = call(env->inner, a, 1, r, 1);
  if (t != NULL) {
    env->saw_trap++;
    CHECK_MESSAGE(t, "from the innermost host");
    if (!env->handle) return t;  // propagate, unchanged
    wasm_trap_delete(t);
    r[0].kind = WASM_I32;
    r[0].of.i32 = 99;
  }
  results->data[0] = r[0];
  return NULL;
}

static void test_nested(void) {
  // Instance 1: wasm that calls the innermost (trapping) host function.
  wasm_module_t* inner_mod = module_from_wat(store,
      "(module (import \"\" \"trap\" (func $trap (param i32) (result i32)))"
      "  (func (export \"w\") (param i32) (result i32) (i32.add (call $trap (local.get 0)) (i32.const 1))))");
  wasm_valkind_t i[] = {WASM_I32};
  wasm_func_t* trap = host_func(store, 1, i, 1, i, trapping_callback);
  wasm_extern_t* inner_imports[] = {wasm_func_as_extern(trap)};
  wasm_instance_t* inner = instantiate(store, inner_mod, inner_imports, 1);
  outer_env_t env = {export_func(inner_mod, inner, "w"), 0, 0, 0};
  wasm_functype_t* ty = functype(1, i, 1, i);
  wasm_func_t* outer = wasm_func_new_with_env(store, ty, outer_callback, &env, NULL);
  wasm_functype_delete(ty);

  // Instance 2: wasm that calls the outer host function.
  wasm_module_t* top_mod = module_from_wat(store,
      "(module (import \"\" \"outer\" (func $outer (param i32) (result i32)))"
      "  (global $after (export \"after\") (mut i32) (i32.const 0))"
      "  (func (export \"top\") (param i32) (result i32)"
      "    (call $outer (local.get 0))"
      "    (global.set $after (i32.const 1))))");
  wasm_extern_t* top_imports[] = {wasm_func_as_extern(outer)};
  wasm_instance_t* top = instantiate(store, top_mod, top_imports, 1);
  wasm_func_t* top_f = export_func(top_mod, top, "top");
  wasm_global_t* after = export_global(top_mod, top, "after");

  next_message = "from the innermost host";
  next_with_nul = 0;
  wasm_val_t arg = WASM_I32_VAL(5), res = WASM_INIT_VAL, v;

  // host → wasm → host(trap), called from the host.
  wasm_trap_t* t = call(outer, &arg, 1, &res, 1);
  CHECK_MESSAGE(t, "from the innermost host");
  check_is_last_created(t);
  if (t) wasm_trap_delete(t);
  CHECK_EQ(env.saw_trap, 1);

  // wasm → host → wasm → host(trap): through two host functions and two instances.
  t = call(top_f, &arg, 1, &res, 1);
  CHECK_MESSAGE(t, "from the innermost host");
  check_is_last_created(t);
  if (t) {
    // The trace has the inner wasm frame (which called the trapping host); wasm frames of the
    // outer activation may follow, but the innermost is the inner module's function 1.
    wasm_frame_t* origin = wasm_trap_origin(t);
    CHECK(origin != NULL && wasm_frame_func_index(origin) == 1);
    if (origin) {
      wasm_instance_t* fi = wasm_frame_instance(origin);
      CHECK(fi != NULL && wasm_instance_same(fi, inner));
      wasm_frame_delete(origin);
    }
    wasm_trap_delete(t);
  }
  CHECK_EQ(env.saw_trap, 2);
  wasm_global_get(after, &v);
  CHECK_EQ(v.of.i32, 0);  // the outer wasm frame was unwound too

  // The middle host function handles the trap: the outer wasm continues normally.
  env.handle = 1;
  wasm_val_t r = WASM_INIT_VAL;
  CHECK_NO_TRAP(call(top_f, &arg, 1, &r, 1));
  CHECK_EQ(r.of.i32, 99);
  wasm_global_get(after, &v);
  CHECK_EQ(v.of.i32, 1);
  CHECK_EQ(env.saw_trap, 3);

  wasm_func_delete(env.inner);
  wasm_func_delete(top_f);
  wasm_global_delete(after);
  wasm_func_delete(outer);
  wasm_func_delete(trap);
  wasm_instance_delete(top);
  wasm_instance_delete(inner);
  wasm_module_delete(top_mod);
  wasm_module_delete(inner_mod);
}

// wasm_trap_new itself: messages with and without NUL, empty vector.
static void test_trap_new(void) {
  wasm_message_t msg;
  wasm_byte_vec_new(&msg, 5, "hello");
  wasm_trap_t* t = wasm_trap_new(store, &msg);
  CHECK_MESSAGE(t, "hello");
  wasm_trap_delete(t);
  wasm_byte_vec_delete(&msg);
  wasm_name_new_from_string_nt(&msg, "hello");
  t = wasm_trap_new(store, &msg);
  CHECK_MESSAGE(t, "hello");
  CHECK(wasm_trap_origin(t) == NULL);
  wasm_trap_delete(t);
  wasm_byte_vec_delete(&msg);
  wasm_byte_vec_new_empty(&msg);
  t = wasm_trap_new(store, &msg);
  CHECK_MESSAGE(t, "");
  wasm_trap_delete(t);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  REQUIRE(engine != NULL);
  store = wasm_store_new(engine);
  test_trap_new();
  test_simple();
  test_nested();
  if (last_created) wasm_trap_delete(last_created);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return test_report("host_trap_test");
}
