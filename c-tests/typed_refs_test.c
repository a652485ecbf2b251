// Typed function references through wasm.h: `call_ref` through a function reference obtained
// from the host (a wasm_func_new function passed as an argument, stored in a typed table and in
// a typed global), and the hostile cases: a function of the wrong signature (refused with a
// signature-mismatch message, never called), null (refused for non-nullable slots, "null
// function reference" trap for nullable ones), a function of another store (refused), and
// linking by rec-group structure: renumbered but structurally equal types link, different ones
// fail with a link error.
#include "test_util.h"

static int double_calls = 0;
static int wide_calls = 0;

// (i32) -> i32
static wasm_trap_t* double_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  double_calls++;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 * 2;
  return NULL;
}

// (i64) -> i64: the wrong signature for everything below.
static wasm_trap_t* wide_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wide_calls++;
  results->data[0].kind = WASM_I64;
  results->data[0].of.i64 = args->data[0].of.i64;
  return NULL;
}

static const char* TYPED_WAT =
    "(module"
    "  (type $ii (func (param i32) (result i32)))"
    "  (table $tab (export \"tab\") 2 (ref null $ii))"
    "  (table $any 1 funcref)"
    "  (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))"
    "  (table $nn (export \"nn\") 1 (ref $ii) (ref.func $inc))"
    "  (func (export \"call-nn\") (param i32 i32) (result i32)"
    "    (call_ref $ii (local.get 1) (table.get $nn (local.get 0))))"
    "  (global $g (export \"g\") (mut (ref null $ii)) (ref.null $ii))"
    "  (func (export \"call-arg\") (param $f (ref null $ii)) (param i32) (result i32)"
    "    (call_ref $ii (local.get 1) (local.get $f)))"
    "  (func (export \"call-nonnull\") (param $f (ref $ii)) (result i32)"
    "    (call_ref $ii (i32.const 5) (local.get $f)))"
    "  (func (export \"call-table\") (param i32 i32) (result i32)"
    "    (call_ref $ii (local.get 1) (table.get $tab (local.get 0))))"
    "  (func (export \"call-global\") (param i32) (result i32)"
    "    (call_ref $ii (local.get 0) (global.get $g)))"
    // A plain funcref from the host reaches a typed call only through call_indirect's check.
    "  (func (export \"call-any\") (param funcref i32) (result i32)"
    "    (table.set $any (i32.const 0) (local.get 0))"
    "    (call_indirect $any (type $ii) (local.get 1) (i32.const 0)))"
    "  (func (export \"tail-call-arg\") (param $f (ref null $ii)) (param i32) (result i32)"
    "    (return_call_ref $ii (local.get 1) (local.get $f))))";

static wasm_val_t ref_val(wasm_func_t* f) {
  wasm_val_t v = {.kind = WASM_FUNCREF, .of = {.ref = f ? wasm_func_as_ref(f) : NULL}};
  return v;
}

// Calls (funcref, i32) -> i32; returns the trap (NULL on success, result in *out).
static wasm_trap_t* call_ref_i32(const wasm_func_t* fn, wasm_func_t* ref, int32_t arg, int32_t* out) {
  wasm_val_t args[2] = {ref_val(ref), {.kind = WASM_I32, .of = {.i32 = arg}}};
  wasm_val_t result = WASM_INIT_VAL;
  wasm_trap_t* trap = call(fn, args, 2, &result, 1);
  if (trap == NULL) {
    CHECK_EQ(result.kind, WASM_I32);
    *out = result.of.i32;
  }
  return trap;
}

static void expect_trap(wasm_trap_t* trap, const char* message) {
  CHECK_TRAP_HAS(trap, message);
  if (trap) wasm_trap_delete(trap);
}

