// Calls across the wasm.h boundary on their fast routes (signatures of at most eight i32, i64,
// f32 and f64 values each way) and the hostile cases around them: exact argument and result
// bits in both directions (NaN payloads, sign bits, high halves), wrong argument counts and
// kinds and short result vectors failing cleanly before anything runs, host callbacks (made by
// wasm_func_new and wasm_func_new_with_env) that trap, return a wrong kind, re-enter wasm
// recursively, see a trap or a fault in a nested entry, or delete the very function, instance,
// exports and store handles the running call came through; host calls from several threads at
// once; host functions of types that share one trampoline (i32/i64, f32/f64); callbacks that
// write results before reading arguments, scribble over their arguments or leave results
// unwritten (their vectors are the trampoline's arrays). Run under
// valgrind (ctest does) to catch any use of freed memory.
#include "test_util.h"

#include <pthread.h>

static const char* WAT =
    "(module\n"
    "  (import \"env\" \"mixed\" (func $mixed (param i32 i64 f32 f64 i32 i64 f32 f64)\n"
    "                                       (result i32 i64 f32 f64)))\n"
    "  (import \"env\" \"recur\" (func $recur (param i32) (result i32)))\n"
    "  (import \"env\" \"nested\" (func $nested (param i32) (result i32)))\n"
    "  (import \"env\" \"bad\" (func $bad (result i32)))\n"
    "  (import \"env\" \"trapper\" (func $trapper))\n"
    "  (import \"env\" \"killer\" (func $killer (param i32) (result i32)))\n"
    "  (memory (export \"memory\") 1)\n"
    "  (global $calls (mut i32) (i32.const 0))\n"
    "  (func (export \"call_mixed\") (param i32 i64 f32 f64 i32 i64 f32 f64) (result i32 i64 f32 f64)\n"
    "    (call $mixed (local.get 0) (local.get 1) (local.get 2) (local.get 3)\n"
    "                 (local.get 4) (local.get 5) (local.get 6) (local.get 7)))\n"
    "  (func (export \"pass\") (param i32 i64 f32 f64 i32 i64 f32 f64) (result f64 f32 i64 i32)\n"
    "    (local.get 7) (local.get 6) (local.get 5) (local.get 4))\n"
    "  (func (export \"count\") (param i32 i64) (result i32)\n"
    "    (global.set $calls (i32.add (global.get $calls) (i32.const 1))) (global.get $calls))\n"
    "  (func (export \"down\") (param i32) (result i32)\n"
    "    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))\n"
    "      (else (call $recur (local.get 0)))))\n"
    "  (func (export \"boom\") (param i32)\n"
    "    (if (i32.eqz (local.get 0)) (then unreachable))\n"
    "    (drop (i32.load (i32.const -4))))\n"
    "  (func (export \"outer\") (param i32) (result i32)\n"
    "    (i32.add (call $nested (local.get 0)) (i32.const 1)))\n"
    "  (func (export \"call_bad\") (result i32) (call $bad))\n"
    "  (func (export \"call_trapper\") (call $trapper) (global.set $calls (i32.const -1)))\n"
    "  (func (export \"kill\") (param i32) (result i32)\n"
    "    (i32.store (i32.const 8) (call $killer (local.get 0)))\n"
    "    (i32.add (i32.load (i32.const 8)) (global.get $calls)))\n"
    ")\n";

static wasm_store_t* store;
static wasm_module_t* module;

// ---- exact values ----

static const uint32_t F32_NAN = 0x7fc12345u;         // quiet NaN with a payload
static const uint64_t F64_NAN = 0xfff8000000abcdefull;  // negative quiet NaN with a payload
static wasm_val_t seen[8];                              // the arguments `mixed` last saw
static int mixed_calls = 0;

static float f32_bits(uint32_t b) {
  float f;
  memcpy(&f, &b, 4);
  return f;
}
static double f64_bits(uint64_t b) {
  double d;
  memcpy(&d, &b, 8);
  return d;
}
static uint32_t bits_f32(float f) {
  uint32_t b;
  memcpy(&b, &f, 4);
  return b;
}
static uint64_t bits_f64(double d) {
  uint64_t b;
  memcpy(&b, &d, 8);
  return b;
}

static wasm_trap_t* mixed_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  mixed_calls++;
  CHECK_EQ(args->size, 8);
  CHECK_EQ(results->size, 4);
  for (size_t i = 0; i < 8 && i < args->size; i++) seen[i] = args->data[i];
  // The result vector comes with each value's kind set and the value zero.
  CHECK_EQ(results->data[0].kind, WASM_I32);
  CHECK_EQ(results->data[1].kind, WASM_I64);
  CHECK_EQ(results->data[2].kind, WASM_F32);
  CHECK_EQ(results->data[3].kind, WASM_F64);
  CHECK_EQ(results->data[1].of.i64, 0);
  results->data[0].of.i32 = INT32_MIN;
  results->data[1].of.i64 = (int64_t)0x8000000100000002ull;
  results->data[2].of.f32 = f32_bits(F32_NAN);
  results->data[3].of.f64 = f64_bits(F64_NAN);
  return NULL;
}

static void fill_args(wasm_val_t* a) {
  a[0] = (wasm_val_t)WASM_I32_VAL(-1);
  a[1] = (wasm_val_t)WASM_I64_VAL((int64_t)0xfedcba9876543210ull);
  a[2] = (wasm_val_t)WASM_F32_VAL(f32_bits(F32_NAN));
  a[3] = (wasm_val_t)WASM_F64_VAL(f64_bits(F64_NAN));
  a[4] = (wasm_val_t)WASM_I32_VAL(INT32_MIN);
  a[5] = (wasm_val_t)WASM_I64_VAL(INT64_MIN);
  a[6] = (wasm_val_t)WASM_F32_VAL(-0.0f);
  a[7] = (wasm_val_t)WASM_F64_VAL(-1.5);
}

