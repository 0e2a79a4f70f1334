// views.js - the pages, each built from the public API only.
import { call, follow, me, newReq } from './api.js';
import { t, name, opName, when, day, dayStart, workdaysUntil } from './i18n.js';
import { h, svg, show, kv, errorBox, toast } from './dom.js';
import { allowedSteps, stepForm, opSchema, mayCall } from './forms.js';
import { alertText, eventName, normWhat, levelName, alertedName, stepName, byName, personRole, personStatus } from './words.js';

export const live = { feed: null, alerts: null, onEvent: new Set(), onAlert: new Set() };

function page(main, title, ...kids) {
  main.replaceChildren(h('h2', { id: 'title', tabindex: '-1' }, title), ...kids.filter((k) => k != null));
}

// The levels above the ZVH read a case's escalation dossier, never its file.
const DOSSIER_ONLY = ['partner_manager', 'bestuur'];
function caseLink(id) {
  const m = me();
  const to = m && DOSSIER_ONLY.includes(m.role) ? '#/dossier/' : '#/zaak/';
  return h('a', { href: to + encodeURIComponent(id) }, id);
}

function nextDeadline(c) {
  const ds = (c.deadlines || []).filter((d) => d.due).sort((a, b) => a.due - b.due);
  if (!ds.length) return h('span', { class: 'none' }, t('none'));
  const d = ds[0], wd = workdaysUntil(d.due);
  return h('span', { class: wd < 0 ? 'tag warn' : '' }, `${name(d.norm)}: ${when(d.due)} (${wd < 0 ? t('overdue') + ', ' : ''}${wd} ${t('wd')})`);
}

// Cases with their details (case.get each; the list holds no deadlines).
async function casesWithDetail(filter = {}) {
  const list = await call('cases.list', { data: { limit: 100, ...filter } });
  if (!list.ok) return list;
  const details = await Promise.all(list.cases.map((c) => (c.triage ? Promise.resolve(null)
    : call('case.get', { case: c.id }).then((r) => (r.ok ? r.case : null)))));
  list.cases.forEach((c, i) => { c.detail = details[i]; });
  return list;
}

