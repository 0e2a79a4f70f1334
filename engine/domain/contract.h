/*
 * contract.h - the part of the tables in schemas/ that clients share with
 * the engine (CONTRACT.md): the names of states, roles and routes, and the
 * operations with who may call them and their fields.  The `regie` client
 * links this (contract.c, schemas/ops.c) and the codec, not the engine; the
 * binding of operations to handlers is handlers/bindings.c, the table the
 * engine is opened with (core/module.h).
 */
#ifndef RG_CONTRACT_H
#define RG_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
#define RG_STATE(e, s, open) RG_ST_##e,
#include "../../schemas/states.def"
#undef RG_STATE
    RG_NSTATES
} rg_state;

/* The states in which work on a case goes on (states.def, column open), as
 * bits of rg_state. */
#define RG_STATE(e, s, open) | ((open) ? 1 << RG_ST_##e : 0)
enum { RG_OPEN_STATES = 0
#include "../../schemas/states.def"
};
#undef RG_STATE
static inline bool rg_state_open(int st) { return st >= 0 && (RG_OPEN_STATES >> st & 1); }

typedef enum {
#define RG_ROLE(e, s) RG_ROLE_##e,
#include "../../schemas/roles.def"
#undef RG_ROLE
    RG_NROLES
} rg_role;

#define RG_R(e) (1u << RG_ROLE_##e)


typedef enum {
#define RG_ROUTE(e, s) RG_RT_##e,
#include "../../schemas/routes.def"
#undef RG_ROUTE
    RG_NROUTES
} rg_route;

/* The escalation ladder (DOMAIN.md): 1 the ZVH manager, 2 an actie-overleg
 * of the partners' managers, 3 the administrative level. */
#define RG_ESC_TOP 3

/* Regions: every actor and case belongs to one; what existed before
 * regions did belongs to this one (and it is --zvh's default). */
#define RG_ZVH_DEFAULT "zvh"
/* The separate covenants a case may run under, as words (an actor's
 * `covenants`) and bits (the word's index); a case reported with one of
 * these target groups runs under that covenant (DOMAIN.md). */
#define RG_COVENANTS "radicalisering"
/* The bit of a covenant word (n bytes), or 0 when it names none. */
uint32_t rg_covenant_bit(const char *w, uint32_t n);
/* The word of a covenant bit (a static string), or NULL. */
const char *rg_covenant_name(uint32_t bit);

/* The target groups (DOMAIN.md: a fixed list, so that a rule such as the
 * covenant cannot hang on spelling) and the urgencies a report takes. */
#define RG_TARGET_GROUPS                                                                              \
    "verward_gedrag radicalisering nazorg_ex_gedetineerden huiselijk_geweld multi_probleem_gezin " \
    "jeugd_criminaliteit ondermijning zorgmijding overig"
#define RG_URGENCIES "low normal high acute"
/* The roles of a person in a household case, and how many persons a case
 * holds at most (removed ones counted: their ids are never reused). */
#define RG_PERSON_ROLES "subject partner parent child sibling network"
#define RG_PERSONS_MAX 32

/* The routes a reporter may start with case.report: every route but
 * subject-request, which subject.request opens (schema_test holds the two
 * lists together). */
#define RG_REPORT_ROUTES "default re-entry mda levensloop"

/* The wire names of routes and states as the words of an RG_F_ENUM field
 * (schemas/ops.c). */
extern const char rg_route_words[], rg_state_words[];

typedef enum {
    RG_F_STR,        /* string of 1..max bytes */
    RG_F_TEXT,       /* string of 0..max bytes (free text) */
    RG_F_BOOL,
    RG_F_UINT,
    RG_F_DATE,       /* ISO 8601 date or date-time string */
    RG_F_OPEN_MAP,   /* map of string keys to scalars, at most max entries */
    RG_F_STR_ARRAY,  /* array of 1..max non-empty strings of <= 64 bytes */
    RG_F_MAP_ARRAY,  /* array of 1..max maps, each checked against sub */
    RG_F_ENUM,       /* one of the space-separated words in `values` */
    RG_F_ENUM_ARRAY, /* array of 1..max distinct words of `values` */
} rg_ftype;

enum { RG_OPT = 0, RG_REQ = 1 };

typedef struct rg_field {
    const char *name;
    rg_ftype type;
    uint8_t required;
    uint64_t max;                 /* bytes for strings, entries for maps/arrays, the
                                     largest number (RG_F_UINT; 0: any) */
    const struct rg_field *sub;   /* RG_F_MAP_ARRAY: the fields of each element */
    const char *values;           /* RG_F_ENUM(_ARRAY): the allowed words, space-separated */
    uint64_t min;                 /* RG_F_UINT: the smallest number */
} rg_field;

enum {
    RG_OP_MUTATES = 1,   /* needs `req`; idempotent; writes a batch */
    RG_OP_CASE = 2,      /* needs `case`; loads it before the handler runs */
    RG_OP_TRIAGE = 8,    /* may be taken on the triage view of an unassigned case */
    RG_OP_ERASED = 16,   /* may be taken on an erased case (erasing again changes nothing) */
    RG_OP_UNRESTRICT = 32, /* may be taken on a restricted case (lifting it) */
    RG_OP_DOSSIER = 64,  /* may be taken on the escalation dossier's view (access.h) */
    RG_OP_SECRET = 4,    /* the reply holds a secret (a token): the stored
                            idempotency copy leaves it out */
};

typedef struct rg_opdef {
    const char *name;
    uint32_t roles;               /* RG_R(...) bits of who may call it at all */
    uint32_t flags;
    const rg_field *fields;       /* NULL-name terminated; NULL for none */
    /* An operation that reads case content declares, for the audit trail
     * (Logius' Logboek Dataverwerkingen), the purpose it serves and the
     * legal basis of the processing; NULL for the others. */
    const char *purpose;
    const char *basis;
} rg_opdef;

extern const rg_opdef rg_ops[];
const rg_opdef *rg_op_find(const char *p, uint32_t n);   /* NULL when unknown */

const char *rg_route_name(int route);
int rg_route_parse(const char *p, uint32_t n);      /* -1 when unknown */

const char *rg_state_name(int st);
int rg_state_parse(const char *p, uint32_t n);      /* -1 when unknown */
const char *rg_role_name(int role);
int rg_role_parse(const char *p, uint32_t n);       /* -1 when unknown */

#endif
