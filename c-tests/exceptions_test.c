// Exception handling through the C API (wasm.h plus the wasmlift_tag_* extension): an uncaught
// exception's trap (message naming the tag, tag and payload inspection); an exception crossing a
// host frame (wasm -> host -> wasm throws; the host returns the trap and the outer wasm catches
// it; the host may also make its own exception trap); tags exported by one instance and
// imported by another, and host-made tags; link errors for wrong or missing tags. Hostile
// cases: a throw from the deepest recursion the stack allows, caught and rethrown at every
// level; tags and exception traps of another store (refused); exceptions thrown and caught on
// one thread while another traps; the exception outliving its tag's instance, module and store
// handle (checked under valgrind / ASan by the CMake build).
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <pthread.h>
#include <unistd.h>

static const char* MAIN_WAT =
    "(module"
    "  (import \"\" \"host\" (func $host (param i32) (result i32)))"
    "  (tag $e (export \"e\") (param i32))"
    "  (tag $quiet (param i64 f64))"
    "  (global $after (export \"after\") (mut i32) (i32.const 0))"
    // thrower(x): throws $e(x).
    "  (type $ti (func (param i32)))"
    "  (func $thrower (export \"thrower\") (type $ti) (throw $e (local.get 0)))"
    "  (elem declare func $thrower)"
    // catch_call_ref(x): the throw comes through call_ref (typed function references): x.
    "  (func (export \"catch_call_ref\") (param i32) (result i32)"
    "    (block $h (result i32)"
    "      (try_table (catch $e $h) (call_ref $ti (local.get 0) (ref.func $thrower))) (i32.const -1)))"
    "  (func (export \"throw_quiet\") (throw $quiet (i64.const -5) (f64.const 2.5)))"
    // catch_local(x): throws and catches in one function: x + 1.
    "  (func (export \"catch_local\") (param i32) (result i32)"
    "    (block $h (result i32)"
    "      (try_table (catch $e $h) (throw $e (local.get 0))) (i32.const -1))"
    "    (i32.const 1) (i32.add))"
    // through_host(x): calls the host inside a try_table; an $e it throws gives 1000 + payload.
    // Code after the host call only runs when the host returns normally.
    "  (func (export \"through_host\") (param i32) (result i32)"
    "    (block $h (result i32)"
    "      (return (try_table (result i32) (catch $e $h)"
    "        (call $host (local.get 0))"
    "        (global.set $after (i32.add (global.get $after) (i32.const 1))))))"
    "    (i32.const 1000) (i32.add))"
    // host_uncaught(x): the host's exception is not caught here.
    "  (func (export \"host_uncaught\") (param i32) (result i32)"
    "    (call $host (local.get 0))"
    "    (global.set $after (i32.add (global.get $after) (i32.const 1))))"
    // catch_all_host(x): anything from the host lands in catch_all: -2.
    "  (func (export \"catch_all_host\") (param i32) (result i32)"
    "    (block $h"
    "      (return (try_table (result i32) (catch_all $h) (call $host (local.get 0)))))"
    "    (i32.const -2))"
    // loop_sum(n): a loop whose body throws from a callee and catches the payload each time
    // (loop-invariant code motion sees the try_call and its handler): sum of 0..n-1.
    "  (func $throw_i (param i32) (if (i32.and (local.get 0) (i32.const 1))"
    "    (then (throw $e (local.get 0))) (else (throw $quiet (i64.extend_i32_u (local.get 0)) (f64.const 0)))))"
    "  (func (export \"loop_sum\") (param i32) (result i32) (local $i i32) (local $sum i32)"
    "    (block $done (loop $next"
    "      (br_if $done (i32.ge_u (local.get $i) (local.get 0)))"
    "      (local.set $sum (i32.add (local.get $sum)"
    "        (block $odd (result i32)"
    "          (block $even (result i64 f64)"
    "            (try_table (catch $e $odd) (catch $quiet $even) (call $throw_i (local.get $i)))"
    "            (unreachable))"
    "          (drop) (i32.wrap_i64))))"
    "      (local.set $i (i32.add (local.get $i) (i32.const 1)))"
    "      (br $next)))"
    "    (local.get $sum))"
    // depth_ok(n): recursion n deep that returns (probes the stack).
    "  (func $depth_ok (export \"depth_ok\") (param i32) (result i32)"
    "    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))"
    "      (else (i32.add (call $depth_ok (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))"
    // deep_throw(n): recursion n deep, then throw $e(n0) at the bottom (no handlers between).
    "  (func $dive (param i32) (result i32)"
    "    (if (result i32) (i32.eqz (local.get 0)) (then (throw $e (i32.const 77)))"
    "      (else (i32.add (call $dive (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))"
    "  (func (export \"deep_throw\") (param i32) (result i32)"
    "    (block $h (result i32) (try_table (result i32) (catch $e $h) (call $dive (local.get 0)))))"
    // deep_rethrow(n): every level catches with catch_ref and rethrows with throw_ref.
    "  (func $dive_ref (param i32) (result i32)"
    "    (if (result i32) (i32.eqz (local.get 0)) (then (throw $e (i32.const 88)))"
    "      (else"
    "        (block $h (result exnref)"
    "          (return (try_table (result i32) (catch_all_ref $h)"
    "            (i32.add (call $dive_ref (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))"
    "        (throw_ref))))"
    "  (func (export \"deep_rethrow\") (param i32) (result i32)"
    "    (block $h (result i32) (try_table (result i32) (catch $e $h) (call $dive_ref (local.get 0)))))"
    ")";

