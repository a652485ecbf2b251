/* The WASI embedding API from C: stdio captured in memory or written to files, proc_exit's
 * status read from the trap (which unwinds through wasm frames and leaves the store usable),
 * imports the WASI context does not know left to the embedder with link errors naming them,
 * memory binding, a deleted context, fuel / epoch interruption / store limits with WASI
 * calls, and preopened sockets. Usage: embed_test HELLO_GUEST.wasm SOCK_GUEST.wasm */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include "test_util.h"

static wasm_module_t *module_from_file(wasm_store_t *store, const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(1);
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new_uninitialized(&bytes, (size_t)size);
  if (fread(bytes.data, 1, (size_t)size, f) != (size_t)size) exit(1);
  fclose(f);
  wasm_module_t *m = wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  if (!m) {
    fprintf(stderr, "cannot compile %s: %s\n", path, wasmlift_error_message());
    exit(1);
  }
  return m;
}

/* The export `name` as a function (owned by `exports`). */
static wasm_func_t *guest_func(const wasm_module_t *module, const wasm_extern_vec_t *exports, const char *name) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_func_t *found = NULL;
  for (size_t i = 0; i < types.size; i++) {
    const wasm_name_t *n = wasm_exporttype_name(types.data[i]);
    if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0) found = wasm_extern_as_func(exports->data[i]);
  }
  wasm_exporttype_vec_delete(&types);
  REQUIRE(found != NULL);
  return found;
}

/* A guest instantiated with WASI imports, and the pieces to delete afterwards. */
typedef struct {
  wasm_store_t *store;
  wasm_module_t *module;
  wasmlift_wasi_t *wasi;
  wasm_instance_t *instance;
  wasm_extern_vec_t exports;
} guest_t;

static void guest_start(guest_t *g, wasm_engine_t *engine, wasm_module_t *(*load)(wasm_store_t *, const char *), const char *src,
                        wasmlift_wasi_config_t *cfg) {
  g->store = wasm_store_new(engine);
  g->module = load(g->store, src);
  g->wasi = wasmlift_wasi_new(cfg);
  REQUIRE(g->wasi != NULL);
  wasm_extern_vec_t imports;
  REQUIRE(wasmlift_wasi_define_imports(g->wasi, g->store, g->module, &imports));
  wasm_trap_t *trap = NULL;
  g->instance = wasm_instance_new(g->store, g->module, &imports, &trap);
  wasm_extern_vec_delete(&imports);
  CHECK_NO_TRAP(trap);
  REQUIRE(g->instance != NULL);
  wasm_instance_exports(g->instance, &g->exports);
}

static void guest_end(guest_t *g) {
  wasm_extern_vec_delete(&g->exports);
  wasm_instance_delete(g->instance);
  wasmlift_wasi_delete(g->wasi);
  wasm_module_delete(g->module);
  wasm_store_delete(g->store);
}

static int output_is(const wasmlift_wasi_t *wasi, int fd, const char *expected) {
  wasm_byte_vec_t out;
  if (!wasmlift_wasi_output(wasi, fd, &out)) return 0;
  int ok = out.size == strlen(expected) && memcmp(out.data, expected, out.size) == 0;
  if (!ok) fprintf(stderr, "fd %d captured \"%.*s\", expected \"%s\"\n", fd, (int)out.size, out.data, expected);
  wasm_byte_vec_delete(&out);
  return ok;
}

