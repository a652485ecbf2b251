// Benchmark harness for any library implementing the standard WebAssembly C API (wasm.h):
// compile throughput, instantiation, host->wasm and wasm->host call overhead, and the C kernels
// in bench/kernels. Built once per engine (wasmlift, wasmtime, ...); with --native it instead
// times the same kernels compiled natively by gcc. Uses nothing beyond standard wasm.h.
//
// Output: one line per metric, tab-separated, for bench/report.py to aggregate across rounds:
//   R <engine> <metric> <unit> <sample>,<sample>,...
// plus '#' comment lines. Exit status is non-zero if any checksum or result is wrong.
#define _GNU_SOURCE  // dlsym's RTLD_DEFAULT
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>  // malloc_trim
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "wasm.h"

// Under `valgrind --tool=callgrind --collect-atstart=no`, only the timed kernel calls are
// counted (bench/tier-cost.sh): exact instruction counts that machine load does not change.
#if defined(__has_include) && __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_TOGGLE_COLLECT
#endif

typedef long long i64;

// ---- native kernels (bench/kernels/*.c compiled by gcc) -------------------------------------

#define NATIVE_KERNELS(X) \
    X(fib) X(matmul) X(quicksort) X(sha256) X(crc32) X(nbody) X(sieve) X(mandelbrot) X(simd)
#define DECLARE(name) i64 native_##name(int n);
NATIVE_KERNELS(DECLARE)

// The GC kernels (kernels/gc.tsv): WebAssembly GC in the engines, malloc/free natively.
#define NATIVE_GC_KERNELS(X) X(binary_trees) X(alloc_churn)
NATIVE_GC_KERNELS(DECLARE)
#undef DECLARE

static i64 (*native_kernel(const char *name))(int) {
#define MATCH(k) if (strcmp(name, #k) == 0) return native_##k;
    NATIVE_KERNELS(MATCH)
    NATIVE_GC_KERNELS(MATCH)
#undef MATCH
    return NULL;
}

// ---- options ---------------------------------------------------------------------------------

static struct {
    const char *engine;      // name printed in results
    int native;              // time the native kernels instead of an engine
    const char *bench_dir;   // bench/ (kernels/ and modules/ below it)
    const char *large;       // large module for compile throughput, or NULL
    const char *only;        // comma-separated metric/kernel filter, or NULL for all
    const char *expected;    // file of "name n checksum" lines; NULL: compute natively
    int smoke;               // tiny n and counts: a correctness check, not a measurement
    int warm_up;             // one untimed kernel call first, then wait for background tier-up
    int kernel_runs;
    int compile_runs;
    int instantiate_count;
    int call_batches;
    int call_batch;
    int host_batches;
    int host_batch;
} opt = {
    .engine = "engine",
    .bench_dir = "bench",
    .kernel_runs = 5,
    .compile_runs = 2,
    .instantiate_count = 2000,
    .call_batches = 40,
    .call_batch = 20000,
    .host_batches = 40,
    .host_batch = 100000,
};

static int failures = 0;

// wasmlift's fuel setter, when the library has it (a weak reference: other engines leave it
// NULL). With WASMLIFT_CONSUME_FUEL=1 wasmlift meters fuel and every store must be given some;
// bench/sandbox-cost.sh uses this to measure what metering costs.
void wasmlift_store_set_fuel(wasm_store_t *store, uint64_t fuel) __attribute__((weak));

static wasm_store_t *new_store(wasm_engine_t *engine) {
    wasm_store_t *store = wasm_store_new(engine);
    const char *fuel = getenv("WASMLIFT_CONSUME_FUEL");
    if (store && fuel && strcmp(fuel, "1") == 0 && wasmlift_store_set_fuel)
        wasmlift_store_set_fuel(store, UINT64_C(1) << 62);
    return store;
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

// CPU time of the whole process (all threads), for compile cost independent of other load.
static double cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int selected(const char *what) {
    if (!opt.only) return 1;
    size_t len = strlen(what);
    for (const char *p = opt.only; *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, what, n) == 0) return 1;
        if (!end) break;
        p = end + 1;
    }
    return 0;
}

static void fail(const char *fmt, const char *a, const char *b) {
    fprintf(stderr, "harness [%s]: ", opt.engine);
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    failures++;
}

// Prints one result line with all samples.
static void report(const char *metric, const char *unit, const double *samples, int count) {
    printf("R\t%s\t%s\t%s\t", opt.engine, metric, unit);
    for (int i = 0; i < count; i++) printf(i ? ",%.6g" : "%.6g", samples[i]);
    printf("\n");
    fflush(stdout);
}

static int read_file(const char *path, wasm_byte_vec_t *out) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    wasm_byte_vec_new_uninitialized(out, (size_t)size);
    size_t got = fread(out->data, 1, (size_t)size, f);
    fclose(f);
    if (got != (size_t)size) {
        wasm_byte_vec_delete(out);
        return 0;
    }
    return 1;
}

