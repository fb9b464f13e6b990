import assert from 'node:assert/strict';
import { WIZARD_STEPS, type DatabaseInfo, type WizardDraft } from '../../src/contract/protocol';
import { choiceKey, draftFromMigration, newDraft, serverRefOf, specFromDraft } from '../../src/contract/draft';
import { databasesKey, nameKey, type WizardFacts } from '../../webview/wizard/facts';
import { back, canEnter, goTo, next, resumeStep, stepProblems } from '../../webview/wizard/machine';
import { toggleDatabase } from '../../webview/wizard/steps/databasesStep';
import { setProvider } from '../../webview/wizard/steps/setupStep';
import { STEPS } from '../../webview/wizard/steps/stepList';

const ok = { ok: true, message: 'Connected: PostgreSQL 16.4' };

function filled(): WizardDraft {
  const d = newDraft('d1');
  return {
    ...d,
    name: 'orders-move',
    source: { how: 'new', host: 'src.example', port: 5432, user: 'admin', database: 'postgres', sslMode: 'require' },
    target: { how: 'saved', connectionId: 'c2', host: 'tgt.example', port: 5433, user: 'admin', database: 'postgres', sslMode: 'require' },
    databases: ['orders'],
  };
}

function factsFor(d: WizardDraft, list: DatabaseInfo[] = [{ name: 'orders', existsOnTarget: false }, { name: 'billing', existsOnTarget: true }]): WizardFacts {
  return {
    source: { key: choiceKey(d.source), result: ok },
    target: { key: choiceKey(d.target), result: ok },
    databases: { key: databasesKey(d), list },
  };
}

