/*
 * faults.c - the I/O fault sweep: for N = 1..steps, a fresh regied with
 * faultfs.so preloaded fails its Nth write or sync (EIO and ENOSPC in turn;
 * every fourth step from the Nth call on, for good) while a client runs a
 * fixed workload (reports and a case taken through its intake, reads with
 * an audit record).  Then:
 *   - regied does not exit, and every reply is ok or storage_error (a failure is never answered as
 *     anything else, and the engine either recovers or keeps refusing);
 *   - the engine is SIGKILLed and restarted without the fault: it starts,
 *     log.verify finds the chain intact, every acknowledged event is there;
 *   - every fifth step the fault is armed from the engine's start instead
 *     (RocksDB's open and recovery of a directory holding acknowledged
 *     reports): it starts or refuses to, and a start without the fault
 *     afterwards finds everything;
 *   - every request answered storage_error is sent again with its `req`:
 *     it is answered ok, and afterwards the log holds exactly the events of
 *     the acknowledged requests, each once (nothing half-written, nothing
 *     twice).  A request answered storage_error whose batch reached the file
 *     before a failed sync may be found durable after the restart; its
 *     retry then gets the stored reply.  Those are counted, not violations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "torture.h"

#define WORK 14

typedef struct wreq {
    rg_buf b;
    char req[32];
    bool ok, answered;
    char err[32];
    uint32_t nev;
    t_ev ev[8];
} wreq;

static void record(wreq *q, const t_reply *r)
{
    q->answered = true;
    q->ok = r->ok;
    snprintf(q->err, sizeof q->err, "%s", r->err);
    const rg_val *evs = rg_map_get(r->root, "events");
    q->nev = rg_array_size(evs) < 8 ? rg_array_size(evs) : 8;
    for (uint32_t i = 0; i < q->nev; i++) {
        const rg_val *e = rg_array_at(evs, i);
        rg_val_uint(rg_map_get(e, "seq"), &q->ev[i].seq);
        rg_val_uint(rg_map_get(e, "v"), &q->ev[i].v);
        rg_val_strcpy(rg_map_get(e, "case"), q->ev[i].case_id, sizeof q->ev[i].case_id);
        rg_val_strcpy(rg_map_get(e, "type"), q->ev[i].type, sizeof q->ev[i].type);
    }
}

/* The workload's i-th request; case_id is the first report's case. */
static void build(wreq *q, int i, int step, const char *pa, const char *pr, const char *pr_id,
                  const char *case_id)
{
    rg_buf_reset(&q->b);
    snprintf(q->req, sizeof q->req, "f%d-%d", step, i);
    switch (i) {                            /* 0 and 4..: reports */
    case 1:
        rg_req_envelope(&q->b, "case.assign", pr, q->req, case_id, -1, 1);
        rg_w_kstr(&q->b, "procesregisseur", pr_id);
        break;
    case 2: rg_req_envelope(&q->b, "intake.start", pr, q->req, case_id, -1, -1); break;
    case 3:
        rg_req_envelope(&q->b, "intake.decide", pr, q->req, case_id, -1, 3);
        rg_w_kbool(&q->b, "admit", true);
        rg_w_kstr(&q->b, "reason", "several life domains");
        rg_w_cstr(&q->b, "criteria");
        rg_w_array(&q->b, 1);
        rg_w_cstr(&q->b, "multi_domain");
        break;
    default:
        rg_req_envelope(&q->b, "case.report", pa, q->req, NULL, -1, 5);
        rg_w_kstr(&q->b, "target_group", "verward_gedrag");
        rg_w_kstr(&q->b, "summary", "repeated incidents");
        rg_w_kstr(&q->b, "urgency", "normal");
        rg_w_kbool(&q->b, "informed", true);
        rg_w_cstr(&q->b, "subject");
        rg_w_map(&q->b, 1);
        rg_w_kstr(&q->b, "name", "Daan Visser");
        break;
    }
}

