/*
 * feed_index.h - the `feed` column family, kept by the write path in the
 * same batch as each event (feed_index.c), read by the feed service:
 *
 *   'o' org 0x00 be64(seq)    for every org taking part in the case when the
 *                             event was appended (from the version it joined)
 *   'p' actor 0x00 be64(seq)  for the case's procesregisseur at that time
 *
 * Keys are written into caller-given buffers of at least RG_FEED_KEY_MAX.
 */
#ifndef RG_FEED_INDEX_H
#define RG_FEED_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "../domain/case.h"
#include "../storage/log.h"

#define RG_FEED_KEY_MAX (RG_ID_MAX + 10)

/* The key of kind ('o' or 'p'), name and seq into k; returns its length. */
size_t rg_feed_key(uint8_t *k, char kind, const char *name, uint64_t seq);
/* Put the keys of the event (seq, version v) of case cs into b. */
void rg_feed_index(rg_batch *b, const rg_case *cs, uint64_t seq, uint32_t v);

#endif