static void test_values(wasm_func_t* call_mixed, wasm_func_t* pass) {
  wasm_val_t args[8], res[4];
  fill_args(args);
  // Results vectors come in with rubbish in them: every field must be overwritten.
  memset(res, 0xa5, sizeof res);
  CHECK_NO_TRAP(call(call_mixed, args, 8, res, 4));
  CHECK_EQ(mixed_calls, 1);
  CHECK(seen[0].kind == WASM_I32 && seen[0].of.i32 == -1);
  CHECK(seen[1].kind == WASM_I64 && (uint64_t)seen[1].of.i64 == 0xfedcba9876543210ull);
  CHECK(seen[2].kind == WASM_F32 && bits_f32(seen[2].of.f32) == F32_NAN);
  CHECK(seen[3].kind == WASM_F64 && bits_f64(seen[3].of.f64) == F64_NAN);
  CHECK(seen[4].kind == WASM_I32 && seen[4].of.i32 == INT32_MIN);
  CHECK(seen[5].kind == WASM_I64 && seen[5].of.i64 == INT64_MIN);
  CHECK(seen[6].kind == WASM_F32 && bits_f32(seen[6].of.f32) == 0x80000000u);
  CHECK(seen[7].kind == WASM_F64 && seen[7].of.f64 == -1.5);
  // The 32-bit arguments come with the upper half of the 8-byte value field zero, whatever the
  // register they travelled in held there.
  CHECK_EQ((uint64_t)seen[0].of.i64, 0xffffffffull);
  CHECK_EQ((uint64_t)seen[2].of.i64, (uint64_t)F32_NAN);
  CHECK_EQ((uint64_t)seen[4].of.i64, 0x80000000ull);
  CHECK_EQ((uint64_t)seen[6].of.i64, 0x80000000ull);
  CHECK(res[0].kind == WASM_I32 && res[0].of.i32 == INT32_MIN);
  CHECK(res[1].kind == WASM_I64 && (uint64_t)res[1].of.i64 == 0x8000000100000002ull);
  CHECK(res[2].kind == WASM_F32 && bits_f32(res[2].of.f32) == F32_NAN);
  CHECK(res[3].kind == WASM_F64 && bits_f64(res[3].of.f64) == F64_NAN);

  // Straight through wasm, results in reverse order of kinds.
  memset(res, 0x5a, sizeof res);
  CHECK_NO_TRAP(call(pass, args, 8, res, 4));
  CHECK(res[0].kind == WASM_F64 && res[0].of.f64 == -1.5);
  CHECK(res[1].kind == WASM_F32 && bits_f32(res[1].of.f32) == 0x80000000u);
  CHECK(res[2].kind == WASM_I64 && res[2].of.i64 == INT64_MIN);
  CHECK(res[3].kind == WASM_I32 && res[3].of.i32 == INT32_MIN);
  // A results vector longer than needed: the extra values stay untouched.
  wasm_val_t longer[6];
  memset(longer, 0x77, sizeof longer);
  unsigned char untouched[sizeof(wasm_val_t)];
  memcpy(untouched, &longer[5], sizeof untouched);
  CHECK_NO_TRAP(call(pass, args, 8, longer, 6));
  CHECK(longer[3].kind == WASM_I32 && longer[3].of.i32 == INT32_MIN);
  CHECK(memcmp(untouched, &longer[5], sizeof untouched) == 0);
}

// ---- malformed calls ----

static void test_malformed(wasm_func_t* pass, wasm_func_t* count) {
  wasm_val_t args[8], res[4];
  fill_args(args);
  wasm_trap_t* t = call(pass, args, 7, res, 4);
  CHECK_TRAP_HAS(t, "expected 8 arguments, got 7");
  wasm_trap_delete(t);
  t = call(pass, NULL, 0, res, 4);  // none at all
  CHECK_TRAP_HAS(t, "expected 8 arguments, got 0");
  wasm_trap_delete(t);
  args[2] = (wasm_val_t)WASM_F64_VAL(1.0);  // f32 expected
  t = call(pass, args, 8, res, 4);
  CHECK_TRAP_HAS(t, "argument 2");
  wasm_trap_delete(t);
  fill_args(args);
  args[7].kind = WASM_EXTERNREF;  // a reference where an f64 belongs
  args[7].of.ref = NULL;
  t = call(pass, args, 8, res, 4);
  CHECK_TRAP_HAS(t, "argument 7");
  wasm_trap_delete(t);
  fill_args(args);
  args[0].kind = 77;  // no kind at all
  t = call(pass, args, 8, res, 4);
  CHECK_TRAP_HAS(t, "argument 0");
  wasm_trap_delete(t);
  fill_args(args);
  // Short results vector / none at all: the function runs, then the call reports it.
  t = call(pass, args, 8, res, 3);
  CHECK_TRAP_HAS(t, "results vector has room for 3 values, the function returns 4");
  wasm_trap_delete(t);
  wasm_val_vec_t av = {8, args};
  t = wasm_func_call(pass, &av, NULL);
  CHECK_TRAP_HAS(t, "no results vector for 4 results");
  wasm_trap_delete(t);
  wasm_val_vec_t no_data = {4, NULL};
  t = wasm_func_call(pass, &av, &no_data);
  CHECK_TRAP_HAS(t, "results vector has room");
  wasm_trap_delete(t);

  // Nothing runs when the arguments are wrong: `count` counts its runs.
  wasm_val_t c_args[2] = {WASM_I32_VAL(1), WASM_I32_VAL(2)};  // second should be i64
  wasm_val_t c_res[1] = {WASM_INIT_VAL};
  t = call(count, c_args, 2, c_res, 1);
  CHECK_TRAP_HAS(t, "argument 1");
  wasm_trap_delete(t);
  t = call(count, c_args, 1, c_res, 1);
  CHECK_TRAP_HAS(t, "expected 2 arguments, got 1");
  wasm_trap_delete(t);
  c_args[1] = (wasm_val_t)WASM_I64_VAL(2);
  CHECK_NO_TRAP(call(count, c_args, 2, c_res, 1));
  CHECK(c_res[0].kind == WASM_I32 && c_res[0].of.i32 == 1);
  // A NULL function is no call at all.
  CHECK(wasm_func_call(NULL, &av, NULL) == NULL);
}

// ---- traps and re-entry ----

static wasm_func_t* down;  // export "down", called back by `recur`
static wasm_func_t* boom;  // export "boom", called back by `nested`
static int max_depth = 0;
static int depth = 0;

