// Attacks on the sandbox and on the embedding API, each of which once succeeded (the
// untrusted-code issue): forged serialized code, modules and imports mixed across engines and
// stores, a host callback deleting what is running, table growth under memory pressure, a
// stray signal disabling trap handling, and a finalizer run for a function never created.
// Each now has to be refused or trapped, with the process intact.
#define _GNU_SOURCE  // POSIX/GNU declarations (usleep, sigaction, fork, setrlimit) under -std=c11
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.h"

// ---- 1. Forged machine code in a serialized module ----

// The unkeyed checksum the first serialization format trusted: anyone can recompute it.
static uint64_t fnv1a64(const unsigned char* data, size_t len) {
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (size_t i = 0; i < len; i++) h = (h ^ data[i]) * UINT64_C(0x100000001b3);
  return h;
}

static void forged_serialized_code(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* m = module_from_wat(store, "(module (func (export \"f\") (result i32) i32.const 7))");
  wasm_byte_vec_t bytes;
  wasm_module_serialize(m, &bytes);
  REQUIRE(bytes.size > 0);
  // Find `mov eax, 7` and replace it with `mov eax, 60; mov edi, 42; syscall` (exit(42)).
  static const unsigned char mov7[] = {0xb8, 0x07, 0x00, 0x00, 0x00};
  static const unsigned char shell[] = {0xb8, 0x3c, 0, 0, 0, 0xbf, 0x2a, 0, 0, 0, 0x0f, 0x05};
  size_t at = 0;
  int found = 0;
  for (size_t i = 0; i + sizeof shell <= bytes.size; i++) {
    if (memcmp(bytes.data + i, mov7, sizeof mov7) == 0) {
      at = i;
      found = 1;
      break;
    }
  }
  CHECK_MSG(found, "the serialized module holds no `mov eax, 7`");
  if (found) {
    memcpy(bytes.data + at, shell, sizeof shell);
    // Whatever the attacker does with the trailer (they cannot compute the MAC without the
    // key), the module is refused before any byte is mapped executable: the old MAC, zeros,
    // garbage, and what the old format accepted: an FNV-1a checksum recomputed over the
    // patched bytes, written where the trailer is and as a replacement for it.
    for (int attempt = 0; attempt < 5; attempt++) {
      if (attempt == 1) memset(bytes.data + bytes.size - 32, 0, 32);
      if (attempt == 2) for (int k = 0; k < 32; k++) bytes.data[bytes.size - 32 + k] ^= (char)(k * 37 + 1);
      if (attempt >= 3) {
        size_t covered = attempt == 3 ? bytes.size - 32 : bytes.size - 8;
        uint64_t fnv = fnv1a64((const unsigned char*)bytes.data, covered);
        memset(bytes.data + covered, 0, bytes.size - covered);
        memcpy(bytes.data + covered, &fnv, sizeof fnv);
      }
      wasm_module_t* forged = wasm_module_deserialize(store, &bytes);
      CHECK_MSG(forged == NULL, "forged serialized code was accepted (attempt %d)", attempt);
      const char* msg = wasmlift_error_message();
      CHECK_MSG(strstr(msg, "rejected") != NULL, "unexpected message: %s", msg);
      // The message does not leak the engine's fingerprint (version, target, CPU flags).
      CHECK_MSG(strstr(msg, "x86_64") == NULL && strstr(msg, "wasmlift 0.") == NULL && strstr(msg, "bounds=") == NULL,
                "the rejection leaks the engine fingerprint: %s", msg);
      if (forged) {
        wasm_module_delete(forged);
      }
    }
  }
  wasm_byte_vec_delete(&bytes);
  wasm_module_delete(m);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

// ---- 2. A guard-page module instantiated in an explicit-bounds-checks engine's store ----

static const char* READER_WAT =
    "(module (memory (export \"mem\") 1)"
    "  (func (export \"peek\") (param i32) (result i32) (i32.load (local.get 0))))";

static void module_from_another_engine(void) {
  wasm_engine_t* guarded = engine_with_bounds_checks(0);
  wasm_engine_t* checked = engine_with_bounds_checks(1);
  wasm_store_t* gs = wasm_store_new(guarded);
  wasm_store_t* cs = wasm_store_new(checked);
  wasm_module_t* m = module_from_wat(gs, READER_WAT);
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  wasm_instance_t* i = wasm_instance_new(cs, m, &none, &trap);
  CHECK_MSG(i == NULL, "a module of another engine was instantiated");
  CHECK_MSG(strstr(wasmlift_error_message(), "different engines") != NULL, "message: %s", wasmlift_error_message());
  CHECK(trap != NULL);
  if (trap) {
    CHECK_TRAP_HAS(trap, "different engines");
    wasm_trap_delete(trap);
  }
  if (i) wasm_instance_delete(i);
  // A shared module cannot be obtained in the other engine's store either.
  wasm_shared_module_t* shared = wasm_module_share(m);
  wasm_module_t* obtained = wasm_module_obtain(cs, shared);
  CHECK(obtained == NULL);
  if (obtained) wasm_module_delete(obtained);
  wasm_shared_module_delete(shared);
  // In its own engine's store it works, and an access past the memory traps.
  wasm_instance_t* ok = instantiate(gs, m, NULL, 0);
  wasm_func_t* peek = export_func(m, ok, "peek");
  CHECK_EQ(CALL_I32(peek, 0), 0);
  if (!test_under_valgrind()) {  // a guard-page hit is an invalid read to valgrind
    wasm_val_t arg = WASM_I32_VAL(65536), res = WASM_INIT_VAL;
    wasm_trap_t* oob = call(peek, &arg, 1, &res, 1);
    CHECK_TRAP_IS(oob, "out of bounds memory access");
    if (oob) wasm_trap_delete(oob);
  }
  wasm_func_delete(peek);
  wasm_instance_delete(ok);
  wasm_module_delete(m);
  wasm_store_delete(gs);
  wasm_store_delete(cs);
  wasm_engine_delete(guarded);
  wasm_engine_delete(checked);
}

// ---- 3/4. Imports and references from another engine or store ----

static wasm_trap_t* identity_i64(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0] = args->data[0];
  return NULL;
}

