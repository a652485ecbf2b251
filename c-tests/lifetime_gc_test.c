// Instances and host functions whose function references escaped into tables, globals, GC
// objects or exceptions are collected once nothing reaches them (issue 18), and never before.
// The oracles are finalizers (instance host info, host-function envs) and
// wasmlift_store_lifetime_stats:
// - churn: 100 k instances each writing its own function into a shared table, handles deleted:
//   live instances and RSS stay bounded, and the one the table holds still runs;
// - an instance limit of 8 with that churn: unreachable instances make room;
// - cycles: two instances holding each other's function in their tables, and an instance whose
//   own GC global holds a struct holding its own function, are freed once unreferenced;
// - a function reference in a struct field, a global and an exception payload keeps its
//   instance alive and callable after every handle is gone; overwritten, it is freed;
// - exceptions that ended an activation or were stashed as exnrefs in globals are collected
//   once nothing reaches them (and the instances their payloads refer to with them);
// - hostile: a host callback reached through call_indirect deletes every handle (the store's
//   too) and collects, then returns into the instance's code, which keeps running;
// - host functions (with env finalizers) stored in a table and overwritten are finalized once;
//   a handle taken back from the table keeps them;
// - function references returned by wasm_func_call stay valid across collections.
// Run under AddressSanitizer and valgrind (ctest) to catch any use-after-free.
#define _GNU_SOURCE
#include "test_util.h"

// Finalizer counts, indexed by the token passed as host info / env.
enum { TOKENS = 16 };
static int finalized[TOKENS];
static void finalize_token(void* p) { finalized[(intptr_t)p]++; }
static long churn_finalized = 0;
static void count_churn(void* p) {
  (void)p;
  churn_finalized++;
}

static wasmlift_lifetime_stats_t lifetime_stats(wasm_store_t* store) {
  wasmlift_lifetime_stats_t s;
  memset(&s, 0, sizeof s);
  CHECK(wasmlift_store_lifetime_stats(store, &s));
  return s;
}

static wasm_engine_t* engine_with_gc(void) {
  wasm_config_t* config = wasm_config_new();
  wasmlift_config_gc(config, true);
  wasmlift_config_exceptions(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  REQUIRE(engine != NULL);
  return engine;
}

static wasm_table_t* host_table(wasm_store_t* store, uint32_t size) {
  wasm_limits_t limits = {size, size};
  wasm_tabletype_t* tt = wasm_tabletype_new(wasm_valtype_new(WASM_FUNCREF), &limits);
  wasm_table_t* t = wasm_table_new(store, tt, NULL);
  wasm_tabletype_delete(tt);
  REQUIRE(t != NULL);
  return t;
}

// Calls the () -> i32 function in slot `index` of `table`.
static int32_t call_table_slot(wasm_table_t* table, uint32_t index) {
  wasm_ref_t* r = wasm_table_get(table, index);
  REQUIRE(r != NULL);
  int32_t v = CALL_I32_0(wasm_ref_as_func(r));
  wasm_ref_delete(r);
  return v;
}

// ---- 1. Churn through a shared table ----

// Imports the shared table and its number; its start function writes its own function (which
// returns the number) into slot 0. Importing a funcref table makes its references escape.
static const char* churn_wat =
    "(module"
    "  (import \"env\" \"t\" (table 1 funcref))"
    "  (import \"env\" \"n\" (global $n i32))"
    "  (func $mine (result i32) (global.get $n))"
    "  (elem declare func $mine)"
    "  (func $start (table.set (i32.const 0) (ref.func $mine)))"
    "  (start $start))";

static void churn(wasm_engine_t* engine, long n) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store, churn_wat);
  wasm_table_t* table = host_table(store, 1);
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new(WASM_I32), WASM_CONST);
  uint64_t max_live = 0;
  long rss_start = 0;
  churn_finalized = 0;
  for (long i = 0; i < n; i++) {
    wasm_val_t v = WASM_I32_VAL((int32_t)i);
    wasm_global_t* g = wasm_global_new(store, gt, &v);
    wasm_extern_t* imports[] = {wasm_table_as_extern(table), wasm_global_as_extern(g)};
    wasm_instance_t* inst = instantiate(store, module, imports, 2);
    wasm_instance_set_host_info_with_finalizer(inst, NULL, count_churn);
    wasm_instance_delete(inst);
    wasm_global_delete(g);
    wasmlift_lifetime_stats_t s = lifetime_stats(store);
    if (s.live_instances > max_live) max_live = s.live_instances;
    if (i == n / 10) rss_start = test_rss_bytes();
  }
  long rss_end = test_rss_bytes();
  // The last instance is in the table; every other one is unreachable.
  CHECK_EQ(call_table_slot(table, 0), (int32_t)(n - 1));
  wasmlift_store_gc(store);
  wasmlift_lifetime_stats_t s = lifetime_stats(store);
  CHECK_EQ(s.live_instances, 1);
  CHECK_EQ(s.collected_instances, 1);
  CHECK_EQ(churn_finalized, n - 1);
  CHECK_EQ(s.freed_instances, (uint64_t)(n - 1));
  CHECK_EQ(call_table_slot(table, 0), (int32_t)(n - 1));
  printf("churn: %ld instances, at most %llu live, RSS %ld KiB after %ld, %ld KiB at the end\n", n,
         (unsigned long long)max_live, rss_start / 1024, n / 10, rss_end / 1024);
  // Collections run every 256 adoptions at least, or when the live set doubles.
  CHECK_MSG(max_live <= 600, "%llu instances were live at once", (unsigned long long)max_live);
  if (!test_under_valgrind() && !test_under_asan())
    CHECK_MSG(rss_end - rss_start < 16 << 20, "RSS grew by %ld KiB", (rss_end - rss_start) / 1024);
  // The table, the last holder of the last instance, goes: so does the instance, at once with
  // the store's last handle.
  wasm_table_delete(table);
  wasm_globaltype_delete(gt);
  wasm_module_delete(module);
  wasm_store_delete(store);
  CHECK_EQ(churn_finalized, n);
}

