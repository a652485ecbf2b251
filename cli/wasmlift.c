/* The wasmlift command: runs WebAssembly programs (WASI commands or single exports), compiles
 * modules ahead of time to .cwasm files and converts text to binary. Written against the
 * public C API only (wasm.h + wasmlift.h), so it also serves as a complete embedding example. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasm.h>
#include <wasmlift.h>

/* Exit status when the guest traps (other than proc_exit), as other runtimes do (128+SIGABRT). */
#define EXIT_TRAP 134
/* Exit status for usage and setup errors (bad flags, unreadable or invalid module, link error). */
#define EXIT_USAGE 2
#define EXIT_SETUP 1

static const char usage_text[] =
  "Usage:\n"
  "  wasmlift run [OPTIONS] MODULE [ARGS...]\n"
  "      Run MODULE (.wasm binary, .wat text or .cwasm compiled by `wasmlift compile`).\n"
  "      Without --invoke, MODULE is a WASI command: its _start export runs with ARGS as\n"
  "      its arguments (argv[0] is MODULE) and wasmlift exits with the program's exit\n"
  "      status. With --invoke, the export is called with ARGS as its parameters and its\n"
  "      results are printed one per line (a WASI reactor's _initialize runs first).\n"
  "  wasmlift compile [--key-file FILE] IN -o OUT.cwasm\n"
  "      Compile IN (.wasm or .wat) to native code and write it as a serialized module.\n"
  "  wasmlift wat2wasm IN.wat -o OUT.wasm\n"
  "      Convert the text format to a binary module.\n"
  "  wasmlift --help | -h\n"
  "      Print this help.\n"
  "\n"
  "Options of run:\n"
  "  --dir HOST[::GUEST]     Give the guest the host directory HOST, read-write, under the\n"
  "                          guest path GUEST (default: HOST). Repeatable. Paths cannot\n"
  "                          leave it: `..`, absolute paths and symlinks out are refused.\n"
  "  --ro-dir HOST[::GUEST]  The same, read-only (no creating, writing, renaming or\n"
  "                          deleting).\n"
  "  --socket FD             Give the guest the host socket FD (listening or connected, e.g.\n"
  "                          inherited from a supervisor); it follows the directories in\n"
  "                          the guest's fd numbering. Repeatable.\n"
  "  --env NAME=VALUE        Set an environment variable for the guest. Repeatable. The\n"
  "                          guest sees no host variables unless given this way.\n"
  "  --invoke EXPORT         Call the exported function EXPORT instead of _start. ARGS\n"
  "                          are parsed as its parameters (integers, or decimal floats).\n"
  "  --fuel N                Stop the guest with a trap after N units of fuel (about one\n"
  "                          per wasm instruction).\n"
  "  --key-file FILE         Key for .cwasm files (see below).\n"
  "  --                      End of options: the next argument is MODULE.\n"
  "\n"
  "Serialized modules (.cwasm) carry a MAC. Without a key, each run uses a fresh random\n"
  "key, so a .cwasm written by `compile` can only be run with the same key: pass\n"
  "--key-file FILE (at least 16 bytes; its contents are the key) to both `compile` and\n"
  "`run`, or set WASMLIFT_SERIALIZE_KEY (at least 16 characters) in the environment.\n"
  "A .cwasm whose MAC does not match is refused.\n"
  "\n"
  "Exit status: the program's proc_exit status (0 when _start returns); 134 when the guest\n"
  "traps (the message and wasm frames are printed on stderr); 1 for errors loading or\n"
  "linking the module; 2 for usage errors.\n";

static void usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "wasmlift: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nRun `wasmlift --help` for usage.\n");
  exit(EXIT_USAGE);
}

static void fail(const char *what, const char *detail) {
  fprintf(stderr, "wasmlift: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  exit(EXIT_SETUP);
}

static int read_file(const char *path, wasm_byte_vec_t *out) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  if (!buf) { fclose(f); return 0; }
  for (;;) {
    if (len == cap) {
      char *bigger = realloc(buf, cap * 2);
      if (!bigger) { free(buf); fclose(f); return 0; }
      buf = bigger;
      cap *= 2;
    }
    size_t n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (n == 0) break;
  }
  int ok = !ferror(f);
  fclose(f);
  if (ok) wasm_byte_vec_new(out, len, buf);
  free(buf);
  return ok;
}

