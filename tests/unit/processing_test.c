/*
 * processing_test.c - the processing log after Logius' Logboek
 * Dataverwerkingen (issue 20; core/processing.h), in process on a real
 * RocksDB:
 *
 *   - processing.activities: the register (one entry per operation that
 *     processes a case's personal data, with purpose, basis and version),
 *     for any actor, agreeing with the purposes of schemas/ops.c;
 *   - a request's `trace` (a W3C traceparent) is continued, or a trace is
 *     started, and the reply returns the request's own span; a malformed
 *     one is bad_request;
 *   - every processing of a case's personal data, reads and changes, is one
 *     record with trace, span, parent span, status, start and end, activity
 *     and a pseudonymised data subject id (no BSN, no name); the audit
 *     record of the same request carries the same span;
 *   - the auditor reads by trace, activity or data subject, in pages, only
 *     its own region's, never the whole log; other roles may not;
 *   - a household case: one record per person, each its own subject id;
 *   - erasing the case erases its records.
 */
#include <string.h>

#include "../test.h"
#include "../../engine/domain/activity.h"
#include "steps.h"

#define T1 "4bf92f3577b34da6a3ce929d0e0e4736"
#define T2 "0af7651916cd43dd8448eb211c80319c"
#define P1 "00f067aa0ba902b7"
#define P2 "b7ad6b7169203331"
#define T3 "5a1e2b3c4d5e6f708192a3b4c5d6e7f8"
#define T4 "6b2f3c4d5e6f708192a3b4c5d6e7f809"
#define T5 "7c3a4d5e6f708192a3b4c5d6e7f8091a"
#define T6 "8d4b5e6f708192a3b4c5d6e7f8091a2b"
#define T7 "9e5c6f708192a3b4c5d6e7f8091a2b3c"
#define T8 "af6d708192a3b4c5d6e7f8091a2b3c4d"

static char pol[128], pr[128], mgr[128], aud[128], audB[128];
static char caseA[32];

/* Send op with a `trace` in the envelope, and data pairs written after. */
static rg_buf *traced(const char *token, const char *op, const char *rq, const char *case_id, const char *tp,
                      int ndata)
{
    rg_buf_reset(&B);
    rg_w_map(&B, 3 + (rq != NULL) + (case_id != NULL) + (ndata >= 0));
    rg_w_kstr(&B, "op", op);
    rg_w_kstr(&B, "token", token);
    rg_w_kstr(&B, "trace", tp);
    if (rq) rg_w_kstr(&B, "req", rq);
    if (case_id) rg_w_kstr(&B, "case", case_id);
    if (ndata >= 0) {
        rg_w_cstr(&B, "data");
        rg_w_map(&B, (uint32_t)ndata);
    }
    return &B;
}

static void report_as(const char *rq, const char *tp, char *id)
{
    rg_buf *b = traced(pol, "case.report", rq, NULL, tp, 5);
    rg_w_kstr(b, "target_group", "verward_gedrag");
    rg_w_kstr(b, "summary", "incidents at home");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 3);
    rg_w_kstr(b, "name", "Quirinus Zwartkoppe");
    rg_w_kstr(b, "bsn", "111222333");
    rg_w_kstr(b, "birth_date", "1980-02-02");
    id[0] = 0;
    if (send_req()[0] == 0) snprintf(id, 32, "%s", rg_t_str(&R, "case"));
}

/* processing.read by one filter ("trace_id", "activity", "data_subject_id"). */
static const char *plog(const char *token, const char *by, const char *id, const char *after, uint64_t limit)
{
    rg_buf *b = req(token, "processing.read", NULL, (by ? 1 : 0) + (after ? 1 : 0) + (limit ? 1 : 0));
    if (by) rg_w_kstr(b, by, id);
    if (after) rg_w_kstr(b, "after", after);
    if (limit) rg_w_kuint(b, "limit", limit);
    return send_req();
}

static uint32_t nrecords(void) { return rg_array_size(rg_t_get(&R, "records")); }
static const rg_val *record(uint32_t i) { return rg_array_at(rg_t_get(&R, "records"), i); }

static bool has(const rg_t_reply *r, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= r->len; i++)
        if (memcmp(r->bytes + i, s, n) == 0) return true;
    return false;
}

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    actor_in("pol", "partner", "police", "tilburg", NULL, pol);
    actor_in("pr", "procesregisseur", "zvh-tilburg", "tilburg", NULL, pr);
    actor_in("mgr", "manager", "zvh-tilburg", "tilburg", NULL, mgr);
    actor_in("aud", "auditor", "zvh-tilburg", "tilburg", NULL, aud);
    actor_in("audB", "auditor", "zvh-breda", "breda", NULL, audB);
    REQUIRE(pol[0] && pr[0] && mgr[0] && aud[0] && audB[0]);
}

