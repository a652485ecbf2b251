/* WASI guest test (wasm32-wasi): args, environ, clocks, random_get, sched_yield, poll_oneoff
 * (clocks and fds), proc_raise and proc_exit, stdio. run_misc_test.sh runs it with known
 * arguments, environment and stdin, and checks the exit statuses of the "exit", "raise" and
 * "trap" modes. */
#include <stdint.h>
#include <stdlib.h>
#include "guest_check.h"

RAW_IMPORT(proc_raise) int32_t raw_proc_raise(int32_t sig);
RAW_IMPORT(random_get) int32_t raw_random_get(int32_t buf, int32_t len);
RAW_IMPORT(args_get) int32_t raw_args_get(int32_t argv, int32_t buf);
RAW_IMPORT(clock_time_get) int32_t raw_clock_time_get(int32_t id, int64_t precision, int32_t out);

static void args_env(int argc, char **argv) {
  TRUE(argc == 4);
  TRUE(strcmp(argv[1], "one") == 0 && strcmp(argv[2], "two words") == 0 && strcmp(argv[3], "\xc3\xbcn\xc3\xaf") == 0);
  __wasi_size_t count, size;
  OK(__wasi_args_sizes_get(&count, &size));
  TRUE(count == 4 && size == strlen(argv[0]) + 1 + 4 + 10 + 6);
  static uint8_t *ptrs[8];
  static uint8_t buf[256];
  OK(__wasi_args_get(ptrs, buf));
  TRUE(strcmp((char *)ptrs[2], "two words") == 0 && ptrs[1] == buf + strlen(argv[0]) + 1);
  EXPECT(raw_args_get((int32_t)0xFFFFFFF0u, (int32_t)(uintptr_t)buf), __WASI_ERRNO_FAULT);
  EXPECT(raw_args_get((int32_t)(uintptr_t)ptrs, (int32_t)0xFFFFFFF8u), __WASI_ERRNO_FAULT);

  TRUE(getenv("FOO") && strcmp(getenv("FOO"), "bar=baz") == 0);
  TRUE(getenv("EMPTY") && getenv("EMPTY")[0] == '\0');
  TRUE(getenv("HOME") == NULL && getenv("PATH") == NULL); /* nothing leaks from the host */
  OK(__wasi_environ_sizes_get(&count, &size));
  TRUE(count == 2 && size == 12 + 7);
}

static __wasi_timestamp_t now(__wasi_clockid_t id) {
  __wasi_timestamp_t t = 0;
  OK(__wasi_clock_time_get(id, 1, &t));
  return t;
}

static void clocks_random(void) {
  __wasi_timestamp_t res;
  for (__wasi_clockid_t id = 0; id < 4; id++) {
    OK(__wasi_clock_res_get(id, &res));
    TRUE(res > 0 && res <= 1000000000ull);
  }
  EXPECT(__wasi_clock_res_get(4, &res), __WASI_ERRNO_INVAL);
  __wasi_timestamp_t t;
  EXPECT(__wasi_clock_time_get(77, 0, &t), __WASI_ERRNO_INVAL);
  EXPECT(raw_clock_time_get(0, 0, (int32_t)0xFFFFFFFCu), __WASI_ERRNO_FAULT);
  TRUE(now(__WASI_CLOCKID_REALTIME) > 1577836800ull * 1000000000ull); /* after 2020 */
  __wasi_timestamp_t m1 = now(__WASI_CLOCKID_MONOTONIC);
  OK(__wasi_sched_yield());
  __wasi_timestamp_t m2 = now(__WASI_CLOCKID_MONOTONIC);
  TRUE(m2 >= m1);
  TRUE(now(__WASI_CLOCKID_PROCESS_CPUTIME_ID) > 0 && now(__WASI_CLOCKID_THREAD_CPUTIME_ID) > 0);

  static uint8_t a[64], b[64], zero[64];
  OK(__wasi_random_get(a, sizeof a));
  OK(__wasi_random_get(b, sizeof b));
  TRUE(memcmp(a, zero, sizeof a) != 0 && memcmp(a, b, sizeof a) != 0);
  OK(__wasi_random_get(a, 0));
  EXPECT(raw_random_get((int32_t)0xFFFFFF00u, 0x200), __WASI_ERRNO_FAULT);
}

static void clock_sub(__wasi_subscription_t *s, uint64_t user, __wasi_clockid_t id, uint64_t timeout, uint16_t flags) {
  memset(s, 0, sizeof *s);
  s->userdata = user;
  s->u.tag = __WASI_EVENTTYPE_CLOCK;
  s->u.u.clock.id = id;
  s->u.u.clock.timeout = timeout;
  s->u.u.clock.flags = flags;
}

static void fd_sub(__wasi_subscription_t *s, uint64_t user, __wasi_eventtype_t type, __wasi_fd_t fd) {
  memset(s, 0, sizeof *s);
  s->userdata = user;
  s->u.tag = type;
  s->u.u.fd_read.file_descriptor = fd;
}

