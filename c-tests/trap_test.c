// Traps raised by wasm code: one case per trap kind (unreachable, integer divide by zero,
// integer overflow, invalid conversion to integer, out of bounds memory access, out of bounds
// table access, undefined element, uninitialized element, indirect call type mismatch, call
// stack exhausted), each checking the message, the origin frame (function index, the module
// offset of the trapping instruction as found in the binary, the function offset, the instance)
// and the trace (innermost first: a trap three calls deep has the three frames, each at its
// call instruction). Run with guard pages and with explicit bounds checks.
#define _GNU_SOURCE  // REG_RIP, sigsetjmp
#include "test_util.h"

#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <ucontext.h>

// Every trapping instruction is the last one of its function (just before `end`), so its offset
// follows from the function body's end; call sites likewise.
static const char* TRAP_WAT =
    "(module"
    "  (type $ii (func (param i32) (result i32)))"
    "  (type $v (func))"
    "  (memory (export \"mem\") 1)"
    "  (table $t 4 funcref)"
    "  (elem (table $t) (i32.const 0) func $div0 $unreachable)"
    /* 0 */ "  (func $unreachable (export \"unreachable\") (type $v) (unreachable))"
    /* 1 */ "  (func $div0 (export \"div0\") (type $ii) (i32.div_s (i32.const 1) (local.get 0)))"
    /* 2 */ "  (func (export \"rem0_64\") (param i64) (result i64) (i64.rem_u (i64.const 5) (local.get 0)))"
    /* 3 */ "  (func (export \"div_overflow\") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))"
    /* 4 */ "  (func (export \"trunc_f32_s\") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))"
    /* 5 */ "  (func (export \"trunc_f64_u\") (param f64) (result i64) (i64.trunc_f64_u (local.get 0)))"
    /* 6 */ "  (func $load (export \"load\") (param i32) (result i32) (i32.load (local.get 0)))"
    /* 7 */ "  (func (export \"store\") (param i32) (i64.store (local.get 0) (i64.const 1)))"
    /* 8 */ "  (func (export \"table_get\") (param i32) (result funcref) (table.get $t (local.get 0)))"
    /* 9 */ "  (func (export \"call_indirect\") (param i32) (result i32)"
    "          (call_indirect $t (type $ii) (i32.const 7) (local.get 0)))"
    /* 10 */ "  (func $recurse (export \"recurse\") (param i32) (result i32)"
    "           (i32.add (i32.const 1) (call $recurse (local.get 0))))"
    /* 11 */ "  (func $c (param i32) (result i32) (unreachable))"
    /* 12 */ "  (func $b (param i32) (result i32) (call $c (local.get 0)))"
    /* 13 */ "  (func $a (export \"deep\") (param i32) (result i32) (call $b (local.get 0)))"
    /* 14 */ "  (func (export \"deep_load\") (param i32) (result i32) (call $load (local.get 0)))"
    /* 15 */ "  (func (export \"ok\") (param i32) (result i32) (local.get 0)))";

enum { F_UNREACHABLE, F_DIV0, F_REM0_64, F_DIV_OVERFLOW, F_TRUNC_F32_S, F_TRUNC_F64_U, F_LOAD, F_STORE, F_TABLE_GET,
       F_CALL_INDIRECT, F_RECURSE, F_C, F_B, F_A, F_DEEP_LOAD, F_PLAIN, NFUNCS };

// Bytes from the trapping instruction's opcode to the end of the body, per function.
static const size_t TRAP_TAIL[NFUNCS] = {
    [F_UNREACHABLE] = 2,   // 00 0b
    [F_DIV0] = 2,          // 6d 0b
    [F_REM0_64] = 2,       // 82 0b
    [F_DIV_OVERFLOW] = 2,  // 6d 0b
    [F_TRUNC_F32_S] = 2,   // a8 0b
    [F_TRUNC_F64_U] = 2,   // b1 0b
    [F_LOAD] = 4,          // 28 align offset 0b
    [F_STORE] = 4,         // 37 align offset 0b
    [F_TABLE_GET] = 3,     // 25 table 0b
    [F_CALL_INDIRECT] = 4, // 11 type table 0b
    [F_RECURSE] = 0,       // traps in the prologue: anywhere in the body
    [F_C] = 2,             // 00 0b
    [F_B] = 3,             // 10 func 0b
    [F_A] = 3,             // 10 func 0b
    [F_DEEP_LOAD] = 3,     // 10 func 0b
};

