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
 * 1.5 GB stays far above the live heap (~110 MB at 3,000 streams, ccxt's markets included).
 *
 * At 3,000 streams (bench/scale.ts) the JS heap held ~112 MB live in ~195-205 MB committed. Smaller
 * heaps were measured there and cost more than they saved: 4 MB semi-spaces with the old generation
 * let grow only 20% between full GCs took RSS from 374 to 316 MB, but CPU from 36 to 56 % of a core
 * (bare ccxt with the same flags: 21 → 33 %) and the event-loop delay p99 from 115 to 185 ms.
 *
 * Heap sizes are fixed when V8 creates its heap: `v8.setFlagsFromString('--max-semi-space-size=…')`
 * at run time is accepted and ignored (the new space grew exactly as without it), so they must be
 * on the node command line, or the process re-executes itself with them (index.ts).
 */
export const HEADLESS_V8_FLAGS: readonly string[] = ['--max-semi-space-size=16', '--max-old-space-size=1536'];

/**
 * Environment the headless process runs with, for glibc's malloc (other C libraries ignore both):
 * - `MALLOC_ARENA_MAX`: glibc gives threads malloc arenas of their own (up to 8 per core); the app's
 *   native work off the main thread (SQLite, zlib, the libuv pool) left ~15 MB of anonymous RSS in
 *   them at 300 and 1,000 streams, which two arenas give back (`npm run bench -- scale`, RSS anon
 *   146 → 131 MB and 199 → 183 MB, CPU unchanged within noise).
 * - `MALLOC_MMAP_THRESHOLD_`: glibc raises its mmap threshold (128 KB) to the size of any mmap'd
 *   block that is freed, up to 32 MB, and then trims less (mallopt(3), M_MMAP_THRESHOLD). Once the
 *   markets response (megabytes on Binance) had been freed, every later large block (the warm-up's
 *   klines bodies among them: 3,000 calls at 3,000 streams) came from the main heap and left it
 *   fragmented at its high-water mark. Fixed at 128 KB, the anonymous RSS at 3,000 streams was
 *   284 MB instead of 307 MB, for the same CPU (36.0 and 35.8 % of a core, one run each).
 */
export const HEADLESS_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
};

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
