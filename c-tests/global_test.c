// Globals through the C API: host globals of every value type imported as const and mut and
// read/written by wasm; one mutable host global imported into two instances sees writes from
// both and from the host; exported globals (types, get/set both ways, re-import elsewhere);
// setting an immutable global or a value of the wrong kind fails cleanly with the value unchanged.
#include "test_util.h"

#include <math.h>

static wasm_global_t* new_global(wasm_store_t* store, wasm_valkind_t kind, wasm_mutability_t mut, wasm_val_t init) {
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new(kind), mut);
  wasm_global_t* g = wasm_global_new(store, gt, &init);
  wasm_globaltype_delete(gt);
  REQUIRE(g != NULL);
  return g;
}

static wasm_val_t get(const wasm_global_t* g) {
  wasm_val_t v = WASM_INIT_VAL;
  wasm_global_get(g, &v);
  return v;
}

// Equal numeric values (bitwise for floats), looking only at the bytes of the value's kind.
static int same_num(wasm_val_t a, wasm_val_t b) {
  if (a.kind != b.kind) return 0;
  switch (a.kind) {
    case WASM_I32: return a.of.i32 == b.of.i32;
    case WASM_I64: return a.of.i64 == b.of.i64;
    case WASM_F32: return memcmp(&a.of.f32, &b.of.f32, 4) == 0;
    case WASM_F64: return memcmp(&a.of.f64, &b.of.f64, 8) == 0;
    default: return 0;
  }
}

static void check_type(const wasm_global_t* g, wasm_valkind_t kind, wasm_mutability_t mut) {
  wasm_globaltype_t* gt = wasm_global_type(g);
  REQUIRE(gt != NULL);
  CHECK_EQ(wasm_valtype_kind(wasm_globaltype_content(gt)), kind);
  CHECK_EQ(wasm_globaltype_mutability(gt), mut);
  wasm_globaltype_delete(gt);
}

static const char* IMPORTS_WAT =
    "(module"
    "  (import \"c\" \"i32\" (global $ci32 i32))"
    "  (import \"c\" \"i64\" (global $ci64 i64))"
    "  (import \"c\" \"f32\" (global $cf32 f32))"
    "  (import \"c\" \"f64\" (global $cf64 f64))"
    "  (import \"c\" \"ext\" (global $cext externref))"
    "  (import \"c\" \"fun\" (global $cfun funcref))"
    "  (import \"m\" \"i32\" (global $mi32 (mut i32)))"
    "  (import \"m\" \"i64\" (global $mi64 (mut i64)))"
    "  (import \"m\" \"f32\" (global $mf32 (mut f32)))"
    "  (import \"m\" \"f64\" (global $mf64 (mut f64)))"
    "  (import \"m\" \"ext\" (global $mext (mut externref)))"
    "  (import \"m\" \"fun\" (global $mfun (mut funcref)))"
    // A defined global initialised from an imported one.
    "  (global $derived (export \"derived\") i64 (global.get $ci64))"
    "  (func (export \"get_ci32\") (result i32) (global.get $ci32))"
    "  (func (export \"get_ci64\") (result i64) (global.get $ci64))"
    "  (func (export \"get_cf32\") (result f32) (global.get $cf32))"
    "  (func (export \"get_cf64\") (result f64) (global.get $cf64))"
    "  (func (export \"get_cext\") (result externref) (global.get $cext))"
    "  (func (export \"get_cfun\") (result funcref) (global.get $cfun))"
    "  (func (export \"get_mi32\") (result i32) (global.get $mi32))"
    "  (func (export \"get_mi64\") (result i64) (global.get $mi64))"
    "  (func (export \"get_mf32\") (result f32) (global.get $mf32))"
    "  (func (export \"get_mf64\") (result f64) (global.get $mf64))"
    "  (func (export \"get_mext\") (result externref) (global.get $mext))"
    "  (func (export \"get_mfun\") (result funcref) (global.get $mfun))"
    "  (func (export \"set_mi32\") (param i32) (global.set $mi32 (local.get 0)))"
    "  (func (export \"set_mi64\") (param i64) (global.set $mi64 (local.get 0)))"
    "  (func (export \"set_mf32\") (param f32) (global.set $mf32 (local.get 0)))"
    "  (func (export \"set_mf64\") (param f64) (global.set $mf64 (local.get 0)))"
    "  (func (export \"set_mext\") (param externref) (global.set $mext (local.get 0)))"
    "  (func (export \"set_mfun\") (param funcref) (global.set $mfun (local.get 0)))"
    "  (func $f42 (export \"f42\") (result i32) (i32.const 42))"
    "  (func (export \"ref_f42\") (result funcref) (ref.func $f42))"
    // Calls whatever function the mutable funcref global holds, through a table.
    "  (table 1 funcref)"
    "  (type $ri (func (result i32)))"
    "  (func (export \"call_mfun\") (result i32)"
    "    (table.set (i32.const 0) (global.get $mfun))"
    "    (call_indirect (type $ri) (i32.const 0))))";

