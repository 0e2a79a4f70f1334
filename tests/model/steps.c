/*
 * steps.c - the steps of a model-based run (driver.h), each sent by its
 * proper actor, and the model told which events it should append: the
 * steps of the default route, of MDA++ (reported by Veilig Thuis; its
 * phases and relapses) and of the Levensloopaanpak (the inclusion table's
 * provider and casusregisseur), the clock's advances, and steps the rules
 * refuse (which must append nothing).  A step the engine answers otherwise
 * than the rules say is a difference (md_fail).
 */
#include "driver.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cal.h"
#include "check.h"

/* ---- requests ---- */

static const char *const pr_ids[3] = {"", "prA", "prB"};

static rg_buf *req(const char *token, const char *op, const md_case *c, int ndata)
{
    return rg_t_req(&md.b, token, op, c ? c->id : NULL, ndata);
}

static const char *send_req(void) { return rg_t_local_send(&md.engine, &md.b, &md.r); }

static bool expect_ok(void)
{
    const char *e = send_req();
    if (e[0]) {
        md_fail("the engine refused it: %s: %s", e, rg_t_str(&md.r, "message"));
        return false;
    }
    return true;
}

/* Whether msg names `word` as a word of its own (e.g. data.due). */
static bool names(const char *msg, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(msg, word); p; p = strstr(p + 1, word)) {
        bool start = p == msg || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
        bool end = !(isalnum((unsigned char)p[n]) || p[n] == '_');
        if (start && end) return true;
    }
    return false;
}

/* A step the rules refuse: one of the codes ("a|b"), and a message that
 * names `word` when given.  Nothing may be written (the comparison after
 * the step sees to that). */
static void expect_refusal(const char *codes, const char *word)
{
    char e[64], msg[512];
    snprintf(e, sizeof e, "%s", send_req());
    snprintf(msg, sizeof msg, "%s", rg_t_str(&md.r, "message"));
    if (!e[0]) {
        md_fail("the engine accepted it; the rules refuse it with %s", codes);
        return;
    }
    char want[64];
    snprintf(want, sizeof want, "|%s|", codes);
    char got[70];
    snprintf(got, sizeof got, "|%s|", e);
    for (char *p = want; *p; p++)
        if (*p == ',') *p = '|';
    if (!strstr(want, got)) md_fail("refused with %s (%s), the rules say %s", e, msg, codes);
    else if (word && !names(msg, word)) md_fail("the refusal (%s: %s) does not name %s", e, msg, word);
}

/* The local date `days` from now as a string, and its end (when a `due`
 * of that date falls due). */
static int64_t date_in(int days, char out[12])
{
    mc_date_str(md.now, days, out, 12);
    mc_local t = mc_to_local(md.now);
    int y, m, d;
    mc_date(mc_days(t.y, t.m, t.d) + days, &y, &m, &d);
    return mc_end_of_day(y, m, d);
}

static int64_t end_of(const char *date)
{
    int y, m, d;
    if (sscanf(date, "%d-%d-%d", &y, &m, &d) != 3) return 0;
    return mc_end_of_day(y, m, d);
}

static const char *dir_tok(const md_case *c) { return md.pr_tok[c->pr]; }

/* ---- the steps ---- */

static void apply(md_case *c, const char *type, const m_args *a) { m_apply(&c->m, type, md.now, a); }

void md_report(void)
{
    md_case *c = NULL;
    for (int i = 0; i < MD_MAXC && !c; i++)
        if (!md.c[i].used) c = &md.c[i];
    if (!c) return;
    /* Half along the default route; MDA++ cases brought in by Veilig Thuis
     * ("de spil in de toeleiding"); Levensloop cases reported by the GGZ. */
    int r = md_rnd(10), route = r < 5 ? MR_DEFAULT : r < 8 ? MR_MDA : MR_LEVENSLOOP;
    int org = route == MR_MDA ? MD_ORG_VT : route == MR_LEVENSLOOP ? MD_ORG_GGZ : MD_ORG_POLICE;
    rg_buf *b = req(md.org_tok[org], "case.report", NULL, route == MR_DEFAULT ? 5 : 6);
    rg_w_kstr(b, "target_group", route == MR_MDA ? "huiselijk_geweld" : "verward_gedrag");
    rg_w_kstr(b, "summary", "repeated incidents");
    rg_w_kstr(b, "urgency", "normal");
    rg_w_kbool(b, "informed", true);
    if (route != MR_DEFAULT) rg_w_kstr(b, "route", m_route_names[route]);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 1);
    rg_w_kstr(b, "name", "A. Person");
    md_describe("c%d: case.report route %s (%s)", md.ncases + 1, m_route_names[route], md_org_names[org]);
    if (!expect_ok()) return;
    memset(c, 0, sizeof *c);
    c->used = true;
    c->n = ++md.ncases;
    md.routes[route]++;
    snprintf(c->id, sizeof c->id, "%s", rg_t_str(&md.r, "case"));
    m_case_init(&c->m);
    c->m.route = route;
    apply(c, "case.reported", NULL);
}

static void do_assign(md_case *c)
{
    int to = c->pr == 1 ? 2 : 1;
    rg_w_kstr(req(md.mgr_tok, "case.assign", c, 1), "procesregisseur", pr_ids[to]);
    md_describe("c%d %s: case.assign %s (manager)", c->n, c->id, pr_ids[to]);
    if (!expect_ok()) return;
    c->pr = to;
    apply(c, "case.assigned", NULL);
}

static void do_start(md_case *c)
{
    req(dir_tok(c), "intake.start", c, -1);
    md_describe("c%d %s: intake.start", c->n, c->id);
    if (expect_ok()) apply(c, "intake.started", NULL);
}

