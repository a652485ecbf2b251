/* WASI guest test (wasm32-wasi): every fd_* and path_* function, their errno paths, the
 * read-only preopen and every sandbox-escape attempt. Expects fd 3 = read-write "/sandbox"
 * and fd 4 = read-only "/ro", prepared by run_fs_test.sh (which also checks afterwards that
 * nothing outside the sandbox changed). */
#include <stdint.h>
#include <stdlib.h>
#include "guest_check.h"

#define SB 3
#define RO 4

RAW_IMPORT(fd_write) int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t n, int32_t nwritten);
RAW_IMPORT(fd_read) int32_t raw_fd_read(int32_t fd, int32_t iovs, int32_t n, int32_t nread);
RAW_IMPORT(path_open) int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t len, int32_t oflags,
                                            int64_t base, int64_t inheriting, int32_t fdflags, int32_t out);
RAW_IMPORT(fd_seek) int32_t raw_fd_seek(int32_t fd, int64_t off, int32_t whence, int32_t out);

static __wasi_fd_t open_at(__wasi_fd_t dir, const char *path, __wasi_oflags_t oflags, __wasi_errno_t *err) {
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  *err = __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, ALL_RIGHTS, ALL_RIGHTS, 0, &fd);
  return fd;
}

static __wasi_errno_t open_err(__wasi_fd_t dir, __wasi_lookupflags_t flags, const char *path, __wasi_oflags_t oflags) {
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(dir, flags, path, oflags, ALL_RIGHTS, ALL_RIGHTS, 0, &fd);
  if (e == 0) OK(__wasi_fd_close(fd));
  return e;
}

static size_t write_str(__wasi_fd_t fd, const char *s) {
  __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
  __wasi_size_t n = 0;
  OK(__wasi_fd_write(fd, &iov, 1, &n));
  return n;
}

static void preopens(void) {
  __wasi_prestat_t ps;
  char name[16] = {0};
  OK(__wasi_fd_prestat_get(SB, &ps));
  TRUE(ps.tag == __WASI_PREOPENTYPE_DIR && ps.u.dir.pr_name_len == 8);
  OK(__wasi_fd_prestat_dir_name(SB, (uint8_t *)name, 8));
  TRUE(memcmp(name, "/sandbox", 8) == 0);
  EXPECT(__wasi_fd_prestat_dir_name(SB, (uint8_t *)name, 3), __WASI_ERRNO_NAMETOOLONG);
  OK(__wasi_fd_prestat_get(RO, &ps));
  TRUE(ps.u.dir.pr_name_len == 3);
  EXPECT(__wasi_fd_prestat_get(1, &ps), __WASI_ERRNO_BADF);
  EXPECT(__wasi_fd_prestat_get(5, &ps), __WASI_ERRNO_BADF);
  EXPECT(__wasi_fd_prestat_get(1000000, &ps), __WASI_ERRNO_BADF);
}

