import { kindOfId } from '../machines/ids';
import type { Violation } from '../specs/active-active-spec.machine';
import type { StepFailureKind, StepResult } from './scenarios/scenario-driver.machine';

/**
 * A run's verdict and, when it failed, why: one typed failure, the first of
 * (a spec violation, a failed step, the spec not settled, records lost or
 * twice, an unhandled event). The harness computes the facts; this decides.
 * Shrinking, checks and reports read `kind`, never the wording of a message.
 */
export type RunFailure =
  /** the spec saw a property broken: `property` is the violation's kind */
  | { kind: 'violation'; property: string; recordId: number; component: string; at: number }
  /** the run used its message or virtual-time budget and was still busy (a livelock) */
  | { kind: 'no-progress'; component: string; at: number }
  /** a scenario step failed; `step` is its number, `failure` how */
  | { kind: 'step-failed'; step: string; failure: StepFailureKind; specState: string }
  /** the spec ended neither cold nor excused (records still pending) */
  | { kind: 'spec-unsettled'; specState: string }
  /** records published and not kept, or kept twice, with no violation naming them */
  | { kind: 'records-lost'; lost: number; duplicates: number }
  /** strict: an actor got an event its state does not handle */
  | { kind: 'unhandled-event'; actor: string; state: string; event: string; at: number }
  /** the driver did not reach its passed state, with no step failed (stopped by the run's end) */
  | { kind: 'scenario-unfinished'; driverState: string }
  /** the run threw: an internal error or a bug in a replacement machine, not a verdict on the model */
  | { kind: 'crashed'; error: string }
  /** no result within the seed time limit */
  | { kind: 'hung' };

export type FailureKind = RunFailure['kind'];

export interface UnhandledEventFact {
  actor: string;
  state: string;
  event: string;
  at: number;
}

/** What the verdict is computed from, as the harness collects it at the end of a run. */
export interface VerdictFacts {
  /** the scenario driver's final state value ('passed' when every step passed) */
  driverState: string;
  steps: StepResult[];
  specState: string;
  /** the spec ended settled: cold, or a state the scenario accepts */
  specSettled: boolean;
  /** the violations that fail the run (any the scenario accepts left out) */
  violations: Violation[];
  /** records lost and kept twice; absent when the design's spec reports loss as violations */
  loss?: { lost: number; duplicates: number };
  unhandled: UnhandledEventFact[];
  strict: boolean;
}

export interface Verdict {
  verdict: 'pass' | 'fail';
  failure?: RunFailure;
}

/** Decides a run: pass only when every step passed, the spec settled and nothing was broken, lost or unhandled. */
export function decideVerdict(f: VerdictFacts): Verdict {
  const failure = firstFailure(f);
  return failure ? { verdict: 'fail', failure } : { verdict: 'pass' };
}

function firstFailure(f: VerdictFacts): RunFailure | undefined {
  const v = f.violations[0];
  if (v) return v.kind === 'no-progress' ? { kind: 'no-progress', component: v.component, at: v.at } : violationFailure(v);
  const step = f.steps.find((s) => !s.ok);
  // A step without a kind is from a driver of an older shape: its check did not hold.
  if (step) return { kind: 'step-failed', step: step.step, failure: step.failure ?? 'check-failed', specState: f.specState };
  if (!f.specSettled) return { kind: 'spec-unsettled', specState: f.specState };
  if (f.loss && (f.loss.lost > 0 || f.loss.duplicates > 0)) return { kind: 'records-lost', ...f.loss };
  const u = f.unhandled[0];
  if (f.strict && u) return { kind: 'unhandled-event', actor: u.actor, state: u.state, event: u.event, at: u.at };
  if (f.driverState !== 'passed') return { kind: 'scenario-unfinished', driverState: f.driverState };
  return undefined;
}

const violationFailure = (v: Violation): RunFailure => ({ kind: 'violation', property: v.kind, recordId: v.recordId, component: v.component, at: v.at });

/** How a step failure reads in a signature (the words shrinking has always used). */
const stepSignature: Record<StepFailureKind, string> = {
  'command-rejected': 'rejected',
  'wait-failed': 'wait-failed',
  quiescent: 'quiescent',
  deadline: 'deadline',
  'check-failed': 'check',
  'check-threw': 'check',
};

/**
 * A failure as a short stable key: two runs that fail the same way have the
 * same one (shrinking keeps a candidate only if its key is the original's).
 */
export function signatureOf(failure: RunFailure): string {
  switch (failure.kind) {
    case 'violation':
      return `violation ${failure.property}`;
    case 'no-progress':
      return 'violation no-progress';
    case 'step-failed':
      return `step ${stepSignature[failure.failure]}${failure.specState === 'stuck' ? ' (spec stuck)' : ''}`;
    case 'spec-unsettled':
      return `spec ${failure.specState}`;
    case 'unhandled-event':
      return `unhandled ${failure.event} in ${kindOfId(failure.actor)}`;
    case 'records-lost':
    case 'scenario-unfinished':
    case 'crashed':
    case 'hung':
      return failure.kind;
  }
}
