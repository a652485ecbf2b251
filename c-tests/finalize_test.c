// Instance lifetime at scale: creates and deletes many instances (default 100000; argv[1]
// overrides, fewer under valgrind) of a small module with a memory, globals and a function (no
// table, so nothing pins instances in the store), each with host info and a finalizer. Every
// finalizer must run exactly once, while the store is still alive, and the resident and
// virtual memory sizes must stay flat (no per-instance leak of heap or of memory reservations).
#include "test_util.h"

static unsigned char* finalized;  // one counter per instance
static long finalized_total = 0;
static long n_instances = 0;

static void instance_finalizer(void* info) {
  long i = (long)(intptr_t)info - 1;
  if (i >= 0 && i < n_instances) {
    if (finalized[i] < 255) finalized[i]++;
  }
  finalized_total++;
}

static long export_finalized = 0;
static void export_finalizer(void* info) {
  (void)info;
  export_finalized++;
}

// Resident and total program size in bytes, from /proc/self/statm.
static void memory_usage(long long* resident, long long* virt) {
  long long size = 0, res = 0;
  FILE* f = fopen("/proc/self/statm", "r");
  REQUIRE(f != NULL);
  REQUIRE(fscanf(f, "%lld %lld", &size, &res) == 2);
  fclose(f);
  long long page = 4096;
  *resident = res * page;
  *virt = size * page;
}

static const char* MODULE_WAT =
    "(module"
    "  (memory (export \"mem\") 1 2)"
    "  (global $counter (mut i32) (i32.const 0))"
    "  (global $k i64 (i64.const 7))"
    "  (data (i32.const 8) \"finalize\")"
    "  (func (export \"f\") (param i32) (result i32)"
    "    (global.set $counter (i32.add (global.get $counter) (local.get 0)))"
    "    (i32.store (i32.const 0) (global.get $counter))"
    "    (i32.add (i32.load (i32.const 0)) (i32.wrap_i64 (global.get $k)))))";

int main(int argc, char** argv) {
  n_instances = test_iterations(argc, argv, 100000, 2000);
  finalized = (unsigned char*)calloc((size_t)n_instances, 1);
  REQUIRE(finalized != NULL);
  wasm_engine_t* engine = wasm_engine_new();
  REQUIRE(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store, MODULE_WAT);

  long warmup = n_instances / 10;
  long long res_before = 0, virt_before = 0;
  for (long i = 0; i < n_instances; i++) {
    if (i == warmup) memory_usage(&res_before, &virt_before);
    wasm_trap_t* trap = NULL;
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    wasm_instance_t* inst = wasm_instance_new(store, module, &none, &trap);
    if (inst == NULL) {
      CHECK_MSG(0, "instantiation %ld of %ld failed: %s", i, n_instances, wasmlift_error_message());
      if (trap) wasm_trap_delete(trap);
      break;
    }
    wasm_instance_set_host_info_with_finalizer(inst, (void*)(intptr_t)(i + 1), instance_finalizer);
    CHECK(wasm_instance_get_host_info(inst) == (void*)(intptr_t)(i + 1));
    // Use the instance a little: every instance has its own globals and memory.
    if (i % 7 == 0) {
      wasm_func_t* f = export_func(module, inst, "f");
      if (i % 2 == 0) wasm_func_set_host_info_with_finalizer(f, (void*)f, export_finalizer);
      CHECK_EQ(CALL_I32(f, 3), 3 + 7);
      CHECK_EQ(CALL_I32(f, 4), 7 + 7);
      wasm_memory_t* mem = export_memory(module, inst, "mem");
      CHECK(memcmp(wasm_memory_data(mem) + 8, "finalize", 8) == 0);
      wasm_memory_delete(mem);
      wasm_func_delete(f);
    }
    wasm_instance_delete(inst);
    if (test_failures_ > 20) break;  // do not flood the output
  }
  long long res_after = 0, virt_after = 0;
  memory_usage(&res_after, &virt_after);

  // Nothing pins these instances: all are gone already, before the store is.
  CHECK_MSG(finalized_total == n_instances, "%ld of %ld instance finalizers ran before the store was deleted",
            finalized_total, n_instances);
  long expected_exports = 0;
  for (long i = 0; i < n_instances; i += 7)
    if (i % 2 == 0) expected_exports++;
  CHECK_EQ(export_finalized, expected_exports);

  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  CHECK_EQ(finalized_total, n_instances);
  long bad = 0;
  for (long i = 0; i < n_instances; i++)
    if (finalized[i] != 1) {
      if (bad++ < 5) CHECK_MSG(0, "finalizer of instance %ld ran %d times", i, finalized[i]);
    }
  CHECK_EQ(bad, 0);
  free(finalized);

  // Flat memory: a leak of even a few hundred bytes per instance, or of a linear memory's
  // address-space reservation, shows here (valgrind's own bookkeeping makes this meaningless
  // under valgrind, whose leak check covers it instead; likewise ASan's quarantine and LSan).
  long long res_growth = res_after - res_before, virt_growth = virt_after - virt_before;
  printf("finalize_test: %ld instances; resident %+lld KiB, virtual %+lld MiB after warm-up\n", n_instances,
         res_growth / 1024, virt_growth >> 20);
  if (!test_under_valgrind() && !test_under_asan() && n_instances >= 1000) {
    long long slack = 8ll << 20;  // allocator caches and the like
    CHECK_MSG(res_growth < slack, "resident size grew by %lld KiB over %ld instances", res_growth / 1024,
              n_instances - warmup);
    CHECK_MSG(virt_growth < (16ll << 30), "address space grew by %lld MiB over %ld instances", virt_growth >> 20,
              n_instances - warmup);
  }
  return test_report("finalize_test");
}
