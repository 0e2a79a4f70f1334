/*
 * store.c - benchmarks of the durable append path: raw RocksDB (WriteBatch +
 * sync) against the engine's own path in-process (codec, op table, handler,
 * projection, hash chain, feed index, idempotency record, one group commit),
 * at the same batch sizes; and replaying a large log.
 */
#include <rocksdb/c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "../../engine/storage/codec.h"
#include "../../engine/core/ctx.h"
#include "../../engine/core/engine.h"
#include "../../engine/replay/replay.h"
#include "../../engine/replay/whatif.h"
#include "../../engine/services/services.h"
#include "../../engine/domain/event.h"
#include "../../engine/storage/log.h"
#include "../../engine/domain/schema.h"
#include "../client.h"
#include "bench.h"
#include "../../handlers/handlers.h"
#include "../../engine/core/bootstrap.h"

#define EVENT_BYTES 320

/* Raw RocksDB: batches of `batch` commands, each `keys` keys of `bytes`
 * bytes in all, spread over as many column families, written with sync one
 * batch after the other.  keys 1 is the plain event log; the engine's own
 * shape (measured from the engine, below) tells what its extra keys cost.
 * RocksDB alone, through its C API with its own write-ahead log synced:
 * the component's own limit, not the engine's storage layer (which keeps
 * a log of its own, storage/wal.c, and writes RocksDB without one). */
#define RAW_CFS 8

static double rocksdb_rate(const bench_opts *o, int batch, int keys, int bytes)
{
    char *dir = bench_mkdir(o, "raw");
    rocksdb_options_t *opts = rocksdb_options_create();
    rocksdb_options_set_create_if_missing(opts, 1);
    rocksdb_options_set_create_missing_column_families(opts, 1);
    rocksdb_options_increase_parallelism(opts, 2);
    rocksdb_options_set_max_background_jobs(opts, 2);
    rocksdb_options_set_write_buffer_size(opts, 32u << 20);     /* as the engine's (storage/log.c) */
    const char *names[RAW_CFS + 1] = {"default", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"};
    const rocksdb_options_t *cfopts[RAW_CFS + 1];
    for (int i = 0; i <= RAW_CFS; i++) cfopts[i] = opts;
    rocksdb_column_family_handle_t *cf[RAW_CFS + 1];
    char *err = NULL;
    rocksdb_t *db = rocksdb_open_column_families(opts, dir, RAW_CFS + 1, names, cfopts, cf, &err);
    if (err) {
        fprintf(stderr, "bench: rocksdb open: %s\n", err);
        abort();
    }
    rocksdb_writeoptions_t *wo = rocksdb_writeoptions_create();
    rocksdb_writeoptions_set_sync(wo, 1);
    rocksdb_writebatch_t *wb = rocksdb_writebatch_create();
    int vbytes = bytes / keys - 8;
    if (vbytes < 8) vbytes = 8;
    uint8_t *value = malloc((size_t)vbytes);
    for (int i = 0; i < vbytes; i++) value[i] = (uint8_t)(i * 31 + 7);
    uint64_t seq = 0, events = 0;
    double t0 = bench_now(), limit = o->quick ? 1.0 : 3.0;
    while (bench_now() - t0 < limit) {
        rocksdb_writebatch_clear(wb);
        for (int i = 0; i < batch; i++) {
            uint8_t k[8];
            rg_be64_put(k, ++seq);
            memcpy(value, k, 8);
            for (int j = 0; j < keys; j++)
                rocksdb_writebatch_put_cf(wb, cf[1 + j % RAW_CFS], (const char *)k, 8, (const char *)value,
                                          (size_t)vbytes);
        }
        rocksdb_write(db, wo, wb, &err);
        if (err) {
            fprintf(stderr, "bench: rocksdb write: %s\n", err);
            abort();
        }
        events += (uint64_t)batch;
    }
    double rate = (double)events / (bench_now() - t0);
    rocksdb_writebatch_destroy(wb);
    rocksdb_writeoptions_destroy(wo);
    for (int i = 0; i <= RAW_CFS; i++) rocksdb_column_family_handle_destroy(cf[i]);
    rocksdb_close(db);
    rocksdb_options_destroy(opts);
    bench_rmrf(dir);
    free(dir);
    free(value);
    return rate;
}

double bench_rocksdb(const bench_opts *o, int batch) { return rocksdb_rate(o, batch, 1, EVENT_BYTES + 8); }

double bench_rocksdb_shaped(const bench_opts *o, int batch, double keys, double bytes)
{
    return rocksdb_rate(o, batch, keys < 1 ? 1 : (int)(keys + 0.5), (int)bytes);
}

typedef struct round {
    int done;
    int failed;
} round;

static void on_reply(void *ud, const uint8_t *p, size_t n)
{
    round *r = ud;
    r->failed += !bench_reply_ok(p, n);
    r->done++;
}

/* A realistic report (about 300 bytes on the wire). */
void bench_report_req(rg_buf *b, const char *token, uint64_t n)
{
    char req[32];
    snprintf(req, sizeof req, "b%llu", (unsigned long long)n);
    rg_req_envelope(b, "case.report", token, req, NULL, -1, 5);
    bench_report_data(b);
}

char *bench_read_line(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "r");
    buf[0] = 0;
    if (!f) return buf;
    if (!fgets(buf, sizeof buf, f)) buf[0] = 0;
    fclose(f);
    buf[strcspn(buf, "\n")] = 0;
    return buf;
}

