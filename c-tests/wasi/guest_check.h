/* Check helpers for the WASI guest test programs (compiled for wasm32-wasi): each check
 * prints what failed and counts it; main() returns non-zero if anything failed. */
#ifndef GUEST_CHECK_H
#define GUEST_CHECK_H
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static int checks, failures;

#define EXPECT(call, want)                                                                      \
  do {                                                                                          \
    int got_ = (int)(call);                                                                     \
    checks++;                                                                                   \
    if (got_ != (int)(want)) {                                                                  \
      fprintf(stderr, "%s:%d: %s returned %d, expected %d (%s)\n", __FILE__, __LINE__, #call, \
              got_, (int)(want), #want);                                                        \
      failures++;                                                                               \
    }                                                                                           \
  } while (0)
#define OK(call) EXPECT(call, __WASI_ERRNO_SUCCESS)
#define TRUE(cond)                                                                  \
  do {                                                                              \
    checks++;                                                                       \
    if (!(cond)) {                                                                  \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);     \
      failures++;                                                                   \
    }                                                                               \
  } while (0)

#define ALL_RIGHTS ((__wasi_rights_t)0x3FFFFFFF)

#define RAW_IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

static int finish(const char *what) {
  printf("%s: %d checks, %d failures\n", what, checks, failures);
  return failures ? 1 : 0;
}
#endif
