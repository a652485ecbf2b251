// The precise collector and externref collection (issue 18): host values that enter wasm as
// externrefs live in the store's GC heap and are freed once nothing reaches them. The oracle
// is the foreign objects' finalizers: a foreign whose only holder is wasm is finalized exactly
// when a collection finds it unreachable, never while a frame, global, table or exception
// still holds it.
// - roots in wasm frames (stack maps), through collections inside host callbacks, across deep
//   recursion and nested activations (wasm -> host -> wasm), with eager and lazy compilation;
// - hostile cases: the host deletes its handles mid-call, a finalizer collects;
// - random operations on a table and host handles, checked against a model after every
//   explicit collection (finalized exactly when unreachable);
// - 1 M calls passing fresh externrefs run in constant memory;
// - the heap limit: conversions into wasm fail with a message, and work again after a
//   collection frees room;
// - structs made by wasm: garbage collected while kept ones survive, a collection inside a
//   scalar host function with structs in the frames below, the allocation-failure trap;
// - reused memory: objects of every size class made after others died read as zeroes;
// - stress: millions of allocations in cycles the host holds handles into (`--stress N` runs
//   only that, with N allocations).
#define _GNU_SOURCE
#include "test_util.h"

static wasm_store_t* store;
static const wasm_module_t* roots_module;
static const wasm_instance_t* roots_instance;

// Finalizer counts per token id (host info), and in total.
#define NTOK 8192
static int finalized[NTOK];
static long finalized_total;
static int gc_in_finalizer;

static void token_finalizer(void* info) {
  intptr_t i = (intptr_t)info;
  finalized_total++;
  if (i > 0 && i < NTOK) finalized[i]++;
  // Hostile: a finalizer that collects (it runs after the collector let go of the heap).
  if (gc_in_finalizer) wasmlift_store_gc(store);
}

// A fresh foreign object with id `i`, as a reference handle owned by the caller.
static wasm_ref_t* token(intptr_t i) {
  wasm_foreign_t* f = wasm_foreign_new(store);
  REQUIRE(f != NULL);
  wasm_foreign_set_host_info_with_finalizer(f, (void*)i, token_finalizer);
  return wasm_foreign_as_ref(f);
}

static intptr_t token_id(const wasm_ref_t* r) { return r ? (intptr_t)wasm_ref_get_host_info(r) : 0; }

// ---- Host functions of the roots module ----

static wasm_trap_t* gc_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  wasmlift_store_gc(store);
  return NULL;
}

// (i32 id) -> externref: a fresh token that only wasm will hold (the result handle is the
// library's, deleted once converted).
static wasm_trap_t* make_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_EXTERNREF;
  results->data[0].of.ref = token(args->data[0].of.i32);
  return NULL;
}

static long bad_checks;

// (externref, i32 id) -> i32: 1 when the reference is token `id`, not finalized.
static wasm_trap_t* check_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  intptr_t want = args->data[1].of.i32;
  intptr_t got = token_id(args->data[0].of.ref);
  int ok = got == want && want > 0 && want < NTOK && finalized[want] == 0;
  if (!ok) {
    bad_checks++;
    if (bad_checks < 5) fprintf(stderr, "check: got token %ld, expected %ld\n", (long)got, (long)want);
  }
  results->data[0] = (wasm_val_t)WASM_I32_VAL(ok);
  return NULL;
}

// (i32 base, i32 n): runs `deep` again from the host (a nested activation), collecting at its
// bottom while the outer activation's frames hold references.
static wasm_trap_t* reenter_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  wasm_func_t* deep = export_func(roots_module, roots_instance, "deep");
  wasm_val_t a[3] = {WASM_I32_VAL(args->data[0].of.i32), WASM_I32_VAL(args->data[1].of.i32), WASM_I32_VAL(0)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_trap_t* trap = call(deep, a, 3, r, 1);
  wasm_func_delete(deep);
  if (trap) return trap;
  return r[0].of.i32 == 1 ? NULL : make_trap(store, "nested activation lost a reference");
}

// The host's own handle to the token passed to `hold`; deleted by `drop_handles` mid-call.
static wasm_ref_t* held;

static wasm_trap_t* drop_handles_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  wasm_ref_delete(held);
  held = NULL;
  wasmlift_store_gc(store);
  return NULL;
}

