/*
 * backup_close_test.c - backup.create on an engine in this process, where
 * the moments that a real process hits only by chance can be chosen: a
 * second backup asked for while one runs, and the engine closed while a
 * backup runs on its thread (the backup finishes, complete; its reply is
 * dropped; nothing is freed twice or leaked: run under ASan).
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/storage/log.h"

typedef struct answer {
    int done;
    rg_t_reply r;
} answer;

static void on_reply(void *ud, const uint8_t *p, size_t n)
{
    answer *a = ud;
    a->r.bytes = malloc(n);
    memcpy(a->r.bytes, p, n);
    a->r.len = n;
    const char *why;
    if (rg_doc_parse(&a->r.doc, a->r.bytes, n, &why) == 0) a->r.root = rg_doc_root(a->r.doc);
    a->done++;
}

static void submit_backup(rg_t_local *l, const char *dir, answer *a)
{
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "backup.create", l->admin, NULL, NULL, -1, 2);
    rg_w_kstr(&b, "dir", dir);
    rg_w_kuint(&b, "keep", 2);
    memset(a, 0, sizeof *a);
    rg_engine_submit(l->e, b.data, b.len, on_reply, a);
    rg_buf_free(&b);
}

static void test_one_backup_at_a_time(void)
{
    rg_t_local l;
    REQUIRE(rg_t_local_open(&l, NULL) == 0);
    char *bk = rg_t_tmpdir();
    answer first, second;
    submit_backup(&l, bk, &first);
    submit_backup(&l, bk, &second);       /* the first is on its thread */
    CHECK(second.done == 1 && strcmp(rg_t_err(&second.r), "overloaded") == 0);
    while (!first.done) uv_run(&l.loop, UV_RUN_ONCE);
    CHECK(rg_t_ok(&first.r) && rg_t_uint(&first.r, "backup_id") == 1);
    /* keep: 2 - the third backup purges the first. */
    for (uint64_t id = 2; id <= 3; id++) {
        answer more;
        submit_backup(&l, bk, &more);
        while (!more.done) uv_run(&l.loop, UV_RUN_ONCE);
        CHECK(rg_t_ok(&more.r) && rg_t_uint(&more.r, "backup_id") == id);
        CHECK(rg_t_uint(&more.r, "backups") == 2);
        rg_t_reply_free(&more.r);
    }
    rg_t_reply_free(&first.r);
    rg_t_reply_free(&second.r);
    rg_t_local_close(&l, true);
    rg_t_rmrf(bk);
    free(bk);
}

static void test_close_while_backing_up(void)
{
    rg_t_local l;
    REQUIRE(rg_t_local_open(&l, NULL) == 0);
    char tok[128];
    rg_t_local_actor(&l, "pol", "partner", "police", tok);
    for (int i = 0; i < 200; i++) {
        char req[32];
        snprintf(req, sizeof req, "r%d", i);
        rg_buf b = RG_BUF_INIT;
        rg_t_reply r = {0};
        rg_t_report_req(&b, tok, req, "Kim de Vries");
        CHECK(strcmp(rg_t_local_send(&l, &b, &r), "") == 0);
        rg_t_reply_free(&r);
        rg_buf_free(&b);
    }
    char *bk = rg_t_tmpdir(), *data = strdup(l.dir);
    answer a;
    submit_backup(&l, bk, &a);
    /* Close at once, as a shutdown that gave up waiting for the reply. */
    rg_t_local_close(&l, false);
    CHECK(a.done == 0);                   /* dropped: whoever asked is gone */

    /* The backup was finished before the store closed: it restores. */
    char *base = rg_t_tmpdir(), into[600], why[512];
    snprintf(into, sizeof into, "%s/restored", base);
    rg_backup_info info;
    CHECK(rg_log_restore(bk, into, &info, why, sizeof why) == 0);
    CHECK(info.count == 1 && info.id == 1);
    rg_t_rmrf(data);
    rg_t_rmrf(bk);
    rg_t_rmrf(base);
    free(data);
    free(bk);
    free(base);
}

int main(void)
{
    RUN(test_one_backup_at_a_time);
    RUN(test_close_while_backing_up);
    return rg_t_exit();
}
