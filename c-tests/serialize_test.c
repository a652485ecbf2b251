// Serialized modules, in the style of the upstream wasm-c-api serialize.c example: serialize →
// deserialize → instantiate → call gives the same results as the original (including traps and
// their frames, memory/table/global initialisation, host imports); serialization is stable
// (re-serializing a deserialized module gives the same bytes); deserializing in another store
// or another engine with the same configuration works, with a different configuration does not;
// corrupted, truncated, random, wrong-magic, empty and over-long inputs give NULL and a fresh,
// non-empty wasmlift_error_message().
#include "test_util.h"

static const char* MODULE_WAT =
    "(module"
    "  (import \"\" \"callback\" (func $callback (param i32) (result i32)))"
    "  (memory (export \"mem\") 1 2)"
    "  (data (i32.const 32) \"serialized\")"
    "  (global $g (export \"g\") (mut i64) (i64.const 5))"
    "  (table 3 funcref)"
    "  (type $ii (func (param i32) (result i32)))"
    "  (elem (i32.const 0) func $sq $callback)"
    "  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))"
    "  (func (export \"run\") (param i32) (result i32)"
    "    (global.set $g (i64.add (global.get $g) (i64.extend_i32_s (local.get 0))))"
    "    (i32.add (call_indirect (type $ii) (local.get 0) (i32.const 0))"
    "             (call_indirect (type $ii) (local.get 0) (i32.const 1))))"
    "  (func (export \"load\") (param i32) (result i32) (i32.load8_u (local.get 0)))"
    "  (func $fib (export \"fib\") (param i64) (result i64)"
    "    (if (result i64) (i64.lt_u (local.get 0) (i64.const 2)) (then (local.get 0))"
    "      (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1)))"
    "                     (call $fib (i64.sub (local.get 0) (i64.const 2)))))))"
    "  (func (export \"trap\") (param i32) (result i32)"
    "    (call_indirect (type $ii) (local.get 0) (local.get 0))))";

static int callback_calls = 0;

static wasm_trap_t* callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  callback_calls++;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + 1000;
  return NULL;
}

typedef struct {
  int32_t run[4];
  int64_t g;
  int32_t load;
  int64_t fib;
  char trap_msg[64];
  uint32_t trap_func;
  size_t trap_module_offset;
} results_t;

// Instantiates `module` and records what its functions do.
static void exercise(wasm_store_t* store, const wasm_module_t* module, results_t* out) {
  memset(out, 0, sizeof *out);
  wasm_valkind_t i[] = {WASM_I32};
  wasm_func_t* cb = host_func(store, 1, i, 1, i, callback);
  wasm_extern_t* imports[] = {wasm_func_as_extern(cb)};
  wasm_instance_t* inst = instantiate(store, module, imports, 1);
  wasm_func_t* run = export_func(module, inst, "run");
  wasm_func_t* load = export_func(module, inst, "load");
  wasm_func_t* fib = export_func(module, inst, "fib");
  wasm_func_t* trap = export_func(module, inst, "trap");
  wasm_global_t* g = export_global(module, inst, "g");
  int32_t inputs[4] = {0, 3, -7, 100};
  for (int k = 0; k < 4; k++) out->run[k] = CALL_I32(run, inputs[k]);
  wasm_val_t v;
  wasm_global_get(g, &v);
  out->g = v.of.i64;
  out->load = CALL_I32(load, 36);  // 'a' of "serialized"
  wasm_val_t a[1] = {WASM_I64_VAL(20)}, r[1] = {WASM_INIT_VAL};
  CHECK_NO_TRAP(call(fib, a, 1, r, 1));
  out->fib = r[0].of.i64;
  wasm_val_t ta[1] = {WASM_I32_VAL(2)};  // null entry
  wasm_trap_t* t = call(trap, ta, 1, r, 1);
  CHECK(t != NULL);
  if (t) {
    char* msg = trap_message(t);
    snprintf(out->trap_msg, sizeof out->trap_msg, "%s", msg);
    free(msg);
    wasm_frame_t* f = wasm_trap_origin(t);
    CHECK(f != NULL);
    if (f) {
      out->trap_func = wasm_frame_func_index(f);
      out->trap_module_offset = wasm_frame_module_offset(f);
      wasm_frame_delete(f);
    }
    wasm_trap_delete(t);
  }
  wasm_global_delete(g);
  wasm_func_delete(run);
  wasm_func_delete(load);
  wasm_func_delete(fib);
  wasm_func_delete(trap);
  wasm_instance_delete(inst);
  wasm_func_delete(cb);
}