// With an instance limit, instantiation collects when it hits it.
static void churn_with_limit(wasm_engine_t* engine) {
  wasm_store_t* store = wasm_store_new(engine);
  wasmlift_store_limits(store, 0, 0, 8, 0, 0);
  wasm_module_t* module = module_from_wat(store, churn_wat);
  wasm_table_t* table = host_table(store, 1);
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new(WASM_I32), WASM_CONST);
  for (int i = 0; i < 100; i++) {
    wasm_val_t v = WASM_I32_VAL(i);
    wasm_global_t* g = wasm_global_new(store, gt, &v);
    wasm_extern_t* imports[] = {wasm_table_as_extern(table), wasm_global_as_extern(g)};
    wasm_instance_t* inst = instantiate(store, module, imports, 2);
    wasm_instance_delete(inst);
    wasm_global_delete(g);
    CHECK(lifetime_stats(store).live_instances <= 8);
  }
  CHECK_EQ(call_table_slot(table, 0), 99);
  // Eight instances held by handles: the ninth fails, collecting finds nothing to free.
  wasm_instance_t* held[8];
  int made = 0;
  for (int i = 0; i < 9; i++) {
    wasm_val_t v = WASM_I32_VAL(1000 + i);
    wasm_global_t* g = wasm_global_new(store, gt, &v);
    wasm_extern_t* imports_arr[] = {wasm_table_as_extern(table), wasm_global_as_extern(g)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_arr);
    wasm_trap_t* trap = NULL;
    wasm_instance_t* inst = wasm_instance_new(store, module, &imports, &trap);
    wasm_global_delete(g);
    if (i < 8) {
      REQUIRE(inst != NULL);
      held[made++] = inst;
    } else {
      CHECK(inst == NULL);
      CHECK(trap != NULL);
      if (trap) wasm_trap_delete(trap);
    }
  }
  CHECK_EQ(call_table_slot(table, 0), 1007);
  for (int i = 0; i < made; i++) wasm_instance_delete(held[i]);
  wasm_table_delete(table);
  wasm_globaltype_delete(gt);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

// ---- 2. Cycles ----

// Its own table, and a function that stores a function reference in it (a funcref parameter:
// references escape).
static const char* cycle_wat =
    "(module"
    "  (global $k (import \"env\" \"k\") i32)"
    "  (table $t (export \"t\") 1 funcref)"
    "  (func (export \"f\") (result i32) (global.get $k))"
    "  (func (export \"put\") (param funcref) (table.set $t (i32.const 0) (local.get 0)))"
    "  (type $r (func (result i32)))"
    "  (func (export \"call\") (result i32) (call_indirect $t (type $r) (i32.const 0))))";

