/**
 * Rebuild the spec of a failed direct migration from what the model keeps (the engine's
 * record holds no passwords), so it can run again under the same name: the engine keeps the
 * tables that completed and copies the rest.
 */
import type { Migration, MigrationMode, MigrationOption } from '../../core/model';
import type { MigrationSpec, ServerRef } from '../../core/provider';
import { directServerId } from '../../core/ids';
import { type SavedConnection, toServerRef } from './connections';
import { databasesOf } from './migrationPresentation';

export type RetryPlan =
  | { ok: true; spec: MigrationSpec; sourceConnectionId: string; targetConnectionId?: string }
  | { ok: false; reason: string };

/** `host:port` out of an FQDN field that may or may not carry the port. */
function hostPort(s: string | undefined): { host: string; port: number } | undefined {
  if (!s) return undefined;
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(s.trim());
  return m ? { host: m[1], port: m[2] ? Number(m[2]) : 5432 } : undefined;
}

export function findSourceConnection(m: Migration, saved: SavedConnection[]): SavedConnection | undefined {
  const sources = saved.filter((c) => c.role === 'source');
  const byId = sources.find((c) => m.sourceDbServerResourceId && directServerId(c) === m.sourceDbServerResourceId);
  if (byId) return byId;
  const hp = hostPort(m.sourceDbServerFullyQualifiedDomainName);
  return hp ? sources.find((c) => c.host === hp.host && c.port === hp.port) : undefined;
}

export function retrySpec(m: Migration, target: ServerRef, saved: SavedConnection[], jobs?: number): RetryPlan {
  if (m.provider !== 'direct') return { ok: false, reason: `Retry applies to direct migrations; restart "${m.name}" in the wizard instead.` };
  const source = findSourceConnection(m, saved);
  if (!source) {
    return { ok: false, reason: `The source of "${m.name}" (${m.sourceDbServerFullyQualifiedDomainName ?? 'unknown'}) is not among your Direct connections. Add it, or restart the migration in the wizard.` };
  }
  const targetConn = saved.find((c) => c.role === 'target' && toServerRef(c).id === target.id);
  const databases = databasesOf(m);
  if (!databases.length) return { ok: false, reason: `Migration "${m.name}" does not say which databases it moves; restart it in the wizard.` };
  return {
    ok: true,
    sourceConnectionId: source.id,
    targetConnectionId: targetConn?.id,
    spec: {
      name: m.name,
      source: toServerRef(source),
      target,
      sourceType: m.sourceType,
      databases,
      mode: (m.migrationMode ?? 'Offline') as MigrationMode,
      // Validation already ran the first time; the retry goes straight to the data.
      option: (m.migrationOption === 'Validate' ? 'Validate' : 'Migrate') as MigrationOption,
      // The target databases exist from the first attempt: resume, do not drop them.
      overwrite: false,
      jobs,
    },
  };
}
