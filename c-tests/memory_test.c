// Linear memories through the C API: an exported memory's size/data/data_size/type, growth from
// the host (wasm_memory_grow) and from the guest (memory.grow) up to the maximum and no further,
// data visible both ways, loads and stores of every width at the boundaries (in bounds works,
// one byte past traps "out of bounds memory access" and writes nothing), and a host-created
// memory imported into two instances being one memory, memories created after others were
// released starting zeroed with exactly their own size accessible, and the engine-wide page
// limit. Run with guard pages and with explicit bounds checks.
#include "test_util.h"

#define PAGE 65536u

static const char* MEMORY_WAT =
    "(module"
    "  (memory (export \"mem\") 2 5)"
    "  (data (i32.const 16) \"\\01\\02\\03\\04\\80\\ff\\7f\\fe\")"
    "  (func (export \"size\") (result i32) (memory.size))"
    "  (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0)))"
    "  (func (export \"i32.load8_s\") (param i32) (result i64) (i64.extend_i32_s (i32.load8_s (local.get 0))))"
    "  (func (export \"i32.load8_u\") (param i32) (result i64) (i64.extend_i32_s (i32.load8_u (local.get 0))))"
    "  (func (export \"i32.load16_s\") (param i32) (result i64) (i64.extend_i32_s (i32.load16_s (local.get 0))))"
    "  (func (export \"i32.load16_u\") (param i32) (result i64) (i64.extend_i32_s (i32.load16_u (local.get 0))))"
    "  (func (export \"i32.load\") (param i32) (result i64) (i64.extend_i32_u (i32.load (local.get 0))))"
    "  (func (export \"i64.load8_s\") (param i32) (result i64) (i64.load8_s (local.get 0)))"
    "  (func (export \"i64.load8_u\") (param i32) (result i64) (i64.load8_u (local.get 0)))"
    "  (func (export \"i64.load16_s\") (param i32) (result i64) (i64.load16_s (local.get 0)))"
    "  (func (export \"i64.load16_u\") (param i32) (result i64) (i64.load16_u (local.get 0)))"
    "  (func (export \"i64.load32_s\") (param i32) (result i64) (i64.load32_s (local.get 0)))"
    "  (func (export \"i64.load32_u\") (param i32) (result i64) (i64.load32_u (local.get 0)))"
    "  (func (export \"i64.load\") (param i32) (result i64) (i64.load (local.get 0)))"
    "  (func (export \"f32.load\") (param i32) (result i64) (i64.extend_i32_u (i32.reinterpret_f32 (f32.load (local.get 0)))))"
    "  (func (export \"f64.load\") (param i32) (result i64) (i64.reinterpret_f64 (f64.load (local.get 0))))"
    "  (func (export \"i32.store8\") (param i32 i64) (i32.store8 (local.get 0) (i32.wrap_i64 (local.get 1))))"
    "  (func (export \"i32.store16\") (param i32 i64) (i32.store16 (local.get 0) (i32.wrap_i64 (local.get 1))))"
    "  (func (export \"i32.store\") (param i32 i64) (i32.store (local.get 0) (i32.wrap_i64 (local.get 1))))"
    "  (func (export \"i64.store8\") (param i32 i64) (i64.store8 (local.get 0) (local.get 1)))"
    "  (func (export \"i64.store16\") (param i32 i64) (i64.store16 (local.get 0) (local.get 1)))"
    "  (func (export \"i64.store32\") (param i32 i64) (i64.store32 (local.get 0) (local.get 1)))"
    "  (func (export \"i64.store\") (param i32 i64) (i64.store (local.get 0) (local.get 1)))"
    "  (func (export \"f32.store\") (param i32 i64) (f32.store (local.get 0) (f32.reinterpret_i32 (i32.wrap_i64 (local.get 1)))))"
    "  (func (export \"f64.store\") (param i32 i64) (f64.store (local.get 0) (f64.reinterpret_i64 (local.get 1))))"
    // A large static offset: address + offset overflows 32 bits, which must trap, not wrap.
    "  (func (export \"load_big_offset\") (param i32) (result i32) (i32.load offset=0xfffffff0 (local.get 0)))"
    "  (func (export \"load_offset16\") (param i32) (result i32) (i32.load offset=16 (local.get 0)))"
    "  (func (export \"fill\") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))"
    "  (func (export \"copy\") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2))))";

