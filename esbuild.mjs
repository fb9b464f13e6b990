// Builds the extension (node, `vscode` external), the CLI (node) and the webviews (browser).
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, readdirSync, chmodSync, readFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const builds = [];
if (existsSync('src/extension/extension.ts')) {
  builds.push({
    ...common,
    // extension-lazy: pg, the direct engine and the Azure SDK, loaded on first use so that
    // activation does not compile them.
    entryPoints: {
      extension: 'src/extension/extension.ts',
      ...(existsSync('src/extension/lazy.ts') ? { 'extension-lazy': 'src/extension/lazy.ts' } : {}),
    },
    outdir: 'dist',
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    external: ['vscode', 'pg-native'],
  });
}
builds.push({
  ...common,
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['pg-native'],
  banner: { js: '#!/usr/bin/env node' },
  // `pgflex --version` without reading package.json at run time (an installed CLI is one file).
  define: { PGFLEX_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
});
const webviews = existsSync('webview') ? readdirSync('webview').filter((f) => /^[a-z][A-Za-z]*Main\.ts$/.test(f)) : [];
const webviewEntries = Object.fromEntries(webviews.map((f) => [f.replace(/\.ts$/, ''), `webview/${f}`]));
if (Object.keys(webviewEntries).length > 0) {
  builds.push({
    ...common,
    entryPoints: webviewEntries,
    outdir: 'dist/webview',
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
  });
}

mkdirSync('dist', { recursive: true });
if (watch) {
  const ctxs = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(ctxs.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
}
