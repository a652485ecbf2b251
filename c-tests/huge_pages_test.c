// Transparent huge pages for linear memories (wasmlift_config_huge_pages): with the switch on a
// memory starts on a 2 MiB boundary and its mapping carries the MADV_HUGEPAGE mark ("hg" in
// /proc/self/smaps), with it off it does not; either way the memory behaves the same: data
// written over 4 MiB reads back, growth across a 2 MiB boundary works, and the byte after the
// end (and far past it) still traps, so the alignment never opens the guard region. Run with
// guard pages and with explicit bounds checks.
#define _GNU_SOURCE
#include "test_util.h"

#include <stdint.h>

#define HUGE_PAGE ((uintptr_t)2 << 20)

static const char* WAT =
    "(module"
    "  (memory (export \"mem\") 64 200)"
    // Stores i*i+7 at every 8th byte of [0, n) and returns the sum of what it reads back.
    "  (func (export \"fill_sum\") (param $n i32) (result i64) (local $i i32) (local $s i64)"
    "    (loop $w"
    "      (i64.store (local.get $i) (i64.add (i64.mul (i64.extend_i32_u (local.get $i))"
    "                                                   (i64.extend_i32_u (local.get $i))) (i64.const 7)))"
    "      (br_if $w (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 8))) (local.get $n))))"
    "    (local.set $i (i32.const 0))"
    "    (loop $r"
    "      (local.set $s (i64.add (local.get $s) (i64.load (local.get $i))))"
    "      (br_if $r (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 8))) (local.get $n))))"
    "    (local.get $s))"
    "  (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0)))"
    "  (func (export \"store8\") (param i32) (i32.store8 (local.get 0) (i32.const 0x5a)))"
    "  (func (export \"load8\") (param i32) (result i32) (i32.load8_u (local.get 0))))";

// The transparent huge page mode is not "never" (the engine then marks nothing).
static int thp_enabled(void) {
  FILE* f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
  if (!f) return 0;
  char line[256] = {0};
  int ok = fgets(line, sizeof line, f) != NULL && strstr(line, "[never]") == NULL;
  fclose(f);
  return ok;
}

// 1 when the mapping containing `addr` has the "hg" VmFlag, 0 when not, -1 when not found.
static int has_hugepage_flag(const void* addr) {
  FILE* f = fopen("/proc/self/smaps", "r");
  if (!f) return -1;
  char line[1024];
  int inside = 0, result = -1;
  uintptr_t a = (uintptr_t)addr;
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    char dash;
    if (sscanf(line, "%lx%c%lx ", &lo, &dash, &hi) == 3 && dash == '-') {
      inside = a >= lo && a < hi;
      continue;
    }
    if (inside && strncmp(line, "VmFlags:", 8) == 0) {
      result = strstr(line, " hg") != NULL;
      break;
    }
  }
  fclose(f);
  return result;
}

static int64_t expected_sum(uint32_t n) {
  uint64_t s = 0;
  for (uint64_t i = 0; i < n; i += 8) s += i * i + 7;
  return (int64_t)s;
}

static void run(int explicit_checks, int huge) {
  wasm_config_t* config = wasm_config_new();
  wasmlift_config_explicit_bounds_checks(config, explicit_checks != 0);
  wasmlift_config_huge_pages(config, huge != 0);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  REQUIRE(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store, WAT);
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  REQUIRE(instance != NULL);
  wasm_extern_t* mem_ext = require_export_(module, instance, "mem", WASM_EXTERN_MEMORY);
  wasm_extern_t* fill_ext = require_export_(module, instance, "fill_sum", WASM_EXTERN_FUNC);
  wasm_extern_t* grow_ext = require_export_(module, instance, "grow", WASM_EXTERN_FUNC);
  wasm_extern_t* store_ext = require_export_(module, instance, "store8", WASM_EXTERN_FUNC);
  wasm_extern_t* load_ext = require_export_(module, instance, "load8", WASM_EXTERN_FUNC);
  wasm_memory_t* mem = wasm_extern_as_memory(mem_ext);
  const wasm_func_t* fill_sum = wasm_extern_as_func(fill_ext);
  const wasm_func_t* grow = wasm_extern_as_func(grow_ext);
  const wasm_func_t* store8 = wasm_extern_as_func(store_ext);
  const wasm_func_t* load8 = wasm_extern_as_func(load_ext);
  if (!explicit_checks) expect_guard_faults(mem);

  const void* base = wasm_memory_data(mem);
  if (thp_enabled() && !test_under_valgrind()) {
    if (huge) CHECK_MSG((uintptr_t)base % HUGE_PAGE == 0, "memory at %p is not 2 MiB aligned", base);
    CHECK_EQ(has_hugepage_flag(base), huge);
  }

  // 4 MiB written and read back through wasm, then checked from the host.
  uint32_t n = 64u * 65536u;
  wasm_val_t arg[1] = {WASM_I32_VAL((int32_t)n)}, res[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(arg), results = WASM_ARRAY_VEC(res);
  CHECK_NO_TRAP(wasm_func_call(fill_sum, &args, &results));
  CHECK_EQ(res[0].of.i64, expected_sum(n));
  uint64_t last;
  memcpy(&last, (const char*)base + n - 8, 8);
  CHECK_EQ(last, (uint64_t)(n - 8) * (n - 8) + 7);

  // Grow by 40 pages (to 6.5 MiB): the new part, across the next 2 MiB boundary, is usable.
  arg[0] = (wasm_val_t)WASM_I32_VAL(40);
  CHECK_NO_TRAP(wasm_func_call(grow, &args, &results));
  CHECK_EQ(res[0].of.i32, 64);
  CHECK(wasm_memory_data(mem) == base);
  n = 104u * 65536u;
  arg[0] = (wasm_val_t)WASM_I32_VAL((int32_t)n);
  CHECK_NO_TRAP(wasm_func_call(fill_sum, &args, &results));
  CHECK_EQ(res[0].of.i64, expected_sum(n));
  if (thp_enabled() && !test_under_valgrind()) CHECK_EQ(has_hugepage_flag(base), huge);

  // Hostile: the last byte is writable, the next one and one far away trap and change nothing.
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  arg[0] = (wasm_val_t)WASM_I32_VAL((int32_t)(n - 1));
  CHECK_NO_TRAP(wasm_func_call(store8, &args, &none));
  CHECK_NO_TRAP(wasm_func_call(load8, &args, &results));
  CHECK_EQ(res[0].of.i32, 0x5a);
  int32_t outside[] = {(int32_t)n, (int32_t)(n + HUGE_PAGE), (int32_t)0xfffffff0};
  for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
    arg[0] = (wasm_val_t)WASM_I32_VAL(outside[i]);
    wasm_trap_t* trap = wasm_func_call(store8, &args, &none);
    CHECK_TRAP_IS(trap, "out of bounds memory access");
    if (trap) wasm_trap_delete(trap);
  }
  CHECK_EQ(wasm_memory_data_size(mem), n);

  if (!explicit_checks) unexpect_guard_faults(mem);
  wasm_extern_delete(mem_ext);
  wasm_extern_delete(fill_ext);
  wasm_extern_delete(grow_ext);
  wasm_extern_delete(store_ext);
  wasm_extern_delete(load_ext);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

int main(void) {
  for (int explicit_checks = 0; explicit_checks < 2; explicit_checks++) {
    // Twice each, so that the second memory of a kind comes from the reservation pool.
    for (int round = 0; round < 2; round++) {
      run(explicit_checks, 1);
      run(explicit_checks, 0);
    }
  }
  return test_report("huge_pages_test");
}
