/*
 * deadline_test.c - deadlines and stagnation through the real regied on a
 * manual clock.  A norm met one minute before it falls due fires nothing;
 * one minute late it fires exactly one stagnation.detected and one alert for
 * the procesregisseur (alerts.list), with a wake-up on their alerts topic
 * (notify.topics) carrying the event's position; the meeting clears it; a
 * stagnation left open for 5 working days escalates (case.escalated by
 * system, alerting every manager) to level 1, after which the case's ladder climbs only when the
 * open level leaves its decision undecided for 5 working days; deadlines
 * survive SIGKILL and fire once; deadlines that fell due while the engine was
 * down fire at start-up; a clock.advance's new reading survives SIGKILL.
 *
 * The clock starts on Monday 1 December 2025, 09:00 UTC (10:00 in
 * Amsterdam).  Timeline of the cases:
 *   A, B: reported, assigned, intake started and admitted at T0, so
 *         meeting.held is due 10 working days later, Mon 15 Dec 09:00 UTC.
 *         A holds its meeting at 08:59 that day, B not until after 09:01.
 *   C:    reported at T0 and never touched: intake.start (2 working days)
 *         falls due Wed 3 Dec 09:00, and its stagnation escalates the case to
 *         level 1 5 working days later, Wed 10 Dec 09:00.  intake.decision
 *         (Mon 8 Dec) stagnates too, but the case has one ladder: with level 1
 *         open it escalates nothing of its own.  Level 1 must decide within 5
 *         working days (Wed 17 Dec), level 2 then by Wed 24 Dec; undecided,
 *         the case climbs to 2 and 3 at those times.  No procesregisseur:
 *         managers are alerted.
 */
#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/supplemental/util/platform.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../test.h"

#define MINUTE 60000ULL
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)

static const uint64_t T0 = 1764579600000ULL;         /* 2025-12-01T09:00:00Z */
static const char *const CLOCK_ARGS[] = {"--clock", "manual=2025-12-01T09:00:00Z", NULL};

static rg_t_proc P;
static char *dir;
static rg_client *C;
static rg_buf B;
static rg_t_reply R;
static int n_req;
static char pol[128], prA[128], mgr1[128], mgr2[128];
static char ca[32], cb[32], cc[32];
static nng_socket sub;
static char t_prA[80], t_mgr1[80], t_mgr2[80];       /* their alerts topics */

static const char *send_req(void) { return rg_t_proc_send(&P, C, &B, &R); }

static rg_buf *req(const char *token, const char *op, const char *case_id, int ndata)
{
    return rg_t_req(&B, token, op, case_id, ndata);
}

#define OK() do { const char *e_ = send_req(); if (e_[0]) { \
    printf("  %s:%d: %s: %s\n", __FILE__, __LINE__, e_, rg_t_str(&R, "message")); \
    rg_t_failed = 1; return; } } while (0)

static void actor(const char *id, const char *role, const char *org, char *tok)
{
    rg_t_proc_actor(&P, C, id, role, org, tok);
}

static void report(char *out)
{
    char id[32];
    snprintf(id, sizeof id, "rep%d", ++n_req);
    rg_buf_reset(&B);
    rg_t_report_req(&B, pol, id, "Sam Example");
    send_req();
    snprintf(out, 32, "%s", rg_t_str(&R, "case"));
}

/* Assigned to prA, intake started and admitted: meeting.held is now due. */
static int admit(const char *case_id)
{
    rg_w_kstr(req(prA, "case.assign", case_id, 1), "procesregisseur", "prA");
    if (send_req()[0]) return -1;
    req(prA, "intake.start", case_id, -1);
    if (send_req()[0]) return -1;
    rg_buf *b = req(prA, "intake.decide", case_id, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "multiple problems, several partners");
    rg_t_w_criteria(b, "multi_domain,multi_chain");
    return send_req()[0] ? -1 : 0;
}

