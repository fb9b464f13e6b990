import assert from 'node:assert/strict';
import { postDataKey, type PostDataEntry } from '../../src/direct/postData';
import { PostDataScheduler, type CopiedTable } from '../../src/direct/postDataScheduler';

const index = (table: string, name = `${table}_idx`): PostDataEntry => ({ type: 'INDEX', name, schema: 's', sql: `CREATE INDEX "${name}" ON "s"."${table}" USING btree ("id");`, table: `"s"."${table}"`, group: 1 });
const foreignKey = (table: string, ref: string): PostDataEntry => ({
  type: 'FK CONSTRAINT',
  name: `${table}_${ref}_fk`,
  schema: 's',
  sql: `ALTER TABLE ONLY "s"."${table}"\n    ADD CONSTRAINT "${table}_${ref}_fk" FOREIGN KEY ("${ref}_id") REFERENCES "s"."${ref}"("id");`,
  group: 3,
});
const table = (name: string, expressionIndex = false): CopiedTable => ({ schema: 's', table: name, expressionIndex });

/**
 * Each build of an entry and each ANALYZE is a step that starts, then waits until the test
 * releases (or fails) it; the log keeps the order of starts and ends.
 */
class Steps {
  readonly log: string[] = [];
  readonly built = new Set<string>();
  readonly failures: unknown[] = [];
  private readonly pending = new Map<string, { release(): void; fail(e: Error): void }>();
  private readonly watchers = new Map<string, () => void>();

  readonly steps = {
    build: (entries: PostDataEntry[]) => Promise.all(entries.map(async (e) => {
      await this.step(e.name);
      this.built.add(postDataKey(e));
    })).then(() => undefined),
    analyze: (t: CopiedTable) => this.step(`analyze ${t.table}`),
    failed: (e: unknown) => void this.failures.push(e),
  };

  private step(name: string): Promise<void> {
    this.log.push(`start ${name}`);
    const p = new Promise<void>((resolve, reject) => this.pending.set(name, { release: resolve, fail: reject }));
    this.watchers.get(name)?.();
    return p.then(() => void this.log.push(`end ${name}`));
  }

  /** Resolves once the step has started (at once if it has). */
  started(name: string): Promise<void> {
    if (this.pending.has(name)) return Promise.resolve();
    return new Promise((resolve) => this.watchers.set(name, resolve));
  }

  /** Wait for the step to start, let it end, and wait until its end is logged. */
  async release(name: string): Promise<void> {
    await this.started(name);
    this.pending.get(name)!.release();
    while (!this.log.includes(`end ${name}`)) await new Promise((r) => setImmediate(r));
  }

  async fail(name: string, e: Error): Promise<void> {
    await this.started(name);
    this.pending.get(name)!.fail(e);
  }

  has(event: string): boolean {
    return this.log.includes(event);
  }

  before(a: string, b: string): boolean {
    const i = this.log.indexOf(a);
    const j = this.log.indexOf(b);
    return i >= 0 && j >= 0 && i < j;
  }

  count(event: string): number {
    return this.log.filter((x) => x === event).length;
  }
}