static void test_register(void)
{
    CHECK(query(pol, "processing.activities", NULL)[0] == 0);
    const rg_val *acts = rg_t_get(&R, "activities");
    CHECK(rg_array_size(acts) > 20);
    /* Unique ids; each names an operation of the contract. */
    for (uint32_t i = 0; i < rg_array_size(acts); i++) {
        const rg_val *a = rg_array_at(acts, i);
        char id[160] = "", op[64] = "";
        rg_val_strcpy(rg_map_get(a, "id"), id, sizeof id);
        rg_val_strcpy(rg_map_get(a, "operation"), op, sizeof op);
        CHECK(strncmp(id, "urn:regie:processing-activity:", 30) == 0);
        /* An operation of the contract, or one of the engine's own steps. */
        CHECK(rg_op_find(op, (uint32_t)strlen(op)) != NULL || strncmp(op, "engine.", 7) == 0);
        CHECK(rg_val_type(rg_map_get(a, "basis")) == RG_VSTR && rg_val_type(rg_map_get(a, "purpose")) == RG_VSTR);
        uint64_t v = 0;
        CHECK(rg_val_uint(rg_map_get(a, "version"), &v) && v >= 1);
        for (uint32_t j = 0; j < i; j++) CHECK(!rg_val_is_str(rg_map_get(rg_array_at(acts, j), "id"), id));
    }
    /* Every change of a case and every read of case content has an entry;
     * a read's purpose is the one its audit record gives. */
    for (const rg_opdef *op = rg_ops; op->name; op++) {
        const rg_activity *a = rg_activity_of(op->name);
        bool case_data = (op->flags & RG_OP_CASE) || (op->purpose && strcmp(op->name, "audit.read") != 0 &&
                                                     strcmp(op->name, "processing.read") != 0);
        if (case_data && !a) printf("  %s: not in the register\n", op->name);
        CHECK(!case_data || a);
        if (a && op->purpose && strcmp(a->purpose, op->purpose) != 0)
            printf("  %s: purpose '%s' in the register, '%s' in ops.c\n", op->name, a->purpose, op->purpose);
        CHECK(!a || !op->purpose || strcmp(a->purpose, op->purpose) == 0);
    }
    /* The engine's own steps are in it, each with its purpose and basis. */
    static const char *const steps[] = {"engine.stagnation", "engine.escalation", "engine.retention",
                                        "engine.restore"};
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        const rg_activity *a = rg_activity_of(steps[i]);
        CHECK(a && a->purpose[0] && a->basis[0]);
    }
    /* Every role may read it; without a token nobody. */
    CHECK(query(aud, "processing.activities", NULL)[0] == 0);
    CHECK(query(L.admin, "processing.activities", NULL)[0] == 0);
    CHECK(strcmp(query("nope", "processing.activities", NULL), "unauthorized") == 0);
}

static void test_trace_context(void)
{
    /* Continued: the caller's trace, a span of the engine's own. */
    traced(pol, "whoami", NULL, NULL, "00-" T1 "-" P1 "-01", -1);
    CHECK(send_req()[0] == 0);
    const char *t = R.trace;
    CHECK(strlen(t) == 55 && strncmp(t, "00-" T1 "-", 36) == 0 && strncmp(t + 36, P1, 16) != 0);
    /* Started: a new trace each time. */
    CHECK(query(pol, "whoami", NULL)[0] == 0);
    char first[64];
    snprintf(first, sizeof first, "%s", R.trace);
    CHECK(strlen(first) == 55 && strncmp(first, "00-", 3) == 0 && strncmp(first + 3, T1, 32) != 0);
    CHECK(query(pol, "whoami", NULL)[0] == 0);
    CHECK(strncmp(R.trace, first, 35) != 0);
    /* Malformed: refused, naming the field. */
    const char *bad[] = {"00-" T1 "-" P1, "01-" T1 "-" P1 "-01", "00-00000000000000000000000000000000-" P1 "-01",
                         "00-" T1 "-0000000000000000-01", "00-4BF92F3577B34DA6A3CE929D0E0E4736-" P1 "-01", "x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        traced(pol, "whoami", NULL, NULL, bad[i], -1);
        FAILS("bad_request", "trace");
    }
    rg_buf_reset(&B);
    rg_w_map(&B, 3);
    rg_w_kstr(&B, "op", "whoami");
    rg_w_kstr(&B, "token", pol);
    rg_w_kuint(&B, "trace", 7);
    FAILS("bad_request", "trace");
}