// Resident memory of this process, in KiB (0 if unknown).
static long resident_kib(void) {
  long pages = 0, resident = 0;
  FILE* f = fopen("/proc/self/statm", "r");
  if (f == NULL) return 0;
  if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
  fclose(f);
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static wasm_store_t* store;
static wasm_func_t* thrower;          // MAIN's "thrower", called back by the host function
static wasm_func_t* host_uncaught;    // MAIN's "host_uncaught" (mode 4 calls it)
static wasmlift_tag_t* host_made_tag;  // used by the host function in mode 2
static wasm_trap_t* foreign_trap;     // an exception trap of another store (mode 3)
static int host_mode;                 // 0 normal, 1 via thrower, 2 own exception, 3 foreign
static int host_calls;

static wasm_trap_t* host_cb(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  host_calls++;
  int32_t x = args->data[0].of.i32;
  switch (host_mode) {
    case 1: {
      wasm_val_t a = WASM_I32_VAL(x * 2);
      wasm_trap_t* trap = call(thrower, &a, 1, NULL, 0);
      REQUIRE(trap != NULL);
      return trap;  // the exception thrown by `thrower`, uncaught there
    }
    case 2: {
      wasm_val_t a = WASM_I32_VAL(x + 5);
      wasm_val_vec_t av = {1, &a};
      wasm_trap_t* trap = wasmlift_exception_trap_new(store, host_made_tag, &av);
      REQUIRE(trap != NULL);
      return trap;
    }
    case 3:
      return wasm_trap_copy(foreign_trap);
    case 4: {
      // wasm -> host -> wasm (no handler) -> host -> wasm throws: two host frames to cross.
      host_mode = 1;
      wasm_val_t a = WASM_I32_VAL(x);
      wasm_val_t r = WASM_INIT_VAL;
      wasm_trap_t* trap = call(host_uncaught, &a, 1, &r, 1);
      host_mode = 4;
      REQUIRE(trap != NULL);
      return trap;
    }
    default:
      results->data[0].kind = WASM_I32;
      results->data[0].of.i32 = x + 3;
      return NULL;
  }
}

// The tag's payload as i32 (the trap must carry one i32 payload value).
static int32_t payload_i32(const wasm_trap_t* trap) {
  wasm_val_vec_t vals;
  CHECK(wasmlift_trap_exception_args(trap, &vals));
  int32_t v = -12345;
  if (vals.size == 1 && vals.data[0].kind == WASM_I32) v = vals.data[0].of.i32;
  CHECK_EQ(vals.size, 1);
  wasm_val_vec_delete(&vals);
  return v;
}

static int32_t call1(const wasm_func_t* f, int32_t x, wasm_trap_t** trap) {
  wasm_val_t a = WASM_I32_VAL(x);
  wasm_val_t r = WASM_INIT_VAL;
  *trap = call(f, &a, 1, &r, 1);
  return r.of.i32;
}

// The main module, instantiated with the host function, and the tag export `e`.
typedef struct {
  wasm_module_t* module;
  wasm_instance_t* instance;
  wasm_func_t* host;
} Main;

static Main main_instance(wasm_store_t* s) {
  Main m;
  m.module = module_from_wat(s, MAIN_WAT);
  wasm_valkind_t i32 = WASM_I32;
  m.host = host_func(s, 1, &i32, 1, &i32, host_cb);
  wasm_extern_t* imports[] = {wasm_func_as_extern(m.host)};
  m.instance = instantiate(s, m.module, imports, 1);
  return m;
}

static void main_delete(Main* m) {
  wasm_instance_delete(m->instance);
  wasm_module_delete(m->module);
  wasm_func_delete(m->host);
}

static wasmlift_tag_t* export_tag(const Main* m, const char* name) {
  wasm_extern_t* e = get_export(m->module, m->instance, name);
  REQUIRE(e != NULL);
  CHECK_EQ(wasm_extern_kind(e), WASMLIFT_EXTERN_TAG);
  wasmlift_tag_t* t = wasmlift_extern_as_tag(e);
  REQUIRE(t != NULL);
  CHECK(wasm_extern_as_func(e) == NULL);
  wasm_externtype_t* et = wasm_extern_type(e);
  CHECK(et != NULL && wasm_externtype_kind(et) == WASMLIFT_EXTERN_TAG && wasmlift_externtype_as_tagtype(et) != NULL);
  if (et) wasm_externtype_delete(et);
  return t;
}

static void test_uncaught_and_local(Main* m) {
  wasm_func_t* catch_local = export_func(m->module, m->instance, "catch_local");
  CHECK_EQ(CALL_I32(catch_local, 41), 42);
  wasm_func_t* catch_call_ref = export_func(m->module, m->instance, "catch_call_ref");
  CHECK_EQ(CALL_I32(catch_call_ref, 17), 17);
  wasm_func_delete(catch_call_ref);
  wasm_func_t* loop_sum = export_func(m->module, m->instance, "loop_sum");
  CHECK_EQ(CALL_I32(loop_sum, 1000), 499500);
  // Exceptions caught by plain catch clauses are let go at once: a long throwing loop does not
  // grow the store (each exception object is about 100 bytes).
  if (!test_under_valgrind() && !test_under_asan()) {
    long before = resident_kib();
    CHECK_EQ(CALL_I32(loop_sum, 1000000), 1783293664);  // sum of 0..999999, wrapped to i32
    long grown = resident_kib() - before;
    CHECK_MSG(grown < 16 * 1024, "resident memory grew by %ld KiB over a million exceptions", grown);
  }
  wasm_func_delete(loop_sum);

  wasm_trap_t* trap = NULL;
  call1(thrower, 9, &trap);
  CHECK_TRAP_IS(trap, "uncaught exception: tag \"e\"");
  wasmlift_tag_t* thrown = wasmlift_trap_exception_tag(trap);
  wasmlift_tag_t* e = export_tag(m, "e");
  CHECK(thrown != NULL && wasmlift_tag_same(thrown, e));
  CHECK_EQ(payload_i32(trap), 9);
  // The trace starts in the throwing function.
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  CHECK(trace.size >= 1);
  if (trace.size >= 1) CHECK_EQ(wasm_frame_func_index(trace.data[0]), 1);
  wasm_frame_vec_delete(&trace);
  wasmlift_tag_delete(thrown);
  wasm_trap_delete(trap);

  // A tag the module does not export is named by its index; the payload holds i64 and f64.
  wasm_func_t* quiet = export_func(m->module, m->instance, "throw_quiet");
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  trap = wasm_func_call(quiet, &none, &none);
  CHECK_TRAP_IS(trap, "uncaught exception: tag index 1");
  wasm_val_vec_t vals;
  CHECK(wasmlift_trap_exception_args(trap, &vals));
  CHECK(vals.size == 2 && vals.data[0].kind == WASM_I64 && vals.data[0].of.i64 == -5 &&
        vals.data[1].kind == WASM_F64 && vals.data[1].of.f64 == 2.5);
  wasm_val_vec_delete(&vals);
  wasm_trap_delete(trap);

  // A plain trap carries no exception.
  trap = make_trap(store, "plain");
  CHECK(wasmlift_trap_exception_tag(trap) == NULL);
  CHECK(!wasmlift_trap_exception_args(trap, &vals));
  CHECK_EQ(vals.size, 0);
  wasm_trap_delete(trap);

  wasmlift_tag_delete(e);
  wasm_func_delete(catch_local);
  wasm_func_delete(quiet);
}

static void test_host_frames(Main* m) {
  wasm_func_t* through = export_func(m->module, m->instance, "through_host");
  wasm_func_t* uncaught = export_func(m->module, m->instance, "host_uncaught");
  wasm_func_t* catch_all = export_func(m->module, m->instance, "catch_all_host");
  wasm_global_t* after = export_global(m->module, m->instance, "after");
  wasm_val_t g;

  host_mode = 0;
  CHECK_EQ(CALL_I32(through, 4), 7);  // no exception: the host's result
  wasm_global_get(after, &g);
  CHECK_EQ(g.of.i32, 1);

  // wasm -> host -> wasm throws $e(2x); the host returns that trap; the outer try_table
  // catches it; the code after the host call does not run.
  host_mode = 1;
  CHECK_EQ(CALL_I32(through, 21), 1042);
  wasm_global_get(after, &g);
  CHECK_EQ(g.of.i32, 1);

  // Through two host frames (and a wasm frame without a handler between them).
  host_mode = 4;
  CHECK_EQ(CALL_I32(through, 8), 1016);
  wasm_global_get(after, &g);
  CHECK_EQ(g.of.i32, 1);
  host_mode = 1;

  // Not caught in the outer wasm either: the outermost call traps with the exception.
  wasm_trap_t* trap = NULL;
  call1(uncaught, 5, &trap);
  CHECK_TRAP_IS(trap, "uncaught exception: tag \"e\"");
  CHECK_EQ(payload_i32(trap), 10);
  wasm_trap_delete(trap);

  // The host's own exception of a tag it made: caught only by catch_all here (another tag).
  wasm_functype_t* ft = functype(1, (wasm_valkind_t[]){WASM_I32}, 0, NULL);
  wasmlift_tagtype_t* tt = wasmlift_tagtype_new(ft);
  REQUIRE(tt != NULL);
  CHECK_EQ(wasm_externtype_kind(wasmlift_tagtype_as_externtype(tt)), WASMLIFT_EXTERN_TAG);
  host_made_tag = wasmlift_tag_new(store, tt);
  REQUIRE(host_made_tag != NULL);
  host_mode = 2;
  CHECK_EQ(CALL_I32(catch_all, 1), -2);
  call1(through, 1, &trap);  // $e does not match the host's tag
  CHECK_TRAP_IS(trap, "uncaught exception: tag created by the host");
  CHECK_EQ(payload_i32(trap), 6);
  wasm_trap_delete(trap);
  // Wrong payloads are refused.
  wasm_val_t bad = WASM_I64_VAL(1);
  wasm_val_vec_t badv = {1, &bad};
  CHECK(wasmlift_exception_trap_new(store, host_made_tag, &badv) == NULL);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasmlift_exception_trap_new(store, host_made_tag, &none) == NULL);
  // A tag type has no results.
  wasm_functype_t* with_result = functype(0, NULL, 1, (wasm_valkind_t[]){WASM_I32});
  CHECK(wasmlift_tagtype_new(with_result) == NULL);
  wasmlift_tagtype_delete(tt);
  CHECK_EQ(host_calls > 0, 1);

  wasm_func_delete(through);
  wasm_func_delete(uncaught);
  wasm_func_delete(catch_all);
  wasm_global_delete(after);
}

