/*
 * kill.c - the kill loop: concurrent clients take cases through the
 * procesregie (report, assignment, intake with the criteria, an
 * information request and its answer, a meeting planned ahead of the
 * engine's clock and held, a plan, its agreement, the action done, a
 * review, closing; now and then a case referred and erased), a manager
 * reads the feed from its saved `next`, and the engine is SIGKILLed at
 * random moments: under plain load, during `regied --rebuild`, right after
 * a `backup.create`, in the deadline burst of a `clock.advance`, and during
 * a `case.erase`.  Every unanswered request is sent again with the same
 * bytes (the same `req`) once the engine is back.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "torture.h"

#define DAY_MS 86400000ULL
#define CLIENT_CASES 3

typedef struct tcase {
    char id[24];
    int step;
    char request[24];         /* info request id */
    bool referred;
} tcase;

typedef struct client {
    t_world *w;
    int i;
    uint64_t rnd;
    rg_client *c;
    char pa[128], pb[128], pr[128];           /* tokens: reporter, informant, procesregisseur */
    char pa_id[24], pb_id[24], pr_id[24], org_a[24], org_b[24];
    tcase cases[CLIENT_CASES];
    uint64_t nreq;
    pthread_t thread;
} client;

static atomic_bool stop_clients;
static atomic_ullong acked_ops;
static atomic_int done_backups, done_advances, done_erasures;

/* Referred cases a manager may erase (ids), filled by clients. */
static pthread_mutex_t referred_lock = PTHREAD_MUTEX_INITIALIZER;
static char referred[4096][24];
static size_t nreferred;

static void strs(rg_buf *b, const char *key, const char *a, const char *bb)
{
    rg_w_cstr(b, key);
    rg_w_array(b, bb ? 2 : 1);
    rg_w_cstr(b, a);
    if (bb) rg_w_cstr(b, bb);
}

/* Build the next request for case k; its token and actor into tok/actor. */
static void next_request(client *cl, tcase *k, rg_buf *b, const char **actor, const char *req)
{
    uint64_t now = atomic_load(&cl->w->clock_ms);
    char date[40];
    rg_buf_reset(b);
    switch (k->step) {
    case 0:
        *actor = cl->pa_id;
        rg_req_envelope(b, "case.report", cl->pa, req, NULL, -1, 5);
        rg_w_kstr(b, "target_group", "verward_gedrag");
        rg_w_kstr(b, "summary", "repeated incidents; debts, housing and care at once");
        rg_w_kstr(b, "urgency", t_rand(&cl->rnd) % 4 ? "normal" : "high");
        rg_w_kbool(b, "informed", true);
        rg_w_cstr(b, "subject");
        rg_w_map(b, 2);
        rg_w_kstr(b, "name", "Sanne de Jong");
        rg_w_kstr(b, "birth_date", "1990-01-01");
        break;
    case 1:
        *actor = cl->pr_id;
        rg_req_envelope(b, "case.assign", cl->pr, req, k->id, -1, 1);
        rg_w_kstr(b, "procesregisseur", cl->pr_id);
        break;
    case 2:
        *actor = cl->pr_id;
        rg_req_envelope(b, "intake.start", cl->pr, req, k->id, -1, -1);
        break;
    case 3:
        *actor = cl->pr_id;
        k->referred = t_rand(&cl->rnd) % 8 == 0;
        if (k->referred) {
            rg_req_envelope(b, "intake.decide", cl->pr, req, k->id, -1, 3);
            rg_w_kbool(b, "admit", false);
            rg_w_kstr(b, "reason", "one life domain");
            rg_w_kstr(b, "referred_to", "wijkteam");
        } else {
            rg_req_envelope(b, "intake.decide", cl->pr, req, k->id, -1, 3);
            rg_w_kbool(b, "admit", true);
            rg_w_kstr(b, "reason", "problems on several life domains");
            rg_w_cstr(b, "criteria");
            rg_w_array(b, 2);
            rg_w_cstr(b, "multi_domain");
            rg_w_cstr(b, "multi_chain");
        }
        break;
    case 4:
        *actor = cl->pr_id;
        t_date(date, sizeof date, now + 25 * DAY_MS, false);
        rg_req_envelope(b, "info.request", cl->pr, req, k->id, -1, 3);
        rg_w_kstr(b, "org", cl->org_b);
        rg_w_kstr(b, "question", "what do you know of the person's situation?");
        rg_w_kstr(b, "due", date);
        break;
    case 5:
        *actor = cl->pb_id;
        rg_req_envelope(b, "info.provide", cl->pb, req, k->id, -1, 2);
        rg_w_kstr(b, "request", k->request);
        rg_w_kstr(b, "answer", "known to us since 2021; details in the file");
        break;
    case 6:
        *actor = cl->pr_id;
        t_date(date, sizeof date, now + 20 * DAY_MS, true);
        rg_req_envelope(b, "meeting.schedule", cl->pr, req, k->id, -1, 2);
        rg_w_kstr(b, "at", date);
        strs(b, "orgs", cl->org_a, cl->org_b);
        break;
    case 7:
        *actor = cl->pr_id;
        rg_req_envelope(b, "meeting.hold", cl->pr, req, k->id, -1, 2);
        strs(b, "attendees", cl->org_a, cl->org_b);
        rg_w_kstr(b, "conclusions", "a joint approach across the partners");
        break;
    case 8:
        *actor = cl->pr_id;
        t_date(date, sizeof date, now + 40 * DAY_MS, false);
        rg_req_envelope(b, "plan.propose", cl->pr, req, k->id, -1, 2);
        rg_w_kstr(b, "goals", "stability, treatment, a safe home");
        rg_w_cstr(b, "actions");
        rg_w_array(b, 1);
        rg_w_map(b, 4);
        rg_w_kstr(b, "id", "a1");
        rg_w_kstr(b, "owner_org", cl->org_a);
        rg_w_kstr(b, "description", "support the person");
        rg_w_kstr(b, "due", date);
        break;
    case 9:
        *actor = cl->pa_id;
        rg_req_envelope(b, "plan.agree", cl->pa, req, k->id, -1, -1);
        break;
    case 10:
        *actor = cl->pa_id;
        rg_req_envelope(b, "action.complete", cl->pa, req, k->id, -1, 2);
        rg_w_kstr(b, "action", "a1");
        rg_w_kstr(b, "result", "done");
        break;
    case 11:
        *actor = cl->pr_id;
        rg_req_envelope(b, "review.hold", cl->pr, req, k->id, -1, 1);
        rg_w_kstr(b, "notes", "progress reviewed with the partners");
        break;
    default:
        *actor = cl->pr_id;
        rg_req_envelope(b, "case.close", cl->pr, req, k->id, -1, 1);
        rg_w_kstr(b, "reason", "the plan's goals are met");
        break;
    }
}