static void test_records(void)
{
    char a[32], span_get[17], subj[33];
    report_as("r1", "00-" T1 "-" P1 "-01", a);
    REQUIRE(a[0]);
    snprintf(caseA, sizeof caseA, "%s", a);
    traced(pol, "case.get", NULL, a, "00-" T2 "-" P2 "-01", -1);
    REQUIRE(send_req()[0] == 0);
    snprintf(span_get, sizeof span_get, "%.16s", R.trace + 36);

    /* The read: one record, of the request's span, in the caller's trace. */
    CHECK(plog(aud, "trace_id", T2, NULL, 0)[0] == 0);
    REQUIRE(nrecords() == 1);
    const rg_val *r = record(0);
    uint64_t st = 0, en = 0;
    CHECK(rg_val_is_str(rg_map_get(r, "trace_id"), T2));
    CHECK(rg_val_is_str(rg_map_get(r, "span_id"), span_get));
    CHECK(rg_val_is_str(rg_map_get(r, "parent_span_id"), P2));
    CHECK(rg_val_is_str(rg_map_get(r, "status"), "OK"));
    CHECK(rg_val_uint(rg_map_get(r, "start_time"), &st) && rg_val_uint(rg_map_get(r, "end_time"), &en) && st &&
          en >= st);
    CHECK(rg_val_is_str(rg_map_get(r, "processing_activity_id"), "urn:regie:processing-activity:case.get:v1"));
    CHECK(rg_val_is_str(rg_map_get(r, "org"), "police"));
    subj[0] = 0;
    rg_val_strcpy(rg_map_get(r, "data_subject_id"), subj, sizeof subj);
    CHECK(strlen(subj) == 32);
    /* Pseudonymised: no BSN, no name, no case id, no acting user. */
    CHECK(!has(&R, "111222333") && !has(&R, "Zwartkoppe") && !has(&R, a) && !has(&R, "\xa3pol"));

    /* The change: the report, in its own trace, without a parent from us. */
    CHECK(plog(aud, "trace_id", T1, NULL, 0)[0] == 0);
    REQUIRE(nrecords() == 1);
    CHECK(rg_val_is_str(rg_map_get(record(0), "processing_activity_id"),
                        "urn:regie:processing-activity:case.report:v1"));
    CHECK(rg_val_is_str(rg_map_get(record(0), "data_subject_id"), subj));
    CHECK(rg_val_is_str(rg_map_get(record(0), "parent_span_id"), P1));

    /* A change started by the engine: a trace of its own, no parent. */
    rg_w_kstr(req(mgr, "case.assign", a, 1), "procesregisseur", "pr");
    REQUIRE(send_req()[0] == 0);
    char t3[33];
    snprintf(t3, sizeof t3, "%.32s", R.trace + 3);
    CHECK(plog(aud, "trace_id", t3, NULL, 0)[0] == 0);
    CHECK(nrecords() == 1 && rg_val_type(rg_map_get(record(0), "parent_span_id")) == RG_VNIL &&
          rg_val_is_str(rg_map_get(record(0), "org"), "zvh-tilburg"));

    /* By data subject: all three, in time order, in pages. */
    CHECK(plog(aud, "data_subject_id", subj, NULL, 0)[0] == 0);
    CHECK(nrecords() == 3);
    CHECK(plog(aud, "data_subject_id", subj, NULL, 2)[0] == 0);
    CHECK(nrecords() == 2 && rg_val_type(rg_t_get(&R, "next")) == RG_VSTR);
    char next[600];
    snprintf(next, sizeof next, "%s", rg_t_str(&R, "next"));
    CHECK(plog(aud, "data_subject_id", subj, next, 2)[0] == 0);
    CHECK(nrecords() == 1 && rg_val_type(rg_t_get(&R, "next")) == RG_VNIL);
    /* By activity. */
    CHECK(plog(aud, "activity", "urn:regie:processing-activity:case.get:v1", NULL, 0)[0] == 0);
    CHECK(nrecords() == 1 && rg_val_is_str(rg_map_get(record(0), "span_id"), span_get));
    plog(aud, "activity", "urn:regie:processing-activity:nothing:v1", NULL, 0);
    FAILS("bad_request", "register");

    /* Another region's auditor sees none of them. */
    CHECK(plog(audB, "trace_id", T2, NULL, 0)[0] == 0 && nrecords() == 0);
    CHECK(plog(audB, "data_subject_id", subj, NULL, 0)[0] == 0 && nrecords() == 0);
    /* Never the whole log, never two filters at once, nobody but the auditor. */
    plog(aud, NULL, NULL, NULL, 0);
    FAILS("bad_request", "never read whole");
    rg_buf *b = req(aud, "processing.read", NULL, 2);
    rg_w_kstr(b, "trace_id", T1);
    rg_w_kstr(b, "data_subject_id", subj);
    FAILS("bad_request", "exactly one");
    plog(aud, "trace_id", "not hex", NULL, 0);
    FAILS("bad_request", "trace_id");
    plog(mgr, "trace_id", T2, NULL, 0);
    FAILS("forbidden", "processing.read");
    plog(L.admin, "trace_id", T2, NULL, 0);
    FAILS("forbidden", "processing.read");

    /* The acting user is in the audit record of the same span. */
    CHECK(query(L.admin, "audit.read", NULL)[0] == 0);
    bool linked = false;
    for (uint32_t i = 0; i < nrecords(); i++)
        if (rg_val_is_str(rg_map_get(record(i), "span_id"), span_get) &&
            rg_val_is_str(rg_map_get(record(i), "trace_id"), T2) &&
            rg_val_is_str(rg_map_get(record(i), "actor"), "pol"))
            linked = true;
    CHECK(linked);
}