static const char* USER_WAT =
    "(module"
    "  (import \"m\" \"e\" (tag $e (param i32)))"
    "  (import \"m\" \"thrower\" (func $thrower (param i32)))"
    "  (import \"h\" \"t\" (tag $h (param i32)))"
    // Throws the imported tag: the exporter's handlers see the same tag.
    "  (func (export \"throw_e\") (param i32) (throw $e (local.get 0)))"
    "  (func (export \"throw_h\") (param i32) (throw $h (local.get 0)))"
    // Catches what the exporter's function throws, by the imported tag.
    "  (func (export \"catch_from_m\") (param i32) (result i32)"
    "    (block $h (result i32)"
    "      (try_table (catch $e $h) (call $thrower (local.get 0))) (i32.const -1)))"
    ")";

static void test_import_export(Main* m) {
  wasm_module_t* user = module_from_wat(store, USER_WAT);
  wasmlift_tag_t* e = export_tag(m, "e");
  wasm_functype_t* ft = functype(1, (wasm_valkind_t[]){WASM_I32}, 0, NULL);
  wasmlift_tagtype_t* tt = wasmlift_tagtype_new(ft);
  wasmlift_tag_t* h = wasmlift_tag_new(store, tt);
  REQUIRE(h != NULL);
  wasm_extern_t* imports[] = {wasmlift_tag_as_extern(e), wasm_func_as_extern(thrower), wasmlift_tag_as_extern(h)};
  wasm_instance_t* inst = instantiate(store, user, imports, 3);

  // The import types report the tag kind and type.
  wasm_importtype_vec_t itypes;
  wasm_module_imports(user, &itypes);
  CHECK_EQ(itypes.size, 3);
  const wasm_externtype_t* it = wasm_importtype_type(itypes.data[0]);
  CHECK_EQ(wasm_externtype_kind(it), WASMLIFT_EXTERN_TAG);
  const wasmlift_tagtype_t* itt = wasmlift_externtype_as_tagtype_const(it);
  CHECK(itt != NULL && wasmlift_tagtype_params(itt)->size == 1);
  CHECK(wasm_externtype_as_functype_const(it) == NULL);
  wasm_importtype_vec_delete(&itypes);

  wasm_func_t* throw_e = export_func(user, inst, "throw_e");
  wasm_func_t* throw_h = export_func(user, inst, "throw_h");
  wasm_func_t* catch_from_m = export_func(user, inst, "catch_from_m");
  CHECK_EQ(CALL_I32(catch_from_m, 31), 31);
  // The exporter's catch_local is only for its own throw; through_host catches the importer's.
  wasm_trap_t* trap = NULL;
  call1(throw_e, 3, &trap);
  wasmlift_tag_t* thrown = wasmlift_trap_exception_tag(trap);
  CHECK(thrown != NULL && wasmlift_tag_same(thrown, e));
  CHECK_TRAP_IS(trap, "uncaught exception: tag \"e\"");
  wasmlift_tag_delete(thrown);
  wasm_trap_delete(trap);
  call1(throw_h, 8, &trap);
  thrown = wasmlift_trap_exception_tag(trap);
  CHECK(thrown != NULL && wasmlift_tag_same(thrown, h) && !wasmlift_tag_same(thrown, e));
  CHECK_EQ(payload_i32(trap), 8);
  wasmlift_tag_delete(thrown);
  wasm_trap_delete(trap);

  // A tag of another type is refused; so is a function for a tag, and a missing tag.
  wasm_functype_t* ft64 = functype(1, (wasm_valkind_t[]){WASM_I64}, 0, NULL);
  wasmlift_tagtype_t* tt64 = wasmlift_tagtype_new(ft64);
  wasmlift_tag_t* h64 = wasmlift_tag_new(store, tt64);
  wasm_extern_t* bad1[] = {wasmlift_tag_as_extern(e), wasm_func_as_extern(thrower), wasmlift_tag_as_extern(h64)};
  wasm_extern_vec_t v1 = {3, bad1};
  wasm_trap_t* err = NULL;
  CHECK(wasm_instance_new(store, user, &v1, &err) == NULL);
  CHECK(strstr(wasmlift_error_message(), "incompatible import type") != NULL);
  if (err) wasm_trap_delete(err);
  wasm_extern_t* bad2[] = {wasm_func_as_extern(thrower), wasm_func_as_extern(thrower), wasmlift_tag_as_extern(h)};
  wasm_extern_vec_t v2 = {3, bad2};
  err = NULL;
  CHECK(wasm_instance_new(store, user, &v2, &err) == NULL);
  CHECK(strstr(wasmlift_error_message(), "incompatible import type") != NULL);
  if (err) wasm_trap_delete(err);
  wasm_extern_t* bad3[] = {NULL, wasm_func_as_extern(thrower), wasmlift_tag_as_extern(h)};
  wasm_extern_vec_t v3 = {3, bad3};
  err = NULL;
  CHECK(wasm_instance_new(store, user, &v3, &err) == NULL);
  CHECK_MSG(strstr(wasmlift_error_message(), "\"m\" \"e\" was not provided (expected tag(") != NULL &&
                strstr(wasmlift_error_message(), "wasmlift_tag_t") != NULL,
            "%s", wasmlift_error_message());
  if (err) wasm_trap_delete(err);

  wasmlift_tag_delete(h64);
  wasmlift_tagtype_delete(tt64);
  wasm_func_delete(throw_e);
  wasm_func_delete(throw_h);
  wasm_func_delete(catch_from_m);
  wasm_instance_delete(inst);
  wasm_module_delete(user);
  wasmlift_tag_delete(h);
  wasmlift_tagtype_delete(tt);
  wasmlift_tag_delete(e);
}

