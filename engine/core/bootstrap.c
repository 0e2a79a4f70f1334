/*
 * bootstrap.c - the first admin.  On a first start regied writes
 * DIR/admin.token (mode 0600) holding the admin's token.
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