/* A household case: every processing is one record per person (each its
 * own data subject id), and a removed person is processed no more. */
static void test_one_record_per_person(void)
{
    rg_buf *b = traced(pol, "case.report", "r3", NULL, "00-" T3 "-" P1 "-01", 5);
    rg_w_kstr(b, "target_group", "multi_probleem_gezin");
    rg_w_kstr(b, "summary", "a family in trouble");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "persons");
    rg_w_array(b, 3);
    static const char *const who[][4] = {{"subject", "Wilhelmina Oosterbroek", "1981-05-06", "739201840"},
                                         {"parent", "Hendrikus Vlasblom", "1978-03-04", "619382703"},
                                         {"child", "Kees Vlasblom", "2015-01-02", "528173649"}};
    for (int i = 0; i < 3; i++) {
        rg_w_map(b, 4);
        rg_w_kstr(b, "role", who[i][0]);
        rg_w_kstr(b, "name", who[i][1]);
        rg_w_kstr(b, "birth_date", who[i][2]);
        rg_w_kstr(b, "bsn", who[i][3]);
    }
    OK();
    char h[32];
    snprintf(h, sizeof h, "%s", rg_t_str(&R, "case"));
    CHECK(plog(aud, "trace_id", T3, NULL, 0)[0] == 0);
    REQUIRE(nrecords() == 3);
    char ids[3][33];
    for (uint32_t i = 0; i < 3; i++) {
        ids[i][0] = 0;
        rg_val_strcpy(rg_map_get(record(i), "data_subject_id"), ids[i], sizeof ids[i]);
        CHECK(strlen(ids[i]) == 32);
    }
    CHECK(strcmp(ids[0], ids[1]) != 0 && strcmp(ids[0], ids[2]) != 0 && strcmp(ids[1], ids[2]) != 0);
    CHECK(!has(&R, "739201840") && !has(&R, "Vlasblom"));
    /* Each person's own processings: the report, then a read. */
    CHECK(query(pol, "case.get", h)[0] == 0);
    for (uint32_t i = 0; i < 3; i++) {
        CHECK(plog(aud, "data_subject_id", ids[i], NULL, 0)[0] == 0);
        CHECK(nrecords() == 2);
    }
}

/* No record of the page in R is of data subject subj. */
static bool none_of(const char *subj)
{
    for (uint32_t i = 0; i < nrecords(); i++)
        if (rg_val_is_str(rg_map_get(record(i), "data_subject_id"), subj)) return false;
    return true;
}

/* Records follow their case: an erasure (here on a granted request) takes
 * them with the key; another case's stay. */
