import assert from 'node:assert/strict';
import { foreignKeyTables, keysAsIndexes, splitPostData, quotedAll } from '../../src/direct/postData';

const DUMP = `--
-- PostgreSQL database dump
--

\\restrict abc123

SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SELECT pg_catalog.set_config('search_path', '', false);
SET default_table_access_method = "heap";

--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: sales; Owner: -
--

ALTER TABLE ONLY "sales"."orders"
    ADD CONSTRAINT "orders_pkey" PRIMARY KEY ("id", "ordered_on");


--
-- Name: Order Lines by customer; Type: INDEX; Schema: Mixed Case Schema; Owner: -
--

CREATE INDEX "Order Lines by customer" ON "Mixed Case Schema"."Order Lines" USING "btree" ("Customer");


--
-- Name: orders_2023_pkey; Type: INDEX ATTACH; Schema: sales; Owner: -
--

ALTER INDEX "sales"."orders_pkey" ATTACH PARTITION "sales"."orders_2023_pkey";


--
-- Name: Order Lines Touch note; Type: TRIGGER; Schema: Mixed Case Schema; Owner: -
--

CREATE TRIGGER "Touch note" BEFORE UPDATE ON "Mixed Case Schema"."Order Lines" FOR EACH ROW EXECUTE FUNCTION "public"."touch_note"();


--
-- Name: orders orders_customer_id_fkey; Type: FK CONSTRAINT; Schema: sales; Owner: -
--

ALTER TABLE "sales"."orders"
    ADD CONSTRAINT "orders_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id");


--
-- Name: totals_by_customer; Type: MATERIALIZED VIEW DATA; Schema: sales; Owner: -
--

REFRESH MATERIALIZED VIEW "sales"."totals_by_customer";


--
-- PostgreSQL database dump complete
--

\\unrestrict abc123
`;

describe('post-data split (pg_dump plain output into TOC entries)', () => {
  const pd = splitPostData(DUMP);

  it('keeps only the SET prelude (no psql meta-commands, no comments)', () => {
    assert.equal(pd.prelude.split('\n').length, 4);
    assert.doesNotMatch(pd.prelude, /restrict|--/);
  });

  it('splits every entry with its type, and groups them in build order', () => {
    assert.deepEqual(
      pd.entries.map((e) => [e.type, e.group]),
      [['CONSTRAINT', 1], ['INDEX', 1], ['INDEX ATTACH', 2], ['TRIGGER', 2], ['FK CONSTRAINT', 3], ['MATERIALIZED VIEW DATA', 4]],
    );
    assert.deepEqual(pd.entries.filter((e) => e.oneAtATime).map((e) => e.type), ['INDEX ATTACH'], 'partition index attaches run one at a time');
    assert.ok(pd.entries.every((e) => !/unrestrict|dump complete/.test(e.sql)));
  });

  it('knows the table of indexes and keys, with quoted mixed-case names', () => {
    assert.equal(pd.entries[0].table, quotedAll('sales', 'orders'));
    assert.equal(pd.entries[1].table, quotedAll('Mixed Case Schema', 'Order Lines'));
    assert.equal(pd.entries[3].table, undefined);
  });

  it('builds primary keys of plain tables as a unique index, then attaches it, so other indexes build beside it', () => {
    const plain = keysAsIndexes(pd, new Set([quotedAll('sales', 'orders')]));
    assert.equal(plain.entries[0].sql, 'CREATE UNIQUE INDEX IF NOT EXISTS "orders_pkey" ON "sales"."orders" USING btree ("id", "ordered_on");');
    assert.equal(plain.entries[0].then, 'ALTER TABLE ONLY "sales"."orders" ADD CONSTRAINT "orders_pkey" PRIMARY KEY USING INDEX "orders_pkey";');
    assert.equal(keysAsIndexes(pd, new Set()).entries[0].sql, pd.entries[0].sql, 'partitioned parents keep ALTER TABLE');
  });

  it('finds both tables of a foreign key, to build it as soon as both are loaded', () => {
    assert.deepEqual(foreignKeyTables(pd.entries[4]), [quotedAll('sales', 'orders'), quotedAll('public', 'customers')]);
    assert.equal(foreignKeyTables(pd.entries[0]), undefined);
  });
});