static wasm_instance_t* instance_with_token(wasm_store_t* store, wasm_module_t* module, int token) {
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new(WASM_I32), WASM_CONST);
  wasm_val_t v = WASM_I32_VAL(token);
  wasm_global_t* g = wasm_global_new(store, gt, &v);
  wasm_globaltype_delete(gt);
  wasm_extern_t* imports[] = {wasm_global_as_extern(g)};
  wasm_instance_t* inst = instantiate(store, module, imports, 1);
  wasm_global_delete(g);
  wasm_instance_set_host_info_with_finalizer(inst, (void*)(intptr_t)token, finalize_token);
  return inst;
}

static void put(wasm_module_t* module, wasm_instance_t* into, wasm_func_t* f) {
  wasm_func_t* put_fn = export_func(module, into, "put");
  wasm_val_t args[1];
  args[0].kind = WASM_FUNCREF;
  args[0].of.ref = wasm_func_as_ref(f);
  CHECK_NO_TRAP(call(put_fn, args, 1, NULL, 0));
  wasm_func_delete(put_fn);
}

static void cycles(wasm_engine_t* engine) {
  memset(finalized, 0, sizeof finalized);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store, cycle_wat);
  wasm_instance_t* a = instance_with_token(store, module, 1);
  wasm_instance_t* b = instance_with_token(store, module, 2);
  wasm_func_t* af = export_func(module, a, "f");
  wasm_func_t* bf = export_func(module, b, "f");
  put(module, a, bf);
  put(module, b, af);
  wasm_func_delete(af);
  wasm_func_delete(bf);
  wasm_func_t* a_call = export_func(module, a, "call");
  CHECK_EQ(CALL_I32_0(a_call), 2);
  wasm_func_delete(a_call);
  // b lost its handles, a holds its function: nothing goes.
  wasm_instance_delete(b);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[1] + finalized[2], 0);
  a_call = export_func(module, a, "call");
  CHECK_EQ(CALL_I32_0(a_call), 2);
  wasm_func_delete(a_call);
  // Now only the cycle holds them.
  wasm_instance_delete(a);
  CHECK_EQ(finalized[1] + finalized[2], 0);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[1], 1);
  CHECK_EQ(finalized[2], 1);

  // An instance holding its own function through a struct in its own global.
  static const char* self_wat =
      "(module"
      "  (type $ft (func (result i32)))"
      "  (type $s (struct (field (ref null $ft))))"
      "  (global $keep (mut (ref null $s)) (ref.null $s))"
      "  (func $me (type $ft) (i32.const 3))"
      "  (elem declare func $me)"
      "  (func $start (global.set $keep (struct.new $s (ref.func $me))))"
      "  (start $start))";
  wasm_module_t* self_module = module_from_wat(store, self_wat);
  wasm_instance_t* c = instantiate(store, self_module, NULL, 0);
  wasm_instance_set_host_info_with_finalizer(c, (void*)(intptr_t)3, finalize_token);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[3], 0);
  wasm_instance_delete(c);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[3], 1);
  wasm_module_delete(self_module);
  wasm_module_delete(module);
  wasm_store_delete(store);
  CHECK_EQ(finalized[1] + finalized[2] + finalized[3], 3);
}

// ---- 3. References in struct fields, globals and exception payloads ----

static const char* holder_wat =
    "(module"
    "  (type $ft (func (result i32)))"
    "  (type $s (struct (field (mut (ref null $ft)))))"
    "  (global $k (import \"env\" \"k\") i32)"
    "  (global $g (export \"g\") (mut funcref) (ref.null func))"
    "  (tag $e (export \"e\") (param funcref))"
    "  (func $mine (type $ft) (global.get $k))"
    "  (elem declare func $mine)"
    "  (func (export \"make\") (result (ref null $s)) (struct.new $s (ref.func $mine)))"
    "  (func (export \"invoke\") (param (ref null $s)) (result i32)"
    "    (call_ref $ft (ref.as_non_null (struct.get $s 0 (local.get 0)))))"
    "  (func (export \"clear\") (param (ref null $s)) (struct.set $s 0 (local.get 0) (ref.null $ft)))"
    "  (func (export \"publish\") (param i32)"
    "    (if (local.get 0) (then (global.set $g (ref.func $mine))) (else (global.set $g (ref.null func)))))"
    "  (func (export \"throw\") (throw $e (ref.func $mine)))"
    "  (global $x (export \"x\") (mut exnref) (ref.null exn))"
    "  (func (export \"stash\")"
    "    (global.set $x (block $h (result exnref)"
    "      (try_table (catch_all_ref $h) (throw $e (ref.func $mine))) (unreachable)))))";

