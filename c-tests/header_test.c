// Header conformance test for the generated wasm.h: all 280 standard functions are declared
// with the standard's exact prototypes (standard_decls.h re-declares them) and exported (their
// addresses are taken and linked); typedefs, enumerators and constants have the standard values;
// every convenience macro and all 26 static inline helpers compile and behave. Built as C11 and
// as C++20 with -Wall -Wextra -Werror -pedantic.
#include "wasm.h"
#include "wasmlift.h"
#include "standard_decls.h"

#include <stddef.h>
#include <stdio.h>

#ifdef own
#error "wasm.h must not leave the `own` marker defined (the standard #undefs it at its end)"
#endif
#ifndef WASM_API_EXTERN
#error "WASM_API_EXTERN must stay defined"
#endif
#define own  // as the standard's own examples do

static int checks = 0;
static int failures = 0;
#define CHECK(cond)                                                              \
  do {                                                                           \
    checks++;                                                                    \
    if (!(cond)) {                                                               \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
      failures++;                                                                \
    }                                                                            \
  } while (0)

// ---- Every function's address --------------------------------------------------------------

typedef void (*any_fn)(void);
struct api_entry {
  const char* name;
  any_fn fn;
};
#ifdef __cplusplus
#define API_ENTRY(f) {#f, reinterpret_cast<any_fn>(&f)},
#else
#define API_ENTRY(f) {#f, (any_fn)&f},
#endif
static const struct api_entry api[] = {WASMLIFT_STANDARD_FUNCTIONS(API_ENTRY)};

static void test_all_functions_linked(void) {
  size_t n = sizeof(api) / sizeof(api[0]);
  CHECK(n == 280);
  for (size_t i = 0; i < n; i++) {
    // Read through a volatile pointer so the compiler cannot assume the answer.
    any_fn volatile const* slot = &api[i].fn;
    if (*slot == NULL) {
      fprintf(stderr, "function %s has a NULL address\n", api[i].name);
      failures++;
    }
  }
  checks++;
}

// ---- Typedefs, enumerators and constants ---------------------------------------------------

static_assert(sizeof(byte_t) == 1 && sizeof(wasm_byte_t) == 1, "byte_t");
static_assert(sizeof(float32_t) == 4 && sizeof(float64_t) == 8, "float types");
static_assert(sizeof(wasm_valkind_t) == 1, "wasm_valkind_t is uint8_t");
static_assert(sizeof(wasm_mutability_t) == 1, "wasm_mutability_t is uint8_t");
static_assert(sizeof(wasm_externkind_t) == 1, "wasm_externkind_t is uint8_t");
static_assert(sizeof(wasm_table_size_t) == 4 && sizeof(wasm_memory_pages_t) == 4, "u32 sizes");
static_assert(WASM_CONST == 0 && WASM_VAR == 1, "wasm_mutability_enum");
static_assert(WASM_I32 == 0 && WASM_I64 == 1 && WASM_F32 == 2 && WASM_F64 == 3, "numeric kinds");
static_assert(WASM_EXTERNREF == 128 && WASM_FUNCREF == 129, "reference kinds");
static_assert(WASMLIFT_V128 == 4, "wasmlift's v128 kind");
static_assert(WASM_EXTERN_FUNC == 0 && WASM_EXTERN_GLOBAL == 1 && WASM_EXTERN_TABLE == 2 &&
                  WASM_EXTERN_MEMORY == 3,
              "wasm_externkind_enum");
static_assert(sizeof(wasm_limits_t) == 8 && offsetof(wasm_limits_t, min) == 0 &&
                  offsetof(wasm_limits_t, max) == 4,
              "wasm_limits_t layout");
static_assert(offsetof(wasm_byte_vec_t, size) == 0 && offsetof(wasm_byte_vec_t, data) == sizeof(size_t),
              "vector layout");
static_assert(sizeof(wasm_valtype_vec_t) == sizeof(size_t) + sizeof(void*), "vector layout");
static_assert(offsetof(wasm_val_t, kind) == 0 && offsetof(wasm_val_t, of) == 8 && sizeof(wasm_val_t) == 16,
              "wasm_val_t layout");
static_assert(sizeof(((wasm_val_t*)0)->of.i32) == 4 && sizeof(((wasm_val_t*)0)->of.i64) == 8 &&
                  sizeof(((wasm_val_t*)0)->of.f32) == 4 && sizeof(((wasm_val_t*)0)->of.f64) == 8 &&
                  sizeof(((wasm_val_t*)0)->of.ref) == sizeof(void*),
              "wasm_val_t members");

// The callback typedefs must accept functions of the standard's shapes.
static own wasm_trap_t* plain_callback(const wasm_val_vec_t* args, own wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  return NULL;
}
static own wasm_trap_t* env_callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)env;
  (void)args;
  (void)results;
  return NULL;
}

