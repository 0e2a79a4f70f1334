/*
 * subject_export.c - what a granted access request gives the data subject
 * (GDPR art. 15, with the exceptions of art. 23; CONTRACT.md, "Privacy
 * operations").  The export is compiled by staff, so it holds only what the
 * one who decides may read (access.c renders each event for them: an item
 * they may not read stays withheld), and of that only what may go to the
 * person: a police, judicial or secret item (class criminal or secret) is
 * withheld unless its source released it to the subject (item.release
 * `subject`).  Beside the events, what art. 15(1) lists: the purposes and
 * legal bases, the categories of data, the organisations that received or
 * read it (the case's participants and the audit trail) and the processings
 * of the processing log (which organisation, when, for which activity), how
 * long it is kept, where it came from, and the person's rights.  In a
 * household case the export is one member's: what is about other members
 * alone is left out, the household's free text withheld (domain/member.h).
 */
#include <stdio.h>
#include <string.h>

#include "../engine/core/persons.h"
#include "../engine/core/processing.h"
#include "../engine/domain/activity.h"
#include "../engine/domain/access.h"
#include "../engine/domain/member.h"
#include "../engine/domain/config.h"
#include "../engine/services/audit.h"
#include "../engine/services/services.h"
#include "../engine/storage/errors.h"
#include "handlers.h"
#include "../engine/core/reads.h"
#include "../engine/domain/schema.h"

#define MAX_ORGS 64
#define PAGE 200                  /* audit records read at a time */

typedef struct orgs {
    char name[MAX_ORGS][RG_ID_MAX];
    uint32_t n;
} orgs;

static void org_add(orgs *o, const char *name)
{
    if (!name[0]) return;
    for (uint32_t i = 0; i < o->n; i++)
        if (strcmp(o->name[i], name) == 0) return;
    if (o->n < MAX_ORGS) snprintf(o->name[o->n++], RG_ID_MAX, "%s", name);
}

/* The classes of item an export met (bits: special, criminal, secret). */
enum { CLS_SPECIAL = 1, CLS_CRIMINAL = 2, CLS_SECRET = 4 };

/* What an export of a case withholds, counted beforehand (the events
 * themselves go into the reply through rg_ctx_reply_export, which applies
 * the same rules, also when a repeat renders them again). */
typedef struct export {
    uint32_t withheld;        /* items the person does not get */
    uint32_t classes;
    const rg_case *cs;
    const rg_actor *reader;   /* the one who decides */
    bool subject;
    rg_buf one;
    int pi;                   /* the member of a household it is for, or -1 (member.h) */
    rg_member member;
    rg_buf mine;              /* the event as that member gets it */
} export;

static int count_event(void *ud, const rg_record *r)
{
    export *x = ud;
    rg_buf_reset(&x->one);
    rg_render_event(&x->one, r, x->subject, x->reader, x->cs);
    rg_doc *d = NULL;
    const char *why;
    if (rg_doc_parse(&d, x->one.data, x->one.len, &why) < 0) return RG_ESTORAGE;
    const rg_val *ev = rg_doc_root(d);
    /* A member of a household: what is about other members is not theirs
     * (not counted), the household's free text withheld (counted). */
    rg_buf_reset(&x->mine);
    uint32_t before = x->withheld;
    if (x->pi >= 0 && !rg_member_render(&x->member, x->cs, (uint32_t)x->pi, ev, &x->mine, &x->withheld)) {
        rg_doc_free(d);
        return 0;
    }
    const rg_val *data = rg_map_get(ev, "data");
    char type[64] = "", cls[32] = "";
    uint64_t seq = 0;
    rg_val_strcpy(rg_map_get(ev, "type"), type, sizeof type);
    rg_val_strcpy(rg_map_get(data, "class"), cls, sizeof cls);
    rg_val_uint(rg_map_get(ev, "seq"), &seq);
    const rg_evdef *def = rg_event_find(type);
    if (def && def->item && cls[0] && strcmp(cls, "ordinary") != 0) {
        if (strcmp(cls, "special") == 0) x->classes |= CLS_SPECIAL;
        if (strcmp(cls, "criminal") == 0) x->classes |= CLS_CRIMINAL;
        if (strcmp(cls, "secret") == 0) x->classes |= CLS_SECRET;
        /* The decider's rendering already withheld what they may not read. */
        if (x->withheld == before && (!rg_map_get(data, def->item) || !rg_access_subject_item(x->cs, cls, seq)))
            x->withheld++;
    }
    rg_doc_free(d);
    return 0;
}

/* The organisations that received or read the case: its participants, and
 * every org the processing log names for a read that was not refused. */
