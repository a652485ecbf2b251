// Malformed and invalid binaries: wasm_module_new and wasm_module_validate fail cleanly (NULL /
// false) with a readable wasmlift_error_message() — wasmparser's message with the byte offset —
// for NULL arguments, empty input, bad magic/version, every truncation of a valid module,
// invalid code, random bytes, and sections declaring billions of entries (which must fail
// without an unbounded allocation).
#include "test_util.h"

#include <unistd.h>

static long resident_kib(void) {
  long pages = 0, resident = 0;
  FILE* f = fopen("/proc/self/statm", "r");
  if (!f) return 0;
  if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
  fclose(f);
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// Expects both entry points to reject `bytes`; `needle` (if any) must occur in the message.
static void expect_rejected(wasm_store_t* store, const char* what, const unsigned char* bytes, size_t len,
                            const char* needle) {
  wasm_byte_vec_t binary;
  if (len)
    wasm_byte_vec_new(&binary, len, (const wasm_byte_t*)bytes);
  else
    wasm_byte_vec_new_empty(&binary);
  CHECK_MSG(!wasm_module_validate(store, &binary), "%s: validated", what);
  char validate_message[512];
  snprintf(validate_message, sizeof validate_message, "%s", wasmlift_error_message());
  wasm_module_t* module = wasm_module_new(store, &binary);
  CHECK_MSG(module == NULL, "%s: wasm_module_new accepted it", what);
  if (module) wasm_module_delete(module);
  const char* message = wasmlift_error_message();
  CHECK_MSG(message && message[0], "%s: empty error message", what);
  CHECK_MSG(validate_message[0], "%s: wasm_module_validate left no message", what);
  if (needle) {
    CHECK_MSG(strstr(message, needle) != NULL, "%s: message \"%s\" lacks \"%s\"", what, message, needle);
  }
  wasm_byte_vec_delete(&binary);
}

// True when `len` ends one of the sections of the module at `bytes` (section id, LEB128 size).
static int is_section_boundary(const unsigned char* bytes, size_t size, size_t len) {
  size_t pos = 8;
  while (pos < size) {
    size_t p = pos + 1, payload = 0;
    int shift = 0;
    while (p < size) {
      unsigned char b = bytes[p++];
      payload |= (size_t)(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    pos = p + payload;
    if (pos == len) return 1;
  }
  return 0;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  // NULL arguments.
  wasm_byte_vec_t empty = WASM_EMPTY_VEC;
  CHECK(wasm_module_new(NULL, &empty) == NULL);
  CHECK(wasm_module_new(store, NULL) == NULL);
  CHECK(!wasm_module_validate(NULL, &empty));
  CHECK(!wasm_module_validate(store, NULL));
  CHECK(wasmlift_error_message()[0] != 0);

  expect_rejected(store, "empty", NULL, 0, "offset");
  static const unsigned char bad_magic[] = {0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00};
  expect_rejected(store, "bad magic", bad_magic, sizeof bad_magic, "magic");
  static const unsigned char bad_version[] = {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00};
  expect_rejected(store, "bad version", bad_version, sizeof bad_version, "version");

  // Every proper prefix of a valid module that cuts a section is rejected (a prefix ending at a
  // section boundary is itself a module, valid or not, and both entry points must agree on it);
  // the whole one compiles.
  wasm_byte_vec_t valid;
  wat_to_wasm("(module (memory 1) (global (mut i32) (i32.const 7))"
              " (func (export \"f\") (param i32) (result i32) (i32.add (local.get 0) (global.get 0)))"
              " (data (i32.const 0) \"abc\"))",
              &valid);
  const unsigned char* v = (const unsigned char*)valid.data;
  int boundaries = 0;
  for (size_t len = 9; len < valid.size; len++) {
    if (is_section_boundary(v, valid.size, len)) {
      wasm_byte_vec_t prefix;
      wasm_byte_vec_new(&prefix, len, valid.data);
      bool ok = wasm_module_validate(store, &prefix);
      wasm_module_t* m = wasm_module_new(store, &prefix);
      CHECK_MSG(ok == (m != NULL), "prefix of %zu bytes: validate and new disagree", len);
      if (m) wasm_module_delete(m);
      wasm_byte_vec_delete(&prefix);
      boundaries++;
      continue;
    }
    char what[64];
    snprintf(what, sizeof what, "prefix of %zu bytes", len);
    expect_rejected(store, what, v, len, "offset");
  }
  CHECK(boundaries >= 4);
  wasm_module_t* whole = wasm_module_new(store, &valid);
  CHECK(whole != NULL);
  if (whole) wasm_module_delete(whole);

  // Invalid code: the message names the problem and where it is.
  static const unsigned char type_mismatch[] = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // header
      0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,        // type: () -> i32
      0x03, 0x02, 0x01, 0x00,                          // one function of type 0
      0x0a, 0x06, 0x01, 0x04, 0x00, 0x42, 0x00, 0x0b,  // body: i64.const 0 (wrong type)
  };
  expect_rejected(store, "type mismatch", type_mismatch, sizeof type_mismatch, "type mismatch");
  expect_rejected(store, "type mismatch offset", type_mismatch, sizeof type_mismatch, "0x");

  // Random bytes after a valid header.
  unsigned char random_bytes[512];
  unsigned int seed = 12345;
  for (int round = 0; round < 50; round++) {
    memcpy(random_bytes, "\0asm\1\0\0\0", 8);
    for (size_t i = 8; i < sizeof random_bytes; i++) {
      seed = seed * 1103515245u + 12345u;
      random_bytes[i] = (unsigned char)(seed >> 16);
    }
    expect_rejected(store, "random bytes", random_bytes, sizeof random_bytes, NULL);
  }

  // Sections declaring billions of entries with nothing behind them: rejected quickly and
  // without reserving memory for the declared count.
  long before = resident_kib();
  static const unsigned char many_functions[] = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00,              // type: () -> ()
      0x03, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f,        // function section: 4294967295 functions
  };
  expect_rejected(store, "billions of functions", many_functions, sizeof many_functions, NULL);
  static const unsigned char many_types[] = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x01, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f,        // type section: 4294967295 types
  };
  expect_rejected(store, "billions of types", many_types, sizeof many_types, NULL);
  static const unsigned char huge_memory[] = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x05, 0x06, 0x01, 0x00, 0xff, 0xff, 0xff, 0x0f,  // memory of 2^32-1 pages (over 4 GiB)
  };
  expect_rejected(store, "memory over 4 GiB", huge_memory, sizeof huge_memory, NULL);
  long after = resident_kib();
  CHECK_MSG(after - before < 64 * 1024, "resident size grew by %ld KiB on huge declarations", after - before);

  wasm_byte_vec_delete(&valid);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return test_report("bad_binary_test");
}
