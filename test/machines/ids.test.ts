import { idPattern, ids, inRegion, isRegionalTableId, kindOfId, parseComponentId, regionLabel, regionOfId, regionOfLabel } from '../../machines/ids';

describe('systemIds (machines/ids.ts)', () => {
  it('builds the ids of every component', () => {
    expect(ids.queue('in', 2)).toBe('queue:in:r2');
    expect(ids.container('write', 1)).toBe('container:write:r1');
    expect(ids.regionalTable('write', 3)).toBe('table:write:r3');
    expect(ids.replicator(ids.table('write'))).toBe('table:write:replicator');
    expect(inRegion('table:write', 2)).toBe('table:write:r2');
    expect(regionLabel(2)).toBe('r2');
  });

  it('parses them back', () => {
    expect(regionOfId('queue:in:r2')).toBe(2);
    expect(regionOfId('table:write')).toBeUndefined();
    expect(regionOfLabel('r7')).toBe(7);
    expect(regionOfLabel('x7')).toBeUndefined();
    expect(kindOfId('container:write:r1')).toBe('container');
    expect(kindOfId('source')).toBe('source');
    expect(parseComponentId('container:write:r1')).toEqual({ kind: 'container', name: 'write', region: 1 });
    expect(parseComponentId('table:write')).toEqual({ kind: 'table', name: 'write' });
    expect(parseComponentId('dns:in')).toBeUndefined();
    expect(isRegionalTableId('table:write:r1')).toBe(true);
    expect(isRegionalTableId('table:write:replicator')).toBe(false);
    expect(isRegionalTableId('table:write')).toBe(false);
  });

  it('matches id patterns: * within a segment, r* any region', () => {
    const re = idPattern('container:*:r*');
    expect(re.test('container:write:r1')).toBe(true);
    expect(re.test('container:write:replicator')).toBe(false);
    expect(re.test('container:a:b:r1')).toBe(false);
    expect(idPattern('queue:in*:r1').test('queue:inbound:r1')).toBe(true);
    expect(idPattern('table:a.b').test('table:aXb')).toBe(false);
  });
});
