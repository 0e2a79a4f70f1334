/*
 * persons.c - the persons of a household case (issue 25): a case is about
 * one or more persons, each with a role (`subject` -- at least one --,
 * `partner`, `parent`, `child`, `sibling`, `network`).  A person's data goes
 * only into the sealed subject part of the event that adds them (the
 * case.reported event for P1, the first subject; a person.added for every
 * other), so the projection keeps ids, roles and event positions, never
 * personal data.  Ids are P1, P2, ... in the order persons were added and
 * are never reused; a removed person keeps their place.
 */
#include <stdio.h>
#include <string.h>

#include "../engine/core/persons.h"
#include "../engine/storage/errors.h"
#include "handlers.h"
#include "../engine/core/reads.h"

/* A person's fields as checked beyond the schema (the eleven-test of a bsn,
 * a birth date in the past: rg_check_person); path is "data.persons[0].",
 * the map named without the dot. */
static int check_person(rg_ctx *c, const rg_val *p, const char *path)
{
    char map[48];
    snprintf(map, sizeof map, "%.*s", (int)strlen(path) - 1, path);
    return rg_check_person(c, p, map);
}

/* The person's fields without their role: what is sealed. */
static void write_fields(rg_buf *out, const rg_val *p)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < rg_map_size(p); i++) n += !rg_val_is_str(rg_map_key(p, i), "role");
    rg_w_map(out, n);
    for (uint32_t i = 0; i < rg_map_size(p); i++) {
        if (rg_val_is_str(rg_map_key(p, i), "role")) continue;
        rg_w_val(out, rg_map_key(p, i));
        rg_w_val(out, rg_map_value(p, i));
    }
}

static bool is_subject(const rg_val *p) { return rg_val_is_str(rg_map_get(p, "role"), "subject"); }

int rg_report_subject(rg_ctx *c, const rg_val **subject)
{
    const rg_val *single = rg_ctx_field(c, "subject"), *persons = rg_ctx_field(c, "persons");
    const char *s;
    uint32_t n;
    *subject = NULL;
    if (single && persons) return rg_ctx_fail(c, RG_EBADREQ, "data.persons: give either subject or persons");
    if (single) {
        if (!rg_val_str(rg_map_get(single, "name"), &s, &n) || n == 0)
            return rg_ctx_fail(c, RG_EBADREQ, "data.subject.name: required, a non-empty string");
        int rc = rg_check_person(c, single, "data.subject");
        if (rc < 0) return rc;
        *subject = single;
        return 0;
    }
    if (!persons) return rg_ctx_fail(c, RG_EBADREQ, "data.subject: required field missing (or data.persons)");
    for (uint32_t i = 0; i < rg_array_size(persons); i++) {
        const rg_val *p = rg_array_at(persons, i);
        char path[48];
        snprintf(path, sizeof path, "data.persons[%u].", i);
        int rc = check_person(c, p, path);
        if (rc < 0) return rc;
        if (!*subject && is_subject(p)) *subject = p;
    }
    if (!*subject) return rg_ctx_fail(c, RG_EBADREQ, "data.persons: at least one person with role subject");
    return 0;
}

void rg_report_persons(rg_ctx *c, rg_evb *report, const rg_val *subject)
{
    const rg_val *persons = rg_ctx_field(c, "persons");
    const rg_case *cs = rg_ctx_case(c);
    const char *zvh = rg_ctx_actor(c)->zvh;
    /* Each person's data sealed under their own key (core/apply.c), and
     * found by the person index under their id. */
    snprintf(report->person, sizeof report->person, "P1");
    rg_person_index_put(c, subject, zvh, cs->id, "P1");
    if (!persons) {
        rg_w_val(&report->subject, subject);     /* the single subject, as always */
        return;
    }
    write_fields(&report->subject, subject);
    rg_ev_str(report, "person", "P1");
    rg_ev_str(report, "role", "subject");
    uint32_t next = 2;
    for (uint32_t i = 0; i < rg_array_size(persons); i++) {
        const rg_val *p = rg_array_at(persons, i);
        if (p == subject) continue;
        char id[16], role[16] = "";
        snprintf(id, sizeof id, "P%u", next++);
        rg_val_strcpy(rg_map_get(p, "role"), role, sizeof role);
        rg_evb *ev = rg_ctx_emit(c, "person.added");
        rg_ev_str(ev, "person", id);
        rg_ev_str(ev, "role", role);
        snprintf(ev->person, sizeof ev->person, "%s", id);
        write_fields(&ev->subject, p);
        rg_person_index_put(c, p, zvh, cs->id, id);
    }
}

