// Host references, in the style of the upstream wasm-c-api hostref.c example: foreign objects
// passed to wasm as externref through params, results, globals and tables keep their identity
// (wasm_ref_same) and host info; the reference functions every object type shares (copy, same,
// host info with and without finalizer, as_ref/ref_as conversions) for func, global, table,
// memory, instance, module, foreign and trap; every finalizer runs exactly once, only when the
// object is gone.
#include "test_util.h"

// Host info values are indices into this array; finalizers count per index.
#define NINFO 32
static int finalized[NINFO];
static int infos_used = 0;

static void finalizer(void* info) {
  intptr_t i = (intptr_t)info;
  if (i > 0 && i < NINFO) finalized[i]++;
}

static void* new_info(void) {
  REQUIRE(infos_used + 1 < NINFO);
  return (void*)(intptr_t)++infos_used;
}

static int callback_calls = 0;

// (externref) -> externref: returns its argument, checking it arrived with its host info.
static wasm_trap_t* echo_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  callback_calls++;
  CHECK_EQ(args->data[0].kind, WASM_EXTERNREF);
  wasm_val_copy(&results->data[0], &args->data[0]);
  return NULL;
}

static const char* HOSTREF_WAT =
    "(module"
    "  (import \"\" \"f\" (func $fun (param externref) (result externref)))"
    "  (global $glob (export \"global\") (mut externref) (ref.null extern))"
    "  (table $tab (export \"table\") 10 externref)"
    "  (func (export \"global.set\") (param $r externref) (global.set $glob (local.get $r)))"
    "  (func (export \"global.get\") (result externref) (global.get $glob))"
    "  (func (export \"table.set\") (param $i i32) (param $r externref)"
    "    (table.set $tab (local.get $i) (local.get $r)))"
    "  (func (export \"table.get\") (param $i i32) (result externref) (table.get $tab (local.get $i)))"
    "  (func (export \"func.call\") (param $r externref) (result externref) (call $fun (local.get $r)))"
    "  (func (export \"is_null\") (param externref) (result i32) (ref.is_null (local.get 0)))"
    "  (func (export \"id\") (param externref externref) (result externref externref)"
    "    (local.get 1) (local.get 0)))";

static wasm_ref_t* call_v_r(const wasm_func_t* f) {
  wasm_val_t r[1] = {WASM_INIT_VAL};
  CHECK_NO_TRAP(call(f, NULL, 0, r, 1));
  CHECK_EQ(r[0].kind, WASM_EXTERNREF);
  return r[0].of.ref;
}

static void call_r_v(const wasm_func_t* f, wasm_ref_t* ref) {
  wasm_val_t a[1] = {{.kind = WASM_EXTERNREF, .of = {.ref = ref}}};
  CHECK_NO_TRAP(call(f, a, 1, NULL, 0));
}

static wasm_ref_t* call_r_r(const wasm_func_t* f, wasm_ref_t* ref) {
  wasm_val_t a[1] = {{.kind = WASM_EXTERNREF, .of = {.ref = ref}}};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  CHECK_NO_TRAP(call(f, a, 1, r, 1));
  CHECK_EQ(r[0].kind, WASM_EXTERNREF);
  return r[0].of.ref;
}

static void call_ir_v(const wasm_func_t* f, int32_t i, wasm_ref_t* ref) {
  wasm_val_t a[2] = {WASM_I32_VAL(i), {.kind = WASM_EXTERNREF, .of = {.ref = ref}}};
  CHECK_NO_TRAP(call(f, a, 2, NULL, 0));
}

