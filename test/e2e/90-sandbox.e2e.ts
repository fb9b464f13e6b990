import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

describe('e2e: npm start sandbox', () => {
  it('npm start -- --check starts both servers and VS Code, sees both connections in the tree, and stops everything', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs'), '--check'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, `npm start -- --check failed:\n${out}`);
    assert.match(out, /Check passed: the extension is active and shows both sandbox connections/);
    const urls = [...out.matchAll(/postgres:\/\/([^@\s]*)@127\.0\.0\.1:(\d+)\//g)];
    assert.ok(urls.length >= 2, `no server URLs printed:\n${out}`);
    for (const [, userinfo] of urls) assert.equal(userinfo, 'postgres', 'a printed URL carries a password');
    const editor = /open (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(out);
    assert.ok(editor, `no code-server address printed:\n${out}`);
    const ports = [...new Set([...urls.map((u) => Number(u[2])), Number(editor[2])])];
    for (const p of ports) assert.equal(await portOpen(p), false, `port ${p} is still open after the sandbox stopped`);
  });
});
