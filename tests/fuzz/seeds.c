/*
 * seeds.c - writes the seed corpora of the fuzz targets (tests/fuzz/corpus/)
 * from a real engine: a few cases taken through their first steps in an
 * in-process engine, then every stored event record, case projection and
 * idempotency record copied out of the column families, one file each.
 * Run by tools/fuzz.sh --seeds; the output is kept in the repository.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "../../engine/services/services.h"
#include "../../engine/storage/codec.h"
#include "../../engine/storage/log.h"
#include "../../engine/core/state.h"
#include "../../handlers/handlers.h"
#include "../../engine/core/bootstrap.h"

static uv_loop_t loop;
static rg_engine *engine;
static char token[128];

static void reply_cb(void *ud, const uint8_t *p, size_t n)
{
    rg_buf *b = ud;
    rg_buf_append(b, p, n);
}

static void call(const rg_buf *req, rg_buf *reply)
{
    rg_buf_reset(reply);
    rg_engine_submit(engine, req->data, req->len, reply_cb, reply);
    while (!reply->len) uv_run(&loop, UV_RUN_ONCE);
}

static void env(rg_buf *b, const char *op, const char *tok, const char *req, const char *case_id, int ndata)
{
    rg_buf_reset(b);
    rg_w_map(b, 2 + (req != NULL) + (case_id != NULL) + (ndata >= 0));
    rg_w_kstr(b, "op", op);
    rg_w_kstr(b, "token", tok);
    if (req) rg_w_kstr(b, "req", req);
    if (case_id) rg_w_kstr(b, "case", case_id);
    if (ndata >= 0) {
        rg_w_cstr(b, "data");
        rg_w_map(b, (uint32_t)ndata);
    }
}

static void actor(const char *admin, const char *id, const char *role, const char *org, char *tok)
{
    rg_buf b = RG_BUF_INIT, r = RG_BUF_INIT;
    env(&b, "actor.create", admin, id, NULL, 3);
    rg_w_kstr(&b, "id", id);
    rg_w_kstr(&b, "role", role);
    rg_w_kstr(&b, "org", org);
    call(&b, &r);
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, r.data, r.len, &why) == 0) {
        rg_val_strcpy(rg_map_get(rg_doc_root(d), "token"), tok, 128);
        rg_doc_free(d);
    }
    rg_buf_free(&b);
    rg_buf_free(&r);
}

static void dump(rg_cf cf, const char *out, const char *prefix, int max)
{
    mkdir(out, 0755);
    rg_iter *it = rg_iter_new(engine->log, cf);
    int n = 0;
    for (rg_iter_seek(it, "", 0); rg_iter_valid(it) && n < max; rg_iter_next(it)) {
        size_t vn;
        const uint8_t *v = rg_iter_value(it, &vn);
        char path[1024];
        snprintf(path, sizeof path, "%s/%s-%03d", out, prefix, n++);
        FILE *f = fopen(path, "wb");
        if (f) {
            fwrite(v, 1, vn, f);
            fclose(f);
        }
    }
    rg_iter_end(it);
}

int main(int argc, char **argv)
{
    const char *out = argc > 1 ? argv[1] : "tests/fuzz/corpus";
    char dir[] = "/tmp/regie-seeds-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    uv_loop_init(&loop);
    rg_engine_opts o = {.module = &rg_handlers_module, .dir = dir};
    o.clock.manual = true;
    o.clock.now_ms = 1799049600000ULL;          /* 2027-01-04 */
    if (rg_engine_open(&engine, &loop, &o) != 0 || rg_bootstrap_admin(engine, dir) != 0) return 1;
    char path[600], admin[128] = "";
    snprintf(path, sizeof path, "%s/admin.token", dir);
    FILE *f = fopen(path, "r");
    if (!f || !fgets(admin, sizeof admin, f)) return 1;
    fclose(f);
    admin[strcspn(admin, "\n")] = 0;
    char pa[128], pr[128];
    actor(admin, "p1", "partner", "police", pa);
    actor(admin, "pr1", "procesregisseur", "zvh", pr);
    (void)token;
    rg_buf b = RG_BUF_INIT, r = RG_BUF_INIT;
    for (int i = 0; i < 3; i++) {
        char req[32], id[32];
        snprintf(req, sizeof req, "s%d-report", i);
        env(&b, "case.report", pa, req, NULL, 6);
        rg_w_kstr(&b, "target_group", "verward_gedrag");
        rg_w_kstr(&b, "summary", "repeated incidents");
        rg_w_kstr(&b, "class", i == 1 ? "special" : "ordinary");
        rg_w_kstr(&b, "urgency", "high");
        rg_w_kbool(&b, "informed", true);
        rg_w_cstr(&b, "subject");
        rg_w_map(&b, 3);
        rg_w_kstr(&b, "name", "J. Jansen");
        rg_w_kstr(&b, "birth_date", "1990-01-01");
        rg_w_kstr(&b, "bsn", "123456782");
        call(&b, &r);
        snprintf(id, sizeof id, "ZVH-%08d", i + 1);
        snprintf(req, sizeof req, "s%d-assign", i);
        env(&b, "case.assign", pr, req, id, 1);
        rg_w_kstr(&b, "procesregisseur", "pr1");
        call(&b, &r);
        snprintf(req, sizeof req, "s%d-start", i);
        env(&b, "intake.start", pr, req, id, -1);
        call(&b, &r);
        snprintf(req, sizeof req, "s%d-decide", i);
        env(&b, "intake.decide", pr, req, id, 3);
        rg_w_kbool(&b, "admit", true);
        rg_w_kstr(&b, "reason", "several life domains");
        rg_w_cstr(&b, "criteria");
        rg_w_array(&b, 1);
        rg_w_cstr(&b, "multi_domain");
        call(&b, &r);
    }
    while (rg_engine_busy(engine)) uv_run(&loop, UV_RUN_ONCE);
    char d[700];
    snprintf(d, sizeof d, "%s/record", out);
    dump(RG_CF_EVENTS, d, "event", 20);
    snprintf(d, sizeof d, "%s/case", out);
    dump(RG_CF_CASES, d, "case", 10);
    snprintf(d, sizeof d, "%s/idem", out);
    dump(RG_CF_IDEM, d, "idem", 20);
    snprintf(d, sizeof d, "%s/person", out);
    dump(RG_CF_KEYS, d, "wrapped-key", 5);
    rg_buf_free(&b);
    rg_buf_free(&r);
    printf("seeds written under %s (engine in %s)\n", out, dir);
    return 0;
}
