/* idem.c - stored copies of first replies; see idem.h. */
#include "idem.h"

#include <stdlib.h>
#include <string.h>

#include "../domain/access.h"
#include "../domain/member.h"
#include "../domain/upcast.h"
#include "../storage/errors.h"
#include "ctx.h"
#include "request.h"
#include "state.h"
#include "reads.h"

#define SEALED 0xc1
#define BYREF 0xc2
#define REF_KEY "$events"

/* A reference; an access export's (for_subject) has a sixth element: the
 * person of a household it is for ("P2"), or true (every person: an
 * export from before households). */
static void write_ref(rg_buf *out, const char *case_id, uint32_t first, uint32_t last, bool subject, bool system,
                      bool for_subject, const char *only)
{
    rg_w_map(out, 1);
    rg_w_cstr(out, REF_KEY);
    rg_w_array(out, 5 + for_subject);
    rg_w_cstr(out, case_id);
    rg_w_uint(out, first);
    rg_w_uint(out, last);
    rg_w_bool(out, subject);
    rg_w_bool(out, system);
    if (for_subject && only) rg_w_cstr(out, only);
    else if (for_subject) rg_w_bool(out, true);
}

void rg_idem_ref(rg_buf *out, const char *case_id, uint32_t first, uint32_t last, bool subject, bool system)
{
    write_ref(out, case_id, first, last, subject, system, false, NULL);
}

typedef struct range {
    rg_buf events;
    uint32_t v, first, last, n;
    bool subject;
    const rg_actor *reader;
    const rg_case *cs;
    bool for_subject;         /* an access export: art. 23 (access.h rg_access_subject_item) */
    rg_buf one;
    const char *only;         /* the person an export is for, or NULL */
    int pi;                   /* its place in a household case (domain/member.h), or -1 */
    rg_member member;         /* whom the items so far are about */
    uint32_t out;             /* events written (a member's export leaves some out) */
} range;

/* The rendered event ev again, the text of its item replaced by withheld. */
static void withhold(rg_buf *out, const rg_val *ev, const char *item)
{
    rg_w_map(out, rg_map_size(ev));
    for (uint32_t i = 0; i < rg_map_size(ev); i++) {
        rg_w_val(out, rg_map_key(ev, i));
        const rg_val *v = rg_map_value(ev, i);
        if (!rg_val_is_str(rg_map_key(ev, i), "data")) {
            rg_w_val(out, v);
            continue;
        }
        bool had = rg_map_get(v, "withheld") != NULL;
        rg_w_map(out, rg_map_size(v) - 1 + !had);
        for (uint32_t j = 0; j < rg_map_size(v); j++) {
            if (rg_val_is_str(rg_map_key(v, j), item)) continue;
            rg_w_val(out, rg_map_key(v, j));
            rg_w_val(out, rg_map_value(v, j));
        }
        if (!had) rg_w_kbool(out, "withheld", true);
    }
}

/* An event as the data subject may get it: rendered for the one who
 * decides, then the text of a police, judicial or secret item its source
 * did not release to the subject withheld. */
static void render_for_subject(range *g, const rg_record *r)
{
    rg_buf_reset(&g->one);
    rg_render_event_for(&g->one, r, g->subject, g->reader, g->cs, g->only);
    rg_doc *d = NULL;
    const char *why;
    char type[64] = "", cls[32] = "";
    uint64_t seq = 0;
    const rg_val *ev = NULL;
    if (rg_doc_parse(&d, g->one.data, g->one.len, &why) == 0) {
        ev = rg_doc_root(d);
        rg_val_strcpy(rg_map_get(ev, "type"), type, sizeof type);
        rg_val_strcpy(rg_map_get(rg_map_get(ev, "data"), "class"), cls, sizeof cls);
        rg_val_uint(rg_map_get(ev, "seq"), &seq);
    }
    const rg_evdef *def = rg_event_find(type);
    rg_buf two = RG_BUF_INIT;
    const rg_buf *src = &g->one;
    if (ev && def && def->item && rg_map_get(rg_map_get(ev, "data"), def->item) &&
        !rg_access_subject_item(g->cs, cls, seq)) {
        withhold(&two, ev, def->item);
        src = &two;
    }
    rg_doc *d2 = NULL;
    if (g->pi < 0 || rg_doc_parse(&d2, src->data, src->len, &why) < 0) {
        rg_buf_append(&g->events, src->data, src->len);
        g->out++;
    } else {
        /* A member of a household: only what is about them (member.h). */
        uint32_t withheld = 0;
        if (rg_member_render(&g->member, g->cs, (uint32_t)g->pi, rg_doc_root(d2), &g->events, &withheld)) g->out++;
    }
    rg_doc_free(d2);
    rg_buf_free(&two);
    rg_doc_free(d);
}

