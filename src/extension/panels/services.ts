/**
 * What the wizard and details panels need from the rest of the extension. The extension's
 * activate() builds one object of this shape (from its connections store, Azure session,
 * providers, settings and tree) and passes it to WizardPanel.open / DetailsPanel.open /
 * registerPanelSerializers. Nothing here is a webview message: see src/contract/protocol.ts.
 */
import type * as vscode from 'vscode';
import type { Migration, ValidationSummaryItem } from '../../core/model';
import type { MigrationProvider, ServerRef } from '../../core/provider';
import type { LiveWatch } from '../model/liveWatch';
import type { Panels } from '../panelHost';
import type {
  AzureServerInfo, AzureSubscriptionInfo, ConnectResult, DatabaseInfo, MigrationRef, ProviderKind,
  SavedConnection, WizardDraft,
} from '../../contract/protocol';

export interface PanelLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Browsing Azure for the wizard's pickers (absent when the Azure provider is not available). */
export interface AzureBrowser {
  isSignedIn(): boolean;
  /** Interactive sign-in; resolves false when the user cancels. */
  signIn(): Promise<boolean>;
  listSubscriptions(): Promise<AzureSubscriptionInfo[]>;
  listResourceGroups(subscriptionId: string): Promise<string[]>;
  listServers(subscriptionId: string, resourceGroup: string, kind: 'azure-flexible' | 'azure-single'): Promise<AzureServerInfo[]>;
}

export interface PanelServices {
  readonly extensionUri: vscode.Uri;
  readonly log: PanelLogger;

  /** The provider for a kind; undefined when it is not available (e.g. Azure signed out). */
  provider(kind: ProviderKind): MigrationProvider | undefined;
  readonly azure?: AzureBrowser;

  /** Saved Direct connections (never passwords; `hasPassword` says whether one is stored). */
  listConnections(): Promise<SavedConnection[]>;
  /** The stored password (SecretStorage) of a saved connection, for the host only. */
  getPassword(connectionId: string): Promise<string | undefined>;
  /**
   * Open and close one pg connection (src/pg/connection.ts). For Azure servers the host may
   * use an Entra token when `password` is undefined. The message is the person-worded error
   * on failure, or "Connected: PostgreSQL 16.4" on success; `role` names the side in it.
   */
  testConnection(server: ServerRef, password: string | undefined, role?: 'source' | 'target'): Promise<ConnectResult>;
  /** The source's user databases with sizes (never system/template), and which exist on the target. */
  listDatabases(source: ServerRef, sourcePassword: string | undefined, target: ServerRef, targetPassword: string | undefined): Promise<DatabaseInfo[]>;
  /** Source server types offered on the Setup tab (defaults to the model's SOURCE_TYPES). */
  sourceTypes?(): string[];

  /** "Save for later" drafts (globalState; they never hold a password). */
  listDrafts(): Promise<WizardDraft[]>;
  saveDraft(draft: WizardDraft): Promise<void>;
  deleteDraft(id: string): Promise<void>;

  /** Find the target server of a migration the details panel shows (after reload too). */
  resolveTarget(ref: MigrationRef): Promise<ServerRef | undefined>;
  /** Reveal and select the migration in the tree. */
  revealInTree(ref: MigrationRef): Promise<void>;
  /** Apply a validation rule's one-click fix; returns a sentence saying what was done. */
  applyFix?(ref: MigrationRef, fix: NonNullable<ValidationSummaryItem['fix']>): Promise<string>;
  /** Retry a failed direct migration (only the tables that failed). */
  retry?(ref: MigrationRef): Promise<Migration>;
  /** Open the target in the PostgreSQL extension (ms-ossdata.vscode-pgsql link, no password). */
  openTarget?(ref: MigrationRef, migration: Migration): Promise<void>;
  /**
   * Change events of a migration running in this window (the direct engine); undefined when
   * it runs elsewhere, and the page keeps its timer.
   */
  watch?: LiveWatch;
  /** Auto-refresh interval from settings, in seconds; 0 = off. */
  refreshIntervalSeconds(): number;
  /** The latency thresholds of the settings (pgflex.latency.*), drawn on the details page's chart. */
  latencyThresholds?(): { warningSeconds: number; errorSeconds: number };
  /** Opens the other panel: the wizard hands a started migration to its details, the details restart in the wizard. */
  readonly panels: Panels;
  /** Called after a migration is created so the tree can refresh its target. */
  onCreated?(ref: MigrationRef, migration: Migration): void;
}
