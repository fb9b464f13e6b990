import assert from 'node:assert/strict';
import type { ReplicationLeftover } from '../../../src/core/model';
import { TreeModel } from '../../../src/extension/model/treeModel';
import { cleanupConfirmation, leftoverDescription, leftoverTooltip } from '../../../src/extension/model/leftoverPresentation';
import { conn, fakeSources } from './fakes';

const slot = (name: string, bytes: number, over: Partial<ReplicationLeftover> = {}): ReplicationLeftover =>
  ({ server: 'source', kind: 'slot', name, database: 'shop', retainedWalBytes: bytes, active: false, walStatus: 'reserved', ...over });

describe('extension tree: replication slots pgflex left under a source connection', () => {
  it('lists each slot with its WAL, marking the ones over warnBytes; an info node when there is none; loaded again on refresh', async () => {
    const source = conn('Prod', 'source');
    const { sources, state } = fakeSources({ connections: [source], slots: { [source.id]: [slot('pgflex_a_shop', 2 * 1024 ** 3), slot('pgflex_b_shop', 10 * 1024 ** 2)] } });
    const model = new TreeModel(sources);
    const [, direct] = await model.children();
    const node = (await model.children(direct)).find((k) => k.kind === 'connection')!;
    const kids = await model.children(node);
    assert.deepEqual(kids.map((k) => k.kind === 'leftover' && [k.leftover.name, k.heavy]), [['pgflex_a_shop', true], ['pgflex_b_shop', false]]);
    state.slots[source.id] = [];
    assert.equal((await model.children(node)).length, 2, 'cached until a refresh');
    model.refresh(node);
    const none = await model.children(node);
    assert.deepEqual(none.map((k) => k.kind === 'info' && k.message), ['No replication slots left by pgflex.']);
  });

  it('an unreadable source becomes a retryable error node', async () => {
    const source = conn('Prod', 'source');
    const { sources } = fakeSources({ connections: [source] });
    sources.direct.slots = async () => { throw new Error('The source server localhost:5432 rejected the password for user "postgres".'); };
    const model = new TreeModel(sources);
    const node = (await model.children((await model.children())[1])).find((k) => k.kind === 'connection')!;
    const [err] = await model.children(node);
    assert.equal(err.kind, 'error');
  });

  it('describes a slot in a line, a tooltip and a confirmation that names each object', () => {
    const heavy = slot('pgflex_a_shop', 2 * 1024 ** 3, { walStatus: 'extended' });
    assert.equal(leftoverDescription(heavy, true), '2.0 GB of WAL held (over pgflex.leftovers.warnBytes) · inactive · wal_status extended');
    assert.equal(leftoverDescription(slot('x', 0, { walStatus: null, active: true }), false), '0 B of WAL held · in use');
    const tip = leftoverTooltip(heavy, true);
    assert.match(tip, /Retained WAL: 2,147,483,648 bytes/);
    assert.match(tip, /Warning: it holds more WAL than pgflex\.leftovers\.warnBytes/);
    assert.match(leftoverTooltip(slot('x', 1, { walStatus: null }), false), /not reported \(PostgreSQL 12 or older\)/);
    const ask = cleanupConfirmation([heavy, { server: 'source', kind: 'publication', name: 'pgflex_a_shop', database: 'shop' }, slot('pgflex_c_db', 5, { active: true })], 'Prod (db:5432)');
    assert.equal(ask.message, 'Remove these 3 pgflex replication objects from Prod (db:5432)?');
    assert.match(ask.detail, /• replication slot pgflex_a_shop in database "shop" on the source, holding 2\.0 GB of WAL on the source, wal_status extended/);
    assert.match(ask.detail, /• publication pgflex_a_shop in database "shop" on the source/);
    assert.match(ask.detail, /pgflex_c_db is in use: a migration streams through it/);
  });
});
