/**
 * A table's post-data starts as soon as its copy ends, as pgcopydb's does, while other tables
 * still copy. Its single-threaded steps (ANALYZE, validating its foreign keys) go first and its
 * index builds last: those can use parallel workers when the machine runs idle at the end.
 * ANALYZE waits for the indexes only where an expression index needs statistics.
 *
 * Foreign keys are validated as soon as they can be, each once: the referenced table has its
 * keys, and the referencing table's data is in with nothing else running on it (it is between
 * its ANALYZE and its index builds, or done) — so the ALTER TABLE never waits on a lock.
 *
 * The scheduler only orders the work; building entries and analyzing tables are given to it.
 */
import { foreignKeyTables, postDataKey, quotedAll, type PostDataEntry } from './postData';

/** What the scheduler needs to know of a copied table. */
export interface CopiedTable {
  schema: string;
  table: string;
  /** It has an index on an expression: ANALYZE after its indexes, not before. */
  expressionIndex?: boolean;
}

export interface PostDataSteps<T extends CopiedTable> {
  /** Build these entries (side by side); each built one is added to `built` before this resolves. */
  build(entries: PostDataEntry[]): Promise<void>;
  analyze(table: T): Promise<void>;
  /** A table's chain failed (the first failure stops the migration). */
  failed(e: unknown): void;
}

export class PostDataScheduler<T extends CopiedTable = CopiedTable> {
  /** Tables whose indexes and keys are built (a foreign key may reference them). */
  private readonly keyed = new Set<string>();
  /** Tables whose own post-data is over. */
  private readonly settled = new Set<string>();
  /** Tables between their ANALYZE and their index builds: free for their foreign keys. */
  private readonly inFkStep = new Set<string>();
  /** Foreign keys started (by `type|schema|name`), so none starts twice. */
  private readonly launched = new Set<string>();
  /** Foreign key validations running on each referencing table. */
  private readonly fkRuns = new Map<string, Promise<unknown>[]>();
  private readonly chains: Promise<void>[] = [];

  /**
   * `entries`: the database's post-data; `built`: the keys of entries built already (a resumed
   * run's, and those `steps.build` adds), read live.
   */
  constructor(
    private readonly entries: PostDataEntry[],
    private readonly built: ReadonlySet<string>,
    private readonly steps: PostDataSteps<T>,
  ) {}

  /** The table's data is in: start its chain (it runs on; see `settledAll`). */
  tableCopied(t: T): void {
    const key = quotedAll(t.schema, t.table);
    const own = this.entries.filter((e) => e.group === 1 && e.table === key && !this.built.has(postDataKey(e)));
    const chain = (async () => {
      if (!t.expressionIndex) await this.steps.analyze(t);
      this.inFkStep.add(key);
      await this.validateReadyForeignKeys();
      this.inFkStep.delete(key);
      await Promise.all(this.fkRuns.get(key) ?? []); // those another table's chain started on this one
      if (own.length) await this.steps.build(own);
      this.keyed.add(key);
      if (t.expressionIndex) await this.steps.analyze(t);
      this.settled.add(key);
      await this.validateReadyForeignKeys();
    })();
    chain.catch((e) => this.steps.failed(e));
    this.chains.push(chain);
  }

  /** Every chain started so far has ended; rejects with the first failure. */
  async settledAll(): Promise<void> {
    await Promise.all(this.chains);
  }

  private async validateReadyForeignKeys(): Promise<void> {
    const fks = this.entries.filter((e) => {
      const pair = foreignKeyTables(e);
      const k = postDataKey(e);
      return pair && (this.settled.has(pair[0]) || this.inFkStep.has(pair[0])) && this.keyed.has(pair[1]) && !this.launched.has(k) && !this.built.has(k);
    });
    for (const e of fks) this.launched.add(postDataKey(e));
    if (!fks.length) return;
    const run = this.steps.build(fks);
    for (const e of fks) {
      const on = foreignKeyTables(e)![0];
      this.fkRuns.set(on, [...(this.fkRuns.get(on) ?? []), run.catch(() => undefined)]);
    }
    await run;
  }
}
