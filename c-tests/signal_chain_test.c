// Signal handler chaining: the host installs its own SIGSEGV (and SIGILL/SIGFPE/SIGBUS) handlers
// before creating the engine. Wasm traps (an out-of-bounds access through the guard pages,
// unreachable, division by zero) are still the engine's and never reach the host's handler;
// faults in host code — before, between and after wasm calls, and inside a host callback called
// from wasm — still reach the host's handler, which either siglongjmps out or fixes the page
// protection and returns so the faulting write is retried.
#define _GNU_SOURCE  // MAP_ANONYMOUS, sigsetjmp
#include "test_util.h"

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

static char* page;  // PROT_NONE until a handler fixes it
static size_t page_size;
static volatile sig_atomic_t segv_count = 0, segv_fixes = 0, other_count = 0;
static volatile sig_atomic_t fix_mode = 0;  // 1: fix the protection and return; 0: jump out
static volatile void* segv_addr = NULL;
static sigjmp_buf jump_out;
// Whether a handler may fix the fault and return. Not under valgrind: with its default
// --vex-iropt-register-updates the registers in the signal context are not all up to date, so
// the resumed write goes astray (valgrind documents allregs-at-mem-access for such programs).
static int can_resume = 1;

static void segv_handler(int sig, siginfo_t* info, void* ctx) {
  (void)ctx;
  segv_count++;
  segv_addr = info->si_addr;
  if (sig == SIGSEGV && fix_mode && (char*)info->si_addr >= page && (char*)info->si_addr < page + page_size) {
    mprotect(page, page_size, PROT_READ | PROT_WRITE);
    segv_fixes++;
    return;  // the write runs again and succeeds
  }
  siglongjmp(jump_out, 1);
}

// A plain (non-SA_SIGINFO) handler for the other signals.
static void other_handler(int sig) {
  (void)sig;
  other_count++;
  siglongjmp(jump_out, 2);
}

static void protect_page(void) {
  REQUIRE(mprotect(page, page_size, PROT_NONE) == 0);
}

// Writes to the protected page; returns how the write ended: 0 completed, 1/2 jumped out.
static int host_fault(int value) {
  int how = sigsetjmp(jump_out, 1);
  if (how == 0) {
    ((volatile char*)page)[17] = (char)value;
  }
  return how;
}

static int host_illegal_instruction(void) {
  int how = sigsetjmp(jump_out, 1);
  if (how == 0) __builtin_trap();
  return how;
}

static void check_host_faults(const char* when) {
  int segv_before = segv_count, fixes_before = segv_fixes;
  // Jump out of the handler.
  protect_page();
  fix_mode = 0;
  CHECK_MSG(host_fault(1) == 1, "%s: the host's SIGSEGV handler did not jump out", when);
  CHECK_MSG(segv_count == segv_before + 1, "%s: host SIGSEGV handler ran %d times", when, segv_count - segv_before);
  CHECK_MSG(segv_addr == page + 17, "%s: fault address %p, expected %p", when, (void*)segv_addr, (void*)(page + 17));
  // Fix the protection and return: the write completes.
  if (can_resume) {
    fix_mode = 1;
    CHECK_MSG(host_fault(42) == 0, "%s: the write did not complete after the fix", when);
    CHECK_MSG(segv_fixes == fixes_before + 1, "%s: the handler did not fix the page", when);
    CHECK_MSG(page[17] == 42, "%s: the retried write is not there", when);
    fix_mode = 0;
  }
  // SIGILL to a plain handler.
  int other_before = other_count;
  CHECK_MSG(host_illegal_instruction() == 2, "%s: the host's SIGILL handler did not run", when);
  CHECK_EQ(other_count, other_before + 1);
}

// A host callback called from wasm that writes to the protected page (fixed by the handler).
static wasm_trap_t* faulting_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  protect_page();
  fix_mode = 1;
  ((volatile char*)page)[100] = (char)args->data[0].of.i32;
  fix_mode = 0;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = page[100] + 1;
  return NULL;
}

