/*
 * erasure_test.c - personal data that can be erased (issue 14), in process
 * on a real RocksDB:
 *
 *   - cases with a distinctive subject name and classified answers; some
 *     erased by a granted request, some by retention; after a restart and a
 *     compaction the name is nowhere in the data directory, byte for byte,
 *     the chain verifies, and the other cases still show theirs;
 *   - an erased case still answers case.get and case.history, without the
 *     person; erasing twice changes nothing;
 *   - a missing or wrong key file stops the start, touching nothing.
 * (Each data-subject request kind is subjects_test.c's.)
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../test.h"
#include "../../engine/storage/log.h"
#include "steps.h"

#define DAY 86400000ULL

static char pol[128], ggz[128], pr[128], mgr[128];

static void actors(void)
{
    actor_in("pol", "partner", "police", "tilburg", NULL, pol);
    actor_in("ggz", "partner", "ggz", "tilburg", NULL, ggz);
    actor_in("pr", "procesregisseur", "zvh-tilburg", "tilburg", NULL, pr);
    actor_in("mgr", "manager", "zvh-tilburg", "tilburg", NULL, mgr);
}

static void report(const char *token, const char *name, const char *bsn, char *id)
{
    static int n;
    char rq[32];
    snprintf(rq, sizeof rq, "r%d", ++n);
    rg_buf_reset(&B);
    rg_req_envelope(&B, "case.report", token, rq, NULL, -1, 5);
    rg_w_kstr(&B, "target_group", "verward_gedrag");
    rg_w_kstr(&B, "summary", "incidents at home");
    rg_w_kstr(&B, "urgency", "normal");
    rg_w_kbool(&B, "informed", true);
    rg_w_cstr(&B, "subject");
    rg_w_map(&B, 3);
    rg_w_kstr(&B, "name", name);
    rg_w_kstr(&B, "bsn", bsn);
    rg_w_kstr(&B, "birth_date", "1980-02-02");
    id[0] = '\0';
    if (send_req()[0] == 0) snprintf(id, 32, "%s", rg_t_str(&R, "case"));
}

/* Reported, taken, admitted, asked and answered with a health item. */
static void working_case(const char *name, const char *bsn, char *id)
{
    report(pol, name, bsn, id);
    if (!id[0]) return;
    rg_w_kstr(req(pr, "case.assign", id, 1), "procesregisseur", "pr");
    OK();
    req(pr, "intake.start", id, 0);
    OK();
    rg_buf *b = req(pr, "intake.decide", id, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "r");
    rg_t_w_list(b, "criteria", "multi_domain");
    OK();
    b = req(pr, "info.request", id, 2);
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "q");
    OK();
    b = req(ggz, "info.provide", id, 3);
    rg_w_kstr(b, "request", "R1");
    char answer[128];
    snprintf(answer, sizeof answer, "%s has been in treatment since 2020", name);
    rg_w_kstr(b, "answer", answer);
    rg_w_kstr(b, "class", "special");
    OK();
}

static void advance(uint64_t ms)
{
    rg_w_kuint(req(L.admin, "clock.advance", NULL, 1), "ms", ms);
    OK();
}

static const char *request(const char *kind, const char *bsn, char *id)
{
    return rg_t_local_subject_request(&L, mgr, kind, bsn, id);
}

static const char *decide(const char *id, bool granted, const char *ground)
{
    return rg_t_local_subject_decide(&L, mgr, id, granted, ground);
}

