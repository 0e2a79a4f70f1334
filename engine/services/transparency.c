/*
 * transparency.c - the engine's Merkle tree, signing key and signed heads
 * (transparency.h).
 */
#include "transparency.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/state.h"
#include "../storage/crypto.h"
#include "../storage/errors.h"
#include "../storage/keyfile.h"

#define DAY_MS (24ULL * 3600 * 1000)
#define PATH_MAX_ 4096

struct rg_tlog {
    rg_engine *e;
    char dir[PATH_MAX_];
    uint8_t pub[RG_STH_PUB], secret[RG_STH_SECRET];
    rg_merkle tree;
    rg_sth last;              /* the latest head; size 0 with no head yet */
    bool have_last;
    bool mismatch;            /* the log does not give the last head's root */
    char why[200];
    uv_timer_t daily;
};

/* ---- the signing key ---- */

static int read_seed(const char *path, uint8_t seed[32], bool *missing)
{
    *missing = false;
    FILE *f = fopen(path, "r");
    if (!f) {
        *missing = errno == ENOENT;
        return RG_EBADREQ;
    }
    char hex[80];
    size_t n = fread(hex, 1, sizeof hex - 1, f);
    fclose(f);
    while (n && (hex[n - 1] == '\n' || hex[n - 1] == '\r' || hex[n - 1] == ' ')) n--;
    return rg_mk_unhex(seed, 32, hex, n) ? 0 : RG_EBADREQ;
}

static int create_seed(const char *path, uint8_t seed[32])
{
    rg_random(seed, 32);
    char hex[65 + 1];
    rg_mk_hex(hex, seed, 32);
    strcat(hex, "\n");
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return RG_EBADREQ;
    bool ok = write(fd, hex, 65) == 65 && fsync(fd) == 0;
    close(fd);
    return ok ? 0 : RG_EBADREQ;
}

static int load_key(rg_tlog *t, const char *sign_key)
{
    char path[PATH_MAX_ + 16];
    if (sign_key) snprintf(path, sizeof path, "%s", sign_key);
    else if (rg_beside(path, sizeof path, t->dir, ".sign") < 0) {
        fprintf(stderr, "regie: no place beside %s for the log signing key: give --sign-key\n", t->dir);
        return RG_EBADREQ;
    }
    uint8_t seed[32];
    bool missing;
    int rc = read_seed(path, seed, &missing);
    if (rc < 0 && missing && !sign_key) {
        rc = create_seed(path, seed);
        if (rc == 0)
            fprintf(stderr, "regie: created the log signing key %s; keep it apart from the data "
                            "(--sign-key) and hand %s/sign.pub to whoever checks the log\n", path, t->dir);
    }
    if (rc < 0) {
        fprintf(stderr, "regie: the log signing key %s is %s (64 hex digits expected)\n", path,
                missing ? "missing" : "unreadable or malformed");
        return RG_EBADREQ;
    }
    /* A key others may read is a key others have (as keyfile.c says of the
     * key-encryption key): refused, so the operator learns of it. */
    struct stat st;
    if (stat(path, &st) == 0 && (st.st_mode & 077)) {
        fprintf(stderr, "regie: the log signing key %s has mode %04o: whoever read it can sign heads in the "
                        "engine's name.  Make it its owner's alone (chmod 600 %s), consider it leaked, and "
                        "start with a new key\n", path, (unsigned)(st.st_mode & 07777), path);
        memset(seed, 0, sizeof seed);
        return RG_EBADREQ;
    }
    rg_sth_keypair(seed, t->pub, t->secret);
    memset(seed, 0, sizeof seed);
    /* The public key, for the supervisor. */
    char pubpath[PATH_MAX_ + 16], hex[2 * RG_STH_PUB + 2];
    snprintf(pubpath, sizeof pubpath, "%s/sign.pub", t->dir);
    rg_mk_hex(hex, t->pub, RG_STH_PUB);
    strcat(hex, "\n");
    FILE *f = fopen(pubpath, "w");
    if (!f || fputs(hex, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "regie: cannot write %s: %s\n", pubpath, strerror(errno));
        return RG_EBADREQ;
    }
    return 0;
}