typedef struct {
  const char* name;
  unsigned width;
  int is_store;
} access_t;

static const access_t ACCESSES[] = {
    {"i32.load8_s", 1, 0},  {"i32.load8_u", 1, 0},  {"i32.load16_s", 2, 0}, {"i32.load16_u", 2, 0},
    {"i32.load", 4, 0},     {"i64.load8_s", 1, 0},  {"i64.load8_u", 1, 0},  {"i64.load16_s", 2, 0},
    {"i64.load16_u", 2, 0}, {"i64.load32_s", 4, 0}, {"i64.load32_u", 4, 0}, {"i64.load", 8, 0},
    {"f32.load", 4, 0},     {"f64.load", 8, 0},     {"i32.store8", 1, 1},   {"i32.store16", 2, 1},
    {"i32.store", 4, 1},    {"i64.store8", 1, 1},   {"i64.store16", 2, 1},  {"i64.store32", 4, 1},
    {"i64.store", 8, 1},    {"f32.store", 4, 1},    {"f64.store", 8, 1},
};
#define NACCESSES (sizeof ACCESSES / sizeof *ACCESSES)

// Runs one access at `addr` (stores write `value`); returns the trap, the loaded value in *out.
static wasm_trap_t* access(const wasm_func_t* f, int is_store, uint32_t addr, int64_t value, int64_t* out) {
  wasm_val_t args[2] = {WASM_I32_VAL((int32_t)addr), WASM_I64_VAL(value)};
  wasm_val_t result = WASM_INIT_VAL;
  wasm_trap_t* trap = is_store ? call(f, args, 2, NULL, 0) : call(f, args, 1, &result, 1);
  if (trap == NULL && !is_store) {
    CHECK_EQ(result.kind, WASM_I64);
    *out = result.of.i64;
  }
  return trap;
}

static int64_t load(const wasm_func_t* f, uint32_t addr) {
  int64_t v = 0x5a5a5a5a;
  CHECK_NO_TRAP(access(f, 0, addr, 0, &v));
  return v;
}

static void store_value(const wasm_func_t* f, uint32_t addr, int64_t value) {
  CHECK_NO_TRAP(access(f, 1, addr, value, NULL));
}

static void expect_oob(const wasm_func_t* f, const access_t* a, uint32_t addr, const char* mode) {
  int64_t v;
  wasm_trap_t* trap = access(f, a->is_store, addr, -1, &v);
  CHECK_MSG(trap != NULL, "%s: %s at 0x%x did not trap", mode, a->name, addr);
  if (trap) {
    CHECK_TRAP_IS(trap, "out of bounds memory access");
    wasm_trap_delete(trap);
  }
}

