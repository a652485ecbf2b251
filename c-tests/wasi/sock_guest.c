/* WASI guest test (wasm32-wasi): sock_accept, sock_recv, sock_send, sock_shutdown and
 * poll_oneoff on sockets. embed_test.c preopens fd 3 = one end of a connected stream socket
 * pair (the host already wrote "pong!" into it) and fd 4 = a listening socket with one
 * connection pending (whose host side wrote "hello"), and checks what the guest sent back. */
#include <stdint.h>
#include "guest_check.h"

RAW_IMPORT(sock_recv) int32_t raw_sock_recv(int32_t fd, int32_t iovs, int32_t n, int32_t flags, int32_t len, int32_t oflags);

int main(void) {
  __wasi_fdstat_t st;
  OK(__wasi_fd_fdstat_get(3, &st));
  TRUE(st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM);
  __wasi_prestat_t ps;
  EXPECT(__wasi_fd_prestat_get(3, &ps), __WASI_ERRNO_BADF); /* not a directory */

  char buf[16] = {0};
  __wasi_iovec_t in = {(uint8_t *)buf, sizeof buf};
  __wasi_size_t n = 0;
  __wasi_roflags_t ro = 99;
  OK(__wasi_sock_recv(3, &in, 1, __WASI_RIFLAGS_RECV_PEEK, &n, &ro));
  TRUE(n == 5 && memcmp(buf, "pong!", 5) == 0 && ro == 0);
  memset(buf, 0, sizeof buf);
  OK(__wasi_sock_recv(3, &in, 1, 0, &n, &ro));
  TRUE(n == 5 && memcmp(buf, "pong!", 5) == 0); /* the peek left the data */
  EXPECT(__wasi_sock_recv(3, &in, 1, 0x40, &n, &ro), __WASI_ERRNO_INVAL);
  static __wasi_size_t len;
  static __wasi_roflags_t flags;
  EXPECT(raw_sock_recv(3, (int32_t)0xFFFFFFF0u, 1, 0, (int32_t)(uintptr_t)&len, (int32_t)(uintptr_t)&flags), __WASI_ERRNO_FAULT);
  __wasi_ciovec_t out[2] = {{(const uint8_t *)"pi", 2}, {(const uint8_t *)"ng", 2}};
  OK(__wasi_sock_send(3, out, 2, 0, &n));
  TRUE(n == 4);
  EXPECT(__wasi_sock_send(3, out, 2, 1, &n), __WASI_ERRNO_INVAL);
  EXPECT(__wasi_sock_shutdown(3, 0), __WASI_ERRNO_INVAL);
  EXPECT(__wasi_sock_shutdown(3, 4), __WASI_ERRNO_INVAL);
  OK(__wasi_sock_shutdown(3, __WASI_SDFLAGS_WR));
  EXPECT(__wasi_sock_send(3, out, 1, 0, &n), __WASI_ERRNO_PIPE);

  /* Not sockets, not listening. */
  EXPECT(__wasi_sock_recv(1, &in, 1, 0, &n, &ro), __WASI_ERRNO_NOTSOCK);
  EXPECT(__wasi_sock_shutdown(2, __WASI_SDFLAGS_RD), __WASI_ERRNO_NOTSOCK);
  __wasi_fd_t conn = 0;
  EXPECT(__wasi_sock_accept(1, 0, &conn), __WASI_ERRNO_NOTSOCK);
  EXPECT(__wasi_sock_accept(3, 0, &conn), __WASI_ERRNO_INVAL); /* connected, not listening */
  EXPECT(__wasi_sock_accept(4, 0x10, &conn), __WASI_ERRNO_INVAL);
  EXPECT(__wasi_sock_accept(99, 0, &conn), __WASI_ERRNO_BADF);

  /* The pending connection: poll says readable, then accept, receive, answer. */
  OK(__wasi_sock_accept(4, 0, &conn));
  TRUE(conn > 4);
  __wasi_subscription_t sub;
  memset(&sub, 0, sizeof sub);
  sub.userdata = 7;
  sub.u.tag = __WASI_EVENTTYPE_FD_READ;
  sub.u.u.fd_read.file_descriptor = conn;
  __wasi_event_t ev;
  OK(__wasi_poll_oneoff(&sub, &ev, 1, &n));
  TRUE(n == 1 && ev.userdata == 7 && ev.error == 0 && ev.fd_readwrite.nbytes == 5);
  memset(buf, 0, sizeof buf);
  __wasi_iovec_t five = {(uint8_t *)buf, 5};
  OK(__wasi_sock_recv(conn, &five, 1, __WASI_RIFLAGS_RECV_WAITALL, &n, &ro));
  TRUE(n == 5 && memcmp(buf, "hello", 5) == 0);
  __wasi_ciovec_t bye = {(const uint8_t *)"bye", 3};
  OK(__wasi_sock_send(conn, &bye, 1, 0, &n));
  TRUE(n == 3);
  OK(__wasi_sock_shutdown(conn, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR));
  OK(__wasi_fd_close(conn));
  /* Nothing else is pending: on a non-blocking listener, accept says so. */
  OK(__wasi_fd_fdstat_set_flags(4, __WASI_FDFLAGS_NONBLOCK));
  OK(__wasi_fd_fdstat_get(4, &st));
  TRUE(st.fs_flags == __WASI_FDFLAGS_NONBLOCK);
  EXPECT(__wasi_sock_accept(4, __WASI_FDFLAGS_NONBLOCK, &conn), __WASI_ERRNO_AGAIN);
  return finish("sock");
}
