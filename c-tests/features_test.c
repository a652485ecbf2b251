// Feature sets and proposal switches: the default engine accepts WebAssembly 3.0 modules that
// the 2.0 feature set rejects with a message naming the feature; a single switch turns one
// proposal off or back on; a forged feature-set number changes nothing.
#include <stdio.h>
#include <string.h>

#include "test_util.h"

// Two memories (multi-memory), a tail call and an extended constant expression.
static const char* MULTI_MEMORY_WAT = "(module (memory 1) (memory 1))";
static const char* TAIL_CALL_WAT = "(module (func $f (return_call $f)))";
static const char* EXTENDED_CONST_WAT = "(module (global i32 (i32.add (i32.const 1) (i32.const 2))))";
// An i64-indexed memory (memory64) and a relaxed SIMD instruction.
static const char* MEMORY64_WAT = "(module (memory i64 1) (func (result i64) (memory.size)))";
static const char* RELAXED_SIMD_WAT =
    "(module (func (param v128 v128) (result v128) (i8x16.relaxed_swizzle (local.get 0) (local.get 1))))";

// Whether `wat` compiles under the engine `config` builds; `config` is consumed.
static int accepts(wasm_config_t* config, const char* wat, const char* expected_error) {
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t bytes;
  wat_to_wasm(wat, &bytes);
  int valid = wasm_module_validate(store, &bytes);
  wasm_module_t* module = wasm_module_new(store, &bytes);
  CHECK_EQ(valid, module != NULL);
  if (module == NULL && expected_error != NULL) {
    const char* message = wasmlift_error_message();
    CHECK_MSG(message != NULL && strstr(message, expected_error) != NULL, "error \"%s\" lacks \"%s\"",
              message ? message : "(null)", expected_error);
  }
  if (module) wasm_module_delete(module);
  wasm_byte_vec_delete(&bytes);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return module != NULL;
}

static wasm_config_t* wasm2_config(void) {
  wasm_config_t* config = wasm_config_new();
  CHECK(wasmlift_config_feature_set(config, WASMLIFT_FEATURES_WASM2));
  return config;
}

int main(void) {
  // The default is 3.0.
  CHECK(accepts(wasm_config_new(), MULTI_MEMORY_WAT, NULL));
  CHECK(accepts(wasm_config_new(), TAIL_CALL_WAT, NULL));
  CHECK(accepts(wasm_config_new(), EXTENDED_CONST_WAT, NULL));
  CHECK(accepts(wasm_config_new(), MEMORY64_WAT, NULL));
  CHECK(accepts(wasm_config_new(), RELAXED_SIMD_WAT, NULL));

  // 2.0 rejects each, saying why.
  CHECK(!accepts(wasm2_config(), MULTI_MEMORY_WAT, "multiple memories"));
  CHECK(!accepts(wasm2_config(), TAIL_CALL_WAT, "tail calls"));
  CHECK(!accepts(wasm2_config(), EXTENDED_CONST_WAT, "constant expression"));
  CHECK(!accepts(wasm2_config(), MEMORY64_WAT, "memory64"));
  CHECK(!accepts(wasm2_config(), RELAXED_SIMD_WAT, "relaxed SIMD"));

  // One switch on top of 2.0, or off under 3.0.
  wasm_config_t* config = wasm2_config();
  wasmlift_config_tail_call(config, true);
  CHECK(accepts(config, TAIL_CALL_WAT, NULL));
  config = wasm_config_new();
  wasmlift_config_multi_memory(config, false);
  CHECK(!accepts(config, MULTI_MEMORY_WAT, "multiple memories"));
  config = wasm_config_new();
  wasmlift_config_extended_const(config, false);
  CHECK(!accepts(config, EXTENDED_CONST_WAT, "constant expression"));
  config = wasm_config_new();
  wasmlift_config_memory64(config, false);
  CHECK(!accepts(config, MEMORY64_WAT, "memory64"));
  config = wasm_config_new();
  wasmlift_config_relaxed_simd(config, false);
  CHECK(!accepts(config, RELAXED_SIMD_WAT, "relaxed SIMD"));

  // GC is part of 3.0 and on by default; its switch turns it off (wasm_module_new then refuses
  // its instructions and types, naming the proposal, also inside rec groups the 3.0 type system
  // allows), and 2.0 has none of it.
  static const char* GC_WAT = "(module (func (drop (ref.i31 (i32.const 1)))))";
  static const char* GC_TYPE_WAT = "(module (rec (type (struct)) (type (func))))";
  CHECK(accepts(wasm_config_new(), GC_WAT, NULL));
  CHECK(accepts(wasm_config_new(), GC_TYPE_WAT, NULL));
  CHECK(!accepts(wasm2_config(), GC_WAT, NULL));
  config = wasm_config_new();
  wasmlift_config_gc(config, false);
  CHECK(!accepts(config, GC_WAT, "gc"));
  config = wasm_config_new();
  wasmlift_config_gc(config, false);
  CHECK(!accepts(config, GC_TYPE_WAT, "gc"));
  config = wasm2_config();
  wasmlift_config_function_references(config, true);
  wasmlift_config_gc(config, true);
  CHECK(accepts(config, GC_WAT, NULL));

  // Hostile input: unknown sets and NULL change nothing and say so.
  config = wasm2_config();
  CHECK(!wasmlift_config_feature_set(config, 4));
  CHECK(strstr(wasmlift_error_message(), "unknown feature set 4") != NULL);
  CHECK(!wasmlift_config_feature_set(config, 0xffffffffu));
  CHECK(!accepts(config, TAIL_CALL_WAT, "tail calls"));
  CHECK(!wasmlift_config_feature_set(NULL, WASMLIFT_FEATURES_WASM3));
  wasmlift_config_memory64(NULL, true);
  return test_report("features_test");
}