static wasm_trap_t* recur_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  int32_t n = args->data[0].of.i32;
  if (++depth > max_depth) max_depth = depth;
  wasm_val_t a[1] = {WASM_I32_VAL(n - 1)}, r[1] = {WASM_INIT_VAL};
  wasm_trap_t* t = call(down, a, 1, r, 1);
  depth--;
  if (t) return t;
  results->data[0] = (wasm_val_t)WASM_I32_VAL(r[0].of.i32 + 2);
  return NULL;
}

static wasm_trap_t* nested_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  int32_t mode = args->data[0].of.i32;
  wasm_val_t a[1] = {WASM_I32_VAL(mode & 1)};
  wasm_trap_t* t = call(boom, a, 1, NULL, 0);
  CHECK_TRAP_HAS(t, (mode & 1) ? "out of bounds memory access" : "unreachable");
  if (mode & 2) return t;  // propagate the inner trap through the outer call
  if (t) wasm_trap_delete(t);
  results->data[0] = (wasm_val_t)WASM_I32_VAL(7);
  return NULL;
}

static wasm_trap_t* bad_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0] = (wasm_val_t)WASM_I64_VAL(5);
  return NULL;
}

static wasm_trap_t* trapper_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return make_trap(store, "trapper says no");
}

static void test_traps_and_reentry(wasm_func_t* outer, wasm_func_t* call_bad, wasm_func_t* call_trapper,
                                   wasm_func_t* count, wasm_memory_t* memory) {
  // Recursion through the host: down(n) -> recur(n) -> down(n-1) -> ... each level adds 2.
  CHECK_EQ(CALL_I32(down, 60), 120);
  CHECK_EQ(max_depth, 60);
  CHECK_EQ(depth, 0);

  // A trap / a fault in the nested entry comes back to that entry only.
  expect_guard_faults(memory);
  CHECK_EQ(CALL_I32(outer, 0), 8);
  CHECK_EQ(CALL_I32(outer, 1), 8);
  wasm_val_t a[1] = {WASM_I32_VAL(2)}, r[1] = {WASM_INIT_VAL};
  wasm_trap_t* t = call(outer, a, 1, r, 1);
  CHECK_TRAP_HAS(t, "unreachable");
  if (t) wasm_trap_delete(t);
  a[0] = (wasm_val_t)WASM_I32_VAL(3);
  t = call(outer, a, 1, r, 1);
  CHECK_TRAP_HAS(t, "out of bounds memory access");
  if (t) wasm_trap_delete(t);
  unexpect_guard_faults(memory);
  // The thread is back to a clean state: ordinary calls and traps still work.
  CHECK_EQ(CALL_I32(down, 3), 6);

  t = call(call_bad, NULL, 0, r, 1);
  CHECK_TRAP_IS(t, "host function returned a bad result 0: expected a value of type i32, got value kind 1");
  if (t) wasm_trap_delete(t);

  // The callback's trap ends the call: the global write after the host call never happens.
  t = call(call_trapper, NULL, 0, NULL, 0);
  CHECK_TRAP_IS(t, "trapper says no");
  if (t) wasm_trap_delete(t);
  wasm_val_t c_args[2] = {WASM_I32_VAL(0), WASM_I64_VAL(0)}, c_res[1] = {WASM_INIT_VAL};
  CHECK_NO_TRAP(call(count, c_args, 2, c_res, 1));
  CHECK_EQ(c_res[0].of.i32, 2);  // 1 from test_malformed, not -1 + 1
}

// ---- deleting what the call came through ----

static int instance_finalized = 0;
static void instance_finalizer(void* p) {
  (void)p;
  instance_finalized++;
}

struct victims {
  wasm_func_t* kill;        // the export being called
  wasm_func_t* killer;      // the host function itself
  wasm_instance_t* instance;
  wasm_extern_vec_t exports;
  wasm_store_t* store;
  int calls;
};

static wasm_trap_t* killer_cb(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  struct victims* v = (struct victims*)env;
  v->calls++;
  wasm_func_delete(v->kill);
  wasm_func_delete(v->killer);
  wasm_instance_delete(v->instance);
  wasm_extern_vec_delete(&v->exports);
  wasm_store_delete(v->store);
  // The instance is still running (we are inside it): it must not be gone yet.
  CHECK_EQ(instance_finalized, 0);
  // Churn the allocator so that a use of freed handles would read garbage.
  void* junk[64];
  for (int i = 0; i < 64; i++) {
    junk[i] = malloc(48);
    memset(junk[i], 0xcd, 48);
  }
  for (int i = 0; i < 64; i++) free(junk[i]);
  results->data[0] = (wasm_val_t)WASM_I32_VAL(args->data[0].of.i32 * 2);
  return NULL;
}

static wasm_engine_t* engine;

// The module's imports in `st`: `mixed`, `recur`, `nested`, `bad` and `trapper` are made by
// wasm_func_new, `killer` by wasm_func_new_with_env (with `victims` as its env). The caller
// deletes the six functions.
static void make_imports(wasm_store_t* st, struct victims* victims, wasm_func_t** out) {
  wasm_valkind_t mixed_ps[8] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASM_I32, WASM_I64, WASM_F32, WASM_F64};
  wasm_valkind_t mixed_rs[4] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64};
  wasm_valkind_t i32[1] = {WASM_I32};
  out[0] = host_func(st, 8, mixed_ps, 4, mixed_rs, mixed_cb);
  out[1] = host_func(st, 1, i32, 1, i32, recur_cb);
  out[2] = host_func(st, 1, i32, 1, i32, nested_cb);
  out[3] = host_func(st, 0, NULL, 1, i32, bad_cb);
  out[4] = host_func(st, 0, NULL, 0, NULL, trapper_cb);
  wasm_functype_t* ty = functype(1, i32, 1, i32);
  out[5] = wasm_func_new_with_env(st, ty, killer_cb, victims, NULL);
  wasm_functype_delete(ty);
  REQUIRE(out[5] != NULL);
}

static wasm_instance_t* make_instance(wasm_store_t* st, wasm_func_t** funcs) {
  wasm_extern_t* imports[6];
  for (int i = 0; i < 6; i++) imports[i] = wasm_func_as_extern(funcs[i]);
  return instantiate(st, module, imports, 6);
}