typedef struct {
  size_t start, end;  // body bytes (after the size prefix), end exclusive
} body_t;

static body_t bodies[NFUNCS];

static uint64_t read_leb(const unsigned char* p, size_t len, size_t* pos) {
  uint64_t v = 0;
  int shift = 0;
  while (*pos < len) {
    unsigned char b = p[(*pos)++];
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
    shift += 7;
  }
  return v;
}

// Finds the function bodies in the code section of `bin` (a module without imported functions).
static void find_bodies(const wasm_byte_vec_t* bin) {
  const unsigned char* p = (const unsigned char*)bin->data;
  size_t len = bin->size, pos = 8;
  int found = 0;
  while (pos < len) {
    unsigned id = p[pos++];
    size_t size = (size_t)read_leb(p, len, &pos);
    size_t section_end = pos + size;
    if (id == 10) {
      size_t count = (size_t)read_leb(p, len, &pos);
      REQUIRE(count == NFUNCS);
      for (size_t i = 0; i < count; i++) {
        size_t body_size = (size_t)read_leb(p, len, &pos);
        bodies[i].start = pos;
        bodies[i].end = pos + body_size;
        REQUIRE(p[bodies[i].end - 1] == 0x0b);  // every body ends with `end`
        pos += body_size;
      }
      found = 1;
    }
    pos = section_end;
  }
  REQUIRE(found);
}

static size_t trap_offset(int func) {
  return bodies[func].end - TRAP_TAIL[func];
}

// Checks one frame: function index, and the module offset (exact when `exact`, otherwise just
// inside the body); the function offset is relative to the body start.
static void check_frame_(const char* file, int line, const wasm_frame_t* frame, int func, int exact,
                         const wasm_instance_t* instance) {
  __atomic_fetch_add(&test_checks_, 1, __ATOMIC_RELAXED);
  if (frame == NULL) {
    test_fail_(file, line, "no frame, expected one in function %d", func);
    return;
  }
  uint32_t index = wasm_frame_func_index(frame);
  size_t module_offset = wasm_frame_module_offset(frame);
  size_t func_offset = wasm_frame_func_offset(frame);
  if (index != (uint32_t)func) test_fail_(file, line, "frame in function %u, expected %d", index, func);
  if (exact) {
    size_t expected = trap_offset(func);
    if (module_offset != expected)
      test_fail_(file, line, "frame of function %d at module offset 0x%zx, expected 0x%zx (body 0x%zx..0x%zx)", func,
                 module_offset, expected, bodies[func].start, bodies[func].end);
  } else if (module_offset < bodies[func].start || module_offset >= bodies[func].end) {
    test_fail_(file, line, "frame of function %d at module offset 0x%zx, outside its body 0x%zx..0x%zx", func,
               module_offset, bodies[func].start, bodies[func].end);
  }
  if (func_offset != module_offset - bodies[func].start)
    test_fail_(file, line, "function offset 0x%zx, expected module offset 0x%zx - body start 0x%zx", func_offset,
               module_offset, bodies[func].start);
  wasm_instance_t* fi = wasm_frame_instance(frame);
  if (instance && !(fi && wasm_instance_same(fi, instance)))
    test_fail_(file, line, "frame instance is not the instance that trapped");
  // A copy says the same.
  wasm_frame_t* copy = wasm_frame_copy(frame);
  if (!copy || wasm_frame_func_index(copy) != index || wasm_frame_module_offset(copy) != module_offset ||
      wasm_frame_func_offset(copy) != func_offset)
    test_fail_(file, line, "wasm_frame_copy differs");
  if (copy) wasm_frame_delete(copy);
}
#define CHECK_FRAME(frame, func, exact, inst) check_frame_(__FILE__, __LINE__, (frame), (func), (exact), (inst))

