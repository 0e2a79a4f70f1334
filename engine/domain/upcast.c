/* upcast.c - run the upcaster rows; render old events as current ones. */
#include "upcast.h"

#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "case.h"
#include "seal.h"
#include "../storage/errors.h"
#include "schema.h"

static const rg_upcaster *find(const char *type, uint16_t from)
{
    for (const rg_upcaster *u = rg_upcasters; u->type; u++)
        if (u->from == from && strcmp(u->type, type) == 0) return u;
    return NULL;
}

int rg_upcast_data(const char *type, uint16_t version, const rg_val *data, rg_doc **out,
                   rg_buf *scratch)
{
    *out = NULL;
    const rg_evdef *def = rg_event_find(type);
    if (!def) return RG_ESTORAGE;
    rg_doc *cur = NULL;
    for (uint16_t v = version; v < def->version; v++) {
        const rg_upcaster *u = find(type, v);
        if (!u) {
            rg_doc_free(cur);
            return RG_ESTORAGE;
        }
        rg_buf pairs = RG_BUF_INIT;
        uint32_t n = u->fn(cur ? rg_doc_root(cur) : data, &pairs);
        rg_buf_reset(scratch);
        rg_w_map(scratch, n);
        rg_buf_append(scratch, pairs.data, pairs.len);
        rg_buf_free(&pairs);
        /* The doc borrows its bytes: give each step its own copy. */
        uint8_t *bytes = rg_malloc(scratch->len);
        memcpy(bytes, scratch->data, scratch->len);
        rg_doc *next;
        const char *why;
        int rc = rg_doc_parse(&next, bytes, scratch->len, &why);
        if (rc < 0) {
            free(bytes);
            rg_doc_free(cur);
            return RG_ESTORAGE;
        }
        rg_doc_attach(next, bytes);
        rg_doc_free(cur);
        cur = next;
    }
    *out = cur;
    return 0;
}

/* A classified item (its class other than ordinary: health data, criminal
 * data, what falls under professional secrecy: DOMAIN.md "Provenance and
 * sensitivity") is read by whom access.c allows; to everyone else its text
 * (the field the event table names in its `item` column) is withheld: they
 * see that it exists, its class and its source (the event's actor), and
 * `withheld: true`.  Returns the field to withhold, or NULL. */
static const char *withheld(const rg_actor *reader, const rg_case *cs, const char *type,
                            const rg_val *ev, const rg_val *data)
{
    const rg_evdef *def = rg_event_find(type);
    if (!reader || !def || !def->item || !rg_map_get(data, def->item)) return NULL;
    char cls[32], source[RG_ID_MAX] = "";
    if (!rg_val_strcpy(rg_map_get(data, "class"), cls, sizeof cls) || strcmp(cls, "ordinary") == 0)
        return NULL;
    rg_val_strcpy(rg_map_get(rg_map_get(ev, "actor"), "org"), source, sizeof source);
    uint64_t seq = 0;
    rg_val_uint(rg_map_get(ev, "seq"), &seq);
    if (!cs) return def->item;                 /* no case to judge by: withhold */
    return rg_access_item(reader, cs, cls, source, seq) ? NULL : def->item;
}

/* A person.added's subject part as the contract shows it, under
 * data.persons: [{person, role, the person's fields}]. */
static void write_persons(rg_buf *out, const rg_val *data, const uint8_t *subj, uint32_t n)
{
    rg_doc *d = NULL;
    const char *why;
    rg_w_array(out, 1);
    if (rg_doc_parse(&d, subj, n, &why) < 0 || rg_val_type(rg_doc_root(d)) != RG_VMAP) {
        rg_buf_append(out, subj, n);            /* not a map: as stored */
        rg_doc_free(d);
        return;
    }
    const rg_val *m = rg_doc_root(d);
    rg_w_map(out, rg_map_size(m) + 2);
    rg_w_cstr(out, "person");
    rg_w_val(out, rg_map_get(data, "person"));
    rg_w_cstr(out, "role");
    rg_w_val(out, rg_map_get(data, "role"));
    for (uint32_t i = 0; i < rg_map_size(m); i++) {
        rg_w_val(out, rg_map_key(m, i));
        rg_w_val(out, rg_map_value(m, i));
    }
    rg_doc_free(d);
}

