// whatif.js - the two pages of issue 26, each from the public API only:
//  - 'watals' (manager): norms.whatif, the region's real history replayed
//    under other norms beside what really happened; counts, norms, steps,
//    weeks and ids only, no personal data;
//  - 'toezicht' (auditor): the latest signed heads of the log and of the
//    audit trail, to hand to a witness as they are (the JSON regie-verify
//    reads), and the audit trail itself; never a case's content.
// They join the views table (views.js) and bring their own words (i18n.js).
import { call } from './api.js';
import { t, addWords, when, name } from './i18n.js';
import { h, errorBox } from './dom.js';
import { VIEWS } from './views.js';

addWords('nl', {
  'view.watals': 'Wat als', 'view.toezicht': 'Toezicht',
  'wi.intro': 'Wat zouden andere normen met de regio hebben gedaan? De echte geschiedenis van de regio wordt opnieuw afgespeeld, dezelfde gebeurtenissen op dezelfde momenten, onder de normen hieronder, naast wat werkelijk gebeurde. Er wordt niets veranderd en er zijn geen persoonsgegevens te zien.',
  'wi.config': 'Andere normen (regie.conf)', 'wi.config.hint': 'Eén regel per norm, bijv. norm.intake.start = 1. Leeg: de ingebouwde normen.',
  'wi.from': 'Vanaf (datum, optioneel)', 'wi.to': 'Tot (datum, optioneel)', 'wi.run': 'Doorrekenen', 'wi.running': 'Bezig met doorrekenen…',
  'wi.result': 'Uitkomst', 'wi.real': 'Werkelijk', 'wi.whatif': 'Wat als', 'wi.diff': 'Verschil',
  'wi.summary': 'Regio {region}, van {from} tot {to}: {events} gebeurtenissen van {cases} zaken opnieuw afgespeeld.',
  'wi.totals': 'Totalen', 'wi.stagnations': 'Stagnaties per norm en stap', 'wi.escalations': 'Escalaties per niveau',
  'wi.alerts': 'Signalen per procesregisseur per week', 'wi.stalled': 'Zaken die maar in één geschiedenis vastliepen',
  'wi.only_whatif': 'Alleen onder de andere normen', 'wi.only_real': 'Alleen in werkelijkheid',
  'wi.t.stagnations': 'Stagnaties', 'wi.t.escalations': 'Escalaties', 'wi.t.stalled_cases': 'Vastgelopen zaken', 'wi.t.alerts': 'Signalen',
  'wi.norm': 'Norm', 'wi.step': 'Stap', 'wi.level': 'Niveau', 'wi.actor': 'Procesregisseur', 'wi.week': 'Week', 'wi.more': 'en nog {n}',
  'tz.intro': 'De laatste ondertekende koppen van het logboek en van het verwerkingslogboek (audittrail). Geef ze zoals ze zijn aan een getuige of toezichthouder: met alleen de publieke sleutel controleert regie-verify dat het logboek alleen groeide en dat een verwerking erin staat.',
  'tz.log': 'Logboek', 'tz.audit': 'Verwerkingslogboek (audittrail)', 'tz.size': 'Aantal records', 'tz.root': 'Wortel (root)',
  'tz.at': 'Ondertekend op', 'tz.key': 'Sleutel (key id)', 'tz.pub': 'Publieke sleutel', 'tz.json': 'Als bestand voor regie-verify',
  'tz.download': 'Downloaden', 'tz.trail': 'Verwerkingen',
});
addWords('en', {
  'view.watals': 'What if', 'view.toezicht': 'Oversight',
  'wi.intro': 'What would other norms have done to the region? Its real history is replayed, the same events at the same instants, under the norms below, beside what really happened. Nothing is changed and no personal data is shown.',
  'wi.config': 'Other norms (regie.conf)', 'wi.config.hint': 'One line per norm, e.g. norm.intake.start = 1. Empty: the built-in norms.',
  'wi.from': 'From (date, optional)', 'wi.to': 'To (date, optional)', 'wi.run': 'Replay', 'wi.running': 'Replaying…',
  'wi.result': 'Outcome', 'wi.real': 'Real', 'wi.whatif': 'What if', 'wi.diff': 'Difference',
  'wi.summary': 'Region {region}, from {from} to {to}: {events} events of {cases} cases replayed.',
  'wi.totals': 'Totals', 'wi.stagnations': 'Stagnations per norm and step', 'wi.escalations': 'Escalations per level',
  'wi.alerts': 'Alerts per procesregisseur per week', 'wi.stalled': 'Cases that stalled in one history only',
  'wi.only_whatif': 'Only under the other norms', 'wi.only_real': 'Only in reality',
  'wi.t.stagnations': 'Stagnations', 'wi.t.escalations': 'Escalations', 'wi.t.stalled_cases': 'Stalled cases', 'wi.t.alerts': 'Alerts',
  'wi.norm': 'Norm', 'wi.step': 'Step', 'wi.level': 'Level', 'wi.actor': 'Procesregisseur', 'wi.week': 'Week', 'wi.more': 'and {n} more',
  'tz.intro': "The latest signed heads of the log and of the audit trail. Hand them as they are to a witness or supervisor: with the public key alone, regie-verify checks that the log only grew and that an access record is in it.",
  'tz.log': 'Log', 'tz.audit': 'Audit trail', 'tz.size': 'Records', 'tz.root': 'Root', 'tz.at': 'Signed at',
  'tz.key': 'Key id', 'tz.pub': 'Public key', 'tz.json': 'As a file for regie-verify', 'tz.download': 'Download', 'tz.trail': 'Access records',
});

