#!/usr/bin/env node
// Drift check between package.json and the code: every contributed command is registered in
// src/extension (through registerCommand) and every registered command is contributed; every
// menu entry names a contributed command. Usage: node scripts/check-commands.mjs [--root DIR]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const i = process.argv.indexOf('--root');
const root = path.resolve(i > 0 ? process.argv[i + 1] : '.');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const contributes = pkg.contributes ?? {};
const contributed = new Set((contributes.commands ?? []).map((c) => c.command));

function files(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(files(p));
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const registered = new Map();
const re = /registerCommand\(\s*[\w.]+\s*,\s*['"]([\w.-]+)['"]/g;
for (const f of files(path.join(root, 'src', 'extension'))) {
  const text = readFileSync(f, 'utf8');
  for (const m of text.matchAll(re)) registered.set(m[1], path.relative(root, f));
}

const problems = [];
for (const id of contributed) if (!registered.has(id)) problems.push(`${id} is contributed in package.json but never registered in src/extension.`);
for (const [id, f] of registered) if (!contributed.has(id)) problems.push(`${id} is registered in ${f} but not contributed in package.json.`);
for (const [menu, entries] of Object.entries(contributes.menus ?? {})) {
  for (const e of entries) {
    if (e.command && !contributed.has(e.command)) problems.push(`menus.${menu} names ${e.command}, which is not a contributed command.`);
  }
}
const nonCategorised = (contributes.commands ?? []).filter((c) => c.category !== 'PostgreSQL Migration' || !c.command.startsWith('pgflex.'));
for (const c of nonCategorised) problems.push(`${c.command} must be a pgflex.* command in category "PostgreSQL Migration".`);

if (problems.length) {
  for (const p of problems) console.error(`check-commands: ${p}`);
  process.exit(1);
}
console.log(`check-commands: ${contributed.size} commands contributed and registered, menus consistent.`);
