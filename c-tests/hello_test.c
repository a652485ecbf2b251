// Host functions and calls, in the style of the upstream wasm-c-api hello.c / callback.c
// examples: a host import called from wasm, callbacks with an env and a finalizer, host
// functions called directly, host → wasm re-entry, multi-value params/results of every numeric
// kind, and wasm_func_call's argument/result checks (mismatches trap; nothing runs for bad
// arguments, the function runs before a too-small results vector is reported).
#include "test_util.h"

#include <math.h>

static int hello_calls = 0;

static wasm_trap_t* hello_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK_EQ(args->size, 0);
  CHECK_EQ(results->size, 0);
  hello_calls++;
  return NULL;
}

static void test_hello(wasm_store_t* store) {
  wasm_module_t* module = module_from_wat(store,
      "(module (import \"\" \"hello\" (func $hello))"
      "  (func (export \"run\") (call $hello) (call $hello)))");
  wasm_func_t* hello = host_func(store, 0, NULL, 0, NULL, hello_callback);
  CHECK_EQ(wasm_func_param_arity(hello), 0);
  CHECK_EQ(wasm_func_result_arity(hello), 0);
  wasm_extern_t* imports[] = {wasm_func_as_extern(hello)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_func_delete(hello);  // the instance keeps the import alive
  wasm_func_t* run = export_func(module, instance, "run");
  CHECK_EQ(hello_calls, 0);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  CHECK_NO_TRAP(wasm_func_call(run, &none, &none));
  CHECK_EQ(hello_calls, 2);
  // NULL vectors are fine for a function without params and results.
  CHECK_NO_TRAP(wasm_func_call(run, NULL, NULL));
  CHECK_EQ(hello_calls, 4);
  wasm_func_delete(run);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
}

// ---- Callback with env and finalizer ----

typedef struct {
  int calls;
  int finalized;
  int32_t last_a, last_b;
} add_env_t;

static int env_finalizer_runs = 0;

static void add_env_finalizer(void* env) {
  add_env_t* e = (add_env_t*)env;
  e->finalized++;
  env_finalizer_runs++;
}

static wasm_trap_t* add_with_env(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  add_env_t* e = (add_env_t*)env;
  e->calls++;
  CHECK_EQ(args->size, 2);
  CHECK_EQ(results->size, 1);
  CHECK_EQ(args->data[0].kind, WASM_I32);
  CHECK_EQ(args->data[1].kind, WASM_I32);
  e->last_a = args->data[0].of.i32;
  e->last_b = args->data[1].of.i32;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = (int32_t)((uint32_t)e->last_a + (uint32_t)e->last_b);
  return NULL;
}

static void test_env_and_finalizer(wasm_engine_t* engine) {
  // A store of its own, so that deleting it shows when the finalizer runs.
  wasm_store_t* store = wasm_store_new(engine);
  add_env_t env = {0, 0, 0, 0};
  wasm_valkind_t ii[] = {WASM_I32, WASM_I32}, i[] = {WASM_I32};
  wasm_functype_t* ty = functype(2, ii, 1, i);
  wasm_func_t* add = wasm_func_new_with_env(store, ty, add_with_env, &env, add_env_finalizer);
  wasm_functype_delete(ty);
  REQUIRE(add != NULL);

  // Called directly from the host.
  wasm_val_t args[2] = {WASM_I32_VAL(40), WASM_I32_VAL(2)};
  wasm_val_t res[1] = {WASM_INIT_VAL};
  CHECK_NO_TRAP(call(add, args, 2, res, 1));
  CHECK_EQ(res[0].kind, WASM_I32);
  CHECK_EQ(res[0].of.i32, 42);
  CHECK_EQ(env.calls, 1);

  // Copies of the handle share the env; deleting a copy does not finalize.
  wasm_func_t* copy = wasm_func_copy(add);
  CHECK(wasm_func_same(copy, add));
  wasm_func_delete(copy);
  CHECK_EQ(env.finalized, 0);

  // Called from wasm, with wrapping arithmetic visible.
  wasm_module_t* module = module_from_wat(store,
      "(module (import \"env\" \"add\" (func $add (param i32 i32) (result i32)))"
      "  (func (export \"twice\") (param i32) (result i32)"
      "    (call $add (call $add (local.get 0) (local.get 0)) (i32.const 1))))");
  wasm_extern_t* imports[] = {wasm_func_as_extern(add)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_func_t* twice = export_func(module, instance, "twice");
  CHECK_EQ(CALL_I32(twice, 20), 41);
  CHECK_EQ(env.calls, 3);
  CHECK_EQ(CALL_I32(twice, 0x7fffffff), (int32_t)0xffffffffu);  // 0xfffffffe + 1, wrapped
  CHECK_EQ(env.last_a, (int32_t)0xfffffffe);
  CHECK_EQ(env.last_b, 1);

  // The instance keeps the function (and so the env) alive after the handle is gone.
  wasm_func_delete(add);
  CHECK_EQ(env.finalized, 0);
  CHECK_EQ(CALL_I32(twice, 1), 3);
  CHECK_EQ(env.finalized, 0);
  wasm_func_delete(twice);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  CHECK_EQ(env.finalized, 1);
  CHECK_EQ(env_finalizer_runs, 1);

  // A function without a finalizer, and a NULL env, work too.
  store = wasm_store_new(engine);
  ty = functype(2, ii, 1, i);
  add_env_t env2 = {0, 0, 0, 0};
  add = wasm_func_new_with_env(store, ty, add_with_env, &env2, NULL);
  wasm_functype_delete(ty);
  REQUIRE(add != NULL);
  CHECK_NO_TRAP(call(add, args, 2, res, 1));
  CHECK_EQ(res[0].of.i32, 42);
  wasm_func_delete(add);
  wasm_store_delete(store);
  CHECK_EQ(env2.finalized, 0);
  CHECK_EQ(env_finalizer_runs, 1);
}

// ---- Host → wasm re-entry ----

typedef struct {
  wasm_func_t* inner;  // set after instantiation
  int calls;
} reenter_env_t;

// Called from wasm with x; calls wasm `inner(x + 1)` and returns its result * 10.
static wasm_trap_t* reenter_callback(void* envp, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  reenter_env_t* env = (reenter_env_t*)envp;
  env->calls++;
  wasm_val_t a[1] = {WASM_I32_VAL(args->data[0].of.i32 + 1)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_trap_t* trap = call(env->inner, a, 1, r, 1);
  if (trap != NULL) return trap;  // propagate (not expected here)
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = r[0].of.i32 * 10;
  return NULL;
}

static void test_reentry(wasm_store_t* store) {
  wasm_module_t* module = module_from_wat(store,
      "(module (import \"\" \"host\" (func $host (param i32) (result i32)))"
      "  (global $depth (mut i32) (i32.const 0))"
      "  (func (export \"inner\") (param i32) (result i32)"
      "    (global.set $depth (i32.add (global.get $depth) (i32.const 1)))"
      "    (i32.mul (local.get 0) (local.get 0)))"
      "  (func (export \"outer\") (param i32) (result i32)"
      "    (i32.add (call $host (local.get 0)) (global.get $depth)))"
      "  (func (export \"outer_twice\") (param i32) (result i32)"
      "    (i32.add (call $host (local.get 0)) (call $host (i32.const 0)))))");
  reenter_env_t env = {NULL, 0};
  wasm_valkind_t i[] = {WASM_I32};
  wasm_functype_t* ty = functype(1, i, 1, i);
  wasm_func_t* host = wasm_func_new_with_env(store, ty, reenter_callback, &env, NULL);
  wasm_functype_delete(ty);
  wasm_extern_t* imports[] = {wasm_func_as_extern(host)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  env.inner = export_func(module, instance, "inner");
  wasm_func_t* outer = export_func(module, instance, "outer");
  wasm_func_t* outer_twice = export_func(module, instance, "outer_twice");
  // outer(4) = host(4) + depth = inner(5) * 10 + 1 = 251 (inner ran before depth is read).
  CHECK_EQ(CALL_I32(outer, 4), 251);
  CHECK_EQ(env.calls, 1);
  // outer_twice(2) = inner(3)*10 + inner(1)*10 = 90 + 10.
  CHECK_EQ(CALL_I32(outer_twice, 2), 100);
  CHECK_EQ(env.calls, 3);
  // The host function can also be called directly; it re-enters wasm from the host.
  wasm_val_t a[1] = {WASM_I32_VAL(6)}, r[1] = {WASM_INIT_VAL};
  CHECK_NO_TRAP(call(host, a, 1, r, 1));
  CHECK_EQ(r[0].of.i32, 490);
  wasm_func_delete(env.inner);
  wasm_func_delete(outer);
  wasm_func_delete(outer_twice);
  wasm_func_delete(host);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
}

// ---- Multi-value, every numeric kind ----

static int swap_calls = 0;

// (i32 i64 f32 f64) -> (f64 f32 i64 i32): reversed, each transformed so that a mix-up shows.
static wasm_trap_t* swap_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  swap_calls++;
  CHECK_EQ(args->size, 4);
  CHECK_EQ(results->size, 4);
  CHECK_EQ(args->data[0].kind, WASM_I32);
  CHECK_EQ(args->data[1].kind, WASM_I64);
  CHECK_EQ(args->data[2].kind, WASM_F32);
  CHECK_EQ(args->data[3].kind, WASM_F64);
  results->data[0].kind = WASM_F64;
  results->data[0].of.f64 = args->data[3].of.f64 * 2;
  results->data[1].kind = WASM_F32;
  results->data[1].of.f32 = args->data[2].of.f32 * 2;
  results->data[2].kind = WASM_I64;
  results->data[2].of.i64 = args->data[1].of.i64 ^ 1;
  results->data[3].kind = WASM_I32;
  results->data[3].of.i32 = args->data[0].of.i32 ^ 1;
  return NULL;
}

static void check_swapped(const char* what, const wasm_val_t* r, int32_t i, int64_t l, float f, double d) {
  CHECK_MSG(r[0].kind == WASM_F64 && r[0].of.f64 == d * 2, "%s: result 0 %g, expected %g", what, r[0].of.f64, d * 2);
  CHECK_MSG(r[1].kind == WASM_F32 && r[1].of.f32 == f * 2, "%s: result 1 %g, expected %g", what, r[1].of.f32, f * 2);
  CHECK_MSG(r[2].kind == WASM_I64 && r[2].of.i64 == (l ^ 1), "%s: result 2 %lld", what, (long long)r[2].of.i64);
  CHECK_MSG(r[3].kind == WASM_I32 && r[3].of.i32 == (i ^ 1), "%s: result 3 %d", what, r[3].of.i32);
}

static void test_multi_value(wasm_store_t* store) {
  wasm_module_t* module = module_from_wat(store,
      "(module"
      "  (import \"\" \"swap\" (func $swap (param i32 i64 f32 f64) (result f64 f32 i64 i32)))"
      "  (func (export \"wasm_swap\") (param i32 i64 f32 f64) (result f64 f32 i64 i32)"
      "    (f64.mul (local.get 3) (f64.const 2)) (f32.mul (local.get 2) (f32.const 2))"
      "    (i64.xor (local.get 1) (i64.const 1)) (i32.xor (local.get 0) (i32.const 1)))"
      "  (func (export \"via_host\") (param i32 i64 f32 f64) (result f64 f32 i64 i32)"
      "    (call $swap (local.get 0) (local.get 1) (local.get 2) (local.get 3)))"
      // Through the host once, results put back in parameter order.
      "  (func (export \"round_trip\") (param i32 i64 f32 f64) (result i32 i64 f32 f64)"
      "    (local $d f64) (local $f f32) (local $l i64) (local $i i32)"
      "    (call $swap (local.get 0) (local.get 1) (local.get 2) (local.get 3))"
      "    (local.set $i) (local.set $l) (local.set $f) (local.set $d)"
      "    (local.get $i) (local.get $l) (local.get $f) (local.get $d))"
      "  (func (export \"many\") (param i32 i64 f32 f64 i32 i64 f32 f64 i32 i64)"
      "    (result i64 i32 f64 f32 i64 i32 f64 f32 i64 i32)"
      "    (local.get 9) (local.get 8) (local.get 7) (local.get 6) (local.get 5)"
      "    (local.get 4) (local.get 3) (local.get 2) (local.get 1) (local.get 0)))");
  wasm_valkind_t ps[] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64};
  wasm_valkind_t rs[] = {WASM_F64, WASM_F32, WASM_I64, WASM_I32};
  wasm_func_t* swap = host_func(store, 4, ps, 4, rs, swap_callback);
  wasm_extern_t* imports[] = {wasm_func_as_extern(swap)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_func_t* wasm_swap = export_func(module, instance, "wasm_swap");
  wasm_func_t* via_host = export_func(module, instance, "via_host");
  wasm_func_t* round_trip = export_func(module, instance, "round_trip");
  wasm_func_t* many = export_func(module, instance, "many");

  // Type reflection of the export.
  wasm_functype_t* ft = wasm_func_type(wasm_swap);
  const wasm_valtype_vec_t* fp = wasm_functype_params(ft);
  const wasm_valtype_vec_t* fr = wasm_functype_results(ft);
  CHECK_EQ(fp->size, 4);
  CHECK_EQ(fr->size, 4);
  for (size_t k = 0; k < 4 && k < fp->size && k < fr->size; k++) {
    CHECK_EQ(wasm_valtype_kind(fp->data[k]), ps[k]);
    CHECK_EQ(wasm_valtype_kind(fr->data[k]), rs[k]);
  }
  wasm_functype_delete(ft);
  CHECK_EQ(wasm_func_param_arity(wasm_swap), 4);
  CHECK_EQ(wasm_func_result_arity(wasm_swap), 4);

  struct { int32_t i; int64_t l; float f; double d; } cases[] = {
      {1, 2, 1.5f, 2.25},
      {INT32_MIN, INT64_MIN, -0.0f, -0.0},
      {INT32_MAX, INT64_MAX, 3.4e38f / 4, 1e300},
      {-1, -1, 1e-45f, 5e-324},
  };
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    wasm_val_t args[4] = {WASM_I32_VAL(cases[c].i), WASM_I64_VAL(cases[c].l), WASM_F32_VAL(cases[c].f),
                          WASM_F64_VAL(cases[c].d)};
    wasm_val_t r[4] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL};
    CHECK_NO_TRAP(call(wasm_swap, args, 4, r, 4));
    check_swapped("wasm", r, cases[c].i, cases[c].l, cases[c].f, cases[c].d);
    int before = swap_calls;
    CHECK_NO_TRAP(call(via_host, args, 4, r, 4));
    check_swapped("via host", r, cases[c].i, cases[c].l, cases[c].f, cases[c].d);
    CHECK_EQ(swap_calls, before + 1);
    CHECK_NO_TRAP(call(swap, args, 4, r, 4));
    check_swapped("host direct", r, cases[c].i, cases[c].l, cases[c].f, cases[c].d);
    CHECK_NO_TRAP(call(round_trip, args, 4, r, 4));
    CHECK(r[0].kind == WASM_I32 && r[0].of.i32 == (cases[c].i ^ 1));
    CHECK(r[1].kind == WASM_I64 && r[1].of.i64 == (cases[c].l ^ 1));
    CHECK(r[2].kind == WASM_F32 && r[2].of.f32 == cases[c].f * 2);
    CHECK(r[3].kind == WASM_F64 && r[3].of.f64 == cases[c].d * 2);
    // Sign of negative zero survives.
    if (cases[c].d == 0) CHECK(signbit(r[3].of.f64) && signbit(r[2].of.f32));
  }

  // NaN payloads pass through unchanged (no arithmetic on them in `many`).
  {
    union { uint32_t u; float f; } fnan = {0x7fa00001u};
    union { uint64_t u; double d; } dnan = {0xfff4000000000003ull};
    wasm_val_t args[10] = {WASM_I32_VAL(1), WASM_I64_VAL(2), WASM_F32_VAL(fnan.f), WASM_F64_VAL(dnan.d),
                           WASM_I32_VAL(5), WASM_I64_VAL(6), WASM_F32_VAL(7.5f), WASM_F64_VAL(8.5),
                           WASM_I32_VAL(9), WASM_I64_VAL(10)};
    wasm_val_t r[10];
    for (int k = 0; k < 10; k++) r[k] = (wasm_val_t)WASM_INIT_VAL;
    CHECK_NO_TRAP(call(many, args, 10, r, 10));
    CHECK(r[0].kind == WASM_I64 && r[0].of.i64 == 10);
    CHECK(r[1].kind == WASM_I32 && r[1].of.i32 == 9);
    CHECK(r[2].kind == WASM_F64 && r[2].of.f64 == 8.5);
    CHECK(r[3].kind == WASM_F32 && r[3].of.f32 == 7.5f);
    CHECK(r[4].kind == WASM_I64 && r[4].of.i64 == 6);
    CHECK(r[5].kind == WASM_I32 && r[5].of.i32 == 5);
    union { uint64_t u; double d; } got_d;
    union { uint32_t u; float f; } got_f;
    got_d.d = r[6].of.f64;
    got_f.f = r[7].of.f32;
    CHECK(r[6].kind == WASM_F64 && got_d.u == dnan.u);
    CHECK(r[7].kind == WASM_F32 && got_f.u == fnan.u);
    CHECK(r[8].kind == WASM_I64 && r[8].of.i64 == 2);
    CHECK(r[9].kind == WASM_I32 && r[9].of.i32 == 1);
  }

  wasm_func_delete(wasm_swap);
  wasm_func_delete(via_host);
  wasm_func_delete(round_trip);
  wasm_func_delete(many);
  wasm_func_delete(swap);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
}

// ---- More than 8 values: the host function sees and returns all of them ----

#define WIDE 12
static const wasm_valkind_t WIDE_KINDS[WIDE] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASM_I32, WASM_I64,
                                                WASM_F32, WASM_F64, WASM_I32, WASM_I64, WASM_F32, WASM_F64};

