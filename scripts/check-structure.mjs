// Fails when the layers leak: a file under src/ that imports from webview/, 'vscode' imported
// outside src/extension, or an import cycle among the project's own modules (type-only imports
// count: a cycle of types is still two files that cannot be understood apart). Run by `npm run lint`.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dirs = ['src', 'webview'];

function walk(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolve(from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (existsSync(c) && statSync(c).isFile()) return c;
  }
  return undefined;
}

/** Every static import or re-export of a module, with whether it is type-only. */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const out = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) out.push({ spec: m[3], typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ spec: m[1], typeOnly: false, dynamic: true });
  return out;
}

const problems = [];
const files = dirs.flatMap((d) => (existsSync(path.join(root, d)) ? walk(path.join(root, d)) : []));
const graph = new Map();
for (const file of files) {
  const rel = path.relative(root, file);
  const edges = [];
  for (const imp of importsOf(file)) {
    if (imp.spec === 'vscode' && !rel.startsWith(`src${path.sep}extension${path.sep}`)) {
      problems.push(`${rel}: imports 'vscode' outside src/extension`);
    }
    if (!imp.spec.startsWith('.')) continue;
    const target = resolve(file, imp.spec);
    if (!target) continue;
    const trel = path.relative(root, target);
    if (rel.startsWith(`src${path.sep}`) && trel.startsWith(`webview${path.sep}`)) {
      problems.push(`${rel}: imports ${trel} (src/ never imports webview/: move what both need to src/contract)`);
    }
    if (!imp.dynamic) edges.push(trel);
  }
  graph.set(rel, edges);
}

// Cycles: depth-first search, each cycle reported once by its smallest rotation.
const seen = new Set();
const cycles = new Set();
const stack = [];
const onStack = new Set();
function visit(node) {
  if (onStack.has(node)) {
    const cycle = stack.slice(stack.indexOf(node));
    const start = cycle.indexOf([...cycle].sort()[0]);
    cycles.add([...cycle.slice(start), ...cycle.slice(0, start)].join(' -> '));
    return;
  }
  if (seen.has(node)) return;
  seen.add(node);
  stack.push(node);
  onStack.add(node);
  for (const next of graph.get(node) ?? []) visit(next);
  stack.pop();
  onStack.delete(node);
}
for (const node of graph.keys()) visit(node);
for (const c of cycles) problems.push(`import cycle: ${c} -> (back to the start)`);

if (problems.length) {
  console.error(`Structure check failed:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`Structure check: ${files.length} files, no import from webview/ under src/, no import cycle.`);