typedef struct capture {
    int done;
    rg_buf reply;
} capture;

static void grab(void *ud, const uint8_t *p, size_t n)
{
    capture *c = ud;
    rg_buf_append(&c->reply, p, n);
    c->done = 1;
}

/* Make a partner actor; its token goes to tok. */
void bench_make_partner(uv_loop_t *loop, rg_engine *e, const char *dir, char *tok, size_t cap)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/admin.token", dir);
    char admin[128];
    snprintf(admin, sizeof admin, "%s", bench_read_line(path));
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "actor.create", admin, "mk", NULL, -1, 3);
    rg_w_kstr(&b, "id", "bench-partner");
    rg_w_kstr(&b, "role", "partner");
    rg_w_kstr(&b, "org", "police");
    capture c = {0, RG_BUF_INIT};
    rg_engine_submit(e, b.data, b.len, grab, &c);
    while (!c.done) uv_run(loop, UV_RUN_ONCE);
    rg_doc *d;
    const char *why;
    tok[0] = 0;
    if (rg_doc_parse(&d, c.reply.data, c.reply.len, &why) == 0) {
        rg_val_strcpy(rg_map_get(rg_doc_root(d), "token"), tok, cap);
        rg_doc_free(d);
    }
    rg_buf_free(&c.reply);
    rg_buf_free(&b);
}

static void submit_round(rg_engine *e, rg_buf *reqs, int batch, const char *token, uint64_t *n,
                         round *r)
{
    for (int i = 0; i < batch; i++) {
        rg_buf_reset(&reqs[i]);
        bench_report_req(&reqs[i], token, ++*n);
    }
    *r = (round){0, 0};
    for (int i = 0; i < batch; i++) rg_engine_submit(e, reqs[i].data, reqs[i].len, on_reply, r);
}

/* The engine as the server drives it: while one group commit of `batch`
 * commands is being written, the next `batch` are applied into the open
 * one, which is sealed as soon as the write returns; two rounds in flight,
 * so every commit carries exactly `batch` commands (checked below). */
