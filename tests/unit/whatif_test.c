/*
 * whatif_test.c - norms.whatif (issue 26): the region's real history
 * replayed under other norms, in process on a manual clock from Monday
 * 2 March 2026, 09:00 in Amsterdam:
 *
 *   - under the very norms the engine ran with, the replay gives exactly the
 *     stagnations and escalations in the log (per norm and step, per level,
 *     per procesregisseur and week), and no case stalls in one history only;
 *   - a hand-computed case: intake started a day and an hour after the
 *     report meets the 2-working-day norm, and misses a 1-day norm by an
 *     hour: one extra stagnation, at the report step, in week 10;
 *   - the same question twice gives byte-identical replies holding no
 *     personal data (no subject, no free text), and the replay writes
 *     nothing (the log's head is where it was);
 *   - a procesregisseur and a partner are refused, and so is a manager
 *     asking about another region; another region's cases are never counted;
 *   - one replay at a time, beside the loop: a second is overloaded while
 *     queries are answered;
 *   - a config with a mistake is refused, naming the line.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/domain/schema.h"
#include "steps.h"

static char pol[128], ggz[128], prA[128], mgr[128];

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    rg_t_local_actor(&L, "pol1", "partner", "police", pol);
    rg_t_local_actor(&L, "ggz1", "partner", "ggz", ggz);
    rg_t_local_actor(&L, "prA", "procesregisseur", "zvh", prA);
    rg_t_local_actor(&L, "mgr1", "manager", "zvh", mgr);
    clock_to(iso("2026-03-02T09:00:00+01:00"));
}

static void teardown(void)
{
    rg_t_local_close(&L, true);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

/* A case reported by `by` and taken by the procesregisseur `pr`; its id into id. */
static void assigned_case(const char *by, const char *pr_tok, const char *pr_id, char *id)
{
    static int n;
    char rq[32];
    snprintf(rq, sizeof rq, "report-%d", ++n);
    id[0] = '\0';
    rg_buf_reset(&B);
    rg_t_report_req(&B, by, rq, "A. Person");
    if (send_req()[0]) return;
    snprintf(id, 32, "%s", rg_t_str(&R, "case"));
    rg_w_kstr(req(pr_tok, "case.assign", id, 1), "procesregisseur", pr_id);
    if (send_req()[0]) id[0] = '\0';
}

static void admit(const char *id)
{
    req(prA, "intake.start", id, 0);
    OK();
    rg_buf *b = req(prA, "intake.decide", id, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "problems on several life domains");
    rg_t_w_criteria(b, "multi_domain,multi_chain");
    OK();
}

static void info_request(const char *id, const char *org, const char *due)
{
    rg_buf *b = req(prA, "info.request", id, 3);
    rg_w_kstr(b, "org", org);
    rg_w_kstr(b, "question", "what do you know?");
    rg_w_kstr(b, "due", due);
    OK();
}

/* norms.whatif by tok with config text (and from/to when not NULL);
 * returns the error code ("" on success), R the reply. */
static const char *whatif(const char *tok, const char *config, const char *from, const char *to,
                          const char *region)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "norms.whatif", tok, NULL, NULL, -1, 1 + !!from + !!to + !!region);
    rg_w_kstr(&B, "config", config);
    if (from) rg_w_kstr(&B, "from", from);
    if (to) rg_w_kstr(&B, "to", to);
    if (region) rg_w_kstr(&B, "region", region);
    return send_req();
}

static uint64_t pair_of(const rg_val *p, const char *side)
{
    uint64_t v = 0;
    rg_val_uint(rg_map_get(p, side), &v);
    return v;
}

/* The row of an array of maps whose a and b fields are va and vb (NULL). */
static const rg_val *row(const char *array, const char *a, const char *va, const char *b, const char *vb)
{
    const rg_val *rows = rg_t_get(&R, array);
    for (uint32_t i = 0; i < rg_array_size(rows); i++) {
        const rg_val *r = rg_array_at(rows, i);
        if (rg_val_is_str(rg_map_get(r, a), va) && rg_val_is_str(rg_map_get(r, b), vb)) return r;
    }
    return NULL;
}

/* How many events of a type the log holds over all of mgr's cases. */
static uint64_t log_count(const char **ids, int n, const char *type)
{
    uint64_t c = 0;
    for (int k = 0; k < n; k++) {
        if (query(mgr, "case.history", ids[k])[0]) return 9999;
        const rg_val *evs = rg_t_get(&R, "events");
        for (uint32_t i = 0; i < rg_array_size(evs); i++)
            c += rg_val_is_str(rg_map_get(rg_array_at(evs, i), "type"), type);
    }
    return c;
}