static int meeting(const char *case_id, const char *at)
{
    rg_buf *b = req(prA, "meeting.schedule", case_id, 2);
    rg_w_kstr(b, "at", at);
    rg_t_w_list(b, "orgs", "police");
    if (send_req()[0]) {
        printf("  meeting.schedule: %s\n", rg_t_str(&R, "message"));
        return -1;
    }
    b = req(prA, "meeting.hold", case_id, 2);
    rg_t_w_list(b, "attendees", "police");
    rg_w_kstr(b, "conclusions", "a joint approach");
    if (send_req()[0]) {
        printf("  meeting.hold: %s\n", rg_t_str(&R, "message"));
        return -1;
    }
    return 0;
}

/* clock.advance by ms; returns the clock's reading after it (0 on error). */
static uint64_t advance(uint64_t ms)
{
    rg_w_kuint(req(P.admin, "clock.advance", NULL, 1), "ms", ms);
    if (send_req()[0]) {
        printf("  clock.advance: %s: %s\n", rg_t_err(&R), rg_t_str(&R, "message"));
        rg_t_failed = 1;
        return 0;
    }
    return rg_t_uint(&R, "now");
}

/* Events of the case's history of `type` (and, when given, data.norm and
 * data.level); the `at` of the last one found goes to *at. */
static int count_events(const char *case_id, const char *type, const char *norm, int level, uint64_t *at)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.history", mgr1, NULL, case_id, -1, -1);
    if (send_req()[0]) {
        printf("  case.history %s: %s\n", case_id, rg_t_str(&R, "message"));
        return -1;
    }
    const rg_val *evs = rg_t_get(&R, "events");
    int n = 0;
    for (uint32_t i = 0; i < rg_array_size(evs); i++) {
        const rg_val *ev = rg_array_at(evs, i), *data = rg_map_get(ev, "data");
        if (!rg_val_is_str(rg_map_get(ev, "type"), type)) continue;
        if (norm && !rg_val_is_str(rg_map_get(data, "norm"), norm)) continue;
        uint64_t lv = 0;
        if (level && (!rg_val_uint(rg_map_get(data, "level"), &lv) || lv != (uint64_t)level)) continue;
        if (at) rg_val_uint(rg_map_get(ev, "at"), at);
        n++;
    }
    return n;
}

/* The wake-ups received so far: topic and position. */
static struct { char topic[80]; uint64_t seq; } seen[256];
static int nseen;

static void drain_wakeups(int wait_ms)
{
    nng_socket_set_ms(sub, NNG_OPT_RECVTIMEO, wait_ms);
    for (;;) {
        char *buf;
        size_t n;
        if (nng_recv(sub, &buf, &n, NNG_FLAG_ALLOC) != 0) return;
        size_t tl = strnlen(buf, n);
        rg_doc *doc = NULL;
        const char *why;
        if (tl < n && rg_doc_parse(&doc, (const uint8_t *)buf + tl + 1, n - tl - 1, &why) == 0 && nseen < 256) {
            const rg_val *root = rg_doc_root(doc);
            CHECK(rg_map_size(root) == 1);                  /* {seq}, nothing else */
            snprintf(seen[nseen].topic, sizeof seen[nseen].topic, "%.*s", (int)tl, buf);
            rg_val_uint(rg_map_get(root, "seq"), &seen[nseen++].seq);
        }
        if (doc) rg_doc_free(doc);
        nng_free(buf, n);
    }
}

static bool woken(const char *topic, uint64_t seq)
{
    for (int i = 0; i < nseen; i++)
        if (seen[i].seq == seq && strcmp(seen[i].topic, topic) == 0) return true;
    return false;
}

/* The alerts of the actor (token) on case_id of kind (and norm, when
 * given), from its durable inbox; each one's event position into seqs. */
static int alerts_of(const char *token, const char *case_id, const char *kind, const char *norm, uint64_t *seqs,
                     int cap)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "alerts.list", token, NULL, NULL, -1, 2);
    rg_w_kuint(&B, "limit", 1000);
    rg_w_kbool(&B, "all", true);                    /* resolved ones too */
    if (send_req()[0]) {
        printf("  alerts.list: %s: %s\n", rg_t_err(&R), rg_t_str(&R, "message"));
        return -1;
    }
    const rg_val *al = rg_t_get(&R, "alerts");
    int n = 0;
    for (uint32_t i = 0; i < rg_array_size(al); i++) {
        const rg_val *a = rg_array_at(al, i);
        if (!rg_val_is_str(rg_map_get(a, "case"), case_id) || !rg_val_is_str(rg_map_get(a, "kind"), kind)) continue;
        if (norm && !rg_val_is_str(rg_map_get(a, "norm"), norm)) continue;
        if (n < cap) rg_val_uint(rg_map_get(a, "seq"), &seqs[n]);
        n++;
    }
    return n;
}