/* ---- heads on disk ---- */

static void head_line(const rg_sth *h, char *out, size_t cap)
{
    char root[2 * RG_MERKLE_HASH + 1], sig[2 * RG_STH_SIG + 1];
    rg_mk_hex(root, h->root, RG_MERKLE_HASH);
    rg_mk_hex(sig, h->sig, RG_STH_SIG);
    snprintf(out, cap, "{\"size\":%" PRIu64 ",\"root\":\"%s\",\"at\":%" PRIu64 ",\"signature\":\"%s\",\"key_id\":\"%s\"}\n",
             h->size, root, h->at, sig, h->key_id);
}

static bool parse_head(const char *line, rg_sth *h)
{
    char root[2 * RG_MERKLE_HASH + 2], sig[2 * RG_STH_SIG + 2], id[RG_STH_KEY_ID + 2];
    unsigned long long size, at;
    if (sscanf(line, "{\"size\":%llu,\"root\":\"%65[0-9a-f]\",\"at\":%llu,\"signature\":\"%129[0-9a-f]\",\"key_id\":\"%17[0-9a-f]\"}",
               &size, root, &at, sig, id) != 5)
        return false;
    h->size = size;
    h->at = at;
    if (strlen(id) != RG_STH_KEY_ID) return false;
    memcpy(h->key_id, id, sizeof h->key_id);
    return rg_mk_unhex(h->root, RG_MERKLE_HASH, root, strlen(root)) &&
           rg_mk_unhex(h->sig, RG_STH_SIG, sig, strlen(sig));
}

static void publish(rg_tlog *t, const rg_sth *h)
{
    char line[512], path[PATH_MAX_ + 16], tmp[PATH_MAX_ + 16];
    head_line(h, line, sizeof line);
    snprintf(path, sizeof path, "%s/log.heads", t->dir);
    FILE *f = fopen(path, "a");
    bool ok = f && fputs(line, f) >= 0 && fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (f) ok = fclose(f) == 0 && ok;
    snprintf(tmp, sizeof tmp, "%s/log.head.tmp", t->dir);
    snprintf(path, sizeof path, "%s/log.head", t->dir);
    f = fopen(tmp, "w");
    bool ok2 = f && fputs(line, f) >= 0 && fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (f) ok2 = fclose(f) == 0 && ok2;
    if (!ok || !ok2 || rename(tmp, path) != 0)
        fprintf(stderr, "regie: cannot write the signed head into %s: %s\n", t->dir, strerror(errno));
}

static void load_last(rg_tlog *t)
{
    char path[PATH_MAX_ + 16], line[512];
    snprintf(path, sizeof path, "%s/log.head", t->dir);
    FILE *f = fopen(path, "r");
    if (!f) return;
    bool got = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    if (got && parse_head(line, &t->last) && rg_sth_verify(&t->last, t->pub)) {
        t->have_last = true;
    } else {
        /* Not ours, or damaged: said, and a new head is signed on next use. */
        fprintf(stderr, "regie: %s is not a head signed by this engine's key; ignored\n", path);
        memset(&t->last, 0, sizeof t->last);
    }
}

/* ---- the tree ---- */