static int write_file(const char *path, const wasm_byte_vec_t *data) {
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  int ok = fwrite(data->data, 1, data->size, f) == data->size;
  return (fclose(f) == 0) && ok;
}

/* Text modules become binary; binaries and serialized modules pass through. */
static void load_bytes(const char *path, wasm_byte_vec_t *out) {
  wasm_byte_vec_t raw;
  if (!read_file(path, &raw)) fail("cannot read", path);
  int is_binary = raw.size >= 4 && memcmp(raw.data, "\0asm", 4) == 0;
  int is_serialized = raw.size >= 8 && memcmp(raw.data, "WLIFTMOD", 8) == 0;
  if (is_binary || is_serialized) {
    *out = raw;
    return;
  }
  if (!wasmlift_wat2wasm(raw.data, raw.size, out)) {
    fprintf(stderr, "wasmlift: %s is neither a binary module nor valid text: %s\n", path, wasmlift_error_message());
    exit(EXIT_SETUP);
  }
  wasm_byte_vec_delete(&raw);
}

static int is_serialized(const wasm_byte_vec_t *b) {
  return b->size >= 8 && memcmp(b->data, "WLIFTMOD", 8) == 0;
}

/* Applies the serialization key from --key-file or $WASMLIFT_SERIALIZE_KEY, if any. */
static void apply_key(wasm_config_t *config, const char *key_file) {
  if (key_file) {
    wasm_byte_vec_t key;
    if (!read_file(key_file, &key)) fail("cannot read key file", key_file);
    int ok = wasmlift_config_serialize_key(config, (const uint8_t *)key.data, key.size);
    wasm_byte_vec_delete(&key);
    if (!ok) fail("bad --key-file", wasmlift_error_message());
    return;
  }
  const char *env_key = getenv("WASMLIFT_SERIALIZE_KEY");
  if (env_key && !wasmlift_config_serialize_key(config, (const uint8_t *)env_key, strlen(env_key)))
    fail("bad WASMLIFT_SERIALIZE_KEY", wasmlift_error_message());
}

static void print_trap(wasm_trap_t *trap) {
  wasm_message_t msg;
  wasm_trap_message(trap, &msg);
  fprintf(stderr, "wasmlift: trap: %.*s\n", (int)(msg.size ? msg.size - 1 : 0), msg.data);
  wasm_byte_vec_delete(&msg);
  wasm_frame_vec_t frames;
  wasm_trap_trace(trap, &frames);
  for (size_t i = 0; i < frames.size; i++) {
    const wasm_frame_t *f = frames.data[i];
    fprintf(stderr, "  #%zu: func[%" PRIu32 "] + 0x%zx (module offset 0x%zx)\n", i, wasm_frame_func_index(f),
            wasm_frame_func_offset(f), wasm_frame_module_offset(f));
  }
  wasm_frame_vec_delete(&frames);
}

/* The exit status a call ending in `trap` gives (the program's proc_exit status, or EXIT_TRAP
 * after printing the trap); deletes the trap. */
static int finish_trap(wasm_trap_t *trap) {
  int code;
  if (!wasmlift_trap_exit_code(trap, &code)) {
    print_trap(trap);
    code = EXIT_TRAP;
  }
  wasm_trap_delete(trap);
  return code;
}

/* Splits HOST[::GUEST]; GUEST defaults to HOST. */
static void add_dir(wasmlift_wasi_config_t *wcfg, const char *spec, int writable) {
  char *copy = strdup(spec);
  if (!copy) fail("out of memory", NULL);
  char *sep = strstr(copy, "::");
  const char *guest = copy;
  if (sep) {
    *sep = '\0';
    guest = sep + 2;
  }
  if (!*copy || !*guest) usage_error("bad directory `%s` (expected HOST[::GUEST])", spec);
  if (!wasmlift_wasi_config_preopen_dir(wcfg, copy, guest, writable)) fail("cannot preopen", wasmlift_error_message());
  free(copy);
}