static void captured_stdio_and_exit_status(wasm_engine_t *engine, const char *hello) {
  wasmlift_wasi_config_t *cfg = wasmlift_wasi_config_new();
  CHECK(wasmlift_wasi_config_push_arg(cfg, "hello"));
  CHECK(wasmlift_wasi_config_push_arg(cfg, "a"));
  CHECK(wasmlift_wasi_config_push_arg(cfg, "b"));
  CHECK(wasmlift_wasi_config_stdin_bytes(cfg, (const uint8_t *)"shout\n", 6));
  CHECK(wasmlift_wasi_config_output_buffer(cfg, 1, 1 << 20));
  CHECK(wasmlift_wasi_config_output_buffer(cfg, 2, 1 << 20));
  CHECK(!wasmlift_wasi_config_output_buffer(cfg, 0, 10));
  CHECK(!wasmlift_wasi_config_push_env(cfg, "A=B", "c"));
  CHECK(!wasmlift_wasi_config_push_env(cfg, "", "c"));
  CHECK(!wasmlift_wasi_config_preopen_dir(cfg, "/nonexistent/wasmlift", "/x", true));
  CHECK(strstr(wasmlift_error_message(), "/nonexistent/wasmlift") != NULL);
  guest_t g;
  guest_start(&g, engine, module_from_file, hello, cfg);
  wasmlift_wasi_config_delete(cfg); /* the context keeps its own copy */
  CHECK(wasmlift_wasi_bind_instance(g.wasi, g.instance));
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t *trap = wasm_func_call(guest_func(g.module, &g.exports, "_start"), &none, &none);
  REQUIRE(trap != NULL);
  int code = -1;
  CHECK(wasmlift_trap_exit_code(trap, &code));
  CHECK_EQ(code, 3);
  wasm_frame_vec_t frames;
  wasm_trap_trace(trap, &frames);
  CHECK(frames.size >= 2); /* unwound from inside exit(), through main, out of _start */
  wasm_frame_vec_delete(&frames);
  wasm_trap_delete(trap);
  CHECK(output_is(g.wasi, 1, "hello from hello\nSHOUT\n"));
  CHECK(output_is(g.wasi, 2, "to stderr\n"));
  wasm_byte_vec_t out;
  CHECK(!wasmlift_wasi_output(g.wasi, 0, &out));
  CHECK(out.size == 0);
  guest_end(&g);
}

static const char *exit_wat =
  "(module"
  "  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $exit (param i32)))"
  "  (memory (export \"memory\") 1)"
  "  (func $inner (param i32) local.get 0 call $exit unreachable)"
  "  (func $mid (param i32) local.get 0 call $inner)"
  "  (func (export \"run\") (param i32) local.get 0 call $mid)"
  "  (func (export \"five\") (result i32) i32.const 5)"
  "  (func (export \"boom\") unreachable))";

static void exit_unwinds(wasm_engine_t *engine) {
  wasmlift_wasi_config_t *cfg = wasmlift_wasi_config_new();
  guest_t g;
  guest_start(&g, engine, module_from_wat, exit_wat, cfg);
  wasmlift_wasi_config_delete(cfg);
  CHECK(wasmlift_wasi_bind_instance(g.wasi, g.instance));
  wasm_val_t arg = WASM_I32_VAL(7), res = WASM_I32_VAL(0);
  wasm_val_vec_t args = {1, &arg}, results = {1, &res}, none = WASM_EMPTY_VEC;
  wasm_trap_t *trap = wasm_func_call(guest_func(g.module, &g.exports, "run"), &args, &none);
  int code = -1;
  CHECK(trap != NULL && wasmlift_trap_exit_code(trap, &code) && code == 7);
  CHECK_TRAP_HAS(trap, "exit status 7");
  wasm_frame_vec_t frames;
  wasm_trap_trace(trap, &frames);
  CHECK_EQ(frames.size, (size_t)3); /* $inner, $mid, run: the `unreachable` after the call never ran */
  wasm_frame_vec_delete(&frames);
  wasm_trap_delete(trap);
  /* The store is fine afterwards. */
  CHECK_NO_TRAP(wasm_func_call(guest_func(g.module, &g.exports, "five"), &none, &results));
  CHECK_EQ(res.of.i32, 5);
  arg.of.i32 = -1;
  trap = wasm_func_call(guest_func(g.module, &g.exports, "run"), &args, &none);
  CHECK(trap != NULL && wasmlift_trap_exit_code(trap, &code) && code == -1);
  wasm_trap_delete(trap);
  /* Other traps, including a forged message, are not exits. */
  trap = wasm_func_call(guest_func(g.module, &g.exports, "boom"), &none, &none);
  code = 1234;
  CHECK(trap != NULL && !wasmlift_trap_exit_code(trap, &code) && code == 1234);
  wasm_trap_delete(trap);
  wasm_trap_t *forged = make_trap(g.store, "wasi: exit status 7");
  CHECK(!wasmlift_trap_exit_code(forged, &code));
  wasm_trap_delete(forged);
  CHECK(!wasmlift_trap_exit_code(NULL, &code));
  guest_end(&g);
}

static wasm_trap_t *host_log(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
  (void)args;
  (void)results;
  return NULL;
}

