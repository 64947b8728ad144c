import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Import-direction zones from DESIGN.md ("Who may import what"), enforced here rather than in review. */
const zone = (files, regex, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ regex, message }] }] },
});

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'release', 'artifacts', 'bench/results'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  zone(
    ['src/shared/**'],
    '^(node:.*|electron|react|react-dom|better-sqlite3|ccxt|ws)$|(^|/)(main|renderer|preload)(/|$)',
    'src/shared is pure TypeScript: it imports only src/shared and zod.',
  ),
  zone(
    ['src/renderer/**'],
    '^(node:.*|electron|better-sqlite3|ccxt|ws)$|(^|/)main(/|$)',
    'The renderer reaches main only through the contract (src/shared/contract).',
  ),
  zone(
    ['src/preload/**'],
    '^(node:.*|better-sqlite3|ccxt|ws)$|(^|/)(main|renderer)(/|$)',
    'The preload imports only electron and src/shared.',
  ),
  zone(
    ['src/main/core/**'],
    '^electron$|(^|/)(electron|headless|renderer|preload)(/|$)',
    'src/main/core is plain Node: Electron objects arrive through interfaces (DESIGN.md).',
  ),
  // A later zone replaces an earlier one for the same files, so these repeat the core's rule.
  zone(
    ['src/main/core/base/**'],
    '^electron$|(^|/)(electron|headless|renderer|preload)(/|$)|^\\.\\./(?!\\.\\./)',
    'core/base holds generic helpers every layer may use: it imports only base/, src/shared and node packages.',
  ),
  zone(
    ['src/main/core/streams/**'],
    '^electron$|(^|/)(electron|headless|renderer|preload)(/|$)|^\\.\\./(?!\\.\\./|base/)',
    'core/streams is the stream skeleton of every domain: it imports only base/, streams/, src/shared and node packages.',
  ),
  zone(
    ['src/main/headless/**'],
    '^electron$|(^|/)(electron|renderer|preload)(/|$)',
    'Headless mode runs under plain Node: no electron, no renderer code.',
  ),
  zone(
    ['src/main/electron/**'],
    '(^|/)(headless|renderer)(/|$)',
    'The Electron shell uses core and shared only.',
  ),
  prettier,
);
