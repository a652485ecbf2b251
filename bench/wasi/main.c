/* Turns a benchmark kernel (bench/kernels/<name>.c, exporting run(n)) into a WASI command:
 * `<name>.wasm N` prints run(N), the kernel's checksum. Linked with the kernel source by
 * bench/wasi/run.sh, natively and for wasm32-wasi from the same files. */
#include <stdio.h>
#include <stdlib.h>

long long run(int n);
#ifndef __wasm__
long long NATIVE_ENTRY(int n);
long long run(int n) { return NATIVE_ENTRY(n); }
#endif

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s N\n", argv[0]);
    return 2;
  }
  printf("%lld\n", run(atoi(argv[1])));
  return 0;
}
