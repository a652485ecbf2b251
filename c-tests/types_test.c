// C API type objects through the C ABI: create, inspect, copy (deeply), compare and delete every
// type (valtype, functype, globaltype, tabletype, memorytype, externtype, importtype,
// exporttype), every vector kind, and the externtype conversions in both directions.
// Run under valgrind by ctest, so every object created here must be freed.
#include "wasm.h"
#include "wasmlift.h"

#include <stdio.h>

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

static int name_is(const wasm_name_t* name, const char* s) {
  return name != NULL && name->size == strlen(s) && (name->size == 0 || memcmp(name->data, s, name->size) == 0);
}

static int limits_eq(const wasm_limits_t* l, uint32_t min, uint32_t max) {
  return l != NULL && l->min == min && l->max == max;
}

// Structural equality of the types, through the accessors only.
static int valtype_eq(const wasm_valtype_t* a, const wasm_valtype_t* b) {
  return a && b && wasm_valtype_kind(a) == wasm_valtype_kind(b);
}

static int valtypes_eq(const wasm_valtype_vec_t* a, const wasm_valtype_vec_t* b) {
  if (a->size != b->size) return 0;
  for (size_t i = 0; i < a->size; i++)
    if (!valtype_eq(a->data[i], b->data[i])) return 0;
  return 1;
}

static int functype_eq(const wasm_functype_t* a, const wasm_functype_t* b) {
  return a && b && valtypes_eq(wasm_functype_params(a), wasm_functype_params(b)) &&
         valtypes_eq(wasm_functype_results(a), wasm_functype_results(b));
}

static int globaltype_eq(const wasm_globaltype_t* a, const wasm_globaltype_t* b) {
  return a && b && valtype_eq(wasm_globaltype_content(a), wasm_globaltype_content(b)) &&
         wasm_globaltype_mutability(a) == wasm_globaltype_mutability(b);
}

static int tabletype_eq(const wasm_tabletype_t* a, const wasm_tabletype_t* b) {
  const wasm_limits_t* lb = b ? wasm_tabletype_limits(b) : NULL;
  return a && b && valtype_eq(wasm_tabletype_element(a), wasm_tabletype_element(b)) &&
         limits_eq(wasm_tabletype_limits(a), lb->min, lb->max);
}

static int memorytype_eq(const wasm_memorytype_t* a, const wasm_memorytype_t* b) {
  const wasm_limits_t* lb = b ? wasm_memorytype_limits(b) : NULL;
  return a && b && limits_eq(wasm_memorytype_limits(a), lb->min, lb->max);
}

static int externtype_eq(const wasm_externtype_t* a, const wasm_externtype_t* b) {
  if (!a || !b || wasm_externtype_kind(a) != wasm_externtype_kind(b)) return 0;
  switch (wasm_externtype_kind(a)) {
    case WASM_EXTERN_FUNC:
      return functype_eq(wasm_externtype_as_functype_const(a), wasm_externtype_as_functype_const(b));
    case WASM_EXTERN_GLOBAL:
      return globaltype_eq(wasm_externtype_as_globaltype_const(a), wasm_externtype_as_globaltype_const(b));
    case WASM_EXTERN_TABLE:
      return tabletype_eq(wasm_externtype_as_tabletype_const(a), wasm_externtype_as_tabletype_const(b));
    case WASM_EXTERN_MEMORY:
      return memorytype_eq(wasm_externtype_as_memorytype_const(a), wasm_externtype_as_memorytype_const(b));
    default:
      return 0;
  }
}

static int importtype_eq(const wasm_importtype_t* a, const wasm_importtype_t* b) {
  const wasm_name_t *ma = wasm_importtype_module(a), *mb = wasm_importtype_module(b);
  const wasm_name_t *na = wasm_importtype_name(a), *nb = wasm_importtype_name(b);
  return ma->size == mb->size && memcmp(ma->data, mb->data, ma->size) == 0 && na->size == nb->size &&
         memcmp(na->data, nb->data, na->size) == 0 &&
         externtype_eq(wasm_importtype_type(a), wasm_importtype_type(b));
}

