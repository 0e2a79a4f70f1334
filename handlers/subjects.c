/*
 * subjects.c - data-subject rights (GDPR art. 15-18, 21; CONTRACT.md,
 * "Privacy operations"): a request is a case of its own (route
 * subject-request) whose one-month answer is a norm like any other, with its
 * stagnation, alerts and ladder; the decision records its ground and the
 * cases of the region it covers, found through the keyed-hash person index
 * (core/persons.h), and grants per case what was asked: rectification
 * (subject.correct), erasure (case.erase with the request), restriction or
 * objection (every step but reads refused until case.unrestrict; in a
 * household case, of the person alone: rg_restricts_alone).  Access
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
    return rg_check_person(c, p, "data.person");
}

/* A request for a child under 16 is made by someone with parental
 * authority (GDPR art. 8, UAVG art. 5): `by` names them -- a person of the
 * case, or someone named in the request --, recorded with the person. */
static int check_by(rg_ctx *c, const rg_val *person, const rg_val *by)
{
    const char *s;
    uint32_t n;
    if (by && (!rg_val_str(rg_map_get(by, "name"), &s, &n) || n == 0))
        return rg_ctx_fail(c, RG_EBADREQ, "data.by.name: required, a non-empty string (who makes the request)");
    if (by) {
        int rc = rg_check_person(c, by, "data.by");
        if (rc < 0) return rc;
    }
    char date[11] = "";
    if (rg_val_str(rg_map_get(person, "birth_date"), &s, &n) && n >= 10) memcpy(date, s, 10);
    int age;
    if (!by && date[0] && rg_age_on(date, rg_ctx_now(c), &age) && age < 16)
        return rg_ctx_fail(c, RG_EBADREQ,
                           "data.by: the person is under 16; the request is made by someone with parental "
                           "authority, named as by: {name, bsn?}");
    return 0;
}

int rg_h_subject_request(rg_ctx *c)
{
    const rg_val *person = rg_ctx_field(c, "person"), *by = rg_ctx_field(c, "by");
    int rc = check_person(c, person);
    if (rc == 0) rc = check_by(c, person, by);
    if (rc < 0) return rc;
    const rg_actor *a = rg_ctx_actor(c);
    rg_ctx_create_case(c);
    rg_evb *ev = rg_ctx_emit(c, "subject.requested");
    static const char *const fields[] = {"kind", "received", NULL};
    rg_copy_fields(c, ev, fields);
    rg_ev_str(ev, "route", rg_route_name(RG_RT_SUBJECT_REQUEST));
    rg_ev_str(ev, "reporter_org", a->org);
    rg_ev_str(ev, "zvh", a->zvh);
    /* The person, and who asks for them (sealed with them). */
    rg_w_map(&ev->subject, rg_map_size(person) + (by != NULL));
    for (uint32_t i = 0; i < rg_map_size(person); i++) {
        rg_w_val(&ev->subject, rg_map_key(person, i));
        rg_w_val(&ev->subject, rg_map_value(person, i));
    }
    if (by) {
        rg_w_cstr(&ev->subject, "by");
        rg_w_val(&ev->subject, by);
    }
    rg_w_cstr(rg_ctx_reply_key(c, "request"), rg_ctx_case(c)->id);
    return 0;
}

/* The cases of one region matched by the person index, collected. */
typedef struct matches {
    const char *zvh;
    char ids[RG_SUBJECT_CASES][RG_ID_MAX];
    char person[RG_SUBJECT_CASES][16];    /* who the requester is in that case */
    uint32_t n;
} matches;

static int collect(void *ud, const char *zvh, const char *case_id, const char *person)
{
    matches *m = ud;
    if (strcmp(m->zvh, zvh) != 0) return 0;
    for (uint32_t i = 0; i < m->n; i++)
        if (strcmp(m->ids[i], case_id) == 0) return 0;
    if (m->n == RG_SUBJECT_CASES) return 1;
    snprintf(m->person[m->n], sizeof m->person[0], "%s", person);
    snprintf(m->ids[m->n++], RG_ID_MAX, "%s", case_id);
    return 0;
}

/* Who decides a case of a request (CONTRACT.md: whoever handles a request
 * sees and touches only what they may see): a manager every case they see
 * in full; a procesregisseur only a covenant case assigned to them, the
 * part a manager without that covenant has to leave. */
static bool may_decide(const rg_actor *a, const rg_case *cs)
{
    rg_view v = rg_access_view(a, cs);
    if (a->role == RG_ROLE_MANAGER) return v == RG_VIEW_FULL;
    return a->role == RG_ROLE_PROCESREGISSEUR && v == RG_VIEW_FULL && cs->covenants != 0;
}

