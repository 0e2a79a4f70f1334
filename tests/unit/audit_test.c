/*
 * audit_test.c - the audit trail of services/audit.h in an in-process
 * engine: every read that shows case content (case.get, case.history, a
 * feed.read page with events) leaves one record - who, in which role and
 * org, on whose behalf (a partner its own org, ZVH staff the org that
 * brought the case), for what purpose and on what basis, when, which cases
 * - that is on disk before the reply leaves (rg_audit_page finds it as soon
 * as the reply is in); records are numbered from 1 without gaps and read
 * back in order by audit.read and rg_audit_page, in pages chained by
 * `next`, also per case; a refused read (a case the reader may not see,
 * one that does not exist, the history of a case seen only in triage) is
 * recorded with refused: true; a read that fails otherwise (the op is not
 * the role's, a version conflict, a read fault) and a read that shows no
 * case content leave none; a read fault while reading the trail is
 * storage_error; the numbering goes on after a restart.
 */
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "../test.h"
#include "../../engine/services/audit.h"

static rg_t_local L;
static rg_buf B;
static rg_t_reply R;
static char pol[128], ggz[128], prA[128], mgr[128];
static char caseA[32];

static rg_audit *audit(void) { return rg_services_audit(L.e); }

static const char *query(const char *token, const char *op, const char *case_id)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, op, token, NULL, case_id, -1, -1);
    return rg_t_local_send(&L, &B, &R);
}

/* The trail through rg_audit_page (of one case, or all with case_id NULL):
 * how many records after `after`, and the last one's number. */
static uint32_t records_of(const char *case_id, uint64_t after, uint64_t *last)
{
    rg_buf recs = RG_BUF_INIT;
    uint32_t count = 0;
    uint64_t next = 0;
    int rc = rg_audit_page(audit(), case_id, after, 1000000, &recs, &count, &next);
    rg_buf_free(&recs);
    if (rc < 0) printf("  rg_audit_page: %d\n", rc);
    if (last) *last = next;
    return count;
}

static uint32_t records_after(uint64_t after) { return records_of(NULL, after, NULL); }

static uint64_t last_n(void)
{
    uint64_t n = 0;
    records_of(NULL, 0, &n);
    return n;
}

/* audit.read by the admin from `after`, limit 0 = the default. */
static const char *audit_read(uint64_t after, uint64_t limit)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "audit.read", L.admin, NULL, NULL, -1, (after ? 1 : 0) + (limit ? 1 : 0));
    if (after) rg_w_kuint(&B, "after", after);
    if (limit) rg_w_kuint(&B, "limit", limit);
    return rg_t_local_send(&L, &B, &R);
}

/* The purpose a record gives (static buffer). */
static const char *purpose_of(const rg_val *rec)
{
    static char p[256];
    p[0] = 0;
    rg_val_strcpy(rg_map_get(rec, "purpose"), p, sizeof p);
    return p;
}

static bool record_is(const rg_val *rec, uint64_t n, const char *actor, const char *role, const char *org,
                      const char *behalf, const char *case_id, bool refused)
{
    uint64_t got = 0, at = 0;
    bool was_refused = !refused;
    const rg_val *cases = rg_map_get(rec, "cases");
    bool ok = rg_val_uint(rg_map_get(rec, "n"), &got) && got == n &&
              rg_val_uint(rg_map_get(rec, "at"), &at) && at == 1764579600000ULL &&
              rg_val_is_str(rg_map_get(rec, "actor"), actor) &&
              rg_val_is_str(rg_map_get(rec, "role"), role) &&
              rg_val_is_str(rg_map_get(rec, "org"), org) &&
              rg_val_type(rg_map_get(rec, "zvh")) == RG_VSTR &&
              rg_val_is_str(rg_map_get(rec, "on_behalf_of"), behalf) &&
              purpose_of(rec)[0] && rg_val_type(rg_map_get(rec, "basis")) == RG_VSTR &&
              rg_array_size(cases) == 1 && rg_val_is_str(rg_array_at(cases, 0), case_id) &&
              rg_val_bool(rg_map_get(rec, "refused"), &was_refused) && was_refused == refused;
    if (!ok) {
        char a[64] = "?", b[64] = "?";
        rg_val_strcpy(rg_map_get(rec, "actor"), a, sizeof a);
        rg_val_strcpy(rg_map_get(rec, "on_behalf_of"), b, sizeof b);
        printf("  record %llu: actor %s on behalf of %s, purpose '%s', refused %d; expected %llu %s for %s on %s%s\n",
               (unsigned long long)got, a, b, purpose_of(rec), was_refused, (unsigned long long)n, actor,
               behalf, case_id, refused ? " (refused)" : "");
    }
    return ok;
}