static const char* RECURSE_WAT =
    "(module (func $r (export \"recurse\") (param i32) (result i32)"
    "  (i32.add (i32.const 1) (call $r (local.get 0)))))";

static void objects_from_another_store(void) {
  wasm_engine_t* ea = wasm_engine_new();
  wasm_engine_t* eb = wasm_engine_new();
  wasm_store_t* a = wasm_store_new(ea);
  wasm_store_t* a2 = wasm_store_new(ea);
  wasm_store_t* b = wasm_store_new(eb);

  // Engine A's (i64)->i64 host function offered for engine B's (i64)->funcref import.
  wasm_valkind_t i64k[] = {WASM_I64};
  wasm_func_t* forged = host_func(a, 1, i64k, 1, i64k, identity_i64);
  wasm_module_t* mb = module_from_wat(b,
      "(module (type $t (func (param i64) (result funcref)))"
      "  (import \"env\" \"f\" (func $f (type $t)))"
      "  (table 1 funcref)"
      "  (func (export \"go\") (param i64) (result i32)"
      "    (table.set (i32.const 0) (call $f (local.get 0)))"
      "    (call_indirect (result i32) (i32.const 0))))");
  wasm_extern_t* imports[] = {wasm_func_as_extern(forged)};
  wasm_extern_vec_t vec = WASM_ARRAY_VEC(imports);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* ib = wasm_instance_new(b, mb, &vec, &trap);
  CHECK_MSG(ib == NULL, "engine B accepted engine A's function for a funcref-returning import");
  if (trap) wasm_trap_delete(trap);
  if (ib) wasm_instance_delete(ib);

  // Store A's recursive function imported into store A2 (same engine): refused, so it can never
  // run without A2's stack limit.
  wasm_module_t* ma = module_from_wat(a, RECURSE_WAT);
  wasm_instance_t* ia = instantiate(a, ma, NULL, 0);
  wasm_func_t* recurse = export_func(ma, ia, "recurse");
  wasm_module_t* mc = module_from_wat(a2,
      "(module (import \"a\" \"recurse\" (func $r (param i32) (result i32)))"
      "  (func (export \"run\") (result i32) (call $r (i32.const 0))))");
  wasm_extern_t* imports2[] = {wasm_func_as_extern(recurse)};
  wasm_extern_vec_t vec2 = WASM_ARRAY_VEC(imports2);
  trap = NULL;
  wasm_instance_t* ic = wasm_instance_new(a2, mc, &vec2, &trap);
  CHECK_MSG(ic == NULL, "a function of another store was imported");
  CHECK_MSG(strstr(wasmlift_error_message(), "another store") != NULL, "message: %s", wasmlift_error_message());
  if (trap) wasm_trap_delete(trap);
  if (ic) wasm_instance_delete(ic);
  // Called in its own store, the recursion traps cleanly.
  wasm_val_t arg = WASM_I32_VAL(0), res = WASM_INIT_VAL;
  wasm_trap_t* deep = call(recurse, &arg, 1, &res, 1);
  CHECK_TRAP_IS(deep, "call stack exhausted");
  if (deep) wasm_trap_delete(deep);

  // A memory, table and global of store A offered to store A2's imports: refused.
  wasm_limits_t lim = {1, 2};
  wasm_memorytype_t* mt = wasm_memorytype_new(&lim);
  wasm_memory_t* mem = wasm_memory_new(a, mt);
  wasm_memorytype_delete(mt);
  wasm_module_t* mm = module_from_wat(a2, "(module (import \"a\" \"m\" (memory 1)))");
  wasm_extern_t* imports3[] = {wasm_memory_as_extern(mem)};
  wasm_extern_vec_t vec3 = WASM_ARRAY_VEC(imports3);
  wasm_instance_t* im = wasm_instance_new(a2, mm, &vec3, NULL);
  CHECK_MSG(im == NULL, "a memory of another store was imported");
  if (im) wasm_instance_delete(im);

  // A function reference of store A passed into store A2: as an argument, into a table, into a
  // global. Each is refused.
  wasm_module_t* mr = module_from_wat(a2,
      "(module (table (export \"t\") 2 funcref) (global (export \"g\") (mut funcref) (ref.null func))"
      "  (func (export \"take\") (param funcref) (result i32) (ref.is_null (local.get 0))))");
  wasm_instance_t* ir = instantiate(a2, mr, NULL, 0);
  wasm_func_t* take = export_func(mr, ir, "take");
  wasm_table_t* table = export_table(mr, ir, "t");
  wasm_global_t* global = export_global(mr, ir, "g");
  wasm_val_t fa = {.kind = WASM_FUNCREF, .of = {.ref = wasm_func_as_ref(recurse)}};
  wasm_val_t r1 = WASM_INIT_VAL;
  wasm_trap_t* t1 = call(take, &fa, 1, &r1, 1);
  CHECK(t1 != NULL);
  if (t1) {
    CHECK_TRAP_HAS(t1, "another store");
    wasm_trap_delete(t1);
  }
  CHECK(!wasm_table_set(table, 0, wasm_func_as_ref(recurse)));
  CHECK(wasm_table_get(table, 0) == NULL);
  wasm_global_set(global, &fa);
  wasm_val_t gv = WASM_INIT_VAL;
  wasm_global_get(global, &gv);
  CHECK(gv.of.ref == NULL);
  wasm_val_delete(&gv);
  wasm_func_delete(take);
  wasm_table_delete(table);
  wasm_global_delete(global);
  wasm_func_delete(recurse);

  wasm_instance_delete(ir);
  wasm_module_delete(mr);
  wasm_module_delete(mm);
  wasm_memory_delete(mem);
  wasm_module_delete(mc);
  wasm_instance_delete(ia);
  wasm_module_delete(ma);
  wasm_module_delete(mb);
  wasm_func_delete(forged);
  wasm_store_delete(a);
  wasm_store_delete(a2);
  wasm_store_delete(b);
  wasm_engine_delete(ea);
  wasm_engine_delete(eb);
}