static void test_exported_memory(wasm_engine_t* engine, const char* mode) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store, MEMORY_WAT);
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_memory_t* mem = export_memory(module, instance, "mem");
  expect_guard_faults(mem);  // out-of-bounds accesses below fault on purpose
  wasm_func_t* size = export_func(module, instance, "size");
  wasm_func_t* grow = export_func(module, instance, "grow");
  wasm_func_t* funcs[NACCESSES];
  for (size_t i = 0; i < NACCESSES; i++) funcs[i] = export_func(module, instance, ACCESSES[i].name);

  // Size, data, type.
  CHECK_EQ(wasm_memory_size(mem), 2);
  CHECK_EQ(wasm_memory_data_size(mem), 2 * PAGE);
  CHECK_EQ(CALL_I32_0(size), 2);
  wasm_memorytype_t* mt = wasm_memory_type(mem);
  CHECK_EQ(wasm_memorytype_limits(mt)->min, 2);
  CHECK_EQ(wasm_memorytype_limits(mt)->max, 5);
  wasm_memorytype_delete(mt);
  unsigned char* data = (unsigned char*)wasm_memory_data(mem);
  REQUIRE(data != NULL);
  // The data segment is there; the rest is zero.
  static const unsigned char seg[] = {1, 2, 3, 4, 0x80, 0xff, 0x7f, 0xfe};
  CHECK(memcmp(data + 16, seg, sizeof seg) == 0);
  CHECK(data[15] == 0 && data[24] == 0 && data[2 * PAGE - 1] == 0);

  // Loads of every width see the segment with the right sign/zero extension.
  CHECK_EQ(load(funcs[0], 20), -128);                         // i32.load8_s 0x80
  CHECK_EQ(load(funcs[1], 20), 128);                          // i32.load8_u
  CHECK_EQ(load(funcs[2], 20), (int16_t)0xff80);              // i32.load16_s
  CHECK_EQ(load(funcs[3], 20), 0xff80);                       // i32.load16_u
  CHECK_EQ(load(funcs[4], 16), 0x04030201);                   // i32.load
  CHECK_EQ(load(funcs[5], 21), -1);                           // i64.load8_s 0xff
  CHECK_EQ(load(funcs[6], 21), 255);                          // i64.load8_u
  CHECK_EQ(load(funcs[7], 22), (int16_t)0xfe7f);              // i64.load16_s
  CHECK_EQ(load(funcs[8], 22), 0xfe7f);                       // i64.load16_u
  CHECK_EQ(load(funcs[9], 20), (int32_t)0xfe7fff80);          // i64.load32_s
  CHECK_EQ(load(funcs[10], 20), 0xfe7fff80ll);                // i64.load32_u
  CHECK_EQ(load(funcs[11], 16), (int64_t)0xfe7fff8004030201ull);  // i64.load
  CHECK_EQ(load(funcs[12], 16), 0x04030201);                  // f32.load (bits)
  CHECK_EQ(load(funcs[13], 16), (int64_t)0xfe7fff8004030201ull);  // f64.load (bits)
  // Unaligned loads work.
  CHECK_EQ(load(funcs[4], 17), 0x80040302);

  // Host writes are visible to wasm.
  data[1000] = 0xab;
  data[1001] = 0xcd;
  CHECK_EQ(load(funcs[3], 1000), 0xcdab);
  // Wasm stores of every width are visible to the host (little-endian, only `width` bytes).
  for (size_t i = 0; i < NACCESSES; i++) {
    if (!ACCESSES[i].is_store) continue;
    uint32_t addr = 4096 + 32 * (uint32_t)i + 3;  // unaligned on purpose
    memset(data + addr - 1, 0xee, 10);
    store_value(funcs[i], addr, (int64_t)0x8877665544332211ull);
    static const unsigned char bytes[] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    CHECK_MSG(memcmp(data + addr, bytes, ACCESSES[i].width) == 0, "%s: %s wrote the wrong bytes", mode, ACCESSES[i].name);
    CHECK_MSG(data[addr - 1] == 0xee && data[addr + ACCESSES[i].width] == 0xee, "%s: %s wrote outside its width", mode,
              ACCESSES[i].name);
  }

  // Boundaries: the last `width` bytes are accessible, one byte further traps.
  uint32_t end = (uint32_t)wasm_memory_data_size(mem);
  for (size_t i = 0; i < NACCESSES; i++) {
    const access_t* a = &ACCESSES[i];
    int64_t v;
    wasm_trap_t* t = access(funcs[i], a->is_store, end - a->width, 0x0102030405060708ll, &v);
    CHECK_MSG(t == NULL, "%s: %s at the last %u bytes trapped", mode, a->name, a->width);
    if (t) wasm_trap_delete(t);
    if (a->width > 1) {
      // Straddling the end: traps and (for stores) writes nothing, not even the in-bounds part.
      memset(data + end - a->width, 0x3c, a->width);
      expect_oob(funcs[i], a, end - a->width + 1, mode);
      for (unsigned k = 0; k < a->width; k++)
        CHECK_MSG(data[end - a->width + k] == 0x3c, "%s: trapping %s changed byte %u", mode, a->name, k);
    }
    expect_oob(funcs[i], a, end, mode);
    expect_oob(funcs[i], a, end + 4096, mode);
    expect_oob(funcs[i], a, 0x80000000u, mode);
    expect_oob(funcs[i], a, 0xffffffffu, mode);
  }
  wasm_func_t* big_offset = export_func(module, instance, "load_big_offset");
  wasm_func_t* offset16 = export_func(module, instance, "load_offset16");
  for (uint32_t addr = 0; addr < 0x20; addr += 0x10) {
    wasm_val_t a[1] = {WASM_I32_VAL((int32_t)addr)}, r[1];
    wasm_trap_t* t = call(big_offset, a, 1, r, 1);
    CHECK_TRAP_IS(t, "out of bounds memory access");
    if (t) wasm_trap_delete(t);
  }
  CHECK_EQ(CALL_I32(offset16, 0), 0x04030201);
  {
    int32_t last;
    memcpy(&last, data + end - 4, 4);
    CHECK_EQ(CALL_I32(offset16, (int32_t)(end - 20)), last);
  }
  {
    wasm_val_t a[1] = {WASM_I32_VAL((int32_t)(end - 19))}, r[1];
    wasm_trap_t* t = call(offset16, a, 1, r, 1);
    CHECK_TRAP_IS(t, "out of bounds memory access");
    if (t) wasm_trap_delete(t);
  }
  // Bulk operations are bounds checked as a whole.
  wasm_func_t* fill = export_func(module, instance, "fill");
  wasm_func_t* copy = export_func(module, instance, "copy");
  {
    wasm_val_t a[3] = {WASM_I32_VAL((int32_t)(end - 8)), WASM_I32_VAL(0x42), WASM_I32_VAL(8)};
    CHECK_NO_TRAP(call(fill, a, 3, NULL, 0));
    CHECK(data[end - 8] == 0x42 && data[end - 1] == 0x42);
    a[2].of.i32 = 9;
    a[1].of.i32 = 0x43;
    wasm_trap_t* t = call(fill, a, 3, NULL, 0);
    CHECK_TRAP_IS(t, "out of bounds memory access");
    if (t) wasm_trap_delete(t);
    CHECK(data[end - 8] == 0x42);  // nothing written
    wasm_val_t c[3] = {WASM_I32_VAL(0), WASM_I32_VAL((int32_t)(end - 4)), WASM_I32_VAL(5)};
    t = call(copy, c, 3, NULL, 0);
    CHECK_TRAP_IS(t, "out of bounds memory access");
    if (t) wasm_trap_delete(t);
    CHECK(data[0] == 0);
  }

  // Growth from the host: new pages are zero and accessible, old data stays.
  CHECK(wasm_memory_grow(mem, 1));
  CHECK_EQ(wasm_memory_size(mem), 3);
  CHECK_EQ(wasm_memory_data_size(mem), 3 * PAGE);
  CHECK_EQ(CALL_I32_0(size), 3);
  data = (unsigned char*)wasm_memory_data(mem);
  CHECK(data[16] == 1 && data[1000] == 0xab);
  CHECK(data[2 * PAGE] == 0 && data[3 * PAGE - 1] == 0);
  store_value(funcs[20], 3 * PAGE - 8, 77);  // i64.store in the new page
  CHECK_EQ(load(funcs[11], 3 * PAGE - 8), 77);
  expect_oob(funcs[11], &ACCESSES[11], 3 * PAGE - 7, mode);
  // Growing by 0 succeeds and changes nothing.
  CHECK(wasm_memory_grow(mem, 0));
  CHECK_EQ(wasm_memory_size(mem), 3);
  CHECK_EQ(CALL_I32(grow, 0), 3);

  // Growth from the guest returns the old size.
  CHECK_EQ(CALL_I32(grow, 1), 3);
  CHECK_EQ(wasm_memory_size(mem), 4);
  CHECK_EQ(wasm_memory_data_size(mem), 4 * PAGE);
  data = (unsigned char*)wasm_memory_data(mem);
  data[4 * PAGE - 1] = 9;
  CHECK_EQ(load(funcs[1], 4 * PAGE - 1), 9);

  // The maximum (5 pages) is honoured from both sides; failed growth changes nothing.
  CHECK(!wasm_memory_grow(mem, 2));
  CHECK_EQ(CALL_I32(grow, 2), -1);
  CHECK_EQ(CALL_I32(grow, 0x10000), -1);
  CHECK_EQ(CALL_I32(grow, -1), -1);
  CHECK(!wasm_memory_grow(mem, 0xffffffffu));
  CHECK_EQ(wasm_memory_size(mem), 4);
  CHECK_EQ(CALL_I32_0(size), 4);
  expect_oob(funcs[1], &ACCESSES[1], 4 * PAGE, mode);
  CHECK(wasm_memory_grow(mem, 1));  // exactly to the maximum
  CHECK_EQ(wasm_memory_size(mem), 5);
  CHECK(!wasm_memory_grow(mem, 1));
  CHECK_EQ(CALL_I32(grow, 1), -1);
  CHECK_EQ(CALL_I32(grow, 0), 5);
  CHECK_EQ(load(funcs[1], 5 * PAGE - 1), 0);
  mt = wasm_memory_type(mem);
  CHECK_EQ(wasm_memorytype_limits(mt)->min, 5);
  CHECK_EQ(wasm_memorytype_limits(mt)->max, 5);
  wasm_memorytype_delete(mt);

  for (size_t i = 0; i < NACCESSES; i++) wasm_func_delete(funcs[i]);
  wasm_func_delete(big_offset);
  wasm_func_delete(offset16);
  wasm_func_delete(fill);
  wasm_func_delete(copy);
  wasm_func_delete(size);
  wasm_func_delete(grow);
  unexpect_guard_faults(mem);
  wasm_memory_delete(mem);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