static wasm_val_t call0(const wasm_func_t* f) {
  wasm_val_t r = WASM_INIT_VAL;
  CHECK_NO_TRAP(call(f, NULL, 0, &r, 1));
  return r;
}

static void call1(const wasm_func_t* f, wasm_val_t arg) {
  CHECK_NO_TRAP(call(f, &arg, 1, NULL, 0));
}

static wasm_trap_t* answer_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = 7;
  return NULL;
}

static void test_host_globals(wasm_store_t* store) {
  wasm_foreign_t* foreign1 = wasm_foreign_new(store);
  wasm_foreign_t* foreign2 = wasm_foreign_new(store);
  wasm_valkind_t i32k[] = {WASM_I32};
  wasm_func_t* seven = host_func(store, 0, NULL, 1, i32k, answer_callback);

  wasm_global_t* c[6];
  wasm_global_t* m[6];
  c[0] = new_global(store, WASM_I32, WASM_CONST, (wasm_val_t)WASM_I32_VAL(-123));
  c[1] = new_global(store, WASM_I64, WASM_CONST, (wasm_val_t)WASM_I64_VAL(INT64_MIN + 5));
  c[2] = new_global(store, WASM_F32, WASM_CONST, (wasm_val_t)WASM_F32_VAL(-1.25f));
  c[3] = new_global(store, WASM_F64, WASM_CONST, (wasm_val_t)WASM_F64_VAL(6.02e23));
  wasm_val_t ext = {.kind = WASM_EXTERNREF, .of = {.ref = wasm_foreign_as_ref(foreign1)}};
  c[4] = new_global(store, WASM_EXTERNREF, WASM_CONST, ext);
  wasm_val_t fun = {.kind = WASM_FUNCREF, .of = {.ref = wasm_func_as_ref(seven)}};
  c[5] = new_global(store, WASM_FUNCREF, WASM_CONST, fun);
  m[0] = new_global(store, WASM_I32, WASM_VAR, (wasm_val_t)WASM_I32_VAL(1));
  m[1] = new_global(store, WASM_I64, WASM_VAR, (wasm_val_t)WASM_I64_VAL(2));
  m[2] = new_global(store, WASM_F32, WASM_VAR, (wasm_val_t)WASM_F32_VAL(3.5f));
  m[3] = new_global(store, WASM_F64, WASM_VAR, (wasm_val_t)WASM_F64_VAL(4.5));
  m[4] = new_global(store, WASM_EXTERNREF, WASM_VAR, (wasm_val_t){.kind = WASM_EXTERNREF, .of = {.ref = NULL}});
  m[5] = new_global(store, WASM_FUNCREF, WASM_VAR, (wasm_val_t){.kind = WASM_FUNCREF, .of = {.ref = NULL}});
  wasm_valkind_t kinds[6] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASM_EXTERNREF, WASM_FUNCREF};
  for (int k = 0; k < 6; k++) {
    check_type(c[k], kinds[k], WASM_CONST);
    check_type(m[k], kinds[k], WASM_VAR);
  }

  // The host sees the initial values.
  wasm_val_t v = get(c[0]);
  CHECK(v.kind == WASM_I32 && v.of.i32 == -123);
  v = get(c[1]);
  CHECK(v.kind == WASM_I64 && v.of.i64 == INT64_MIN + 5);
  v = get(c[2]);
  CHECK(v.kind == WASM_F32 && v.of.f32 == -1.25f);
  v = get(c[3]);
  CHECK(v.kind == WASM_F64 && v.of.f64 == 6.02e23);
  v = get(c[4]);
  CHECK(v.kind == WASM_EXTERNREF && v.of.ref != NULL && wasm_ref_same(v.of.ref, wasm_foreign_as_ref(foreign1)));
  wasm_val_delete(&v);
  v = get(c[5]);
  CHECK(v.kind == WASM_FUNCREF && v.of.ref != NULL && wasm_func_same(wasm_ref_as_func(v.of.ref), seven));
  wasm_val_delete(&v);
  v = get(m[4]);
  CHECK(v.kind == WASM_EXTERNREF && v.of.ref == NULL);
  v = get(m[5]);
  CHECK(v.kind == WASM_FUNCREF && v.of.ref == NULL);

  wasm_module_t* module = module_from_wat(store, IMPORTS_WAT);
  wasm_extern_t* imports[12];
  for (int k = 0; k < 6; k++) {
    imports[k] = wasm_global_as_extern(c[k]);
    imports[6 + k] = wasm_global_as_extern(m[k]);
  }
  wasm_instance_t* inst = instantiate(store, module, imports, 12);