static void *client_main(void *arg)
{
    client *cl = arg;
    t_world *w = cl->w;
    rg_buf b = RG_BUF_INIT;
    while (!atomic_load(&stop_clients)) {
        tcase *k = &cl->cases[t_rand(&cl->rnd) % CLIENT_CASES];
        char req[40];
        snprintf(req, sizeof req, "c%d-%llu", cl->i, (unsigned long long)++cl->nreq);
        const char *actor = "";
        next_request(cl, k, &b, &actor, req);
        t_reply r;
        /* Until answered, across kills: the same bytes, the same req. */
        if (t_call(&cl->c, w->p.url, &b, &r, true, NULL) < 0) break;
        t_acks_add(&w->acks, actor, req, &r, cl->nreq % 25 == 0 ? &b : NULL);
        atomic_fetch_add(&acked_ops, 1);
        if (!r.root) {
            t_violation(w, "%s: a reply that is not msgpack", req);
        } else if (r.ok) {
            if (k->step == 0) rg_val_strcpy(rg_map_get(r.root, "case"), k->id, sizeof k->id);
            if (k->step == 4) {
                const rg_val *ev = rg_array_at(rg_map_get(r.root, "events"), 0);
                rg_val_strcpy(rg_map_get(rg_map_get(ev, "data"), "request"), k->request, sizeof k->request);
            }
            if (k->step == 3 && k->referred) {
                pthread_mutex_lock(&referred_lock);
                if (nreferred < 4096) snprintf(referred[nreferred++], 24, "%s", k->id);
                pthread_mutex_unlock(&referred_lock);
                k->step = 0;                 /* done with it: a new case */
            } else if (k->step >= 12) {
                k->step = 0;
            } else {
                k->step++;
            }
        } else if (strcmp(r.err, "storage_error") == 0) {
            /* Nothing written: the step is tried again with a new req. */
        } else {
            /* A definitive refusal (a guard of the procesregie, e.g. after a
             * clock.advance): this case is left, a new one begun. */
            if (!w->quiet && strcmp(r.err, "guard_failed") != 0 && strcmp(r.err, "invalid_transition") != 0) {
                char msg[200] = "";
                rg_val_strcpy(rg_map_get(r.root, "message"), msg, sizeof msg);
                printf("  note: %s step %d refused: %s: %s\n", req, k->step, r.err, msg);
            }
            k->step = 0;
        }
        t_reply_free(&r);
    }
    rg_buf_free(&b);
    rg_client_close(cl->c);
    return NULL;
}