static int exporttype_eq(const wasm_exporttype_t* a, const wasm_exporttype_t* b) {
  const wasm_name_t *na = wasm_exporttype_name(a), *nb = wasm_exporttype_name(b);
  return na->size == nb->size && memcmp(na->data, nb->data, na->size) == 0 &&
         externtype_eq(wasm_exporttype_type(a), wasm_exporttype_type(b));
}

// ---- Constructors used throughout ----------------------------------------------------------

static wasm_functype_t* make_functype(int variant) {
  // (i32, f64) -> (i64) or () -> (funcref, externref)
  if (variant % 2 == 0)
    return wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_f64(), wasm_valtype_new_i64());
  return wasm_functype_new_0_2(wasm_valtype_new_funcref(), wasm_valtype_new_externref());
}

static wasm_globaltype_t* make_globaltype(int variant) {
  return wasm_globaltype_new(wasm_valtype_new(variant % 2 ? WASM_F32 : WASM_I64), variant % 2 ? WASM_VAR : WASM_CONST);
}

static wasm_tabletype_t* make_tabletype(int variant) {
  wasm_limits_t limits = {(uint32_t)variant, variant % 2 ? 100u : wasm_limits_max_default};
  return wasm_tabletype_new(variant % 2 ? wasm_valtype_new_externref() : wasm_valtype_new_funcref(), &limits);
}

static wasm_memorytype_t* make_memorytype(int variant) {
  wasm_limits_t limits = {(uint32_t)variant + 1, variant % 2 ? wasm_limits_max_default : 65536u};
  return wasm_memorytype_new(&limits);
}

static wasm_externtype_t* make_externtype(int variant) {
  switch (variant % 4) {
    case 0: return wasm_functype_as_externtype(make_functype(variant));
    case 1: return wasm_globaltype_as_externtype(make_globaltype(variant));
    case 2: return wasm_tabletype_as_externtype(make_tabletype(variant));
    default: return wasm_memorytype_as_externtype(make_memorytype(variant));
  }
}

static wasm_importtype_t* make_importtype(int variant) {
  wasm_name_t module, name;
  wasm_name_new_from_string(&module, variant % 2 ? "env" : "wasi");
  char field[16];
  snprintf(field, sizeof field, "field%d", variant);
  wasm_name_new_from_string(&name, field);
  return wasm_importtype_new(&module, &name, make_externtype(variant));
}

static wasm_exporttype_t* make_exporttype(int variant) {
  wasm_name_t name;
  char field[16];
  snprintf(field, sizeof field, "export%d", variant);
  wasm_name_new_from_string(&name, field);
  return wasm_exporttype_new(&name, make_externtype(variant + 1));
}

static wasm_valtype_t* make_valtype(int variant) {
  static const wasm_valkind_t kinds[] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASMLIFT_V128, WASM_EXTERNREF, WASM_FUNCREF};
  return wasm_valtype_new(kinds[variant % 7]);
}

// ---- Value types -----------------------------------------------------------------------------

static void test_valtype(void) {
  const wasm_valkind_t kinds[] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64, WASMLIFT_V128, WASM_EXTERNREF, WASM_FUNCREF};
  for (size_t i = 0; i < sizeof kinds; i++) {
    wasm_valtype_t* t = wasm_valtype_new(kinds[i]);
    CHECK(t != NULL && wasm_valtype_kind(t) == kinds[i]);
    wasm_valtype_t* c = wasm_valtype_copy(t);
    CHECK(c != NULL && c != t && valtype_eq(c, t));
    wasm_valtype_delete(t);
    CHECK(wasm_valtype_kind(c) == kinds[i]);  // the copy outlives the original
    CHECK(wasm_valtype_is_ref(c) == (kinds[i] >= WASM_EXTERNREF));
    wasm_valtype_delete(c);
  }
  const wasm_valkind_t invalid[] = {5, 6, 127, 130, 255};
  for (size_t i = 0; i < sizeof invalid; i++) CHECK(wasm_valtype_new(invalid[i]) == NULL);
  wasm_valtype_delete(NULL);
  CHECK(wasm_valtype_copy(NULL) == NULL);
}

