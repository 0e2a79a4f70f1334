/*
 * oldformat_test.c - a data directory written by the engine before regions
 * and encryption (tests/fixtures/v1-data.tar.gz: regie-sim, 12 cases over 60
 * days, made with commit b44673c) still opens: its hash chain verifies, its
 * cases belong to the first region and show their person to a manager, new
 * events on an old case are sealed under a key the case gets then, and a
 * rebuild of it gives the same projections.  Its old records stay as they
 * were stored (plain): the chain covers them (ARCHITECTURE.md, "Known
 * limits": erasing such a case destroys its new key only).
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "steps.h"

static char dir[4096];

/* Does any file under d hold s?  (A shell search keeps the test short.) */
static bool found_plain(const char *d, const char *s)
{
    char cmd[8400];
    snprintf(cmd, sizeof cmd, "grep -rqa '%s' '%s'", s, d);
    return system(cmd) == 0;
}

static int unpack(void)
{
    char *tmp = rg_t_tmpdir();
    snprintf(dir, sizeof dir, "%s/data", tmp);
    free(tmp);
    char cmd[8400];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s' && tar xzf tests/fixtures/v1-data.tar.gz -C '%s'", dir, dir);
    return system(cmd);
}

static void test_v1_directory_opens(void)
{
    REQUIRE(unpack() == 0);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    REQUIRE(L.admin[0]);
    REQUIRE(query(L.admin, "log.verify", NULL)[0] == 0);
    bool intact = false;
    uint64_t checked = rg_t_uint(&R, "checked");
    CHECK(rg_val_bool(rg_t_get(&R, "intact"), &intact) && intact && checked > 200);

    char mgr[128] = "";
    /* A manager of the first region, admitted to the radicalisation
     * covenant (the simulation reports such cases too). */
    rg_buf *a = req(L.admin, "actor.create", NULL, 4);
    rg_w_kstr(a, "id", "mgr-new");
    rg_w_kstr(a, "role", "manager");
    rg_w_kstr(a, "org", "zvh");
    rg_t_w_list(a, "covenants", "radicalisering");
    if (send_req()[0] == 0) snprintf(mgr, sizeof mgr, "%s", rg_t_str(&R, "token"));
    REQUIRE(mgr[0]);
    REQUIRE(query(mgr, "case.get", "ZVH-00000001")[0] == 0);
    const rg_val *cs = rg_t_get(&R, "case");
    const rg_val *subject = rg_map_get(cs, "subject");
    CHECK(rg_val_type(rg_map_get(subject, "name")) == RG_VSTR);
    /* An old case is a one-person household: its subject is P1. */
    const rg_val *persons = rg_map_get(cs, "persons");
    CHECK(rg_array_size(persons) == 1 && rg_val_is_str(rg_map_get(rg_array_at(persons, 0), "person"), "P1") &&
          rg_val_is_str(rg_map_get(rg_array_at(persons, 0), "role"), "subject"));
    REQUIRE(query(mgr, "case.history", "ZVH-00000001")[0] == 0);
    CHECK(rg_array_size(rg_t_get(&R, "events")) > 3);
    REQUIRE(query(mgr, "cases.list", NULL)[0] == 0);
    CHECK(rg_array_size(rg_t_get(&R, "cases")) == 12);
    /* Its target groups were free text: each reads as a word of the list. */
    for (uint32_t i = 0; i < rg_array_size(rg_t_get(&R, "cases")); i++) {
        const char *g;
        uint32_t gn;
        REQUIRE(rg_val_str(rg_map_get(rg_array_at(rg_t_get(&R, "cases"), i), "target_group"), &g, &gn));
        char w[80];
        snprintf(w, sizeof w, " %.*s ", (int)gn, g);
        CHECK(strstr(" " RG_TARGET_GROUPS " ", w) != NULL);
    }

    /* A new step on an old case: escalate it (any open state). */
    const char *open_id = NULL;
    char ids[12][32];
    for (int i = 0; i < 12; i++) snprintf(ids[i], sizeof ids[i], "ZVH-%08d", i + 1);
    for (int i = 0; i < 12 && !open_id; i++) {
        if (query(mgr, "case.get", ids[i])[0]) continue;
        const rg_val *st = rg_map_get(rg_t_get(&R, "case"), "state");
        if (rg_val_is_str(st, "execution") || rg_val_is_str(st, "planning")) open_id = ids[i];
    }
    REQUIRE(open_id);
    char pr[128];
    rg_t_local_actor(&L, "pr-new", "procesregisseur", "zvh", pr);
    rg_w_kstr(req(mgr, "case.assign", open_id, 1), "procesregisseur", "pr-new");
    OK();
    rg_buf *b = req(pr, "partner.join", open_id, 1);
    rg_w_kstr(b, "org", "reclassering");
    OK();
    /* A person added to an old case is its P2, sealed under its new key. */
    b = req(pr, "person.add", open_id, 2);
    rg_w_kstr(b, "role", "child");
    rg_w_kstr(b, "name", "Zeer persoonlijk kind");
    OK();
    CHECK(rg_val_is_str(rg_t_get(&R, "person"), "P2"));
    /* Its P1 was sealed under the case's key: erased with the case alone. */
    b = req(mgr, "person.erase", open_id, 2);
    rg_w_kstr(b, "person", "P1");
    rg_w_kstr(b, "ground", "GDPR art. 17");
    FAILS("guard_failed", "only case.erase");
    /* A new free-text item on an old case: sealed under the key it gets now. */
    b = req(pr, "review.hold", open_id, 2);
    rg_w_kstr(b, "notes", "Zeer persoonlijke notitie");
    rg_w_kstr(b, "class", "special");
    const char *e = send_req();
    if (!e[0] || strcmp(e, "invalid_transition") == 0) {
        if (!e[0]) {
            REQUIRE(query(pr, "case.history", open_id)[0] == 0);
            bool seen = false;
            const rg_val *evs = rg_t_get(&R, "events");
            for (uint32_t i = 0; i < rg_array_size(evs); i++)
                seen |= rg_val_is_str(rg_map_get(rg_map_get(rg_array_at(evs, i), "data"), "notes"),
                                      "Zeer persoonlijke notitie");
            CHECK(seen);
        }
    } else {
        CHECK(!"review.hold on an old case");
    }
    rg_t_local_settle(&L);
    CHECK(!found_plain(dir, "Zeer persoonlijke"));
    CHECK(!found_plain(dir, "Zeer persoonlijk kind"));

    /* A rebuild gives back what the live engine holds. */
    rg_t_local_settle(&L);
    REQUIRE(query(mgr, "case.get", open_id)[0] == 0);
    size_t n0 = R.len;
    uint8_t *before0 = malloc(n0);
    memcpy(before0, R.bytes, n0);
    REQUIRE(query(mgr, "case.get", "ZVH-00000002")[0] == 0);
    size_t n1 = R.len;
    uint8_t *before = malloc(n1);
    memcpy(before, R.bytes, n1);
    uint64_t replayed = 0;
    REQUIRE(rg_replay_rebuild(L.e, &replayed) == 0);
    CHECK(replayed > checked);               /* the old log and the new steps */
    REQUIRE(query(mgr, "case.get", "ZVH-00000002")[0] == 0);
    CHECK(R.len == n1 && memcmp(R.bytes, before, n1) == 0);
    free(before);
    REQUIRE(query(mgr, "case.get", open_id)[0] == 0);
    CHECK(R.len == n0 && memcmp(R.bytes, before0, n0) == 0);   /* P2 too */
    free(before0);
    REQUIRE(query(L.admin, "log.verify", NULL)[0] == 0);
    CHECK(rg_val_bool(rg_t_get(&R, "intact"), &intact) && intact);
    rg_t_local_close(&L, true);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

int main(void)
{
    RUN(test_v1_directory_opens);
    return rg_t_exit();
}