// A host callback deletes every handle the running call came through — the called export,
// the host function itself, the instance, the exports vector and the store — and the call
// still finishes: wasm goes on running in the instance after the callback returns and the
// result arrives. The instance is freed (its finalizer runs) only once the call is over.
static void test_delete_mid_call(void) {
  for (int round = 0; round < 3; round++) {
    struct victims v;
    memset(&v, 0, sizeof v);
    instance_finalized = 0;
    v.store = wasm_store_new(engine);
    wasm_func_t* funcs[6];
    make_imports(v.store, &v, funcs);
    v.killer = funcs[5];
    v.instance = make_instance(v.store, funcs);
    wasm_instance_set_host_info_with_finalizer(v.instance, &v, instance_finalizer);
    for (int i = 0; i < 5; i++) wasm_func_delete(funcs[i]);
    wasm_instance_exports(v.instance, &v.exports);
    wasm_exporttype_vec_t types;
    wasm_module_exports(module, &types);
    for (size_t i = 0; i < types.size; i++) {
      const wasm_name_t* n = wasm_exporttype_name(types.data[i]);
      if (n->size == 4 && memcmp(n->data, "kill", 4) == 0)
        // Round 0 calls through a copy, round 1 through the exports vector's own element,
        // round 2 through a copy and after the store handle has been given up already.
        v.kill = round == 1 ? wasm_extern_as_func(v.exports.data[i]) : wasm_func_copy(wasm_extern_as_func(v.exports.data[i]));
    }
    wasm_exporttype_vec_delete(&types);
    REQUIRE(v.kill != NULL);
    if (round == 1) {
      // The element belongs to the vector, which the callback deletes: not deleted twice.
      wasm_func_t* element = v.kill;
      v.kill = NULL;
      wasm_val_t a[1] = {WASM_I32_VAL(21)}, r[1] = {WASM_INIT_VAL};
      CHECK_NO_TRAP(call(element, a, 1, r, 1));
      CHECK(r[0].kind == WASM_I32 && r[0].of.i32 == 42);
    } else {
      if (round == 2) {
        wasm_store_delete(v.store);
        v.store = NULL;
      }
      wasm_val_t a[1] = {WASM_I32_VAL(-50)}, r[1] = {WASM_INIT_VAL};
      CHECK_NO_TRAP(call(v.kill, a, 1, r, 1));
      CHECK(r[0].kind == WASM_I32 && r[0].of.i32 == -100);
    }
    CHECK_EQ(v.calls, 1);
    CHECK_EQ(instance_finalized, 1);
  }
}

// The same deletion, and a trap coming back through the deleted handles: the trap is made
// after the callback deleted the store handle and must still be a valid trap of that store.
static wasm_trap_t* killer_trap_cb(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  struct victims* v = (struct victims*)env;
  wasm_trap_t* t = make_trap(v->store, "deleted and trapped");
  wasm_func_delete(v->kill);
  wasm_instance_delete(v->instance);
  wasm_extern_vec_delete(&v->exports);
  wasm_store_delete(v->store);
  v->calls++;
  return t;
}

static void test_delete_then_trap(void) {
  struct victims v;
  memset(&v, 0, sizeof v);
  instance_finalized = 0;
  v.store = wasm_store_new(engine);
  wasm_module_t* m = module_from_wat(v.store,
      "(module (import \"env\" \"k\" (func $k (param i32) (result i32)))\n"
      "  (func (export \"kill\") (param i32) (result i32) (call $k (local.get 0))))");
  wasm_valkind_t i32[1] = {WASM_I32};
  wasm_functype_t* ty = functype(1, i32, 1, i32);
  wasm_func_t* k = wasm_func_new_with_env(v.store, ty, killer_trap_cb, &v, NULL);
  wasm_functype_delete(ty);
  wasm_extern_t* imports[1] = {wasm_func_as_extern(k)};
  v.instance = instantiate(v.store, m, imports, 1);
  wasm_func_delete(k);
  wasm_instance_set_host_info_with_finalizer(v.instance, &v, instance_finalizer);
  wasm_instance_exports(v.instance, &v.exports);
  v.kill = wasm_func_copy(wasm_extern_as_func(v.exports.data[0]));
  wasm_module_delete(m);
  wasm_val_t a[1] = {WASM_I32_VAL(1)}, r[1] = {WASM_INIT_VAL};
  wasm_trap_t* t = call(v.kill, a, 1, r, 1);
  CHECK_TRAP_IS(t, "deleted and trapped");
  CHECK_EQ(v.calls, 1);
  if (t) {
    // The trap's frames still name the (now freed) instance's function safely.
    wasm_frame_t* origin = wasm_trap_origin(t);
    CHECK(origin != NULL);
    if (origin) {
      CHECK_EQ(wasm_frame_func_index(origin), 1);
      wasm_frame_delete(origin);
    }
    wasm_trap_delete(t);
  }
  CHECK_EQ(instance_finalized, 1);
}

// ---- threads ----

static wasm_trap_t* add_env_cb(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  __atomic_fetch_add((long*)env, 1, __ATOMIC_RELAXED);
  results->data[0] = (wasm_val_t)WASM_I32_VAL(args->data[0].of.i32 + args->data[1].of.i32);
  return NULL;
}

static long shared_counter = 0;
static wasm_shared_module_t* shared_module;

static void* thread_main(void* arg) {
  long id = (long)(intptr_t)arg;
  wasm_store_t* st = wasm_store_new(engine);
  wasm_module_t* m = wasm_module_obtain(st, shared_module);
  REQUIRE(m != NULL);
  wasm_valkind_t ps[2] = {WASM_I32, WASM_I32}, rs[1] = {WASM_I32};
  wasm_functype_t* ty = functype(2, ps, 1, rs);
  wasm_func_t* add = wasm_func_new_with_env(st, ty, add_env_cb, &shared_counter, NULL);
  wasm_functype_delete(ty);
  wasm_extern_t* imports[1] = {wasm_func_as_extern(add)};
  wasm_instance_t* inst = instantiate(st, m, imports, 1);
  wasm_func_t* loop = export_func(m, inst, "loop");
  for (int i = 0; i < 20; i++) {
    // loop(n, k) adds k n times through the host: n * k.
    wasm_val_t a[2] = {WASM_I32_VAL(500), WASM_I32_VAL((int32_t)id + 1)}, r[1] = {WASM_INIT_VAL};
    CHECK_NO_TRAP(call(loop, a, 2, r, 1));
    CHECK_EQ(r[0].of.i32, 500 * (id + 1));
  }
  wasm_func_delete(loop);
  wasm_instance_delete(inst);
  wasm_func_delete(add);
  wasm_module_delete(m);
  wasm_store_delete(st);
  return NULL;
}

