// dom.js - building the page from data: text is always set as text, never
// as HTML, so nothing a case holds can run as code.
import { t, name, when, fieldName } from './i18n.js';

export function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) if (kid != null && kid !== false) el.append(kid.nodeType ? kid : String(kid));
  return el;
}

export function svg(tag, attrs, ...kids) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const kid of kids.flat()) if (kid != null) el.append(kid.nodeType ? kid : String(kid));
  return el;
}

// A value as a reader should see it: absent, withheld and erased said in
// words, never left blank.
export function show(v, key) {
  if (v === null || v === undefined || v === '') return h('span', { class: 'none' }, t('none'));
  if (typeof v === 'boolean') return v ? t('yes') : t('no');
  if (typeof v === 'number' && /(_at|since|due|^at$)$/.test(key || '') && v > 1e11) return when(v);
  if (Array.isArray(v)) {
    if (!v.length) return h('span', { class: 'none' }, t('empty'));
    if (v.every((x) => typeof x !== 'object' || x === null)) return v.map((x) => name(String(x))).join(', ');
    return h('ul', {}, v.map((x) => h('li', {}, show(x))));
  }
  if (typeof v === 'object') {
    if (v.withheld === true) return h('span', { class: 'withheld' }, t('withheld'));
    return kv(v);
  }
  if (['state', 'route', 'role', 'kind', 'class', 'urgency', 'target_group'].includes(key)) return name(v);
  return String(v);
}

export function kv(obj, skip = []) {
  const dl = h('dl', { class: 'kv' });
  for (const [k, v] of Object.entries(obj)) {
    if (skip.includes(k)) continue;
    dl.append(h('dt', {}, fieldName(k)), h('dd', {}, show(v, k)));
  }
  return dl;
}

// The engine's message is English (CONTRACT.md): said as such, under the
// reader's own words for the error.
export function errorBox(j) {
  const own = t('err.' + j.error);
  return h('div', { class: 'error', role: 'alert' },
    h('strong', {}, own === 'err.' + j.error ? t('err.other') : own),
    j.message ? [' (', t('server.says'), ': ', h('span', { lang: 'en' }, j.message), ')'] : null);
}

export function toast(msg) {
  const el = document.getElementById('toast');
  el.textContent = msg;
  setTimeout(() => { if (el.textContent === msg) el.textContent = ''; }, 4000);
}