static void check_same(const results_t* a, const results_t* b, const char* what) {
  for (int k = 0; k < 4; k++) CHECK_MSG(a->run[k] == b->run[k], "%s: run %d gives %d, expected %d", what, k, b->run[k], a->run[k]);
  CHECK_MSG(a->g == b->g, "%s: global %lld, expected %lld", what, (long long)b->g, (long long)a->g);
  CHECK_MSG(a->load == b->load, "%s: load %d, expected %d", what, b->load, a->load);
  CHECK_MSG(a->fib == b->fib, "%s: fib %lld, expected %lld", what, (long long)b->fib, (long long)a->fib);
  CHECK_MSG(strcmp(a->trap_msg, b->trap_msg) == 0, "%s: trap \"%s\", expected \"%s\"", what, b->trap_msg, a->trap_msg);
  CHECK_MSG(a->trap_func == b->trap_func && a->trap_module_offset == b->trap_module_offset,
            "%s: trap at function %u offset 0x%zx, expected %u 0x%zx", what, b->trap_func, b->trap_module_offset,
            a->trap_func, a->trap_module_offset);
}

static int same_bytes(const wasm_byte_vec_t* a, const wasm_byte_vec_t* b) {
  return a->size == b->size && (a->size == 0 || memcmp(a->data, b->data, a->size) == 0);
}