static int render_one(void *ud, const rg_record *r)
{
    range *g = ud;
    g->v++;                         /* the walk is in version order, from 1 */
    if (g->v < g->first || g->v > g->last) return 0;
    if (g->for_subject) {
        render_for_subject(g, r);
    } else {
        rg_render_event(&g->events, r, g->subject, g->reader, g->cs);
        g->out++;
    }
    g->n++;
    return 0;
}

static int render(rg_engine *e, rg_buf *out, const rg_case *cs, uint32_t first, uint32_t last, bool subject,
                  const rg_actor *reader, bool for_subject, const char *only)
{
    if (first < 1 || last < first || last > cs->version) return RG_ESTORAGE;
    range g = {RG_BUF_INIT, 0, first, last, 0, subject, reader, cs, for_subject, RG_BUF_INIT, only, -1,
               RG_MEMBER_INIT, 0};
    if (for_subject && only && rg_member_household(cs)) g.pi = rg_case_person(cs, only);
    int rc = rg_reads_case_events(e, cs, render_one, &g);
    if (rc == 0 && g.n != last - first + 1) rc = RG_ESTORAGE;
    if (rc == 0) {
        rg_w_array(out, g.out);
        rg_buf_append(out, g.events.data, g.events.len);
    }
    rg_member_free(&g.member);
    rg_buf_free(&g.events);
    rg_buf_free(&g.one);
    return rc < 0 ? RG_ESTORAGE : 0;
}

int rg_idem_render(rg_engine *e, rg_buf *out, const rg_case *cs, uint32_t first, uint32_t last,
                   bool subject, const rg_actor *reader)
{
    return render(e, out, cs, first, last, subject, reader, false, NULL);
}

/* ctx.h; here beside the references it records. */
static int reply_events(rg_ctx *c, rg_buf *b, const rg_case *cs, uint32_t first, uint32_t last,
                        bool with_subject, bool as_system, bool for_subject, const char *only)
{
    RG_ASSERT(b == &c->extra);
    size_t off = b->len;
    int rc = render(c->e, b, cs, first, last, with_subject, as_system ? rg_system_actor() : c->actor, for_subject,
                    only);
    if (rc < 0) return rc;
    if (c->nspans == c->capspans) {
        c->capspans = c->capspans ? c->capspans * 2 : 4;
        c->spans = rg_realloc(c->spans, c->capspans * sizeof *c->spans);
    }
    rg_ref_span *sp = &c->spans[c->nspans++];
    sp->off = off;
    sp->end = b->len;
    sp->ref = (rg_buf)RG_BUF_INIT;
    write_ref(&sp->ref, cs->id, first, last, with_subject, as_system, for_subject, only);
    return 0;
}

int rg_ctx_reply_events(rg_ctx *c, rg_buf *b, const rg_case *cs, uint32_t first, uint32_t last,
                        bool with_subject, bool as_system)
{
    return reply_events(c, b, cs, first, last, with_subject, as_system, false, NULL);
}

int rg_ctx_reply_export(rg_ctx *c, rg_buf *b, const rg_case *cs, bool with_subject, const char *only)
{
    return reply_events(c, b, cs, 1, cs->version, with_subject, false, true, only);
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
    bool subject, system, for_subject = rg_array_size(ref) == 6;
    if ((rg_array_size(ref) != 5 && !for_subject) || !rg_val_strcpy(rg_array_at(ref, 0), id, sizeof id) ||
        !rg_val_uint(rg_array_at(ref, 1), &first) || !rg_val_uint(rg_array_at(ref, 2), &last) ||
        !rg_val_bool(rg_array_at(ref, 3), &subject) || !rg_val_bool(rg_array_at(ref, 4), &system) ||
        first > UINT32_MAX || last > UINT32_MAX)
        return RG_ESTORAGE;
    char only[16] = "";
    if (for_subject) rg_val_strcpy(rg_array_at(ref, 5), only, sizeof only);
    rg_case *cs;
    if (rg_store_case(e, id, &cs) < 0) return RG_ESTORAGE;
    return render(e, out, cs, (uint32_t)first, (uint32_t)last, subject, system ? rg_system_actor() : reader,
                  for_subject, only[0] ? only : NULL);
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
    const rg_actor *reader = rg_store_actor(e, ikey);
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
