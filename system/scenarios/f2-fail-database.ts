import type { TpsRecord } from '../../machines/protocol';
import { ids, queueNames, type Layout } from '../layout';
import type { ScenarioStep } from '../scenario-driver.machine';
import { control, destinationHolds, finalStep, inState, publish, queueHasSeen, routedTo } from './steps';

const FAILED_STAGE = 'preprocess';

/**
 * The seed's F2 "fail database" test. `scope` 'region' fails the preprocess
 * table in region 1 only (the seed's wording); 'global' fails the whole
 * table, both regions and replication, as the P reference does.
 */
export function f2FailDatabaseSteps(scope: 'region' | 'global') {
  return (layout: Layout, batches: TpsRecord[][]): ScenarioStep[] => {
    if (!layout.stages.includes(FAILED_STAGE) || layout.stages.indexOf(FAILED_STAGE) === 0)
      throw new Error(`f2 scenarios need a '${FAILED_STAGE}' stage after the first; stages are ${layout.stages.join(', ')}`);
    if (batches.length !== 3) throw new Error('f2 scenarios need 3 batches');
    const table = ids.table(FAILED_STAGE);
    const stageAt = layout.stages.indexOf(FAILED_STAGE);
    const waitingQueue = (region: number) => ids.queue(queueNames(layout.stages)[stageAt], region);
    const container = (region: number) => ids.container(FAILED_STAGE, region);
    const [b1, b2, b3] = batches;
    const failedRegions = scope === 'region' ? [1] : layout.regions;
    const share = (batch: TpsRecord[]) => batch.length / layout.regions.length;

    return [
      {
        step: '1-4',
        name: 'Build and wire every component; make 3 batches of 10 records; give them to the source and the spec',
        check: (view) => ({
          ok: view.spec().pending === b1.length * 3 && view.state(ids.source) === 'idle',
          observed: {
            components: Object.keys(view.context<{ components: object }>('tps').components).length,
            records: batches.map((b) => b.map((r) => r.recordId)),
            specPending: view.spec().pending,
          },
        }),
      },
      {
        step: '5',
        name: 'Publish batch 1 and wait until all 10 reach the destination',
        waits: [publish(1), destinationHolds(b1.length)],
        check: (view) => {
          const delivered = view.context(ids.destination).count;
          return {
            ok: delivered === b1.length,
            observed: {
              delivered,
              perRegion: Object.fromEntries(layout.regions.map((r) => [`r${r}`, routedTo(view, r, b1).length])),
            },
          };
        },
      },
      {
        step: '6',
        name:
          scope === 'region'
            ? 'Fail the preprocess table in region 1'
            : 'Fail the whole preprocess table (both regions and replication)',
        commands: [control(table, 'fail', scope === 'region' ? { region: 1 } : {})],
        check: (view) => {
          const states = Object.fromEntries(layout.regions.map((r) => [ids.regionalTable(FAILED_STAGE, r), view.state(ids.regionalTable(FAILED_STAGE, r))]));
          const ok = layout.regions.every((r) => (states[ids.regionalTable(FAILED_STAGE, r)] === 'failed') === failedRegions.includes(r));
          return { ok, observed: { tables: states } };
        },
      },
      {
        step: '7',
        name: 'Publish batch 2; wait until the failed region(s) inbound-preprocess queue has seen 10 sends in all',
        waits: [
          publish(2),
          ...failedRegions.flatMap((r) => [queueHasSeen(waitingQueue(r), share(b1) + share(b2)), inState(container(r), 'failedDependency')]),
          ...(scope === 'region' ? [destinationHolds(b1.length + share(b2))] : []),
        ],
        check: (view) => {
          const observed: Record<string, unknown> = {};
          let ok = true;
          for (const r of failedRegions) {
            const waiting = view.context(waitingQueue(r)).records.toArray().map((x: TpsRecord) => x.recordId);
            const expected = routedTo(view, r, b2);
            observed[`${container(r)}`] = view.state(container(r));
            observed[`${waitingQueue(r)} pending`] = waiting;
            ok &&= view.state(container(r)) === 'failedDependency';
            ok &&= JSON.stringify(waiting) === JSON.stringify(expected);
          }
          const delivered = view.context(ids.destination).count;
          observed.delivered = delivered;
          if (scope === 'region') {
            const r2 = routedTo(view, 2, b2);
            const arrived = view.context(ids.destination).records;
            observed['region 2 batch 2 at destination'] = r2.filter((id) => id in arrived);
            ok &&= r2.every((id) => id in arrived) && delivered === b1.length + r2.length;
          } else {
            ok &&= delivered === b1.length;
          }
          return { ok, observed };
        },
      },
      {
        step: '8',
        name:
          scope === 'region'
            ? 'Recover the preprocess table, then the region 1 preprocess container'
            : 'Recover the whole preprocess table, then each preprocess container that entered failed dependency',
        commands: (view) => [
          control(table, 'recover', scope === 'region' ? { region: 1 } : {}),
          ...layout.regions
            .filter((r) => view.state(container(r)) === 'failedDependency')
            .map((r) => control(container(r), 'recover')),
        ],
        check: (view) => ({
          ok: failedRegions.every(
            (r) => view.state(ids.regionalTable(FAILED_STAGE, r)) === 'active' && view.state(container(r)) !== 'failedDependency',
          ),
          observed: Object.fromEntries(failedRegions.map((r) => [container(r), view.state(container(r))])),
        }),
      },
      {
        step: '9',
        name: 'Publish batch 3',
        waits: [publish(3)],
      },
      {
        ...finalStep(layout, batches, '10'),
        check: (view) => {
          const base = finalStep(layout, batches, '10').check!(view);
          // FIFO within a region: the records left waiting by the failure are
          // written before any batch 3 record of that region.
          const fifo: Record<string, boolean> = {};
          for (const r of failedRegions) {
            const writes: number[] = view.context(ids.regionalTable(FAILED_STAGE, r)).writes;
            const pending = routedTo(view, r, b2);
            const batch3 = new Set(b3.map((x) => x.recordId));
            const firstB3 = writes.findIndex((id) => batch3.has(id));
            fifo[`r${r}`] = pending.every((id) => writes.indexOf(id) >= 0 && (firstB3 < 0 || writes.indexOf(id) < firstB3));
          }
          return {
            ok: base.ok && Object.values(fifo).every(Boolean),
            observed: { ...base.observed, pendingBatch2BeforeBatch3: fifo },
          };
        },
      },
    ];
  };
}