static void escaped_references(wasm_engine_t* engine) {
  memset(finalized, 0, sizeof finalized);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store, holder_wat);
  wasm_instance_t* caller = instance_with_token(store, module, 9);

  // A struct field.
  wasm_instance_t* b = instance_with_token(store, module, 4);
  wasm_func_t* make = export_func(module, b, "make");
  wasm_val_t s = WASM_INIT_VAL;
  CHECK_NO_TRAP(call(make, NULL, 0, &s, 1));
  REQUIRE(s.of.ref != NULL);
  wasm_func_delete(make);
  wasm_instance_delete(b);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[4], 0);
  wasm_func_t* invoke = export_func(module, caller, "invoke");
  wasm_val_t arg = s;
  wasm_val_t r = WASM_INIT_VAL;
  CHECK_NO_TRAP(call(invoke, &arg, 1, &r, 1));
  CHECK_EQ(r.of.i32, 4);
  wasm_func_t* clear = export_func(module, caller, "clear");
  CHECK_NO_TRAP(call(clear, &arg, 1, NULL, 0));
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[4], 1);
  wasm_val_delete(&s);
  wasm_func_delete(clear);
  wasm_func_delete(invoke);

  // A global of another instance (set by wasm code, read by the host).
  wasm_instance_t* c = instance_with_token(store, module, 5);
  wasm_func_t* publish = export_func(module, c, "publish");
  wasm_global_t* g = export_global(module, c, "g");
  wasm_val_t one = WASM_I32_VAL(1);
  CHECK_NO_TRAP(call(publish, &one, 1, NULL, 0));
  wasm_func_delete(publish);
  wasm_instance_delete(c);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[5], 0);
  wasm_val_t gv;
  wasm_global_get(g, &gv);
  REQUIRE(gv.of.ref != NULL);
  // The global's function moves to the caller's global; the first one's handle goes.
  wasm_global_t* caller_g = export_global(module, caller, "g");
  wasm_global_set(caller_g, &gv);
  wasm_val_delete(&gv);
  wasm_global_delete(g);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[5], 0);
  wasm_global_get(caller_g, &gv);
  REQUIRE(gv.of.ref != NULL);
  CHECK_EQ(CALL_I32_0(wasm_ref_as_func(gv.of.ref)), 5);
  wasm_val_delete(&gv);
  wasm_val_t null_ref = {.kind = WASM_FUNCREF, .of = {.ref = NULL}};
  wasm_global_set(caller_g, &null_ref);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[5], 1);
  wasm_global_delete(caller_g);

  // An exception payload: the exception ended the call, the trap carries it.
  wasm_instance_t* d = instance_with_token(store, module, 6);
  wasm_func_t* thrower = export_func(module, d, "throw");
  wasm_trap_t* trap = call(thrower, NULL, 0, NULL, 0);
  REQUIRE(trap != NULL);
  wasm_func_delete(thrower);
  wasm_instance_delete(d);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[6], 0);
  wasm_val_vec_t payload;
  CHECK(wasmlift_trap_exception_args(trap, &payload));
  REQUIRE(payload.size == 1 && payload.data[0].of.ref != NULL);
  wasm_trap_delete(trap);
  wasmlift_store_gc(store);
  CHECK_EQ(CALL_I32_0(wasm_ref_as_func(payload.data[0].of.ref)), 6);
  wasm_val_vec_delete(&payload);
  // Nothing reaches the exception now, nor the instance its payload referred to.
  CHECK_EQ(finalized[6], 0);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[6], 1);

  // An exnref in a global: the exception, and through its payload its thrower, stay while the
  // global holds it — also when the thrower's own global is the holder (a cycle), freed with it.
  for (int via_handle = 0; via_handle < 2; via_handle++) {
    int token = 13 + via_handle;
    wasm_instance_t* e = instance_with_token(store, module, token);
    wasm_func_t* stash = export_func(module, e, "stash");
    CHECK_NO_TRAP(call(stash, NULL, 0, NULL, 0));
    wasm_func_delete(stash);
    wasm_global_t* x = via_handle ? export_global(module, e, "x") : NULL;
    wasm_instance_delete(e);
    wasmlift_store_gc(store);
    CHECK_EQ(finalized[token], via_handle ? 0 : 1);
    if (x) {
      wasm_val_t exn;
      wasm_global_get(x, &exn);
      REQUIRE(exn.of.ref != NULL);
      // The exnref goes through another instance's global and back.
      wasm_global_t* cx = export_global(module, caller, "x");
      wasm_global_set(cx, &exn);
      wasm_val_t null_exn = {.kind = exn.kind, .of = {.ref = NULL}};
      wasm_global_set(x, &null_exn);
      wasm_val_delete(&exn);
      wasmlift_store_gc(store);
      CHECK_EQ(finalized[token], 0);
      wasm_global_set(cx, &null_exn);
      wasm_global_delete(cx);
      wasmlift_store_gc(store);
      CHECK_EQ(finalized[token], 1);
      wasm_global_delete(x);
    }
  }

  wasm_instance_delete(caller);
  wasm_module_delete(module);
  wasm_store_delete(store);
  CHECK_EQ(finalized[4] + finalized[5] + finalized[6] + finalized[9] + finalized[13] + finalized[14], 6);
}