static void link_errors(wasm_engine_t *engine) {
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *m = module_from_wat(store,
    "(module"
    "  (import \"wasi_snapshot_preview1\" \"fd_write\" (func (param i32 i32 i32 i32) (result i32)))"
    "  (import \"env\" \"host_log\" (func (param i32)))"
    "  (import \"wasi_snapshot_preview1\" \"no_such_function\" (func))"
    "  (import \"wasi_snapshot_preview1\" \"random_get\" (global i32))"
    "  (memory (export \"memory\") 1))");
  wasmlift_wasi_config_t *cfg = wasmlift_wasi_config_new();
  wasmlift_wasi_t *wasi = wasmlift_wasi_new(cfg);
  wasmlift_wasi_config_delete(cfg);
  wasm_extern_vec_t imports;
  REQUIRE(wasmlift_wasi_define_imports(wasi, store, m, &imports));
  REQUIRE(imports.size == 4);
  CHECK(imports.data[0] != NULL && wasm_extern_kind(imports.data[0]) == WASM_EXTERN_FUNC);
  CHECK(imports.data[1] == NULL && imports.data[2] == NULL && imports.data[3] == NULL);
  wasm_trap_t *trap = NULL;
  CHECK(wasm_instance_new(store, m, &imports, &trap) == NULL);
  CHECK_TRAP_HAS(trap, "\"env\" \"host_log\"");
  wasm_trap_delete(trap);
  /* The embedder supplies its own import; the vector owns it from here on. */
  wasm_valtype_t *p = wasm_valtype_new(WASM_I32);
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, 1, &p);
  wasm_valtype_vec_new_empty(&results);
  wasm_functype_t *ty = wasm_functype_new(&params, &results);
  imports.data[1] = wasm_func_as_extern(wasm_func_new(store, ty, host_log));
  wasm_functype_delete(ty);
  trap = NULL;
  CHECK(wasm_instance_new(store, m, &imports, &trap) == NULL);
  CHECK_TRAP_HAS(trap, "\"wasi_snapshot_preview1\" \"no_such_function\"");
  wasm_trap_delete(trap);
  wasm_extern_vec_delete(&imports);
  wasm_module_delete(m);

  /* A WASI name imported with the wrong signature is refused by type. */
  m = module_from_wat(store, "(module (import \"wasi_snapshot_preview1\" \"fd_write\" (func (param i32) (result i32))))");
  REQUIRE(wasmlift_wasi_define_imports(wasi, store, m, &imports));
  trap = NULL;
  CHECK(wasm_instance_new(store, m, &imports, &trap) == NULL);
  CHECK_TRAP_HAS(trap, "incompatible import type");
  CHECK_TRAP_HAS(trap, "fd_write");
  wasm_trap_delete(trap);
  wasm_extern_vec_delete(&imports);
  wasm_module_delete(m);
  CHECK(!wasmlift_wasi_define_imports(NULL, store, m, &imports) && imports.size == 0);
  wasmlift_wasi_delete(wasi);
  wasm_store_delete(store);
}

static const char *write_wat =
  "(module"
  "  (import \"wasi_snapshot_preview1\" \"fd_write\" (func $fd_write (param i32 i32 i32 i32) (result i32)))"
  "  (import \"wasi_snapshot_preview1\" \"sched_yield\" (func $yield (result i32)))"
  "  (memory (export \"memory\") 1)"
  "  (data (i32.const 0) \"\\10\\00\\00\\00\\0b\\00\\00\\00\")"
  "  (data (i32.const 16) \"hello world\")"
  "  (func (export \"w\") (result i32) (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 32)))"
  "  (func (export \"nw\") (result i32) (i32.load (i32.const 32)))"
  "  (func (export \"grow\") (result i32) (memory.grow (i32.const 4)))"
  "  (func (export \"spin\") (loop (drop (call $yield)) (br 0))))";

static int32_t call_i32(guest_t *g, const char *name) {
  wasm_val_t res = WASM_I32_VAL(-99);
  wasm_val_vec_t none = WASM_EMPTY_VEC, results = {1, &res};
  CHECK_NO_TRAP(wasm_func_call(guest_func(g->module, &g->exports, name), &none, &results));
  return res.of.i32;
}