// A memory without a maximum and with zero pages: every access traps until it grows.
static void test_empty_memory(wasm_engine_t* engine) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store,
      "(module (memory (export \"mem\") 0)"
      "  (func (export \"load\") (param i32) (result i32) (i32.load8_u (local.get 0)))"
      "  (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0))))");
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_memory_t* mem = export_memory(module, instance, "mem");
  expect_guard_faults(mem);
  wasm_func_t* ld = export_func(module, instance, "load");
  wasm_func_t* grow = export_func(module, instance, "grow");
  CHECK_EQ(wasm_memory_size(mem), 0);
  CHECK_EQ(wasm_memory_data_size(mem), 0);
  wasm_val_t a[1] = {WASM_I32_VAL(0)}, r[1];
  wasm_trap_t* t = call(ld, a, 1, r, 1);
  CHECK_TRAP_IS(t, "out of bounds memory access");
  if (t) wasm_trap_delete(t);
  wasm_memorytype_t* mt = wasm_memory_type(mem);
  CHECK_EQ(wasm_memorytype_limits(mt)->max, wasm_limits_max_default);
  wasm_memorytype_delete(mt);
  CHECK_EQ(CALL_I32(grow, 1), 0);
  CHECK_EQ(CALL_I32(ld, 0), 0);
  ((unsigned char*)wasm_memory_data(mem))[PAGE - 1] = 200;
  CHECK_EQ(CALL_I32(ld, (int32_t)(PAGE - 1)), 200);
  t = call(ld, (wasm_val_t[]){WASM_I32_VAL((int32_t)PAGE)}, 1, r, 1);
  CHECK_TRAP_IS(t, "out of bounds memory access");
  if (t) wasm_trap_delete(t);
  wasm_func_delete(ld);
  wasm_func_delete(grow);
  unexpect_guard_faults(mem);
  wasm_memory_delete(mem);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

