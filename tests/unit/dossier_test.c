/*
 * dossier_test.c - handlers/dossier.c, escalation.dossier over an engine in
 * this process on a manual clock: what the levels of the ladder read
 * instead of the case file.  With nothing stuck it says so; once an action
 * and an information request are overdue and the case is escalated by hand
 * to level 2, it names the stuck step in words, every open stagnation,
 * which org owes what since when, the ladder with who was alerted, and
 * after a decision the decided step, and no name, summary, question,
 * action or reason of the case; it reads the same after a restart.  Read by
 * the procesregisseur, a manager and the partner managers the ladder
 * reached; refused to a partner, not found for a partner manager it did not
 * reach.  Reading it writes nothing to the log.
 */
#include "steps.h"

#define DAY 86400000ULL

static rg_t_cast C;
static char pmggz[128], pmpol[128], id[32];

static void setup(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    REQUIRE(rg_t_local_cast(&L, &C) == 0);
    rg_t_local_actor(&L, "pm-ggz", "partner_manager", "ggz", pmggz);
    rg_t_local_actor(&L, "pm-pol", "partner_manager", "police", pmpol);
    REQUIRE(pmggz[0] && pmpol[0]);
    clock_to(iso("2026-03-02T09:00:00+01:00"));
    DONE(rg_t_local_report(&L, C.pol, "Adriana Person", id));
}

static const rg_val *dossier(const char *token)
{
    if (query(token, "escalation.dossier", id)[0]) return NULL;
    return rg_t_get(&R, "dossier");
}

static bool str_is(const rg_val *m, const char *key, const char *want) { return rg_val_is_str(rg_map_get(m, key), want); }

static void test_nothing_stuck(void)
{
    setup();
    DONE(rg_t_local_drive(&L, &C, id, "execution"));
    const rg_val *d = dossier(C.pr);
    REQUIRE(d);
    CHECK(rg_val_is_str(rg_t_get(&R, "case"), id));
    CHECK(str_is(d, "state", "execution") && str_is(d, "target_group", "verward_gedrag") && str_is(d, "urgency", "normal"));
    CHECK(rg_val_type(rg_map_get(d, "escalation")) == RG_VNIL && rg_val_type(rg_map_get(d, "stuck")) == RG_VNIL);
    CHECK(rg_array_size(rg_map_get(d, "stagnations")) == 0 && rg_array_size(rg_map_get(d, "owes")) == 0 &&
          rg_array_size(rg_map_get(d, "ladder")) == 0);
    CHECK(dossier(C.mgr) != NULL);
    uint64_t head = rg_t_local_head(&L);
    CHECK(strcmp(query(C.pol, "escalation.dossier", id), "forbidden") == 0);
    CHECK(strcmp(query(pmggz, "escalation.dossier", id), "not_found") == 0);
    CHECK(rg_t_local_head(&L) == head);
    steps_close();
}