static const char* ROOTS_WAT =
    "(module"
    "  (import \"\" \"gc\" (func $gc))"
    "  (import \"\" \"make\" (func $make (param i32) (result externref)))"
    "  (import \"\" \"check\" (func $check (param externref i32) (result i32)))"
    "  (import \"\" \"reenter\" (func $reenter (param i32 i32)))"
    "  (import \"\" \"drop_handles\" (func $drop_handles))"
    "  (global $g (mut externref) (ref.null extern))"
    "  (table $t 4 externref)"
    "  (func (export \"keep\") (param externref) (global.set $g (local.get 0)))"
    "  (func (export \"kept\") (result externref) (global.get $g))"
    "  (func (export \"put\") (param i32 externref) (table.set $t (local.get 0) (local.get 1)))"
    "  (func (export \"clear\") (table.fill $t (i32.const 0) (ref.null extern) (i32.const 4))"
    "    (global.set $g (ref.null extern)))"
    // A reference in a parameter, live across a collection in the callee's own frame.
    "  (func $inner (param $r externref) (param $id i32) (result i32)"
    "    (call $gc)"
    "    (call $check (local.get $r) (local.get $id)))"
    // Two references in locals, one dropped at once; collections in this frame and below.
    "  (func (export \"frames\") (result i32)"
    "    (local $a externref) (local $b externref) (local $ok i32)"
    "    (local.set $a (call $make (i32.const 1)))"
    "    (local.set $b (call $make (i32.const 2)))"
    "    (drop (call $make (i32.const 3)))"
    "    (call $gc)"
    "    (local.set $ok (call $inner (local.get $a) (i32.const 1)))"
    "    (call $gc)"
    "    (i32.and (local.get $ok)"
    "      (i32.and (call $check (local.get $a) (i32.const 1)) (call $check (local.get $b) (i32.const 2)))))"
    // Values on the operand stack (not in locals) across calls, and many arguments.
    "  (func $many (param externref externref externref externref externref externref externref"
    "                      externref externref i32) (result externref)"
    "    (call $gc) (local.get 8))"
    "  (func (export \"operands\") (result i32) (local $ok i32)"
    "    (call $make (i32.const 20))"
    "    (call $make (i32.const 21))"
    "    (call $gc)"
    "    (call $many (call $make (i32.const 22)) (call $make (i32.const 23)) (call $make (i32.const 24))"
    "                (call $make (i32.const 25)) (call $make (i32.const 26)) (call $make (i32.const 27))"
    "                (call $make (i32.const 28)) (call $make (i32.const 29)) (call $make (i32.const 30))"
    "                (i32.const 0))"
    "    (i32.const 30) (call $check) (local.set $ok)"
    "    (call $gc)"
    "    (i32.const 21) (call $check) (local.get $ok) (i32.and) (local.set $ok)"
    "    (i32.const 20) (call $check) (local.get $ok) (i32.and))"
    // Recursion: every frame holds its own token (id base + n); the bottom collects, directly
    // or from a nested activation.
    "  (func $deep (export \"deep\") (param $base i32) (param $n i32) (param $nested i32) (result i32)"
    "    (local $r externref) (local $ok i32)"
    "    (local.set $r (call $make (i32.add (local.get $base) (local.get $n))))"
    "    (if (i32.eqz (local.get $n))"
    "      (then"
    "        (if (local.get $nested)"
    "          (then (call $reenter (i32.add (local.get $base) (i32.const 3000)) (i32.const 100)))"
    "          (else (call $gc)))"
    "        (local.set $ok (i32.const 1)))"
    "      (else"
    "        (local.set $ok (call $deep (local.get $base) (i32.sub (local.get $n) (i32.const 1))"
    "                                   (local.get $nested)))))"
    "    (i32.and (local.get $ok)"
    "      (call $check (local.get $r) (i32.add (local.get $base) (local.get $n)))))"
    // A host function entered by a tail call: the collector starts from the caller's caller.
    "  (func $tail_gc (param $dropped externref) (return_call $gc))"
    "  (func (export \"tail\") (result i32) (local $a externref)"
    "    (local.set $a (call $make (i32.const 60)))"
    "    (call $tail_gc (call $make (i32.const 61)))"
    "    (call $check (local.get $a) (i32.const 60)))"
    // The host deletes its only handle mid-call; wasm's local keeps the object.
    "  (func (export \"hold\") (param $r externref) (param $id i32) (result i32)"
    "    (call $drop_handles)"
    "    (call $check (local.get $r) (local.get $id)))"
    ")";

static void reset_tokens(void) {
  memset(finalized, 0, sizeof finalized);
  finalized_total = 0;
  bad_checks = 0;
}

static int32_t call_i32_args(const wasm_func_t* f, wasm_val_t* args, size_t nargs) {
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_trap_t* trap = call(f, args, nargs, r, 1);
  if (trap) {
    char* m = trap_message(trap);
    fprintf(stderr, "unexpected trap: %s\n", m);
    free(m);
    wasm_trap_delete(trap);
    return -1;
  }
  return r[0].of.i32;
}

static wasm_extern_t* import_func(wasm_functype_t* type, wasm_func_callback_t cb) {
  wasm_func_t* f = wasm_func_new(store, type, cb);
  wasm_functype_delete(type);
  return wasm_func_as_extern(f);
}

