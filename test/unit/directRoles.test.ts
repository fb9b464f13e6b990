import assert from 'node:assert/strict';
import { withoutOwners } from '../../src/direct/roles';
import { dumpArgs } from '../../src/direct/pgTools';
import { droppedGrantsWarning, keepGrantsFor, rolesOfGrant } from '../../src/direct/grants';

describe('direct engine: roles in the pg_dump scripts', () => {
  const dump = [
    'CREATE SCHEMA "app";',
    'ALTER SCHEMA "app" OWNER TO "app_owner";',
    'ALTER SCHEMA "public" OWNER TO "postgres";',
    'CREATE FUNCTION "app"."f"() RETURNS text LANGUAGE sql AS $$',
    "SELECT 'ALTER TABLE x OWNER TO \"postgres\";'",
    '$$;',
    'ALTER FUNCTION "app"."f"() OWNER TO "postgres";',
    'ALTER DEFAULT PRIVILEGES FOR ROLE "postgres" IN SCHEMA "app" GRANT SELECT ON TABLES TO "reader";',
    'ALTER DEFAULT PRIVILEGES FOR ROLE "app_owner" IN SCHEMA "app" GRANT SELECT ON TABLES TO "reader";',
    'GRANT USAGE ON SCHEMA "app" TO "postgres";',
    'ALTER TABLE "app"."t" OWNER TO "post""gres";',
  ].join('\n');

  it('drops only the owner changes and default privileges of the roles the target user cannot act as', () => {
    const out = withoutOwners(dump, ['postgres', 'post"gres']).split('\n').filter(Boolean);
    assert.deepEqual(out, [
      'CREATE SCHEMA "app";',
      'ALTER SCHEMA "app" OWNER TO "app_owner";',
      'CREATE FUNCTION "app"."f"() RETURNS text LANGUAGE sql AS $$',
      "SELECT 'ALTER TABLE x OWNER TO \"postgres\";'",
      '$$;',
      'ALTER DEFAULT PRIVILEGES FOR ROLE "app_owner" IN SCHEMA "app" GRANT SELECT ON TABLES TO "reader";',
      'GRANT USAGE ON SCHEMA "app" TO "postgres";',
    ]);
    assert.equal(withoutOwners(dump, []), dump);
  });


  it('pg_dump keeps owners only when roles are migrated; grants always (issue 16)', () => {
    assert.ok(dumpArgs({ section: 'pre-data' }).includes('--no-owner'));
    assert.ok(!dumpArgs({ section: 'post-data' }).includes('--no-privileges'));
    const keep = dumpArgs({ section: 'pre-data', keepOwners: true });
    assert.ok(!keep.includes('--no-owner') && !keep.includes('--no-privileges'));
  });
});

describe('grants without migrated roles (issue 16)', () => {
  const roles = new Set(['reader', 'we"ird', 'PUBLIC']);
  it('names the roles a grant line names, PUBLIC excepted', () => {
    assert.deepEqual(rolesOfGrant('REVOKE ALL ON FUNCTION "app"."total"() FROM PUBLIC;'), []);
    assert.deepEqual(rolesOfGrant('GRANT SELECT("id") ON TABLE "app"."to" TO "reader" WITH GRANT OPTION;'), ['reader']);
    assert.deepEqual(rolesOfGrant('ALTER DEFAULT PRIVILEGES FOR ROLE "owner" IN SCHEMA "app" GRANT SELECT ON TABLES TO "we""ird";'), ['owner', 'we"ird']);
    assert.deepEqual(rolesOfGrant('GRANT ALL ON SCHEMA "public" TO "PUBLIC" GRANTED BY "boss";'), ['PUBLIC', 'boss']);
  });
  it('keeps grants to PUBLIC and to roles the target has, and returns the others', () => {
    const dump = ['CREATE TABLE "a"."t" (x int);', 'REVOKE ALL ON FUNCTION "app"."f"() FROM PUBLIC;', 'GRANT SELECT ON TABLE "a"."t" TO "reader";', 'GRANT SELECT ON TABLE "a"."t" TO "gone";', 'GRANT USAGE ON SCHEMA "a" TO "PUBLIC";'].join('\n');
    const r = keepGrantsFor(dump, roles);
    assert.deepEqual(r.dropped, ['GRANT SELECT ON TABLE "a"."t" TO "gone";']);
    assert.doesNotMatch(r.sql, /gone/);
    assert.match(r.sql, /FROM PUBLIC;\nGRANT SELECT ON TABLE "a"."t" TO "reader";/);
    assert.match(droppedGrantsWarning('app', r.dropped), /Database "app": 1 grant\(s\) name roles that do not exist on the target/);
  });
});
