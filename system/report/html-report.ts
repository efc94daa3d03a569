import { z } from 'zod';
import { formatIssues, InputError } from '../../machines/support';
import { queueNames } from '../layout';
import type { RunReport } from '../run-scenario';
import type { SimulationResult } from '../simulation';
import { faultWindowSchema, faultWindowsFromSteps, type FaultWindow } from './fault-windows';
import { REPORT_CSS, REPORT_JS } from './html-assets';

export { faultWindowsFromSteps, type FaultWindow } from './fault-windows';

/**
 * A self-contained HTML picture of one run: a lane per record on a virtual
 * time axis, fault windows, steps, failed replies, violations and the spec's
 * state. No network: CSS, SVG and the little hover/zoom script are inline.
 */

export const traceEventSchema = z.object({
  t: z.number(),
  from: z.string(),
  to: z.string(),
  type: z.string(),
  recordId: z.number().optional(),
  success: z.boolean().optional(),
});
export type TraceEvent = z.infer<typeof traceEventSchema>;

const count = z.number().int().min(0);

export const htmlReportInputSchema = z.object({
  scenario: z.string(),
  seed: z.number(),
  verdict: z.enum(['pass', 'fail']),
  records: z.object({ published: count, delivered: count, lost: count, duplicates: count }),
  /** record ids, one list per batch: one lane per record, one group per batch */
  batches: z.array(z.array(z.number())),
  stages: z.array(z.string()).min(1),
  regions: z.array(z.number()),
  trace: z.array(traceEventSchema),
  steps: z.array(
    z.object({
      step: z.string(),
      name: z.string(),
      ok: z.boolean(),
      at: z.number(),
      commands: z.array(z.object({ target: z.string(), verb: z.string(), args: z.record(z.string(), z.unknown()).optional() })),
      detail: z.string().optional(),
    }),
  ),
  faults: z.array(faultWindowSchema),
  violations: z.array(z.object({ kind: z.string(), recordId: z.number(), component: z.string(), at: z.number(), message: z.string() })),
  spec: z.object({ coldAt: z.number().nullable(), finalState: z.string() }),
  stats: z.object({ messages: count, virtualTimeMs: z.number().min(0), wallMs: z.number().min(0) }),
  unhandledEvents: count.optional(),
});
export type HtmlReportInput = z.input<typeof htmlReportInputSchema>;
type Input = z.output<typeof htmlReportInputSchema>;

/** The renderer's input from what `runScenario` returns; the run must have kept its trace. */
export function buildHtmlReportInput(
  report: Pick<RunReport, 'scenario' | 'seed' | 'verdict' | 'records' | 'steps' | 'violations' | 'specState' | 'stats' | 'unhandledEvents'>,
  result: SimulationResult): HtmlReportInput {
  if (!result.trace) throw new InputError('html report', ['the run kept no trace: run it with keepTrace: true']);
  const source = result.layout.components.find((c) => c.kind === 'source');
  const batches = ((source?.input as { batches?: { recordId: number }[][] })?.batches ?? []).map((b) => b.map((r) => r.recordId));
  return {
    scenario: report.scenario,
    seed: report.seed,
    verdict: report.verdict,
    records: report.records,
    batches,
    stages: result.layout.stages,
    regions: result.layout.regions,
    trace: result.trace.map((line) => JSON.parse(line) as TraceEvent),
    steps: report.steps,
    // the fault injector's windows are exact; a scenario's own fail/recover steps add theirs
    faults: [
      ...result.faults
        .filter((f) => f.start !== null)
        .map((f) => ({
          id: f.id,
          kind: f.kind,
          target: f.region !== undefined && f.kind !== 'dns-offline' && f.kind !== 'slow-region' ? `${f.target}:r${f.region}` : f.target,
          start: f.start!,
          end: f.end,
          label: `${f.id}: ${f.label.replace(/^[^:]+: /, '').replace(/ (at t=|when ).*$/, '')}`,
        })),
      ...faultWindowsFromSteps(report.steps),
    ],
    violations: report.violations,
    spec: { coldAt: result.final.spec.coldAt, finalState: report.specState },
    stats: report.stats,
    unhandledEvents: report.unhandledEvents,
  };
}

