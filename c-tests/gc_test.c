// WebAssembly GC references through the C API: structs, arrays and i31s leave wasm as
// wasm_ref_t handles (kind WASM_EXTERNREF), and wasmlift_ref_* (wasmlift.h) tell their kind and
// read i31 values, struct fields (packed ones sign- or zero-extended) and array elements. Handles
// go back into wasm typed: a struct of the right type (or a subtype) is accepted; the hostile
// cases are refused before any code runs: a host object or a struct of another type for a
// (ref $t) parameter, a struct of another store, and out-of-range or wrong-kind reads.
#define _GNU_SOURCE
#include "test_util.h"

#include <string.h>

static const char* GC_WAT =
    "(module"
    "  (type $point (sub (struct (field (mut i8)) (field i16) (field i32) (field f64) (field anyref))))"
    "  (type $point3 (sub $point (struct (field (mut i8)) (field i16) (field i32) (field f64) (field anyref)"
    "                                     (field i64))))"
    "  (type $other (struct (field i32)))"
    "  (type $shorts (array (mut i16)))"
    "  (type $refs (array (mut anyref)))"
    "  (global $keep (export \"keep\") (mut anyref) (ref.null any))"
    "  (func (export \"point\") (result anyref)"
    "    (struct.new $point (i32.const -2) (i32.const 0x8001) (i32.const -7) (f64.const 2.5)"
    "      (ref.i31 (i32.const -3))))"
    "  (func (export \"point3\") (result anyref)"
    "    (struct.new $point3 (i32.const 1) (i32.const 2) (i32.const 3) (f64.const 4) (ref.null any)"
    "      (i64.const 5)))"
    "  (func (export \"other\") (result anyref) (struct.new $other (i32.const 1)))"
    "  (func (export \"shorts\") (param i32) (result anyref)"
    "    (array.new $shorts (i32.const 0xfffe) (local.get 0)))"
    "  (func (export \"refs\") (result anyref)"
    "    (array.new_fixed $refs 2 (ref.i31 (i32.const 11)) (struct.new $other (i32.const 12))))"
    "  (func (export \"i31\") (param i32) (result anyref) (ref.i31 (local.get 0)))"
    "  (func (export \"x\") (param (ref $point)) (result i32) (struct.get $point 2 (local.get 0)))"
    "  (func (export \"same\") (param anyref anyref) (result i32)"
    "    (ref.eq (ref.cast eqref (local.get 0)) (ref.cast eqref (local.get 1))))"
    "  (func (export \"is_struct\") (param anyref) (result i32) (ref.test structref (local.get 0))))";

// Exports looked up by the test, deleted at the end.
static wasm_func_t* owned_funcs[64];
static size_t owned_count = 0;

static wasm_func_t* func(const wasm_module_t* module, const wasm_instance_t* instance, const char* name) {
  wasm_func_t* f = export_func(module, instance, name);
  REQUIRE(owned_count < sizeof owned_funcs / sizeof owned_funcs[0]);
  owned_funcs[owned_count++] = f;
  return f;
}

static wasm_ref_t* call_ref_result(const wasm_func_t* f, wasm_val_t* args, size_t nargs) {
  wasm_val_t result = WASM_INIT_VAL;
  wasm_trap_t* trap = call(f, args, nargs, &result, 1);
  CHECK_NO_TRAP(trap);
  CHECK_EQ(result.kind, WASM_EXTERNREF);
  return result.of.ref;
}

static wasm_val_t i32_val(int32_t v) {
  wasm_val_t x = {.kind = WASM_I32, .of = {.i32 = v}};
  return x;
}

static wasm_val_t ref_val(wasm_ref_t* r) {
  wasm_val_t x = {.kind = WASM_EXTERNREF, .of = {.ref = r}};
  return x;
}

