/*
 * replay.c - rebuilding derived state from the log alone.
 *
 * Every projection, the per-state counts, the lead times and the case
 * counter are derived from the events; rg_engine_rebuild recomputes them by
 * folding every event, in log order, through the same apply functions the
 * live path uses, upcasting events stored under older schema versions first.
 * Used after a schema change of the projection, by `regied --rebuild`, and
 * by the replay benchmark.  Must run while no commit is pending.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "engine_int.h"
#include "errors.h"
#include "upcast.h"

#define FLUSH_EVERY 4096      /* projections per write batch */

static int view_of(const rg_val *pub, const rg_val *data, rg_event_view *v, rg_actor *a,
                   char *case_id, char *type)
{
    uint64_t seq, ver, at;
    const rg_val *act = rg_map_get(pub, "actor");
    char role[32];
    memset(a, 0, sizeof *a);
    if (!rg_val_uint(rg_map_get(pub, "seq"), &seq) || !rg_val_uint(rg_map_get(pub, "v"), &ver) ||
        !rg_val_uint(rg_map_get(pub, "at"), &at) ||
        !rg_val_strcpy(rg_map_get(pub, "case"), case_id, RG_ID_MAX) ||
        !rg_val_strcpy(rg_map_get(pub, "type"), type, 64) ||
        !rg_val_strcpy(rg_map_get(act, "id"), a->id, sizeof a->id) ||
        !rg_val_strcpy(rg_map_get(act, "org"), a->org, sizeof a->org) ||
        !rg_val_strcpy(rg_map_get(act, "role"), role, sizeof role))
        return RG_ESTORAGE;
    a->role = rg_role_parse(role, (uint32_t)strlen(role));
    const rg_evdef *def = rg_event_find(type);
    if (!def) return RG_ESTORAGE;
    *v = (rg_event_view){seq, (uint32_t)ver, at, def->type, a, data, NULL};
    return 0;
}

static void put_lead(rg_batch *b, int state, uint64_t ms, uint64_t seq)
{
    uint8_t k[17];
    k[0] = (uint8_t)state;
    rg_be64_put(k + 1, ms);
    rg_be64_put(k + 9, seq);
    rg_batch_put(b, RG_CF_LEADTIMES, k, sizeof k, "", 0);
}

static int flush(rg_engine *e, rg_batch **b)
{
    int rc = rg_log_write(e->log, *b, false);
    rg_batch_free(*b);
    *b = rg_batch_new(e->log);
    return rc;
}

int rg_engine_rebuild(rg_engine *e, uint64_t *events_out)
{
    if (rg_engine_busy(e)) return RG_EOVERLOAD;
    rg_hmap cases;
    rg_hmap_init(&cases);
    uint64_t counts[RG_NSTATES] = {0}, leads[RG_NSTATES] = {0}, n = 0, ncases = 0;
    rg_batch *b = rg_batch_new(e->log);
    uint8_t lo = 0, hi = 0xff;
    rg_batch_del_range(b, RG_CF_LEADTIMES, &lo, 1, &hi, 1);
    uint8_t dlo[8] = {0}, dhi[9];
    memset(dhi, 0xff, sizeof dhi);
    rg_batch_del_range(b, RG_CF_DEADLINES, dlo, sizeof dlo, dhi, sizeof dhi);
    uint64_t stagnations = 0;
    rg_buf scratch = RG_BUF_INIT;
    uint8_t link[RG_HASH_LEN] = {0};
    int rc = 0;
    rg_iter *it = rg_iter_new(e->log, RG_CF_EVENTS);
    for (rg_iter_seek_first(it); rg_iter_valid(it) && rc == 0; rg_iter_next(it), n++) {
        size_t vn;
        const uint8_t *p = rg_iter_value(it, &vn);
        rg_record r;
        rg_doc *pub = NULL, *up = NULL;
        const char *why;
        char case_id[RG_ID_MAX], type[64];
        rg_event_view view;
        rg_actor actor;
        if ((rc = rg_record_parse(p, vn, &r)) < 0) break;
        memcpy(link, r.link, RG_HASH_LEN);
        if (rg_doc_parse(&pub, r.pub, r.pub_len, &why) < 0) {
            rc = RG_ESTORAGE;
            break;
        }
        const rg_val *root = rg_doc_root(pub);
        if (!rg_val_strcpy(rg_map_get(root, "type"), type, sizeof type) ||
            rg_upcast_data(type, r.tver, rg_map_get(root, "data"), &up, &scratch) < 0 ||
            view_of(root, up ? rg_doc_root(up) : rg_map_get(root, "data"), &view, &actor, case_id,
                    type) < 0) {
            rc = RG_ESTORAGE;
        } else {
            view.norm_amounts = e->norm_amounts;
            rg_case *cs = rg_hmap_get(&cases, case_id, strlen(case_id));
            if (!cs) {
                cs = rg_case_new(case_id);
                rg_hmap_put(&cases, case_id, strlen(case_id), cs);
                ncases++;
            }
            int before = cs->state;
            uint64_t since = cs->state_since;
            rc = rg_case_apply(cs, &view);
            if (rc == 0 && before != cs->state) {
                if (before >= 0) {
                    counts[before]--;
                    leads[before]++;
                    put_lead(b, before, view.at - since, view.seq);
                }
                counts[cs->state]++;
            }
        }
        rg_doc_free(up);
        rg_doc_free(pub);
        if (rg_batch_count(b) >= FLUSH_EVERY && rc == 0) rc = flush(e, &b);
    }
    rg_iter_free(it);
    rg_buf_free(&scratch);

    rg_hmap_slot *s;
    for (size_t i = 0; (i = rg_hmap_next(&cases, i, &s)) != 0;) {
        if (rc == 0) {
            rg_buf v = RG_BUF_INIT;
            rg_case_encode(s->val, &v);
            rg_batch_put(b, RG_CF_CASES, s->key, s->klen, v.data, v.len);
            rg_buf_free(&v);
            rg_dl_snap none = {0, NULL};
            rg_dl_index(b, s->val, &none);
            stagnations += rg_case_stagnations(s->val);
            if (rg_batch_count(b) >= FLUSH_EVERY) rc = flush(e, &b);
        }
        rg_case_free(s->val);
    }
    rg_hmap_free(&cases);
    if (rc == 0) {
        memcpy(e->counts, counts, sizeof counts);
        memcpy(e->lead_counts, leads, sizeof leads);
        /* Case numbers are minted in order from 1, so the count is the last. */
        e->case_counter = ncases;
        e->stagnations = stagnations;
        e->head_seq = n;
        memcpy(e->head_link, link, RG_HASH_LEN);
        rg_store_put_meta(e, b);
        rc = rg_log_write(e->log, b, true);
    }
    rg_batch_free(b);
    /* Reload what the engine holds in memory from what is now on disk. */
    rg_store_unload(e);
    int lrc = rg_store_load(e);
    if (rc == 0) rc = lrc;
    if (events_out) *events_out = n;
    return rc;
}