int main(void) {
  can_resume = !test_under_valgrind();
  if (!can_resume) printf("signal_chain_test: under valgrind: fix-and-return cases skipped\n");
  page_size = (size_t)sysconf(_SC_PAGESIZE);
  page = mmap(NULL, page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  REQUIRE(page != MAP_FAILED);
  test_expect_faults_in(page, page_size);  // the host's own deliberate faults

  // The host's handlers come first.
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = segv_handler;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  REQUIRE(sigaction(SIGSEGV, &sa, NULL) == 0);
  REQUIRE(sigaction(SIGBUS, &sa, NULL) == 0);
  struct sigaction plain;
  memset(&plain, 0, sizeof plain);
  plain.sa_handler = other_handler;
  plain.sa_flags = SA_NODEFER;
  sigemptyset(&plain.sa_mask);
  REQUIRE(sigaction(SIGILL, &plain, NULL) == 0);
  REQUIRE(sigaction(SIGFPE, &plain, NULL) == 0);
  check_host_faults("before the engine");

  wasm_engine_t* engine = engine_with_bounds_checks(0);  // wasm's out-of-bounds trap is a SIGSEGV too
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_wat(store,
      "(module (import \"\" \"cb\" (func $cb (param i32) (result i32)))"
      "  (memory (export \"mem\") 1)"
      "  (func (export \"load\") (param i32) (result i32) (i32.load (local.get 0)))"
      "  (func (export \"trap\") (unreachable))"
      "  (func (export \"div\") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))"
      "  (func (export \"via_host\") (param i32) (result i32) (i32.mul (call $cb (local.get 0)) (i32.const 2))))");
  wasm_valkind_t i[] = {WASM_I32};
  wasm_func_t* cb = host_func(store, 1, i, 1, i, faulting_callback);
  wasm_extern_t* imports[] = {wasm_func_as_extern(cb)};
  wasm_instance_t* inst = instantiate(store, module, imports, 1);
  wasm_memory_t* mem = export_memory(module, inst, "mem");
  expect_guard_faults(mem);
  wasm_func_t* load = export_func(module, inst, "load");
  wasm_func_t* trap = export_func(module, inst, "trap");
  wasm_func_t* div = export_func(module, inst, "div");
  wasm_func_t* via_host = export_func(module, inst, "via_host");
  check_host_faults("after creating the engine");

  for (int round = 0; round < 3; round++) {
    int segv_before = segv_count, other_before = other_count;
    // Wasm traps are the engine's: the host's handlers are not involved.
    wasm_val_t a[1] = {WASM_I32_VAL(65536)}, r[1];
    wasm_trap_t* t = call(load, a, 1, r, 1);
    CHECK_TRAP_IS(t, "out of bounds memory access");
    if (t) wasm_trap_delete(t);
    t = call(trap, NULL, 0, NULL, 0);
    CHECK_TRAP_IS(t, "unreachable");
    if (t) wasm_trap_delete(t);
    if (!test_under_valgrind()) {  // valgrind reports no precise PC for SIGFPE (see trap_test.c)
      a[0].of.i32 = 0;
      t = call(div, a, 1, r, 1);
      CHECK_TRAP_IS(t, "integer divide by zero");
      if (t) wasm_trap_delete(t);
    }
    CHECK_MSG(segv_count == segv_before && other_count == other_before,
              "wasm traps reached the host's handlers (SIGSEGV %d, other %d)", segv_count - segv_before,
              other_count - other_before);
    // Host faults still reach the host.
    check_host_faults("after wasm traps");
    // A fault in a host callback called from wasm reaches the host's handler, which fixes it;
    // the callback and the wasm code continue.
    if (can_resume) {
      int fixes_before = segv_fixes;
      CHECK_EQ(CALL_I32(via_host, 20 + round), 2 * (20 + round + 1));
      CHECK_EQ(segv_fixes, fixes_before + 1);
      CHECK(page[100] == 20 + round);
    }
    // Wasm works normally.
    CHECK_EQ(CALL_I32(load, 0), 0);
  }

  wasm_func_delete(load);
  wasm_func_delete(trap);
  wasm_func_delete(div);
  wasm_func_delete(via_host);
  wasm_func_delete(cb);
  unexpect_guard_faults(mem);
  wasm_memory_delete(mem);
  wasm_instance_delete(inst);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  check_host_faults("after deleting the engine");
  test_unexpect_faults_in(page, page_size);
  munmap(page, page_size);
  return test_report("signal_chain_test");
}