// Uncaught exceptions in a loop (each ends its call with a trap the host deletes) do not pile
// up: the store keeps each only while something may reach it.
static void exception_churn(wasm_engine_t* engine, long n) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store,
      "(module (tag $e (param i32))"
      "  (global $last (export \"last\") (mut exnref) (ref.null exn))"
      "  (func (export \"throw\") (param i32) (throw $e (local.get 0)))"
      "  (func (export \"keep\") (param i32)"
      "    (global.set $last (block $h (result exnref)"
      "      (try_table (catch_all_ref $h) (throw $e (local.get 0))) (unreachable)))))");
  wasm_instance_t* inst = instantiate(store, module, NULL, 0);
  wasm_func_t* thrower = export_func(module, inst, "throw");
  wasm_func_t* keep = export_func(module, inst, "keep");
  uint64_t most = 0;
  for (long i = 0; i < n; i++) {
    wasm_val_t arg = WASM_I32_VAL((int32_t)i);
    wasm_trap_t* trap = call(i % 2 ? thrower : keep, &arg, 1, NULL, 0);
    CHECK((trap != NULL) == (i % 2 == 1));
    if (trap) wasm_trap_delete(trap);
    uint64_t live = lifetime_stats(store).live_exceptions;
    if (live > most) most = live;
  }
  CHECK_MSG(most <= 600, "%llu exceptions were kept at once", (unsigned long long)most);
  wasmlift_store_gc(store);
  // The last one `keep` stored in the global stays.
  CHECK_EQ(lifetime_stats(store).live_exceptions, 1);
  wasm_func_delete(thrower);
  wasm_func_delete(keep);
  wasm_instance_delete(inst);
  wasmlift_store_gc(store);
  CHECK_EQ(lifetime_stats(store).live_exceptions, 0);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

// ---- 3b. Finalizers that collect while other freed instances are still being dropped ----

// Each instance keeps a struct, an externref and an exception (whose payload is the struct) in
// its own globals; its finalizer collects
// again. The first collection frees all of them at once, so the finalizers run while instances
// freed with them, whose objects went in that first collection, are still being dropped: the
// later collections must not look into them.
static wasm_store_t* refinalize_store;
static int refinalized = 0;
static void collect_again(void* p) {
  (void)p;
  refinalized++;
  wasmlift_store_gc(refinalize_store);
}

