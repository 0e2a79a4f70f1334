/*
 * ops.c - every operation of the contract the engine serves: who may call it,
 * what it needs, and the fields of its `data`, checked before the handler
 * runs.  In which states a case operation may be taken is in machine.c; which
 * handler serves it, in handlers/bindings.c.  An operation missing here answers
 * unknown_op.  The `regie` client reads this table too (its subcommands and
 * flags), so it holds only the contract.
 */
#include "../engine/domain/contract.h"

/* The wire names of routes and states as an RG_F_ENUM field's words: the
 * contract's, here beside the fields that take them, so that the table
 * uses nothing of the code that reads it. */
const char rg_route_words[] =
#define RG_ROUTE(e, s) s " "
#include "routes.def"
#undef RG_ROUTE
    "";

const char rg_state_words[] =
#define RG_STATE(e, s, open) s " "
#include "states.def"
#undef RG_STATE
    "";

#define END {NULL, 0, 0, 0, NULL, NULL, 0}
#define STR(name, max) {name, RG_F_STR, RG_REQ, max, NULL, NULL, 0}
#define STR_OPT(name, max) {name, RG_F_STR, RG_OPT, max, NULL, NULL, 0}
#define TEXT(name, max) {name, RG_F_TEXT, RG_REQ, max, NULL, NULL, 0}
#define TEXT_OPT(name, max) {name, RG_F_TEXT, RG_OPT, max, NULL, NULL, 0}
/* A whole number lo..hi; a one of the space-separated words. */
#define UINT(name, req, lo, hi) {name, RG_F_UINT, req, hi, NULL, NULL, lo}
#define ENUM(name, req, words) {name, RG_F_ENUM, req, 0, NULL, words, 0}
/* Every free-text item of case content takes a class: ordinary (default),
 * special (health, GDPR art. 9), criminal (art. 10), secret (professional
 * secrecy); a non-ordinary item reaches only whom domain/access.c allows. */
#define CLASS ENUM("class", RG_OPT, "ordinary special criminal secret")

static const rg_field actor_create[] = {
    STR("id", 64), ENUM("role", RG_REQ, "procesregisseur partner manager admin auditor partner_manager bestuur"),
    STR("org", 64), STR_OPT("zvh", 64), {"covenants", RG_F_ENUM_ARRAY, RG_OPT, 8, NULL, RG_COVENANTS, 0},
    {"expires", RG_F_DATE, RG_OPT, 0, NULL, NULL, 0}, ENUM("scope", RG_OPT, "region engine"), END,
};
static const rg_field actor_revoke[] = {STR("id", 64), END};
static const rg_field actor_rotate[] = {STR("id", 64), {"expires", RG_F_DATE, RG_OPT, 0, NULL, NULL, 0}, END};

/* A person of a household case: their role and the fields of a subject
 * (all personal data: stored only in the sealed subject part of the event
 * that adds them). */
#define RG_PERSON_FIELDS                                                                          \
    ENUM("role", RG_REQ, RG_PERSON_ROLES), STR("name", 512), {"birth_date", RG_F_DATE, RG_OPT, 0, NULL, NULL, 0}, \
    STR_OPT("bsn", 16), STR_OPT("address", 512), STR_OPT("postcode", 16), STR_OPT("city", 128),   \
    STR_OPT("phone", 64), STR_OPT("email", 256), STR_OPT("gender", 32)
static const rg_field person_fields[] = {RG_PERSON_FIELDS, END};
static const rg_field person_add[] = {RG_PERSON_FIELDS, END};
static const rg_field person_remove[] = {STR("person", 16), TEXT("reason", 4096), END};
/* The orgs that see a person (the rest of the case's orgs do not). */
static const rg_field person_share[] = {STR("person", 16), {"orgs", RG_F_STR_ARRAY, RG_REQ, 32, NULL, NULL, 0}, END};
/* What a person of the case wants, in their own words: sealed under that
 * person's own key, erased with them (handlers/persons.c). */