#define FN(name) wasm_func_t* name = export_func(module, inst, #name)
  FN(get_ci32); FN(get_ci64); FN(get_cf32); FN(get_cf64); FN(get_cext); FN(get_cfun);
  FN(get_mi32); FN(get_mi64); FN(get_mf32); FN(get_mf64); FN(get_mext); FN(get_mfun);
  FN(set_mi32); FN(set_mi64); FN(set_mf32); FN(set_mf64); FN(set_mext); FN(set_mfun);
  FN(f42); FN(ref_f42); FN(call_mfun);
#undef FN
  wasm_global_t* derived = export_global(module, inst, "derived");

  // Wasm reads the host's values.
  v = call0(get_ci32);
  CHECK(v.kind == WASM_I32 && v.of.i32 == -123);
  v = call0(get_ci64);
  CHECK(v.kind == WASM_I64 && v.of.i64 == INT64_MIN + 5);
  v = call0(get_cf32);
  CHECK(v.kind == WASM_F32 && v.of.f32 == -1.25f);
  v = call0(get_cf64);
  CHECK(v.kind == WASM_F64 && v.of.f64 == 6.02e23);
  v = call0(get_cext);
  CHECK(v.kind == WASM_EXTERNREF && v.of.ref && wasm_ref_same(v.of.ref, wasm_foreign_as_ref(foreign1)));
  wasm_val_delete(&v);
  v = call0(get_cfun);
  CHECK(v.kind == WASM_FUNCREF && v.of.ref && wasm_func_same(wasm_ref_as_func(v.of.ref), seven));
  wasm_val_delete(&v);
  v = get(derived);
  CHECK(v.kind == WASM_I64 && v.of.i64 == INT64_MIN + 5);
  check_type(derived, WASM_I64, WASM_CONST);

  // Host writes to mutable globals are seen by wasm.
  wasm_val_t nv = WASM_I32_VAL(INT32_MIN);
  wasm_global_set(m[0], &nv);
  nv = (wasm_val_t)WASM_I64_VAL(-99);
  wasm_global_set(m[1], &nv);
  nv = (wasm_val_t)WASM_F32_VAL(INFINITY);
  wasm_global_set(m[2], &nv);
  nv = (wasm_val_t)WASM_F64_VAL(-0.0);
  wasm_global_set(m[3], &nv);
  nv = (wasm_val_t){.kind = WASM_EXTERNREF, .of = {.ref = wasm_foreign_as_ref(foreign2)}};
  wasm_global_set(m[4], &nv);
  nv = (wasm_val_t){.kind = WASM_FUNCREF, .of = {.ref = wasm_func_as_ref(seven)}};
  wasm_global_set(m[5], &nv);
  v = call0(get_mi32);
  CHECK(v.kind == WASM_I32 && v.of.i32 == INT32_MIN);
  v = call0(get_mi64);
  CHECK(v.kind == WASM_I64 && v.of.i64 == -99);
  v = call0(get_mf32);
  CHECK(v.kind == WASM_F32 && isinf(v.of.f32) && v.of.f32 > 0);
  v = call0(get_mf64);
  CHECK(v.kind == WASM_F64 && v.of.f64 == 0 && signbit(v.of.f64));
  v = call0(get_mext);
  CHECK(v.kind == WASM_EXTERNREF && v.of.ref && wasm_ref_same(v.of.ref, wasm_foreign_as_ref(foreign2)));
  wasm_val_delete(&v);
  v = call0(get_mfun);
  CHECK(v.kind == WASM_FUNCREF && v.of.ref && wasm_func_same(wasm_ref_as_func(v.of.ref), seven));
  wasm_val_delete(&v);
  CHECK_EQ(CALL_I32_0(call_mfun), 7);  // the host function, called through the global

  // Wasm writes are seen by the host.
  call1(set_mi32, (wasm_val_t)WASM_I32_VAL(77));
  call1(set_mi64, (wasm_val_t)WASM_I64_VAL(INT64_MAX));
  call1(set_mf32, (wasm_val_t)WASM_F32_VAL(0.5f));
  call1(set_mf64, (wasm_val_t)WASM_F64_VAL(1e-300));
  call1(set_mext, (wasm_val_t){.kind = WASM_EXTERNREF, .of = {.ref = NULL}});
  wasm_val_t f42ref = call0(ref_f42);
  CHECK(f42ref.kind == WASM_FUNCREF && f42ref.of.ref != NULL);
  call1(set_mfun, f42ref);
  v = get(m[0]);
  CHECK(v.kind == WASM_I32 && v.of.i32 == 77);
  v = get(m[1]);
  CHECK(v.kind == WASM_I64 && v.of.i64 == INT64_MAX);
  v = get(m[2]);
  CHECK(v.kind == WASM_F32 && v.of.f32 == 0.5f);
  v = get(m[3]);
  CHECK(v.kind == WASM_F64 && v.of.f64 == 1e-300);
  v = get(m[4]);
  CHECK(v.kind == WASM_EXTERNREF && v.of.ref == NULL);
  v = get(m[5]);
  CHECK(v.kind == WASM_FUNCREF && v.of.ref && wasm_func_same(wasm_ref_as_func(v.of.ref), f42));
  wasm_val_delete(&v);
  wasm_val_delete(&f42ref);
  CHECK_EQ(CALL_I32_0(call_mfun), 42);
  // Const globals are unchanged by all of this.
  v = get(c[0]);
  CHECK(v.kind == WASM_I32 && v.of.i32 == -123);

  // Setting an immutable global fails; the value is unchanged for the host and for wasm.
  for (int k = 0; k < 4; k++) {
    wasm_val_t before = get(c[k]);
    wasm_val_t attempt = before;
    attempt.of.i32 ^= 0x1234;
    wasm_global_set(c[k], &attempt);
    wasm_val_t after = get(c[k]);
    CHECK_MSG(same_num(after, before), "immutable global %d changed", k);
  }
  nv = (wasm_val_t){.kind = WASM_EXTERNREF, .of = {.ref = wasm_foreign_as_ref(foreign2)}};
  wasm_global_set(c[4], &nv);
  v = call0(get_cext);
  CHECK(v.of.ref && wasm_ref_same(v.of.ref, wasm_foreign_as_ref(foreign1)));
  wasm_val_delete(&v);
  nv = (wasm_val_t){.kind = WASM_FUNCREF, .of = {.ref = NULL}};
  wasm_global_set(c[5], &nv);
  v = call0(get_cfun);
  CHECK(v.of.ref && wasm_func_same(wasm_ref_as_func(v.of.ref), seven));
  wasm_val_delete(&v);
  CHECK_EQ(call0(get_ci32).of.i32, -123);
  nv = (wasm_val_t)WASM_I64_VAL(5);
  wasm_global_set(derived, &nv);
  CHECK_EQ(get(derived).of.i64, INT64_MIN + 5);

  // A value of the wrong kind is refused; the mutable global keeps its value.
  wasm_val_t wrong[] = {WASM_I64_VAL(1), WASM_I32_VAL(1), WASM_F64_VAL(1), WASM_F32_VAL(1)};
  for (int k = 0; k < 4; k++) {
    wasm_val_t before = get(m[k]);
    wasm_global_set(m[k], &wrong[k]);
    wasm_val_t after = get(m[k]);
    CHECK_MSG(same_num(after, before), "mutable global %d changed by a wrong kind", k);
  }
  CHECK_EQ(call0(get_mi32).of.i32, 77);
  CHECK_EQ(call0(get_mi64).of.i64, INT64_MAX);
  // A funcref global does not accept a foreign object, an externref global not a number.
  nv = (wasm_val_t){.kind = WASM_FUNCREF, .of = {.ref = wasm_foreign_as_ref(foreign1)}};
  wasm_global_set(m[5], &nv);
  CHECK_EQ(CALL_I32_0(call_mfun), 42);
  nv = (wasm_val_t)WASM_I32_VAL(3);
  wasm_global_set(m[4], &nv);
  v = get(m[4]);
  CHECK(v.kind == WASM_EXTERNREF && v.of.ref == NULL);

  // wasm_global_new refuses an initial value of the wrong kind.
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new(WASM_I32), WASM_VAR);
  wasm_val_t bad = WASM_F64_VAL(1.0);
  CHECK(wasm_global_new(store, gt, &bad) == NULL);
  wasm_globaltype_delete(gt);

  wasm_func_t* fs[] = {get_ci32, get_ci64, get_cf32, get_cf64, get_cext, get_cfun, get_mi32, get_mi64, get_mf32,
                       get_mf64, get_mext, get_mfun, set_mi32, set_mi64, set_mf32, set_mf64, set_mext, set_mfun,
                       f42, ref_f42, call_mfun};
  for (size_t k = 0; k < sizeof fs / sizeof *fs; k++) wasm_func_delete(fs[k]);
  wasm_global_delete(derived);
  wasm_instance_delete(inst);
  wasm_module_delete(module);
  for (int k = 0; k < 6; k++) {
    wasm_global_delete(c[k]);
    wasm_global_delete(m[k]);
  }
  wasm_func_delete(seven);
  wasm_foreign_delete(foreign1);
  wasm_foreign_delete(foreign2);
}