static void output_limits_files_and_binding(wasm_engine_t *engine) {
  /* A capped buffer: a short write, then ENOSPC (51). */
  wasmlift_wasi_config_t *cfg = wasmlift_wasi_config_new();
  wasmlift_wasi_config_output_buffer(cfg, 1, 8);
  guest_t g;
  guest_start(&g, engine, module_from_wat, write_wat, cfg);
  wasmlift_wasi_config_delete(cfg);
  CHECK(wasmlift_wasi_bind_instance(g.wasi, g.instance));
  CHECK_EQ(call_i32(&g, "w"), 0);
  CHECK_EQ(call_i32(&g, "nw"), 8);
  CHECK_EQ(call_i32(&g, "w"), 51);
  CHECK(output_is(g.wasi, 1, "hello wo"));
  guest_end(&g);

  /* stdout to a file. */
  char path[] = "/tmp/wasmlift_embed_XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  cfg = wasmlift_wasi_config_new();
  CHECK(wasmlift_wasi_config_output_file(cfg, 1, path));
  guest_start(&g, engine, module_from_wat, write_wat, cfg);
  wasmlift_wasi_config_delete(cfg);
  CHECK(wasmlift_wasi_bind_instance(g.wasi, g.instance));
  CHECK_EQ(call_i32(&g, "w"), 0);
  CHECK_EQ(call_i32(&g, "w"), 0);
  char buf[64] = {0};
  CHECK_EQ(read(fd, buf, sizeof buf), 22);
  CHECK(strcmp(buf, "hello worldhello world") == 0);
  close(fd);
  unlink(path);
  guest_end(&g);

  /* Unbound memory: the call traps and says what to do; a deleted context traps too. The
   * default stdout discards. */
  cfg = wasmlift_wasi_config_new();
  guest_start(&g, engine, module_from_wat, write_wat, cfg);
  wasm_val_t res;
  wasm_val_vec_t none = WASM_EMPTY_VEC, results = {1, &res};
  wasm_trap_t *trap = wasm_func_call(guest_func(g.module, &g.exports, "w"), &none, &results);
  CHECK_TRAP_HAS(trap, "wasmlift_wasi_bind_instance");
  if (trap) wasm_trap_delete(trap);
  CHECK(wasmlift_wasi_bind_instance(g.wasi, g.instance));
  CHECK_EQ(call_i32(&g, "w"), 0);
  CHECK_EQ(call_i32(&g, "nw"), 11);
  wasmlift_wasi_delete(g.wasi);
  g.wasi = NULL;
  trap = wasm_func_call(guest_func(g.module, &g.exports, "w"), &none, &results);
  CHECK_TRAP_HAS(trap, "deleted");
  if (trap) wasm_trap_delete(trap);
  guest_end(&g);

  /* A module without a memory export cannot be bound. */
  wasm_store_t *store = wasm_store_new(engine);
  wasm_module_t *m = module_from_wat(store, "(module (memory 1))");
  wasm_extern_vec_t empty = WASM_EMPTY_VEC;
  wasm_instance_t *inst = wasm_instance_new(store, m, &empty, NULL);
  wasmlift_wasi_t *wasi = wasmlift_wasi_new(cfg);
  CHECK(!wasmlift_wasi_bind_instance(wasi, inst));
  CHECK(strstr(wasmlift_error_message(), "memory") != NULL);
  wasmlift_wasi_delete(wasi);
  wasm_instance_delete(inst);
  wasm_module_delete(m);
  wasm_store_delete(store);
  wasmlift_wasi_config_delete(cfg);
}

static void *tick(void *engine) {
  struct timespec ts = {0, 50 * 1000 * 1000};
  nanosleep(&ts, NULL);
  wasmlift_engine_increment_epoch((wasm_engine_t *)engine);
  return NULL;
}

static void fuel_epoch_limits(void) {
  /* Fuel: a guest spinning on WASI calls runs out; that is a trap, not an exit. */
  wasm_config_t *config = wasm_config_new();
  wasmlift_config_consume_fuel(config, true);
  wasm_engine_t *engine = wasm_engine_new_with_config(config);
  wasmlift_wasi_config_t *cfg = wasmlift_wasi_config_new();
  guest_t g;
  guest_start(&g, engine, module_from_wat, write_wat, cfg);
  CHECK(wasmlift_wasi_bind_instance(g.wasi, g.instance));
  wasmlift_store_set_fuel(g.store, 100000);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t *trap = wasm_func_call(guest_func(g.module, &g.exports, "spin"), &none, &none);
  CHECK_TRAP_HAS(trap, "fuel");
  int code;
  CHECK(trap && !wasmlift_trap_exit_code(trap, &code));
  if (trap) wasm_trap_delete(trap);
  guest_end(&g);
  wasm_engine_delete(engine);

  /* Epoch interruption stops it from another thread. */
  config = wasm_config_new();
  wasmlift_config_epoch_interruption(config, true);
  engine = wasm_engine_new_with_config(config);
  guest_start(&g, engine, module_from_wat, write_wat, cfg);
  wasmlift_store_set_epoch_deadline(g.store, 1);
  pthread_t thread;
  REQUIRE(pthread_create(&thread, NULL, tick, engine) == 0);
  trap = wasm_func_call(guest_func(g.module, &g.exports, "spin"), &none, &none);
  pthread_join(thread, NULL);
  CHECK_TRAP_HAS(trap, "interrupt");
  if (trap) wasm_trap_delete(trap);
  guest_end(&g);
  wasm_engine_delete(engine);

  /* Store limits: growth past the limit fails, WASI keeps working. */
  engine = wasm_engine_new();
  wasmlift_wasi_config_output_buffer(cfg, 1, 100);
  guest_start(&g, engine, module_from_wat, write_wat, cfg);
  wasmlift_store_limits(g.store, 2 * 65536, 0, 0, 0, 0);
  CHECK(wasmlift_wasi_bind_instance(g.wasi, g.instance));
  CHECK_EQ(call_i32(&g, "grow"), -1);
  CHECK_EQ(call_i32(&g, "w"), 0);
  CHECK(output_is(g.wasi, 1, "hello world"));
  guest_end(&g);
  wasm_engine_delete(engine);
  wasmlift_wasi_config_delete(cfg);
}

