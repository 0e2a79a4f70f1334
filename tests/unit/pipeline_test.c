/*
 * pipeline_test.c - core/pipeline.c, the request's steps in their order
 * (trace, op, token, role, repeat, data, case, handler) on a real engine in
 * a temp directory: every bad input answered with its own code and a
 * message naming what was wrong, nothing written; each step's refusal wins
 * over the later steps' (a malformed `data` is never read as a missing
 * case, a wrong state before a wrong `expect`); need-to-know answers a case
 * the caller may not see as one that does not exist; the trace continued.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"

static rg_t_local L;
static rg_t_cast T;
static char C1[32];     /* a reported case, unassigned */
static char C2[32];     /* a case in analysis, pr's */

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &T) == 0);
    REQUIRE(rg_t_local_case(&L, &T, "Jan Jansen", "reported", C1)[0] == 0);
    REQUIRE(rg_t_local_case(&L, &T, "Els Bakker", "analysis", C2)[0] == 0);
}

static void call(const rg_buf *b, rg_t_reply *r) { rg_t_local_call(&L, b, r); }

static void simple(const char *op, const char *token, const char *case_id, rg_t_reply *r)
{
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, op, token, NULL, case_id, -1, -1);
    call(&b, r);
    rg_buf_free(&b);
}

/* b is refused with code, its message holding msg_part, and the log did not
 * move. */
static void expect_bad(const rg_buf *b, const char *code, const char *msg_part)
{
    rg_t_reply r;
    uint64_t head = rg_engine_head(L.e);
    call(b, &r);
    if (strcmp(rg_t_err(&r), code) != 0) {
        printf("  expected %s, got '%s': %s\n", code, rg_t_err(&r), rg_t_str(&r, "message"));
        rg_t_failed = 1;
    }
    if (msg_part && !strstr(rg_t_str(&r, "message"), msg_part)) {
        printf("  message '%s' lacks '%s'\n", rg_t_str(&r, "message"), msg_part);
        rg_t_failed = 1;
    }
    CHECK(rg_engine_head(L.e) == head);
    rg_t_reply_free(&r);
}