static void do_more_info(md_case *c)
{
    char due[12];
    m_args a = {.due = date_in(md_rnd(8), due)};
    rg_buf *b = req(dir_tok(c), "intake.more_info", c, 2);
    rg_w_kstr(b, "question", "which partners know the person?");
    rg_w_kstr(b, "due", due);
    md_describe("c%d %s: intake.more_info due %s", c->n, c->id, due);
    if (expect_ok()) apply(c, "intake.info_requested", &a);
}

static const char *const criteria[] = {"multi_domain", "multi_chain", "system", "local_safety"};

/* The Levensloopaanpak's inclusion table names these (CONTRACT.md, "Routes"). */
#define MD_PROVIDER "levensloopaanbieder"
#define MD_CASUSREGISSEUR "gemeente"

static void do_admit(md_case *c)
{
    unsigned set = 1 + (unsigned)md_rnd(15);
    int n = __builtin_popcount(set);
    bool levensloop = c->m.route == MR_LEVENSLOOP;
    rg_buf *b = req(dir_tok(c), "intake.decide", c, levensloop ? 5 : 3);
    rg_w_kbool(b, "admit", true);
    rg_w_kstr(b, "reason", "problems on several life domains");
    rg_w_cstr(b, "criteria");
    rg_w_array(b, (uint32_t)n);
    char list[80] = "";
    for (int i = 0; i < 4; i++)
        if (set & (1u << i)) {
            rg_w_cstr(b, criteria[i]);
            strcat(list, " ");
            strcat(list, criteria[i]);
        }
    if (levensloop) {
        rg_w_kstr(b, "provider", MD_PROVIDER);
        rg_w_kstr(b, "casusregisseur", MD_CASUSREGISSEUR);
    }
    md_describe("c%d %s: intake.decide admit, criteria%s%s", c->n, c->id, list,
                levensloop ? ", provider " MD_PROVIDER ", casusregisseur " MD_CASUSREGISSEUR : "");
    if (expect_ok()) apply(c, "intake.admitted", NULL);
}

static void do_reject(md_case *c)
{
    int how = md_rnd(3);         /* referred_to, advice, both */
    rg_buf *b = req(dir_tok(c), "intake.decide", c, how == 2 ? 4 : 3);
    rg_w_kbool(b, "admit", false);
    rg_w_kstr(b, "reason", "one life domain only");
    if (how != 1) rg_w_kstr(b, "referred_to", "wijkteam");
    if (how != 0) rg_w_kstr(b, "advice", "contact the local team");
    md_describe("c%d %s: intake.decide reject (%s)", c->n, c->id,
             how == 0 ? "referred_to" : how == 1 ? "advice" : "referred_to and advice");
    if (expect_ok()) apply(c, "intake.rejected", NULL);
}

static void do_info_request(md_case *c)
{
    int org = md_rnd(MD_NORGS);
    bool with_due = md_rnd(4) != 0;
    char due[12] = "";
    m_args a = {0};
    if (with_due) a.due = date_in(md_rnd(12), due);
    rg_buf *b = req(dir_tok(c), "info.request", c, with_due ? 3 : 2);
    rg_w_kstr(b, "org", md_org_names[org]);
    rg_w_kstr(b, "question", "what do you know?");
    if (with_due) rg_w_kstr(b, "due", due);
    md_describe("c%d %s: info.request to %s, due %s", c->n, c->id, md_org_names[org], with_due ? due : "none");
    if (!expect_ok()) return;
    const rg_val *ev = rg_array_at(rg_t_get(&md.r, "events"), 0);
    md_request *r = &c->req[c->nreq];
    if (!rg_val_strcpy(rg_map_get(rg_map_get(ev, "data"), "request"), r->id, sizeof r->id) || !r->id[0]) {
        md_fail("the reply's info.requested event names no data.request");
        return;
    }
    r->org = org;
    r->answered = false;
    r->classified = false;
    r->seq = 0;
    r->released_to = -1;
    c->nreq++;
    a.item = r->id;
    apply(c, "info.requested", &a);
}

static void do_info_provide(md_case *c)
{
    int open[MD_MAXREQ], n = 0;
    for (int i = 0; i < c->nreq; i++)
        if (!c->req[i].answered) open[n++] = i;
    md_request *r = &c->req[open[md_rnd(n)]];
    bool classified = md_rnd(3) == 0;
    rg_buf *b = req(md.org_tok[r->org], "info.provide", c, classified ? 3 : 2);
    rg_w_kstr(b, "request", r->id);
    rg_w_kstr(b, "answer", "known to us");
    if (classified) rg_w_kstr(b, "class", "special");
    md_describe("c%d %s: info.provide %s (%s)%s", c->n, c->id, r->id, md_org_names[r->org],
                classified ? ", class special" : "");
    if (!expect_ok()) return;
    r->answered = true;
    const rg_val *evs = rg_t_get(&md.r, "events");
    for (uint32_t i = 0; classified && i < rg_array_size(evs); i++)
        if (rg_val_is_str(rg_map_get(rg_array_at(evs, i), "type"), "info.provided"))
            rg_val_uint(rg_map_get(rg_array_at(evs, i), "seq"), &r->seq);
    if (classified && !r->seq) {
        md_fail("the reply to info.provide names no seq of its info.provided event");
        return;
    }
    r->classified = classified;
    m_args a = {.item = r->id};
    apply(c, "info.provided", &a);
}

static void do_schedule(md_case *c)
{
    char at[40];
    mc_iso(md.now + (1 + md_rnd(120)) * MC_HOUR, at, sizeof at);
    rg_buf *b = req(dir_tok(c), "meeting.schedule", c, 2);
    rg_w_kstr(b, "at", at);
    rg_t_w_list(b, "orgs", md_org_names[md_rnd(MD_NORGS)]);
    md_describe("c%d %s: meeting.schedule at %s", c->n, c->id, at);
    if (expect_ok()) apply(c, "meeting.scheduled", NULL);
}