// Every root kind, with the engine compiling as `mode` says.
static void test_roots(wasmlift_compilation_t mode, int serialized, long iterations) {
  wasm_config_t* config = wasm_config_new();
  if (!wasmlift_config_compilation(config, mode)) {
    wasm_config_delete(config);
    return;  // Not on this platform.
  }
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store, ROOTS_WAT);
  if (serialized) {
    // The stack maps travel with serialized code.
    wasm_byte_vec_t bytes;
    wasm_module_serialize(module, &bytes);
    wasm_module_delete(module);
    module = wasm_module_deserialize(store, &bytes);
    wasm_byte_vec_delete(&bytes);
    REQUIRE(module != NULL);
  }
  wasm_extern_t* imports[5] = {
      import_func(wasm_functype_new_0_0(), gc_cb),
      import_func(wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new(WASM_EXTERNREF)), make_cb),
      import_func(wasm_functype_new_2_1(wasm_valtype_new(WASM_EXTERNREF), wasm_valtype_new_i32(), wasm_valtype_new_i32()),
                check_cb),
      import_func(wasm_functype_new_2_0(wasm_valtype_new_i32(), wasm_valtype_new_i32()), reenter_cb),
      import_func(wasm_functype_new_0_0(), drop_handles_cb),
  };
  wasm_instance_t* instance = instantiate(store, module, imports, 5);
  roots_module = module;
  roots_instance = instance;

  // Frames: tokens 1 and 2 survive every collection while the frame holds them, 3 does not.
  reset_tokens();
  wasm_func_t* frames = export_func(module, instance, "frames");
  CHECK_EQ(call_i32_args(frames, NULL, 0), 1);
  CHECK_EQ(finalized[3], 1);
  CHECK_EQ(finalized[1], 0);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[1], 1);
  CHECK_EQ(finalized[2], 1);
  CHECK_EQ(bad_checks, 0);

  // Operand-stack values and stack arguments.
  reset_tokens();
  wasm_func_t* operands = export_func(module, instance, "operands");
  CHECK_EQ(call_i32_args(operands, NULL, 0), 1);
  CHECK_EQ(bad_checks, 0);
  CHECK_EQ(finalized[22], 1);  // an argument the callee never used after its collection
  wasmlift_store_gc(store);
  CHECK_EQ(finalized_total, 11);

  // Deep recursion, collected at the bottom; then through a nested activation (wasm -> host
  // -> wasm), whose own frames are collected with the outer ones below them.
  for (int nested = 0; nested <= 1; nested++) {
    reset_tokens();
    wasm_func_t* deep = export_func(module, instance, "deep");
    int depth = (int)(iterations < 2000 ? iterations : 2000);
    wasm_val_t a[3] = {WASM_I32_VAL(100), WASM_I32_VAL(depth), WASM_I32_VAL(nested)};
    CHECK_EQ(call_i32_args(deep, a, 3), 1);
    CHECK_EQ(bad_checks, 0);
    wasm_func_delete(deep);
    // The nested activation's tokens were unreachable once it returned: a later collection
    // (this one at the latest) frees them; all the outer ones now too.
    wasmlift_store_gc(store);
    CHECK_EQ(finalized_total, depth + 1 + (nested ? 101 : 0));
    for (int i = 100; i <= 100 + depth; i++) CHECK_EQ(finalized[i], 1);
  }

  // Tail call into the host.
  reset_tokens();
  wasm_func_t* tail = export_func(module, instance, "tail");
  CHECK_EQ(call_i32_args(tail, NULL, 0), 1);
  CHECK_EQ(finalized[61], 1);
  CHECK_EQ(finalized[60], 0);
  wasm_func_delete(tail);

  // Hostile: the host deletes its only handle (and collects) while wasm holds the object.
  reset_tokens();
  wasm_func_t* hold = export_func(module, instance, "hold");
  held = token(7);
  wasm_val_t a[2] = {{.kind = WASM_EXTERNREF, .of = {.ref = held}}, WASM_I32_VAL(7)};
  CHECK_EQ(call_i32_args(hold, a, 2), 1);
  CHECK(held == NULL);
  CHECK_EQ(finalized[7], 0);  // the call's own argument conversion is done, nothing holds it...
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[7], 1);  // ...so the next collection frees it

  // Globals and tables are roots; clearing them lets go.
  reset_tokens();
  wasm_func_t* keep = export_func(module, instance, "keep");
  wasm_func_t* put = export_func(module, instance, "put");
  wasm_func_t* clear = export_func(module, instance, "clear");
  wasm_ref_t* t = token(40);
  wasm_val_t ka[1] = {{.kind = WASM_EXTERNREF, .of = {.ref = t}}};
  CHECK_NO_TRAP(call(keep, ka, 1, NULL, 0));
  wasm_ref_delete(t);
  t = token(41);
  wasm_val_t pa[2] = {WASM_I32_VAL(3), {.kind = WASM_EXTERNREF, .of = {.ref = t}}};
  CHECK_NO_TRAP(call(put, pa, 2, NULL, 0));
  wasm_ref_delete(t);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized_total, 0);
  // A finalizer that collects again runs safely.
  gc_in_finalizer = 1;
  CHECK_NO_TRAP(call(clear, NULL, 0, NULL, 0));
  wasmlift_store_gc(store);
  gc_in_finalizer = 0;
  CHECK_EQ(finalized[40], 1);
  CHECK_EQ(finalized[41], 1);

  wasm_func_delete(frames);
  wasm_func_delete(operands);
  wasm_func_delete(hold);
  wasm_func_delete(keep);
  wasm_func_delete(put);
  wasm_func_delete(clear);
  for (int i = 0; i < 5; i++) wasm_extern_delete(imports[i]);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  store = NULL;
}

// 1 M calls, each passing a fresh externref that wasm keeps in a global until the next call:
// memory stays flat, every replaced object is finalized.
static void test_constant_memory(long n) {
  wasm_engine_t* engine = wasm_engine_new();
  store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store,
      "(module (global $g (mut externref) (ref.null extern))"
      "  (func (export \"keep\") (param externref) (global.set $g (local.get 0)))"
      "  (func (export \"kept\") (result externref) (global.get $g)))");
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_func_t* keep = export_func(module, instance, "keep");
  wasm_func_t* kept = export_func(module, instance, "kept");
  reset_tokens();
  long rss_start = 0;
  for (long i = 1; i <= n; i++) {
    wasm_ref_t* t = token(i < NTOK ? i : NTOK);
    wasm_val_t a[1] = {{.kind = WASM_EXTERNREF, .of = {.ref = t}}};
    wasm_trap_t* trap = call(keep, a, 1, NULL, 0);
    wasm_ref_delete(t);
    if (trap) {
      CHECK_NO_TRAP(trap);
      break;
    }
    if (i == n / 10) rss_start = test_rss_bytes();
  }
  long rss_end = test_rss_bytes();
  wasmlift_gc_stats_t stats;
  CHECK(wasmlift_store_gc_stats(store, &stats));
  printf("%ld calls: RSS %ld KiB after %ld calls, %ld KiB at the end; %llu collections, mean pause %llu us, max pause %llu us, "
         "%llu objects live\n",
         n, rss_start / 1024, n / 10, rss_end / 1024, (unsigned long long)stats.collections,
         (unsigned long long)(stats.collections ? stats.total_pause_ns / stats.collections / 1000 : 0),
         (unsigned long long)(stats.max_pause_ns / 1000), (unsigned long long)stats.live_objects);
  if (n >= 100000) CHECK(stats.collections > 0);
  // The heap holds at most a budget's worth of objects (1 MiB) beyond the one kept.
  CHECK_MSG(stats.live_bytes < 4 << 20, "live bytes %llu", (unsigned long long)stats.live_bytes);
  if (!test_under_valgrind() && !test_under_asan()) CHECK_MSG(rss_end - rss_start < 16 << 20, "RSS grew by %ld KiB", (rss_end - rss_start) / 1024);
  // The last token is still there, everything before it was (or is now) finalized.
  wasm_val_t r[1] = {WASM_INIT_VAL};
  CHECK_NO_TRAP(call(kept, NULL, 0, r, 1));
  CHECK(r[0].of.ref != NULL && wasm_ref_get_host_info(r[0].of.ref) == (void*)(intptr_t)(n < NTOK ? n : NTOK));
  wasm_val_delete(&r[0]);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized_total, n - 1);
  wasm_func_delete(keep);
  wasm_func_delete(kept);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  CHECK_EQ(finalized_total, n);
  wasm_engine_delete(engine);
  store = NULL;
}

