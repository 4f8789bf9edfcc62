import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Only these specifiers (regexes) may be imported by the preload, which runs sandboxed with only `electron`. */
const preloadOnly = (allowed) => [
  'error',
  {
    patterns: [
      {
        regex: `^(?!(${allowed.join('|')})$)`,
        message: 'The preload imports only electron, core/common and its own files.',
      },
    ],
  },
];

const nodeModuleNames = [
  'path',
  'os',
  'child_process',
  'crypto',
  'http',
  'https',
  'net',
  'stream',
  'url',
  'util',
  'v8',
  'worker_threads',
  'zlib',
  'events',
  'readline',
  'buffer',
  'assert',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '**/.weft/',
      'resources/examples/out/',
      'test-results/',
      'playwright-report/',
      'bench/out/',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', 'bin/*.js', 'scripts/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      '@typescript-eslint/unbound-method': 'off',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['core/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeModuleNames.map((name) => ({ name, message: 'core/common is pure: no Node built-ins.' })),
          patterns: [
            { group: ['node:*'], message: 'core/common is pure: no Node built-ins.' },
            {
              group: ['**/node/**', '**/cli/**', '**/renderer/**', '**/electron/**'],
              message: 'core/common imports nothing of ours outside itself.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        'window',
        'document',
        'process',
        'setTimeout',
        'setInterval',
        'require',
        'Buffer',
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeModuleNames.map((name) => ({
            name,
            message: 'The renderer runs in a browser: no Node built-ins.',
          })),
          patterns: [
            { group: ['node:*'], message: 'The renderer runs in a browser: no Node built-ins.' },
            {
              group: ['**/core/node/**', '**/core/cli/**', '**/electron/**', 'onnxruntime-node', 'sharp'],
              message: 'renderer imports only core/common.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['core/node/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/cli/**', '**/renderer/**', '**/electron/**'],
              message: 'core/node imports core/common and libraries, not the CLI, renderer or Electron.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          'CallExpression[callee.property.name=/^(push|unshift)$/] > SpreadElement',
          "CallExpression[callee.object.name='Math'][callee.property.name=/^(max|min)$/] > SpreadElement",
          'CallExpression[callee.property.name=/^(fromCharCode|fromCodePoint)$/] > SpreadElement',
        ].map((selector) => ({
          selector,
          message:
            'Spreading an array into call arguments overflows the stack on data-sized arrays (about 100k items): use a loop or a typed-array op.',
        })),
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/renderer/**', '**/core/cli/**'],
              message: 'electron imports core/common and core/node, not the renderer or the CLI.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/preload.ts'],
    rules: {
      'no-restricted-imports': preloadOnly(['electron', '\\./preload/[\\w-]+', '\\.\\./core/common(/[\\w-]+)*']),
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': preloadOnly(['electron', '\\./[\\w-]+', '\\.\\./\\.\\./core/common(/[\\w-]+)*']),
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/cache': { lifetime: '∞' },
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['core/cli/**/*.ts', 'scripts/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
);