// Deserializing `size` bytes at `data` must fail with a message set by this very call.
static void expect_rejected_(const char* file, int line, wasm_store_t* store, const char* data, size_t size,
                             const char* what) {
  // Leave a known message behind first, so that a stale one is not mistaken for this failure's.
  wasm_byte_vec_t dummy;
  CHECK(!wasmlift_wat2wasm("(", 1, &dummy));
  char before[256];
  snprintf(before, sizeof before, "%s", wasmlift_error_message());
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, size, data);
  wasm_module_t* m = wasm_module_deserialize(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  __atomic_fetch_add(&test_checks_, 1, __ATOMIC_RELAXED);
  if (m != NULL) {
    test_fail_(file, line, "%s: deserialization succeeded", what);
    wasm_module_delete(m);
    return;
  }
  const char* msg = wasmlift_error_message();
  if (msg == NULL || msg[0] == '\0' || strcmp(msg, before) == 0)
    test_fail_(file, line, "%s: no error message for the failure (\"%s\")", what, msg ? msg : "(null)");
}
#define EXPECT_REJECTED(store, data, size, what) expect_rejected_(__FILE__, __LINE__, (store), (data), (size), (what))

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  REQUIRE(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store, MODULE_WAT);

  results_t original, restored;
  exercise(store, module, &original);
  CHECK_EQ(original.run[1], 9 + 1003);
  CHECK_EQ(original.fib, 6765);
  CHECK_EQ(original.load, 'a');
  CHECK(strcmp(original.trap_msg, "uninitialized element") == 0);

  // Serialize, deserialize, run.
  wasm_byte_vec_t serialized;
  wasm_module_serialize(module, &serialized);
  REQUIRE(serialized.size > 0);
  wasm_module_t* deserialized = wasm_module_deserialize(store, &serialized);
  REQUIRE(deserialized != NULL);
  exercise(store, deserialized, &restored);
  check_same(&original, &restored, "deserialized");

  // The deserialized module reflects the same imports and exports.
  wasm_exporttype_vec_t e1, e2;
  wasm_module_exports(module, &e1);
  wasm_module_exports(deserialized, &e2);
  CHECK_EQ(e1.size, e2.size);
  for (size_t k = 0; k < e1.size && k < e2.size; k++) {
    const wasm_name_t* n1 = wasm_exporttype_name(e1.data[k]);
    const wasm_name_t* n2 = wasm_exporttype_name(e2.data[k]);
    CHECK(n1->size == n2->size && memcmp(n1->data, n2->data, n1->size) == 0);
    CHECK_EQ(wasm_externtype_kind(wasm_exporttype_type(e1.data[k])), wasm_externtype_kind(wasm_exporttype_type(e2.data[k])));
  }
  wasm_exporttype_vec_delete(&e1);
  wasm_exporttype_vec_delete(&e2);
  wasm_importtype_vec_t i2;
  wasm_module_imports(deserialized, &i2);
  CHECK_EQ(i2.size, 1);
  wasm_importtype_vec_delete(&i2);

  // Stable: serializing again, and serializing the deserialized module, give the same bytes.
  wasm_byte_vec_t again, reserialized;
  wasm_module_serialize(module, &again);
  wasm_module_serialize(deserialized, &reserialized);
  CHECK(same_bytes(&serialized, &again));
  CHECK(same_bytes(&serialized, &reserialized));
  wasm_byte_vec_delete(&again);
  wasm_byte_vec_delete(&reserialized);

  // Another store of the same engine, after the original module and store are gone.
  wasm_module_delete(module);
  wasm_module_delete(deserialized);
  wasm_store_delete(store);
  store = wasm_store_new(engine);
  deserialized = wasm_module_deserialize(store, &serialized);
  REQUIRE(deserialized != NULL);
  exercise(store, deserialized, &restored);
  check_same(&original, &restored, "other store");
  // Shared across stores after deserialization.
  wasm_shared_module_t* shared = wasm_module_share(deserialized);
  wasm_store_t* store2 = wasm_store_new(engine);
  wasm_module_t* obtained = wasm_module_obtain(store2, shared);
  REQUIRE(obtained != NULL);
  exercise(store2, obtained, &restored);
  check_same(&original, &restored, "obtained");
  wasm_module_delete(obtained);
  wasm_shared_module_delete(shared);
  wasm_store_delete(store2);
  wasm_module_delete(deserialized);

  // Another engine with its own (random) serialization key refuses it: the bytes are native
  // code, accepted only when authenticated with the loading engine's key.
  {
    wasm_engine_t* e2 = wasm_engine_new();
    wasm_store_t* s2 = wasm_store_new(e2);
    EXPECT_REJECTED(s2, serialized.data, serialized.size, "module of an engine with another key");
    wasm_store_delete(s2);
    wasm_engine_delete(e2);
  }
  // Two engines given the same key (an on-disk cache shared between processes) accept each
  // other's modules; a key shorter than 16 bytes is refused.
  {
    static const uint8_t key[32] = "wasmlift serialize_test key 123";
    wasm_engine_t* ek[2];
    wasm_byte_vec_t kbytes;
    for (int k = 0; k < 2; k++) {
      wasm_config_t* config = wasm_config_new();
      CHECK(!wasmlift_config_serialize_key(config, key, 8));
      CHECK(!wasmlift_config_serialize_key(config, NULL, 32));
      CHECK(wasmlift_config_serialize_key(config, key, sizeof key));
      ek[k] = wasm_engine_new_with_config(config);
      REQUIRE(ek[k] != NULL);
    }
    wasm_store_t* s0 = wasm_store_new(ek[0]);
    wasm_module_t* m0 = module_from_wat(s0, MODULE_WAT);
    wasm_module_serialize(m0, &kbytes);
    REQUIRE(kbytes.size > 0);
    wasm_store_t* s1 = wasm_store_new(ek[1]);
    wasm_module_t* m2 = wasm_module_deserialize(s1, &kbytes);
    CHECK_MSG(m2 != NULL, "same key refused: %s", wasmlift_error_message());
    if (m2) {
      exercise(s1, m2, &restored);
      check_same(&original, &restored, "other engine, same key");
      wasm_module_delete(m2);
    }
    // ... and an engine with the default random key still refuses it.
    EXPECT_REJECTED(store, kbytes.data, kbytes.size, "module of a keyed engine in a random-key engine");
    wasm_byte_vec_delete(&kbytes);
    wasm_module_delete(m0);
    wasm_store_delete(s0);
    wasm_store_delete(s1);
    wasm_engine_delete(ek[0]);
    wasm_engine_delete(ek[1]);
  }
  // Engines that differ in bounds checking (guard pages or explicit checks: different machine
  // code) refuse each other's modules, and accept their own. Both modes are set explicitly:
  // the default may come from WASMLIFT_EXPLICIT_BOUNDS_CHECKS.
  {
    wasm_engine_t* engines[2];
    wasm_store_t* stores[2];
    wasm_byte_vec_t bytes[2];
    for (int k = 0; k < 2; k++) {
      wasm_config_t* config = wasm_config_new();
      wasmlift_config_explicit_bounds_checks(config, k == 1);
      // The same key: what refuses the other mode's code is the configuration check.
      static const uint8_t shared_key[16] = "bounds-mode key";
      REQUIRE(wasmlift_config_serialize_key(config, shared_key, sizeof shared_key));
      engines[k] = wasm_engine_new_with_config(config);
      REQUIRE(engines[k] != NULL);
      stores[k] = wasm_store_new(engines[k]);
      wasm_module_t* m = module_from_wat(stores[k], MODULE_WAT);
      wasm_module_serialize(m, &bytes[k]);
      wasm_module_delete(m);
      REQUIRE(bytes[k].size > 0);
    }
    EXPECT_REJECTED(stores[1], bytes[0].data, bytes[0].size, "guard-page module in an explicit-checks engine");
    EXPECT_REJECTED(stores[0], bytes[1].data, bytes[1].size, "explicit-checks module in a guard-page engine");
    for (int k = 0; k < 2; k++) {
      wasm_module_t* own = wasm_module_deserialize(stores[k], &bytes[k]);
      CHECK_MSG(own != NULL, "engine %d refused its own serialized module: %s", k, wasmlift_error_message());
      if (own) {
        exercise(stores[k], own, &restored);
        check_same(&original, &restored, k ? "explicit checks" : "guard pages");
        wasm_module_delete(own);
      }
      wasm_byte_vec_delete(&bytes[k]);
      wasm_store_delete(stores[k]);
      wasm_engine_delete(engines[k]);
    }
  }

  // Bad inputs.
  char* buf = (char*)malloc(serialized.size + 64);
  REQUIRE(buf != NULL);
  // Corrupted: one byte flipped, at many positions (header, fingerprint, checksum, payload).
  size_t step = serialized.size / 200 + 1;
  int corrupt_cases = 0;
  for (size_t pos = 0; pos < serialized.size; pos += (pos < 64 ? 1 : step)) {
    memcpy(buf, serialized.data, serialized.size);
    buf[pos] ^= 0x5a;
    char what[64];
    snprintf(what, sizeof what, "byte %zu of %zu flipped", pos, serialized.size);
    EXPECT_REJECTED(store, buf, serialized.size, what);
    corrupt_cases++;
  }
  // Truncated.
  size_t cuts[] = {1, 4, 8, 11, 12, 16, 40, serialized.size / 2, serialized.size - 8, serialized.size - 1};
  for (size_t k = 0; k < sizeof cuts / sizeof *cuts; k++) {
    char what[64];
    snprintf(what, sizeof what, "truncated to %zu of %zu bytes", cuts[k], serialized.size);
    EXPECT_REJECTED(store, serialized.data, cuts[k], what);
  }
  // Over-long: trailing bytes.
  memcpy(buf, serialized.data, serialized.size);
  memset(buf + serialized.size, 0, 64);
  EXPECT_REJECTED(store, buf, serialized.size + 1, "one trailing byte");
  EXPECT_REJECTED(store, buf, serialized.size + 64, "64 trailing bytes");
  // Empty.
  EXPECT_REJECTED(store, "", 0, "empty");
  // Random bytes, of various sizes, some starting with the right magic.
  for (int k = 0; k < 100; k++) {
    size_t size = (size_t)(rng() % (serialized.size + 64));
    for (size_t j = 0; j < size; j++) buf[j] = (char)rng();
    if (k % 2 == 1 && size >= 8) memcpy(buf, serialized.data, 8);          // right magic
    if (k % 4 == 3 && size >= 12) memcpy(buf, serialized.data, 12);        // ... and version
    char what[64];
    snprintf(what, sizeof what, "random bytes #%d (%zu bytes)", k, size);
    EXPECT_REJECTED(store, buf, size, what);
  }
  // Wrong magic: a wasm binary, and the serialized module with its magic changed.
  {
    wasm_byte_vec_t wasm;
    wat_to_wasm(MODULE_WAT, &wasm);
    EXPECT_REJECTED(store, wasm.data, wasm.size, "a wasm binary");
    // ... and the other way round: serialized bytes are not a wasm binary.
    CHECK(!wasm_module_validate(store, &serialized));
    CHECK(wasm_module_new(store, &serialized) == NULL);
    wasm_byte_vec_delete(&wasm);
    memcpy(buf, serialized.data, serialized.size);
    memcpy(buf, "NOTAMOD!", 8);
    EXPECT_REJECTED(store, buf, serialized.size, "wrong magic");
  }
  free(buf);
  printf("serialize_test: %zu serialized bytes, %d corruptions tried\n", serialized.size, corrupt_cases);

  // After all the rejections, the good bytes still load.
  deserialized = wasm_module_deserialize(store, &serialized);
  CHECK(deserialized != NULL);
  if (deserialized) {
    exercise(store, deserialized, &restored);
    check_same(&original, &restored, "after rejections");
    wasm_module_delete(deserialized);
  }
  wasm_byte_vec_delete(&serialized);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return test_report("serialize_test");
}
