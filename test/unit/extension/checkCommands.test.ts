import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'check-commands.mjs');

describe('extension command contributions (scripts/check-commands.mjs)', () => {
  it('finds every contributed command registered and every menu entry contributed', () => {
    const out = execFileSync(process.execPath, [SCRIPT, '--root', ROOT], { encoding: 'utf8' });
    assert.match(out, /\d+ commands contributed and registered/);
  });

  it('fails, naming the command, when package.json and the code drift apart', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pgflex-cmds-'));
    try {
      mkdirSync(path.join(dir, 'src'), { recursive: true });
      cpSync(path.join(ROOT, 'src', 'extension'), path.join(dir, 'src', 'extension'), { recursive: true });
      const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
      pkg.contributes.commands.push({ command: 'pgflex.ghost', title: 'Ghost', category: 'PostgreSQL Migration' });
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
      const r = spawnSync(process.execPath, [SCRIPT, '--root', dir], { encoding: 'utf8' });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /pgflex\.ghost is contributed in package\.json but never registered/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hides the tree-only commands from the palette and keeps the main ones in it', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const hidden = new Set(pkg.contributes.menus.commandPalette.filter((e: { when: string }) => e.when === 'false').map((e: { command: string }) => e.command));
    for (const id of ['pgflex.newMigration', 'pgflex.signIn', 'pgflex.addConnection', 'pgflex.refresh', 'pgflex.openDetails', 'pgflex.cutover', 'pgflex.cancel', 'pgflex.showLog']) {
      assert.ok(!hidden.has(id), `${id} should be in the palette`);
    }
    for (const id of ['pgflex.copyName', 'pgflex.removeFromList', 'pgflex.refreshNode', 'pgflex.removeConnection']) assert.ok(hidden.has(id), `${id} should be hidden`);
  });
});
