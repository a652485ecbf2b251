// Trap unwinding: setjmp/longjmp must be used from C to be well defined, so the runtime enters
// compiled code through this helper and the signal handler leaves it through the matching jump.
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

// Valgrind's memcheck decides whether a change of the stack pointer is a stack switch or a
// growing/shrinking stack by distance. A longjmp from the signal stack back to a thread stack
// less than --max-stackframe away then looks like the thread stack growing across the gap and
// every live frame above it (and the thread's TLS) is marked undefined. Registering the signal
// stack makes memcheck see the switch. No-ops (a few instructions) when not under valgrind, and
// compiled out where valgrind's headers are not installed.
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define WASMLIFT_HAVE_VALGRIND_H 1
#endif
#endif

uintptr_t wasmlift_register_stack(void *start, void *end) {
#ifdef WASMLIFT_HAVE_VALGRIND_H
  return (uintptr_t)VALGRIND_STACK_REGISTER(start, end);
#else
  (void)start;
  (void)end;
  return 0;
#endif
}

void wasmlift_deregister_stack(uintptr_t id) {
#ifdef WASMLIFT_HAVE_VALGRIND_H
  VALGRIND_STACK_DEREGISTER(id);
#else
  (void)id;
#endif
}