static int make_actor(t_proc *p, rg_client **c, const char *id, const char *role, const char *org, char *tok)
{
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "actor.create", p->admin, id, NULL, -1, 3);
    rg_w_kstr(&b, "id", id);
    rg_w_kstr(&b, "role", role);
    rg_w_kstr(&b, "org", org);
    t_reply r;
    int rc = t_call(c, p->url, &b, &r, false, NULL);
    if (rc == 0 && (!r.ok || !rg_val_strcpy(rg_map_get(r.root, "token"), tok, 128))) rc = -1;
    t_reply_free(&r);
    rg_buf_free(&b);
    return rc;
}

typedef struct sweep {
    int steps, fired, refused, recovered, refusing, died, durable_after_error, refused_start, violations;
} sweep;

#define BAD(...) do { printf("VIOLATION (fault step %d, seed %llu): ", step, (unsigned long long)seed); \
    printf(__VA_ARGS__); printf("\n"); s->violations++; } while (0)

static void one_step(const char *regied, const char *faultfs, const char *root, int step, uint64_t seed,
                     bool quiet, sweep *s)
{
    t_proc p;
    memset(&p, 0, sizeof p);
    char cmd[4096], arm[600], flog[600];
    snprintf(p.dir, sizeof p.dir, "%s/faults/%d", root, step);
    snprintf(p.log, sizeof p.log, "%s/faults/%d.log", root, step);
    snprintf(arm, sizeof arm, "%s/faults/%d.arm", root, step);
    snprintf(flog, sizeof flog, "%s/faults/%d.faults", root, step);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s.kek' '%s.ledger' '%s' '%s' && mkdir -p '%s'", p.dir, p.dir, p.dir,
             arm, flog, p.dir);
    if (system(cmd) != 0) return;
    p.regied = regied;
    p.preload = faultfs;
    bool sticky = step % 4 == 0;
    snprintf(p.env[0], sizeof p.env[0], "FAULTFS_AT=%d", (step + 1) / 2);
    snprintf(p.env[1], sizeof p.env[1], "FAULTFS_ERR=%s", step % 2 ? "EIO" : "ENOSPC");
    snprintf(p.env[2], sizeof p.env[2], "FAULTFS_DIR=%s", p.dir);
    snprintf(p.env[3], sizeof p.env[3], "FAULTFS_ARM=%s", arm);
    snprintf(p.env[4], sizeof p.env[4], "FAULTFS_LOG=%s", flog);
    snprintf(p.env[5], sizeof p.env[5], "FAULTFS_STICKY=%d", sticky);
    if (t_start(&p, NULL, true, 60) < 0) {
        BAD("regied did not start before the fault was armed (see %s)", p.log);
        t_kill(&p);
        return;
    }
    rg_client *c = NULL;
    char pa[128], pr[128];
    if (make_actor(&p, &c, "f-pa", "partner", "police", pa) < 0 ||
        make_actor(&p, &c, "f-pr", "procesregisseur", "zvh", pr) < 0) {
        BAD("cannot create the actors");
        t_kill(&p);
        rg_client_close(c);
        return;
    }
    /* Every fifth step the fault meets the engine's start: a few reports
     * are made durable first, the engine stopped, and started again with
     * the fault armed from its first call (RocksDB's open and recovery). */
    bool at_open = step % 5 == 0, up = true;
    uint64_t prelude = 0;
    if (at_open) {
        for (int k = 0; k < 3; k++) {
            wreq pre;
            memset(&pre, 0, sizeof pre);
            build(&pre, 100 * (k + 1), step, pa, pr, "f-pr", "");   /* a report, req f<step>-<100k> */
            t_reply r;
            if (t_call(&c, p.url, &pre.b, &r, true, NULL) == 0 && r.ok) prelude += rg_array_size(rg_map_get(r.root, "events"));
            else BAD("a report before the fault was refused");
            t_reply_free(&r);
            rg_buf_free(&pre.b);
        }
        rg_client_close(c);
        c = NULL;
        if (t_stop(&p) != 0) BAD("regied did not stop cleanly before the fault");
    }
    FILE *af = fopen(arm, "w");
    if (af) fclose(af);
    if (at_open && t_start(&p, NULL, true, 20) < 0) {
        up = false;                         /* refused to start (or hung): refusing to serve */
        s->refused_start++;
        t_kill(&p);
    }
    /* The workload: one reply each (no retry: a transport failure is the
     * engine gone, which is noted). */
    wreq q[WORK];
    memset(q, 0, sizeof q);
    char case_id[24] = "";
    bool seen_error = false;
    bool chain = true;                      /* the case's steps 1..3 follow while each succeeds */
    for (int i = 0; i < WORK && up; i++) {
        if (i >= 1 && i <= 3 && !chain) continue;           /* sent after the restart, in order */
        build(&q[i], i, step, pa, pr, "f-pr", case_id);
        t_reply r;
        if (t_call(&c, p.url, &q[i].b, &r, false, NULL) < 0) {
            if (i <= 3) chain = false;
            if (!t_alive(&p)) {
                /* A fault is answered storage_error; the engine never
                 * dies of one (RocksDB's asserts are kept out of the
                 * path: the engine syncs its own log). */
                s->died++;
                BAD("regied exited after the fault (see %s)", p.log);
                break;
            }
            continue;
        }
        record(&q[i], &r);
        if (r.ok && i == 0) rg_val_strcpy(rg_map_get(r.root, "case"), case_id, sizeof case_id);
        if (!r.ok) {
            if (strcmp(r.err, "storage_error") != 0) BAD("%s answered %s, not storage_error", q[i].req, r.err);
            seen_error = true;
            if (i <= 3) chain = false;
        } else if (seen_error) {
            s->recovered++;
            seen_error = false;
        }
        t_reply_free(&r);
        /* A read with an audit record is a write too. */
        if (case_id[0]) {
            rg_buf b = RG_BUF_INIT;
            rg_req_envelope(&b, "case.get", pa, NULL, case_id, -1, -1);
            if (t_call(&c, p.url, &b, &r, false, NULL) == 0) {
                if (!r.ok && strcmp(r.err, "storage_error") != 0) BAD("case.get answered %s", r.err);
                t_reply_free(&r);
            }
            rg_buf_free(&b);
        }
    }
    if (seen_error) s->refusing++;
    rg_client_close(c);
    c = NULL;
    struct stat st;
    bool fired = stat(flog, &st) == 0 && st.st_size > 0;
    s->fired += fired;
    t_kill(&p);

    /* Restarted without the fault. */
    p.preload = NULL;
    for (int i = 0; i < 8; i++) p.env[i][0] = 0;
    if (t_start(&p, NULL, true, 60) < 0) {
        BAD("regied did not start again after the fault (see %s)", p.log);
        t_kill(&p);
        return;
    }
    /* The head as the restart found it: a retried request whose events lie
     * at or below it was durable although answered storage_error. */
    uint64_t head0 = 0;
    {
        rg_buf hb = RG_BUF_INIT;
        t_reply hr;
        rg_req_envelope(&hb, "stats", p.admin, NULL, NULL, -1, -1);
        if (t_call(&c, p.url, &hb, &hr, true, NULL) == 0) {
            rg_val_uint(rg_map_get(hr.root, "log_head"), &head0);
            t_reply_free(&hr);
        }
        rg_buf_free(&hb);
    }
    /* Requests answered storage_error (or not at all) again, in order,
     * each with its own req (the same bytes). */
    for (int i = 0; i < WORK; i++) {
        if (q[i].answered && q[i].ok) continue;
        if (q[i].answered) s->refused++;
        build(&q[i], i, step, pa, pr, "f-pr", case_id);
        t_reply r;
        if (t_call(&c, p.url, &q[i].b, &r, true, NULL) < 0) continue;
        if (!r.ok) BAD("%s sent again after the restart: %s", q[i].req, r.err);
        bool was_answered = q[i].answered;
        record(&q[i], &r);
        if (was_answered && r.ok && q[i].nev && q[i].ev[0].seq <= head0) s->durable_after_error++;
        if (r.ok && i == 0) rg_val_strcpy(rg_map_get(r.root, "case"), case_id, sizeof case_id);
        t_reply_free(&r);
    }
    /* The log: the chain, the head, every acknowledged event, nothing else. */
    rg_buf b = RG_BUF_INIT;
    t_reply r;
    rg_req_envelope(&b, "log.verify", p.admin, NULL, NULL, -1, -1);
    uint64_t checked = 0;
    if (t_call(&c, p.url, &b, &r, true, NULL) == 0) {
        if (!r.ok || rg_val_type(rg_map_get(r.root, "broken")) != RG_VNIL) BAD("log.verify: broken chain");
        rg_val_uint(rg_map_get(r.root, "checked"), &checked);
        t_reply_free(&r);
    }
    uint64_t want = prelude;
    for (int i = 0; i < WORK; i++) want += q[i].ok ? q[i].nev : 0;
    if (checked != want) BAD("the log holds %llu events, the acknowledged requests %llu", (unsigned long long)checked,
                             (unsigned long long)want);
    rg_buf_reset(&b);
    rg_req_envelope(&b, "feed.read", pa, NULL, NULL, -1, 2);
    rg_w_kuint(&b, "after", 0);
    rg_w_kuint(&b, "limit", 1000);
    if (t_call(&c, p.url, &b, &r, true, NULL) == 0 && r.ok) {
        const rg_val *evs = rg_map_get(r.root, "events");
        for (int i = 0; i < WORK; i++)
            for (uint32_t k = 0; q[i].ok && k < q[i].nev; k++) {
                bool found = false;
                for (uint32_t j = 0; j < rg_array_size(evs) && !found; j++) {
                    const rg_val *e = rg_array_at(evs, j);
                    uint64_t seq = 0;
                    rg_val_uint(rg_map_get(e, "seq"), &seq);
                    found = seq == q[i].ev[k].seq && rg_val_is_str(rg_map_get(e, "type"), q[i].ev[k].type) &&
                            rg_val_is_str(rg_map_get(e, "case"), q[i].ev[k].case_id);
                }
                if (!found) BAD("%s: acknowledged seq %llu (%s) is not in the log", q[i].req,
                                (unsigned long long)q[i].ev[k].seq, q[i].ev[k].type);
            }
        t_reply_free(&r);
    } else {
        BAD("feed.read after the restart failed");
    }
    rg_buf_free(&b);
    rg_client_close(c);
    t_stop(&p);
    for (int i = 0; i < WORK; i++) rg_buf_free(&q[i].b);
}

