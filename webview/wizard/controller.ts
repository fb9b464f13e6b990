/**
 * The wizard page's controller: holds the draft (persisted with setState, never a password),
 * the facts the host reported, and the transient UI bits; asks the host for data; re-renders.
 * What a step shows and what entering it starts are the step's own (steps/).
 */
import type { RpcClient } from '../../src/contract/rpc';
import type {
  DraftSummary, ResultOf, SavedConnection, ServerChoice, WizardDraft, WizardEvents, WizardMethods, WizardStep,
} from '../../src/contract/protocol';
import { vscodeApi } from '../lib/host';
import { choiceKey, newDraft, type Role } from '../../src/contract/draft';
import { databasesKey, nameKey, type WizardFacts } from './facts';
import { back, canEnter, goTo, next, resumeStep, stepValid } from './machine';
import type { AzureLists, WizardNotice, WizardPage } from './page';
import { toggleDatabase } from './steps/databasesStep';
import { choiceProblems } from './steps/serverStep';
import { setProvider, setSourceType } from './steps/setupStep';
import { stepOf } from './steps/stepList';
import { renderWizard } from './view';

export type Rpc = RpcClient<WizardMethods, WizardEvents>;
type Init = ResultOf<WizardMethods, 'ready'>;

export class WizardController implements WizardPage {
  draft: WizardDraft;
  facts: WizardFacts = {};
  connections: SavedConnection[];
  drafts: DraftSummary[];
  readonly azureInfo: { available: boolean; signedIn: boolean };
  readonly sourceTypes: string[];
  readonly lists: AzureLists = { groups: { source: undefined, target: undefined }, servers: { source: undefined, target: undefined } };
  /** Passwords typed but not yet sent; page memory only, never in state. */
  readonly typed: Record<Role, string> = { source: '', target: '' };
  /** The user emptied the password field since the last test: the host must forget the one it kept. */
  readonly cleared: Record<Role, boolean> = { source: false, target: false };
  busy = new Set<string>();
  notice: WizardNotice | undefined;
  dbProblem: string | undefined;
  private nameTimer: ReturnType<typeof setTimeout> | undefined;
  private draftTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly root: HTMLElement, readonly rpc: Rpc, init: Init, restored: WizardDraft | undefined) {
    this.connections = init.connections;
    this.drafts = init.drafts;
    this.azureInfo = init.azure;
    this.sourceTypes = init.sourceTypes;
    // A prefill (restart in wizard, Migrate now) wins over an older restored draft.
    this.draft = init.prefill ?? restored ?? newDraft(randomId());
    if (init.reopened) this.notice = { kind: 'info', text: 'This is the wizard you closed earlier (passwords are not kept). Use "Start over" for a new one.', startOver: true };
    rpc.on('connections', (list) => {
      this.connections = list;
      this.render();
    });
  }

  start(): void {
    this.draft = { ...this.draft, step: resumeStep(this.draft, this.facts) };
    this.persist();
    this.render();
    this.checkNameSoon(0);
    for (const role of ['source', 'target'] as Role[]) {
      if (this.draft[role].how === 'saved' && this.draft[role].connectionId) void this.testConnection(role);
      if (this.draft[role].how === 'azure' && this.azureInfo.signedIn) void this.loadAzure(role);
    }
    if (this.azureInfo.signedIn && this.draft.provider === 'azure') void this.loadSubscriptions();
  }

  render(): void {
    renderWizard(this.root, this);
  }

  persist(): void {
    vscodeApi().setState({ draft: this.draft });
    // The host keeps the latest draft so closing the panel does not lose it.
    if (this.draftTimer) clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => void this.rpc.request('draftChanged', { draft: this.draft }).catch(() => undefined), 300);
  }

  startOver(): void {
    this.facts = {};
    this.typed.source = '';
    this.typed.target = '';
    this.update(newDraft(randomId()));
  }

  /** Apply a change to the draft; `full` re-renders the whole step (structure changed). */
  update(change: Partial<WizardDraft> | ((d: WizardDraft) => WizardDraft), full = true): void {
    this.draft = typeof change === 'function' ? change(this.draft) : { ...this.draft, ...change };
    this.notice = undefined;
    this.persist();
    if (full) this.render();
    else renderWizard(this.root, this, true);
  }

  updateChoice(role: Role, change: Partial<ServerChoice>, full = false): void {
    // A password typed for another kind of server, or before picking a saved one, is not for this one.
    if ((change.how !== undefined && change.how !== this.draft[role].how) || change.connectionId !== undefined) this.forgetTyped(role);
    this.update((d) => ({ ...d, [role]: { ...d[role], ...change } }), full);
    if (role === 'target') this.checkNameSoon();
  }

  /** The password field was edited. */
  typePassword(role: Role, value: string): void {
    this.cleared[role] = value === '' && (this.typed[role] !== '' || this.cleared[role]);
    this.typed[role] = value;
  }

  private forgetTyped(role: Role): void {
    if (this.typed[role] !== '') this.cleared[role] = true;
    this.typed[role] = '';
  }

  setName(name: string): void {
    this.update({ name }, false);
    this.checkNameSoon();
  }

  setProvider(provider: WizardDraft['provider']): void {
    this.update((d) => setProvider(d, provider));
    this.checkNameSoon(0);
    if (provider === 'azure' && this.azureInfo.signedIn) void this.loadSubscriptions();
  }

  setSourceType(sourceType: string): void {
    this.update((d) => setSourceType(d, sourceType));
  }

  go(step: WizardStep): void {
    if (!canEnter(step, this.draft, this.facts)) return;
    this.update((d) => goTo(step, d, this.facts));
    this.onEnter(step);
  }

  next(): void {
    const before = this.draft.step;
    this.update((d) => next(d, this.facts));
    if (this.draft.step !== before) this.onEnter(this.draft.step);
  }

  back(): void {
    this.update((d) => back(d));
  }

  private onEnter(step: WizardStep): void {
    stepOf(step).onEnter?.(this);
    focusHeading(this.root);
  }

  isValid(step: WizardStep): boolean {
    return stepValid(step, this.draft, this.facts);
  }

  /** Availability against the target, debounced while typing. */
  checkNameSoon(delayMs = 400): void {
    if (this.nameTimer) clearTimeout(this.nameTimer);
    this.nameTimer = setTimeout(() => void this.checkName(), delayMs);
  }

  private async checkName(): Promise<void> {
    const d = this.draft;
    if (!d.name) return;
    const key = nameKey(d);
    const targetReady = this.facts.target?.key === choiceKey(d.target) && this.facts.target.result.ok;
    this.busy.add('name');
    renderWizard(this.root, this, true);
    try {
      const result = await this.rpc.request('checkName', { name: d.name, provider: d.provider, target: targetReady ? d.target : undefined });
      this.facts = { ...this.facts, name: { key, result: { ...result, reason: result.reason } } };
      if (!targetReady && result.ok) this.facts.name = undefined;
    } catch (e) {
      this.notice = { kind: 'error', text: (e as Error).message };
    } finally {
      this.busy.delete('name');
      renderWizard(this.root, this, true);
    }
  }

  nameAvailability(): 'checking' | 'available' | 'unchecked' | 'taken' {
    if (this.busy.has('name')) return 'checking';
    const f = this.facts.name;
    if (!f || f.key !== nameKey(this.draft)) return 'unchecked';
    return f.result.ok ? 'available' : 'taken';
  }

  async testConnection(role: Role): Promise<void> {
    const c = this.draft[role];
    if (choiceProblems(c, role, this.draft).length) {
      this.render();
      return;
    }
    const key = choiceKey(c);
    // '' tells the host to drop a password it kept for this side (saved password, Entra or none).
    const password = this.typed[role] || (this.cleared[role] ? '' : undefined);
    this.cleared[role] = false;
    this.busy.add(role);
    this.render();
    try {
      const result = await this.rpc.request('testConnection', { role, server: c, password });
      this.facts = { ...this.facts, [role]: { key, result } };
      // The host now holds the password; the page lets go of it.
      if (result.ok) this.typed[role] = '';
    } catch (e) {
      this.facts = { ...this.facts, [role]: { key, result: { ok: false, message: (e as Error).message } } };
    } finally {
      this.busy.delete(role);
      this.render();
    }
    if (role === 'target') this.checkNameSoon(0);
    if (this.draft.step === 'databases') void this.loadDatabases();
  }

  async loadDatabases(force = false): Promise<void> {
    const key = databasesKey(this.draft);
    if (!force && this.facts.databases?.key === key) return;
    if (!this.isValid('source') || !this.isValid('target')) return;
    this.busy.add('databases');
    this.render();
    try {
      const list = await this.rpc.request('listDatabases', { source: this.draft.source, target: this.draft.target });
      this.facts = { ...this.facts, databases: { key, list } };
    } catch (e) {
      this.notice = { kind: 'error', text: (e as Error).message };
    } finally {
      this.busy.delete('databases');
      this.render();
    }
  }

  toggleDatabase(name: string, on: boolean): void {
    const { draft, problem } = toggleDatabase(this.draft, name, on);
    this.dbProblem = problem;
    this.update(draft);
  }

  async signIn(): Promise<void> {
    try {
      const { signedIn } = await this.rpc.request('azureSignIn', {});
      this.azureInfo.signedIn = signedIn;
      if (signedIn) await this.loadSubscriptions();
    } catch (e) {
      this.notice = { kind: 'error', text: (e as Error).message };
    }
    this.render();
  }

  async loadSubscriptions(): Promise<void> {
    try {
      this.lists.subscriptions = await this.rpc.request('listSubscriptions', {});
    } catch (e) {
      this.notice = { kind: 'error', text: (e as Error).message };
    }
    this.render();
  }

  /** Fill the resource-group and server lists for what the draft already names. */
  async loadAzure(role: Role): Promise<void> {
    const pick = this.draft[role].azure;
    if (!pick?.subscriptionId) return;
    try {
      this.lists.groups[role] = await this.rpc.request('listResourceGroups', { subscriptionId: pick.subscriptionId });
      if (pick.resourceGroup) {
        const kind = role === 'target' ? 'azure-flexible' : this.draft.sourceType === 'PostgreSQLSingleServer' ? 'azure-single' : 'azure-flexible';
        this.lists.servers[role] = await this.rpc.request('listServers', { subscriptionId: pick.subscriptionId, resourceGroup: pick.resourceGroup, kind });
      }
    } catch (e) {
      this.notice = { kind: 'error', text: (e as Error).message };
    }
    this.render();
  }

  pickAzure(role: Role, field: 'subscriptionId' | 'resourceGroup' | 'serverId', value: string): void {
    const cur = this.draft[role].azure ?? { subscriptionId: '', resourceGroup: '', serverId: '', serverName: '' };
    if (field === 'subscriptionId') {
      this.lists.groups[role] = undefined;
      this.lists.servers[role] = undefined;
      this.updateChoice(role, { how: 'azure', azure: { subscriptionId: value, resourceGroup: '', serverId: '', serverName: '' } }, true);
    } else if (field === 'resourceGroup') {
      this.lists.servers[role] = undefined;
      this.updateChoice(role, { how: 'azure', azure: { ...cur, resourceGroup: value, serverId: '', serverName: '' } }, true);
    } else {
      const s = this.lists.servers[role]?.find((x) => x.id === value);
      if (!s) return;
      this.updateChoice(role, {
        how: 'azure', host: s.fqdn, port: 5432, user: s.adminLogin ?? this.draft[role].user, database: 'postgres', sslMode: 'require',
        azure: { ...cur, serverId: s.id, serverName: s.name, location: s.location, version: s.version, sku: s.sku },
      }, true);
      return;
    }
    void this.loadAzure(role);
  }

  pickSaved(role: Role, id: string): void {
    const c = this.connections.find((x) => x.id === id);
    if (!c) return;
    this.updateChoice(role, { how: 'saved', connectionId: c.id, host: c.host, port: c.port, user: c.user, database: c.database, sslMode: c.sslMode }, true);
    if (c.hasPassword) void this.testConnection(role);
  }

  async saveForLater(): Promise<void> {
    try {
      const { savedAt } = await this.rpc.request('saveDraft', { draft: this.draft });
      this.update({ savedAt });
      this.notice = { kind: 'info', text: 'Draft saved. Resume it from "New migration" later; passwords are not saved.' };
    } catch (e) {
      this.notice = { kind: 'error', text: (e as Error).message };
    }
    this.render();
  }

  async resumeDraft(id: string): Promise<void> {
    try {
      const d = await this.rpc.request('loadDraft', { id });
      this.facts = {};
      this.update(d);
      this.start();
    } catch (e) {
      this.notice = { kind: 'error', text: (e as Error).message };
      this.render();
    }
  }

  async startMigration(): Promise<void> {
    if (!this.isValid('summary')) return;
    this.busy.add('start');
    this.render();
    try {
      await this.rpc.request('start', { draft: this.draft });
      this.notice = { kind: 'info', text: `Migration "${this.draft.name}" started.` };
    } catch (e) {
      this.notice = { kind: 'error', text: (e as Error).message };
    } finally {
      this.busy.delete('start');
      this.render();
    }
  }
}

function randomId(): string {
  return crypto.randomUUID();
}

function focusHeading(root: HTMLElement): void {
  (root.querySelector('h2') as HTMLElement | null)?.focus();
}
