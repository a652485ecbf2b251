// Start-up benchmark for any library implementing wasm.h: the time from the start of
// wasm_module_new until the first call of an export returns, for one large module.
// Imports are satisfied with dummies (functions returning zeros, fresh memories, tables and
// globals of the declared types), so any module instantiates; the called export gets zero
// arguments, and a trap also counts as the call returning.
//
// Usage: startup MODULE.wasm [--export NAME] [--runs N] [--engine NAME] [--label NAME] [--list]
// Output (bench/report.py format), per run:
//   R <engine> startup-<module>-new ms ...   wasm_module_new
//   R <engine> startup-<module>-first ms ... new + instantiate + first call returned
//   R <engine> startup-<module>-toptier ms . from the start of wasm_module_new until every
//                                             function runs optimised code (the library's
//                                             wasmlift_module_wait_for_tier_up, found with dlsym;
//                                             engines without it compile eagerly: = new)
// With wasmlift, WASMLIFT_COMPILATION=eager|lazy|tiered selects the compilation mode.
#define _GNU_SOURCE  // dlsym's RTLD_DEFAULT
#include <dlfcn.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wasm.h"

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static wasm_trap_t* zeros(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)env;
  (void)args;
  for (size_t i = 0; i < results->size; i++) {
    wasm_valkind_t k = results->data[i].kind;
    memset(&results->data[i], 0, sizeof results->data[i]);
    results->data[i].kind = k;
  }
  return NULL;
}

static wasm_val_t zero_of(const wasm_valtype_t* t) {
  wasm_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = wasm_valtype_kind(t);
  return v;
}

static wasm_extern_t* dummy(wasm_store_t* store, const wasm_externtype_t* type) {
  switch (wasm_externtype_kind(type)) {
    case WASM_EXTERN_FUNC: {
      const wasm_functype_t* ft = wasm_externtype_as_functype_const(type);
      // The results' kinds are filled in by the engine before the callback runs.
      return wasm_func_as_extern(wasm_func_new_with_env(store, ft, zeros, NULL, NULL));
    }
    case WASM_EXTERN_MEMORY:
      return wasm_memory_as_extern(wasm_memory_new(store, wasm_externtype_as_memorytype_const(type)));
    case WASM_EXTERN_TABLE:
      return wasm_table_as_extern(wasm_table_new(store, wasm_externtype_as_tabletype_const(type), NULL));
    case WASM_EXTERN_GLOBAL: {
      const wasm_globaltype_t* gt = wasm_externtype_as_globaltype_const(type);
      wasm_val_t v = zero_of(wasm_globaltype_content(gt));
      return wasm_global_as_extern(wasm_global_new(store, gt, &v));
    }
  }
  return NULL;
}

static unsigned char* read_file(const char* path, size_t* len) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char* buf = malloc(n > 0 ? (size_t)n : 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *len = (size_t)n;
  return buf;
}

