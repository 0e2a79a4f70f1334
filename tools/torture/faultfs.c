/*
 * faultfs.c - an LD_PRELOAD shim that fails the Nth write or sync of a
 * process (issue 16; after SQLite's I/O-error tests).  Built as a shared
 * object (faultfs.so) and preloaded into regied by regie-torture.
 *
 * Counted calls: write, pwrite, pwrite64, writev, pwritev, fsync,
 * fdatasync, on regular files under FAULTFS_DIR (never fds 0-2), and only
 * once the file FAULTFS_ARM exists (so the engine's start is not counted).
 *
 *   FAULTFS_AT=N       fail the Nth counted call (0: only count)
 *   FAULTFS_ERR=EIO|ENOSPC   the errno it fails with (default EIO)
 *   FAULTFS_STICKY=1   fail every counted call from the Nth on
 *   FAULTFS_LOG=PATH   each failure appended as a line; in counting mode
 *                      the count so far is written there
 *
 * Not a part of the engine: no sanitizer, no engine header.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);

static long at;
static int err_no = EIO;
static bool sticky;
static const char *dir, *arm, *logp;
static atomic_long count;
static atomic_bool armed;

__attribute__((constructor)) static void init(void)
{
    real_write = dlsym(RTLD_NEXT, "write");
    real_pwrite = dlsym(RTLD_NEXT, "pwrite");
    real_pwrite64 = dlsym(RTLD_NEXT, "pwrite64");
    real_writev = dlsym(RTLD_NEXT, "writev");
    real_pwritev = dlsym(RTLD_NEXT, "pwritev");
    real_fsync = dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
    const char *s = getenv("FAULTFS_AT");
    at = s ? atol(s) : 0;
    s = getenv("FAULTFS_ERR");
    if (s && strcmp(s, "ENOSPC") == 0) err_no = ENOSPC;
    s = getenv("FAULTFS_STICKY");
    sticky = s && *s == '1';
    dir = getenv("FAULTFS_DIR");
    arm = getenv("FAULTFS_ARM");
    logp = getenv("FAULTFS_LOG");
}

static void note(const char *what, int fd, long n)
{
    if (!logp || !real_write) return;
    int lf = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (lf < 0) return;
    char path[256] = "?", link[64], line[512];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t k = readlink(link, path, sizeof path - 1);
    if (k > 0) path[k] = 0;
    int len = at > 0 ? snprintf(line, sizeof line, "failed call %ld: %s %s (%s)\n", n, what, path,
                                err_no == ENOSPC ? "ENOSPC" : "EIO")
                     : snprintf(line, sizeof line, "%ld\n", n);
    if (at <= 0) {
        if (ftruncate(lf, 0) == 0 && real_pwrite) real_pwrite(lf, line, (size_t)len, 0);
    } else {
        real_write(lf, line, (size_t)len);
    }
    close(lf);
}

/* Is this call one to fail?  Sets errno when it is. */
static bool fail(int fd, const char *what)
{
    if (fd <= 2 || !dir) return false;
    if (!atomic_load(&armed)) {
        if (!arm || access(arm, F_OK) != 0) return false;
        atomic_store(&armed, true);
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
    char path[512], link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t k = readlink(link, path, sizeof path - 1);
    if (k <= 0) return false;
    path[k] = 0;
    if (strncmp(path, dir, strlen(dir)) != 0) return false;
    long n = atomic_fetch_add(&count, 1) + 1;
    if (at <= 0) {
        note(what, fd, n);
        return false;
    }
    if (n != at && !(sticky && n > at)) return false;
    note(what, fd, n);
    errno = err_no;
    return true;
}

ssize_t write(int fd, const void *p, size_t n)
{
    if (fail(fd, "write")) return -1;
    return real_write(fd, p, n);
}

ssize_t pwrite(int fd, const void *p, size_t n, off_t off)
{
    if (fail(fd, "pwrite")) return -1;
    return real_pwrite(fd, p, n, off);
}

ssize_t pwrite64(int fd, const void *p, size_t n, off_t off)
{
    if (fail(fd, "pwrite64")) return -1;
    return real_pwrite64(fd, p, n, off);
}

ssize_t writev(int fd, const struct iovec *v, int n)
{
    if (fail(fd, "writev")) return -1;
    return real_writev(fd, v, n);
}

ssize_t pwritev(int fd, const struct iovec *v, int n, off_t off)
{
    if (fail(fd, "pwritev")) return -1;
    return real_pwritev(fd, v, n, off);
}

int fsync(int fd)
{
    if (fail(fd, "fsync")) return -1;
    return real_fsync(fd);
}

int fdatasync(int fd)
{
    if (fail(fd, "fdatasync")) return -1;
    return real_fdatasync(fd);
}