bool rg_render_shown(const rg_record *r, const rg_actor *reader, const rg_case *cs)
{
    /* Only a partner is ever limited, and only in a case that limits someone;
     * whom an event is about is in its public part (ids, never sealed). */
    if (!reader || !cs || reader->role != RG_ROLE_PARTNER || !cs->nshares) return true;
    rg_doc *pub = NULL;
    const char *why;
    char type[64] = "";
    if (rg_doc_parse(&pub, r->pub, r->pub_len, &why) < 0) return true;   /* rendered as stored */
    const rg_val *ev = rg_doc_root(pub);
    rg_val_strcpy(rg_map_get(ev, "type"), type, sizeof type);
    bool shown = rg_access_about(reader, cs, type, rg_map_get(ev, "data"));
    rg_doc_free(pub);
    return shown;
}

/* The plan's actions (plan.proposed, plan.revision_proposed) the reader may
 * not see, as a count: those about a person kept from its org. */
static uint32_t hidden_actions(const rg_actor *reader, const rg_case *cs, const char *type, const rg_val *data)
{
    if (!reader || !cs || reader->role != RG_ROLE_PARTNER || !cs->nshares) return 0;
    if (strcmp(type, "plan.proposed") != 0 && strcmp(type, "plan.revision_proposed") != 0) return 0;
    const rg_val *acts = rg_map_get(data, "actions");
    uint32_t n = 0;
    for (uint32_t i = 0; i < rg_array_size(acts); i++)
        n += !rg_access_persons(reader, cs, rg_case_persons_mask(cs, rg_map_get(rg_array_at(acts, i), "persons")));
    return n;
}

/* A plan event's perspectives ({person, seq}: whose words its goals answer)
 * the reader may not see, as a count: those of a person kept from its org. */
static uint32_t hidden_perspectives(const rg_actor *reader, const rg_case *cs, const char *type,
                                    const rg_val *data)
{
    if (!reader || !cs || reader->role != RG_ROLE_PARTNER || !cs->nshares) return 0;
    if (strcmp(type, "plan.proposed") != 0 && strcmp(type, "plan.revision_proposed") != 0) return 0;
    const rg_val *refs = rg_map_get(data, "perspectives");
    uint32_t n = 0;
    for (uint32_t i = 0; i < rg_array_size(refs); i++) {
        char person[16] = "";
        rg_val_strcpy(rg_map_get(rg_array_at(refs, i), "person"), person, sizeof person);
        n += !rg_access_person(reader, cs, person);
    }
    return n;
}

void rg_render_event(rg_buf *out, const rg_record *sealed, bool with_subject, const rg_actor *reader,
                     const rg_case *cs)
{
    rg_render_event_for(out, sealed, with_subject, reader, cs, NULL);
}