/* Every alert of the actor on case_id of kind came with a wake-up on its
 * alerts topic; how many there are. */
static int alerted(const char *token, const char *topic, const char *case_id, const char *kind, const char *norm)
{
    uint64_t seqs[64];
    int n = alerts_of(token, case_id, kind, norm, seqs, 64);
    for (int i = 0; i < n && i < 64; i++)
        if (!woken(topic, seqs[i])) {
            printf("  an alert (%s on %s, event %llu) came without a wake-up on its topic\n", kind, case_id,
                   (unsigned long long)seqs[i]);
            rg_t_failed = 1;
        }
    return n;
}

static void topic_of(const char *token, char *topic)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "notify.topics", token, NULL, NULL, -1, -1);
    topic[0] = 0;
    if (send_req()[0] == 0) snprintf(topic, 80, "%s", rg_t_str(&R, "alerts"));
    CHECK(topic[0]);
    nng_socket_set(sub, NNG_OPT_SUB_SUBSCRIBE, topic, strlen(topic) + 1);
}

static void test_setup(void)
{
    dir = rg_t_tmpdir();
    REQUIRE(rg_t_proc_start(&P, dir, CLOCK_ARGS) == 0);
    REQUIRE(rg_client_open(&C, P.url, 30000, NULL) == 0);
    REQUIRE(nng_sub0_open(&sub) == 0);
    REQUIRE(nng_dial(sub, P.pub, NULL, 0) == 0);
    actor("pol1", "partner", "police", pol);
    actor("prA", "procesregisseur", "zvh", prA);
    actor("mgr1", "manager", "zvh", mgr1);
    actor("mgr2", "manager", "zvh", mgr2);
    topic_of(prA, t_prA);
    topic_of(mgr1, t_mgr1);
    topic_of(mgr2, t_mgr2);
    REQUIRE(advance(0) == T0);
    report(ca);
    report(cb);
    report(cc);
    REQUIRE(ca[0] && cb[0] && cc[0]);
    REQUIRE(admit(ca) == 0);
    REQUIRE(admit(cb) == 0);
    /* case.get shows the open deadline, due 10 working days after admission. */
    req(prA, "case.get", cb, -1);
    REQUIRE(send_req()[0] == 0);
    const rg_val *dls = rg_map_get(rg_t_get(&R, "case"), "deadlines");
    bool found = false;
    for (uint32_t i = 0; i < rg_array_size(dls); i++) {
        const rg_val *d = rg_array_at(dls, i);
        uint64_t due = 0;
        if (rg_val_is_str(rg_map_get(d, "norm"), "meeting.held")) {
            rg_val_uint(rg_map_get(d, "due"), &due);
            CHECK(due == T0 + 14 * DAY);
            found = true;
        }
    }
    CHECK(found);
    nng_msleep(300);                                    /* the subscriber is connected */
}

static void test_met_just_in_time_fires_nothing(void)
{
    /* To Monday 15 December 08:59 UTC: one minute before meeting.held. */
    REQUIRE(advance(14 * DAY - MINUTE) == T0 + 14 * DAY - MINUTE);
    CHECK(count_events(ca, "stagnation.detected", "meeting.held", 0, NULL) == 0);
    CHECK(count_events(cb, "stagnation.detected", "meeting.held", 0, NULL) == 0);
    REQUIRE(meeting(ca, "2025-12-15T10:00:00+01:00") == 0);
    REQUIRE(advance(2 * MINUTE) == T0 + 14 * DAY + MINUTE);
    CHECK(count_events(ca, "stagnation.detected", "meeting.held", 0, NULL) == 0);
    CHECK(count_events(ca, "stagnation.detected", NULL, 0, NULL) == 0);
}