static int recipients(rg_engine *e, const rg_case *cs, orgs *o)
{
    org_add(o, cs->reporter_org);
    for (uint32_t i = 0; i < cs->nparts; i++) org_add(o, cs->parts[i].org);
    rg_audit *a = rg_services_audit(e);
    uint64_t after = 0;
    for (;;) {
        /* A page of records back to back, read as one array. */
        rg_buf recs = RG_BUF_INIT, arr = RG_BUF_INIT;
        uint32_t count = 0;
        uint64_t next = after;
        if (rg_audit_page(a, cs->id, after, PAGE, &recs, &count, &next) < 0) {
            rg_buf_free(&recs);
            return RG_ESTORAGE;
        }
        rg_w_array(&arr, count);
        rg_buf_append(&arr, recs.data, recs.len);
        rg_buf_free(&recs);
        rg_doc *d = NULL;
        const char *why;
        if (rg_doc_parse(&d, arr.data, arr.len, &why) < 0) {
            rg_buf_free(&arr);
            return RG_ESTORAGE;
        }
        const rg_val *list = rg_doc_root(d);
        for (uint32_t i = 0; i < rg_array_size(list); i++) {
            const rg_val *rec = rg_array_at(list, i);
            bool refused = false;
            char org[RG_ID_MAX];
            rg_val_bool(rg_map_get(rec, "refused"), &refused);
            if (!refused && rg_val_strcpy(rg_map_get(rec, "org"), org, sizeof org)) org_add(o, org);
        }
        rg_doc_free(d);
        rg_buf_free(&arr);
        if (count < PAGE || next == after) break;
        after = next;
    }
    return 0;
}

/* The categories of personal data: the fields of the person's record (pi:
 * the person of a household, -1: the case's subject), and the classes of
 * items about them. */
static void categories(rg_engine *e, const rg_case *cs, int pi, uint32_t classes, rg_buf *b)
{
    rg_buf subj = RG_BUF_INIT;
    rg_doc *d = NULL;
    const char *why;
    const rg_val *m = NULL;
    int rc = pi >= 0 ? rg_event_subject(e, cs, cs->persons[pi].seq, &subj) : rg_case_subject(e, cs, &subj);
    if (rc == 0 && rg_doc_parse(&d, subj.data, subj.len, &why) == 0) m = rg_doc_root(d);
    uint32_t n = rg_map_size(m) + 1 + !!(classes & CLS_SPECIAL) + !!(classes & CLS_CRIMINAL) +
                 !!(classes & CLS_SECRET);
    rg_w_array(b, n);
    for (uint32_t i = 0; i < rg_map_size(m); i++) rg_w_val(b, rg_map_key(m, i));
    rg_w_cstr(b, "free text about the person and their situation");
    if (classes & CLS_SPECIAL) rg_w_cstr(b, "special categories (health; GDPR art. 9)");
    if (classes & CLS_CRIMINAL) rg_w_cstr(b, "criminal data (GDPR art. 10)");
    if (classes & CLS_SECRET) rg_w_cstr(b, "data under professional secrecy");
    rg_doc_free(d);
    rg_buf_free(&subj);
}

/* Art. 15(1)(c): the processings of the person's case, from the processing
 * log -- which organisation, when, for which activity -- oldest first; of
 * person pi of a household (their own records). */
static int processings(rg_engine *e, const rg_case *cs, uint32_t pi, rg_buf *b)
{
    char subj[33];
    rg_buf recs = RG_BUF_INIT, out = RG_BUF_INIT;
    uint32_t total = 0;
    int rc = 0;
    if (rg_processing_subject_of(cs, pi, subj)) {
        char after[600] = "", next[600];
        for (;;) {
            uint32_t count = 0;
            rg_buf_reset(&recs);
            if ((rc = rg_processing_query(e, 's', subj, NULL, after, PAGE, &recs, &count, next, sizeof next)) < 0)
                break;
            rg_buf arr = RG_BUF_INIT;
            rg_w_array(&arr, count);
            rg_buf_append(&arr, recs.data, recs.len);
            rg_doc *d = NULL;
            const char *why;
            if (rg_doc_parse(&d, arr.data, arr.len, &why) == 0) {
                const rg_val *list = rg_doc_root(d);
                for (uint32_t i = 0; i < rg_array_size(list); i++) {
                    const rg_val *r = rg_array_at(list, i);
                    char act[160] = "";
                    rg_val_strcpy(rg_map_get(r, "processing_activity_id"), act, sizeof act);
                    const rg_activity *a = rg_activity_find(act, (uint32_t)strlen(act));
                    rg_w_map(&out, 6);
                    rg_w_cstr(&out, "org");
                    rg_w_val(&out, rg_map_get(r, "org"));
                    rg_w_cstr(&out, "at");
                    rg_w_val(&out, rg_map_get(r, "start_time"));
                    rg_w_kstr(&out, "activity", act);
                    rg_w_kstr(&out, "what", a ? a->name : "");
                    rg_w_kstr(&out, "purpose", a ? a->purpose : "");
                    rg_w_cstr(&out, "status");          /* OK, or ERROR: refused or failed */
                    rg_w_val(&out, rg_map_get(r, "status"));
                    total++;
                }
            }
            rg_doc_free(d);
            rg_buf_free(&arr);
            if (!next[0] || count < PAGE) break;
            snprintf(after, sizeof after, "%s", next);
        }
    }
    if (rc == 0) {
        rg_w_array(b, total);
        rg_buf_append(b, out.data, out.len);
    }
    rg_buf_free(&recs);
    rg_buf_free(&out);
    return rc;
}

