/* case.c - the case projection: fold, encode, decode.  See case.h. */
#include "case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "schema.h"

rg_case *rg_case_new(const char *id)
{
    rg_case *c = rg_calloc(1, sizeof *c);
    snprintf(c->id, sizeof c->id, "%s", id);
    c->state = -1;
    return c;
}

void rg_case_free(rg_case *c)
{
    if (!c) return;
    free(c->parts);
    free(c);
}

const rg_part *rg_case_part(const rg_case *c, const char *org)
{
    for (uint32_t i = 0; i < c->nparts; i++)
        if (strcmp(c->parts[i].org, org) == 0) return &c->parts[i];
    return NULL;
}

void rg_case_join(rg_case *c, const char *org, uint32_t since)
{
    if (rg_case_part(c, org)) return;
    if (c->nparts == c->capparts) {
        c->capparts = c->capparts ? c->capparts * 2 : 4;
        c->parts = rg_realloc(c->parts, c->capparts * sizeof *c->parts);
    }
    rg_part *p = &c->parts[c->nparts++];
    snprintf(p->org, sizeof p->org, "%s", org);
    p->since = since;
}

int rg_case_apply(rg_case *c, const rg_event_view *ev)
{
    const rg_evdef *def = rg_event_find(ev->type);
    if (!def || !def->apply) return RG_ESTORAGE;
    /* Versions are gapless per case: the fold refuses anything else. */
    if (ev->v != c->version + 1) return RG_ESTORAGE;
    int prev_state = c->state;
    int rc = def->apply(c, ev);
    if (rc < 0) return rc;
    c->version = ev->v;
    c->last_seq = ev->seq;
    c->updated_at = ev->at;
    if (c->state != prev_state) c->state_since = ev->at;
    return 0;
}

void rg_case_encode(const rg_case *c, rg_buf *out)
{
    rg_w_map(out, 13);
    rg_w_kstr(out, "id", c->id);
    rg_w_kuint(out, "version", c->version);
    rg_w_kstr(out, "state", rg_state_name(c->state));
    rg_w_kstr(out, "route", c->route);
    rg_w_kuint(out, "report_seq", c->report_seq);
    rg_w_kuint(out, "last_seq", c->last_seq);
    rg_w_kuint(out, "created_at", c->created_at);
    rg_w_kuint(out, "updated_at", c->updated_at);
    rg_w_kuint(out, "state_since", c->state_since);
    rg_w_kstr(out, "reporter_org", c->reporter_org);
    rg_w_kstr(out, "procesregisseur", c->procesregisseur);
    rg_w_cstr(out, "labels");
    rg_w_map(out, 2);
    rg_w_kstr(out, "target_group", c->target_group);
    rg_w_kstr(out, "urgency", c->urgency);
    rg_w_cstr(out, "parts");
    rg_w_array(out, c->nparts);
    for (uint32_t i = 0; i < c->nparts; i++) {
        rg_w_array(out, 2);
        rg_w_cstr(out, c->parts[i].org);
        rg_w_uint(out, c->parts[i].since);
    }
}

static bool get_u64(const rg_val *m, const char *k, uint64_t *out)
{
    return rg_val_uint(rg_map_get(m, k), out);
}

static bool get_str(const rg_val *m, const char *k, char *dst, size_t cap)
{
    return rg_val_strcpy(rg_map_get(m, k), dst, cap);
}

int rg_case_decode(rg_case **out, const uint8_t *p, size_t n)
{
    rg_doc *d;
    const char *why;
    *out = NULL;
    if (rg_doc_parse(&d, p, n, &why) < 0) return RG_ESTORAGE;
    const rg_val *m = rg_doc_root(d);
    char id[RG_ID_MAX], state[32];
    uint64_t version;
    int rc = RG_ESTORAGE;
    if (!get_str(m, "id", id, sizeof id) || !get_u64(m, "version", &version) ||
        !get_str(m, "state", state, sizeof state))
        goto out;
    rg_case *c = rg_case_new(id);
    c->version = (uint32_t)version;
    c->state = rg_state_parse(state, (uint32_t)strlen(state));
    const rg_val *labels = rg_map_get(m, "labels");
    const rg_val *parts = rg_map_get(m, "parts");
    if (c->state < 0 || !get_str(m, "route", c->route, sizeof c->route) ||
        !get_u64(m, "report_seq", &c->report_seq) || !get_u64(m, "last_seq", &c->last_seq) ||
        !get_u64(m, "created_at", &c->created_at) || !get_u64(m, "updated_at", &c->updated_at) ||
        !get_u64(m, "state_since", &c->state_since) ||
        !get_str(m, "reporter_org", c->reporter_org, sizeof c->reporter_org) ||
        !get_str(m, "procesregisseur", c->procesregisseur, sizeof c->procesregisseur) ||
        !get_str(labels, "target_group", c->target_group, sizeof c->target_group) ||
        !get_str(labels, "urgency", c->urgency, sizeof c->urgency) ||
        rg_val_type(parts) != RG_VARRAY) {
        rg_case_free(c);
        goto out;
    }
    for (uint32_t i = 0; i < rg_array_size(parts); i++) {
        const rg_val *pv = rg_array_at(parts, i);
        char org[RG_ID_MAX];
        uint64_t since;
        if (rg_array_size(pv) != 2 || !rg_val_strcpy(rg_array_at(pv, 0), org, sizeof org) ||
            !rg_val_uint(rg_array_at(pv, 1), &since)) {
            rg_case_free(c);
            goto out;
        }
        rg_case_join(c, org, (uint32_t)since);
    }
    *out = c;
    rc = 0;
out:
    rg_doc_free(d);
    return rc;
}