static wasm_ref_t* call_i_r(const wasm_func_t* f, int32_t i) {
  wasm_val_t a[1] = {WASM_I32_VAL(i)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  CHECK_NO_TRAP(call(f, a, 1, r, 1));
  CHECK_EQ(r[0].kind, WASM_EXTERNREF);
  return r[0].of.ref;
}

// `actual` (owned, deleted here) is the same object as `expected` (or both are NULL), with the
// same host info.
#define CHECK_REF(actual, expected) check_ref_(__FILE__, __LINE__, (actual), (expected))
static void check_ref_(const char* file, int line, wasm_ref_t* actual, const wasm_ref_t* expected) {
  __atomic_fetch_add(&test_checks_, 1, __ATOMIC_RELAXED);
  if (actual == NULL || expected == NULL) {
    if (actual != expected)
      test_fail_(file, line, "reference %p, expected %p", (void*)actual, (const void*)expected);
  } else if (!wasm_ref_same(actual, expected)) {
    test_fail_(file, line, "reference with host info %p is not the expected one (host info %p)",
               wasm_ref_get_host_info(actual), wasm_ref_get_host_info(expected));
  } else if (wasm_ref_get_host_info(actual) != wasm_ref_get_host_info(expected)) {
    test_fail_(file, line, "same reference, different host info");
  }
  if (actual) wasm_ref_delete(actual);
}

static void test_externref_identity(wasm_store_t* store) {
  wasm_module_t* module = module_from_wat(store, HOSTREF_WAT);
  wasm_valkind_t r[] = {WASM_EXTERNREF};
  wasm_func_t* callback = host_func(store, 1, r, 1, r, echo_callback);
  wasm_extern_t* imports[] = {wasm_func_as_extern(callback)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_func_delete(callback);
  wasm_global_t* global = export_global(module, instance, "global");
  wasm_table_t* table = export_table(module, instance, "table");
  wasm_func_t* global_set = export_func(module, instance, "global.set");
  wasm_func_t* global_get = export_func(module, instance, "global.get");
  wasm_func_t* table_set = export_func(module, instance, "table.set");
  wasm_func_t* table_get = export_func(module, instance, "table.get");
  wasm_func_t* func_call = export_func(module, instance, "func.call");
  wasm_func_t* is_null = export_func(module, instance, "is_null");
  wasm_func_t* id = export_func(module, instance, "id");
  wasm_module_delete(module);
  wasm_instance_delete(instance);  // exports keep it alive

  void* info1 = new_info();
  void* info2 = new_info();
  wasm_ref_t* host1 = wasm_foreign_as_ref(wasm_foreign_new(store));
  wasm_ref_t* host2 = wasm_foreign_as_ref(wasm_foreign_new(store));
  REQUIRE(host1 && host2);
  CHECK(wasm_ref_get_host_info(host1) == NULL);
  wasm_ref_set_host_info_with_finalizer(host1, info1, finalizer);
  wasm_ref_set_host_info_with_finalizer(host2, info2, finalizer);
  CHECK(wasm_ref_get_host_info(host1) == info1);
  CHECK(!wasm_ref_same(host1, host2));

  // Sanity checks, as upstream.
  CHECK_REF(NULL, NULL);
  CHECK_REF(wasm_ref_copy(host1), host1);
  CHECK_REF(wasm_ref_copy(host2), host2);
  wasm_val_t val = {.kind = WASM_EXTERNREF, .of = {.ref = wasm_ref_copy(host1)}};
  CHECK_REF(wasm_ref_copy(val.of.ref), host1);
  wasm_val_t val2;
  wasm_val_copy(&val2, &val);
  CHECK(val2.of.ref != val.of.ref);  // a new handle ...
  CHECK_REF(wasm_ref_copy(val2.of.ref), host1);  // ... to the same object
  wasm_val_delete(&val);
  wasm_val_delete(&val2);

  // Globals.
  CHECK_REF(call_v_r(global_get), NULL);
  call_r_v(global_set, host1);
  CHECK_REF(call_v_r(global_get), host1);
  call_r_v(global_set, host2);
  CHECK_REF(call_v_r(global_get), host2);
  call_r_v(global_set, NULL);
  CHECK_REF(call_v_r(global_get), NULL);
  wasm_global_get(global, &val);
  CHECK(val.kind == WASM_EXTERNREF);
  CHECK_REF(val.of.ref, NULL);
  val.of.ref = host2;
  wasm_global_set(global, &val);
  CHECK_REF(call_v_r(global_get), host2);
  wasm_global_get(global, &val);
  CHECK(val.kind == WASM_EXTERNREF);
  CHECK_REF(val.of.ref, host2);

  // Tables.
  CHECK_REF(call_i_r(table_get, 0), NULL);
  CHECK_REF(call_i_r(table_get, 1), NULL);
  call_ir_v(table_set, 0, host1);
  call_ir_v(table_set, 1, host2);
  CHECK_REF(call_i_r(table_get, 0), host1);
  CHECK_REF(call_i_r(table_get, 1), host2);
  call_ir_v(table_set, 0, NULL);
  CHECK_REF(call_i_r(table_get, 0), NULL);
  CHECK_REF(wasm_table_get(table, 2), NULL);
  CHECK(wasm_table_set(table, 2, host1));
  CHECK_REF(call_i_r(table_get, 2), host1);
  CHECK_REF(wasm_table_get(table, 2), host1);
  CHECK_REF(wasm_table_get(table, 1), host2);

  // Functions: through a host callback and back.
  CHECK_REF(call_r_r(func_call, NULL), NULL);
  CHECK_REF(call_r_r(func_call, host1), host1);
  CHECK_REF(call_r_r(func_call, host2), host2);
  CHECK_EQ(callback_calls, 3);
  // Two references in, swapped out.
  wasm_val_t args[2] = {{.kind = WASM_EXTERNREF, .of = {.ref = host1}}, {.kind = WASM_EXTERNREF, .of = {.ref = host2}}};
  wasm_val_t res[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
  CHECK_NO_TRAP(call(id, args, 2, res, 2));
  CHECK_REF(res[0].of.ref, host2);
  CHECK_REF(res[1].of.ref, host1);
  wasm_val_t na[1] = {{.kind = WASM_EXTERNREF, .of = {.ref = host1}}};
  wasm_val_t nr[1] = {WASM_INIT_VAL};
  CHECK_NO_TRAP(call(is_null, na, 1, nr, 1));
  CHECK_EQ(nr[0].of.i32, 0);
  na[0].of.ref = NULL;
  CHECK_NO_TRAP(call(is_null, na, 1, nr, 1));
  CHECK_EQ(nr[0].of.i32, 1);

  // Any object can be an externref: a function passed through comes back as that function.
  wasm_ref_t* fref = call_r_r(func_call, wasm_func_as_ref(is_null));
  CHECK(fref != NULL && wasm_ref_as_func(fref) != NULL && wasm_func_same(wasm_ref_as_func(fref), is_null));
  if (fref && wasm_ref_as_func(fref)) {
    na[0].of.ref = host2;
    CHECK_NO_TRAP(call(wasm_ref_as_func(fref), na, 1, nr, 1));
    CHECK_EQ(nr[0].of.i32, 0);
  }
  if (fref) wasm_ref_delete(fref);

  // Host info changes are seen through every handle to the object, including ones wasm made.
  call_r_v(global_set, host1);
  void* info1b = new_info();
  wasm_ref_set_host_info_with_finalizer(host1, info1b, finalizer);
  wasm_ref_t* back = call_v_r(global_get);
  CHECK(back != NULL && wasm_ref_get_host_info(back) == info1b);
  if (back) wasm_ref_delete(back);

  // The host's handles go; wasm still holds the objects, which keep their info and are not
  // finalized yet.
  wasm_ref_delete(host1);
  wasm_ref_delete(host2);
  CHECK_EQ(finalized[(intptr_t)info2], 0);
  CHECK_EQ(finalized[(intptr_t)info1b], 0);
  back = call_v_r(global_get);
  CHECK(back != NULL && wasm_ref_get_host_info(back) == info1b);
  if (back) wasm_ref_delete(back);
  back = wasm_table_get(table, 1);
  CHECK(back != NULL && wasm_ref_get_host_info(back) == info2);
  if (back) wasm_ref_delete(back);

  wasm_global_delete(global);
  wasm_table_delete(table);
  wasm_func_delete(global_set);
  wasm_func_delete(global_get);
  wasm_func_delete(table_set);
  wasm_func_delete(table_get);
  wasm_func_delete(func_call);
  wasm_func_delete(is_null);
  wasm_func_delete(id);
}

// ---- The shared reference functions of every object type ----

// Checks copy/same/host info for one object type. `a` and `b` are distinct objects of the type;
// both handles are consumed.
#define CHECK_REF_FUNCS(T, a, b)                                                        \
  do {                                                                                  \
    wasm_##T##_t* a_ = (a);                                                             \
    wasm_##T##_t* b_ = (b);                                                             \
    REQUIRE(a_ != NULL && b_ != NULL);                                                  \
    void* ia = new_info();                                                              \
    void* ib = new_info();                                                              \
    CHECK(wasm_##T##_get_host_info(a_) == NULL);                                        \
    wasm_##T##_set_host_info_with_finalizer(a_, ia, finalizer);                         \
    wasm_##T##_set_host_info(b_, ib); /* no finalizer: must never be "finalized" */     \
    CHECK(wasm_##T##_get_host_info(a_) == ia);                                          \
    CHECK(wasm_##T##_get_host_info(b_) == ib);                                          \
    wasm_##T##_t* a2 = wasm_##T##_copy(a_);                                             \
    REQUIRE(a2 != NULL);                                                                \
    CHECK(a2 != a_);                                                                    \
    CHECK(wasm_##T##_same(a_, a2));                                                     \
    CHECK(wasm_##T##_same(a2, a_));                                                     \
    CHECK(wasm_##T##_same(a_, a_));                                                     \
    CHECK(!wasm_##T##_same(a_, b_));                                                    \
    CHECK(wasm_##T##_get_host_info(a2) == ia);                                          \
    /* as_ref / ref_as round trip and the generic ref functions */                      \
    wasm_ref_t* ra = wasm_##T##_as_ref(a_);                                             \
    CHECK(ra != NULL && wasm_ref_as_##T(ra) == a_);                                     \
    CHECK(wasm_ref_as_##T##_const(wasm_##T##_as_ref_const(a_)) == a_);                  \
    CHECK(wasm_ref_get_host_info(ra) == ia);                                            \
    CHECK(wasm_ref_same(ra, wasm_##T##_as_ref(a2)));                                    \
    CHECK(!wasm_ref_same(ra, wasm_##T##_as_ref(b_)));                                   \
    wasm_ref_t* rc = wasm_ref_copy(ra);                                                 \
    CHECK(rc != NULL && wasm_ref_as_##T(rc) != NULL && wasm_##T##_same(wasm_ref_as_##T(rc), a_)); \
    if (rc) wasm_ref_delete(rc);                                                        \
    /* deleting one handle finalizes nothing while another exists */                    \
    wasm_##T##_delete(a_);                                                              \
    CHECK_EQ(finalized[(intptr_t)ia], 0);                                               \
    CHECK(wasm_##T##_get_host_info(a2) == ia);                                          \
    wasm_##T##_delete(a2);                                                              \
    wasm_##T##_delete(b_);                                                              \
    CHECK_EQ(finalized[(intptr_t)ib], 0);                                               \
    expect_finalized_[nexpect_++] = (intptr_t)ia;                                       \
  } while (0)

// Infos whose finalizer must have run exactly once by the end; checked after the store goes.
static intptr_t expect_finalized_[NINFO];
static int nexpect_ = 0;

static wasm_trap_t* nop_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}

static void test_ref_functions(wasm_store_t* store) {
  wasm_module_t* module = module_from_wat(store,
      "(module (func (export \"f\")) (func (export \"g\"))"
      "  (global (export \"g1\") (mut i32) (i32.const 1)) (global (export \"g2\") i32 (i32.const 2))"
      "  (table (export \"t1\") 1 funcref) (table (export \"t2\") 1 externref)"
      "  (memory (export \"m\") 1))");
  wasm_module_t* module2 = module_from_wat(store, "(module)");
  wasm_instance_t* inst = instantiate(store, module, NULL, 0);
  wasm_instance_t* inst2 = instantiate(store, module, NULL, 0);

  // Functions: a wasm function and a host function.
  CHECK_REF_FUNCS(func, export_func(module, inst, "f"), host_func(store, 0, NULL, 0, NULL, nop_callback));
  // Two wasm functions of one instance are different objects; host info of a wasm function is
  // shared by every handle to it, including new export handles.
  {
    wasm_func_t* f = export_func(module, inst, "f");
    wasm_func_t* g = export_func(module, inst, "g");
    wasm_func_t* f_other = export_func(module, inst2, "f");
    CHECK(!wasm_func_same(f, g));
    CHECK(!wasm_func_same(f, f_other));
    void* info = new_info();
    wasm_func_set_host_info_with_finalizer(g, info, finalizer);
    wasm_func_t* g_again = export_func(module, inst, "g");
    CHECK(wasm_func_same(g, g_again));
    CHECK(wasm_func_get_host_info(g_again) == info);
    CHECK(wasm_func_get_host_info(f_other) == NULL);
    wasm_func_delete(g);
    wasm_func_delete(g_again);
    wasm_func_delete(f);
    wasm_func_delete(f_other);
    CHECK_EQ(finalized[(intptr_t)info], 0);  // the instance (and so the function) lives on
    expect_finalized_[nexpect_++] = (intptr_t)info;
  }
  // Globals, tables, memories: exported and host-created.
  CHECK_REF_FUNCS(global, export_global(module, inst, "g1"), export_global(module, inst, "g2"));
  {
    wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new(WASM_I32), WASM_CONST);
    wasm_val_t v = WASM_I32_VAL(3);
    CHECK_REF_FUNCS(global, wasm_global_new(store, gt, &v), export_global(module, inst2, "g1"));
    wasm_globaltype_delete(gt);
  }
  CHECK_REF_FUNCS(table, export_table(module, inst, "t1"), export_table(module, inst, "t2"));
  {
    wasm_limits_t l = {1, 2};
    wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new(WASM_FUNCREF), &l);
    CHECK_REF_FUNCS(table, wasm_table_new(store, tt, NULL), export_table(module, inst2, "t1"));
    wasm_tabletype_delete(tt);
  }
  CHECK_REF_FUNCS(memory, export_memory(module, inst, "m"), export_memory(module, inst2, "m"));
  {
    wasm_limits_t l = {0, 1};
    wasm_memorytype_t* mt = wasm_memorytype_new(&l);
    CHECK_REF_FUNCS(memory, wasm_memory_new(store, mt), export_memory(module, inst2, "m"));
    wasm_memorytype_delete(mt);
  }
  // Externs: the same reference functions through the extern view.
  {
    // Objects that have no host info yet (b's info above had no finalizer, so may be replaced).
    wasm_extern_t* e1 = get_export(module, inst2, "g");
    wasm_extern_t* e2 = get_export(module, inst2, "t2");
    CHECK(wasm_ref_as_extern(wasm_extern_as_ref(e1)) == e1);
    CHECK_REF_FUNCS(extern, e1, e2);
  }
  // Instances and modules.
  CHECK_REF_FUNCS(instance, wasm_instance_copy(inst), wasm_instance_copy(inst2));
  CHECK_REF_FUNCS(module, wasm_module_copy(module), wasm_module_copy(module2));
  // Foreign objects and traps.
  CHECK_REF_FUNCS(foreign, wasm_foreign_new(store), wasm_foreign_new(store));
  CHECK_REF_FUNCS(trap, make_trap(store, "one"), make_trap(store, "two"));

  // Conversions between kinds fail cleanly.
  wasm_func_t* f = export_func(module, inst, "f");
  wasm_foreign_t* fo = wasm_foreign_new(store);
  CHECK(wasm_ref_as_func(wasm_foreign_as_ref(fo)) == NULL);
  CHECK(wasm_ref_as_foreign(wasm_func_as_ref(f)) == NULL);
  CHECK(wasm_ref_as_global(wasm_func_as_ref(f)) == NULL);
  CHECK(wasm_ref_as_extern(wasm_foreign_as_ref(fo)) == NULL);
  CHECK(wasm_ref_as_extern(wasm_func_as_ref(f)) != NULL);
  CHECK(wasm_ref_as_instance(wasm_func_as_ref(f)) == NULL);
  CHECK(!wasm_ref_same(wasm_func_as_ref(f), wasm_foreign_as_ref(fo)));
  CHECK(wasm_ref_copy(NULL) == NULL);
  // Replacing host info: the old finalizer runs at most once, the new one once at the end.
  void* old_info = new_info();
  void* new_info_ = new_info();
  wasm_foreign_set_host_info_with_finalizer(fo, old_info, finalizer);
  wasm_foreign_set_host_info_with_finalizer(fo, new_info_, finalizer);
  CHECK(wasm_foreign_get_host_info(fo) == new_info_);
  CHECK(finalized[(intptr_t)old_info] <= 1);
  CHECK_EQ(finalized[(intptr_t)new_info_], 0);
  wasm_foreign_delete(fo);
  CHECK_EQ(finalized[(intptr_t)new_info_], 1);
  CHECK_EQ(finalized[(intptr_t)old_info], 1);
  wasm_func_delete(f);

  wasm_instance_delete(inst);
  wasm_instance_delete(inst2);
  wasm_module_delete(module);
  wasm_module_delete(module2);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  REQUIRE(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);
  test_externref_identity(store);
  test_ref_functions(store);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  // Everything is gone now: each finalizer ran exactly once, infos without one never.
  for (int i = 0; i < nexpect_; i++)
    CHECK_MSG(finalized[expect_finalized_[i]] == 1, "finalizer of host info %ld ran %d times",
              (long)expect_finalized_[i], finalized[expect_finalized_[i]]);
  for (int i = 1; i <= infos_used; i++)
    CHECK_MSG(finalized[i] <= 1, "finalizer of host info %d ran %d times", i, finalized[i]);
  // The externref objects' finalizers (info 2, 3) ran once the store was gone; the info
  // replaced on host1 (1) ran once too (on replacement or at the end).
  CHECK_EQ(finalized[1], 1);
  CHECK_EQ(finalized[2], 1);
  CHECK_EQ(finalized[3], 1);
  return test_report("hostref_test");
}
