/**
 * How commands open the webview panels. The panels themselves live in ./panels; this is
 * the seam the commands call, so they do not depend on the panels' constructors.
 */
import type { Migration } from '../core/model';
import type { ServerRef } from '../core/provider';

export interface WizardPrefill {
  provider?: 'direct' | 'azure';
  /** A saved Direct connection id, or an Azure server, as the source. */
  sourceConnectionId?: string;
  sourceServer?: ServerRef;
  targetConnectionId?: string;
  targetServer?: ServerRef;
  /** Restart in wizard: every field of this migration except passwords. */
  from?: Migration;
}

export interface Panels {
  openWizard(prefill?: WizardPrefill): Promise<void>;
  openDetails(target: ServerRef, migration: Migration): Promise<void>;
}