/* The request's cases split into those the caller decides now and the
 * number left for someone who may see them; those decided before (by
 * someone else, for a part of the request) are neither. */
typedef struct split {
    char mine[RG_SUBJECT_CASES][RG_ID_MAX];
    char who[RG_SUBJECT_CASES][16];   /* the requester's person in mine[i] */
    char by[RG_SUBJECT_CASES][16];    /* for one under 16: who asked, a person of the case
                                         ("P1"), "named" in the request, or "" */
    bool cov[RG_SUBJECT_CASES];   /* mine[i] runs under a covenant */
    uint32_t nmine, covenant, awaiting;
} split;

static int split_cases(rg_ctx *c, const char *request, const matches *m, split *s)
{
    rg_engine *e = rg_ctx_engine(c);
    for (uint32_t i = 0; i < m->n; i++) {
        rg_case *cs;
        int rc = rg_engine_load_case(e, m->ids[i], &cs);
        if (rc == RG_ENOTFOUND) continue;
        if (rc < 0) return rc;
        if ((rc = rg_handled_get(e, request, cs->id)) == 0) continue;
        if (rc != RG_ENOTFOUND) return rc;
        if (!may_decide(rg_ctx_actor(c), cs)) {
            s->awaiting++;
            continue;
        }
        s->cov[s->nmine] = cs->covenants != 0;
        snprintf(s->who[s->nmine], sizeof s->who[0], "%s", m->person[i]);
        snprintf(s->mine[s->nmine++], RG_ID_MAX, "%s", cs->id);
        if (cs->covenants) s->covenant++;
    }
    return 0;
}

/* The person of case_id that `by` is, found by the person index. */
typedef struct by_find {
    const char *case_id;
    char person[16];
} by_find;

static int by_person(void *ud, const char *zvh, const char *case_id, const char *person)
{
    (void)zvh;
    by_find *f = ud;
    if (strcmp(f->case_id, case_id) != 0) return 0;
    snprintf(f->person, sizeof f->person, "%s", person);
    return 1;
}

/* For each case of s whose person is under 16 (by their birth date in that
 * case, today): who asked for them -- a person of the case, or someone the
 * request named; refused when the request names no one (parental
 * authority, GDPR art. 8). */
