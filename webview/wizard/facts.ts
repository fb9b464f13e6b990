/**
 * What the host told the wizard, each fact tied to the inputs it was computed for: a fact whose
 * key no longer matches the draft is stale and ignored. No DOM: tested in plain Node.
 */
import { choiceKey } from '../../src/contract/draft';
import type { ConnectResult, DatabaseInfo, NameResult, WizardDraft } from '../../src/contract/protocol';

export interface WizardFacts {
  name?: { key: string; result: NameResult };
  source?: { key: string; result: ConnectResult };
  target?: { key: string; result: ConnectResult };
  databases?: { key: string; list: DatabaseInfo[] };
}

export function nameKey(d: WizardDraft): string {
  return `${d.provider}|${d.name}|${choiceKey(d.target)}`;
}

export function databasesKey(d: WizardDraft): string {
  return `${choiceKey(d.source)}>${choiceKey(d.target)}`;
}