static const rg_field client_perspective[] = {STR("person", 16), TEXT("wishes", 8192), END};
/* As case.erase, for one person (handlers/persons.c). */
static const rg_field person_erase[] = {STR("person", 16), TEXT("ground", 4096), STR_OPT("request", 64), END};

static const rg_field case_report[] = {
    ENUM("target_group", RG_REQ, RG_TARGET_GROUPS),
    TEXT("summary", 4096),
    CLASS,
    ENUM("urgency", RG_REQ, RG_URGENCIES),
    {"informed", RG_F_BOOL, RG_OPT, 0, NULL, NULL, 0},
    TEXT_OPT("exemption", 1024),
    ENUM("route", RG_OPT, RG_REPORT_ROUTES),
    {"release_date", RG_F_DATE, RG_OPT, 0, NULL, NULL, 0},
    /* One of: the single subject (one `subject` person), or the persons of
     * a household (handlers/persons.c). */
    {"subject", RG_F_OPEN_MAP, RG_OPT, 32, NULL, NULL, 0},
    {"persons", RG_F_MAP_ARRAY, RG_OPT, RG_PERSONS_MAX, person_fields, NULL, 0},
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
    /* Levensloopaanpak: the inclusion table names the Levensloopaanbieder
     * (who joins) and the municipal casusregisseur. */
    STR_OPT("provider", 64), STR_OPT("casusregisseur", 64),
    END,
};
static const rg_field intake_more_info[] = {
    TEXT("question", 4096), {"due", RG_F_DATE, RG_REQ, 0, NULL, NULL, 0}, END,
};
static const rg_field partner_join[] = {STR("org", 64), END};
/* The persons of the case a request or an action is about (ids "P2"):
 * only the orgs that may see each of them see it (handlers/persons.c). */
#define ABOUT {"persons", RG_F_STR_ARRAY, RG_OPT, RG_PERSONS_MAX, NULL, NULL, 0}
static const rg_field info_request[] = {
    STR("org", 64), TEXT("question", 4096), {"due", RG_F_DATE, RG_OPT, 0, NULL, NULL, 0}, ABOUT, END,
};
static const rg_field info_provide[] = {
    STR("request", 64), TEXT("answer", 16384),
    CLASS, END,
};
static const rg_field meeting_schedule[] = {
    {"at", RG_F_DATE, RG_REQ, 0, NULL, NULL, 0}, {"orgs", RG_F_STR_ARRAY, RG_REQ, 32, NULL, NULL, 0},
    ENUM("kind", RG_OPT, "case evaluation"), END,
};
static const rg_field meeting_reschedule[] = {{"at", RG_F_DATE, RG_REQ, 0, NULL, NULL, 0}, END};
static const rg_field meeting_hold[] = {
    {"attendees", RG_F_STR_ARRAY, RG_REQ, 64, NULL, NULL, 0}, TEXT("conclusions", 16384), CLASS,
    {"held_at", RG_F_DATE, RG_OPT, 0, NULL, NULL, 0}, END,
};
static const rg_field plan_action[] = {
    STR("id", 64),
    STR_OPT("owner_org", 64),
    TEXT("description", 4096),
    {"due", RG_F_DATE, RG_OPT, 0, NULL, NULL, 0},
    ABOUT,
    END,
};
static const rg_field plan_propose[] = {
    TEXT("goals", 8192),
    STR_OPT("casusregisseur", 64),
    /* The persons whose perspective (client.perspective, their latest) the
     * goals answer. */
    {"perspectives", RG_F_STR_ARRAY, RG_OPT, RG_PERSONS_MAX, NULL, NULL, 0},
    {"actions", RG_F_MAP_ARRAY, RG_REQ, 100, plan_action, NULL, 0},
    END,
};
static const rg_field action_complete[] = {STR("action", 64), TEXT("result", 8192), CLASS, END};
static const rg_field review_hold[] = {TEXT("notes", 16384), CLASS, END};
static const rg_field item_release[] = {
    UINT("seq", RG_REQ, 1, 0), {"orgs", RG_F_STR_ARRAY, RG_OPT, 32, NULL, NULL, 0},
    {"subject", RG_F_BOOL, RG_OPT, 0, NULL, NULL, 0}, END,
};
static const rg_field case_escalate[] = {
    UINT("level", RG_REQ, 1, RG_ESC_TOP), TEXT("reason", 4096), END,
};
/* new_due: a new due date for the stuck step (an action or an information
 * request) that the decision sets; missing it climbs on. */
