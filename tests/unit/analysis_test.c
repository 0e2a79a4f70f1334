/*
 * analysis_test.c - handlers/analysis.c over an engine in this process:
 * partner.join (an org by name, once; it sees the case from then on),
 * info.request (to an org by name, numbered R1, R2, ..., a due date ahead;
 * the org asked takes part from that version and sees nothing before it)
 * and info.provide (only a request of the case, only by the org asked, only
 * once; its class kept).  Every refusal with its error code and nothing
 * written.
 */
#include "steps.h"

#define DAY 86400000ULL

static rg_t_cast C;
static char gem[128], id[32];

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &C) == 0);
    rg_t_local_actor(&L, "gem", "partner", "gemeente", gem);
    REQUIRE(gem[0]);
    DONE(rg_t_local_report(&L, C.pol, "A. Person", id));
}

static void join(const char *token, const char *org)
{
    rg_w_kstr(req(token, "partner.join", id, 1), "org", org);
}

static void ask(const char *token, const char *org, const char *due)
{
    rg_buf *b = req(token, "info.request", id, due ? 3 : 2);
    rg_w_kstr(b, "org", org);
    rg_w_kstr(b, "question", "is there a treatment history?");
    if (due) rg_w_kstr(b, "due", due);
}

static void answer(const char *token, const char *rq, const char *text, const char *cls)
{
    rg_buf *b = req(token, "info.provide", id, cls ? 3 : 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kstr(b, "answer", text);
    if (cls) rg_w_kstr(b, "class", cls);
}

/* The first event of the last reply: its data's key as a string. */
static const char *event_data(const char *key)
{
    static char v[64];
    v[0] = '\0';
    rg_val_strcpy(rg_map_get(rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "data"), key), v, sizeof v);
    return v;
}

static void test_partner_join(void)
{
    setup();
    DONE(rg_t_local_drive(&L, &C, id, "intake"));
    join(C.pr, "gemeente");
    REFUSED("invalid_transition", "intake");
    DONE(rg_t_local_drive(&L, &C, id, "analysis"));
    CHECK(strcmp(query(gem, "case.get", id), "not_found") == 0);
    join(C.pr, "gemeente tilburg");
    REFUSED("bad_request", "data.org: use 1..64");
    join(C.ggz, "gemeente");
    REFUSED("forbidden", "");
    join(C.pr, "gemeente");
    OK();
    CHECK(strcmp(event_data("org"), "gemeente") == 0);
    CHECK(query(gem, "case.get", id)[0] == 0);
    join(C.pr, "gemeente");
    REFUSED("guard_failed", "gemeente already takes part");
    join(C.pr, "police");                          /* the reporter's org takes part from the report */
    REFUSED("guard_failed", "police already takes part");
    steps_close();
}

static void test_info_request_and_provide(void)
{
    setup();
    DONE(rg_t_local_drive(&L, &C, id, "analysis"));
    uint64_t now = clock_now();
    char due[32], past[32];
    snprintf(due, sizeof due, "%s", rg_t_iso(now + 10 * DAY));
    snprintf(past, sizeof past, "%s", rg_t_iso(now - DAY));
    ask(C.pr, "gemeente", past);
    REFUSED("guard_failed", "data.due");
    ask(C.pr, "gemeente", "next week");
    REFUSED("bad_request", "data.due");
    ask(C.pr, "gemeente/tilburg", due);
    REFUSED("bad_request", "data.org");
    ask(C.ggz, "gemeente", due);
    REFUSED("forbidden", "");
    CHECK(strcmp(query(gem, "case.get", id), "not_found") == 0);

    ask(C.pr, "gemeente", due);
    OK();
    CHECK(strcmp(event_data("request"), "R1") == 0 && strcmp(event_data("org"), "gemeente") == 0);
    uint64_t joined = rg_t_uint(&R, "version");
    ask(C.pr, "ggz", NULL);                        /* no due date: none is required */
    OK();
    CHECK(strcmp(event_data("request"), "R2") == 0);
    /* gemeente takes part from its request's version, and sees nothing before. */
    REQUIRE(query(gem, "case.history", id)[0] == 0);
    uint64_t first = 0;
    rg_val_uint(rg_map_get(rg_array_at(rg_t_get(&R, "events"), 0), "v"), &first);
    CHECK(first == joined);
    CHECK(!rg_t_holds(R.bytes, R.len, "A. Person"));

    answer(gem, "R9", "nothing", NULL);
    REFUSED("not_found", "no information request R9");
    answer(C.ggz, "R1", "not ours", NULL);
    REFUSED("forbidden", "request R1 was made to gemeente, not to ggz");
    answer(C.pol, "R1", "not ours either", NULL);
    REFUSED("forbidden", "not to police");
    answer(gem, "R1", "known to the social team", "confidential");
    REFUSED("bad_request", "data.class");
    answer(gem, "R1", "known to the social team", NULL);
    OK();
    CHECK(strcmp(event_data("class"), "ordinary") == 0 && strcmp(event_data("org"), "gemeente") == 0);
    answer(gem, "R1", "and more", NULL);
    REFUSED("guard_failed", "request R1 has already been answered");
    answer(C.ggz, "R2", "in treatment since 2021", "special");
    OK();
    CHECK(strcmp(event_data("class"), "special") == 0);
    /* The requests as case.get lists them. */
    REQUIRE(query(C.pr, "case.get", id)[0] == 0);
    const rg_val *rqs = rg_map_get(rg_t_get(&R, "case"), "requests");
    REQUIRE(rg_array_size(rqs) == 2);
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(rqs, 0), "status"), "answered"));
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(rqs, 1), "org"), "ggz"));
    CHECK(rg_val_type(rg_map_get(rg_array_at(rqs, 1), "due")) == RG_VNIL);
    steps_close();
}

int main(void)
{
    RUN(test_partner_join);
    RUN(test_info_request_and_provide);
    return rg_t_exit();
}
