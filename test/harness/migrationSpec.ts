/** Building direct migration specs and loading fixtures against harness servers. */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MigrationSpec } from '../../src/core/provider';
import { connect } from '../../src/pg/connection';
import { refFromConn } from '../../src/direct/connInfo';
import { RecordStore } from '../../src/direct/store';
import type { TestServer } from './postgres';

export function specFor(source: TestServer, target: TestServer, databases: string[], name: string, extra: Partial<MigrationSpec> = {}): MigrationSpec {
  return {
    name,
    source: refFromConn(source.conn('postgres', 'source')),
    target: refFromConn(target.conn('postgres', 'target')),
    databases,
    mode: 'Offline',
    option: 'Migrate',
    overwrite: false,
    jobs: 2,
    verify: 'counts',
    ...extra,
  };
}

export function tempStore(): RecordStore {
  return new RecordStore(mkdtempSync(path.join(os.tmpdir(), 'pgflex-state-')));
}

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

/** Create a database on the server and run fixture files in it. */
export async function loadFixture(server: TestServer, database: string, files: string[]): Promise<void> {
  await server.psql('postgres', `CREATE DATABASE "${database}"`);
  const c = await connect(server.conn(database));
  try {
    for (const f of files) await c.query(readFileSync(path.join(FIXTURES, f), 'utf8'));
  } finally {
    await c.end();
  }
}

/** The feature-rich fixture, with the parts the server's version supports. */
export function richFixtures(server: TestServer): string[] {
  return server.major >= 12 ? ['rich.sql', 'rich-12.sql'] : ['rich.sql'];
}

/** A database whose copy takes seconds under a rate limit: one 4 MB table and a few small ones. */
export async function loadSlowFixture(server: TestServer, database: string, bigRows = 40000): Promise<void> {
  await server.psql('postgres', `CREATE DATABASE "${database}"`);
  await server.psql(
    database,
    `CREATE TABLE big (id int PRIMARY KEY, pad text);
     INSERT INTO big SELECT g, repeat(md5(g::text), 3) FROM generate_series(1, ${bigRows}) g;
     CREATE TABLE small_a (id int PRIMARY KEY, v text); INSERT INTO small_a SELECT g, 'a' || g FROM generate_series(1, 100) g;
     CREATE TABLE small_b (id int PRIMARY KEY, v text); INSERT INTO small_b SELECT g, 'b' || g FROM generate_series(1, 100) g;
     CREATE TABLE small_c (id int PRIMARY KEY, a int REFERENCES small_a (id)); INSERT INTO small_c SELECT g, g FROM generate_series(1, 100) g;`,
  );
}

/** Poll until `cond` holds; fail with `what` after the deadline. */
export async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