// A host-created memory imported into two instances is one memory.
static void test_shared_host_memory(wasm_engine_t* engine) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_limits_t limits = {1, 3};
  wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  wasm_memory_t* mem = wasm_memory_new(store, mt);
  wasm_memorytype_delete(mt);
  REQUIRE(mem != NULL);
  CHECK_EQ(wasm_memory_size(mem), 1);
  CHECK_EQ(wasm_memory_data_size(mem), PAGE);
  unsigned char* data = (unsigned char*)wasm_memory_data(mem);
  CHECK(data[0] == 0 && data[PAGE - 1] == 0);

  wasm_module_t* module = module_from_wat(store,
      "(module (import \"env\" \"mem\" (memory 1 3))"
      "  (export \"mem\" (memory 0))"
      "  (func (export \"load\") (param i32) (result i32) (i32.load (local.get 0)))"
      "  (func (export \"store\") (param i32 i32) (i32.store (local.get 0) (local.get 1)))"
      "  (func (export \"size\") (result i32) (memory.size))"
      "  (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0))))");
  wasm_extern_t* imports[] = {wasm_memory_as_extern(mem)};
  wasm_instance_t* a = instantiate(store, module, imports, 1);
  wasm_instance_t* b = instantiate(store, module, imports, 1);
  wasm_func_t* a_store = export_func(module, a, "store");
  wasm_func_t* a_grow = export_func(module, a, "grow");
  wasm_func_t* b_load = export_func(module, b, "load");
  wasm_func_t* b_size = export_func(module, b, "size");
  wasm_func_t* b_store = export_func(module, b, "store");
  wasm_func_t* a_load = export_func(module, a, "load");

  // The re-exported memory is the host's memory.
  wasm_memory_t* a_mem = export_memory(module, a, "mem");
  wasm_memory_t* b_mem = export_memory(module, b, "mem");
  CHECK(wasm_memory_same(a_mem, mem));
  CHECK(wasm_memory_same(b_mem, mem));
  CHECK(wasm_memory_data(a_mem) == wasm_memory_data(mem));

  wasm_val_t args[2] = {WASM_I32_VAL(100), WASM_I32_VAL(0x12345678)};
  CHECK_NO_TRAP(call(a_store, args, 2, NULL, 0));
  CHECK_EQ(CALL_I32(b_load, 100), 0x12345678);
  CHECK(data[100] == 0x78 && data[103] == 0x12);
  data[200] = 7;
  CHECK_EQ(CALL_I32(a_load, 200), 7);
  CHECK_EQ(CALL_I32(b_load, 200), 7);

  // Growth through one instance is seen by the other and by the host.
  CHECK_EQ(CALL_I32(a_grow, 1), 1);
  CHECK_EQ(CALL_I32_0(b_size), 2);
  CHECK_EQ(wasm_memory_size(mem), 2);
  CHECK_EQ(wasm_memory_data_size(b_mem), 2 * PAGE);
  wasm_val_t args2[2] = {WASM_I32_VAL((int32_t)(2 * PAGE - 4)), WASM_I32_VAL(-2)};
  CHECK_NO_TRAP(call(b_store, args2, 2, NULL, 0));
  CHECK_EQ(CALL_I32(a_load, (int32_t)(2 * PAGE - 4)), -2);
  // Growth from the host is seen by both; the shared maximum holds for all.
  CHECK(wasm_memory_grow(mem, 1));
  CHECK_EQ(CALL_I32_0(b_size), 3);
  CHECK_EQ(CALL_I32(a_grow, 1), -1);
  CHECK(!wasm_memory_grow(b_mem, 1));
  CHECK_EQ(wasm_memory_size(mem), 3);

  // The memory outlives the instances and the host handle order does not matter.
  wasm_func_delete(a_store);
  wasm_func_delete(a_grow);
  wasm_func_delete(a_load);
  wasm_memory_delete(a_mem);
  wasm_instance_delete(a);
  CHECK_EQ(CALL_I32(b_load, 100), 0x12345678);
  wasm_memory_delete(mem);
  CHECK_EQ(CALL_I32(b_load, 200), 7);
  CHECK_EQ(wasm_memory_size(b_mem), 3);
  wasm_func_delete(b_load);
  wasm_func_delete(b_size);
  wasm_func_delete(b_store);
  wasm_memory_delete(b_mem);
  wasm_instance_delete(b);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

