// Prints the plain closing line CI reads, from vitest's JSON report. A failed static gate (typecheck,
// lint, security scan) counts as one failure each, so a red gate can never end in "0 failed".
import { readFileSync } from 'node:fs';

const [file, gateFailuresArg = '0'] = process.argv.slice(2);
const gateFailures = Number(gateFailuresArg) || 0;
let passed = 0;
let failed = gateFailures;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A suite that failed to load reports no failed test; count it so the line is never falsely green.
  failed += (report.testResults ?? []).filter(
    (r) => r.status === 'failed' && r.assertionResults?.length === 0,
  ).length;
} catch (err) {
  console.error(`no test report at ${file}: ${err.message}`);
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
