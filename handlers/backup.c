/*
 * backup.c - backup.create {dir, keep?} (admin): an online backup of the
 * whole store into a directory on the engine's host, through RocksDB's
 * BackupEngine (engine/storage/log.c).  Incremental: a backup into a
 * directory that already holds some copies only the table files that are
 * new; then all but the newest `keep` backups there are purged.
 *
 * The backup runs on a libuv threadpool thread, so the loop goes on serving
 * (and writing) meanwhile; the reply is taken and sent when it is done.  One
 * backup at a time per engine: a second is `overloaded` until the first
 * is done (two BackupEngines on one directory would corrupt it).
 *
 * Shutdown: the server waits a while for the reply, then closes; the
 * engine's close tells this module through its listener (on_close) that
 * the reply has nowhere to go any more, and rg_log_close waits for the
 * backup thread (rg_log_hold), which cannot be cut short.  The backup is
 * then finished and left complete; only its reply is dropped.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/core/commit.h"
#include "../engine/core/state.h"
#include "../engine/storage/errors.h"
#include "../engine/core/ledger.h"
#include "handlers.h"
#include "../engine/core/reply.h"

#define KEEP_DEFAULT 7        /* a week of nightly backups */
#define DIR_MAX 4096

typedef struct backup_job backup_job;

/* Per engine, as the state of its listener. */
typedef struct backups {
    rg_engine *e;
    backup_job *running;      /* NULL when none */
    bool closed;              /* the engine closed: the job frees this */
} backups;

struct backup_job {
    uv_work_t work;
    backups *owner;
    rg_log *log;
    char dir[DIR_MAX + 1];
    uint32_t keep;
    rg_reply_fn fn;
    void *ud;
    /* the thread's results */
    int rc;
    rg_backup_info info;
    char why[512];
};

static void on_close(void *ud, rg_engine *e)
{
    (void)e;
    backups *b = ud;
    b->closed = true;
    if (!b->running) free(b);
}

static const rg_listener_ops backup_ops = {"backup", NULL, NULL, NULL, NULL, on_close};

/* The engine's backup state, attached as a listener on the first backup. */
static backups *backups_of(rg_engine *e)
{
    backups *b = rg_engine_listener(e, &backup_ops);
    if (b) return b;
    b = rg_calloc(1, sizeof *b);
    b->e = e;
    if (rg_engine_listen(e, &backup_ops, b) < 0) {
        free(b);
        return NULL;
    }
    return b;
}

/* On the threadpool thread: only the log (held) and the job. */
static void work_cb(uv_work_t *w)
{
    backup_job *j = w->data;
    j->rc = rg_log_backup(j->log, j->dir, j->keep, &j->info, j->why, sizeof j->why);
    rg_log_release(j->log);
}

static void after_cb(uv_work_t *w, int status)
{
    backup_job *j = w->data;
    backups *b = j->owner;
    b->running = NULL;
    if (b->closed) {
        /* The engine (and the server's worker the reply was for) is gone. */
        fprintf(stderr, "regie: a backup into %s finished after shutdown began (%s); its reply was "
                        "dropped\n", j->dir, j->rc == 0 ? "complete" : "failed");
        free(b);
        free(j);
        return;
    }
    rg_buf reply = RG_BUF_INIT;
    if (status < 0) {
        rg_error_reply(&reply, RG_ESTORAGE, "the backup did not run");
    } else if (j->rc < 0) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s%s", j->rc == RG_EBADREQ ? "data.dir: " : "", j->why);
        rg_error_reply(&reply, j->rc, msg);
        fprintf(stderr, "regie: backup into %s failed: %s\n", j->dir, j->why);
    } else {
        rg_w_map(&reply, 8);
        rg_w_kbool(&reply, "ok", true);
        rg_w_kuint(&reply, "backup_id", j->info.id);
        rg_w_cstr(&reply, "dir");
        rg_w_cstr(&reply, j->dir);
        rg_w_kuint(&reply, "size", j->info.size);
        rg_w_kuint(&reply, "files", j->info.files);
        rg_w_kuint(&reply, "added", j->info.added);
        rg_w_kuint(&reply, "backups", j->info.count);
        rg_w_kuint(&reply, "at", j->info.at * 1000);
        /* The erasures a restore of any backup here must redo. */
        if (rg_ledger_write(b->e, j->dir) < 0)
            fprintf(stderr, "regie: cannot write the erasure ledger into %s\n", j->dir);
        fprintf(stderr, "regie: backup %u into %s: %llu bytes, %llu of them new; %u kept\n",
                j->info.id, j->dir, (unsigned long long)j->info.size,
                (unsigned long long)j->info.added, j->info.count);
    }
    j->fn(j->ud, reply.data, reply.len);
    rg_buf_free(&reply);
    free(j);
}

