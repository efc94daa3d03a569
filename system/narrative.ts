import type { RunReport } from './run-scenario';
import type { SimulationResult } from './simulation';
import { inRegion } from '../machines/ids';

const show = (v: unknown): string => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
};

/** The human-readable story of a run: each step, what was observed, the verdict. */
export function narrate(report: RunReport, result: SimulationResult): string {
  const { layout } = result;
  const lines: string[] = [];
  const lat = report.latency;
  lines.push(`Scenario ${report.scenario} (seed ${report.seed}, latency ${lat.model} ${lat.min}-${lat.max} ms${lat.model === 'skewed' ? `, ${lat.slow} x${lat.factor}` : ''})`);
  if (report.strategy) lines.push(`Strategy ${report.strategy}: ${report.drew ?? ''}`);
  lines.push(
    `Topology: regions ${layout.topology.regions.map((r) => `r${r.region} (weight ${r.weight})`).join(', ')}; ` +
      `stages ${layout.stages.join(' -> ')}; ${layout.components.length} components + spec + driver`,
  );
  if (report.faults.length) {
    lines.push(`Fault plan (${report.faults.length} fault${report.faults.length === 1 ? '' : 's'}, carried out by the fault injector):`);
    for (const f of report.faults) lines.push(`  ${f.label}`);
    for (const f of report.faults) {
      const hit = f.hitState ? ` while ${f.kind === 'table-region-fail' ? inRegion(f.target, f.region as number) : f.target} was ${f.hitState}${f.hitRecordId !== null ? ` (record ${f.hitRecordId})` : ''}` : '';
      lines.push(
        f.start === null
          ? `  ${f.id}: never started (its trigger did not come)`
          : `  ${f.id}: started t=${f.start}ms${hit}; healed ${f.end === null ? 'never' : `t=${f.end}ms`}`,
      );
    }
  }
  lines.push('');
  for (const s of report.steps) {
    lines.push(`Step ${s.step.padEnd(4)} ${s.ok ? 'ok  ' : 'FAIL'}  t=${s.at}ms  ${s.name}`);
    for (const c of s.commands) lines.push(`            did: ${c.verb} ${c.target}${c.args && Object.keys(c.args).length ? ` ${show(c.args)}` : ''}`);
    for (const p of s.publications ?? [])
      lines.push(
        p.outcome === 'published'
          ? `            published batch ${p.batch}`
          : `            batch ${p.batch} interrupted after ${p.sent} records: record ${p.failedRecordId} refused`,
      );
    for (const w of s.waited) lines.push(`            waited until: ${w}`);
    for (const [k, v] of Object.entries(s.observed)) lines.push(`            ${k}: ${show(v)}`);
    if (s.detail) lines.push(`            ${s.detail}`);
  }
  lines.push('');
  const r = report.records;
  lines.push(
    `Records: ${r.published} published, ${r.delivered} delivered, ${r.lost} lost, ${r.duplicates} duplicates; ` +
      `spec ${report.specState}, ${report.violations.length} violations, ${report.unhandledEvents} unhandled events`,
  );
  for (const v of report.violations.slice(0, 10)) lines.push(`  violation ${v.kind} at t=${v.at}ms in ${v.component}: ${v.message}`);
  for (const p of report.stuck.slice(0, 10)) lines.push(`  pending record ${p.recordId}: ${p.stuckAt}`);
  for (const u of report.unhandled.slice(0, 10)) lines.push(`  unhandled at t=${u.at}ms: ${u.actor} in ${u.state} got ${u.event}`);
  const lost = report.lostOnFailover ?? [];
  if (lost.length) {
    const records = [...new Set(lost.map((l) => l.recordId))];
    const databases = [...new Set(lost.map((l) => l.database))];
    lines.push(`Lost on failover: ${records.length} records (${show(records.join(','))}) not replicated before a switch, missing from ${databases.join(', ')}`);
  }
  const rt = report.routing;
  if (report.topology.design === 'active-passive') lines.push('Routing: failover DNS (the active region only)');
  else
    lines.push(
      `Routing (in-DNS): ${rt.regions.map((x) => `r${x.region} ${x.routed} (weight ${x.weight}: ${x.expected} ± ${rt.slack})`).join(', ')}`,
    );
  lines.push(
    `Cross-region order at the destination: ${report.crossRegionOrderPreserved ? 'preserved' : 'not preserved'} ` +
      `(arrivals ${show(report.destinationArrivals.join(','))}); the seed does not guarantee it`,
  );
  lines.push(
    `Trace: ${report.stats.messages} messages, ${report.stats.virtualTimeMs} virtual ms, ${report.stats.wallMs} wall ms; digest ${report.traceDigest.slice(0, 16)}`,
  );
  lines.push(`Verdict: ${report.verdict.toUpperCase()}`);
  return lines.join('\n');
}
