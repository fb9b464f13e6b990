// Add Connection… with scripted answers: every field validated as typed, a real pg test
// (here against a closed local port), and nothing saved unless the user says so.
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const stub = require(path.join(ROOT, 'bench', 'activation-vscode-stub.cjs'));
stub.install();

interface Box { prompt?: string; title?: string; password?: boolean; value?: string; validateInput?: (v: string) => string | undefined }

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('extension Add Connection… (scripted answers)', () => {
  let ctx: { subscriptions: { dispose(): void }[]; globalState: { get(k: string, d?: unknown): unknown }; secrets: { get(k: string): Promise<string | undefined> } };
  before(() => {
    const ext = require(path.join(ROOT, 'src', 'extension', 'extension.ts'));
    ctx = stub.fakeContext(ROOT);
    ext.activate(ctx);
  });
  after(() => {
    for (const d of ctx.subscriptions) d.dispose();
    Object.assign(stub.answers, { showQuickPick: undefined, inputBox: undefined, error: undefined });
  });

  it('validates the fields, tests with pg, shows the readable error, and saves only on "Save Anyway" (password in secret storage)', async () => {
    const port = await closedPort();
    const boxes: Box[] = [];
    stub.answers.showQuickPick = (items: { label: string }[]) => items.find((i) => i.label === 'Target' || i.label === 'disable');
    stub.answers.inputBox = (o: Box) => {
      boxes.push(o);
      if (/Host name/.test(o.prompt ?? '')) return '127.0.0.1';
      if (/^Port/.test(o.prompt ?? '')) return String(port);
      if (/Password/.test(o.prompt ?? '')) return 'typed-secret';
      return o.value;
    };
    let errorShown = '';
    stub.answers.error = (msg: string) => { errorShown = msg; return 'Save Anyway'; };
    await stub.recorded.commands.get('pgflex.addConnection')();
    const host = boxes.find((b) => /Host name/.test(b.prompt ?? ''))!;
    assert.match(host.validateInput!('') ?? '', /Enter the server host/);
    const portBox = boxes.find((b) => /^Port/.test(b.prompt ?? ''))!;
    assert.match(portBox.validateInput!('99999') ?? '', /between 1 and 65535/);
    assert.equal(boxes.find((b) => /Password/.test(b.prompt ?? ''))?.password, true);
    assert.match(errorShown, new RegExp(`Nothing is listening on the target server 127\\.0\\.0\\.1:${port}`));
    const saved = ctx.globalState.get('pgflex.connections', []) as { id: string; role: string; port: number; sslMode: string }[];
    assert.equal(saved.length, 1);
    assert.deepEqual([saved[0].role, saved[0].port, saved[0].sslMode], ['target', port, 'disable']);
    assert.doesNotMatch(JSON.stringify(saved), /typed-secret/);
    assert.equal(await ctx.secrets.get(`pgflex.password.${saved[0].id}`), 'typed-secret');
  });

  it('saves nothing when the user dismisses the error', async () => {
    const before = (ctx.globalState.get('pgflex.connections', []) as unknown[]).length;
    const port = await closedPort();
    stub.answers.inputBox = (o: Box) => (/Host name/.test(o.prompt ?? '') ? 'localhost' : /^Port/.test(o.prompt ?? '') ? String(port) : /Password/.test(o.prompt ?? '') ? 'x' : o.value);
    stub.answers.error = () => undefined;
    await stub.recorded.commands.get('pgflex.addConnection')();
    assert.equal((ctx.globalState.get('pgflex.connections', []) as unknown[]).length, before);
  });
});
