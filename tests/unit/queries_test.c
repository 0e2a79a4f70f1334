/*
 * queries_test.c - handlers/queries.c over an engine in this process: the
 * reads.  case.get (the full view with its version, participants,
 * requests, plan and deadlines; the triage view before the case is taken;
 * not found for an org not taking part or a case that is none),
 * case.history (from the version the reader's org joined), cases.list (by
 * state, a page of `limit` and the next one after, only the cases the
 * caller may see, bad filters refused) and stats (the region's counts; the
 * engine's own figures for its operator only).  No read writes to the log.
 */
#include "steps.h"

static rg_t_cast C;
static char gem[128];
static char ids[5][32];

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &C) == 0);
    rg_t_local_actor(&L, "gem", "partner", "gemeente", gem);
    REQUIRE(gem[0]);
    /* Five cases: two reported, one in intake, one in analysis, one in
     * execution. */
    static const char *const to[] = {"reported", "reported", "intake", "analysis", "execution"};
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "Person %c. Example", 'A' + i);
        DONE(rg_t_local_report(&L, C.pol, name, ids[i]));
        if (i >= 2) DONE(rg_t_local_drive(&L, &C, ids[i], to[i]));
    }
}

static void test_case_get(void)
{
    setup();
    uint64_t head = rg_t_local_head(&L);
    const char *x = ids[4];
    REQUIRE(query(C.pr, "case.get", x)[0] == 0);
    const rg_val *cs = rg_t_get(&R, "case");
    uint64_t version = 0;
    CHECK(rg_val_is_str(rg_map_get(cs, "id"), x) && rg_val_is_str(rg_map_get(cs, "state"), "execution"));
    CHECK(rg_val_uint(rg_map_get(cs, "version"), &version) && version == rg_t_local_version(&L, C.pr, x));
    CHECK(rg_val_is_str(rg_map_get(cs, "procesregisseur"), "pr") && rg_val_is_str(rg_map_get(cs, "reporter_org"), "police"));
    CHECK(rg_array_size(rg_map_get(cs, "participants")) >= 2);     /* police, ggz */
    CHECK(rg_map_get(rg_map_get(cs, "plan"), "actions") != NULL);
    CHECK(rg_map_get(cs, "deadlines") != NULL && rg_map_get(cs, "subject") != NULL);
    bool triage = true;
    CHECK(!rg_val_bool(rg_map_get(cs, "triage"), &triage) || !triage);
    /* Before it is taken: the triage view, no subject, no persons. */
    REQUIRE(query(C.pr, "case.get", ids[0])[0] == 0);
    cs = rg_t_get(&R, "case");
    CHECK(rg_val_bool(rg_map_get(cs, "triage"), &triage) && triage);
    CHECK(!rg_map_get(cs, "subject") && !rg_map_get(cs, "persons") && !rg_t_holds(R.bytes, R.len, "Person A."));
    /* Not taking part, or no such case: not found alike. */
    CHECK(strcmp(query(gem, "case.get", x), "not_found") == 0);
    CHECK(strcmp(query(C.pr, "case.get", "ZVH-NOSUCHCASE"), "not_found") == 0);
    CHECK(strcmp(query(gem, "case.history", x), "not_found") == 0);
    CHECK(rg_t_local_head(&L) == head);
    steps_close();
}

static void test_case_history(void)
{
    setup();
    const char *x = ids[3];
    REQUIRE(query(C.pr, "case.history", x)[0] == 0);
    uint32_t all = rg_array_size(rg_t_get(&R, "events"));
    CHECK(all == rg_t_uint(&R, "version"));
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "type"), "case.reported"));
    /* gemeente joins: it reads from its joining on, not before. */
    rg_w_kstr(req(C.pr, "partner.join", x, 1), "org", "gemeente");
    OK();
    uint64_t joined = rg_t_uint(&R, "version");
    REQUIRE(query(gem, "case.history", x)[0] == 0);
    const rg_val *evs = rg_t_get(&R, "events");
    CHECK(rg_array_size(evs) == 1);
    uint64_t v = 0;
    CHECK(rg_val_uint(rg_map_get(rg_array_at(evs, 0), "v"), &v) && v == joined);
    CHECK(!rg_t_holds(R.bytes, R.len, "Person D."));
    steps_close();
}