/* A history with stagnations at several steps, a ladder that climbs to the
 * top, one escalation by hand, and a resolved one. */
static void busy_history(char ids[3][32])
{
    assigned_case(pol, prA, "prA", ids[0]);
    assigned_case(pol, prA, "prA", ids[1]);
    assigned_case(pol, prA, "prA", ids[2]);
    if (!ids[0][0] || !ids[1][0] || !ids[2][0]) {
        rg_t_failed = 1;
        return;
    }
    admit(ids[0]);
    info_request(ids[0], "ggz", "2026-03-06");
    info_request(ids[0], "gemeente", "2026-03-06");
    admit(ids[1]);
    rg_buf *b = req(prA, "case.escalate", ids[1], 2);
    rg_w_kuint(b, "level", 1);
    rg_w_kstr(b, "reason", "the police will not share");
    OK();
    /* ids[2] is left in reported: intake.start lapses Wednesday 09:00. */
    clock_to(iso("2026-03-13T12:00:00+01:00"));
    rg_w_kstr(req(mgr, "escalation.resolve", ids[1], 1), "decision", "shared now");
    OK();
    clock_to(iso("2026-04-10T12:00:00+02:00"));
}

static void test_same_norms_give_reality(void)
{
    setup();
    char ids[3][32];
    busy_history(ids);
    const char *list[3] = {ids[0], ids[1], ids[2]};
    uint64_t stag = log_count(list, 3, "stagnation.detected"), esc = log_count(list, 3, "case.escalated");
    REQUIRE(stag >= 5 && esc >= 4);
    REQUIRE(whatif(mgr, "", NULL, NULL, NULL)[0] == 0);
    const rg_val *t = rg_t_get(&R, "totals");
    CHECK(pair_of(rg_map_get(t, "stagnations"), "real") == stag);
    CHECK(pair_of(rg_map_get(t, "stagnations"), "whatif") == stag);
    CHECK(pair_of(rg_map_get(t, "escalations"), "real") == esc);
    CHECK(pair_of(rg_map_get(t, "escalations"), "whatif") == esc);
    CHECK(pair_of(rg_map_get(t, "stalled_cases"), "real") == 3);
    CHECK(pair_of(rg_map_get(t, "stalled_cases"), "whatif") == 3);
    CHECK(rg_t_uint(&R, "cases") == 3);
    const rg_val *rows[3] = {rg_t_get(&R, "stagnations"), rg_t_get(&R, "escalations"), rg_t_get(&R, "alerts")};
    uint32_t nrows = 0;
    for (int k = 0; k < 3; k++)
        for (uint32_t i = 0; i < rg_array_size(rows[k]); i++, nrows++) {
            const rg_val *r = rg_array_at(rows[k], i);
            CHECK(pair_of(r, "real") == pair_of(r, "whatif"));
        }
    CHECK(nrows > 5);
    /* The ladder reached the top on ids[0]: one each of levels 2 and 3. */
    const rg_val *esc_rows = rg_t_get(&R, "escalations");
    CHECK(rg_array_size(esc_rows) == 3 && pair_of(rg_array_at(esc_rows, 2), "real") >= 1);
    CHECK(row("stagnations", "norm", "intake.start", "step", "reported") != NULL);
    CHECK(row("alerts", "actor", "prA", "week", "2026-W10") != NULL);
    const rg_val *st = rg_t_get(&R, "stalled");
    CHECK(rg_array_size(rg_map_get(st, "only_whatif")) == 0 && rg_array_size(rg_map_get(st, "only_real")) == 0);
    /* The same with the defaults written out, and with a window. */
    REQUIRE(whatif(mgr, "norm.intake.start = 2\nescalation.start_level = 1\n", "2026-03-01", "2026-03-31", NULL)[0] == 0);
    t = rg_t_get(&R, "totals");
    CHECK(pair_of(rg_map_get(t, "stagnations"), "real") == pair_of(rg_map_get(t, "stagnations"), "whatif"));
    CHECK(pair_of(rg_map_get(t, "escalations"), "real") == pair_of(rg_map_get(t, "escalations"), "whatif"));
    CHECK(pair_of(rg_map_get(t, "stagnations"), "real") > 0);
    teardown();
}

/* By hand: reported Monday 2 March 09:00; intake started Tuesday 3 March
 * 10:00.  intake.start is 2 working days (due Wednesday 09:00): met.  Under
 * 1 working day it is due Tuesday 09:00 and lapses an hour before the
 * intake starts: one stagnation at step reported, in week 2026-W10,
 * alerted to prA.  The window ends before intake.decision could lapse. */
