import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Lazy from './lazy';

let loaded: typeof Lazy | undefined;

/**
 * The heavy modules, from dist/extension-lazy.js next to the extension bundle. Under tsx
 * (plain Node tests) the TypeScript source is loaded instead. createRequire keeps esbuild
 * from inlining the bundle into dist/extension.js.
 */
export function lazy(): typeof Lazy {
  if (!loaded) {
    const bundled = path.join(__dirname, 'extension-lazy.js');
    const req = createRequire(__filename);
    loaded = req(existsSync(bundled) ? bundled : path.join(__dirname, 'lazy')) as typeof Lazy;
  }
  return loaded;
}