function casesTable(cases, extra) {
  if (!cases.length) return h('p', {}, t('no.cases'));
  cases.sort((a, b) => (b.stagnations - a.stagnations) || ((a.detail && a.detail.deadlines && a.detail.deadlines[0] ? a.detail.deadlines[0].due : 9e15) - (b.detail && b.detail.deadlines && b.detail.deadlines[0] ? b.detail.deadlines[0].due : 9e15)));
  return h('table', {},
    h('thead', {}, h('tr', {}, [t('case'), t('state'), t('route'), t('deadline'), t('stagnations'), t('urgency'), t('updated'), extra ? '' : null]
      .filter((x) => x !== null).map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, cases.map((c) => h('tr', { class: c.stagnations ? 'warnrow' : '' },
      h('td', {}, caseLink(c.id)), h('td', {}, name(c.state)), h('td', {}, name(c.route)),
      h('td', {}, c.detail ? nextDeadline(c.detail) : h('span', { class: 'muted' }, 'triage')),
      h('td', {}, c.stagnations ? h('span', { class: 'tag warn' }, String(c.stagnations)) : '0'),
      h('td', {}, name(c.urgency)), h('td', {}, when(c.updated_at)),
      extra ? h('td', {}, extra(c)) : null))));
}

async function mijnzaken(main) {
  page(main, t('view.mijnzaken'), h('p', {}, t('loading')));
  const r = await casesWithDetail();
  if (!r.ok) return page(main, t('view.mijnzaken'), errorBox(r));
  const mine = r.cases.filter((c) => c.procesregisseur === me().id);
  page(main, t('view.mijnzaken'), casesTable(mine));
}

// The procesregisseur's week: the meetings, deadlines and reviews due of the
// cases they lead, from today through the next seven days by the engine's
// clock (cases.list's `now`) in Europe/Amsterdam, open deadlines already
// past first.
const DAY = 864e5;
function weekItems(c, from, to) {
  const d = c.detail, out = [];
  if (!d) return out;
  const m = d.meeting;
  const at = m && !m.held ? Date.parse(m.at) : NaN;
  if (!Number.isNaN(at) && at < to)
    out.push({ c, at, kind: m.kind === 'evaluation' ? 'week.evaluation' : 'week.meeting', what: t('week.meeting.what') });
  for (const x of d.deadlines || []) if (x.due && x.due < to)
    out.push({ c, at: x.due, kind: x.norm === 'review' ? 'week.review' : 'week.deadline', what: normWhat(x.norm, x.item) });
  return out.filter((it) => it.at >= from || it.kind !== 'week.meeting');
}

async function mijnweek(main) {
  page(main, t('view.mijnweek'), h('p', {}, t('loading')));
  const r = await casesWithDetail();
  if (!r.ok) return page(main, t('view.mijnweek'), errorBox(r));
  const now = r.now || Date.now(), from = dayStart(now), to = dayStart(from + 8.5 * DAY);   // today and seven days more
  const items = r.cases.filter((c) => c.procesregisseur === me().id)
    .flatMap((c) => weekItems(c, from, to)).sort((a, b) => a.at - b.at);
  page(main, t('view.mijnweek'), h('p', {}, t('week.intro').replace('{from}', day(from)).replace('{to}', day(to - 1))),
    items.length ? h('table', {},
      h('thead', {}, h('tr', {}, [t('week.when'), t('case'), t('kind'), t('week.what')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', { id: 'week' }, items.map((it) => h('tr', { class: it.at < now ? 'warnrow' : '', 'data-kind': it.kind },
        h('td', {}, when(it.at), it.at < now ? [' ', h('span', { class: 'tag warn' }, t('overdue'))] : ''),
        h('td', {}, caseLink(it.c.id)), h('td', {}, t(it.kind)), h('td', {}, it.what)))))
      : h('p', { id: 'noweek' }, t('no.week')));
}

async function triage(main) {
  const r = await call('cases.list', { data: { limit: 100 } });
  if (!r.ok) return page(main, t('view.triage'), errorBox(r));
  const open = r.cases.filter((c) => !c.procesregisseur);
  page(main, t('view.triage'), casesTable(open, (c) => h('button', { type: 'button', class: 'secondary',
    onclick: async () => {
      const j = await call('case.assign', { case: c.id, req: newReq(), data: { procesregisseur: me().id } });
      if (j.ok) { toast(t('take') + ': ' + c.id); location.hash = '#/zaak/' + c.id; } else main.prepend(errorBox(j));
    } }, t('take'))));
}

async function zaken(main) {
  const r = await casesWithDetail();
  page(main, r.ok ? t('view.zaken') : t('view.zaken'), r.ok ? casesTable(r.cases) : errorBox(r));
}

async function onzezaken(main) {
  const r = await casesWithDetail();
  page(main, t('view.onzezaken'), r.ok ? casesTable(r.cases) : errorBox(r));
}

// The partner's open actions and information requests, overdue first, each
// answered from the list.
async function taken(main) {
  const r = await casesWithDetail();
  if (!r.ok) return page(main, t('view.taken'), errorBox(r));
  const org = me().org, items = [];
  for (const c of r.cases) {
    const d = c.detail;
    if (!d) continue;
    for (const q of d.requests || []) if (q.org === org && !q.answered && !q.answer)
      items.push({ c, kind: 'info.provide', due: q.due, what: q.question, data: { request: q.id } });
    for (const a of (d.plan && d.plan.actions) || []) if (a.owner_org === org && !a.done && !a.completed)
      items.push({ c, kind: 'action.complete', due: a.due, what: a.description, data: { action: a.id } });
  }
  items.sort((a, b) => (a.due || 9e15) - (b.due || 9e15));
  const rows = await Promise.all(items.map(async (it) => {
    const schema = await opSchema(it.kind);
    const rest = { ...schema, properties: { ...schema.properties } };
    for (const k of Object.keys(it.data)) delete rest.properties[k];
    rest.required = (schema.required || []).filter((k) => !(k in it.data));
    const form = stepForm(it.kind, rest, () => ({ case: it.c.id }), () => taken(main), it.data);
    return h('tr', { class: it.due && it.due < Date.now() ? 'warnrow' : '' },
      h('td', {}, caseLink(it.c.id)), h('td', {}, opName(it.kind)), h('td', {}, show(it.what)),
      h('td', {}, it.due ? when(it.due) : h('span', { class: 'none' }, t('none'))),
      h('td', {}, h('details', {}, h('summary', {}, opName(it.kind)), form)));
  }));
  page(main, t('view.taken'), h('p', {}, t('my.open')), rows.length ? h('table', {},
    h('thead', {}, h('tr', {}, [t('case'), t('kind'), t('question'), t('due'), ''].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows)) : h('p', {}, t('no.cases')));
}

function alertRow(a, onAck) {
  const closed = a.acked || a.open === false;
  const what = alertText(a, me().role);
  return h('tr', { class: closed ? 'acked' : '', 'data-alert': a.alert },
    h('td', {}, a.case ? caseLink(a.case) : ''), h('td', {}, name(a.kind)), h('td', {}, what),
    h('td', {}, when(a.since)),
    h('td', {}, a.acked ? t('acked') : a.open === false ? t('resolved')
      : h('button', { type: 'button', class: 'secondary', onclick: () => onAck(a) }, t('ack'))));
}

async function signalen(main) {
  const r = await call('alerts.list', { data: { all: true, limit: 1000 } });
  if (!r.ok) return page(main, t('view.signalen'), errorBox(r));
  const body = h('tbody', { id: 'alerts' });
  const ack = async (a) => {
    const j = await call('alert.ack', { req: newReq(), data: { alert: a.alert } });
    if (!j.ok) { main.prepend(errorBox(j)); return; }
    a.acked = true;
    body.querySelector(`[data-alert="${a.alert}"]`).replaceWith(alertRow(a, ack));
    refreshBadge();
  };
  const closed = (a) => (a.acked || a.open === false ? 1 : 0);
  const list = r.alerts.slice().sort((a, b) => (closed(a) - closed(b)) || (b.alert - a.alert));
  list.forEach((a) => body.append(alertRow(a, ack)));
  page(main, t('view.signalen'), h('table', {},
    h('thead', {}, h('tr', {}, [t('case'), t('kind'), t('alert'), t('since'), ''].map((x) => h('th', { scope: 'col' }, x)))), body),
    list.length ? null : h('p', { id: 'noalerts' }, t('no.alerts')));
  const onAlert = (a) => { if (!body.isConnected) { live.onAlert.delete(onAlert); return; }
    const old = body.querySelector(`[data-alert="${a.alert}"]`);
    if (old) old.replaceWith(alertRow(a, ack)); else body.prepend(alertRow(a, ack));
    const none = document.getElementById('noalerts');
    if (none) none.remove(); };
  live.onAlert.add(onAlert);
}

async function feed(main) {
  const ol = h('ol', { class: 'timeline', id: 'feedlist', 'aria-live': 'polite' });
  page(main, t('live.feed'), ol);
  const shown = new Set();
  const add = (ev) => {
    if (!ol.isConnected) { live.onEvent.delete(add); return; }
    if (shown.has(ev.seq)) return;
    shown.add(ev.seq);
    ol.prepend(h('li', { 'data-seq': ev.seq }, h('strong', {}, eventName(ev.type)), ' — ', caseLink(ev.case), ' — ',
      when(ev.at), ' — ', ev.actor ? `${ev.actor.id} (${ev.actor.org})` : ''));
  };
  const r = await call('feed.read', { data: { after: 0, limit: 1000 } });
  if (r.ok) { let evs = r.events; let next = r.next;
    while (r.ok && evs.length === 1000) { const m = await call('feed.read', { data: { after: next, limit: 1000 } });
      if (!m.ok) break; evs = m.events; next = m.next; m.events.forEach(add); }
    r.events.forEach(add); }
  live.onEvent.add(add);
}

function bars(title, entries, fmtv = (v) => String(v), id = null) {
  const w = 460, rowh = 26, left = 170, max = Math.max(1, ...entries.map(([, v]) => v));
  const s = svg('svg', { viewBox: `0 0 ${w} ${entries.length * rowh + 10}`, role: 'img', 'aria-label': title });
  entries.forEach(([k, v], i) => {
    const y = i * rowh + 5, bw = Math.round((w - left - 60) * v / max);
    s.append(svg('text', { x: 0, y: y + 14 }, k), svg('rect', { x: left, y, width: Math.max(bw, 1), height: rowh - 6 }),
      svg('text', { x: left + bw + 6, y: y + 14 }, fmtv(v)));
  });
  const table = h('details', {}, h('summary', {}, t('table')), h('table', {}, h('tbody', {},
    entries.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, fmtv(v)))))));
  return h('figure', { class: 'chart', id }, h('figcaption', {}, h('strong', {}, title)), s, table);
}