static char woco[128], prB[128], caseB[32];

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    rg_t_local_actor(&L, "pol1", "partner", "police", pol);
    rg_t_local_actor(&L, "ggz1", "partner", "ggz", ggz);
    rg_t_local_actor(&L, "woco1", "partner", "woco", woco);
    rg_t_local_actor(&L, "prA", "procesregisseur", "zvh", prA);
    rg_t_local_actor(&L, "prB", "procesregisseur", "zvh", prB);
    rg_t_local_actor(&L, "mgr1", "manager", "zvh", mgr);
    REQUIRE(pol[0] && ggz[0] && woco[0] && prA[0] && prB[0] && mgr[0]);
    rg_buf_reset(&B);
    rg_t_report_req(&B, pol, "a", "Kees de Boer");
    REQUIRE(rg_t_local_send(&L, &B, &R)[0] == 0);
    snprintf(caseA, sizeof caseA, "%s", rg_t_str(&R, "case"));
    rg_buf_reset(&B);
    rg_t_report_req(&B, ggz, "b", "Els Bakker");
    REQUIRE(rg_t_local_send(&L, &B, &R)[0] == 0);
    snprintf(caseB, sizeof caseB, "%s", rg_t_str(&R, "case"));
}

static void test_reads_are_recorded_in_order(void)
{
    /* Changes and the reports they answer with are not reads: the trail is
     * empty so far. */
    CHECK(records_after(0) == 0);
    CHECK(audit_read(0, 0)[0] == 0);
    CHECK(rg_array_size(rg_t_get(&R, "records")) == 0 && rg_t_uint(&R, "next") == 0);
    /* Reading the trail is a processing of its own (issue 20, finding 3):
     * record 1, the admin's, filed under no case. */
    CHECK(records_after(0) == 1);
    CHECK(audit_read(0, 0)[0] == 0);
    CHECK(rg_array_size(rg_t_get(&R, "records")) == 1 &&
          rg_val_is_str(rg_map_get(rg_array_at(rg_t_get(&R, "records"), 0), "actor"), "admin") &&
          rg_array_size(rg_map_get(rg_array_at(rg_t_get(&R, "records"), 0), "cases")) == 0 &&
          strcmp(purpose_of(rg_array_at(rg_t_get(&R, "records"), 0)), "supervising the processing log") == 0);
    CHECK(records_after(0) == 2);

    CHECK(query(pol, "case.get", caseA)[0] == 0);
    /* On disk before the reply came. */
    CHECK(records_after(0) == 3);
    CHECK(query(mgr, "case.history", caseA)[0] == 0);
    CHECK(records_after(0) == 4);
    CHECK(query(prA, "case.get", caseA)[0] == 0);     /* unassigned: the triage view */
    CHECK(records_after(0) == 5);
    CHECK(query(ggz, "case.get", caseB)[0] == 0);
    CHECK(records_after(0) == 6);

    CHECK(audit_read(2, 0)[0] == 0);
    const rg_val *recs = rg_t_get(&R, "records");
    REQUIRE(rg_array_size(recs) == 4);
    CHECK(rg_t_uint(&R, "next") == 6);
    /* A partner reads for its own org; ZVH staff on behalf of the org that
     * brought the case. */
    CHECK(record_is(rg_array_at(recs, 0), 3, "pol1", "partner", "police", "police", caseA, false));
    CHECK(record_is(rg_array_at(recs, 1), 4, "mgr1", "manager", "zvh", "police", caseA, false));
    CHECK(record_is(rg_array_at(recs, 2), 5, "prA", "procesregisseur", "zvh", "police", caseA, false));
    CHECK(record_is(rg_array_at(recs, 3), 6, "ggz1", "partner", "ggz", "ggz", caseB, false));
    CHECK(strcmp(purpose_of(rg_array_at(recs, 0)), purpose_of(rg_array_at(recs, 1))) == 0);

    /* Pages of one, chained by next (each read adds its own record). */
    uint64_t after = 0;
    for (uint64_t want = 1; want <= 6; want++) {
        CHECK(audit_read(after, 1)[0] == 0);
        recs = rg_t_get(&R, "records");
        uint64_t n = 0;
        CHECK(rg_array_size(recs) == 1 && rg_val_uint(rg_map_get(rg_array_at(recs, 0), "n"), &n) && n == want);
        CHECK(rg_t_uint(&R, "next") == want);
        after = rg_t_uint(&R, "next");
    }
    /* Record 7 is the admin's read of the whole trail above. */
    CHECK(audit_read(after, 1)[0] == 0);
    CHECK(rg_array_size(rg_t_get(&R, "records")) == 1 && rg_t_uint(&R, "next") == 7 &&
          rg_val_is_str(rg_map_get(rg_array_at(rg_t_get(&R, "records"), 0), "actor"), "admin"));

    /* rg_audit_page appends the records to what the buffer holds. */
    rg_buf out = RG_BUF_INIT;
    rg_w_array(&out, 2);
    uint32_t count = 0;
    uint64_t next = 0;
    CHECK(rg_audit_page(audit(), NULL, 3, 2, &out, &count, &next) == 0);
    CHECK(count == 2 && next == 5);
    rg_doc *d;
    const char *why;
    REQUIRE(rg_doc_parse(&d, out.data, out.len, &why) == 0);
    CHECK(record_is(rg_array_at(rg_doc_root(d), 0), 4, "mgr1", "manager", "zvh", "police", caseA, false));
    CHECK(record_is(rg_array_at(rg_doc_root(d), 1), 5, "prA", "procesregisseur", "zvh", "police", caseA, false));
    rg_doc_free(d);
    rg_buf_free(&out);

    /* The records of one case: A's three, B's one, in order (the trail's
     * own reads are filed under no case). */
    uint64_t last = 0;
    CHECK(records_of(caseA, 0, &last) == 3 && last == 5);
    CHECK(records_of(caseA, 3, &last) == 2 && last == 5);
    CHECK(records_of(caseA, 5, &last) == 0 && last == 5);
    CHECK(records_of(caseB, 0, &last) == 1 && last == 6);
    CHECK(records_of("ZVH-99999999", 0, &last) == 0 && last == 0);
}