static void test_stuck_and_escalated(void)
{
    setup();
    DONE(rg_t_local_drive(&L, &C, id, "execution"));        /* a1, ggz's, due 1 April */
    rg_buf *b = req(C.pr, "info.request", id, 3);
    rg_w_kstr(b, "org", "police");
    rg_w_kstr(b, "question", "any weapons permit on record?");
    rg_w_kstr(b, "due", "2026-03-31");
    OK();
    clock_to(iso("2026-04-01T12:00:00+02:00"));             /* both overdue, the ladder not started */
    const rg_val *d = dossier(C.pr);
    REQUIRE(d);
    /* Three stagnations: no progress in four weeks (the oldest, so the
     * stuck step: no item, no org owes it), R1 unanswered, a1 not done. */
    const rg_val *st = rg_map_get(d, "stagnations");
    CHECK(rg_array_size(st) == 3);
    bool r1 = false, a1 = false;
    for (uint32_t i = 0; i < rg_array_size(st); i++) {
        const rg_val *s = rg_array_at(st, i);
        r1 |= str_is(s, "norm", "info.answer") && str_is(s, "item", "R1") && str_is(s, "org", "police");
        a1 |= str_is(s, "norm", "action.done") && str_is(s, "item", "a1") && str_is(s, "org", "ggz");
        CHECK(rg_map_get(s, "what") && !str_is(s, "what", "info.answer"));     /* the norm in words */
    }
    CHECK(r1 && a1);
    CHECK(rg_array_size(rg_map_get(d, "owes")) == 2);
    const rg_val *stuck = rg_map_get(d, "stuck");
    CHECK(str_is(stuck, "norm", "progress") && str_is(stuck, "item", "") &&
          rg_val_type(rg_map_get(stuck, "org")) == RG_VNIL);

    /* The procesregisseur escalates to level 2: the partner managers of the
     * orgs that owe are alerted, and read the dossier. */
    CHECK(strcmp(query(pmggz, "escalation.dossier", id), "not_found") == 0);
    b = req(C.pr, "case.escalate", id, 2);
    rg_w_kuint(b, "level", 2);
    rg_w_kstr(b, "reason", "nothing moves, the family is at risk");
    OK();
    d = dossier(pmggz);
    REQUIRE(d);
    CHECK(rg_map_get(rg_map_get(d, "escalation"), "level") != NULL);
    uint64_t level = 0;
    CHECK(rg_val_uint(rg_map_get(rg_map_get(d, "escalation"), "level"), &level) && level == 2);
    const rg_val *ladder = rg_map_get(d, "ladder");
    REQUIRE(rg_array_size(ladder) == 1);
    const rg_val *step = rg_array_at(ladder, 0);
    CHECK(str_is(step, "step", "escalated") && str_is(step, "by", "procesregisseur"));
    CHECK(rg_t_holds(R.bytes, R.len, "partner_manager:ggz") && rg_t_holds(R.bytes, R.len, "partner_manager:police"));
    const rg_val *owes = rg_map_get(d, "owes");
    bool ggz_action = false, police_request = false;
    for (uint32_t i = 0; i < rg_array_size(owes); i++) {
        const rg_val *o = rg_array_at(owes, i);
        ggz_action |= str_is(o, "org", "ggz") && str_is(o, "kind", "action") && str_is(o, "item", "a1");
        police_request |= str_is(o, "org", "police") && str_is(o, "kind", "request") && str_is(o, "item", "R1");
    }
    CHECK(ggz_action && police_request);
    /* Nothing of the case file: no name, summary, question, action, reason. */
    const char *secret[] = {"Adriana Person", "repeated incidents", "weapons permit", "action 1 of the plan",
                            "the family is at risk", "a joint approach"};
    for (int i = 0; i < 6; i++)
        if (rg_t_holds(R.bytes, R.len, secret[i])) {
            printf("  the dossier holds \"%s\"\n", secret[i]);
            rg_t_failed = 1;
        }
    CHECK(dossier(pmpol) != NULL);
    uint8_t *before = malloc(R.len);
    size_t before_len = R.len;
    memcpy(before, R.bytes, R.len);

    /* The same after a restart (rendered from the events). */
    char *dir = strdup(L.dir);
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    free(dir);
    CHECK(dossier(pmpol) != NULL && R.len == before_len && memcmp(R.bytes, before, R.len) == 0);
    free(before);

    /* A manager decides: the ladder shows it, the escalation is closed. */
    rg_w_kstr(req(C.mgr, "escalation.resolve", id, 1), "decision", "ggz delivers by the end of the month");
    OK();
    d = dossier(C.mgr);
    REQUIRE(d);
    CHECK(rg_val_type(rg_map_get(d, "escalation")) == RG_VNIL);
    ladder = rg_map_get(d, "ladder");
    REQUIRE(rg_array_size(ladder) == 2);
    step = rg_array_at(ladder, 1);
    CHECK(str_is(step, "step", "decided") && str_is(step, "by", "manager") && !rg_map_get(step, "new_due"));
    CHECK(!rg_t_holds(R.bytes, R.len, "ggz delivers"));
    steps_close();
}

int main(void)
{
    RUN(test_nothing_stuck);
    RUN(test_stuck_and_escalated);
    return rg_t_exit();
}
