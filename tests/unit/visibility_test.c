/*
 * visibility_test.c - who sees what (issue 13), each finding from outside as
 * a test that failed before the rules of CONTRACT.md "Regions, visibility
 * and what an outsider learns" were built, in process:
 *
 *   1. regions are sealed: a manager of Rotterdam reads nothing of Tilburg;
 *   2. a procesregisseur sees the triage view of an unassigned case, no person;
 *   3. case.get hides what happened before a partner's org joined;
 *   4. the feed ends with a reassignment;
 *   5. notifications carry only {seq} on opaque topics (notify.topics);
 *   6. a case one may not see is not_found, like one that does not exist;
 *   7. classified items in every free-text field, and item.release;
 *   8. the radicalisation covenant;
 *   9. the audit trail: zvh, on whose behalf, purpose, basis, refused reads,
 *      per case;
 *  10. alerts are durable: alerts.list and alert.ack.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "steps.h"

static char adm[128], polT[128], ggzT[128], gemT[128], prT[128], prT2[128], mgrT[128], mgrR[128],
    polR[128], prRad[128], mgrRad[128];

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    snprintf(adm, sizeof adm, "%s", L.admin);
    actor_in("polT", "partner", "police", "tilburg", NULL, polT);
    actor_in("ggzT", "partner", "ggz", "tilburg", NULL, ggzT);
    actor_in("gemT", "partner", "gemeente", "tilburg", NULL, gemT);
    actor_in("prT", "procesregisseur", "zvh-tilburg", "tilburg", NULL, prT);
    actor_in("prT2", "procesregisseur", "zvh-tilburg", "tilburg", NULL, prT2);
    actor_in("mgrT", "manager", "zvh-tilburg", "tilburg", NULL, mgrT);
    actor_in("mgrR", "manager", "zvh-rotterdam", "rotterdam", NULL, mgrR);
    actor_in("polR", "partner", "police", "rotterdam", NULL, polR);
    actor_in("prRad", "procesregisseur", "zvh-tilburg", "tilburg", "radicalisering", prRad);
    actor_in("mgrRad", "manager", "zvh-tilburg", "tilburg", "radicalisering", mgrRad);
}

static void teardown(void)
{
    rg_t_local_close(&L, true);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

/* A case reported by token, summary of the given class; its id into id. */
static void report(const char *token, const char *target, const char *cls, char *id)
{
    static int n;
    char rq[32];
    snprintf(rq, sizeof rq, "rep-%d", ++n);
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.report", token, rq, NULL, -1, 6);
    rg_w_kstr(&B, "target_group", target);
    rg_w_kstr(&B, "summary", "repeated incidents");
    rg_w_kstr(&B, "class", cls);
    rg_w_kstr(&B, "urgency", "normal");
    rg_w_kbool(&B, "informed", true);
    rg_w_cstr(&B, "subject");
    rg_w_map(&B, 2);
    rg_w_kstr(&B, "name", "Jan Jansen");
    rg_w_kstr(&B, "bsn", "123456782");
    id[0] = '\0';
    if (send_req()[0] == 0) snprintf(id, 32, "%s", rg_t_str(&R, "case"));
}

static const rg_val *case_of(void) { return rg_t_get(&R, "case"); }

static void take_and_admit(const char *pr, const char *prid, const char *id)
{
    rg_w_kstr(req(pr, "case.assign", id, 1), "procesregisseur", prid);
    OK();
    req(pr, "intake.start", id, 0);
    OK();
    rg_buf *b = req(pr, "intake.decide", id, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "several domains");
    rg_t_w_list(b, "criteria", "multi_domain");
    OK();
}