// Memories created one after another (the engine may reuse a released memory's address space):
// each starts all zero, with exactly its own size accessible, whatever the previous one held.
static void test_fresh_memories(wasm_engine_t* engine) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* modules[3];
  const uint32_t pages[3] = {3, 1, 2};
  modules[0] = module_from_wat(store, "(module (memory (export \"mem\") 3)"
                                      "  (func (export \"load\") (param i32) (result i32) (i32.load8_u (local.get 0))))");
  modules[1] = module_from_wat(store, "(module (memory (export \"mem\") 1)"
                                      "  (func (export \"load\") (param i32) (result i32) (i32.load8_u (local.get 0))))");
  modules[2] = module_from_wat(store, "(module (memory (export \"mem\") 2)"
                                      "  (func (export \"load\") (param i32) (result i32) (i32.load8_u (local.get 0))))");
  for (int round = 0; round < 30; round++) {
    int k = round % 3;
    wasm_instance_t* inst = instantiate(store, modules[k], NULL, 0);
    wasm_memory_t* mem = export_memory(modules[k], inst, "mem");
    expect_guard_faults(mem);
    wasm_func_t* ld = export_func(modules[k], inst, "load");
    unsigned char* data = (unsigned char*)wasm_memory_data(mem);
    size_t size = wasm_memory_data_size(mem);
    CHECK_EQ(size, pages[k] * PAGE);
    size_t nonzero = 0;
    for (size_t i = 0; i < size; i += 61) nonzero += data[i] != 0;
    nonzero += data[size - 1] != 0;
    CHECK_MSG(nonzero == 0, "round %d: a new %u-page memory has %zu non-zero sampled bytes", round, pages[k], nonzero);
    CHECK_EQ(CALL_I32(ld, (int32_t)(size - 1)), 0);
    wasm_val_t a[1] = {WASM_I32_VAL((int32_t)size)}, r[1];
    wasm_trap_t* t = call(ld, a, 1, r, 1);
    CHECK_MSG(t != NULL, "round %d: load at the end of a %u-page memory did not trap", round, pages[k]);
    if (t) wasm_trap_delete(t);
    // Grow by one page: the new page is zero too.
    CHECK(wasm_memory_grow(mem, 1));
    data = (unsigned char*)wasm_memory_data(mem);
    CHECK(data[size] == 0 && data[size + PAGE - 1] == 0);
    // Dirty everything before it goes.
    memset(data, 0xab, size + PAGE);
    wasm_func_delete(ld);
    unexpect_guard_faults(mem);
    wasm_memory_delete(mem);
    wasm_instance_delete(inst);
  }
  for (int k = 0; k < 3; k++) wasm_module_delete(modules[k]);
  wasm_store_delete(store);
}