// ---- Function types --------------------------------------------------------------------------

static void test_functype(void) {
  wasm_valtype_t* ps[3] = {wasm_valtype_new_i32(), wasm_valtype_new(WASMLIFT_V128), wasm_valtype_new_funcref()};
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 3, ps);
  wasm_valtype_vec_new_empty(&results);
  wasm_functype_t* f = wasm_functype_new(&params, &results);
  CHECK(f != NULL);
  const wasm_valtype_vec_t* p = wasm_functype_params(f);
  CHECK(p != NULL && p->size == 3);
  CHECK(wasm_valtype_kind(p->data[0]) == WASM_I32 && wasm_valtype_kind(p->data[1]) == WASMLIFT_V128 &&
        wasm_valtype_kind(p->data[2]) == WASM_FUNCREF);
  CHECK(wasm_functype_results(f)->size == 0);
  CHECK(wasm_functype_params(f) == p);  // accessors point into the object

  wasm_functype_t* c = wasm_functype_copy(f);
  CHECK(c != NULL && c != f && functype_eq(c, f));
  CHECK(wasm_functype_params(c) != p && wasm_functype_params(c)->data != p->data);
  CHECK(wasm_functype_params(c)->data[0] != p->data[0]);  // deep: element objects are new too
  wasm_functype_delete(f);
  CHECK(wasm_valtype_kind(wasm_functype_params(c)->data[2]) == WASM_FUNCREF);

  wasm_functype_t* other = make_functype(1);
  CHECK(!functype_eq(c, other));
  wasm_functype_delete(other);
  wasm_functype_delete(c);

  wasm_functype_delete(NULL);
  CHECK(wasm_functype_copy(NULL) == NULL);
  CHECK(wasm_functype_params(NULL) == NULL && wasm_functype_results(NULL) == NULL);
  wasm_valtype_vec_new_empty(&results);
  CHECK(wasm_functype_new(NULL, &results) == NULL);  // consumed `results` all the same
}

// ---- Global, table and memory types -----------------------------------------------------------

static void test_globaltype(void) {
  wasm_globaltype_t* g = wasm_globaltype_new(wasm_valtype_new_f64(), WASM_VAR);
  CHECK(g != NULL && wasm_valtype_kind(wasm_globaltype_content(g)) == WASM_F64);
  CHECK(wasm_globaltype_mutability(g) == WASM_VAR);
  wasm_globaltype_t* c = wasm_globaltype_copy(g);
  CHECK(c != g && globaltype_eq(c, g) && wasm_globaltype_content(c) != wasm_globaltype_content(g));
  wasm_globaltype_t* k = wasm_globaltype_new(wasm_valtype_new_f64(), WASM_CONST);
  CHECK(wasm_globaltype_mutability(k) == WASM_CONST && !globaltype_eq(k, g));
  wasm_globaltype_delete(g);
  wasm_globaltype_delete(c);
  wasm_globaltype_delete(k);
  CHECK(wasm_globaltype_new(wasm_valtype_new_i32(), 2) == NULL);
  CHECK(wasm_globaltype_new(NULL, WASM_CONST) == NULL);
  wasm_globaltype_delete(NULL);
  CHECK(wasm_globaltype_copy(NULL) == NULL && wasm_globaltype_content(NULL) == NULL);
}

static void test_tabletype(void) {
  wasm_limits_t limits = {2, 10};
  wasm_tabletype_t* t = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  limits.min = 99;  // the table type keeps its own copy
  CHECK(t != NULL && wasm_valtype_kind(wasm_tabletype_element(t)) == WASM_FUNCREF);
  CHECK(limits_eq(wasm_tabletype_limits(t), 2, 10));
  wasm_tabletype_t* c = wasm_tabletype_copy(t);
  CHECK(c != t && tabletype_eq(c, t) && wasm_tabletype_limits(c) != wasm_tabletype_limits(t));
  wasm_tabletype_delete(t);
  CHECK(limits_eq(wasm_tabletype_limits(c), 2, 10));
  wasm_tabletype_delete(c);

  wasm_limits_t open = {0, wasm_limits_max_default};
  t = wasm_tabletype_new(wasm_valtype_new_externref(), &open);
  CHECK(limits_eq(wasm_tabletype_limits(t), 0, 0xffffffffu));
  wasm_tabletype_delete(t);
  CHECK(wasm_tabletype_new(wasm_valtype_new_i32(), &open) == NULL);  // tables hold references
  CHECK(wasm_tabletype_new(wasm_valtype_new_funcref(), NULL) == NULL);
  wasm_tabletype_delete(NULL);
  CHECK(wasm_tabletype_limits(NULL) == NULL && wasm_tabletype_element(NULL) == NULL);
}