static void test_shorter_norm_hand_computed(void)
{
    setup();
    char id[32];
    assigned_case(pol, prA, "prA", id);
    REQUIRE(id[0]);
    clock_to(iso("2026-03-03T10:00:00+01:00"));
    req(prA, "intake.start", id, 0);
    OK();
    clock_to(iso("2026-03-04T12:00:00+01:00"));
    REQUIRE(whatif(mgr, "norm.intake.start = 1\n", "2026-03-02", "2026-03-04", NULL)[0] == 0);
    const rg_val *t = rg_t_get(&R, "totals");
    CHECK(pair_of(rg_map_get(t, "stagnations"), "real") == 0);
    CHECK(pair_of(rg_map_get(t, "stagnations"), "whatif") == 1);
    CHECK(pair_of(rg_map_get(t, "escalations"), "whatif") == 0);
    const rg_val *r = row("stagnations", "norm", "intake.start", "step", "reported");
    CHECK(r && pair_of(r, "real") == 0 && pair_of(r, "whatif") == 1);
    CHECK(rg_array_size(rg_t_get(&R, "stagnations")) == 1);
    r = row("alerts", "actor", "prA", "week", "2026-W10");
    CHECK(r && pair_of(r, "whatif") == 1 && pair_of(r, "real") == 0);
    const rg_val *st = rg_t_get(&R, "stalled");
    CHECK(rg_array_size(rg_map_get(st, "only_whatif")) == 1 &&
          rg_val_is_str(rg_array_at(rg_map_get(st, "only_whatif"), 0), id));
    CHECK(rg_t_uint(&R, "from_at") == iso("2026-03-02T00:00:00+01:00"));
    CHECK(rg_t_uint(&R, "to_at") == iso("2026-03-05T00:00:00+01:00"));
    /* Under the norm as it is, nothing. */
    REQUIRE(whatif(mgr, "norm.intake.start = 2\n", "2026-03-02", "2026-03-04", NULL)[0] == 0);
    CHECK(pair_of(rg_map_get(rg_t_get(&R, "totals"), "stagnations"), "whatif") == 0);
    /* A region's own section applies to it; another region's does not. */
    REQUIRE(whatif(mgr, "[elsewhere]\nnorm.intake.start = 1\n", "2026-03-02", "2026-03-04", NULL)[0] == 0);
    CHECK(pair_of(rg_map_get(rg_t_get(&R, "totals"), "stagnations"), "whatif") == 0);
    REQUIRE(whatif(mgr, "[zvh]\nnorm.intake.start = 1\n", "2026-03-02", "2026-03-04", NULL)[0] == 0);
    CHECK(pair_of(rg_map_get(rg_t_get(&R, "totals"), "stagnations"), "whatif") == 1);
    teardown();
}

static void test_deterministic_and_read_only(void)
{
    setup();
    char ids[3][32];
    busy_history(ids);
    rg_t_local_settle(&L);
    REQUIRE(query(L.admin, "log.verify", NULL)[0] == 0);
    uint64_t checked = rg_t_uint(&R, "checked");
    const char *conf = "norm.intake.start = 1\nnorm.meeting.held = 5\nescalation.start_level = 2\n";
    REQUIRE(whatif(mgr, conf, NULL, NULL, NULL)[0] == 0);
    uint8_t *first = malloc(R.len);
    REQUIRE(first);
    memcpy(first, R.bytes, R.len);
    size_t n = R.len;
    /* No personal data: neither the subject nor any free text of a case. */
    const char *personal[] = {"A. Person", "1990-01-01", "repeated incidents", "what do you know",
                              "the police will not share", "problems on several", "shared now"};
    for (size_t i = 0; i < sizeof personal / sizeof *personal; i++) CHECK(!rg_t_holds(R.bytes, R.len, personal[i]));
    CHECK(pair_of(rg_map_get(rg_t_get(&R, "totals"), "escalations"), "whatif") > 0);
    CHECK(pair_of(rg_array_at(rg_t_get(&R, "escalations"), 0), "whatif") <=
          pair_of(rg_array_at(rg_t_get(&R, "escalations"), 0), "real"));
    REQUIRE(whatif(mgr, conf, NULL, NULL, NULL)[0] == 0);
    CHECK(R.len == n && memcmp(R.bytes, first, n) == 0);
    free(first);
    rg_t_local_settle(&L);
    REQUIRE(query(L.admin, "log.verify", NULL)[0] == 0);
    CHECK(rg_t_uint(&R, "checked") == checked);
    teardown();
}

