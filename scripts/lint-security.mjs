// `npm run lint:security`: the Electron security scan. Two tools, both must report nothing:
//  1. eslint-plugin-electron-security (strict preset + type-checked rules) over the Electron shell,
//     the preload and the packaging hook that sets the fuses;
//  2. Electronegativity over the three parts that run inside Electron (shell, preload, renderer).
//     It always exits 0, so its SARIF report and its parse errors are read here instead.
// Exit code 1 on any finding, any warning, any file a tool could not parse, or a scan that saw no file.
// Suppressions live in the code, next to what they suppress, with the reason
// (`// eng-disable CHECK_ID` for Electronegativity, `eslint-disable-next-line` for ESLint).
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import electronSecurity from 'eslint-plugin-electron-security';
import tseslint from 'typescript-eslint';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const ESLINT_FILES = ['src/main/electron/**/*.ts', 'src/preload/**/*.ts', 'scripts/after-pack.mjs'];
const ELECTRONEGATIVITY_ROOTS = ['src/main/electron', 'src/preload', 'src/renderer'];
/**
 * AvailableSecurityFixesGlobalCheck downloads Electron's release list from GitHub on every run, and
 * this scan must work offline (CI here has no network). The Electron version is pinned in
 * package.json and raised deliberately, with its release notes read.
 */
const ELECTRONEGATIVITY_EXCLUDED = ['availablesecurityfixesglobalcheck'];

/** The single doors: the Electron entry may not call these APIs itself, only the named module does. */
const FACTORIES = [
  { api: 'ipcMain.handle', use: 'bindContract', allowIn: ['src/main/electron/ipc-binding.ts'] },
  { api: 'ipcMain.on', use: 'bindContract', allowIn: ['src/main/electron/ipc-binding.ts'] },
  { api: 'BrowserWindow', use: 'createMainWindow', allowIn: ['src/main/electron/main-window.ts'] },
  { api: 'shell.openExternal', use: 'openExternalLink', allowIn: ['src/main/electron/external-links.ts'] },
];

async function runEslint() {
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: {
          parser: tseslint.parser,
          parserOptions: { projectService: true, tsconfigRootDir: root },
        },
      },
      electronSecurity.configs.strict,
      { ...electronSecurity.configs['recommended-type-checked'], files: ['**/*.ts'] },
      { rules: { 'electron-security/require-factory': ['error', { factories: FACTORIES }] } },
      { linterOptions: { reportUnusedDisableDirectives: 'error' } },
    ],
  });
  const results = await eslint.lintFiles(ESLINT_FILES);
  const problems = results.flatMap((r) =>
    r.messages.map((m) => ({
      where: `${relative(root, r.filePath)}:${m.line ?? 0}:${m.column ?? 0}`,
      rule: m.ruleId ?? (m.fatal ? 'parse error' : 'eslint'),
      message: m.message,
    })),
  );
  return { files: results.length, problems };
}

/**
 * Electronegativity fetches translations from S3 at start and release data from GitHub. Its `got`
 * is replaced by one that fails at once, so the run stays offline and falls back to the bundled
 * en-US texts.
 */
function keepElectronegativityOffline(runnerPath) {
  const offline = () => Promise.reject(new Error('offline: lint:security makes no network requests'));
  offline.head = offline;
  offline.get = offline;
  const gotPath = createRequire(runnerPath).resolve('got');
  const stub = new Module(gotPath);
  stub.filename = gotPath;
  stub.loaded = true;
  stub.exports = offline;
  require.cache[gotPath] = stub;
}

async function runElectronegativity() {
  const runnerPath = require.resolve('@doyensec/electronegativity');
  keepElectronegativityOffline(runnerPath);
  const run = require(runnerPath);
  const electronVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies
    .electron;

  // Only the scanned folders go into the input, so its relative paths are the repository's.
  const stage = mkdtempSync(join(tmpdir(), 'cw-electronegativity-'));
  const sarifPath = join(stage, 'report.sarif');
  const input = join(stage, 'input');
  for (const dir of ELECTRONEGATIVITY_ROOTS) cpSync(join(root, dir), join(input, dir), { recursive: true });

  const language = process.env.LANG;
  process.env.LANG = 'en-US';
  // It reports progress and the translation fallback on console.log; only the results matter here.
  const consoleLog = console.log;
  console.log = () => {};
  let outcome;
  try {
    outcome = await run(
      {
        input,
        output: sarifPath,
        isSarif: true,
        customScan: [],
        excludeFromScan: ELECTRONEGATIVITY_EXCLUDED,
        isRelative: true,
        isVerbose: false,
        electronVersionOverride: electronVersion,
        parserPlugins: [],
      },
      false,
    );
  } finally {
    console.log = consoleLog;
    if (language === undefined) delete process.env.LANG;
    else process.env.LANG = language;
  }
  const sarif = await readWhenWritten(sarifPath);

  const rules = new Map((sarif.runs?.[0]?.tool?.driver?.rules ?? []).map((rule) => [rule.id, rule]));
  const findings = (sarif.runs ?? [])
    .flatMap((r) => r.results ?? [])
    .map((result) => {
      const location = result.locations?.[0]?.physicalLocation;
      const file = location?.artifactLocation?.uri ?? 'N/A';
      const line = location?.region?.startLine ?? 0;
      const rule = rules.get(result.ruleId);
      return {
        where: `${file}:${line}`,
        rule: result.ruleId,
        message: result.message?.text ?? rule?.shortDescription?.text ?? '',
      };
    });
  const unparsed = outcome.errors.map((e) => ({
    where: relative(input, e.file),
    rule: e.tolerable ? 'parsed with warnings' : 'could not parse',
    message: e.message,
  }));
  // The files it reads: sources and markup, by extension (parser/types.js of Electronegativity).
  const files = readdirSync(input, { recursive: true }).filter((f) => /\.(jsx?|tsx?|html?|json)$/.test(f));
  rmSync(stage, { recursive: true, force: true });
  return {
    files: files.length,
    problems: [...findings, ...unparsed],
    checks: outcome.globalChecks + outcome.atomicChecks,
  };
}

/** Electronegativity writes its report with a callback after `run` resolves: wait for whole JSON. */
async function readWhenWritten(file, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`Electronegativity wrote no readable report at ${file}: ${err.message}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }
}

function report(tool, { files, problems }, detail = '') {
  const status =
    files === 0 ? 'FAILED (no file scanned)' : problems.length === 0 ? 'ok' : `${problems.length} finding(s)`;
  console.log(`${tool}: ${files} file(s)${detail}, ${status}`);
  for (const p of problems) console.log(`  ${p.where}  ${p.rule}  ${p.message.replace(/\s+/g, ' ').trim()}`);
  return files > 0 && problems.length === 0;
}

const eslintResult = await runEslint();
const electronegativityResult = await runElectronegativity();
const eslintOk = report('eslint-plugin-electron-security', eslintResult);
const electronegativityOk = report(
  'electronegativity',
  electronegativityResult,
  `, ${electronegativityResult.checks} checks`,
);
if (eslintOk && electronegativityOk) {
  console.log('lint:security: no findings');
} else {
  console.log('lint:security: FAILED');
  process.exitCode = 1;
}
