import * as vscode from 'vscode';
import { connectionString } from '../model/connections';
import { migrationContextValue, migrationDescription, migrationTooltip, stateLook } from '../model/migrationPresentation';
import type { TreeNode } from '../model/treeModel';
import { leftoverDescription, leftoverTooltip } from '../model/leftoverPresentation';

const C = vscode.TreeItemCollapsibleState;

/** Renders one model node. Pure mapping: everything it shows is already in the node. */
export function toTreeItem(node: TreeNode, now = Date.now()): vscode.TreeItem {
  const item = build(node, now);
  item.id = node.id;
  return item;
}

function build(node: TreeNode, now: number): vscode.TreeItem {
  switch (node.kind) {
    case 'azureRoot':
      return withIcon(new vscode.TreeItem('Azure', C.Collapsed), 'azure', 'azure.root', 'Azure Database for PostgreSQL servers in your subscriptions');
    case 'directRoot':
      return withIcon(new vscode.TreeItem('Direct', C.Expanded), 'plug', 'direct.root', 'PostgreSQL servers you connect to directly');
    case 'signIn': {
      const item = withIcon(new vscode.TreeItem(node.tenantId ? `Sign in to tenant ${node.tenantId}…` : 'Sign in to Azure…', C.None), 'sign-in', 'azure.signIn');
      item.command = { command: 'pgflex.signIn', title: 'Sign in to Azure', arguments: [node.tenantId] };
      return item;
    }
    case 'tenant':
      return withIcon(new vscode.TreeItem(node.tenant.displayName ?? node.tenant.tenantId, C.Collapsed), 'organization', 'azure.tenant', node.tenant.tenantId);
    case 'subscription': {
      const item = withIcon(new vscode.TreeItem(node.subscription.displayName, C.Collapsed), 'key', 'azure.subscription', node.subscription.subscriptionId);
      return item;
    }
    case 'serverGroup':
      return node.group === 'flexible'
        ? withIcon(new vscode.TreeItem('Flexible Servers', C.Collapsed), 'server-environment', 'azure.group.flexible', 'Targets: Azure Database for PostgreSQL Flexible Servers')
        : withIcon(new vscode.TreeItem('Single Servers', C.Collapsed), 'server-process', 'azure.group.single', 'Sources: Azure Database for PostgreSQL Single Servers (retired)');
    case 'azureServer': {
      const s = node.server;
      const flexible = s.kind === 'flexible';
      const item = withIcon(new vscode.TreeItem(s.name, flexible ? C.Collapsed : C.None), flexible ? 'server' : 'database', flexible ? 'server.azure.flexible' : 'server.azure.single');
      item.description = [s.version ? `PostgreSQL ${s.version}` : '', s.skuName ?? s.skuTier ?? '', s.location ?? ''].filter(Boolean).join(' · ');
      item.tooltip = new vscode.MarkdownString([
        `**${s.name}** (${flexible ? 'Flexible Server, target' : 'Single Server, source'})`,
        `Resource group: ${s.resourceGroup}`,
        s.fqdn ? `Host: ${s.fqdn}` : '',
        s.state ? `State: ${s.state}` : '',
      ].filter(Boolean).join('  \n'));
      item.accessibilityInformation = { label: `${s.name}, ${flexible ? 'Flexible Server' : 'Single Server'}, ${item.description}` };
      return item;
    }
    case 'addConnection': {
      const item = withIcon(new vscode.TreeItem('Add connection…', C.None), 'add', 'action.addConnection', 'Add a source or target PostgreSQL server');
      item.command = { command: 'pgflex.addConnection', title: 'Add Connection…' };
      return item;
    }
    case 'connection': {
      const c = node.connection;
      const target = c.role === 'target';
      // A source's children are the replication slots pgflex left on it.
      const item = withIcon(new vscode.TreeItem(c.label, C.Collapsed), target ? 'server' : 'database', `connection.${c.role}`);
      item.description = `${target ? 'target' : 'source'} · ${c.host}:${c.port}`;
      item.tooltip = `${c.label} (${c.role})\n${connectionString(c)}`;
      item.accessibilityInformation = { label: `${c.label}, ${c.role} connection, ${c.host} port ${c.port}` };
      return item;
    }
    case 'migration': {
      const m = node.migration;
      const look = stateLook(m);
      const item = new vscode.TreeItem(m.name, C.None);
      item.iconPath = new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
      item.contextValue = migrationContextValue(m);
      item.description = migrationDescription(m, now);
      const tip = new vscode.MarkdownString(migrationTooltip(m, now));
      tip.supportThemeIcons = false;
      item.tooltip = tip;
      item.accessibilityInformation = { label: `Migration ${m.name}, ${item.description}` };
      item.command = { command: 'pgflex.openDetails', title: 'Open Details', arguments: [node] };
      return item;
    }
    case 'leftover': {
      const l = node.leftover;
      const item = new vscode.TreeItem(l.name, C.None);
      item.iconPath = node.heavy ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('debug-disconnect');
      item.contextValue = 'leftover.slot';
      item.description = leftoverDescription(l, node.heavy);
      const tip = new vscode.MarkdownString(leftoverTooltip(l, node.heavy));
      tip.supportThemeIcons = false;
      item.tooltip = tip;
      item.accessibilityInformation = { label: `Replication slot ${l.name}, ${item.description}` };
      return item;
    }
    case 'error': {
      const item = new vscode.TreeItem(node.message, C.None);
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      item.contextValue = 'error';
      item.tooltip = `${node.message}\n\nClick to try again.`;
      item.command = { command: 'pgflex.refreshNode', title: 'Try Again', arguments: [node.retry] };
      return item;
    }
    case 'info': {
      const item = new vscode.TreeItem(node.message, C.None);
      item.contextValue = 'info';
      return item;
    }
  }
}

function withIcon(item: vscode.TreeItem, icon: string, contextValue: string, tooltip?: string): vscode.TreeItem {
  item.iconPath = new vscode.ThemeIcon(icon);
  item.contextValue = contextValue;
  if (tooltip) item.tooltip = tooltip;
  return item;
}
