/*
 * clock.h - the engine's clock.  Every timestamp the engine writes comes from
 * here, so a manual clock makes tests and simulations deterministic.
 *
 * Real mode reads CLOCK_REALTIME; manual mode returns `now_ms` and moves only
 * when the engine is told to (clock.advance).  Either way rg_clock_now never
 * goes backwards: a wall clock stepped back by NTP yields the last value again.
 */
#ifndef RG_CLOCK_H
#define RG_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

typedef struct rg_clock {
    bool manual;
    uint64_t now_ms;          /* manual: the time; real: the last value given */
} rg_clock;

uint64_t rg_clock_now(rg_clock *c);
/* Parse a --clock argument: "real", "manual" or "manual=ISO8601".  With a bare
 * "manual" the clock starts at start_default_ms. */
int rg_clock_parse(rg_clock *c, const char *arg, uint64_t start_default_ms);

#endif
