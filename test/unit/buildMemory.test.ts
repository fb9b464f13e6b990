import assert from 'node:assert/strict';
import { BTREE_SORT_MB, buildsBtree, sortMemoryFor } from '../../src/direct/buildMemory';
import { INDEX_SORT_MEMORY } from '../../src/direct/targetSettings';

// Post-data statements as pg_dump --quote-all-identifiers writes them, and as keysAsIndexes rewrites keys.
const BTREE = 'CREATE INDEX "skewed_grp" ON "public"."skewed" USING "btree" ("grp");';
const KEY_AS_INDEX = 'CREATE UNIQUE INDEX IF NOT EXISTS "acc_pkey" ON "public"."acc" USING btree ("aid");';
const KEY = 'ALTER TABLE ONLY "public"."acc"\n    ADD CONSTRAINT "acc_pkey" PRIMARY KEY ("aid");';
const UNIQUE = 'ALTER TABLE ONLY "s"."t"\n    ADD CONSTRAINT "t_code_key" UNIQUE ("code");';
const GIN = 'CREATE INDEX "docs_body" ON "public"."docs" USING "gin" ("body" "jsonb_path_ops");';
const HASH = 'CREATE INDEX "h" ON "public"."t" USING "hash" ("code");';
const FK = 'ALTER TABLE ONLY "public"."acc"\n    ADD CONSTRAINT "acc_bid_fkey" FOREIGN KEY ("bid") REFERENCES "public"."branches"("bid");';
const EXCLUDE = 'ALTER TABLE ONLY "public"."r"\n    ADD CONSTRAINT "r_no_overlap" EXCLUDE USING "gist" ("during" WITH &&);';

describe('sort memory of a post-data build (buildMemory)', () => {
  it('knows btree builds: plain and unique indexes, primary keys and unique constraints', () => {
    for (const sql of [BTREE, KEY_AS_INDEX, KEY, UNIQUE]) assert.ok(buildsBtree(sql), sql);
    for (const sql of [GIN, HASH, FK, EXCLUDE]) assert.ok(!buildsBtree(sql), sql);
  });

  it('gives a btree build 32 MB per participant, the leader and each parallel worker', () => {
    assert.equal(sortMemoryFor(BTREE, 0), `${BTREE_SORT_MB}MB`);
    assert.equal(sortMemoryFor(KEY, 1), `${2 * BTREE_SORT_MB}MB`);
    assert.equal(sortMemoryFor(KEY_AS_INDEX, 3), `${4 * BTREE_SORT_MB}MB`);
    assert.equal(sortMemoryFor(BTREE, -1), `${BTREE_SORT_MB}MB`, 'never less than one participant');
  });

  it('gives a big table enough for its runs to merge in one pass, within 1 GB in all', () => {
    const GB = 1024 ** 3;
    // The bench's tables (0.6 and 0.9 GB) stay at the least.
    assert.equal(sortMemoryFor(BTREE, 0, 0.9 * GB), `${BTREE_SORT_MB}MB`);
    // 100 GB: runs of m bytes merge 1 per 264 kB of m in one pass, so m >= sqrt(S x 264 kB), doubled.
    const mb = (s: string) => Number(/^(\d+)MB$/.exec(s)![1]);
    const m = mb(sortMemoryFor(BTREE, 0, 100 * GB));
    const runs = (100 * GB) / (m * 1024 ** 2);
    const mergeable = (m * 1024 ** 2) / (264 * 1024);
    assert.ok(m > BTREE_SORT_MB && runs <= mergeable / 2, `${m} MB: ${runs.toFixed(0)} runs, ${mergeable.toFixed(0)} at once`);
    // Each parallel participant sorts its share.
    assert.ok(mb(sortMemoryFor(BTREE, 3, 100 * GB)) < 4 * m, 'four participants need less than four times one');
    assert.equal(sortMemoryFor(BTREE, 0, 1e6 * GB), '1024MB', 'never above 1 GB');
  });

  it('leaves every other build the session memory: GIN gathers in memory, a foreign key validates with it', () => {
    for (const sql of [GIN, HASH, FK, EXCLUDE]) assert.equal(sortMemoryFor(sql, 2), INDEX_SORT_MEMORY, sql);
  });
});
