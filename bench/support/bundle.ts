import { build } from 'esbuild';
import { join } from 'node:path';

/**
 * Bundles bench children (bench/support/<name>.ts → <outdir>/<name>.mjs) the way the app is bundled,
 * to run under plain node: no tsx loader, whose worker alone adds ~100 MB of RSS and its own CPU.
 * Returns the folder the bundles are in.
 */
export async function bundleChildren(supportDir: string, names: readonly string[]): Promise<string> {
  const outdir = join(supportDir, '..', '..', 'node_modules', '.cache', 'candlewatch-bench');
  await build({
    entryPoints: names.map((n) => join(supportDir, `${n}.ts`)),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
    outdir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'error',
  });
  return outdir;
}