static void test_deep(Main* m) {
  wasm_func_t* depth_ok = export_func(m->module, m->instance, "depth_ok");
  wasm_func_t* deep_throw = export_func(m->module, m->instance, "deep_throw");
  wasm_func_t* deep_rethrow = export_func(m->module, m->instance, "deep_rethrow");
  // The deepest recursion that still returns (binary search between fits and overflows).
  int32_t lo = 0, hi = 1 << 22;
  while (lo + 1 < hi) {
    int32_t mid = lo + (hi - lo) / 2;
    wasm_trap_t* trap = NULL;
    call1(depth_ok, mid, &trap);
    if (trap == NULL) {
      lo = mid;
    } else {
      CHECK_TRAP_IS(trap, "call stack exhausted");
      wasm_trap_delete(trap);
      hi = mid;
    }
  }
  CHECK(lo > 1000);
  // Throwing at (almost) the deepest point: the unwinder runs on what is left of the stack.
  for (int32_t d = lo; d > lo - 64 && d > 0; d -= 7) {
    wasm_trap_t* trap = NULL;
    int32_t r = call1(deep_throw, d, &trap);
    if (trap) {
      // $dive's frames may be larger than $depth_ok's: then the stack ran out before the throw.
      CHECK_TRAP_IS(trap, "call stack exhausted");
      wasm_trap_delete(trap);
    } else {
      CHECK_EQ(r, 77);
    }
  }
  // A quarter of the depth $depth_ok reached used to be safe; with small recursive functions
  // inlined into themselves $depth_ok's frames shrink more than $dive's (whose inlined throws
  // each keep a payload slot), so an eighth.
  CHECK_EQ(CALL_I32(deep_throw, lo / 8), 77);
  // Caught and rethrown at every level.
  CHECK_EQ(CALL_I32(deep_rethrow, 2000), 88);
  wasm_trap_t* trap = NULL;
  int32_t r = call1(deep_rethrow, lo, &trap);
  if (trap) {
    CHECK_TRAP_IS(trap, "call stack exhausted");
    wasm_trap_delete(trap);
  } else {
    CHECK_EQ(r, 88);
  }
  wasm_func_delete(depth_ok);
  wasm_func_delete(deep_throw);
  wasm_func_delete(deep_rethrow);
}