// Its own styles, beside style.css.
if (!document.querySelector('link[href="whatif.css"]'))
  document.head.append(h('link', { rel: 'stylesheet', href: 'whatif.css' }));

function fill(s, vals) { return s.replace(/\{(\w+)\}/g, (_, k) => String(vals[k])); }

function page(main, title, ...kids) {
  main.replaceChildren(h('h2', { id: 'title', tabindex: '-1' }, title), ...kids.filter((k) => k != null));
}

function th(...cols) { return h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c)))); }

function diff(r, w) { const d = w - r; return d > 0 ? '+' + d : String(d); }

// Rows of {…, real, whatif}: the given columns, then reality, what-if, the difference.
function pairTable(caption, cols, rows, cells) {
  if (!rows.length) return h('section', {}, h('h4', {}, caption), h('p', { class: 'none' }, t('empty')));
  return h('section', {}, h('table', { class: 'whatif' }, h('caption', {}, caption),
    th(...cols, t('wi.real'), t('wi.whatif'), t('wi.diff')),
    h('tbody', {}, rows.map((r) => h('tr', {}, cells(r).map((c) => h('td', {}, c)),
      h('td', { class: 'num' }, String(r.real)), h('td', { class: 'num' }, String(r.whatif)),
      h('td', { class: 'num' }, diff(r.real, r.whatif)))))));
}

function caseList(ids, count) {
  if (!count) return h('p', { class: 'none' }, t('empty'));
  return h('p', {}, ids.join(', '), count > ids.length ? ' ' + fill(t('wi.more'), { n: count - ids.length }) : '');
}

function report(j) {
  const totals = ['stagnations', 'escalations', 'stalled_cases', 'alerts']
    .map((k) => ({ what: t('wi.t.' + k), real: j.totals[k].real, whatif: j.totals[k].whatif }));
  return h('section', { id: 'whatif-result', 'aria-live': 'polite' },
    h('h3', {}, t('wi.result')),
    h('p', {}, fill(t('wi.summary'), { region: j.region, from: when(j.from_at), to: when(j.to_at), events: j.replayed, cases: j.cases })),
    pairTable(t('wi.totals'), [''], totals, (r) => [r.what]),
    pairTable(t('wi.stagnations'), [t('wi.norm'), t('wi.step')], j.stagnations, (r) => [name(r.norm), name(r.step)]),
    pairTable(t('wi.escalations'), [t('wi.level')], j.escalations, (r) => [String(r.level)]),
    pairTable(t('wi.alerts'), [t('wi.actor'), t('wi.week')], j.alerts, (r) => [r.actor, r.week]),
    h('h4', {}, t('wi.stalled')),
    h('h5', {}, t('wi.only_whatif')), caseList(j.stalled.only_whatif, j.stalled.only_whatif_count),
    h('h5', {}, t('wi.only_real')), caseList(j.stalled.only_real, j.stalled.only_real_count));
}

