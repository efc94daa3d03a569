import { COMMANDS, parseFlags, usage, type CommandName } from '../../cli/flags';
import { HELP } from '../../cli/help';

/** The flag table is the one source: what the parser takes is what the help lists, with the same defaults. */
describe('the flag table (cli/flags.ts)', () => {
  const verbs = Object.keys(COMMANDS) as CommandName[];

  it.each(verbs)('tps %s: the parser takes every flag its --help lists, and the help lists every flag', (verb) => {
    const listed = [...HELP[verb].matchAll(/^ {2}(?:-h, )?--([a-z-]+)/gm)].map((m) => m[1]);
    expect(listed).toEqual(Object.keys(COMMANDS[verb].flags));
    for (const [name, def] of Object.entries(COMMANDS[verb].flags)) {
      if (name === 'debug' || name === 'help') continue; // taken out by main / stops the command
      const args = def.type === 'boolean' ? [`--${name}`] : [`--${name}`, 'x'];
      expect(() => parseFlags(verb, args)).not.toThrow();
    }
  });

  it('a string flag with a default says it in its help, and the parser gives it', () => {
    for (const verb of verbs)
      for (const [name, def] of Object.entries(COMMANDS[verb].flags) as [string, { default?: string; help: string[] }][])
        if (def.default !== undefined) {
          expect(def.help.join(' ')).toContain(`(default ${def.default}`);
          expect((parseFlags(verb, []).values as Record<string, unknown>)[name]).toBe(def.default);
        }
  });

  it('tps help names every command and flag', () => {
    const text = usage();
    for (const verb of verbs) {
      expect(text).toContain(`tps ${verb}`);
      for (const name of Object.keys(COMMANDS[verb].flags)) if (name !== 'debug' && name !== 'help') expect(text).toContain(`--${name}`);
    }
  });

  it('an unknown flag is refused naming it', () => {
    expect(() => parseFlags('run', ['happy-path', '--sed', '3'])).toThrow(/Unknown option '--sed'/);
  });
});