// Overdue items per organisation: stats.overdue_by_org, the engine's own
// count of open stagnations on an action (its owner) or an information
// request (the org asked), kept as they fire and are met.  An engine from
// before that figure: counted here from each case's open stagnations.
function overdueByOrg(st, cases) {
  if (st.overdue_by_org) {
    return Object.entries(st.overdue_by_org).filter(([, v]) => v > 0)
      .sort((a, b) => (b[1] - a[1]) || a[0].localeCompare(b[0]));
  }
  const n = new Map();
  for (const c of cases) {
    const d = c.detail;
    if (!d) continue;
    for (const x of d.stagnations || []) {
      let org = null;
      if (x.norm === 'action.done') org = (((d.plan && d.plan.actions) || []).find((a) => a.id === x.item) || {}).owner_org;
      else if (x.norm === 'info.answer') org = ((d.requests || []).find((q) => q.id === x.item) || {}).org;
      if (org) n.set(org, (n.get(org) || 0) + 1);
    }
  }
  return [...n.entries()].sort((a, b) => (b[1] - a[1]) || a[0].localeCompare(b[0]));
}

async function cijfers(main) {
  const st = await call('stats');
  if (!st.ok) return page(main, t('view.cijfers'), errorBox(st));
  const r = await casesWithDetail();
  const esc = { 1: 0, 2: 0, 3: 0 };
  if (r.ok) for (const c of r.cases) if (c.detail && c.detail.escalation && c.detail.escalation.level) esc[c.detail.escalation.level]++;
  const late = overdueByOrg(st, r.ok ? r.cases : []);
  const states = Object.entries(st.cases).filter(([, v]) => v > 0).map(([k, v]) => [name(k), v]);
  const routes = Object.entries(st.routes).map(([k, v]) => [name(k), v.open]);
  const lead = Object.entries(st.lead_time_ms || {}).map(([k, v]) =>
    [name(k), Math.round((typeof v === 'object' ? v.median : v) / 864e5 * 10) / 10]);
  page(main, t('view.cijfers'), h('div', { class: 'grid2', id: 'charts' },
    bars(t('chart.states'), states.length ? states : [[t('none'), 0]]),
    bars(t('chart.routes'), routes),
    lead.length ? bars(t('chart.lead'), lead) : h('figure', { class: 'chart' }, h('figcaption', {}, h('strong', {}, t('chart.lead'))), h('p', { class: 'none' }, t('none'))),
    bars(t('chart.stag'), [[t('stagnations'), st.open_stagnations], [t('escalation') + ' 1', esc[1]], [t('escalation') + ' 2', esc[2]], [t('escalation') + ' 3', esc[3]]]),
    late.length ? bars(t('chart.overdue'), late, undefined, 'overdue-org')
      : h('figure', { class: 'chart', id: 'overdue-org' }, h('figcaption', {}, h('strong', {}, t('chart.overdue'))), h('p', { class: 'none' }, t('no.overdue')))));
}

