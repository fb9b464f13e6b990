/** Setup: the engine, the migration's name, the source server type, the option and the mode. */
import { checkMigrationName } from '../../../src/core/names';
import type { MigrationMode, MigrationOption } from '../../../src/core/model';
import { emptyChoice, newDraft } from '../../../src/contract/draft';
import type { ProviderKind, WizardDraft } from '../../../src/contract/protocol';
import { h, type Child } from '../../lib/dom';
import { nameKey, type WizardFacts } from '../facts';
import { dropdown, radios, text } from '../fields';
import type { WizardPage } from '../page';
import { allowedHows } from './serverStep';
import type { WizardStepDef } from './stepDef';

export const OPTION_LABELS: Record<MigrationOption, string> = {
  Validate: 'Validate',
  Migrate: 'Migrate',
  ValidateAndMigrate: 'Validate and Migrate',
};

export function nameProblem(d: WizardDraft, facts: WizardFacts): string | undefined {
  const rule = checkMigrationName(d.name, d.provider);
  if (!rule.ok) return rule.reason;
  if (facts.name && facts.name.key === nameKey(d) && !facts.name.result.ok) {
    return facts.name.result.reason ?? `A migration named "${d.name}" already exists on the target; choose another name.`;
  }
  return undefined;
}

/** Changing the provider changes the name rule and how servers are picked. */
export function setProvider(d: WizardDraft, provider: ProviderKind): WizardDraft {
  if (d.provider === provider) return d;
  const n = { ...d, provider, sourceType: newDraft(d.id, provider).sourceType, databases: [], overwrite: false };
  return { ...n, source: { ...emptyChoice(), how: allowedHows(n, 'source')[0] }, target: { ...emptyChoice(), how: allowedHows(n, 'target')[0] } };
}

/** Some source types are picked from Azure, others typed in: a choice the new type does not allow resets. */
export function setSourceType(d: WizardDraft, sourceType: string): WizardDraft {
  const n = { ...d, sourceType };
  return allowedHows(n, 'source').includes(d.source.how) ? n : { ...n, source: { ...d.source, how: allowedHows(n, 'source')[0] } };
}

export function modeNote(mode: MigrationMode, provider: ProviderKind): string | undefined {
  if (mode !== 'Online') return undefined;
  return provider === 'azure'
    ? 'Online needs logical replication on the source (wal_level = logical). If the service has to turn it on, the source server restarts. Writes keep flowing until you cut over.'
    : 'Online needs wal_level = logical on the source and a user with the REPLICATION attribute. Changing wal_level needs a restart of the source server. Writes keep flowing until you cut over.';
}

export function optionNote(option: MigrationOption): string {
  switch (option) {
    case 'Validate': return 'Runs the checks only: no data moves and nothing changes. Validate a few days ahead, fix what fails, then run Validate and Migrate.';
    case 'Migrate': return 'Skips the checks. We advise validating first: a failed check found mid-migration costs the whole run.';
    default: return 'Runs the checks first and migrates only if none fails (warnings are allowed). The recommended choice.';
  }
}

function nameStatus(c: WizardPage): HTMLElement {
  const problem = nameProblem(c.draft, c.facts);
  const avail = c.nameAvailability();
  if (problem && c.draft.name) return h('p', { id: 'name-status', class: 'field-error', role: 'alert' }, problem);
  if (!c.draft.name) return h('p', { id: 'name-status', class: 'hint' }, c.draft.provider === 'azure'
    ? 'Lowercase letters and digits, starting with a letter (Azure resource rule).'
    : 'Letters, digits and hyphens; not starting with a hyphen.');
  const msg = avail === 'checking' ? 'Checking the name against the target…'
    : avail === 'available' ? `"${c.draft.name}" is free on the target.`
      : 'The name is valid; it is checked against the target once the target is connected.';
  return h('p', { id: 'name-status', class: avail === 'available' ? 'ok' : 'hint' }, msg);
}

function setupView(c: WizardPage): Child {
  const d = c.draft;
  return [
    c.drafts.length ? h('div', { class: 'drafts' },
      h('span', null, 'Saved drafts: '),
      c.drafts.map((x) => h('vscode-button', { appearance: 'secondary', class: 'draft', onclick: () => void c.resumeDraft(x.id) },
        `Resume "${x.name}"${x.savedAt ? ` (${x.savedAt.slice(0, 16).replace('T', ' ')} UTC)` : ''}`)),
    ) : null,
    radios('provider', 'Run the migration with', d.provider, [
      ['direct', 'pgflex direct engine: any PostgreSQL to any PostgreSQL, from this machine'],
      ['azure', `Azure migration service: to a Flexible Server${c.azureInfo.available ? '' : ' (not available: sign in to Azure)'}`, !c.azureInfo.available],
    ], (v) => c.setProvider(v as 'direct' | 'azure')),
    h('div', { class: 'field' },
      text('name', 'Migration name', d.name, (v) => c.setName(v), { maxlength: '63', required: true, autofocus: true }),
      nameStatus(c),
    ),
    dropdown('sourceType', 'Source server type', d.sourceType, c.sourceTypes.map((t) => [t, t]), (v) => c.setSourceType(v)),
    radios('option', 'Migration option', d.option,
      (['Validate', 'Migrate', 'ValidateAndMigrate'] as const).map((o) => [o, OPTION_LABELS[o]]),
      (v) => c.update({ option: v as typeof d.option })),
    h('p', { id: 'option-note', class: 'hint' }, optionNote(d.option)),
    radios('mode', 'Migration mode', d.mode, [['Offline', 'Offline (default): the source stays read-only during the copy'], ['Online', 'Online: keep writing to the source until cutover']],
      (v) => c.update({ mode: v as typeof d.mode })),
    modeNote(d.mode, d.provider) ? h('p', { id: 'mode-note', class: 'warning', role: 'note' }, modeNote(d.mode, d.provider) ?? '') : null,
  ];
}

export const setupStep: WizardStepDef = {
  id: 'setup',
  title: 'Setup',
  problems(d, facts) {
    const out: string[] = [];
    const name = nameProblem(d, facts);
    if (name) out.push(name);
    if (!d.sourceType) out.push('Choose the source server type.');
    return out;
  },
  view: setupView,
  live: (c) => [nameStatus(c)],
};