static void test_memorytype(void) {
  wasm_limits_t limits = {1, wasm_limits_max_default};
  wasm_memorytype_t* m = wasm_memorytype_new(&limits);
  CHECK(m != NULL && limits_eq(wasm_memorytype_limits(m), 1, 0xffffffffu));
  wasm_memorytype_t* c = wasm_memorytype_copy(m);
  CHECK(c != m && memorytype_eq(c, m));
  wasm_memorytype_t* other = make_memorytype(4);
  CHECK(!memorytype_eq(other, m) && limits_eq(wasm_memorytype_limits(other), 5, 65536));
  wasm_memorytype_delete(m);
  wasm_memorytype_delete(c);
  wasm_memorytype_delete(other);
  CHECK(wasm_memorytype_new(NULL) == NULL);
  wasm_memorytype_delete(NULL);
  CHECK(wasm_memorytype_copy(NULL) == NULL && wasm_memorytype_limits(NULL) == NULL);
}

// ---- Extern types --------------------------------------------------------------------------------

static void test_externtype_conversions(void) {
  wasm_functype_t* f = make_functype(0);
  wasm_globaltype_t* g = make_globaltype(0);
  wasm_tabletype_t* t = make_tabletype(0);
  wasm_memorytype_t* m = make_memorytype(0);

  wasm_externtype_t* ef = wasm_functype_as_externtype(f);
  wasm_externtype_t* eg = wasm_globaltype_as_externtype(g);
  wasm_externtype_t* et = wasm_tabletype_as_externtype(t);
  wasm_externtype_t* em = wasm_memorytype_as_externtype(m);
  CHECK(wasm_externtype_kind(ef) == WASM_EXTERN_FUNC && wasm_externtype_kind(eg) == WASM_EXTERN_GLOBAL);
  CHECK(wasm_externtype_kind(et) == WASM_EXTERN_TABLE && wasm_externtype_kind(em) == WASM_EXTERN_MEMORY);

  // Round trips give back the very same objects, mutable and const.
  CHECK(wasm_externtype_as_functype(ef) == f && wasm_externtype_as_globaltype(eg) == g);
  CHECK(wasm_externtype_as_tabletype(et) == t && wasm_externtype_as_memorytype(em) == m);
  CHECK(wasm_functype_as_externtype_const(f) == ef && wasm_globaltype_as_externtype_const(g) == eg);
  CHECK(wasm_tabletype_as_externtype_const(t) == et && wasm_memorytype_as_externtype_const(m) == em);
  CHECK(wasm_externtype_as_functype_const(ef) == f && wasm_externtype_as_globaltype_const(eg) == g);
  CHECK(wasm_externtype_as_tabletype_const(et) == t && wasm_externtype_as_memorytype_const(em) == m);

  // Wrong kinds give NULL.
  CHECK(!wasm_externtype_as_globaltype(ef) && !wasm_externtype_as_tabletype(ef) && !wasm_externtype_as_memorytype(ef));
  CHECK(!wasm_externtype_as_functype(eg) && !wasm_externtype_as_tabletype(eg) && !wasm_externtype_as_memorytype(eg));
  CHECK(!wasm_externtype_as_functype(et) && !wasm_externtype_as_globaltype(et) && !wasm_externtype_as_memorytype(et));
  CHECK(!wasm_externtype_as_functype(em) && !wasm_externtype_as_globaltype(em) && !wasm_externtype_as_tabletype(em));
  CHECK(!wasm_externtype_as_globaltype_const(ef) && !wasm_externtype_as_tabletype_const(eg) &&
        !wasm_externtype_as_memorytype_const(et) && !wasm_externtype_as_functype_const(em));
  CHECK(!wasm_externtype_as_functype(NULL) && !wasm_externtype_as_memorytype_const(NULL));

  // Accessors work through a converted pointer.
  CHECK(wasm_functype_params(wasm_externtype_as_functype_const(ef))->size == 2);
  CHECK(limits_eq(wasm_memorytype_limits(wasm_externtype_as_memorytype_const(em)), 1, 65536));

  // A copy made through the generic type is a full object of the specific kind.
  wasm_externtype_t* copies[4] = {wasm_externtype_copy(ef), wasm_externtype_copy(eg), wasm_externtype_copy(et),
                                  wasm_externtype_copy(em)};
  CHECK(externtype_eq(copies[0], ef) && externtype_eq(copies[1], eg));
  CHECK(externtype_eq(copies[2], et) && externtype_eq(copies[3], em));
  CHECK(!externtype_eq(copies[0], eg) && !externtype_eq(copies[2], em));
  CHECK(globaltype_eq(wasm_externtype_as_globaltype(copies[1]), g));
  wasm_functype_t* fcopy = wasm_externtype_as_functype(copies[0]);
  CHECK(fcopy != NULL && fcopy != f && functype_eq(fcopy, f));

  // Deleting through the generic type and through the specific type are both fine.
  wasm_functype_delete(fcopy);
  for (int i = 1; i < 4; i++) wasm_externtype_delete(copies[i]);
  wasm_externtype_delete(ef);
  wasm_globaltype_delete(g);
  wasm_externtype_delete(et);
  wasm_memorytype_delete(m);
  wasm_externtype_delete(NULL);
  CHECK(wasm_externtype_copy(NULL) == NULL);
}