// Checks a trap: message, origin, and the trace's innermost frames (func indices in `trace`,
// `n` of them; all exact except where the function is F_RECURSE).
static void check_trap_(const char* file, int line, wasm_trap_t* trap, const char* message, const int* trace, size_t n,
                        const wasm_instance_t* instance) {
  __atomic_fetch_add(&test_checks_, 1, __ATOMIC_RELAXED);
  if (trap == NULL) {
    test_fail_(file, line, "no trap, expected \"%s\"", message);
    return;
  }
  char* msg = trap_message(trap);
  if (strcmp(msg, message) != 0) test_fail_(file, line, "trap \"%s\", expected \"%s\"", msg, message);
  free(msg);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  check_frame_(file, line, origin, trace[0], trace[0] != F_RECURSE, instance);
  if (origin) wasm_frame_delete(origin);
  wasm_frame_vec_t frames;
  wasm_trap_trace(trap, &frames);
  if (frames.size < n) {
    test_fail_(file, line, "trace has %zu frames, expected at least %zu", frames.size, n);
  } else {
    for (size_t i = 0; i < n; i++) check_frame_(file, line, frames.data[i], trace[i], trace[i] != F_RECURSE, instance);
    // Nothing but wasm frames of this call: no more frames than the calls made.
    if (trace[0] != F_RECURSE && frames.size != n)
      test_fail_(file, line, "trace has %zu frames, expected exactly %zu", frames.size, n);
  }
  wasm_frame_vec_delete(&frames);
  wasm_trap_delete(trap);
}
#define CHECK_TRAP(trap, message, inst, ...)                                                              \
  check_trap_(__FILE__, __LINE__, (trap), (message), (const int[]){__VA_ARGS__},                         \
              sizeof((const int[]){__VA_ARGS__}) / sizeof(int), (inst))

// Whether a hardware divide error (SIGFPE) reports the dividing instruction's address. Always
// natively; under valgrind only with --vex-iropt-register-updates=allregs-at-each-insn, without
// which the engine cannot tell that the fault was wasm's (it forwards the signal and the process
// dies). Probed with our own handler before the engine installs its own.
static int precise_sigfpe = 1;

#if defined(__x86_64__) && defined(__linux__)
static sigjmp_buf probe_jmp;
static volatile uintptr_t probe_pc;

static void probe_handler(int sig, siginfo_t* info, void* ctx) {
  (void)sig;
  (void)info;
  probe_pc = (uintptr_t)((ucontext_t*)ctx)->uc_mcontext.gregs[REG_RIP];
  siglongjmp(probe_jmp, 1);
}

// probe_div(a, b) divides a by b with a `div` instruction at the label probe_div_insn.
long probe_div(long a, long b);
extern const char probe_div_insn[];
__asm__(".text\n.globl probe_div\nprobe_div:\n  mov %rdi, %rax\n  xor %edx, %edx\n"
        ".globl probe_div_insn\nprobe_div_insn:\n  div %rsi\n  ret\n");

static void probe_sigfpe(void) {
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = probe_handler;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGFPE, &sa, &old);
  probe_pc = 0;
  if (sigsetjmp(probe_jmp, 1) == 0) probe_div(1, 0);
  sigaction(SIGFPE, &old, NULL);
  precise_sigfpe = probe_pc == (uintptr_t)probe_div_insn;
  if (!precise_sigfpe)
    printf("trap_test: SIGFPE reports an imprecise PC here (valgrind without "
           "--vex-iropt-register-updates=allregs-at-each-insn): divide-by-zero cases skipped\n");
}
#else
static void probe_sigfpe(void) {}
#endif

static wasm_trap_t* call_val(const wasm_func_t* f, wasm_val_t arg) {
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_trap_t* t = call(f, &arg, 1, r, wasm_func_result_arity(f));
  if (t == NULL) wasm_val_delete(&r[0]);
  return t;
}