/* A restricted person of the case the person index finds under the fields
 * of a person being added (same BSN, or same name and birth date). */
typedef struct restricted_find {
    const rg_case *cs;
    char person[16];
} restricted_find;

static int restricted_match(void *ud, const char *zvh, const char *case_id, const char *person)
{
    restricted_find *f = ud;
    const char *p = person[0] ? person : "P1";
    if (strcmp(zvh, f->cs->zvh) != 0 || strcmp(case_id, f->cs->id) != 0 || !rg_case_person_restricted(f->cs, p))
        return 0;
    snprintf(f->person, sizeof f->person, "%s", p);
    return 1;
}

int rg_h_person_add(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    if (cs->npersons >= RG_PERSONS_MAX)
        return rg_ctx_fail(c, RG_EGUARD, "case %s holds %d persons, the most a case may", cs->id, RG_PERSONS_MAX);
    const rg_val *data = rg_ctx_data(c);
    rc = check_person(c, data, "data.");
    if (rc < 0) return rc;
    /* A restricted person is not brought back in under a new id. */
    restricted_find f = {cs, ""};
    if (rg_persons_find(rg_ctx_engine(c), data, restricted_match, &f) < 0)
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the person index failed");
    if (f.person[0] && (rc = rg_refuse_restricted(c, cs, f.person, "they are not added again")) < 0) return rc;
    char id[16], role[16] = "";
    snprintf(id, sizeof id, "P%u", cs->npersons + 1);
    rg_val_strcpy(rg_map_get(data, "role"), role, sizeof role);
    rg_evb *ev = rg_ctx_emit(c, "person.added");
    rg_ev_str(ev, "person", id);
    rg_ev_str(ev, "role", role);
    snprintf(ev->person, sizeof ev->person, "%s", id);
    write_fields(&ev->subject, data);
    rg_person_index_put(c, data, cs->zvh, cs->id, id);
    rg_w_cstr(rg_ctx_reply_key(c, "person"), id);
    return 0;
}

/* The person the request names (data.person) into id: their index in the
 * case, or the error already answered when the case has no such person. */
static int named_person(rg_ctx *c, const rg_case *cs, char *id, size_t cap)
{
    rg_field_str(c, "person", id, cap);
    int i = rg_case_person(cs, id);
    if (i < 0) return rg_ctx_fail(c, RG_ENOTFOUND, "case %s has no person %s", cs->id, id);
    return i;
}

int rg_h_person_remove(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    char id[16];
    int i = named_person(c, cs, id, sizeof id);
    if (i < 0) return i;
    if (cs->persons[i].removed) return rg_ctx_fail(c, RG_EGUARD, "person %s was removed already", id);
    if (strcmp(cs->persons[i].role, "subject") == 0) {
        uint32_t subjects = 0;
        for (uint32_t j = 0; j < cs->npersons; j++)
            subjects += !cs->persons[j].removed && strcmp(cs->persons[j].role, "subject") == 0;
        if (subjects < 2)
            return rg_ctx_fail(c, RG_EGUARD, "person %s is the last subject of case %s; a case keeps one", id,
                               cs->id);
    }
    rg_evb *ev = rg_ctx_emit(c, "person.removed");
    static const char *const fields[] = {"person", "reason", NULL};
    rg_copy_fields(c, ev, fields);
    return 0;
}

/* Is person i's data sealed under their own key alone?  Not for P1 of a
 * case reported before persons had keys: their data is under the case's. */
static int own_key(rg_engine *e, const rg_case *cs, uint32_t i, bool *own)
{
    rg_buf rec = RG_BUF_INIT;
    rg_record r;
    int rc = rg_reads_event(e, cs->persons[i].seq, &rec);
    if (rc == 0) rc = rg_record_parse(rec.data, rec.len, &r);
    *own = rc == 0 && (r.format == 3 || r.subj_len == 0);
    if (i == 0 && *own && cs->report_seq != cs->persons[0].seq) {
        /* P1 corrected: the report's copy must be theirs alone too. */
        rg_buf_reset(&rec);
        if ((rc = rg_reads_event(e, cs->report_seq, &rec)) == 0) rc = rg_record_parse(rec.data, rec.len, &r);
        *own = rc == 0 && (r.format == 3 || r.subj_len == 0);
    }
    rg_buf_free(&rec);
    return rc;
}

