import { join, resolve } from 'node:path';
import { main } from '../../cli/tps';
import { fakeIo } from '../support/fake-io';

// Whole runs, some on worker threads: generous on a loaded machine (not a timing test).
jest.setTimeout(60_000);


// The built mutant: a container that removes by the wrong key and livelocks (built by `npm test` before jest).
const livelock = join(resolve(__dirname, '..', '..'), 'dist', 'mutants', 'container-removes-wrong-key.js');

describe('tps --max-messages / --max-virtual-ms', () => {
  it('tps run ends a livelock at the budget with a no-progress violation, exit 1', async () => {
    const { io, out } = fakeIo();
    expect(await main(['run', 'happy-path', '--machines', livelock, '--max-messages', '3000'], io)).toBe(1);
    expect(out[0]).toMatch(/violation no-progress at t=\d+ms in queue:inbound:r1: record 1: no progress: the run used its budget of 3000 messages/);
    expect(out[0]).toMatch(/Trace: 3000 messages/);
  });

  it('tps check passes the budget to its workers and into the replay command', async () => {
    const { io, out } = fakeIo();
    expect(await main(['check', 'happy-path', '--seeds', '2', '--workers', '1', '--machines', livelock, '--max-virtual-ms', '2000'], io)).toBe(1);
    expect(out[0]).toMatch(/seed 1: violation no-progress at t=\d+ms in queue:inbound:r1: record 1: no progress: the run used its budget of 2000 virtual ms/);
    expect(out[0]).toContain(`--machines ${livelock} --max-virtual-ms 2000`);
  });

  it.each([
    [['run', 'happy-path', '--max-messages', '0'], /Invalid --max-messages: '0' must be 1 or more/],
    [['check', 'happy-path', '--seeds', '2', '--max-virtual-ms', 'soon'], /Invalid --max-virtual-ms: 'soon' must be a number/],
  ])('refuses a bad budget with exit 2: %j', async (args, message) => {
    const { io, err } = fakeIo();
    expect(await main(args, io)).toBe(2);
    expect(err.join('\n')).toMatch(message);
  });
});
