import assert from 'node:assert/strict';
import { runRules } from '../../src/core/rules';
import type { ServerFacts, ValidationFacts } from '../../src/core/rules/facts';
import { cleanFacts } from './rulesFixtures';

const src = (f: ValidationFacts): ServerFacts => (f.source.ok ? f.source.value : assert.fail('source not ok'));
const slotRule = (f: ValidationFacts) => runRules(f).serverLevelValidationDetails!.find((i) => i.type === 'SlotWalRetentionValidation');

describe('validation rules: WAL a slot left behind may keep (max_slot_wal_keep_size)', () => {
  it('warns on -1 (13+), saying what it means and how to set it, and lets the migration go on', () => {
    const f = cleanFacts();
    src(f).settings.max_slot_wal_keep_size = '-1';
    const r = slotRule(f)!;
    assert.equal(r.state, 'Warning');
    assert.match(r.messages![0].message, /without limit.*until its disk fills/);
    assert.match(r.correctiveAction!, /ALTER SYSTEM SET max_slot_wal_keep_size = '50GB'; SELECT pg_reload_conf\(\);/);
    assert.deepEqual(r.objects, ['max_slot_wal_keep_size']);
    assert.equal(runRules(f).status, 'Warning');
  });

  it('names the Azure server parameter on a Flexible Server source', () => {
    const f = cleanFacts();
    Object.assign(src(f).settings, { max_slot_wal_keep_size: '-1', 'azure.extensions': 'pgcrypto' });
    assert.match(slotRule(f)!.correctiveAction!, /server parameter max_slot_wal_keep_size.*az postgres flexible-server parameter set/);
  });

  it('passes with a cap, explains 11/12 (no cap exists), and is absent offline', () => {
    const capped = cleanFacts();
    src(capped).settings.max_slot_wal_keep_size = '51200';
    assert.equal(slotRule(capped)!.state, 'Succeeded');
    const old = cleanFacts();
    src(old).versionNum = 120015;
    assert.equal(slotRule(old)!.state, 'Succeeded');
    assert.match(slotRule(old)!.messages![0].message, /cannot cap.*pgflex cleanup/);
    const offline = cleanFacts({ mode: 'Offline' });
    src(offline).settings.max_slot_wal_keep_size = '-1';
    assert.equal(slotRule(offline), undefined);
  });
});
