import { commandHelp, COMMANDS, type CommandName } from './flags';
import type { Io } from './common';

/** Per-verb help: every flag, its default and an example, made from the flag table (cli/flags.ts). */
export const HELP: Record<CommandName, string> = Object.fromEntries(
  (Object.keys(COMMANDS) as CommandName[]).map((verb) => [verb, commandHelp(verb)]),
) as Record<CommandName, string>;

/** `tps VERB --help`: prints it and exits 0. */
export function help(verb: CommandName, io: Io): number {
  io.out(HELP[verb]);
  return 0;
}
