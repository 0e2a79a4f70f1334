/*
 * wal.c - the engine's own write-ahead log (wal.h): framing, files, the
 * checksum, reading back at open, rotation and dropping.
 */
#include "wal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "errors.h"
#include "buf.h"

#define HDR 16                          /* le32 length, le32 crc, le64 record number */
#define NAME_LEN 24                     /* "wal-" 16 hex ".log" */
#define DEFAULT_LIMIT (64ull << 20)

struct rg_wal {
    char *dir;
    int fd;                             /* the current (newest) file; -1 once removed */
    uint64_t *firsts;                   /* each file's first record number, ascending */
    size_t nfiles, cap;
    uint64_t next;                      /* the next record's number */
    uint64_t end;                       /* bytes of whole records in the current file */
    uint64_t reserved;                  /* bytes of the current file with blocks allocated (reserve) */
    uint64_t last_start;                /* where the last appended record begins (undo) */
    bool can_undo, last_synced;
    bool broken;                        /* a sync failed: appends refused until reopened */
    bool rotated;                       /* a new file began since rg_wal_rotated asked */
    uint64_t limit;
    int fail_write, fail_sync;          /* tests: the next one fails with this errno */
};

/* ---- CRC-32C, slice by 8 ---- */

static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        crc_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++) crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xff];
}