static void do_hold(md_case *c)
{
    rg_buf *b = req(dir_tok(c), "meeting.hold", c, 2);
    rg_t_w_list(b, "attendees", "police");
    rg_w_kstr(b, "conclusions", "a joint approach");
    md_describe("c%d %s: meeting.hold", c->n, c->id);
    if (expect_ok()) apply(c, "meeting.held", NULL);
}

static void write_actions(rg_buf *b, const md_action *act, int n)
{
    rg_w_cstr(b, "actions");
    rg_w_array(b, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        rg_t_w_action(b, act[i].id, md_org_names[act[i].owner], "do what was agreed", act[i].due);
    }
}

/* A proposal (a revision during execution): some actions carry over by id
 * (a done one stays done), new ones join; every due is in the future. */
static void do_propose(md_case *c)
{
    md_action next[MD_MAXACT];
    int n = 0, want = 1 + md_rnd(3);
    for (int i = 0; i < c->nact && n < want; i++)
        if (md_rnd(2)) {
            next[n] = c->act[i];
            date_in(1 + md_rnd(30), next[n].due);
            n++;
        }
    while (n < want) {
        md_action *a = &next[n++];
        snprintf(a->id, sizeof a->id, "a%d", ++c->next_action);
        a->owner = md_rnd(MD_NORGS);
        date_in(1 + md_rnd(30), a->due);
        a->status = MD_ACT_OPEN;
    }
    rg_buf *b = req(dir_tok(c), "plan.propose", c, 2);
    rg_w_kstr(b, "goals", "stable housing, treatment");
    write_actions(b, next, n);
    char list[300] = "";
    size_t len = 0;
    for (int i = 0; i < n && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, " %s:%s:%s%s", next[i].id,
                                md_org_names[next[i].owner], next[i].due,
                                next[i].status == MD_ACT_DONE ? "(done)" : "");
    /* With a plan in force (execution, an MDA++ phase) it is a revision:
     * the plan stays in force until the revision is agreed. */
    bool revision = c->m.state == MS_EXECUTION || M_IS_PHASE(c->m.state);
    md_describe("c%d %s: plan.propose%s%s", c->n, c->id, list, revision ? " (a revision)" : "");
    if (!expect_ok()) return;
    memcpy(revision ? c->ract : c->act, next, sizeof next);
    if (revision) c->nract = n; else c->nact = n;
    c->revising = revision;
    c->proposed = true;
    c->agreed = 0;
    apply(c, revision ? "plan.revision_proposed" : "plan.proposed", NULL);
}

/* The actions of the plan being agreed: a revision's, each done if the plan
 * in force has it done meanwhile; else the draft's.  Returns how many. */
static int agreeing(const md_case *c, md_action *out)
{
    if (!c->revising) {
        memcpy(out, c->act, sizeof c->act);
        return c->nact;
    }
    memcpy(out, c->ract, sizeof c->ract);
    for (int i = 0; i < c->nract; i++)
        for (int j = 0; j < c->nact; j++)
            if (!strcmp(c->act[j].id, out[i].id) && c->act[j].status != MD_ACT_OPEN) out[i].status = c->act[j].status;
    return c->nract;
}

static unsigned owners(const md_case *c)
{
    md_action a[MD_MAXACT];
    int n = agreeing(c, a);
    unsigned o = 0;
    for (int i = 0; i < n; i++) o |= 1u << a[i].owner;
    return o;
}

/* Whether agreeing now would set a deadline that is already past: the
 * rules say nothing of deadlines born overdue, so the test avoids them. */
bool md_dues_ahead(const md_case *c)
{
    md_action a[MD_MAXACT];
    int n = agreeing(c, a);
    for (int i = 0; i < n; i++)
        if (a[i].status == MD_ACT_OPEN && end_of(a[i].due) <= md.now) return false;
    return true;
}

static void do_agree(md_case *c)
{
    unsigned left = owners(c) & ~c->agreed;
    int cand[MD_NORGS], n = 0;
    for (int o = 0; o < MD_NORGS; o++)
        if (left & (1u << o)) cand[n++] = o;
    int org = cand[md_rnd(n)];
    req(md.org_tok[org], "plan.agree", c, -1);
    bool last = (left & ~(1u << org)) == 0;
    md_describe("c%d %s: plan.agree (%s%s)", c->n, c->id, md_org_names[org], last ? ", the last" : "");
    if (!expect_ok()) return;
    c->agreed |= 1u << org;
    apply(c, "plan.agreement", NULL);
    if (!last) return;
    md_action merged[MD_MAXACT];
    c->nact = agreeing(c, merged);
    memcpy(c->act, merged, sizeof merged);
    c->revising = false;
    c->proposed = false;
    const char *ids[MD_MAXACT];
    int64_t dues[MD_MAXACT];
    m_args a = {.action_ids = ids, .action_dues = dues};
    for (int i = 0; i < c->nact; i++)
        if (c->act[i].status == MD_ACT_OPEN) {
            ids[a.nactions] = c->act[i].id;
            dues[a.nactions++] = end_of(c->act[i].due);
        }
    apply(c, "plan.agreed", &a);
}

static void do_complete(md_case *c)
{
    int open[MD_MAXACT], n = 0;
    for (int i = 0; i < c->nact; i++)
        if (c->act[i].status == MD_ACT_OPEN) open[n++] = i;
    md_action *a = &c->act[open[md_rnd(n)]];
    rg_buf *b = req(md.org_tok[a->owner], "action.complete", c, 2);
    rg_w_kstr(b, "action", a->id);
    rg_w_kstr(b, "result", "done");
    md_describe("c%d %s: action.complete %s (%s)", c->n, c->id, a->id, md_org_names[a->owner]);
    if (!expect_ok()) return;
    a->status = MD_ACT_DONE;
    m_args args = {.item = a->id};
    apply(c, "action.completed", &args);
}

static void do_review(md_case *c)
{
    rg_w_kstr(req(dir_tok(c), "review.hold", c, 1), "notes", "on track");
    md_describe("c%d %s: review.hold", c->n, c->id);
    if (expect_ok()) apply(c, "review.held", NULL);
}

