// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'bench/work/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      // Fastify handlers and driver interfaces are async by contract, awaiting or not.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    // Libraries stay pure: they never reach into the apps (DESIGN.md, "Parts").
    files: ['packages/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@allmende/server', '@allmende/cli', '@allmende/web', '**/apps/**'] },
      ],
    },
  },
  {
    // These libraries run in the browser: no Node built-ins (tlog's SHA-256 picks its own).
    files: [
      'packages/bytes/src/**',
      'packages/tlog/src/**',
      'packages/ssh/src/**',
      'packages/webauthn/src/**',
    ],
    ignores: [
      'packages/tlog/src/sha256-node.ts',
      'packages/*/src/**/*.test.ts',
      'packages/*/src/test-helpers.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['node:*', '@allmende/*', '!@allmende/bytes'] },
      ],
    },
  },
  {
    // Only repositories touch the database (STYLE.md, "Layout").
    files: ['apps/server/src/**'],
    ignores: [
      'apps/server/src/**/*.repo.ts',
      'apps/server/src/db/**',
      'apps/server/src/**/*.test.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'kysely',
              message: 'Only repositories (*.repo.ts) and db/ touch the database.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/web/src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
