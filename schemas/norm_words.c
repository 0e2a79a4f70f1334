/*
 * norm_words.c - each norm of norms.c in words, for the line an alert carries
 * (handlers/alerts.c): what was to happen by the due time, and what the
 * case's procesregisseur is expected to do now that it did not.  Data, kept
 * apart from norms.c so that a row added there reads as its name until it
 * gets words here.
 */
#include <string.h>

#include "../engine/domain/schema.h"

const rg_norm_words rg_norm_words_table[] = {
    /* norm                     what was to happen                      what the procesregisseur does now */
    {"intake.start",            "the intake to start",                  "start the intake (regie intake start)"},
    {"intake.decision",         "the intake decision, told to the reporter", "decide on admission (regie intake decide)"},
    {"intake.more_info",        "the more information asked at intake", "decide with what there is, or ask the reporter again"},
    {"info.answer",             "the answer to an information request", "get the answer from the organisation, or escalate"},
    {"meeting.held",            "the case meeting to be held",          "schedule and hold the case meeting"},
    {"meeting.before_release",  "a case meeting before the release date", "hold the case meeting before the release"},
    {"plan.agreed",             "the plan to be agreed",                "get every owning organisation to agree the plan"},
    {"plan.before_release",     "the plan agreed before the release date", "get the plan agreed before the release"},
    {"action.done",             "an action of the plan to be done",     "see that its owner completes it, or hand it over"},
    {"review",                  "a review of the case (every 6 weeks)", "hold a review (regie review hold)"},
    {"progress",                "some progress on the case (an action done or a review)",
                                                                        "get an action done or hold a review"},
    {"aftercare",               "the aftercare check after closing",    "check on the person (regie aftercare check)"},
    {"escalation.decision",     "a decision on the escalation",         "see that the level that has it decides"},
    {"subject.answer",          "the answer to a data-subject request (one month)", "decide the request (regie subject decide)"},
    {NULL, NULL, NULL},
};

const rg_norm_words *rg_norm_words_of(const char *norm)
{
    for (const rg_norm_words *w = rg_norm_words_table; norm && w->norm; w++)
        if (strcmp(w->norm, norm) == 0) return w;
    return NULL;
}
