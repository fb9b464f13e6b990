/** Summary: the draft as the migration will be created, and every earlier step's problems. */
import { serverRefOf, type Role } from '../../../src/contract/draft';
import type { ServerChoice, WizardDraft } from '../../../src/contract/protocol';
import { h, type Child } from '../../lib/dom';
import type { WizardPage } from '../page';
import { OPTION_LABELS, optionNote } from './setupStep';
import type { WizardStepDef } from './stepDef';

export function summaryRows(d: WizardDraft): [string, string][] {
  const where = (c: ServerChoice, role: Role) => {
    const r = serverRefOf(c, role, d);
    return c.how === 'azure' && c.azure
      ? `${c.azure.serverName} (${c.azure.resourceGroup}${c.azure.location ? `, ${c.azure.location}` : ''}) as ${c.user}`
      : `${r.host}:${r.port} as ${r.user} (SSL ${r.sslMode})`;
  };
  return [
    ['Migration name', d.name],
    ['Runs on', d.provider === 'azure' ? 'Azure migration service' : 'pgflex direct engine (this machine)'],
    ['Source server type', d.sourceType],
    ['Migration option', OPTION_LABELS[d.option]],
    ['Mode', d.mode],
    ['Source', where(d.source, 'source')],
    ['Target', where(d.target, 'target')],
    ['Databases', d.databases.join(', ')],
    ['Overwrite existing target databases', d.overwrite ? 'Yes' : 'No'],
    ['Migrate roles, owners and grants', d.migrateRoles ? 'Yes' : 'No'],
  ];
}

function summaryView(c: WizardPage): Child {
  return [
    h('table', { class: 'summary', id: 'summary' }, h('tbody', null, summaryRows(c.draft).map(([k, v]) => h('tr', null, h('th', { scope: 'row' }, k), h('td', null, v))))),
    c.draft.option !== 'Migrate' ? null : h('p', { class: 'warning' }, optionNote('Migrate')),
    c.draft.mode === 'Online' ? h('p', { class: 'hint' }, 'After the initial copy the migration waits for you to cut over; watch the latency on the details page.') : null,
    h('p', { class: 'hint' }, 'Start creates the migration, closes this wizard and opens its details.'),
  ];
}

/** The last step: Start is allowed once every step before it (`earlier`) has no problem left. */
export function summaryStep(earlier: readonly WizardStepDef[]): WizardStepDef {
  return {
    id: 'summary',
    title: 'Summary',
    problems: (d, facts) => earlier.flatMap((s) => s.problems(d, facts)),
    view: summaryView,
    // Setup checked the name before the target was connected, or a while ago: check it again before Start.
    onEnter: (c) => c.checkNameSoon(0),
  };
}