static void sockets(wasm_engine_t *engine, const char *sock_guest) {
  int pair[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  REQUIRE(write(pair[1], "pong!", 5) == 5);
  int listener = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  /* An abstract address: nothing to clean up on disk. */
  int len = snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "wasmlift-embed-%d", (int)getpid());
  socklen_t addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
  REQUIRE(bind(listener, (struct sockaddr *)&addr, addr_len) == 0 && listen(listener, 4) == 0);
  int client = socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(connect(client, (struct sockaddr *)&addr, addr_len) == 0);
  REQUIRE(write(client, "hello", 5) == 5);

  wasmlift_wasi_config_t *cfg = wasmlift_wasi_config_new();
  CHECK(wasmlift_wasi_config_preopen_socket(cfg, pair[0]));
  CHECK(wasmlift_wasi_config_preopen_socket(cfg, listener));
  CHECK(!wasmlift_wasi_config_preopen_socket(cfg, -1));
  wasmlift_wasi_config_output_buffer(cfg, 1, 4096);
  wasmlift_wasi_config_output_buffer(cfg, 2, 4096);
  guest_t g;
  guest_start(&g, engine, module_from_file, sock_guest, cfg);
  wasmlift_wasi_config_delete(cfg);
  CHECK(wasmlift_wasi_bind_instance(g.wasi, g.instance));
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t *trap = wasm_func_call(guest_func(g.module, &g.exports, "_start"), &none, &none);
  int code = 0;
  if (trap) {
    CHECK(wasmlift_trap_exit_code(trap, &code));
    wasm_trap_delete(trap);
  }
  wasm_byte_vec_t out, err;
  wasmlift_wasi_output(g.wasi, 1, &out);
  wasmlift_wasi_output(g.wasi, 2, &err);
  CHECK_MSG(code == 0, "sock guest failed (%d): %.*s%.*s", code, (int)out.size, out.data, (int)err.size, err.data);
  CHECK(out.size > 0 && strstr(out.data, " 0 failures") != NULL);
  wasm_byte_vec_delete(&out);
  wasm_byte_vec_delete(&err);
  guest_end(&g);
  char buf[16] = {0};
  CHECK_EQ(read(pair[1], buf, sizeof buf), 4);
  CHECK(memcmp(buf, "ping", 4) == 0);
  CHECK_EQ(read(pair[1], buf, sizeof buf), 0); /* the guest shut down its writing side */
  CHECK_EQ(read(client, buf, sizeof buf), 3);
  CHECK(memcmp(buf, "bye", 3) == 0);
  close(pair[0]);
  close(pair[1]);
  close(listener);
  close(client);

  /* Only sockets can be preopened as sockets. */
  cfg = wasmlift_wasi_config_new();
  int file = open("/dev/null", O_RDONLY);
  CHECK(wasmlift_wasi_config_preopen_socket(cfg, file));
  CHECK(wasmlift_wasi_new(cfg) == NULL);
  CHECK(strstr(wasmlift_error_message(), "socket") != NULL);
  close(file);
  wasmlift_wasi_config_delete(cfg);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s HELLO_GUEST.wasm SOCK_GUEST.wasm\n", argv[0]);
    return 2;
  }
  wasm_engine_t *engine = wasm_engine_new();
  captured_stdio_and_exit_status(engine, argv[1]);
  exit_unwinds(engine);
  link_errors(engine);
  output_limits_files_and_binding(engine);
  sockets(engine, argv[2]);
  wasm_engine_delete(engine);
  fuel_epoch_limits();
  return test_report("wasi embed");
}
