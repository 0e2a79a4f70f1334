/*
 * sensitive_test.c - information of a sensitive class (DOMAIN.md,
 * "Provenance and sensitivity"; CONTRACT.md, "Classified items"): the
 * answer reaches the org it came from and the case's procesregisseur; every
 * other reader, the other partners in the case and the managers alike, sees
 * that it exists, its class and its source, and `withheld: true`, never the
 * answer — in case.history and in feed.read alike.  An unknown class is
 * refused; no class means ordinary.
 */
#include <string.h>

#include "../test.h"

static rg_t_local L;
static rg_buf B;
static rg_t_reply R;
static char pol[128], ggz[128], pr[128], mgr[128], cid[32];

static const char *call(void) { return rg_t_local_send(&L, &B, &R); }

static void actor(const char *id, const char *role, const char *org, char *tok)
{
    rg_t_local_actor(&L, id, role, org, tok);
}

/* The info.provided event of request `rq` as `token` reads it, from
 * case.history (feed false) or feed.read (feed true); NULL when absent. */
static const rg_val *provided(const char *token, const char *rq, bool feed)
{
    rg_buf_reset(&B);
    if (feed) {
        rg_req_envelope(&B, "feed.read", token, NULL, NULL, -1, 1);
        rg_w_kuint(&B, "after", 0);
    } else {
        rg_req_envelope(&B, "case.history", token, NULL, cid, -1, -1);
    }
    if (call()[0]) return NULL;
    const rg_val *evs = rg_t_get(&R, "events");
    for (uint32_t i = 0; i < rg_array_size(evs); i++) {
        const rg_val *ev = rg_array_at(evs, i);
        if (rg_val_is_str(rg_map_get(ev, "type"), "info.provided") &&
            rg_val_is_str(rg_map_get(rg_map_get(ev, "data"), "request"), rq))
            return rg_map_get(ev, "data");
    }
    return NULL;
}

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    actor("pol1", "partner", "police", pol);
    actor("ggz1", "partner", "ggz", ggz);
    actor("pr1", "procesregisseur", "zvh", pr);
    actor("mgr1", "manager", "zvh", mgr);
    rg_buf_reset(&B);
    rg_t_report_req(&B, pol, "rep1", "D. Person");
    REQUIRE(call()[0] == 0);
    snprintf(cid, sizeof cid, "%s", rg_t_str(&R, "case"));
    rg_w_kstr(rg_t_req(&B, pr, "case.assign", cid, 1), "procesregisseur", "pr1");
    REQUIRE(call()[0] == 0);
    rg_t_req(&B, pr, "intake.start", cid, -1);
    REQUIRE(call()[0] == 0);
    rg_buf *b = rg_t_req(&B, pr, "intake.decide", cid, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "several life domains");
    rg_t_w_criteria(b, "multi_domain");
    REQUIRE(call()[0] == 0);
    for (int i = 0; i < 2; i++) {
        b = rg_t_req(&B, pr, "info.request", cid, 2);
        rg_w_kstr(b, "org", "ggz");
        rg_w_kstr(b, "question", i ? "contact person?" : "treatment history?");
        REQUIRE(call()[0] == 0);
    }
}

static void test_sensitive_answer_withheld_from_other_partners(void)
{
    rg_buf *b = rg_t_req(&B, ggz, "info.provide", cid, 3);
    rg_w_kstr(b, "request", "R1");
    rg_w_kstr(b, "answer", "in treatment for psychosis since 2021");
    rg_w_kstr(b, "class", "special");
    REQUIRE(call()[0] == 0);
    for (int feed = 0; feed < 2; feed++) {
        const char *withheld_from[] = {pol, mgr};
        for (int k = 0; k < 2; k++) {
            const rg_val *d = provided(withheld_from[k], "R1", feed);
            REQUIRE(d);
            bool w = false;
            CHECK(rg_map_get(d, "answer") == NULL);
            CHECK(rg_val_bool(rg_map_get(d, "withheld"), &w) && w);
            CHECK(rg_val_is_str(rg_map_get(d, "class"), "special"));
            CHECK(memmem(R.bytes, R.len, "psychosis", 9) == NULL);      /* never sent */
        }
        const char *who[] = {ggz, pr};
        for (int k = 0; k < 2; k++) {
            const rg_val *d = provided(who[k], "R1", feed);
            REQUIRE(d);
            CHECK(rg_val_is_str(rg_map_get(d, "answer"), "in treatment for psychosis since 2021"));
            CHECK(rg_map_get(d, "withheld") == NULL);
        }
    }
}