static void test_typedefs_and_constants(void) {
  wasm_func_callback_t cb = plain_callback;
  wasm_func_callback_with_env_t cb_env = env_callback;
  CHECK(cb(NULL, NULL) == NULL);
  CHECK(cb_env(NULL, NULL, NULL) == NULL);
  CHECK(wasm_limits_max_default == 0xffffffffu);
  CHECK(MEMORY_PAGE_SIZE == 0x10000);
  // wasm_name_t and wasm_message_t are the byte vector type; struct tags match the typedefs.
  wasm_byte_vec_t bytes = WASM_EMPTY_VEC;
  wasm_name_t* name = &bytes;
  wasm_message_t* message = name;
  struct wasm_byte_vec_t* tagged = message;
  CHECK(tagged->size == 0 && tagged->data == NULL);
  struct wasm_valtype_t* vt = NULL;
  struct wasm_functype_t* ft = NULL;
  struct wasm_externtype_t* et = NULL;
  struct wasm_ref_t* ref = NULL;
  struct wasm_instance_t* inst = NULL;
  wasm_shared_module_t* shared = NULL;
  CHECK(vt == NULL && ft == NULL && et == NULL && ref == NULL && inst == NULL && shared == NULL);
}

// ---- Convenience macros ----------------------------------------------------------------------

#define PASTE_(a, b) a##b
#define PASTE(a, b) PASTE_(a, b)

static void test_name_macros(void) {
  wasm_name_t a, b, c, d;
  wasm_name_new(&a, 5, "hello");
  CHECK(a.size == 5 && memcmp(a.data, "hello", 5) == 0);
  wasm_name_copy(&b, &a);
  CHECK(b.size == 5 && b.data != a.data && memcmp(b.data, "hello", 5) == 0);
  wasm_name_new_empty(&c);
  CHECK(c.size == 0);
  wasm_name_new_uninitialized(&d, 3);
  CHECK(d.size == 3 && d.data != NULL);
  wasm_name_delete(&a);
  wasm_name_delete(&b);
  wasm_name_delete(&c);
  // `wasm_name` is the prefix the other names are built from.
  PASTE(wasm_name, _delete)(&d);
}

static void test_vec_macros(void) {
  wasm_valtype_vec_t empty = WASM_EMPTY_VEC;
  CHECK(empty.size == 0 && empty.data == NULL);
  wasm_valtype_vec_delete(&empty);

  wasm_valtype_t* types[3] = {wasm_valtype_new(WASM_I32), wasm_valtype_new(WASM_F64), wasm_valtype_new(WASM_FUNCREF)};
  wasm_valtype_vec_t borrowed = WASM_ARRAY_VEC(types);
  CHECK(borrowed.size == 3 && borrowed.data == types);
  wasm_valtype_vec_t copy;
  wasm_valtype_vec_copy(&copy, &borrowed);
  CHECK(copy.size == 3 && copy.data[2] != types[2] && wasm_valtype_kind(copy.data[2]) == WASM_FUNCREF);
  wasm_valtype_vec_delete(&copy);
  for (int i = 0; i < 3; i++) wasm_valtype_delete(types[i]);
}

static void test_val_macros(void) {
  wasm_val_t i32 = WASM_I32_VAL(-7);
  wasm_val_t i64 = WASM_I64_VAL(INT64_C(1) << 40);
  wasm_val_t f32 = WASM_F32_VAL(1.5f);
  wasm_val_t f64 = WASM_F64_VAL(-0.25);
  wasm_val_t ref = WASM_REF_VAL(NULL);
  wasm_val_t init = WASM_INIT_VAL;
  CHECK(i32.kind == WASM_I32 && i32.of.i32 == -7);
  CHECK(i64.kind == WASM_I64 && i64.of.i64 == (INT64_C(1) << 40));
  CHECK(f32.kind == WASM_F32 && f32.of.f32 == 1.5f);
  CHECK(f64.kind == WASM_F64 && f64.of.f64 == -0.25);
  CHECK(ref.kind == WASM_EXTERNREF && ref.of.ref == NULL);
  CHECK(init.kind == WASM_EXTERNREF && init.of.ref == NULL);
  wasm_val_t vals[2] = {WASM_I32_VAL(1), WASM_I32_VAL(2)};
  wasm_val_vec_t vec = WASM_ARRAY_VEC(vals);
  CHECK(vec.size == 2 && vec.data[1].of.i32 == 2);
}

// ---- The 26 static inline helpers ------------------------------------------------------------

static void test_name_helpers(void) {
  wasm_name_t n, nt;
  wasm_name_new_from_string(&n, "memory");
  wasm_name_new_from_string_nt(&nt, "memory");
  CHECK(n.size == 6 && memcmp(n.data, "memory", 6) == 0);
  CHECK(nt.size == 7 && nt.data[6] == '\0' && memcmp(nt.data, "memory", 6) == 0);
  wasm_name_delete(&n);
  wasm_name_delete(&nt);
}