// Objects of another store are refused: its tags (import, host exception), its exception traps
// returned by a host function (a plain trap then, not an exception anyone can catch).
static void test_other_store(wasm_engine_t* engine, Main* m) {
  wasm_store_t* other = wasm_store_new(engine);
  Main o = main_instance(other);
  wasmlift_tag_t* other_e = export_tag(&o, "e");
  wasm_val_t a = WASM_I32_VAL(1);
  wasm_val_vec_t av = {1, &a};
  CHECK(wasmlift_exception_trap_new(store, other_e, &av) == NULL);
  CHECK(strstr(wasmlift_error_message(), "another store") != NULL);

  wasm_module_t* user = module_from_wat(store, USER_WAT);
  wasmlift_tag_t* h = export_tag(m, "e");
  wasm_extern_t* imports[] = {wasmlift_tag_as_extern(other_e), wasm_func_as_extern(thrower), wasmlift_tag_as_extern(h)};
  wasm_extern_vec_t v = {3, imports};
  wasm_trap_t* err = NULL;
  CHECK(wasm_instance_new(store, user, &v, &err) == NULL);
  CHECK(strstr(wasmlift_error_message(), "another store") != NULL);
  if (err) wasm_trap_delete(err);

  // An exception trap of the other store, returned by this store's host function.
  wasm_func_t* other_thrower = export_func(o.module, o.instance, "thrower");
  wasm_trap_t* t = call(other_thrower, &a, 1, NULL, 0);
  REQUIRE(t != NULL);
  foreign_trap = t;
  host_mode = 3;
  wasm_func_t* catch_all = export_func(m->module, m->instance, "catch_all_host");
  wasm_trap_t* trap = NULL;
  call1(catch_all, 1, &trap);
  CHECK_TRAP_HAS(trap, "exception of another store");
  CHECK(trap != NULL && wasmlift_trap_exception_tag(trap) == NULL);
  if (trap) wasm_trap_delete(trap);
  // The trap of the other store can still be inspected through its own handle.
  CHECK_EQ(payload_i32(foreign_trap), 1);
  wasm_trap_delete(foreign_trap);
  foreign_trap = NULL;
  host_mode = 0;

  wasm_func_delete(catch_all);
  wasm_func_delete(other_thrower);
  wasm_module_delete(user);
  wasmlift_tag_delete(h);
  wasmlift_tag_delete(other_e);
  main_delete(&o);
  wasm_store_delete(other);
}

