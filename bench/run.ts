import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * `npm run bench [-- name … --flag value …]`: runs bench modules (each exports `run(flags)` returning
 * a named table), prints every table and writes it to bench/results/<name>.json. Without names it
 * runs them all. Flags (like `--soak-minutes 10`) are handed to every module.
 */
type BenchModule = {
  run(flags: Record<string, string>): Promise<{ name: string; rows: Record<string, unknown>[] }>;
};

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .sort();

const wanted: string[] = [];
const flags: Record<string, string> = {};
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (!arg.startsWith('--')) wanted.push(arg);
  else if (arg.includes('=')) flags[arg.slice(2, arg.indexOf('='))] = arg.slice(arg.indexOf('=') + 1);
  else
    flags[arg.slice(2)] = args[i + 1] !== undefined && !args[i + 1]!.startsWith('--') ? args[++i]! : 'true';
}
const unknown = wanted.filter((n) => !available.includes(n));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
for (const name of wanted.length > 0 ? wanted : available) {
  const mod = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as BenchModule;
  const started = Date.now();
  const result = await mod.run(flags);
  console.log(`\n${result.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.table(result.rows);
  writeFileSync(
    join(resultsDir, `${result.name}.json`),
    `${JSON.stringify({ name: result.name, at: new Date().toISOString(), rows: result.rows }, null, 2)}\n`,
  );
}
