/* feed_index.c - the feed's index keys, written with each event; see feed_index.h. */
#include "feed_index.h"

#include <string.h>

size_t rg_feed_key(uint8_t *k, char kind, const char *name, uint64_t seq)
{
    size_t n = strlen(name);
    k[0] = (uint8_t)kind;
    memcpy(k + 1, name, n);
    k[1 + n] = 0;
    rg_be64_put(k + 2 + n, seq);
    return n + 10;
}

void rg_feed_index(rg_batch *b, const rg_case *cs, uint64_t seq, uint32_t v)
{
    uint8_t k[RG_FEED_KEY_MAX];
    for (uint32_t i = 0; i < cs->nparts; i++)
        if (cs->parts[i].since <= v)
            rg_batch_put(b, RG_CF_FEED, k, rg_feed_key(k, 'o', cs->parts[i].org, seq), "", 0);
    if (cs->procesregisseur[0])
        rg_batch_put(b, RG_CF_FEED, k, rg_feed_key(k, 'p', cs->procesregisseur, seq), "", 0);
}
