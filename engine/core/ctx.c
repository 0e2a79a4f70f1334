/* ctx.c - the handlers' face of a request; rules in ctx.h. */
#include "ctx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "state.h"
#include "../storage/crypto.h"
#include "../storage/errors.h"

void rg_ctx_init(rg_ctx *c, rg_engine *e)
{
    memset(c, 0, sizeof *c);
    c->e = e;
    c->now = rg_clock_now(&e->clock);
}

void rg_ctx_cleanup(rg_ctx *c)
{
    for (int i = 0; i < c->nevs; i++) {
        rg_evb_free(c->evs[i]);
        free(c->evs[i]);
    }
    free(c->evs);
    rg_buf_free(&c->extra);
    rg_buf_free(&c->stored);
    for (size_t i = 0; i < c->nspans; i++) rg_buf_free(&c->spans[i].ref);
    free(c->spans);
    rg_buf_free(&c->audit_cases);
    for (size_t i = 0; i < c->nstaged; i++) {
        free(c->staged[i].k);
        free(c->staged[i].v);
    }
    free(c->staged);
    for (int i = 0; i < c->nalso; i++) rg_ctx_free(c->also[i]);
    free(c->also);
    if (c->created) rg_case_free(c->cs);   /* not adopted by the cache */
}

void rg_ctx_free(rg_ctx *c)
{
    rg_ctx_cleanup(c);
    free(c);
}

const rg_val *rg_ctx_data(rg_ctx *c) { return c->data; }
const rg_val *rg_ctx_field(rg_ctx *c, const char *name) { return rg_map_get(c->data, name); }
const rg_actor *rg_ctx_actor(const rg_ctx *c) { return c->actor; }
rg_case *rg_ctx_case(rg_ctx *c) { return c->cs; }
rg_engine *rg_ctx_engine(rg_ctx *c) { return c->e; }
uint64_t rg_ctx_now(const rg_ctx *c) { return c->now; }
const rg_opdef *rg_ctx_op(const rg_ctx *c) { return c->op; }
const struct rg_trace *rg_ctx_trace(const rg_ctx *c) { return &c->trace; }
bool rg_ctx_refused(const rg_ctx *c) { return c->refused_case; }
bool rg_ctx_audit_wanted(const rg_ctx *c) { return c->audit_query; }

void rg_ctx_audited(const rg_ctx *c, const uint8_t **p, size_t *len, uint32_t *n)
{
    *p = c->audit_cases.data;
    *len = c->audit_cases.len;
    *n = c->naudit_cases;
}

int rg_ctx_fail(rg_ctx *c, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->msg, sizeof c->msg, fmt, ap);
    va_end(ap);
    return err;
}

rg_evb *rg_ctx_emit(rg_ctx *c, const char *type)
{
    const rg_evdef *def = rg_event_find(type);
    if (!def) {
        /* A handler naming an event missing from schemas/events.c is a bug:
         * the request fails (rg_ctx_emit_failed) and nothing is written.
         * The event is still built, so the handler needs no check. */
        fprintf(stderr, "regie: bug: no event type %s in schemas/events.c\n", type);
        c->bug = true;
    }
    /* As many events as the rules produce (a plan revision on a case with
     * many open stagnations clears each): each is allocated on its own, so
     * an event a handler still fills stays where it is. */
    if (c->nevs == c->capevs) {
        c->capevs = c->capevs ? c->capevs * 2 : 4;
        c->evs = rg_realloc(c->evs, (size_t)c->capevs * sizeof *c->evs);
    }
    rg_evb *ev = rg_malloc(sizeof *ev);
    c->evs[c->nevs++] = ev;
    rg_evb_init(ev, def ? def->type : type, def ? def->version : 1);
    return ev;
}

/* Crockford's base32: no I, L, O or U, so an id read aloud or copied by
 * hand is not mistaken. */
static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* The Luhn mod 32 check character of the n symbols at p: any one symbol
 * mistyped, and most swaps of two neighbours, give another. */
static char check_char(const char *p, size_t n)
{
    int sum = 0, factor = 2;
    for (size_t i = n; i-- > 0;) {
        int v = (int)(strchr(b32, p[i]) - b32) * factor;
        factor = factor == 2 ? 1 : 2;
        sum += v / 32 + v % 32;
    }
    return b32[(32 - sum % 32) % 32];
}

bool rg_case_id_checks(const char *id)
{
    size_t n = strlen(id);
    if (n != 13 || strncmp(id, "ZVH-", 4) != 0) return false;
    for (size_t i = 4; i < n; i++)
        if (!id[i] || !strchr(b32, id[i])) return false;
    return check_char(id + 4, 8) == id[12];
}

rg_case *rg_ctx_create_case(rg_ctx *c)
{
    /* Opaque: 40 random bits in base32 and a check character, so an id
     * tells nothing of how many cases there are (issue 21, finding 13);
     * the number people say on the phone is the region's own
     * (rg_ctx_case_number). */
    char id[RG_ID_MAX];
    rg_case *exists = NULL;
    int tries = 0;
    do {
        uint8_t r[5];
        rg_random(r, sizeof r);
        uint64_t bits = (uint64_t)r[0] << 32 | (uint64_t)r[1] << 24 | (uint64_t)r[2] << 16 | (uint64_t)r[3] << 8 | r[4];
        memcpy(id, "ZVH-", 4);
        for (int i = 0; i < 8; i++) id[4 + i] = b32[(bits >> (35 - 5 * i)) & 31];
        id[12] = check_char(id + 4, 8);
        id[13] = 0;
        exists = NULL;
        /* One in 2^40 is taken already: draw again.  (A read that fails
         * leaves the id as drawn: the same failure refuses the commit.) */
    } while (rg_store_case(c->e, id, &exists) == 0 && exists && ++tries < 16);
    RG_ASSERT(tries < 16);
    c->cs = rg_case_new(id);
    c->created = true;
    return c->cs;
}