static int parse_val(const char *s, wasm_valkind_t kind, wasm_val_t *out) {
  char *end = NULL;
  errno = 0;
  out->kind = kind;
  switch (kind) {
    case WASM_I32: {
      long long v = strtoll(s, &end, 0);
      if (v < INT32_MIN || v > UINT32_MAX) return 0;
      out->of.i32 = (int32_t)(uint32_t)v;
      break;
    }
    case WASM_I64: {
      if (s[0] != '-') out->of.i64 = (int64_t)strtoull(s, &end, 0);
      else out->of.i64 = strtoll(s, &end, 0);
      break;
    }
    case WASM_F32: out->of.f32 = strtof(s, &end); break;
    case WASM_F64: out->of.f64 = strtod(s, &end); break;
    default: return 0;
  }
  return errno == 0 && end && *end == '\0' && end != s;
}

static void print_val(const wasm_val_t *v) {
  switch (v->kind) {
    case WASM_I32: printf("%" PRId32 "\n", v->of.i32); break;
    case WASM_I64: printf("%" PRId64 "\n", v->of.i64); break;
    case WASM_F32: printf("%.9g\n", (double)v->of.f32); break;
    case WASM_F64: printf("%.17g\n", v->of.f64); break;
    default: printf("<reference>\n"); break;
  }
}