double bench_engine(const bench_opts *o, int batch, bench_shape *shape)
{
    char *dir = bench_mkdir(o, "engine");
    uv_loop_t loop;
    uv_loop_init(&loop);
    rg_engine *e;
    rg_engine_opts eo = {.module = &rg_handlers_module, .dir = dir};
    eo.clock.manual = true;
    eo.clock.now_ms = 1764579600000ULL;
    if (rg_engine_open(&e, &loop, &eo) < 0 || rg_bootstrap_admin(e, dir) < 0) abort();
    char token[128];
    bench_make_partner(&loop, e, dir, token, sizeof token);
    rg_buf *reqs[2] = {calloc((size_t)batch, sizeof(rg_buf)), calloc((size_t)batch, sizeof(rg_buf))};
    round rounds[2];
    uint64_t n = 0, cmds = 0;
    int failed = 0, cur = 0;
    uint64_t commits0 = rg_engine_commits(e), cmds0 = rg_engine_committed_commands(e);
    uint64_t keys0 = rg_engine_written_keys(e), bytes0 = rg_engine_written_bytes(e);
    double t0 = bench_now(), limit = o->quick ? 1.0 : 3.0, faults0, cpu0 = bench_cpu_faults(0, &faults0);
    submit_round(e, reqs[cur], batch, token, &n, &rounds[cur]);
    uv_run(&loop, UV_RUN_NOWAIT);                  /* its commit is on its way */
    while (bench_now() - t0 < limit) {
        submit_round(e, reqs[!cur], batch, token, &n, &rounds[!cur]);
        while (rounds[cur].done < batch) uv_run(&loop, UV_RUN_ONCE);
        failed += rounds[cur].failed;
        cmds += (uint64_t)batch;
        cur = !cur;
    }
    while (rounds[cur].done < batch) uv_run(&loop, UV_RUN_ONCE);
    failed += rounds[cur].failed;
    cmds += (uint64_t)batch;
    double rate = (double)cmds / (bench_now() - t0);
    double faults1, cpu1 = bench_cpu_faults(0, &faults1);
    shape->cpu_us_per_cmd = cmds ? (cpu1 - cpu0) * 1e6 / (double)cmds : 0;
    shape->faults_per_cmd = cmds ? (faults1 - faults0) / (double)cmds : 0;
    uint64_t commits = rg_engine_commits(e) - commits0, done = rg_engine_committed_commands(e) - cmds0;
    shape->cmds_per_commit = commits ? (double)done / (double)commits : 0;
    shape->keys_per_cmd = done ? (double)(rg_engine_written_keys(e) - keys0) / (double)done : 0;
    shape->bytes_per_cmd = done ? (double)(rg_engine_written_bytes(e) - bytes0) / (double)done : 0;
    if (failed) fprintf(stderr, "bench: %d engine commands failed\n", failed);
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < batch; i++) rg_buf_free(&reqs[k][i]);
        free(reqs[k]);
    }
    while (rg_engine_busy(e)) uv_run(&loop, UV_RUN_ONCE);
    rg_engine_close(e);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    bench_rmrf(dir);
    free(dir);
    return rate;
}

/* ---- replay ---- */

static void build_log(const char *dir, uint64_t events)
{
    rg_log *log;
    if (rg_log_open(&log, dir) < 0) abort();
    uint8_t link[RG_HASH_LEN] = {0};
    rg_buf rec = RG_BUF_INIT;
    rg_batch *b = rg_batch_new(log);
    rg_actor partner = {.id = "pol1", .role = RG_ROLE_PARTNER, .org = "police"};
    rg_actor pr = {.id = "anna", .role = RG_ROLE_PROCESREGISSEUR, .org = "zvh"};
    static const char *const steps[] = {"case.reported", "case.assigned", "intake.started",
                                        "intake.admitted", "partner.joined"};
    uint64_t seq = 0, ncase = 0;
    while (seq < events) {
        char id[RG_ID_MAX];
        snprintf(id, sizeof id, "ZVH-%08llu", (unsigned long long)++ncase);
        for (uint32_t v = 1; v <= 5 && seq < events; v++) {
            const rg_evdef *def = rg_event_find(steps[v - 1]);
            rg_evb ev;
            rg_evb_init(&ev, def->type, def->version);
            switch (v) {
            case 1:
                rg_ev_str(&ev, "target_group", "verward_gedrag");
                rg_ev_str(&ev, "summary", "Repeated incidents at the address; neighbours worried.");
                rg_ev_str(&ev, "urgency", "high");
                rg_ev_bool(&ev, "informed", true);
                rg_ev_str(&ev, "route", "default");
                rg_ev_str(&ev, "reporter_org", "police");
                rg_w_map(&ev.subject, 1);
                rg_w_kstr(&ev.subject, "name", "Jan Jansen");
                break;
            case 2: rg_ev_str(&ev, "procesregisseur", "anna"); break;
            case 4: rg_ev_str(&ev, "reason", "several life domains"); break;
            case 5: rg_ev_str(&ev, "org", "ggz"); break;
            default: break;
            }
            seq++;
            rg_record_build(&rec, link, seq, id, v, 1764579600000ULL + seq, v == 1 ? &partner : &pr, &ev);
            memcpy(link, rec.data, RG_HASH_LEN);
            uint8_t k[8];
            rg_be64_put(k, seq);
            rg_batch_put(b, RG_CF_EVENTS, k, 8, rec.data, rec.len);
            rg_evb_free(&ev);
            if (rg_batch_count(b) >= 10000) {
                if (rg_log_write(log, b, false) < 0) abort();
                rg_batch_free(b);
                b = rg_batch_new(log);
            }
        }
    }
    uint8_t h[8 + RG_HASH_LEN];
    rg_be64_put(h, seq);
    memcpy(h + 8, link, RG_HASH_LEN);
    rg_batch_put(b, RG_CF_META, "head", 4, h, sizeof h);
    if (rg_log_write(log, b, true) < 0) abort();
    rg_batch_free(b);
    rg_buf_free(&rec);
    rg_log_close(log);
}

