/*
 * alias.h - request seeds name the fuzzing engine's actors and cases by
 * alias ("@pr", "@case", ...); seeds.c writes them so, request_fuzz.c
 * puts the real token or id in before it submits.  One rewrite serves both.
 */
#ifndef RG_FUZZ_ALIAS_H
#define RG_FUZZ_ALIAS_H

#include <string.h>

#include "../../engine/storage/buf.h"
#include "../../engine/storage/codec.h"

typedef struct rg_fuzz_alias {
    const char *name;           /* NULL ends a table */
    char value[128];
} rg_fuzz_alias;

/* v into b, each string that is an alias of the table replaced by its value. */
static inline void rg_fuzz_rewrite(rg_buf *b, const rg_val *v, const rg_fuzz_alias *aliases)
{
    const char *s;
    uint32_t n;
    switch (rg_val_type(v)) {
    case RG_VMAP:
        rg_w_map(b, rg_map_size(v));
        for (uint32_t i = 0; i < rg_map_size(v); i++) {
            rg_fuzz_rewrite(b, rg_map_key(v, i), aliases);
            rg_fuzz_rewrite(b, rg_map_value(v, i), aliases);
        }
        return;
    case RG_VARRAY:
        rg_w_array(b, rg_array_size(v));
        for (uint32_t i = 0; i < rg_array_size(v); i++) rg_fuzz_rewrite(b, rg_array_at(v, i), aliases);
        return;
    case RG_VSTR:
        rg_val_str(v, &s, &n);
        for (int i = 0; aliases[i].name; i++)
            if (strlen(aliases[i].name) == n && memcmp(aliases[i].name, s, n) == 0) {
                rg_w_cstr(b, aliases[i].value);
                return;
            }
        rg_w_val(b, v);
        return;
    default:
        rg_w_val(b, v);
    }
}

#endif
