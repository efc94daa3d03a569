import { ids } from '../../machines/ids';
import { queueNames } from '../../machines/layout';

/**
 * The system as a picture, drawn from the topology: the source and the
 * in-DNS on the left; per region, the stages' queues and containers in a row
 * with each stage's regional table under its container; the replicators under
 * the regions; the out-DNS and the destination on the right. Every component
 * is a `g.mnode[data-actor=systemId]` with an empty status line, so a page can
 * colour it and write its queue depth or record into it (the live inspector),
 * or a report can annotate it (the static map).
 */

const COL_W = 86;
const NODE_W = 76;
const NODE_H = 54;
const ROW_GAP = 16;
const MARGIN = 12;

export interface MapNode {
  actor: string;
  kind: 'source' | 'dns' | 'queue' | 'container' | 'table' | 'replicator' | 'destination';
  x: number;
  y: number;
  /** label lines: the kind (and region), then the name cut after each "-" */
  lines: string[];
}

export interface MapAnnotation {
  /** extra classes: e.g. faulted, stopped, violated */
  cls?: string;
  status?: string;
  tip?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const nameLines = (name: string) => name.split(/(?<=-)/);

/** Where each component goes: columns along the pipeline, rows per region (main row, then its tables), replicators last. */
export function mapLayout(stages: string[], regions: number[]): { nodes: MapNode[]; edges: [string, string, string][]; width: number; height: number } {
  const S = stages.length;
  const queues = queueNames(stages);
  const bandH = 2 * NODE_H + 2 * ROW_GAP;
  const colX = (c: number) => MARGIN + c * COL_W;
  const rowY = (r: number, tables: boolean) => MARGIN + r * bandH + (tables ? NODE_H + ROW_GAP : 0);
  const replicatorY = MARGIN + regions.length * bandH;
  const midY = MARGIN + (regions.length * bandH - ROW_GAP) / 2 - NODE_H / 2;
  const nodes: MapNode[] = [
    { actor: ids.source, kind: 'source', x: colX(0), y: midY, lines: ['source'] },
    { actor: ids.inDns, kind: 'dns', x: colX(1), y: midY, lines: ['DNS', 'in'] },
  ];
  const edges: [string, string, string][] = [[ids.source, ids.inDns, 'flow']];
  regions.forEach((region, r) => {
    for (let k = 0; k <= S; k++) {
      const queue = ids.queue(queues[k], region);
      nodes.push({ actor: queue, kind: 'queue', x: colX(2 + 2 * k), y: rowY(r, false), lines: [`queue · r${region}`, ...nameLines(queues[k])] });
      edges.push([k === 0 ? ids.inDns : ids.container(stages[k - 1], region), queue, 'flow']);
      if (k === S) {
        edges.push([queue, ids.outDns, 'flow']);
        continue;
      }
      const container = ids.container(stages[k], region);
      const table = ids.regionalTable(stages[k], region);
      nodes.push({ actor: container, kind: 'container', x: colX(3 + 2 * k), y: rowY(r, false), lines: [`container · r${region}`, stages[k]] });
      nodes.push({ actor: table, kind: 'table', x: colX(3 + 2 * k), y: rowY(r, true), lines: [`table · r${region}`, stages[k]] });
      edges.push([queue, container, 'flow'], [container, table, 'write'], [table, ids.replicator(ids.table(stages[k])), 'replication']);
    }
  });
  stages.forEach((stage, k) =>
    nodes.push({ actor: ids.replicator(ids.table(stage)), kind: 'replicator', x: colX(3 + 2 * k), y: replicatorY, lines: ['replicator', stage] }),
  );
  nodes.push({ actor: ids.outDns, kind: 'dns', x: colX(3 + 2 * S), y: midY, lines: ['DNS', 'out'] });
  nodes.push({ actor: ids.destination, kind: 'destination', x: colX(4 + 2 * S), y: midY, lines: ['destination'] });
  edges.push([ids.outDns, ids.destination, 'flow']);
  return { nodes, edges, width: colX(5 + 2 * S) - COL_W + NODE_W + MARGIN, height: replicatorY + NODE_H + MARGIN };
}

/** An edge, and for a flow its arrowhead drawn as a path (no marker: the page references nothing, not even url(#id)). */
function edgeSvg(a: MapNode, b: MapNode, kind: string): string {
  const line = (d: string) => `<path class="medge ${kind}" d="${d}"/>`;
  const [ax, ay, bx, by] = [a.x + NODE_W / 2, a.y + NODE_H / 2, b.x + NODE_W / 2, b.y + NODE_H / 2];
  if (a.x === b.x) return line(`M${ax} ${ay < by ? a.y + NODE_H : a.y}V${ay < by ? b.y : b.y + NODE_H}`);
  const right = ax < bx;
  const x1 = right ? a.x + NODE_W : a.x;
  const x2 = right ? b.x : b.x + NODE_W;
  const mx = (x1 + x2) / 2;
  const head = kind === 'flow' ? `<path class="mhead" d="M${x2} ${by}l${right ? -6 : 6} -3.5v7z"/>` : '';
  return line(`M${x1} ${ay}C${mx} ${ay} ${mx} ${by} ${x2} ${by}`) + head;
}

/** The map as SVG; `annotate` adds classes, a status line and a tooltip per actor. */
export function systemMapSvg(stages: string[], regions: number[], annotate: (actor: string) => MapAnnotation | undefined = () => undefined): string {
  const { nodes, edges, width, height } = mapLayout(stages, regions);
  const byActor = new Map(nodes.map((n) => [n.actor, n]));
  const edgesSvg = edges
    .filter(([a, b]) => byActor.has(a) && byActor.has(b))
    .map(([a, b, kind]) => edgeSvg(byActor.get(a)!, byActor.get(b)!, kind))
    .join('');
  const nodeSvg = nodes
    .map((n) => {
      const a = annotate(n.actor) ?? {};
      const text = n.lines
        .map((line, i) => `<text class="${i === 0 ? 'mk' : 'mn'}" x="${n.x + NODE_W / 2}" y="${n.y + 11 + i * 11}" text-anchor="middle">${esc(line)}</text>`)
        .join('');
      return (
        `<g class="mnode ${n.kind}${a.cls ? ` ${a.cls}` : ''}" data-actor="${esc(n.actor)}"${a.tip ? ` data-tip="${esc(a.tip)}"` : ''}>` +
        `<rect x="${n.x}" y="${n.y}" width="${NODE_W}" height="${NODE_H}" rx="${n.kind === 'queue' ? 10 : 4}"/>${text}` +
        `<text class="mstatus" x="${n.x + NODE_W / 2}" y="${n.y + NODE_H - 5}" text-anchor="middle">${esc(a.status ?? '')}</text>` +
        `<title>${esc(n.actor)}</title></g>`
      );
    })
    .join('');
  return (
    `<svg class="sysmap" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="the system: ${esc(stages.join(', '))} in regions ${regions.join(', ')}">` +
    edgesSvg +
    nodeSvg +
    `</svg>`
  );
}

/** The map's stylesheet: shared by the report and the inspector page. */
export const MAP_CSS = `
.sysmap{display:block;font:9px system-ui,"DejaVu Sans",sans-serif}
.sysmap .mnode rect{fill:#fff;stroke:#8c959f;stroke-width:1.2}
.sysmap .mnode.queue rect{fill:#f3f7ff}.sysmap .mnode.table rect{fill:#f6fff4}.sysmap .mnode.replicator rect{fill:#fafafa;stroke-dasharray:3 2}
.sysmap .mk{fill:#57606a;font-size:8.5px}.sysmap .mn{fill:#1f2328;font-weight:700;font-size:9.5px}
.sysmap .mstatus{fill:#0550ae;font-weight:700;font-size:9.5px}
.sysmap .medge{fill:none;stroke:#afb8c1;stroke-width:1.2}.sysmap .mhead{fill:#8c959f}.sysmap .medge.write{stroke-dasharray:3 2}.sysmap .medge.replication{stroke-dasharray:1 3}
.sysmap .mnode.busy rect{stroke:#0969da;stroke-width:2}
.sysmap .mnode.waiting rect{fill:#fff8c5;stroke:#9a6700;stroke-width:2}
.sysmap .mnode.failed rect{fill:#ffebe9;stroke:#cf222e;stroke-width:2.5}.sysmap .mnode.failed .mstatus{fill:#cf222e}
.sysmap .mnode.faulted rect{stroke:#cf222e;stroke-width:2.5;stroke-dasharray:5 2}.sysmap .mnode.faulted .mstatus{fill:#cf222e}
.sysmap .mnode.stopped rect{fill:#24292f}.sysmap .mnode.stopped text{fill:#fff}
.sysmap .mnode.violated rect{stroke:#c2185b;stroke-width:3}.sysmap .mnode.violated .mstatus{fill:#c2185b}
.sysmap .mnode[data-tip]{cursor:default}
`;

/** The map as a standalone SVG file (its stylesheet inside, a white background): docs/diagrams/topology.svg. */
export function topologySvgFile(stages: string[], regions: number[]): string {
  const svg = systemMapSvg(stages, regions);
  const [, width, height] = /width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(svg)!;
  return (
    svg
      .replace('<svg class="sysmap"', '<svg xmlns="http://www.w3.org/2000/svg" class="sysmap"')
      .replace(/(<svg[^>]*>)/, `$1<style>${MAP_CSS.replace(/\n/g, '')}</style><rect width="${width}" height="${height}" fill="#fff"/>`) + '\n'
  );
}
