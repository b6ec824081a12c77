// Lint: typescript-eslint's recommended rules plus the boundaries of docs/architecture.md, enforced here rather than by good intentions:
// src/core is pure TypeScript (no `vscode`, no DOM), the parse worker never imports `vscode`, webview/ imports nothing of src/ but
// the protocol, and the protocol imports nothing outside itself.
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noVscode = { name: 'vscode', message: 'Only src/host may import the vscode API.' };

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', 'bench/out/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: ['**/host/**', '**/webview/**'], message: 'src/core must not depend on the host or the webview.' }] }],
      // The DOM is not there in a worker, the CLI or the tests.
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'HTMLElement', 'HTMLCanvasElement', 'requestAnimationFrame', 'localStorage'],
    },
  },
  {
    // The parse worker runs in a worker thread, where the vscode API does not exist: it may use the core and the
    // worker protocol, but not vscode nor any other host module (which could bring vscode in).
    files: ['src/host/parseWorker.ts', 'src/host/workerProtocol.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The parse worker runs in a worker thread: no vscode API there.' }],
          patterns: [{ group: ['./*', '!./workerProtocol'], message: 'The parse worker may import only the core and ./workerProtocol, never host modules.' }],
        },
      ],
    },
  },
  {
    files: ['webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // Anything under src/ but the protocol's index: not the core, the host or the CLI, nor a protocol file past its index.
      'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: ['**/src/**', '!**/src/protocol'], message: 'The webview shares only src/protocol (its index) with the host.' }] }],
    },
  },
  {
    // The protocol is shared by both sides, so it stands alone: its files import only each other.
    files: ['src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noVscode], patterns: [{ group: ['../*', '!./*'], message: 'src/protocol imports nothing from outside its folder.' }] }],
    },
  },
  {
    files: ['**/*.mjs', 'scripts/**', 'bench/**', 'test/**', '.ci/**'],
    languageOptions: { globals: { ...globals.node } },
  },
);