async function escalaties(main) {
  if (DOSSIER_ONLY.includes(me().role)) return escalatiesAbove(main);
  const r = await casesWithDetail();
  if (!r.ok) return page(main, t('view.escalaties'), errorBox(r));
  const open = r.cases.filter((c) => c.detail && c.detail.escalation);
  page(main, t('esc.open'), open.length ? h('table', {},
    h('thead', {}, h('tr', {}, [t('case'), t('state'), t('escalation'), t('dossier')].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, open.map((c) => h('tr', {},
      h('td', {}, caseLink(c.id)), h('td', {}, name(c.state)), h('td', {}, levelName(c.detail.escalation.level)),
      h('td', {}, h('a', { href: '#/dossier/' + encodeURIComponent(c.id) }, t('dossier') + ' ' + c.id)))))) : h('p', {}, t('no.cases')));
}

// Partner managers and bestuur: the escalations that reached them (their
// alerts), each case once at its latest level, open ones first.
async function escalatiesAbove(main) {
  const r = await call('alerts.list', { data: { all: true, limit: 1000 } });
  if (!r.ok) return page(main, t('view.escalaties'), errorBox(r));
  const latest = new Map();
  for (const a of r.alerts) if (a.kind === 'escalation' && (!latest.has(a.case) || latest.get(a.case).alert < a.alert)) latest.set(a.case, a);
  const list = [...latest.values()].sort((a, b) => ((b.open ? 1 : 0) - (a.open ? 1 : 0)) || (b.since - a.since));
  page(main, t('esc.mine'), list.length ? h('table', {},
    h('thead', {}, h('tr', {}, [t('case'), t('escalation'), t('since'), t('state'), t('dossier')].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', { id: 'escalations' }, list.map((a) => h('tr', { class: a.open ? '' : 'acked', 'data-case': a.case },
      h('td', {}, a.case), h('td', {}, levelName(a.level)), h('td', {}, when(a.since)),
      h('td', {}, a.open ? t('esc.waiting') : t('resolved')),
      h('td', {}, h('a', { href: '#/dossier/' + encodeURIComponent(a.case) }, t('dossier') + ' ' + a.case)))))) : h('p', { id: 'noesc' }, t('no.esc')));
}

