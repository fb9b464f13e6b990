import assert from 'node:assert/strict';
import net from 'node:net';
import { current } from './session';

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
    const { code, output } = await current().sandboxCheck.result;
    assert.equal(code, 0, `npm start -- --check failed:\n${output}`);
    assert.match(output, /Check passed: the extension is active and shows both sandbox connections/);
    const urls = [...output.matchAll(/postgres:\/\/([^@\s]*)@127\.0\.0\.1:(\d+)\//g)];
    assert.ok(urls.length >= 2, `no server URLs printed:\n${output}`);
    for (const [, userinfo] of urls) assert.equal(userinfo, 'postgres', 'a printed URL carries a password');
    const editor = /open (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(output);
    assert.ok(editor, `no code-server address printed:\n${output}`);
    const ports = [...new Set([...urls.map((u) => Number(u[2])), Number(editor[2])])];
    for (const p of ports) assert.equal(await portOpen(p), false, `port ${p} is still open after the sandbox stopped`);
  });
});
