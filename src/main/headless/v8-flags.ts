/**
 * V8 flags the headless process runs with. Measured by bench/engine.ts at 300 candle streams
 * (Node 24, which runs V8 without pointer compression):
 * - node's defaults let a semi-space grow to 64 MB: the young generation sat at ~134 MB committed
 *   with ~30 MB live;
 * - V8 sizes how far the old generation may grow before a full GC from the heap limit: with the
 *   default 4.5 GB limit it ran up to ~150 MB between full GCs for ~30 MB live;
 * - and V8 keeps the pages it frees pooled and resident, so RSS is the high-water mark of both:
 *   ~300-350 MB after 10 minutes. Capping only the young generation made the old one grow more.
 * With both caps the old generation stays near 40 MB and RSS near 210 MB, for a few % more CPU.
 * 1.5 GB stays far above the live heap (~60 MB here, ccxt's markets included).
 *
 * Heap sizes are fixed when V8 creates its heap: `v8.setFlagsFromString('--max-semi-space-size=…')`
 * at run time is accepted and ignored (the new space grew exactly as without it), so they must be
 * on the node command line, or the process re-executes itself with them (index.ts).
 */
export const HEADLESS_V8_FLAGS: readonly string[] = ['--max-semi-space-size=16', '--max-old-space-size=1536'];

/**
 * Environment the headless process runs with. glibc gives threads malloc arenas of their own (up to
 * 8 per core); the app's native work off the main thread (SQLite, zlib, the libuv pool) left ~15 MB
 * of anonymous RSS in them at 300 and 1,000 streams, which two arenas give back (`npm run bench --
 * scale`, RSS anon 146 → 131 MB and 199 → 183 MB, CPU unchanged within noise). Other C libraries
 * ignore the variable.
 */
export const HEADLESS_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/** The variables of `wanted` the environment does not set yet: a value the user set is theirs. */
export function missingEnv(
  env: NodeJS.ProcessEnv,
  wanted: Readonly<Record<string, string>> = HEADLESS_ENV,
): Record<string, string> {
  return Object.fromEntries(Object.entries(wanted).filter(([name]) => env[name] === undefined));
}

/**
 * The flags of `wanted` that neither the command line (`execArgv`) nor NODE_OPTIONS already set:
 * a flag the user gave, with any value, is theirs to keep.
 */
export function missingV8Flags(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
  wanted: readonly string[] = HEADLESS_V8_FLAGS,
): string[] {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].map(flagName);
  return wanted.filter((flag) => !given.includes(flagName(flag)));
}

/** `--max-semi-space-size=16` → `max-semi-space-size`; V8 takes `_` and `-` alike */
function flagName(arg: string): string {
  return arg.replace(/^--/, '').split('=')[0]!.replaceAll('_', '-');
}