static void test_threads(void) {
  wasm_store_t* st = wasm_store_new(engine);
  wasm_module_t* m = module_from_wat(st,
      "(module (import \"env\" \"add\" (func $add (param i32 i32) (result i32)))\n"
      "  (func (export \"loop\") (param $n i32) (param $k i32) (result i32) (local $acc i32)\n"
      "    (block $done (loop $again\n"
      "      (br_if $done (i32.eqz (local.get $n)))\n"
      "      (local.set $acc (call $add (local.get $acc) (local.get $k)))\n"
      "      (local.set $n (i32.sub (local.get $n) (i32.const 1)))\n"
      "      (br $again)))\n"
      "    (local.get $acc)))");
  shared_module = wasm_module_share(m);
  enum { THREADS = 4 };
  pthread_t threads[THREADS];
  for (long i = 0; i < THREADS; i++) REQUIRE(pthread_create(&threads[i], NULL, thread_main, (void*)(intptr_t)i) == 0);
  for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
  CHECK_EQ(shared_counter, THREADS * 20 * 500);
  wasm_shared_module_delete(shared_module);
  wasm_module_delete(m);
  wasm_store_delete(st);
}

// ---- host functions whose types share one trampoline (i32/i64, f32/f64 pass alike) ----

static wasm_trap_t* neg_i32_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK_EQ(args->data[0].kind, WASM_I32);
  results->data[0] = (wasm_val_t)WASM_I32_VAL((int32_t)(0u - (uint32_t)args->data[0].of.i32));
  return NULL;
}
static wasm_trap_t* neg_i64_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK_EQ(args->data[0].kind, WASM_I64);
  results->data[0] = (wasm_val_t)WASM_I64_VAL((int64_t)(0ull - (uint64_t)args->data[0].of.i64));
  return NULL;
}
static wasm_trap_t* neg_f32_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK_EQ(args->data[0].kind, WASM_F32);
  results->data[0] = (wasm_val_t)WASM_F32_VAL(f32_bits(bits_f32(args->data[0].of.f32) ^ 0x80000000u));
  return NULL;
}
static wasm_trap_t* neg_f64_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK_EQ(args->data[0].kind, WASM_F64);
  results->data[0] = (wasm_val_t)WASM_F64_VAL(f64_bits(bits_f64(args->data[0].of.f64) ^ 0x8000000000000000ull));
  return NULL;
}

static void test_shared_shapes(void) {
  wasm_store_t* st = wasm_store_new(engine);
  wasm_module_t* m = module_from_wat(st,
      "(module\n"
      "  (import \"\" \"a\" (func $a (param i32) (result i32)))\n"
      "  (import \"\" \"b\" (func $b (param i64) (result i64)))\n"
      "  (import \"\" \"c\" (func $c (param f32) (result f32)))\n"
      "  (import \"\" \"d\" (func $d (param f64) (result f64)))\n"
      "  (func (export \"a\") (param i32) (result i32) (call $a (local.get 0)))\n"
      "  (func (export \"b\") (param i64) (result i64) (call $b (local.get 0)))\n"
      "  (func (export \"c\") (param f32) (result i32) (i32.reinterpret_f32 (call $c (local.get 0))))\n"
      "  (func (export \"d\") (param f64) (result i64) (i64.reinterpret_f64 (call $d (local.get 0)))))");
  // Created in both orders across rounds: the wide type's trampoline first, then the narrow.
  for (int round = 0; round < 2; round++) {
    wasm_valkind_t k32[1] = {WASM_I32}, k64[1] = {WASM_I64}, kf32[1] = {WASM_F32}, kf64[1] = {WASM_F64};
    wasm_func_t* fs[4];
    if (round == 0) {
      fs[1] = host_func(st, 1, k64, 1, k64, neg_i64_cb);
      fs[3] = host_func(st, 1, kf64, 1, kf64, neg_f64_cb);
      fs[0] = host_func(st, 1, k32, 1, k32, neg_i32_cb);
      fs[2] = host_func(st, 1, kf32, 1, kf32, neg_f32_cb);
    } else {
      fs[0] = host_func(st, 1, k32, 1, k32, neg_i32_cb);
      fs[2] = host_func(st, 1, kf32, 1, kf32, neg_f32_cb);
      fs[1] = host_func(st, 1, k64, 1, k64, neg_i64_cb);
      fs[3] = host_func(st, 1, kf64, 1, kf64, neg_f64_cb);
    }
    wasm_extern_t* imports[4];
    for (int i = 0; i < 4; i++) imports[i] = wasm_func_as_extern(fs[i]);
    wasm_instance_t* inst = instantiate(st, m, imports, 4);
    wasm_func_t* a = export_func(m, inst, "a");
    wasm_func_t* b = export_func(m, inst, "b");
    wasm_func_t* c = export_func(m, inst, "c");
    wasm_func_t* d = export_func(m, inst, "d");
    wasm_val_t arg, res = WASM_INIT_VAL;
    arg = (wasm_val_t)WASM_I32_VAL(7);
    CHECK_NO_TRAP(call(a, &arg, 1, &res, 1));
    CHECK(res.kind == WASM_I32 && res.of.i32 == -7);
    arg = (wasm_val_t)WASM_I32_VAL(INT32_MIN + 1);
    CHECK_NO_TRAP(call(a, &arg, 1, &res, 1));
    CHECK(res.kind == WASM_I32 && res.of.i32 == INT32_MAX);
    arg = (wasm_val_t)WASM_I64_VAL((int64_t)0x123456789abcdefll);
    CHECK_NO_TRAP(call(b, &arg, 1, &res, 1));
    CHECK(res.kind == WASM_I64 && res.of.i64 == -(int64_t)0x123456789abcdefll);
    arg = (wasm_val_t)WASM_F32_VAL(f32_bits(F32_NAN));
    CHECK_NO_TRAP(call(c, &arg, 1, &res, 1));
    CHECK(res.kind == WASM_I32 && (uint32_t)res.of.i32 == (F32_NAN ^ 0x80000000u));
    arg = (wasm_val_t)WASM_F64_VAL(f64_bits(F64_NAN));
    CHECK_NO_TRAP(call(d, &arg, 1, &res, 1));
    CHECK(res.kind == WASM_I64 && (uint64_t)res.of.i64 == (F64_NAN ^ 0x8000000000000000ull));
    wasm_func_t* all[] = {a, b, c, d, fs[0], fs[1], fs[2], fs[3]};
    for (int i = 0; i < 8; i++) wasm_func_delete(all[i]);
    wasm_instance_delete(inst);
  }
  wasm_module_delete(m);
  wasm_store_delete(st);
}