static void reads_structs_arrays_and_i31(wasm_store_t* store, const wasm_module_t* module,
                                         const wasm_instance_t* instance) {
  wasm_ref_t* point = call_ref_result(func(module, instance, "point"), NULL, 0);
  REQUIRE(point != NULL);
  CHECK_EQ(wasmlift_ref_gc_kind(point), WASMLIFT_GCREF_STRUCT);
  CHECK_EQ(wasmlift_ref_struct_len(point), 5);
  CHECK_EQ(wasmlift_ref_array_len(point), 0);

  wasm_val_t v = WASM_INIT_VAL;
  CHECK(wasmlift_ref_struct_get(point, 0, true, &v));
  CHECK(v.kind == WASM_I32 && v.of.i32 == -2);
  CHECK(wasmlift_ref_struct_get(point, 0, false, &v));
  CHECK(v.kind == WASM_I32 && v.of.i32 == 0xfe);
  CHECK(wasmlift_ref_struct_get(point, 1, true, &v));
  CHECK(v.kind == WASM_I32 && v.of.i32 == -0x7fff);
  CHECK(wasmlift_ref_struct_get(point, 1, false, &v));
  CHECK(v.kind == WASM_I32 && v.of.i32 == 0x8001);
  // sign_extend changes nothing for unpacked fields.
  CHECK(wasmlift_ref_struct_get(point, 2, false, &v));
  CHECK(v.kind == WASM_I32 && v.of.i32 == -7);
  CHECK(wasmlift_ref_struct_get(point, 3, true, &v));
  CHECK(v.kind == WASM_F64 && v.of.f64 == 2.5);
  CHECK(wasmlift_ref_struct_get(point, 4, false, &v));
  CHECK_EQ(v.kind, WASM_EXTERNREF);
  CHECK_EQ(wasmlift_ref_gc_kind(v.of.ref), WASMLIFT_GCREF_I31);
  int32_t i31 = 0;
  CHECK(wasmlift_ref_i31_get(v.of.ref, true, &i31) && i31 == -3);
  CHECK(wasmlift_ref_i31_get(v.of.ref, false, &i31) && i31 == 0x7ffffffd);
  wasm_val_delete(&v);

  // Hostile reads: past the end, the wrong kind, NULLs. `out` stays untouched.
  wasm_val_t untouched = {.kind = WASM_I64, .of = {.i64 = 99}};
  CHECK(!wasmlift_ref_struct_get(point, 5, false, &untouched));
  CHECK(!wasmlift_ref_struct_get(point, (size_t)-1, false, &untouched));
  CHECK(!wasmlift_ref_array_get(point, 0, false, &untouched));
  CHECK(!wasmlift_ref_i31_get(point, false, &i31));
  CHECK(!wasmlift_ref_struct_get(NULL, 0, false, &untouched));
  CHECK(!wasmlift_ref_struct_get(point, 0, false, NULL));
  CHECK(untouched.kind == WASM_I64 && untouched.of.i64 == 99);
  CHECK_EQ(wasmlift_ref_gc_kind(NULL), WASMLIFT_GCREF_OTHER);
  CHECK_EQ(wasmlift_ref_struct_len(NULL), 0);

  // Arrays of packed elements, and of references.
  wasm_val_t n = i32_val(3);
  wasm_ref_t* shorts = call_ref_result(func(module, instance, "shorts"), &n, 1);
  CHECK_EQ(wasmlift_ref_gc_kind(shorts), WASMLIFT_GCREF_ARRAY);
  CHECK_EQ(wasmlift_ref_array_len(shorts), 3);
  CHECK(wasmlift_ref_array_get(shorts, 2, true, &v) && v.kind == WASM_I32 && v.of.i32 == -2);
  CHECK(wasmlift_ref_array_get(shorts, 2, false, &v) && v.of.i32 == 0xfffe);
  CHECK(!wasmlift_ref_array_get(shorts, 3, false, &untouched));
  CHECK(!wasmlift_ref_struct_get(shorts, 0, false, &untouched));
  wasm_ref_t* refs = call_ref_result(func(module, instance, "refs"), NULL, 0);
  CHECK(wasmlift_ref_array_get(refs, 1, false, &v) && v.kind == WASM_EXTERNREF);
  CHECK_EQ(wasmlift_ref_gc_kind(v.of.ref), WASMLIFT_GCREF_STRUCT);
  wasm_val_t field = WASM_INIT_VAL;
  CHECK(wasmlift_ref_struct_get(v.of.ref, 0, false, &field) && field.of.i32 == 12);
  wasm_val_delete(&v);

  // An i31 is identified by its value: two handles from two calls are the same reference.
  wasm_val_t m = i32_val(-5);
  wasm_ref_t* a = call_ref_result(func(module, instance, "i31"), &m, 1);
  wasm_ref_t* b = call_ref_result(func(module, instance, "i31"), &m, 1);
  CHECK(wasm_ref_same(a, b));
  CHECK(wasmlift_ref_i31_get(a, true, &i31) && i31 == -5);
  CHECK(!wasm_ref_same(a, point));
  CHECK_EQ(wasmlift_ref_struct_len(a), 0);

  // Handles go back in: identity survives the round trip, and wasm sees the same object.
  wasm_val_t pair[2] = {ref_val(point), ref_val(point)};
  wasm_val_t result = WASM_INIT_VAL;
  CHECK_NO_TRAP(call(func(module, instance, "same"), pair, 2, &result, 1));
  CHECK_EQ(result.of.i32, 1);
  wasm_val_t pair2[2] = {ref_val(point), ref_val(shorts)};
  CHECK_NO_TRAP(call(func(module, instance, "same"), pair2, 2, &result, 1));
  CHECK_EQ(result.of.i32, 0);

  // Host info belongs to the handle.
  wasm_ref_set_host_info(point, (void*)0x1234);
  CHECK(wasm_ref_get_host_info(point) == (void*)0x1234);

  // A global of type anyref takes the struct and gives it back.
  wasm_global_t* keep = export_global(module, instance, "keep");
  wasm_val_t in = ref_val(point);
  wasm_global_set(keep, &in);
  wasm_val_t out = WASM_INIT_VAL;
  wasm_global_get(keep, &out);
  CHECK(wasm_ref_same(out.of.ref, point));
  CHECK_EQ(wasmlift_ref_gc_kind(out.of.ref), WASMLIFT_GCREF_STRUCT);
  wasm_val_delete(&out);
  wasm_global_delete(keep);

  (void)store;
  wasm_ref_delete(a);
  wasm_ref_delete(b);
  wasm_ref_delete(refs);
  wasm_ref_delete(shorts);
  wasm_ref_delete(point);
}

