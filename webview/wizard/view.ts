/** Renders the wizard from its controller. Text only through text nodes (lib/dom). */
import { formatBytes } from '../../src/core/format';
import { MAX_DATABASES } from '../../src/core/names';
import { checkedOf, h, problemsList, replace, replaceWith, valueOf, type Child } from '../lib/dom';
import { WIZARD_STEPS, type ServerChoice, type WizardStep } from '../../src/contract/protocol';
import type { WizardController } from './controller';
import {
  allowedHows, canEnter, modeNote, nameProblem, offeredDatabases, OPTION_LABELS, optionNote,
  overwrittenDatabases, STEP_TITLES, stepProblems, summaryRows,
} from './rules';
import { choiceKey, type Role } from '../../src/contract/draft';

/** `partial` refreshes only what typing can change, so a field being edited keeps focus. */
export function renderWizard(root: HTMLElement, c: WizardController, partial = false): void {
  root.removeAttribute('aria-busy');
  if (partial && root.querySelector('#step')) {
    swap(root, '#tabs', tabs(c));
    swap(root, '#problems', problemsList(stepProblems(c.draft.step, c.draft, c.facts), 'problems'));
    swap(root, '#notice', notice(c));
    swap(root, '#nav', nav(c));
    const status = root.querySelector('#name-status');
    if (status) replaceWith(status, nameStatus(c));
    const step = c.draft.step;
    if (step === 'source' || step === 'target') swap(root, `#${step}-result`, connResult(c, step));
    return;
  }
  const step = c.draft.step;
  replace(root,
    h('header', { class: 'title' },
      h('h1', null, 'New migration'),
      h('span', { class: 'muted' }, c.draft.provider === 'azure' ? 'Azure Database for PostgreSQL migration service' : 'pgflex direct engine'),
    ),
    tabs(c),
    h('section', { id: 'step', role: 'tabpanel', 'aria-labelledby': `tab-${step}`, 'data-step': step },
      h('h2', { tabindex: '-1' }, STEP_TITLES[step]),
      stepBody(c, step),
    ),
    problemsList(stepProblems(step, c.draft, c.facts), 'problems'),
    notice(c),
    nav(c),
  );
}

function swap(root: HTMLElement, sel: string, el: HTMLElement): void {
  const old = root.querySelector(sel);
  if (old) replaceWith(old, el);
}

function stepBody(c: WizardController, step: WizardStep): Child {
  switch (step) {
    case 'setup': return setupView(c);
    case 'source':
    case 'target': return serverView(c, step);
    case 'databases': return databasesView(c);
    case 'summary': return summaryView(c);
  }
}

function tabs(c: WizardController): HTMLElement {
  const bar = h('nav', { id: 'tabs', role: 'tablist', 'aria-label': 'Wizard steps' });
  WIZARD_STEPS.forEach((s, i) => {
    const selected = c.draft.step === s;
    const enabled = canEnter(s, c.draft, c.facts);
    const done = !selected && enabled && c.isValid(s);
    bar.appendChild(h('button', {
      id: `tab-${s}`, role: 'tab', class: `tab${selected ? ' selected' : ''}${done ? ' done' : ''}`,
      'aria-selected': selected ? 'true' : 'false', 'aria-disabled': enabled ? 'false' : 'true',
      tabindex: selected ? '0' : '-1', 'data-step': s,
      onclick: () => c.go(s),
      onkeydown: (e: Event) => tabKey(e as KeyboardEvent, i),
    }, h('span', { class: 'tab-num', 'aria-hidden': 'true' }, done ? '✓' : String(i + 1)), STEP_TITLES[s]));
  });
  return bar;
}

/** Arrow keys move between tabs (WAI-ARIA tabs pattern); Enter/Space activates. */
function tabKey(e: KeyboardEvent, i: number): void {
  const list = Array.from(document.querySelectorAll<HTMLElement>('#tabs [role=tab]'));
  let j = i;
  if (e.key === 'ArrowRight') j = (i + 1) % list.length;
  else if (e.key === 'ArrowLeft') j = (i - 1 + list.length) % list.length;
  else if (e.key === 'Home') j = 0;
  else if (e.key === 'End') j = list.length - 1;
  else return;
  e.preventDefault();
  list.forEach((t, k) => t.setAttribute('tabindex', k === j ? '0' : '-1'));
  list[j].focus();
}

