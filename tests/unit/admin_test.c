/*
 * admin_test.c - actors and their tokens as an operator runs them (issue
 * 20, finding 13), in process on a real RocksDB:
 *
 *   - actor.rotate gives a new token and ends the old one; a repeat gets the
 *     reply without it; a revoked actor stays revoked;
 *   - a token may expire (`expires`), and rotation renews it;
 *   - a region's admin creates, rotates and revokes only its region's
 *     actors (never the operator), reads only its region's audit trail,
 *     and neither backs up nor moves the clock: those are the operator's;
 *   - deleting admin.token never brings back a revoked admin;
 *   - backup.create refuses a directory that holds anything but backups.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test.h"
#include "steps.h"

/* A request by token that must succeed; its reply in R. */
static bool ok_by(const char *what)
{
    const char *e = send_req();
    if (e[0]) printf("  %s: %s: %s\n", what, e, rg_t_str(&R, "message"));
    return e[0] == 0;
}

static const char *err_of(void) { return send_req(); }

static void create(const char *by, const char *id, const char *role, const char *zvh, const char *expires,
                   char *tok)
{
    rg_buf *b = req(by, "actor.create", NULL, 3 + (zvh != NULL) + (expires != NULL));
    rg_w_kstr(b, "id", id);
    rg_w_kstr(b, "role", role);
    rg_w_kstr(b, "org", "zvh");
    if (zvh) rg_w_kstr(b, "zvh", zvh);
    if (expires) rg_w_kstr(b, "expires", expires);
    tok[0] = '\0';
    if (ok_by("actor.create")) snprintf(tok, 128, "%s", rg_t_str(&R, "token"));
}

