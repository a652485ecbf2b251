// Module reflection through the standard API only (no wasmlift extension), in the style of the
// upstream reflect.c example: a module with every kind of import and export must list them, in
// declaration order and with full types, exactly as expected. The binary is embedded (it was
// produced from the WAT in the comment below) so that this program is a plain wasm.h program.
//
// (module
//  (import "env" "f" (func (param i32 f64) (result i64)))
//  (import "env" "g" (global (mut f32)))
//  (import "env" "t" (table 2 10 funcref))
//  (import "env" "m" (memory 1 3))
//  (import "other" "e" (global externref))
//  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
//  (func (export "pair") (result i32 f32) (i32.const 1) (f32.const 2))
//  (global (export "counter") (mut i64) (i64.const 0))
//  (table (export "tab") 1 funcref)
//  (export "mem" (memory 0))
//  (export "f_again" (func 0))
//  (export "g_again" (global 0)))
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm.h"

static const unsigned char module_bytes[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x12, 0x03, 0x60, 0x02, 0x7f, 0x7c, 0x01,
    0x7e, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x00, 0x02, 0x7f, 0x7d, 0x02, 0x32, 0x05, 0x03,
    0x65, 0x6e, 0x76, 0x01, 0x66, 0x00, 0x00, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x67, 0x03, 0x7d, 0x01,
    0x03, 0x65, 0x6e, 0x76, 0x01, 0x74, 0x01, 0x70, 0x01, 0x02, 0x0a, 0x03, 0x65, 0x6e, 0x76, 0x01,
    0x6d, 0x02, 0x01, 0x01, 0x03, 0x05, 0x6f, 0x74, 0x68, 0x65, 0x72, 0x01, 0x65, 0x03, 0x6f, 0x00,
    0x03, 0x03, 0x02, 0x01, 0x02, 0x04, 0x04, 0x01, 0x70, 0x00, 0x01, 0x06, 0x06, 0x01, 0x7e, 0x01,
    0x42, 0x00, 0x0b, 0x07, 0x38, 0x07, 0x03, 0x61, 0x64, 0x64, 0x00, 0x01, 0x04, 0x70, 0x61, 0x69,
    0x72, 0x00, 0x02, 0x07, 0x63, 0x6f, 0x75, 0x6e, 0x74, 0x65, 0x72, 0x03, 0x02, 0x03, 0x74, 0x61,
    0x62, 0x01, 0x01, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x07, 0x66, 0x5f, 0x61, 0x67, 0x61, 0x69,
    0x6e, 0x00, 0x00, 0x07, 0x67, 0x5f, 0x61, 0x67, 0x61, 0x69, 0x6e, 0x03, 0x00, 0x0a, 0x13, 0x02,
    0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, 0x09, 0x00, 0x41, 0x01, 0x43, 0x00, 0x00, 0x00,
    0x40, 0x0b, 0x00, 0x0d, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x01, 0x06, 0x01, 0x01, 0x03, 0x61, 0x64,
    0x64,
};

static char out[4096];
static size_t used = 0;

static void put(const char* s) {
  size_t n = strlen(s);
  if (used + n < sizeof(out)) {
    memcpy(out + used, s, n);
    used += n;
    out[used] = 0;
  }
}

static const char* kind_name(wasm_valkind_t k) {
  switch (k) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_EXTERNREF: return "externref";
    case WASM_FUNCREF: return "funcref";
    default: return "?";
  }
}

static void put_valtypes(const wasm_valtype_vec_t* v) {
  put("(");
  for (size_t i = 0; i < v->size; i++) {
    if (i) put(" ");
    put(kind_name(wasm_valtype_kind(v->data[i])));
  }
  put(")");
}

static void put_limits(const wasm_limits_t* l) {
  char buf[64];
  if (l->max == wasm_limits_max_default) snprintf(buf, sizeof buf, "%u", l->min);
  else snprintf(buf, sizeof buf, "%u..%u", l->min, l->max);
  put(buf);
}

