/* lzpack: a small LZ77 (LZSS) file compressor, written as an ordinary C program so that the
 * same source runs natively and as a WASI command (the end-to-end test compares the two).
 *   lzpack c IN OUT     compress IN into OUT
 *   lzpack d IN OUT     decompress IN into OUT
 *   lzpack stats DIR    for each regular file in DIR (sorted by name): size, compressed
 *                       size and CRC-32, then totals
 * Format: "LZP1", original size (u32 LE), then groups of one flag byte and up to 8 items:
 * a literal byte (flag bit 0) or a match (flag bit 1) of 2 bytes: 12-bit distance - 1 and
 * 4-bit length - 3 (lengths 3..18, distances 1..4096). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define WINDOW 4096
#define MIN_MATCH 3
#define MAX_MATCH 18
#define HASH_SIZE 8192
#define MAX_CHAIN 64

static unsigned char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  unsigned char *buf = malloc(cap);
  for (size_t got; buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
    n += got;
    if (n == cap) {
      unsigned char *bigger = realloc(buf, cap *= 2);
      if (!bigger) { free(buf); buf = NULL; }
      buf = bigger;
    }
  }
  fclose(f);
  *len = n;
  return buf;
}

static int write_all(const char *path, const unsigned char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  int ok = fwrite(data, 1, len, f) == len;
  return fclose(f) == 0 && ok;
}

static unsigned hash3(const unsigned char *p) { return ((p[0] << 8) ^ (p[1] << 4) ^ p[2]) * 2654435761u >> 19 & (HASH_SIZE - 1); }

/* Compresses `in` into a new buffer; returns its length. */
static size_t compress(const unsigned char *in, size_t n, unsigned char **out_p) {
  unsigned char *out = malloc(8 + n + n / 8 + 16);
  int32_t *head = malloc(HASH_SIZE * sizeof *head);
  int32_t *prev = malloc(WINDOW * sizeof *prev);
  if (!out || !head || !prev) exit(3);
  for (int i = 0; i < HASH_SIZE; i++) head[i] = -1;
  memcpy(out, "LZP1", 4);
  for (int i = 0; i < 4; i++) out[4 + i] = (unsigned char)(n >> (8 * i));
  size_t o = 8, flag_at = 0;
  int item = 8;
  for (size_t i = 0; i < n;) {
    if (item == 8) {
      flag_at = o++;
      out[flag_at] = 0;
      item = 0;
    }
    size_t best_len = 0, best_dist = 0;
    if (i + MIN_MATCH <= n) {
      unsigned h = hash3(in + i);
      int32_t cand = head[h];
      for (int chain = 0; cand >= 0 && chain < MAX_CHAIN && i - (size_t)cand <= WINDOW; chain++) {
        size_t len = 0;
        while (len < MAX_MATCH && i + len < n && in[cand + len] == in[i + len]) len++;
        if (len > best_len) {
          best_len = len;
          best_dist = i - (size_t)cand;
        }
        int32_t next = prev[cand % WINDOW];
        if (next >= cand) break;
        cand = next;
      }
    }
    size_t step = best_len >= MIN_MATCH ? best_len : 1;
    if (best_len >= MIN_MATCH) {
      out[flag_at] |= (unsigned char)(1 << item);
      unsigned v = (unsigned)((best_dist - 1) << 4 | (best_len - MIN_MATCH));
      out[o++] = (unsigned char)(v >> 8);
      out[o++] = (unsigned char)v;
    } else {
      out[o++] = in[i];
    }
    item++;
    for (size_t k = 0; k < step; k++, i++) {
      if (i + MIN_MATCH <= n) {
        unsigned h = hash3(in + i);
        prev[i % WINDOW] = head[h];
        head[h] = (int32_t)i;
      }
    }
  }
  free(head);
  free(prev);
  *out_p = out;
  return o;
}

static long decompress(const unsigned char *in, size_t n, unsigned char **out_p) {
  if (n < 8 || memcmp(in, "LZP1", 4) != 0) return -1;
  size_t size = (size_t)in[4] | (size_t)in[5] << 8 | (size_t)in[6] << 16 | (size_t)in[7] << 24;
  unsigned char *out = malloc(size + 1);
  if (!out) return -1;
  size_t o = 0, i = 8;
  while (o < size) {
    if (i >= n) { free(out); return -1; }
    unsigned flags = in[i++];
    for (int item = 0; item < 8 && o < size; item++) {
      if (flags & (1u << item)) {
        if (i + 2 > n) { free(out); return -1; }
        unsigned v = (unsigned)in[i] << 8 | in[i + 1];
        i += 2;
        size_t dist = (v >> 4) + 1, len = (v & 15) + MIN_MATCH;
        if (dist > o || o + len > size) { free(out); return -1; }
        for (size_t k = 0; k < len; k++, o++) out[o] = out[o - dist];
      } else {
        if (i >= n) { free(out); return -1; }
        out[o++] = in[i++];
      }
    }
  }
  *out_p = out;
  return (long)size;
}

static uint32_t crc32(const unsigned char *p, size_t n) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = c >> 1 ^ (0xEDB88320u & -(c & 1));
  }
  return ~c;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int stats(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    perror(dir);
    return 1;
  }
  char *names[512];
  int count = 0;
  for (struct dirent *e; (e = readdir(d)) && count < 512;)
    if (e->d_name[0] != '.') names[count++] = strdup(e->d_name);
  closedir(d);
  qsort(names, (size_t)count, sizeof *names, by_name);
  size_t total = 0, total_packed = 0;
  for (int i = 0; i < count; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
      free(names[i]);
      continue;
    }
    size_t len;
    unsigned char *data = read_all(path, &len), *packed;
    if (!data || (size_t)st.st_size != len) return 1;
    size_t plen = compress(data, len, &packed);
    printf("%-24s %8zu -> %8zu  crc %08x\n", names[i], len, plen, (unsigned)crc32(data, len));
    total += len;
    total_packed += plen;
    free(data);
    free(packed);
    free(names[i]);
  }
  printf("total %zu -> %zu bytes (%.1f%%)\n", total, total_packed, total ? 100.0 * (double)total_packed / (double)total : 0.0);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "stats") == 0) return stats(argv[2]);
  if (argc != 4 || (strcmp(argv[1], "c") != 0 && strcmp(argv[1], "d") != 0)) {
    fprintf(stderr, "usage: lzpack c|d IN OUT | lzpack stats DIR\n");
    return 2;
  }
  size_t len;
  unsigned char *in = read_all(argv[2], &len), *out;
  if (!in) {
    perror(argv[2]);
    return 1;
  }
  long out_len = argv[1][0] == 'c' ? (long)compress(in, len, &out) : decompress(in, len, &out);
  if (out_len < 0) {
    fprintf(stderr, "%s: corrupt input\n", argv[2]);
    return 1;
  }
  if (!write_all(argv[3], out, (size_t)out_len)) {
    perror(argv[3]);
    return 1;
  }
  free(in);
  free(out);
  return 0;
}
