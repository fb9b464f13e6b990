import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import type { PgflexContext } from '../context';
import { type ConnectionRole, type SavedConnection, SSL_MODES, checkHost, checkPort, checkRequired, connectionString, parseSandboxConnections } from '../model/connections';
import type { NodeOf } from '../model/treeModel';
import { connInfo, testConnection } from '../connections/pgTester';
import { azureServerRef } from '../model/treeModel';
import type { PgSslMode } from '../../pg/connection';
import { required, UserCancelledError } from './registerCommand';

type Draft = Omit<SavedConnection, 'id'>;

async function input(title: string, step: number, prompt: string, value: string, validate: (v: string) => string | undefined, password = false): Promise<string> {
  const v = await vscode.window.showInputBox({
    title: `${title} (${step}/7)`, prompt, value, password, ignoreFocusOut: true, validateInput: validate,
  });
  return required(v, 'adding the connection').trim();
}

/** One input per field (each validated as typed), then a real pg test before anything is saved. */
export async function addConnection(ctx: PgflexContext, roleArg?: unknown): Promise<SavedConnection> {
  let draft: Draft = { label: '', role: roleArg === 'target' ? 'target' : 'source', host: 'localhost', port: 5432, user: 'postgres', database: 'postgres', sslMode: 'prefer' };
  for (;;) {
    const title = 'Add PostgreSQL Connection';
    const role = await vscode.window.showQuickPick(
      [
        { label: 'Source', description: 'a server to migrate from', role: 'source' as ConnectionRole },
        { label: 'Target', description: 'a server to migrate to', role: 'target' as ConnectionRole },
      ],
      { title: `${title} (1/7)`, placeHolder: 'Is this server a source or a target?', ignoreFocusOut: true },
    );
    draft.role = required(role, 'adding the connection').role;
    draft.host = await input(title, 2, 'Host name or IP address of the PostgreSQL server', draft.host, checkHost);
    draft.port = Number(await input(title, 3, 'Port', String(draft.port), checkPort));
    draft.user = await input(title, 4, 'User name (an administrator of the server)', draft.user, checkRequired('user name'));
    draft.database = await input(title, 5, 'Database to connect to for server-level work', draft.database, checkRequired('database name'));
    const ssl = await vscode.window.showQuickPick(
      SSL_MODES.map((m) => ({ label: m, picked: m === draft.sslMode, description: SSL_HELP[m] })),
      { title: `${title} (6/7)`, placeHolder: 'SSL mode', ignoreFocusOut: true },
    );
    draft.sslMode = required(ssl, 'adding the connection').label as PgSslMode;
    if (draft.sslMode === 'verify-ca' || draft.sslMode === 'verify-full') {
      const ca = await vscode.window.showInputBox({
        title: `${title} (6/7)`, prompt: 'CA certificate file (PEM) that signed the server\'s certificate. Empty: the pgflex.sslRootCert setting, else the system\'s CAs (Azure\'s for Azure hosts).',
        value: draft.sslRootCert ?? '', ignoreFocusOut: true,
        validateInput: (v) => (v.trim() && !existsSync(v.trim()) ? `There is no file "${v.trim()}" on this machine.` : undefined),
      });
      if (ca === undefined) throw new UserCancelledError('adding the connection');
      draft.sslRootCert = ca.trim() || undefined;
    } else {
      draft.sslRootCert = undefined;
    }
    const password = await vscode.window.showInputBox({
      title: `${title} (7/7)`, prompt: `Password of ${draft.user} (kept in VS Code's secret storage)`, password: true, ignoreFocusOut: true,
    });
    if (password === undefined) throw new UserCancelledError('adding the connection');
    ctx.log.addSecret(password);
    draft.label ||= `${draft.host}:${draft.port}`;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Connecting to ${draft.host}:${draft.port}…` },
      () => testConnection(connInfo(draft, password, draft.role, ctx.config.sslRootCert)),
    );
    if (result.ok) {
      const label = await vscode.window.showInputBox({
        title: `${result.message}. Name this connection`, value: draft.label, ignoreFocusOut: true, validateInput: checkRequired('connection name'),
      });
      draft.label = label?.trim() || draft.label;
      const saved = await ctx.connections.save(draft, password);
      ctx.log.info(`Saved ${draft.role} connection ${saved.label} (${connectionString(saved)}).`);
      void vscode.window.showInformationMessage(`Added ${draft.role} ${saved.label}: ${result.message}.`);
      return saved;
    }
    ctx.log.warn(`Connection test to ${draft.host}:${draft.port} failed: ${result.message}`);
    const pick = await vscode.window.showErrorMessage(result.message, { modal: false }, 'Edit', 'Save Anyway');
    if (pick === 'Save Anyway') return ctx.connections.save(draft, password);
    if (pick !== 'Edit') throw new UserCancelledError('adding the connection');
    draft = { ...draft };
  }
}

const SSL_HELP: Record<PgSslMode, string> = {
  disable: 'no TLS',
  prefer: 'TLS when the server offers it',
  require: 'TLS, certificate not checked',
  'verify-ca': 'TLS, certificate chain checked',
  'verify-full': 'TLS, certificate and host name checked (Azure)',
};

export async function removeConnection(ctx: PgflexContext, node: unknown): Promise<void> {
  const c = connectionOf(node);
  const ok = await vscode.window.showWarningMessage(
    `Remove the connection "${c.label}"?`,
    { modal: true, detail: 'Its saved password is deleted too. The server and its databases are not touched.' },
    'Remove',
  );
  if (ok !== 'Remove') throw new UserCancelledError();
  await ctx.connections.remove(c.id);
}

export async function copyConnectionString(_ctx: PgflexContext, node: unknown): Promise<void> {
  const n = node as NodeOf<'azureServer'> | undefined;
  const text = n?.kind === 'azureServer'
    ? connectionString({ ...azureServerRef(n.server), database: 'postgres', sslMode: 'verify-full' })
    : connectionString(connectionOf(node));
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage('Copied the connection string (without password)', 3000);
}

function connectionOf(node: unknown): SavedConnection {
  const n = node as NodeOf<'connection'> | undefined;
  if (n?.kind === 'connection') return n.connection;
  throw new Error('Run this command from a connection in the PostgreSQL Migration view.');
}

/** Connections handed over by `npm start` (PGFLEX_SANDBOX_CONNECTIONS); see the README. */
export async function importSandboxConnections(ctx: PgflexContext, json: string | undefined): Promise<void> {
  if (!json) return;
  const { connections, problems } = parseSandboxConnections(json);
  for (const p of problems) ctx.log.warn(p);
  for (const c of connections) ctx.log.addSecret(c.password);
  const added = await ctx.connections.addMissing(connections);
  if (added) ctx.log.info(`Added ${added} sandbox connection(s) from PGFLEX_SANDBOX_CONNECTIONS.`);
}
