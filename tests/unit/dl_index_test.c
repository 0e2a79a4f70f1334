/*
 * dl_index_test.c - core/dl_index.h with a real RocksDB log: the deadlines
 * family holds one key per deadline that needs the engine, be64(t) first so
 * it reads in time order; t is the due time, or for a fired one (an open
 * stagnation) its escalation time, and a fired one without (an escalation
 * is open) has no key; a change puts the keys that are new, deletes those
 * gone or moved and keeps the rest, and tells the earliest it put.
 */
#include <stdlib.h>
#include <string.h>

#include "../test.h"
#include "../../engine/core/dl_index.h"
#include "../../engine/storage/log.h"
#include "../../engine/domain/deadlines.h"

static rg_log *lg;

/* The keys of the deadlines family as "t norm item" lines, in key order. */
static void keys(char *out, size_t cap)
{
    out[0] = 0;
    rg_iter *it = rg_iter_new(lg, RG_CF_DEADLINES);
    for (rg_iter_seek_first(it); rg_iter_valid(it); rg_iter_next(it)) {
        size_t kn;
        const uint8_t *k = rg_iter_key(it, &kn);
        const char *id = (const char *)k + 8;
        const char *norm = id + strlen(id) + 1;
        const char *item = norm + strlen(norm) + 1;
        char line[256];
        snprintf(line, sizeof line, "%llu %s %s %.*s\n", (unsigned long long)rg_be64_get(k), id, norm,
                 (int)((const char *)k + kn - item), item);
        strncat(out, line, cap - strlen(out) - 1);
    }
    rg_iter_end(it);
}

static rg_deadline *add(rg_case *c, const char *norm, const char *item, uint64_t due)
{
    rg_deadline *d = rg_case_add_deadline(c);
    d->norm = rg_norm_find(norm);
    snprintf(d->item, sizeof d->item, "%s", item);
    d->due = due;
    return d;
}

static uint64_t index_change(rg_case *c, const rg_dl_snap *before)
{
    rg_batch *b = rg_batch_new(lg);
    uint64_t earliest = rg_dl_index(b, c, before);
    if (rg_log_write(lg, b, true) != 0) earliest = 0;
    rg_batch_free(b);
    return earliest;
}

static void test_key_and_time(void)
{
    uint8_t k[RG_DL_KEY_MAX];
    size_t n = rg_deadline_key(k, 0x0102030405060708ull, "ZVH-1", "action.done", "a1");
    CHECK(n == 8 + 6 + 12 + 2);
    CHECK(rg_be64_get(k) == 0x0102030405060708ull && strcmp((char *)k + 8, "ZVH-1") == 0);
    rg_deadline d = {0};
    d.due = 50;
    d.escalate_at = 90;
    CHECK(rg_deadline_index_time(&d) == 50);
    d.fired = true;
    CHECK(rg_deadline_index_time(&d) == 90);
}

static void test_index_follows_the_case(void)
{
    REQUIRE(rg_norm_find("action.done") >= 0 && rg_norm_find("info.answer") >= 0);
    char *dir = rg_t_tmpdir();
    REQUIRE(rg_log_open(&lg, dir) == 0);
    rg_case *c = rg_case_new("ZVH-7");
    rg_dl_snap none = {0, NULL};
    add(c, "action.done", "a2", 3000);
    add(c, "action.done", "a1", 2000);
    add(c, "info.answer", "R1", 1000);
    CHECK(index_change(c, &none) == 1000);
    char got[2048];
    keys(got, sizeof got);
    CHECK(strcmp(got, "1000 ZVH-7 info.answer R1\n2000 ZVH-7 action.done a1\n3000 ZVH-7 action.done a2\n") == 0);

    /* R1 met (gone), a1 fired (its escalation time), a2 fired while an
     * escalation is open (no time: no key), a3 new. */
    rg_dl_snap before;
    rg_dl_snapshot(c, &before);
    for (uint32_t i = 0; i < c->ndl; i++) {
        rg_deadline *d = &c->dl[i];
        if (!strcmp(d->item, "a1")) { d->fired = true; d->escalate_at = 5000; }
        if (!strcmp(d->item, "a2")) { d->fired = true; d->escalate_at = 0; }
    }
    for (uint32_t i = 0; i < c->ndl; i++)
        if (!strcmp(c->dl[i].item, "R1")) c->dl[i] = c->dl[--c->ndl];
    add(c, "action.done", "a3", 4000);
    CHECK(index_change(c, &before) == 4000);
    rg_dl_snap_free(&before);
    keys(got, sizeof got);
    CHECK(strcmp(got, "4000 ZVH-7 action.done a3\n5000 ZVH-7 action.done a1\n") == 0);

    /* Nothing changed: nothing put, nothing deleted. */
    rg_dl_snapshot(c, &before);
    CHECK(index_change(c, &before) == UINT64_MAX);
    rg_dl_snap_free(&before);
    keys(got, sizeof got);
    CHECK(strcmp(got, "4000 ZVH-7 action.done a3\n5000 ZVH-7 action.done a1\n") == 0);
    rg_case_free(c);
    rg_log_close(lg);
    rg_t_rmrf(dir);
    free(dir);
}

int main(void)
{
    RUN(test_key_and_time);
    RUN(test_index_follows_the_case);
    return rg_t_exit();
}