// ---- the callback's vectors are the trampoline's own arrays ----

// A callback's argument and result vectors live in the calling trampoline's frame (the values
// are not copied): writing every result before reading the arguments must still see the
// arguments (the two never overlap), scribbling over the (const) arguments must not reach the
// results, results a callback leaves alone come back as zero, and types whose parameters share
// one trampoline but whose results differ must each get their own result type back.
static wasm_trap_t* reverse_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK_EQ(args->size, 4);
  CHECK_EQ(results->size, 4);
  CHECK(args->data != results->data);
  for (size_t k = 0; k < 4; k++) results->data[k] = args->data[3 - k];
  memset((void*)args->data, 0xee, 4 * sizeof(wasm_val_t));
  return NULL;
}
static wasm_trap_t* silent_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  CHECK_EQ(results->size, 4);
  return NULL;
}
static wasm_trap_t* narrow_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK_EQ(args->data[0].kind, WASM_I64);
  results->data[0] = (wasm_val_t)WASM_I32_VAL((int32_t)(args->data[0].of.i64 >> 32));
  return NULL;
}
static wasm_trap_t* widen_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK_EQ(args->data[0].kind, WASM_I32);
  results->data[0] = (wasm_val_t)WASM_I64_VAL((int64_t)args->data[0].of.i32 * 0x100000001ll);
  return NULL;
}
// Nine values each way: past the scalar route, through the general one.
static wasm_trap_t* nine_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK_EQ(args->size, 9);
  CHECK_EQ(results->size, 9);
  for (size_t k = 0; k < 9; k++) results->data[k] = (wasm_val_t)WASM_I32_VAL(args->data[8 - k].of.i32 * 3);
  return NULL;
}