static int check_minors(rg_ctx *c, split *s, const rg_val *by)
{
    rg_engine *e = rg_ctx_engine(c);
    for (uint32_t i = 0; i < s->nmine; i++) {
        rg_case *cs;
        if (rg_engine_load_case(e, s->mine[i], &cs) < 0) return rg_ctx_fail(c, RG_ESTORAGE, "reading %s failed", s->mine[i]);
        int pi = rg_case_person(cs, s->who[i]);
        int age = 0;
        if (pi < 0 || rg_person_age(e, cs, (uint32_t)pi, rg_ctx_now(c), &age) < 0 || age >= 16) continue;
        if (!by)
            return rg_ctx_fail(c, RG_EGUARD,
                               "the request is for a person under 16 (person %s of a case it covers): it is made "
                               "by someone with parental authority, named in the request (subject.request data.by)",
                               s->who[i]);
        by_find f = {cs->id, ""};
        if (rg_persons_find(e, by, by_person, &f) < 0) return rg_ctx_fail(c, RG_ESTORAGE, "reading the person index failed");
        snprintf(s->by[i], sizeof s->by[0], "%s", f.person[0] ? f.person : "named");
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
    /* A procesregisseur need not have taken the request: its region is
     * enough, and what they may decide is checked per case below. */
    if (rc == RG_ENOTFOUND || req->route != RG_RT_SUBJECT_REQUEST || strcmp(req->zvh, a->zvh) != 0 ||
        (a->role == RG_ROLE_MANAGER && rg_access_view(a, req) == RG_VIEW_NONE))
        return rg_ctx_fail(c, RG_ENOTFOUND, "no data-subject request %s", id);
    /* The request's case from here on: a refusal below is recorded as a
     * processing of it (the person's identifiers are read). */
    rg_ctx_set_case(c, req);
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
    matches m = {req->zvh, {{0}}, {{0}}, 0};
    rc = rg_case_subject(e, req, &subj);
    if (rc == 0 && rg_doc_parse(&pd, subj.data, subj.len, &why) == 0)
        rc = rg_persons_find(e, rg_doc_root(pd), collect, &m);
    if (rc < 0 && rc != RG_ENOTFOUND) {
        rg_doc_free(pd);
        rg_buf_free(&subj);
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the person index failed");
    }
    split s;
    memset(&s, 0, sizeof s);
    rc = split_cases(c, id, &m, &s);
    if (rc < 0) rc = rg_ctx_fail(c, RG_ESTORAGE, "reading the cases of %s failed", id);
    else rc = check_minors(c, &s, pd ? rg_map_get(rg_doc_root(pd), "by") : NULL);
    rg_doc_free(pd);
    rg_buf_free(&subj);
    if (rc < 0) return rc;
    /* Nothing of it is the caller's: say how many cases wait, never which. */
    if (a->role != RG_ROLE_MANAGER && !s.nmine)
        return rg_ctx_fail(c, RG_ENOTFOUND, "no data-subject request %s awaits a decision of yours", id);
    if (!s.nmine && s.awaiting)
        return rg_ctx_fail(c, RG_EGUARD,
                           "request %s: %u case%s on this person await%s a decision by a manager or "
                           "procesregisseur who may see %s; none is yours to decide",
                           id, s.awaiting, s.awaiting == 1 ? "" : "s", s.awaiting == 1 ? "s" : "",
                           s.awaiting == 1 ? "it" : "them");
    const char *kind = req->target_group;
    /* The request is decided when no case waits; until then it stays open
     * (its one-month norm running) and says how many cases wait.  Covenant
     * cases are counted, never named, in the request's events: every
     * manager of the region and its procesregisseur read those. */
    rg_evb *ev = rg_ctx_emit(c, s.awaiting ? "subject.partly_decided" : "subject.decided");
    static const char *const fields[] = {"granted", "ground", NULL};
    rg_copy_fields(c, ev, fields);
    rg_ev_str(ev, "kind", kind);
    rg_w_cstr(&ev->data, "cases");
    rg_w_array(&ev->data, s.nmine - s.covenant);
    for (uint32_t i = 0; i < s.nmine; i++)
        if (!s.cov[i]) rg_w_cstr(&ev->data, s.mine[i]);
    ev->nkeys++;
    /* Whom each case's part of the request is from (P2: the person of the
     * case the request is from), and, for one under 16, who asked. */
    rg_w_cstr(&ev->data, "from");            /* ids only: data.persons is for personal data */
    rg_w_array(&ev->data, s.nmine - s.covenant);
    for (uint32_t i = 0; i < s.nmine; i++) {
        if (s.cov[i]) continue;
        rg_w_map(&ev->data, 2 + (s.by[i][0] != 0));
        rg_w_kstr(&ev->data, "case", s.mine[i]);
        rg_w_kstr(&ev->data, "person", s.who[i]);
        if (s.by[i][0]) rg_w_kstr(&ev->data, "by", s.by[i]);
    }
    ev->nkeys++;
    rg_ev_uint(ev, "covenant_cases", s.covenant);
    rg_ev_uint(ev, "awaiting", s.awaiting);
    rg_w_uint(rg_ctx_reply_key(c, "awaiting"), s.awaiting);
    /* What the decision processed: the request (the person's identifiers)
     * and each case it covers. */
    rg_ctx_audit_case(c, id);
    for (uint32_t i = 0; i < s.nmine; i++) {
        uint8_t k[2 * RG_ID_MAX + 4];
        rg_ctx_put(c, RG_CF_PERSONS, k, rg_handled_key(k, id, s.mine[i]), granted ? "1" : "0", 1);
    }
    if (granted && strcmp(kind, "access") == 0)
        return rg_subject_export(c, (const char (*)[RG_ID_MAX])s.mine, (const char (*)[16])s.who, s.nmine);
    rg_buf *b = rg_ctx_reply_key(c, "cases");
    rg_w_array(b, s.nmine);
    for (uint32_t i = 0; i < s.nmine; i++) {
        rg_w_cstr(b, s.mine[i]);
        rg_ctx_audit_case(c, s.mine[i]);
    }
    if (!granted || strcmp(kind, "access") == 0) return 0;
    /* Rectification, erasure, restriction, objection: granted per case,
     * for the person of the case the request is from.  A restriction or
     * objection of one person of a household restricts that person alone:
     * case.restricted with them, folded into the case (and lifted by
     * case.unrestrict with them); the case goes on for the others. */
    bool restricts = strcmp(kind, "restriction") == 0 || strcmp(kind, "objection") == 0;
    for (uint32_t i = 0; i < s.nmine; i++) {
        rg_case *cs;
        if (restricts && rg_engine_load_case(e, s.mine[i], &cs) == 0 && rg_restricts_alone(cs, s.who[i])) {
            rg_evb *rev = rg_ctx_emit(rg_ctx_also(c, cs), "case.restricted");
            rg_ev_str(rev, "person", s.who[i]);
            rg_ev_str(rev, "kind", kind);
            rg_ev_str(rev, "request", id);
            continue;
        }
        rg_grant_put(c, s.mine[i], kind, id, s.who[i]);
    }
    return 0;
}

int rg_refuse_restricted(rg_ctx *c, const rg_case *cs, const char *person, const char *what)
{
    if (!rg_case_person_restricted(cs, person)) return 0;
    return rg_ctx_fail(c, RG_EGUARD,
                       "person %s of case %s is restricted (their granted restriction or objection): %s; a "
                       "manager lifts it with case.unrestrict and data.person", person, cs->id, what);
}

bool rg_restricts_alone(const rg_case *cs, const char *who)
{
    int i = who[0] ? rg_case_person(cs, who) : 0;
    if (i < 0 || (uint32_t)i >= cs->npersons || cs->erased || cs->persons[i].erased) return false;
    uint32_t others = 0, subjects = 0;
    for (uint32_t j = 0; j < cs->npersons; j++) {
        if (cs->persons[j].removed || cs->persons[j].erased) continue;
        others += j != (uint32_t)i;
        subjects += strcmp(cs->persons[j].role, "subject") == 0;
    }
    /* The case is about them alone: nothing of it can go on without
     * processing their data, so the whole case stops (as before households). */
    if (!others || (strcmp(cs->persons[i].role, "subject") == 0 && subjects < 2)) return false;
    return true;
}

int rg_subject_request_allows(rg_ctx *c, const char *request, const char *kind, const rg_case *cs,
                              char person[16])
{
    char granted_by[RG_ID_MAX], who[16];
    int rc = rg_grant_get_person(rg_ctx_engine(c), cs->id, kind, granted_by, who);
    if (person) snprintf(person, 16, "%s", rc == 0 ? who : "");
    if (rc < 0 && rc != RG_ENOTFOUND) return rg_ctx_fail(c, RG_ESTORAGE, "reading the grants of %s failed", cs->id);
    if (rc == RG_ENOTFOUND || (request && strcmp(granted_by, request) != 0))
        return rg_ctx_fail(c, RG_EGUARD, "no granted %s request%s%s covers case %s", kind, request ? " " : "",
                           request ? request : "", cs->id);
    return 0;
}

int rg_h_subject_correct(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    char granted_for[16];
    int rc = rg_subject_request_allows(c, NULL, "rectification", cs, granted_for);
    if (rc < 0) return rc;
    const rg_val *subject = rg_ctx_field(c, "subject");
    const char *s;
    uint32_t n;
    if (!rg_val_str(rg_map_get(subject, "name"), &s, &n) || n == 0)
        return rg_ctx_fail(c, RG_EBADREQ, "data.subject.name: required, a non-empty string");
    if ((rc = rg_check_person(c, subject, "data.subject")) < 0) return rc;
    /* The person corrected: the one the granted request is from. */
    char person[16] = "";
    rg_field_str(c, "person", person, sizeof person);
    if (!person[0]) snprintf(person, sizeof person, "%s", granted_for);
    if (strcmp(person, granted_for) != 0)
        return rg_ctx_fail(c, RG_EGUARD, "the granted rectification request on case %s is person %s's, not %s's",
                           cs->id, granted_for, person);
    int pi = cs->npersons ? rg_case_person(cs, person) : -1;
    if (cs->npersons && pi < 0) return rg_ctx_fail(c, RG_ENOTFOUND, "case %s has no person %s", cs->id, person);
    if (pi >= 0 && cs->persons[pi].erased)
        return rg_ctx_fail(c, RG_EGUARD, "person %s of case %s was erased: nothing more is recorded on them",
                           person, cs->id);
    if ((rc = rg_refuse_restricted(c, cs, person, "their data is not corrected while it is")) < 0) return rc;
    /* The index follows the person: the old entries out, the new in. */
    rc = pi >= 0 ? rg_person_stage(c, cs, (uint32_t)pi, true) : rg_persons_stage(c, cs, true);
    if (rc < 0) return rg_ctx_fail(c, RG_ESTORAGE, "reading the subject failed");
    rg_person_index_put(c, subject, cs->zvh, cs->id, person);
    rg_evb *ev = rg_ctx_emit(c, "subject.corrected");
    char req[RG_ID_MAX] = "";
    rg_grant_get(rg_ctx_engine(c), cs->id, "rectification", req);
    rg_ev_str(ev, "request", req);
    if (strcmp(person, "P1") != 0) rg_ev_str(ev, "person", person);
    /* Under the person's own key, as their data was first. */
    if (pi >= 0) snprintf(ev->person, sizeof ev->person, "%s", person);
    rg_w_val(&ev->subject, subject);
    return 0;
}

int rg_h_case_unrestrict(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    char person[16] = "", req[RG_ID_MAX];
    rg_field_str(c, "person", person, sizeof person);
    static const char *const fields[] = {"reason", "person", NULL};
    if (person[0]) {
        /* One person's restriction (case.restricted with them) lifted. */
        int i = rg_case_person(cs, person);
        if (i < 0) return rg_ctx_fail(c, RG_ENOTFOUND, "case %s has no person %s", cs->id, person);
        if (!cs->persons[i].restricted)
            return rg_ctx_fail(c, RG_EGUARD, "person %s of case %s is not restricted", person, cs->id);
        rg_copy_fields(c, rg_ctx_emit(c, "case.unrestricted"), fields);
        return 0;
    }
    bool restricted = rg_grant_get(rg_ctx_engine(c), cs->id, "restriction", req) == 0;
    bool objected = rg_grant_get(rg_ctx_engine(c), cs->id, "objection", req) == 0;
    if (!restricted && !objected) {
        char some[RG_PERSONS_MAX * 4 + 1] = "";
        size_t at = 0;
        for (uint32_t i = 0; i < cs->npersons; i++)
            if (cs->persons[i].restricted && at + 6 < sizeof some)
                at += (size_t)snprintf(some + at, sizeof some - at, "%sP%u", at ? ", " : "", i + 1);
        if (some[0])
            return rg_ctx_fail(c, RG_EGUARD,
                               "case %s is not restricted as a whole; its persons restricted are %s: name one "
                               "(data.person)", cs->id, some);
        return rg_ctx_fail(c, RG_EGUARD, "case %s is not restricted", cs->id);
    }
    uint8_t k[2 * RG_ID_MAX + 4];
    rg_ctx_del(c, RG_CF_PERSONS, k, rg_grant_key(k, cs->id, "restriction"));
    rg_ctx_del(c, RG_CF_PERSONS, k, rg_grant_key(k, cs->id, "objection"));
    rg_copy_fields(c, rg_ctx_emit(c, "case.unrestricted"), fields);
    return 0;
}

/* subject.known: the other regions with an open case on the person that
 * the caller could see there (a covenant case only to a holder of its
 * covenant), and nothing else. */
typedef struct known {
    rg_ctx *c;
    const rg_actor *a;
    char zvh[16][RG_ID_MAX];
    uint32_t n;
} known;

static int note_region(void *ud, const char *zvh, const char *case_id, const char *person)
{
    (void)person;
    known *k = ud;
    if (strcmp(zvh, k->a->zvh) == 0) return 0;
    for (uint32_t i = 0; i < k->n; i++)
        if (strcmp(k->zvh[i], zvh) == 0) return 0;
    rg_case *cs;
    if (rg_engine_load_case(rg_ctx_engine(k->c), case_id, &cs) < 0 || cs->erased || !rg_state_open(cs->state) ||
        cs->route == RG_RT_SUBJECT_REQUEST || (cs->covenants & ~k->a->covenants))
        return 0;
    if (k->n < 16) {
        snprintf(k->zvh[k->n++], RG_ID_MAX, "%s", zvh);
        rg_ctx_audit_case(k->c, cs->id);
    }
    return 0;
}

int rg_h_subject_known(rg_ctx *c)
{
    const rg_val *person = rg_ctx_field(c, "person");
    int rc = check_person(c, person);
    if (rc < 0) return rc;
    known k = {c, rg_ctx_actor(c), {{0}}, 0};
    /* A bounded number of lookups per caller and hour: the index answers
     * for every region, so it must not be walked name by name. */
    uint32_t limit;
    if (!rg_engine_quota_take(rg_ctx_engine(c), k.a->id, rg_ctx_now(c), &limit))
        return rg_ctx_fail(c, RG_EOVERLOAD, "at most %u subject.known queries per hour per caller; try later",
                           limit);
    if (rg_persons_find(rg_ctx_engine(c), person, note_region, &k) < 0)
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the person index failed");
    /* Every lookup is audited, also one that found nothing. */
    rg_ctx_audit_query(c);
    rg_buf *b = rg_ctx_reply_key(c, "regions");
    rg_w_array(b, k.n);
    for (uint32_t i = 0; i < k.n; i++) rg_w_cstr(b, k.zvh[i]);
    return 0;
}