static void do_escalate(md_case *c)
{
    int level = c->m.level + 1 + md_rnd(3 - c->m.level);
    rg_buf *b = req(dir_tok(c), "case.escalate", c, 2);
    rg_w_kuint(b, "level", (uint64_t)level);
    rg_w_kstr(b, "reason", "the partners do not move");
    md_describe("c%d %s: case.escalate level %d (from %d)", c->n, c->id, level, c->m.level);
    m_args a = {.level = level};
    if (expect_ok()) apply(c, "case.escalated", &a);
}

static void do_resolve(md_case *c)
{
    /* Levels 1 and 2: a manager records the decision; level 3: the
     * administrative level decides (issue 21).  Half the decisions on a
     * stuck action or request give it a new due date (from today on);
     * missing it climbs on. */
    const m_deadline *step = m_redatable_step(&c->m);
    char due[12] = "";
    m_args a = {0};
    if (step && md_rnd(2)) a.new_due = date_in(md_rnd(10), due);
    rg_buf *b = req(c->m.level == 3 ? md.bestuur_tok : md.mgr_tok, "escalation.resolve", c, a.new_due ? 2 : 1);
    rg_w_kstr(b, "decision", "priority granted");
    if (a.new_due) rg_w_kstr(b, "new_due", due);
    md_describe("c%d %s: escalation.resolve (level %d)%s%s%s%s", c->n, c->id, c->m.level,
                a.new_due ? ", new due " : "", due, a.new_due ? " for " : "", a.new_due ? step->item : "");
    if (!expect_ok()) return;
    if (a.new_due) {
        md.new_dues++;
        for (int i = 0; i < c->nact; i++)
            if (step->norm == MN_ACTION_DONE && !strcmp(c->act[i].id, step->item))
                snprintf(c->act[i].due, sizeof c->act[i].due, "%s", due);
    }
    apply(c, "escalation.resolved", &a);
}

/* ---- release to a later participant (issue 21, finding 5) ---- */

int md_releasable(const md_case *c)
{
    for (int i = 0; i < c->nreq; i++)
        if (c->req[i].classified && c->req[i].released_to < 0) return i;
    return -1;
}

int md_joinable(const md_case *c)
{
    for (int i = 0; i < c->nreq; i++)
        if (c->req[i].released_to >= 0 && !(c->joined & (1u << c->req[i].released_to))) return i;
    return -1;
}

/* The org's partner reads the answer at seq in the case's history: its
 * text, not withheld. */
static void check_released(md_case *c, const md_request *r)
{
    rg_buf_reset(&md.b);
    rg_req_envelope(&md.b, "case.history", md.org_tok[r->released_to], NULL, c->id, -1, -1);
    const char *e = send_req();
    if (e[0]) {
        md_fail("case.history by %s, to whom %s's answer was released: %s: %s", md_org_names[r->released_to],
                r->id, e, rg_t_str(&md.r, "message"));
        return;
    }
    const rg_val *evs = rg_t_get(&md.r, "events");
    for (uint32_t i = 0; i < rg_array_size(evs); i++) {
        const rg_val *ev = rg_array_at(evs, i), *data = rg_map_get(ev, "data");
        uint64_t seq = 0;
        rg_val_uint(rg_map_get(ev, "seq"), &seq);
        if (seq != r->seq) continue;
        if (!rg_val_is_str(rg_map_get(data, "answer"), "known to us") || rg_map_get(data, "withheld"))
            md_fail("%s reads %s's answer (seq %" PRIu64 ") released to it withheld", md_org_names[r->released_to],
                    r->id, seq);
        else
            md.released_read++;
        return;
    }
    md_fail("%s, to whom %s's answer (seq %" PRIu64 ") was released, does not find it in the history",
            md_org_names[r->released_to], r->id, r->seq);
}

/* The source releases a classified answer to another org (often one that
 * takes no part yet). */
static void do_release(md_case *c)
{
    md_request *r = &c->req[md_releasable(c)];
    int to = (r->org + 1 + md_rnd(MD_NORGS - 1)) % MD_NORGS;
    rg_buf *b = req(md.org_tok[r->org], "item.release", c, 2);
    rg_w_kuint(b, "seq", r->seq);
    rg_t_w_list(b, "orgs", md_org_names[to]);
    md_describe("c%d %s: item.release seq %" PRIu64 " (%s's answer to %s) to %s", c->n, c->id, r->seq,
                md_org_names[r->org], r->id, md_org_names[to]);
    if (!expect_ok()) return;
    r->released_to = to;
    apply(c, "item.released", NULL);
    if (c->joined & (1u << to) && md_open_state(c->m.state)) check_released(c, r);
}

/* The procesregisseur lets the org a release named take part (refused when
 * it already does: then it read the item all along); from then on it reads
 * the released answer, though it was given before it joined. */
static void do_join(md_case *c)
{
    md_request *r = &c->req[md_joinable(c)];
    int org = r->released_to;
    rg_w_kstr(req(dir_tok(c), "partner.join", c, 1), "org", md_org_names[org]);
    md_describe("c%d %s: partner.join %s", c->n, c->id, md_org_names[org]);
    const char *e = send_req();
    if (e[0] && !(strcmp(e, "guard_failed") == 0 && strstr(rg_t_str(&md.r, "message"), "already takes part"))) {
        md_fail("the engine refused it: %s: %s", e, rg_t_str(&md.r, "message"));
        return;
    }
    c->joined |= 1u << org;
    if (!e[0]) {
        md.joined_later++;
        apply(c, "partner.joined", NULL);
    }
    for (int i = 0; i < c->nreq && !md.failed; i++)
        if (c->req[i].released_to == org) check_released(c, &c->req[i]);
}

/* ---- households (issue 25) ---- */

