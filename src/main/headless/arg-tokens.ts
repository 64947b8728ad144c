import { parseArgs } from 'node:util';

export type ArgToken =
  | { kind: 'help' }
  /** a word that is no option, or an option the command does not know (`raw` as typed) */
  | { kind: 'stray'; raw: string; option: boolean }
  /** `--flag` of a switch, or `--name value` / `--name=value` of an option that takes a value */
  | { kind: 'flag'; flag: string; value: string | undefined };

/**
 * The command line split by node:util parseArgs (`--x v`, `--x=v`, `-h`), in order, for parsers
 * that word their own errors: parseArgs's strict mode would stop at the first problem with a
 * message about its own API. A value that looks like an option (`--data-dir --port 1`) is given
 * back as missing: the user forgot it, and the next option must not be swallowed.
 */
export function argTokens(
  argv: readonly string[],
  flags: { values: readonly string[]; switches?: readonly string[] },
): ArgToken[] {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const name of flags.values) options[name] = { type: 'string' };
  for (const name of flags.switches ?? []) options[name] = { type: 'boolean' };
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  return tokens.map((t): ArgToken => {
    if (t.kind === 'positional') return { kind: 'stray', raw: t.value, option: false };
    if (t.kind === 'option-terminator') return { kind: 'stray', raw: '--', option: false };
    if (t.name === 'help') return { kind: 'help' };
    if (!(t.name in options) || t.rawName.length === 2)
      return { kind: 'stray', raw: argv[t.index]!, option: true };
    const forgotten = !t.inlineValue && t.value?.startsWith('--');
    return { kind: 'flag', flag: `--${t.name}`, value: forgotten ? undefined : t.value };
  });
}