static int read_bench_file(const char *rel, wasm_byte_vec_t *out) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", opt.bench_dir, rel);
    if (read_file(path, out)) return 1;
    fail("cannot read %s%s", path, "");
    return 0;
}

// Reports a trap (and consumes it); returns 1 if there was one.
static int check_trap(wasm_trap_t *trap, const char *what) {
    if (!trap) return 0;
    wasm_message_t msg;
    wasm_trap_message(trap, &msg);
    char text[512];
    snprintf(text, sizeof text, "%.*s", (int)(msg.size > 500 ? 500 : msg.size), msg.data);
    fail("%s trapped: %s", what, text);
    wasm_byte_vec_delete(&msg);
    wasm_trap_delete(trap);
    return 1;
}

static wasm_module_t *compile(wasm_store_t *store, const char *rel) {
    wasm_byte_vec_t bytes;
    if (!read_bench_file(rel, &bytes)) return NULL;
    wasm_module_t *module = wasm_module_new(store, &bytes);
    wasm_byte_vec_delete(&bytes);
    if (!module) fail("wasm_module_new failed for %s%s", rel, "");
    return module;
}

// The export called `name` of an instance of `module`, as a function (borrowed from `exports`).
static wasm_func_t *export_func(const wasm_module_t *module, const wasm_extern_vec_t *exports,
                                const char *name) {
    wasm_exporttype_vec_t types;
    wasm_module_exports(module, &types);
    wasm_func_t *found = NULL;
    for (size_t i = 0; i < types.size && i < exports->size; i++) {
        const wasm_name_t *n = wasm_exporttype_name(types.data[i]);
        if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0) {
            found = wasm_extern_as_func(exports->data[i]);
            break;
        }
    }
    wasm_exporttype_vec_delete(&types);
    if (!found) fail("no exported function %s%s", name, "");
    return found;
}

// ---- compile throughput ----------------------------------------------------------------------

static void bench_compile(wasm_engine_t *engine) {
    wasm_byte_vec_t bytes;
    if (!read_file(opt.large, &bytes)) {
        fail("cannot read large module %s%s", opt.large, "");
        return;
    }
    wasm_store_t *store = new_store(engine);
    if (!wasm_module_validate(store, &bytes)) {
        fail("large module %s does not validate%s", opt.large, "");
    } else {
        double mb = (double)bytes.size / 1e6;
        double samples[64], cpu_samples[64];
        int runs = opt.compile_runs > 64 ? 64 : opt.compile_runs;
        for (int r = 0; r < runs; r++) {
            double c0 = cpu_ns(), t0 = now_ns();
            wasm_module_t *module = wasm_module_new(store, &bytes);
            double t1 = now_ns(), c1 = cpu_ns();
            if (!module) {
                fail("wasm_module_new failed for %s%s", opt.large, "");
                break;
            }
            samples[r] = mb / ((t1 - t0) / 1e9);
            cpu_samples[r] = mb / ((c1 - c0) / 1e9);
            printf("# compile %.2f MB in %.3f s (%.3f s CPU)\n", mb, (t1 - t0) / 1e9, (c1 - c0) / 1e9);
            wasm_module_delete(module);
            if (r == runs - 1) {
                report("compile", "MB/s", samples, runs);
                report("compile-cpu", "MB/s", cpu_samples, runs);
            }
        }
    }
    wasm_store_delete(store);
    wasm_byte_vec_delete(&bytes);
}

// ---- instantiation ---------------------------------------------------------------------------

// Checks that an instance sees its data segment (through the exported "load").
static void check_instance(const wasm_module_t *module, const wasm_instance_t *instance) {
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_func_t *load = export_func(module, &exports, "load");
    if (load) {
        wasm_val_t args[1] = {WASM_I32_VAL(1024)};
        wasm_val_t res[1] = {WASM_INIT_VAL};
        wasm_val_vec_t av = WASM_ARRAY_VEC(args), rv = WASM_ARRAY_VEC(res);
        if (!check_trap(wasm_func_call(load, &av, &rv), "load") && res[0].of.i32 != 0x04030201)
            fail("data segment not initialised%s%s", "", "");
    }
    wasm_extern_vec_delete(&exports);
}