async function watals(main) {
  const field = (id, label, input, hint) => h('div', { class: 'field' },
    h('label', { for: id }, label), input, hint ? h('span', { class: 'hint', id: id + '-hint' }, hint) : null);
  const config = h('textarea', { id: 'wi-config', rows: 8, 'aria-describedby': 'wi-config-hint', spellcheck: 'false' });
  const from = h('input', { id: 'wi-from', type: 'date' });
  const to = h('input', { id: 'wi-to', type: 'date' });
  const out = h('div', { id: 'whatif-out' });
  const form = h('form', { class: 'plain', id: 'whatif' },
    field('wi-config', t('wi.config'), config, t('wi.config.hint')),
    field('wi-from', t('wi.from'), from), field('wi-to', t('wi.to'), to),
    h('button', { type: 'submit', class: 'primary' }, t('wi.run')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    out.replaceChildren(h('p', { role: 'status' }, t('wi.running')));
    const data = { config: config.value };
    if (from.value) data.from = from.value;
    if (to.value) data.to = to.value;
    const j = await call('norms.whatif', { data });
    out.replaceChildren(j.ok ? report(j) : errorBox(j));
  });
  page(main, t('view.watals'), h('p', {}, t('wi.intro')), form, out);
}

// A head as the engine signed it, in the shape regie-verify reads.
function headJson(hd) {
  const o = { size: hd.size, root: hd.root, at: hd.at, signature: hd.signature, key_id: hd.key_id };
  if (hd.trail) o.trail = hd.trail;
  return JSON.stringify(o);
}

function headBox(id, title, hd) {
  const json = headJson(hd);
  const file = (hd.trail === 'audit' ? 'audit' : 'log') + '-head-' + hd.size + '.json';
  return h('section', { id }, h('h3', {}, title),
    h('dl', { class: 'kv' },
      h('dt', {}, t('tz.size')), h('dd', {}, String(hd.size)),
      h('dt', {}, t('tz.at')), h('dd', {}, when(hd.at)),
      h('dt', {}, t('tz.root')), h('dd', {}, h('code', {}, hd.root)),
      h('dt', {}, t('tz.key')), h('dd', {}, h('code', {}, hd.key_id))),
    h('p', {}, t('tz.json'), ': ',
      h('a', { href: 'data:application/json,' + encodeURIComponent(json + '\n'), download: file }, t('tz.download') + ' ' + file)),
    h('pre', { class: 'head', tabindex: '0' }, json));
}

async function toezicht(main) {
  const [hd, tr] = await Promise.all([call('log.head'), call('audit.read', { data: { limit: 200 } })]);
  if (!hd.ok) return page(main, t('view.toezicht'), errorBox(hd));
  const trail = tr.ok ? h('table', {}, h('caption', {}, t('tz.trail')),
    th(t('audit.n'), t('audit.at'), t('audit.actor'), t('audit.role'), t('org'), t('audit.purpose'), t('cases'), t('audit.refused')),
    h('tbody', {}, tr.records.map((x) => h('tr', {}, h('td', {}, String(x.n)), h('td', {}, when(x.at)), h('td', {}, x.actor),
      h('td', {}, name(x.role)), h('td', {}, x.org), h('td', {}, x.purpose || ''), h('td', {}, (x.cases || []).join(', ')),
      h('td', {}, x.refused ? t('yes') : t('no'))))))
    : errorBox(tr);
  page(main, t('view.toezicht'), h('p', {}, t('tz.intro')),
    h('div', { class: 'grid2' }, headBox('head-log', t('tz.log'), hd), hd.audit ? headBox('head-audit', t('tz.audit'), hd.audit) : null),
    h('p', {}, t('tz.pub'), ': ', h('code', { id: 'pubkey' }, hd.public_key)),
    trail);
}

Object.assign(VIEWS, { watals, toezicht });
