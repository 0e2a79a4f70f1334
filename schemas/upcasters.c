/*
 * upcasters.c - how an event stored under an older schema version becomes
 * the current version when it is read.  Stored events are never rewritten
 * (the log is append-only and hash-chained); readers see them upcast.
 *
 * Each row turns the data map of version `from` into that of from + 1 by
 * writing the new map's key/value pairs.
 */
#include <string.h>

#include "../engine/domain/contract.h"

#include "../engine/domain/upcast.h"

/* case.reported 1 -> 2: version 1 named the reporting org `reporter` and had
 * no route, as every case then followed the default route. */
static uint32_t case_reported_1(const rg_val *in, rg_buf *out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < rg_map_size(in); i++) {
        const rg_val *k = rg_map_key(in, i);
        if (rg_val_is_str(k, "reporter")) rg_w_cstr(out, "reporter_org");
        else rg_w_val(out, k);
        rg_w_val(out, rg_map_value(in, i));
        n++;
    }
    if (!rg_map_get(in, "route")) {
        rg_w_kstr(out, "route", "default");
        n++;
    }
    return n;
}

/* case.reported 2 -> 3: target_group and urgency became fixed lists.  A text
 * that was not a word of the list becomes the word it means (anything
 * unknown: overig, normal) and stays beside it as target_group_text
 * (urgency_text), so nothing the reporter wrote is lost. */
static uint32_t case_reported_2(const rg_val *in, rg_buf *out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < rg_map_size(in); i++) {
        const rg_val *k = rg_map_key(in, i), *v = rg_map_value(in, i);
        const char *s;
        uint32_t len;
        bool tg = rg_val_is_str(k, "target_group"), urg = rg_val_is_str(k, "urgency");
        if ((tg || urg) && rg_val_str(v, &s, &len)) {
            bool exact;
            const char *word = tg ? rg_target_group_of(s, len, &exact) : rg_urgency_of(s, len, &exact);
            rg_w_val(out, k);
            rg_w_cstr(out, word);
            n++;
            if (!exact) {
                rg_w_cstr(out, tg ? "target_group_text" : "urgency_text");
                rg_w_val(out, v);
                n++;
            }
            continue;
        }
        rg_w_val(out, k);
        rg_w_val(out, v);
        n++;
    }
    return n;
}

/* stagnation.detected, case.escalated, escalation.resolved 1 -> 2: the
 * ladder's 5 working days from such an event were counted by the engine's
 * old list of days (no Good Friday, no decreed bridge days); the mark keeps
 * them so through a rebuild (domain/deadlines.c), while events written
 * since count the law's days (Algemene termijnenwet). */
static uint32_t old_calendar_1(const rg_val *in, rg_buf *out)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < rg_map_size(in); i++) {
        rg_w_val(out, rg_map_key(in, i));
        rg_w_val(out, rg_map_value(in, i));
        n++;
    }
    rg_w_kstr(out, "calendar", "legacy");
    return n + 1;
}

const rg_upcaster rg_upcasters[] = {
    /* type             from  function */
    {"case.reported",   1,    case_reported_1},
    {"case.reported",   2,    case_reported_2},
    {"stagnation.detected", 1, old_calendar_1},
    {"case.escalated",  1,    old_calendar_1},
    {"escalation.resolved", 1, old_calendar_1},
    {NULL, 0, NULL},
};