// A heap limit: once the table's references fill it, more cannot enter (through arguments, a
// host function's results or the table API), with a message; clearing the table and collecting
// makes room again.
static void test_heap_limit(void) {
  wasm_engine_t* engine = wasm_engine_new();
  store = wasm_store_new(engine);
  wasmlift_store_gc_heap_limit(store, 64 * 1024);
  wasm_module_t* module = module_from_wat(store,
      "(module (import \"\" \"make\" (func $make (param i32) (result externref)))"
      "  (table $t (export \"t\") 100000 externref)"
      "  (func (export \"put\") (param i32 externref) (table.set $t (local.get 0) (local.get 1)))"
      "  (func (export \"put_made\") (param i32) (table.set $t (local.get 0) (call $make (local.get 0))))"
      "  (func (export \"clear\") (table.fill $t (i32.const 0) (ref.null extern) (table.size $t))))");
  wasm_extern_t* imports[1] = {
      import_func(wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new(WASM_EXTERNREF)), make_cb)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_func_t* put = export_func(module, instance, "put");
  wasm_func_t* put_made = export_func(module, instance, "put_made");
  wasm_func_t* clear = export_func(module, instance, "clear");
  wasm_table_t* table = export_table(module, instance, "t");
  reset_tokens();
  int stored = 0;
  wasm_trap_t* trap = NULL;
  for (int i = 0; i < 100000 && trap == NULL; i++) {
    wasm_ref_t* t = token(1);
    wasm_val_t a[2] = {WASM_I32_VAL(i), {.kind = WASM_EXTERNREF, .of = {.ref = t}}};
    trap = call(put, a, 2, NULL, 0);
    wasm_ref_delete(t);
    if (!trap) stored++;
  }
  CHECK_TRAP_HAS(trap, "GC heap bytes");
  if (trap) wasm_trap_delete(trap);
  CHECK(stored > 100 && stored < 64 * 1024 / 16);
  // A host function's result cannot enter either, nor a table element set by the host.
  wasm_val_t a[1] = {WASM_I32_VAL(stored)};
  trap = call(put_made, a, 1, NULL, 0);
  CHECK_TRAP_HAS(trap, "host function returned a bad result 0");
  if (trap) wasm_trap_delete(trap);
  wasm_ref_t* t = token(2);
  CHECK(!wasm_table_set(table, (wasm_table_size_t)stored, t));
  // Room again once the table lets go.
  CHECK_NO_TRAP(call(clear, NULL, 0, NULL, 0));
  wasmlift_store_gc(store);
  CHECK(wasm_table_set(table, 0, t));
  wasm_ref_delete(t);
  CHECK_NO_TRAP(call(put_made, a, 1, NULL, 0));
  wasm_ref_t* got = wasm_table_get(table, (wasm_table_size_t)stored);
  CHECK_EQ(token_id(got), stored);
  wasm_ref_delete(got);
  // Without a limit, the table fills.
  wasmlift_store_gc_heap_limit(store, 0);
  for (int i = 0; i < 5000; i++) {
    wasm_val_t b[1] = {WASM_I32_VAL(i)};
    CHECK_NO_TRAP(call(put_made, b, 1, NULL, 0));
  }
  wasm_func_delete(put);
  wasm_func_delete(put_made);
  wasm_func_delete(clear);
  wasm_table_delete(table);
  wasm_extern_delete(imports[0]);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  store = NULL;
}

static const wasmlift_tag_t* exn_tag;

// (i32 id): fails with an exception of `exn_tag` carrying a fresh token, after a collection
// (only the exception holds the token then).
static wasm_trap_t* throw_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  wasm_val_t payload[1] = {{.kind = WASM_EXTERNREF, .of = {.ref = token(args->data[0].of.i32)}}};
  wasm_val_vec_t vals = {1, payload};
  wasm_trap_t* trap = wasmlift_exception_trap_new(store, exn_tag, &vals);
  wasm_ref_delete(payload[0].of.ref);
  wasmlift_store_gc(store);
  return trap;
}