// Times wasm_instance_new alone, one sample per call. Patterns (`metric`):
//   instantiate        new + delete in a loop, the store replaced every 100 instances
//   instantiate-live   100 live instances per store, all released with the store
//   instantiate-store  a fresh store for every instance (a store per request)
// Some engines keep instances until their store goes, hence the bounded stores.
//   instantiate:<kernel>  new + delete of a kernel module (bench/kernels; data segments, tables)
//   instantiate-live:<kernel>  100 live instances of a kernel module per store
static void bench_instantiate_module(wasm_engine_t *engine, const char *metric, const char *rel) {
    int per_store = strcmp(metric, "instantiate-store") == 0 ? 1 : 100;
    int keep_live = strncmp(metric, "instantiate-live", 16) == 0;
    int is_bench_module = strcmp(rel, "modules/instantiate.wasm") == 0;
    int count = opt.instantiate_count;
    double *samples = malloc(sizeof(double) * (size_t)count);
    wasm_instance_t **live = malloc(sizeof(wasm_instance_t *) * (size_t)per_store);
    int done = 0, ok = 1;
    // Compiled once, instantiated in many stores of the engine (as embedders do).
    wasm_store_t *compile_store = new_store(engine);
    wasm_module_t *module = compile(compile_store, rel);
    while (module && ok && done < count) {
        wasm_store_t *store = new_store(engine);
        int batch = count - done < per_store ? count - done : per_store, made = 0;
        for (; made < batch; made++) {
            wasm_extern_vec_t imports = WASM_EMPTY_VEC;
            wasm_trap_t *trap = NULL;
            double t0 = now_ns();
            wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
            double t1 = now_ns();
            samples[done + made] = (t1 - t0) / 1e3;
            if (check_trap(trap, "instantiation") || !instance) {
                fail("wasm_instance_new failed%s%s", "", "");
                ok = 0;
                break;
            }
            if (made == 0 && is_bench_module) check_instance(module, instance);
            if (keep_live) {
                live[made] = instance;
            } else {
                wasm_instance_delete(instance);
            }
        }
        if (keep_live)
            for (int i = 0; i < made; i++) wasm_instance_delete(live[i]);
        wasm_store_delete(store);
        done += made;
    }
    if (module) wasm_module_delete(module);
    wasm_store_delete(compile_store);
    if (ok && done > 0) report(metric, "us", samples, done);
    free(live);
    free(samples);
}

static void bench_instantiate(wasm_engine_t *engine, const char *metric) {
    bench_instantiate_module(engine, metric, "modules/instantiate.wasm");
}

// instantiate:<kernel> and instantiate-live:<kernel> for every kernel (selected by those names,
// or all with "instantiate-kernels").
static void bench_instantiate_kernels(wasm_engine_t *engine) {
    char path[4096];
    snprintf(path, sizeof path, "%s/kernels/kernels.tsv", opt.bench_dir);
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        char name[64], rel[128], metric[128];
        int n, smoke_n;
        if (line[0] == '#' || sscanf(line, "%63s %d %d", name, &n, &smoke_n) != 3) continue;
        snprintf(rel, sizeof rel, "kernels/%s.wasm", name);
        snprintf(metric, sizeof metric, "instantiate:%s", name);
        if (selected("instantiate-kernels") || selected(metric)) bench_instantiate_module(engine, metric, rel);
        snprintf(metric, sizeof metric, "instantiate-live:%s", name);
        if (selected("instantiate-kernels") || selected(metric)) bench_instantiate_module(engine, metric, rel);
    }
    fclose(f);
}

// ---- call overhead ---------------------------------------------------------------------------

static wasm_trap_t *host_increment(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = args->data[0].of.i32 + 1;
    return NULL;
}

static wasm_trap_t *host_nothing(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
    (void)args;
    (void)results;
    return NULL;
}

static wasm_trap_t *host_add(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
    return NULL;
}

// The _env variants count their calls in the env (checked against the loop count).
static wasm_trap_t *host_nothing_env(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results) {
    (void)args;
    (void)results;
    ++*(long long *)env;
    return NULL;
}

static wasm_trap_t *host_add_env(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results) {
    ++*(long long *)env;
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
    return NULL;
}

// Times `batches` batches of opt.call_batch calls of `f` with `args`; reports ns per call.
static void time_export_calls(const char *metric, wasm_func_t *f, wasm_val_t *args, size_t nargs,
                              size_t nresults) {
    wasm_val_t res[1] = {WASM_INIT_VAL};
    wasm_val_vec_t av = {nargs, args}, rv = {nresults, res};
    int batches = opt.call_batches > 1000 ? 1000 : opt.call_batches;
    double samples[1000];
    wasm_trap_t *t = NULL;
    for (int b = 0; b < batches && !t; b++) {
        double t0 = now_ns();
        for (int i = 0; i < opt.call_batch && !t; i++) t = wasm_func_call(f, &av, &rv);
        samples[b] = (now_ns() - t0) / opt.call_batch;
    }
    if (!check_trap(t, metric)) report(metric, "ns", samples, batches);
}