/* ---- the feed reader: a manager resuming from its saved next ---- */

static void *reader_main(void *arg)
{
    t_world *w = arg;
    rg_client *c = NULL;
    rg_buf b = RG_BUF_INIT;
    while (!atomic_load(&w->stop_reader)) {
        rg_buf_reset(&b);
        rg_req_envelope(&b, "feed.read", w->mgr, NULL, NULL, -1, 3);
        rg_w_kuint(&b, "after", w->feed_next);
        rg_w_kuint(&b, "limit", 500);
        rg_w_kuint(&b, "wait_ms", 500);
        t_reply r;
        if (t_call(&c, w->p.url, &b, &r, true, &w->stop_reader) < 0) break;
        if (!r.ok) {
            if (strcmp(r.err, "storage_error") != 0)
                t_violation(w, "feed.read after %llu refused: %s", (unsigned long long)w->feed_next, r.err);
            t_reply_free(&r);
            t_sleep_ms(50);
            continue;
        }
        const rg_val *evs = rg_map_get(r.root, "events");
        for (uint32_t i = 0; i < rg_array_size(evs); i++) {
            uint64_t seq = 0;
            rg_val_uint(rg_map_get(rg_array_at(evs, i), "seq"), &seq);
            if (w->nseen == w->capseen) {
                w->capseen = w->capseen ? w->capseen * 2 : 4096;
                w->seen = realloc(w->seen, w->capseen * sizeof *w->seen);
            }
            w->seen[w->nseen++] = seq;
        }
        uint64_t next = w->feed_next;
        rg_val_uint(rg_map_get(r.root, "next"), &next);
        if (next < w->feed_next) t_violation(w, "feed next went back from %llu to %llu",
                                             (unsigned long long)w->feed_next, (unsigned long long)next);
        w->feed_next = next;
        t_reply_free(&r);
    }
    rg_buf_free(&b);
    rg_client_close(c);
    return NULL;
}

/* ---- the driver's own operations, in flight while the engine is killed ---- */

typedef struct op {
    t_world *w;
    rg_buf req;
    char name[40];
    uint64_t advance;         /* clock.advance: ms */
    char erased[24];          /* case.erase: the case */
    pthread_t thread;
    bool running;
} op;

static void *op_main(void *arg)
{
    op *o = arg;
    rg_client *c = NULL;
    t_reply r;
    if (t_call(&c, o->w->p.url, &o->req, &r, true, NULL) == 0) {
        t_acks_add(&o->w->acks, "driver", o->name, &r, NULL);
        if (r.ok && o->erased[0]) {
            pthread_mutex_lock(&o->w->erased_lock);
            o->w->erased = realloc(o->w->erased, (o->w->nerased + 1) * sizeof *o->w->erased);
            snprintf(o->w->erased[o->w->nerased++], 24, "%s", o->erased);
            pthread_mutex_unlock(&o->w->erased_lock);
        }
        atomic_fetch_add(&acked_ops, 1);
        if (r.ok && o->advance) atomic_fetch_add(&o->w->clock_ms, o->advance);
        if (r.ok && strncmp(o->name, "backup", 6) == 0) atomic_fetch_add(&done_backups, 1);
        if (r.ok && o->advance) atomic_fetch_add(&done_advances, 1);
        if (r.ok && strncmp(o->name, "erase", 5) == 0) atomic_fetch_add(&done_erasures, 1);
        if (!r.ok && strcmp(r.err, "storage_error") != 0 && strcmp(r.err, "guard_failed") != 0 &&
            strcmp(r.err, "invalid_transition") != 0 && !o->w->quiet)
            printf("  note: %s refused: %s\n", o->name, r.err);
        t_reply_free(&r);
    }
    rg_client_close(c);
    return NULL;
}