// One mutable host global imported into two instances: one cell.
static void test_shared_global(wasm_store_t* store) {
  wasm_global_t* g = new_global(store, WASM_I64, WASM_VAR, (wasm_val_t)WASM_I64_VAL(10));
  wasm_module_t* module = module_from_wat(store,
      "(module (import \"\" \"g\" (global $g (mut i64)))"
      "  (export \"g\" (global $g))"
      "  (func (export \"get\") (result i64) (global.get $g))"
      "  (func (export \"add\") (param i64) (global.set $g (i64.add (global.get $g) (local.get 0)))))");
  wasm_extern_t* imports[] = {wasm_global_as_extern(g)};
  wasm_instance_t* a = instantiate(store, module, imports, 1);
  wasm_instance_t* b = instantiate(store, module, imports, 1);
  wasm_func_t* a_get = export_func(module, a, "get");
  wasm_func_t* a_add = export_func(module, a, "add");
  wasm_func_t* b_get = export_func(module, b, "get");
  wasm_func_t* b_add = export_func(module, b, "add");
  wasm_global_t* a_g = export_global(module, a, "g");
  wasm_global_t* b_g = export_global(module, b, "g");
  CHECK(wasm_global_same(a_g, g));
  CHECK(wasm_global_same(b_g, g));
  CHECK(wasm_global_same(a_g, b_g));

  call1(a_add, (wasm_val_t)WASM_I64_VAL(5));
  CHECK_EQ(call0(b_get).of.i64, 15);
  CHECK_EQ(get(g).of.i64, 15);
  call1(b_add, (wasm_val_t)WASM_I64_VAL(100));
  CHECK_EQ(call0(a_get).of.i64, 115);
  CHECK_EQ(get(g).of.i64, 115);
  wasm_val_t nv = WASM_I64_VAL(-1);
  wasm_global_set(g, &nv);
  CHECK_EQ(call0(a_get).of.i64, -1);
  CHECK_EQ(call0(b_get).of.i64, -1);
  // Through the re-exported handle too.
  nv = (wasm_val_t)WASM_I64_VAL(1000);
  wasm_global_set(a_g, &nv);
  CHECK_EQ(call0(b_get).of.i64, 1000);
  CHECK_EQ(get(g).of.i64, 1000);
  CHECK_EQ(get(b_g).of.i64, 1000);

  // The global survives its creator's handle and one instance.
  wasm_global_delete(g);
  wasm_func_delete(a_get);
  wasm_func_delete(a_add);
  wasm_global_delete(a_g);
  wasm_instance_delete(a);
  call1(b_add, (wasm_val_t)WASM_I64_VAL(1));
  CHECK_EQ(get(b_g).of.i64, 1001);
  wasm_func_delete(b_get);
  wasm_func_delete(b_add);
  wasm_global_delete(b_g);
  wasm_instance_delete(b);
  wasm_module_delete(module);
}