static void test_regions_are_sealed(void)
{
    setup();
    char id[32];
    report(polT, "verward_gedrag", "ordinary", id);
    REQUIRE(id[0]);
    CHECK(strcmp(query(mgrT, "case.get", id), "") == 0);
    CHECK(rg_map_get(case_of(), "subject") != NULL);
    /* The same org name in another region sees nothing either. */
    CHECK(strcmp(query(mgrR, "case.get", id), "not_found") == 0);
    CHECK(strcmp(query(polR, "case.get", id), "not_found") == 0);
    CHECK(strcmp(query(mgrR, "cases.list", NULL), "") == 0 && rg_array_size(rg_t_get(&R, "cases")) == 0);
    CHECK(strcmp(query(mgrR, "feed.read", NULL), "") == 0 && rg_array_size(rg_t_get(&R, "events")) == 0);
    CHECK(strcmp(query(polR, "feed.read", NULL), "") == 0 && rg_array_size(rg_t_get(&R, "events")) == 0);
    rg_w_kstr(req(mgrR, "case.assign", id, 1), "procesregisseur", "prT");
    FAILS("not_found", "no case");
    teardown();
}

static void test_triage_view_then_full(void)
{
    setup();
    char id[32];
    report(polT, "verward_gedrag", "ordinary", id);
    REQUIRE(id[0]);
    REQUIRE(query(prT, "case.get", id)[0] == 0);
    const rg_val *cs = case_of();
    CHECK(rg_val_is_str(rg_map_get(cs, "summary"), "repeated incidents"));
    CHECK(rg_map_get(cs, "subject") == NULL);
    bool triage = false;
    CHECK(rg_val_bool(rg_map_get(cs, "triage"), &triage) && triage);
    CHECK(strcmp(query(prT, "case.history", id), "forbidden") == 0);
    rg_w_kstr(req(prT, "case.assign", id, 1), "procesregisseur", "prT");
    OK();
    REQUIRE(query(prT, "case.get", id)[0] == 0);
    CHECK(rg_map_get(case_of(), "subject") != NULL);
    /* Once it is someone's, another procesregisseur sees nothing. */
    CHECK(strcmp(query(prT2, "case.get", id), "not_found") == 0);
    teardown();
}

static void test_join_version_and_reassignment(void)
{
    setup();
    char id[32];
    report(polT, "verward_gedrag", "ordinary", id);
    REQUIRE(id[0]);
    take_and_admit(prT, "prT", id);
    rg_buf *b = req(prT, "info.request", id, 2);
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "known to you?");
    OK();
    rg_w_kstr(req(prT, "partner.join", id, 1), "org", "gemeente");
    OK();
    REQUIRE(query(gemT, "case.get", id)[0] == 0);
    CHECK(rg_array_size(rg_map_get(case_of(), "requests")) == 0);
    const rg_val *parts = rg_map_get(case_of(), "participants");
    CHECK(rg_array_size(parts) == 1);
    REQUIRE(query(ggzT, "case.get", id)[0] == 0);
    CHECK(rg_array_size(rg_map_get(case_of(), "requests")) == 1);

    /* The feed ends with the assignment. */
    CHECK(query(prT, "feed.read", NULL)[0] == 0 && rg_array_size(rg_t_get(&R, "events")) > 0);
    uint64_t next = rg_t_uint(&R, "next");
    rg_w_kstr(req(mgrT, "case.assign", id, 1), "procesregisseur", "prT2");
    OK();
    b = req(polT, "info.request", id, 0);   /* a partner may not: just to move on */
    (void)b;
    rg_w_kstr(req(prT2, "review.hold", id, 1), "notes", "n");   /* wrong state: nothing written */
    send_req();
    rg_w_kstr(req(prT2, "partner.join", id, 1), "org", "veilig-thuis");
    OK();
    rg_buf_reset(&B);
    rg_req_envelope(&B, "feed.read", prT, NULL, NULL, -1, 1);
    rg_w_kuint(&B, "after", next);
    CHECK(send_req()[0] == 0 && rg_array_size(rg_t_get(&R, "events")) == 0);
    CHECK(strcmp(query(prT, "case.get", id), "not_found") == 0);
    teardown();
}

