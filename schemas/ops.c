/*
 * ops.c - every operation of the contract the engine serves: who may call it,
 * what it needs, and the fields of its `data`, checked before the handler
 * runs.  In which states a case operation may be taken is in machine.c; which
 * handler serves it, in bindings.c.  An operation missing here answers
 * unknown_op.  The `regie` client reads this table too (its subcommands and
 * flags), so it holds only the contract.
 */
#include "../engine/domain/contract.h"

#define END {NULL, 0, 0, 0, NULL, NULL, 0}
#define STR(name, max) {name, RG_F_STR, RG_REQ, max, NULL, NULL, 0}
#define STR_OPT(name, max) {name, RG_F_STR, RG_OPT, max, NULL, NULL, 0}
#define TEXT(name, max) {name, RG_F_TEXT, RG_REQ, max, NULL, NULL, 0}
#define TEXT_OPT(name, max) {name, RG_F_TEXT, RG_OPT, max, NULL, NULL, 0}
/* A whole number lo..hi; a one of the space-separated words. */
#define UINT(name, req, lo, hi) {name, RG_F_UINT, req, hi, NULL, NULL, lo}
#define ENUM(name, req, words) {name, RG_F_ENUM, req, 0, NULL, words, 0}

static const rg_field actor_create[] = {
    STR("id", 64), ENUM("role", RG_REQ, "procesregisseur partner manager admin"), STR("org", 64), END,
};
static const rg_field actor_revoke[] = {STR("id", 64), END};

static const rg_field case_report[] = {
    STR("target_group", 64),
    TEXT("summary", 4096),
    STR("urgency", 64),
    {"informed", RG_F_BOOL, RG_OPT, 0, NULL, NULL, 0},
    TEXT_OPT("exemption", 1024),
    ENUM("route", RG_OPT, rg_route_words),
    {"release_date", RG_F_DATE, RG_OPT, 0, NULL, NULL, 0},
    {"subject", RG_F_OPEN_MAP, RG_REQ, 32, NULL, NULL, 0},
    END,
};

static const rg_field case_assign[] = {STR("procesregisseur", 64), END};
/* The national admission criteria for complex cases (DOMAIN.md). */
#define CRITERIA "multi_domain multi_chain system local_safety"
static const rg_field intake_decide[] = {
    {"admit", RG_F_BOOL, RG_REQ, 0, NULL, NULL, 0},
    TEXT("reason", 4096),
    STR_OPT("referred_to", 64),
    TEXT_OPT("advice", 4096),
    {"criteria", RG_F_ENUM_ARRAY, RG_OPT, 4, NULL, CRITERIA, 0},
    END,
};
static const rg_field intake_more_info[] = {
    TEXT("question", 4096), {"due", RG_F_DATE, RG_REQ, 0, NULL, NULL, 0}, END,
};
static const rg_field partner_join[] = {STR("org", 64), END};
static const rg_field info_request[] = {
    STR("org", 64), TEXT("question", 4096), {"due", RG_F_DATE, RG_OPT, 0, NULL, NULL, 0}, END,
};
static const rg_field info_provide[] = {
    STR("request", 64), TEXT("answer", 16384),
    /* ordinary, special (GDPR art. 9), criminal (art. 10), secret */
    ENUM("class", RG_OPT, "ordinary special criminal secret"), END,
};
static const rg_field meeting_schedule[] = {
    {"at", RG_F_DATE, RG_REQ, 0, NULL, NULL, 0}, {"orgs", RG_F_STR_ARRAY, RG_REQ, 32, NULL, NULL, 0}, END,
};
static const rg_field meeting_hold[] = {
    {"attendees", RG_F_STR_ARRAY, RG_REQ, 64, NULL, NULL, 0}, TEXT("conclusions", 16384), END,
};
static const rg_field plan_action[] = {
    STR("id", 64),
    STR_OPT("owner_org", 64),
    TEXT("description", 4096),
    {"due", RG_F_DATE, RG_OPT, 0, NULL, NULL, 0},
    END,
};
static const rg_field plan_propose[] = {
    TEXT("goals", 8192),
    STR_OPT("casusregisseur", 64),
    {"actions", RG_F_MAP_ARRAY, RG_REQ, 100, plan_action, NULL, 0},
    END,
};
static const rg_field action_complete[] = {STR("action", 64), TEXT("result", 8192), END};
static const rg_field review_hold[] = {TEXT("notes", 16384), END};
static const rg_field case_escalate[] = {
    UINT("level", RG_REQ, 1, RG_ESC_TOP), TEXT("reason", 4096), END,
};
static const rg_field escalation_resolve[] = {TEXT("decision", 4096), END};
static const rg_field case_close[] = {
    TEXT("reason", 4096), {"handover", RG_F_STR_ARRAY, RG_OPT, 100, NULL, NULL, 0}, END,
};
static const rg_field aftercare_check[] = {TEXT("outcome", 4096), END};
static const rg_field case_reopen[] = {TEXT("reason", 4096), END};
static const rg_field cases_list[] = {
    ENUM("state", RG_OPT, rg_state_words), STR_OPT("after", 64), UINT("limit", RG_OPT, 1, 500),
    {"stagnating", RG_F_BOOL, RG_OPT, 0, NULL, NULL, 0}, END,
};

