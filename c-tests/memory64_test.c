// memory64 through wasm.h: a module with a 5 GiB i64-indexed memory written and read beyond
// 4 GiB (from wasm and through wasm_memory_data), grown, and probed out of bounds at its end,
// past it, at 2^64 - 1 and with address + offset wrapping u64; the wasmlift_ extensions for
// 64-bit memory and table types; wasm.h's 32-bit reflection refusing limits it cannot state;
// grow limits (declared maximum, engine ceiling); a table64 index beyond 2^32. Runs with guard
// pages and with explicit bounds checks.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

#define PAGE 65536ull
// 5 GiB in pages.
#define PAGES_5G 81920ull

static const char* WAT =
    "(module\n"
    "  (memory (export \"mem\") i64 81920 90000)\n"
    "  (func (export \"store\") (param i64 i64) (i64.store (local.get 0) (local.get 1)))\n"
    "  (func (export \"load\") (param i64) (result i64) (i64.load (local.get 0)))\n"
    // A large static offset: with address 2^64 - 8 the sum wraps u64, which must trap.
    "  (func (export \"load_off\") (param i64) (result i64) (i64.load offset=16 (local.get 0)))\n"
    "  (func (export \"load_huge_off\") (param i64) (result i32)\n"
    "    (i32.load8_u offset=0xffffffffffffffff (local.get 0)))\n"
    "  (func (export \"grow\") (param i64) (result i64) (memory.grow (local.get 0)))\n"
    "  (func (export \"size\") (result i64) (memory.size))\n"
    "  (func (export \"fill\") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))\n"
    // Sums bytes in a loop: the bounds check runs against the length register each iteration.
    "  (func (export \"sum\") (param $at i64) (param $n i64) (result i64) (local $s i64)\n"
    "    (block $done (loop $l\n"
    "      (br_if $done (i64.eqz (local.get $n)))\n"
    "      (local.set $s (i64.add (local.get $s) (i64.load8_u (local.get $at))))\n"
    "      (local.set $at (i64.add (local.get $at) (i64.const 1)))\n"
    "      (local.set $n (i64.sub (local.get $n) (i64.const 1)))\n"
    "      (br $l)))\n"
    "    (local.get $s))\n"
    "  (table $t (export \"tab\") i64 3 funcref)\n"
    "  (elem (table $t) (i64.const 0) func $seven)\n"
    "  (type $v (func (result i32)))\n"
    "  (func $seven (result i32) (i32.const 7))\n"
    "  (func (export \"call\") (param i64) (result i32) (call_indirect $t (type $v) (local.get 0)))\n"
    "  (func (export \"tab_get_null\") (param i64) (result i32) (ref.is_null (table.get $t (local.get 0))))\n"
    ")";

static wasm_trap_t* call_i64(const wasm_func_t* f, int64_t a, int64_t* out) {
  wasm_val_t args[1] = {WASM_I64_VAL(a)};
  wasm_val_t res[1] = {WASM_INIT_VAL};
  wasm_trap_t* t = call(f, args, 1, res, out ? 1 : 0);
  if (!t && out) *out = res[0].of.i64;
  return t;
}

static int64_t i64_of(const wasm_func_t* f, int64_t a) {
  int64_t v = -1;
  CHECK_NO_TRAP(call_i64(f, a, &v));
  return v;
}

static void expect_oob_i64(const wasm_func_t* f, uint64_t a, const char* what) {
  int64_t v = 0;
  wasm_trap_t* t = call_i64(f, (int64_t)a, &v);
  CHECK_MSG(t != NULL, "%s at 0x%llx did not trap", what, (unsigned long long)a);
  if (t) {
    CHECK_TRAP_IS(t, "out of bounds memory access");
    wasm_trap_delete(t);
  }
}

static void store64(const wasm_func_t* f, uint64_t at, int64_t v) {
  wasm_val_t args[2] = {WASM_I64_VAL((int64_t)at), WASM_I64_VAL(v)};
  CHECK_NO_TRAP(call(f, args, 2, NULL, 0));
}

