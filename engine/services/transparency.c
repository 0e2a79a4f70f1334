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

/* One tree and its heads: the log's, or the audit trail's. */
typedef struct trail {
    bool audit;
    const char *file;         /* DIR/<file>.head, DIR/<file>.heads */
    rg_merkle tree;
    uint64_t *ns;             /* audit: the record number of each leaf (ascending) */
    size_t ncap;
    rg_sth last;              /* the latest head; size 0 with no head yet */
    bool have_last;
    bool mismatch;            /* the records do not give the last head's root */
    char why[200];
} trail;

struct rg_tlog {
    rg_engine *e;
    char dir[PATH_MAX_];
    uint8_t pub[RG_STH_PUB], secret[RG_STH_SECRET];
    trail log, audit;
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
    snprintf(out, cap, "{\"size\":%" PRIu64 ",\"root\":\"%s\",\"at\":%" PRIu64 ",\"signature\":\"%s\",\"key_id\":\"%s\"%s}\n",
             h->size, root, h->at, sig, h->key_id, h->audit ? ",\"trail\":\"audit\"" : "");
}

static bool parse_head(const char *line, rg_sth *h, bool audit)
{
    char root[2 * RG_MERKLE_HASH + 2], sig[2 * RG_STH_SIG + 2], id[RG_STH_KEY_ID + 2];
    unsigned long long size, at;
    if (sscanf(line, "{\"size\":%llu,\"root\":\"%65[0-9a-f]\",\"at\":%llu,\"signature\":\"%129[0-9a-f]\",\"key_id\":\"%17[0-9a-f]\"",
               &size, root, &at, sig, id) != 5)
        return false;
    h->audit = audit;
    h->size = size;
    h->at = at;
    if (strlen(id) != RG_STH_KEY_ID) return false;
    memcpy(h->key_id, id, sizeof h->key_id);
    return rg_mk_unhex(h->root, RG_MERKLE_HASH, root, strlen(root)) &&
           rg_mk_unhex(h->sig, RG_STH_SIG, sig, strlen(sig));
}

static void publish(rg_tlog *t, const trail *tr, const rg_sth *h)
{
    char line[512], path[PATH_MAX_ + 16], tmp[PATH_MAX_ + 16];
    head_line(h, line, sizeof line);
    snprintf(path, sizeof path, "%s/%s.heads", t->dir, tr->file);
    FILE *f = fopen(path, "a");
    bool ok = f && fputs(line, f) >= 0 && fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (f) ok = fclose(f) == 0 && ok;
    snprintf(tmp, sizeof tmp, "%s/%s.head.tmp", t->dir, tr->file);
    snprintf(path, sizeof path, "%s/%s.head", t->dir, tr->file);
    f = fopen(tmp, "w");
    bool ok2 = f && fputs(line, f) >= 0 && fflush(f) == 0 && fsync(fileno(f)) == 0;
    if (f) ok2 = fclose(f) == 0 && ok2;
    if (!ok || !ok2 || rename(tmp, path) != 0)
        fprintf(stderr, "regie: cannot write the signed head into %s: %s\n", t->dir, strerror(errno));
}

static void load_last(rg_tlog *t, trail *tr)
{
    char path[PATH_MAX_ + 16], line[512];
    snprintf(path, sizeof path, "%s/%s.head", t->dir, tr->file);
    FILE *f = fopen(path, "r");
    if (!f) return;
    bool got = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    if (got && parse_head(line, &tr->last, tr->audit) && rg_sth_verify(&tr->last, t->pub)) {
        tr->have_last = true;
    } else {
        /* Not ours, or damaged: said, and a new head is signed on next use. */
        fprintf(stderr, "regie: %s is not a head signed by this engine's key; ignored\n", path);
        memset(&tr->last, 0, sizeof tr->last);
    }
}

/* ---- the trees ---- */

/* The log's records from the tree's size on: positions gapless from 1. */
static int read_log(rg_tlog *t, trail *tr)
{
    rg_iter *it = rg_iter_new(t->e->log, RG_CF_EVENTS);
    uint8_t k[8];
    rg_be64_put(k, tr->tree.size + 1);
    for (rg_iter_seek(it, k, 8); rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn, vn;
        const uint8_t *key = rg_iter_key(it, &kn);
        const uint8_t *v = rg_iter_value(it, &vn);
        if (kn != 8 || rg_be64_get(key) != tr->tree.size + 1) {
            rg_iter_end(it);
            snprintf(tr->why, sizeof tr->why, "the log has a gap or a foreign key after position %" PRIu64,
                     tr->tree.size);
            return RG_ESTORAGE;
        }
        rg_merkle_append(&tr->tree, v, vn);
    }
    if (rg_iter_end(it) < 0) {
        snprintf(tr->why, sizeof tr->why, "reading the log failed");
        return RG_ESTORAGE;
    }
    return 0;
}

/* The audit records (keys be64(n); the indexes after them are longer) after
 * the last one in the tree, in number order.  A number may be missing (a
 * commit that failed took it); the tree's leaves are the records there are. */
