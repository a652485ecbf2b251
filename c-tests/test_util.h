// Shared helpers for the C API test programs in c-tests/: CHECK macros that print file:line and
// count failures, building modules from WebAssembly text (wasmlift_wat2wasm), looking up exports
// by name, calling functions and reading trap messages. Header-only (static inline): each test
// program is a single translation unit.
#ifndef WASMLIFT_TEST_UTIL_H
#define WASMLIFT_TEST_UTIL_H

#include "wasm.h"
#include "wasmlift.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Memcheck's client requests, when the headers are installed: guard-page tests tell memcheck
// which faulting accesses are deliberate.
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define TEST_HAVE_VALGRIND_H 1
#endif
#endif

// Failed checks so far (updated atomically: some tests check from several threads).
static int test_failures_ = 0;
static int test_checks_ = 0;

static inline void test_fail_(const char* file, int line, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s:%d: check failed: ", file, line);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  fflush(stderr);
  va_end(ap);
  __atomic_fetch_add(&test_failures_, 1, __ATOMIC_SEQ_CST);
}

// Records a failure (and goes on) when `cond` is false.
#define CHECK(cond)                                                   \
  do {                                                                \
    __atomic_fetch_add(&test_checks_, 1, __ATOMIC_RELAXED);           \
    if (!(cond)) test_fail_(__FILE__, __LINE__, "%s", #cond);         \
  } while (0)

// Like CHECK, with a printf-style explanation.
#define CHECK_MSG(cond, ...)                                          \
  do {                                                                \
    __atomic_fetch_add(&test_checks_, 1, __ATOMIC_RELAXED);           \
    if (!(cond)) test_fail_(__FILE__, __LINE__, __VA_ARGS__);         \
  } while (0)

// Integer equality, printing both values on failure.
#define CHECK_EQ(actual, expected)                                                          \
  do {                                                                                      \
    long long a_ = (long long)(actual), e_ = (long long)(expected);                         \
    __atomic_fetch_add(&test_checks_, 1, __ATOMIC_RELAXED);                                 \
    if (a_ != e_) test_fail_(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", #actual, \
                             a_, #expected, e_);                                            \
  } while (0)

// A check the rest of the program depends on: on failure, report and exit(1) at once.
#define REQUIRE(cond)                                                                     \
  do {                                                                                    \
    __atomic_fetch_add(&test_checks_, 1, __ATOMIC_RELAXED);                               \
    if (!(cond)) {                                                                        \
      test_fail_(__FILE__, __LINE__, "%s (required; last error: \"%s\")", #cond,          \
                 wasmlift_error_message());                                               \
      exit(1);                                                                            \
    }                                                                                     \
  } while (0)

// Prints the summary; the value to return from main.
static inline int test_report(const char* name) {
  int failures = __atomic_load_n(&test_failures_, __ATOMIC_SEQ_CST);
  if (failures) {
    fprintf(stderr, "%s: FAILED (%d of %d checks failed)\n", name, failures, test_checks_);
    return 1;
  }
  printf("%s: ok (%d checks)\n", name, test_checks_);
  return 0;
}

// True when running under valgrind (client request, or its preload library in LD_PRELOAD).
static inline int test_under_valgrind(void) {
#ifdef TEST_HAVE_VALGRIND_H
  if (RUNNING_ON_VALGRIND) return 1;
#endif
  const char* p = getenv("LD_PRELOAD");
  return p != NULL && (strstr(p, "vgpreload") != NULL || strstr(p, "valgrind") != NULL);
}

// The process's resident memory in bytes (VmRSS in /proc/self/status; 0 when unreadable).
static inline long test_rss_bytes(void) {
  FILE* f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = 0;
  while (f && fgets(line, sizeof line, f)) {
    if (strncmp(line, "VmRSS:", 6) == 0) {
      kib = strtol(line + 6, NULL, 10);
      break;
    }
  }
  if (f) fclose(f);
  return kib * 1024;
}

// True when built with AddressSanitizer (WASMLIFT_SANITIZE): its quarantine keeps freed memory
// resident for a while, so resident-size checks mean nothing there (LeakSanitizer checks leaks).
static inline int test_under_asan(void) {
#if defined(__SANITIZE_ADDRESS__)
  return 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return 1;
#else
  return 0;
#endif
#else
  return 0;
#endif
}

// Deliberate faults: accesses to [start, start + len) are expected to fault (a linear memory's
// guard region, a PROT_NONE page) and the fault is handled; memcheck must not report them.
static inline void test_expect_faults_in(const void* start, size_t len) {
#ifdef TEST_HAVE_VALGRIND_H
  (void)VALGRIND_DISABLE_ADDR_ERROR_REPORTING_IN_RANGE(start, len);
#else
  (void)start;
  (void)len;
#endif
}

// Undoes test_expect_faults_in (before the range is unmapped and possibly reused).
static inline void test_unexpect_faults_in(const void* start, size_t len) {
#ifdef TEST_HAVE_VALGRIND_H
  (void)VALGRIND_ENABLE_ADDR_ERROR_REPORTING_IN_RANGE(start, len);
#else
  (void)start;
  (void)len;
#endif
}

// With guard pages (the default) an out-of-bounds wasm access touches the inaccessible
// reservation that follows a linear memory (8 GiB from its base covers every 32-bit address
// plus offset) and becomes a trap: expected faults for memcheck. Harmless with explicit checks.
#define TEST_GUARD_REGION ((size_t)8 << 30)
static inline void expect_guard_faults(wasm_memory_t* mem) {
  test_expect_faults_in(wasm_memory_data(mem), TEST_GUARD_REGION);
}
static inline void unexpect_guard_faults(wasm_memory_t* mem) {
  test_unexpect_faults_in(wasm_memory_data(mem), TEST_GUARD_REGION);
}

// An iteration count: argv[1] when given, otherwise `native` (or `valgrind` under valgrind).
static inline long test_iterations(int argc, char** argv, long native, long valgrind) {
  if (argc > 1) {
    char* end = NULL;
    long n = strtol(argv[1], &end, 10);
    if (end != argv[1] && *end == '\0' && n > 0) return n;
    fprintf(stderr, "usage: %s [iterations]\n", argv[0]);
    exit(2);
  }
  return test_under_valgrind() ? valgrind : native;
}

// An engine with guard pages (explicit == 0) or explicit bounds checks (explicit == 1), whatever
// the default is (WASMLIFT_EXPLICIT_BOUNDS_CHECKS may change it, e.g. for valgrind runs).
static inline wasm_engine_t* engine_with_bounds_checks(int explicit_checks) {
  wasm_config_t* config = wasm_config_new();
  wasmlift_config_explicit_bounds_checks(config, explicit_checks != 0);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  REQUIRE(engine != NULL);
  return engine;
}

// ---- Modules ----

// Translates WebAssembly text into `out` (owned by the caller); exits on a syntax error, which
// is a bug in the test itself.
static inline void wat_to_wasm(const char* wat, wasm_byte_vec_t* out) {
  if (!wasmlift_wat2wasm(wat, strlen(wat), out)) {
    fprintf(stderr, "wasmlift_wat2wasm failed: %s\n--- text ---\n%s\n", wasmlift_error_message(), wat);
    exit(1);
  }
}

// Compiles a module from WebAssembly text; exits when that fails.
static inline wasm_module_t* module_from_wat(wasm_store_t* store, const char* wat) {
  wasm_byte_vec_t binary;
  wat_to_wasm(wat, &binary);
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (module == NULL) {
    fprintf(stderr, "wasm_module_new failed: %s\n--- text ---\n%s\n", wasmlift_error_message(), wat);
    exit(1);
  }
  return module;
}

// ---- Traps ----

// The trap's message as a malloc'ed C string (caller frees). Checks that the message vector is
// NUL-terminated with the NUL counted in its size, as the standard requires.
static inline char* trap_message(const wasm_trap_t* trap) {
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  CHECK_MSG(msg.size > 0 && msg.data != NULL && msg.data[msg.size - 1] == '\0',
            "trap message is not NUL-terminated (size %zu)", msg.size);
  char* s = (char*)malloc(msg.size + 1);
  if (msg.size) memcpy(s, msg.data, msg.size);
  s[msg.size] = '\0';
  wasm_byte_vec_delete(&msg);
  return s;
}

static inline int trap_check_(const char* file, int line, wasm_trap_t* trap, const char* expected, int exact) {
  __atomic_fetch_add(&test_checks_, 1, __ATOMIC_RELAXED);
  if (trap == NULL) {
    test_fail_(file, line, "expected a trap \"%s\", got none", expected);
    return 0;
  }
  char* msg = trap_message(trap);
  int ok = exact ? strcmp(msg, expected) == 0 : strstr(msg, expected) != NULL;
  if (!ok) test_fail_(file, line, "trap message \"%s\", expected %s\"%s\"", msg, exact ? "" : "it to contain ", expected);
  free(msg);
  return ok;
}

// The trap exists and its message is exactly / contains `expected`. The trap is not deleted.
#define CHECK_TRAP_IS(trap, expected) trap_check_(__FILE__, __LINE__, (trap), (expected), 1)
#define CHECK_TRAP_HAS(trap, expected) trap_check_(__FILE__, __LINE__, (trap), (expected), 0)

// Calls a () -> () function; it must trap with exactly `expected`. The trap is deleted.
static inline void call0_traps_(const char* file, int line, const wasm_func_t* f, const char* expected) {
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(f, &none, &none);
  trap_check_(file, line, trap, expected, 1);
  if (trap) wasm_trap_delete(trap);
}
#define CHECK_CALL0_TRAPS(f, expected) call0_traps_(__FILE__, __LINE__, (f), (expected))

// No trap; otherwise prints its message and deletes it.
#define CHECK_NO_TRAP(trap)                                                    \
  do {                                                                         \
    wasm_trap_t* t_ = (trap);                                                  \
    __atomic_fetch_add(&test_checks_, 1, __ATOMIC_RELAXED);                    \
    if (t_ != NULL) {                                                          \
      char* m_ = trap_message(t_);                                             \
      test_fail_(__FILE__, __LINE__, "unexpected trap \"%s\" from %s", m_, #trap); \
      free(m_);                                                                \
      wasm_trap_delete(t_);                                                    \
    }                                                                          \
  } while (0)

// A trap with `message` (NUL included) created in `store`.
static inline wasm_trap_t* make_trap(wasm_store_t* store, const char* message) {
  wasm_message_t msg;
  wasm_name_new_from_string_nt(&msg, message);
  wasm_trap_t* trap = wasm_trap_new(store, &msg);
  wasm_byte_vec_delete(&msg);
  return trap;
}

// ---- Exports ----

// The export called `name` as a new handle owned by the caller, or NULL when there is none.
static inline wasm_extern_t* get_export(const wasm_module_t* module, const wasm_instance_t* instance, const char* name) {
  wasm_exporttype_vec_t types;
  wasm_extern_vec_t externs;
  wasm_module_exports(module, &types);
  wasm_instance_exports(instance, &externs);
  wasm_extern_t* found = NULL;
  CHECK_EQ(types.size, externs.size);
  for (size_t i = 0; i < types.size && i < externs.size; i++) {
    const wasm_name_t* n = wasm_exporttype_name(types.data[i]);
    if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0) {
      found = wasm_extern_copy(externs.data[i]);
      break;
    }
  }
  wasm_exporttype_vec_delete(&types);
  wasm_extern_vec_delete(&externs);
  return found;
}

static inline wasm_extern_t* require_export_(const wasm_module_t* m, const wasm_instance_t* i, const char* name,
                                             wasm_externkind_t kind) {
  wasm_extern_t* e = get_export(m, i, name);
  if (e == NULL || wasm_extern_kind(e) != kind) {
    fprintf(stderr, "missing export \"%s\" of kind %d\n", name, (int)kind);
    exit(1);
  }
  return e;
}

// Exports of a given kind (owned by the caller; delete with the matching wasm_*_delete). Exit
// when missing: the module text is part of the test.
static inline wasm_func_t* export_func(const wasm_module_t* m, const wasm_instance_t* i, const char* name) {
  return wasm_extern_as_func(require_export_(m, i, name, WASM_EXTERN_FUNC));
}
static inline wasm_global_t* export_global(const wasm_module_t* m, const wasm_instance_t* i, const char* name) {
  return wasm_extern_as_global(require_export_(m, i, name, WASM_EXTERN_GLOBAL));
}
static inline wasm_table_t* export_table(const wasm_module_t* m, const wasm_instance_t* i, const char* name) {
  return wasm_extern_as_table(require_export_(m, i, name, WASM_EXTERN_TABLE));
}
static inline wasm_memory_t* export_memory(const wasm_module_t* m, const wasm_instance_t* i, const char* name) {
  return wasm_extern_as_memory(require_export_(m, i, name, WASM_EXTERN_MEMORY));
}

// Instantiates; on failure reports the trap's message and exits.
static inline wasm_instance_t* instantiate(wasm_store_t* store, const wasm_module_t* module, wasm_extern_t** imports,
                                           size_t nimports) {
  wasm_extern_vec_t vec = {nimports, imports};
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &vec, &trap);
  if (instance == NULL) {
    char* msg = trap ? trap_message(trap) : NULL;
    fprintf(stderr, "wasm_instance_new failed: %s\n", msg ? msg : wasmlift_error_message());
    free(msg);
    exit(1);
  }
  if (trap != NULL) {
    fprintf(stderr, "wasm_instance_new returned an instance and a trap\n");
    exit(1);
  }
  return instance;
}

// ---- Calls ----

// Calls `f` with `nargs` arguments, writing `nresults` results; returns the trap (or NULL).
static inline wasm_trap_t* call(const wasm_func_t* f, wasm_val_t* args, size_t nargs, wasm_val_t* results,
                                size_t nresults) {
  wasm_val_vec_t a = {nargs, args};
  wasm_val_vec_t r = {nresults, results};
  return wasm_func_call(f, &a, &r);
}

// Calls an (i32...) -> i32 function; a trap is reported as a failure and gives `fallback`.
static inline int32_t call_i32_(const char* file, int line, const wasm_func_t* f, size_t nargs, const int32_t* argv,
                                int32_t fallback) {
  wasm_val_t args[8];
  for (size_t i = 0; i < nargs && i < 8; i++) {
    args[i].kind = WASM_I32;
    args[i].of.i32 = argv[i];
  }
  wasm_val_t result = WASM_INIT_VAL;
  wasm_trap_t* trap = call(f, args, nargs, &result, 1);
  __atomic_fetch_add(&test_checks_, 1, __ATOMIC_RELAXED);
  if (trap != NULL) {
    char* msg = trap_message(trap);
    test_fail_(file, line, "unexpected trap \"%s\"", msg);
    free(msg);
    wasm_trap_delete(trap);
    return fallback;
  }
  if (result.kind != WASM_I32) {
    test_fail_(file, line, "result kind %d, expected i32", (int)result.kind);
    return fallback;
  }
  return result.of.i32;
}

#define CALL_I32(f, ...) \
  call_i32_(__FILE__, __LINE__, (f), sizeof((int32_t[]){__VA_ARGS__}) / sizeof(int32_t), (int32_t[]){__VA_ARGS__}, -0x7eadbeef)
#define CALL_I32_0(f) call_i32_(__FILE__, __LINE__, (f), 0, NULL, -0x7eadbeef)

// Builds a function type from valkind lists (params terminated by `n` counts).
static inline wasm_functype_t* functype(size_t np, const wasm_valkind_t* ps, size_t nr, const wasm_valkind_t* rs) {
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new_uninitialized(&params, np);
  wasm_valtype_vec_new_uninitialized(&results, nr);
  for (size_t i = 0; i < np; i++) params.data[i] = wasm_valtype_new(ps[i]);
  for (size_t i = 0; i < nr; i++) results.data[i] = wasm_valtype_new(rs[i]);
  return wasm_functype_new(&params, &results);
}

// A host function of the given type (kinds listed as arrays).
static inline wasm_func_t* host_func(wasm_store_t* store, size_t np, const wasm_valkind_t* ps, size_t nr,
                                     const wasm_valkind_t* rs, wasm_func_callback_t cb) {
  wasm_functype_t* ty = functype(np, ps, nr, rs);
  wasm_func_t* f = wasm_func_new(store, ty, cb);
  wasm_functype_delete(ty);
  REQUIRE(f != NULL);
  return f;
}

#endif  // WASMLIFT_TEST_UTIL_H