// ---- 5. A host callback deletes the instance that is calling it ----

static wasm_extern_vec_t victim_exports;
static wasm_instance_t* victim_instance;
static wasm_module_t* victim_module;

static wasm_trap_t* delete_everything(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  wasm_extern_vec_delete(&victim_exports);
  wasm_instance_delete(victim_instance);
  wasm_module_delete(victim_module);
  victim_instance = NULL;
  victim_module = NULL;
  return NULL;
}

static void delete_mid_call(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  victim_module = module_from_wat(store,
      "(module (import \"env\" \"rug\" (func $rug))"
      "  (memory 1)"
      "  (func $work (param i32) (result i32) (i32.store (i32.const 8) (local.get 0))"
      "    (i32.add (i32.load (i32.const 8)) (i32.const 1)))"
      "  (func (export \"run\") (result i32)"
      "    (call $rug) (call $work (i32.const 41))))");
  wasm_func_t* rug = host_func(store, 0, NULL, 0, NULL, delete_everything);
  wasm_extern_t* imports[] = {wasm_func_as_extern(rug)};
  victim_instance = instantiate(store, victim_module, imports, 1);
  wasm_instance_exports(victim_instance, &victim_exports);
  wasm_func_t* run = wasm_extern_as_func(victim_exports.data[0]);
  wasm_val_t res = WASM_INIT_VAL;
  wasm_val_vec_t args = WASM_EMPTY_VEC, results = {1, &res};
  // `run` continues after every handle to it, its instance and module is gone.
  wasm_trap_t* trap = wasm_func_call(run, &args, &results);
  CHECK_NO_TRAP(trap);
  CHECK_EQ(res.of.i32, 42);
  wasm_func_delete(rug);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

// ---- 6. table.grow under memory pressure returns -1 instead of aborting ----

static void table_growth_under_rlimit(void) {
  if (test_under_valgrind()) return;  // valgrind manages the address space itself
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    wasm_engine_t* engine = wasm_engine_new();
    wasm_store_t* store = wasm_store_new(engine);
    wasm_module_t* m = module_from_wat(store,
        "(module (table $t 0 funcref)"
        "  (func (export \"grow\") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0))))");
    wasm_instance_t* inst = instantiate(store, m, NULL, 0);
    wasm_func_t* grow = export_func(m, inst, "grow");
    // Address space: what the process has now plus 48 MiB; one 10 M-element growth needs 80 MB.
    long pages = 0, dummy;
    FILE* f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%ld %ld", &pages, &dummy) != 2) _exit(3);
    fclose(f);
    rlim_t limit = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (48u << 20);
    struct rlimit rl = {limit, limit};
    if (setrlimit(RLIMIT_AS, &rl) != 0) _exit(4);
    int32_t r = CALL_I32(grow, 10000000);
    _exit(r == -1 && test_failures_ == 0 ? 0 : 5);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "table.grow under RLIMIT_AS: status %d (signal %d)",
            WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// ---- 8. A stray signal never leaves the trap handler uninstalled ----

static int unreachable_traps(wasm_func_t* f) {
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(f, &none, &none);
  int ok = trap != NULL;
  if (trap) wasm_trap_delete(trap);
  return ok;
}

// In a child with SIGILL's action set to `before` ahead of the engine: checks that `unreachable`
// traps, raises SIGILL `raises` times, checks that `unreachable` still traps, and exits 0.
// Returns the child's wait status.
static int sigill_child(void (*before)(int), int raises) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    signal(SIGILL, before);
    wasm_engine_t* engine = wasm_engine_new();
    wasm_store_t* store = wasm_store_new(engine);
    wasm_module_t* m = module_from_wat(store, "(module (func (export \"u\") unreachable))");
    wasm_instance_t* inst = instantiate(store, m, NULL, 0);
    wasm_func_t* u = export_func(m, inst, "u");
    if (!unreachable_traps(u)) _exit(6);
    for (int k = 0; k < raises; k++) raise(SIGILL);
    if (!unreachable_traps(u)) _exit(7);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

static void stray_signals(void) {
  if (test_under_valgrind()) return;  // valgrind emulates signal delivery
  // (a) SIGILL ignored before the engine: a raised SIGILL is ignored, traps keep working.
  int status = sigill_child(SIG_IGN, 2);
  CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "ignored SIGILL: status %d signal %d",
            WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  // (b) No handler before the engine: a raised SIGILL gets its default outcome (the process
  // ends by SIGILL), exactly as without wasmlift, instead of silently disabling trap handling.
  status = sigill_child(SIG_DFL, 1);
  CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGILL, "raised SIGILL: status %d signal %d",
            WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// ---- 9. Types are released with the last module and host function using them ----

static long resident_kib(void) {
  FILE* f = fopen("/proc/self/statm", "r");
  long size = 0, resident = 0;
  if (f) {
    if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
    fclose(f);
  }
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static wasm_trap_t* return_one(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0] = (wasm_val_t)WASM_I64_VAL(1);
  return NULL;
}

// Compiles, instantiates (with a host function of the same type as its import) and deletes a
// module whose function type is number `k`: k's base-4 digits pick the parameter types, so
// every k below 4^6 names a type no other k uses.
static void module_of_type(wasm_store_t* store, unsigned k) {
  static const char* names[] = {"i32", "i64", "f32", "f64"};
  char params[64] = "";
  wasm_valtype_vec_t param_types;
  wasm_valtype_vec_new_uninitialized(&param_types, 6);
  for (int d = 0; d < 6; d++, k /= 4) {
    strcat(params, " ");
    strcat(params, names[k % 4]);
    static const wasm_valkind_t kinds[] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64};
    param_types.data[d] = wasm_valtype_new(kinds[k % 4]);
  }
  char wat[512];
  snprintf(wat, sizeof wat,
           "(module (import \"h\" \"f\" (func (param%s) (result i64)))"
           "  (func (export \"f\") (param%s) (result i64) i64.const 1))",
           params, params);
  wasm_module_t* m = module_from_wat(store, wat);
  wasm_valtype_vec_t result_types;
  wasm_valtype_vec_new_uninitialized(&result_types, 1);
  result_types.data[0] = wasm_valtype_new(WASM_I64);
  wasm_functype_t* ty = wasm_functype_new(&param_types, &result_types);
  wasm_func_t* host = wasm_func_new(store, ty, return_one);
  wasm_functype_delete(ty);
  wasm_extern_t* import = wasm_func_as_extern(host);
  wasm_instance_t* i = instantiate(store, m, &import, 1);
  CHECK(i != NULL);
  if (i) wasm_instance_delete(i);
  wasm_func_delete(host);
  wasm_module_delete(m);
}

static void types_released(void) {
  // Resident size means nothing under valgrind, nor under ASan (its quarantine keeps freed
  // memory resident; LeakSanitizer checks for leaks there).
  if (test_under_valgrind() || test_under_asan()) return;
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  unsigned k = 0;
  for (; k < 100; k++) module_of_type(store, k);  // warm up the allocator and caches
  long before = resident_kib();
  for (; k < 700; k++) module_of_type(store, k);
  long grown = resident_kib() - before;
  // An engine that kept every type's host trampoline grew by ~4.7 KiB a type (2.8 MiB here);
  // releasing them leaves a few KiB of allocator noise.
  CHECK_MSG(grown < 1024, "600 modules with distinct types, all deleted, grew RSS by %ld KiB", grown);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

// ---- 10. wasm_func_new_with_env does not run the finalizer when it returns NULL ----

static int finalized;
static void count_finalize(void* env) {
  (void)env;
  finalized++;
}
static wasm_trap_t* env_cb(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)env;
  (void)args;
  (void)results;
  return NULL;
}

static void finalizer_on_failure(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_functype_t* ty = wasm_functype_new_0_0();
  CHECK(wasm_func_new_with_env(store, ty, NULL, &finalized, count_finalize) == NULL);
  CHECK(wasm_func_new_with_env(NULL, ty, env_cb, &finalized, count_finalize) == NULL);
  CHECK(wasm_func_new_with_env(store, NULL, env_cb, &finalized, count_finalize) == NULL);
  CHECK_EQ(finalized, 0);
  wasm_func_t* f = wasm_func_new_with_env(store, ty, env_cb, &finalized, count_finalize);
  REQUIRE(f != NULL);
  wasm_func_delete(f);
  CHECK_EQ(finalized, 1);
  wasm_functype_delete(ty);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

// A value of a kind no type has owns nothing: deleting or copying it must not free or copy
// whatever its payload bits point at (here a stack address and an arbitrary number).
static void forged_value_kinds(void) {
  int on_stack = 42;
  wasm_valkind_t kinds[] = {5, 77, 127, 200, 255};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    wasm_val_t v = {.kind = kinds[i], .of = {.ref = (wasm_ref_t*)&on_stack}};
    wasm_val_t copy;
    wasm_val_copy(&copy, &v);
    CHECK_EQ(copy.kind, kinds[i]);
    CHECK(copy.of.ref == (wasm_ref_t*)&on_stack);
    wasm_val_delete(&copy);
    wasm_val_delete(&v);
    v.of.i64 = 0x4141414141414141;
    wasm_val_delete(&v);
  }
  CHECK_EQ(on_stack, 42);
}

int main(void) {
  forged_value_kinds();
  table_growth_under_rlimit();
  stray_signals();
  forged_serialized_code();
  module_from_another_engine();
  objects_from_another_store();
  delete_mid_call();
  types_released();
  finalizer_on_failure();
  return test_report("security_test");
}
