// activate() in plain Node against the stub `vscode` module of the activation benchmark.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const stub = require(path.join(ROOT, 'bench', 'activation-vscode-stub.cjs'));
stub.install();

interface Ctx { subscriptions: { dispose(): void }[]; globalState: { get(k: string, d?: unknown): unknown }; secrets: { get(k: string): Promise<string | undefined> } }

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('extension activation (stub vscode, plain Node)', () => {
  let ctx: Ctx;
  const saved = process.env.PGFLEX_SANDBOX_CONNECTIONS;

  before(() => {
    process.env.PGFLEX_SANDBOX_CONNECTIONS = JSON.stringify([
      { label: 'Sandbox source', role: 'source', host: '127.0.0.1', port: 45432, user: 'postgres', database: 'shop', sslMode: 'disable', password: 'sandbox-secret' },
      { label: 'Sandbox target', role: 'target', host: '127.0.0.1', port: 45433, user: 'postgres', database: 'postgres', sslMode: 'disable', password: 'target-secret' },
    ]);
    const ext = require(path.join(ROOT, 'src', 'extension', 'extension.ts'));
    ctx = stub.fakeContext(ROOT);
    ext.activate(ctx);
  });

  after(() => {
    for (const d of ctx.subscriptions) d.dispose();
    if (saved === undefined) delete process.env.PGFLEX_SANDBOX_CONNECTIONS;
    else process.env.PGFLEX_SANDBOX_CONNECTIONS = saved;
  });

  it('registers exactly the contributed commands', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const contributed = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual([...stub.recorded.commands.keys()].sort(), contributed);
  });

  it('creates the tree view, the panel serializers, and a hidden status bar item', () => {
    assert.deepEqual(stub.recorded.treeViews.map((v: { id: string }) => v.id), ['pgflex.migrations']);
    assert.deepEqual([...stub.recorded.serializers].sort(), ['pgflex.details', 'pgflex.wizard']);
    const item = stub.recorded.statusBarItems.find((i: { id: string }) => i.id === 'pgflex.latency');
    assert.ok(item);
    assert.equal(item.visible, false);
  });

  it('imports PGFLEX_SANDBOX_CONNECTIONS: details in globalState, passwords only in secret storage', async () => {
    await until('sandbox connections', () => ((ctx.globalState.get('pgflex.connections', []) as unknown[]).length === 2));
    const conns = ctx.globalState.get('pgflex.connections') as { id: string; label: string }[];
    assert.deepEqual(conns.map((c) => c.label).sort(), ['Sandbox source', 'Sandbox target']);
    assert.doesNotMatch(JSON.stringify(conns), /secret/);
    const source = conns.find((c) => c.label === 'Sandbox source')!;
    assert.equal(await ctx.secrets.get(`pgflex.password.${source.id}`), 'sandbox-secret');
  });

  it('writes to the log channel without the passwords', async () => {
    const log = stub.recorded.outputChannels.find((c: { name: string }) => c.name === 'PostgreSQL Migration');
    await until('the sandbox log line', () => log.lines.some((l: string) => /sandbox connection/.test(l)));
    assert.doesNotMatch(log.lines.join('\n'), /sandbox-secret|target-secret/);
  });
});