static int cmd_run(int argc, char **argv) {
  const char *key_file = NULL, *invoke = NULL;
  unsigned long long fuel = 0;
  int use_fuel = 0;
  wasmlift_wasi_config_t *wcfg = wasmlift_wasi_config_new();
  wasmlift_wasi_config_inherit_stdio(wcfg);
  int i = 0;
  for (; i < argc; i++) {
    const char *a = argv[i];
    const char *next = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--") == 0) { i++; break; }
    if (a[0] != '-' || a[1] == '\0') break;
    if (!next && strcmp(a, "--help") != 0) usage_error("option %s needs a value", a);
    if (strcmp(a, "--dir") == 0) add_dir(wcfg, argv[++i], 1);
    else if (strcmp(a, "--ro-dir") == 0) add_dir(wcfg, argv[++i], 0);
    else if (strcmp(a, "--env") == 0) {
      char *copy = strdup(argv[++i]);
      char *eq = copy ? strchr(copy, '=') : NULL;
      if (!eq || eq == copy) usage_error("bad --env `%s` (expected NAME=VALUE)", argv[i]);
      *eq = '\0';
      if (!wasmlift_wasi_config_push_env(wcfg, copy, eq + 1)) usage_error("bad --env `%s`", argv[i]);
      free(copy);
    } else if (strcmp(a, "--socket") == 0) {
      char *end;
      errno = 0;
      long fd = strtol(argv[++i], &end, 10);
      if (errno || *end || end == argv[i] || fd < 0 || fd > INT32_MAX) usage_error("bad --socket `%s`", argv[i]);
      if (!wasmlift_wasi_config_preopen_socket(wcfg, (int32_t)fd)) fail("cannot preopen socket", wasmlift_error_message());
    } else if (strcmp(a, "--invoke") == 0) invoke = argv[++i];
    else if (strcmp(a, "--key-file") == 0) key_file = argv[++i];
    else if (strcmp(a, "--fuel") == 0) {
      char *end;
      errno = 0;
      fuel = strtoull(argv[++i], &end, 10);
      if (errno || *end || argv[i][0] == '-') usage_error("bad --fuel `%s`", argv[i]);
      use_fuel = 1;
    } else if (strcmp(a, "--help") == 0) { fputs(usage_text, stdout); exit(0); }
    else usage_error("unknown option %s", a);
  }
  if (i >= argc) usage_error("%s", "run: no module given");
  const char *path = argv[i++];

  wasm_config_t *config = wasm_config_new();
  apply_key(config, key_file);
  if (use_fuel) wasmlift_config_consume_fuel(config, true);
  wasm_engine_t *engine = wasm_engine_new_with_config(config);
  wasm_store_t *store = wasm_store_new(engine);
  if (use_fuel) wasmlift_store_set_fuel(store, fuel);

  wasm_byte_vec_t bytes;
  load_bytes(path, &bytes);
  wasm_module_t *module = is_serialized(&bytes) ? wasm_module_deserialize(store, &bytes) : wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  if (!module) {
    fprintf(stderr, "wasmlift: cannot load %s: %s\n", path, wasmlift_error_message());
    return EXIT_SETUP;
  }

  /* argv[0] is the module path, then the program's own arguments (for a command). */
  wasmlift_wasi_config_push_arg(wcfg, path);
  if (!invoke)
    for (int k = i; k < argc; k++) wasmlift_wasi_config_push_arg(wcfg, argv[k]);
  wasmlift_wasi_t *wasi = wasmlift_wasi_new(wcfg);
  wasmlift_wasi_config_delete(wcfg);
  if (!wasi) fail("cannot set up WASI", wasmlift_error_message());

  wasm_extern_vec_t imports;
  if (!wasmlift_wasi_define_imports(wasi, store, module, &imports)) fail("cannot define WASI imports", wasmlift_error_message());
  wasm_trap_t *trap = NULL;
  wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
  wasm_extern_vec_delete(&imports);
  int status = 0;
  if (!instance) {
    if (trap) {
      int code;
      if (wasmlift_trap_exit_code(trap, &code)) {
        status = code;
      } else {
        wasm_message_t msg;
        wasm_trap_message(trap, &msg);
        fprintf(stderr, "wasmlift: cannot instantiate %s: %.*s\n", path, (int)(msg.size ? msg.size - 1 : 0), msg.data);
        wasm_byte_vec_delete(&msg);
        status = EXIT_SETUP;
      }
      wasm_trap_delete(trap);
    } else {
      fprintf(stderr, "wasmlift: cannot instantiate %s: %s\n", path, wasmlift_error_message());
      status = EXIT_SETUP;
    }
    goto out_module;
  }
  /* A module without memory can still run; WASI calls that need memory then trap. */
  wasmlift_wasi_bind_instance(wasi, instance);

  const char *entry = invoke ? invoke : "_start";
  wasm_exporttype_vec_t export_types;
  wasm_module_exports(module, &export_types);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t *func = NULL, *initialize = NULL;
  for (size_t k = 0; k < export_types.size && k < exports.size; k++) {
    const wasm_name_t *name = wasm_exporttype_name(export_types.data[k]);
    if (name->size == strlen(entry) && memcmp(name->data, entry, name->size) == 0) func = wasm_extern_as_func(exports.data[k]);
    if (name->size == 11 && memcmp(name->data, "_initialize", 11) == 0) initialize = wasm_extern_as_func(exports.data[k]);
  }
  /* A WASI reactor sets itself up in _initialize before any other export is called. */
  if (invoke && initialize && wasm_func_param_arity(initialize) == 0 && wasm_func_result_arity(initialize) == 0) {
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    trap = wasm_func_call(initialize, &none, &none);
    if (trap) {
      status = finish_trap(trap);
      goto out_exports;
    }
  }
  if (!func) {
    fprintf(stderr, "wasmlift: %s exports no function `%s`%s\n", path, entry, invoke ? "" : " (use --invoke EXPORT to call another export)");
    status = EXIT_SETUP;
    goto out_exports;
  }
  size_t nparams = wasm_func_param_arity(func), nresults = wasm_func_result_arity(func);
  size_t nargs = invoke ? (size_t)(argc - i) : 0;
  if (nargs != nparams) {
    fprintf(stderr, "wasmlift: `%s` takes %zu arguments, %zu given\n", entry, nparams, nargs);
    status = EXIT_USAGE;
    goto out_exports;
  }
  wasm_functype_t *ftype = wasm_func_type(func);
  const wasm_valtype_vec_t *ptypes = wasm_functype_params(ftype);
  wasm_val_t *args = calloc(nparams + 1, sizeof(wasm_val_t));
  wasm_val_t *results = calloc(nresults + 1, sizeof(wasm_val_t));
  if (!args || !results) fail("out of memory", NULL);
  for (size_t k = 0; k < nparams; k++) {
    if (!parse_val(argv[i + k], wasm_valtype_kind(ptypes->data[k]), &args[k])) {
      fprintf(stderr, "wasmlift: bad argument %zu for `%s`: `%s`\n", k, entry, argv[i + k]);
      status = EXIT_USAGE;
      goto out_call;
    }
  }
  wasm_val_vec_t arg_vec = {nparams, args}, res_vec = {nresults, results};
  trap = wasm_func_call(func, &arg_vec, &res_vec);
  if (trap) {
    status = finish_trap(trap);
  } else if (invoke) {
    for (size_t k = 0; k < nresults; k++) print_val(&results[k]);
  }
  fflush(stdout);
out_call:
  free(args);
  free(results);
  wasm_functype_delete(ftype);
out_exports:
  wasm_extern_vec_delete(&exports);
  wasm_exporttype_vec_delete(&export_types);
  wasm_instance_delete(instance);
out_module:
  wasmlift_wasi_delete(wasi);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return status;
}