function notice(c: WizardController): HTMLElement {
  const n = c.notice;
  return h('div', { id: 'notice', role: n?.kind === 'error' ? 'alert' : 'status', class: n ? `notice ${n.kind}` : 'notice empty' }, n?.text ?? '',
    n?.startOver ? [' ', h('vscode-button', { id: 'start-over', appearance: 'secondary', onclick: () => c.startOver() }, 'Start over')] : null);
}

function nav(c: WizardController): HTMLElement {
  const step = c.draft.step;
  const first = step === 'setup';
  const last = step === 'summary';
  const valid = c.isValid(step);
  return h('footer', { id: 'nav', class: 'nav' },
    h('vscode-button', { id: 'back', appearance: 'secondary', disabled: first, onclick: () => c.back() }, 'Previous'),
    last
      ? h('vscode-button', { id: 'start', disabled: !valid || c.busy.has('start'), onclick: () => void c.startMigration() }, c.busy.has('start') ? 'Starting…' : 'Start migration')
      : h('vscode-button', { id: 'next', disabled: !valid, onclick: () => c.next() }, `Next: ${STEP_TITLES[WIZARD_STEPS[WIZARD_STEPS.indexOf(step) + 1]]}`),
    h('span', { class: 'spacer' }),
    h('vscode-button', { id: 'save', appearance: 'secondary', onclick: () => void c.saveForLater() }, 'Save for later'),
  );
}

function radios(id: string, label: string, value: string, items: [string, string, boolean?][], onChange: (v: string) => void): HTMLElement {
  return h('vscode-radio-group', {
    id, orientation: 'vertical',
    onchange: (e: Event) => {
      const t = e.target as { tagName?: string; checked?: boolean; value?: string };
      if (t.tagName === 'VSCODE-RADIO' && !t.checked) return;
      if (t.value && t.value !== value) onChange(t.value);
    },
  },
  h('label', { slot: 'label' }, label),
  items.map(([v, text, disabled]) => h('vscode-radio', { value: v, checked: v === value, disabled: !!disabled }, text)));
}

function dropdown(id: string, label: string, value: string, options: [string, string][], onChange: (v: string) => void, placeholder?: string): HTMLElement {
  const opts = placeholder && !value ? [['', placeholder] as [string, string], ...options] : options;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('vscode-dropdown', { id, onchange: (e: Event) => { const v = valueOf(e); if (v && v !== value) onChange(v); } },
      opts.map(([v, text]) => h('vscode-option', { value: v, selected: v === value }, text))),
  );
}

function text(id: string, label: string, value: string, onInput: (v: string) => void, extra: Record<string, string | boolean> = {}): HTMLElement {
  return h('vscode-text-field', { id, value, ...extra, oninput: (e: Event) => onInput(valueOf(e)) }, label);
}

