// wasmlift demo: compiles a module from WebAssembly text, gives it a host function for its
// import, and calls its export. Built by CMake as build/demo (see README.md).
#include <stdio.h>
#include <string.h>
#include <wasm.h>
#include <wasmlift.h>

static const char* wat =
    "(module\n"
    "  (import \"env\" \"hello\" (func $hello (param i32)))\n"
    "  (func (export \"run\") (param i32)\n"
    "    (call $hello (i32.add (local.get 0) (i32.const 1)))))";

static wasm_trap_t* hello(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  printf("hello from the host, got %d\n", args->data[0].of.i32);
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  if (!wasmlift_wat2wasm(wat, strlen(wat), &binary)) return 1;
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) return 1;

  wasm_functype_t* hello_type = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t* host = wasm_func_new(store, hello_type, hello);
  wasm_functype_delete(hello_type);
  wasm_extern_t* import_list[] = {wasm_func_as_extern(host)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) return 1;

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t arg_list[] = {WASM_I32_VAL(41)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(arg_list), results = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results);
  int status = trap == NULL ? 0 : 1;

  wasm_trap_delete(trap);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return status;
}
