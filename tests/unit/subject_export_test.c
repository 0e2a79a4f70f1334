/*
 * subject_export_test.c - handlers/subject_export.c, what a granted access
 * request gives the person (GDPR art. 15), over an engine in this process:
 * only the cases on that person; the items the decider may read, and of
 * those not a police item its source kept from the person (one it released
 * to them is in), the rest counted as withheld; the categories of data, the
 * source, the recipients, the processings of the processing log, the
 * retention and the rights; of a household only the person asked about,
 * never another member.  (Who may decide which case, and the covenants,
 * are subject_rules_test.c's.)
 */
#include "steps.h"

#define NAME_A "Gijsbertha Grashoorn"
#define BSN_A "739201840"
#define NAME_B "Teunis Vlierbessen"
#define BSN_B "619382703"
#define MOTHER "Wilhelmina Oosterbroek"
#define CHILD "Pieternella Oosterbroek"
#define BSN_CHILD "528173649"

static rg_t_cast C;
static char a[32], b[32];

static void report(const char *name, const char *bsn, char *id)
{
    rg_buf *w = req(C.pol, "case.report", NULL, 5);
    rg_w_kstr(w, "target_group", "verward_gedrag");
    rg_w_kstr(w, "summary", "incidents at home");
    rg_w_kstr(w, "urgency", "normal");
    rg_w_kbool(w, "informed", true);
    rg_w_cstr(w, "subject");
    rg_w_map(w, 3);
    rg_w_kstr(w, "name", name);
    rg_w_kstr(w, "bsn", bsn);
    rg_w_kstr(w, "birth_date", "1970-02-02");
    id[0] = '\0';
    if (send_req()[0] == 0) snprintf(id, 32, "%s", rg_t_str(&R, "case"));
}

/* An information request to org answered by token with text of class: the
 * answer's log position (0 on failure). */
static uint64_t answered(const char *id, const char *org, const char *token, const char *text, const char *cls)
{
    rg_buf *w = req(C.pr, "info.request", id, 2);
    rg_w_kstr(w, "org", org);
    rg_w_kstr(w, "question", "what do you know?");
    if (send_req()[0]) return 0;
    char rq[16];
    rg_val_strcpy(rg_map_get(rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "data"), "request"), rq, sizeof rq);
    w = req(token, "info.provide", id, 3);
    rg_w_kstr(w, "request", rq);
    rg_w_kstr(w, "answer", text);
    rg_w_kstr(w, "class", cls);
    return send_req()[0] ? 0 : rg_t_uint(&R, "seq");
}

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &C) == 0);
    report(NAME_A, BSN_A, a);
    report(NAME_B, BSN_B, b);
    REQUIRE(a[0] && b[0]);
    DONE(rg_t_local_drive(&L, &C, a, "analysis"));
    DONE(rg_t_local_drive(&L, &C, b, "analysis"));
    REQUIRE(answered(a, "ggz", C.ggz, "Amandelbloesem clinic since 2020", "special"));
    /* Two police items the manager may read (released to the ZVH), one of
     * them released to the person too. */
    uint64_t kept = answered(a, "police", C.pol, "Vlierbes investigation, not to be told", "criminal");
    uint64_t released = answered(a, "police", C.pol, "Meidoorn caution, may be told", "criminal");
    REQUIRE(kept && released);
    rg_buf *w = req(C.pol, "item.release", a, 2);
    rg_w_kuint(w, "seq", kept);
    rg_t_w_list(w, "orgs", "zvh");
    OK();
    w = req(C.pol, "item.release", a, 3);
    rg_w_kuint(w, "seq", released);
    rg_t_w_list(w, "orgs", "zvh");
    rg_w_kbool(w, "subject", true);
    OK();
    REQUIRE(answered(b, "ggz", C.ggz, "Teunis's own answer", "ordinary"));
}

static bool has_str(const rg_val *arr, const char *s)
{
    for (uint32_t i = 0; i < rg_array_size(arr); i++)
        if (rg_val_is_str(rg_array_at(arr, i), s)) return true;
    return false;
}

static bool in_reply(const char *s) { return rg_t_holds(R.bytes, R.len, s); }

/* An access request for bsn granted by decider: the export in R. */
static const char *export_for(const char *bsn, const char *decider)
{
    static char rq[32];
    const char *e = rg_t_local_subject_request(&L, C.mgr, "access", bsn, rq);
    if (e[0]) return e;
    rg_buf *w = req(decider, "subject.decide", NULL, 2);
    rg_w_kstr(w, "request", rq);
    rg_w_kbool(w, "granted", true);
    const char *err = send_req();
    if (err[0]) printf("  subject.decide: %s: %s\n", err, rg_t_str(&R, "message"));
    return err;
}

