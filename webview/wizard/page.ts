/**
 * What the view and the steps see of the wizard page: its state, read only, and the actions they
 * call. The controller implements it, so views never import the controller.
 */
import type {
  AzureServerInfo, AzureSubscriptionInfo, DraftSummary, SavedConnection, ServerChoice, WizardDraft, WizardStep,
} from '../../src/contract/protocol';
import type { Role } from '../../src/contract/draft';
import type { WizardFacts } from './facts';

export interface AzureLists {
  subscriptions?: AzureSubscriptionInfo[];
  groups: Record<Role, string[] | undefined>;
  servers: Record<Role, AzureServerInfo[] | undefined>;
}

export interface WizardNotice {
  kind: 'info' | 'error';
  text: string;
  startOver?: boolean;
}

export interface WizardPage {
  readonly draft: WizardDraft;
  readonly facts: WizardFacts;
  readonly connections: readonly SavedConnection[];
  readonly drafts: readonly DraftSummary[];
  readonly azureInfo: { readonly available: boolean; readonly signedIn: boolean };
  readonly sourceTypes: readonly string[];
  readonly lists: AzureLists;
  /** Passwords typed but not yet sent. */
  readonly typed: Readonly<Record<Role, string>>;
  /** What is waiting for the host: 'name', 'source', 'target', 'databases', 'start'. */
  readonly busy: ReadonlySet<string>;
  readonly notice: WizardNotice | undefined;
  readonly dbProblem: string | undefined;

  isValid(step: WizardStep): boolean;
  nameAvailability(): 'checking' | 'available' | 'unchecked' | 'taken';

  go(step: WizardStep): void;
  next(): void;
  back(): void;
  startOver(): void;
  startMigration(): Promise<void>;
  saveForLater(): Promise<void>;
  resumeDraft(id: string): Promise<void>;

  /** Apply a change to the draft; `full` re-renders the whole step (structure changed). */
  update(change: Partial<WizardDraft>, full?: boolean): void;
  setName(name: string): void;
  setProvider(provider: WizardDraft['provider']): void;
  setSourceType(sourceType: string): void;
  checkNameSoon(delayMs?: number): void;

  updateChoice(role: Role, change: Partial<ServerChoice>, full?: boolean): void;
  typePassword(role: Role, value: string): void;
  testConnection(role: Role): Promise<void>;
  pickSaved(role: Role, id: string): void;
  pickAzure(role: Role, field: 'subscriptionId' | 'resourceGroup' | 'serverId', value: string): void;
  signIn(): Promise<void>;

  loadDatabases(force?: boolean): Promise<void>;
  toggleDatabase(name: string, on: boolean): void;
}