// ---- Threads: exceptions on one thread while another traps ----

typedef struct {
  wasm_engine_t* engine;
  long iterations;
  int mode;  // 0 throws and catches, 1 traps
  int failures;
} ThreadArgs;

static const char* THREAD_WAT =
    "(module (tag $e (param i32))"
    "  (func $inner (param i32) (throw $e (local.get 0)))"
    "  (func (export \"run\") (param i32) (result i32)"
    "    (block $h (result i32) (try_table (catch $e $h) (call $inner (local.get 0))) (i32.const -1)))"
    "  (func (export \"trap\") (param i32) (result i32) (unreachable)))";

static void* thread_main(void* p) {
  ThreadArgs* args = (ThreadArgs*)p;
  wasm_store_t* s = wasm_store_new(args->engine);
  wasm_module_t* mod = module_from_wat(s, THREAD_WAT);
  wasm_instance_t* inst = instantiate(s, mod, NULL, 0);
  wasm_func_t* f = export_func(mod, inst, args->mode == 0 ? "run" : "trap");
  for (long i = 0; i < args->iterations; i++) {
    wasm_val_t a = WASM_I32_VAL((int32_t)i);
    wasm_val_t r = WASM_INIT_VAL;
    wasm_trap_t* trap = call(f, &a, 1, &r, 1);
    if (args->mode == 0) {
      if (trap != NULL || r.of.i32 != (int32_t)i) args->failures++;
    } else {
      char* msg = trap ? trap_message(trap) : NULL;
      if (msg == NULL || strcmp(msg, "unreachable") != 0 || wasmlift_trap_exception_tag(trap) != NULL) args->failures++;
      free(msg);
    }
    if (trap) wasm_trap_delete(trap);
  }
  wasm_func_delete(f);
  wasm_instance_delete(inst);
  wasm_module_delete(mod);
  wasm_store_delete(s);
  return NULL;
}

