/*
 * snapshot.c - what case snapshots (core/snapshot.h) cost and save: the
 * keys and bytes a command on a case that exists writes (a reassignment,
 * one event: no new case, so the projection is written only with every
 * RG_SNAPSHOT_EVERY-th version), and how long loading a case takes (a
 * cache miss) by the length of its tail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "../../engine/core/ctx.h"
#include "../../engine/core/engine.h"
#include "../../engine/core/snapshot.h"
#include "../../engine/core/state.h"
#include "../../engine/core/bootstrap.h"
#include "../../engine/services/services.h"
#include "../../engine/storage/codec.h"
#include "../../handlers/handlers.h"
#include "../client.h"
#include "bench.h"

#define CASES 256
#define ROUNDS 24
#define LOADS 20

typedef struct one {
    int done;
    bool ok;
    char case_id[RG_ID_MAX];
    char token[128];
} one;

static void got(void *ud, const uint8_t *p, size_t n)
{
    one *r = ud;
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, p, n, &why) == 0) {
        const rg_val *root = rg_doc_root(d);
        rg_val_bool(rg_map_get(root, "ok"), &r->ok);
        rg_val_strcpy(rg_map_get(root, "case"), r->case_id, sizeof r->case_id);
        rg_val_strcpy(rg_map_get(root, "token"), r->token, sizeof r->token);
        rg_doc_free(d);
    }
    r->done++;
}

/* Submit every request of reqs[0..n) and run the loop until all are answered. */
static int run(uv_loop_t *loop, rg_engine *e, rg_buf *reqs, one *out, int n)
{
    for (int i = 0; i < n; i++) {
        out[i].done = 0;
        out[i].ok = false;
        rg_engine_submit(e, reqs[i].data, reqs[i].len, got, &out[i]);
    }
    int failed = 0;
    for (int i = 0; i < n; i++) {
        while (!out[i].done) uv_run(loop, UV_RUN_ONCE);
        failed += !out[i].ok;
    }
    return failed;
}

static void actor(uv_loop_t *loop, rg_engine *e, const char *admin, const char *id, const char *role,
                  const char *org, char *tok)
{
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "actor.create", admin, id, NULL, -1, 3);
    rg_w_kstr(&b, "id", id);
    rg_w_kstr(&b, "role", role);
    rg_w_kstr(&b, "org", org);
    one r = {0};
    if (run(loop, e, &b, &r, 1)) abort();
    snprintf(tok, 128, "%s", r.token);
    rg_buf_free(&b);
}

void bench_snapshots(const bench_opts *o)
{
    char *dir = bench_mkdir(o, "snapshots");
    uv_loop_t loop;
    uv_loop_init(&loop);
    rg_engine *e;
    rg_engine_opts eo = {.module = &rg_handlers_module, .dir = dir};
    eo.clock.manual = true;
    eo.clock.now_ms = 1764579600000ULL;
    if (rg_engine_open(&e, &loop, &eo) < 0 || rg_bootstrap_admin(e, dir) < 0) abort();
    char path[1100], admin[128], pol[128], mgr[128], pa[128], pb[128];
    snprintf(path, sizeof path, "%s/admin.token", dir);
    snprintf(admin, sizeof admin, "%s", bench_read_line(path));
    actor(&loop, e, admin, "pol", "partner", "police", pol);
    actor(&loop, e, admin, "mgr", "manager", "zvh", mgr);
    actor(&loop, e, admin, "pa", "procesregisseur", "zvh", pa);
    actor(&loop, e, admin, "pb", "procesregisseur", "zvh", pb);
    rg_buf *reqs = calloc(CASES, sizeof *reqs);
    one *out = calloc(CASES, sizeof *out);
    char (*ids)[RG_ID_MAX] = calloc(CASES, sizeof *ids);
    for (int i = 0; i < CASES; i++) bench_report_req(&reqs[i], pol, (uint64_t)i);
    if (run(&loop, e, reqs, out, CASES)) abort();
    for (int i = 0; i < CASES; i++) memcpy(ids[i], out[i].case_id, RG_ID_MAX);
    /* Reassignments, a group commit of CASES commands per round; case i
     * takes i % RG_SNAPSHOT_EVERY rounds more, so the tails differ. */
    uint64_t keys0 = rg_engine_written_keys(e), bytes0 = rg_engine_written_bytes(e), cmds = 0;
    for (int r = 0; r < ROUNDS + RG_SNAPSHOT_EVERY; r++) {
        int n = 0;
        for (int i = 0; i < CASES; i++) {
            if (r >= ROUNDS + i % RG_SNAPSHOT_EVERY) continue;
            char req[32];
            snprintf(req, sizeof req, "a%d-%d", r, i);
            rg_buf_reset(&reqs[n]);
            rg_req_envelope(&reqs[n], "case.assign", mgr, req, ids[i], -1, 1);
            rg_w_kstr(&reqs[n], "procesregisseur", r % 2 ? "pa" : "pb");
            n++;
        }
        if (run(&loop, e, reqs, out, n)) abort();
        cmds += (uint64_t)n;
    }
    bench_result("reassign_keys_per_cmd", (double)(rg_engine_written_keys(e) - keys0) / (double)cmds, "keys");
    bench_result("reassign_bytes_per_cmd", (double)(rg_engine_written_bytes(e) - bytes0) / (double)cmds, "bytes");
    while (rg_engine_busy(e)) uv_run(&loop, UV_RUN_ONCE);
    /* A cache miss: the case loaded from disk, by its tail's length. */
    double sum[RG_SNAPSHOT_EVERY + 8] = {0};
    int count[RG_SNAPSHOT_EVERY + 8] = {0};
    for (int k = 0; k < LOADS; k++) {
        for (int i = 0; i < CASES; i++) {
            rg_case *cs;
            double t0 = bench_now();
            if (rg_snapshot_load(e->log, e->cfg.norm_amounts, ids[i], strlen(ids[i]), &cs) < 0) abort();
            double dt = bench_now() - t0;
            uint32_t tail = cs->version - cs->snap_v;
            if (tail < RG_SNAPSHOT_EVERY + 8) {
                sum[tail] += dt;
                count[tail]++;
            }
            rg_case_free(cs);
        }
    }
    for (int t = 0; t < RG_SNAPSHOT_EVERY + 8; t++) {
        if (!count[t]) continue;
        char key[64];
        snprintf(key, sizeof key, "case_load_tail_%d_us", t);
        bench_result(key, sum[t] * 1e6 / count[t], "us");
    }
    for (int i = 0; i < CASES; i++) rg_buf_free(&reqs[i]);
    free(reqs);
    free(out);
    free(ids);
    rg_engine_close(e);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    bench_rmrf(dir);
    free(dir);
}
