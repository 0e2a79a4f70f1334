/*
 * replay_read_test.c - replay/replay_read.c, the log read and parsed on a
 * thread of its own, on a real RocksDB in a temp directory written by a real
 * engine (more events than one batch): every event handed out once, in log
 * order, with its case, version, type, actor and hash link as stored; an
 * empty log ends at once; a record that is no record ends the read with
 * RG_ESTORAGE after the good events before it, never past it; a read stopped
 * early joins its thread and frees its batches.
 */
#include <stdlib.h>
#include <string.h>

#include "../../engine/replay/replay_read.h"
#include "../../engine/domain/event.h"
#include "../../engine/storage/errors.h"
#include "../test.h"

#define NCASES 300            /* more than one batch of 256 */

static char *dir;
static uint64_t head;

/* NCASES reports, submitted together (group commit), and one case driven to
 * analysis: events of many cases interleaved with one case's several. */
static void setup(void)
{
    rg_t_local L;
    rg_t_cast T;
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &T) == 0);
    char id[32];
    REQUIRE(rg_t_local_report(&L, T.pol, "Anna", id)[0] == 0);
    static rg_buf reqs[NCASES];
    static rg_t_reply replies[NCASES];
    int done = 0;
    for (int i = 0; i < NCASES; i++) {
        char rq[32];
        snprintf(rq, sizeof rq, "bulk-%d", i);
        rg_t_report_req(&reqs[i], T.pol, rq, "Bulk Person");
        rg_t_local_submit(&L, &reqs[i], &replies[i], &done);
    }
    rg_t_local_run_until(&L, &done, NCASES);
    for (int i = 0; i < NCASES; i++) {
        CHECK(rg_t_ok(&replies[i]));
        rg_t_reply_free(&replies[i]);
        rg_buf_free(&reqs[i]);
    }
    REQUIRE(rg_t_local_drive(&L, &T, id, "analysis")[0] == 0);
    rg_t_local_settle(&L);
    head = rg_engine_head(L.e);
    dir = strdup(L.dir);
    rg_t_local_close(&L, false);
    REQUIRE(head == NCASES + 4);
}

static void test_every_event_once_in_order(void)
{
    rg_log *log;
    REQUIRE(rg_log_open(&log, dir) == 0);
    rg_reader *r;
    REQUIRE(rg_reader_start(&r, log, NULL) == 0);
    uint64_t want = 1;
    size_t n, batches = 0;
    uint32_t anna_v = 0;
    char anna[RG_ID_MAX] = "";
    rg_buf rec = RG_BUF_INIT;
    int rc;
    while ((rc = rg_reader_next(r, &n)) == 0 && n) {
        batches++;
        for (size_t i = 0; i < n; i++, want++) {
            const rg_replay_ev *ev;
            REQUIRE(rg_reader_event(r, i, &ev) == 0);
            CHECK(ev->view.seq == want);
            CHECK(ev->view.def && ev->view.type == ev->view.def->type);
            CHECK(ev->view.actor == &ev->actor);
            if (want == 1) {
                snprintf(anna, sizeof anna, "%s", ev->case_id);
                CHECK(strcmp(ev->view.type, "case.reported") == 0 && strcmp(ev->actor.id, "pol") == 0);
            }
            if (strcmp(ev->case_id, anna) == 0) CHECK(ev->view.v == ++anna_v);   /* gapless per case */
            else CHECK(ev->view.v == 1);
            /* the link is the stored record's */
            uint8_t k[8];
            rg_be64_put(k, want);
            rg_buf_reset(&rec);
            REQUIRE(rg_log_get(log, RG_CF_EVENTS, k, 8, &rec) == 0);
            rg_record parsed;
            REQUIRE(rg_record_parse(rec.data, rec.len, &parsed) == 0);
            CHECK(memcmp(ev->link, parsed.link, RG_HASH_LEN) == 0);
        }
    }
    CHECK(rc == 0);
    CHECK(want == head + 1);
    CHECK(anna_v == 4);
    CHECK(batches >= 2);
    CHECK(rg_reader_next(r, &n) == 0 && n == 0);         /* the end stays the end */
    rg_reader_stop(r);
    rg_buf_free(&rec);
    rg_log_close(log);
}

static void test_empty_log(void)
{
    char *d = rg_t_tmpdir();
    rg_log *log;
    REQUIRE(rg_log_open(&log, d) == 0);
    rg_reader *r;
    REQUIRE(rg_reader_start(&r, log, NULL) == 0);
    size_t n = 99;
    CHECK(rg_reader_next(r, &n) == 0 && n == 0);
    rg_reader_stop(r);
    rg_log_close(log);
    rg_t_rmrf(d);
    free(d);
}

/* Position 100 overwritten with bytes that are no record: the 99 before it
 * are handed out, then RG_ESTORAGE; nothing past it. */
static void test_damaged_record(void)
{
    rg_log *log;
    REQUIRE(rg_log_open(&log, dir) == 0);
    uint8_t k[8];
    rg_be64_put(k, 100);
    rg_buf good = RG_BUF_INIT;
    REQUIRE(rg_log_get(log, RG_CF_EVENTS, k, 8, &good) == 0);
    rg_batch *bt = rg_batch_new(log);
    rg_batch_put(bt, RG_CF_EVENTS, k, 8, "not a record", 12);
    REQUIRE(rg_log_write(log, bt, true) == 0);
    rg_batch_free(bt);

    rg_reader *r;
    REQUIRE(rg_reader_start(&r, log, NULL) == 0);
    uint64_t last = 0;
    size_t n;
    int rc;
    while ((rc = rg_reader_next(r, &n)) == 0 && n)
        for (size_t i = 0; i < n; i++) {
            const rg_replay_ev *ev;
            CHECK(rg_reader_event(r, i, &ev) == 0);
            last = ev->view.seq;
        }
    CHECK(rc == RG_ESTORAGE);
    for (size_t i = 0; rc == RG_ESTORAGE && i < n; i++) {   /* the good ones of the last batch */
        const rg_replay_ev *ev;
        CHECK(rg_reader_event(r, i, &ev) == 0);
        last = ev->view.seq;
    }
    CHECK(last == 99);
    rg_reader_stop(r);

    bt = rg_batch_new(log);
    rg_batch_put(bt, RG_CF_EVENTS, k, 8, good.data, good.len);
    REQUIRE(rg_log_write(log, bt, true) == 0);
    rg_batch_free(bt);
    rg_buf_free(&good);
    rg_log_close(log);
}

/* Stopped after the first batch: the thread is joined, nothing hangs or
 * leaks (ASan). */
static void test_stop_early(void)
{
    rg_log *log;
    REQUIRE(rg_log_open(&log, dir) == 0);
    rg_reader *r;
    REQUIRE(rg_reader_start(&r, log, NULL) == 0);
    size_t n;
    CHECK(rg_reader_next(r, &n) == 0 && n > 0);
    rg_reader_stop(r);
    rg_log_close(log);
}

int main(void)
{
    RUN(setup);
    RUN(test_every_event_once_in_order);
    RUN(test_empty_log);
    RUN(test_damaged_record);
    RUN(test_stop_early);
    if (dir) {
        rg_t_rmrf(dir);
        free(dir);
    }
    return rg_t_exit();
}
