/*
 * member_test.c - domain/member.c on its own, no engine and no disk: what one
 * member's access export gets of each event of a household case (the rule in
 * member.h).  A request and its answer about the child reach the child's
 * export whole and the mother's not at all; a plan's actions each by whom
 * they are about, an action's result as its action; the household's own
 * text (a meeting's conclusions, the report's summary) withheld and marked;
 * a person's own step (their wishes) theirs alone; a case about one person
 * is no household.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/domain/member.h"
#include "../test.h"

/* P1 mother (subject), P2 child, P3 partner. */
static rg_case *household(void)
{
    rg_case *cs = rg_case_new("ZVH-M1");
    CHECK(rg_case_add_person(cs, "subject", 1) == 0);
    CHECK(rg_case_add_person(cs, "child", 1) == 0);
    CHECK(rg_case_add_person(cs, "partner", 1) == 0);
    return cs;
}

/* An event map {type, data: {...}} whose data the caller writes (n pairs). */
static void event(rg_buf *b, const char *type, uint32_t n)
{
    rg_buf_reset(b);
    rg_w_map(b, 2);
    rg_w_kstr(b, "type", type);
    rg_w_cstr(b, "data");
    rg_w_map(b, n);
}

static void ids(rg_buf *b, const char *key, const char *a, const char *c)
{
    rg_w_cstr(b, key);
    rg_w_array(b, c ? 2 : 1);
    rg_w_cstr(b, a);
    if (c) rg_w_cstr(b, c);
}

typedef struct {
    rg_doc *d;
    rg_buf out;
    bool kept;
} rendered;

/* The event in b as person pi's export gets it, walked by a (whose notes
 * carry over from event to event as in an export). */
static rendered render(rg_member *a, const rg_case *cs, uint32_t pi, const rg_buf *b, uint32_t *withheld)
{
    rendered r = {.out = RG_BUF_INIT};
    rg_doc *in = NULL;
    const char *why;
    if (rg_doc_parse(&in, b->data, b->len, &why) != 0) {
        printf("  the test's event does not parse: %s\n", why);
        exit(1);
    }
    r.kept = rg_member_render(a, cs, pi, rg_doc_root(in), &r.out, withheld);
    rg_doc_free(in);
    /* What it wrote must be one whole msgpack value: a test failure, not a
     * crash, when it is not. */
    if (r.kept && rg_doc_parse(&r.d, r.out.data, r.out.len, &why) != 0) {
        printf("  the rendered event does not parse: %s\n", why);
        exit(1);
    }
    return r;
}

static void done(rendered *r)
{
    rg_doc_free(r->d);
    rg_buf_free(&r->out);
}

static const rg_val *data_of(const rendered *r) { return rg_map_get(rg_doc_root(r->d), "data"); }

static bool has_true(const rg_val *m, const char *key)
{
    bool b = false;
    return rg_val_bool(rg_map_get(m, key), &b) && b;
}

static void test_one_person_is_no_household(void)
{
    rg_case *cs = rg_case_new("ZVH-M0");
    CHECK(rg_case_add_person(cs, "subject", 1) == 0);
    CHECK(!rg_member_household(cs));
    CHECK(rg_case_add_person(cs, "child", 2) == 0);
    CHECK(rg_member_household(cs));
    rg_case_free(cs);
}

/* A request about the child, then its answer (which names only the
 * request): the child's export has both whole, the mother's neither. */
static void test_request_and_answer_follow_their_person(void)
{
    rg_case *cs = household();
    rg_buf b = RG_BUF_INIT;
    rg_member mother = RG_MEMBER_INIT, child = RG_MEMBER_INIT;
    uint32_t wm = 0, wc = 0;
    event(&b, "info.requested", 3);
    rg_w_kstr(&b, "request", "R1");
    rg_w_kstr(&b, "question", "how is the child at school");
    ids(&b, "persons", "P2", NULL);
    rendered m = render(&mother, cs, 0, &b, &wm), c = render(&child, cs, 1, &b, &wc);
    CHECK(!m.kept && m.out.len == 0);
    CHECK(c.kept && rg_t_holds(c.out.data, c.out.len, "how is the child at school"));
    done(&m), done(&c);
    event(&b, "info.provided", 2);
    rg_w_kstr(&b, "request", "R1");
    rg_w_kstr(&b, "answer", "absent four days a week");
    m = render(&mother, cs, 0, &b, &wm), c = render(&child, cs, 1, &b, &wc);
    CHECK(!m.kept);
    CHECK(c.kept && rg_t_holds(c.out.data, c.out.len, "absent four days a week"));
    CHECK(!has_true(data_of(&c), "withheld"));
    CHECK(wm == 0 && wc == 0);
    done(&m), done(&c);
    rg_member_free(&mother), rg_member_free(&child);
    rg_buf_free(&b);
    rg_case_free(cs);
}