static void run_module(int explicit_checks) {
  wasm_engine_t* engine = engine_with_bounds_checks(explicit_checks);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store, WAT);
  wasm_instance_t* inst = instantiate(store, module, NULL, 0);
  wasm_func_t* st = export_func(module, inst, "store");
  wasm_func_t* ld = export_func(module, inst, "load");
  wasm_func_t* ld_off = export_func(module, inst, "load_off");
  wasm_func_t* ld_huge = export_func(module, inst, "load_huge_off");
  wasm_func_t* grow = export_func(module, inst, "grow");
  wasm_func_t* size = export_func(module, inst, "size");
  wasm_func_t* fill = export_func(module, inst, "fill");
  wasm_func_t* sum = export_func(module, inst, "sum");
  wasm_func_t* calli = export_func(module, inst, "call");
  wasm_func_t* tab_null = export_func(module, inst, "tab_get_null");
  wasm_memory_t* mem = export_memory(module, inst, "mem");
  // With guard pages, accesses that start at most at the length but reach past it fault in
  // the reservation after the memory (its maximum plus a 2 GiB guard region): deliberate.
  const size_t reservation = 90000 * PAGE + (2ull << 30);
  test_expect_faults_in(wasm_memory_data(mem), reservation);

  // 5 GiB, seen alike from wasm and the host.
  wasm_val_t r[1] = {WASM_INIT_VAL};
  CHECK_NO_TRAP(call(size, NULL, 0, r, 1));
  CHECK_EQ(r[0].of.i64, PAGES_5G);
  CHECK_EQ(wasm_memory_size(mem), PAGES_5G);
  CHECK_EQ(wasmlift_memory_size64(mem), PAGES_5G);
  CHECK(wasm_memory_data_size(mem) == PAGES_5G * PAGE);

  // Beyond 4 GiB: wasm writes, wasm and the host read back (and the other way round).
  const uint64_t high = (4ull << 30) + 0x12345678ull;
  store64(st, high, 0x0123456789abcdefll);
  CHECK_EQ(i64_of(ld, (int64_t)high), 0x0123456789abcdefll);
  char* data = wasm_memory_data(mem);
  uint64_t host_view;
  memcpy(&host_view, data + high, 8);
  CHECK(host_view == 0x0123456789abcdefull);
  const uint64_t last = PAGES_5G * PAGE - 8;
  const uint64_t from_host = 0x1122334455667788ull;
  memcpy(data + last, &from_host, 8);
  CHECK_EQ(i64_of(ld, (int64_t)last), (int64_t)from_host);
  // The i32 view of the same address must not alias: 2^32 + x is not x.
  CHECK_EQ(i64_of(ld, (int64_t)(high - (4ull << 30))), 0);

  // A loop over bytes that straddle 4 GiB.
  wasm_val_t fargs[3] = {WASM_I64_VAL((int64_t)((4ull << 30) - 2)), WASM_I32_VAL(3), WASM_I64_VAL(4)};
  CHECK_NO_TRAP(call(fill, fargs, 3, NULL, 0));
  wasm_val_t sargs[2] = {WASM_I64_VAL((int64_t)((4ull << 30) - 4)), WASM_I64_VAL(8)};
  CHECK_NO_TRAP(call(sum, sargs, 2, r, 1));
  CHECK_EQ(r[0].of.i64, 12);

  // Out of bounds: partly past the end, at the end, far past it, at 2^64 - 1, wrapping.
  expect_oob_i64(ld, PAGES_5G * PAGE - 7, "load straddling the end");
  expect_oob_i64(ld, PAGES_5G * PAGE, "load at the end");
  expect_oob_i64(ld, PAGES_5G * PAGE + (3ull << 30), "load 3 GiB past the end");
  expect_oob_i64(ld, UINT64_MAX, "load at 2^64 - 1");
  expect_oob_i64(ld, UINT64_MAX - 7, "load at 2^64 - 8");
  expect_oob_i64(ld_off, UINT64_MAX - 7, "load at 2^64 - 8 + 16 (wraps)");
  expect_oob_i64(ld_off, PAGES_5G * PAGE - 23, "load with offset straddling the end");
  CHECK_EQ(i64_of(ld_off, (int64_t)(PAGES_5G * PAGE - 24)), (int64_t)from_host);
  expect_oob_i64(ld_huge, 0, "offset 2^64 - 1");
  expect_oob_i64(ld_huge, 1, "offset 2^64 - 1 plus 1 (wraps)");
  // A store that fails changes nothing.
  wasm_val_t bad[2] = {WASM_I64_VAL((int64_t)(PAGES_5G * PAGE - 4)), WASM_I64_VAL(-1)};
  wasm_trap_t* t = call(st, bad, 2, NULL, 0);
  CHECK(t != NULL);
  if (t) wasm_trap_delete(t);
  CHECK_EQ(i64_of(ld, (int64_t)last), (int64_t)from_host);
  // memory.fill at the edge: up to the end works, one past traps and writes nothing.
  wasm_val_t edge[3] = {WASM_I64_VAL((int64_t)(PAGES_5G * PAGE - 2)), WASM_I32_VAL(9), WASM_I64_VAL(3)};
  t = call(fill, edge, 3, NULL, 0);
  CHECK_TRAP_IS(t, "out of bounds memory access");
  if (t) wasm_trap_delete(t);
  CHECK((unsigned char)data[PAGES_5G * PAGE - 1] == 0x11);
  wasm_val_t wrap[3] = {WASM_I64_VAL(-1), WASM_I32_VAL(9), WASM_I64_VAL(2)};
  t = call(fill, wrap, 3, NULL, 0);
  CHECK_TRAP_IS(t, "out of bounds memory access");
  if (t) wasm_trap_delete(t);

  // Growing: by one page from wasm, by one from the host, then past the declared maximum
  // and by 2^63 pages (no overflow) both fail.
  CHECK_EQ(i64_of(grow, 1), PAGES_5G);
  CHECK_EQ(i64_of(ld, (int64_t)(PAGES_5G * PAGE)), 0);
  uint64_t old = 0;
  CHECK(wasmlift_memory_grow64(mem, 1, &old));
  CHECK_EQ(old, PAGES_5G + 1);
  CHECK(wasm_memory_grow(mem, 0));
  CHECK_EQ(wasm_memory_size(mem), PAGES_5G + 2);
  store64(st, (PAGES_5G + 2) * PAGE - 8, 42);
  CHECK_EQ(i64_of(ld, (int64_t)((PAGES_5G + 2) * PAGE - 8)), 42);
  expect_oob_i64(ld, (PAGES_5G + 2) * PAGE - 7, "load straddling the grown end");
  CHECK_EQ(i64_of(grow, 90000 - (int64_t)PAGES_5G - 2), PAGES_5G + 2);
  CHECK_EQ(i64_of(grow, 1), -1);
  CHECK_EQ(i64_of(grow, INT64_MIN), -1);
  CHECK_EQ(i64_of(grow, -1), -1);
  CHECK(!wasmlift_memory_grow64(mem, 1, &old));
  CHECK_EQ(wasmlift_memory_size64(mem), 90000);

  // The exported memory's type: 64-bit, limits read in full, and wasm.h's view (which fits).
  wasm_memorytype_t* mt = wasm_memory_type(mem);
  CHECK(wasmlift_memorytype_is64(mt));
  uint64_t min = 0, max = 0;
  bool has_max = false;
  CHECK(wasmlift_memorytype_limits64(mt, &min, &has_max, &max));
  CHECK_EQ(min, 90000);
  CHECK(has_max);
  CHECK_EQ(max, 90000);
  const wasm_limits_t* l = wasm_memorytype_limits(mt);
  CHECK(l != NULL && l->min == 90000 && l->max == 90000);
  wasm_memorytype_delete(mt);

  // table64: index 0 holds $seven; 2^32 (which would be 0 if truncated) and beyond are out of
  // bounds.
  wasm_val_t ti[1] = {WASM_I64_VAL(0)};
  wasm_val_t tr[1] = {WASM_INIT_VAL};
  CHECK_NO_TRAP(call(calli, ti, 1, tr, 1));
  CHECK_EQ(tr[0].of.i32, 7);
  ti[0].of.i64 = 1ll << 32;
  t = call(calli, ti, 1, tr, 1);
  CHECK_TRAP_IS(t, "undefined element");
  if (t) wasm_trap_delete(t);
  t = call(tab_null, ti, 1, tr, 1);
  CHECK_TRAP_IS(t, "out of bounds table access");
  if (t) wasm_trap_delete(t);
  ti[0].of.i64 = -1;
  t = call(tab_null, ti, 1, tr, 1);
  CHECK_TRAP_IS(t, "out of bounds table access");
  if (t) wasm_trap_delete(t);
  wasm_table_t* tab = export_table(module, inst, "tab");
  wasm_tabletype_t* tt = wasm_table_type(tab);
  CHECK(wasmlift_tabletype_is64(tt));
  wasm_tabletype_delete(tt);

  test_unexpect_faults_in(wasm_memory_data(mem), reservation);
  wasm_func_t* funcs[] = {st, ld, ld_off, ld_huge, grow, size, fill, sum, calli, tab_null};
  for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) wasm_func_delete(funcs[i]);
  wasm_memory_delete(mem);
  wasm_table_delete(tab);
  wasm_instance_delete(inst);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

