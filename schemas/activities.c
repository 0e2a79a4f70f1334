/*
 * activities.c - the register of processing activities (engine/domain/
 * activity.h; CONTRACT.md, "Privacy operations"): every operation that
 * processes a case's personal data -- collecting, recording, changing,
 * reading, erasing -- with the purpose it serves, its legal basis and the
 * categories of data it touches.  A record of the processing log names its
 * entry by id.  An entry is never changed in place: a new purpose or basis
 * is a new entry with the next version (and its own id), so old records
 * keep their meaning.  The purposes of the reads are those of schemas/ops.c
 * (activities_test checks that they agree).
 *
 * The ZVH has no legal task of its own: it processes on behalf of the
 * partners, under the regional privacy covenant.  The engine's own steps
 * (a fired deadline, an erasure at the end of retention or after a
 * restore) are processings too: entries named engine.<step>, which no
 * client calls.
 */
#include "../engine/domain/activity.h"

#define URN "urn:regie:processing-activity:"
#define COVENANT "ZVH privacy covenant; GDPR art. 6(1)(e), 9(2)(g) and 10"
#define COORDINATION "procesregie: coordinating and monitoring the case"
#define REPORT "bringing a person with problems in several domains to the ZVH for joint approach"
#define APPROACH "agreeing and carrying out a joint approach across organisations"
#define ESCALATION "removing what holds the approach back (escalation ladder)"
#define ENDING "ending the joint approach and checking its result"
#define RIGHTS "answering a data-subject request (GDPR art. 15-18, 21)"
#define RIGHTS_BASIS "GDPR art. 12 and 15-21"
#define RETENTION "keeping personal data no longer than needed (retention)"
#define ERASURE_BASIS "GDPR art. 5(1)(e) and 17; ZVH privacy covenant"
#define ID "identifying data (name, birth date, BSN, address)"
#define CASE ID "; the case's free text"
#define SPECIAL CASE "; special-category and criminal data where classified items are given"

#define A(op, v, name, purpose, basis, cat) {URN op ":v" #v, op, v, name, purpose, basis, cat}

const rg_activity rg_activities[] = {
    A("case.report", 1, "reporting a case", REPORT, COVENANT, CASE),
    A("person.add", 1, "adding a person to a household case", COORDINATION, COVENANT, ID),
    A("person.remove", 1, "removing a person from a household case", COORDINATION, COVENANT, ID),
    A("person.share", 1, "limiting a person of a household case to the organisations that need them",
      COORDINATION, COVENANT, ID),
    A("person.erase", 1, "erasing one person's data of a household case", "retention, or a granted erasure request",
      "GDPR art. 5(1)(e) and 17; ZVH privacy covenant", ID),
    A("client.perspective", 1, "recording what a person of a case wants, in their own words", APPROACH, COVENANT,
      "the person's wishes, in their own words"),
    A("case.assign", 1, "assigning a procesregisseur", COORDINATION, COVENANT, CASE),
    A("intake.start", 1, "starting the intake", COORDINATION, COVENANT, CASE),
    A("intake.decide", 1, "deciding the intake", COORDINATION, COVENANT, CASE),
    A("intake.more_info", 1, "asking the reporter for more information", COORDINATION, COVENANT, CASE),
    A("partner.join", 1, "letting an organisation take part", APPROACH, COVENANT, CASE),
    A("info.request", 1, "asking a partner for information", APPROACH, COVENANT, CASE),
    A("info.provide", 1, "providing information to the case", APPROACH, COVENANT, SPECIAL),
    A("meeting.schedule", 1, "scheduling the case meeting", APPROACH, COVENANT, CASE),
    A("meeting.hold", 1, "recording the case meeting", APPROACH, COVENANT, CASE),
    A("meeting.reschedule", 1, "moving the case meeting", APPROACH, COVENANT, CASE),
    A("plan.propose", 1, "proposing the plan", APPROACH, COVENANT, CASE),
    A("plan.agree", 1, "agreeing to the plan", APPROACH, COVENANT, CASE),
    A("action.complete", 1, "reporting an action done", APPROACH, COVENANT, CASE),
    A("item.release", 1, "releasing a classified item to more organisations", APPROACH, COVENANT, SPECIAL),
    A("review.hold", 1, "reviewing the plan's progress", APPROACH, COVENANT, CASE),
    A("case.escalate", 1, "escalating the case", ESCALATION, COVENANT, CASE),
    A("escalation.resolve", 1, "deciding an escalation", ESCALATION, COVENANT, CASE),
    A("escalation.dossier", 1, "reading an escalation's dossier", "deciding on the escalation of a case", COVENANT,
      "the case's target group, urgency and stuck step; no identifying data, no free text"),
    A("case.close", 1, "closing the case", ENDING, COVENANT, CASE),
    A("case.end", 1, "ending the case early", ENDING, COVENANT, CASE),
    A("aftercare.check", 1, "recording the aftercare check", ENDING, COVENANT, CASE),
    A("case.reopen", 1, "reopening the case", COORDINATION, COVENANT, CASE),
    A("phase.advance", 1, "moving an MDA++ case to its next phase", APPROACH, COVENANT, CASE),
    A("phase.relapse", 1, "recording an MDA++ relapse", APPROACH, COVENANT, CASE),
    A("case.get", 1, "reading a case", COORDINATION, COVENANT, SPECIAL),
    A("case.history", 1, "reading a case's events", COORDINATION, COVENANT, SPECIAL),
    A("cases.list", 1, "listing cases", "an overview of the cases the reader may see", COVENANT, ID),
    A("feed.read", 1, "following the events of cases",
      "following the cases the reader's organisation takes part in", COVENANT, SPECIAL),
    A("alerts.list", 1, "reading alerts", "the alerts on the cases the reader must act on", COVENANT, CASE),
    A("case.erase", 1, "erasing a case's personal data", "retention, or a granted erasure request",
      ERASURE_BASIS, CASE),
    A("subject.request", 1, "registering a data-subject request", RIGHTS, RIGHTS_BASIS, ID),
    A("subject.decide", 1, "deciding a data-subject request; the access export", RIGHTS, RIGHTS_BASIS, SPECIAL),
    A("subject.correct", 1, "correcting a case's subject (rectification)", RIGHTS, RIGHTS_BASIS, ID),
    A("case.unrestrict", 1, "lifting a restriction", RIGHTS, RIGHTS_BASIS, ID),
    A("subject.known", 1, "looking a person up in other regions",
      "whether a person is known in another region (coordination across ZVHs)", COVENANT, ID),
    /* The engine's own steps (actor system): not operations of the
     * contract, named engine.<step>. */
    A("engine.stagnation", 1, "flagging a step not taken in time (stagnation)", ESCALATION, COVENANT,
      "the case's deadlines and state"),
    A("engine.escalation", 1, "escalating a stuck case up the ladder", ESCALATION, COVENANT,
      "the case's deadlines and state"),
    A("engine.retention", 1, "erasing a case when its retention ends", RETENTION, ERASURE_BASIS, CASE),
    A("engine.restore", 1, "erasing again, after a restore, a case erased before it",
      RETENTION, ERASURE_BASIS, CASE),
    {0, 0, 0, 0, 0, 0, 0},
};