static void test_one_minute_late_fires_once(void)
{
    uint64_t at = 0;
    CHECK(count_events(cb, "stagnation.detected", "meeting.held", 0, &at) == 1);
    CHECK(at == T0 + 14 * DAY);                         /* fired as the clock passed it */
    drain_wakeups(2000);
    CHECK(alerted(prA, t_prA, cb, "stagnation", "meeting.held") == 1);
    CHECK(alerted(prA, t_prA, ca, "stagnation", NULL) == 0);
    CHECK(alerted(mgr1, t_mgr1, cb, "stagnation", NULL) == 0);          /* prA is assigned */
    /* case.get, cases.list {stagnating}, stats */
    req(prA, "case.get", cb, -1);
    REQUIRE(send_req()[0] == 0);
    const rg_val *st = rg_map_get(rg_t_get(&R, "case"), "stagnations");
    REQUIRE(rg_array_size(st) == 1);
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(st, 0), "norm"), "meeting.held"));
    uint64_t esc = 0;
    rg_val_uint(rg_map_get(rg_array_at(st, 0), "escalates_at"), &esc);
    CHECK(esc == T0 + 21 * DAY);                        /* 5 working days later */
    rg_w_kbool(req(prA, "cases.list", NULL, 1), "stagnating", true);
    REQUIRE(send_req()[0] == 0);
    const rg_val *cases = rg_t_get(&R, "cases");
    bool has_b = false, has_a = false;
    for (uint32_t i = 0; i < rg_array_size(cases); i++) {
        has_a |= rg_val_is_str(rg_map_get(rg_array_at(cases, i), "id"), ca);
        has_b |= rg_val_is_str(rg_map_get(rg_array_at(cases, i), "id"), cb);
    }
    CHECK(has_b && !has_a);
    req(mgr1, "stats", NULL, -1);
    REQUIRE(send_req()[0] == 0);
    CHECK(rg_t_uint(&R, "open_stagnations") >= 2);      /* B, and C's */
}

static void test_meeting_clears_it(void)
{
    REQUIRE(meeting(cb, "2025-12-15T11:00:00+01:00") == 0);
    CHECK(count_events(cb, "stagnation.cleared", "meeting.held", 0, NULL) == 1);
    req(prA, "case.get", cb, -1);
    REQUIRE(send_req()[0] == 0);
    CHECK(rg_array_size(rg_map_get(rg_t_get(&R, "case"), "stagnations")) == 0);
    rg_w_kbool(req(prA, "cases.list", NULL, 1), "stagnating", true);
    REQUIRE(send_req()[0] == 0);
    const rg_val *cases = rg_t_get(&R, "cases");
    for (uint32_t i = 0; i < rg_array_size(cases); i++)
        CHECK(!rg_val_is_str(rg_map_get(rg_array_at(cases, i), "id"), cb));
}

