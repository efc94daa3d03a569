import type { RunReport } from '../run-scenario';
import type { SimulationResult } from '../simulation';
import { buildHtmlReportInput, htmlReportInputSchema } from './html-report';
import { buildLanes } from './lanes';
import { counterexampleSequence, type SequenceView } from './sequence';
import { formatSequence } from './sequence-text';

/** The counterexample sequence of a run that kept its trace; null when it did not fail by a violation or a lost or stuck record. */
export function runSequence(report: Parameters<typeof buildHtmlReportInput>[0], result: SimulationResult): SequenceView | null {
  const input = htmlReportInputSchema.parse(buildHtmlReportInput(report, result));
  const { lanes } = buildLanes(input);
  return counterexampleSequence({ ...input, lanes: [...lanes.values()] });
}

/** `tps run --explain`: the counterexample as text lanes in virtual time. */
export function explainRun(report: RunReport, result: SimulationResult): string[] {
  const view = runSequence(report, result);
  if (view) return formatSequence(view);
  return [report.verdict === 'pass' ? 'Nothing to explain: the run passed.' : 'No violation and no lost or stuck record to draw: see the failed steps above.'];
}