static void test_who_and_which_region(void)
{
    setup();
    char tpol[128], tpr[128], tmgr[128], id[32], tid[32];
    actor_in("tpol", "partner", "police", "tilburg", NULL, tpol);
    actor_in("tpr", "procesregisseur", "zvh", "tilburg", NULL, tpr);
    actor_in("tmgr", "manager", "zvh", "tilburg", NULL, tmgr);
    REQUIRE(tpol[0] && tpr[0] && tmgr[0]);
    assigned_case(pol, prA, "prA", id);
    assigned_case(tpol, tpr, "tpr", tid);
    assigned_case(tpol, tpr, "tpr", tid);
    REQUIRE(id[0] && tid[0]);
    clock_to(iso("2026-03-20T12:00:00+01:00"));      /* every intake norm lapsed */
    CHECK(strcmp(whatif(prA, "", NULL, NULL, NULL), "forbidden") == 0);
    CHECK(strcmp(whatif(pol, "", NULL, NULL, NULL), "forbidden") == 0);
    CHECK(strcmp(whatif(L.admin, "", NULL, NULL, NULL), "forbidden") == 0);
    CHECK(strcmp(whatif(mgr, "", NULL, NULL, "tilburg"), "forbidden") == 0);
    REQUIRE(whatif(mgr, "", NULL, NULL, "zvh")[0] == 0);
    CHECK(rg_t_uint(&R, "cases") == 1);
    uint64_t own = pair_of(rg_map_get(rg_t_get(&R, "totals"), "stagnations"), "real");
    CHECK(own >= 2);
    CHECK(row("alerts", "actor", "tpr", "week", "2026-W10") == NULL);
    REQUIRE(whatif(tmgr, "", NULL, NULL, NULL)[0] == 0);
    CHECK(rg_t_uint(&R, "cases") == 2);
    CHECK(pair_of(rg_map_get(rg_t_get(&R, "totals"), "stagnations"), "real") == 2 * own);
    CHECK(row("alerts", "actor", "prA", "week", "2026-W10") == NULL);
    CHECK(row("alerts", "actor", "tpr", "week", "2026-W10") != NULL);
    teardown();
}

/* The replay runs beside the loop, one at a time: a second one asked
 * before the first is answered is overloaded; a query between them is
 * answered; the first then answers in full. */
static void test_one_at_a_time(void)
{
    setup();
    char ids[3][32];
    busy_history(ids);
    rg_buf b1 = RG_BUF_INIT, b2 = RG_BUF_INIT, b3 = RG_BUF_INIT;
    rg_req_envelope(&b1, "norms.whatif", mgr, NULL, NULL, -1, 1);
    rg_w_kstr(&b1, "config", "norm.intake.start = 1\n");
    rg_req_envelope(&b2, "norms.whatif", mgr, NULL, NULL, -1, 1);
    rg_w_kstr(&b2, "config", "");
    rg_req_envelope(&b3, "stats", mgr, NULL, NULL, -1, -1);
    rg_t_reply r1, r2, r3;
    int done = 0;
    rg_t_local_submit(&L, &b1, &r1, &done);
    rg_t_local_submit(&L, &b2, &r2, &done);
    rg_t_local_submit(&L, &b3, &r3, &done);
    rg_t_local_run_until(&L, &done, 3);
    CHECK(rg_t_ok(&r1) && rg_t_uint(&r1, "cases") == 3);
    CHECK(strcmp(rg_t_err(&r2), "overloaded") == 0);
    CHECK(rg_t_ok(&r3));
    rg_t_reply_free(&r1);
    rg_t_reply_free(&r2);
    rg_t_reply_free(&r3);
    rg_buf_free(&b1);
    rg_buf_free(&b2);
    rg_buf_free(&b3);
    /* Done: the next one runs. */
    CHECK(whatif(mgr, "", NULL, NULL, NULL)[0] == 0);
    teardown();
}

static void test_bad_input(void)
{
    setup();
    CHECK(strcmp(whatif(mgr, "norm.intake.start = 1\nnorm.nonsense = 3\n", NULL, NULL, NULL), "bad_request") == 0);
    CHECK(strstr(rg_t_str(&R, "message"), "config:2") != NULL);
    CHECK(strcmp(whatif(mgr, "", "2026-03-05", "2026-03-01", NULL), "bad_request") == 0);
    CHECK(strcmp(whatif(mgr, "", "yesterday", NULL, NULL), "bad_request") == 0);
    teardown();
}

int main(void)
{
    RUN(test_same_norms_give_reality);
    RUN(test_shorter_norm_hand_computed);
    RUN(test_deterministic_and_read_only);
    RUN(test_who_and_which_region);
    RUN(test_one_at_a_time);
    RUN(test_bad_input);
    return rg_t_exit();
}
