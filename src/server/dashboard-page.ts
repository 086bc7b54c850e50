/**
 * The page at `/`: the ranked queue of the primary model (top contacts with their scores,
 * filters by band and text, CSV export) and, for a selected contact, why it scores what it
 * does. A static page that calls the API with the admin key the user pastes (or opens with
 * `/#key=<admin key>`, as the server prints at first start); the key stays in the browser.
 * `#contact=<id>` opens a contact (the address of a selected contact, to share).
 * @module
 */

/** The HTML of the queue page. */
export function dashboardPage(version: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Leadscore</title>
<style>
:root{--line:#e3e5e8;--muted:#6b7280}
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#fafbfc}
header{display:flex;gap:1rem;align-items:center;padding:.6rem 1.2rem;background:#1d2330;color:#fff}
header a{color:#c9d3ff}header .grow{flex:1}
main{display:grid;grid-template-columns:minmax(0,7fr) minmax(0,4fr);gap:1rem;padding:1rem 1.2rem}
.scroll{overflow-x:auto}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.8rem}
table{width:100%;border-collapse:collapse}th,td{padding:4px 5px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
th{font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase}tr.row{cursor:pointer}tr.row:hover{background:#f3f6ff}tr.sel{background:#e8eeff}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.band{border-radius:10px;padding:0 8px;font-size:12px;color:#fff;background:#9ca3af}.band.hot{background:#d9480f}.band.warm{background:#e8a317}.band.cold{background:#5b7db1}
.bar{height:6px;background:#eef0f3;border-radius:3px;overflow:hidden;width:48px}.bar span{display:block;height:100%;background:#3b5bdb}
.muted{color:var(--muted)}.chips{display:flex;gap:.5rem;flex-wrap:wrap;margin-bottom:.6rem}.chip{border:1px solid var(--line);border-radius:14px;padding:2px 10px;cursor:pointer;background:#fff}.chip.on{background:#1d2330;color:#fff}
input,button{font:inherit;padding:4px 8px}button{cursor:pointer}
#login{max-width:32rem;margin:4rem auto}#login input{width:100%;box-sizing:border-box}
.ledger li{margin:.15rem 0}.pos{color:#2f7d4f}.neg{color:#b42318}
@media (max-width:900px){main{grid-template-columns:1fr}}
</style></head><body>
<header><strong>Leadscore</strong><span class="muted" id="model"></span><span class="grow"></span>
<a href="/docs">API docs</a><a href="#" id="logout">Forget key</a><span class="muted">v${version}</span></header>
<div id="login" class="card" hidden>
<h2>Open the queue</h2>
<p>Paste an <b>admin key</b>. The server printed one at its first start; create another with
<code>leadscore keys create --kind admin</code>. It is kept in this browser only.</p>
<form id="loginForm"><input id="keyInput" type="password" placeholder="lsk_a_..." autocomplete="off"><p><button>Open</button></p></form>
<p id="loginError" class="neg"></p></div>
<main id="app" hidden>
<section class="card">
<div class="chips" id="bands"></div>
<form id="search" class="chips"><input id="q" placeholder="Search name, email, company"><button>Search</button><button type="button" id="csv">Export CSV</button></form>
<div class="scroll"><table><thead><tr><th>#</th><th>Contact</th><th>Company</th><th>Total</th><th></th><th>Fit</th><th>Eng.</th><th>Label</th><th>Band</th><th>Stage</th><th>Last activity</th></tr></thead>
<tbody id="rows"></tbody></table></div>
<p><button id="more" hidden>More</button></p>
</section>
<section class="card" id="detail"><p class="muted">Select a contact to see why it scores what it does.</p></section>
</main>
<script>
"use strict";
const state = { key: null, band: null, q: '', cursor: null, rank: 0 };
const $ = (id) => document.getElementById(id);
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}
const fmt = (n) => (n == null ? '' : (Math.round(n * 10) / 10).toString());
const ago = (t) => { if (t == null) return ''; const d = (Date.now() - t) / 86400000; return d < 1 ? 'today' : Math.round(d) + ' d ago'; };
async function api(path) {
  const res = await fetch(path, { headers: { Authorization: 'Bearer ' + state.key } });
  if (res.status === 401) { localStorage.removeItem('leadscore.key'); showLogin('That key was not accepted.'); throw new Error('unauthorized'); }
  if (!res.ok) { const body = await res.json().catch(() => ({})); throw new Error((body.error && body.error.message) || res.statusText); }
  return res;
}
function showLogin(message) { $('app').hidden = true; $('login').hidden = false; $('loginError').textContent = message || ''; }
async function start() {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('key')) {
    localStorage.setItem('leadscore.key', hash.get('key'));
    hash.delete('key');
    history.replaceState(null, '', location.pathname + (hash.size ? '#' + hash : ''));
  }
  state.key = localStorage.getItem('leadscore.key');
  if (!state.key) return showLogin();
  $('login').hidden = true; $('app').hidden = false;
  await loadBands(); await loadRows(true);
  if (hash.get('contact')) await showContact(hash.get('contact'));
}
async function loadBands() {
  const counts = await (await api('/api/contacts/counts?by=band')).json();
  $('model').textContent = 'model ' + counts.model;
  const box = $('bands'); box.replaceChildren();
  const all = el('span', { class: 'chip' + (state.band === null ? ' on' : '') }, 'All ' + counts.counts.reduce((s, c) => s + c.count, 0));
  all.onclick = () => { state.band = null; loadBands(); loadRows(true); };
  box.append(all);
  for (const c of counts.counts) {
    const chip = el('span', { class: 'chip' + (state.band === c.value ? ' on' : '') }, (c.value || 'none') + ' ' + c.count);
    chip.onclick = () => { state.band = c.value; loadBands(); loadRows(true); };
    box.append(chip);
  }
}
function query(extra) {
  const p = new URLSearchParams(extra);
  if (state.band) p.set('band', state.band);
  if (state.q) p.set('q', state.q);
  return p;
}
async function loadRows(reset) {
  if (reset) { state.cursor = null; state.rank = 0; $('rows').replaceChildren(); }
  const p = query({ limit: '50' });
  if (state.cursor) p.set('cursor', state.cursor);
  const page = await (await api('/api/contacts?' + p)).json();
  for (const c of page.items) {
    const s = c.score;
    const tr = el('tr', { class: 'row' },
      el('td', { class: 'muted' }, ++state.rank),
      el('td', {}, el('div', {}, c.name || c.email || c.id), el('div', { class: 'muted' }, c.title || '')),
      el('td', {}, c.company || ''),
      el('td', { class: 'num' }, el('b', {}, fmt(s.total))),
      el('td', {}, el('div', { class: 'bar' }, el('span', { style: 'width:' + Math.max(0, Math.min(100, s.total)) + '%' }))),
      el('td', { class: 'num' }, fmt(s.fit)), el('td', { class: 'num' }, fmt(s.engagement)),
      el('td', {}, s.label || s.grade || ''), el('td', {}, el('span', { class: 'band ' + (s.band || '') }, s.band || '')),
      el('td', {}, c.stage || ''), el('td', { class: 'muted' }, ago(s.lastActivityAt)));
    tr.onclick = () => {
      document.querySelectorAll('tr.sel').forEach((r) => r.classList.remove('sel'));
      tr.classList.add('sel');
      history.replaceState(null, '', location.pathname + '#contact=' + encodeURIComponent(c.id));
      showContact(c.id).catch((e) => { $('detail').textContent = 'Error: ' + e.message; });
    };
    $('rows').append(tr);
  }
  state.cursor = page.nextCursor;
  $('more').hidden = !page.nextCursor;
}
async function showContact(id) {
  const d = await (await api('/api/contacts/' + encodeURIComponent(id))).json();
  const live = d.live, box = $('detail'), p = d.contact.properties;
  box.replaceChildren(
    el('h2', {}, [p.first_name, p.last_name].filter(Boolean).join(' ') || p.email || d.contact.id),
    el('p', { class: 'muted' }, [p.job_title, p.company, p.email].filter(Boolean).join(' · ')),
    el('p', {}, el('b', {}, fmt(live.total)), ' total = ', fmt(live.fit), ' fit + ', fmt(live.engagement), ' engagement · ',
      live.label || '', ' · ', el('span', { class: 'band ' + (live.band || '') }, live.band || ''), ' · stage ', live.stage || '', ' · ', live.journey || ''),
    live.segments.length ? el('p', { class: 'muted' }, 'Segments: ' + live.segments.join(', ')) : '',
  );
  for (const [title, part] of [['Fit', live.ledger.fit], ['Engagement', live.ledger.engagement]]) {
    const list = el('ul', { class: 'ledger' });
    for (const g of part.groups) for (const r of g.rules) if (Math.abs(r.points) >= 0.05)
      list.append(el('li', {}, el('span', { class: r.points >= 0 ? 'pos' : 'neg' }, (r.points >= 0 ? '+' : '') + fmt(r.points)), ' ', r.label || r.id, el('span', { class: 'muted' }, ' (' + (g.label || g.id) + (r.events.length ? ', ' + r.events.length + ' events' : '') + ')')));
    if (part.inactivity && part.inactivity.applied) list.append(el('li', {}, el('span', { class: 'neg' }, fmt(part.inactivity.points)), ' no activity for ' + part.inactivity.afterDays + ' days'));
    box.append(el('h3', {}, title + ' ' + fmt(part.points) + ' / ' + part.max), list.childElementCount ? list : el('p', { class: 'muted' }, 'nothing yet'));
  }
  const tl = el('table', {}, el('tr', {}, el('th', {}, 'When'), el('th', {}, 'Event'), el('th', {}, 'Points')));
  for (const e of d.timeline.slice(0, 40)) {
    const what = e.name === 'page' ? 'page ' + (e.properties.path || '') : e.name;
    tl.append(el('tr', {}, el('td', { class: 'muted' }, new Date(e.ts).toISOString().slice(0, 16).replace('T', ' ')), el('td', {}, what), el('td', { class: 'num' }, e.rules.length ? fmt(e.points) : '')));
  }
  box.append(el('h3', {}, 'Timeline (' + d.events + ' events)'), tl);
}
$('loginForm').onsubmit = (ev) => { ev.preventDefault(); localStorage.setItem('leadscore.key', $('keyInput').value.trim()); start().catch((e) => showLogin(e.message)); };
$('logout').onclick = (ev) => { ev.preventDefault(); localStorage.removeItem('leadscore.key'); showLogin(); };
$('search').onsubmit = (ev) => { ev.preventDefault(); state.q = $('q').value.trim(); loadRows(true); };
$('more').onclick = () => loadRows(false);
$('csv').onclick = async () => {
  const blob = await (await api('/api/contacts?' + query({ format: 'csv' }))).blob();
  const a = el('a', { href: URL.createObjectURL(blob), download: 'contacts.csv' }); document.body.append(a); a.click(); a.remove();
};
start().catch((e) => { if (e.message !== 'unauthorized') $('detail').textContent = 'Error: ' + e.message; });
</script></body></html>`
}