static void test_erased_with_the_case(void)
{
    char subj[33];
    const char *a = caseA;      /* the case of test_records */
    REQUIRE(a[0]);
    CHECK(plog(aud, "trace_id", T2, NULL, 0)[0] == 0);
    REQUIRE(nrecords() == 1);
    rg_val_strcpy(rg_map_get(record(0), "data_subject_id"), subj, sizeof subj);
    CHECK(plog(aud, "activity", "urn:regie:processing-activity:case.report:v1", NULL, 0)[0] == 0);
    uint32_t reports = nrecords();
    CHECK(plog(aud, "activity", "urn:regie:processing-activity:case.get:v1", NULL, 0)[0] == 0);
    uint32_t gets = nrecords();
    CHECK(reports >= 1 && gets >= 1);

    rg_buf_reset(&B);
    rg_req_envelope(&B, "subject.request", mgr, "s1", NULL, -1, 2);
    rg_w_kstr(&B, "kind", "erasure");
    rg_w_cstr(&B, "person");
    rg_w_map(&B, 1);
    rg_w_kstr(&B, "bsn", "111222333");
    OK();
    char rq[32];
    snprintf(rq, sizeof rq, "%s", rg_t_str(&R, "request"));
    rg_buf *b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", true);
    OK();
    b = req(mgr, "case.erase", a, 2);
    rg_w_kstr(b, "ground", "GDPR art. 17");
    rg_w_kstr(b, "request", rq);
    OK();
    /* Of the records by that subject id only the erasure's own is left,
     * made with the key it destroyed: nobody can link that id to anyone
     * any more. */
    CHECK(plog(aud, "data_subject_id", subj, NULL, 0)[0] == 0);
    CHECK(nrecords() == 1 &&
          rg_val_is_str(rg_map_get(record(0), "processing_activity_id"), "urn:regie:processing-activity:case.erase:v1") &&
          rg_val_is_str(rg_map_get(record(0), "org"), "zvh-tilburg") && rg_val_is_str(rg_map_get(record(0), "status"), "OK"));
    CHECK(plog(aud, "trace_id", T2, NULL, 0)[0] == 0);
    CHECK(nrecords() == 0);
    /* The other case's records stay. */
    CHECK(plog(aud, "activity", "urn:regie:processing-activity:case.report:v1", NULL, 0)[0] == 0);
    CHECK(nrecords() == reports - 1 && none_of(subj));
    /* A read of the erased case processes no personal data: no record. */
    CHECK(query(mgr, "case.get", a)[0] == 0);
    CHECK(plog(aud, "activity", "urn:regie:processing-activity:case.get:v1", NULL, 0)[0] == 0);
    CHECK(nrecords() == gets - 1 && none_of(subj));
}

/* A person's access export lists the processings of their case: which
 * organisation, when, for which activity. */
static void test_export_lists_processings(void)
{
    char b_id[32];
    rg_buf *b = traced(pol, "case.report", "r2", NULL, "00-" T1 "-" P2 "-01", 5);
    rg_w_kstr(b, "target_group", "verward_gedrag");
    rg_w_kstr(b, "summary", "noise");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 2);
    rg_w_kstr(b, "name", "Hendrika Blaauwbroek");
    rg_w_kstr(b, "bsn", "999888778");
    OK();
    snprintf(b_id, sizeof b_id, "%s", rg_t_str(&R, "case"));
    CHECK(query(pol, "case.get", b_id)[0] == 0);
    CHECK(query(mgr, "case.history", b_id)[0] == 0);

    rg_buf_reset(&B);
    rg_req_envelope(&B, "subject.request", mgr, "s2", NULL, -1, 2);
    rg_w_kstr(&B, "kind", "access");
    rg_w_cstr(&B, "person");
    rg_w_map(&B, 1);
    rg_w_kstr(&B, "bsn", "999888778");
    OK();
    char rq[32];
    snprintf(rq, sizeof rq, "%s", rg_t_str(&R, "request"));
    b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", true);
    OK();
    const rg_val *cases = rg_t_get(&R, "cases");
    REQUIRE(rg_array_size(cases) == 1);
    const rg_val *ps = rg_map_get(rg_array_at(cases, 0), "processings");
    REQUIRE(rg_array_size(ps) == 3);
    static const char *const want[][3] = {
        {"police", "urn:regie:processing-activity:case.report:v1", "reporting a case"},
        {"police", "urn:regie:processing-activity:case.get:v1", "reading a case"},
        {"zvh-tilburg", "urn:regie:processing-activity:case.history:v1", "reading a case's events"},
    };
    /* Oldest first by start_time (the manual clock stands still here, so
     * the three share one millisecond: matched as a set). */
    for (uint32_t w = 0; w < 3; w++) {
        bool found = false;
        for (uint32_t i = 0; i < 3; i++) {
            const rg_val *p = rg_array_at(ps, i);
            uint64_t at = 0;
            if (rg_val_is_str(rg_map_get(p, "org"), want[w][0]) &&
                rg_val_is_str(rg_map_get(p, "activity"), want[w][1]) &&
                rg_val_is_str(rg_map_get(p, "what"), want[w][2]) &&
                rg_val_type(rg_map_get(p, "purpose")) == RG_VSTR && rg_val_uint(rg_map_get(p, "at"), &at) && at)
                found = true;
        }
        if (!found) printf("  not in the export: %s by %s\n", want[w][1], want[w][0]);
        CHECK(found);
    }
    /* The export itself is a processing too (the next export lists it): of
     * the case exported and of the request's own case, which names the
     * person as well. */
    CHECK(plog(aud, "activity", "urn:regie:processing-activity:subject.decide:v1", NULL, 0)[0] == 0);
    CHECK(nrecords() == 2);
}