static void test_open_stagnation_escalates_after_5_working_days(void)
{
    /* C: intake.start fell due Wed 3 Dec 09:00 and escalated Wed 10 Dec. */
    uint64_t detected = 0, escalated = 0;
    CHECK(count_events(cc, "stagnation.detected", "intake.start", 0, &detected) == 1);
    CHECK(detected == T0 + 2 * DAY);
    CHECK(count_events(cc, "case.escalated", "intake.start", 1, &escalated) == 1);
    CHECK(escalated == T0 + 9 * DAY);
    /* By the engine, and every manager was alerted (no procesregisseur). */
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.history", mgr1, NULL, cc, -1, -1);
    REQUIRE(send_req()[0] == 0);
    const rg_val *evs = rg_t_get(&R, "events");
    for (uint32_t i = 0; i < rg_array_size(evs); i++) {
        const rg_val *ev = rg_array_at(evs, i);
        if (rg_val_is_str(rg_map_get(ev, "type"), "case.escalated"))
            CHECK(rg_val_is_str(rg_map_get(rg_map_get(ev, "actor"), "id"), "system"));
    }
    drain_wakeups(2000);
    CHECK(alerted(mgr1, t_mgr1, cc, "stagnation", "intake.start") == 1);
    CHECK(alerted(mgr2, t_mgr2, cc, "stagnation", "intake.start") == 1);
    CHECK(alerted(mgr1, t_mgr1, cc, "escalation", NULL) == 1);
    CHECK(alerted(mgr2, t_mgr2, cc, "escalation", NULL) == 1);
    CHECK(alerted(prA, t_prA, cc, "escalation", NULL) == 0);          /* not prA's case */
    CHECK(alerted(prA, t_prA, cc, "stagnation", NULL) == 0);
    /* One ladder per case: intake.decision stagnated on Mon 8 Dec and would
     * have escalated on Mon 15 Dec, but level 1 was open by then; it has no
     * escalation time of its own, and the open level's decision is due 5
     * working days after it opened. */
    CHECK(count_events(cc, "stagnation.detected", "intake.decision", 0, &detected) == 1);
    CHECK(detected == T0 + 7 * DAY);
    CHECK(count_events(cc, "case.escalated", NULL, 0, NULL) == 1);
    CHECK(count_events(cc, "case.escalated", "intake.decision", 0, NULL) == 0);
    req(mgr1, "case.get", cc, -1);
    REQUIRE(send_req()[0] == 0);
    const rg_val *cv = rg_t_get(&R, "case");
    CHECK(rg_val_int(rg_map_get(rg_map_get(cv, "escalation"), "level")) == 1);
    const rg_val *st = rg_map_get(cv, "stagnations");
    CHECK(rg_array_size(st) == 2);
    for (uint32_t i = 0; i < rg_array_size(st); i++)
        CHECK(rg_val_type(rg_map_get(rg_array_at(st, i), "escalates_at")) == RG_VNIL);
    const rg_val *dls = rg_map_get(cv, "deadlines");
    uint64_t decide_by = 0;
    for (uint32_t i = 0; i < rg_array_size(dls); i++)
        if (rg_val_is_str(rg_map_get(rg_array_at(dls, i), "norm"), "escalation.decision"))
            rg_val_uint(rg_map_get(rg_array_at(dls, i), "due"), &decide_by);
    CHECK(decide_by == T0 + 16 * DAY);
    /* Level 1 leaves it undecided: level 2 on Wed 17 Dec, not a minute before. */
    uint64_t now = advance(0);
    advance(T0 + 16 * DAY - 1 - now);
    CHECK(count_events(cc, "case.escalated", NULL, 2, NULL) == 0);
    advance(1);
    CHECK(count_events(cc, "case.escalated", NULL, 2, &escalated) == 1);
    CHECK(escalated == T0 + 16 * DAY);
    CHECK(count_events(cc, "case.escalated", NULL, 0, NULL) == 2);
    /* ... and level 2 undecided: level 3 on Wed 24 Dec. */
    now = advance(0);
    advance(T0 + 23 * DAY - 1 - now);
    CHECK(count_events(cc, "case.escalated", NULL, 3, NULL) == 0);
    advance(1);
    CHECK(count_events(cc, "case.escalated", NULL, 3, &escalated) == 1);
    CHECK(escalated == T0 + 23 * DAY);
    CHECK(count_events(cc, "case.escalated", NULL, 0, NULL) == 3);
    drain_wakeups(2000);
    CHECK(alerted(mgr1, t_mgr1, cc, "escalation", NULL) == 3);       /* every level alerts them */
    CHECK(alerted(mgr2, t_mgr2, cc, "escalation", NULL) == 3);
    /* The top of the ladder: nothing escalates further. */
    int before = count_events(cc, "case.escalated", NULL, 0, NULL);
    advance(20 * DAY);
    CHECK(count_events(cc, "case.escalated", NULL, 0, NULL) == before);
    CHECK(count_events(cc, "case.escalated", NULL, 4, NULL) == 0);
}

/* A case reported now, SIGKILL, restart, advance past its deadline, SIGKILL
 * at once after the reply, restart, advance further: fired exactly once. */
