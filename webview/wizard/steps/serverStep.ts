/**
 * The Source server and Target server steps: one module, parameterised by the side. A server is
 * picked from Azure, from the saved connections, or typed in, then connected to.
 */
import { choiceKey, serverRefOf, type Role } from '../../../src/contract/draft';
import type { ServerChoice, WizardDraft } from '../../../src/contract/protocol';
import { h, valueOf, type Child } from '../../lib/dom';
import type { WizardFacts } from '../facts';
import { dropdown, radios, text } from '../fields';
import type { WizardPage } from '../page';
import type { WizardStepDef } from './stepDef';

/** Azure sources that are picked from a subscription rather than typed in. */
export function sourceIsAzurePicked(d: WizardDraft): boolean {
  return d.provider === 'azure' && (d.sourceType === 'PostgreSQLSingleServer' || d.sourceType === 'PostgreSQLFlexibleServer');
}

/** How each side may be chosen under the current provider and source type. */
export function allowedHows(d: WizardDraft, role: Role): ServerChoice['how'][] {
  if (role === 'target') return d.provider === 'azure' ? ['azure'] : ['saved', 'new'];
  return sourceIsAzurePicked(d) ? ['azure'] : ['saved', 'new'];
}

export function choiceProblems(c: ServerChoice, role: Role, d: WizardDraft): string[] {
  const out: string[] = [];
  const allowed = allowedHows(d, role);
  if (!allowed.includes(c.how)) {
    out.push(role === 'target' && d.provider === 'azure'
      ? 'Pick the target Flexible Server from your Azure subscription.'
      : `Choose the ${role} server again: the migration type changed.`);
    return out;
  }
  if (c.how === 'azure' && !c.azure) out.push(`Pick the ${role} server: subscription, resource group, then server.`);
  if (c.how === 'saved' && !c.connectionId) out.push(`Pick a saved ${role} connection, or choose "New connection".`);
  if (c.how === 'new') {
    if (!c.host.trim()) out.push(`Enter the ${role} server's host name.`);
    else if (/\s|\//.test(c.host.trim())) out.push(`"${c.host}" is not a host name: no spaces or slashes.`);
    if (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535) out.push('Enter a port between 1 and 65535 (PostgreSQL uses 5432 by default).');
  }
  if (!c.user.trim()) out.push(`Enter the ${role} server's administrator login.`);
  return out;
}

function connectionProblem(role: Role, d: WizardDraft, facts: WizardFacts): string | undefined {
  const fact = facts[role];
  const c = d[role];
  if (!fact || fact.key !== choiceKey(c)) return `Select "Connect to ${role}" to check the connection.`;
  if (!fact.result.ok) return fact.result.message;
  return undefined;
}

export function sameServer(d: WizardDraft): boolean {
  const a = serverRefOf(d.source, 'source', d);
  const b = serverRefOf(d.target, 'target', d);
  return a.host.toLowerCase() === b.host.toLowerCase() && a.port === b.port && a.host !== '';
}

function serverProblems(role: Role, d: WizardDraft, facts: WizardFacts): string[] {
  const out: string[] = [];
  const choiceErrs = choiceProblems(d[role], role, d);
  out.push(...choiceErrs);
  if (choiceErrs.length === 0) {
    const p = connectionProblem(role, d, facts);
    if (p) out.push(p);
  }
  if (role === 'target' && out.length === 0 && sameServer(d) && d.provider === 'azure') {
    out.push('The source and the target are the same server; pick a different target.');
  }
  return out;
}

function serverView(c: WizardPage, role: Role): Child {
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

function connResult(c: WizardPage, role: Role): HTMLElement {
  const fact = c.facts[role];
  const current = fact && fact.key === choiceKey(c.draft[role]) ? fact.result : undefined;
  return h('p', { id: `${role}-result`, role: current && !current.ok ? 'alert' : 'status', class: current ? (current.ok ? 'ok' : 'field-error') : 'hint' },
    current ? `${current.ok ? '✓ ' : ''}${current.message}` : '');
}

function savedPicker(c: WizardPage, role: Role): Child {
  const list = c.connections.filter((x) => x.role === role || x.role === 'both');
  const choice = c.draft[role];
  if (!list.length) return h('p', { class: 'hint' }, `No saved ${role} connections yet. Choose "A new connection", or add one from the Migrations view.`);
  return dropdown(`${role}-saved`, `Saved ${role} connection`, choice.connectionId ?? '', list.map((x) => [x.id, `${x.label} (${x.user}@${x.host}:${x.port})`]),
    (v) => c.pickSaved(role, v), 'Choose a connection…');
}

function azurePicker(c: WizardPage, role: Role): Child {
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

function serverStep(role: Role, title: string): WizardStepDef {
  return {
    id: role,
    title,
    problems: (d, facts) => serverProblems(role, d, facts),
    view: (c) => serverView(c, role),
    live: (c) => [connResult(c, role)],
  };
}

export const sourceStep = serverStep('source', 'Source server');
export const targetStep = serverStep('target', 'Target server');