/* The export lists the processings of the person the request is about:
 * in a household case, theirs, not another member's.  B (a partner) joins the case
 * after its report and a read, so B's own processings begin with the
 * person.add. */
static void test_export_lists_the_persons_processings(void)
{
    char c[32];
    rg_buf *b = traced(pol, "case.report", "r8", NULL, "00-" T3 "-" P2 "-01", 5);
    rg_w_kstr(b, "target_group", "multi_probleem_gezin");
    rg_w_kstr(b, "summary", "a household");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 3);
    rg_w_kstr(b, "name", "Aaltje Brinkhorst");
    rg_w_kstr(b, "birth_date", "1975-07-08");
    rg_w_kstr(b, "bsn", "725763863");
    OK();
    snprintf(c, sizeof c, "%s", rg_t_str(&R, "case"));
    CHECK(query(pol, "case.get", c)[0] == 0);
    rg_w_kstr(req(mgr, "case.assign", c, 1), "procesregisseur", "pr");
    OK();
    b = req(pr, "person.add", c, 4);
    rg_w_kstr(b, "role", "partner");
    rg_w_kstr(b, "name", "Bram Brinkhorst");
    rg_w_kstr(b, "birth_date", "1979-03-04");
    rg_w_kstr(b, "bsn", "162275869");
    OK();
    CHECK(query(pr, "case.get", c)[0] == 0);

    /* B asks for access. */
    rg_buf_reset(&B);
    rg_req_envelope(&B, "subject.request", mgr, "s8", NULL, -1, 2);
    rg_w_kstr(&B, "kind", "access");
    rg_w_cstr(&B, "person");
    rg_w_map(&B, 1);
    rg_w_kstr(&B, "bsn", "162275869");
    OK();
    char rq[32];
    snprintf(rq, sizeof rq, "%s", rg_t_str(&R, "request"));
    b = req(mgr, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", true);
    OK();
    const rg_val *cases = rg_t_get(&R, "cases");
    REQUIRE(rg_array_size(cases) == 1);
    const rg_val *ps = rg_map_get(rg_array_at(cases, 0), "processings");
    uint32_t adds = 0, reports = 0, gets = 0;
    for (uint32_t i = 0; i < rg_array_size(ps); i++) {
        const rg_val *p = rg_array_at(ps, i);
        adds += rg_val_is_str(rg_map_get(p, "activity"), "urn:regie:processing-activity:person.add:v1");
        reports += rg_val_is_str(rg_map_get(p, "activity"), "urn:regie:processing-activity:case.report:v1");
        gets += rg_val_is_str(rg_map_get(p, "activity"), "urn:regie:processing-activity:case.get:v1");
        CHECK(rg_val_is_str(rg_map_get(p, "status"), "OK"));
    }
    /* B's: the person.add and the read after it; not the report, nor the
     * read before B was in the case. */
    CHECK(rg_array_size(ps) == 2 && adds == 1 && gets == 1 && reports == 0);
}

/* The subject id of the records of trace tr (the first), into subj. */
static bool subject_of_trace(const char *tr, char subj[33])
{
    subj[0] = 0;
    if (plog(aud, "trace_id", tr, NULL, 0)[0] || nrecords() < 1) return false;
    rg_val_strcpy(rg_map_get(record(0), "data_subject_id"), subj, 33);
    return strlen(subj) == 32;
}

