import { guidedChunk } from '../../system/checker/pool';

/** Every chunk handed out for seeds [from, from + count), in order. */
function chunks(from: number, count: number, maxChunk: number, workers: number) {
  const out: { from: number; to: number }[] = [];
  for (let next = from; next < from + count; next = out[out.length - 1].to) out.push(guidedChunk(next, from + count, maxChunk, workers));
  return out;
}

describe('guided chunks', () => {
  it('cover the seeds exactly once, in order, and never exceed the largest chunk', () => {
    for (const [count, max, workers] of [[300, 32, 2], [1000, 32, 16], [7, 32, 2], [1, 32, 4], [10_000, 5, 3]]) {
      const list = chunks(101, count, max, workers);
      expect(list[0].from).toBe(101);
      expect(list[list.length - 1].to).toBe(101 + count);
      for (let i = 1; i < list.length; i++) expect(list[i].from).toBe(list[i - 1].to);
      for (const c of list) {
        expect(c.to - c.from).toBeGreaterThanOrEqual(1);
        expect(c.to - c.from).toBeLessThanOrEqual(max);
      }
    }
  });

  it('shrink as the seeds run out, ending in single seeds', () => {
    const sizes = chunks(1, 300, 32, 2).map((c) => c.to - c.from);
    expect(sizes[0]).toBe(32); // 300 / 4 = 75, capped at 32
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]);
    expect(sizes.slice(-2)).toEqual([1, 1]);
    // A fixed chunk of 32 would leave a last chunk of 12 seeds; guided, the last 4 chunks hold 4 seeds in all.
    expect(sizes.slice(-4).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4);
  });
});
