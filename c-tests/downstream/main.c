// Downstream smoke test: compiles a tiny module (hand-assembled bytes, so no text-format
// support is needed), instantiates it and calls its export `answer`, which returns 42.
#include <wasm.h>
#include <wasmlift.h>
#include <stdio.h>

// (module (func (export "answer") (result i32) i32.const 42))
static const char module_bytes[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,                    // magic, version 1
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,                          // types: () -> i32
    0x03, 0x02, 0x01, 0x00,                                            // funcs: type 0
    0x07, 0x0a, 0x01, 0x06, 'a', 'n', 's', 'w', 'e', 'r', 0x00, 0x00,  // export "answer"
    0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b,                    // code: i32.const 42
};

int main(void) {
  int status = 1;
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  wasm_byte_vec_new(&binary, sizeof module_bytes, module_bytes);
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) {
    fprintf(stderr, "downstream: module did not compile\n");
    goto out_store;
  }
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) {
    fprintf(stderr, "downstream: instantiation failed\n");
    goto out_module;
  }
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* answer = exports.size == 1 ? wasm_extern_as_func(exports.data[0]) : NULL;
  wasm_val_t results_buf[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC;
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_buf);
  wasm_trap_t* trap = answer ? wasm_func_call(answer, &args, &results) : NULL;
  if (answer && !trap && results_buf[0].kind == WASM_I32) {
    printf("downstream: answer() = %d\n", results_buf[0].of.i32);
    status = results_buf[0].of.i32 == 42 ? 0 : 1;
  } else {
    fprintf(stderr, "downstream: calling answer failed\n");
    wasm_trap_delete(trap);
  }
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
out_module:
  wasm_module_delete(module);
out_store:
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return status;
}
