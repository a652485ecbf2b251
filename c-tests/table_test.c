// Tables through the C API: guest and host tables (wasm_table_new/get/set/size/grow/type),
// host functions and functions of another instance placed in a table and called through
// call_indirect, the call_indirect traps (null entry "uninitialized element", index out of range
// "undefined element", wrong signature "indirect call type mismatch"), table.grow/size/fill
// from the guest, host-side bounds and type checks, and an externref table.
#include "test_util.h"

static const char* GUEST_WAT =
    "(module"
    "  (type $ii (func (param i32) (result i32)))"
    "  (type $v (func))"
    "  (table $t (export \"tab\") 3 10 funcref)"
    "  (elem (table $t) (i32.const 0) func $double $negate)"
    "  (func $double (export \"double\") (type $ii) (i32.mul (local.get 0) (i32.const 2)))"
    "  (func $negate (export \"negate\") (type $ii) (i32.sub (i32.const 0) (local.get 0)))"
    "  (func $nothing (export \"nothing\") (type $v))"
    "  (func (export \"call\") (param i32 i32) (result i32)"
    "    (call_indirect $t (type $ii) (local.get 1) (local.get 0)))"
    "  (func (export \"call_v\") (param i32) (call_indirect $t (type $v) (local.get 0)))"
    "  (func (export \"size\") (result i32) (table.size $t))"
    "  (func (export \"grow_null\") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))"
    "  (func (export \"grow_negate\") (param i32) (result i32) (table.grow $t (ref.func $negate) (local.get 0)))"
    "  (func (export \"fill_double\") (param i32 i32) (table.fill $t (local.get 0) (ref.func $double) (local.get 1)))"
    "  (func (export \"fill_null\") (param i32 i32) (table.fill $t (local.get 0) (ref.null func) (local.get 1)))"
    "  (func (export \"get\") (param i32) (result funcref) (table.get $t (local.get 0)))"
    "  (func (export \"put\") (param i32 funcref) (table.set $t (local.get 0) (local.get 1)))"
    "  (func (export \"is_null\") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0)))))";

static int host_calls = 0;

static wasm_trap_t* plus_hundred(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  host_calls++;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + 100;
  return NULL;
}

static wasm_trap_t* ignore_i64(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}

static void expect_trap(wasm_trap_t* t, const char* message) {
  CHECK_TRAP_IS(t, message);
  if (t) wasm_trap_delete(t);
}

