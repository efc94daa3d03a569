import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { and, not, setup } from 'xstate';
import { allDots } from '../../system/diagrams';
import { formatGuard, machineToDot } from '../../system/diagrams/machine-dot';
import { topologySvgFile } from '../../system/report/system-map';
import { defaultTopology } from '../../machines/topology';

const docs = join(__dirname, '..', '..', 'docs', 'diagrams');

describe('docs/diagrams', () => {
  it.each(allDots().map((d) => [d.name, d.dot]))('%s.dot matches the machine (run `npm run diagrams` if not)', (name, dot) => {
    const file = join(docs, `${name}.dot`);
    const committed = existsSync(file) ? readFileSync(file, 'utf8') : '(missing)';
    if (committed !== dot) throw new Error(`docs/diagrams/${name}.dot is out of date with its machine: run \`npm run diagrams\` and commit the result`);
    expect(existsSync(join(docs, `${name}.svg`))).toBe(true);
  });
});

describe('docs/diagrams/topology.svg', () => {
  it('is the default topology drawn by the system map (run `npm run diagrams` if not)', () => {
    const drawn = topologySvgFile(defaultTopology.stages, defaultTopology.regions.map((r) => r.region));
    expect(readFileSync(join(docs, 'topology.svg'), 'utf8')).toBe(drawn);
    // every component of the default topology is in it, by systemId
    for (const id of ['source', 'dns:in', 'queue:inbound:r1', 'container:outbound:r2', 'table:core:r2', 'table:core:replicator', 'dns:out', 'destination'])
      expect(drawn).toContain(`data-actor="${id}"`);
    expect(drawn.match(/<g class="mnode /g)).toHaveLength(41);
  });
});

describe('machineToDot', () => {
  const machine = setup({
    guards: { ready: () => true, allowed: () => true, busy: () => false },
    actions: { log: () => {}, count: () => {} },
  }).createMachine({
    id: 'tiny',
    initial: 'outer',
    on: { reset: { actions: 'log' } },
    states: {
      outer: {
        initial: 'a',
        description: 'Outer state.',
        states: {
          a: { on: { go: { guard: and(['ready', not('busy')]), target: 'b', actions: 'count' } } },
          b: { always: { guard: 'allowed', target: '#tiny.done' } },
        },
      },
      waitingAny: { on: { '*': { actions: 'log' }, poke: {} } },
      done: { type: 'final' },
    },
  });
  const dot = machineToDot(machine);

  it('draws nesting as clusters with an initial dot', () => {
    expect(dot).toContain('subgraph "cluster_outer" {');
    expect(dot).toContain('"outer/•" -> "outer.a"');
    expect(dot).toContain('id="tiny:outer.a", class="state"');
    expect(dot).toContain('tooltip="Outer state."');
  });
  it('labels a composed guard as written and draws always transitions bold', () => {
    // the event and guard, then the actions on a line of their own
    expect(dot).toContain('"outer.a" -> "outer.b" [id="tiny:e3", label="go [and(ready, !busy)]\\n/ count"]');
    expect(dot).toMatch(/"outer\.b" -> "done" \[[^\]]*label="always \[allowed\]", style=bold/);
  });
  it('lists targetless transitions in their state, wildcard included, not as self-loops (whose labels overprint)', () => {
    expect(dot).toMatch(/"waitingAny" \[id="tiny:waitingAny", class="state", label=<waitingAny<br\/><font[^>]*>⟲ \* \/ log<\/font><br\/><font[^>]*>⟲ poke<\/font>>\]/);
    expect(dot).not.toMatch(/"waitingAny" -> "waitingAny"/);
    expect(dot).toContain('⟲ reset / log');
  });
  it('wraps a long edge label at 28 characters: event, guard, actions', () => {
    const long = setup({ actions: { storeRecord: () => {}, answerSend: () => {}, deliverHead: () => {}, notifyWaiters: () => {} } }).createMachine({
      id: 'long',
      initial: 'a',
      states: { a: { on: { 'queue.send': { target: 'b', actions: ['storeRecord', 'answerSend', 'deliverHead', 'notifyWaiters'] } } }, b: {} },
    });
    const label = /"a" -> "b" \[[^\]]*label="([^"]*)"/.exec(machineToDot(long))![1].split('\\n');
    expect(label).toEqual(['queue.send', '/ storeRecord, answerSend', 'deliverHead, notifyWaiters']);
    expect(Math.max(...label.map((l) => l.length))).toBeLessThanOrEqual(28);
  });
  it('gives a final state a double border', () => {
    expect(dot).toMatch(/"done" \[[^\]]*peripheries=2/);
  });
  it('formats guard objects and functions', () => {
    expect(formatGuard({ type: 'isReady', params: { n: 1 } })).toBe('isReady');
    expect(formatGuard(function inlineCheck() { return true; })).toBe('inlineCheck');
  });
});