static void test_in_place_vectors(void) {
  wasm_store_t* st = wasm_store_new(engine);
  wasm_module_t* m = module_from_wat(st,
      "(module\n"
      "  (import \"\" \"rev\" (func $rev (param i32 i64 f32 f64) (result f64 f32 i64 i32)))\n"
      "  (import \"\" \"silent\" (func $silent (param i32) (result i32 i64 f32 f64)))\n"
      "  (import \"\" \"narrow\" (func $narrow (param i64) (result i32)))\n"
      "  (import \"\" \"widen\" (func $widen (param i32) (result i64)))\n"
      "  (import \"\" \"nine\" (func $nine (param i32 i32 i32 i32 i32 i32 i32 i32 i32)\n"
      "                                   (result i32 i32 i32 i32 i32 i32 i32 i32 i32)))\n"
      "  (func (export \"rev\") (param i32 i64 f32 f64) (result f64 f32 i64 i32)\n"
      "    (call $rev (local.get 0) (local.get 1) (local.get 2) (local.get 3)))\n"
      "  (func (export \"silent\") (result i32 i64 f32 f64) (call $silent (i32.const 5)))\n"
      "  (func (export \"narrow\") (param i64) (result i32) (call $narrow (local.get 0)))\n"
      "  (func (export \"widen\") (param i32) (result i64) (call $widen (local.get 0)))\n"
      "  (func (export \"nine\") (result i32)\n"
      "    (local $acc i32)\n"
      "    (call $nine (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5)\n"
      "                (i32.const 6) (i32.const 7) (i32.const 8) (i32.const 9))\n"
      "    ;; results 27 24 ... 3 on the stack (3 on top): digits of acc from the top, r / 3 each\n"
      "    (i32.div_u (i32.const 3)) (local.set $acc)\n"
      "    (local.set $acc (i32.add (i32.mul (i32.div_u (i32.const 3)) (i32.const 10)) (local.get $acc)))\n"
      "    (local.set $acc (i32.add (i32.mul (i32.div_u (i32.const 3)) (i32.const 100)) (local.get $acc)))\n"
      "    (local.set $acc (i32.add (i32.mul (i32.div_u (i32.const 3)) (i32.const 1000)) (local.get $acc)))\n"
      "    (local.set $acc (i32.add (i32.mul (i32.div_u (i32.const 3)) (i32.const 10000)) (local.get $acc)))\n"
      "    (local.set $acc (i32.add (i32.mul (i32.div_u (i32.const 3)) (i32.const 100000)) (local.get $acc)))\n"
      "    (local.set $acc (i32.add (i32.mul (i32.div_u (i32.const 3)) (i32.const 1000000)) (local.get $acc)))\n"
      "    (local.set $acc (i32.add (i32.mul (i32.div_u (i32.const 3)) (i32.const 10000000)) (local.get $acc)))\n"
      "    (local.set $acc (i32.add (i32.mul (i32.div_u (i32.const 3)) (i32.const 100000000)) (local.get $acc)))\n"
      "    (local.get $acc)))");
  wasm_valkind_t rev_ps[4] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64};
  wasm_valkind_t rev_rs[4] = {WASM_F64, WASM_F32, WASM_I64, WASM_I32};
  wasm_valkind_t silent_rs[4] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64};
  wasm_valkind_t k32[1] = {WASM_I32}, k64[1] = {WASM_I64};
  wasm_valkind_t nine[9] = {WASM_I32, WASM_I32, WASM_I32, WASM_I32, WASM_I32, WASM_I32, WASM_I32, WASM_I32, WASM_I32};
  wasm_func_t* fs[5] = {
      host_func(st, 4, rev_ps, 4, rev_rs, reverse_cb), host_func(st, 1, k32, 4, silent_rs, silent_cb),
      host_func(st, 1, k64, 1, k32, narrow_cb),        host_func(st, 1, k32, 1, k64, widen_cb),
      host_func(st, 9, nine, 9, nine, nine_cb),
  };
  wasm_extern_t* imports[5];
  for (int i = 0; i < 5; i++) imports[i] = wasm_func_as_extern(fs[i]);
  wasm_instance_t* inst = instantiate(st, m, imports, 5);
  wasm_func_t* rev = export_func(m, inst, "rev");
  wasm_func_t* silent = export_func(m, inst, "silent");
  wasm_func_t* narrow = export_func(m, inst, "narrow");
  wasm_func_t* widen = export_func(m, inst, "widen");
  wasm_func_t* ninef = export_func(m, inst, "nine");
  for (int round = 0; round < 3; round++) {
    wasm_val_t args[4] = {WASM_I32_VAL(-7 - round), WASM_I64_VAL(INT64_MIN + round), WASM_F32_VAL(f32_bits(F32_NAN)),
                          WASM_F64_VAL(f64_bits(F64_NAN))};
    wasm_val_t res[4];
    memset(res, 0xa5, sizeof res);
    CHECK_NO_TRAP(call(rev, args, 4, res, 4));
    CHECK(res[0].kind == WASM_F64 && bits_f64(res[0].of.f64) == F64_NAN);
    CHECK(res[1].kind == WASM_F32 && bits_f32(res[1].of.f32) == F32_NAN);
    CHECK(res[2].kind == WASM_I64 && res[2].of.i64 == INT64_MIN + round);
    CHECK(res[3].kind == WASM_I32 && res[3].of.i32 == -7 - round);

    memset(res, 0xa5, sizeof res);
    CHECK_NO_TRAP(call(silent, NULL, 0, res, 4));
    CHECK(res[0].kind == WASM_I32 && res[0].of.i32 == 0);
    CHECK(res[1].kind == WASM_I64 && res[1].of.i64 == 0);
    CHECK(res[2].kind == WASM_F32 && bits_f32(res[2].of.f32) == 0);
    CHECK(res[3].kind == WASM_F64 && bits_f64(res[3].of.f64) == 0);

    wasm_val_t arg = WASM_I64_VAL((int64_t)0x8765432112345678ull), r = WASM_INIT_VAL;
    CHECK_NO_TRAP(call(narrow, &arg, 1, &r, 1));
    CHECK(r.kind == WASM_I32 && (uint32_t)r.of.i32 == 0x87654321u);
    arg = (wasm_val_t)WASM_I32_VAL(-2);
    CHECK_NO_TRAP(call(widen, &arg, 1, &r, 1));
    CHECK(r.kind == WASM_I64 && (uint64_t)r.of.i64 == 0xfffffffdfffffffeull);
    CHECK_NO_TRAP(call(ninef, NULL, 0, &r, 1));
    CHECK(r.kind == WASM_I32 && r.of.i32 == 987654321);
  }
  wasm_func_t* all[] = {rev, silent, narrow, widen, ninef, fs[0], fs[1], fs[2], fs[3], fs[4]};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) wasm_func_delete(all[i]);
  wasm_instance_delete(inst);
  wasm_module_delete(m);
  wasm_store_delete(st);
}

// ---- the caller's registers after a trap ----

// A trap unwinds past the wasm frames without their epilogues, so whatever callee-saved
// registers the wasm code used are left as the trap found them: the entry must give its caller
// back its own. `clobber` keeps a dozen values live at once (forcing the callee-saved
// registers into use) and then traps on an out-of-bounds load addressed by all of them; the
// caller keeps six values of its own live across each call (at -O2 in callee-saved registers)
// and checks them against the same arithmetic done without any calls.
static const char* CLOBBER_WAT =
    "(module (memory 1)\n"
    "  (func (export \"clobber\") (param i32)\n"
    "    (local $a i64) (local $b i64) (local $c i64) (local $d i64) (local $e i64) (local $f i64)\n"
    "    (local $g i64) (local $h i64) (local $i i64) (local $j i64) (local $k i64) (local $l i64)\n"
    "    (local.set $a (i64.extend_i32_u (local.get 0)))\n"
    "    (local.set $b (i64.add (i64.mul (local.get $a) (i64.const 3)) (i64.const 1)))\n"
    "    (local.set $c (i64.add (i64.mul (local.get $b) (i64.const 5)) (i64.const 2)))\n"
    "    (local.set $d (i64.add (i64.mul (local.get $c) (i64.const 7)) (i64.const 3)))\n"
    "    (local.set $e (i64.add (i64.mul (local.get $d) (i64.const 11)) (i64.const 4)))\n"
    "    (local.set $f (i64.add (i64.mul (local.get $e) (i64.const 13)) (i64.const 5)))\n"
    "    (local.set $g (i64.add (i64.mul (local.get $f) (i64.const 17)) (i64.const 6)))\n"
    "    (local.set $h (i64.add (i64.mul (local.get $g) (i64.const 19)) (i64.const 7)))\n"
    "    (local.set $i (i64.add (i64.mul (local.get $h) (i64.const 23)) (i64.const 8)))\n"
    "    (local.set $j (i64.add (i64.mul (local.get $i) (i64.const 29)) (i64.const 9)))\n"
    "    (local.set $k (i64.add (i64.mul (local.get $j) (i64.const 31)) (i64.const 10)))\n"
    "    (local.set $l (i64.add (i64.mul (local.get $k) (i64.const 37)) (i64.const 11)))\n"
    "    (drop (i64.load (i32.add (i32.const 0x7fff0000) (i32.wrap_i64 (i64.and (i64.const 0xff)\n"
    "      (i64.xor (i64.xor (i64.xor (local.get $a) (local.get $b)) (i64.xor (local.get $c) (local.get $d)))\n"
    "        (i64.xor (i64.xor (i64.xor (local.get $e) (local.get $f)) (i64.xor (local.get $g) (local.get $h)))\n"
    "          (i64.xor (i64.xor (local.get $i) (local.get $j)) (i64.xor (local.get $k) (local.get $l))))))))))))\n";