static void run(wasm_engine_t* engine, const char* mode) {
  printf("trap_test: %s\n", mode);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store, TRAP_WAT);
  wasm_instance_t* inst = instantiate(store, module, NULL, 0);
  wasm_memory_t* mem = export_memory(module, inst, "mem");
  expect_guard_faults(mem);
#define FN(var, name) wasm_func_t* var = export_func(module, inst, name)
  FN(unreachable, "unreachable");
  FN(div0, "div0");
  FN(rem0_64, "rem0_64");
  FN(div_overflow, "div_overflow");
  FN(trunc_f32_s, "trunc_f32_s");
  FN(trunc_f64_u, "trunc_f64_u");
  FN(load, "load");
  FN(store_fn, "store");
  FN(table_get, "table_get");
  FN(call_indirect, "call_indirect");
  FN(recurse, "recurse");
  FN(deep, "deep");
  FN(deep_load, "deep_load");
  FN(ok, "ok");
#undef FN

  CHECK_TRAP(call(unreachable, NULL, 0, NULL, 0), "unreachable", inst, F_UNREACHABLE);
  if (precise_sigfpe) {
    CHECK_TRAP(call_val(div0, (wasm_val_t)WASM_I32_VAL(0)), "integer divide by zero", inst, F_DIV0);
    CHECK_TRAP(call_val(rem0_64, (wasm_val_t)WASM_I64_VAL(0)), "integer divide by zero", inst, F_REM0_64);
  }
  {
    wasm_val_t args[2] = {WASM_I32_VAL(INT32_MIN), WASM_I32_VAL(-1)};
    wasm_val_t r[1];
    CHECK_TRAP(call(div_overflow, args, 2, r, 1), "integer overflow", inst, F_DIV_OVERFLOW);
    args[1].of.i32 = 0;
    if (precise_sigfpe) CHECK_TRAP(call(div_overflow, args, 2, r, 1), "integer divide by zero", inst, F_DIV_OVERFLOW);
    args[1].of.i32 = 1;  // no trap: INT_MIN / 1
    CHECK_NO_TRAP(call(div_overflow, args, 2, r, 1));
    CHECK_EQ(r[0].of.i32, INT32_MIN);
  }
  CHECK_TRAP(call_val(trunc_f32_s, (wasm_val_t)WASM_F32_VAL(NAN)), "invalid conversion to integer", inst, F_TRUNC_F32_S);
  CHECK_TRAP(call_val(trunc_f32_s, (wasm_val_t)WASM_F32_VAL(3e9f)), "integer overflow", inst, F_TRUNC_F32_S);
  CHECK_TRAP(call_val(trunc_f32_s, (wasm_val_t)WASM_F32_VAL(-2147483904.0f)), "integer overflow", inst, F_TRUNC_F32_S);
  CHECK_TRAP(call_val(trunc_f64_u, (wasm_val_t)WASM_F64_VAL(-NAN)), "invalid conversion to integer", inst, F_TRUNC_F64_U);
  CHECK_TRAP(call_val(trunc_f64_u, (wasm_val_t)WASM_F64_VAL(-1.0)), "integer overflow", inst, F_TRUNC_F64_U);
  CHECK_TRAP(call_val(trunc_f64_u, (wasm_val_t)WASM_F64_VAL(1.8446744073709552e19)), "integer overflow", inst,
             F_TRUNC_F64_U);
  CHECK_NO_TRAP(call_val(trunc_f64_u, (wasm_val_t)WASM_F64_VAL(-0.99)));  // truncates to 0
  CHECK_NO_TRAP(call_val(trunc_f32_s, (wasm_val_t)WASM_F32_VAL(-2147483648.0f)));
  CHECK_TRAP(call_val(load, (wasm_val_t)WASM_I32_VAL(65536 - 3)), "out of bounds memory access", inst, F_LOAD);
  CHECK_TRAP(call_val(load, (wasm_val_t)WASM_I32_VAL(-1)), "out of bounds memory access", inst, F_LOAD);
  CHECK_TRAP(call(store_fn, (wasm_val_t[]){WASM_I32_VAL(65536 - 7)}, 1, NULL, 0), "out of bounds memory access", inst,
             F_STORE);
  CHECK_TRAP(call_val(table_get, (wasm_val_t)WASM_I32_VAL(4)), "out of bounds table access", inst, F_TABLE_GET);
  CHECK_TRAP(call_val(call_indirect, (wasm_val_t)WASM_I32_VAL(4)), "undefined element", inst, F_CALL_INDIRECT);
  CHECK_TRAP(call_val(call_indirect, (wasm_val_t)WASM_I32_VAL(INT32_MIN)), "undefined element", inst, F_CALL_INDIRECT);
  CHECK_TRAP(call_val(call_indirect, (wasm_val_t)WASM_I32_VAL(2)), "uninitialized element", inst, F_CALL_INDIRECT);
  CHECK_TRAP(call_val(call_indirect, (wasm_val_t)WASM_I32_VAL(1)), "indirect call type mismatch", inst, F_CALL_INDIRECT);
  // Entry 0 is $div0 (the right type): it runs, so 7 / 0 does not happen (div0(7) = 1 / 7 = 0).
  {
    wasm_val_t r[1];
    CHECK_NO_TRAP(call(call_indirect, (wasm_val_t[]){WASM_I32_VAL(0)}, 1, r, 1));
    CHECK_EQ(r[0].of.i32, 0);
  }

  // Three calls deep: origin in $c at `unreachable`, then $b and $a at their calls.
  CHECK_TRAP(call_val(deep, (wasm_val_t)WASM_I32_VAL(0)), "unreachable", inst, F_C, F_B, F_A);
  // A fault (not a trap instruction) two calls deep.
  CHECK_TRAP(call_val(deep_load, (wasm_val_t)WASM_I32_VAL(65536)), "out of bounds memory access", inst, F_LOAD,
             F_DEEP_LOAD);

  // Unbounded recursion: every frame of the trace is the recursive function.
  {
    wasm_trap_t* t = call_val(recurse, (wasm_val_t)WASM_I32_VAL(0));
    REQUIRE(t != NULL);
    wasm_frame_vec_t frames;
    wasm_trap_trace(t, &frames);
    CHECK_MSG(frames.size >= 3, "stack exhaustion trace has %zu frames", frames.size);
    size_t wrong = 0;
    for (size_t i = 0; i < frames.size; i++)
      if (wasm_frame_func_index(frames.data[i]) != F_RECURSE) wrong++;
    CHECK_EQ(wrong, 0);
    wasm_frame_vec_delete(&frames);
    CHECK_TRAP(t, "call stack exhausted", inst, F_RECURSE, F_RECURSE, F_RECURSE);
  }

  // After all of these the instance works normally.
  CHECK_EQ(CALL_I32(ok, 5), 5);
  CHECK_EQ(CALL_I32(div0, 1), 1);
  ((unsigned char*)wasm_memory_data(mem))[100] = 42;
  CHECK_EQ(CALL_I32(load, 100), 42);

  // A trap object outlives the instance, the module and the store; its frames too.
  wasm_trap_t* kept = call_val(deep, (wasm_val_t)WASM_I32_VAL(0));
  wasm_func_t* all[] = {unreachable, div0, rem0_64, div_overflow, trunc_f32_s, trunc_f64_u, load,
                        store_fn, table_get, call_indirect, recurse, deep, deep_load, ok};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) wasm_func_delete(all[i]);
  unexpect_guard_faults(mem);
  wasm_memory_delete(mem);
  wasm_instance_delete(inst);
  wasm_module_delete(module);
  wasm_store_delete(store);
  CHECK_TRAP(kept, "unreachable", NULL, F_C, F_B, F_A);
}

int main(void) {
  probe_sigfpe();
  wasm_byte_vec_t binary;
  wat_to_wasm(TRAP_WAT, &binary);
  find_bodies(&binary);
  wasm_byte_vec_delete(&binary);

  wasm_engine_t* engine = engine_with_bounds_checks(0);
  run(engine, "guard pages");
  wasm_engine_delete(engine);

  engine = engine_with_bounds_checks(1);
  run(engine, "explicit bounds checks");
  wasm_engine_delete(engine);
  return test_report("trap_test");
}
