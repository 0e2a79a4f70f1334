// app.js - the browser app: log in, a menu per role (roles.js), the pages
// (views.js), and the live feeds that keep them current.
import { login, logout, me, follow, call } from './api.js';
import { t, setLang, getLang, name } from './i18n.js';
import { h, errorBox } from './dom.js';
import { ROLE_VIEWS, FEED_ROLES } from './roles.js';
import { VIEWS, casePage, dossierPage, live, refreshBadge } from './views.js';

const main = document.getElementById('main');

function loginPage(msg) {
  stopLive();
  document.getElementById('nav').replaceChildren();
  document.getElementById('who').textContent = '';
  document.getElementById('logout').hidden = true;
  document.getElementById('badge').hidden = true;
  const tok = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true, 'aria-describedby': 'tokhint' });
  const status = h('div', { 'aria-live': 'assertive' }, msg ? errorBox(msg) : null);
  const form = h('form', { class: 'plain login', id: 'login' },
    h('div', { class: 'field' }, h('label', { for: 'token' }, t('login.token')), tok,
      h('span', { class: 'hint', id: 'tokhint' }, t('login.hint'))),
    h('button', { type: 'submit', class: 'primary' }, t('login')), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const j = await login(tok.value.trim());
    tok.value = '';
    if (!j.ok) { status.replaceChildren(errorBox(j)); return; }
    start();
  });
  main.replaceChildren(h('h2', {}, t('login')), form);
  tok.focus();
}

function stopLive() {
  if (live.feed) live.feed.close();
  if (live.alerts) live.alerts.close();
  live.feed = live.alerts = null;
}

function startLive(role) {
  stopLive();
  if (role === 'admin' || role === 'auditor') return;     // neither has alerts
  if (FEED_ROLES.includes(role))
    live.feed = follow('/api/v1/feed', (ev) => live.onEvent.forEach((f) => f(ev)), () => loginPage());
  live.alerts = follow('/api/v1/alerts', (a) => { refreshBadge(); live.onAlert.forEach((f) => f(a)); },
    () => loginPage());
  refreshBadge();
}

function nav(role, current) {
  const views = ROLE_VIEWS[role] || [];
  document.getElementById('nav').replaceChildren(...views.map((v) =>
    h('a', { href: '#/' + v, 'aria-current': v === current ? 'page' : null }, t('view.' + v))));
}

// Each route draws into a container of its own: a slower page that
// resolves after the reader moved on draws into a detached one, unseen.
async function route() {
  const m = me();
  if (!m) return loginPage();
  const views = ROLE_VIEWS[m.role] || [];
  const [, first, second] = (location.hash || '#/').split('/');
  const view = h('div', { class: 'view' });
  main.replaceChildren(view);
  if (first === 'zaak' && second) {
    nav(m.role, null);
    await casePage(view, decodeURIComponent(second));
  } else if (first === 'dossier' && second) {
    nav(m.role, null);
    await dossierPage(view, decodeURIComponent(second));
  } else {
    const v = views.includes(first) ? first : views[0];
    nav(m.role, v);
    if (v) await VIEWS[v](view);
  }
  if (!view.isConnected) return;
  const title = view.querySelector('#title');
  if (title) { document.title = `${title.textContent} — Regie`; title.focus(); }
}

async function start() {
  const m = me();
  if (!m) return loginPage();
  // Still logged in? (the cookie may have expired, or the actor been revoked)
  const w = await call('whoami');
  if (!w.ok) { await logout(); return loginPage(w); }
  document.getElementById('who').textContent = `${m.id} (${name(m.role)}, ${m.org})`;
  document.getElementById('logout').hidden = false;
  startLive(m.role);
  route();
}

document.getElementById('logout').addEventListener('click', async () => { await logout(); loginPage(); });
// The switch names the other language in that language (its own lang).
function chrome() {
  const b = document.getElementById('lang');
  b.textContent = t('lang');
  b.lang = getLang() === 'nl' ? 'en' : 'nl';
  document.getElementById('logout').textContent = t('logout');
  document.querySelector('.skip').textContent = t('skip');
  document.getElementById('nav').setAttribute('aria-label', t('menu'));
}

document.getElementById('lang').addEventListener('click', () => {
  setLang(getLang() === 'nl' ? 'en' : 'nl');
  chrome();
  me() ? start() : loginPage();
});
window.addEventListener('hashchange', () => { if (me()) route(); });
window.addEventListener('regie:unauthorized', () => { logout().then(() => loginPage()); });
setLang(getLang());
chrome();
start();
