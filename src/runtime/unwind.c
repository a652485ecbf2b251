// Trap unwinding on targets without the hand-written entry of signals.rs (x86-64 has one):
// setjmp/longjmp must be used from C to be well defined, so the runtime enters compiled code
// through this helper and the signal handler leaves it through the matching jump.
#if !defined(__x86_64__)
#include <setjmp.h>
#include <stdint.h>

typedef void (*wasmlift_entry_fn)(void *a, void *b, void *c);

// Calls `fn(a, b, c)`. Stores the jump buffer's address in `*jmp_slot` first so that a trap can
// come back here; returns 1 when `fn` returned normally, 0 when a trap jumped back.
int wasmlift_catch_traps(void **jmp_slot, wasmlift_entry_fn fn, void *a, void *b, void *c) {
  jmp_buf buf;
  if (_setjmp(buf) != 0) {
    return 0;
  }
  *jmp_slot = &buf;
  fn(a, b, c);
  return 1;
}

// Jumps back to the `wasmlift_catch_traps` that stored `jmp`. Does not return.
void wasmlift_unwind(void *jmp) {
  _longjmp(*(jmp_buf *)jmp, 1);
}
#else
// ISO C forbids an empty translation unit.
typedef int wasmlift_unwind_is_in_signals_rs;
#endif