static void test_refused_reads_are_recorded(void)
{
    /* A case the reader may not see is answered as one that does not
     * exist, and the refused read is on the trail before the answer. */
    uint64_t n0 = last_n();
    CHECK(strcmp(query(woco, "case.get", caseA), "not_found") == 0);
    CHECK(last_n() == n0 + 1);
    CHECK(audit_read(n0, 0)[0] == 0);                 /* (recorded as n0 + 2) */
    CHECK(record_is(rg_array_at(rg_t_get(&R, "records"), 0), n0 + 1, "woco1", "partner", "woco", "woco", caseA,
                    true));
    /* So is one of a case that does not exist (ids cannot be probed). */
    CHECK(strcmp(query(mgr, "case.get", "ZVH-99999999"), "not_found") == 0);
    CHECK(last_n() == n0 + 3);
    CHECK(audit_read(n0 + 2, 0)[0] == 0);             /* (n0 + 4) */
    CHECK(record_is(rg_array_at(rg_t_get(&R, "records"), 0), n0 + 3, "mgr1", "manager", "zvh", "zvh",
                    "ZVH-99999999", true));
    /* And the history of a case the reader sees only in triage. */
    CHECK(strcmp(query(prB, "case.history", caseA), "forbidden") == 0);
    CHECK(last_n() == n0 + 5);
    uint64_t last = 0;
    CHECK(records_of(caseA, 0, &last) == 5 && last == n0 + 5);
}