/* The household's own text names no one: every member gets the event with
 * its text withheld and marked, counted. */
static void test_household_text_is_withheld(void)
{
    rg_case *cs = household();
    rg_buf b = RG_BUF_INIT;
    rg_member a = RG_MEMBER_INIT;
    uint32_t w = 0;
    event(&b, "meeting.held", 2);
    rg_w_kstr(&b, "conclusions", "the father drinks; the mother copes");
    rg_w_kstr(&b, "meeting", "M1");
    rendered r = render(&a, cs, 2, &b, &w);
    CHECK(r.kept && !rg_t_holds(r.out.data, r.out.len, "drinks"));
    CHECK(has_true(data_of(&r), "withheld") && has_true(data_of(&r), "household"));
    CHECK(rg_val_is_str(rg_map_get(data_of(&r), "meeting"), "M1"));    /* the rest stays */
    CHECK(w == 1);
    done(&r);
    /* The report is the household's founding fact, though it names P1. */
    event(&b, "case.reported", 2);
    rg_w_kstr(&b, "summary", "a family in trouble");
    rg_w_kstr(&b, "person", "P1");
    r = render(&a, cs, 0, &b, &w);
    CHECK(r.kept && !rg_t_holds(r.out.data, r.out.len, "a family in trouble") && w == 2);
    done(&r);
    rg_member_free(&a);
    rg_buf_free(&b);
    rg_case_free(cs);
}

/* A plan's actions each by whom they are about; a result as its action. */
static void test_actions_each_by_person(void)
{
    rg_case *cs = household();
    rg_buf b = RG_BUF_INIT;
    rg_member mother = RG_MEMBER_INIT, child = RG_MEMBER_INIT;
    uint32_t wm = 0, wc = 0;
    event(&b, "plan.proposed", 1);
    rg_w_cstr(&b, "actions");
    rg_w_array(&b, 2);
    rg_w_map(&b, 3);
    rg_w_kstr(&b, "id", "a1");
    rg_w_kstr(&b, "description", "school attendance plan");
    ids(&b, "persons", "P2", NULL);
    rg_w_map(&b, 2);
    rg_w_kstr(&b, "id", "a2");
    rg_w_kstr(&b, "description", "family coaching weekly");
    rendered m = render(&mother, cs, 0, &b, &wm), c = render(&child, cs, 1, &b, &wc);
    REQUIRE(m.kept && c.kept);
    const rg_val *ma = rg_map_get(data_of(&m), "actions"), *ca = rg_map_get(data_of(&c), "actions");
    CHECK(rg_array_size(ma) == 1 && rg_val_is_str(rg_map_get(rg_array_at(ma, 0), "id"), "a2"));
    CHECK(!rg_t_holds(m.out.data, m.out.len, "school attendance"));
    CHECK(has_true(rg_array_at(ma, 0), "withheld"));                   /* a2 names no one */
    CHECK(rg_array_size(ca) == 2 && rg_t_holds(c.out.data, c.out.len, "school attendance plan"));
    CHECK(!rg_t_holds(c.out.data, c.out.len, "family coaching"));
    done(&m), done(&c);
    event(&b, "action.completed", 2);
    rg_w_kstr(&b, "action", "a1");
    rg_w_kstr(&b, "result", "attends again");
    m = render(&mother, cs, 0, &b, &wm), c = render(&child, cs, 1, &b, &wc);
    CHECK(!m.kept);
    CHECK(c.kept && rg_t_holds(c.out.data, c.out.len, "attends again"));
    done(&m), done(&c);
    rg_member_free(&mother), rg_member_free(&child);
    rg_buf_free(&b);
    rg_case_free(cs);
}

/* A person's own step is theirs: the partner's wishes reach the partner's
 * export only. */
static void test_own_step_is_theirs(void)
{
    rg_case *cs = household();
    rg_buf b = RG_BUF_INIT;
    rg_member a = RG_MEMBER_INIT;
    uint32_t w = 0;
    event(&b, "perspective.recorded", 2);
    rg_w_kstr(&b, "person", "P3");
    rg_w_kstr(&b, "wishes", "I want to keep my job");
    for (uint32_t pi = 0; pi < 3; pi++) {
        rendered r = render(&a, cs, pi, &b, &w);
        CHECK(r.kept == (pi == 2));
        if (r.kept) CHECK(rg_t_holds(r.out.data, r.out.len, "I want to keep my job"));
        done(&r);
    }
    CHECK(w == 0);
    rg_member_free(&a);
    rg_buf_free(&b);
    rg_case_free(cs);
}

int main(void)
{
    RUN(test_one_person_is_no_household);
    RUN(test_request_and_answer_follow_their_person);
    RUN(test_household_text_is_withheld);
    RUN(test_actions_each_by_person);
    RUN(test_own_step_is_theirs);
    return rg_t_exit();
}