static uint64_t mix_step(uint64_t* v) {
  v[0] += 1;
  v[1] += v[0] * 3;
  v[2] ^= v[1];
  v[3] += v[2] >> 3;
  v[4] = v[4] * 5 + v[3];
  v[5] -= v[4];
  return v[5];
}

static void test_registers_after_traps(void) {
  wasm_store_t* st = wasm_store_new(engine);
  wasm_module_t* m = module_from_wat(st, CLOBBER_WAT);
  wasm_instance_t* inst = instantiate(st, m, NULL, 0);
  wasm_func_t* clobber = export_func(m, inst, "clobber");
  uint64_t expected[6] = {1, 2, 3, 4, 5, 6};
  for (int i = 0; i < 40; i++) mix_step(expected);
  // Six values the compiler keeps live across the calls.
  volatile uint64_t seed = 1;
  uint64_t a = seed, b = a + 1, c = b + 1, d = c + 1, e = d + 1, f = e + 1;
  int traps = 0;
  for (int i = 0; i < 40; i++) {
    wasm_val_t arg = WASM_I32_VAL(i * 7919);
    wasm_val_vec_t args = {1, &arg}, results = {0, NULL};
    wasm_trap_t* t = wasm_func_call(clobber, &args, &results);
    if (t) {
      traps++;
      wasm_trap_delete(t);
    }
    a += 1;
    b += a * 3;
    c ^= b;
    d += c >> 3;
    e = e * 5 + d;
    f -= e;
  }
  CHECK_EQ(traps, 40);
  CHECK(a == expected[0] && b == expected[1] && c == expected[2]);
  CHECK(d == expected[3] && e == expected[4] && f == expected[5]);
  wasm_func_delete(clobber);
  wasm_instance_delete(inst);
  wasm_module_delete(m);
  wasm_store_delete(st);
}

// ---- handles a callback makes and deletes are freed at once ----

// Only the handle a running call came through is kept until the call is over: a callback
// that makes and deletes other handles on every call (instances here) frees each at once,
// so a long wasm loop calling it does not pile them up.
static wasm_module_t* small_module;
static int small_finalized = 0;
static void small_finalizer(void* p) {
  (void)p;
  small_finalized++;
}
static wasm_trap_t* churn_cb(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wasm_store_t* st = (wasm_store_t*)env;
  int before = small_finalized;
  wasm_instance_t* inst = instantiate(st, small_module, NULL, 0);
  wasm_instance_set_host_info_with_finalizer(inst, NULL, small_finalizer);
  wasm_extern_vec_t exports;
  wasm_instance_exports(inst, &exports);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(inst);
  CHECK_EQ(small_finalized, before + 1);
  results->data[0] = (wasm_val_t)WASM_I32_VAL(args->data[0].of.i32 + 1);
  return NULL;
}

static void test_churn(void) {
  wasm_store_t* st = wasm_store_new(engine);
  small_module = module_from_wat(st, "(module (memory 1) (func (export \"f\")))");
  wasm_module_t* m = module_from_wat(st,
      "(module (import \"\" \"churn\" (func $c (param i32) (result i32)))\n"
      "  (func (export \"loop\") (param $n i32) (result i32) (local $acc i32)\n"
      "    (block $done (loop $again\n"
      "      (br_if $done (i32.eqz (local.get $n)))\n"
      "      (local.set $acc (call $c (local.get $acc)))\n"
      "      (local.set $n (i32.sub (local.get $n) (i32.const 1)))\n"
      "      (br $again)))\n"
      "    (local.get $acc)))");
  wasm_valkind_t i32[1] = {WASM_I32};
  wasm_functype_t* ty = functype(1, i32, 1, i32);
  wasm_func_t* churn = wasm_func_new_with_env(st, ty, churn_cb, st, NULL);
  wasm_functype_delete(ty);
  wasm_extern_t* imports[1] = {wasm_func_as_extern(churn)};
  wasm_instance_t* inst = instantiate(st, m, imports, 1);
  wasm_func_t* loop = export_func(m, inst, "loop");
  CHECK_EQ(CALL_I32(loop, 200), 200);
  CHECK_EQ(small_finalized, 200);
  wasm_func_delete(loop);
  wasm_instance_delete(inst);
  wasm_func_delete(churn);
  wasm_module_delete(m);
  wasm_module_delete(small_module);
  wasm_store_delete(st);
}

int main(void) {
  engine = wasm_engine_new();
  REQUIRE(engine != NULL);
  store = wasm_store_new(engine);
  module = module_from_wat(store, WAT);
  wasm_func_t* funcs[6];
  struct victims unused;
  memset(&unused, 0, sizeof unused);
  make_imports(store, &unused, funcs);
  wasm_instance_t* instance = make_instance(store, funcs);
  wasm_func_t* call_mixed = export_func(module, instance, "call_mixed");
  wasm_func_t* pass = export_func(module, instance, "pass");
  wasm_func_t* count = export_func(module, instance, "count");
  wasm_func_t* outer = export_func(module, instance, "outer");
  wasm_func_t* call_bad = export_func(module, instance, "call_bad");
  wasm_func_t* call_trapper = export_func(module, instance, "call_trapper");
  down = export_func(module, instance, "down");
  boom = export_func(module, instance, "boom");
  wasm_memory_t* memory = export_memory(module, instance, "memory");

  test_values(call_mixed, pass);
  test_malformed(pass, count);
  test_traps_and_reentry(outer, call_bad, call_trapper, count, memory);
  test_delete_mid_call();
  test_delete_then_trap();
  test_threads();
  test_shared_shapes();
  test_in_place_vectors();
  test_registers_after_traps();
  test_churn();

  wasm_func_t* all[] = {call_mixed, pass, count, outer, call_bad, call_trapper, down, boom};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) wasm_func_delete(all[i]);
  for (int i = 0; i < 6; i++) wasm_func_delete(funcs[i]);
  wasm_memory_delete(memory);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return test_report("boundary_test");
}