static void finalizers_that_collect(wasm_engine_t* engine) {
  refinalize_store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(refinalize_store,
      "(module"
      "  (type $ft (func (result i32)))"
      "  (type $s (struct (field (ref null $ft)) (field i64)))"
      "  (type $a (array (mut anyref)))"
      "  (import \"env\" \"x\" (global $x externref))"
      "  (global $keep (mut (ref null $s)) (ref.null $s))"
      "  (global $ext (mut externref) (ref.null extern))"
      "  (table $t 2 anyref)"
      "  (tag $e (param (ref null $s)))"
      "  (global $exn (mut exnref) (ref.null exn))"
      "  (func $me (type $ft) (i32.const 1))"
      "  (elem declare func $me)"
      "  (func $start"
      "    (global.set $keep (struct.new $s (ref.func $me) (i64.const 7)))"
      "    (global.set $ext (global.get $x))"
      "    (table.set $t (i32.const 0) (array.new $a (global.get $keep) (i32.const 16)))"
      "    (global.set $exn (block $h (result exnref)"
      "      (try_table (catch_all_ref $h) (throw $e (global.get $keep))) (unreachable))))"
      "  (start $start))");
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new(WASM_EXTERNREF), WASM_CONST);
  enum { N = 24 };
  for (int i = 0; i < N; i++) {
    wasm_foreign_t* foreign = wasm_foreign_new(refinalize_store);
    wasm_val_t v = {.kind = WASM_EXTERNREF, .of = {.ref = wasm_foreign_as_ref(foreign)}};
    wasm_global_t* g = wasm_global_new(refinalize_store, gt, &v);
    wasm_foreign_delete(foreign);
    wasm_extern_t* imports[] = {wasm_global_as_extern(g)};
    wasm_instance_t* inst = instantiate(refinalize_store, module, imports, 1);
    wasm_global_delete(g);
    wasm_instance_set_host_info_with_finalizer(inst, NULL, collect_again);
    wasm_instance_delete(inst);
  }
  wasm_globaltype_delete(gt);
  CHECK_EQ(refinalized, 0);
  wasmlift_store_gc(refinalize_store);
  CHECK_EQ(refinalized, N);
  wasmlift_gc_stats_t gs;
  CHECK(wasmlift_store_gc_stats(refinalize_store, &gs));
  CHECK_EQ(gs.live_objects, 0);

  // The same with exceptions whose payloads hold structs: their finalizers (host info set on
  // exnref handles) collect while the others freed with them are still being dropped.
  wasm_module_t* thrower = module_from_wat(refinalize_store,
      "(module"
      "  (type $s (struct (field i64) (field anyref)))"
      "  (tag $e (param (ref null $s)))"
      "  (func (export \"exn\") (result exnref)"
      "    (block $h (result exnref)"
      "      (try_table (catch_all_ref $h)"
      "        (throw $e (struct.new $s (i64.const 5) (struct.new $s (i64.const 6) (ref.null any)))))"
      "      (unreachable))))");
  wasm_instance_t* inst = instantiate(refinalize_store, thrower, NULL, 0);
  wasm_func_t* exn = export_func(thrower, inst, "exn");
  refinalized = 0;
  for (int i = 0; i < N; i++) {
    wasm_val_t r = WASM_INIT_VAL;
    CHECK_NO_TRAP(call(exn, NULL, 0, &r, 1));
    REQUIRE(r.of.ref != NULL);
    wasm_ref_set_host_info_with_finalizer(r.of.ref, NULL, collect_again);
    wasm_val_delete(&r);
  }
  CHECK_EQ(refinalized, 0);
  wasmlift_store_gc(refinalize_store);
  CHECK_EQ(refinalized, N);
  CHECK(wasmlift_store_gc_stats(refinalize_store, &gs));
  CHECK_EQ(gs.live_objects, 0);
  CHECK_EQ(lifetime_stats(refinalize_store).live_exceptions, 0);
  wasm_func_delete(exn);
  wasm_instance_delete(inst);
  wasm_module_delete(thrower);
  wasm_module_delete(module);
  wasm_store_delete(refinalize_store);
}

// ---- 4. A callback deletes everything below a running instance ----

// The runner calls whatever slot 0 of the shared table holds. The victim puts its `inner`
// there; `inner` calls the host, which clears the slot and deletes every handle, so that
// nothing but the running frames reaches the victim, collects, and returns into `inner`, which
// goes on with its own global, memory and functions.
static const char* runner_wat =
    "(module"
    "  (import \"env\" \"t\" (table 1 funcref))"
    "  (type $r (func (result i32)))"
    "  (func (export \"run\") (result i32) (call_indirect (type $r) (i32.const 0))))";