/* The export of case id for the person of it the request is from: their
 * data and the case's facts, never another member's data. */
static int export_case(rg_ctx *c, rg_buf *b, const char *id, const char *person)
{
    rg_engine *e = rg_ctx_engine(c);
    const rg_actor *a = rg_ctx_actor(c);
    rg_case *cs;
    if (rg_engine_load_case(e, id, &cs) < 0) return rg_ctx_fail(c, RG_ESTORAGE, "reading %s failed", id);
    int pi = rg_case_person(cs, person);
    export x = {0, 0, cs, a, rg_access_subject(a, cs), RG_BUF_INIT, -1, RG_MEMBER_INIT, RG_BUF_INIT};
    if (pi >= 0 && rg_member_household(cs)) x.pi = pi;
    orgs o = {.n = 0};
    int rc = rg_reads_case_events(e, cs, count_event, &x);
    rg_buf_free(&x.one);
    rg_buf_free(&x.mine);
    rg_member_free(&x.member);
    if (rc < 0 || recipients(e, cs, &o) < 0)
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the events of %s failed", cs->id);
    int retention = rg_norm_find("retention");
    const rg_region_cfg *cfg = rg_engine_region(e, cs->zvh);
    rg_w_map(b, 12);
    rg_w_kstr(b, "case", cs->id);
    rg_w_kstr(b, "person", person);
    rg_w_kstr(b, "state", rg_state_name(cs->state));
    rg_w_kbool(b, "erased", cs->erased);
    rg_w_kstr(b, "source", cs->reporter_org);
    rg_w_cstr(b, "categories");
    categories(e, cs, pi, x.classes, b);
    rg_w_cstr(b, "recipients");
    rg_w_array(b, o.n);
    for (uint32_t i = 0; i < o.n; i++) rg_w_cstr(b, o.name[i]);
    rg_w_cstr(b, "processings");
    if (processings(e, cs, pi >= 0 ? (uint32_t)pi : 0, b) < 0) return rg_ctx_fail(c, RG_ESTORAGE, "reading the processing log of %s failed", cs->id);
    rg_w_cstr(b, "retention");
    rg_w_map(b, 2);
    rg_w_kuint(b, "days", retention >= 0 ? (uint64_t)cfg->amounts[cs->route][retention] : 0);
    rg_w_kstr(b, "from", "the end of the aftercare, an early ending or a referral");
    rg_w_kuint(b, "withheld", x.withheld);
    rg_w_kstr(b, "withheld_why",
              x.pi >= 0 ? "an item the decider may not read, police, judicial or secret data its source has not "
                          "released to you (GDPR art. 23; ask the source named in the item), or free text about "
                          "the household, which may hold other members' data (household: true; GDPR art. "
                          "15(4)): ask the Zorg- en Veiligheidshuis for the parts about you"
                        : "an item the decider may not read, or police, judicial or secret data its source has not "
                          "released to you (GDPR art. 23); ask the source named in the item");
    rg_w_cstr(b, "events");
    if (cs->version == 0) rg_w_array(b, 0);
    else if (rg_ctx_reply_export(c, b, cs, x.subject, person) < 0)
        return rg_ctx_fail(c, RG_ESTORAGE, "reading the events of %s failed", cs->id);
    rg_ctx_audit_case(c, cs->id);
    return 0;
}

int rg_subject_export(rg_ctx *c, const char (*ids)[RG_ID_MAX], const char (*persons)[16], uint32_t n)
{
    rg_buf *b = rg_ctx_reply_key(c, "cases");
    rg_w_array(b, n);
    for (uint32_t i = 0; i < n; i++) {
        int rc = export_case(c, b, ids[i], persons[i]);
        if (rc < 0) return rc;
    }
    /* Art. 15(1)(a), (e), (f): why, on what basis, and what the person may do. */
    b = rg_ctx_reply_key(c, "about");
    rg_w_map(b, 2);
    rg_w_cstr(b, "purposes");
    rg_w_array(b, 1);
    rg_w_map(b, 2);
    rg_w_kstr(b, "purpose", "procesregie: coordinating the help and safety measures of the partners "
                            "of the Zorg- en Veiligheidshuis");
    rg_w_kstr(b, "basis", "ZVH privacy covenant; GDPR art. 6(1)(e), 9(2)(g) and 10");
    rg_w_cstr(b, "rights");
    rg_w_array(b, 5);
    rg_w_cstr(b, "rectification (GDPR art. 16)");
    rg_w_cstr(b, "erasure (GDPR art. 17)");
    rg_w_cstr(b, "restriction (GDPR art. 18)");
    rg_w_cstr(b, "objection (GDPR art. 21)");
    rg_w_cstr(b, "a complaint to the Autoriteit Persoonsgegevens (GDPR art. 77)");
    return 0;
}