int rg_h_person_erase(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    char id[16], request[RG_ID_MAX] = "";
    rg_field_str(c, "request", request, sizeof request);
    int i = named_person(c, cs, id, sizeof id);
    if (i < 0) return i;
    if (cs->erased || cs->persons[i].erased) {
        /* Erasing twice changes nothing the second time. */
        rg_w_cstr(rg_ctx_reply_key(c, "person"), id);
        rg_w_bool(rg_ctx_reply_key(c, "erased"), true);
        return 0;
    }
    bool own = false;
    if (own_key(rg_ctx_engine(c), cs, (uint32_t)i, &own) < 0)
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the data of person %s of %s failed", id, cs->id);
    if (!own)
        return rg_ctx_fail(c, RG_EGUARD,
                           "person %s of case %s was recorded before persons had keys of their own: their data "
                           "is under the case's key, so only case.erase erases it", id, cs->id);
    int rc;
    if (request[0]) {
        char granted_for[16];
        if ((rc = rg_subject_request_allows(c, request, "erasure", cs, granted_for)) < 0) return rc;
        if (strcmp(granted_for, id) != 0)
            return rg_ctx_fail(c, RG_EGUARD, "request %s is person %s's, not %s's", request, granted_for, id);
    } else if (cs->state != RG_ST_ARCHIVED && cs->state != RG_ST_REFERRED) {
        return rg_ctx_fail(c, RG_EGUARD,
                           "case %s is %s: a person is erased from an archived or referred case, or when a "
                           "granted erasure request names the case (data.request)",
                           cs->id, rg_state_name(cs->state));
    }
    /* The person index loses them with their key. */
    if (rg_person_stage(c, cs, (uint32_t)i, true) < 0)
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the data of person %s of %s failed", id, cs->id);
    rg_evb *ev = rg_ctx_emit(c, "person.erased");
    static const char *const fields[] = {"person", "ground", "request", NULL};
    rg_copy_fields(c, ev, fields);
    rg_w_cstr(rg_ctx_reply_key(c, "person"), id);
    return 0;
}

/* Is org among orgs (an array of names)? */
static bool named(const rg_val *orgs, const char *org)
{
    for (uint32_t j = 0; j < rg_array_size(orgs); j++)
        if (rg_val_is_str(rg_array_at(orgs, j), org)) return true;
    return false;
}

/* guard_failed when a limit to orgs would keep person i from an org that
 * owes an open action (of the plan or of a revision waiting) or an answer
 * about them. */
static int owed_about(rg_ctx *c, const rg_case *cs, uint32_t i, const rg_val *orgs)
{
    const rg_action *lists[2] = {cs->actions, cs->revising ? cs->rev : NULL};
    uint32_t counts[2] = {cs->nactions, cs->revising ? cs->nrev : 0};
    for (int l = 0; l < 2; l++)
        for (uint32_t k = 0; k < counts[l]; k++) {
            const rg_action *x = &lists[l][k];
            if (x->status == RG_ACT_OPEN && (x->persons >> i & 1) && x->owner[0] && !named(orgs, x->owner))
                return rg_ctx_fail(c, RG_EGUARD,
                                   "action %s of %s is about person P%u and open: name %s, or revise the plan "
                                   "first", x->id, x->owner, i + 1, x->owner);
        }
    for (uint32_t k = 0; k < cs->nreqs; k++) {
        const rg_request *q = &cs->reqs[k];
        if (!q->answered && (q->persons >> i & 1) && !named(orgs, q->org))
            return rg_ctx_fail(c, RG_EGUARD,
                               "information request %s to %s is about person P%u and not answered: name %s, or "
                               "wait for the answer", q->id, q->org, i + 1, q->org);
    }
    return 0;
}