// One start-up: returns 0 on success and fills the two times.
static int start_up(wasm_engine_t* engine, const unsigned char* bytes, size_t len, const char* export_name,
                    int list, double* t_new, double* t_first, double* t_top) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  wasm_byte_vec_new(&binary, len, (const wasm_byte_t*)bytes);
  double t0 = now_ms();
  wasm_module_t* module = wasm_module_new(store, &binary);
  double t1 = now_ms();
  wasm_byte_vec_delete(&binary);
  if (!module) {
    fprintf(stderr, "startup: wasm_module_new failed\n");
    wasm_store_delete(store);
    return 1;
  }
  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  wasm_extern_t** provided = calloc(imports.size + 1, sizeof *provided);
  for (size_t i = 0; i < imports.size; i++) provided[i] = dummy(store, wasm_importtype_type(imports.data[i]));
  wasm_extern_vec_t import_vec = {imports.size, provided};
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, &trap);
  int status = 0;
  if (!instance) {
    fprintf(stderr, "startup: instantiation failed\n");
    status = 1;
  } else {
    wasm_exporttype_vec_t types;
    wasm_module_exports(module, &types);
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    const wasm_func_t* target = NULL;
    for (size_t i = 0; i < types.size && !target; i++) {
      const wasm_name_t* name = wasm_exporttype_name(types.data[i]);
      const wasm_func_t* f = wasm_extern_as_func_const(exports.data[i]);
      if (list) {
        fprintf(stderr, "export %.*s%s\n", (int)name->size, name->data, f ? " (func)" : "");
        continue;
      }
      if (!f) continue;
      if (export_name ? (strlen(export_name) == name->size && memcmp(export_name, name->data, name->size) == 0)
                      : wasm_func_param_arity(f) == 0)
        target = f;
    }
    // No export without parameters: the first exported function, with zero arguments.
    for (size_t i = 0; i < types.size && !target && !export_name && !list; i++)
      target = wasm_extern_as_func_const(exports.data[i]);
    if (target) {
      size_t np = wasm_func_param_arity(target), nr = wasm_func_result_arity(target);
      wasm_functype_t* ft = wasm_func_type(target);
      wasm_val_t* args = calloc(np + 1, sizeof *args);
      wasm_val_t* results = calloc(nr + 1, sizeof *results);
      for (size_t i = 0; i < np; i++) args[i] = zero_of(wasm_functype_params(ft)->data[i]);
      wasm_val_vec_t av = {np, args}, rv = {nr, results};
      wasm_trap_t* t = wasm_func_call(target, &av, &rv);
      if (t) wasm_trap_delete(t);
      free(args);
      free(results);
      wasm_functype_delete(ft);
    } else if (!list) {
      fprintf(stderr, "startup: no export to call\n");
      status = 1;
    }
    double t2 = now_ms();
    // Tiered mode (wasmlift's default): the background tier-up started in wasm_module_new;
    // wait for it to finish. Eager code is at the top tier when wasm_module_new returns.
    void (*wait_for_tier_up)(const wasm_module_t*) =
        (void (*)(const wasm_module_t*))(uintptr_t)dlsym(RTLD_DEFAULT, "wasmlift_module_wait_for_tier_up");
    const char* mode = getenv("WASMLIFT_COMPILATION");
    int waits = wait_for_tier_up && (!mode || strcmp(mode, "tiered") == 0);
    if (waits) wait_for_tier_up(module);
    double t3 = now_ms();
    *t_new = t1 - t0;
    *t_first = t2 - t0;
    *t_top = waits ? t3 - t0 : t1 - t0;
    wasm_extern_vec_delete(&exports);
    wasm_exporttype_vec_delete(&types);
    wasm_instance_delete(instance);
  }
  if (trap) wasm_trap_delete(trap);
  for (size_t i = 0; i < imports.size; i++)
    if (provided[i]) wasm_extern_delete(provided[i]);
  free(provided);
  wasm_importtype_vec_delete(&imports);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return status;
}

int main(int argc, char** argv) {
  const char *path = NULL, *export_name = NULL, *engine_name = "wasmlift", *label_arg = NULL;
  int runs = 3, list = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--export") == 0 && i + 1 < argc) export_name = argv[++i];
    else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) runs = atoi(argv[++i]);
    else if (strcmp(argv[i], "--engine") == 0 && i + 1 < argc) engine_name = argv[++i];
    else if (strcmp(argv[i], "--label") == 0 && i + 1 < argc) label_arg = argv[++i];
    else if (strcmp(argv[i], "--list") == 0) list = 1;
    else path = argv[i];
  }
  if (!path) {
    fprintf(stderr, "usage: startup MODULE.wasm [--export NAME] [--runs N] [--engine NAME] [--list]\n");
    return 2;
  }
  size_t len;
  unsigned char* bytes = read_file(path, &len);
  if (!bytes) {
    fprintf(stderr, "startup: cannot read %s\n", path);
    return 1;
  }
  const char* base = strrchr(path, '/');
  base = base ? base + 1 : path;
  char label[64];
  if (label_arg) snprintf(label, sizeof label, "%s", label_arg);
  else snprintf(label, sizeof label, "%.*s", (int)(strcspn(base, ".")), base);
  double* news = calloc(runs, sizeof *news);
  double* firsts = calloc(runs, sizeof *firsts);
  double* tops = calloc(runs, sizeof *tops);
  int status = 0;
  for (int r = 0; r < runs && status == 0; r++) {
    // A fresh engine each run: nothing compiled before is reused.
    wasm_engine_t* engine = wasm_engine_new();
    status = start_up(engine, bytes, len, export_name, list, &news[r], &firsts[r], &tops[r]);
    wasm_engine_delete(engine);
    if (list) return status;
  }
  if (status == 0) {
    printf("R\t%s\tstartup-%s-new\tms\t", engine_name, label);
    for (int r = 0; r < runs; r++) printf("%s%.2f", r ? "," : "", news[r]);
    printf("\nR\t%s\tstartup-%s-first\tms\t", engine_name, label);
    for (int r = 0; r < runs; r++) printf("%s%.2f", r ? "," : "", firsts[r]);
    printf("\nR\t%s\tstartup-%s-toptier\tms\t", engine_name, label);
    for (int r = 0; r < runs; r++) printf("%s%.2f", r ? "," : "", tops[r]);
    printf("\n");
  }
  free(news);
  free(firsts);
  free(tops);
  free(bytes);
  return status;
}