// ---- Import and export types ---------------------------------------------------------------------

static void test_importtype(void) {
  wasm_name_t module, name;
  wasm_name_new_from_string(&module, "env");
  wasm_name_new_from_string(&name, "memory");
  wasm_limits_t limits = {1, 2};
  wasm_importtype_t* i = wasm_importtype_new(&module, &name, wasm_memorytype_as_externtype(wasm_memorytype_new(&limits)));
  CHECK(i != NULL);
  CHECK(name_is(wasm_importtype_module(i), "env") && name_is(wasm_importtype_name(i), "memory"));
  const wasm_externtype_t* ty = wasm_importtype_type(i);
  CHECK(wasm_externtype_kind(ty) == WASM_EXTERN_MEMORY);
  CHECK(limits_eq(wasm_memorytype_limits(wasm_externtype_as_memorytype_const(ty)), 1, 2));
  CHECK(wasm_importtype_type(i) == ty);

  wasm_importtype_t* c = wasm_importtype_copy(i);
  CHECK(c != NULL && c != i && importtype_eq(c, i));
  CHECK(wasm_importtype_module(c)->data != wasm_importtype_module(i)->data && wasm_importtype_type(c) != ty);
  wasm_importtype_delete(i);
  CHECK(name_is(wasm_importtype_name(c), "memory"));
  wasm_importtype_t* other = make_importtype(1);
  CHECK(!importtype_eq(c, other) && name_is(wasm_importtype_name(other), "field1"));
  wasm_importtype_delete(other);
  wasm_importtype_delete(c);

  wasm_importtype_delete(NULL);
  CHECK(wasm_importtype_copy(NULL) == NULL);
  CHECK(!wasm_importtype_module(NULL) && !wasm_importtype_name(NULL) && !wasm_importtype_type(NULL));
  wasm_name_new_from_string(&module, "m");
  CHECK(wasm_importtype_new(&module, NULL, wasm_functype_as_externtype(make_functype(0))) == NULL);
}