int rg_h_person_share(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    char id[16];
    int i = named_person(c, cs, id, sizeof id);
    if (i < 0) return i;
    if (cs->persons[i].removed || cs->persons[i].erased)
        return rg_ctx_fail(c, RG_EGUARD, "person %s of case %s was %s", id, cs->id,
                           cs->persons[i].erased ? "erased" : "removed");
    if ((rc = rg_refuse_restricted(c, cs, id, "who sees them is not changed while they are")) < 0) return rc;
    const rg_val *orgs = rg_ctx_field(c, "orgs");
    if (rg_array_size(orgs) == 0)
        return rg_ctx_fail(c, RG_EBADREQ, "data.orgs: at least one organisation that sees the person");
    for (uint32_t j = 0; j < rg_array_size(orgs); j++) {
        const char *s;
        uint32_t n;
        if (!rg_val_str(rg_array_at(orgs, j), &s, &n) || !rg_is_name(s, n))
            return rg_ctx_fail(c, RG_EBADREQ, "data.orgs[%u]: an organisation's name ([A-Za-z0-9._-], 1 to 64)", j);
    }
    /* Work still owed about the person stays with an org that sees them:
     * the done and the answered become hidden from the orgs no longer
     * named, the open must first be moved (a plan revision) or answered. */
    if ((rc = owed_about(c, cs, (uint32_t)i, orgs)) < 0) return rc;
    /* Only the named orgs see the person's data from now on, and the
     * actions and requests about them; the ZVH's own staff always
     * (domain/access.c rg_access_person, rg_access_persons). */
    rg_evb *ev = rg_ctx_emit(c, "person.shared");
    static const char *const fields[] = {"person", "orgs", NULL};
    rg_copy_fields(c, ev, fields);
    return 0;
}

int rg_about_persons(rg_ctx *c, const rg_val *ids, const char *path, const char *org, uint64_t *mask)
{
    const rg_case *cs = rg_ctx_case(c);
    *mask = 0;
    for (uint32_t j = 0; j < rg_array_size(ids); j++) {
        char id[16] = "";
        rg_val_strcpy(rg_array_at(ids, j), id, sizeof id);
        int i = rg_case_person(cs, id);
        if (i < 0) return rg_ctx_fail(c, RG_ENOTFOUND, "%s[%u]: case %s has no person %s", path, j, cs->id, id);
        if (cs->persons[i].removed || cs->persons[i].erased)
            return rg_ctx_fail(c, RG_EGUARD, "%s[%u]: person %s of case %s was %s", path, j, id, cs->id,
                               cs->persons[i].erased ? "erased" : "removed");
        if (*mask >> i & 1) return rg_ctx_fail(c, RG_EBADREQ, "%s[%u]: %s is named twice", path, j, id);
        /* A restricted person: nothing new names them (rg_refuse_restricted). */
        if (cs->persons[i].restricted)
            return rg_ctx_fail(c, RG_EGUARD,
                               "%s[%u]: person %s of case %s is restricted (their granted restriction or "
                               "objection): nothing new is about them; a manager lifts it with case.unrestrict "
                               "and data.person", path, j, id, cs->id);
        /* Need-to-know (CONTRACT.md, "Persons in a household case"): an org
         * is never asked, nor given work, about a person it may not see. */
        if (org && org[0] && !rg_case_person_shared(cs, (uint32_t)i, org))
            return rg_ctx_fail(c, RG_EFORBIDDEN,
                               "%s[%u]: %s may not see person %s of case %s (person.share limits them to other "
                               "organisations)", path, j, org, id, cs->id);
        *mask |= 1ULL << i;
    }
    return 0;
}

void rg_ev_persons(rg_evb *ev, uint64_t mask)
{
    if (!mask) return;
    uint32_t n = 0;
    for (uint64_t m = mask; m; m &= m - 1) n++;
    rg_w_cstr(&ev->data, "persons");
    rg_w_array(&ev->data, n);
    for (uint32_t i = 0; i < 64 && mask >> i; i++) {
        if (!(mask >> i & 1)) continue;
        char id[16];
        snprintf(id, sizeof id, "P%u", i + 1);
        rg_w_cstr(&ev->data, id);
    }
    ev->nkeys++;
}

