/** A fake wizard host: two saved connections, a source with a few databases, one taken name. */
import type { Handler } from './browser';

export const SOURCE_CONN = { id: 'direct:source:src.example:5432@admin/postgres', label: 'orders-prod', role: 'source', host: 'src.example', port: 5432, user: 'admin', database: 'postgres', sslMode: 'require', hasPassword: true };
export const TARGET_CONN = { id: 'direct:target:tgt.example:5432@admin/postgres', label: 'flex-target', role: 'target', host: 'tgt.example', port: 5432, user: 'admin', database: 'postgres', sslMode: 'require', hasPassword: true };

export const DATABASES = [
  { name: 'orders', sizeBytes: 734003200, existsOnTarget: false },
  { name: 'billing', sizeBytes: 10485760, existsOnTarget: true },
  { name: 'postgres', sizeBytes: 8000000, existsOnTarget: true },
  ...Array.from({ length: 8 }, (_, i) => ({ name: `app${i + 1}`, sizeBytes: 1024 * (i + 1), existsOnTarget: false })),
];

export function wizardHost(overrides: Record<string, Handler> = {}): Record<string, Handler> {
  return {
    ready: () => ({ connections: [SOURCE_CONN, TARGET_CONN], drafts: [], azure: { available: false, signedIn: false }, sourceTypes: ['OnPremises', 'AWS_RDS', 'PostgreSQLSingleServer'] }),
    listConnections: () => [SOURCE_CONN, TARGET_CONN],
    checkName: (p) => (p.name === 'taken' && p.target ? { ok: false, reason: 'A migration named "taken" already exists on tgt.example:5432; choose another name.' } : { ok: true }),
    testConnection: (p) => {
      const server = p.server as { host: string };
      if (server.host === 'bad.example') return { ok: false, message: 'Nothing is listening on the source server bad.example:5432. Check the host and port, and that PostgreSQL is running.' };
      return { ok: true, message: 'Connected: PostgreSQL 16.4', version: '16.4' };
    },
    listDatabases: () => DATABASES,
    saveDraft: () => ({ savedAt: '2026-11-24T10:00:00.000Z' }),
    loadDraft: () => { throw new Error('no drafts'); },
    deleteDraft: () => ({}),
    draftChanged: () => ({}),
    start: (p) => ({ name: (p.draft as { name: string }).name }),
    ...overrides,
  };
}
