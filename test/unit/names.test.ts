import assert from 'node:assert/strict';
import { checkDatabaseSelection, checkMigrationName, suggestAzureName } from '../../src/core/names';

describe('migration names', () => {
  it('accepts letters, digits and hyphens for direct migrations', () => {
    assert.equal(checkMigrationName('Sales-2026').ok, true);
  });
  it('refuses a leading hyphen and says what to do', () => {
    const r = checkMigrationName('-sales');
    assert.equal(r.ok, false);
    assert.match(r.reason ?? '', /starts with a hyphen/);
  });
  it('refuses underscores and spaces', () => {
    assert.equal(checkMigrationName('a_b').ok, false);
    assert.equal(checkMigrationName('a b').ok, false);
  });
  it('applies the stricter ARM pattern to Azure migrations and suggests a valid name', () => {
    assert.equal(checkMigrationName('sales2026', 'azure').ok, true);
    const r = checkMigrationName('Sales-2026', 'azure');
    assert.equal(r.ok, false);
    assert.match(r.reason ?? '', /"sales2026"/);
    assert.equal(suggestAzureName('1-abc'), 'm1abc');
  });
});

describe('database selection', () => {
  it('allows up to 8 databases', () => {
    assert.equal(checkDatabaseSelection(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']).ok, true);
  });
  it('refuses a 9th database', () => {
    const r = checkDatabaseSelection(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
    assert.equal(r.ok, false);
    assert.match(r.reason ?? '', /at most 8/);
  });
  it('refuses template and Azure internal databases', () => {
    assert.equal(checkDatabaseSelection(['template1']).ok, false);
    assert.equal(checkDatabaseSelection(['azure_maintenance']).ok, false);
  });
  it('refuses duplicates and an empty list', () => {
    assert.equal(checkDatabaseSelection(['a', 'a']).ok, false);
    assert.equal(checkDatabaseSelection([]).ok, false);
  });
});
