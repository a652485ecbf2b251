// Instances are made from recycled allocations (linear memories come from a process-wide pool
// of released reservations, small ones with their pages still resident): nothing of a deleted
// instance may show in the next one. Instance A dirties its memory (a few pages, which are
// zeroed in place, or many, which are dropped), grows it, and changes its globals and table;
// after A is deleted, instance B of the same module — in the same store, another store or
// another engine, and memories made by wasm_memory_new — must see exactly the initial state.
#include "test_util.h"

static const char* WAT =
    "(module\n"
    "  (memory (export \"mem\") 2 200)\n"
    "  (table (export \"tab\") 4 funcref)\n"
    "  (global $g (export \"g\") (mut i32) (i32.const 5))\n"
    "  (global $h (export \"h\") (mut i64) (i64.const -6))\n"
    "  (data (i32.const 100) \"pristine\")\n"
    "  (elem (i32.const 1) $f)\n"
    "  (func $f (result i32) (i32.const 42))\n"
    // dirty(bytes, grow): grows by `grow` pages and writes to the new end, writes 0xab to every
    // 512th byte below `bytes` and 0xcd to the last one, changes globals and table.
    "  (func (export \"dirty\") (param $bytes i32) (param $grow i32) (local $i i32)\n"
    "    (if (i32.gt_s (local.get $grow) (i32.const 0))\n"
    "      (then (drop (memory.grow (local.get $grow)))\n"
    "            (i32.store (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4))\n"
    "                       (i32.const -1))))\n"
    "    (block $done (loop $next\n"
    "      (br_if $done (i32.ge_u (local.get $i) (local.get $bytes)))\n"
    "      (i32.store8 (local.get $i) (i32.const 0xab))\n"
    "      (local.set $i (i32.add (local.get $i) (i32.const 512)))\n"
    "      (br $next)))\n"
    "    (i32.store8 (i32.sub (local.get $bytes) (i32.const 1)) (i32.const 0xcd))\n"
    "    (global.set $g (i32.const 77))\n"
    "    (global.set $h (i64.const 0x1234567890))\n"
    "    (table.set (i32.const 0) (ref.func $f))\n"
    "    (table.set (i32.const 1) (ref.null func))\n"
    "    (table.set (i32.const 3) (ref.func $f)))\n"
    ")\n";

// Every byte of the memory is zero except the data segment; the size is the initial one.
static void check_pristine_memory(wasm_memory_t* mem, size_t pages) {
  CHECK_EQ(wasm_memory_size(mem), pages);
  CHECK_EQ(wasm_memory_data_size(mem), pages * 65536);
  const unsigned char* data = (const unsigned char*)wasm_memory_data(mem);
  size_t size = wasm_memory_data_size(mem), nonzero = 0, first = 0;
  for (size_t i = 0; i < size; i++) {
    if (i >= 100 && i < 108) continue;
    if (data[i] != 0 && nonzero++ == 0) first = i;
  }
  CHECK_MSG(nonzero == 0, "%zu stale bytes in a fresh memory, the first at %zu (0x%02x)", nonzero, first,
            nonzero ? data[first] : 0);
  CHECK(memcmp(data + 100, "pristine", 8) == 0);
}

static void check_pristine(const wasm_module_t* module, const wasm_instance_t* inst) {
  wasm_memory_t* mem = export_memory(module, inst, "mem");
  check_pristine_memory(mem, 2);
  wasm_memory_delete(mem);
  wasm_global_t* g = export_global(module, inst, "g");
  wasm_global_t* h = export_global(module, inst, "h");
  wasm_val_t v;
  wasm_global_get(g, &v);
  CHECK(v.kind == WASM_I32 && v.of.i32 == 5);
  wasm_global_get(h, &v);
  CHECK(v.kind == WASM_I64 && v.of.i64 == -6);
  wasm_global_delete(g);
  wasm_global_delete(h);
  wasm_table_t* tab = export_table(module, inst, "tab");
  CHECK_EQ(wasm_table_size(tab), 4);
  for (wasm_table_size_t i = 0; i < 4; i++) {
    wasm_ref_t* r = wasm_table_get(tab, i);
    CHECK_MSG((r != NULL) == (i == 1), "table element %u is %s", (unsigned)i, r ? "set" : "null");
    if (r) wasm_ref_delete(r);
  }
  wasm_table_delete(tab);
}