// Returns its arguments reversed; each value k (as a number) becomes k + 100.
static wasm_trap_t* wide_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK_EQ(args->size, WIDE);
  CHECK_EQ(results->size, WIDE);
  for (int k = 0; k < WIDE; k++) {
    const wasm_val_t* a = &args->data[WIDE - 1 - k];
    wasm_val_t* r = &results->data[k];
    CHECK_EQ(a->kind, WIDE_KINDS[WIDE - 1 - k]);
    r->kind = a->kind;
    switch (a->kind) {
      case WASM_I32: r->of.i32 = a->of.i32 + 100; break;
      case WASM_I64: r->of.i64 = a->of.i64 + 100; break;
      case WASM_F32: r->of.f32 = a->of.f32 + 100; break;
      default: r->of.f64 = a->of.f64 + 100; break;
    }
  }
  return NULL;
}

static void test_wide(wasm_store_t* store) {
  // The module's type of the import and the export: (12 params) -> (the same kinds reversed).
  wasm_module_t* module = module_from_wat(store,
      "(module (type $t (func (param i32 i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64)"
      "                       (result f64 f32 i64 i32 f64 f32 i64 i32 f64 f32 i64 i32)))"
      "  (import \"\" \"wide\" (func $wide (type $t)))"
      "  (func (export \"call_wide\") (type $t)"
      "    (call $wide (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5)"
      "                (local.get 6) (local.get 7) (local.get 8) (local.get 9) (local.get 10) (local.get 11))))");
  wasm_valkind_t rkinds[WIDE];
  for (int k = 0; k < WIDE; k++) rkinds[k] = WIDE_KINDS[WIDE - 1 - k];
  wasm_func_t* wide = host_func(store, WIDE, WIDE_KINDS, WIDE, rkinds, wide_callback);
  wasm_extern_t* imports[] = {wasm_func_as_extern(wide)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_func_t* call_wide = export_func(module, instance, "call_wide");
  wasm_val_t args[WIDE], res[WIDE];
  for (int k = 0; k < WIDE; k++) {
    args[k].kind = WIDE_KINDS[k];
    switch (WIDE_KINDS[k]) {
      case WASM_I32: args[k].of.i32 = k; break;
      case WASM_I64: args[k].of.i64 = (int64_t)k << 40; break;
      case WASM_F32: args[k].of.f32 = (float)k + 0.5f; break;
      default: args[k].of.f64 = k + 0.25; break;
    }
  }
  const wasm_func_t* callers[2] = {call_wide, wide};
  for (int c = 0; c < 2; c++) {
    for (int k = 0; k < WIDE; k++) res[k] = (wasm_val_t)WASM_INIT_VAL;
    CHECK_NO_TRAP(call(callers[c], args, WIDE, res, WIDE));
    for (int k = 0; k < WIDE; k++) {
      int src = WIDE - 1 - k;
      CHECK_EQ(res[k].kind, WIDE_KINDS[src]);
      switch (WIDE_KINDS[src]) {
        case WASM_I32: CHECK_EQ(res[k].of.i32, src + 100); break;
        case WASM_I64: CHECK_EQ(res[k].of.i64, ((int64_t)src << 40) + 100); break;
        case WASM_F32: CHECK(res[k].of.f32 == (float)src + 0.5f + 100); break;
        default: CHECK(res[k].of.f64 == src + 0.25 + 100); break;
      }
    }
  }
  wasm_func_delete(call_wide);
  wasm_func_delete(wide);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
}

// ---- wasm_func_call's checks ----

static int tick_calls = 0;

static wasm_trap_t* tick_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  tick_calls++;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = tick_calls;
  return NULL;
}

