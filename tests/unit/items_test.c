/*
 * items_test.c - handlers/items.c, item.release over an engine in this
 * process: only a classified item of this case can be released (a position
 * that is no item, or another case's, is not found; an ordinary one needs no
 * release); only its source releases it (the org that wrote it); a release
 * names orgs or the subject; once released to the police, the police reads
 * the answer it was refused before.
 */
#include "steps.h"

static char pol[128], ggz[128], pr[128];

static uint64_t provide(const char *id, const char *rq, const char *answer, const char *cls)
{
    rg_buf *b = req(pr, "info.request", id, 2);
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "what do you know?");
    if (send_req()[0]) return 0;
    b = req(ggz, "info.provide", id, cls ? 3 : 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kstr(b, "answer", answer);
    if (cls) rg_w_kstr(b, "class", cls);
    return send_req()[0] ? 0 : rg_t_uint(&R, "seq");
}

static char *admitted(char *id)
{
    id[0] = 0;
    rg_buf_reset(&B);
    rg_t_report_req(&B, pol, id[1] ? "r2" : "r1", "A. Person");
    if (send_req()[0]) return id;
    snprintf(id, 32, "%s", rg_t_str(&R, "case"));
    rg_w_kstr(req(pr, "case.assign", id, 1), "procesregisseur", "pr");
    if (send_req()[0]) return id;
    req(pr, "intake.start", id, 0);
    if (send_req()[0]) return id;
    rg_buf *b = req(pr, "intake.decide", id, 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "several life domains");
    rg_t_w_criteria(b, "multi_domain");
    send_req();
    return id;
}

static void release(const char *token, const char *id, uint64_t seq, const char *orgs)
{
    rg_buf *b = req(token, "item.release", id, orgs ? 2 : 1);
    rg_w_kuint(b, "seq", seq);
    if (orgs) rg_t_w_list(b, "orgs", orgs);
}

/* Does token read the answer in the case's history? */
static bool reads(const char *token, const char *id, const char *answer)
{
    return query(token, "case.history", id)[0] == 0 && rg_t_holds(R.bytes, R.len, answer);
}

static void test_release(void)
{
    REQUIRE(rg_t_local_open(&L, NULL) == 0);
    rg_t_local_actor(&L, "pol", "partner", "police", pol);
    rg_t_local_actor(&L, "ggz", "partner", "ggz", ggz);
    rg_t_local_actor(&L, "pr", "procesregisseur", "zvh", pr);
    REQUIRE(pol[0] && ggz[0] && pr[0]);
    char id[32] = "", other[32] = "";
    admitted(id);
    REQUIRE(id[0]);
    uint64_t special = provide(id, "R1", "in treatment since 2021", "special");
    uint64_t plain = provide(id, "R2", "known at the address", NULL);
    REQUIRE(special && plain);
    CHECK(!reads(pol, id, "in treatment since 2021") && reads(pol, id, "known at the address"));

    release(ggz, id, plain, "police");
    FAILS("guard_failed", "is ordinary");
    release(ggz, id, special - 1, "police");              /* info.requested: no item */
    FAILS("not_found", "has no item");
    other[1] = 1;
    admitted(other);
    REQUIRE(other[0]);
    release(pr, other, special, "police");                /* another case's position */
    FAILS("not_found", "has no item");
    release(pol, id, special, "police");
    FAILS("forbidden", "only its source (ggz)");
    release(ggz, id, special, NULL);
    FAILS("bad_request", "name at least one org");
    release(ggz, id, special, "police");
    OK();
    CHECK(reads(pol, id, "in treatment since 2021"));
    rg_t_local_close(&L, true);
    rg_buf_free(&B);
    rg_t_reply_free(&R);
}

int main(void)
{
    RUN(test_release);
    return rg_t_exit();
}
