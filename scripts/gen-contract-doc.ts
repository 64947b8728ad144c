import { writeFileSync } from 'node:fs';
import { renderContractDoc } from '../src/main/core/contract/contract-doc';

writeFileSync('docs/contract.md', renderContractDoc());
console.log('wrote docs/contract.md');
