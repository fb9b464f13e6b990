import assert from 'node:assert/strict';
import { quoteLiteral } from '../../src/core/format';
import { listElements, setClause } from '../../src/direct/dbSettings';

describe('settings carried to the target are quoted, never spliced (issue 16)', () => {
  it('a stored list value becomes one literal per element, whatever text the catalog holds', () => {
    assert.equal(setClause('search_path="$user", public'), `SET "search_path" TO '$user', 'public'`);
    assert.equal(setClause('search_path=public; create table pwned(x int); --'), `SET "search_path" TO 'public; create table pwned(x int); --'`);
    assert.equal(setClause(`search_path="a"",b", "it's"`), `SET "search_path" TO 'a",b', 'it''s'`);
    assert.equal(setClause('search_path=""'), `SET "search_path" TO ''`);
    assert.equal(setClause('search_path=Sales, "Mixed"'), `SET "search_path" TO 'sales', 'Mixed'`);
    assert.equal(setClause('session_preload_libraries=Auto_Explain'), `SET "session_preload_libraries" TO 'Auto_Explain'`);
  });

  it('a plain value is one literal, backslashes included; the name is always an identifier', () => {
    assert.equal(setClause(`statement_timeout=5s'; drop table x; --`), `SET "statement_timeout" TO '5s''; drop table x; --'`);
    assert.equal(setClause('app.note=a\\b'), `SET "app.note" TO E'a\\\\b'`);
    assert.equal(setClause('we"ird=1'), `SET "we""ird" TO '1'`);
    assert.equal(quoteLiteral("\\'"), `E'\\\\'''`);
    assert.deepEqual(listElements(' a , "b c" ,c', true), ['a', 'b c', 'c']);
  });
});