static void test_classified_items(void)
{
    setup();
    char id[32];
    report(polT, "verward_gedrag", "ordinary", id);
    REQUIRE(id[0]);
    take_and_admit(prT, "prT", id);
    rg_w_kstr(req(prT, "partner.join", id, 1), "org", "gemeente");
    OK();
    rg_buf *b = req(prT, "info.request", id, 2);
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "known to you?");
    OK();
    b = req(ggzT, "info.provide", id, 3);
    rg_w_kstr(b, "request", "R1");
    rg_w_kstr(b, "answer", "GGZ reports a psychosis");
    rg_w_kstr(b, "class", "special");
    OK();
    uint64_t seq = rg_t_uint(&R, "seq");
    /* The municipality and the manager see that it exists, not what. */
    const char *readers[] = {gemT, mgrT};
    for (int i = 0; i < 2; i++) {
        REQUIRE(query(readers[i], "case.history", id)[0] == 0);
        const rg_val *evs = rg_t_get(&R, "events");
        bool seen = false;
        for (uint32_t j = 0; j < rg_array_size(evs); j++) {
            const rg_val *d = rg_map_get(rg_array_at(evs, j), "data");
            if (!rg_val_is_str(rg_map_get(rg_array_at(evs, j), "type"), "info.provided")) continue;
            bool w = false;
            seen = rg_map_get(d, "answer") == NULL && rg_val_bool(rg_map_get(d, "withheld"), &w) && w &&
                   rg_val_is_str(rg_map_get(d, "class"), "special");
        }
        CHECK(seen);
    }
    /* Only the source releases it. */
    b = req(gemT, "item.release", id, 2);
    rg_w_kuint(b, "seq", seq);
    rg_t_w_list(b, "orgs", "gemeente");
    FAILS("forbidden", "only its source");
    b = req(ggzT, "item.release", id, 2);
    rg_w_kuint(b, "seq", seq);
    rg_t_w_list(b, "orgs", "gemeente");
    OK();
    REQUIRE(query(gemT, "case.history", id)[0] == 0);
    const rg_val *evs = rg_t_get(&R, "events");
    bool readable = false;
    for (uint32_t j = 0; j < rg_array_size(evs); j++)
        if (rg_val_is_str(rg_map_get(rg_map_get(rg_array_at(evs, j), "data"), "answer"), "GGZ reports a psychosis"))
            readable = true;
    CHECK(readable);
    teardown();
}

static void test_covenant_case(void)
{
    setup();
    char id[32];
    report(polT, "radicalisering", "ordinary", id);
    REQUIRE(id[0]);
    CHECK(strcmp(query(mgrT, "case.get", id), "not_found") == 0);
    CHECK(strcmp(query(prT, "case.get", id), "not_found") == 0);
    CHECK(strcmp(query(mgrRad, "case.get", id), "") == 0);
    CHECK(strcmp(query(prRad, "case.get", id), "") == 0);
    teardown();
}

