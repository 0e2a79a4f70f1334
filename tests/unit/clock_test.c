/*
 * clock_test.c - domain/clock.h: --clock's three forms and what else is
 * refused; a manual clock reads what it was set to and never moves by
 * itself; the real one reads the wall clock and never goes back, even when
 * its last reading lies ahead (a wall clock stepped back).
 */
#include <string.h>
#include <time.h>

#include "../test.h"
#include "../../engine/domain/clock.h"
#include "../../engine/storage/errors.h"

static void test_parse(void)
{
    rg_clock c;
    CHECK(rg_clock_parse(&c, "real", 5) == 0 && !c.manual);
    CHECK(rg_clock_parse(&c, "manual", 1234) == 0 && c.manual && rg_clock_now(&c) == 1234);
    CHECK(rg_clock_parse(&c, "manual=2026-01-05T09:00:00Z", 0) == 0 && c.manual);
    CHECK(rg_clock_now(&c) == 1767603600000ull);
    CHECK(rg_clock_parse(&c, "manual=2026-01-05T10:00:00+01:00", 0) == 0 && rg_clock_now(&c) == 1767603600000ull);
    CHECK(rg_clock_parse(&c, "manual=2026-01-05", 0) == 0 && rg_clock_now(&c) == 1767571200000ull);
    static const char *bad[] = {"", "Real", "manual=", "manual=yesterday", "manual=2026-13-01",
                                "manual=1899-12-31", "fast", "manual 2026-01-05", NULL};
    for (int i = 0; bad[i]; i++) CHECK(rg_clock_parse(&c, bad[i], 0) == RG_EBADREQ);
}

static void test_manual_stands_still(void)
{
    rg_clock c;
    REQUIRE(rg_clock_parse(&c, "manual", 42) == 0);
    struct timespec ts = {0, 5 * 1000000};
    nanosleep(&ts, NULL);
    CHECK(rg_clock_now(&c) == 42);
    c.now_ms = 100;                          /* clock.advance moves it */
    CHECK(rg_clock_now(&c) == 100);
}

static void test_real_never_goes_back(void)
{
    rg_clock c;
    REQUIRE(rg_clock_parse(&c, "real", 0) == 0);
    uint64_t a = rg_clock_now(&c);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t wall = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
    CHECK(a > 1700000000000ull && a <= wall);
    uint64_t b = rg_clock_now(&c);
    CHECK(b >= a);
    /* The last reading ahead of the wall clock (it was stepped back): the
     * clock gives that reading again, not the earlier wall time. */
    c.now_ms = wall + 3600000;
    CHECK(rg_clock_now(&c) == wall + 3600000);
}

int main(void)
{
    RUN(test_parse);
    RUN(test_manual_stands_still);
    RUN(test_real_never_goes_back);
    return rg_t_exit();
}