// Types made by the host: 64-bit limits that wasm.h cannot state are refused by name, never
// truncated; invalid limits are refused; a host-made memory64 memory respects the engine's
// ceiling and is importable only as memory64.
static void host_types(void) {
  wasm_memorytype_t* big = wasmlift_memorytype_new64(1, true, 1ull << 33, true);
  REQUIRE(big != NULL);
  CHECK(wasm_memorytype_limits(big) == NULL);
  CHECK(strstr(wasmlift_error_message(), "wasmlift_memorytype_limits64") != NULL);
  wasm_memorytype_delete(big);
  CHECK(wasmlift_memorytype_new64(0, true, (1ull << 48) + 1, true) == NULL);
  CHECK(wasmlift_memorytype_new64(65537, false, 0, false) == NULL);
  CHECK(wasmlift_memorytype_new64(3, true, 2, true) == NULL);

  wasm_tabletype_t* tt = wasmlift_tabletype_new64(wasm_valtype_new(WASM_FUNCREF), 1ull << 32, false, 0, true);
  REQUIRE(tt != NULL);
  CHECK(wasm_tabletype_limits(tt) == NULL);
  CHECK(strstr(wasmlift_error_message(), "wasmlift_tabletype_limits64") != NULL);
  uint64_t min = 0, max = 1;
  bool has_max = true;
  CHECK(wasmlift_tabletype_limits64(tt, &min, &has_max, &max));
  CHECK(min == 1ull << 32 && !has_max && max == 0);
  wasm_tabletype_delete(tt);

  // An engine ceiling of 20 pages: a host memory64 memory may grow to it, not past it.
  wasm_config_t* config = wasm_config_new();
  wasmlift_config_max_memory_pages(config, 20);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_memorytype_t* mt = wasmlift_memorytype_new64(1, false, 0, true);
  wasm_memory_t* mem = wasm_memory_new(store, mt);
  REQUIRE(mem != NULL);
  uint64_t old = 0;
  CHECK(wasmlift_memory_grow64(mem, 19, &old));
  CHECK_EQ(old, 1);
  CHECK(!wasmlift_memory_grow64(mem, 1, &old));
  CHECK(!wasmlift_memory_grow64(mem, UINT64_MAX, &old));
  CHECK_EQ(wasmlift_memory_size64(mem), 20);
  // Importing it as a 32-bit memory fails; as memory64 it links.
  wasm_module_t* m32 = module_from_wat(store, "(module (import \"m\" \"mem\" (memory 1)))");
  wasm_module_t* m64 = module_from_wat(
      store, "(module (import \"m\" \"mem\" (memory i64 1)) (func (export \"sz\") (result i64) (memory.size)))");
  wasm_extern_t* imports[1] = {wasm_memory_as_extern(mem)};
  wasm_extern_vec_t vec = {1, imports};
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, m32, &vec, &trap) == NULL);
  if (trap) wasm_trap_delete(trap);
  wasm_instance_t* inst = instantiate(store, m64, imports, 1);
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_func_t* sz = export_func(m64, inst, "sz");
  CHECK_NO_TRAP(call(sz, NULL, 0, r, 1));
  CHECK_EQ(r[0].of.i64, 20);
  wasm_func_delete(sz);
  // The store's byte limit binds memory64 growth too: 24 pages in all, 20 held.
  wasmlift_store_limits(store, 24 * PAGE, 0, 0, 0, 0);
  wasm_module_t* grower = module_from_wat(store,
                                          "(module (memory i64 2) (func (export \"g\") (param i64) (result i64)"
                                          " (memory.grow (local.get 0))))");
  wasm_instance_t* gi = instantiate(store, grower, NULL, 0);
  wasm_func_t* g = export_func(grower, gi, "g");
  int64_t old_size = 0;
  CHECK_NO_TRAP(call_i64(g, 3, &old_size));
  CHECK_EQ(old_size, -1);
  CHECK_NO_TRAP(call_i64(g, 2, &old_size));
  CHECK_EQ(old_size, 2);
  wasm_func_delete(g);
  wasm_instance_delete(gi);
  wasm_module_delete(grower);
  wasmlift_store_limits(store, 0, 0, 0, 0, 0);
  // A module needing more than the ceiling does not instantiate.
  wasm_module_t* too_big = module_from_wat(store, "(module (memory i64 21))");
  trap = NULL;
  CHECK(wasm_instance_new(store, too_big, &(wasm_extern_vec_t)WASM_EMPTY_VEC, &trap) == NULL);
  if (trap) wasm_trap_delete(trap);
  wasm_module_delete(too_big);
  wasm_instance_delete(inst);
  wasm_module_delete(m32);
  wasm_module_delete(m64);
  wasm_memory_delete(mem);
  wasm_memorytype_delete(mt);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

int main(void) {
  host_types();
  // Under valgrind (which runs the C tests with explicit checks) only the explicit-check
  // variant: compiling under memcheck is slow, and the guard-page variant adds nothing it sees.
  if (!test_under_valgrind()) run_module(0);
  run_module(1);
  return test_report("memory64_test");
}