/* cases.list by token with state (NULL: any), limit (0: none), after (NULL). */
static const char *list(const char *token, const char *state, uint64_t limit, const char *after)
{
    rg_buf_reset(&B);
    rg_req_envelope(&B, "cases.list", token, NULL, NULL, -1, !!state + !!limit + !!after);
    if (state) rg_w_kstr(&B, "state", state);
    if (limit) rg_w_kuint(&B, "limit", limit);
    if (after) rg_w_kstr(&B, "after", after);
    return send_req();
}

static void test_cases_list(void)
{
    setup();
    uint64_t head = rg_t_local_head(&L);
    REQUIRE(list(C.mgr, NULL, 0, NULL)[0] == 0);
    CHECK(rg_array_size(rg_t_get(&R, "cases")) == 5);
    CHECK(rg_val_type(rg_t_get(&R, "next")) == RG_VNIL && rg_t_uint(&R, "now") > 0);
    REQUIRE(list(C.mgr, "reported", 0, NULL)[0] == 0);
    CHECK(rg_array_size(rg_t_get(&R, "cases")) == 2);
    REQUIRE(list(C.mgr, "execution", 0, NULL)[0] == 0);
    CHECK(rg_array_size(rg_t_get(&R, "cases")) == 1 &&
          rg_val_is_str(rg_map_get(rg_array_at(rg_t_get(&R, "cases"), 0), "id"), ids[4]));
    /* Pages of two: 2, 2, 1, each after the last one's id. */
    char after[32] = "";
    uint32_t seen = 0, pages = 0;
    do {
        REQUIRE(list(C.mgr, NULL, 2, after[0] ? after : NULL)[0] == 0);
        seen += rg_array_size(rg_t_get(&R, "cases"));
        pages++;
        after[0] = '\0';
        rg_val_strcpy(rg_t_get(&R, "next"), after, sizeof after);
    } while (after[0] && pages < 10);
    CHECK(seen == 5 && pages == 3);
    /* A partner sees the cases its org takes part in: ggz only those that
     * reached the meeting (the drive invites it) -- one. */
    REQUIRE(list(C.ggz, NULL, 0, NULL)[0] == 0);
    CHECK(rg_array_size(rg_t_get(&R, "cases")) == 1);
    REQUIRE(list(gem, NULL, 0, NULL)[0] == 0);
    CHECK(rg_array_size(rg_t_get(&R, "cases")) == 0);
    /* Bad filters. */
    CHECK(strcmp(list(C.mgr, "sleeping", 0, NULL), "bad_request") == 0 && strstr(rg_t_str(&R, "message"), "data.state"));
    CHECK(strcmp(list(C.mgr, NULL, 501, NULL), "bad_request") == 0 && strstr(rg_t_str(&R, "message"), "data.limit"));
    CHECK(rg_t_local_head(&L) == head);
    steps_close();
}

static void test_stats(void)
{
    setup();
    REQUIRE(query(C.mgr, "stats", NULL)[0] == 0);
    const rg_val *cases = rg_t_get(&R, "cases");
    uint64_t n = 0;
    CHECK(rg_val_uint(rg_map_get(cases, "reported"), &n) && n == 2);
    CHECK(rg_val_uint(rg_map_get(cases, "execution"), &n) && n == 1);
    CHECK(rg_t_uint(&R, "total") == 5);
    CHECK(rg_val_uint(rg_map_get(rg_map_get(rg_t_get(&R, "routes"), "default"), "open"), &n) && n == 5);
    CHECK(!rg_t_get(&R, "log_head") && !rg_t_get(&R, "group_commit"));   /* the engine's own: not a manager's */
    REQUIRE(query(L.admin, "stats", NULL)[0] == 0);
    CHECK(rg_t_get(&R, "log_head") && rg_t_get(&R, "group_commit"));
    CHECK(strcmp(query(C.pol, "stats", NULL), "forbidden") == 0);
    steps_close();
}

int main(void)
{
    RUN(test_case_get);
    RUN(test_case_history);
    RUN(test_cases_list);
    RUN(test_stats);
    return rg_t_exit();
}