uint32_t rg_wal_crc32c(uint32_t crc, const void *p, size_t n)
{
    pthread_once(&crc_once, crc_init);
    const uint8_t *s = p;
    crc = ~crc;
    while (n >= 8) {
        uint32_t lo = crc ^ ((uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24);
        crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^ crc_table[5][(lo >> 16) & 0xff] ^
              crc_table[4][lo >> 24] ^ crc_table[3][s[4]] ^ crc_table[2][s[5]] ^ crc_table[1][s[6]] ^
              crc_table[0][s[7]];
        s += 8;
        n -= 8;
    }
    while (n--) crc = (crc >> 8) ^ crc_table[0][(crc ^ *s++) & 0xff];
    return ~crc;
}

/* ---- framing ---- */

static void le32_put(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void le64_put(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t le32_get(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64_get(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

/* The checksum covers the length and the number, so a record moved or
 * renumbered reads as damaged. */
static uint32_t frame_crc(const uint8_t hdr[HDR], const void *p, size_t n)
{
    uint32_t c = rg_wal_crc32c(0, hdr, 4);
    c = rg_wal_crc32c(c, hdr + 8, 8);
    return rg_wal_crc32c(c, p, n);
}

/* ---- files ---- */

static void file_path(char *out, size_t cap, const char *dir, uint64_t first)
{
    snprintf(out, cap, "%s/wal-%016" PRIx64 ".log", dir, first);
}

/* Whether name is one of ours; its first record number in *first. */
static bool parse_name(const char *name, uint64_t *first)
{
    if (strlen(name) != NAME_LEN || strncmp(name, "wal-", 4) != 0 || strcmp(name + 20, ".log") != 0) return false;
    uint64_t v = 0;
    for (int i = 4; i < 20; i++) {
        char c = name[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) return false;
        v = v << 4 | (uint64_t)d;
    }
    *first = v;
    return true;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Every log file of dir, by first record number.  0, or RG_ESTORAGE. */
static int list_files(const char *dir, uint64_t **firsts, size_t *n, size_t *cap)
{
    *firsts = NULL;
    *n = *cap = 0;
    DIR *d = opendir(dir);
    if (!d) return RG_ESTORAGE;
    for (struct dirent *ent; (ent = readdir(d));) {
        uint64_t first;
        if (!parse_name(ent->d_name, &first)) continue;
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 8;
            *firsts = rg_realloc(*firsts, *cap * sizeof **firsts);
        }
        (*firsts)[(*n)++] = first;
    }
    closedir(d);
    if (*n) qsort(*firsts, *n, sizeof **firsts, cmp_u64);
    return 0;
}

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static bool read_all(int fd, void *p, size_t n, uint64_t off)
{
    uint8_t *s = p;
    while (n) {
        ssize_t k = pread(fd, s, n, (off_t)off);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return false;
        s += k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return true;
}

/* What reading one file found. */
typedef struct walk {
    uint64_t next;          /* the number after its last whole record */
    uint64_t end;           /* where its whole records end */
    bool torn;              /* bytes after them that are no whole record */
} walk;

/* Read the records of one file (first record number `first`), handing those
 * above `after` to fn.  0, RG_ESTORAGE on a read error or fn's error. */
static int walk_file(int fd, uint64_t first, uint64_t after, rg_wal_apply_fn fn, void *ud, walk *out,
                     char *why, size_t cap)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        snprintf(why, cap, "cannot stat: %s", strerror(errno));
        return RG_ESTORAGE;
    }
    uint64_t size = (uint64_t)st.st_size, off = 0, rec = first;
    uint8_t *buf = NULL;
    size_t bufcap = 0;
    int rc = 0;
    out->torn = false;
    while (off < size) {
        uint8_t hdr[HDR];
        if (size - off < HDR) {
            out->torn = true;
            break;
        }
        if (!read_all(fd, hdr, HDR, off)) {
            snprintf(why, cap, "cannot read: %s", strerror(errno));
            rc = RG_ESTORAGE;
            break;
        }
        uint32_t len = le32_get(hdr);
        if (le64_get(hdr + 8) != rec || len > size - off - HDR) {
            out->torn = true;
            break;
        }
        if (len > bufcap) {
            bufcap = len;
            buf = rg_realloc(buf, bufcap);
        }
        if (!read_all(fd, buf, len, off + HDR)) {
            snprintf(why, cap, "cannot read: %s", strerror(errno));
            rc = RG_ESTORAGE;
            break;
        }
        if (frame_crc(hdr, buf, len) != le32_get(hdr + 4)) {
            out->torn = true;
            break;
        }
        if (rec > after && fn && (rc = fn(ud, rec, buf, len)) < 0) {
            snprintf(why, cap, "record %" PRIu64 " could not be applied", rec);
            break;
        }
        rec++;
        off += HDR + (uint64_t)len;
    }
    free(buf);
    out->next = rec;
    out->end = off;
    return rc;
}

/* The walk of open and scan: files wholly at or below `after` skipped (and
 * with w, deleted), the rest read in order.  With w: the newest file's torn
 * tail cut, and w set to append after the last record. */
static int walk_log(rg_wal *w, const char *dir, uint64_t after, rg_wal_apply_fn fn, void *ud, char *why,
                    size_t cap)
{
    uint64_t *firsts;
    size_t n, fcap;
    if (list_files(dir, &firsts, &n, &fcap) < 0) {
        snprintf(why, cap, "cannot list %s: %s", dir, strerror(errno));
        return RG_ESTORAGE;
    }
    char path[PATH_MAX + 32];
    size_t i0 = 0;
    while (i0 + 1 < n && firsts[i0 + 1] <= after + 1) {
        if (w) {
            file_path(path, sizeof path, dir, firsts[i0]);
            unlink(path);
        }
        i0++;
    }
    int rc = 0;
    uint64_t next = after + 1;          /* with no file: the store is the whole history */
    if (i0 < n && firsts[i0] > after + 1) {
        snprintf(why, cap, "records %" PRIu64 " to %" PRIu64 " are missing from the log of %s", after + 1,
                 firsts[i0] - 1, dir);
        rc = RG_ESTORAGE;
    }
    int fd = -1;
    walk wk = {0};
    for (size_t i = i0; i < n && rc == 0; i++) {
        bool last = i + 1 == n;
        file_path(path, sizeof path, dir, firsts[i]);
        if (i > i0 && firsts[i] != next) {
            snprintf(why, cap, "%s begins at record %" PRIu64 ", not %" PRIu64 ": records are missing", path,
                     firsts[i], next);
            rc = RG_ESTORAGE;
            break;
        }
        fd = open(path, (w && last ? O_RDWR : O_RDONLY) | O_CLOEXEC);
        if (fd < 0) {
            snprintf(why, cap, "cannot open %s: %s", path, strerror(errno));
            rc = RG_ESTORAGE;
            break;
        }
        char fwhy[256] = "";
        rc = walk_file(fd, firsts[i], after, fn, ud, &wk, fwhy, sizeof fwhy);
        if (rc < 0) snprintf(why, cap, "%s: %s", path, fwhy);
        next = wk.next;
        if (rc == 0 && wk.torn && !last) {
            /* Every file but the newest was synced whole before the next
             * one began: damage there is not a crash's torn append. */
            snprintf(why, cap, "%s is damaged at byte %" PRIu64 " (record %" PRIu64 ") and a newer file follows",
                     path, wk.end, next);
            rc = RG_ESTORAGE;
        }
        if (rc == 0 && wk.torn && w) {
            /* A crash in the middle of an append: never acknowledged. */
            fprintf(stderr, "regie: cutting a torn record off the end of %s (byte %" PRIu64 ")\n", path, wk.end);
            if (ftruncate(fd, (off_t)wk.end) < 0 || fdatasync(fd) < 0) {
                snprintf(why, cap, "cannot cut the torn end of %s: %s", path, strerror(errno));
                rc = RG_ESTORAGE;
            }
        }
        if (!(w && last) || rc < 0) {
            close(fd);
            fd = -1;
        }
    }
    if (rc < 0 || !w) {
        if (fd >= 0) close(fd);
        free(firsts);
        return rc;
    }
    for (size_t i = i0; i < n; i++) firsts[i - i0] = firsts[i];
    n -= i0;
    w->firsts = firsts;
    w->nfiles = n;
    w->cap = fcap;
    if (fd >= 0 && next > after) {
        w->fd = fd;
        w->end = wk.end;
        w->reserved = wk.end;
        w->next = next;
        return 0;
    }
    /* No file, or the store is ahead of the log (writes it applied that
     * were never synced here, lost with the machine; or a restored
     * backup): a new file begins after the store's last record, and the
     * old ones, all at or below it, go. */
    if (fd >= 0) close(fd);
    for (size_t i = 0; i < n; i++) {
        file_path(path, sizeof path, dir, firsts[i]);
        unlink(path);
    }
    w->nfiles = 0;
    w->next = after + 1;
    file_path(path, sizeof path, dir, w->next);
    w->fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (w->fd < 0 || sync_dir(dir) < 0) {
        snprintf(why, cap, "cannot create %s: %s", path, strerror(errno));
        return RG_ESTORAGE;
    }
    if (w->nfiles == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 8;
        w->firsts = rg_realloc(w->firsts, w->cap * sizeof *w->firsts);
    }
    w->firsts[w->nfiles++] = w->next;
    w->end = 0;
    w->reserved = 0;
    return 0;
}

int rg_wal_open(rg_wal **out, const char *dir, uint64_t after, rg_wal_apply_fn fn, void *ud, char *why,
                size_t cap)
{
    *out = NULL;
    why[0] = '\0';
    rg_wal *w = rg_calloc(1, sizeof *w);
    w->dir = rg_malloc(strlen(dir) + 1);
    memcpy(w->dir, dir, strlen(dir) + 1);
    w->fd = -1;
    w->limit = DEFAULT_LIMIT;
    int rc = walk_log(w, dir, after, fn, ud, why, cap);
    if (rc < 0) {
        rg_wal_close(w);
        return rc;
    }
    *out = w;
    return 0;
}

int rg_wal_scan(const char *dir, uint64_t after, rg_wal_apply_fn fn, void *ud)
{
    char why[512] = "";
    int rc = walk_log(NULL, dir, after, fn, ud, why, sizeof why);
    if (rc < 0 && why[0]) fprintf(stderr, "regie: log: %s\n", why);
    return rc;
}

void rg_wal_close(rg_wal *w)
{
    if (!w) return;
    if (w->fd >= 0) close(w->fd);
    free(w->firsts);
    free(w->dir);
    free(w);
}

uint64_t rg_wal_next(const rg_wal *w) { return w->next; }
bool rg_wal_broken(const rg_wal *w) { return w->broken; }
size_t rg_wal_files(const rg_wal *w) { return w->nfiles; }
void rg_wal_set_file_limit(rg_wal *w, uint64_t bytes) { w->limit = bytes; }

bool rg_wal_rotated(rg_wal *w)
{
    bool r = w->rotated;
    w->rotated = false;
    return r;
}

void rg_wal_fail_next(rg_wal *w, char op, int err)
{
    if (op == 'w') w->fail_write = err;
    else w->fail_sync = err;
}

static ssize_t do_pwritev(rg_wal *w, const struct iovec *v, int n, off_t off)
{
    if (w->fail_write) {
        errno = w->fail_write;
        w->fail_write = 0;
        return -1;
    }
    return pwritev(w->fd, v, n, off);
}

/* Blocks for the file's next bytes, allocated ahead (the size stays: a
 * reader sees whole records only).  Without them every synced append
 * allocated new blocks, and fdatasync wrote the allocation's metadata too
 * (block bitmap, extent tree) beside the data and the size: with them,
 * in process at 16 commands a commit, 12,350 and 12,195 commands/s became
 * 14,708 and 14,156 (two alternated pairs, BENCHMARKS.md).  RocksDB
 * preallocates its own WAL so.  A disk
 * that has not the room, or a file system without fallocate, is written
 * without (the write then fails or succeeds on its own). */
#define RESERVE_CHUNK (4u << 20)

static void reserve(rg_wal *w, uint64_t upto)
{
    if (upto <= w->reserved) return;
    uint64_t to = (upto + RESERVE_CHUNK - 1) / RESERVE_CHUNK * RESERVE_CHUNK;
    if (fallocate(w->fd, FALLOC_FL_KEEP_SIZE, (off_t)w->reserved, (off_t)(to - w->reserved)) == 0) w->reserved = to;
    else w->reserved = upto;             /* tried: again only past this append */
}

static int do_sync(rg_wal *w)
{
    if (w->fail_sync) {
        errno = w->fail_sync;
        w->fail_sync = 0;
        return -1;
    }
    return fdatasync(w->fd);
}

static void breaks(rg_wal *w, const char *what)
{
    fprintf(stderr,
            "regie: log: %s failed: %s; every write is refused until the engine is restarted, which reads "
            "the log back from the disk\n",
            what, strerror(errno));
    w->broken = true;
}

int rg_wal_rotate(rg_wal *w)
{
    if (w->broken || w->fd < 0) return RG_ESTORAGE;
    if (w->end == 0) return 0;
    /* The files before the newest are whole and on disk: only the newest
     * may end torn. */
    if (do_sync(w) < 0) {
        breaks(w, "syncing the log file before the next");
        return RG_ESTORAGE;
    }
    char path[PATH_MAX + 32];
    file_path(path, sizeof path, w->dir, w->next);
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "regie: log: cannot create %s: %s\n", path, strerror(errno));
        return RG_ESTORAGE;
    }
    /* The new name must be on disk before a record in it is acknowledged. */
    if (sync_dir(w->dir) < 0) {
        fprintf(stderr, "regie: log: cannot sync %s: %s\n", w->dir, strerror(errno));
        close(fd);
        unlink(path);
        return RG_ESTORAGE;
    }
    close(w->fd);
    w->fd = fd;
    w->end = 0;
    w->reserved = 0;
    w->can_undo = false;
    if (w->nfiles == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 8;
        w->firsts = rg_realloc(w->firsts, w->cap * sizeof *w->firsts);
    }
    w->firsts[w->nfiles++] = w->next;
    w->rotated = true;
    return 0;
}

int rg_wal_append(rg_wal *w, const void *p, size_t n, bool sync)
{
    if (w->broken || w->fd < 0) return RG_ESTORAGE;
    if (n > UINT32_MAX - HDR) {
        fprintf(stderr, "regie: log: a batch of %zu bytes is too large for one record\n", n);
        return RG_ESTORAGE;
    }
    if (w->end >= w->limit) {
        int rc = rg_wal_rotate(w);
        if (rc < 0) return rc;
    }
    uint8_t hdr[HDR];
    le32_put(hdr, (uint32_t)n);
    le64_put(hdr + 8, w->next);
    le32_put(hdr + 4, frame_crc(hdr, p, n));
    struct iovec iov[2] = {{hdr, HDR}, {(void *)p, n}};
    size_t total = HDR + n, done = 0;
    reserve(w, w->end + total);
    while (done < total) {
        /* A short write goes on from where it stopped. */
        struct iovec v[2];
        int nv = 0;
        size_t skip = done;
        for (int i = 0; i < 2; i++) {
            if (skip >= iov[i].iov_len) {
                skip -= iov[i].iov_len;
                continue;
            }
            v[nv].iov_base = (uint8_t *)iov[i].iov_base + skip;
            v[nv].iov_len = iov[i].iov_len - skip;
            skip = 0;
            nv++;
        }
        ssize_t k = do_pwritev(w, v, nv, (off_t)(w->end + done));
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            int e = k < 0 ? errno : EIO;
            /* Nothing half-written stays: the next append writes over it in
             * any case (it begins at w->end), and a crash before that
             * leaves a torn tail that opening cuts. */
            if (ftruncate(w->fd, (off_t)w->end) < 0) { /* overwritten by the next append */ }
            w->reserved = w->end;             /* a cut frees the blocks past it */
            fprintf(stderr, "regie: log: write failed: %s (this batch refused)\n", strerror(e));
            return RG_ESTORAGE;
        }
        done += (size_t)k;
    }
    w->last_start = w->end;
    w->end += total;
    w->next++;
    w->can_undo = true;
    w->last_synced = false;
    if (sync) {
        if (do_sync(w) < 0) {
            breaks(w, "sync");
            return RG_ESTORAGE;
        }
        w->last_synced = true;
    }
    return 0;
}

void rg_wal_undo(rg_wal *w)
{
    if (!w->can_undo || w->broken) return;
    w->can_undo = false;
    w->reserved = w->last_start;
    if (ftruncate(w->fd, (off_t)w->last_start) < 0 || (w->last_synced && do_sync(w) < 0)) {
        breaks(w, "taking back a record");
        return;
    }
    w->end = w->last_start;
    w->next--;
}

int rg_wal_drop(rg_wal *w, uint64_t upto)
{
    size_t k = 0;
    char path[PATH_MAX + 32];
    while (k + 1 < w->nfiles && w->firsts[k + 1] <= upto + 1) {
        file_path(path, sizeof path, w->dir, w->firsts[k]);
        if (unlink(path) < 0 && errno != ENOENT) {
            fprintf(stderr, "regie: log: cannot delete %s: %s\n", path, strerror(errno));
            break;
        }
        k++;
    }
    memmove(w->firsts, w->firsts + k, (w->nfiles - k) * sizeof *w->firsts);
    w->nfiles -= k;
    return (int)k;
}

int rg_wal_remove_all(rg_wal *w)
{
    if (w->fd >= 0) close(w->fd);
    w->fd = -1;
    int rc = 0;
    char path[PATH_MAX + 32];
    for (size_t i = 0; i < w->nfiles; i++) {
        file_path(path, sizeof path, w->dir, w->firsts[i]);
        if (unlink(path) < 0 && errno != ENOENT) rc = RG_ESTORAGE;
    }
    w->nfiles = 0;
    return rc;
}