describe('per-table post-data scheduler', () => {
  it("starts a table's post-data when its copy ends: ANALYZE first, then its indexes; ANALYZE last for an expression index", async () => {
    const w = new Steps();
    const s = new PostDataScheduler([index('a'), index('x')], w.built, w.steps);
    s.tableCopied(table('a'));
    await w.started('analyze a');
    assert.equal(w.has('start a_idx'), false, 'the index waits for ANALYZE');
    await w.release('analyze a');
    await w.release('a_idx');
    assert.equal(w.has('start x_idx'), false, 'nothing of a table not yet copied starts');
    s.tableCopied(table('x', true));
    await w.release('x_idx');
    await w.release('analyze x');
    await s.settledAll();
    assert.deepEqual(w.log, ['start analyze a', 'end analyze a', 'start a_idx', 'end a_idx', 'start x_idx', 'end x_idx', 'start analyze x', 'end analyze x']);
    assert.deepEqual([...w.built].sort(), [postDataKey(index('a')), postDataKey(index('x'))]);
  });

  it('validates a foreign key once both tables are ready, once, when the referencing table is copied first', async () => {
    const w = new Steps();
    const fk = foreignKey('orders', 'customers');
    const s = new PostDataScheduler([index('orders'), index('customers', 'customers_pkey'), fk], w.built, w.steps);
    s.tableCopied(table('orders'));
    await w.release('analyze orders');
    await w.release('orders_idx');
    await s.settledAll();
    assert.equal(w.has(`start ${fk.name}`), false, 'the referenced table has no key yet');
    s.tableCopied(table('customers'));
    await w.release('analyze customers');
    await w.release('customers_pkey');
    await w.release(fk.name);
    await s.settledAll();
    assert.ok(w.before('end customers_pkey', `start ${fk.name}`));
    assert.equal(w.count(`start ${fk.name}`), 1);
    assert.ok(w.built.has(postDataKey(fk)));
  });

  it("validates a foreign key in the referencing table's own chain, before its index builds, when the referenced table is ready first", async () => {
    const w = new Steps();
    const fk = foreignKey('orders', 'customers');
    const s = new PostDataScheduler([index('orders'), index('customers', 'customers_pkey'), fk], w.built, w.steps);
    s.tableCopied(table('customers'));
    await w.release('analyze customers');
    await w.release('customers_pkey');
    await s.settledAll();
    s.tableCopied(table('orders'));
    await w.release('analyze orders');
    await w.started(fk.name);
    assert.equal(w.has('start orders_idx'), false, 'no index build beside the ALTER TABLE');
    await w.release(fk.name);
    await w.release('orders_idx');
    await s.settledAll();
    assert.equal(w.count(`start ${fk.name}`), 1);
  });

  it("holds a table's index builds while a foreign key another table's chain started on it runs", async () => {
    const w = new Steps();
    const ab = foreignKey('a', 'b');
    const ac = foreignKey('a', 'c');
    const s = new PostDataScheduler([index('a'), index('b'), index('c'), ab, ac], w.built, w.steps);
    s.tableCopied(table('b'));
    await w.release('analyze b');
    await w.release('b_idx');
    await s.settledAll();
    s.tableCopied(table('a'));
    await w.release('analyze a');
    await w.started(ab.name); // a is in its foreign key step, held there by a→b
    s.tableCopied(table('c'));
    await w.release('analyze c');
    await w.release('c_idx');
    await w.started(ac.name); // started by c's chain, on a
    await w.release(ab.name);
    assert.equal(w.has('start a_idx'), false, "a's indexes wait for a→c too");
    await w.release(ac.name);
    await w.release('a_idx');
    await s.settledAll();
    assert.equal(w.count(`start ${ab.name}`) + w.count(`start ${ac.name}`), 2, 'each foreign key once');
  });

  it('passes a failure on, and settledAll rejects with it', async () => {
    const w = new Steps();
    const s = new PostDataScheduler([index('a')], w.built, w.steps);
    s.tableCopied(table('a'));
    await w.release('analyze a');
    const boom = new Error('index a_idx failed');
    await w.fail('a_idx', boom);
    await assert.rejects(s.settledAll(), boom);
    assert.deepEqual(w.failures, [boom]);
    assert.equal(w.built.size, 0);
  });

  it('skips what a resumed run built already', async () => {
    const w = new Steps();
    const fk = foreignKey('a', 'b');
    w.built.add(postDataKey(index('a')));
    w.built.add(postDataKey(fk));
    const s = new PostDataScheduler([index('a'), index('b'), fk], w.built, w.steps);
    s.tableCopied(table('b'));
    s.tableCopied(table('a'));
    await w.release('analyze b');
    await w.release('analyze a');
    await w.release('b_idx');
    await s.settledAll();
    assert.deepEqual(w.log.filter((x) => x.startsWith('start')).sort(), ['start analyze a', 'start analyze b', 'start b_idx']);
  });
});
