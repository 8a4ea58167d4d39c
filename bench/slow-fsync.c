// A slower disk for both builds alike: an LD_PRELOAD shim whose fsync and fdatasync sleep
// SLOW_FSYNC_US microseconds (default 3000) after the real call. SQLite's syncs (inside
// COMMIT, checkpoints) and libuv's fs.fsync both go through libc, so an A/B pair sees the
// same added latency wherever the sync runs. For benches only.
//   gcc -shared -fPIC -O2 -o /tmp/slow-fsync.so bench/slow-fsync.c -ldl
//   LD_PRELOAD=/tmp/slow-fsync.so SLOW_FSYNC_US=3000 node bench/http-post-js.mjs 2000 --rounds 3
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>

static int delay_us(void) {
  const char *value = getenv("SLOW_FSYNC_US");
  return value ? atoi(value) : 3000;
}

int fsync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  int result = real(fd);
  usleep(delay_us());
  return result;
}

int fdatasync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  int result = real(fd);
  usleep(delay_us());
  return result;
}