// Times a wasm loop (export `loop`, (i32 n) -> i32) calling a host import n times; the loop
// returns n for every variant (an accumulator of +1 per call).
static void time_host_loop(const char *metric, wasm_func_t *loop) {
    int batches = opt.host_batches > 1000 ? 1000 : opt.host_batches;
    double samples[1000];
    for (int b = 0; b < batches; b++) {
        wasm_val_t args[1] = {WASM_I32_VAL(opt.host_batch)};
        wasm_val_t res[1] = {WASM_INIT_VAL};
        wasm_val_vec_t av = WASM_ARRAY_VEC(args), rv = WASM_ARRAY_VEC(res);
        double t0 = now_ns();
        wasm_trap_t *t = wasm_func_call(loop, &av, &rv);
        samples[b] = (now_ns() - t0) / opt.host_batch;
        if (check_trap(t, metric)) return;
        if (res[0].of.i32 != opt.host_batch) {
            fail("%s returned a wrong count%s", metric, "");
            return;
        }
    }
    report(metric, "ns", samples, batches);
}

static void bench_calls(wasm_engine_t *engine) {
    wasm_store_t *store = new_store(engine);
    wasm_module_t *module = compile(store, "modules/calls.wasm");
    if (!module) {
        wasm_store_delete(store);
        return;
    }
    long long env_calls[2] = {0, 0};
    wasm_functype_t *t11 = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_functype_t *t00 = wasm_functype_new_0_0();
    wasm_functype_t *t21 =
        wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t *hosts[5] = {
        wasm_func_new(store, t11, host_increment),
        wasm_func_new(store, t00, host_nothing),
        wasm_func_new(store, t21, host_add),
        wasm_func_new_with_env(store, t00, host_nothing_env, &env_calls[0], NULL),
        wasm_func_new_with_env(store, t21, host_add_env, &env_calls[1], NULL),
    };
    wasm_functype_delete(t11);
    wasm_functype_delete(t00);
    wasm_functype_delete(t21);
    wasm_extern_t *import_list[5];
    for (int i = 0; i < 5; i++) import_list[i] = wasm_func_as_extern(hosts[i]);
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);
    wasm_trap_t *trap = NULL;
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
    if (check_trap(trap, "instantiation") || !instance) {
        fail("cannot instantiate calls.wasm%s%s", "", "");
    } else {
        wasm_extern_vec_t exports;
        wasm_instance_exports(instance, &exports);
        if (selected("call")) {
            wasm_func_t *f = export_func(module, &exports, "nop");
            if (f) time_export_calls("call", f, NULL, 0, 0);
        }
        if (selected("call-i32")) {
            wasm_func_t *f = export_func(module, &exports, "id");
            wasm_val_t args[1] = {WASM_I32_VAL(7)};
            if (f) time_export_calls("call-i32", f, args, 1, 1);
        }
        if (selected("call-mixed8")) {
            wasm_func_t *f = export_func(module, &exports, "mixed8");
            wasm_val_t args[8] = {WASM_I32_VAL(1), WASM_I64_VAL(2), WASM_F32_VAL(3), WASM_F64_VAL(4),
                                  WASM_I32_VAL(5), WASM_I64_VAL(6), WASM_F32_VAL(7), WASM_F64_VAL(8)};
            if (f) time_export_calls("call-mixed8", f, args, 8, 1);
        }
        static const char *const loops[][2] = {
            {"hostcall", "host_loop"},           {"hostcall-0", "host0_loop"},
            {"hostcall-2", "host2_loop"},        {"hostcall-env-0", "host0_env_loop"},
            {"hostcall-env-2", "host2_env_loop"},
        };
        for (size_t i = 0; i < sizeof loops / sizeof loops[0]; i++) {
            if (!selected(loops[i][0])) continue;
            wasm_func_t *f = export_func(module, &exports, loops[i][1]);
            if (f) time_host_loop(loops[i][0], f);
        }
        long long expected_env = selected("hostcall-env-0") ? (long long)opt.host_batch * opt.host_batches : 0;
        if (env_calls[0] != expected_env) fail("host0_env ran a wrong number of times%s%s", "", "");
        wasm_extern_vec_delete(&exports);
        wasm_instance_delete(instance);
    }
    for (int i = 0; i < 5; i++) wasm_func_delete(hosts[i]);
    wasm_module_delete(module);
    wasm_store_delete(store);
}

// ---- creating host functions -------------------------------------------------------------------