// The escalation dossier (escalation.dossier): what the levels of the
// ladder decide on -- no personal data, no free text -- and the decision
// form for those who may decide.
export async function dossierPage(main, id) {
  const r = await call('escalation.dossier', { case: id });
  if (!r.ok) return page(main, t('dossier') + ' ' + id, errorBox(r));
  const d = r.dossier;
  const stuck = d.stuck;
  const owes = d.owes || [];
  const ladder = d.ladder || [];
  const decide = d.escalation && await mayCall('escalation.resolve', me().role);
  page(main, `${t('dossier')} ${r.case}`,
    h('p', { class: 'muted' }, t('dossier.intro')),
    h('section', {}, h('h3', {}, t('details')), h('dl', { class: 'kv' },
      h('dt', {}, t('state')), h('dd', {}, name(d.state)),
      h('dt', {}, t('target_group')), h('dd', {}, name(d.target_group)),
      h('dt', {}, t('urgency')), h('dd', {}, name(d.urgency)),
      h('dt', {}, t('escalation')), h('dd', { id: 'esclevel' }, d.escalation
        ? `${levelName(d.escalation.level)}, ${t('since').toLowerCase()} ${when(d.escalation.since)}` : t('esc.none')))),
    h('section', {}, h('h3', {}, t('stuck')), stuck ? h('dl', { class: 'kv' },
      h('dt', {}, t('stuck.what')), h('dd', {}, normWhat(stuck.norm, stuck.item)),
      h('dt', {}, t('org')), h('dd', {}, show(stuck.org)),
      h('dt', {}, t('due')), h('dd', {}, when(stuck.due)),
      h('dt', {}, t('since')), h('dd', {}, when(stuck.since))) : h('p', { class: 'none' }, t('stuck.none'))),
    h('section', {}, h('h3', {}, t('owes')), owes.length ? h('table', {},
      h('thead', {}, h('tr', {}, [t('org'), t('kind'), t('item'), t('overdue.since')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, owes.map((o) => h('tr', {}, h('td', {}, o.org), h('td', {}, t('owes.' + o.kind)),
        h('td', {}, o.item), h('td', {}, when(o.overdue_since)))))) : h('p', { class: 'none' }, t('empty'))),
    h('section', {}, h('h3', {}, t('ladder')), ladder.length ? h('table', {},
      h('thead', {}, h('tr', {}, [t('step'), t('audit.at'), t('level'), t('by'), t('alerted')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, ladder.map((s) => h('tr', {}, h('td', {}, stepName(s.step)), h('td', {}, when(s.at)),
        h('td', {}, String(s.level)), h('td', {}, byName(s.by)),
        h('td', {}, s.alerted ? s.alerted.map(alertedName).join(', ') : h('span', { class: 'none' }, t('empty')))))))
      : h('p', { class: 'none' }, t('empty'))),
    decide ? h('section', { id: 'decide' }, h('h3', {}, opName('escalation.resolve')),
      stepForm('escalation.resolve', await opSchema('escalation.resolve'), () => ({ case: r.case }), () => dossierPage(main, id)))
      : null);
}

async function beheer(main) {
  const forms = await Promise.all(['actor.create', 'actor.revoke'].map(async (op) =>
    h('section', {}, h('h3', {}, opName(op)), stepForm(op, await opSchema(op), () => ({}), (j) => {
      const out = h('div', { class: 'okmsg', role: 'status' }, opName(op), ': ', j.id || '', j.token ? [' — token: ', h('code', {}, j.token)] : '');
      main.append(out);
    }))));
  page(main, t('view.beheer'), ...forms);
}

// The audit trail with filters: the case goes to audit.read itself (its
// `case`), actor, purpose (the operation as the trail names it) and the
// date range filter the records read, page by page through `next`.
const AUDIT_PAGES = 10;
async function auditRecords(caseId) {
  const out = [];
  let after = 0;
  for (let i = 0; i < AUDIT_PAGES; i++) {
    const r = await call('audit.read', { data: { after, limit: 1000, ...(caseId ? { case: caseId } : {}) } });
    if (!r.ok) return r;
    out.push(...r.records);
    if (r.records.length < 1000 || r.next <= after) return { ok: true, records: out, more: false };
    after = r.next;
  }
  return { ok: true, records: out, more: true };
}

function auditTable(recs) {
  if (!recs.length) return h('p', { id: 'noaudit' }, t('no.audit'));
  return h('table', {}, h('thead', {}, h('tr', {},
    [t('audit.n'), t('audit.at'), t('audit.actor'), t('audit.role'), t('org'), t('audit.purpose'), t('cases'), t('audit.refused')].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', { id: 'audit' }, recs.map((x) => h('tr', { 'data-actor': x.actor, 'data-purpose': x.purpose }, h('td', {}, String(x.n)), h('td', {}, when(x.at)), h('td', {}, x.actor),
      h('td', {}, name(x.role)), h('td', {}, x.org), h('td', {}, show(x.purpose)), h('td', {}, show(x.cases)), h('td', {}, show(x.refused))))));
}

async function audit(main, f = {}) {
  const r = await auditRecords(f.case);
  if (!r.ok) return page(main, t('view.audit'), errorBox(r));
  const from = f.from ? dayStart(Date.parse(f.from + 'T12:00:00Z')) : 0;
  const to = f.to ? dayStart(Date.parse(f.to + 'T12:00:00Z') + 1.5 * DAY) : Infinity;
  const recs = r.records.filter((x) => (!f.actor || x.actor === f.actor) && (!f.purpose || x.purpose === f.purpose)
    && x.at >= from && x.at < to).reverse();
  const distinct = (k) => [...new Set(r.records.map((x) => x[k]).concat(f[k] ? [f[k]] : []))].sort();
  const pick = (id, k, label) => h('div', { class: 'field' }, h('label', { for: id }, label),
    h('select', { id }, h('option', { value: '' }, t('audit.all')),
      distinct(k).map((v) => h('option', { value: v, selected: v === f[k] }, v))));
  const input = (id, type, label, v) => h('div', { class: 'field' }, h('label', { for: id }, label),
    h('input', { id, type, value: v || '' }));
  const form = h('form', { class: 'plain filters', id: 'auditfilter', role: 'search', 'aria-label': t('audit.filter') },
    pick('f-actor', 'actor', t('audit.actor')), pick('f-purpose', 'purpose', t('audit.purpose')),
    input('f-case', 'text', t('case'), f.case), input('f-from', 'date', t('audit.from'), f.from),
    input('f-to', 'date', t('audit.to'), f.to),
    h('button', { type: 'submit', class: 'primary' }, t('audit.apply')), ' ',
    h('button', { type: 'button', class: 'secondary', onclick: () => audit(main) }, t('audit.clear')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = (id) => form.querySelector('#' + id).value.trim();
    audit(main, { actor: v('f-actor'), purpose: v('f-purpose'), case: v('f-case'), from: v('f-from'), to: v('f-to') });
  });
  page(main, t('audit.trail'), form,
    h('p', { id: 'auditcount', role: 'status' }, t('audit.count').replace('{n}', String(recs.length))
      + (r.more ? ' ' + t('audit.more') : '')),
    auditTable(recs));
}

// The persons of a case (case.get persons): each with their role and
// whether a minor.  One under a granted restriction or objection is said to
// be "beperkt" in words, not only by colour; a partner reads nothing else of
// them (minor null, and the role may be absent too), nor of an erased one,
// so a missing field is said as withheld, never shown blank.
function personLabel(p) {
  const role = personRole(p.role);
  return role ? `${p.person} (${role})` : p.person;
}

function personsTable(ps) {
  if (!ps || !ps.length) return h('p', { class: 'none', id: 'nopersons' }, t('empty'));
  const hidden = (p) => h('span', { class: 'withheld' }, p.erased ? t('erased') : t('withheld'));
  return h('table', { id: 'persons' },
    h('thead', {}, h('tr', {}, [t('person'), t('person.role'), t('person.minor')].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, ps.map((p) => {
      const st = personStatus(p);
      return h('tr', { 'data-person': p.person, 'data-restricted': p.restricted ? 'true' : null, class: st ? 'warnrow' : '' },
        h('th', { scope: 'row' }, p.person, st ? [' ', h('span', { class: 'tag warn', 'data-status': st[0] }, st[0]),
          ' ', h('span', { class: 'muted' }, `(${st[1]})`)] : null),
        h('td', {}, p.role ? personRole(p.role) : hidden(p)),
        h('td', {}, p.minor == null ? (st ? hidden(p) : h('span', { class: 'none' }, t('minor.unknown'))) : (p.minor ? t('yes') : t('no'))));
    })));
}

// Each person's latest words (case.get perspectives), beside the plan; the
// words of an erased or withheld person are gone (wishes null, withheld).
function perspectivesTable(list, ps) {
  if (!list || !list.length) return h('p', { class: 'none', id: 'noperspectives' }, t('no.perspectives'));
  const who = new Map((ps || []).map((p) => [p.person, p]));
  return h('table', { id: 'perspectives' },
    h('thead', {}, h('tr', {}, [t('person'), t('wishes')].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, list.map((x) => h('tr', { 'data-person': x.person },
      h('th', { scope: 'row' }, personLabel(who.get(x.person) || { person: x.person })),
      h('td', {}, x.withheld || x.wishes == null
        ? h('span', { class: 'withheld' }, (who.get(x.person) || {}).erased ? t('erased') : t('withheld'))
        : String(x.wishes))))));
}

// A case: its details, deadlines, participants, plan, timeline, and a form
// for each step the engine allows now; kept live from the feed.
export async function casePage(main, id) {
  const g = await call('case.get', { case: id });
  if (!g.ok) return page(main, t('case') + ' ' + id, errorBox(g));
  const c = g.case;
  const hist = await call('case.history', { case: id });
  const steps = await allowedSteps(me().role, c);
  const reload = () => casePage(main, id);
  const timeline = h('ol', { class: 'timeline', id: 'timeline' }, hist.ok ? hist.events.slice().reverse().map((e) =>
    h('li', { 'data-seq': e.seq }, h('strong', {}, eventName(e.type)), ' — ', when(e.at), ' — ', e.actor ? e.actor.id : '',
      h('details', {}, h('summary', {}, t('details')), show(e.data)))) : errorBox(hist));
  page(main, `${t('case')} ${c.id}`,
    h('p', {}, h('span', { class: 'tag', id: 'state' }, name(c.state)), ' ', name(c.route), ' — v', String(c.version),
      c.erased ? h('span', { class: 'tag warn' }, ' ' + t('erased')) : null),
    h('div', { class: 'grid2' },
      h('section', {}, h('h3', {}, t('details')), kv(c, ['deadlines', 'participants', 'persons', 'plan', 'perspectives', 'requests', 'subject', 'stagnations', 'escalation', 'meeting']),
        h('h3', {}, t('persons')), personsTable(c.persons)),
      h('section', {}, h('h3', {}, t('deadlines')), show(c.deadlines),
        h('h3', {}, t('stagnations')), show(c.stagnations), h('h3', {}, t('escalation')), show(c.escalation),
        h('h3', {}, t('subject')), c.erased ? h('span', { class: 'erased' }, t('erased')) : show(c.subject),
        h('h3', {}, t('participants')), show(c.participants))),
    h('section', {}, h('h3', {}, t('requests')), show(c.requests), h('h3', {}, t('plan')), show(c.plan),
      h('h3', {}, t('perspectives')), perspectivesTable(c.perspectives, c.persons), h('h3', {}, t('meeting')), show(c.meeting)),
    h('section', { id: 'steps' }, h('h3', {}, t('steps')), steps.length ? steps.map((s) =>
      h('details', { 'data-op': s.op }, h('summary', {}, opName(s.op)),
        stepForm(s.op, s.schema, () => ({ case: c.id, expect: c.version }), reload))) : h('p', {}, t('no.steps'))),
    h('section', {}, h('h3', {}, t('timeline')), timeline));
  const onEv = (ev) => {
    if (!timeline.isConnected) { live.onEvent.delete(onEv); return; }
    if (ev.case === id && ev.seq && !timeline.querySelector(`[data-seq="${ev.seq}"]`)) {
      const open = main.querySelector('form.step :focus');
      if (!open) reload(); else timeline.prepend(h('li', { 'data-seq': ev.seq }, h('strong', {}, eventName(ev.type)), ' — ', when(ev.at)));
    }
  };
  live.onEvent.add(onEv);
}

export function refreshBadge() {
  call('alerts.list', { data: { limit: 1000 } }).then((r) => {
    const b = document.getElementById('badge');
    if (!r.ok) { b.hidden = true; return; }
    const n = r.alerts.filter((a) => !a.acked).length;
    b.hidden = n === 0;
    b.textContent = `${n} ${t('open.alerts')}`;
  });
}

export const VIEWS = { mijnzaken, mijnweek, triage, signalen, feed, onzezaken, taken, cijfers, escalaties, zaken, beheer, audit };