static wasm_trap_t* call2(const wasm_func_t* f, int32_t a, int32_t b, int32_t* out) {
  wasm_val_t args[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_t r = WASM_INIT_VAL;
  wasm_trap_t* t = call(f, args, 2, &r, 1);
  if (!t && out) *out = r.of.i32;
  return t;
}

static void check_tabletype(const wasm_table_t* t, wasm_valkind_t kind, uint32_t min, uint32_t max) {
  wasm_tabletype_t* tt = wasm_table_type(t);
  REQUIRE(tt != NULL);
  CHECK_EQ(wasm_valtype_kind(wasm_tabletype_element(tt)), kind);
  CHECK_EQ(wasm_tabletype_limits(tt)->min, min);
  CHECK_EQ(wasm_tabletype_limits(tt)->max, max);
  wasm_tabletype_delete(tt);
}

// Element `i` is a function that behaves like `expected` on input 21 (NULL: the entry is null).
static void check_entry(const wasm_table_t* t, uint32_t i, const wasm_func_t* expected) {
  wasm_ref_t* r = wasm_table_get(t, i);
  if (expected == NULL) {
    CHECK_MSG(r == NULL, "table entry %u is not null", i);
  } else {
    CHECK_MSG(r != NULL && wasm_ref_as_func(r) != NULL && wasm_func_same(wasm_ref_as_func(r), expected),
              "table entry %u is not the expected function", i);
  }
  if (r) wasm_ref_delete(r);
}

static void test_guest_table(wasm_store_t* store) {
  wasm_module_t* module = module_from_wat(store, GUEST_WAT);
  wasm_instance_t* inst = instantiate(store, module, NULL, 0);
  wasm_table_t* tab = export_table(module, inst, "tab");
  wasm_func_t* dbl = export_func(module, inst, "double");
  wasm_func_t* neg = export_func(module, inst, "negate");
  wasm_func_t* nothing = export_func(module, inst, "nothing");
  wasm_func_t* callf = export_func(module, inst, "call");
  wasm_func_t* call_v = export_func(module, inst, "call_v");
  wasm_func_t* size = export_func(module, inst, "size");
  wasm_func_t* grow_null = export_func(module, inst, "grow_null");
  wasm_func_t* grow_negate = export_func(module, inst, "grow_negate");
  wasm_func_t* fill_double = export_func(module, inst, "fill_double");
  wasm_func_t* fill_null = export_func(module, inst, "fill_null");
  wasm_func_t* get = export_func(module, inst, "get");
  wasm_func_t* put = export_func(module, inst, "put");
  wasm_func_t* is_null = export_func(module, inst, "is_null");

  // Type, size and the element segment.
  check_tabletype(tab, WASM_FUNCREF, 3, 10);
  CHECK_EQ(wasm_table_size(tab), 3);
  CHECK_EQ(CALL_I32_0(size), 3);
  check_entry(tab, 0, dbl);
  check_entry(tab, 1, neg);
  check_entry(tab, 2, NULL);
  CHECK(wasm_table_get(tab, 3) == NULL);
  CHECK(wasm_table_get(tab, 0xffffffffu) == NULL);
  CHECK_EQ(CALL_I32(callf, 0, 21), 42);
  CHECK_EQ(CALL_I32(callf, 1, 21), -21);
  // A function read from the table is callable from the host.
  wasm_ref_t* r0 = wasm_table_get(tab, 0);
  REQUIRE(r0 != NULL);
  wasm_func_t* f0 = wasm_ref_as_func(r0);
  REQUIRE(f0 != NULL);
  CHECK_EQ(CALL_I32(f0, 5), 10);
  wasm_ref_delete(r0);

  // call_indirect traps.
  expect_trap(call2(callf, 2, 1, NULL), "uninitialized element");
  expect_trap(call2(callf, 3, 1, NULL), "undefined element");
  expect_trap(call2(callf, -1, 1, NULL), "undefined element");
  expect_trap(call2(callf, 10, 1, NULL), "undefined element");
  CHECK(wasm_table_set(tab, 2, wasm_func_as_ref(nothing)));
  expect_trap(call2(callf, 2, 1, NULL), "indirect call type mismatch");
  wasm_val_t a[1] = {WASM_I32_VAL(0)};
  expect_trap(call(call_v, a, 1, NULL, 0), "indirect call type mismatch");
  a[0].of.i32 = 2;
  CHECK_NO_TRAP(call(call_v, a, 1, NULL, 0));

  // A host function in the table, called through call_indirect.
  wasm_valkind_t i32k[] = {WASM_I32};
  wasm_func_t* host = host_func(store, 1, i32k, 1, i32k, plus_hundred);
  CHECK(wasm_table_set(tab, 2, wasm_func_as_ref(host)));
  check_entry(tab, 2, host);
  CHECK_EQ(CALL_I32(callf, 2, 5), 105);
  CHECK_EQ(host_calls, 1);
  // A host function of another signature: type mismatch, the callback does not run.
  wasm_valkind_t i64k[] = {WASM_I64};
  wasm_func_t* host64 = host_func(store, 1, i64k, 0, NULL, ignore_i64);
  CHECK(wasm_table_set(tab, 1, wasm_func_as_ref(host64)));
  expect_trap(call2(callf, 1, 5, NULL), "indirect call type mismatch");
  CHECK(wasm_table_set(tab, 1, wasm_func_as_ref(neg)));

  // Host-side checks: out of range and wrong reference kinds leave the table unchanged.
  CHECK(!wasm_table_set(tab, 3, wasm_func_as_ref(host)));
  CHECK(!wasm_table_set(tab, 0xffffffffu, NULL));
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  CHECK(!wasm_table_set(tab, 0, wasm_foreign_as_ref(foreign)));
  check_entry(tab, 0, dbl);
  CHECK_EQ(wasm_table_size(tab), 3);
  // Setting null from the host.
  CHECK(wasm_table_set(tab, 2, NULL));
  check_entry(tab, 2, NULL);
  CHECK_EQ(CALL_I32(is_null, 2), 1);
  expect_trap(call2(callf, 2, 1, NULL), "uninitialized element");

  // Growth from the host: new entries hold the init value.
  CHECK(wasm_table_grow(tab, 2, wasm_func_as_ref(host)));
  CHECK_EQ(wasm_table_size(tab), 5);
  CHECK_EQ(CALL_I32_0(size), 5);
  check_entry(tab, 3, host);
  check_entry(tab, 4, host);
  CHECK_EQ(CALL_I32(callf, 4, 1), 101);
  CHECK(wasm_table_grow(tab, 0, NULL));
  CHECK_EQ(wasm_table_size(tab), 5);
  CHECK(!wasm_table_grow(tab, 6, NULL));  // 11 > max 10
  CHECK(!wasm_table_grow(tab, 1, wasm_foreign_as_ref(foreign)));
  CHECK_EQ(wasm_table_size(tab), 5);
  check_tabletype(tab, WASM_FUNCREF, 5, 10);

  // Growth, size and fill from the guest.
  CHECK_EQ(CALL_I32(grow_null, 1), 5);
  CHECK_EQ(wasm_table_size(tab), 6);
  check_entry(tab, 5, NULL);
  expect_trap(call2(callf, 5, 1, NULL), "uninitialized element");
  CHECK_EQ(CALL_I32(grow_negate, 2), 6);
  CHECK_EQ(CALL_I32_0(size), 8);
  check_entry(tab, 7, neg);
  CHECK_EQ(CALL_I32(callf, 7, 9), -9);
  CHECK_EQ(CALL_I32(grow_null, 3), -1);  // 11 > max 10
  CHECK_EQ(CALL_I32(grow_null, -1), -1);
  CHECK_EQ(CALL_I32_0(size), 8);
  CHECK_EQ(CALL_I32(grow_null, 2), 8);  // exactly to the maximum
  CHECK_EQ(CALL_I32(grow_null, 1), -1);
  CHECK(!wasm_table_grow(tab, 1, NULL));
  CHECK_EQ(wasm_table_size(tab), 10);
  wasm_val_t fa[2] = {WASM_I32_VAL(2), WASM_I32_VAL(3)};
  CHECK_NO_TRAP(call(fill_double, fa, 2, NULL, 0));
  check_entry(tab, 1, neg);
  check_entry(tab, 2, dbl);
  check_entry(tab, 4, dbl);
  check_entry(tab, 5, NULL);
  CHECK_EQ(CALL_I32(callf, 3, 4), 8);
  fa[0].of.i32 = 8;
  fa[1].of.i32 = 3;  // 8 + 3 > 10: traps, writes nothing
  expect_trap(call(fill_double, fa, 2, NULL, 0), "out of bounds table access");
  check_entry(tab, 8, NULL);
  fa[0].of.i32 = 10;
  fa[1].of.i32 = 0;  // empty fill at the end is fine
  CHECK_NO_TRAP(call(fill_null, fa, 2, NULL, 0));
  fa[0].of.i32 = 2;
  fa[1].of.i32 = 1;
  CHECK_NO_TRAP(call(fill_null, fa, 2, NULL, 0));
  check_entry(tab, 2, NULL);

  // table.get / table.set from the guest with references from the host.
  wasm_val_t pa[2] = {WASM_I32_VAL(9), {.kind = WASM_FUNCREF, .of = {.ref = wasm_func_as_ref(host)}}};
  CHECK_NO_TRAP(call(put, pa, 2, NULL, 0));
  check_entry(tab, 9, host);
  // The instance's own function passed in as an argument and stored in its own table.
  pa[0].of.i32 = 8;
  pa[1].of.ref = wasm_func_as_ref(dbl);
  CHECK_NO_TRAP(call(put, pa, 2, NULL, 0));
  check_entry(tab, 8, dbl);
  wasm_val_t ga[1] = {WASM_I32_VAL(9)}, gr[1] = {WASM_INIT_VAL};
  CHECK_NO_TRAP(call(get, ga, 1, gr, 1));
  CHECK(gr[0].kind == WASM_FUNCREF && gr[0].of.ref && wasm_func_same(wasm_ref_as_func(gr[0].of.ref), host));
  wasm_val_delete(&gr[0]);
  ga[0].of.i32 = 10;
  expect_trap(call(get, ga, 1, gr, 1), "out of bounds table access");
  pa[0].of.i32 = 10;
  expect_trap(call(put, pa, 2, NULL, 0), "out of bounds table access");
  // A foreign object is not a function reference argument.
  pa[0].of.i32 = 0;
  pa[1].of.ref = wasm_foreign_as_ref(foreign);
  wasm_trap_t* t = call(put, pa, 2, NULL, 0);
  CHECK(t != NULL);
  if (t) wasm_trap_delete(t);
  check_entry(tab, 0, dbl);

  // The instance's own functions in its own table keep working after every handle but the
  // table's is gone (and everything is freed at the end: valgrind checks).
  wasm_func_t* fs[] = {dbl, neg, nothing, callf, call_v, size, grow_null, grow_negate, fill_double, fill_null,
                       get, put, is_null};
  for (size_t k = 0; k < sizeof fs / sizeof *fs; k++) wasm_func_delete(fs[k]);
  wasm_instance_delete(inst);
  wasm_module_delete(module);
  wasm_ref_t* r8 = wasm_table_get(tab, 8);
  REQUIRE(r8 != NULL);
  CHECK_EQ(CALL_I32(wasm_ref_as_func(r8), 7), 14);
  wasm_ref_delete(r8);
  wasm_table_delete(tab);
  wasm_func_delete(host);
  wasm_func_delete(host64);
  wasm_foreign_delete(foreign);
}

// A host-created table imported by a module, holding functions of the host and of another
// instance (which reads its own global: it runs in its own instance's context).
static void test_host_table(wasm_store_t* store) {
  wasm_module_t* other_mod = module_from_wat(store,
      "(module (global $g (mut i32) (i32.const 1000))"
      "  (func (export \"add_g\") (param i32) (result i32)"
      "    (global.set $g (i32.add (global.get $g) (i32.const 1)))"
      "    (i32.add (local.get 0) (global.get $g))))");
  wasm_instance_t* other = instantiate(store, other_mod, NULL, 0);
  wasm_func_t* add_g = export_func(other_mod, other, "add_g");

  wasm_valkind_t i32k[] = {WASM_I32};
  wasm_func_t* host = host_func(store, 1, i32k, 1, i32k, plus_hundred);
  wasm_limits_t limits = {4, wasm_limits_max_default};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new(WASM_FUNCREF), &limits);
  wasm_table_t* tab = wasm_table_new(store, tt, wasm_func_as_ref(host));
  wasm_tabletype_delete(tt);
  REQUIRE(tab != NULL);
  CHECK_EQ(wasm_table_size(tab), 4);
  check_tabletype(tab, WASM_FUNCREF, 4, wasm_limits_max_default);
  for (uint32_t i = 0; i < 4; i++) check_entry(tab, i, host);
  CHECK(wasm_table_set(tab, 1, wasm_func_as_ref(add_g)));
  CHECK(wasm_table_set(tab, 3, NULL));

  wasm_module_t* module = module_from_wat(store,
      "(module (type $ii (func (param i32) (result i32)))"
      "  (import \"\" \"tab\" (table $t 2 funcref))"
      "  (func $triple (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))"
      "  (elem (table $t) (i32.const 2) func $triple)"
      "  (func (export \"call\") (param i32 i32) (result i32)"
      "    (call_indirect $t (type $ii) (local.get 1) (local.get 0)))"
      "  (func (export \"size\") (result i32) (table.size $t))"
      "  (func (export \"grow\") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0))))");
  wasm_extern_t* imports[] = {wasm_table_as_extern(tab)};
  wasm_instance_t* inst = instantiate(store, module, imports, 1);
  wasm_func_t* callf = export_func(module, inst, "call");
  wasm_func_t* size = export_func(module, inst, "size");
  wasm_func_t* grow = export_func(module, inst, "grow");

  host_calls = 0;
  CHECK_EQ(CALL_I32(callf, 0, 1), 101);
  CHECK_EQ(host_calls, 1);
  CHECK_EQ(CALL_I32(callf, 1, 1), 1002);  // other instance's function, its own global
  CHECK_EQ(CALL_I32(callf, 1, 1), 1003);
  CHECK_EQ(CALL_I32(callf, 2, 5), 15);  // the importer's element segment wrote into the host table
  expect_trap(call2(callf, 3, 1, NULL), "uninitialized element");
  expect_trap(call2(callf, 4, 1, NULL), "undefined element");
  // The host sees the segment's function and can call it.
  wasm_ref_t* r2 = wasm_table_get(tab, 2);
  REQUIRE(r2 != NULL);
  CHECK_EQ(CALL_I32(wasm_ref_as_func(r2), 7), 21);
  // Host changes are seen by wasm at once.
  CHECK(wasm_table_set(tab, 0, r2));
  CHECK_EQ(CALL_I32(callf, 0, 2), 6);
  wasm_ref_delete(r2);
  // Growth from either side is shared.
  CHECK(wasm_table_grow(tab, 1, wasm_func_as_ref(add_g)));
  CHECK_EQ(CALL_I32_0(size), 5);
  CHECK_EQ(CALL_I32(callf, 4, 0), 1003);  // 0 + the global after its increment
  CHECK_EQ(CALL_I32(grow, 3), 5);
  CHECK_EQ(wasm_table_size(tab), 8);
  check_entry(tab, 7, NULL);

  // The other instance's function stays callable through the table after its handles are gone.
  wasm_func_delete(add_g);
  wasm_instance_delete(other);
  wasm_module_delete(other_mod);
  CHECK_EQ(CALL_I32(callf, 1, 0), 1004);

  // Import checks: a table that is too small or of the wrong element type is refused.
  wasm_limits_t small = {1, 1};
  tt = wasm_tabletype_new(wasm_valtype_new(WASM_FUNCREF), &small);
  wasm_table_t* tiny = wasm_table_new(store, tt, NULL);
  wasm_tabletype_delete(tt);
  wasm_extern_t* bad_imports[] = {wasm_table_as_extern(tiny)};
  wasm_extern_vec_t bad_vec = {1, bad_imports};
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, module, &bad_vec, &trap) == NULL);
  CHECK(trap != NULL);
  if (trap) wasm_trap_delete(trap);
  wasm_table_delete(tiny);

  wasm_func_delete(callf);
  wasm_func_delete(size);
  wasm_func_delete(grow);
  wasm_instance_delete(inst);
  wasm_module_delete(module);
  wasm_table_delete(tab);
  wasm_func_delete(host);
}

