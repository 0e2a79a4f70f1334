/*
 * upcasters.c - how an event stored under an older schema version becomes
 * the current version when it is read.  Stored events are never rewritten
 * (the log is append-only and hash-chained); readers see them upcast.
 *
 * Each row turns the data map of version `from` into that of from + 1 by
 * writing the new map's key/value pairs.
 */
#include <string.h>

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

const rg_upcaster rg_upcasters[] = {
    /* type             from  function */
    {"case.reported",   1,    case_reported_1},
    {NULL, 0, NULL},
};
