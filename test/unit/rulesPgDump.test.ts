import assert from 'node:assert/strict';
import { parsePgDumpVersion, probePgDump } from '../../src/direct/validation';

describe('validation rules: pg_dump version', () => {
  it('reads the major version from pg_dump --version, including the two-part majors before 10', () => {
    assert.deepEqual(parsePgDumpVersion('pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n'), { version: '15.18', major: 15 });
    assert.deepEqual(parsePgDumpVersion('pg_dump (PostgreSQL) 17beta2'), { version: '17', major: 17 });
    assert.deepEqual(parsePgDumpVersion('pg_dump (PostgreSQL) 9.6.24'), { version: '9.6.24', major: 9.6 });
    assert.equal(parsePgDumpVersion('command not found'), undefined);
  });

  it('says pg_dump was not found instead of throwing', async () => {
    const p = await probePgDump('/nonexistent/pg_dump');
    assert.equal(p.ok, false);
    assert.match(!p.ok ? p.error : '', /pg_dump was not found \(\/nonexistent\/pg_dump\)/);
  });
});