static void put_externtype(const wasm_externtype_t* t) {
  switch (wasm_externtype_kind(t)) {
    case WASM_EXTERN_FUNC: {
      const wasm_functype_t* f = wasm_externtype_as_functype_const(t);
      put("func ");
      put_valtypes(wasm_functype_params(f));
      put(" -> ");
      put_valtypes(wasm_functype_results(f));
      break;
    }
    case WASM_EXTERN_GLOBAL: {
      const wasm_globaltype_t* g = wasm_externtype_as_globaltype_const(t);
      put("global ");
      put(wasm_globaltype_mutability(g) == WASM_VAR ? "var " : "const ");
      put(kind_name(wasm_valtype_kind(wasm_globaltype_content(g))));
      break;
    }
    case WASM_EXTERN_TABLE: {
      const wasm_tabletype_t* tt = wasm_externtype_as_tabletype_const(t);
      put("table ");
      put_limits(wasm_tabletype_limits(tt));
      put(" ");
      put(kind_name(wasm_valtype_kind(wasm_tabletype_element(tt))));
      break;
    }
    case WASM_EXTERN_MEMORY:
      put("memory ");
      put_limits(wasm_memorytype_limits(wasm_externtype_as_memorytype_const(t)));
      break;
    default:
      put("unknown");
  }
}

static void put_name(const wasm_name_t* n) {
  char buf[256];
  snprintf(buf, sizeof buf, "%.*s", (int)n->size, n->data);
  put(buf);
}

static const char* expected =
    "import env.f: func (i32 f64) -> (i64)\n"
    "import env.g: global var f32\n"
    "import env.t: table 2..10 funcref\n"
    "import env.m: memory 1..3\n"
    "import other.e: global const externref\n"
    "export add: func (i32 i32) -> (i32)\n"
    "export pair: func () -> (i32 f32)\n"
    "export counter: global var i64\n"
    "export tab: table 1 funcref\n"
    "export mem: memory 1..3\n"
    "export f_again: func (i32 f64) -> (i64)\n"
    "export g_again: global var f32\n";

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  wasm_byte_vec_new(&binary, sizeof module_bytes, (const wasm_byte_t*)module_bytes);
  if (!wasm_module_validate(store, &binary)) {
    fprintf(stderr, "reflect_test: module does not validate\n");
    return 1;
  }
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) {
    fprintf(stderr, "reflect_test: wasm_module_new failed\n");
    return 1;
  }

  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  for (size_t i = 0; i < imports.size; i++) {
    put("import ");
    put_name(wasm_importtype_module(imports.data[i]));
    put(".");
    put_name(wasm_importtype_name(imports.data[i]));
    put(": ");
    put_externtype(wasm_importtype_type(imports.data[i]));
    put("\n");
  }
  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  for (size_t i = 0; i < exports.size; i++) {
    put("export ");
    put_name(wasm_exporttype_name(exports.data[i]));
    put(": ");
    put_externtype(wasm_exporttype_type(exports.data[i]));
    put("\n");
  }

  // A deep copy of the vectors lists the same thing and is independent of the original.
  wasm_exporttype_vec_t copy;
  wasm_exporttype_vec_copy(&copy, &exports);
  int copy_ok = copy.size == exports.size && copy.size > 0 && copy.data[0] != exports.data[0] &&
                wasm_exporttype_name(copy.data[0])->size == 3 &&
                memcmp(wasm_exporttype_name(copy.data[0])->data, "add", 3) == 0;
  wasm_exporttype_vec_delete(&copy);

  wasm_importtype_vec_delete(&imports);
  wasm_exporttype_vec_delete(&exports);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);

  printf("%s", out);
  if (strcmp(out, expected) != 0) {
    fprintf(stderr, "reflect_test: listing differs; expected:\n%s", expected);
    return 1;
  }
  if (!copy_ok) {
    fprintf(stderr, "reflect_test: wasm_exporttype_vec_copy is not a deep copy\n");
    return 1;
  }
  printf("reflect_test: ok\n");
  return 0;
}
