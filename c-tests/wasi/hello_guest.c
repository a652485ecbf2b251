/* WASI guest for embed_test.c: writes to stdout and stderr, upper-cases stdin to stdout and
 * exits with its argument count (through proc_exit, since that is not 0). */
#include <ctype.h>
#include <stdio.h>

int main(int argc, char **argv) {
  printf("hello from %s\n", argv[0]);
  fprintf(stderr, "to stderr\n");
  int c;
  while ((c = getchar()) != EOF) putchar(toupper(c));
  return argc;
}