static const rg_field feed_read[] = {
    UINT("after", RG_OPT, 0, 0),
    UINT("limit", RG_OPT, 1, 1000),
    UINT("wait_ms", RG_OPT, 0, 300000),
    END,
};
static const rg_field audit_read[] = {
    UINT("after", RG_OPT, 0, 0), UINT("limit", RG_OPT, 1, 1000), END,
};

/* At most a century. */
static const rg_field clock_advance[] = {UINT("ms", RG_REQ, 0, 100ULL * 365 * 86400000ULL), END};

#define PR RG_R(PROCESREGISSEUR)
#define PA RG_R(PARTNER)
#define MA RG_R(MANAGER)
#define AD RG_R(ADMIN)
#define M RG_OP_MUTATES
#define C RG_OP_CASE
#define S RG_OP_SECRET

const rg_opdef rg_ops[] = {
    /* name                   roles          flags   fields */
    {"actor.create",          AD,            M | S,  actor_create},
    {"actor.revoke",          AD,            M,      actor_revoke},
    {"case.report",           PA,            M,      case_report},
    {"case.assign",           PR | MA,       M | C,  case_assign},
    {"intake.start",          PR,            M | C,  NULL},
    {"intake.decide",         PR,            M | C,  intake_decide},
    {"intake.more_info",      PR,            M | C,  intake_more_info},
    {"partner.join",          PR,            M | C,  partner_join},
    {"info.request",          PR,            M | C,  info_request},
    {"info.provide",          PA,            M | C,  info_provide},
    {"meeting.schedule",      PR,            M | C,  meeting_schedule},
    {"meeting.hold",          PR,            M | C,  meeting_hold},
    {"plan.propose",          PR,            M | C,  plan_propose},
    {"plan.agree",            PA,            M | C,  NULL},
    {"action.complete",       PA,            M | C,  action_complete},
    {"review.hold",           PR,            M | C,  review_hold},
    {"case.escalate",         PR,            M | C,  case_escalate},
    {"escalation.resolve",    MA,            M | C,  escalation_resolve},
    {"case.close",            PR,            M | C,  case_close},
    {"aftercare.check",       PR,            M | C,  aftercare_check},
    {"case.reopen",           PR,            M | C,  case_reopen},
    {"case.get",              PR | PA | MA,  C,      NULL},
    {"case.history",          PR | PA | MA,  C,      NULL},
    {"cases.list",            PR | PA | MA,  0,      cases_list},
    {"feed.read",             PR | PA | MA,  0,      feed_read},
    {"audit.read",            AD,            0,      audit_read},
    {"log.verify",            AD,            0,      NULL},
    {"clock.advance",         AD,            M,      clock_advance},
    {"stats",                 PR | MA | AD,  0,      NULL},
    {NULL, 0, 0, NULL},
};