/* Every record after `after` through rg_audit_page: how many, how many
 * refused reads they account for (one each, or their `repeats`), and
 * whether any holds `needle`. */
static uint32_t refusals_after(uint64_t after, uint64_t *accounted, const char *needle, bool *found)
{
    rg_buf recs = RG_BUF_INIT;
    uint32_t count = 0;
    uint64_t next = 0;
    *accounted = 0;
    CHECK(rg_audit_page(audit(), NULL, after, 1000000, &recs, &count, &next) == 0);
    if (needle && memmem(recs.data, recs.len, needle, strlen(needle))) *found = true;
    /* back to back msgpack maps: parse them as one array */
    rg_buf arr = RG_BUF_INIT;
    rg_w_array(&arr, count);
    rg_buf_append(&arr, recs.data, recs.len);
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, arr.data, arr.len, &why) == 0) {
        for (uint32_t i = 0; i < count; i++) {
            const rg_val *rec = rg_array_at(rg_doc_root(d), i);
            uint64_t rep = 0;
            *accounted += rg_val_uint(rg_map_get(rec, "repeats"), &rep) ? rep : 1;
        }
        rg_doc_free(d);
    }
    rg_buf_free(&arr);
    rg_buf_free(&recs);
    return count;
}

/* Issue 20, finding 10: an id that is not one the engine mints is recorded
 * as "malformed", never as given; and one actor probing ids at speed writes
 * a record per refused read only for the first ones of each second: the
 * rest are counted, and one record says how many. */
static void test_refused_reads_counted_and_ids_not_kept(void)
{
    rg_t_local_settle(&L);
    uint64_t n0 = last_n(), accounted = 0;
    bool found = false;
    CHECK(strcmp(query(woco, "case.get", "Jan Jansen BSN 918273645"), "not_found") == 0);
    CHECK(refusals_after(n0, &accounted, "918273645", &found) == 1 && !found);
    uint64_t last = 0;
    CHECK(records_of("malformed", n0, &last) == 1 && last == n0 + 1);
    /* 1,000 refused reads by one partner, as fast as it can. */
    n0 = last_n();
    for (int i = 0; i < 1000; i++) CHECK(strcmp(query(ggz, "case.get", caseA), "not_found") == 0);
    /* The window passes (1 s); the next refused read writes its count. */
    struct timespec ts = {1, 200000000};
    nanosleep(&ts, NULL);
    CHECK(strcmp(query(ggz, "case.get", caseA), "not_found") == 0);
    rg_t_local_settle(&L);
    uint32_t records = refusals_after(n0, &accounted, NULL, &found);
    printf("  1,001 refused reads of one partner: %u records, accounting for %llu\n", records,
           (unsigned long long)accounted);
    CHECK(accounted == 1001);
    CHECK(records * 2 < 1001);
}

static void test_failed_reads_leave_no_record(void)
{
    /* A read of case content the role may never make is a refused read,
     * recorded like the others (the admin asking for a case's history). */
    uint32_t before = records_after(0);
    CHECK(strcmp(query(L.admin, "case.history", caseA), "forbidden") == 0);  /* not an op of admins */
    rg_t_local_settle(&L);
    CHECK(records_after(0) == before + 1);
    before++;
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.get", pol, NULL, caseA, 7, -1);               /* expect a wrong version */
    CHECK(strcmp(rg_t_local_send(&L, &B, &R), "version_conflict") == 0);
    /* A read that fails on the disk shows nothing, so records nothing. */
    rg_log_fail_reads(rg_engine_log(L.e), true);
    CHECK(strcmp(query(mgr, "case.history", caseA), "storage_error") == 0);
    rg_log_fail_reads(rg_engine_log(L.e), false);
    /* Reads without case content. */
    CHECK(query(mgr, "stats", NULL)[0] == 0);
    CHECK(query(L.admin, "log.verify", NULL)[0] == 0);
    rg_buf_reset(&B);
    rg_req_envelope(&B, "feed.read", woco, NULL, NULL, -1, -1);            /* an empty page */
    CHECK(rg_t_local_send(&L, &B, &R)[0] == 0 && rg_array_size(rg_t_get(&R, "events")) == 0);
    rg_t_local_settle(&L);
    CHECK(records_after(0) == before);
    /* And the next successful read takes the next number. */
    CHECK(query(pol, "case.history", caseA)[0] == 0);
    CHECK(records_after(0) == before + 1 && last_n() == before + 1);
}