// Exception payloads are roots while the exception lives: thrown by the host or by wasm,
// caught by wasm, or carried out to the host by a trap.
static void test_exceptions(void) {
  wasm_config_t* config = wasm_config_new();
  wasmlift_config_exceptions(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store,
      "(module"
      "  (import \"\" \"gc\" (func $gc))"
      "  (import \"\" \"make\" (func $make (param i32) (result externref)))"
      "  (import \"\" \"check\" (func $check (param externref i32) (result i32)))"
      "  (import \"\" \"throw\" (func $throw_it (param i32)))"
      "  (tag $e (export \"e\") (param externref))"
      "  (func $catching (param $id i32) (param $from_wasm i32) (result i32)"
      "    (block $h (result externref)"
      "      (try_table (catch $e $h)"
      "        (if (local.get $from_wasm)"
      "          (then (call $thrower (local.get $id)))"
      "          (else (call $throw_it (local.get $id)))))"
      "      (return (i32.const 0)))"
      "    (call $gc)"
      "    (local.get $id) (call $check))"
      "  (func $thrower (param $id i32)"
      "    (local $r externref)"
      "    (local.set $r (call $make (local.get $id)))"
      "    (call $gc)"
      "    (throw $e (local.get $r)))"
      "  (func (export \"catch_host\") (result i32) (call $catching (i32.const 50) (i32.const 0)))"
      "  (func (export \"catch_wasm\") (result i32) (call $catching (i32.const 51) (i32.const 1)))"
      "  (func (export \"uncaught\") (call $thrower (i32.const 52))))");
  wasm_extern_t* imports[4] = {
      import_func(wasm_functype_new_0_0(), gc_cb),
      import_func(wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new(WASM_EXTERNREF)), make_cb),
      import_func(wasm_functype_new_2_1(wasm_valtype_new(WASM_EXTERNREF), wasm_valtype_new_i32(), wasm_valtype_new_i32()),
                  check_cb),
      import_func(wasm_functype_new_1_0(wasm_valtype_new_i32()), throw_cb),
  };
  wasm_instance_t* instance = instantiate(store, module, imports, 4);
  wasm_extern_t* tag_extern = get_export(module, instance, "e");
  REQUIRE(tag_extern != NULL);
  exn_tag = wasmlift_extern_as_tag(tag_extern);
  reset_tokens();
  wasm_func_t* catch_host = export_func(module, instance, "catch_host");
  wasm_func_t* catch_wasm = export_func(module, instance, "catch_wasm");
  wasm_func_t* uncaught = export_func(module, instance, "uncaught");
  CHECK_EQ(call_i32_args(catch_host, NULL, 0), 1);
  CHECK_EQ(call_i32_args(catch_wasm, NULL, 0), 1);
  CHECK_EQ(bad_checks, 0);
  wasm_trap_t* trap = call(uncaught, NULL, 0, NULL, 0);
  REQUIRE(trap != NULL);
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[52], 0);
  wasm_val_vec_t args;
  CHECK(wasmlift_trap_exception_args(trap, &args));
  CHECK(args.size == 1 && token_id(args.data[0].of.ref) == 52);
  wasm_val_vec_delete(&args);
  wasm_trap_delete(trap);
  // Nothing holds the caught exceptions' tokens any more (caught without _ref, so the store let
  // the exceptions go). The exception that ended an activation went with its trap: no exnref to
  // it is left anywhere (the collector keeps thrown exceptions only while wasm can reach them),
  // and with it its payload.
  wasmlift_store_gc(store);
  CHECK_EQ(finalized[50], 1);
  CHECK_EQ(finalized[51], 1);
  CHECK_EQ(finalized[52], 1);
  wasm_func_delete(catch_host);
  wasm_func_delete(catch_wasm);
  wasm_func_delete(uncaught);
  wasm_extern_delete(tag_extern);
  for (int i = 0; i < 4; i++) wasm_extern_delete(imports[i]);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  CHECK_EQ(finalized[52], 1);
  wasm_engine_delete(engine);
  store = NULL;
}

// Random operations on a table of externrefs and a set of host handles, with collections
// (explicit and triggered), checked against a model: after a full collection a token is
// finalized exactly when neither the table nor a handle holds it, and a held token never is.
static void test_random(long ops) {
  wasm_engine_t* engine = wasm_engine_new();
  store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store,
      "(module (table $t 64 externref)"
      "  (func (export \"put\") (param i32 externref) (table.set $t (local.get 0) (local.get 1)))"
      "  (func (export \"get\") (param i32) (result externref) (table.get $t (local.get 0))))");
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_func_t* put = export_func(module, instance, "put");
  wasm_func_t* get = export_func(module, instance, "get");
  reset_tokens();
  enum { TABLE = 64, HANDLES = 32 };
  intptr_t table_ids[TABLE] = {0};
  wasm_ref_t* handles[HANDLES] = {0};
  intptr_t handle_ids[HANDLES] = {0};
  intptr_t next_id = 1;
  uint64_t rng = 0x9e3779b97f4a7c15u;
  for (long op = 0; op < ops; op++) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    int t = (int)(rng % TABLE), h = (int)((rng >> 8) % HANDLES);
    switch ((rng >> 16) % 6) {
      case 0:  // a new token in a handle (ids cycle through the finalizer array)
        if (next_id >= NTOK) break;
        wasm_ref_delete(handles[h]);
        handles[h] = token(next_id);
        handle_ids[h] = next_id++;
        break;
      case 1: {  // handle -> table
        wasm_val_t a[2] = {WASM_I32_VAL(t), {.kind = WASM_EXTERNREF, .of = {.ref = handles[h]}}};
        CHECK_NO_TRAP(call(put, a, 2, NULL, 0));
        table_ids[t] = handle_ids[h];
        break;
      }
      case 2: {  // table -> handle
        wasm_val_t a[1] = {WASM_I32_VAL(t)};
        wasm_val_t r[1] = {WASM_INIT_VAL};
        CHECK_NO_TRAP(call(get, a, 1, r, 1));
        CHECK_EQ(token_id(r[0].of.ref), table_ids[t]);
        wasm_ref_delete(handles[h]);
        handles[h] = r[0].of.ref;
        handle_ids[h] = table_ids[t];
        break;
      }
      case 3:  // drop a handle
        wasm_ref_delete(handles[h]);
        handles[h] = NULL;
        handle_ids[h] = 0;
        break;
      case 4: {  // clear a table slot
        wasm_val_t a[2] = {WASM_I32_VAL(t), {.kind = WASM_EXTERNREF, .of = {.ref = NULL}}};
        CHECK_NO_TRAP(call(put, a, 2, NULL, 0));
        table_ids[t] = 0;
        break;
      }
      default:
        if ((rng >> 24) % 16 == 0) {
          wasmlift_store_gc(store);
          static unsigned char held[NTOK];
          memset(held, 0, sizeof held);
          for (int i = 0; i < TABLE; i++) held[table_ids[i]] = 1;
          for (int i = 0; i < HANDLES; i++) held[handle_ids[i]] = 1;
          for (intptr_t id = 1; id < next_id; id++) {
            CHECK_MSG(finalized[id] == !held[id], "token %ld: finalized %d times, held %d", (long)id, finalized[id],
                      held[id]);
          }
        }
    }
    for (int i = 0; i < TABLE; i++) {
      if (table_ids[i] && finalized[table_ids[i]]) {
        CHECK_MSG(0, "token %ld in the table was finalized", (long)table_ids[i]);
        table_ids[i] = 0;
      }
    }
  }
  for (int i = 0; i < HANDLES; i++) wasm_ref_delete(handles[i]);
  wasm_func_delete(put);
  wasm_func_delete(get);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  CHECK_EQ(finalized_total, next_id - 1);
  wasm_engine_delete(engine);
  store = NULL;
}