// Values entering typed GC parameters are checked as ref.cast would.
static void typed_parameters_refuse_the_wrong_values(wasm_store_t* store, wasm_store_t* other_store,
                                                     const wasm_module_t* module, const wasm_instance_t* instance,
                                                     const wasm_instance_t* other_instance) {
  wasm_func_t* x = func(module, instance, "x");
  wasm_val_t result = WASM_INIT_VAL;

  wasm_ref_t* point = call_ref_result(func(module, instance, "point"), NULL, 0);
  wasm_val_t arg = ref_val(point);
  CHECK_NO_TRAP(call(x, &arg, 1, &result, 1));
  CHECK_EQ(result.of.i32, -7);

  // A subtype's object is a value of the supertype.
  wasm_ref_t* point3 = call_ref_result(func(module, instance, "point3"), NULL, 0);
  arg = ref_val(point3);
  CHECK_NO_TRAP(call(x, &arg, 1, &result, 1));
  CHECK_EQ(result.of.i32, 3);

  // Another struct type: refused before the call (struct.get would read a field that is not
  // there).
  wasm_ref_t* other = call_ref_result(func(module, instance, "other"), NULL, 0);
  arg = ref_val(other);
  wasm_trap_t* trap = call(x, &arg, 1, &result, 1);
  CHECK_TRAP_HAS(trap, "not a value of type");
  if (trap) wasm_trap_delete(trap);

  // A host object is an anyref, but not a (ref $point).
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  arg = ref_val(wasm_foreign_as_ref(foreign));
  trap = call(x, &arg, 1, &result, 1);
  CHECK_TRAP_HAS(trap, "not a value of type");
  if (trap) wasm_trap_delete(trap);
  wasm_val_t as_any = ref_val(wasm_foreign_as_ref(foreign));
  CHECK_NO_TRAP(call(func(module, instance, "is_struct"), &as_any, 1, &result, 1));
  CHECK_EQ(result.of.i32, 0);
  CHECK_EQ(wasmlift_ref_gc_kind(wasm_foreign_as_ref(foreign)), WASMLIFT_GCREF_OTHER);

  // Null for a non-nullable parameter.
  arg = ref_val(NULL);
  trap = call(x, &arg, 1, &result, 1);
  CHECK_TRAP_HAS(trap, "null");
  if (trap) wasm_trap_delete(trap);

  // A struct of another store, even of the same module's type.
  wasm_ref_t* foreign_point = call_ref_result(func(module, other_instance, "point"), NULL, 0);
  arg = ref_val(foreign_point);
  trap = call(x, &arg, 1, &result, 1);
  CHECK_TRAP_HAS(trap, "another store");
  if (trap) wasm_trap_delete(trap);

  (void)other_store;
  wasm_ref_delete(foreign_point);
  wasm_foreign_delete(foreign);
  wasm_ref_delete(other);
  wasm_ref_delete(point3);
  wasm_ref_delete(point);
}

int main(void) {
  wasm_config_t* config = wasm_config_new();
  wasmlift_config_gc(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_store_t* other_store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store, GC_WAT);
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_instance_t* other_instance = instantiate(other_store, module, NULL, 0);

  reads_structs_arrays_and_i31(store, module, instance);
  typed_parameters_refuse_the_wrong_values(store, other_store, module, instance, other_instance);

  // GC is on by default; with its switch off, the module is refused.
  wasm_engine_t* default_engine = wasm_engine_new();
  wasm_store_t* default_store = wasm_store_new(default_engine);
  wasm_byte_vec_t binary;
  wat_to_wasm(GC_WAT, &binary);
  CHECK(wasm_module_validate(default_store, &binary));
  wasm_store_delete(default_store);
  wasm_engine_delete(default_engine);
  wasm_config_t* plain_config = wasm_config_new();
  wasmlift_config_gc(plain_config, false);
  wasm_engine_t* plain = wasm_engine_new_with_config(plain_config);
  wasm_store_t* plain_store = wasm_store_new(plain);
  CHECK(!wasm_module_validate(plain_store, &binary));
  wasm_byte_vec_delete(&binary);
  wasm_store_delete(plain_store);
  wasm_engine_delete(plain);

  for (size_t i = 0; i < owned_count; i++) wasm_func_delete(owned_funcs[i]);
  wasm_instance_delete(other_instance);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(other_store);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return test_report("gc_test");
}
