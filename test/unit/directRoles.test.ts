import assert from 'node:assert/strict';
import { withoutOwners } from '../../src/direct/roles';
import { dumpArgs } from '../../src/direct/pgTools';

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

  it('pg_dump keeps owners and grants only when roles are migrated', () => {
    assert.ok(dumpArgs({ section: 'pre-data' }).includes('--no-owner'));
    assert.ok(dumpArgs({ section: 'post-data' }).includes('--no-privileges'));
    const keep = dumpArgs({ section: 'pre-data', keepOwners: true });
    assert.ok(!keep.includes('--no-owner') && !keep.includes('--no-privileges'));
  });
});