// Times wasm_func_new alone (`func-new`: one signature for all; `func-new-fresh`: a signature
// the engine has not seen before for every call, as when a large module imports many distinct
// types). Functions are deleted with their store, every 100.
static void bench_func_new(wasm_engine_t *engine, const char *metric) {
    int fresh = strcmp(metric, "func-new-fresh") == 0;
    int count = opt.instantiate_count > 1000 ? 1000 : opt.instantiate_count;
    double *samples = malloc(sizeof(double) * (size_t)count);
    // A fresh engine, so that "fresh" signatures are new to it.
    wasm_engine_t *own = fresh ? wasm_engine_new() : NULL;
    if (own) engine = own;
    wasm_store_t *store = NULL;
    int done = 0;
    for (; done < count; done++) {
        if (done % 100 == 0) {
            if (store) wasm_store_delete(store);
            store = new_store(engine);
        }
        // Signature number `done`: 6 parameters, each digit of `done` in base 4 picks a kind
        // (4096 distinct signatures), and one i64 result.
        wasm_valtype_vec_t params, results;
        wasm_valtype_vec_new_uninitialized(&params, 6);
        for (int k = 0, v = fresh ? done : 0; k < 6; k++, v /= 4) {
            static const wasm_valkind_t kinds[4] = {WASM_I32, WASM_I64, WASM_F32, WASM_F64};
            params.data[k] = wasm_valtype_new(kinds[v % 4]);
        }
        wasm_valtype_t *r = wasm_valtype_new_i64();
        wasm_valtype_vec_new(&results, 1, &r);
        wasm_functype_t *type = wasm_functype_new(&params, &results);
        double t0 = now_ns();
        wasm_func_t *f = wasm_func_new(store, type, host_nothing);
        samples[done] = (now_ns() - t0) / 1e3;
        wasm_functype_delete(type);
        if (!f) {
            fail("wasm_func_new failed%s%s", "", "");
            break;
        }
        wasm_func_delete(f);
    }
    if (store) wasm_store_delete(store);
    if (own) wasm_engine_delete(own);
    if (done == count) report(metric, "us", samples, count);
    free(samples);
}

// ---- kernels ---------------------------------------------------------------------------------

// Expected checksum of kernel `name` at size n: from --expected, else computed natively here.
static int expected_checksum(const char *name, int n, i64 *out) {
    if (opt.expected) {
        FILE *f = fopen(opt.expected, "r");
        if (!f) return 0;
        char k[64];
        int kn;
        long long sum;
        int found = 0;
        while (fscanf(f, "%63s %d %lld", k, &kn, &sum) == 3) {
            if (strcmp(k, name) == 0 && kn == n) {
                *out = sum;
                found = 1;
                break;
            }
        }
        fclose(f);
        if (found) return 1;
    }
    i64 (*fn)(int) = native_kernel(name);
    if (!fn) return 0;
    *out = fn(n);
    return 1;
}

static void bench_kernel(wasm_engine_t *engine, const char *name, int n) {
    i64 expected;
    if (!expected_checksum(name, n, &expected)) {
        fail("no expected checksum for %s%s", name, "");
        return;
    }
    int runs = opt.kernel_runs > 100 ? 100 : opt.kernel_runs;
    double samples[100];
    char metric[96];
    snprintf(metric, sizeof metric, "kernel:%s", name);

    if (opt.native) {
        i64 (*fn)(int) = native_kernel(name);
        if (opt.warm_up && fn(n) != expected) fail("%s: wrong native checksum%s", name, "");
        for (int r = 0; r < runs; r++) {
            double t0 = now_ns();
            i64 sum = fn(n);
            samples[r] = (now_ns() - t0) / 1e6;
            if (sum != expected) fail("%s: wrong native checksum%s", name, "");
        }
        printf("# checksum %s %d %lld\n", name, n, expected);
        report(metric, "ms", samples, runs);
        return;
    }

    wasm_store_t *store = new_store(engine);
    char rel[128];
    snprintf(rel, sizeof rel, "kernels/%s.wasm", name);
    wasm_module_t *module = compile(store, rel);
    if (!module) {
        wasm_store_delete(store);
        return;
    }
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    wasm_trap_t *trap = NULL;
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
    if (check_trap(trap, name) || !instance) {
        fail("cannot instantiate kernel %s%s", name, "");
    } else {
        wasm_extern_vec_t exports;
        wasm_instance_exports(instance, &exports);
        wasm_func_t *run = export_func(module, &exports, "run");
        int ok = run != NULL;
        if (ok && opt.warm_up) {
            // Steady state of a tiering engine: the first call starts the code, then every
            // function reaches the top tier (wasmlift: wasmlift_module_wait_for_tier_up, looked
            // up at run time so that the harness stays plain wasm.h for other engines).
            wasm_val_t args[1] = {WASM_I32_VAL(n)};
            wasm_val_t res[1] = {WASM_INIT_VAL};
            wasm_val_vec_t av = WASM_ARRAY_VEC(args), rv = WASM_ARRAY_VEC(res);
            ok = !check_trap(wasm_func_call(run, &av, &rv), name);
            void (*wait_for_tier_up)(const wasm_module_t *) = (void (*)(const wasm_module_t *))(uintptr_t)dlsym(
                RTLD_DEFAULT, "wasmlift_module_wait_for_tier_up");
            if (wait_for_tier_up) wait_for_tier_up(module);
        }
        for (int r = 0; ok && r < runs; r++) {
            wasm_val_t args[1] = {WASM_I32_VAL(n)};
            wasm_val_t res[1] = {WASM_INIT_VAL};
            wasm_val_vec_t av = WASM_ARRAY_VEC(args), rv = WASM_ARRAY_VEC(res);
            double t0 = now_ns();
            CALLGRIND_TOGGLE_COLLECT;
            wasm_trap_t *t = wasm_func_call(run, &av, &rv);
            CALLGRIND_TOGGLE_COLLECT;
            samples[r] = (now_ns() - t0) / 1e6;
            if (check_trap(t, name)) {
                ok = 0;
            } else if (res[0].kind != WASM_I64 || res[0].of.i64 != expected) {
                char got[64];
                snprintf(got, sizeof got, "%lld (expected %lld)", (long long)res[0].of.i64,
                         (long long)expected);
                fail("%s: wrong checksum %s", name, got);
                ok = 0;
            }
        }
        if (ok) {
            printf("# checksum %s %d %lld ok\n", name, n, expected);
            report(metric, "ms", samples, runs);
        }
        wasm_extern_vec_delete(&exports);
        wasm_instance_delete(instance);
    }
    wasm_module_delete(module);
    wasm_store_delete(store);
}

