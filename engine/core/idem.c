/* idem.c - stored copies of first replies; see idem.h. */
#include "idem.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "../domain/upcast.h"
#include "../storage/errors.h"
#include "ctx.h"
#include "request.h"
#include "state.h"

#define SEALED 0xc1
#define BYREF 0xc2
#define REF_KEY "$events"

void rg_idem_ref(rg_buf *out, const char *case_id, uint32_t first, uint32_t last, bool subject, bool system)
{
    rg_w_map(out, 1);
    rg_w_cstr(out, REF_KEY);
    rg_w_array(out, 5);
    rg_w_cstr(out, case_id);
    rg_w_uint(out, first);
    rg_w_uint(out, last);
    rg_w_bool(out, subject);
    rg_w_bool(out, system);
}

typedef struct range {
    rg_buf events;
    uint32_t v, first, last, n;
    bool subject;
    const rg_actor *reader;
    const rg_case *cs;
} range;

static int render_one(void *ud, const rg_record *r)
{
    range *g = ud;
    g->v++;                         /* the walk is in version order, from 1 */
    if (g->v < g->first || g->v > g->last) return 0;
    rg_render_event(&g->events, r, g->subject, g->reader, g->cs);
    g->n++;
    return 0;
}

int rg_idem_render(rg_engine *e, rg_buf *out, const rg_case *cs, uint32_t first, uint32_t last,
                   bool subject, const rg_actor *reader)
{
    if (first < 1 || last < first || last > cs->version) return RG_ESTORAGE;
    range g = {RG_BUF_INIT, 0, first, last, 0, subject, reader, cs};
    int rc = rg_engine_case_events(e, cs, render_one, &g);
    if (rc == 0 && g.n != last - first + 1) rc = RG_ESTORAGE;
    if (rc == 0) {
        rg_w_array(out, g.n);
        rg_buf_append(out, g.events.data, g.events.len);
    }
    rg_buf_free(&g.events);
    return rc < 0 ? RG_ESTORAGE : 0;
}

/* ctx.h; here beside the references it records. */
int rg_ctx_reply_events(rg_ctx *c, rg_buf *b, const rg_case *cs, uint32_t first, uint32_t last,
                        bool with_subject, bool as_system)
{
    assert(b == &c->extra);
    size_t off = b->len;
    int rc = rg_idem_render(c->e, b, cs, first, last, with_subject, as_system ? rg_system_actor() : c->actor);
    if (rc < 0) return rc;
    if (c->nspans == c->capspans) {
        c->capspans = c->capspans ? c->capspans * 2 : 4;
        c->spans = rg_realloc(c->spans, c->capspans * sizeof *c->spans);
    }
    rg_ref_span *sp = &c->spans[c->nspans++];
    sp->off = off;
    sp->end = b->len;
    sp->ref = (rg_buf)RG_BUF_INIT;
    rg_idem_ref(&sp->ref, cs->id, first, last, with_subject, as_system);
    return 0;
}

void rg_idem_store(rg_buf *out, const uint8_t *reply, size_t n)
{
    rg_buf_put_u8(out, BYREF);
    rg_buf_append(out, reply, n);
}

/* A reference rendered again, for the reader who stored it. */
static int expand(rg_engine *e, const rg_val *ref, const rg_actor *reader, rg_buf *out)
{
    char id[RG_ID_MAX];
    uint64_t first, last;
    bool subject, system;
    if (rg_array_size(ref) != 5 || !rg_val_strcpy(rg_array_at(ref, 0), id, sizeof id) ||
        !rg_val_uint(rg_array_at(ref, 1), &first) || !rg_val_uint(rg_array_at(ref, 2), &last) ||
        !rg_val_bool(rg_array_at(ref, 3), &subject) || !rg_val_bool(rg_array_at(ref, 4), &system) ||
        first > UINT32_MAX || last > UINT32_MAX)
        return RG_ESTORAGE;
    rg_case *cs;
    if (rg_store_case(e, id, &cs) < 0) return RG_ESTORAGE;
    return rg_idem_render(e, out, cs, (uint32_t)first, (uint32_t)last, subject,
                          system ? rg_system_actor() : reader);
}

/* The stored reply written out again, each reference replaced by its events. */
static int walk(rg_engine *e, const rg_val *v, const rg_actor *reader, rg_buf *out)
{
    int rc = 0;
    switch (rg_val_type(v)) {
    case RG_VMAP:
        if (rg_map_size(v) == 1 && rg_val_is_str(rg_map_key(v, 0), REF_KEY))
            return expand(e, rg_map_value(v, 0), reader, out);
        rg_w_map(out, rg_map_size(v));
        for (uint32_t i = 0; i < rg_map_size(v) && rc == 0; i++) {
            rg_w_val(out, rg_map_key(v, i));
            rc = walk(e, rg_map_value(v, i), reader, out);
        }
        return rc;
    case RG_VARRAY:
        rg_w_array(out, rg_array_size(v));
        for (uint32_t i = 0; i < rg_array_size(v) && rc == 0; i++) rc = walk(e, rg_array_at(v, i), reader, out);
        return rc;
    default:
        rg_w_val(out, v);
        return 0;
    }
}

static int open_byref(rg_engine *e, const uint8_t *v, size_t vn, const char *ikey, size_t ikn, rg_buf *out)
{
    /* The reader is the actor of the key ("actor\0req"). */
    const char *z = memchr(ikey, 0, ikn);
    if (!z) return RG_ESTORAGE;
    const rg_actor *reader = rg_engine_actor(e, ikey);
    if (!reader) return RG_ESTORAGE;
    rg_doc *d;
    const char *why;
    if (rg_doc_parse(&d, v, vn, &why) < 0) return RG_ESTORAGE;
    int rc = rg_val_type(rg_doc_root(d)) == RG_VMAP ? walk(e, rg_doc_root(d), reader, out) : RG_ESTORAGE;
    rg_doc_free(d);
    return rc;
}

int rg_idem_open(rg_engine *e, const uint8_t *v, size_t vn, const char *ikey, size_t ikn, rg_buf *out)
{
    if (vn && v[0] == BYREF) return open_byref(e, v + 1, vn - 1, ikey, ikn, out);
    if (!vn || v[0] != SEALED) {
        rg_buf_append(out, v, vn);
        return 0;
    }
    const uint8_t *z = memchr(v + 1, 0, vn - 1);
    if (!z || (size_t)(z - v - 1) >= RG_ID_MAX) return RG_ESTORAGE;
    char id[RG_ID_MAX];
    memcpy(id, v + 1, (size_t)(z - v - 1));
    id[z - v - 1] = 0;
    rg_case *cs;
    int rc = rg_store_case(e, id, &cs);
    if (rc < 0) return RG_ESTORAGE;
    if (cs->dk_state != RG_DK_PRESENT) {
        /* Erased: the first reply went with the case's key. */
        rg_w_map(out, 3);
        rg_w_kbool(out, "ok", true);
        rg_w_kstr(out, "case", id);
        rg_w_kbool(out, "erased", true);
        return 0;
    }
    return rg_aead_open(out, cs->dk, ikey, ikn, z + 1, vn - (size_t)(z + 1 - v));
}
