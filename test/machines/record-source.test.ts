import { queueMachine, type QueueContext } from '../../machines/queue.machine';
import { recordSourceMachine } from '../../machines/record-source.machine';
import { weightedDnsMachine } from '../../machines/weighted-dns.machine';
import { inputOutcome, rec, startSystem } from './harness';

const batches = [[rec(1), rec(2), rec(3)], [rec(4), rec(5)], [rec(6)]];

/** Source 'src' publishing through a fake DNS probe 'dns'; a driver probe 'drv'. */
function setupSource() {
  const sys = startSystem([{ id: 'src', logic: recordSourceMachine, input: { id: 'src', dns: 'dns', batches } }], {
    probes: ['dns', 'drv'],
  });
  const drv = sys.get('drv');
  const sends = () => sys.received.dns.filter((e) => e.type === 'dns.send');
  return {
    ...sys,
    drv,
    sends,
    publish: (batch: number, withReply = true) =>
      sys.send('src', { type: 'source.publish', batch, ...(withReply ? { replyTo: drv } : {}) }),
    /** answers the latest dns.send (or a given corr) */
    answer: (success: boolean, corr?: number) => {
      const last = sends().at(-1)!;
      sys.send('src', {
        type: 'dns.sendCompleted',
        dns: 'dns',
        record: last.record,
        region: 1,
        success,
        corr: corr ?? last.corr,
      });
    },
  };
}

