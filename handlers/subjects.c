/*
 * subjects.c - data-subject rights (GDPR art. 15-18, 21; CONTRACT.md,
 * "Privacy operations"): a request is a case of its own (route
 * subject-request) whose one-month answer is a norm like any other, with its
 * stagnation, alerts and ladder; the decision records its ground and the
 * cases of the region it covers, found through the keyed-hash person index
 * (core/persons.h), and grants per case what was asked: rectification
 * (subject.correct), erasure (case.erase with the request), restriction or
 * objection (every step but reads refused until case.unrestrict).  Access
 * is answered in the decision's reply.  subject.known tells which other
 * regions have an open case on a person, and nothing else.
 */
#include <stdio.h>
#include <string.h>

#include "../engine/core/persons.h"
#include "../engine/domain/access.h"
#include "../engine/domain/seal.h"
#include "../engine/storage/errors.h"
#include "handlers.h"

/* A person names a BSN, or a name with a birth date. */
static int check_person(rg_ctx *c, const rg_val *p)
{
    const char *s;
    uint32_t n;
    bool bsn = rg_val_str(rg_map_get(p, "bsn"), &s, &n) && n;
    bool name = rg_val_str(rg_map_get(p, "name"), &s, &n) && n &&
                rg_val_str(rg_map_get(p, "birth_date"), &s, &n) && n;
    if (!bsn && !name)
        return rg_ctx_fail(c, RG_EBADREQ, "data.person: a bsn, or a name with a birth_date");
    return 0;
}

int rg_h_subject_request(rg_ctx *c)
{
    const rg_val *person = rg_ctx_field(c, "person");
    int rc = check_person(c, person);
    if (rc < 0) return rc;
    const rg_actor *a = rg_ctx_actor(c);
    rg_ctx_create_case(c);
    rg_evb *ev = rg_ctx_emit(c, "subject.requested");
    static const char *const fields[] = {"kind", "received", NULL};
    rg_copy_fields(c, ev, fields);
    rg_ev_str(ev, "route", rg_route_name(RG_RT_SUBJECT_REQUEST));
    rg_ev_str(ev, "reporter_org", a->org);
    rg_ev_str(ev, "zvh", a->zvh);
    rg_w_val(&ev->subject, person);
    rg_w_cstr(rg_ctx_reply_key(c, "request"), rg_ctx_case(c)->id);
    return 0;
}

int rg_a_subject_requested(rg_case *cs, const rg_event_view *ev)
{
    cs->route = RG_RT_SUBJECT_REQUEST;
    rg_ev_get_str(ev, "reporter_org", cs->reporter_org, sizeof cs->reporter_org);
    rg_ev_get_str(ev, "kind", cs->target_group, sizeof cs->target_group);
    rg_ev_get_str(ev, "zvh", cs->zvh, sizeof cs->zvh);
    if (!cs->zvh[0] || !cs->reporter_org[0]) return RG_ESTORAGE;
    snprintf(cs->urgency, sizeof cs->urgency, "normal");
    cs->report_seq = cs->subject_seq = ev->seq;
    cs->created_at = ev->at;
    return 0;
}

/* The cases of one region matched by the person index, collected. */
typedef struct matches {
    rg_engine *e;
    const char *zvh;          /* NULL: every region */
    char ids[64][RG_ID_MAX];
    uint32_t n;
} matches;

static int collect(void *ud, const char *zvh, const char *case_id)
{
    matches *m = ud;
    if (m->zvh && strcmp(m->zvh, zvh) != 0) return 0;
    for (uint32_t i = 0; i < m->n; i++)
        if (strcmp(m->ids[i], case_id) == 0) return 0;
    if (m->n == 64) return 1;
    snprintf(m->ids[m->n++], RG_ID_MAX, "%s", case_id);
    return 0;
}

/* Each case's history as a manager of its region reads it, subject
 * included; the stored copy of the reply keeps references, so an erasure
 * takes the export's personal data with it (ctx.h rg_ctx_reply_events). */