// ---------------------------------------------------------------------------

const LANE_H = 16;
/** groups longer than this are split, so a collapsed group stays a useful unit */
const MAX_GROUP = 100;
/** above this many records, groups start collapsed (except the first and any with a violation) */
const EXPAND_ALL_UP_TO = 200;

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#ff9da7', '#bab0ac', '#86bcb6'];
const SOURCE_COLOR = '#9aa0a6';
const DEST_COLOR = '#3f4a56';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** numbers in SVG paths: at most 2 decimals */
const n = (x: number) => String(Math.round(x * 100) / 100);
const pct = (t: number, span: number) => n((t / span) * 100);

interface Hop {
  t: number;
  /** stage index: -1 source side, stages.length destination side */
  stage: number;
  replication: boolean;
  failed: boolean;
  index: number;
}

interface Lane {
  id: number;
  region: number | null;
  hops: Hop[];
  first: number | null;
  last: number | null;
  failed: number;
  violations: Input['violations'];
  /** longest pause between two main-path hops */
  wait: { from: number; to: number; stage: number } | null;
}

/** Which stage a systemId belongs to (-1 source side, stages.length destination side, null other). */
function stageIndexer(stages: string[]) {
  const queues = queueNames(stages);
  const cache = new Map<string, number | null>();
  return (id: string): number | null => {
    const hit = cache.get(id);
    if (hit !== undefined) return hit;
    const [kind, name] = id.split(':');
    let stage: number | null = null;
    if (id === 'source' || id === 'dns:in') stage = -1;
    else if (id === 'destination' || id === 'dns:out') stage = stages.length;
    else if (kind === 'queue') stage = queues.indexOf(name) >= 0 ? queues.indexOf(name) : null;
    else if (kind === 'container' || kind === 'table') stage = stages.indexOf(name) >= 0 ? stages.indexOf(name) : null;
    cache.set(id, stage);
    return stage;
  };
}

const regionFromId = (id: string): number | null => {
  const m = /:r(\d+)$/.exec(id);
  return m ? Number(m[1]) : null;
};

function buildLanes(input: Input): { lanes: Map<number, Lane>; extraRecords: number } {
  const stageOf = stageIndexer(input.stages);
  const lanes = new Map<number, Lane>();
  for (const id of input.batches.flat())
    lanes.set(id, { id, region: null, hops: [], first: null, last: null, failed: 0, violations: [], wait: null });
  const extra = new Set<number>();
  const firstQueue = queueNames(input.stages)[0];
  input.trace.forEach((e, index) => {
    if (e.recordId === undefined) return;
    const lane = lanes.get(e.recordId);
    if (!lane) {
      extra.add(e.recordId);
      return;
    }
    const a = stageOf(e.from);
    const b = stageOf(e.to);
    const stage = Math.max(a ?? -1, b ?? -1);
    const replication = e.from.endsWith(':replicator') || e.to.endsWith(':replicator');
    const failed = e.success === false;
    lane.hops.push({ t: e.t, stage, replication, failed, index });
    if (failed) lane.failed++;
    lane.first ??= e.t;
    lane.last = e.t;
    if (lane.region === null && e.from === 'dns:in' && e.to.startsWith(`queue:${firstQueue}:`)) lane.region = regionFromId(e.to);
  });
  for (const v of input.violations) lanes.get(v.recordId)?.violations.push(v);
  for (const lane of lanes.values()) {
    let prev: Hop | null = null;
    let progress = -1;
    for (const h of lane.hops) {
      if (h.replication) continue;
      if (prev && (!lane.wait || h.t - prev.t > lane.wait.to - lane.wait.from)) lane.wait = { from: prev.t, to: h.t, stage: Math.max(progress, h.stage) };
      progress = Math.max(progress, h.stage);
      prev = h;
    }
  }
  return { lanes, extraRecords: extra.size };
}