static void op_start(op *o)
{
    o->running = pthread_create(&o->thread, NULL, op_main, o) == 0;
}

static void op_join(op *o)
{
    if (o->running) pthread_join(o->thread, NULL);
    o->running = false;
    rg_buf_free(&o->req);
}

static int setup_actors(t_world *w, client *cls)
{
    rg_client *c = NULL;
    rg_buf b = RG_BUF_INIT;
    int rc = 0;
    struct { const char *id, *role, *org; char *tok; } want[1 + 3 * 64];
    int n = 0;
    static char ids[3 * 64][24], orgs[2 * 64][24];
    want[n++] = (typeof(want[0])){"t-mgr", "manager", "zvh", w->mgr};
    for (int i = 0; i < w->clients; i++) {
        client *cl = &cls[i];
        snprintf(cl->org_a, sizeof cl->org_a, "police-%d", i);
        snprintf(cl->org_b, sizeof cl->org_b, "ggz-%d", i);
        snprintf(cl->pa_id, sizeof cl->pa_id, "t-pa%d", i);
        snprintf(cl->pb_id, sizeof cl->pb_id, "t-pb%d", i);
        snprintf(cl->pr_id, sizeof cl->pr_id, "t-pr%d", i);
        want[n++] = (typeof(want[0])){cl->pa_id, "partner", cl->org_a, cl->pa};
        want[n++] = (typeof(want[0])){cl->pb_id, "partner", cl->org_b, cl->pb};
        want[n++] = (typeof(want[0])){cl->pr_id, "procesregisseur", "zvh", cl->pr};
    }
    (void)ids;
    (void)orgs;
    for (int i = 0; i < n && rc == 0; i++) {
        rg_buf_reset(&b);
        char req[40];
        snprintf(req, sizeof req, "setup-%s", want[i].id);
        rg_req_envelope(&b, "actor.create", w->admin, req, NULL, -1, 3);
        rg_w_kstr(&b, "id", want[i].id);
        rg_w_kstr(&b, "role", want[i].role);
        rg_w_kstr(&b, "org", want[i].org);
        t_reply r;
        if (t_call(&c, w->p.url, &b, &r, true, NULL) < 0 || !r.ok ||
            !rg_val_strcpy(rg_map_get(r.root, "token"), want[i].tok, 128)) {
            fprintf(stderr, "regie-torture: cannot create actor %s: %s\n", want[i].id, r.err);
            rc = -1;
        }
        t_reply_free(&r);
    }
    rg_buf_free(&b);
    rg_client_close(c);
    return rc;
}