/* A BSN of nine digits that passes the eleven-test. */
static void new_bsn(char out[10])
{
    for (;;) {
        int s = 0;
        for (int i = 0; i < 8; i++) {
            out[i] = (char)('0' + md_rnd(10));
            s += (out[i] - '0') * (9 - i);
        }
        if (out[0] == '0' || s % 11 == 10) continue;
        out[8] = (char)('0' + s % 11);
        out[9] = 0;
        return;
    }
}

static bool shows(const char *s) { return rg_t_holds(md.r.bytes, md.r.len, s); }

/* What the reader tok's case.history shows of every person the driver
 * added: a person whose data is erased, or limited to orgs without org
 * (-1: the ZVH's own procesregisseur), never; the procesregisseur every
 * other.  A partner's other persons depend on when its org joined, so only
 * what it must not see is checked of it. */
static void check_persons(md_case *c, const char *tok, int org)
{
    rg_buf_reset(&md.b);
    rg_req_envelope(&md.b, "case.history", tok, NULL, c->id, -1, -1);
    if (send_req()[0]) return;                  /* a partner without a part: nothing to see */
    for (int i = 0; i < c->npersons && !md.failed; i++) {
        const md_person *p = &c->person[i];
        bool may = !p->erased && (org < 0 || !p->share || (p->share & (1u << org)));
        bool seen = shows(p->name) || shows(p->bsn);
        if (seen && !may)
            md_fail("%s's history shows P%d (%s), whom it may not see", org < 0 ? "the procesregisseur" :
                    md_org_names[org], i + 2, p->erased ? "erased" : "limited to other orgs");
        if (org < 0 && may && !seen)
            md_fail("the procesregisseur's history does not show P%d", i + 2);
    }
}

/* A data-subject request of kind by person i, decided granted by the
 * manager; false (said why) when the engine refused. */
static bool granted_request(md_case *c, int i, const char *kind, char rq[64])
{
    rg_buf *b = req(md.mgr_tok, "subject.request", NULL, 2);
    rg_w_kstr(b, "kind", kind);
    rg_w_cstr(b, "person");
    rg_w_map(b, 1);
    rg_w_kstr(b, "bsn", c->person[i].bsn);
    if (!expect_ok()) return false;
    snprintf(rq, 64, "%s", rg_t_str(&md.r, "request"));
    b = req(md.mgr_tok, "subject.decide", NULL, 2);
    rg_w_kstr(b, "request", rq);
    rg_w_kbool(b, "granted", true);
    return expect_ok();
}

/* One step on the household: add a person, remove one, limit one to the
 * orgs that need them, an access request of one (their export must hold
 * their data and no other member's), or one erased on their own request;
 * then what the procesregisseur and every org read of the persons. */
static void do_household(md_case *c)
{
    int live[MD_MAXP], nl = 0;
    for (int i = 0; i < c->npersons; i++)
        if (!c->person[i].removed && !c->person[i].erased) live[nl++] = i;
    int what = c->npersons < MD_MAXP && (nl == 0 || md_rnd(3) == 0) ? 0 : nl ? 1 + md_rnd(4) : -1;
    if (what < 0) return;
    if (what == 0) {
        static const char *const roles[] = {"partner", "parent", "child", "sibling", "network"};
        md_person *p = &c->person[c->npersons];
        memset(p, 0, sizeof *p);
        snprintf(p->name, sizeof p->name, "Lid%" PRIu64 "x%dx%d", md.seed, c->n, c->npersons + 2);
        new_bsn(p->bsn);
        const char *role = roles[md_rnd(5)];
        rg_buf *b = req(dir_tok(c), "person.add", c, 4);
        rg_w_kstr(b, "role", role);
        rg_w_kstr(b, "name", p->name);
        rg_w_kstr(b, "birth_date", strcmp(role, "child") == 0 ? "2004-02-03" : "1979-05-06");
        rg_w_kstr(b, "bsn", p->bsn);
        md_describe("c%d %s: person.add %s P%d", c->n, c->id, role, c->npersons + 2);
        if (!expect_ok()) return;
        char want[16];
        snprintf(want, sizeof want, "P%d", c->npersons + 2);
        if (strcmp(rg_t_str(&md.r, "person"), want) != 0)
            md_fail("person.add answered %s, want %s", rg_t_str(&md.r, "person"), want);
        c->npersons++;
        md.persons_added++;
        apply(c, "person.added", NULL);
    } else {
        int i = live[md_rnd(nl)];
        md_person *p = &c->person[i];
        char id[16];
        snprintf(id, sizeof id, "P%d", i + 2);
        if (what == 1) {
            rg_buf *b = req(dir_tok(c), "person.remove", c, 2);
            rg_w_kstr(b, "person", id);
            rg_w_kstr(b, "reason", "moved out");
            md_describe("c%d %s: person.remove %s", c->n, c->id, id);
            if (!expect_ok()) return;
            p->removed = true;
            md.persons_removed++;
            apply(c, "person.removed", NULL);
        } else if (what == 2) {
            int org = md_rnd(MD_NORGS);
            rg_buf *b = req(dir_tok(c), "person.share", c, 2);
            rg_w_kstr(b, "person", id);
            rg_t_w_list(b, "orgs", md_org_names[org]);
            md_describe("c%d %s: person.share %s with %s", c->n, c->id, id, md_org_names[org]);
            if (!expect_ok()) return;
            p->share = 1u << org;
            md.persons_shared++;
            apply(c, "person.shared", NULL);
        } else if (what == 3) {
            char rq[64];
            md_describe("c%d %s: access request of %s, granted", c->n, c->id, id);
            if (!granted_request(c, i, "access", rq)) return;
            if (!shows(p->name) || !shows(p->bsn)) md_fail("%s's access export lacks their data", id);
            for (int j = 0; j < c->npersons && !md.failed; j++)
                if (j != i && (shows(c->person[j].name) || shows(c->person[j].bsn)))
                    md_fail("%s's access export shows P%d", id, j + 2);
            md.person_exports++;
        } else {
            char rq[64];
            md_describe("c%d %s: erasure request of %s, granted; person.erase", c->n, c->id, id);
            if (!granted_request(c, i, "erasure", rq)) return;
            rg_buf *b = req(md.mgr_tok, "person.erase", c, 3);
            rg_w_kstr(b, "person", id);
            rg_w_kstr(b, "ground", "GDPR art. 17");
            rg_w_kstr(b, "request", rq);
            if (!expect_ok()) return;
            p->erased = true;
            md.persons_erased++;
            apply(c, "person.erased", NULL);
        }
    }
    check_persons(c, dir_tok(c), -1);
    for (int o = 0; o < MD_NORGS && !md.failed; o++) check_persons(c, md.org_tok[o], o);
}