const median = (xs: number[]) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** "nice" tick step for about `target` ticks over `span` */
export function tickStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** Renders the report; throws an InputError naming the field when the input is malformed. */
export function renderHtmlReport(raw: HtmlReportInput): string {
  const parsed = htmlReportInputSchema.safeParse(raw);
  if (!parsed.success) throw new InputError('html report input', formatIssues(parsed.error));
  const input = parsed.data;
  const { stages } = input;
  const stageName = (i: number) => (i < 0 ? 'source' : i >= stages.length ? 'destination' : stages[i]);
  const stageColor = (i: number) => (i < 0 ? SOURCE_COLOR : i >= stages.length ? DEST_COLOR : PALETTE[i % PALETTE.length]);
  const stageKeys = [-1, ...stages.map((_, i) => i), stages.length];

  const lastT = input.trace.length ? input.trace[input.trace.length - 1].t : 0;
  const end = Math.max(1, input.stats.virtualTimeMs, lastT, ...input.steps.map((s) => s.at), ...input.faults.map((f) => f.end ?? f.start));
  // a little room on the right so marks at the very end stay visible
  const T = Math.ceil(end * 1.01 + 1);
  const { lanes, extraRecords } = buildLanes(input);
  const all = [...lanes.values()];
  // A record "waited" when its longest pause between two hops of its own path
  // is far above the usual one (a latency or two): it sat in a queue or
  // behind a failed dependency.
  const pause = (l: Lane) => (l.wait ? l.wait.to - l.wait.from : 0);
  const usualPause = median(all.filter((l) => l.wait).map(pause));
  const waitThreshold = Math.max(50, 5 * usualPause);
  const waited = (l: Lane) => pause(l) > waitThreshold;
  const waitedLanes = all.filter(waited).sort((a, b) => pause(b) - pause(a));
  const failedReplies = input.trace.filter((e) => e.success === false).length;

  // --- string table and per-record hop data for the hover tooltips
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const str = (s: string) => {
    let i = stringIndex.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      stringIndex.set(s, i);
    }
    return i;
  };
  const hopData: Record<number, number[]> = {};
  for (const lane of all) {
    const flat: number[] = [];
    for (const h of lane.hops) {
      const e = input.trace[h.index];
      flat.push(e.t, str(e.from), str(e.to), str(e.type), e.success === undefined ? 2 : e.success ? 1 : 0);
    }
    hopData[lane.id] = flat;
  }

  // --- one lane's SVG content, in (virtual ms, px) coordinates
  const laneSvg = (lane: Lane, row: number): string => {
    const y = row * LANE_H;
    const parts: string[] = [];
    parts.push(`<rect class="lane${row % 2 ? ' odd' : ''}" data-record="${lane.id}" x="0" y="${y}" width="${T}" height="${LANE_H}"/>`);
    // progress bar: from each main-path hop to the next, in the colour of the furthest stage reached
    const bars = new Map<number, string[]>();
    const ticks = new Map<number, string[]>();
    const reps = new Map<number, string[]>();
    let progress = -1;
    let prev: number | null = null;
    const main = lane.hops.filter((h) => !h.replication);
    for (const h of main) {
      if (prev !== null && h.t > prev) (bars.get(progress) ?? bars.set(progress, []).get(progress)!).push(`M${n(prev)} ${y + 8}H${n(h.t)}`);
      progress = Math.max(progress, h.stage);
      prev = h.t;
    }
    for (const h of lane.hops) {
      const into = h.replication ? reps : ticks;
      const d = h.replication ? `M${n(h.t)} ${y + 11}v4` : `M${n(h.t)} ${y + 3}v10`;
      (into.get(h.stage) ?? into.set(h.stage, []).get(h.stage)!).push(d);
    }
    for (const [s, d] of bars) parts.push(`<path class="bar" stroke="${stageColor(s)}" d="${d.join('')}"/>`);
    for (const [s, d] of ticks) parts.push(`<path class="hop" stroke="${stageColor(s)}" d="${d.join('')}"/>`);
    for (const [s, d] of reps) parts.push(`<path class="hop rep" stroke="${stageColor(s)}" d="${d.join('')}"/>`);
    const fails = lane.hops.filter((h) => h.failed).map((h) => `M${n(h.t)} ${y + 1}v${LANE_H - 2}`);
    if (fails.length) parts.push(`<path class="failmark" d="${fails.join('')}"/>`);
    if (lane.violations.length)
      parts.push(`<path class="violmark" d="${lane.violations.map((v) => `M${n(v.at)} ${y}v${LANE_H}`).join('')}"/>`);
    return parts.join('');
  };

  const laneLabel = (lane: Lane): string => {
    const life = lane.first === null ? null : lane.last! - lane.first!;
    const classes = ['lbl', lane.violations.length ? 'viol' : '', waited(lane) ? 'slow' : '', lane.first === null ? 'none' : ''].filter(Boolean).join(' ');
    const tip = [
      `record ${lane.id}${lane.region !== null ? `, region ${lane.region}` : ''}`,
      lane.first === null ? 'never seen in the trace' : `first seen t=${lane.first} ms, last t=${lane.last} ms (${life} ms); ${lane.hops.length} messages`,
      lane.wait && lane.wait.to - lane.wait.from > 0
        ? `longest pause: ${lane.wait.to - lane.wait.from} ms at ${stageName(lane.wait.stage)} (t=${lane.wait.from}-${lane.wait.to} ms)`
        : '',
      lane.failed ? `${lane.failed} failed repl${lane.failed === 1 ? 'y' : 'ies'}` : '',
      ...lane.violations.map((v) => `VIOLATION ${v.kind} at t=${v.at} ms in ${v.component}`),
    ].filter(Boolean);
    const badge = lane.violations.length ? '<b class="vb">!</b>' : lane.failed ? '<b class="fb">×</b>' : '';
    return (
      `<div class="${classes}" data-tip="${esc(tip.join('\n'))}"><span class="rid">#${lane.id}</span>` +
      `<span class="reg">${lane.region !== null ? `r${lane.region}` : ''}</span>${badge}` +
      `<span class="life">${life === null ? '—' : `${life} ms`}</span></div>`
    );
  };

  // vertical marks that cross every lane of a group: fault windows and steps
  const groupBackground = (h: number): string => {
    const parts: string[] = [];
    for (const f of input.faults) {
      const x1 = f.end ?? T;
      parts.push(`<rect class="fault" x="${n(f.start)}" y="0" width="${n(Math.max(x1 - f.start, 0.5))}" height="${h}"/>`);
      parts.push(`<path class="faultedge" d="M${n(f.start)} 0V${h}${f.end !== null ? `M${n(f.end)} 0V${h}` : ''}"/>`);
    }
    if (input.steps.length) parts.push(`<path class="stepline" d="${input.steps.map((s) => `M${n(s.at)} 0V${h}`).join('')}"/>`);
    return parts.join('');
  };

  // --- groups: one per batch, long batches split
  const groups: { title: string; ids: number[] }[] = [];
  input.batches.forEach((batch, b) => {
    for (let i = 0; i < batch.length; i += MAX_GROUP) {
      const ids = batch.slice(i, i + MAX_GROUP);
      const part = batch.length > MAX_GROUP ? ` (records ${i + 1}-${i + ids.length} of ${batch.length})` : '';
      groups.push({ title: `Batch ${b + 1}${part}`, ids });
    }
  });
  const totalLanes = all.length;
  const groupHtml = groups
    .map((g, gi) => {
      const gl = g.ids.map((id) => lanes.get(id)!);
      const viol = gl.reduce((a, l) => a + l.violations.length, 0);
      const failed = gl.filter((l) => l.failed).length;
      const slowHere = gl.filter(waited).length;
      const open = totalLanes <= EXPAND_ALL_UP_TO || gi === 0 || viol > 0;
      const h = gl.length * LANE_H;
      const summary = [
        `${gl.length} record${gl.length === 1 ? '' : 's'} (#${g.ids[0]}–#${g.ids[g.ids.length - 1]})`,
        slowHere ? `<span class="s-slow">${slowHere} waited</span>` : '',
        failed ? `<span class="s-fail">${failed} with failed replies</span>` : '',
        viol ? `<span class="s-viol">${viol} violation${viol === 1 ? '' : 's'}</span>` : '',
      ]
        .filter(Boolean)
        .join(' · ');
      return (
        `<section class="group${open ? '' : ' collapsed'}" data-group="${gi}">` +
        `<button class="ghead" type="button" aria-expanded="${open}"><span class="caret"></span><b>${esc(g.title)}</b> <span class="gsum">${summary}</span></button>` +
        `<div class="gbody"><div class="labels">${gl.map(laneLabel).join('')}</div>` +
        `<svg class="plot" data-ids="${g.ids.join(',')}" viewBox="0 0 ${T} ${h}" preserveAspectRatio="none" height="${h}">` +
        groupBackground(h) +
        gl.map((l, row) => laneSvg(l, row)).join('') +
        `</svg></div></section>`
      );
    })
    .join('');

  // --- the sticky axis: ticks, steps, fault windows, spec state
  const item = (cls: string, t0: number, t1: number | null, html: string, tip?: string) =>
    `<div class="${cls}" data-t0="${t0}"${t1 !== null ? ` data-t1="${t1}"` : ''} style="left:${pct(t0, T)}%${t1 !== null ? `;width:${pct(t1 - t0, T)}%` : ''}"${tip ? ` data-tip="${esc(tip)}"` : ''}>${html}</div>`;
  const step = tickStep(T, 12);
  const ticks: string[] = [];
  for (let t = 0; t <= T; t += step) ticks.push(item('tick', t, null, `<span>${t}</span>`));
  // steps that end at the same time share one mark
  const stepsAt = new Map<number, { s: Input['steps'][number]; started: number }[]>();
  input.steps.forEach((s, i) => {
    const list = stepsAt.get(s.at) ?? stepsAt.set(s.at, []).get(s.at)!;
    list.push({ s, started: i === 0 ? 0 : input.steps[i - 1].at });
  });
  const stepMarks = [...stepsAt].map(([at, list]) => {
    const tip = list
      .map(
        ({ s, started }) =>
          `Step ${s.step} ${s.ok ? 'ok' : 'FAILED'} at t=${s.at} ms (started t=${started} ms)\n${s.name}` +
          s.commands.map((c) => `\ndid: ${c.verb} ${c.target}${c.args && Object.keys(c.args).length ? ' ' + JSON.stringify(c.args) : ''}`).join('') +
          (s.detail ? `\n${s.detail}` : ''),
      )
      .join('\n\n');
    const bad = list.some(({ s }) => !s.ok);
    return item(`stepmark${bad ? ' bad' : ''}`, at, null, `<span>${esc(list.map(({ s }) => s.step).join(' · '))}</span>`, tip);
  });
  const faultMarks = input.faults.map((f) => {
    const until = f.end ?? T;
    const tip = `${f.label}\n${f.kind} on ${f.target}\nfrom t=${f.start} ms ${f.end === null ? 'to the end of the run (never recovered)' : `to t=${f.end} ms (${f.end - f.start} ms)`}`;
    return item('faultband', f.start, until, `<span>⚡ ${esc(f.label)}</span>`, tip);
  });
  const coldAt = input.spec.coldAt;
  const stuck = input.spec.finalState === 'stuck';
  const specParts: string[] = [];
  const hotEnd = coldAt ?? T;
  specParts.push(item('spec hot', 0, hotEnd, `<span>hot</span>`, `spec hot from t=0 ms${coldAt !== null ? ` until t=${coldAt} ms` : ''}: some record not yet everywhere`));
  if (coldAt !== null) specParts.push(item('spec cold', coldAt, T, `<span>cold</span>`, `spec cold from t=${coldAt} ms: every record everywhere`));
  if (stuck) specParts.push(item('spec stuck', Math.max(0, T - T * 0.04), T, `<span>stuck</span>`, 'spec stuck: the system went quiescent with records pending'));
  const violMarks = input.violations.map((v) =>
    item('violmark-axis', v.at, null, '<span>!</span>', `VIOLATION ${v.kind}\nrecord ${v.recordId} in ${v.component} at t=${v.at} ms\n${v.message}`),
  );

  // --- header
  const r = input.records;
  const pass = input.verdict === 'pass';
  const stat = (label: string, value: string | number, cls = '') => `<div class="stat ${cls}"><div class="v">${esc(String(value))}</div><div class="k">${esc(label)}</div></div>`;
  const stats = [
    stat('published', r.published),
    stat('delivered', r.delivered, r.delivered < r.published ? 'bad' : ''),
    stat('lost', r.lost, r.lost ? 'bad' : ''),
    stat('duplicates', r.duplicates, r.duplicates ? 'bad' : ''),
    stat('violations', input.violations.length, input.violations.length ? 'bad' : ''),
    stat('failed replies', failedReplies, failedReplies ? 'warn' : ''),
    stat('messages', input.stats.messages),
    stat('virtual ms', input.stats.virtualTimeMs),
    stat('spec', input.spec.finalState, input.spec.finalState === 'cold' ? '' : 'bad'),
  ].join('');
  const fmtIds = (ids: number[]) => (ids.length > 12 ? `${ids.slice(0, 12).join(', ')} … (${ids.length})` : ids.join(', '));
  const findings: string[] = [];
  for (const f of input.faults)
    findings.push(`<li class="f-fault">⚡ <b>${esc(f.label)}</b> from t=${f.start} ms ${f.end === null ? '<b>never recovered</b>' : `to t=${f.end} ms`}</li>`);
  if (waitedLanes.length) {
    const w = waitedLanes[0];
    findings.push(
      `<li class="f-slow"><i class="dot"></i><b>${waitedLanes.length} record${waitedLanes.length === 1 ? '' : 's'} waited over ${waitThreshold} ms</b> ` +
        `(usual longest pause ${usualPause} ms): ${esc(fmtIds(waitedLanes.map((l) => l.id).sort((a, b) => a - b)))}` +
        ` — longest: #${w.id} paused ${pause(w)} ms at ${esc(stageName(w.wait!.stage))} (t=${w.wait!.from}–${w.wait!.to} ms)</li>`,
    );
  }
  if (input.violations.length) {
    const kinds = new Map<string, number>();
    for (const v of input.violations) kinds.set(v.kind, (kinds.get(v.kind) ?? 0) + 1);
    const v0 = input.violations[0];
    const LIST = 200;
    findings.push(
      `<li class="f-viol"><b>! ${input.violations.length} spec violation${input.violations.length === 1 ? '' : 's'}</b> ` +
        `(${[...kinds].map(([k, c]) => `${c} ${esc(k)}`).join(', ')}); first: record ${v0.recordId} in ${esc(v0.component)} at t=${v0.at} ms — ${esc(v0.message)}` +
        `<details><summary>every violation</summary><ol>${input.violations
          .slice(0, LIST)
          .map((v) => `<li>t=${v.at} ms · record ${v.recordId} · ${esc(v.component)} · ${esc(v.kind)}: ${esc(v.message)}</li>`)
          .join('')}${input.violations.length > LIST ? `<li>… and ${input.violations.length - LIST} more</li>` : ''}</ol></details></li>`,
    );
  }
  for (const s of input.steps.filter((s) => !s.ok)) findings.push(`<li class="f-viol">Step ${esc(s.step)} failed at t=${s.at} ms: ${esc(s.detail ?? s.name)}</li>`);
  if (stuck) findings.push(`<li class="f-viol">The spec is <b>stuck</b>: the system went quiescent with records pending</li>`);
  if (input.unhandledEvents) findings.push(`<li class="f-viol">${input.unhandledEvents} unhandled events</li>`);
  if (extraRecords) findings.push(`<li class="f-viol">${extraRecords} record ids in the trace are not in the record set</li>`);

  const legend = [
    ...stageKeys.map((s) => `<span class="lg"><i class="sw" style="background:${stageColor(s)}"></i>${esc(stageName(s))}</span>`),
    `<span class="lg"><i class="sw hopsw"></i>tall tick: a message · short tick: replication</span>`,
    `<span class="lg"><i class="sw faultsw"></i>fault window</span>`,
    `<span class="lg"><i class="sw failsw"></i>failed reply</span>`,
    `<span class="lg"><i class="sw violsw"></i>spec violation</span>`,
    `<span class="lg"><i class="sw stepsw"></i>scenario step</span>`,
  ].join('');

  const stepList = input.steps
    .map((s) => `<tr class="${s.ok ? '' : 'bad'}"><td>${esc(s.step)}</td><td>${s.ok ? 'ok' : 'FAIL'}</td><td>${s.at}</td><td>${esc(s.name)}${s.detail ? ` — ${esc(s.detail)}` : ''}</td></tr>`)
    .join('');

  const data = { T, laneH: LANE_H, s: strings, r: hopData };
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const title = `${input.scenario} seed ${input.seed}: ${pass ? 'PASS' : 'FAIL'}`;

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style></head>
<body style="--label-w:150px">
<header>
  <div class="verdict ${pass ? 'pass' : 'fail'}" id="verdict">${pass ? 'PASS' : 'FAIL'}</div>
  <div class="what"><h1>${esc(input.scenario)} <span class="seed">seed ${input.seed}</span></h1>
  <div class="sub">${all.length} records in ${input.batches.length} batch${input.batches.length === 1 ? '' : 'es'}; regions ${input.regions.map((x) => `r${x}`).join(', ')}; stages ${esc(stages.join(' → '))}${coldAt !== null ? `; spec cold at t=${coldAt} ms` : ''}</div></div>
  <div class="stats">${stats}</div>
