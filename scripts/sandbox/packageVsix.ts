/** Builds the extension and packages it as a .vsix (the file a user would install). */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

function node(args: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed (exit ${code}):\n${out.slice(-4000)}`))));
  });
}

/**
 * Packages as `npm run package` does (production bundles, then vsce), but into a fresh
 * temporary folder so concurrent runs never share a file; returns the .vsix path.
 */
export async function packageVsix(opts: { build?: boolean } = {}): Promise<string> {
  if (opts.build ?? true) await node([path.join(ROOT, 'esbuild.mjs'), '--production'], 'Building the extension (node esbuild.mjs --production)');
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'pgflex-vsix-')), 'pgflex.vsix');
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  await node([vsce, 'package', '--no-dependencies', '--out', out], 'Packaging the extension (vsce package)');
  if (!existsSync(out)) throw new Error(`vsce reported success but wrote no ${out}`);
  return out;
}