void md_check_archived(md_case *c)
{
    c->archived_checked = true;
    for (int o = 0; o < MD_NORGS && !md.failed; o++) {
        rg_buf_reset(&md.b);
        rg_req_envelope(&md.b, "case.get", md.org_tok[o], NULL, c->id, -1, -1);
        const char *e = send_req();
        if (strcmp(e, "not_found") != 0)
            md_fail("c%d %s is archived: %s reads case.get as %s, not not_found", c->n, c->id, md_org_names[o],
                    e[0] ? e : "ok");
    }
    rg_buf_reset(&md.b);
    rg_req_envelope(&md.b, "case.get", dir_tok(c), NULL, c->id, -1, -1);
    const char *e = send_req();
    if (e[0]) md_fail("c%d %s is archived: its procesregisseur reads %s: %s", c->n, c->id, e, rg_t_str(&md.r, "message"));
    if (!md.failed) md.archived_hidden++;
}

static void do_close(md_case *c)
{
    int n = 0;
    for (int i = 0; i < c->nact; i++) n += c->act[i].status == MD_ACT_OPEN;
    rg_buf *b = req(dir_tok(c), "case.close", c, n ? 2 : 1);
    rg_w_kstr(b, "reason", "goals met");
    if (n) {
        rg_w_cstr(b, "handover");
        rg_w_array(b, (uint32_t)n);
        for (int i = 0; i < c->nact; i++)
            if (c->act[i].status == MD_ACT_OPEN) rg_w_cstr(b, c->act[i].id);
    }
    md_describe("c%d %s: case.close, %d action(s) handed over", c->n, c->id, n);
    if (!expect_ok()) return;
    for (int i = 0; i < c->nact; i++)
        if (c->act[i].status == MD_ACT_OPEN) c->act[i].status = MD_ACT_HANDED_OVER;
    c->proposed = c->revising = false;           /* a revision waiting goes with the work */
    md.closed_mda += c->m.route == MR_MDA;
    apply(c, "case.closed", NULL);
}

static void do_end(md_case *c)
{
    static const char *const reasons[] = {"deceased", "moved", "detained", "withdrawn", "other"};
    int r = md_rnd(5);
    rg_buf *b = req(dir_tok(c), "case.end", c, r == 1 || r == 4 ? 2 : 1);
    rg_w_kstr(b, "reason", reasons[r]);
    if (r == 1) rg_w_kstr(b, "to_region", "zvh-elders");
    if (r == 4) rg_w_kstr(b, "explanation", "placed in a closed facility abroad");
    md_describe("c%d %s: case.end (%s) in %s", c->n, c->id, reasons[r], m_state_names[c->m.state]);
    if (!expect_ok()) return;
    c->proposed = c->revising = false;
    apply(c, "case.ended", NULL);
}

static void do_aftercare(md_case *c)
{
    rg_w_kstr(req(dir_tok(c), "aftercare.check", c, 1), "outcome", "stable");
    md_describe("c%d %s: aftercare.check", c->n, c->id);
    if (expect_ok()) apply(c, "aftercare.checked", NULL);
}

static void do_reopen(md_case *c)
{
    rg_w_kstr(req(dir_tok(c), "case.reopen", c, 1), "reason", "relapse");
    md_describe("c%d %s: case.reopen", c->n, c->id);
    if (!expect_ok()) return;
    /* A new plan after a reopening starts from new action ids. */
    c->nact = 0;
    c->proposed = c->revising = false;
    apply(c, "case.reopened", NULL);
}

/* MDA++: on to the next phase, or back to direct_safety after a relapse. */
static void do_phase(md_case *c, bool relapse)
{
    const char *op = relapse ? "phase.relapse" : "phase.advance";
    rg_w_kstr(req(dir_tok(c), op, c, 1), "reason", relapse ? "a new incident" : "safety holds");
    md_describe("c%d %s: %s in %s", c->n, c->id, op, m_state_names[c->m.state]);
    if (expect_ok()) apply(c, relapse ? "phase.relapsed" : "phase.advanced", NULL);
}

/* ---- steps the rules refuse ---- */

bool md_working(int st)
{
    return st == MS_ANALYSIS || st == MS_MEETING || st == MS_PLANNING || st == MS_EXECUTION || M_IS_PHASE(st);
}

bool md_open_state(int st) { return (st <= MS_EXECUTION && st != MS_REFERRED) || M_IS_PHASE(st); }

void md_probe_reentry(void)
{
    char rel[12];
    date_in(-1 - md_rnd(30), rel);
    rg_buf *b = req(md.org_tok[MD_ORG_POLICE], "case.report", NULL, 7);
    rg_w_kstr(b, "target_group", "nazorg_ex_gedetineerden");
    rg_w_kstr(b, "summary", "release expected");
    rg_w_kstr(b, "urgency", "high");
    rg_w_kbool(b, "informed", true);
    rg_w_kstr(b, "route", "re-entry");
    rg_w_kstr(b, "release_date", rel);
    rg_w_cstr(b, "subject");
    rg_w_map(b, 1);
    rg_w_kstr(b, "name", "B. Person");
    md_describe("probe: case.report re-entry with release_date %s (past)", rel);
    expect_refusal("guard_failed", "release_date");
}