void rg_ctx_put(rg_ctx *c, rg_cf cf, const void *k, size_t kn, const void *v, size_t vn)
{
    if (c->nstaged == c->capstaged) {
        c->capstaged = c->capstaged ? c->capstaged * 2 : 4;
        c->staged = rg_realloc(c->staged, c->capstaged * sizeof *c->staged);
    }
    rg_staged *s = &c->staged[c->nstaged++];
    s->cf = cf;
    s->k = rg_malloc(kn);
    memcpy(s->k, k, kn);
    s->kn = kn;
    s->v = rg_malloc(vn);
    memcpy(s->v, v, vn);
    s->vn = vn;
}

void rg_ctx_del(rg_ctx *c, rg_cf cf, const void *k, size_t kn)
{
    rg_ctx_put(c, cf, k, kn, "", 0);
    rg_staged *s = &c->staged[c->nstaged - 1];
    free(s->v);
    s->v = NULL;
}

/* The op of a change that goes with a request: no fields (nothing it emits
 * is free text to seal), no entry of its own in the processing register
 * (the request's processing covers it). */
static const rg_opdef also_op = {"also", 0, RG_OP_MUTATES, NULL, NULL, NULL};

rg_ctx *rg_ctx_also(rg_ctx *c, rg_case *cs)
{
    /* Another case, never the request's own (its versions would interleave). */
    RG_ASSERT(cs && cs != c->cs && !c->created);
    rg_ctx *o = rg_malloc(sizeof *o);
    rg_ctx_init(o, c->e);
    o->now = c->now;
    o->actor = c->actor;
    o->op = &also_op;
    o->cs = cs;
    o->trace = c->trace;
    c->also = rg_realloc(c->also, (size_t)(c->nalso + 1) * sizeof *c->also);
    c->also[c->nalso++] = o;
    return o;
}

void rg_ctx_set_case(rg_ctx *c, rg_case *cs)
{
    c->cs = cs;
    c->touched = true;     /* a handler's case is one the caller may see */
}

rg_buf *rg_ctx_reply_key(rg_ctx *c, const char *key)
{
    rg_w_cstr(&c->extra, key);
    c->nextra++;
    return &c->extra;
}

void rg_ctx_reply_array(rg_ctx *c, const char *key, uint32_t n, rg_buf *items)
{
    rg_buf *b = rg_ctx_reply_key(c, key);
    rg_w_array(b, n);
    rg_buf_append(b, items->data, items->len);
    rg_buf_free(items);
}

rg_buf *rg_ctx_stored_key(rg_ctx *c, const char *key)
{
    rg_w_cstr(&c->stored, key);
    c->nstored++;
    return &c->stored;
}

bool rg_ctx_final(rg_ctx *c) { return c->final; }
uint64_t rg_ctx_deadline(rg_ctx *c) { return c->deadline; }

void rg_ctx_request_bytes(rg_ctx *c, const uint8_t **p, size_t *n)
{
    *p = c->raw;
    *n = c->rawn;
}

const char *rg_ctx_idem_key(rg_ctx *c, size_t *n)
{
    *n = c->ikn;
    return c->ikey;
}

static const rg_actor system_actor = {.id = "system", .role = RG_ROLE_SYSTEM, .org = "zvh",
                                      .zvh = RG_ZVH_DEFAULT, .covenants = ~0u};

const rg_actor *rg_system_actor(void) { return &system_actor; }

void rg_ctx_audit_case(rg_ctx *c, const char *case_id)
{
    /* Pages list a case's events together: skip repeats of the last one. */
    if (c->naudit_cases && c->audit_last[0] && strcmp(c->audit_last, case_id) == 0) return;
    snprintf(c->audit_last, sizeof c->audit_last, "%s", case_id);
    rg_w_cstr(&c->audit_cases, case_id);
    c->naudit_cases++;
}

void rg_ctx_audit_query(rg_ctx *c) { c->audit_query = true; }

void rg_ctx_audit_case_of(rg_ctx *c, const rg_record *r)
{
    rg_doc *d;
    const char *why;
    char id[RG_ID_MAX];
    if (rg_doc_parse(&d, r->pub, r->pub_len, &why) < 0) return;
    if (rg_val_strcpy(rg_map_get(rg_doc_root(d), "case"), id, sizeof id)) rg_ctx_audit_case(c, id);
    rg_doc_free(d);
}

void rg_ctx_take_reply(rg_ctx *c, rg_reply_fn *fn, void **ud)
{
    c->reply_taken = true;
    *fn = c->reply_fn;
    *ud = c->reply_ud;
}

uint64_t rg_ctx_case_number(rg_ctx *c, const char *zvh) { return rg_store_next_number(c->e, zvh); }