static const rg_field escalation_resolve[] = {
    TEXT("decision", 4096), {"new_due", RG_F_DATE, RG_OPT, 0, NULL, NULL, 0}, END,
};
static const rg_field case_close[] = {
    TEXT("reason", 4096), {"handover", RG_F_STR_ARRAY, RG_OPT, 100, NULL, NULL, 0}, END,
};
/* An early ending (DOMAIN.md, "Early endings"): the person died, moved out
 * of the region (to_region, when known), was detained for a long time,
 * withdrew from voluntary help, or another reason, explained. */
#define END_REASONS "deceased moved detained withdrawn other"
static const rg_field case_end[] = {
    ENUM("reason", RG_REQ, END_REASONS), STR_OPT("to_region", 64), TEXT_OPT("explanation", 4096), END,
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
    UINT("after", RG_OPT, 0, 0), UINT("limit", RG_OPT, 1, 1000), STR_OPT("case", 64), END,
};

/* At most a century. */
static const rg_field alerts_list[] = {
    {"open", RG_F_BOOL, RG_OPT, 0, NULL, NULL, 0}, {"all", RG_F_BOOL, RG_OPT, 0, NULL, NULL, 0},
    UINT("after", RG_OPT, 0, 0),
    UINT("limit", RG_OPT, 1, 1000), END,
};
static const rg_field alert_ack[] = {UINT("alert", RG_REQ, 1, 0), END};

static const rg_field case_erase[] = {TEXT("ground", 4096), STR_OPT("request", 64), END};
#define PERSON(req) {"person", RG_F_OPEN_MAP, req, 16, NULL, NULL, 0}
static const rg_field subject_request[] = {
    ENUM("kind", RG_REQ, "access rectification erasure restriction objection"), PERSON(RG_REQ),
    {"received", RG_F_DATE, RG_OPT, 0, NULL, NULL, 0},
    /* Who makes a request for a child under 16 (parental authority). */
    {"by", RG_F_OPEN_MAP, RG_OPT, 16, NULL, NULL, 0}, END,
};
static const rg_field subject_decide[] = {
    STR("request", 64), {"granted", RG_F_BOOL, RG_REQ, 0, NULL, NULL, 0}, TEXT_OPT("ground", 4096), END,
};
static const rg_field subject_correct[] = {
    {"subject", RG_F_OPEN_MAP, RG_REQ, 32, NULL, NULL, 0}, STR_OPT("person", 16), END,
};
/* person: lift that person's restriction in a household case (the whole
 * case's when none is named). */
static const rg_field case_unrestrict[] = {TEXT("reason", 4096), STR_OPT("person", 16), END};
static const rg_field subject_known[] = {PERSON(RG_REQ), END};

static const rg_field phase_step[] = {TEXT("reason", 4096), END};

static const rg_field clock_advance[] = {UINT("ms", RG_REQ, 0, 100ULL * 365 * 86400000ULL), END};
/* A directory on the engine's host; the newest `keep` backups stay there. */
static const rg_field backup_create[] = {STR("dir", 4096), UINT("keep", RG_OPT, 1, 1000), END};
/* seq: a record of the log; audit: a record of the audit trail (one of the two). */
static const rg_field log_prove[] = {UINT("seq", RG_OPT, 1, 0), UINT("size", RG_OPT, 1, 0),
                                     UINT("audit", RG_OPT, 1, 0), END};
