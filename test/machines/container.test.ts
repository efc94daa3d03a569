import { VirtualClock } from '../../actors/virtual-clock';
import { containerMachine, type ContainerContext } from '../../machines/container.machine';
import { globalTableMachine } from '../../machines/global-table.machine';
import { queueMachine, type QueueContext } from '../../machines/queue.machine';
import type { RegionalTableContext } from '../../machines/regional-table.machine';
import type { TpsRecord } from '../../machines/protocol';
import { inputOutcome, rec, startSystem, stepUntil, type Delivery } from './harness';

/**
 * A container 'c' (stage core, region `region`) reading queue 'in', writing
 * global table 'gt' (regions 1 and 2), feeding queue 'out'; a producer probe 'p'.
 * With `latency`, every machine delays its sends by that much on the virtual clock.
 */
function setupContainer(options: { latency?: number; outLatency?: number; region?: number } = {}) {
  const region = options.region ?? 1;
  const clock = options.latency === undefined ? undefined : new VirtualClock();
  const delays = options.latency === undefined ? undefined : { latency: () => options.latency! };
  const sys = startSystem(
    [
      { id: 'in', logic: delays ? queueMachine.provide({ delays }) : queueMachine, input: { id: 'in', region } },
      {
        id: 'out',
        logic: options.outLatency !== undefined
          ? queueMachine.provide({ delays: { latency: () => options.outLatency! } })
          : delays
            ? queueMachine.provide({ delays })
            : queueMachine,
        input: { id: 'out', region },
      },
      {
        id: 'gt',
        logic: delays ? globalTableMachine.provide({ delays }) : globalTableMachine,
        input: { id: 'gt', stage: 'core', regions: [1, 2] },
      },
      {
        id: 'c',
        logic: delays ? containerMachine.provide({ delays }) : containerMachine,
        input: { id: 'c', stage: 'core', region, inputQueue: 'in', table: 'gt', outputQueue: 'out' },
      },
    ],
    { probes: ['p'], clock },
  );
  const leafOf = (value: unknown): string =>
    typeof value === 'string' ? value : (Object.values(value as object)[0] as string);
  const states: string[] = [leafOf(sys.state('c'))];
  sys.get('c').subscribe((s: { value: unknown }) => {
    const v = leafOf(s.value);
    if (states.at(-1) !== v) states.push(v);
  });
  const idsOf = (q: string) => sys.ctx<QueueContext>(q).records.map((r) => r.recordId);
  return {
    ...sys,
    clock: clock!,
    /** container states (leaf names) in the order entered since setup */
    states,
    produce: (...ids: number[]) => {
      for (const id of ids) sys.send('in', { type: 'queue.send', record: rec(id), replyTo: sys.get('p') });
    },
    inIds: () => idsOf('in'),
    outIds: () => idsOf('out'),
    tableIds: (r = region) => Object.keys(sys.ctx<RegionalTableContext>(`gt:r${r}`).rows).map(Number),
    /** every request the container made, as "target:type:recordId" */
    requests: () =>
      sys.log
        .filter((d) => d.from === 'c')
        .map((d) => `${d.to}:${d.type.replace(/^(queue|table)\./, '')}${d.event.record ? `:${d.event.record.recordId}` : d.event.recordId !== undefined ? `:${d.event.recordId}` : ''}`),
    /** how many times a record was sent to 'out' */
    sendsToOut: (id: number) =>
      sys.deliveredTo('out', { type: 'queue.send' }).filter((d) => d.event.record.recordId === id).length,
    leaf: () => leafOf(sys.state('c')),
  };
}

/** index in the delivery log of the first delivery matching */
function at(log: Delivery[], to: string, type: string, recordId: number): number {
  const recordOf = (event: Delivery['event']) => {
    const e = event as { record?: TpsRecord; recordId?: number };
    return e.record?.recordId ?? e.recordId;
  };
  const i = log.findIndex((d) => d.to === to && d.type === type && recordOf(d.event) === recordId);
  if (i < 0) throw new Error(`no ${type} of ${recordId} to ${to}`);
  return i;
}