void rg_render_event_for(rg_buf *out, const rg_record *sealed, bool with_subject, const rg_actor *reader,
                         const rg_case *cs, const char *only)
{
    rg_doc *pub = NULL, *up = NULL, *wishes = NULL;
    const char *why;
    char type[64];
    /* A sealed record is opened with its case's key first (a person's data
     * with their own); an erased case's or person's data stays out (seal.h). */
    rg_buf opened = RG_BUF_INIT;
    rg_record plain;
    const rg_record *r = sealed;
    if (sealed->format == 2 || sealed->format == 3) {
        rg_keyring k = {NULL, NULL, NULL};
        if (cs) rg_case_keyring(cs, &k);
        if (rg_record_open_keys(sealed, cs ? cs->id : "", &k, &opened, &plain) < 0)
            rg_record_open(sealed, "", NULL, &opened, &plain);   /* unreadable: as erased */
        r = &plain;
    }
    rg_buf scratch = RG_BUF_INIT;
    if (rg_doc_parse(&pub, r->pub, r->pub_len, &why) < 0 ||
        !rg_val_strcpy(rg_map_get(rg_doc_root(pub), "type"), type, sizeof type) ||
        rg_upcast_data(type, r->tver, rg_map_get(rg_doc_root(pub), "data"), &up, &scratch) < 0) {
        rg_record_render(out, r, with_subject && !only);    /* unknown: shown as stored */
        goto done;
    }
    const rg_val *ev = rg_doc_root(pub);
    const rg_val *data = up ? rg_doc_root(up) : rg_map_get(ev, "data");
    const char *hide = withheld(reader, cs, type, ev, data);
    /* Whose data the subject part is (P1 when the event names none), and
     * whether this rendering shows it: to a reader of persons' data who may
     * see this person (person.share), and only the one person an export is
     * for (only). */
    bool subj = with_subject && r->subj_len;
    if (subj && (only || (cs && reader))) {
        char person[16] = "P1";
        rg_val_strcpy(rg_map_get(data, "person"), person, sizeof person);
        if (only && strcmp(only, person) != 0) subj = false;
        if (cs && reader && !rg_access_person(reader, cs, person)) subj = false;
    }
    bool persons = strcmp(type, "person.added") == 0;
    /* A perspective's subject part is the person's own words: shown as
     * data.wishes, or withheld (their key erased, or a reader who may not
     * see them; a partner so limited is not shown the event at all). */
    bool perspective = strcmp(type, "perspective.recorded") == 0;
    if (perspective && subj &&
        (rg_doc_parse(&wishes, r->subj, r->subj_len, &why) < 0 || rg_val_type(rg_doc_root(wishes)) != RG_VMAP)) {
        rg_doc_free(wishes);
        wishes = NULL;
    }
    uint32_t drop = hidden_actions(reader, cs, type, data);
    uint32_t dropp = hidden_perspectives(reader, cs, type, data);
    if (!up && !hide && !persons && !drop && !dropp && !perspective) {
        rg_record_render(out, r, subj);    /* current and whole: no re-encoding */
        goto done;
    }
    rg_w_map(out, rg_map_size(ev));
    for (uint32_t i = 0; i < rg_map_size(ev); i++) {
        rg_w_val(out, rg_map_key(ev, i));
        if (!rg_val_is_str(rg_map_key(ev, i), "data")) {
            rg_w_val(out, rg_map_value(ev, i));
            continue;
        }
        uint32_t n = rg_map_size(data);     /* with hide: the text out, withheld in */
        rg_w_map(out, n + (perspective ? (wishes ? rg_map_size(rg_doc_root(wishes)) : 1) : subj));
        for (uint32_t j = 0; j < rg_map_size(data); j++) {
            if (hide && rg_val_is_str(rg_map_key(data, j), hide)) continue;
            rg_w_val(out, rg_map_key(data, j));
            if (drop && rg_val_is_str(rg_map_key(data, j), "actions")) {
                /* Only the actions about persons the reader may see. */
                const rg_val *acts = rg_map_value(data, j);
                rg_w_array(out, rg_array_size(acts) - drop);
                for (uint32_t k = 0; k < rg_array_size(acts); k++) {
                    const rg_val *x = rg_array_at(acts, k);
                    if (rg_access_persons(reader, cs, rg_case_persons_mask(cs, rg_map_get(x, "persons"))))
                        rg_w_val(out, x);
                }
                continue;
            }
            if (dropp && rg_val_is_str(rg_map_key(data, j), "perspectives")) {
                /* Only the perspectives of persons the reader may see. */
                const rg_val *refs = rg_map_value(data, j);
                rg_w_array(out, rg_array_size(refs) - dropp);
                for (uint32_t k = 0; k < rg_array_size(refs); k++) {
                    char person[16] = "";
                    rg_val_strcpy(rg_map_get(rg_array_at(refs, k), "person"), person, sizeof person);
                    if (rg_access_person(reader, cs, person)) rg_w_val(out, rg_array_at(refs, k));
                }
                continue;
            }
            rg_w_val(out, rg_map_value(data, j));
        }
        if (hide) rg_w_kbool(out, "withheld", true);
        if (perspective && wishes) {
            const rg_val *m = rg_doc_root(wishes);
            for (uint32_t k = 0; k < rg_map_size(m); k++) {
                rg_w_val(out, rg_map_key(m, k));
                rg_w_val(out, rg_map_value(m, k));
            }
        } else if (perspective) {
            rg_w_kbool(out, "withheld", true);
        } else if (subj && persons) {
            rg_w_cstr(out, "persons");
            write_persons(out, data, r->subj, r->subj_len);
        } else if (subj) {
            rg_w_cstr(out, "subject");
            rg_buf_append(out, r->subj, r->subj_len);
        }
    }
done:
    rg_buf_free(&opened);
    rg_buf_free(&scratch);
    rg_doc_free(wishes);
    rg_doc_free(up);
    rg_doc_free(pub);
}
