// forms.js - a form for every step the engine allows now, generated from
// /api/v1/openapi.json (the op table's fields, the life cycle's
// x-regie-allowed) and the case's state: a new step in the tables needs no
// new page here.
import { call, newReq, openapi } from './api.js';
import { t, opName, fieldName, name } from './i18n.js';
import { h, errorBox, toast } from './dom.js';

let uid = 0;

// The operations of the spec this role may take on a case in this state.
export async function allowedSteps(role, kase) {
  const spec = await openapi();
  const out = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    const p = item.post;
    if (!p['x-regie-case'] || !p['x-regie-changes'] || !p['x-regie-roles'].includes(role)) continue;
    const states = (p['x-regie-allowed'] || {})[kase.route] || [];
    if (!states.includes(kase.state)) continue;
    if (['case.assign', 'case.erase', 'subject.correct', 'case.unrestrict', 'item.release'].includes(p.operationId)
        && kase.state !== 'reported') continue;          // kept for their own places
    out.push({ op: p.operationId, schema: dataSchema(p), path });
  }
  return out;
}

// May this role call op at all (the op table's roles)?  The engine decides
// the rest (the level, the case) and says so when it refuses.
export async function mayCall(op, role) {
  const spec = await openapi();
  const item = spec.paths['/api/v1/' + op];
  return !!(item && item.post['x-regie-roles'].includes(role));
}

export async function opSchema(op) {
  const spec = await openapi();
  const p = spec.paths['/api/v1/' + op].post;
  return dataSchema(p);
}

function dataSchema(p) {
  const body = p.requestBody.content['application/json'].schema;
  return (body.properties && body.properties.data) || null;
}

function input(fname, s, required, prefix) {
  const id = 'f' + (++uid);
  const label = fieldName(fname) + (required ? ' *' : '');
  const hint = s.maxLength ? t('max.chars').replace('N', s.maxLength) : (s['x-regie-date'] ? t('date.time') : null);
  const wrap = (ctl) => h('div', { class: 'field' }, h('label', { for: id }, label), ctl,
    hint ? h('span', { class: 'hint', id: id + 'h' }, hint) : null);
  const common = { id, name: prefix + fname, 'data-field': fname, required: required ? true : null,
                   'aria-describedby': hint ? id + 'h' : null };
  if (s.type === 'boolean')
    return h('div', { class: 'field' }, h('label', { for: id }, h('input', { ...common, type: 'checkbox', required: null }), ' ', label));
  if (s.enum)
    return wrap(h('select', common, required ? null : h('option', { value: '' }, '—'),
      s.enum.map((w) => h('option', { value: w }, name(w)))));
  if (s.type === 'integer') return wrap(h('input', { ...common, type: 'number', min: s.minimum, max: s.maximum }));
  if (s['x-regie-date']) return wrap(h('input', { ...common, type: 'datetime-local' }));
  if (s.type === 'array' && s.items && s.items.enum) {
    return h('fieldset', { class: 'field', 'data-field': fname, 'data-kind': 'enumarray' },
      h('legend', {}, label),
      s.items.enum.map((w) => { const cid = 'f' + (++uid);
        return h('label', { for: cid }, h('input', { id: cid, type: 'checkbox', value: w }), ' ', name(w), ' '); }));
  }
  if (s.type === 'array' && s.items && s.items.type === 'object') {
    const rows = h('div', { class: 'rows' });
    const add = () => rows.append(h('fieldset', { class: 'row' }, h('legend', {}, fieldName(fname)),
      objectFields(s.items, '')));
    add();
    return h('fieldset', { class: 'field', 'data-field': fname, 'data-kind': 'rows' }, h('legend', {}, label), rows,
      h('button', { type: 'button', class: 'secondary', onclick: add }, t('add.row')));
  }
  if (s.type === 'array')
    return wrap(h('input', { ...common, type: 'text', 'data-kind': 'list', placeholder: t('list.hint') }));
  if (s.type === 'object')
    return wrap(h('textarea', { ...common, 'data-kind': 'map', placeholder: t('map.hint') }));
  if (s['x-regie-text'] || (s.maxLength || 0) > 200)
    return wrap(h('textarea', { ...common, maxlength: s.maxLength }));
  return wrap(h('input', { ...common, type: 'text', maxlength: s.maxLength }));
}

function objectFields(schema, prefix) {
  const req = schema.required || [];
  return Object.entries(schema.properties || {}).map(([f, s]) => input(f, s, req.includes(f), prefix));
}

function readValue(el, s) {
  const kind = el.getAttribute('data-kind');
  if (kind === 'enumarray') {
    const v = [...el.querySelectorAll('input:checked')].map((c) => c.value);
    return v.length ? v : undefined;
  }
  if (kind === 'rows') {
    return [...el.querySelectorAll(':scope > .rows > .row')].map((row) => readObject(row, s.items));
  }
  if (el.type === 'checkbox') return el.checked;
  const raw = el.value.trim();
  if (raw === '') return undefined;
  if (kind === 'list') return raw.split(',').map((x) => x.trim()).filter(Boolean);
  if (kind === 'map') {
    const o = {};
    for (const line of raw.split('\n')) { const i = line.indexOf('='); if (i > 0) o[line.slice(0, i).trim()] = line.slice(i + 1).trim(); }
    return o;
  }
  if (s.type === 'integer') return Number(raw);
  if (s['x-regie-date']) return new Date(raw).toISOString();
  return raw;
}

function readObject(container, schema) {
  const out = {};
  for (const [f, s] of Object.entries(schema.properties || {})) {
    const el = container.querySelector(`:scope [data-field="${f}"]`);
    if (!el) continue;
    const v = readValue(el, s);
    if (v !== undefined) out[f] = v;
  }
  return out;
}

// A form for op; body() gives the envelope's other fields (case, expect);
// done(reply) runs after a success.
// fixed: data fields the page already knows (the request or action answered).
export function stepForm(op, schema, body, done, fixed) {
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'step', 'data-op': op, 'aria-label': opName(op) },
    schema ? objectFields(schema, '') : h('p', { class: 'muted' }, '—'),
    h('button', { type: 'submit', class: 'primary' }, opName(op)), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    status.replaceChildren();
    const data = schema ? { ...(fixed || {}), ...readObject(form, schema) } : undefined;
    const env = { ...body(), req: newReq() };
    if (data && Object.keys(data).length) env.data = data;
    const j = await call(op, env);
    if (!j.ok) { status.append(errorBox(j)); return; }
    toast(opName(op) + ': ' + t('done'));
    if (done) done(j);
  });
  return form;
}
