/*
 * fold_test.c - domain/fold.c, how each event changes a case, with no
 * engine and no disk: every event type of the table has its fold; a case
 * folded from a report through assignment, intake and admission moves
 * through its states with its version, position, time and state_since;
 * an event out of turn, of a type the table does not know, or missing what
 * its fold requires is refused with RG_ESTORAGE and leaves the version and
 * state as they were; every event type with empty data is folded or refused,
 * never a crash; the same events folded twice give the same projection byte
 * for byte (what replay relies on).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/domain/fold.h"
#include "../../engine/domain/schema.h"
#include "../../engine/storage/errors.h"
#include "../test.h"

static const rg_actor police = {.id = "pol", .role = RG_ROLE_PARTNER, .org = "police", .zvh = "zvh"};
static const rg_actor pr = {.id = "pr", .role = RG_ROLE_PROCESREGISSEUR, .org = "zvh", .zvh = "zvh"};

#define T0 1764579600000ULL      /* 2025-12-01T09:00:00Z */
#define HOUR 3600000ULL

/* Fold type with data pairs (key, value strings; NULL-terminated) into cs at
 * its next version, position seq, time at. */
static int fold(rg_case *cs, const char *type, uint64_t seq, uint64_t at, const rg_actor *a, ...)
{
    rg_buf b = RG_BUF_INIT;
    const char *kv[16];
    int n = 0;
    va_list ap;
    va_start(ap, a);
    for (const char *k; n < 16 && (k = va_arg(ap, const char *));) {
        kv[n++] = k;
        kv[n++] = va_arg(ap, const char *);
    }
    va_end(ap);
    rg_w_map(&b, (uint32_t)(n / 2));
    for (int i = 0; i < n; i += 2) rg_w_kstr(&b, kv[i], kv[i + 1]);
    rg_doc *d = NULL;
    const char *why;
    int rc = rg_doc_parse(&d, b.data, b.len, &why);
    if (rc == 0) {
        rg_event_view ev = {seq, cs->version + 1, at, type, a, rg_doc_root(d), NULL, NULL};
        rc = rg_fold_apply(cs, &ev);
    }
    rg_doc_free(d);
    rg_buf_free(&b);
    return rc;
}

static void test_every_type_has_a_fold(void) { CHECK(rg_fold_check() == 0); }

/* A case from its report to analysis. */
static rg_case *reported_case(const char *id)
{
    rg_case *cs = rg_case_new(id);
    int rc = fold(cs, "case.reported", 1, T0, &police, "route", "default", "reporter_org", "police", "zvh", "zvh",
                  "target_group", "verward_gedrag", "urgency", "normal", NULL);
    if (rc != 0) printf("  case.reported: %d\n", rc);
    return cs;
}

static void test_report_to_analysis(void)
{
    rg_case *cs = reported_case("ZVH-F1");
    CHECK(cs->version == 1 && cs->state == RG_ST_REPORTED && cs->route == RG_RT_DEFAULT);
    CHECK(strcmp(cs->reporter_org, "police") == 0 && strcmp(cs->zvh, "zvh") == 0);
    CHECK(cs->last_seq == 1 && cs->created_at == T0 && cs->state_since == T0 && cs->npersons == 1);
    CHECK(fold(cs, "case.assigned", 5, T0 + HOUR, &pr, "procesregisseur", "pr", NULL) == 0);
    CHECK(cs->version == 2 && cs->state == RG_ST_REPORTED && strcmp(cs->procesregisseur, "pr") == 0);
    CHECK(cs->last_seq == 5 && cs->updated_at == T0 + HOUR && cs->state_since == T0);   /* no move */
    CHECK(fold(cs, "intake.started", 6, T0 + 2 * HOUR, &pr, NULL) == 0);
    CHECK(cs->version == 3 && cs->state == RG_ST_INTAKE && cs->state_since == T0 + 2 * HOUR);
    CHECK(fold(cs, "intake.admitted", 9, T0 + 3 * HOUR, &pr, NULL) == 0);
    CHECK(cs->version == 4 && cs->state == RG_ST_ANALYSIS && cs->last_seq == 9);
    rg_case_free(cs);
}

