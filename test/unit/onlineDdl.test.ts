import assert from 'node:assert/strict';
import { ddlNames } from '../../src/direct/online/ddlCapture';
import { belongsTo, replicationName } from '../../src/direct/online/names';
import { withoutPgflexEventTriggers } from '../../src/direct/pgTools';

describe('replicated DDL objects', () => {
  it('are named after the replication name, within 63 characters, and trace back to the migration', () => {
    assert.deepEqual(ddlNames('pgflex_m_db'), { queue: 'pgflex_m_db_ddl', commandTrigger: 'pgflex_m_db_ddl', dropTrigger: 'pgflex_m_db_drop', apply: 'pgflex_m_db_apply' });
    const long = replicationName('m'.repeat(50), 'orders');
    for (const n of Object.values(ddlNames(long))) {
      assert.ok(n.length <= 63, n);
      assert.ok(belongsTo(n, 'm'.repeat(50)), n);
    }
    // A name read back from the queue table (without _ddl) names the same objects.
    const base = ddlNames(long).queue.replace(/_ddl$/, '');
    assert.deepEqual(ddlNames(base), ddlNames(long));
  });

  it("leave pg_dump's output: pgflex's event triggers never reach the target, the user's do", () => {
    const dump = [
      'CREATE INDEX "i" ON "public"."t" USING "btree" ("a");',
      'CREATE EVENT TRIGGER "pgflex_m_db_ddl" ON "ddl_command_end"',
      '   EXECUTE FUNCTION "pgflex"."pgflex_m_db_ddl"();',
      'ALTER EVENT TRIGGER "pgflex_m_db_drop" DISABLE;',
      'CREATE EVENT TRIGGER "audit" ON "ddl_command_end"',
      '   EXECUTE FUNCTION "public"."audit"();',
    ].join('\n');
    const out = withoutPgflexEventTriggers(dump);
    assert.ok(!out.includes('pgflex_m_db'), out);
    assert.match(out, /CREATE INDEX "i"/);
    assert.match(out, /CREATE EVENT TRIGGER "audit" ON "ddl_command_end"\n {3}EXECUTE FUNCTION "public"."audit"\(\);/);
  });
});
