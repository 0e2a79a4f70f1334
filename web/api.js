// api.js - the app's only way to the engine: the public HTTP API
// (CONTRACT.md "HTTP"), exactly as a partner's own program would use it.
const store = window.sessionStorage;

export function me() {
  try { return JSON.parse(store.getItem('regie.me') || 'null'); } catch { return null; }
}

// POST /api/v1/session {token}: the cookie is HttpOnly (the app never sees
// it); the CSRF token goes with every change.
export async function login(token) {
  const r = await fetch('/api/v1/session', {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }),
  });
  const j = await r.json();
  if (!r.ok || !j.ok) return j;
  store.setItem('regie.csrf', j.csrf);
  store.setItem('regie.me', JSON.stringify({ id: j.id, role: j.role, org: j.org, zvh: j.zvh }));
  return j;
}

export async function logout() {
  await fetch('/api/v1/session', {
    method: 'DELETE', credentials: 'same-origin', headers: { 'X-CSRF-Token': store.getItem('regie.csrf') || '' },
  }).catch(() => {});
  store.removeItem('regie.csrf');
  store.removeItem('regie.me');
}

// Every operation: {ok: true, ...} or the contract's {ok: false, error, message}.
export async function call(op, body = {}) {
  let r;
  try {
    r = await fetch('/api/v1/' + op, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': store.getItem('regie.csrf') || '' },
      body: JSON.stringify(body),
    });
  } catch (e) {
    return { ok: false, error: 'network', message: String(e) };
  }
  let j;
  try { j = await r.json(); } catch { j = { ok: false, error: 'storage_error', message: 'HTTP ' + r.status }; }
  if (r.status === 401) window.dispatchEvent(new CustomEvent('regie:unauthorized'));
  return j;
}

export function newReq() {
  return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).slice(0, 64);
}

// The live feeds: EventSource resumes by itself with Last-Event-ID.
export function follow(path, onMessage, onError) {
  const es = new EventSource(path, { withCredentials: true });
  es.onmessage = (ev) => { try { onMessage(JSON.parse(ev.data), ev.lastEventId); } catch (e) { /* skip */ } };
  es.addEventListener('error', (ev) => {
    if (ev.data) { es.close(); if (onError) onError(JSON.parse(ev.data)); }
  });
  es.addEventListener('end', () => es.close());
  return es;
}

let spec = null;
export async function openapi() {
  if (!spec) spec = await (await fetch('/api/v1/openapi.json', { credentials: 'same-origin' })).json();
  return spec;
}