static void test_externref_table(wasm_store_t* store) {
  wasm_module_t* module = module_from_wat(store,
      "(module (table $e (export \"etab\") 2 4 externref)"
      "  (func (export \"get\") (param i32) (result externref) (table.get $e (local.get 0)))"
      "  (func (export \"set\") (param i32 externref) (table.set $e (local.get 0) (local.get 1)))"
      "  (func (export \"grow\") (param externref i32) (result i32) (table.grow $e (local.get 0) (local.get 1)))"
      "  (func (export \"is_null\") (param i32) (result i32) (ref.is_null (table.get $e (local.get 0)))))");
  wasm_instance_t* inst = instantiate(store, module, NULL, 0);
  wasm_table_t* etab = export_table(module, inst, "etab");
  wasm_func_t* get = export_func(module, inst, "get");
  wasm_func_t* set = export_func(module, inst, "set");
  wasm_func_t* grow = export_func(module, inst, "grow");
  wasm_func_t* is_null = export_func(module, inst, "is_null");
  check_tabletype(etab, WASM_EXTERNREF, 2, 4);
  CHECK(wasm_table_get(etab, 0) == NULL);
  CHECK_EQ(CALL_I32(is_null, 1), 1);

  wasm_foreign_t* f1 = wasm_foreign_new(store);
  wasm_foreign_t* f2 = wasm_foreign_new(store);
  wasm_foreign_set_host_info(f1, (void*)0x11);
  wasm_foreign_set_host_info(f2, (void*)0x22);

  // Host sets, wasm reads: same object.
  CHECK(wasm_table_set(etab, 0, wasm_foreign_as_ref(f1)));
  CHECK_EQ(CALL_I32(is_null, 0), 0);
  wasm_val_t ga[1] = {WASM_I32_VAL(0)}, gr[1] = {WASM_INIT_VAL};
  CHECK_NO_TRAP(call(get, ga, 1, gr, 1));
  CHECK(gr[0].kind == WASM_EXTERNREF && gr[0].of.ref && wasm_ref_same(gr[0].of.ref, wasm_foreign_as_ref(f1)));
  if (gr[0].of.ref) CHECK(wasm_ref_get_host_info(gr[0].of.ref) == (void*)0x11);
  wasm_val_delete(&gr[0]);
  // Wasm sets, host reads.
  wasm_val_t sa[2] = {WASM_I32_VAL(1), {.kind = WASM_EXTERNREF, .of = {.ref = wasm_foreign_as_ref(f2)}}};
  CHECK_NO_TRAP(call(set, sa, 2, NULL, 0));
  wasm_ref_t* r = wasm_table_get(etab, 1);
  CHECK(r && wasm_ref_same(r, wasm_foreign_as_ref(f2)) && wasm_ref_get_host_info(r) == (void*)0x22);
  if (r) wasm_ref_delete(r);
  // Growth with an init value from both sides, up to the maximum.
  CHECK(wasm_table_grow(etab, 1, wasm_foreign_as_ref(f2)));
  r = wasm_table_get(etab, 2);
  CHECK(r && wasm_ref_same(r, wasm_foreign_as_ref(f2)));
  if (r) wasm_ref_delete(r);
  wasm_val_t gra[2] = {{.kind = WASM_EXTERNREF, .of = {.ref = wasm_foreign_as_ref(f1)}}, WASM_I32_VAL(1)};
  wasm_val_t grr[1] = {WASM_INIT_VAL};
  CHECK_NO_TRAP(call(grow, gra, 2, grr, 1));
  CHECK_EQ(grr[0].of.i32, 3);
  CHECK_NO_TRAP(call(grow, gra, 2, grr, 1));
  CHECK_EQ(grr[0].of.i32, -1);
  CHECK(!wasm_table_grow(etab, 1, NULL));
  CHECK_EQ(wasm_table_size(etab), 4);
  r = wasm_table_get(etab, 3);
  CHECK(r && wasm_ref_same(r, wasm_foreign_as_ref(f1)));
  if (r) wasm_ref_delete(r);
  CHECK(!wasm_table_set(etab, 4, NULL));
  ga[0].of.i32 = 4;
  expect_trap(call(get, ga, 1, gr, 1), "out of bounds table access");
  // A funcref table does not take an externref table's contents, and a funcref type is checked
  // against the externref element type on import (see link_errors_test.c); here: null clears.
  CHECK(wasm_table_set(etab, 0, NULL));
  CHECK_EQ(CALL_I32(is_null, 0), 1);

  // The objects stay alive through the table after the host's handles are gone.
  wasm_foreign_delete(f2);
  r = wasm_table_get(etab, 1);
  CHECK(r && wasm_ref_get_host_info(r) == (void*)0x22);
  if (r) wasm_ref_delete(r);

  wasm_foreign_delete(f1);
  wasm_func_delete(get);
  wasm_func_delete(set);
  wasm_func_delete(grow);
  wasm_func_delete(is_null);
  wasm_table_delete(etab);
  wasm_instance_delete(inst);
  wasm_module_delete(module);
}