/* The records of page R of activity act (short name) and subject subj. */
static uint32_t count_of(const char *act, const char *subj)
{
    char urn[160];
    snprintf(urn, sizeof urn, "urn:regie:processing-activity:%s:v1", act);
    uint32_t n = 0;
    for (uint32_t i = 0; i < nrecords(); i++)
        if (rg_val_is_str(rg_map_get(record(i), "data_subject_id"), subj) &&
            rg_val_is_str(rg_map_get(record(i), "processing_activity_id"), urn))
            n++;
    return n;
}

/* A request refused or failed after it reached a case the caller may see
 * is a processing with its real outcome: status ERROR and the error, in
 * the span the error reply names.  A case the caller may not see is not
 * processed for them (the audit trail keeps the refused read).  Every
 * error reply carries a trace, even one to bytes that are no request. */
static void test_failures_recorded(void)
{
    char c[32], subj[33], mgrB[128];
    report_as("r5", "00-" T4 "-" P1 "-01", c);
    REQUIRE(c[0] && subject_of_trace(T4, subj));

    /* A change refused on the case's version. */
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.assign", mgr, "as5", c, 99, 1);
    rg_w_kstr(&B, "procesregisseur", "pr");
    FAILS("version_conflict", "version");
    REQUIRE(strlen(R.trace) == 55);
    char tr[33], span[17];
    snprintf(tr, sizeof tr, "%.32s", R.trace + 3);
    snprintf(span, sizeof span, "%.16s", R.trace + 36);
    CHECK(plog(aud, "trace_id", tr, NULL, 0)[0] == 0);
    REQUIRE(nrecords() == 1);
    const rg_val *r = record(0);
    CHECK(rg_val_is_str(rg_map_get(r, "status"), "ERROR"));
    CHECK(rg_val_is_str(rg_map_get(r, "error"), "version_conflict"));
    CHECK(rg_val_is_str(rg_map_get(r, "span_id"), span));
    CHECK(rg_val_is_str(rg_map_get(r, "data_subject_id"), subj));
    CHECK(rg_val_is_str(rg_map_get(r, "processing_activity_id"), "urn:regie:processing-activity:case.assign:v1"));
    CHECK(rg_val_is_str(rg_map_get(r, "org"), "zvh-tilburg"));
    /* Nothing else of it was written: the case is still unassigned. */
    rg_w_kstr(req(mgr, "case.assign", c, 1), "procesregisseur", "pr");
    OK();

    /* A step the case's state does not allow, by a caller who sees it. */
    rg_w_kstr(req(pr, "case.close", c, 1), "reason", "done");
    const char *e = send_req();
    CHECK(e[0] && strcmp(e, "not_found") != 0 && strlen(R.trace) == 55);
    snprintf(tr, sizeof tr, "%.32s", R.trace + 3);
    CHECK(plog(aud, "trace_id", tr, NULL, 0)[0] == 0);
    CHECK(nrecords() == 1 && rg_val_is_str(rg_map_get(record(0), "status"), "ERROR") &&
          rg_val_is_str(rg_map_get(record(0), "data_subject_id"), subj));

    /* Another region's manager: not_found, a trace, no processing. */
    actor_in("mgrB", "manager", "zvh-breda", "breda", NULL, mgrB);
    REQUIRE(mgrB[0]);
    CHECK(strcmp(query(mgrB, "case.get", c), "not_found") == 0 && strlen(R.trace) == 55);
    snprintf(tr, sizeof tr, "%.32s", R.trace + 3);
    CHECK(plog(aud, "trace_id", tr, NULL, 0)[0] == 0 && nrecords() == 0);

    /* Errors before the request is read: a trace all the same. */
    rg_buf_reset(&B);
    rg_buf_append(&B, "\xc1", 1);
    CHECK(strcmp(send_req(), "bad_request") == 0 && strlen(R.trace) == 55);
    CHECK(strcmp(query("nope", "case.get", c), "unauthorized") == 0 && strlen(R.trace) == 55);
    traced(pol, "whoami", NULL, NULL, "00-zz", -1);
    CHECK(strcmp(send_req(), "bad_request") == 0 && strlen(R.trace) == 55);
}

/* A repeat gives the first reply, with the first request's trace; showing
 * it again is recorded in that trace, as a span of its own whose parent is
 * the first's. */