static void file_io(void) {
  __wasi_errno_t err;
  __wasi_fd_t f = open_at(SB, "new.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, &err);
  OK(err);
  __wasi_ciovec_t out[2] = {{(const uint8_t *)"hello ", 6}, {(const uint8_t *)"wasi\n", 5}};
  __wasi_size_t n = 0;
  OK(__wasi_fd_write(f, out, 2, &n));
  TRUE(n == 11);
  __wasi_filesize_t pos = 0;
  OK(__wasi_fd_tell(f, &pos));
  TRUE(pos == 11);
  OK(__wasi_fd_seek(f, 0, __WASI_WHENCE_SET, &pos));
  TRUE(pos == 0);
  char a[4] = {0}, b[16] = {0};
  __wasi_iovec_t in[2] = {{(uint8_t *)a, 4}, {(uint8_t *)b, 16}};
  OK(__wasi_fd_read(f, in, 2, &n));
  TRUE(n == 11 && memcmp(a, "hell", 4) == 0 && memcmp(b, "o wasi\n", 7) == 0);
  OK(__wasi_fd_read(f, in, 2, &n));
  TRUE(n == 0); /* end of file */
  OK(__wasi_fd_seek(f, -5, __WASI_WHENCE_END, &pos));
  TRUE(pos == 6);
  OK(__wasi_fd_seek(f, 1, __WASI_WHENCE_CUR, &pos));
  TRUE(pos == 7);
  EXPECT(__wasi_fd_seek(f, 0, 3, &pos), __WASI_ERRNO_INVAL);
  EXPECT(__wasi_fd_seek(f, -100, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_INVAL);
  __wasi_iovec_t one = {(uint8_t *)b, 5};
  memset(b, 0, sizeof b);
  OK(__wasi_fd_pread(f, &one, 1, 6, &n));
  TRUE(n == 5 && memcmp(b, "wasi\n", 5) == 0);
  OK(__wasi_fd_tell(f, &pos));
  TRUE(pos == 7); /* pread does not move the offset */
  __wasi_ciovec_t w = {(const uint8_t *)"W", 1};
  OK(__wasi_fd_pwrite(f, &w, 1, 6, &n));
  TRUE(n == 1);
  OK(__wasi_fd_pread(f, &one, 1, 6, &n));
  TRUE(memcmp(b, "Wasi", 4) == 0);

  __wasi_filestat_t st;
  OK(__wasi_fd_filestat_get(f, &st));
  TRUE(st.size == 11 && st.filetype == __WASI_FILETYPE_REGULAR_FILE && st.nlink == 1);
  OK(__wasi_fd_filestat_set_size(f, 4));
  OK(__wasi_fd_filestat_get(f, &st));
  TRUE(st.size == 4);
  OK(__wasi_fd_allocate(f, 0, 4096));
  OK(__wasi_fd_filestat_get(f, &st));
  TRUE(st.size == 4096);
  EXPECT(__wasi_fd_allocate(f, 0, 0), __WASI_ERRNO_INVAL);
  OK(__wasi_fd_advise(f, 0, 0, __WASI_ADVICE_SEQUENTIAL));
  OK(__wasi_fd_advise(f, 0, 100, __WASI_ADVICE_DONTNEED));
  EXPECT(__wasi_fd_advise(f, 0, 0, 9), __WASI_ERRNO_INVAL);
  OK(__wasi_fd_datasync(f));
  OK(__wasi_fd_sync(f));
  __wasi_timestamp_t t1 = 1000000000ull * 1000, t2 = 2000000000ull * 1000 + 5;
  OK(__wasi_fd_filestat_set_times(f, t1, t2, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  OK(__wasi_fd_filestat_get(f, &st));
  TRUE(st.atim == t1 && st.mtim == t2);
  EXPECT(__wasi_fd_filestat_set_times(f, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW), __WASI_ERRNO_INVAL);
  EXPECT(__wasi_fd_filestat_set_times(f, 0, 0, 0x10), __WASI_ERRNO_INVAL);
  OK(__wasi_fd_filestat_set_times(f, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  OK(__wasi_fd_filestat_get(f, &st));
  TRUE(st.mtim > t2 && st.atim == t1);

  __wasi_fdstat_t fst;
  OK(__wasi_fd_fdstat_get(f, &fst));
  TRUE(fst.fs_filetype == __WASI_FILETYPE_REGULAR_FILE && fst.fs_flags == 0);
  TRUE((fst.fs_rights_base & (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE)) == (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE));
  OK(__wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_APPEND));
  OK(__wasi_fd_fdstat_get(f, &fst));
  TRUE(fst.fs_flags == __WASI_FDFLAGS_APPEND);
  OK(__wasi_fd_seek(f, 0, __WASI_WHENCE_SET, &pos));
  write_str(f, "Z");
  OK(__wasi_fd_filestat_get(f, &st));
  TRUE(st.size == 4097); /* appended despite the seek */
  EXPECT(__wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_SYNC), __WASI_ERRNO_NOTSUP);
  EXPECT(__wasi_fd_fdstat_set_flags(f, 0x100), __WASI_ERRNO_INVAL);
  OK(__wasi_fd_fdstat_set_flags(f, 0));

  /* Rights only shrink. */
  OK(__wasi_fd_fdstat_set_rights(f, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0));
  __wasi_ciovec_t z = {(const uint8_t *)"z", 1};
  EXPECT(__wasi_fd_write(f, &z, 1, &n), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_pwrite(f, &z, 1, 0, &n), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_tell(f, &pos), __WASI_ERRNO_SUCCESS); /* seek implies tell */
  EXPECT(__wasi_fd_filestat_get(f, &st), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_sync(f), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_datasync(f), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_allocate(f, 0, 1), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_advise(f, 0, 0, 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_filestat_set_size(f, 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_filestat_set_times(f, 0, 0, 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_fdstat_set_flags(f, 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_fdstat_set_rights(f, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0), __WASI_ERRNO_NOTCAPABLE);
  OK(__wasi_fd_fdstat_set_rights(f, __WASI_RIGHTS_FD_READ, 0));
  EXPECT(__wasi_fd_seek(f, 1, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_pread(f, &one, 1, 0, &n), __WASI_ERRNO_NOTCAPABLE);

  /* Renumber moves one fd onto another, closing the target. */
  __wasi_fd_t g = open_at(SB, "other.txt", __WASI_OFLAGS_CREAT, &err);
  OK(err);
  OK(__wasi_fd_renumber(f, g));
  EXPECT(__wasi_fd_fdstat_get(f, &fst), __WASI_ERRNO_BADF);
  OK(__wasi_fd_fdstat_get(g, &fst));
  TRUE(fst.fs_rights_base == __WASI_RIGHTS_FD_READ);
  EXPECT(__wasi_fd_renumber(g, 777), __WASI_ERRNO_BADF);
  EXPECT(__wasi_fd_renumber(777, g), __WASI_ERRNO_BADF);
  OK(__wasi_fd_close(g));
  EXPECT(__wasi_fd_close(g), __WASI_ERRNO_BADF);
  EXPECT(__wasi_fd_write(g, &z, 1, &n), __WASI_ERRNO_BADF);
  EXPECT(__wasi_fd_read(12345, in, 1, &n), __WASI_ERRNO_BADF);
  OK(__wasi_path_unlink_file(SB, "other.txt"));

  /* Directories are not files. */
  EXPECT(__wasi_fd_read(SB, in, 1, &n), __WASI_ERRNO_NOTCAPABLE);
  __wasi_fd_t d = open_at(SB, "sub", __WASI_OFLAGS_DIRECTORY, &err);
  OK(err);
  EXPECT(__wasi_fd_read(d, in, 1, &n), __WASI_ERRNO_NOTCAPABLE); /* directories have no read right */
  EXPECT(__wasi_fd_seek(1, 0, 0, &pos) == __WASI_ERRNO_SPIPE || 1, 1); /* stdout may be a file */
  OK(__wasi_fd_close(d));

  /* Guest pointers outside memory are EFAULT, never a host crash. */
  EXPECT(raw_fd_write(1, (int32_t)0xFFFFFFF0, 1, 0), __WASI_ERRNO_FAULT);
  static __wasi_ciovec_t bad = {(const uint8_t *)0xFFFFFF00u, 0x1000};
  static __wasi_size_t nw;
  EXPECT(raw_fd_write(1, (int32_t)(uintptr_t)&bad, 1, (int32_t)(uintptr_t)&nw), __WASI_ERRNO_FAULT);
  EXPECT(raw_fd_read(0, (int32_t)(uintptr_t)&bad, 1, (int32_t)(uintptr_t)&nw), __WASI_ERRNO_FAULT);
  EXPECT(raw_path_open(SB, 0, (int32_t)0xFFFFFFF0, 64, 0, ALL_RIGHTS, ALL_RIGHTS, 0, 0), __WASI_ERRNO_FAULT);
  static __wasi_filesize_t sp;
  EXPECT(raw_fd_seek(SB + 100, 0, 0, (int32_t)(uintptr_t)&sp), __WASI_ERRNO_BADF);
  static const char bad_utf8[] = "\xff\xfe";
  EXPECT(raw_path_open(SB, 0, (int32_t)(uintptr_t)bad_utf8, 2, 0, ALL_RIGHTS, ALL_RIGHTS, 0, (int32_t)(uintptr_t)&nw), __WASI_ERRNO_ILSEQ);
}

static void path_ops(void) {
  __wasi_errno_t err;
  __wasi_filestat_t st;
  OK(__wasi_path_create_directory(SB, "d1"));
  EXPECT(__wasi_path_create_directory(SB, "d1"), __WASI_ERRNO_EXIST);
  EXPECT(__wasi_path_create_directory(SB, "nope/d"), __WASI_ERRNO_NOENT);
  __wasi_fd_t d1 = open_at(SB, "d1", __WASI_OFLAGS_DIRECTORY, &err);
  OK(err);
  __wasi_fd_t f = open_at(d1, "f", __WASI_OFLAGS_CREAT, &err);
  OK(err);
  write_str(f, "data");
  OK(__wasi_fd_close(f));
  OK(__wasi_path_filestat_get(SB, 0, "d1", &st));
  TRUE(st.filetype == __WASI_FILETYPE_DIRECTORY);
  EXPECT(__wasi_path_filestat_get(SB, 0, "nope", &st), __WASI_ERRNO_NOENT);
  EXPECT(__wasi_path_filestat_get(SB, 0, "d1/f/x", &st), __WASI_ERRNO_NOTDIR);
  __wasi_timestamp_t t = 1234567890123456789ull;
  OK(__wasi_path_filestat_set_times(SB, 0, "d1/f", t, t, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  OK(__wasi_path_filestat_get(d1, 0, "f", &st));
  TRUE(st.mtim == t && st.atim == t && st.size == 4);
  EXPECT(__wasi_path_filestat_set_times(SB, 0, "d1/f", t, t, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_INVAL);

  OK(__wasi_path_link(SB, 0, "d1/f", SB, "d1/hard"));
  OK(__wasi_path_filestat_get(SB, 0, "d1/f", &st));
  TRUE(st.nlink == 2);
  EXPECT(__wasi_path_link(SB, 0, "d1/f", SB, "d1/hard"), __WASI_ERRNO_EXIST);
  EXPECT(__wasi_path_link(SB, 0, "d1/missing", SB, "d1/h2"), __WASI_ERRNO_NOENT);
  OK(__wasi_path_symlink("f", SB, "d1/sym"));
  EXPECT(__wasi_path_symlink("f", SB, "d1/sym"), __WASI_ERRNO_EXIST);
  char buf[64] = {0};
  __wasi_size_t used = 99;
  OK(__wasi_path_readlink(SB, "d1/sym", (uint8_t *)buf, sizeof buf, &used));
  TRUE(used == 1 && buf[0] == 'f');
  OK(__wasi_path_readlink(SB, "d1/sym", (uint8_t *)buf, 0, &used));
  TRUE(used == 0); /* truncated silently */
  EXPECT(__wasi_path_readlink(SB, "d1/f", (uint8_t *)buf, sizeof buf, &used), __WASI_ERRNO_INVAL);
  EXPECT(__wasi_path_readlink(SB, "d1/none", (uint8_t *)buf, sizeof buf, &used), __WASI_ERRNO_NOENT);
  OK(__wasi_path_filestat_get(SB, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "d1/sym", &st));
  TRUE(st.filetype == __WASI_FILETYPE_REGULAR_FILE);
  OK(__wasi_path_filestat_get(SB, 0, "d1/sym", &st));
  TRUE(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
  EXPECT(open_err(SB, 0, "d1/sym", 0), __WASI_ERRNO_LOOP);
  OK(open_err(SB, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "d1/sym", 0));
  OK(__wasi_path_link(SB, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "d1/sym", SB, "d1/via_sym"));
  OK(__wasi_path_filestat_get(SB, 0, "d1/via_sym", &st));
  TRUE(st.filetype == __WASI_FILETYPE_REGULAR_FILE && st.nlink == 3);
  OK(__wasi_path_unlink_file(SB, "d1/via_sym"));

  OK(__wasi_path_rename(SB, "d1/hard", d1, "renamed"));
  EXPECT(__wasi_path_filestat_get(SB, 0, "d1/hard", &st), __WASI_ERRNO_NOENT);
  OK(__wasi_path_filestat_get(SB, 0, "d1/renamed", &st));
  EXPECT(__wasi_path_rename(SB, "d1/none", SB, "x"), __WASI_ERRNO_NOENT);
  OK(__wasi_path_create_directory(SB, "d2"));
  OK(__wasi_path_create_directory(SB, "d2/inner"));
  EXPECT(__wasi_path_rename(SB, "d1/renamed", SB, "d2"), __WASI_ERRNO_ISDIR);
  EXPECT(__wasi_path_rename(SB, "d1", SB, "d2"), __WASI_ERRNO_NOTEMPTY);
  EXPECT(__wasi_path_rename(SB, "d1", SB, "d1/sub"), __WASI_ERRNO_INVAL);
  OK(__wasi_path_unlink_file(SB, "d1/renamed"));
  EXPECT(__wasi_path_unlink_file(SB, "d1"), __WASI_ERRNO_ISDIR);
  EXPECT(__wasi_path_unlink_file(SB, "d1/f/"), __WASI_ERRNO_NOTDIR);
  EXPECT(__wasi_path_unlink_file(SB, "d1/none"), __WASI_ERRNO_NOENT);
  EXPECT(__wasi_path_remove_directory(SB, "d1"), __WASI_ERRNO_NOTEMPTY);
  EXPECT(__wasi_path_remove_directory(SB, "d1/f"), __WASI_ERRNO_NOTDIR);
  EXPECT(__wasi_path_remove_directory(SB, "."), __WASI_ERRNO_INVAL);
  OK(__wasi_path_unlink_file(d1, "f"));
  OK(__wasi_path_unlink_file(d1, "sym"));
  OK(__wasi_fd_close(d1));
  OK(__wasi_path_remove_directory(SB, "d1"));
  EXPECT(__wasi_path_remove_directory(SB, "d1"), __WASI_ERRNO_NOENT);
  OK(__wasi_path_remove_directory(SB, "d2/inner/"));
  OK(__wasi_path_remove_directory(SB, "d2"));

  EXPECT(open_err(SB, 0, "new.txt", __WASI_OFLAGS_DIRECTORY), __WASI_ERRNO_NOTDIR);
  EXPECT(open_err(SB, 0, "new.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL), __WASI_ERRNO_EXIST);
  EXPECT(open_err(SB, 0, "missing/x", 0), __WASI_ERRNO_NOENT);
  EXPECT(open_err(SB, 0, "missing", 0), __WASI_ERRNO_NOENT);
  EXPECT(open_err(SB, 0, "x", 0x100), __WASI_ERRNO_INVAL);
  EXPECT(open_err(SB, 0, "", 0), __WASI_ERRNO_NOENT);
  EXPECT(open_err(SB, 0, "new.txt/", 0), __WASI_ERRNO_NOTDIR);
  __wasi_fd_t file = open_at(SB, "new.txt", 0, &err);
  OK(err);
  EXPECT(open_err(file, 0, "x", 0), __WASI_ERRNO_NOTDIR);
  EXPECT(__wasi_path_create_directory(file, "x"), __WASI_ERRNO_NOTDIR);
  EXPECT(__wasi_fd_readdir(file, (uint8_t *)buf, sizeof buf, 0, &used), __WASI_ERRNO_NOTDIR);
  OK(__wasi_fd_close(file));
  EXPECT(open_err(77, 0, "x", 0), __WASI_ERRNO_BADF);
  /* A directory fd opened without path rights cannot be used for paths. */
  __wasi_fd_t weak;
  OK(__wasi_path_open(SB, 0, "sub", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &weak));
  EXPECT(open_err(weak, 0, "inner.txt", 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_create_directory(weak, "x"), __WASI_ERRNO_NOTCAPABLE);
  OK(__wasi_fd_close(weak));
}

static int has(const char *names, const char *name) {
  char key[40];
  snprintf(key, sizeof key, "|%s|", name);
  return strstr(names, key) != NULL;
}

static void readdir_test(void) {
  __wasi_errno_t err;
  OK(__wasi_path_create_directory(SB, "rd"));
  const char *files[] = {"rd/a", "rd/bb", "rd/ccc"};
  for (int i = 0; i < 3; i++) {
    __wasi_fd_t f = open_at(SB, files[i], __WASI_OFLAGS_CREAT, &err);
    OK(err);
    OK(__wasi_fd_close(f));
  }
  OK(__wasi_path_create_directory(SB, "rd/sub"));
  __wasi_fd_t d = open_at(SB, "rd", __WASI_OFLAGS_DIRECTORY, &err);
  OK(err);
  /* All at once. */
  static uint8_t buf[1024];
  __wasi_size_t used = 0;
  OK(__wasi_fd_readdir(d, buf, sizeof buf, 0, &used));
  char names[256] = "|";
  int count = 0, subdir_typed = 0;
  for (size_t at = 0; at + sizeof(__wasi_dirent_t) <= used;) {
    __wasi_dirent_t ent;
    memcpy(&ent, buf + at, sizeof ent);
    char name[32] = {0};
    memcpy(name, buf + at + sizeof ent, ent.d_namlen < 31 ? ent.d_namlen : 31);
    strcat(names, name);
    strcat(names, "|");
    if (strcmp(name, "sub") == 0) subdir_typed = ent.d_type == __WASI_FILETYPE_DIRECTORY;
    if (strcmp(name, "bb") == 0) TRUE(ent.d_type == __WASI_FILETYPE_REGULAR_FILE);
    count++;
    at += sizeof ent + ent.d_namlen;
  }
  TRUE(used < sizeof buf);
  TRUE(count == 6 && has(names, ".") && has(names, "..") && has(names, "a") && has(names, "bb") && has(names, "ccc") && has(names, "sub"));
  TRUE(subdir_typed);
  /* One entry per call, continuing from each d_next cookie: the same six entries. */
  __wasi_dircookie_t cookie = 0;
  int again = 0;
  for (;;) {
    uint8_t small[sizeof(__wasi_dirent_t) + 8];
    OK(__wasi_fd_readdir(d, small, sizeof small, cookie, &used));
    if (used < sizeof(__wasi_dirent_t)) break;
    __wasi_dirent_t ent;
    memcpy(&ent, small, sizeof ent);
    TRUE(used == sizeof small || used == sizeof ent + ent.d_namlen); /* a full buffer may be truncated */
    cookie = ent.d_next;
    again++;
    if (again > 20) break;
  }
  TRUE(again == 6);
  /* A buffer too small for one header is filled completely (the guest knows to grow it). */
  OK(__wasi_fd_readdir(d, buf, 10, 0, &used));
  TRUE(used == 10);
  EXPECT(__wasi_fd_readdir(d, (uint8_t *)0xFFFFFFF0u, 100, 0, &used), __WASI_ERRNO_FAULT);
  OK(__wasi_fd_close(d));
}

static void escapes(void) {
  __wasi_filestat_t st;
  __wasi_lookupflags_t FOLLOW = __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW;
  EXPECT(open_err(SB, FOLLOW, "../outside/secret.txt", 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(open_err(SB, FOLLOW, "..", __WASI_OFLAGS_DIRECTORY), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(open_err(SB, FOLLOW, "/etc/passwd", 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(open_err(SB, FOLLOW, "/sandbox/hello.txt", 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(open_err(SB, FOLLOW, "sub/../../outside/secret.txt", 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(open_err(SB, FOLLOW, "sub/../hello.txt", 0), __WASI_ERRNO_SUCCESS);
  EXPECT(open_err(SB, FOLLOW, "./sub/./inner.txt", 0), __WASI_ERRNO_SUCCESS);
  EXPECT(open_err(SB, FOLLOW, "link_out", 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(open_err(SB, FOLLOW, "abs_link", 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(open_err(SB, FOLLOW, "link_dir_out/secret.txt", 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(open_err(SB, FOLLOW, "link_in", 0), __WASI_ERRNO_SUCCESS);
  EXPECT(open_err(SB, FOLLOW, "loop1", 0), __WASI_ERRNO_LOOP);
  EXPECT(open_err(SB, FOLLOW, "loop1/x", 0), __WASI_ERRNO_LOOP);
  EXPECT(open_err(SB, FOLLOW, "self_loop", 0), __WASI_ERRNO_LOOP);
  EXPECT(open_err(SB, FOLLOW, "link_out", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(open_err(SB, FOLLOW, "link_dir_out/created.txt", __WASI_OFLAGS_CREAT), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(open_err(SB, FOLLOW, "proc_link/self/root/etc/passwd", 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_filestat_get(SB, FOLLOW, "link_out", &st), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_filestat_get(SB, 0, "..", &st), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_filestat_get(SB, 0, "sub/../..", &st), __WASI_ERRNO_NOTCAPABLE);
  OK(__wasi_path_filestat_get(SB, 0, "link_out", &st)); /* the link itself is inside */
  TRUE(st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
  EXPECT(__wasi_path_filestat_get(SB, 0, "link_dir_out/", &st), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_filestat_set_times(SB, FOLLOW, "link_out", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_filestat_set_times(SB, 0, "../outside/secret.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_create_directory(SB, "../escape_dir"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_create_directory(SB, "link_dir_out/escape_dir"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_create_directory(SB, "/tmp/escape_dir"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_unlink_file(SB, "link_dir_out/secret.txt"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_unlink_file(SB, "../outside/secret.txt"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_remove_directory(SB, ".."), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_remove_directory(SB, "../outside"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_remove_directory(SB, "link_dir_out/"), __WASI_ERRNO_NOTDIR);
  EXPECT(__wasi_path_rename(SB, "hello.txt", SB, "../outside/stolen.txt"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_rename(SB, "../outside/secret.txt", SB, "stolen.txt"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_rename(SB, "hello.txt", SB, "link_dir_out/stolen.txt"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_link(SB, FOLLOW, "link_out", SB, "hard_secret"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_link(SB, 0, "../outside/secret.txt", SB, "hard_secret"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_link(SB, 0, "hello.txt", SB, "../outside/hard"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_symlink("/etc/passwd", SB, "mylink"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_symlink("x", SB, "../outside/mylink"), __WASI_ERRNO_NOTCAPABLE);
  OK(__wasi_path_symlink("../outside/secret.txt", SB, "mylink2")); /* storing it is harmless... */
  EXPECT(open_err(SB, FOLLOW, "mylink2", 0), __WASI_ERRNO_NOTCAPABLE); /* ...following it is refused */
  OK(__wasi_path_unlink_file(SB, "mylink2"));
  char buf[64];
  __wasi_size_t used;
  EXPECT(__wasi_path_readlink(SB, "../outside/link", (uint8_t *)buf, sizeof buf, &used), __WASI_ERRNO_NOTCAPABLE);
  OK(__wasi_path_readlink(SB, "link_out", (uint8_t *)buf, sizeof buf, &used));
  TRUE(used == 21 && memcmp(buf, "../outside/secret.txt", 21) == 0);
  /* A subdirectory fd is a sandbox of its own: its ".." is fine only while inside the preopen
   * (the kernel checks beneath the fd the path starts from). */
  __wasi_errno_t err;
  __wasi_fd_t sub = open_at(SB, "sub", __WASI_OFLAGS_DIRECTORY, &err);
  OK(err);
  EXPECT(open_err(sub, FOLLOW, "../hello.txt", 0), __WASI_ERRNO_NOTCAPABLE);
  OK(__wasi_fd_close(sub));
}

static void read_only(void) {
  __wasi_errno_t err;
  __wasi_fd_t f = open_at(RO, "data.txt", 0, &err);
  OK(err);
  char buf[32] = {0};
  __wasi_iovec_t in = {(uint8_t *)buf, sizeof buf};
  __wasi_size_t n;
  OK(__wasi_fd_read(f, &in, 1, &n));
  TRUE(n == 9 && memcmp(buf, "readonly\n", 9) == 0);
  __wasi_ciovec_t out = {(const uint8_t *)"x", 1};
  EXPECT(__wasi_fd_write(f, &out, 1, &n), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_pwrite(f, &out, 1, 0, &n), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_filestat_set_size(f, 0), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_allocate(f, 0, 100), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_filestat_set_times(f, 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOTCAPABLE);
  OK(__wasi_fd_close(f));
  EXPECT(open_err(RO, 0, "new.txt", __WASI_OFLAGS_CREAT), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(open_err(RO, 0, "data.txt", __WASI_OFLAGS_TRUNC), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_create_directory(RO, "d"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_unlink_file(RO, "data.txt"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_remove_directory(RO, "subdir"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_rename(RO, "data.txt", RO, "moved.txt"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_rename(RO, "data.txt", SB, "moved.txt"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_link(RO, 0, "data.txt", SB, "linked.txt"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_symlink("data.txt", RO, "l"), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_path_filestat_set_times(RO, 0, "data.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOTCAPABLE);
  __wasi_filestat_t st;
  OK(__wasi_path_filestat_get(RO, 0, "data.txt", &st));
  TRUE(st.size == 9);
  /* A directory opened inside it stays read-only. */
  __wasi_fd_t sub = open_at(RO, "subdir", __WASI_OFLAGS_DIRECTORY, &err);
  OK(err);
  EXPECT(open_err(sub, 0, "x", __WASI_OFLAGS_CREAT), __WASI_ERRNO_NOTCAPABLE);
  EXPECT(__wasi_fd_fdstat_set_rights(sub, ALL_RIGHTS, ALL_RIGHTS), __WASI_ERRNO_NOTCAPABLE);
  OK(__wasi_fd_close(sub));
}

/* run_fs_test.sh swaps sandbox/flip between a link to flip_real (inside) and a link to
 * ../outside while this runs: whatever the timing, the outside secret is never read. */
static void race(void) {
  int inside = 0, refused = 0;
  for (int i = 0; i < 3000; i++) {
    __wasi_fd_t f;
    __wasi_errno_t e = __wasi_path_open(SB, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "flip/secret.txt", 0, ALL_RIGHTS, 0, 0, &f);
    if (e == 0) {
      char buf[16] = {0};
      __wasi_iovec_t in = {(uint8_t *)buf, sizeof buf - 1};
      __wasi_size_t n;
      OK(__wasi_fd_read(f, &in, 1, &n));
      TRUE(strncmp(buf, "SECRET", 6) != 0);
      inside++;
      OK(__wasi_fd_close(f));
    } else {
      TRUE(e == __WASI_ERRNO_NOTCAPABLE || e == __WASI_ERRNO_NOENT);
      refused++;
    }
  }
  printf("race: %d inside, %d refused\n", inside, refused);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "race") == 0) {
    race();
    return finish("fs race");
  }
  preopens();
  file_io();
  path_ops();
  readdir_test();
  escapes();
  read_only();
  return finish("fs");
}
