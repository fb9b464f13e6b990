/** Databases to migrate: the source's user databases, which to move, and consent to overwrite. */
import { formatBytes } from '../../../src/core/format';
import { checkDatabaseSelection, isSystemDatabase, MAX_DATABASES } from '../../../src/core/names';
import type { DatabaseInfo, WizardDraft } from '../../../src/contract/protocol';
import { checkedOf, h, type Child } from '../../lib/dom';
import { databasesKey, type WizardFacts } from '../facts';
import type { WizardPage } from '../page';
import type { WizardStepDef } from './stepDef';

/** Databases selected that also exist on the target (they will be dropped and recreated). */
export function overwrittenDatabases(d: WizardDraft, facts: WizardFacts): string[] {
  const list = facts.databases?.key === databasesKey(d) ? facts.databases.list : [];
  return d.databases.filter((n) => list.some((x) => x.name === n && x.existsOnTarget));
}

/** The database list to offer: user databases only, whatever the host sent. */
export function offeredDatabases(facts: WizardFacts, d: WizardDraft): DatabaseInfo[] {
  if (!facts.databases || facts.databases.key !== databasesKey(d)) return [];
  return facts.databases.list.filter((x) => !isSystemDatabase(x.name));
}

export function toggleDatabase(d: WizardDraft, name: string, on: boolean): { draft: WizardDraft; problem?: string } {
  if (!on) return { draft: { ...d, databases: d.databases.filter((x) => x !== name) } };
  if (d.databases.includes(name)) return { draft: d };
  if (d.databases.length >= MAX_DATABASES) {
    return { draft: d, problem: `A migration moves at most ${MAX_DATABASES} databases; deselect one first, or start a second migration for the rest.` };
  }
  return { draft: { ...d, databases: [...d.databases, name] } };
}

function databasesProblems(d: WizardDraft, facts: WizardFacts): string[] {
  if (!facts.databases || facts.databases.key !== databasesKey(d)) {
    return ['The database list is not loaded yet; connect to both servers first.'];
  }
  const out: string[] = [];
  const sel = checkDatabaseSelection(d.databases, false);
  if (!sel.ok && sel.reason) out.push(sel.reason);
  const offered = offeredDatabases(facts, d).map((x) => x.name);
  const missing = d.databases.filter((n) => !offered.includes(n));
  if (missing.length) out.push(`${missing.map((n) => `"${n}"`).join(', ')} no longer exists on the source; clear it from the selection.`);
  const over = overwrittenDatabases(d, facts);
  if (over.length && !d.overwrite) {
    out.push(`${over.map((n) => `"${n}"`).join(', ')} already exists on the target. Confirm that it may be overwritten, or deselect it.`);
  }
  return out;
}

function databasesView(c: WizardPage): Child {
  if (c.busy.has('databases')) return h('div', { class: 'row' }, h('vscode-progress-ring', null), h('span', null, 'Reading the source\'s databases…'));
  const list = offeredDatabases(c.facts, c.draft);
  const over = overwrittenDatabases(c.draft, c.facts);
  return [
    h('p', { class: 'hint' }, `Choose up to ${MAX_DATABASES} user databases. System and template databases are never migrated.`),
    h('div', { class: 'row' },
      h('strong', { id: 'db-count' }, `${c.draft.databases.length} of ${MAX_DATABASES} selected`),
      h('vscode-button', { appearance: 'secondary', id: 'db-reload', onclick: () => void c.loadDatabases(true) }, 'Reload list')),
    list.length === 0 && c.facts.databases ? h('p', { class: 'warning' }, 'The source has no user databases.') : null,
    h('table', { class: 'grid', id: 'db-table' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Migrate'), h('th', { scope: 'col' }, 'Database'), h('th', { scope: 'col', class: 'num' }, 'Size'), h('th', { scope: 'col' }, 'On the target'))),
      h('tbody', null, list.map((db) => h('tr', null,
        h('td', null, h('vscode-checkbox', {
          'data-db': db.name, checked: c.draft.databases.includes(db.name),
          onchange: (e: Event) => { const on = checkedOf(e); if (on !== c.draft.databases.includes(db.name)) c.toggleDatabase(db.name, on); },
        // The toolkit names a checkbox from its text (else "Checkbox"), overwriting any aria-label.
        }, h('span', { class: 'sr-only' }, `Migrate ${db.name}`))),
        h('td', null, db.name),
        h('td', { class: 'num' }, formatBytes(db.sizeBytes)),
        h('td', null, db.existsOnTarget ? h('span', { class: 'badge warn' }, 'exists: will be overwritten') : '')))),
    ),
    c.dbProblem ? h('p', { id: 'db-limit', class: 'field-error', role: 'alert' }, c.dbProblem) : null,
    over.length ? h('div', { class: 'callout warning', id: 'overwrite-notice' },
      h('p', null, `${over.join(', ')} already exist${over.length === 1 ? 's' : ''} on the target. The migration drops and recreates ${over.length === 1 ? 'it' : 'them'}: everything in ${over.length === 1 ? 'it' : 'them'} on the target is lost.`),
      h('vscode-checkbox', { id: 'overwrite', checked: c.draft.overwrite, onchange: (e: Event) => c.update({ overwrite: checkedOf(e) }) }, 'Overwrite these databases on the target'),
    ) : null,
    h('vscode-checkbox', { id: 'migrate-roles', checked: Boolean(c.draft.migrateRoles), onchange: (e: Event) => c.update({ migrateRoles: checkedOf(e) }) }, 'Migrate roles: create the roles that own objects or hold grants in these databases, and keep owners and grants'),
    c.draft.migrateRoles ? h('p', { class: 'hint', id: 'migrate-roles-note' }, c.draft.provider === 'azure'
      ? 'The Azure migration service carries roles, ownership and grants from a Single Server source (not PostgreSQL 16); passwords of roles other than the admin are not copied.'
      : 'Roles are created on the target where missing, with their members, memberships and settings; passwords come along when the source user may read them (a superuser). SUPERUSER, REPLICATION and BYPASSRLS never do.') : null,
  ];
}

export const databasesStep: WizardStepDef = {
  id: 'databases',
  title: 'Databases to migrate',
  problems: databasesProblems,
  view: databasesView,
  onEnter: (c) => void c.loadDatabases(),
};