static void test_bad_input(void)
{
    rg_buf b = RG_BUF_INIT;
    rg_buf_append(&b, "\xc1garbage", 8);
    expect_bad(&b, "bad_request", "msgpack");
    rg_buf_reset(&b);
    rg_w_array(&b, 1);
    rg_w_cstr(&b, "case.report");
    expect_bad(&b, "bad_request", "map");
    rg_buf_reset(&b);
    rg_req_envelope(&b, "no.such.op", T.pol, "u1", NULL, -1, -1);
    expect_bad(&b, "unknown_op", "no.such.op");
    rg_buf_reset(&b);
    rg_req_envelope(&b, "stats", "rgt_not-a-token", NULL, NULL, -1, -1);
    expect_bad(&b, "unauthorized", NULL);
    rg_buf_reset(&b);
    rg_w_map(&b, 1);
    rg_w_kstr(&b, "op", "stats");
    expect_bad(&b, "unauthorized", "token");
    rg_buf_reset(&b);
    /* unknown top-level field */
    rg_w_map(&b, 3);
    rg_w_kstr(&b, "op", "stats");
    rg_w_kstr(&b, "token", T.mgr);
    rg_w_kstr(&b, "colour", "red");
    expect_bad(&b, "bad_request", "colour");
    rg_buf_reset(&b);
    /* a field given twice */
    rg_w_map(&b, 3);
    rg_w_kstr(&b, "op", "stats");
    rg_w_kstr(&b, "token", T.mgr);
    rg_w_kstr(&b, "op", "stats");
    expect_bad(&b, "bad_request", "given twice");
    rg_buf_reset(&b);
    /* envelope text that is not UTF-8 is refused before it is looked up */
    rg_w_map(&b, 2);
    rg_w_kstr(&b, "op", "stats");
    rg_w_cstr(&b, "token");
    rg_w_str(&b, "rgt_\xff\xfe", 6);
    expect_bad(&b, "bad_request", "token: must be valid UTF-8");
    rg_buf_reset(&b);
    /* op not a string */
    rg_w_map(&b, 2);
    rg_w_kuint(&b, "op", 7);
    rg_w_kstr(&b, "token", T.mgr);
    expect_bad(&b, "bad_request", "op must be a string");
    rg_buf_reset(&b);
    /* unknown data field */
    rg_req_envelope(&b, "case.report", T.pol, "u2", NULL, -1, 1);
    rg_w_kstr(&b, "shoe_size", "44");
    expect_bad(&b, "bad_request", "data.shoe_size");
    rg_buf_reset(&b);
    /* mistyped field */
    rg_req_envelope(&b, "case.report", T.pol, "u3", NULL, -1, 5);
    rg_w_kuint(&b, "target_group", 5);
    rg_w_kstr(&b, "summary", "s");
    rg_w_kstr(&b, "urgency", "normal");
    rg_w_kbool(&b, "informed", true);
    rg_w_cstr(&b, "subject");
    rg_w_map(&b, 1);
    rg_w_kstr(&b, "name", "X");
    expect_bad(&b, "bad_request", "data.target_group");
    rg_buf_reset(&b);
    /* missing required field */
    rg_req_envelope(&b, "case.report", T.pol, "u4", NULL, -1, 1);
    rg_w_kstr(&b, "summary", "s");
    expect_bad(&b, "bad_request", "required");
    rg_buf_reset(&b);
    /* mutating op without req */
    rg_req_envelope(&b, "case.report", T.pol, NULL, NULL, -1, 0);
    expect_bad(&b, "bad_request", "req");
    rg_buf_reset(&b);
    /* neither informed nor exemption: the handler's guard, nothing written */
    rg_req_envelope(&b, "case.report", T.pol, "u5", NULL, -1, 4);
    rg_w_kstr(&b, "target_group", "verward_gedrag");
    rg_w_kstr(&b, "summary", "s");
    rg_w_kstr(&b, "urgency", "normal");
    rg_w_cstr(&b, "subject");
    rg_w_map(&b, 1);
    rg_w_kstr(&b, "name", "X");
    expect_bad(&b, "guard_failed", "informed");
    rg_buf_reset(&b);
    /* expect not a number */
    rg_w_map(&b, 4);
    rg_w_kstr(&b, "op", "case.get");
    rg_w_kstr(&b, "token", T.pol);
    rg_w_kstr(&b, "case", C1);
    rg_w_kstr(&b, "expect", "one");
    expect_bad(&b, "bad_request", "expect must be");
    rg_buf_reset(&b);
    /* a case on an op that takes none, none on one that needs it */
    rg_req_envelope(&b, "stats", T.mgr, NULL, C1, -1, -1);
    expect_bad(&b, "bad_request", "takes no case");
    rg_buf_reset(&b);
    rg_req_envelope(&b, "case.get", T.pol, NULL, NULL, -1, -1);
    expect_bad(&b, "bad_request", "case: required");
    rg_buf_reset(&b);
    /* deep nesting */
    rg_w_map(&b, 3);
    rg_w_kstr(&b, "op", "stats");
    rg_w_kstr(&b, "token", T.mgr);
    rg_w_cstr(&b, "data");
    for (int i = 0; i < 40; i++) rg_w_array(&b, 1);
    rg_w_nil(&b);
    expect_bad(&b, "bad_request", "deep");
    rg_buf_reset(&b);
    /* a header announcing four billion entries in a few bytes */
    rg_buf_append(&b, "\xdf\xff\xff\xff\xff\xa2op", 8);
    expect_bad(&b, "bad_request", "more elements");
    rg_buf_reset(&b);
    /* larger than the request limit */
    rg_req_envelope(&b, "case.report", T.pol, "u6", NULL, -1, 1);
    rg_w_cstr(&b, "summary");
    size_t big = (1u << 20) + 10;
    char *s = rg_malloc(big);
    memset(s, 'a', big);
    rg_w_str(&b, s, big);
    free(s);
    expect_bad(&b, "bad_request", "larger");
    rg_buf_free(&b);
}

/* Each step's refusal comes before anything a later step would say. */
static void test_step_order(void)
{
    rg_buf b = RG_BUF_INIT;
    /* op before token */
    rg_req_envelope(&b, "no.such.op", "rgt_nobody", NULL, NULL, -1, -1);
    expect_bad(&b, "unknown_op", "no.such.op");
    rg_buf_reset(&b);
    /* token before role and data */
    rg_req_envelope(&b, "case.report", "rgt_nobody", "o1", NULL, -1, 1);
    rg_w_kstr(&b, "shoe_size", "44");
    expect_bad(&b, "unauthorized", NULL);
    rg_buf_reset(&b);
    /* role before data: a manager does not report, whatever the data */
    rg_req_envelope(&b, "case.report", T.mgr, "o2", NULL, -1, 1);
    rg_w_kstr(&b, "shoe_size", "44");
    expect_bad(&b, "forbidden", NULL);
    rg_buf_reset(&b);
    /* data before the case: a malformed step on a case that does not exist */
    rg_req_envelope(&b, "case.assign", T.pr, "o3", "ZVH-99999999", -1, 1);
    rg_w_kuint(&b, "procesregisseur", 1);
    expect_bad(&b, "bad_request", "data.procesregisseur");
    rg_buf_reset(&b);
    /* the case before expect */
    rg_req_envelope(&b, "case.get", T.pol, NULL, "ZVH-99999999", 9, -1);
    expect_bad(&b, "not_found", "ZVH-99999999");
    rg_buf_reset(&b);
    /* the life cycle before expect: C2 is in analysis, intake.start is not
     * possible there, whatever version was expected */
    rg_req_envelope(&b, "intake.start", T.pr, "o4", C2, 99, 0);
    expect_bad(&b, "invalid_transition", "analysis");
    rg_buf_free(&b);
}