static void test_rotate(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char pr[128], old[128];
    create(L.admin, "pr", "procesregisseur", NULL, NULL, pr);
    REQUIRE(pr[0]);
    snprintf(old, sizeof old, "%s", pr);
    rg_buf_reset(&B);
    rg_req_envelope(&B, "actor.rotate", L.admin, "rot-1", NULL, -1, 1);
    rg_w_kstr(&B, "id", "pr");
    REQUIRE(ok_by("actor.rotate"));
    snprintf(pr, sizeof pr, "%s", rg_t_str(&R, "token"));
    CHECK(pr[0] && strcmp(pr, old) != 0);
    CHECK(strcmp(query(old, "whoami", NULL), "unauthorized") == 0);     /* the old one ended */
    CHECK(query(pr, "whoami", NULL)[0] == 0);                           /* the same identity */
    CHECK(strcmp(rg_t_str(&R, "id"), "pr") == 0);
    /* Repeated: the first reply, without the token. */
    rg_buf_reset(&B);
    rg_req_envelope(&B, "actor.rotate", L.admin, "rot-1", NULL, -1, 1);
    rg_w_kstr(&B, "id", "pr");
    REQUIRE(ok_by("actor.rotate again"));
    CHECK(rg_t_str(&R, "token")[0] == 0);
    CHECK(query(pr, "whoami", NULL)[0] == 0);                           /* nothing rotated twice */
    /* Revoked stays revoked. */
    rg_w_kstr(req(L.admin, "actor.revoke", NULL, 1), "id", "pr");
    REQUIRE(ok_by("actor.revoke"));
    rg_w_kstr(req(L.admin, "actor.rotate", NULL, 1), "id", "pr");
    CHECK(strcmp(err_of(), "guard_failed") == 0);
    rg_w_kstr(req(L.admin, "actor.rotate", NULL, 1), "id", "nobody");
    CHECK(strcmp(err_of(), "not_found") == 0);
    /* Only admins rotate. */
    char mgr[128];
    create(L.admin, "mgr", "manager", NULL, NULL, mgr);
    rg_w_kstr(req(mgr, "actor.rotate", NULL, 1), "id", "mgr");
    CHECK(strcmp(err_of(), "forbidden") == 0);
    rg_t_local_close(&L, true);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

static void test_expiry(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);       /* the clock: 2025-12-01T09:00Z */
    char tmp[128], pr[128];
    create(L.admin, "tmp", "partner", NULL, "2025-12-02", tmp);
    REQUIRE(tmp[0]);
    CHECK(query(tmp, "whoami", NULL)[0] == 0);
    clock_to(iso("2025-12-03T09:00:00Z"));
    CHECK(strcmp(query(tmp, "whoami", NULL), "unauthorized") == 0);
    CHECK(strstr(rg_t_str(&R, "message"), "expired"));
    /* Renewed by rotation, until a new end. */
    rg_buf *b = req(L.admin, "actor.rotate", NULL, 2);
    rg_w_kstr(b, "id", "tmp");
    rg_w_kstr(b, "expires", "2025-12-10T12:00:00Z");
    REQUIRE(ok_by("actor.rotate"));
    snprintf(tmp, sizeof tmp, "%s", rg_t_str(&R, "token"));
    CHECK(query(tmp, "whoami", NULL)[0] == 0);
    clock_to(iso("2025-12-10T12:00:00Z"));
    CHECK(strcmp(query(tmp, "whoami", NULL), "unauthorized") == 0);
    /* An end in the past is refused; without one a token never expires. */
    b = req(L.admin, "actor.create", NULL, 4);
    rg_w_kstr(b, "id", "late");
    rg_w_kstr(b, "role", "partner");
    rg_w_kstr(b, "org", "police");
    rg_w_kstr(b, "expires", "2025-12-01");
    CHECK(strcmp(err_of(), "guard_failed") == 0);
    create(L.admin, "pr", "procesregisseur", NULL, NULL, pr);
    clock_to(iso("2035-01-01T00:00:00Z"));
    CHECK(query(pr, "whoami", NULL)[0] == 0);
    /* Kept across a restart. */
    char *dir = strdup(L.dir);
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    CHECK(strcmp(query(tmp, "whoami", NULL), "unauthorized") == 0);
    CHECK(query(pr, "whoami", NULL)[0] == 0);
    rg_t_local_close(&L, true);
    free(dir);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

/* The audit records of audit.read by token: how many, and how many of
 * region zvh. */
static void audit_regions(const char *token, int *all, int *of)
{
    *all = *of = 0;
    rg_buf_reset(&B);
    rg_req_envelope(&B, "audit.read", token, NULL, NULL, -1, 0);
    if (send_req()[0]) return;
    const rg_val *recs = rg_t_get(&R, "records");
    for (uint32_t i = 0; i < rg_array_size(recs); i++) {
        (*all)++;
        *of += rg_val_is_str(rg_map_get(rg_array_at(recs, i), "zvh"), "breda");
    }
}

static void test_region_admin(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char admB[128], polT[128], mgrT[128], polB[128], mgrB[128];
    create(L.admin, "admB", "admin", "breda", NULL, admB);
    REQUIRE(admB[0]);
    actor_in("polT", "partner", "police", "tilburg", NULL, polT);
    actor_in("mgrT", "manager", "zvh-tilburg", "tilburg", NULL, mgrT);
    /* Its own region's actors, by name or by default. */
    create(admB, "polB", "partner", "breda", NULL, polB);
    create(admB, "mgrB", "manager", NULL, NULL, mgrB);
    REQUIRE(polB[0] && mgrB[0]);
    CHECK(query(mgrB, "whoami", NULL)[0] == 0 && strcmp(rg_t_str(&R, "zvh"), "breda") == 0);
    rg_buf *b = req(admB, "actor.create", NULL, 4);
    rg_w_kstr(b, "id", "intruder");
    rg_w_kstr(b, "role", "manager");
    rg_w_kstr(b, "org", "zvh");
    rg_w_kstr(b, "zvh", "tilburg");
    CHECK(strcmp(err_of(), "forbidden") == 0);
    b = req(admB, "actor.create", NULL, 4);
    rg_w_kstr(b, "id", "op2");
    rg_w_kstr(b, "role", "admin");
    rg_w_kstr(b, "org", "zvh");
    rg_w_kstr(b, "scope", "engine");
    CHECK(strcmp(err_of(), "forbidden") == 0);
    /* Another region's actors are not there for it; the operator is not its. */
    rg_w_kstr(req(admB, "actor.revoke", NULL, 1), "id", "polT");
    CHECK(strcmp(err_of(), "not_found") == 0);
    rg_w_kstr(req(admB, "actor.rotate", NULL, 1), "id", "mgrT");
    CHECK(strcmp(err_of(), "not_found") == 0);
    rg_w_kstr(req(admB, "actor.revoke", NULL, 1), "id", "admin");
    CHECK(strcmp(err_of(), "not_found") == 0);
    rg_w_kstr(req(admB, "actor.rotate", NULL, 1), "id", "polB");
    CHECK(ok_by("rotate in its region"));
    snprintf(polB, sizeof polB, "%s", rg_t_str(&R, "token"));
    /* The engine's own steps are the operator's. */
    rg_w_kuint(req(admB, "clock.advance", NULL, 1), "ms", 0);
    CHECK(strcmp(err_of(), "forbidden") == 0);
    char *bk = rg_t_tmpdir();
    b = req(admB, "backup.create", NULL, 1);
    rg_w_kstr(b, "dir", bk);
    CHECK(strcmp(err_of(), "forbidden") == 0);
    rg_t_rmrf(bk);
    free(bk);
    /* Reads in both regions; its audit trail is breda's only. */
    char caseT[32], caseB[32];
    rg_buf_reset(&B);
    rg_t_report_req(&B, polT, "rT", "Tilburg Person");
    REQUIRE(ok_by("report T"));
    snprintf(caseT, sizeof caseT, "%s", rg_t_str(&R, "case"));
    rg_buf_reset(&B);
    rg_t_report_req(&B, polB, "rB", "Breda Person");
    REQUIRE(ok_by("report B"));
    snprintf(caseB, sizeof caseB, "%s", rg_t_str(&R, "case"));
    CHECK(query(mgrT, "case.get", caseT)[0] == 0);
    CHECK(query(mgrB, "case.get", caseB)[0] == 0);
    rg_t_local_settle(&L);
    int all, breda;
    audit_regions(L.admin, &all, &breda);
    CHECK(all > breda && breda > 0);                   /* the operator: every region */
    audit_regions(admB, &all, &breda);
    CHECK(all > 0 && all == breda);                    /* the region's admin: its own */
    rg_buf_reset(&B);
    rg_req_envelope(&B, "audit.read", admB, NULL, NULL, -1, 1);
    rg_w_kstr(&B, "case", caseT);
    REQUIRE(ok_by("audit.read of a tilburg case"));
    CHECK(rg_array_size(rg_t_get(&R, "records")) == 0);
    rg_t_local_close(&L, true);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

static void test_revoked_admin_is_not_made_again(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char *dir = strdup(L.dir), op2[128], path[4200];
    rg_buf *b = req(L.admin, "actor.create", NULL, 4);
    rg_w_kstr(b, "id", "op2");
    rg_w_kstr(b, "role", "admin");
    rg_w_kstr(b, "org", "zvh");
    rg_w_kstr(b, "scope", "engine");
    REQUIRE(ok_by("a second operator"));
    snprintf(op2, sizeof op2, "%s", rg_t_str(&R, "token"));
    rg_w_kstr(req(op2, "actor.revoke", NULL, 1), "id", "admin");
    REQUIRE(ok_by("revoke the first admin"));
    rg_t_local_close(&L, false);
    snprintf(path, sizeof path, "%s/admin.token", dir);
    REQUIRE(unlink(path) == 0);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    CHECK(access(path, F_OK) != 0);                    /* not made again */
    CHECK(L.admin[0] == 0);
    CHECK(query(op2, "whoami", NULL)[0] == 0);         /* the other operator still is */
    /* An admin that is not revoked gets a new token, as before. */
    rg_w_kstr(req(op2, "actor.rotate", NULL, 1), "id", "op2");
    CHECK(ok_by("rotate itself"));
    rg_t_local_close(&L, true);
    free(dir);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

static void test_backup_directory_holds_only_backups(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char *bk = rg_t_tmpdir(), path[4200];
    snprintf(path, sizeof path, "%s/notes.txt", bk);
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fputs("someone's notes\n", f);
    fclose(f);
    rg_buf *b = req(L.admin, "backup.create", NULL, 1);
    rg_w_kstr(b, "dir", bk);
    CHECK(strcmp(err_of(), "bad_request") == 0 && strstr(rg_t_str(&R, "message"), "notes.txt"));
    char meta[4200];
    snprintf(meta, sizeof meta, "%s/meta", bk);
    CHECK(access(meta, F_OK) != 0);                    /* nothing written there */
    CHECK(access(path, F_OK) == 0);
    /* Emptied, it takes backups, and again (only backups in it). */
    REQUIRE(unlink(path) == 0);
    b = req(L.admin, "backup.create", NULL, 1);
    rg_w_kstr(b, "dir", bk);
    CHECK(ok_by("backup 1"));
    b = req(L.admin, "backup.create", NULL, 1);
    rg_w_kstr(b, "dir", bk);
    CHECK(ok_by("backup 2") && rg_t_uint(&R, "backups") == 2);
    rg_t_local_close(&L, true);
    rg_t_rmrf(bk);
    free(bk);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

int main(void)
{
    RUN(test_rotate);
    RUN(test_expiry);
    RUN(test_region_admin);
    RUN(test_revoked_admin_is_not_made_again);
    RUN(test_backup_directory_holds_only_backups);
    return rg_t_exit();
}