// Runs `run(engine, name, n)` for each kernel listed in `tsv` (lines "name n smoke_n") that is
// selected by `group`, by "<prefix>:<name>" or by its name.
static void for_each_kernel(const char *tsv, const char *group, const char *prefix, wasm_engine_t *engine,
                            void (*run)(wasm_engine_t *, const char *, int)) {
    char path[4096];
    snprintf(path, sizeof path, "%s/kernels/%s", opt.bench_dir, tsv);
    FILE *f = fopen(path, "r");
    if (!f) {
        // Only an error when the group may have been asked for.
        if (!opt.only || selected(group)) fail("cannot read %s%s", path, "");
        return;
    }
    char line[256];
    while (fgets(line, sizeof line, f)) {
        char name[64];
        int n, smoke_n;
        if (line[0] == '#' || sscanf(line, "%63s %d %d", name, &n, &smoke_n) != 3) continue;
        char metric[96];
        snprintf(metric, sizeof metric, "%s:%s", prefix, name);
        if (!selected(group) && !selected(metric) && !selected(name)) continue;
        run(engine, name, opt.smoke ? smoke_n : n);
    }
    fclose(f);
}

static void bench_kernels(wasm_engine_t *engine) { for_each_kernel("kernels.tsv", "kernels", "kernel", engine, bench_kernel); }

// ---- GC kernels ------------------------------------------------------------------------------

// Engine switches for WebAssembly GC, looked up at run time so that the harness links against
// any wasm.h library: wasmlift_config_gc, or wasmtime's wasm_gc and function_references (its
// collector stays the default). An engine with neither runs the kernels with its defaults.
typedef void (*config_flag_fn)(wasm_config_t *, bool);

static config_flag_fn config_flag(const char *symbol) {
    return (config_flag_fn)(uintptr_t)dlsym(RTLD_DEFAULT, symbol);
}

static wasm_engine_t *new_gc_engine(void) {
    wasm_config_t *config = wasm_config_new();
    if (!config) return NULL;
    static const char *const switches[] = {"wasmlift_config_gc", "wasmtime_config_wasm_gc_set",
                                           "wasmtime_config_wasm_function_references_set"};
    for (size_t i = 0; i < sizeof switches / sizeof switches[0]; i++) {
        config_flag_fn set = config_flag(switches[i]);
        if (set) set(config, true);
    }
    return wasm_engine_new_with_config(config);
}

// wasmlift's record of its collections' pause times (most recent last), when the library has
// it; other engines report no pauses.
typedef size_t (*gc_pauses_fn)(const wasm_store_t *, uint64_t *, size_t);

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

// Linux: forgets the process's RSS high-water mark, so that `peak_rss_mb` reports the peak
// since (what earlier measurements in the same process used does not count: glibc first gives
// back the free memory it kept, which would otherwise stay resident and count).
static void reset_peak_rss(void) {
#ifdef __GLIBC__
    malloc_trim(0);
#endif
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

// The RSS high-water mark (VmHWM) in MB, or the process's maximum RSS where /proc has none.
static double peak_rss_mb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
    if (f) fclose(f);
    if (kb < 0) {
        struct rusage usage;
        getrusage(RUSAGE_SELF, &usage);
        kb = usage.ru_maxrss;
    }
    return (double)kb / 1024.0;
}

#define MAX_PAUSES 1024