/* Parses `IN -o OUT` with optional --key-file; returns IN. */
static const char *in_out(int argc, char **argv, const char **out, const char **key_file, const char *cmd) {
  const char *in = NULL;
  *out = NULL;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) *out = argv[++i];
    else if (key_file && strcmp(argv[i], "--key-file") == 0 && i + 1 < argc) *key_file = argv[++i];
    else if (argv[i][0] == '-' && argv[i][1]) usage_error("unknown option %s", argv[i]);
    else if (!in) in = argv[i];
    else usage_error("unexpected argument %s", argv[i]);
  }
  if (!in || !*out) usage_error("%s: expected IN -o OUT", cmd);
  return in;
}

static int cmd_compile(int argc, char **argv) {
  const char *out, *key_file = NULL;
  const char *in = in_out(argc, argv, &out, &key_file, "compile");
  wasm_config_t *config = wasm_config_new();
  apply_key(config, key_file);
  wasm_engine_t *engine = wasm_engine_new_with_config(config);
  wasm_store_t *store = wasm_store_new(engine);
  wasm_byte_vec_t bytes;
  load_bytes(in, &bytes);
  if (is_serialized(&bytes)) fail("already compiled", in);
  wasm_module_t *module = wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  if (!module) fail("cannot compile", wasmlift_error_message());
  wasm_byte_vec_t serialized;
  wasm_module_serialize(module, &serialized);
  int ok = write_file(out, &serialized);
  wasm_byte_vec_delete(&serialized);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  if (!ok) fail("cannot write", out);
  return 0;
}

static int cmd_wat2wasm(int argc, char **argv) {
  const char *out;
  const char *in = in_out(argc, argv, &out, NULL, "wat2wasm");
  wasm_byte_vec_t text, binary;
  if (!read_file(in, &text)) fail("cannot read", in);
  if (!wasmlift_wat2wasm(text.data, text.size, &binary)) fail("invalid text module", wasmlift_error_message());
  wasm_byte_vec_delete(&text);
  int ok = write_file(out, &binary);
  wasm_byte_vec_delete(&binary);
  if (!ok) fail("cannot write", out);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(usage_text, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
    fputs(usage_text, stdout);
    return 0;
  }
  if (strcmp(cmd, "run") == 0) return cmd_run(argc - 2, argv + 2);
  if (strcmp(cmd, "compile") == 0) return cmd_compile(argc - 2, argv + 2);
  if (strcmp(cmd, "wat2wasm") == 0) return cmd_wat2wasm(argc - 2, argv + 2);
  usage_error("unknown command `%s`", cmd);
  return EXIT_USAGE;
}