static void host_funcref_calls(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_store_t* other_store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store, TYPED_WAT);
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_func_t* call_arg = export_func(module, instance, "call-arg");
  wasm_func_t* call_nonnull = export_func(module, instance, "call-nonnull");
  wasm_func_t* call_table = export_func(module, instance, "call-table");
  wasm_func_t* call_global = export_func(module, instance, "call-global");
  wasm_func_t* call_any = export_func(module, instance, "call-any");
  wasm_func_t* tail_call_arg = export_func(module, instance, "tail-call-arg");
  wasm_table_t* tab = export_table(module, instance, "tab");
  wasm_global_t* g = export_global(module, instance, "g");
  wasm_table_t* nn = export_table(module, instance, "nn");
  wasm_func_t* call_nn = export_func(module, instance, "call-nn");

  wasm_valkind_t i32 = WASM_I32, i64 = WASM_I64;
  wasm_func_t* dbl = host_func(store, 1, &i32, 1, &i32, double_cb);
  wasm_func_t* wide = host_func(store, 1, &i64, 1, &i64, wide_cb);
  wasm_func_t* foreign_dbl = host_func(other_store, 1, &i32, 1, &i32, double_cb);

  // wasm.h sees typed references as funcref.
  wasm_functype_t* ty = wasm_func_type(call_arg);
  CHECK_EQ(wasm_valtype_kind(wasm_functype_params(ty)->data[0]), WASM_FUNCREF);
  wasm_functype_delete(ty);

  // A host function of the right type, called through call_ref and return_call_ref.
  int32_t r = 0;
  CHECK_NO_TRAP(call_ref_i32(call_arg, dbl, 21, &r));
  CHECK_EQ(r, 42);
  CHECK_NO_TRAP(call_ref_i32(tail_call_arg, dbl, 8, &r));
  CHECK_EQ(r, 16);
  CHECK_NO_TRAP(call_ref_i32(call_any, dbl, 5, &r));
  CHECK_EQ(r, 10);
  CHECK_EQ(double_calls, 3);

  // The wrong signature: refused at the boundary (typed parameter) or by call_indirect's check
  // (funcref parameter), never called.
  expect_trap(call_ref_i32(call_arg, wide, 1, &r), "signature mismatch");
  expect_trap(call_ref_i32(tail_call_arg, wide, 1, &r), "signature mismatch");
  expect_trap(call_ref_i32(call_any, wide, 1, &r), "indirect call type mismatch");
  CHECK_EQ(wide_calls, 0);

  // Null: a nullable parameter lets it in and call_ref traps; a non-nullable one refuses it.
  expect_trap(call_ref_i32(call_arg, NULL, 1, &r), "null function reference");
  expect_trap(call_ref_i32(tail_call_arg, NULL, 1, &r), "null function reference");
  {
    wasm_val_t arg = ref_val(NULL);
    wasm_val_t result = WASM_INIT_VAL;
    expect_trap(call(call_nonnull, &arg, 1, &result, 1), "non-nullable");
    arg = ref_val(dbl);
    CHECK_NO_TRAP(call(call_nonnull, &arg, 1, &result, 1));
    CHECK_EQ(result.of.i32, 10);
  }

  // Another store's function is refused.
  expect_trap(call_ref_i32(call_arg, foreign_dbl, 1, &r), "another store");

  // Through a typed table.
  CHECK(wasm_table_set(tab, 0, wasm_func_as_ref(dbl)));
  {
    int32_t args[2] = {0, 4};
    CHECK_EQ(call_i32_(__FILE__, __LINE__, call_table, 2, args, -1), 8);
  }
  CHECK(!wasm_table_set(tab, 1, wasm_func_as_ref(wide)));
  CHECK(strstr(wasmlift_error_message(), "signature mismatch") != NULL);
  CHECK(!wasm_table_set(tab, 1, wasm_func_as_ref(foreign_dbl)));
  CHECK(!wasm_table_grow(tab, 1, wasm_func_as_ref(wide)));
  CHECK_EQ(wasm_table_size(tab), 2);
  {
    wasm_val_t args[2] = {{.kind = WASM_I32, .of = {.i32 = 1}}, {.kind = WASM_I32, .of = {.i32 = 4}}};
    wasm_val_t result = WASM_INIT_VAL;
    expect_trap(call(call_table, args, 2, &result, 1), "null function reference");
  }
  CHECK(wasm_table_grow(tab, 1, wasm_func_as_ref(dbl)));
  {
    int32_t args[2] = {2, 7};
    CHECK_EQ(call_i32_(__FILE__, __LINE__, call_table, 2, args, -1), 14);
  }

  // A non-nullable table never takes null, from wasm_table_set or wasm_table_grow.
  CHECK(!wasm_table_set(nn, 0, NULL));
  CHECK(strstr(wasmlift_error_message(), "non-nullable") != NULL);
  CHECK(!wasm_table_grow(nn, 1, NULL));
  CHECK(!wasm_table_set(nn, 0, wasm_func_as_ref(wide)));
  CHECK_EQ(wasm_table_size(nn), 1);
  {
    int32_t args[2] = {0, 4};
    CHECK_EQ(call_i32_(__FILE__, __LINE__, call_nn, 2, args, -1), 5);
  }
  CHECK(wasm_table_grow(nn, 1, wasm_func_as_ref(dbl)));
  {
    int32_t args[2] = {1, 4};
    CHECK_EQ(call_i32_(__FILE__, __LINE__, call_nn, 2, args, -1), 8);
  }

  // Through a typed global: the wrong signature leaves the value as it was.
  wasm_val_t v = ref_val(dbl);
  wasm_global_set(g, &v);
  CHECK_EQ(CALL_I32(call_global, 3), 6);
  v = ref_val(wide);
  wasm_global_set(g, &v);
  CHECK(strstr(wasmlift_error_message(), "signature mismatch") != NULL);
  v = ref_val(foreign_dbl);
  wasm_global_set(g, &v);
  CHECK(strstr(wasmlift_error_message(), "another store") != NULL);
  CHECK_EQ(CALL_I32(call_global, 3), 6);
  CHECK_EQ(wide_calls, 0);

  wasm_func_delete(dbl);
  wasm_func_delete(wide);
  wasm_func_delete(foreign_dbl);
  wasm_global_delete(g);
  wasm_table_delete(nn);
  wasm_func_delete(call_nn);
  wasm_table_delete(tab);
  wasm_func_delete(call_arg);
  wasm_func_delete(call_nonnull);
  wasm_func_delete(call_table);
  wasm_func_delete(call_global);
  wasm_func_delete(call_any);
  wasm_func_delete(tail_call_arg);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(other_store);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

