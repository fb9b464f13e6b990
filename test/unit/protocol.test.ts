import assert from 'node:assert/strict';
import { ProtocolError } from '../../src/contract/check';
import { checkDraft, checkMigration, detailsEvents, detailsMethods, wizardEvents, wizardMethods } from '../../src/contract/protocol';
import { RpcClient, RpcHost } from '../../src/contract/rpc';
import { newDraft } from '../../src/contract/draft';

/** Wire a client and a host back to back, recording what crosses. */
function pair() {
  const toHost: unknown[] = [];
  const toPage: unknown[] = [];
  const bad: string[] = [];
  const wire: { host?: RpcHost<typeof wizardMethods, typeof wizardEvents> } = {};
  const client = new RpcClient(wizardMethods, wizardEvents, (m) => { toHost.push(m); void wire.host?.receive(m); }, (w) => bad.push(`page: ${w}`));
  const handlers = {
    ready: async () => ({ connections: [], drafts: [], azure: { available: false, signedIn: false }, sourceTypes: ['OnPremises'] }),
    checkName: async ({ name }: { name: string }) => ({ ok: name !== 'taken', reason: name === 'taken' ? 'taken' : undefined }),
  } as unknown as ConstructorParameters<typeof RpcHost<typeof wizardMethods, typeof wizardEvents>>[1];
  const host = new RpcHost(wizardMethods, handlers, (m) => { toPage.push(m); client.receive(JSON.parse(JSON.stringify(m))); }, (w) => bad.push(`host: ${w}`));
  wire.host = host;
  return { client, host, toHost, toPage, bad };
}

describe('webview protocol', () => {
  it('round-trips a request through both checks, with the ready handshake first', async () => {
    const { client, toHost } = pair();
    const init = await client.request('ready', {});
    assert.deepEqual(init.sourceTypes, ['OnPremises']);
    assert.deepEqual(toHost[0], { type: 'request', id: 1, method: 'ready', params: {} });
    const r = await client.request('checkName', { name: 'taken', provider: 'direct' });
    assert.deepEqual(r, { ok: false, reason: 'taken' });
  });

  it('the host rejects unknown methods and bad params with an error response, and drops bad envelopes', async () => {
    const posted: unknown[] = [];
    const bad: string[] = [];
    const host = new RpcHost(detailsMethods, {} as never, (m) => posted.push(m), (w) => bad.push(w));
    assert.equal(await host.receive('nonsense'), undefined);
    assert.equal(await host.receive({ type: 'request', id: -1, method: 'refresh' }), undefined);
    assert.equal(posted.length, 0, 'no reply without an id');
    const r1 = await host.receive({ type: 'request', id: 1, method: 'constructor', params: {} });
    assert.equal(r1?.ok, false);
    assert.match((r1 as { error: string }).error, /unknown request "constructor"/, 'prototype names are not methods');
    const r2 = await host.receive({ type: 'request', id: 2, method: 'cutover', params: { confirmed: 'yes' } });
    assert.match((r2 as { error: string }).error, /cutover params\.confirmed: expected true or false, got string/);
    assert.equal(bad.length, 4);
  });

  it('the page rejects malformed responses, unknown events and bad payloads', async () => {
    const bad: string[] = [];
    const posted: { id: number }[] = [];
    const client = new RpcClient(detailsMethods, detailsEvents, (m) => posted.push(m as { id: number }), (w) => bad.push(w));
    const seen: unknown[] = [];
    client.on('refresh', (p) => seen.push(p));
    assert.equal(client.receive({ type: 'event', name: 'refresh', payload: { nextInSeconds: 'soon' } }), false);
    assert.equal(client.receive({ type: 'event', name: 'nope', payload: {} }), false);
    assert.equal(client.receive({ type: 'response', id: 99, ok: true, result: {} }), false, 'no such request');
    assert.equal(client.receive({ type: 'event', name: 'refresh', payload: { nextInSeconds: 30, extra: 'dropped' } }), true);
    assert.deepEqual(seen, [{ nextInSeconds: 30 }], 'unknown fields stripped');
    const p = client.request('refresh', {});
    client.receive({ type: 'response', id: posted[0].id, ok: true, result: { migration: { name: 7 }, fetchedAt: 1, latency: {} } });
    await assert.rejects(p, /refresh result\.migration\.name: expected a string/);
    const q = client.request('copyJson', {});
    client.receive({ type: 'response', id: posted[1].id, ok: false, error: 'The migration has not loaded yet.' });
    await assert.rejects(q, /has not loaded yet/);
    assert.equal(bad.length, 4);
  });

  it('checkDraft keeps a valid draft whole and refuses wrong types; no password field survives', () => {
    const d = { ...newDraft('d1'), name: 'x', databases: ['a'] };
    assert.deepEqual(checkDraft(JSON.parse(JSON.stringify(d))), d);
    const withPw = { ...d, source: { ...d.source, password: 'hunter2' }, password: 'hunter2' };
    assert.doesNotMatch(JSON.stringify(checkDraft(withPw)), /hunter2/, 'unknown keys such as password are dropped');
    assert.throws(() => checkDraft({ ...d, step: 'elsewhere' }), ProtocolError);
    assert.throws(() => checkDraft({ ...d, databases: 'a' }), /databases: expected an array/);
    assert.throws(() => checkDraft({ ...d, source: { ...d.source, port: Number.NaN } }), /source\.port/);
  });

  it('checkMigration accepts what providers return and keeps the shown fields', () => {
    const m = checkMigration({
      name: 'm', migrationMode: 'Online', unknownField: 1,
      currentStatus: { state: 'InProgress', currentSubStateDetails: { dbDetails: { a: { latency: 3, tables: [{ name: 't', state: 'Queued' }] } } } },
    });
    assert.equal(m.currentStatus?.currentSubStateDetails?.dbDetails?.a.latency, 3);
    assert.equal((m as unknown as Record<string, unknown>).unknownField, undefined);
    assert.throws(() => checkMigration({ name: 'm', currentStatus: { currentSubStateDetails: { dbDetails: { a: { tables: [{ name: 't', state: 'Weird' }] } } } } }), /tables\[0\]\.state/);
  });
});
