/*
 * contract_test.c - domain/contract.h, the names the contract fixes: every
 * state, role and route name parses back to itself and nothing else does
 * (not a prefix, not another case); the word lists name each once, in
 * order; every operation of the table is found by its name and only by
 * it; the covenant words have their own bits.
 */
#include <string.h>

#include "../test.h"
#include "../../engine/domain/contract.h"

typedef const char *(*name_fn)(int);
typedef int (*parse_fn)(const char *, uint32_t);

static void round_trip(name_fn name, parse_fn parse, int count)
{
    for (int i = 0; i < count; i++) {
        const char *s = name(i);
        REQUIRE(s && strcmp(s, "?") != 0);
        CHECK(parse(s, (uint32_t)strlen(s)) == i);
        /* A prefix and a longer word are not it. */
        CHECK(parse(s, (uint32_t)strlen(s) - 1) != i);
        char longer[96];
        snprintf(longer, sizeof longer, "%sx", s);
        CHECK(parse(longer, (uint32_t)strlen(longer)) == -1);
    }
    CHECK(strcmp(name(-1), "?") == 0 && strcmp(name(count), "?") == 0);
    CHECK(parse("", 0) == -1 && parse("nonsense", 8) == -1);
}

static void test_names_round_trip(void)
{
    round_trip(rg_state_name, rg_state_parse, RG_NSTATES);
    round_trip(rg_role_name, rg_role_parse, RG_NROLES);
    round_trip(rg_route_name, rg_route_parse, RG_NROUTES);
    CHECK(rg_state_parse("Closed", 6) == -1);
    CHECK(rg_state_parse("closed", 6) == RG_ST_CLOSED);
}

/* The word list holds each name once, in order, separated by spaces. */
static void words_in_order(const char *words, name_fn name, int count)
{
    char want[2048] = "";
    for (int i = 0; i < count; i++) {
        strcat(want, name(i));
        strcat(want, " ");
    }
    CHECK(strcmp(words, want) == 0);
}

static void test_word_lists(void)
{
    words_in_order(rg_state_words, rg_state_name, RG_NSTATES);
    words_in_order(rg_route_words, rg_route_name, RG_NROUTES);
}

static void test_operations_by_name(void)
{
    int n = 0;
    for (const rg_opdef *op = rg_ops; op->name; op++, n++) {
        CHECK(rg_op_find(op->name, (uint32_t)strlen(op->name)) == op);
        /* Names are unique: the first of that name is this one. */
        for (const rg_opdef *o = rg_ops; o < op; o++) CHECK(strcmp(o->name, op->name) != 0);
    }
    CHECK(n > 40);
    CHECK(rg_op_find("case.repor", 10) == NULL);
    CHECK(rg_op_find("case.reportx", 12) == NULL);
    CHECK(rg_op_find("", 0) == NULL);
    const rg_opdef *r = rg_op_find("case.report", 11);
    CHECK(r && strcmp(r->name, "case.report") == 0);
}

static void test_covenants(void)
{
    uint32_t bit = rg_covenant_bit("radicalisering", 14);
    CHECK(bit != 0 && (bit & (bit - 1)) == 0);               /* one bit */
    CHECK(strcmp(rg_covenant_name(bit), "radicalisering") == 0);
    CHECK(rg_covenant_bit("radical", 7) == 0);
    CHECK(rg_covenant_bit("", 0) == 0);
    CHECK(rg_covenant_name(0) == NULL);
}

int main(void)
{
    RUN(test_names_round_trip);
    RUN(test_word_lists);
    RUN(test_operations_by_name);
    RUN(test_covenants);
    return rg_t_exit();
}
