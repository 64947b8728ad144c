import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderContractDoc } from '../../../src/main/core/contract/contract-doc';
import { eventNames, methodNames } from '../../../src/shared/contract';

describe('docs/contract.md', () => {
  it('is the reference generated from the contract (run `npm run docs:contract` after changing it)', () => {
    expect(readFileSync('docs/contract.md', 'utf8')).toBe(renderContractDoc());
  });

  it('documents every method and event with a description', () => {
    const doc = renderContractDoc();
    for (const name of [...methodNames, ...eventNames]) expect(doc).toContain(`### \`${name}\``);
    expect(doc).not.toMatch(/\n\n\n/);
  });
});
