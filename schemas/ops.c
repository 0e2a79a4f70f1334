/*
 * ops.c - every operation of the contract the engine serves: who may call it,
 * what it needs, and the fields of its `data`, checked before the handler
 * runs.  An operation missing here answers unknown_op.
 */
#include "../engine/schema.h"
#include "../handlers/handlers.h"

#define END {NULL, 0, 0, 0, NULL}

static const rg_field actor_create[] = {
    {"id", RG_F_STR, RG_REQ, 64, NULL},
    {"role", RG_F_STR, RG_REQ, 32, NULL},
    {"org", RG_F_STR, RG_REQ, 64, NULL},
    END,
};

static const rg_field actor_revoke[] = {
    {"id", RG_F_STR, RG_REQ, 64, NULL},
    END,
};

static const rg_field case_report[] = {
    {"target_group", RG_F_STR, RG_REQ, 64, NULL},
    {"summary", RG_F_TEXT, RG_REQ, 4096, NULL},
    {"urgency", RG_F_STR, RG_REQ, 64, NULL},
    {"informed", RG_F_BOOL, RG_OPT, 0, NULL},
    {"exemption", RG_F_TEXT, RG_OPT, 1024, NULL},
    {"route", RG_F_STR, RG_OPT, 16, NULL},
    {"release_date", RG_F_DATE, RG_OPT, 0, NULL},
    {"subject", RG_F_OPEN_MAP, RG_REQ, 32, NULL},
    END,
};

#define PR RG_R(PROCESREGISSEUR)
#define PA RG_R(PARTNER)
#define MA RG_R(MANAGER)
#define AD RG_R(ADMIN)
#define M RG_OP_MUTATES
#define C RG_OP_CASE
#define S RG_OP_SECRET

const rg_opdef rg_ops[] = {
    /* name            handler             roles            flags   fields */
    {"actor.create",   rg_h_actor_create,  AD,              M | S,  actor_create},
    {"actor.revoke",   rg_h_actor_revoke,  AD,              M,      actor_revoke},
    {"case.report",    rg_h_case_report,   PA,              M,      case_report},
    {"case.get",       rg_h_case_get,      PR | PA | MA,    C,      NULL},
    {"case.history",   rg_h_case_history,  PR | PA | MA,    C,      NULL},
    {"log.verify",     rg_h_log_verify,    AD,              0,      NULL},
    {"stats",          rg_h_stats,         PR | MA | AD,    0,      NULL},
    {NULL, NULL, 0, 0, NULL},
};