static void poll(void) {
  __wasi_subscription_t in[4];
  __wasi_event_t out[4];
  __wasi_size_t n = 99;
  EXPECT(__wasi_poll_oneoff(in, out, 0, &n), __WASI_ERRNO_INVAL);

  /* A relative monotonic timeout really waits. */
  clock_sub(&in[0], 11, __WASI_CLOCKID_MONOTONIC, 30 * 1000000ull, 0);
  __wasi_timestamp_t t0 = now(__WASI_CLOCKID_MONOTONIC);
  OK(__wasi_poll_oneoff(in, out, 1, &n));
  TRUE(now(__WASI_CLOCKID_MONOTONIC) - t0 >= 30 * 1000000ull);
  TRUE(n == 1 && out[0].userdata == 11 && out[0].type == __WASI_EVENTTYPE_CLOCK && out[0].error == 0);

  /* An absolute realtime deadline in the past fires at once; the earlier of two clocks wins. */
  clock_sub(&in[0], 21, __WASI_CLOCKID_REALTIME, 1000, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  clock_sub(&in[1], 22, __WASI_CLOCKID_MONOTONIC, 10ull * 1000000000ull, 0);
  t0 = now(__WASI_CLOCKID_MONOTONIC);
  OK(__wasi_poll_oneoff(in, out, 2, &n));
  TRUE(n == 1 && out[0].userdata == 21);
  TRUE(now(__WASI_CLOCKID_MONOTONIC) - t0 < 5ull * 1000000000ull);

  /* Bad clock ids and bad fds are reported in their events. */
  clock_sub(&in[0], 31, 99, 0, 0);
  fd_sub(&in[1], 32, __WASI_EVENTTYPE_FD_READ, 999);
  OK(__wasi_poll_oneoff(in, out, 2, &n));
  TRUE(n == 2 && out[0].userdata == 31 && out[0].error == __WASI_ERRNO_INVAL);
  TRUE(out[1].userdata == 32 && out[1].error == __WASI_ERRNO_BADF && out[1].type == __WASI_EVENTTYPE_FD_READ);

  /* stdin (a file with data, from the test script) is readable; stdout is writable. */
  fd_sub(&in[0], 41, __WASI_EVENTTYPE_FD_READ, 0);
  fd_sub(&in[1], 42, __WASI_EVENTTYPE_FD_WRITE, 1);
  clock_sub(&in[2], 43, __WASI_CLOCKID_MONOTONIC, 10ull * 1000000000ull, 0);
  t0 = now(__WASI_CLOCKID_MONOTONIC);
  OK(__wasi_poll_oneoff(in, out, 3, &n));
  TRUE(n == 2 && now(__WASI_CLOCKID_MONOTONIC) - t0 < 5ull * 1000000000ull);
  int saw_read = 0, saw_write = 0;
  for (__wasi_size_t i = 0; i < n; i++) {
    if (out[i].userdata == 41) saw_read = out[i].error == 0 && out[i].type == __WASI_EVENTTYPE_FD_READ && out[i].fd_readwrite.nbytes == 12;
    if (out[i].userdata == 42) saw_write = out[i].error == 0 && out[i].type == __WASI_EVENTTYPE_FD_WRITE;
  }
  TRUE(saw_read && saw_write);
  EXPECT(__wasi_poll_oneoff(in, (__wasi_event_t *)0xFFFFFF00u, 3, &n), __WASI_ERRNO_FAULT);

  char line[32] = {0};
  __wasi_iovec_t iov = {(uint8_t *)line, sizeof line};
  OK(__wasi_fd_read(0, &iov, 1, &n));
  TRUE(n == 12 && memcmp(line, "stdin works\n", 12) == 0);
}

static void stdio_and_raise(void) {
  __wasi_fdstat_t st;
  for (__wasi_fd_t fd = 0; fd < 3; fd++) OK(__wasi_fd_fdstat_get(fd, &st));
  EXPECT(__wasi_fd_fdstat_get(3, &st), __WASI_ERRNO_BADF); /* no preopens given */
  EXPECT(raw_proc_raise(0), __WASI_ERRNO_SUCCESS);
  EXPECT(raw_proc_raise(16), __WASI_ERRNO_SUCCESS); /* SIGCHLD: ignored */
  EXPECT(raw_proc_raise(27), __WASI_ERRNO_SUCCESS); /* SIGWINCH: ignored */
  EXPECT(raw_proc_raise(18), __WASI_ERRNO_NOTSUP);  /* SIGSTOP: a guest cannot be suspended */
  EXPECT(raw_proc_raise(31), __WASI_ERRNO_INVAL);
  EXPECT(raw_proc_raise(-1), __WASI_ERRNO_INVAL);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "exit") == 0) __wasi_proc_exit(42);
  if (argc > 1 && strcmp(argv[1], "raise") == 0) {
    raw_proc_raise(15); /* SIGTERM ends the guest with status 128 + 15 */
    return 3;
  }
  if (argc > 1 && strcmp(argv[1], "trap") == 0) __builtin_trap();
  args_env(argc, argv);
  clocks_random();
  poll();
  stdio_and_raise();
  return finish("misc");
}