static void test_kind_helpers(void) {
  CHECK(wasm_valkind_is_num(WASM_I32) && wasm_valkind_is_num(WASM_F64) && wasm_valkind_is_num(WASMLIFT_V128));
  CHECK(!wasm_valkind_is_num(WASM_EXTERNREF) && !wasm_valkind_is_num(WASM_FUNCREF));
  CHECK(wasm_valkind_is_ref(WASM_EXTERNREF) && wasm_valkind_is_ref(WASM_FUNCREF) && !wasm_valkind_is_ref(WASM_I64));

  wasm_valtype_t* made[6] = {wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32(),
                             wasm_valtype_new_f64(), wasm_valtype_new_externref(), wasm_valtype_new_funcref()};
  const wasm_valkind_t expected[6] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASM_EXTERNREF, WASM_FUNCREF};
  for (int i = 0; i < 6; i++) {
    CHECK(made[i] != NULL && wasm_valtype_kind(made[i]) == expected[i]);
    CHECK(wasm_valtype_is_num(made[i]) == (i < 4));
    CHECK(wasm_valtype_is_ref(made[i]) == (i >= 4));
    wasm_valtype_delete(made[i]);
  }
}

// Checks a function type against kind letters: i=i32 I=i64 f=f32 F=f64 e=externref r=funcref.
static wasm_valkind_t letter_kind(char c) {
  switch (c) {
    case 'i': return WASM_I32;
    case 'I': return WASM_I64;
    case 'f': return WASM_F32;
    case 'F': return WASM_F64;
    case 'e': return WASM_EXTERNREF;
    default: return WASM_FUNCREF;
  }
}

static int vec_matches(const wasm_valtype_vec_t* v, const char* letters) {
  if (v == NULL || v->size != strlen(letters)) return 0;
  for (size_t i = 0; i < v->size; i++)
    if (wasm_valtype_kind(v->data[i]) != letter_kind(letters[i])) return 0;
  return 1;
}

static void expect_functype(own wasm_functype_t* ft, const char* params, const char* results) {
  CHECK(ft != NULL);
  if (ft == NULL) return;
  CHECK(vec_matches(wasm_functype_params(ft), params));
  CHECK(vec_matches(wasm_functype_results(ft), results));
  wasm_functype_delete(ft);
}

static void test_functype_helpers(void) {
  expect_functype(wasm_functype_new_0_0(), "", "");
  expect_functype(wasm_functype_new_1_0(wasm_valtype_new_i32()), "i", "");
  expect_functype(wasm_functype_new_2_0(wasm_valtype_new_i32(), wasm_valtype_new_i64()), "iI", "");
  expect_functype(wasm_functype_new_3_0(wasm_valtype_new_f32(), wasm_valtype_new_f64(), wasm_valtype_new_externref()),
                  "fFe", "");
  expect_functype(wasm_functype_new_0_1(wasm_valtype_new_funcref()), "", "r");
  expect_functype(wasm_functype_new_1_1(wasm_valtype_new_i64(), wasm_valtype_new_i32()), "I", "i");
  expect_functype(wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_f32(), wasm_valtype_new_f64()), "if",
                  "F");
  expect_functype(wasm_functype_new_3_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                                        wasm_valtype_new_externref()),
                  "iiI", "e");
  expect_functype(wasm_functype_new_0_2(wasm_valtype_new_f64(), wasm_valtype_new_f32()), "", "Ff");
  expect_functype(wasm_functype_new_1_2(wasm_valtype_new_funcref(), wasm_valtype_new_i32(), wasm_valtype_new_i64()),
                  "r", "iI");
  expect_functype(wasm_functype_new_2_2(wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32(),
                                        wasm_valtype_new_f64()),
                  "iI", "fF");
  expect_functype(wasm_functype_new_3_2(wasm_valtype_new_externref(), wasm_valtype_new_funcref(),
                                        wasm_valtype_new_i32(), wasm_valtype_new_i64(), wasm_valtype_new_f32()),
                  "eri", "If");
}

static void test_val_ptr_helpers(void) {
  int target = 42;
  wasm_val_t v;
  wasm_val_init_ptr(&v, &target);
  CHECK(v.kind == (sizeof(void*) == 8 ? WASM_I64 : WASM_I32));
  CHECK(wasm_val_ptr(&v) == (void*)&target);
  CHECK(*(int*)wasm_val_ptr(&v) == 42);
}

int main(void) {
  test_all_functions_linked();
  test_typedefs_and_constants();
  test_name_macros();
  test_vec_macros();
  test_val_macros();
  test_name_helpers();
  test_kind_helpers();
  test_functype_helpers();
  test_val_ptr_helpers();
  printf("header_test: %d passed, %d failed\n", checks - failures, failures);
  return failures == 0 ? 0 : 1;
}