describe('record source machine', () => {
  describe('input', () => {
    it('starts idle with its batches', () => {
      const t = setupSource();
      expect(t.state('src')).toBe('idle');
      expect(t.ctx('src')).toMatchObject({ id: 'src', dns: 'dns', batches, batch: 0, next: 0, published: 0, replyTo: null });
      expect(t.received.dns).toEqual([]);
    });

    it('rejects bad input naming the field', () => {
      expect(inputOutcome(recordSourceMachine, { id: 's', dns: 'd', batches: [[]] })).toEqual({
        status: 'error',
        name: 'InputError',
        message: 'Invalid record source input: batches.0: a batch holds at least one record',
      });
      expect(
        inputOutcome(recordSourceMachine, { id: 's', dns: 'd', batches: [[{ recordId: 1, recordValue: 0 }]] }).message,
      ).toBe('Invalid record source input: batches.0.0.recordValue: Too small: expected number to be >=1');
      expect(inputOutcome(recordSourceMachine, { id: 's', batches: [] }).message).toBe(
        'Invalid record source input: dns: Invalid input: expected string, received undefined',
      );
    });
  });

  describe('publishing', () => {
    it('sends one record at a time, each after the previous one completed, then reports the batch published', () => {
      const t = setupSource();
      t.publish(1);
      expect(t.state('src')).toBe('publishing');
      expect(t.sends()).toEqual([{ type: 'dns.send', record: rec(1), replyTo: t.get('src'), corr: 1 }]);
      t.answer(true);
      expect(t.sends().map((e) => [e.record.recordId, e.corr])).toEqual([
        [1, 1],
        [2, 2],
      ]);
      t.answer(true);
      expect(t.sends()).toHaveLength(3);
      expect(t.received.drv).toEqual([]);
      t.answer(true);
      expect(t.sends().map((e) => e.record.recordId)).toEqual([1, 2, 3]);
      expect(t.received.drv).toEqual([{ type: 'source.batchPublished', batch: 1, count: 3 }]);
      expect(t.state('src')).toBe('idle');
      expect(t.ctx('src')).toMatchObject({ batch: 0, next: 0, published: 3, replyTo: null });
    });

    it('publishes a one-record batch and later batches in turn', () => {
      const t = setupSource();
      t.publish(3);
      t.answer(true);
      t.publish(2);
      t.answer(true);
      t.answer(true);
      expect(t.sends().map((e) => e.record.recordId)).toEqual([6, 4, 5]);
      expect(t.received.drv).toEqual([
        { type: 'source.batchPublished', batch: 3, count: 1 },
        { type: 'source.batchPublished', batch: 2, count: 2 },
      ]);
      expect(t.ctx('src').published).toBe(3);
    });

    it('a failed send ends the batch with batchFailed naming how far it got', () => {
      const t = setupSource();
      t.publish(1);
      t.answer(true);
      t.answer(false);
      expect(t.received.drv).toEqual([{ type: 'source.batchFailed', batch: 1, sent: 1, failedRecordId: 2 }]);
      expect(t.sends().map((e) => e.record.recordId)).toEqual([1, 2]);
      expect(t.state('src')).toBe('idle');
      expect(t.ctx('src')).toMatchObject({ batch: 0, next: 0, published: 1 });
    });

    it('a failure on the first record reports sent 0', () => {
      const t = setupSource();
      t.publish(2);
      t.answer(false);
      expect(t.received.drv).toEqual([{ type: 'source.batchFailed', batch: 2, sent: 0, failedRecordId: 4 }]);
    });

    it('rejects a publish while publishing, and carries on with the batch in progress', () => {
      const t = setupSource();
      t.publish(1);
      t.publish(2);
      expect(t.received.drv).toEqual([
        { type: 'source.publishRejected', batch: 2, reason: 'batch 1 is still being published' },
      ]);
      expect(t.state('src')).toBe('publishing');
      expect(t.sends()).toHaveLength(1);
      t.answer(true);
      t.answer(true);
      t.answer(true);
      expect(t.received.drv.at(-1)).toEqual({ type: 'source.batchPublished', batch: 1, count: 3 });
      expect(t.sends().map((e) => e.record.recordId)).toEqual([1, 2, 3]);
    });

    it('ignores stale completions (wrong corr) while publishing', () => {
      const t = setupSource();
      t.publish(1);
      t.answer(true);
      // a late duplicate of the first answer, and a failure for an old request
      t.answer(true, 1);
      t.answer(false, 1);
      expect(t.state('src')).toBe('publishing');
      expect(t.sends().map((e) => e.record.recordId)).toEqual([1, 2]);
      expect(t.received.drv).toEqual([]);
      expect(t.ctx('src').next).toBe(1);
    });

    it('publishes silently without a replyTo', () => {
      const t = setupSource();
      t.publish(3, false);
      t.answer(true);
      expect(t.state('src')).toBe('idle');
      expect(t.received.drv).toEqual([]);
      expect(t.ctx('src').published).toBe(1);
    });
  });

  describe('idle', () => {
    it.each([0, 4, 1.5, -1])('rejects unknown batch %p with a reason, sending nothing', (batch) => {
      const t = setupSource();
      t.publish(batch);
      expect(t.received.drv).toEqual([
        { type: 'source.publishRejected', batch, reason: 'no batch ' + batch + ': batches are 1..3' },
      ]);
      expect(t.state('src')).toBe('idle');
      expect(t.received.dns).toEqual([]);
    });

    it('rejects silently when there is no replyTo', () => {
      const t = setupSource();
      t.publish(9, false);
      expect(t.state('src')).toBe('idle');
      expect(t.log.filter((d) => d.from === 'src')).toEqual([]);
    });

    it('ignores a completion while idle', () => {
      const t = setupSource();
      t.publish(3);
      t.answer(true);
      t.answer(true);
      t.answer(false);
      expect(t.state('src')).toBe('idle');
      expect(t.received.drv).toEqual([{ type: 'source.batchPublished', batch: 3, count: 1 }]);
      expect(t.sends()).toHaveLength(1);
    });
  });

  it('publishes through a real DNS into two regional queues, alternating', () => {
    const sys = startSystem(
      [
        { id: 'q1', logic: queueMachine, input: { id: 'q1', region: 1 } },
        { id: 'q2', logic: queueMachine, input: { id: 'q2', region: 2 } },
        {
          id: 'dns',
          logic: weightedDnsMachine,
          input: {
            id: 'dns',
            targets: [
              { region: 1, queue: 'q1' },
              { region: 2, queue: 'q2' },
            ],
          },
        },
        { id: 'src', logic: recordSourceMachine, input: { id: 'src', dns: 'dns', batches } },
      ],
      { probes: ['drv'] },
    );
    sys.send('src', { type: 'source.publish', batch: 1, replyTo: sys.get('drv') });
    expect(sys.received.drv).toEqual([{ type: 'source.batchPublished', batch: 1, count: 3 }]);
    const ids = (q: string) => sys.ctx<QueueContext>(q).records.map((r) => r.recordId);
    expect(ids('q1')).toEqual([1, 3]);
    expect(ids('q2')).toEqual([2]);

    // a failed region stops the batch where it failed
    sys.send('q2', { type: 'queue.fail' });
    sys.send('src', { type: 'source.publish', batch: 2, replyTo: sys.get('drv') });
    expect(sys.received.drv.at(-1)).toEqual({ type: 'source.batchFailed', batch: 2, sent: 0, failedRecordId: 4 });

    // publishing it again resumes where it stopped: nothing is sent twice
    sys.send('q2', { type: 'queue.recover' });
    sys.send('src', { type: 'source.publish', batch: 2, replyTo: sys.get('drv') });
    expect(sys.received.drv.at(-1)).toEqual({ type: 'source.batchPublished', batch: 2, count: 2 });
    expect(ids('q1')).toEqual([1, 3, 5]);
    expect(ids('q2')).toEqual([2, 4]);

    // a batch already published is reported done at once, and nothing is sent
    sys.send('src', { type: 'source.publish', batch: 1, replyTo: sys.get('drv') });
    expect(sys.received.drv.at(-1)).toEqual({ type: 'source.batchPublished', batch: 1, count: 3 });
    expect(ids('q1')).toEqual([1, 3, 5]);
    expect(ids('q2')).toEqual([2, 4]);
    expect(sys.ctx('src').published).toBe(5);
  });
});