static int write_access(rg_ctx *c, const matches *m)
{
    rg_engine *e = rg_ctx_engine(c);
    rg_buf *b = rg_ctx_reply_key(c, "cases");
    rg_w_array(b, m->n);
    for (uint32_t i = 0; i < m->n; i++) {
        rg_case *cs;
        if (rg_engine_load_case(e, m->ids[i], &cs) < 0) return rg_ctx_fail(c, RG_ESTORAGE, "reading %s failed", m->ids[i]);
        rg_w_map(b, 4);
        rg_w_kstr(b, "case", cs->id);
        rg_w_kstr(b, "state", rg_state_name(cs->state));
        rg_w_cstr(b, "events");
        if (cs->version == 0) {
            rg_w_array(b, 0);
        } else if (rg_ctx_reply_events(c, b, cs, 1, cs->version, true, true) < 0) {
            return rg_ctx_fail(c, RG_ESTORAGE, "reading the events of %s failed", cs->id);
        }
        rg_w_kbool(b, "erased", cs->erased);
        rg_ctx_audit_case(c, cs->id);
    }
    return 0;
}

int rg_h_subject_decide(rg_ctx *c)
{
    rg_engine *e = rg_ctx_engine(c);
    const rg_actor *a = rg_ctx_actor(c);
    char id[RG_ID_MAX];
    rg_field_str(c, "request", id, sizeof id);
    rg_case *req = NULL;
    int rc = rg_engine_load_case(e, id, &req);
    if (rc < 0 && rc != RG_ENOTFOUND) return rg_ctx_fail(c, RG_ESTORAGE, "reading %s failed", id);
    if (rc == RG_ENOTFOUND || req->route != RG_RT_SUBJECT_REQUEST || rg_access_view(a, req) == RG_VIEW_NONE)
        return rg_ctx_fail(c, RG_ENOTFOUND, "no data-subject request %s", id);
    if (req->state != RG_ST_REQUEST)
        return rg_ctx_fail(c, RG_EGUARD, "request %s was decided already", id);
    bool granted = false;
    rg_val_bool(rg_ctx_field(c, "granted"), &granted);
    if (!granted && !rg_ctx_field(c, "ground"))
        return rg_ctx_fail(c, RG_EBADREQ, "data.ground: a refusal records its ground");
    /* The person, from the request itself, and the region's cases on them. */
    rg_buf subj = RG_BUF_INIT;
    rg_doc *pd = NULL;
    const char *why;
    matches m = {e, req->zvh, {{0}}, 0};
    rc = rg_case_subject(e, req, &subj);
    if (rc == 0 && rg_doc_parse(&pd, subj.data, subj.len, &why) == 0)
        rc = rg_persons_find(e, rg_doc_root(pd), collect, &m);
    rg_doc_free(pd);
    rg_buf_free(&subj);
    if (rc < 0 && rc != RG_ENOTFOUND) return rg_ctx_fail(c, RG_ESTORAGE, "reading the person index failed");
    const char *kind = req->target_group;
    rg_ctx_set_case(c, req);
    rg_evb *ev = rg_ctx_emit(c, "subject.decided");
    static const char *const fields[] = {"granted", "ground", NULL};
    rg_copy_fields(c, ev, fields);
    rg_ev_str(ev, "kind", kind);
    rg_w_cstr(&ev->data, "cases");
    rg_w_array(&ev->data, m.n);
    for (uint32_t i = 0; i < m.n; i++) rg_w_cstr(&ev->data, m.ids[i]);
    ev->nkeys++;
    if (!granted) return 0;
    if (strcmp(kind, "access") == 0) return write_access(c, &m);
    /* Rectification, erasure, restriction, objection: granted per case. */
    for (uint32_t i = 0; i < m.n; i++) {
        uint8_t k[2 * RG_ID_MAX + 4];
        rg_ctx_put(c, RG_CF_PERSONS, k, rg_grant_key(k, m.ids[i], kind), id, strlen(id));
    }
    return 0;
}

int rg_subject_request_allows(rg_ctx *c, const char *request, const char *kind, const rg_case *cs)
{
    char granted_by[RG_ID_MAX];
    int rc = rg_grant_get(rg_ctx_engine(c), cs->id, kind, granted_by);
    if (rc < 0 && rc != RG_ENOTFOUND) return rg_ctx_fail(c, RG_ESTORAGE, "reading the grants of %s failed", cs->id);
    if (rc == RG_ENOTFOUND || (request && strcmp(granted_by, request) != 0))
        return rg_ctx_fail(c, RG_EGUARD, "no granted %s request%s%s covers case %s", kind, request ? " " : "",
                           request ? request : "", cs->id);
    return 0;
}