// The exporter's rec group: $f refers to $g inside the group.
static const char* EXPORTER_WAT =
    "(module"
    "  (rec (type $f (func (param (ref null $g)) (result i32))) (type $g (func (param i32))))"
    "  (func (export \"f\") (type $f) (i32.const 7)))";

// Structurally equal, numbered differently (two unrelated types first).
static const char* RENUMBERED_WAT =
    "(module"
    "  (type (func (param f32)))"
    "  (type (func (param f64)))"
    "  (rec (type $f (func (param (ref null $g)) (result i32))) (type $g (func (param i32))))"
    "  (import \"m\" \"f\" (func $imp (type $f)))"
    "  (func (export \"run\") (result i32) (call $imp (ref.null $g))))";

// Same shape of $f, but $g differs: a different type.
static const char* DIFFERENT_WAT =
    "(module"
    "  (rec (type $f (func (param (ref null $g)) (result i32))) (type $g (func (param i64))))"
    "  (import \"m\" \"f\" (func (type $f))))";

// The same members in the other order: a different rec group, so a different type.
static const char* REORDERED_WAT =
    "(module"
    "  (rec (type $g (func (param i32))) (type $f (func (param (ref null $g)) (result i32))))"
    "  (import \"m\" \"f\" (func (type $f))))";

// Instantiating `wat` with `import` fails with a link error that contains `also` (if given).
static void expect_link_error(wasm_store_t* store, const char* wat, wasm_extern_t* import, const char* also) {
  wasm_module_t* module = module_from_wat(store, wat);
  wasm_extern_vec_t imports = {1, &import};
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance == NULL);
  const char* message = wasmlift_error_message();
  char* trap_msg = trap ? trap_message(trap) : NULL;
  const char* shown = trap_msg ? trap_msg : message;
  CHECK_MSG(shown != NULL && strstr(shown, "incompatible import type") != NULL, "link error \"%s\"",
            shown ? shown : "(null)");
  if (also != NULL) {
    CHECK_MSG(shown != NULL && strstr(shown, also) != NULL, "link error \"%s\" lacks \"%s\"", shown ? shown : "(null)",
              also);
  }
  free(trap_msg);
  if (trap) wasm_trap_delete(trap);
  if (instance) wasm_instance_delete(instance);
  wasm_module_delete(module);
}