static void test_refusals(void)
{
    rg_case *cs = reported_case("ZVH-F2");
    /* out of turn: a version that is not the next */
    rg_doc *d = NULL;
    const char *why;
    rg_buf b = RG_BUF_INIT;
    rg_w_map(&b, 1);
    rg_w_kstr(&b, "procesregisseur", "pr");
    REQUIRE(rg_doc_parse(&d, b.data, b.len, &why) == 0);
    rg_event_view late = {2, 3, T0, "case.assigned", &pr, rg_doc_root(d), NULL, NULL};
    CHECK(rg_fold_apply(cs, &late) == RG_ESTORAGE);
    rg_event_view again = {2, 1, T0, "case.assigned", &pr, rg_doc_root(d), NULL, NULL};
    CHECK(rg_fold_apply(cs, &again) == RG_ESTORAGE);
    rg_event_view unknown = {2, 2, T0, "case.teleported", &pr, rg_doc_root(d), NULL, NULL};
    CHECK(rg_fold_apply(cs, &unknown) == RG_ESTORAGE);
    CHECK(cs->version == 1 && cs->state == RG_ST_REPORTED && !cs->procesregisseur[0]);
    rg_doc_free(d);
    rg_buf_free(&b);
    /* a required field missing */
    CHECK(fold(cs, "case.assigned", 2, T0, &pr, NULL) == RG_ESTORAGE);
    CHECK(cs->version == 1 && cs->last_seq == 1);
    rg_case *bad = rg_case_new("ZVH-F3");
    CHECK(fold(bad, "case.reported", 1, T0, &police, "route", "default", "zvh", "zvh", NULL) == RG_ESTORAGE);
    CHECK(bad->version == 0);
    CHECK(fold(bad, "case.reported", 1, T0, &police, "route", "nowhere", "reporter_org", "police", NULL) ==
          RG_ESTORAGE);
    CHECK(bad->version == 0);
    rg_case_free(bad);
    rg_case_free(cs);
}

/* Every type, with no data, on a reported case: folded or refused, and a
 * refusal leaves the version. */
static void test_every_type_empty(void)
{
    for (const rg_evdef *def = rg_events; def->type; def++) {
        rg_case *cs = reported_case("ZVH-F4");
        int rc = fold(cs, def->type, 2, T0 + HOUR, &pr, NULL);
        CHECK(rc == 0 || rc == RG_ESTORAGE);
        if (rc == 0) CHECK(cs->version == 2);
        else if (cs->version != 1) {
            printf("  %s refused but moved the version to %u\n", def->type, cs->version);
            rg_t_failed = 1;
        }
        rg_case_free(cs);
    }
}

static void test_same_events_same_projection(void)
{
    rg_buf e1 = RG_BUF_INIT, e2 = RG_BUF_INIT;
    for (int k = 0; k < 2; k++) {
        rg_case *cs = reported_case("ZVH-F5");
        CHECK(fold(cs, "case.assigned", 2, T0 + HOUR, &pr, "procesregisseur", "pr", NULL) == 0);
        CHECK(fold(cs, "intake.started", 3, T0 + 2 * HOUR, &pr, NULL) == 0);
        rg_case_encode(cs, k ? &e2 : &e1);
        rg_case_free(cs);
    }
    CHECK(e1.len && e1.len == e2.len && memcmp(e1.data, e2.data, e1.len) == 0);
    rg_buf_free(&e1);
    rg_buf_free(&e2);
}

int main(void)
{
    RUN(test_every_type_has_a_fold);
    RUN(test_report_to_analysis);
    RUN(test_refusals);
    RUN(test_every_type_empty);
    RUN(test_same_events_same_projection);
    return rg_t_exit();
}