static void test_exporttype(void) {
  wasm_name_t name;
  wasm_name_new_from_string(&name, "run");
  wasm_exporttype_t* e = wasm_exporttype_new(&name, wasm_functype_as_externtype(wasm_functype_new_0_0()));
  CHECK(e != NULL && name_is(wasm_exporttype_name(e), "run"));
  const wasm_functype_t* f = wasm_externtype_as_functype_const(wasm_exporttype_type(e));
  CHECK(f != NULL && wasm_functype_params(f)->size == 0 && wasm_functype_results(f)->size == 0);
  wasm_exporttype_t* c = wasm_exporttype_copy(e);
  CHECK(c != e && exporttype_eq(c, e) && wasm_exporttype_name(c)->data != wasm_exporttype_name(e)->data);
  wasm_exporttype_delete(e);
  CHECK(name_is(wasm_exporttype_name(c), "run"));
  wasm_exporttype_delete(c);
  wasm_exporttype_delete(NULL);
  CHECK(wasm_exporttype_copy(NULL) == NULL && !wasm_exporttype_name(NULL) && !wasm_exporttype_type(NULL));
  CHECK(wasm_exporttype_new(NULL, NULL) == NULL);
}

// ---- Vectors of every kind -----------------------------------------------------------------------

// For a vector of owned object pointers: new_empty, new_uninitialized (NULL elements), new
// (takes the elements), copy (deep: new elements, equal content), delete (NULL, empty, full).
#define TEST_OBJECT_VEC(name, make, eq)                                                   \
  static void test_##name##_vec(void) {                                                   \
    wasm_##name##_vec_t empty, uninit, full, copy;                                        \
    wasm_##name##_vec_new_empty(&empty);                                                  \
    CHECK(empty.size == 0);                                                               \
    wasm_##name##_vec_copy(&copy, &empty);                                                \
    CHECK(copy.size == 0);                                                                \
    wasm_##name##_vec_delete(&copy);                                                      \
    wasm_##name##_vec_delete(&empty);                                                     \
    wasm_##name##_vec_delete(NULL);                                                       \
    wasm_##name##_vec_new_uninitialized(&uninit, 4);                                      \
    CHECK(uninit.size == 4 && uninit.data != NULL);                                       \
    for (size_t i = 0; i < uninit.size; i++) CHECK(uninit.data[i] == NULL);               \
    uninit.data[1] = make(7); /* filling in an element hands it to the vector */          \
    wasm_##name##_vec_delete(&uninit);                                                    \
    wasm_##name##_t* items[5];                                                            \
    for (int i = 0; i < 5; i++) items[i] = make(i);                                       \
    wasm_##name##_vec_new(&full, 5, items);                                               \
    CHECK(full.size == 5 && full.data != items);                                          \
    for (int i = 0; i < 5; i++) CHECK(full.data[i] == items[i]);                          \
    wasm_##name##_vec_copy(&copy, &full);                                                 \
    CHECK(copy.size == 5 && copy.data != full.data);                                      \
    for (int i = 0; i < 5; i++) {                                                         \
      CHECK(copy.data[i] != full.data[i]);                                                \
      CHECK(eq(copy.data[i], full.data[i]));                                              \
      if (i > 0) CHECK(!eq(copy.data[i], full.data[i - 1]));                              \
    }                                                                                     \
    wasm_##name##_vec_delete(&full);                                                      \
    for (int i = 0; i < 5; i++) CHECK(copy.data[i] != NULL); /* copy is independent */    \
    wasm_##name##_vec_delete(&copy);                                                      \
  }

TEST_OBJECT_VEC(valtype, make_valtype, valtype_eq)
TEST_OBJECT_VEC(functype, make_functype, functype_eq)
TEST_OBJECT_VEC(globaltype, make_globaltype, globaltype_eq)
TEST_OBJECT_VEC(tabletype, make_tabletype, tabletype_eq)
TEST_OBJECT_VEC(memorytype, make_memorytype, memorytype_eq)
TEST_OBJECT_VEC(externtype, make_externtype, externtype_eq)
TEST_OBJECT_VEC(importtype, make_importtype, importtype_eq)
TEST_OBJECT_VEC(exporttype, make_exporttype, exporttype_eq)