int t_fault_sweep(const char *regied, const char *faultfs, const char *root, int steps, uint64_t seed,
                  bool quiet)
{
    sweep s;
    memset(&s, 0, sizeof s);
    s.steps = steps;
    char cmd[700];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s/faults'", root);
    if (system(cmd) != 0) return -1;
    uint64_t t0 = t_now_ms();
    /* REGIE_FAULT_STEP=K runs step K alone (to look at one again). */
    const char *only = getenv("REGIE_FAULT_STEP");
    for (int step = 1; step <= steps; step++) {
        if (only && atoi(only) != step) continue;
        one_step(regied, faultfs, root, step, seed, quiet, &s);
        if (!quiet && step % 10 == 0) {
            printf("  fault step %d/%d: %d faults fired, %d violations\n", step, steps, s.fired, s.violations);
            fflush(stdout);
        }
    }
    printf("fault sweep: %d steps (faults at call 1..%d, EIO and ENOSPC, every 4th persistent, every 5th "
           "from the engine's start: %d of those refused to start), %d fired, "
           "%d requests answered storage_error and sent again (%d of them found durable after the restart, "
           "answered from their record), %d times the engine served again after a fault, %d ended refusing, "
           "%d exited; %d violations, %.1f s\n",
           steps, (steps + 1) / 2, s.refused_start, s.fired, s.refused, s.durable_after_error, s.recovered,
           s.refusing, s.died,
           s.violations,
           (double)(t_now_ms() - t0) / 1000.0);
    return s.violations;
}
