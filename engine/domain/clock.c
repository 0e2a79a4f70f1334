/* clock.c - real or manual time; see clock.h. */
#include "clock.h"

#include <string.h>
#include <time.h>

#include "../storage/errors.h"
#include "schema.h"

uint64_t rg_clock_now(rg_clock *c)
{
    if (!c->manual) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
        if (ms > c->now_ms) c->now_ms = ms;
    }
    return c->now_ms;
}

int rg_clock_parse(rg_clock *c, const char *arg, uint64_t start_default_ms)
{
    memset(c, 0, sizeof *c);
    if (strcmp(arg, "real") == 0) return 0;
    if (strcmp(arg, "manual") == 0) {
        c->manual = true;
        c->now_ms = start_default_ms;
        return 0;
    }
    if (strncmp(arg, "manual=", 7) == 0) {
        int64_t ms;
        bool date_only;
        if (!rg_parse_iso(arg + 7, (uint32_t)strlen(arg + 7), &ms, &date_only) || ms < 0)
            return RG_EBADREQ;
        c->manual = true;
        c->now_ms = (uint64_t)ms;
        return 0;
    }
    return RG_EBADREQ;
}