static void test_repeat_in_first_trace(void)
{
    char c[32], subj[33], first[64];
    report_as("r6", "00-" T5 "-" P1 "-01", c);
    REQUIRE(c[0] && subject_of_trace(T5, subj));
    traced(mgr, "case.assign", "as6", c, "00-" T6 "-" P1 "-01", 1);
    rg_w_kstr(&B, "procesregisseur", "pr");
    OK();
    snprintf(first, sizeof first, "%s", R.trace);
    /* Again, from another trace: the first reply, its trace included. */
    traced(mgr, "case.assign", "as6", c, "00-" T7 "-" P2 "-01", 1);
    rg_w_kstr(&B, "procesregisseur", "pr");
    OK();
    CHECK(strcmp(R.trace, first) == 0);
    CHECK(plog(aud, "trace_id", T7, NULL, 0)[0] == 0 && nrecords() == 0);
    CHECK(plog(aud, "trace_id", T6, NULL, 0)[0] == 0);
    REQUIRE(nrecords() == 2);
    const rg_val *a = record(0), *b = record(1);
    char s0[17] = "", s1[17] = "";
    rg_val_strcpy(rg_map_get(a, "span_id"), s0, sizeof s0);
    rg_val_strcpy(rg_map_get(b, "span_id"), s1, sizeof s1);
    char fs[17];
    snprintf(fs, sizeof fs, "%.16s", first + 36);
    /* One is the first's span (parent: the caller's P1), the other the
     * repeat's (parent: the first's span). */
    const rg_val *rep = strcmp(s0, fs) == 0 ? b : strcmp(s1, fs) == 0 ? a : NULL;
    REQUIRE(rep != NULL);
    CHECK(strcmp(s0, s1) != 0);
    CHECK(rg_val_is_str(rg_map_get(rep, "parent_span_id"), fs));
    CHECK(rg_val_is_str(rg_map_get(rep, "data_subject_id"), subj) && rg_val_is_str(rg_map_get(rep, "status"), "OK"));
}

/* The engine's own steps are processings too, by the system: a deadline
 * that passed (stagnation), the ladder it climbs (escalation), the erasure
 * when retention ends -- each in a trace of its own, with the register's
 * entry of the step.  Runs last: it moves the clock years on. */
static void test_engine_steps(void)
{
    char c[32], subj[33];
    report_as("r7", "00-" T8 "-" P1 "-01", c);
    REQUIRE(c[0] && subject_of_trace(T8, subj));
    uint64_t now = clock_now();
    REQUIRE(now);
    clock_to(now + 40ULL * 86400000);
    CHECK(plog(aud, "data_subject_id", subj, NULL, 0)[0] == 0);
    CHECK(count_of("engine.stagnation", subj) >= 1);
    CHECK(count_of("engine.escalation", subj) >= 1);
    for (uint32_t i = 0; i < nrecords(); i++) {
        const rg_val *r = record(i);
        if (rg_val_is_str(rg_map_get(r, "role"), "system")) {
            CHECK(rg_val_is_str(rg_map_get(r, "org"), "zvh") && rg_val_is_str(rg_map_get(r, "status"), "OK"));
            CHECK(rg_val_type(rg_map_get(r, "parent_span_id")) == RG_VNIL);
            CHECK(!rg_val_is_str(rg_map_get(r, "trace_id"), T8));
        }
    }
    /* Ended early, kept for the retention, then erased by the engine. */
    rg_w_kstr(req(mgr, "case.assign", c, 1), "procesregisseur", "pr");
    OK();
    rg_w_kstr(req(pr, "case.end", c, 1), "reason", "moved");
    OK();
    clock_to(clock_now() + 1830ULL * 86400000);
    CHECK(query(mgr, "case.get", c)[0] == 0);
    bool erased = false;
    rg_val_bool(rg_map_get(rg_t_get(&R, "case"), "erased"), &erased);
    CHECK(erased);
    CHECK(plog(aud, "data_subject_id", subj, NULL, 0)[0] == 0);
    CHECK(nrecords() == 1 && count_of("engine.retention", subj) == 1 &&
          rg_val_is_str(rg_map_get(record(0), "role"), "system"));
}

int main(void)
{
    rg_crypto_init();
    setup();
    RUN(test_register);
    RUN(test_trace_context);
    RUN(test_records);
    RUN(test_export_lists_processings);
    RUN(test_one_record_per_person);
    RUN(test_erased_with_the_case);
    RUN(test_export_lists_the_persons_processings);
    RUN(test_failures_recorded);
    RUN(test_repeat_in_first_trace);
    RUN(test_engine_steps);
    rg_t_local_close(&L, true);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
    return rg_t_exit();
}