int rg_h_client_perspective(rg_ctx *c)
{
    const rg_case *cs = rg_ctx_case(c);
    int rc = rg_require_director(c);
    if (rc < 0) return rc;
    char id[16];
    int i = named_person(c, cs, id, sizeof id);
    if (i < 0) return i;
    if (cs->persons[i].removed || cs->persons[i].erased)
        return rg_ctx_fail(c, RG_EGUARD, "person %s of case %s was %s", id, cs->id,
                           cs->persons[i].erased ? "erased" : "removed");
    if ((rc = rg_refuse_restricted(c, cs, id, "their wishes are not recorded while they are")) < 0) return rc;
    const rg_val *wishes = rg_ctx_field(c, "wishes");
    const char *w;
    uint32_t wn;
    if (!rg_val_str(wishes, &w, &wn) || wn == 0)
        return rg_ctx_fail(c, RG_EBADREQ, "data.wishes: what the person wants, in their own words (not empty)");
    /* The words are the person's data: the event's subject part, sealed
     * under their own key (core/apply.c), so erasing them erases these. */
    rg_evb *ev = rg_ctx_emit(c, "perspective.recorded");
    rg_ev_str(ev, "person", id);
    snprintf(ev->person, sizeof ev->person, "%s", id);
    rg_w_map(&ev->subject, 1);
    rg_w_cstr(&ev->subject, "wishes");
    rg_w_val(&ev->subject, wishes);
    return 0;
}

/* Is s ("P12") the form of a person's id? */
static bool person_id(const char *s, uint32_t n)
{
    if (n < 2 || n > 3 || s[0] != 'P' || s[1] < '1' || s[1] > '9') return false;
    for (uint32_t k = 2; k < n; k++)
        if (s[k] < '0' || s[k] > '9') return false;
    return true;
}

/* Person id (the k-th of the array at path) live in the case: its index, or
 * the error answered. */
static int live_person(rg_ctx *c, const char *id, const char *path, uint32_t k)
{
    const rg_case *cs = rg_ctx_case(c);
    int i = rg_case_person(cs, id);
    if (i < 0) return rg_ctx_fail(c, RG_ENOTFOUND, "%s[%u]: case %s has no person %s", path, k, cs->id, id);
    if (cs->persons[i].removed || cs->persons[i].erased)
        return rg_ctx_fail(c, RG_EGUARD, "%s[%u]: person %s of case %s was %s", path, k, id, cs->id,
                           cs->persons[i].erased ? "erased" : "removed");
    if (cs->persons[i].restricted)
        return rg_ctx_fail(c, RG_EGUARD,
                           "%s[%u]: person %s of case %s is restricted (their granted restriction or objection): "
                           "nothing new names them; a manager lifts it with case.unrestrict and data.person",
                           path, k, id, cs->id);
    return i;
}

int rg_check_attendees(rg_ctx *c)
{
    const rg_val *att = rg_ctx_field(c, "attendees");
    for (uint32_t k = 0; k < rg_array_size(att); k++) {
        const char *s;
        uint32_t n;
        char id[16];
        if (!rg_val_str(rg_array_at(att, k), &s, &n) || !person_id(s, n)) continue;
        snprintf(id, sizeof id, "%.*s", (int)n, s);
        int i = live_person(c, id, "data.attendees", k);
        if (i < 0) return i;
    }
    return 0;
}

int rg_plan_perspectives(rg_ctx *c, rg_evb *ev)
{
    const rg_case *cs = rg_ctx_case(c);
    const rg_val *ids = rg_ctx_field(c, "perspectives");
    uint32_t n = rg_array_size(ids);
    uint64_t seen = 0;
    for (uint32_t k = 0; k < n; k++) {
        char id[16] = "";
        rg_val_strcpy(rg_array_at(ids, k), id, sizeof id);
        int i = live_person(c, id, "data.perspectives", k);
        if (i < 0) return i;
        if (seen >> i & 1) return rg_ctx_fail(c, RG_EBADREQ, "data.perspectives[%u]: %s is named twice", k, id);
        seen |= 1ULL << i;
        if (!cs->persons[i].perspective)
            return rg_ctx_fail(c, RG_EGUARD,
                               "data.perspectives[%u]: no perspective of person %s is recorded (client.perspective)",
                               k, id);
    }
    if (!n || !ev) return 0;
    /* The perspective each answers is the one recorded now: its position. */
    rg_w_cstr(&ev->data, "perspectives");
    rg_w_array(&ev->data, n);
    for (uint32_t k = 0; k < n; k++) {
        char id[16] = "";
        rg_val_strcpy(rg_array_at(ids, k), id, sizeof id);
        rg_w_map(&ev->data, 2);
        rg_w_kstr(&ev->data, "person", id);
        rg_w_kuint(&ev->data, "seq", cs->persons[rg_case_person(cs, id)].perspective);
    }
    ev->nkeys++;
    return 0;
}