// Globals defined and exported by a module: types, host get/set, import into another module.
static void test_exported_globals(wasm_store_t* store) {
  wasm_module_t* producer = module_from_wat(store,
      "(module"
      "  (global (export \"ci\") i32 (i32.const 5))"
      "  (global $mf (export \"mf\") (mut f64) (f64.const 2.5))"
      "  (global (export \"ce\") externref (ref.null extern))"
      "  (func (export \"get_mf\") (result f64) (global.get $mf))"
      "  (func (export \"scale\") (param f64) (global.set $mf (f64.mul (global.get $mf) (local.get 0)))))");
  wasm_instance_t* p = instantiate(store, producer, NULL, 0);
  wasm_global_t* ci = export_global(producer, p, "ci");
  wasm_global_t* mf = export_global(producer, p, "mf");
  wasm_global_t* ce = export_global(producer, p, "ce");
  wasm_func_t* get_mf = export_func(producer, p, "get_mf");
  wasm_func_t* scale = export_func(producer, p, "scale");
  check_type(ci, WASM_I32, WASM_CONST);
  check_type(mf, WASM_F64, WASM_VAR);
  check_type(ce, WASM_EXTERNREF, WASM_CONST);
  CHECK_EQ(get(ci).of.i32, 5);
  CHECK(get(mf).of.f64 == 2.5);
  wasm_val_t v = get(ce);
  CHECK(v.kind == WASM_EXTERNREF && v.of.ref == NULL);

  wasm_val_t nv = WASM_F64_VAL(4.0);
  wasm_global_set(mf, &nv);
  CHECK(call0(get_mf).of.f64 == 4.0);
  call1(scale, (wasm_val_t)WASM_F64_VAL(0.25));
  CHECK(get(mf).of.f64 == 1.0);
  nv = (wasm_val_t)WASM_I32_VAL(6);
  wasm_global_set(ci, &nv);
  CHECK_EQ(get(ci).of.i32, 5);

  // The exported globals imported by another module.
  wasm_module_t* consumer = module_from_wat(store,
      "(module (import \"p\" \"ci\" (global $ci i32)) (import \"p\" \"mf\" (global $mf (mut f64)))"
      "  (global $sum (export \"sum\") i32 (i32.add (global.get $ci) (i32.const 10)))"
      "  (func (export \"bump\") (global.set $mf (f64.add (global.get $mf) (f64.const 1)))))");
  wasm_extern_t* imports[] = {wasm_global_as_extern(ci), wasm_global_as_extern(mf)};
  wasm_instance_t* c = instantiate(store, consumer, imports, 2);
  wasm_global_t* sum = export_global(consumer, c, "sum");
  wasm_func_t* bump = export_func(consumer, c, "bump");
  CHECK_EQ(get(sum).of.i32, 15);
  CHECK_NO_TRAP(call(bump, NULL, 0, NULL, 0));
  CHECK(get(mf).of.f64 == 2.0);
  CHECK(call0(get_mf).of.f64 == 2.0);

  wasm_global_delete(sum);
  wasm_func_delete(bump);
  wasm_instance_delete(c);
  wasm_module_delete(consumer);
  wasm_global_delete(ci);
  wasm_global_delete(mf);
  wasm_global_delete(ce);
  wasm_func_delete(get_mf);
  wasm_func_delete(scale);
  wasm_instance_delete(p);
  wasm_module_delete(producer);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  REQUIRE(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);
  test_host_globals(store);
  test_shared_global(store);
  test_exported_globals(store);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return test_report("global_test");
}