// Times `run(n)` of kernels/<name>.wasm, each run in a fresh store (so its collections are the
// run's own), or the native build. Reports `gc:<name>` (ms per run), and for wasmlift the
// median and longest collection pause of each run and its number of collections, then the
// process's peak RSS during the runs (`gc-peak-rss:<name>`, MB; compiling the module counts).
static void bench_gc_kernel(const char *name, int n) {
    i64 expected;
    if (!expected_checksum(name, n, &expected)) {
        fail("no expected checksum for %s%s", name, "");
        return;
    }
    int runs = opt.kernel_runs > 100 ? 100 : opt.kernel_runs;
    double samples[100], median_pause[100], max_pause[100], collections[100];
    int pause_runs = 0, ok = 1;
    char metric[96];
    i64 (*fn)(int) = native_kernel(name);
    wasm_engine_t *engine = NULL;
    wasm_store_t *compile_store = NULL;
    wasm_module_t *module = NULL;
    gc_pauses_fn gc_pauses = (gc_pauses_fn)(uintptr_t)dlsym(RTLD_DEFAULT, "wasmlift_store_gc_pauses");
    reset_peak_rss();
    if (!opt.native) {
        engine = new_gc_engine();
        if (!engine) {
            fail("cannot make an engine with GC for %s%s", name, "");
            return;
        }
        compile_store = new_store(engine);
        char rel[128];
        snprintf(rel, sizeof rel, "kernels/%s.wasm", name);
        module = compile(compile_store, rel);
        ok = module != NULL;
    }
    // --warm-up: one untimed run first (run -1, not reported), then wasmlift waits for tier-up.
    for (int r = opt.warm_up ? -1 : 0; ok && r < runs; r++) {
        if (r == 0 && opt.warm_up && module) {
            void (*wait_for_tier_up)(const wasm_module_t *) = (void (*)(const wasm_module_t *))(uintptr_t)dlsym(
                RTLD_DEFAULT, "wasmlift_module_wait_for_tier_up");
            if (wait_for_tier_up) wait_for_tier_up(module);
        }
        if (opt.native) {
            double t0 = now_ns();
            i64 sum = fn(n);
            if (r >= 0) samples[r] = (now_ns() - t0) / 1e6;
            if (sum != expected) {
                fail("%s: wrong native checksum%s", name, "");
                ok = 0;
            }
            continue;
        }
        wasm_store_t *store = new_store(engine);
        wasm_extern_vec_t imports = WASM_EMPTY_VEC;
        wasm_trap_t *trap = NULL;
        wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
        if (check_trap(trap, name) || !instance) {
            fail("cannot instantiate GC kernel %s%s", name, "");
            ok = 0;
        } else {
            wasm_extern_vec_t exports;
            wasm_instance_exports(instance, &exports);
            wasm_func_t *run = export_func(module, &exports, "run");
            ok = run != NULL;
            if (ok) {
                wasm_val_t args[1] = {WASM_I32_VAL(n)};
                wasm_val_t res[1] = {WASM_INIT_VAL};
                wasm_val_vec_t av = WASM_ARRAY_VEC(args), rv = WASM_ARRAY_VEC(res);
                double t0 = now_ns();
                wasm_trap_t *t = wasm_func_call(run, &av, &rv);
                if (r >= 0) samples[r] = (now_ns() - t0) / 1e6;
                if (check_trap(t, name)) {
                    ok = 0;
                } else if (res[0].kind != WASM_I64 || res[0].of.i64 != expected) {
                    char got[64];
                    snprintf(got, sizeof got, "%lld (expected %lld)", (long long)res[0].of.i64,
                             (long long)expected);
                    fail("%s: wrong checksum %s", name, got);
                    ok = 0;
                }
            }
            if (ok && gc_pauses && r >= 0) {
                static uint64_t pauses[MAX_PAUSES];
                size_t count = gc_pauses(store, pauses, MAX_PAUSES);
                if (count == MAX_PAUSES) printf("# %s: more than %d collections, the last %d counted\n", name, MAX_PAUSES, MAX_PAUSES);
                if (count > 0) {
                    qsort(pauses, count, sizeof pauses[0], compare_u64);
                    // The median of an even count is the mean of the middle two.
                    median_pause[pause_runs] = (double)(pauses[(count - 1) / 2] + pauses[count / 2]) / 2e6;
                    max_pause[pause_runs] = (double)pauses[count - 1] / 1e6;
                } else {
                    median_pause[pause_runs] = max_pause[pause_runs] = 0;
                }
                collections[pause_runs++] = (double)count;
            }
            wasm_extern_vec_delete(&exports);
            wasm_instance_delete(instance);
        }
        wasm_store_delete(store);
    }
    if (ok) {
        printf("# checksum %s %d %lld%s\n", name, n, expected, opt.native ? "" : " ok");
        snprintf(metric, sizeof metric, "gc:%s", name);
        report(metric, "ms", samples, runs);
        if (pause_runs == runs) {
            snprintf(metric, sizeof metric, "gc-pause-median:%s", name);
            report(metric, "ms", median_pause, runs);
            snprintf(metric, sizeof metric, "gc-pause-max:%s", name);
            report(metric, "ms", max_pause, runs);
            snprintf(metric, sizeof metric, "gc-collections:%s", name);
            report(metric, "count", collections, runs);
        }
        double rss = peak_rss_mb();
        snprintf(metric, sizeof metric, "gc-peak-rss:%s", name);
        report(metric, "MB", &rss, 1);
    }
    if (module) wasm_module_delete(module);
    if (compile_store) wasm_store_delete(compile_store);
    if (engine) wasm_engine_delete(engine);
}