/* On the same log: the what-if replay under the defaults (issue 26 A), and
 * the Merkle tree (issue 26 B): building it from the log (the cost per
 * event; the write path does not keep it), then an inclusion proof for
 * every hundredth record, each checked. */
static void bench_whatif_and_tree(rg_engine *e, uint64_t n)
{
    rg_config *cfg = malloc(sizeof *cfg);
    if (!cfg) abort();
    rg_config_defaults(cfg);
    rg_whatif_opts wo = {.cfg = cfg, .zvh = RG_ZVH_DEFAULT};
    rg_buf out = RG_BUF_INIT;
    double t0 = bench_now();
    if (rg_whatif_run(rg_engine_log(e), &wo, &out) < 0) abort();
    bench_result("whatif_events_per_s", (double)n / (bench_now() - t0), "events/s");
    rg_buf_free(&out);
    free(cfg);

    rg_tlog *t = rg_services_tlog(e);
    const char *why;
    t0 = bench_now();
    if (rg_tlog_sync(t, &why) < 0) abort();
    double secs = bench_now() - t0;
    bench_result("merkle_build_events_per_s", (double)n / secs, "events/s");
    bench_result("merkle_ns_per_event", secs * 1e9 / (double)n, "ns");
    const rg_sth *h = rg_tlog_head(t);
    const rg_merkle *tree = rg_tlog_tree(t);
    uint8_t path[RG_MERKLE_MAX_PATH][RG_MERKLE_HASH];
    uint64_t proofs = 0;
    t0 = bench_now();
    for (uint64_t i = 0; i < h->size; i += 100, proofs++) {
        int k;
        rg_merkle_prove(tree, i, h->size, path, &k);
        if (!rg_merkle_verify_inclusion(i, h->size, rg_merkle_leaf(tree, i), (const uint8_t(*)[RG_MERKLE_HASH])path,
                                        k, h->root))
            abort();
    }
    bench_result("merkle_proofs_checked_per_s", (double)proofs / (bench_now() - t0), "proofs/s");
}

void bench_replay(const bench_opts *o)
{
    char *dir = bench_mkdir(o, "replay");
    uv_loop_t loop;
    uv_loop_init(&loop);
    rg_engine *e;
    rg_engine_opts eo = {.module = &rg_handlers_module, .dir = dir};
    eo.clock.manual = true;
    /* The engine makes the key and its check first (a directory holding
     * sealed data without its check is refused at open), then the log is
     * written under it. */
    if (rg_engine_open(&e, &loop, &eo) < 0) abort();
    rg_engine_close(e);
    uv_run(&loop, UV_RUN_DEFAULT);
    double t0 = bench_now();
    build_log(dir, o->replay_events);
    printf("  (built a log of %llu events in %.1f s)\n", (unsigned long long)o->replay_events,
           bench_now() - t0);
    if (rg_engine_open(&e, &loop, &eo) < 0) abort();
    uint64_t n = 0;
    t0 = bench_now();
    if (rg_replay_rebuild(e, &n) < 0) abort();
    double secs = bench_now() - t0;
    bench_result("replay_events_per_s", (double)n / secs, "events/s");
    bench_whatif_and_tree(e, n);
    rg_engine_close(e);
    uv_run(&loop, UV_RUN_DEFAULT);

    /* Start to serving on that log, projections persisted: open the engine
     * and answer one query. */
    t0 = bench_now();
    if (rg_engine_open(&e, &loop, &eo) < 0 || rg_bootstrap_admin(e, dir) < 0) abort();
    char path[1100];
    snprintf(path, sizeof path, "%s/admin.token", dir);
    char admin[128];
    snprintf(admin, sizeof admin, "%s", bench_read_line(path));
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "stats", admin, NULL, NULL, -1, -1);
    round r = {0, 0};
    rg_engine_submit(e, b.data, b.len, on_reply, &r);
    while (!r.done) uv_run(&loop, UV_RUN_ONCE);
    bench_result("start_to_serving_s", bench_now() - t0, "s");
    rg_buf_free(&b);
    while (rg_engine_busy(e)) uv_run(&loop, UV_RUN_ONCE);
    rg_engine_close(e);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    bench_rmrf(dir);
    free(dir);
}
