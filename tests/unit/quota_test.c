/*
 * quota_test.c - core/quota.h, a per-actor limit per hour: an actor gets
 * exactly per_hour in an hour and is refused after, apart from every other
 * actor; the next hour (from its first use) starts a new window; a clock
 * set back starts one too; 0 takes the default.
 */
#include "../test.h"
#include "../../engine/core/quota.h"

#define HOUR 3600000ULL

static void test_limit_per_actor(void)
{
    rg_quota q;
    rg_quota_init(&q, 3);
    uint64_t t = 1000000;
    for (int i = 0; i < 3; i++) CHECK(rg_quota_take(&q, "pr1", t + (uint64_t)i));
    CHECK(!rg_quota_take(&q, "pr1", t + 10));
    CHECK(!rg_quota_take(&q, "pr1", t + HOUR - 1));       /* still the same hour */
    /* Another actor has its own. */
    for (int i = 0; i < 3; i++) CHECK(rg_quota_take(&q, "pr2", t + 20));
    CHECK(!rg_quota_take(&q, "pr2", t + 21));
    /* An hour after the first use: a new window, of 3 again. */
    for (int i = 0; i < 3; i++) CHECK(rg_quota_take(&q, "pr1", t + HOUR + (uint64_t)i));
    CHECK(!rg_quota_take(&q, "pr1", t + HOUR + 5));
    rg_quota_free(&q);
}

static void test_clock_set_back(void)
{
    rg_quota q;
    rg_quota_init(&q, 1);
    CHECK(rg_quota_take(&q, "a", 5 * HOUR));
    CHECK(!rg_quota_take(&q, "a", 5 * HOUR + 1));
    CHECK(rg_quota_take(&q, "a", 4 * HOUR));             /* before the window: a new one */
    CHECK(!rg_quota_take(&q, "a", 4 * HOUR + 1));
    rg_quota_free(&q);
}

static void test_default(void)
{
    rg_quota q;
    rg_quota_init(&q, 0);
    CHECK(q.per_hour == RG_SUBJECT_KNOWN_PER_HOUR && q.per_hour > 0);
    uint32_t n = 0;
    while (n <= q.per_hour && rg_quota_take(&q, "x", 7)) n++;
    CHECK(n == q.per_hour);
    rg_quota_free(&q);
}

int main(void)
{
    RUN(test_limit_per_actor);
    RUN(test_clock_set_back);
    RUN(test_default);
    return rg_t_exit();
}