static const rg_field log_consistency[] = {UINT("from", RG_REQ, 1, 0), UINT("to", RG_REQ, 1, 0),
                                           {"audit", RG_F_BOOL, RG_OPT, 0, NULL, NULL, 0}, END};
/* The auditor's query of the processing log: by trace, by activity or by
 * data subject (at least one: never the whole log); `after` is the `next`
 * of the page before. */
static const rg_field processing_read[] = {STR_OPT("trace_id", 32), STR_OPT("activity", 128),
                                           STR_OPT("data_subject_id", 32), STR_OPT("after", 128),
                                           UINT("limit", RG_OPT, 1, 1000), END};
static const rg_field norms_whatif[] = {TEXT("config", 65536), {"from", RG_F_DATE, RG_OPT, 0, NULL, NULL, 0}, {"to", RG_F_DATE, RG_OPT, 0, NULL, NULL, 0}, STR_OPT("region", 64), END};

/* Purposes and the legal basis of reading case content (audit trail).  The
 * ZVH has no legal task of its own: it processes on behalf of the partners,
 * under the regional privacy covenant. */
#define COORDINATION "procesregie: coordinating and monitoring the case"
#define FOLLOWING "following the cases the reader's organisation takes part in"
#define LISTING "an overview of the cases the reader may see"
#define BASIS "ZVH privacy covenant; GDPR art. 6(1)(e), 9(2)(g) and 10"
#define ALERTING "the alerts on the cases the reader must act on"
#define KNOWN "whether a person is known in another region (coordination across ZVHs)"
#define SUPERVISING "supervising the processing log"
#define SUPERVISION "GDPR art. 5(2), 30 and 32; ZVH privacy covenant"

#define PR RG_R(PROCESREGISSEUR)
#define PA RG_R(PARTNER)
#define MA RG_R(MANAGER)
#define AD RG_R(ADMIN)
#define AU RG_R(AUDITOR)
#define PM RG_R(PARTNER_MANAGER)
#define BE RG_R(BESTUUR)
#define M RG_OP_MUTATES
#define C RG_OP_CASE
#define S RG_OP_SECRET
#define T RG_OP_TRIAGE
#define E RG_OP_ERASED
#define U RG_OP_UNRESTRICT
#define D RG_OP_DOSSIER

