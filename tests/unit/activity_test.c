/*
 * activity_test.c - domain/activity.h over the register schemas/activities.c:
 * every entry's id is urn:regie:processing-activity:<op>:v<version> and is
 * found by that id only; an operation's entry is its newest version; every
 * entry names an operation of the contract or an engine step ("engine.")
 * and says its purpose and basis;
 * an operation outside the register has none.
 */
#include <stdio.h>
#include <string.h>

#include "../test.h"
#include "../../engine/domain/activity.h"
#include "../../engine/domain/contract.h"

static void test_ids_and_lookup(void)
{
    int n = 0;
    for (const rg_activity *a = rg_activities; a->id; a++, n++) {
        char want[256];
        snprintf(want, sizeof want, "urn:regie:processing-activity:%s:v%u", a->op, a->version);
        CHECK(strcmp(a->id, want) == 0);
        CHECK(rg_activity_find(a->id, (uint32_t)strlen(a->id)) == a);
        CHECK(rg_activity_find(a->id, (uint32_t)strlen(a->id) - 1) == NULL);
        /* An operation of the contract, or one of the engine's own steps
         * (a fired deadline, the ladder, retention, a restore). */
        CHECK(rg_op_find(a->op, (uint32_t)strlen(a->op)) != NULL || strncmp(a->op, "engine.", 7) == 0);
        CHECK(a->name && a->name[0] && a->purpose && a->purpose[0] && a->basis && a->basis[0]);
        CHECK(a->version >= 1);
    }
    CHECK(n >= 10);
    CHECK(rg_activity_find("urn:regie:processing-activity:nothing:v1", 40) == NULL);
}

static void test_newest_version(void)
{
    for (const rg_activity *a = rg_activities; a->id; a++) {
        const rg_activity *of = rg_activity_of(a->op);
        REQUIRE(of != NULL);
        CHECK(strcmp(of->op, a->op) == 0 && of->version >= a->version);
        /* The newest is unique. */
        for (const rg_activity *b = rg_activities; b->id; b++)
            if (b != of && strcmp(b->op, a->op) == 0) CHECK(b->version < of->version);
    }
    CHECK(rg_activity_of("clock.advance") == NULL);           /* touches no case's personal data */
    CHECK(rg_activity_of("no.such.op") == NULL);
    const rg_activity *rep = rg_activity_of("case.report");
    CHECK(rep != NULL);
}

int main(void)
{
    RUN(test_ids_and_lookup);
    RUN(test_newest_version);
    return rg_t_exit();
}