// wasmlift_config_max_memory_pages: an engine-wide ceiling below the declared maximum.
static void test_engine_limit(void) {
  wasm_config_t* config = wasm_config_new();
  wasmlift_config_max_memory_pages(config, 4);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  REQUIRE(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store,
      "(module (memory (export \"mem\") 2)"
      "  (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0))))");
  wasm_instance_t* inst = instantiate(store, module, NULL, 0);
  wasm_memory_t* mem = export_memory(module, inst, "mem");
  wasm_func_t* grow = export_func(module, inst, "grow");
  CHECK_EQ(CALL_I32(grow, 3), -1);
  CHECK_EQ(CALL_I32(grow, 1), 2);
  CHECK(wasm_memory_grow(mem, 1));
  CHECK_EQ(wasm_memory_size(mem), 4);
  CHECK(!wasm_memory_grow(mem, 1));
  CHECK_EQ(CALL_I32(grow, 1), -1);
  CHECK_EQ(wasm_memory_size(mem), 4);
  wasm_func_delete(grow);
  wasm_memory_delete(mem);
  wasm_instance_delete(inst);
  wasm_module_delete(module);
  // A module or a host memory needing more than the limit fails cleanly.
  module = module_from_wat(store, "(module (memory 5))");
  wasm_trap_t* trap = NULL;
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasm_instance_new(store, module, &none, &trap) == NULL);
  CHECK(trap != NULL);
  if (trap) wasm_trap_delete(trap);
  CHECK(wasmlift_error_message()[0] != '\0');
  wasm_module_delete(module);
  wasm_limits_t limits = {5, 10};
  wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  CHECK(wasm_memory_new(store, mt) == NULL);
  wasm_memorytype_delete(mt);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

int main(void) {
  wasm_engine_t* engine = engine_with_bounds_checks(0);
  test_exported_memory(engine, "guard pages");
  test_empty_memory(engine);
  test_shared_host_memory(engine);
  test_fresh_memories(engine);
  wasm_engine_delete(engine);

  engine = engine_with_bounds_checks(1);
  test_exported_memory(engine, "explicit bounds checks");
  test_empty_memory(engine);
  test_shared_host_memory(engine);
  test_fresh_memories(engine);
  wasm_engine_delete(engine);
  test_engine_limit();
  return test_report("memory_test");
}