static int read_audit(rg_tlog *t, trail *tr)
{
    rg_iter *it = rg_iter_new(t->e->log, RG_CF_AUDIT);
    uint8_t k[8];
    rg_be64_put(k, tr->tree.size ? tr->ns[tr->tree.size - 1] + 1 : 0);
    for (rg_iter_seek(it, k, 8); rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn, vn;
        const uint8_t *key = rg_iter_key(it, &kn);
        const uint8_t *v = rg_iter_value(it, &vn);
        if (kn != 8) break;
        if (tr->tree.size == tr->ncap) {
            tr->ncap = tr->ncap ? tr->ncap * 2 : 1024;
            tr->ns = rg_realloc(tr->ns, tr->ncap * sizeof *tr->ns);
        }
        tr->ns[tr->tree.size] = rg_be64_get(key);
        rg_merkle_append(&tr->tree, v, vn);
    }
    if (rg_iter_end(it) < 0) {
        snprintf(tr->why, sizeof tr->why, "reading the audit trail failed");
        return RG_ESTORAGE;
    }
    return 0;
}

/* The tree against its last head. */
static int check_last(trail *tr)
{
    const char *what = tr->audit ? "audit trail" : "log";
    if (tr->have_last && !tr->mismatch && tr->last.size <= tr->tree.size) {
        uint8_t root[RG_MERKLE_HASH];
        rg_merkle_root(&tr->tree, tr->last.size, root);
        if (memcmp(root, tr->last.root, RG_MERKLE_HASH) != 0) {
            tr->mismatch = true;
            snprintf(tr->why, sizeof tr->why,
                     "the %s's first %" PRIu64 " records do not give the root of the last signed head", what,
                     tr->last.size);
            fprintf(stderr, "regie: %s\n", tr->why);
        }
    } else if (tr->have_last && tr->last.size > tr->tree.size && !tr->mismatch) {
        tr->mismatch = true;
        snprintf(tr->why, sizeof tr->why, "the %s holds %" PRIu64 " records, fewer than the %" PRIu64
                 " of the last signed head", what, tr->tree.size, tr->last.size);
        fprintf(stderr, "regie: %s\n", tr->why);
    }
    return tr->mismatch ? RG_ESTORAGE : 0;
}

int rg_tlog_sync(rg_tlog *t, const char **why)
{
    *why = "";
    trail *trs[2] = {&t->log, &t->audit};
    for (int i = 0; i < 2; i++) {
        trail *tr = trs[i];
        if ((tr->audit ? read_audit(t, tr) : read_log(t, tr)) < 0 || check_last(tr) < 0) {
            *why = tr->why;
            return RG_ESTORAGE;
        }
    }
    return 0;
}

static const rg_sth *head_of(rg_tlog *t, trail *tr)
{
    if (tr->have_last && tr->last.size == tr->tree.size) return &tr->last;
    /* Called after a sync that found the records to extend the last head:
     * a signed head never shrinks. */
    RG_ASSERT(!tr->mismatch && (!tr->have_last || tr->last.size < tr->tree.size));
    rg_sth h;
    memset(&h, 0, sizeof h);
    h.audit = tr->audit;
    h.size = tr->tree.size;
    rg_merkle_root(&tr->tree, h.size, h.root);
    /* Whole seconds: the time reads the same in every rendering. */
    h.at = rg_clock_now(&t->e->clock) / 1000 * 1000;
    rg_sth_sign(&h, t->secret, t->pub);
    publish(t, tr, &h);
    tr->last = h;
    tr->have_last = true;
    return &tr->last;
}

const rg_sth *rg_tlog_head(rg_tlog *t) { return head_of(t, &t->log); }
const rg_sth *rg_tlog_audit_head(rg_tlog *t) { return head_of(t, &t->audit); }
const rg_merkle *rg_tlog_tree(const rg_tlog *t) { return &t->log.tree; }
const rg_merkle *rg_tlog_audit_tree(const rg_tlog *t) { return &t->audit.tree; }
const uint8_t *rg_tlog_public_key(const rg_tlog *t) { return t->pub; }

bool rg_tlog_audit_index(const rg_tlog *t, uint64_t n, uint64_t *index)
{
    const trail *tr = &t->audit;
    uint64_t lo = 0, hi = tr->tree.size;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (tr->ns[mid] < n) lo = mid + 1;
        else hi = mid;
    }
    if (lo == tr->tree.size || tr->ns[lo] != n) return false;
    *index = lo;
    return true;
}

/* ---- daily heads and closing ---- */

static void daily_cb(uv_timer_t *timer)
{
    rg_tlog *t = timer->data;
    const char *why;
    if (rg_tlog_sync(t, &why) == 0) {
        rg_tlog_head(t);
        rg_tlog_audit_head(t);
    }
}

static void closed_cb(uv_handle_t *h)
{
    rg_tlog *t = h->data;
    rg_merkle_free(&t->log.tree);
    rg_merkle_free(&t->audit.tree);
    free(t->audit.ns);
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
    rg_merkle_init(&t->log.tree);
    rg_merkle_init(&t->audit.tree);
    t->log.file = "log";
    t->audit.file = "audit";
    t->audit.audit = true;
    int rc = load_key(t, sign_key);
    if (rc < 0) {
        free(t);
        return rc;
    }
    load_last(t, &t->log);
    load_last(t, &t->audit);
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