// Returns a result of the wrong kind: the engine must reject it.
static wasm_trap_t* bad_result_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0].kind = WASM_F64;
  results->data[0].of.f64 = 1.0;
  return NULL;
}

static void test_call_checks(wasm_store_t* store) {
  wasm_module_t* module = module_from_wat(store,
      "(module (import \"\" \"tick\" (func $tick (result i32)))"
      "  (import \"\" \"bad\" (func $bad (result i32)))"
      "  (global $runs (export \"runs\") (mut i32) (i32.const 0))"
      "  (func (export \"bump\") (param i32 i64) (result i32 i32)"
      "    (global.set $runs (i32.add (global.get $runs) (i32.const 1)))"
      "    (call $tick) (i32.wrap_i64 (local.get 1)))"
      "  (func (export \"call_bad\") (result i32) (call $bad)))");
  wasm_valkind_t i[] = {WASM_I32};
  wasm_func_t* tick = host_func(store, 0, NULL, 1, i, tick_callback);
  wasm_func_t* bad = host_func(store, 0, NULL, 1, i, bad_result_callback);
  wasm_extern_t* imports[] = {wasm_func_as_extern(tick), wasm_func_as_extern(bad)};
  wasm_instance_t* instance = instantiate(store, module, imports, 2);
  wasm_func_t* bump = export_func(module, instance, "bump");
  wasm_func_t* call_bad = export_func(module, instance, "call_bad");
  wasm_global_t* runs = export_global(module, instance, "runs");
  wasm_val_t v;

  wasm_val_t good[2] = {WASM_I32_VAL(7), WASM_I64_VAL(0x100000003ll)};
  wasm_val_t r[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
  CHECK_NO_TRAP(call(bump, good, 2, r, 2));
  CHECK(r[0].kind == WASM_I32 && r[0].of.i32 == 1);
  CHECK(r[1].kind == WASM_I32 && r[1].of.i32 == 3);
  CHECK_EQ(tick_calls, 1);

  // Too few, too many, no arguments: a trap that says so, and the function does not run.
  wasm_trap_t* t = call(bump, good, 1, r, 2);
  CHECK_TRAP_HAS(t, "argument");
  wasm_trap_delete(t);
  wasm_val_t three[3] = {WASM_I32_VAL(1), WASM_I64_VAL(2), WASM_I32_VAL(3)};
  t = call(bump, three, 3, r, 2);
  CHECK_TRAP_HAS(t, "argument");
  wasm_trap_delete(t);
  t = wasm_func_call(bump, NULL, NULL);
  CHECK_TRAP_HAS(t, "argument");
  wasm_trap_delete(t);
  // Wrong kinds: i64 for i32, f32 for i64, a reference for a number.
  wasm_val_t swapped[2] = {WASM_I64_VAL(7), WASM_I32_VAL(3)};
  t = call(bump, swapped, 2, r, 2);
  CHECK_TRAP_HAS(t, "argument");
  wasm_trap_delete(t);
  wasm_val_t float_arg[2] = {WASM_I32_VAL(7), WASM_F32_VAL(3.0f)};
  t = call(bump, float_arg, 2, r, 2);
  CHECK_TRAP_HAS(t, "argument");
  wasm_trap_delete(t);
  wasm_val_t ref_arg[2] = {WASM_REF_VAL(NULL), WASM_I64_VAL(3)};
  t = call(bump, ref_arg, 2, r, 2);
  CHECK_TRAP_HAS(t, "argument");
  wasm_trap_delete(t);
  CHECK_EQ(tick_calls, 1);
  wasm_global_get(runs, &v);
  CHECK_EQ(v.of.i32, 1);

  // The same checks apply to host functions called directly: the callback does not run.
  t = call(tick, good, 1, r, 1);
  CHECK_TRAP_HAS(t, "argument");
  wasm_trap_delete(t);
  CHECK_EQ(tick_calls, 1);

  // Results vector too small: the function runs, then the call reports the short vector. The
  // same for a host function called directly: its callback runs.
  t = call(tick, NULL, 0, r, 0);
  CHECK_TRAP_HAS(t, "result");
  wasm_trap_delete(t);
  CHECK_EQ(tick_calls, 2);
  tick_calls = 1;
  t = call(bump, good, 2, r, 1);
  CHECK_TRAP_HAS(t, "result");
  wasm_trap_delete(t);
  CHECK_EQ(tick_calls, 2);
  wasm_global_get(runs, &v);
  CHECK_EQ(v.of.i32, 2);
  t = call(bump, good, 2, NULL, 0);
  CHECK_TRAP_HAS(t, "result");
  wasm_trap_delete(t);
  wasm_val_vec_t args_vec = {2, good};
  t = wasm_func_call(bump, &args_vec, NULL);
  CHECK_TRAP_HAS(t, "result");
  wasm_trap_delete(t);
  CHECK_EQ(tick_calls, 4);
  wasm_global_get(runs, &v);
  CHECK_EQ(v.of.i32, 4);
  // A larger results vector is fine; extra slots are left alone.
  wasm_val_t big[3] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_I32_VAL(-5)};
  CHECK_NO_TRAP(call(bump, good, 2, big, 3));
  CHECK(big[0].kind == WASM_I32 && big[0].of.i32 == 5);
  CHECK(big[2].kind == WASM_I32 && big[2].of.i32 == -5);

  // A host function that returns a result of the wrong kind makes the call trap.
  t = wasm_func_call(call_bad, NULL, &(wasm_val_vec_t){1, r});
  CHECK_TRAP_HAS(t, "result");
  if (t) wasm_trap_delete(t);
  t = wasm_func_call(bad, NULL, &(wasm_val_vec_t){1, r});
  CHECK_TRAP_HAS(t, "result");
  if (t) wasm_trap_delete(t);

  wasm_func_delete(bump);
  wasm_func_delete(call_bad);
  wasm_global_delete(runs);
  wasm_func_delete(tick);
  wasm_func_delete(bad);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  REQUIRE(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);
  REQUIRE(store != NULL);
  test_hello(store);
  test_env_and_finalizer(engine);
  test_reentry(store);
  test_multi_value(store);
  test_wide(store);
  test_call_checks(store);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return test_report("hello_test");
}
