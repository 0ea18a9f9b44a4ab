// ESLint: typescript-eslint's recommended type-checked rules over the whole TypeScript project.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-output/**', 'data/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Options, not a switch-off: `const { omitted: _omitted, ...rest } = o` is how a key is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // better-sqlite3 is synchronous: the SQLite store's methods are `async` only to implement the async store port,
    // which also turns a SQLite exception into a rejected promise as the Azure SQL store's would be.
    files: ['src/store/sqlite/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // Tests: JSON responses are read as `any` and checked by `expect`; stubs implement async interfaces without
    // awaiting; vitest's `expect(obj.method)` and mocks pass methods unbound; the stub servers (OpenAI, Bot Framework)
    // take async request handlers. Every rule stays on for src/ and scripts/.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
