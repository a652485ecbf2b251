// wasmlift_version() (the loaded library's version) agrees with the WASMLIFT_VERSION_* macros
// of wasmlift.h: the headers and the library come from the same release.
#include <stdio.h>
#include <string.h>
#include "wasm.h"
#include "wasmlift.h"

#if !defined(WASMLIFT_VERSION_MAJOR) || !defined(WASMLIFT_VERSION_MINOR) || !defined(WASMLIFT_VERSION_PATCH)
#error "wasmlift.h does not define the WASMLIFT_VERSION_* macros"
#endif

int main(void) {
  const char* version = wasmlift_version();
  if (version == NULL) {
    printf("FAIL: wasmlift_version() returned NULL\n");
    return 1;
  }
  char expected[64];
  snprintf(expected, sizeof expected, "%d.%d.%d", (int)WASMLIFT_VERSION_MAJOR, (int)WASMLIFT_VERSION_MINOR,
           (int)WASMLIFT_VERSION_PATCH);
  if (strcmp(version, expected) != 0) {
    printf("FAIL: wasmlift_version() = \"%s\", the macros say \"%s\"\n", version, expected);
    return 1;
  }
  if (wasmlift_version() != version) {
    printf("FAIL: wasmlift_version() is not a static string\n");
    return 1;
  }
  printf("version_test: wasmlift %s, all checks passed\n", version);
  return 0;
}