static void test_erased_names_are_gone(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char *dir = strdup(L.dir);
    actors();
    char a[32], b[32], keep[32];
    working_case("Quirinus Zwartkoppe", "111222333", a);
    working_case("Quirinus Zwartkoppe", "111222333", b);
    working_case("Hendrika Blaauwbroek", "999888778", keep);
    REQUIRE(a[0] && b[0] && keep[0]);
    CHECK(!rg_t_found_in(dir, "Zwartkoppe"));      /* never stored readable, even before erasure */

    /* a: erased by a granted erasure request. */
    char rq[32];
    REQUIRE(request("erasure", "111222333", rq)[0] == 0);
    REQUIRE(decide(rq, true, "the person asked; no safety interest against it")[0] == 0);
    rg_buf *bb = req(mgr, "case.erase", a, 2);
    rg_w_kstr(bb, "ground", "GDPR art. 17");
    rg_w_kstr(bb, "request", rq);
    OK();
    bb = req(mgr, "case.erase", a, 2);         /* twice: nothing new */
    rg_w_kstr(bb, "ground", "again");
    rg_w_kstr(bb, "request", rq);
    OK();
    /* b: closed, checked, archived, and erased when retention ends. */
    rg_w_kstr(req(pr, "case.close", b, 1), "reason", "handed over");
    FAILS("invalid_transition", "");          /* analysis: close needs execution; refer it instead */
    bb = req(pr, "intake.decide", b, 0);
    (void)bb;
    /* Retention from a referred case: a new one, rejected at intake. */
    char c[32];
    report(pol, "Quirinus Zwartkoppe", "111222333", c);
    REQUIRE(c[0]);
    rg_w_kstr(req(pr, "case.assign", c, 1), "procesregisseur", "pr");
    OK();
    req(pr, "intake.start", c, 0);
    OK();
    bb = req(pr, "intake.decide", c, 3);
    rg_w_kbool(bb, "admit", false);
    rg_w_kstr(bb, "reason", "not for the ZVH");
    rg_w_kstr(bb, "referred_to", "wijkteam");
    OK();
    advance(1827 * DAY);
    REQUIRE(query(mgr, "case.get", c)[0] == 0);
    bool erased = false;
    CHECK(rg_val_bool(rg_map_get(rg_t_get(&R, "case"), "erased"), &erased) && erased);
    CHECK(rg_val_type(rg_map_get(rg_t_get(&R, "case"), "subject")) == RG_VNIL);

    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    /* After the restart: erased ones still answer, without the person. */
    REQUIRE(query(mgr, "case.get", a)[0] == 0);
    CHECK(rg_val_bool(rg_map_get(rg_t_get(&R, "case"), "erased"), &erased) && erased);
    REQUIRE(query(mgr, "case.history", a)[0] == 0);
    const rg_val *evs = rg_t_get(&R, "events");
    bool leaked = false;
    for (uint32_t i = 0; i < rg_array_size(evs); i++) {
        const rg_val *d = rg_map_get(rg_array_at(evs, i), "data");
        leaked |= rg_map_get(d, "subject") != NULL || rg_map_get(d, "answer") != NULL;
    }
    CHECK(!leaked);
    REQUIRE(query(mgr, "case.get", keep)[0] == 0);
    CHECK(rg_val_is_str(rg_map_get(rg_map_get(rg_t_get(&R, "case"), "subject"), "name"), "Hendrika Blaauwbroek"));
    REQUIRE(query(L.admin, "log.verify", NULL)[0] == 0);
    bool intact = false;
    CHECK(rg_val_bool(rg_t_get(&R, "intact"), &intact) && intact);
    rg_t_local_close(&L, false);
    CHECK(!rg_t_found_in(dir, "Zwartkoppe"));
    CHECK(!rg_t_found_in(dir, "Blaauwbroek"));
    rg_t_rmrf(dir);
    free(dir);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

static void test_key_file_guards(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char *dir = strdup(L.dir);
    actors();
    char a[32];
    report(pol, "Some One", "123456782", a);
    rg_t_local_close(&L, false);
    char kek[4200], saved[4200];
    snprintf(kek, sizeof kek, "%s.kek", dir);
    snprintf(saved, sizeof saved, "%s.saved", dir);
    REQUIRE(rename(kek, saved) == 0);
    CHECK(rg_t_local_open(&L, dir) < 0);           /* missing: refused */
    rg_t_local_close(&L, false);
    FILE *f = fopen(kek, "w");
    fputs("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n", f);
    fclose(f);
    REQUIRE(chmod(kek, 0600) == 0);                /* refused for its key, not its mode */
    CHECK(rg_t_local_open(&L, dir) < 0);           /* another key: refused */
    rg_t_local_close(&L, false);
    REQUIRE(rename(saved, kek) == 0);
    REQUIRE(rg_t_local_open(&L, dir) == 0);        /* its own: serves */
    CHECK(query(L.admin, "log.verify", NULL)[0] == 0);
    rg_t_local_close(&L, true);
    free(dir);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

/* A crash or a failed write at any point of an erasure leaves the case
 * readable or erased, never half: the key, the index entries and
 * case.erased are one batch; the shredding after it is redone at start. */
static void test_erasure_is_all_or_nothing(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    char *dir = strdup(L.dir);
    actors();
    char a[32], rq[32];
    working_case("Cornelia Halfwaard", "444555663", a);
    REQUIRE(a[0]);
    REQUIRE(request("erasure", "444555663", rq)[0] == 0);
    REQUIRE(decide(rq, true, "asked")[0] == 0);
    rg_t_local_settle(&L);
    /* The write of the erasure fails: nothing of it is there. */
    rg_log_fail_write(rg_engine_log(L.e), 1);
    rg_buf *b = req(mgr, "case.erase", a, 2);
    rg_w_kstr(b, "ground", "GDPR art. 17");
    rg_w_kstr(b, "request", rq);
    CHECK(strcmp(send_req(), "storage_error") == 0);
    REQUIRE(query(mgr, "case.get", a)[0] == 0);
    bool erased = true;
    CHECK(rg_val_bool(rg_map_get(rg_t_get(&R, "case"), "erased"), &erased) && !erased);
    CHECK(rg_val_is_str(rg_map_get(rg_map_get(rg_t_get(&R, "case"), "subject"), "name"), "Cornelia Halfwaard"));
    /* Again, written: erased, and after a restart still erased, the key's
     * shredding done (or redone from the marker). */
    b = req(mgr, "case.erase", a, 2);
    rg_w_kstr(b, "ground", "GDPR art. 17");
    rg_w_kstr(b, "request", rq);
    OK();
    rg_t_local_close(&L, false);
    REQUIRE(rg_t_local_open(&L, dir) == 0);
    REQUIRE(query(mgr, "case.get", a)[0] == 0);
    CHECK(rg_val_bool(rg_map_get(rg_t_get(&R, "case"), "erased"), &erased) && erased);
    CHECK(rg_val_type(rg_map_get(rg_t_get(&R, "case"), "subject")) == RG_VNIL);
    REQUIRE(query(L.admin, "log.verify", NULL)[0] == 0);
    bool intact = false;
    CHECK(rg_val_bool(rg_t_get(&R, "intact"), &intact) && intact);
    rg_t_local_close(&L, true);
    free(dir);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

int main(void)
{
    RUN(test_erased_names_are_gone);
    RUN(test_key_file_guards);
    RUN(test_erasure_is_all_or_nothing);
    return rg_t_exit();
}