describe('container machine', () => {
  describe('input', () => {
    it('starts in processRecords.awaitingRecord, registered with its input queue', () => {
      const t = setupContainer();
      expect(t.state('c')).toEqual({ processRecords: 'awaitingRecord' });
      expect(t.ctx('c')).toMatchObject({
        id: 'c',
        stage: 'core',
        region: 1,
        inputQueue: 'in',
        table: 'gt',
        outputQueue: 'out',
        current: null,
        ticket: 1,
        forwarded: {},
        processed: 0,
      });
      expect(t.requests()).toEqual(['in:receive']);
      expect(t.ctx('in').consumer).toEqual({ replyTo: 'c', corr: 1 });
    });

    it('rejects bad input naming the field', () => {
      const out = inputOutcome(containerMachine, { id: 'c', stage: 'core', region: 1, inputQueue: 'in', table: 'gt' });
      expect(out).toEqual({
        status: 'error',
        name: 'InputError',
        message: 'Invalid container input: outputQueue: Invalid input: expected string, received undefined',
      });
      expect(
        inputOutcome(containerMachine, { id: 'c', stage: 'core', region: 0, inputQueue: 'in', table: '', outputQueue: 'o' })
          .message,
      ).toBe(
        'Invalid container input: region: Too small: expected number to be >0; table: Too small: expected string to have >=1 characters',
      );
    });
  });

  describe('processRecords', () => {
    it('takes, persists, forwards, and only then removes a record, then asks for the next', () => {
      const t = setupContainer();
      t.reset();
      t.produce(1);
      expect(t.requests()).toEqual(['gt:insert:1', 'out:send:1', 'in:remove:1', 'in:receive']);
      // the regional table in the container's own region got the write, before the output queue got the record
      const log = t.log;
      expect(at(log, 'gt:r1', 'table.insert', 1)).toBeLessThan(at(log, 'out', 'queue.send', 1));
      expect(at(log, 'c', 'table.insertCompleted', 1)).toBeLessThan(at(log, 'out', 'queue.send', 1));
      expect(at(log, 'c', 'queue.sendCompleted', 1)).toBeLessThan(at(log, 'in', 'queue.remove', 1));
      expect(t.deliveredTo('in').map((d) => d.type)).toEqual(['queue.send', 'queue.remove', 'queue.receive']);
      expect(t.tableIds()).toEqual([1]);
      expect(t.ctx('gt:r1').writes).toEqual([1]);
      expect(t.ctx('gt:r2').writes).toEqual([]);
      expect(t.outIds()).toEqual([1]);
      expect(t.inIds()).toEqual([]);
      expect(t.ctx('c')).toMatchObject({ processed: 1, forwarded: { 1: true }, current: null });
      expect(t.state('c')).toEqual({ processRecords: 'awaitingRecord' });
    });

    it('goes through each step state in order', () => {
      const t = setupContainer();
      t.produce(1, 2);
      expect(t.states).toEqual([
        'awaitingRecord',
        'writingTable',
        'publishing',
        'removing',
        'awaitingRecord',
        'writingTable',
        'publishing',
        'removing',
        'awaitingRecord',
      ]);
    });

    it('with latency: one record at a time, oldest first, each removed only after it is persisted and forwarded', () => {
      const t = setupContainer({ latency: 5 });
      t.produce(3, 1, 2);
      t.clock.run();
      expect(t.requests()).toEqual([
        'in:receive',
        'gt:insert:3',
        'out:send:3',
        'in:remove:3',
        'in:receive',
        'gt:insert:1',
        'out:send:1',
        'in:remove:1',
        'in:receive',
        'gt:insert:2',
        'out:send:2',
        'in:remove:2',
        'in:receive',
      ]);
      for (const id of [3, 1, 2]) {
        expect(at(t.log, 'gt:r1', 'table.insert', id)).toBeLessThan(at(t.log, 'in', 'queue.remove', id));
        expect(at(t.log, 'out', 'queue.send', id)).toBeLessThan(at(t.log, 'in', 'queue.remove', id));
      }
      expect(t.outIds()).toEqual([3, 1, 2]);
      expect(t.inIds()).toEqual([]);
      expect(t.tableIds(1)).toEqual([1, 2, 3]);
      // replicated to the other region too
      expect(t.tableIds(2)).toEqual([1, 2, 3]);
      expect(t.ctx('c').processed).toBe(3);
    });

    it('writes to the table of its own region (region 2)', () => {
      const t = setupContainer({ region: 2 });
      t.produce(4);
      expect(t.ctx('gt:r2').writes).toEqual([4]);
      expect(t.ctx('gt:r1').writes).toEqual([]);
      expect(t.deliveredTo('gt', { type: 'table.insert' }).map((d) => d.event.region)).toEqual([2]);
    });

    it('ignores recover while processing', () => {
      const t = setupContainer();
      t.reset();
      t.send('c', { type: 'container.recover' });
      expect(t.state('c')).toEqual({ processRecords: 'awaitingRecord' });
      expect(t.requests()).toEqual([]);
    });

    it('ignores replies that do not answer its latest request', () => {
      const t = setupContainer({ latency: 5 });
      t.produce(1);
      stepUntil(t.clock, () => t.leaf() === 'writingTable');
      const ticket = t.ctx<ContainerContext>('c').ticket;
      const reply = { table: 'gt:r1', stage: 'core', region: 1, record: rec(1), origin: 'write' };
      t.send('c', { type: 'table.insertCompleted', ...reply, success: true, corr: ticket - 1 });
      t.send('c', { type: 'queue.removeCompleted', queue: 'in', region: 1, recordId: 1, success: true, removed: true, corr: ticket });
      t.send('c', { type: 'queue.record', queue: 'in', region: 1, record: rec(9), corr: ticket });
      expect(t.leaf()).toBe('writingTable');
      expect(t.ctx('c').current).toEqual(rec(1));
      t.clock.run();
      expect(t.outIds()).toEqual([1]);
      expect(t.ctx('c').processed).toBe(1);
    });
  });

  describe('failedDependency', () => {
    it('a failed table write: nothing is forwarded or removed, the record stays in the input queue', () => {
      const t = setupContainer();
      t.send('gt', { type: 'table.fail', region: 1 });
      t.reset();
      t.produce(1, 2);
      expect(t.state('c')).toBe('failedDependency');
      expect(t.requests()).toEqual(['gt:insert:1']);
      expect(t.inIds()).toEqual([1, 2]);
      expect(t.ctx('in').inFlight).toBe(1);
      expect(t.outIds()).toEqual([]);
      expect(t.tableIds(1)).toEqual([]);
      expect(t.ctx('c').processed).toBe(0);
    });

    it('a failed send to the output queue: persisted but not removed', () => {
      const t = setupContainer();
      t.send('out', { type: 'queue.fail' });
      t.reset();
      t.produce(1);
      expect(t.state('c')).toBe('failedDependency');
      expect(t.requests()).toEqual(['gt:insert:1', 'out:send:1']);
      expect(t.tableIds()).toEqual([1]);
      expect(t.inIds()).toEqual([1]);
      expect(t.outIds()).toEqual([]);
      expect(t.ctx('c').forwarded).toEqual({});
    });

    it('stays in failedDependency when the dependency recovers, until it is recovered itself', () => {
      const t = setupContainer();
      t.send('gt', { type: 'table.fail', region: 1 });
      t.produce(1);
      t.send('gt', { type: 'table.recover', region: 1 });
      t.produce(2);
      expect(t.state('c')).toBe('failedDependency');
      expect(t.inIds()).toEqual([1, 2]);
      expect(t.outIds()).toEqual([]);
    });

    it('recover re-registers with the input queue and processes pending records oldest first', () => {
      const t = setupContainer();
      t.send('gt', { type: 'table.fail', region: 1 });
      t.produce(5, 3);
      t.send('gt', { type: 'table.recover', region: 1 });
      t.produce(4);
      t.reset();
      t.send('c', { type: 'container.recover' });
      expect(t.requests()[0]).toBe('in:receive');
      expect(t.requests()).toEqual([
        'in:receive',
        'gt:insert:5',
        'out:send:5',
        'in:remove:5',
        'in:receive',
        'gt:insert:3',
        'out:send:3',
        'in:remove:3',
        'in:receive',
        'gt:insert:4',
        'out:send:4',
        'in:remove:4',
        'in:receive',
      ]);
      expect(t.outIds()).toEqual([5, 3, 4]);
      expect(t.inIds()).toEqual([]);
      expect(t.state('c')).toEqual({ processRecords: 'awaitingRecord' });
    });

    it('recover after a failed output send forwards the record exactly once', () => {
      const t = setupContainer();
      t.send('out', { type: 'queue.fail' });
      t.produce(1, 2);
      t.send('out', { type: 'queue.recover' });
      t.send('c', { type: 'container.recover' });
      expect(t.outIds()).toEqual([1, 2]);
      expect(t.ctx('out').sentCount).toBe(2);
      expect(t.inIds()).toEqual([]);
      expect(t.ctx('c').processed).toBe(2);
    });

    it('a failed remove: the record was forwarded; after recovery it is only removed, not re-sent (idempotent)', () => {
      const t = setupContainer({ latency: 5 });
      t.produce(1);
      // fail the input queue once the container is about to remove the record
      stepUntil(t.clock, () => t.leaf() === 'removing');
      t.send('in', { type: 'queue.fail' });
      t.clock.run();
      expect(t.state('c')).toBe('failedDependency');
      expect(t.deliveredTo('c', { type: 'queue.removeCompleted' }).map((d) => d.event.success)).toEqual([false]);
      expect(t.inIds()).toEqual([1]);
      expect(t.outIds()).toEqual([1]);
      expect(t.ctx('c').forwarded).toEqual({ 1: true });

      t.send('in', { type: 'queue.recover' });
      t.clock.run();
      expect(t.state('c')).toBe('failedDependency');
      const before = t.states.length;
      t.send('c', { type: 'container.recover' });
      t.clock.run();
      // straight from the redelivery to removing: no second write, no second send
      expect(t.states.slice(before)).toEqual(['awaitingRecord', 'removing', 'awaitingRecord']);
      expect(t.sendsToOut(1)).toBe(1);
      expect(t.outIds()).toEqual([1]);
      expect(t.ctx('out').sentCount).toBe(1);
      expect(t.deliveredTo('gt', { type: 'table.insert' })).toHaveLength(1);
      expect(t.inIds()).toEqual([]);
      expect(t.ctx('c').processed).toBe(1);

      // and the next record is processed normally
      t.produce(2);
      t.clock.run();
      expect(t.outIds()).toEqual([1, 2]);
      expect(t.inIds()).toEqual([]);
    });

    it('fail in failedDependency goes to failedProcessing', () => {
      const t = setupContainer();
      t.send('gt', { type: 'table.fail', region: 1 });
      t.produce(1);
      t.send('c', { type: 'container.fail' });
      expect(t.state('c')).toBe('failedProcessing');
      t.send('gt', { type: 'table.recover', region: 1 });
      t.send('c', { type: 'container.recover' });
      expect(t.outIds()).toEqual([1]);
    });
  });

  describe('failedProcessing', () => {
    it('fail -> failedProcessing; fail again stays; recover -> processRecords.awaitingRecord', () => {
      const t = setupContainer();
      t.send('c', { type: 'container.fail' });
      expect(t.state('c')).toBe('failedProcessing');
      t.send('c', { type: 'container.fail' });
      expect(t.state('c')).toBe('failedProcessing');
      t.reset();
      t.send('c', { type: 'container.recover' });
      expect(t.state('c')).toEqual({ processRecords: 'awaitingRecord' });
      expect(t.requests()).toEqual(['in:receive']);
      expect(t.ctx('c').ticket).toBe(2);
    });

    it('ignores the delivery of its stale registration; on recovery gets the same record again and processes it', () => {
      const t = setupContainer();
      t.send('c', { type: 'container.fail' });
      t.reset();
      t.produce(1, 2, 3);
      // the queue served the registration made before the failure: ignored
      expect(t.deliveredTo('c', { type: 'queue.record' }).map((d) => d.event.record.recordId)).toEqual([1]);
      expect(t.requests()).toEqual([]);
      expect(t.state('c')).toBe('failedProcessing');
      expect(t.ctx('in').inFlight).toBe(1);
      t.send('c', { type: 'container.recover' });
      expect(t.outIds()).toEqual([1, 2, 3]);
      expect(t.inIds()).toEqual([]);
      expect(t.ctx('c').processed).toBe(3);
    });

    it('failed while writingTable: the late table answer is ignored; recovery writes again and forwards once', () => {
      const t = setupContainer({ latency: 5 });
      t.produce(1);
      stepUntil(t.clock, () => t.leaf() === 'writingTable');
      t.send('c', { type: 'container.fail' });
      t.clock.run();
      expect(t.state('c')).toBe('failedProcessing');
      // the write landed and was answered, but nothing followed it
      expect(t.deliveredTo('c', { type: 'table.insertCompleted' }).map((d) => d.event.success)).toEqual([true]);
      expect(t.requests()).toEqual(['in:receive', 'gt:insert:1']);
      expect(t.tableIds()).toEqual([1]);
      expect(t.inIds()).toEqual([1]);
      expect(t.outIds()).toEqual([]);
      t.send('c', { type: 'container.recover' });
      t.clock.run();
      expect(t.requests()).toEqual([
        'in:receive',
        'gt:insert:1',
        'in:receive',
        'gt:insert:1',
        'out:send:1',
        'in:remove:1',
        'in:receive',
      ]);
      expect(t.outIds()).toEqual([1]);
      expect(t.inIds()).toEqual([]);
      expect(t.state('c')).toEqual({ processRecords: 'awaitingRecord' });
    });

    it('failed while removing: the remove in flight still lands; recovery sends nothing again', () => {
      const t = setupContainer({ latency: 5 });
      t.produce(1, 2);
      stepUntil(t.clock, () => t.leaf() === 'removing');
      t.send('c', { type: 'container.fail' });
      t.clock.run();
      expect(t.state('c')).toBe('failedProcessing');
      expect(t.requests()).toEqual(['in:receive', 'gt:insert:1', 'out:send:1', 'in:remove:1']);
      expect(t.inIds()).toEqual([2]);
      expect(t.ctx('c').processed).toBe(0);
      t.send('c', { type: 'container.recover' });
      t.clock.run();
      expect(t.sendsToOut(1)).toBe(1);
      expect(t.outIds()).toEqual([1, 2]);
      expect(t.inIds()).toEqual([]);
      expect(t.ctx('c').processed).toBe(1);
    });

    it('failed while removing, with the remove failing too: recovery only removes the record', () => {
      const t = setupContainer({ latency: 5 });
      t.produce(1);
      stepUntil(t.clock, () => t.leaf() === 'removing');
      t.send('c', { type: 'container.fail' });
      t.send('in', { type: 'queue.fail' });
      t.clock.run();
      t.send('in', { type: 'queue.recover' });
      t.send('c', { type: 'container.recover' });
      t.clock.run();
      expect(t.requests()).toEqual([
        'in:receive',
        'gt:insert:1',
        'out:send:1',
        'in:remove:1',
        'in:receive',
        'in:remove:1',
        'in:receive',
      ]);
      expect(t.sendsToOut(1)).toBe(1);
      expect(t.inIds()).toEqual([]);
    });

    it('failed while publishing: a send that succeeded meanwhile is not repeated after recovery', () => {
      const t = setupContainer({ latency: 5 });
      t.produce(1);
      stepUntil(t.clock, () => t.leaf() === 'publishing');
      t.send('c', { type: 'container.fail' });
      t.clock.run();
      expect(t.state('c')).toBe('failedProcessing');
      expect(t.outIds()).toEqual([1]);
      expect(t.inIds()).toEqual([1]);
      t.send('c', { type: 'container.recover' });
      t.clock.run();
      expect(t.sendsToOut(1)).toBe(1);
      expect(t.outIds()).toEqual([1]);
      expect(t.inIds()).toEqual([]);
    });

    it('failed while publishing and recovered at once: the late success still prevents a second send', () => {
      const t = setupContainer({ latency: 5 });
      t.produce(1);
      stepUntil(t.clock, () => t.leaf() === 'publishing');
      t.send('c', { type: 'container.fail' });
      t.send('c', { type: 'container.recover' });
      t.clock.run();
      expect(t.states.slice(-5)).toEqual(['publishing', 'failedProcessing', 'awaitingRecord', 'removing', 'awaitingRecord']);
      expect(t.sendsToOut(1)).toBe(1);
      expect(t.outIds()).toEqual([1]);
      expect(t.inIds()).toEqual([]);
    });

    it('recovered before a slow send answer: the redelivered record waits for that answer instead of being sent twice', () => {
      const t = setupContainer({ latency: 5, outLatency: 50 });
      t.produce(1);
      stepUntil(t.clock, () => t.leaf() === 'publishing');
      t.send('c', { type: 'container.fail' });
      t.send('c', { type: 'container.recover' });
      t.clock.run();
      expect(t.states.slice(-6)).toEqual(['publishing', 'failedProcessing', 'awaitingRecord', 'confirmingForward', 'removing', 'awaitingRecord']);
      expect(t.sendsToOut(1)).toBe(1);
      expect(t.outIds()).toEqual([1]);
      expect(t.inIds()).toEqual([]);
    });

    it('failed while awaiting a record: recovery registers again and processes it', () => {
      const t = setupContainer({ latency: 5 });
      t.produce(1);
      expect(t.leaf()).toBe('awaitingRecord');
      t.send('c', { type: 'container.fail' });
      t.clock.run();
      expect(t.state('c')).toBe('failedProcessing');
      expect(t.deliveredTo('c', { type: 'queue.record' })).toHaveLength(1);
      expect(t.outIds()).toEqual([]);
      t.send('c', { type: 'container.recover' });
      t.clock.run();
      expect(t.outIds()).toEqual([1]);
      expect(t.inIds()).toEqual([]);
    });
  });
});
