/*
 * items_test.c - handlers/items.c, item.release over an engine in this
 * process: only a classified item of this case can be released (a position
 * that is no item, or another case's, is not found; an ordinary one needs no
 * release); only its source releases it (the org that wrote it); a release
 * names orgs or the subject; once released to the police, the police reads
 * the answer it was refused before.
 */
#include "steps.h"

static rg_t_cast C;

static uint64_t provide(const char *id, const char *rq, const char *answer, const char *cls)
{
    rg_buf *b = req(C.pr, "info.request", id, 2);
    rg_w_kstr(b, "org", "ggz");
    rg_w_kstr(b, "question", "what do you know?");
    if (send_req()[0]) return 0;
    b = req(C.ggz, "info.provide", id, cls ? 3 : 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kstr(b, "answer", answer);
    if (cls) rg_w_kstr(b, "class", cls);
    return send_req()[0] ? 0 : rg_t_uint(&R, "seq");
}

/* A case reported by police and driven to analysis (admitted); its id into
 * id, "" on failure. */
static void admitted(char *id)
{
    if (rg_t_local_report(&L, C.pol, "A. Person", id)[0] == 0 && rg_t_local_drive(&L, &C, id, "analysis")[0])
        id[0] = '\0';
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
    REQUIRE(rg_t_local_cast(&L, &C) == 0);
    char id[32], other[32];
    admitted(id);
    REQUIRE(id[0]);
    uint64_t special = provide(id, "R1", "in treatment since 2021", "special");
    uint64_t plain = provide(id, "R2", "known at the address", NULL);
    REQUIRE(special && plain);
    CHECK(!reads(C.pol, id, "in treatment since 2021") && reads(C.pol, id, "known at the address"));

    release(C.ggz, id, plain, "police");
    FAILS("guard_failed", "is ordinary");
    release(C.ggz, id, special - 1, "police");            /* info.requested: no item */
    FAILS("not_found", "has no item");
    admitted(other);
    REQUIRE(other[0]);
    release(C.pr, other, special, "police");              /* another case's position */
    FAILS("not_found", "has no item");
    release(C.pol, id, special, "police");
    FAILS("forbidden", "only its source (ggz)");
    release(C.ggz, id, special, NULL);
    FAILS("bad_request", "name at least one org");
    release(C.ggz, id, special, "police");
    OK();
    CHECK(reads(C.pol, id, "in treatment since 2021"));
    steps_close();
}

int main(void)
{
    RUN(test_release);
    return rg_t_exit();
}