</header>
${findings.length ? `<ul class="findings">${findings.join('')}</ul>` : `<ul class="findings"><li>No fault windows, slow records or violations.</li></ul>`}
<details class="steps"><summary>Scenario steps (${input.steps.length})</summary><table><thead><tr><th>step</th><th></th><th>t (ms)</th><th>what</th></tr></thead><tbody>${stepList}</tbody></table></details>
<div class="toolbar"><div class="legend">${legend}</div>
<div class="zoom"><button type="button" data-zoom="in" title="zoom in (+, or ctrl+wheel)">+</button><button type="button" data-zoom="out" title="zoom out (-)">−</button><button type="button" data-zoom="fit" title="whole run (0)">fit</button><span id="range"></span>
<button type="button" data-groups="open">expand all</button><button type="button" data-groups="close">collapse all</button></div></div>
<main id="timeline">
<div class="axis" id="axis">
  <div class="arow"><div class="alabel">virtual ms</div><div class="atrack ticks" id="ticks">${ticks.join('')}</div></div>
  <div class="arow"><div class="alabel">steps</div><div class="atrack steps-track">${stepMarks.join('')}</div></div>
  <div class="arow faultrow"><div class="alabel">faults</div><div class="atrack">${faultMarks.join('') || '<span class="none">none</span>'}</div></div>
  <div class="arow"><div class="alabel">spec</div><div class="atrack spec-track">${specParts.join('')}</div></div>
  ${violMarks.length ? `<div class="arow"><div class="alabel">violations</div><div class="atrack">${violMarks.join('')}</div></div>` : ''}
</div>
<div id="groups">${groupHtml}</div>
</main>
<div id="tip" role="tooltip" hidden></div>
<footer>${input.stats.messages} messages · ${input.stats.virtualTimeMs} virtual ms · ${input.stats.wallMs} wall ms · generated by tps run --html</footer>
<script id="data" type="application/json">${json}</script>
<script>${REPORT_JS}</script>
</body></html>
`;
}