static void dirty(const wasm_module_t* module, const wasm_instance_t* inst, int32_t bytes, int32_t grow) {
  wasm_func_t* f = export_func(module, inst, "dirty");
  wasm_val_t args[2] = {WASM_I32_VAL(bytes), WASM_I32_VAL(grow)};
  CHECK_NO_TRAP(call(f, args, 2, NULL, 0));
  wasm_func_delete(f);
  // The writes really happened (so that a pristine B proves something).
  wasm_memory_t* mem = export_memory(module, inst, "mem");
  const unsigned char* data = (const unsigned char*)wasm_memory_data(mem);
  CHECK_EQ(data[0], 0xab);
  CHECK_EQ(data[bytes - 1], 0xcd);
  CHECK_EQ(wasm_memory_size(mem), (size_t)(2 + grow));
  wasm_memory_delete(mem);
}

int main(void) {
  wasm_engine_t* engines[2] = {wasm_engine_new(), wasm_engine_new()};
  REQUIRE(engines[0] != NULL && engines[1] != NULL);
  wasm_store_t* stores[3] = {wasm_store_new(engines[0]), wasm_store_new(engines[0]), wasm_store_new(engines[1])};
  wasm_module_t* modules[3] = {module_from_wat(stores[0], WAT), NULL, module_from_wat(stores[2], WAT)};
  modules[1] = modules[0];  // stores 0 and 1 share the engine, and so the module

  // (bytes dirtied, pages grown): a few pages (zeroed in place), the whole initial memory,
  // many pages after growing (dropped, too big to keep), and growth alone.
  const int32_t cases[][2] = {{4096, 0}, {2 * 65536, 0}, {10 * 65536, 60}, {8192, 3}, {2 * 65536, 1}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    for (int a = 0; a < 3; a++) {
      for (int b = 0; b < 3; b++) {
        wasm_instance_t* ia = instantiate(stores[a], modules[a], NULL, 0);
        check_pristine(modules[a], ia);
        dirty(modules[a], ia, cases[c][0], cases[c][1]);
        wasm_instance_delete(ia);
        wasm_instance_t* ib = instantiate(stores[b], modules[b], NULL, 0);
        check_pristine(modules[b], ib);
        wasm_instance_delete(ib);
      }
    }
  }

  // Many instances alive at once, then all released, then as many again.
  enum { LIVE = 40 };
  wasm_instance_t* live[LIVE];
  for (int i = 0; i < LIVE; i++) {
    live[i] = instantiate(stores[0], modules[0], NULL, 0);
    dirty(modules[0], live[i], 3 * 4096 + 512 * i, i % 3);
  }
  for (int i = 0; i < LIVE; i++) wasm_instance_delete(live[i]);
  for (int i = 0; i < LIVE; i++) {
    live[i] = instantiate(stores[0], modules[0], NULL, 0);
    check_pristine(modules[0], live[i]);
  }
  for (int i = 0; i < LIVE; i++) wasm_instance_delete(live[i]);

  // Memories of the embedder come from the same pool.
  wasm_limits_t limits = {2, 10};
  wasm_memorytype_t* mt = wasm_memorytype_new(&limits);
  for (int round = 0; round < 4; round++) {
    wasm_memory_t* m = wasm_memory_new(stores[round % 3], mt);
    REQUIRE(m != NULL);
    unsigned char* data = (unsigned char*)wasm_memory_data(m);
    size_t nonzero = 0;
    for (size_t i = 0; i < wasm_memory_data_size(m); i++) nonzero += data[i] != 0;
    CHECK_EQ(nonzero, 0);
    CHECK_EQ(wasm_memory_size(m), 2);
    memset(data, 0xee, wasm_memory_data_size(m));
    CHECK(wasm_memory_grow(m, 1 + round % 2));
    wasm_memory_delete(m);
    wasm_instance_t* inst = instantiate(stores[0], modules[0], NULL, 0);
    check_pristine(modules[0], inst);
    wasm_instance_delete(inst);
  }
  wasm_memorytype_delete(mt);

  wasm_module_delete(modules[0]);
  wasm_module_delete(modules[2]);
  for (int i = 0; i < 3; i++) wasm_store_delete(stores[i]);
  wasm_engine_delete(engines[0]);
  wasm_engine_delete(engines[1]);
  return test_report("recycle_test");
}