int rg_tlog_sync(rg_tlog *t, const char **why)
{
    *why = "";
    rg_iter *it = rg_iter_new(t->e->log, RG_CF_EVENTS);
    uint8_t k[8];
    rg_be64_put(k, t->tree.size + 1);
    for (rg_iter_seek(it, k, 8); rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn, vn;
        const uint8_t *key = rg_iter_key(it, &kn);
        const uint8_t *v = rg_iter_value(it, &vn);
        if (kn != 8 || rg_be64_get(key) != t->tree.size + 1) {
            rg_iter_end(it);
            snprintf(t->why, sizeof t->why, "the log has a gap or a foreign key after position %" PRIu64,
                     t->tree.size);
            *why = t->why;
            return RG_ESTORAGE;
        }
        rg_merkle_append(&t->tree, v, vn);
    }
    if (rg_iter_end(it) < 0) {
        *why = "reading the log failed";
        return RG_ESTORAGE;
    }
    if (t->have_last && !t->mismatch && t->last.size <= t->tree.size) {
        uint8_t root[RG_MERKLE_HASH];
        rg_merkle_root(&t->tree, t->last.size, root);
        if (memcmp(root, t->last.root, RG_MERKLE_HASH) != 0) {
            t->mismatch = true;
            snprintf(t->why, sizeof t->why,
                     "the log's first %" PRIu64 " records do not give the root of the last signed head",
                     t->last.size);
            fprintf(stderr, "regie: %s\n", t->why);
        }
    } else if (t->have_last && t->last.size > t->tree.size && !t->mismatch) {
        t->mismatch = true;
        snprintf(t->why, sizeof t->why, "the log holds %" PRIu64 " records, fewer than the %" PRIu64
                 " of the last signed head", t->tree.size, t->last.size);
        fprintf(stderr, "regie: %s\n", t->why);
    }
    if (t->mismatch) {
        *why = t->why;
        return RG_ESTORAGE;
    }
    return 0;
}

const rg_sth *rg_tlog_head(rg_tlog *t)
{
    if (t->have_last && t->last.size == t->tree.size) return &t->last;
    /* Called after a sync that found the log to extend the last head: a
     * signed head never shrinks. */
    RG_ASSERT(!t->mismatch && (!t->have_last || t->last.size < t->tree.size));
    rg_sth h;
    memset(&h, 0, sizeof h);
    h.size = t->tree.size;
    rg_merkle_root(&t->tree, h.size, h.root);
    /* Whole seconds: the time reads the same in every rendering. */
    h.at = rg_clock_now(&t->e->clock) / 1000 * 1000;
    rg_sth_sign(&h, t->secret, t->pub);
    publish(t, &h);
    t->last = h;
    t->have_last = true;
    return &t->last;
}

const rg_merkle *rg_tlog_tree(const rg_tlog *t) { return &t->tree; }
const uint8_t *rg_tlog_public_key(const rg_tlog *t) { return t->pub; }

/* ---- daily heads and closing ---- */

static void daily_cb(uv_timer_t *timer)
{
    rg_tlog *t = timer->data;
    const char *why;
    if (rg_tlog_sync(t, &why) == 0) rg_tlog_head(t);
}

static void closed_cb(uv_handle_t *h)
{
    rg_tlog *t = h->data;
    rg_merkle_free(&t->tree);
    memset(t->secret, 0, sizeof t->secret);
    free(t);
}

static void on_close(void *ud, rg_engine *e)
{
    (void)e;
    rg_tlog *t = ud;
    uv_close((uv_handle_t *)&t->daily, closed_cb);
}

static const rg_listener_ops tlog_ops = {"transparency", NULL, NULL, NULL, NULL, on_close};

int rg_tlog_attach(rg_engine *e, const char *dir, const char *sign_key, rg_tlog **out)
{
    rg_tlog *t = rg_calloc(1, sizeof *t);
    t->e = e;
    snprintf(t->dir, sizeof t->dir, "%s", dir);
    rg_merkle_init(&t->tree);
    int rc = load_key(t, sign_key);
    if (rc < 0) {
        free(t);
        return rc;
    }
    load_last(t);
    uv_timer_init(rg_engine_loop(e), &t->daily);
    t->daily.data = t;
    uv_unref((uv_handle_t *)&t->daily);
    rc = rg_engine_listen(e, &tlog_ops, t);
    if (rc < 0) {
        uv_close((uv_handle_t *)&t->daily, closed_cb);
        return rc;
    }
    /* A head at least daily, whether or not anyone asks. */
    uv_timer_start(&t->daily, daily_cb, DAY_MS, DAY_MS);
    *out = t;
    return 0;
}