// A function reference made by `ref.func` in one instance and handed to another instance by
// wasm alone (a call to an imported wasm function, and a result of an exported one) that keeps
// it in its table: it stays callable after every handle of the producing instance is gone.
static void test_ref_func_escape(wasm_store_t* store) {
  wasm_module_t* keeper_mod = module_from_wat(store,
      "(module (import \"\" \"get\" (func $get (result funcref)))"
      "  (table 2 funcref) (type $r (func (result i32)))"
      "  (func (export \"keep\") (param funcref) (table.set (i32.const 0) (local.get 0)))"
      "  (func (export \"fetch\") (table.set (i32.const 1) (call $get)))"
      "  (func (export \"call\") (param i32) (result i32) (call_indirect (type $r) (local.get 0))))");
  wasm_module_t* producer_mod = module_from_wat(store,
      "(module (import \"\" \"keep\" (func $keep (param funcref)))"
      "  (func $f (result i32) (i32.const 77)) (elem declare func $f)"
      "  (func (export \"give\") (call $keep (ref.func $f))))");
  // The keeper calls `get` of a second producing instance and stores the reference it returns.
  wasm_module_t* get_mod = module_from_wat(store,
      "(module (func $g (result i32) (i32.const 99)) (elem declare func $g)"
      "  (func (export \"get\") (result funcref) (ref.func $g)))");
  wasm_instance_t* get_inst = instantiate(store, get_mod, NULL, 0);
  wasm_extern_t* get_export_ = get_export(get_mod, get_inst, "get");
  wasm_extern_t* keeper_imports[] = {get_export_};
  wasm_instance_t* keeper = instantiate(store, keeper_mod, keeper_imports, 1);
  wasm_func_t* keep = export_func(keeper_mod, keeper, "keep");
  wasm_func_t* fetch = export_func(keeper_mod, keeper, "fetch");
  wasm_func_t* callf = export_func(keeper_mod, keeper, "call");
  wasm_extern_t* producer_imports[] = {wasm_func_as_extern(keep)};
  wasm_instance_t* producer = instantiate(store, producer_mod, producer_imports, 1);
  wasm_func_t* give = export_func(producer_mod, producer, "give");
  CHECK_NO_TRAP(call(give, NULL, 0, NULL, 0));
  CHECK_NO_TRAP(call(fetch, NULL, 0, NULL, 0));
  // Every handle of both producers goes; churn the allocator a little.
  wasm_func_delete(give);
  wasm_instance_delete(producer);
  wasm_module_delete(producer_mod);
  wasm_extern_delete(get_export_);
  wasm_instance_delete(get_inst);
  wasm_module_delete(get_mod);
  for (int i = 0; i < 20; i++) {
    wasm_module_t* m = module_from_wat(store, "(module (memory 1) (func (export \"x\")))");
    wasm_instance_t* x = instantiate(store, m, NULL, 0);
    wasm_instance_delete(x);
    wasm_module_delete(m);
  }
  CHECK_EQ(CALL_I32(callf, 0), 77);
  CHECK_EQ(CALL_I32(callf, 1), 99);
  wasm_func_delete(keep);
  wasm_func_delete(fetch);
  wasm_func_delete(callf);
  wasm_instance_delete(keeper);
  wasm_module_delete(keeper_mod);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  REQUIRE(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);
  test_guest_table(store);
  test_host_table(store);
  test_externref_table(store);
  test_ref_func_escape(store);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return test_report("table_test");
}