// The GC kernels make engines of their own (GC switched on), so `engine` is unused.
static void run_gc_kernel(wasm_engine_t *engine, const char *name, int n) {
    (void)engine;
    bench_gc_kernel(name, n);
}

static void bench_gc_kernels(void) { for_each_kernel("gc.tsv", "gc", "gc", NULL, run_gc_kernel); }

// ---- main ------------------------------------------------------------------------------------

static void usage(void) {
    fprintf(stderr,
            "usage: harness [--engine NAME] [--native] [--bench-dir DIR] [--large FILE]\n"
            "               [--only LIST] [--expected FILE] [--smoke] [--kernel-runs N]\n"
            "               [--compile-runs N] [--instantiate-count N] [--call-batches N]\n"
            "               [--call-batch N] [--host-batches N] [--host-batch N]\n"
            "LIST: comma-separated of compile, instantiate, instantiate-live, instantiate-store,\n"
            "      instantiate-kernels (instantiate[-live]:<kernel>), call, call-i32, call-mixed8,\n"
            "      hostcall, hostcall-0, hostcall-2, hostcall-env-0, hostcall-env-2, func-new,\n"
            "      func-new-fresh, kernels, <kernel>, gc (the GC kernels of kernels/gc.tsv),\n"
            "      gc:<kernel>\n");
    exit(2);
}

static int int_arg(const char *s) {
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < 1 || v > 100000000) usage();
    return (int)v;
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--native") == 0) { opt.native = 1; continue; }
        if (strcmp(a, "--smoke") == 0) { opt.smoke = 1; continue; }
        if (strcmp(a, "--warm-up") == 0) { opt.warm_up = 1; continue; }
        if (!v) usage();
        i++;
        if (strcmp(a, "--engine") == 0) opt.engine = v;
        else if (strcmp(a, "--bench-dir") == 0) opt.bench_dir = v;
        else if (strcmp(a, "--large") == 0) opt.large = v;
        else if (strcmp(a, "--only") == 0) opt.only = v;
        else if (strcmp(a, "--expected") == 0) opt.expected = v;
        else if (strcmp(a, "--kernel-runs") == 0) opt.kernel_runs = int_arg(v);
        else if (strcmp(a, "--compile-runs") == 0) opt.compile_runs = int_arg(v);
        else if (strcmp(a, "--instantiate-count") == 0) opt.instantiate_count = int_arg(v);
        else if (strcmp(a, "--call-batches") == 0) opt.call_batches = int_arg(v);
        else if (strcmp(a, "--call-batch") == 0) opt.call_batch = int_arg(v);
        else if (strcmp(a, "--host-batches") == 0) opt.host_batches = int_arg(v);
        else if (strcmp(a, "--host-batch") == 0) opt.host_batch = int_arg(v);
        else usage();
    }
    if (opt.smoke) {
        opt.kernel_runs = 1;
        opt.compile_runs = 1;
        opt.instantiate_count = 20;
        opt.call_batches = opt.host_batches = 2;
        opt.call_batch = opt.host_batch = 100;
    }
    if (opt.native) opt.engine = "native";

    wasm_engine_t *engine = opt.native ? NULL : wasm_engine_new();
    if (!opt.native && !engine) {
        fprintf(stderr, "harness: wasm_engine_new failed\n");
        return 1;
    }
    if (engine) {
        if (opt.large && selected("compile")) bench_compile(engine);
        if (selected("instantiate")) bench_instantiate(engine, "instantiate");
        if (selected("instantiate-live")) bench_instantiate(engine, "instantiate-live");
        if (selected("instantiate-store")) bench_instantiate(engine, "instantiate-store");
        bench_instantiate_kernels(engine);
        if (selected("call") || selected("call-i32") || selected("call-mixed8") || selected("hostcall") ||
            selected("hostcall-0") || selected("hostcall-2") || selected("hostcall-env-0") ||
            selected("hostcall-env-2"))
            bench_calls(engine);
        if (selected("func-new")) bench_func_new(engine, "func-new");
        if (selected("func-new-fresh")) bench_func_new(engine, "func-new-fresh");
    }
    bench_kernels(engine);
    bench_gc_kernels();
    if (engine) wasm_engine_delete(engine);
    if (failures) fprintf(stderr, "harness [%s]: %d failure(s)\n", opt.engine, failures);
    return failures ? 1 : 0;
}
