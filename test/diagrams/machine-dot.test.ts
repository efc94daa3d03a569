import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { and, not, setup } from 'xstate';
import { allDots } from '../../system/diagrams';
import { formatGuard, machineToDot } from '../../system/diagrams/machine-dot';
import { topologySvgFile } from '../../system/report/system-map';
import { defaultTopology } from '../../system/topology';

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
    expect(dot).toContain('"outer.a" -> "outer.b" [id="tiny:e3", label="go [and(ready, !busy)] / count"]');
    expect(dot).toMatch(/"outer\.b" -> "done" \[[^\]]*label="always \[allowed\]", style=bold/);
  });
  it('draws targetless transitions as dashed self-loops, wildcard included, and lists the root ones', () => {
    expect(dot).toMatch(/"waitingAny" -> "waitingAny" \[[^\]]*label="\* \/ log", style=dashed/);
    expect(dot).toMatch(/"waitingAny" -> "waitingAny" \[[^\]]*label="poke", style=dashed/);
    expect(dot).toContain('⟲ reset / log');
  });
  it('gives a final state a double border', () => {
    expect(dot).toMatch(/"done" \[[^\]]*peripheries=2/);
  });
  it('formats guard objects and functions', () => {
    expect(formatGuard({ type: 'isReady', params: { n: 1 } })).toBe('isReady');
    expect(formatGuard(function inlineCheck() { return true; })).toBe('inlineCheck');
  });
});