describe('wizard rules', () => {
  it('starts on Setup with the portal defaults: Validate and Migrate, Offline', () => {
    const d = newDraft('x');
    assert.equal(d.step, 'setup');
    assert.equal(d.option, 'ValidateAndMigrate');
    assert.equal(d.mode, 'Offline');
    assert.deepEqual(d.databases, []);
  });

  it('has one step object for each step id of the protocol, in the same order', () => {
    assert.deepEqual(STEPS.map((s) => s.id), [...WIZARD_STEPS]);
  });

  it('Setup checks the name by provider rule: hyphens for direct, lowercase alphanumerics for Azure', () => {
    const d = { ...newDraft('x'), name: 'Orders-1' };
    assert.deepEqual(stepProblems('setup', d, {}), []);
    assert.match(stepProblems('setup', { ...d, name: '-x' }, {})[0], /starts with a hyphen/);
    assert.match(stepProblems('setup', { ...d, name: '' }, {})[0], /Enter a migration name/);
    const az = setProvider(d, 'azure');
    assert.match(stepProblems('setup', az, {})[0], /lowercase letter.*e\.g\. "orders1"/);
    assert.deepEqual(stepProblems('setup', { ...az, name: 'orders1' }, {}), []);
  });

  it('a taken name blocks only while the fact matches the current name and target', () => {
    const d = filled();
    const facts: WizardFacts = { name: { key: nameKey(d), result: { ok: false, reason: 'taken on tgt' } } };
    assert.deepEqual(stepProblems('setup', d, facts), ['taken on tgt']);
    assert.deepEqual(stepProblems('setup', { ...d, name: 'other' }, facts), [], 'stale fact ignored after renaming');
  });

  it('Source/Target need complete fields and a successful connect for exactly those fields', () => {
    const d = filled();
    assert.match(stepProblems('source', d, {})[0], /Connect to source/);
    const facts = factsFor(d);
    assert.deepEqual(stepProblems('source', d, facts), []);
    const moved = { ...d, source: { ...d.source, host: 'other.example' } };
    assert.match(stepProblems('source', moved, facts)[0], /Connect to source/, 'changing the host needs a new connect');
    const failed: WizardFacts = { ...facts, source: { key: choiceKey(d.source), result: { ok: false, message: 'The source server rejected the password.' } } };
    assert.deepEqual(stepProblems('source', d, failed), ['The source server rejected the password.']);
    const empty = { ...d, source: { ...d.source, host: '', user: '' } };
    const p = stepProblems('source', empty, facts);
    assert.ok(p.some((x) => /host name/.test(x)) && p.some((x) => /administrator login/.test(x)), p.join(' | '));
    assert.match(stepProblems('source', { ...d, source: { ...d.source, port: 70000 } }, facts)[0], /port between 1 and 65535/);
    assert.match(stepProblems('target', { ...d, target: { ...d.target, connectionId: undefined } }, facts)[0], /saved target connection/);
  });

  it('Azure targets must be picked from a subscription', () => {
    const d = { ...setProvider(filled(), 'azure'), name: 'orders1' };
    assert.match(stepProblems('target', d, {})[0], /Pick the target server: subscription/);
    const picked = { ...d, target: { ...d.target, how: 'azure' as const, user: 'admin', azure: { subscriptionId: 's', resourceGroup: 'rg', serverId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/f1', serverName: 'f1' } } };
    assert.match(stepProblems('target', picked, {})[0], /Connect to target/);
    assert.equal(serverRefOf(picked.target, 'target', picked).kind, 'azure-flexible');
  });

  it('Databases: at least one, at most 8, no system databases, overwrite must be confirmed', () => {
    const d = filled();
    const facts = factsFor(d);
    assert.deepEqual(stepProblems('databases', d, facts), []);
    assert.match(stepProblems('databases', { ...d, databases: [] }, facts)[0], /at least one/);
    assert.match(stepProblems('databases', { ...d, databases: ['template1'] }, facts)[0], /system or template/);
    const over = { ...d, databases: ['orders', 'billing'] };
    assert.match(stepProblems('databases', over, facts)[0], /"billing" already exists on the target/);
    assert.deepEqual(stepProblems('databases', { ...over, overwrite: true }, facts), []);
    assert.match(stepProblems('databases', d, {})[0], /not loaded yet/);
    let sel = { ...d, databases: [] as string[] };
    for (let i = 1; i <= 8; i++) sel = toggleDatabase(sel, `db${i}`, true).draft;
    const ninth = toggleDatabase(sel, 'db9', true);
    assert.equal(ninth.draft.databases.length, 8);
    assert.match(ninth.problem ?? '', /at most 8/);
    assert.deepEqual(toggleDatabase(sel, 'db3', false).draft.databases, ['db1', 'db2', 'db4', 'db5', 'db6', 'db7', 'db8']);
  });

  it('navigation: Next only from a valid step, tabs only when every earlier tab is valid, Back always', () => {
    const d = { ...filled(), name: '' };
    const facts = factsFor(d);
    assert.equal(next(d, facts).step, 'setup', 'invalid Setup keeps us there');
    assert.equal(canEnter('source', d, facts), false);
    assert.equal(goTo('summary', d, facts).step, 'setup');
    const named = { ...d, name: 'orders-move' };
    const f2 = factsFor(named);
    const s1 = next(named, f2);
    assert.equal(s1.step, 'source');
    assert.equal(goTo('summary', named, f2).step, 'summary', 'all earlier tabs valid');
    assert.equal(back(s1).step, 'setup');
    assert.equal(back(back(s1)).step, 'setup');
    assert.equal(canEnter('databases', named, {}), false, 'untested servers lock Databases');
  });

  it('a restored draft resumes at its step if reachable, else at the first step needing input', () => {
    const d = { ...filled(), step: 'summary' as const };
    assert.equal(resumeStep(d, {}), 'source', 'connections must be tested again after a reload');
    assert.equal(resumeStep(d, factsFor(d)), 'summary');
  });

  it('switching provider resets the servers and the source type', () => {
    const d = setProvider(filled(), 'azure');
    assert.equal(d.provider, 'azure');
    assert.equal(d.sourceType, 'PostgreSQLSingleServer');
    assert.equal(d.source.host, '');
    assert.deepEqual(d.databases, []);
  });

  it('builds the provider spec from the draft and a prefill back from a migration, without passwords', () => {
    const d = { ...filled(), mode: 'Online' as const, databases: ['orders', 'billing'], overwrite: true, migrateRoles: true };
    const spec = specFromDraft(d);
    assert.equal(spec.migrateRoles, true);
    assert.equal(specFromDraft(filled()).migrateRoles, false);
    assert.equal(spec.source.id, 'direct:src.example:5432@admin');
    assert.equal(spec.target.port, 5433);
    assert.deepEqual(spec.databases, ['orders', 'billing']);
    assert.equal(spec.mode, 'Online');
    assert.equal(spec.overwrite, true);
    assert.doesNotMatch(JSON.stringify(spec), /password/i);
    const again = draftFromMigration('d2', {
      name: 'orders-move', migrationMode: 'Online', migrationOption: 'Validate', sourceType: 'AWS_RDS',
      sourceDbServerResourceId: 'direct:src.example:5432@admin', dbsToMigrate: ['orders'], overwriteDbsInTarget: 'True', migrateRoles: 'True',
    }, 'direct', spec.target);
    assert.equal(again.name, 'orders-move-2');
    assert.equal(again.mode, 'Online');
    assert.equal(again.option, 'Validate');
    assert.equal(again.source.host, 'src.example');
    assert.equal(again.source.user, 'admin');
    assert.equal(again.target.port, 5433);
    assert.deepEqual(again.databases, ['orders']);
    assert.equal(again.overwrite, true);
    assert.equal(again.migrateRoles, true);
    assert.equal(again.step, 'setup');
  });
});