/* What a backup directory may hold: RocksDB's BackupEngine's own names,
 * the key check and the erasure ledger that travel with the backups (and
 * the ledger's temporary name while it is written). */
static const char *const backup_names[] = {"meta", "private", "shared", "shared_checksum", "LOCK",
                                           "kek.check", RG_LEDGER_FILE, RG_LEDGER_FILE ".tmp", NULL};

/* A directory that holds anything else is someone's: a backup written into
 * it would mix the engine's files (and, purging, delete among them) with
 * theirs.  NULL when dir is missing or holds only backups; else the first
 * name that does not belong, in name (cap bytes). */
static const char *stranger_in(const char *dir, char *name, size_t cap)
{
    DIR *d = opendir(dir);
    if (!d) return errno == ENOENT ? NULL : (snprintf(name, cap, "(unreadable: %s)", strerror(errno)), name);
    const char *found = NULL;
    for (struct dirent *ent; !found && (ent = readdir(d));) {
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0) continue;
        bool ours = false;
        for (const char *const *n = backup_names; *n && !ours; n++) ours = strcmp(ent->d_name, *n) == 0;
        if (!ours) {
            snprintf(name, cap, "%s", ent->d_name);
            found = name;
        }
    }
    closedir(d);
    return found;
}

int rg_h_backup_create(rg_ctx *c)
{
    rg_engine *e = rg_ctx_engine(c);
    char dir[DIR_MAX + 1];
    rg_field_str(c, "dir", dir, sizeof dir);
    /* The engine's working directory is nobody's business: a path that
     * means the same to the operator and to the engine. */
    if (dir[0] != '/') return rg_ctx_fail(c, RG_EBADREQ, "data.dir: an absolute path on the engine's host");
    if (!rg_admin_is_operator(rg_ctx_actor(c)))
        return rg_ctx_fail(c, RG_EFORBIDDEN, "a backup is of the whole engine: only its operator makes one");
    char stranger[256];
    if (stranger_in(dir, stranger, sizeof stranger))
        return rg_ctx_fail(c, RG_EBADREQ,
                           "data.dir: %s holds %s, which is no backup; give a new or empty directory, or "
                           "one holding only this engine's backups",
                           dir, stranger);
    uint64_t keep = KEEP_DEFAULT;
    rg_val_uint(rg_ctx_field(c, "keep"), &keep);        /* 1..1000, by the schema */
    backups *b = backups_of(e);
    if (!b) return rg_ctx_fail(c, RG_EOVERLOAD, "no room for the backup service");
    if (b->running)
        return rg_ctx_fail(c, RG_EOVERLOAD, "a backup into %s is under way; retry when it is done",
                           b->running->dir);
    backup_job *j = rg_calloc(1, sizeof *j);
    j->work.data = j;
    j->owner = b;
    j->log = rg_engine_log(e);
    snprintf(j->dir, sizeof j->dir, "%s", dir);
    j->keep = (uint32_t)keep;
    rg_log_hold(j->log);
    int rc = uv_queue_work(rg_engine_loop(e), &j->work, work_cb, after_cb);
    if (rc < 0) {
        rg_log_release(j->log);
        free(j);
        return rg_ctx_fail(c, RG_ESTORAGE, "cannot start the backup: %s", uv_strerror(rc));
    }
    b->running = j;
    rg_ctx_take_reply(c, &j->fn, &j->ud);
    return 0;
}