/* Compiled by a manager: what they may read (not the health item, never
 * released to the ZVH), and of that not the police item kept from the
 * person; the one released to them is in. */
static void test_export(void)
{
    setup();
    REQUIRE(export_for(BSN_A, C.mgr)[0] == 0);
    const rg_val *cases = rg_t_get(&R, "cases");
    REQUIRE(rg_array_size(cases) == 1);
    const rg_val *o = rg_array_at(cases, 0);
    CHECK(rg_val_is_str(rg_map_get(o, "case"), a) && rg_val_is_str(rg_map_get(o, "person"), "P1"));
    CHECK(!in_reply(NAME_B) && !in_reply("Teunis's own answer"));         /* not the other person's case */
    CHECK(in_reply(NAME_A) && in_reply(BSN_A));                           /* their own data */
    CHECK(!in_reply("Amandelbloesem"));                                   /* the decider may not read it */
    CHECK(!in_reply("Vlierbes") && in_reply("Meidoorn"));                 /* kept back, released */
    uint64_t withheld = 0;
    CHECK(rg_val_uint(rg_map_get(o, "withheld"), &withheld) && withheld == 2);
    const rg_val *cat = rg_map_get(o, "categories");
    CHECK(has_str(cat, "name") && has_str(cat, "bsn") && has_str(cat, "birth_date"));
    CHECK(has_str(cat, "special categories (health; GDPR art. 9)") && has_str(cat, "criminal data (GDPR art. 10)"));
    CHECK(!has_str(cat, "data under professional secrecy"));
    CHECK(rg_val_is_str(rg_map_get(o, "source"), "police"));
    const rg_val *rec = rg_map_get(o, "recipients");
    CHECK(has_str(rec, "police") && has_str(rec, "ggz") && has_str(rec, "zvh"));
    const rg_val *proc = rg_map_get(o, "processings");
    CHECK(rg_array_size(proc) > 0);
    bool ggz_read = false;
    for (uint32_t i = 0; i < rg_array_size(proc); i++) {
        const rg_val *p = rg_array_at(proc, i);
        CHECK(rg_map_get(p, "activity") && rg_map_get(p, "at") && rg_map_get(p, "status"));
        ggz_read |= rg_val_is_str(rg_map_get(p, "org"), "ggz");
    }
    CHECK(ggz_read);
    uint64_t days = 0;
    CHECK(rg_val_uint(rg_map_get(rg_map_get(o, "retention"), "days"), &days) && days == 1826);
    CHECK(rg_array_size(rg_map_get(o, "events")) > 0);
    const rg_val *about = rg_t_get(&R, "about");
    CHECK(rg_array_size(rg_map_get(about, "purposes")) == 1 && rg_array_size(rg_map_get(about, "rights")) == 5);
    steps_close();
}

/* A household: the export of the child's request is the child's, with the
 * case's facts, and not the mother's data. */
static void test_household_member(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &C) == 0);
    rg_buf *w = req(C.pol, "case.report", NULL, 5);
    rg_w_kstr(w, "target_group", "multi_probleem_gezin");
    rg_w_kstr(w, "summary", "a family in trouble");
    rg_w_kstr(w, "urgency", "normal");
    rg_w_kbool(w, "informed", true);
    rg_w_cstr(w, "persons");
    rg_w_array(w, 2);
    rg_w_map(w, 2);
    rg_w_kstr(w, "role", "subject");
    rg_w_kstr(w, "name", MOTHER);
    rg_w_map(w, 4);
    rg_w_kstr(w, "role", "child");
    rg_w_kstr(w, "name", CHILD);
    rg_w_kstr(w, "birth_date", "2005-07-08");          /* an adult child: asks for themselves */
    rg_w_kstr(w, "bsn", BSN_CHILD);
    OK();
    char h[32];
    snprintf(h, sizeof h, "%s", rg_t_str(&R, "case"));
    DONE(rg_t_local_drive(&L, &C, h, "analysis"));
    REQUIRE(export_for(BSN_CHILD, C.mgr)[0] == 0);
    const rg_val *cases = rg_t_get(&R, "cases");
    REQUIRE(rg_array_size(cases) == 1);
    const rg_val *o = rg_array_at(cases, 0);
    CHECK(rg_val_is_str(rg_map_get(o, "case"), h) && rg_val_is_str(rg_map_get(o, "person"), "P2"));
    CHECK(in_reply(CHILD) && in_reply(BSN_CHILD) && !in_reply(MOTHER));
    CHECK(has_str(rg_map_get(o, "categories"), "bsn"));
    steps_close();
}

int main(void)
{
    RUN(test_export);
    RUN(test_household_member);
    return rg_t_exit();
}