static void test_threads(wasm_engine_t* engine, long iterations) {
  ThreadArgs args[4];
  pthread_t threads[4];
  for (int i = 0; i < 4; i++) {
    args[i] = (ThreadArgs){engine, iterations, i % 2, 0};
    REQUIRE(pthread_create(&threads[i], NULL, thread_main, &args[i]) == 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(threads[i], NULL);
    CHECK_EQ(args[i].failures, 0);
  }
}

// The exception (in a trap) outlives its tag's instance, module, tag handles and store handle.
static void test_outlives(wasm_engine_t* engine) {
  wasm_store_t* s = wasm_store_new(engine);
  Main m = main_instance(s);
  wasm_func_t* t = export_func(m.module, m.instance, "thrower");
  wasm_trap_t* trap = NULL;
  call1(t, 123, &trap);
  REQUIRE(trap != NULL);
  wasm_func_delete(t);
  main_delete(&m);
  wasm_store_delete(s);
  wasmlift_tag_t* tag = wasmlift_trap_exception_tag(trap);
  CHECK(tag != NULL);
  wasmlift_tagtype_t* ty = wasmlift_tag_type(tag);
  CHECK(ty != NULL && wasmlift_tagtype_params(ty)->size == 1);
  CHECK_EQ(payload_i32(trap), 123);
  CHECK_TRAP_IS(trap, "uncaught exception: tag \"e\"");
  wasm_trap_delete(trap);
  // The tag handle outlives the trap too.
  wasmlift_tagtype_delete(ty);
  ty = wasmlift_tag_type(tag);
  CHECK(ty != NULL);
  wasmlift_tagtype_delete(ty);
  wasmlift_tag_delete(tag);
}

static const char* EXNREF_WAT =
    "(module"
    "  (tag $e (export \"e\") (param i32))"
    "  (global (export \"g\") (mut exnref) (ref.null exn))"
    "  (table (export \"t\") 2 exnref)"
    "  (func (export \"catch_it\") (param i32) (result exnref)"
    "    (block $h (result exnref) (try_table (catch_all_ref $h) (throw $e (local.get 0))) (unreachable)))"
    "  (func (export \"rethrow\") (param exnref) (throw_ref (local.get 0)))"
    "  (func (export \"rethrow_global\") (throw_ref (global.get 0)))"
    "  (func (export \"rethrow_elem\") (param i32) (throw_ref (table.get (local.get 0))))"
    ")";

// exnref values leaving and entering wasm through wasm.h (shown as externref-kind handles):
// only exceptions of the same store that came out of wasm go back in. Anything else the host
// could pass (a foreign object, a function, another store's exception) is refused; compiled code
// reads through an exnref, so a forged one would be a wild pointer.
static void test_exnref_values(wasm_engine_t* engine) {
  wasm_module_t* mod = module_from_wat(store, EXNREF_WAT);
  wasm_instance_t* inst = instantiate(store, mod, NULL, 0);
  wasm_func_t* catch_it = export_func(mod, inst, "catch_it");
  wasm_func_t* rethrow = export_func(mod, inst, "rethrow");
  wasm_func_t* rethrow_global = export_func(mod, inst, "rethrow_global");
  wasm_func_t* rethrow_elem = export_func(mod, inst, "rethrow_elem");
  wasm_global_t* g = export_global(mod, inst, "g");
  wasm_table_t* t = export_table(mod, inst, "t");

  wasm_val_t a = WASM_I32_VAL(55);
  wasm_val_t exn = WASM_INIT_VAL;
  CHECK_NO_TRAP(call(catch_it, &a, 1, &exn, 1));
  CHECK(exn.kind == WASM_EXTERNREF && exn.of.ref != NULL);
  // Back into wasm as an argument: thrown again, same tag and payload.
  wasm_trap_t* trap = call(rethrow, &exn, 1, NULL, 0);
  CHECK_TRAP_IS(trap, "uncaught exception: tag \"e\"");
  CHECK_EQ(payload_i32(trap), 55);
  if (trap) wasm_trap_delete(trap);
  // Into a global and a table element.
  wasm_global_set(g, &exn);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  trap = wasm_func_call(rethrow_global, &none, &none);
  CHECK_TRAP_IS(trap, "uncaught exception: tag \"e\"");
  if (trap) wasm_trap_delete(trap);
  CHECK(wasm_table_set(t, 1, exn.of.ref));
  wasm_ref_t* back = wasm_table_get(t, 1);
  CHECK(back != NULL && wasm_ref_same(back, exn.of.ref));
  if (back) wasm_ref_delete(back);
  wasm_val_t one = WASM_I32_VAL(1);
  trap = call(rethrow_elem, &one, 1, NULL, 0);
  CHECK_TRAP_IS(trap, "uncaught exception: tag \"e\"");
  if (trap) wasm_trap_delete(trap);
  wasm_val_t zero = WASM_I32_VAL(0);
  trap = call(rethrow_elem, &zero, 1, NULL, 0);
  CHECK_TRAP_IS(trap, "null exception reference");
  if (trap) wasm_trap_delete(trap);

  // Forged exnrefs: a foreign object, a function, an exception of another store.
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_val_t forged = WASM_REF_VAL(wasm_foreign_as_ref(foreign));
  trap = call(rethrow, &forged, 1, NULL, 0);
  CHECK_TRAP_HAS(trap, "expected an exception reference");
  if (trap) wasm_trap_delete(trap);
  wasm_global_set(g, &forged);  // refused: the global keeps the exception
  trap = wasm_func_call(rethrow_global, &none, &none);
  CHECK_TRAP_IS(trap, "uncaught exception: tag \"e\"");
  if (trap) wasm_trap_delete(trap);
  CHECK(!wasm_table_set(t, 1, wasm_foreign_as_ref(foreign)));
  CHECK(!wasm_table_grow(t, 1, wasm_foreign_as_ref(foreign)));
  wasm_val_t fn = WASM_REF_VAL(wasm_func_as_ref(rethrow));
  trap = call(rethrow, &fn, 1, NULL, 0);
  CHECK_TRAP_HAS(trap, "expected an exception reference");
  if (trap) wasm_trap_delete(trap);

  wasm_store_t* other = wasm_store_new(engine);
  wasm_module_t* omod = module_from_wat(other, EXNREF_WAT);
  wasm_instance_t* oinst = instantiate(other, omod, NULL, 0);
  wasm_func_t* ocatch = export_func(omod, oinst, "catch_it");
  wasm_val_t oexn = WASM_INIT_VAL;
  CHECK_NO_TRAP(call(ocatch, &a, 1, &oexn, 1));
  trap = call(rethrow, &oexn, 1, NULL, 0);
  CHECK_TRAP_HAS(trap, "another store");
  if (trap) wasm_trap_delete(trap);
  wasm_val_delete(&oexn);
  wasm_func_delete(ocatch);
  wasm_instance_delete(oinst);
  wasm_module_delete(omod);
  wasm_store_delete(other);

  wasm_foreign_delete(foreign);
  wasm_val_delete(&exn);
  wasm_func_delete(catch_it);
  wasm_func_delete(rethrow);
  wasm_func_delete(rethrow_global);
  wasm_func_delete(rethrow_elem);
  wasm_global_delete(g);
  wasm_table_delete(t);
  wasm_instance_delete(inst);
  wasm_module_delete(mod);
}

// A memory64 memory's length lives in a register: a handler reached after the callee grew the
// memory and threw must see the new length (the store past the old end must not trap).
static void test_memory64_handler(void) {
  wasm_module_t* mod = module_from_wat(store,
      "(module (memory (export \"mem\") i64 1) (tag $g)"
      "  (func $grow_throw (drop (memory.grow (i64.const 1))) (throw $g))"
      "  (func (export \"grow_catch\") (result i32)"
      "    (i32.store (i64.const 100) (i32.const 1))"
      "    (block $h (try_table (catch $g $h) (call $grow_throw)))"
      "    (i32.store (i64.const 70000) (i32.const 5))"
      "    (i32.add (i32.load (i64.const 70000)) (i32.load (i64.const 100)))))");
  wasm_instance_t* inst = instantiate(store, mod, NULL, 0);
  wasm_func_t* f = export_func(mod, inst, "grow_catch");
  CHECK_EQ(CALL_I32_0(f), 6);
  wasm_func_delete(f);
  wasm_instance_delete(inst);
  wasm_module_delete(mod);
}

// A serialized and deserialized module keeps its exception handlers (they are part of the
// compiled code's metadata): same results as the original.
static void test_serialized(Main* m) {
  wasm_byte_vec_t bytes;
  wasm_module_serialize(m->module, &bytes);
  REQUIRE(bytes.size > 0);
  wasm_module_t* copy = wasm_module_deserialize(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  REQUIRE(copy != NULL);
  wasm_valkind_t i32 = WASM_I32;
  wasm_func_t* host = host_func(store, 1, &i32, 1, &i32, host_cb);
  wasm_extern_t* imports[] = {wasm_func_as_extern(host)};
  wasm_instance_t* inst = instantiate(store, copy, imports, 1);
  wasm_func_t* catch_local = export_func(copy, inst, "catch_local");
  wasm_func_t* catch_all = export_func(copy, inst, "catch_all_host");
  wasm_func_t* deep_rethrow = export_func(copy, inst, "deep_rethrow");
  CHECK_EQ(CALL_I32(catch_local, 1), 2);
  host_mode = 1;  // the original instance's `thrower`: another $e, caught by catch_all only
  CHECK_EQ(CALL_I32(catch_all, 4), -2);
  host_mode = 0;
  CHECK_EQ(CALL_I32(deep_rethrow, 100), 88);
  wasm_func_delete(catch_local);
  wasm_func_delete(catch_all);
  wasm_func_delete(deep_rethrow);
  wasm_instance_delete(inst);
  wasm_func_delete(host);
  wasm_module_delete(copy);
}

// With fuel and epoch checks: handlers reload both after a callee threw (fuel keeps being
// charged across the unwind), and running out of fuel is a trap no catch_all can catch.
static void test_metered(void) {
  wasm_config_t* config = wasm_config_new();
  wasmlift_config_consume_fuel(config, true);
  wasmlift_config_epoch_interruption(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  REQUIRE(engine != NULL);
  wasm_store_t* saved = store;
  wasm_func_t* saved_thrower = thrower;
  store = wasm_store_new(engine);
  wasmlift_store_set_epoch_deadline(store, 1000000);
  wasmlift_store_set_fuel(store, 10000000);
  Main m = main_instance(store);
  thrower = export_func(m.module, m.instance, "thrower");
  wasm_func_t* through = export_func(m.module, m.instance, "through_host");
  wasm_func_t* deep_rethrow = export_func(m.module, m.instance, "deep_rethrow");
  uint64_t before = wasmlift_store_get_fuel(store);
  host_mode = 1;
  CHECK_EQ(CALL_I32(through, 21), 1042);
  uint64_t after_one = wasmlift_store_get_fuel(store);
  CHECK(after_one < before);
  CHECK_EQ(CALL_I32(deep_rethrow, 500), 88);
  uint64_t after_deep = wasmlift_store_get_fuel(store);
  // Every level's handler and rethrow is charged: far more than the single-level call. Running
  // out of fuel below try_tables with catch_all_ref at every level is a trap nothing catches.
  CHECK(before - after_one < after_one - after_deep);
  wasmlift_store_set_fuel(store, 300);
  wasm_trap_t* trap = NULL;
  call1(deep_rethrow, 2000, &trap);
  CHECK_TRAP_IS(trap, "all fuel consumed");
  CHECK(trap != NULL && wasmlift_trap_exception_tag(trap) == NULL);
  if (trap) wasm_trap_delete(trap);
  host_mode = 0;
  wasm_func_delete(through);
  wasm_func_delete(deep_rethrow);
  wasm_func_delete(thrower);
  main_delete(&m);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  store = saved;
  thrower = saved_thrower;
}

int main(int argc, char** argv) {
  long iterations = test_iterations(argc, argv, 2000, 100);
  // Fuel and epochs off whatever the environment's defaults (test_metered turns them on).
  wasm_config_t* config = wasm_config_new();
  wasmlift_config_consume_fuel(config, false);
  wasmlift_config_epoch_interruption(config, false);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  store = wasm_store_new(engine);
  Main m = main_instance(store);
  thrower = export_func(m.module, m.instance, "thrower");
  host_uncaught = export_func(m.module, m.instance, "host_uncaught");

  test_uncaught_and_local(&m);
  test_host_frames(&m);
  test_import_export(&m);
  test_deep(&m);
  test_serialized(&m);
  test_memory64_handler();
  test_exnref_values(engine);
  test_other_store(engine, &m);
  test_threads(engine, iterations);
  test_outlives(engine);
  test_metered();

  wasmlift_tag_delete(host_made_tag);
  wasm_func_delete(thrower);
  wasm_func_delete(host_uncaught);
  main_delete(&m);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return test_report("exceptions_test");
}