static void rec_group_linking(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* exporter = module_from_wat(store, EXPORTER_WAT);
  wasm_instance_t* exporter_instance = instantiate(store, exporter, NULL, 0);
  wasm_func_t* f = export_func(exporter, exporter_instance, "f");
  wasm_extern_t* import = wasm_func_as_extern(f);

  wasm_module_t* renumbered = module_from_wat(store, RENUMBERED_WAT);
  wasm_instance_t* linked = instantiate(store, renumbered, &import, 1);
  wasm_func_t* run = export_func(renumbered, linked, "run");
  CHECK_EQ(CALL_I32_0(run), 7);

  expect_link_error(store, DIFFERENT_WAT, import, NULL);
  expect_link_error(store, REORDERED_WAT, import, NULL);

  // A host function has a final type in a group of its own: it satisfies an import of the
  // same signature declared the ordinary way, whatever the importer's numbering.
  wasm_valkind_t i32 = WASM_I32;
  wasm_func_t* dbl = host_func(store, 1, &i32, 1, &i32, double_cb);
  wasm_module_t* host_importer = module_from_wat(
      store,
      "(module (type (func)) (type $ii (func (param i32) (result i32)))"
      "  (import \"h\" \"dbl\" (func $d (type $ii))) (elem declare func $d)"
      "  (func (export \"run\") (result i32) (call_ref $ii (i32.const 9) (ref.func $d))))");
  wasm_extern_t* host_import = wasm_func_as_extern(dbl);
  wasm_instance_t* host_linked = instantiate(store, host_importer, &host_import, 1);
  wasm_func_t* host_run = export_func(host_importer, host_linked, "run");
  CHECK_EQ(CALL_I32_0(host_run), 18);
  // ... but not one whose declared type is open to subtyping (a different type in 3.0).
  expect_link_error(store, "(module (type $ii (sub (func (param i32) (result i32)))) (import \"h\" \"dbl\" (func (type $ii))))",
                    host_import, "the same signature, but not the same type");

  wasm_func_delete(host_run);
  wasm_instance_delete(host_linked);
  wasm_module_delete(host_importer);
  wasm_func_delete(dbl);
  wasm_func_delete(run);
  wasm_instance_delete(linked);
  wasm_module_delete(renumbered);
  wasm_func_delete(f);
  wasm_instance_delete(exporter_instance);
  wasm_module_delete(exporter);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

// Rec groups and `sub` belong to the 3.0 type system of typed references; GC proper has a switch
// of its own. With typed references on and GC off, modules using GC proper (even alongside rec
// groups) are refused at wasm_module_new, with a message, rather than failing later when a
// function is first compiled.
static void gc_constructs_rejected(void) {
  wasm_config_t* config = wasm_config_new();
  wasmlift_config_gc(config, false);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  static const char* REFUSED[] = {
      "(module (rec (type $t (sub (func)))) (func $f (type $t)) (elem declare func $f)"
      "  (func (result i32) (ref.test (ref $t) (ref.func $f))))",
      "(module (rec (type (func)) (type (struct))))",
      "(module (type (sub (func))) (func (local anyref)))",
      "(module (type (sub (func))) (func (drop (ref.null none))))",
      "(module (type (sub (func))) (func (result i32) (ref.eq (ref.null none) (ref.null none))))",
  };
  for (size_t i = 0; i < sizeof REFUSED / sizeof REFUSED[0]; i++) {
    wasm_byte_vec_t binary;
    wat_to_wasm(REFUSED[i], &binary);
    CHECK_MSG(!wasm_module_validate(store, &binary), "module %zu validates", i);
    wasm_module_t* module = wasm_module_new(store, &binary);
    CHECK_MSG(module == NULL, "module %zu compiles", i);
    const char* message = wasmlift_error_message();
    CHECK_MSG(message != NULL && strstr(message, "gc") != NULL, "module %zu: error \"%s\"", i,
              message ? message : "(null)");
    if (module) wasm_module_delete(module);
    wasm_byte_vec_delete(&binary);
  }
  // An invalid module that uses rec groups is reported for what is wrong with it.
  wasm_byte_vec_t binary;
  wat_to_wasm("(module (rec (type $t (func))) (func (result i32) (i64.const 0)))", &binary);
  CHECK(wasm_module_new(store, &binary) == NULL);
  CHECK_MSG(strstr(wasmlift_error_message(), "type mismatch") != NULL, "error \"%s\"", wasmlift_error_message());
  wasm_byte_vec_delete(&binary);
  // The type system alone is accepted.
  wat_to_wasm("(module (rec (type $t (sub (func))) (type (sub final $t (func)))))", &binary);
  CHECK(wasm_module_validate(store, &binary));
  wasm_byte_vec_delete(&binary);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

int main(void) {
  gc_constructs_rejected();
  host_funcref_calls();
  rec_group_linking();
  return test_report("typed_refs_test");
}