static void test_probing_ids_gives_not_found(void)
{
    setup();
    char id[32];
    for (int i = 0; i < 3; i++) report(polT, "verward_gedrag", "ordinary", id);
    int nf = 0;
    for (int i = 1; i <= 1000; i++) {
        /* the ids of older logs, and the real id with each last symbol */
        char probe[32];
        if (i <= 968) snprintf(probe, sizeof probe, "ZVH-%08d", i);
        else snprintf(probe, sizeof probe, "%.12s%c", id, "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[i - 969]);
        if (strcmp(probe, id) == 0) {
            nf++;
            continue;
        }
        const char *e = query(polR, "case.get", probe);
        nf += strcmp(e, "not_found") == 0 && strcmp(rg_t_str(&R, "message"), "no case ") > 0;
    }
    CHECK(nf == 1000);
    teardown();
}

static void test_topics_and_alerts(void)
{
    setup();
    REQUIRE(query(prT, "notify.topics", NULL)[0] == 0);
    char feed[64], alerts[64];
    snprintf(feed, sizeof feed, "%s", rg_t_str(&R, "feed"));
    snprintf(alerts, sizeof alerts, "%s", rg_t_str(&R, "alerts"));
    CHECK(strlen(feed) == 32 && strlen(alerts) == 32 && strcmp(feed, alerts) != 0);
    CHECK(strstr(feed, "prT") == NULL && strstr(feed, "tilburg") == NULL);
    char id[32];
    report(polT, "verward_gedrag", "ordinary", id);
    REQUIRE(id[0]);
    rg_w_kstr(req(prT, "case.assign", id, 1), "procesregisseur", "prT");
    OK();
    /* intake.start lapses after 2 working days: a stagnation alert. */
    rg_w_kuint(req(adm, "clock.advance", NULL, 1), "ms", 5ULL * 86400000);
    OK();
    REQUIRE(query(prT, "alerts.list", NULL)[0] == 0);
    const rg_val *al = rg_t_get(&R, "alerts");
    uint32_t nal = rg_array_size(al);
    REQUIRE(nal >= 1);
    uint64_t n = 0;
    rg_val_uint(rg_map_get(rg_array_at(al, 0), "alert"), &n);
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(al, 0), "kind"), "stagnation"));
    CHECK(rg_val_is_str(rg_map_get(rg_array_at(al, 0), "case"), id));
    rg_w_kuint(req(prT, "alert.ack", NULL, 1), "alert", n);
    OK();
    rg_buf_reset(&B);
    rg_req_envelope(&B, "alerts.list", prT, NULL, NULL, -1, 1);
    rg_w_kbool(&B, "open", true);
    CHECK(send_req()[0] == 0 && rg_array_size(rg_t_get(&R, "alerts")) == nal - 1);
    /* Nobody else's alerts, and the other region's manager has none. */
    CHECK(query(mgrR, "alerts.list", NULL)[0] == 0 && rg_array_size(rg_t_get(&R, "alerts")) == 0);
    rg_w_kuint(req(prT2, "alert.ack", NULL, 1), "alert", n);
    FAILS("not_found", "no alert");
    teardown();
}

static void test_audit_trail(void)
{
    setup();
    char id[32];
    report(polT, "verward_gedrag", "ordinary", id);
    REQUIRE(id[0]);
    REQUIRE(query(mgrT, "case.get", id)[0] == 0);
    CHECK(strcmp(query(mgrR, "case.get", id), "not_found") == 0);
    rg_buf_reset(&B);
    rg_req_envelope(&B, "audit.read", adm, NULL, NULL, -1, 1);
    rg_w_kstr(&B, "case", id);
    REQUIRE(send_req()[0] == 0);
    const rg_val *recs = rg_t_get(&R, "records");
    REQUIRE(rg_array_size(recs) == 2);
    const rg_val *r0 = rg_array_at(recs, 0), *r1 = rg_array_at(recs, 1);
    bool refused = true;
    CHECK(rg_val_is_str(rg_map_get(r0, "actor"), "mgrT") && rg_val_is_str(rg_map_get(r0, "zvh"), "tilburg"));
    CHECK(rg_val_is_str(rg_map_get(r0, "on_behalf_of"), "police"));
    CHECK(rg_val_bool(rg_map_get(r0, "refused"), &refused) && !refused);
    CHECK(rg_val_type(rg_map_get(r0, "basis")) == RG_VSTR && rg_val_type(rg_map_get(r0, "purpose")) == RG_VSTR);
    CHECK(rg_val_is_str(rg_map_get(r1, "actor"), "mgrR"));
    CHECK(rg_val_bool(rg_map_get(r1, "refused"), &refused) && refused);
    teardown();
}

int main(void)
{
    RUN(test_regions_are_sealed);
    RUN(test_triage_view_then_full);
    RUN(test_join_version_and_reassignment);
    RUN(test_classified_items);
    RUN(test_covenant_case);
    RUN(test_probing_ids_gives_not_found);
    RUN(test_topics_and_alerts);
    RUN(test_audit_trail);
    return rg_t_exit();
}