static void test_survives_sigkill_and_fires_once(void)
{
    char cd[32];
    report(cd);
    REQUIRE(cd[0]);
    uint64_t now = advance(0);
    REQUIRE(now);
    rg_client_close(C);
    C = NULL;
    CHECK(rg_t_proc_stop(&P, SIGKILL) == 128 + SIGKILL);
    REQUIRE(rg_t_proc_start(&P, dir, CLOCK_ARGS) == 0);
    REQUIRE(rg_client_open(&C, P.url, 30000, NULL) == 0);
    CHECK(advance(0) == now);                           /* the clock resumed where it was */
    uint64_t after = advance(3 * DAY);                  /* past intake.start (2 working days) */
    CHECK(count_events(cd, "stagnation.detected", "intake.start", 0, NULL) == 1);
    rg_client_close(C);
    C = NULL;
    CHECK(rg_t_proc_stop(&P, SIGKILL) == 128 + SIGKILL);
    REQUIRE(rg_t_proc_start(&P, dir, CLOCK_ARGS) == 0);
    REQUIRE(rg_client_open(&C, P.url, 30000, NULL) == 0);
    CHECK(advance(0) == after);                         /* the advance's reading was durable */
    advance(HOUR);
    CHECK(count_events(cd, "stagnation.detected", "intake.start", 0, NULL) == 1);
}

/* Started at a later instant, the engine fires what fell due while it was
 * down, before anyone advances the clock. */
static void test_due_while_down_fires_at_start(void)
{
    char ce[32];
    report(ce);
    REQUIRE(ce[0]);
    uint64_t now = advance(0);
    rg_client_close(C);
    C = NULL;
    CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);
    /* Restart a month later. */
    char iso[64];
    time_t later = (time_t)((now + 31 * DAY) / 1000);
    struct tm tm;
    gmtime_r(&later, &tm);
    strftime(iso, sizeof iso, "manual=%Y-%m-%dT%H:%M:%SZ", &tm);
    const char *const args[] = {"--clock", iso, NULL};
    REQUIRE(rg_t_proc_start(&P, dir, args) == 0);
    REQUIRE(rg_client_open(&C, P.url, 30000, NULL) == 0);
    int n = 0;
    for (int i = 0; i < 200 && (n = count_events(ce, "stagnation.detected", NULL, 0, NULL)) < 2; i++)
        nng_msleep(50);
    /* intake.start and intake.decision, in due order. */
    CHECK(n == 2);
    CHECK(count_events(ce, "stagnation.detected", "intake.start", 0, NULL) == 1);
    CHECK(count_events(ce, "stagnation.detected", "intake.decision", 0, NULL) == 1);
    /* In the history (which is in log order) intake.start's comes first. */
    const rg_val *evs = rg_t_get(&R, "events");
    int first = -1, second = -1;
    for (uint32_t i = 0; i < rg_array_size(evs); i++) {
        const rg_val *ev = rg_array_at(evs, i), *norm = rg_map_get(rg_map_get(ev, "data"), "norm");
        if (!rg_val_is_str(rg_map_get(ev, "type"), "stagnation.detected")) continue;
        if (rg_val_is_str(norm, "intake.start")) first = (int)i;
        if (rg_val_is_str(norm, "intake.decision")) second = (int)i;
    }
    CHECK(first >= 0 && first < second);
    /* The engine's own figure, of every region: its operator's. */
    req(P.admin, "stats", NULL, -1);
    REQUIRE(send_req()[0] == 0);
    const rg_val *late = rg_t_get(&R, "deadline_lateness_ms");
    CHECK(late != NULL);
}

static void test_bad_advance(void)
{
    rg_w_kstr(req(P.admin, "clock.advance", NULL, 1), "ms", "soon");
    CHECK(strcmp(send_req(), "bad_request") == 0);
    rg_w_kuint(req(prA, "clock.advance", NULL, 1), "ms", 1000);
    CHECK(strcmp(send_req(), "forbidden") == 0);
}

static void test_stop(void)
{
    rg_net_close(sub, RG_NET_CLOSE_MS);
    if (C) rg_client_close(C);
    CHECK(rg_t_proc_stop(&P, SIGTERM) == 0);
    rg_t_rmrf(dir);
    free(dir);
    rg_t_reply_free(&R);
    rg_buf_free(&B);
}

int main(void)
{
    RUN(test_setup);
    RUN(test_met_just_in_time_fires_nothing);
    RUN(test_one_minute_late_fires_once);
    RUN(test_meeting_clears_it);
    RUN(test_open_stagnation_escalates_after_5_working_days);
    RUN(test_survives_sigkill_and_fires_once);
    RUN(test_due_while_down_fires_at_start);
    RUN(test_bad_advance);
    RUN(test_stop);
    return rg_t_exit();
}
