import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', '.vscode-test/**', 'test/e2e/screenshots/**', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['src/core/**', 'src/pg/**', 'src/direct/**', 'src/azure/**', 'src/cli.ts', 'src/cli/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: "Only src/extension may import 'vscode'." }] }],
    },
  },
  {
    files: ['src/**'],
    ignores: ['src/cli.ts', 'src/cli/**'],
    rules: { 'no-console': 'error' },
  },
);