int rg_h_subject_correct(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    int rc = rg_subject_request_allows(c, NULL, "rectification", cs);
    if (rc < 0) return rc;
    const rg_val *subject = rg_ctx_field(c, "subject");
    const char *s;
    uint32_t n;
    if (!rg_val_str(rg_map_get(subject, "name"), &s, &n) || n == 0)
        return rg_ctx_fail(c, RG_EBADREQ, "data.subject.name: required, a non-empty string");
    /* The index follows the person: the old entries out, the new in. */
    if ((rc = rg_persons_stage(c, cs, true)) < 0) return rg_ctx_fail(c, RG_ESTORAGE, "reading the subject failed");
    uint8_t keys[2][RG_PKEY_MAX];
    size_t lens[2];
    int nk = rg_person_keys(rg_ctx_engine(c), subject, cs->zvh, cs->id, keys, lens);
    for (int i = 0; i < nk; i++) rg_ctx_put(c, RG_CF_PERSONS, keys[i], lens[i], "", 0);
    rg_evb *ev = rg_ctx_emit(c, "subject.corrected");
    char req[RG_ID_MAX] = "";
    rg_grant_get(rg_ctx_engine(c), cs->id, "rectification", req);
    rg_ev_str(ev, "request", req);
    rg_w_val(&ev->subject, subject);
    return 0;
}

int rg_a_subject_corrected(rg_case *cs, const rg_event_view *ev)
{
    cs->subject_seq = ev->seq;
    return 0;
}

int rg_h_case_unrestrict(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    char req[RG_ID_MAX];
    bool restricted = rg_grant_get(rg_ctx_engine(c), cs->id, "restriction", req) == 0;
    bool objected = rg_grant_get(rg_ctx_engine(c), cs->id, "objection", req) == 0;
    if (!restricted && !objected) return rg_ctx_fail(c, RG_EGUARD, "case %s is not restricted", cs->id);
    uint8_t k[2 * RG_ID_MAX + 4];
    rg_ctx_del(c, RG_CF_PERSONS, k, rg_grant_key(k, cs->id, "restriction"));
    rg_ctx_del(c, RG_CF_PERSONS, k, rg_grant_key(k, cs->id, "objection"));
    rg_evb *ev = rg_ctx_emit(c, "case.unrestricted");
    static const char *const fields[] = {"reason", NULL};
    rg_copy_fields(c, ev, fields);
    return 0;
}

/* subject.known: the other regions with an open case on the person. */
typedef struct known {
    rg_engine *e;
    const char *own;
    char zvh[16][RG_ID_MAX];
    uint32_t n;
} known;

static int note_region(void *ud, const char *zvh, const char *case_id)
{
    known *k = ud;
    if (strcmp(zvh, k->own) == 0) return 0;
    for (uint32_t i = 0; i < k->n; i++)
        if (strcmp(k->zvh[i], zvh) == 0) return 0;
    rg_case *cs;
    if (rg_engine_load_case(k->e, case_id, &cs) < 0 || cs->erased || !rg_state_open(cs->state) ||
        cs->route == RG_RT_SUBJECT_REQUEST)
        return 0;
    if (k->n < 16) snprintf(k->zvh[k->n++], RG_ID_MAX, "%s", zvh);
    return 0;
}

int rg_h_subject_known(rg_ctx *c)
{
    const rg_val *person = rg_ctx_field(c, "person");
    int rc = check_person(c, person);
    if (rc < 0) return rc;
    known k = {rg_ctx_engine(c), rg_ctx_actor(c)->zvh, {{0}}, 0};
    if (rg_persons_find(k.e, person, note_region, &k) < 0)
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the person index failed");
    rg_buf *b = rg_ctx_reply_key(c, "regions");
    rg_w_array(b, k.n);
    for (uint32_t i = 0; i < k.n; i++) rg_w_cstr(b, k.zvh[i]);
    return 0;
}