// (): collects from inside a scalar host function, with wasm frames below holding structs.
static wasm_trap_t* collect_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  wasmlift_store_gc(store);
  return NULL;
}

// Structs and arrays made by wasm (the gc proposal on): `churn` allocates n nodes of garbage
// while 1000 stay reachable from a global, and the heap stays within a budget of them;
// `collect_below` holds a struct in a local across a scalar host function that collects;
// under a heap limit, a growing list traps with the allocation-failure message, and allocating
// works again once the list is dropped and collected.
static void test_wasm_objects(long n) {
  wasm_config_t* config = wasm_config_new();
  wasmlift_config_gc(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store,
      "(module (import \"\" \"collect\" (func $collect))"
      "  (type $node (struct (field $v i32) (field $next (ref null $node))))"
      "  (global $kept (mut (ref null $node)) (ref.null $node))"
      "  (func $sum (param $l (ref null $node)) (result i32) (local $s i32)"
      "    (block $done (loop $walk (br_if $done (ref.is_null (local.get $l)))"
      "      (local.set $s (i32.add (local.get $s) (struct.get $node $v (local.get $l))))"
      "      (local.set $l (struct.get $node $next (local.get $l))) (br $walk)))"
      "    (local.get $s))"
      "  (func (export \"churn\") (param $n i32) (result i32) (local $i i32)"
      "    (loop $l"
      "      (if (i32.lt_u (local.get $i) (i32.const 1000))"
      "        (then (global.set $kept (struct.new $node (local.get $i) (global.get $kept))))"
      "        (else (drop (struct.new $node (local.get $i) (ref.null $node)))))"
      "      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))"
      "    (call $sum (global.get $kept)))"
      "  (func (export \"collect_below\") (result i32) (local $x (ref null $node))"
      "    (local.set $x (struct.new $node (i32.const 1234) (ref.null $node)))"
      "    (call $collect)"
      "    (drop (struct.new $node (i32.const 0) (ref.null $node)))"
      "    (struct.get $node $v (local.get $x)))"
      "  (func (export \"grow\") (param $n i32) (local $i i32)"
      "    (loop $l (global.set $kept (struct.new $node (local.get $i) (global.get $kept)))"
      "      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))"
      "  (func (export \"reset\") (global.set $kept (ref.null $node))))");
  wasm_extern_t* imports[1] = {import_func(wasm_functype_new_0_0(), collect_cb)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  wasm_func_t* churn = export_func(module, instance, "churn");
  wasm_func_t* collect_below = export_func(module, instance, "collect_below");
  wasm_func_t* grow = export_func(module, instance, "grow");
  wasm_func_t* reset = export_func(module, instance, "reset");

  wasm_val_t a[1] = {WASM_I32_VAL((int32_t)n)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  CHECK_NO_TRAP(call(churn, a, 1, r, 1));
  CHECK_EQ(r[0].of.i32, 999 * 1000 / 2);
  wasmlift_gc_stats_t stats;
  CHECK(wasmlift_store_gc_stats(store, &stats));
  printf("%ld wasm structs: %llu collections, %llu objects (%llu bytes) live, max pause %llu us\n", n,
         (unsigned long long)stats.collections, (unsigned long long)stats.live_objects,
         (unsigned long long)stats.live_bytes, (unsigned long long)(stats.max_pause_ns / 1000));
  if (n >= 100000) CHECK(stats.collections > 0);
  CHECK_MSG(stats.live_bytes < 4 << 20, "live bytes %llu", (unsigned long long)stats.live_bytes);
  for (int i = 0; i < 3; i++) {
    CHECK_NO_TRAP(call(collect_below, NULL, 0, r, 1));
    CHECK_EQ(r[0].of.i32, 1234);
  }
  wasmlift_store_gc(store);
  CHECK(wasmlift_store_gc_stats(store, &stats));
  // The 1000 kept nodes (24 bytes each) and little else.
  CHECK_MSG(stats.live_objects >= 1000 && stats.live_objects < 1100, "live objects %llu",
            (unsigned long long)stats.live_objects);

  wasmlift_store_gc_heap_limit(store, 256 * 1024);
  wasm_val_t big[1] = {WASM_I32_VAL(100000)};
  wasm_trap_t* trap = call(grow, big, 1, NULL, 0);
  CHECK_TRAP_HAS(trap, "out of memory: GC allocation failed");
  if (trap) wasm_trap_delete(trap);
  CHECK(wasmlift_store_gc_stats(store, &stats));
  CHECK_MSG(stats.live_bytes <= 256 * 1024, "live bytes %llu", (unsigned long long)stats.live_bytes);
  CHECK_NO_TRAP(call(reset, NULL, 0, NULL, 0));
  wasmlift_store_gc(store);
  wasm_val_t some[1] = {WASM_I32_VAL(1000)};
  CHECK_NO_TRAP(call(grow, some, 1, NULL, 0));

  wasm_func_delete(churn);
  wasm_func_delete(collect_below);
  wasm_func_delete(grow);
  wasm_func_delete(reset);
  wasm_extern_delete(imports[0]);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  store = NULL;
}

// Reused memory is zeroed: wasm fills structs and arrays of every size class (and large ones)
// with ones and drops most of them (one in 8 stays, so their chunks stay); after a collection
// made their cells free, new default objects of the same sizes, which take those cells, must
// read all zeroes (a dead object's contents leaking into a new one would show here).
static void test_reused_cells_are_zeroed(void) {
  wasm_config_t* config = wasm_config_new();
  wasmlift_config_gc(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store,
      "(module"
      "  (type $s (struct (field (mut i64)) (field (mut i32)) (field (mut anyref))))"
      "  (type $a (array (mut i64)))"
      "  (table $keep 8192 anyref)"
      // Arrays of 0..63 elements (16..520 bytes: every class and large objects) full of -1,
      // and structs with every field set; one in 8 of each stays (in the table), so that their
      // chunks stay and the cells of the others are reused.
      "  (func (export \"dirty\") (param $n i32) (local $i i32) (local $x anyref) (local $y anyref)"
      "    (loop $l"
      "      (local.set $x (array.new $a (i64.const -1) (i32.and (local.get $i) (i32.const 63))))"
      "      (local.set $y (struct.new $s (i64.const -1) (i32.const -1) (ref.i31 (i32.const 7))))"
      "      (if (i32.eqz (i32.and (local.get $i) (i32.const 7))) (then"
      "        (table.set $keep (i32.and (i32.shr_u (local.get $i) (i32.const 2)) (i32.const 8190)) (local.get $x))"
      "        (table.set $keep (i32.or (i32.and (i32.shr_u (local.get $i) (i32.const 2)) (i32.const 8190))"
      "          (i32.const 1)) (local.get $y))))"
      "      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))"
      // The same sizes made with defaults: the number of nonzero words read back.
      "  (func (export \"fresh\") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $bad i32)"
      "    (local $arr (ref null $a)) (local $st (ref null $s))"
      "    (loop $l"
      "      (local.set $arr (array.new_default $a (i32.and (local.get $i) (i32.const 63))))"
      "      (local.set $j (i32.const 0))"
      "      (block $done (loop $e"
      "        (br_if $done (i32.ge_u (local.get $j) (array.len (local.get $arr))))"
      "        (local.set $bad (i32.add (local.get $bad)"
      "          (i64.ne (array.get $a (local.get $arr) (local.get $j)) (i64.const 0))))"
      "        (local.set $j (i32.add (local.get $j) (i32.const 1))) (br $e)))"
      "      (local.set $st (struct.new_default $s))"
      "      (local.set $bad (i32.add (local.get $bad) (i32.add"
      "        (i64.ne (struct.get $s 0 (local.get $st)) (i64.const 0))"
      "        (i32.add (i32.ne (struct.get $s 1 (local.get $st)) (i32.const 0))"
      "          (i32.eqz (ref.is_null (struct.get $s 2 (local.get $st))))))))"
      "      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))"
      "    (local.get $bad)))");
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_func_t* dirty = export_func(module, instance, "dirty");
  wasm_func_t* fresh = export_func(module, instance, "fresh");
  for (int round = 0; round < 3; round++) {
    wasm_val_t a[1] = {WASM_I32_VAL(20000)};
    CHECK_NO_TRAP(call(dirty, a, 1, NULL, 0));
    wasmlift_store_gc(store);
    wasm_val_t r[1] = {WASM_INIT_VAL};
    CHECK_NO_TRAP(call(fresh, a, 1, r, 1));
    CHECK_EQ(r[0].of.i32, 0);
  }
  wasmlift_gc_stats_t stats;
  CHECK(wasmlift_store_gc_stats(store, &stats));
  CHECK(stats.collections >= 3);
  wasm_func_delete(dirty);
  wasm_func_delete(fresh);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  store = NULL;
}

// ---- Stress: millions of allocations in cycles the host holds handles into ----

// Rings of RING wasm structs (each node's `next` to the one made before it, the first one's to
// the last: a cycle), the first node holding a fresh host token (a foreign object whose
// finalizer counts); the host keeps handles to the last HELD rings, links each new ring with a
// held one both ways (`other`: a cycle through two host-held handles), then deletes its oldest
// handle. Checked: every ring still held is whole (the sum of its ids around the cycle, back to
// the start) and holds its own unfinalized token; every token is finalized exactly once, only
// after its ring's handle went; the heap stays bounded, and is empty once every handle is
// deleted and a collection ran. Run with `--stress N` for N allocations (rings of 8 structs and
// a host object each), alone; bench/RESULTS.md has the valgrind run with millions.
#define RING 8
#define HELD 64

static unsigned char* ring_finalized;
static long ring_finalized_total;

static void ring_token_finalizer(void* info) {
  ring_finalized[(intptr_t)info]++;
  ring_finalized_total++;
}

static const char* const CYCLES_WAT =
    "(module"
    "  (type $node (struct (field $id i32) (field $next (mut (ref null $node)))"
    "    (field $other (mut (ref null $node))) (field $token externref)))"
    "  (func (export \"ring\") (param $id i32) (param $token externref) (result anyref)"
    "    (local $first (ref null $node)) (local $n (ref null $node)) (local $i i32)"
    "    (local.set $first (struct.new $node (local.get $id) (ref.null $node) (ref.null $node) (local.get $token)))"
    "    (local.set $n (local.get $first)) (local.set $i (i32.const 1))"
    "    (loop $l"
    "      (local.set $n (struct.new $node (i32.add (local.get $id) (local.get $i)) (local.get $n)"
    "        (ref.null $node) (ref.null extern)))"
    "      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 8))))"
    "    (struct.set $node $next (local.get $first) (local.get $n))"
    "    (local.get $first))"
    "  (func (export \"sum\") (param $r anyref) (result i32)"
    "    (local $start (ref $node)) (local $n (ref $node)) (local $s i32) (local $i i32)"
    "    (local.set $start (ref.cast (ref $node) (local.get $r))) (local.set $n (local.get $start))"
    "    (loop $l"
    "      (local.set $s (i32.add (local.get $s) (struct.get $node $id (local.get $n))))"
    "      (local.set $n (ref.as_non_null (struct.get $node $next (local.get $n))))"
    "      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 8))))"
    "    (if (result i32) (ref.eq (local.get $n) (local.get $start))"
    "      (then (local.get $s)) (else (i32.const -1))))"
    "  (func (export \"link\") (param $a anyref) (param $b anyref)"
    "    (struct.set $node $other (ref.cast (ref $node) (local.get $a)) (ref.cast (ref $node) (local.get $b)))"
    "    (struct.set $node $other (ref.cast (ref $node) (local.get $b)) (ref.cast (ref $node) (local.get $a))))"
    "  (func (export \"token\") (param $r anyref) (result externref)"
    "    (struct.get $node $token (ref.cast (ref $node) (local.get $r)))))";

static void test_host_cycles(long allocations) {
  long rings = allocations / (RING + 1);
  if (rings < HELD) rings = HELD;
  ring_finalized = calloc((size_t)rings + 1, 1);
  REQUIRE(ring_finalized != NULL);
  ring_finalized_total = 0;
  wasm_config_t* config = wasm_config_new();
  wasmlift_config_gc(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store, CYCLES_WAT);
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_func_t* ring = export_func(module, instance, "ring");
  wasm_func_t* sum = export_func(module, instance, "sum");
  wasm_func_t* link = export_func(module, instance, "link");
  wasm_func_t* token_of = export_func(module, instance, "token");

  wasm_ref_t* held[HELD] = {NULL};
  long held_id[HELD] = {0};
  uint32_t rng = 12345;
  for (long r = 1; r <= rings; r++) {
    wasm_foreign_t* f = wasm_foreign_new(store);
    REQUIRE(f != NULL);
    wasm_foreign_set_host_info_with_finalizer(f, (void*)(intptr_t)r, ring_token_finalizer);
    wasm_ref_t* token = wasm_foreign_as_ref(f);
    // Ring ids: r * RING .. r * RING + 7 (wrapping in i32 is fine: the sum wraps the same way).
    int32_t first_id = (int32_t)(uint32_t)((unsigned long)r * RING);
    wasm_val_t a[2] = {WASM_I32_VAL(first_id), {.kind = WASM_EXTERNREF, .of = {.ref = token}}};
    wasm_val_t res[1] = {WASM_INIT_VAL};
    CHECK_NO_TRAP(call(ring, a, 2, res, 1));
    wasm_ref_delete(token);  // Only the ring holds it now.
    REQUIRE(res[0].of.ref != NULL);
    int slot = (int)(r % HELD);
    // Link with a random held ring (a cycle through two handles), then drop the oldest handle.
    rng = rng * 1664525u + 1013904223u;
    int other = (int)((rng >> 16) % HELD);
    if (held[other]) {
      wasm_val_t l[2] = {{.kind = WASM_EXTERNREF, .of = {.ref = held[other]}},
                         {.kind = WASM_EXTERNREF, .of = {.ref = res[0].of.ref}}};
      CHECK_NO_TRAP(call(link, l, 2, NULL, 0));
    }
    if (held[slot]) {
      // The ring about to be let go is still whole, with its own token.
      wasm_val_t s[1] = {{.kind = WASM_EXTERNREF, .of = {.ref = held[slot]}}};
      wasm_val_t got[1] = {WASM_INIT_VAL};
      CHECK_NO_TRAP(call(sum, s, 1, got, 1));
      int32_t base = (int32_t)(uint32_t)((unsigned long)held_id[slot] * RING);
      CHECK_EQ(got[0].of.i32, (int32_t)((uint32_t)base * RING + RING * (RING - 1) / 2));
      CHECK_NO_TRAP(call(token_of, s, 1, got, 1));
      CHECK_EQ((long)(intptr_t)wasm_ref_get_host_info(got[0].of.ref), held_id[slot]);
      CHECK_EQ(ring_finalized[held_id[slot]], 0);
      wasm_ref_delete(got[0].of.ref);
      wasm_ref_delete(held[slot]);
    }
    held[slot] = res[0].of.ref;
    held_id[slot] = r;
    if (r % 4096 == 0) {
      wasmlift_gc_stats_t stats;
      CHECK(wasmlift_store_gc_stats(store, &stats));
      CHECK_MSG(stats.live_bytes < 8 << 20, "live bytes %llu", (unsigned long long)stats.live_bytes);
    }
  }
  // Every handle still held keeps its ring; once all are gone, everything goes.
  wasmlift_store_gc(store);
  for (int i = 0; i < HELD; i++) CHECK_EQ(ring_finalized[held_id[i]], 0);
  for (int i = 0; i < HELD; i++) wasm_ref_delete(held[i]);
  wasmlift_store_gc(store);
  wasmlift_gc_stats_t stats;
  CHECK(wasmlift_store_gc_stats(store, &stats));
  CHECK_EQ(stats.live_objects, 0);
  CHECK_EQ(ring_finalized_total, rings);
  long wrong = 0;
  for (long r = 1; r <= rings; r++) wrong += ring_finalized[r] != 1;
  CHECK_EQ(wrong, 0);
  printf("%ld rings (%ld allocations): %llu collections, max pause %llu us\n", rings, rings * (RING + 1),
         (unsigned long long)stats.collections, (unsigned long long)(stats.max_pause_ns / 1000));
  CHECK(stats.collections > 0);

  wasm_func_delete(ring);
  wasm_func_delete(sum);
  wasm_func_delete(link);
  wasm_func_delete(token_of);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  store = NULL;
  free(ring_finalized);
  ring_finalized = NULL;
}

int main(int argc, char** argv) {
  // `--stress N`: only the cycles stress test, with N allocations.
  if (argc == 3 && strcmp(argv[1], "--stress") == 0) {
    long allocations = strtol(argv[2], NULL, 10);
    REQUIRE(allocations > 0);
    test_host_cycles(allocations);
    return test_report("gc_collector_test --stress");
  }
  long n = test_iterations(argc, argv, 1000000, 30000);
  test_roots(WASMLIFT_COMPILATION_EAGER, 0, n);
  test_roots(WASMLIFT_COMPILATION_EAGER, 1, n);
  test_roots(WASMLIFT_COMPILATION_LAZY, 0, n);
  test_roots(WASMLIFT_COMPILATION_TIERED, 0, n);
  test_heap_limit();
  test_exceptions();
  test_random(n < 200000 ? n : 200000);
  test_constant_memory(n);
  test_wasm_objects(n);
  test_reused_cells_are_zeroed();
  // 9 allocations per ring: a quarter of a million rings natively, ~3300 under valgrind.
  test_host_cycles(n < 200000 ? n : 9 * 250000);
  return test_report("gc_collector_test");
}
