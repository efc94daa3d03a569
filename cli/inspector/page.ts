import { allDots, diagramNameByMachineId } from '../../system/diagrams';
import { renderSvg } from '../../system/diagrams/render';
import { MAP_CSS, systemMapSvg } from '../../system/report/system-map';

/**
 * The offline inspector page: one self-contained HTML file (styles, script,
 * the system map and every machine's SVG inline; nothing from the network).
 * It connects to the server's WebSocket and keeps every message, so the run
 * can be paused, stepped and scrubbed. It shows the system map (components
 * coloured by state, failed ones red, each queue's depth and record in
 * flight, each container's record), the actors by systemId with their states,
 * the selected actor's machine (zoomable) with its current states
 * highlighted, the events (filterable by record id or component), and the
 * verdict when the run ends.
 */
export async function offlinePage(title: string, topology: { stages: string[]; regions: number[] }): Promise<string> {
  const diagrams: string[] = [];
  for (const { name, dot } of allDots()) {
    const svg = (await renderSvg(dot)).replace(/<\?xml[^>]*>\s*/, '').replace(/<!DOCTYPE[^>]*>\s*/, '');
    diagrams.push(`<div class="diagram" data-diagram="${name}" hidden>${svg}</div>`);
  }
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>${STYLE}${MAP_CSS}</style></head>
<body>
<header><h1>${esc(title)}</h1><span id="status">connecting…</span><span id="clock"></span><span id="verdict" hidden></span></header>
<main>
  <nav id="actors" aria-label="actors"></nav>
  <section id="view">
    <div class="controls">
      <button type="button" id="pause" title="pause / resume (space)">pause</button>
      <button type="button" id="step" title="the next virtual instant (→)">step</button>
      <input type="range" id="scrub" min="0" max="0" value="0" step="1" aria-label="virtual time">
      <span id="at">t = 0</span>
      <button type="button" id="live" title="follow the run">live</button>
      <span id="scenario-step"></span>
    </div>
    <div id="map" class="mapbox">${systemMapSvg(topology.stages, topology.regions)}</div>
    <div class="maplegend"><span class="ml idle">idle</span><span class="ml busy">working on a record</span><span class="ml waiting">records waiting</span><span class="ml failed">failed</span> · a queue: "3 wait · #5": 3 records stored, #5 handed to its container and not yet removed; a container: #id of its record</div>
    <h2><span id="selected">select an actor</span> <span class="zoom"><button type="button" data-zoom="in">+</button><button type="button" data-zoom="out">−</button><button type="button" data-zoom="fit">fit</button></span></h2>
    <div id="diagrams">${diagrams.join('\n')}</div>
    <h2>Events <span id="event-count">0</span> <input id="filter" type="search" placeholder="filter: record id, or component (e.g. 11, queue:core, r2)" size="44"> <span id="shown"></span></h2>
    <table id="events"><thead><tr><th>t (virtual ms)</th><th>from</th><th>to</th><th>type</th><th>record</th></tr></thead><tbody></tbody></table>
  </section>
</main>
<script>const DIAGRAM_BY_MACHINE = ${JSON.stringify(diagramNameByMachineId)};
${SCRIPT}</script>
</body></html>
`;
}

const STYLE = `
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #222; }
header { display: flex; gap: 1.5em; align-items: baseline; padding: .5em 1em; background: #263238; color: #fff; }
header h1 { font-size: 16px; margin: 0; }
#verdict { font-weight: 800; padding: 0 .6em; border-radius: 4px; }
#verdict.pass { background: #1a7f37; } #verdict.fail { background: #cf222e; }
main { display: flex; height: calc(100vh - 2.6em); }
nav { width: 20em; overflow: auto; border-right: 1px solid #ccc; padding: .5em; flex: none; }
nav h3 { font-size: 12px; text-transform: uppercase; color: #666; margin: .8em 0 .2em; }
nav button { display: block; width: 100%; text-align: left; border: 0; background: none; padding: 2px 4px; cursor: pointer; font: inherit; }
nav button:hover { background: #eceff1; }
nav button.selected { background: #ffe082; }
nav button.failed { color: #cf222e; }
nav .state { color: #666; font-size: 12px; }
#view { flex: 1; overflow: auto; padding: .5em 1em; min-width: 0; }
#view h2 { font-size: 14px; margin: .5em 0; }
.controls { display: flex; gap: .5em; align-items: center; flex-wrap: wrap; }
.controls button, .zoom button { font: inherit; font-size: 12px; padding: 1px 8px; border: 1px solid #bbb; border-radius: 4px; background: #fff; cursor: pointer; }
.controls button.on { background: #ffe082; }
#scrub { flex: 1; min-width: 200px; }
#scenario-step { font-size: 12px; color: #444; flex-basis: 100%; }
.mapbox { overflow: auto; border: 1px solid #ddd; border-radius: 6px; margin: .4em 0; }
.sysmap .mnode { cursor: pointer; }
.sysmap .mnode.selected rect { stroke: #e65100; stroke-width: 3; }
.maplegend { font-size: 12px; color: #555; }
.maplegend .ml { margin-right: 10px; padding: 0 6px; border-radius: 3px; border: 1px solid #8c959f; }
.maplegend .busy { border: 2px solid #0969da; } .maplegend .waiting { background: #fff8c5; border-color: #9a6700; } .maplegend .failed { background: #ffebe9; border: 2px solid #cf222e; }
#diagrams { overflow: auto; max-height: 70vh; border: 1px solid #eee; }
.diagram svg { max-width: 100%; height: auto; }
.diagram.zoomed svg { max-width: none; }
.diagram .node.state.active path, .diagram .node.state.active polygon { fill: #ffd54f; stroke: #e65100; stroke-width: 2.5; }
.diagram .cluster.state.active:not(.root) > path, .diagram .cluster.state.active:not(.root) > polygon { stroke: #e65100; stroke-width: 2.5; fill: #fff8e1; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
th, td { text-align: left; padding: 1px 6px; border-bottom: 1px solid #eee; }
td:first-child { text-align: right; width: 7em; }
#shown { font-size: 12px; font-weight: 400; color: #666; }
`;

// Runs in the browser; plain JS. Every message is kept in `log`; the model is
// the state after the first `applied` of them. Live, each message is applied
// and drawn as it comes; paused or scrubbed, the model is rebuilt and redrawn.
const SCRIPT = `
const MAX_EVENTS = 200;
const log = [];
let applied = 0;
let following = true;
let verdict = null;
let ended = false;
let model = freshModel();
let selected = null; // systemId
let zoom = 0; // 0: fit
const nav = document.getElementById('actors');
const tbody = document.querySelector('#events tbody');
const groups = new Map();
const buttons = new Map(); // systemId -> nav button
const mapNodes = new Map([...document.querySelectorAll('#map .mnode')].map((g) => [g.dataset.actor, g]));

function freshModel() { return { actors: new Map(), byName: new Map(), events: [], t: 0, step: null }; }

function activePaths(value, prefix, out) {
  if (typeof value === 'string') { out.push(prefix.concat(value).join('.')); return out; }
  if (value && typeof value === 'object') for (const k of Object.keys(value)) { out.push(prefix.concat(k).join('.')); activePaths(value[k], prefix.concat(k), out); }
  return out;
}
const valueText = (v) => typeof v === 'string' ? v : activePaths(v, [], []).filter((p) => !activePaths(v, [], []).some((q) => q.startsWith(p + '.'))).join(', ');
// an invoked child of the driver is named by XState "0.scenarioDriver.<state>": say "driver (<state>)"
const cleanName = (name) => String(name).replace(/^\\d+\\.scenarioDriver\\.(.*)$/, 'driver ($1)');
// events sent to the spec come from the run's observers, not from an actor
const nameOf = (sessionId, to) => sessionId ? (model.actors.get(sessionId)?.name ?? cleanName(sessionId)) : to === 'spec' ? 'observer' : to === undefined ? '' : '(outside)';

// The one place the page reads a queue's records: the queue machine's context.records,
// a plain array (or, before machines had immutable contexts, a RecordFifo as {items, head}).
function queueRecordsOf(context) {
  const r = context && context.records;
  if (Array.isArray(r)) return r;
  return [];
}
const recordIdOf = (event) => event ? (event.recordId ?? event.record?.recordId ?? null) : null;

// --- the model: applying one message changes data only
function apply(m) {
  const t = Number(m.createdAt);
  if (t > model.t) model.t = t;
  if (m.type === '@xstate.actor') {
    let machineId = null;
    try { machineId = JSON.parse(m.definition).id; } catch {}
    const a = { sessionId: m.sessionId, name: cleanName(m.name), diagram: DIAGRAM_BY_MACHINE[machineId] ?? null, value: m.snapshot?.value, context: m.snapshot?.context };
    model.actors.set(m.sessionId, a);
    model.byName.set(a.name, a);
    return a;
  }
  if (m.type === '@xstate.snapshot') {
    const a = model.actors.get(m.sessionId);
    if (a && m.snapshot) { a.value = m.snapshot.value; a.context = m.snapshot.context; if (a.name === 'driver') model.step = driverStep(a.context); }
    return a;
  }
  if (m.type === '@xstate.event') {
    const to = nameOf(m.sessionId);
    const e = { t, from: nameOf(m.sourceId, to), to, type: m.event?.type ?? '', recordId: recordIdOf(m.event) };
    model.events.push(e);
    return e;
  }
  if (m.type === '@tps.verdict') verdict = m;
  return null;
}
function driverStep(c) {
  const s = c && c.steps && c.steps[c.index];
  return s ? 'step ' + s.step + ': ' + s.name : c && c.steps && c.index >= c.steps.length ? 'every step done' : null;
}

// --- drawing
function group(diagram) {
  if (!groups.has(diagram)) {
    const h = document.createElement('h3'); h.textContent = diagram;
    const div = document.createElement('div'); div.className = 'group'; div.dataset.diagram = diagram;
    nav.append(h, div); groups.set(diagram, div);
  }
  return groups.get(diagram);
}
function buttonFor(a) {
  let b = buttons.get(a.name);
  if (!b) {
    b = document.createElement('button');
    b.dataset.systemId = a.name;
    b.onclick = () => select(a.name);
    group(a.diagram ?? 'other').append(b);
    buttons.set(a.name, b);
  }
  return b;
}
const isFailed = (a) => /fail/i.test(valueText(a.value ?? ''));
function drawActor(a) {
  const b = buttonFor(a);
  b.innerHTML = '';
  const n = document.createElement('span'); n.textContent = a.name + ' ';
  const s = document.createElement('span'); s.className = 'state'; s.textContent = a.value === undefined ? '' : valueText(a.value);
  b.append(n, s);
  b.classList.toggle('failed', isFailed(a));
  drawNode(a);
  if (a.name === selected) highlight();
  if (!selected && a.diagram === 'container') select(a.name);
}
/** A component on the map: coloured by its state, with its queue depth and record. */
function drawNode(a) {
  const g = mapNodes.get(a.name);
  if (!g) return;
  const c = a.context || {};
  let status = '', cls = 'idle';
  if (g.classList.contains('queue')) {
    const n = queueRecordsOf(c).length;
    status = (n ? n + ' wait' : '') + (c.inFlight != null ? (n ? ' · ' : '') + '#' + c.inFlight : '');
    if (n) cls = 'waiting';
    if (c.inFlight != null) cls = n > 1 ? 'waiting' : 'busy';
  } else if (g.classList.contains('container')) {
    if (c.current) { status = '#' + c.current.recordId; cls = 'busy'; }
  } else if (g.classList.contains('table')) status = (c.count ?? 0) + ' rows';
  else if (g.classList.contains('destination')) status = (c.count ?? 0) + ' kept';
  // a failed state, short enough for the box (the full state is in the actor list)
  if (isFailed(a)) { cls = 'failed'; status = valueText(a.value).replace(/^.*\\./, '').replace(/^failed(?=[A-Z])/, 'failed ').replace(/(Dependency|Processing)$/, (w) => w.slice(0, 3).toLowerCase() + '.'); }
  g.classList.remove('idle', 'busy', 'waiting', 'failed');
  g.classList.add(cls);
  g.dataset.state = valueText(a.value ?? '');
  const st = g.querySelector('.mstatus');
  if (st.textContent !== status) st.textContent = status;
}
function select(name) {
  const a = model.byName.get(name);
  if (buttons.has(selected)) buttons.get(selected).classList.remove('selected');
  if (mapNodes.has(selected)) mapNodes.get(selected).classList.remove('selected');
  selected = name;
  buttons.get(name)?.classList.add('selected');
  mapNodes.get(name)?.classList.add('selected');
  const diagram = a ? a.diagram : null;
  document.getElementById('selected').textContent = name + (diagram ? ' (' + diagram + ')' : ' (no diagram)');
  for (const d of document.querySelectorAll('.diagram')) d.hidden = d.dataset.diagram !== diagram;
  applyZoom();
  highlight();
}
function highlight() {
  const a = model.byName.get(selected);
  if (!a || !a.diagram) return;
  const box = document.querySelector('.diagram[data-diagram="' + a.diagram + '"]');
  const active = new Set(activePaths(a.value, [], ['']).map((p) => a.diagram + ':' + p));
  for (const el of box.querySelectorAll('.state')) el.classList.toggle('active', active.has(el.id));
}

// --- events: the latest MAX_EVENTS that match the filter
let filter = null;
function parseFilter(text) {
  text = text.trim();
  if (!text) return null;
  if (/^#?\\d+$/.test(text)) { const id = Number(text.replace('#', '')); return (e) => e.recordId === id; }
  return (e) => e.from.includes(text) || e.to.includes(text);
}
const matches = (e) => !filter || filter(e);
function eventRow(e) {
  const tr = document.createElement('tr');
  for (const text of [e.t, e.from, e.to, e.type, e.recordId ?? '']) { const td = document.createElement('td'); td.textContent = String(text); tr.append(td); }
  return tr;
}
function drawEvent(e) {
  document.getElementById('event-count').textContent = String(model.events.length);
  if (!matches(e)) return;
  tbody.prepend(eventRow(e));
  while (tbody.rows.length > MAX_EVENTS) tbody.deleteRow(-1);
}
function drawEvents() {
  document.getElementById('event-count').textContent = String(model.events.length);
  const rows = [];
  let total = 0;
  for (let i = model.events.length - 1; i >= 0; i--) if (matches(model.events[i])) { total++; if (rows.length < MAX_EVENTS) rows.push(eventRow(model.events[i])); }
  tbody.replaceChildren(...rows);
  document.getElementById('shown').textContent = filter ? total + ' match' : '';
}

// --- time: header, scrubber, verdict
const status = document.getElementById('status');
const scrub = document.getElementById('scrub');
function drawTime() {
  document.getElementById('clock').textContent = 't = ' + model.t + ' virtual ms';
  document.getElementById('at').textContent = 't = ' + model.t + (applied < log.length ? ' (' + applied + ' of ' + log.length + ' messages)' : '');
  const last = log.length ? Number(log[log.length - 1].createdAt) : 0;
  scrub.max = String(last);
  if (following) scrub.value = String(last);
  document.getElementById('scenario-step').textContent = model.step ?? '';
  const atEnd = applied === log.length;
  const v = document.getElementById('verdict');
  v.hidden = !(verdict && atEnd);
  if (verdict) { v.textContent = verdict.verdict.toUpperCase(); v.className = verdict.verdict; v.title = verdict.summary; }
  status.textContent = ended && atEnd ? 'run complete: ' + (verdict ? verdict.verdict.toUpperCase() + ' — ' + verdict.summary : 'disconnected') : following ? 'live' : 'paused at t = ' + model.t;
  document.getElementById('pause').textContent = following ? 'pause' : 'resume';
  document.getElementById('live').classList.toggle('on', following);
}
function drawAll() {
  for (const a of model.actors.values()) drawActor(a);
  for (const g of mapNodes.values()) if (!model.byName.has(g.dataset.actor)) { g.classList.remove('busy', 'waiting', 'failed'); g.querySelector('.mstatus').textContent = ''; }
  drawEvents();
  drawTime();
}
/** The model after the first k messages (rebuilt from the start when going back). */
function seek(k) {
  k = Math.max(0, Math.min(k, log.length));
  if (k < applied) { model = freshModel(); applied = 0; }
  while (applied < k) apply(log[applied++]);
  drawAll();
}
/** The index just after the last message at or before virtual time t. */
function indexAt(t) {
  let lo = 0, hi = log.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (Number(log[mid].createdAt) <= t) lo = mid + 1; else hi = mid; }
  return lo;
}
function pause() { following = false; drawTime(); }
function resume() { following = true; seek(log.length); }
document.getElementById('pause').onclick = () => (following ? pause() : resume());
document.getElementById('live').onclick = resume;
document.getElementById('step').onclick = () => {
  following = false;
  if (applied >= log.length) return drawTime();
  const t = Number(log[applied].createdAt);
  seek(indexAt(t));
};
scrub.oninput = () => { following = false; seek(indexAt(Number(scrub.value))); };
document.getElementById('filter').oninput = (e) => { filter = parseFilter(e.target.value); drawEvents(); };
for (const g of mapNodes.values()) g.addEventListener('click', () => model.byName.has(g.dataset.actor) && select(g.dataset.actor));
document.addEventListener('keydown', (e) => {
  if (e.target && /INPUT/.test(e.target.tagName)) return;
  if (e.key === ' ') { e.preventDefault(); document.getElementById('pause').click(); }
  else if (e.key === 'ArrowRight') document.getElementById('step').click();
});

// --- the selected machine's diagram: zoom in steps of 1.25, or fit the width
function applyZoom() {
  for (const d of document.querySelectorAll('.diagram')) {
    const svg = d.querySelector('svg');
    if (!svg) continue;
    d.classList.toggle('zoomed', zoom !== 0);
    svg.style.width = zoom === 0 ? '' : Math.round(svg.viewBox.baseVal.width * zoom) + 'px';
  }
}
for (const b of document.querySelectorAll('[data-zoom]')) b.onclick = () => {
  const z = b.dataset.zoom;
  const box = document.querySelector('.diagram:not([hidden]) svg');
  const fitScale = box ? box.getBoundingClientRect().width / box.viewBox.baseVal.width : 1;
  zoom = z === 'fit' ? 0 : Math.max(0.2, (zoom || fitScale) * (z === 'in' ? 1.25 : 0.8));
  applyZoom();
};
document.getElementById('diagrams').addEventListener('wheel', (e) => { if (e.ctrlKey) { e.preventDefault(); document.querySelector('[data-zoom="' + (e.deltaY < 0 ? 'in' : 'out') + '"]').click(); } }, { passive: false });

// --- live
function onMessage(m) {
  log.push(m);
  if (!following) { drawTime(); return; }
  const x = apply(m);
  applied++;
  if (m.type === '@xstate.actor' || m.type === '@xstate.snapshot') { if (x) drawActor(x); }
  else if (m.type === '@xstate.event') drawEvent(x);
  drawTime();
}
const ws = new WebSocket('ws://' + location.host + '/');
ws.onopen = () => { drawTime(); };
ws.onclose = () => { ended = true; drawTime(); };
ws.onmessage = (e) => onMessage(JSON.parse(e.data));
`;