int64_t md_aftercare_from(int64_t due)
{
    mc_local d = mc_to_local(mc_add_days(due, -MD_AFTERCARE_EARLY_DAYS));
    return mc_from_local(d.y, d.m, d.d, 0);
}

/* One refusal the case's state allows; false if none does. */
static bool do_probe(md_case *c)
{
    int st = c->m.state, cand[16], n = 0;
    enum { P_INFO, P_MORE_INFO, P_PLAN, P_MEETING, P_AFTERCARE, P_CRITERIA, P_REJECT, P_LEVEL, P_PHASE,
           P_INCLUSION };
    const m_deadline *ac = m_find(&c->m, MN_AFTERCARE, NULL);
    if (md_working(st)) cand[n++] = P_INFO;
    if (st == MS_INTAKE) cand[n++] = P_MORE_INFO, cand[n++] = P_CRITERIA, cand[n++] = P_REJECT;
    if (st == MS_PLANNING || st == MS_EXECUTION || M_IS_PHASE(st)) cand[n++] = P_PLAN;
    /* A phase step where the route's phase order has none (also on another
     * route), or closing an MDA++ case before monitoring. */
    if (md_open_state(st) && (c->m.route != MR_MDA || st != MS_STABLE_SAFETY)) cand[n++] = P_PHASE;
    if (st == MS_INTAKE && c->m.route == MR_LEVENSLOOP) cand[n++] = P_INCLUSION;
    if (st == MS_ANALYSIS) cand[n++] = P_MEETING;
    if (st == MS_CLOSED && ac && md.now < md_aftercare_from(ac->due)) cand[n++] = P_AFTERCARE;
    if (md_open_state(st) && c->m.level > 0) cand[n++] = P_LEVEL;
    if (!n || !c->pr) return false;
    char past[12];
    date_in(-1 - md_rnd(20), past);
    switch (cand[md_rnd(n)]) {
    case P_INFO: {
        rg_buf *b = req(dir_tok(c), "info.request", c, 3);
        rg_w_kstr(b, "org", "ggz");
        rg_w_kstr(b, "question", "late?");
        rg_w_kstr(b, "due", past);
        md_describe("probe c%d %s: info.request due %s (past)", c->n, c->id, past);
        expect_refusal("guard_failed", "due");
        break;
    }
    case P_MORE_INFO: {
        rg_buf *b = req(dir_tok(c), "intake.more_info", c, 2);
        rg_w_kstr(b, "question", "late?");
        rg_w_kstr(b, "due", past);
        md_describe("probe c%d %s: intake.more_info due %s (past)", c->n, c->id, past);
        expect_refusal("guard_failed", "due");
        break;
    }
    case P_PLAN: {
        md_action a = {.owner = MD_ORG_GGZ};
        snprintf(a.id, sizeof a.id, "late");
        snprintf(a.due, sizeof a.due, "%s", past);
        rg_buf *b = req(dir_tok(c), "plan.propose", c, 2);
        rg_w_kstr(b, "goals", "x");
        write_actions(b, &a, 1);
        md_describe("probe c%d %s: plan.propose with an action due %s (past)", c->n, c->id, past);
        expect_refusal("guard_failed", "due");
        break;
    }
    case P_MEETING: {
        char at[40];
        mc_iso(md.now - (1 + md_rnd(72)) * MC_HOUR, at, sizeof at);
        rg_buf *b = req(dir_tok(c), "meeting.schedule", c, 2);
        rg_w_kstr(b, "at", at);
        rg_t_w_list(b, "orgs", "police");
        md_describe("probe c%d %s: meeting.schedule at %s (past)", c->n, c->id, at);
        expect_refusal("guard_failed", "at");
        break;
    }
    case P_AFTERCARE: {
        char date[12];
        mc_date_str(ac->due, -MD_AFTERCARE_EARLY_DAYS, date, sizeof date);
        rg_w_kstr(req(dir_tok(c), "aftercare.check", c, 1), "outcome", "early");
        md_describe("probe c%d %s: aftercare.check before %s", c->n, c->id, date);
        expect_refusal("guard_failed", date);
        break;
    }
    case P_CRITERIA: {
        int how = md_rnd(3);     /* none, empty, one not of the national criteria */
        rg_buf *b = req(dir_tok(c), "intake.decide", c, how == 0 ? 2 : 3);
        rg_w_kbool(b, "admit", true);
        rg_w_kstr(b, "reason", "x");
        if (how) {
            rg_w_cstr(b, "criteria");
            rg_w_array(b, how == 1 ? 0 : 2);
            if (how == 2) {
                rg_w_cstr(b, "multi_domain");
                rg_w_cstr(b, "multi-domain");
            }
        }
        md_describe("probe c%d %s: intake.decide admit with %s", c->n, c->id,
                 how == 0 ? "no criteria" : how == 1 ? "criteria []" : "criteria [multi_domain, multi-domain]");
        /* A criterion outside the list is bad_request; for none at all the
         * rules do not say which of the two codes. */
        expect_refusal(how == 2 ? "bad_request" : "bad_request,guard_failed", "criteria");
        break;
    }
    case P_REJECT: {
        rg_buf *b = req(dir_tok(c), "intake.decide", c, 2);
        rg_w_kbool(b, "admit", false);
        rg_w_kstr(b, "reason", "x");
        md_describe("probe c%d %s: intake.decide reject with neither referred_to nor advice", c->n, c->id);
        expect_refusal("bad_request,guard_failed", NULL);
        break;
    }
    case P_PHASE: {
        /* CONTRACT.md, "Routes": phase.advance through the phases up to
         * monitoring, phase.relapse from a phase after direct_safety, only
         * on route mda; case.close from monitoring. */
        const char *op;
        if (c->m.route != MR_MDA || !M_IS_PHASE(st))
            op = md_rnd(2) ? "phase.advance" : "phase.relapse";
        else if (st == MS_DIRECT_SAFETY)
            op = md_rnd(2) ? "phase.relapse" : "case.close";
        else if (st == MS_MONITORING)
            op = "phase.advance";
        else
            op = "case.close";
        rg_w_kstr(req(dir_tok(c), op, c, 1), "reason", "not now");
        md_describe("probe c%d %s: %s on route %s in %s", c->n, c->id, op, m_route_names[c->m.route],
                    m_state_names[st]);
        expect_refusal("invalid_transition", m_state_names[st]);
        break;
    }
    case P_INCLUSION: {
        int how = md_rnd(3);     /* neither, the provider only, the casusregisseur only */
        rg_buf *b = req(dir_tok(c), "intake.decide", c, how == 0 ? 3 : 4);
        rg_w_kbool(b, "admit", true);
        rg_w_kstr(b, "reason", "the inclusion table decided");
        rg_t_w_list(b, "criteria", "local_safety");
        if (how == 1) rg_w_kstr(b, "provider", MD_PROVIDER);
        if (how == 2) rg_w_kstr(b, "casusregisseur", MD_CASUSREGISSEUR);
        md_describe("probe c%d %s: intake.decide admit on route levensloop with %s", c->n, c->id,
                    how == 0 ? "neither provider nor casusregisseur" : how == 1 ? "no casusregisseur" : "no provider");
        expect_refusal("bad_request", how == 1 ? "casusregisseur" : "provider");
        break;
    }
    case P_LEVEL: {
        int level = 1 + md_rnd(c->m.level);
        rg_buf *b = req(dir_tok(c), "case.escalate", c, 2);
        rg_w_kuint(b, "level", (uint64_t)level);
        rg_w_kstr(b, "reason", "x");
        md_describe("probe c%d %s: case.escalate level %d at level %d", c->n, c->id, level, c->m.level);
        expect_refusal("guard_failed", NULL);
        break;
    }
    }
    return true;
}