/* Issue 21, finding 5: a release names orgs, and each reads the item for
 * as long as it takes part, whenever it joined: before or after the release,
 * the item written before its org joined is in its history all the same. */
static void test_release_reaches_orgs_that_join_later(void)
{
    rg_buf *b = rg_t_req(&B, pr, "info.request", cid, 2);
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "who is the contact?");
    REQUIRE(call()[0] == 0);
    b = rg_t_req(&B, ggz, "info.provide", cid, 3);
    rg_w_kstr(b, "request", "R3");
    rg_w_kstr(b, "answer", "contact through the FACT team");
    rg_w_kstr(b, "class", "special");
    REQUIRE(call()[0] == 0);
    uint64_t item = rg_t_uint(&R, "seq");
    char om[128], recl[128];
    actor("om1", "partner", "om", om);
    actor("recl1", "partner", "reclassering", recl);
    /* om joins first, then the release names om and reclassering, which
     * joins only afterwards. */
    rg_w_kstr(rg_t_req(&B, pr, "partner.join", cid, 1), "org", "om");
    REQUIRE(call()[0] == 0);
    b = rg_t_req(&B, ggz, "item.release", cid, 2);
    rg_w_kuint(b, "seq", item);
    rg_w_cstr(b, "orgs");
    rg_w_array(b, 2);
    rg_w_cstr(b, "om");
    rg_w_cstr(b, "reclassering");
    REQUIRE(call()[0] == 0);
    rg_w_kstr(rg_t_req(&B, pr, "partner.join", cid, 1), "org", "reclassering");
    REQUIRE(call()[0] == 0);
    const char *readers[] = {om, recl};
    for (int k = 0; k < 2; k++) {
        const rg_val *d = provided(readers[k], "R3", false);
        CHECK(d && rg_val_is_str(rg_map_get(d, "answer"), "contact through the FACT team"));
        /* ... and only the released item of the time before it joined. */
        CHECK(provided(readers[k], "R1", false) == NULL);
    }
    /* police, not named, still sees it withheld. */
    const rg_val *d = provided(pol, "R3", false);
    CHECK(d && !rg_map_get(d, "answer"));
}

static void test_ordinary_by_default_and_bad_class(void)
{
    rg_buf *b = rg_t_req(&B, ggz, "info.provide", cid, 3);
    rg_w_kstr(b, "request", "R2");
    rg_w_kstr(b, "answer", "the outpatient team");
    rg_w_kstr(b, "class", "top-secret");
    CHECK(strcmp(call(), "bad_request") == 0 && strstr(rg_t_str(&R, "message"), "data.class"));
    b = rg_t_req(&B, ggz, "info.provide", cid, 2);
    rg_w_kstr(b, "request", "R2");
    rg_w_kstr(b, "answer", "the outpatient team");
    REQUIRE(call()[0] == 0);
    const rg_val *d = provided(pol, "R2", false);
    REQUIRE(d);
    CHECK(rg_val_is_str(rg_map_get(d, "class"), "ordinary"));
    CHECK(rg_val_is_str(rg_map_get(d, "answer"), "the outpatient team"));
}

int main(void)
{
    RUN(setup);
    RUN(test_sensitive_answer_withheld_from_other_partners);
    RUN(test_release_reaches_orgs_that_join_later);
    RUN(test_ordinary_by_default_and_bad_class);
    rg_t_local_close(&L, true);
    rg_t_reply_free(&R);
    rg_buf_free(&B);
    return rg_t_exit();
}
