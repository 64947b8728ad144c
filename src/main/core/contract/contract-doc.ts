import { z } from 'zod';
import { events, methods } from '../../../shared/contract';

/** One line of a schema as a reader wants it: compact JSON Schema, not zod internals. */
function schemaText(schema: z.ZodType, io: 'input' | 'output'): string {
  try {
    const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
    delete json.$schema;
    return JSON.stringify(json);
  } catch {
    return '(not representable as JSON Schema)';
  }
}

/** docs/contract.md, generated from the contract itself so the reference cannot drift from the code. */
export function renderContractDoc(): string {
  const lines = [
    '# Contract reference',
    '',
    'Generated from `src/shared/contract` by `npm run docs:contract`; a unit test fails when it is stale.',
    'Every call answers `{ ok: true, value } | { ok: false, error: { code, message } }`; inputs are parsed in main',
    'before any handler runs. Error codes: `invalid-input`, `unknown-method`, `not-found`, `conflict`,',
    '`unavailable`, `unauthorized`, `exchange-error`, `internal`.',
    '',
    '## Methods',
    '',
  ];
  for (const [name, spec] of Object.entries(methods)) {
    lines.push(`### \`${name}\``, '', spec.description, '');
    lines.push(`- input: \`${schemaText(spec.input, 'input')}\``);
    lines.push(`- output: \`${schemaText(spec.output, 'output')}\``, '');
  }
  lines.push('## Events', '');
  for (const [name, spec] of Object.entries(events)) {
    lines.push(`### \`${name}\``, '', spec.description, '');
    lines.push(`- payload: \`${schemaText(spec.payload, 'output')}\``, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