static void test_feed_page_is_recorded(void)
{
    uint64_t n0 = last_n();
    char case_get_purpose[256];
    CHECK(audit_read(2, 1)[0] == 0);                  /* record 3: pol's case.get (above) */
    snprintf(case_get_purpose, sizeof case_get_purpose, "%s", purpose_of(rg_array_at(rg_t_get(&R, "records"), 0)));
    rg_buf_reset(&B);
    rg_req_envelope(&B, "feed.read", pol, NULL, NULL, -1, -1);
    CHECK(rg_t_local_send(&L, &B, &R)[0] == 0);
    CHECK(rg_array_size(rg_t_get(&R, "events")) > 0);
    CHECK(last_n() == n0 + 2);
    CHECK(audit_read(n0 + 1, 0)[0] == 0);
    const rg_val *rec = rg_array_at(rg_t_get(&R, "records"), 0);
    CHECK(record_is(rec, n0 + 2, "pol1", "partner", "police", "police", caseA, false));
    /* Following one's cases is another purpose than coordinating one. */
    CHECK(strcmp(purpose_of(rec), case_get_purpose) != 0);
}

static void test_trail_read_fault(void)
{
    rg_t_local_settle(&L);
    rg_log_fail_reads(rg_engine_log(L.e), true);
    rg_buf recs = RG_BUF_INIT;
    uint32_t count = 9;
    uint64_t next = 9;
    CHECK(rg_audit_page(audit(), NULL, 0, 10, &recs, &count, &next) < 0);
    CHECK(rg_audit_page(audit(), caseA, 0, 10, &recs, &count, &next) < 0);
    CHECK(strcmp(audit_read(0, 0), "storage_error") == 0);
    rg_log_fail_reads(rg_engine_log(L.e), false);
    rg_buf_free(&recs);
    /* Only the admin reads the trail. */
    rg_buf_reset(&B);
    rg_req_envelope(&B, "audit.read", mgr, NULL, NULL, -1, -1);
    CHECK(strcmp(rg_t_local_send(&L, &B, &R), "forbidden") == 0);
}

static void test_numbering_survives_restart(void)
{
    uint64_t n0 = last_n();
    REQUIRE(n0 > 0);
    char *dir = strdup(L.dir);
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    free(dir);
    CHECK(last_n() == n0);
    CHECK(query(mgr, "case.get", caseA)[0] == 0);
    CHECK(last_n() == n0 + 1);
    CHECK(audit_read(n0, 0)[0] == 0);
    CHECK(record_is(rg_array_at(rg_t_get(&R, "records"), 0), n0 + 1, "mgr1", "manager", "zvh", "police",
                    caseA, false));
    CHECK(audit_read(0, 0)[0] == 0 && rg_array_size(rg_t_get(&R, "records")) == n0 + 2);
}

int main(void)
{
    RUN(setup);
    RUN(test_reads_are_recorded_in_order);
    RUN(test_refused_reads_are_recorded);
    RUN(test_refused_reads_counted_and_ids_not_kept);
    RUN(test_failed_reads_leave_no_record);
    RUN(test_feed_page_is_recorded);
    RUN(test_trail_read_fault);
    RUN(test_numbering_survives_restart);
    rg_t_local_close(&L, true);
    rg_t_reply_free(&R);
    rg_buf_free(&B);
    return rg_t_exit();
}