static const char* victim_wat =
    "(module"
    "  (import \"env\" \"t\" (table 1 funcref))"
    "  (import \"env\" \"cb\" (func $cb))"
    "  (memory 1)"
    "  (data (i32.const 64) \"\\20\")"
    "  (global $count (mut i32) (i32.const 8))"
    "  (func $inner (result i32)"
    "    (call $cb)"
    "    (global.set $count (i32.add (global.get $count) (i32.load8_u (i32.const 64))))"
    "    (i32.add (global.get $count) (call $two)))"
    "  (func $two (result i32) (i32.const 2))"
    "  (elem declare func $inner)"
    "  (func $start (table.set (i32.const 0) (ref.func $inner)))"
    "  (start $start))";

static wasm_store_t* hostile_store;
static wasm_table_t* hostile_table;
static wasm_instance_t* hostile_victim;
static wasm_instance_t* hostile_runner;
static wasm_func_t* hostile_run;
static wasm_module_t* hostile_modules[2];
static int hostile_delete_all;

static wasm_trap_t* delete_everything(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)env;
  (void)args;
  (void)results;
  CHECK(wasm_table_set(hostile_table, 0, NULL));
  wasm_instance_delete(hostile_victim);
  wasm_table_delete(hostile_table);
  if (hostile_delete_all) {
    wasm_func_delete(hostile_run);
    wasm_instance_delete(hostile_runner);
    wasm_module_delete(hostile_modules[0]);
    wasm_module_delete(hostile_modules[1]);
  }
  wasmlift_store_gc(hostile_store);
  if (hostile_delete_all) {
    wasm_store_delete(hostile_store);
    hostile_store = NULL;
  }
  CHECK_EQ(finalized[7] + finalized[8], 0);
  // Churn the allocator so that freed memory would be reused.
  for (int i = 0; i < 64; i++) free(malloc(256 + i * 64));
  return NULL;
}

static void hostile_callback(wasm_engine_t* engine, int delete_all) {
  memset(finalized, 0, sizeof finalized);
  hostile_delete_all = delete_all;
  hostile_store = wasm_store_new(engine);
  hostile_modules[0] = module_from_wat(hostile_store, runner_wat);
  hostile_modules[1] = module_from_wat(hostile_store, victim_wat);
  hostile_table = host_table(hostile_store, 1);
  wasm_functype_t* ty = wasm_functype_new_0_0();
  wasm_func_t* cb = wasm_func_new_with_env(hostile_store, ty, delete_everything, (void*)(intptr_t)7, finalize_token);
  wasm_functype_delete(ty);
  wasm_extern_t* runner_imports[] = {wasm_table_as_extern(hostile_table)};
  hostile_runner = instantiate(hostile_store, hostile_modules[0], runner_imports, 1);
  wasm_extern_t* victim_imports[] = {wasm_table_as_extern(hostile_table), wasm_func_as_extern(cb)};
  hostile_victim = instantiate(hostile_store, hostile_modules[1], victim_imports, 2);
  wasm_func_delete(cb);
  wasm_instance_set_host_info_with_finalizer(hostile_victim, (void*)(intptr_t)8, finalize_token);
  hostile_run = export_func(hostile_modules[0], hostile_runner, "run");
  wasm_val_t r = WASM_INIT_VAL;
  wasm_val_vec_t no_args = WASM_EMPTY_VEC;
  wasm_val_vec_t results = {1, &r};
  CHECK_NO_TRAP(wasm_func_call(hostile_run, &no_args, &results));
  CHECK_EQ(r.of.i32, 8 + 32 + 2);
  if (delete_all) {
    // The store went with the last handle (the call's): everything it held is released.
    CHECK_EQ(finalized[7], 1);
    CHECK_EQ(finalized[8], 1);
  } else {
    CHECK_EQ(finalized[7] + finalized[8], 0);
    // Called from outside now: the victim, and the callback only it imports, are freed.
    wasmlift_store_gc(hostile_store);
    CHECK_EQ(finalized[7], 1);
    CHECK_EQ(finalized[8], 1);
    // The runner still runs: the slot is empty.
    wasm_trap_t* trap = wasm_func_call(hostile_run, &no_args, &results);
    CHECK(trap != NULL);
    if (trap) wasm_trap_delete(trap);
    wasm_func_delete(hostile_run);
    wasm_instance_delete(hostile_runner);
    wasm_module_delete(hostile_modules[0]);
    wasm_module_delete(hostile_modules[1]);
    wasm_store_delete(hostile_store);
  }
  CHECK_EQ(finalized[7] + finalized[8], 2);
}