/* ---- time ---- */

static int64_t next_timer(void)
{
    int64_t t = M_NONE;
    for (int i = 0; i < MD_MAXC; i++)
        if (md.c[i].used) {
            int64_t n = m_next_timer(&md.c[i].m);
            if (n < t) t = n;
        }
    return t;
}

void md_advance(void)
{
    int64_t ms, t = next_timer();
    const char *how;
    int k = md_rnd(12);
    if (k >= 9 && t != M_NONE && t > md.now) {
        /* Onto the instant something falls due, a minute before or just after. */
        switch (md_rnd(4)) {
        case 0: ms = t - md.now, how = "exactly to the next timer"; break;
        case 1: ms = t - md.now > MC_MINUTE ? t - md.now - MC_MINUTE : 1, how = "to a minute before the next timer"; break;
        case 2: ms = t - md.now + 1, how = "to 1 ms after the next timer"; break;
        default: ms = t - md.now + md_rnd(120) * MC_MINUTE, how = "past the next timer"; break;
        }
    } else if (k < 2) {
        ms = (1 + md_rnd(59)) * MC_MINUTE, how = "minutes";
    } else if (k < 5 || k >= 9) {
        ms = (1 + md_rnd(23)) * MC_HOUR + md_rnd(60) * MC_MINUTE, how = "hours";
    } else if (k < 8) {
        ms = (1 + md_rnd(5)) * MC_DAY + md_rnd(24) * MC_HOUR, how = "days";
    } else {
        ms = (1 + md_rnd(3)) * 7 * MC_DAY, how = "weeks";
    }
    char to[64];
    md_describe("clock.advance %" PRId64 " ms (%s) to %s", ms, how, mv_time(md.now + ms, to, sizeof to));
    rg_w_kuint(req(md.engine.admin, "clock.advance", NULL, 1), "ms", (uint64_t)ms);
    if (!expect_ok()) return;
    md.now += ms;
    if (rg_t_uint(&md.r, "now") != (uint64_t)md.now) {
        md_fail("clock.advance answered now=%" PRIu64 ", expected %" PRId64, rg_t_uint(&md.r, "now"), md.now);
        return;
    }
    for (int i = 0; i < MD_MAXC; i++)
        if (md.c[i].used) m_advance(&md.c[i].m, md.now);
}

bool md_take(md_case *c, int kind)
{
    switch (kind) {
    case MD_K_ASSIGN: do_assign(c); break;
    case MD_K_START: do_start(c); break;
    case MD_K_MORE_INFO: do_more_info(c); break;
    case MD_K_ADMIT: do_admit(c); break;
    case MD_K_REJECT: do_reject(c); break;
    case MD_K_INFO_REQUEST: do_info_request(c); break;
    case MD_K_INFO_PROVIDE: do_info_provide(c); break;
    case MD_K_SCHEDULE: do_schedule(c); break;
    case MD_K_HOLD: do_hold(c); break;
    case MD_K_PROPOSE: do_propose(c); break;
    case MD_K_AGREE: do_agree(c); break;
    case MD_K_COMPLETE: do_complete(c); break;
    case MD_K_REVIEW: do_review(c); break;
    case MD_K_ESCALATE: do_escalate(c); break;
    case MD_K_RESOLVE: do_resolve(c); break;
    case MD_K_CLOSE: do_close(c); break;
    case MD_K_AFTERCARE: do_aftercare(c); break;
    case MD_K_REOPEN: do_reopen(c); break;
    case MD_K_PHASE_ADVANCE: do_phase(c, false); break;
    case MD_K_RELAPSE: do_phase(c, true); break;
    case MD_K_PROBE: return do_probe(c);
    case MD_K_END: do_end(c); break;
    case MD_K_RELEASE: do_release(c); break;
    case MD_K_JOIN: do_join(c); break;
    case MD_K_HOUSEHOLD: do_household(c); break;
    }
    return true;
}