int t_kill_loop(t_world *w)
{
    uint64_t rnd = w->seed * 2654435761ULL + 1;
    snprintf(w->p.dir, sizeof w->p.dir, "%s/data", w->root);
    snprintf(w->p.log, sizeof w->p.log, "%s/regied.log", w->root);
    w->p.regied = w->regied;
    if (t_start(&w->p, NULL, true, 60) < 0) {
        fprintf(stderr, "regie-torture: regied did not start (see %s)\n", w->p.log);
        return -1;
    }
    snprintf(w->admin, sizeof w->admin, "%s", w->p.admin);
    /* 2027-01-04T09:00:00+01:00, as the engine's clock starts */
    atomic_store(&w->clock_ms, 1799049600000ULL);
    client *cls = calloc((size_t)w->clients, sizeof *cls);
    if (setup_actors(w, cls) < 0) return -1;
    atomic_store(&stop_clients, false);
    atomic_store(&w->stop_reader, false);
    for (int i = 0; i < w->clients; i++) {
        cls[i].w = w;
        cls[i].i = i;
        cls[i].rnd = w->seed * 7919 + (uint64_t)i * 104729 + 17;
        pthread_create(&cls[i].thread, NULL, client_main, &cls[i]);
    }
    pthread_t reader;
    pthread_create(&reader, NULL, reader_main, w);
    char backups[600];
    snprintf(backups, sizeof backups, "%s/backups", w->root);

    uint64_t t0 = t_now_ms(), restart_ms = 0, ops_at_start = atomic_load(&acked_ops);
    const char *modes[] = {"load", "rebuild", "backup", "deadline burst", "erasure"};
    int per_mode[5] = {0};
    for (int cyc = 1; cyc <= w->cycles; cyc++) {
        /* The first five cycles take each kind of moment once (a short run
         * meets them all), then at random, plain load most often. */
        int mode = cyc <= 5 ? cyc % 5 : (int)(t_rand(&rnd) % 8);
        if (mode > 4) mode = 0;
        if (cyc <= 5 && mode == 4) t_sleep_ms(600);          /* time for a referred case */
        t_sleep_ms(100 + (int)(t_rand(&rnd) % 700));        /* load runs */
        op o = {.w = w, .req = RG_BUF_INIT};
        if (mode == 2) {
            snprintf(o.name, sizeof o.name, "backup-%d", cyc);
            rg_req_envelope(&o.req, "backup.create", w->admin, NULL, NULL, -1, 2);
            rg_w_kstr(&o.req, "dir", backups);
            rg_w_kuint(&o.req, "keep", 2);
            op_start(&o);
            t_sleep_ms((int)(t_rand(&rnd) % 60));
        } else if (mode == 3) {
            snprintf(o.name, sizeof o.name, "advance-%d", cyc);
            o.advance = (3 + t_rand(&rnd) % 8) * DAY_MS;
            rg_req_envelope(&o.req, "clock.advance", w->admin, o.name, NULL, -1, 1);
            rg_w_kuint(&o.req, "ms", o.advance);
            op_start(&o);
            t_sleep_ms((int)(t_rand(&rnd) % 40));
        } else if (mode == 4) {
            char id[24] = "";
            pthread_mutex_lock(&referred_lock);
            if (nreferred) {
                snprintf(id, sizeof id, "%s", referred[nreferred - 1]);
                nreferred--;
            }
            pthread_mutex_unlock(&referred_lock);
            if (id[0]) {
                snprintf(o.name, sizeof o.name, "erase-%d", cyc);
                snprintf(o.erased, sizeof o.erased, "%s", id);
                rg_req_envelope(&o.req, "case.erase", w->mgr, o.name, id, -1, 1);
                rg_w_kstr(&o.req, "ground", "retention ended early: referred, no further role");
                op_start(&o);
                t_sleep_ms((int)(t_rand(&rnd) % 20));
            }
        }
        t_kill(&w->p);
        per_mode[mode]++;
        uint64_t r0 = t_now_ms();
        if (mode == 1) {
            /* Killed again in the middle of `regied --rebuild`. */
            const char *rb[] = {"--rebuild", NULL};
            t_start(&w->p, rb, false, 0);
            t_sleep_ms(20 + (int)(t_rand(&rnd) % 250));
            t_kill(&w->p);
        }
        if (t_start(&w->p, NULL, true, 120) < 0) {
            t_violation(w, "cycle %d: regied did not come back (see %s)", cyc, w->p.log);
            break;
        }
        restart_ms += t_now_ms() - r0;
        op_join(&o);
        w->cycles_done = (uint64_t)cyc;
        if (!w->quiet && (cyc % 10 == 0 || cyc == w->cycles))
            printf("  cycle %d/%d: %llu acknowledged operations, %d violations\n", cyc, w->cycles,
                   (unsigned long long)(atomic_load(&acked_ops) - ops_at_start), atomic_load(&w->violations));
        fflush(stdout);
    }
    /* Let the clients finish what they have in flight, then the reader
     * catch up with everything. */
    t_sleep_ms(300);
    atomic_store(&stop_clients, true);
    for (int i = 0; i < w->clients; i++) pthread_join(cls[i].thread, NULL);
    free(cls);
    printf("kill loop: %llu cycles (load %d, rebuild %d, backup %d, deadline burst %d, erasure %d; "
           "acknowledged: %d backups, %d clock advances, %d erasures), "
           "%llu acknowledged operations, mean restart %.0f ms, %.1f s\n",
           (unsigned long long)w->cycles_done, per_mode[0], per_mode[1], per_mode[2], per_mode[3],
           per_mode[4], atomic_load(&done_backups), atomic_load(&done_advances), atomic_load(&done_erasures),
           (unsigned long long)(atomic_load(&acked_ops) - ops_at_start),
           w->cycles_done ? (double)restart_ms / (double)w->cycles_done : 0.0,
           (double)(t_now_ms() - t0) / 1000.0);
    (void)modes;
    int rc = t_check(w);           /* stops the reader itself once caught up */
    atomic_store(&w->stop_reader, true);
    pthread_join(reader, NULL);
    return rc;
}

