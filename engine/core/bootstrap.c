/*
 * bootstrap.c - the start-up steps after the log is loaded: the first admin
 * (on a first start regied writes DIR/admin.token, mode 0600, holding the
 * admin's token) and the one-time count of the figures per region of a data
 * directory from before them (rg_bootstrap_tallies).  The count walks the
 * cases through reads.c, so it lives here and not in state.c, which reads.c
 * itself uses.
 *
 * Order matters for crashes: the admin actor (holding only the token's hash)
 * is made durable first, then the file is written to a temporary name,
 * fsynced and renamed.  A crash before the rename leaves no file, and the
 * next start simply makes a new token and replaces the hash.  A revoked
 * admin is never made again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootstrap.h"
#include "ctx.h"
#include "request.h"
#include "../storage/errors.h"
#include "reads.h"

static int write_file_durably(const char *dir, const char *name, const char *content)
{
    char path[4096], tmp[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) goto fail;
    size_t n = strlen(content);
    if (write(fd, content, n) != (ssize_t)n || fsync(fd) < 0) {
        close(fd);
        goto fail;
    }
    close(fd);
    if (rename(tmp, path) < 0) goto fail;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
fail:
    fprintf(stderr, "regie: cannot write %s: %s\n", path, strerror(errno));
    unlink(tmp);
    return RG_ESTORAGE;
}

int rg_bootstrap_admin(rg_engine *e, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/admin.token", dir);
    if (access(path, F_OK) == 0) return 0;
    /* A revoked admin stays revoked: deleting the file must not bring its
     * powers back to whoever can restart the engine (issue 20, finding
     * 13).  Another admin rotates or creates one (actor.rotate). */
    const rg_actor *cur = rg_store_actor(e, "admin");
    if (cur && cur->revoked) {
        fprintf(stderr, "regied: the admin was revoked, so %s is not made again; another admin can make "
                        "one (actor.create, actor.rotate)\n", path);
        return 0;
    }
    char token[RG_TOKEN_LEN + 2];
    rg_token_new(token);
    rg_actor a;
    memset(&a, 0, sizeof a);
    snprintf(a.id, sizeof a.id, "admin");
    snprintf(a.org, sizeof a.org, "zvh");
    snprintf(a.zvh, sizeof a.zvh, "%s", e->zvh);
    a.role = RG_ROLE_ADMIN;
    a.engine_wide = true;                  /* the engine's operator */
    rg_sha256(a.token_hash, token, strlen(token));
    rg_batch *b = rg_batch_new(e->log);
    rg_store_stage_actor(b, &a);
    int rc = rg_log_write(e->log, b, true);
    rg_batch_free(b);
    if (rc < 0) return rc;
    rg_store_actor_put(e, &a);
    strcat(token, "\n");
    return write_file_durably(dir, "admin.token", token);
}

typedef struct migrate {
    rg_engine *e;
    rg_batch *b;
    int rc;
} migrate;

static int tally_one(void *ud, const rg_case *cs)
{
    migrate *m = ud;
    rg_tally_case(&m->e->tallies, cs, +1);
    char k[RG_RX_KEY_MAX];
    rg_batch_put(m->b, RG_CF_META, k, rg_region_key(k, cs->zvh, cs->id), "", 0);
    if (rg_batch_count(m->b) >= 10000) {          /* in chunks: a big log has millions */
        if ((m->rc = rg_log_write(m->e->log, m->b, false)) < 0) return 1;
        rg_batch_free(m->b);
        m->b = rg_batch_new(m->e->log);
    }
    return 0;
}

/* The lead-time rows counted per region (once, for a directory from
 * before the counts): a row without a region is the first region's. */
static int count_leads(rg_engine *e)
{
    rg_iter *it = rg_iter_new_scan(e->log, RG_CF_LEADTIMES);
    for (rg_iter_seek_first(it); rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn;
        const uint8_t *k = rg_iter_key(it, &kn);
        if (kn < 17) continue;
        char zvh[RG_ID_MAX];
        if (kn == 17) snprintf(zvh, sizeof zvh, "%s", RG_ZVH_DEFAULT);
        else snprintf(zvh, sizeof zvh, "%.*s", (int)(kn - 17 < RG_ID_MAX - 1 ? kn - 17 : RG_ID_MAX - 1), k + 17);
        rg_tally_lead(&e->tallies, zvh, -1, k[0], rg_be64_get(k + 1));   /* rows keep no route */
    }
    return rg_iter_end(it) < 0 ? RG_ESTORAGE : 0;
}

/* The figures per region of a directory from before them (rg_store_load
 * found none): counted once, by the one walk of its cases it will need, and
 * written with the marker last, so a crash midway counts again next open. */
int rg_bootstrap_tallies(rg_engine *e)
{
    if (!e->tallies_unread) return 0;
    migrate m = {e, rg_batch_new(e->log), 0};
    rg_tallies_clear_keys(m.b);
    rg_region_clear_keys(m.b);
    int rc = rg_reads_each_case(e, NULL, tally_one, &m);
    if (rc == 0 && m.rc == 0) rc = count_leads(e);
    if (rc == 0 && m.rc == 0) {
        rg_tallies_put(&e->tallies, m.b, true);     /* the marker last */
        rc = rg_log_write(e->log, m.b, true);
    }
    rg_batch_free(m.b);
    if (rc < 0 || m.rc < 0) return RG_ESTORAGE;
    e->tallies_unread = false;
    return 0;
}