static void test_need_to_know(void)
{
    rg_t_reply r;
    simple("case.get", T.ggz, C1, &r);      /* ggz takes no part: as if absent */
    CHECK(strcmp(rg_t_err(&r), "not_found") == 0);
    char msg[64];
    snprintf(msg, sizeof msg, "no case %s", C1);
    CHECK(strcmp(rg_t_str(&r, "message"), msg) == 0);
    rg_t_reply_free(&r);
    simple("case.get", T.mgr, "ZVH-99999999", &r);   /* ... exactly as a missing one */
    CHECK(strcmp(rg_t_err(&r), "not_found") == 0);
    CHECK(strcmp(rg_t_str(&r, "message"), "no case ZVH-99999999") == 0);
    rg_t_reply_free(&r);
    simple("case.history", L.admin, C1, &r); /* admins: no content */
    CHECK(strcmp(rg_t_err(&r), "forbidden") == 0);
    rg_t_reply_free(&r);
    simple("case.get", T.pr, C1, &r);      /* unassigned: the triage view, to take */
    CHECK(rg_t_ok(&r));
    bool triage = false;
    CHECK(rg_val_bool(rg_map_get(rg_t_get(&r, "case"), "triage"), &triage) && triage);
    CHECK(rg_map_get(rg_t_get(&r, "case"), "subject") == NULL);
    rg_t_reply_free(&r);
    /* a step seen only in triage is refused until the case is taken */
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "intake.start", T.pr, "n1", C1, -1, 0);
    expect_bad(&b, "forbidden", "case.assign");
    rg_buf_free(&b);
}

static void test_roles(void)
{
    rg_t_reply r;
    rg_buf b = RG_BUF_INIT;
    rg_t_report_req(&b, T.mgr, "m1", "Jan Jansen");   /* only partners report */
    expect_bad(&b, "forbidden", NULL);
    rg_buf_reset(&b);
    rg_t_actor_req(&b, T.pol, "x1", "evil", "admin", "police");
    expect_bad(&b, "forbidden", NULL);
    rg_buf_free(&b);
    simple("log.verify", T.mgr, NULL, &r);
    CHECK(strcmp(rg_t_err(&r), "forbidden") == 0);
    rg_t_reply_free(&r);
}

static void test_version_conflict(void)
{
    rg_buf b = RG_BUF_INIT;
    rg_req_envelope(&b, "case.get", T.pol, NULL, C1, 7, -1);
    expect_bad(&b, "version_conflict", "at version 1, not 7");
    rg_buf_free(&b);
    rg_req_envelope(&b, "case.get", T.pol, NULL, C1, 1, -1);
    rg_t_reply r;
    call(&b, &r);
    CHECK(rg_t_ok(&r));
    rg_t_reply_free(&r);
    rg_buf_free(&b);
}

/* A traceparent given is continued (its trace id, a span of the request's
 * own); none given, a new trace; a malformed one refused. */
static void test_trace(void)
{
    const char *tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    rg_buf b = RG_BUF_INIT;
    rg_w_map(&b, 3);
    rg_w_kstr(&b, "op", "stats");
    rg_w_kstr(&b, "token", T.mgr);
    rg_w_kstr(&b, "trace", tp);
    rg_t_reply r;
    call(&b, &r);
    CHECK(rg_t_ok(&r));
    CHECK(strncmp(r.trace, tp, 36) == 0);                  /* same trace id */
    CHECK(strlen(r.trace) == 55 && strcmp(r.trace + 36, tp + 36) != 0);  /* own span */
    rg_t_reply_free(&r);
    simple("stats", T.mgr, NULL, &r);
    CHECK(rg_t_ok(&r) && strlen(r.trace) == 55 && strncmp(r.trace, tp, 36) != 0);
    rg_t_reply_free(&r);
    rg_buf_reset(&b);
    rg_w_map(&b, 3);
    rg_w_kstr(&b, "op", "stats");
    rg_w_kstr(&b, "token", T.mgr);
    rg_w_kstr(&b, "trace", "00-not-a-trace");
    expect_bad(&b, "bad_request", "traceparent");
    rg_buf_reset(&b);
    rg_w_map(&b, 3);
    rg_w_kstr(&b, "op", "stats");
    rg_w_kstr(&b, "token", T.mgr);
    rg_w_kuint(&b, "trace", 5);
    expect_bad(&b, "bad_request", "trace must be a string");
    rg_buf_free(&b);
}

int main(void)
{
    RUN(setup);
    RUN(test_bad_input);
    RUN(test_step_order);
    RUN(test_need_to_know);
    RUN(test_roles);
    RUN(test_version_conflict);
    RUN(test_trace);
    rg_t_local_close(&L, true);
    return rg_t_exit();
}