function nameStatus(c: WizardController): HTMLElement {
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

function setupView(c: WizardController): Child {
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

function serverView(c: WizardController, role: Role): Child {
  const d = c.draft;
  const choice = d[role];
  const hows = allowedHows(d, role);
  const label = role === 'source' ? 'source' : 'target';
  const busy = c.busy.has(role);
  return [
    hows.length > 1 ? radios(`${role}-how`, `How to reach the ${label} server`, choice.how, [
      ['saved', 'A saved connection'], ['new', 'A new connection'],
    ], (v) => c.updateChoice(role, { how: v as ServerChoice['how'] }, true)) : null,
    choice.how === 'azure' ? azurePicker(c, role) : null,
    choice.how === 'saved' ? savedPicker(c, role) : null,
    choice.how === 'new' ? h('div', { class: 'grid2' },
      text(`${role}-host`, 'Host', choice.host, (v) => c.updateChoice(role, { host: v.trim() }), { placeholder: 'myserver.example.com' }),
      text(`${role}-port`, 'Port', String(choice.port), (v) => c.updateChoice(role, { port: Number(v) }), { inputmode: 'numeric' }),
      text(`${role}-database`, 'Database to connect to', choice.database, (v) => c.updateChoice(role, { database: v.trim() })),
      dropdown(`${role}-ssl`, 'SSL mode', choice.sslMode, ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'].map((m) => [m, m]),
        (v) => c.updateChoice(role, { sslMode: v as ServerChoice['sslMode'] }, true)),
    ) : null,
    h('div', { class: 'grid2' },
      text(`${role}-user`, 'Administrator login', choice.user, (v) => c.updateChoice(role, { user: v.trim() })),
      h('vscode-text-field', {
        id: `${role}-password`, type: 'password', value: c.typed[role], autocomplete: 'off',
        placeholder: choice.how === 'saved' && c.connections.find((x) => x.id === choice.connectionId)?.hasPassword ? 'stored; type to replace'
          : choice.how === 'azure' ? 'empty: use your Microsoft Entra sign-in' : '',
        oninput: (e: Event) => c.typePassword(role, valueOf(e)),
      }, 'Password'),
    ),
    h('p', { class: 'hint' }, 'The password goes to the extension once, when you connect, and is kept in memory (or in VS Code\'s secret storage for saved connections). It is never saved with a draft.'),
    h('div', { class: 'row' },
      h('vscode-button', { id: `connect-${role}`, disabled: busy, onclick: () => void c.testConnection(role) }, `Connect to ${label}`),
      busy ? h('vscode-progress-ring', { 'aria-label': `Connecting to the ${label}` }) : null,
    ),
    connResult(c, role),
  ];
}

function connResult(c: WizardController, role: Role): HTMLElement {
  const fact = c.facts[role];
  const current = fact && fact.key === choiceKey(c.draft[role]) ? fact.result : undefined;
  return h('p', { id: `${role}-result`, role: current && !current.ok ? 'alert' : 'status', class: current ? (current.ok ? 'ok' : 'field-error') : 'hint' },
    current ? `${current.ok ? '✓ ' : ''}${current.message}` : '');
}

function savedPicker(c: WizardController, role: Role): Child {
  const list = c.connections.filter((x) => x.role === role || x.role === 'both');
  const choice = c.draft[role];
  if (!list.length) return h('p', { class: 'hint' }, `No saved ${role} connections yet. Choose "A new connection", or add one from the Migrations view.`);
  return dropdown(`${role}-saved`, `Saved ${role} connection`, choice.connectionId ?? '', list.map((x) => [x.id, `${x.label} (${x.user}@${x.host}:${x.port})`]),
    (v) => c.pickSaved(role, v), 'Choose a connection…');
}

function azurePicker(c: WizardController, role: Role): Child {
  if (!c.azureInfo.signedIn) {
    return h('div', { class: 'row' }, h('vscode-button', { id: 'azure-signin', onclick: () => void c.signIn() }, 'Sign in to Azure'),
      h('span', { class: 'hint' }, 'to pick the server from your subscriptions.'));
  }
  const pick = c.draft[role].azure;
  const subs = c.lists.subscriptions;
  const groups = c.lists.groups[role];
  const servers = c.lists.servers[role];
  const chosen = servers?.find((s) => s.id === pick?.serverId);
  return h('div', { class: 'grid3' },
    subs ? dropdown(`${role}-sub`, 'Subscription', pick?.subscriptionId ?? '', subs.map((s) => [s.id, s.name]), (v) => c.pickAzure(role, 'subscriptionId', v), 'Choose…')
      : h('vscode-progress-ring', { 'aria-label': 'Loading subscriptions' }),
    groups ? dropdown(`${role}-rg`, 'Resource group', pick?.resourceGroup ?? '', groups.map((g) => [g, g]), (v) => c.pickAzure(role, 'resourceGroup', v), 'Choose…') : null,
    servers ? dropdown(`${role}-server`, role === 'target' ? 'Flexible Server' : 'Server', pick?.serverId ?? '', servers.map((s) => [s.id, s.name]),
      (v) => c.pickAzure(role, 'serverId', v), servers.length ? 'Choose…' : 'No servers in this group') : null,
    pick?.serverId ? h('dl', { class: 'facts' },
      fact('Host', c.draft[role].host), fact('Location', chosen?.location ?? pick.location), fact('Version', chosen?.version ?? pick.version), fact('SKU', chosen?.sku ?? pick.sku)) : null,
  );
}

function fact(k: string, v: string | undefined): Child {
  return v ? [h('dt', null, k), h('dd', null, v)] : null;
}

function databasesView(c: WizardController): Child {
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

function summaryView(c: WizardController): Child {
  return [
    h('table', { class: 'summary', id: 'summary' }, h('tbody', null, summaryRows(c.draft).map(([k, v]) => h('tr', null, h('th', { scope: 'row' }, k), h('td', null, v))))),
    c.draft.option !== 'Migrate' ? null : h('p', { class: 'warning' }, optionNote('Migrate')),
    c.draft.mode === 'Online' ? h('p', { class: 'hint' }, 'After the initial copy the migration waits for you to cut over; watch the latency on the details page.') : null,
    h('p', { class: 'hint' }, 'Start creates the migration, closes this wizard and opens its details.'),
  ];
}