// ---- 5. Host functions in a table ----

static wasm_trap_t* answer(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0] = (wasm_val_t)WASM_I32_VAL((int32_t)(intptr_t)env * 100);
  return NULL;
}

static void host_functions(wasm_engine_t* engine) {
  memset(finalized, 0, sizeof finalized);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_table_t* table = host_table(store, 2);
  wasm_valkind_t i32 = WASM_I32;
  wasm_functype_t* ty = functype(0, NULL, 1, &i32);
  wasm_func_t* h = wasm_func_new_with_env(store, ty, answer, (void*)(intptr_t)10, finalize_token);
  wasm_func_t* other = wasm_func_new_with_env(store, ty, answer, (void*)(intptr_t)11, finalize_token);
  wasm_functype_delete(ty);
  CHECK(wasm_table_set(table, 0, wasm_func_as_ref(h)));
  CHECK(wasm_table_set(table, 1, wasm_func_as_ref(h)));
  wasm_func_delete(h);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[10], 0);
  CHECK_EQ(call_table_slot(table, 0), 1000);
  // One slot overwritten: the other still holds it.
  CHECK(wasm_table_set(table, 0, wasm_func_as_ref(other)));
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[10], 0);
  // A handle taken from the table keeps it once the table lets go.
  wasm_ref_t* back = wasm_table_get(table, 1);
  REQUIRE(back != NULL);
  CHECK(wasm_table_set(table, 1, NULL));
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[10], 0);
  CHECK_EQ(CALL_I32_0(wasm_ref_as_func(back)), 1000);
  wasm_ref_delete(back);
  CHECK_EQ(finalized[10], 0);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[10], 1);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[10], 1);
  wasmlift_lifetime_stats_t s = lifetime_stats(store);
  CHECK_EQ(s.collected_host_functions, 1);
  CHECK(s.freed_host_functions >= 1);
  CHECK_EQ(call_table_slot(table, 0), 1100);
  wasm_func_delete(other);
  wasm_table_delete(table);
  wasm_store_delete(store);
  CHECK_EQ(finalized[10], 1);
  CHECK_EQ(finalized[11], 1);
}

// ---- 6. Function references returned to the host ----

static void returned_references(wasm_engine_t* engine) {
  memset(finalized, 0, sizeof finalized);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store,
      "(module (func $eleven (result i32) (i32.const 11)) (elem declare func $eleven)"
      "  (func (export \"get\") (result funcref) (ref.func $eleven)))");
  wasm_instance_t* inst = instantiate(store, module, NULL, 0);
  wasm_instance_set_host_info_with_finalizer(inst, (void*)(intptr_t)12, finalize_token);
  wasm_func_t* get = export_func(module, inst, "get");
  wasm_val_t got[3];
  for (int i = 0; i < 3; i++) {
    got[i] = (wasm_val_t)WASM_INIT_VAL;
    CHECK_NO_TRAP(call(get, NULL, 0, &got[i], 1));
    REQUIRE(got[i].kind == WASM_FUNCREF && got[i].of.ref != NULL);
    wasmlift_store_gc(store);
  }
  wasm_func_delete(get);
  wasm_instance_delete(inst);
  for (int i = 0; i < 3; i++) {
    wasmlift_store_gc(store);
    CHECK_EQ(finalized[12], 0);
    CHECK_EQ(CALL_I32_0(wasm_ref_as_func(got[i].of.ref)), 11);
    wasm_val_delete(&got[i]);
  }
  // Its references escaped (a funcref result): the first collection after the last handle
  // frees it.
  CHECK_EQ(finalized[12], 0);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[12], 1);
  wasm_module_delete(module);
  wasm_store_delete(store);
}

int main(int argc, char** argv) {
  long n = test_iterations(argc, argv, test_under_asan() ? 20000 : 100000, 1500);
  wasm_engine_t* engine = engine_with_gc();
  churn(engine, n);
  churn_with_limit(engine);
  cycles(engine);
  escaped_references(engine);
  finalizers_that_collect(engine);
  exception_churn(engine, n / 10);
  hostile_callback(engine, 0);
  hostile_callback(engine, 1);
  host_functions(engine);
  returned_references(engine);
  wasm_engine_delete(engine);
  return test_report("lifetime_gc_test");
}
