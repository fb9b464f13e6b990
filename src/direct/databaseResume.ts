/**
 * What a re-run of one database may skip (the record's ResumeState), kept up to date as the
 * work is done: the target database made, the schema applied, each post-data entry built.
 */
import { postDataKey, type PostDataEntry } from './postData';
import type { ResumeState } from './store';

export class DatabaseResume {
  /** Post-data entries built already, by postDataKey. */
  readonly built: Set<string>;

  /** `save` writes the record now; `saveSoon` within a moment (after each entry, of many). */
  constructor(
    private readonly state: ResumeState,
    private readonly save: () => void,
    private readonly saveSoon: () => void,
  ) {
    this.built = new Set(state.postDataDone ?? []);
  }

  get created(): boolean {
    return Boolean(this.state.created);
  }

  get schemaApplied(): boolean {
    return Boolean(this.state.preData);
  }

  /** A new target database: nothing in it is built yet. */
  databaseCreated(): void {
    this.state.created = true;
    this.state.preData = false;
    this.state.postDataDone = [];
    this.built.clear();
    this.save();
  }

  schemaDone(): void {
    this.state.preData = true;
    this.save();
  }

  entryBuilt(e: PostDataEntry): void {
    this.built.add(postDataKey(e));
    this.state.postDataDone = [...this.built];
    this.saveSoon();
  }
}
