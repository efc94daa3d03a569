import { allDots, diagramNameByMachineId } from '../../system/diagrams';
import { renderSvg } from '../../system/diagrams/render';

/**
 * The offline inspector page: one self-contained HTML file (styles, script and
 * every machine's SVG inline; nothing from the network). It connects to the
 * server's WebSocket, lists the actors by systemId grouped by machine, shows
 * the selected actor's machine with its current states highlighted, and the
 * latest events.
 */
export async function offlinePage(title: string): Promise<string> {
  const diagrams: string[] = [];
  for (const { name, dot } of allDots()) {
    const svg = (await renderSvg(dot)).replace(/<\?xml[^>]*>\s*/, '').replace(/<!DOCTYPE[^>]*>\s*/, '');
    diagrams.push(`<div class="diagram" data-diagram="${name}" hidden>${svg}</div>`);
  }
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>${STYLE}</style></head>
<body>
<header><h1>${esc(title)}</h1><span id="status">connecting…</span><span id="clock"></span></header>
<main>
  <nav id="actors" aria-label="actors"></nav>
  <section id="view">
    <h2 id="selected">select an actor</h2>
    <div id="diagrams">${diagrams.join('\n')}</div>
    <h2>Events <span id="event-count">0</span></h2>
    <table id="events"><thead><tr><th>t (virtual ms)</th><th>from</th><th>to</th><th>type</th></tr></thead><tbody></tbody></table>
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
main { display: flex; height: calc(100vh - 2.6em); }
nav { width: 20em; overflow: auto; border-right: 1px solid #ccc; padding: .5em; flex: none; }
nav h3 { font-size: 12px; text-transform: uppercase; color: #666; margin: .8em 0 .2em; }
nav button { display: block; width: 100%; text-align: left; border: 0; background: none; padding: 2px 4px; cursor: pointer; font: inherit; }
nav button:hover { background: #eceff1; }
nav button.selected { background: #ffe082; }
nav .state { color: #666; font-size: 12px; }
#view { flex: 1; overflow: auto; padding: .5em 1em; }
#view h2 { font-size: 14px; margin: .5em 0; }
.diagram svg { max-width: 100%; height: auto; }
.diagram .node.state.active path, .diagram .node.state.active polygon { fill: #ffd54f; stroke: #e65100; stroke-width: 2.5; }
.diagram .cluster.state.active:not(.root) > path, .diagram .cluster.state.active:not(.root) > polygon { stroke: #e65100; stroke-width: 2.5; fill: #fff8e1; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
th, td { text-align: left; padding: 1px 6px; border-bottom: 1px solid #eee; }
td:first-child { text-align: right; width: 7em; }
`;

// Runs in the browser; plain JS.
const SCRIPT = `
const MAX_EVENTS = 200;
const actors = new Map(); // sessionId -> { name, diagram, value, button }
let selected = null;
let eventCount = 0;
let lastT = 0;
const nav = document.getElementById('actors');
const tbody = document.querySelector('#events tbody');
const groups = new Map();

function activePaths(value, prefix, out) {
  if (typeof value === 'string') { out.push(prefix.concat(value).join('.')); return out; }
  if (value && typeof value === 'object') for (const k of Object.keys(value)) { out.push(prefix.concat(k).join('.')); activePaths(value[k], prefix.concat(k), out); }
  return out;
}
const valueText = (v) => typeof v === 'string' ? v : activePaths(v, [], []).filter((p) => !activePaths(v, [], []).some((q) => q.startsWith(p + '.'))).join(', ');
const nameOf = (sessionId) => actors.get(sessionId)?.name ?? sessionId ?? '';

function group(diagram) {
  if (!groups.has(diagram)) {
    const h = document.createElement('h3'); h.textContent = diagram;
    const div = document.createElement('div'); div.className = 'group'; div.dataset.diagram = diagram;
    nav.append(h, div); groups.set(diagram, div);
  }
  return groups.get(diagram);
}

function addActor(m) {
  let machineId = null;
  try { machineId = JSON.parse(m.definition).id; } catch {}
  const diagram = DIAGRAM_BY_MACHINE[machineId] ?? null;
  const a = { sessionId: m.sessionId, name: m.name, diagram, value: m.snapshot && m.snapshot.value };
  actors.set(m.sessionId, a);
  const b = document.createElement('button');
  b.dataset.systemId = m.name;
  b.onclick = () => select(a);
  a.button = b;
  group(diagram ?? 'other').append(b);
  render(a);
  if (!selected && a.diagram === 'container') select(a);
}

function render(a) {
  a.button.innerHTML = '';
  const n = document.createElement('span'); n.textContent = a.name + ' ';
  const s = document.createElement('span'); s.className = 'state'; s.textContent = a.value === undefined ? '' : valueText(a.value);
  a.button.append(n, s);
  if (a === selected) highlight();
}

function select(a) {
  if (selected) selected.button.classList.remove('selected');
  selected = a;
  a.button.classList.add('selected');
  document.getElementById('selected').textContent = a.name + (a.diagram ? ' (' + a.diagram + ')' : ' (no diagram)');
  for (const d of document.querySelectorAll('.diagram')) d.hidden = d.dataset.diagram !== a.diagram;
  highlight();
}

function highlight() {
  const a = selected;
  if (!a || !a.diagram) return;
  const box = document.querySelector('.diagram[data-diagram="' + a.diagram + '"]');
  const active = new Set(activePaths(a.value, [], ['']).map((p) => a.diagram + ':' + p));
  for (const el of box.querySelectorAll('.state')) el.classList.toggle('active', active.has(el.id));
}

function addEvent(m) {
  eventCount++;
  document.getElementById('event-count').textContent = String(eventCount);
  const tr = document.createElement('tr');
  for (const text of [m.createdAt, nameOf(m.sourceId), nameOf(m.sessionId), m.event && m.event.type]) {
    const td = document.createElement('td'); td.textContent = text ?? ''; tr.append(td);
  }
  tbody.prepend(tr);
  while (tbody.rows.length > MAX_EVENTS) tbody.deleteRow(-1);
}

function onMessage(m) {
  const t = Number(m.createdAt);
  if (t > lastT) { lastT = t; document.getElementById('clock').textContent = 't = ' + t + ' virtual ms'; }
  if (m.type === '@xstate.actor') addActor(m);
  else if (m.type === '@xstate.snapshot') {
    const a = actors.get(m.sessionId);
    if (a && m.snapshot) { a.value = m.snapshot.value; render(a); }
  } else if (m.type === '@xstate.event') addEvent(m);
}

const ws = new WebSocket('ws://' + location.host + '/');
const status = document.getElementById('status');
ws.onopen = () => { status.textContent = 'live'; };
ws.onclose = () => { status.textContent = 'run complete (disconnected)'; };
ws.onmessage = (e) => onMessage(JSON.parse(e.data));
`;