const rg_opdef rg_ops[] = {
    /* name                   roles          flags   fields */
    {"actor.create",          AD,            M | S,  actor_create, NULL, NULL},
    {"actor.revoke",          AD,            M,      actor_revoke, NULL, NULL},
    {"actor.rotate",          AD,            M | S,  actor_rotate, NULL, NULL},
    {"case.report",           PA,            M,      case_report, NULL, NULL},
    {"case.assign",           PR | MA,       M|C|T,  case_assign, NULL, NULL},
    {"intake.start",          PR,            M | C,  NULL, NULL, NULL},
    {"intake.decide",         PR,            M | C,  intake_decide, NULL, NULL},
    {"intake.more_info",      PR,            M | C,  intake_more_info, NULL, NULL},
    {"partner.join",          PR,            M | C,  partner_join, NULL, NULL},
    {"info.request",          PR,            M | C,  info_request, NULL, NULL},
    {"info.provide",          PA,            M | C,  info_provide, NULL, NULL},
    {"meeting.schedule",      PR,            M | C,  meeting_schedule, NULL, NULL},
    {"meeting.hold",          PR,            M | C,  meeting_hold, NULL, NULL},
    {"meeting.reschedule",    PR,            M | C,  meeting_reschedule, NULL, NULL},
    {"plan.propose",          PR,            M | C,  plan_propose, NULL, NULL},
    {"plan.agree",            PA,            M | C,  NULL, NULL, NULL},
    {"action.complete",       PA,            M | C,  action_complete, NULL, NULL},
    {"item.release",          PR | PA,       M | C,  item_release, NULL, NULL},
    {"review.hold",           PR,            M | C,  review_hold, NULL, NULL},
    {"case.escalate",         PR,            M | C,  case_escalate, NULL, NULL},
    {"escalation.resolve",    MA | BE,       M|C|D,  escalation_resolve, NULL, NULL},
    {"escalation.dossier",    PR|MA|PM|BE,   C | D,  NULL,
     "deciding on the escalation of a case", BASIS},
    {"case.close",            PR,            M | C,  case_close, NULL, NULL},
    {"case.end",              PR,            M | C,  case_end, NULL, NULL},
    {"aftercare.check",       PR,            M | C,  aftercare_check, NULL, NULL},
    {"case.reopen",           PR,            M | C,  case_reopen, NULL, NULL},
    {"case.get",              PR | PA | MA,  C | T,  NULL,
     COORDINATION, BASIS},
    {"case.history",          PR | PA | MA,  C,      NULL,
     COORDINATION, BASIS},
    {"cases.list",            PR | PA | MA,  0,      cases_list,
     LISTING, BASIS},
    {"feed.read",             PR | PA | MA,  0,      feed_read,
     FOLLOWING, BASIS},
    {"audit.read",            AD | AU,       0,      audit_read,
     SUPERVISING, SUPERVISION},
    {"log.verify",            AD,            0,      NULL, NULL, NULL},
    {"clock.advance",         AD,            M,      clock_advance, NULL, NULL},
    {"stats",                 PR | MA | AD,  0,      NULL, NULL, NULL},
    {"whoami",                PR|PA|MA|AD|PM|BE|AU, 0, NULL, NULL, NULL},
    {"notify.topics",         PR|PA|MA|AD|PM|BE, 0,  NULL, NULL, NULL},
    {"alerts.list",           PR|PA|MA|PM|BE, 0,     alerts_list,
     ALERTING, BASIS},
    {"alert.ack",             PR|PA|MA|PM|BE, M,     alert_ack, NULL, NULL},
    /* Changes nothing in the log: a retry takes another backup, which is
     * incremental and cheap. */
    {"backup.create",         AD,            0,      backup_create, NULL, NULL},
    {"log.head",              AD | AU,       0,      NULL, NULL, NULL},
    {"log.prove",             AD | AU,       0,      log_prove, NULL, NULL},
    {"log.consistency",       AD | AU,       0,      log_consistency, NULL, NULL},
    {"norms.whatif",          MA,            0,      norms_whatif, NULL, NULL},
    {"case.erase",            MA,            M|C|E,  case_erase, NULL, NULL},
    {"subject.request",       PR | MA,       M,      subject_request, NULL, NULL},
    /* A procesregisseur decides only the covenant cases assigned to them
     * that a manager of the request could not see (subjects.c). */
    {"subject.decide",        PR | MA,       M,      subject_decide,
     "answering a data-subject request (GDPR art. 15-18, 21)", "GDPR art. 12 and 15-21"},
    {"subject.correct",       PR | MA,       M|C|E,  subject_correct, NULL, NULL},
    {"case.unrestrict",       MA,            M|C|U,  case_unrestrict, NULL, NULL},
    {"subject.known",         PR | MA,       0,      subject_known,
     KNOWN, BASIS},
    {"phase.advance",         PR,            M | C,  phase_step, NULL, NULL},
    {"person.add",            PR,            M | C,  person_add, NULL, NULL},
    {"person.remove",         PR,            M | C,  person_remove, NULL, NULL},
    {"person.erase",          MA,            M|C|E,  person_erase, NULL, NULL},
    {"person.share",          PR,            M | C,  person_share, NULL, NULL},
    {"client.perspective",    PR,            M | C,  client_perspective, NULL, NULL},
    {"phase.relapse",         PR,            M | C,  phase_step, NULL, NULL},
    /* The register of processing activities (schemas/activities.c): no
     * personal data. */
    {"processing.activities", PR|PA|MA|AD|AU|PM|BE, 0, NULL, NULL, NULL},
    {"processing.read",       AU,            0,      processing_read,
     SUPERVISING, SUPERVISION},
    {NULL, 0, 0, NULL, NULL, NULL},
};