static void test_byte_vec(void) {
  wasm_byte_vec_t v, c, u, e;
  wasm_byte_vec_new(&v, 4, "\x00wa\xff");
  CHECK(v.size == 4 && v.data[0] == 0 && v.data[3] == (char)0xff);
  wasm_byte_vec_copy(&c, &v);
  CHECK(c.size == 4 && c.data != v.data && memcmp(c.data, v.data, 4) == 0);
  c.data[1] = 'X';
  CHECK(v.data[1] == 'w');
  wasm_byte_vec_new_uninitialized(&u, 100);
  CHECK(u.size == 100 && u.data != NULL);
  memset(u.data, 1, 100);
  wasm_byte_vec_new_empty(&e);
  CHECK(e.size == 0);
  wasm_byte_vec_delete(&v);
  wasm_byte_vec_delete(&c);
  wasm_byte_vec_delete(&u);
  wasm_byte_vec_delete(&e);
  wasm_byte_vec_delete(NULL);
}

static void test_val_vec(void) {
  wasm_val_t vals[3] = {WASM_I32_VAL(1), WASM_I64_VAL(-2), WASM_F64_VAL(0.5)};
  wasm_val_vec_t v, c, u;
  wasm_val_vec_new(&v, 3, vals);
  CHECK(v.size == 3 && v.data != vals && v.data[1].kind == WASM_I64 && v.data[1].of.i64 == -2);
  wasm_val_vec_copy(&c, &v);
  CHECK(c.size == 3 && c.data != v.data && c.data[2].kind == WASM_F64 && c.data[2].of.f64 == 0.5);
  wasm_val_vec_new_uninitialized(&u, 2);
  CHECK(u.size == 2);
  wasm_val_vec_delete(&v);
  wasm_val_vec_delete(&c);
  wasm_val_vec_delete(&u);
  wasm_val_vec_new_empty(&u);
  CHECK(u.size == 0);
  wasm_val_vec_delete(&u);
  wasm_val_vec_delete(NULL);
}

// Frames and externs come from the runtime; here only the container behaviour with no elements.
static void test_runtime_object_vecs(void) {
  wasm_frame_vec_t f, fc;
  wasm_frame_vec_new_uninitialized(&f, 3);
  CHECK(f.size == 3 && f.data[0] == NULL && f.data[2] == NULL);
  wasm_frame_vec_copy(&fc, &f);
  CHECK(fc.size == 3 && fc.data[1] == NULL);
  wasm_frame_vec_delete(&f);
  wasm_frame_vec_delete(&fc);
  wasm_frame_vec_new_empty(&f);
  wasm_frame_vec_delete(&f);
  wasm_frame_t* no_frames[1] = {NULL};
  wasm_frame_vec_new(&f, 1, no_frames);
  CHECK(f.size == 1 && f.data[0] == NULL);
  wasm_frame_vec_delete(&f);

  wasm_extern_vec_t e, ec;
  wasm_extern_vec_new_uninitialized(&e, 2);
  CHECK(e.size == 2 && e.data[0] == NULL);
  wasm_extern_vec_copy(&ec, &e);
  CHECK(ec.size == 2 && ec.data != e.data);
  wasm_extern_vec_delete(&e);
  wasm_extern_vec_delete(&ec);
  wasm_extern_vec_new_empty(&e);
  CHECK(e.size == 0);
  wasm_extern_t* no_externs[1] = {NULL};
  wasm_extern_vec_delete(&e);
  wasm_extern_vec_new(&e, 1, no_externs);
  wasm_extern_vec_delete(&e);
  wasm_extern_vec_delete(NULL);
}

int main(void) {
  test_valtype();
  test_functype();
  test_globaltype();
  test_tabletype();
  test_memorytype();
  test_externtype_conversions();
  test_importtype();
  test_exporttype();
  test_byte_vec();
  test_valtype_vec();
  test_functype_vec();
  test_globaltype_vec();
  test_tabletype_vec();
  test_memorytype_vec();
  test_externtype_vec();
  test_importtype_vec();
  test_exporttype_vec();
  test_val_vec();
  test_runtime_object_vecs();
  printf("types_test: %d passed, %d failed\n", checks - failures, failures);
  return failures == 0 ? 0 : 1;
}
