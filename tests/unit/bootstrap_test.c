/*
 * bootstrap_test.c - core/bootstrap.c, the first admin, on a real engine:
 * the first start writes DIR/admin.token (0600, one token and a newline)
 * whose token is the engine operator's; a start that finds the file makes
 * none; the file deleted, the next start makes a new token and the old one
 * stops working; a revoked admin is not made again by deleting the file.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../test.h"

static rg_t_local L;
static rg_buf B;
static rg_t_reply R;

static char *read_token(const char *dir)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/admin.token", dir);
    FILE *f = fopen(p, "r");
    if (!f) return NULL;
    char *t = calloc(1, 256);
    if (!fgets(t, 256, f)) t[0] = 0;
    fclose(f);
    return t;
}

static const char *stats_as(const char *token)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "stats", token, NULL, NULL, -1, -1);
    return rg_t_local_send(&L, &B, &R);
}

static void test_first_admin(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char *dir = strdup(L.dir);
    char p[4096];
    snprintf(p, sizeof p, "%s/admin.token", dir);
    struct stat st;
    REQUIRE(stat(p, &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    char *t1 = read_token(dir);
    REQUIRE(t1 != NULL);
    CHECK(strlen(t1) == RG_TOKEN_LEN + 1 && t1[RG_TOKEN_LEN] == '\n' && strncmp(t1, "rgt_", 4) == 0);
    t1[RG_TOKEN_LEN] = 0;
    CHECK(strcmp(t1, L.admin) == 0);
    CHECK(stats_as(t1)[0] == 0);

    /* Another start with the file there: the same token, the same file. */
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    char *t2 = read_token(dir);
    REQUIRE(t2 != NULL);
    t2[strcspn(t2, "\n")] = 0;
    CHECK(strcmp(t1, t2) == 0);
    CHECK(stats_as(t1)[0] == 0);

    /* The file lost: a new token, and the old one no longer works. */
    rg_t_local_close(&L, false);
    unlink(p);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    char *t3 = read_token(dir);
    REQUIRE(t3 != NULL);
    t3[strcspn(t3, "\n")] = 0;
    CHECK(strcmp(t3, t1) != 0);
    CHECK(strcmp(stats_as(t1), "unauthorized") == 0);
    CHECK(stats_as(t3)[0] == 0);

    /* Revoked (by another operator): deleting the file brings nothing back. */
    char other[128];
    rg_t_req(&B, t3, "actor.create", NULL, 4);
    rg_w_kstr(&B, "id", "admin2");
    rg_w_kstr(&B, "role", "admin");
    rg_w_kstr(&B, "org", "zvh");
    rg_w_kstr(&B, "scope", "engine");
    REQUIRE(rg_t_local_send(&L, &B, &R)[0] == 0);
    snprintf(other, sizeof other, "%s", rg_t_str(&R, "token"));
    REQUIRE(other[0]);
    rg_t_req(&B, other, "actor.revoke", NULL, 1);
    rg_w_kstr(&B, "id", "admin");
    CHECK(rg_t_local_send(&L, &B, &R)[0] == 0);
    rg_t_local_close(&L, false);
    unlink(p);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    CHECK(access(p, F_OK) != 0);
    CHECK(strcmp(stats_as(t3), "unauthorized") == 0);
    rg_t_local_close(&L, true);
    free(t1);
    free(t2);
    free(t3);
    free(dir);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

int main(void)
{
    RUN(test_first_admin);
    return rg_t_exit();
}
